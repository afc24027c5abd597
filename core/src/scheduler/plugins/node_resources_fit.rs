//! NodeResourcesFit (weight 1). Filter: the pod's requests must fit in allocatable minus what
//! is already requested, and one more pod must fit the node's `pods` (fit.go). Score: the
//! configured strategy — LeastAllocated (default), MostAllocated or RequestedToCapacityRatio —
//! over the configured resources (cpu and memory, weight 1 each), with the non-zero request
//! defaults for cpu and memory (least_allocated.go, most_allocated.go,
//! requested_to_capacity_ratio.go, resource_allocation.go).
use super::{Code, FilterResult, Unfit};
use crate::scheduler::config::{ResourceSpec, StrategyType, UtilizationShapePoint};
use crate::scheduler::cycle::Cycle;
use crate::scheduler::{NodeInfo, PodInfo};

pub fn filter(c: &Cycle<'_>, node: &NodeInfo) -> FilterResult {
    fits(c.pod, node)
}

/// `fitsRequest`: the pod count first, then cpu, memory, ephemeral storage, scalar resources.
pub fn fits(pod: &PodInfo, node: &NodeInfo) -> FilterResult {
    let mut reasons: Vec<super::Reason> = Vec::new();
    if node.pod_count.saturating_add(1) > node.allocatable.get("pods") {
        reasons.push("Too many pods".into());
    }
    let req = &pod.requests;
    let free = |name: &str| {
        node.allocatable
            .get(name)
            .saturating_sub(node.requested.get(name))
    };
    if req.milli_cpu > 0 && req.milli_cpu > free("cpu") {
        reasons.push("Insufficient cpu".into());
    }
    if req.memory > 0 && req.memory > free("memory") {
        reasons.push("Insufficient memory".into());
    }
    if req.ephemeral_storage > 0 && req.ephemeral_storage > free("ephemeral-storage") {
        reasons.push("Insufficient ephemeral-storage".into());
    }
    for (name, v) in &req.scalar {
        if *v > 0 && *v > free(name) {
            reasons.push(format!("Insufficient {name}").into());
        }
    }
    if reasons.is_empty() {
        Ok(())
    } else {
        Err(Unfit {
            code: Code::Unschedulable,
            reasons,
        })
    }
}

/// `leastRequestedScore`: `(capacity − requested) · 100 / capacity`, 0 when over capacity.
pub fn least_requested(requested: i64, capacity: i64) -> i64 {
    if capacity <= 0 || requested > capacity {
        return 0;
    }
    ((i128::from(capacity) - i128::from(requested)) * 100 / i128::from(capacity)) as i64
}

/// `mostRequestedScore`: `min(requested, capacity) · 100 / capacity`.
pub fn most_requested(requested: i64, capacity: i64) -> i64 {
    if capacity <= 0 {
        return 0;
    }
    (i128::from(requested.min(capacity)) * 100 / i128::from(capacity)) as i64
}

/// `helper.BuildBrokenLinearFunction` over a shape whose scores are already scaled to 0..100.
pub fn broken_linear(shape: &[(i64, i64)], p: i64) -> i64 {
    for i in 0..shape.len() {
        if p <= shape[i].0 {
            if i == 0 {
                return shape[0].1;
            }
            let (u0, s0) = shape[i - 1];
            let (u1, s1) = shape[i];
            if u1 <= u0 {
                return s1;
            }
            let v = i128::from(s0)
                + (i128::from(s1) - i128::from(s0)) * (i128::from(p) - i128::from(u0))
                    / (i128::from(u1) - i128::from(u0));
            return v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64;
        }
    }
    shape.last().map_or(0, |s| s.1)
}

/// `requestedToCapacityRatioScorer` for one resource: the shape (scores ×10) over
/// `requested · 100 / capacity`; full utilization when over capacity.
pub fn requested_to_capacity_ratio(
    shape: &[UtilizationShapePoint],
    requested: i64,
    capacity: i64,
) -> i64 {
    let scaled: Vec<(i64, i64)> = shape
        .iter()
        .map(|p| (p.utilization, p.score * 10))
        .collect();
    if capacity <= 0 || requested > capacity {
        return broken_linear(&scaled, 100);
    }
    broken_linear(
        &scaled,
        (i128::from(requested) * 100 / i128::from(capacity)) as i64,
    )
}

