//! PodDisruptionBudgets (pkg/apis/policy/validation), PriorityClasses
//! (pkg/apis/scheduling/validation) and HorizontalPodAutoscalers
//! (pkg/apis/autoscaling/validation).
use super::apps::{not_more_than_100_percent, positive_int_or_percent};
use super::meta::{self, s};
use super::names::{self, NameFormat};
use super::render::{json, label_selector, quote, value};
use super::Errors;
use crate::api::object::path;
use crate::api::quantity::Quantity;
use crate::api::Value;
use crate::server::status::FieldError;

/// `scheduling.HighestUserDefinablePriority`.
pub const HIGHEST_USER_DEFINABLE_PRIORITY: i64 = 1_000_000_000;
/// `scheduling.SystemCriticalPriority`.
const SYSTEM_CRITICAL_PRIORITY: i64 = 2 * HIGHEST_USER_DEFINABLE_PRIORITY;
/// autoscaling `MaxPeriodSeconds`.
const MAX_PERIOD_SECONDS: i64 = 1800;
/// autoscaling `MaxStabilizationWindowSeconds`.
const MAX_STABILIZATION_WINDOW_SECONDS: i64 = 3600;

/// `ValidatePodDisruptionBudget` (the strategy checks the spec; the generic metadata check,
/// with path-segment names, runs only when the spec is valid, as `rest.BeforeCreate` does).
pub fn pod_disruption_budget(obj: &Value, errs: &mut Errors) {
    let spec = obj.get("spec").unwrap_or(&Value::Null);
    let before = errs.len();
    let (min, max) = (
        spec.get("minAvailable").filter(|v| !v.is_null()),
        spec.get("maxUnavailable").filter(|v| !v.is_null()),
    );
    if min.is_some() && max.is_some() {
        // The internal PodDisruptionBudgetSpec has no JSON tags: Go field names.
        let sel = spec
            .get("selector")
            .filter(|v| !v.is_null())
            .map_or_else(|| "null".to_string(), label_selector);
        let policy = spec
            .get("unhealthyPodEvictionPolicy")
            .filter(|v| !v.is_null())
            .map_or_else(|| "null".to_string(), json);
        errs.push(FieldError::invalid(
            "spec",
            format!(
                "{{\"MinAvailable\":{},\"Selector\":{sel},\"MaxUnavailable\":{},\"UnhealthyPodEvictionPolicy\":{policy}}}",
                json(min.unwrap_or(&Value::Null)),
                json(max.unwrap_or(&Value::Null))
            ),
            "minAvailable and maxUnavailable cannot be both set",
        ));
    }
    for (key, v) in [("minAvailable", min), ("maxUnavailable", max)] {
        if v.is_some() {
            let p = format!("spec.{key}");
            positive_int_or_percent(v, &p, errs);
            not_more_than_100_percent(v, &p, errs);
        }
    }
    meta::label_selector(spec.get("selector"), "spec.selector", errs);
    if let Some(p) = spec
        .get("unhealthyPodEvictionPolicy")
        .and_then(Value::as_str)
    {
        if p != "AlwaysAllow" && p != "IfHealthyBudget" {
            errs.push(FieldError::not_supported(
                "spec.unhealthyPodEvictionPolicy",
                quote(p),
                &["AlwaysAllow", "IfHealthyBudget"],
            ));
        }
    }
    if errs.len() == before {
        meta::object_meta(obj, true, NameFormat::PathSegment, errs);
    }
}

