//! The PersistentVolume controller as a control loop (kube-controller-manager's
//! `persistentvolume-binder`, pkg/controller/volume/persistentvolume/pv_controller_base.go):
//! claims and volumes are reconciled per key with the pure decisions of [`super::binding`] and
//! [`super::provisioning`]. Folded into the same loop, as their own controllers would do it:
//! - the `pvc-protection` and `pv-protection` controllers (pkg/controller/volume/pvcprotection,
//!   pvprotection): a claim being deleted loses its finalizer once no pod uses it, a volume
//!   being deleted once it is not `Bound`;
//! - deletion of a released volume with the `Delete` reclaim policy (the external provisioner's
//!   job for CSI volumes);
//! - expansion (external-resizer and the kubelet's `NodeExpandVolume`, collapsed): a bound
//!   claim asking for more than its capacity gets it.
//!
//! Claims live in workspaces, volumes in `root` (the shared data plane): a volume bound to a
//! claim of another workspace names it in the [`ANN_CLAIM_WORKSPACE`] annotation, and a claim
//! only sees the free volumes and those bound to claims of its own workspace.
use super::binding::{sync_claim, sync_volume};
use super::provisioning::expand;
use super::{
    claim_class, find_class, pod_claims, requested_storage, VolumeEvent, PVC_PROTECTION_FINALIZER,
    PV_PROTECTION_FINALIZER,
};
use crate::api::object::{self, array_at, path, set_path, str_at};
use crate::api::quantity::Quantity;
use crate::api::Value;
use crate::controllers::kind;
use crate::runtime::{Action, Controller};
use crate::server::status::Status;
use crate::server::{EventType, Server, ROOT};
use crate::store::{Key, Store, WatchEvent};

/// The workspace of the claim a `root` PersistentVolume is bound to, when it is not `root`
/// (a PV's `claimRef` has no field for it: kplane's shared data plane needs one).
pub const ANN_CLAIM_WORKSPACE: &str = "sim.kplane.dev/claim-workspace";

/// The Event source of the controller.
pub const COMPONENT: &str = "persistentvolume-controller";

const CLAIMS: &str = "persistentvolumeclaims";
const VOLUMES: &str = "persistentvolumes";
const CLASSES: &str = "storageclasses.storage.k8s.io";

/// The workspace of the claim `pv` is bound to.
pub fn claim_workspace(pv: &Value) -> &str {
    str_at(pv, &["metadata", "annotations", ANN_CLAIM_WORKSPACE]).unwrap_or(ROOT)
}

/// The key of the claim `pv`'s `claimRef` names.
pub fn claim_key_of(pv: &Value) -> Option<Key> {
    let ns = str_at(pv, &["spec", "claimRef", "namespace"])?;
    let name = str_at(pv, &["spec", "claimRef", "name"])?;
    Some(Key::new(claim_workspace(pv), CLAIMS, ns, name))
}

/// The volumes a claim of `workspace` may see: free ones and those bound to claims of its
/// workspace.
pub fn visible_volumes(s: &Server, workspace: &str) -> Vec<Value> {
    s.store
        .list(ROOT, VOLUMES, None)
        .map(|(_, v)| v)
        .filter(|v| {
            path(v, &["spec", "claimRef"]).is_none_or(Value::is_null)
                || claim_workspace(v) == workspace
        })
        .cloned()
        .collect()
}

/// The StorageClasses (shared data plane).
pub fn classes(s: &Server) -> Vec<Value> {
    s.store
        .list(ROOT, CLASSES, None)
        .map(|(_, v)| v.clone())
        .collect()
}

/// Writes `obj` (a claim in `workspace` or a PV in `root`) as the controller computed it: its
/// metadata and spec through an update, its status through the status subresource.
pub fn write(s: &mut Server, workspace: &str, obj: &Value) -> Result<Value, Status> {
    let info = kind("v1", object::kind(obj));
    let Some(stored) = s
        .get(workspace, info, object::namespace(obj), object::name(obj))
        .cloned()
    else {
        return Err(Status::not_found(info, object::name(obj)));
    };
    let mut current = stored.clone();
    let strip = |v: &Value| {
        let mut v = v.clone();
        if let Some(m) = v.as_object_mut() {
            m.shift_remove("status");
        }
        if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
            m.shift_remove("resourceVersion");
            m.shift_remove("managedFields");
        }
        v
    };
    if strip(obj) != strip(&stored) {
        let mut next = obj.clone();
        set_path(
            &mut next,
            &["metadata", "resourceVersion"],
            stored["metadata"]["resourceVersion"].clone(),
        );
        current = s.update(workspace, next)?;
    }
    if obj.get("status") != current.get("status") {
        let mut next = current.clone();
        set_path(
            &mut next,
            &["status"],
            obj.get("status").cloned().unwrap_or(Value::Null),
        );
        current = s.update_status(workspace, &next)?;
    }
    Ok(current)
}

