//! ImageLocality (weight 1): favours nodes that already have the pod's images, scaled by how
//! widely each image is spread (image_locality.go): each image present contributes
//! `size · nodesWithImage / allNodes`; the sum is clamped to [23 MiB, 1000 MiB · containers]
//! and mapped linearly onto 0..100.
use crate::scheduler::cycle::Cycle;
use crate::scheduler::NodeInfo;

const MB: i64 = 1024 * 1024;
const MIN_THRESHOLD: i64 = 23 * MB;
const MAX_CONTAINER_THRESHOLD: i64 = 1000 * MB;

/// `calculatePriority`.
pub fn calculate_priority(sum: i64, num_containers: usize) -> i64 {
    let max = MAX_CONTAINER_THRESHOLD * num_containers as i64;
    if max <= MIN_THRESHOLD {
        return 0;
    }
    let sum = sum.clamp(MIN_THRESHOLD, max);
    100 * (sum - MIN_THRESHOLD) / (max - MIN_THRESHOLD)
}

/// `scaledImageScore`: `int64(float64(size) · numNodes/totalNodes)`.
pub fn scaled_image_score(size: i64, num_nodes: i64, total_nodes: usize) -> i64 {
    let spread = num_nodes as f64 / total_nodes.max(1) as f64;
    (size as f64 * spread) as i64
}

pub fn score(c: &Cycle<'_>, node: &NodeInfo) -> i64 {
    if node.images.is_empty() {
        return calculate_priority(0, c.pod.images.len());
    }
    let total = c.snapshot.nodes.len();
    let sum: i64 = c
        .pod
        .images
        .iter()
        .filter_map(|img| {
            let size = node.images.get(img)?;
            let n = c.snapshot.image_nodes.get(img).copied().unwrap_or(1);
            Some(scaled_image_score(*size, n, total))
        })
        .fold(0i64, |a, b| a.saturating_add(b));
    calculate_priority(sum, c.pod.images.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;
    use crate::scheduler::plugins::testing;
    use crate::scheduler::{NodeInfo, Snapshot};

    #[test]
    fn reference_vector_one_500mib_image_on_1_of_10_nodes_is_2() {
        assert_eq!(
            calculate_priority(scaled_image_score(500 * MB, 1, 10), 1),
            2
        );
        let mut nodes: Vec<NodeInfo> = (0..10)
            .map(|i| testing::node(&format!("n{i}"), json!({})))
            .collect();
        nodes[0].images.insert("app:v1".into(), 500 * MB);
        let s = Snapshot::new(nodes);
        let p = testing::pod(
            "p",
            json!({}),
            json!({"containers": [{"name": "c", "image": "app:v1"}]}),
        );
        let cfg = testing::config();
        let c = Cycle::new(&p, &s, &cfg);
        let scores: Vec<i64> = s.nodes.iter().map(|n| score(&c, n)).collect();
        assert_eq!(scores[s.by_name["n0"]], 2);
        assert_eq!(scores.iter().sum::<i64>(), 2);
    }

    #[test]
    fn upstream_image_locality_table() {
        // Two nodes, a pod with two containers: a 40 MiB image on one node only
        // → 40 MiB · 1/2 = 20 MiB, below the 23 MiB floor → 0.
        assert_eq!(calculate_priority(scaled_image_score(40 * MB, 1, 2), 2), 0);
        // node2: 300 MiB · 1/2 = 150 MiB over 2 containers → (150−23)·100/(2000−23) = 6.
        assert_eq!(calculate_priority(scaled_image_score(300 * MB, 1, 2), 2), 6);
        // Sums above the cap clamp to 100.
        assert_eq!(calculate_priority(5000 * MB, 1), 100);
    }
}
