//! The storage admission plugins (kubernetes/kubernetes `plugin/pkg/admission/storage`):
//! - DefaultStorageClass (`storageclass/setdefault`): a claim created without a class gets the
//!   default one ([`crate::api::volume::admit_default_class`]);
//! - StorageObjectInUseProtection (`storageobjectinuseprotection`): claims and volumes are
//!   created with their protection finalizers, which the PV controller lifts once nothing uses
//!   them;
//! - PersistentVolumeClaimResize (`persistentvolume/resize`): a claim may only grow when it is
//!   bound and its class allows expansion.
use super::status::{admission_name, Status};
use crate::api::kinds::by_kind;
use crate::api::object::{self, array_at, set_path, str_at};
use crate::api::volume::{
    claim_class, find_class, requested_storage, PVC_PROTECTION_FINALIZER, PV_PROTECTION_FINALIZER,
};
use crate::api::Value;

/// StorageObjectInUseProtection on a create: the claim's or volume's protection finalizer.
pub fn add_protection_finalizer(obj: &mut Value) {
    let finalizer = match object::kind(obj) {
        "PersistentVolumeClaim" => PVC_PROTECTION_FINALIZER,
        "PersistentVolume" => PV_PROTECTION_FINALIZER,
        _ => return,
    };
    let mut finalizers: Vec<Value> = array_at(obj, &["metadata", "finalizers"]).to_vec();
    if finalizers.iter().any(|f| f.as_str() == Some(finalizer)) {
        return;
    }
    finalizers.push(Value::from(finalizer));
    set_path(obj, &["metadata", "finalizers"], Value::from(finalizers));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn class(name: &str, expand: Option<bool>) -> Value {
        let mut c = json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
            "metadata": {"name": name}, "provisioner": "ebs.csi.aws.com"});
        if let Some(e) = expand {
            c["allowVolumeExpansion"] = json!(e);
        }
        c
    }

    fn claim(class: &str, size: &str, phase: &str) -> Value {
        json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": {"namespace": "default", "name": "data"},
            "spec": {"storageClassName": class, "accessModes": ["ReadWriteOnce"],
                     "resources": {"requests": {"storage": size}}},
            "status": {"phase": phase}})
    }

    /// resize/admission_test.go TestPVCResizeAdmission: growing needs a bound claim of a class
    /// with `allowVolumeExpansion: true`; shrinking is left to validation.
    #[test]
    fn resize_admission() {
        let classes = [class("gp3", Some(true)), class("std", None)];
        let old = claim("gp3", "5Gi", "Bound");
        let grown = claim("gp3", "10Gi", "Bound");
        assert!(admit_resize(&old, &grown, &classes).is_ok());
        assert!(admit_resize(&grown, &old, &classes).is_ok());
        let e = admit_resize(
            &claim("std", "5Gi", "Bound"),
            &claim("std", "10Gi", "Bound"),
            &classes,
        )
        .unwrap_err();
        assert_eq!(e.code, 403);
        assert_eq!(e.message, "persistentvolumeclaims \"data\" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize");
        let e = admit_resize(&claim("gp3", "5Gi", "Pending"), &grown, &classes).unwrap_err();
        assert_eq!(e.message, "persistentvolumeclaims \"data\" is forbidden: Only bound persistent volume claims can be expanded");
    }

    #[test]
    fn protection_finalizers_are_added_once() {
        let mut c = claim("gp3", "1Gi", "Pending");
        add_protection_finalizer(&mut c);
        add_protection_finalizer(&mut c);
        assert_eq!(
            c["metadata"]["finalizers"],
            json!(["kubernetes.io/pvc-protection"])
        );
        let mut pv =
            json!({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pv1"}});
        add_protection_finalizer(&mut pv);
        assert_eq!(
            pv["metadata"]["finalizers"],
            json!(["kubernetes.io/pv-protection"])
        );
    }
}