/// `ValidatePriorityClass`.
pub fn priority_class(obj: &Value, errs: &mut Errors) {
    meta::object_meta(obj, false, NameFormat::Dns1123Subdomain, errs);
    let name = crate::api::object::name(obj);
    let v = obj.get("value").and_then(Value::as_i64).unwrap_or(0);
    let global = obj.get("globalDefault").and_then(Value::as_bool) == Some(true);
    if name.starts_with("system-") {
        let known = match name {
            "system-node-critical" => Some(SYSTEM_CRITICAL_PRIORITY + 1000),
            "system-cluster-critical" => Some(SYSTEM_CRITICAL_PRIORITY),
            _ => None,
        };
        let err = match known {
            None => Some(format!("{name} is not a known system priority class")),
            Some(want) if want != v => {
                Some(format!("value of {name} PriorityClass must be {want}"))
            }
            Some(_) if global => Some(format!(
                "globalDefault of {name} PriorityClass must be false"
            )),
            Some(_) => None,
        };
        if let Some(e) = err {
            errs.push(FieldError::forbidden(
                "metadata.name",
                format!("priority class names with 'system-' prefix are reserved for system use only. error: {e}"),
            ));
        }
    } else if v > HIGHEST_USER_DEFINABLE_PRIORITY {
        errs.push(FieldError::forbidden(
            "value",
            format!("maximum allowed value of a user defined priority is {HIGHEST_USER_DEFINABLE_PRIORITY}"),
        ));
    }
    if let Some(p) = obj.get("preemptionPolicy").filter(|v| !v.is_null()) {
        let p = p.as_str().unwrap_or("");
        if p.is_empty() {
            errs.push(FieldError::required("preemptionPolicy", ""));
        } else if p != "PreemptLowerPriority" && p != "Never" {
            errs.push(FieldError::not_supported(
                "preemptionPolicy",
                quote(p),
                &["PreemptLowerPriority", "Never"],
            ));
        }
    }
}

/// `ValidatePriorityClassUpdate`: the value and the preemption policy never change.
pub fn priority_class_update(old: &Value, new: &Value, errs: &mut Errors) {
    meta::object_meta_update(new, old, errs);
    for key in ["value", "preemptionPolicy"] {
        if old.get(key) != new.get(key) {
            errs.push(FieldError::forbidden(
                key,
                "may not be changed in an update.",
            ));
        }
    }
}

fn int(v: &Value, keys: &[&str]) -> Option<i64> {
    path(v, keys).and_then(Value::as_i64)
}

/// `ValidateHorizontalPodAutoscaler` (minimum replicas 1: `HPAScaleToZero` is alpha, off).
pub fn horizontal_pod_autoscaler(obj: &Value, old: Option<&Value>, errs: &mut Errors) {
    if let Some(old) = old {
        meta::object_meta_update(obj, old, errs);
    } else {
        meta::object_meta(obj, true, NameFormat::Dns1123Subdomain, errs);
    }
    let spec = obj.get("spec").unwrap_or(&Value::Null);
    let lower = if old.and_then(|o| int(o, &["spec", "minReplicas"])) == Some(0) {
        0
    } else {
        1
    };
    let min = int(spec, &["minReplicas"]);
    let max = int(spec, &["maxReplicas"]).unwrap_or(0);
    if let Some(m) = min.filter(|m| *m < lower) {
        errs.push(FieldError::invalid(
            "spec.minReplicas",
            m.to_string(),
            format!("must be greater than or equal to {lower}"),
        ));
    }
    if max < 1 {
        errs.push(FieldError::invalid(
            "spec.maxReplicas",
            max.to_string(),
            "must be greater than 0",
        ));
    }
    if min.is_some_and(|m| max < m) {
        errs.push(FieldError::invalid(
            "spec.maxReplicas",
            max.to_string(),
            "must be greater than or equal to `minReplicas`",
        ));
    }
    cross_version_ref(
        spec.get("scaleTargetRef").unwrap_or(&Value::Null),
        "spec.scaleTargetRef",
        errs,
    );
    if crate::api::object::api_version(obj) == "autoscaling/v1" {
        if let Some(t) = int(spec, &["targetCPUUtilizationPercentage"]) {
            if t < 1 {
                errs.push(FieldError::invalid(
                    "spec.metrics[0].resource.target.averageUtilization",
                    t.to_string(),
                    "must be greater than 0",
                ));
            }
        }
        return;
    }
    let metrics = spec
        .get("metrics")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let mut object_or_external = false;
    for (i, m) in metrics.iter().enumerate() {
        metric_spec(m, &format!("spec.metrics[{i}]"), errs);
        object_or_external |= matches!(s(m, "type"), "Object" | "External");
    }
    if min == Some(0) && !object_or_external {
        errs.push(FieldError::forbidden(
            "spec.metrics",
            "must specify at least one Object or External metric to support scaling to zero replicas",
        ));
    }
    if let Some(b) = spec.get("behavior").filter(|v| !v.is_null()) {
        for key in ["scaleUp", "scaleDown"] {
            if let Some(r) = b.get(key).filter(|v| !v.is_null()) {
                scaling_rules(r, &format!("spec.behavior.{key}"), errs);
            }
        }
    }
}

