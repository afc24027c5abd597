//! The Job controller (pkg/controller/job) and the TTL-after-finished controller
//! (pkg/controller/ttlafterfinished): pods run to completion. `completions` successes end the
//! Job (`NonIndexed`, or one per index with `completionMode: Indexed`), at most `parallelism`
//! at a time; failed pods are replaced after an exponential back-off (10 s doubling, 6 min cap)
//! until more than `backoffLimit` have failed; `activeDeadlineSeconds` bounds the run; `suspend`
//! removes the active pods; `ttlSecondsAfterFinished` deletes the finished Job.
//!
//! Finishing takes upstream's two steps: the interim condition (`SuccessCriteriaMet` or
//! `FailureTarget`) first, then `Complete` or `Failed` once no pod is terminating. Pods carry
//! the `batch.kubernetes.io/job-tracking` finalizer until they are counted, so a pod that is
//! deleted or evicted is still counted as failed.
use super::workload::{owned_pods, pod_from_template, slow_start_batch, Soonest};
use super::{is_pod_ready, kind};
use crate::api::condition;
use crate::api::object::{self, array_at, controller_of, path, set_path, str_at};
use crate::api::pod::{is_terminal, phase};
use crate::api::Value;
use crate::json;
use crate::runtime::{all_keys, controller_key, Action, Controller};
use crate::server::{EventType, Propagation, Server};
use crate::sim::parse_rfc3339;
use crate::store::{EventType as WatchEventType, Key, Store, WatchEvent};
use std::collections::BTreeSet;

const COMPONENT: &str = "job-controller";
const RESOURCE: &str = "jobs.batch";
/// `batch.JobTrackingFinalizer`.
pub const TRACKING_FINALIZER: &str = "batch.kubernetes.io/job-tracking";
/// `batch.JobCompletionIndexAnnotation` (also the label, with PodIndexLabel).
pub const COMPLETION_INDEX: &str = "batch.kubernetes.io/job-completion-index";
/// `batch.ControllerUidLabel`: the Job's uid on its pods (and in its generated selector).
pub const CONTROLLER_UID_LABEL: &str = "batch.kubernetes.io/controller-uid";
/// `batch.JobNameLabel`: the Job's name on its pods.
pub const JOB_NAME_LABEL: &str = "batch.kubernetes.io/job-name";
/// `batch.LegacyControllerUidLabel`.
pub const LEGACY_CONTROLLER_UID_LABEL: &str = "controller-uid";
/// `batch.LegacyJobNameLabel`.
pub const LEGACY_JOB_NAME_LABEL: &str = "job-name";
/// `DefaultJobPodFailureBackOff`.
pub const DEFAULT_BACKOFF_MS: i64 = 10_000;
/// `MaxJobPodFailureBackOff`.
pub const MAX_BACKOFF_MS: i64 = 360_000;
/// `MaxPodCreateDeletePerSync`: the most pods one sync creates or deletes.
pub const MAX_PER_SYNC: usize = 500;

mod indexes;
pub use indexes::Intervals;

/// The Job controller (with the TTL-after-finished controller). A Job is reconciled when it
/// changes or one of the pods it controls does; a pod that still carries the tracking
/// finalizer after its Job is gone is a key of its own (`syncOrphanPod`).
#[derive(Debug, Default)]
pub struct JobController;

impl Controller for JobController {
    fn name(&self) -> &'static str {
        COMPONENT
    }
    fn manager(&self) -> &'static str {
        super::KCM
    }
    fn watches(&self) -> &'static [&'static str] {
        &[RESOURCE, "pods"]
    }
    fn keys(&self, store: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        if &*e.key.resource == RESOURCE {
            out.push(e.key.clone());
            if e.kind == WatchEventType::Deleted {
                // Its pods' finalizers are now orphaned.
                let ix = store.indexes();
                out.extend(
                    ix.owned_by(&e.key.workspace, object::uid(&e.object))
                        .filter(|k| &*k.resource == "pods")
                        .filter(|k| store.get(k).is_some_and(has_finalizer))
                        .cloned(),
                );
            }
            return;
        }
        if let Some(job) = controller_key(&e.key, &e.object, "Job", RESOURCE) {
            if job_of(store, &e.key, &e.object).is_some() {
                out.push(job);
                return;
            }
        }
        if e.kind != WatchEventType::Deleted && has_finalizer(&e.object) {
            out.push(e.key.clone());
        }
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        all_keys(store, RESOURCE, out);
        out.extend(
            store
                .list_all("pods")
                .filter(|(_, p)| has_finalizer(p))
                .map(|(k, _)| k.clone()),
        );
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        if &*key.resource == "pods" {
            return sync_orphan_pod(s, key);
        }
        let Some(job) = s.store.get(key).cloned() else {
            return Action::AwaitChange;
        };
        let pods = owned_pods(s, key, object::uid(&job));
        sync(s, key, &job, pods)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// The key of the Job that controls `pod`, if that Job (by uid) still exists.
fn job_of<'a>(store: &'a Store, pod_key: &Key, pod: &Value) -> Option<&'a Key> {
    let owner = controller_of(pod).filter(|r| r["kind"] == "Job")?;
    let key = store
        .indexes()
        .by_uid(&pod_key.workspace, owner["uid"].as_str()?)?;
    (&*key.resource == RESOURCE && key.namespace == pod_key.namespace).then_some(key)
}