/// Records the Events of a sync on the objects they name (claims in `workspace`, volumes in
/// `root`).
fn record(s: &mut Server, workspace: &str, events: Vec<VolumeEvent>, component: &str) {
    for e in events {
        let (ws, info) = match e.kind {
            "PersistentVolume" => (ROOT, kind("v1", "PersistentVolume")),
            "Pod" => (workspace, kind("v1", "Pod")),
            _ => (workspace, kind("v1", "PersistentVolumeClaim")),
        };
        let Some(obj) = s.get(ws, info, &e.namespace, &e.name).cloned() else {
            continue;
        };
        let t = if e.warning {
            EventType::Warning
        } else {
            EventType::Normal
        };
        s.event(ws, &obj, t, e.reason, &e.message, component);
    }
}

/// Whether an active or terminating pod of the claim's workspace and namespace mounts it
/// (`podUsesPVC` of the pvc-protection controller; terminal pods do not count).
fn claim_in_use(s: &Server, workspace: &str, claim: &Value) -> bool {
    let name = object::name(claim);
    s.store
        .list(workspace, "pods", Some(object::namespace(claim)))
        .map(|(_, p)| p)
        .filter(|p| {
            !matches!(
                str_at(p, &["status", "phase"]),
                Some("Succeeded" | "Failed")
            )
        })
        .any(|p| pod_claims(p).iter().any(|c| c.claim == name))
}

/// Lifts `finalizer` from `obj` (in `workspace`).
fn lift_finalizer(s: &mut Server, workspace: &str, obj: &Value, finalizer: &str) -> Action {
    let rest: Vec<Value> = array_at(obj, &["metadata", "finalizers"])
        .iter()
        .filter(|f| f.as_str() != Some(finalizer))
        .cloned()
        .collect();
    if rest.len() == array_at(obj, &["metadata", "finalizers"]).len() {
        return Action::AwaitChange;
    }
    let mut next = obj.clone();
    set_path(&mut next, &["metadata", "finalizers"], Value::from(rest));
    match s.update(workspace, next) {
        Ok(_) => Action::AwaitChange,
        Err(_) => Action::Retry,
    }
}

/// The PersistentVolume controller (binding, phases, reclaim, protection, expansion).
#[derive(Debug, Default)]
pub struct PersistentVolumeController;

