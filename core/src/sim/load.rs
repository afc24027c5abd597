//! Simulated demand (`sim.kplane.dev/v1alpha1`): `LoadProfile`, requests per second over virtual
//! time aimed at a Service or a workload, and how it spreads over the pods that serve it.
//!
//! - A profile aimed at a **Service** is spread evenly over the Service's ready endpoints: the
//!   endpoints of its EndpointSlices that are `ready` when the Service has slices, else the
//!   ready pods its selector matches. A profile aimed at a **workload** (Deployment, ReplicaSet,
//!   StatefulSet, ReplicationController) goes to the ready pods its selector matches. A pod that
//!   is not ready (or is terminating) gets no share; with no ready endpoint every request is
//!   dropped (and counted in the profile's status).
//! - Each request costs `perRequest.cpu` of CPU time (`5m`: 100 requests per second use 500m)
//!   and holds `perRequest.memory` per request per second; the serving container
//!   (`spec.container`, else the pod's first container) uses its share on top of its steady
//!   use. Throttling at the CPU limit and OOM kills above the memory limit follow from that
//!   (the kubelet and the metrics pipeline apply them).
//! - [`Queue`](super::queue) consumers add the CPU their messages cost the same way.
//!
//! Everything here is a pure function of the store and the instant: nothing is kept, so
//! snapshots and clones see the same load.
use super::queue::{self, QueueSpec};
use super::rate::{duration_value, Rate, SpecError};
use crate::api::object::{self, array_at, path, str_at};
use crate::api::quantity::Quantity;
use crate::api::{Selector, Value};
use crate::json;
use crate::sim::parse_rfc3339;
use crate::store::Store;
use std::collections::BTreeMap;

/// The store resource of LoadProfiles.
pub const LOAD_PROFILES: &str = "loadprofiles.sim.kplane.dev";
/// A request's service time when the pod is idle, unless `perRequest.latency` says otherwise.
pub const DEFAULT_LATENCY_MS: f64 = 10.0;
/// The kinds a profile or a queue may aim at.
pub const TARGET_KINDS: &[&str] = &[
    "Service",
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "ReplicationController",
];

/// What a LoadProfile sends to or a Queue is consumed by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// `Service`, `Deployment`, ...
    pub kind: String,
    /// The object's name (in the profile's namespace).
    pub name: String,
}

impl Target {
    /// Reads `{kind, name}` (an `apiVersion` is accepted and not needed).
    pub fn parse(v: Option<&Value>, field: &str, errs: &mut Vec<SpecError>) -> Option<Target> {
        let Some(v) = v.filter(|v| !v.is_null()) else {
            errs.push(SpecError::required(field, ""));
            return None;
        };
        let kind = v["kind"].as_str().unwrap_or("");
        let name = v["name"].as_str().unwrap_or("");
        let mut ok = true;
        if kind.is_empty() {
            errs.push(SpecError::required(format!("{field}.kind"), ""));
            ok = false;
        } else if !TARGET_KINDS.contains(&kind) {
            errs.push(SpecError::invalid(
                format!("{field}.kind"),
                &v["kind"],
                format!("supported values: {}", TARGET_KINDS.join(", ")),
            ));
            ok = false;
        }
        if name.is_empty() {
            errs.push(SpecError::required(format!("{field}.name"), ""));
            ok = false;
        }
        ok.then(|| Target {
            kind: kind.to_string(),
            name: name.to_string(),
        })
    }

