//! The VerticalPodAutoscaler's recommender and updater (kubernetes/autoscaler
//! `vertical-pod-autoscaler/pkg/recommender`, `pkg/updater`), per key, on kplane's metrics.
//!
//! Every minute (`--recommender-interval`) the recommender feeds the usage of the target's pods
//! (metrics-server's CPU and working-set memory, one sample per container per loop, OOM kills as
//! memory bumps) into decaying histograms per container name ([`aggregate`]), and writes the
//! recommendation ([`recommend`], capped by the resource policy) with the
//! `RecommendationProvided` condition. Every minute (`--updater-interval`) the updater evicts,
//! through the Eviction API (so PodDisruptionBudgets are honoured), the pods whose requests are
//! outside the recommended range (or old and far enough from it), most urgent first, within the
//! eviction tolerance of their controller, when the mode is `Recreate`/`Auto`/`InPlaceOrRecreate`
//! (kplane does not resize in place: InPlaceOrRecreate evicts). The recommended requests reach
//! the new pods through the admission plugin (`server::admission_vpa`).
//!
//! The histograms and per-container sampling state are kept per VPA in memory, as the
//! recommender keeps its cluster state, and saved with the controller so snapshots and clones
//! continue identically.
//!
//! [`aggregate`]: super::aggregate
use super::aggregate::{AggregateContainerState, AggregationsConfig, ContainerState};
use super::histogram::HistogramOptions;
use super::recommender::{
    apply_policy, recommend, recommendation_status, states_under_policy, RecommendationConfig,
};
use super::spec::VpaSpec;
use super::updater::{
    can_evict, eviction_events, parse_recommendation, quick_oom, resource_list, should_update,
    sort_by_priority, update_priority, LastTermination, PodContainer, ReplicaGroup, UpdateConfig,
};
use crate::api::object::{self, array_at, str_at};
use crate::api::{Selector, Value};
use crate::json;
use crate::metrics::resource::{pod_metrics, DemandCache};
use crate::runtime::{all_keys, Action, Controller};
use crate::server::{EventType, Server};
use crate::sim::{format_rfc3339, parse_rfc3339};
use crate::store::{Key, Store, WatchEvent};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// `--recommender-interval` and `--updater-interval` (1 min).
pub const LOOP_INTERVAL_MS: i64 = 60_000;
/// The store resource of VPAs.
pub const VPAS: &str = "verticalpodautoscalers.autoscaling.k8s.io";
/// The Event source of the updater.
pub const UPDATER: &str = "vpa-updater";

/// What the recommender keeps about one VPA.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct VpaState {
    /// When the recommender and the updater look next.
    next_loop_ms: i64,
    /// Per container name.
    aggregates: BTreeMap<String, AggregateContainerState>,
    /// Per `pod/container`.
    containers: BTreeMap<String, ContainerState>,
    /// OOM kills already recorded (`pod/container/finishedAt`).
    ooms: BTreeSet<String>,
}

/// The VPA recommender and updater.
#[derive(Debug, Default)]
pub struct VpaController {
    vpas: BTreeMap<String, VpaState>,
}

fn state_key(key: &Key) -> String {
    format!("{}/{}/{}", key.workspace, key.namespace, key.name)
}

