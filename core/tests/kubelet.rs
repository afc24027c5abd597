//! The simulated kubelet: pod lifecycle, init containers and sidecars, probes, restarts with
//! CrashLoopBackOff, resource behaviour, graceful termination and node states.
use kplane::api::object::str_at;
use kplane::kubectl::pod_status;
use kplane::{ApplyOptions, ControlPlane, ListOptions, ObjectRef, Options};
use serde_json::Value;

const NODE: &str = "apiVersion: v1
kind: Node
metadata: {name: node-a}
status: {capacity: {cpu: '4', memory: 8Gi, pods: '110'}}
";

fn plane() -> ControlPlane {
    let mut cp = ControlPlane::new(Options {
        seed: 7,
        ..Default::default()
    })
    .unwrap();
    cp.apply("root", NODE, &ApplyOptions::default()).unwrap();
    cp
}

fn apply(cp: &mut ControlPlane, yaml: &str) {
    cp.apply("root", yaml, &ApplyOptions::default()).unwrap();
}

fn pod(cp: &ControlPlane, name: &str) -> Value {
    cp.get(
        "root",
        &ObjectRef {
            kind: "Pod".into(),
            namespace: Some("default".into()),
            name: name.into(),
            ..Default::default()
        },
    )
    .unwrap()
    .unwrap_or(Value::Null)
}

fn container<'a>(p: &'a Value, name: &str) -> &'a Value {
    for list in ["containerStatuses", "initContainerStatuses"] {
        if let Some(c) = p["status"][list]
            .as_array()
            .and_then(|a| a.iter().find(|c| c["name"] == name))
        {
            return c;
        }
    }
    &Value::Null
}

fn condition(p: &Value, t: &str) -> String {
    p["status"]["conditions"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["type"] == t))
        .and_then(|c| c["status"].as_str())
        .unwrap_or("")
        .to_string()
}

/// `(reason, message)` of the Events about `name`, oldest first.
fn events(cp: &ControlPlane, name: &str) -> Vec<(String, String)> {
    cp.list_items(
        "root",
        &ListOptions {
            kind: "Event".into(),
            namespace: Some("default".into()),
            field_selector: Some(format!("involvedObject.name={name}")),
            ..Default::default()
        },
    )
    .unwrap()
    .iter()
    .map(|e| {
        (
            e["reason"].as_str().unwrap_or("").to_string(),
            e["message"].as_str().unwrap_or("").to_string(),
        )
    })
    .collect()
}

fn has_event(cp: &ControlPlane, name: &str, reason: &str, text: &str) -> bool {
    events(cp, name)
        .iter()
        .any(|(r, m)| r == reason && m.contains(text))
}

/// Seconds since the control plane started.
fn secs(cp: &ControlPlane, start: i64) -> i64 {
    (cp.now_ms() - start) / 1000
}

fn single(name: &str, annotations: &str, extra_spec: &str, container_extra: &str) -> String {
    format!(
        "apiVersion: v1
kind: Pod
metadata:
  name: {name}
  annotations: {{{annotations}}}
spec:
{extra_spec}  containers:
  - name: app
    image: nginx
{container_extra}"
    )
}

#[test]
fn pod_runs_after_start_latency() {
    let mut cp = plane();
    apply(
        &mut cp,
        &single("web", "sim.kplane.dev/start-seconds: '3'", "", ""),
    );
    let p = pod(&cp, "web");
    assert_eq!(pod_status(&p), "ContainerCreating");
    assert_eq!(condition(&p, "PodScheduled"), "True");
    assert_eq!(condition(&p, "PodReadyToStartContainers"), "False");
    cp.advance(2.0);
    assert_eq!(pod_status(&pod(&cp, "web")), "ContainerCreating");
    cp.advance(1.0);
    let p = pod(&cp, "web");
    assert_eq!(pod_status(&p), "Running");
    assert_eq!(p["status"]["phase"], "Running");
    for t in [
        "PodReadyToStartContainers",
        "Initialized",
        "ContainersReady",
        "Ready",
    ] {
        assert_eq!(condition(&p, t), "True", "{t}");
    }
    let c = container(&p, "app");
    assert_eq!(c["image"], "docker.io/library/nginx:latest");
    assert_eq!(c["started"], true);
    assert!(c["containerID"]
        .as_str()
        .unwrap()
        .starts_with("containerd://"));
    assert!(str_at(&p, &["status", "podIP"])
        .unwrap()
        .starts_with("10.244."));
    assert!(has_event(&cp, "web", "Started", "Started container app"));
}

/// The back-off after each exit of a container that crashes 1 s after every start:
/// the first restart is immediate, then 10 s, doubling to the 300 s cap.
#[test]
fn crash_loop_back_off_timing() {
    let mut cp = plane();
    let start = cp.now_ms();
    apply(
        &mut cp,
        &single("crash", "sim.kplane.dev/crash-seconds: '1'", "", ""),
    );
    let mut restarts_at = Vec::new();
    let mut backoffs = Vec::new();
    let mut last_count = 0;
    let mut seen_status = Vec::new();
    while secs(&cp, start) < 1000 {
        cp.advance(1.0);
        let p = pod(&cp, "crash");
        let c = container(&p, "app");
        let count = c["restartCount"].as_i64().unwrap();
        if count != last_count {
            restarts_at.push(secs(&cp, start));
            last_count = count;
        }
        let status = pod_status(&p);
        if status == "CrashLoopBackOff" && seen_status.last() != Some(&status) {
            let m = c["state"]["waiting"]["message"].as_str().unwrap();
            backoffs.push(m.split(' ').nth(1).unwrap().to_string());
        }
        seen_status.push(status);
    }
    // Starts at 1 s, crashes at 2 s (restart at once), then waits 10, 20, 40, 80, 160, 300,
    // 300 s (each run lasts 1 s).
    assert_eq!(restarts_at, [2, 13, 34, 75, 156, 317, 618, 919]);
    let gaps: Vec<i64> = restarts_at.windows(2).map(|w| w[1] - w[0] - 1).collect();
    assert_eq!(gaps, [10, 20, 40, 80, 160, 300, 300]);
    assert_eq!(
        backoffs,
        ["10s", "20s", "40s", "1m20s", "2m40s", "5m0s", "5m0s", "5m0s"]
    );
    let p = pod(&cp, "crash");
    let last = &container(&p, "app")["lastState"]["terminated"];
    assert_eq!(last["exitCode"], 1);
    assert_eq!(last["reason"], "Error");
    assert_eq!(p["status"]["phase"], "Running");
    assert!(seen_status.iter().any(|s| s == "CrashLoopBackOff"));
    assert!(has_event(
        &cp,
        "crash",
        "BackOff",
        "Back-off restarting failed container app in pod crash_default"
    ));
}
