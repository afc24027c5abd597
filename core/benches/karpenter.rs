//! Karpenter at scale.
//!
//! - `consolidation_decision_1000_nodes`: one disruption decision
//!   (`ControlPlane::disruption_plan`: emptiness, drift, multi-node then single-node
//!   consolidation, every simulation on the scheduler's filters) over 1,000 Karpenter nodes.
//!   The cluster is built for real (setup, not timed): a Deployment of 1,000 replicas of
//!   1.2 CPU makes Karpenter launch 1,000 `c6i.large` nodes (the only type the NodePool
//!   offers then); the NodePool then also offers `c6i.xlarge` (three such pods for less than
//!   three `c6i.large`), so multi-node consolidation binary-searches 100 candidates for the
//!   largest set one cheaper node can replace.
//! - `virtual_day_1000_nodes_at_peak` (`KPLANE_BENCH_DAY=1`, one timed run, printed): 24 hours
//!   of virtual time with a Deployment of 1.2-CPU pods (one per 2-vCPU node) scaled every 30
//!   minutes along a day curve, 100 → 1,000 → 100 replicas, so Karpenter provisions up to
//!   1,000 nodes and consolidation removes them again.
//!
//! Run: `cargo bench -p kplane --bench karpenter` (`KPLANE_BENCH_DAY=1` for the day).
use criterion::{criterion_group, criterion_main, Criterion};
use kplane::{ApplyOptions, ControlPlane, ListOptions, Options};
use std::time::{Duration, Instant};

/// The NodePool with the given instance types and consolidateAfter.
fn nodepool(types: &str, after: &str) -> String {
    NODEPOOL.replace("TYPES", types).replace("AFTER", after)
}

