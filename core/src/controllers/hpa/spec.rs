//! The `autoscaling/v2` HorizontalPodAutoscaler spec as the controller reads it, with the
//! apiserver's defaulting (`pkg/apis/autoscaling/v2/defaults.go`) and validation
//! (`pkg/apis/autoscaling/validation/validation.go`).
use super::replica_calculator::{quantity_milli, quantity_of};
use crate::api::object::{default_path, path, set_path};
use crate::api::{Map, Value};
use crate::json;
use crate::server::status::FieldError;

/// `autoscaling.DefaultCPUUtilization`: the target when no metric is given.
pub const DEFAULT_CPU_UTILIZATION: i32 = 80;
/// `validation.MaxPeriodSeconds`.
pub const MAX_PERIOD_SECONDS: i64 = 1800;
/// `validation.MaxStabilizationWindowSeconds`.
pub const MAX_STABILIZATION_WINDOW_SECONDS: i64 = 3600;

/// `CrossVersionObjectReference`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectReference {
    /// `apiVersion`.
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// `name`.
    pub name: String,
}

impl ObjectReference {
    fn parse(v: Option<&Value>) -> ObjectReference {
        let s = |k: &str| {
            v.and_then(|v| v.get(k))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        ObjectReference {
            api_version: s("apiVersion"),
            kind: s("kind"),
            name: s("name"),
        }
    }
}

/// `MetricTargetType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetType {
    /// `Utilization`: percent of request.
    Utilization,
    /// `Value`: the metric's value.
    Value,
    /// `AverageValue`: the value divided by the number of pods.
    AverageValue,
}

/// `MetricTarget`, quantities as milli-values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricTarget {
    /// `type` (None when not one of the three).
    pub target_type: Option<TargetType>,
    /// `value`.
    pub value_milli: Option<i64>,
    /// `averageValue`.
    pub average_value_milli: Option<i64>,
    /// `averageUtilization`.
    pub average_utilization: Option<i32>,
}

impl MetricTarget {
    fn parse(v: Option<&Value>) -> MetricTarget {
        let get = |k: &str| v.and_then(|v| v.get(k)).filter(|x| !x.is_null());
        MetricTarget {
            target_type: match get("type").and_then(Value::as_str) {
                Some("Utilization") => Some(TargetType::Utilization),
                Some("Value") => Some(TargetType::Value),
                Some("AverageValue") => Some(TargetType::AverageValue),
                _ => None,
            },
            value_milli: get("value").and_then(quantity_milli),
            average_value_milli: get("averageValue").and_then(quantity_milli),
            average_utilization: get("averageUtilization")
                .and_then(Value::as_i64)
                .map(clamp_i32),
        }
    }
}

/// `MetricIdentifier`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetricIdentifier {
    /// `name`.
    pub name: String,
    /// `selector` (a LabelSelector), as written.
    pub selector: Option<Value>,
}

impl MetricIdentifier {
    fn parse(v: Option<&Value>) -> MetricIdentifier {
        MetricIdentifier {
            name: v
                .and_then(|v| v.get("name"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            selector: v
                .and_then(|v| v.get("selector"))
                .filter(|s| !s.is_null())
                .cloned(),
        }
    }
}

/// `MetricSpec`: one metric the HPA scales on.
#[derive(Debug, Clone, PartialEq)]
pub enum MetricSource {
    /// `type: Resource`.
    Resource {
        /// The resource (`cpu`, `memory`).
        name: String,
        /// The target.
        target: MetricTarget,
    },
    /// `type: ContainerResource`.
    ContainerResource {
        /// The resource.
        name: String,
        /// The container.
        container: String,
        /// The target.
        target: MetricTarget,
    },
    /// `type: Pods`.
    Pods {
        /// The metric.
        metric: MetricIdentifier,
        /// The target (AverageValue).
        target: MetricTarget,
    },
    /// `type: Object`.
    Object {
        /// The object the metric describes.
        described_object: ObjectReference,
        /// The metric.
        metric: MetricIdentifier,
        /// The target.
        target: MetricTarget,
    },
    /// `type: External`.
    External {
        /// The metric.
        metric: MetricIdentifier,
        /// The target.
        target: MetricTarget,
    },
    /// A type the controller does not know.
    Unknown(String),
}

impl MetricSource {
    /// Reads one `spec.metrics[]` entry.
    pub fn parse(m: &Value) -> MetricSource {
        let ty = m["type"].as_str().unwrap_or("");
        let block = |k: &str| m.get(k).filter(|v| !v.is_null());
        let s = |b: Option<&Value>, k: &str| {
            b.and_then(|b| b.get(k))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        match ty {
            "Resource" => {
                let b = block("resource");
                MetricSource::Resource {
                    name: s(b, "name"),
                    target: MetricTarget::parse(b.and_then(|b| b.get("target"))),
                }
            }
            "ContainerResource" => {
                let b = block("containerResource");
                MetricSource::ContainerResource {
                    name: s(b, "name"),
                    container: s(b, "container"),
                    target: MetricTarget::parse(b.and_then(|b| b.get("target"))),
                }
            }
            "Pods" => {
                let b = block("pods");
                MetricSource::Pods {
                    metric: MetricIdentifier::parse(b.and_then(|b| b.get("metric"))),
                    target: MetricTarget::parse(b.and_then(|b| b.get("target"))),
                }
            }
            "Object" => {
                let b = block("object");
                MetricSource::Object {
                    described_object: ObjectReference::parse(
                        b.and_then(|b| b.get("describedObject")),
                    ),
                    metric: MetricIdentifier::parse(b.and_then(|b| b.get("metric"))),
                    target: MetricTarget::parse(b.and_then(|b| b.get("target"))),
                }
            }
            "External" => {
                let b = block("external");
                MetricSource::External {
                    metric: MetricIdentifier::parse(b.and_then(|b| b.get("metric"))),
                    target: MetricTarget::parse(b.and_then(|b| b.get("target"))),
                }
            }
            other => MetricSource::Unknown(other.to_string()),
        }
    }

    /// The `type` string.
    pub fn type_name(&self) -> &str {
        match self {
            MetricSource::Resource { .. } => "Resource",
            MetricSource::ContainerResource { .. } => "ContainerResource",
            MetricSource::Pods { .. } => "Pods",
            MetricSource::Object { .. } => "Object",
            MetricSource::External { .. } => "External",
            MetricSource::Unknown(t) => t,
        }
    }
}

/// `HPAScalingPolicyType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyType {
    /// `Pods`: an absolute number of pods.
    Pods,
    /// `Percent`: a percentage of the pods at the start of the period.
    Percent,
}

/// `HPAScalingPolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScalingPolicy {
    /// `type`.
    pub policy_type: PolicyType,
    /// `value`.
    pub value: i32,
    /// `periodSeconds`.
    pub period_seconds: i32,
}

/// `ScalingPolicySelect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelectPolicy {
    /// `Max`: the policy allowing the biggest change.
    Max,
    /// `Min`: the policy allowing the smallest change.
    Min,
    /// `Disabled`: no change in this direction.
    Disabled,
}

/// `HPAScalingRules` after defaulting.
#[derive(Debug, Clone, PartialEq)]
pub struct ScalingRules {
    /// `stabilizationWindowSeconds` (scale-down: None means the controller's
    /// `--horizontal-pod-autoscaler-downscale-stabilization`, 300 s).
    pub stabilization_window_seconds: Option<i32>,
    /// `selectPolicy`.
    pub select_policy: SelectPolicy,
    /// `policies`.
    pub policies: Vec<ScalingPolicy>,
    /// `tolerance` (HPAConfigurableTolerance), None for the controller default 0.1.
    pub tolerance: Option<f64>,
}

