//! The LimitRanger admission plugin (kubernetes/kubernetes plugin/pkg/admission/limitranger/
//! admission.go) and LimitRange defaulting (pkg/apis/core/v1/defaults.go
//! `SetDefaults_LimitRangeItem`):
//! - on pod create, containers and init containers get the `defaultRequest`/`default` of the
//!   `Container` items they lack, recorded in the `kubernetes.io/limit-ranger` annotation;
//! - then `min`, `max` and `maxLimitRequestRatio` are enforced per `Container` and per `Pod`
//!   (requests/limits summed as `podRequests`/`podLimits`, without overhead), and `min`/`max`
//!   of `storage` per `PersistentVolumeClaim`, with upstream's messages.
//!
//! Upstream walks the resources of an item in Go map order; here they are walked by name so
//! the messages come out in a stable order.
use super::status::{admission_name, Status};
use crate::api::kinds::by_kind;
use crate::api::object::{array_at, path, set_path};
use crate::api::resource_list::{
    parse_list, pod_limits_without_overhead, pod_requests_without_overhead, Amount, ResourceList,
};
use crate::api::{Map, Value};

/// The annotation that records which defaults the LimitRanger applied.
pub const LIMIT_RANGER_ANNOTATION: &str = "kubernetes.io/limit-ranger";

/// `SetDefaults_LimitRangeItem` for every `Container` item: `default` from `max`, then
/// `defaultRequest` from `default`, then from `min`, for the resources not already set.
pub fn default_limit_range(lr: &mut Value) {
    let Some(items) = lr.pointer_mut("/spec/limits").and_then(Value::as_array_mut) else {
        return;
    };
    for item in items.iter_mut() {
        if item.get("type").and_then(Value::as_str) != Some("Container") {
            continue;
        }
        let list = |item: &Value, k: &str| {
            item.get(k)
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        };
        let max = list(item, "max");
        let min = list(item, "min");
        let mut default = list(item, "default");
        for (k, v) in &max {
            if !default.contains_key(k) {
                default.insert(k.clone(), v.clone());
            }
        }
        let mut default_request = list(item, "defaultRequest");
        for (k, v) in default.iter().chain(&min) {
            if !default_request.contains_key(k) {
                default_request.insert(k.clone(), v.clone());
            }
        }
        if let Some(m) = item.as_object_mut() {
            m.insert("default", Value::Object(default));
            m.insert("defaultRequest", Value::Object(default_request));
        }
    }
}

fn defaulted(lr: &Value) -> Value {
    let mut lr = lr.clone();
    default_limit_range(&mut lr);
    lr
}

fn items<'a>(lr: &'a Value, kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    array_at(lr, &["spec", "limits"])
        .iter()
        .filter(move |i| i.get("type").and_then(Value::as_str) == Some(kind))
}

/// `mergeContainerResources`: fills the missing limits and requests of one container and
/// returns the annotation fragments (`cpu, memory request for container app`).
fn merge_container(c: &mut Value, requests: &Map, limits: &Map, what: &str) -> Vec<String> {
    let name = c
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let mut notes = Vec::new();
    let mut set = |which: &str, defaults: &Map| {
        let mut added: Vec<String> = Vec::new();
        for (k, v) in defaults {
            if path(c, &["resources", which, k]).is_none() {
                set_path(c, &["resources", which, k], v.clone());
                added.push(k.to_string());
            }
        }
        added.sort();
        added
    };
    let added_requests = set("requests", requests);
    let added_limits = set("limits", limits);
    if !added_requests.is_empty() {
        notes.push(format!(
            "{} request for {what} {name}",
            added_requests.join(", ")
        ));
    }
    if !added_limits.is_empty() {
        notes.push(format!(
            "{} limit for {what} {name}",
            added_limits.join(", ")
        ));
    }
    notes
}

