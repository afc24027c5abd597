//! The replica calculator (`pkg/controller/podautoscaler/replica_calculator.go`,
//! `metrics/utilization.go`): from pods, their metric samples and a target, the replica count
//! one metric asks for. Pure: pods and samples come in as plain structs, time as epoch ms.
//!
//! Units follow upstream: every quantity is a milli-value (`Quantity.MilliValue()`), CPU in
//! millicores and memory in milli-bytes.
use crate::api::object::{array_at, path, str_at};
use crate::api::{Quantity, Value};
use crate::sim::parse_rfc3339;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// `--horizontal-pod-autoscaler-tolerance` default.
pub const DEFAULT_TOLERANCE: f64 = 0.1;
/// `--horizontal-pod-autoscaler-cpu-initialization-period` default (5 min).
pub const DEFAULT_CPU_INITIALIZATION_PERIOD_MS: i64 = 5 * 60_000;
/// `--horizontal-pod-autoscaler-initial-readiness-delay` default (30 s).
pub const DEFAULT_INITIAL_READINESS_DELAY_MS: i64 = 30_000;

/// An error of the replica calculator, with upstream's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalcError(pub String);

impl fmt::Display for CalcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn err<T>(message: impl Into<String>) -> Result<T, CalcError> {
    Err(CalcError(message.into()))
}

/// `Tolerances`: the metric ratio band `[1 - scaleDown, 1 + scaleUp]` inside which nothing changes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerances {
    /// Tolerance below the target (`behavior.scaleDown.tolerance`).
    pub scale_down: f64,
    /// Tolerance above the target (`behavior.scaleUp.tolerance`).
    pub scale_up: f64,
}

impl Default for Tolerances {
    fn default() -> Self {
        Tolerances {
            scale_down: DEFAULT_TOLERANCE,
            scale_up: DEFAULT_TOLERANCE,
        }
    }
}

impl Tolerances {
    /// `Tolerances.isWithin`.
    pub fn is_within(&self, usage_ratio: f64) -> bool {
        (1.0 - self.scale_down) <= usage_ratio && usage_ratio <= (1.0 + self.scale_up)
    }
}

/// The controller flags that decide which pods are still warming up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadinessConfig {
    /// `--horizontal-pod-autoscaler-cpu-initialization-period`.
    pub cpu_initialization_period_ms: i64,
    /// `--horizontal-pod-autoscaler-initial-readiness-delay`.
    pub delay_of_initial_readiness_ms: i64,
}

impl Default for ReadinessConfig {
    fn default() -> Self {
        ReadinessConfig {
            cpu_initialization_period_ms: DEFAULT_CPU_INITIALIZATION_PERIOD_MS,
            delay_of_initial_readiness_ms: DEFAULT_INITIAL_READINESS_DELAY_MS,
        }
    }
}

/// `v1.ConditionStatus` of a pod's Ready condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConditionStatus {
    /// `True`.
    True,
    /// `False`.
    False,
    /// `Unknown` (or anything else).
    Unknown,
}

/// The pod's `Ready` condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadyCondition {
    /// Its status.
    pub status: ConditionStatus,
    /// `lastTransitionTime`, epoch ms (0 when unset, like Go's zero time relative to now).
    pub last_transition_ms: i64,
}

/// A container's requests, in milli-units by resource name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContainerRequests {
    /// The container name.
    pub name: String,
    /// `resources.requests`, milli-values.
    pub requests: BTreeMap<String, i64>,
}

/// A pod as the replica calculator sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PodInfo {
    /// `metadata.name`.
    pub name: String,
    /// `status.phase` (`Pending`, `Running`, `Succeeded`, `Failed`, `Unknown`).
    pub phase: String,
    /// `metadata.deletionTimestamp` is set.
    pub deleting: bool,
    /// The `Ready` condition, if the pod has one.
    pub ready: Option<ReadyCondition>,
    /// `status.startTime`, epoch ms.
    pub start_time_ms: Option<i64>,
    /// `spec.containers` followed by restartable (sidecar) init containers.
    pub containers: Vec<ContainerRequests>,
    /// Pod-level `spec.resources.requests` (KEP-2837), milli-values.
    pub pod_requests: Option<BTreeMap<String, i64>>,
}

fn requests_of(resources: Option<&Value>) -> BTreeMap<String, i64> {
    resources
        .and_then(|r| r.get("requests"))
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.to_string(), quantity_milli(v)?)))
                .collect()
        })
        .unwrap_or_default()
}

/// The milli-value of a quantity written as a string or a number (`"250m"`, `2`).
pub fn quantity_milli(v: &Value) -> Option<i64> {
    quantity_of(v).map(|q| q.milli())
}

/// A quantity written as a string or a number.
pub fn quantity_of(v: &Value) -> Option<Quantity> {
    match v {
        Value::String(s) => Quantity::parse(s).ok(),
        Value::Number(n) => Quantity::parse(&n.to_string()).ok(),
        _ => None,
    }
}

impl PodInfo {
    /// Reads the fields the calculator uses from a Pod object.
    pub fn from_pod(pod: &Value) -> PodInfo {
        let ready = array_at(pod, &["status", "conditions"])
            .iter()
            .find(|c| c["type"] == "Ready")
            .map(|c| ReadyCondition {
                status: match c["status"].as_str() {
                    Some("True") => ConditionStatus::True,
                    Some("False") => ConditionStatus::False,
                    _ => ConditionStatus::Unknown,
                },
                last_transition_ms: c["lastTransitionTime"]
                    .as_str()
                    .and_then(parse_rfc3339)
                    .unwrap_or(0),
            });
        let mut containers: Vec<ContainerRequests> = array_at(pod, &["spec", "containers"])
            .iter()
            .map(|c| ContainerRequests {
                name: c["name"].as_str().unwrap_or("").to_string(),
                requests: requests_of(c.get("resources")),
            })
            .collect();
        containers.extend(
            array_at(pod, &["spec", "initContainers"])
                .iter()
                .filter(|c| c["restartPolicy"] == "Always")
                .map(|c| ContainerRequests {
                    name: c["name"].as_str().unwrap_or("").to_string(),
                    requests: requests_of(c.get("resources")),
                }),
        );
        let pod_requests = path(pod, &["spec", "resources", "requests"])
            .filter(|r| r.as_object().is_some_and(|m| !m.is_empty()))
            .map(|_| requests_of(path(pod, &["spec", "resources"])));
        PodInfo {
            name: crate::api::object::name(pod).to_string(),
            phase: str_at(pod, &["status", "phase"]).unwrap_or("").to_string(),
            deleting: crate::api::object::is_terminating(pod),
            ready,
            start_time_ms: str_at(pod, &["status", "startTime"]).and_then(parse_rfc3339),
            containers,
            pod_requests,
        }
    }

    fn is_running_and_ready(&self) -> bool {
        self.phase == "Running"
            && self
                .ready
                .is_some_and(|c| c.status == ConditionStatus::True)
    }
}

/// One pod's metric sample (`metricsclient.PodMetric`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PodMetric {
    /// The value, a milli-value.
    pub value: i64,
    /// When the sample was taken, epoch ms.
    pub timestamp_ms: i64,
    /// The window the sample covers, ms.
    pub window_ms: i64,
}

