//! Patches: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and strategic merge patch
//! (k8s.io/apimachinery/pkg/util/strategicpatch) with upstream's list merge keys.
use super::status::Status;
use crate::api::{Map, Value};
use serde::{Deserialize, Serialize};

/// The patch types of `kubectl patch --type` and the API's Content-Type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PatchType {
    /// `application/merge-patch+json`
    Merge,
    /// `application/json-patch+json`
    Json,
    /// `application/strategic-merge-patch+json` (kubectl's default)
    Strategic,
}

pub fn apply_patch(target: &Value, patch: &Value, kind: PatchType) -> Result<Value, Status> {
    match kind {
        PatchType::Merge => {
            let mut out = target.clone();
            merge_patch(&mut out, patch);
            Ok(out)
        }
        PatchType::Json => json_patch(target, patch),
        PatchType::Strategic => {
            let mut out = target.clone();
            strategic_merge(&mut out, patch, "")?;
            Ok(out)
        }
    }
}

/// RFC 7386: objects merge recursively, `null` deletes, everything else replaces.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let t = target.as_object_mut().expect("is object");
    for (k, v) in p {
        if v.is_null() {
            t.shift_remove(k);
        } else {
            merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
        }
    }
}

/// The merge key of a list field, by the field's name (the `patchMergeKey` tags in k8s.io/api).
pub(crate) fn merge_key(field: &str) -> Option<&'static str> {
    Some(match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "env"
        | "volumes"
        | "imagePullSecrets" => "name",
        "ports" => "containerPort",
        "volumeMounts" => "mountPath",
        "volumeDevices" => "devicePath",
        "ownerReferences" => "uid",
        "conditions" => "type",
        "hostAliases" => "ip",
        "topologySpreadConstraints" => "topologyKey",
        "readinessGates" => "conditionType",
        "resourceClaims" | "schedulingGates" => "name",
        _ => return None,
    })
}

/// Strategic merge: like a merge patch, but lists with a merge key merge element by element,
/// and `$patch: delete` / `$patch: replace` directives apply.
fn strategic_merge(target: &mut Value, patch: &Value, field: &str) -> Result<(), Status> {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return Ok(());
    };
    if p.get("$patch").and_then(Value::as_str) == Some("replace") {
        let mut p = p.clone();
        p.shift_remove("$patch");
        *target = Value::Object(p);
        return Ok(());
    }
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let t = target.as_object_mut().expect("is object");
    for (k, v) in p {
        if k.starts_with('$') {
            if k.starts_with("$setElementOrder/")
                || k == "$retainKeys"
                || k.starts_with("$deleteFromPrimitiveList/")
            {
                continue;
            }
            return Err(Status::bad_request(format!(
                "unknown patch directive {k:?} in {field:?}"
            )));
        }
        match v {
            Value::Null => {
                t.shift_remove(k);
            }
            Value::Array(items) => match (merge_key(k), t.get_mut(k)) {
                (Some(key), Some(Value::Array(existing))) => merge_list(existing, items, key)?,
                _ => {
                    let cleaned: Vec<Value> = items
                        .iter()
                        .filter(|i| i.get("$patch").and_then(Value::as_str) != Some("delete"))
                        .cloned()
                        .collect();
                    t.insert(k.clone(), Value::from(cleaned));
                }
            },
            Value::Object(_) => strategic_merge(t.entry(k.clone()).or_insert(Value::Null), v, k)?,
            other => {
                t.insert(k.clone(), other.clone());
            }
        }
    }
    Ok(())
}

fn merge_list(existing: &mut Vec<Value>, items: &[Value], key: &str) -> Result<(), Status> {
    for item in items {
        let Some(id) = item.get(key) else {
            return Err(Status::bad_request(format!(
                "map: {item} does not contain declared merge key: {key}"
            )));
        };
        let pos = existing.iter().position(|e| e.get(key) == Some(id));
        let delete = item.get("$patch").and_then(Value::as_str) == Some("delete");
        match (pos, delete) {
            (Some(i), true) => {
                existing.remove(i);
            }
            (None, true) => {}
            (Some(i), false) => strategic_merge(&mut existing[i], item, key)?,
            (None, false) => {
                let mut fresh = Value::Null;
                strategic_merge(&mut fresh, item, key)?;
                existing.push(fresh);
            }
        }
    }
    Ok(())
}

/// RFC 6901 pointer → path segments (`~1` is `/`, `~0` is `~`).
fn pointer(path: &str) -> Result<Vec<String>, Status> {
    if path.is_empty() {
        return Ok(vec![]);
    }
    let rest = path
        .strip_prefix('/')
        .ok_or_else(|| Status::bad_request(format!("JSON pointer {path:?} must start with '/'")))?;
    Ok(rest
        .split('/')
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect())
}

