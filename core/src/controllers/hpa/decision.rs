//! One sync of one HPA, as `reconcileAutoscaler` / `computeReplicasForMetrics` decide it
//! (horizontal.go), without IO: the caller reads the target's scale and the metrics, writes the
//! scale when [`Decision::rescale_to`] says so, then reports the outcome with
//! [`Decision::complete`] and writes [`Decision::status`].
use super::behavior::{normalize, History, DEFAULT_DOWNSCALE_STABILIZATION_MS};
use super::conditions::{set_condition, Condition};
use super::replica_calculator::{
    external_metric_replicas, external_per_pod_metric_replicas, object_metric_replicas,
    object_per_pod_metric_replicas, plain_metric_replicas, resource_replicas, PodInfo, PodMetrics,
    PodSamples, ReadinessConfig, Tolerances, DEFAULT_TOLERANCE,
};
use super::spec::{HpaSpec, MetricIdentifier, MetricSource, MetricTarget, ObjectReference};
use crate::api::quantity::format_milli_decimal_si;
use crate::api::{Map, Value};
use crate::json;
use crate::sim::format_rfc3339;

/// Where metric values come from (the metrics pipeline). Errors are the metrics client's text.
pub trait MetricsSource {
    /// `metrics.k8s.io` usage of the pods the target selects: per pod, the sum over its containers
    /// of `resource` (or the named container's), with the sample's timestamp and window.
    fn resource_metric(
        &self,
        resource: &str,
        container: Option<&str>,
    ) -> Result<PodMetrics, String>;
    /// A per-pod custom metric (`custom.metrics.k8s.io`, pods).
    fn pods_metric(&self, metric: &MetricIdentifier) -> Result<PodMetrics, String>;
    /// A custom metric describing one object, milli-value.
    fn object_metric(
        &self,
        metric: &MetricIdentifier,
        object: &ObjectReference,
    ) -> Result<i64, String>;
    /// An external metric (`external.metrics.k8s.io`): every series' milli-value.
    fn external_metric(&self, metric: &MetricIdentifier) -> Result<Vec<i64>, String>;
}

/// The controller's flags.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ControllerConfig {
    /// `--horizontal-pod-autoscaler-tolerance` (0.1).
    pub tolerance: f64,
    /// CPU initialization period and initial readiness delay (5 min, 30 s).
    pub readiness: ReadinessConfig,
    /// `--horizontal-pod-autoscaler-downscale-stabilization` (5 min).
    pub downscale_stabilization_ms: i64,
}

impl Default for ControllerConfig {
    fn default() -> Self {
        ControllerConfig {
            tolerance: DEFAULT_TOLERANCE,
            readiness: ReadinessConfig::default(),
            downscale_stabilization_ms: DEFAULT_DOWNSCALE_STABILIZATION_MS,
        }
    }
}

/// The target's scale subresource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaleInfo {
    /// `spec.replicas`.
    pub spec_replicas: i32,
    /// `status.replicas`.
    pub status_replicas: i32,
    /// `status.selector` (a label selector string).
    pub selector: String,
}

/// An Event the controller records on the HPA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HpaEvent {
    /// Warning (true) or Normal.
    pub warning: bool,
    /// The reason (`SuccessfulRescale`, `FailedGetResourceMetric`, ...).
    pub reason: String,
    /// The message.
    pub message: String,
}

impl HpaEvent {
    fn normal(reason: &str, message: String) -> HpaEvent {
        HpaEvent {
            warning: false,
            reason: reason.into(),
            message,
        }
    }
    fn warning(reason: &str, message: String) -> HpaEvent {
        HpaEvent {
            warning: true,
            reason: reason.into(),
            message,
        }
    }
}

/// What one sync decided.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// The target's current replicas (`scale.spec.replicas`).
    pub current_replicas: i32,
    /// The replica count to write to the target's scale, when it changes.
    pub rescale_to: Option<i32>,
    /// Why (`cpu resource utilization (percentage of request) above target`, ...).
    pub rescale_reason: String,
    /// `status.desiredReplicas` to write; None keeps the old value (failed metrics).
    pub desired_replicas: Option<i32>,
    /// `status.currentMetrics`, one entry per `spec.metrics` entry (empty type when it failed).
    pub metric_statuses: Vec<Value>,
    /// Conditions in the order the controller sets them.
    pub conditions: Vec<Condition>,
    /// Events to record.
    pub events: Vec<HpaEvent>,
    /// The error the sync returns (logged upstream), if any.
    pub error: Option<String>,
    /// `status.lastScaleTime` moves to now (set by [`Decision::complete`] on success).
    pub rescaled: bool,
    /// Each metric's proposal (None when it failed), in `spec.metrics` order.
    pub metric_proposals: Vec<Option<i32>>,
    /// The highest proposal before stabilization and the rate limits (None when no metric was
    /// computed).
    pub recommendation: Option<i32>,
}

/// `reconcileAutoscaler` when the target's scale cannot be read: the AbleToScale False
/// `FailedGetScale` condition merged into the old status, and the Warning Event.
pub fn failed_get_scale(old_status: &Value, error: &str, now_ms: i64) -> (Value, HpaEvent) {
    let mut status = old_status.clone();
    let mut conditions: Vec<Value> = old_status["conditions"]
        .as_array()
        .map(|l| l.to_vec())
        .unwrap_or_default();
    set_condition(
        &mut conditions,
        &Condition::new(
            "AbleToScale",
            false,
            "FailedGetScale",
            format!("the HPA controller was unable to get the target's current scale: {error}"),
        ),
        now_ms,
    );
    crate::api::object::set_path(
        &mut status,
        &["conditions"],
        Value::Array(conditions.into()),
    );
    (
        status,
        HpaEvent::warning("FailedGetScale", error.to_string()),
    )
}

