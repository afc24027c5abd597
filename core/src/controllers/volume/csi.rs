//! Simulated CSI drivers that behave like their real counterparts, with the external
//! provisioner and the attach/detach controller's checks around them:
//!
//! - `ebs.csi.aws.com` (kubernetes-sigs/aws-ebs-csi-driver): zonal block volumes,
//!   ReadWriteOnce/ReadWriteOncePod, sizes rounded up to GiB, attach required, a per-node
//!   attach limit; the PV is pinned to the volume's zone through node affinity on
//!   `topology.kubernetes.io/zone` (`newCreateVolumeResponse`: `WellKnownZoneTopologyKey`),
//!   while the node plugin reports `topology.ebs.csi.aws.com/zone`, `topology.kubernetes.io/zone`
//!   and `kubernetes.io/os` (`NodeGetInfo`), so classes may restrict either key.
//! - `efs.csi.aws.com` (kubernetes-sigs/aws-efs-csi-driver): shared file storage, any access
//!   mode but ReadWriteOncePod, no topology, no attach; dynamic provisioning creates an access
//!   point and requires `provisioningMode: efs-ap` and `fileSystemId`; its CSIDriver declares only
//!   the `Persistent` lifecycle, so inline `csi:` volumes fail to mount.
//! - `hostpath.csi.k8s.io` (kubernetes-csi/csi-driver-host-path): node-local volumes pinned to
//!   one node by `topology.hostpath.csi/node`; persistent and inline ephemeral volumes.
//!
//! Texts follow kubernetes-csi/external-provisioner (`Provisioning`, `ProvisioningSucceeded`,
//! `failed to provision volume with StorageClass ...`), the drivers' gRPC errors as the
//! provisioner prints them (`rpc error: code = InvalidArgument desc = ...`),
//! pkg/controller/volume/attachdetach/reconciler (`reportMultiAttachError`) and pkg/volume/csi
//! (`supportsVolumeLifecycleMode`).
use super::{
    access_modes, claim_class, claim_key, find_class, requested_storage, VolumeEvent,
    ANN_BETA_STORAGE_PROVISIONER, ANN_DYNAMICALLY_PROVISIONED, ANN_SELECTED_NODE,
    ANN_STORAGE_PROVISIONER,
};
use crate::api::object::{self, array_at, path, str_at};
use crate::api::quantity::{Format, Quantity};
use crate::api::selector::topology_terms_match;
pub use crate::api::volume::csi::*;
use crate::api::Value;
use crate::json;
use std::collections::BTreeSet;

/// FNV-1a: a stable hash for the deterministic names and choices of the simulation.
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// 17 hex digits derived from `seed` (the shape of EBS volume and EFS access point IDs).
fn hex17(seed: &str) -> String {
    let a = fnv(seed);
    let b = fnv(&format!("{seed}/2"));
    format!("{a:016x}{:x}", b & 0xf)
}

/// The external provisioner's `shouldProvision`: an unbound claim handed to this driver,
/// and — for WaitForFirstConsumer classes — one the scheduler has placed.
pub fn should_provision(claim: &Value, driver: &Driver, classes: &[Value]) -> bool {
    if str_at(claim, &["spec", "volumeName"]).is_some_and(|v| !v.is_empty()) {
        return false;
    }
    let ann = |k: &str| str_at(claim, &["metadata", "annotations", k]);
    let handed = ann(ANN_STORAGE_PROVISIONER).or_else(|| ann(ANN_BETA_STORAGE_PROVISIONER));
    if handed != Some(driver.name) {
        return false;
    }
    match find_class(classes, claim_class(claim)) {
        Some(c) if super::binding_mode(c) == "WaitForFirstConsumer" => {
            ann(ANN_SELECTED_NODE).is_some()
        }
        Some(_) => true,
        None => false,
    }
}

/// `Provisioning`: the external provisioner starts on the claim.
pub fn provisioning_event(claim: &Value) -> VolumeEvent {
    VolumeEvent::normal(
        claim,
        "Provisioning",
        format!(
            "External provisioner is provisioning volume for claim {:?}",
            claim_key(claim)
        ),
    )
}

/// `ProvisioningSucceeded`.
pub fn provisioned_event(claim: &Value, pv: &Value) -> VolumeEvent {
    VolumeEvent::normal(
        claim,
        "ProvisioningSucceeded",
        format!("Successfully provisioned volume {}", object::name(pv)),
    )
}

