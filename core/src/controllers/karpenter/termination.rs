//! Termination (kubernetes-sigs/karpenter v1.13.0 `nodeclaim/lifecycle/controller.go`
//! `finalize`, `node/termination/controller.go` and `terminator/`): a deleted NodeClaim
//! deletes its Node; the Node is tainted `karpenter.sh/disrupted:NoSchedule` and drained
//! through the Eviction API (non-critical pods first, DaemonSet pods after the others,
//! critical ones last; PodDisruptionBudgets answer 429 and the drain waits), then the
//! instance is terminated (`InstanceTerminating`), the Node's finalizer lifted and the
//! NodeClaim's last. Past the claim's `terminationGracePeriod` the remaining pods are
//! deleted whatever their budgets say. Also the interruption controller
//! (karpenter-provider-aws `pkg/controllers/interruption`): a spot interruption notice
//! deletes the NodeClaim at once.
use super::apis::{NodeClaim, DISRUPTED_TAINT_KEY, TERMINATION_FINALIZER};
use super::cluster::{pods_on, PodRef};
use super::nodeclaims::{condition_status, set_condition};
use super::pods::{is_daemon, is_evictable, is_waiting_eviction};
use super::state::{State, EVENT_DEDUPE_MS};
use crate::api::object::{self, array_at, set_path, str_at};
use crate::api::Value;
use crate::cloud::provider;
use crate::controllers::kind;
use crate::json;
use crate::runtime::Action;
use crate::server::{EventType, Server, ROOT};
use crate::sim::parse_rfc3339;

/// How often a drain looks again while pods terminate.
const DRAIN_POLL_MS: i64 = 1_000;
/// How often a drain retries evictions a budget refused (the eviction queue's back-off cap).
const EVICTION_RETRY_MS: i64 = 10_000;

/// The Node of a claim (by the name its provider ID gives, checking the provider ID).
pub fn node_of(s: &Server, claim: &NodeClaim) -> Option<Value> {
    let name = provider::node_name(&claim.provider_id)?;
    s.get(ROOT, kind("v1", "Node"), "", &name)
        .filter(|n| str_at(n, &["spec", "providerID"]) == Some(claim.provider_id.as_str()))
        .cloned()
}

fn without_finalizer(obj: &Value) -> Value {
    let mut o = obj.clone();
    let fins: Vec<Value> = array_at(obj, &["metadata", "finalizers"])
        .iter()
        .filter(|f| *f != TERMINATION_FINALIZER)
        .cloned()
        .collect();
    set_path(&mut o, &["metadata", "finalizers"], Value::from(fins));
    o
}

/// Finalizes a NodeClaim being deleted.
pub fn finalize(state: &mut State, s: &mut Server, obj: &Value, claim: &NodeClaim) -> Action {
    if !array_at(obj, &["metadata", "finalizers"])
        .iter()
        .any(|f| f == TERMINATION_FINALIZER)
    {
        return Action::AwaitChange;
    }
    let now = s.clock.now_ms();
    if let Some(node) = node_of(s, claim) {
        let node_info = kind("v1", "Node");
        if !object::is_terminating(&node) {
            let _ = s.delete(ROOT, node_info, "", object::name(&node), None, None);
        }
        let Some(node) = s.get(ROOT, node_info, "", object::name(&node)).cloned() else {
            return Action::RequeueAfter(0);
        };
        if let Some(wait) = drain(state, s, &node, claim, obj) {
            return Action::RequeueAfter(wait);
        }
        // Drained: terminate the instance, then let the Node go.
        if let Some(o) = s
            .get(ROOT, kind("karpenter.sh/v1", "NodeClaim"), "", &claim.name)
            .cloned()
        {
            let mut o = o;
            set_condition(&mut o, &s.clock.rfc3339(), "Drained", "True", "Drained", "");
            set_condition(
                &mut o,
                &s.clock.rfc3339(),
                "InstanceTerminating",
                "True",
                "InstanceTerminating",
                "",
            );
            let _ = s.update_status(ROOT, &o);
        }
        state.billing.stop(&claim.name, now);
        let _ = s.update(ROOT, without_finalizer(&node));
        return Action::RequeueAfter(0);
    }
    if !claim.provider_id.is_empty() && condition_status(obj, "InstanceTerminating") != Some("True")
    {
        let mut o = obj.clone();
        set_condition(
            &mut o,
            &s.clock.rfc3339(),
            "InstanceTerminating",
            "True",
            "InstanceTerminating",
            "",
        );
        let _ = s.update_status(ROOT, &o);
    }
    state.billing.stop(&claim.name, now);
    let Some(latest) = s
        .get(ROOT, kind("karpenter.sh/v1", "NodeClaim"), "", &claim.name)
        .cloned()
    else {
        return Action::AwaitChange;
    };
    match s.update(ROOT, without_finalizer(&latest)) {
        Ok(_) => Action::AwaitChange,
        Err(_) => Action::Retry,
    }
}

