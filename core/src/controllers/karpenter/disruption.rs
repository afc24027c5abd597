//! Disruption (kubernetes-sigs/karpenter v1.13.0 `pkg/controllers/disruption/`).
//!
//! Every 10 s (`pollingPeriod`), when something changed, the methods run in v1.13's order and
//! the first that produces a command wins: **Emptiness** (every empty candidate within the
//! budgets, one command), **Drift** (oldest drifted first, empty ones first, one node), then
//! **multi-node** consolidation (binary search of the largest prefix of up to 100 candidates,
//! cheapest to disrupt first, that can go at once) and **single-node** consolidation
//! (candidates interleaved by NodePool, the first that can go). Consolidation simulates
//! rescheduling the candidates' pods ([`super::simulate`]) and decides DELETE (they fit
//! elsewhere), REPLACE (one new node, strictly cheaper) or nothing ([`super::cost`]).
//!
//! Candidates (`types.go` `NewCandidate`, `statenode.go`): managed, initialized, not being
//! deleted, not nominated for pending pods, no `karpenter.sh/do-not-disrupt` on the node or
//! on an active pod, and no PodDisruptionBudget that allows no disruption now; NodePool
//! budgets (`helpers.go` `BuildDisruptionBudgetMapping`) bound how many go. A refusal is a
//! `DisruptionBlocked`/`Unconsolidatable` Event on the Node and the NodeClaim in Karpenter's
//! words (the error's structured values in parentheses, as Karpenter's logs show them).
//! Upstream dedupes these Events per node for 2 minutes (15 for `Unconsolidatable`) and
//! polls every 10 s, so a new reason shows up at the next poll after the window; kplane runs
//! the loop only when something changed, so it dedupes per node *and message*.
//!
//! Emptiness and consolidation commands wait 15 s (`commandValidationDelay`) and are
//! validated again (`validation.go`); then (`queue.go`) the candidates are tainted
//! `karpenter.sh/disrupted:NoSchedule`, replacements launched, and once every replacement is
//! initialized the candidates' NodeClaims are deleted (their drain honours PDBs through the
//! Eviction API).
//!
//! kplane bounds the work of one pass where upstream bounds its time (multi-node 1 minute,
//! single-node 3 minutes): single-node consolidation simulates at most
//! [`SINGLE_NODE_MAX_SIMULATIONS`] candidates per pass and starts the next pass with the
//! NodePools it did not reach (`PreviouslyUnseenNodePools`).
use super::apis::DO_NOT_DISRUPT_ANNOTATION;
use super::budget::{build_disruption_budget_mapping, BudgetNode, DisruptionReason};
use super::cluster::{Cache, Cluster, PodRef, Pool, StateNode};
use super::cost::{
    compute_consolidation, disruption_cost, filter_out_same_instance_type, sort_by_disruption_cost,
    Decision, PricedCandidate, SimulatedNodeClaim,
};
use super::nodeclaims::{
    clear_condition, condition_status, condition_time, requirements_value, set_condition,
};
use super::offering::InstanceType;
use super::pods::{
    do_not_disrupt_active, is_currently_reschedulable, is_provisionable, is_reschedulable,
    pdb_blocking,
};
use super::requirements::{CAPACITY_TYPE_LABEL, INSTANCE_TYPE_LABEL, ZONE_LABEL};
use super::simulate::{final_requirements, Base, Results};
use super::state::{CandidateRef, Command, ReplacementSpec, State, Verdict};
use crate::api::object::{self, str_at};
use crate::api::Value;
use crate::controllers::kind;
use crate::runtime::Action;
use crate::scheduler::PodInfo;
use crate::server::{EventType, Server, ROOT};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// `pollingPeriod`.
pub const POLL_MS: i64 = 10_000;
/// `commandValidationDelay`.
pub const VALIDATION_MS: i64 = 15_000;
/// Multi-node consolidation's candidate cap.
pub const MULTI_NODE_MAX: usize = 100;
/// How many candidates single-node consolidation simulates in one pass (kplane's stand-in for
/// upstream's 3-minute timeout).
pub const SINGLE_NODE_MAX_SIMULATIONS: usize = 200;
/// The Unconsolidatable Event's dedupe timeout.
const UNCONSOLIDATABLE_DEDUPE_MS: i64 = 15 * 60_000;
/// The default dedupe timeout.
const DEDUPE_MS: i64 = super::state::EVENT_DEDUPE_MS;
/// `NodePoolBlockedForDisruptionReason`'s dedupe timeout.
const POOL_BLOCKED_DEDUPE_MS: i64 = 60_000;

/// A disruption method, in v1.13's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `Emptiness`.
    Emptiness,
    /// `Drift`.
    Drift,
    /// `MultiNodeConsolidation`.
    MultiNode,
    /// `SingleNodeConsolidation`.
    SingleNode,
}

/// The methods in the order the controller tries them (v1.5+: emptiness first).
pub const METHODS: [Method; 4] = [
    Method::Emptiness,
    Method::Drift,
    Method::MultiNode,
    Method::SingleNode,
];

impl Method {
    /// The name kplane records (`emptiness`, `drift`, `multi-node`, `single-node`).
    pub fn name(self) -> &'static str {
        match self {
            Method::Emptiness => "emptiness",
            Method::Drift => "drift",
            Method::MultiNode => "multi-node",
            Method::SingleNode => "single-node",
        }
    }

    fn parse(s: &str) -> Option<Method> {
        METHODS.into_iter().find(|m| m.name() == s)
    }

    /// `Reason`.
    pub fn reason(self) -> DisruptionReason {
        match self {
            Method::Emptiness => DisruptionReason::Empty,
            Method::Drift => DisruptionReason::Drifted,
            _ => DisruptionReason::Underutilized,
        }
    }

    /// `Class`: drift is eventual (a `terminationGracePeriod` lets it past blocking pods),
    /// the others graceful.
    fn eventual(self) -> bool {
        self == Method::Drift
    }
}

