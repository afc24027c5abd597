//! The end-to-end benchmark workloads, natively (`scripts/bench.sh` runs the same ones through
//! the npm package under Node, `tests/node/e2e.mjs`, and prints both side by side):
//!
//! - `schedule NODES PODS`: bare pods onto stopped nodes (creation, scheduling and binding,
//!   nothing starts), in applies of 10,000;
//! - `deployments NODES PODS`: Deployments of 100 replicas applied in batches of 100
//!   Deployments, then virtual time in steps of one second until every pod is Running
//!   (counted every ten steps).
//!
//! Nodes have 4 cpu, 32Gi and 110 pods in three zones; pods request 100m cpu and 500Mi.
//! Prints one JSON line: `{"shape","nodes","pods","seconds","cpuSeconds","podsPerSecond","memoryBytes"}`.
//! `cargo run --release -p kplane --example e2e -- deployments 1000 20000`
use kplane::api::Value;
use kplane::{json, ApplyOptions, ControlPlane, ListOptions, Options};
use std::time::Instant;

fn nodes(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            let name = format!("node-{i:05}");
            json!({"apiVersion": "v1", "kind": "Node",
                "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, "topology.kubernetes.io/zone": format!("zone-{}", i % 3)}},
                "status": {"capacity": {"cpu": "4", "memory": "32Gi", "pods": "110"}}})
        })
        .collect()
}

fn container() -> Value {
    json!({"name": "c", "image": "registry.k8s.io/pause:3.10", "resources": {"requests": {"cpu": "100m", "memory": "500Mi"}}})
}

fn pods(from: usize, to: usize) -> Vec<Value> {
    (from..to)
        .map(|i| json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": format!("pod-{i:06}"), "namespace": "default", "labels": {"app": "web"}}, "spec": {"containers": [container()]}}))
        .collect()
}

fn deployments(from: usize, to: usize, total: usize) -> Vec<Value> {
    (from..to)
        .map(|i| {
            let app = format!("web-{i:04}");
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": app, "namespace": "default"},
                "spec": {"replicas": 100.min(total - i * 100), "selector": {"matchLabels": {"app": app}},
                    "template": {"metadata": {"labels": {"app": app}}, "spec": {"containers": [container()]}}}})
        })
        .collect()
}

/// Pods that match a field selector (without copying them all: a count through pages).
fn count(cp: &ControlPlane, field_selector: &str) -> usize {
    let mut n = 0;
    let mut token: Option<String> = None;
    loop {
        let page = cp
            .list(
                "root",
                &ListOptions {
                    kind: "Pod".into(),
                    field_selector: Some(field_selector.into()),
                    limit: Some(5000),
                    continue_token: token.take(),
                    ..Default::default()
                },
            )
            .expect("list");
        n += page["items"].as_array().map_or(0, Vec::len);
        match page["metadata"]["continue"].as_str() {
            Some(t) => token = Some(t.to_string()),
            None => return n,
        }
    }
}

fn cpu_seconds() -> f64 {
    // /proc/self/stat fields 14 and 15: user and system time in clock ticks (100 Hz).
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            Some((f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?) / 100.0)
        })
        .unwrap_or(0.0)
}

fn rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let l = s.lines().find(|l| l.starts_with("VmHWM:"))?;
            l.split_whitespace().nth(1)?.parse::<u64>().ok()
        })
        .map_or(0, |kb| kb * 1024)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let shape = args
        .first()
        .map_or("deployments", String::as_str)
        .to_string();
    let n_nodes: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let n_pods: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let mut cp = ControlPlane::new(Options {
        seed: 1,
        ..Default::default()
    })
    .expect("control plane");
    // Large clusters: no per-call work budget (one apply of 10,000 pods makes more writes).
    cp.set_work_budget(u64::MAX);
    let opts = ApplyOptions::default();
    cp.apply_objects("root", nodes(n_nodes), &opts)
        .expect("nodes");
    cp.advance(1.0).expect("advance");
    if shape == "schedule" {
        for i in 0..n_nodes {
            cp.stop_node(&format!("node-{i:05}")).expect("stop");
        }
    }
    let (t0, c0) = (Instant::now(), cpu_seconds());
    match shape.as_str() {
        "schedule" => {
            for from in (0..n_pods).step_by(10_000) {
                cp.apply_objects("root", pods(from, (from + 10_000).min(n_pods)), &opts)
                    .expect("pods");
            }
            while count(&cp, "spec.nodeName=") > 0 {
                cp.advance(1.0).expect("advance");
            }
        }
        _ => {
            let n_deploy = n_pods.div_ceil(100);
            for from in (0..n_deploy).step_by(100) {
                cp.apply_objects(
                    "root",
                    deployments(from, (from + 100).min(n_deploy), n_pods),
                    &opts,
                )
                .expect("deployments");
            }
            // Ten one-second steps between counts (a count lists every pod; in wasm it also
            // converts them to JS): pods are created at the ReplicaSet controller's client
            // rate, 20 a second, so this takes n_pods / 20 virtual seconds.
            let mut steps = 0;
            while count(&cp, "status.phase=Running") < n_pods && steps < 10_000 {
                for _ in 0..10 {
                    cp.advance(1.0).expect("advance");
                }
                steps += 10;
            }
        }
    }
    let seconds = t0.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - c0;
    println!(
        "{}",
        json!({"shape": shape, "nodes": n_nodes, "pods": n_pods, "seconds": seconds, "cpuSeconds": cpu,
            "podsPerSecond": (n_pods as f64 / seconds).round(), "memoryBytes": rss_bytes()})
    );
}
