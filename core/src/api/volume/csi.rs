//! The simulated CSI drivers as the cluster sees them: their `CSIDriver` objects, what their
//! node plugins report (`NodeGetInfo` topology, `CSINode` entries, attach limits), which
//! volume lifecycles they mount, and which volumes need attaching. Their provisioning lives
//! with the PV controller (`controllers::volume::csi`).
//!
//! - `ebs.csi.aws.com` (kubernetes-sigs/aws-ebs-csi-driver): zonal block volumes,
//!   ReadWriteOnce/ReadWriteOncePod, attach required, a per-node attach limit; the node plugin
//!   reports `topology.ebs.csi.aws.com/zone`, `topology.kubernetes.io/zone` and
//!   `kubernetes.io/os` (`NodeGetInfo`).
//! - `efs.csi.aws.com` (kubernetes-sigs/aws-efs-csi-driver): shared file storage, no topology,
//!   no attach; its CSIDriver declares only the `Persistent` lifecycle, so inline `csi:`
//!   volumes fail to mount.
//! - `hostpath.csi.k8s.io` (kubernetes-csi/csi-driver-host-path): node-local volumes pinned to
//!   one node by `topology.hostpath.csi/node`; persistent and inline ephemeral volumes.
use super::{access_modes, find_claim, find_volume, pod_claims};
use crate::api::object::{self, str_at};
use crate::api::Value;
use crate::json;
use std::collections::{BTreeMap, BTreeSet};

/// The zone label every cloud node carries.
pub const ZONE_LABEL: &str = "topology.kubernetes.io/zone";

/// A simulated CSI driver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Driver {
    pub name: &'static str,
    /// `CSIDriver.spec.attachRequired`: volumes go through ControllerPublish (VolumeAttachment).
    pub attach_required: bool,
    /// `CSIDriver.spec.volumeLifecycleModes`.
    pub lifecycle_modes: &'static [&'static str],
    /// The access modes CreateVolume accepts.
    pub access_modes: &'static [&'static str],
    /// The driver's own topology label (`CSINode` topology key); `None` for topology-free drivers.
    pub topology_key: Option<&'static str>,
}

/// `ebs.csi.aws.com`.
pub const EBS: Driver = Driver {
    name: "ebs.csi.aws.com",
    attach_required: true,
    lifecycle_modes: &["Persistent"],
    access_modes: &["ReadWriteOnce", "ReadWriteOncePod"],
    topology_key: Some("topology.ebs.csi.aws.com/zone"),
};

/// `efs.csi.aws.com`.
pub const EFS: Driver = Driver {
    name: "efs.csi.aws.com",
    attach_required: false,
    lifecycle_modes: &["Persistent"],
    access_modes: &["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany"],
    topology_key: None,
};

/// `hostpath.csi.k8s.io`.
pub const HOSTPATH: Driver = Driver {
    name: "hostpath.csi.k8s.io",
    attach_required: false,
    lifecycle_modes: &["Persistent", "Ephemeral"],
    access_modes: &["ReadWriteOnce", "ReadWriteOncePod"],
    topology_key: Some("topology.hostpath.csi/node"),
};

/// Every simulated driver.
pub const DRIVERS: [&Driver; 3] = [&EBS, &EFS, &HOSTPATH];

/// The simulated driver named `name`.
pub fn driver(name: &str) -> Option<&'static Driver> {
    DRIVERS.into_iter().find(|d| d.name == name)
}

/// Nitro instances share 28 attachment slots between EBS volumes, network interfaces and
/// instance-store volumes (aws-ebs-csi-driver `getVolumesLimit`: `GetMaxAttachments(nitro)`).
pub const NITRO_ATTACHMENTS: i64 = 28;

/// `getVolumesLimit` on a Nitro instance without dedicated EBS limit: 28 slots minus the root
/// volume minus the attached network interfaces, never below 1.
pub fn ebs_attach_limit(network_interfaces: i64) -> i64 {
    (NITRO_ATTACHMENTS - 1 - network_interfaces.max(0)).max(1)
}

impl Driver {
    /// The `CSIDriver` object the driver's installation creates.
    pub fn csi_driver_object(&self) -> Value {
        json!({
            "apiVersion": "storage.k8s.io/v1",
            "kind": "CSIDriver",
            "metadata": {"name": self.name},
            "spec": {
                "attachRequired": self.attach_required,
                "podInfoOnMount": self.lifecycle_modes.contains(&"Ephemeral"),
                "volumeLifecycleModes": self.lifecycle_modes,
                "fsGroupPolicy": "File",
                "requiresRepublish": false,
                "storageCapacity": false,
                "seLinuxMount": false,
            }
        })
    }

