//! PodDisruptionBudgets (pkg/apis/policy/validation), PriorityClasses
//! (pkg/apis/scheduling/validation) and HorizontalPodAutoscalers
//! (pkg/apis/autoscaling/validation).
use super::apps::{not_more_than_100_percent, positive_int_or_percent};
use super::meta;
use super::names::NameFormat;
use super::render::{json, label_selector, quote};
use super::Errors;
use crate::api::Value;
use crate::server::status::FieldError;

/// `scheduling.HighestUserDefinablePriority`.
pub const HIGHEST_USER_DEFINABLE_PRIORITY: i64 = 1_000_000_000;
/// `scheduling.SystemCriticalPriority`.
const SYSTEM_CRITICAL_PRIORITY: i64 = 2 * HIGHEST_USER_DEFINABLE_PRIORITY;

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

/// `ValidateHorizontalPodAutoscaler` / `ValidateHorizontalPodAutoscalerUpdate` on the internal
/// (v2) form, as the apiserver validates after conversion: the metadata here, the spec by
/// [`crate::controllers::hpa::spec::validate`] (minimum replicas 1: `HPAScaleToZero` is alpha,
/// off; 0 stays allowed on an update of an HPA that already has it). An `autoscaling/v1` object
/// is converted first, so its errors name the v2 fields (`spec.metrics[0].resource.target...`).
pub fn horizontal_pod_autoscaler(obj: &Value, old: Option<&Value>, errs: &mut Errors) {
    use crate::controllers::hpa::spec;
    match old {
        Some(old) => meta::object_meta_update(obj, old, errs),
        None => meta::object_meta(obj, true, NameFormat::Dns1123Subdomain, errs),
    }
    let internal = |o: &Value| {
        if crate::api::object::api_version(o) == "autoscaling/v1" {
            spec::convert_v1_to_v2(o)
        } else {
            Ok(o.clone())
        }
    };
    let new = match internal(obj) {
        Ok(v) => v,
        Err(e) => {
            errs.push(FieldError::invalid("metadata.annotations", "", e));
            return;
        }
    };
    match old.map(|o| internal(o).unwrap_or_else(|_| o.clone())) {
        Some(old) => errs.extend(spec::validate_update(&new, &old, false)),
        None => errs.extend(spec::validate(&new, 1)),
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
