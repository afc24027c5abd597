//! The metrics pipeline and the autoscalers' reasoning, read-only: pod and node metrics as
//! `metrics.k8s.io` serves them (what `kubectl top` prints and the HPA reads), the simulated
//! series and queries (custom and external metrics, KEDA's `prometheus` trigger), LoadProfile
//! traffic, and the HPA's last decision in words and numbers.
use super::ControlPlane;
use crate::api::Value;
use crate::json;
use crate::metrics::{self, series};
use crate::server::authz::Request;
use crate::server::status::Status;

impl ControlPlane {
    /// Authorizes reading pods in `namespace` (all namespaces when `None`): the metrics of pods
    /// are as visible as the pods.
    fn authorize_pod_reads(&self, workspace: &str, namespace: Option<&str>) -> Result<(), Status> {
        self.server.check_workspace(workspace)?;
        let pods = crate::controllers::kind("v1", "Pod");
        self.authorize(
            workspace,
            Request::new("list", pods, namespace.unwrap_or("")),
        )
    }

    /// `metrics.k8s.io/v1beta1` `PodMetrics` of the pods of `namespace` (every namespace when
    /// `None`) that have metrics: the last 15 s scrape, per container.
    pub fn pod_metrics(
        &self,
        workspace: &str,
        namespace: Option<&str>,
    ) -> Result<Vec<Value>, Status> {
        self.authorize_pod_reads(workspace, namespace)?;
        Ok(
            metrics::list_pod_metrics(&self.server.store, workspace, namespace, self.now_ms())
                .iter()
                .map(metrics::PodMetrics::to_value)
                .collect(),
        )
    }

    /// `metrics.k8s.io/v1beta1` `NodeMetrics` of every node: the sum of its pods' use.
    pub fn node_metrics(&self) -> Vec<Value> {
        metrics::list_node_metrics(&self.server.store, self.now_ms())
            .iter()
            .map(metrics::NodeMetrics::to_value)
            .collect()
    }

    /// The simulated series of `namespace` at the last scrape (`{name, labels, value}`): request
    /// rates, errors and latency per pod and LoadProfile, queue depth and lag, container CPU and
    /// memory (see `metrics::series`).
    pub fn metrics_series(&self, workspace: &str, namespace: &str) -> Result<Vec<Value>, Status> {
        self.authorize_pod_reads(workspace, Some(namespace))?;
        Ok(
            series::namespace_series(&self.server.store, workspace, namespace, self.now_ms())
                .into_iter()
                .map(|s| {
                    let labels: crate::api::Map = s
                        .labels
                        .iter()
                        .map(|(k, v)| (k.as_str(), json!(v.as_str())))
                        .collect();
                    json!({"name": s.name, "labels": Value::Object(labels), "value": s.value})
                })
                .collect(),
        )
    }

    /// Runs a Prometheus-style query over the series of `namespace` (`sum(rate(
    /// http_requests_total{service="web"}[1m]))`): `None` when no series matches; a 400 for a
    /// query kplane does not understand.
    pub fn query_metrics(
        &self,
        workspace: &str,
        namespace: &str,
        query: &str,
    ) -> Result<Option<f64>, Status> {
        self.authorize_pod_reads(workspace, Some(namespace))?;
        series::query(
            &self.server.store,
            workspace,
            namespace,
            query,
            self.now_ms(),
        )
        .map_err(Status::bad_request)
    }

    /// The last decision of HorizontalPodAutoscaler `namespace/name` in `workspace`, in words
    /// and numbers: each metric's current value, target, ratio and proposal, what stabilization
    /// and the rate limits made of it, the conditions, Events and a one-paragraph summary. None
    /// before its first sync (15 s after it is created).
    pub fn explain_autoscaling(
        &self,
        workspace: &str,
        namespace: &str,
        name: &str,
    ) -> Option<Value> {
        self.runtime
            .get::<crate::controllers::hpa::HorizontalController>()?
            .last_decision(workspace, namespace, name)
            .cloned()
    }
}