/// Samples by pod name (`metricsclient.PodMetricsInfo`).
pub type PodMetrics = BTreeMap<String, PodMetric>;

/// The pods sorted into groups (`groupPods`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PodGroups {
    /// Pods that count.
    pub ready_pod_count: usize,
    /// Pending pods and, for CPU, pods still initializing.
    pub unready: BTreeSet<String>,
    /// Pods with no sample.
    pub missing: BTreeSet<String>,
    /// Deleting and Failed pods.
    pub ignored: BTreeSet<String>,
}

/// `groupPods`: deleting/Failed pods are ignored, Pending pods are unready, pods without a sample are
/// missing; for CPU, a pod is unready during its initialization period unless it is ready and one
/// metric window was collected since it became ready, and after it if it is not ready and never was.
pub fn group_pods(
    pods: &[PodInfo],
    metrics: &PodMetrics,
    resource: &str,
    config: ReadinessConfig,
    now_ms: i64,
) -> PodGroups {
    let mut g = PodGroups::default();
    for pod in pods {
        if pod.deleting || pod.phase == "Failed" {
            g.ignored.insert(pod.name.clone());
            continue;
        }
        if pod.phase == "Pending" {
            g.unready.insert(pod.name.clone());
            continue;
        }
        let Some(metric) = metrics.get(&pod.name) else {
            g.missing.insert(pod.name.clone());
            continue;
        };
        if resource == "cpu" {
            let unready = match (pod.ready, pod.start_time_ms) {
                (Some(condition), Some(start)) => {
                    if start.saturating_add(config.cpu_initialization_period_ms) > now_ms {
                        condition.status == ConditionStatus::False
                            || metric.timestamp_ms
                                < condition
                                    .last_transition_ms
                                    .saturating_add(metric.window_ms)
                    } else {
                        condition.status == ConditionStatus::False
                            && start.saturating_add(config.delay_of_initial_readiness_ms)
                                > condition.last_transition_ms
                    }
                }
                _ => true,
            };
            if unready {
                g.unready.insert(pod.name.clone());
                continue;
            }
        }
        g.ready_pod_count += 1;
    }
    g
}

/// `calculateRequests`: each pod's request for `resource` (pod-level requests when set and no
/// container is named, otherwise the sum over containers and sidecars, or the named container).
pub fn calculate_requests(
    pods: &[PodInfo],
    container: Option<&str>,
    resource: &str,
) -> Result<BTreeMap<String, i64>, CalcError> {
    let mut out = BTreeMap::new();
    for pod in pods {
        let request = match (&pod.pod_requests, container) {
            (Some(pod_requests), None) => match pod_requests.get(resource) {
                Some(r) => *r,
                None => {
                    return err(format!(
                        "missing pod-level request for {resource} in Pod {}",
                        pod.name
                    ))
                }
            },
            _ => requests_from_containers(pod, container, resource)?,
        };
        out.insert(pod.name.clone(), request);
    }
    Ok(out)
}

fn requests_from_containers(
    pod: &PodInfo,
    container: Option<&str>,
    resource: &str,
) -> Result<i64, CalcError> {
    let mut request = 0i64;
    for c in &pod.containers {
        if container.is_none_or(|name| name == c.name) {
            match c.requests.get(resource) {
                Some(r) => request = request.saturating_add(*r),
                None => {
                    return err(format!(
                        "missing request for {resource} in container {} of Pod {}",
                        c.name, pod.name
                    ))
                }
            }
        }
        if container == Some(c.name.as_str()) {
            return Ok(request);
        }
    }
    match container {
        Some(name) => err(format!("container {name} not found in Pod {}", pod.name)),
        None => Ok(request),
    }
}

/// `GetResourceUtilizationRatio`: (ratio, utilization %, raw average milli-value).
fn resource_utilization_ratio(
    metrics: &PodMetrics,
    requests: &BTreeMap<String, i64>,
    target_utilization: i32,
) -> Result<(f64, i32, i64), CalcError> {
    let mut metrics_total: i128 = 0;
    let mut requests_total: i128 = 0;
    let mut entries: i128 = 0;
    for (pod, metric) in metrics {
        let Some(request) = requests.get(pod) else {
            // Missing requests are checked elsewhere: extraneous metrics.
            continue;
        };
        metrics_total += i128::from(metric.value);
        requests_total += i128::from(*request);
        entries += 1;
    }
    if requests_total == 0 {
        return err("no metrics returned matched known pods");
    }
    let percentage = metrics_total * 100 / requests_total;
    if percentage < i128::from(i32::MIN) || percentage > i128::from(i32::MAX) {
        return err(format!(
            "resource utilization {percentage} is outside the int32 range"
        ));
    }
    let utilization = percentage as i32;
    let raw = saturate_i64(metrics_total / entries);
    Ok((
        f64::from(utilization) / f64::from(target_utilization),
        utilization,
        raw,
    ))
}

/// `GetMetricUsageRatio`: (ratio, average usage).
fn metric_usage_ratio(metrics: &PodMetrics, target_usage: i64) -> (f64, i64) {
    let total: i128 = metrics.values().map(|m| i128::from(m.value)).sum();
    let count = (metrics.len() as i128).max(1);
    let usage = saturate_i64(total / count);
    (usage as f64 / target_usage as f64, usage)
}

fn saturate_i64(v: i128) -> i64 {
    v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

/// `int32(math.Ceil(x))`, saturating (upstream caps replica counts at MaxInt32).
fn ceil_i32(x: f64) -> i32 {
    x.ceil() as i32
}

/// The result of a Resource (Utilization) computation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtilizationReplicas {
    /// The proposed replica count.
    pub replicas: i32,
    /// The average utilization, percent of request.
    pub utilization: i32,
    /// The average raw usage, milli-value.
    pub raw_utilization: i64,
}

/// The result of a plain-value computation (AverageValue, Pods, Object, External).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsageReplicas {
    /// The proposed replica count.
    pub replicas: i32,
    /// The usage reported in status, milli-value.
    pub usage: i64,
}

/// The pods and samples a per-pod computation reads.
#[derive(Debug, Clone, Copy)]
pub struct PodSamples<'a> {
    /// The pods the target's selector matches.
    pub pods: &'a [PodInfo],
    /// Their samples by pod name.
    pub metrics: &'a PodMetrics,
    /// Readiness flags.
    pub config: ReadinessConfig,
    /// The current time, epoch ms.
    pub now_ms: i64,
}

