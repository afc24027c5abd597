//! The simulated kubelet: pod lifecycle, init containers and sidecars, probes, restarts with
//! CrashLoopBackOff, resource behaviour, graceful termination and node states.
use kplane::api::object::str_at;
use kplane::api::Value;
use kplane::kubectl::pod_status;
use kplane::{ApplyOptions, ControlPlane, DeleteOptions, ListOptions, ObjectRef, Options};

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
    cp.advance(2.0).unwrap();
    assert_eq!(pod_status(&pod(&cp, "web")), "ContainerCreating");
    cp.advance(1.0).unwrap();
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
        cp.advance(1.0).unwrap();
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

#[test]
fn back_off_resets_after_ten_minutes_of_running() {
    let mut cp = plane();
    apply(
        &mut cp,
        &single("slow", "sim.kplane.dev/crash-seconds: '700'", "", ""),
    );
    // Each run lasts 700 s > 10 min: every restart is immediate, no CrashLoopBackOff.
    for _ in 0..2200 {
        cp.advance(1.0).unwrap();
        assert_ne!(pod_status(&pod(&cp, "slow")), "CrashLoopBackOff");
    }
    let c = container(&pod(&cp, "slow"), "app").clone();
    assert_eq!(c["restartCount"], 3);
}

/// restartPolicy × exit code → phase, STATUS column and whether the container restarts.
#[test]
fn restart_policies() {
    let cases = [
        ("Always", 0, "Running", "CrashLoopBackOff", true),
        ("Always", 1, "Running", "CrashLoopBackOff", true),
        ("OnFailure", 0, "Succeeded", "Completed", false),
        ("OnFailure", 3, "Running", "CrashLoopBackOff", true),
        ("Never", 0, "Succeeded", "Completed", false),
        ("Never", 2, "Failed", "Error", false),
    ];
    for (policy, code, phase, status, restarts) in cases {
        let mut cp = plane();
        apply(
            &mut cp,
            &single(
                "job",
                &format!("sim.kplane.dev/exit-seconds: '5', sim.kplane.dev/exit-code: '{code}'"),
                &format!("  restartPolicy: {policy}\n"),
                "",
            ),
        );
        cp.advance(30.0).unwrap();
        let p = pod(&cp, "job");
        let case = format!("{policy} exit {code}");
        assert_eq!(p["status"]["phase"], phase, "{case}");
        assert_eq!(pod_status(&p), status, "{case}");
        let c = container(&p, "app");
        assert_eq!(c["restartCount"].as_i64().unwrap() > 0, restarts, "{case}");
        let term = if restarts {
            &c["lastState"]["terminated"]
        } else {
            &c["state"]["terminated"]
        };
        assert_eq!(term["exitCode"], code, "{case}");
        if !restarts {
            assert_eq!(condition(&p, "Ready"), "False", "{case}");
            assert_eq!(
                condition(&p, "PodReadyToStartContainers"),
                "False",
                "{case}"
            );
        }
    }
}

#[test]
fn exit_times_limits_crashes_to_the_first_runs() {
    let mut cp = plane();
    apply(
        &mut cp,
        &single(
            "flaky",
            "sim.kplane.dev/crash-seconds: '2', sim.kplane.dev/exit-times: '2'",
            "",
            "",
        ),
    );
    cp.advance(120.0).unwrap();
    let p = pod(&cp, "flaky");
    assert_eq!(pod_status(&p), "Running");
    assert_eq!(condition(&p, "Ready"), "True");
    assert_eq!(container(&p, "app")["restartCount"], 2);
}

const INIT_POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: init
  annotations:
    sim.kplane.dev/exit-seconds.first: '5'
    sim.kplane.dev/exit-seconds.second: '3'
spec:
  initContainers:
  - name: first
    image: busybox
  - name: second
    image: busybox
  containers:
  - name: app
    image: nginx
";

