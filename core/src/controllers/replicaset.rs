//! The ReplicaSet controller (pkg/controller/replicaset): keeps `spec.replicas` active pods
//! that it owns, creating from the template and deleting in upstream's ranking order.
use super::{is_pod_active, is_pod_ready, kind};
use crate::api::object::{self, array_at, controller_of, controller_ref, path};
use crate::api::Selector;
use crate::server::{EventType, Server, ROOT};
use serde_json::{json, Value};

pub fn reconcile(s: &mut Server) {
    let rs_info = kind("apps/v1", "ReplicaSet");
    let all: Vec<Value> = s.list(ROOT, rs_info, None).cloned().collect();
    if all.is_empty() {
        return;
    }
    // Pods by their controller's uid, each pod read once.
    let mut by_owner: std::collections::HashMap<String, Vec<Value>> =
        std::collections::HashMap::new();
    for p in s.list(ROOT, kind("v1", "Pod"), None) {
        if let Some(uid) = controller_of(p).and_then(|r| r["uid"].as_str()) {
            by_owner.entry(uid.to_string()).or_default().push(p.clone());
        }
    }
    for rs in all {
        if !object::is_terminating(&rs) {
            let pods = by_owner.remove(object::uid(&rs)).unwrap_or_default();
            sync(s, &rs, pods);
        }
    }
}

fn owned_pods(s: &Server, rs: &Value) -> Vec<Value> {
    let uid = object::uid(rs);
    s.list(ROOT, kind("v1", "Pod"), Some(object::namespace(rs)))
        .filter(|p| controller_of(p).is_some_and(|r| r["uid"] == uid))
        .cloned()
        .collect()
}

fn sync(s: &mut Server, rs: &Value, pods: Vec<Value>) {
    let pod_info = kind("v1", "Pod");
    let ns = object::namespace(rs).to_string();
    let active: Vec<&Value> = pods.iter().filter(|p| is_pod_active(p)).collect();
    let want = object::i64_at(rs, &["spec", "replicas"])
        .unwrap_or(1)
        .max(0) as usize;
    let changed = active.len() != want;
    if active.len() < want {
        for _ in active.len()..want {
            let pod = pod_from_template(rs);
            match s.create(ROOT, pod) {
                Ok(p) => s.event(
                    ROOT,
                    rs,
                    EventType::Normal,
                    "SuccessfulCreate",
                    &format!("Created pod: {}", object::name(&p)),
                    "replicaset-controller",
                ),
                Err(e) => {
                    s.event(
                        ROOT,
                        rs,
                        EventType::Warning,
                        "FailedCreate",
                        &format!("Error creating: {}", e.message),
                        "replicaset-controller",
                    );
                    break;
                }
            }
        }
    } else if active.len() > want {
        let mut ranked = active.clone();
        ranked.sort_by_key(|p| deletion_rank(p));
        for p in ranked.into_iter().take(active.len() - want) {
            let name = object::name(p).to_string();
            if s.delete(ROOT, pod_info, &ns, &name, None, None).is_ok() {
                s.event(
                    ROOT,
                    rs,
                    EventType::Normal,
                    "SuccessfulDelete",
                    &format!("Deleted pod: {name}"),
                    "replicaset-controller",
                );
            }
        }
    }
    let pods = if changed { owned_pods(s, rs) } else { pods };
    update_status(s, rs, &pods);
}

