//! Admission plugins that need the cluster's state, in kube-apiserver's order
//! (`pkg/kubeapiserver/options/plugins.go` `AllOrderedPlugins`): the mutating phase runs
//! LimitRanger (defaults), Priority, DefaultStorageClass, StorageObjectInUseProtection,
//! RuntimeClass (overhead, scheduling) and the Service IP and node-port allocators; after
//! validation, the validating phase runs LimitRanger, PersistentVolumeClaimResize, RuntimeClass
//! and ResourceQuota last. Objects from the shared data plane (StorageClasses,
//! RuntimeClasses, PriorityClasses) are read in `root`; LimitRanges and ResourceQuotas in the
//! object's workspace and namespace.
use super::status::Status;
use super::{limit_range, quota, runtime_class, storage, Server, ROOT};
use crate::api::kinds::by_kind;
use crate::api::object::{self, array_at, path, set_path};
use crate::api::Value;
use crate::json;
use std::collections::BTreeSet;

/// The field manager of the quota usage the ResourceQuota admission plugin records.
const APISERVER: &str = "kube-apiserver";

/// The PriorityClasses kube-apiserver creates at startup.
pub const SYSTEM_PRIORITY_CLASSES: &[(&str, i64, &str)] = &[
    ("system-cluster-critical", 2_000_000_000, "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."),
    ("system-node-critical", 2_000_001_000, "Used for system critical pods that must not be moved from their current node."),
];

