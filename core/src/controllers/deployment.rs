//! The Deployment controller (pkg/controller/deployment): one ReplicaSet per pod template,
//! named `<deployment>-<pod-template-hash>`; the current one is scaled to `spec.replicas`,
//! older ones to zero. (RollingUpdate surge/unavailability pacing arrives with the workloads issue.)
use super::kind;
use crate::api::object::{self, array_at, controller_of, controller_ref, path, set_path};
use crate::server::{EventType, Server, ROOT};
use crate::sim::rng::ALPHANUMS;
use serde_json::{json, Value};

pub fn reconcile(s: &mut Server) {
    let d_info = kind("apps/v1", "Deployment");
    let all: Vec<Value> = s.list(ROOT, d_info, None).cloned().collect();
    for d in all {
        if !object::is_terminating(&d) {
            sync(s, &d);
        }
    }
}

/// FNV-32a, the hash behind `controller.ComputeHash`.
fn fnv32a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    })
}

/// `pod-template-hash`: FNV-32a of the template (and collision count), written with
/// `rand.SafeEncodeString` of its decimal form. Upstream hashes Go's printed form of the
/// template; kplane hashes its JSON, so values differ from a real cluster's but are stable.
pub fn pod_template_hash(template: &Value, collision_count: Option<i64>) -> String {
    let mut bytes = serde_json::to_vec(template).unwrap_or_default();
    if let Some(c) = collision_count {
        bytes.extend_from_slice(c.to_string().as_bytes());
    }
    fnv32a(&bytes)
        .to_string()
        .bytes()
        .map(|b| ALPHANUMS[b as usize % ALPHANUMS.len()] as char)
        .collect()
}

fn sync(s: &mut Server, d: &Value) {
    let rs_info = kind("apps/v1", "ReplicaSet");
    let ns = object::namespace(d).to_string();
    let uid = object::uid(d).to_string();
    let owned: Vec<Value> = s
        .list(ROOT, rs_info, Some(&ns))
        .filter(|rs| controller_of(rs).is_some_and(|r| r["uid"] == uid.as_str()))
        .cloned()
        .collect();
    let template = path(d, &["spec", "template"]).cloned().unwrap_or(json!({}));
    let hash = pod_template_hash(&template, object::i64_at(d, &["status", "collisionCount"]));
    let rs_name = format!("{}-{hash}", object::name(d));
    let replicas = object::i64_at(d, &["spec", "replicas"]).unwrap_or(1);
    let max_revision = owned
        .iter()
        .filter_map(|rs| {
            object::str_at(
                rs,
                &[
                    "metadata",
                    "annotations",
                    "deployment.kubernetes.io/revision",
                ],
            )
        })
        .filter_map(|r| r.parse::<i64>().ok())
        .max()
        .unwrap_or(0);
    let current = owned.iter().find(|rs| object::name(rs) == rs_name).cloned();
    match current {
        None => {
            let mut tpl = template.clone();
            set_path(
                &mut tpl,
                &["metadata", "labels", "pod-template-hash"],
                json!(hash),
            );
            let mut selector = path(d, &["spec", "selector"]).cloned().unwrap_or(json!({}));
            set_path(
                &mut selector,
                &["matchLabels", "pod-template-hash"],
                json!(hash),
            );
            let mut labels = object::string_map(&template, &["metadata", "labels"]);
            labels.insert("pod-template-hash".into(), hash.clone());
            let rs = json!({
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "metadata": {
                    "name": rs_name,
                    "namespace": ns,
                    "labels": labels,
                    "annotations": {
                        "deployment.kubernetes.io/desired-replicas": replicas.to_string(),
                        "deployment.kubernetes.io/max-replicas": replicas.to_string(),
                        "deployment.kubernetes.io/revision": (max_revision + 1).to_string(),
                    },
                    "ownerReferences": [controller_ref(d)],
                },
                "spec": {"replicas": replicas, "selector": selector, "template": tpl},
            });
            match s.create(ROOT, rs) {
                Ok(_) => s.event(
                    ROOT,
                    d,
                    EventType::Normal,
                    "ScalingReplicaSet",
                    &format!("Scaled up replica set {rs_name} from 0 to {replicas}"),
                    "deployment-controller",
                ),
                Err(e) => s.event(
                    ROOT,
                    d,
                    EventType::Warning,
                    "FailedCreate",
                    &format!(
                        "Failed to create new replica set {rs_name:?}: {}",
                        e.message
                    ),
                    "deployment-controller",
                ),
            }
        }
        Some(rs) => scale(s, d, &rs, replicas),
    }
    for old in owned.iter().filter(|rs| object::name(rs) != rs_name) {
        scale(s, d, old, 0);
    }
    update_status(s, d, &rs_name);
}

fn scale(s: &mut Server, d: &Value, rs: &Value, to: i64) {
    let from = object::i64_at(rs, &["spec", "replicas"]).unwrap_or(0);
    if from == to {
        return;
    }
    let mut new = rs.clone();
    new["spec"]["replicas"] = json!(to);
    set_path(
        &mut new,
        &[
            "metadata",
            "annotations",
            "deployment.kubernetes.io/desired-replicas",
        ],
        json!(to.to_string()),
    );
    if s.update(ROOT, new).is_ok() {
        let verb = if to > from { "up" } else { "down" };
        s.event(
            ROOT,
            d,
            EventType::Normal,
            "ScalingReplicaSet",
            &format!(
                "Scaled {verb} replica set {} from {from} to {to}",
                object::name(rs)
            ),
            "deployment-controller",
        );
    }
}

