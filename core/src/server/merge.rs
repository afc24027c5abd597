//! The three-way merge behind client-side `kubectl apply` (k8s.io/kubectl/pkg/cmd/apply):
//! `patch = diff(lastApplied, manifest)` applied to the live object as a merge patch.
use crate::api::object::set_path;
use crate::api::{gojson, Value};

/// The `kubectl.kubernetes.io/last-applied-configuration` text of a manifest, as kubectl's
/// `GetModifiedConfiguration` (k8s.io/kubectl/pkg/util/apply.go) computes it: the object with
/// its annotations but not this one (the annotations map is always there, `{}` when empty),
/// encoded as the unstructured JSON encoder does (`json.Marshal`: compact, keys sorted) with
/// the encoder's trailing newline.
pub fn last_applied(obj: &Value) -> String {
    let mut o = obj.clone();
    let mut annotations = o
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    annotations.shift_remove(super::LAST_APPLIED);
    if o.is_object() {
        set_path(
            &mut o,
            &["metadata", "annotations"],
            Value::Object(annotations),
        );
    }
    gojson::to_compact(&o) + "\n"
}

/// Applies to `live` every field `manifest` sets, and removes every field `last` had that
/// `manifest` no longer has. Lists and scalars are replaced whole.
pub fn three_way(live: &mut Value, last: &Value, manifest: &Value) {
    let (Some(live_map), Some(m)) = (live.as_object_mut(), manifest.as_object()) else {
        *live = manifest.clone();
        return;
    };
    if let Some(last_map) = last.as_object() {
        for key in last_map.keys() {
            if !m.contains_key(key) {
                live_map.shift_remove(key);
            }
        }
    }
    for (key, value) in m {
        let last_child = last.get(key).unwrap_or(&Value::Null);
        match live_map.get_mut(key) {
            Some(existing) if existing.is_object() && value.is_object() => {
                three_way(existing, last_child, value)
            }
            _ => {
                live_map.insert(key.clone(), value.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn keeps_others_fields_and_drops_removed_ones() {
        let mut live = json!({"spec": {"replicas": 3, "podCIDR": "10.244.0.0/24", "paused": true}, "status": {"x": 1}});
        let last = json!({"spec": {"replicas": 3, "paused": true}});
        let manifest = json!({"spec": {"replicas": 5}});
        three_way(&mut live, &last, &manifest);
        assert_eq!(
            live,
            json!({"spec": {"replicas": 5, "podCIDR": "10.244.0.0/24"}, "status": {"x": 1}})
        );
    }
}