/// `ValidateCrossVersionObjectReference`.
fn cross_version_ref(r: &Value, p: &str, errs: &mut Errors) {
    for key in ["kind", "name"] {
        let v = s(r, key);
        if v.is_empty() {
            errs.push(FieldError::required(format!("{p}.{key}"), ""));
        } else {
            for m in names::path_segment_name(v) {
                errs.push(FieldError::invalid(format!("{p}.{key}"), quote(v), m));
            }
        }
    }
}

/// `validateScalingRules`.
fn scaling_rules(r: &Value, p: &str, errs: &mut Errors) {
    if let Some(w) = int(r, &["stabilizationWindowSeconds"]) {
        if w < 0 {
            errs.push(FieldError::invalid(
                format!("{p}.stabilizationWindowSeconds"),
                w.to_string(),
                "must be greater than or equal to zero",
            ));
        }
        if w > MAX_STABILIZATION_WINDOW_SECONDS {
            errs.push(FieldError::invalid(
                format!("{p}.stabilizationWindowSeconds"),
                w.to_string(),
                format!("must be less than or equal to {MAX_STABILIZATION_WINDOW_SECONDS}"),
            ));
        }
    }
    if let Some(sp) = r.get("selectPolicy").and_then(Value::as_str) {
        if !["Disabled", "Max", "Min"].contains(&sp) {
            errs.push(FieldError::not_supported(
                format!("{p}.selectPolicy"),
                quote(sp),
                &["Disabled", "Max", "Min"],
            ));
        }
    }
    let policies = r
        .get("policies")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    if policies.is_empty() {
        errs.push(FieldError::required(
            format!("{p}.policies"),
            "must specify at least one Policy",
        ));
    }
    for (i, pol) in policies.iter().enumerate() {
        let pp = format!("{p}.policies[{i}]");
        let t = s(pol, "type");
        if t != "Pods" && t != "Percent" {
            errs.push(FieldError::not_supported(
                format!("{pp}.type"),
                quote(t),
                &["Percent", "Pods"],
            ));
        }
        let v = int(pol, &["value"]).unwrap_or(0);
        if v <= 0 {
            errs.push(FieldError::invalid(
                format!("{pp}.value"),
                v.to_string(),
                "must be greater than zero",
            ));
        }
        let period = int(pol, &["periodSeconds"]).unwrap_or(0);
        if period <= 0 {
            errs.push(FieldError::invalid(
                format!("{pp}.periodSeconds"),
                period.to_string(),
                "must be greater than zero",
            ));
        }
        if period > MAX_PERIOD_SECONDS {
            errs.push(FieldError::invalid(
                format!("{pp}.periodSeconds"),
                period.to_string(),
                format!("must be less than or equal to {MAX_PERIOD_SECONDS}"),
            ));
        }
    }
}

const METRIC_TYPES: &[&str] = &[
    "ContainerResource",
    "External",
    "Object",
    "Pods",
    "Resource",
];

/// `validateMetricSpec`.
fn metric_spec(m: &Value, p: &str, errs: &mut Errors) {
    let t = s(m, "type");
    if t.is_empty() {
        errs.push(FieldError::required(
            format!("{p}.type"),
            "must specify a metric source type",
        ));
    }
    if !METRIC_TYPES.contains(&t) {
        errs.push(FieldError::not_supported(
            format!("{p}.type"),
            quote(t),
            METRIC_TYPES,
        ));
    }
    let mut present: Vec<&str> = Vec::new();
    for key in [
        "object",
        "external",
        "pods",
        "resource",
        "containerResource",
    ] {
        if let Some(src) = m.get(key).filter(|v| !v.is_null()) {
            present.push(key);
            if present.len() == 1 {
                source(key, src, &format!("{p}.{key}"), errs);
            }
        }
    }
    let expected = match t {
        "Object" => "object",
        "Pods" => "pods",
        "Resource" => "resource",
        "External" => "external",
        "ContainerResource" => "containerResource",
        _ => {
            errs.push(FieldError::not_supported(
                format!("{p}.type"),
                quote(t),
                METRIC_TYPES,
            ));
            ""
        }
    };
    if !expected.is_empty() && !present.contains(&expected) {
        errs.push(FieldError::required(
            format!("{p}.{expected}"),
            "must populate information for the given metric source",
        ));
    }
    if present.len() != 1 {
        let mut others: Vec<&str> = present.into_iter().filter(|k| *k != expected).collect();
        others.sort_unstable();
        for k in others {
            errs.push(FieldError::forbidden(
                format!("{p}.{k}"),
                "must populate the given metric source only",
            ));
        }
    }
}

