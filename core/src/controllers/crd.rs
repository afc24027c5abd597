//! The CustomResourceDefinition controllers of apiextensions-apiserver, per workspace: the
//! naming controller (`pkg/controller/status/naming_controller.go`: `status.acceptedNames`
//! and `NamesAccepted`, checked against the other CRDs of the workspace and the APIs it
//! binds), the establishing controller (`Established`), and the finalizer controller
//! (`pkg/controller/finalizer/crd_finalizer.go`: a CRD carries
//! `customresourcecleanup.apiextensions.k8s.io`; deleting it deletes every object of its kind,
//! then lifts the finalizer).
//!
//! Once Established, the kind is served in the CRD's workspace and nowhere else.
use crate::api::object::{self, set_path, str_at};
use crate::api::Value;
use crate::json;
use crate::runtime::{all_keys, Action, Controller};
use crate::server::crd::names;
use crate::server::custom::CRD_RESOURCE;
use crate::server::Server;
use crate::store::{Key, Store, WatchEvent};

const COMPONENT: &str = "apiextensions-controllers";
/// The finalizer that deletes a CRD's objects before the CRD goes.
pub const CLEANUP_FINALIZER: &str = "customresourcecleanup.apiextensions.k8s.io";

/// The naming, establishing and finalizing controllers of CRDs.
#[derive(Debug, Default)]
pub struct CrdController;

impl Controller for CrdController {
    fn name(&self) -> &'static str {
        COMPONENT
    }
    fn manager(&self) -> &'static str {
        "kube-apiserver"
    }
    fn watches(&self) -> &'static [&'static str] {
        &[CRD_RESOURCE]
    }
    fn keys(&self, store: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        out.push(e.key.clone());
        // A CRD that goes may free names another one asked for.
        if e.kind == crate::store::EventType::Deleted {
            out.extend(
                store
                    .list(&e.key.workspace, CRD_RESOURCE, None)
                    .map(|(k, _)| k.clone()),
            );
        }
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        all_keys(store, CRD_RESOURCE, out);
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        let Some(crd) = s.store.get(key).cloned() else {
            return Action::AwaitChange;
        };
        let ws = key.workspace.to_string();
        if object::is_terminating(&crd) {
            return finalize(s, &ws, crd);
        }
        let finalizers = object::array_at(&crd, &["metadata", "finalizers"]);
        if !finalizers.iter().any(|f| f == CLEANUP_FINALIZER) {
            let mut f = finalizers.to_vec();
            f.push(json!(CLEANUP_FINALIZER));
            let mut with = crd.clone();
            set_path(&mut with, &["metadata", "finalizers"], Value::from(f));
            return match s.update(&ws, with) {
                Ok(_) => Action::AwaitChange,
                Err(_) => Action::Retry,
            };
        }
        // Names held by the workspace's other CRDs and by the APIs it binds.
        let mut others: Vec<Value> = s
            .store
            .list(&ws, CRD_RESOURCE, None)
            .filter(|(k, _)| k.name != key.name)
            .map(|(_, v)| v.clone())
            .collect();
        others.extend(
            s.custom_names_in_use(&ws)
                .into_iter()
                .filter(|(export, _)| export.is_some())
                .map(|(_, v)| v),
        );
        let mut new = crd.clone();
        let now = s.clock.rfc3339();
        names::accept_names(&mut new, &others, &now);
        names::establish(&mut new, &now);
        if new.get("status") != crd.get("status") && s.update_status(&ws, &new).is_err() {
            return Action::Retry;
        }
        Action::AwaitChange
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// Deletes every object of the CRD's kind in its workspace, then lifts the finalizer.
fn finalize(s: &mut Server, ws: &str, crd: Value) -> Action {
    let plural = str_at(&crd, &["status", "acceptedNames", "plural"])
        .or_else(|| str_at(&crd, &["spec", "names", "plural"]))
        .unwrap_or("");
    let group = str_at(&crd, &["spec", "group"]).unwrap_or("");
    if !plural.is_empty() && !group.is_empty() {
        let resource = format!("{plural}.{group}");
        let keys: Vec<Key> = s
            .store
            .list(ws, &resource, None)
            .map(|(k, _)| k.clone())
            .collect();
        for k in keys {
            s.remove(&k);
        }
    }
    let rest: Vec<Value> = object::array_at(&crd, &["metadata", "finalizers"])
        .iter()
        .filter(|f| *f != CLEANUP_FINALIZER)
        .cloned()
        .collect();
    let mut new = crd.clone();
    set_path(&mut new, &["metadata", "finalizers"], Value::from(rest));
    match s.update(ws, new) {
        Ok(_) => Action::AwaitChange,
        Err(_) => Action::Retry,
    }
}
