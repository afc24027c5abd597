//! Scheduling scenarios over the manifests in `examples/scheduling/`, so the examples stay true.
use kplane::api::object::{self, str_at};
use kplane::api::Value;
use kplane::{ApplyOptions, ControlPlane, ListOptions, Options};
use std::collections::BTreeMap;

const GPU_TAINTS: &str = include_str!("../../examples/scheduling/gpu-taints.yaml");
const POD_AFFINITY: &str = include_str!("../../examples/scheduling/pod-affinity.yaml");
const POD_ANTI_AFFINITY: &str = include_str!("../../examples/scheduling/pod-anti-affinity.yaml");
const TOPOLOGY_SPREAD: &str = include_str!("../../examples/scheduling/topology-spread.yaml");

fn run(manifests: &str, seed: u64) -> ControlPlane {
    let mut cp = ControlPlane::new(Options {
        seed,
        ..Default::default()
    })
    .unwrap();
    cp.apply("root", manifests, &ApplyOptions::default())
        .unwrap();
    cp.advance(30.0).unwrap();
    cp
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

fn app(p: &Value, key: &str) -> String {
    object::labels(p).get(key).cloned().unwrap_or_default()
}

fn node_of(p: &Value) -> Option<&str> {
    str_at(p, &["spec", "nodeName"])
}

fn events(cp: &ControlPlane, reason: &str) -> Vec<Value> {
    cp.list_items(
        "root",
        &ListOptions {
            kind: "Event".into(),
            ..Default::default()
        },
    )
    .unwrap()
    .into_iter()
    .filter(|e| e["reason"] == reason)
    .collect()
}

fn scheduled_condition_message(p: &Value) -> String {
    p["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["type"] == "PodScheduled")
        .and_then(|c| c["message"].as_str())
        .unwrap_or("")
        .to_string()
}

#[test]
fn gpu_nodes_accept_only_tolerating_pods() {
    for seed in 0..5 {
        let cp = run(GPU_TAINTS, seed);
        let pods = pods(&cp);
        assert_eq!(pods.len(), 8);
        for p in &pods {
            let tolerates = app(p, "app") == "trainer";
            match node_of(p) {
                Some(n) if n.starts_with("gpu-") => {
                    assert!(tolerates, "{} on {n}", object::name(p))
                }
                Some(n) => assert_eq!(n, "general-1"),
                None => assert!(!tolerates, "trainer pending"),
            }
        }
        // Each trainer takes a GPU node's only GPU.
        let trainers: Vec<&str> = pods
            .iter()
            .filter(|p| app(p, "app") == "trainer")
            .filter_map(node_of)
            .collect();
        assert_eq!(trainers.len(), 2);
        assert_ne!(trainers[0], trainers[1]);
        // Four web pods of 500m fill the 2-core general node; two wait.
        let pending: Vec<&Value> = pods.iter().filter(|p| node_of(p).is_none()).collect();
        assert_eq!(pending.len(), 2);
        assert_eq!(
            scheduled_condition_message(pending[0]),
            "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {gpu-enabled: true}. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling."
        );
        // The explanation says which plugin rejected each node.
        let e = cp
            .explain(
                "root",
                object::namespace(pending[0]),
                object::name(pending[0]),
            )
            .unwrap();
        assert_eq!(e.result, "Unschedulable");
        assert_eq!(
            e.node("gpu-1").unwrap().failed_plugin.as_deref(),
            Some("TaintToleration")
        );
        assert_eq!(
            e.node("general-1").unwrap().failed_plugin.as_deref(),
            Some("NodeResourcesFit")
        );
    }
}

#[test]
fn database_pods_with_required_pod_affinity_land_together() {
    for seed in 0..5 {
        let cp = run(POD_AFFINITY, seed);
        let pods = pods(&cp);
        assert_eq!(pods.len(), 3);
        let nodes: Vec<&str> = pods.iter().filter_map(node_of).collect();
        assert_eq!(nodes.len(), 3, "all scheduled");
        assert!(nodes.iter().all(|n| *n == nodes[0]), "{nodes:?}");
        for p in &pods {
            assert_eq!(str_at(p, &["status", "phase"]), Some("Running"));
        }
    }
}

#[test]
fn webserver_pods_with_required_anti_affinity_land_apart() {
    for seed in 0..5 {
        let cp = run(POD_ANTI_AFFINITY, seed);
        let pods = pods(&cp);
        assert_eq!(pods.len(), 4);
        let mut nodes: Vec<&str> = pods.iter().filter_map(node_of).collect();
        nodes.sort();
        assert_eq!(nodes, ["node-a", "node-b", "node-c"]);
        let pending: Vec<&Value> = pods.iter().filter(|p| node_of(p).is_none()).collect();
        assert_eq!(pending.len(), 1);
        assert_eq!(str_at(pending[0], &["status", "phase"]), Some("Pending"));
        assert_eq!(
            scheduled_condition_message(pending[0]),
            "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."
        );
        let e = cp
            .explain("root", "default", object::name(pending[0]))
            .unwrap();
        assert_eq!(e.num_feasible_nodes, 0);
        assert!(e
            .nodes
            .iter()
            .all(|n| n.failed_plugin.as_deref() == Some("InterPodAffinity")));
        // The table row: every filter before InterPodAffinity passed (the four volume plugins
        // included).
        let row = e.nodes[0].filter_verdicts(&e.filter_plugins);
        let statuses: Vec<&str> = row.iter().map(|v| v.status.as_str()).collect();
        assert_eq!(
            statuses,
            [
                "Success",
                "Success",
                "Success",
                "Success",
                "Success",
                "Success",
                "Success",
                "Success",
                "Success",
                "Success",
                "Success",
                "Unschedulable"
            ]
        );
    }
}

#[test]
fn topology_spread_max_skew_1_keeps_counts_within_1() {
    for seed in 0..5 {
        let cp = run(TOPOLOGY_SPREAD, seed);
        let pods = pods(&cp);
        assert_eq!(pods.len(), 10);
        let mut per_node: BTreeMap<&str, usize> = ["node-a", "node-b", "node-c", "node-d"]
            .into_iter()
            .map(|n| (n, 0))
            .collect();
        for p in &pods {
            *per_node.get_mut(node_of(p).expect("scheduled")).unwrap() += 1;
        }
        let max = per_node.values().max().unwrap();
        let min = per_node.values().min().unwrap();
        assert!(max - min <= 1, "{per_node:?}");
    }
}

#[test]
fn explanations_score_every_feasible_node_with_all_plugins() {
    let cp = run(POD_ANTI_AFFINITY, 7);
    let pods = pods(&cp);
    // The first webserver scheduled saw three feasible nodes and scored them.
    let first = pods
        .iter()
        .filter(|p| node_of(p).is_some())
        .filter_map(|p| cp.explain("root", "default", object::name(p)))
        .find(|e| e.num_feasible_nodes == 3)
        .expect("an attempt with three feasible nodes");
    assert_eq!(first.result, "Scheduled");
    let names: Vec<&str> = first
        .score_plugins
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "TaintToleration",
            "NodeAffinity",
            "NodeResourcesFit",
            "PodTopologySpread",
            "InterPodAffinity",
            "NodeResourcesBalancedAllocation",
            "ImageLocality"
        ]
    );
    let weights: Vec<i64> = first.score_plugins.iter().map(|p| p.weight).collect();
    assert_eq!(weights, [3, 2, 1, 2, 2, 1, 1]);
    for n in &first.nodes {
        let total: i64 = n.scores.iter().map(|s| s.weighted).sum();
        assert_eq!(n.total_score, Some(total));
        for s in &n.scores {
            assert!((0..=100).contains(&s.normalized), "{s:?}");
        }
    }
    assert!(first
        .top_nodes()
        .contains(first.selected_node.as_ref().unwrap()));
    // serde: camelCase, round-trips.
    let v = serde_json::to_value(&first).unwrap();
    assert!(v.get("selectedNode").is_some() && v.get("numFeasibleNodes").is_some());
    let back: kplane::scheduler::Explanation = serde_json::from_value(v).unwrap();
    assert_eq!(back, first);
}

