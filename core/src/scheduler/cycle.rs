//! One scheduling cycle (`schedule_one.go`): PreFilter, Filter until `numFeasibleNodesToFind`
//! nodes fit (resuming at `nextStartNodeIndex`), PreScore, Score, NormalizeScore, weights,
//! selectHost. Every verdict and score is kept for the explanation.
use super::explain::{Explanation, NodeResult, PluginScore, ScorePluginInfo};
use super::plugins::{inter_pod_affinity, pod_topology_spread, Code, FILTERS, SCORERS};
use super::{Config, NodeInfo, PodInfo, Snapshot};
use std::collections::BTreeMap;

/// `framework.CycleState`: what PreFilter and PreScore computed for this pod.
pub struct Cycle<'a> {
    pub pod: &'a PodInfo,
    pub snapshot: &'a Snapshot,
    pub config: &'a Config,
    pub spread_filter: pod_topology_spread::PreFilterState,
    pub spread_score: pod_topology_spread::PreScoreState,
    pub affinity_filter: inter_pod_affinity::PreFilterState,
    pub affinity_score: inter_pod_affinity::PreScoreState,
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
        };
        for f in FILTERS {
            if let Some(pre) = f.pre_filter {
                pre(&mut c);
            }
        }
        c
    }

    /// Runs the filters in order on one node; the first failure ends it (`RunFilterPlugins`).
    /// Returns the failing plugin's index with its verdict.
    pub fn filter(&self, node: &NodeInfo) -> Result<(), (usize, super::plugins::Unfit)> {
        for (i, f) in FILTERS.iter().enumerate() {
            (f.run)(self, node).map_err(|u| (i, u))?;
        }
        Ok(())
    }
}

/// The outcome of one scheduling attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Bind(String),
    Unschedulable(String),
}

/// What one attempt produced: the decision, its explanation and how many nodes it examined
/// (to advance `nextStartNodeIndex`).
#[derive(Debug, Clone)]
pub struct Attempt {
    pub decision: Decision,
    pub explanation: Explanation,
    pub processed: usize,
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
    let mut results: Vec<NodeResult> = Vec::new();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    let mut preemption: BTreeMap<&'static str, usize> = BTreeMap::new();
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
                results.push(NodeResult::feasible(&nodes[idx].name));
            }
            Err((plugin, unfit)) => {
                for r in &unfit.reasons {
                    *reasons.entry(r.clone()).or_default() += 1;
                }
                let p = match unfit.code {
                    Code::UnschedulableAndUnresolvable => {
                        "Preemption is not helpful for scheduling"
                    }
                    Code::Unschedulable => "No preemption victims found for incoming pod",
                };
                *preemption.entry(p).or_default() += 1;
                results.push(NodeResult::failed(
                    &nodes[idx].name,
                    FILTERS[plugin].name,
                    unfit.code,
                    unfit.reasons,
                ));
            }
        }
    }
    let mut explanation = Explanation::new(pod, n, processed, feasible.len());
    let decision = match feasible.len() {
        0 => Decision::Unschedulable(fit_error(n, &reasons, &preemption)),
        1 => Decision::Bind(nodes[feasible[0]].name.clone()),
        _ => {
            let mut totals = vec![0i64; feasible.len()];
            let mut per_node: Vec<Vec<PluginScore>> =
                vec![Vec::with_capacity(SCORERS.len()); feasible.len()];
            for scorer in SCORERS {
                let run = scorer
                    .pre_score
                    .is_none_or(|pre| pre(&mut cycle, &feasible));
                explanation.score_plugins.push(ScorePluginInfo {
                    name: scorer.name.to_string(),
                    weight: scorer.weight,
                    skipped: !run,
                });
                if !run {
                    continue;
                }
                let raw: Vec<i64> = feasible
                    .iter()
                    .map(|&i| (scorer.score)(&cycle, &nodes[i]))
                    .collect();
                let mut normalized = raw.clone();
                if let Some(norm) = scorer.normalize {
                    norm(&cycle, &feasible, &mut normalized);
                }
                for (j, (r, s)) in raw.iter().zip(&normalized).enumerate() {
                    totals[j] += s * scorer.weight;
                    per_node[j].push(PluginScore {
                        plugin: std::borrow::Cow::Borrowed(scorer.name),
                        raw: *r,
                        normalized: *s,
                        weighted: s * scorer.weight,
                    });
                }
            }
            // Attach scores to the feasible nodes' results (in scan order).
            for (j, r) in results.iter_mut().filter(|r| r.feasible).enumerate() {
                r.scores = std::mem::take(&mut per_node[j]);
                r.total_score = Some(totals[j]);
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
        Decision::Bind(node) => {
            explanation.result = "Scheduled".into();
            explanation.selected_node = Some(node.clone());
        }
        Decision::Unschedulable(msg) => {
            explanation.result = "Unschedulable".into();
            explanation.message = Some(msg.clone());
        }
    }
    explanation.nodes = results;
    Attempt {
        decision,
        explanation,
        processed,
    }
}

/// `FitError.Error()`: "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated
/// taint {gpu: true}. preemption: 0/3 nodes are available: …".
pub fn fit_error(
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
