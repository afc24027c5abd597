//! ResourceQuota: usage of objects, quota status and the admission check, as
//! kubernetes/kubernetes computes them:
//! - `pkg/quota/v1/evaluator/core/pods.go` (`PodUsageFunc`, `podComputeUsageHelper`,
//!   `Constraints`, `podMatchesScopeFunc`, `QuotaV1Pod`),
//!   `persistent_volume_claims.go`, `services.go`, and the generic object-count evaluator
//!   (`pkg/quota/v1/generic`, `count/<resource>.<group>`);
//! - `pkg/quota/v1/resources.go` (`Add`, `Mask`, `LessThanOrEqual`) and `CalculateUsage`;
//! - `staging/src/k8s.io/apiserver/pkg/admission/plugin/resourcequota/controller.go`
//!   (`checkRequest`: the `failed quota`, `status unknown for quota` and `exceeded quota`
//!   messages, `prettyPrint`).
//!
//! Admission reads each quota's `status.hard`/`status.used`, as upstream does: a quota whose
//! status the quota controller has not filled yet constrains nothing — fill it with
//! [`quota_status`] when the quota is written to close that window.
use super::defaults::qos_class;
use super::status::{admission_name, Status};
use crate::api::kinds::{by_kind, KindInfo};
use crate::api::object::{self, array_at, path, str_at};
use crate::api::resource_list::{self, parse_list, Amount, ResourceList};
use crate::api::{Map, Value};
use crate::sim::clock::parse_rfc3339;
use std::collections::{BTreeMap, BTreeSet};

/// The kind of an object as the registry knows it.
fn kind_info(obj: &Value) -> Option<&'static KindInfo> {
    let kind = object::kind(obj);
    by_kind(Some(object::api_version(obj)), kind).or_else(|| by_kind(None, kind))
}

/// `count/<resource>` for the core group, `count/<resource>.<group>` otherwise.
pub fn object_count_name(info: &KindInfo) -> String {
    format!("count/{}", info.qualified_resource())
}

/// The legacy object-count names (`legacyObjectCountAliases` and the typed evaluators).
fn legacy_alias(info: &KindInfo) -> Option<&'static str> {
    if !info.group.is_empty() {
        return None;
    }
    match info.plural {
        "configmaps" => Some("configmaps"),
        "secrets" => Some("secrets"),
        "replicationcontrollers" => Some("replicationcontrollers"),
        "resourcequotas" => Some("resourcequotas"),
        "services" => Some("services"),
        "persistentvolumeclaims" => Some("persistentvolumeclaims"),
        _ => None,
    }
}

/// `IsExtendedResourceName`: a domain-prefixed name outside `kubernetes.io` (`nvidia.com/gpu`).
fn is_extended(name: &str) -> bool {
    name.contains('/') && !name.contains("kubernetes.io/") && !name.starts_with("requests.")
}

const STORAGE_CLASS_SUFFIX: &str = ".storageclass.storage.k8s.io/";

/// Whether the evaluator for `info` tracks the quota resource `name` (`MatchingResources`).
pub fn tracks(info: &KindInfo, name: &str) -> bool {
    if name == object_count_name(info) || legacy_alias(info) == Some(name) {
        return true;
    }
    match (info.group, info.plural) {
        ("", "pods") => {
            matches!(
                name,
                "pods"
                    | "cpu"
                    | "memory"
                    | "ephemeral-storage"
                    | "requests.cpu"
                    | "requests.memory"
                    | "requests.ephemeral-storage"
                    | "limits.cpu"
                    | "limits.memory"
                    | "limits.ephemeral-storage"
            ) || name.starts_with("hugepages-")
                || name.starts_with("requests.hugepages-")
                || name.starts_with("limits.hugepages-")
                || name.strip_prefix("requests.").is_some_and(is_extended)
        }
        ("", "persistentvolumeclaims") => {
            name == "requests.storage"
                || name
                    .split_once(STORAGE_CLASS_SUFFIX)
                    .is_some_and(|(class, r)| {
                        !class.is_empty()
                            && (r == "requests.storage" || r == "persistentvolumeclaims")
                    })
        }
        ("", "services") => name == "services.loadbalancers" || name == "services.nodeports",
        _ => false,
    }
}

