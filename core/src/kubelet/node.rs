//! The node half of the kubelet: registration (capacity, pod CIDR, addresses, node info) and
//! the node's conditions, driven by the simulated machine state.
//!
//! The machine state lives in two annotations on the Node, written by
//! `ControlPlane::{fail_node, stop_node, restore_node}` and read by the node lifecycle
//! controller:
//! - `sim.kplane.dev/node-state: Failed`: the kubelet runs but the node is unhealthy (container
//!   runtime down); it posts `Ready=False` (`KubeletNotReady`).
//! - `sim.kplane.dev/node-state: Stopped`: the machine is off; the kubelet posts nothing and its
//!   pods are frozen. The node lifecycle controller notices after its grace period.
//! - `sim.kplane.dev/node-state-since`: when the state began (RFC 3339).
//!
//! Heartbeats are implicit: a running kubelet would renew its Lease and post status every 10 s;
//! kplane writes node status only when a condition changes (so 5,000 idle nodes cost nothing),
//! and a node without the `Stopped` state counts as heartbeating.
use super::DEFAULT_CAPACITY;
use crate::api::object::{self, array_at, path, set_path, str_at};
use crate::api::Value;
use crate::controllers::kind;
use crate::json;
use crate::server::{status::Status, EventType, Server, ROOT};
use std::collections::BTreeSet;

pub const STATE_ANNOTATION: &str = "sim.kplane.dev/node-state";
pub const SINCE_ANNOTATION: &str = "sim.kplane.dev/node-state-since";
/// The kubelet version nodes report.
pub const KUBELET_VERSION: &str = "v1.34.0";

/// What the simulated machine under a Node is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeState {
    /// The kubelet runs and posts `Ready=True`.
    Running,
    /// The kubelet runs but the node is unhealthy: `Ready=False`, reason `KubeletNotReady`.
    Failed,
    /// The machine is off: no status, frozen pods.
    Stopped,
}

impl NodeState {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeState::Running => "Running",
            NodeState::Failed => "Failed",
            NodeState::Stopped => "Stopped",
        }
    }
}

/// The state a Node's annotations give it (no or unknown annotation: running).
pub fn node_state(node: &Value) -> NodeState {
    match str_at(node, &["metadata", "annotations", STATE_ANNOTATION]) {
        Some("Stopped") => NodeState::Stopped,
        Some("Failed") => NodeState::Failed,
        _ => NodeState::Running,
    }
}

/// Whether the Node's `Ready` condition is `True`.
pub fn node_ready(node: &Value) -> bool {
    array_at(node, &["status", "conditions"])
        .iter()
        .any(|c| c["type"] == "Ready" && c["status"] == "True")
}

/// Sets (or with `Running`, clears) the machine state of node `name` in the root workspace.
/// Returns the updated Node; 404 if there is none.
pub fn set_state(s: &mut Server, name: &str, state: NodeState) -> Result<Value, Status> {
    let info = kind("v1", "Node");
    let Some(mut node) = s.get(ROOT, info, "", name).cloned() else {
        return Err(Status::not_found(info, name));
    };
    if node_state(&node) == state {
        return Ok(node);
    }
    let now = s.clock.rfc3339();
    match state {
        NodeState::Running => {
            for key in [STATE_ANNOTATION, SINCE_ANNOTATION] {
                object::remove_path(&mut node, &["metadata", "annotations", key]);
            }
            if path(&node, &["metadata", "annotations"])
                .and_then(Value::as_object)
                .is_some_and(|m| m.is_empty())
            {
                object::remove_path(&mut node, &["metadata", "annotations"]);
            }
        }
        _ => {
            set_path(
                &mut node,
                &["metadata", "annotations", STATE_ANNOTATION],
                json!(state.as_str()),
            );
            set_path(
                &mut node,
                &["metadata", "annotations", SINCE_ANNOTATION],
                json!(now),
            );
        }
    }
    s.update(ROOT, node)
}

pub(super) fn reconcile(s: &mut Server) {
    register(s);
    post_status(s);
}

