//! The three-way merge behind client-side `kubectl apply` (k8s.io/kubectl/pkg/cmd/apply):
//! `patch = diff(lastApplied, manifest)` applied to the live object as a merge patch.
use crate::api::Value;

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