/// Sort key for scale-down, smallest deleted first (`controller.ActivePodsWithRanks`):
/// unassigned < assigned; Pending < Unknown < Running; not ready < ready; higher deletion
/// cost kept; more recently ready first; more restarts first; newer first.
fn deletion_rank(
    p: &Value,
) -> (
    bool,
    u8,
    bool,
    i64,
    std::cmp::Reverse<String>,
    std::cmp::Reverse<i64>,
    std::cmp::Reverse<String>,
) {
    let assigned = object::str_at(p, &["spec", "nodeName"]).is_some_and(|n| !n.is_empty());
    let phase = match object::str_at(p, &["status", "phase"]).unwrap_or("") {
        "Pending" => 0,
        "Unknown" => 1,
        "Running" => 2,
        _ => 0,
    };
    let cost = object::str_at(
        p,
        &[
            "metadata",
            "annotations",
            "controller.kubernetes.io/pod-deletion-cost",
        ],
    )
    .and_then(|c| c.parse::<i64>().ok())
    .unwrap_or(0);
    let ready_since = array_at(p, &["status", "conditions"])
        .iter()
        .find(|c| c["type"] == "Ready")
        .and_then(|c| c["lastTransitionTime"].as_str())
        .unwrap_or("")
        .to_string();
    let restarts: i64 = array_at(p, &["status", "containerStatuses"])
        .iter()
        .map(|c| c["restartCount"].as_i64().unwrap_or(0))
        .sum();
    let created = object::str_at(p, &["metadata", "creationTimestamp"])
        .unwrap_or("")
        .to_string();
    (
        assigned,
        phase,
        is_pod_ready(p),
        cost,
        std::cmp::Reverse(ready_since),
        std::cmp::Reverse(restarts),
        std::cmp::Reverse(created),
    )
}

fn pod_from_template(rs: &Value) -> Value {
    let template = path(rs, &["spec", "template"])
        .cloned()
        .unwrap_or(json!({}));
    let mut meta = template.get("metadata").cloned().unwrap_or(json!({}));
    if let Some(m) = meta.as_object_mut() {
        m.shift_remove("name");
        m.insert(
            "generateName".into(),
            json!(format!("{}-", object::name(rs))),
        );
        m.insert("namespace".into(), json!(object::namespace(rs)));
        m.insert("ownerReferences".into(), json!([controller_ref(rs)]));
    }
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": template.get("spec").cloned().unwrap_or(json!({}))})
}

/// `podutil.IsPodAvailable`: Ready for at least `minReadySeconds`. Registers a wake-up for
/// pods that will become available later.
fn is_available(s: &mut Server, pod: &Value, min_ready_seconds: i64) -> bool {
    if !is_pod_ready(pod) {
        return false;
    }
    if min_ready_seconds <= 0 {
        return true;
    }
    let since = array_at(pod, &["status", "conditions"])
        .iter()
        .find(|c| c["type"] == "Ready")
        .and_then(|c| c["lastTransitionTime"].as_str())
        .and_then(crate::sim::parse_rfc3339);
    match since {
        Some(t) if s.clock.now_ms() >= t + min_ready_seconds * 1000 => true,
        Some(t) => {
            s.timers.wake_at(t + min_ready_seconds * 1000);
            false
        }
        None => false,
    }
}

fn update_status(s: &mut Server, rs: &Value, pods: &[Value]) {
    let selector =
        Selector::from_label_selector(path(rs, &["spec", "selector"])).unwrap_or_default();
    let template_labels = object::labels(path(rs, &["spec", "template"]).unwrap_or(&Value::Null));
    let active: Vec<&Value> = pods.iter().filter(|p| is_pod_active(p)).collect();
    let fully_labeled = active
        .iter()
        .filter(|p| {
            let l = object::labels(p);
            selector.matches(&l) && template_labels.iter().all(|(k, v)| l.get(k) == Some(v))
        })
        .count();
    let ready = active.iter().filter(|p| is_pod_ready(p)).count();
    let min_ready = object::i64_at(rs, &["spec", "minReadySeconds"]).unwrap_or(0);
    let available = active
        .iter()
        .filter(|p| is_available(s, p, min_ready))
        .count();
    let mut new = rs.clone();
    let mut status = json!({
        "replicas": active.len(),
        "fullyLabeledReplicas": fully_labeled,
        "readyReplicas": ready,
        "availableReplicas": available,
        "observedGeneration": object::i64_at(rs, &["metadata", "generation"]).unwrap_or(1),
    });
    // Zero counts are omitted, as `omitempty` does upstream.
    if let Some(m) = status.as_object_mut() {
        m.retain(|k, v| k == "replicas" || k == "observedGeneration" || v != &json!(0));
    }
    new["status"] = status;
    let _ = s.update_status(ROOT, &new);
}