/// A node disruption may act on (`disruption.Candidate`).
#[derive(Debug, Clone)]
pub struct Candidate<'c> {
    /// Index into `Cluster::nodes`.
    pub idx: usize,
    /// The state node.
    pub sn: &'c StateNode,
    /// Its NodePool.
    pub pool: &'c Pool,
    /// Its instance type, if the NodePool's node class still offers it.
    pub instance_type: Option<&'c InstanceType>,
    /// Its labels.
    pub labels: BTreeMap<String, String>,
    /// The pods that need a new home if it goes.
    pub reschedulable: Vec<PodRef>,
    /// `DisruptionCost`.
    pub cost: f64,
}

impl Candidate<'_> {
    fn priced(&self) -> PricedCandidate<'_> {
        PricedCandidate {
            instance_type: self.instance_type,
            labels: &self.labels,
        }
    }

    fn claim_name(&self) -> &str {
        self.sn.claim_name().unwrap_or("")
    }

    fn node_name(&self) -> &str {
        self.sn.name()
    }

    fn consolidatable(&self) -> bool {
        self.sn
            .claim
            .as_ref()
            .is_some_and(|c| c.claim.is_true("Consolidatable"))
    }

    fn as_ref(&self) -> CandidateRef {
        CandidateRef {
            node: self.node_name().to_string(),
            claim: self.claim_name().to_string(),
            provider_id: self.sn.provider_id(),
            nodepool: self.pool.pool.name.clone(),
        }
    }
}

/// Where the Events of a pass go: published (the controller), or only recorded (`explain`).
pub struct Sink<'a> {
    /// The server to publish on (None: record only).
    pub server: Option<&'a mut Server>,
    /// Karpenter's memory (dedupe, verdicts).
    pub state: &'a mut State,
    /// What was said about each node in this pass (node name → messages).
    pub said: BTreeMap<String, Vec<(String, String)>>,
}

impl Sink<'_> {
    /// An Event on a node and its NodeClaim (`Blocked`, `Unconsolidatable`, …).
    fn node_event(
        &mut self,
        sn: &StateNode,
        reason: &str,
        message: &str,
        dedupe: &str,
        timeout: i64,
    ) {
        let now = self.server.as_ref().map_or(0, |s| s.clock.now_ms());
        self.said
            .entry(sn.name().to_string())
            .or_default()
            .push((reason.to_string(), message.to_string()));
        let Some(s) = self.server.as_deref_mut() else {
            return;
        };
        self.state.disruption.verdicts.insert(
            sn.name().to_string(),
            Verdict {
                at_ms: now,
                reason: reason.to_string(),
                message: message.to_string(),
            },
        );
        if self.state.disruption.verdicts.len() > 10_000 {
            let oldest: Vec<String> = self
                .state
                .disruption
                .verdicts
                .iter()
                .filter(|(_, v)| v.at_ms < now - 3_600_000)
                .map(|(k, _)| k.clone())
                .collect();
            for k in oldest {
                self.state.disruption.verdicts.remove(&k);
            }
        }
        if let Some(n) = &sn.node {
            self.state
                .publish(s, n, EventType::Normal, reason, message, dedupe, timeout);
        }
        if let Some(c) = &sn.claim {
            self.state.publish(
                s,
                &c.object,
                EventType::Normal,
                reason,
                message,
                dedupe,
                timeout,
            );
        }
    }

    /// An Event on a NodePool.
    fn pool_event(&mut self, pool: &Pool, message: &str, dedupe: &str) {
        if let Some(s) = self.server.as_deref_mut() {
            self.state.publish(
                s,
                &pool.object,
                EventType::Normal,
                "DisruptionBlocked",
                message,
                dedupe,
                POOL_BLOCKED_DEDUPE_MS,
            );
        }
    }
}

/// `pretty.Sentence`: the first letter upper-cased.
fn sentence(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Why a node is not a candidate at all (`ValidateNodeDisruptable`, the NodePool lookup,
/// `ValidatePodsDisruptable`): None when it is one. Unmanaged nodes and nodes already in a
/// command give an empty message (no Event).
pub fn not_a_candidate(
    state: &State,
    cluster: &Cluster,
    sn: &StateNode,
    eventual: bool,
) -> Option<String> {
    let claim = sn.claim.as_ref()?;
    if state.disruption.marked(&claim.claim.name) {
        return Some(String::new());
    }
    if sn.node.is_none() {
        return Some("Nodeclaim does not have an associated node".into());
    }
    if !sn.initialized() {
        return Some("Node isn't initialized".into());
    }
    if sn.deleting() {
        return Some("Node is deleting or marked for deletion".into());
    }
    if state.is_nominated(sn.name(), cluster.now_ms) {
        return Some("Node is nominated for a pending pod".into());
    }
    if sn.do_not_disrupt() {
        return Some(format!(
            "Disruption is blocked through the {DO_NOT_DISRUPT_ANNOTATION:?} annotation"
        ));
    }
    let Some(pool_name) = sn.nodepool() else {
        return Some("Node doesn't have required label (label=karpenter.sh/nodepool)".into());
    };
    if cluster.pool(&pool_name).is_none() {
        return Some(format!("NodePool not found (NodePool={pool_name})"));
    }
    let ignore_pods = eventual && claim.claim.spec.termination_grace_period_ns.is_some();
    if ignore_pods {
        return None;
    }
    if let Some(p) = sn
        .pods
        .iter()
        .find(|p| super::pods::is_active(&p.pod) && do_not_disrupt_active(&p.pod, cluster.now_ms))
    {
        return Some(format!(
            "Pod has {DO_NOT_DISRUPT_ANNOTATION:?} annotation (Pod={})",
            p.key()
        ));
    }
    if let Some((_, keys)) = pdb_blocking(cluster, &sn.pods) {
        return Some(if keys.len() > 1 {
            format!(
                "Eviction does not support multiple PDBs (PodDisruptionBudget(s)=[{}])",
                keys.join(" ")
            )
        } else {
            format!(
                "Pdb prevents pod evictions (PodDisruptionBudget=[{}])",
                keys.join(" ")
            )
        });
    }
    None
}

/// `GetCandidates` for a method, with its Events.
pub fn candidates<'c>(
    sink: &mut Sink<'_>,
    cluster: &'c Cluster,
    method: Method,
) -> Vec<Candidate<'c>> {
    let mut out = Vec::new();
    for (idx, sn) in cluster.nodes.iter().enumerate() {
        if let Some(why) = not_a_candidate(sink.state, cluster, sn, method.eventual()) {
            if !why.is_empty() {
                sink.node_event(sn, "DisruptionBlocked", &why, &why, DEDUPE_MS);
            }
            continue;
        }
        let Some(pool) = sn.nodepool().and_then(|p| cluster.pool(&p)) else {
            continue;
        };
        let labels = sn.labels().clone();
        let instance_type = labels
            .get(INSTANCE_TYPE_LABEL)
            .and_then(|t| pool.instance_type(t));
        let pods: Vec<&Value> = sn.pods.iter().map(|p| &p.pod).collect();
        let claim = sn.claim.as_ref().map(|c| &c.claim);
        let cost = disruption_cost(
            pods.iter().copied(),
            cluster.now_ms,
            claim.and_then(|c| c.created_ms).unwrap_or(cluster.now_ms),
            claim.and_then(|c| c.spec.expire_after_ns),
        );
        let c = Candidate {
            idx,
            sn,
            pool,
            instance_type,
            reschedulable: sn
                .pods
                .iter()
                .filter(|p| is_reschedulable(&p.pod))
                .cloned()
                .collect(),
            labels,
            cost,
        };
        if should_disrupt(sink, &c, method) {
            out.push(c);
        }
    }
    out
}

