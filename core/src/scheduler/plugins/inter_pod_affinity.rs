//! InterPodAffinity (weight 2; interpodaffinity/{filtering,scoring}.go).
//!
//! Filter, all three must hold: the pod's required affinity (the node has every topology key
//! and each domain holds a matching pod — unless no pod matches anywhere and the pod matches
//! its own terms); the pod's required anti-affinity (no matching pod in the node's domain);
//! and existing pods' required anti-affinity that matches the pod (symmetry).
//!
//! Score: per topology domain, Σ over existing pods of ±weight for the pod's preferred
//! (anti-)affinity terms they match, plus the existing pods' required affinity (×
//! hardPodAffinityWeight), preferred affinity and preferred anti-affinity terms that the pod
//! matches; normalized by min–max to 0..100.
//! Namespaces: a term's namespaceSelector is resolved against the workspace's namespaces.
use super::{FilterResult, Unfit};
use crate::scheduler::cycle::Cycle;
use crate::scheduler::info::{AffinityTerm, Labels, WeightedAffinityTerm};
use crate::scheduler::{NodeInfo, PodInfo, Snapshot};
use rustc_hash::FxHashMap as HashMap;

pub const ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH: &str =
    "node(s) didn't satisfy existing pods anti-affinity rules";
pub const ERR_REASON_AFFINITY_RULES_NOT_MATCH: &str = "node(s) didn't match pod affinity rules";
pub const ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH: &str =
    "node(s) didn't match pod anti-affinity rules";

/// (topology key, value) → count.
type TopologyCounts = HashMap<(String, String), i64>;

#[derive(Debug, Default)]
pub struct PreFilterState {
    /// False when PreFilter returned Skip (nothing to check).
    pub active: bool,
    pub required_affinity: Vec<AffinityTerm>,
    pub required_anti_affinity: Vec<AffinityTerm>,
    pub existing_anti_affinity_counts: TopologyCounts,
    pub affinity_counts: TopologyCounts,
    pub anti_affinity_counts: TopologyCounts,
    /// The pod matches all its own required affinity terms.
    pub self_match: bool,
}

#[derive(Debug, Default)]
pub struct PreScoreState {
    /// topology key → value → score.
    pub topology_score: HashMap<String, HashMap<String, i64>>,
}

/// `mergeAffinityTermNamespacesIfNotEmpty`: a non-empty namespaceSelector becomes the
/// namespaces it selects.
fn merge_namespaces(term: &AffinityTerm, snapshot: &Snapshot) -> AffinityTerm {
    let mut t = term.clone();
    let sel = &t.namespace_selector;
    if sel.matches_nothing || sel.requirements.is_empty() {
        return t;
    }
    for ns in snapshot.namespaces_matching(&t.workspace, sel) {
        t.namespaces.insert(ns);
    }
    t.namespace_selector.matches_nothing = true;
    t
}

fn update(m: &mut TopologyCounts, node: &NodeInfo, key: &str, value: i64) {
    if let Some(v) = node.labels.get(key) {
        let pair = (key.to_string(), v.clone());
        let e = m.entry(pair.clone()).or_default();
        *e += value;
        if *e == 0 {
            m.remove(&pair);
        }
    }
}

/// `podMatchesAllAffinityTerms` (the incoming pod's terms have their namespaces merged).
fn matches_all(terms: &[AffinityTerm], pod: &PodInfo) -> bool {
    let empty = Labels::new();
    !terms.is_empty() && terms.iter().all(|t| t.matches(pod, &empty))
}

