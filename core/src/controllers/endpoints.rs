//! The EndpointSlice controller (pkg/controller/endpointslice) and the Endpoints controller
//! (pkg/controller/endpoint) as control loops over the computations of
//! [`super::endpointslice`]: per Service, the slices and the Endpoints object list the pods it
//! selects with their target ports, ready ones as ready — so a failing readiness probe takes a
//! pod out of rotation. A pod event maps to the Services of its namespace (a pod whose labels
//! changed must leave the Services it no longer matches); slice and Endpoints events map to
//! their Service.
use super::endpointslice::{self, manages, LABEL_MANAGED_BY, LABEL_SERVICE_NAME};
use super::kind;
use crate::api::object::{self, str_at};
use crate::api::Value;
use crate::runtime::{Action, Controller};
use crate::server::{Server, ROOT};
use crate::store::{Key, Store, WatchEvent};
use std::collections::BTreeSet;

const SERVICES: &str = "services";
const SLICES: &str = "endpointslices.discovery.k8s.io";

fn service_keys(store: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
    match &*e.key.resource {
        SERVICES => out.push(e.key.clone()),
        "pods" => out.extend(
            store
                .list(&e.key.workspace, SERVICES, Some(&e.key.namespace))
                .filter(|(_, s)| manages(s))
                .map(|(k, _)| k.clone()),
        ),
        SLICES => {
            if let Some(svc) = str_at(&e.object, &["metadata", "labels", LABEL_SERVICE_NAME]) {
                out.push(Key::new(&e.key.workspace, SERVICES, &e.key.namespace, svc));
            }
        }
        _ => out.push(Key::new(
            &e.key.workspace,
            SERVICES,
            &e.key.namespace,
            &e.key.name,
        )),
    }
}

/// The pods of the Service's namespace and the Nodes they run on (for the slices' zones).
fn pods_and_nodes(s: &Server, key: &Key) -> (Vec<Value>, Vec<Value>) {
    let pods: Vec<Value> = s
        .store
        .list(&key.workspace, "pods", Some(&key.namespace))
        .map(|(_, p)| p.clone())
        .collect();
    let names: BTreeSet<&str> = pods.iter().filter_map(crate::api::pod::node_name).collect();
    let nodes = names
        .into_iter()
        .filter_map(|n| s.get(ROOT, kind("v1", "Node"), "", n).cloned())
        .collect();
    (pods, nodes)
}

/// The EndpointSlice controller.
#[derive(Debug, Default)]
pub struct EndpointSliceController;

impl Controller for EndpointSliceController {
    fn name(&self) -> &'static str {
        "endpointslice-controller"
    }
    fn manager(&self) -> &'static str {
        super::KCM
    }
    fn watches(&self) -> &'static [&'static str] {
        &[SERVICES, "pods", SLICES]
    }
    fn keys(&self, store: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        service_keys(store, e, out);
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        crate::runtime::all_keys(store, SERVICES, out);
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        let ws = key.workspace.to_string();
        let info = kind("discovery.k8s.io/v1", "EndpointSlice");
        let existing: Vec<Value> = s
            .store
            .list(&ws, SLICES, Some(&key.namespace))
            .map(|(_, v)| v)
            .filter(|v| {
                str_at(v, &["metadata", "labels", LABEL_SERVICE_NAME]) == Some(&*key.name)
                    && str_at(v, &["metadata", "labels", LABEL_MANAGED_BY])
                        == Some(endpointslice::CONTROLLER_NAME)
            })
            .cloned()
            .collect();
        let Some(service) = s.store.get(key).cloned() else {
            // The garbage collector deletes the slices the Service owned.
            return Action::AwaitChange;
        };
        let (pods, nodes) = pods_and_nodes(s, key);
        let changes = endpointslice::reconcile(&service, &pods, &nodes, &existing);
        let mut failed = false;
        for name in &changes.delete {
            failed |= s
                .delete(&ws, info, &key.namespace, name, None, None)
                .is_err();
        }
        for slice in changes.update {
            failed |= s.update(&ws, slice).is_err();
        }
        for slice in changes.create {
            failed |= s.create(&ws, slice).is_err();
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

/// The Endpoints controller.
#[derive(Debug, Default)]
pub struct EndpointsController;

impl Controller for EndpointsController {
    fn name(&self) -> &'static str {
        "endpoints-controller"
    }
    fn manager(&self) -> &'static str {
        super::KCM
    }
    fn watches(&self) -> &'static [&'static str] {
        &[SERVICES, "pods", "endpoints"]
    }
    fn keys(&self, store: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        service_keys(store, e, out);
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        crate::runtime::all_keys(store, SERVICES, out);
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        let ws = key.workspace.to_string();
        let info = kind("v1", "Endpoints");
        let current = s.get(&ws, info, &key.namespace, &key.name).cloned();
        let Some(service) = s.store.get(key).cloned() else {
            // The Service is gone: so are its Endpoints.
            if current.is_some() {
                let _ = s.delete(&ws, info, &key.namespace, &key.name, None, None);
            }
            return Action::AwaitChange;
        };
        if !manages(&service) {
            // Endpoints of Services without a selector are the user's.
            return Action::AwaitChange;
        }
        let (pods, _) = pods_and_nodes(s, key);
        let Some(mut desired) = endpointslice::endpoints(&service, &pods) else {
            return Action::AwaitChange;
        };
        let result = match current {
            None => s.create(&ws, desired),
            Some(cur) => {
                let same = cur.get("subsets") == desired.get("subsets")
                    && object::labels(&cur) == object::labels(&desired);
                if same {
                    return Action::AwaitChange;
                }
                let mut next = cur.clone();
                next["subsets"] = desired.get("subsets").cloned().unwrap_or(Value::Null);
                if next["subsets"].is_null() {
                    if let Some(m) = next.as_object_mut() {
                        m.shift_remove("subsets");
                    }
                }
                match desired["metadata"].get("labels") {
                    Some(l) => next["metadata"]["labels"] = l.clone(),
                    None => {
                        object::remove_path(&mut next, &["metadata", "labels"]);
                    }
                }
                desired = next;
                s.update(&ws, desired)
            }
        };
        match result {
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
