//! Managed fields (sigs.k8s.io/structured-merge-diff): which field manager owns which field,
//! in the `FieldsV1` format (`f:spec`, `k:{"name":"nginx"}`, `v:"finalizer"`, `.`), and
//! server-side apply on top of it: conflicts, forced takeover, removal of fields a manager
//! stopped applying.
use super::patch::merge_key;
use super::status::{Status, StatusCause, StatusDetails};
use crate::api::KindInfo;
use crate::api::{Map, Value};
use crate::json;
use std::collections::BTreeSet;

mod update;
pub use update::record_update;

/// One field path: `["f:spec", "f:containers", "k:{\"name\":\"a\"}", "f:image"]`.
pub type FieldPath = Vec<String>;
pub type FieldSet = BTreeSet<FieldPath>;

/// Struct fields that are atomic (`+structType=atomic`): owned and replaced as a whole.
const ATOMIC: &[&str] = &[
    "selector",
    "nodeAffinity",
    "podAffinity",
    "podAntiAffinity",
    "scaleTargetRef",
];
/// Fields of type `map[string]…`: their entries are owned one by one and the map itself is `.`.
const MAPS: &[&str] = &[
    "labels",
    "annotations",
    "nodeSelector",
    "matchLabels",
    "data",
    "binaryData",
    "stringData",
    "limits",
    "requests",
    "capacity",
    "allocatable",
    "overhead",
    "parameters",
];
/// Metadata the server owns: never part of a field set.
const SERVER_OWNED: &[&str] = &[
    "name",
    "namespace",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "managedFields",
    "selfLink",
];

fn element_key(elem: &Value, key: &str) -> String {
    let value = elem.get(key).unwrap_or(&Value::Null);
    // The common case, a plain string (`{"name":"nginx"}`), written directly; anything that
    // needs JSON escaping goes through the serializer.
    let plain = |s: &str| !s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20);
    if plain(key) {
        match value {
            Value::String(v) if plain(v) => return format!("k:{{\"{key}\":\"{v}\"}}"),
            Value::Number(n) => return format!("k:{{\"{key}\":{n}}}"),
            _ => {}
        }
    }
    let mut m = Map::new();
    m.insert(key, value.clone());
    format!("k:{}", Value::Object(m))
}

/// The field set of an object (or of a partial object, as applied).
pub fn field_set(obj: &Value) -> FieldSet {
    let mut out = FieldSet::new();
    if let Some(m) = obj.as_object() {
        for (k, v) in m {
            if k == "apiVersion" || k == "kind" {
                continue;
            }
            if k == "metadata" {
                for (mk, mv) in v.as_object().into_iter().flatten() {
                    if !SERVER_OWNED.contains(&mk.as_str()) {
                        collect(
                            mv,
                            mk,
                            vec!["f:metadata".into(), format!("f:{mk}")],
                            &mut out,
                        );
                    }
                }
                continue;
            }
            collect(v, k, vec![format!("f:{k}")], &mut out);
        }
    }
    out
}

fn collect(v: &Value, field: &str, prefix: FieldPath, out: &mut FieldSet) {
    match v {
        Value::Object(m) if !m.is_empty() && !ATOMIC.contains(&field) => {
            if MAPS.contains(&field) {
                let mut p = prefix.clone();
                p.push(".".into());
                out.insert(p);
            }
            for (k, c) in m {
                let mut p = prefix.clone();
                p.push(format!("f:{k}"));
                collect(c, k, p, out);
            }
        }
        Value::Array(items) if field == "finalizers" => {
            for i in items {
                let mut p = prefix.clone();
                p.push(format!("v:{i}"));
                out.insert(p);
            }
        }
        Value::Array(items) if merge_key(field).is_some() && items.iter().all(Value::is_object) => {
            let key = merge_key(field).unwrap_or("name");
            for elem in items {
                let mut p = prefix.clone();
                p.push(element_key(elem, key));
                let mut dot = p.clone();
                dot.push(".".into());
                out.insert(dot);
                for (k, c) in elem.as_object().into_iter().flatten() {
                    let mut q = p.clone();
                    q.push(format!("f:{k}"));
                    collect(c, k, q, out);
                }
            }
        }
        _ => {
            out.insert(prefix);
        }
    }
}

