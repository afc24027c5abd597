//! `HorizontalPodAutoscalerCondition`s and `setConditionInList` (horizontal.go).
use crate::api::{Map, Value};
use crate::json;
use crate::sim::format_rfc3339;

/// A condition to set on the HPA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// `AbleToScale`, `ScalingActive` or `ScalingLimited`.
    pub condition_type: String,
    /// True or False.
    pub status: bool,
    /// The reason (`SucceededRescale`, `ValidMetricFound`, `TooFewReplicas`, ...).
    pub reason: String,
    /// The message.
    pub message: String,
}

impl Condition {
    /// A condition of `condition_type`.
    pub fn new(
        condition_type: &str,
        status: bool,
        reason: impl Into<String>,
        message: impl Into<String>,
    ) -> Condition {
        Condition {
            condition_type: condition_type.to_string(),
            status,
            reason: reason.into(),
            message: message.into(),
        }
    }
}

/// `setConditionInList`: replaces the condition of the same type in place (appending a new one),
/// and moves `lastTransitionTime` to `now` only when the status changes.
pub fn set_condition(conditions: &mut Vec<Value>, c: &Condition, now_ms: i64) {
    let status = if c.status { "True" } else { "False" };
    let index = match conditions
        .iter()
        .position(|x| x["type"] == c.condition_type.as_str())
    {
        Some(i) => i,
        None => {
            conditions.push(json!({"type": c.condition_type.as_str()}));
            conditions.len() - 1
        }
    };
    let Some(existing) = conditions.get(index) else {
        return;
    };
    let transition = if existing["status"] != status {
        json!(format_rfc3339(now_ms))
    } else {
        existing
            .get("lastTransitionTime")
            .cloned()
            .unwrap_or(Value::Null)
    };
    let mut m = Map::new();
    m.insert("type", json!(c.condition_type.as_str()));
    m.insert("status", json!(status));
    if !transition.is_null() {
        m.insert("lastTransitionTime", transition);
    }
    m.insert("reason", json!(c.reason.as_str()));
    m.insert("message", json!(c.message.as_str()));
    conditions[index] = Value::Object(m);
}