fn update_status(s: &mut Server, d: &Value, current_rs: &str) {
    let rs_info = kind("apps/v1", "ReplicaSet");
    let ns = object::namespace(d).to_string();
    let uid = object::uid(d).to_string();
    let owned: Vec<Value> = s
        .list(ROOT, rs_info, Some(&ns))
        .filter(|rs| controller_of(rs).is_some_and(|r| r["uid"] == uid.as_str()))
        .cloned()
        .collect();
    let sum = |field: &str| -> i64 {
        owned
            .iter()
            .map(|rs| object::i64_at(rs, &["status", field]).unwrap_or(0))
            .sum()
    };
    let updated = owned
        .iter()
        .find(|rs| object::name(rs) == current_rs)
        .and_then(|rs| object::i64_at(rs, &["status", "replicas"]))
        .unwrap_or(0);
    let replicas = object::i64_at(d, &["spec", "replicas"]).unwrap_or(1);
    let (total, ready, available) = (
        sum("replicas"),
        sum("readyReplicas"),
        sum("availableReplicas"),
    );
    let now = s.clock.rfc3339();
    let old_conditions = array_at(d, &["status", "conditions"]).to_vec();
    let condition = |t: &str, ok: bool, reason: &str, message: String| -> Value {
        let status = if ok { "True" } else { "False" };
        let prev = old_conditions.iter().find(|c| c["type"] == t);
        let transition = match prev {
            Some(p) if p["status"] == status => p["lastTransitionTime"].clone(),
            _ => json!(now),
        };
        let update_time = match prev {
            Some(p)
                if p["status"] == status
                    && p["reason"] == reason
                    && p["message"] == message.as_str() =>
            {
                p["lastUpdateTime"].clone()
            }
            _ => json!(now),
        };
        json!({"type": t, "status": status, "lastUpdateTime": update_time, "lastTransitionTime": transition, "reason": reason, "message": message})
    };
    let complete = updated == replicas && available == replicas && total == replicas;
    let available_ok = available >= replicas - max_unavailable_count(d, replicas);
    let conditions = vec![
        condition(
            "Available",
            available_ok,
            if available_ok {
                "MinimumReplicasAvailable"
            } else {
                "MinimumReplicasUnavailable"
            },
            if available_ok {
                "Deployment has minimum availability.".into()
            } else {
                "Deployment does not have minimum availability.".into()
            },
        ),
        condition(
            "Progressing",
            true,
            if complete {
                "NewReplicaSetAvailable"
            } else {
                "ReplicaSetUpdated"
            },
            if complete {
                format!("ReplicaSet \"{current_rs}\" has successfully progressed.")
            } else {
                format!("ReplicaSet \"{current_rs}\" is progressing.")
            },
        ),
    ];
    let mut status = json!({
        "observedGeneration": object::i64_at(d, &["metadata", "generation"]).unwrap_or(1),
        "replicas": total,
        "updatedReplicas": updated,
        "readyReplicas": ready,
        "availableReplicas": available,
        "unavailableReplicas": (replicas - available).max(0),
        "conditions": conditions,
    });
    if let Some(m) = status.as_object_mut() {
        m.retain(|k, v| k == "observedGeneration" || k == "conditions" || v != &json!(0));
    }
    if let Some(c) = path(d, &["status", "collisionCount"]) {
        status["collisionCount"] = c.clone();
    }
    let mut new = d.clone();
    new["status"] = status;
    let _ = s.update_status(ROOT, &new);
}

/// `maxUnavailable` resolved against `replicas` (percentages round down, as
/// `intstr.GetScaledValueFromIntOrPercent(..., false)`); 0 for Recreate.
pub fn max_unavailable_count(d: &Value, replicas: i64) -> i64 {
    match path(d, &["spec", "strategy", "rollingUpdate", "maxUnavailable"]) {
        Some(v) => scaled_value(v, replicas, false),
        None => 0,
    }
}

/// `intstr.GetScaledValueFromIntOrPercent`.
pub fn scaled_value(v: &Value, total: i64, round_up: bool) -> i64 {
    match v {
        Value::Number(n) => n.as_i64().unwrap_or(0),
        Value::String(s) => match s.strip_suffix('%').and_then(|p| p.parse::<i64>().ok()) {
            Some(p) if round_up => (p * total + 99) / 100,
            Some(p) => p * total / 100,
            None => s.parse().unwrap_or(0),
        },
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_hash_is_stable_and_safe() {
        let t = json!({"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "a", "image": "nginx"}]}});
        let h = pod_template_hash(&t, None);
        assert_eq!(h, pod_template_hash(&t, None));
        assert_ne!(h, pod_template_hash(&t, Some(1)));
        assert!(h.bytes().all(|b| ALPHANUMS.contains(&b)));
    }

    #[test]
    fn scaled_values_round_as_upstream() {
        // 10 replicas, 25%/25% → surge 3 (round up), unavailable 2 (round down).
        assert_eq!(scaled_value(&json!("25%"), 10, true), 3);
        assert_eq!(scaled_value(&json!("25%"), 10, false), 2);
        assert_eq!(scaled_value(&json!(1), 10, false), 1);
    }
}
