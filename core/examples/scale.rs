//! Times a cluster of N nodes and M pods: apply, scheduling, and a quiet `advance(1)`.
//! `cargo run --release -p kplane --example scale -- 300 3000`
use kplane::{ApplyOptions, ControlPlane, Options};
use std::time::Instant;

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let (nodes, pods) = (
        args.first().copied().unwrap_or(300),
        args.get(1).copied().unwrap_or(3000),
    );
    let mut manifest = String::new();
    for i in 0..nodes {
        manifest.push_str(&format!(
            "---\napiVersion: v1\nkind: Node\nmetadata: {{name: n{i}}}\nstatus: {{capacity: {{cpu: '32', memory: 128Gi, pods: '110'}}}}\n"
        ));
    }
    let per = 100;
    for d in 0..pods.div_ceil(per) {
        let replicas = per.min(pods - d * per);
        manifest.push_str(&format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d{d}}}\nspec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: d{d}}}}}\n  template:\n    metadata: {{labels: {{app: d{d}}}}}\n    spec: {{containers: [{{name: c, image: nginx, resources: {{requests: {{cpu: 100m, memory: 128Mi}}}}}}]}}\n"
        ));
    }
    let mut cp = ControlPlane::new(Options::default()).unwrap();
    cp.set_work_budget(u64::MAX);
    let t = Instant::now();
    cp.apply("root", &manifest, &ApplyOptions::default())
        .unwrap();
    println!(
        "apply + create + schedule {nodes} nodes / {pods} pods: {:?}",
        t.elapsed()
    );
    let t = Instant::now();
    cp.advance(2.0).unwrap();
    println!("advance(2) (pods start): {:?}", t.elapsed());
    let t = Instant::now();
    cp.advance(1.0).unwrap();
    println!("advance(1) with nothing to do: {:?}", t.elapsed());
    let running = cp
        .nodes()
        .iter()
        .flat_map(|n| n.pods.iter())
        .filter(|p| p.status == "Running")
        .count();
    println!("running pods: {running}");
}