/// `QuotaV1Pod`: terminal pods, and pods past their deletion grace period, hold no compute quota.
fn pod_counts_for_compute(pod: &Value, now_ms: i64) -> bool {
    let phase = str_at(pod, &["status", "phase"]).unwrap_or("");
    if phase == "Succeeded" || phase == "Failed" {
        return false;
    }
    let deletion = str_at(pod, &["metadata", "deletionTimestamp"]).and_then(parse_rfc3339);
    let grace = path(pod, &["metadata", "deletionGracePeriodSeconds"]).and_then(Value::as_i64);
    match (deletion, grace) {
        (Some(at), Some(g)) => now_ms <= at.saturating_add(g.saturating_mul(1000)),
        _ => true,
    }
}

/// `podComputeUsageHelper`: quota resources from requests and limits.
fn compute_usage(requests: &ResourceList, limits: &ResourceList) -> ResourceList {
    let mut r = ResourceList::new();
    r.insert("pods".into(), Amount::count(1));
    for res in ["cpu", "memory", "ephemeral-storage"] {
        if let Some(q) = requests.get(res) {
            r.insert(res.into(), *q);
            r.insert(format!("requests.{res}"), *q);
        }
        if let Some(q) = limits.get(res) {
            r.insert(format!("limits.{res}"), *q);
        }
    }
    for (name, q) in requests {
        if name.starts_with("hugepages-") {
            r.insert(name.clone(), *q);
            r.insert(format!("requests.{name}"), *q);
        }
        if is_extended(name) {
            r.insert(format!("requests.{name}"), *q);
        }
    }
    for (name, q) in limits {
        if name.starts_with("hugepages-") {
            r.insert(format!("limits.{name}"), *q);
        }
    }
    r
}

/// `PodUsageFunc`: `count/pods` always; `pods` and compute resources (from `PodRequests` and
/// `PodLimits`: init containers, sidecars, overhead and pod-level `resources` included) while the
/// pod is not terminal.
pub fn pod_usage(pod: &Value, now_ms: i64) -> ResourceList {
    let mut r = ResourceList::new();
    r.insert("count/pods".into(), Amount::count(1));
    if pod_counts_for_compute(pod, now_ms) {
        let compute = compute_usage(
            &resource_list::pod_requests(pod),
            &resource_list::pod_limits(pod),
        );
        resource_list::add_into(&mut r, &compute);
    }
    r
}

/// The claim's storage request, whole bytes (`getStorageUsage`: the larger of the request
/// and `status.allocatedResources`, rounded up).
fn claim_storage(pvc: &Value) -> Option<Amount> {
    let round = |a: Amount| Amount {
        quantity: a.quantity.round_up_units(),
        format: a.format,
    };
    let mut result = path(pvc, &["spec", "resources", "requests", "storage"])
        .and_then(Amount::parse)
        .map(round);
    if let Some(alloc) =
        path(pvc, &["status", "allocatedResources", "storage"]).and_then(Amount::parse)
    {
        if result.is_none_or(|r| alloc.quantity > r.quantity) {
            result = Some(round(alloc));
        }
    }
    result
}

/// The PersistentVolumeClaim evaluator's usage.
pub fn claim_usage(pvc: &Value) -> ResourceList {
    let mut r = ResourceList::new();
    r.insert("persistentvolumeclaims".into(), Amount::count(1));
    r.insert("count/persistentvolumeclaims".into(), Amount::count(1));
    let class = str_at(
        pvc,
        &[
            "metadata",
            "annotations",
            "volume.beta.kubernetes.io/storage-class",
        ],
    )
    .or_else(|| str_at(pvc, &["spec", "storageClassName"]))
    .unwrap_or("");
    if !class.is_empty() {
        r.insert(
            format!("{class}{STORAGE_CLASS_SUFFIX}persistentvolumeclaims"),
            Amount::count(1),
        );
    }
    if let Some(storage) = claim_storage(pvc) {
        r.insert("requests.storage".into(), storage);
        if !class.is_empty() {
            r.insert(
                format!("{class}{STORAGE_CLASS_SUFFIX}requests.storage"),
                storage,
            );
        }
    }
    r
}

