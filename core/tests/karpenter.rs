//! Karpenter scenarios over the manifests in `examples/karpenter/`.
use kplane::api::object::{self, str_at};
use kplane::api::Value;
use kplane::{ApplyOptions, ControlPlane, ListOptions, Options};

const NODEPOOL: &str = include_str!("../../examples/karpenter/nodepool.yaml");
const INFLATE: &str = include_str!("../../examples/karpenter/inflate.yaml");

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

#[test]
fn scale_up_from_zero_nodes() {
    let mut cp = plane(1);
    cp.apply("root", NODEPOOL, &ApplyOptions::default())
        .unwrap();
    cp.apply("root", INFLATE, &ApplyOptions::default()).unwrap();
    cp.advance(2.0).unwrap();
    let claims = list(&cp, "NodeClaim");
    eprintln!("{}", cp.kubectl("get nodeclaims -o yaml", "").stdout);
    assert_eq!(claims.len(), 1, "one claim for five 1-CPU pods");
    cp.advance(70.0).unwrap();
    eprintln!("{}", cp.kubectl("get nodes", "").stdout);
    eprintln!("{}", cp.kubectl("get pods -o wide", "").stdout);
    let pods = list(&cp, "Pod");
    assert!(pods
        .iter()
        .all(|p| str_at(p, &["status", "phase"]) == Some("Running")));
    let _ = object::name(&pods[0]);
}

fn names(cp: &ControlPlane, kind: &str) -> Vec<String> {
    list(cp, kind)
        .iter()
        .map(|o| object::name(o).to_string())
        .collect()
}

fn events(cp: &mut ControlPlane) -> String {
    cp.kubectl("get events", "").stdout
}

#[test]
fn consolidation_after_scale_down() {
    let mut cp = plane(2);
    cp.apply("root", NODEPOOL, &ApplyOptions::default())
        .unwrap();
    cp.apply("root", INFLATE, &ApplyOptions::default()).unwrap();
    cp.advance(90.0).unwrap();
    let first = names(&cp, "Node");
    assert_eq!(first.len(), 1);
    cp.kubectl("scale deployment inflate --replicas=1", "");
    cp.advance(200.0).unwrap();
    eprintln!("{}", events(&mut cp));
    eprintln!("{}", cp.kubectl("get nodeclaims -o wide", "").stdout);
    eprintln!(
        "{}",
        cp.kubectl("get nodes -L node.kubernetes.io/instance-type", "")
            .stdout
    );
    cp.kubectl("scale deployment inflate --replicas=0", "");
    cp.advance(200.0).unwrap();
    eprintln!("{}", cp.kubectl("get nodes", "").stdout);
    assert!(names(&cp, "Node").is_empty());
    assert!(names(&cp, "NodeClaim").is_empty());
}
