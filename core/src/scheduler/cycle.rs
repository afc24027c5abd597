//! One scheduling cycle (`schedule_one.go`): PreFilter, Filter until `numFeasibleNodesToFind`
//! nodes fit (resuming at `nextStartNodeIndex`), PreScore, Score, NormalizeScore, weights,
//! selectHost. Every verdict and score is kept for the explanation.
use super::explain::{Explanation, Record, Row};
use super::plugins::default_preemption::{self, Outcome};
use super::plugins::{
    inter_pod_affinity, pod_topology_spread, volume_binding, volume_restrictions, Reason, Unfit,
    FILTERS, SCORERS,
};
use super::{Config, NodeInfo, PodInfo, Snapshot};
use std::collections::BTreeMap;

/// `framework.CycleState`: what PreFilter and PreScore computed for this pod.
pub struct Cycle<'a> {
    pub pod: &'a PodInfo,
    pub snapshot: &'a Snapshot,
    pub config: &'a Config,
    pub spread_filter: pod_topology_spread::PreFilterState<'a>,
    pub spread_score: pod_topology_spread::PreScoreState,
    pub affinity_filter: inter_pod_affinity::PreFilterState,
    pub affinity_score: inter_pod_affinity::PreScoreState,
    pub volume_restrictions: volume_restrictions::PreFilterState,
    pub volume_binding: volume_binding::PreFilterState,
    /// The first PreFilter that rejected the pod (its index in `FILTERS`) and its verdict:
    /// no node is filtered then, every node takes this status (`RunPreFilterPlugins`).
    pub pre_filter_rejection: Option<(usize, Unfit)>,
    /// The PreFilter running now (for [`Cycle::reject`]).
    running: usize,
}

impl<'a> Cycle<'a> {
    /// A cycle with every PreFilter run.
    pub fn new(pod: &'a PodInfo, snapshot: &'a Snapshot, config: &'a Config) -> Cycle<'a> {
        let mut c = Cycle {
            pod,
            snapshot,
            config,
            spread_filter: Default::default(),
            spread_score: Default::default(),
            affinity_filter: Default::default(),
            affinity_score: Default::default(),
            volume_restrictions: Default::default(),
            volume_binding: Default::default(),
            pre_filter_rejection: None,
            running: 0,
        };
        for (i, f) in FILTERS.iter().enumerate() {
            if let Some(pre) = f.pre_filter {
                c.running = i;
                pre(&mut c);
                if c.pre_filter_rejection.is_some() {
                    break;
                }
            }
        }
        c
    }

    /// A PreFilter rejects the pod: no node can fit (the first rejection wins).
    pub fn reject(&mut self, unfit: Unfit) {
        if self.pre_filter_rejection.is_none() {
            self.pre_filter_rejection = Some((self.running, unfit));
        }
    }

    /// Runs the filters in order on one node; the first failure ends it (`RunFilterPlugins`).
    /// Returns the failing plugin's index with its verdict.
    pub fn run_filters(&self, node: &NodeInfo) -> Result<(), (usize, super::plugins::Unfit)> {
        for (i, f) in FILTERS.iter().enumerate() {
            (f.run)(self, node).map_err(|u| (i, u))?;
        }
        Ok(())
    }

    /// `RunFilterPluginsWithNominatedPods`: first with the pods nominated to the node (of at
    /// least this pod's priority) added, then as it is.
    pub fn filter(&self, node: &NodeInfo) -> Result<(), (usize, super::plugins::Unfit)> {
        let mut nominated = self.snapshot.nominated_for(node.index, self.pod).peekable();
        if nominated.peek().is_some() {
            let mut with = node.clone();
            for p in nominated {
                with.add_pod(p.clone());
            }
            if self.spread_filter.constraints.is_empty() && !self.affinity_filter.active {
                self.run_filters(&with)?;
            } else {
                // `RunPreFilterExtensionAddPod`: the pod-level rules see the nominated pods too.
                let mut snap = self.snapshot.clone();
                snap.match_counts = Default::default();
                snap.nominated.clear();
                snap.nodes[node.index] = with;
                for p in &snap.nodes[node.index].pods {
                    if p.has_affinity_terms() {
                        snap.nodes_with_affinity.insert(node.index);
                    }
                    if !p.required_anti_affinity.is_empty() {
                        snap.nodes_with_required_anti_affinity.insert(node.index);
                    }
                }
                let c = Cycle::new(self.pod, &snap, self.config);
                c.run_filters(&snap.nodes[node.index])?;
            }
        }
        self.run_filters(node)
    }
}

/// The outcome of one scheduling attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Bind(String),
    Unschedulable(String),
}

