//! The ReplicaSet controller (pkg/controller/replicaset): keeps `spec.replicas` active pods
//! that it owns, creating from the template in slow-start batches of at most
//! [`BURST_REPLICAS`] per sync and deleting in upstream's ranking order.
//!
//! A ReplicaSet is reconciled when it changes or one of the pods it controls does (the owner
//! index finds them), or when a pod becomes available after `minReadySeconds`.
//!
//! The ReplicationController runs the same logic ([`Replicated`] says which kind, as upstream's
//! `ReplicationManager` wraps the ReplicaSet controller with adapters).
use super::workload::{
    owned_pods, pod_from_template, replicas, slow_start_batch, Soonest, BURST_REPLICAS,
};
use super::{is_pod_active, is_pod_ready, kind};
use crate::api::object::{self, array_at, path};
use crate::api::pod::{availability, Availability};
use crate::api::{Selector, Value};
use crate::json;
use crate::runtime::{all_keys, controller_key, Action, Controller};
use crate::server::{EventType, Server};
use crate::store::{Key, Store, WatchEvent};

/// A kind the ReplicaSet logic serves: ReplicaSet, or ReplicationController.
#[derive(Debug)]
pub struct Replicated {
    /// `ReplicaSet`.
    pub kind: &'static str,
    /// `replicasets.apps`.
    pub resource: &'static str,
    /// The controller's name and Event source (`replicaset-controller`).
    pub component: &'static str,
    /// The watched resources: the kind's and `pods`.
    pub watches: &'static [&'static str],
    /// The label selector of an object of the kind.
    pub selector: fn(&Value) -> Selector,
}

/// The ReplicaSet: `spec.selector` is a LabelSelector.
pub const REPLICA_SET: Replicated = Replicated {
    kind: "ReplicaSet",
    resource: "replicasets.apps",
    component: "replicaset-controller",
    watches: &["replicasets.apps", "pods"],
    selector: label_selector,
};

fn label_selector(rs: &Value) -> Selector {
    Selector::from_label_selector(path(rs, &["spec", "selector"])).unwrap_or_default()
}

impl Replicated {
    /// The keys of one watch event: the object itself, or a pod's controller of this kind.
    pub fn keys(&self, e: &WatchEvent, out: &mut Vec<Key>) {
        if &*e.key.resource == self.resource {
            out.push(e.key.clone());
        } else if let Some(k) = controller_key(&e.key, &e.object, self.kind, self.resource) {
            out.push(k);
        }
    }

    /// Reconciles the object at `key`.
    pub fn reconcile(&self, s: &mut Server, key: &Key) -> Action {
        let Some(rs) = s.store.get(key).cloned() else {
            return Action::AwaitChange;
        };
        if object::is_terminating(&rs) {
            return Action::AwaitChange;
        }
        let pods = owned_pods(s, key, object::uid(&rs));
        sync(self, s, key, &rs, pods)
    }
}

/// The ReplicaSet controller.
#[derive(Debug, Default)]
pub struct ReplicaSetController;