impl ScalingRules {
    /// `defaultHPAScaleUpRules`: no window, max of 4 pods and 100% per 15 s.
    pub fn default_scale_up() -> ScalingRules {
        ScalingRules {
            stabilization_window_seconds: Some(0),
            select_policy: SelectPolicy::Max,
            policies: vec![
                ScalingPolicy {
                    policy_type: PolicyType::Pods,
                    value: 4,
                    period_seconds: 15,
                },
                ScalingPolicy {
                    policy_type: PolicyType::Percent,
                    value: 100,
                    period_seconds: 15,
                },
            ],
            tolerance: None,
        }
    }

    /// `defaultHPAScaleDownRules`: the controller's window, 100% per 15 s.
    pub fn default_scale_down() -> ScalingRules {
        ScalingRules {
            stabilization_window_seconds: None,
            select_policy: SelectPolicy::Max,
            policies: vec![ScalingPolicy {
                policy_type: PolicyType::Percent,
                value: 100,
                period_seconds: 15,
            }],
            tolerance: None,
        }
    }

    /// `copyHPAScalingRules` over the defaults: the fields the user set win.
    fn parse_over(v: Option<&Value>, mut rules: ScalingRules) -> ScalingRules {
        let Some(v) = v.filter(|v| v.is_object()) else {
            return rules;
        };
        if let Some(w) = v.get("stabilizationWindowSeconds").and_then(Value::as_i64) {
            rules.stabilization_window_seconds = Some(clamp_i32(w));
        }
        match v.get("selectPolicy").and_then(Value::as_str) {
            Some("Min") => rules.select_policy = SelectPolicy::Min,
            Some("Disabled") => rules.select_policy = SelectPolicy::Disabled,
            Some(_) => rules.select_policy = SelectPolicy::Max,
            None => {}
        }
        if let Some(list) = v.get("policies").and_then(Value::as_array) {
            rules.policies = list
                .iter()
                .filter_map(|p| {
                    let policy_type = match p["type"].as_str()? {
                        "Pods" => PolicyType::Pods,
                        "Percent" => PolicyType::Percent,
                        _ => return None,
                    };
                    Some(ScalingPolicy {
                        policy_type,
                        value: clamp_i32(p["value"].as_i64().unwrap_or(0)),
                        period_seconds: clamp_i32(p["periodSeconds"].as_i64().unwrap_or(0)),
                    })
                })
                .collect();
        }
        if let Some(t) = v.get("tolerance").and_then(quantity_of) {
            // `Quantity.AsApproximateFloat64`.
            rules.tolerance = Some(t.milli() as f64 / 1000.0);
        }
        rules
    }
}

/// `HorizontalPodAutoscalerBehavior` after defaulting.
#[derive(Debug, Clone, PartialEq)]
pub struct Behavior {
    /// `scaleUp`.
    pub scale_up: ScalingRules,
    /// `scaleDown`.
    pub scale_down: ScalingRules,
}

impl Behavior {
    /// `SetDefaults_HorizontalPodAutoscalerBehavior` applied to a written `behavior`.
    pub fn parse(v: &Value) -> Behavior {
        Behavior {
            scale_up: ScalingRules::parse_over(v.get("scaleUp"), ScalingRules::default_scale_up()),
            scale_down: ScalingRules::parse_over(
                v.get("scaleDown"),
                ScalingRules::default_scale_down(),
            ),
        }
    }
}

/// The spec of an `autoscaling/v2` HorizontalPodAutoscaler, defaulted.
#[derive(Debug, Clone, PartialEq)]
pub struct HpaSpec {
    /// `spec.scaleTargetRef`.
    pub scale_target_ref: ObjectReference,
    /// `spec.minReplicas` (default 1).
    pub min_replicas: i32,
    /// `spec.maxReplicas`.
    pub max_replicas: i32,
    /// `spec.metrics` (default: CPU at 80%).
    pub metrics: Vec<MetricSource>,
    /// `spec.behavior`; None keeps the legacy normalization (no policies, scale-up limit).
    pub behavior: Option<Behavior>,
}

impl HpaSpec {
    /// Reads an `autoscaling/v2` object (`autoscaling/v1` objects are converted first), applying
    /// the v2 defaults to fields that are absent.
    pub fn parse(obj: &Value) -> Result<HpaSpec, String> {
        let converted;
        let obj = if crate::api::object::api_version(obj) == "autoscaling/v1" {
            converted = convert_v1_to_v2(obj)?;
            &converted
        } else {
            obj
        };
        let spec = &obj["spec"];
        let mut metrics: Vec<MetricSource> = spec["metrics"]
            .as_array()
            .map(|l| l.iter().map(MetricSource::parse).collect())
            .unwrap_or_default();
        if metrics.is_empty() {
            metrics.push(default_cpu_metric());
        }
        Ok(HpaSpec {
            scale_target_ref: ObjectReference::parse(spec.get("scaleTargetRef")),
            min_replicas: spec["minReplicas"].as_i64().map_or(1, clamp_i32),
            max_replicas: clamp_i32(spec["maxReplicas"].as_i64().unwrap_or(0)),
            metrics,
            behavior: spec
                .get("behavior")
                .filter(|b| b.is_object())
                .map(Behavior::parse),
        })
    }
}

fn default_cpu_metric() -> MetricSource {
    MetricSource::Resource {
        name: "cpu".into(),
        target: MetricTarget {
            target_type: Some(TargetType::Utilization),
            value_milli: None,
            average_value_milli: None,
            average_utilization: Some(DEFAULT_CPU_UTILIZATION),
        },
    }
}

/// An `int32` field read from JSON, saturating.
pub(crate) fn clamp_i32(v: i64) -> i32 {
    v.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
}

fn rules_json(rules: &ScalingRules) -> Value {
    let mut m = Map::new();
    if let Some(w) = rules.stabilization_window_seconds {
        m.insert("stabilizationWindowSeconds", json!(w));
    }
    m.insert(
        "selectPolicy",
        json!(match rules.select_policy {
            SelectPolicy::Max => "Max",
            SelectPolicy::Min => "Min",
            SelectPolicy::Disabled => "Disabled",
        }),
    );
    m.insert(
        "policies",
        Value::Array(
            rules
                .policies
                .iter()
                .map(|p| {
                    json!({
                        "type": match p.policy_type { PolicyType::Pods => "Pods", PolicyType::Percent => "Percent" },
                        "value": p.value,
                        "periodSeconds": p.period_seconds,
                    })
                })
                .collect::<Vec<_>>()
                .into(),
        ),
    );
    Value::Object(m)
}

