//! The attach/detach controller (pkg/controller/volume/attachdetach) with the CSI external
//! attacher folded in: a volume of a driver that needs attaching (`ebs.csi.aws.com`) is
//! attached to the nodes of the pods that use it, as a `VolumeAttachment` named as the CSI
//! attacher names it (`csi-<sha256(handle + driver + node)>`) with `status.attached: true`,
//! and detached (the VolumeAttachment deleted) once no pod on the node uses it. A volume that
//! may not multi-attach (not ReadWriteMany/ReadOnlyMany) stays on its node: pods on other nodes
//! get `FailedAttachVolume` with the Multi-Attach error ([`super::csi::attach_check`]) and wait
//! in `ContainerCreating` (the kubelet mounts only attached volumes).
//!
//! Reconciled per PersistentVolume (in `root`); pods, claims and VolumeAttachments map to the
//! volumes they concern.
use super::controller::{claim_key_of, claim_workspace};
use super::csi::{
    attach_check, attachment_name, driver, exclusively_attached_message, multi_attach_allowed,
    VOLUME_ATTACHMENTS as ATTACHMENTS,
};
use super::pod_claims;
use crate::api::object::{self, str_at};
use crate::api::Value;
use crate::controllers::kind;
use crate::json;
use crate::runtime::{Action, Controller};
use crate::server::{EventType, Server, ROOT};
use crate::store::{Key, Store, WatchEvent};
use std::collections::BTreeSet;

/// The Event source.
pub const COMPONENT: &str = "attachdetach-controller";

/// The VolumeAttachments of the volume `pv` (every node).
pub fn attachments_of<'a>(s: &'a Server, pv: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    s.store
        .list(ROOT, ATTACHMENTS, None)
        .map(|(_, v)| v)
        .filter(move |a| str_at(a, &["spec", "source", "persistentVolumeName"]) == Some(pv))
}

/// The attach/detach controller.
#[derive(Debug, Default)]
pub struct AttachDetachController;

fn volume_key(name: &str) -> Key {
    Key::new(ROOT, "persistentvolumes", "", name)
}

