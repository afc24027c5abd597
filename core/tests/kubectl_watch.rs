//! Streaming kubectl commands in virtual time: `get -w`, `get --watch-only` (get.go `watch`:
//! the list, then one row per watch event through a tab writer that remembers its column
//! widths, cli-runtime's `RememberWidths`), and `logs -f` (new lines until the run ends).
use kplane::{ApplyOptions, ControlPlane, Options};

const NODE: &str =
    "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nstatus: {capacity: {cpu: '4', memory: 8Gi, pods: '110'}}\n";
const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: app, image: nginx}]}\n";

fn plane() -> ControlPlane {
    let mut cp = ControlPlane::new(Options::default()).unwrap();
    cp.apply("root", NODE, &ApplyOptions::default()).unwrap();
    cp
}

/// The STATUS cells of the rows, consecutive repeats folded.
fn statuses(out: &str) -> Vec<String> {
    let mut v: Vec<String> = out
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().nth(2).map(String::from))
        .collect();
    v.dedup();
    v
}

#[test]
fn get_watch_prints_a_row_per_change() {
    let mut cp = plane();
    // Nothing to list: nothing printed yet.
    let (out, stream) = cp.kubectl_stream("get pods -w", "");
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("", ""));
    let mut w = stream.expect("a watch");
    cp.apply("root", POD, &ApplyOptions::default()).unwrap();
    let out = w.advance(&mut cp, 5.0).unwrap();
    let lines: Vec<&str> = out.stdout.lines().collect();
    // The header comes with the first row; widths grow for wider cells and stay.
    assert_eq!(lines[0], "NAME   READY   STATUS    RESTARTS   AGE");
    assert_eq!(lines[1], "a      0/1     Pending   0          0s");
    assert_eq!(
        lines.last(),
        Some(&"a      1/1     Running             0          1s")
    );
    assert_eq!(
        statuses(&out.stdout),
        ["Pending", "ContainerCreating", "Running"]
    );
    // Nothing changes: nothing printed.
    assert_eq!(w.advance(&mut cp, 30.0).unwrap().stdout, "");
    // A deletion: Terminating, then the pod's last state.
    cp.kubectl("delete pod a --wait=false", "");
    let out = w.poll(&mut cp);
    assert!(
        out.stdout
            .starts_with("a      1/1     Terminating         0          35s\n"),
        "{}",
        out.stdout
    );
    assert!(!w.is_done());
}

#[test]
fn watch_only_single_objects_and_errors() {
    let mut cp = plane();
    cp.apply("root", POD, &ApplyOptions::default()).unwrap();
    cp.advance(5.0).unwrap();
    // One named object: listed, then its changes (the watch's first ADDED is not repeated).
    let out = cp.kubectl_watch("get pod a -w", "", 3.0).unwrap();
    assert_eq!(
        out.stdout,
        "NAME   READY   STATUS    RESTARTS   AGE\na      1/1     Running   0          5s\n"
    );
    // --watch-only: no listing; changes only.
    let (out, stream) = cp.kubectl_stream("get pods --watch-only", "");
    assert_eq!(out.stdout, "");
    let mut w = stream.unwrap();
    cp.kubectl("label pod a tier=web", "");
    assert_eq!(
        w.poll(&mut cp).stdout,
        "NAME   READY   STATUS    RESTARTS   AGE\na      1/1     Running   0          8s\n"
    );
    // --output-watch-events: an EVENT column; -o name prints names.
    let out = cp
        .kubectl_watch("get pods -w --output-watch-events", "", 0.0)
        .unwrap();
    assert_eq!(
        out.stdout,
        "EVENT      NAME   READY   STATUS    RESTARTS   AGE\nADDED      a      1/1     Running   0          8s\n"
    );
    let (out, stream) = cp.kubectl_stream("get pods -w -o name", "");
    assert_eq!(out.stdout, "pod/a\n");
    let mut w = stream.unwrap();
    cp.kubectl("label pod a tier=db --overwrite", "");
    assert_eq!(w.poll(&mut cp).stdout, "pod/a\n");
    // get.go's errors.
    let out = cp.kubectl("get pods,svc -w", "");
    assert_eq!(
        (out.stderr.as_str(), out.exit_code),
        (
            "error: watch is only supported on individual resources and resource collections - more than 1 resource was found\n",
            1
        )
    );
    let out = cp.kubectl("get pods --output-watch-events", "");
    assert_eq!(
        out.stderr,
        "error: --output-watch-events option can only be used with --watch or --watch-only\n"
    );
    // Without a stream (`kubectl()`), -w prints the list and returns, the clock unmoved.
    let t = cp.now_ms();
    assert_eq!(
        cp.kubectl("get pods -w", "").stdout,
        "NAME   READY   STATUS    RESTARTS   AGE\na      1/1     Running   0          8s\n"
    );
    assert_eq!(cp.now_ms(), t);
}

/// `logs -f` (examples/pods/crash-loop.yaml): the lines so far, then each new line at its
/// instant, until the container's run ends (it exits 5 s after it starts).
#[test]
fn logs_follow_until_the_run_ends() {
    let mut cp = ControlPlane::new(Options::default()).unwrap();
    let yaml = std::fs::read_to_string(format!(
        "{}/../examples/pods/crash-loop.yaml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    cp.apply("root", &yaml, &ApplyOptions::default()).unwrap();
    cp.advance(2.0).unwrap();
    let (out, stream) = cp.kubectl_stream("logs crasher -f --timestamps", "");
    assert_eq!(
        out.stdout,
        "2026-01-01T00:00:01.000000000Z [kplane] container app started (image my-cool-app)\n2026-01-01T00:00:01.000000000Z [kplane] ready\n"
    );
    let mut f = stream.expect("a followed stream");
    let more = f.advance(&mut cp, 60.0).unwrap();
    assert_eq!(
        more.stdout,
        "2026-01-01T00:00:06.000000000Z [kplane] exiting with code 1\n"
    );
    assert!(f.is_done());
    // The stream ended at the exit; kubectl_watch still lets the whole span pass.
    let t = cp.now_ms();
    let out = cp.kubectl_watch("logs crasher -p", "", 10.0).unwrap();
    assert_eq!(out.exit_code, 0);
    assert_eq!(cp.now_ms() - t, 10_000);
}