impl Server {
    /// Runs the mutating admission plugins for a create of a built-in kind.
    pub(super) fn admit_create(&mut self, workspace: &str, obj: &mut Value) -> Result<(), Status> {
        match object::kind(obj) {
            "Pod" => {
                let ranges = self.in_namespace(workspace, "LimitRange", obj);
                limit_range::default_pod(obj, &ranges);
                self.admit_priority(obj)?;
                runtime_class::admit(obj, &self.shared("node.k8s.io/v1", "RuntimeClass"))?;
                // The VPA's admission controller is a mutating webhook: after the in-tree
                // mutating plugins (apiserver's admission chain order).
                self.admit_vpa(workspace, obj);
                Ok(())
            }
            "Service" => {
                self.allocate_service_addresses(workspace, obj);
                Ok(())
            }
            "PersistentVolumeClaim" => {
                let classes = self.shared("storage.k8s.io/v1", "StorageClass");
                crate::api::volume::admit_default_class(obj, &classes);
                storage::add_protection_finalizer(obj);
                Ok(())
            }
            "PersistentVolume" => {
                storage::add_protection_finalizer(obj);
                Ok(())
            }
            "ResourceQuota" => {
                // The quota controller's first sync, at write time: admission reads
                // `status.hard`/`status.used`, so a quota constrains from its first write.
                let objects = quota::objects_for(&self.store, workspace, obj);
                let status = quota::quota_status(obj, &objects, self.clock.now_ms());
                set_path(obj, &["status"], status);
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Runs the validating admission plugins for a create (`old` `None`) or an update of a
    /// built-in kind. Returns the ResourceQuotas whose usage grew, to record with
    /// [`Server::charge_quotas`] once the object is stored.
    pub(super) fn admit_validate(
        &self,
        workspace: &str,
        obj: &Value,
        old: Option<&Value>,
    ) -> Result<Vec<Value>, Status> {
        match (object::kind(obj), old) {
            ("Pod", None) => {
                limit_range::validate_pod(obj, &self.in_namespace(workspace, "LimitRange", obj))?;
                runtime_class::validate(obj, &self.shared("node.k8s.io/v1", "RuntimeClass"))?;
            }
            ("PersistentVolumeClaim", _) => {
                if let Some(old) = old {
                    storage::admit_resize(
                        old,
                        obj,
                        &self.shared("storage.k8s.io/v1", "StorageClass"),
                    )?;
                }
                limit_range::validate_claim(obj, &self.in_namespace(workspace, "LimitRange", obj))?;
            }
            // Only claims and Services are charged on update (the evaluators' `Handles`).
            (_, Some(_)) if object::kind(obj) != "Service" => return Ok(vec![]),
            _ => {}
        }
        if object::namespace(obj).is_empty() {
            return Ok(vec![]);
        }
        let quotas = self.in_namespace(workspace, "ResourceQuota", obj);
        if quotas.is_empty() {
            return Ok(vec![]);
        }
        quota::admit(obj, old, &quotas, self.clock.now_ms())
    }

    /// Records the usage the ResourceQuota admission plugin charged.
    pub(super) fn charge_quotas(&mut self, workspace: &str, quotas: Vec<Value>) {
        if quotas.is_empty() {
            return;
        }
        let manager = std::mem::replace(&mut self.manager, APISERVER.to_string());
        for q in quotas {
            let _ = self.update_status(workspace, &q);
        }
        self.manager = manager;
    }

    /// The objects of built-in `kind` in the namespace of `obj`.
    fn in_namespace(&self, workspace: &str, kind: &str, obj: &Value) -> Vec<Value> {
        let info = by_kind(Some("v1"), kind).expect("served");
        let ns = object::namespace(obj);
        self.list(workspace, info, Some(ns)).cloned().collect()
    }

    /// The objects of a shared data-plane kind (written in `root`).
    fn shared(&self, api_version: &str, kind: &str) -> Vec<Value> {
        let info = by_kind(Some(api_version), kind).expect("served");
        self.list(ROOT, info, None).cloned().collect()
    }

    /// The Priority admission plugin (plugin/pkg/admission/priority).
    fn admit_priority(&mut self, pod: &mut Value) -> Result<(), Status> {
        let pc_info = by_kind(Some("scheduling.k8s.io/v1"), "PriorityClass").expect("served");
        let classes: Vec<Value> = self.list(super::ROOT, pc_info, None).cloned().collect();
        let name = object::str_at(pod, &["spec", "priorityClassName"])
            .unwrap_or("")
            .to_string();
        let class = if name.is_empty() {
            classes.iter().find(|c| c["globalDefault"] == true)
        } else {
            match classes.iter().find(|c| object::name(c) == name) {
                Some(c) => Some(c),
                None => {
                    return Err(Status::new(
                        403,
                        "Forbidden",
                        format!(
                            "pods \"{}\" is forbidden: no PriorityClass with name {name} was found",
                            object::name(pod)
                        ),
                    ))
                }
            }
        };
        let (value, policy) = match class {
            Some(c) => (
                c["value"].as_i64().unwrap_or(0),
                c["preemptionPolicy"]
                    .as_str()
                    .unwrap_or("PreemptLowerPriority")
                    .to_string(),
            ),
            None => (0, "PreemptLowerPriority".to_string()),
        };
        if let Some(p) = path(pod, &["spec", "priority"]).and_then(Value::as_i64) {
            if p != value {
                return Err(Status::new(
                    403,
                    "Forbidden",
                    format!(
                        "pods \"{}\" is forbidden: the integer value of priority ({p}) must not be provided in pod spec; priority admission controller computed {value} from the given PriorityClass name",
                        object::name(pod)
                    ),
                ));
            }
        }
        if let Some(c) = class {
            set_path(pod, &["spec", "priorityClassName"], json!(object::name(c)));
        }
        set_path(pod, &["spec", "priority"], json!(value));
        set_path(pod, &["spec", "preemptionPolicy"], json!(policy));
        Ok(())
    }

    /// The ClusterIP allocator (service CIDR 10.96.0.0/12, `.1` is the `kubernetes` Service)
    /// and the node-port allocator (30000–32767), both random as upstream, from the seeded RNG.
    fn allocate_service_addresses(&mut self, workspace: &str, svc: &mut Value) {
        let svc_info = by_kind(Some("v1"), "Service").expect("served");
        let services: Vec<Value> = self.list(workspace, svc_info, None).cloned().collect();
        let kind = object::str_at(svc, &["spec", "type"])
            .unwrap_or("ClusterIP")
            .to_string();
        if kind == "ExternalName" {
            return;
        }
        let headless = object::str_at(svc, &["spec", "clusterIP"]) == Some("None");
        if !headless && object::str_at(svc, &["spec", "clusterIP"]).is_none_or(str::is_empty) {
            let used: BTreeSet<&str> = services
                .iter()
                .filter_map(|s| object::str_at(s, &["spec", "clusterIP"]))
                .collect();
            let ip = loop {
                // 10.96.0.0/12 holds 2^20 addresses; skip the network address and .1.
                let n = 2 + self.rng.below((1 << 20) - 3) as u32;
                let ip = format!("10.{}.{}.{}", 96 + (n >> 16), (n >> 8) & 0xff, n & 0xff);
                if !used.contains(ip.as_str()) {
                    break ip;
                }
            };
            set_path(svc, &["spec", "clusterIP"], json!(ip));
            set_path(svc, &["spec", "clusterIPs"], json!([ip]));
        }
        if kind == "NodePort" || kind == "LoadBalancer" {
            let used: BTreeSet<i64> = services
                .iter()
                .flat_map(|s| {
                    array_at(s, &["spec", "ports"])
                        .iter()
                        .filter_map(|p| p["nodePort"].as_i64())
                })
                .collect();
            for port in svc
                .pointer_mut("/spec/ports")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                if port.get("nodePort").is_none_or(Value::is_null) {
                    let n = loop {
                        let n = 30000 + self.rng.below(2768) as i64;
                        if !used.contains(&n) {
                            break n;
                        }
                    };
                    port["nodePort"] = json!(n);
                }
            }
        }
        if kind == "LoadBalancer" {
            set_path(svc, &["status", "loadBalancer"], json!({}));
        }
    }
}