/// `ShouldDisrupt` of each method, with its `Unconsolidatable` Events.
fn should_disrupt(sink: &mut Sink<'_>, c: &Candidate<'_>, method: Method) -> bool {
    let p = &c.pool.pool;
    if p.replicas.is_some() {
        return false;
    }
    let unconsolidatable = |sink: &mut Sink<'_>, msg: String| {
        sink.node_event(
            c.sn,
            "Unconsolidatable",
            &msg,
            "",
            UNCONSOLIDATABLE_DEDUPE_MS,
        );
        false
    };
    match method {
        Method::Drift => {
            c.sn.claim
                .as_ref()
                .is_some_and(|x| x.claim.is_true("Drifted"))
        }
        Method::Emptiness => {
            if p.disruption.consolidate_after_ns.is_none() {
                return unconsolidatable(
                    sink,
                    format!("NodePool {:?} has consolidation disabled", p.name),
                );
            }
            c.reschedulable.is_empty() && c.consolidatable()
        }
        Method::MultiNode | Method::SingleNode => {
            if c.instance_type.is_none() {
                return unconsolidatable(
                    sink,
                    format!(
                        "Instance Type {:?} not found",
                        c.labels
                            .get(INSTANCE_TYPE_LABEL)
                            .cloned()
                            .unwrap_or_default()
                    ),
                );
            }
            if !c.labels.contains_key(CAPACITY_TYPE_LABEL) {
                return unconsolidatable(
                    sink,
                    format!("Node does not have label {CAPACITY_TYPE_LABEL:?}"),
                );
            }
            if !c.labels.contains_key(ZONE_LABEL) {
                return unconsolidatable(sink, format!("Node does not have label {ZONE_LABEL:?}"));
            }
            if p.disruption.consolidate_after_ns.is_none() {
                return unconsolidatable(
                    sink,
                    format!("NodePool {:?} has consolidation disabled", p.name),
                );
            }
            if p.disruption.consolidation_policy
                != super::apis::ConsolidationPolicy::WhenEmptyOrUnderutilized
            {
                return unconsolidatable(
                    sink,
                    format!("NodePool {:?} has non-empty consolidation disabled", p.name),
                );
            }
            c.consolidatable()
        }
    }
}

/// `BuildDisruptionBudgetMapping`, with the NodePool Events.
pub fn budgets(
    sink: &mut Sink<'_>,
    cluster: &Cluster,
    reason: DisruptionReason,
) -> BTreeMap<String, i64> {
    let pools: Vec<String> = cluster
        .nodes
        .iter()
        .map(|n| n.nodepool().unwrap_or_default())
        .collect();
    let nodes: Vec<BudgetNode<'_>> = cluster
        .nodes
        .iter()
        .zip(&pools)
        .map(|(sn, pool)| BudgetNode {
            nodepool: pool,
            managed: sn.managed(),
            initialized: sn.initialized(),
            instance_terminating: sn
                .claim
                .as_ref()
                .is_some_and(|c| c.claim.is_true("InstanceTerminating")),
            ready: sn.ready(),
            marked_for_deletion: sn.deleting()
                || sn
                    .claim_name()
                    .is_some_and(|c| sink.state.disruption.marked(c)),
        })
        .collect();
    let budgets: Vec<(&str, &[super::budget::Budget])> = cluster
        .pools
        .iter()
        .map(|p| (p.pool.name.as_str(), p.pool.disruption.budgets.as_slice()))
        .collect();
    let mapping = build_disruption_budget_mapping(&nodes, &budgets, cluster.now_ms, reason);
    for name in &mapping.blocked {
        if let Some(pool) = cluster.pool(name) {
            sink.pool_event(
                pool,
                &super::budget::blocked_event_message(reason),
                reason.as_str(),
            );
        }
    }
    mapping.allowed
}

/// The pods every simulation of a pass starts from: pending provisionable pods and the
/// currently reschedulable pods of deleting nodes.
pub fn base_pods(cluster: &Cluster, state: &State, s: &Server) -> (Vec<PodRef>, BTreeSet<String>) {
    let mut pods: Vec<PodRef> = s
        .store
        .list_all("pods")
        .filter(|(_, p)| is_provisionable(p))
        .map(|(k, p)| PodRef {
            workspace: k.workspace.to_string(),
            pod: p.clone(),
        })
        .collect();
    let mut deleting = BTreeSet::new();
    for sn in &cluster.nodes {
        let marked = sn.claim_name().is_some_and(|c| state.disruption.marked(c));
        if sn.deleting() || marked {
            for p in sn
                .pods
                .iter()
                .filter(|p| is_currently_reschedulable(cluster, p))
            {
                deleting.insert(object::uid(&p.pod).to_string());
                pods.push(p.clone());
            }
        }
    }
    (pods, deleting)
}

/// The state nodes a pass schedules against (`nodes.Active()`): not deleting, not in a
/// command.
pub fn active_nodes(cluster: &Cluster, state: &State) -> Vec<usize> {
    cluster
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, sn)| {
            !sn.deleting() && !sn.claim_name().is_some_and(|c| state.disruption.marked(c))
        })
        .map(|(i, _)| i)
        .collect()
}

