//! What the playground's cluster view shows: nodes with their pods and how full they are,
//! and the pods no node has taken.
use super::ControlPlane;
use crate::api::object;
use crate::api::{Resources, Value};
use crate::server::ROOT;
use crate::{controllers, kubectl, kubelet};
use serde::{Deserialize, Serialize};

/// What a node card shows: the node, how full it is, and its pods.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeSummary {
    pub name: String,
    pub ready: bool,
    /// The STATUS column of `kubectl get nodes` (`Ready`, `NotReady,SchedulingDisabled`, …).
    pub status: String,
    /// `key=value:Effect` for each taint.
    pub taints: Vec<String>,
    pub unschedulable: bool,
    pub allocatable_milli_cpu: i64,
    pub allocatable_memory: i64,
    pub allocatable_pods: i64,
    pub requested_milli_cpu: i64,
    pub requested_memory: i64,
    pub pods: Vec<PodSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodSummary {
    /// The workspace the pod belongs to (pods of every workspace share the nodes).
    pub workspace: String,
    pub namespace: String,
    pub name: String,
    /// The STATUS column of `kubectl get pods`.
    pub status: String,
    pub ready: bool,
    /// Why the pod waits, when it does (its PodScheduled=False message).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

impl PodSummary {
    fn of(workspace: &str, p: &Value) -> PodSummary {
        let message = object::array_at(p, &["status", "conditions"])
            .iter()
            .find(|c| c["type"] == "PodScheduled" && c["status"] == "False")
            .and_then(|c| c["message"].as_str())
            .unwrap_or("")
            .to_string();
        PodSummary {
            workspace: workspace.to_string(),
            namespace: object::namespace(p).to_string(),
            name: object::name(p).to_string(),
            status: kubectl::pod_status(p),
            ready: controllers::is_pod_ready(p),
            message,
        }
    }
}

/// `key=value:Effect`, as `kubectl describe node` lists taints.
fn taint_text(t: &Value) -> String {
    let value = t["value"]
        .as_str()
        .filter(|v| !v.is_empty())
        .map(|v| format!("={v}"))
        .unwrap_or_default();
    format!(
        "{}{value}:{}",
        t["key"].as_str().unwrap_or(""),
        t["effect"].as_str().unwrap_or("")
    )
}

impl ControlPlane {
    /// Every node (the shared data plane, in `root`) with its pods from every workspace and
    /// how full it is, in name order.
    pub fn nodes(&self) -> Vec<NodeSummary> {
        let store = &self.server.store;
        store
            .list(ROOT, "nodes", None)
            .map(|(_, n)| {
                let name = object::name(n);
                let alloc = crate::api::resources::node_allocatable(n);
                let pods: Vec<(&str, &Value)> = store
                    .indexes()
                    .pods_on_node(name)
                    .filter_map(|k| Some((&*k.workspace, store.get(k)?)))
                    .collect();
                let mut requested = Resources::default();
                for (_, p) in pods
                    .iter()
                    .filter(|(_, p)| controllers::is_pod_active(p) || object::is_terminating(p))
                {
                    requested.add(&crate::api::resources::pod_requests(p, false));
                }
                NodeSummary {
                    name: name.to_string(),
                    ready: kubelet::node_ready(n),
                    status: kubectl::node_status(n),
                    taints: object::array_at(n, &["spec", "taints"])
                        .iter()
                        .map(taint_text)
                        .collect(),
                    unschedulable: n["spec"]["unschedulable"] == true,
                    allocatable_milli_cpu: alloc.milli_cpu,
                    allocatable_memory: alloc.memory,
                    allocatable_pods: alloc.get("pods"),
                    requested_milli_cpu: requested.milli_cpu,
                    requested_memory: requested.memory,
                    pods: pods.iter().map(|(w, p)| PodSummary::of(w, p)).collect(),
                }
            })
            .collect()
    }

    /// Pods no node has taken yet, in every workspace.
    pub fn pending_pods(&self) -> Vec<PodSummary> {
        self.server
            .store
            .list_all("pods")
            .filter(|(_, p)| object::str_at(p, &["spec", "nodeName"]).is_none_or(str::is_empty))
            .map(|(k, p)| PodSummary::of(&k.workspace, p))
            .collect()
    }
}
