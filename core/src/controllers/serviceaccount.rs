//! The service account controller (pkg/controller/serviceaccount, `serviceaccounts-controller`):
//! every active namespace has a `default` ServiceAccount. A namespace is looked at when it
//! changes and when its `default` ServiceAccount is deleted.
use super::namespace::namespace_key;
use crate::api::object;
use crate::json;
use crate::runtime::{all_keys, Action, Controller};
use crate::server::Server;
use crate::store::{EventType, Key, Store, WatchEvent};

/// The service account controller.
#[derive(Debug, Default)]
pub struct ServiceAccountController;

impl Controller for ServiceAccountController {
    fn name(&self) -> &'static str {
        "serviceaccount-controller"
    }
    fn manager(&self) -> &'static str {
        super::KCM
    }
    fn watches(&self) -> &'static [&'static str] {
        &["namespaces", "serviceaccounts"]
    }
    fn keys(&self, _: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        if &*e.key.resource == "namespaces" {
            out.push(e.key.clone());
        } else if e.kind == EventType::Deleted && &*e.key.name == "default" {
            out.push(namespace_key(&e.key.workspace, &e.key.namespace));
        }
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        all_keys(store, "namespaces", out);
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        if s.store.get(key).is_none_or(object::is_terminating) {
            return Action::AwaitChange;
        }
        let sa = Key::new(&key.workspace, "serviceaccounts", &key.name, "default");
        if s.store.get(&sa).is_some() {
            return Action::AwaitChange;
        }
        let created = s.create(
            &key.workspace,
            json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": &*key.name}}),
        );
        match created {
            // A namespace that started terminating meanwhile refuses it: nothing to do.
            Err(e) if e.code != 403 => Action::Retry,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controllers::kind;
    use crate::controllers::testing::{Harness, TEAM};

    #[test]
    fn a_deleted_default_service_account_comes_back_in_its_namespace_only() {
        let mut h = Harness::new(ServiceAccountController, vec![]);
        // Every namespace of both workspaces has one from the start.
        for ws in ["root", TEAM] {
            for ns in crate::server::INITIAL_NAMESPACES {
                assert_eq!(h.list(ws, "serviceaccounts", ns).len(), 1, "{ws}/{ns}");
            }
        }
        let before = h.get(TEAM, "serviceaccounts", "default", "default");
        h.clear();
        h.s.delete(
            TEAM,
            kind("v1", "ServiceAccount"),
            "default",
            "default",
            None,
            None,
        )
        .unwrap();
        h.settle();
        assert_eq!(h.reconciled("namespaces"), ["root:team/default"]);
        let after = h.get(TEAM, "serviceaccounts", "default", "default");
        assert_ne!(object::uid(&before), object::uid(&after));
    }
}
