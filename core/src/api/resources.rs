//! Resource arithmetic for pods and nodes, as the scheduler's `framework.Resource` and
//! `resourcehelper.PodRequests` (k8s.io/component-helpers/resource) compute it.
use super::object::{array_at, path};
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

fn container_requests(c: &Value, non_zero: bool) -> Resources {
    let mut r = Resources::from_list(path(c, &["resources", "requests"]));
    // Limits without requests default the requests (API defaulting does this for stored pods;
    // repeated here so un-defaulted templates compute the same).
    let limits = Resources::from_list(path(c, &["resources", "limits"]));
    let has_req = |n: &str| path(c, &["resources", "requests", n]).is_some();
    if !has_req("cpu") {
        r.milli_cpu = limits.milli_cpu;
    }
    if !has_req("memory") {
        r.memory = limits.memory;
    }
    if non_zero {
        // `schedutil.GetNonzeroRequests`: only an unset request gets the default.
        if !has_req("cpu") && r.milli_cpu == 0 {
            r.milli_cpu = DEFAULT_MILLI_CPU_REQUEST;
        }
        if !has_req("memory") && r.memory == 0 {
            r.memory = DEFAULT_MEMORY_REQUEST;
        }
    }
    r
}

fn is_sidecar(c: &Value) -> bool {
    c.get("restartPolicy").and_then(Value::as_str) == Some("Always")
}

/// `resourcehelper.PodRequests`: `max(Σ containers + Σ sidecars, max over init containers of
/// (that init container + the sidecars started before it)) + overhead`.
/// With `non_zero`, unset CPU/memory requests count as 100m / 200Mi (used for scoring).
pub fn pod_requests(pod: &Value, non_zero: bool) -> Resources {
    let spec = pod.get("spec").unwrap_or(&Value::Null);
    let mut reqs = Resources::default();
    for c in array_at(spec, &["containers"]) {
        reqs.add(&container_requests(c, non_zero));
    }
    let mut restartable = Resources::default();
    let mut init_max = Resources::default();
    for c in array_at(spec, &["initContainers"]) {
        let mut cr = container_requests(c, non_zero);
        if is_sidecar(c) {
            reqs.add(&cr);
            restartable.add(&cr);
            cr = restartable.clone();
        } else {
            cr.add(&restartable);
        }
        init_max.max(&cr);
    }
    reqs.max(&init_max);
    reqs.add(&Resources::from_list(spec.get("overhead")));
    reqs
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