/// One pass's simulation context.
pub struct Pass<'c, 'f> {
    /// The cluster.
    pub cluster: &'c Cluster,
    /// The simulation base.
    pub base: Base<'c>,
    /// Pending pods and pods of deleting nodes.
    pub pods: Vec<PodRef>,
    /// UIDs of the pods of deleting nodes.
    pub deleting: BTreeSet<String>,
    /// Pod views.
    pub infos: &'f mut dyn FnMut(&PodRef) -> Arc<PodInfo>,
}

/// What a simulation for a set of candidates found.
pub struct Simulation<'c> {
    /// The solver's results.
    pub results: Results<'c>,
    /// `NonPendingPodSchedulingErrors` as an Event message (pretty-sentenced), when some pod
    /// that is not pending would not schedule.
    pub unschedulable: Option<String>,
}

impl<'c> Pass<'c, '_> {
    /// `SimulateScheduling`: None when a candidate is being deleted.
    pub fn simulate(&mut self, candidates: &[&Candidate<'c>]) -> Option<Simulation<'c>> {
        if candidates.iter().any(|c| c.sn.deleting()) {
            return None;
        }
        let mut pods = self.pods.clone();
        for c in candidates {
            pods.extend(
                c.reschedulable
                    .iter()
                    .filter(|p| is_currently_reschedulable(self.cluster, p))
                    .cloned(),
            );
        }
        let exclude: Vec<usize> = candidates.iter().map(|c| c.idx).collect();
        let mut results = self.base.simulate(&exclude, pods, self.infos);
        // Pods would land on nodes that are not initialized yet.
        let mut extra = Vec::new();
        for (i, placed) in &results.existing {
            let sn = &self.cluster.nodes[*i];
            if sn.initialized() {
                continue;
            }
            let mut info = Vec::new();
            if let Some(c) = sn.claim_name() {
                info.push(format!("nodeclaim/{c}"));
            }
            if let Some(n) = &sn.node {
                info.push(format!("node/{}", object::name(n)));
            }
            for &p in placed {
                if !self
                    .deleting
                    .contains(object::uid(&results.pods[p].pod.pod))
                {
                    extra.push((
                        p,
                        format!("would schedule against uninitialized {}", info.join(", ")),
                    ));
                }
            }
        }
        results.errors.extend(extra);
        let mut errs: Vec<(String, String)> = results
            .errors
            .iter()
            .filter(|(p, _)| !is_provisionable(&results.pods[*p].pod.pod))
            .map(|(p, e)| (results.pods[*p].pod.key(), e.clone()))
            .collect();
        errs.sort();
        errs.dedup_by(|a, b| a.0 == b.0);
        let unschedulable = (!errs.is_empty()).then(|| {
            let mut msg = String::from("not all pods would schedule, ");
            for (i, (k, e)) in errs.iter().enumerate() {
                if i >= 5 {
                    msg.push_str(&format!(" and {} other(s)", errs.len() - 5));
                    break;
                }
                msg.push_str(&format!("{k} => {e} "));
            }
            sentence(&msg)
        });
        Some(Simulation {
            results,
            unschedulable,
        })
    }
}

/// A consolidation decision for some candidates (`computeConsolidation`), as a command
/// (None: nothing to do); the `Unconsolidatable` message of a single candidate's no-op goes
/// to `sink`.
fn consolidation<'c>(
    sink: &mut Sink<'_>,
    pass: &mut Pass<'c, '_>,
    candidates: &[&Candidate<'c>],
    method: Method,
) -> Option<Command> {
    let sim = pass.simulate(candidates)?;
    let priced: Vec<PricedCandidate<'_>> = candidates.iter().map(|c| c.priced()).collect();
    let planned: Vec<SimulatedNodeClaim<'_>> = sim
        .results
        .new_claims
        .iter()
        .map(|c| SimulatedNodeClaim {
            requirements: c.requirements.clone(),
            instance_types: c.instance_types.clone(),
        })
        .collect();
    let decision = compute_consolidation(&priced, sim.unschedulable.clone(), planned, false);
    match decision {
        Decision::NoOp { event } => {
            if let (Some(msg), [c]) = (event, candidates) {
                sink.node_event(
                    c.sn,
                    "Unconsolidatable",
                    &msg,
                    "",
                    UNCONSOLIDATABLE_DEDUPE_MS,
                );
            }
            None
        }
        Decision::Delete => Some(command(method, candidates, vec![], 0.0)),
        Decision::Replace(mut nc) => {
            if method == Method::MultiNode {
                match filter_out_same_instance_type(&nc, &priced) {
                    Ok(kept) if !kept.is_empty() => nc.instance_types = kept,
                    _ => return None,
                }
            }
            let planned = sim.results.new_claims.first()?;
            let mut claim = planned.clone();
            claim.requirements = nc.requirements.clone();
            claim.instance_types = nc.instance_types.clone();
            let reqs = final_requirements(&claim);
            let dest = nc
                .instance_types
                .first()
                .map(|it| it.cheapest_price(&nc.requirements))
                .unwrap_or(0.0);
            let spec = ReplacementSpec {
                nodepool: planned.pool.pool.name.clone(),
                requirements: requirements_value(&reqs.to_node_selector()),
                instance_types: nc
                    .instance_types
                    .iter()
                    .map(|it| it.name().to_string())
                    .collect(),
                requests: planned.requests.to_value(),
                name: None,
                initialized: false,
            };
            let cmd = command(method, candidates, vec![spec], dest);
            for c in candidates {
                sink.node_event(
                    c.sn,
                    "ConsolidationCandidate",
                    &format!(
                        "Consolidation candidate: {} (savings: ${:.2})",
                        cmd.summary_for(c.node_name()),
                        cmd.savings
                    ),
                    &cmd.summary_for(c.node_name()),
                    DEDUPE_MS,
                );
            }
            Some(cmd)
        }
    }
}

/// A command over `candidates` with `replacements` whose first option costs `dest` $/hour.
fn command(
    method: Method,
    candidates: &[&Candidate<'_>],
    replacements: Vec<ReplacementSpec>,
    dest: f64,
) -> Command {
    let priced: Vec<PricedCandidate<'_>> = candidates.iter().map(|c| c.priced()).collect();
    let source = super::cost::candidates_price(&priced);
    Command {
        reason: method.reason().as_str().to_string(),
        method: method.name().to_string(),
        candidates: candidates.iter().map(|c| c.as_ref()).collect(),
        savings: if replacements.is_empty() {
            source
        } else {
            source - dest
        },
        replacements,
        ..Command::default()
    }
}

/// `Emptiness.ComputeCommands` (without the validation wait).
fn emptiness(cands: &[Candidate<'_>], budget: &mut BTreeMap<String, i64>) -> (Vec<usize>, bool) {
    let mut order: Vec<usize> = (0..cands.len()).collect();
    sort_by_disruption_cost(&mut order, |&i| cands[i].cost);
    let mut empty = Vec::new();
    let mut constrained = false;
    for i in order {
        let c = &cands[i];
        if !c.reschedulable.is_empty() {
            continue;
        }
        let left = budget.entry(c.pool.pool.name.clone()).or_insert(0);
        if *left <= 0 {
            constrained = true;
            continue;
        }
        *left -= 1;
        empty.push(i);
    }
    (empty, constrained)
}

/// Runs one method; returns its command, and whether it was constrained by budgets.
fn run_method<'c>(
    sink: &mut Sink<'_>,
    pass: &mut Pass<'c, '_>,
    method: Method,
) -> (Option<Command>, bool) {
    let cluster = pass.cluster;
    let cands = candidates(sink, cluster, method);
    if cands.is_empty() {
        return (None, false);
    }
    let mut budget = budgets(sink, cluster, method.reason());
    let left = |b: &BTreeMap<String, i64>, c: &Candidate<'_>| {
        b.get(&c.pool.pool.name).copied().unwrap_or(0)
    };
    match method {
        Method::Emptiness => {
            let (empty, constrained) = emptiness(&cands, &mut budget);
            if empty.is_empty() {
                return (None, constrained);
            }
            let chosen: Vec<&Candidate<'_>> = empty.iter().map(|&i| &cands[i]).collect();
            (Some(command(method, &chosen, vec![], 0.0)), constrained)
        }
        Method::Drift => {
            let mut order: Vec<&Candidate<'_>> = cands.iter().collect();
            let drifted_at = |c: &Candidate<'_>| {
                c.sn.claim
                    .as_ref()
                    .and_then(|x| condition_time(&x.object, "Drifted"))
                    .unwrap_or(0)
            };
            order.sort_by_key(|c| drifted_at(c));
            let (empty, busy): (Vec<_>, Vec<_>) =
                order.into_iter().partition(|c| c.reschedulable.is_empty());
            for c in empty.into_iter().chain(busy) {
                if left(&budget, c) <= 0 {
                    continue;
                }
                let Some(sim) = pass.simulate(&[c]) else {
                    continue;
                };
                if let Some(msg) = &sim.unschedulable {
                    sink.node_event(c.sn, "DisruptionBlocked", msg, msg, DEDUPE_MS);
                    continue;
                }
                let replacements: Vec<ReplacementSpec> = sim
                    .results
                    .new_claims
                    .iter()
                    .map(|nc| ReplacementSpec {
                        nodepool: nc.pool.pool.name.clone(),
                        requirements: requirements_value(
                            &final_requirements(nc).to_node_selector(),
                        ),
                        instance_types: nc
                            .instance_types
                            .iter()
                            .map(|it| it.name().to_string())
                            .collect(),
                        requests: nc.requests.to_value(),
                        name: None,
                        initialized: false,
                    })
                    .collect();
                return (Some(command(method, &[c], replacements, 0.0)), false);
            }
            (None, false)
        }
        Method::MultiNode => {
            let mut order: Vec<&Candidate<'_>> = cands.iter().collect();
            sort_by_disruption_cost(&mut order, |c| c.cost);
            let mut usable = Vec::new();
            let mut constrained = false;
            for c in order {
                let l = budget.entry(c.pool.pool.name.clone()).or_insert(0);
                if *l <= 0 {
                    constrained = true;
                    continue;
                }
                if c.reschedulable.is_empty() {
                    continue;
                }
                *l -= 1;
                usable.push(c);
            }
            let max_parallel = usable.len().min(MULTI_NODE_MAX);
            (first_n(sink, pass, &usable, max_parallel), constrained)
        }
        Method::SingleNode => {
            let ordered = single_node_order(sink.state, &cands);
            let mut constrained = false;
            let mut unseen: BTreeSet<String> =
                cands.iter().map(|c| c.pool.pool.name.clone()).collect();
            let mut simulated = 0;
            for c in ordered {
                if simulated >= SINGLE_NODE_MAX_SIMULATIONS {
                    sink.state.disruption.unseen_pools = unseen.into_iter().collect();
                    return (None, true);
                }
                unseen.remove(&c.pool.pool.name);
                if left(&budget, c) <= 0 {
                    constrained = true;
                    continue;
                }
                if c.reschedulable.is_empty() {
                    continue;
                }
                simulated += 1;
                if let Some(cmd) = consolidation(sink, pass, &[c], method) {
                    sink.state.disruption.unseen_pools = unseen.into_iter().collect();
                    return (Some(cmd), constrained);
                }
            }
            sink.state.disruption.unseen_pools = unseen.into_iter().collect();
            (None, constrained)
        }
    }
}