fn parent_mut<'a>(
    doc: &'a mut Value,
    segs: &[String],
    path: &str,
) -> Result<&'a mut Value, Status> {
    let mut cur = doc;
    for s in segs {
        cur = match cur {
            Value::Object(m) => m.get_mut(s),
            Value::Array(a) => s.parse::<usize>().ok().and_then(move |i| a.get_mut(i)),
            _ => None,
        }
        .ok_or_else(|| Status::new(422, "Invalid", format!("the server rejected our request due to an error in our request: doc is missing path: \"{path}\"")))?;
    }
    Ok(cur)
}

fn add(doc: &mut Value, path: &str, value: Value) -> Result<(), Status> {
    let segs = pointer(path)?;
    let Some((last, parents)) = segs.split_last() else {
        *doc = value;
        return Ok(());
    };
    match parent_mut(doc, parents, path)? {
        Value::Object(m) => {
            m.insert(last.clone(), value);
        }
        Value::Array(a) => {
            let i = if last == "-" {
                a.len()
            } else {
                last.parse().unwrap_or(usize::MAX)
            };
            if i > a.len() {
                return Err(Status::new(
                    422,
                    "Invalid",
                    format!("add operation: index out of bounds: {path}"),
                ));
            }
            a.insert(i, value);
        }
        _ => {
            return Err(Status::new(
                422,
                "Invalid",
                format!("doc is missing path: \"{path}\""),
            ))
        }
    }
    Ok(())
}

fn remove(doc: &mut Value, path: &str) -> Result<Value, Status> {
    let segs = pointer(path)?;
    let Some((last, parents)) = segs.split_last() else {
        return Err(Status::bad_request("cannot remove the whole document"));
    };
    let missing = || {
        Status::new(422, "Invalid", format!("the server rejected our request due to an error in our request: remove operation does not apply: doc is missing path: \"{path}\""))
    };
    match parent_mut(doc, parents, path)? {
        Value::Object(m) => m.shift_remove(last).ok_or_else(missing),
        Value::Array(a) => match last.parse::<usize>() {
            Ok(i) if i < a.len() => Ok(a.remove(i)),
            _ => Err(missing()),
        },
        _ => Err(missing()),
    }
}

fn get<'a>(doc: &'a Value, path: &str) -> Result<&'a Value, Status> {
    let segs = pointer(path)?;
    let mut cur = doc;
    for s in &segs {
        cur = match cur {
            Value::Object(m) => m.get(s),
            Value::Array(a) => s.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => None,
        }
        .ok_or_else(|| Status::new(422, "Invalid", format!("doc is missing path: \"{path}\"")))?;
    }
    Ok(cur)
}

/// `maxJSONPatchOperations` (k8s.io/apiserver/pkg/endpoints/handlers/patch.go).
pub const MAX_JSON_PATCH_OPERATIONS: usize = 10_000;
/// `JSONPatchMaxCopyBytes` (k8s.io/apiserver/pkg/server/config.go: the request body limit,
/// 3 MiB), set as evanphx/json-patch's `AccumulatedCopySizeLimit`.
pub const MAX_JSON_PATCH_COPY_BYTES: usize = super::decode::MAX_REQUEST_BODY_BYTES;

