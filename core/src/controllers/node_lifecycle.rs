//! The node lifecycle controller (pkg/controller/nodelifecycle) and its taint eviction:
//! a node whose kubelet stopped posting status turns Ready=Unknown after the grace period
//! and gets `node.kubernetes.io/unreachable` taints; a NotReady node gets
//! `node.kubernetes.io/not-ready` taints; NoExecute taints evict the pods that do not
//! tolerate them, after their `tolerationSeconds`. With it, the pod garbage collector
//! (pkg/controller/podgc) removes pods bound to nodes that no longer exist.
use super::kind;
use crate::api::object::{self, array_at, set_path, str_at};
use crate::api::Value;
use crate::json;
use crate::scheduler::set_condition;
use crate::server::{EventType, Server, ROOT};
use crate::sim::parse_rfc3339;

/// `--node-monitor-grace-period` (50 s since Kubernetes 1.32).
pub const NODE_MONITOR_GRACE_MS: i64 = 50_000;
/// The annotations the simulated kubelet uses for stopped and failed nodes.
pub const NODE_STATE: &str = "sim.kplane.dev/node-state";
pub const NODE_STATE_SINCE: &str = "sim.kplane.dev/node-state-since";

const UNREACHABLE: &str = "node.kubernetes.io/unreachable";
const NOT_READY: &str = "node.kubernetes.io/not-ready";

pub fn reconcile(s: &mut Server) {
    // Only nodes whose kubelet stopped, or whose condition taints are out of line with Ready,
    // need work: read the rest without copying them.
    let attention: Vec<Value> = s
        .list(ROOT, kind("v1", "Node"), None)
        .filter(|n| needs_attention(n))
        .cloned()
        .collect();
    for node in &attention {
        monitor(s, node);
    }
    evict_for_taints(s);
    collect_orphan_pods(s);
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
fn monitor(s: &mut Server, node: &Value) {
    let now_ms = s.clock.now_ms();
    let stopped_since = (object::str_at(node, &["metadata", "annotations", NODE_STATE])
        == Some("Stopped"))
    .then(|| {
        object::str_at(node, &["metadata", "annotations", NODE_STATE_SINCE])
            .and_then(parse_rfc3339)
            .unwrap_or(now_ms)
    });
    if let Some(since) = stopped_since {
        let due = since + NODE_MONITOR_GRACE_MS;
        if now_ms < due {
            s.timers.wake_at(due);
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

/// `MarkPodsNotReady`: pods on an unreachable node are no longer Ready.
fn mark_pods_not_ready(s: &mut Server, node: &str) {
    let now = s.clock.rfc3339();
    let pods: Vec<Value> = s
        .list(ROOT, kind("v1", "Pod"), None)
        .filter(|p| str_at(p, &["spec", "nodeName"]) == Some(node))
        .cloned()
        .collect();
    for p in pods {
        let mut st = p.clone();
        set_condition(
            &mut st,
            json!({"type": "Ready", "status": "False", "lastProbeTime": null, "lastTransitionTime": now}),
        );
        let _ = s.update_status(ROOT, &st);
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

/// The taint eviction controller: NoExecute taints remove pods that do not tolerate them, at
/// once or after the smallest matching `tolerationSeconds`.
fn evict_for_taints(s: &mut Server) {
    let now_ms = s.clock.now_ms();
    let nodes: Vec<Value> = s
        .list(ROOT, kind("v1", "Node"), None)
        .filter(|n| {
            array_at(n, &["spec", "taints"])
                .iter()
                .any(|t| t["effect"] == "NoExecute")
        })
        .cloned()
        .collect();
    for node in nodes {
        let taints: Vec<Value> = array_at(&node, &["spec", "taints"])
            .iter()
            .filter(|t| t["effect"] == "NoExecute")
            .cloned()
            .collect();
        let pods: Vec<Value> = s
            .list(ROOT, kind("v1", "Pod"), None)
            .filter(|p| {
                str_at(p, &["spec", "nodeName"]) == Some(object::name(&node))
                    && !object::is_terminating(p)
            })
            .cloned()
            .collect();
        for pod in pods {
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
                } else if matching.iter().any(|t| {
                    t["tolerationSeconds"].is_null() || t.get("tolerationSeconds").is_none()
                }) {
                    None
                } else {
                    let secs = matching
                        .iter()
                        .filter_map(|t| t["tolerationSeconds"].as_i64())
                        .min()
                        .unwrap_or(0)
                        .max(0);
                    Some(added + secs * 1000)
                };
                if let Some(at) = at {
                    due = Some(due.map_or(at, |d: i64| d.min(at)));
                }
            }
            match due {
                Some(at) if at <= now_ms => {
                    let mut st = pod.clone();
                    set_condition(
                        &mut st,
                        json!({"type": "DisruptionTarget", "status": "True", "lastProbeTime": null, "lastTransitionTime": s.clock.rfc3339(), "reason": "DeletionByTaintManager", "message": "Taint manager: deleting due to NoExecute taint"}),
                    );
                    let _ = s.update_status(ROOT, &st);
                    s.event(
                        ROOT,
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
                        ROOT,
                        kind("v1", "Pod"),
                        object::namespace(&pod),
                        object::name(&pod),
                        None,
                        None,
                    );
                }
                Some(at) => s.timers.wake_at(at),
                None => {}
            }
        }
    }
}

/// PodGC: pods bound to a node that does not exist are deleted at once (force).
fn collect_orphan_pods(s: &mut Server) {
    let node_info = kind("v1", "Node");
    let orphans: Vec<(String, String)> = s
        .list(ROOT, kind("v1", "Pod"), None)
        .filter(|p| {
            str_at(p, &["spec", "nodeName"])
                .is_some_and(|n| !n.is_empty() && s.get(ROOT, node_info, "", n).is_none())
        })
        .map(|p| {
            (
                object::namespace(p).to_string(),
                object::name(p).to_string(),
            )
        })
        .collect();
    for (ns, name) in orphans {
        let _ = s.delete(ROOT, kind("v1", "Pod"), &ns, &name, None, Some(0));
    }
}
