//! The HPA's last decision in words and numbers, for people (`ControlPlane::explain_autoscaling`,
//! npm `cp.explainAutoscaling`, the playground): what each metric measured against its target,
//! the ratio and the replicas it asked for, what stabilization and the rate limits made of the
//! highest proposal, and what was written.
use super::decision::{Decision, ScaleInfo};
use super::replica_calculator::quantity_milli;
use super::spec::HpaSpec;
use crate::api::object::{self, array_at};
use crate::api::Value;
use crate::json;
use crate::sim::format_rfc3339;

/// A metric's current value against its target: (what, current, target, ratio).
fn describe(spec: &Value, status: &Value) -> (String, String, String, Option<f64>) {
    let ty = spec["type"].as_str().unwrap_or("");
    let key = match ty {
        "Resource" => "resource",
        "ContainerResource" => "containerResource",
        "Pods" => "pods",
        "Object" => "object",
        "External" => "external",
        _ => return (ty.to_string(), String::new(), String::new(), None),
    };
    let what = match key {
        "resource" | "containerResource" => {
            let name = spec[key]["name"].as_str().unwrap_or("");
            match spec[key]["container"].as_str() {
                Some(c) => format!("{name} of container {c}"),
                None => name.to_string(),
            }
        }
        _ => spec[key]["metric"]["name"]
            .as_str()
            .unwrap_or("")
            .to_string(),
    };
    let target = &spec[key]["target"];
    let current = &status[key]["current"];
    let q = |v: &Value| match v {
        Value::String(s) => s.to_string(),
        Value::Null => "<unknown>".to_string(),
        other => other.to_string(),
    };
    if let Some(t) = target["averageUtilization"].as_i64() {
        let c = current["averageUtilization"].as_i64();
        let ratio = c.filter(|_| t > 0).map(|c| c as f64 / t as f64);
        return (
            format!("{what} utilization (of requests)"),
            c.map_or("<unknown>".to_string(), |c| format!("{c}%")),
            format!("{t}%"),
            ratio,
        );
    }
    for (field, label) in [("averageValue", "average per pod"), ("value", "value")] {
        if let Some(t) = target.get(field).filter(|v| !v.is_null()) {
            let c = current.get(field).filter(|v| !v.is_null());
            let ratio = match (c.and_then(quantity_milli), quantity_milli(t)) {
                (Some(c), Some(t)) if t > 0 => Some(c as f64 / t as f64),
                _ => None,
            };
            return (
                format!("{what} ({label})"),
                c.map_or("<unknown>".to_string(), q),
                q(t),
                ratio,
            );
        }
    }
    (what, String::new(), String::new(), None)
}

fn conditions(d: &Decision) -> Vec<Value> {
    d.conditions
        .iter()
        .map(|c| json!({"type": c.condition_type.as_str(), "status": if c.status { "True" } else { "False" }, "reason": c.reason.as_str(), "message": c.message.as_str()}))
        .collect()
}

/// The record of one sync.
pub fn record(hpa: &Value, spec: &HpaSpec, scale: &ScaleInfo, d: &Decision, now_ms: i64) -> Value {
    let specs = array_at(hpa, &["spec", "metrics"]);
    let mut metrics = Vec::new();
    let mut words = Vec::new();
    for (i, m) in specs.iter().enumerate() {
        let status = d.metric_statuses.get(i).cloned().unwrap_or(Value::Null);
        let proposal = d.metric_proposals.get(i).copied().flatten();
        let (what, current, target, ratio) = describe(m, &status);
        let mut entry = json!({"metric": what.as_str(), "current": current.as_str(), "target": target.as_str()});
        if let Some(r) = ratio {
            entry["ratio"] = json!((r * 1000.0).round() / 1000.0);
        }
        match proposal {
            Some(p) => {
                entry["replicas"] = json!(p);
                words.push(match ratio {
                    Some(r) => format!(
                        "{what} is {current} against a target of {target} (ratio {:.2}): {p} replicas",
                        r
                    ),
                    None => format!("{what} is {current} against a target of {target}: {p} replicas"),
                });
            }
            None => {
                entry["error"] = json!("the metric could not be read");
                words.push(format!("{what}: no value"));
            }
        }
        metrics.push(entry);
    }
    let current = d.current_replicas;
    let desired = d.desired_replicas.unwrap_or(current);
    let mut summary = String::new();
    if let Some(e) = &d.error {
        summary.push_str(&format!("The HPA could not compute a replica count: {e}. "));
    }
    if !words.is_empty() {
        summary.push_str(&words.join("; "));
        summary.push_str(". ");
    }
    let limited = d
        .conditions
        .iter()
        .rev()
        .find(|c| c.condition_type == "ScalingLimited" && c.status);
    let stabilized = d.conditions.iter().find(|c| {
        c.condition_type == "AbleToScale"
            && matches!(
                c.reason.as_str(),
                "ScaleDownStabilized" | "ScaleUpStabilized"
            )
    });
    if let (Some(r), true) = (d.recommendation, d.error.is_none()) {
        if r != desired {
            summary.push_str(&format!("The highest proposal, {r}, became {desired}"));
            let mut why = Vec::new();
            if let Some(c) = stabilized {
                why.push(c.message.clone());
            }
            if let Some(c) = limited {
                why.push(c.message.clone());
            }
            if !why.is_empty() {
                summary.push_str(&format!(": {}", why.join("; ")));
            }
            summary.push_str(". ");
        }
    } else if let Some(reason) = d.conditions.iter().find(|c| c.reason == "ScalingDisabled") {
        summary.push_str(&format!("{}. ", reason.message));
    }
    match d.rescale_to {
        Some(to) if d.rescaled => summary.push_str(&format!(
            "Scaled {} {} from {current} to {to} ({}).",
            spec.scale_target_ref.kind, spec.scale_target_ref.name, d.rescale_reason
        )),
        Some(to) => summary.push_str(&format!("Scaling to {to} failed.")),
        None => summary.push_str(&format!("Kept {current} replicas.")),
    }
    json!({
        "time": format_rfc3339(now_ms),
        "hpa": object::name(hpa),
        "namespace": object::namespace(hpa),
        "target": format!("{}/{}", spec.scale_target_ref.kind, spec.scale_target_ref.name),
        "minReplicas": spec.min_replicas,
        "maxReplicas": spec.max_replicas,
        "currentReplicas": current,
        "statusReplicas": scale.status_replicas,
        "recommendation": d.recommendation,
        "desiredReplicas": desired,
        "rescaled": d.rescaled,
        "reason": d.rescale_reason.as_str(),
        "metrics": Value::Array(metrics.into()),
        "conditions": Value::Array(conditions(d).into()),
        "events": Value::Array(d.events.iter().map(|e| json!({"type": if e.warning { "Warning" } else { "Normal" }, "reason": e.reason.as_str(), "message": e.message.as_str()})).collect::<Vec<_>>().into()),
        "error": d.error.as_deref(),
        "summary": summary.trim(),
    })
}

/// The record of a sync that could not read the target's scale.
pub fn failed(hpa: &Value, error: &str, now_ms: i64) -> Value {
    json!({
        "time": format_rfc3339(now_ms),
        "hpa": object::name(hpa),
        "namespace": object::namespace(hpa),
        "error": error,
        "summary": format!("The HPA controller was unable to get the target's current scale: {error}."),
    })
}