#[test]
fn init_containers_run_one_at_a_time() {
    let mut cp = plane();
    let start = cp.now_ms();
    apply(&mut cp, INIT_POD);
    let mut timeline = Vec::new();
    for _ in 0..15 {
        let p = pod(&cp, "init");
        let s = pod_status(&p);
        if timeline
            .last()
            .map(|(_, l): &(i64, String)| l != &s)
            .unwrap_or(true)
        {
            timeline.push((secs(&cp, start), s));
        }
        cp.advance(1.0).unwrap();
    }
    let timeline: Vec<(i64, &str)> = timeline.iter().map(|(t, s)| (*t, s.as_str())).collect();
    // Sandbox at 1 s; first runs 1–6 s, second 6–9 s, then the app.
    assert_eq!(timeline, [(0, "Init:0/2"), (6, "Init:1/2"), (9, "Running")]);
    let p = pod(&cp, "init");
    let first = &container(&p, "first")["state"]["terminated"];
    let second = &container(&p, "second")["state"]["terminated"];
    assert_eq!(first["reason"], "Completed");
    assert!(first["finishedAt"].as_str() <= second["startedAt"].as_str());
    assert!(
        second["finishedAt"].as_str()
            <= container(&p, "app")["state"]["running"]["startedAt"].as_str()
    );
    assert_eq!(condition(&p, "Initialized"), "True");
}

#[test]
fn init_container_failure_retries_or_fails_the_pod() {
    for (policy, phase, status) in [
        ("Always", "Pending", "Init:CrashLoopBackOff"),
        ("Never", "Failed", "Init:Error"),
    ] {
        let mut cp = plane();
        let yaml = INIT_POD.replace(
            "sim.kplane.dev/exit-seconds.first: '5'",
            "sim.kplane.dev/crash-seconds.first: '2'",
        ) + &format!("  restartPolicy: {policy}\n");
        apply(&mut cp, &yaml);
        cp.advance(30.0).unwrap();
        let p = pod(&cp, "init");
        assert_eq!(p["status"]["phase"], phase, "{policy}");
        assert_eq!(pod_status(&p), status, "{policy}");
        assert!(container(&p, "second")["state"]["waiting"].is_object());
        assert_eq!(
            container(&p, "app")["state"]["waiting"]["reason"],
            "PodInitializing"
        );
        assert_eq!(condition(&p, "Initialized"), "False");
    }
}

const SIDECAR_POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: sidecar
  annotations:
    sim.kplane.dev/ready-seconds.proxy: '12'
    sim.kplane.dev/exit-seconds.migrate: '4'
spec:
  initContainers:
  - name: proxy
    image: envoyproxy/envoy:v1.31
    restartPolicy: Always
    startupProbe:
      tcpSocket: {port: 15000}
      periodSeconds: 5
      failureThreshold: 6
  - name: migrate
    image: busybox
  containers:
  - name: app
    image: nginx
";

#[test]
fn sidecar_starts_before_the_next_init_container_and_keeps_running() {
    let mut cp = plane();
    let start = cp.now_ms();
    apply(&mut cp, SIDECAR_POD);
    let mut seen = Vec::new();
    for _ in 0..40 {
        cp.advance(1.0).unwrap();
        let p = pod(&cp, "sidecar");
        let s = format!(
            "{} proxy={} migrate={} app={}",
            pod_status(&p),
            state(container(&p, "proxy")),
            state(container(&p, "migrate")),
            state(container(&p, "app"))
        );
        if seen
            .last()
            .map(|(_, l): &(i64, String)| l != &s)
            .unwrap_or(true)
        {
            seen.push((secs(&cp, start), s));
        }
    }
    let seen: Vec<(i64, &str)> = seen.iter().map(|(t, s)| (*t, s.as_str())).collect();
    // proxy runs from 1 s and passes its startup probe at the first tick after 12 s (16 s);
    // then migrate runs 16–20 s; then the app.
    assert_eq!(
        seen,
        [
            (1, "Init:0/2 proxy=running migrate=waiting app=waiting"),
            (
                16,
                "Init:1/2 proxy=running+started migrate=running app=waiting"
            ),
            (
                20,
                "Running proxy=running+started migrate=Completed app=running+started"
            )
        ]
    );
    let p = pod(&cp, "sidecar");
    assert_eq!(condition(&p, "Ready"), "True");
    let out = cp.kubectl("get pods", "").stdout;
    assert!(out.contains("2/2"), "{out}");
}

