//! What the apiserver does to a custom object around validation: pruning of unknown fields
//! (reported for field validation), dropping nulls the schema cannot hold, defaulting, the
//! `x-kubernetes-list-type` uniqueness rules and the checks of embedded resources.
//!
//! Upstream, in apiextensions-apiserver `pkg/apiserver/schema/`: `pruning/algorithm.go`
//! (`PruneWithOptions`), `options.go` (`UnknownFieldPathOptions`), `defaulting/algorithm.go`
//! (`Default`), `defaulting/prunenulls.go` (`PruneNonNullableNullsWithoutDefaults`),
//! `listtype/validation.go` (`ValidateListSetsAndMaps`) and `objectmeta/validation.go`
//! (`validateEmbeddedResource`).
use super::openapi::go_deep_equal;
use super::schema::{Additional, Schema};
use super::values::{go_json, go_value};
use crate::api::Value;
use crate::server::status::{FieldError, FieldErrorKind};

const META_FIELDS: [&str; 3] = ["apiVersion", "kind", "metadata"];
const MAX_DEPTH: usize = 128;

/// Removes every field the schema does not specify (at the resource root `apiVersion`, `kind`
/// and `metadata` stay) and returns their paths, sorted: `spec.foo`, `spec.items[0].bar`. A
/// field under `x-kubernetes-preserve-unknown-fields` is kept, though fields under it that the
/// schema does specify are still pruned inside.
pub fn prune(obj: &mut Value, schema: &Schema) -> Vec<String> {
    let mut root = schema.clone();
    root.embedded_resource = true;
    let mut out = Vec::new();
    prune_node(obj, Some(&root), "", &mut out, 0);
    out.sort();
    out
}

fn join_key(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

fn prune_node(x: &mut Value, s: Option<&Schema>, path: &str, out: &mut Vec<String>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    if let Some(s) = s {
        if s.preserve_unknown_fields {
            skip_prune(x, s, path, out, depth);
            return;
        }
    }
    match x {
        Value::Object(m) => {
            let Some(s) = s else {
                for (k, _) in m.iter() {
                    out.push(join_key(path, k));
                }
                m.clear();
                return;
            };
            m.retain(|k, v| {
                if s.embedded_resource && META_FIELDS.contains(&k.as_str()) {
                    return true;
                }
                if let Some(prop) = s.property(k) {
                    prune_node(v, Some(prop), &join_key(path, k), out, depth + 1);
                    true
                } else if let Some(add) = &s.additional_properties {
                    let sub = match add {
                        Additional::Schema(a) => Some(a.as_ref()),
                        Additional::Allows(_) => None,
                    };
                    prune_node(v, sub, &join_key(path, k), out, depth + 1);
                    true
                } else {
                    if !META_FIELDS.contains(&k.as_str()) || !path.is_empty() {
                        out.push(join_key(path, k));
                    }
                    false
                }
            });
        }
        Value::Array(a) => {
            let items = s.and_then(|s| s.items.as_deref());
            for (i, v) in a.iter_mut().enumerate() {
                prune_node(v, items, &format!("{path}[{i}]"), out, depth + 1);
            }
        }
        _ => {}
    }
}

fn skip_prune(x: &mut Value, s: &Schema, path: &str, out: &mut Vec<String>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match x {
        Value::Object(m) => {
            for (k, v) in m.iter_mut() {
                if s.embedded_resource && META_FIELDS.contains(&k.as_str()) {
                    continue;
                }
                if let Some(prop) = s.property(k) {
                    prune_node(v, Some(prop), &join_key(path, k), out, depth + 1);
                } else if let Some(add) = &s.additional_properties {
                    let sub = match add {
                        Additional::Schema(a) => Some(a.as_ref()),
                        Additional::Allows(_) => None,
                    };
                    prune_node(v, sub, &join_key(path, k), out, depth + 1);
                }
            }
        }
        Value::Array(a) => {
            if let Some(items) = s.items.as_deref() {
                for (i, v) in a.iter_mut().enumerate() {
                    skip_prune(v, items, &format!("{path}[{i}]"), out, depth + 1);
                }
            }
        }
        _ => {}
    }
}

/// The schema of field `k` of an object with schema `s`: its property, or the map values'.
fn field_schema<'a>(s: Option<&'a Schema>, k: &str) -> Option<&'a Schema> {
    let s = s?;
    s.property(k).or_else(|| s.additional_schema())
}