/// `GetResourceReplicas`: a Resource or ContainerResource metric with a Utilization target.
pub fn resource_replicas(
    current_replicas: i32,
    target_utilization: i32,
    resource: &str,
    container: Option<&str>,
    tolerances: Tolerances,
    samples: PodSamples<'_>,
) -> Result<UtilizationReplicas, CalcError> {
    if samples.pods.is_empty() {
        return err("no pods returned by selector while calculating replica count");
    }
    let mut metrics = samples.metrics.clone();
    let groups = group_pods(
        samples.pods,
        &metrics,
        resource,
        samples.config,
        samples.now_ms,
    );
    for name in groups.ignored.iter().chain(&groups.unready) {
        metrics.remove(name);
    }
    if metrics.is_empty() {
        return err("did not receive metrics for targeted pods (pods might be unready)");
    }
    let requests = calculate_requests(samples.pods, container, resource)?;
    let (usage_ratio, utilization, raw_utilization) =
        resource_utilization_ratio(&metrics, &requests, target_utilization)?;
    let result = |replicas| UtilizationReplicas {
        replicas,
        utilization,
        raw_utilization,
    };

    let scale_up_with_unready = !groups.unready.is_empty() && usage_ratio > 1.0;
    if !scale_up_with_unready && groups.missing.is_empty() {
        if tolerances.is_within(usage_ratio) {
            return Ok(result(current_replicas));
        }
        return Ok(result(ceil_i32(
            usage_ratio * groups.ready_pod_count as f64,
        )));
    }

    if !groups.missing.is_empty() {
        if usage_ratio < 1.0 {
            // On a scale-down, missing pods use 100% of their request (or the target when higher).
            let fallback = i64::from(target_utilization.max(100));
            for name in &groups.missing {
                let request = requests.get(name).copied().unwrap_or(0);
                metrics.insert(
                    name.clone(),
                    zero_metric(request.saturating_mul(fallback) / 100),
                );
            }
        } else if usage_ratio > 1.0 {
            for name in &groups.missing {
                metrics.insert(name.clone(), zero_metric(0));
            }
        }
    }
    if scale_up_with_unready {
        for name in &groups.unready {
            metrics.insert(name.clone(), zero_metric(0));
        }
    }
    let (new_usage_ratio, _, _) =
        resource_utilization_ratio(&metrics, &requests, target_utilization)?;
    if tolerances.is_within(new_usage_ratio)
        || (usage_ratio < 1.0 && new_usage_ratio > 1.0)
        || (usage_ratio > 1.0 && new_usage_ratio < 1.0)
    {
        return Ok(result(current_replicas));
    }
    let new_replicas = ceil_i32(new_usage_ratio * metrics.len() as f64);
    if (new_usage_ratio < 1.0 && new_replicas > current_replicas)
        || (new_usage_ratio > 1.0 && new_replicas < current_replicas)
    {
        return Ok(result(current_replicas));
    }
    Ok(result(new_replicas))
}

fn zero_metric(value: i64) -> PodMetric {
    PodMetric {
        value,
        timestamp_ms: 0,
        window_ms: 0,
    }
}

/// `calcPlainMetricReplicas`: a per-pod average target (Resource/ContainerResource AverageValue with
/// `resource` set, Pods metrics with `resource` empty).
pub fn plain_metric_replicas(
    current_replicas: i32,
    target_usage: i64,
    resource: &str,
    tolerances: Tolerances,
    samples: PodSamples<'_>,
) -> Result<UsageReplicas, CalcError> {
    if samples.pods.is_empty() {
        return err("no pods returned by selector while calculating replica count");
    }
    let mut metrics = samples.metrics.clone();
    let groups = group_pods(
        samples.pods,
        &metrics,
        resource,
        samples.config,
        samples.now_ms,
    );
    for name in groups.ignored.iter().chain(&groups.unready) {
        metrics.remove(name);
    }
    if metrics.is_empty() {
        return err("did not receive metrics for targeted pods (pods might be unready)");
    }
    let (usage_ratio, usage) = metric_usage_ratio(&metrics, target_usage);
    let result = |replicas| UsageReplicas { replicas, usage };

    let scale_up_with_unready = !groups.unready.is_empty() && usage_ratio > 1.0;
    if !scale_up_with_unready && groups.missing.is_empty() {
        if tolerances.is_within(usage_ratio) {
            return Ok(result(current_replicas));
        }
        return Ok(result(ceil_i32(
            usage_ratio * groups.ready_pod_count as f64,
        )));
    }
    if !groups.missing.is_empty() {
        if usage_ratio < 1.0 {
            // On a scale-down, missing pods use exactly the target.
            for name in &groups.missing {
                metrics.insert(name.clone(), zero_metric(target_usage));
            }
        } else if usage_ratio > 1.0 {
            for name in &groups.missing {
                metrics.insert(name.clone(), zero_metric(0));
            }
        }
    }
    if scale_up_with_unready {
        for name in &groups.unready {
            metrics.insert(name.clone(), zero_metric(0));
        }
    }
    let (new_usage_ratio, _) = metric_usage_ratio(&metrics, target_usage);
    if tolerances.is_within(new_usage_ratio)
        || (usage_ratio < 1.0 && new_usage_ratio > 1.0)
        || (usage_ratio > 1.0 && new_usage_ratio < 1.0)
    {
        return Ok(result(current_replicas));
    }
    let new_replicas = ceil_i32(new_usage_ratio * metrics.len() as f64);
    if (new_usage_ratio < 1.0 && new_replicas > current_replicas)
        || (new_usage_ratio > 1.0 && new_replicas < current_replicas)
    {
        return Ok(result(current_replicas));
    }
    Ok(result(new_replicas))
}

/// `getReadyPodsCount`: Running pods whose Ready condition is True.
pub fn ready_pods_count(pods: &[PodInfo]) -> Result<i64, CalcError> {
    if pods.is_empty() {
        return err("no pods returned by selector while calculating replica count");
    }
    Ok(pods.iter().filter(|p| p.is_running_and_ready()).count() as i64)
}

/// `getUsageRatioReplicaCount`: from zero replicas, `ceil(ratio)` (scale to/from zero); otherwise
/// `ceil(ratio x ready pods)` outside the tolerance.
fn usage_ratio_replica_count(
    current_replicas: i32,
    usage_ratio: f64,
    tolerances: Tolerances,
    pods: &[PodInfo],
) -> Result<i32, CalcError> {
    if current_replicas == 0 {
        return Ok(ceil_i32(usage_ratio));
    }
    if tolerances.is_within(usage_ratio) {
        return Ok(current_replicas);
    }
    let ready = ready_pods_count(pods)
        .map_err(|e| CalcError(format!("unable to calculate ready pods: {e}")))?;
    Ok(ceil_i32(usage_ratio * ready as f64))
}

/// `GetObjectMetricReplicas`: an Object metric with a Value target.
pub fn object_metric_replicas(
    current_replicas: i32,
    target_usage: i64,
    usage: i64,
    tolerances: Tolerances,
    pods: &[PodInfo],
) -> Result<UsageReplicas, CalcError> {
    let ratio = usage as f64 / target_usage as f64;
    let replicas = usage_ratio_replica_count(current_replicas, ratio, tolerances, pods)?;
    Ok(UsageReplicas { replicas, usage })
}

/// `GetObjectPerPodMetricReplicas`: an Object metric with an AverageValue target,
/// `ceil(value / target)` outside the tolerance.
pub fn object_per_pod_metric_replicas(
    status_replicas: i32,
    target_average_usage: i64,
    usage: i64,
    tolerances: Tolerances,
) -> UsageReplicas {
    per_pod_replicas(status_replicas, target_average_usage, usage, tolerances)
}

fn per_pod_replicas(
    status_replicas: i32,
    target_per_pod: i64,
    usage: i64,
    tolerances: Tolerances,
) -> UsageReplicas {
    let mut replicas = status_replicas;
    let ratio = usage as f64 / (target_per_pod as f64 * f64::from(status_replicas));
    if !tolerances.is_within(ratio) {
        replicas = ceil_i32(usage as f64 / target_per_pod as f64);
    }
    let average = if usage as f64 >= i64::MAX as f64 {
        i64::MAX
    } else {
        (usage as f64 / f64::from(status_replicas)).ceil() as i64
    };
    UsageReplicas {
        replicas,
        usage: average,
    }
}

