//! Bounded work for any input: the controllers' clients are rate limited as
//! kube-controller-manager's are (`--kube-api-qps=20 --kube-api-burst=30`), a workspace holds
//! at most its total object count limit (kcp's `core.kcp.io/max-total-objects`), and time
//! steps over idle stretches cost nothing, and one call writes at most its work budget
//! (`DEFAULT_WRITES_PER_CALL`) before it answers a 504 `Timeout`. Huge counts run as
//! controllers that keep working, not as a trapped or hung instance.
use kplane::api::Value;
use kplane::json;
use kplane::{
    ApplyOptions, ControlPlane, ListOptions, ObjectRef, Options, PatchType, DEFAULT_WRITES_PER_CALL,
};
use std::time::{Duration, Instant};

/// Wall-clock bound for calls that must not hang (generous: debug build, shared machine).
const QUICK: Duration = Duration::from_secs(60);

fn cluster() -> ControlPlane {
    let mut cp = ControlPlane::new(Options {
        seed: 3,
        ..Default::default()
    })
    .unwrap();
    cp.create(
        "root",
        json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"},
               "status": {"capacity": {"cpu": "8", "memory": "32Gi", "pods": "110"}}}),
        &ApplyOptions::default(),
    )
    .unwrap();
    cp
}

fn count(cp: &ControlPlane, ws: &str, kind: &str, selector: Option<&str>) -> usize {
    cp.list_items(
        ws,
        &ListOptions {
            kind: kind.into(),
            label_selector: selector.map(str::to_string),
            ..Default::default()
        },
    )
    .unwrap()
    .len()
}

fn template(app: &str) -> Value {
    json!({"metadata": {"labels": {"app": app}}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
}

fn replica_set(name: &str, replicas: i64) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": name, "namespace": "default"},
           "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}}, "template": template(name)}})
}

fn create(cp: &mut ControlPlane, ws: &str, obj: Value) {
    cp.create(ws, obj, &ApplyOptions::default()).unwrap();
}

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let out = f();
    assert!(t.elapsed() < QUICK, "{what} took {:?}", t.elapsed());
    out
}

/// A ReplicaSet of 2,000,000,000 replicas creates one sync's burst (500 pods, `burstReplicas`)
/// at once, then its client's rate: 20 writes a second on average (kube-controller-manager's
/// `--kube-api-qps`), as on a real cluster.
#[test]
fn a_huge_replica_set_creates_pods_at_the_controller_managers_client_rate() {
    let mut cp = cluster();
    timed("create", || {
        create(&mut cp, "root", replica_set("huge", 2_000_000_000))
    });
    assert_eq!(count(&cp, "root", "Pod", Some("app=huge")), 500);
    timed("advance(60)", || cp.advance(60.0).unwrap());
    let pods = count(&cp, "root", "Pod", Some("app=huge"));
    // The burst of 30 and 20 a second for 60 s bound every write (pods and status updates).
    assert!(pods <= 500 + 30 + 20 * 60, "{pods} pods after 60 s");
    assert!(
        pods >= 1000,
        "the controller kept working: {pods} pods after 60 s"
    );
    // The instance stays usable: other work goes on, and the scale-down is taken too.
    create(&mut cp, "root", replica_set("small", 2));
    cp.advance(30.0).unwrap();
    assert_eq!(count(&cp, "root", "Pod", Some("app=small")), 2);
    cp.patch(
        "root",
        &ObjectRef {
            api_version: Some("apps/v1".into()),
            kind: "ReplicaSet".into(),
            namespace: Some("default".into()),
            name: "huge".into(),
        },
        &json!({"spec": {"replicas": 3}}),
        PatchType::Merge,
    )
    .unwrap();
    timed("scale down", || cp.advance(600.0).unwrap());
    assert_eq!(count(&cp, "root", "Pod", Some("app=huge")), 3);
}

/// A Deployment, a Job and a StatefulSet with int32's largest counts, and a CronJob every
/// minute, all at once: each keeps working at a bounded rate.
#[test]
fn huge_counts_of_every_workload_kind_run_at_a_bounded_rate() {
    let mut cp = cluster();
    let max = i64::from(i32::MAX);
    create(
        &mut cp,
        "root",
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "namespace": "default"},
               "spec": {"replicas": max, "selector": {"matchLabels": {"app": "d"}}, "template": template("d")}}),
    );
    create(
        &mut cp,
        "root",
        json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j", "namespace": "default"},
               "spec": {"parallelism": max, "completions": max, "backoffLimit": max,
                        "template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}}}),
    );
    create(
        &mut cp,
        "root",
        json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "s", "namespace": "default"},
               "spec": {"replicas": max, "podManagementPolicy": "Parallel", "serviceName": "s",
                        "selector": {"matchLabels": {"app": "s"}}, "template": template("s")}}),
    );
    create(
        &mut cp,
        "root",
        json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c", "namespace": "default"},
               "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}}}}}),
    );
    // In steps of 30 s: the three controllers write about 27,000 times in 120 s (pods, their
    // Events and status updates), beyond one call's work budget.
    for _ in 0..4 {
        timed("advance(30)", || cp.advance(30.0).unwrap());
    }
    // Each controller: one sync's burst (500) every 23.55 s (the 471 writes beyond the
    // bucket's 30, paid off at 20 a second): 6 syncs in 120 s.
    for (kind, selector) in [
        ("Deployment", "app=d"),
        ("StatefulSet", "app=s"),
        ("Job", "job-name=j"),
    ] {
        let pods = count(&cp, "root", "Pod", Some(selector));
        assert!((2000..=3000).contains(&pods), "{kind}: {pods} pods");
    }
}

