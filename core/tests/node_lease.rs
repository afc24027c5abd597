//! Node Leases (`kube-node-lease`): the kubelet creates one per node when it registers it,
//! renews it when it posts node status, and the Lease goes with its Node (owner reference).
use kplane::{ApplyOptions, ControlPlane, DeleteOptions, ObjectRef, Options};

fn lease(cp: &ControlPlane, name: &str) -> Option<kplane::api::Value> {
    cp.get(
        "root",
        &ObjectRef {
            kind: "Lease".into(),
            namespace: Some("kube-node-lease".into()),
            name: name.into(),
            ..Default::default()
        },
    )
    .unwrap()
}

#[test]
fn a_registered_node_has_a_lease_renewed_at_its_heartbeats() {
    let mut cp = ControlPlane::new(Options::default()).unwrap();
    cp.apply(
        "root",
        "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n",
        &ApplyOptions::default(),
    )
    .unwrap();
    let l = lease(&cp, "n1").expect("the node's Lease");
    // component-helpers lease controller `newLease` and nodelease `setNodeOwnerFunc`.
    assert_eq!(l["spec"]["holderIdentity"], "n1");
    assert_eq!(l["spec"]["leaseDurationSeconds"], 40);
    assert_eq!(l["spec"]["renewTime"], "2026-01-01T00:00:00.000000Z");
    let node = cp
        .get(
            "root",
            &ObjectRef {
                kind: "Node".into(),
                name: "n1".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .unwrap();
    assert_eq!(
        l["metadata"]["ownerReferences"],
        kplane::json!([{"apiVersion": "v1", "kind": "Node", "name": "n1", "uid": node["metadata"]["uid"].clone()}])
    );
    // `kubectl describe node` prints the Lease (describe.go describeNode) instead of
    // "Failed to get lease".
    let out = cp.kubectl("describe node n1", "");
    assert!(
        out.stdout.contains("Lease:\n  HolderIdentity:  n1\n  AcquireTime:     <unset>\n  RenewTime:       Thu, 01 Jan 2026 00:00:00 +0000\n"),
        "{}",
        out.stdout
    );
    // printLease: NAME HOLDER AGE.
    cp.advance(30.0).unwrap();
    let out = cp.kubectl("get lease -n kube-node-lease", "");
    assert_eq!(out.stdout, "NAME   HOLDER   AGE\nn1     n1       30s\n");
    // A heartbeat (the node's status posted after a change) renews it.
    cp.fail_node("n1").unwrap();
    assert_eq!(
        lease(&cp, "n1").unwrap()["spec"]["renewTime"],
        "2026-01-01T00:00:30.000000Z"
    );
    // The Lease goes with its Node.
    cp.delete(
        "root",
        &DeleteOptions {
            kind: "Node".into(),
            name: "n1".into(),
            ..Default::default()
        },
    )
    .unwrap();
    cp.advance(1.0).unwrap();
    assert!(lease(&cp, "n1").is_none());
}