/// `syncOrphanPod`: a pod whose Job is gone keeps no finalizer.
fn sync_orphan_pod(s: &mut Server, key: &Key) -> Action {
    let Some(pod) = s.store.get(key).cloned() else {
        return Action::AwaitChange;
    };
    if job_of(&s.store, key, &pod).is_some() {
        return Action::AwaitChange;
    }
    let mut next = Soonest::default();
    match release(s, &key.workspace, &pod, &mut next) {
        Some(false) => Action::Retry,
        _ => next.action(s.clock.now_ms()),
    }
}

fn has_finalizer(p: &Value) -> bool {
    array_at(p, &["metadata", "finalizers"])
        .iter()
        .any(|f| f == TRACKING_FINALIZER)
}

/// Removes the tracking finalizer. A pod in its graceful termination keeps it until it has
/// ended (or its grace period has run out), so that it is not removed before its time: then
/// the instant to look again is noted in `next` and the answer is `None`. Otherwise, whether
/// the finalizer is gone (`Some(false)`: the write failed).
fn release(s: &mut Server, ws: &str, p: &Value, next: &mut Soonest) -> Option<bool> {
    if !has_finalizer(p) {
        return Some(true);
    }
    if object::is_terminating(p) && !is_terminal(p) {
        let end = str_at(p, &["metadata", "deletionTimestamp"])
            .and_then(parse_rfc3339)
            .unwrap_or(0);
        if end > s.clock.now_ms() {
            next.note(end);
            return None;
        }
    }
    let mut u = p.clone();
    let rest: Vec<Value> = array_at(p, &["metadata", "finalizers"])
        .iter()
        .filter(|f| *f != TRACKING_FINALIZER)
        .cloned()
        .collect();
    if rest.is_empty() {
        object::remove_path(&mut u, &["metadata", "finalizers"]);
    } else {
        set_path(&mut u, &["metadata", "finalizers"], Value::from(rest));
    }
    Some(s.update(ws, u).is_ok())
}

/// The pod back-off before the next pod after `failures` failures in a row
/// (`getRemainingTimeForFailuresCount`): none, then 10 s doubling up to 6 minutes.
pub fn backoff_ms(failures: i64) -> i64 {
    if failures <= 0 {
        return 0;
    }
    let mut d = DEFAULT_BACKOFF_MS;
    for _ in 1..failures {
        d *= 2;
        if d >= MAX_BACKOFF_MS {
            return MAX_BACKOFF_MS;
        }
    }
    d
}

/// What is left of the back-off at `now` after `failures` failures, the last at `last_ms`.
pub fn remaining_backoff_ms(failures: i64, last_ms: i64, now: i64) -> i64 {
    let d = backoff_ms(failures);
    let elapsed = now - last_ms;
    if failures == 0 || d < elapsed {
        0
    } else {
        d - elapsed
    }
}

/// `getFinishedTime`: the last container's finish, else the Ready=False transition, else the
/// deletion time, else the creation time.
fn finished_at(p: &Value) -> i64 {
    let containers = array_at(p, &["status", "containerStatuses"]);
    let from_containers = containers
        .iter()
        .filter_map(|c| str_at(c, &["state", "terminated", "finishedAt"]).and_then(parse_rfc3339))
        .max();
    from_containers
        .or_else(|| {
            array_at(p, &["status", "conditions"])
                .iter()
                .find(|c| c["type"] == "Ready" && c["status"] == "False")
                .and_then(|c| c["lastTransitionTime"].as_str())
                .and_then(parse_rfc3339)
        })
        .or_else(|| str_at(p, &["metadata", "deletionTimestamp"]).and_then(parse_rfc3339))
        .or_else(|| str_at(p, &["metadata", "creationTimestamp"]).and_then(parse_rfc3339))
        .unwrap_or(0)
}

