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
//! kplane writes node status (and renews the node's Lease, [`super::lease`]) only when a
//! condition changes (so 5,000 idle nodes cost nothing), and a node without the `Stopped` state
//! counts as heartbeating.
use super::DEFAULT_CAPACITY;
use crate::api::object::{self, array_at, path, set_path, str_at};
use crate::api::Value;
use crate::controllers::kind;
use crate::json;
use crate::server::{status::Status, EventType, Server, ROOT};
use std::collections::{BTreeMap, BTreeSet};

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

/// Node IPAM (the node-ipam controller's range allocator): node name → the index `i` of its
/// pod CIDR `10.244.i.0/24`; the smallest free index goes to the next node.
#[derive(Debug, Clone, Default)]
pub struct CidrAllocator {
    by_node: BTreeMap<String, i64>,
    used: BTreeSet<i64>,
}

impl CidrAllocator {
    /// The allocations of the registered Nodes in `store`.
    pub fn of(store: &crate::store::Store) -> CidrAllocator {
        let mut a = CidrAllocator::default();
        for (_, n) in store.list(ROOT, "nodes", None) {
            if let Some(i) = str_at(n, &["spec", "podCIDR"]).and_then(cidr_index) {
                a.by_node.insert(object::name(n).to_string(), i);
                a.used.insert(i);
            }
        }
        a
    }

    fn allocate(&mut self, node: &str) -> i64 {
        if let Some(i) = self.by_node.get(node) {
            return *i;
        }
        let i = (0..).find(|i| !self.used.contains(i)).unwrap_or(0);
        self.used.insert(i);
        self.by_node.insert(node.to_string(), i);
        i
    }

    fn release(&mut self, node: &str) {
        if let Some(i) = self.by_node.remove(node) {
            self.used.remove(&i);
        }
    }
}

fn cidr_index(cidr: &str) -> Option<i64> {
    cidr.strip_prefix("10.244.")?
        .split('.')
        .next()?
        .parse()
        .ok()
}

/// One node's kubelet: registers it (or forgets a deleted one), then posts its conditions.
pub(super) fn sync(s: &mut Server, cidrs: &mut CidrAllocator, name: &str) {
    let Some(node) = s.get(ROOT, kind("v1", "Node"), "", name).cloned() else {
        cidrs.release(name);
        return;
    };
    if str_at(&node, &["spec", "podCIDR"]).is_none() {
        register(s, cidrs, node);
        return;
    }
    post_status(s, &node);
}

/// Node registration and IPAM: capacity defaults, `spec.podCIDR` from 10.244.0.0/16, an
/// InternalIP, node info.
fn register(s: &mut Server, cidrs: &mut CidrAllocator, node: Value) {
    if node_state(&node) == NodeState::Stopped {
        return;
    }
    let index = cidrs.allocate(object::name(&node));
    let mut n = node;
    let cidr = format!("10.244.{index}.0/24");
    set_path(&mut n, &["spec", "podCIDR"], json!(cidr));
    set_path(&mut n, &["spec", "podCIDRs"], json!([cidr]));
    register_labels(&mut n);
    let Ok(mut st) = s.update(ROOT, n) else {
        return;
    };
    register_csi_node(s, &st);
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
    if path(&st, &["status", "runtimeHandlers"]).is_none() {
        let handlers = super::runtime::runtime_handlers_status(&st);
        set_path(&mut st, &["status", "runtimeHandlers"], handlers);
    }
    if let Ok(registered) = s.update_status(ROOT, &st) {
        super::lease::renew(s, &registered);
    }
}

/// The labels a kubelet registers its Node with when the manifest does not set them: the
/// well-known ones (`kubernetes.io/hostname`, `kubernetes.io/os`, `kubernetes.io/arch`, their
/// beta twins, the cloud labels' twins; [`crate::api::node_labels`]) and the topology labels the
/// simulated CSI drivers' node plugins report (`topology.ebs.csi.aws.com/zone` on zonal nodes,
/// `topology.hostpath.csi/node`), which the kubelet's CSI plugin manager also sets.
fn register_labels(node: &mut Value) {
    crate::api::node_labels::apply_kubelet_labels(node);
    let present = object::labels(node);
    let mut missing: Vec<(String, String)> = Vec::new();
    for d in crate::api::volume::csi::DRIVERS {
        for (k, v) in d.node_topology(node) {
            if !present.contains_key(&k) && !missing.iter().any(|(m, _)| *m == k) {
                missing.push((k, v));
            }
        }
    }
    for (k, v) in missing {
        set_path(node, &["metadata", "labels", &k], json!(v));
    }
}

/// The node's `CSINode` (the kubelet's `nodeinfomanager`): every simulated driver's node plugin
/// registered, with its node ID, topology keys and (EBS) attach limit; owned by the Node.
fn register_csi_node(s: &mut Server, node: &Value) {
    let name = object::name(node);
    if s.get(ROOT, kind("storage.k8s.io/v1", "CSINode"), "", name)
        .is_some()
    {
        return;
    }
    // One network interface (the primary ENI) besides the root volume.
    let drivers: Vec<Value> = crate::api::volume::csi::DRIVERS
        .iter()
        .map(|d| d.csi_node_driver(node, 1))
        .collect();
    let csi_node = json!({
        "apiVersion": "storage.k8s.io/v1",
        "kind": "CSINode",
        "metadata": {"name": name, "ownerReferences": [{
            "apiVersion": "v1", "kind": "Node", "name": name, "uid": object::uid(node)}]},
        "spec": {"drivers": drivers},
    });
    let _ = s.create(ROOT, csi_node);
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

/// Posts the node's conditions when they differ from what its kubelet would say (a Stopped
/// node's kubelet says nothing).
fn post_status(s: &mut Server, node: &Value) {
    let state = node_state(node);
    if state == NodeState::Stopped {
        return;
    }
    let current = array_at(node, &["status", "conditions"]);
    let same = conditions(state).iter().all(|(t, st, r, m)| {
        current.iter().any(|c| {
            c["type"] == *t && c["status"] == *st && c["reason"] == *r && c["message"] == *m
        })
    });
    if same {
        return;
    }
    let now = s.clock.rfc3339();
    let old = current.to_vec();
    let was_ready = node_ready(node);
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
        return;
    };
    super::lease::renew(s, &updated);
    let name = object::name(&updated).to_string();
    let ready = node_ready(&updated);
    if ready != was_ready || old.is_empty() {
        let reason = if ready { "NodeReady" } else { "NodeNotReady" };
        s.event(
            ROOT,
            &updated,
            EventType::Normal,
            reason,
            &format!("Node {name} status is now: {reason}"),
            "kubelet",
        );
    }
}
