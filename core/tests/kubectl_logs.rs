//! `kubectl logs` and the `pods/log` subresource: what the simulated containers print
//! (core/src/kubelet/logs.rs documents the lines), which run a read returns (the kubelet's
//! `validateContainerLogStatus`), the API server's checks (`ValidatePodLogOptions`,
//! `validateContainer`) and kubectl's flags and messages (k8s.io/kubectl/pkg/cmd/logs,
//! polymorphichelpers/logsforobject.go). The scenarios are the examples' pods.
use kplane::{ApplyOptions, ControlPlane, LogOptions, Options};

fn plane(example: &str) -> ControlPlane {
    let mut cp = ControlPlane::new(Options::default()).unwrap();
    let path = format!("{}/../examples/{example}", env!("CARGO_MANIFEST_DIR"));
    let yaml = std::fs::read_to_string(&path).unwrap();
    cp.apply("root", &yaml, &ApplyOptions::default()).unwrap();
    cp
}

fn run(cp: &mut ControlPlane, line: &str) -> (String, String, i32) {
    let out = cp.kubectl(line, "");
    (out.stdout, out.stderr, out.exit_code)
}

fn ok(text: &str) -> (String, String, i32) {
    (text.to_string(), String::new(), 0)
}

/// Moves the clock to `seconds` after the start (2026-01-01T00:00:00Z).
fn at(cp: &mut ControlPlane, seconds: i64) {
    let start = 1_767_225_600_000i64;
    let left = (start + seconds * 1000 - cp.now_ms()) as f64 / 1000.0;
    cp.advance(left).unwrap();
}

/// examples/pods/crash-loop.yaml: `crasher` starts at 1 s and exits with code 1 five seconds
/// into every run; the first restart is immediate (6 s), then the back-off waits 10 s (runs
/// at 21 s, 46 s, …).
#[test]
fn a_crash_loop_logs_each_run_and_the_previous_one() {
    let mut cp = plane("pods/crash-loop.yaml");
    // Not started yet: the kubelet's answer, a 400 from the API server.
    assert_eq!(
        run(&mut cp, "logs crasher"),
        (
            String::new(),
            "Error from server (BadRequest): container \"app\" in pod \"crasher\" is waiting to start: ContainerCreating\n".into(),
            1
        )
    );
    at(&mut cp, 8);
    assert_eq!(
        run(&mut cp, "logs crasher --timestamps"),
        ok("2026-01-01T00:00:06.000000000Z [kplane] container app started (image my-cool-app, restart 1)\n2026-01-01T00:00:06.000000000Z [kplane] ready\n")
    );
    assert_eq!(
        run(&mut cp, "logs crasher --previous --timestamps"),
        ok("2026-01-01T00:00:01.000000000Z [kplane] container app started (image my-cool-app)\n2026-01-01T00:00:01.000000000Z [kplane] ready\n2026-01-01T00:00:06.000000000Z [kplane] exiting with code 1\n")
    );
    // In CrashLoopBackOff (26 s to 46 s) both show the run that just crashed.
    at(&mut cp, 30);
    let crashed = "[kplane] container app started (image my-cool-app, restart 2)\n[kplane] ready\n[kplane] exiting with code 1\n";
    assert_eq!(run(&mut cp, "logs crasher"), ok(crashed));
    assert_eq!(run(&mut cp, "logs crasher -p"), ok(crashed));
    assert_eq!(
        run(&mut cp, "logs crasher --tail=1"),
        ok("[kplane] exiting with code 1\n")
    );
    assert_eq!(
        run(&mut cp, "logs crasher --since=5s"),
        ok("[kplane] exiting with code 1\n")
    );
    assert_eq!(
        run(&mut cp, "logs crasher --since-time=2026-01-01T00:00:26Z"),
        ok("[kplane] exiting with code 1\n")
    );
    assert_eq!(run(&mut cp, "logs crasher --limit-bytes=8"), ok("[kplane]"));
    // `fixed-after-two` crashed twice, then keeps running.
    at(&mut cp, 60);
    assert_eq!(
        run(&mut cp, "logs pod/fixed-after-two"),
        ok("[kplane] container app started (image my-cool-app, restart 2)\n[kplane] ready\n")
    );
}

