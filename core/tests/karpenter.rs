//! Karpenter scenarios over the manifests in `examples/karpenter/`, so the examples stay true.
use kplane::api::object::{self, array_at, str_at};
use kplane::api::Value;
use kplane::cloud::{catalog, eks};
use kplane::{ApplyOptions, ControlPlane, ListOptions, Options};

const SCALE: &str = include_str!("../../examples/karpenter/scale-up-and-consolidation.yaml");
const CRITICAL: &str = include_str!("../../examples/karpenter/critical-web-service.yaml");
const DO_NOT_DISRUPT: &str = include_str!("../../examples/karpenter/do-not-disrupt.yaml");
const MAX_PODS: &str = include_str!("../../examples/karpenter/max-pods.yaml");
const SPOT: &str = include_str!("../../examples/karpenter/spot-interruption.yaml");

fn plane(seed: u64) -> ControlPlane {
    ControlPlane::new(Options {
        seed,
        ..Default::default()
    })
    .unwrap()
}

fn list(cp: &ControlPlane, kind: &str) -> Vec<Value> {
    cp.list_items(
        "root",
        &ListOptions {
            kind: kind.into(),
            ..Default::default()
        },
    )
    .unwrap()
}

fn names(cp: &ControlPlane, kind: &str) -> Vec<String> {
    list(cp, kind)
        .iter()
        .map(|o| object::name(o).to_string())
        .collect()
}

fn label(o: &Value, key: &str) -> String {
    object::labels(o).get(key).cloned().unwrap_or_default()
}

fn pods_of(cp: &ControlPlane, app: &str) -> Vec<Value> {
    list(cp, "Pod")
        .into_iter()
        .filter(|p| label(p, "app") == app)
        .collect()
}

fn ready(p: &Value) -> bool {
    array_at(p, &["status", "conditions"])
        .iter()
        .any(|c| c["type"] == "Ready" && c["status"] == "True")
}

