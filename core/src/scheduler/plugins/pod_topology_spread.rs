//! PodTopologySpread (weight 2; podtopologyspread/{filtering,scoring,common}.go).
//!
//! Filter (DoNotSchedule constraints): `skew = matching pods in the node's domain + selfMatch −
//! global minimum` must not exceed maxSkew; the global minimum is 0 while fewer domains than
//! minDomains exist; a node without the topology key fails as unresolvable. Counts cover the
//! pod's namespace on nodes that pass the inclusion policies (nodeAffinityPolicy: Honor,
//! nodeTaintsPolicy: Ignore by default), skipping terminating pods.
//!
//! Score (ScheduleAnyway constraints): `round(Σ cnt·ln(#domains + 2) + maxSkew − 1)`, reversed
//! by `100·(max + min − s)/max`. Pods without constraints get the system defaults (hostname
//! maxSkew 3, zone maxSkew 5, ScheduleAnyway) with the selector of the Services, ReplicaSet,
//! StatefulSet or ReplicationController that select them.
use super::{node_affinity, taint_toleration, FilterResult, Unfit};
use crate::api::selector::Requirement;
use crate::api::Selector;
use crate::scheduler::cycle::Cycle;
use crate::scheduler::info::{Labels, SpreadConstraint, Unsatisfiable};
use crate::scheduler::{NodeInfo, PodInfo, Snapshot};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

pub const ERR_REASON_CONSTRAINTS_NOT_MATCH: &str =
    "node(s) didn't match pod topology spread constraints";
pub const ERR_REASON_NODE_LABEL_NOT_MATCH: &str =
    "node(s) didn't match pod topology spread constraints (missing required label)";

pub const LABEL_HOSTNAME: &str = "kubernetes.io/hostname";
pub const LABEL_ZONE: &str = "topology.kubernetes.io/zone";

#[derive(Debug, Default)]
pub struct PreFilterState<'a> {
    pub constraints: Vec<SpreadConstraint>,
    /// Per constraint: topology value (borrowed from the snapshot's node labels) → matching pods.
    pub tp_value_to_match_num: Vec<HashMap<&'a str, i64>>,
    /// Per constraint: the global minimum over its domains.
    pub min_match: Vec<i64>,
}

#[derive(Debug, Default)]
pub struct PreScoreState {
    pub constraints: Vec<SpreadConstraint>,
    /// Feasible nodes (snapshot indices) lacking a required topology key.
    pub ignored: HashSet<usize>,
    pub tp_value_to_pod_counts: Vec<HashMap<String, i64>>,
    pub weights: Vec<f64>,
    /// Per constraint: matching pods per node (by snapshot index).
    pub per_node: Vec<std::rc::Rc<Vec<i64>>>,
}