/// examples/pods/probes.yaml: failure windows print their edges; a container killed by its
/// liveness probe prints nothing more (SIGKILL), and its restart is a new run.
#[test]
fn probe_failures_and_readiness_show_in_the_log() {
    let mut cp = plane("pods/probes.yaml");
    at(&mut cp, 130);
    assert_eq!(
        run(&mut cp, "logs overloaded --timestamps"),
        ok("2026-01-01T00:00:01.000000000Z [kplane] container app started (image my-cool-app)\n2026-01-01T00:00:01.000000000Z [kplane] ready\n2026-01-01T00:01:01.000000000Z [kplane] readiness check failing\n2026-01-01T00:02:01.000000000Z [kplane] readiness check passing again\n")
    );
    assert_eq!(
        run(&mut cp, "logs slow-starter --timestamps"),
        ok("2026-01-01T00:00:01.000000000Z [kplane] container app started (image my-cool-app)\n2026-01-01T00:00:46.000000000Z [kplane] ready\n")
    );
    // `wedged` fails its liveness probe from 61 s (at 61, 71, 81 s): killed at 81 s, restarted.
    assert_eq!(
        run(&mut cp, "logs wedged -p --timestamps"),
        ok("2026-01-01T00:00:01.000000000Z [kplane] container app started (image my-cool-app)\n2026-01-01T00:00:01.000000000Z [kplane] ready\n2026-01-01T00:01:01.000000000Z [kplane] liveness check failing\n")
    );
    assert_eq!(
        run(&mut cp, "logs wedged --timestamps"),
        ok("2026-01-01T00:01:21.000000000Z [kplane] container app started (image my-cool-app, restart 1)\n2026-01-01T00:01:21.000000000Z [kplane] ready\n")
    );
}

/// examples/pods/resources.yaml: memory use is logged; over the limit the process is
/// OOM-killed at once and prints nothing more.
#[test]
fn memory_use_and_oom_kills_show_in_the_log() {
    let mut cp = plane("pods/resources.yaml");
    at(&mut cp, 3);
    assert_eq!(
        run(&mut cp, "logs steady"),
        ok("[kplane] container app started (image my-cool-app)\n[kplane] using 300Mi of memory\n[kplane] ready\n")
    );
    let (out, _, code) = run(&mut cp, "logs memory-leak -p");
    assert_eq!(code, 0);
    assert!(
        out.starts_with("[kplane] container app started (image my-cool-app")
            && out.contains("[kplane] using 600Mi of memory, which exceeds the limit of 512Mi\n")
            && !out.contains("exiting"),
        "{out}"
    );
}

/// examples/pods/graceful-shutdown.yaml: a deleted pod's process gets SIGTERM when the
/// deletion asks; one that takes longer than its grace period is killed without a word.
#[test]
fn graceful_shutdown_shows_in_the_log() {
    let mut cp = plane("pods/graceful-shutdown.yaml");
    at(&mut cp, 5);
    assert_eq!(
        run(
            &mut cp,
            "delete pod drains-in-10s ignores-sigterm --wait=false"
        )
        .2,
        0
    );
    at(&mut cp, 8);
    let drains = "2026-01-01T00:00:01.000000000Z [kplane] container app started (image my-cool-app)\n2026-01-01T00:00:01.000000000Z [kplane] ready\n2026-01-01T00:00:05.000000000Z [kplane] received SIGTERM, shutting down\n";
    assert_eq!(run(&mut cp, "logs drains-in-10s --timestamps"), ok(drains));
    assert_eq!(
        run(&mut cp, "logs ignores-sigterm --timestamps"),
        ok(drains)
    );
}

