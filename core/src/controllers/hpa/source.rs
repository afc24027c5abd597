//! The HPA's metrics clients on kplane's metrics pipeline (`metrics`): the resource metrics API
//! (metrics-server's per-pod CPU and memory at its last scrape), the custom metrics API (Pods
//! and Object metrics from the simulated series) and the external metrics API (KEDA's adapter
//! for `scaledobject.keda.sh/name` selectors, else the simulated series).
use super::decision::MetricsSource;
use super::replica_calculator::{PodMetric, PodMetrics};
use super::spec::{MetricIdentifier, ObjectReference};
use crate::api::object;
use crate::api::Value;
use crate::controllers::keda::adapter;
use crate::metrics::resource::{pod_metrics, scrape_time, DemandCache, RESOLUTION_MS};
use crate::metrics::series::{matching, namespace_series, selector_labels, Series};
use crate::store::Store;
use std::cell::OnceCell;

/// The metrics of one HPA's namespace at one instant.
pub struct ClusterMetrics<'a> {
    store: &'a Store,
    ws: &'a str,
    ns: &'a str,
    /// The pods the target's selector matches.
    pods: &'a [Value],
    now_ms: i64,
    series: OnceCell<Vec<Series>>,
}

impl<'a> ClusterMetrics<'a> {
    /// The metrics `pods` (of `ws`/`ns`) have at `now_ms`.
    pub fn new(store: &'a Store, ws: &'a str, ns: &'a str, pods: &'a [Value], now_ms: i64) -> Self {
        ClusterMetrics {
            store,
            ws,
            ns,
            pods,
            now_ms,
            series: OnceCell::new(),
        }
    }

    fn series(&self) -> &[Series] {
        self.series
            .get_or_init(|| namespace_series(self.store, self.ws, self.ns, self.now_ms))
    }

    fn sample(&self, value: f64) -> PodMetric {
        PodMetric {
            value: milli(value),
            timestamp_ms: scrape_time(self.now_ms),
            window_ms: RESOLUTION_MS,
        }
    }
}

/// A value as a milli-value, saturating.
fn milli(v: f64) -> i64 {
    (v * 1000.0).round().clamp(i64::MIN as f64, i64::MAX as f64) as i64
}

impl MetricsSource for ClusterMetrics<'_> {
    fn resource_metric(
        &self,
        resource: &str,
        container: Option<&str>,
    ) -> Result<PodMetrics, String> {
        let mut cache = DemandCache::default();
        let mut out = PodMetrics::new();
        for pod in self.pods {
            let d = cache.get(self.store, self.ws, pod, self.now_ms);
            let Some(m) = pod_metrics(self.store, pod, d.as_ref(), self.now_ms) else {
                continue;
            };
            let containers = m
                .containers
                .iter()
                .filter(|c| container.is_none_or(|n| c.name == n));
            // `Quantity.MilliValue()` of each container's usage, summed.
            let value: i64 = match resource {
                "cpu" => containers.map(|c| c.milli_cpu).sum(),
                "memory" => containers.map(|c| c.memory.saturating_mul(1000)).sum(),
                _ => continue,
            };
            out.insert(
                object::name(pod).to_string(),
                PodMetric {
                    value,
                    timestamp_ms: m.timestamp_ms,
                    window_ms: m.window_ms,
                },
            );
        }
        if out.is_empty() {
            return Err("no metrics returned from resource metrics API".into());
        }
        Ok(out)
    }

    fn pods_metric(&self, metric: &MetricIdentifier) -> Result<PodMetrics, String> {
        let mut labels = selector_labels(metric.selector.as_ref());
        labels.push(("namespace".into(), self.ns.into()));
        let mut out = PodMetrics::new();
        for pod in self.pods {
            let name = object::name(pod);
            let mut with_pod = labels.clone();
            with_pod.push(("pod".into(), name.into()));
            let found: Vec<f64> = matching(self.series(), &metric.name, &with_pod)
                .map(|s| s.value)
                .collect();
            if !found.is_empty() {
                out.insert(name.to_string(), self.sample(found.iter().sum()));
            }
        }
        if out.is_empty() {
            return Err("no metrics returned from custom metrics API".into());
        }
        Ok(out)
    }

    fn object_metric(&self, metric: &MetricIdentifier, o: &ObjectReference) -> Result<i64, String> {
        let mut labels = selector_labels(metric.selector.as_ref());
        labels.push(("namespace".into(), self.ns.into()));
        labels.push((o.kind.to_lowercase(), o.name.clone()));
        let found: Vec<f64> = matching(self.series(), &metric.name, &labels)
            .map(|s| s.value)
            .collect();
        if found.is_empty() {
            return Err(format!(
                "the server could not find the metric {} for {} {}",
                metric.name,
                o.kind.to_lowercase(),
                o.name
            ));
        }
        Ok(milli(found.iter().sum()))
    }

    fn external_metric(&self, metric: &MetricIdentifier) -> Result<Vec<i64>, String> {
        if let Some(so) = adapter::scaled_object_of(metric.selector.as_ref()) {
            return adapter::external_metric(
                self.store,
                self.ws,
                self.ns,
                &so,
                &metric.name,
                self.now_ms,
            );
        }
        let mut labels = selector_labels(metric.selector.as_ref());
        labels.push(("namespace".into(), self.ns.into()));
        let found: Vec<i64> = matching(self.series(), &metric.name, &labels)
            .map(|s| milli(s.value))
            .collect();
        if found.is_empty() {
            return Err("no metrics returned from external metrics API".into());
        }
        Ok(found)
    }
}
