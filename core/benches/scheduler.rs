//! Scheduling throughput, after scheduler_perf's SchedulingBasic: 10,000 pods (100m cpu,
//! 500Mi memory) onto 5,000 nodes (4 cpu, 32Gi, 110 pods, three zones) in one scheduling
//! pass with every default plugin and the adaptive percentageOfNodesToScore. A second case
//! has the pods owned by a ReplicaSet, so the system default topology spreading scores them;
//! a third gives every pod a hard hostname spread constraint (maxSkew 1, DoNotSchedule).
//!
//! With `KPLANE_BENCH_LARGE=1` (several minutes) two more cases run: steady state, 1,000 pods
//! arriving in a cluster that already runs 100,000 (the informer is warm), and one timed pass
//! of 150,000 pods onto 5,000 nodes (printed, not a criterion sample).
//!
//! Run: `cargo bench -p kplane --bench scheduler`. Criterion prints the throughput in
//! elements (pods) per second.
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use kplane::json;
use kplane::scheduler::{self, State};
use kplane::server::{Server, ROOT};
use std::time::Duration;

const NODES: usize = 5_000;
const PODS: usize = 10_000;

/// Plain, ReplicaSet-owned, or with a hard hostname spread constraint (maxSkew 1).
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Plain,
    Owned,
    Spread,
}

fn pod(i: usize, owner: &kplane::api::Value) -> kplane::api::Value {
    let mut pod = json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": format!("pod-{i:06}"), "namespace": "default", "labels": {"app": "web"}},
        "spec": {"containers": [{"name": "c", "image": "registry.k8s.io/pause:3.10",
            "resources": {"requests": {"cpu": "100m", "memory": "500Mi"}}}]}});
    if !owner.is_null() {
        pod["metadata"]["ownerReferences"] = owner.clone();
    }
    pod
}

fn cluster(kind: Kind) -> Server {
    cluster_with(kind, PODS)
}

fn cluster_with(kind: Kind, pods: usize) -> Server {
    let owned = kind == Kind::Owned;
    let mut s = Server::new(1, 1_767_225_600_000);
    for i in 0..NODES {
        let name = format!("node-{i:05}");
        s.create(
            ROOT,
            json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": {
                "kubernetes.io/hostname": name, "topology.kubernetes.io/zone": format!("zone-{}", i % 3)}},
                "status": {"capacity": {"cpu": "4", "memory": "32Gi", "pods": "110"}}}),
        )
        .expect("node");
    }
    let mut owner = json!(null);
    if owned {
        let rs = s
            .create(
                ROOT,
                json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web", "namespace": "default"},
                    "spec": {"replicas": PODS, "selector": {"matchLabels": {"app": "web"}},
                        "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}),
            )
            .expect("replicaset");
        owner = json!([{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web",
            "uid": rs["metadata"]["uid"], "controller": true}]);
    }
    for i in 0..pods {
        let mut p = pod(i, &owner);
        if kind == Kind::Spread {
            p["spec"]["topologySpreadConstraints"] = json!([{"maxSkew": 1,
                "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "DoNotSchedule",
                "labelSelector": {"matchLabels": {"app": "web"}}}]);
        }
        s.create(ROOT, p).expect("pod");
    }
    s
}

/// 100,000 pods already running (scheduled by an earlier pass, cache warm), then 1,000 new.
fn busy_cluster() -> (Server, State) {
    let mut s = cluster_with(Kind::Plain, 100_000);
    let mut st = State::default();
    scheduler::schedule(&mut s, &mut st);
    s.create(ROOT, pod(100_000, &json!(null))).expect("pod");
    scheduler::schedule(&mut s, &mut st);
    for i in 100_001..101_001 {
        s.create(ROOT, pod(i, &json!(null))).expect("pod");
    }
    (s, st)
}

/// End to end through the control plane (`KPLANE_BENCH_E2E=1`): 1,000 nodes, a Deployment of
/// 20,000 replicas, then `advance(60)`; prints wall time per phase, to find hot spots in the
/// controllers, node agent and API server around the scheduler.
fn end_to_end() {
    use kplane::{ApplyOptions, ControlPlane, Options};
    let mut nodes = String::new();
    for i in 0..1_000 {
        nodes.push_str(&format!(
            "---\napiVersion: v1\nkind: Node\nmetadata: {{name: node-{i:04}, labels: {{kubernetes.io/hostname: node-{i:04}, topology.kubernetes.io/zone: zone-{}}}}}\nstatus: {{capacity: {{cpu: '32', memory: 128Gi, pods: '110'}}}}\n",
            i % 3
        ));
    }
    let deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 20000\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: c, image: nginx:1.27, resources: {requests: {cpu: 100m, memory: 128Mi}}}]\n";
    let mut cp = ControlPlane::new(Options::default()).expect("control plane");
    cp.set_work_budget(u64::MAX);
    let t = std::time::Instant::now();
    cp.apply("root", &nodes, &ApplyOptions::default())
        .expect("nodes");
    println!("e2e: apply 1,000 nodes: {:.2} s", t.elapsed().as_secs_f64());
    let t = std::time::Instant::now();
    cp.apply("root", deploy, &ApplyOptions::default())
        .expect("deployment");
    println!(
        "e2e: apply Deployment (20,000 replicas): {:.2} s",
        t.elapsed().as_secs_f64()
    );
    let t = std::time::Instant::now();
    cp.advance(60.0).unwrap();
    let running = cp
        .nodes()
        .iter()
        .map(|n| n.pods.iter().filter(|p| p.status == "Running").count())
        .sum::<usize>();
    println!(
        "e2e: advance(60): {:.2} s, {running} pods Running",
        t.elapsed().as_secs_f64()
    );
}

fn bench(c: &mut Criterion) {
    if std::env::var_os("KPLANE_BENCH_E2E").is_some() {
        end_to_end();
        return;
    }
    let mut g = c.benchmark_group("schedule");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(Duration::from_secs(1))
        .throughput(Throughput::Elements(PODS as u64));
    for (name, kind) in [
        ("10k_pods_5k_nodes", Kind::Plain),
        ("10k_rs_pods_5k_nodes", Kind::Owned),
        ("10k_hostname_spread_pods_5k_nodes", Kind::Spread),
    ] {
        let template = cluster(kind);
        g.bench_function(name, |b| {
            b.iter_batched(
                || (template.clone(), State::default()),
                |(mut s, mut st)| {
                    scheduler::schedule(&mut s, &mut st);
                    (s, st)
                },
                BatchSize::PerIteration,
            )
        });
    }
    if std::env::var_os("KPLANE_BENCH_LARGE").is_none() {
        g.finish();
        return;
    }
    let busy = busy_cluster();
    g.throughput(Throughput::Elements(1_000));
    g.bench_function("1k_pods_5k_nodes_100k_running", |b| {
        b.iter_batched(
            || busy.clone(),
            |(mut s, mut st)| {
                scheduler::schedule(&mut s, &mut st);
                (s, st)
            },
            BatchSize::PerIteration,
        )
    });
    drop(busy);
    g.finish();
    // One timed pass (criterion's ten samples would take tens of minutes).
    let mut s = cluster_with(Kind::Plain, 150_000);
    let mut st = State::default();
    let t = std::time::Instant::now();
    scheduler::schedule(&mut s, &mut st);
    let secs = t.elapsed().as_secs_f64();
    println!(
        "schedule/150k_pods_5k_nodes (one pass): {secs:.1} s, {:.0} pods/s",
        150_000.0 / secs
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