/// `SortCandidates` of single-node consolidation: by disruption cost, then interleaved by
/// NodePool (the NodePools a previous pass did not reach first, then the others by name).
fn single_node_order<'a, 'c>(state: &State, cands: &'a [Candidate<'c>]) -> Vec<&'a Candidate<'c>> {
    let mut sorted: Vec<&Candidate<'_>> = cands.iter().collect();
    sort_by_disruption_cost(&mut sorted, |c| c.cost);
    let mut by_pool: BTreeMap<&str, Vec<&Candidate<'_>>> = BTreeMap::new();
    for c in sorted {
        by_pool
            .entry(c.pool.pool.name.as_str())
            .or_default()
            .push(c);
    }
    let mut pools: Vec<&str> = state
        .disruption
        .unseen_pools
        .iter()
        .map(String::as_str)
        .filter(|p| by_pool.contains_key(p))
        .collect();
    for p in by_pool.keys() {
        if !pools.contains(p) {
            pools.push(p);
        }
    }
    let longest = by_pool.values().map(Vec::len).max().unwrap_or(0);
    let mut out = Vec::new();
    for i in 0..longest {
        for p in &pools {
            if let Some(c) = by_pool.get(p).and_then(|v| v.get(i)) {
                out.push(*c);
            }
        }
    }
    out
}

