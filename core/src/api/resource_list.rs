//! `corev1.ResourceList` with exact quantities that remember their print format, for the
//! admission plugins whose messages quote quantities (ResourceQuota, LimitRanger), and the
//! pod totals they use (`resourcehelper.PodRequests` / `PodLimits`,
//! k8s.io/component-helpers/resource/helpers.go), pod-level `resources` included.
//!
//! The scheduler's integer view of the same totals is [`crate::api::resources`].
use super::object::{array_at, path};
use super::quantity::{Format, Quantity};
use crate::api::{Map, Value};
use std::collections::BTreeMap;

/// One quantity and the format it prints in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Amount {
    pub quantity: Quantity,
    pub format: Format,
}

impl Amount {
    /// A whole number printed in decimal (`resource.NewQuantity(n, DecimalSI)`).
    pub fn count(n: i64) -> Amount {
        Amount {
            quantity: Quantity::from_units(n),
            format: Format::DecimalSI,
        }
    }

    /// Parses a quantity as the API decodes one (`"250m"`, `"1Gi"`, or a bare number).
    pub fn parse(v: &Value) -> Option<Amount> {
        let text = match v {
            Value::String(s) => s.to_string(),
            Value::Number(n) => n.to_string(),
            _ => return None,
        };
        let (quantity, format) = Quantity::parse_with_format(&text).ok()?;
        Some(Amount { quantity, format })
    }

    /// `Quantity.String()`.
    pub fn text(&self) -> String {
        self.quantity.canonical(self.format)
    }

    /// `Quantity.Value()`: rounded up to a whole unit.
    pub fn value(&self) -> i64 {
        self.quantity.value()
    }

    /// `Quantity.MilliValue()`.
    pub fn milli(&self) -> i64 {
        self.quantity.milli()
    }

    pub fn is_zero(&self) -> bool {
        self.quantity.nanos() == 0
    }
}

/// `Quantity.Add`: the sum keeps the format of the first non-zero operand (saturating).
impl std::ops::Add for Amount {
    type Output = Amount;
    fn add(self, other: Amount) -> Amount {
        Amount {
            quantity: Quantity::from_nanos(
                self.quantity.nanos().saturating_add(other.quantity.nanos()),
            ),
            format: if self.is_zero() {
                other.format
            } else {
                self.format
            },
        }
    }
}

/// `Quantity.Sub` (saturating), formatted as [`Add`](std::ops::Add).
impl std::ops::Sub for Amount {
    type Output = Amount;
    fn sub(self, other: Amount) -> Amount {
        Amount {
            quantity: Quantity::from_nanos(
                self.quantity.nanos().saturating_sub(other.quantity.nanos()),
            ),
            format: if self.is_zero() {
                other.format
            } else {
                self.format
            },
        }
    }
}

/// A `ResourceList`, iterated in name order (the order upstream sorts names for messages).
pub type ResourceList = BTreeMap<String, Amount>;

/// Reads a `ResourceList` object; entries that are not quantities are skipped (validation
/// rejects them before objects are stored).
pub fn parse_list(v: Option<&Value>) -> ResourceList {
    v.and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(k, q)| Some((k.to_string(), Amount::parse(q)?)))
        .collect()
}

/// A `ResourceList` as JSON, each quantity in its canonical text.
pub fn to_value(list: &ResourceList) -> Value {
    let mut m = Map::new();
    for (k, a) in list {
        m.insert(k.as_str(), Value::from(a.text()));
    }
    Value::Object(m)
}

/// `quota.Add` / `addResourceList`: `a + b`, keys from both.
pub fn add(a: &ResourceList, b: &ResourceList) -> ResourceList {
    let mut out = a.clone();
    add_into(&mut out, b);
    out
}

/// `addResourceList(list, new)`: adds `new` into `list` in place.
pub fn add_into(list: &mut ResourceList, new: &ResourceList) {
    for (k, v) in new {
        let e = list.entry(k.clone()).or_default();
        *e = *e + *v;
    }
}

/// `maxResourceList(list, new)`: the element-wise maximum, in place.
pub fn max_into(list: &mut ResourceList, new: &ResourceList) {
    for (k, v) in new {
        match list.get(k) {
            Some(cur) if v.quantity <= cur.quantity => {}
            _ => {
                list.insert(k.clone(), *v);
            }
        }
    }
}