/// The Service evaluator's usage: one node port per service port for NodePort and
/// LoadBalancer services, one load balancer per LoadBalancer service.
pub fn service_usage(svc: &Value) -> ResourceList {
    let mut r = ResourceList::new();
    r.insert("count/services".into(), Amount::count(1));
    r.insert("services".into(), Amount::count(1));
    r.insert("services.loadbalancers".into(), Amount::count(0));
    r.insert("services.nodeports".into(), Amount::count(0));
    let ports = array_at(svc, &["spec", "ports"]).len() as i64;
    match str_at(svc, &["spec", "type"]).unwrap_or("ClusterIP") {
        "NodePort" => {
            r.insert("services.nodeports".into(), Amount::count(ports));
        }
        "LoadBalancer" => {
            r.insert("services.nodeports".into(), Amount::count(ports));
            r.insert("services.loadbalancers".into(), Amount::count(1));
        }
        _ => {}
    }
    r
}

/// `Evaluator.Usage`: what the object consumes, by kind (the object count for kinds without a
/// dedicated evaluator). `now_ms` decides whether a deleting pod is past its grace period.
pub fn usage(obj: &Value, now_ms: i64) -> ResourceList {
    let Some(info) = kind_info(obj) else {
        return ResourceList::new();
    };
    match (info.group, info.plural) {
        ("", "pods") => pod_usage(obj, now_ms),
        ("", "persistentvolumeclaims") => claim_usage(obj),
        ("", "services") => service_usage(obj),
        _ => {
            let mut r = ResourceList::new();
            r.insert(object_count_name(info), Amount::count(1));
            if let Some(alias) = legacy_alias(info) {
                r.insert(alias.into(), Amount::count(1));
            }
            r
        }
    }
}

/// A scope requirement (`spec.scopes` entries become `Exists` requirements).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeRequirement {
    pub scope: String,
    pub operator: String,
    pub values: Vec<String>,
}

/// `GetScopeSelectorsFromQuota`.
pub fn scope_requirements(quota: &Value) -> Vec<ScopeRequirement> {
    let mut out: Vec<ScopeRequirement> = array_at(quota, &["spec", "scopes"])
        .iter()
        .filter_map(Value::as_str)
        .map(|s| ScopeRequirement {
            scope: s.to_string(),
            operator: "Exists".into(),
            values: vec![],
        })
        .collect();
    for e in array_at(quota, &["spec", "scopeSelector", "matchExpressions"]) {
        out.push(ScopeRequirement {
            scope: e
                .get("scopeName")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            operator: e
                .get("operator")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            values: array_at(e, &["values"])
                .iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect(),
        });
    }
    out
}

/// `usesCrossNamespacePodAffinity`: an affinity term with `namespaces` or a `namespaceSelector`.
fn uses_cross_namespace_affinity(pod: &Value) -> bool {
    ["podAffinity", "podAntiAffinity"].iter().any(|kind| {
        let terms = |k: &str| array_at(pod, &["spec", "affinity", kind, k]).to_vec();
        let mut all = terms("requiredDuringSchedulingIgnoredDuringExecution");
        all.extend(
            terms("preferredDuringSchedulingIgnoredDuringExecution")
                .iter()
                .filter_map(|w| w.get("podAffinityTerm").cloned()),
        );
        all.iter().any(|t| {
            !array_at(t, &["namespaces"]).is_empty()
                || t.get("namespaceSelector").is_some_and(|s| !s.is_null())
        })
    })
}

/// `podMatchesScopeFunc` (other kinds match no scope, as `MatchesNoScopeFunc`).
pub fn scope_matches(req: &ScopeRequirement, obj: &Value) -> bool {
    if kind_info(obj).is_none_or(|i| i.plural != "pods" || !i.group.is_empty()) {
        return false;
    }
    let pod = obj;
    let terminating = path(pod, &["spec", "activeDeadlineSeconds"])
        .and_then(Value::as_i64)
        .is_some_and(|s| s >= 0);
    match req.scope.as_str() {
        "Terminating" => terminating,
        "NotTerminating" => !terminating,
        "BestEffort" => qos_class(pod) == "BestEffort",
        "NotBestEffort" => qos_class(pod) != "BestEffort",
        "PriorityClass" => {
            let class = str_at(pod, &["spec", "priorityClassName"]).unwrap_or("");
            match req.operator.as_str() {
                "Exists" => !class.is_empty(),
                "DoesNotExist" => class.is_empty(),
                "In" => !class.is_empty() && req.values.iter().any(|v| v == class),
                "NotIn" => class.is_empty() || !req.values.iter().any(|v| v == class),
                _ => false,
            }
        }
        "CrossNamespacePodAffinity" => uses_cross_namespace_affinity(pod),
        _ => false,
    }
}

