//! The CronJob controller: scenario tests over `examples/workloads/cronjob*.yaml`.
use kplane::api::object;
use kplane::api::Value;
use kplane::{ApplyOptions, ControlPlane, ListOptions, ObjectRef, Options};

const HELLO: &str = include_str!("../../examples/workloads/cronjob.yaml");
const BACKUP: &str = include_str!("../../examples/workloads/cronjob-etcd-backup.yaml");
const CONCURRENCY: &str = include_str!("../../examples/workloads/cronjob-concurrency.yaml");

fn load(manifest: &str) -> ControlPlane {
    let mut cp = ControlPlane::new(Options {
        seed: 4,
        ..Default::default()
    })
    .unwrap();
    let r = cp
        .apply("root", manifest, &ApplyOptions::default())
        .unwrap();
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    cp
}

fn list(cp: &ControlPlane, kind: &str, ns: &str) -> Vec<Value> {
    cp.list_items(
        "root",
        &ListOptions {
            kind: kind.into(),
            namespace: Some(ns.into()),
            ..Default::default()
        },
    )
    .unwrap()
}

fn get(cp: &ControlPlane, kind: &str, ns: &str, name: &str) -> Option<Value> {
    cp.get(
        "root",
        &ObjectRef {
            kind: kind.into(),
            namespace: Some(ns.into()),
            name: name.into(),
            ..Default::default()
        },
    )
    .unwrap()
}

fn job_names(cp: &ControlPlane, ns: &str, prefix: &str) -> Vec<String> {
    let mut n: Vec<String> = list(cp, "Job", ns)
        .iter()
        .map(|j| object::name(j).to_string())
        .filter(|n| n.starts_with(prefix))
        .collect();
    n.sort();
    n
}

fn active_jobs(cp: &ControlPlane, prefix: &str) -> usize {
    list(cp, "Job", "default")
        .iter()
        .filter(|j| object::name(j).starts_with(prefix))
        .filter(|j| !object::is_terminating(j) && !kplane::controllers::job::is_finished(j))
        .count()
}

fn has_event(cp: &ControlPlane, ns: &str, name: &str, reason: &str, text: &str) -> bool {
    list(cp, "Event", ns).iter().any(|e| {
        e["involvedObject"]["name"] == name
            && e["reason"] == reason
            && e["message"].as_str().unwrap_or("").contains(text)
    })
}

/// Advances to the given second of virtual time (seconds since 2026-01-01T00:00:00Z).
fn advance_to(cp: &mut ControlPlane, second: f64) {
    let now =
        (cp.now_ms() - kplane::sim::parse_rfc3339("2026-01-01T00:00:00Z").unwrap()) as f64 / 1000.0;
    cp.advance(second - now).unwrap();
}

