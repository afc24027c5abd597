//! DefaultPreemption (PostFilter; defaultpreemption/default_preemption.go and
//! framework/preemption/preemption.go): when no node fits, find nodes where evicting
//! lower-priority pods lets the pod fit, choose the victims on each (all lower-priority pods
//! removed, then reprieved highest priority first, PDB-violating ones first), pick one node
//! (fewest PDB violations → lowest highest-victim priority → smallest priority sum → fewest
//! victims → latest start of the highest-priority victims → first), and nominate it.
use super::{Code, FilterResult, Unfit};
use crate::api::Selector;
use crate::scheduler::cycle::Cycle;
use crate::scheduler::explain::Row;
use crate::scheduler::{NodeInfo, PodInfo, Snapshot};
use std::collections::{BTreeMap, BTreeSet};

pub const NOT_HELPFUL: &str = "Preemption is not helpful for scheduling";
pub const NO_VICTIMS: &str = "No preemption victims found for incoming pod";
pub const NOT_ELIGIBLE_POLICY: &str = "not eligible due to preemptionPolicy=Never.";
pub const NOT_ELIGIBLE_TERMINATING: &str =
    "not eligible due to a terminating pod on the nominated node.";
/// `MinCandidateNodesPercentage` and `MinCandidateNodesAbsolute`.
const MIN_CANDIDATE_NODES_PERCENTAGE: usize = 10;
const MIN_CANDIDATE_NODES_ABSOLUTE: usize = 100;

/// A PodDisruptionBudget as preemption reads it.
#[derive(Debug, Clone)]
pub struct Pdb {
    pub workspace: String,
    pub namespace: String,
    pub selector: Selector,
    pub disruptions_allowed: i64,
    pub disrupted_pods: BTreeSet<String>,
}

/// A pod to evict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Victim {
    pub workspace: String,
    pub namespace: String,
    pub name: String,
    pub uid: String,
}

/// What PostFilter decided.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// `Some(node)`: nominate it; `Some("")`: clear the pod's nomination; `None`: leave it.
    pub nominated: Option<String>,
    pub victims: Vec<Victim>,
    /// The status message ("preemption: …"); empty when a node was nominated.
    pub message: String,
}

/// `calculateNumCandidates`: 10 % of the nodes, at least 100, at most all.
pub fn num_candidates(n: usize) -> usize {
    (n * MIN_CANDIDATE_NODES_PERCENTAGE / 100)
        .max(MIN_CANDIDATE_NODES_ABSOLUTE)
        .min(n)
}

/// `MoreImportantPod`: higher priority, then the earlier start.
fn more_important(a: &PodInfo, b: &PodInfo, now: i64) -> std::cmp::Ordering {
    b.priority
        .cmp(&a.priority)
        .then(a.start_ms.unwrap_or(now).cmp(&b.start_ms.unwrap_or(now)))
}

/// `filterPodsWithPDBViolation`: (violating, non-violating), order kept.
fn split_by_pdb<'a>(pods: &[&'a PodInfo], pdbs: &[Pdb]) -> (Vec<&'a PodInfo>, Vec<&'a PodInfo>) {
    let mut allowed: Vec<i64> = pdbs.iter().map(|p| p.disruptions_allowed).collect();
    let (mut violating, mut ok) = (vec![], vec![]);
    for p in pods {
        let mut violated = false;
        if !p.labels.is_empty() {
            for (i, pdb) in pdbs.iter().enumerate() {
                if pdb.namespace != p.namespace
                    || pdb.workspace != p.workspace
                    || pdb.selector.matches_nothing
                    || pdb.selector.requirements.is_empty()
                    || !pdb.selector.matches(&p.labels)
                    || pdb.disrupted_pods.contains(&p.name)
                {
                    continue;
                }
                allowed[i] -= 1;
                if allowed[i] < 0 {
                    violated = true;
                }
            }
        }
        if violated {
            violating.push(*p);
        } else {
            ok.push(*p);
        }
    }
    (violating, ok)
}