/// `ProvisioningFailed` with the external provisioner's wrapping of the driver's error.
pub fn provisioning_failed_event(claim: &Value, error: &str) -> VolumeEvent {
    VolumeEvent::warning(
        claim,
        "ProvisioningFailed",
        format!(
            "failed to provision volume with StorageClass {:?}: {error}",
            claim_class(claim)
        ),
    )
}

fn invalid_argument(desc: &str) -> String {
    format!("rpc error: code = InvalidArgument desc = {desc}")
}

/// Candidate zones for an Immediate claim: the class's `allowedTopologies` values for the zone
/// keys, else the zones of the nodes; sorted.
fn candidate_zones(class: &Value, nodes: &[Value]) -> Vec<String> {
    let mut zones = BTreeSet::new();
    for term in array_at(class, &["allowedTopologies"]) {
        for e in array_at(term, &["matchLabelExpressions"]) {
            let key = e.get("key").and_then(Value::as_str).unwrap_or("");
            if key == ZONE_LABEL || Some(key) == EBS.topology_key {
                zones.extend(
                    array_at(e, &["values"])
                        .iter()
                        .filter_map(Value::as_str)
                        .map(String::from),
                );
            }
        }
    }
    if zones.is_empty() {
        zones.extend(
            nodes
                .iter()
                .filter_map(|n| object::labels(n).get(ZONE_LABEL).cloned()),
        );
    }
    zones.into_iter().collect()
}

/// Where the volume goes: the selected node's topology (WaitForFirstConsumer), else a stable
/// choice among the candidates (the external provisioner rotates the sorted candidates by a
/// hash of the claim name). `Err` carries the provisioner's error text.
fn place(
    driver: &Driver,
    claim: &Value,
    class: &Value,
    selected: Option<&Value>,
    nodes: &[Value],
) -> Result<String, String> {
    let key = match driver.topology_key {
        Some(k) => k,
        None => return Ok(String::new()),
    };
    if let Some(node) = selected {
        return driver.node_topology(node).get(key).cloned().ok_or_else(|| {
            format!(
                "error generating accessibility requirements: no topology key found on CSINode {}",
                object::name(node)
            )
        });
    }
    let candidates: Vec<String> = if driver.name == EBS.name {
        candidate_zones(class, nodes)
    } else {
        let terms = array_at(class, &["allowedTopologies"]);
        let mut names: Vec<String> = nodes
            .iter()
            .filter(|n| topology_terms_match(terms, &driver.node_topology(n)))
            .map(|n| object::name(n).to_string())
            .collect();
        names.sort();
        names
    };
    if candidates.is_empty() {
        return Err(format!(
            "error generating accessibility requirements: no topology key found on any node for driver {}",
            driver.name
        ));
    }
    let i = (fnv(object::name(claim)) % candidates.len() as u64) as usize;
    Ok(candidates[i].clone())
}

