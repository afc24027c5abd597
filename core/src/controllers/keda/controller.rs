//! The KEDA operator (kedacore/keda `controllers/keda/scaledobject_controller.go`,
//! `scaledjob_controller.go` and the scale loops of `pkg/scaling`), per key.
//!
//! A **ScaledObject** is checked, its target's `/scale` read (recording `scaleTargetKind`,
//! `scaleTargetGVKR` and `originalReplicaCount`), and its `keda-hpa-<name>` HPA created or kept
//! up to date ([`build_hpa`]); then every `pollingInterval` (30 s, the first poll at once) the
//! triggers are read from the simulation ([`adapter`]), and KEDA itself activates the target
//! from zero (or the idle count) and deactivates it after `cooldownPeriod` ([`request_scale`]);
//! between 1 and N the generated HPA scales, reading the same triggers as external metrics.
//! `lastActiveTime`, the fallback health and the conditions live in the status.
//! `autoscaling.keda.sh/paused-replicas` scales the target to that count and removes the HPA.
//!
//! A **ScaledJob** polls the same way and creates Jobs from `jobTargetRef` by its
//! `scalingStrategy`, keeping `successfulJobsHistoryLimit`/`failedJobsHistoryLimit` finished
//! ones.
//!
//! The instant of each object's next poll is kept in memory (as KEDA's scale loops do) and saved
//! with the controller, so snapshots and clones continue identically.
use super::adapter::{health_of, observe_source};
use super::executor::{
    activity, is_scaled_job_active, job_scaling_decision, job_trigger_metrics, jobs_to_create,
    request_scale, KedaCondition,
};
use super::hpa::{build_hpa, external_metric_names, KEDA_VERSION};
use super::scalers::{metric_target_type, Scaler, TargetType};
use super::spec::{validate_triggers, ScaledJob, ScaledObject};
use crate::api::object::{self, array_at, controller_ref, str_at};
use crate::api::{Map, Value};
use crate::json;
use crate::runtime::{all_keys, controller_key, Action, Controller};
use crate::server::{EventType, Server};
use crate::sim::{format_rfc3339, parse_rfc3339};
use crate::store::{Key, Store, WatchEvent};
use std::collections::BTreeMap;

/// The Event source and field manager of the operator.
pub const COMPONENT: &str = "keda-operator";
/// The store resource of ScaledObjects.
pub const SCALED_OBJECTS: &str = "scaledobjects.keda.sh";
/// The store resource of ScaledJobs.
pub const SCALED_JOBS: &str = "scaledjobs.keda.sh";
/// The label KEDA puts on the Jobs of a ScaledJob.
pub const SCALED_JOB_LABEL: &str = "scaledjob.keda.sh/name";

/// The KEDA operator: ScaledObjects and ScaledJobs.
#[derive(Debug, Default)]
pub struct KedaOperator {
    /// When each object (`resource/workspace/namespace/name`) is polled next.
    next_poll: BTreeMap<String, i64>,
}

fn poll_key(key: &Key) -> String {
    format!(
        "{}/{}/{}/{}",
        key.resource, key.workspace, key.namespace, key.name
    )
}