pub fn pre_filter(cy: &mut Cycle<'_>) {
    let pod = cy.pod;
    let snapshot = cy.snapshot;
    let required_affinity: Vec<AffinityTerm> = pod
        .required_affinity
        .iter()
        .map(|t| merge_namespaces(t, snapshot))
        .collect();
    let required_anti_affinity: Vec<AffinityTerm> = pod
        .required_anti_affinity
        .iter()
        .map(|t| merge_namespaces(t, snapshot))
        .collect();
    let ns_labels = snapshot.namespace_labels(&pod.workspace, &pod.namespace);
    let mut existing = TopologyCounts::default();
    for node in snapshot
        .nodes_with_required_anti_affinity
        .iter()
        .map(|&i| &snapshot.nodes[i])
        .filter(|n| n.pods_with_required_anti_affinity > 0)
    {
        for p in &node.pods {
            for t in &p.required_anti_affinity {
                if t.matches(pod, &ns_labels) {
                    update(&mut existing, node, &t.topology_key, 1);
                }
            }
        }
    }
    let mut affinity = TopologyCounts::default();
    let mut anti = TopologyCounts::default();
    if !required_affinity.is_empty() || !required_anti_affinity.is_empty() {
        let empty = Labels::new();
        for node in &snapshot.nodes {
            for p in &node.pods {
                if matches_all(&required_affinity, p) {
                    for t in &required_affinity {
                        update(&mut affinity, node, &t.topology_key, 1);
                    }
                }
                for t in &required_anti_affinity {
                    if t.matches(p, &empty) {
                        update(&mut anti, node, &t.topology_key, 1);
                    }
                }
            }
        }
    }
    if existing.is_empty() && required_affinity.is_empty() && required_anti_affinity.is_empty() {
        return;
    }
    cy.affinity_filter = PreFilterState {
        active: true,
        self_match: matches_all(&required_affinity, pod),
        required_affinity,
        required_anti_affinity,
        existing_anti_affinity_counts: existing,
        affinity_counts: affinity,
        anti_affinity_counts: anti,
    };
}

fn satisfy_existing_pods_anti_affinity(s: &PreFilterState, node: &NodeInfo) -> bool {
    s.existing_anti_affinity_counts.is_empty()
        || !node.labels.iter().any(|(k, v)| {
            s.existing_anti_affinity_counts
                .get(&(k.clone(), v.clone()))
                .is_some_and(|c| *c > 0)
        })
}

fn satisfy_pod_anti_affinity(s: &PreFilterState, node: &NodeInfo) -> bool {
    if s.anti_affinity_counts.is_empty() {
        return true;
    }
    for t in &s.required_anti_affinity {
        if let Some(v) = node.labels.get(&t.topology_key) {
            if s.anti_affinity_counts
                .get(&(t.topology_key.clone(), v.clone()))
                .is_some_and(|c| *c > 0)
            {
                return false;
            }
        }
    }
    true
}

fn satisfy_pod_affinity(s: &PreFilterState, node: &NodeInfo) -> bool {
    let mut pods_exist = true;
    for t in &s.required_affinity {
        match node.labels.get(&t.topology_key) {
            Some(v) => {
                if s.affinity_counts
                    .get(&(t.topology_key.clone(), v.clone()))
                    .is_none_or(|c| *c <= 0)
                {
                    pods_exist = false;
                }
            }
            // All topology labels must exist on the node.
            None => return false,
        }
    }
    // The first pod of a group with affinity to itself: no pod matches anywhere yet.
    pods_exist || (s.affinity_counts.is_empty() && s.self_match)
}

pub fn filter(cy: &Cycle<'_>, node: &NodeInfo) -> FilterResult {
    let s = &cy.affinity_filter;
    if !s.active {
        return Ok(());
    }
    if !satisfy_pod_affinity(s, node) {
        return Err(Unfit::unresolvable(ERR_REASON_AFFINITY_RULES_NOT_MATCH));
    }
    if !satisfy_pod_anti_affinity(s, node) {
        return Err(Unfit::unschedulable(
            ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH,
        ));
    }
    if !satisfy_existing_pods_anti_affinity(s, node) {
        return Err(Unfit::unschedulable(
            ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH,
        ));
    }
    Ok(())
}

type ScoreMap = HashMap<String, HashMap<String, i64>>;