/// Whether the pod was deleted while it still ran: upstream counts such a pod as failed as
/// soon as it sees it terminating, before any exit code.
fn deleted_before_finishing(p: &Value) -> bool {
    let Some(end) = str_at(p, &["metadata", "deletionTimestamp"]).and_then(parse_rfc3339) else {
        return false;
    };
    let grace = object::i64_at(p, &["metadata", "deletionGracePeriodSeconds"]).unwrap_or(0);
    finished_at(p) >= end - grace * 1000
}

/// The back-off record (`newBackoffRecord`) from the finished pods still present: failures
/// after the last success, and the time of the last failure.
fn backoff_record(pods: &[Value]) -> (i64, i64) {
    let last_success = pods
        .iter()
        .filter(|p| phase(p) == "Succeeded")
        .map(finished_at)
        .max()
        .unwrap_or(i64::MIN);
    let failures: Vec<i64> = pods
        .iter()
        .filter(|p| phase(p) == "Failed")
        .map(finished_at)
        .filter(|t| *t > last_success)
        .collect();
    (
        failures.len() as i64,
        failures.iter().copied().max().unwrap_or(0),
    )
}

fn index_of(p: &Value) -> Option<i64> {
    str_at(p, &["metadata", "annotations", COMPLETION_INDEX])
        .or_else(|| str_at(p, &["metadata", "labels", COMPLETION_INDEX]))
        .and_then(|i| i.parse().ok())
        .filter(|i| *i >= 0)
}

/// The condition of type `t` when it is True.
fn condition<'a>(job: &'a Value, t: &str) -> Option<&'a Value> {
    condition::get(job, t).filter(|c| c["status"] == "True")
}

/// A finished Job has a true Complete or Failed condition (`IsJobFinished`).
pub fn is_finished(job: &Value) -> bool {
    condition(job, "Complete").is_some() || condition(job, "Failed").is_some()
}

/// Upstream's condition (`newCondition`): probe and transition times now.
fn new_condition(t: &str, status: &str, reason: &str, message: &str, now: &str) -> Value {
    json!({"type": t, "status": status, "lastProbeTime": now, "lastTransitionTime": now, "reason": reason, "message": message})
}

/// `ensureJobConditionStatus`: sets the condition, or adds it unless it would be False.
/// Returns whether anything changed.
fn ensure_condition(
    conds: &mut Vec<Value>,
    t: &str,
    status: &str,
    reason: &str,
    message: &str,
    now: &str,
) -> bool {
    if let Some(c) = conds.iter_mut().find(|c| c["type"] == t) {
        if c["status"] != status || c["reason"] != reason || c["message"] != message {
            *c = new_condition(t, status, reason, message, now);
            return true;
        }
        return false;
    }
    if status != "False" {
        conds.push(new_condition(t, status, reason, message, now));
        return true;
    }
    false
}

/// A ranking for removal (`controller.ActivePods`): unassigned, then Pending before Running,
/// not ready before ready, then newer first.
fn removal_rank(p: &Value) -> (bool, u8, bool, std::cmp::Reverse<String>) {
    let assigned = str_at(p, &["spec", "nodeName"]).is_some_and(|n| !n.is_empty());
    let phase = match phase(p) {
        "Pending" => 0,
        "Unknown" => 1,
        _ => 2,
    };
    let created = str_at(p, &["metadata", "creationTimestamp"])
        .unwrap_or("")
        .to_string();
    (assigned, phase, is_pod_ready(p), std::cmp::Reverse(created))
}

struct Spec {
    completions: Option<i64>,
    parallelism: i64,
    backoff_limit: i64,
    indexed: bool,
    suspended: bool,
    deadline: Option<i64>,
    replace_only_failed: bool,
}

impl Spec {
    fn of(job: &Value) -> Spec {
        let int = |k: &str| object::i64_at(job, &["spec", k]);
        // int32 fields, as the API validates them.
        let int32 = |k: &str| int(k).map(|v| v.clamp(0, i64::from(i32::MAX)));
        Spec {
            completions: int32("completions"),
            parallelism: int32("parallelism").unwrap_or(1),
            backoff_limit: int32("backoffLimit").unwrap_or(6),
            indexed: str_at(job, &["spec", "completionMode"]) == Some("Indexed"),
            suspended: path(job, &["spec", "suspend"]) == Some(&json!(true)),
            deadline: int("activeDeadlineSeconds"),
            replace_only_failed: str_at(job, &["spec", "podReplacementPolicy"]) == Some("Failed"),
        }
    }
}

fn event(s: &mut Server, ws: &str, job: &Value, kind: EventType, reason: &str, message: &str) {
    s.event(ws, job, kind, reason, message, COMPONENT);
}

