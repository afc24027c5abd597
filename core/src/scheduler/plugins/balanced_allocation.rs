//! NodeResourcesBalancedAllocation (weight 1): favours nodes whose cpu and memory fractions
//! stay close after placing the pod: `(1 − std) · 100`, with actual (not defaulted) requests
//! (balanced_allocation.go).
use crate::scheduler::{NodeInfo, PodInfo};

pub fn balanced_score(fractions: &[f64]) -> i64 {
    let std = match fractions.len() {
        0 | 1 => 0.0,
        2 => (fractions[0] - fractions[1]).abs() / 2.0,
        n => {
            let mean = fractions.iter().sum::<f64>() / n as f64;
            (fractions.iter().map(|f| (f - mean).powi(2)).sum::<f64>() / n as f64).sqrt()
        }
    };
    ((1.0 - std) * 100.0) as i64
}

pub fn score(pod: &PodInfo, node: &NodeInfo) -> i64 {
    let fraction = |req: i64, alloc: i64| {
        if alloc == 0 {
            1.0
        } else {
            (req as f64 / alloc as f64).min(1.0)
        }
    };
    let cpu = fraction(
        node.requested.milli_cpu + pod.requests.milli_cpu,
        node.allocatable.milli_cpu,
    );
    let mem = fraction(
        node.requested.memory + pod.requests.memory,
        node.allocatable.memory,
    );
    balanced_score(&[cpu, mem])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_fractions_score_100() {
        assert_eq!(balanced_score(&[0.5, 0.5]), 100);
        assert_eq!(balanced_score(&[0.25, 0.75]), 75);
    }
}
