//! Resource arithmetic for pods and nodes, as the scheduler's `framework.Resource` and
//! `resourcehelper.PodRequests` (k8s.io/component-helpers/resource) compute it.
use super::quantity::Quantity;
use crate::api::Value;
use std::collections::BTreeMap;

/// CPU in milli-cores, everything else in units (bytes for memory).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resources {
    pub milli_cpu: i64,
    pub memory: i64,
    pub ephemeral_storage: i64,
    /// `pods` for nodes; extended resources (`nvidia.com/gpu`, …) for both.
    pub scalar: BTreeMap<String, i64>,
}

/// Default requests counted for scoring when a container sets none
/// (`pkg/scheduler/util/pod_resources.go`: DefaultMilliCPURequest, DefaultMemoryRequest).
pub const DEFAULT_MILLI_CPU_REQUEST: i64 = 100;
pub const DEFAULT_MEMORY_REQUEST: i64 = 200 * 1024 * 1024;

impl Resources {
    /// Reads a `ResourceList` (`{cpu: "250m", memory: "64Mi"}`); malformed quantities count as
    /// zero here because validation rejects them before they are stored.
    pub fn from_list(list: Option<&Value>) -> Resources {
        let mut r = Resources::default();
        for (name, q) in list.and_then(Value::as_object).into_iter().flatten() {
            let q = match q {
                Value::String(s) => Quantity::parse(s).unwrap_or_default(),
                Value::Number(n) => Quantity::parse(&n.to_string()).unwrap_or_default(),
                _ => Quantity::ZERO,
            };
            r.set(name, q);
        }
        r
    }

    /// The integer view of a [`crate::api::resource_list::ResourceList`].
    pub fn from_resource_list(list: &crate::api::resource_list::ResourceList) -> Resources {
        let mut r = Resources::default();
        for (name, a) in list {
            r.set(name, a.quantity);
        }
        r
    }

    fn set(&mut self, name: &str, q: Quantity) {
        match name {
            "cpu" => self.milli_cpu = q.milli(),
            "memory" => self.memory = q.value(),
            "ephemeral-storage" => self.ephemeral_storage = q.value(),
            other => {
                self.scalar.insert(other.to_string(), q.value());
            }
        }
    }

    pub fn get(&self, name: &str) -> i64 {
        match name {
            "cpu" => self.milli_cpu,
            "memory" => self.memory,
            "ephemeral-storage" => self.ephemeral_storage,
            other => self.scalar.get(other).copied().unwrap_or(0),
        }
    }

    /// Adds `o` (saturating: absurd quantities never overflow).
    pub fn add(&mut self, o: &Resources) {
        self.milli_cpu = self.milli_cpu.saturating_add(o.milli_cpu);
        self.memory = self.memory.saturating_add(o.memory);
        self.ephemeral_storage = self.ephemeral_storage.saturating_add(o.ephemeral_storage);
        for (k, v) in &o.scalar {
            let e = self.scalar.entry(k.clone()).or_default();
            *e = e.saturating_add(*v);
        }
    }

    /// Subtracts `o` (saturating).
    pub fn sub(&mut self, o: &Resources) {
        self.milli_cpu = self.milli_cpu.saturating_sub(o.milli_cpu);
        self.memory = self.memory.saturating_sub(o.memory);
        self.ephemeral_storage = self.ephemeral_storage.saturating_sub(o.ephemeral_storage);
        for (k, v) in &o.scalar {
            let e = self.scalar.entry(k.clone()).or_default();
            *e = e.saturating_sub(*v);
        }
    }

    /// Element-wise maximum.
    pub fn max(&mut self, o: &Resources) {
        self.milli_cpu = self.milli_cpu.max(o.milli_cpu);
        self.memory = self.memory.max(o.memory);
        self.ephemeral_storage = self.ephemeral_storage.max(o.ephemeral_storage);
        for (k, v) in &o.scalar {
            let e = self.scalar.entry(k.clone()).or_default();
            *e = (*e).max(*v);
        }
    }

    /// The resource names this value requests (non-zero), in a stable order.
    pub fn names(&self) -> Vec<String> {
        let mut names = Vec::new();
        if self.milli_cpu != 0 {
            names.push("cpu".to_string());
        }
        if self.memory != 0 {
            names.push("memory".to_string());
        }
        if self.ephemeral_storage != 0 {
            names.push("ephemeral-storage".to_string());
        }
        names.extend(
            self.scalar
                .iter()
                .filter(|(_, v)| **v != 0)
                .map(|(k, _)| k.clone()),
        );
        names
    }
}

