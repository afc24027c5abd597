//! Scenario tests over `examples/storage/`: each manifest's header says what happens; these
//! tests hold the simulation (PV controller, provisioner, scheduler volume plugins,
//! attach/detach controller, kubelet mounts) to it.
use kplane::api::object::{self, str_at};
use kplane::api::Value;
use kplane::{ApplyOptions, ControlPlane, DeleteOptions, ListOptions, ObjectRef, Options};

const NODES: &str = include_str!("../../examples/storage/eks-nodes.yaml");
const EFS_SHARED: &str = include_str!("../../examples/storage/efs-shared.yaml");
const EFS_SEED: &str = include_str!("../../examples/storage/efs-seed.yaml");
const EBS_ZONAL: &str = include_str!("../../examples/storage/ebs-zonal.yaml");
const MYSQL: &str = include_str!("../../examples/storage/mysql-statefulset.yaml");
const WAITING: &str = include_str!("../../examples/storage/waiting-for-secret.yaml");
const CREDENTIALS: &str = include_str!("../../examples/storage/db-credentials.yaml");

fn load(manifests: &[&str], seed: u64) -> ControlPlane {
    let mut cp = ControlPlane::new(Options {
        seed,
        ..Default::default()
    })
    .unwrap();
    for m in manifests {
        let r = cp.apply("root", m, &ApplyOptions::default()).unwrap();
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    }
    cp
}

fn get(cp: &ControlPlane, kind: &str, ns: Option<&str>, name: &str) -> Value {
    cp.get(
        "root",
        &ObjectRef {
            kind: kind.into(),
            namespace: ns.map(str::to_string),
            name: name.into(),
            ..Default::default()
        },
    )
    .unwrap()
    .unwrap_or(Value::Null)
}

fn list(cp: &ControlPlane, kind: &str, ns: Option<&str>) -> Vec<Value> {
    cp.list_items(
        "root",
        &ListOptions {
            kind: kind.into(),
            namespace: ns.map(str::to_string),
            ..Default::default()
        },
    )
    .unwrap()
}

fn pods(cp: &ControlPlane) -> Vec<Value> {
    list(cp, "Pod", Some("default"))
}