/// Runs the filters for the pod on `node` as it would be after the changes, recomputing the
/// PreFilter state when the pod has pod-level rules (spread, affinity) that read other nodes.
fn fits(cy: &Cycle<'_>, node: &NodeInfo) -> FilterResult {
    let needs_snapshot = !cy.spread_filter.constraints.is_empty() || cy.affinity_filter.active;
    if !needs_snapshot {
        return cy.filter(node).map_err(|(_, u)| u);
    }
    let mut snap: Snapshot = cy.snapshot.clone();
    snap.match_counts = Default::default();
    snap.nodes[node.index] = node.clone();
    let c = Cycle::new(cy.pod, &snap, cy.config);
    c.filter(&snap.nodes[node.index]).map_err(|(_, u)| u)
}

/// A node where preemption helps: its victims and how many of them violate a PDB.
struct Candidate<'a> {
    node: usize,
    victims: Vec<&'a PodInfo>,
    num_violating: i64,
}

/// `SelectVictimsOnNode`.
fn select_victims<'a>(
    cy: &Cycle<'a>,
    node: &'a NodeInfo,
    pdbs: &[Pdb],
    now: i64,
) -> Result<Candidate<'a>, Unfit> {
    let mut potential: Vec<&'a PodInfo> = node
        .pods
        .iter()
        .map(|p| p.as_ref())
        .filter(|p| p.priority < cy.pod.priority)
        .collect();
    if potential.is_empty() {
        return Err(Unfit::unresolvable(NO_VICTIMS));
    }
    let mut work = node.clone();
    for p in &potential {
        work.remove_pod(&p.uid);
    }
    fits(cy, &work)?;
    potential.sort_by(|a, b| more_important(a, b, now));
    let (violating, non_violating) = split_by_pdb(&potential, pdbs);
    let mut victims = Vec::new();
    let mut num_violating = 0;
    for (list, counts) in [(violating, true), (non_violating, false)] {
        for p in list {
            work.add_pod(p.clone());
            if fits(cy, &work).is_err() {
                work.remove_pod(&p.uid);
                victims.push(p);
                if counts {
                    num_violating += 1;
                }
            }
        }
    }
    Ok(Candidate {
        node: node.index,
        victims,
        num_violating,
    })
}