fn scopes_match(quota: &Value, obj: &Value) -> bool {
    scope_requirements(quota)
        .iter()
        .all(|r| scope_matches(r, obj))
}

/// The names of a quota's `status.hard`.
fn hard_names(quota: &Value) -> Vec<String> {
    resource_list::names(&parse_list(path(quota, &["status", "hard"])))
}

/// `Evaluator.Matches`: the quota constrains a resource this object's evaluator tracks, and
/// every scope of the quota matches the object.
pub fn quota_matches(quota: &Value, obj: &Value) -> bool {
    let Some(info) = kind_info(obj) else {
        return false;
    };
    hard_names(quota).iter().any(|n| tracks(info, n)) && scopes_match(quota, obj)
}

/// The objects of `workspace` in the quota's namespace of the kinds its `spec.hard` tracks
/// (what `CalculateUsage` lists through the evaluators).
pub fn objects_for(store: &crate::store::Store, workspace: &str, quota: &Value) -> Vec<Value> {
    let hard = parse_list(path(quota, &["spec", "hard"]));
    let ns = object::namespace(quota);
    let mut resources: BTreeSet<&str> = BTreeSet::new();
    for info in crate::api::kinds::KINDS {
        if info.namespaced && hard.keys().any(|n| tracks(info, n)) {
            resources.insert(info.resource);
        }
    }
    resources
        .into_iter()
        .flat_map(|r| store.list(workspace, r, Some(ns)).map(|(_, v)| v.clone()))
        .collect()
}

/// The quota's status as the quota controller computes it (`syncResourceQuota`,
/// `CalculateUsage`): `hard` from the spec, `used` summed over the matching `objects` of the
/// quota's namespace for every tracked hard resource (zero when nothing uses it).
pub fn quota_status(quota: &Value, objects: &[Value], now_ms: i64) -> Value {
    let hard = parse_list(path(quota, &["spec", "hard"]));
    let ns = object::namespace(quota);
    let mut tracked: BTreeSet<String> = BTreeSet::new();
    let mut used = ResourceList::new();
    for name in hard.keys() {
        let known = crate::api::kinds::KINDS.iter().any(|i| tracks(i, name));
        if known || name.starts_with("count/") {
            tracked.insert(name.clone());
            used.insert(name.clone(), Amount::default());
        }
    }
    for obj in objects.iter().filter(|o| object::namespace(o) == ns) {
        if !scopes_match(quota, obj) {
            continue;
        }
        let u = usage(obj, now_ms);
        for (k, v) in u {
            if tracked.contains(&k) {
                let e = used.entry(k).or_default();
                *e = *e + v;
            }
        }
    }
    let mut status = Map::new();
    status.insert("hard", resource_list::to_value(&hard));
    status.insert("used", resource_list::to_value(&used));
    Value::Object(status)
}

/// `prettyPrint`: `name=quantity` pairs, sorted by name, joined by commas.
fn pretty(list: &ResourceList) -> String {
    list.iter()
        .map(|(k, v)| format!("{k}={}", v.text()))
        .collect::<Vec<_>>()
        .join(",")
}

/// The container-level resources a quota may require (`validationSet`).
const VALIDATION_SET: [&str; 6] = [
    "cpu",
    "memory",
    "requests.cpu",
    "requests.memory",
    "limits.cpu",
    "limits.memory",
];

