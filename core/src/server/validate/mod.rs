//! Validation at the API server's strictness: the `Validate*` functions of
//! pkg/apis/*/validation and apimachinery's ObjectMeta validation, with upstream's field
//! paths and messages. Objects are validated after defaulting, as upstream does.
//!
//! [`validate`] is what a create checks and [`validate_update`] what an update checks (the new
//! object's spec, the metadata update rules, immutable fields); each returns the `field.Error`
//! list that becomes a 422 `Invalid` Status.
mod apps;
mod batch;
mod core_kinds;
mod meta;
pub mod names;
mod networking;
mod pod;
mod policy;
pub mod render;
mod sim;
mod storage_rbac;

pub use batch::load_location;
pub use core_kinds::MAX_SECRET_SIZE;
pub use meta::{field_manager, FIELD_MANAGER_MAX_LENGTH, TOTAL_ANNOTATION_SIZE_LIMIT};
pub use policy::HIGHEST_USER_DEFINABLE_PRIORITY;

use super::status::{FieldError, Status};
use crate::api::{KindInfo, Value};
use names::NameFormat;

/// Namespaces the NamespaceLifecycle admission plugin never lets go.
pub const IMMORTAL_NAMESPACES: &[&str] = &["default", "kube-system", "kube-public"];

/// The NamespaceLifecycle admission plugin on delete
/// (staging/src/k8s.io/apiserver/pkg/admission/plugin/namespace/lifecycle/admission.go):
/// `namespaces "default" is forbidden: this namespace may not be deleted`.
pub fn check_delete(info: &KindInfo, name: &str) -> Result<(), Status> {
    if info.group.is_empty() && info.kind == "Namespace" && IMMORTAL_NAMESPACES.contains(&name) {
        return Err(Status::forbidden(
            info,
            name,
            "this namespace may not be deleted",
        ));
    }
    Ok(())
}

/// `ValidatePatchOptions` for an apply patch: the field manager is required and at most 128
/// bytes of printable characters (`PatchOptions.meta.k8s.io "" is invalid: ...`).
pub fn check_apply_options(manager: &str) -> Result<(), Status> {
    let mut errs = Vec::new();
    if manager.is_empty() {
        errs.push(FieldError::required(
            "fieldManager",
            "is required for apply patch",
        ));
    }
    errs.extend(meta::field_manager(manager, "fieldManager"));
    if errs.is_empty() {
        Ok(())
    } else {
        Err(Status::invalid_kind(
            "meta.k8s.io",
            "PatchOptions",
            "",
            errs,
        ))
    }
}

/// A list of field errors (`field.ErrorList`).
pub type Errors = Vec<FieldError>;

/// The errors of a new object (`Validate<Kind>` / `Validate<Kind>Create`).
pub fn validate(info: &KindInfo, obj: &Value) -> Errors {
    let mut errs = Vec::new();
    create(info, obj, &mut errs);
    errs
}

fn create(info: &KindInfo, obj: &Value, errs: &mut Errors) {
    let group = info.group;
    match (group, info.kind) {
        ("", "Pod") => pod::pod_create(obj, errs),
        ("", "Service") => core_kinds::service(obj, errs),
        ("", "ConfigMap") => core_kinds::config_map(obj, errs),
        ("", "Secret") => core_kinds::secret(obj, errs),
        ("", "Namespace") => core_kinds::namespace(obj, errs),
        ("", "Node") => core_kinds::node(obj, errs),
        ("", "ServiceAccount") => core_kinds::service_account(obj, errs),
        ("", "ResourceQuota") => core_kinds::resource_quota(obj, errs),
        ("", "LimitRange") => core_kinds::limit_range(obj, errs),
        ("", "PersistentVolume") => core_kinds::persistent_volume(obj, errs),
        ("", "PersistentVolumeClaim") => core_kinds::persistent_volume_claim(obj, errs),
        ("", "PodTemplate") => core_kinds::pod_template(obj, errs),
        ("", "ReplicationController") => core_kinds::replication_controller(obj, errs),
        ("apps", "Deployment") => apps::deployment(obj, errs),
        ("apps", "ReplicaSet") => apps::replica_set(obj, errs),
        ("apps", "StatefulSet") => apps::stateful_set(obj, errs),
        ("apps", "DaemonSet") => apps::daemon_set(obj, errs),
        ("apps", "ControllerRevision") => apps::controller_revision(obj, errs),
        ("batch", "Job") => batch::job(obj, errs),
        ("batch", "CronJob") => batch::cron_job(obj, errs),
        ("policy", "PodDisruptionBudget") => policy::pod_disruption_budget(obj, errs),
        ("scheduling.k8s.io", "PriorityClass") => policy::priority_class(obj, errs),
        ("autoscaling", "HorizontalPodAutoscaler") => {
            policy::horizontal_pod_autoscaler(obj, None, errs)
        }
        ("sim.kplane.dev", "LoadProfile") => sim::load_profile(obj, errs),
        ("sim.kplane.dev", "Queue") => sim::queue(obj, errs),
        ("networking.k8s.io", "NetworkPolicy") => networking::network_policy(obj, errs),
        ("networking.k8s.io", "Ingress") => networking::ingress(obj, errs),
        ("networking.k8s.io", "IngressClass") => networking::ingress_class(obj, errs),
        ("storage.k8s.io", "StorageClass") => storage_rbac::storage_class(obj, errs),
        ("rbac.authorization.k8s.io", "Role") => storage_rbac::role(obj, true, errs),
        ("rbac.authorization.k8s.io", "ClusterRole") => storage_rbac::role(obj, false, errs),
        ("rbac.authorization.k8s.io", "RoleBinding") => storage_rbac::role_binding(obj, true, errs),
        ("rbac.authorization.k8s.io", "ClusterRoleBinding") => {
            storage_rbac::role_binding(obj, false, errs)
        }
        _ => meta::object_meta(obj, info.namespaced, generic_name_format(info), errs),
    }
}