    /// The store resource of the target's kind.
    pub fn resource(&self) -> &'static str {
        match self.kind.as_str() {
            "Service" => "services",
            "Deployment" => "deployments.apps",
            "ReplicaSet" => "replicasets.apps",
            "StatefulSet" => "statefulsets.apps",
            _ => "replicationcontrollers",
        }
    }

    /// The label selector of the target object, if it exists and has one.
    pub fn selector(&self, store: &Store, ws: &str, ns: &str) -> Option<Selector> {
        let obj = store.get(&crate::store::Key::new(ws, self.resource(), ns, &self.name))?;
        let sel = match self.kind.as_str() {
            "Service" | "ReplicationController" => {
                let m = path(obj, &["spec", "selector"])
                    .and_then(Value::as_object)
                    .filter(|m| !m.is_empty())?;
                json!({"matchLabels": Value::Object(m.clone())})
            }
            _ => path(obj, &["spec", "selector"])?.clone(),
        };
        Selector::from_label_selector(Some(&sel)).ok()
    }

    /// Whether `pod` is selected by the target (ready or not).
    pub fn selects(&self, store: &Store, ws: &str, pod: &Value) -> bool {
        self.selector(store, ws, object::namespace(pod))
            .is_some_and(|s| s.matches(&object::labels(pod)))
    }

    /// The pods that receive the target's traffic, by name: for a Service with EndpointSlices,
    /// the pods of its ready endpoints; otherwise the ready, not terminating pods its selector
    /// matches.
    pub fn ready_pods<'a>(&self, store: &'a Store, ws: &'a str, ns: &'a str) -> Vec<&'a Value> {
        if self.kind == "Service" {
            let slices: Vec<&Value> = store
                .list(ws, "endpointslices.discovery.k8s.io", Some(ns))
                .map(|(_, s)| s)
                .filter(|s| {
                    str_at(s, &["metadata", "labels", "kubernetes.io/service-name"])
                        == Some(self.name.as_str())
                })
                .collect();
            if !slices.is_empty() {
                let mut names: Vec<&str> = slices
                    .iter()
                    .flat_map(|s| array_at(s, &["endpoints"]))
                    .filter(|e| e["conditions"]["ready"].as_bool().unwrap_or(true))
                    .filter(|e| e["targetRef"]["kind"] == "Pod")
                    .filter_map(|e| e["targetRef"]["name"].as_str())
                    .collect();
                names.sort_unstable();
                names.dedup();
                return names
                    .into_iter()
                    .filter_map(|n| store.get(&crate::store::Key::new(ws, "pods", ns, n)))
                    .collect();
            }
        }
        let Some(sel) = self.selector(store, ws, ns) else {
            return Vec::new();
        };
        store
            .list(ws, "pods", Some(ns))
            .map(|(_, p)| p)
            .filter(|p| is_serving(p) && sel.matches(&object::labels(p)))
            .collect()
    }
}

/// Ready and not terminating: the pods an endpoint controller marks ready.
pub fn is_serving(pod: &Value) -> bool {
    crate::api::pod::is_ready(pod) && !object::is_terminating(pod)
}

/// A quantity field read as milli-units (CPU) or units (memory); a missing field is 0.
fn quantity(v: Option<&Value>, field: &str, errs: &mut Vec<SpecError>) -> Option<Quantity> {
    let v = v.filter(|v| !v.is_null())?;
    let text = match v {
        Value::String(s) => s.to_string(),
        Value::Number(_) => v.to_string(),
        _ => String::new(),
    };
    match Quantity::parse(&text) {
        Ok(q) if !q.is_negative() => Some(q),
        _ => {
            errs.push(SpecError::invalid(
                field,
                v,
                "must be a quantity, zero or more (such as \"5m\" or \"1Mi\")",
            ));
            None
        }
    }
}

/// The cost of one request (or message).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Cost {
    /// CPU time, millicore-seconds (`5m`).
    pub milli_cpu: f64,
    /// Memory held per request per second, bytes.
    pub memory: f64,
}

impl Cost {
    /// Reads `{cpu, memory}` at `field`.
    pub fn parse(v: Option<&Value>, field: &str, errs: &mut Vec<SpecError>) -> Cost {
        let v = v.filter(|v| !v.is_null());
        Cost {
            milli_cpu: quantity(v.and_then(|v| v.get("cpu")), &format!("{field}.cpu"), errs)
                .map_or(0.0, |q| q.milli() as f64),
            memory: quantity(
                v.and_then(|v| v.get("memory")),
                &format!("{field}.memory"),
                errs,
            )
            .map_or(0.0, |q| q.value() as f64),
        }
    }
}

/// When an object's rates start: `spec.startTime`, else its creation.
pub fn start_ms(obj: &Value) -> i64 {
    str_at(obj, &["spec", "startTime"])
        .or_else(|| str_at(obj, &["metadata", "creationTimestamp"]))
        .and_then(parse_rfc3339)
        .unwrap_or(0)
}