/// What one attempt produced: the decision, its record (see [`Record::explanation`]) and how
/// many nodes it examined (to advance `nextStartNodeIndex`).
#[derive(Debug, Clone)]
pub struct Attempt {
    pub decision: Decision,
    pub record: Record,
    pub processed: usize,
    /// What DefaultPreemption decided when no node fitted.
    pub preemption: Option<Outcome>,
}

impl Attempt {
    pub fn explanation(&self) -> Explanation {
        self.record.explanation()
    }
}

/// `numFeasibleNodesToFind`: every node below 100; else `percentage` (adaptive when 0:
/// `max(5, 50 − N/125)`) of the nodes, at least 100.
pub fn num_feasible_nodes_to_find(percentage: i32, num_all_nodes: usize) -> usize {
    const MIN_FEASIBLE_NODES_TO_FIND: usize = 100;
    const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND: i64 = 5;
    if num_all_nodes < MIN_FEASIBLE_NODES_TO_FIND {
        return num_all_nodes;
    }
    let mut pct = i64::from(percentage);
    if pct <= 0 {
        pct = (50 - num_all_nodes as i64 / 125).max(MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND);
    }
    let pct = pct.min(100);
    let n = (num_all_nodes as i64 * pct / 100) as usize;
    n.max(MIN_FEASIBLE_NODES_TO_FIND)
}