impl Controller for PersistentVolumeController {
    fn name(&self) -> &'static str {
        "persistentvolume-binder-controller"
    }
    fn manager(&self) -> &'static str {
        crate::controllers::KCM
    }
    fn watches(&self) -> &'static [&'static str] {
        &[CLAIMS, VOLUMES, CLASSES, "pods"]
    }
    fn keys(&self, store: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        let o = &e.object;
        match &*e.key.resource {
            CLAIMS => {
                out.push(e.key.clone());
                if let Some(v) = str_at(o, &["spec", "volumeName"]).filter(|v| !v.is_empty()) {
                    out.push(Key::new(ROOT, VOLUMES, "", v));
                }
            }
            VOLUMES => {
                out.push(e.key.clone());
                out.extend(claim_key_of(o));
            }
            CLASSES => {
                // A new or changed class may provision or default the claims still pending.
                out.extend(
                    store
                        .list_all(CLAIMS)
                        .filter(|(_, c)| str_at(c, &["status", "phase"]) != Some("Bound"))
                        .map(|(k, _)| k.clone()),
                );
            }
            _ => {
                // Pods: the WaitForFirstConsumer messages of unscheduled pods, and the
                // protection of claims whose pods go away.
                let unscheduled = crate::api::pod::node_name(o).is_none();
                let leaving = e.kind == crate::store::EventType::Deleted
                    || object::is_terminating(o)
                    || matches!(
                        str_at(o, &["status", "phase"]),
                        Some("Succeeded" | "Failed")
                    );
                if unscheduled || leaving {
                    for c in pod_claims(o) {
                        out.push(Key::new(
                            &e.key.workspace,
                            CLAIMS,
                            &e.key.namespace,
                            &c.claim,
                        ));
                    }
                }
            }
        }
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        crate::runtime::all_keys(store, CLAIMS, out);
        crate::runtime::all_keys(store, VOLUMES, out);
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        match &*key.resource {
            CLAIMS => sync_claim_key(s, key),
            VOLUMES => sync_volume_key(s, key),
            _ => Action::AwaitChange,
        }
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

fn sync_claim_key(s: &mut Server, key: &Key) -> Action {
    let Some(claim) = s.store.get(key).cloned() else {
        return Action::AwaitChange;
    };
    let ws = key.workspace.to_string();
    if object::is_terminating(&claim) {
        if claim_in_use(s, &ws, &claim) {
            return Action::AwaitChange;
        }
        return lift_finalizer(s, &ws, &claim, PVC_PROTECTION_FINALIZER);
    }
    let volumes = visible_volumes(s, &ws);
    let classes = classes(s);
    let pods: Vec<Value> = s
        .store
        .list(&ws, "pods", Some(&key.namespace))
        .map(|(_, p)| p.clone())
        .collect();
    let now = s.clock.rfc3339();
    let result = sync_claim(&claim, &volumes, &classes, &pods, &now);
    let mut failed = false;
    for w in &result.writes {
        let mut w = w.clone();
        let target = if object::kind(&w) == "PersistentVolume" {
            if ws != ROOT && path(&w, &["spec", "claimRef"]).is_some_and(|r| !r.is_null()) {
                set_path(
                    &mut w,
                    &["metadata", "annotations", ANN_CLAIM_WORKSPACE],
                    Value::from(ws.as_str()),
                );
            }
            ROOT
        } else {
            ws.as_str()
        };
        failed |= write(s, target, &w).is_err();
    }
    record(s, &ws, result.events, COMPONENT);
    if failed {
        return Action::Retry;
    }
    expand_claim(s, &ws, key)
}

/// Expansion of a bound claim whose request grew past its capacity (the resize admission
/// plugin already checked that its class allows it).
fn expand_claim(s: &mut Server, ws: &str, key: &Key) -> Action {
    let Some(claim) = s.store.get(key).cloned() else {
        return Action::AwaitChange;
    };
    if str_at(&claim, &["status", "phase"]) != Some("Bound") {
        return Action::AwaitChange;
    }
    let capacity = path(&claim, &["status", "capacity", "storage"])
        .and_then(Value::as_str)
        .and_then(|q| Quantity::parse(q).ok())
        .unwrap_or_default();
    if requested_storage(&claim) <= capacity {
        return Action::AwaitChange;
    }
    let expandable = find_class(&classes(s), claim_class(&claim))
        .and_then(|c| c.get("allowVolumeExpansion"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let volume = str_at(&claim, &["spec", "volumeName"]).unwrap_or("");
    let Some(pv) = s
        .get(ROOT, kind("v1", "PersistentVolume"), "", volume)
        .cloned()
    else {
        return Action::AwaitChange;
    };
    if !expandable {
        return Action::AwaitChange;
    }
    let driver = str_at(&pv, &["spec", "csi", "driver"])
        .unwrap_or("")
        .to_string();
    let component = format!("external-resizer {driver}");
    s.event(
        ws,
        &claim,
        EventType::Normal,
        "Resizing",
        &format!("External resizer is resizing volume {volume}"),
        &component,
    );
    let (new_pv, new_claim) = expand(&pv, &claim);
    if write(s, ROOT, &new_pv).is_err() || write(s, ws, &new_claim).is_err() {
        return Action::Retry;
    }
    if let Some(claim) = s.store.get(key).cloned() {
        s.event(
            ws,
            &claim,
            EventType::Normal,
            "VolumeResizeSuccessful",
            "Resize volume succeeded",
            &component,
        );
    }
    Action::AwaitChange
}

fn sync_volume_key(s: &mut Server, key: &Key) -> Action {
    let Some(pv) = s.store.get(key).cloned() else {
        return Action::AwaitChange;
    };
    if object::is_terminating(&pv) {
        if str_at(&pv, &["status", "phase"]) == Some("Bound") {
            return Action::AwaitChange;
        }
        return lift_finalizer(s, ROOT, &pv, PV_PROTECTION_FINALIZER);
    }
    let ws = claim_workspace(&pv).to_string();
    let ns = str_at(&pv, &["spec", "claimRef", "namespace"]).unwrap_or("");
    let claims: Vec<Value> = if ns.is_empty() {
        Vec::new()
    } else {
        s.store
            .list(&ws, CLAIMS, Some(ns))
            .map(|(_, c)| c.clone())
            .collect()
    };
    let now = s.clock.rfc3339();
    let result = sync_volume(&pv, &claims, &now);
    let mut failed = false;
    for w in &result.writes {
        let target = if object::kind(w) == "PersistentVolume" {
            ROOT
        } else {
            ws.as_str()
        };
        failed |= write(s, target, w).is_err();
    }
    record(s, &ws, result.events, COMPONENT);
    if let Some(name) = result.delete_volume {
        // The external provisioner deletes the backing volume, then the PV.
        failed |= s
            .delete(ROOT, kind("v1", "PersistentVolume"), "", &name, None, None)
            .is_err();
    }
    if failed {
        Action::Retry
    } else {
        Action::AwaitChange
    }
}