    /// The topology the node plugin reports for `node` (`NodeGetInfo` segments), which the
    /// kubelet also sets as node labels.
    pub fn node_topology(&self, node: &Value) -> BTreeMap<String, String> {
        let labels = object::labels(node);
        let mut t = BTreeMap::new();
        match self.name {
            "ebs.csi.aws.com" => {
                if let Some(zone) = labels.get(ZONE_LABEL) {
                    t.insert("topology.ebs.csi.aws.com/zone".into(), zone.clone());
                    t.insert(ZONE_LABEL.into(), zone.clone());
                }
                t.insert("kubernetes.io/os".into(), "linux".into());
            }
            "hostpath.csi.k8s.io" => {
                t.insert(
                    "topology.hostpath.csi/node".into(),
                    object::name(node).to_string(),
                );
            }
            _ => {}
        }
        t
    }

    /// The node's entry in its `CSINode` (`spec.drivers[]`): node ID (the EC2 instance ID from
    /// `spec.providerID` for the AWS drivers), topology keys, and the attach limit for EBS
    /// (`network_interfaces` attached ENIs).
    pub fn csi_node_driver(&self, node: &Value, network_interfaces: i64) -> Value {
        let provider = str_at(node, &["spec", "providerID"]).unwrap_or("");
        let instance = provider.rsplit('/').next().filter(|s| s.starts_with("i-"));
        let node_id = match (self.name, instance) {
            ("ebs.csi.aws.com" | "efs.csi.aws.com", Some(id)) => id.to_string(),
            _ => object::name(node).to_string(),
        };
        let keys: Vec<String> = self.node_topology(node).into_keys().collect();
        let mut d = json!({"name": self.name, "nodeID": node_id, "topologyKeys": keys});
        if self.name == EBS.name {
            d["allocatable"] = json!({"count": ebs_attach_limit(network_interfaces)});
        }
        if self.topology_key.is_none() {
            d["topologyKeys"] = Value::Null;
        }
        d
    }

    /// Whether an inline `csi:` pod volume can mount (`supportsVolumeLifecycleMode`), with the
    /// kubelet's `FailedMount` text when not.
    pub fn check_inline(&self, volume: &str) -> Result<(), String> {
        if self.lifecycle_modes.contains(&"Ephemeral") {
            return Ok(());
        }
        let modes: Vec<String> = self
            .lifecycle_modes
            .iter()
            .map(|m| format!("{m:?}"))
            .collect();
        Err(format!(
            "MountVolume.NewMounter initialization failed for volume {volume:?} : volume mode \"Ephemeral\" not supported by driver {} (only supports [{}])",
            self.name,
            modes.join(" ")
        ))
    }
}

/// `isMultiAttachAllowed`: a PV may attach to several nodes when it lists ReadWriteMany or
/// ReadOnlyMany (or no access mode at all).
pub fn multi_attach_allowed(pv: &Value) -> bool {
    let modes = access_modes(pv);
    modes.is_empty()
        || modes
            .iter()
            .any(|m| *m == "ReadWriteMany" || *m == "ReadOnlyMany")
}

/// The PV a pod volume resolves to, through its claim.
pub fn pod_volume_pvs<'a>(pod: &Value, claims: &'a [Value]) -> Vec<&'a str> {
    pod_claims(pod)
        .iter()
        .filter_map(|c| find_claim(claims, object::namespace(pod), &c.claim))
        .filter_map(|c| str_at(c, &["spec", "volumeName"]).filter(|n| !n.is_empty()))
        .collect()
}

/// The attach-requiring CSI volumes a pod needs, as `driver/handle` keys (NodeVolumeLimits'
/// unique names), resolved through its claims and their PVs.
pub fn attachable_volumes(pod: &Value, claims: &[Value], volumes: &[Value]) -> BTreeSet<String> {
    pod_volume_pvs(pod, claims)
        .into_iter()
        .filter_map(|n| find_volume(volumes, n))
        .filter_map(|pv| {
            let d = str_at(pv, &["spec", "csi", "driver"])?;
            let h = str_at(pv, &["spec", "csi", "volumeHandle"])?;
            driver(d)
                .is_none_or(|d| d.attach_required)
                .then(|| format!("{d}/{h}"))
        })
        .collect()
}

/// The store resource of VolumeAttachments.
pub const VOLUME_ATTACHMENTS: &str = "volumeattachments.storage.k8s.io";

/// The VolumeAttachment name the CSI attacher uses (`getAttachmentName`:
/// `csi-<sha256(handle + driver + node)>`).
pub fn attachment_name(handle: &str, driver: &str, node: &str) -> String {
    format!(
        "csi-{}",
        crate::api::sha256::hex(format!("{handle}{driver}{node}").as_bytes())
    )
}

/// Whether `attachment` (a VolumeAttachment) attaches `pv` to `node` and reports it attached.
pub fn attaches(attachment: &Value, pv: &str, node: &str) -> bool {
    str_at(attachment, &["spec", "source", "persistentVolumeName"]) == Some(pv)
        && str_at(attachment, &["spec", "nodeName"]) == Some(node)
        && crate::api::object::path(attachment, &["status", "attached"]).and_then(Value::as_bool)
            == Some(true)
}
