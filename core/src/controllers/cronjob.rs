//! The CronJob controller (pkg/controller/cronjob, `cronjob_controllerv2.go`): creates a Job
//! at each time of a cron schedule, evaluated in virtual time (with a wake-up at the next
//! time), in `spec.timeZone`. `concurrencyPolicy` Allow/Forbid/Replace, `startingDeadlineSeconds`,
//! `suspend`, and the history limits for finished Jobs. Jobs are named
//! `<cronjob>-<scheduled time in minutes since the epoch>`, as upstream.
//!
//! Schedules are [`crate::api::cron::Schedule`]s in a [`crate::sim::tz::Zone`] (re-exported
//! here as [`Schedule`] and [`Zone`]).
use super::job::is_finished;
use super::kind;
use crate::api::object::{self, array_at, controller_of, controller_ref, path, set_path, str_at};
use crate::api::{Map, Value};
use crate::json;
use crate::server::{EventType, Propagation, Server, ROOT};
use crate::sim::{format_rfc1123z, format_rfc3339, parse_rfc3339};

pub use crate::api::cron::Schedule;
pub use crate::sim::tz::Zone;

const COMPONENT: &str = "cronjob-controller";
/// `batchv1.CronJobScheduledTimestampAnnotation`.
pub const SCHEDULED_TIMESTAMP: &str = "batch.kubernetes.io/cronjob-scheduled-timestamp";
const MINUTE_MS: i64 = 60_000;

pub fn reconcile(s: &mut Server) {
    let cronjobs: Vec<Value> = s
        .list(ROOT, kind("batch/v1", "CronJob"), None)
        .cloned()
        .collect();
    if cronjobs.is_empty() {
        return;
    }
    let mut by_owner: std::collections::HashMap<String, Vec<Value>> = Default::default();
    for j in s.list(ROOT, kind("batch/v1", "Job"), None) {
        if let Some(uid) = controller_of(j)
            .filter(|r| r["kind"] == "CronJob")
            .and_then(|r| r["uid"].as_str())
        {
            by_owner.entry(uid.to_string()).or_default().push(j.clone());
        }
    }
    for cj in cronjobs {
        let jobs = by_owner.remove(object::uid(&cj)).unwrap_or_default();
        sync(s, &cj, jobs);
    }
}

/// `getJobName`: `<cronjob>-<scheduled time in minutes since the epoch>`.
pub fn job_name(cronjob: &str, scheduled_ms: i64) -> String {
    format!("{cronjob}-{}", scheduled_ms.div_euclid(MINUTE_MS))
}

/// The condition a finished Job ended with (`getFinishedStatus`).
fn finished_as(job: &Value) -> Option<&'static str> {
    array_at(job, &["status", "conditions"])
        .iter()
        .find_map(|c| match (c["type"].as_str(), c["status"].as_str()) {
            (Some("Complete"), Some("True")) => Some("Complete"),
            (Some("Failed"), Some("True")) => Some("Failed"),
            _ => None,
        })
}

/// The most recent schedule time in (earliest, now], and how many there were
/// (`mostRecentScheduleTime`, counted exactly).
fn most_recent(schedule: &Schedule, earliest: i64, now: i64) -> (Option<i64>, usize) {
    let mut t = earliest;
    let mut recent = None;
    let mut count = 0;
    while let Some(n) = schedule.next(t) {
        if n > now || count >= 1_000_000 {
            break;
        }
        recent = Some(n);
        count += 1;
        t = n;
    }
    (recent, count)
}

fn event(s: &mut Server, cj: &Value, kind: EventType, reason: &str, message: &str) {
    s.event(ROOT, cj, kind, reason, message, COMPONENT);
}

fn job_ref(job: &Value) -> Value {
    json!({
        "kind": "Job",
        "namespace": object::namespace(job),
        "name": object::name(job),
        "uid": object::uid(job),
        "apiVersion": "batch/v1",
        "resourceVersion": str_at(job, &["metadata", "resourceVersion"]).unwrap_or(""),
    })
}