/// `calculateResourceAllocatableRequest` (not `useRequested`): (allocatable, requested after
/// placing the pod) for one resource, or (0, 0) to skip it.
fn allocatable_and_requested(pod: &PodInfo, node: &NodeInfo, resource: &str) -> (i64, i64) {
    match resource {
        "cpu" => (
            node.allocatable.milli_cpu,
            node.non_zero_requested
                .milli_cpu
                .saturating_add(pod.non_zero_requests.milli_cpu),
        ),
        "memory" => (
            node.allocatable.memory,
            node.non_zero_requested
                .memory
                .saturating_add(pod.non_zero_requests.memory),
        ),
        "ephemeral-storage" => (
            node.allocatable.ephemeral_storage,
            node.requested
                .ephemeral_storage
                .saturating_add(pod.requests.ephemeral_storage),
        ),
        other => {
            let pod_req = pod.requests.get(other);
            if pod_req == 0 {
                return (0, 0);
            }
            match node.allocatable.scalar.get(other) {
                Some(a) => (*a, node.requested.get(other).saturating_add(pod_req)),
                None => (0, 0),
            }
        }
    }
}

/// The node's score under `strategy` over `resources`.
pub fn strategy_score(
    kind: StrategyType,
    resources: &[ResourceSpec],
    shape: &[UtilizationShapePoint],
    pod: &PodInfo,
    node: &NodeInfo,
) -> i64 {
    let (mut node_score, mut weight_sum) = (0i64, 0i64);
    for r in resources {
        let (alloc, req) = allocatable_and_requested(pod, node, &r.name);
        if alloc <= 0 {
            continue;
        }
        let s = match kind {
            StrategyType::LeastAllocated => least_requested(req, alloc),
            StrategyType::MostAllocated => most_requested(req, alloc),
            StrategyType::RequestedToCapacityRatio => {
                let s = requested_to_capacity_ratio(shape, req, alloc);
                if s <= 0 {
                    continue;
                }
                s
            }
        };
        node_score = node_score.saturating_add(s.saturating_mul(r.weight));
        weight_sum = weight_sum.saturating_add(r.weight);
    }
    if weight_sum <= 0 {
        return 0;
    }
    match kind {
        StrategyType::RequestedToCapacityRatio => {
            (node_score as f64 / weight_sum as f64).round() as i64
        }
        _ => node_score / weight_sum,
    }
}

