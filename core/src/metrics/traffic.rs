//! Traffic you can see: how a `LoadProfile`'s requests fare on the pods that serve them.
//!
//! A pod's serving container has a CPU capacity: its CPU limit, else its node's allocatable CPU.
//! Its utilization `ρ` is its steady CPU plus the demand of everything it serves over that
//! capacity. Requests take `perRequest.latency / (1 − min(ρ, 0.95))` (queueing: latency rises
//! as the pod saturates, twenty times the idle latency at most); beyond the capacity the share
//! of requests its CPU cannot serve fails (errors). With no ready endpoint every request is
//! dropped.
use super::resource::{scrape_time, DemandCache};
use crate::api::object::{self, array_at};
use crate::api::resources::node_allocatable;
use crate::api::Value;
use crate::kubelet::behaviour::{self, Annotations, Behaviour, Kind};
use crate::server::ROOT;
use crate::sim::load::{PodDemand, Profile};
use crate::store::{Key, Store};

/// The highest utilization latency is computed at (twenty times the idle latency).
pub const MAX_UTILIZATION: f64 = 0.95;

/// How one pod serves its demand.
#[derive(Debug, Clone, PartialEq)]
pub struct PodTraffic {
    /// The pod's name.
    pub pod: String,
    /// Requests per second it receives (from every profile).
    pub rps: f64,
    /// Requests per second that fail (its CPU cannot keep up).
    pub error_rps: f64,
    /// Mean latency of its requests, ms.
    pub latency_ms: f64,
    /// CPU wanted over capacity (above 1: saturated).
    pub utilization: f64,
    /// The serving container's CPU capacity, millicores (its limit, else the node's).
    pub capacity_milli_cpu: i64,
}

/// How `pod` serves `demand`.
pub fn serve(store: &Store, pod: &Value, demand: &PodDemand) -> PodTraffic {
    let serving = behaviour::serving_container(pod, demand);
    let container = array_at(pod, &["spec", "containers"])
        .iter()
        .find(|c| c["name"].as_str() == Some(serving.as_str()));
    let base = Behaviour::of(&Annotations::of(pod), &serving, Kind::Regular).milli_cpu;
    let capacity = container.and_then(behaviour::cpu_limit).unwrap_or_else(|| {
        crate::api::pod::node_name(pod)
            .and_then(|n| store.get(&Key::new(ROOT, "nodes", "", n)))
            .map_or(0, |n| node_allocatable(n).milli_cpu)
    });
    let want = base as f64 + demand.milli_cpu;
    let utilization = if capacity > 0 {
        want / capacity as f64
    } else {
        0.0
    };
    // The share of the demand's CPU the pod can give.
    let served = if demand.milli_cpu > 0.0 && capacity > 0 && want > capacity as f64 {
        ((capacity - base).max(0) as f64 / demand.milli_cpu).clamp(0.0, 1.0)
    } else {
        1.0
    };
    PodTraffic {
        pod: object::name(pod).to_string(),
        rps: demand.rps,
        error_rps: demand.rps * (1.0 - served),
        latency_ms: demand.latency_ms / (1.0 - utilization.min(MAX_UTILIZATION)),
        utilization,
        capacity_milli_cpu: capacity,
    }
}

/// A profile's traffic at one instant.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileTraffic {
    /// Requests per second sent.
    pub demand_rps: f64,
    /// Ready endpoints receiving them.
    pub endpoints: usize,
    /// Each endpoint's share, requests per second.
    pub per_pod_rps: f64,
    /// Requests per second dropped (no ready endpoint).
    pub dropped_rps: f64,
    /// Requests per second that fail on saturated endpoints.
    pub error_rps: f64,
    /// Mean latency of the served requests, ms (0 when none).
    pub latency_ms: f64,
    /// Per endpoint.
    pub pods: Vec<PodTraffic>,
}

impl ProfileTraffic {
    /// The share of sent requests that fail or are dropped.
    pub fn error_rate(&self) -> f64 {
        if self.demand_rps > 0.0 {
            ((self.error_rps + self.dropped_rps) / self.demand_rps).clamp(0.0, 1.0)
        } else {
            0.0
        }
    }
}

/// The traffic of LoadProfile `obj` (of `ws`) at the scrape before `now_ms`.
pub fn profile_traffic(store: &Store, ws: &str, obj: &Value, now_ms: i64) -> ProfileTraffic {
    let (p, _) = Profile::parse(obj);
    let ns = object::namespace(obj);
    let ts = scrape_time(now_ms);
    let t = p.traffic(store, ws, ns, ts);
    let mut cache = DemandCache::default();
    let mut pods = Vec::new();
    let (mut errors, mut weighted_latency) = (0.0, 0.0);
    for name in &t.endpoints {
        let Some(pod) = store.get(&Key::new(ws, "pods", ns, name)) else {
            continue;
        };
        let Some(d) = cache.get(store, ws, pod, now_ms) else {
            continue;
        };
        let pt = serve(store, pod, &d);
        // This profile's part of the pod's requests fails in the same proportion.
        let fail = if pt.rps > 0.0 {
            pt.error_rps / pt.rps
        } else {
            0.0
        };
        errors += t.per_pod_rps * fail;
        weighted_latency += t.per_pod_rps * pt.latency_ms;
        pods.push(pt);
    }
    let sent = t.per_pod_rps * t.endpoints.len() as f64;
    ProfileTraffic {
        demand_rps: t.demand_rps,
        endpoints: t.endpoints.len(),
        per_pod_rps: t.per_pod_rps,
        dropped_rps: t.dropped_rps,
        error_rps: errors,
        latency_ms: if sent > 0.0 {
            weighted_latency / sent
        } else {
            0.0
        },
        pods,
    }
}