/// `PruneNonNullableNullsWithoutDefaults`: drops `null` fields whose schema is not nullable and
/// has no default.
pub fn prune_nulls(x: &mut Value, s: Option<&Schema>) {
    prune_nulls_at(x, s, 0)
}

fn prune_nulls_at(x: &mut Value, s: Option<&Schema>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match x {
        Value::Object(m) => m.retain(|k, v| {
            let fs = field_schema(s, k);
            let drop = v.is_null() && fs.is_some_and(|f| !f.nullable && f.default.is_none());
            if !drop {
                prune_nulls_at(v, fs, depth + 1);
            }
            !drop
        }),
        Value::Array(a) => {
            let items = s.and_then(|s| s.items.as_deref());
            for v in a.iter_mut() {
                prune_nulls_at(v, items, depth + 1);
            }
        }
        _ => {}
    }
}

fn is_non_nullable_null(x: &Value, s: Option<&Schema>) -> bool {
    x.is_null() && s.is_some_and(|s| !s.nullable)
}

/// `Default`: sets each missing property (or a `null` one whose schema is not nullable) to its
/// schema's `default`, and recurses into objects, maps and arrays.
pub fn apply_defaults(x: &mut Value, s: &Schema) {
    default_at(x, s, 0)
}

fn default_at(x: &mut Value, s: &Schema, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match x {
        Value::Object(m) => {
            for (k, prop) in &s.properties {
                let Some(d) = &prop.default else { continue };
                let missing = match m.get(k) {
                    None => true,
                    Some(v) => is_non_nullable_null(v, Some(prop)),
                };
                if missing {
                    m.insert(k.as_str(), d.clone());
                }
            }
            for (k, v) in m.iter_mut() {
                if let Some(prop) = s.property(k) {
                    default_at(v, prop, depth + 1);
                } else if let Some(add) = s.additional_schema() {
                    if is_non_nullable_null(v, Some(add)) {
                        *v = add.default.clone().unwrap_or_default();
                    }
                    default_at(v, add, depth + 1);
                }
            }
        }
        Value::Array(a) => {
            let Some(items) = s.items.as_deref() else {
                return;
            };
            for v in a.iter_mut() {
                if is_non_nullable_null(v, Some(items)) {
                    *v = items.default.clone().unwrap_or_default();
                }
                default_at(v, items, depth + 1);
            }
        }
        _ => {}
    }
}

/// `ValidateListSetsAndMaps`: items of a `set` list are unique, and the key fields of a `map`
/// list identify one item each (`spec.ports[1]: Duplicate value: {"name":"http"}`).
pub fn validate_list_types(obj: &Value, s: &Schema) -> Vec<FieldError> {
    let mut out = Vec::new();
    list_types_object(obj, s, "", &mut out, 0);
    out
}

fn list_types_object(x: &Value, s: &Schema, path: &str, out: &mut Vec<FieldError>, depth: usize) {
    let Some(m) = x.as_object() else { return };
    if let Some(add) = s.additional_schema() {
        for (k, v) in m.iter() {
            list_types_value(v, add, &format!("{path}[{k}]"), out, depth + 1);
        }
    }
    for (k, v) in m.iter() {
        if let Some(sub) = s.property(k) {
            list_types_value(v, sub, &join_key(path, k), out, depth + 1);
        }
    }
}

fn list_types_value(x: &Value, s: &Schema, path: &str, out: &mut Vec<FieldError>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match x {
        Value::Array(a) => {
            match s.list_type.as_deref() {
                Some("set") => {
                    for i in duplicate_indices(a) {
                        out.push(duplicate(&format!("{path}[{i}]"), go_value(&a[i])));
                    }
                }
                Some("map") => list_map(a, s, path, out),
                _ => {}
            }
            if let Some(items) = s.items.as_deref() {
                for (i, v) in a.iter().enumerate() {
                    list_types_value(v, items, &format!("{path}[{i}]"), out, depth + 1);
                }
            }
        }
        Value::Object(_) => list_types_object(x, s, path, out, depth),
        _ => {}
    }
}

fn duplicate(field: &str, value: String) -> FieldError {
    FieldError {
        kind: FieldErrorKind::Duplicate,
        field: field.to_string(),
        value,
        detail: String::new(),
    }
}

