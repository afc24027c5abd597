//! The resource metrics API (`metrics.k8s.io/v1beta1`) as metrics-server serves it: every
//! [`RESOLUTION_MS`] (`--metric-resolution`, 15 s) it scrapes each kubelet and reports, per pod
//! and container, the CPU used over the window between two scrapes and the working-set memory,
//! stamped with the scrape's time. A container's use is its steady use (the behaviour
//! annotations) plus the simulated demand on it (`sim::load`), CPU capped at its limit
//! (`kubelet::behaviour::usage_with`).
//!
//! A pod has metrics only once metrics-server has two samples of it: it is `Running` and its
//! running containers started at least one resolution before the scrape. Reads are pure
//! functions of the store and the instant, so `kubectl top`, the HPA, the VPA and the npm
//! package see the same numbers and nothing is stored.
use crate::api::object::{self, array_at, str_at};
use crate::api::quantity::{format_bytes, format_cpu_milli};
use crate::api::Value;
use crate::json;
use crate::kubelet::behaviour::usage_with;
use crate::server::ROOT;
use crate::sim::load::{has_demand, namespace_demand, PodDemand};
use crate::sim::{format_rfc3339, parse_rfc3339};
use crate::store::Store;
use std::collections::BTreeMap;

/// metrics-server's `--metric-resolution` (15 s): how often it scrapes, and the window of the
/// CPU rate it reports.
pub const RESOLUTION_MS: i64 = 15_000;

/// The last scrape at or before `now_ms`.
pub fn scrape_time(now_ms: i64) -> i64 {
    now_ms - now_ms.rem_euclid(RESOLUTION_MS)
}

/// One container's use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerMetrics {
    /// The container's name.
    pub name: String,
    /// CPU, millicores.
    pub milli_cpu: i64,
    /// Working-set memory, bytes.
    pub memory: i64,
}

/// `PodMetrics`: one pod's containers at one scrape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodMetrics {
    /// The pod's namespace.
    pub namespace: String,
    /// The pod's name.
    pub name: String,
    /// When the sample was taken (a scrape), epoch ms.
    pub timestamp_ms: i64,
    /// The window the CPU rate covers, ms.
    pub window_ms: i64,
    /// Per container.
    pub containers: Vec<ContainerMetrics>,
}

impl PodMetrics {
    /// CPU of every container, millicores.
    pub fn milli_cpu(&self) -> i64 {
        self.containers.iter().map(|c| c.milli_cpu).sum()
    }
    /// Memory of every container, bytes.
    pub fn memory(&self) -> i64 {
        self.containers.iter().map(|c| c.memory).sum()
    }
    /// The `metrics.k8s.io/v1beta1` `PodMetrics` object.
    pub fn to_value(&self) -> Value {
        let containers: Vec<Value> = self
            .containers
            .iter()
            .map(|c| json!({"name": c.name.as_str(), "usage": {"cpu": format_cpu_milli(c.milli_cpu), "memory": format_bytes(c.memory)}}))
            .collect();
        json!({
            "apiVersion": "metrics.k8s.io/v1beta1",
            "kind": "PodMetrics",
            "metadata": {"name": self.name.as_str(), "namespace": self.namespace.as_str()},
            "timestamp": format_rfc3339(self.timestamp_ms),
            "window": format!("{}s", self.window_ms / 1000),
            "containers": Value::Array(containers.into()),
        })
    }
}

/// The start of the current run of a container status, if running.
fn started_at(status: &Value) -> Option<i64> {
    str_at(status, &["state", "running", "startedAt"]).and_then(parse_rfc3339)
}