/// `quota.Mask`: only the entries named in `names`.
pub fn mask(list: &ResourceList, names: &[String]) -> ResourceList {
    list.iter()
        .filter(|(k, _)| names.contains(k))
        .map(|(k, v)| (k.clone(), *v))
        .collect()
}

/// The names of a list, in order (`quota.ResourceNames`, sorted).
pub fn names(list: &ResourceList) -> Vec<String> {
    list.keys().cloned().collect()
}

/// A container's `requests` or `limits`; requests missing for a resource with a limit default
/// to the limit (`SetDefaults_Pod`, so a template computes as the pod made from it would).
fn container_list(c: &Value, which: &str) -> ResourceList {
    let mut list = parse_list(path(c, &["resources", which]));
    if which == "requests" {
        for (k, v) in parse_list(path(c, &["resources", "limits"])) {
            list.entry(k).or_insert(v);
        }
    }
    list
}

/// `applyNonMissing`: the entries of `defaults` the list lacks, added.
fn apply_non_missing(list: &mut ResourceList, defaults: &ResourceList) {
    for (k, v) in defaults {
        list.entry(k.clone()).or_insert(*v);
    }
}

fn is_sidecar(c: &Value) -> bool {
    c.get("restartPolicy").and_then(Value::as_str) == Some("Always")
}

/// `AggregateContainerRequests` / `AggregateContainerLimits`: `max(Σ containers + Σ sidecars,
/// max over init containers of (that init container + the sidecars started before it))`.
/// `non_missing` (`NonMissingContainerRequests`) fills each container's missing entries.
fn aggregate(pod: &Value, which: &str, non_missing: &ResourceList) -> ResourceList {
    let spec = pod.get("spec").unwrap_or(&Value::Null);
    let own = |c: &Value| {
        let mut list = container_list(c, which);
        apply_non_missing(&mut list, non_missing);
        list
    };
    let mut total = ResourceList::new();
    for c in array_at(spec, &["containers"]) {
        add_into(&mut total, &own(c));
    }
    let mut restartable = ResourceList::new();
    let mut init_max = ResourceList::new();
    for c in array_at(spec, &["initContainers"]) {
        let own = own(c);
        let during = if is_sidecar(c) {
            add_into(&mut total, &own);
            add_into(&mut restartable, &own);
            restartable.clone()
        } else {
            add(&own, &restartable)
        };
        max_into(&mut init_max, &during);
    }
    max_into(&mut total, &init_max);
    total
}

/// `IsSupportedPodLevelResource`: the resources `spec.resources` may set.
fn pod_level_supported(name: &str) -> bool {
    name == "cpu" || name == "memory" || name.starts_with("hugepages-")
}

/// The pod-level `spec.resources.<which>` entries upstream honours (requests default to the
/// limits, as `SetDefaults_Pod` does for pod-level resources).
fn pod_level(pod: &Value, which: &str) -> ResourceList {
    let mut list = parse_list(path(pod, &["spec", "resources", which]));
    if which == "requests" {
        for (k, v) in parse_list(path(pod, &["spec", "resources", "limits"])) {
            list.entry(k).or_insert(v);
        }
    }
    list.retain(|k, _| pod_level_supported(k));
    list
}

/// `IsPodLevelRequestsSet`: the pod sets a supported pod-level request (or limit, which
/// defaults it).
pub fn pod_level_requests_set(pod: &Value) -> bool {
    !pod_level(pod, "requests").is_empty()
}

/// `resourcehelper.PodRequests`: the container aggregate, replaced per resource by pod-level
/// `spec.resources.requests` where set, plus `spec.overhead`. The scheduler
/// ([`crate::api::resources::pod_requests`]), ResourceQuota and the LimitRanger all count
/// through this function.
pub fn pod_requests(pod: &Value) -> ResourceList {
    pod_requests_with(pod, &ResourceList::new())
}

