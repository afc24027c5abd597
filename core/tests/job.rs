//! The Job controller: scenario tests over `examples/workloads/job*.yaml`.
use kplane::api::object::{self, str_at};
use kplane::api::Value;
use kplane::{ApplyOptions, ControlPlane, ListOptions, ObjectRef, Options};

const PI: &str = include_str!("../../examples/workloads/job.yaml");
const PARALLEL: &str = include_str!("../../examples/workloads/job-parallel.yaml");
const BACKOFF: &str = include_str!("../../examples/workloads/job-backoff.yaml");
const INDEXED: &str = include_str!("../../examples/workloads/job-indexed.yaml");
const DEADLINE: &str = include_str!("../../examples/workloads/job-deadline.yaml");

fn load(manifest: &str) -> ControlPlane {
    let mut cp = ControlPlane::new(Options {
        seed: 3,
        ..Default::default()
    })
    .unwrap();
    let r = cp
        .apply("root", manifest, &ApplyOptions::default())
        .unwrap();
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    cp
}

fn list(cp: &ControlPlane, kind: &str) -> Vec<Value> {
    cp.list_items(
        "root",
        &ListOptions {
            kind: kind.into(),
            namespace: Some("default".into()),
            ..Default::default()
        },
    )
    .unwrap()
}

fn job(cp: &ControlPlane, name: &str) -> Option<Value> {
    cp.get(
        "root",
        &ObjectRef {
            kind: "Job".into(),
            namespace: Some("default".into()),
            name: name.into(),
            ..Default::default()
        },
    )
    .unwrap()
}

fn int(v: &Value, keys: &[&str]) -> i64 {
    object::i64_at(v, keys).unwrap_or(0)
}

fn condition<'a>(j: &'a Value, t: &str) -> Option<&'a Value> {
    j["status"]["conditions"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["type"] == t))
}