/// The metrics of `pod` at the last scrape before `now_ms`, with the demand on it and its
/// runtime's CPU penalty (`None` when
/// metrics-server has no sample of it yet).
pub fn pod_metrics(
    store: &Store,
    pod: &Value,
    demand: Option<&PodDemand>,
    now_ms: i64,
) -> Option<PodMetrics> {
    if str_at(pod, &["status", "phase"]) != Some("Running") {
        return None;
    }
    let ts = scrape_time(now_ms);
    let statuses = array_at(pod, &["status", "containerStatuses"]);
    let running: Vec<&Value> = statuses
        .iter()
        .filter(|s| s["state"].get("running").is_some())
        .collect();
    if running.is_empty()
        || running
            .iter()
            .any(|s| started_at(s).is_none_or(|t| t > ts - RESOLUTION_MS))
    {
        return None;
    }
    let containers = usage_with(pod, demand, crate::kubelet::cpu_percent(store, pod))
        .into_iter()
        .map(|u| ContainerMetrics {
            name: u.name,
            milli_cpu: u.milli_cpu,
            memory: u.memory,
        })
        .collect();
    Some(PodMetrics {
        namespace: object::namespace(pod).to_string(),
        name: object::name(pod).to_string(),
        timestamp_ms: ts,
        window_ms: RESOLUTION_MS,
        containers,
    })
}

/// Demand per pod, computed once per namespace and looked up per pod.
#[derive(Default)]
pub struct DemandCache {
    by_namespace: BTreeMap<(String, String), BTreeMap<String, PodDemand>>,
}

impl DemandCache {
    /// The demand on `pod` (of workspace `ws`) at the scrape before `now_ms`.
    pub fn get(&mut self, store: &Store, ws: &str, pod: &Value, now_ms: i64) -> Option<PodDemand> {
        let ns = object::namespace(pod);
        if !has_demand(store, ws, ns) {
            return None;
        }
        self.by_namespace
            .entry((ws.to_string(), ns.to_string()))
            .or_insert_with(|| namespace_demand(store, ws, ns, scrape_time(now_ms)))
            .get(object::name(pod))
            .cloned()
    }
}

/// The metrics of every pod of `ws`/`ns` (all namespaces when `None`) that has some, in name
/// order.
pub fn list_pod_metrics(store: &Store, ws: &str, ns: Option<&str>, now_ms: i64) -> Vec<PodMetrics> {
    let mut cache = DemandCache::default();
    store
        .list(ws, "pods", ns)
        .filter_map(|(_, p)| {
            let d = cache.get(store, ws, p, now_ms);
            pod_metrics(store, p, d.as_ref(), now_ms)
        })
        .collect()
}

/// `NodeMetrics`: a node's use, the sum of its pods' (of every workspace).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeMetrics {
    /// The node's name.
    pub name: String,
    /// When the sample was taken, epoch ms.
    pub timestamp_ms: i64,
    /// The CPU rate's window, ms.
    pub window_ms: i64,
    /// CPU, millicores.
    pub milli_cpu: i64,
    /// Working-set memory, bytes.
    pub memory: i64,
}

impl NodeMetrics {
    /// The `metrics.k8s.io/v1beta1` `NodeMetrics` object.
    pub fn to_value(&self) -> Value {
        json!({
            "apiVersion": "metrics.k8s.io/v1beta1",
            "kind": "NodeMetrics",
            "metadata": {"name": self.name.as_str()},
            "timestamp": format_rfc3339(self.timestamp_ms),
            "window": format!("{}s", self.window_ms / 1000),
            "usage": {"cpu": format_cpu_milli(self.milli_cpu), "memory": format_bytes(self.memory)},
        })
    }
}

/// The metrics of every node (in `root`), in name order.
pub fn list_node_metrics(store: &Store, now_ms: i64) -> Vec<NodeMetrics> {
    let mut cache = DemandCache::default();
    store
        .list(ROOT, "nodes", None)
        .map(|(_, n)| {
            let name = object::name(n);
            let (mut cpu, mut mem) = (0i64, 0i64);
            for k in store.indexes().pods_on_node(name) {
                let Some(p) = store.get(k) else { continue };
                let d = cache.get(store, &k.workspace, p, now_ms);
                if let Some(m) = pod_metrics(store, p, d.as_ref(), now_ms) {
                    cpu = cpu.saturating_add(m.milli_cpu());
                    mem = mem.saturating_add(m.memory());
                }
            }
            NodeMetrics {
                name: name.to_string(),
                timestamp_ms: scrape_time(now_ms),
                window_ms: RESOLUTION_MS,
                milli_cpu: cpu,
                memory: mem,
            }
        })
        .collect()
}
