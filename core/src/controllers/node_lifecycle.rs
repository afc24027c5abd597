//! The node lifecycle controller (pkg/controller/nodelifecycle) and its taint eviction:
//! a node whose kubelet stopped posting status turns Ready=Unknown after the grace period
//! and gets `node.kubernetes.io/unreachable` taints; a NotReady node gets
//! `node.kubernetes.io/not-ready` taints; NoExecute taints evict the pods that do not
//! tolerate them, after their `tolerationSeconds`. With it, the pod garbage collector
//! (pkg/controller/podgc) removes pods bound to nodes that no longer exist.
//!
//! Keys are nodes, which live in `root` (the shared data plane); a pod event maps to the node
//! it is bound to, and a node's pods are found through the store's node index, in every
//! workspace. A stopped node is looked at again when its grace period ends, a pod that
//! tolerates a NoExecute taint for a while when its time is up.
use super::kind;
use super::workload::Soonest;
use crate::api::condition::set_on as set_condition;
use crate::api::object::{self, array_at, set_path};
use crate::api::pod::node_name;
use crate::api::Value;
use crate::json;
use crate::runtime::{Action, Controller};
use crate::server::{EventType, Server, ROOT};
use crate::sim::parse_rfc3339;
use crate::store::{EventType as WatchEventType, Key, Store, WatchEvent};

/// `--node-monitor-grace-period` (50 s since Kubernetes 1.32).
pub const NODE_MONITOR_GRACE_MS: i64 = 50_000;
/// The annotation the simulated kubelet uses for stopped and failed nodes (the same name as
/// `kubelet::node::STATE_ANNOTATION`).
pub const NODE_STATE: &str = "sim.kplane.dev/node-state";
/// When that state began (RFC 3339).
pub const NODE_STATE_SINCE: &str = "sim.kplane.dev/node-state-since";

const UNREACHABLE: &str = "node.kubernetes.io/unreachable";
const NOT_READY: &str = "node.kubernetes.io/not-ready";

/// The node lifecycle controller, with taint eviction and pod garbage collection.
#[derive(Debug, Default)]
pub struct NodeLifecycleController;

fn node_key(name: &str) -> Key {
    Key::new(ROOT, "nodes", "", name)
}