/// `SetDefaults_HorizontalPodAutoscaler` (v2) on a stored object: `minReplicas: 1`, the CPU 80%
/// metric when there is none, and every unset field of a written `behavior` (the scale-down
/// window stays unset: the controller's flag applies).
pub fn set_defaults(obj: &mut Value) {
    default_path(obj, &["spec", "minReplicas"], json!(1));
    if obj["spec"]["metrics"]
        .as_array()
        .is_none_or(|l| l.is_empty())
    {
        set_path(
            obj,
            &["spec", "metrics"],
            json!([{
                "type": "Resource",
                "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": DEFAULT_CPU_UTILIZATION}},
            }]),
        );
    }
    if !obj["spec"]["behavior"].is_object() {
        return;
    }
    for (key, defaults) in [
        ("scaleUp", ScalingRules::default_scale_up()),
        ("scaleDown", ScalingRules::default_scale_down()),
    ] {
        let current = path(obj, &["spec", "behavior", key]).cloned();
        let mut merged = match current.filter(Value::is_object) {
            Some(v) => v,
            None => Value::Object(Map::new()),
        };
        let defaults = rules_json(&defaults);
        for field in ["stabilizationWindowSeconds", "selectPolicy", "policies"] {
            if merged.get(field).is_none_or(Value::is_null) {
                if let Some(d) = defaults.get(field) {
                    set_path(&mut merged, &[field], d.clone());
                }
            }
        }
        set_path(obj, &["spec", "behavior", key], merged);
    }
}

// ---------------------------------------------------------------------------------------------
// Validation.

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// `IsValidPathSegmentName`.
fn path_segment_errors(name: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if name == "." || name == ".." {
        errs.push(format!("may not be '{name}'"));
        return errs;
    }
    for illegal in ["/", "%"] {
        if name.contains(illegal) {
            errs.push(format!("may not contain '{illegal}'"));
        }
    }
    errs
}

fn quantity_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        other => other.to_string(),
    }
}

/// `ValidateCrossVersionObjectReference`.
fn validate_reference(r: Option<&Value>, field: &str, errs: &mut Vec<FieldError>) {
    for key in ["kind", "name"] {
        let v = r
            .and_then(|r| r.get(key))
            .and_then(Value::as_str)
            .unwrap_or("");
        if v.is_empty() {
            errs.push(FieldError::required(format!("{field}.{key}"), ""));
        } else {
            for msg in path_segment_errors(v) {
                errs.push(FieldError::invalid(
                    format!("{field}.{key}"),
                    quoted(v),
                    msg,
                ));
            }
        }
    }
}

/// `ValidateHorizontalPodAutoscaler` (spec part; object metadata is validated by the server):
/// `min_replicas_lower_bound` is 1, or 0 with the HPAScaleToZero gate (or on an update of an HPA
/// whose minReplicas already is 0).
pub fn validate(obj: &Value, min_replicas_lower_bound: i64) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let spec = &obj["spec"];
    let min = spec.get("minReplicas").and_then(Value::as_i64);
    let max = spec["maxReplicas"].as_i64().unwrap_or(0);
    if let Some(min) = min {
        if min < min_replicas_lower_bound {
            errs.push(FieldError::invalid(
                "spec.minReplicas",
                min.to_string(),
                format!("must be greater than or equal to {min_replicas_lower_bound}"),
            ));
        }
    }
    if max < 1 {
        errs.push(FieldError::invalid(
            "spec.maxReplicas",
            max.to_string(),
            "must be greater than 0",
        ));
    }
    if min.is_some_and(|min| max < min) {
        errs.push(FieldError::invalid(
            "spec.maxReplicas",
            max.to_string(),
            "must be greater than or equal to `minReplicas`",
        ));
    }
    validate_reference(spec.get("scaleTargetRef"), "spec.scaleTargetRef", &mut errs);
    validate_metrics(spec, min, &mut errs);
    if let Some(b) = spec.get("behavior").filter(|b| b.is_object()) {
        for key in ["scaleUp", "scaleDown"] {
            if let Some(r) = b.get(key).filter(|r| r.is_object()) {
                validate_rules(r, &format!("spec.behavior.{key}"), &mut errs);
            }
        }
    }
    errs
}

/// `ValidateHorizontalPodAutoscalerUpdate`: as `validate`, and minReplicas 0 stays allowed when
/// the old object already had it.
pub fn validate_update(new: &Value, old: &Value, scale_to_zero_gate: bool) -> Vec<FieldError> {
    let lower = if scale_to_zero_gate || old["spec"]["minReplicas"].as_i64() == Some(0) {
        0
    } else {
        1
    };
    validate(new, lower)
}

fn validate_rules(r: &Value, field: &str, errs: &mut Vec<FieldError>) {
    if let Some(w) = r.get("stabilizationWindowSeconds").and_then(Value::as_i64) {
        if w < 0 {
            errs.push(FieldError::invalid(
                format!("{field}.stabilizationWindowSeconds"),
                w.to_string(),
                "must be greater than or equal to zero",
            ));
        }
        if w > MAX_STABILIZATION_WINDOW_SECONDS {
            errs.push(FieldError::invalid(
                format!("{field}.stabilizationWindowSeconds"),
                w.to_string(),
                format!("must be less than or equal to {MAX_STABILIZATION_WINDOW_SECONDS}"),
            ));
        }
    }
    if let Some(p) = r.get("selectPolicy").and_then(Value::as_str) {
        if !["Max", "Min", "Disabled"].contains(&p) {
            errs.push(FieldError::not_supported(
                format!("{field}.selectPolicy"),
                quoted(p),
                &["Disabled", "Max", "Min"],
            ));
        }
    }
    let policies = r
        .get("policies")
        .and_then(Value::as_array)
        .map(|l| l.as_slice())
        .unwrap_or(&[]);
    if policies.is_empty() {
        errs.push(FieldError::required(
            format!("{field}.policies"),
            "must specify at least one Policy",
        ));
    }
    for (i, p) in policies.iter().enumerate() {
        let f = format!("{field}.policies[{i}]");
        let ty = p["type"].as_str().unwrap_or("");
        if ty != "Pods" && ty != "Percent" {
            errs.push(FieldError::not_supported(
                format!("{f}.type"),
                quoted(ty),
                &["Percent", "Pods"],
            ));
        }
        let value = p["value"].as_i64().unwrap_or(0);
        if value <= 0 {
            errs.push(FieldError::invalid(
                format!("{f}.value"),
                value.to_string(),
                "must be greater than zero",
            ));
        }
        let period = p["periodSeconds"].as_i64().unwrap_or(0);
        if period <= 0 {
            errs.push(FieldError::invalid(
                format!("{f}.periodSeconds"),
                period.to_string(),
                "must be greater than zero",
            ));
        }
        if period > MAX_PERIOD_SECONDS {
            errs.push(FieldError::invalid(
                format!("{f}.periodSeconds"),
                period.to_string(),
                format!("must be less than or equal to {MAX_PERIOD_SECONDS}"),
            ));
        }
    }
    if let Some(t) = r.get("tolerance").filter(|t| !t.is_null()) {
        match quantity_of(t) {
            Some(q) if !q.is_negative() => {}
            _ => errs.push(FieldError::invalid(
                format!("{field}.tolerance"),
                quantity_text(t),
                "must be greater or equal to zero",
            )),
        }
    }
}

const METRIC_SOURCE_TYPES: &[&str] = &[
    "ContainerResource",
    "External",
    "Object",
    "Pods",
    "Resource",
];

fn validate_metrics(spec: &Value, min: Option<i64>, errs: &mut Vec<FieldError>) {
    let metrics = spec["metrics"]
        .as_array()
        .map(|l| l.as_slice())
        .unwrap_or(&[]);
    let mut has_object_or_external = false;
    for (i, m) in metrics.iter().enumerate() {
        validate_metric_spec(m, &format!("spec.metrics[{i}]"), errs);
        if matches!(m["type"].as_str(), Some("Object" | "External")) {
            has_object_or_external = true;
        }
    }
    if min == Some(0) && !has_object_or_external {
        errs.push(FieldError {
            kind: crate::server::status::FieldErrorKind::Forbidden,
            field: "spec.metrics".into(),
            value: String::new(),
            detail: "must specify at least one Object or External metric to support scaling to zero replicas".into(),
        });
    }
}

