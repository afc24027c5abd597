//! StorageClass decisions of the PV controller: the retroactive default class, whether and by
//! whom a claim is provisioned (`provisionClaim`, `findProvisionablePlugin`,
//! `provisionClaimOperationExternal`), and expansion. The default class itself is
//! [`crate::api::volume::default_class`]; admission lives in `server::storage`.
use super::binding::{with_claim_phase, SyncResult};
use super::{
    admit_default_class, claim_class, find_class, VolumeEvent, ANN_BETA_STORAGE_PROVISIONER,
    ANN_STORAGE_PROVISIONER,
};
use crate::api::object::set_path;
use crate::api::Value;
use crate::json;

/// `assignDefaultStorageClass` (RetroactiveDefaultStorageClass): the claim with the default
/// class set, when it has no class and a default exists.
pub fn assign_default_class(claim: &Value, classes: &[Value]) -> Option<Value> {
    let mut out = claim.clone();
    admit_default_class(&mut out, classes);
    (out != *claim).then_some(out)
}

/// In-tree provisioners migrated to CSI (`csi-translation-lib`): the controller hands their
/// claims to the CSI driver.
fn migrated_to_csi(provisioner: &str) -> Option<&'static str> {
    match provisioner {
        "kubernetes.io/aws-ebs" => Some("ebs.csi.aws.com"),
        "kubernetes.io/gce-pd" => Some("pd.csi.storage.gke.io"),
        "kubernetes.io/azure-disk" => Some("disk.csi.azure.com"),
        "kubernetes.io/azure-file" => Some("file.csi.azure.com"),
        "kubernetes.io/cinder" => Some("cinder.csi.openstack.org"),
        "kubernetes.io/vsphere-volume" => Some("csi.vsphere.vmware.com"),
        "kubernetes.io/portworx-volume" => Some("pxd.portworx.com"),
        _ => None,
    }
}

/// The name of the driver that provisions for `class` (`None`: no plugin, with upstream's
/// error text).
pub fn class_provisioner(class: &Value) -> Result<String, String> {
    let p = class
        .get("provisioner")
        .and_then(Value::as_str)
        .unwrap_or("");
    if let Some(csi) = migrated_to_csi(p) {
        return Ok(csi.to_string());
    }
    if p.starts_with("kubernetes.io/") {
        // FindProvisionablePluginByName: kplane has no in-tree provisioners.
        return Err(format!("no volume plugin matched name: {p}"));
    }
    Ok(p.to_string())
}

/// `setClaimProvisioner`: the claim annotated for the external provisioner.
pub fn set_claim_provisioner(claim: &Value, provisioner: &str) -> Value {
    let mut out = claim.clone();
    for key in [ANN_STORAGE_PROVISIONER, ANN_BETA_STORAGE_PROVISIONER] {
        set_path(
            &mut out,
            &["metadata", "annotations", key],
            json!(provisioner),
        );
    }
    out
}

/// `provisionClaim` for a claim with a class and no matching volume: a missing class or an
/// unusable provisioner is a `ProvisioningFailed` warning; otherwise the claim is handed to
/// the external provisioner (annotations, `ExternalProvisioning` event, `provision` set).
pub fn provision_claim(claim: &Value, classes: &[Value]) -> SyncResult {
    let mut s = SyncResult::default();
    let pending = with_claim_phase(claim, "Pending", None);
    let class_name = claim_class(claim);
    let provisioner = match find_class(classes, class_name) {
        None => Err(format!(
            "storageclass.storage.k8s.io {class_name:?} not found"
        )),
        Some(class) => class_provisioner(class),
    };
    match provisioner {
        Err(e) => {
            s.events
                .push(VolumeEvent::warning(claim, "ProvisioningFailed", e));
            if pending != *claim {
                s.writes.push(pending);
            }
        }
        Ok(p) => {
            let annotated = set_claim_provisioner(&pending, &p);
            if annotated != *claim {
                s.writes.push(annotated);
            }
            s.events.push(VolumeEvent::normal(
                claim,
                "ExternalProvisioning",
                format!(
                    "Waiting for a volume to be created either by the external provisioner '{p}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered."
                ),
            ));
            s.provision = Some(p);
        }
    }
    s
}

/// A completed online expansion (external-resizer then kubelet, collapsed): the PV's
/// capacity and the claim's `status.capacity` become the requested size.
pub fn expand(pv: &Value, claim: &Value) -> (Value, Value) {
    let size = crate::api::object::path(claim, &["spec", "resources", "requests", "storage"])
        .cloned()
        .unwrap_or(Value::Null);
    let mut v = pv.clone();
    set_path(&mut v, &["spec", "capacity", "storage"], size.clone());
    let mut c = claim.clone();
    set_path(&mut c, &["status", "capacity", "storage"], size);
    (v, c)
}