fn process_term(
    m: &mut ScoreMap,
    term: &AffinityTerm,
    weight: i64,
    pod: &PodInfo,
    ns_labels: &Labels,
    node: &NodeInfo,
    multiplier: i64,
) {
    if term.matches(pod, ns_labels) {
        if let Some(v) = node.labels.get(&term.topology_key) {
            let e = m
                .entry(term.topology_key.clone())
                .or_default()
                .entry(v.clone())
                .or_default();
            *e = e.saturating_add(weight.saturating_mul(multiplier));
        }
    }
}

fn process_terms(
    m: &mut ScoreMap,
    terms: &[WeightedAffinityTerm],
    pod: &PodInfo,
    ns_labels: &Labels,
    node: &NodeInfo,
    multiplier: i64,
) {
    for t in terms {
        process_term(m, &t.term, t.weight, pod, ns_labels, node, multiplier);
    }
}

/// `PreScore`; false (Skip) when no domain gets a score.
pub fn pre_score(cy: &mut Cycle<'_>, _feasible: &[usize]) -> bool {
    let pod = cy.pod;
    let snapshot = cy.snapshot;
    let has_constraints =
        !pod.preferred_affinity.is_empty() || !pod.preferred_anti_affinity.is_empty();
    let merge = |ts: &[WeightedAffinityTerm]| -> Vec<WeightedAffinityTerm> {
        ts.iter()
            .map(|t| WeightedAffinityTerm {
                term: merge_namespaces(&t.term, snapshot),
                weight: t.weight,
            })
            .collect()
    };
    let preferred_affinity = merge(&pod.preferred_affinity);
    let preferred_anti_affinity = merge(&pod.preferred_anti_affinity);
    let ns_labels = snapshot.namespace_labels(&pod.workspace, &pod.namespace);
    let empty = Labels::new();
    let hard_weight = cy.config.hard_pod_affinity_weight;
    let mut m = ScoreMap::default();
    let nodes: Box<dyn Iterator<Item = &NodeInfo>> = if has_constraints {
        Box::new(snapshot.nodes.iter())
    } else {
        Box::new(
            snapshot
                .nodes_with_affinity
                .iter()
                .map(|&i| &snapshot.nodes[i]),
        )
    };
    for node in nodes {
        if node.labels.is_empty() || (!has_constraints && node.pods_with_affinity == 0) {
            continue;
        }
        for existing in &node.pods {
            if !has_constraints && !existing.has_affinity_terms() {
                continue;
            }
            process_terms(&mut m, &preferred_affinity, existing, &empty, node, 1);
            process_terms(&mut m, &preferred_anti_affinity, existing, &empty, node, -1);
            if hard_weight > 0 {
                for t in &existing.required_affinity {
                    process_term(&mut m, t, hard_weight, pod, &ns_labels, node, 1);
                }
            }
            process_terms(
                &mut m,
                &existing.preferred_affinity,
                pod,
                &ns_labels,
                node,
                1,
            );
            process_terms(
                &mut m,
                &existing.preferred_anti_affinity,
                pod,
                &ns_labels,
                node,
                -1,
            );
        }
    }
    if m.is_empty() {
        return false;
    }
    cy.affinity_score = PreScoreState { topology_score: m };
    true
}

pub fn score(cy: &Cycle<'_>, node: &NodeInfo) -> i64 {
    cy.affinity_score
        .topology_score
        .iter()
        .filter_map(|(k, values)| values.get(node.labels.get(k)?))
        .fold(0i64, |a, b| a.saturating_add(*b))
}