/// Node registration and IPAM: capacity defaults, `spec.podCIDR` from 10.244.0.0/16, an
/// InternalIP, node info.
fn register(s: &mut Server) {
    let node_info = kind("v1", "Node");
    let unregistered: Vec<Value> = s
        .list(ROOT, node_info, None)
        .filter(|n| str_at(n, &["spec", "podCIDR"]).is_none())
        // A cloud instance still booting (`controllers::ec2`) registers once it is up.
        .filter(|n| {
            str_at(
                n,
                &[
                    "metadata",
                    "annotations",
                    crate::cloud::provider::BOOTING_ANNOTATION,
                ],
            )
            .is_none()
        })
        .cloned()
        .collect();
    if unregistered.is_empty() {
        return;
    }
    let mut used: BTreeSet<i64> = s
        .list(ROOT, node_info, None)
        .filter_map(|n| str_at(n, &["spec", "podCIDR"]))
        .filter_map(|c| c.strip_prefix("10.244.")?.split('.').next()?.parse().ok())
        .collect();
    for node in unregistered {
        if node_state(&node) == NodeState::Stopped {
            continue;
        }
        let index = (0..).find(|i| !used.contains(i)).unwrap_or(0);
        used.insert(index);
        let mut n = node.clone();
        let cidr = format!("10.244.{index}.0/24");
        set_path(&mut n, &["spec", "podCIDR"], json!(cidr));
        set_path(&mut n, &["spec", "podCIDRs"], json!([cidr]));
        let Ok(mut st) = s.update(ROOT, n) else {
            continue;
        };
        let status = st["status"].as_object().cloned().unwrap_or_default();
        let has = |k: &str| {
            status
                .get(k)
                .is_some_and(|v| v.as_object().is_some_and(|m| !m.is_empty()))
        };
        if !has("capacity") {
            let (cpu, mem, pods) = DEFAULT_CAPACITY;
            set_path(
                &mut st,
                &["status", "capacity"],
                json!({"cpu": cpu, "memory": mem, "pods": pods}),
            );
        }
        if !has("allocatable") {
            let cap = st["status"]["capacity"].clone();
            set_path(&mut st, &["status", "allocatable"], cap);
        }
        let name = object::name(&st).to_string();
        if array_at(&st, &["status", "addresses"]).is_empty() {
            set_path(
                &mut st,
                &["status", "addresses"],
                json!([
                    {"type": "InternalIP", "address": format!("10.0.{}.{}", index / 250, index % 250 + 2)},
                    {"type": "Hostname", "address": name},
                ]),
            );
        }
        if path(&st, &["status", "nodeInfo"]).is_none() {
            set_path(
                &mut st,
                &["status", "nodeInfo"],
                json!({
                    "architecture": "amd64",
                    "containerRuntimeVersion": "containerd://2.1.0",
                    "kernelVersion": "6.8.0-kplane",
                    "kubeProxyVersion": "",
                    "kubeletVersion": KUBELET_VERSION,
                    "operatingSystem": "linux",
                    "osImage": "kplane simulated node",
                    "machineID": "", "systemUUID": "", "bootID": "",
                }),
            );
        }
        let _ = s.update_status(ROOT, &st);
    }
}

/// The conditions a kubelet in `state` posts: `(type, status, reason, message)`.
fn conditions(state: NodeState) -> [(&'static str, &'static str, &'static str, &'static str); 4] {
    let ready = match state {
        NodeState::Failed => (
            "Ready",
            "False",
            "KubeletNotReady",
            "container runtime is down, PLEG is not healthy: pleg was last seen active 3m0s ago; threshold is 3m0s",
        ),
        _ => (
            "Ready",
            "True",
            "KubeletReady",
            "kubelet is posting ready status",
        ),
    };
    [
        (
            "MemoryPressure",
            "False",
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available",
        ),
        (
            "DiskPressure",
            "False",
            "KubeletHasNoDiskPressure",
            "kubelet has no disk pressure",
        ),
        (
            "PIDPressure",
            "False",
            "KubeletHasSufficientPID",
            "kubelet has sufficient PID available",
        ),
        ready,
    ]
}

/// Posts the node conditions when they differ from what the kubelet would say (a Stopped
/// node's kubelet says nothing).
fn post_status(s: &mut Server) {
    let node_info = kind("v1", "Node");
    let stale: Vec<(Value, NodeState)> = s
        .list(ROOT, node_info, None)
        .filter(|n| str_at(n, &["spec", "podCIDR"]).is_some())
        .filter_map(|n| {
            let state = node_state(n);
            if state == NodeState::Stopped {
                return None;
            }
            let current = array_at(n, &["status", "conditions"]);
            let same = conditions(state).iter().all(|(t, st, r, m)| {
                current.iter().any(|c| {
                    c["type"] == *t && c["status"] == *st && c["reason"] == *r && c["message"] == *m
                })
            });
            (!same).then(|| (n.clone(), state))
        })
        .collect();
    let now = s.clock.rfc3339();
    for (node, state) in stale {
        let old = array_at(&node, &["status", "conditions"]).to_vec();
        let was_ready = node_ready(&node);
        let mut conds: Vec<Value> = old
            .iter()
            .filter(|c| !conditions(state).iter().any(|(t, ..)| c["type"] == *t))
            .cloned()
            .collect();
        for (t, st, reason, message) in conditions(state) {
            let since = old
                .iter()
                .find(|c| c["type"] == t && c["status"] == st)
                .and_then(|c| c.get("lastTransitionTime").cloned())
                .unwrap_or(json!(now));
            conds.push(json!({"type": t, "status": st, "lastHeartbeatTime": now, "lastTransitionTime": since, "reason": reason, "message": message}));
        }
        let mut n = node.clone();
        set_path(&mut n, &["status", "conditions"], Value::from(conds));
        let Ok(updated) = s.update_status(ROOT, &n) else {
            continue;
        };
        let name = object::name(&updated).to_string();
        let ready = node_ready(&updated);
        if ready != was_ready || old.is_empty() {
            let (kind, reason) = if ready {
                (EventType::Normal, "NodeReady")
            } else {
                (EventType::Normal, "NodeNotReady")
            };
            s.event(
                ROOT,
                &updated,
                kind,
                reason,
                &format!("Node {name} status is now: {reason}"),
                "kubelet",
            );
        }
    }
}