/// The value at a field path, if present.
pub fn get<'a>(obj: &'a Value, path: &[String]) -> Option<&'a Value> {
    let mut cur = obj;
    for seg in path {
        cur = if let Some(f) = seg.strip_prefix("f:") {
            cur.get(f)?
        } else if let Some(k) = seg.strip_prefix("k:") {
            let key: Map = serde_json::from_str(k).ok()?;
            cur.as_array()?
                .iter()
                .find(|e| key.iter().all(|(kk, kv)| e.get(kk) == Some(kv)))?
        } else if let Some(v) = seg.strip_prefix("v:") {
            let want: Value = serde_json::from_str(v).ok()?;
            cur.as_array()?.iter().find(|e| **e == want)?
        } else {
            cur
        };
    }
    Some(cur)
}

/// Removes the field at `path` (the last segment names a key, an element, or `.` for the whole value).
fn remove(obj: &mut Value, path: &[String]) {
    let path: Vec<&String> = path.iter().filter(|s| *s != ".").collect();
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut cur = obj;
    for seg in parents {
        let next = if let Some(f) = seg.strip_prefix("f:") {
            cur.get_mut(f)
        } else if let Some(k) = seg.strip_prefix("k:") {
            let Ok(key) = serde_json::from_str::<Map>(k) else {
                return;
            };
            cur.as_array_mut().and_then(|a| {
                a.iter_mut()
                    .find(|e| key.iter().all(|(kk, kv)| e.get(kk) == Some(kv)))
            })
        } else {
            None
        };
        let Some(n) = next else { return };
        cur = n;
    }
    if let Some(f) = last.strip_prefix("f:") {
        if let Some(m) = cur.as_object_mut() {
            m.shift_remove(f);
        }
    } else if let Some(k) = last.strip_prefix("k:") {
        if let (Ok(key), Some(a)) = (serde_json::from_str::<Map>(k), cur.as_array_mut()) {
            a.retain(|e| !key.iter().all(|(kk, kv)| e.get(kk) == Some(kv)));
        }
    } else if let Some(v) = last.strip_prefix("v:") {
        if let (Ok(want), Some(a)) = (serde_json::from_str::<Value>(v), cur.as_array_mut()) {
            a.retain(|e| *e != want);
        }
    }
}

/// `.spec.template.spec.containers[name="nginx"].image`: a path as conflict messages print it.
pub fn display(path: &[String]) -> String {
    let mut s = String::new();
    for seg in path {
        if let Some(f) = seg.strip_prefix("f:") {
            s.push('.');
            s.push_str(f);
        } else if let Some(k) = seg.strip_prefix("k:") {
            let key: Map = serde_json::from_str(k).unwrap_or_default();
            let parts: Vec<String> = key.iter().map(|(kk, kv)| format!("{kk}={kv}")).collect();
            s.push_str(&format!("[{}]", parts.join(",")));
        } else if let Some(v) = seg.strip_prefix("v:") {
            s.push_str(&format!("[{v}]"));
        }
    }
    s
}

/// `FieldSet` → the `fieldsV1` tree.
pub fn to_fields_v1(set: &FieldSet) -> Value {
    let mut root = Map::new();
    for path in set {
        let mut cur = &mut root;
        for seg in path {
            cur = cur
                .entry(seg.clone())
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
                .expect("object");
        }
    }
    Value::Object(root)
}

/// The `fieldsV1` tree → `FieldSet` (every leaf is a path).
pub fn from_fields_v1(v: &Value) -> FieldSet {
    fn walk(v: &Value, prefix: &mut FieldPath, out: &mut FieldSet) {
        match v.as_object() {
            Some(m) if !m.is_empty() => {
                for (k, c) in m {
                    prefix.push(k.to_string());
                    walk(c, prefix, out);
                    prefix.pop();
                }
            }
            _ => {
                if !prefix.is_empty() {
                    out.insert(prefix.clone());
                }
            }
        }
    }
    let mut out = FieldSet::new();
    walk(v, &mut Vec::new(), &mut out);
    out
}

