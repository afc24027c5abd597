//! Karpenter's pod predicates (kubernetes-sigs/karpenter v1.13.0 `pkg/utils/pod/scheduling.go`)
//! and PodDisruptionBudget limits (`pkg/utils/pdb/pdb.go`): which pods trigger provisioning,
//! which move when their node goes, which may be evicted, and which block disruption.
use super::apis::{DISRUPTED_TAINT_KEY, DO_NOT_DISRUPT_ANNOTATION};
use super::cluster::{owned_by, Cluster, PodRef};
use super::offering::tolerations_of;
use crate::api::duration::parse_go_duration;
use crate::api::object::{self, array_at, str_at};
use crate::api::Value;
use crate::scheduler::plugins::taint_toleration::tolerates;
use crate::scheduler::Taint;
use crate::sim::parse_rfc3339;

/// `IsTerminal`: Succeeded or Failed.
pub fn is_terminal(pod: &Value) -> bool {
    matches!(
        str_at(pod, &["status", "phase"]),
        Some("Succeeded" | "Failed")
    )
}

/// `IsActive`: neither terminal nor terminating.
pub fn is_active(pod: &Value) -> bool {
    !is_terminal(pod) && !object::is_terminating(pod)
}

/// `IsOwnedByDaemonSet`.
pub fn is_daemon(pod: &Value) -> bool {
    owned_by(pod, "apps/v1", "DaemonSet")
}

/// `IsOwnedByNode` (static pods' mirrors).
pub fn is_mirror(pod: &Value) -> bool {
    owned_by(pod, "v1", "Node")
}

/// `IsReschedulable`: active (or a terminating StatefulSet pod), not a DaemonSet's or a
/// node's: the pods that need a new home when their node goes.
pub fn is_reschedulable(pod: &Value) -> bool {
    (is_active(pod) || (owned_by(pod, "apps/v1", "StatefulSet") && object::is_terminating(pod)))
        && !is_daemon(pod)
        && !is_mirror(pod)
}

/// `FailedToSchedule`: `PodScheduled=False` with reason `Unschedulable`.
pub fn failed_to_schedule(pod: &Value) -> bool {
    array_at(pod, &["status", "conditions"])
        .iter()
        .any(|c| c["type"] == "PodScheduled" && c["reason"] == "Unschedulable")
}

/// `IsProvisionable`: the scheduler could not place it, it is not bound, not preempting
/// (no `nominatedNodeName`), not a DaemonSet's or a node's.
pub fn is_provisionable(pod: &Value) -> bool {
    failed_to_schedule(pod)
        && str_at(pod, &["spec", "nodeName"]).is_none_or(str::is_empty)
        && str_at(pod, &["status", "nominatedNodeName"]).is_none_or(str::is_empty)
        && !is_daemon(pod)
        && !is_mirror(pod)
        && is_active(pod)
}

/// The `karpenter.sh/disrupted:NoSchedule` taint.
pub fn disrupted_taint() -> Taint {
    Taint {
        key: DISRUPTED_TAINT_KEY.into(),
        value: String::new(),
        effect: "NoSchedule".into(),
    }
}

/// `ToleratesDisruptedNoScheduleTaint`.
pub fn tolerates_disrupted_taint(pod: &Value) -> bool {
    let taint = disrupted_taint();
    tolerations_of(pod).iter().any(|t| tolerates(t, &taint))
}

/// What `karpenter.sh/do-not-disrupt` says about a pod at `now_ms`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DoNotDisrupt {
    /// No annotation, or a duration that has elapsed.
    Inactive,
    /// `"true"`, or a grace duration still running (until the given instant, when known).
    Active(Option<i64>),
    /// A value that is neither `"true"` nor a positive duration (upstream publishes an
    /// `InvalidDoNotDisruptAnnotation` Event and ignores it).
    Invalid(String),
}

/// `IsDoNotDisruptActive` (v1.13 accepts `"true"` or a grace duration counted from the pod's
/// start).
pub fn do_not_disrupt(pod: &Value, now_ms: i64) -> DoNotDisrupt {
    let Some(v) = str_at(pod, &["metadata", "annotations", DO_NOT_DISRUPT_ANNOTATION]) else {
        return DoNotDisrupt::Inactive;
    };
    if v == "true" {
        return DoNotDisrupt::Active(None);
    }
    let ns = match parse_go_duration(v) {
        Ok(ns) if ns > 0 => ns,
        Ok(_) => return DoNotDisrupt::Invalid(format!("duration {v:?} must be positive")),
        Err(e) => {
            return DoNotDisrupt::Invalid(format!("failed to parse {v:?} as a duration: {e}"))
        }
    };
    let Some(start) = str_at(pod, &["status", "startTime"]).and_then(parse_rfc3339) else {
        return DoNotDisrupt::Active(None);
    };
    let until = start.saturating_add(ns / 1_000_000);
    if now_ms < until {
        DoNotDisrupt::Active(Some(until))
    } else {
        DoNotDisrupt::Inactive
    }
}

/// Whether the annotation blocks disruption now.
pub fn do_not_disrupt_active(pod: &Value, now_ms: i64) -> bool {
    matches!(do_not_disrupt(pod, now_ms), DoNotDisrupt::Active(_))
}