fn sum_samples(samples: &[i64]) -> i64 {
    samples.iter().fold(0i64, |acc, v| acc.saturating_add(*v))
}

/// `GetExternalMetricReplicas`: an External metric with a Value target; the samples are summed.
pub fn external_metric_replicas(
    current_replicas: i32,
    target_usage: i64,
    samples: &[i64],
    tolerances: Tolerances,
    pods: &[PodInfo],
) -> Result<UsageReplicas, CalcError> {
    let usage = sum_samples(samples);
    let ratio = usage as f64 / target_usage as f64;
    let replicas = usage_ratio_replica_count(current_replicas, ratio, tolerances, pods)?;
    Ok(UsageReplicas { replicas, usage })
}

/// `GetExternalPerPodMetricReplicas`: an External metric with an AverageValue target,
/// `ceil(sum / target)` outside the tolerance (20 messages at 5 per pod: 4).
pub fn external_per_pod_metric_replicas(
    status_replicas: i32,
    target_per_pod: i64,
    samples: &[i64],
    tolerances: Tolerances,
) -> UsageReplicas {
    per_pod_replicas(
        status_replicas,
        target_per_pod,
        sum_samples(samples),
        tolerances,
    )
}

#[cfg(test)]
mod tests {
    //! Vectors from upstream's `replica_calculator_test.go` (kubernetes/kubernetes): every pod has
    //! two containers with the same request, samples are one minute wide and stamped at time
    //! zero, and the tests run with a 2 min CPU initialization period and a 10 s readiness delay
    //! (`defaultTestingCPUInitializationPeriod`, `defaultTestingDelayOfInitialReadinessStatus`).
    use super::*;

    const NOW: i64 = 1_767_225_600_000;
    const TESTING: ReadinessConfig = ReadinessConfig {
        cpu_initialization_period_ms: 120_000,
        delay_of_initial_readiness_ms: 10_000,
    };
    /// `hotCPUCreationTime()` and `coolCPUCreationTime()`.
    const HOT: i64 = NOW;
    const COOL: i64 = NOW - 180_000;

    #[derive(Default)]
    struct Fixture {
        current: i32,
        /// Per-container request of each pod, milli.
        requests: Vec<i64>,
        /// Per-container usage of each pod that reports metrics.
        levels: Vec<Vec<i64>>,
        readiness: Vec<ConditionStatus>,
        start: Vec<i64>,
        phase: Vec<&'static str>,
        deleting: Vec<bool>,
        container: Option<&'static str>,
        pod_names: Vec<&'static str>,
    }

    fn same(levels: &[i64]) -> Vec<Vec<i64>> {
        levels.iter().map(|l| vec![*l, *l]).collect()
    }

    fn cpu(n: usize, milli: i64) -> Vec<i64> {
        vec![milli; n]
    }

    impl Fixture {
        fn pods(&self) -> Vec<PodInfo> {
            let n = (self.current as usize).max(self.phase.len());
            (0..n)
                .map(|i| {
                    let containers = ["container1", "container2"]
                        .iter()
                        .map(|c| ContainerRequests {
                            name: c.to_string(),
                            requests: self
                                .requests
                                .get(i)
                                .map(|r| BTreeMap::from([("cpu".to_string(), *r)]))
                                .unwrap_or_default(),
                        })
                        .collect();
                    PodInfo {
                        name: format!("test-pod-{i}"),
                        phase: self.phase.get(i).copied().unwrap_or("Running").to_string(),
                        deleting: self.deleting.get(i).copied().unwrap_or(false),
                        ready: Some(ReadyCondition {
                            status: self
                                .readiness
                                .get(i)
                                .copied()
                                .unwrap_or(ConditionStatus::True),
                            last_transition_ms: 0,
                        }),
                        start_time_ms: Some(self.start.get(i).copied().unwrap_or(0)),
                        containers,
                        pod_requests: None,
                    }
                })
                .collect()
        }

        fn metrics(&self) -> PodMetrics {
            let mut out = PodMetrics::new();
            for (i, levels) in self.levels.iter().enumerate() {
                let name = self
                    .pod_names
                    .get(i)
                    .map(|n| n.to_string())
                    .unwrap_or(format!("test-pod-{i}"));
                let value = match self.container {
                    Some("container1") => levels.first().copied(),
                    Some(_) => levels.get(1).copied(),
                    // A pod whose containers do not all report the resource is left out.
                    None if levels.len() < 2 => None,
                    None => Some(levels.iter().sum()),
                };
                if let Some(value) = value {
                    out.insert(
                        name,
                        PodMetric {
                            value,
                            timestamp_ms: 0,
                            window_ms: 60_000,
                        },
                    );
                }
            }
            out
        }

        fn resource(
            &self,
            target: i32,
            tolerances: Tolerances,
        ) -> Result<UtilizationReplicas, CalcError> {
            let pods = self.pods();
            let metrics = self.metrics();
            resource_replicas(
                self.current,
                target,
                "cpu",
                self.container,
                tolerances,
                PodSamples {
                    pods: &pods,
                    metrics: &metrics,
                    config: TESTING,
                    now_ms: NOW,
                },
            )
        }