/// The PV the external provisioner creates for `claim` with `class`, or the error it reports
/// (to wrap with [`provisioning_failed_event`]). `selected` is the claim's selected node (for
/// WaitForFirstConsumer), `nodes` the cluster's nodes (for Immediate placement).
pub fn provision(
    driver: &Driver,
    claim: &Value,
    class: &Value,
    selected: Option<&Value>,
    nodes: &[Value],
) -> Result<Value, String> {
    if !access_modes(claim)
        .iter()
        .all(|m| driver.access_modes.contains(m))
    {
        return Err(invalid_argument("Volume capabilities not supported"));
    }
    let params = class.get("parameters").cloned().unwrap_or(json!({}));
    let param = |k: &str| params.get(k).and_then(Value::as_str);
    let uid = object::uid(claim);
    let requested = requested_storage(claim);
    const GIB: i128 = 1 << 30;
    let (handle, capacity, fs_type) = match driver.name {
        "efs.csi.aws.com" => {
            match param("provisioningMode") {
                None => return Err(invalid_argument("Missing provisioningMode parameter")),
                Some("efs-ap") => {}
                Some(mode) => {
                    return Err(invalid_argument(&format!(
                        "Provisioning mode {mode} is not supported."
                    )))
                }
            }
            let fs = match param("fileSystemId") {
                None => return Err(invalid_argument("Missing fileSystemId parameter")),
                Some(fs) if fs.trim().is_empty() => {
                    return Err(invalid_argument("Parameter fileSystemId cannot be empty"))
                }
                Some(fs) => fs.to_string(),
            };
            (format!("{fs}::fsap-{}", hex17(uid)), requested, None)
        }
        "ebs.csi.aws.com" => {
            // util.RoundUpGiB; the default size when nothing is requested is 100 GiB.
            let bytes = requested.value() as i128;
            let gib = if bytes <= 0 {
                100
            } else {
                (bytes + GIB - 1) / GIB
            };
            let fs = param("csi.storage.k8s.io/fstype")
                .unwrap_or("ext4")
                .to_string();
            (
                format!("vol-{}", hex17(uid)),
                Quantity::from_nanos(gib * GIB * 1_000_000_000),
                Some(fs),
            )
        }
        _ => (format!("hostpath-{}", hex17(uid)), requested, None),
    };
    let at = place(driver, claim, class, selected, nodes)?;
    let mut csi = json!({"driver": driver.name, "volumeHandle": handle});
    if let Some(fs) = fs_type {
        csi["fsType"] = json!(fs);
    }
    let mut pv = json!({
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {
            "name": format!("pvc-{uid}"),
            "annotations": {ANN_DYNAMICALLY_PROVISIONED: driver.name},
        },
        "spec": {
            "accessModes": path(claim, &["spec", "accessModes"]).cloned().unwrap_or(json!([])),
            "capacity": {"storage": capacity.canonical(Format::BinarySI)},
            "claimRef": {
                "apiVersion": "v1",
                "kind": "PersistentVolumeClaim",
                "namespace": object::namespace(claim),
                "name": object::name(claim),
                "uid": uid,
            },
            "csi": csi,
            "persistentVolumeReclaimPolicy": class.get("reclaimPolicy").and_then(Value::as_str).unwrap_or("Delete"),
            "storageClassName": object::name(class),
            "volumeMode": super::volume_mode(claim),
        },
        "status": {"phase": "Pending"},
    });
    if let Some(rv) = str_at(claim, &["metadata", "resourceVersion"]) {
        pv["spec"]["claimRef"]["resourceVersion"] = json!(rv);
    }
    if let Some(opts) = class.get("mountOptions").filter(|o| !o.is_null()) {
        pv["spec"]["mountOptions"] = opts.clone();
    }
    let affinity_key = match driver.name {
        "ebs.csi.aws.com" => Some(ZONE_LABEL),
        _ => driver.topology_key,
    };
    if let Some(key) = affinity_key {
        pv["spec"]["nodeAffinity"] = json!({"required": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": key, "operator": "In", "values": [at]}]}
        ]}});
    }
    Ok(pv)
}

/// The attach/detach controller's check before attaching `pv` to `node` for `pod`: a volume
/// of an attach-requiring driver that may not multi-attach, still used by pods on another
/// node, cannot attach. The error is the `FailedAttachVolume` text the pod gets
/// (`reportMultiAttachError`): it names the blocking pods of the pod's namespace and only
/// counts the others.
pub fn attach_check(
    pv: &Value,
    node: &str,
    pod: &Value,
    claims: &[Value],
    pods: &[Value],
) -> Result<(), String> {
    let attach = str_at(pv, &["spec", "csi", "driver"])
        .and_then(driver)
        .is_none_or(|d| d.attach_required);
    if !attach || multi_attach_allowed(pv) {
        return Ok(());
    }
    let name = object::name(pv);
    let users: Vec<&Value> = pods
        .iter()
        .filter(|p| {
            !matches!(
                str_at(p, &["status", "phase"]),
                Some("Succeeded" | "Failed")
            ) && object::uid(p) != object::uid(pod)
                && str_at(p, &["spec", "nodeName"]).is_some_and(|n| !n.is_empty() && n != node)
                && pod_volume_pvs(p, claims).contains(&name)
        })
        .collect();
    if users.is_empty() {
        return Ok(());
    }
    let ns = object::namespace(pod);
    let local: Vec<&str> = users
        .iter()
        .filter(|p| object::namespace(p) == ns)
        .map(|p| object::name(p))
        .collect();
    let others = users.len() - local.len();
    let suffix = if local.is_empty() {
        format!("Volume is already used by {others} pod(s) in different namespaces")
    } else if others > 0 {
        format!(
            "Volume is already used by pod(s) {} and {others} pod(s) in different namespaces",
            local.join(", ")
        )
    } else {
        format!("Volume is already used by pod(s) {}", local.join(", "))
    };
    Err(format!("Multi-Attach error for volume {name:?} {suffix}"))
}

/// The `FailedAttachVolume` text when the volume is still attached elsewhere but no pod there
/// uses it any more (it has not detached yet).
pub fn exclusively_attached_message(pv: &str) -> String {
    format!("Multi-Attach error for volume {pv:?} Volume is already exclusively attached to one node and can't be attached to another")
}

