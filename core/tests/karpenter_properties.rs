//! Property test over random clusters and workloads run by Karpenter: voluntary disruption
//! never takes a PodDisruptionBudget below its budget, never touches the node of a pod with
//! `karpenter.sh/do-not-disrupt`, never disrupts more nodes of a NodePool at once than its
//! budget allows, and every pod Pending for want of capacity gets a node within the batching
//! window plus launch time when some instance type of the NodePool fits it.
use kplane::api::object::{self, array_at, str_at};
use kplane::api::Value;
use kplane::{ApplyOptions, ControlPlane, ListOptions, Options};
use proptest::prelude::*;
use std::collections::BTreeMap;

/// Batch window (10 s at most) + launch (5 s) + registration (30 s) + Ready (10 s) + the
/// scheduler's longest back-off (10 s) + one step of slack.
const PENDING_BOUND_S: i64 = 10 + 5 + 30 + 10 + 10 + 5;

#[derive(Debug, Clone)]
pub struct Workload {
    pub replicas: u32,
    pub milli: u32,
    pub spread: bool,
    pub pdb: Option<&'static str>,
}

pub fn manifests(
    budget: &str,
    consolidate_after: &str,
    spot: bool,
    w: &[Workload],
    batch: bool,
) -> String {
    let cts = if spot {
        "[\"spot\", \"on-demand\"]"
    } else {
        "[\"on-demand\"]"
    };
    let mut out = format!(
        "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {{name: default}}\nspec:\n  template:\n    spec:\n      requirements:\n      - {{key: karpenter.sh/capacity-type, operator: In, values: {cts}}}\n      - {{key: karpenter.k8s.aws/instance-category, operator: In, values: [c, m, r]}}\n      - {{key: kubernetes.io/arch, operator: In, values: [amd64]}}\n      nodeClassRef: {{group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}}\n  disruption:\n    consolidationPolicy: WhenEmptyOrUnderutilized\n    consolidateAfter: {consolidate_after}\n    budgets:\n    - nodes: \"{budget}\"\n---\napiVersion: karpenter.k8s.aws/v1\nkind: EC2NodeClass\nmetadata: {{name: default}}\nspec:\n  role: KarpenterNodeRole-kplane\n  amiSelectorTerms: [{{alias: al2023@latest}}]\n  subnetSelectorTerms: [{{tags: {{karpenter.sh/discovery: kplane}}}}]\n  securityGroupSelectorTerms: [{{tags: {{karpenter.sh/discovery: kplane}}}}]\n"
    );
    for (i, d) in w.iter().enumerate() {
        let spread = if d.spread {
            format!("      topologySpreadConstraints:\n      - {{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, labelSelector: {{matchLabels: {{app: d{i}}}}}}}\n")
        } else {
            String::new()
        };
        out.push_str(&format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d{i}}}\nspec:\n  replicas: {}\n  selector: {{matchLabels: {{app: d{i}}}}}\n  template:\n    metadata: {{labels: {{app: d{i}}}}}\n    spec:\n      terminationGracePeriodSeconds: 5\n{spread}      containers:\n      - name: c\n        image: busybox\n        resources: {{requests: {{cpu: {}m, memory: 256Mi}}}}\n",
            d.replicas, d.milli
        ));
        if let Some(p) = d.pdb {
            out.push_str(&format!(
                "---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: d{i}}}\nspec:\n  {p}\n  selector: {{matchLabels: {{app: d{i}}}}}\n"
            ));
        }
    }
    if batch {
        out.push_str("---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: batch\n  annotations: {karpenter.sh/do-not-disrupt: \"true\"}\nspec:\n  containers:\n  - name: c\n    image: busybox\n    resources: {requests: {cpu: 700m, memory: 256Mi}}\n");
    }
    out
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

fn ready(p: &Value) -> bool {
    array_at(p, &["status", "conditions"])
        .iter()
        .any(|c| c["type"] == "Ready" && c["status"] == "True")
}

fn unschedulable(p: &Value) -> bool {
    array_at(p, &["status", "conditions"])
        .iter()
        .any(|c| c["type"] == "PodScheduled" && c["reason"] == "Unschedulable")
        && str_at(p, &["spec", "nodeName"]).is_none()
}

/// `nodes` of a budget scaled to `total`, rounding percentages up.
fn scaled(budget: &str, total: i64) -> i64 {
    match budget.strip_suffix('%') {
        Some(p) => (p.parse::<u64>().unwrap() * total as u64).div_ceil(100) as i64,
        None => budget.parse().unwrap(),
    }
}

/// What the pending-time check remembers between steps.
#[derive(Default)]
pub struct Pending {
    since: BTreeMap<String, i64>,
    nodes: Vec<String>,
    changed: i64,
}

