//! Why a node is, or is not, a consolidation candidate, and what consolidating it alone
//! would do now: the checks of `NewCandidate` and each method's `ShouldDisrupt`, the budget
//! left in its NodePool, and a fresh single-node simulation (where each of its pods would
//! go, the decision, the replacement and the savings). Read-only: nothing is written and no
//! Event is published.
use super::budget::DisruptionReason;
use super::cluster::{Cache, Cluster, PodRef};
use super::cost::{compute_consolidation, Decision, PricedCandidate, SimulatedNodeClaim};
use super::disruption::{
    active_nodes, base_pods, budgets, candidates, not_a_candidate, Method, Pass, Sink,
};
use super::requirements::{CAPACITY_TYPE_LABEL, INSTANCE_TYPE_LABEL, ZONE_LABEL};
use super::simulate::Base;
use super::state::{State, Verdict};
use crate::api::object;
use crate::server::Server;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where one pod of the node would go.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodPlacement {
    /// `namespace/name`.
    pub pod: String,
    /// The node (or NodeClaim) it would move to, `new NodeClaim` for a replacement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
    /// Why it would not schedule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The replacement a REPLACE would launch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Replacement {
    /// Its NodePool.
    pub nodepool: String,
    /// The instance types it may be, cheapest first (at most 10 shown).
    pub instance_types: Vec<String>,
    /// How many there are.
    pub options: usize,
    /// The cheapest option's price, $/hour.
    pub price_per_hour: f64,
}

/// What simulating the node's removal found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SimulationReport {
    /// `delete`, `replace` or `no-op`.
    pub decision: String,
    /// The `Unconsolidatable` message of a no-op.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The node's reschedulable pods.
    pub pods: Vec<PodPlacement>,
    /// The replacement of a REPLACE.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replacement: Option<Replacement>,
    /// The node's price, $/hour.
    pub price_per_hour: f64,
    /// `EstimatedSavings`, $/hour.
    pub savings: f64,
}

/// One method's view of the node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MethodView {
    /// `emptiness`, `drift`, `multi-node`, `single-node`.
    pub method: String,
    /// Whether the method would consider the node (`ShouldDisrupt`).
    pub eligible: bool,
    /// Why not, in Karpenter's words, when it says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Why a node is or is not a consolidation candidate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeExplanation {
    /// The node.
    pub node: String,
    /// Its NodeClaim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nodeclaim: Option<String>,
    /// Its NodePool.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nodepool: Option<String>,
    /// Instance type, capacity type and zone.
    pub instance_type: String,
    /// `on-demand` or `spot`.
    pub capacity_type: String,
    /// The zone.
    pub zone: String,
    /// Whether it passes every candidate check (it may still be ineligible for a method).
    pub candidate: bool,
    /// Why it is not a candidate at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked: Option<String>,
    /// `Consolidatable` (consolidateAfter has passed since its last pod event).
    pub consolidatable: bool,
    /// Per method.
    pub methods: Vec<MethodView>,
    /// Disruptions its NodePool's budgets still allow for consolidation (`Underutilized`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget: Option<i64>,
    /// What removing it alone would do now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub simulation: Option<SimulationReport>,
    /// A disruption command it is part of (proposed or executing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    /// The latest disruption Event about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_event: Option<Verdict>,
}