/// The eviction order (`groupPodsByPriority`): non-critical non-daemon, non-critical daemon,
/// critical non-daemon, critical daemon.
fn group(p: &Value) -> usize {
    let critical = matches!(
        str_at(p, &["spec", "priorityClassName"]),
        Some("system-cluster-critical" | "system-node-critical")
    );
    usize::from(critical) * 2 + usize::from(is_daemon(p))
}

/// One drain step (`Terminator.Drain`): taints the node, deletes pods past the termination
/// grace period, evicts the first non-empty group. Returns when to look again, or None when
/// nothing waits any more.
fn drain(
    state: &mut State,
    s: &mut Server,
    node: &Value,
    claim: &NodeClaim,
    claim_obj: &Value,
) -> Option<i64> {
    let now = s.clock.now_ms();
    let node = taint_disrupted(s, node);
    let name = object::name(&node).to_string();
    let pods: Vec<PodRef> = pods_on(s, &name)
        .into_iter()
        .filter(|p| is_waiting_eviction(&p.pod, now))
        .collect();
    if pods.is_empty() {
        return None;
    }
    let pod_info = kind("v1", "Pod");
    // terminationGracePeriod: the NodeClaim's deletion time plus the period.
    let deadline = claim.spec.termination_grace_period_ns.and_then(|ns| {
        str_at(claim_obj, &["metadata", "deletionTimestamp"])
            .and_then(parse_rfc3339)
            .map(|t| t.saturating_add(ns / 1_000_000))
    });
    if let Some(d) = deadline {
        if now >= d {
            for p in &pods {
                if !object::is_terminating(&p.pod) {
                    state.publish(
                        s,
                        &p.pod,
                        EventType::Normal,
                        "Disrupted",
                        &format!(
                            "Deleting the pod to accommodate the terminationTime {} of the node. The pod was granted 0 seconds of grace-period of its {} terminationGracePeriodSeconds. This bypasses the PDB of the pod and the do-not-disrupt annotation.",
                            crate::sim::format_rfc3339(d),
                            object::i64_at(&p.pod, &["spec", "terminationGracePeriodSeconds"]).unwrap_or(30)
                        ),
                        "",
                        EVENT_DEDUPE_MS,
                    );
                    let _ = s.delete(
                        &p.workspace,
                        pod_info,
                        object::namespace(&p.pod),
                        object::name(&p.pod),
                        None,
                        Some(0),
                    );
                }
            }
            return Some(DRAIN_POLL_MS);
        }
    }
    let reason = crate::api::condition::get(claim_obj, "DisruptionReason")
        .filter(|c| c["status"] == "True")
        .and_then(|c| c["reason"].as_str())
        .unwrap_or("Forceful Termination")
        .to_string();
    let first = pods.iter().map(|p| group(&p.pod)).min().unwrap_or(0);
    let mut refused = false;
    for p in pods.iter().filter(|p| group(&p.pod) == first) {
        if object::is_terminating(&p.pod) || !is_evictable(&p.pod, now) {
            continue;
        }
        let (ns, pname) = (
            object::namespace(&p.pod).to_string(),
            object::name(&p.pod).to_string(),
        );
        match s.evict(&p.workspace, &ns, &pname) {
            Ok(_) => state.publish(
                s,
                &p.pod,
                EventType::Normal,
                "Evicted",
                &format!("Evicted pod: {reason}"),
                "",
                EVENT_DEDUPE_MS,
            ),
            Err(e) if e.code == 404 || e.code == 409 => {}
            Err(e) => {
                refused = true;
                let why = if e.code == 429 {
                    "evicting pod violates a PDB"
                } else {
                    "eviction does not support multiple PDBs"
                };
                state.publish(
                    s,
                    &node,
                    EventType::Warning,
                    "FailedDraining",
                    &format!("Failed to drain node, {why} (Pod={ns}/{pname})"),
                    "",
                    EVENT_DEDUPE_MS,
                );
            }
        }
    }
    let mut wait = if refused {
        EVICTION_RETRY_MS
    } else {
        DRAIN_POLL_MS
    };
    if let Some(d) = deadline {
        wait = wait.min((d - now).max(0));
    }
    Some(wait)
}

