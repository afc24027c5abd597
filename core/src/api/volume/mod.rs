//! Storage helpers shared by the PV controller, the scheduler's volume plugins, the kubelet and
//! admission (kubernetes/kubernetes `staging/src/k8s.io/component-helpers/storage/volume`
//! `helpers.go` and `pv_helpers.go`, `pkg/volume/util/storageclass.go`): the well-known
//! annotations, claim/volume/class accessors, PV/PVC matching ([`pv_helpers`]) and the
//! descriptions of the simulated CSI drivers ([`csi`]).
pub mod csi;
pub mod pv_helpers;

use crate::api::object::{self, array_at, path, set_path, str_at};
use crate::api::quantity::Quantity;
use crate::api::Value;
use crate::json;
use crate::sim::clock::parse_rfc3339;

/// Set on a claim once binding is complete (`AnnBindCompleted`).
pub const ANN_BIND_COMPLETED: &str = "pv.kubernetes.io/bind-completed";
/// Set on a PV or claim bound by the controller rather than pre-bound by the user.
pub const ANN_BOUND_BY_CONTROLLER: &str = "pv.kubernetes.io/bound-by-controller";
/// The node the scheduler chose for a WaitForFirstConsumer claim to be provisioned on.
pub const ANN_SELECTED_NODE: &str = "volume.kubernetes.io/selected-node";
/// The provisioner that created a PV.
pub const ANN_DYNAMICALLY_PROVISIONED: &str = "pv.kubernetes.io/provisioned-by";
/// The provisioner asked to provision a claim (and its deprecated beta twin, still set).
pub const ANN_STORAGE_PROVISIONER: &str = "volume.kubernetes.io/storage-provisioner";
/// The beta spelling of [`ANN_STORAGE_PROVISIONER`].
pub const ANN_BETA_STORAGE_PROVISIONER: &str = "volume.beta.kubernetes.io/storage-provisioner";
/// The deprecated class annotation, read before `spec.storageClassName`.
pub const ANN_BETA_STORAGE_CLASS: &str = "volume.beta.kubernetes.io/storage-class";
/// Marks the default StorageClass.
pub const ANN_DEFAULT_CLASS: &str = "storageclass.kubernetes.io/is-default-class";
/// The beta spelling of [`ANN_DEFAULT_CLASS`].
pub const ANN_BETA_DEFAULT_CLASS: &str = "storageclass.beta.kubernetes.io/is-default-class";
/// The provisioner name of classes that never provision (local volumes).
pub const NO_PROVISIONER: &str = "kubernetes.io/no-provisioner";
/// The finalizer the StorageObjectInUseProtection admission plugin adds to claims.
pub const PVC_PROTECTION_FINALIZER: &str = "kubernetes.io/pvc-protection";
/// The finalizer the StorageObjectInUseProtection admission plugin adds to PVs.
pub const PV_PROTECTION_FINALIZER: &str = "kubernetes.io/pv-protection";

/// `GetPersistentVolumeClaimClass`: the beta annotation, else `spec.storageClassName`, else "".
pub fn claim_class(claim: &Value) -> &str {
    str_at(claim, &["metadata", "annotations", ANN_BETA_STORAGE_CLASS])
        .or_else(|| str_at(claim, &["spec", "storageClassName"]))
        .unwrap_or("")
}

/// `PersistentVolumeClaimHasClass`: the annotation or `spec.storageClassName` is present
/// (even `""`, which asks for no class).
pub fn claim_has_class(claim: &Value) -> bool {
    str_at(claim, &["metadata", "annotations", ANN_BETA_STORAGE_CLASS]).is_some()
        || path(claim, &["spec", "storageClassName"]).is_some_and(|v| !v.is_null())
}

/// `GetPersistentVolumeClass`: the beta annotation, else `spec.storageClassName`, else "".
pub fn volume_class(pv: &Value) -> &str {
    str_at(pv, &["metadata", "annotations", ANN_BETA_STORAGE_CLASS])
        .or_else(|| str_at(pv, &["spec", "storageClassName"]))
        .unwrap_or("")
}

fn quantity_at(obj: &Value, keys: &[&str]) -> Quantity {
    match path(obj, keys) {
        Some(Value::String(s)) => Quantity::parse(s).unwrap_or_default(),
        Some(Value::Number(n)) => Quantity::parse(&n.to_string()).unwrap_or_default(),
        _ => Quantity::ZERO,
    }
}

/// The claim's `spec.resources.requests.storage` (zero when absent).
pub fn requested_storage(claim: &Value) -> Quantity {
    quantity_at(claim, &["spec", "resources", "requests", "storage"])
}

/// The volume's `spec.capacity.storage` (zero when absent).
pub fn volume_capacity(pv: &Value) -> Quantity {
    quantity_at(pv, &["spec", "capacity", "storage"])
}

/// `spec.accessModes`.
pub fn access_modes(obj: &Value) -> Vec<&str> {
    array_at(obj, &["spec", "accessModes"])
        .iter()
        .filter_map(Value::as_str)
        .collect()
}

/// `spec.volumeMode`, `Filesystem` when unset.
pub fn volume_mode(obj: &Value) -> &str {
    str_at(obj, &["spec", "volumeMode"]).unwrap_or("Filesystem")
}

/// `namespace/name` of a claim.
pub fn claim_key(claim: &Value) -> String {
    format!("{}/{}", object::namespace(claim), object::name(claim))
}

/// The StorageClass named `name`.
pub fn find_class<'a>(classes: &'a [Value], name: &str) -> Option<&'a Value> {
    classes.iter().find(|c| object::name(c) == name)
}