const NODEPOOL: &str = r#"
apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: default}
spec:
  template:
    spec:
      requirements:
      - {key: node.kubernetes.io/instance-type, operator: In, values: [TYPES]}
      - {key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
  disruption:
    consolidationPolicy: WhenEmptyOrUnderutilized
    consolidateAfter: AFTER
---
apiVersion: karpenter.k8s.aws/v1
kind: EC2NodeClass
metadata: {name: default}
spec:
  role: KarpenterNodeRole-kplane
  amiSelectorTerms: [{alias: al2023@latest}]
  subnetSelectorTerms: [{tags: {karpenter.sh/discovery: kplane}}]
  securityGroupSelectorTerms: [{tags: {karpenter.sh/discovery: kplane}}]
"#;

fn web(replicas: usize, milli: usize, spread: bool) -> String {
    let spread = if spread {
        "      topologySpreadConstraints:\n      - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}\n"
    } else {
        ""
    };
    format!("apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec:\n      terminationGracePeriodSeconds: 0\n{spread}      containers:\n      - name: c\n        image: registry.k8s.io/pause:3.10\n        resources: {{requests: {{cpu: {milli}m, memory: 512Mi}}}}\n")
}

fn count(cp: &ControlPlane, kind: &str) -> usize {
    cp.list_items(
        "root",
        &ListOptions {
            kind: kind.into(),
            ..Default::default()
        },
    )
    .map(|l| l.len())
    .unwrap_or(0)
}

/// 1,000 Karpenter `c6i.large` nodes, one 1.2-CPU pod each (the NodePool offers nothing
/// else): nothing to consolidate (a `c6i.xlarge` would hold three pods, but replacing two
/// nodes by one is not cheaper and the binary search never tries three), so every method
/// runs to the end: the most work one decision does.
fn packed() -> ControlPlane {
    let started = Instant::now();
    let mut cp = plane(1);
    cp.apply(
        "root",
        &nodepool("c6i.large", "0s"),
        &ApplyOptions::default(),
    )
    .unwrap();
    cp.apply("root", &web(1000, 1200, false), &ApplyOptions::default())
        .unwrap();
    cp.advance(90.0).unwrap();
    cp.apply(
        "root",
        &nodepool("c6i.large, c6i.xlarge", "0s"),
        &ApplyOptions::default(),
    )
    .unwrap();
    report("packed", &cp, started);
    cp
}

/// 1,000 Karpenter `c6i.xlarge` nodes that each ran one 2.5-CPU pod, after a rollout to
/// 1.2-CPU pods (consolidation was off meanwhile): each node is a third used, so
/// multi-node consolidation finds the 100 nodes (the 10 % budget) whose pods fit elsewhere.
fn underused() -> ControlPlane {
    let started = Instant::now();
    let mut cp = plane(3);
    cp.apply(
        "root",
        &nodepool("c6i.xlarge", "Never"),
        &ApplyOptions::default(),
    )
    .unwrap();
    cp.apply("root", &web(1000, 2500, false), &ApplyOptions::default())
        .unwrap();
    cp.advance(90.0).unwrap();
    cp.apply("root", &web(1000, 1200, false), &ApplyOptions::default())
        .unwrap();
    cp.advance(600.0).unwrap();
    cp.apply(
        "root",
        &nodepool("c6i.xlarge", "0s"),
        &ApplyOptions::default(),
    )
    .unwrap();
    report("underused", &cp, started);
    cp
}

fn plane(seed: u64) -> ControlPlane {
    let mut cp = ControlPlane::new(Options {
        seed,
        ..Default::default()
    })
    .unwrap();
    // Large clusters: no per-call work budget.
    cp.set_work_budget(u64::MAX);
    cp
}

fn report(name: &str, cp: &ControlPlane, started: Instant) {
    let plan = cp.disruption_plan();
    eprintln!(
        "{name}: {} nodes, {} pods, set up in {:.1} s; plan: {:?}",
        count(cp, "Node"),
        count(cp, "Pod"),
        started.elapsed().as_secs_f64(),
        plan.as_ref().map(|p| (
            p.method.clone(),
            p.decision(),
            p.candidates.len(),
            p.replacements.len()
        ))
    );
}

fn consolidation_decision(c: &mut Criterion) {
    if std::env::var("KPLANE_BENCH_DAY_ONLY").is_ok() {
        return;
    }
    let mut g = c.benchmark_group("karpenter");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    let cp = packed();
    g.bench_function("consolidation_decision_1000_nodes_packed", |b| {
        b.iter(|| cp.disruption_plan())
    });
    drop(cp);
    let cp = underused();
    g.bench_function("consolidation_decision_1000_nodes_underused", |b| {
        b.iter(|| cp.disruption_plan())
    });
    g.finish();
}

/// The replicas at hour `h` of the day: 100 at night, 1,000 at the afternoon peak.
fn day_curve(minute: usize) -> usize {
    let x = (minute as f64 / 1440.0) * std::f64::consts::TAU;
    let v = 550.0 - 450.0 * (x).cos();
    v.round() as usize
}

fn virtual_day(_: &mut Criterion) {
    if std::env::var("KPLANE_BENCH_DAY").is_err() {
        return;
    }
    let started = Instant::now();
    let mut cp = plane(2);
    cp.apply(
        "root",
        &nodepool("c6i.large, m6i.large", "0s"),
        &ApplyOptions::default(),
    )
    .unwrap();
    cp.apply(
        "root",
        &web(day_curve(0), 1200, false),
        &ApplyOptions::default(),
    )
    .unwrap();
    let mut peak = 0;
    let steps: usize = std::env::var("KPLANE_BENCH_DAY_STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(48);
    for step in 0..steps {
        let minute = step * 30;
        cp.kubectl(
            &format!("scale deployment web --replicas={}", day_curve(minute)),
            "",
        );
        for _ in 0..6 {
            cp.advance(300.0).unwrap();
            peak = peak.max(count(&cp, "Node"));
        }
        eprintln!(
            "{:02}:{:02} replicas {:4} nodes {:4} ${:.2}/h (wall {:.0} s)",
            minute / 60,
            minute % 60,
            day_curve(minute),
            count(&cp, "Node"),
            cp.cost().price_per_hour,
            started.elapsed().as_secs_f64()
        );
    }
    let cost = cp.cost();
    eprintln!(
        "virtual day: {:.1} s wall, peak {peak} nodes, ${:.2} spent",
        started.elapsed().as_secs_f64(),
        cost.total
    );
}

criterion_group!(benches, consolidation_decision, virtual_day);
criterion_main!(benches);
