//! Scenario tests over `examples/pods/`: each manifest's header promises what happens; these
//! tests hold the simulation to it.
use kplane::api::Value;
use kplane::kubectl::pod_status;
use kplane::{ApplyOptions, ControlPlane, DeleteOptions, ListOptions, ObjectRef, Options};

const SIDECAR: &str = include_str!("../../examples/pods/sidecar.yaml");
const NATIVE_SIDECAR: &str = include_str!("../../examples/pods/native-sidecar.yaml");
const INIT_CONTAINERS: &str = include_str!("../../examples/pods/init-containers.yaml");
const PROBES: &str = include_str!("../../examples/pods/probes.yaml");
const RESOURCES: &str = include_str!("../../examples/pods/resources.yaml");
const CRASH_LOOP: &str = include_str!("../../examples/pods/crash-loop.yaml");
const GRACEFUL_SHUTDOWN: &str = include_str!("../../examples/pods/graceful-shutdown.yaml");

fn load(manifest: &str) -> ControlPlane {
    let mut cp = ControlPlane::new(Options {
        seed: 11,
        ..Default::default()
    })
    .unwrap();
    let r = cp
        .apply("root", manifest, &ApplyOptions::default())
        .unwrap();
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    cp
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

fn ready(p: &Value) -> bool {
    p["status"]["conditions"].as_array().is_some_and(|a| {
        a.iter()
            .any(|c| c["type"] == "Ready" && c["status"] == "True")
    })
}

fn has_event(cp: &ControlPlane, name: &str, reason: &str, text: &str) -> bool {
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
    .any(|e| e["reason"] == reason && e["message"].as_str().unwrap_or("").contains(text))
}

/// The `kubectl get pods` row of `name`, split into columns.
fn row(cp: &mut ControlPlane, name: &str) -> Vec<String> {
    let out = cp.kubectl(&format!("get pod {name}"), "").stdout;
    out.lines()
        .nth(1)
        .unwrap_or("")
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

/// Advances one second at a time until `f` holds; returns the seconds it took.
fn seconds_until(cp: &mut ControlPlane, max: i64, f: impl Fn(&ControlPlane) -> bool) -> i64 {
    let start = cp.now_ms();
    while !f(cp) {
        assert!(cp.now_ms() - start < max * 1000, "not within {max} s");
        cp.advance(1.0).unwrap();
    }
    (cp.now_ms() - start) / 1000
}

#[test]
fn sidecar_pattern_runs_both_containers_in_one_pod() {
    let mut cp = load(SIDECAR);
    cp.advance(5.0).unwrap();
    let p = pod(&cp, "web-with-logs");
    assert_eq!(p["status"]["phase"], "Running");
    for c in ["primary-app", "log-sidecar"] {
        let s = container(&p, c);
        assert!(s["state"]["running"].is_object(), "{c}");
        assert_eq!(s["ready"], true, "{c}");
    }
    assert_eq!(
        container(&p, "primary-app")["state"]["running"]["startedAt"],
        container(&p, "log-sidecar")["state"]["running"]["startedAt"]
    );
    assert_eq!(row(&mut cp, "web-with-logs")[1..3], ["2/2", "Running"]);
    assert_eq!(p["spec"]["nodeName"], "node-1");
    assert!(p["status"]["podIP"].as_str().is_some());
}

#[test]
fn native_sidecar_starts_first_and_keeps_running() {
    let mut cp = load(NATIVE_SIDECAR);
    let name = "app-with-native-sidecar";
    let started = seconds_until(&mut cp, 30, |cp| {
        container(&pod(cp, name), "log-shipper")["started"] == true
    });
    assert_eq!(started, 11);
    assert!(container(&pod(&cp, name), "migrate")["state"]["running"].is_object());
    assert_eq!(row(&mut cp, name)[2], "Init:1/2");
    let app = seconds_until(&mut cp, 30, |cp| {
        container(&pod(cp, name), "app")["state"]["running"].is_object()
    });
    assert_eq!(started + app, 16);
    cp.advance(5.0).unwrap();
    let p = pod(&cp, name);
    assert_eq!(
        container(&p, "migrate")["state"]["terminated"]["reason"],
        "Completed"
    );
    assert!(container(&p, "log-shipper")["state"]["running"].is_object());
    assert!(ready(&p));
    assert_eq!(row(&mut cp, name)[1..3], ["2/2", "Running"]);
}

#[test]
fn init_container_finishes_before_the_app_starts() {
    let mut cp = load(INIT_CONTAINERS);
    let name = "app-with-setup";
    assert_eq!(row(&mut cp, name)[2], "Init:0/1");
    cp.advance(2.0).unwrap();
    assert_eq!(row(&mut cp, name)[2], "Init:0/1");
    assert!(container(&pod(&cp, name), "app")["state"]["waiting"].is_object());
    cp.advance(1.0).unwrap();
    let p = pod(&cp, name);
    let setup = &container(&p, "initial-setup")["state"]["terminated"];
    assert_eq!(setup["exitCode"], 0);
    assert_eq!(setup["reason"], "Completed");
    assert_eq!(
        setup["finishedAt"],
        container(&p, "app")["state"]["running"]["startedAt"]
    );
    assert_eq!(row(&mut cp, name)[1..3], ["1/1", "Running"]);
}

#[test]
fn probes_startup_liveness_and_readiness() {
    let mut cp = load(PROBES);
    // slow-starter: Ready at 51 s, never restarted.
    let t = seconds_until(&mut cp, 120, |cp| ready(&pod(cp, "slow-starter")));
    assert_eq!(t, 51);
    assert_eq!(
        container(&pod(&cp, "slow-starter"), "app")["restartCount"],
        0
    );
    // overloaded: Ready, then out of service from 81 s to 121 s, never restarted.
    assert!(ready(&pod(&cp, "overloaded")));
    cp.advance(30.0).unwrap(); // 81 s
    assert!(!ready(&pod(&cp, "overloaded")));
    assert_eq!(row(&mut cp, "overloaded")[1..3], ["0/1", "Running"]);
    assert!(has_event(
        &cp,
        "overloaded",
        "Unhealthy",
        "Readiness probe failed"
    ));
    // wedged: restarted by its liveness probe at 81 s.
    let p = pod(&cp, "wedged");
    assert_eq!(container(&p, "app")["restartCount"], 1);
    assert!(has_event(
        &cp,
        "wedged",
        "Unhealthy",
        "Liveness probe failed"
    ));
    assert!(has_event(
        &cp,
        "wedged",
        "Killing",
        "Container app failed liveness probe, will be restarted"
    ));
    cp.advance(40.0).unwrap(); // 121 s
    assert!(ready(&pod(&cp, "overloaded")));
    assert_eq!(container(&pod(&cp, "overloaded"), "app")["restartCount"], 0);
    assert_eq!(
        container(&pod(&cp, "slow-starter"), "app")["restartCount"],
        0
    );
}

#[test]
fn requests_and_limits() {
    let mut cp = load(RESOURCES);
    cp.advance(10.0).unwrap();
    let summary = cp.nodes();
    assert_eq!(summary[0].requested_milli_cpu, 750);
    assert_eq!(summary[0].requested_memory, 3 * 256 * 1024 * 1024);
    let steady = pod(&cp, "steady");
    assert_eq!(pod_status(&steady), "Running");
    let u = kplane::kubelet::usage(&steady);
    assert_eq!(
        (u[0].milli_cpu, u[0].memory, u[0].throttled),
        (300, 300 << 20, false)
    );
    let hungry = pod(&cp, "cpu-hungry");
    assert_eq!(pod_status(&hungry), "Running");
    let u = kplane::kubelet::usage(&hungry);
    assert_eq!((u[0].milli_cpu, u[0].throttled), (750, true));
    assert!(has_event(
        &cp,
        "cpu-hungry",
        "CPUThrottling",
        "throttled to 750m"
    ));
    let leak = pod(&cp, "memory-leak");
    assert_eq!(pod_status(&leak), "CrashLoopBackOff");
    let last = &container(&leak, "app")["lastState"]["terminated"];
    assert_eq!(
        (last["reason"].as_str(), last["exitCode"].as_i64()),
        (Some("OOMKilled"), Some(137))
    );
    assert!(
        kplane::kubelet::usage(&leak).is_empty(),
        "not running, uses nothing"
    );
}

#[test]
fn crash_loop_backs_off_and_a_fixed_container_stays_up() {
    let mut cp = load(CRASH_LOOP);
    let mut messages = Vec::new();
    for _ in 0..200 {
        cp.advance(1.0).unwrap();
        let p = pod(&cp, "crasher");
        if let Some(m) = container(&p, "app")["state"]["waiting"]["message"].as_str() {
            let b = m.split(' ').nth(1).unwrap().to_string();
            if messages.last() != Some(&b) {
                messages.push(b);
            }
        }
    }
    // Runs 1–6 s, restarts at once, 6–11 s, waits 10 s, 21–26, waits 20 s, 46–51, waits
    // 40 s, 91–96, waits 80 s (until 176), 176–181, waits 160 s.
    assert_eq!(messages, ["10s", "20s", "40s", "1m20s", "2m40s"]);
    assert!(has_event(
        &cp,
        "crasher",
        "BackOff",
        "Back-off restarting failed container app"
    ));
    let row = row(&mut cp, "fixed-after-two");
    assert_eq!(row[1..4], ["1/1", "Running", "2"]);
}

#[test]
fn graceful_shutdown_waits_for_the_app_or_the_grace_period() {
    let mut cp = load(GRACEFUL_SHUTDOWN);
    cp.advance(5.0).unwrap();
    for name in ["drains-in-10s", "ignores-sigterm"] {
        cp.delete(
            "root",
            &DeleteOptions {
                kind: "Pod".into(),
                namespace: Some("default".into()),
                name: name.into(),
                ..Default::default()
            },
        )
        .unwrap();
    }
    assert_eq!(row(&mut cp, "drains-in-10s")[2], "Terminating");
    assert_eq!(row(&mut cp, "ignores-sigterm")[2], "Terminating");
    let gone = |name: &'static str| move |cp: &ControlPlane| pod(cp, name).is_null();
    let t = seconds_until(&mut cp, 60, gone("drains-in-10s"));
    assert_eq!(t, 10);
    assert_eq!(row(&mut cp, "ignores-sigterm")[2], "Terminating");
    let t2 = seconds_until(&mut cp, 60, gone("ignores-sigterm"));
    assert_eq!(t + t2, 15);
}

/// Every example applies, settles into a deterministic state, and reads back the same after a
/// snapshot round trip.
#[test]
fn examples_are_deterministic() {
    for manifest in [
        SIDECAR,
        NATIVE_SIDECAR,
        INIT_CONTAINERS,
        PROBES,
        RESOURCES,
        CRASH_LOOP,
        GRACEFUL_SHUTDOWN,
    ] {
        let run = || {
            let mut cp = load(manifest);
            cp.advance(300.0).unwrap();
            cp.snapshot()
        };
        let a = run();
        assert_eq!(a, run());
        let mut restored = ControlPlane::restore(&a).unwrap();
        restored.advance(1.0).unwrap();
    }
}