/// The pod evaluator's `Constraints`: when a quota constrains cpu or memory, every container
/// (and init container) must state them. Pod-level `resources` stand in for the containers'
/// for the resources they set.
fn pod_constraints(required: &[String], pod: &Value) -> Result<(), String> {
    let required: BTreeSet<&str> = required
        .iter()
        .map(String::as_str)
        .filter(|r| VALIDATION_SET.contains(r))
        .collect();
    if required.is_empty() {
        return Ok(());
    }
    let pod_level = compute_usage(
        &parse_list(path(pod, &["spec", "resources", "requests"])),
        &parse_list(path(pod, &["spec", "resources", "limits"])),
    );
    let mut missing: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let spec = pod.get("spec").unwrap_or(&Value::Null);
    for c in array_at(spec, &["containers"])
        .iter()
        .chain(array_at(spec, &["initContainers"]))
    {
        let have = compute_usage(
            &parse_list(path(c, &["resources", "requests"])),
            &parse_list(path(c, &["resources", "limits"])),
        );
        for r in &required {
            if !have.contains_key(*r) && !pod_level.contains_key(*r) {
                missing.entry(r).or_default().insert(
                    c.get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                );
            }
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let parts: Vec<String> = missing
        .iter()
        .map(|(r, names)| {
            format!(
                "{r} for: {}",
                names.iter().cloned().collect::<Vec<_>>().join(",")
            )
        })
        .collect();
    Err(format!("must specify {}", parts.join("; ")))
}

/// The ResourceQuota admission plugin on a create (`old` `None`) or update of `obj` in a
/// namespace with `quotas`: `Ok` with the quotas whose `status.used` grew (to persist), or
/// the 403 upstream returns (`exceeded quota: …`, `failed quota: …`, `status unknown for quota: …`).
pub fn admit(
    obj: &Value,
    old: Option<&Value>,
    quotas: &[Value],
    now_ms: i64,
) -> Result<Vec<Value>, Status> {
    let Some(info) = kind_info(obj) else {
        return Ok(vec![]);
    };
    let forbidden = |msg: String| Status::forbidden(info, admission_name(obj), msg);
    let mut interesting = Vec::new();
    for (i, quota) in quotas.iter().enumerate() {
        if !quota_matches(quota, obj) {
            continue;
        }
        let restricted: Vec<String> = hard_names(quota)
            .into_iter()
            .filter(|n| tracks(info, n))
            .collect();
        if info.plural == "pods" && info.group.is_empty() {
            if let Err(e) = pod_constraints(&restricted, obj) {
                return Err(forbidden(format!(
                    "failed quota: {}: {e}",
                    object::name(quota)
                )));
            }
        }
        let used = parse_list(path(quota, &["status", "used"]));
        let unknown: Vec<&str> = restricted
            .iter()
            .filter(|r| !used.contains_key(*r))
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            return Err(forbidden(format!(
                "status unknown for quota: {}, resources: {}",
                object::name(quota),
                restricted.join(",")
            )));
        }
        interesting.push(i);
    }
    if interesting.is_empty() {
        return Ok(vec![]);
    }
    let mut delta = usage(obj, now_ms);
    let negative: Vec<&str> = delta
        .iter()
        .filter(|(_, v)| v.quantity.is_negative())
        .map(|(k, _)| k.as_str())
        .collect();
    if !negative.is_empty() {
        return Err(forbidden(format!(
            "quota usage is negative for resource(s): {}",
            negative.join(",")
        )));
    }
    if let Some(old) = old.filter(|o| str_at(o, &["metadata", "resourceVersion"]).is_some()) {
        // SubtractWithNonNegativeResult: charge only the growth.
        let prev = usage(old, now_ms);
        for (k, v) in delta.iter_mut() {
            if let Some(p) = prev.get(k) {
                let d = *v - *p;
                *v = if d.quantity.is_negative() {
                    Amount::default()
                } else {
                    d
                };
            }
        }
    }
    delta.retain(|_, v| !v.is_zero());
    if delta.is_empty() {
        return Ok(vec![]);
    }
    let mut out = Vec::new();
    for i in interesting {
        let quota = &quotas[i];
        let hard = parse_list(path(quota, &["status", "hard"]));
        let used = parse_list(path(quota, &["status", "used"]));
        let requested = resource_list::mask(&delta, &resource_list::names(&hard));
        let new_used = resource_list::add(&used, &requested);
        let exceeded: Vec<String> = requested
            .keys()
            .filter(|k| {
                let (Some(n), Some(h)) = (new_used.get(*k), hard.get(*k)) else {
                    return false;
                };
                n.quantity > h.quantity
            })
            .cloned()
            .collect();
        if !exceeded.is_empty() {
            return Err(forbidden(format!(
                "exceeded quota: {}, requested: {}, used: {}, limited: {}",
                object::name(quota),
                pretty(&resource_list::mask(&requested, &exceeded)),
                pretty(&resource_list::mask(&used, &exceeded)),
                pretty(&resource_list::mask(&hard, &exceeded)),
            )));
        }
        let mut q = quota.clone();
        crate::api::object::set_path(
            &mut q,
            &["status", "used"],
            resource_list::to_value(&new_used),
        );
        out.push(q);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn quota(name: &str, hard: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "ResourceQuota",
               "metadata": {"namespace": "quota-mem-cpu-example", "name": name},
               "spec": {"hard": hard}})
    }

    fn with_status(mut q: Value, objects: &[Value]) -> Value {
        q["status"] = quota_status(&q, objects, 0);
        q
    }

    fn pod(name: &str, requests: Value, limits: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "Pod",
               "metadata": {"namespace": "quota-mem-cpu-example", "name": name, "resourceVersion": "1"},
               "spec": {"containers": [{"name": format!("{name}-ctr"), "image": "nginx",
                         "resources": {"requests": requests, "limits": limits}}]},
               "status": {"phase": "Running"}})
    }

    /// kubernetes.io "Configure Memory and CPU Quotas for a Namespace": quota-mem-cpu.yaml,
    /// quota-mem-cpu-pod.yaml and quota-mem-cpu-pod-2.yaml, with the status and the refusal
    /// the page shows.
    #[test]
    fn docs_memory_and_cpu_quota() {
        let q = quota(
            "mem-cpu-demo",
            json!({"requests.cpu": "1", "requests.memory": "1Gi", "limits.cpu": "2", "limits.memory": "2Gi"}),
        );
        let first = pod(
            "quota-mem-cpu-demo",
            json!({"memory": "600Mi", "cpu": "400m"}),
            json!({"memory": "800Mi", "cpu": "800m"}),
        );
        let q = with_status(q, std::slice::from_ref(&first));
        assert_eq!(
            q["status"]["hard"],
            json!({"limits.cpu": "2", "limits.memory": "2Gi", "requests.cpu": "1", "requests.memory": "1Gi"})
        );
        assert_eq!(
            q["status"]["used"],
            json!({"limits.cpu": "800m", "limits.memory": "800Mi", "requests.cpu": "400m", "requests.memory": "600Mi"})
        );

        let mut second = pod(
            "quota-mem-cpu-demo-2",
            json!({"memory": "700Mi", "cpu": "400m"}),
            json!({"memory": "1Gi", "cpu": "800m"}),
        );
        second["metadata"]
            .as_object_mut()
            .unwrap()
            .remove("resourceVersion");
        let e = admit(&second, None, std::slice::from_ref(&q), 0).unwrap_err();
        assert_eq!(e.code, 403);
        assert_eq!(e.reason, "Forbidden");
        assert_eq!(e.message, "pods \"quota-mem-cpu-demo-2\" is forbidden: exceeded quota: mem-cpu-demo, requested: requests.memory=700Mi, used: requests.memory=600Mi, limited: requests.memory=1Gi");

        // A pod that fits is admitted and the usage grows.
        let small = pod(
            "small",
            json!({"memory": "100Mi", "cpu": "100m"}),
            json!({"memory": "100Mi", "cpu": "100m"}),
        );
        let updated = admit(&small, None, std::slice::from_ref(&q), 0).unwrap();
        assert_eq!(updated[0]["status"]["used"]["requests.memory"], "700Mi");
        assert_eq!(updated[0]["status"]["used"]["requests.cpu"], "500m");

        // Every container must state what the quota constrains.
        let bare = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"namespace": "quota-mem-cpu-example", "generateName": "web-"},
                          "spec": {"containers": [{"name": "app", "resources": {"requests": {"memory": "1Mi", "cpu": "1m"}, "limits": {"memory": "1Mi"}}},
                                                  {"name": "side", "resources": {"requests": {"memory": "1Mi", "cpu": "1m"}}}]}});
        let e = admit(&bare, None, &[q], 0).unwrap_err();
        assert_eq!(e.message, "pods \"web-\" is forbidden: failed quota: mem-cpu-demo: must specify limits.cpu for: app,side; limits.memory for: side");
    }

    /// kubernetes.io "Configure a Pod Quota for a Namespace" (quota-pod.yaml: pods: "2"): the
    /// ReplicaSet's third pod is refused with the message its FailedCreate condition shows.
    #[test]
    fn docs_pod_quota() {
        let running: Vec<Value> = (0..2)
            .map(|i| pod(&format!("pod-quota-demo-{i}"), json!({}), json!({})))
            .collect();
        let q = with_status(quota("pod-demo", json!({"pods": "2"})), &running);
        assert_eq!(q["status"]["used"], json!({"pods": "2"}));
        let third = json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"namespace": "quota-mem-cpu-example", "generateName": "pod-quota-demo-1650323038-"},
            "spec": {"containers": [{"name": "pod-quota-demo", "image": "nginx"}]}});
        let e = admit(&third, None, std::slice::from_ref(&q), 0).unwrap_err();
        assert_eq!(e.message, "pods \"pod-quota-demo-1650323038-\" is forbidden: exceeded quota: pod-demo, requested: pods=1, used: pods=2, limited: pods=2");
        // Terminal pods stop counting against `pods`, but not against `count/pods`.
        let mut done = running[0].clone();
        done["status"]["phase"] = json!("Succeeded");
        let q2 = with_status(
            quota("pod-demo", json!({"pods": "2", "count/pods": "5"})),
            &[done, running[1].clone()],
        );
        assert_eq!(
            q2["status"]["used"],
            json!({"count/pods": "2", "pods": "1"})
        );
    }

    #[test]
    fn status_unknown_until_the_controller_fills_it() {
        let mut q = quota("q", json!({"pods": "2"}));
        q["status"] = json!({"hard": {"pods": "2"}});
        let e = admit(&pod("p", json!({}), json!({})), None, &[q], 0).unwrap_err();
        assert_eq!(
            e.message,
            "pods \"p\" is forbidden: status unknown for quota: q, resources: pods"
        );
        // No status at all: the quota constrains nothing yet (as upstream).
        assert!(admit(
            &pod("p", json!({}), json!({})),
            None,
            &[quota("q", json!({"pods": "0"}))],
            0
        )
        .unwrap()
        .is_empty());
    }

    #[test]
    fn scopes() {
        let objects = vec![
            pod("besteffort", json!({}), json!({})),
            pod("burstable", json!({"cpu": "1"}), json!({})),
        ];
        let mut be = quota("be", json!({"pods": "10"}));
        be["spec"]["scopes"] = json!(["BestEffort"]);
        assert_eq!(
            with_status(be, &objects)["status"]["used"],
            json!({"pods": "1"})
        );
        let mut nbe = quota("nbe", json!({"pods": "10", "requests.cpu": "4"}));
        nbe["spec"]["scopes"] = json!(["NotBestEffort"]);
        assert_eq!(
            with_status(nbe, &objects)["status"]["used"],
            json!({"pods": "1", "requests.cpu": "1"})
        );

        let mut high = objects[1].clone();
        high["spec"]["priorityClassName"] = json!("high");
        let mut pc = quota("pc", json!({"pods": "10"}));
        pc["spec"]["scopeSelector"] = json!({"matchExpressions": [{"scopeName": "PriorityClass", "operator": "In", "values": ["high"]}]});
        assert_eq!(
            with_status(pc.clone(), &[high.clone(), objects[0].clone()])["status"]["used"],
            json!({"pods": "1"})
        );

        let mut term = high.clone();
        term["spec"]["activeDeadlineSeconds"] = json!(30);
        let mut t = quota("t", json!({"pods": "10"}));
        t["spec"]["scopes"] = json!(["Terminating"]);
        assert_eq!(
            with_status(t, &[term, high])["status"]["used"],
            json!({"pods": "1"})
        );

        // A scoped quota does not apply to other kinds.
        let svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"namespace": "quota-mem-cpu-example", "name": "s"}, "spec": {}});
        let mut scoped = with_status(quota("s", json!({"services": "0"})), &[]);
        scoped["spec"]["scopes"] = json!(["BestEffort"]);
        assert!(admit(&svc, None, &[scoped], 0).unwrap().is_empty());
    }

    #[test]
    fn storage_and_services_and_object_counts() {
        let pvc = |name: &str, class: &str, size: &str| {
            json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": {"namespace": "quota-mem-cpu-example", "name": name},
            "spec": {"storageClassName": class, "resources": {"requests": {"storage": size}}}})
        };
        let q = with_status(
            quota(
                "storage",
                json!({"requests.storage": "10Gi", "persistentvolumeclaims": "5",
                                    "gold.storageclass.storage.k8s.io/requests.storage": "5Gi",
                                    "gold.storageclass.storage.k8s.io/persistentvolumeclaims": "1"}),
            ),
            &[pvc("a", "gold", "4Gi"), pvc("b", "bronze", "1Gi")],
        );
        assert_eq!(
            q["status"]["used"],
            json!({"gold.storageclass.storage.k8s.io/persistentvolumeclaims": "1",
            "gold.storageclass.storage.k8s.io/requests.storage": "4Gi", "persistentvolumeclaims": "2", "requests.storage": "5Gi"})
        );
        let e = admit(&pvc("c", "gold", "2Gi"), None, &[q], 0).unwrap_err();
        assert_eq!(e.message, "persistentvolumeclaims \"c\" is forbidden: exceeded quota: storage, requested: gold.storageclass.storage.k8s.io/persistentvolumeclaims=1,gold.storageclass.storage.k8s.io/requests.storage=2Gi, used: gold.storageclass.storage.k8s.io/persistentvolumeclaims=1,gold.storageclass.storage.k8s.io/requests.storage=4Gi, limited: gold.storageclass.storage.k8s.io/persistentvolumeclaims=1,gold.storageclass.storage.k8s.io/requests.storage=5Gi");

        let lb = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"namespace": "quota-mem-cpu-example", "name": "lb"},
                        "spec": {"type": "LoadBalancer", "ports": [{"port": 80}, {"port": 443}]}});
        let u = service_usage(&lb);
        assert_eq!(
            (
                u["services.loadbalancers"].text(),
                u["services.nodeports"].text()
            ),
            ("1".into(), "2".into())
        );
        let q = with_status(quota("svc", json!({"services.loadbalancers": "0"})), &[]);
        let e = admit(&lb, None, &[q], 0).unwrap_err();
        assert_eq!(e.message, "services \"lb\" is forbidden: exceeded quota: svc, requested: services.loadbalancers=1, used: services.loadbalancers=0, limited: services.loadbalancers=0");

        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"namespace": "quota-mem-cpu-example", "name": "c"}});
        let deploy = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"namespace": "quota-mem-cpu-example", "name": "d"}});
        let q = with_status(
            quota(
                "objects",
                json!({"configmaps": "1", "count/deployments.apps": "1"}),
            ),
            &[cm.clone(), deploy.clone()],
        );
        assert_eq!(
            q["status"]["used"],
            json!({"configmaps": "1", "count/deployments.apps": "1"})
        );
        assert_eq!(admit(&deploy, None, &[q], 0).unwrap_err().message,
            "deployments.apps \"d\" is forbidden: exceeded quota: objects, requested: count/deployments.apps=1, used: count/deployments.apps=1, limited: count/deployments.apps=1");
    }

    #[test]
    fn pod_level_resources_and_overhead_count() {
        let mut p = pod("p", json!({"cpu": "100m"}), json!({"cpu": "200m"}));
        p["spec"]["resources"] = json!({"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "2", "memory": "1Gi"}});
        p["spec"]["overhead"] = json!({"cpu": "250m", "memory": "120Mi"});
        let u = pod_usage(&p, 0);
        assert_eq!(u["requests.cpu"].text(), "1250m");
        assert_eq!(u["requests.memory"].text(), "1144Mi");
        assert_eq!(u["limits.cpu"].text(), "2250m");
        // Pod-level resources satisfy the container constraint.
        let q = with_status(quota("q", json!({"limits.memory": "4Gi"})), &[]);
        let mut p2 = p.clone();
        p2["metadata"]["name"] = json!("p2");
        assert!(admit(&p2, None, &[q], 0).is_ok());
    }
}