fn forbidden(field: String, detail: &str) -> FieldError {
    FieldError {
        kind: crate::server::status::FieldErrorKind::Forbidden,
        field,
        value: String::new(),
        detail: detail.into(),
    }
}

/// `validateMetricSpec`.
fn validate_metric_spec(m: &Value, f: &str, errs: &mut Vec<FieldError>) {
    let ty = m["type"].as_str().unwrap_or("");
    if ty.is_empty() {
        errs.push(FieldError::required(
            format!("{f}.type"),
            "must specify a metric source type",
        ));
    }
    if !METRIC_SOURCE_TYPES.contains(&ty) {
        errs.push(FieldError::not_supported(
            format!("{f}.type"),
            quoted(ty),
            METRIC_SOURCE_TYPES,
        ));
    }
    // Only the first source present is validated (upstream checks `typesPresent.Len() == 1`).
    let order = [
        "object",
        "external",
        "pods",
        "resource",
        "containerResource",
    ];
    let present: Vec<&str> = order
        .iter()
        .copied()
        .filter(|k| m.get(k).is_some_and(|v| !v.is_null()))
        .collect();
    if let Some(first) = present.first() {
        let b = &m[*first];
        let bf = format!("{f}.{first}");
        match *first {
            "object" => validate_object_source(b, &bf, errs),
            "external" => validate_external_source(b, &bf, errs),
            "pods" => validate_pods_source(b, &bf, errs),
            "resource" => validate_resource_source(b, &bf, false, errs),
            _ => validate_resource_source(b, &bf, true, errs),
        }
    }
    let expected = match ty {
        "Object" => "object",
        "Pods" => "pods",
        "Resource" => "resource",
        "External" => "external",
        "ContainerResource" => "containerResource",
        _ => {
            errs.push(FieldError::not_supported(
                format!("{f}.type"),
                quoted(ty),
                METRIC_SOURCE_TYPES,
            ));
            ""
        }
    };
    if !expected.is_empty() && !present.contains(&expected) {
        errs.push(FieldError::required(
            format!("{f}.{expected}"),
            "must populate information for the given metric source",
        ));
    }
    if present.len() != 1 {
        let mut others: Vec<&str> = present.iter().copied().filter(|k| *k != expected).collect();
        others.sort_unstable();
        for other in others {
            errs.push(forbidden(
                format!("{f}.{other}"),
                "must populate the given metric source only",
            ));
        }
    }
}

