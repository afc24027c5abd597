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
use super::statefulset::{is_terminal, phase, pod_from_template};
use super::{is_pod_ready, kind};
use crate::api::object::{self, array_at, controller_of, path, set_path, str_at};
use crate::api::Value;
use crate::json;
use crate::server::{EventType, Propagation, Server, ROOT};
use crate::sim::parse_rfc3339;
use std::collections::{BTreeSet, HashMap, HashSet};

const COMPONENT: &str = "job-controller";
/// `batch.JobTrackingFinalizer`.
pub const TRACKING_FINALIZER: &str = "batch.kubernetes.io/job-tracking";
/// `batch.JobCompletionIndexAnnotation` (also the label, with PodIndexLabel).
pub const COMPLETION_INDEX: &str = "batch.kubernetes.io/job-completion-index";
pub const CONTROLLER_UID_LABEL: &str = "batch.kubernetes.io/controller-uid";
pub const JOB_NAME_LABEL: &str = "batch.kubernetes.io/job-name";
pub const LEGACY_CONTROLLER_UID_LABEL: &str = "controller-uid";
pub const LEGACY_JOB_NAME_LABEL: &str = "job-name";
/// `DefaultJobPodFailureBackOff` and `MaxJobPodFailureBackOff`.
pub const DEFAULT_BACKOFF_MS: i64 = 10_000;
pub const MAX_BACKOFF_MS: i64 = 360_000;
/// `MaxPodCreateDeletePerSync`.
const MAX_PER_SYNC: usize = 500;

pub fn reconcile(s: &mut Server) {
    let jobs: Vec<Value> = s
        .list(ROOT, kind("batch/v1", "Job"), None)
        .cloned()
        .collect();
    let uids: HashSet<&str> = jobs.iter().map(object::uid).collect();
    let mut by_owner: HashMap<String, Vec<Value>> = HashMap::new();
    let mut orphans: Vec<Value> = Vec::new();
    for p in s.list(ROOT, kind("v1", "Pod"), None) {
        let owner = controller_of(p)
            .filter(|r| r["kind"] == "Job")
            .and_then(|r| r["uid"].as_str());
        match owner {
            Some(uid) if uids.contains(uid) => {
                by_owner.entry(uid.to_string()).or_default().push(p.clone())
            }
            _ if has_finalizer(p) => orphans.push(p.clone()),
            _ => {}
        }
    }
    // Pods whose Job is gone keep no finalizer (`syncOrphanPod`).
    for p in &orphans {
        release(s, p);
    }
    for job in &jobs {
        let pods = by_owner.remove(object::uid(job)).unwrap_or_default();
        sync(s, job, pods);
    }
}

fn has_finalizer(p: &Value) -> bool {
    array_at(p, &["metadata", "finalizers"])
        .iter()
        .any(|f| f == TRACKING_FINALIZER)
}