/// A LoadProfile as the simulation reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// The profile's name.
    pub name: String,
    /// Where the requests go.
    pub target: Option<Target>,
    /// The serving container (None: the pod's first container).
    pub container: Option<String>,
    /// Requests per second over time.
    pub requests: Rate,
    /// What one request costs.
    pub per_request: Cost,
    /// A request's service time when idle, milliseconds.
    pub latency_ms: f64,
    /// When the rates start.
    pub start_ms: i64,
}

impl Profile {
    /// Reads a LoadProfile; the errors are the validation's.
    pub fn parse(obj: &Value) -> (Profile, Vec<SpecError>) {
        let mut errs = Vec::new();
        let spec = obj.get("spec").unwrap_or(&Value::Null);
        let target = Target::parse(spec.get("target"), "spec.target", &mut errs);
        let (requests, e) = Rate::parse(spec.get("requests"), "spec.requests");
        errs.extend(e);
        let per_request = Cost::parse(spec.get("perRequest"), "spec.perRequest", &mut errs);
        let latency_ms = path(spec, &["perRequest", "latency"])
            .filter(|v| !v.is_null())
            .map_or(DEFAULT_LATENCY_MS, |v| {
                duration_value(v, "spec.perRequest.latency", &mut errs) as f64
            });
        if let Some(t) = spec.get("startTime").filter(|v| !v.is_null()) {
            if t.as_str().and_then(parse_rfc3339).is_none() {
                errs.push(SpecError::invalid(
                    "spec.startTime",
                    t,
                    "must be an RFC 3339 time",
                ));
            }
        }
        let container = spec
            .get("container")
            .and_then(Value::as_str)
            .filter(|c| !c.is_empty())
            .map(str::to_string);
        (
            Profile {
                name: object::name(obj).to_string(),
                target,
                container,
                requests,
                per_request,
                latency_ms,
                start_ms: start_ms(obj),
            },
            errs,
        )
    }
}

/// What a profile's traffic looks like at one instant.
#[derive(Debug, Clone, PartialEq)]
pub struct Traffic {
    /// Requests per second the profile sends.
    pub demand_rps: f64,
    /// The pods receiving it (names), in name order.
    pub endpoints: Vec<String>,
    /// Each endpoint's share, requests per second.
    pub per_pod_rps: f64,
    /// Requests per second dropped: no ready endpoint.
    pub dropped_rps: f64,
}

impl Profile {
    /// The traffic at `now_ms`, over the target's ready endpoints in `ws`/`ns`.
    pub fn traffic(&self, store: &Store, ws: &str, ns: &str, now_ms: i64) -> Traffic {
        let demand = self.requests.at(self.start_ms, now_ms);
        let endpoints: Vec<String> = self
            .target
            .as_ref()
            .map(|t| {
                t.ready_pods(store, ws, ns)
                    .into_iter()
                    .map(|p| object::name(p).to_string())
                    .collect()
            })
            .unwrap_or_default();
        let n = endpoints.len();
        Traffic {
            demand_rps: demand,
            per_pod_rps: if n == 0 { 0.0 } else { demand / n as f64 },
            dropped_rps: if n == 0 { demand } else { 0.0 },
            endpoints,
        }
    }
}

/// The demand on one pod from profiles and queues: extra use of one container, on top of the
/// container's steady use.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PodDemand {
    /// The container that serves (None: the pod's first container).
    pub container: Option<String>,
    /// Requests per second it receives (from profiles).
    pub rps: f64,
    /// Messages per second it consumes (from queues).
    pub messages_per_second: f64,
    /// CPU it wants for them, millicores.
    pub milli_cpu: f64,
    /// Memory it holds for them, bytes.
    pub memory: f64,
    /// The service time at idle of its requests (the highest of its profiles), ms.
    pub latency_ms: f64,
}

impl PodDemand {
    /// The extra CPU (millicores) and memory (bytes) the demand adds, rounded.
    pub fn extra(&self) -> (i64, i64) {
        let r = |x: f64| x.round().clamp(0.0, i64::MAX as f64) as i64;
        (r(self.milli_cpu), r(self.memory))
    }
}

