//! Resource lists as Karpenter adds, subtracts and compares them (kubernetes-sigs/karpenter
//! v1.13.0 `pkg/utils/resources/resources.go`). Unlike [`crate::api::Resources`], a missing
//! entry differs from a zero one, which NodePool `limits` need (`limits: {cpu: 100}` says
//! nothing about memory).
use crate::api::quantity::format_bytes;
use crate::api::resources::pod_requests;
use crate::api::{Map, Quantity, Value};
use std::collections::BTreeMap;
use std::fmt;

/// `nodes`, the pseudo-resource NodePool limits count nodes with.
pub const NODES: &str = "nodes";

/// A `ResourceList`: CPU in millicores, everything else in units (bytes for memory).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceList(BTreeMap<String, i64>);

impl ResourceList {
    /// An empty list.
    pub fn new() -> ResourceList {
        ResourceList::default()
    }

    /// Reads a `ResourceList` object (`{cpu: "1", memory: 1Gi}`); the error names the first
    /// entry that is not a quantity.
    pub fn from_value(v: Option<&Value>) -> Result<ResourceList, (String, String)> {
        let mut r = ResourceList::new();
        for (name, q) in v.and_then(Value::as_object).into_iter().flatten() {
            let text = match q {
                Value::String(s) => s.to_string(),
                Value::Number(n) => n.to_string(),
                other => return Err((name.to_string(), other.to_string())),
            };
            let q = Quantity::parse(&text).map_err(|_| (name.to_string(), text.clone()))?;
            r.set(
                name,
                if name.as_str() == "cpu" {
                    q.milli()
                } else {
                    q.value()
                },
            );
        }
        Ok(r)
    }

    /// Reads a `ResourceList` object, skipping entries that are not quantities (for objects
    /// the API server has already validated).
    pub fn from_value_lossy(v: Option<&Value>) -> ResourceList {
        let mut r = ResourceList::new();
        for (name, q) in v.and_then(Value::as_object).into_iter().flatten() {
            let text = match q {
                Value::String(s) => s.to_string(),
                Value::Number(n) => n.to_string(),
                _ => continue,
            };
            if let Ok(q) = Quantity::parse(&text) {
                r.set(
                    name,
                    if name.as_str() == "cpu" {
                        q.milli()
                    } else {
                        q.value()
                    },
                );
            }
        }
        r
    }

    /// From [`crate::api::Resources`] (every entry, zeros included for cpu and memory).
    pub fn from_resources(r: &crate::api::Resources) -> ResourceList {
        let mut l = ResourceList::new();
        l.set("cpu", r.milli_cpu);
        l.set("memory", r.memory);
        if r.ephemeral_storage != 0 {
            l.set("ephemeral-storage", r.ephemeral_storage);
        }
        for (k, v) in &r.scalar {
            l.set(k, *v);
        }
        l
    }

    /// Sets an entry.
    pub fn set(&mut self, name: &str, v: i64) {
        self.0.insert(name.to_string(), v);
    }

    /// An entry, None when absent.
    pub fn get(&self, name: &str) -> Option<i64> {
        self.0.get(name).copied()
    }

    /// An entry, 0 when absent (Go's zero `Quantity`).
    pub fn value(&self, name: &str) -> i64 {
        self.get(name).unwrap_or(0)
    }