#[cfg(test)]
mod tests {
    use super::super::testing::{class, node, pod, pv, pvc};
    use super::*;

    fn seed_efs_class() -> Value {
        // The seed's "How to mount AWS EFS on EKS" StorageClass, unchanged.
        json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
               "metadata": {"name": "efs-sc"}, "provisioner": "efs.csi.aws.com",
               "parameters": {"fileSystemId": "<file-system-id>", "directoryPerms": "700",
                              "basePath": "/dynamic_provisioning", "ensureUniqueDirectory": "true"}})
    }

    #[test]
    fn ebs_volumes_are_zonal_and_rounded_to_gib() {
        let gp3 = class("gp3", "ebs.csi.aws.com", "WaitForFirstConsumer");
        let claim = pvc("data", "1500Mi", &["ReadWriteOnce"], Some("gp3"));
        let n = node("ip-10-0-1-5", json!({ZONE_LABEL: "us-east-1b"}));
        let v = provision(&EBS, &claim, &gp3, Some(&n), &[]).unwrap();
        assert_eq!(v["metadata"]["name"], "pvc-uid-data");
        assert_eq!(v["spec"]["capacity"]["storage"], "2Gi");
        assert_eq!(v["spec"]["csi"]["fsType"], "ext4");
        assert!(v["spec"]["csi"]["volumeHandle"]
            .as_str()
            .unwrap()
            .starts_with("vol-"));
        assert_eq!(v["spec"]["csi"]["volumeHandle"].as_str().unwrap().len(), 21);
        assert_eq!(
            v["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0]["matchExpressions"][0],
            json!({"key": ZONE_LABEL, "operator": "In", "values": ["us-east-1b"]})
        );
        assert_eq!(v["spec"]["persistentVolumeReclaimPolicy"], "Delete");
        assert_eq!(
            v["metadata"]["annotations"][ANN_DYNAMICALLY_PROVISIONED],
            "ebs.csi.aws.com"
        );
        // RWX is not a capability of EBS volumes.
        let rwx = pvc("shared", "1Gi", &["ReadWriteMany"], Some("gp3"));
        assert_eq!(
            provision(&EBS, &rwx, &gp3, Some(&n), &[]).unwrap_err(),
            "rpc error: code = InvalidArgument desc = Volume capabilities not supported"
        );
        // A node without a zone has no topology for the driver.
        let bare = node("bare", json!({}));
        let e = provision(&EBS, &claim, &gp3, Some(&bare), &[]).unwrap_err();
        assert_eq!(provisioning_failed_event(&claim, &e).message,
            "failed to provision volume with StorageClass \"gp3\": error generating accessibility requirements: no topology key found on CSINode bare");
    }

    #[test]
    fn immediate_ebs_placement_respects_allowed_topologies() {
        let mut gp3 = class("gp3", "ebs.csi.aws.com", "Immediate");
        gp3["allowedTopologies"] = json!([{"matchLabelExpressions": [
            {"key": "topology.ebs.csi.aws.com/zone", "values": ["us-east-1c"]}]}]);
        let nodes = [node("a", json!({ZONE_LABEL: "us-east-1a"}))];
        let v = provision(
            &EBS,
            &pvc("x", "1Gi", &["ReadWriteOnce"], Some("gp3")),
            &gp3,
            None,
            &nodes,
        )
        .unwrap();
        assert_eq!(
            v["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0]["matchExpressions"][0]
                ["values"],
            json!(["us-east-1c"])
        );
    }

    #[test]
    fn efs_needs_access_point_mode_as_the_real_driver() {
        let claim = pvc("efs-pvc", "5Gi", &["ReadWriteMany"], Some("efs-sc"));
        // The seed's class has no provisioningMode: aws-efs-csi-driver rejects it.
        let e = provision(&EFS, &claim, &seed_efs_class(), None, &[]).unwrap_err();
        assert_eq!(
            e,
            "rpc error: code = InvalidArgument desc = Missing provisioningMode parameter"
        );
        let mut ap = seed_efs_class();
        ap["parameters"]["provisioningMode"] = json!("efs-ap");
        ap["parameters"]["fileSystemId"] = json!("fs-0123456789abcdef0");
        let v = provision(&EFS, &claim, &ap, None, &[]).unwrap();
        assert_eq!(v["spec"]["capacity"]["storage"], "5Gi");
        assert_eq!(v["spec"]["accessModes"], json!(["ReadWriteMany"]));
        assert!(v["spec"]["csi"]["volumeHandle"]
            .as_str()
            .unwrap()
            .starts_with("fs-0123456789abcdef0::fsap-"));
        assert!(
            v["spec"].get("nodeAffinity").is_none(),
            "EFS is reachable from every zone"
        );
        ap["parameters"]["fileSystemId"] = json!(" ");
        assert_eq!(
            provision(&EFS, &claim, &ap, None, &[]).unwrap_err(),
            "rpc error: code = InvalidArgument desc = Parameter fileSystemId cannot be empty"
        );
    }

    #[test]
    fn inline_csi_volumes_need_the_ephemeral_lifecycle() {
        // The seed's direct `csi:` EFS volume: the EFS CSIDriver supports only Persistent.
        assert_eq!(
            EFS.check_inline("efs-storage").unwrap_err(),
            "MountVolume.NewMounter initialization failed for volume \"efs-storage\" : volume mode \"Ephemeral\" not supported by driver efs.csi.aws.com (only supports [\"Persistent\"])"
        );
        assert!(HOSTPATH.check_inline("scratch").is_ok());
    }

    #[test]
    fn multi_attach_errors() {
        let mut vol = pv("pvc-1", "10Gi", &["ReadWriteOnce"], "gp3");
        vol["spec"]["csi"] = json!({"driver": "ebs.csi.aws.com", "volumeHandle": "vol-1"});
        let mut claim = pvc("data", "10Gi", &["ReadWriteOnce"], Some("gp3"));
        claim["spec"]["volumeName"] = json!("pvc-1");
        let mut first = pod("web-0", &["data"]);
        first["spec"]["nodeName"] = json!("n1");
        let second = pod("web-1", &["data"]);
        let claims = [claim];
        let pods = [first.clone(), second.clone()];
        assert_eq!(
            attach_check(&vol, "n2", &second, &claims, &pods).unwrap_err(),
            "Multi-Attach error for volume \"pvc-1\" Volume is already used by pod(s) web-0"
        );
        assert!(
            attach_check(&vol, "n1", &second, &claims, &pods).is_ok(),
            "same node"
        );
        let mut rwx = vol.clone();
        rwx["spec"]["accessModes"] = json!(["ReadWriteMany"]);
        assert!(attach_check(&rwx, "n2", &second, &claims, &pods).is_ok());
        let mut efs = vol.clone();
        efs["spec"]["csi"]["driver"] = json!("efs.csi.aws.com");
        assert!(
            attach_check(&efs, "n2", &second, &claims, &pods).is_ok(),
            "EFS needs no attach"
        );
        assert_eq!(exclusively_attached_message("pvc-1"),
            "Multi-Attach error for volume \"pvc-1\" Volume is already exclusively attached to one node and can't be attached to another");
    }

    #[test]
    fn csi_node_entries() {
        let mut n = node(
            "ip-10-0-1-5.ec2.internal",
            json!({ZONE_LABEL: "us-east-1a"}),
        );
        n["spec"] = json!({"providerID": "aws:///us-east-1a/i-0abcdef1234567890"});
        let d = EBS.csi_node_driver(&n, 1);
        assert_eq!(d["nodeID"], "i-0abcdef1234567890");
        assert_eq!(d["allocatable"]["count"], 26);
        assert_eq!(
            d["topologyKeys"],
            json!([
                "kubernetes.io/os",
                "topology.ebs.csi.aws.com/zone",
                ZONE_LABEL
            ])
        );
        assert!(EFS.csi_node_driver(&n, 1)["topologyKeys"].is_null());
        assert_eq!(ebs_attach_limit(30), 1);
    }

    #[test]
    fn provisioner_waits_for_the_scheduler_on_wffc() {
        let classes = [class("gp3", "ebs.csi.aws.com", "WaitForFirstConsumer")];
        let mut claim = pvc("d", "1Gi", &["ReadWriteOnce"], Some("gp3"));
        claim["metadata"]["annotations"] = json!({ANN_STORAGE_PROVISIONER: "ebs.csi.aws.com"});
        assert!(!should_provision(&claim, &EBS, &classes));
        claim["metadata"]["annotations"][ANN_SELECTED_NODE] = json!("n1");
        assert!(should_provision(&claim, &EBS, &classes));
        assert!(!should_provision(&claim, &EFS, &classes));
        assert_eq!(
            provisioning_event(&claim).message,
            "External provisioner is provisioning volume for claim \"default/d\""
        );
    }
}