        fn pods_metric(
            &self,
            values: &[i64],
            target: i64,
            tolerances: Tolerances,
        ) -> UsageReplicas {
            let pods = self.pods();
            let metrics: PodMetrics = values
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    (
                        format!("test-pod-{i}"),
                        PodMetric {
                            value: *v,
                            timestamp_ms: 0,
                            window_ms: 60_000,
                        },
                    )
                })
                .collect();
            plain_metric_replicas(
                self.current,
                target,
                "",
                tolerances,
                PodSamples {
                    pods: &pods,
                    metrics: &metrics,
                    config: TESTING,
                    now_ms: NOW,
                },
            )
            .expect("computes")
        }
    }

    use ConditionStatus::{False as F, True as T};

    #[test]
    fn resource_scale_cases_from_test_replica_calc_resource_scale() {
        // (name, fixture, target, replicas, utilization, raw)
        let cases: Vec<(&str, Fixture, i32, i32, i32, i64)> = vec![
            (
                "scale up",
                Fixture {
                    current: 3,
                    requests: cpu(3, 1000),
                    levels: same(&[300, 500, 700]),
                    ..Default::default()
                },
                30,
                5,
                50,
                1000,
            ),
            (
                "scale up: container metric",
                Fixture {
                    current: 3,
                    requests: cpu(3, 1000),
                    levels: vec![vec![1000, 300], vec![1000, 500], vec![1000, 700]],
                    container: Some("container2"),
                    ..Default::default()
                },
                30,
                5,
                50,
                500,
            ),
            (
                "scale up: unready pod scales less",
                Fixture {
                    current: 3,
                    requests: cpu(3, 1000),
                    levels: same(&[300, 500, 700]),
                    readiness: vec![F, T, T],
                    ..Default::default()
                },
                30,
                4,
                60,
                1200,
            ),
            (
                "scale up: hot-CPU container scales less",
                Fixture {
                    current: 3,
                    requests: cpu(3, 1000),
                    levels: vec![vec![0, 300], vec![0, 500], vec![0, 700]],
                    start: vec![HOT, COOL, COOL],
                    container: Some("container2"),
                    ..Default::default()
                },
                30,
                4,
                60,
                600,
            ),
            (
                "scale up: hot-CPU pod scales less",
                Fixture {
                    current: 3,
                    requests: cpu(3, 1000),
                    levels: same(&[300, 500, 700]),
                    start: vec![HOT, COOL, COOL],
                    ..Default::default()
                },
                30,
                4,
                60,
                1200,
            ),
            (
                "no scale: unready pods ignored",
                Fixture {
                    current: 3,
                    requests: cpu(3, 1000),
                    levels: same(&[400, 500, 700]),
                    readiness: vec![T, F, F],
                    ..Default::default()
                },
                30,
                3,
                40,
                800,
            ),
            (
                "no scale: hot-CPU pods ignored",
                Fixture {
                    current: 3,
                    requests: cpu(3, 1000),
                    levels: same(&[400, 500, 700]),
                    readiness: vec![T, F, F],
                    start: vec![COOL, HOT, HOT],
                    ..Default::default()
                },
                30,
                3,
                40,
                800,
            ),
            (
                "scale up: failed pods ignored",
                Fixture {
                    current: 2,
                    requests: cpu(4, 1000),
                    levels: same(&[500, 700]),
                    readiness: vec![T, T, F, F],
                    phase: vec!["Running", "Running", "Failed", "Failed"],
                    ..Default::default()
                },
                30,
                4,
                60,
                1200,
            ),
            (
                "scale up: pods being deleted are ignored",
                Fixture {
                    current: 2,
                    requests: cpu(4, 1000),
                    levels: same(&[500, 700]),
                    readiness: vec![T, T, F, F],
                    phase: vec!["Running"; 4],
                    deleting: vec![false, false, true, true],
                    ..Default::default()
                },
                30,
                4,
                60,
                1200,
            ),
            (
                "scale down",
                Fixture {
                    current: 5,
                    requests: cpu(5, 1000),
                    levels: same(&[100, 300, 500, 250, 250]),
                    ..Default::default()
                },
                50,
                3,
                28,
                560,
            ),
            (
                "scale down: container metric",
                Fixture {
                    current: 5,
                    requests: cpu(5, 1000),
                    levels: vec![
                        vec![1000, 100],
                        vec![1000, 300],
                        vec![1000, 500],
                        vec![1000, 250],
                        vec![1000, 250],
                    ],
                    container: Some("container2"),
                    ..Default::default()
                },
                50,
                3,
                28,
                280,
            ),
            (
                "scale down: exclude unready pods",
                Fixture {
                    current: 5,
                    requests: cpu(5, 1000),
                    levels: same(&[100, 300, 500, 250, 250]),
                    readiness: vec![T, T, T, F, F],
                    ..Default::default()
                },
                50,
                2,
                30,
                600,
            ),
            (
                "scale down: exclude unscheduled pods",
                Fixture {
                    current: 5,
                    requests: cpu(5, 1000),
                    levels: same(&[100]),
                    readiness: vec![T, F, F, F, F],
                    phase: vec!["Running", "Pending", "Pending", "Pending", "Pending"],
                    ..Default::default()
                },
                50,
                1,
                10,
                200,
            ),
            (
                "scale down: ignore hot-CPU pods",
                Fixture {
                    current: 5,
                    requests: cpu(5, 1000),
                    levels: same(&[100, 300, 500, 250, 250]),
                    start: vec![COOL, COOL, COOL, HOT, HOT],
                    ..Default::default()
                },
                50,
                2,
                30,
                600,
            ),
            (
                "scale down: failed pods ignored",
                Fixture {
                    current: 5,
                    requests: cpu(7, 1000),
                    levels: same(&[100, 300, 500, 250, 250]),
                    readiness: vec![T, T, T, T, T, F, F],
                    phase: vec![
                        "Running", "Running", "Running", "Running", "Running", "Failed", "Failed",
                    ],
                    ..Default::default()
                },
                50,
                3,
                28,
                560,
            ),
            (
                "scale down: still-running pods being deleted are ignored",
                Fixture {
                    current: 5,
                    requests: cpu(7, 1000),
                    levels: vec![
                        vec![1000, 100],
                        vec![1000, 300],
                        vec![1000, 500],
                        vec![1000, 250],
                        vec![1000, 250],
                    ],
                    readiness: vec![T, T, T, T, T, F, F],
                    phase: vec!["Running"; 7],
                    deleting: vec![false, false, false, false, false, true, true],
                    container: Some("container2"),
                    ..Default::default()
                },
                50,
                3,
                28,
                280,
            ),
        ];
        for (name, f, target, replicas, utilization, raw) in cases {
            let r = f
                .resource(target, Tolerances::default())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(
                (r.replicas, r.utilization, r.raw_utilization),
                (replicas, utilization, raw),
                "{name}"
            );
        }
    }

    #[test]
    fn tolerance_missing_and_superfluous_metrics() {
        let t = Tolerances::default();
        // TestReplicaCalcTolerance: 102% of a 100% target stays at 3.
        let f = Fixture {
            current: 3,
            requests: vec![900, 1000, 1100],
            levels: same(&[1010, 1030, 1020]),
            ..Default::default()
        };
        assert_eq!(
            f.resource(100, t).unwrap(),
            UtilizationReplicas {
                replicas: 3,
                utilization: 102,
                raw_utilization: 2040
            }
        );
        // TestReplicaCalcSuperfluousMetrics: samples for unknown pods count in the average only.
        let f = Fixture {
            current: 4,
            requests: cpu(4, 1000),
            levels: same(&[4000, 9500, 3000, 7000, 3200, 2000]),
            ..Default::default()
        };
        assert_eq!(
            f.resource(100, t).unwrap(),
            UtilizationReplicas {
                replicas: 24,
                utilization: 587,
                raw_utilization: 11750
            }
        );
        // TestReplicaCalcMissingMetrics: on a scale-down missing pods count as 100% of request.
        let f = Fixture {
            current: 4,
            requests: cpu(4, 1000),
            levels: same(&[400, 95]),
            ..Default::default()
        };
        assert_eq!(
            f.resource(100, t).unwrap(),
            UtilizationReplicas {
                replicas: 3,
                utilization: 24,
                raw_utilization: 495
            }
        );
        // MissingMetricsNoChange{Eq,Gt,Lt}: the recomputed ratio stays in tolerance or flips.
        for (level, util) in [(1000, 100), (1900, 190), (600, 60)] {
            let f = Fixture {
                current: 2,
                requests: cpu(2, 1000),
                levels: same(&[level]),
                ..Default::default()
            };
            assert_eq!(f.resource(100, t).unwrap().replicas, 2, "level {level}");
            assert_eq!(f.resource(100, t).unwrap().utilization, util);
        }
        // MissingMetricsUnreadyChange / HotCpuNoChange: unready pods do not count on a scale-down.
        let f = Fixture {
            current: 3,
            requests: cpu(3, 1000),
            levels: same(&[100, 450]),
            readiness: vec![F, T, T],
            ..Default::default()
        };
        assert_eq!(f.resource(50, t).unwrap().replicas, 3);
        let f = Fixture {
            current: 3,
            requests: cpu(3, 1000),
            levels: same(&[100, 450]),
            start: vec![HOT, COOL, COOL],
            ..Default::default()
        };
        assert_eq!(f.resource(50, t).unwrap().replicas, 3);
        // MissingMetricsUnreadyScaleUp / HotCpuScaleUp: unready and missing pods count as 0.
        let f = Fixture {
            current: 3,
            requests: cpu(3, 1000),
            levels: same(&[100, 2000]),
            readiness: vec![F, T, T],
            ..Default::default()
        };
        assert_eq!(
            f.resource(50, t).unwrap(),
            UtilizationReplicas {
                replicas: 4,
                utilization: 200,
                raw_utilization: 4000
            }
        );
        let f = Fixture {
            current: 3,
            requests: cpu(3, 1000),
            levels: same(&[100, 2000]),
            readiness: vec![F, T, T],
            start: vec![HOT, COOL, COOL],
            ..Default::default()
        };
        assert_eq!(f.resource(50, t).unwrap().replicas, 4);
        // MissingMetricsUnreadyScaleDown.
        let f = Fixture {
            current: 4,
            requests: cpu(4, 1000),
            levels: same(&[100, 100, 100]),
            readiness: vec![F, T, T, T],
            ..Default::default()
        };
        assert_eq!(
            f.resource(50, t).unwrap(),
            UtilizationReplicas {
                replicas: 3,
                utilization: 10,
                raw_utilization: 200
            }
        );
        // MissingMetricsScaleDownTargetOver100: missing pods count as the target when above 100%.
        let f = Fixture {
            current: 4,
            requests: vec![1000, 1000, 2000, 2000],
            levels: same(&[200, 100, 100]),
            readiness: vec![F, T, T, T],
            ..Default::default()
        };
        assert_eq!(
            f.resource(300, t).unwrap(),
            UtilizationReplicas {
                replicas: 2,
                utilization: 6,
                raw_utilization: 200
            }
        );
        // DuringRollingUpdateWithMaxSurge: a surge pod without metrics does not change a scale-down.
        let f = Fixture {
            current: 2,
            requests: cpu(3, 1000),
            levels: same(&[100, 100]),
            phase: vec!["Running"; 3],
            ..Default::default()
        };
        assert_eq!(f.resource(50, t).unwrap().replicas, 2);
    }

    #[test]
    fn configurable_tolerances() {
        // TestReplicaCalcConfigurableTolerance.
        let req = vec![900, 1000, 1100];
        let cases = [
            (
                Tolerances {
                    scale_down: 0.0,
                    scale_up: 0.0,
                },
                [909, 1010, 1111],
                4,
                101,
            ),
            (
                Tolerances {
                    scale_down: 0.1,
                    scale_up: 2.0,
                },
                [1890, 1910, 1900],
                3,
                190,
            ),
            (
                Tolerances {
                    scale_down: 2.0,
                    scale_up: 0.08,
                },
                [1100, 1080, 1090],
                4,
                109,
            ),
            (
                Tolerances {
                    scale_down: 0.36,
                    scale_up: 0.1,
                },
                [660, 640, 650],
                3,
                65,
            ),
            (
                Tolerances {
                    scale_down: 0.34,
                    scale_up: 0.1,
                },
                [660, 640, 650],
                2,
                65,
            ),
        ];
        for (tol, levels, replicas, util) in cases {
            let f = Fixture {
                current: 3,
                requests: req.clone(),
                levels: same(&levels),
                ..Default::default()
            };
            let r = f.resource(100, tol).unwrap();
            assert_eq!((r.replicas, r.utilization), (replicas, util), "{tol:?}");
        }
        // TestReplicaCalcConfigurableToleranceCM: 1% up-tolerance scales a 3.3% excess.
        let f = Fixture {
            current: 3,
            ..Default::default()
        };
        let up1 = Tolerances {
            scale_down: 0.1,
            scale_up: 0.01,
        };
        assert_eq!(
            f.pods_metric(&[20000, 21000, 21000], 20000, up1),
            UsageReplicas {
                replicas: 4,
                usage: 20666
            }
        );
    }

    #[test]
    fn errors_use_upstream_text() {
        // TestReplicaCalcDisjointResourcesMetrics.
        let f = Fixture {
            current: 1,
            requests: cpu(1, 1000),
            levels: same(&[100]),
            pod_names: vec!["an-older-pod-name"],
            ..Default::default()
        };
        // The only sample belongs to no known pod.
        assert_eq!(
            f.resource(100, Tolerances::default()).unwrap_err().0,
            "no metrics returned matched known pods"
        );
        // TestReplicaCalcEmptyCPURequest.
        let f = Fixture {
            current: 1,
            requests: vec![],
            levels: same(&[200]),
            ..Default::default()
        };
        let e = f.resource(100, Tolerances::default()).unwrap_err().0;
        assert!(e.starts_with("missing request for"), "{e}");
        assert_eq!(
            e,
            "missing request for cpu in container container1 of Pod test-pod-0"
        );
        // TestCalculatePodRequestsFromContainers_NonExistentContainer.
        let pod = PodInfo {
            name: "test-pod".into(),
            containers: vec![ContainerRequests {
                name: "container1".into(),
                requests: BTreeMap::from([("cpu".into(), 100)]),
            }],
            ..Default::default()
        };
        assert_eq!(
            calculate_requests(&[pod], Some("non-existent-container"), "cpu")
                .unwrap_err()
                .0,
            "container non-existent-container not found in Pod test-pod"
        );
        // No pods.
        let f = Fixture {
            current: 0,
            ..Default::default()
        };
        assert_eq!(
            f.resource(50, Tolerances::default()).unwrap_err().0,
            "no pods returned by selector while calculating replica count"
        );
    }

    #[test]
    fn pods_metrics_from_custom_metric_cases() {
        let t = Tolerances::default();
        // TestReplicaCalcScaleUpCM, ScaleDownCM, ToleranceCM.
        let f = Fixture {
            current: 3,
            ..Default::default()
        };
        assert_eq!(
            f.pods_metric(&[20000, 10000, 30000], 15000, t),
            UsageReplicas {
                replicas: 4,
                usage: 20000
            }
        );
        assert_eq!(
            f.pods_metric(&[20000, 21000, 21000], 20000, t),
            UsageReplicas {
                replicas: 3,
                usage: 20666
            }
        );
        let f = Fixture {
            current: 5,
            ..Default::default()
        };
        assert_eq!(
            f.pods_metric(&[12000; 5], 20000, t),
            UsageReplicas {
                replicas: 3,
                usage: 12000
            }
        );
        // Readiness is only checked for CPU: an unready, hot pod still counts (ScaleUpCMUnreadyHotCpuNoLessScale).
        let f = Fixture {
            current: 3,
            readiness: vec![T, T, F],
            start: vec![COOL, COOL, HOT],
            ..Default::default()
        };
        assert_eq!(
            f.pods_metric(&[50000, 10000, 30000], 15000, t),
            UsageReplicas {
                replicas: 6,
                usage: 30000
            }
        );
        let f = Fixture {
            current: 3,
            readiness: vec![F, T, F],
            start: vec![HOT, COOL, HOT],
            ..Default::default()
        };
        assert_eq!(
            f.pods_metric(&[50000, 15000, 30000], 15000, t),
            UsageReplicas {
                replicas: 7,
                usage: 31666
            }
        );
        // PlainMetricReplicaCalcMissingMetricsNoChangeEq: missing pods count as the target on a scale-down.
        let f = Fixture {
            current: 5,
            ..Default::default()
        };
        assert_eq!(
            f.pods_metric(&[20000, 19000, 21000], 20000, t),
            UsageReplicas {
                replicas: 5,
                usage: 20000
            }
        );
        // DuringRollingUpdateWithMaxSurgeCM.
        let f = Fixture {
            current: 2,
            phase: vec!["Running"; 3],
            ..Default::default()
        };
        assert_eq!(
            f.pods_metric(&[10000, 10000], 17000, t),
            UsageReplicas {
                replicas: 2,
                usage: 10000
            }
        );
    }

    #[test]
    fn object_and_external_metrics() {
        let t = Tolerances::default();
        let f = Fixture {
            current: 3,
            ..Default::default()
        };
        let pods = f.pods();
        // TestReplicaCalcScaleUpCMObject / ScaleDownCMObject / ToleranceCMObject.
        assert_eq!(
            object_metric_replicas(3, 15000, 20000, t, &pods).unwrap(),
            UsageReplicas {
                replicas: 4,
                usage: 20000
            }
        );
        assert_eq!(
            object_metric_replicas(3, 20000, 20666, t, &pods)
                .unwrap()
                .replicas,
            3
        );
        let five = Fixture {
            current: 5,
            ..Default::default()
        }
        .pods();
        assert_eq!(
            object_metric_replicas(5, 20000, 12000, t, &five)
                .unwrap()
                .replicas,
            3
        );
        // ScaleUpCMObjectIgnoresUnreadyPods: ceil(50000/10000 x 1 ready pod) = 5, not 15.
        let unready = Fixture {
            current: 3,
            readiness: vec![F, T, F],
            ..Default::default()
        }
        .pods();
        assert_eq!(
            object_metric_replicas(3, 10000, 50000, t, &unready)
                .unwrap()
                .replicas,
            5
        );
        // ScaleUpCMExternalIgnoresUnreadyPods: ceil(8600/4400 x 1) = 2.
        assert_eq!(
            external_metric_replicas(3, 4400, &[8600], t, &unready).unwrap(),
            UsageReplicas {
                replicas: 2,
                usage: 8600
            }
        );
        // ScaleDownCMExternal / ToleranceCMExternal.
        assert_eq!(
            external_metric_replicas(5, 14334, &[8600], t, &five)
                .unwrap()
                .replicas,
            3
        );
        assert_eq!(
            external_metric_replicas(3, 8888, &[8600], t, &pods)
                .unwrap()
                .replicas,
            3
        );
        // Per-pod targets: ScaleUpCMPerPodObject, ScaleDownPerPodCMObject, TolerancePerPodCMObject.
        assert_eq!(
            object_per_pod_metric_replicas(3, 5000, 20000, t),
            UsageReplicas {
                replicas: 4,
                usage: 6667
            }
        );
        assert_eq!(
            object_per_pod_metric_replicas(5, 2000, 6000, t),
            UsageReplicas {
                replicas: 3,
                usage: 1200
            }
        );
        assert_eq!(
            object_per_pod_metric_replicas(4, 5000, 20166, t),
            UsageReplicas {
                replicas: 4,
                usage: 5042
            }
        );
        // ScaleUpPerPodCMExternal, ScaleDownPerPodCMExternal, TolerancePerPodCMExternal.
        assert_eq!(
            external_per_pod_metric_replicas(3, 2150, &[8600], t),
            UsageReplicas {
                replicas: 4,
                usage: 2867
            }
        );
        assert_eq!(
            external_per_pod_metric_replicas(5, 2867, &[8600], t),
            UsageReplicas {
                replicas: 3,
                usage: 1720
            }
        );
        assert_eq!(
            external_per_pod_metric_replicas(3, 2900, &[8600], t),
            UsageReplicas {
                replicas: 3,
                usage: 2867
            }
        );
        // Configurable tolerance (1% up): PerPodCMObject 20208/5000 on 4 -> 5, CMExternal 8900/8800 -> 4.
        let up1 = Tolerances {
            scale_down: 0.1,
            scale_up: 0.01,
        };
        assert_eq!(
            object_per_pod_metric_replicas(4, 5000, 20208, up1),
            UsageReplicas {
                replicas: 5,
                usage: 5052
            }
        );
        assert_eq!(
            external_metric_replicas(3, 8800, &[8900], up1, &pods)
                .unwrap()
                .replicas,
            4
        );
        assert_eq!(
            external_per_pod_metric_replicas(3, 2800, &[8600], up1).replicas,
            4
        );
        // Overflows: TestReplicaCalcScaleUpOverflow, TestExternalPerPodMetricReplicaOverflow,
        // TestExternalPerPodMetricUsageOverflow, TestReplicaCalcExternalMetricUsageOverflow.
        assert_eq!(
            object_metric_replicas(3, 1, i64::MAX, t, &pods).unwrap(),
            UsageReplicas {
                replicas: i32::MAX,
                usage: i64::MAX
            }
        );
        assert_eq!(
            external_per_pod_metric_replicas(1, 1, &[i64::MAX], t),
            UsageReplicas {
                replicas: i32::MAX,
                usage: i64::MAX
            }
        );
        assert_eq!(
            external_per_pod_metric_replicas(1, i64::MAX, &[i64::MAX], t),
            UsageReplicas {
                replicas: 1,
                usage: i64::MAX
            }
        );
        let half = i64::MAX / 2 + 1;
        assert_eq!(
            external_metric_replicas(3, i64::MAX, &[half, half], t, &pods).unwrap(),
            UsageReplicas {
                replicas: 3,
                usage: i64::MAX
            }
        );
        // From zero replicas the ratio alone decides (scale from/to zero).
        assert_eq!(
            external_metric_replicas(0, 5000, &[20000], t, &[])
                .unwrap()
                .replicas,
            4
        );
        assert_eq!(
            external_metric_replicas(0, 5000, &[0], t, &[])
                .unwrap()
                .replicas,
            0
        );
    }

    #[test]
    fn reference_vectors() {
        let t = Tolerances::default();
        // reference §4 / §6: 50 replicas at 90% of a 75% target -> 60; a ratio of 1.05 -> unchanged.
        let f = Fixture {
            current: 50,
            requests: cpu(50, 500),
            levels: same(&[450; 50]),
            start: vec![COOL; 50],
            ..Default::default()
        };
        assert_eq!(f.resource(75, t).unwrap().replicas, 60);
        let f = Fixture {
            current: 50,
            requests: cpu(50, 500),
            levels: same(&[525; 50]),
            ..Default::default()
        };
        assert_eq!(
            f.resource(100, t).unwrap(),
            UtilizationReplicas {
                replicas: 50,
                utilization: 105,
                raw_utilization: 1050
            }
        );
        // 20 messages at 5 per pod -> 4, whatever the current count.
        for status in [1, 4, 9] {
            assert_eq!(
                external_per_pod_metric_replicas(status, 5000, &[20000], t).replicas,
                4
            );
        }
    }

    #[test]
    fn group_pods_cases_from_test_group_pods() {
        let metric = |ts: i64, window: i64| PodMetric {
            value: 1,
            timestamp_ms: ts,
            window_ms: window,
        };
        let pod = |name: &str,
                   phase: &str,
                   start: Option<i64>,
                   ready: Option<(ConditionStatus, i64)>| PodInfo {
            name: name.into(),
            phase: phase.into(),
            start_time_ms: start,
            ready: ready.map(|(status, at)| ReadyCondition {
                status,
                last_transition_ms: at,
            }),
            ..Default::default()
        };
        let m = |name: &str, pm: PodMetric| PodMetrics::from([(name.to_string(), pm)]);
        let min = 60_000;
        #[allow(clippy::type_complexity)]
        let cases: Vec<(
            &str,
            PodInfo,
            PodMetrics,
            &str,
            (usize, usize, usize, usize),
        )> = vec![
            (
                "count in a ready pod - memory",
                pod("bentham", "Succeeded", None, None),
                m("bentham", metric(NOW, min)),
                "memory",
                (1, 0, 0, 0),
            ),
            (
                "unready a pod without ready condition - CPU",
                pod("lucretius", "Succeeded", Some(NOW), None),
                m("lucretius", metric(0, 0)),
                "cpu",
                (0, 1, 0, 0),
            ),
            (
                "count in a ready pod with fresh metrics during initialization period - CPU",
                pod(
                    "bentham",
                    "Succeeded",
                    Some(NOW - min),
                    Some((T, NOW - 30_000)),
                ),
                m("bentham", metric(NOW, 30_000)),
                "cpu",
                (1, 0, 0, 0),
            ),
            (
                "unready a ready pod without fresh metrics during initialization period - CPU",
                pod(
                    "bentham",
                    "Succeeded",
                    Some(NOW - min),
                    Some((T, NOW - 30_000)),
                ),
                m("bentham", metric(NOW, min)),
                "cpu",
                (0, 1, 0, 0),
            ),
            (
                "unready an unready pod during initialization period - CPU",
                pod(
                    "lucretius",
                    "Succeeded",
                    Some(NOW - 10 * min),
                    Some((F, NOW - 9 * min - 54_000)),
                ),
                m("lucretius", metric(0, 0)),
                "cpu",
                (0, 1, 0, 0),
            ),
            (
                "count in a ready pod without fresh metrics after initialization period - CPU",
                pod(
                    "bentham",
                    "Succeeded",
                    Some(NOW - 3 * min),
                    Some((T, NOW - 3 * min)),
                ),
                m("bentham", metric(NOW - 2 * min, min)),
                "cpu",
                (1, 0, 0, 0),
            ),
            (
                "count in an unready pod that was ready after initialization period - CPU",
                pod(
                    "lucretius",
                    "Succeeded",
                    Some(NOW - 10 * min),
                    Some((F, NOW - 9 * min)),
                ),
                m("lucretius", metric(0, 0)),
                "cpu",
                (1, 0, 0, 0),
            ),
            (
                "unready pod that has never been ready after initialization period - CPU",
                pod(
                    "lucretius",
                    "Succeeded",
                    Some(NOW - 10 * min),
                    Some((F, NOW - 9 * min - 50_000)),
                ),
                m("lucretius", metric(0, 0)),
                "cpu",
                (1, 0, 0, 0),
            ),
            (
                "a missing pod",
                pod("epicurus", "Succeeded", Some(NOW - 3 * min), None),
                PodMetrics::new(),
                "cpu",
                (0, 0, 1, 0),
            ),
            (
                "pending pods are unreadied",
                pod("unscheduled", "Pending", None, None),
                PodMetrics::new(),
                "cpu",
                (0, 1, 0, 0),
            ),
            (
                "ignore pods in a failed state",
                pod("failed", "Failed", None, None),
                m("failed", metric(0, 0)),
                "cpu",
                (0, 0, 0, 1),
            ),
        ];
        for (name, p, metrics, resource, (ready, unready, missing, ignored)) in cases {
            let g = group_pods(&[p], &metrics, resource, TESTING, NOW);
            assert_eq!(
                (
                    g.ready_pod_count,
                    g.unready.len(),
                    g.missing.len(),
                    g.ignored.len()
                ),
                (ready, unready, missing, ignored),
                "{name}"
            );
        }
        // "ignore pods with deletion timestamps" (checked before the Pending phase).
        let mut deleted = pod("deleted", "Pending", None, None);
        deleted.deleting = true;
        let g = group_pods(&[deleted], &m("deleted", metric(0, 0)), "cpu", TESTING, NOW);
        assert_eq!(g.ignored.len(), 1);
    }

    #[test]
    fn requests_follow_calculate_requests() {
        let c = |name: &str, cpu: Option<i64>| ContainerRequests {
            name: name.into(),
            requests: cpu
                .map(|v| BTreeMap::from([("cpu".into(), v)]))
                .unwrap_or_default(),
        };
        // TestCalculateRequests: sum, pod-level override, named container, sidecars.
        let mut pod = PodInfo {
            name: "test-pod".into(),
            containers: vec![c("container1", Some(100)), c("container2", Some(50))],
            ..Default::default()
        };
        assert_eq!(
            calculate_requests(std::slice::from_ref(&pod), None, "cpu").unwrap()["test-pod"],
            150
        );
        assert_eq!(
            calculate_requests(std::slice::from_ref(&pod), Some("container1"), "cpu").unwrap()
                ["test-pod"],
            100
        );
        pod.pod_requests = Some(BTreeMap::from([("cpu".into(), 800)]));
        assert_eq!(
            calculate_requests(std::slice::from_ref(&pod), None, "cpu").unwrap()["test-pod"],
            800
        );
        assert_eq!(
            calculate_requests(std::slice::from_ref(&pod), Some("container1"), "cpu").unwrap()
                ["test-pod"],
            100
        );
        // A container without a request fails unless pod-level requests are set.
        let pod = PodInfo {
            name: "test-pod".into(),
            containers: vec![c("container1", None), c("container2", Some(50))],
            ..Default::default()
        };
        assert_eq!(
            calculate_requests(&[pod], None, "cpu").unwrap_err().0,
            "missing request for cpu in container container1 of Pod test-pod"
        );
        // Sidecars (restartPolicy: Always init containers) are read from the manifest.
        let manifest: Value = serde_json::from_str(r#"{"metadata":{"name":"test-pod"},"spec":{
            "containers":[{"name":"container1","resources":{"requests":{"cpu":"100m"}}}],
            "initContainers":[{"name":"init-container1","resources":{"requests":{"cpu":"20m"}}},
                              {"name":"restartable-container1","restartPolicy":"Always","resources":{"requests":{"cpu":"50m"}}}]},
            "status":{"phase":"Running","startTime":"2026-01-01T00:00:00Z","conditions":[{"type":"Ready","status":"True","lastTransitionTime":"2026-01-01T00:00:10Z"}]}}"#).unwrap();
        let info = PodInfo::from_pod(&manifest);
        assert_eq!(
            calculate_requests(std::slice::from_ref(&info), None, "cpu").unwrap()["test-pod"],
            150
        );
        assert_eq!(
            info.ready,
            Some(ReadyCondition {
                status: T,
                last_transition_ms: NOW + 10_000
            })
        );
        assert_eq!(info.start_time_ms, Some(NOW));
    }
}