/// `validateListSet`: the index of the second occurrence of each repeated value.
fn duplicate_indices(items: &[Value]) -> Vec<usize> {
    let mut out = Vec::new();
    for (i, x) in items.iter().enumerate() {
        let seen_before = items[..i].iter().filter(|y| go_deep_equal(x, y)).count();
        if seen_before == 1 {
            out.push(i);
        }
    }
    out
}

fn list_map(a: &[Value], s: &Schema, path: &str, out: &mut Vec<FieldError>) {
    if let Some((i, x)) = a
        .iter()
        .enumerate()
        .find(|(_, x)| !x.is_null() && !x.is_object())
    {
        out.push(FieldError::invalid(
            format!("{path}[{i}]"),
            go_value(x),
            "must be an object for an array of list-type map",
        ));
        return;
    }
    if a.len() <= 1 {
        return;
    }
    let keys: Vec<Value> = a
        .iter()
        .map(|x| {
            let mut key = crate::api::Map::new();
            for k in &s.list_map_keys {
                if let Some(v) = x.get(k) {
                    key.insert(k.as_str(), v.clone());
                }
            }
            Value::Object(key)
        })
        .collect();
    for i in duplicate_indices(&keys) {
        out.push(duplicate(&format!("{path}[{i}]"), go_json(&keys[i])));
    }
}

/// `validateEmbeddedResource` for objects under `x-kubernetes-embedded-resource` below the
/// root: `apiVersion` and `kind` present, strings, not empty, `kind` a DNS-1035 label in lower
/// case. (kplane does not validate the embedded `metadata`.)
pub fn validate_embedded(obj: &Value, s: &Schema) -> Vec<FieldError> {
    let mut out = Vec::new();
    if let Some(m) = obj.as_object() {
        for (k, v) in m.iter() {
            if let Some(prop) = s.property(k) {
                embedded_at(v, prop, &join_key("", k), &mut out, 1);
            } else if let Some(add) = s.additional_schema() {
                embedded_at(v, add, &format!("[{k}]"), &mut out, 1);
            }
        }
    }
    out
}

fn embedded_at(x: &Value, s: &Schema, path: &str, out: &mut Vec<FieldError>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match x {
        Value::Object(m) => {
            if s.embedded_resource {
                for k in ["apiVersion", "kind"] {
                    if !m.contains_key(k) {
                        out.push(FieldError::required(join_key(path, k), ""));
                    }
                }
                for (k, v) in m.iter() {
                    let f = join_key(path, k);
                    match (k.as_str(), v.as_str()) {
                        ("apiVersion" | "kind", None) => {
                            out.push(FieldError::invalid(f, go_value(v), "must be a string"))
                        }
                        ("apiVersion" | "kind", Some("")) => {
                            out.push(FieldError::invalid(f, "\"\"", "must not be empty"))
                        }
                        ("kind", Some(kind)) if !is_dns1035_label(&kind.to_ascii_lowercase()) => {
                            out.push(FieldError::invalid(
                                f,
                                go_value(v),
                                format!(
                                    "may have mixed case, but should otherwise match: {}",
                                    dns1035_errors(&kind.to_ascii_lowercase()).join(",")
                                ),
                            ))
                        }
                        _ => {}
                    }
                }
            }
            for (k, v) in m.iter() {
                if let Some(prop) = s.property(k) {
                    embedded_at(v, prop, &join_key(path, k), out, depth + 1);
                } else if let Some(add) = s.additional_schema() {
                    embedded_at(v, add, &format!("{path}[{k}]"), out, depth + 1);
                }
            }
        }
        Value::Array(a) => {
            if let Some(items) = s.items.as_deref() {
                for (i, v) in a.iter().enumerate() {
                    embedded_at(v, items, &format!("{path}[{i}]"), out, depth + 1);
                }
            }
        }
        _ => {}
    }
}

/// `IsDNS1035Label`: `[a-z]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
pub fn is_dns1035_label(s: &str) -> bool {
    dns1035_errors(s).is_empty()
}