/// `firstNConsolidationOption`: binary search for the largest prefix (at least 2) that
/// consolidates (DELETE, or REPLACE with a type none of them already is, cheaper).
fn first_n<'c>(
    sink: &mut Sink<'_>,
    pass: &mut Pass<'c, '_>,
    cands: &[&Candidate<'c>],
    max: usize,
) -> Option<Command> {
    if cands.len() < 2 {
        return None;
    }
    let (mut lo, mut hi) = (1usize, max);
    if cands.len() <= hi {
        hi = cands.len() - 1;
    }
    let mut last: Option<Command> = None;
    while lo <= hi {
        let mid = (lo + hi) / 2;
        let prefix = &cands[..=mid];
        match consolidation(sink, pass, prefix, Method::MultiNode) {
            Some(cmd) => {
                last = Some(cmd);
                lo = mid + 1;
            }
            None => {
                if mid == 0 {
                    break;
                }
                hi = mid - 1;
            }
        }
    }
    last
}

/// A fingerprint of what consolidation looks at: nodes and claims (by revision), bound pods,
/// budgets and NodePools. While it is unchanged, a method that found nothing finds nothing
/// again (`IsConsolidated`).
fn fingerprint(cluster: &Cluster, state: &State) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |s: &str| {
        for b in s.as_bytes().iter().chain(&[0u8]) {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    let rv = |v: &Value| {
        str_at(v, &["metadata", "resourceVersion"])
            .unwrap_or("")
            .to_string()
    };
    for sn in &cluster.nodes {
        feed(sn.name());
        if let Some(n) = &sn.node {
            feed(&rv(n));
        }
        if let Some(c) = &sn.claim {
            feed(&rv(&c.object));
        }
        feed(if state.is_nominated(sn.name(), cluster.now_ms) {
            "n"
        } else {
            "-"
        });
        for p in &sn.pods {
            feed(object::uid(&p.pod));
            feed(if object::is_terminating(&p.pod) {
                "t"
            } else {
                "-"
            });
            feed(str_at(&p.pod, &["status", "phase"]).unwrap_or(""));
        }
    }
    for b in &cluster.pdbs {
        feed(&b.key);
        feed(&b.disruptions_allowed.to_string());
    }
    for p in &cluster.pools {
        feed(&rv(&p.object));
    }
    h
}

/// One run of the disruption loop.
pub fn reconcile(state: &mut State, cache: &mut Cache, s: &mut Server) -> Action {
    let now = s.clock.now_ms();
    let mut wake = Soon::default();
    progress_queue(state, s, &mut wake);
    if let Some(cmd) = state.disruption.proposed.clone() {
        if now < cmd.validate_at_ms {
            wake.at(cmd.validate_at_ms);
            return wake.action(now);
        }
        state.disruption.proposed = None;
        let method = Method::parse(&cmd.method).unwrap_or(Method::SingleNode);
        if validate_and_start(state, cache, s, cmd) {
            return Action::RequeueAfter(0);
        }
        // Rejected: the methods after this one still get their turn, now.
        return run_methods(state, cache, s, next_method(method), wake);
    }
    if let Some(last) = state.disruption.last_run_ms {
        if now < last + POLL_MS {
            wake.at(last + POLL_MS);
            return wake.action(now);
        }
    }
    run_methods(state, cache, s, 0, wake)
}

fn next_method(m: Method) -> usize {
    METHODS
        .iter()
        .position(|x| *x == m)
        .map_or(METHODS.len(), |i| i + 1)
}

/// The earliest instant to look again.
#[derive(Default)]
struct Soon(Option<i64>);

impl Soon {
    fn at(&mut self, t: i64) {
        self.0 = Some(self.0.map_or(t, |x| x.min(t)));
    }
    fn action(&self, now: i64) -> Action {
        match self.0 {
            Some(t) => Action::RequeueAfter((t - now).max(0)),
            None => Action::AwaitChange,
        }
    }
}

/// Runs the methods from `from` on; starts or proposes the first command found.
fn run_methods(
    state: &mut State,
    cache: &mut Cache,
    s: &mut Server,
    from: usize,
    mut wake: Soon,
) -> Action {
    let now = s.clock.now_ms();
    state.disruption.last_run_ms = Some(now);
    cache.rotate();
    let cluster = Cluster::build(s, cache);
    clear_stale_disruption(state, s, &cluster);
    let print = fingerprint(&cluster, state);
    let (pods, deleting) = base_pods(&cluster, state, s);
    let active = active_nodes(&cluster, state);
    let mut infos = |p: &PodRef| cache.pod_info(p);
    let base = Base::new(&cluster, &active, &mut infos);
    let mut pass = Pass {
        cluster: &cluster,
        base,
        pods,
        deleting,
        infos: &mut infos,
    };
    let mut sink = Sink {
        server: Some(s),
        state,
        said: BTreeMap::new(),
    };
    let mut found: Option<(Method, Command)> = None;
    for method in METHODS.into_iter().skip(from) {
        let consolidating = method != Method::Drift;
        if consolidating && sink.state.disruption.consolidated.get(method.name()) == Some(&print) {
            continue;
        }
        let (cmd, constrained) = run_method(&mut sink, &mut pass, method);
        match cmd {
            Some(c) => {
                found = Some((method, c));
                break;
            }
            None => {
                if consolidating && !constrained {
                    sink.state
                        .disruption
                        .consolidated
                        .insert(method.name().to_string(), print);
                }
            }
        }
    }
    drop(pass);
    let Sink { server, state, .. } = sink;
    let Some(s) = server else {
        return Action::AwaitChange;
    };
    match found {
        Some((Method::Drift, mut cmd)) => {
            cmd.created_ms = now;
            cmd.validate_at_ms = now;
            start(state, cache, s, cmd);
            Action::RequeueAfter(0)
        }
        Some((_, mut cmd)) => {
            cmd.created_ms = now;
            cmd.validate_at_ms = now + VALIDATION_MS;
            state.disruption.proposed = Some(cmd);
            Action::RequeueAfter(VALIDATION_MS)
        }
        None => {
            // Nothing now; look again when something time-based may change the answer.
            for t in state.nominated.values().filter(|t| **t > now) {
                wake.at(*t);
            }
            for sn in &cluster.nodes {
                for p in &sn.pods {
                    if let super::pods::DoNotDisrupt::Active(Some(t)) =
                        super::pods::do_not_disrupt(&p.pod, now)
                    {
                        wake.at(t);
                    }
                }
            }
            if cluster.pools.iter().any(|p| {
                p.pool
                    .disruption
                    .budgets
                    .iter()
                    .any(|b| b.schedule.is_some())
            }) {
                wake.at(now + 60_000);
            }
            wake.action(now)
        }
    }
}

/// What the disruption loop would decide now, without waiting, validating, publishing or
/// writing anything: the first method's command, as `run_methods` computes it (every method
/// evaluated, whatever it found before). None when nothing would be disrupted.
pub fn plan(s: &Server, state: &State, cache: &mut Cache) -> Option<Command> {
    let mut scratch = state.clone();
    cache.rotate();
    let cluster = Cluster::build(s, cache);
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
    let mut sink = Sink {
        server: None,
        state: &mut scratch,
        said: BTreeMap::new(),
    };
    for method in METHODS {
        if let (Some(mut cmd), _) = run_method(&mut sink, &mut pass, method) {
            cmd.created_ms = cluster.now_ms;
            return Some(cmd);
        }
    }
    None
}

/// `RequireNoScheduleTaint(false)` and `ClearNodeClaimsCondition(DisruptionReason)` for
/// nodes that are neither in a command nor being deleted.
fn clear_stale_disruption(state: &State, s: &mut Server, cluster: &Cluster) {
    for sn in &cluster.nodes {
        if sn.deleting() || sn.claim_name().is_some_and(|c| state.disruption.marked(c)) {
            continue;
        }
        if let Some(n) = &sn.node {
            super::termination::untaint_disrupted(s, n);
        }
        if let Some(c) = &sn.claim {
            if condition_status(&c.object, "DisruptionReason").is_some() {
                if let Some(mut o) = s
                    .get(
                        ROOT,
                        kind("karpenter.sh/v1", "NodeClaim"),
                        "",
                        &c.claim.name,
                    )
                    .cloned()
                {
                    clear_condition(&mut o, "DisruptionReason");
                    let _ = s.update_status(ROOT, &o);
                }
            }
        }
    }
}

/// Validation after the 15 s wait (`validation.go`); starts the command when it holds, else
/// publishes `ConsolidationRejected`. Returns whether it started.
fn validate_and_start(state: &mut State, cache: &mut Cache, s: &mut Server, cmd: Command) -> bool {
    cache.rotate();
    let cluster = Cluster::build(s, cache);
    let method = Method::parse(&cmd.method).unwrap_or(Method::SingleNode);
    let (pods, deleting) = base_pods(&cluster, state, s);
    let active = active_nodes(&cluster, state);
    let mut infos = |p: &PodRef| cache.pod_info(p);
    let base = Base::new(&cluster, &active, &mut infos);
    let mut pass = Pass {
        cluster: &cluster,
        base,
        pods,
        deleting,
        infos: &mut infos,
    };
    let mut sink = Sink {
        server: Some(s),
        state,
        said: BTreeMap::new(),
    };
    let current = candidates(&mut sink, &cluster, method);
    let proposed: BTreeSet<&str> = cmd.candidates.iter().map(|c| c.claim.as_str()).collect();
    let mapped: Vec<&Candidate<'_>> = current
        .iter()
        .filter(|c| proposed.contains(c.claim_name()))
        .collect();
    let mut budget = budgets(&mut sink, &cluster, method.reason());
    let outcome: Result<Command, &str> = if method == Method::Emptiness {
        // `EmptinessValidator`: the candidates still valid and within budget.
        let mut valid = Vec::new();
        for c in &mapped {
            if !c.reschedulable.is_empty() {
                continue;
            }
            let l = budget.entry(c.pool.pool.name.clone()).or_insert(0);
            if *l > 0 {
                *l -= 1;
                valid.push(*c);
            }
        }
        if mapped.is_empty() {
            Err("churn")
        } else if valid.is_empty() {
            Err("budget")
        } else {
            let mut c = command(method, &valid, vec![], 0.0);
            c.created_ms = cmd.created_ms;
            Ok(c)
        }
    } else if mapped.len() != cmd.candidates.len() {
        Err("churn")
    } else if mapped.iter().any(|c| {
        let l = budget.entry(c.pool.pool.name.clone()).or_insert(0);
        *l -= 1;
        *l < 0
    }) {
        Err("budget")
    } else {
        // `validateCommand`: the same decision again.
        match pass.simulate(&mapped) {
            None => Err("churn"),
            Some(sim) if sim.unschedulable.is_some() => Err("scheduling"),
            Some(sim) => match (sim.results.new_claims.len(), cmd.replacements.first()) {
                (0, None) => Ok(cmd.clone()),
                (1, Some(r)) => {
                    let now_options: BTreeSet<&str> = sim.results.new_claims[0]
                        .instance_types
                        .iter()
                        .map(|it| it.name())
                        .collect();
                    if r.instance_types
                        .iter()
                        .all(|n| now_options.contains(n.as_str()))
                    {
                        Ok(cmd.clone())
                    } else {
                        Err("scheduling")
                    }
                }
                _ => Err("scheduling"),
            },
        }
    };
    drop(pass);
    let Sink { server, state, .. } = sink;
    let Some(s) = server else {
        return false;
    };
    match outcome {
        Ok(valid) => {
            start(state, cache, s, valid);
            true
        }
        Err(reason) => {
            if method != Method::Emptiness {
                for c in &cmd.candidates {
                    let message = format!(
                        "Consolidation rejected: {}, reason: {reason} (savings: ${:.2})",
                        cmd.summary_for(&c.node),
                        cmd.savings
                    );
                    publish_on(
                        state,
                        s,
                        &c.node,
                        &c.claim,
                        "ConsolidationRejected",
                        &message,
                    );
                }
            }
            false
        }
    }
}

/// Publishes an Event on a node and its claim by name (and records the verdict).
fn publish_on(
    state: &mut State,
    s: &mut Server,
    node: &str,
    claim: &str,
    reason: &str,
    message: &str,
) {
    let now = s.clock.now_ms();
    state.disruption.verdicts.insert(
        node.to_string(),
        Verdict {
            at_ms: now,
            reason: reason.to_string(),
            message: message.to_string(),
        },
    );
    if let Some(n) = s.get(ROOT, kind("v1", "Node"), "", node).cloned() {
        state.publish(
            s,
            &n,
            EventType::Normal,
            reason,
            message,
            message,
            DEDUPE_MS,
        );
    }
    if let Some(c) = s
        .get(ROOT, kind("karpenter.sh/v1", "NodeClaim"), "", claim)
        .cloned()
    {
        state.publish(
            s,
            &c,
            EventType::Normal,
            reason,
            message,
            message,
            DEDUPE_MS,
        );
    }
}

/// `Queue.StartCommand`: taints the candidates and marks their claims with the
/// `DisruptionReason`, launches the replacements, and queues the command.
fn start(state: &mut State, cache: &mut Cache, s: &mut Server, mut cmd: Command) {
    let now = s.clock.now_ms();
    state.disruption.started += 1;
    cmd.id = format!("{:08x}-{}", state.disruption.started, cmd.method);
    cmd.started_ms = Some(now);
    let claim_info = kind("karpenter.sh/v1", "NodeClaim");
    for c in &cmd.candidates {
        if let Some(n) = s.get(ROOT, kind("v1", "Node"), "", &c.node).cloned() {
            super::termination::taint_disrupted(s, &n);
        }
        if let Some(mut o) = s.get(ROOT, claim_info, "", &c.claim).cloned() {
            let t = s.clock.rfc3339();
            set_condition(
                &mut o,
                &t,
                "DisruptionReason",
                "True",
                &cmd.reason,
                &cmd.reason,
            );
            let _ = s.update_status(ROOT, &o);
        }
    }
    if !cmd.replacements.is_empty() {
        let cluster = Cluster::build(s, cache);
        for r in &mut cmd.replacements {
            let Some(pool) = cluster.pool(&r.nodepool) else {
                continue;
            };
            let parsed: Vec<super::requirements::NodeSelectorRequirement> = r
                .requirements
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| {
                            super::requirements::NodeSelectorRequirement::from_value(
                                v,
                                "spec.requirements",
                            )
                            .ok()
                        })
                        .collect()
                })
                .unwrap_or_default();
            let reqs = super::requirements::Requirements::from_node_selector(&parsed);
            let requests = super::resources::ResourceList::from_value_lossy(Some(&r.requests));
            if let Ok(name) = super::provisioner::create(s, &cluster, pool, &reqs, &requests) {
                r.name = Some(name);
            }
        }
        if cmd.replacements.iter().any(|r| r.name.is_none()) {
            // Launching failed: the next pass lifts the taints.
            return;
        }
    }
    state.disruption.queue.push(cmd);
}

