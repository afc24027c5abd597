//! StorageClass decisions: the default class (DefaultStorageClass admission and the PV
//! controller's retroactive assignment), whether and by whom a claim is provisioned
//! (`provisionClaim`, `findProvisionablePlugin`, `provisionClaimOperationExternal`), and
//! volume expansion admission (`PersistentVolumeClaimResize`).
use super::binding::{with_claim_phase, SyncResult};
use super::{
    claim_class, claim_has_class, find_class, requested_storage, VolumeEvent,
    ANN_BETA_DEFAULT_CLASS, ANN_BETA_STORAGE_PROVISIONER, ANN_DEFAULT_CLASS,
    ANN_STORAGE_PROVISIONER,
};
use crate::api::kinds::by_kind;
use crate::api::object::{self, set_path, str_at};
use crate::api::Value;
use crate::json;
use crate::server::status::{admission_name, Status};
use crate::sim::clock::parse_rfc3339;

fn is_default(class: &Value) -> bool {
    [ANN_DEFAULT_CLASS, ANN_BETA_DEFAULT_CLASS]
        .iter()
        .any(|k| str_at(class, &["metadata", "annotations", k]) == Some("true"))
}

/// `GetDefaultClass` (pkg/volume/util/storageclass.go): among the classes annotated default,
/// the newest by `creationTimestamp`, ties broken by name.
pub fn default_class(classes: &[Value]) -> Option<&Value> {
    let created = |c: &Value| {
        str_at(c, &["metadata", "creationTimestamp"])
            .and_then(parse_rfc3339)
            .unwrap_or(i64::MIN)
    };
    classes.iter().filter(|c| is_default(c)).min_by(|a, b| {
        created(b)
            .cmp(&created(a))
            .then_with(|| object::name(a).cmp(object::name(b)))
    })
}

/// The DefaultStorageClass admission plugin: a claim that names no class (neither the field
/// nor the beta annotation, `""` counting as a choice) gets the default class, if any.
pub fn admit_default_class(claim: &mut Value, classes: &[Value]) {
    if claim_has_class(claim) {
        return;
    }
    if let Some(name) = default_class(classes).map(|c| object::name(c).to_string()) {
        set_path(claim, &["spec", "storageClassName"], json!(name));
    }
}

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

/// The `PersistentVolumeClaimResize` admission plugin on an update of a claim: growing
/// `spec.resources.requests.storage` needs a bound claim whose class allows expansion.
pub fn admit_resize(old: &Value, new: &Value, classes: &[Value]) -> Result<(), Status> {
    if requested_storage(new) <= requested_storage(old) {
        return Ok(());
    }
    let info = by_kind(Some("v1"), "PersistentVolumeClaim").expect("served");
    if str_at(old, &["status", "phase"]) != Some("Bound") {
        return Err(Status::forbidden(
            info,
            admission_name(new),
            "Only bound persistent volume claims can be expanded",
        ));
    }
    let (class, old_class) = (claim_class(new), claim_class(old));
    let allowed = !class.is_empty()
        && class == old_class
        && find_class(classes, class)
            .and_then(|c| c.get("allowVolumeExpansion"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
    if !allowed {
        return Err(Status::forbidden(
            info,
            admission_name(new),
            "only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize",
        ));
    }
    Ok(())
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
    use super::*;

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

    #[test]
    fn resize_admission() {
        let mut expandable = class("gp3", "ebs.csi.aws.com", "Immediate");
        expandable["allowVolumeExpansion"] = json!(true);
        let fixed = class("std", "ebs.csi.aws.com", "Immediate");
        let classes = [expandable, fixed];
        let mut old = pvc("data", "5Gi", &["ReadWriteOnce"], Some("gp3"));
        old["status"]["phase"] = json!("Bound");
        let mut grown = old.clone();
        grown["spec"]["resources"]["requests"]["storage"] = json!("10Gi");
        assert!(admit_resize(&old, &grown, &classes).is_ok());
        assert!(
            admit_resize(&grown, &old, &classes).is_ok(),
            "shrinking is validation's business"
        );

        let mut old_std = old.clone();
        old_std["spec"]["storageClassName"] = json!("std");
        let mut grown_std = grown.clone();
        grown_std["spec"]["storageClassName"] = json!("std");
        let e = admit_resize(&old_std, &grown_std, &classes).unwrap_err();
        assert_eq!(e.code, 403);
        assert_eq!(e.message, "persistentvolumeclaims \"data\" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize");

        let mut pending = old.clone();
        pending["status"]["phase"] = json!("Pending");
        let e = admit_resize(&pending, &grown, &classes).unwrap_err();
        assert_eq!(e.message, "persistentvolumeclaims \"data\" is forbidden: Only bound persistent volume claims can be expanded");
    }
}