/// Adds `karpenter.sh/disrupted:NoSchedule` to a Node (returns it as stored).
pub fn taint_disrupted(s: &mut Server, node: &Value) -> Value {
    let taints = array_at(node, &["spec", "taints"]);
    if taints.iter().any(|t| t["key"] == DISRUPTED_TAINT_KEY) {
        return node.clone();
    }
    let mut n = node.clone();
    let mut all = taints.to_vec();
    all.push(json!({"key": DISRUPTED_TAINT_KEY, "effect": "NoSchedule"}));
    set_path(&mut n, &["spec", "taints"], Value::from(all));
    s.update(ROOT, n).unwrap_or_else(|_| node.clone())
}

/// Removes `karpenter.sh/disrupted` from a Node (`RequireNoScheduleTaint(false)`).
pub fn untaint_disrupted(s: &mut Server, node: &Value) {
    let taints = array_at(node, &["spec", "taints"]);
    if !taints.iter().any(|t| t["key"] == DISRUPTED_TAINT_KEY) {
        return;
    }
    let mut n = node.clone();
    let kept: Vec<Value> = taints
        .iter()
        .filter(|t| t["key"] != DISRUPTED_TAINT_KEY)
        .cloned()
        .collect();
    set_path(&mut n, &["spec", "taints"], Value::from(kept));
    let _ = s.update(ROOT, n);
}

/// The interruption controller on a spot interruption notice: `SpotInterrupted` Events on
/// the NodeClaim, its Node and its pods, `TerminatingOnInterruption` on the first two, and
/// the NodeClaim deleted (which drains the node before EC2 reclaims it).
pub fn interrupt(state: &mut State, s: &mut Server, claim_obj: &Value, claim: &NodeClaim) {
    if claim.deleting {
        return;
    }
    let node = node_of(s, claim);
    let pods = node
        .as_ref()
        .map(|n| pods_on(s, object::name(n)))
        .unwrap_or_default();
    let warn = |state: &mut State, s: &mut Server, o: &Value, reason: &str, msg: &str| {
        state.publish(s, o, EventType::Warning, reason, msg, "", EVENT_DEDUPE_MS);
    };
    warn(
        state,
        s,
        claim_obj,
        "SpotInterrupted",
        "Spot interruption warning was triggered",
    );
    if let Some(n) = &node {
        warn(
            state,
            s,
            n,
            "SpotInterrupted",
            "Spot interruption warning was triggered",
        );
    }
    for p in &pods {
        warn(
            state,
            s,
            &p.pod,
            "SpotInterrupted",
            "Spot interruption warning was triggered",
        );
    }
    warn(
        state,
        s,
        claim_obj,
        "TerminatingOnInterruption",
        "Interruption triggered termination for the NodeClaim",
    );
    if let Some(n) = &node {
        warn(
            state,
            s,
            n,
            "TerminatingOnInterruption",
            "Interruption triggered termination for the Node",
        );
    }
    let _ = s.delete(
        ROOT,
        kind("karpenter.sh/v1", "NodeClaim"),
        "",
        &claim.name,
        None,
        None,
    );
}