pub fn score(c: &Cycle<'_>, node: &NodeInfo) -> i64 {
    let st = &c.config.scoring_strategy;
    strategy_score(
        st.kind,
        &st.resources,
        &st.requested_to_capacity_ratio.shape,
        c.pod,
        node,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;
    use crate::scheduler::config::ScoringStrategy;

    fn node(cpu: &str, mem: &str, used_cpu: &str, used_mem: &str) -> NodeInfo {
        let mut n = NodeInfo::from_node(&json!({"metadata": {"name": "n"},
            "status": {"allocatable": {"cpu": cpu, "memory": mem, "pods": "110"}}}));
        n.add_pod(pod(used_cpu, used_mem));
        n
    }

    fn pod(cpu: &str, mem: &str) -> PodInfo {
        let mut req = crate::api::Map::new();
        if !cpu.is_empty() {
            req.insert("cpu", json!(cpu));
        }
        if !mem.is_empty() {
            req.insert("memory", json!(mem));
        }
        PodInfo::from_pod(&json!({"metadata": {"name": "p"}, "spec": {"containers": [
            {"name": "c", "image": "x", "resources": {"requests": req}}]}}))
    }

    fn run(kind: StrategyType, p: &PodInfo, n: &NodeInfo) -> i64 {
        let st = ScoringStrategy {
            kind,
            ..Default::default()
        };
        strategy_score(
            kind,
            &st.resources,
            &st.requested_to_capacity_ratio.shape,
            p,
            n,
        )
    }

    #[test]
    fn reference_vector_least_and_most_allocated_50() {
        // 4000m / 8Gi node with 1000m / 2Gi used and a 1000m / 2Gi pod → 50 both ways.
        let n = node("4", "8Gi", "1", "2Gi");
        let p = pod("1", "2Gi");
        assert_eq!(run(StrategyType::LeastAllocated, &p, &n), 50);
        assert_eq!(run(StrategyType::MostAllocated, &p, &n), 50);
        assert_eq!(least_requested(5, 4), 0);
        assert_eq!(most_requested(5, 4), 100);
    }

    #[test]
    fn least_allocated_upstream_table() {
        // A container without requests counts 100m / 200Mi for scoring: on a 4000/10000 node
        // cpu (4000−100)·100/4000 = 97, memory over capacity → 0; (97 + 0)/2 = 48.
        let n = NodeInfo::from_node(&json!({"metadata": {"name": "n"},
            "status": {"allocatable": {"cpu": "4", "memory": "10000", "pods": "110"}}}));
        assert_eq!(run(StrategyType::LeastAllocated, &pod("", ""), &n), 48);
        // "differently sized machines": 3000m/5000 requested on 4000/10000 and 6000/10000.
        let p = pod("3", "5000");
        let n2 = NodeInfo::from_node(&json!({"metadata": {"name": "n2"},
            "status": {"allocatable": {"cpu": "6", "memory": "10000", "pods": "110"}}}));
        // cpu: (4000−3000)·100/4000 = 25, mem: 50 → 37; cpu 50, mem 50 → 50.
        assert_eq!(run(StrategyType::LeastAllocated, &p, &n), 37);
        assert_eq!(run(StrategyType::LeastAllocated, &p, &n2), 50);
    }

    #[test]
    fn most_allocated_upstream_table() {
        // Node 4000/10000 with 3000/5000 requested, a pod without requests (100m/200Mi) →
        // cpu 3100·100/4000 = 77, memory capped at capacity → 100; (77 + 100)/2 = 88.
        let n = NodeInfo::from_node(&json!({"metadata": {"name": "n"},
            "status": {"allocatable": {"cpu": "4", "memory": "10000", "pods": "110"}}}));
        let mut n = n;
        n.add_pod(pod("3", "5000"));
        assert_eq!(run(StrategyType::MostAllocated, &pod("", ""), &n), 88);
    }

    #[test]
    fn requested_to_capacity_ratio_shapes() {
        // requested_to_capacity_ratio_test.go TestBrokenLinearFunction.
        let shape = [(10, 1), (90, 9)];
        let cases = [
            (-10, 1),
            (0, 1),
            (9, 1),
            (10, 1),
            (15, 1),
            (19, 1),
            (20, 2),
            (89, 8),
            (90, 9),
            (99, 9),
            (100, 9),
            (110, 9),
        ];
        for (p, want) in cases {
            assert_eq!(broken_linear(&shape, p), want, "p={p}");
        }
        let shape = [(0, 2), (40, 10), (100, 0)];
        for (p, want) in [
            (-10, 2),
            (0, 2),
            (20, 6),
            (30, 8),
            (40, 10),
            (70, 5),
            (100, 0),
            (110, 0),
        ] {
            assert_eq!(broken_linear(&shape, p), want, "p={p}");
        }
        // Default shape {0:10, 100:0} behaves like LeastAllocated: half used → 50.
        let n = node("4", "8Gi", "1", "2Gi");
        let p = pod("1", "2Gi");
        assert_eq!(run(StrategyType::RequestedToCapacityRatio, &p, &n), 50);
        // A bin-packing shape {0:0, 100:10} scores 50 too at 50 %; an empty node 0 → skipped.
        let pack = [
            UtilizationShapePoint {
                utilization: 0,
                score: 0,
            },
            UtilizationShapePoint {
                utilization: 100,
                score: 10,
            },
        ];
        assert_eq!(requested_to_capacity_ratio(&pack, 2000, 4000), 50);
        assert_eq!(requested_to_capacity_ratio(&pack, 5000, 4000), 100);
    }

    #[test]
    fn filter_reasons_and_pod_count() {
        let mut n = node("1", "1Gi", "500m", "512Mi");
        n.allocatable.scalar.insert("pods".into(), 1);
        let Err(u) = fits(&pod("1", "1Gi"), &n) else {
            panic!("fits")
        };
        assert_eq!(
            u.reasons,
            ["Too many pods", "Insufficient cpu", "Insufficient memory"]
        );
    }
}
