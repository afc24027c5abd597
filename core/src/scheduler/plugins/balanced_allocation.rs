//! NodeResourcesBalancedAllocation (weight 1): favours nodes whose cpu and memory fractions
//! stay close after placing the pod: `(1 − std) · 100`, with actual (not defaulted) requests
//! (balanced_allocation.go). Best-effort pods are skipped (PreScore returns Skip, as upstream
//! does since kubernetes#129138).
use crate::scheduler::cycle::Cycle;
use crate::scheduler::NodeInfo;

pub fn balanced_score(fractions: &[f64]) -> i64 {
    let std = match fractions.len() {
        0 | 1 => 0.0,
        2 => ((fractions[0] - fractions[1]) / 2.0).abs(),
        n => {
            let mean = fractions.iter().sum::<f64>() / n as f64;
            (fractions
                .iter()
                .map(|f| (f - mean) * (f - mean))
                .sum::<f64>()
                / n as f64)
                .sqrt()
        }
    };
    ((1.0 - std) * 100.0) as i64
}

/// Skip for best-effort pods (no cpu or memory request).
pub fn pre_score(c: &mut Cycle<'_>, _: &[usize]) -> bool {
    c.pod.requests.milli_cpu != 0 || c.pod.requests.memory != 0
}

pub fn score(c: &Cycle<'_>, node: &NodeInfo) -> i64 {
    let mut fractions = Vec::with_capacity(2);
    for (req, alloc) in [
        (
            node.requested
                .milli_cpu
                .saturating_add(c.pod.requests.milli_cpu),
            node.allocatable.milli_cpu,
        ),
        (
            node.requested.memory.saturating_add(c.pod.requests.memory),
            node.allocatable.memory,
        ),
    ] {
        if alloc == 0 {
            continue;
        }
        fractions.push((req as f64 / alloc as f64).min(1.0));
    }
    balanced_score(&fractions)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;
    use crate::scheduler::plugins::testing;
    use crate::scheduler::PodInfo;

    #[test]
    fn equal_fractions_score_100() {
        assert_eq!(balanced_score(&[0.5, 0.5]), 100);
        assert_eq!(balanced_score(&[0.25, 0.75]), 75);
        // Three resources: population standard deviation.
        assert_eq!(balanced_score(&[0.2, 0.4, 0.6]), 83);
    }

    #[test]
    fn reference_vector_balanced_100() {
        // 4000m/8Gi with 1000m/2Gi used and a 1000m/2Gi pod: both at 50 % → 100.
        let pod = |cpu: &str, mem: &str| {
            PodInfo::from_pod(&json!({"metadata": {"name": "p"}, "spec": {"containers": [
                {"name": "c", "image": "x", "resources": {"requests": {"cpu": cpu, "memory": mem}}}]}}))
        };
        let mut n = testing::node("n", json!({}));
        n.add_pod(pod("1", "2Gi"));
        let p = pod("1", "2Gi");
        let s = testing::snapshot(vec![], vec![]);
        let cfg = testing::config();
        let c = Cycle::new(&p, &s, &cfg);
        assert_eq!(score(&c, &n), 100);
        // balanced_allocation_test.go "nothing scheduled, resources requested, differently
        // sized nodes": cpu 3000/4000, memory 5000/10000 → std 0.125 → 87.
        assert_eq!(balanced_score(&[0.75, 0.5]), 87);
    }
}
