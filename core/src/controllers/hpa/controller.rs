//! The HorizontalPodAutoscaler controller (`pkg/controller/podautoscaler/horizontal.go`), per
//! key, on kplane's metrics pipeline.
//!
//! Timing as upstream's queue: every HPA event is added with `AddRateLimited` on a
//! `FixedItemIntervalRateLimiter` of the sync period (15 s) and dropped when one is waiting, and
//! each processed HPA is added again the same way. So an HPA is first looked at 15 s after it is
//! created, then every 15 s; edits do not make it sync sooner. The instant of the next sync and
//! the recommendation history (`History`) are kept per HPA in memory, as upstream keeps them, and
//! saved with the controller ([`Controller::save`]) so snapshots and clones continue
//! identically; they are dropped when the HPA is deleted.
//!
//! One sync (`reconcileAutoscaler`): the target's `/scale` (Deployment, ReplicaSet,
//! StatefulSet, ReplicationController, or a custom kind with a scale subresource), the pods its
//! selector matches, [`decide`], the scale written when it changes, then the Events and the
//! status. `autoscaling/v1` objects are converted to v2 to be read, and their status written
//! back in v1 form (conditions and current metrics in the annotations, as the v1 API shows them).
use super::behavior::History;
use super::decision::{decide, failed_get_scale, ControllerConfig, Decision, HpaEvent, ScaleInfo};
use super::explain;
use super::source::ClusterMetrics;
use super::spec::{convert_v1_to_v2, convert_v2_to_v1, HpaSpec};
use crate::api::object::{self, str_at};
use crate::api::{Selector, Value};
use crate::json;
use crate::runtime::{all_keys, Action, Controller};
use crate::server::status::Status;
use crate::server::{EventType, Server};
use crate::store::{Key, Store, WatchEvent};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `--horizontal-pod-autoscaler-sync-period` (15 s).
pub const SYNC_PERIOD_MS: i64 = 15_000;
/// The Event source of the controller.
pub const COMPONENT: &str = "horizontal-pod-autoscaler";
/// The store resource of HPAs.
pub const HPAS: &str = "horizontalpodautoscalers.autoscaling";

/// What the controller keeps about one HPA.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct HpaState {
    /// When it is processed next.
    next_sync_ms: i64,
    /// Recommendations and scale events (stabilization windows, rate limits).
    history: History,
    /// The last sync, explained (see [`explain`]).
    #[serde(default)]
    last: Option<Value>,
}

/// The HPA controller.
#[derive(Debug, Default)]
pub struct HorizontalController {
    /// Per HPA (`workspace/namespace/name`).
    hpas: BTreeMap<String, HpaState>,
    /// The controller's flags.
    pub config: ControllerConfig,
}

fn state_key(key: &Key) -> String {
    format!("{}/{}/{}", key.workspace, key.namespace, key.name)
}

impl HorizontalController {
    /// The last sync of HPA `ws`/`ns`/`name`, explained (None before its first sync).
    pub fn last_decision(&self, ws: &str, ns: &str, name: &str) -> Option<&Value> {
        self.hpas.get(&format!("{ws}/{ns}/{name}"))?.last.as_ref()
    }
}