#[test]
fn hello_runs_every_minute_and_keeps_three_successful_jobs() {
    let mut cp = load(HELLO);
    advance_to(&mut cp, 59.0);
    assert!(job_names(&cp, "default", "hello").is_empty());
    advance_to(&mut cp, 60.0);
    assert_eq!(job_names(&cp, "default", "hello"), ["hello-29453761"]);
    let job = get(&cp, "Job", "default", "hello-29453761").unwrap();
    assert_eq!(
        job["metadata"]["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"],
        "2026-01-01T00:01:00Z"
    );
    assert_eq!(job["metadata"]["ownerReferences"][0]["kind"], "CronJob");
    let cj = get(&cp, "CronJob", "default", "hello").unwrap();
    assert_eq!(cj["status"]["active"][0]["name"], "hello-29453761");
    assert_eq!(cj["status"]["active"][0]["kind"], "Job");
    assert_eq!(cj["status"]["lastScheduleTime"], "2026-01-01T00:01:00Z");
    assert!(has_event(
        &cp,
        "default",
        "hello",
        "SuccessfulCreate",
        "Created job hello-29453761"
    ));
    let out = cp.kubectl("get cronjobs", "").stdout;
    let header: Vec<&str> = out
        .lines()
        .next()
        .unwrap()
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(
        header,
        [
            "NAME",
            "SCHEDULE",
            "TIMEZONE",
            "SUSPEND",
            "ACTIVE",
            "LAST SCHEDULE",
            "AGE"
        ]
    );
    let row: Vec<&str> = out
        .lines()
        .nth(1)
        .unwrap()
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(
        row,
        ["hello", "* * * * *", "<none>", "False", "1", "0s", "60s"]
    );

    advance_to(&mut cp, 66.5);
    let cj = get(&cp, "CronJob", "default", "hello").unwrap();
    assert!(cj["status"].get("active").is_none(), "{}", cj["status"]);
    assert_eq!(cj["status"]["lastSuccessfulTime"], "2026-01-01T00:01:06Z");
    assert!(has_event(
        &cp,
        "default",
        "hello",
        "SawCompletedJob",
        "Saw completed job: hello-29453761, condition: Complete"
    ));

    advance_to(&mut cp, 5.0 * 60.0 + 30.0);
    assert_eq!(
        job_names(&cp, "default", "hello"),
        ["hello-29453763", "hello-29453764", "hello-29453765"]
    );
    assert!(has_event(
        &cp,
        "default",
        "hello",
        "SuccessfulDelete",
        "Deleted job hello-29453761"
    ));
    // Their pods went with them.
    assert_eq!(list(&cp, "Pod", "default").len(), 3);
    let cj = get(&cp, "CronJob", "default", "hello").unwrap();
    assert_eq!(cj["status"]["lastScheduleTime"], "2026-01-01T00:05:00Z");
    assert_eq!(cj["status"]["lastSuccessfulTime"], "2026-01-01T00:05:06Z");
}

#[test]
fn a_suspended_cronjob_creates_nothing_until_resumed() {
    let suspended = HELLO.replace(
        "  schedule: \"* * * * *\"\n",
        "  schedule: \"* * * * *\"\n  suspend: true\n",
    );
    let mut cp = load(&suspended);
    advance_to(&mut cp, 300.0);
    assert!(job_names(&cp, "default", "hello").is_empty());
    let out = cp.kubectl("get cj", "").stdout;
    assert!(out.contains("True"), "{out}");
    // Nothing pending: a suspended CronJob lets the simulation settle.
    let settled = cp.run_until_settled(Some(600.0)).unwrap();
    assert!(settled.settled, "{settled:?}");
    cp.apply("root", HELLO, &ApplyOptions::default()).unwrap();
    // The runs missed while suspended are not made up: the most recent one starts now.
    let now = cp.now_ms();
    let names = job_names(&cp, "default", "hello");
    assert_eq!(names, [format!("hello-{}", now / 60_000)]);
    advance_to(&mut cp, 6.0 * 60.0 + 1.0);
    assert_eq!(job_names(&cp, "default", "hello").len(), 2);
}

#[test]
fn etcd_backup_runs_at_two_in_berlin() {
    let mut cp = load(BACKUP);
    advance_to(&mut cp, 3599.0);
    assert!(job_names(&cp, "kube-system", "etcd-backup").is_empty());
    advance_to(&mut cp, 3600.0);
    let names = job_names(&cp, "kube-system", "etcd-backup");
    assert_eq!(names, [format!("etcd-backup-{}", 29453760 + 60)]);
    let job = get(&cp, "Job", "kube-system", &names[0]).unwrap();
    assert_eq!(
        job["metadata"]["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"],
        "2026-01-01T02:00:00+01:00"
    );
    let out = cp.kubectl("get cronjobs -n kube-system", "").stdout;
    assert!(
        out.lines().nth(1).unwrap().contains("Europe/Berlin"),
        "{out}"
    );
    advance_to(&mut cp, 3600.0 + 60.0);
    let job = get(&cp, "Job", "kube-system", &names[0]).unwrap();
    assert!(kplane::controllers::job::is_finished(&job));
    // The next one a day later.
    advance_to(&mut cp, 86_400.0 + 3599.0);
    assert_eq!(job_names(&cp, "kube-system", "etcd-backup").len(), 1);
    advance_to(&mut cp, 86_400.0 + 3600.0);
    assert_eq!(job_names(&cp, "kube-system", "etcd-backup").len(), 2);
    let cj = get(&cp, "CronJob", "kube-system", "etcd-backup").unwrap();
    assert_eq!(cj["status"]["lastScheduleTime"], "2026-01-02T01:00:00Z");
}