/// `deleteJob`: deletes the Job (background) and drops it from the active list.
fn delete_job(s: &mut Server, cj: &Value, job: &Value, active: &mut Vec<Value>) -> bool {
    let name = object::name(job).to_string();
    match s.delete(
        ROOT,
        kind("batch/v1", "Job"),
        object::namespace(job),
        &name,
        Some(Propagation::Background),
        None,
    ) {
        Ok(_) => {
            active.retain(|r| r["uid"] != object::uid(job));
            event(
                s,
                cj,
                EventType::Normal,
                "SuccessfulDelete",
                &format!("Deleted job {name}"),
            );
            true
        }
        Err(e) => {
            event(
                s,
                cj,
                EventType::Warning,
                "FailedDelete",
                &format!("Deleted job: {}", e.message),
            );
            false
        }
    }
}

fn sync(s: &mut Server, cj: &Value, jobs: Vec<Value>) {
    let now = s.clock.now_ms();
    let mut active: Vec<Value> = array_at(cj, &["status", "active"]).to_vec();
    let mut last_schedule = path(cj, &["status", "lastScheduleTime"]).cloned();
    let mut last_success = path(cj, &["status", "lastSuccessfulTime"]).cloned();

    for j in &jobs {
        let uid = object::uid(j);
        let listed = active.iter().any(|r| r["uid"] == uid);
        let finished = is_finished(j);
        if !listed && !finished {
            event(
                s,
                cj,
                EventType::Warning,
                "UnexpectedJob",
                &format!(
                    "Saw a job that the controller did not create or forgot: {}",
                    object::name(j)
                ),
            );
        } else if listed && finished {
            active.retain(|r| r["uid"] != uid);
            event(
                s,
                cj,
                EventType::Normal,
                "SawCompletedJob",
                &format!(
                    "Saw completed job: {}, condition: {}",
                    object::name(j),
                    finished_as(j).unwrap_or("")
                ),
            );
        }
        if finished_as(j) == Some("Complete") {
            if let Some(t) = path(j, &["status", "completionTime"]) {
                let newer = last_success
                    .as_ref()
                    .and_then(Value::as_str)
                    .and_then(parse_rfc3339)
                    .is_none_or(|l| t.as_str().and_then(parse_rfc3339).is_some_and(|c| c > l));
                if newer {
                    last_success = Some(t.clone());
                }
            }
        }
    }
    // Active Jobs that are gone.
    let gone: Vec<Value> = active
        .iter()
        .filter(|r| {
            !jobs
                .iter()
                .any(|j| object::uid(j) == r["uid"].as_str().unwrap_or(""))
        })
        .cloned()
        .collect();
    for r in gone {
        event(
            s,
            cj,
            EventType::Normal,
            "MissingJob",
            &format!(
                "Active job went missing: {}",
                r["name"].as_str().unwrap_or("")
            ),
        );
        active.retain(|a| a["uid"] != r["uid"]);
    }

    if !object::is_terminating(cj) {
        schedule(s, cj, &jobs, now, &mut active, &mut last_schedule);
        cleanup_finished(s, cj, &jobs, &mut active);
    }

    let mut status = Map::new();
    if !active.is_empty() {
        status.insert("active", Value::from(active));
    }
    if let Some(t) = last_schedule {
        status.insert("lastScheduleTime", t);
    }
    if let Some(t) = last_success {
        status.insert("lastSuccessfulTime", t);
    }
    let mut new = cj.clone();
    new["status"] = Value::Object(status);
    let _ = s.update_status(ROOT, &new);
}

