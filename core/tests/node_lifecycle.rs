//! Node failures: Ready=Unknown after the grace period, unreachable taints, evictions after
//! tolerationSeconds, replacements elsewhere; orphaned pods of deleted nodes.
use kplane::api::object::{self, str_at};
use kplane::api::Value;
use kplane::json;
use kplane::{ApplyOptions, ControlPlane, DeleteOptions, ListOptions, ObjectRef, Options};

fn setup() -> ControlPlane {
    let mut cp = ControlPlane::new(Options {
        seed: 1,
        ..Default::default()
    })
    .unwrap();
    let nodes = "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nstatus: {capacity: {cpu: '4', memory: 8Gi, pods: '110'}}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: n2}\nstatus: {capacity: {cpu: '4', memory: 8Gi, pods: '110'}}\n---\n";
    let deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 4\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx, resources: {requests: {cpu: 100m}}}]}\n";
    cp.apply(
        "root",
        &format!("{nodes}{deploy}"),
        &ApplyOptions::default(),
    )
    .unwrap();
    cp.advance(10.0).unwrap();
    cp
}

fn node(cp: &ControlPlane, name: &str) -> Value {
    cp.get(
        "root",
        &ObjectRef {
            kind: "Node".into(),
            name: name.into(),
            ..Default::default()
        },
    )
    .unwrap()
    .unwrap()
}

fn pods(cp: &ControlPlane) -> Vec<Value> {
    cp.list_items(
        "root",
        &ListOptions {
            kind: "Pod".into(),
            ..Default::default()
        },
    )
    .unwrap()
}

fn stop(cp: &mut ControlPlane, name: &str) {
    let now = cp.now();
    let mut n = node(cp, name);
    n["metadata"]["annotations"] =
        json!({"sim.kplane.dev/node-state": "Stopped", "sim.kplane.dev/node-state-since": now});
    cp.update("root", n).unwrap();
}

#[test]
fn a_silent_node_goes_unknown_tainted_and_its_pods_move() {
    let mut cp = setup();
    let on_n1 = pods(&cp)
        .iter()
        .filter(|p| p["spec"]["nodeName"] == "n1")
        .count();
    assert!(on_n1 > 0);
    stop(&mut cp, "n1");
    cp.advance(49.0).unwrap();
    assert_eq!(
        node(&cp, "n1")["status"]["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["type"] == "Ready")
            .unwrap()["status"],
        "True"
    );
    cp.advance(2.0).unwrap();
    let n1 = node(&cp, "n1");
    let ready = n1["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "Ready")
        .unwrap()
        .clone();
    assert_eq!(
        (ready["status"].as_str(), ready["reason"].as_str()),
        (Some("Unknown"), Some("NodeStatusUnknown"))
    );
    let taints: Vec<(String, String)> = n1["spec"]["taints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["key"].as_str().unwrap().to_string(),
                t["effect"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(taints.contains(&("node.kubernetes.io/unreachable".into(), "NoExecute".into())));
    assert!(taints.contains(&("node.kubernetes.io/unreachable".into(), "NoSchedule".into())));
    assert!(cp
        .kubectl("get nodes", "")
        .stdout
        .contains("n1     NotReady"));
    // The default 300 s toleration keeps the pods until then.
    cp.advance(298.0).unwrap();
    assert_eq!(
        pods(&cp)
            .iter()
            .filter(|p| p["spec"]["nodeName"] == "n1" && !object::is_terminating(p))
            .count(),
        on_n1
    );
    cp.advance(5.0).unwrap();
    assert_eq!(
        pods(&cp)
            .iter()
            .filter(|p| p["spec"]["nodeName"] == "n1" && !object::is_terminating(p))
            .count(),
        0
    );
    cp.advance(5.0).unwrap();
    let running_on_n2 = pods(&cp)
        .iter()
        .filter(|p| {
            p["spec"]["nodeName"] == "n2" && str_at(p, &["status", "phase"]) == Some("Running")
        })
        .count();
    assert_eq!(running_on_n2, 4, "replacements run elsewhere");
}

#[test]
fn pods_of_a_deleted_node_are_collected_and_replaced() {
    let mut cp = setup();
    cp.delete(
        "root",
        &DeleteOptions {
            kind: "Node".into(),
            name: "n1".into(),
            ..Default::default()
        },
    )
    .unwrap();
    cp.advance(5.0).unwrap();
    let pods = pods(&cp);
    assert_eq!(pods.len(), 4);
    assert!(pods
        .iter()
        .all(|p| p["spec"]["nodeName"] == "n2" && p["status"]["phase"] == "Running"));
}