impl Controller for HorizontalController {
    fn name(&self) -> &'static str {
        "horizontal-pod-autoscaler-controller"
    }
    fn manager(&self) -> &'static str {
        super::super::KCM
    }
    fn watches(&self) -> &'static [&'static str] {
        &[HPAS]
    }
    fn keys(&self, _: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        out.push(e.key.clone());
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        all_keys(store, HPAS, out);
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        let now = s.clock.now_ms();
        let id = state_key(key);
        let Some(hpa) = s.store.get(key).cloned() else {
            self.hpas.remove(&id);
            return Action::AwaitChange;
        };
        if object::is_terminating(&hpa) {
            return Action::AwaitChange;
        }
        let state = self.hpas.entry(id).or_insert_with(|| HpaState {
            next_sync_ms: now.saturating_add(SYNC_PERIOD_MS),
            ..Default::default()
        });
        if now < state.next_sync_ms {
            return Action::RequeueAfter(state.next_sync_ms - now);
        }
        state.next_sync_ms = now.saturating_add(SYNC_PERIOD_MS);
        sync(s, key, &hpa, state, &self.config, now);
        Action::RequeueAfter(SYNC_PERIOD_MS)
    }
    fn save(&self) -> Option<Value> {
        if self.hpas.is_empty() {
            return None;
        }
        serde_json::to_value(&self.hpas).ok().map(Value::from)
    }
    fn load(&mut self, state: Value) {
        if let Ok(hpas) = crate::api::value::from_value(&state) {
            self.hpas = hpas;
        }
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// The target's scale: its kind, the Scale object, or the error text.
fn target_scale(
    s: &Server,
    ws: &str,
    ns: &str,
    spec: &HpaSpec,
) -> Result<(&'static crate::api::KindInfo, ScaleInfo), String> {
    let r = &spec.scale_target_ref;
    let api_version = (!r.api_version.is_empty()).then_some(r.api_version.as_str());
    let info = s.resolve_in(ws, api_version, &r.kind).map_err(|e| {
        format!(
            "unable to determine resource for scale target reference: {}",
            e.message
        )
    })?;
    let scale = s
        .get_scale(ws, info, ns, &r.name)
        .map_err(|e: Status| e.message)?;
    let i32_at = |keys: &[&str]| {
        object::i64_at(&scale, keys)
            .unwrap_or(0)
            .clamp(0, i64::from(i32::MAX)) as i32
    };
    Ok((
        info,
        ScaleInfo {
            spec_replicas: i32_at(&["spec", "replicas"]),
            status_replicas: i32_at(&["status", "replicas"]),
            selector: str_at(&scale, &["status", "selector"])
                .unwrap_or("")
                .to_string(),
        },
    ))
}

/// One sync of `hpa` (as stored, v1 or v2).
fn sync(
    s: &mut Server,
    key: &Key,
    hpa: &Value,
    state: &mut HpaState,
    config: &ControllerConfig,
    now: i64,
) {
    let ws = key.workspace.to_string();
    let ns = key.namespace.to_string();
    let v1 = object::api_version(hpa) == "autoscaling/v1";
    let v2 = if v1 {
        match convert_v1_to_v2(hpa) {
            Ok(v) => v,
            Err(_) => return,
        }
    } else {
        hpa.clone()
    };
    let Ok(spec) = HpaSpec::parse(&v2) else {
        return;
    };
    let old_status = v2.get("status").cloned().unwrap_or(json!({}));
    let (info, scale) = match target_scale(s, &ws, &ns, &spec) {
        Ok(x) => x,
        Err(e) => {
            let (status, event) = failed_get_scale(&old_status, &e, now);
            record_events(s, &ws, hpa, std::slice::from_ref(&event));
            write_status(s, &ws, hpa, &v2, status, v1);
            state.last = Some(explain::failed(&v2, &e, now));
            return;
        }
    };
    let pods: Vec<Value> = match Selector::parse(&scale.selector) {
        Ok(sel) if !scale.selector.is_empty() => s
            .store
            .list(&ws, "pods", Some(&ns))
            .map(|(_, p)| p)
            .filter(|p| sel.matches(&object::labels(p)))
            .cloned()
            .collect(),
        _ => Vec::new(),
    };
    let infos: Vec<_> = pods
        .iter()
        .map(super::replica_calculator::PodInfo::from_pod)
        .collect();
    let mut d: Decision = {
        let source = ClusterMetrics::new(&s.store, &ws, &ns, &pods, now);
        decide(
            &spec,
            &ns,
            &scale,
            &infos,
            &source,
            &mut state.history,
            config,
            now,
        )
    };
    if let Some(to) = d.rescale_to {
        let r = &spec.scale_target_ref;
        let result = s
            .set_scale(&ws, info, &ns, &r.name, i64::from(to))
            .map(|_| ())
            .map_err(|e| e.message);
        d.complete(result, &spec, &mut state.history, now);
    }
    record_events(s, &ws, hpa, &d.events);
    let status = d.status(&old_status, now);
    state.last = Some(explain::record(&v2, &spec, &scale, &d, now));
    write_status(s, &ws, hpa, &v2, status, v1);
}

fn record_events(s: &mut Server, ws: &str, hpa: &Value, events: &[HpaEvent]) {
    for e in events {
        let kind = if e.warning {
            EventType::Warning
        } else {
            EventType::Normal
        };
        s.event(ws, hpa, kind, &e.reason, &e.message, COMPONENT);
    }
}

/// Writes `status` (v2 form) to the stored HPA: as is for v2; for v1 converted back, the
/// conditions and current metrics going to the annotations.
fn write_status(s: &mut Server, ws: &str, stored: &Value, v2: &Value, status: Value, v1: bool) {
    if !v1 {
        if stored.get("status") != Some(&status) {
            let mut o = stored.clone();
            o["status"] = status;
            let _ = s.update_status(ws, &o);
        }
        return;
    }
    let mut o = v2.clone();
    o["status"] = status;
    let back = convert_v2_to_v1(&o);
    let annotations = back["metadata"].get("annotations").cloned();
    if stored["metadata"].get("annotations") != annotations.as_ref() {
        let mut m = stored.clone();
        match annotations {
            Some(a) => m["metadata"]["annotations"] = a,
            None => {
                object::remove_path(&mut m, &["metadata", "annotations"]);
            }
        }
        if let Ok(updated) = s.update(ws, m) {
            let mut u = updated;
            u["status"] = back["status"].clone();
            let _ = s.update_status(ws, &u);
            return;
        }
    }
    if stored.get("status") != back.get("status") {
        let mut u = stored.clone();
        u["status"] = back["status"].clone();
        let _ = s.update_status(ws, &u);
    }
}