/// `IsEvictable`: active, not tolerating the disrupted taint, not a mirror pod, and not
/// protected by `karpenter.sh/do-not-disrupt`.
pub fn is_evictable(pod: &Value, now_ms: i64) -> bool {
    is_active(pod)
        && !tolerates_disrupted_taint(pod)
        && !is_mirror(pod)
        && !do_not_disrupt_active(pod, now_ms)
}

/// `IsDisruptable`: not active, or not protected by `karpenter.sh/do-not-disrupt`.
pub fn is_disruptable(pod: &Value, now_ms: i64) -> bool {
    !is_active(pod) || !do_not_disrupt_active(pod, now_ms)
}

/// `IsStuckTerminating`: terminating for more than a minute.
pub fn is_stuck_terminating(pod: &Value, now_ms: i64) -> bool {
    object::is_terminating(pod)
        && str_at(pod, &["metadata", "deletionTimestamp"])
            .and_then(parse_rfc3339)
            .is_some_and(|t| now_ms - t > 60_000)
}

/// `IsWaitingEviction`: not terminal, not tolerating the disrupted taint, not stuck
/// terminating, not a mirror pod: what a drain waits for.
pub fn is_waiting_eviction(pod: &Value, now_ms: i64) -> bool {
    !is_terminal(pod)
        && !tolerates_disrupted_taint(pod)
        && !is_stuck_terminating(pod, now_ms)
        && !is_mirror(pod)
}

/// Which PDB rule `isEvictable` applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Blocker {
    /// A budget with no disruption allowed right now blocks.
    ZeroDisruptions,
    /// Only a budget that never allows any (`maxUnavailable: 0`, `minAvailable: 100%`).
    FullyBlocking,
}

/// `Limits.isEvictable`: the keys of the blocking budgets, or None when the pod may go.
fn pdb_blocks(cluster: &Cluster, p: &PodRef, blocker: Blocker) -> Option<Vec<String>> {
    if !is_evictable(&p.pod, cluster.now_ms) {
        return None;
    }
    let matching: Vec<_> = cluster.pdbs_for(p).collect();
    if matching.len() > 1 {
        return Some(matching.iter().map(|b| b.key.clone()).collect());
    }
    for b in matching {
        if b.always_allow_unhealthy
            && array_at(&p.pod, &["status", "conditions"])
                .iter()
                .any(|c| c["type"] == "Ready" && c["status"] == "False")
        {
            return None;
        }
        let blocked = match blocker {
            Blocker::ZeroDisruptions => b.disruptions_allowed <= 0,
            Blocker::FullyBlocking => b.fully_blocking,
        };
        if blocked {
            return Some(vec![b.key.clone()]);
        }
    }
    None
}

/// `Limits.CanEvictPods`: the first pod whose budgets allow no disruption now, with the
/// budgets' keys.
pub fn pdb_blocking<'a>(
    cluster: &Cluster,
    pods: &'a [PodRef],
) -> Option<(&'a PodRef, Vec<String>)> {
    pods.iter()
        .find_map(|p| pdb_blocks(cluster, p, Blocker::ZeroDisruptions).map(|k| (p, k)))
}

/// `Limits.IsCurrentlyReschedulable`: reschedulable, disruptable, and not under a budget
/// that never allows a disruption.
pub fn is_currently_reschedulable(cluster: &Cluster, p: &PodRef) -> bool {
    is_reschedulable(&p.pod)
        && is_disruptable(&p.pod, cluster.now_ms)
        && pdb_blocks(cluster, p, Blocker::FullyBlocking).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn do_not_disrupt_true_or_a_running_grace_duration() {
        let at = |v: &str| {
            json!({"metadata": {"annotations": {DO_NOT_DISRUPT_ANNOTATION: v}},
                   "status": {"startTime": "2026-01-01T00:00:00Z"}})
        };
        let start = parse_rfc3339("2026-01-01T00:00:00Z").unwrap();
        assert_eq!(
            do_not_disrupt(&at("true"), start),
            DoNotDisrupt::Active(None)
        );
        assert_eq!(
            do_not_disrupt(&at("10m"), start + 60_000),
            DoNotDisrupt::Active(Some(start + 600_000))
        );
        assert_eq!(
            do_not_disrupt(&at("10m"), start + 600_000),
            DoNotDisrupt::Inactive
        );
        // "false" is not a duration: upstream ignores it (and says so in an Event).
        assert!(matches!(
            do_not_disrupt(&at("false"), start),
            DoNotDisrupt::Invalid(_)
        ));
        assert_eq!(do_not_disrupt(&json!({}), start), DoNotDisrupt::Inactive);
    }

    #[test]
    fn provisionable_pods_failed_to_schedule_and_are_not_daemons() {
        let pod = json!({"spec": {}, "status": {"phase": "Pending", "conditions": [
            {"type": "PodScheduled", "status": "False", "reason": "Unschedulable"}]}});
        assert!(is_provisionable(&pod));
        let mut bound = pod.clone();
        bound["spec"]["nodeName"] = json!("n1");
        assert!(!is_provisionable(&bound));
        let mut ds = pod.clone();
        ds["metadata"] = json!({"ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "d"}]});
        assert!(!is_provisionable(&ds));
        let mut nominated = pod.clone();
        nominated["status"]["nominatedNodeName"] = json!("n2");
        assert!(!is_provisionable(&nominated));
    }
}
