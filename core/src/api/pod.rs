//! Pod predicates every part of the control plane asks (`podutil` upstream): whether a pod is
//! active, ready, available, and where it runs. Shared by controllers, the scheduler, the node
//! agent and the server, so none of them imports another.
use super::object::{array_at, is_terminating, str_at};
use super::Value;

/// `status.phase`, `Pending` when unset.
pub fn phase(pod: &Value) -> &str {
    str_at(pod, &["status", "phase"]).unwrap_or("Pending")
}

/// A pod has ended: `Succeeded` or `Failed` (`podutil.IsPodTerminal`).
pub fn is_terminal(pod: &Value) -> bool {
    matches!(phase(pod), "Succeeded" | "Failed")
}

/// A pod is active until it ends or starts terminating (`controller.IsPodActive`).
pub fn is_active(pod: &Value) -> bool {
    let phase = str_at(pod, &["status", "phase"]).unwrap_or("");
    phase != "Succeeded" && phase != "Failed" && !is_terminating(pod)
}

/// `isRunningAndReady` (the StatefulSet controller's): phase `Running` and Ready.
pub fn running_and_ready(pod: &Value) -> bool {
    phase(pod) == "Running" && is_ready(pod)
}

/// `podutil.IsPodReady`: the Ready condition is True.
pub fn is_ready(pod: &Value) -> bool {
    array_at(pod, &["status", "conditions"])
        .iter()
        .any(|c| c["type"] == "Ready" && c["status"] == "True")
}

/// When the Ready condition last changed, if the pod is Ready.
pub fn ready_since(pod: &Value) -> Option<i64> {
    array_at(pod, &["status", "conditions"])
        .iter()
        .find(|c| c["type"] == "Ready" && c["status"] == "True")
        .and_then(|c| c["lastTransitionTime"].as_str())
        .and_then(crate::sim::parse_rfc3339)
}

/// `podutil.IsPodAvailable` at `now_ms`: Ready for at least `min_ready_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    /// Available now.
    Available,
    /// Ready, and available at this instant (ms).
    At(i64),
    /// Not ready.
    Unavailable,
}

impl Availability {
    /// Whether the pod is available now.
    pub fn now(self) -> bool {
        self == Availability::Available
    }
}

/// Whether `pod` is available at `now_ms` (`podutil.IsPodAvailable`), and if not yet, when.
pub fn availability(pod: &Value, min_ready_seconds: i64, now_ms: i64) -> Availability {
    if !is_ready(pod) {
        return Availability::Unavailable;
    }
    ready_availability(ready_since(pod), min_ready_seconds, now_ms)
}

/// [`availability`] of a Ready pod whose Ready condition last changed at `ready_since` (for
/// callers that keep a view of the pod instead of the pod).
pub fn ready_availability(
    ready_since: Option<i64>,
    min_ready_seconds: i64,
    now_ms: i64,
) -> Availability {
    if min_ready_seconds <= 0 {
        return Availability::Available;
    }
    match ready_since {
        Some(t) => {
            let at = t.saturating_add(min_ready_seconds.saturating_mul(1000));
            if now_ms >= at {
                Availability::Available
            } else {
                Availability::At(at)
            }
        }
        None => Availability::Unavailable,
    }
}

/// The node a pod is bound to (`spec.nodeName`), if any.
pub fn node_name(pod: &Value) -> Option<&str> {
    str_at(pod, &["spec", "nodeName"]).filter(|n| !n.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn availability_waits_min_ready_seconds() {
        let p = json!({"status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": "1970-01-01T00:00:10Z"}]}});
        assert_eq!(availability(&p, 0, 0), Availability::Available);
        assert_eq!(availability(&p, 5, 14_999), Availability::At(15_000));
        assert_eq!(availability(&p, 5, 15_000), Availability::Available);
        assert_eq!(availability(&json!({}), 0, 0), Availability::Unavailable);
        assert!(is_active(&p) && is_ready(&p));
        assert!(!is_active(&json!({"status": {"phase": "Succeeded"}})));
    }
}