impl Controller for KedaOperator {
    fn name(&self) -> &'static str {
        "keda-operator"
    }
    fn manager(&self) -> &'static str {
        COMPONENT
    }
    fn watches(&self) -> &'static [&'static str] {
        &[
            SCALED_OBJECTS,
            SCALED_JOBS,
            crate::controllers::hpa::controller::HPAS,
        ]
    }
    fn keys(&self, _: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        if &*e.key.resource == crate::controllers::hpa::controller::HPAS {
            out.extend(controller_key(
                &e.key,
                &e.object,
                "ScaledObject",
                SCALED_OBJECTS,
            ));
        } else {
            out.push(e.key.clone());
        }
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        all_keys(store, SCALED_OBJECTS, out);
        all_keys(store, SCALED_JOBS, out);
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        let id = poll_key(key);
        let Some(obj) = s.store.get(key).cloned() else {
            self.next_poll.remove(&id);
            return Action::AwaitChange;
        };
        if object::is_terminating(&obj) {
            return Action::AwaitChange;
        }
        let now = s.clock.now_ms();
        let due = *self.next_poll.entry(id.clone()).or_insert(now);
        let poll = now >= due;
        let interval = if &*key.resource == SCALED_OBJECTS {
            reconcile_scaled_object(s, key, &obj, poll, now)
        } else {
            reconcile_scaled_job(s, key, &obj, poll, now)
        };
        let Some(interval) = interval else {
            self.next_poll.remove(&id);
            return Action::AwaitChange;
        };
        let next = if poll {
            now.saturating_add(interval)
        } else {
            due
        };
        self.next_poll.insert(id, next);
        Action::RequeueAfter(next - now)
    }
    fn save(&self) -> Option<Value> {
        if self.next_poll.is_empty() {
            return None;
        }
        serde_json::to_value(&self.next_poll).ok().map(Value::from)
    }
    fn load(&mut self, state: Value) {
        if let Ok(p) = crate::api::value::from_value(&state) {
            self.next_poll = p;
        }
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// KEDA's conditions (`GetInitializedConditions`: Ready, Active, Fallback, Paused; Unknown),
/// with `set` replacing a type in place.
struct Conditions(Vec<Value>);

impl Conditions {
    fn of(status: &Value, types: &[&str]) -> Conditions {
        let mut list: Vec<Value> = array_at(status, &["conditions"]).to_vec();
        for t in types {
            if !list.iter().any(|c| c["type"] == *t) {
                list.push(json!({"type": *t, "status": "Unknown"}));
            }
        }
        Conditions(list)
    }
    fn set(&mut self, (t, status, reason, message): &KedaCondition) {
        let c =
            json!({"type": *t, "status": *status, "reason": *reason, "message": message.as_str()});
        match self.0.iter_mut().find(|x| x["type"] == *t) {
            Some(x) => *x = c,
            None => self.0.push(c),
        }
    }
    fn status_of(&self, t: &str) -> &str {
        self.0
            .iter()
            .find(|c| c["type"] == t)
            .and_then(|c| c["status"].as_str())
            .unwrap_or("Unknown")
    }
}

fn write_status(s: &mut Server, ws: &str, obj: &Value, status: Value) {
    if obj.get("status") != Some(&status) {
        let mut o = obj.clone();
        o["status"] = status;
        let _ = s.update_status(ws, &o);
    }
}

fn check_failed(
    s: &mut Server,
    ws: &str,
    obj: &Value,
    mut status: Value,
    mut c: Conditions,
    message: &str,
) {
    c.set(&(
        "Ready",
        "False",
        "ScaledObjectCheckFailed",
        message.to_string(),
    ));
    status["conditions"] = Value::Array(c.0.into());
    s.event(
        ws,
        obj,
        EventType::Warning,
        "ScaledObjectCheckFailed",
        message,
        COMPONENT,
    );
    write_status(s, ws, obj, status);
}

/// One reconcile of a ScaledObject; returns its polling interval (ms), or None when it cannot
/// be scaled until it changes.
fn reconcile_scaled_object(
    s: &mut Server,
    key: &Key,
    obj: &Value,
    poll: bool,
    now: i64,
) -> Option<i64> {
    let ws = key.workspace.to_string();
    let ns = key.namespace.to_string();
    let so = ScaledObject::parse(obj);
    let interval = so.polling_interval_seconds.max(1).saturating_mul(1000);
    let mut status = obj
        .get("status")
        .cloned()
        .filter(Value::is_object)
        .unwrap_or(json!({}));
    let mut conditions = Conditions::of(&status, &["Ready", "Active", "Fallback", "Paused"]);
    if let Err(e) = so.validate() {
        check_failed(s, &ws, obj, status, conditions, &e);
        return None;
    }
    let target = &so.scale_target;
    let info = match s.resolve_in(&ws, Some(&target.api_version), &target.kind) {
        Ok(i) => i,
        Err(_) => {
            check_failed(
                s,
                &ws,
                obj,
                status,
                conditions,
                "ScaledObject doesn't have correct scaleTargetRef specification",
            );
            return Some(interval);
        }
    };
    let scale = match s.get_scale(&ws, info, &ns, &target.name) {
        Ok(sc) => sc,
        Err(_) => {
            check_failed(
                s,
                &ws,
                obj,
                status,
                conditions,
                "ScaledObject doesn't have correct scaleTargetRef specification",
            );
            return Some(interval);
        }
    };
    let current = object::i64_at(&scale, &["spec", "replicas"])
        .unwrap_or(0)
        .clamp(0, i64::from(i32::MAX)) as i32;
    status["scaleTargetKind"] = json!(target.gvk_string());
    let (group, version) = target
        .api_version
        .split_once('/')
        .unwrap_or(("", target.api_version.as_str()));
    status["scaleTargetGVKR"] = json!({"group": group, "version": version, "kind": target.kind.as_str(), "resource": info.plural});
    if status.get("originalReplicaCount").is_none() {
        status["originalReplicaCount"] = json!(current);
    }
    let types: Vec<&str> = so
        .triggers
        .iter()
        .map(|t| t.trigger_type.as_str())
        .collect();
    status["triggersTypes"] = json!(types.join(","));
    let hpa_info = crate::controllers::kind("autoscaling/v2", "HorizontalPodAutoscaler");
    let hpa_name = so.hpa_name();
    // Paused at a replica count: the target is held there and the HPA removed.
    match so.paused_replica_count() {
        Ok(Some(n)) => {
            if current != n {
                let _ = s.set_scale(&ws, info, &ns, &target.name, i64::from(n));
            }
            if s.get(&ws, hpa_info, &ns, &hpa_name).is_some() {
                let _ = s.delete(&ws, hpa_info, &ns, &hpa_name, None, None);
            }
            status["pausedReplicaCount"] = json!(n);
            conditions.set(&(
                "Paused",
                "True",
                "ScaledObjectPaused",
                "ScaledObject is paused".into(),
            ));
            status["conditions"] = Value::Array(conditions.0.into());
            write_status(s, &ws, obj, status);
            return Some(interval);
        }
        Ok(None) => {
            if let Some(m) = status.as_object_mut() {
                m.shift_remove("pausedReplicaCount");
            }
        }
        Err(e) => {
            check_failed(s, &ws, obj, status, conditions, &e);
            return None;
        }
    }
    if !so.paused() && conditions.status_of("Paused") == "True" {
        conditions.set(&(
            "Paused",
            "False",
            "ScaledObjectUnpaused",
            "pause annotation removed for ScaledObject".into(),
        ));
    }
    // The HPA that scales 1 <-> N.
    match build_hpa(obj) {
        Ok(desired) => {
            match s.get(&ws, hpa_info, &ns, &hpa_name).cloned() {
                None => {
                    let _ = s.create(&ws, desired);
                }
                Some(existing) => {
                    if existing["spec"] != desired["spec"]
                        || existing["metadata"]["labels"] != desired["metadata"]["labels"]
                    {
                        let mut updated = existing.clone();
                        updated["spec"] = desired["spec"].clone();
                        updated["metadata"]["labels"] = desired["metadata"]["labels"].clone();
                        let _ = s.update(&ws, updated);
                    }
                }
            }
            status["hpaName"] = json!(hpa_name);
            let names = external_metric_names(&so);
            if !names.is_empty() {
                status["externalMetricNames"] = json!(names);
            }
        }
        Err(e) => {
            check_failed(
                s,
                &ws,
                obj,
                status,
                conditions,
                &format!("Failed to ensure HPA is correctly created for ScaledObject: {e}"),
            );
            return None;
        }
    }
    if poll {
        poll_scaled_object(
            s,
            &ws,
            &ns,
            obj,
            &so,
            info,
            current,
            &mut status,
            &mut conditions,
            now,
        );
    } else if conditions.status_of("Ready") != "True" {
        conditions.set(&(
            "Ready",
            "True",
            "ScaledObjectReady",
            "ScaledObject is defined correctly and is ready for scaling".into(),
        ));
    }
    status["conditions"] = Value::Array(conditions.0.into());
    write_status(s, &ws, obj, status);
    Some(interval)
}

/// One poll (`checkScalers` + `RequestScale`): every trigger read, KEDA's activation or
/// deactivation written to the target's scale, the fallback health counted.
#[allow(clippy::too_many_arguments)]
fn poll_scaled_object(
    s: &mut Server,
    ws: &str,
    ns: &str,
    obj: &Value,
    so: &ScaledObject,
    info: &'static crate::api::KindInfo,
    current: i32,
    status: &mut Value,
    conditions: &mut Conditions,
    now: i64,
) {
    let mut results = Vec::new();
    for (i, trigger) in so.triggers.iter().enumerate() {
        let result = match Scaler::parse(trigger) {
            Ok(scaler) => {
                let o = observe_source(&s.store, ws, ns, &scaler, now);
                (scaler.metric_name(i), scaler.evaluate(&o, now))
            }
            Err(e) => (None, Err(e)),
        };
        results.push(result);
    }
    let a = activity(so, &results);
    if so.fallback.is_none() {
        conditions.set(&(
            "Fallback",
            "False",
            "NoFallbackFound",
            "No fallbacks are active on this scaled object".to_string(),
        ));
    }
    if let Some(f) = &so.fallback {
        let mut health = status
            .get("health")
            .cloned()
            .filter(Value::is_object)
            .unwrap_or(json!({}));
        let mut falling_back = false;
        for (name, result) in &results {
            let Some(name) = name else { continue };
            let h = match result {
                Ok(_) => json!({"numberOfFailures": 0, "status": "Happy"}),
                Err(_) => {
                    let failures = health_of(obj, name).failures.saturating_add(1);
                    falling_back |= failures > f.failure_threshold;
                    json!({"numberOfFailures": failures, "status": "Failing"})
                }
            };
            health[name.as_str()] = h;
        }
        status["health"] = health;
        conditions.set(&if falling_back {
            (
                "Fallback",
                "True",
                "FallbackExists",
                "At least one trigger is falling back on this scaled object".to_string(),
            )
        } else {
            (
                "Fallback",
                "False",
                "NoFallbackFound",
                "No fallbacks are active on this scaled object".to_string(),
            )
        });
    }
    let last_active = str_at(status, &["lastActiveTime"]).and_then(parse_rfc3339);
    let created = str_at(obj, &["metadata", "creationTimestamp"])
        .and_then(parse_rfc3339)
        .unwrap_or(now);
    let d = request_scale(so, current, &a, last_active, created, now);
    for c in &d.conditions {
        conditions.set(c);
    }
    if d.last_active_now {
        status["lastActiveTime"] = json!(format_rfc3339(now));
    }
    let scaled = match d.scale_to {
        Some(to) if to != current => s
            .set_scale(ws, info, ns, &so.scale_target.name, i64::from(to))
            .is_ok(),
        _ => true,
    };
    if scaled {
        for (warning, reason, message) in &d.events {
            let kind = if *warning {
                EventType::Warning
            } else {
                EventType::Normal
            };
            s.event(ws, obj, kind, reason, message, COMPONENT);
        }
    }
}

/// One reconcile of a ScaledJob; returns its polling interval (ms).
fn reconcile_scaled_job(
    s: &mut Server,
    key: &Key,
    obj: &Value,
    poll: bool,
    now: i64,
) -> Option<i64> {
    let ws = key.workspace.to_string();
    let ns = key.namespace.to_string();
    let job = ScaledJob::parse(obj);
    let interval = job.polling_interval_seconds.max(1).saturating_mul(1000);
    let mut status = obj
        .get("status")
        .cloned()
        .filter(Value::is_object)
        .unwrap_or(json!({}));
    let mut conditions = Conditions::of(&status, &["Ready", "Active", "Paused"]);
    if let Err(e) = validate_triggers(&job.triggers) {
        conditions.set(&("Ready", "False", "ScaledJobCheckFailed", e.clone()));
        status["conditions"] = Value::Array(conditions.0.into());
        write_status(s, &ws, obj, status);
        return None;
    }
    conditions.set(&(
        "Ready",
        "True",
        "ScaledJobReady",
        "ScaledJob is defined correctly and is ready to scaling".into(),
    ));
    let types: Vec<&str> = job
        .triggers
        .iter()
        .map(|t| t.trigger_type.as_str())
        .collect();
    status["triggersTypes"] = json!(types.join(","));
    if job.paused() {
        conditions.set(&(
            "Paused",
            "True",
            "ScaledJobPaused",
            "ScaledJob is paused".into(),
        ));
    } else if poll {
        if conditions.status_of("Paused") == "True" {
            conditions.set(&(
                "Paused",
                "False",
                "ScaledJobUnpaused",
                "pause annotation removed for ScaledJob".into(),
            ));
        }
        poll_scaled_job(s, &ws, &ns, obj, &job, &mut conditions, now);
    }
    status["conditions"] = Value::Array(conditions.0.into());
    write_status(s, &ws, obj, status);
    Some(interval)
}

/// Whether a Job has finished (a Complete or Failed condition): `Some(true)` for Complete.
fn job_outcome(job: &Value) -> Option<bool> {
    array_at(job, &["status", "conditions"])
        .iter()
        .filter(|c| c["status"] == "True")
        .find_map(|c| match c["type"].as_str() {
            Some("Complete") => Some(true),
            Some("Failed") => Some(false),
            _ => None,
        })
}

/// One poll of a ScaledJob: the Jobs to create, and the history kept.
fn poll_scaled_job(
    s: &mut Server,
    ws: &str,
    ns: &str,
    obj: &Value,
    job: &ScaledJob,
    conditions: &mut Conditions,
    now: i64,
) {
    let jobs_info = crate::controllers::kind("batch/v1", "Job");
    let jobs: Vec<Value> = s
        .list(ws, jobs_info, Some(ns))
        .filter(|j| str_at(j, &["metadata", "labels", SCALED_JOB_LABEL]) == Some(job.name.as_str()))
        .filter(|j| object::controller_of(j).is_some_and(|r| r["uid"] == object::uid(obj)))
        .cloned()
        .collect();
    let running: Vec<&Value> = jobs.iter().filter(|j| job_outcome(j).is_none()).collect();
    // A Job is pending while none of its pods is ready.
    let pending = running
        .iter()
        .filter(|j| object::i64_at(j, &["status", "ready"]).unwrap_or(0) == 0)
        .count() as i64;
    let mut evaluated = Vec::new();
    for (i, trigger) in job.triggers.iter().enumerate() {
        let Ok(scaler) = Scaler::parse(trigger) else {
            continue;
        };
        let target_type = metric_target_type(trigger).unwrap_or(TargetType::AverageValue);
        let o = observe_source(&s.store, ws, ns, &scaler, now);
        let result = scaler.evaluate(&o, now);
        let _ = i;
        evaluated.push((scaler, target_type, result));
    }
    let (metrics, _error) = job_trigger_metrics(job, &evaluated);
    let (active, queue_length, max_value) = is_scaled_job_active(
        &metrics,
        &job.scaling_strategy.multiple_scalers_calculation,
        job.min_replicas(),
        job.max_replicas(),
    );
    conditions.set(&if active {
        (
            "Active",
            "True",
            "ScalerActive",
            "Scaling is performed because triggers are active".to_string(),
        )
    } else {
        (
            "Active",
            "False",
            "ScalerNotActive",
            "Scaling is not performed because triggers are not active".to_string(),
        )
    });
    let (effective, scale_to) =
        job_scaling_decision(job, running.len() as i64, pending, queue_length, max_value);
    let (n, message) = jobs_to_create(active, effective, scale_to);
    if n > 0 {
        let mut labels = Map::new();
        labels.insert("app.kubernetes.io/managed-by", json!("keda-operator"));
        labels.insert("app.kubernetes.io/name", json!(job.name.as_str()));
        labels.insert("app.kubernetes.io/part-of", json!(job.name.as_str()));
        labels.insert("app.kubernetes.io/version", json!(KEDA_VERSION));
        labels.insert(SCALED_JOB_LABEL, json!(job.name.as_str()));
        let template = json!({
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": {"generateName": format!("{}-", job.name), "namespace": ns, "labels": Value::Object(labels), "ownerReferences": [controller_ref(obj)]},
            "spec": job.job_target_ref.clone(),
        });
        let mut created = 0;
        for _ in 0..n.min(1000) {
            if s.create(ws, template.clone()).is_ok() {
                created += 1;
            }
        }
        if created > 0 {
            if let Some(m) = message {
                s.event(ws, obj, EventType::Normal, "KEDAJobsCreated", &m, COMPONENT);
            }
        }
    }
    // History: the oldest finished Jobs beyond the limits go.
    for (succeeded, limit) in [
        (true, job.successful_jobs_history_limit),
        (false, job.failed_jobs_history_limit),
    ] {
        let mut finished: Vec<&Value> = jobs
            .iter()
            .filter(|j| job_outcome(j) == Some(succeeded))
            .collect();
        finished.sort_by_key(|j| {
            (
                str_at(j, &["metadata", "creationTimestamp"])
                    .unwrap_or("")
                    .to_string(),
                object::name(j).to_string(),
            )
        });
        let excess = finished
            .len()
            .saturating_sub(usize::try_from(limit.max(0)).unwrap_or(0));
        for j in finished.into_iter().take(excess) {
            let _ = s.delete(
                ws,
                jobs_info,
                ns,
                object::name(j),
                Some(crate::server::Propagation::Background),
                None,
            );
        }
    }
}