/// The scheduling part of `syncCronJob`.
fn schedule(
    s: &mut Server,
    cj: &Value,
    jobs: &[Value],
    now: i64,
    active: &mut Vec<Value>,
    last_schedule: &mut Option<Value>,
) {
    let zone_name = str_at(cj, &["spec", "timeZone"]);
    let zone = match zone_name.map(Zone::load) {
        Some(Err(e)) => {
            event(
                s,
                cj,
                EventType::Warning,
                "UnknownTimeZone",
                &format!("invalid timeZone: {:?}: {e}", zone_name.unwrap_or("")),
            );
            return;
        }
        Some(Ok(z)) => z,
        None => Zone::UTC,
    };
    if path(cj, &["spec", "suspend"]) == Some(&json!(true)) {
        return;
    }
    let spec = str_at(cj, &["spec", "schedule"]).unwrap_or("");
    if zone_name.is_none() && spec.contains("TZ") {
        event(
            s,
            cj,
            EventType::Warning,
            "UnsupportedSchedule",
            &format!("CRON_TZ or TZ used in schedule {spec:?} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details"),
        );
    }
    let sched = match Schedule::parse_in(spec, zone) {
        Ok(sc) => sc,
        Err(e) => {
            event(
                s,
                cj,
                EventType::Warning,
                "UnparseableSchedule",
                &format!("unparseable schedule: {spec:?} : {e}"),
            );
            return;
        }
    };
    let created = str_at(cj, &["metadata", "creationTimestamp"])
        .and_then(parse_rfc3339)
        .unwrap_or(now);
    let last = last_schedule
        .as_ref()
        .and_then(Value::as_str)
        .and_then(parse_rfc3339);
    let mut earliest = last.unwrap_or(created);
    let deadline = object::i64_at(cj, &["spec", "startingDeadlineSeconds"]);
    if let Some(d) = deadline {
        earliest = earliest.max(now - d * 1000);
    }
    // Whatever happens, look again at the next schedule time.
    if let Some(next) = sched.next(now) {
        s.timers.wake_at(next);
    }
    let (recent, missed) = most_recent(&sched, earliest, now);
    let Some(scheduled) = recent else {
        if sched.next(earliest).is_none() {
            event(
                s,
                cj,
                EventType::Warning,
                "InvalidSchedule",
                &format!("invalid schedule: {spec} : time difference between two schedules is less than 1 second"),
            );
        }
        return;
    };
    if missed > 100 {
        event(
            s,
            cj,
            EventType::Warning,
            "TooManyMissedTimes",
            "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew",
        );
    }
    if deadline.is_some_and(|d| scheduled + d * 1000 < now) {
        event(
            s,
            cj,
            EventType::Warning,
            "MissSchedule",
            &format!(
                "Missed scheduled time to start a job: {}",
                format_rfc1123z(scheduled)
            ),
        );
        return;
    }
    let name = job_name(object::name(cj), scheduled);
    if active.iter().any(|r| r["name"] == name.as_str()) || last == Some(scheduled) {
        return;
    }
    let policy = str_at(cj, &["spec", "concurrencyPolicy"]).unwrap_or("Allow");
    if policy == "Forbid" && !active.is_empty() {
        event(
            s,
            cj,
            EventType::Normal,
            "JobAlreadyActive",
            "Not starting job because prior execution is running and concurrency policy is Forbid",
        );
        return;
    }
    if policy == "Replace" {
        let running: Vec<Value> = active
            .iter()
            .filter_map(|r| {
                jobs.iter()
                    .find(|j| object::uid(j) == r["uid"].as_str().unwrap_or(""))
            })
            .cloned()
            .collect();
        for j in running {
            if !delete_job(s, cj, &j, active) {
                return;
            }
        }
    }
    let job = job_from_template(cj, &name, scheduled, zone);
    let created = match s.create(ROOT, job) {
        Ok(j) => {
            event(
                s,
                cj,
                EventType::Normal,
                "SuccessfulCreate",
                &format!("Created job {name}"),
            );
            j
        }
        Err(e) if e.code == 409 => {
            let Some(existing) = s
                .get(ROOT, kind("batch/v1", "Job"), object::namespace(cj), &name)
                .cloned()
            else {
                return;
            };
            let ours = controller_of(&existing).is_some_and(|r| r["uid"] == object::uid(cj));
            if !ours || active.iter().any(|r| r["uid"] == object::uid(&existing)) {
                return;
            }
            existing
        }
        Err(e) => {
            event(
                s,
                cj,
                EventType::Warning,
                "FailedCreate",
                &format!("Error creating job: {}", e.message),
            );
            return;
        }
    };
    active.push(job_ref(&created));
    *last_schedule = Some(json!(format_rfc3339(scheduled)));
}