/// Explains node `name` (a Node name, or a NodeClaim name before registration); None when
/// there is no such node.
pub fn explain(s: &Server, state: &State, name: &str) -> Option<NodeExplanation> {
    let mut cache = Cache::default();
    let cluster = Cluster::build(s, &mut cache);
    let idx = cluster
        .nodes
        .iter()
        .position(|n| n.name() == name || n.claim_name() == Some(name))?;
    let sn = &cluster.nodes[idx];
    let labels = sn.labels().clone();
    let label = |k: &str| labels.get(k).cloned().unwrap_or_default();
    let mut out = NodeExplanation {
        node: sn.name().to_string(),
        nodeclaim: sn.claim_name().map(str::to_string),
        nodepool: sn.nodepool(),
        instance_type: label(INSTANCE_TYPE_LABEL),
        capacity_type: label(CAPACITY_TYPE_LABEL),
        zone: label(ZONE_LABEL),
        consolidatable: sn
            .claim
            .as_ref()
            .is_some_and(|c| c.claim.is_true("Consolidatable")),
        last_event: state.disruption.verdicts.get(sn.name()).cloned(),
        ..NodeExplanation::default()
    };
    let all_commands = state
        .disruption
        .proposed
        .iter()
        .map(|c| (c, "proposed, validating"))
        .chain(state.disruption.queue.iter().map(|c| (c, "executing")));
    for (c, phase) in all_commands {
        if c.candidates.iter().any(|x| x.node == out.node) {
            out.command = Some(format!("{} ({}, {phase})", c.summary(), c.reason));
        }
    }
    if !sn.managed() {
        out.blocked = Some("Node isn't managed by karpenter".into());
        return Some(out);
    }
    if let Some(why) = not_a_candidate(state, &cluster, sn, false) {
        out.blocked = Some(if why.is_empty() {
            "Candidate is already being disrupted".into()
        } else {
            why
        });
        return Some(out);
    }
    out.candidate = true;
    let mut scratch = state.clone();
    let mut sink = Sink {
        server: None,
        state: &mut scratch,
        said: BTreeMap::new(),
    };
    for m in super::disruption::METHODS {
        let eligible = candidates(&mut sink, &cluster, m)
            .iter()
            .any(|c| c.idx == idx);
        let reason = sink
            .said
            .remove(sn.name())
            .and_then(|v| v.into_iter().map(|(_, m)| m).next());
        out.methods.push(MethodView {
            method: m.name().to_string(),
            eligible,
            reason: if eligible { None } else { reason },
        });
    }
    out.budget = sn.nodepool().and_then(|p| {
        budgets(&mut sink, &cluster, DisruptionReason::Underutilized)
            .get(&p)
            .copied()
    });
    // A fresh single-node simulation.
    let cands = candidates(&mut sink, &cluster, Method::SingleNode);
    let candidate = match cands.iter().find(|c| c.idx == idx) {
        Some(c) => c.clone(),
        None => {
            // Not eligible for consolidation now: simulate anyway, to show what would happen.
            let pool = sn.nodepool().and_then(|p| cluster.pool(&p))?;
            super::disruption::Candidate {
                idx,
                sn,
                pool,
                instance_type: labels
                    .get(INSTANCE_TYPE_LABEL)
                    .and_then(|t| pool.instance_type(t)),
                reschedulable: sn
                    .pods
                    .iter()
                    .filter(|p| super::pods::is_reschedulable(&p.pod))
                    .cloned()
                    .collect(),
                labels: labels.clone(),
                cost: 0.0,
            }
        }
    };
    let (pods, deleting) = base_pods(&cluster, &scratch, s);
    let active = active_nodes(&cluster, &scratch);
    let mut infos = |p: &PodRef| cache.pod_info(p);
    let base = Base::new(&cluster, &active, &mut infos);
    let mut pass = Pass {
        cluster: &cluster,
        base,
        pods,
        deleting,
        infos: &mut infos,
    };
    let Some(sim) = pass.simulate(&[&candidate]) else {
        return Some(out);
    };
    let priced = PricedCandidate {
        instance_type: candidate.instance_type,
        labels: &candidate.labels,
    };
    let price = priced.price().unwrap_or(0.0);
    let mut placements = Vec::new();
    let mine: Vec<String> = candidate
        .reschedulable
        .iter()
        .map(|p| object::uid(&p.pod).to_string())
        .collect();
    for (i, p) in sim.results.pods.iter().enumerate() {
        if !mine.iter().any(|u| u == object::uid(&p.pod.pod)) {
            continue;
        }
        let destination = sim
            .results
            .existing
            .iter()
            .find(|(_, ps)| ps.contains(&i))
            .map(|(n, _)| cluster.nodes[*n].name().to_string())
            .or_else(|| {
                sim.results
                    .new_claims
                    .iter()
                    .any(|c| c.pods.contains(&i))
                    .then(|| format!("new NodeClaim ({})", candidate.pool.pool.name))
            });
        placements.push(PodPlacement {
            pod: p.pod.key(),
            destination,
            error: sim.results.error_of(i).map(str::to_string),
        });
    }
    let planned: Vec<SimulatedNodeClaim<'_>> = sim
        .results
        .new_claims
        .iter()
        .map(|c| SimulatedNodeClaim {
            requirements: c.requirements.clone(),
            instance_types: c.instance_types.clone(),
        })
        .collect();
    let decision = compute_consolidation(&[priced], sim.unschedulable.clone(), planned, false);
    let (decision, message, replacement, savings) = match decision {
        Decision::NoOp { event } => ("no-op", event, None, 0.0),
        Decision::Delete => ("delete", None, None, price),
        Decision::Replace(nc) => {
            let cheapest = nc
                .instance_types
                .first()
                .map(|it| it.cheapest_price(&nc.requirements))
                .unwrap_or(0.0);
            (
                "replace",
                None,
                Some(Replacement {
                    nodepool: candidate.pool.pool.name.clone(),
                    instance_types: nc
                        .instance_types
                        .iter()
                        .take(10)
                        .map(|it| it.name().to_string())
                        .collect(),
                    options: nc.instance_types.len(),
                    price_per_hour: cheapest,
                }),
                price - cheapest,
            )
        }
    };
    out.simulation = Some(SimulationReport {
        decision: decision.to_string(),
        message,
        pods: placements,
        replacement,
        price_per_hour: price,
        savings,
    });
    Some(out)
}
