//! The ResourceQuota controller (pkg/controller/resourcequota, `syncResourceQuota`): a quota's
//! `status.hard` follows its spec and `status.used` what the objects of its namespace use
//! ([`crate::server::quota::quota_status`]), recomputed whenever an object of the namespace
//! changes. (Admission charges creates at once; this loop also sees deletions and terminal
//! pods.)
use crate::api::object;
use crate::runtime::{Action, Controller};
use crate::server::quota::{objects_for, quota_status};
use crate::server::Server;
use crate::store::{Key, Store, WatchEvent};

const QUOTAS: &str = "resourcequotas";

/// The ResourceQuota controller.
#[derive(Debug, Default)]
pub struct ResourceQuotaController;

impl Controller for ResourceQuotaController {
    fn name(&self) -> &'static str {
        "resourcequota-controller"
    }
    fn manager(&self) -> &'static str {
        super::KCM
    }
    fn watches(&self) -> &'static [&'static str] {
        // Every resource: `count/<resource>` can name any kind.
        &[]
    }
    fn keys(&self, store: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        if &*e.key.resource == QUOTAS {
            out.push(e.key.clone());
            return;
        }
        if e.key.namespace.is_empty() || &*e.key.resource == "events" {
            return;
        }
        out.extend(
            store
                .list(&e.key.workspace, QUOTAS, Some(&e.key.namespace))
                .map(|(k, _)| k.clone()),
        );
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        crate::runtime::all_keys(store, QUOTAS, out);
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        let Some(quota) = s.store.get(key).cloned() else {
            return Action::AwaitChange;
        };
        if object::is_terminating(&quota) {
            return Action::AwaitChange;
        }
        let objects = objects_for(&s.store, &key.workspace, &quota);
        let status = quota_status(&quota, &objects, s.clock.now_ms());
        if quota.get("status") == Some(&status) {
            return Action::AwaitChange;
        }
        let mut next = quota.clone();
        next["status"] = status;
        match s.update_status(&key.workspace, &next) {
            Ok(_) => Action::AwaitChange,
            Err(_) => Action::Retry,
        }
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}