fn source(kind: &str, src: &Value, p: &str, errs: &mut Errors) {
    let target = src.get("target").unwrap_or(&Value::Null);
    let tp = format!("{p}.target");
    let has = |k: &str| target.get(k).is_some_and(|v| !v.is_null());
    if kind == "object" {
        cross_version_ref(
            src.get("describedObject").unwrap_or(&Value::Null),
            &format!("{p}.describedObject"),
            errs,
        );
    }
    if matches!(kind, "object" | "external" | "pods") {
        let name = path(src, &["metric", "name"])
            .and_then(Value::as_str)
            .unwrap_or("");
        if name.is_empty() {
            errs.push(FieldError::required(
                format!("{p}.metric.name"),
                "must specify a metric name",
            ));
        } else {
            for m in names::path_segment_name(name) {
                errs.push(FieldError::invalid(
                    format!("{p}.metric.name"),
                    quote(name),
                    m,
                ));
            }
        }
    }
    if matches!(kind, "resource" | "containerResource") {
        let name = s(src, "name");
        if name.is_empty() {
            errs.push(FieldError::required(
                format!("{p}.name"),
                "must specify a resource name",
            ));
        }
        if kind == "containerResource" {
            let c = s(src, "container");
            if c.is_empty() {
                errs.push(FieldError::required(
                    format!("{p}.container"),
                    "must specify a container",
                ));
            } else {
                for m in names::dns1123_label(c) {
                    errs.push(FieldError::invalid(format!("{p}.container"), quote(c), m));
                }
            }
        }
    }
    metric_target(target, &tp, errs);
    match kind {
        "object" if !has("value") && !has("averageValue") => errs.push(FieldError::required(
            format!("{tp}.averageValue"),
            "must set either a target value or averageValue",
        )),
        "external" => {
            if !has("value") && !has("averageValue") {
                errs.push(FieldError::required(
                    format!("{tp}.averageValue"),
                    "must set either a target value for metric or a per-pod target",
                ));
            }
            if has("value") && has("averageValue") {
                errs.push(FieldError::forbidden(
                    format!("{tp}.value"),
                    "may not set both a target value for metric and a per-pod target",
                ));
            }
        }
        "pods" if !has("averageValue") => errs.push(FieldError::required(
            format!("{tp}.averageValue"),
            "must specify a positive target averageValue",
        )),
        "resource" | "containerResource" => {
            if !has("averageUtilization") && !has("averageValue") {
                errs.push(FieldError::required(
                    format!("{tp}.averageUtilization"),
                    "must set either a target raw value or a target utilization",
                ));
            }
            if has("averageUtilization") && has("averageValue") {
                errs.push(FieldError::forbidden(
                    format!("{tp}.averageValue"),
                    "may not set both a target raw value and a target utilization",
                ));
            }
        }
        _ => {}
    }
}