#[test]
fn forbid_skips_overlapping_runs_and_replace_replaces_them() {
    let mut cp = load(CONCURRENCY);
    let mut report_max = 0;
    let mut t = 0.0;
    while t < 6.0 * 60.0 {
        t += 1.0;
        advance_to(&mut cp, t);
        report_max = report_max.max(active_jobs(&cp, "report-"));
        if t > 61.0 && (t as i64) % 60 != 0 {
            assert_eq!(active_jobs(&cp, "sync-"), 1, "at {t}");
        }
    }
    assert_eq!(report_max, 1);
    let base = 29453760;
    // report: 00:01, then 00:03 (00:02 was blocked, then too late), 00:05.
    let report = job_names(&cp, "default", "report-");
    assert_eq!(
        report,
        [1, 3, 5].map(|m| format!("report-{}", base + m)),
        "{report:?}"
    );
    assert!(has_event(
        &cp,
        "default",
        "report",
        "JobAlreadyActive",
        "Not starting job because prior execution is running and concurrency policy is Forbid"
    ));
    // sync: each run replaced the previous one.
    assert_eq!(
        job_names(&cp, "default", "sync-"),
        [format!("sync-{}", base + 6)]
    );
    for m in 1..6 {
        assert!(
            has_event(
                &cp,
                "default",
                "sync",
                "SuccessfulDelete",
                &format!("Deleted job sync-{}", base + m)
            ),
            "sync-{}",
            base + m
        );
    }
}

#[test]
fn allow_lets_runs_overlap() {
    let manifest = CONCURRENCY.replace("concurrencyPolicy: Replace", "concurrencyPolicy: Allow");
    let mut cp = load(&manifest);
    advance_to(&mut cp, 125.0);
    assert_eq!(active_jobs(&cp, "sync-"), 2);
    let cj = get(&cp, "CronJob", "default", "sync").unwrap();
    assert_eq!(cj["status"]["active"].as_array().unwrap().len(), 2);
}

#[test]
fn bad_schedules_and_time_zones_are_refused_by_the_api() {
    // The API server refuses them (batch validation validateScheduleFormat and
    // validateTimeZone), so the controller never sees them.
    let mut cp = ControlPlane::new(Options::default()).unwrap();
    let bad = HELLO.replace("\"* * * * *\"", "\"61 * * * *\"");
    let e = cp
        .apply("root", &bad, &ApplyOptions::default())
        .unwrap_err();
    assert_eq!(e.code, 422);
    assert_eq!(
        e.message,
        "CronJob.batch \"hello\" is invalid: spec.schedule: Invalid value: \"61 * * * *\": end of range (61) above maximum (59): 61"
    );
    let tz = HELLO.replace(
        "  schedule: \"* * * * *\"\n",
        "  schedule: \"* * * * *\"\n  timeZone: Mars/Olympus\n",
    );
    let e = cp.apply("root", &tz, &ApplyOptions::default()).unwrap_err();
    assert_eq!(
        e.message,
        "CronJob.batch \"hello\" is invalid: spec.timeZone: Invalid value: \"Mars/Olympus\": unknown time zone Mars/Olympus"
    );
    assert!(get(&cp, "CronJob", "default", "hello").is_none());
}

#[test]
fn foreground_deletion_removes_jobs_pods_and_the_cronjob() {
    let mut cp = load(CONCURRENCY);
    advance_to(&mut cp, 150.0);
    for name in ["report", "sync"] {
        cp.delete(
            "root",
            &kplane::DeleteOptions {
                kind: "CronJob".into(),
                namespace: Some("default".into()),
                name: name.into(),
                propagation_policy: Some(kplane::Propagation::Foreground),
                ..Default::default()
            },
        )
        .unwrap();
    }
    cp.advance(60.0).unwrap();
    assert!(list(&cp, "CronJob", "default").is_empty());
    assert!(list(&cp, "Job", "default").is_empty());
    assert!(list(&cp, "Pod", "default").is_empty());
    // Nothing is left to wake up for.
    assert!(cp.run_until_settled(Some(600.0)).unwrap().settled);
}