/// Deletes pods (`deleteJobPods`); returns (deleted, of which ready).
fn delete_pods(s: &mut Server, ws: &str, job: &Value, pods: &[&Value]) -> (i64, i64) {
    let (mut deleted, mut ready) = (0, 0);
    for p in pods.iter().take(MAX_PER_SYNC) {
        let name = object::name(p).to_string();
        if s.delete(
            ws,
            kind("v1", "Pod"),
            object::namespace(p),
            &name,
            None,
            None,
        )
        .is_ok()
        {
            deleted += 1;
            if is_pod_ready(p) {
                ready += 1;
            }
            event(
                s,
                ws,
                job,
                EventType::Normal,
                "SuccessfulDelete",
                &format!("Deleted pod: {name}"),
            );
        }
    }
    (deleted, ready)
}

/// `syncJob`: counts finished pods, manages active ones, writes the status; says when to look
/// again (a pod's termination ends, the deadline, the back-off, the TTL).
fn sync(s: &mut Server, key: &Key, job: &Value, pods: Vec<Value>) -> Action {
    let ws = &*key.workspace;
    let now = s.clock.now_ms();
    let now_text = s.clock.rfc3339();
    let mut next = Soonest::default();
    let mut failed_write = false;
    if object::is_terminating(job) || is_finished(job) {
        for p in &pods {
            failed_write |= release(s, ws, p, &mut next) == Some(false);
        }
        if !object::is_terminating(job) {
            ttl_after_finished(s, ws, job, &mut next);
        }
        return if failed_write {
            Action::Retry
        } else {
            next.action(now)
        };
    }
    let spec = Spec::of(job);

    let active_pods: Vec<&Value> = pods
        .iter()
        .filter(|p| !is_terminal(p) && !object::is_terminating(p))
        .collect();
    let mut active = active_pods.len() as i64;
    let mut terminating = pods
        .iter()
        .filter(|p| !is_terminal(p) && object::is_terminating(p))
        .count() as i64;
    let mut ready = active_pods.iter().filter(|p| is_pod_ready(p)).count() as i64;

    // Pods that finished since the last sync: counted as their finalizer is removed.
    let completions = spec.completions.unwrap_or(1);
    let mut completed = Intervals::parse(
        str_at(job, &["status", "completedIndexes"]).unwrap_or(""),
        completions,
    );
    let mut new_succeeded = 0;
    let mut new_failed = 0;
    for p in pods.iter().filter(|p| has_finalizer(p)) {
        let counted = match phase(p) {
            // A pod deleted before it finished counts as failed, whatever its exit code.
            "Succeeded" => Some(!deleted_before_finishing(p)),
            "Failed" => Some(false),
            _ if object::is_terminating(p) => Some(false),
            _ => None,
        };
        let Some(succeeded) = counted else { continue };
        match release(s, ws, p, &mut next) {
            Some(true) => {}
            Some(false) => {
                failed_write = true;
                continue;
            }
            None => continue,
        }
        if succeeded {
            new_succeeded += 1;
            if let Some(i) = index_of(p).filter(|i| *i < completions) {
                completed.insert(i);
            }
        } else {
            new_failed += 1;
        }
    }
    let succeeded = if spec.indexed {
        completed.total()
    } else {
        object::i64_at(job, &["status", "succeeded"])
            .unwrap_or(0)
            .saturating_add(new_succeeded)
    };
    let failed = object::i64_at(job, &["status", "failed"])
        .unwrap_or(0)
        .saturating_add(new_failed);

    let mut conditions: Vec<Value> = array_at(job, &["status", "conditions"]).to_vec();
    let mut start_time = path(job, &["status", "startTime"]).cloned();
    if start_time.is_none() && !spec.suspended {
        start_time = Some(json!(now_text));
    }
    let start_ms = start_time
        .as_ref()
        .and_then(Value::as_str)
        .and_then(parse_rfc3339);

    // The interim condition (FailureTarget or SuccessCriteriaMet) and the final one it leads to.
    let mut finished: Option<(&str, String, String)> = None;
    for (interim, fin) in [
        ("FailureTarget", "Failed"),
        ("SuccessCriteriaMet", "Complete"),
    ] {
        if let Some(c) = conditions
            .iter()
            .find(|c| c["type"] == interim && c["status"] == "True")
        {
            finished = Some((
                fin,
                c["reason"].as_str().unwrap_or("").to_string(),
                c["message"].as_str().unwrap_or("").to_string(),
            ));
            break;
        }
    }
    let restart_on_failure =
        str_at(job, &["spec", "template", "spec", "restartPolicy"]) == Some("OnFailure");
    let deadline_at = match (spec.deadline, start_ms) {
        (Some(d), Some(t)) if !spec.suspended => Some(t.saturating_add(d.saturating_mul(1000))),
        _ => None,
    };
    if finished.is_none() {
        let past_deadline = deadline_at.is_some_and(|at| now >= at);
        let failure = if failed > spec.backoff_limit
            || (restart_on_failure && past_backoff_limit_on_failure(&spec, &pods))
        {
            Some((
                "BackoffLimitExceeded",
                "Job has reached the specified backoff limit",
            ))
        } else if past_deadline {
            Some((
                "DeadlineExceeded",
                "Job was active longer than specified deadline",
            ))
        } else {
            if let Some(at) = deadline_at {
                next.note(at);
            }
            None
        };
        if let Some((reason, message)) = failure {
            conditions.push(new_condition(
                "FailureTarget",
                "True",
                reason,
                message,
                &now_text,
            ));
            finished = Some(("Failed", reason.into(), message.into()));
        }
    }

    if finished.is_some() {
        let (deleted, deleted_ready) = delete_pods(s, ws, job, &active_pods);
        active -= deleted;
        terminating += deleted;
        ready -= deleted_ready;
    } else {
        let managed = manage(
            s,
            ws,
            job,
            &spec,
            &pods,
            &active_pods,
            succeeded,
            &completed,
            terminating,
            &mut next,
        );
        let (a, t) = match managed {
            Ok(counts) => counts,
            Err(counts) => {
                failed_write = true;
                counts
            }
        };
        active = a;
        terminating = t;
        ready = ready.min(active);
        let complete = match spec.completions {
            None => succeeded > 0 && active == 0,
            Some(c) => succeeded >= c && active == 0,
        };
        if complete {
            let (reason, message) = (
                "CompletionsReached",
                "Reached expected number of succeeded pods",
            );
            conditions.push(new_condition(
                "SuccessCriteriaMet",
                "True",
                reason,
                message,
                &now_text,
            ));
            finished = Some(("Complete", reason.into(), message.into()));
        } else if spec.suspended {
            if ensure_condition(
                &mut conditions,
                "Suspended",
                "True",
                "JobSuspended",
                "Job suspended",
                &now_text,
            ) {
                event(s, ws, job, EventType::Normal, "Suspended", "Job suspended");
            }
        } else if ensure_condition(
            &mut conditions,
            "Suspended",
            "False",
            "JobResumed",
            "Job resumed",
            &now_text,
        ) {
            event(s, ws, job, EventType::Normal, "Resumed", "Job resumed");
            // A resumed Job's activeDeadlineSeconds counts from now.
            start_time = Some(json!(now_text));
        }
    }

    // The final condition once no pod is left terminating (`enactJobFinished`).
    let mut completion_time = path(job, &["status", "completionTime"]).cloned();
    if let Some((fin, reason, message)) = &finished {
        if terminating == 0 && active == 0 {
            ensure_condition(&mut conditions, fin, "True", reason, message, &now_text);
            if *fin == "Complete" {
                completion_time = Some(json!(now_text));
                if spec.completions.is_some_and(|c| succeeded > c) {
                    event(
                        s,
                        ws,
                        job,
                        EventType::Warning,
                        "TooManySucceededPods",
                        "Too many succeeded pods running after completion count reached",
                    );
                }
                event(s, ws, job, EventType::Normal, "Completed", "Job completed");
            } else {
                event(s, ws, job, EventType::Warning, reason, message);
            }
        }
    }

    let mut status = crate::api::Map::new();
    if !conditions.is_empty() {
        status.insert("conditions", Value::from(conditions));
    }
    if let Some(t) = start_time {
        status.insert("startTime", t);
    }
    if let Some(t) = completion_time {
        status.insert("completionTime", t);
    }
    for (k, v) in [
        ("active", active),
        ("succeeded", succeeded),
        ("failed", failed),
    ] {
        if v != 0 {
            status.insert(k, json!(v));
        }
    }
    status.insert("terminating", json!(terminating));
    if spec.indexed && !completed.is_empty() {
        status.insert("completedIndexes", json!(completed.to_string()));
    }
    status.insert("uncountedTerminatedPods", json!({}));
    status.insert("ready", json!(ready.max(0)));
    let mut new = job.clone();
    new["status"] = Value::Object(status);
    let _ = s.update_status(ws, &new);
    if is_finished(&new) {
        ttl_after_finished(s, ws, &new, &mut next);
    }
    if failed_write {
        Action::Retry
    } else {
        next.action(now)
    }
}