#[cfg(test)]
mod tests {
    use super::super::binding::sync_claim;
    use super::super::testing::{class, pvc};
    use super::super::{default_class, ANN_BETA_DEFAULT_CLASS, ANN_DEFAULT_CLASS};
    use super::*;
    use crate::api::object;

    #[test]
    fn default_class_is_newest_then_by_name() {
        let mut a = class("a", "ebs.csi.aws.com", "Immediate");
        let mut b = class("b", "ebs.csi.aws.com", "Immediate");
        let c = class("c", "ebs.csi.aws.com", "Immediate");
        a["metadata"]["annotations"] = json!({ANN_DEFAULT_CLASS: "true"});
        a["metadata"]["creationTimestamp"] = json!("2026-01-01T00:00:00Z");
        b["metadata"]["annotations"] = json!({ANN_BETA_DEFAULT_CLASS: "true"});
        b["metadata"]["creationTimestamp"] = json!("2026-01-02T00:00:00Z");
        assert_eq!(
            default_class(&[a.clone(), b.clone(), c.clone()]).map(object::name),
            Some("b")
        );
        b["metadata"]["creationTimestamp"] = json!("2026-01-01T00:00:00Z");
        assert_eq!(
            default_class(&[b.clone(), a.clone()]).map(object::name),
            Some("a")
        );
        assert_eq!(default_class(&[c]), None);

        let classes = [a];
        let mut claim = pvc("x", "1Gi", &["ReadWriteOnce"], None);
        admit_default_class(&mut claim, &classes);
        assert_eq!(claim["spec"]["storageClassName"], "a");
        let mut explicit_none = pvc("y", "1Gi", &["ReadWriteOnce"], Some(""));
        admit_default_class(&mut explicit_none, &classes);
        assert_eq!(explicit_none["spec"]["storageClassName"], "");
    }

    #[test]
    fn provisioning_decisions() {
        // Immediate class with a CSI driver: hand over to the external provisioner.
        let classes = [
            class("gp3", "ebs.csi.aws.com", "Immediate"),
            class("legacy", "kubernetes.io/aws-ebs", "Immediate"),
            class("local", "kubernetes.io/no-provisioner", "Immediate"),
        ];
        let s = sync_claim(
            &pvc("a", "5Gi", &["ReadWriteOnce"], Some("gp3")),
            &[],
            &classes,
            &[],
            "t",
        );
        assert_eq!(s.provision.as_deref(), Some("ebs.csi.aws.com"));
        assert_eq!(
            s.writes[0]["metadata"]["annotations"][ANN_STORAGE_PROVISIONER],
            "ebs.csi.aws.com"
        );
        assert_eq!(
            s.writes[0]["metadata"]["annotations"][ANN_BETA_STORAGE_PROVISIONER],
            "ebs.csi.aws.com"
        );
        assert_eq!(s.events[0].reason, "ExternalProvisioning");
        assert_eq!(s.events[0].message, "Waiting for a volume to be created either by the external provisioner 'ebs.csi.aws.com' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.");
        // The in-tree EBS provisioner is migrated to the CSI driver.
        let s = sync_claim(
            &pvc("b", "5Gi", &["ReadWriteOnce"], Some("legacy")),
            &[],
            &classes,
            &[],
            "t",
        );
        assert_eq!(s.provision.as_deref(), Some("ebs.csi.aws.com"));
        // no-provisioner and unknown classes fail with upstream's texts.
        let s = sync_claim(
            &pvc("c", "5Gi", &["ReadWriteOnce"], Some("local")),
            &[],
            &classes,
            &[],
            "t",
        );
        assert_eq!(
            (s.events[0].warning, s.events[0].reason),
            (true, "ProvisioningFailed")
        );
        assert_eq!(
            s.events[0].message,
            "no volume plugin matched name: kubernetes.io/no-provisioner"
        );
        let s = sync_claim(
            &pvc("d", "5Gi", &["ReadWriteOnce"], Some("fast")),
            &[],
            &classes,
            &[],
            "t",
        );
        assert_eq!(
            s.events[0].message,
            "storageclass.storage.k8s.io \"fast\" not found"
        );
        assert_eq!(s.provision, None);
    }

    #[test]
    fn retroactive_default_class() {
        let mut gp3 = class("gp3", "ebs.csi.aws.com", "WaitForFirstConsumer");
        gp3["metadata"]["annotations"] = json!({ANN_DEFAULT_CLASS: "true"});
        let s = sync_claim(
            &pvc("a", "5Gi", &["ReadWriteOnce"], None),
            &[],
            &[gp3],
            &[],
            "t",
        );
        assert_eq!(s.writes[0]["spec"]["storageClassName"], "gp3");
        assert!(s.events.is_empty());
    }
}