fn validate_metric_identifier(id: Option<&Value>, f: &str, errs: &mut Vec<FieldError>) {
    let name = id
        .and_then(|i| i.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("");
    if name.is_empty() {
        errs.push(FieldError::required(
            format!("{f}.name"),
            "must specify a metric name",
        ));
    } else {
        for msg in path_segment_errors(name) {
            errs.push(FieldError::invalid(format!("{f}.name"), quoted(name), msg));
        }
    }
}

fn validate_metric_target(t: Option<&Value>, f: &str, errs: &mut Vec<FieldError>) {
    let get = |k: &str| t.and_then(|t| t.get(k)).filter(|v| !v.is_null());
    let ty = get("type").and_then(Value::as_str).unwrap_or("");
    if ty.is_empty() {
        errs.push(FieldError::required(
            format!("{f}.type"),
            "must specify a metric target type",
        ));
    }
    if !["Utilization", "Value", "AverageValue"].contains(&ty) {
        errs.push(FieldError::invalid(
            format!("{f}.type"),
            quoted(ty),
            "must be either Utilization, Value, or AverageValue",
        ));
    }
    for key in ["value", "averageValue"] {
        if let Some(v) = get(key) {
            if quantity_of(v).is_none_or(|q| q.milli() <= 0 && !has_positive_nanos(v)) {
                errs.push(FieldError::invalid(
                    format!("{f}.{key}"),
                    quantity_text(v),
                    "must be positive",
                ));
            }
        }
    }
    if let Some(u) = get("averageUtilization").and_then(Value::as_i64) {
        if u < 1 {
            errs.push(FieldError::invalid(
                format!("{f}.averageUtilization"),
                u.to_string(),
                "must be greater than 0",
            ));
        }
    }
}

/// `Quantity.Sign() == 1` for quantities below a milli-unit (`100n`).
fn has_positive_nanos(v: &Value) -> bool {
    quantity_of(v).is_some_and(|q| q > crate::api::Quantity::ZERO)
}

fn target_has(b: &Value, key: &str) -> bool {
    b.get("target")
        .and_then(|t| t.get(key))
        .is_some_and(|v| !v.is_null())
}

fn validate_object_source(b: &Value, f: &str, errs: &mut Vec<FieldError>) {
    validate_reference(
        b.get("describedObject"),
        &format!("{f}.describedObject"),
        errs,
    );
    validate_metric_identifier(b.get("metric"), &format!("{f}.metric"), errs);
    validate_metric_target(b.get("target"), &format!("{f}.target"), errs);
    if !target_has(b, "value") && !target_has(b, "averageValue") {
        errs.push(FieldError::required(
            format!("{f}.target.averageValue"),
            "must set either a target value or averageValue",
        ));
    }
}

fn validate_external_source(b: &Value, f: &str, errs: &mut Vec<FieldError>) {
    validate_metric_identifier(b.get("metric"), &format!("{f}.metric"), errs);
    validate_metric_target(b.get("target"), &format!("{f}.target"), errs);
    let (value, average) = (target_has(b, "value"), target_has(b, "averageValue"));
    if !value && !average {
        errs.push(FieldError::required(
            format!("{f}.target.averageValue"),
            "must set either a target value for metric or a per-pod target",
        ));
    }
    if value && average {
        errs.push(forbidden(
            format!("{f}.target.value"),
            "may not set both a target value for metric and a per-pod target",
        ));
    }
}

fn validate_pods_source(b: &Value, f: &str, errs: &mut Vec<FieldError>) {
    validate_metric_identifier(b.get("metric"), &format!("{f}.metric"), errs);
    validate_metric_target(b.get("target"), &format!("{f}.target"), errs);
    if !target_has(b, "averageValue") {
        errs.push(FieldError::required(
            format!("{f}.target.averageValue"),
            "must specify a positive target averageValue",
        ));
    }
}

fn validate_resource_source(b: &Value, f: &str, container: bool, errs: &mut Vec<FieldError>) {
    if b["name"].as_str().unwrap_or("").is_empty() {
        errs.push(FieldError::required(
            format!("{f}.name"),
            "must specify a resource name",
        ));
    }
    if container {
        let c = b["container"].as_str().unwrap_or("");
        if c.is_empty() {
            errs.push(FieldError::required(
                format!("{f}.container"),
                "must specify a container",
            ));
        } else {
            for msg in crate::server::validate::names::dns1123_label(c) {
                errs.push(FieldError::invalid(
                    format!("{f}.container"),
                    quoted(c),
                    msg,
                ));
            }
        }
    }
    validate_metric_target(b.get("target"), &format!("{f}.target"), errs);
    let (util, average) = (
        target_has(b, "averageUtilization"),
        target_has(b, "averageValue"),
    );
    if !util && !average {
        errs.push(FieldError::required(
            format!("{f}.target.averageUtilization"),
            "must set either a target raw value or a target utilization",
        ));
    }
    if util && average {
        errs.push(forbidden(
            format!("{f}.target.averageValue"),
            "may not set both a target raw value and a target utilization",
        ));
    }
}

// ---------------------------------------------------------------------------------------------
// autoscaling/v1 <-> v2 (`pkg/apis/autoscaling/v1/conversion.go`).

/// `autoscaling.MetricSpecsAnnotation`: v2-only metrics of a v1 object.
pub const METRIC_SPECS_ANNOTATION: &str = "autoscaling.alpha.kubernetes.io/metrics";
/// `autoscaling.MetricStatusesAnnotation`.
pub const METRIC_STATUSES_ANNOTATION: &str = "autoscaling.alpha.kubernetes.io/current-metrics";
/// `autoscaling.HorizontalPodAutoscalerConditionsAnnotation`.
pub const CONDITIONS_ANNOTATION: &str = "autoscaling.alpha.kubernetes.io/conditions";

fn annotation_json(obj: &Value, key: &str) -> Result<Option<Value>, String> {
    match path(obj, &["metadata", "annotations", key]).and_then(Value::as_str) {
        None => Ok(None),
        Some(text) => serde_json::from_str::<Value>(text)
            .map(Some)
            .map_err(|e| e.to_string()),
    }
}

fn copy_some(from: &Value, fk: &str, to: &mut Map, tk: &str) {
    if let Some(v) = from.get(fk).filter(|v| !v.is_null()) {
        to.insert(tk, v.clone());
    }
}

/// A v1 (`v2beta1`-shaped) `MetricSpec` from the annotation as a v2 one.
fn v1_metric_spec_to_v2(m: &Value) -> Value {
    let ty = m["type"].as_str().unwrap_or("");
    let mut out = Map::new();
    out.insert("type", json!(ty));
    let target = |b: &Value, value_key: &str, average_key: &str, default_type: &str| {
        let mut t = Map::new();
        let value = b.get(value_key).filter(|v| !v.is_null());
        let average = b.get(average_key).filter(|v| !v.is_null());
        let ty = match (default_type, value, average) {
            ("Object", _, None) => "Value",
            ("Object", _, Some(_)) => "AverageValue",
            ("External", None, _) => "AverageValue",
            ("External", Some(_), _) => "Value",
            _ => "AverageValue",
        };
        t.insert("type", json!(ty));
        if let Some(v) = value {
            t.insert("value", v.clone());
        }
        if let Some(a) = average {
            t.insert("averageValue", a.clone());
        }
        Value::Object(t)
    };
    let identifier = |b: &Value, name_key: &str, selector_key: &str| {
        let mut id = Map::new();
        copy_some(b, name_key, &mut id, "name");
        copy_some(b, selector_key, &mut id, "selector");
        Value::Object(id)
    };
    match ty {
        "Resource" | "ContainerResource" => {
            let key = if ty == "Resource" {
                "resource"
            } else {
                "containerResource"
            };
            let b = &m[key];
            let mut r = Map::new();
            copy_some(b, "name", &mut r, "name");
            copy_some(b, "container", &mut r, "container");
            let mut t = Map::new();
            let util = b.get("targetAverageUtilization").filter(|v| !v.is_null());
            t.insert(
                "type",
                json!(if util.is_some() {
                    "Utilization"
                } else {
                    "AverageValue"
                }),
            );
            copy_some(b, "targetAverageValue", &mut t, "averageValue");
            copy_some(b, "targetAverageUtilization", &mut t, "averageUtilization");
            r.insert("target", Value::Object(t));
            out.insert(key, Value::Object(r));
        }
        "Pods" => {
            let b = &m["pods"];
            let mut t = Map::new();
            t.insert("type", json!("AverageValue"));
            t.insert(
                "averageValue",
                b.get("targetAverageValue").cloned().unwrap_or(json!("0")),
            );
            out.insert(
                "pods",
                json!({"metric": identifier(b, "metricName", "selector"), "target": Value::Object(t)}),
            );
        }
        "Object" => {
            let b = &m["object"];
            let mut t = match target(b, "targetValue", "averageValue", "Object") {
                Value::Object(t) => t,
                _ => Map::new(),
            };
            if t.get("value").is_none() {
                t.insert("value", json!("0"));
            }
            out.insert(
                "object",
                json!({
                    "describedObject": b.get("target").cloned().unwrap_or(json!({})),
                    "metric": identifier(b, "metricName", "selector"),
                    "target": Value::Object(t),
                }),
            );
        }
        "External" => {
            let b = &m["external"];
            out.insert(
                "external",
                json!({
                    "metric": identifier(b, "metricName", "metricSelector"),
                    "target": target(b, "targetValue", "targetAverageValue", "External"),
                }),
            );
        }
        _ => {}
    }
    Value::Object(out)
}

/// A v1 `MetricStatus` from the annotation as a v2 one.
fn v1_metric_status_to_v2(m: &Value) -> Value {
    let ty = m["type"].as_str().unwrap_or("");
    let mut out = Map::new();
    out.insert("type", json!(ty));
    let identifier = |b: &Value, name_key: &str, selector_key: &str| {
        let mut id = Map::new();
        copy_some(b, name_key, &mut id, "name");
        copy_some(b, selector_key, &mut id, "selector");
        Value::Object(id)
    };
    match ty {
        "Resource" | "ContainerResource" => {
            let key = if ty == "Resource" {
                "resource"
            } else {
                "containerResource"
            };
            let b = &m[key];
            let mut r = Map::new();
            copy_some(b, "name", &mut r, "name");
            copy_some(b, "container", &mut r, "container");
            let mut c = Map::new();
            c.insert(
                "averageValue",
                b.get("currentAverageValue").cloned().unwrap_or(json!("0")),
            );
            copy_some(b, "currentAverageUtilization", &mut c, "averageUtilization");
            r.insert("current", Value::Object(c));
            out.insert(key, Value::Object(r));
        }
        "Pods" => {
            let b = &m["pods"];
            out.insert(
                "pods",
                json!({
                    "metric": identifier(b, "metricName", "selector"),
                    "current": {"averageValue": b.get("currentAverageValue").cloned().unwrap_or(json!("0"))},
                }),
            );
        }
        "Object" => {
            let b = &m["object"];
            let mut c = Map::new();
            c.insert(
                "value",
                b.get("currentValue").cloned().unwrap_or(json!("0")),
            );
            copy_some(b, "averageValue", &mut c, "averageValue");
            out.insert(
                "object",
                json!({
                    "describedObject": b.get("target").cloned().unwrap_or(json!({})),
                    "metric": identifier(b, "metricName", "selector"),
                    "current": Value::Object(c),
                }),
            );
        }
        "External" => {
            let b = &m["external"];
            let mut c = Map::new();
            c.insert(
                "value",
                b.get("currentValue").cloned().unwrap_or(json!("0")),
            );
            copy_some(b, "currentAverageValue", &mut c, "averageValue");
            out.insert(
                "external",
                json!({
                    "metric": identifier(b, "metricName", "metricSelector"),
                    "current": Value::Object(c),
                }),
            );
        }
        _ => {}
    }
    Value::Object(out)
}

/// `Convert_v1_HorizontalPodAutoscaler_To_autoscaling_HorizontalPodAutoscaler`, into v2:
/// `targetCPUUtilizationPercentage` becomes a CPU Utilization metric, the metrics,
/// current-metrics and conditions annotations are restored and removed, and with no metric at
/// all the CPU 80% default applies.
pub fn convert_v1_to_v2(obj: &Value) -> Result<Value, String> {
    let mut out = obj.clone();
    set_path(&mut out, &["apiVersion"], json!("autoscaling/v2"));
    let spec = &obj["spec"];
    let mut new_spec = Map::new();
    copy_some(spec, "scaleTargetRef", &mut new_spec, "scaleTargetRef");
    copy_some(spec, "minReplicas", &mut new_spec, "minReplicas");
    new_spec.insert(
        "maxReplicas",
        spec.get("maxReplicas").cloned().unwrap_or(json!(0)),
    );
    let mut metrics: Vec<Value> = Vec::new();
    if let Some(list) = annotation_json(obj, METRIC_SPECS_ANNOTATION)? {
        metrics.extend(
            list.as_array()
                .map(|l| l.iter().map(v1_metric_spec_to_v2).collect::<Vec<_>>())
                .unwrap_or_default(),
        );
    }
    let cpu = spec
        .get("targetCPUUtilizationPercentage")
        .and_then(Value::as_i64)
        .map(clamp_i32);
    if let Some(cpu) = cpu {
        metrics.push(json!({
            "type": "Resource",
            "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": cpu}},
        }));
    }
    if metrics.is_empty() {
        metrics.push(json!({
            "type": "Resource",
            "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": DEFAULT_CPU_UTILIZATION}},
        }));
    }
    new_spec.insert("metrics", Value::Array(metrics.into()));
    set_path(&mut out, &["spec"], Value::Object(new_spec));

    if let Some(status) = obj.get("status").filter(|s| s.is_object()) {
        let mut new_status = Map::new();
        copy_some(
            status,
            "observedGeneration",
            &mut new_status,
            "observedGeneration",
        );
        copy_some(status, "lastScaleTime", &mut new_status, "lastScaleTime");
        copy_some(
            status,
            "currentReplicas",
            &mut new_status,
            "currentReplicas",
        );
        new_status.insert(
            "desiredReplicas",
            status.get("desiredReplicas").cloned().unwrap_or(json!(0)),
        );
        if let Some(u) = status
            .get("currentCPUUtilizationPercentage")
            .and_then(Value::as_i64)
        {
            new_status.insert(
                "currentMetrics",
                json!([{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": u}}}]),
            );
        }
        if let Some(list) = annotation_json(obj, METRIC_STATUSES_ANNOTATION)? {
            let l: Vec<Value> = list
                .as_array()
                .map(|l| l.iter().map(v1_metric_status_to_v2).collect())
                .unwrap_or_default();
            new_status.insert("currentMetrics", Value::Array(l.into()));
        }
        if let Some(conditions) = annotation_json(obj, CONDITIONS_ANNOTATION)? {
            new_status.insert("conditions", conditions);
        }
        set_path(&mut out, &["status"], Value::Object(new_status));
    }
    for key in [
        METRIC_SPECS_ANNOTATION,
        METRIC_STATUSES_ANNOTATION,
        CONDITIONS_ANNOTATION,
    ] {
        crate::api::object::remove_path(&mut out, &["metadata", "annotations", key]);
    }
    if out["metadata"]["annotations"]
        .as_object()
        .is_some_and(Map::is_empty)
    {
        crate::api::object::remove_path(&mut out, &["metadata", "annotations"]);
    }
    Ok(out)
}

/// A v2 `MetricSpec` in the v1 annotation's shape.
fn v2_metric_spec_to_v1(m: &MetricSource, raw: &Value) -> Value {
    let t = |b: &str| &raw[b]["target"];
    match m {
        MetricSource::Resource { name, .. } | MetricSource::ContainerResource { name, .. } => {
            let key = if matches!(m, MetricSource::Resource { .. }) {
                "resource"
            } else {
                "containerResource"
            };
            let mut r = Map::new();
            r.insert("name", json!(name.as_str()));
            if let MetricSource::ContainerResource { container, .. } = m {
                r.insert("container", json!(container.as_str()));
            }
            copy_some(
                t(key),
                "averageUtilization",
                &mut r,
                "targetAverageUtilization",
            );
            copy_some(t(key), "averageValue", &mut r, "targetAverageValue");
            json!({"type": m.type_name(), key: Value::Object(r)})
        }
        MetricSource::Pods { metric, .. } => {
            let mut p = Map::new();
            p.insert("metricName", json!(metric.name.as_str()));
            p.insert(
                "targetAverageValue",
                t("pods").get("averageValue").cloned().unwrap_or(json!("0")),
            );
            if let Some(s) = &metric.selector {
                p.insert("selector", s.clone());
            }
            json!({"type": "Pods", "pods": Value::Object(p)})
        }
        MetricSource::Object {
            described_object,
            metric,
            ..
        } => {
            let mut o = Map::new();
            o.insert(
                "target",
                json!({"kind": described_object.kind.as_str(), "name": described_object.name.as_str(), "apiVersion": described_object.api_version.as_str()}),
            );
            o.insert("metricName", json!(metric.name.as_str()));
            o.insert(
                "targetValue",
                t("object").get("value").cloned().unwrap_or(json!("0")),
            );
            if let Some(s) = &metric.selector {
                o.insert("selector", s.clone());
            }
            copy_some(t("object"), "averageValue", &mut o, "averageValue");
            json!({"type": "Object", "object": Value::Object(o)})
        }
        MetricSource::External { metric, .. } => {
            let mut e = Map::new();
            e.insert("metricName", json!(metric.name.as_str()));
            if let Some(s) = &metric.selector {
                e.insert("metricSelector", s.clone());
            }
            copy_some(t("external"), "value", &mut e, "targetValue");
            copy_some(t("external"), "averageValue", &mut e, "targetAverageValue");
            json!({"type": "External", "external": Value::Object(e)})
        }
        MetricSource::Unknown(ty) => json!({"type": ty.as_str()}),
    }
}

/// `Convert_autoscaling_HorizontalPodAutoscaler_To_v1_HorizontalPodAutoscaler`: the CPU
/// utilization metric becomes `targetCPUUtilizationPercentage`, the other metrics, the current
/// metrics and the conditions go to annotations.
pub fn convert_v2_to_v1(obj: &Value) -> Value {
    let mut out = obj.clone();
    set_path(&mut out, &["apiVersion"], json!("autoscaling/v1"));
    let spec = &obj["spec"];
    let raw_metrics = spec["metrics"]
        .as_array()
        .map(|l| l.as_slice())
        .unwrap_or(&[]);
    let mut new_spec = Map::new();
    copy_some(spec, "scaleTargetRef", &mut new_spec, "scaleTargetRef");
    copy_some(spec, "minReplicas", &mut new_spec, "minReplicas");
    new_spec.insert(
        "maxReplicas",
        spec.get("maxReplicas").cloned().unwrap_or(json!(0)),
    );
    let mut other = Vec::new();
    let mut cpu_set = false;
    for raw in raw_metrics {
        let m = MetricSource::parse(raw);
        if let MetricSource::Resource { name, target } = &m {
            if name == "cpu" {
                if !cpu_set {
                    cpu_set = true;
                    if let Some(u) = target.average_utilization {
                        new_spec.insert("targetCPUUtilizationPercentage", json!(u));
                    }
                }
                if target.average_utilization.is_some() {
                    continue;
                }
            }
        }
        other.push(v2_metric_spec_to_v1(&m, raw));
    }
    set_path(&mut out, &["spec"], Value::Object(new_spec));
    let mut annotations: Vec<(&str, String)> = Vec::new();
    if !other.is_empty() {
        annotations.push((
            METRIC_SPECS_ANNOTATION,
            Value::Array(other.into()).to_string(),
        ));
    }
    if let Some(status) = obj.get("status").filter(|s| s.is_object()) {
        let mut new_status = Map::new();
        copy_some(
            status,
            "observedGeneration",
            &mut new_status,
            "observedGeneration",
        );
        copy_some(status, "lastScaleTime", &mut new_status, "lastScaleTime");
        copy_some(
            status,
            "currentReplicas",
            &mut new_status,
            "currentReplicas",
        );
        new_status.insert(
            "desiredReplicas",
            status.get("desiredReplicas").cloned().unwrap_or(json!(0)),
        );
        let current = status["currentMetrics"]
            .as_array()
            .map(|l| l.as_slice())
            .unwrap_or(&[]);
        for m in current {
            if m["type"] == "Resource" && m["resource"]["name"] == "cpu" {
                if let Some(u) = m["resource"]["current"]["averageUtilization"].as_i64() {
                    new_status.insert("currentCPUUtilizationPercentage", json!(u));
                }
            }
        }
        if !current.is_empty() {
            annotations.push((
                METRIC_STATUSES_ANNOTATION,
                Value::Array(
                    current
                        .iter()
                        .map(v2_metric_status_to_v1)
                        .collect::<Vec<_>>()
                        .into(),
                )
                .to_string(),
            ));
        }
        if let Some(c) = status["conditions"].as_array().filter(|c| !c.is_empty()) {
            annotations.push((
                CONDITIONS_ANNOTATION,
                Value::Array(c.clone().into()).to_string(),
            ));
        }
        set_path(&mut out, &["status"], Value::Object(new_status));
    }
    for (k, v) in annotations {
        set_path(&mut out, &["metadata", "annotations", k], json!(v));
    }
    out
}

fn v2_metric_status_to_v1(m: &Value) -> Value {
    let ty = m["type"].as_str().unwrap_or("");
    let ident = |b: &Value, name_key: &str, sel_key: &str, out: &mut Map| {
        copy_some(&b["metric"], "name", out, name_key);
        copy_some(&b["metric"], "selector", out, sel_key);
    };
    match ty {
        "Resource" | "ContainerResource" => {
            let key = if ty == "Resource" {
                "resource"
            } else {
                "containerResource"
            };
            let b = &m[key];
            let mut r = Map::new();
            copy_some(b, "name", &mut r, "name");
            copy_some(b, "container", &mut r, "container");
            copy_some(
                &b["current"],
                "averageUtilization",
                &mut r,
                "currentAverageUtilization",
            );
            r.insert(
                "currentAverageValue",
                b["current"]
                    .get("averageValue")
                    .cloned()
                    .unwrap_or(json!("0")),
            );
            json!({"type": ty, key: Value::Object(r)})
        }
        "Pods" => {
            let b = &m["pods"];
            let mut p = Map::new();
            ident(b, "metricName", "selector", &mut p);
            p.insert(
                "currentAverageValue",
                b["current"]
                    .get("averageValue")
                    .cloned()
                    .unwrap_or(json!("0")),
            );
            json!({"type": "Pods", "pods": Value::Object(p)})
        }
        "Object" => {
            let b = &m["object"];
            let mut o = Map::new();
            o.insert(
                "target",
                b.get("describedObject").cloned().unwrap_or(json!({})),
            );
            ident(b, "metricName", "selector", &mut o);
            o.insert(
                "currentValue",
                b["current"].get("value").cloned().unwrap_or(json!("0")),
            );
            copy_some(&b["current"], "averageValue", &mut o, "averageValue");
            json!({"type": "Object", "object": Value::Object(o)})
        }
        "External" => {
            let b = &m["external"];
            let mut e = Map::new();
            ident(b, "metricName", "metricSelector", &mut e);
            e.insert(
                "currentValue",
                b["current"].get("value").cloned().unwrap_or(json!("0")),
            );
            copy_some(&b["current"], "averageValue", &mut e, "currentAverageValue");
            json!({"type": "External", "external": Value::Object(e)})
        }
        _ => json!({"type": ty}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `prepareHPAWithBehavior` (validation_test.go).
    fn with_behavior(behavior: Value) -> Value {
        json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "myautoscaler", "namespace": "default"},
            "spec": {"scaleTargetRef": {"kind": "ReplicationController", "name": "myrc"}, "minReplicas": 1, "maxReplicas": 5,
                "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}}],
                "behavior": behavior}})
    }

    fn first_error(obj: &Value) -> String {
        validate(obj, 1)
            .first()
            .map(|e| e.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn behavior_validation_from_test_validate_behavior() {
        let simple = json!([{"type": "Percent", "value": 10, "periodSeconds": 1}, {"type": "Pods", "value": 1, "periodSeconds": 1800}]);
        for ok in [
            json!({}),
            json!({"scaleUp": {"stabilizationWindowSeconds": 3600, "selectPolicy": "Min", "policies": simple.clone()},
                   "scaleDown": {"stabilizationWindowSeconds": 0, "selectPolicy": "Disabled", "policies": simple.clone()}}),
        ] {
            assert_eq!(validate(&with_behavior(ok), 1), vec![]);
        }
        for dir in ["scaleUp", "scaleDown"] {
            let cases = [
                (json!({"selectPolicy": "Min"}), format!("spec.behavior.{dir}.policies: Required value: must specify at least one Policy")),
                (json!({"stabilizationWindowSeconds": 3601, "selectPolicy": "Min", "policies": simple.clone()}), format!("spec.behavior.{dir}.stabilizationWindowSeconds: Invalid value: 3601: must be less than or equal to 3600")),
                (json!({"policies": [{"type": "Pods", "value": 7, "periodSeconds": 1801}]}), format!("spec.behavior.{dir}.policies[0].periodSeconds: Invalid value: 1801: must be less than or equal to 1800")),
                (json!({"selectPolicy": "incorrect", "policies": [{"type": "Pods", "value": 7, "periodSeconds": 8}]}), format!("spec.behavior.{dir}.selectPolicy: Unsupported value: \"incorrect\": supported values: \"Disabled\", \"Max\", \"Min\"")),
                (json!({"policies": [{"type": "hm", "value": 7, "periodSeconds": 8}]}), format!("spec.behavior.{dir}.policies[0].type: Unsupported value: \"hm\": supported values: \"Percent\", \"Pods\"")),
                (json!({"policies": [{"type": "Pods", "value": 8}]}), format!("spec.behavior.{dir}.policies[0].periodSeconds: Invalid value: 0: must be greater than zero")),
                (json!({"policies": [{"type": "Pods", "periodSeconds": 8}]}), format!("spec.behavior.{dir}.policies[0].value: Invalid value: 0: must be greater than zero")),
                (json!({"policies": [{"type": "Pods", "periodSeconds": -1, "value": 1}]}), format!("spec.behavior.{dir}.policies[0].periodSeconds: Invalid value: -1: must be greater than zero")),
                (json!({"policies": [{"type": "Pods", "periodSeconds": 1, "value": -1}]}), format!("spec.behavior.{dir}.policies[0].value: Invalid value: -1: must be greater than zero")),
            ];
            for (rules, msg) in cases {
                assert_eq!(first_error(&with_behavior(json!({dir: rules}))), msg);
            }
        }
        // TestValidateHorizontalPodAutoscalerConfigurableToleranceEnabled.
        let policies = json!([{"type": "Pods", "value": 1, "periodSeconds": 1800}]);
        for t in ["0.1", "10", "0", "100m", "1m"] {
            assert_eq!(
                validate(
                    &with_behavior(
                        json!({"scaleDown": {"policies": policies.clone(), "tolerance": t}})
                    ),
                    1
                ),
                vec![]
            );
        }
        for t in ["-0.001", "-10m"] {
            let errs = validate(
                &with_behavior(json!({"scaleUp": {"policies": policies.clone(), "tolerance": t}})),
                1,
            );
            assert_eq!(errs.len(), 1);
            assert!(
                errs[0].to_string().contains("greater or equal to zero"),
                "{}",
                errs[0]
            );
        }
    }

    #[test]
    fn spec_validation_messages() {
        let base = |spec: Value| json!({"spec": spec});
        let errs = validate(
            &base(
                json!({"scaleTargetRef": {"kind": "", "name": "a/b"}, "minReplicas": 0, "maxReplicas": 0}),
            ),
            1,
        );
        let text: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        assert_eq!(
            text,
            vec![
                "spec.minReplicas: Invalid value: 0: must be greater than or equal to 1",
                "spec.maxReplicas: Invalid value: 0: must be greater than 0",
                "spec.scaleTargetRef.kind: Required value",
                "spec.scaleTargetRef.name: Invalid value: \"a/b\": may not contain '/'",
                "spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling to zero replicas",
            ]
        );
        let errs = validate(
            &base(
                json!({"scaleTargetRef": {"kind": "Deployment", "name": "web"}, "minReplicas": 5, "maxReplicas": 3,
            "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 0, "averageValue": "1"}}},
                        {"type": "External", "external": {"metric": {"name": "q"}, "target": {"type": "Value"}}},
                        {"type": "Pods", "resource": {"name": "cpu"}}]}),
            ),
            1,
        );
        let text: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        assert_eq!(
            text,
            vec![
                "spec.maxReplicas: Invalid value: 3: must be greater than or equal to `minReplicas`",
                "spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0",
                "spec.metrics[0].resource.target.averageValue: Forbidden: may not set both a target raw value and a target utilization",
                "spec.metrics[1].external.target.averageValue: Required value: must set either a target value for metric or a per-pod target",
                "spec.metrics[2].resource.target.type: Required value: must specify a metric target type",
                "spec.metrics[2].resource.target.type: Invalid value: \"\": must be either Utilization, Value, or AverageValue",
                "spec.metrics[2].resource.target.averageUtilization: Required value: must set either a target raw value or a target utilization",
                // A single block of the wrong type is only reported as the missing one.
                "spec.metrics[2].pods: Required value: must populate information for the given metric source",
            ]
        );
    }

    #[test]
    fn defaults_fill_behavior_as_generate_hpa_rules() {
        // SetDefaults_HorizontalPodAutoscaler (defaults_test.go): minReplicas, CPU 80%, and a
        // written behavior filled with the default policies; the scale-down window stays unset.
        let mut obj = json!({"spec": {"maxReplicas": 5, "behavior": {"scaleDown": {"stabilizationWindowSeconds": 60}}}});
        set_defaults(&mut obj);
        assert_eq!(obj["spec"]["minReplicas"], json!(1));
        assert_eq!(
            obj["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"],
            json!(80)
        );
        assert_eq!(
            obj["spec"]["behavior"],
            json!({
                "scaleDown": {"stabilizationWindowSeconds": 60, "selectPolicy": "Max", "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]},
                "scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max", "policies": [{"type": "Pods", "value": 4, "periodSeconds": 15}, {"type": "Percent", "value": 100, "periodSeconds": 15}]},
            })
        );
        // No behavior: nothing added (the legacy normalization applies).
        let mut obj = json!({"spec": {"maxReplicas": 5}});
        set_defaults(&mut obj);
        assert_eq!(obj["spec"].get("behavior"), None);
        let spec = HpaSpec::parse(&obj).unwrap();
        assert_eq!(spec.behavior, None);
        assert_eq!(spec.metrics, vec![default_cpu_metric()]);
        // Parsing fills the same defaults without writing them.
        let spec = HpaSpec::parse(&json!({"spec": {"maxReplicas": 5, "behavior": {"scaleUp": {"selectPolicy": "Disabled", "tolerance": "50m"}}}})).unwrap();
        let b = spec.behavior.unwrap();
        assert_eq!(b.scale_up.select_policy, SelectPolicy::Disabled);
        assert_eq!(
            b.scale_up.policies,
            ScalingRules::default_scale_up().policies
        );
        assert_eq!(b.scale_up.tolerance, Some(0.05));
        assert_eq!(b.scale_down, ScalingRules::default_scale_down());
    }

    #[test]
    fn v1_round_trips_through_v2() {
        // `kubectl autoscale deployment web --min=3 --max=10 --cpu-percent=75` writes this.
        let v1 = json!({"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "web", "namespace": "default"},
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}, "minReplicas": 3, "maxReplicas": 10, "targetCPUUtilizationPercentage": 75},
            "status": {"currentReplicas": 3, "desiredReplicas": 3, "currentCPUUtilizationPercentage": 82}});
        let v2 = convert_v1_to_v2(&v1).unwrap();
        assert_eq!(v2["apiVersion"], json!("autoscaling/v2"));
        assert_eq!(
            v2["spec"]["metrics"],
            json!([{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 75}}}])
        );
        assert_eq!(
            v2["status"]["currentMetrics"],
            json!([{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 82}}}])
        );
        let spec = HpaSpec::parse(&v1).unwrap();
        assert_eq!((spec.min_replicas, spec.max_replicas), (3, 10));
        // Without a target the v1 default of 80% applies.
        let bare = json!({"apiVersion": "autoscaling/v1", "spec": {"maxReplicas": 4}});
        assert_eq!(
            convert_v1_to_v2(&bare).unwrap()["spec"]["metrics"][0]["resource"]["target"]
                ["averageUtilization"],
            json!(80)
        );
        // Other metrics travel in the annotation and come back first, the CPU target last.
        let v2 = json!({"apiVersion": "autoscaling/v2", "metadata": {"name": "q"},
            "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "q"}, "maxReplicas": 10, "metrics": [
                {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}},
                {"type": "External", "external": {"metric": {"name": "queue"}, "target": {"type": "AverageValue", "averageValue": "30"}}}]},
            "status": {"desiredReplicas": 2, "currentReplicas": 2, "conditions": [{"type": "AbleToScale", "status": "True", "reason": "ReadyForNewScale"}]}});
        let v1 = convert_v2_to_v1(&v2);
        assert_eq!(v1["spec"]["targetCPUUtilizationPercentage"], json!(50));
        assert_eq!(
            v1["metadata"]["annotations"][METRIC_SPECS_ANNOTATION],
            json!(
                r#"[{"type":"External","external":{"metricName":"queue","targetAverageValue":"30"}}]"#
            )
        );
        let back = convert_v1_to_v2(&v1).unwrap();
        assert_eq!(
            back["spec"]["metrics"],
            json!([
                {"type": "External", "external": {"metric": {"name": "queue"}, "target": {"type": "AverageValue", "averageValue": "30"}}},
                {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}},
            ])
        );
        assert_eq!(back["status"]["conditions"], v2["status"]["conditions"]);
        assert_eq!(back["metadata"].get("annotations"), None);
    }
}