/// The LimitRanger's mutation of a pod being created: each LimitRange in turn fills the
/// defaults its `Container` items declare (`PodMutateLimitFunc`).
pub fn default_pod(pod: &mut Value, limit_ranges: &[Value]) {
    let mut notes = Vec::new();
    for lr in limit_ranges {
        let lr = defaulted(lr);
        let (mut requests, mut limits) = (Map::new(), Map::new());
        for item in items(&lr, "Container") {
            for (k, v) in item
                .get("defaultRequest")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                requests.insert(k.clone(), v.clone());
            }
            for (k, v) in item
                .get("default")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                limits.insert(k.clone(), v.clone());
            }
        }
        if requests.is_empty() && limits.is_empty() {
            continue;
        }
        for (key, what) in [
            ("containers", "container"),
            ("initContainers", "init container"),
        ] {
            if let Some(cs) = pod
                .pointer_mut(&format!("/spec/{key}"))
                .and_then(Value::as_array_mut)
            {
                for c in cs.iter_mut() {
                    notes.extend(merge_container(c, &requests, &limits, what));
                }
            }
        }
    }
    if !notes.is_empty() {
        set_path(
            pod,
            &["metadata", "annotations", LIMIT_RANGER_ANNOTATION],
            Value::from(format!("LimitRanger plugin set: {}", notes.join("; "))),
        );
    }
}

/// `requestLimitEnforcedValues`: milli-units when all three fit, else whole units.
fn comparable(req: Option<&Amount>, lim: Option<&Amount>, enforced: &Amount) -> (i64, i64, i64) {
    const MAX_MILLI: i64 = i64::MAX / 1000;
    let value = |a: Option<&Amount>| a.map_or(0, Amount::value);
    let (r, l, e) = (value(req), value(lim), enforced.value());
    if r <= MAX_MILLI && l <= MAX_MILLI && e <= MAX_MILLI {
        let milli = |a: Option<&Amount>| a.map_or(0, Amount::milli);
        (milli(req), milli(lim), enforced.milli())
    } else {
        (r, l, e)
    }
}

fn min_constraint(
    kind: &str,
    res: &str,
    enforced: &Amount,
    requests: &ResourceList,
    limits: &ResourceList,
) -> Option<String> {
    let (req, lim) = (requests.get(res), limits.get(res));
    let (r, l, e) = comparable(req, lim, enforced);
    let want = enforced.text();
    match (req, lim) {
        (None, _) => Some(format!(
            "minimum {res} usage per {kind} is {want}.  No request is specified"
        )),
        (Some(q), _) if r < e => Some(format!(
            "minimum {res} usage per {kind} is {want}, but request is {}",
            q.text()
        )),
        (_, Some(q)) if l < e => Some(format!(
            "minimum {res} usage per {kind} is {want}, but limit is {}",
            q.text()
        )),
        _ => None,
    }
}

fn max_constraint(
    kind: &str,
    res: &str,
    enforced: &Amount,
    requests: &ResourceList,
    limits: &ResourceList,
) -> Option<String> {
    let (req, lim) = (requests.get(res), limits.get(res));
    let (r, l, e) = comparable(req, lim, enforced);
    let want = enforced.text();
    match (req, lim) {
        (_, None) => Some(format!(
            "maximum {res} usage per {kind} is {want}.  No limit is specified"
        )),
        (_, Some(q)) if l > e => Some(format!(
            "maximum {res} usage per {kind} is {want}, but limit is {}",
            q.text()
        )),
        (Some(q), _) if r > e => Some(format!(
            "maximum {res} usage per {kind} is {want}, but request is {}",
            q.text()
        )),
        _ => None,
    }
}

fn ratio_constraint(
    kind: &str,
    res: &str,
    enforced: &Amount,
    requests: &ResourceList,
    limits: &ResourceList,
) -> Option<String> {
    let (req, lim) = (requests.get(res), limits.get(res));
    let (r, l, _) = comparable(req, lim, enforced);
    let want = enforced.text();
    if req.is_none() || r == 0 {
        return Some(format!(
            "{res} max limit to request ratio per {kind} is {want}, but no request is specified or request is 0"
        ));
    }
    if lim.is_none() || l == 0 {
        return Some(format!(
            "{res} max limit to request ratio per {kind} is {want}, but no limit is specified or limit is 0"
        ));
    }
    let observed = l as f64 / r as f64;
    let (cmp, max) = if enforced.value() <= i64::MAX / 1000 {
        (observed * 1000.0, enforced.milli() as f64)
    } else {
        (observed, enforced.value() as f64)
    };
    (cmp > max).then(|| format!("{res} max limit to request ratio per {kind} is {want}, but provided ratio is {observed:.6}"))
}