impl Controller for ReplicaSetController {
    fn name(&self) -> &'static str {
        REPLICA_SET.component
    }
    fn manager(&self) -> &'static str {
        super::KCM
    }
    fn watches(&self) -> &'static [&'static str] {
        REPLICA_SET.watches
    }
    fn keys(&self, _: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        REPLICA_SET.keys(e, out);
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        all_keys(store, REPLICA_SET.resource, out);
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        REPLICA_SET.reconcile(s, key)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// `manageReplicas` then `updateReplicaSetStatus`.
fn sync(r: &Replicated, s: &mut Server, key: &Key, rs: &Value, pods: Vec<Value>) -> Action {
    let ws = key.workspace.clone();
    let pod_info = kind("v1", "Pod");
    let active: Vec<&Value> = pods.iter().filter(|p| is_pod_active(p)).collect();
    let want = replicas(rs) as usize;
    let changed = active.len() != want;
    let mut failed = false;
    if active.len() < want {
        let diff = (want - active.len()).min(BURST_REPLICAS);
        let template =
            pod_from_template(rs, path(rs, &["spec", "template"]).unwrap_or(&Value::Null));
        let mut pod = template;
        pod["metadata"]["generateName"] = json!(format!("{}-", object::name(rs)));
        let (_, failure) = slow_start_batch(diff, || {
            let created = s.create(&ws, pod.clone())?;
            s.event(
                &ws,
                rs,
                EventType::Normal,
                "SuccessfulCreate",
                &format!("Created pod: {}", object::name(&created)),
                r.component,
            );
            Ok(())
        });
        if let Some(e) = failure {
            s.event(
                &ws,
                rs,
                EventType::Warning,
                "FailedCreate",
                &format!("Error creating: {}", e.message),
                r.component,
            );
            failed = true;
        }
    } else if active.len() > want {
        let now = s.clock.now_ms();
        let mut order = ranked(&active, now);
        order.sort_by(delete_first);
        let doomed: Vec<String> = order
            .iter()
            .take((active.len() - want).min(BURST_REPLICAS))
            .map(|ranked| object::name(ranked.pod).to_string())
            .collect();
        for name in doomed {
            if s.delete(&ws, pod_info, &key.namespace, &name, None, None)
                .is_ok()
            {
                s.event(
                    &ws,
                    rs,
                    EventType::Normal,
                    "SuccessfulDelete",
                    &format!("Deleted pod: {name}"),
                    r.component,
                );
            }
        }
    }
    let pods = if changed {
        owned_pods(s, key, object::uid(rs))
    } else {
        pods
    };
    let next = update_status(r, s, key, rs, &pods);
    if failed {
        Action::Retry
    } else {
        next.action(s.clock.now_ms())
    }
}

/// What `ActivePodsWithRanks` compares, read once per pod.
struct Ranked<'a> {
    pod: &'a Value,
    assigned: bool,
    phase: u8,
    ready: bool,
    cost: i64,
    /// Active pods of the same ReplicaSet on the same node ("doubled up").
    colocated: usize,
    /// The log2 rank of the instant it became ready (`None`: unknown).
    ready_rank: Option<i64>,
    max_restarts: i64,
    /// The log2 rank of its creation time (`None`, unknown, sorts first: afterOrZero).
    created_rank: Option<i64>,
}

/// `logarithmicRankDiff`'s rank of an instant: how long ago it was, on a log2 scale (ns).
fn log_rank(t: i64, now: i64) -> i64 {
    let d = now.saturating_sub(t) as f64 * 1e6;
    if d > 0.0 {
        d.log2() as i64
    } else {
        -1
    }
}

/// `controller.ActivePodsWithRanks.Less` (pkg/controller/controller_utils.go), with
/// LogarithmicScaleDown: the pods to delete first sort first.
///
/// Upstream's `Less` is not a strict weak order (two pods ready at the same instant fall
/// through to restarts and creation time, while two pods ready at different instants of the
/// same log2 rank are ordered by UID, so three pods can form a cycle); Go's `sort.Sort`
/// tolerates that, Rust's sort panics on it. Here the ranks are compared lexicographically
/// (ready rank, restarts, creation rank, UID), which is a total order and agrees with
/// upstream on every pair except pods ready at different instants of the same rank, which
/// are compared by restarts and creation rank before their UIDs.
fn delete_first(a: &Ranked, b: &Ranked) -> std::cmp::Ordering {
    use std::cmp::Ordering::{Greater, Less};
    let by = |x: bool| if x { Less } else { Greater };
    if a.assigned != b.assigned {
        return by(!a.assigned);
    }
    if a.phase != b.phase {
        return a.phase.cmp(&b.phase);
    }
    if a.ready != b.ready {
        return by(!a.ready);
    }
    if a.cost != b.cost {
        return a.cost.cmp(&b.cost);
    }
    if a.colocated != b.colocated {
        return b.colocated.cmp(&a.colocated);
    }
    // afterOrZero: an unknown time (None) sorts first; the more recent, the sooner.
    if a.ready && b.ready && a.ready_rank != b.ready_rank {
        return a.ready_rank.cmp(&b.ready_rank);
    }
    if a.max_restarts != b.max_restarts {
        return b.max_restarts.cmp(&a.max_restarts);
    }
    a.created_rank
        .cmp(&b.created_rank)
        .then_with(|| object::uid(a.pod).cmp(object::uid(b.pod)))
}