/// `getJobFromTemplate2`: the job template's metadata and spec, the scheduled time as an
/// annotation (in the CronJob's zone), the CronJob as controller.
fn job_from_template(cj: &Value, name: &str, scheduled: i64, zone: Zone) -> Value {
    let template = path(cj, &["spec", "jobTemplate"])
        .cloned()
        .unwrap_or(json!({}));
    let mut meta = json!({
        "name": name,
        "namespace": object::namespace(cj),
        "ownerReferences": [controller_ref(cj)],
    });
    if let Some(l) = path(&template, &["metadata", "labels"]) {
        meta["labels"] = l.clone();
    }
    if let Some(a) = path(&template, &["metadata", "annotations"]) {
        meta["annotations"] = a.clone();
    }
    set_path(
        &mut meta,
        &["annotations", SCHEDULED_TIMESTAMP],
        json!(zone.format(scheduled)),
    );
    json!({
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": meta,
        "spec": template.get("spec").cloned().unwrap_or(json!({})),
    })
}

/// `cleanupFinishedJobs`: finished Jobs beyond `successfulJobsHistoryLimit` (Complete) and
/// `failedJobsHistoryLimit` (Failed) are deleted, the earliest started first.
fn cleanup_finished(s: &mut Server, cj: &Value, jobs: &[Value], active: &mut Vec<Value>) {
    for (condition, limit_field) in [
        ("Complete", "successfulJobsHistoryLimit"),
        ("Failed", "failedJobsHistoryLimit"),
    ] {
        let Some(limit) = object::i64_at(cj, &["spec", limit_field]) else {
            continue;
        };
        let mut finished: Vec<&Value> = jobs
            .iter()
            .filter(|j| finished_as(j) == Some(condition) && !object::is_terminating(j))
            .collect();
        let excess = finished.len() as i64 - limit.max(0);
        if excess <= 0 {
            continue;
        }
        // `byJobStartTime`: no start time last, then by start time, then by name.
        finished.sort_by_key(|j| {
            let start = str_at(j, &["status", "startTime"]).and_then(parse_rfc3339);
            (start.is_none(), start, object::name(j).to_string())
        });
        for j in finished.into_iter().take(excess as usize) {
            delete_job(s, cj, j, active);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> i64 {
        parse_rfc3339(s).unwrap()
    }

    #[test]
    fn job_names_and_timestamps() {
        assert_eq!(
            job_name("hello", t("2026-01-01T00:01:00Z")),
            "hello-29453761"
        );
        assert_eq!(
            format_rfc1123z(t("2026-01-01T00:00:00Z")),
            "Thu, 01 Jan 2026 00:00:00 +0000"
        );
    }

    #[test]
    fn most_recent_counts_missed_times() {
        let sc = Schedule::parse("* * * * *").unwrap();
        let (recent, n) = most_recent(&sc, t("2026-01-01T00:00:00Z"), t("2026-01-01T00:10:30Z"));
        assert_eq!(recent, Some(t("2026-01-01T00:10:00Z")));
        assert_eq!(n, 10);
        assert_eq!(
            most_recent(&sc, t("2026-01-01T00:00:00Z"), t("2026-01-01T00:00:59Z")),
            (None, 0)
        );
    }
}