/// `validateMetricTarget`.
fn metric_target(t: &Value, p: &str, errs: &mut Errors) {
    let ty = s(t, "type");
    if ty.is_empty() {
        errs.push(FieldError::required(
            format!("{p}.type"),
            "must specify a metric target type",
        ));
    }
    if !["Utilization", "Value", "AverageValue"].contains(&ty) {
        errs.push(FieldError::invalid(
            format!("{p}.type"),
            quote(ty),
            "must be either Utilization, Value, or AverageValue",
        ));
    }
    for key in ["value", "averageValue"] {
        if let Some(v) = t.get(key).filter(|v| !v.is_null()) {
            let text = match v {
                Value::String(s) => s.to_string(),
                other => other.to_string(),
            };
            if let Ok((q, f)) = Quantity::parse_with_format(&text) {
                if q <= Quantity::ZERO {
                    errs.push(FieldError::invalid(
                        format!("{p}.{key}"),
                        quote(&q.canonical(f)),
                        "must be positive",
                    ));
                }
            }
        }
    }
    if let Some(u) = t.get("averageUtilization").and_then(Value::as_i64) {
        if u < 1 {
            errs.push(FieldError::invalid(
                format!("{p}.averageUtilization"),
                value(&Value::from(u)),
                "must be greater than 0",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn run(obj: Value, f: fn(&Value, &mut Errors)) -> Vec<String> {
        let mut e = Vec::new();
        f(&obj, &mut e);
        e.iter().map(ToString::to_string).collect()
    }

    // From policy/validation/validation_test.go TestValidateMinAvailablePodDisruptionBudgetSpec.
    #[test]
    fn disruption_budgets() {
        let pdb =
            |spec: Value| json!({"metadata": {"name": "p", "namespace": "default"}, "spec": spec});
        assert_eq!(
            run(pdb(json!({"minAvailable": 1})), pod_disruption_budget),
            Vec::<String>::new()
        );
        assert_eq!(
            run(pdb(json!({"minAvailable": "120%"})), pod_disruption_budget),
            vec!["spec.minAvailable: Invalid value: \"120%\": must not be greater than 100%"]
        );
        assert_eq!(
            run(pdb(json!({"maxUnavailable": -1})), pod_disruption_budget),
            vec!["spec.maxUnavailable: Invalid value: -1: must be greater than or equal to 0"]
        );
        assert_eq!(run(pdb(json!({"minAvailable": 1, "maxUnavailable": 1, "selector": {"matchLabels": {"a": "b"}}})), pod_disruption_budget), vec!["spec: Invalid value: {\"MinAvailable\":1,\"Selector\":{\"matchLabels\":{\"a\":\"b\"}},\"MaxUnavailable\":1,\"UnhealthyPodEvictionPolicy\":null}: minAvailable and maxUnavailable cannot be both set"]);
    }

    // From scheduling/validation/validation_test.go TestValidatePriorityClass.
    #[test]
    fn priority_classes() {
        let pc = |name: &str, v: i64| json!({"metadata": {"name": name}, "value": v});
        assert_eq!(run(pc("tier1", 100), priority_class), Vec::<String>::new());
        assert_eq!(
            run(pc("tier1", 1_000_000_001), priority_class),
            vec![
                "value: Forbidden: maximum allowed value of a user defined priority is 1000000000"
            ]
        );
        assert_eq!(run(pc("system-something", 100), priority_class), vec!["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-something is not a known system priority class"]);
        assert_eq!(
            run(pc("system-node-critical", 2_000_001_000), priority_class),
            Vec::<String>::new()
        );
        let mut e = Vec::new();
        priority_class_update(&pc("a", 1), &pc("a", 2), &mut e);
        assert_eq!(
            e[0].to_string(),
            "value: Forbidden: may not be changed in an update."
        );
    }

    // From autoscaling/validation/validation_test.go TestValidateHorizontalPodAutoscaler.
    #[test]
    fn autoscalers() {
        let hpa = |spec: Value| json!({"apiVersion": "autoscaling/v2", "metadata": {"name": "h", "namespace": "default"}, "spec": spec});
        let run = |obj: Value| {
            let mut e = Vec::new();
            horizontal_pod_autoscaler(&obj, None, &mut e);
            e.iter().map(ToString::to_string).collect::<Vec<_>>()
        };
        let target = json!({"kind": "Deployment", "name": "web"});
        let cpu = json!([{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}}]);
        assert_eq!(
            run(hpa(
                json!({"scaleTargetRef": target, "minReplicas": 1, "maxReplicas": 5, "metrics": cpu})
            )),
            Vec::<String>::new()
        );
        assert_eq!(run(hpa(json!({"scaleTargetRef": target, "minReplicas": 3, "maxReplicas": 2, "metrics": cpu}))), vec!["spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`"]);
        assert_eq!(run(hpa(json!({"scaleTargetRef": target, "minReplicas": 0, "maxReplicas": 2, "metrics": cpu}))), vec!["spec.minReplicas: Invalid value: 0: must be greater than or equal to 1", "spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling to zero replicas"]);
        assert_eq!(
            run(hpa(
                json!({"scaleTargetRef": {"name": "web"}, "minReplicas": 1, "maxReplicas": 2, "metrics": cpu})
            )),
            vec!["spec.scaleTargetRef.kind: Required value"]
        );
        assert_eq!(run(hpa(json!({"scaleTargetRef": target, "minReplicas": 1, "maxReplicas": 2, "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 0}}}]}))), vec!["spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0"]);
    }
}