/// Removes the tracking finalizer. A pod in its graceful termination keeps it until it has
/// ended (or its grace period has run out), so that it is not removed before its time.
/// Returns whether the finalizer is gone.
fn release(s: &mut Server, p: &Value) -> bool {
    if !has_finalizer(p) {
        return true;
    }
    if object::is_terminating(p) && !is_terminal(p) {
        let end = str_at(p, &["metadata", "deletionTimestamp"])
            .and_then(parse_rfc3339)
            .unwrap_or(0);
        if end > s.clock.now_ms() {
            s.timers.wake_at(end);
            return false;
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
    s.update(ROOT, u).is_ok()
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

/// Completed indexes as upstream writes them: "1,3-5,7" (two in a row are "3,4").
pub fn format_indexes(indexes: &BTreeSet<i64>) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut iter = indexes.iter().copied().peekable();
    while let Some(first) = iter.next() {
        let mut last = first;
        while iter.peek() == Some(&(last + 1)) {
            last = iter.next().unwrap_or(last);
        }
        out.push(match last - first {
            0 => first.to_string(),
            1 => format!("{first},{last}"),
            _ => format!("{first}-{last}"),
        });
    }
    out.join(",")
}

/// Parses "1,3-5,7"; indexes at or above `completions` are dropped.
pub fn parse_indexes(s: &str, completions: i64) -> BTreeSet<i64> {
    let mut out = BTreeSet::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (a, b) = part.split_once('-').unwrap_or((part, part));
        if let (Ok(a), Ok(b)) = (a.parse::<i64>(), b.parse::<i64>()) {
            for i in a..=b.min(completions - 1) {
                out.insert(i);
            }
        }
    }
    out
}

fn index_of(p: &Value) -> Option<i64> {
    str_at(p, &["metadata", "annotations", COMPLETION_INDEX])
        .or_else(|| str_at(p, &["metadata", "labels", COMPLETION_INDEX]))
        .and_then(|i| i.parse().ok())
        .filter(|i| *i >= 0)
}

fn condition<'a>(job: &'a Value, t: &str) -> Option<&'a Value> {
    array_at(job, &["status", "conditions"])
        .iter()
        .find(|c| c["type"] == t && c["status"] == "True")
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
        Spec {
            completions: int("completions"),
            parallelism: int("parallelism").unwrap_or(1).max(0),
            backoff_limit: int("backoffLimit").unwrap_or(6),
            indexed: str_at(job, &["spec", "completionMode"]) == Some("Indexed"),
            suspended: path(job, &["spec", "suspend"]) == Some(&json!(true)),
            deadline: int("activeDeadlineSeconds"),
            replace_only_failed: str_at(job, &["spec", "podReplacementPolicy"]) == Some("Failed"),
        }
    }
}

fn event(s: &mut Server, job: &Value, kind: EventType, reason: &str, message: &str) {
    s.event(ROOT, job, kind, reason, message, COMPONENT);
}

/// Deletes pods (`deleteJobPods`); returns (deleted, of which ready).
fn delete_pods(s: &mut Server, job: &Value, pods: &[&Value]) -> (i64, i64) {
    let (mut deleted, mut ready) = (0, 0);
    for p in pods.iter().take(MAX_PER_SYNC) {
        let name = object::name(p).to_string();
        if s.delete(
            ROOT,
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
                job,
                EventType::Normal,
                "SuccessfulDelete",
                &format!("Deleted pod: {name}"),
            );
        }
    }
    (deleted, ready)
}

