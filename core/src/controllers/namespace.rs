//! The namespace controller (pkg/controller/namespace): empties a terminating namespace, then
//! lifts its `kubernetes` finalizer so the deletion completes.
//!
//! Keys are namespaces. While a namespace terminates, every change to an object in it maps to
//! it, so the last object to go lets the namespace go.
use crate::api::kinds::KINDS;
use crate::api::object;
use crate::api::value::Str;
use crate::api::Value;
use crate::json;
use crate::runtime::{all_keys, Action, Controller};
use crate::server::Server;
use crate::store::{Key, Store, WatchEvent};

const RESOURCE: &str = "namespaces";

/// The namespace controller.
#[derive(Debug, Default)]
pub struct NamespaceController;

/// The key of namespace `name` in `workspace`.
pub(crate) fn namespace_key(workspace: &Str, name: &Str) -> Key {
    Key {
        workspace: workspace.clone(),
        resource: Str::new(RESOURCE),
        namespace: Str::new(""),
        name: name.clone(),
    }
}

impl Controller for NamespaceController {
    fn name(&self) -> &'static str {
        "namespace-controller"
    }
    fn manager(&self) -> &'static str {
        super::KCM
    }
    fn watches(&self) -> &'static [&'static str] {
        // Everything: a terminating namespace waits for its contents to go.
        &[]
    }
    fn keys(&self, store: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        if &*e.key.resource == RESOURCE {
            out.push(e.key.clone());
        } else if !e.key.namespace.is_empty() {
            let ns = namespace_key(&e.key.workspace, &e.key.namespace);
            if store.get(&ns).is_some_and(object::is_terminating) {
                out.push(ns);
            }
        }
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        all_keys(store, RESOURCE, out);
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        let Some(ns) = s.store.get(key).cloned() else {
            return Action::AwaitChange;
        };
        if !object::is_terminating(&ns) {
            return Action::AwaitChange;
        }
        let ws = &*key.workspace;
        let name = &*key.name;
        let mut remaining = 0;
        let mut failed = false;
        for info in KINDS.iter().filter(|k| k.namespaced) {
            let names: Vec<(String, bool)> = s
                .list(ws, info, Some(name))
                .map(|o| (object::name(o).to_string(), object::is_terminating(o)))
                .collect();
            remaining += names.len();
            for (n, terminating) in names {
                if !terminating {
                    failed |= s.delete(ws, info, name, &n, None, None).is_err();
                }
            }
        }
        if remaining == 0 {
            let mut n = ns;
            let rest: Vec<Value> = object::array_at(&n, &["metadata", "finalizers"])
                .iter()
                .filter(|f| *f != "kubernetes")
                .cloned()
                .collect();
            n["metadata"]["finalizers"] = json!(rest);
            failed |= s.update(ws, n).is_err();
        }
        if failed {
            Action::Retry
        } else {
            Action::AwaitChange
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

    fn namespace(name: &str) -> Value {
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    }

    fn cm(ns: &str, name: &str) -> Value {
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": ns}})
    }

    fn ns_exists(h: &Harness<NamespaceController>, ws: &str, name: &str) -> bool {
        h.s.store.get(&Key::new(ws, RESOURCE, "", name)).is_some()
    }

    #[test]
    fn only_terminating_namespaces_are_reconciled_for_their_contents() {
        let mut h = Harness::new(NamespaceController, vec![]);
        h.create("root", namespace("a"));
        h.create("root", namespace("b"));
        h.create("root", cm("a", "x"));
        h.clear();
        h.create("root", cm("b", "y"));
        assert!(h.log().is_empty(), "{:?}", h.log());
        h.s.delete("root", kind("v1", "Namespace"), "", "a", None, None)
            .unwrap();
        h.settle();
        assert_eq!(h.reconciled(RESOURCE), ["root/a"]);
        assert!(!ns_exists(&h, "root", "a"));
        assert!(ns_exists(&h, "root", "b"));
        assert_eq!(h.list("root", "configmaps", "b").len(), 1);
    }

    #[test]
    fn same_named_namespaces_in_two_workspaces_are_independent() {
        let mut h = Harness::new(
            NamespaceController,
            vec![Box::new(
                super::super::serviceaccount::ServiceAccountController,
            )],
        );
        for ws in ["root", TEAM] {
            h.create(ws, namespace("dev"));
            h.create(ws, cm("dev", "settings"));
        }
        // The service account controller serves both.
        for ws in ["root", TEAM] {
            assert_eq!(h.list(ws, "serviceaccounts", "dev").len(), 1, "{ws}");
        }
        h.s.delete(TEAM, kind("v1", "Namespace"), "", "dev", None, None)
            .unwrap();
        h.settle();
        assert!(!ns_exists(&h, TEAM, "dev"));
        assert!(h.list(TEAM, "configmaps", "dev").is_empty());
        assert!(ns_exists(&h, "root", "dev"));
        assert_eq!(h.list("root", "configmaps", "dev").len(), 1);
        assert_eq!(h.list("root", "serviceaccounts", "dev").len(), 1);
    }
}