/// `helper.DefaultSelector`: Services selecting the pod (merged), then the controller
/// owner's selector (ReplicationController merged; ReplicaSet/StatefulSet requirements added).
pub fn default_selector(pod: &PodInfo, snapshot: &Snapshot) -> Selector {
    let w = &snapshot.workloads;
    let mut set: Labels = Labels::new();
    let ns = (pod.workspace.clone(), pod.namespace.clone());
    for sel in w.services.get(&ns).into_iter().flatten() {
        if sel.iter().all(|(k, v)| pod.labels.get(k) == Some(v)) {
            set.extend(sel.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
    }
    let mut extra: Vec<Requirement> = Vec::new();
    if let Some((kind, name)) = &pod.owner {
        let key = (
            pod.workspace.clone(),
            pod.namespace.clone(),
            kind.clone(),
            name.clone(),
        );
        if let Some(sel) = w.controllers.get(&key) {
            match kind.as_str() {
                "ReplicationController" => {
                    if let Some(m) = sel.as_object() {
                        for (k, v) in m {
                            set.insert(k.to_string(), v.as_str().unwrap_or("").to_string());
                        }
                    }
                }
                "ReplicaSet" | "StatefulSet" => {
                    if let Ok(s) = Selector::from_label_selector(Some(sel)) {
                        if !s.matches_nothing {
                            extra.extend(s.requirements);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let mut requirements: Vec<Requirement> = set
        .into_iter()
        .map(|(k, v)| Requirement::Equals(k, v))
        .collect();
    requirements.extend(extra);
    Selector {
        requirements,
        matches_nothing: false,
    }
}

fn is_empty(s: &Selector) -> bool {
    !s.matches_nothing && s.requirements.is_empty()
}

/// The pod's constraints for one action (`filterTopologySpreadConstraints`), or the system
/// defaults when it has none (`buildDefaultConstraints`). Returns (constraints, defaulted).
pub fn constraints_for(
    pod: &PodInfo,
    snapshot: &Snapshot,
    action: Unsatisfiable,
) -> (Vec<SpreadConstraint>, bool) {
    if !pod.spread_constraints.is_empty() {
        return (
            pod.spread_constraints
                .iter()
                .filter(|c| c.when_unsatisfiable == action)
                .cloned()
                .collect(),
            false,
        );
    }
    if action != Unsatisfiable::ScheduleAnyway {
        return (vec![], true);
    }
    let selector = default_selector(pod, snapshot);
    if is_empty(&selector) {
        return (vec![], true);
    }
    let c = |key: &str, skew| SpreadConstraint {
        max_skew: skew,
        topology_key: key.to_string(),
        when_unsatisfiable: Unsatisfiable::ScheduleAnyway,
        selector: selector.clone(),
        min_domains: 1,
        honor_node_affinity: true,
        honor_node_taints: false,
    };
    (vec![c(LABEL_HOSTNAME, 3), c(LABEL_ZONE, 5)], true)
}

/// `countPodsMatchSelector`: the node's pods in the namespace (not terminating) matching.
pub fn count_pods_match_selector(node: &NodeInfo, selector: &Selector, pod: &PodInfo) -> i64 {
    if is_empty(selector) {
        return 0;
    }
    node.pods
        .iter()
        .filter(|p| {
            !p.terminating
                && p.namespace == pod.namespace
                && p.workspace == pod.workspace
                && selector.matches(&p.labels)
        })
        .count() as i64
}

fn node_has_all_keys(node: &NodeInfo, constraints: &[SpreadConstraint]) -> bool {
    constraints
        .iter()
        .all(|c| node.labels.contains_key(&c.topology_key))
}

/// `matchNodeInclusionPolicies`.
fn included(c: &SpreadConstraint, pod: &PodInfo, node: &NodeInfo) -> bool {
    if c.honor_node_affinity && !node_affinity::matches(pod, node) {
        return false;
    }
    if c.honor_node_taints && taint_toleration::untolerated(pod, node).is_err() {
        return false;
    }
    true
}

/// `calPreFilterState`.
pub fn pre_filter<'a>(cy: &mut Cycle<'a>) {
    let snapshot: &'a Snapshot = cy.snapshot;
    let (constraints, _) = constraints_for(cy.pod, snapshot, Unsatisfiable::DoNotSchedule);
    if constraints.is_empty() {
        return;
    }
    let mut counts: Vec<HashMap<&'a str, i64>> = constraints
        .iter()
        .map(|c| {
            HashMap::with_capacity_and_hasher(
                if c.topology_key == LABEL_HOSTNAME {
                    snapshot.nodes.len()
                } else {
                    8
                },
                Default::default(),
            )
        })
        .collect();
    let per_node: Vec<_> = constraints
        .iter()
        .map(|c| snapshot.match_counts(cy.pod, &c.selector))
        .collect();
    for node in &snapshot.nodes {
        if !node_has_all_keys(node, &constraints) {
            continue;
        }
        for (i, c) in constraints.iter().enumerate() {
            if !included(c, cy.pod, node) {
                continue;
            }
            let value: &'a str = &node.labels[&c.topology_key];
            let n = per_node[i][node.index];
            *counts[i].entry(value).or_default() += n;
        }
    }
    let min_match = counts
        .iter()
        .map(|m| m.values().copied().min().unwrap_or(i64::from(i32::MAX)))
        .collect();
    cy.spread_filter = PreFilterState {
        constraints,
        tp_value_to_match_num: counts,
        min_match,
    };
}

pub fn filter(cy: &Cycle<'_>, node: &NodeInfo) -> FilterResult {
    let s = &cy.spread_filter;
    for (i, c) in s.constraints.iter().enumerate() {
        let Some(value) = node.labels.get(&c.topology_key) else {
            return Err(Unfit::unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH));
        };
        let self_match = i64::from(c.selector.matches(&cy.pod.labels));
        let mut min = s.min_match[i];
        if (s.tp_value_to_match_num[i].len() as i64) < c.min_domains {
            min = 0;
        }
        let match_num = s.tp_value_to_match_num[i]
            .get(value.as_str())
            .copied()
            .unwrap_or(0);
        if match_num.saturating_add(self_match).saturating_sub(min) > c.max_skew {
            return Err(Unfit::unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH));
        }
    }
    Ok(())
}

/// `PreScore`/`initPreScoreState`; false (Skip) without soft constraints.
pub fn pre_score(cy: &mut Cycle<'_>, feasible: &[usize]) -> bool {
    let (constraints, defaulted) =
        constraints_for(cy.pod, cy.snapshot, Unsatisfiable::ScheduleAnyway);
    if constraints.is_empty() {
        return false;
    }
    // Only non-default constraints require every topology key on a node.
    let require_all = !defaulted;
    let nodes = &cy.snapshot.nodes;
    let mut s = PreScoreState {
        tp_value_to_pod_counts: vec![HashMap::default(); constraints.len()],
        ..Default::default()
    };
    let mut topo_size = vec![0usize; constraints.len()];
    for &i in feasible {
        let node = &nodes[i];
        if require_all && !node_has_all_keys(node, &constraints) {
            s.ignored.insert(i);
            continue;
        }
        for (ci, c) in constraints.iter().enumerate() {
            if c.topology_key == LABEL_HOSTNAME {
                continue;
            }
            let value = node
                .labels
                .get(&c.topology_key)
                .cloned()
                .unwrap_or_default();
            if let std::collections::hash_map::Entry::Vacant(e) =
                s.tp_value_to_pod_counts[ci].entry(value)
            {
                e.insert(0);
                topo_size[ci] += 1;
            }
        }
    }
    s.weights = constraints
        .iter()
        .enumerate()
        .map(|(ci, c)| {
            let size = if c.topology_key == LABEL_HOSTNAME {
                feasible.len() - s.ignored.len()
            } else {
                topo_size[ci]
            };
            ((size + 2) as f64).ln()
        })
        .collect();
    s.per_node = constraints
        .iter()
        .map(|c| cy.snapshot.match_counts(cy.pod, &c.selector))
        .collect();
    let empty = String::new();
    // Every node counts when no inclusion policy can exclude one: read the per-domain sums
    // the snapshot keeps instead of walking every node.
    let pod = cy.pod;
    let everywhere = |c: &SpreadConstraint| {
        !c.honor_node_taints
            && (!c.honor_node_affinity
                || (pod.node_selector.is_empty()
                    && pod.affinity["nodeAffinity"]
                        ["requiredDuringSchedulingIgnoredDuringExecution"]
                        .is_null()))
    };
    if !require_all && constraints.iter().all(everywhere) {
        for (ci, c) in constraints.iter().enumerate() {
            if c.topology_key == LABEL_HOSTNAME || s.tp_value_to_pod_counts[ci].is_empty() {
                continue;
            }
            let sums = cy.snapshot.domain_counts(pod, &c.selector, &c.topology_key);
            for (v, slot) in s.tp_value_to_pod_counts[ci].iter_mut() {
                *slot = sums.get(v).copied().unwrap_or(0);
            }
        }
    } else if s.tp_value_to_pod_counts.iter().any(|m| !m.is_empty()) {
        for node in nodes {
            if require_all && !node_has_all_keys(node, &constraints) {
                continue;
            }
            for (ci, c) in constraints.iter().enumerate() {
                if c.topology_key == LABEL_HOSTNAME || !included(c, cy.pod, node) {
                    continue;
                }
                let value = node.labels.get(&c.topology_key).unwrap_or(&empty);
                let Some(slot) = s.tp_value_to_pod_counts[ci].get_mut(value) else {
                    continue;
                };
                *slot += s.per_node[ci][node.index];
            }
        }
    }
    s.constraints = constraints;
    cy.spread_score = s;
    true
}

/// `scoreForCount`.
pub fn score_for_count(cnt: i64, max_skew: i64, weight: f64) -> f64 {
    cnt as f64 * weight + (max_skew - 1) as f64
}

pub fn score(cy: &Cycle<'_>, node: &NodeInfo) -> i64 {
    let s = &cy.spread_score;
    if s.ignored.contains(&node.index) {
        return 0;
    }
    let mut score = 0.0;
    for (ci, c) in s.constraints.iter().enumerate() {
        if let Some(value) = node.labels.get(&c.topology_key) {
            let cnt = if c.topology_key == LABEL_HOSTNAME {
                s.per_node[ci][node.index]
            } else {
                s.tp_value_to_pod_counts[ci]
                    .get(value)
                    .copied()
                    .unwrap_or(0)
            };
            score += score_for_count(cnt, c.max_skew, s.weights[ci]);
        }
    }
    score.round() as i64
}

/// Reversed min-max: `100·(max + min − s)/max`; ignored nodes get 0; all 100 when max is 0.
pub fn normalize(cy: &Cycle<'_>, feasible: &[usize], scores: &mut [i64]) {
    let s = &cy.spread_score;
    let mut min = i64::MAX;
    let mut max = 0i64;
    // Scores are non-negative (counts · ln(n) + maxSkew − 1), so max = 0 means all zero.
    for (j, &i) in feasible.iter().enumerate() {
        if s.ignored.contains(&i) {
            continue;
        }
        min = min.min(scores[j]);
        max = max.max(scores[j]);
    }
    for (j, &i) in feasible.iter().enumerate() {
        scores[j] = if s.ignored.contains(&i) {
            0
        } else if max == 0 {
            100
        } else {
            (100 * (i128::from(max) + i128::from(min) - i128::from(scores[j])) / i128::from(max))
                as i64
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Value;
    use crate::json;
    use crate::scheduler::cycle::Cycle;
    use crate::scheduler::plugins::testing::{config, node, pod, snapshot};
    use crate::scheduler::{NodeInfo, PodInfo, Snapshot};

    fn zone_host(name: &str, zone: &str) -> NodeInfo {
        node(name, json!({"zone": zone, "node": name}))
    }

    fn spread(constraints: Value) -> PodInfo {
        pod(
            "p",
            json!({"foo": ""}),
            json!({"topologySpreadConstraints": constraints}),
        )
    }

    fn foo(name: &str) -> PodInfo {
        pod(name, json!({"foo": ""}), json!({}))
    }

    fn hard(skew: i64, key: &str) -> Value {
        json!({"maxSkew": skew, "topologyKey": key, "whenUnsatisfiable": "DoNotSchedule",
            "labelSelector": {"matchExpressions": [{"key": "foo", "operator": "Exists"}]}})
    }

    fn soft(skew: i64, key: &str) -> Value {
        json!({"maxSkew": skew, "topologyKey": key, "whenUnsatisfiable": "ScheduleAnyway",
            "labelSelector": {"matchExpressions": [{"key": "foo", "operator": "Exists"}]}})
    }

    fn passing(p: &PodInfo, s: &Snapshot) -> Vec<String> {
        let cfg = config();
        let c = Cycle::new(p, s, &cfg);
        let mut out: Vec<String> = s
            .nodes
            .iter()
            .filter(|n| filter(&c, n).is_ok())
            .map(|n| n.name.clone())
            .collect();
        out.sort();
        out
    }

    /// filtering_test.go "pods spread across zones as 3/3, all nodes fit" and friends: a
    /// 4-node, 2-zone cluster.
    fn two_zones(pods: &[(&str, usize)]) -> Snapshot {
        let nodes = vec![
            zone_host("node-a", "zone1"),
            zone_host("node-b", "zone1"),
            zone_host("node-x", "zone2"),
            zone_host("node-y", "zone2"),
        ];
        let mut placed = vec![];
        let mut k = 0;
        for (n, count) in pods {
            for _ in 0..*count {
                placed.push((*n, foo(&format!("p{k}"))));
                k += 1;
            }
        }
        snapshot(nodes, placed)
    }

    #[test]
    fn filter_zone_spread_table() {
        // "normal case with one spreadConstraint": zone1 has 3, zone2 has 1 → only zone2.
        let s = two_zones(&[("node-a", 2), ("node-b", 1), ("node-x", 1)]);
        assert_eq!(
            passing(&spread(json!([hard(1, "zone")])), &s),
            ["node-x", "node-y"]
        );
        // "pods spread across zones as 3/3, all nodes fit".
        let s = two_zones(&[("node-a", 2), ("node-b", 1), ("node-x", 2), ("node-y", 1)]);
        assert_eq!(
            passing(&spread(json!([hard(1, "zone")])), &s),
            ["node-a", "node-b", "node-x", "node-y"]
        );
        // "no existing pods, incoming pod doesn't match itself": self-match 0, all fit.
        let s = two_zones(&[]);
        let mut p = spread(json!([hard(1, "zone")]));
        p.labels.clear();
        assert_eq!(passing(&p, &s).len(), 4);
    }

    #[test]
    fn filter_two_constraints_zone_and_node() {
        // filtering_test.go "two Constraints on zone and node, spreads = [3/3, 2/1/0/3]":
        // every zone passes (3 + 1 − 3 ≤ 1); on `node` the min is 0, so only node-x fits.
        let s = two_zones(&[("node-a", 2), ("node-b", 1), ("node-y", 3)]);
        let p = spread(json!([hard(1, "zone"), hard(1, "node")]));
        assert_eq!(passing(&p, &s), ["node-x"]);
    }

    #[test]
    fn node_without_key_fails_unresolvable() {
        let mut nodes = vec![zone_host("node-a", "zone1")];
        nodes.push(node("bare", json!({})));
        let s = snapshot(nodes, vec![]);
        let p = spread(json!([hard(1, "zone")]));
        let cfg = config();
        let c = Cycle::new(&p, &s, &cfg);
        let bare = &s.nodes[s.by_name["bare"]];
        assert_eq!(
            filter(&c, bare).unwrap_err(),
            Unfit::unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH)
        );
    }

    #[test]
    fn min_domains_forces_global_min_to_zero() {
        // Two zones with 1 pod each; minDomains 3 → global min 0 → 1 + 1 − 0 = 2 > 1: none fit.
        let s = two_zones(&[("node-a", 1), ("node-x", 1)]);
        let mut c = hard(1, "zone");
        c["minDomains"] = json!(3);
        assert!(passing(&spread(json!([c])), &s).is_empty());
        // With minDomains 2 the min is 1 → 1 + 1 − 1 = 1: all fit.
        let mut c = hard(1, "zone");
        c["minDomains"] = json!(2);
        assert_eq!(passing(&spread(json!([c])), &s).len(), 4);
    }

    #[test]
    fn node_affinity_policy_honor_and_ignore() {
        // Two pods on node-a (zone1); the incoming pod may only go to zone1 (nodeSelector).
        let s = two_zones(&[("node-a", 2)]);
        let mut p = spread(json!([hard(1, "zone")]));
        p.node_selector = [("zone".to_string(), "zone1".to_string())].into();
        // Honor: only zone1 counted (2) → min 2 → node-a: 2 + 1 − 2 = 1 ≤ 1 → passes.
        assert!(passing(&p, &s).contains(&"node-a".to_string()));
        let mut c = hard(1, "zone");
        c["nodeAffinityPolicy"] = json!("Ignore");
        let mut p2 = spread(json!([c]));
        p2.node_selector = p.node_selector.clone();
        // Ignore: zone2 counted (0) → min 0 → node-a: 2 + 1 − 0 = 3 > 1 → fails.
        assert!(!passing(&p2, &s).contains(&"node-a".to_string()));
    }

    #[test]
    fn node_taints_policy_honor() {
        // zone2's nodes are tainted; with Honor they are not counted.
        let mut nodes = vec![zone_host("node-a", "zone1")];
        for n in ["node-x", "node-y"] {
            let mut t = zone_host(n, "zone2");
            t.taints.push(crate::scheduler::Taint {
                key: "k".into(),
                value: "v".into(),
                effect: "NoSchedule".into(),
            });
            nodes.push(t);
        }
        let s = snapshot(nodes, vec![("node-a", foo("e1"))]);
        let mut c = hard(1, "zone");
        c["nodeTaintsPolicy"] = json!("Honor");
        let p = spread(json!([c]));
        // Only zone1 (1 pod) is a domain → min 1 → node-a: 1 + 1 − 1 = 1 passes.
        assert!(passing(&p, &s).contains(&"node-a".to_string()));
        // Ignore (default): zone2 has 0 → node-a: 1 + 1 − 0 = 2 fails.
        let p = spread(json!([hard(1, "zone")]));
        assert!(!passing(&p, &s).contains(&"node-a".to_string()));
    }

    fn scores(p: &PodInfo, s: &Snapshot) -> Vec<(String, i64)> {
        let cfg = config();
        let mut c = Cycle::new(p, s, &cfg);
        let feasible: Vec<usize> = (0..s.nodes.len()).collect();
        assert!(pre_score(&mut c, &feasible));
        let mut sc: Vec<i64> = feasible.iter().map(|&i| score(&c, &s.nodes[i])).collect();
        normalize(&c, &feasible, &mut sc);
        let mut out: Vec<(String, i64)> = feasible
            .iter()
            .map(|&i| s.nodes[i].name.clone())
            .zip(sc)
            .collect();
        out.sort();
        out
    }

    #[test]
    fn score_upstream_table() {
        // scoring_test.go "one constraint on node, all 4 pods are on node-a" (hostname-like
        // key `node`, but not kubernetes.io/hostname): weights ln(2+2); node-a 4 pods.
        // raw: a = round(4·ln(4)) = 6, b = 0 → normalized a = 100·(6+0−6)/6 = 0, b = 100.
        let nodes = vec![
            node("node-a", json!({"node": "node-a"})),
            node("node-b", json!({"node": "node-b"})),
        ];
        let placed = (0..4).map(|i| ("node-a", foo(&format!("p{i}")))).collect();
        let s = snapshot(nodes, placed);
        assert_eq!(
            scores(&spread(json!([soft(1, "node")])), &s),
            [("node-a".to_string(), 0), ("node-b".to_string(), 100)]
        );
        // "one constraint on node, no existing pods": all 100.
        let nodes = vec![
            node("node-a", json!({"node": "node-a"})),
            node("node-b", json!({"node": "node-b"})),
        ];
        let s = snapshot(nodes, vec![]);
        assert_eq!(
            scores(&spread(json!([soft(1, "node")])), &s),
            [("node-a".to_string(), 100), ("node-b".to_string(), 100)]
        );
    }

    #[test]
    fn score_counts_per_zone_with_hostname() {
        // Zone 1 has 3 matching pods (a: 2, b: 1), zone 2 has 1 (x). Two soft constraints:
        // zone maxSkew 1, hostname maxSkew 1; hostname weight ln(4+2), zone weight ln(2+2).
        let mut nodes = vec![];
        for (n, z) in [("a", "z1"), ("b", "z1"), ("x", "z2"), ("y", "z2")] {
            nodes.push(node(
                n,
                json!({"topology.kubernetes.io/zone": z, "kubernetes.io/hostname": n}),
            ));
        }
        let placed = vec![
            ("a", foo("1")),
            ("a", foo("2")),
            ("b", foo("3")),
            ("x", foo("4")),
        ];
        let s = snapshot(nodes, placed);
        let p = spread(json!([
            soft(1, "topology.kubernetes.io/zone"),
            soft(1, "kubernetes.io/hostname")
        ]));
        // raw: a = round(3·ln4 + 2·ln6) = round(4.159+3.584) = 8; b = round(4.159+1.792) = 6;
        // x = round(1.386+1.792) = 3; y = round(1.386) = 1. max 8, min 1:
        // a = 100·(9−8)/8 = 12, b = 100·3/8 = 37, x = 100·6/8 = 75, y = 100·8/8 = 100.
        assert_eq!(
            scores(&p, &s),
            [
                ("a".to_string(), 12),
                ("b".to_string(), 37),
                ("x".to_string(), 75),
                ("y".to_string(), 100)
            ]
        );
    }

    #[test]
    fn system_default_constraints_from_replicaset_selector() {
        let mut s = snapshot(
            vec![
                node("a", json!({"kubernetes.io/hostname": "a"})),
                node("b", json!({"kubernetes.io/hostname": "b"})),
            ],
            vec![("a", foo("e1"))],
        );
        let mut p = foo("p");
        p.owner = Some(("ReplicaSet".into(), "rs".into()));
        let cfg = config();
        // Without a known owner: no selector → Skip.
        {
            let mut c = Cycle::new(&p, &s, &cfg);
            assert!(!pre_score(&mut c, &[0, 1]));
        }
        s.workloads.controllers.insert(
            (
                "root".into(),
                "default".into(),
                "ReplicaSet".into(),
                "rs".into(),
            ),
            json!({"matchLabels": {"foo": ""}}),
        );
        // Nodes lack the zone label, yet are not ignored for system defaults; hostname
        // weight ln(4): a = round(1·1.386 + 2) = 3, b = 2 → a = 100·(5−3)/3 = 66, b = 100.
        let got = scores(&p, &s);
        assert_eq!(got, [("a".to_string(), 66), ("b".to_string(), 100)]);
        // The defaults never filter.
        assert_eq!(passing(&p, &s), ["a", "b"]);
    }

    #[test]
    fn domain_sums_match_the_per_node_walk_and_stay_current() {
        let mut nodes = vec![];
        for (n, z) in [("a", "z1"), ("b", "z1"), ("c", "z2"), ("d", "z3")] {
            nodes.push(node(
                n,
                json!({"topology.kubernetes.io/zone": z, "kubernetes.io/hostname": n, "common": "yes"}),
            ));
        }
        nodes.push(node(
            "e",
            json!({"kubernetes.io/hostname": "e", "common": "yes"}),
        ));
        let mut s = snapshot(
            nodes,
            vec![
                ("a", foo("1")),
                ("a", foo("2")),
                ("c", foo("3")),
                ("e", foo("4")),
            ],
        );
        s.workloads.controllers.insert(
            (
                "root".into(),
                "default".into(),
                "ReplicaSet".into(),
                "rs".into(),
            ),
            json!({"matchLabels": {"foo": ""}}),
        );
        let mut fast = foo("p");
        fast.owner = Some(("ReplicaSet".into(), "rs".into()));
        // The same pod with a nodeSelector every node matches takes the per-node walk.
        let mut slow = fast.clone();
        slow.node_selector = [("common".to_string(), "yes".to_string())].into();
        let cfg = config();
        let all: Vec<usize> = (0..5).collect();
        let counts = |p: &PodInfo, s: &Snapshot| {
            let mut c = Cycle::new(p, s, &cfg);
            assert!(pre_score(&mut c, &all));
            let mut v: Vec<(String, i64)> = c.spread_score.tp_value_to_pod_counts[1]
                .iter()
                .map(|(k, v)| (k.clone(), *v))
                .collect();
            v.sort();
            let sc: Vec<i64> = s.nodes.iter().map(|n| score(&c, n)).collect();
            (v, sc)
        };
        let before = counts(&fast, &s);
        assert_eq!(before, counts(&slow, &s));
        assert_eq!(
            before.0,
            [
                ("".to_string(), 1),
                ("z1".to_string(), 2),
                ("z2".to_string(), 1),
                ("z3".to_string(), 0)
            ]
        );
        // Assuming more pods keeps the cached sums current.
        s.add_pod("d", foo("5"));
        s.add_pod("b", foo("6"));
        let after = counts(&fast, &s);
        assert_eq!(after, counts(&slow, &s));
        assert_eq!(after.0[1], ("z1".to_string(), 3));
        assert_eq!(after.0[3], ("z3".to_string(), 1));
    }
}