/// RFC 6902: add, remove, replace, move, copy, test, applied in order, all or nothing.
/// At most [`MAX_JSON_PATCH_OPERATIONS`] operations (a 413 otherwise, as the API server's
/// patch handler answers), and `copy` operations may add at most
/// [`MAX_JSON_PATCH_COPY_BYTES`] in all (a 422, as `patchObj.Apply`'s error is answered),
/// so that a patch that doubles the object with each copy ends quickly.
pub fn json_patch(target: &Value, patch: &Value) -> Result<Value, Status> {
    let ops = patch
        .as_array()
        .ok_or_else(|| Status::bad_request("json patch must be a list of operations"))?;
    if ops.len() > MAX_JSON_PATCH_OPERATIONS {
        return Err(Status::request_entity_too_large(format!(
            "The allowed maximum operations in a JSON patch is {MAX_JSON_PATCH_OPERATIONS}, got {}",
            ops.len()
        )));
    }
    let mut copied: usize = 0;
    let mut doc = target.clone();
    for op in ops {
        let path = op.get("path").and_then(Value::as_str).unwrap_or("");
        let value = || {
            op.get("value")
                .cloned()
                .ok_or_else(|| Status::bad_request(format!("missing value for {path:?}")))
        };
        let from = || {
            op.get("from")
                .and_then(Value::as_str)
                .ok_or_else(|| Status::bad_request("missing from"))
        };
        match op.get("op").and_then(Value::as_str).unwrap_or("") {
            "add" => add(&mut doc, path, value()?)?,
            "remove" => {
                remove(&mut doc, path)?;
            }
            "replace" => {
                remove(&mut doc, path)?;
                add(&mut doc, path, value()?)?;
            }
            "move" => {
                let v = remove(&mut doc, from()?)?;
                add(&mut doc, path, v)?;
            }
            "copy" => {
                let v = get(&doc, from()?)?.clone();
                // evanphx/json-patch `copy`: the size of the copied value, quotes included.
                let size = serde_json::to_vec(&v).map_or(usize::MAX, |b| b.len());
                copied = copied.saturating_add(size);
                if copied > MAX_JSON_PATCH_COPY_BYTES {
                    return Err(Status::new(
                        422,
                        "Invalid",
                        format!(
                            "Unable to complete the copy, the accumulated size increase of copy is {copied}, exceeding the limit {MAX_JSON_PATCH_COPY_BYTES}"
                        ),
                    ));
                }
                add(&mut doc, path, v)?;
            }
            "test" => {
                if *get(&doc, path)? != value()? {
                    return Err(Status::new(
                        422,
                        "Invalid",
                        format!("testing value {path} failed"),
                    ));
                }
            }
            other => return Err(Status::bad_request(format!("Unexpected kind: {other}"))),
        }
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn merge_patch_rfc7386_examples() {
        let cases = [
            (json!({"a": "b"}), json!({"a": "c"}), json!({"a": "c"})),
            (
                json!({"a": "b"}),
                json!({"b": "c"}),
                json!({"a": "b", "b": "c"}),
            ),
            (json!({"a": "b"}), json!({"a": null}), json!({})),
            (json!({"a": ["b"]}), json!({"a": "c"}), json!({"a": "c"})),
            (
                json!({"a": {"b": "c"}}),
                json!({"a": {"b": "d", "c": null}}),
                json!({"a": {"b": "d"}}),
            ),
            (
                json!({"a": [{"b": "c"}]}),
                json!({"a": [1]}),
                json!({"a": [1]}),
            ),
        ];
        for (t, p, want) in cases {
            assert_eq!(apply_patch(&t, &p, PatchType::Merge).unwrap(), want);
        }
    }

    #[test]
    fn json_patch_rfc6902() {
        let doc = json!({"spec": {"replicas": 1, "list": [1, 2]}});
        let p = json!([
            {"op": "replace", "path": "/spec/replicas", "value": 3},
            {"op": "add", "path": "/spec/list/-", "value": 3},
            {"op": "remove", "path": "/spec/list/0"},
            {"op": "copy", "from": "/spec/replicas", "path": "/spec/copy"},
            {"op": "test", "path": "/spec/copy", "value": 3}
        ]);
        assert_eq!(
            json_patch(&doc, &p).unwrap(),
            json!({"spec": {"replicas": 3, "list": [2, 3], "copy": 3}})
        );
        let bad = json!([{"op": "remove", "path": "/spec/missing"}]);
        assert_eq!(json_patch(&doc, &bad).unwrap_err().code, 422);
        let failed = json!([{"op": "test", "path": "/spec/replicas", "value": 9}]);
        assert!(json_patch(&doc, &failed).is_err());
    }

    #[test]
    fn strategic_merge_merges_containers_by_name() {
        let doc = json!({"spec": {"containers": [{"name": "a", "image": "x:1"}, {"name": "b", "image": "y:1"}], "tolerations": [{"key": "k"}]}});
        let p = json!({"spec": {"containers": [{"name": "b", "image": "y:2"}, {"name": "c", "image": "z"}], "tolerations": [{"key": "j"}]}});
        let out = apply_patch(&doc, &p, PatchType::Strategic).unwrap();
        assert_eq!(
            out,
            json!({"spec": {"containers": [{"name": "a", "image": "x:1"}, {"name": "b", "image": "y:2"}, {"name": "c", "image": "z"}], "tolerations": [{"key": "j"}]}})
        );
        let del = json!({"spec": {"containers": [{"name": "a", "$patch": "delete"}]}});
        let out = apply_patch(&out, &del, PatchType::Strategic).unwrap();
        assert_eq!(out["spec"]["containers"].as_array().unwrap().len(), 2);
        let missing_key = json!({"spec": {"containers": [{"image": "q"}]}});
        assert!(apply_patch(&doc, &missing_key, PatchType::Strategic).is_err());
    }
}

#[cfg(test)]
mod json_patch_limits {
    use super::*;
    use crate::json;

    #[test]
    fn too_many_operations_are_refused() {
        let op = json!({"op": "test", "path": "/a", "value": 1});
        let patch = Value::from(vec![op; MAX_JSON_PATCH_OPERATIONS + 1]);
        let e = json_patch(&json!({"a": 1}), &patch).unwrap_err();
        assert_eq!(e.code, 413);
        assert_eq!(
            e.message,
            "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001"
        );
    }

    #[test]
    fn copies_that_double_the_document_stop_at_the_copy_limit() {
        // Each copy doubles /a: without the limit, 64 copies would make 2^64 elements.
        let mut ops = vec![json!({"op": "add", "path": "/a", "value": ["x"]})];
        for _ in 0..64 {
            ops.push(json!({"op": "copy", "from": "/a", "path": "/a/-"}));
        }
        let e = json_patch(&json!({}), &Value::from(ops)).unwrap_err();
        assert_eq!(e.code, 422);
        assert!(
            e.message.starts_with(
                "Unable to complete the copy, the accumulated size increase of copy is "
            ),
            "{}",
            e.message
        );
    }
}