fn sync(s: &mut Server, job: &Value, pods: Vec<Value>) {
    let now = s.clock.now_ms();
    let now_text = s.clock.rfc3339();
    if object::is_terminating(job) {
        for p in &pods {
            release(s, p);
        }
        return;
    }
    if is_finished(job) {
        for p in &pods {
            release(s, p);
        }
        ttl_after_finished(s, job);
        return;
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
    let mut completed = parse_indexes(
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
        if !release(s, p) {
            continue;
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
        completed.len() as i64
    } else {
        object::i64_at(job, &["status", "succeeded"]).unwrap_or(0) + new_succeeded
    };
    let failed = object::i64_at(job, &["status", "failed"]).unwrap_or(0) + new_failed;

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
    if finished.is_none() {
        let past_deadline = match (spec.deadline, start_ms) {
            (Some(d), Some(t)) if !spec.suspended => now >= t + d * 1000,
            _ => false,
        };
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
            if let (Some(d), Some(t), false) = (spec.deadline, start_ms, spec.suspended) {
                s.timers.wake_at(t + d * 1000);
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
        let (deleted, deleted_ready) = delete_pods(s, job, &active_pods);
        active -= deleted;
        terminating += deleted;
        ready -= deleted_ready;
    } else {
        let (a, t) = manage(
            s,
            job,
            &spec,
            &pods,
            &active_pods,
            succeeded,
            &completed,
            terminating,
        );
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
                event(s, job, EventType::Normal, "Suspended", "Job suspended");
            }
        } else if ensure_condition(
            &mut conditions,
            "Suspended",
            "False",
            "JobResumed",
            "Job resumed",
            &now_text,
        ) {
            event(s, job, EventType::Normal, "Resumed", "Job resumed");
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
                        job,
                        EventType::Warning,
                        "TooManySucceededPods",
                        "Too many succeeded pods running after completion count reached",
                    );
                }
                event(s, job, EventType::Normal, "Completed", "Job completed");
            } else {
                event(s, job, EventType::Warning, reason, message);
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
        status.insert("completedIndexes", json!(format_indexes(&completed)));
    }
    status.insert("uncountedTerminatedPods", json!({}));
    status.insert("ready", json!(ready.max(0)));
    let mut new = job.clone();
    new["status"] = Value::Object(status);
    let _ = s.update_status(ROOT, &new);
    if is_finished(&new) {
        ttl_after_finished(s, &new);
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
        .sum();
    if spec.backoff_limit == 0 {
        restarts > 0
    } else {
        restarts >= spec.backoff_limit
    }
}

/// `manageJob`: deletes active pods beyond what is wanted, or creates the missing ones once
/// the back-off allows. Returns (active, terminating).
#[allow(clippy::too_many_arguments)]
fn manage(
    s: &mut Server,
    job: &Value,
    spec: &Spec,
    pods: &[Value],
    active_pods: &[&Value],
    succeeded: i64,
    completed: &BTreeSet<i64>,
    terminating: i64,
) -> (i64, i64) {
    let mut active = active_pods.len() as i64;
    if spec.suspended {
        let (deleted, _) = delete_pods(s, job, active_pods);
        return (active - deleted, terminating + deleted);
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
        let (deleted, _) = delete_pods(s, job, &remove);
        return (active - deleted, terminating + deleted);
    }
    let replacing = if spec.replace_only_failed {
        terminating
    } else {
        0
    };
    let diff = want - replacing - active;
    if diff <= 0 {
        return (active, terminating);
    }
    let (failures, last_failure) = backoff_record(pods);
    let remaining = remaining_backoff_ms(failures, last_failure, s.clock.now_ms());
    if remaining > 0 {
        s.timers.wake_at(s.clock.now_ms() + remaining);
        return (active, terminating);
    }
    let diff = (diff as usize).min(MAX_PER_SYNC);
    let indexes: Vec<Option<i64>> = if spec.indexed {
        let busy: BTreeSet<i64> = active_pods.iter().filter_map(|p| index_of(p)).collect();
        (0..spec.completions.unwrap_or(1))
            .filter(|i| !completed.contains(i) && !busy.contains(i))
            .take(diff)
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
    for index in indexes {
        let mut pod = pod_from_template(job, &template);
        let generate = match index {
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
        match s.create(ROOT, pod) {
            Ok(p) => {
                active += 1;
                event(
                    s,
                    job,
                    EventType::Normal,
                    "SuccessfulCreate",
                    &format!("Created pod: {}", object::name(&p)),
                );
            }
            Err(e) => {
                event(
                    s,
                    job,
                    EventType::Warning,
                    "FailedCreate",
                    &format!("Error creating: {}", e.message),
                );
                break;
            }
        }
    }
    (active, terminating)
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
fn ttl_after_finished(s: &mut Server, job: &Value) {
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
    let Some(at) = finished.map(|t| t + ttl.max(0) * 1000) else {
        return;
    };
    if s.clock.now_ms() >= at {
        let _ = s.delete(
            ROOT,
            kind("batch/v1", "Job"),
            object::namespace(job),
            object::name(job),
            Some(Propagation::Foreground),
            None,
        );
    } else {
        s.timers.wake_at(at);
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
    fn completed_indexes_round_trip_in_upstream_format() {
        let cases = [
            (vec![], ""),
            (vec![0], "0"),
            (vec![0, 1], "0,1"),
            (vec![0, 1, 2], "0-2"),
            (vec![1, 3, 4, 5, 7], "1,3-5,7"),
            (vec![0, 2, 3, 9], "0,2,3,9"),
        ];
        for (idx, want) in cases {
            let set: BTreeSet<i64> = idx.into_iter().collect();
            assert_eq!(format_indexes(&set), want);
            assert_eq!(parse_indexes(want, 10), set);
        }
        assert_eq!(parse_indexes("0-9", 3), [0, 1, 2].into());
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
}
