//! NodeResourcesFit (weight 1). Filter: the pod's requests must fit in allocatable minus what
//! is already requested, and one more pod must fit the node's `pods`. Score: LeastAllocated
//! over cpu and memory (weights 1, 1) with the non-zero request defaults (fit.go, least_allocated.go).
use super::{Code, FilterResult, Unfit};
use crate::scheduler::{NodeInfo, PodInfo};

pub fn filter(pod: &PodInfo, node: &NodeInfo) -> FilterResult {
    let mut reasons = Vec::new();
    // fitsRequest: the pod count first, then cpu, memory, ephemeral storage, scalar resources.
    if node.pod_count + 1 > node.allocatable.get("pods") {
        reasons.push("Too many pods".to_string());
    }
    let req = &pod.requests;
    let free = |name: &str| node.allocatable.get(name) - node.requested.get(name);
    if req.milli_cpu > 0 && req.milli_cpu > free("cpu") {
        reasons.push("Insufficient cpu".to_string());
    }
    if req.memory > 0 && req.memory > free("memory") {
        reasons.push("Insufficient memory".to_string());
    }
    if req.ephemeral_storage > 0 && req.ephemeral_storage > free("ephemeral-storage") {
        reasons.push("Insufficient ephemeral-storage".to_string());
    }
    for (name, v) in &req.scalar {
        if *v > 0 && *v > free(name) {
            reasons.push(format!("Insufficient {name}"));
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
    if capacity == 0 || requested > capacity {
        return 0;
    }
    (capacity - requested) * 100 / capacity
}

pub fn score(pod: &PodInfo, node: &NodeInfo) -> i64 {
    let cpu = least_requested(
        node.non_zero_requested.milli_cpu + pod.non_zero_requests.milli_cpu,
        node.allocatable.milli_cpu,
    );
    let mem = least_requested(
        node.non_zero_requested.memory + pod.non_zero_requests.memory,
        node.allocatable.memory,
    );
    (cpu + mem) / 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_vector_least_allocated_50() {
        // 4000m / 8Gi node with 1000m / 2Gi used and a 1000m / 2Gi pod → 50.
        let gi = 1i64 << 30;
        let cpu = least_requested(1000 + 1000, 4000);
        let mem = least_requested(2 * gi + 2 * gi, 8 * gi);
        assert_eq!((cpu + mem) / 2, 50);
        assert_eq!(least_requested(5, 4), 0);
    }
}