fn ranked<'a>(pods: &[&'a Value], now: i64) -> Vec<Ranked<'a>> {
    let mut per_node: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for p in pods {
        if let Some(n) = object::str_at(p, &["spec", "nodeName"]) {
            *per_node.entry(n).or_default() += 1;
        }
    }
    let time =
        |p: &Value, keys: &[&str]| object::str_at(p, keys).and_then(crate::sim::parse_rfc3339);
    pods.iter()
        .map(|p| Ranked {
            pod: p,
            assigned: object::str_at(p, &["spec", "nodeName"]).is_some_and(|n| !n.is_empty()),
            // podPhaseToOrdinal: Pending 0, Unknown 1, Running 2.
            phase: match object::str_at(p, &["status", "phase"]).unwrap_or("") {
                "Unknown" => 1,
                "Running" => 2,
                _ => 0,
            },
            ready: is_pod_ready(p),
            cost: object::str_at(
                p,
                &[
                    "metadata",
                    "annotations",
                    "controller.kubernetes.io/pod-deletion-cost",
                ],
            )
            .and_then(|c| c.parse().ok())
            .unwrap_or(0),
            colocated: object::str_at(p, &["spec", "nodeName"])
                .and_then(|n| per_node.get(n).copied())
                .unwrap_or(0),
            ready_rank: array_at(p, &["status", "conditions"])
                .iter()
                .find(|c| c["type"] == "Ready" && c["status"] == "True")
                .and_then(|c| c["lastTransitionTime"].as_str())
                .and_then(crate::sim::parse_rfc3339)
                .map(|t| log_rank(t, now)),
            max_restarts: array_at(p, &["status", "containerStatuses"])
                .iter()
                .chain(array_at(p, &["status", "initContainerStatuses"]))
                .map(|c| c["restartCount"].as_i64().unwrap_or(0))
                .max()
                .unwrap_or(0),
            created_rank: time(p, &["metadata", "creationTimestamp"]).map(|t| log_rank(t, now)),
        })
        .collect()
}

/// Writes the ReplicaSet's status; returns when a pod becomes available next.
fn update_status(r: &Replicated, s: &mut Server, key: &Key, rs: &Value, pods: &[Value]) -> Soonest {
    let selector = (r.selector)(rs);
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
    let now = s.clock.now_ms();
    let mut next = Soonest::default();
    let mut available = 0;
    for p in &active {
        match availability(p, min_ready, now) {
            Availability::Available => available += 1,
            Availability::At(t) => next.note(t),
            Availability::Unavailable => {}
        }
    }
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
    let _ = s.update_status(&key.workspace, &new);
    next
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn pod(
        name: &str,
        node: Option<&str>,
        phase: &str,
        ready_at: Option<&str>,
        restarts: i64,
        created: &str,
    ) -> Value {
        let mut p = json!({"metadata": {"name": name, "uid": name, "creationTimestamp": created}, "spec": {}, "status": {"phase": phase,
            "containerStatuses": [{"restartCount": restarts}]}});
        if let Some(n) = node {
            p["spec"]["nodeName"] = json!(n);
        }
        if let Some(t) = ready_at {
            p["status"]["conditions"] =
                json!([{"type": "Ready", "status": "True", "lastTransitionTime": t}]);
        }
        p
    }

    #[test]
    fn scale_down_ranking_follows_active_pods_with_ranks() {
        let now = crate::sim::parse_rfc3339("2026-01-01T10:00:00Z").unwrap();
        let t0 = "2026-01-01T00:00:00Z";
        let pods = [
            pod(
                "ready-old",
                Some("n1"),
                "Running",
                Some("2026-01-01T01:00:00Z"),
                0,
                t0,
            ),
            pod("unassigned", None, "Pending", None, 0, t0),
            pod("pending", Some("n2"), "Pending", None, 0, t0),
            pod("not-ready", Some("n3"), "Running", None, 0, t0),
            pod(
                "ready-new",
                Some("n4"),
                "Running",
                Some("2026-01-01T09:59:00Z"),
                0,
                t0,
            ),
            pod(
                "restarts",
                Some("n5"),
                "Running",
                Some("2026-01-01T01:00:00Z"),
                5,
                t0,
            ),
            pod(
                "doubled-a",
                Some("n6"),
                "Running",
                Some("2026-01-01T01:00:00Z"),
                0,
                t0,
            ),
            pod(
                "doubled-b",
                Some("n6"),
                "Running",
                Some("2026-01-01T01:00:00Z"),
                0,
                t0,
            ),
        ];
        let refs: Vec<&Value> = pods.iter().collect();
        let mut order = ranked(&refs, now);
        order.sort_by(delete_first);
        let names: Vec<&str> = order.iter().map(|r| object::name(r.pod)).collect();
        assert_eq!(
            names,
            [
                "unassigned",
                "pending",
                "not-ready",
                "doubled-a",
                "doubled-b",
                "ready-new",
                "restarts",
                "ready-old"
            ]
        );
    }

    #[test]
    fn log_scale_treats_close_ages_alike() {
        let now = 1_000_000;
        // 1100 s and 1200 s ago share a power of two (in ns); 10 s ago does not.
        assert_eq!(
            log_rank(now - 1_100_000, now),
            log_rank(now - 1_200_000, now)
        );
        assert!(log_rank(now - 10_000, now) < log_rank(now - 1_000_000, now));
    }
}
