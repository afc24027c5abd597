//! The CronJob controller (pkg/controller/cronjob, `cronjob_controllerv2.go`): creates a Job
//! at each time of a cron schedule, evaluated in virtual time (each CronJob is requeued at its
//! next time), in `spec.timeZone`. Missed times are estimated as upstream does, never walked
//! one by one: more than 100 is a `TooManyMissedTimes` Warning and only the latest runs. `concurrencyPolicy` Allow/Forbid/Replace, `startingDeadlineSeconds`,
//! `suspend`, and the history limits for finished Jobs. Jobs are named
//! `<cronjob>-<scheduled time in minutes since the epoch>`, as upstream.
//!
//! Schedules are [`crate::api::cron::Schedule`]s in a [`crate::sim::tz::Zone`] (re-exported
//! here as [`Schedule`] and [`Zone`]).
use super::job::is_finished;
use super::kind;
use super::workload::{owned, Soonest};
use crate::api::object::{self, array_at, controller_of, controller_ref, path, set_path, str_at};
use crate::api::{Map, Value};
use crate::json;
use crate::runtime::{all_keys, controller_key, Action, Controller};
use crate::server::{EventType, Propagation, Server};
use crate::sim::{format_rfc1123z, format_rfc3339, parse_rfc3339};
use crate::store::{Key, Store, WatchEvent};

pub use crate::api::cron::Schedule;
pub use crate::sim::tz::Zone;

const COMPONENT: &str = "cronjob-controller";
const RESOURCE: &str = "cronjobs.batch";
const JOBS: &str = "jobs.batch";
/// `batchv1.CronJobScheduledTimestampAnnotation`.
pub const SCHEDULED_TIMESTAMP: &str = "batch.kubernetes.io/cronjob-scheduled-timestamp";
const MINUTE_MS: i64 = 60_000;

/// The CronJob controller: a CronJob is reconciled when it changes or one of the Jobs it
/// controls does, and at its next schedule time.
#[derive(Debug, Default)]
pub struct CronJobController;

impl Controller for CronJobController {
    fn name(&self) -> &'static str {
        COMPONENT
    }
    fn manager(&self) -> &'static str {
        super::KCM
    }
    fn watches(&self) -> &'static [&'static str] {
        &[RESOURCE, JOBS]
    }
    fn keys(&self, _: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        if &*e.key.resource == RESOURCE {
            out.push(e.key.clone());
        } else if let Some(k) = controller_key(&e.key, &e.object, "CronJob", RESOURCE) {
            out.push(k);
        }
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        all_keys(store, RESOURCE, out);
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        let Some(cj) = s.store.get(key).cloned() else {
            return Action::AwaitChange;
        };
        let jobs: Vec<_> = owned(s, key, object::uid(&cj), JOBS).cloned().collect();
        sync(s, key, &cj, jobs)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
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

/// How many schedule times were missed (`missedSchedulesType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missed {
    /// None since the earliest time.
    None,
    /// At most 100.
    Few,
    /// More than 100: an Event says so, and only the most recent is considered.
    Many,
}

/// `mostRecentScheduleTime` (pkg/controller/cronjob/utils.go): the most recent schedule time
/// after `earliest` and at or before `now`, and how many were missed, estimated from the
/// interval between the first two times after `earliest` (never by walking every missed
/// time: a per-minute schedule a year behind costs a few steps). `Err` when two schedule
/// times are less than a second apart (or there is none within robfig's five years).
pub fn most_recent_schedule_time(
    schedule: &Schedule,
    earliest: i64,
    now: i64,
) -> Result<(Option<i64>, Missed), String> {
    const TOO_CLOSE: &str = "time difference between two schedules is less than 1 second";
    let Some(t1) = schedule.next(earliest) else {
        return Err(TOO_CLOSE.into());
    };
    if now < t1 {
        return Ok((None, Missed::None));
    }
    let Some(t2) = schedule.next(t1) else {
        return Err(TOO_CLOSE.into());
    };
    if now < t2 {
        return Ok((Some(t1), Missed::None));
    }
    // Duration.Round(time.Second).Seconds(): half away from zero.
    let between = (t2 - t1).saturating_add(500) / 1000;
    if between < 1 {
        return Err(TOO_CLOSE.into());
    }
    let elapsed = (now - t1) / 1000;
    let missed = elapsed / between + 1;
    // One interval before the estimate, so that irregular schedules (`30 6-16/4 * * 1-5`) and
    // `@every` land on their real times.
    let potential_earliest =
        t1.saturating_add((missed - 2).saturating_mul(between).saturating_mul(1000));
    let mut most_recent = None;
    let mut t = schedule.next(potential_earliest);
    while let Some(at) = t.filter(|at| *at <= now) {
        most_recent = Some(at);
        t = schedule.next(at);
    }
    let missed = if missed > 100 {
        Missed::Many
    } else {
        Missed::Few
    };
    Ok((most_recent, missed))
}