impl Controller for NodeLifecycleController {
    fn name(&self) -> &'static str {
        "node-lifecycle-controller"
    }
    fn manager(&self) -> &'static str {
        super::KCM
    }
    fn watches(&self) -> &'static [&'static str] {
        &["nodes", "pods"]
    }
    fn keys(&self, _: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        if &*e.key.resource == "nodes" {
            if &*e.key.workspace == ROOT {
                out.push(e.key.clone());
            }
        } else if e.kind != WatchEventType::Deleted {
            if let Some(node) = node_name(&e.object) {
                out.push(node_key(node));
            }
        }
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        out.extend(store.list(ROOT, "nodes", None).map(|(k, _)| k.clone()));
        out.extend(
            store
                .list_all("pods")
                .filter_map(|(_, p)| node_name(p))
                .map(node_key),
        );
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        let mut next = Soonest::default();
        match s.store.get(key).cloned() {
            None => collect_orphan_pods(s, &key.name),
            Some(node) => {
                if needs_attention(&node) {
                    monitor(s, &node, &mut next);
                }
                if let Some(node) = s.store.get(key).cloned() {
                    evict_for_taints(s, &node, &mut next);
                }
            }
        }
        next.action(s.clock.now_ms())
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// The pods bound to `node`, in every workspace, with their keys.
fn pods_on(s: &Server, node: &str) -> Vec<(Key, Value)> {
    s.store
        .indexes()
        .pods_on_node(node)
        .filter_map(|k| Some((k.clone(), s.store.get(k)?.clone())))
        .collect()
}

/// Whether `monitor` has anything to do for this node.
fn needs_attention(node: &Value) -> bool {
    if object::str_at(node, &["metadata", "annotations", NODE_STATE]) == Some("Stopped") {
        return true;
    }
    if !array_at(node, &["status", "conditions"])
        .iter()
        .any(|c| c["type"] == "Ready")
    {
        return false;
    }
    let has = |key: &str| {
        array_at(node, &["spec", "taints"])
            .iter()
            .filter(|t| t["key"] == key)
            .count()
    };
    match ready_status(node) {
        "True" => has(NOT_READY) + has(UNREACHABLE) > 0,
        "False" => has(NOT_READY) < 2 || has(UNREACHABLE) > 0,
        _ => has(UNREACHABLE) < 2 || has(NOT_READY) > 0,
    }
}

fn ready_status(node: &Value) -> &str {
    array_at(node, &["status", "conditions"])
        .iter()
        .find(|c| c["type"] == "Ready")
        .and_then(|c| c["status"].as_str())
        .unwrap_or("Unknown")
}

/// Marks a silent node Unknown, and keeps the condition taints in line with Ready.
fn monitor(s: &mut Server, node: &Value, next: &mut Soonest) {
    let now_ms = s.clock.now_ms();
    let stopped_since = (object::str_at(node, &["metadata", "annotations", NODE_STATE])
        == Some("Stopped"))
    .then(|| {
        object::str_at(node, &["metadata", "annotations", NODE_STATE_SINCE])
            .and_then(parse_rfc3339)
            .unwrap_or(now_ms)
    });
    if let Some(since) = stopped_since {
        let due = since.saturating_add(NODE_MONITOR_GRACE_MS);
        if now_ms < due {
            next.note(due);
        } else if ready_status(node) != "Unknown" {
            let mut st = node.clone();
            let now = s.clock.rfc3339();
            let conds: Vec<Value> = array_at(node, &["status", "conditions"])
                .iter()
                .map(|c| {
                    let mut c = c.clone();
                    c["status"] = json!("Unknown");
                    c["reason"] = json!("NodeStatusUnknown");
                    c["message"] = json!("Kubelet stopped posting node status.");
                    c["lastTransitionTime"] = json!(now);
                    c
                })
                .collect();
            set_path(&mut st, &["status", "conditions"], Value::from(conds));
            if let Ok(n) = s.update_status(ROOT, &st) {
                s.event(
                    ROOT,
                    &n,
                    EventType::Normal,
                    "NodeNotReady",
                    &format!("Node {} status is now: NodeNotReady", object::name(&n)),
                    "node-controller",
                );
                mark_pods_not_ready(s, object::name(&n));
            }
        }
    }
    let node = s
        .get(ROOT, kind("v1", "Node"), "", object::name(node))
        .cloned()
        .unwrap_or_else(|| node.clone());
    let has_ready = array_at(&node, &["status", "conditions"])
        .iter()
        .any(|c| c["type"] == "Ready");
    if !has_ready {
        // Still registering: the kubelet has not posted its first status yet.
        return;
    }
    let wanted: Option<&str> = match ready_status(&node) {
        "True" => None,
        "False" => Some(NOT_READY),
        _ => Some(UNREACHABLE),
    };
    let taints = array_at(&node, &["spec", "taints"]).to_vec();
    let mut kept: Vec<Value> = taints
        .iter()
        .filter(|t| {
            let k = t["key"].as_str().unwrap_or("");
            !(k == UNREACHABLE || k == NOT_READY) || Some(k) == wanted
        })
        .cloned()
        .collect();
    if let Some(key) = wanted {
        for effect in ["NoSchedule", "NoExecute"] {
            if !kept
                .iter()
                .any(|t| t["key"] == key && t["effect"] == effect)
            {
                let mut t = json!({"key": key, "effect": effect});
                if effect == "NoExecute" {
                    t["timeAdded"] = json!(s.clock.rfc3339());
                }
                kept.push(t);
            }
        }
    }
    if kept != taints {
        let mut n = node.clone();
        if kept.is_empty() {
            n["spec"].as_object_mut().map(|m| m.shift_remove("taints"));
        } else {
            set_path(&mut n, &["spec", "taints"], Value::from(kept));
        }
        let _ = s.update(ROOT, n);
    }
}

/// `MarkPodsNotReady`: pods on an unreachable node (of every workspace) are no longer Ready.
fn mark_pods_not_ready(s: &mut Server, node: &str) {
    let now = s.clock.rfc3339();
    for (key, p) in pods_on(s, node) {
        let mut st = p;
        set_condition(
            &mut st,
            json!({"type": "Ready", "status": "False", "lastProbeTime": null, "lastTransitionTime": now}),
        );
        let _ = s.update_status(&key.workspace, &st);
    }
}

/// Whether toleration `t` tolerates taint `taint` (`v1helper.ToleratesTaint`).
fn tolerates(t: &Value, taint: &Value) -> bool {
    let f = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let tol = crate::scheduler::Toleration {
        key: f(t, "key"),
        operator: f(t, "operator"),
        value: f(t, "value"),
        effect: f(t, "effect"),
    };
    let taint = crate::scheduler::Taint {
        key: f(taint, "key"),
        value: f(taint, "value"),
        effect: f(taint, "effect"),
    };
    crate::scheduler::plugins::taint_toleration::tolerates(&tol, &taint)
}

/// The taint eviction controller: NoExecute taints remove the pods (of every workspace) that do
/// not tolerate them, at once or after the smallest matching `tolerationSeconds`, noted in
/// `next`.
fn evict_for_taints(s: &mut Server, node: &Value, next: &mut Soonest) {
    let now_ms = s.clock.now_ms();
    let taints: Vec<Value> = array_at(node, &["spec", "taints"])
        .iter()
        .filter(|t| t["effect"] == "NoExecute")
        .cloned()
        .collect();
    if taints.is_empty() {
        return;
    }
    let pods = pods_on(s, object::name(node));
    for (key, pod) in pods {
        if object::is_terminating(&pod) {
            continue;
        }
        let tolerations = array_at(&pod, &["spec", "tolerations"]);
        // The eviction time: now if some taint is not tolerated; else the earliest
        // timeAdded + tolerationSeconds over the taints; never if all are tolerated forever.
        let mut due: Option<i64> = None;
        for taint in &taints {
            let matching: Vec<&Value> =
                tolerations.iter().filter(|t| tolerates(t, taint)).collect();
            let added = taint["timeAdded"]
                .as_str()
                .and_then(parse_rfc3339)
                .unwrap_or(now_ms);
            let at = if matching.is_empty() {
                Some(now_ms)
            } else if matching
                .iter()
                .any(|t| t["tolerationSeconds"].is_null() || t.get("tolerationSeconds").is_none())
            {
                None
            } else {
                let secs = matching
                    .iter()
                    .filter_map(|t| t["tolerationSeconds"].as_i64())
                    .min()
                    .unwrap_or(0)
                    .max(0);
                Some(added.saturating_add(secs.saturating_mul(1000)))
            };
            if let Some(at) = at {
                due = Some(due.map_or(at, |d: i64| d.min(at)));
            }
        }
        match due {
            Some(at) if at <= now_ms => {
                let ws = &*key.workspace;
                let mut st = pod.clone();
                set_condition(
                    &mut st,
                    json!({"type": "DisruptionTarget", "status": "True", "lastProbeTime": null, "lastTransitionTime": s.clock.rfc3339(), "reason": "DeletionByTaintManager", "message": "Taint manager: deleting due to NoExecute taint"}),
                );
                let _ = s.update_status(ws, &st);
                s.event(
                    ws,
                    &pod,
                    EventType::Normal,
                    "TaintManagerEviction",
                    &format!(
                        "Marking for deletion Pod {}/{}",
                        object::namespace(&pod),
                        object::name(&pod)
                    ),
                    "taint-eviction-controller",
                );
                let _ = s.delete(
                    ws,
                    kind("v1", "Pod"),
                    object::namespace(&pod),
                    object::name(&pod),
                    None,
                    None,
                );
            }
            Some(at) => next.note(at),
            None => {}
        }
    }
}

/// PodGC: the pods (of every workspace) bound to a node that does not exist are deleted at
/// once (force).
fn collect_orphan_pods(s: &mut Server, node: &str) {
    let orphans: Vec<Key> = s.store.indexes().pods_on_node(node).cloned().collect();
    for k in orphans {
        let _ = s.delete(
            &k.workspace,
            kind("v1", "Pod"),
            &k.namespace,
            &k.name,
            None,
            Some(0),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controllers::testing::{Harness, TEAM};

    fn ready_node(name: &str) -> Value {
        json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": name},
            "status": {"capacity": {"cpu": "4", "pods": "110"}, "conditions": [{"type": "Ready", "status": "True"}]}})
    }

    fn pod_on(name: &str, node: &str) -> Value {
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
            "spec": {"nodeName": node, "containers": [{"name": "c", "image": "nginx"}]}})
    }

    fn exists(h: &Harness<NodeLifecycleController>, ws: &str, pod: &str) -> bool {
        h.s.store
            .get(&Key::new(ws, "pods", "default", pod))
            .is_some_and(|p| !object::is_terminating(p))
    }

    #[test]
    fn a_pod_event_reconciles_only_its_node() {
        let mut h = Harness::new(NodeLifecycleController, vec![]);
        h.create(ROOT, ready_node("n1"));
        h.create(ROOT, ready_node("n2"));
        h.clear();
        h.create(TEAM, pod_on("a", "n1"));
        assert_eq!(h.reconciled("nodes"), ["root/n1"]);
    }

    #[test]
    fn no_execute_taints_evict_the_pods_of_every_workspace_on_that_node_only() {
        let mut h = Harness::new(NodeLifecycleController, vec![]);
        h.create(ROOT, ready_node("n1"));
        h.create(ROOT, ready_node("n2"));
        h.create(ROOT, pod_on("a", "n1"));
        h.create(TEAM, pod_on("a", "n1"));
        let mut tolerant = pod_on("t", "n1");
        tolerant["spec"]["tolerations"] = json!([{"key": "gpu", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 30}]);
        h.create(TEAM, tolerant);
        h.create(TEAM, pod_on("b", "n2"));
        let mut n1 = h.get(ROOT, "nodes", "", "n1");
        n1["spec"]["taints"] = json!([{"key": "gpu", "value": "true", "effect": "NoExecute", "timeAdded": h.s.clock.rfc3339()}]);
        h.s.update(ROOT, n1).unwrap();
        h.settle();
        assert!(!exists(&h, ROOT, "a") && !exists(&h, TEAM, "a"));
        assert!(exists(&h, TEAM, "t") && exists(&h, TEAM, "b"));
        let evicted = |ws: &str| {
            h.list(ws, "events", "default")
                .iter()
                .filter(|e| e["reason"] == "TaintManagerEviction")
                .count()
        };
        assert_eq!((evicted(ROOT), evicted(TEAM)), (1, 1));
        // The tolerating pod goes when its tolerationSeconds are up: a requeue of n1 then.
        h.clear();
        h.advance(29_999);
        assert!(exists(&h, TEAM, "t"));
        h.advance(1);
        assert!(!exists(&h, TEAM, "t"));
        assert_eq!(h.reconciled("nodes"), ["root/n1"]);
    }

    #[test]
    fn a_stopped_node_turns_unknown_at_the_grace_deadline() {
        let mut h = Harness::new(NodeLifecycleController, vec![]);
        h.create(ROOT, ready_node("n1"));
        h.create(TEAM, pod_on("a", "n1"));
        let mut p = h.get(TEAM, "pods", "default", "a");
        p["status"] =
            json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]});
        h.s.update_status(TEAM, &p).unwrap();
        let mut n1 = h.get(ROOT, "nodes", "", "n1");
        n1["metadata"]["annotations"] =
            json!({NODE_STATE: "Stopped", NODE_STATE_SINCE: h.s.clock.rfc3339()});
        h.s.update(ROOT, n1).unwrap();
        h.settle();
        h.advance(NODE_MONITOR_GRACE_MS - 1);
        assert_eq!(ready_status(&h.get(ROOT, "nodes", "", "n1")), "True");
        h.advance(1);
        let n1 = h.get(ROOT, "nodes", "", "n1");
        assert_eq!(ready_status(&n1), "Unknown");
        let keys: Vec<&str> = array_at(&n1, &["spec", "taints"])
            .iter()
            .filter_map(|t| t["key"].as_str())
            .collect();
        assert_eq!(keys, [UNREACHABLE, UNREACHABLE]);
        // MarkPodsNotReady reaches the pods of every workspace on it.
        let p = h.get(TEAM, "pods", "default", "a");
        assert!(!crate::api::pod::is_ready(&p), "{p}");
    }

    #[test]
    fn pods_bound_to_a_missing_node_are_collected_in_every_workspace() {
        let mut h = Harness::new(NodeLifecycleController, vec![]);
        h.create(ROOT, ready_node("n1"));
        h.create(TEAM, pod_on("a", "n1"));
        h.create(TEAM, pod_on("b", "gone"));
        assert!(h
            .s
            .store
            .get(&Key::new(TEAM, "pods", "default", "b"))
            .is_none());
        h.s.delete(ROOT, kind("v1", "Node"), "", "n1", None, None)
            .unwrap();
        h.settle();
        assert!(h
            .s
            .store
            .get(&Key::new(TEAM, "pods", "default", "a"))
            .is_none());
    }
}