impl Controller for VpaController {
    fn name(&self) -> &'static str {
        "vpa-recommender"
    }
    fn manager(&self) -> &'static str {
        "vpa-recommender"
    }
    fn watches(&self) -> &'static [&'static str] {
        &[VPAS]
    }
    fn keys(&self, _: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        out.push(e.key.clone());
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        all_keys(store, VPAS, out);
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        let id = state_key(key);
        let Some(vpa) = s.store.get(key).cloned() else {
            self.vpas.remove(&id);
            return Action::AwaitChange;
        };
        let now = s.clock.now_ms();
        let state = self.vpas.entry(id).or_insert_with(|| VpaState {
            next_loop_ms: now,
            ..Default::default()
        });
        if now < state.next_loop_ms {
            return Action::RequeueAfter(state.next_loop_ms - now);
        }
        state.next_loop_ms = now.saturating_add(LOOP_INTERVAL_MS);
        let spec = VpaSpec::parse(&vpa);
        let pods = target_pods(s, &key.workspace, &key.namespace, &spec);
        let vpa = recommend_once(s, key, &vpa, &spec, &pods, state, now);
        if spec.update_mode.may_evict() {
            update_once(s, key, &vpa, &spec, &pods, now);
        }
        Action::RequeueAfter(LOOP_INTERVAL_MS)
    }
    fn save(&self) -> Option<Value> {
        if self.vpas.is_empty() {
            return None;
        }
        serde_json::to_value(&self.vpas).ok().map(Value::from)
    }
    fn load(&mut self, state: Value) {
        if let Ok(vpas) = crate::api::value::from_value::<BTreeMap<String, VpaState>>(&state) {
            if consistent(&state) {
                self.vpas = vpas;
            }
        }
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// Whether every saved histogram has its buckets (a snapshot is input: a crafted one must not
/// make the histograms index past their buckets or loop over billions of them).
fn consistent(state: &Value) -> bool {
    fn histogram_ok(h: &Value) -> bool {
        let Ok(options) = crate::api::value::from_value::<HistogramOptions>(&h["options"]) else {
            return false;
        };
        let n = options.num_buckets();
        let len = h["bucket_weight"].as_array().map_or(0, |l| l.len());
        let idx = |k: &str| h[k].as_u64().is_some_and(|i| (i as usize) < len);
        n == len && n <= 10_000 && idx("min_bucket") && idx("max_bucket")
    }
    state.as_object().is_some_and(|m| {
        m.values().all(|v| {
            v["aggregates"].as_object().is_none_or(|a| {
                a.values().all(|agg| {
                    histogram_ok(&agg["cpu_usage"]["histogram"])
                        && histogram_ok(&agg["memory_peaks"]["histogram"])
                })
            })
        })
    })
}

/// The pods of the VPA's target: those its scale subresource's selector matches.
pub fn target_pods(s: &Server, ws: &str, ns: &str, spec: &VpaSpec) -> Vec<Value> {
    let r = &spec.target_ref;
    let api_version = (!r.api_version.is_empty()).then_some(r.api_version.as_str());
    let Ok(info) = s.resolve_in(ws, api_version, &r.kind) else {
        return Vec::new();
    };
    let Ok(scale) = s.get_scale(ws, info, ns, &r.name) else {
        return Vec::new();
    };
    let text = str_at(&scale, &["status", "selector"]).unwrap_or("");
    match Selector::parse(text) {
        Ok(sel) if !text.is_empty() => s
            .store
            .list(ws, "pods", Some(ns))
            .map(|(_, p)| p)
            .filter(|p| sel.matches(&object::labels(p)))
            .cloned()
            .collect(),
        _ => Vec::new(),
    }
}

/// The recommender's loop for one VPA: samples in, recommendation out. Returns the VPA as
/// written.
fn recommend_once(
    s: &mut Server,
    key: &Key,
    vpa: &Value,
    spec: &VpaSpec,
    pods: &[Value],
    state: &mut VpaState,
    now: i64,
) -> Value {
    let config = AggregationsConfig::default();
    let mut cache = DemandCache::default();
    for pod in pods {
        let pod_name = object::name(pod);
        // OOM kills since the last look become memory bumps.
        for st in array_at(pod, &["status", "containerStatuses"]) {
            let t = &st["lastState"]["terminated"];
            if t["reason"] != "OOMKilled" {
                continue;
            }
            let container = st["name"].as_str().unwrap_or("");
            let finished = str_at(t, &["finishedAt"]).unwrap_or("");
            let id = format!("{pod_name}/{container}/{finished}");
            let Some(at) = parse_rfc3339(finished) else {
                continue;
            };
            if !state.ooms.insert(id) {
                continue;
            }
            let request = array_at(pod, &["spec", "containers"])
                .iter()
                .find(|c| c["name"] == container)
                .and_then(|c| c["resources"]["requests"].get("memory"))
                .and_then(crate::controllers::hpa::replica_calculator::quantity_of)
                .map_or(0, |q| q.value());
            let agg = state
                .aggregates
                .entry(container.to_string())
                .or_insert_with(|| AggregateContainerState::new(&config));
            let cs = state
                .containers
                .entry(format!("{pod_name}/{container}"))
                .or_default();
            let _ = cs.record_oom(agg, &config, at, request);
        }
        let d = cache.get(&s.store, &key.workspace, pod, now);
        let Some(m) = pod_metrics(&s.store, pod, d.as_ref(), now) else {
            continue;
        };
        for c in &m.containers {
            let agg = state
                .aggregates
                .entry(c.name.clone())
                .or_insert_with(|| AggregateContainerState::new(&config));
            let cs = state
                .containers
                .entry(format!("{pod_name}/{}", c.name))
                .or_default();
            cs.add_cpu_sample(agg, c.milli_cpu, m.timestamp_ms);
            cs.add_memory_sample(agg, &config, c.memory, m.timestamp_ms, false);
        }
    }
    // Forget the sampling state of pods that are gone.
    let live: BTreeSet<&str> = pods.iter().map(object::name).collect();
    state
        .containers
        .retain(|k, _| k.split('/').next().is_some_and(|p| live.contains(p)));
    let mut status = vpa
        .get("status")
        .cloned()
        .filter(Value::is_object)
        .unwrap_or(json!({}));
    let mut conditions: Vec<Value> = array_at(&status, &["conditions"]).to_vec();
    let had_no_pods = conditions.iter().any(|c| c["type"] == "NoPodsMatched");
    let mut set = |t: &str, ok: bool, reason: &str, message: &str| {
        let st = if ok { "True" } else { "False" };
        match conditions.iter_mut().find(|c| c["type"] == t) {
            Some(c) if c["status"] == st => {
                c["reason"] = json!(reason);
                c["message"] = json!(message);
            }
            Some(c) => *c = json!({"type": t, "status": st, "lastTransitionTime": format_rfc3339(now), "reason": reason, "message": message}),
            None => conditions.push(json!({"type": t, "status": st, "lastTransitionTime": format_rfc3339(now), "reason": reason, "message": message})),
        }
    };
    if pods.is_empty() {
        set(
            "NoPodsMatched",
            true,
            "NoPodsMatched",
            "No pods match this VPA object",
        );
    } else if had_no_pods {
        set("NoPodsMatched", false, "", "");
    }
    let states: BTreeMap<String, AggregateContainerState> = state
        .aggregates
        .iter()
        .filter(|(_, a)| a.total_samples_count > 0 || !a.memory_peaks.is_empty())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let states = states_under_policy(spec, states);
    if !states.is_empty() {
        let uncapped = recommend(&RecommendationConfig::default(), &states);
        let capped = apply_policy(spec, &uncapped, &Default::default());
        status["recommendation"] = recommendation_status(&uncapped, &capped);
        set("RecommendationProvided", true, "", "");
    }
    status["conditions"] = Value::Array(conditions.into());
    if vpa.get("status") == Some(&status) {
        return vpa.clone();
    }
    let mut o = vpa.clone();
    o["status"] = status;
    s.act_as("vpa-recommender");
    s.update_status(&key.workspace, &o).unwrap_or(o)
}

/// The updater's loop for one VPA: the pods to evict, most urgent first, within each
/// controller's eviction tolerance, through the Eviction API.
fn update_once(s: &mut Server, key: &Key, vpa: &Value, spec: &VpaSpec, pods: &[Value], now: i64) {
    let recs = parse_recommendation(vpa);
    if recs.is_empty() {
        return;
    }
    let config = UpdateConfig::default();
    let min_replicas = spec.min_replicas.unwrap_or(config.min_replicas);
    let live: Vec<&Value> = pods
        .iter()
        .filter(|p| !crate::api::pod::is_terminal(p) && !object::is_terminating(p))
        .collect();
    // Pods grouped by their controller (singleGroupStats).
    let mut groups: BTreeMap<String, ReplicaGroup> = BTreeMap::new();
    for p in &live {
        let Some(owner) = object::controller_of(p) else {
            continue;
        };
        let uid = owner["uid"].as_str().unwrap_or("").to_string();
        let configured = s
            .store
            .indexes()
            .by_uid(&key.workspace, &uid)
            .and_then(|k| s.store.get(k))
            .and_then(|o| object::i64_at(o, &["spec", "replicas"]))
            .unwrap_or(0)
            .clamp(0, i64::from(i32::MAX)) as i32;
        let g = groups.entry(uid).or_insert(ReplicaGroup {
            configured,
            live: 0,
            pending: 0,
            evicted: 0,
        });
        g.live += 1;
        if crate::api::pod::phase(p) == "Pending" {
            g.pending += 1;
        }
    }
    let mut candidates = Vec::new();
    for p in &live {
        let observed: Option<Vec<String>> =
            str_at(p, &["metadata", "annotations", "vpaObservedContainers"]).map(|a| {
                a.split(',')
                    .map(|c| c.trim().to_string())
                    .filter(|c| !c.is_empty())
                    .collect()
            });
        let containers: Vec<PodContainer> = array_at(p, &["spec", "containers"])
            .iter()
            .map(|c| PodContainer {
                name: c["name"].as_str().unwrap_or("").to_string(),
                requests: resource_list(c["resources"].get("requests")),
            })
            .collect();
        let priority = update_priority(&containers, &recs, observed.as_deref());
        let terminations: Vec<LastTermination> = array_at(p, &["status", "containerStatuses"])
            .iter()
            .filter_map(|st| {
                let t = &st["lastState"]["terminated"];
                Some(LastTermination {
                    container: st["name"].as_str()?.to_string(),
                    reason: t["reason"].as_str()?.to_string(),
                    started_ms: str_at(t, &["startedAt"]).and_then(parse_rfc3339)?,
                    finished_ms: str_at(t, &["finishedAt"]).and_then(parse_rfc3339)?,
                })
            })
            .collect();
        let oom_threshold = spec
            .evict_after_oom_seconds
            .map_or(config.evict_after_oom_threshold_ms, |s| i64::from(s) * 1000);
        let start = str_at(p, &["status", "startTime"]).and_then(parse_rfc3339);
        if should_update(
            &priority,
            start,
            quick_oom(&terminations, oom_threshold),
            now,
            &config,
        )
        .is_ok()
        {
            candidates.push((*p, priority));
        }
    }
    sort_by_priority(&mut candidates);
    s.act_as(UPDATER);
    for (p, _) in candidates {
        let uid = object::controller_of(p)
            .and_then(|o| o["uid"].as_str())
            .unwrap_or("")
            .to_string();
        let Some(group) = groups.get_mut(&uid) else {
            continue;
        };
        let pending = crate::api::pod::phase(p) == "Pending";
        if !can_evict(
            group,
            pending,
            min_replicas,
            config.eviction_tolerance_fraction,
        ) {
            continue;
        }
        let name = object::name(p).to_string();
        if s.evict(&key.workspace, &key.namespace, &name).is_ok() {
            group.evicted += 1;
            let [(pod_reason, pod_message), (vpa_reason, vpa_message)] = eviction_events(&name);
            s.event(
                &key.workspace,
                p,
                EventType::Normal,
                pod_reason,
                &pod_message,
                UPDATER,
            );
            s.event(
                &key.workspace,
                vpa,
                EventType::Normal,
                vpa_reason,
                &vpa_message,
                UPDATER,
            );
        }
    }
}