    /// The entries, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, i64)> + '_ {
        self.0.iter().map(|(k, v)| (k.as_str(), *v))
    }

    /// Whether the list has no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Merge`: the sum of the lists, entry by entry (saturating).
    pub fn merge<'a>(lists: impl IntoIterator<Item = &'a ResourceList>) -> ResourceList {
        let mut out = ResourceList::new();
        for l in lists {
            out.add(l);
        }
        out
    }

    /// Adds `other` into this list (`MergeInto`).
    pub fn add(&mut self, other: &ResourceList) {
        for (k, v) in &other.0 {
            let e = self.0.entry(k.clone()).or_insert(0);
            *e = e.saturating_add(*v);
        }
    }

    /// `Subtract`: this list minus `rhs`, for the entries of this list only.
    pub fn subtract(&self, rhs: &ResourceList) -> ResourceList {
        ResourceList(
            self.0
                .iter()
                .map(|(k, v)| (k.clone(), v.saturating_sub(rhs.value(k))))
                .collect(),
        )
    }

    /// `MaxResources`: the entry-wise maximum of the lists.
    pub fn max_of<'a>(lists: impl IntoIterator<Item = &'a ResourceList>) -> ResourceList {
        let mut out: BTreeMap<String, i64> = BTreeMap::new();
        for l in lists {
            for (k, v) in &l.0 {
                let e = out.entry(k.clone()).or_insert(*v);
                *e = (*e).max(*v);
            }
        }
        ResourceList(out)
    }

    /// `Fits`: whether `self` (requests) fits in `total`: no entry of `total` is negative,
    /// and every requested entry is at most what `total` has (absent counts as zero).
    pub fn fits(&self, total: &ResourceList) -> bool {
        total.0.values().all(|v| *v >= 0) && self.0.iter().all(|(k, v)| *v <= total.value(k))
    }

    /// `ExceededBy` of NodePool `Limits`: the first resource whose usage is above its limit,
    /// as `(name, usage, limit)`.
    pub fn exceeded_by(&self, usage: &ResourceList) -> Option<(String, i64, i64)> {
        usage.0.iter().find_map(|(k, u)| {
            let limit = self.get(k)?;
            (*u > limit).then(|| (k.clone(), *u, limit))
        })
    }

    /// The list as a Kubernetes `ResourceList` object.
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        for (k, v) in &self.0 {
            m.insert(k.as_str(), Value::from(format_quantity(k, *v)));
        }
        Value::Object(m)
    }
}

/// A quantity as Go's `Quantity.String()` prints it: memory, storage and hugepages in binary
/// units when exact (the format they are written in), CPU and counts in canonical decimal
/// SI (`500m`, `2`, `1k`, `2M`).
fn format_quantity(name: &str, v: i64) -> String {
    match name {
        "cpu" => decimal_si_milli(v),
        "memory" | "ephemeral-storage" => format_bytes(v),
        n if n.starts_with("hugepages-") => format_bytes(v),
        _ => decimal_si_milli(v.saturating_mul(1000)),
    }
}

/// Go's canonical `DecimalSI` form of a value in milli-units: `m` when fractional, else the
/// largest power of 1000 that divides it exactly (`k`, `M`, `G`, `T`, `P`, `E`).
fn decimal_si_milli(m: i64) -> String {
    if m % 1000 != 0 {
        return format!("{m}m");
    }
    let mut v = m / 1000;
    if v == 0 {
        return "0".into();
    }
    let mut suffix = "";
    for s in ["k", "M", "G", "T", "P", "E"] {
        if v % 1000 != 0 {
            break;
        }
        v /= 1000;
        suffix = s;
    }
    format!("{v}{suffix}")
}

impl fmt::Display for ResourceList {
    /// `resources.String`: `{}` when empty, else compact JSON with sorted keys
    /// (`{"cpu":"500m","memory":"1Gi","pods":"2"}`), as `pretty.Concise` prints it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("{}");
        }
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|(k, v)| format!("{k:?}:{:?}", format_quantity(k, *v)))
            .collect();
        write!(f, "{{{}}}", parts.join(","))
    }
}