/// `fmt.Sprintf("%+v", *metav1.LabelSelector)`: the generated `LabelSelector.String()`.
pub fn go_label_selector_string(selector: Option<&Value>) -> String {
    let Some(sel) = selector.filter(|s| s.is_object()) else {
        return "nil".to_string();
    };
    let mut labels: Vec<(String, String)> = sel["matchLabels"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.to_string(), v.as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default();
    labels.sort();
    let mut out = String::from("&LabelSelector{MatchLabels:map[string]string{");
    for (k, v) in labels {
        out.push_str(&format!("{k}: {v},"));
    }
    out.push_str("},MatchExpressions:[]LabelSelectorRequirement{");
    for e in sel["matchExpressions"]
        .as_array()
        .map(|l| l.as_slice())
        .unwrap_or(&[])
    {
        let values: Vec<&str> = e["values"]
            .as_array()
            .map(|l| l.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        out.push_str(&format!(
            "LabelSelectorRequirement{{Key:{},Operator:{},Values:[{}],}},",
            e["key"].as_str().unwrap_or(""),
            e["operator"].as_str().unwrap_or(""),
            values.join(" ")
        ));
    }
    out.push_str("},}");
    out
}

fn identifier_json(m: &MetricIdentifier) -> Value {
    let mut id = Map::new();
    id.insert("name", json!(m.name.as_str()));
    if let Some(s) = &m.selector {
        id.insert("selector", s.clone());
    }
    Value::Object(id)
}

fn reference_json(r: &ObjectReference) -> Value {
    let mut m = Map::new();
    m.insert("kind", json!(r.kind.as_str()));
    m.insert("name", json!(r.name.as_str()));
    if !r.api_version.is_empty() {
        m.insert("apiVersion", json!(r.api_version.as_str()));
    }
    Value::Object(m)
}

/// A failed metric: the ScalingActive condition's reason, the error for the condition and event,
/// and the wrapped error `computeReplicasForMetric` returns.
struct MetricFailure {
    reason: &'static str,
    condition_error: String,
    error: String,
}

struct MetricProposal {
    replicas: i32,
    name: String,
    status: Value,
}

struct Inputs<'a> {
    namespace: &'a str,
    scale: &'a ScaleInfo,
    pods: &'a [PodInfo],
    source: &'a dyn MetricsSource,
    tolerances: Tolerances,
    config: &'a ControllerConfig,
    now_ms: i64,
}

fn samples<'a>(inputs: &Inputs<'a>, metrics: &'a PodMetrics) -> PodSamples<'a> {
    PodSamples {
        pods: inputs.pods,
        metrics,
        config: inputs.config.readiness,
        now_ms: inputs.now_ms,
    }
}

/// `computeStatusForResourceMetricGeneric`: Ok((replicas, current, name)) or the inner error.
fn resource_generic(
    inputs: &Inputs<'_>,
    resource: &str,
    container: Option<&str>,
    target: &MetricTarget,
) -> Result<(i32, Value, String), String> {
    let current_replicas = inputs.scale.spec_replicas;
    if let Some(average) = target.average_value_milli {
        let metrics = inputs
            .source
            .resource_metric(resource, container)
            .map_err(|e| {
                format!(
                    "failed to get {resource} usage: unable to get metrics for resource {resource}: {e}"
                )
            })?;
        let r = plain_metric_replicas(
            current_replicas,
            average,
            resource,
            inputs.tolerances,
            samples(inputs, &metrics),
        )
        .map_err(|e| format!("failed to get {resource} usage: {e}"))?;
        return Ok((
            r.replicas,
            json!({"averageValue": format_milli_decimal_si(r.usage)}),
            format!("{resource} resource"),
        ));
    }
    let Some(utilization) = target.average_utilization else {
        return Err("invalid resource metric source: neither an average utilization target nor an average value (usage) target was set".into());
    };
    let metrics = inputs
        .source
        .resource_metric(resource, container)
        .map_err(|e| {
            format!(
                "failed to get {resource} utilization: unable to get metrics for resource {resource}: {e}"
            )
        })?;
    let r = resource_replicas(
        current_replicas,
        utilization,
        resource,
        container,
        inputs.tolerances,
        samples(inputs, &metrics),
    )
    .map_err(|e| format!("failed to get {resource} utilization: {e}"))?;
    let name = if container.is_some() {
        format!("{resource} container resource utilization (percentage of request)")
    } else {
        format!("{resource} resource utilization (percentage of request)")
    };
    Ok((
        r.replicas,
        json!({"averageValue": format_milli_decimal_si(r.raw_utilization), "averageUtilization": r.utilization}),
        name,
    ))
}

/// `computeReplicasForMetric`.
fn compute_for_metric(
    inputs: &Inputs<'_>,
    spec: &MetricSource,
) -> Result<MetricProposal, MetricFailure> {
    let ns = inputs.namespace;
    match spec {
        MetricSource::Resource { name, target } => {
            match resource_generic(inputs, name, None, target) {
                Ok((replicas, current, desc)) => Ok(MetricProposal {
                    replicas,
                    name: desc,
                    status: json!({"type": "Resource", "resource": {"name": name.as_str(), "current": current}}),
                }),
                Err(e) => Err(MetricFailure {
                    reason: "FailedGetResourceMetric",
                    error: format!("failed to get {name} resource metric value: {e}"),
                    condition_error: e,
                }),
            }
        }
        MetricSource::ContainerResource {
            name,
            container,
            target,
        } => match resource_generic(inputs, name, Some(container), target) {
            Ok((replicas, current, desc)) => Ok(MetricProposal {
                replicas,
                name: desc,
                status: json!({"type": "ContainerResource", "containerResource": {"name": name.as_str(), "container": container.as_str(), "current": current}}),
            }),
            Err(e) => Err(MetricFailure {
                reason: "FailedGetContainerResourceMetric",
                error: format!("failed to get {container} container metric value: {e}"),
                condition_error: e,
            }),
        },
        MetricSource::Pods { metric, target } => {
            let result = inputs
                .source
                .pods_metric(metric)
                .map_err(|e| format!("unable to get metric {}: {e}", metric.name))
                .and_then(|metrics| {
                    plain_metric_replicas(
                        inputs.scale.spec_replicas,
                        target.average_value_milli.unwrap_or(0),
                        "",
                        inputs.tolerances,
                        samples(inputs, &metrics),
                    )
                    .map_err(|e| e.to_string())
                });
            match result {
                Ok(r) => Ok(MetricProposal {
                    replicas: r.replicas,
                    name: format!("pods metric {}", metric.name),
                    status: json!({"type": "Pods", "pods": {"metric": identifier_json(metric), "current": {"averageValue": format_milli_decimal_si(r.usage)}}}),
                }),
                Err(e) => Err(MetricFailure {
                    reason: "FailedGetPodsMetric",
                    error: format!("failed to get pods metric value: {e}"),
                    condition_error: e,
                }),
            }
        }
        MetricSource::Object {
            described_object,
            metric,
            target,
        } => {
            // Upstream's format string puts its arguments one place off; the text is kept as is.
            let fetch = || {
                inputs
                    .source
                    .object_metric(metric, described_object)
                    .map_err(|e| {
                        format!(
                            "unable to get metric {}: {} on {ns} {}/{e}",
                            metric.name, described_object.kind, described_object.name
                        )
                    })
            };
            let failure = |condition_error: String, error: String| MetricFailure {
                reason: "FailedGetObjectMetric",
                error: format!("failed to get object metric value: {error}"),
                condition_error,
            };
            if let (Some(super::spec::TargetType::Value), Some(value)) =
                (target.target_type, target.value_milli)
            {
                let r = fetch().and_then(|usage| {
                    object_metric_replicas(
                        inputs.scale.spec_replicas,
                        value,
                        usage,
                        inputs.tolerances,
                        inputs.pods,
                    )
                    .map_err(|e| e.to_string())
                });
                return match r {
                    Ok(r) => Ok(MetricProposal {
                        replicas: r.replicas,
                        name: format!("{} metric {}", described_object.kind, metric.name),
                        status: json!({"type": "Object", "object": {
                            "describedObject": reference_json(described_object),
                            "metric": identifier_json(metric),
                            "current": {"value": format_milli_decimal_si(r.usage)},
                        }}),
                    }),
                    Err(e) => Err(failure(e.clone(), e)),
                };
            }
            if let (Some(super::spec::TargetType::AverageValue), Some(average)) =
                (target.target_type, target.average_value_milli)
            {
                return match fetch() {
                    Ok(usage) => {
                        let r = object_per_pod_metric_replicas(
                            inputs.scale.status_replicas,
                            average,
                            usage,
                            inputs.tolerances,
                        );
                        Ok(MetricProposal {
                            replicas: r.replicas,
                            name: format!(
                                "external metric {}({})",
                                metric.name,
                                go_label_selector_string(metric.selector.as_ref())
                            ),
                            status: json!({"type": "Object", "object": {
                                "describedObject": {"kind": "", "name": ""},
                                "metric": identifier_json(metric),
                                "current": {"averageValue": format_milli_decimal_si(r.usage)},
                            }}),
                        })
                    }
                    Err(e) => Err(failure(
                        e.clone(),
                        format!("failed to get {} object metric: {e}", metric.name),
                    )),
                };
            }
            let e = "invalid object metric source: neither a value target nor an average value target was set".to_string();
            Err(failure(e.clone(), e))
        }
        MetricSource::External { metric, target } => {
            let selector = go_label_selector_string(metric.selector.as_ref());
            let fetch = || {
                inputs.source.external_metric(metric).map_err(|e| {
                    format!(
                        "unable to get external metric {ns}/{}/{selector}: {e}",
                        metric.name
                    )
                })
            };
            let name = format!("external metric {}({selector})", metric.name);
            let failure = |condition_error: String, error: String| MetricFailure {
                reason: "FailedGetExternalMetric",
                error: format!(
                    "failed to get {} external metric value: {error}",
                    metric.name
                ),
                condition_error,
            };
            if let Some(average) = target.average_value_milli {
                return match fetch() {
                    Ok(values) => {
                        let r = external_per_pod_metric_replicas(
                            inputs.scale.status_replicas,
                            average,
                            &values,
                            inputs.tolerances,
                        );
                        Ok(MetricProposal {
                            replicas: r.replicas,
                            name,
                            status: json!({"type": "External", "external": {
                                "metric": identifier_json(metric),
                                "current": {"averageValue": format_milli_decimal_si(r.usage)},
                            }}),
                        })
                    }
                    Err(e) => Err(failure(
                        e.clone(),
                        format!("failed to get {} external metric: {e}", metric.name),
                    )),
                };
            }
            if let Some(value) = target.value_milli {
                let r = fetch().and_then(|values| {
                    external_metric_replicas(
                        inputs.scale.spec_replicas,
                        value,
                        &values,
                        inputs.tolerances,
                        inputs.pods,
                    )
                    .map_err(|e| e.to_string())
                });
                return match r {
                    Ok(r) => Ok(MetricProposal {
                        replicas: r.replicas,
                        name,
                        status: json!({"type": "External", "external": {
                            "metric": identifier_json(metric),
                            "current": {"value": format_milli_decimal_si(r.usage)},
                        }}),
                    }),
                    Err(e) => Err(failure(
                        e.clone(),
                        format!("failed to get external metric {}: {e}", metric.name),
                    )),
                };
            }
            let e = "invalid external metric source: neither a value target nor an average value target was set".to_string();
            Err(failure(e.clone(), e))
        }
        MetricSource::Unknown(ty) => {
            let e = format!("unknown metric source type {}", go_quote(ty));
            Err(MetricFailure {
                reason: "InvalidMetricSourceType",
                condition_error: e.clone(),
                error: e,
            })
        }
    }
}

fn go_quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn unable_to_compute(reason: &str, e: &str) -> Condition {
    Condition::new(
        "ScalingActive",
        false,
        reason,
        format!("the HPA was unable to compute the replica count: {e}"),
    )
}

/// `tolerancesForHpa`: `behavior.scaleUp/scaleDown.tolerance`, else the controller's flag.
pub fn tolerances_for(spec: &HpaSpec, default_tolerance: f64) -> Tolerances {
    let up = spec
        .behavior
        .as_ref()
        .and_then(|b| b.scale_up.tolerance)
        .unwrap_or(default_tolerance);
    let down = spec
        .behavior
        .as_ref()
        .and_then(|b| b.scale_down.tolerance)
        .unwrap_or(default_tolerance);
    Tolerances {
        scale_down: down,
        scale_up: up,
    }
}

/// One sync (`reconcileAutoscaler` after the scale was read): the replicas the metrics ask for,
/// normalized by `behavior` (or the legacy rules), with conditions and events.
///
/// `pods` are the pods the scale's selector matches, in the HPA's namespace.
#[allow(clippy::too_many_arguments)]
pub fn decide(
    spec: &HpaSpec,
    namespace: &str,
    scale: &ScaleInfo,
    pods: &[PodInfo],
    source: &dyn MetricsSource,
    history: &mut History,
    config: &ControllerConfig,
    now_ms: i64,
) -> Decision {
    let current = scale.spec_replicas;
    let mut d = Decision {
        current_replicas: current,
        rescale_to: None,
        rescale_reason: String::new(),
        desired_replicas: None,
        metric_statuses: Vec::new(),
        conditions: vec![Condition::new(
            "AbleToScale",
            true,
            "SucceededGetScale",
            "the HPA controller was able to get the target's current scale",
        )],
        events: Vec::new(),
        error: None,
        rescaled: false,
        metric_proposals: Vec::new(),
        recommendation: None,
    };
    history.record_initial_recommendation(current, now_ms);
    let min = spec.min_replicas;
    let mut desired = 0i32;
    let rescale;
    if current == 0 && min != 0 {
        rescale = false;
        d.conditions.push(Condition::new(
            "ScalingActive",
            false,
            "ScalingDisabled",
            "scaling is disabled since the replica count of the target is zero",
        ));
    } else if current > spec.max_replicas {
        d.rescale_reason = "Current number of replicas above Spec.MaxReplicas".into();
        desired = spec.max_replicas;
        rescale = true;
    } else if current < min {
        d.rescale_reason = "Current number of replicas below Spec.MinReplicas".into();
        desired = min;
        rescale = true;
    } else {
        let inputs = Inputs {
            namespace,
            scale,
            pods,
            source,
            tolerances: tolerances_for(spec, config.tolerance),
            config,
            now_ms,
        };
        match compute_replicas_for_metrics(&mut d, spec, &inputs) {
            None => {
                // Status keeps the old desired replicas; the sync fails.
                if let Some(e) = &d.error {
                    d.events
                        .push(HpaEvent::warning("FailedComputeMetricsReplicas", e.clone()));
                }
                return d;
            }
            Some((metric_desired, metric_name)) => {
                d.recommendation = Some(metric_desired);
                let mut rescale_metric = String::new();
                if metric_desired > desired {
                    desired = metric_desired;
                    rescale_metric = metric_name;
                }
                if desired > current {
                    d.rescale_reason = format!("{rescale_metric} above target");
                }
                if desired < current {
                    d.rescale_reason = "All metrics below target".into();
                }
                let n = normalize(
                    history,
                    spec,
                    current,
                    desired,
                    config.downscale_stabilization_ms,
                    now_ms,
                );
                d.conditions.push(n.able_to_scale);
                d.conditions.push(n.scaling_limited);
                desired = n.replicas;
                rescale = desired != current;
            }
        }
    }
    if rescale {
        d.rescale_to = Some(desired);
    } else {
        desired = current;
    }
    d.desired_replicas = Some(desired);
    d
}

/// `computeReplicasForMetrics`: the highest proposal; None when every metric failed, or some
/// failed and the others would scale down (the first failure's condition is set).
fn compute_replicas_for_metrics(
    d: &mut Decision,
    spec: &HpaSpec,
    inputs: &Inputs<'_>,
) -> Option<(i32, String)> {
    if inputs.scale.selector.is_empty() {
        d.events.push(HpaEvent::warning(
            "SelectorRequired",
            "selector is required".into(),
        ));
        d.conditions.push(Condition::new(
            "ScalingActive",
            false,
            "InvalidSelector",
            "the HPA target's scale is missing a selector",
        ));
        d.error = Some("selector is required".into());
        return None;
    }
    let mut replicas = 0i32;
    let mut metric = String::new();
    let mut invalid = 0usize;
    let mut first: Option<(Condition, String)> = None;
    d.metric_statuses = vec![json!({"type": ""}); spec.metrics.len()];
    d.metric_proposals = vec![None; spec.metrics.len()];
    for (i, m) in spec.metrics.iter().enumerate() {
        match compute_for_metric(inputs, m) {
            Ok(p) => {
                if let Some(slot) = d.metric_proposals.get_mut(i) {
                    *slot = Some(p.replicas);
                }
                if let Some(slot) = d.metric_statuses.get_mut(i) {
                    *slot = p.status;
                }
                if replicas == 0 || p.replicas > replicas {
                    replicas = p.replicas;
                    metric = p.name;
                }
            }
            Err(f) => {
                d.events
                    .push(HpaEvent::warning(f.reason, f.condition_error.clone()));
                if invalid == 0 {
                    first = Some((unable_to_compute(f.reason, &f.condition_error), f.error));
                }
                invalid += 1;
            }
        }
    }
    let error = first.as_ref().map(|(_, e)| {
        format!(
            "invalid metrics ({invalid} invalid out of {}), first error is: {e}",
            spec.metrics.len()
        )
    });
    if invalid >= spec.metrics.len() || (invalid > 0 && replicas < inputs.scale.spec_replicas) {
        if let Some((c, _)) = first {
            d.conditions.push(c);
        }
        d.error = error;
        return None;
    }
    d.conditions.push(Condition::new(
        "ScalingActive",
        true,
        "ValidMetricFound",
        format!("the HPA was able to successfully calculate a replica count from {metric}"),
    ));
    d.error = error;
    Some((replicas, metric))
}

impl Decision {
    /// Reports the write of the target's scale (`Ok` or the error's text): on success the
    /// SucceededRescale condition, the `SuccessfulRescale` Event (`New size: 7; reason: ...`) and
    /// the scale event in the history; on failure FailedUpdateScale and `FailedRescale`.
    /// Does nothing when there was nothing to write.
    pub fn complete(
        &mut self,
        result: Result<(), String>,
        spec: &HpaSpec,
        history: &mut History,
        now_ms: i64,
    ) {
        let Some(to) = self.rescale_to else {
            return;
        };
        match result {
            Ok(()) => {
                self.conditions.push(Condition::new(
                    "AbleToScale",
                    true,
                    "SucceededRescale",
                    format!("the HPA controller was able to update the target scale to {to}"),
                ));
                self.events.push(HpaEvent::normal(
                    "SuccessfulRescale",
                    format!("New size: {to}; reason: {}", self.rescale_reason),
                ));
                history.store_scale_event(
                    spec.behavior.as_ref(),
                    self.current_replicas,
                    to,
                    now_ms,
                );
                self.rescaled = true;
            }
            Err(e) => {
                self.events.push(HpaEvent::warning(
                    "FailedRescale",
                    format!(
                        "New size: {to}; reason: {}; error: {e}",
                        self.rescale_reason
                    ),
                ));
                self.conditions.push(Condition::new(
                    "AbleToScale",
                    false,
                    "FailedUpdateScale",
                    format!("the HPA controller was unable to update the target scale: {e}"),
                ));
                self.desired_replicas = None;
                self.error = Some(format!("failed to rescale: {e}"));
            }
        }
    }

    /// The new `status` (`setStatus`): current and desired replicas, current metrics, the
    /// conditions merged into the old ones (`lastTransitionTime` moves only on a status change)
    /// and `lastScaleTime` when the scale was written.
    pub fn status(&self, old_status: &Value, now_ms: i64) -> Value {
        let mut conditions: Vec<Value> = old_status["conditions"]
            .as_array()
            .map(|l| l.to_vec())
            .unwrap_or_default();
        for c in &self.conditions {
            set_condition(&mut conditions, c, now_ms);
        }
        let mut s = Map::new();
        let last_scale = if self.rescaled {
            Some(json!(format_rfc3339(now_ms)))
        } else {
            old_status
                .get("lastScaleTime")
                .filter(|v| !v.is_null())
                .cloned()
        };
        if let Some(t) = last_scale {
            s.insert("lastScaleTime", t);
        }
        if self.current_replicas != 0 {
            s.insert("currentReplicas", json!(self.current_replicas));
        }
        let desired = self
            .desired_replicas
            .map(|d| json!(d))
            .or_else(|| old_status.get("desiredReplicas").cloned())
            .unwrap_or(json!(0));
        s.insert("desiredReplicas", desired);
        if !self.metric_statuses.is_empty() {
            s.insert(
                "currentMetrics",
                Value::Array(self.metric_statuses.clone().into()),
            );
        }
        if !conditions.is_empty() {
            s.insert("conditions", Value::Array(conditions.into()));
        }
        Value::Object(s)
    }
}

#[cfg(test)]
mod tests {
    //! Syncs modelled on upstream's `horizontal_test.go` cases (`TestScaleUp`, `TestScaleDown`,
    //! `TestNoScaleDownOneMetricInvalid`, `TestScaleUpOneMetricEmpty`, ...): one container per
    //! pod, CPU requests of 1 core.
    use super::*;
    use crate::controllers::hpa::replica_calculator::{
        ConditionStatus, ContainerRequests, PodMetric, ReadyCondition,
    };
    use std::collections::BTreeMap;

    const NOW: i64 = 1_767_225_600_000;

    #[derive(Default)]
    struct Source {
        cpu: Option<Result<Vec<i64>, String>>,
        external: Option<Result<Vec<i64>, String>>,
    }

    impl MetricsSource for Source {
        fn resource_metric(&self, _: &str, _: Option<&str>) -> Result<PodMetrics, String> {
            match &self.cpu {
                Some(Ok(levels)) => Ok(levels
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        (
                            format!("test-pod-{i}"),
                            PodMetric {
                                value: *v,
                                timestamp_ms: NOW - 60_000,
                                window_ms: 60_000,
                            },
                        )
                    })
                    .collect()),
                Some(Err(e)) => Err(e.clone()),
                None => Err("no metrics returned from resource metrics API".into()),
            }
        }
        fn pods_metric(&self, _: &MetricIdentifier) -> Result<PodMetrics, String> {
            Err("no custom metrics".into())
        }
        fn object_metric(&self, _: &MetricIdentifier, _: &ObjectReference) -> Result<i64, String> {
            Err("no object metrics".into())
        }
        fn external_metric(&self, _: &MetricIdentifier) -> Result<Vec<i64>, String> {
            self.external
                .clone()
                .unwrap_or_else(|| Err("something went wrong".into()))
        }
    }

    fn pods(n: usize) -> Vec<PodInfo> {
        (0..n)
            .map(|i| PodInfo {
                name: format!("test-pod-{i}"),
                phase: "Running".into(),
                ready: Some(ReadyCondition {
                    status: ConditionStatus::True,
                    last_transition_ms: NOW - 600_000,
                }),
                start_time_ms: Some(NOW - 600_000),
                containers: vec![ContainerRequests {
                    name: "c".into(),
                    requests: BTreeMap::from([("cpu".into(), 1000)]),
                }],
                ..Default::default()
            })
            .collect()
    }

    fn hpa(min: i32, max: i32, metrics: Value) -> HpaSpec {
        HpaSpec::parse(&json!({
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}, "minReplicas": min, "maxReplicas": max, "metrics": metrics},
        }))
        .unwrap()
    }

    fn cpu_metric(target: i32) -> Value {
        json!({"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": target}}})
    }

    fn scale(n: i32) -> ScaleInfo {
        ScaleInfo {
            spec_replicas: n,
            status_replicas: n,
            selector: "app=web".into(),
        }
    }

    fn reasons(d: &Decision) -> Vec<(String, bool, String)> {
        d.conditions
            .iter()
            .map(|c| (c.condition_type.clone(), c.status, c.reason.clone()))
            .collect()
    }

    fn c(t: &str, s: bool, r: &str) -> (String, bool, String) {
        (t.into(), s, r.into())
    }

    #[test]
    fn scale_up_records_successful_rescale() {
        // TestScaleUp: 300m, 500m and 700m of 1 core against 30% -> 5.
        let spec = hpa(2, 6, json!([cpu_metric(30)]));
        let source = Source {
            cpu: Some(Ok(vec![300, 500, 700])),
            ..Default::default()
        };
        let mut history = History::default();
        let mut d = decide(
            &spec,
            "test-namespace",
            &scale(3),
            &pods(3),
            &source,
            &mut history,
            &ControllerConfig::default(),
            NOW,
        );
        assert_eq!(d.rescale_to, Some(5));
        d.complete(Ok(()), &spec, &mut history, NOW);
        assert_eq!(
            d.events,
            vec![HpaEvent::normal("SuccessfulRescale", "New size: 5; reason: cpu resource utilization (percentage of request) above target".into())]
        );
        assert_eq!(
            reasons(&d),
            vec![
                c("AbleToScale", true, "SucceededGetScale"),
                c("ScalingActive", true, "ValidMetricFound"),
                c("AbleToScale", true, "ReadyForNewScale"),
                c("ScalingLimited", false, "DesiredWithinRange"),
                c("AbleToScale", true, "SucceededRescale"),
            ]
        );
        let status = d.status(&json!({}), NOW);
        assert_eq!(
            status,
            json!({
                "lastScaleTime": "2026-01-01T00:00:00Z",
                "currentReplicas": 3,
                "desiredReplicas": 5,
                "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu", "current": {"averageValue": "500m", "averageUtilization": 50}}}],
                "conditions": [
                    {"type": "AbleToScale", "status": "True", "lastTransitionTime": "2026-01-01T00:00:00Z", "reason": "SucceededRescale", "message": "the HPA controller was able to update the target scale to 5"},
                    {"type": "ScalingActive", "status": "True", "lastTransitionTime": "2026-01-01T00:00:00Z", "reason": "ValidMetricFound", "message": "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)"},
                    {"type": "ScalingLimited", "status": "False", "lastTransitionTime": "2026-01-01T00:00:00Z", "reason": "DesiredWithinRange", "message": "the desired count is within the acceptable range"},
                ],
            })
        );
        // The example: 4 pods at 131% of a 75% target -> 7.
        let spec = hpa(3, 10, json!([cpu_metric(75)]));
        let source = Source {
            cpu: Some(Ok(vec![1310; 4])),
            ..Default::default()
        };
        let mut d = decide(
            &spec,
            "default",
            &scale(4),
            &pods(4),
            &source,
            &mut History::default(),
            &ControllerConfig::default(),
            NOW,
        );
        d.complete(Ok(()), &spec, &mut History::default(), NOW);
        assert_eq!(
            d.events[0].message,
            "New size: 7; reason: cpu resource utilization (percentage of request) above target"
        );
    }

    #[test]
    fn scale_down_is_stabilized_then_applied() {
        // TestScaleDown's pods (28% of a 50% target -> 3) on an HPA whose first sync saw 5.
        let spec = hpa(2, 6, json!([cpu_metric(50)]));
        let source = Source {
            cpu: Some(Ok(vec![100, 300, 500, 250, 250])),
            ..Default::default()
        };
        let config = ControllerConfig::default();
        let mut history = History::default();
        let d = decide(
            &spec,
            "ns",
            &scale(5),
            &pods(5),
            &source,
            &mut history,
            &config,
            NOW,
        );
        assert_eq!(d.rescale_to, None);
        assert_eq!(d.desired_replicas, Some(5));
        assert!(reasons(&d).contains(&c("AbleToScale", true, "ScaleDownStabilized")));
        // Five minutes later the initial recommendation left the window.
        let mut d = decide(
            &spec,
            "ns",
            &scale(5),
            &pods(5),
            &source,
            &mut history,
            &config,
            NOW + 300_001,
        );
        assert_eq!(d.rescale_to, Some(3));
        d.complete(Ok(()), &spec, &mut history, NOW + 300_001);
        assert_eq!(
            d.events[0].message,
            "New size: 3; reason: All metrics below target"
        );
    }

    #[test]
    fn limits_disabled_scaling_and_failures() {
        let config = ControllerConfig::default();
        // Zero replicas with minReplicas 1: scaling is disabled.
        let spec = hpa(1, 6, json!([cpu_metric(50)]));
        let d = decide(
            &spec,
            "ns",
            &scale(0),
            &[],
            &Source::default(),
            &mut History::default(),
            &config,
            NOW,
        );
        assert_eq!(d.rescale_to, None);
        assert_eq!(d.desired_replicas, Some(0));
        assert_eq!(
            d.conditions[1],
            Condition::new(
                "ScalingActive",
                false,
                "ScalingDisabled",
                "scaling is disabled since the replica count of the target is zero"
            )
        );
        // Above maxReplicas / below minReplicas.
        let d = decide(
            &spec,
            "ns",
            &scale(8),
            &pods(8),
            &Source::default(),
            &mut History::default(),
            &config,
            NOW,
        );
        assert_eq!(
            (d.rescale_to, d.rescale_reason.as_str()),
            (Some(6), "Current number of replicas above Spec.MaxReplicas")
        );
        let spec3 = hpa(3, 6, json!([cpu_metric(50)]));
        let d = decide(
            &spec3,
            "ns",
            &scale(1),
            &pods(1),
            &Source::default(),
            &mut History::default(),
            &config,
            NOW,
        );
        assert_eq!(
            (d.rescale_to, d.rescale_reason.as_str()),
            (Some(3), "Current number of replicas below Spec.MinReplicas")
        );
        // No metrics: the well-known message.
        let d = decide(
            &spec,
            "ns",
            &scale(3),
            &pods(3),
            &Source::default(),
            &mut History::default(),
            &config,
            NOW,
        );
        assert_eq!(d.rescale_to, None);
        assert_eq!(d.desired_replicas, None);
        assert_eq!(
            d.conditions[1],
            Condition::new("ScalingActive", false, "FailedGetResourceMetric", "the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API")
        );
        assert_eq!(
            d.events,
            vec![
                HpaEvent::warning("FailedGetResourceMetric", "failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API".into()),
                HpaEvent::warning("FailedComputeMetricsReplicas", "invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API".into()),
            ]
        );
        // A failed write.
        let source = Source {
            cpu: Some(Ok(vec![900; 3])),
            ..Default::default()
        };
        let mut d = decide(
            &spec,
            "ns",
            &scale(3),
            &pods(3),
            &source,
            &mut History::default(),
            &config,
            NOW,
        );
        d.complete(Err("conflict".into()), &spec, &mut History::default(), NOW);
        assert_eq!(d.events[0].reason, "FailedRescale");
        assert_eq!(d.events[0].message, "New size: 6; reason: cpu resource utilization (percentage of request) above target; error: conflict");
        assert_eq!(
            d.conditions.last().map(|c| c.reason.as_str()),
            Some("FailedUpdateScale")
        );
    }

    #[test]
    fn one_invalid_metric_blocks_scale_down_not_scale_up() {
        let config = ControllerConfig::default();
        // TestNoScaleDownOneMetricInvalid.
        let spec = hpa(2, 6, json!([cpu_metric(50), {"type": "CheddarCheese"}]));
        let source = Source {
            cpu: Some(Ok(vec![100, 300, 500, 250, 250])),
            ..Default::default()
        };
        let d = decide(
            &spec,
            "ns",
            &scale(5),
            &pods(5),
            &source,
            &mut History::default(),
            &config,
            NOW,
        );
        assert_eq!(
            reasons(&d),
            vec![
                c("AbleToScale", true, "SucceededGetScale"),
                c("ScalingActive", false, "InvalidMetricSourceType")
            ]
        );
        assert_eq!(d.rescale_to, None);
        assert_eq!(
            d.events[0].message,
            "unknown metric source type \"CheddarCheese\""
        );
        // TestScaleUpOneMetricEmpty: the working CPU metric scales up to 4.
        let spec = hpa(
            2,
            6,
            json!([cpu_metric(30), {"type": "External", "external": {"metric": {"name": "qps", "selector": {}}, "target": {"type": "Value", "value": "100m"}}}]),
        );
        let source = Source {
            cpu: Some(Ok(vec![300, 400, 500])),
            ..Default::default()
        };
        let d = decide(
            &spec,
            "ns",
            &scale(3),
            &pods(3),
            &source,
            &mut History::default(),
            &config,
            NOW,
        );
        assert_eq!(d.rescale_to, Some(4));
        assert_eq!(d.metric_statuses[1], json!({"type": ""}));
        assert!(d.error.as_deref().is_some_and(|e| e.starts_with("invalid metrics (1 invalid out of 2), first error is: failed to get qps external metric value: failed to get external metric qps: unable to get external metric ns/qps/&LabelSelector{MatchLabels:map[string]string{},MatchExpressions:[]LabelSelectorRequirement{},}: something went wrong")));
    }

    #[test]
    fn external_average_value_and_behavior() {
        // KEDA's queue metric: 20 messages at 5 per pod -> 4, limited by the default scale-up
        // policy to max(1 + 4 pods, 1 x 200%) = 5, so 4.
        let spec = HpaSpec::parse(&json!({"spec": {
            "scaleTargetRef": {"kind": "Deployment", "name": "orders", "apiVersion": "apps/v1"},
            "minReplicas": 1, "maxReplicas": 100,
            "metrics": [{"type": "External", "external": {
                "metric": {"name": "s0-aws-sqs-orders", "selector": {"matchLabels": {"scaledobject.keda.sh/name": "orders"}}},
                "target": {"type": "AverageValue", "averageValue": "5"}}}],
            "behavior": {"scaleDown": {"stabilizationWindowSeconds": 0}},
        }}))
        .unwrap();
        let source = Source {
            external: Some(Ok(vec![20_000])),
            ..Default::default()
        };
        let mut history = History::default();
        let mut d = decide(
            &spec,
            "ns",
            &scale(1),
            &pods(1),
            &source,
            &mut history,
            &ControllerConfig::default(),
            NOW,
        );
        assert_eq!(d.rescale_to, Some(4));
        d.complete(Ok(()), &spec, &mut history, NOW);
        assert_eq!(
            d.events[0].message,
            "New size: 4; reason: external metric s0-aws-sqs-orders(&LabelSelector{MatchLabels:map[string]string{scaledobject.keda.sh/name: orders,},MatchExpressions:[]LabelSelectorRequirement{},}) above target"
        );
        assert_eq!(
            d.metric_statuses[0]["external"]["current"],
            json!({"averageValue": "20"})
        );
        assert_eq!(history.scale_up_events.len(), 1);
        // 100 messages next sync: the 4-pod and 100% policies allow max(4 + 4, 8) = 8.
        let source = Source {
            external: Some(Ok(vec![100_000])),
            ..Default::default()
        };
        let d = decide(
            &spec,
            "ns",
            &scale(4),
            &pods(4),
            &source,
            &mut history,
            &ControllerConfig::default(),
            NOW + 15_000,
        );
        assert_eq!(d.rescale_to, Some(8));
        assert!(reasons(&d).contains(&c("ScalingLimited", true, "ScaleUpLimit")));
    }

    #[test]
    fn status_keeps_transition_times_of_unchanged_conditions() {
        let spec = hpa(1, 6, json!([cpu_metric(50)]));
        let source = Source {
            cpu: Some(Ok(vec![500, 500])),
            ..Default::default()
        };
        let mut history = History::default();
        let d = decide(
            &spec,
            "ns",
            &scale(2),
            &pods(2),
            &source,
            &mut history,
            &ControllerConfig::default(),
            NOW,
        );
        let first = d.status(&json!({}), NOW);
        let d = decide(
            &spec,
            "ns",
            &scale(2),
            &pods(2),
            &source,
            &mut history,
            &ControllerConfig::default(),
            NOW + 15_000,
        );
        let second = d.status(&first, NOW + 15_000);
        assert_eq!(second["conditions"], first["conditions"]);
        assert_eq!(second.get("lastScaleTime"), None);
    }

    #[test]
    fn failed_get_scale_keeps_the_status() {
        let old = json!({"currentReplicas": 3, "desiredReplicas": 3});
        let (status, event) = failed_get_scale(&old, "deployments.apps \"web\" not found", NOW);
        assert_eq!(status["desiredReplicas"], json!(3));
        assert_eq!(
            status["conditions"][0]["message"],
            json!("the HPA controller was unable to get the target's current scale: deployments.apps \"web\" not found")
        );
        assert_eq!(
            (event.warning, event.reason.as_str()),
            (true, "FailedGetScale")
        );
    }

    #[test]
    fn label_selector_strings() {
        assert_eq!(go_label_selector_string(None), "nil");
        assert_eq!(
            go_label_selector_string(Some(&json!({"matchLabels": {"b": "2", "a": "1"}, "matchExpressions": [{"key": "k", "operator": "In", "values": ["x", "y"]}]}))),
            "&LabelSelector{MatchLabels:map[string]string{a: 1,b: 2,},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:k,Operator:In,Values:[x y],},},}"
        );
    }
}