fn check(
    cp: &ControlPlane,
    budget: &str,
    protected: &[(usize, &str, u32)],
    pending: &mut Pending,
) -> Result<(), TestCaseError> {
    let now = cp.now_ms();
    let pods = list(cp, "Pod");
    let nodes = list(cp, "Node");
    // 1. Budgets: the pods each PDB protects stay at least at its desired healthy count.
    for (i, spec, replicas) in protected {
        let healthy = pods
            .iter()
            .filter(|p| object::labels(p).get("app").map(String::as_str) == Some(&format!("d{i}")))
            .filter(|p| ready(p) && !object::is_terminating(p))
            .count() as u32;
        let desired = if *spec == "minAvailable: 50%" {
            replicas.div_ceil(2)
        } else {
            replicas.saturating_sub(1)
        };
        prop_assert!(
            healthy >= desired,
            "PDB d{} below its budget: {} healthy < {} at {}",
            i,
            healthy,
            desired,
            cp.now()
        );
    }
    // 2. The node of a do-not-disrupt pod is never disrupted.
    for p in pods.iter().filter(|p| object::name(p) == "batch") {
        if let Some(n) = str_at(p, &["spec", "nodeName"]) {
            let node = nodes.iter().find(|x| object::name(x) == n);
            prop_assert!(node.is_some(), "the batch pod's node is gone");
            let node = node.unwrap();
            prop_assert!(
                !object::is_terminating(node),
                "the batch pod's node is being deleted"
            );
            prop_assert!(
                !array_at(node, &["spec", "taints"])
                    .iter()
                    .any(|t| t["key"] == "karpenter.sh/disrupted"),
                "the batch pod's node is tainted for disruption"
            );
        }
    }
    // 3. No more nodes in disruption than the budget allows.
    let managed: Vec<&Value> = nodes
        .iter()
        .filter(|n| {
            object::labels(n)
                .get("karpenter.sh/initialized")
                .map(String::as_str)
                == Some("true")
        })
        .collect();
    let disrupting = managed
        .iter()
        .filter(|n| {
            object::is_terminating(n)
                || array_at(n, &["spec", "taints"])
                    .iter()
                    .any(|t| t["key"] == "karpenter.sh/disrupted")
        })
        .count() as i64;
    prop_assert!(
        disrupting <= scaled(budget, managed.len() as i64).max(0),
        "{} nodes disrupting, budget {} of {}",
        disrupting,
        budget,
        managed.len()
    );
    // 4. Pods pending for want of capacity get a node within the bound. The wait starts when
    // the pod is found unschedulable, and again whenever the cluster's capacity changes (a
    // node turns Ready, starts being deleted, or goes): Karpenter plans, but the scheduler
    // decides, and may give new capacity to other pods, and consolidation may take capacity
    // away; each time the pod is once more pending for want of capacity.
    let mut names: Vec<String> = nodes.iter().map(|n| object::name(n).to_string()).collect();
    names.sort();
    if names != pending.nodes {
        if names.len() < pending.nodes.len() || pending.nodes.iter().any(|n| !names.contains(n)) {
            pending.changed = now;
        }
        pending.nodes = names;
    }
    let last_change = nodes
        .iter()
        .flat_map(|n| {
            let ready = array_at(n, &["status", "conditions"])
                .iter()
                .find(|c| c["type"] == "Ready" && c["status"] == "True")
                .and_then(|c| c["lastTransitionTime"].as_str())
                .and_then(kplane::sim::parse_rfc3339);
            let deleting =
                str_at(n, &["metadata", "deletionTimestamp"]).and_then(kplane::sim::parse_rfc3339);
            [ready, deleting]
        })
        .flatten()
        .max()
        .unwrap_or(0)
        .max(pending.changed);
    for p in &pods {
        let key = object::uid(p).to_string();
        if unschedulable(p) && !object::is_terminating(p) {
            let first = *pending.since.entry(key).or_insert(now);
            let since = first.max(last_change);
            prop_assert!(
                now - since <= PENDING_BOUND_S * 1000,
                "{} pending for {} s at {}",
                object::name(p),
                (now - since) / 1000,
                cp.now()
            );
        } else {
            pending.since.remove(&key);
        }
    }
    Ok(())
}

fn workload() -> impl Strategy<Value = Workload> {
    (
        1u32..8,
        prop_oneof![Just(250u32), Just(500), Just(1000), Just(1500), Just(3500)],
        any::<bool>(),
        prop_oneof![
            Just(None),
            Just(Some("minAvailable: 50%")),
            Just(Some("maxUnavailable: 1"))
        ],
    )
        .prop_map(|(replicas, milli, spread, pdb)| Workload {
            replicas,
            milli,
            spread,
            pdb,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn karpenter_keeps_its_promises(
        seed in any::<u64>(),
        budget in prop_oneof![Just("10%"), Just("50%"), Just("1"), Just("2")],
        consolidate_after in prop_oneof![Just("0s"), Just("30s")],
        spot in any::<bool>(),
        batch in any::<bool>(),
        workloads in prop::collection::vec(workload(), 1..4),
        scale_to in prop::collection::vec(0u32..3, 4),
    ) {
        let mut cp = ControlPlane::new(Options { seed, ..Default::default() }).unwrap();
        cp.apply("root", &manifests(budget, consolidate_after, spot, &workloads, batch), &ApplyOptions::default()).unwrap();
        let protected: Vec<(usize, &str, u32)> = workloads
            .iter()
            .enumerate()
            .filter_map(|(i, w)| w.pdb.map(|p| (i, p, w.replicas)))
            .collect();
        let mut pending = Pending::default();
        // Up: everything must get a node; the budgets only count once protected pods ran.
        for _ in 0..60 {
            cp.advance(2.0).unwrap();
            check(&cp, budget, &[], &mut pending)?;
        }
        // Down: the unprotected workloads shrink; consolidation moves the protected pods.
        for (i, w) in workloads.iter().enumerate() {
            if w.pdb.is_none() {
                cp.kubectl(&format!("scale deployment d{i} --replicas={}", scale_to[i % scale_to.len()]), "");
            }
        }
        for _ in 0..240 {
            cp.advance(2.0).unwrap();
            check(&cp, budget, &protected, &mut pending)?;
        }
    }
}