/// `Queue.Reconcile` for every queued command: wait for the replacements to initialize
/// (`DisruptionLaunching`, `DisruptionWaitingReadiness`), then delete the candidates'
/// NodeClaims (`DisruptionTerminating`); give up after the retry limit.
fn progress_queue(state: &mut State, s: &mut Server, wake: &mut Soon) {
    let now = s.clock.now_ms();
    let claim_info = kind("karpenter.sh/v1", "NodeClaim");
    let limit = (80
        * state
            .disruption
            .queue
            .iter()
            .map(|c| c.candidates.len() as i64)
            .sum::<i64>())
    .clamp(10 * 60_000, 60 * 60_000);
    let mut keep = Vec::new();
    for mut cmd in std::mem::take(&mut state.disruption.queue) {
        let title = cmd.reason.clone();
        let mut waiting = false;
        let mut failed = false;
        for r in &mut cmd.replacements {
            if r.initialized {
                continue;
            }
            let Some(name) = r.name.clone() else {
                failed = true;
                break;
            };
            let Some(claim) = s.get(ROOT, claim_info, "", &name).cloned() else {
                failed = true;
                break;
            };
            state.publish(
                s,
                &claim,
                EventType::Normal,
                "DisruptionLaunching",
                &format!("Launching NodeClaim: {title}"),
                &title,
                DEDUPE_MS,
            );
            if condition_status(&claim, "Initialized") != Some("True") {
                state.publish(
                    s,
                    &claim,
                    EventType::Normal,
                    "DisruptionWaitingReadiness",
                    "Waiting on readiness to continue disruption",
                    "",
                    DEDUPE_MS,
                );
                waiting = true;
                continue;
            }
            r.initialized = true;
        }
        let timed_out = now - cmd.started_ms.unwrap_or(cmd.created_ms) > limit;
        if failed || (waiting && timed_out) {
            // Unrecoverable: the candidates stay; the next pass lifts their taints.
            continue;
        }
        if waiting {
            wake.at(cmd.started_ms.unwrap_or(now) + limit + 1);
            keep.push(cmd);
            continue;
        }
        for c in &cmd.candidates {
            let node = s.get(ROOT, kind("v1", "Node"), "", &c.node).cloned();
            let claim = s.get(ROOT, claim_info, "", &c.claim).cloned();
            let _ = s.delete(ROOT, claim_info, "", &c.claim, None, None);
            if let Some(n) = node {
                state.publish(
                    s,
                    &n,
                    EventType::Normal,
                    "DisruptionTerminating",
                    &format!("Disrupting Node: {title}"),
                    &title,
                    DEDUPE_MS,
                );
            }
            if let Some(o) = claim {
                state.publish(
                    s,
                    &o,
                    EventType::Normal,
                    "DisruptionTerminating",
                    &format!("Disrupting NodeClaim: {title}"),
                    &title,
                    DEDUPE_MS,
                );
            }
        }
    }
    state.disruption.queue = keep;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_start_upper_case() {
        assert_eq!(
            sentence("pdb prevents pod evictions"),
            "Pdb prevents pod evictions"
        );
        assert_eq!(sentence(""), "");
    }
}