/// One `managedFields[]` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub manager: String,
    pub operation: String,
    pub subresource: String,
    pub api_version: String,
    pub time: String,
    pub fields: FieldSet,
}

pub fn read(obj: &Value) -> Vec<Entry> {
    crate::api::object::array_at(obj, &["metadata", "managedFields"])
        .iter()
        .map(|e| Entry {
            manager: e["manager"].as_str().unwrap_or("").into(),
            operation: e["operation"].as_str().unwrap_or("").into(),
            subresource: e["subresource"].as_str().unwrap_or("").into(),
            api_version: e["apiVersion"].as_str().unwrap_or("").into(),
            time: e["time"].as_str().unwrap_or("").into(),
            fields: from_fields_v1(&e["fieldsV1"]),
        })
        .collect()
}

pub fn write(obj: &mut Value, entries: &[Entry]) {
    let list: Vec<Value> = entries
        .iter()
        .filter(|e| !e.fields.is_empty())
        .map(|e| {
            let mut v = json!({"manager": e.manager, "operation": e.operation, "apiVersion": e.api_version, "time": e.time, "fieldsType": "FieldsV1", "fieldsV1": to_fields_v1(&e.fields)});
            if !e.subresource.is_empty() {
                v["subresource"] = json!(e.subresource);
            }
            v
        })
        .collect();
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        if list.is_empty() {
            meta.shift_remove("managedFields");
        } else {
            meta.insert("managedFields", Value::from(list));
        }
    }
}

#[cfg(test)]
/// The whole-object reference for [`record_update`] (what it must equal), for tests.
pub(super) fn record_update_full(
    old: Option<&Value>,
    new: &mut Value,
    manager: &str,
    subresource: &str,
    time: &str,
) {
    let mut entries = old.map(read).unwrap_or_default();
    let new_set = field_set(new);
    let changed: FieldSet = new_set
        .iter()
        .filter(|p| {
            p.last().is_some_and(|s| s != ".") && old.and_then(|o| get(o, p)) != get(new, p)
        })
        .cloned()
        .collect();
    for e in entries.iter_mut() {
        e.fields
            .retain(|p| new_set.contains(p) && !changed.contains(p));
    }
    if !changed.is_empty() {
        let api_version = crate::api::object::api_version(new).to_string();
        match entries.iter_mut().find(|e| {
            e.manager == manager && e.operation == "Update" && e.subresource == subresource
        }) {
            Some(e) => {
                e.fields.extend(changed);
                e.time = time.into();
            }
            None => entries.push(Entry {
                manager: manager.into(),
                operation: "Update".into(),
                subresource: subresource.into(),
                api_version,
                time: time.into(),
                fields: changed,
            }),
        }
    }
    write(new, &entries);
}

/// Server-side apply of `config` by `manager` onto `live` (None when creating). Returns the
/// merged object with its managed fields, or a 409 listing the conflicts unless `force`.
pub fn server_side_apply(
    info: &KindInfo,
    live: Option<&Value>,
    config: &Value,
    manager: &str,
    force: bool,
    time: &str,
) -> Result<Value, Status> {
    let applied = field_set(config);
    let mut entries = live.map(read).unwrap_or_default();
    let mut merged = live.cloned().unwrap_or_else(|| json!({}));
    if let Some(live) = live {
        // Conflicts: another manager owns a field this apply sets to a different value.
        let mut conflicts: Vec<(String, String, FieldPath)> = Vec::new();
        for e in entries
            .iter()
            .filter(|e| !(e.manager == manager && e.operation == "Apply"))
        {
            for p in e.fields.intersection(&applied) {
                if p.last().is_some_and(|s| s != ".") && get(live, p) != get(config, p) {
                    conflicts.push((e.manager.clone(), e.api_version.clone(), p.clone()));
                }
            }
        }
        if !conflicts.is_empty() && !force {
            return Err(conflict_status(
                info,
                crate::api::object::name(config),
                &conflicts,
            ));
        }
        for (m, _, p) in &conflicts {
            for e in entries.iter_mut().filter(|e| e.manager == *m) {
                e.fields.remove(p);
            }
        }
        // Fields this manager applied before and no longer does, that no one else owns, go.
        let previous: FieldSet = entries
            .iter()
            .filter(|e| e.manager == manager && e.operation == "Apply")
            .flat_map(|e| e.fields.iter().cloned())
            .collect();
        let others: FieldSet = entries
            .iter()
            .filter(|e| !(e.manager == manager && e.operation == "Apply"))
            .flat_map(|e| e.fields.iter().cloned())
            .collect();
        let mut dropped: Vec<&FieldPath> = previous
            .iter()
            .filter(|p| !applied.contains(*p) && !others.contains(*p))
            .collect();
        dropped.sort_by_key(|p| std::cmp::Reverse(p.len()));
        for p in dropped {
            remove(&mut merged, p);
        }
    }
    merge(&mut merged, config, "");
    entries.retain(|e| !(e.manager == manager && e.operation == "Apply"));
    entries.insert(
        0,
        Entry {
            manager: manager.into(),
            operation: "Apply".into(),
            subresource: String::new(),
            api_version: crate::api::object::api_version(config).into(),
            time: time.into(),
            fields: applied,
        },
    );
    write(&mut merged, &entries);
    Ok(merged)
}

