//! Scenario tests over `examples/runtime/`: RuntimeClasses give Kata pods their overhead (which
//! the scheduler counts), their node selector and a slower start; gVisor costs CPU; unknown
//! classes are refused.
use kplane::api::object::{self, str_at};
use kplane::api::Value;
use kplane::{ApplyOptions, ControlPlane, ListOptions, Options};

const CLASSES: &str = include_str!("../../examples/runtime/runtimeclasses.yaml");
const KATA_VS_RUNC: &str = include_str!("../../examples/runtime/kata-vs-runc.yaml");

fn load(extra: &[&str]) -> ControlPlane {
    let mut cp = ControlPlane::new(Options {
        seed: 10,
        ..Default::default()
    })
    .unwrap();
    for m in [CLASSES].iter().chain(extra) {
        cp.apply("root", m, &ApplyOptions::default()).unwrap();
    }
    cp
}

fn pods(cp: &ControlPlane, prefix: &str) -> Vec<Value> {
    cp.list_items(
        "root",
        &ListOptions {
            kind: "Pod".into(),
            namespace: Some("default".into()),
            ..Default::default()
        },
    )
    .unwrap()
    .into_iter()
    .filter(|p| object::name(p).starts_with(prefix))
    .collect()
}

/// Seconds from the pod's start until its container started.
fn start_delay(p: &Value) -> i64 {
    let t = |s: &str| kplane::sim::parse_rfc3339(s).unwrap() / 1000;
    let started = p["status"]["containerStatuses"][0]["state"]["running"]["startedAt"]
        .as_str()
        .unwrap();
    t(started) - t(str_at(p, &["status", "startTime"]).unwrap())
}

#[test]
fn kata_pods_pay_their_overhead_and_start_later() {
    let mut cp = load(&[KATA_VS_RUNC]);
    cp.advance(10.0).unwrap();
    let runc = pods(&cp, "web-runc-");
    assert_eq!(runc.len(), 4);
    assert!(runc.iter().all(|p| p["status"]["phase"] == "Running"));
    let kata = pods(&cp, "web-kata-");
    assert_eq!(kata.len(), 4);
    let running: Vec<&Value> = kata
        .iter()
        .filter(|p| p["status"]["phase"] == "Running")
        .collect();
    assert_eq!(running.len(), 3);
    for p in &kata {
        assert_eq!(
            p["spec"]["overhead"],
            kplane::json!({"cpu": "250m", "memory": "160Mi"})
        );
        assert_eq!(
            p["spec"]["nodeSelector"]["katacontainers.io/kata-runtime"],
            "true"
        );
    }
    let pending = kata
        .iter()
        .find(|p| p["status"]["phase"] == "Pending")
        .unwrap();
    let msg = pending["status"]["conditions"][0]["message"]
        .as_str()
        .unwrap();
    assert!(msg.starts_with("0/2 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match Pod's node affinity/selector."), "{msg}");
    assert!(running
        .iter()
        .all(|p| str_at(p, &["spec", "nodeName"]) == Some("node-kata")));
    // runc containers start 1 s after the pod lands, Kata's 2 s later (the VM boots first).
    assert_eq!(start_delay(&runc[0]), 1);
    assert_eq!(start_delay(running[0]), 3);
    let node = cp.kubectl(
        "get node node-kata -o jsonpath={.status.runtimeHandlers[*].name}",
        "",
    );
    assert_eq!(node.stdout, "runc kata-qemu");
}

#[test]
fn gvisor_costs_cpu_and_unknown_classes_are_refused() {
    let node = "apiVersion: v1\nkind: Node\nmetadata:\n  name: sandbox\n  labels: {sandbox.gke.io/runtime: gvisor}\nspec:\n  taints: [{key: sandbox.gke.io/runtime, value: gvisor, effect: NoSchedule}]\nstatus:\n  capacity: {cpu: \"4\", memory: 8Gi, pods: \"110\"}\n";
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: untrusted\n  annotations: {sim.kplane.dev/cpu: 500m}\nspec:\n  runtimeClassName: gvisor\n  containers: [{name: app, image: nginx}]\n";
    let mut cp = load(&[node, pod]);
    cp.advance(5.0).unwrap();
    let p = &pods(&cp, "untrusted")[0];
    assert_eq!(p["status"]["phase"], "Running");
    // The class's toleration let it onto the tainted node.
    assert_eq!(p["spec"]["nodeName"], "sandbox");
    // metrics-server reports a pod once it has run for a scrape (15 s).
    cp.advance(60.0).unwrap();
    let top = cp.kubectl("top pod untrusted", "");
    assert!(top.stdout.contains("600m"), "{}", top.stdout);
    let bad = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: nope\nspec:\n  runtimeClassName: firecracker\n  containers: [{name: app, image: nginx}]\n";
    let e = cp.apply("root", bad, &ApplyOptions::default()).unwrap_err();
    assert_eq!(e.code, 403);
    assert_eq!(
        e.message,
        "pods \"nope\" is forbidden: pod rejected: RuntimeClass \"firecracker\" not found"
    );
}
