//! The scheduler (kube-scheduler's framework): pending pods in priority order, Filter on every
//! node, Score the feasible ones, pick the best (ties broken at random with the control
//! plane's seeded RNG), bind. Failures become `FailedScheduling` Events with upstream's text.
pub mod plugins;

use crate::api::object::{self, array_at, str_at};
use crate::api::resources::{node_allocatable, pod_requests};
use crate::api::Resources;
use crate::controllers::{is_pod_active, kind};
use crate::server::{EventType, Server, ROOT};
use crate::store::EventType as WatchType;
use plugins::{Code, FILTERS, SCORERS};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

pub const SCHEDULER_NAME: &str = "default-scheduler";

/// What the scheduler remembers between runs (it is part of snapshots).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct State {
    /// Store revision up to which cluster changes have been seen.
    seen_revision: u64,
    /// Bumped by every change that can make an unschedulable pod schedulable.
    cluster_epoch: u64,
    /// Pod uid → the epoch at which it last failed; retried only once the epoch moves.
    unschedulable: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taint {
    pub key: String,
    pub value: String,
    pub effect: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toleration {
    pub key: String,
    pub operator: String,
    pub value: String,
    pub effect: String,
}

/// The scheduler's view of a pod.
#[derive(Debug, Clone)]
pub struct PodInfo {
    pub requests: Resources,
    pub non_zero_requests: Resources,
    pub tolerations: Vec<Toleration>,
    pub node_selector: BTreeMap<String, String>,
    pub affinity: Value,
    pub node_name: Option<String>,
    pub priority: i64,
}

/// The scheduler's view of a node (`framework.NodeInfo`).
#[derive(Debug, Clone)]
pub struct NodeInfo {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub taints: Vec<Taint>,
    pub unschedulable: bool,
    pub allocatable: Resources,
    pub requested: Resources,
    pub non_zero_requested: Resources,
    pub pod_count: i64,
}

fn field(v: &Value, k: &str) -> String {
    v.get(k).and_then(Value::as_str).unwrap_or("").to_string()
}

impl PodInfo {
    pub fn from_pod(pod: &Value) -> PodInfo {
        let spec = pod.get("spec").unwrap_or(&Value::Null);
        PodInfo {
            requests: pod_requests(pod, false),
            non_zero_requests: pod_requests(pod, true),
            tolerations: array_at(spec, &["tolerations"])
                .iter()
                .map(|t| Toleration {
                    key: field(t, "key"),
                    operator: field(t, "operator"),
                    value: field(t, "value"),
                    effect: field(t, "effect"),
                })
                .collect(),
            node_selector: object::string_map(spec, &["nodeSelector"]),
            affinity: spec.get("affinity").cloned().unwrap_or(Value::Null),
            node_name: None,
            priority: spec.get("priority").and_then(Value::as_i64).unwrap_or(0),
        }
    }
}

impl NodeInfo {
    pub fn from_node(node: &Value) -> NodeInfo {
        NodeInfo {
            name: object::name(node).to_string(),
            labels: object::labels(node),
            taints: array_at(node, &["spec", "taints"])
                .iter()
                .map(|t| Taint {
                    key: field(t, "key"),
                    value: field(t, "value"),
                    effect: field(t, "effect"),
                })
                .collect(),
            unschedulable: node["spec"]["unschedulable"] == true,
            allocatable: node_allocatable(node),
            requested: Resources::default(),
            non_zero_requested: Resources::default(),
            pod_count: 0,
        }
    }

    pub fn add_pod(&mut self, pod: &PodInfo) {
        self.requested.add(&pod.requests);
        self.non_zero_requested.add(&pod.non_zero_requests);
        self.pod_count += 1;
    }
}

/// The outcome of one scheduling attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Bind(String),
    Unschedulable(String),
}

