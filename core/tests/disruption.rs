//! PodDisruptionBudgets, the Eviction API and drain, over examples/disruption/.
use kplane::api::object;
use kplane::api::Value;
use kplane::{ApplyOptions, ControlPlane, ListOptions, ObjectRef, Options};

const STABLE_APP: &str = include_str!("../../examples/disruption/stable-app.yaml");
const CRITICAL: &str = include_str!("../../examples/disruption/critical-web-service.yaml");

fn node(name: &str) -> String {
    format!("apiVersion: v1\nkind: Node\nmetadata: {{name: {name}, labels: {{kubernetes.io/hostname: {name}}}}}\nstatus: {{capacity: {{cpu: '4', memory: 8Gi, pods: '110'}}}}\n")
}

fn pods(cp: &ControlPlane, app: &str) -> Vec<Value> {
    cp.list_items(
        "root",
        &ListOptions {
            kind: "Pod".into(),
            label_selector: Some(format!("app={app}")),
            ..Default::default()
        },
    )
    .unwrap()
}

fn ready(pods: &[Value]) -> usize {
    pods.iter()
        .filter(|p| !object::is_terminating(p))
        .filter(|p| {
            p["status"]["conditions"].as_array().is_some_and(|c| {
                c.iter()
                    .any(|c| c["type"] == "Ready" && c["status"] == "True")
            })
        })
        .count()
}

fn pdb(cp: &ControlPlane, name: &str) -> Value {
    cp.get(
        "root",
        &ObjectRef {
            kind: "PodDisruptionBudget".into(),
            name: name.into(),
            ..Default::default()
        },
    )
    .unwrap()
    .unwrap()
}

/// All of stable-app's pods on n1, then n2 and n3 join.
fn stable_app_on_one_node() -> ControlPlane {
    let mut cp = ControlPlane::new(Options {
        seed: 1,
        ..Default::default()
    })
    .unwrap();
    cp.apply(
        "root",
        &format!("{}---\n{STABLE_APP}", node("n1")),
        &ApplyOptions::default(),
    )
    .unwrap();
    cp.advance(10.0).unwrap();
    cp.apply(
        "root",
        &format!("{}---\n{}", node("n2"), node("n3")),
        &ApplyOptions::default(),
    )
    .unwrap();
    cp.advance(1.0).unwrap();
    cp
}

#[test]
fn pdb_status_follows_upstream() {
    let cp = stable_app_on_one_node();
    let status = pdb(&cp, "stable-app")["status"].clone();
    assert_eq!(
        (
            status["currentHealthy"].as_i64(),
            status["desiredHealthy"].as_i64()
        ),
        (Some(3), Some(2))
    );
    assert_eq!(
        (
            status["expectedPods"].as_i64(),
            status["disruptionsAllowed"].as_i64()
        ),
        (Some(3), Some(1))
    );
    assert_eq!(status["conditions"][0]["reason"], "SufficientPods");
}

#[test]
fn evictions_never_break_the_budget() {
    let mut cp = stable_app_on_one_node();
    cp.kubectl("cordon n1", "");
    let first = object::name(&pods(&cp, "stable-app")[0]).to_string();
    cp.evict("root", "default", &first).unwrap();
    let second = pods(&cp, "stable-app")
        .into_iter()
        .find(|p| !object::is_terminating(p) && p["spec"]["nodeName"] == "n1")
        .unwrap();
    let e = cp
        .evict("root", "default", object::name(&second))
        .unwrap_err();
    assert_eq!((e.code, e.reason.as_str()), (429, "TooManyRequests"));
    assert_eq!(
        e.message,
        "Cannot evict pod as it would violate the pod's disruption budget."
    );
    let cause = &e.details.unwrap().causes[0];
    assert_eq!(
        (cause.reason.as_str(), cause.message.as_str()),
        (
            "DisruptionBudget",
            "The disruption budget stable-app needs 2 healthy pods and has 2 currently"
        )
    );
    // Step by step: evict whatever is allowed; two pods stay Ready at every instant.
    for _ in 0..30 {
        for p in pods(&cp, "stable-app")
            .iter()
            .filter(|p| p["spec"]["nodeName"] == "n1" && !object::is_terminating(p))
        {
            let _ = cp.evict("root", "default", object::name(p));
            assert!(ready(&pods(&cp, "stable-app")) >= 2, "the budget held");
        }
        cp.advance(1.0).unwrap();
        assert!(ready(&pods(&cp, "stable-app")) >= 2, "the budget held");
    }
    assert!(pods(&cp, "stable-app")
        .iter()
        .all(|p| p["spec"]["nodeName"] != "n1"));
    assert_eq!(ready(&pods(&cp, "stable-app")), 3);
}

#[test]
fn kubectl_drain_waits_on_the_budget() {
    let mut cp = stable_app_on_one_node();
    let out = cp.kubectl("drain n1 --ignore-daemonsets", "");
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with("node/n1 cordoned\nevicting pod default/stable-app-"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.ends_with("node/n1 drained\n"), "{}", out.stdout);
    assert!(
        out.stderr.contains("(will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget."),
        "the drain had to wait: {}",
        out.stderr
    );
    assert_eq!(out.stdout.matches(" evicted\n").count(), 3);
    // Drain returns once the evicted pods are gone; the last replacement is still starting.
    cp.advance(2.0).unwrap();
    assert_eq!(ready(&pods(&cp, "stable-app")), 3);
    assert!(cp
        .kubectl("get nodes", "")
        .stdout
        .contains("n1     Ready,SchedulingDisabled"));
}

#[test]
fn drain_times_out_when_the_budget_cannot_be_met() {
    let mut cp = ControlPlane::new(Options {
        seed: 2,
        ..Default::default()
    })
    .unwrap();
    // One node only: evicted pods have nowhere to go, so the budget stays exhausted.
    cp.apply(
        "root",
        &format!("{}---\n{STABLE_APP}", node("n1")),
        &ApplyOptions::default(),
    )
    .unwrap();
    cp.advance(10.0).unwrap();
    let out = cp.kubectl("drain n1 --timeout=30s", "");
    assert_eq!(out.exit_code, 1);
    assert!(
        out.stderr.contains("global timeout reached: 30s"),
        "{}",
        out.stderr
    );
    assert_eq!(ready(&pods(&cp, "stable-app")), 2);
}

#[test]
fn critical_web_service_spreads_and_keeps_half() {
    let mut cp = ControlPlane::new(Options {
        seed: 3,
        ..Default::default()
    })
    .unwrap();
    cp.apply(
        "root",
        &format!(
            "{}---\n{}---\n{}---\n{CRITICAL}",
            node("n1"),
            node("n2"),
            node("n3")
        ),
        &ApplyOptions::default(),
    )
    .unwrap();
    cp.advance(10.0).unwrap();
    let status = pdb(&cp, "critical-web-service-pdb")["status"].clone();
    // minAvailable 50% of 2 replicas → 1 desired healthy, 1 disruption allowed.
    assert_eq!(
        (
            status["desiredHealthy"].as_i64(),
            status["disruptionsAllowed"].as_i64()
        ),
        (Some(1), Some(1))
    );
    let out = cp.kubectl("drain n1", "");
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    cp.kubectl("drain n2", "");
    assert!(ready(&pods(&cp, "critical-web-service")) >= 1);
}