/// Events as (involved kind/name, reason, message).
fn events(cp: &ControlPlane) -> Vec<(String, String, String)> {
    list(cp, "Event")
        .iter()
        .map(|e| {
            (
                format!(
                    "{}/{}",
                    e["involvedObject"]["kind"].as_str().unwrap_or(""),
                    e["involvedObject"]["name"].as_str().unwrap_or("")
                ),
                e["reason"].as_str().unwrap_or("").to_string(),
                e["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn has_event(cp: &ControlPlane, reason: &str, message_part: &str) -> bool {
    events(cp)
        .iter()
        .any(|(_, r, m)| r == reason && m.contains(message_part))
}

fn price(node: &Value) -> f64 {
    let it = catalog::get(&label(node, "node.kubernetes.io/instance-type")).expect("catalog type");
    let ct = catalog::CapacityType::parse(&label(node, "karpenter.sh/capacity-type")).unwrap();
    it.price(ct, &label(node, "topology.kubernetes.io/zone"))
        .unwrap()
}

/// The on-demand price of the cheapest type of the getting-started NodePool (c, m or r;
/// generation 3 or later; amd64) whose allocatable fits `milli_cpu` and `pods` pods.
fn cheapest_fitting(milli_cpu: i64, pods: i64) -> f64 {
    catalog::all()
        .iter()
        .filter(|it| it.arch == catalog::Arch::Amd64)
        .filter(|it| {
            it.category_and_generation()
                .is_some_and(|(c, g)| ["c", "m", "r"].contains(&c) && g.parse::<i64>().unwrap() > 2)
        })
        .filter(|it| {
            let a = eks::node_shape(it, &eks::NodeConfig::default()).allocatable;
            a.cpu_milli >= milli_cpu && a.pods >= pods
        })
        .map(|it| it.on_demand_price)
        .reduce(f64::min)
        .unwrap()
}

#[test]
fn scale_up_from_zero_nodes_then_consolidation() {
    let mut cp = plane(1);
    cp.apply("root", SCALE, &ApplyOptions::default()).unwrap();
    assert!(names(&cp, "Node").is_empty());
    // The batch closes 1 s after the last pod was found unschedulable.
    cp.advance(1.5).unwrap();
    let claims = list(&cp, "NodeClaim");
    assert_eq!(claims.len(), 1, "one NodeClaim for five 1-CPU pods");
    assert_eq!(
        claims[0]["spec"]["resources"]["requests"]["cpu"], "5",
        "the claim asks for the pods' requests"
    );
    // Launch 5 s, registration 30 s, Ready 10 s; the scheduler retries within its back-off.
    cp.advance(60.0).unwrap();
    let nodes = list(&cp, "Node");
    assert_eq!(nodes.len(), 1);
    assert_eq!(
        price(&nodes[0]),
        cheapest_fitting(5000, 5),
        "the cheapest type whose allocatable fits 5 CPUs"
    );
    for k in ["karpenter.sh/registered", "karpenter.sh/initialized"] {
        assert_eq!(label(&nodes[0], k), "true", "{k}");
    }
    assert_eq!(label(&nodes[0], "karpenter.sh/nodepool"), "default");
    let pods = pods_of(&cp, "inflate");
    assert_eq!(pods.len(), 5);
    assert!(pods.iter().all(ready), "every pod runs on the new node");
    let claims = list(&cp, "NodeClaim");
    for c in ["Launched", "Registered", "Initialized", "Ready"] {
        assert!(
            array_at(&claims[0], &["status", "conditions"])
                .iter()
                .any(|x| x["type"] == c && x["status"] == "True"),
            "{c}"
        );
    }
    let before = price(&nodes[0]);
    // One replica left: a minute after the last pod event the node is consolidatable, and a
    // strictly cheaper node replaces it.
    cp.kubectl("scale deployment inflate --replicas=1", "");
    cp.advance(240.0).unwrap();
    let nodes = list(&cp, "Node");
    assert_eq!(nodes.len(), 1);
    assert!(price(&nodes[0]) < before, "replaced by a cheaper node");
    assert_eq!(price(&nodes[0]), cheapest_fitting(1000, 1));
    assert!(has_event(&cp, "ConsolidationCandidate", "replace: ["));
    assert!(has_event(
        &cp,
        "DisruptionTerminating",
        "Disrupting Node: Underutilized"
    ));
    assert!(pods_of(&cp, "inflate").iter().all(ready));
    // None left: emptiness removes the node.
    cp.kubectl("scale deployment inflate --replicas=0", "");
    cp.advance(180.0).unwrap();
    assert!(names(&cp, "Node").is_empty());
    assert!(names(&cp, "NodeClaim").is_empty());
    assert!(has_event(
        &cp,
        "DisruptionTerminating",
        "Disrupting NodeClaim: Empty"
    ));
    let cost = cp.cost();
    assert_eq!(cost.price_per_hour, 0.0);
    assert!(cost.total > 0.0);
}

#[test]
fn critical_web_service_survives_consolidation() {
    let mut cp = plane(3);
    cp.apply("root", CRITICAL, &ApplyOptions::default())
        .unwrap();
    cp.advance(90.0).unwrap();
    assert_eq!(
        pods_of(&cp, "critical-web-service")
            .iter()
            .filter(|p| ready(p))
            .count(),
        2
    );
    let before: f64 = list(&cp, "Node").iter().map(price).sum();
    cp.kubectl("scale deployment batch-burst --replicas=0", "");
    let mut moved = false;
    let first: Vec<String> = pods_of(&cp, "critical-web-service")
        .iter()
        .map(|p| str_at(p, &["spec", "nodeName"]).unwrap_or("").to_string())
        .collect();
    for _ in 0..900 {
        cp.advance(1.0).unwrap();
        let web = pods_of(&cp, "critical-web-service");
        let available = web
            .iter()
            .filter(|p| ready(p) && !object::is_terminating(p))
            .count();
        assert!(available >= 1, "the PDB keeps one replica available");
        let mut hosts: Vec<&str> = web
            .iter()
            .filter(|p| !object::is_terminating(p))
            .filter_map(|p| str_at(p, &["spec", "nodeName"]))
            .collect();
        let n = hosts.len();
        hosts.sort();
        hosts.dedup();
        assert_eq!(hosts.len(), n, "never two replicas on one node");
        moved |= web.iter().any(|p| {
            !first
                .iter()
                .any(|f| Some(f.as_str()) == str_at(p, &["spec", "nodeName"]))
        });
    }
    assert!(moved, "consolidation moved the web pods");
    let nodes = list(&cp, "Node");
    assert_eq!(nodes.len(), 2, "two nodes: one per replica");
    let after: f64 = nodes.iter().map(price).sum();
    assert!(after < before, "cheaper than the burst's nodes");
    for n in &nodes {
        assert_eq!(
            price(n),
            cheapest_fitting(500, 1),
            "the cheapest type that fits a replica"
        );
    }
    let web = pods_of(&cp, "critical-web-service");
    assert_eq!(web.iter().filter(|p| ready(p)).count(), 2);
    // The two nodes stay: the explanation says why.
    for n in &nodes {
        let e = cp.explain_node(object::name(n)).expect("explained");
        let sim = e.simulation.clone().expect("simulated");
        assert_eq!(sim.decision, "no-op", "{e:?}");
        assert_eq!(
            sim.message.as_deref(),
            Some("Can't replace with a cheaper node")
        );
    }
}

#[test]
fn do_not_disrupt_batch_pod_keeps_its_node() {
    let mut cp = plane(4);
    cp.apply("root", DO_NOT_DISRUPT, &ApplyOptions::default())
        .unwrap();
    cp.advance(90.0).unwrap();
    let batch_node = list(&cp, "Pod")
        .into_iter()
        .find(|p| object::name(p) == "nightly-report")
        .and_then(|p| str_at(&p, &["spec", "nodeName"]).map(str::to_string))
        .expect("the batch pod is placed");
    cp.kubectl("scale deployment web --replicas=0", "");
    cp.advance(300.0).unwrap();
    let nodes = names(&cp, "Node");
    assert_eq!(
        nodes,
        vec![batch_node.clone()],
        "only the batch pod's node is left"
    );
    assert!(has_event(
        &cp,
        "DisruptionBlocked",
        "Pod has \"karpenter.sh/do-not-disrupt\" annotation (Pod=default/nightly-report)"
    ));
    let e = cp.explain_node(&batch_node).unwrap();
    assert!(!e.candidate);
    assert!(e.blocked.unwrap().contains("do-not-disrupt"));
}

#[test]
fn max_pods_table_on_real_instance_types() {
    let mut cp = plane(5);
    cp.apply("root", MAX_PODS, &ApplyOptions::default())
        .unwrap();
    cp.advance(30.0).unwrap();
    let nodes = list(&cp, "Node");
    // The reference's table (section 8): ENIs × (IPv4 per ENI − 1) + 2.
    for (name, pods) in [
        ("t3-medium", "17"),
        ("t3-large", "35"),
        ("m5-large", "29"),
        ("m5-xlarge", "58"),
        ("m5-4xlarge", "234"),
    ] {
        let n = nodes.iter().find(|n| object::name(n) == name).unwrap();
        assert_eq!(n["status"]["allocatable"]["pods"], pods, "{name}");
        assert_eq!(n["status"]["capacity"]["pods"], pods, "{name}");
    }
    // m5.large: 2 vCPU, kube-reserved 6% of the first core and 1% of the second = 70m;
    // memory 11 × 29 + 255 = 574Mi reserved plus the 100Mi eviction threshold.
    let m5 = nodes
        .iter()
        .find(|n| object::name(n) == "m5-large")
        .unwrap();
    assert_eq!(m5["status"]["allocatable"]["cpu"], "1930m");
    let t3 = nodes
        .iter()
        .find(|n| object::name(n) == "t3-medium")
        .unwrap();
    assert_eq!(label(t3, "kubernetes.io/arch"), "amd64");
    assert_eq!(label(t3, "karpenter.k8s.aws/instance-family"), "t3");
    let tiny = pods_of(&cp, "tiny");
    assert_eq!(tiny.len(), 18);
    assert_eq!(tiny.iter().filter(|p| ready(p)).count(), 17);
    let pending: Vec<&Value> = tiny
        .iter()
        .filter(|p| str_at(p, &["spec", "nodeName"]).is_none())
        .collect();
    assert_eq!(pending.len(), 1);
    assert!(has_event(&cp, "FailedScheduling", "1 Too many pods"));
}

#[test]
fn spot_interruption_drains_and_reclaims() {
    let mut cp = plane(6);
    cp.apply("root", SPOT, &ApplyOptions::default()).unwrap();
    cp.advance(90.0).unwrap();
    let nodes = list(&cp, "Node");
    assert_eq!(nodes.len(), 1);
    let node = object::name(&nodes[0]).to_string();
    assert_eq!(label(&nodes[0], "karpenter.sh/capacity-type"), "spot");
    assert!(pods_of(&cp, "web").iter().all(ready));
    let out = cp.kubectl(&format!("sim node spot-interrupt {node}"), "");
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    assert!(has_event(
        &cp,
        "SpotInterrupted",
        "Spot interruption warning was triggered"
    ));
    assert!(has_event(
        &cp,
        "TerminatingOnInterruption",
        "Interruption triggered termination"
    ));
    let n = cp
        .server()
        .get(
            "root",
            kplane::api::kinds::by_kind(Some("v1"), "Node").unwrap(),
            "",
            &node,
        )
        .unwrap()
        .clone();
    assert!(object::is_terminating(&n));
    assert!(array_at(&n, &["spec", "taints"])
        .iter()
        .any(|t| t["key"] == "karpenter.sh/disrupted" && t["effect"] == "NoSchedule"));
    // A replacement comes up and the pods move before EC2 takes the instance back.
    cp.advance(110.0).unwrap();
    let web = pods_of(&cp, "web");
    assert_eq!(
        web.iter().filter(|p| ready(p)).count(),
        3,
        "all replicas run elsewhere"
    );
    assert!(web
        .iter()
        .all(|p| str_at(p, &["spec", "nodeName"]) != Some(node.as_str())));
    cp.advance(20.0).unwrap();
    assert!(
        !names(&cp, "Node").contains(&node),
        "reclaimed two minutes after the notice"
    );
    // Not a spot node: refused.
    let other = names(&cp, "Node");
    let od = plane(7).spot_interrupt("nope").unwrap_err();
    assert_eq!(od.code, 404);
    let _ = other;
}

#[test]
fn snapshot_restore_continues_identically_with_karpenter() {
    let run = |split: bool| {
        let mut cp = plane(8);
        cp.apply("root", SCALE, &ApplyOptions::default()).unwrap();
        cp.advance(20.5).unwrap();
        if split {
            let snap = cp.snapshot();
            cp = ControlPlane::restore(&snap).unwrap();
            assert_eq!(cp.snapshot(), snap);
        }
        cp.advance(60.0).unwrap();
        cp.kubectl("scale deployment inflate --replicas=1", "");
        cp.advance(200.0).unwrap();
        cp.snapshot()
    };
    assert_eq!(run(false), run(true));
}

#[test]
fn kubectl_prints_karpenters_columns() {
    let mut cp = plane(9);
    cp.apply("root", SCALE, &ApplyOptions::default()).unwrap();
    cp.advance(60.0).unwrap();
    let pools = cp.kubectl("get nodepools", "").stdout;
    let lines: Vec<&str> = pools.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["NAME", "NODECLASS", "NODES", "READY", "AGE"]
    );
    assert_eq!(
        lines[1].split_whitespace().collect::<Vec<_>>(),
        ["default", "default", "1", "True", "60s"]
    );
    let claims = cp.kubectl("get nodeclaims", "").stdout;
    let lines: Vec<&str> = claims.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["NAME", "TYPE", "CAPACITY", "ZONE", "NODE", "READY", "AGE"]
    );
    let cols: Vec<&str> = lines[1].split_whitespace().collect();
    assert!(cols[0].starts_with("default-"));
    assert_eq!(
        catalog::get(cols[1]).unwrap().on_demand_price,
        cheapest_fitting(5000, 5)
    );
    assert_eq!(cols[2], "on-demand");
    assert!(cols[3].starts_with("us-east-1"));
    assert!(cols[4].starts_with("ip-192-168-"));
    assert_eq!(cols[5], "True");
    let wide = cp.kubectl("get nodeclaims -o wide", "").stdout;
    assert!(wide.lines().next().unwrap().ends_with("IMAGEID                 ID                                      NODEPOOL   NODECLASS   DRIFTED") || wide.contains("DRIFTED"));
}

/// Nodes are the shared data plane (DESIGN.md): the NodePool lives in `root`, the pending pods
/// in a team's workspace; Karpenter launches the node in `root` for them, and a workspace
/// cannot write a NodePool of its own (the data plane's 403).
#[test]
fn provisions_in_root_for_pending_pods_of_another_workspace() {
    let mut cp = plane(10);
    let docs: Vec<&str> = SCALE.split("\n---\n").collect();
    let (pool_and_class, deployment) = (docs[..2].join("\n---\n"), docs[2]);
    cp.apply("root", &pool_and_class, &ApplyOptions::default())
        .unwrap();
    let out = cp.kubectl("ws create team-a --type organization", "");
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    cp.advance(1.0).unwrap();
    cp.apply("root:team-a", deployment, &ApplyOptions::default())
        .unwrap();
    cp.advance(90.0).unwrap();
    assert_eq!(names(&cp, "NodeClaim").len(), 1, "one claim, in root");
    let nodes = names(&cp, "Node");
    assert_eq!(nodes.len(), 1);
    let team_pods = cp
        .list_items(
            "root:team-a",
            &ListOptions {
                kind: "Pod".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(team_pods.len(), 5);
    for p in &team_pods {
        assert!(ready(p), "{}", object::name(p));
        assert_eq!(str_at(p, &["spec", "nodeName"]), Some(nodes[0].as_str()));
    }
    let refused = cp
        .apply("root:team-a", &pool_and_class, &ApplyOptions::default())
        .unwrap_err();
    assert_eq!(refused.code, 403, "{}", refused.message);
}