/// Filters and scores `nodes` for `pod`; picks among the best with `rng`.
pub fn decide(pod: &PodInfo, nodes: &[NodeInfo], rng: &mut crate::sim::Rng) -> Decision {
    let mut feasible: Vec<usize> = Vec::new();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    let mut preemption: BTreeMap<&'static str, usize> = BTreeMap::new();
    for (i, node) in nodes.iter().enumerate() {
        match FILTERS.iter().try_for_each(|f| (f.run)(pod, node)) {
            Ok(()) => feasible.push(i),
            Err(unfit) => {
                for r in unfit.reasons {
                    *reasons.entry(r).or_default() += 1;
                }
                let p = match unfit.code {
                    Code::UnschedulableAndUnresolvable => {
                        "Preemption is not helpful for scheduling"
                    }
                    Code::Unschedulable => "No preemption victims found for incoming pod",
                };
                *preemption.entry(p).or_default() += 1;
            }
        }
    }
    match feasible.len() {
        0 => Decision::Unschedulable(fit_error(nodes.len(), &reasons, &preemption)),
        1 => Decision::Bind(nodes[feasible[0]].name.clone()),
        _ => {
            let mut totals = vec![0i64; feasible.len()];
            for scorer in SCORERS {
                let mut scores: Vec<i64> = feasible
                    .iter()
                    .map(|&i| (scorer.score)(pod, &nodes[i]))
                    .collect();
                if let Some(n) = scorer.normalize {
                    n(&mut scores);
                }
                for (t, s) in totals.iter_mut().zip(scores) {
                    *t += s * scorer.weight;
                }
            }
            // selectHost: the highest total; ties by reservoir sampling.
            let mut best = 0usize;
            let mut count = 0u64;
            let max = totals.iter().copied().max().unwrap_or(0);
            for (j, t) in totals.iter().enumerate() {
                if *t == max {
                    count += 1;
                    if rng.below(count) == 0 {
                        best = j;
                    }
                }
            }
            Decision::Bind(nodes[feasible[best]].name.clone())
        }
    }
}

/// `FitError.Error()`: "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated
/// taint {gpu: true}. preemption: 0/3 nodes are available: …".
fn fit_error(
    n: usize,
    reasons: &BTreeMap<String, usize>,
    preemption: &BTreeMap<&str, usize>,
) -> String {
    let histogram = |m: Vec<String>| {
        let mut m = m;
        m.sort();
        m.join(", ")
    };
    let filters = histogram(reasons.iter().map(|(r, c)| format!("{c} {r}")).collect());
    let mut msg = format!("0/{n} nodes are available");
    if n == 0 {
        return format!("{msg}.");
    }
    msg.push_str(&format!(": {filters}."));
    let pre = histogram(preemption.iter().map(|(r, c)| format!("{c} {r}")).collect());
    msg.push_str(&format!(" preemption: 0/{n} nodes are available: {pre}."));
    msg
}

fn pod_key(p: &Value) -> (std::cmp::Reverse<i64>, String, String, String) {
    (
        std::cmp::Reverse(object::i64_at(p, &["spec", "priority"]).unwrap_or(0)),
        str_at(p, &["metadata", "creationTimestamp"])
            .unwrap_or("")
            .to_string(),
        object::namespace(p).to_string(),
        object::name(p).to_string(),
    )
}

/// Notes cluster changes since the last run that can make pending pods fit.
fn observe(s: &Server, state: &mut State) {
    let rev = s.store.revision();
    match s.store.events_since(state.seen_revision) {
        Ok(events) => {
            for e in events {
                let moved = match e.key.resource.as_str() {
                    "nodes" => true,
                    "pods" => {
                        e.kind == WatchType::Deleted
                            || (str_at(&e.object, &["spec", "nodeName"]).is_some()
                                && !is_pod_active(&e.object))
                    }
                    _ => false,
                };
                if moved {
                    state.cluster_epoch += 1;
                    break;
                }
            }
        }
        Err(_) => state.cluster_epoch += 1,
    }
    state.seen_revision = rev;
}

