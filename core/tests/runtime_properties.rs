//! The per-key runtime against reconciling everything from scratch: after any sequence of
//! writes and time steps, restarting the control loops (every loop relists and looks at every
//! object, as after a controller-manager restart) changes nothing. A change the event-to-key
//! mapping missed would show up as a write here.
use kplane::api::Value;
use kplane::{ApplyOptions, ControlPlane, DeleteOptions, ListOptions, Options, Propagation};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Step {
    /// A ReplicaSet `rs<i>` with `replicas` (created or scaled).
    ReplicaSet(u8, u8),
    DeleteReplicaSet(u8, bool),
    /// Deletes the first pod of `rs<i>`, if any.
    DeletePod(u8),
    Node(u8),
    DeleteNode(u8),
    FailNode(u8),
    StopNode(u8),
    RestoreNode(u8),
    Advance(u16),
    /// A PodDisruptionBudget on `rs<i>`'s pods.
    Budget(u8, u8),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0u8..3, 0u8..6).prop_map(|(i, r)| Step::ReplicaSet(i, r)),
        (0u8..3, any::<bool>()).prop_map(|(i, o)| Step::DeleteReplicaSet(i, o)),
        (0u8..3).prop_map(Step::DeletePod),
        (0u8..3).prop_map(Step::Node),
        (0u8..3).prop_map(Step::DeleteNode),
        (0u8..3).prop_map(Step::FailNode),
        (0u8..3).prop_map(Step::StopNode),
        (0u8..3).prop_map(Step::RestoreNode),
        (0u16..400).prop_map(Step::Advance),
        (0u8..3, 0u8..3).prop_map(|(i, m)| Step::Budget(i, m)),
    ]
}

fn run(cp: &mut ControlPlane, s: &Step) {
    let apply = |cp: &mut ControlPlane, text: String| {
        let _ = cp.apply("root", &text, &ApplyOptions::default());
    };
    match *s {
        Step::ReplicaSet(i, r) => apply(cp, format!(
            "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {{name: rs{i}}}\nspec:\n  replicas: {r}\n  selector: {{matchLabels: {{app: a{i}}}}}\n  template:\n    metadata: {{labels: {{app: a{i}}}, annotations: {{sim.kplane.dev/ready-seconds: '{}'}}}}\n    spec: {{containers: [{{name: c, image: nginx, resources: {{requests: {{cpu: 500m}}}}}}]}}\n",
            i * 7
        )),
        Step::DeleteReplicaSet(i, orphan) => {
            let _ = cp.delete("root", &DeleteOptions {
                api_version: Some("apps/v1".into()),
                kind: "ReplicaSet".into(),
                name: format!("rs{i}"),
                propagation_policy: orphan.then_some(Propagation::Orphan),
                ..Default::default()
            });
        }
        Step::DeletePod(i) => {
            let pods = cp.list_items("root", &ListOptions {
                kind: "Pod".into(),
                label_selector: Some(format!("app=a{i}")),
                ..Default::default()
            }).unwrap_or_default();
            if let Some(p) = pods.first() {
                let _ = cp.delete("root", &DeleteOptions {
                    kind: "Pod".into(),
                    name: p["metadata"]["name"].as_str().unwrap_or("").into(),
                    ..Default::default()
                });
            }
        }
        Step::Node(i) => apply(cp, format!(
            "apiVersion: v1\nkind: Node\nmetadata: {{name: n{i}}}\nstatus: {{capacity: {{cpu: '2', memory: 8Gi, pods: '5'}}}}\n"
        )),
        Step::DeleteNode(i) => {
            let _ = cp.delete("root", &DeleteOptions { kind: "Node".into(), name: format!("n{i}"), ..Default::default() });
        }
        Step::FailNode(i) => { let _ = cp.fail_node(&format!("n{i}")); }
        Step::StopNode(i) => { let _ = cp.stop_node(&format!("n{i}")); }
        Step::RestoreNode(i) => { let _ = cp.restore_node(&format!("n{i}")); }
        Step::Advance(s) => cp.advance(f64::from(s)).unwrap(),
        Step::Budget(i, m) => apply(cp, format!(
            "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: pdb{i}}}\nspec:\n  minAvailable: {m}\n  selector: {{matchLabels: {{app: a{i}}}}}\n"
        )),
    }
}

/// Every object but Events (a restart legitimately re-reports nothing, but Event counts are
/// not state), keyed by kind/namespace/name.
fn state(cp: &ControlPlane) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for kind in [
        "Pod",
        "ReplicaSet",
        "Node",
        "PodDisruptionBudget",
        "Namespace",
        "ServiceAccount",
    ] {
        for o in cp
            .list_items(
                "root",
                &ListOptions {
                    kind: kind.into(),
                    ..Default::default()
                },
            )
            .unwrap()
        {
            out.push((
                format!(
                    "{kind}/{}/{}",
                    o["metadata"]["namespace"], o["metadata"]["name"]
                ),
                o,
            ));
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn a_restart_of_the_control_loops_changes_nothing(seed in any::<u64>(), steps in prop::collection::vec(step(), 1..25)) {
        let mut cp = ControlPlane::new(Options { seed, ..Default::default() }).unwrap();
        for s in &steps {
            run(&mut cp, s);
        }
        let before = state(&cp);
        cp.restart_controllers();
        let after = state(&cp);
        prop_assert_eq!(before.len(), after.len());
        for (b, a) in before.iter().zip(after.iter()) {
            prop_assert_eq!(&b.0, &a.0);
            prop_assert!(b.1 == a.1, "{} changed on restart:\n{}\n->\n{}", b.0, b.1, a.1);
        }
    }
}
