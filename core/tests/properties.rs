//! Property tests for invariants that must hold for any cluster.
use kplane::api::object::{self, str_at};
use kplane::api::resources::{node_allocatable, pod_requests};
use kplane::{ApplyOptions, ControlPlane, ListOptions, Options};
use proptest::prelude::*;

fn manifests(nodes: &[(u32, u32, u32)], deployments: &[(u32, u32, u32)]) -> String {
    let mut out = String::new();
    for (i, (cpu, mem_gi, pods)) in nodes.iter().enumerate() {
        out.push_str(&format!(
            "---\napiVersion: v1\nkind: Node\nmetadata: {{name: n{i}}}\nstatus: {{capacity: {{cpu: '{cpu}', memory: {mem_gi}Gi, pods: '{pods}'}}}}\n"
        ));
    }
    for (i, (replicas, milli, mem_mi)) in deployments.iter().enumerate() {
        out.push_str(&format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d{i}}}\nspec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: d{i}}}}}\n  template:\n    metadata: {{labels: {{app: d{i}}}}}\n    spec:\n      containers:\n      - name: c\n        image: busybox\n        resources: {{requests: {{cpu: {milli}m, memory: {mem_mi}Mi}}}}\n"
        ));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// No node ever holds more requested resources than allocatable, or more pods than its
    /// `pods` capacity, and every pod that fits nowhere stays Pending.
    #[test]
    fn never_over_capacity(
        seed in any::<u64>(),
        nodes in prop::collection::vec((1u32..8, 1u32..16, 1u32..12), 1..6),
        deployments in prop::collection::vec((0u32..15, 0u32..3000, 0u32..4096), 1..5),
    ) {
        let mut cp = ControlPlane::new(Options { seed, ..Default::default() }).unwrap();
        cp.apply("root", &manifests(&nodes, &deployments), &ApplyOptions::default()).unwrap();
        cp.advance(30.0).unwrap();
        let pods = cp.list_items("root", &ListOptions { kind: "Pod".into(), ..Default::default() }).unwrap();
        let want: u32 = deployments.iter().map(|d| d.0).sum();
        prop_assert_eq!(pods.len() as u32, want);
        for n in cp.list_items("root", &ListOptions { kind: "Node".into(), ..Default::default() }).unwrap() {
            let alloc = node_allocatable(&n);
            let on: Vec<_> = pods.iter().filter(|p| str_at(p, &["spec", "nodeName"]) == Some(object::name(&n))).collect();
            let cpu: i64 = on.iter().map(|p| pod_requests(p, false).milli_cpu).sum();
            let mem: i64 = on.iter().map(|p| pod_requests(p, false).memory).sum();
            prop_assert!(cpu <= alloc.milli_cpu);
            prop_assert!(mem <= alloc.memory);
            prop_assert!(on.len() as i64 <= alloc.get("pods"));
        }
        for p in pods.iter().filter(|p| str_at(p, &["spec", "nodeName"]).is_none()) {
            prop_assert_eq!(str_at(p, &["status", "phase"]), Some("Pending"));
        }
    }
}