/// Applies the `min`/`max`/`maxLimitRequestRatio` of one item to requests and limits.
fn check_item(
    item: &Value,
    kind: &str,
    requests: &ResourceList,
    limits: &ResourceList,
    errs: &mut Vec<String>,
) {
    for (k, v) in parse_list(item.get("min")) {
        errs.extend(min_constraint(kind, &k, &v, requests, limits));
    }
    for (k, v) in parse_list(item.get("max")) {
        errs.extend(max_constraint(kind, &k, &v, requests, limits));
    }
    for (k, v) in parse_list(item.get("maxLimitRequestRatio")) {
        errs.extend(ratio_constraint(kind, &k, &v, requests, limits));
    }
}

/// `utilerrors.NewAggregate(errs).Error()`: one message as is, several (deduplicated) in
/// brackets.
fn aggregate(errs: Vec<String>) -> Option<String> {
    let mut seen: Vec<String> = Vec::new();
    for e in errs {
        if !seen.contains(&e) {
            seen.push(e);
        }
    }
    match seen.len() {
        0 => None,
        1 => seen.pop(),
        _ => Some(format!("[{}]", seen.join(", "))),
    }
}

/// `PodValidateLimitFunc` over every LimitRange: `Container` items against each container and
/// init container, `Pod` items against the pod's totals.
pub fn validate_pod(pod: &Value, limit_ranges: &[Value]) -> Result<(), Status> {
    let mut errs = Vec::new();
    let spec = pod.get("spec").unwrap_or(&Value::Null);
    let containers: Vec<&Value> = array_at(spec, &["containers"])
        .iter()
        .chain(array_at(spec, &["initContainers"]))
        .collect();
    for lr in limit_ranges {
        let lr = defaulted(lr);
        for item in array_at(&lr, &["spec", "limits"]) {
            match item.get("type").and_then(Value::as_str) {
                Some("Container") => {
                    for c in &containers {
                        let requests = parse_list(path(c, &["resources", "requests"]));
                        let limits = parse_list(path(c, &["resources", "limits"]));
                        check_item(item, "Container", &requests, &limits, &mut errs);
                    }
                }
                Some("Pod") => {
                    let requests = pod_requests_without_overhead(pod);
                    let limits = pod_limits_without_overhead(pod);
                    check_item(item, "Pod", &requests, &limits, &mut errs);
                }
                _ => {}
            }
        }
    }
    match aggregate(errs) {
        None => Ok(()),
        Some(msg) => Err(Status::forbidden(
            by_kind(Some("v1"), "Pod").expect("served"),
            admission_name(pod),
            msg,
        )),
    }
}

/// The LimitRanger on a pod create: defaults, then validation.
pub fn admit_pod(pod: &mut Value, limit_ranges: &[Value]) -> Result<(), Status> {
    default_pod(pod, limit_ranges);
    validate_pod(pod, limit_ranges)
}