/// `pastBackoffLimitOnFailure`: with `restartPolicy: OnFailure`, container restarts of
/// pending and running pods count against the back-off limit.
fn past_backoff_limit_on_failure(spec: &Spec, pods: &[Value]) -> bool {
    let restarts: i64 = pods
        .iter()
        .filter(|p| matches!(phase(p), "Running" | "Pending"))
        .flat_map(|p| {
            array_at(p, &["status", "initContainerStatuses"])
                .iter()
                .chain(array_at(p, &["status", "containerStatuses"]))
        })
        .map(|c| c["restartCount"].as_i64().unwrap_or(0))
        .fold(0i64, i64::saturating_add);
    if spec.backoff_limit == 0 {
        restarts > 0
    } else {
        restarts >= spec.backoff_limit
    }
}

/// `manageJob`: deletes active pods beyond what is wanted, or creates the missing ones (in
/// slow-start batches, at most [`MAX_PER_SYNC`]) once the back-off allows, noting in `next`
/// when it ends. Returns (active, terminating), as `Err` when a pod could not be created.
#[allow(clippy::too_many_arguments)]
fn manage(
    s: &mut Server,
    ws: &str,
    job: &Value,
    spec: &Spec,
    pods: &[Value],
    active_pods: &[&Value],
    succeeded: i64,
    completed: &Intervals,
    terminating: i64,
    next: &mut Soonest,
) -> Result<(i64, i64), (i64, i64)> {
    let mut active = active_pods.len() as i64;
    if spec.suspended {
        let (deleted, _) = delete_pods(s, ws, job, active_pods);
        return Ok((active - deleted, terminating + deleted));
    }
    let want = match spec.completions {
        None if succeeded > 0 => active,
        None => spec.parallelism,
        Some(c) => (c - succeeded).min(spec.parallelism).max(0),
    };
    let rm_at_least = (active - want).max(0) as usize;
    let mut remove: Vec<&Value> = Vec::new();
    let mut left: Vec<&Value> = active_pods.to_vec();
    if spec.indexed {
        // Pods without a valid index, or with an index already taken, go first.
        let completions = spec.completions.unwrap_or(1);
        left.sort_by_key(|p| (index_of(p), removal_rank(p)));
        let mut kept: Vec<&Value> = Vec::new();
        for (i, p) in left.iter().enumerate() {
            let idx = index_of(p);
            let dup = left
                .get(i + 1)
                .is_some_and(|n| idx.is_some() && index_of(n) == idx);
            if idx.is_none_or(|x| x >= completions) || dup {
                remove.push(p);
            } else {
                kept.push(p);
            }
        }
        left = kept;
    }
    if remove.len() < rm_at_least {
        left.sort_by_key(|p| removal_rank(p));
        let n = rm_at_least - remove.len();
        remove.extend(left.into_iter().take(n));
    }
    if !remove.is_empty() {
        let (deleted, _) = delete_pods(s, ws, job, &remove);
        return Ok((active - deleted, terminating + deleted));
    }
    let replacing = if spec.replace_only_failed {
        terminating
    } else {
        0
    };
    let diff = want - replacing - active;
    if diff <= 0 {
        return Ok((active, terminating));
    }
    let now = s.clock.now_ms();
    let (failures, last_failure) = backoff_record(pods);
    let remaining = remaining_backoff_ms(failures, last_failure, now);
    if remaining > 0 {
        next.note(now.saturating_add(remaining));
        return Ok((active, terminating));
    }
    let diff = usize::try_from(diff)
        .unwrap_or(usize::MAX)
        .min(MAX_PER_SYNC);
    let indexes: Vec<Option<i64>> = if spec.indexed {
        let busy: BTreeSet<i64> = active_pods.iter().filter_map(|p| index_of(p)).collect();
        completed
            .first_pending(&busy, diff, spec.completions.unwrap_or(1))
            .into_iter()
            .map(Some)
            .collect()
    } else {
        vec![None; diff]
    };
    let mut template = path(job, &["spec", "template"])
        .cloned()
        .unwrap_or(json!({}));
    let mut finalizers: Vec<Value> = array_at(&template, &["metadata", "finalizers"]).to_vec();
    if !finalizers.iter().any(|f| f == TRACKING_FINALIZER) {
        finalizers.push(json!(TRACKING_FINALIZER));
    }
    set_path(
        &mut template,
        &["metadata", "finalizers"],
        Value::from(finalizers),
    );
    if spec.indexed {
        add_index_env(&mut template);
    }
    let job_name = object::name(job).to_string();
    let mut todo = indexes.into_iter();
    let (created, failure) = slow_start_batch(todo.len(), || {
        let mut pod = pod_from_template(job, &template);
        let generate = match todo.next().flatten() {
            Some(i) => {
                set_path(
                    &mut pod,
                    &["metadata", "annotations", COMPLETION_INDEX],
                    json!(i.to_string()),
                );
                set_path(
                    &mut pod,
                    &["metadata", "labels", COMPLETION_INDEX],
                    json!(i.to_string()),
                );
                set_path(
                    &mut pod,
                    &["spec", "hostname"],
                    json!(format!("{job_name}-{i}")),
                );
                format!("{job_name}-{i}-")
            }
            None => format!("{job_name}-"),
        };
        set_path(&mut pod, &["metadata", "generateName"], json!(generate));
        // The pod control's events (controller.RealPodControl.createPods).
        match s.create(ws, pod) {
            Ok(p) => {
                let message = format!("Created pod: {}", object::name(&p));
                event(s, ws, job, EventType::Normal, "SuccessfulCreate", &message);
                Ok(())
            }
            Err(e) => {
                let message = format!("Error creating: {}", e.message);
                event(s, ws, job, EventType::Warning, "FailedCreate", &message);
                Err(e)
            }
        }
    });
    active += created as i64;
    if failure.is_some() {
        Err((active, terminating))
    } else {
        Ok((active, terminating))
    }
}

