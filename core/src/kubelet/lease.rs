//! The node Lease (`kube-node-lease/<node>`, coordination.k8s.io/v1), as the kubelet's lease
//! controller keeps it (k8s.io/component-helpers/apimachinery/lease/controller.go `newLease`,
//! pkg/kubelet/nodelease `setNodeOwnerFunc`): holder the node's name, `leaseDurationSeconds`
//! 40 (the kubelet's `nodeLeaseDurationSeconds`), owned by the Node (so it goes with it), and
//! `renewTime` when the kubelet last heartbeated.
//!
//! Upstream renews every 10 s (a quarter of the duration), 360 writes per node per hour. kplane's
//! heartbeats are implicit (see [`super::node`]): the kubelet renews the Lease when it registers
//! the node and whenever it posts node status, i.e. at the node's `lastHeartbeatTime`; a node
//! whose machine is stopped renews nothing. 5,000 idle nodes cost no writes, and the Lease
//! exists for whoever reads it (`kubectl describe node`, `get leases -n kube-node-lease`).
use crate::api::object::{self, set_path};
use crate::api::Value;
use crate::controllers::kind;
use crate::json;
use crate::server::{Server, ROOT};
use crate::sim::format_rfc3339_micro;

/// The namespace of node Leases.
pub const NAMESPACE: &str = "kube-node-lease";
/// `nodeLeaseDurationSeconds` (the kubelet's default).
pub const DURATION_SECONDS: i64 = 40;

/// Creates or renews the Lease of `node` at the current instant.
pub(super) fn renew(s: &mut Server, node: &Value) {
    let name = object::name(node).to_string();
    let info = kind("coordination.k8s.io/v1", "Lease");
    let now = format_rfc3339_micro(s.clock.now_ms());
    let owner = json!([{"apiVersion": "v1", "kind": "Node", "name": name.as_str(), "uid": object::uid(node)}]);
    match s.get(ROOT, info, NAMESPACE, &name).cloned() {
        None => {
            let _ = s.create(
                ROOT,
                json!({
                    "apiVersion": "coordination.k8s.io/v1",
                    "kind": "Lease",
                    "metadata": {"name": name.as_str(), "namespace": NAMESPACE, "ownerReferences": owner},
                    "spec": {
                        "holderIdentity": name.as_str(),
                        "leaseDurationSeconds": DURATION_SECONDS,
                        "renewTime": now,
                    },
                }),
            );
        }
        Some(mut lease) => {
            let owned = !object::array_at(&lease, &["metadata", "ownerReferences"]).is_empty();
            if owned && object::str_at(&lease, &["spec", "renewTime"]) == Some(now.as_str()) {
                return;
            }
            if object::array_at(&lease, &["metadata", "ownerReferences"]).is_empty() {
                set_path(&mut lease, &["metadata", "ownerReferences"], owner);
            }
            set_path(&mut lease, &["spec", "renewTime"], json!(now));
            let _ = s.update(ROOT, lease);
        }
    }
}
