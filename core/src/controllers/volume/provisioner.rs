//! The external provisioner of the simulated CSI drivers (kubernetes-csi/external-provisioner
//! with sig-storage-lib-external-provisioner's controller): a claim the PV controller handed to
//! `ebs.csi.aws.com`, `efs.csi.aws.com` or `hostpath.csi.k8s.io` (and, for WaitForFirstConsumer
//! classes, placed on a node by the scheduler) gets a PersistentVolume from
//! [`super::csi::provision`], or a `ProvisioningFailed` warning; failures are retried with the
//! provisioner's exponential back-off (`--retry-interval-start` 1 s doubling to
//! `--retry-interval-max` 5 min). The PV controller then binds the claim to the new volume.
use super::controller::{classes, ANN_CLAIM_WORKSPACE};
use super::csi::{
    driver, provision, provisioned_event, provisioning_event, provisioning_failed_event,
    should_provision,
};
use super::provisioning::class_provisioner;
use super::{claim_class, find_class, VolumeEvent, ANN_SELECTED_NODE};
use crate::api::object::{self, str_at};
use crate::api::Value;
use crate::controllers::kind;
use crate::runtime::{Action, Controller};
use crate::server::{EventType, Server, ROOT};
use crate::store::{Key, Store, WatchEvent};
use std::collections::BTreeMap;

/// `--retry-interval-start`.
pub const RETRY_START_MS: i64 = 1_000;
/// `--retry-interval-max`.
pub const RETRY_MAX_MS: i64 = 300_000;

/// The simulated drivers' external provisioner. Remembers how many times in a row each claim
/// failed (for the back-off; part of snapshots).
#[derive(Debug, Default)]
pub struct ExternalProvisioner {
    failures: BTreeMap<Key, u32>,
}

fn record(s: &mut Server, workspace: &str, claim: &Value, e: VolumeEvent) {
    let t = if e.warning {
        EventType::Warning
    } else {
        EventType::Normal
    };
    let component = format!(
        "{}_csi-provisioner-0",
        str_at(
            claim,
            &["metadata", "annotations", super::ANN_STORAGE_PROVISIONER]
        )
        .unwrap_or("")
    );
    s.event(workspace, claim, t, e.reason, &e.message, &component);
}

impl Controller for ExternalProvisioner {
    fn name(&self) -> &'static str {
        "csi-provisioner"
    }
    fn manager(&self) -> &'static str {
        "csi-provisioner"
    }
    fn watches(&self) -> &'static [&'static str] {
        &["persistentvolumeclaims", "storageclasses.storage.k8s.io"]
    }
    fn keys(&self, store: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        if &*e.key.resource == "persistentvolumeclaims" {
            out.push(e.key.clone());
        } else {
            out.extend(
                store
                    .list_all("persistentvolumeclaims")
                    .filter(|(_, c)| str_at(c, &["spec", "volumeName"]).is_none_or(str::is_empty))
                    .map(|(k, _)| k.clone()),
            );
        }
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        crate::runtime::all_keys(store, "persistentvolumeclaims", out);
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        let Some(claim) = s.store.get(key).cloned() else {
            self.failures.remove(key);
            return Action::AwaitChange;
        };
        let classes = classes(s);
        let Some(class) = find_class(&classes, claim_class(&claim)).cloned() else {
            return Action::AwaitChange;
        };
        let Some(d) = class_provisioner(&class).ok().and_then(|p| driver(&p)) else {
            return Action::AwaitChange;
        };
        if object::is_terminating(&claim) || !should_provision(&claim, d, &classes) {
            self.failures.remove(key);
            return Action::AwaitChange;
        }
        let ws = key.workspace.to_string();
        let pv_name = format!("pvc-{}", object::uid(&claim));
        if s.get(ROOT, kind("v1", "PersistentVolume"), "", &pv_name)
            .is_some()
        {
            // Provisioned already; the PV controller binds.
            return Action::AwaitChange;
        }
        record(s, &ws, &claim, provisioning_event(&claim));
        let selected = str_at(&claim, &["metadata", "annotations", ANN_SELECTED_NODE])
            .and_then(|n| s.get(ROOT, kind("v1", "Node"), "", n))
            .cloned();
        let nodes: Vec<Value> = s
            .store
            .list(ROOT, "nodes", None)
            .map(|(_, n)| n.clone())
            .collect();
        match provision(d, &claim, &class, selected.as_ref(), &nodes) {
            Ok(mut pv) => {
                if ws != ROOT {
                    pv["metadata"]["annotations"][ANN_CLAIM_WORKSPACE] = Value::from(ws.as_str());
                }
                match s.create(ROOT, pv) {
                    Ok(pv) => {
                        self.failures.remove(key);
                        record(s, &ws, &claim, provisioned_event(&claim, &pv));
                        Action::AwaitChange
                    }
                    Err(e) => self.failed(s, &ws, key, &claim, &e.message),
                }
            }
            Err(e) => self.failed(s, &ws, key, &claim, &e),
        }
    }
    fn save(&self) -> Option<Value> {
        if self.failures.is_empty() {
            return None;
        }
        Some(crate::api::value::to_value(
            &self.failures.iter().collect::<Vec<_>>(),
        ))
    }
    fn load(&mut self, state: Value) {
        if let Ok(v) = crate::api::value::from_value::<Vec<(Key, u32)>>(&state) {
            self.failures = v.into_iter().collect();
        }
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

impl ExternalProvisioner {
    /// A failed attempt: `ProvisioningFailed`, and the next attempt after the back-off.
    fn failed(
        &mut self,
        s: &mut Server,
        ws: &str,
        key: &Key,
        claim: &Value,
        error: &str,
    ) -> Action {
        record(s, ws, claim, provisioning_failed_event(claim, error));
        let n = self.failures.entry(key.clone()).or_insert(0);
        let delay = RETRY_START_MS
            .saturating_mul(1i64.checked_shl(*n).unwrap_or(i64::MAX))
            .min(RETRY_MAX_MS);
        *n = n.saturating_add(1);
        Action::RequeueAfter(delay)
    }
}