/// `volumeBindingMode` of a class (`Immediate` unless `WaitForFirstConsumer`).
pub fn binding_mode(class: &Value) -> &str {
    class
        .get("volumeBindingMode")
        .and_then(Value::as_str)
        .unwrap_or("Immediate")
}

/// `IsDelayBindingMode`: the claim's class exists and binds on first consumer.
pub fn is_delay_binding(claim: &Value, classes: &[Value]) -> bool {
    find_class(classes, claim_class(claim))
        .is_some_and(|c| binding_mode(c) == "WaitForFirstConsumer")
}

/// The claim named `name` in `namespace`.
pub fn find_claim<'a>(claims: &'a [Value], namespace: &str, name: &str) -> Option<&'a Value> {
    claims
        .iter()
        .find(|c| object::namespace(c) == namespace && object::name(c) == name)
}

/// The PersistentVolume named `name`.
pub fn find_volume<'a>(volumes: &'a [Value], name: &str) -> Option<&'a Value> {
    volumes.iter().find(|v| object::name(v) == name)
}

/// A pod volume backed by a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodClaim {
    /// The pod's volume name.
    pub volume: String,
    /// The claim's name (generic ephemeral volumes: `<pod>-<volume>`).
    pub claim: String,
    pub ephemeral: bool,
}

/// The pod's claims: `persistentVolumeClaim` volumes and generic `ephemeral` volumes, whose
/// claim is named `<pod>-<volume>` (`ephemeral.VolumeClaimName`).
pub fn pod_claims(pod: &Value) -> Vec<PodClaim> {
    array_at(pod, &["spec", "volumes"])
        .iter()
        .filter_map(|v| {
            let volume = v
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            if let Some(name) = str_at(v, &["persistentVolumeClaim", "claimName"]) {
                return Some(PodClaim {
                    volume,
                    claim: name.to_string(),
                    ephemeral: false,
                });
            }
            v.get("ephemeral")
                .filter(|e| !e.is_null())
                .map(|_| PodClaim {
                    claim: format!("{}-{volume}", object::name(pod)),
                    volume,
                    ephemeral: true,
                })
        })
        .collect()
}

/// Whether the claim is fully bound (`spec.volumeName` set and binding completed).
pub fn is_claim_fully_bound(claim: &Value) -> bool {
    str_at(claim, &["spec", "volumeName"]).is_some_and(|n| !n.is_empty())
        && str_at(claim, &["metadata", "annotations", ANN_BIND_COMPLETED]).is_some()
}

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

#[cfg(test)]
pub(crate) mod testing {
    //! Builders for the tests of the volume modules.
    use crate::api::Value;
    use crate::json;

    /// A PV of `capacity` with `modes`, `class` and optional extra spec fields.
    pub fn pv(name: &str, capacity: &str, modes: &[&str], class: &str) -> Value {
        json!({"apiVersion": "v1", "kind": "PersistentVolume",
               "metadata": {"name": name, "uid": format!("uid-{name}")},
               "spec": {"capacity": {"storage": capacity}, "accessModes": modes,
                        "storageClassName": class, "persistentVolumeReclaimPolicy": "Retain",
                        "volumeMode": "Filesystem"},
               "status": {"phase": "Available"}})
    }

    /// A claim requesting `request` with `modes`; `class` `None` leaves `storageClassName` unset.
    pub fn pvc(name: &str, request: &str, modes: &[&str], class: Option<&str>) -> Value {
        let mut c = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
               "metadata": {"namespace": "default", "name": name, "uid": format!("uid-{name}")},
               "spec": {"accessModes": modes, "resources": {"requests": {"storage": request}},
                        "volumeMode": "Filesystem"},
               "status": {"phase": "Pending"}});
        if let Some(class) = class {
            c["spec"]["storageClassName"] = json!(class);
        }
        c
    }

    /// A StorageClass.
    pub fn class(name: &str, provisioner: &str, mode: &str) -> Value {
        json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
               "metadata": {"name": name}, "provisioner": provisioner,
               "reclaimPolicy": "Delete", "volumeBindingMode": mode})
    }

    /// A node with labels.
    pub fn node(name: &str, labels: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": labels}})
    }

    /// A gp3 claim bound to `volume` (bind completed, phase Bound).
    pub fn bound(claim: &str, volume: &str) -> Value {
        let mut c = pvc(claim, "1Gi", &["ReadWriteOnce"], Some("gp3"));
        c["spec"]["volumeName"] = json!(volume);
        c["metadata"]["annotations"] = json!({super::ANN_BIND_COMPLETED: "yes"});
        c["status"]["phase"] = json!("Bound");
        c
    }

    /// A bound EBS volume in `zone` (its node affinity names the zone).
    pub fn zonal(name: &str, zone: &str) -> Value {
        let mut v = pv(name, "1Gi", &["ReadWriteOnce"], "gp3");
        v["spec"]["csi"] =
            json!({"driver": "ebs.csi.aws.com", "volumeHandle": format!("vol-{name}")});
        v["spec"]["nodeAffinity"] = json!({"required": {"nodeSelectorTerms": [{"matchExpressions": [
            {"key": "topology.kubernetes.io/zone", "operator": "In", "values": [zone]}]}]}});
        v["status"]["phase"] = json!("Bound");
        v
    }

    /// A pod in `default` using the claims named.
    pub fn pod(name: &str, claims: &[&str]) -> Value {
        let volumes: Vec<Value> = claims
            .iter()
            .map(|c| json!({"name": format!("v-{c}"), "persistentVolumeClaim": {"claimName": c}}))
            .collect();
        json!({"apiVersion": "v1", "kind": "Pod",
               "metadata": {"namespace": "default", "name": name, "uid": format!("uid-{name}")},
               "spec": {"containers": [{"name": "app", "image": "nginx"}], "volumes": volumes}})
    }
}