/// The messages of `validation.IsDNS1035Label`.
pub fn dns1035_errors(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 63 {
        errs.push("must be no more than 63 characters".to_string());
    }
    let b = s.as_bytes();
    let ok = !b.is_empty()
        && b[0].is_ascii_lowercase()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b.last()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !ok {
        errs.push("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')".to_string());
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn schema() -> Schema {
        Schema::from_value(&json!({"type": "object", "properties": {
            "spec": {"type": "object", "properties": {
                "replicas": {"type": "integer", "default": 1},
                "mode": {"type": "string", "default": "Fast"},
                "opt": {"type": "string", "nullable": true},
                "plain": {"type": "string"},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "raw": {"type": "object", "x-kubernetes-preserve-unknown-fields": true,
                        "properties": {"known": {"type": "object", "properties": {"a": {"type": "string"}}}}},
                "ports": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
                          "items": {"type": "object", "properties": {"name": {"type": "string", "default": "http"},
                                                                    "port": {"type": "integer"}}}},
                "tags": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}},
                "template": {"type": "object", "x-kubernetes-embedded-resource": true,
                             "x-kubernetes-preserve-unknown-fields": true}
            }},
            "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}
        }}))
    }

    #[test]
    fn prunes_unknown_fields_and_reports_sorted_paths() {
        let mut o = json!({"apiVersion": "x/v1", "kind": "X", "metadata": {"name": "a"},
            "extra": 1,
            "spec": {"replicas": 2, "zz": true, "labels": {"a": "b"},
                     "raw": {"anything": {"goes": 1}, "known": {"a": "x", "b": "pruned"}},
                     "ports": [{"name": "a", "bogus": 1}],
                     "template": {"apiVersion": "v1", "kind": "Pod", "metadata": {}, "spec": {}}},
            "status": {"free": "form"}});
        let unknown = prune(&mut o, &schema());
        assert_eq!(
            unknown,
            [
                "extra",
                "spec.ports[0].bogus",
                "spec.raw.known.b",
                "spec.zz"
            ]
        );
        assert_eq!(o["spec"]["raw"]["anything"], json!({"goes": 1}));
        assert!(o["spec"]["raw"]["known"].get("b").is_none());
        assert_eq!(o["status"], json!({"free": "form"}));
        assert_eq!(o["metadata"], json!({"name": "a"}));
        assert!(o["spec"]["template"].get("spec").is_some());
    }

    #[test]
    fn nulls_and_defaults() {
        let s = schema();
        let mut o = json!({"spec": {"replicas": null, "opt": null, "plain": null, "ports": [{"port": 80}]}});
        prune_nulls(&mut o, Some(&s));
        assert_eq!(
            o["spec"].get("plain"),
            None,
            "non-nullable null without default dropped"
        );
        assert_eq!(o["spec"]["opt"], Value::Null, "nullable null kept");
        apply_defaults(&mut o, &s);
        assert_eq!(
            o["spec"]["replicas"], 1,
            "non-nullable null replaced by the default"
        );
        assert_eq!(o["spec"]["mode"], "Fast");
        assert_eq!(o["spec"]["ports"][0]["name"], "http");
        let mut o = json!({"spec": {"replicas": 5}});
        apply_defaults(&mut o, &s);
        assert_eq!(o["spec"]["replicas"], 5);
    }

    #[test]
    fn list_type_set_and_map_uniqueness() {
        let s = schema();
        let o = json!({"spec": {"tags": ["a", "b", "a", "a"], "ports": [{"name": "http", "port": 80}, {"name": "http", "port": 81}, {"port": 1}, {"port": 2}]}});
        let errs: Vec<String> = validate_list_types(&o, &s)
            .iter()
            .map(|e| e.to_string())
            .collect();
        let mut sorted = errs.clone();
        sorted.sort();
        assert_eq!(
            sorted,
            [
                r#"spec.ports[1]: Duplicate value: {"name":"http"}"#,
                "spec.ports[3]: Duplicate value: {}",
                r#"spec.tags[2]: Duplicate value: "a""#,
            ]
        );
        let o = json!({"spec": {"ports": ["x"]}});
        assert_eq!(
            validate_list_types(&o, &s)[0].to_string(),
            r#"spec.ports[0]: Invalid value: "x": must be an object for an array of list-type map"#
        );
    }

    #[test]
    fn embedded_resources_need_api_version_and_kind() {
        let s = schema();
        let o = json!({"spec": {"template": {"kind": "not a kind", "metadata": {}}}});
        let errs: Vec<String> = validate_embedded(&o, &s)
            .iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(errs[0], "spec.template.apiVersion: Required value");
        assert!(errs[1].starts_with(r#"spec.template.kind: Invalid value: "not a kind": may have mixed case, but should otherwise match: a DNS-1035 label"#), "{}", errs[1]);
    }
}