/// `int(100 · (s − min)/(max − min))`; all 0 when max = min.
pub fn normalize(cy: &Cycle<'_>, _: &[usize], scores: &mut [i64]) {
    if cy.affinity_score.topology_score.is_empty() {
        return;
    }
    let min = scores.iter().copied().min().unwrap_or(0);
    let max = scores.iter().copied().max().unwrap_or(0);
    let diff = i128::from(max) - i128::from(min);
    for s in scores.iter_mut() {
        *s = if diff > 0 {
            (100.0 * ((i128::from(*s) - i128::from(min)) as f64 / diff as f64)) as i64
        } else {
            0
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
    use crate::scheduler::Snapshot;

    fn term(key: &str, values: &[&str], topology: &str) -> Value {
        json!({"labelSelector": {"matchExpressions": [{"key": key, "operator": "In", "values": values}]},
            "topologyKey": topology})
    }

    fn verdicts(p: &PodInfo, s: &Snapshot) -> Vec<(String, Result<(), String>)> {
        let cfg = config();
        let c = Cycle::new(p, s, &cfg);
        let mut out: Vec<_> = s
            .nodes
            .iter()
            .map(|n| {
                (
                    n.name.clone(),
                    filter(&c, n).map_err(|u| u.reasons.join(",")),
                )
            })
            .collect();
        out.sort();
        out
    }

    fn zones() -> Vec<NodeInfo> {
        vec![
            node(
                "m1",
                json!({"region": "r1", "zone": "z1", "kubernetes.io/hostname": "m1"}),
            ),
            node(
                "m2",
                json!({"region": "r1", "zone": "z2", "kubernetes.io/hostname": "m2"}),
            ),
            node(
                "m3",
                json!({"region": "r2", "zone": "z3", "kubernetes.io/hostname": "m3"}),
            ),
        ]
    }

    #[test]
    fn required_affinity_needs_a_matching_pod_in_the_domain() {
        // filtering_test.go "satisfies with requiredDuringSchedulingIgnoredDuringExecution in
        // PodAffinity using In operator that matches the existing pod" (region topology).
        let existing = pod("e", json!({"service": "securityscan"}), json!({}));
        let s = snapshot(zones(), vec![("m1", existing)]);
        let p = pod(
            "p",
            json!({}),
            json!({"affinity": {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                term("service", &["securityscan", "value2"], "region")]}}}),
        );
        let v = verdicts(&p, &s);
        assert_eq!(v[0], ("m1".into(), Ok(())));
        assert_eq!(v[1], ("m2".into(), Ok(())), "same region r1");
        assert_eq!(
            v[2],
            (
                "m3".into(),
                Err(ERR_REASON_AFFINITY_RULES_NOT_MATCH.to_string())
            )
        );
    }

    #[test]
    fn self_match_exception_for_the_first_pod() {
        // "verify that PodAffinity is satisfied when no pod matches and the pod matches
        // itself": every node passes; a node without the topology key does not.
        let mut nodes = zones();
        nodes.push(node("bare", json!({})));
        let s = snapshot(nodes, vec![]);
        let p = pod(
            "p",
            json!({"role": "database"}),
            json!({"affinity": {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                term("role", &["database"], "kubernetes.io/hostname")]}}}),
        );
        let v = verdicts(&p, &s);
        assert_eq!(
            v[0],
            (
                "bare".into(),
                Err(ERR_REASON_AFFINITY_RULES_NOT_MATCH.to_string())
            )
        );
        assert!(v[1..].iter().all(|(_, r)| r.is_ok()));
        // Not matching itself: nothing fits.
        let mut q = p.clone();
        q.labels.clear();
        assert!(verdicts(&q, &s).iter().all(|(_, r)| r.is_err()));
    }

    #[test]
    fn anti_affinity_and_its_symmetry() {
        let web = |n: &str| {
            pod(
                n,
                json!({"role": "webserver"}),
                json!({"affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                    term("role", &["webserver"], "kubernetes.io/hostname")]}}}),
            )
        };
        let s = snapshot(zones(), vec![("m1", web("w1"))]);
        let v = verdicts(&web("w2"), &s);
        assert_eq!(
            v[0],
            (
                "m1".into(),
                Err(ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH.to_string())
            )
        );
        assert!(v[1].1.is_ok() && v[2].1.is_ok());
        // Symmetry: a plain webserver pod (no terms) is kept off m1 by w1's anti-affinity.
        let plain = pod("plain", json!({"role": "webserver"}), json!({}));
        let v = verdicts(&plain, &s);
        assert_eq!(
            v[0],
            (
                "m1".into(),
                Err(ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH.to_string())
            )
        );
        // Another namespace is not affected (terms default to the owner's namespace).
        let mut other = plain.clone();
        other.namespace = "other".into();
        assert!(verdicts(&other, &s).iter().all(|(_, r)| r.is_ok()));
    }

    #[test]
    fn namespace_selector_selects_namespaces_by_label() {
        let mut existing = pod("e", json!({"app": "db"}), json!({}));
        existing.namespace = "team-a".into();
        let mut s = snapshot(zones(), vec![("m2", existing)]);
        s.namespaces.insert(
            "root".into(),
            [
                (
                    "team-a".to_string(),
                    Labels::from([("team".to_string(), "a".to_string())]),
                ),
                ("default".to_string(), Labels::new()),
            ]
            .into(),
        );
        let mut t = term("app", &["db"], "kubernetes.io/hostname");
        t["namespaceSelector"] = json!({"matchLabels": {"team": "a"}});
        let p = pod(
            "p",
            json!({}),
            json!({"affinity": {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [t]}}}),
        );
        let v = verdicts(&p, &s);
        assert!(v[1].1.is_ok());
        assert!(v[0].1.is_err() && v[2].1.is_err());
        // An empty namespaceSelector selects every namespace.
        let mut t = term("app", &["db"], "kubernetes.io/hostname");
        t["namespaceSelector"] = json!({});
        let p = pod(
            "p",
            json!({}),
            json!({"affinity": {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [t]}}}),
        );
        assert!(verdicts(&p, &s)[1].1.is_ok());
    }

    fn scores(p: &PodInfo, s: &Snapshot) -> Vec<i64> {
        let cfg = config();
        let mut c = Cycle::new(p, s, &cfg);
        let feasible: Vec<usize> = (0..s.nodes.len()).collect();
        if !pre_score(&mut c, &feasible) {
            return vec![0; feasible.len()];
        }
        let mut sc: Vec<i64> = s.nodes.iter().map(|n| score(&c, n)).collect();
        normalize(&c, &feasible, &mut sc);
        // In name order m1, m2, m3 (zones() are in distinct zones so the order is kept).
        sc
    }

    #[test]
    fn preferred_affinity_scores_by_region() {
        // scoring_test.go "Affinity: pod that matches topology key & pods in nodes will get
        // high score comparing to others which doesn't match either pods in nodes or in
        // topology key": the existing pod on m1 (region r1) → m1 and m2 100, m3 0.
        let existing = pod("e", json!({"security": "S1"}), json!({}));
        let s = snapshot(zones(), vec![("m1", existing)]);
        let p = pod(
            "p",
            json!({}),
            json!({"affinity": {"podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                {"weight": 5, "podAffinityTerm": term("security", &["S1"], "region")}]}}}),
        );
        assert_eq!(scores(&p, &s), [100, 100, 0]);
        // Anti-affinity with the same term: the opposite.
        let p = pod(
            "p",
            json!({}),
            json!({"affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                {"weight": 5, "podAffinityTerm": term("security", &["S1"], "region")}]}}}),
        );
        assert_eq!(scores(&p, &s), [0, 0, 100]);
    }

    #[test]
    fn symmetric_required_affinity_uses_hard_weight() {
        // "Affinity symmetry: considered only the preferredDuringSchedulingIgnoredDuringExecution
        // in pod affinity symmetry" / hard weight: an existing pod with required affinity to
        // the incoming pod's labels pulls it into its zone.
        let existing = pod(
            "e",
            json!({}),
            json!({"affinity": {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                term("security", &["S1"], "zone")]}}}),
        );
        let s = snapshot(zones(), vec![("m2", existing)]);
        let p = pod("p", json!({"security": "S1"}), json!({}));
        assert_eq!(scores(&p, &s), [0, 100, 0]);
        // Nothing to score: Skip.
        let q = pod("q", json!({"security": "S2"}), json!({}));
        assert_eq!(scores(&q, &s), [0, 0, 0]);
    }
}