/// A workspace's object count limit stops a huge ReplicaSet with kcp's 403 (reported as a
/// `FailedCreate` Event, which the limit does not count), and a delete frees room again.
#[test]
fn the_workspace_object_limit_stops_a_huge_replica_set() {
    let mut cp = cluster();
    cp.add_logical_cluster("root:small").unwrap();
    cp.patch(
        "root:small",
        &ObjectRef {
            api_version: Some("core.kcp.io/v1alpha1".into()),
            kind: "LogicalCluster".into(),
            namespace: None,
            name: "cluster".into(),
        },
        &json!({"metadata": {"annotations": {"core.kcp.io/max-total-objects": "20"}}}),
        PatchType::Merge,
    )
    .unwrap();
    create(&mut cp, "root:small", replica_set("huge", 2_000_000_000));
    timed("advance(3600)", || cp.advance(3600.0).unwrap());
    // The LogicalCluster, four namespaces, the default ServiceAccount of each, the
    // ReplicaSet: the pods fill the rest.
    let others = 1 + 4 + 4 + 1;
    assert_eq!(
        count(&cp, "root:small", "Pod", None),
        20 - others - count(&cp, "root:small", "ConfigMap", None)
    );
    let events = cp
        .list_items(
            "root:small",
            &ListOptions {
                kind: "Event".into(),
                field_selector: Some("reason=FailedCreate".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let message = events[0]["message"].as_str().unwrap();
    assert!(
        message.contains("is forbidden: logical cluster \"root:small\" has reached its total object count limit (20/20 objects); delete objects to free up capacity"),
        "{message}"
    );
    let e = cp
        .create(
            "root:small",
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "default"}}),
            &ApplyOptions::default(),
        )
        .unwrap_err();
    assert_eq!((e.code, e.reason.as_str()), (403, "Forbidden"));
}

/// Time steps over idle stretches cost nothing: a cluster at rest, with running pods and a
/// PodDisruptionBudget, moves 100 years at once.
#[test]
fn advancing_an_idle_cluster_by_a_century_is_quick() {
    let mut cp = cluster();
    create(&mut cp, "root", replica_set("web", 3));
    cp.advance(60.0).unwrap();
    timed("advance(100 years)", || {
        cp.advance(100.0 * 365.0 * 86_400.0).unwrap()
    });
    timed("runUntilSettled(100 years)", || {
        cp.run_until_settled(Some(100.0 * 365.0 * 86_400.0))
            .unwrap()
    });
    assert_eq!(count(&cp, "root", "Pod", Some("app=web")), 3);
}

/// kubectl lines with huge numbers finish: a drain that a PodDisruptionBudget blocks, with a
/// timeout of 100 years, waits it out in one step when nothing can change meanwhile.
#[test]
fn kubectl_lines_with_huge_numbers_finish() {
    let mut cp = cluster();
    create(&mut cp, "root", replica_set("web", 1));
    create(
        &mut cp,
        "root",
        json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "web", "namespace": "default"},
               "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "web"}}}}),
    );
    cp.advance(60.0).unwrap();
    let out = timed("drain", || cp.kubectl("drain n1 --timeout=876000h", ""));
    assert_eq!(out.exit_code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("global timeout reached: 876000h0m0s"),
        "{}",
        out.stderr
    );
    for line in [
        "drain n1 --timeout=2562047h",
        "scale replicaset web --replicas=2147483647",
        "create deployment big --image=nginx --replicas=2147483647",
        "wait --for=condition=Ready pod --all --timeout=876000h",
        "rollout status deployment big --timeout=876000h",
    ] {
        let t = Instant::now();
        let out = cp.kubectl(line, "");
        eprintln!(
            "{line}: {:?} {} {}",
            t.elapsed(),
            out.exit_code,
            out.stderr.len()
        );
    }
    timed("advance(60)", || cp.advance(60.0).unwrap());
}

/// A cluster that never settles (a Deployment of int32's largest replica count on one small
/// node) advanced by 100 years: the call stops once it has spent its work budget, with a
/// 504 `Timeout` naming the instant it reached; every step before is complete, and the
/// control plane goes on from there.
#[test]
fn a_century_on_a_cluster_that_never_settles_stops_at_the_work_budget() {
    let mut cp = cluster();
    let before = cp.now_ms();
    create(
        &mut cp,
        "root",
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "namespace": "default"},
               "spec": {"replicas": i64::from(i32::MAX), "selector": {"matchLabels": {"app": "d"}}, "template": template("d")}}),
    );
    let e = timed("advance(100 years)", || {
        cp.advance(100.0 * 365.0 * 86_400.0).unwrap_err()
    });
    assert_eq!((e.code, e.reason.as_str()), (504, "Timeout"));
    assert!(
        e.message.starts_with(&format!(
            "Timeout: request did not complete within its work budget of {DEFAULT_WRITES_PER_CALL} writes; virtual time stopped at "
        )),
        "{}",
        e.message
    );
    let stopped = cp.now_ms();
    assert!(
        stopped > before && stopped < before + 86_400_000,
        "{stopped}"
    );
    // Usable: the next call goes on from there.
    cp.advance(10.0).unwrap();
    assert_eq!(cp.now_ms(), stopped + 10_000);
    let pods = count(&cp, "root", "Pod", Some("app=d"));
    assert!(pods > 1000, "{pods} pods");
}