/// (reason, message) of the Events about `name`.
fn events(cp: &ControlPlane, name: &str) -> Vec<(String, String)> {
    list(cp, "Event", Some("default"))
        .into_iter()
        .filter(|e| e["involvedObject"]["name"] == name)
        .map(|e| {
            (
                e["reason"].as_str().unwrap_or("").to_string(),
                e["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn phase(p: &Value) -> &str {
    str_at(p, &["status", "phase"]).unwrap_or("")
}

fn node_of(p: &Value) -> &str {
    str_at(p, &["spec", "nodeName"]).unwrap_or("")
}

fn zone_of(cp: &ControlPlane, node: &str) -> String {
    let n = get(cp, "Node", None, node);
    str_at(&n, &["metadata", "labels", "topology.kubernetes.io/zone"])
        .unwrap_or("")
        .to_string()
}

fn waiting_reason<'a>(p: &'a Value, container: &str) -> Option<&'a str> {
    p["status"]["containerStatuses"]
        .as_array()?
        .iter()
        .find(|c| c["name"] == container)?["state"]["waiting"]["reason"]
        .as_str()
}

#[test]
fn nodes_register_with_well_known_and_csi_topology_labels() {
    let cp = load(&[NODES], 1);
    let n = get(&cp, "Node", None, "ip-10-0-2-10.ec2.internal");
    let labels = object::labels(&n);
    assert_eq!(
        labels["kubernetes.io/hostname"],
        "ip-10-0-2-10.ec2.internal"
    );
    assert_eq!(labels["kubernetes.io/os"], "linux");
    assert_eq!(labels["kubernetes.io/arch"], "amd64");
    assert_eq!(labels["topology.ebs.csi.aws.com/zone"], "us-east-1b");
    assert_eq!(
        labels["topology.hostpath.csi/node"],
        "ip-10-0-2-10.ec2.internal"
    );
    // The manifest's own labels stay.
    assert_eq!(labels["node.kubernetes.io/instance-type"], "m5.large");
    let csi = get(&cp, "CSINode", None, "ip-10-0-2-10.ec2.internal");
    let drivers: Vec<&str> = csi["spec"]["drivers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        drivers,
        ["ebs.csi.aws.com", "efs.csi.aws.com", "hostpath.csi.k8s.io"]
    );
    // The EBS node ID is the EC2 instance of spec.providerID; the attach limit is Nitro's.
    assert_eq!(csi["spec"]["drivers"][0]["nodeID"], "i-0a1b2c3d4e5f60002");
    assert_eq!(csi["spec"]["drivers"][0]["allocatable"]["count"], 26);
    assert_eq!(n["status"]["runtimeHandlers"][0]["name"], "runc");
}

#[test]
fn efs_volume_is_shared_read_write_by_pods_in_three_zones() {
    let mut cp = load(&[NODES, EFS_SHARED], 2);
    cp.advance(30.0).unwrap();
    let claim = get(&cp, "PersistentVolumeClaim", Some("default"), "shared-data");
    assert_eq!(phase(&claim), "Bound");
    let pv_name = str_at(&claim, &["spec", "volumeName"]).unwrap();
    assert_eq!(pv_name, format!("pvc-{}", object::uid(&claim)));
    let pv = get(&cp, "PersistentVolume", None, pv_name);
    assert_eq!(phase(&pv), "Bound");
    assert_eq!(pv["spec"]["csi"]["driver"], "efs.csi.aws.com");
    assert!(str_at(&pv, &["spec", "csi", "volumeHandle"])
        .unwrap()
        .starts_with("fs-0123456789abcdef0::fsap-"));
    assert_eq!(pv["spec"]["accessModes"], kplane::json!(["ReadWriteMany"]));
    assert!(pv["spec"].get("nodeAffinity").is_none(), "EFS has no zone");
    let claim_events = events(&cp, "shared-data");
    assert!(claim_events
        .iter()
        .any(|(r, m)| r == "ProvisioningSucceeded" && m.contains(pv_name)));
    let writers: Vec<Value> = pods(&cp)
        .into_iter()
        .filter(|p| object::name(p).starts_with("writer-"))
        .collect();
    assert_eq!(writers.len(), 3);
    let mut zones: Vec<String> = writers
        .iter()
        .map(|p| {
            assert_eq!(phase(p), "Running", "{}", object::name(p));
            zone_of(&cp, node_of(p))
        })
        .collect();
    zones.sort();
    assert_eq!(zones, ["us-east-1a", "us-east-1b", "us-east-1c"]);
    // No attachment: EFS needs none.
    assert!(list(&cp, "VolumeAttachment", None).is_empty());
    // Which volumes survive the pod: the claim's volume does.
    let lifetimes = cp
        .pod_volumes("root", "default", object::name(&writers[0]))
        .unwrap();
    assert_eq!(lifetimes[0].name, "shared");
    assert!(lifetimes[0].survives_pod);
    assert!(lifetimes[0].storage.contains(pv_name));
}

#[test]
fn the_seed_efs_manifests_fail_as_on_eks() {
    let mut cp = load(&[NODES, EFS_SEED], 3);
    cp.advance(30.0).unwrap();
    let claim = get(&cp, "PersistentVolumeClaim", Some("default"), "efs-pvc");
    assert_eq!(phase(&claim), "Pending");
    let ev = events(&cp, "efs-pvc");
    assert!(
        ev.iter().any(|(r, m)| r == "ProvisioningFailed"
            && m == "failed to provision volume with StorageClass \"efs-sc\": rpc error: code = InvalidArgument desc = Missing provisioningMode parameter"),
        "{ev:?}"
    );
    let app = get(&cp, "Pod", Some("default"), "efs-app");
    assert_eq!(node_of(&app), "");
    let scheduled = app["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "PodScheduled")
        .unwrap()
        .clone();
    assert_eq!(
        scheduled["message"],
        "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    );
    let inline = get(&cp, "Pod", Some("default"), "efs-mounted-app");
    assert_ne!(node_of(&inline), "");
    assert_eq!(phase(&inline), "Pending");
    assert_eq!(
        waiting_reason(&inline, "nginx-container"),
        Some("ContainerCreating")
    );
    assert!(events(&cp, "efs-mounted-app").iter().any(|(r, m)| r == "FailedMount"
        && m == "MountVolume.NewMounter initialization failed for volume \"efs-storage\" : volume mode \"Ephemeral\" not supported by driver efs.csi.aws.com (only supports [\"Persistent\"])"));
}

#[test]
fn an_ebs_volume_pins_its_pods_to_one_zone_and_one_node() {
    let mut cp = load(&[NODES, EBS_ZONAL], 4);
    cp.advance(30.0).unwrap();
    let claim = get(&cp, "PersistentVolumeClaim", Some("default"), "data");
    assert_eq!(phase(&claim), "Bound");
    let db0 = get(&cp, "Pod", Some("default"), "db-0");
    assert_eq!(phase(&db0), "Running");
    assert_eq!(zone_of(&cp, node_of(&db0)), "us-east-1a");
    // WaitForFirstConsumer: provisioned on the node the scheduler chose.
    assert_eq!(
        claim["metadata"]["annotations"]["volume.kubernetes.io/selected-node"],
        node_of(&db0)
    );
    let pv_name = str_at(&claim, &["spec", "volumeName"]).unwrap().to_string();
    let pv = get(&cp, "PersistentVolume", None, &pv_name);
    assert_eq!(
        pv["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0]["matchExpressions"][0],
        kplane::json!({"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["us-east-1a"]})
    );
    assert_eq!(pv["spec"]["capacity"]["storage"], "20Gi");
    let attachments = list(&cp, "VolumeAttachment", None);
    assert_eq!(attachments.len(), 1);
    assert_eq!(attachments[0]["spec"]["nodeName"], node_of(&db0));
    assert_eq!(attachments[0]["status"]["attached"], true);

    // db-1: only the other us-east-1a node is left, and the volume cannot attach there.
    let db1 = get(&cp, "Pod", Some("default"), "db-1");
    assert_ne!(node_of(&db1), node_of(&db0));
    assert_eq!(zone_of(&cp, node_of(&db1)), "us-east-1a");
    assert_eq!(waiting_reason(&db1, "db"), Some("ContainerCreating"));
    let e = cp.explain("root", "default", "db-1").unwrap();
    let conflict = e
        .nodes
        .iter()
        .filter(|n| n.failed_plugin.as_deref() == Some("VolumeBinding"))
        .count();
    assert_eq!(conflict, 2, "the nodes of us-east-1b and us-east-1c");
    assert!(events(&cp, "db-1")
        .iter()
        .any(|(r, m)| r == "FailedAttachVolume"
            && *m
                == format!(
                "Multi-Attach error for volume \"{pv_name}\" Volume is already used by pod(s) db-0"
            )));

    // Growing the claim expands the volume (the class allows it).
    cp.patch(
        "root",
        &ObjectRef {
            kind: "PersistentVolumeClaim".into(),
            namespace: Some("default".into()),
            name: "data".into(),
            ..Default::default()
        },
        &kplane::json!({"spec": {"resources": {"requests": {"storage": "30Gi"}}}}),
        kplane::PatchType::Merge,
    )
    .unwrap();
    cp.advance(1.0).unwrap();
    let claim = get(&cp, "PersistentVolumeClaim", Some("default"), "data");
    assert_eq!(claim["status"]["capacity"]["storage"], "30Gi");
    assert_eq!(
        get(&cp, "PersistentVolume", None, &pv_name)["spec"]["capacity"]["storage"],
        "30Gi"
    );

    // db-0 goes: the volume detaches and follows db-1.
    cp.delete(
        "root",
        &DeleteOptions {
            kind: "Pod".into(),
            namespace: Some("default".into()),
            name: "db-0".into(),
            ..Default::default()
        },
    )
    .unwrap();
    cp.advance(60.0).unwrap();
    let db1 = get(&cp, "Pod", Some("default"), "db-1");
    assert_eq!(phase(&db1), "Running");
    let attachments = list(&cp, "VolumeAttachment", None);
    assert_eq!(attachments.len(), 1);
    assert_eq!(attachments[0]["spec"]["nodeName"], node_of(&db1));
}

#[test]
fn mysql_statefulset_binds_one_claim_per_ordinal() {
    let mut cp = load(&[NODES, MYSQL], 5);
    cp.advance(180.0).unwrap();
    for i in 0..3 {
        let p = get(&cp, "Pod", Some("default"), &format!("mysql-{i}"));
        assert_eq!(phase(&p), "Running", "mysql-{i}");
        let claim = get(
            &cp,
            "PersistentVolumeClaim",
            Some("default"),
            &format!("data-mysql-{i}"),
        );
        assert_eq!(phase(&claim), "Bound", "data-mysql-{i}");
        // The default class filled in by admission.
        assert_eq!(claim["spec"]["storageClassName"], "gp3-default");
        let pv = get(
            &cp,
            "PersistentVolume",
            None,
            str_at(&claim, &["spec", "volumeName"]).unwrap(),
        );
        let zone = &pv["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0]
            ["matchExpressions"][0]["values"][0];
        assert_eq!(zone.as_str().unwrap(), zone_of(&cp, node_of(&p)));
    }
    // The emptyDir `conf` dies with the pod; the claim's volume does not.
    let lifetimes = cp.pod_volumes("root", "default", "mysql-1").unwrap();
    let survives: Vec<(&str, bool)> = lifetimes
        .iter()
        .map(|l| (l.name.as_str(), l.survives_pod))
        .collect();
    assert_eq!(
        survives,
        [("data", true), ("conf", false), ("config-map", false)]
    );
    // A recreated ordinal mounts its own claim again.
    let before = get(
        &cp,
        "PersistentVolumeClaim",
        Some("default"),
        "data-mysql-1",
    );
    cp.delete(
        "root",
        &DeleteOptions {
            kind: "Pod".into(),
            namespace: Some("default".into()),
            name: "mysql-1".into(),
            ..Default::default()
        },
    )
    .unwrap();
    cp.advance(120.0).unwrap();
    let p = get(&cp, "Pod", Some("default"), "mysql-1");
    assert_eq!(phase(&p), "Running");
    let after = get(
        &cp,
        "PersistentVolumeClaim",
        Some("default"),
        "data-mysql-1",
    );
    assert_eq!(object::uid(&before), object::uid(&after));
    assert_eq!(before["spec"]["volumeName"], after["spec"]["volumeName"]);
    // The headless Service's endpoints list the three ready pods.
    let ep = get(&cp, "Endpoints", Some("default"), "mysql");
    assert_eq!(ep["subsets"][0]["addresses"].as_array().unwrap().len(), 3);
}

#[test]
fn pods_wait_for_their_secret() {
    let mut cp = load(&[NODES, WAITING], 6);
    cp.advance(20.0).unwrap();
    let api = get(&cp, "Pod", Some("default"), "api");
    assert_eq!(phase(&api), "Pending");
    let status = &api["status"]["containerStatuses"][0]["state"]["waiting"];
    assert_eq!(status["reason"], "CreateContainerConfigError");
    assert_eq!(status["message"], "secret \"db-credentials\" not found");
    assert!(events(&cp, "api")
        .iter()
        .any(|(r, m)| r == "Failed" && m == "Error: secret \"db-credentials\" not found"));
    let worker = get(&cp, "Pod", Some("default"), "worker");
    assert_eq!(waiting_reason(&worker, "worker"), Some("ContainerCreating"));
    assert!(events(&cp, "worker").iter().any(|(r, m)| r == "FailedMount"
        && m == "MountVolume.SetUp failed for volume \"credentials\" : secret \"db-credentials\" not found"));
    // After 2m3s the volume manager gives up waiting, and says so.
    cp.advance(120.0).unwrap();
    assert!(events(&cp, "worker").iter().any(|(r, m)| r == "FailedMount"
        && m == "Unable to attach or mount volumes: unmounted volumes=[credentials], unattached volumes=[]: timed out waiting for the condition"));

    cp.apply("root", CREDENTIALS, &ApplyOptions::default())
        .unwrap();
    cp.advance(5.0).unwrap();
    for name in ["api", "worker"] {
        let p = get(&cp, "Pod", Some("default"), name);
        assert_eq!(phase(&p), "Running", "{name}");
    }
}
