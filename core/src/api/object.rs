//! Objects are kept as JSON values (like apimachinery's `Unstructured`), so every field of a
//! real manifest round-trips unchanged; typed views read the parts kplane simulates.
use crate::api::{Map, Value};
use std::collections::BTreeMap;

pub type Object = Value;

pub fn path<'a>(obj: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().try_fold(obj, |v, k| v.get(k))
}

pub fn str_at<'a>(obj: &'a Value, keys: &[&str]) -> Option<&'a str> {
    path(obj, keys).and_then(Value::as_str)
}

pub fn i64_at(obj: &Value, keys: &[&str]) -> Option<i64> {
    path(obj, keys).and_then(Value::as_i64)
}

pub fn array_at<'a>(obj: &'a Value, keys: &[&str]) -> &'a [Value] {
    path(obj, keys)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// Sets `keys` to `value`, creating intermediate objects (replacing non-objects on the way).
pub fn set_path(obj: &mut Value, keys: &[&str], value: Value) {
    let mut cur = obj;
    for k in &keys[..keys.len() - 1] {
        if !cur.get(k).is_some_and(Value::is_object) {
            ensure_object(cur).insert((*k).to_string(), Value::Object(Map::new()));
        }
        cur = cur.get_mut(k).expect("just inserted");
    }
    ensure_object(cur).insert(keys[keys.len() - 1].to_string(), value);
}

/// Sets `keys` only when absent (defaulting).
pub fn default_path(obj: &mut Value, keys: &[&str], value: Value) {
    if path(obj, keys).is_none_or(Value::is_null) {
        set_path(obj, keys, value);
    }
}

pub fn remove_path(obj: &mut Value, keys: &[&str]) -> Option<Value> {
    let (last, parents) = keys.split_last()?;
    let mut cur = obj;
    for k in parents {
        cur = cur.get_mut(k)?;
    }
    cur.as_object_mut()?.shift_remove(last)
}

fn ensure_object(v: &mut Value) -> &mut Map {
    if !v.is_object() {
        *v = Value::Object(Map::new());
    }
    v.as_object_mut().expect("is object")
}

pub fn name(obj: &Value) -> &str {
    str_at(obj, &["metadata", "name"]).unwrap_or("")
}

pub fn namespace(obj: &Value) -> &str {
    str_at(obj, &["metadata", "namespace"]).unwrap_or("")
}

pub fn uid(obj: &Value) -> &str {
    str_at(obj, &["metadata", "uid"]).unwrap_or("")
}

pub fn kind(obj: &Value) -> &str {
    str_at(obj, &["kind"]).unwrap_or("")
}

pub fn api_version(obj: &Value) -> &str {
    str_at(obj, &["apiVersion"]).unwrap_or("")
}

pub fn string_map(obj: &Value, keys: &[&str]) -> BTreeMap<String, String> {
    path(obj, keys)
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.to_string(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

pub fn labels(obj: &Value) -> BTreeMap<String, String> {
    string_map(obj, &["metadata", "labels"])
}

pub fn is_terminating(obj: &Value) -> bool {
    path(obj, &["metadata", "deletionTimestamp"]).is_some_and(|v| !v.is_null())
}

/// The `ownerReferences[]` entry with `controller: true`, if any.
pub fn controller_of(obj: &Value) -> Option<&Value> {
    array_at(obj, &["metadata", "ownerReferences"])
        .iter()
        .find(|r| r.get("controller").and_then(Value::as_bool) == Some(true))
}

/// A fresh `ownerReferences[]` entry making `owner` the controller.
pub fn controller_ref(owner: &Value) -> Value {
    crate::json!({
        "apiVersion": api_version(owner),
        "kind": kind(owner),
        "name": name(owner),
        "uid": uid(owner),
        "controller": true,
        "blockOwnerDeletion": true,
    })
}