/// The name rule of kinds validated by their metadata only: DNS subdomains for the built-in
/// ones (Endpoints, Event, Lease, RuntimeClass, ...), path segments for custom resources
/// (`rest.BeforeCreate`'s generic check).
fn generic_name_format(info: &KindInfo) -> NameFormat {
    const BUILT_IN: &[&str] = &[
        "",
        "apps",
        "batch",
        "policy",
        "autoscaling",
        "networking.k8s.io",
        "storage.k8s.io",
        "scheduling.k8s.io",
        "node.k8s.io",
        "coordination.k8s.io",
        "discovery.k8s.io",
        "events.k8s.io",
        "admissionregistration.k8s.io",
    ];
    if BUILT_IN.contains(&info.group) {
        NameFormat::Dns1123Subdomain
    } else {
        NameFormat::PathSegment
    }
}

/// The errors of an update (`Validate<Kind>Update`): the new object's spec as on create, the
/// metadata update rules (names are not checked again), and the kind's immutable fields.
pub fn validate_update(info: &KindInfo, old: &Value, new: &Value) -> Errors {
    let mut errs = Vec::new();
    let e = &mut errs;
    match (info.group, info.kind) {
        ("", "Pod") => pod::pod_update(new, old, e),
        ("", "Service") => core_kinds::service_update(old, new, e),
        ("", "Node") => core_kinds::node_update(old, new, e),
        ("", "ResourceQuota") => core_kinds::resource_quota_update(old, new, e),
        ("", "PersistentVolume") => core_kinds::persistent_volume_update(old, new, e),
        ("", "PersistentVolumeClaim") => core_kinds::persistent_volume_claim_update(old, new, e),
        ("batch", "Job") => batch::job_update(old, new, e),
        ("batch", "CronJob") => batch::cron_job_update(old, new, e),
        ("autoscaling", "HorizontalPodAutoscaler") => {
            policy::horizontal_pod_autoscaler(new, Some(old), e)
        }
        (group, kind) => {
            // The create checks without the metadata ones (ValidateObjectMetaUpdate replaces
            // them), then the kind's update rules.
            create(info, new, e);
            e.retain(|err| !err.field.starts_with("metadata."));
            match (group, kind) {
                ("", "ConfigMap" | "Secret") => {
                    core_kinds::immutable_data_update(kind, old, new, e)
                }
                ("apps", _) => apps::update(kind, old, new, e),
                ("scheduling.k8s.io", "PriorityClass") => {
                    policy::priority_class_update(old, new, e)
                }
                ("storage.k8s.io", "StorageClass") => {
                    storage_rbac::storage_class_update(old, new, e)
                }
                ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding") => {
                    storage_rbac::role_binding_update(old, new, e)
                }
                _ => meta::object_meta_update(new, old, e),
            }
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::kinds::by_kind;
    use crate::json;

    #[test]
    fn kinds_without_their_own_rules_check_their_metadata() {
        let lease = by_kind(None, "Lease").unwrap();
        let errs = validate(
            lease,
            &json!({"metadata": {"name": "Bad_Name", "namespace": "default"}}),
        );
        assert!(errs[0].to_string().starts_with(
            "metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain"
        ));
        let so = by_kind(None, "ScaledObject").unwrap();
        let errs = validate(
            so,
            &json!({"metadata": {"name": "a/b", "namespace": "default"}}),
        );
        assert_eq!(
            errs[0].to_string(),
            "metadata.name: Invalid value: \"a/b\": may not contain '/'"
        );
    }

    #[test]
    fn updates_do_not_check_names_again() {
        let cm = by_kind(None, "ConfigMap").unwrap();
        let old = json!({"metadata": {"name": "c", "namespace": "default", "uid": "u"}, "data": {"a": "1"}});
        let new = json!({"metadata": {"name": "c", "namespace": "default", "uid": "u", "labels": {"a": "b c"}}, "data": {"a": "1"}});
        let errs: Vec<String> = validate_update(cm, &old, &new)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].starts_with("metadata.labels: Invalid value: \"b c\""));
    }
}