fn state(c: &Value) -> String {
    let s = &c["state"];
    if s.get("running").is_some() {
        if c["started"] == true {
            "running+started".into()
        } else {
            "running".into()
        }
    } else if let Some(t) = s.get("terminated") {
        t["reason"].as_str().unwrap_or("").into()
    } else {
        "waiting".into()
    }
}

#[test]
fn job_like_pod_with_sidecar_completes_after_the_sidecar_stops() {
    let mut cp = plane();
    apply(
        &mut cp,
        "apiVersion: v1
kind: Pod
metadata:
  name: batch
  annotations:
    sim.kplane.dev/exit-seconds: '10'
    sim.kplane.dev/termination-seconds.logs: '2'
spec:
  restartPolicy: Never
  initContainers:
  - name: logs
    image: fluent/fluent-bit
    restartPolicy: Always
  containers:
  - name: work
    image: busybox
",
    );
    cp.advance(11.0).unwrap();
    let p = pod(&cp, "batch");
    assert_eq!(p["status"]["phase"], "Running", "the sidecar still runs");
    assert!(container(&p, "logs")["state"]["running"].is_object());
    cp.advance(2.0).unwrap();
    let p = pod(&cp, "batch");
    assert_eq!(p["status"]["phase"], "Succeeded");
    assert_eq!(pod_status(&p), "Completed");
    assert_eq!(
        container(&p, "logs")["state"]["terminated"]["reason"],
        "Completed"
    );
    assert!(has_event(
        &cp,
        "batch",
        "Killing",
        "Stopping container logs"
    ));
}

/// Readiness: `successThreshold` successes to become ready, `failureThreshold` failures to
/// stop being ready; no restart.
#[test]
fn readiness_probe_thresholds() {
    let mut cp = plane();
    let start = cp.now_ms();
    apply(
        &mut cp,
        &single(
            "web",
            "sim.kplane.dev/readiness-fails: '60-120'",
            "",
            "    readinessProbe:
      httpGet: {path: /ready, port: 80}
      periodSeconds: 10
      successThreshold: 2
      failureThreshold: 3
",
        ),
    );
    let mut flips = Vec::new();
    let mut last = String::new();
    for _ in 0..200 {
        cp.advance(1.0).unwrap();
        let r = condition(&pod(&cp, "web"), "Ready");
        if r != last {
            flips.push((secs(&cp, start), r.clone()));
            last = r;
        }
    }
    let flips: Vec<(i64, &str)> = flips.iter().map(|(t, s)| (*t, s.as_str())).collect();
    // Started at 1 s; probes at 1, 11, 21…: ready after the 2nd success (11 s); failures at
    // 61, 71, 81 → not ready at 81 s; successes at 121, 131 → ready at 131 s.
    assert_eq!(
        flips,
        [(1, "False"), (11, "True"), (81, "False"), (131, "True")]
    );
    let p = pod(&cp, "web");
    assert_eq!(container(&p, "app")["restartCount"], 0);
    assert!(has_event(
        &cp,
        "web",
        "Unhealthy",
        "Readiness probe failed: HTTP probe failed with statuscode: 503"
    ));
    let out = cp.kubectl("get pod web", "").stdout;
    assert!(out.contains("1/1     Running"), "{out}");
}