/// One scheduling pass over every pending pod, highest priority first.
pub fn schedule(s: &mut Server, state: &mut State) {
    observe(s, state);
    let pod_info = kind("v1", "Pod");
    let node_info = kind("v1", "Node");
    let mut pending: Vec<Value> = Vec::new();
    let mut bound: HashMap<String, Vec<PodInfo>> = HashMap::new();
    for p in s.list(ROOT, pod_info, None) {
        match str_at(p, &["spec", "nodeName"]).filter(|n| !n.is_empty()) {
            Some(n) => {
                if is_pod_active(p) || object::is_terminating(p) {
                    bound
                        .entry(n.to_string())
                        .or_default()
                        .push(PodInfo::from_pod(p));
                }
            }
            None => {
                let ours = str_at(p, &["spec", "schedulerName"]).unwrap_or(SCHEDULER_NAME)
                    == SCHEDULER_NAME;
                let gated = !array_at(p, &["spec", "schedulingGates"]).is_empty();
                let retry = state
                    .unschedulable
                    .get(object::uid(p))
                    .is_none_or(|e| *e < state.cluster_epoch);
                if ours && !gated && is_pod_active(p) && retry {
                    pending.push(p.clone());
                }
            }
        }
    }
    if pending.is_empty() {
        return;
    }
    pending.sort_by_key(pod_key);
    let mut nodes: Vec<NodeInfo> = s
        .list(ROOT, node_info, None)
        .map(|n| {
            let mut ni = NodeInfo::from_node(n);
            for p in bound.get(&ni.name).into_iter().flatten() {
                ni.add_pod(p);
            }
            ni
        })
        .collect();
    for pod in pending {
        let info = PodInfo::from_pod(&pod);
        match decide(&info, &nodes, &mut s.rng) {
            Decision::Bind(node) => {
                if let Some(n) = nodes.iter_mut().find(|n| n.name == node) {
                    n.add_pod(&info);
                }
                state.unschedulable.remove(object::uid(&pod));
                bind(s, &pod, &node);
            }
            Decision::Unschedulable(message) => {
                state
                    .unschedulable
                    .insert(object::uid(&pod).to_string(), state.cluster_epoch);
                mark_unschedulable(s, &pod, &message);
            }
        }
    }
    // Forget pods that are gone.
    let live: std::collections::BTreeSet<String> = s
        .list(ROOT, pod_info, None)
        .map(|p| object::uid(p).to_string())
        .collect();
    state.unschedulable.retain(|uid, _| live.contains(uid));
    state.seen_revision = s.store.revision();
}

/// The Binding subresource: sets `spec.nodeName` and the PodScheduled condition.
fn bind(s: &mut Server, pod: &Value, node: &str) {
    let now = s.clock.rfc3339();
    let Ok(updated) = s.bind(ROOT, object::namespace(pod), object::name(pod), node) else {
        return;
    };
    let mut st = updated.clone();
    set_condition(
        &mut st,
        json!({"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": now}),
    );
    let _ = s.update_status(ROOT, &st);
    s.event(
        ROOT,
        &updated,
        EventType::Normal,
        "Scheduled",
        &format!(
            "Successfully assigned {}/{} to {node}",
            object::namespace(pod),
            object::name(pod)
        ),
        SCHEDULER_NAME,
    );
}

fn mark_unschedulable(s: &mut Server, pod: &Value, message: &str) {
    let now = s.clock.rfc3339();
    let mut st = pod.clone();
    set_condition(
        &mut st,
        json!({"type": "PodScheduled", "status": "False", "lastProbeTime": null, "lastTransitionTime": now, "reason": "Unschedulable", "message": message}),
    );
    let _ = s.update_status(ROOT, &st);
    s.event(
        ROOT,
        pod,
        EventType::Warning,
        "FailedScheduling",
        message,
        SCHEDULER_NAME,
    );
}

/// Replaces the condition of the same type, keeping `lastTransitionTime` when the status is unchanged.
pub fn set_condition(pod: &mut Value, cond: Value) {
    let mut conds: Vec<Value> = array_at(pod, &["status", "conditions"]).to_vec();
    match conds.iter_mut().find(|c| c["type"] == cond["type"]) {
        Some(c) => {
            let mut cond = cond;
            if c["status"] == cond["status"] {
                cond["lastTransitionTime"] = c["lastTransitionTime"].clone();
            }
            *c = cond;
        }
        None => conds.push(cond),
    }
    object::set_path(pod, &["status", "conditions"], Value::Array(conds));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_error_message_shape() {
        let reasons: BTreeMap<String, usize> = [
            ("Insufficient cpu".to_string(), 1),
            (
                "node(s) had untolerated taint {dedicated: gpu}".to_string(),
                2,
            ),
        ]
        .into();
        let pre: BTreeMap<&str, usize> = [
            ("No preemption victims found for incoming pod", 1),
            ("Preemption is not helpful for scheduling", 2),
        ]
        .into();
        assert_eq!(
            fit_error(3, &reasons, &pre),
            "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling."
        );
    }
}
