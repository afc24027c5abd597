//! The simulated world's own loops (kplane's, not Kubernetes'): they keep the status of the
//! `sim.kplane.dev` inputs current, so users, `kubectl get` and the charts see the demand.
//!
//! - [`LoadProfileController`]: a LoadProfile's current traffic (requests per second, ready
//!   endpoints, per-pod share, error rate, latency) and its totals (served, failed, dropped
//!   requests), refreshed at every metrics scrape (15 s) and whenever its endpoints change.
//! - [`QueueController`]: a Queue's depth, lag, rates and totals (`sim::queue`), refreshed
//!   the same way and whenever its consumers change.
//!
//! Totals are accounted from the status they wrote last (the endpoint count and error rate of
//! that instant hold until the next write), so a snapshot or a clone continues identically.
use crate::api::object::{i64_at, str_at};
use crate::api::Value;
use crate::json;
use crate::metrics::resource::{scrape_time, RESOLUTION_MS};
use crate::metrics::traffic::profile_traffic;
use crate::runtime::{all_keys, Action, Controller};
use crate::server::Server;
use crate::sim::load::{Profile, LOAD_PROFILES};
use crate::sim::queue::{observe, round3, QueueSpec, QUEUES};
use crate::sim::{format_rfc3339, parse_rfc3339};
use crate::store::{Key, Store, WatchEvent};

/// The field manager of the simulation's writes.
pub const SIMULATOR: &str = "kplane-simulator";

/// Until the next scrape.
fn next_scrape(now: i64) -> Action {
    Action::RequeueAfter(scrape_time(now) + RESOLUTION_MS - now)
}

/// Keys of the objects of `resource` in the event's namespace for which `concerned` holds.
fn in_namespace(
    store: &Store,
    e: &WatchEvent,
    resource: &str,
    out: &mut Vec<Key>,
    concerned: impl Fn(&Value) -> bool,
) {
    for (k, o) in store.list(&e.key.workspace, resource, Some(&e.key.namespace)) {
        if concerned(o) {
            out.push(k.clone());
        }
    }
}

/// Refreshes each LoadProfile's status.
#[derive(Debug, Default)]
pub struct LoadProfileController;

impl Controller for LoadProfileController {
    fn name(&self) -> &'static str {
        "loadprofile-controller"
    }
    fn manager(&self) -> &'static str {
        SIMULATOR
    }
    fn watches(&self) -> &'static [&'static str] {
        &[
            LOAD_PROFILES,
            "pods",
            "services",
            "endpointslices.discovery.k8s.io",
        ]
    }
    fn keys(&self, store: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        match &*e.key.resource {
            LOAD_PROFILES => out.push(e.key.clone()),
            "pods" => in_namespace(store, e, LOAD_PROFILES, out, |o| {
                Profile::parse(o)
                    .0
                    .target
                    .is_some_and(|t| t.selects(store, &e.key.workspace, &e.object))
            }),
            resource => {
                let service = if resource == "services" {
                    e.key.name.to_string()
                } else {
                    str_at(
                        &e.object,
                        &["metadata", "labels", "kubernetes.io/service-name"],
                    )
                    .unwrap_or("")
                    .to_string()
                };
                in_namespace(store, e, LOAD_PROFILES, out, |o| {
                    Profile::parse(o)
                        .0
                        .target
                        .is_some_and(|t| t.kind == "Service" && t.name == service)
                })
            }
        }
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        all_keys(store, LOAD_PROFILES, out);
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        let Some(obj) = s.store.get(key).cloned() else {
            return Action::AwaitChange;
        };
        let now = s.clock.now_ms();
        let status = profile_status(&s.store, &key.workspace, &obj, now);
        if obj.get("status") != Some(&status) {
            let mut o = obj.clone();
            o["status"] = status;
            let _ = s.update_status(&key.workspace, &o);
        }
        next_scrape(now)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// A LoadProfile's status at `now`: its totals accounted through the last whole second with
/// the endpoints and error rate of its previous status, then its current traffic.
pub fn profile_status(store: &Store, ws: &str, obj: &Value, now: i64) -> Value {
    let (p, _) = Profile::parse(obj);
    let old = &obj["status"];
    let from = str_at(old, &["time"])
        .and_then(parse_rfc3339)
        .unwrap_or(p.start_ms)
        .div_euclid(1000)
        * 1000;
    let to = (now.div_euclid(1000) * 1000).max(from);
    let total = |k: &str| i64_at(old, &[k]).unwrap_or(0).max(0);
    let (mut served, mut failed, mut dropped) = (
        total("servedRequests"),
        total("failedRequests"),
        total("droppedRequests"),
    );
    let count = p.requests.count(p.start_ms, from, to);
    if i64_at(old, &["readyEndpoints"]).unwrap_or(0) > 0 {
        served = served.saturating_add(count);
        let rate = old["errorRate"].as_f64().unwrap_or(0.0).clamp(0.0, 1.0);
        failed = failed.saturating_add((count as f64 * rate).round() as i64);
    } else {
        dropped = dropped.saturating_add(count);
    }
    let t = profile_traffic(store, ws, obj, now);
    json!({
        "requestsPerSecond": round3(t.demand_rps),
        "readyEndpoints": t.endpoints,
        "perPodRequestsPerSecond": round3(t.per_pod_rps),
        "errorRate": round3(t.error_rate()),
        "latencyMilliseconds": round3(t.latency_ms),
        "servedRequests": served,
        "failedRequests": failed,
        "droppedRequests": dropped,
        "time": format_rfc3339(to),
    })
}

/// Refreshes each Queue's status.
#[derive(Debug, Default)]
pub struct QueueController;

impl Controller for QueueController {
    fn name(&self) -> &'static str {
        "queue-controller"
    }
    fn manager(&self) -> &'static str {
        SIMULATOR
    }
    fn watches(&self) -> &'static [&'static str] {
        &[QUEUES, "pods"]
    }
    fn keys(&self, store: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        if &*e.key.resource == QUEUES {
            out.push(e.key.clone());
            return;
        }
        in_namespace(store, e, QUEUES, out, |o| {
            QueueSpec::parse(o)
                .0
                .consumer
                .is_some_and(|c| c.selects(store, &e.key.workspace, &e.object))
        });
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        all_keys(store, QUEUES, out);
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        let Some(obj) = s.store.get(key).cloned() else {
            return Action::AwaitChange;
        };
        let now = s.clock.now_ms();
        let (spec, _) = QueueSpec::parse(&obj);
        let consumers = spec.consumer.as_ref().map_or(0, |c| {
            c.ready_pods(&s.store, &key.workspace, &key.namespace).len() as i64
        });
        let status = observe(&obj, &spec, consumers, now).status(&spec, now);
        if obj.get("status") != Some(&status) {
            let mut o = obj.clone();
            o["status"] = status;
            let _ = s.update_status(&key.workspace, &o);
        }
        next_scrape(now)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}