/// examples/pods/init-containers.yaml: kubectl picks the first container and says so when
/// there are others; `-c`, `--all-containers` (init containers first) and `--prefix`.
#[test]
fn containers_are_chosen_as_kubectl_chooses_them() {
    let mut cp = plane("pods/init-containers.yaml");
    at(&mut cp, 10);
    let app = "[kplane] container app started (image my-cool-app)\n[kplane] ready\n";
    let setup =
        "[kplane] container initial-setup started (image alpine)\n[kplane] exiting with code 0\n";
    assert_eq!(
        run(&mut cp, "logs app-with-setup"),
        (
            app.into(),
            "Defaulted container \"app\" out of: app, initial-setup (init)\n".into(),
            0
        )
    );
    assert_eq!(
        run(&mut cp, "logs app-with-setup -c initial-setup"),
        ok(setup)
    );
    assert_eq!(run(&mut cp, "logs app-with-setup initial-setup"), ok(setup));
    assert_eq!(
        run(&mut cp, "logs app-with-setup --all-containers"),
        ok(&format!("{setup}{app}"))
    );
    assert_eq!(
        run(&mut cp, "logs app-with-setup -c app --prefix"),
        ok("[pod/app-with-setup/app] [kplane] container app started (image my-cool-app)\n[pod/app-with-setup/app] [kplane] ready\n")
    );
    // kubectl's own errors (logs.go Validate, logsforobject.go) and the API server's.
    for (line, err) in [
        ("logs app-with-setup -c nope", "error: container nope is not valid for pod app-with-setup\n"),
        ("logs app-with-setup -c app app", "error: only one of -c or an inline [CONTAINER] arg is allowed\n"),
        ("logs app-with-setup --all-containers -c app", "error: --all-containers=true should not be specified with container name app\n"),
        ("logs app-with-setup --tail=-2", "error: --tail must be greater than or equal to -1\n"),
        ("logs nope", "error: error from server (NotFound): pods \"nope\" not found in namespace \"default\"\n"),
        ("logs", "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples\n"),
        ("logs -l app=x app-with-setup", "error: only a selector (-l) or a POD name is allowed\nSee 'kubectl logs -h' for help and examples\n"),
        ("logs app-with-setup -p", "Defaulted container \"app\" out of: app, initial-setup (init)\nError from server (BadRequest): previous terminated container \"app\" in pod \"app-with-setup\" not found\n"),
    ] {
        let (out, got, code) = run(&mut cp, line);
        assert_eq!((out.as_str(), got.as_str(), code), ("", err, 1), "kubectl {line}");
    }
}

/// `logs deploy/x` reads the first pod as `podutils.ByLogging` orders them; `-l` reads every
/// pod, the last 10 lines of each unless `--tail`.
#[test]
fn workloads_and_selectors() {
    let mut cp = plane("pods/crash-loop.yaml");
    run(&mut cp, "create deployment web --image=nginx --replicas=2");
    at(&mut cp, 30);
    let pods: Vec<String> = run(&mut cp, "get pods -l app=web -o name")
        .0
        .lines()
        .map(|l| l.trim_start_matches("pod/").to_string())
        .collect();
    assert_eq!(pods.len(), 2);
    let line = "[kplane] container nginx started (image nginx)\n[kplane] ready\n";
    let (out, err, code) = run(&mut cp, "logs deployment/web");
    assert_eq!((out.as_str(), code), (line, 0));
    assert!(
        pods.iter()
            .any(|p| err == format!("Found 2 pods, using pod/{p}\n")),
        "{err}"
    );
    let (out, _, _) = run(&mut cp, "logs -l app=web --prefix");
    let want: String = pods
        .iter()
        .map(|p| {
            format!("[pod/{p}/nginx] [kplane] container nginx started (image nginx)\n[pod/{p}/nginx] [kplane] ready\n")
        })
        .collect();
    assert_eq!(out, want);
    assert_eq!(
        run(&mut cp, "logs -l app=nothing"),
        (
            String::new(),
            "No resources found in default namespace.\n".into(),
            0
        )
    );
}

/// The `pods/log` subresource through the API: `ValidatePodLogOptions` (422 for
/// `PodLogOptions`) and `validateContainer` (400; the only regular container is the default).
#[test]
fn the_log_subresource_checks_its_options() {
    let mut cp = plane("pods/init-containers.yaml");
    at(&mut cp, 10);
    let get = |cp: &ControlPlane, pod: &str, o: LogOptions| cp.logs("root", "default", pod, &o);
    let e = get(
        &cp,
        "app-with-setup",
        LogOptions {
            tail_lines: Some(-1),
            since_seconds: Some(0),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (
            422,
            "PodLogOptions \"app-with-setup\" is invalid: [tailLines: Invalid value: -1: must be greater than or equal to 0, sinceSeconds: Invalid value: 0: must be greater than 0]"
        )
    );
    assert_eq!(
        get(
            &cp,
            "app-with-setup",
            LogOptions {
                tail_lines: Some(1),
                ..Default::default()
            }
        )
        .unwrap(),
        "[kplane] ready\n"
    );
    let e = get(
        &cp,
        "app-with-setup",
        LogOptions {
            container: Some("nope".into()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (400, "container nope is not valid for pod app-with-setup")
    );
    let mut cp = plane("pods/sidecar.yaml");
    at(&mut cp, 10);
    let e = get(&cp, "web-with-logs", LogOptions::default()).unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (
            400,
            "a container name must be specified for pod web-with-logs, choose one of: [primary-app log-sidecar]"
        )
    );
    let e = get(&cp, "nope", LogOptions::default()).unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (404, "pods \"nope\" not found")
    );
}