#[test]
fn pending_pod_schedules_after_a_node_is_added_and_backs_off_meanwhile() {
    let mut cp = run(POD_ANTI_AFFINITY, 3);
    let pending = |cp: &ControlPlane| {
        pods(cp)
            .into_iter()
            .filter(|p| node_of(p).is_none())
            .count()
    };
    assert_eq!(pending(&cp), 1);
    cp.apply(
        "root",
        "apiVersion: v1\nkind: Node\nmetadata: {name: node-d, labels: {kubernetes.io/hostname: node-d}}\nstatus: {capacity: {cpu: '4', memory: 8Gi, pods: '110'}}\n",
        &ApplyOptions::default(),
    )
    .unwrap();
    cp.advance(11.0).unwrap();
    assert_eq!(pending(&cp), 0);
    let on_d = pods(&cp)
        .into_iter()
        .filter(|p| node_of(p) == Some("node-d"))
        .count();
    assert_eq!(on_d, 1);
}

#[test]
fn scheduling_gates_hold_pods_with_the_upstream_condition() {
    let mut cp = run(POD_ANTI_AFFINITY, 1);
    cp.apply(
        "root",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: gated}\nspec:\n  schedulingGates: [{name: example.com/wait}]\n  containers: [{name: c, image: busybox}]\n",
        &ApplyOptions::default(),
    )
    .unwrap();
    cp.advance(5.0).unwrap();
    let p = pods(&cp)
        .into_iter()
        .find(|p| object::name(p) == "gated")
        .unwrap();
    assert!(node_of(&p).is_none());
    let cond = p["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "PodScheduled")
        .unwrap()
        .clone();
    assert_eq!(cond["reason"], "SchedulingGated");
    assert_eq!(
        cond["message"],
        "Scheduling is blocked due to non-empty scheduling gates"
    );
    assert!(cp.explain("root", "default", "gated").is_none());
    // Removing the gate lets it schedule.
    cp.patch(
        "root",
        &kplane::ObjectRef {
            kind: "Pod".into(),
            namespace: Some("default".into()),
            name: "gated".into(),
            ..Default::default()
        },
        &kplane::json!({"spec": {"schedulingGates": null}}),
        kplane::PatchType::Merge,
    )
    .unwrap();
    cp.advance(5.0).unwrap();
    let p = pods(&cp)
        .into_iter()
        .find(|p| object::name(p) == "gated")
        .unwrap();
    assert!(node_of(&p).is_some());
    assert_eq!(
        cp.explain("root", "default", "gated").unwrap().result,
        "Scheduled"
    );
}