/// `resourcehelper.PodRequests` (through [`crate::api::resource_list::pod_requests`]: containers,
/// sidecars and init containers, pod-level `resources`, overhead) in the scheduler's integer
/// units. With `non_zero`, unset CPU/memory requests count as 100m / 200Mi (for scoring), as
/// `framework.Resource.calculateResource` does with `getNonMissingContainerRequests`
/// (pkg/scheduler/framework/types.go): every container's missing cpu/memory request gets the
/// default, or — when pod-level requests are set — only a resource the pod's total lacks.
pub fn pod_requests(pod: &Value, non_zero: bool) -> Resources {
    use super::resource_list::{self as rl, Amount};
    let requests = rl::pod_requests(pod);
    if !non_zero {
        return Resources::from_resource_list(&requests);
    }
    let cpu = Amount {
        quantity: Quantity::from_nanos(i128::from(DEFAULT_MILLI_CPU_REQUEST) * 1_000_000),
        format: super::quantity::Format::DecimalSI,
    };
    let memory = Amount {
        quantity: Quantity::from_units(DEFAULT_MEMORY_REQUEST),
        format: super::quantity::Format::DecimalSI,
    };
    let mut non_missing = rl::ResourceList::new();
    let pod_level = rl::pod_level_requests_set(pod);
    let missing = |k: &str| requests.get(k).is_none_or(Amount::is_zero);
    if !pod_level || missing("cpu") {
        non_missing.insert("cpu".into(), cpu);
    }
    if !pod_level || missing("memory") {
        non_missing.insert("memory".into(), memory);
    }
    Resources::from_resource_list(&rl::pod_requests_with(pod, &non_missing))
}

/// A node's allocatable resources (`status.allocatable`, falling back to `status.capacity`).
pub fn node_allocatable(node: &Value) -> Resources {
    let status = node.get("status").unwrap_or(&Value::Null);
    match status
        .get("allocatable")
        .filter(|v| v.as_object().is_some_and(|m| !m.is_empty()))
    {
        Some(a) => Resources::from_list(Some(a)),
        None => Resources::from_list(status.get("capacity")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn pod_requests_follow_resourcehelper() {
        // Two containers, an init container larger than their sum in CPU only.
        let pod = json!({"spec": {
            "initContainers": [{"name": "i", "resources": {"requests": {"cpu": "2", "memory": "10Mi"}}}],
            "containers": [
                {"name": "a", "resources": {"requests": {"cpu": "500m", "memory": "100Mi"}}},
                {"name": "b", "resources": {"requests": {"cpu": "250m", "memory": "50Mi"}}}
            ],
            "overhead": {"cpu": "10m"}
        }});
        let r = pod_requests(&pod, false);
        assert_eq!(r.milli_cpu, 2010);
        assert_eq!(r.memory, 150 << 20);
    }

    #[test]
    fn sidecars_add_to_containers_and_to_later_init_containers() {
        let pod = json!({"spec": {
            "initContainers": [
                {"name": "side", "restartPolicy": "Always", "resources": {"requests": {"cpu": "100m"}}},
                {"name": "init", "resources": {"requests": {"cpu": "1"}}}
            ],
            "containers": [{"name": "app", "resources": {"requests": {"cpu": "200m"}}}]
        }});
        // containers + sidecar = 300m; init + sidecar started before it = 1100m.
        assert_eq!(pod_requests(&pod, false).milli_cpu, 1100);
    }

    #[test]
    fn non_zero_defaults_apply_only_to_unset_requests() {
        let pod = json!({"spec": {"containers": [
            {"name": "a"},
            {"name": "b", "resources": {"requests": {"cpu": "0", "memory": "1Gi"}}}
        ]}});
        let r = pod_requests(&pod, true);
        assert_eq!(r.milli_cpu, 100);
        assert_eq!(r.memory, DEFAULT_MEMORY_REQUEST + (1 << 30));
        assert_eq!(pod_requests(&pod, false).milli_cpu, 0);
    }

    #[test]
    fn absurd_quantities_saturate() {
        let pod = json!({"spec": {"containers": [
            {"name": "a", "resources": {"requests": {"cpu": "9e15", "memory": "8Ei"}}},
            {"name": "b", "resources": {"requests": {"cpu": "9e15", "memory": "8Ei"}}}
        ]}});
        let r = pod_requests(&pod, false);
        assert_eq!((r.milli_cpu, r.memory), (i64::MAX, i64::MAX));
    }

    #[test]
    fn limits_default_requests() {
        let pod = json!({"spec": {"containers": [{"name": "a", "resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}]}});
        assert_eq!(pod_requests(&pod, false).milli_cpu, 1000);
    }
}