/// `pickOneNodeForPreemption` over the candidates in dry-run order.
fn pick(candidates: &[Candidate<'_>], now: i64) -> usize {
    let score_fns: [&dyn Fn(&Candidate<'_>) -> i64; 5] = [
        &|c| -c.num_violating,
        &|c| {
            -c.victims
                .iter()
                .map(|p| p.priority)
                .max()
                .unwrap_or(i64::MIN)
        },
        &|c| {
            -c.victims
                .iter()
                .map(|p| p.priority + i64::from(i32::MAX) + 1)
                .sum::<i64>()
        },
        &|c| -(c.victims.len() as i64),
        &|c| {
            // The earliest start among the highest-priority victims; later is better.
            let top = c.victims.iter().map(|p| p.priority).max();
            c.victims
                .iter()
                .filter(|p| Some(p.priority) == top)
                .map(|p| p.start_ms.unwrap_or(now))
                .min()
                .unwrap_or(i64::MIN)
        },
    ];
    let mut all: Vec<usize> = (0..candidates.len()).collect();
    for f in score_fns {
        let max = all.iter().map(|&i| f(&candidates[i])).max().unwrap_or(0);
        let selected: Vec<usize> = all
            .iter()
            .copied()
            .filter(|&i| f(&candidates[i]) == max)
            .collect();
        if selected.len() == 1 {
            return selected[0];
        }
        all = selected;
    }
    all[0]
}

/// `FitError.Error()` over node statuses: "0/3 nodes are available: 1 …, 2 …."
fn histogram_message(n: usize, reasons: &BTreeMap<String, usize>) -> String {
    let mut parts: Vec<String> = reasons.iter().map(|(r, c)| format!("{c} {r}")).collect();
    parts.sort();
    format!("0/{n} nodes are available: {}.", parts.join(", "))
}

/// PostFilter for a pod no node fits; `rows` are the filter verdicts of every node.
pub fn post_filter(
    cy: &Cycle<'_>,
    rows: &[Row],
    pdbs: &[Pdb],
    rng: &mut crate::sim::Rng,
    now: i64,
) -> Outcome {
    let pod = cy.pod;
    let snapshot = cy.snapshot;
    let n = snapshot.nodes.len();
    if pod.preemption_never {
        return Outcome {
            nominated: None,
            victims: vec![],
            message: format!("preemption: {NOT_ELIGIBLE_POLICY}"),
        };
    }
    if let Some(nom) = pod.nominated_node.as_deref().filter(|n| !n.is_empty()) {
        if let Some(&i) = snapshot.by_name.get(nom) {
            let unresolvable = rows.iter().any(|r| {
                r.node as usize == i
                    && matches!(r.failed, Some((_, Code::UnschedulableAndUnresolvable)))
            });
            if !unresolvable
                && snapshot.nodes[i]
                    .pods
                    .iter()
                    .any(|p| p.priority < pod.priority && p.terminating && p.preempted)
            {
                return Outcome {
                    nominated: None,
                    victims: vec![],
                    message: format!("preemption: {NOT_ELIGIBLE_TERMINATING}"),
                };
            }
        }
    }
    let mut statuses: BTreeMap<String, usize> = BTreeMap::new();
    let potential: Vec<usize> = rows
        .iter()
        .filter(|r| match r.failed {
            Some((_, Code::UnschedulableAndUnresolvable)) => {
                *statuses.entry(NOT_HELPFUL.to_string()).or_default() += 1;
                false
            }
            _ => true,
        })
        .map(|r| r.node as usize)
        .collect();
    // Nodes the filters never examined count as not helpful too.
    let unexamined = n.saturating_sub(rows.len());
    if unexamined > 0 {
        *statuses.entry(NOT_HELPFUL.to_string()).or_default() += unexamined;
    }
    let clear = pod.nominated_node.as_ref().map(|_| String::new());
    if potential.is_empty() {
        return Outcome {
            nominated: clear,
            victims: vec![],
            message: format!("preemption: {}", histogram_message(n, &statuses)),
        };
    }
    let offset = rng.below(potential.len() as u64) as usize;
    let want = num_candidates(potential.len());
    let (mut violating, mut non_violating): (Vec<Candidate<'_>>, Vec<Candidate<'_>>) =
        (vec![], vec![]);
    for i in 0..potential.len() {
        let node = &snapshot.nodes[potential[(offset + i) % potential.len()]];
        match select_victims(cy, node, pdbs, now) {
            Ok(c) if c.num_violating == 0 => non_violating.push(c),
            Ok(c) => violating.push(c),
            Err(u) => {
                for r in u.reasons {
                    *statuses.entry(r.into_owned()).or_default() += 1;
                }
            }
        }
        if !non_violating.is_empty() && non_violating.len() + violating.len() >= want {
            break;
        }
    }
    non_violating.extend(violating);
    let candidates = non_violating;
    if candidates.is_empty() {
        return Outcome {
            nominated: clear,
            victims: vec![],
            message: format!("preemption: {}", histogram_message(n, &statuses)),
        };
    }
    let best = &candidates[pick(&candidates, now)];
    Outcome {
        nominated: Some(snapshot.nodes[best.node].name.clone()),
        victims: best
            .victims
            .iter()
            .map(|p| Victim {
                workspace: p.workspace.clone(),
                namespace: p.namespace.clone(),
                name: p.name.clone(),
                uid: p.uid.clone(),
            })
            .collect(),
        message: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;
    use crate::scheduler::cycle::decide;
    use crate::scheduler::plugins::testing::config;
    use crate::scheduler::{NodeInfo, PodInfo, Snapshot};

    fn node(name: &str, cpu: &str) -> NodeInfo {
        NodeInfo::from_node(
            &json!({"metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
            "status": {"allocatable": {"cpu": cpu, "memory": "8Gi", "pods": "110"}}}),
        )
    }

    fn pod(name: &str, priority: i64, cpu: &str, start: i64) -> PodInfo {
        let mut p = PodInfo::from_pod(
            &json!({"metadata": {"name": name, "namespace": "default", "uid": name, "labels": {"app": name}},
            "spec": {"priority": priority, "containers": [{"name": "c", "image": "x", "resources": {"requests": {"cpu": cpu}}}]}}),
        );
        p.start_ms = Some(start);
        p
    }

    fn preempt(p: &PodInfo, s: &Snapshot, pdbs: &[Pdb]) -> Outcome {
        let cfg = config();
        let mut rng = crate::sim::Rng::new(1);
        let attempt = decide(p, s, &cfg, &mut rng, 0);
        assert!(matches!(
            attempt.decision,
            crate::scheduler::Decision::Unschedulable(_)
        ));
        let c = Cycle::new(p, s, &cfg);
        post_filter(&c, &attempt.record.rows, pdbs, &mut rng, 0)
    }

    fn snapshot(pods: Vec<(&str, PodInfo)>) -> Snapshot {
        let mut s = Snapshot::new(vec![node("n1", "2"), node("n2", "2")]);
        for (n, p) in pods {
            s.add_pod(n, p);
        }
        s
    }

    #[test]
    fn picks_the_node_with_the_lowest_priority_victims() {
        // preemption_test.go "a pod that fits with preemption of lower priority pods":
        // n1 holds a priority-10 pod, n2 a priority-5 pod; both fill their node.
        let s = snapshot(vec![
            ("n1", pod("mid", 10, "2", 0)),
            ("n2", pod("low", 5, "2", 0)),
        ]);
        let out = preempt(&pod("high", 100, "1", 0), &s, &[]);
        assert_eq!(out.nominated.as_deref(), Some("n2"));
        assert_eq!(out.victims.len(), 1);
        assert_eq!(out.victims[0].name, "low");
        assert!(out.message.is_empty());
    }

    #[test]
    fn reprieves_victims_that_need_not_go() {
        // n1: two 1-cpu pods (priority 1 and 2); the incoming 1-cpu pod needs one to go: the
        // higher-priority one is reprieved first, so priority 1 is the victim. n2 is full of a
        // higher-priority pod.
        let s = snapshot(vec![
            ("n1", pod("p1", 1, "1", 0)),
            ("n1", pod("p2", 2, "1", 0)),
            ("n2", pod("vip", 1000, "2", 0)),
        ]);
        let out = preempt(&pod("high", 100, "1", 0), &s, &[]);
        assert_eq!(out.nominated.as_deref(), Some("n1"));
        let names: Vec<&str> = out.victims.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["p1"]);
    }

    #[test]
    fn prefers_nodes_without_pdb_violations() {
        let s = snapshot(vec![
            ("n1", pod("guarded", 1, "2", 0)),
            ("n2", pod("free", 1, "2", 0)),
        ]);
        let pdb = Pdb {
            workspace: "root".into(),
            namespace: "default".into(),
            selector: Selector::from_label_selector(Some(
                &json!({"matchLabels": {"app": "guarded"}}),
            ))
            .unwrap(),
            disruptions_allowed: 0,
            disrupted_pods: BTreeSet::new(),
        };
        let out = preempt(&pod("high", 100, "1", 0), &s, &[pdb]);
        assert_eq!(out.nominated.as_deref(), Some("n2"));
    }

    #[test]
    fn tie_breaks_fewest_victims_then_latest_start() {
        // n1: one 2-cpu victim; n2: two 1-cpu victims, same priority → n1 (fewest pods).
        let s = snapshot(vec![
            ("n1", pod("big", 1, "2", 0)),
            ("n2", pod("a", 1, "1", 0)),
            ("n2", pod("b", 1, "1", 0)),
        ]);
        let out = preempt(&pod("high", 100, "2", 0), &s, &[]);
        // Sum of priorities decides first: one victim sums lower than two.
        assert_eq!(out.nominated.as_deref(), Some("n1"));
        // Equal everything but start time: the node whose victim started last.
        let s = snapshot(vec![
            ("n1", pod("old", 1, "2", 100)),
            ("n2", pod("new", 1, "2", 200)),
        ]);
        let out = preempt(&pod("high", 100, "2", 0), &s, &[]);
        assert_eq!(out.nominated.as_deref(), Some("n2"));
    }

    #[test]
    fn messages_when_preemption_cannot_help() {
        // Equal priorities: no victims anywhere.
        let s = snapshot(vec![
            ("n1", pod("a", 100, "2", 0)),
            ("n2", pod("b", 100, "2", 0)),
        ]);
        let out = preempt(&pod("p", 100, "1", 0), &s, &[]);
        assert_eq!(
            out.message,
            "preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod."
        );
        // Too big even on an empty node.
        let s = snapshot(vec![("n1", pod("a", 1, "1", 0))]);
        let out = preempt(&pod("huge", 100, "3", 0), &s, &[]);
        assert_eq!(
            out.message,
            "preemption: 0/2 nodes are available: 1 Insufficient cpu, 1 No preemption victims found for incoming pod."
        );
        // preemptionPolicy: Never.
        let s = snapshot(vec![
            ("n1", pod("a", 1, "2", 0)),
            ("n2", pod("b", 1, "2", 0)),
        ]);
        let mut never = pod("p", 100, "1", 0);
        never.preemption_never = true;
        assert_eq!(
            preempt(&never, &s, &[]).message,
            "preemption: not eligible due to preemptionPolicy=Never."
        );
    }

    #[test]
    fn candidate_count() {
        assert_eq!(num_candidates(5), 5);
        assert_eq!(num_candidates(500), 100);
        assert_eq!(num_candidates(5000), 500);
    }
}

#[cfg(test)]
mod nominated_tests {
    use crate::json;
    use crate::scheduler::cycle::Cycle;
    use crate::scheduler::plugins::testing::{config, node, pod};
    use crate::scheduler::Snapshot;

    #[test]
    fn nominated_pods_hold_room_and_count_for_anti_affinity() {
        let s0 = Snapshot::new(vec![node("n1", json!({"kubernetes.io/hostname": "n1"}))]);
        // A higher-priority pod nominated to n1 taking 3 of its 4 cpus.
        let mut big = pod(
            "big",
            json!({"role": "web"}),
            json!({"priority": 100, "containers": [{"name": "c", "image": "x", "resources": {"requests": {"cpu": "3"}}}]}),
        );
        big.priority = 100;
        let mut s = s0.clone();
        s.nominate("n1", big);
        let cfg = config();
        let small = pod(
            "small",
            json!({}),
            json!({"containers": [{"name": "c", "image": "x", "resources": {"requests": {"cpu": "2"}}}]}),
        );
        let c = Cycle::new(&small, &s, &cfg);
        let (_, u) = c.filter(&s.nodes[0]).unwrap_err();
        assert_eq!(u.reasons, ["Insufficient cpu"]);
        // Without the nomination it fits.
        let c = Cycle::new(&small, &s0, &cfg);
        assert!(c.filter(&s0.nodes[0]).is_ok());
        // A web pod with anti-affinity to role=web sees the nominated web pod on n1.
        let anti = pod(
            "anti",
            json!({"role": "web"}),
            json!({"affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                {"labelSelector": {"matchLabels": {"role": "web"}}, "topologyKey": "kubernetes.io/hostname"}]}},
                "containers": [{"name": "c", "image": "x"}]}),
        );
        let c = Cycle::new(&anti, &s, &cfg);
        let (_, u) = c.filter(&s.nodes[0]).unwrap_err();
        assert_eq!(
            u.reasons,
            [super::super::inter_pod_affinity::ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH]
        );
    }
}