const PREEMPTION: &str = include_str!("../../examples/scheduling/preemption.yaml");

#[test]
fn a_higher_priority_pod_preempts_a_lower_priority_one() {
    let mut cp = run(PREEMPTION, 4);
    assert!(pods(&cp).iter().all(|p| node_of(p).is_some()));
    // The critical pod names its priority directly (PriorityClass resolution is admission's).
    cp.apply(
        "root",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: critical}\nspec:\n  priorityClassName: high\n  priority: 1000\n  containers: [{name: c, image: nginx:1.27, resources: {requests: {cpu: '1', memory: 128Mi}}}]\n",
        &ApplyOptions::default(),
    )
    .unwrap();
    let critical = |cp: &ControlPlane| {
        pods(cp)
            .into_iter()
            .find(|p| object::name(p) == "critical")
            .unwrap()
    };
    let c = critical(&cp);
    let nominated = str_at(&c, &["status", "nominatedNodeName"])
        .expect("nominated")
        .to_string();
    // The failed attempt's message has no preemption part: preemption found a node.
    let failed: Vec<Value> = events(&cp, "FailedScheduling")
        .into_iter()
        .filter(|e| e["involvedObject"]["name"] == "critical")
        .collect();
    assert_eq!(
        failed[0]["message"],
        "0/2 nodes are available: 2 Insufficient cpu."
    );
    // Exactly one batch pod on the nominated node was preempted (the node agent may already
    // have finished its graceful termination).
    let preempted = events(&cp, "Preempted");
    assert_eq!(preempted.len(), 1);
    let c_uid = object::uid(&c).to_string();
    assert_eq!(
        preempted[0]["message"],
        format!("Preempted by pod {c_uid} on node {nominated}")
    );
    let victim = preempted[0]["involvedObject"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(victim.starts_with("batch-"));
    // After the grace period the victim is gone and the critical pod runs on that node.
    cp.advance(30.0).unwrap();
    let c = critical(&cp);
    assert_eq!(node_of(&c), Some(nominated.as_str()));
    assert_eq!(str_at(&c, &["status", "phase"]), Some("Running"));
    let batch: Vec<Value> = pods(&cp)
        .into_iter()
        .filter(|p| app(p, "app") == "batch")
        .collect();
    assert_eq!(batch.len(), 4, "the ReplicaSet replaced the victim");
    assert!(batch.iter().all(|p| object::name(p) != victim));
    let pending: Vec<&Value> = batch.iter().filter(|p| node_of(p).is_none()).collect();
    assert_eq!(pending.len(), 1);
    assert_eq!(
        scheduled_condition_message(pending[0]),
        "0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod."
    );
}

#[test]
fn explanations_survive_snapshot_and_restore() {
    let cp = run(POD_ANTI_AFFINITY, 9);
    let names: Vec<String> = pods(&cp)
        .iter()
        .map(|p| object::name(p).to_string())
        .collect();
    let snap = cp.snapshot();
    let restored = ControlPlane::restore(&snap).unwrap();
    for n in &names {
        let a = cp.explain("root", "default", n);
        assert!(a.is_some(), "{n} explained");
        assert_eq!(a, restored.explain("root", "default", n), "{n}");
    }
    assert_eq!(restored.snapshot(), snap);
    assert!(cp.explain("root", "default", "nope").is_none());
}