#[test]
fn liveness_probe_failure_restarts_the_container() {
    let mut cp = plane();
    apply(
        &mut cp,
        &single(
            "live",
            "sim.kplane.dev/liveness-fails: '30-'",
            "",
            "    livenessProbe:
      httpGet: {path: /healthz, port: 80}
      periodSeconds: 5
",
        ),
    );
    // Started at 1 s; probes at 31, 36, 41 fail → killed and restarted at 41 s.
    cp.advance(40.0).unwrap();
    assert_eq!(container(&pod(&cp, "live"), "app")["restartCount"], 0);
    cp.advance(1.0).unwrap();
    let p = pod(&cp, "live");
    let c = container(&p, "app");
    assert_eq!(c["restartCount"], 1);
    assert_eq!(c["lastState"]["terminated"]["exitCode"], 137);
    assert!(has_event(&cp, "live", "Unhealthy", "Liveness probe failed"));
    assert!(has_event(
        &cp,
        "live",
        "Killing",
        "Container app failed liveness probe, will be restarted"
    ));
    // The next run fails again after 40 s: back-off 10 s.
    cp.advance(40.0).unwrap();
    assert_eq!(pod_status(&pod(&cp, "live")), "CrashLoopBackOff");
}

/// The seed's startup probe (initialDelaySeconds 30, periodSeconds 10) holds the liveness probe
/// back while a slow application starts.
#[test]
fn startup_probe_gates_liveness() {
    let probes = "    startupProbe:
      httpGet: {path: /status, port: 8080}
      initialDelaySeconds: 30
      periodSeconds: 10
    livenessProbe:
      httpGet: {path: /status, port: 8080}
      periodSeconds: 10
";
    let liveness_only = "    livenessProbe:
      httpGet: {path: /status, port: 8080}
      periodSeconds: 10
";
    // Started at 1 s and up at 46 s. With the startup probe: probes at 31, 41 fail, 51 passes,
    // no restart. Without it: liveness fails at 1, 11, 21 → killed (no readiness probe, so the
    // pod was Ready at once, as in Kubernetes).
    for (extra, restarted, ready_at) in [(probes, false, Some(51)), (liveness_only, true, Some(1))]
    {
        let mut cp = plane();
        let start = cp.now_ms();
        apply(
            &mut cp,
            &single("slow", "sim.kplane.dev/ready-seconds: '45'", "", extra),
        );
        let mut ready = None;
        for _ in 0..70 {
            cp.advance(1.0).unwrap();
            if ready.is_none() && condition(&pod(&cp, "slow"), "Ready") == "True" {
                ready = Some(secs(&cp, start));
            }
        }
        let p = pod(&cp, "slow");
        let restarts = container(&p, "app")["restartCount"].as_i64().unwrap();
        assert_eq!(restarts > 0, restarted, "{extra}");
        assert_eq!(ready, ready_at, "{extra}");
        assert_eq!(
            has_event(&cp, "slow", "Unhealthy", "Liveness probe failed"),
            restarted
        );
    }
}

#[test]
fn startup_probe_failure_kills_the_container() {
    let mut cp = plane();
    apply(
        &mut cp,
        &single(
            "never",
            "sim.kplane.dev/startup-fails: '0-'",
            "",
            "    startupProbe:
      exec: {command: [cat, /tmp/started]}
      periodSeconds: 10
      failureThreshold: 2
",
        ),
    );
    cp.advance(12.0).unwrap();
    let p = pod(&cp, "never");
    assert_eq!(container(&p, "app")["restartCount"], 1);
    assert_eq!(container(&p, "app")["started"], false);
    assert!(has_event(
        &cp,
        "never",
        "Unhealthy",
        "Startup probe failed: command \"cat /tmp/started\" exited with 1"
    ));
    assert!(has_event(
        &cp,
        "never",
        "Killing",
        "Container app failed startup probe, will be restarted"
    ));
}

/// The seed's requests and limits: 256Mi/512Mi memory, 250m/750m CPU.
const LIMITS: &str = "    resources:
      requests: {cpu: 250m, memory: 256Mi}
      limits: {cpu: 750m, memory: 512Mi}
";