/// Merges an applied configuration into an object: maps by key, associative lists by merge
/// key, atomic lists and scalars replaced.
fn merge(target: &mut Value, config: &Value, field: &str) {
    match (target, config) {
        (Value::Object(t), Value::Object(c)) if !ATOMIC.contains(&field) => {
            for (k, v) in c {
                match t.get_mut(k) {
                    Some(existing) => merge(existing, v, k),
                    None => {
                        t.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (Value::Array(t), Value::Array(c))
            if merge_key(field).is_some() && c.iter().all(Value::is_object) =>
        {
            let key = merge_key(field).unwrap_or("name");
            for item in c {
                match t.iter_mut().find(|e| e.get(key) == item.get(key)) {
                    Some(existing) => merge(existing, item, ""),
                    None => t.push(item.clone()),
                }
            }
        }
        (t, c) => *t = c.clone(),
    }
}

/// `Apply failed with 1 conflict: conflict with "kube-controller-manager" using apps/v1: .spec.replicas`.
fn conflict_status(
    info: &KindInfo,
    name: &str,
    conflicts: &[(String, String, FieldPath)],
) -> Status {
    let lines: Vec<String> = conflicts
        .iter()
        .map(|(m, v, p)| format!("conflict with \"{m}\" using {v}: {}", display(p)))
        .collect();
    let message = if lines.len() == 1 {
        format!("Apply failed with 1 conflict: {}", lines[0])
    } else {
        format!(
            "Apply failed with {} conflicts: {}",
            lines.len(),
            lines.join("\n")
        )
    };
    let mut s = Status::new(409, "Conflict", message);
    s.details = Some(StatusDetails {
        name: name.into(),
        group: info.group.into(),
        kind: info.plural.into(),
        causes: conflicts
            .iter()
            .map(|(m, v, p)| StatusCause {
                reason: "FieldManagerConflict".into(),
                message: format!("conflict with \"{m}\" using {v}"),
                field: display(p),
            })
            .collect(),
    });
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_sets_use_fields_v1_keys() {
        let d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "w", "labels": {"app": "w"}},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "w"}},
                     "template": {"spec": {"containers": [{"name": "a", "image": "x", "args": ["-v"]}]}}}});
        let v1 = to_fields_v1(&field_set(&d));
        assert_eq!(
            v1,
            json!({"f:metadata": {"f:labels": {".": {}, "f:app": {}}},
                   "f:spec": {"f:replicas": {}, "f:selector": {},
                              "f:template": {"f:spec": {"f:containers": {"k:{\"name\":\"a\"}": {".": {}, "f:args": {}, "f:image": {}, "f:name": {}}}}}}})
        );
        assert_eq!(from_fields_v1(&v1), field_set(&d));
        let p: FieldPath = [
            "f:spec",
            "f:template",
            "f:spec",
            "f:containers",
            "k:{\"name\":\"a\"}",
            "f:image",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            display(&p),
            ".spec.template.spec.containers[name=\"a\"].image"
        );
        assert_eq!(get(&d, &p), Some(&json!("x")));
    }
}