/// `addCompletionIndexEnvVariables`: `JOB_COMPLETION_INDEX` from the pod's annotation.
fn add_index_env(template: &mut Value) {
    for list in ["initContainers", "containers"] {
        let Some(cs) = template
            .pointer_mut(&format!("/spec/{list}"))
            .and_then(Value::as_array_mut)
        else {
            continue;
        };
        for c in cs {
            let has = array_at(c, &["env"])
                .iter()
                .any(|e| e["name"] == "JOB_COMPLETION_INDEX");
            if !has {
                let mut env = array_at(c, &["env"]).to_vec();
                env.push(json!({"name": "JOB_COMPLETION_INDEX", "valueFrom": {"fieldRef": {"fieldPath": format!("metadata.annotations['{COMPLETION_INDEX}']")}}}));
                set_path(c, &["env"], Value::from(env));
            }
        }
    }
}

/// The TTL-after-finished controller: a finished Job with `ttlSecondsAfterFinished` is
/// deleted (in the foreground, with its pods) that many seconds after it finished.
fn ttl_after_finished(s: &mut Server, ws: &str, job: &Value, next: &mut Soonest) {
    let Some(ttl) = object::i64_at(job, &["spec", "ttlSecondsAfterFinished"]) else {
        return;
    };
    if object::is_terminating(job) {
        return;
    }
    let finished = str_at(job, &["status", "completionTime"])
        .or_else(|| {
            condition(job, "Failed")
                .or_else(|| condition(job, "Complete"))
                .and_then(|c| c["lastTransitionTime"].as_str())
        })
        .and_then(parse_rfc3339);
    let Some(at) = finished.map(|t| t.saturating_add(ttl.max(0).saturating_mul(1000))) else {
        return;
    };
    if s.clock.now_ms() >= at {
        let _ = s.delete(
            ws,
            kind("batch/v1", "Job"),
            object::namespace(job),
            object::name(job),
            Some(Propagation::Foreground),
            None,
        );
    } else {
        next.note(at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pod_failure_backoff_doubles_from_10s_to_6min() {
        // failures in a row → back-off before the next pod
        let cases = [
            (0, 0),
            (1, 10_000),
            (2, 20_000),
            (3, 40_000),
            (4, 80_000),
            (5, 160_000),
            (6, 320_000),
            (7, 360_000),
            (20, 360_000),
        ];
        for (failures, want) in cases {
            assert_eq!(backoff_ms(failures), want, "{failures}");
        }
        // Time already passed since the last failure is taken off.
        assert_eq!(remaining_backoff_ms(2, 1_000, 6_000), 15_000);
        assert_eq!(remaining_backoff_ms(2, 1_000, 30_000), 0);
        assert_eq!(remaining_backoff_ms(0, 1_000, 1_000), 0);
    }

    #[test]
    fn backoff_record_counts_failures_after_the_last_success() {
        let pod = |phase: &str, finished: &str| json!({"status": {"phase": phase, "containerStatuses": [{"state": {"terminated": {"finishedAt": finished}}}]}});
        let pods = [
            pod("Failed", "2026-01-01T00:00:10Z"),
            pod("Succeeded", "2026-01-01T00:00:20Z"),
            pod("Failed", "2026-01-01T00:00:30Z"),
            pod("Failed", "2026-01-01T00:00:40Z"),
        ];
        let (n, last) = backoff_record(&pods);
        assert_eq!(n, 2);
        assert_eq!(last, parse_rfc3339("2026-01-01T00:00:40Z").unwrap());
        assert_eq!(backoff_record(&pods[..2]).0, 0);
    }

    use crate::controllers::testing::{Harness, TEAM};

    fn job(name: &str, completions: i64, parallelism: i64) -> Value {
        json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name, "namespace": "default"},
            "spec": {"completions": completions, "parallelism": parallelism,
                "template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}}})
    }

    fn pods_of(h: &Harness<JobController>, ws: &str, uid: &str) -> Vec<Value> {
        h.list(ws, "pods", "default")
            .into_iter()
            .filter(|p| controller_of(p).is_some_and(|r| r["uid"] == uid))
            .collect()
    }

    /// The kubelet's part: the pod ran to completion.
    fn succeed(h: &mut Harness<JobController>, ws: &str, pod: &Value) {
        let mut p = pod.clone();
        p["status"] = json!({"phase": "Succeeded", "containerStatuses": [{"name": "c",
            "state": {"terminated": {"exitCode": 0, "finishedAt": h.s.clock.rfc3339()}}}]});
        h.s.update_status(ws, &p).unwrap();
        h.settle();
    }

    #[test]
    fn a_pod_change_reconciles_only_its_job() {
        let mut h = Harness::new(JobController, vec![]);
        let a = h.create("root", job("a", 1, 1));
        h.create("root", job("b", 1, 1));
        let pod = pods_of(&h, "root", object::uid(&a)).remove(0);
        h.clear();
        succeed(&mut h, "root", &pod);
        assert_eq!(h.reconciled(RESOURCE), ["root/a"]);
        assert!(h.reconciled("pods").is_empty());
        let a = h.get("root", RESOURCE, "default", "a");
        assert_eq!(a["status"]["succeeded"], 1);
        assert!(is_finished(&a));
        assert!(!is_finished(&h.get("root", RESOURCE, "default", "b")));
    }

    #[test]
    fn same_named_jobs_in_two_workspaces_are_independent() {
        let mut h = Harness::new(JobController, vec![]);
        let root = h.create("root", job("pi", 2, 2));
        let team = h.create(TEAM, job("pi", 2, 2));
        assert_ne!(object::uid(&root), object::uid(&team));
        assert_eq!(pods_of(&h, "root", object::uid(&root)).len(), 2);
        let team_pods = pods_of(&h, TEAM, object::uid(&team));
        assert_eq!(team_pods.len(), 2);
        h.clear();
        for p in &team_pods {
            succeed(&mut h, TEAM, p);
        }
        assert!(h.reconciled(RESOURCE).iter().all(|k| k == "root:team/pi"));
        let team = h.get(TEAM, RESOURCE, "default", "pi");
        assert!(is_finished(&team), "{team}");
        assert_eq!(team["status"]["succeeded"], 2);
        let root = h.get("root", RESOURCE, "default", "pi");
        assert_eq!(root["status"]["active"], 2);
        assert!(root["status"].get("succeeded").is_none());
        // Each workspace's Events are its own.
        let completed = |ws: &str| {
            h.list(ws, "events", "default")
                .iter()
                .any(|e| e["reason"] == "Completed")
        };
        assert!(completed(TEAM) && !completed("root"));
    }

    #[test]
    fn a_pod_left_with_the_finalizer_after_its_job_is_gone_is_released() {
        let mut h = Harness::new(JobController, vec![]);
        let j = h.create("root", job("a", 1, 1));
        let pod = pods_of(&h, "root", object::uid(&j)).remove(0);
        // Deleted without waiting for its pods (no garbage collector here).
        h.s.store
            .remove(&Key::new("root", RESOURCE, "default", "a"));
        h.settle();
        let p = h.get("root", "pods", "default", object::name(&pod));
        assert!(!has_finalizer(&p), "{p}");
        assert!(h
            .reconciled("pods")
            .contains(&format!("root/{}", object::name(&pod))));
    }

    #[test]
    fn one_sync_of_a_huge_job_creates_at_most_500_pods() {
        // The largest an Indexed Job may ask for: completions up to int32, parallelism up to
        // 100,000 (validation's Indexed limit).
        let mut s = Server::new(1, 0);
        let mut huge = job("huge", 2_147_483_647, 100_000);
        huge["spec"]["completionMode"] = json!("Indexed");
        let created = s.create("root", huge).unwrap();
        let key = Key::new("root", RESOURCE, "default", "huge");
        assert_eq!(JobController.reconcile(&mut s, &key), Action::AwaitChange);
        let pods = owned_pods(&s, &key, object::uid(&created));
        assert_eq!(pods.len(), MAX_PER_SYNC);
        // The lowest pending indexes, each once.
        let indexes: BTreeSet<i64> = pods.iter().filter_map(index_of).collect();
        assert_eq!(indexes, (0..500).collect());
        let again = s.store.get(&key).cloned().unwrap();
        assert_eq!(again["status"]["active"], 500);
    }
}