#[test]
fn memory_over_the_limit_is_oom_killed() {
    let mut cp = plane();
    apply(
        &mut cp,
        &single("hog", "sim.kplane.dev/memory: 600Mi", "", LIMITS),
    );
    cp.advance(5.0).unwrap();
    let p = pod(&cp, "hog");
    assert_eq!(pod_status(&p), "CrashLoopBackOff");
    let last = &container(&p, "app")["lastState"]["terminated"];
    assert_eq!(last["reason"], "OOMKilled");
    assert_eq!(last["exitCode"], 137);
    // Under the limit: runs.
    let mut cp = plane();
    apply(
        &mut cp,
        &single("fits", "sim.kplane.dev/memory: 400Mi", "", LIMITS),
    );
    cp.advance(5.0).unwrap();
    assert_eq!(pod_status(&pod(&cp, "fits")), "Running");
}

#[test]
fn cpu_over_the_limit_is_throttled_and_reported() {
    let mut cp = plane();
    apply(
        &mut cp,
        &single(
            "busy",
            "sim.kplane.dev/cpu: '1', sim.kplane.dev/memory: 300Mi",
            "",
            LIMITS,
        ),
    );
    cp.advance(5.0).unwrap();
    let p = pod(&cp, "busy");
    assert_eq!(pod_status(&p), "Running");
    let usage = kplane::kubelet::usage(&p);
    assert_eq!(usage.len(), 1);
    assert_eq!(usage[0].milli_cpu, 750);
    assert_eq!(usage[0].memory, 300 * 1024 * 1024);
    assert!(usage[0].throttled);
    assert!(has_event(
        &cp,
        "busy",
        "CPUThrottling",
        "Container app wants 1 CPU but its limit is 750m"
    ));
}

