//! NodeAffinity (weight 2): `nodeSelector` AND required node affinity filter (terms ORed,
//! expressions ANDed); preferred terms score by the sum of matching weights, normalized to 100.
use super::{default_normalize, FilterResult, Unfit};
use crate::api::selector::node_term_matches;
use crate::api::Value;
use crate::scheduler::cycle::Cycle;
use crate::scheduler::{NodeInfo, PodInfo};

pub const ERR_REASON: &str = "node(s) didn't match Pod's node affinity/selector";

/// A `NodeSelectorTerm` against the node (`api::selector::node_term_matches`).
pub fn term_matches(term: &Value, node: &NodeInfo) -> bool {
    node_term_matches(term, &node.labels, &node.name)
}

pub fn filter(c: &Cycle<'_>, node: &NodeInfo) -> FilterResult {
    if matches(c.pod, node) {
        Ok(())
    } else {
        Err(Unfit::unresolvable(ERR_REASON))
    }
}

/// `RequiredNodeAffinity.Match`: nodeSelector AND the required terms (ORed).
pub fn matches(pod: &PodInfo, node: &NodeInfo) -> bool {
    if !pod
        .node_selector
        .iter()
        .all(|(k, v)| node.labels.get(k) == Some(v))
    {
        return false;
    }
    let required = &pod.affinity["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
        ["nodeSelectorTerms"];
    if let Some(terms) = required.as_array() {
        return terms.iter().any(|t| term_matches(t, node));
    }
    true
}

/// Skip when the pod has no preferred terms.
pub fn pre_score(c: &mut Cycle<'_>, _: &[usize]) -> bool {
    c.pod.affinity["nodeAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"]
        .as_array()
        .is_some_and(|a| !a.is_empty())
}

pub fn score(c: &Cycle<'_>, node: &NodeInfo) -> i64 {
    c.pod.affinity["nodeAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| term_matches(&p["preference"], node))
        .map(|p| p["weight"].as_i64().unwrap_or(0))
        .fold(0i64, |a, b| a.saturating_add(b))
}

pub fn normalize(_: &Cycle<'_>, _: &[usize], scores: &mut [i64]) {
    default_normalize(scores, false);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;
    use crate::scheduler::plugins::testing::{config, node, pod, snapshot};

    fn fits(spec: crate::api::Value, labels: crate::api::Value) -> bool {
        let n = node("n1", labels);
        matches(&pod("p", json!({}), spec), &n)
    }

    fn required(exprs: crate::api::Value) -> crate::api::Value {
        json!({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{"matchExpressions": exprs}]}}}})
    }

    #[test]
    fn node_selector_and_required_terms_upstream_table() {
        // node_affinity_test.go TestNodeAffinity, in spirit.
        assert!(fits(json!({}), json!({})), "no selector");
        assert!(fits(
            json!({"nodeSelector": {"foo": "bar"}}),
            json!({"foo": "bar"})
        ));
        assert!(!fits(
            json!({"nodeSelector": {"foo": "bar"}}),
            json!({"foo": "baz"})
        ));
        assert!(!fits(json!({"nodeSelector": {"foo": "bar"}}), json!({})));
        let cases = [
            (
                json!([{"key": "foo", "operator": "In", "values": ["bar", "value2"]}]),
                true,
            ),
            (
                json!([{"key": "foo", "operator": "NotIn", "values": ["bar"]}]),
                false,
            ),
            (
                json!([{"key": "kernel-version", "operator": "Gt", "values": ["0204"]}]),
                true,
            ),
            (
                json!([{"key": "kernel-version", "operator": "Lt", "values": ["0204"]}]),
                false,
            ),
            (json!([{"key": "GPU", "operator": "Exists"}]), true),
            (json!([{"key": "GPU", "operator": "DoesNotExist"}]), false),
            (
                json!([{"key": "missing", "operator": "NotIn", "values": ["x"]}]),
                true,
            ),
            (
                json!([{"key": "foo", "operator": "In", "values": ["bar"]}, {"key": "GPU", "operator": "DoesNotExist"}]),
                false,
            ),
        ];
        let labels = json!({"foo": "bar", "kernel-version": "0206", "GPU": "NVIDIA-GRID-K1"});
        for (exprs, want) in cases {
            assert_eq!(
                fits(required(exprs.clone()), labels.clone()),
                want,
                "{exprs}"
            );
        }
        // Terms are ORed; an empty term matches nothing; nodeSelector AND affinity.
        let ored = json!({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{"matchExpressions": [{"key": "foo", "operator": "In", "values": ["x"]}]},
                                  {"matchExpressions": [{"key": "GPU", "operator": "Exists"}]}]}}}});
        assert!(fits(ored, labels.clone()));
        let empty = json!({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{}]}}}});
        assert!(!fits(empty, labels.clone()));
        let mut both = required(json!([{"key": "GPU", "operator": "Exists"}]));
        both["nodeSelector"] = json!({"foo": "other"});
        assert!(!fits(both, labels));
        // matchFields on metadata.name.
        let by_name = json!({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n1"]}]}]}}}});
        assert!(fits(by_name, json!({})));
    }

    #[test]
    fn preferred_terms_score_by_weight_normalized() {
        // After node_affinity_test.go TestNodeAffinityPriority: weights 2 (foo), 4 (key) and
        // 5 (az); n1 matches foo, n2 key, n3 all three → raw 2, 4, 11, normalized by the max.
        let spec = json!({"affinity": {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 2, "preference": {"matchExpressions": [{"key": "foo", "operator": "In", "values": ["bar"]}]}},
            {"weight": 4, "preference": {"matchExpressions": [{"key": "key", "operator": "In", "values": ["value"]}]}},
            {"weight": 5, "preference": {"matchExpressions": [{"key": "az", "operator": "In", "values": ["az1"]}]}}]}}});
        let p = pod("p", json!({}), spec);
        let s = snapshot(
            vec![
                node("n1", json!({"foo": "bar"})),
                node("n2", json!({"key": "value"})),
                node("n3", json!({"foo": "bar", "key": "value", "az": "az1"})),
            ],
            vec![],
        );
        let cfg = config();
        let mut c = Cycle::new(&p, &s, &cfg);
        assert!(pre_score(&mut c, &[0, 1, 2]));
        let mut scores: Vec<i64> = s.nodes.iter().map(|n| score(&c, n)).collect();
        assert_eq!(scores, [2, 4, 11]);
        normalize(&c, &[0, 1, 2], &mut scores);
        // 100·2/11 = 18, 100·4/11 = 36, 100.
        assert_eq!(scores, [18, 36, 100]);
        // No preferred terms: Skip.
        let q = pod("q", json!({}), json!({}));
        let mut c = Cycle::new(&q, &s, &cfg);
        assert!(!pre_score(&mut c, &[0, 1, 2]));
    }
}
