//! The cloud node controller (the cloud-controller-manager's `node` controller,
//! kubernetes/cloud-provider `controllers/node/node_controller.go`, with the AWS cloud
//! provider's instance metadata): a Node that names an EC2 instance type in
//! `node.kubernetes.io/instance-type` but carries no capacity gets the capacity, allocatable
//! and labels an EKS node of that type has (`cloud::eks`).
//!
//! It runs before the node agent registers the Node, so `kubectl apply` of
//! `{kind: Node, metadata: {labels: {node.kubernetes.io/instance-type: m5.large}}}` gives a
//! node with 2 CPUs, 7,577,824 Ki of memory and 29 pods, not the agent's default.
//! Labels the Node already has are kept; the zone and capacity-type labels are added only
//! when the Node names them (a hand-made node has no instance to read them from).
use crate::api::object::{self, path, set_path};
use crate::api::Value;
use crate::cloud::{catalog, eks};
use crate::json;
use crate::runtime::{all_keys, Action, Controller};
use crate::server::{Server, ROOT};
use crate::store::{Key, Store, WatchEvent};

const NAME: &str = "cloud-node-controller";
const MANAGER: &str = "cloud-controller-manager";

/// The cloud node controller.
#[derive(Debug, Default)]
pub struct CloudNodeController;

/// Whether the Node has a capacity already.
fn has_capacity(node: &Value) -> bool {
    path(node, &["status", "capacity"])
        .and_then(Value::as_object)
        .is_some_and(|m| !m.is_empty())
}

/// The catalog type the Node names, if it needs filling in.
fn wants_shape(node: &Value) -> Option<&'static catalog::InstanceTypeInfo> {
    if has_capacity(node) || object::is_terminating(node) {
        return None;
    }
    let name = object::str_at(
        node,
        &["metadata", "labels", "node.kubernetes.io/instance-type"],
    )?;
    catalog::get(name)
}

impl Controller for CloudNodeController {
    fn name(&self) -> &'static str {
        NAME
    }
    fn manager(&self) -> &'static str {
        MANAGER
    }
    fn watches(&self) -> &'static [&'static str] {
        &["nodes"]
    }
    fn keys(&self, _: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        // Nodes and NodeClaims are the shared data plane in `root`.
        if &*e.key.workspace != ROOT {
            return;
        }
        if wants_shape(&e.object).is_some() {
            out.push(e.key.clone());
        }
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        all_keys(store, "nodes", out);
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        if &*key.workspace != ROOT {
            return Action::AwaitChange;
        }
        let Some(node) = s.store.get(key).cloned() else {
            return Action::AwaitChange;
        };
        let Some(it) = wants_shape(&node) else {
            return Action::AwaitChange;
        };
        let config = eks::NodeConfig::default();
        let labels = object::labels(&node);
        let zone = labels
            .get("topology.kubernetes.io/zone")
            .cloned()
            .unwrap_or_default();
        let capacity_type = labels
            .get("karpenter.sh/capacity-type")
            .and_then(|c| catalog::CapacityType::parse(c))
            .unwrap_or(catalog::CapacityType::OnDemand);
        let mut updated = node.clone();
        for (k, v) in eks::node_labels(it, &zone, capacity_type, &config) {
            let zonal = k.contains("zone") && zone.is_empty();
            let bought = k == "karpenter.sh/capacity-type" && !labels.contains_key(&k);
            if labels.contains_key(&k) || zonal || bought {
                continue;
            }
            set_path(&mut updated, &["metadata", "labels", &k], json!(v));
        }
        let Ok(mut written) = (if updated == node {
            Ok(node)
        } else {
            s.update(&key.workspace, updated)
        }) else {
            return Action::Retry;
        };
        let shape = eks::node_shape(it, &config);
        set_path(
            &mut written,
            &["status", "capacity"],
            shape.capacity.to_node_value(),
        );
        set_path(
            &mut written,
            &["status", "allocatable"],
            shape.allocatable.to_node_value(),
        );
        match s.update_status(&key.workspace, &written) {
            Ok(_) => Action::AwaitChange,
            Err(_) => Action::Retry,
        }
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}