fn delete(cp: &mut ControlPlane, name: &str) {
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

#[test]
fn graceful_termination_and_sigkill_at_the_grace_period() {
    // (termination-seconds, terminationGracePeriodSeconds) → seconds Terminating.
    for (term, grace, gone_after) in [(5, 30, 5), (60, 10, 10)] {
        let mut cp = plane();
        apply(
            &mut cp,
            &single(
                "web",
                &format!("sim.kplane.dev/termination-seconds: '{term}'"),
                &format!("  terminationGracePeriodSeconds: {grace}\n"),
                "",
            ),
        );
        cp.advance(5.0).unwrap();
        delete(&mut cp, "web");
        let start = cp.now_ms();
        let mut terminating = 0;
        while pod(&cp, "web") != Value::Null {
            assert_eq!(pod_status(&pod(&cp, "web")), "Terminating");
            cp.advance(1.0).unwrap();
            terminating += 1;
            assert!(terminating < 100);
        }
        assert_eq!(secs(&cp, start), gone_after, "term {term} grace {grace}");
        assert!(has_event(&cp, "web", "Killing", "Stopping container app"));
    }
}

#[test]
fn deleted_pod_reports_a_terminal_phase_before_it_goes() {
    let mut cp = plane();
    apply(
        &mut cp,
        &single(
            "web",
            "sim.kplane.dev/termination-seconds: '60'",
            "  terminationGracePeriodSeconds: 10\n",
            "",
        ),
    );
    cp.advance(5.0).unwrap();
    let rv = cp.server().store.revision();
    delete(&mut cp, "web");
    cp.advance(10.0).unwrap();
    let history = cp
        .watch(
            "root",
            &kplane::WatchOptions {
                kind: Some("Pod".into()),
                resource_version: Some(rv.to_string()),
                ..Default::default()
            },
        )
        .unwrap();
    let last_modified = history.iter().rev().find(|e| e.kind == "MODIFIED").unwrap();
    assert_eq!(last_modified.object["status"]["phase"], "Failed");
    let term = &last_modified.object["status"]["containerStatuses"][0]["state"]["terminated"];
    assert_eq!(
        term["exitCode"], 137,
        "SIGKILL at the end of the grace period"
    );
    assert!(history.iter().any(|e| e.kind == "DELETED"));
}

#[test]
fn node_states_fail_stop_restore() {
    let mut cp = plane();
    apply(
        &mut cp,
        &single("web", "sim.kplane.dev/crash-seconds: '30'", "", ""),
    );
    cp.advance(5.0).unwrap();
    let node = |cp: &ControlPlane| {
        cp.get(
            "root",
            &ObjectRef {
                kind: "Node".into(),
                name: "node-a".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .unwrap()
    };
    let ready = |n: &Value| {
        n["status"]["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["type"] == "Ready")
            .cloned()
            .unwrap()
    };
    assert_eq!(ready(&node(&cp))["status"], "True");

    cp.fail_node("node-a").unwrap();
    let n = node(&cp);
    assert_eq!(
        n["metadata"]["annotations"]["sim.kplane.dev/node-state"],
        "Failed"
    );
    assert_eq!(
        n["metadata"]["annotations"]["sim.kplane.dev/node-state-since"],
        cp.now()
    );
    assert_eq!(ready(&n)["status"], "False");
    assert_eq!(ready(&n)["reason"], "KubeletNotReady");
    let out = cp.kubectl("get nodes", "").stdout;
    assert!(out.contains("NotReady"), "{out}");

    cp.stop_node("node-a").unwrap();
    let n = node(&cp);
    assert_eq!(
        n["metadata"]["annotations"]["sim.kplane.dev/node-state"],
        "Stopped"
    );
    let frozen = pod(&cp, "web");
    cp.advance(120.0).unwrap();
    // The kubelet posts nothing; only the node lifecycle controller marks the pod not Ready
    // and the node Unknown once the grace period passes.
    assert_eq!(
        pod(&cp, "web")["status"]["containerStatuses"],
        frozen["status"]["containerStatuses"],
        "pods on a stopped node are frozen"
    );
    assert_eq!(ready(&pod(&cp, "web"))["status"], "False");
    assert_eq!(
        ready(&node(&cp))["reason"],
        "NodeStatusUnknown",
        "a stopped kubelet posts nothing"
    );

    cp.restore_node("node-a").unwrap();
    let n = node(&cp);
    assert!(n["metadata"]
        .get("annotations")
        .and_then(|a| a.get("sim.kplane.dev/node-state"))
        .is_none());
    assert_eq!(ready(&n)["status"], "True");
    assert_eq!(ready(&n)["reason"], "KubeletReady");
    // The overdue crash happens when the kubelet is back.
    assert_eq!(container(&pod(&cp, "web"), "app")["restartCount"], 1);
    assert!(cp.fail_node("nope").is_err());
}

#[test]
fn idle_nodes_and_pods_write_nothing() {
    let mut cp = plane();
    apply(
        &mut cp,
        &single(
            "web",
            "",
            "",
            "    readinessProbe:
      httpGet: {port: 80}
    livenessProbe:
      httpGet: {port: 80}
",
        ),
    );
    cp.advance(30.0).unwrap();
    let rv = cp.server().store.revision();
    // Half an hour: within the Events' one-hour time to live, so nothing at all is written.
    cp.advance(1800.0).unwrap();
    assert_eq!(cp.server().store.revision(), rv);
    let settled = cp.run_until_settled(Some(60.0)).unwrap();
    assert!(settled.settled);
}

#[test]
fn same_inputs_same_state() {
    let run = || {
        let mut cp = plane();
        apply(&mut cp, SIDECAR_POD);
        apply(&mut cp, INIT_POD);
        apply(
            &mut cp,
            &single("crash", "sim.kplane.dev/crash-seconds: '3'", "", LIMITS),
        );
        cp.advance(200.0).unwrap();
        delete(&mut cp, "init");
        cp.advance(50.0).unwrap();
        cp.snapshot()
    };
    assert_eq!(run(), run());
}

#[test]
fn snapshot_restore_continues_the_crash_loop() {
    let mut cp = plane();
    apply(
        &mut cp,
        &single("crash", "sim.kplane.dev/crash-seconds: '1'", "", ""),
    );
    cp.advance(50.0).unwrap();
    let mut restored = ControlPlane::restore(&cp.snapshot()).unwrap();
    cp.advance(400.0).unwrap();
    restored.advance(400.0).unwrap();
    assert_eq!(cp.snapshot(), restored.snapshot());
}

#[test]
fn image_pull_latency_and_events() {
    let mut cp = plane();
    apply(
        &mut cp,
        &single("pull", "sim.kplane.dev/pull-seconds: '20'", "", ""),
    );
    cp.advance(20.0).unwrap();
    assert_eq!(pod_status(&pod(&cp, "pull")), "ContainerCreating");
    cp.advance(1.0).unwrap();
    assert_eq!(pod_status(&pod(&cp, "pull")), "Running");
    assert!(has_event(
        &cp,
        "pull",
        "Pulling",
        "Pulling image \"docker.io/library/nginx:latest\""
    ));
    assert!(has_event(
        &cp,
        "pull",
        "Pulled",
        "Successfully pulled image \"docker.io/library/nginx:latest\" in 20s"
    ));
}

#[test]
fn invalid_behaviour_is_reported_and_ignored() {
    let mut cp = plane();
    apply(
        &mut cp,
        &single("odd", "sim.kplane.dev/crash-seconds: soon", "", ""),
    );
    cp.advance(60.0).unwrap();
    assert_eq!(pod_status(&pod(&cp, "odd")), "Running");
    assert!(has_event(
        &cp,
        "odd",
        "InvalidBehaviour",
        "annotation sim.kplane.dev/crash-seconds=\"soon\" is not valid"
    ));
}

#[test]
fn image_change_restarts_the_container() {
    let mut cp = plane();
    apply(&mut cp, &single("web", "", "", ""));
    cp.advance(5.0).unwrap();
    cp.patch(
        "root",
        &ObjectRef {
            kind: "Pod".into(),
            namespace: Some("default".into()),
            name: "web".into(),
            ..Default::default()
        },
        &kplane::json!({"spec": {"containers": [{"name": "app", "image": "nginx:1.29"}]}}),
        kplane::PatchType::Strategic,
    )
    .unwrap();
    let p = pod(&cp, "web");
    let c = container(&p, "app");
    assert_eq!(c["image"], "docker.io/library/nginx:1.29");
    assert_eq!(c["restartCount"], 1);
    assert!(c["state"]["running"].is_object());
    assert!(has_event(
        &cp,
        "web",
        "Killing",
        "Container app definition changed, will be restarted"
    ));
}

#[test]
fn readiness_gates_hold_ready() {
    let mut cp = plane();
    apply(
        &mut cp,
        &single(
            "gated",
            "",
            "  readinessGates:\n  - conditionType: example.com/lb-ready\n",
            "",
        ),
    );
    cp.advance(5.0).unwrap();
    let p = pod(&cp, "gated");
    assert_eq!(condition(&p, "ContainersReady"), "True");
    assert_eq!(condition(&p, "Ready"), "False");
    let r = p["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "Ready")
        .unwrap()
        .clone();
    assert_eq!(r["reason"], "ReadinessGatesNotReady");
    assert_eq!(
        r["message"],
        "corresponding condition of pod readiness gate \"example.com/lb-ready\" does not exist."
    );
}

#[test]
fn pods_on_a_failed_node_are_let_go_at_the_end_of_their_grace_period() {
    let mut cp = plane();
    apply(
        &mut cp,
        &single("web", "", "  terminationGracePeriodSeconds: 20\n", ""),
    );
    cp.advance(5.0).unwrap();
    cp.fail_node("node-a").unwrap();
    delete(&mut cp, "web");
    cp.advance(19.0).unwrap();
    assert_eq!(pod_status(&pod(&cp, "web")), "Terminating");
    cp.advance(1.0).unwrap();
    assert!(pod(&cp, "web").is_null());
    // On a stopped node a deleted pod stays Terminating.
    apply(&mut cp, &single("web2", "", "", ""));
    cp.restore_node("node-a").unwrap();
    cp.advance(5.0).unwrap();
    cp.stop_node("node-a").unwrap();
    delete(&mut cp, "web2");
    cp.advance(300.0).unwrap();
    assert_eq!(pod_status(&pod(&cp, "web2")), "Terminating");
}
