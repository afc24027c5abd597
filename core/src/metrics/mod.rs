//! The metrics pipeline: what metrics-server (`metrics.k8s.io`) and a Prometheus with its
//! adapters (`custom.metrics.k8s.io`, `external.metrics.k8s.io`) would report about the
//! simulated cluster, read by `kubectl top`, the HPA, the VPA, KEDA and the npm package.
//!
//! - [`resource`] — per pod and node CPU and memory at metrics-server's 15 s scrapes;
//! - [`traffic`] — how LoadProfile requests fare on their endpoints (rate, latency, errors);
//! - [`series`] — named series with labels (requests, queues, containers) and the queries the
//!   `prometheus` trigger runs.
//!
//! Every read is a pure function of the store and the virtual instant: the same question at the
//! same instant has the same answer, and nothing is stored.
pub mod resource;
pub mod series;
pub mod traffic;

pub use resource::{
    list_node_metrics, list_pod_metrics, pod_metrics, scrape_time, NodeMetrics, PodMetrics,
    RESOLUTION_MS,
};