impl Controller for AttachDetachController {
    fn name(&self) -> &'static str {
        "attachdetach-controller"
    }
    fn manager(&self) -> &'static str {
        crate::controllers::KCM
    }
    fn watches(&self) -> &'static [&'static str] {
        &[
            "pods",
            "persistentvolumeclaims",
            "persistentvolumes",
            ATTACHMENTS,
        ]
    }
    fn keys(&self, store: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        let o = &e.object;
        match &*e.key.resource {
            "pods" => {
                if crate::api::pod::node_name(o).is_none() {
                    return;
                }
                for c in pod_claims(o) {
                    let k = Key::new(
                        &e.key.workspace,
                        "persistentvolumeclaims",
                        &e.key.namespace,
                        &c.claim,
                    );
                    if let Some(v) = store
                        .get(&k)
                        .and_then(|c| str_at(c, &["spec", "volumeName"]))
                        .filter(|v| !v.is_empty())
                    {
                        out.push(volume_key(v));
                    }
                }
            }
            "persistentvolumeclaims" => {
                if let Some(v) = str_at(o, &["spec", "volumeName"]).filter(|v| !v.is_empty()) {
                    out.push(volume_key(v));
                }
            }
            "persistentvolumes" => out.push(e.key.clone()),
            _ => {
                if let Some(v) = str_at(o, &["spec", "source", "persistentVolumeName"]) {
                    out.push(volume_key(v));
                }
            }
        }
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        crate::runtime::all_keys(store, "persistentvolumes", out);
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        sync(s, key)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// The pods (of the claim's workspace and namespace) with a node that use the volume's claim,
/// not finished, oldest first.
fn users(s: &Server, pv: &Value) -> (String, Vec<Value>, Vec<Value>) {
    let Some(claim) = claim_key_of(pv) else {
        return (ROOT.into(), vec![], vec![]);
    };
    let ws = claim_workspace(pv).to_string();
    let claims: Vec<Value> = s.store.get(&claim).cloned().into_iter().collect();
    let mut pods: Vec<Value> = s
        .store
        .list(&ws, "pods", Some(&claim.namespace))
        .map(|(_, p)| p)
        .filter(|p| {
            crate::api::pod::node_name(p).is_some()
                && !matches!(
                    str_at(p, &["status", "phase"]),
                    Some("Succeeded" | "Failed")
                )
                && pod_claims(p).iter().any(|c| *c.claim == *claim.name)
        })
        .cloned()
        .collect();
    pods.sort_by(|a, b| {
        let t = |p: &Value| {
            (
                str_at(p, &["metadata", "creationTimestamp"])
                    .unwrap_or("")
                    .to_string(),
                object::name(p).to_string(),
            )
        };
        t(a).cmp(&t(b))
    });
    (ws, pods, claims)
}

fn sync(s: &mut Server, key: &Key) -> Action {
    let attachments: Vec<Value> = attachments_of(s, &key.name).cloned().collect();
    let Some(pv) = s.store.get(key).cloned() else {
        for a in attachments {
            detach(s, &a);
        }
        return Action::AwaitChange;
    };
    let drv = str_at(&pv, &["spec", "csi", "driver"]).unwrap_or("");
    let handle = str_at(&pv, &["spec", "csi", "volumeHandle"]).unwrap_or("");
    if driver(drv).is_none_or(|d| !d.attach_required) || handle.is_empty() {
        return Action::AwaitChange;
    }
    let (ws, users, claims) = users(s, &pv);
    let wanted: BTreeSet<String> = users
        .iter()
        .filter_map(|p| crate::api::pod::node_name(p).map(str::to_string))
        .collect();
    // Detach from nodes where no pod uses the volume any more.
    let mut attached: BTreeSet<String> = BTreeSet::new();
    for a in &attachments {
        let node = str_at(a, &["spec", "nodeName"]).unwrap_or("").to_string();
        if wanted.contains(&node) {
            attached.insert(node);
        } else {
            detach(s, a);
        }
    }
    let multi = multi_attach_allowed(&pv);
    let pv_name = object::name(&pv).to_string();
    for pod in &users {
        let Some(node) = crate::api::pod::node_name(pod).map(str::to_string) else {
            continue;
        };
        if attached.contains(&node) {
            continue;
        }
        if !multi && !attached.is_empty() {
            let message = match attach_check(&pv, &node, pod, &claims, &users) {
                Err(m) => m,
                Ok(()) => exclusively_attached_message(&pv_name),
            };
            s.event(
                &ws,
                pod,
                EventType::Warning,
                "FailedAttachVolume",
                &message,
                COMPONENT,
            );
            continue;
        }
        if attach(s, &pv_name, drv, handle, &node) {
            attached.insert(node.clone());
            for p in users
                .iter()
                .filter(|p| crate::api::pod::node_name(p) == Some(node.as_str()))
            {
                s.event(
                    &ws,
                    p,
                    EventType::Normal,
                    "SuccessfulAttachVolume",
                    &format!("AttachVolume.Attach succeeded for volume {pv_name:?} "),
                    COMPONENT,
                );
            }
        } else {
            return Action::Retry;
        }
    }
    Action::AwaitChange
}

/// Creates the VolumeAttachment and reports it attached (the external attacher's
/// `ControllerPublishVolume` succeeding at once).
fn attach(s: &mut Server, pv: &str, driver: &str, handle: &str, node: &str) -> bool {
    let name = attachment_name(handle, driver, node);
    let va = json!({
        "apiVersion": "storage.k8s.io/v1",
        "kind": "VolumeAttachment",
        "metadata": {"name": name},
        "spec": {"attacher": driver, "nodeName": node, "source": {"persistentVolumeName": pv}},
    });
    let created = match s.create(ROOT, va) {
        Ok(v) => v,
        Err(e) if e.code == 409 => {
            match s.get(
                ROOT,
                kind("storage.k8s.io/v1", "VolumeAttachment"),
                "",
                &name,
            ) {
                Some(v) => v.clone(),
                None => return false,
            }
        }
        Err(_) => return false,
    };
    let mut status = created.clone();
    status["status"] = json!({"attached": true});
    s.update_status(ROOT, &status).is_ok()
}

fn detach(s: &mut Server, va: &Value) {
    let _ = s.delete(
        ROOT,
        kind("storage.k8s.io/v1", "VolumeAttachment"),
        "",
        object::name(va),
        None,
        None,
    );
}
