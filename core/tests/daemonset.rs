//! The DaemonSet controller: scenario tests over `examples/workloads/daemonset*.yaml`.
use kplane::api::object::{self, str_at};
use kplane::api::Value;
use kplane::{ApplyOptions, ControlPlane, ListOptions, ObjectRef, Options};
use std::collections::BTreeMap;

const FLUENTD: &str = include_str!("../../examples/workloads/daemonset.yaml");
const SURGE: &str = include_str!("../../examples/workloads/daemonset-surge.yaml");

fn load(manifest: &str) -> ControlPlane {
    let mut cp = ControlPlane::new(Options {
        seed: 8,
        ..Default::default()
    })
    .unwrap();
    let r = cp
        .apply("root", manifest, &ApplyOptions::default())
        .unwrap();
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    cp
}

fn apply(cp: &mut ControlPlane, manifest: &str) {
    cp.apply("root", manifest, &ApplyOptions::default())
        .unwrap();
}

fn pods(cp: &ControlPlane, ns: &str) -> Vec<Value> {
    cp.list_items(
        "root",
        &ListOptions {
            kind: "Pod".into(),
            namespace: Some(ns.into()),
            ..Default::default()
        },
    )
    .unwrap()
}

fn get(cp: &ControlPlane, kind: &str, ns: &str, name: &str) -> Option<Value> {
    cp.get(
        "root",
        &ObjectRef {
            kind: kind.into(),
            namespace: Some(ns.into()),
            name: name.into(),
            ..Default::default()
        },
    )
    .unwrap()
}

fn ready(p: &Value) -> bool {
    p["status"]["conditions"].as_array().is_some_and(|a| {
        a.iter()
            .any(|c| c["type"] == "Ready" && c["status"] == "True")
    })
}

/// Node → the images of the daemon pods bound there (terminating ones left out).
fn placement(cp: &ControlPlane, ns: &str) -> BTreeMap<String, Vec<String>> {
    let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in pods(cp, ns) {
        if object::is_terminating(&p) {
            continue;
        }
        let node = str_at(&p, &["spec", "nodeName"]).unwrap_or("<pending>");
        m.entry(node.to_string()).or_default().push(
            p["spec"]["containers"][0]["image"]
                .as_str()
                .unwrap_or("")
                .to_string(),
        );
    }
    m
}

fn int(v: &Value, keys: &[&str]) -> i64 {
    object::i64_at(v, keys).unwrap_or(0)
}

