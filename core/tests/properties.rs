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
        cp.advance(30.0);
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