/// `RequestsForPods`: the pods' requests (`resourcehelper.PodRequests`) summed, plus `pods`
/// set to the number of pods.
pub fn requests_for_pods<'a>(pods: impl IntoIterator<Item = &'a Value>) -> ResourceList {
    let mut out = ResourceList::new();
    let mut n = 0i64;
    for p in pods {
        out.add(&ResourceList::from_resources(&pod_requests(p, false)));
        n += 1;
    }
    out.set("pods", n);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn list(v: Value) -> ResourceList {
        ResourceList::from_value(Some(&v)).expect("valid list")
    }

    #[test]
    fn parses_and_prints() {
        let l = list(json!({"cpu": "1500m", "memory": "1Gi", "nodes": 10}));
        assert_eq!(l.get("cpu"), Some(1500));
        assert_eq!(l.get("memory"), Some(1 << 30));
        assert_eq!(l.get("nodes"), Some(10));
        assert_eq!(l.get("pods"), None);
        assert_eq!(
            l.to_string(),
            r#"{"cpu":"1500m","memory":"1Gi","nodes":"10"}"#
        );
        assert_eq!(ResourceList::new().to_string(), "{}");
        // Go's canonical decimal SI for CPU and counts.
        let big = list(json!({"cpu": "1000", "pods": "2000000", "nvidia.com/gpu": "1500"}));
        assert_eq!(
            big.to_string(),
            r#"{"cpu":"1k","nvidia.com/gpu":"1500","pods":"2M"}"#
        );
        assert_eq!(
            ResourceList::from_value(Some(&json!({"cpu": "lots"}))),
            Err(("cpu".into(), "lots".into()))
        );
        assert_eq!(
            l.to_value(),
            json!({"cpu": "1500m", "memory": "1Gi", "nodes": "10"})
        );
    }

    /// `resources.Fits`: a negative total never fits; absent totals are zero.
    #[test]
    fn fits() {
        let total = list(json!({"cpu": "2", "memory": "4Gi", "pods": "10"}));
        assert!(list(json!({"cpu": "2", "pods": "1"})).fits(&total));
        assert!(!list(json!({"cpu": "2001m"})).fits(&total));
        assert!(!list(json!({"nvidia.com/gpu": "1"})).fits(&total));
        assert!(list(json!({"nvidia.com/gpu": "0"})).fits(&total));
        let negative = list(json!({"cpu": "2", "memory": "-1"}));
        assert!(!list(json!({"cpu": "1"})).fits(&negative));
    }

    /// `Subtract` keeps only the left side's entries; `MaxResources` the largest of each.
    #[test]
    fn subtract_and_max() {
        let limits = list(json!({"cpu": "100", "nodes": "5"}));
        let used = list(json!({"cpu": "4", "memory": "16Gi", "nodes": "1"}));
        assert_eq!(
            limits.subtract(&used),
            list(json!({"cpu": "96", "nodes": "4"}))
        );
        let a = list(json!({"cpu": "2", "memory": "8Gi"}));
        let b = list(json!({"cpu": "4", "pods": "29"}));
        assert_eq!(
            ResourceList::max_of([&a, &b]),
            list(json!({"cpu": "4", "memory": "8Gi", "pods": "29"}))
        );
        assert_eq!(ResourceList::merge([&a, &b]).get("cpu"), Some(6000));
    }

    /// `Limits.ExceededBy`.
    #[test]
    fn exceeded_by() {
        let limits = list(json!({"cpu": "10"}));
        assert_eq!(
            limits.exceeded_by(&list(json!({"cpu": "10", "memory": "1Ti"}))),
            None
        );
        assert_eq!(
            limits.exceeded_by(&list(json!({"cpu": "11"}))),
            Some(("cpu".into(), 11_000, 10_000))
        );
    }

    /// `RequestsForPods` adds `pods: n`.
    #[test]
    fn requests_for_pods_counts_pods() {
        let pod = |cpu: &str| json!({"spec": {"containers": [{"name": "c", "resources": {"requests": {"cpu": cpu, "memory": "64Mi"}}}]}});
        let pods = [pod("250m"), pod("500m")];
        let r = requests_for_pods(pods.iter());
        assert_eq!(r.get("cpu"), Some(750));
        assert_eq!(r.get("memory"), Some(128 << 20));
        assert_eq!(r.get("pods"), Some(2));
    }
}
