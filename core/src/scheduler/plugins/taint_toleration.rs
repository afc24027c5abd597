//! TaintToleration (weight 3): untolerated NoSchedule/NoExecute taints filter a node out;
//! untolerated PreferNoSchedule taints lower its score.
use super::{default_normalize, FilterResult, Unfit};
use crate::scheduler::cycle::Cycle;
use crate::scheduler::{NodeInfo, PodInfo, Taint, Toleration};

/// `v1helper.ToleratesTaint` (k8s.io/api/core/v1/toleration.go).
pub fn tolerates(t: &Toleration, taint: &Taint) -> bool {
    if !t.effect.is_empty() && t.effect != taint.effect {
        return false;
    }
    if !t.key.is_empty() && t.key != taint.key {
        return false;
    }
    match t.operator.as_str() {
        "Exists" => true,
        "" | "Equal" => t.value == taint.value,
        _ => false,
    }
}

pub fn filter(c: &Cycle<'_>, node: &NodeInfo) -> FilterResult {
    untolerated(c.pod, node)
}

/// The first untolerated NoSchedule/NoExecute taint as a verdict (`FindMatchingUntoleratedTaint`).
pub fn untolerated(pod: &PodInfo, node: &NodeInfo) -> FilterResult {
    for taint in node
        .taints
        .iter()
        .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
    {
        if !pod.tolerations.iter().any(|t| tolerates(t, taint)) {
            return Err(Unfit::unresolvable(format!(
                "node(s) had untolerated taint {{{}: {}}}",
                taint.key, taint.value
            )));
        }
    }
    Ok(())
}

/// Counts untolerated PreferNoSchedule taints (only tolerations with effect PreferNoSchedule
/// or empty count).
pub fn score(c: &Cycle<'_>, node: &NodeInfo) -> i64 {
    let tols: Vec<&Toleration> = c
        .pod
        .tolerations
        .iter()
        .filter(|t| t.effect.is_empty() || t.effect == "PreferNoSchedule")
        .collect();
    node.taints
        .iter()
        .filter(|taint| {
            taint.effect == "PreferNoSchedule" && !tols.iter().any(|t| tolerates(t, taint))
        })
        .count() as i64
}

/// Reversed: fewer untolerated taints score higher; all 100 when none has any.
pub fn normalize(_: &Cycle<'_>, _: &[usize], scores: &mut [i64]) {
    default_normalize(scores, true);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tol(key: &str, op: &str, value: &str, effect: &str) -> Toleration {
        Toleration {
            key: key.into(),
            operator: op.into(),
            value: value.into(),
            effect: effect.into(),
        }
    }

    #[test]
    fn toleration_matching_table() {
        let taint = Taint {
            key: "gpu-enabled".into(),
            value: "true".into(),
            effect: "NoSchedule".into(),
        };
        let cases = [
            (tol("gpu-enabled", "Equal", "true", "NoSchedule"), true),
            (tol("gpu-enabled", "", "true", "NoSchedule"), true),
            (tol("gpu-enabled", "Equal", "false", "NoSchedule"), false),
            (tol("gpu-enabled", "Exists", "", ""), true),
            (tol("", "Exists", "", ""), true),
            (tol("gpu-enabled", "Exists", "", "NoExecute"), false),
            (tol("other", "Exists", "", "NoSchedule"), false),
        ];
        for (t, want) in cases {
            assert_eq!(tolerates(&t, &taint), want, "{t:?}");
        }
    }

    #[test]
    fn normalize_reverses() {
        let mut s = [0, 1, 2];
        default_normalize(&mut s, true);
        assert_eq!(s, [100, 50, 0]);
        let mut z = [0, 0];
        default_normalize(&mut z, true);
        assert_eq!(z, [100, 100]);
    }
}

#[cfg(test)]
mod score_tests {
    use super::*;
    use crate::json;
    use crate::scheduler::plugins::testing::{config, node, pod, snapshot};

    fn tainted(name: &str, taints: &[(&str, &str, &str)]) -> NodeInfo {
        let mut n = node(name, json!({}));
        n.taints = taints
            .iter()
            .map(|(k, v, e)| Taint {
                key: k.to_string(),
                value: v.to_string(),
                effect: e.to_string(),
            })
            .collect();
        n
    }

    #[test]
    fn prefer_no_schedule_counts_and_filter_message() {
        // taint_toleration_test.go "the more intolerable taints a node has, the lower score
        // it gets": 0, 1 and 2 untolerated PreferNoSchedule taints → 100, 50, 0.
        let nodes = [
            tainted("n0", &[]),
            tainted("n1", &[("foo", "bar", "PreferNoSchedule")]),
            tainted(
                "n2",
                &[
                    ("foo", "bar", "PreferNoSchedule"),
                    ("cpu-type", "arm64", "PreferNoSchedule"),
                ],
            ),
        ];
        let s = snapshot(vec![], vec![]);
        let cfg = config();
        let p = pod("p", json!({}), json!({}));
        let c = Cycle::new(&p, &s, &cfg);
        let mut scores: Vec<i64> = nodes.iter().map(|n| score(&c, n)).collect();
        assert_eq!(scores, [0, 1, 2]);
        normalize(&c, &[0, 1, 2], &mut scores);
        assert_eq!(scores, [100, 50, 0]);
        // A NoSchedule toleration does not count for PreferNoSchedule taints.
        let q = pod(
            "q",
            json!({}),
            json!({"tolerations": [{"key": "foo", "operator": "Equal", "value": "bar", "effect": "NoSchedule"}]}),
        );
        assert_eq!(score(&Cycle::new(&q, &s, &cfg), &nodes[1]), 1);
        // The filter names the first untolerated taint.
        let gpu = tainted("g", &[("gpu-enabled", "true", "NoSchedule")]);
        assert_eq!(
            filter(&c, &gpu).unwrap_err().reasons,
            ["node(s) had untolerated taint {gpu-enabled: true}"]
        );
    }
}