#[test]
fn one_pod_per_eligible_node_with_upstream_affinity_and_tolerations() {
    let mut cp = load(FLUENTD);
    cp.advance(5.0).unwrap();
    let placed = placement(&cp, "kube-system");
    assert_eq!(
        placed.keys().collect::<Vec<_>>(),
        ["control-plane-1", "worker-1", "worker-2"],
        "{placed:?}"
    );
    assert!(placed.values().all(|v| v.len() == 1));
    for p in pods(&cp, "kube-system") {
        let node = str_at(&p, &["spec", "nodeName"]).unwrap();
        assert_eq!(
            p["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
                ["nodeSelectorTerms"],
            kplane::json!([{"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}])
        );
        let tolerations = p["spec"]["tolerations"].as_array().unwrap();
        for (key, effect) in [
            ("node.kubernetes.io/not-ready", "NoExecute"),
            ("node.kubernetes.io/unreachable", "NoExecute"),
            ("node.kubernetes.io/disk-pressure", "NoSchedule"),
            ("node.kubernetes.io/memory-pressure", "NoSchedule"),
            ("node.kubernetes.io/pid-pressure", "NoSchedule"),
            ("node.kubernetes.io/unschedulable", "NoSchedule"),
        ] {
            let t = tolerations
                .iter()
                .find(|t| t["key"] == key)
                .unwrap_or_else(|| panic!("{key} missing"));
            assert_eq!(t["effect"], effect);
            assert_eq!(t["operator"], "Exists");
            assert!(t.get("tolerationSeconds").is_none(), "{t}");
        }
        assert!(p["metadata"]["labels"]["controller-revision-hash"].is_string());
        assert!(object::name(&p).starts_with("fluentd-elasticsearch-"));
        assert!(ready(&p));
    }
    let ds = get(&cp, "DaemonSet", "kube-system", "fluentd-elasticsearch").unwrap();
    for (field, want) in [
        ("desiredNumberScheduled", 3),
        ("currentNumberScheduled", 3),
        ("numberReady", 3),
        ("numberAvailable", 3),
        ("updatedNumberScheduled", 3),
        ("numberMisscheduled", 0),
    ] {
        assert_eq!(int(&ds, &["status", field]), want, "{field}");
    }
    let out = cp.kubectl("get ds -n kube-system", "").stdout;
    let lines: Vec<Vec<&str>> = out
        .lines()
        .map(|l| {
            l.split("   ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect()
        })
        .collect();
    assert_eq!(
        lines[0],
        [
            "NAME",
            "DESIRED",
            "CURRENT",
            "READY",
            "UP-TO-DATE",
            "AVAILABLE",
            "NODE SELECTOR",
            "AGE"
        ]
    );
    assert_eq!(
        lines[1][..7],
        ["fluentd-elasticsearch", "3", "3", "3", "3", "3", "<none>"]
    );
}

#[test]
fn nodes_joining_and_noexecute_taints_add_and_remove_pods() {
    let mut cp = load(FLUENTD);
    cp.advance(5.0).unwrap();
    apply(
        &mut cp,
        "apiVersion: v1\nkind: Node\nmetadata: {name: worker-3}\nstatus: {capacity: {cpu: '8', memory: 32Gi, pods: '110'}}\n",
    );
    cp.advance(5.0).unwrap();
    assert!(placement(&cp, "kube-system").contains_key("worker-3"));
    // A NoExecute taint the pod does not tolerate: the pod goes, and is not replaced.
    apply(
        &mut cp,
        "apiVersion: v1\nkind: Node\nmetadata: {name: worker-1}\nspec: {taints: [{key: maintenance, value: 'true', effect: NoExecute}]}\n",
    );
    cp.advance(60.0).unwrap();
    let placed = placement(&cp, "kube-system");
    assert!(!placed.contains_key("worker-1"), "{placed:?}");
    let ds = get(&cp, "DaemonSet", "kube-system", "fluentd-elasticsearch").unwrap();
    assert_eq!(int(&ds, &["status", "desiredNumberScheduled"]), 3);
    assert_eq!(int(&ds, &["status", "numberReady"]), 3);
}

#[test]
fn rolling_update_keeps_at_most_one_node_unavailable() {
    let mut cp = load(FLUENTD);
    cp.advance(5.0).unwrap();
    apply(
        &mut cp,
        &FLUENTD.replace("fluentd:v2.5.2", "fluentd:v2.6.0"),
    );
    let mut done = false;
    for _ in 0..120 {
        let available_nodes = pods(&cp, "kube-system")
            .iter()
            .filter(|p| !object::is_terminating(p) && ready(p))
            .count();
        assert!(
            available_nodes >= 2,
            "{available_nodes} nodes with a ready pod"
        );
        let placed = placement(&cp, "kube-system");
        if placed.len() == 3
            && placed
                .values()
                .all(|v| v == &["quay.io/fluentd_elasticsearch/fluentd:v2.6.0"])
        {
            done = true;
        }
        cp.advance(0.5).unwrap();
    }
    assert!(done, "{:?}", placement(&cp, "kube-system"));
    let ds = get(&cp, "DaemonSet", "kube-system", "fluentd-elasticsearch").unwrap();
    assert_eq!(int(&ds, &["status", "updatedNumberScheduled"]), 3);
    assert_eq!(int(&ds, &["status", "numberAvailable"]), 3);
    // Two revisions, the pods on the newer one.
    let revs = cp
        .list_items(
            "root",
            &ListOptions {
                kind: "ControllerRevision".into(),
                namespace: Some("kube-system".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(revs.len(), 2);
    let newest = revs.iter().max_by_key(|r| r["revision"].as_i64()).unwrap();
    let hash = newest["metadata"]["labels"]["controller-revision-hash"].clone();
    assert!(pods(&cp, "kube-system")
        .iter()
        .all(|p| p["metadata"]["labels"]["controller-revision-hash"] == hash));
}

#[test]
fn node_selector_and_surge_first_rollout() {
    let mut cp = load(SURGE);
    cp.advance(5.0).unwrap();
    let placed = placement(&cp, "default");
    assert_eq!(placed.keys().collect::<Vec<_>>(), ["node-a", "node-b"]);
    let out = cp.kubectl("get daemonsets", "").stdout;
    assert!(
        out.lines().nth(1).unwrap().contains("monitoring=enabled"),
        "{out}"
    );

    cp.advance(10.0).unwrap();
    apply(
        &mut cp,
        &SURGE.replace("node-exporter:v1.8.1", "node-exporter:v1.8.2"),
    );
    let mut max_doubled = 0;
    let mut saw_surge = false;
    for _ in 0..120 {
        let placed = placement(&cp, "default");
        let doubled = placed.values().filter(|v| v.len() == 2).count();
        max_doubled = max_doubled.max(doubled);
        saw_surge |= doubled > 0;
        // Every labelled node keeps a ready pod.
        for node in ["node-a", "node-b"] {
            assert!(
                pods(&cp, "default")
                    .iter()
                    .any(|p| { str_at(p, &["spec", "nodeName"]) == Some(node) && ready(p) }),
                "{node} has no ready pod"
            );
        }
        cp.advance(0.5).unwrap();
    }
    assert!(saw_surge);
    assert_eq!(max_doubled, 1, "at most one node surges at a time");
    let placed = placement(&cp, "default");
    assert_eq!(
        placed.values().flatten().collect::<Vec<_>>(),
        ["quay.io/prometheus/node-exporter:v1.8.2"; 2]
    );

    // Relabelling: node-c joins, node-a leaves.
    apply(
        &mut cp,
        "apiVersion: v1\nkind: Node\nmetadata: {name: node-c, labels: {monitoring: enabled}}\n",
    );
    cp.patch(
        "root",
        &ObjectRef {
            kind: "Node".into(),
            name: "node-a".into(),
            ..Default::default()
        },
        &kplane::json!({"metadata": {"labels": {"monitoring": null}}}),
        kplane::PatchType::Merge,
    )
    .unwrap();
    cp.advance(10.0).unwrap();
    let placed = placement(&cp, "default");
    assert_eq!(placed.keys().collect::<Vec<_>>(), ["node-b", "node-c"]);
}

#[test]
fn a_settled_daemonset_writes_nothing() {
    let mut cp = load(FLUENTD);
    let settled = cp.run_until_settled(Some(300.0)).unwrap();
    assert!(settled.settled, "{settled:?}");
    let rev = cp.server().store.revision();
    cp.advance(600.0).unwrap();
    assert_eq!(cp.server().store.revision(), rev);
}

#[test]
fn foreground_deletion_removes_pods_revisions_and_the_daemonset() {
    let mut cp = load(FLUENTD);
    cp.advance(5.0).unwrap();
    cp.delete(
        "root",
        &kplane::DeleteOptions {
            kind: "DaemonSet".into(),
            namespace: Some("kube-system".into()),
            name: "fluentd-elasticsearch".into(),
            propagation_policy: Some(kplane::Propagation::Foreground),
            ..Default::default()
        },
    )
    .unwrap();
    cp.advance(60.0).unwrap();
    assert!(get(&cp, "DaemonSet", "kube-system", "fluentd-elasticsearch").is_none());
    assert!(pods(&cp, "kube-system").is_empty());
}