/// Schedules `pod` against `snapshot`, starting the node scan at `start`.
pub fn decide(
    pod: &PodInfo,
    snapshot: &Snapshot,
    config: &Config,
    rng: &mut crate::sim::Rng,
    start: usize,
) -> Attempt {
    let mut cycle = Cycle::new(pod, snapshot, config);
    let nodes = &snapshot.nodes;
    let n = nodes.len();
    let to_find = num_feasible_nodes_to_find(config.percentage_of_nodes_to_score, n);
    let mut feasible: Vec<usize> = Vec::with_capacity(to_find.min(n));
    let mut record = Record::new(pod, snapshot.names.clone());
    if let Some((plugin, unfit)) = cycle.pre_filter_rejection.clone().filter(|_| n > 0) {
        return rejected_at_pre_filter(&cycle, record, plugin, unfit, rng);
    }
    // `evaluateNominatedNode`: a pod nominated by an earlier preemption tries that node first.
    if let Some(&i) = pod
        .nominated_node
        .as_ref()
        .and_then(|name| snapshot.by_name.get(name))
    {
        if cycle.filter(&nodes[i]).is_ok() {
            record.rows.push(Row {
                node: i as u32,
                failed: None,
                reasons: vec![],
            });
            record.num_all_nodes = n;
            record.num_evaluated_nodes = 1;
            record.num_feasible_nodes = 1;
            record.selected_node = Some(nodes[i].name.clone());
            return Attempt {
                decision: Decision::Bind(nodes[i].name.clone()),
                record,
                processed: 0,
                preemption: None,
            };
        }
    }
    record.rows.reserve(to_find.min(n));
    let mut reasons: BTreeMap<Reason, usize> = BTreeMap::new();
    let mut processed = 0;
    for i in 0..n {
        if feasible.len() >= to_find {
            break;
        }
        let idx = (start + i) % n;
        processed += 1;
        match cycle.filter(&nodes[idx]) {
            Ok(()) => {
                feasible.push(idx);
                record.rows.push(Row {
                    node: idx as u32,
                    failed: None,
                    reasons: vec![],
                });
            }
            Err((plugin, unfit)) => {
                for r in &unfit.reasons {
                    match reasons.get_mut(r) {
                        Some(c) => *c += 1,
                        None => {
                            reasons.insert(r.clone(), 1);
                        }
                    }
                }
                record.rows.push(Row {
                    node: idx as u32,
                    failed: Some((plugin as u8, unfit.code)),
                    reasons: unfit.reasons,
                });
            }
        }
    }
    record.num_all_nodes = n;
    record.num_evaluated_nodes = processed;
    record.num_feasible_nodes = feasible.len();
    let mut preemption = None;
    let decision = match feasible.len() {
        0 if n == 0 => Decision::Unschedulable(NO_NODES_AVAILABLE.to_string()),
        0 => {
            let outcome = default_preemption::post_filter(
                &cycle,
                &record.rows,
                &snapshot.pdbs,
                rng,
                snapshot.now_ms,
            );
            let msg = fit_error(n, &reasons, &outcome.message);
            preemption = Some(outcome);
            Decision::Unschedulable(msg)
        }
        1 => Decision::Bind(nodes[feasible[0]].name.clone()),
        _ => {
            let f = feasible.len();
            let mut totals = vec![0i64; f];
            // scores[j][k]: feasible node j, k-th plugin that ran.
            let mut raw_norm: Vec<Vec<(i64, i64)>> = Vec::new();
            let mut raw: Vec<i64> = Vec::with_capacity(f);
            for scorer in SCORERS {
                let run = scorer
                    .pre_score
                    .is_none_or(|pre| pre(&mut cycle, &feasible));
                record.skipped.push(!run);
                if !run {
                    continue;
                }
                raw.clear();
                raw.extend(feasible.iter().map(|&i| (scorer.score)(&cycle, &nodes[i])));
                let mut normalized = raw.clone();
                if let Some(norm) = scorer.normalize {
                    norm(&cycle, &feasible, &mut normalized);
                }
                for (t, s) in totals.iter_mut().zip(&normalized) {
                    *t += s * scorer.weight;
                }
                raw_norm.push(raw.iter().copied().zip(normalized).collect());
            }
            record.scores.reserve(f * raw_norm.len());
            for j in 0..f {
                record.scores.extend(raw_norm.iter().map(|p| p[j]));
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
    };
    match &decision {
        Decision::Bind(node) => record.selected_node = Some(node.clone()),
        Decision::Unschedulable(msg) => record.message = Some(msg.clone()),
    }
    Attempt {
        decision,
        record,
        processed,
        preemption,
    }
}

/// A PreFilter rejected the pod: every node takes its status, PostFilter (preemption) runs,
/// and the message is the PreFilter's (`FitError.Error` with `PreFilterMsg`).
fn rejected_at_pre_filter(
    cycle: &Cycle<'_>,
    mut record: Record,
    plugin: usize,
    unfit: Unfit,
    rng: &mut crate::sim::Rng,
) -> Attempt {
    let snapshot = cycle.snapshot;
    let n = snapshot.nodes.len();
    record.rows = (0..n)
        .map(|i| Row {
            node: i as u32,
            failed: Some((plugin as u8, unfit.code)),
            reasons: unfit.reasons.clone(),
        })
        .collect();
    record.num_all_nodes = n;
    let outcome =
        default_preemption::post_filter(cycle, &record.rows, &snapshot.pdbs, rng, snapshot.now_ms);
    let mut msg = format!("0/{n} nodes are available: {}.", unfit.reasons.join(", "));
    if !outcome.message.is_empty() {
        msg.push(' ');
        msg.push_str(&outcome.message);
    }
    record.message = Some(msg.clone());
    Attempt {
        decision: Decision::Unschedulable(msg),
        record,
        processed: 0,
        preemption: Some(outcome),
    }
}

/// `ErrNoNodesAvailable`.
pub const NO_NODES_AVAILABLE: &str = "no nodes available to schedule pods";

/// `FitError.Error()`: "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated
/// taint {gpu: true}." followed by the PostFilter (preemption) message, if any.
pub fn fit_error(n: usize, reasons: &BTreeMap<Reason, usize>, post_filter: &str) -> String {
    let mut parts: Vec<String> = reasons.iter().map(|(r, c)| format!("{c} {r}")).collect();
    parts.sort();
    let mut msg = format!("0/{n} nodes are available: {}.", parts.join(", "));
    if !post_filter.is_empty() {
        msg.push(' ');
        msg.push_str(post_filter);
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_error_message_shape() {
        let reasons: BTreeMap<Reason, usize> = [
            ("Insufficient cpu".into(), 1),
            ("node(s) had untolerated taint {dedicated: gpu}".into(), 2),
        ]
        .into();
        let pre = "preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.";
        assert_eq!(
            fit_error(3, &reasons, pre),
            "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling."
        );
    }

    #[test]
    fn adaptive_num_feasible_nodes() {
        // (nodes, percentage, expected) from schedule_one_test.go's TestNumFeasibleNodesToFind.
        let cases = [
            (10, 0, 10),
            (10, 40, 10),
            (1000, 0, 420),
            (1000, 40, 400),
            (6000, 0, 300),
            (6000, 40, 2400),
            (5000, 0, 500),
            (100, 0, 100),
            (99, 0, 99),
            (200, 1, 100),
            (5000, 100, 5000),
        ];
        for (n, pct, want) in cases {
            assert_eq!(
                num_feasible_nodes_to_find(pct, n),
                want,
                "{n} nodes at {pct}%"
            );
        }
    }
}

#[cfg(test)]
mod robustness {
    use super::*;
    use crate::json;
    use crate::scheduler::{NodeInfo, PodInfo, Snapshot};

    /// Extreme but well-formed inputs never panic (overflow checks are on in tests). The
    /// requests stay where `Resources::add` (api/resources.rs) does not overflow on two pods.
    #[test]
    fn extreme_values_do_not_panic() {
        let node = |name: &str| {
            NodeInfo::from_node(
                &json!({"metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, "z": name}},
                "status": {"allocatable": {"cpu": "9223372036854775", "memory": "8E", "ephemeral-storage": "8E", "pods": "9223372036854775807"},
                    "images": [{"names": ["big:1"], "sizeBytes": 9223372036854775807i64}]}}),
            )
        };
        let nodes: Vec<NodeInfo> = (0..3).map(|i| node(&format!("n{i}"))).collect();
        let mut s = Snapshot::new(nodes);
        let huge = json!({"metadata": {"name": "p", "namespace": "default", "uid": "p", "labels": {"a": "b"}},
            "spec": {"containers": [{"name": "c", "image": "big:1", "resources": {"requests": {"cpu": "1000000000000", "memory": "4E"}}}],
                "topologySpreadConstraints": [
                    {"maxSkew": 9223372036854775807i64, "topologyKey": "z", "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": {"matchLabels": {"a": "b"}}},
                    {"maxSkew": 9223372036854775807i64, "topologyKey": "z", "whenUnsatisfiable": "DoNotSchedule", "labelSelector": {"matchLabels": {"a": "b"}}, "minDomains": 9223372036854775807i64}],
                "affinity": {
                    "nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                        {"weight": 9223372036854775807i64, "preference": {"matchExpressions": [{"key": "z", "operator": "Exists"}]}},
                        {"weight": 9223372036854775807i64, "preference": {"matchExpressions": [{"key": "z", "operator": "Exists"}]}}]},
                    "podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                        {"weight": 9223372036854775807i64, "podAffinityTerm": {"labelSelector": {"matchLabels": {"a": "b"}}, "topologyKey": "z"}},
                        {"weight": 9223372036854775807i64, "podAffinityTerm": {"labelSelector": {"matchLabels": {"a": "b"}}, "topologyKey": "z"}}]},
                    "podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                        {"weight": -9223372036854775807i64, "podAffinityTerm": {"labelSelector": {"matchLabels": {"a": "b"}}, "topologyKey": "z"}}]}}}});
        let existing = PodInfo::from_pod(&huge);
        let mut e2 = existing.clone();
        e2.uid = "e2".into();
        s.add_pod("n0", existing);
        s.add_pod("n0", e2);
        let mut p = PodInfo::from_pod(&huge);
        p.uid = "new".into();
        let mut rng = crate::sim::Rng::new(1);
        for pct in [0, 100] {
            let cfg = Config {
                percentage_of_nodes_to_score: pct,
                ..Config::default()
            };
            let a = decide(&p, &s, &cfg, &mut rng, 0);
            let _ = a.explanation();
        }
    }
}