/// `PersistentVolumeClaimValidateLimitFunc`: `min` and `max` of the `PersistentVolumeClaim`
/// items against the claim's requests (the claim's limits are not user input).
pub fn validate_claim(pvc: &Value, limit_ranges: &[Value]) -> Result<(), Status> {
    let requests = parse_list(path(pvc, &["spec", "resources", "requests"]));
    let mut errs = Vec::new();
    for lr in limit_ranges {
        for item in items(lr, "PersistentVolumeClaim") {
            for (k, v) in parse_list(item.get("min")) {
                errs.extend(min_constraint(
                    "PersistentVolumeClaim",
                    &k,
                    &v,
                    &requests,
                    &ResourceList::new(),
                ));
            }
            for (k, v) in parse_list(item.get("max")) {
                let req = requests.get(&k);
                let (r, _, e) = comparable(req, None, &v);
                let want = v.text();
                match req {
                    None => errs.push(format!(
                        "maximum {k} usage per PersistentVolumeClaim is {want}.  No request is specified"
                    )),
                    Some(q) if r > e => errs.push(format!(
                        "maximum {k} usage per PersistentVolumeClaim is {want}, but request is {}",
                        q.text()
                    )),
                    _ => {}
                }
            }
        }
    }
    match aggregate(errs) {
        None => Ok(()),
        Some(msg) => Err(Status::forbidden(
            by_kind(Some("v1"), "PersistentVolumeClaim").expect("served"),
            admission_name(pvc),
            msg,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn lr(name: &str, limits: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "LimitRange", "metadata": {"namespace": "ns", "name": name}, "spec": {"limits": limits}})
    }

    fn pod(name: &str, resources: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"namespace": "ns", "name": name},
               "spec": {"containers": [{"name": format!("{name}-ctr"), "image": "nginx", "resources": resources}]}})
    }

    /// "Configure Minimum and Maximum CPU Constraints for a Namespace" (cpu-constraints.yaml
    /// and its pods): defaults created from max, and the two refusals the page shows.
    #[test]
    fn docs_cpu_constraints() {
        let mut range = lr(
            "cpu-min-max-demo-lr",
            json!([{"max": {"cpu": "800m"}, "min": {"cpu": "200m"}, "type": "Container"}]),
        );
        default_limit_range(&mut range);
        assert_eq!(
            range["spec"]["limits"][0]["default"],
            json!({"cpu": "800m"})
        );
        assert_eq!(
            range["spec"]["limits"][0]["defaultRequest"],
            json!({"cpu": "800m"})
        );
        let ranges = [range];

        let mut ok = pod(
            "constraints-cpu-demo",
            json!({"limits": {"cpu": "800m"}, "requests": {"cpu": "500m"}}),
        );
        assert!(admit_pod(&mut ok, &ranges).is_ok());

        let mut too_big = pod(
            "constraints-cpu-demo-2",
            json!({"limits": {"cpu": "1.5"}, "requests": {"cpu": "500m"}}),
        );
        assert_eq!(admit_pod(&mut too_big, &ranges).unwrap_err().message,
            "pods \"constraints-cpu-demo-2\" is forbidden: maximum cpu usage per Container is 800m, but limit is 1500m");
        let mut too_small = pod(
            "constraints-cpu-demo-3",
            json!({"limits": {"cpu": "800m"}, "requests": {"cpu": "100m"}}),
        );
        assert_eq!(admit_pod(&mut too_small, &ranges).unwrap_err().message,
            "pods \"constraints-cpu-demo-3\" is forbidden: minimum cpu usage per Container is 200m, but request is 100m");

        let mut none = pod("constraints-cpu-demo-4", json!({}));
        assert!(admit_pod(&mut none, &ranges).is_ok());
        assert_eq!(
            none["spec"]["containers"][0]["resources"],
            json!({"requests": {"cpu": "800m"}, "limits": {"cpu": "800m"}})
        );
        assert_eq!(none["metadata"]["annotations"][LIMIT_RANGER_ANNOTATION],
            "LimitRanger plugin set: cpu request for container constraints-cpu-demo-4-ctr; cpu limit for container constraints-cpu-demo-4-ctr");
    }

    /// "Configure Minimum and Maximum Memory Constraints for a Namespace": 1.5Gi prints as
    /// 1536Mi, as on the page.
    #[test]
    fn docs_memory_constraints() {
        let ranges = [lr(
            "mem-min-max-demo-lr",
            json!([{"max": {"memory": "1Gi"}, "min": {"memory": "500Mi"}, "type": "Container"}]),
        )];
        let mut big = pod(
            "constraints-mem-demo-2",
            json!({"limits": {"memory": "1.5Gi"}, "requests": {"memory": "800Mi"}}),
        );
        assert_eq!(admit_pod(&mut big, &ranges).unwrap_err().message,
            "pods \"constraints-mem-demo-2\" is forbidden: maximum memory usage per Container is 1Gi, but limit is 1536Mi");
        let mut small = pod(
            "constraints-mem-demo-3",
            json!({"limits": {"memory": "800Mi"}, "requests": {"memory": "100Mi"}}),
        );
        assert_eq!(admit_pod(&mut small, &ranges).unwrap_err().message,
            "pods \"constraints-mem-demo-3\" is forbidden: minimum memory usage per Container is 500Mi, but request is 100Mi");
    }

    /// "Configure Default Memory Requests and Limits for a Namespace" (memory-defaults.yaml):
    /// a container with only a limit keeps it (its request defaults to the limit before
    /// admission); one with only a request gets the default limit.
    #[test]
    fn docs_memory_defaults() {
        let ranges = [lr(
            "mem-limit-range",
            json!([{"default": {"memory": "512Mi"}, "defaultRequest": {"memory": "256Mi"}, "type": "Container"}]),
        )];
        let mut p = pod("default-mem-demo", json!({}));
        admit_pod(&mut p, &ranges).unwrap();
        assert_eq!(
            p["spec"]["containers"][0]["resources"],
            json!({"requests": {"memory": "256Mi"}, "limits": {"memory": "512Mi"}})
        );
        let mut only_request = pod(
            "default-mem-demo-3",
            json!({"requests": {"memory": "128Mi"}}),
        );
        admit_pod(&mut only_request, &ranges).unwrap();
        assert_eq!(
            only_request["spec"]["containers"][0]["resources"],
            json!({"requests": {"memory": "128Mi"}, "limits": {"memory": "512Mi"}})
        );
        assert_eq!(
            only_request["metadata"]["annotations"][LIMIT_RANGER_ANNOTATION],
            "LimitRanger plugin set: memory limit for container default-mem-demo-3-ctr"
        );
    }

    #[test]
    fn ratio_and_missing_values() {
        let ranges = [lr(
            "ratio",
            json!([{"type": "Container", "maxLimitRequestRatio": {"cpu": "2"}}]),
        )];
        let p = pod(
            "p",
            json!({"requests": {"cpu": "250m"}, "limits": {"cpu": "1"}}),
        );
        assert_eq!(validate_pod(&p, &ranges).unwrap_err().message,
            "pods \"p\" is forbidden: cpu max limit to request ratio per Container is 2, but provided ratio is 4.000000");
        let p = pod("p", json!({"limits": {"cpu": "1"}}));
        assert_eq!(validate_pod(&p, &ranges).unwrap_err().message,
            "pods \"p\" is forbidden: cpu max limit to request ratio per Container is 2, but no request is specified or request is 0");

        let both = [lr(
            "both",
            json!([{"type": "Container", "max": {"cpu": "1", "memory": "1Gi"}}]),
        )];
        let p = pod("p", json!({"requests": {"cpu": "2"}}));
        assert_eq!(validate_pod(&p, &both).unwrap_err().message,
            "pods \"p\" is forbidden: [maximum cpu usage per Container is 1.  No limit is specified, maximum memory usage per Container is 1Gi.  No limit is specified]");
    }

    #[test]
    fn pod_items_sum_containers_without_overhead() {
        let ranges = [lr("pod", json!([{"type": "Pod", "max": {"cpu": "2"}}]))];
        let mut p = pod(
            "p",
            json!({"requests": {"cpu": "1"}, "limits": {"cpu": "1"}}),
        );
        p["spec"]["containers"] = json!([
            {"name": "a", "resources": {"requests": {"cpu": "1"}, "limits": {"cpu": "1500m"}}},
            {"name": "b", "resources": {"requests": {"cpu": "500m"}, "limits": {"cpu": "1"}}}
        ]);
        p["spec"]["overhead"] = json!({"cpu": "5"});
        assert_eq!(
            validate_pod(&p, &ranges).unwrap_err().message,
            "pods \"p\" is forbidden: maximum cpu usage per Pod is 2, but limit is 2500m"
        );
    }

    #[test]
    fn claims() {
        // "Limit Storage Consumption": storage min 1Gi, max 2Gi per claim.
        let ranges = [lr(
            "storagelimits",
            json!([{"type": "PersistentVolumeClaim", "max": {"storage": "2Gi"}, "min": {"storage": "1Gi"}}]),
        )];
        let claim = |size: &str| {
            json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"namespace": "ns", "name": "pvc-limit"},
            "spec": {"resources": {"requests": {"storage": size}}}})
        };
        assert!(validate_claim(&claim("1Gi"), &ranges).is_ok());
        assert_eq!(validate_claim(&claim("5Gi"), &ranges).unwrap_err().message,
            "persistentvolumeclaims \"pvc-limit\" is forbidden: maximum storage usage per PersistentVolumeClaim is 2Gi, but request is 5Gi");
        assert_eq!(validate_claim(&claim("500Mi"), &ranges).unwrap_err().message,
            "persistentvolumeclaims \"pvc-limit\" is forbidden: minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi");
    }
}