/// The demand on every pod of `ws`/`ns` that serves a LoadProfile or consumes a Queue at
/// `now_ms`, by pod name. Empty (and cheap) when the namespace has neither.
pub fn namespace_demand(
    store: &Store,
    ws: &str,
    ns: &str,
    now_ms: i64,
) -> BTreeMap<String, PodDemand> {
    let mut out: BTreeMap<String, PodDemand> = BTreeMap::new();
    for (_, obj) in store.list(ws, LOAD_PROFILES, Some(ns)) {
        let (p, _) = Profile::parse(obj);
        let t = p.traffic(store, ws, ns, now_ms);
        for name in t.endpoints {
            let d = out.entry(name).or_default();
            d.container = d.container.take().or_else(|| p.container.clone());
            d.rps += t.per_pod_rps;
            d.milli_cpu += t.per_pod_rps * p.per_request.milli_cpu;
            d.memory += t.per_pod_rps * p.per_request.memory;
            d.latency_ms = d.latency_ms.max(p.latency_ms);
        }
    }
    for (_, obj) in store.list(ws, queue::QUEUES, Some(ns)) {
        let (q, _) = QueueSpec::parse(obj);
        let Some(consumer) = &q.consumer else {
            continue;
        };
        let pods = consumer.ready_pods(store, ws, ns);
        if pods.is_empty() {
            continue;
        }
        let state = queue::observe(obj, &q, pods.len() as i64, now_ms);
        let per_pod = state.consume_rate / pods.len() as f64;
        for p in pods {
            let d = out.entry(object::name(p).to_string()).or_default();
            d.container = d.container.take().or_else(|| q.container.clone());
            d.messages_per_second += per_pod;
            d.milli_cpu += per_pod * q.per_message.milli_cpu;
            d.memory += per_pod * q.per_message.memory;
        }
    }
    out
}

/// Whether `ws`/`ns` holds any LoadProfile or Queue (the cheap test before
/// [`namespace_demand`]).
pub fn has_demand(store: &Store, ws: &str, ns: &str) -> bool {
    store.list(ws, LOAD_PROFILES, Some(ns)).next().is_some()
        || store.list(ws, queue::QUEUES, Some(ns)).next().is_some()
}

/// The keys of the pods that receive demand in `ws`/`ns` (the ready pods of every LoadProfile
/// target and Queue consumer there).
pub fn demanded_pods(store: &Store, ws: &str, ns: &str, out: &mut Vec<crate::store::Key>) {
    let mut targets: Vec<Target> = store
        .list(ws, LOAD_PROFILES, Some(ns))
        .filter_map(|(_, o)| Profile::parse(o).0.target)
        .collect();
    targets.extend(
        store
            .list(ws, queue::QUEUES, Some(ns))
            .filter_map(|(_, o)| QueueSpec::parse(o).0.consumer),
    );
    for t in targets {
        for p in t.ready_pods(store, ws, ns) {
            out.push(crate::store::Key::new(ws, "pods", ns, object::name(p)));
        }
    }
}

/// The demand on one pod at `now_ms` (None when nothing sends to it).
pub fn pod_demand(store: &Store, ws: &str, pod: &Value, now_ms: i64) -> Option<PodDemand> {
    let ns = object::namespace(pod);
    if !has_demand(store, ws, ns) {
        return None;
    }
    namespace_demand(store, ws, ns, now_ms).remove(object::name(pod))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_profile_and_reports_bad_fields() {
        let (p, errs) = Profile::parse(&json!({
            "metadata": {"name": "web", "creationTimestamp": "2026-01-01T00:00:00Z"},
            "spec": {"target": {"kind": "Service", "name": "web"}, "requests": {"rps": 300},
                     "perRequest": {"cpu": "5m", "memory": "1Mi", "latency": "20ms"}}}));
        assert_eq!(errs, vec![]);
        assert_eq!(p.per_request.milli_cpu, 5.0);
        assert_eq!(p.per_request.memory, 1_048_576.0);
        assert_eq!(p.latency_ms, 20.0);
        assert_eq!(p.start_ms, 1_767_225_600_000);
        let (_, errs) = Profile::parse(&json!({"spec": {"target": {"kind": "Pod", "name": ""},
            "perRequest": {"cpu": "-1"}}}));
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "spec.target.kind",
                "spec.target.name",
                "spec.perRequest.cpu"
            ]
        );
    }
}