fn condition_types(j: &Value) -> Vec<String> {
    j["status"]["conditions"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|c| c["status"] == "True")
                .map(|c| c["type"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn active_pods(cp: &ControlPlane) -> Vec<Value> {
    list(cp, "Pod")
        .into_iter()
        .filter(|p| {
            !object::is_terminating(p)
                && !matches!(
                    str_at(p, &["status", "phase"]),
                    Some("Succeeded" | "Failed")
                )
        })
        .collect()
}

fn has_event(cp: &ControlPlane, object_name: &str, kind: &str, reason: &str, text: &str) -> bool {
    list(cp, "Event").iter().any(|e| {
        e["involvedObject"]["name"] == object_name
            && e["type"] == kind
            && e["reason"] == reason
            && e["message"].as_str().unwrap_or("").contains(text)
    })
}

fn get_row(cp: &mut ControlPlane) -> Vec<String> {
    let out = cp.kubectl("get jobs", "").stdout;
    let header: Vec<&str> = out.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(header, ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"]);
    out.lines()
        .nth(1)
        .unwrap()
        .split_whitespace()
        .map(String::from)
        .collect()
}

#[test]
fn pi_runs_one_pod_to_completion_with_generated_selector_and_labels() {
    let mut cp = load(PI);
    let j = job(&cp, "pi").unwrap();
    let uid = j["metadata"]["uid"].as_str().unwrap().to_string();
    assert_eq!(
        j["spec"]["selector"]["matchLabels"]["batch.kubernetes.io/controller-uid"],
        uid.as_str()
    );
    assert_eq!(
        j["metadata"]["labels"]["batch.kubernetes.io/job-name"],
        "pi"
    );
    assert!(j["status"]["startTime"].is_string());
    let pods = list(&cp, "Pod");
    assert_eq!(pods.len(), 1);
    let p = &pods[0];
    assert!(object::name(p).starts_with("pi-"));
    for (k, v) in [
        ("batch.kubernetes.io/controller-uid", uid.as_str()),
        ("controller-uid", uid.as_str()),
        ("batch.kubernetes.io/job-name", "pi"),
        ("job-name", "pi"),
    ] {
        assert_eq!(p["metadata"]["labels"][k], v, "{k}");
    }
    assert_eq!(
        p["metadata"]["finalizers"],
        kplane::json!(["batch.kubernetes.io/job-tracking"])
    );
    assert!(has_event(
        &cp,
        "pi",
        "Normal",
        "SuccessfulCreate",
        "Created pod: pi-"
    ));
    cp.advance(5.0).unwrap();
    let j = job(&cp, "pi").unwrap();
    assert_eq!(int(&j, &["status", "active"]), 1);
    assert_eq!(int(&j, &["status", "ready"]), 1);
    assert_eq!(get_row(&mut cp)[..3], ["pi", "Running", "0/1"]);
    cp.advance(5.5).unwrap(); // 10.5 s
    assert!(condition(&job(&cp, "pi").unwrap(), "Complete").is_none());
    cp.advance(1.0).unwrap(); // 11.5 s
    let j = job(&cp, "pi").unwrap();
    assert_eq!(condition_types(&j), ["SuccessCriteriaMet", "Complete"]);
    let complete = condition(&j, "Complete").unwrap();
    assert_eq!(complete["reason"], "CompletionsReached");
    assert_eq!(
        complete["message"],
        "Reached expected number of succeeded pods"
    );
    assert_eq!(int(&j, &["status", "succeeded"]), 1);
    assert_eq!(int(&j, &["status", "active"]), 0);
    assert_eq!(j["status"]["completionTime"], "2026-01-01T00:00:11Z");
    assert_eq!(j["status"]["uncountedTerminatedPods"], kplane::json!({}));
    assert!(has_event(&cp, "pi", "Normal", "Completed", "Job completed"));
    assert_eq!(get_row(&mut cp)[..4], ["pi", "Complete", "1/1", "11s"]);
    let p = &list(&cp, "Pod")[0];
    assert_eq!(p["status"]["phase"], "Succeeded");
    assert!(p["metadata"].get("finalizers").is_none(), "{p}");
    // Settled: a finished Job writes nothing more.
    let rev = cp.server().store.revision();
    cp.advance(600.0).unwrap();
    assert_eq!(cp.server().store.revision(), rev);
}

#[test]
fn parallelism_bounds_active_pods_until_completions_are_reached() {
    let mut cp = load(PARALLEL);
    let mut max_active = 0;
    for _ in 0..40 {
        max_active = max_active.max(active_pods(&cp).len());
        cp.advance(0.5).unwrap();
    }
    assert_eq!(max_active, 2);
    let j = job(&cp, "batch-resize").unwrap();
    assert!(condition(&j, "Complete").is_some());
    assert_eq!(int(&j, &["status", "succeeded"]), 6);
    assert_eq!(j["status"]["completionTime"], "2026-01-01T00:00:18Z");
    assert_eq!(list(&cp, "Pod").len(), 6);
    assert_eq!(
        get_row(&mut cp)[..4],
        ["batch-resize", "Complete", "6/6", "18s"]
    );
}

#[test]
fn suspend_deletes_active_pods_and_resume_restarts() {
    let mut cp = load(PARALLEL);
    cp.advance(3.0).unwrap();
    assert_eq!(active_pods(&cp).len(), 2);
    cp.apply(
        "root",
        &PARALLEL.replace("  parallelism: 2\n", "  parallelism: 2\n  suspend: true\n"),
        &ApplyOptions::default(),
    )
    .unwrap();
    cp.advance(1.0).unwrap();
    assert!(active_pods(&cp).is_empty());
    let j = job(&cp, "batch-resize").unwrap();
    let c = condition(&j, "Suspended").unwrap();
    assert_eq!(
        (c["status"].as_str(), c["reason"].as_str()),
        (Some("True"), Some("JobSuspended"))
    );
    assert!(has_event(
        &cp,
        "batch-resize",
        "Normal",
        "Suspended",
        "Job suspended"
    ));
    assert_eq!(get_row(&mut cp)[1], "Suspended");
    cp.advance(30.0).unwrap();
    assert!(active_pods(&cp).is_empty());
    cp.apply("root", PARALLEL, &ApplyOptions::default())
        .unwrap();
    cp.advance(0.5).unwrap();
    assert_eq!(active_pods(&cp).len(), 2);
    let j = job(&cp, "batch-resize").unwrap();
    let c = condition(&j, "Suspended").unwrap();
    assert_eq!(
        (c["status"].as_str(), c["reason"].as_str()),
        (Some("False"), Some("JobResumed"))
    );
    // Resuming restarts the clock of activeDeadlineSeconds.
    assert_eq!(j["status"]["startTime"], "2026-01-01T00:00:34Z");
    cp.advance(30.0).unwrap();
    let j = job(&cp, "batch-resize").unwrap();
    assert!(condition(&j, "Complete").is_some());
    assert_eq!(int(&j, &["status", "succeeded"]), 6);
}

#[test]
fn failed_pods_are_retried_with_exponential_backoff_until_the_limit() {
    let mut cp = load(BACKOFF);
    let mut starts: Vec<String> = Vec::new();
    let mut t = 0.0;
    while t < 100.0 {
        for p in list(&cp, "Pod") {
            let name = object::name(&p).to_string();
            if !starts.iter().any(|s| s.starts_with(&name)) {
                starts.push(format!("{name}@{}", cp.now()));
            }
        }
        cp.advance(0.5).unwrap();
        t += 0.5;
    }
    let times: Vec<&str> = starts
        .iter()
        .map(|s| s.split_once('@').unwrap().1)
        .collect();
    assert_eq!(
        times,
        [
            "2026-01-01T00:00:00Z",
            "2026-01-01T00:00:13Z",
            "2026-01-01T00:00:36Z",
            "2026-01-01T00:01:19Z"
        ]
    );
    let j = job(&cp, "flaky-migration").unwrap();
    assert_eq!(condition_types(&j), ["FailureTarget", "Failed"]);
    let failed = condition(&j, "Failed").unwrap();
    assert_eq!(failed["reason"], "BackoffLimitExceeded");
    assert_eq!(
        failed["message"],
        "Job has reached the specified backoff limit"
    );
    assert_eq!(failed["lastTransitionTime"], "2026-01-01T00:01:22Z");
    assert_eq!(int(&j, &["status", "failed"]), 4);
    assert!(j["status"].get("completionTime").is_none());
    assert!(has_event(
        &cp,
        "flaky-migration",
        "Warning",
        "BackoffLimitExceeded",
        "Job has reached the specified backoff limit"
    ));
    assert_eq!(get_row(&mut cp)[..3], ["flaky-migration", "Failed", "0/1"]);
    assert_eq!(list(&cp, "Pod").len(), 4);
}

#[test]
fn indexed_pods_carry_their_index_and_complete_every_index() {
    let mut cp = load(INDEXED);
    let mut indexes: Vec<String> = active_pods(&cp)
        .iter()
        .map(|p| {
            p["metadata"]["annotations"]["batch.kubernetes.io/job-completion-index"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    indexes.sort();
    assert_eq!(indexes, ["0", "1", "2"]);
    for p in list(&cp, "Pod") {
        let i = p["metadata"]["labels"]["batch.kubernetes.io/job-completion-index"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(object::name(&p).starts_with(&format!("render-{i}-")));
        assert_eq!(p["spec"]["hostname"], format!("render-{i}").as_str());
        let env = &p["spec"]["containers"][0]["env"][0];
        assert_eq!(env["name"], "JOB_COMPLETION_INDEX");
        assert_eq!(
            env["valueFrom"]["fieldRef"]["fieldPath"],
            "metadata.annotations['batch.kubernetes.io/job-completion-index']"
        );
    }
    cp.advance(5.5).unwrap();
    let j = job(&cp, "render").unwrap();
    assert_eq!(j["status"]["completedIndexes"], "0-2");
    assert_eq!(int(&j, &["status", "active"]), 2);
    cp.advance(10.0).unwrap();
    let j = job(&cp, "render").unwrap();
    assert_eq!(j["status"]["completedIndexes"], "0-4");
    assert_eq!(int(&j, &["status", "succeeded"]), 5);
    assert!(condition(&j, "Complete").is_some());
    assert_eq!(list(&cp, "Pod").len(), 5);
}

#[test]
fn active_deadline_fails_the_job_and_ttl_deletes_it() {
    let mut cp = load(DEADLINE);
    cp.advance(29.5).unwrap();
    assert_eq!(active_pods(&cp).len(), 1);
    cp.advance(1.0).unwrap(); // 30.5 s
    let j = job(&cp, "report").unwrap();
    assert_eq!(condition_types(&j), ["FailureTarget"]);
    assert_eq!(
        condition(&j, "FailureTarget").unwrap()["reason"],
        "DeadlineExceeded"
    );
    assert_eq!(get_row(&mut cp)[1], "FailureTarget");
    assert!(list(&cp, "Pod").iter().all(object::is_terminating));
    cp.advance(3.0).unwrap(); // 33.5 s: the pod has stopped
    let j = job(&cp, "report").unwrap();
    assert_eq!(condition_types(&j), ["FailureTarget", "Failed"]);
    let failed = condition(&j, "Failed").unwrap();
    assert_eq!(failed["reason"], "DeadlineExceeded");
    assert_eq!(
        failed["message"],
        "Job was active longer than specified deadline"
    );
    assert_eq!(failed["lastTransitionTime"], "2026-01-01T00:00:33Z");
    assert_eq!(int(&j, &["status", "failed"]), 1);
    assert!(has_event(
        &cp,
        "report",
        "Warning",
        "DeadlineExceeded",
        "Job was active longer"
    ));
    cp.advance(59.0).unwrap(); // 92.5 s
    assert!(job(&cp, "report").is_some());
    cp.advance(1.0).unwrap(); // 93.5 s
    assert!(job(&cp, "report").is_none());
    assert!(list(&cp, "Pod").is_empty());
}

#[test]
fn a_deleted_running_pod_counts_as_failed_and_is_replaced() {
    let mut cp = load(PI);
    cp.advance(3.0).unwrap();
    let name = object::name(&list(&cp, "Pod")[0]).to_string();
    cp.delete(
        "root",
        &kplane::DeleteOptions {
            kind: "Pod".into(),
            namespace: Some("default".into()),
            name: name.clone(),
            ..Default::default()
        },
    )
    .unwrap();
    cp.advance(0.5).unwrap();
    let j = job(&cp, "pi").unwrap();
    assert_eq!(int(&j, &["status", "failed"]), 1);
    // The deleted pod is gone (its finalizer lifted once it stopped); a replacement runs after
    // the 10 s back-off.
    assert!(list(&cp, "Pod").iter().all(|p| object::name(p) != name));
    cp.advance(10.0).unwrap();
    assert_eq!(active_pods(&cp).len(), 1);
    cp.advance(15.0).unwrap();
    let j = job(&cp, "pi").unwrap();
    assert!(condition(&j, "Complete").is_some());
    assert_eq!(int(&j, &["status", "succeeded"]), 1);
}

#[test]
fn on_failure_restarts_count_against_the_backoff_limit() {
    let manifest = BACKOFF.replace("restartPolicy: Never", "restartPolicy: OnFailure");
    let mut cp = load(&manifest);
    cp.advance(200.0).unwrap();
    let j = job(&cp, "flaky-migration").unwrap();
    let failed = condition(&j, "Failed").expect("the job failed");
    assert_eq!(failed["reason"], "BackoffLimitExceeded");
    // One pod, restarted in place by the kubelet, then deleted by the Job controller.
    assert!(list(&cp, "Pod").len() <= 1);
}