fn event(s: &mut Server, ws: &str, cj: &Value, kind: EventType, reason: &str, message: &str) {
    s.event(ws, cj, kind, reason, message, COMPONENT);
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
fn delete_job(s: &mut Server, ws: &str, cj: &Value, job: &Value, active: &mut Vec<Value>) -> bool {
    let name = object::name(job).to_string();
    match s.delete(
        ws,
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
                ws,
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
                ws,
                cj,
                EventType::Warning,
                "FailedDelete",
                &format!("Deleted job: {}", e.message),
            );
            false
        }
    }
}

/// `syncCronJob`: the active list, the schedule, the history limits; the status. Returns
/// the requeue at the next schedule time.
fn sync(s: &mut Server, key: &Key, cj: &Value, jobs: Vec<Value>) -> Action {
    let ws = &*key.workspace;
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
                ws,
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
                ws,
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
            ws,
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

    let mut next = Soonest::default();
    if !object::is_terminating(cj) {
        if let Some(t) = schedule(s, ws, cj, &jobs, now, &mut active, &mut last_schedule) {
            next.note(t);
        }
        cleanup_finished(s, ws, cj, &jobs, &mut active);
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
    let _ = s.update_status(ws, &new);
    next.action(now)
}

/// The scheduling part of `syncCronJob`; returns the next schedule time to look again at.
fn schedule(
    s: &mut Server,
    ws: &str,
    cj: &Value,
    jobs: &[Value],
    now: i64,
    active: &mut Vec<Value>,
    last_schedule: &mut Option<Value>,
) -> Option<i64> {
    let zone_name = str_at(cj, &["spec", "timeZone"]);
    let zone = match zone_name.map(Zone::load) {
        Some(Err(e)) => {
            event(
                s,
                ws,
                cj,
                EventType::Warning,
                "UnknownTimeZone",
                &format!("invalid timeZone: {:?}: {e}", zone_name.unwrap_or("")),
            );
            return None;
        }
        Some(Ok(z)) => z,
        None => Zone::UTC,
    };
    if path(cj, &["spec", "suspend"]) == Some(&json!(true)) {
        return None;
    }
    let spec = str_at(cj, &["spec", "schedule"]).unwrap_or("");
    if zone_name.is_none() && spec.contains("TZ") {
        event(
            s,
            ws,
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
                ws,
                cj,
                EventType::Warning,
                "UnparseableSchedule",
                &format!("unparseable schedule: {spec:?} : {e}"),
            );
            return None;
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
        earliest = earliest.max(now.saturating_sub(d.saturating_mul(1000)));
    }
    // Whatever happens, look again at the next schedule time.
    let next = sched.next(now);
    let (recent, missed) = match most_recent_schedule_time(&sched, earliest, now) {
        Ok(r) => r,
        Err(e) => {
            event(
                s,
                ws,
                cj,
                EventType::Warning,
                "InvalidSchedule",
                &format!("invalid schedule: {spec} : {e}"),
            );
            return next;
        }
    };
    let Some(scheduled) = recent else {
        return next;
    };
    if missed == Missed::Many {
        event(
            s,
            ws,
            cj,
            EventType::Warning,
            "TooManyMissedTimes",
            "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew",
        );
    }
    if deadline.is_some_and(|d| scheduled.saturating_add(d.saturating_mul(1000)) < now) {
        event(
            s,
            ws,
            cj,
            EventType::Warning,
            "MissSchedule",
            &format!(
                "Missed scheduled time to start a job: {}",
                format_rfc1123z(scheduled)
            ),
        );
        return next;
    }
    let name = job_name(object::name(cj), scheduled);
    if active.iter().any(|r| r["name"] == name.as_str()) || last == Some(scheduled) {
        return next;
    }
    let policy = str_at(cj, &["spec", "concurrencyPolicy"]).unwrap_or("Allow");
    if policy == "Forbid" && !active.is_empty() {
        event(
            s,
            ws,
            cj,
            EventType::Normal,
            "JobAlreadyActive",
            "Not starting job because prior execution is running and concurrency policy is Forbid",
        );
        return next;
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
            if !delete_job(s, ws, cj, &j, active) {
                return next;
            }
        }
    }
    let job = job_from_template(cj, &name, scheduled, zone);
    let created = match s.create(ws, job) {
        Ok(j) => {
            event(
                s,
                ws,
                cj,
                EventType::Normal,
                "SuccessfulCreate",
                &format!("Created job {name}"),
            );
            j
        }
        Err(e) if e.code == 409 => {
            let Some(existing) = s
                .get(ws, kind("batch/v1", "Job"), object::namespace(cj), &name)
                .cloned()
            else {
                return next;
            };
            let ours = controller_of(&existing).is_some_and(|r| r["uid"] == object::uid(cj));
            if !ours || active.iter().any(|r| r["uid"] == object::uid(&existing)) {
                return next;
            }
            existing
        }
        Err(e) => {
            event(
                s,
                ws,
                cj,
                EventType::Warning,
                "FailedCreate",
                &format!("Error creating job: {}", e.message),
            );
            return next;
        }
    };
    active.push(job_ref(&created));
    *last_schedule = Some(json!(format_rfc3339(scheduled)));
    next
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
fn cleanup_finished(s: &mut Server, ws: &str, cj: &Value, jobs: &[Value], active: &mut Vec<Value>) {
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
            delete_job(s, ws, cj, j, active);
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
    fn most_recent_schedule_time_follows_upstream() {
        // TestMostRecentScheduleTime (pkg/controller/cronjob/utils_test.go): (schedule,
        // earliest, now) -> (most recent, missed) or an error; times after 2016-05-19T10:00Z.
        let top = t("2016-05-19T10:00:00Z");
        let m = |minutes: i64| top + minutes * MINUTE_MS;
        type Want = Result<(Option<i64>, Missed), ()>;
        let cases: &[(&str, i64, i64, Want)] = &[
            ("0 * * * *", top, top + 30_000, Ok((None, Missed::None))),
            ("0 * * * *", top, m(61), Ok((Some(m(60)), Missed::None))),
            (
                "0 * * * *",
                top + 10_000,
                m(301),
                Ok((Some(m(300)), Missed::Few)),
            ),
            (
                "30 6-16/4 * * 1-5",
                m(30),
                m(24 * 60 + 31),
                Ok((Some(m(24 * 60 + 30)), Missed::Few)),
            ),
            (
                "30 10,11,12 * * 1-5",
                m(30),
                m(30 * 60 + 30),
                Ok((None, Missed::Few)),
            ),
            (
                "30 6-16/4 * * 1-5",
                m(30),
                m(96 * 60 + 31),
                Ok((Some(m(96 * 60 + 30)), Missed::Few)),
            ),
            (
                "30 6-16/4 * * 1-5",
                top,
                m(24 * 60 + 31),
                Ok((Some(m(24 * 60 + 30)), Missed::Few)),
            ),
            (
                "@every 1h",
                m(1),
                m(7 * 24 * 60),
                Ok((Some(m(6 * 24 * 60 + 23 * 60 + 1)), Missed::Many)),
            ),
            ("59 23 31 2 *", top + 10_000, m(60), Err(())),
            ("0 * * * *", top, top + 30_000, Ok((None, Missed::None))),
            ("*/5 * * * *", m(30), m(31), Ok((None, Missed::None))),
        ];
        for (spec, earliest, now, want) in cases {
            let sc = Schedule::parse(spec).unwrap();
            let got = most_recent_schedule_time(&sc, *earliest, *now).map_err(|_| ());
            assert_eq!(&got, want, "{spec}");
        }
    }

    #[test]
    fn a_year_of_missed_minutes_costs_a_few_steps() {
        let sc = Schedule::parse("* * * * *").unwrap();
        let start = t("2026-01-01T00:00:00Z");
        let year = start + 365 * 24 * 60 * MINUTE_MS + 30_000;
        assert_eq!(
            most_recent_schedule_time(&sc, start, year),
            Ok((Some(year - 30_000), Missed::Many))
        );
        // A century behind, and the exact count at the threshold: 100 missed are few.
        let century = start + 36_524 * 24 * 60 * MINUTE_MS;
        assert_eq!(
            most_recent_schedule_time(&sc, start, century),
            Ok((Some(century), Missed::Many))
        );
        assert_eq!(
            most_recent_schedule_time(&sc, start, start + 100 * MINUTE_MS).map(|r| r.1),
            Ok(Missed::Few)
        );
        assert_eq!(
            most_recent_schedule_time(&sc, start, start + 101 * MINUTE_MS).map(|r| r.1),
            Ok(Missed::Many)
        );
    }

    use crate::controllers::testing::{Harness, TEAM};

    fn cronjob(name: &str, schedule: &str) -> Value {
        json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": name, "namespace": "default"},
            "spec": {"schedule": schedule, "jobTemplate": {"spec": {"template": {"spec": {
                "restartPolicy": "OnFailure", "containers": [{"name": "c", "image": "busybox"}]}}}}}})
    }

    fn jobs(h: &Harness<CronJobController>, ws: &str) -> Vec<String> {
        h.list(ws, JOBS, "default")
            .iter()
            .map(|j| object::name(j).to_string())
            .collect()
    }

    #[test]
    fn each_cronjob_is_looked_at_on_its_own_schedule_and_changes() {
        let mut h = Harness::new(CronJobController, vec![]);
        h.create("root", cronjob("minutely", "* * * * *"));
        h.create("root", cronjob("hourly", "0 * * * *"));
        h.clear();
        h.advance(60_000);
        assert_eq!(h.reconciled(RESOURCE), ["root/minutely"]);
        assert_eq!(jobs(&h, "root"), ["minutely-29453761"]);
        h.clear();
        let mut hourly = h.get("root", RESOURCE, "default", "hourly");
        hourly["spec"]["suspend"] = json!(true);
        h.s.update("root", hourly).unwrap();
        h.settle();
        assert_eq!(h.reconciled(RESOURCE), ["root/hourly"]);
    }

    #[test]
    fn same_named_cronjobs_in_two_workspaces_are_independent() {
        let mut h = Harness::new(CronJobController, vec![]);
        let mut suspended = cronjob("hello", "* * * * *");
        suspended["spec"]["suspend"] = json!(true);
        h.create("root", suspended);
        let team = h.create(TEAM, cronjob("hello", "* * * * *"));
        h.advance(60_000);
        assert!(jobs(&h, "root").is_empty());
        assert_eq!(jobs(&h, TEAM), ["hello-29453761"]);
        let job = h.get(TEAM, JOBS, "default", "hello-29453761");
        assert_eq!(controller_of(&job).unwrap()["uid"], object::uid(&team));
        let team = h.get(TEAM, RESOURCE, "default", "hello");
        assert_eq!(team["status"]["active"][0]["name"], "hello-29453761");
        assert!(h.get("root", RESOURCE, "default", "hello")["status"]
            .get("active")
            .is_none());
    }
}