/// [`pod_requests`] with `PodResourcesOptions.NonMissingContainerRequests`: each container's
/// missing entries of `non_missing` count as those values (the scheduler's non-zero requests).
pub fn pod_requests_with(pod: &Value, non_missing: &ResourceList) -> ResourceList {
    let mut reqs = requests_without_overhead(pod, non_missing);
    add_into(&mut reqs, &parse_list(path(pod, &["spec", "overhead"])));
    reqs
}

fn requests_without_overhead(pod: &Value, non_missing: &ResourceList) -> ResourceList {
    let mut reqs = aggregate(pod, "requests", non_missing);
    reqs.extend(pod_level(pod, "requests"));
    reqs
}

/// [`pod_requests`] without `spec.overhead` (the LimitRanger's `podRequests`).
pub fn pod_requests_without_overhead(pod: &Value) -> ResourceList {
    requests_without_overhead(pod, &ResourceList::new())
}

/// `resourcehelper.PodLimits`: the container aggregate, replaced per resource by pod-level
/// `spec.resources.limits` where set; the overhead is added only to limits that are set.
pub fn pod_limits(pod: &Value) -> ResourceList {
    let mut limits = pod_limits_without_overhead(pod);
    for (k, v) in parse_list(path(pod, &["spec", "overhead"])) {
        if let Some(cur) = limits.get_mut(&k) {
            *cur = *cur + v;
        }
    }
    limits
}

/// [`pod_limits`] without `spec.overhead` (the LimitRanger's `podLimits`).
pub fn pod_limits_without_overhead(pod: &Value) -> ResourceList {
    let mut limits = aggregate(pod, "limits", &ResourceList::new());
    limits.extend(pod_level(pod, "limits"));
    limits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn text(list: &ResourceList) -> BTreeMap<String, String> {
        list.iter().map(|(k, v)| (k.clone(), v.text())).collect()
    }

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn sums_keep_the_first_non_zero_format() {
        let a = Amount::parse(&json!("600Mi")).unwrap();
        let b = Amount::parse(&json!("700Mi")).unwrap();
        assert_eq!((a + b).text(), "1300Mi");
        let zero = Amount::default();
        assert_eq!((zero + b).text(), "700Mi");
        assert_eq!(Amount::count(2).text(), "2");
    }

    #[test]
    fn pod_requests_follow_resourcehelper() {
        // helpers_test.go TestPodRequests "restartable init container": the sidecar adds to
        // the containers and to the init containers that start after it.
        let pod = json!({"spec": {
            "initContainers": [
                {"name": "sidecar", "restartPolicy": "Always", "resources": {"requests": {"cpu": "1"}}},
                {"name": "init", "resources": {"requests": {"cpu": "2"}}}
            ],
            "containers": [{"name": "app", "resources": {"requests": {"cpu": "1"}, "limits": {"cpu": "2"}}}],
            "overhead": {"cpu": "100m", "memory": "20Mi"}
        }});
        // containers+sidecar = 2; init = 2 + 1 (sidecar) = 3; + overhead.
        assert_eq!(
            text(&pod_requests(&pod)),
            map(&[("cpu", "3100m"), ("memory", "20Mi")])
        );
        // Overhead is added only to limits that exist; the sidecar has no limit.
        assert_eq!(text(&pod_limits(&pod)), map(&[("cpu", "2100m")]));
    }

    #[test]
    fn pod_level_resources_replace_the_container_sum() {
        // KEP-2837 pod-level resources: spec.resources wins for cpu/memory; other
        // resources still come from the containers.
        let pod = json!({"spec": {
            "resources": {"requests": {"cpu": "1", "memory": "1Gi", "ephemeral-storage": "9Gi"}, "limits": {"cpu": "2"}},
            "containers": [
                {"name": "a", "resources": {"requests": {"cpu": "200m", "ephemeral-storage": "1Gi"}}},
                {"name": "b", "resources": {"requests": {"cpu": "300m"}, "limits": {"memory": "512Mi"}}}
            ]
        }});
        assert_eq!(
            text(&pod_requests(&pod)),
            map(&[
                ("cpu", "1"),
                ("ephemeral-storage", "1Gi"),
                ("memory", "1Gi")
            ])
        );
        assert_eq!(
            text(&pod_limits(&pod)),
            map(&[("cpu", "2"), ("memory", "512Mi")])
        );
    }
}