#[derive(Debug, Clone)]
enum Op {
    Put(u8, u8),
    Delete(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0u8..6, any::<u8>()).prop_map(|(n, v)| Op::Put(n, v)),
        (0u8..6).prop_map(Op::Delete)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any sequence of creates, updates and deletes gives a watch stream that, replayed from
    /// the first revision, rebuilds exactly the store's state; revisions strictly increase.
    #[test]
    fn watch_replay_rebuilds_the_store(ops in prop::collection::vec(op(), 0..40)) {
        use kplane::{DeleteOptions, WatchOptions};
        use std::collections::BTreeMap;
        let mut cp = ControlPlane::new(Options::default()).unwrap();
        for op in &ops {
            match op {
                Op::Put(n, v) => {
                    let m = format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: cm{n}}}\ndata: {{v: '{v}'}}\n");
                    cp.apply("root", &m, &ApplyOptions::default()).unwrap();
                }
                Op::Delete(n) => {
                    let _ = cp.delete("root", &DeleteOptions { kind: "ConfigMap".into(), name: format!("cm{n}"), ..Default::default() });
                }
            }
        }
        let events = cp.watch("root", &WatchOptions { resource_version: Some("1".into()), ..Default::default() }).unwrap();
        let mut replayed: BTreeMap<(String, String, String), kplane::api::Value> = BTreeMap::new();
        let mut last_rv = 1u64;
        for e in &events[..events.len() - 1] {
            let rv: u64 = e.object["metadata"]["resourceVersion"].as_str().unwrap().parse().unwrap();
            prop_assert!(rv > last_rv);
            last_rv = rv;
            let key = (object::kind(&e.object).to_string(), object::namespace(&e.object).to_string(), object::name(&e.object).to_string());
            match e.kind.as_str() {
                "ADDED" | "MODIFIED" => { replayed.insert(key, e.object.clone()); }
                "DELETED" => { replayed.remove(&key); }
                other => prop_assert!(false, "unexpected {}", other),
            }
        }
        prop_assert_eq!(events.last().unwrap().kind.as_str(), "BOOKMARK");
        // The replay starts after revision 1 (the first boot namespace); compare the same objects.
        let live = cp.watch("root", &WatchOptions::default()).unwrap();
        let mut current: BTreeMap<(String, String, String), kplane::api::Value> = BTreeMap::new();
        for e in &live[..live.len() - 1] {
            let o = &e.object;
            if o["metadata"]["resourceVersion"].as_str().unwrap().parse::<u64>().unwrap() > 1 {
                current.insert((object::kind(o).to_string(), object::namespace(o).to_string(), object::name(o).to_string()), o.clone());
            }
        }
        prop_assert_eq!(replayed, current);
    }
}

#[test]
fn watch_from_a_compacted_revision_is_410_expired() {
    use kplane::WatchOptions;
    let mut cp = ControlPlane::new(Options::default()).unwrap();
    for i in 0..(kplane::store::HISTORY_LIMIT / 2 + 10) {
        let m = format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: cm}}\ndata: {{v: '{i}'}}\n"
        );
        cp.apply("root", &m, &ApplyOptions::default()).unwrap();
        cp.apply("root", &m.replace("cm}", "cm2}"), &ApplyOptions::default())
            .unwrap();
    }
    let err = cp
        .watch(
            "root",
            &WatchOptions {
                resource_version: Some("2".into()),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!((err.code, err.reason.as_str()), (410, "Expired"));
    assert!(
        err.message.starts_with("too old resource version: 2 ("),
        "{}",
        err.message
    );
}

#[test]
fn history_is_compacted_every_five_minutes_like_the_apiserver() {
    use kplane::WatchOptions;
    let mut cp = ControlPlane::new(Options::default()).unwrap();
    cp.apply(
        "root",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
        &ApplyOptions::default(),
    )
    .unwrap();
    let from_start = WatchOptions {
        resource_version: Some("1".into()),
        ..Default::default()
    };
    cp.advance(299.0).unwrap();
    assert!(
        cp.watch("root", &from_start).is_ok(),
        "history survives the first 5 minutes"
    );
    cp.advance(302.0).unwrap();
    assert_eq!(cp.watch("root", &from_start).unwrap_err().code, 410);
    // Odd durations are a 400 and leave time where it was; the longest step is 100 years.
    let before = cp.now();
    for bad in [f64::NAN, -5.0, f64::INFINITY, 1e300] {
        assert_eq!(cp.advance(bad).unwrap_err().code, 400, "{bad}");
        assert_eq!(cp.now(), before);
    }
    cp.advance(100.0 * 365.0 * 86_400.0).unwrap();
    assert!(cp.now() > before);
}
