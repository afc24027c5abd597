//! The garbage collector (pkg/controller/garbagecollector): deletes objects whose owners are
//! all gone (background propagation), and completes foreground deletion of owners once their
//! dependents are gone.
use crate::api::object::{self, array_at};
use crate::server::{Server, ROOT};
use crate::store::Key;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

pub fn reconcile(s: &mut Server) {
    let ws = ROOT;
    let uids: BTreeSet<String> = s
        .store
        .list_workspace(ws)
        .map(|(_, v)| object::uid(v).to_string())
        .collect();
    let mut dependents_of: BTreeMap<String, Vec<(Key, Value)>> = BTreeMap::new();
    let mut orphans = Vec::new();
    for (k, v) in s.store.list_workspace(ws) {
        let refs = array_at(v, &["metadata", "ownerReferences"]);
        if refs.is_empty() {
            continue;
        }
        for r in refs {
            dependents_of
                .entry(r["uid"].as_str().unwrap_or("").to_string())
                .or_default()
                .push((k.clone(), v.clone()));
        }
        if refs
            .iter()
            .all(|r| !uids.contains(r["uid"].as_str().unwrap_or("")))
        {
            orphans.push((k.clone(), v.clone()));
        }
    }
    for (k, v) in orphans {
        if !object::is_terminating(&v) {
            delete_key(s, &k, &v);
        }
    }
    // Foreground deletion: owners marked with the `foregroundDeletion` finalizer.
    let owners: Vec<(Key, Value)> = s
        .store
        .list_workspace(ws)
        .filter(|(_, v)| {
            object::is_terminating(v)
                && array_at(v, &["metadata", "finalizers"])
                    .iter()
                    .any(|f| f == "foregroundDeletion")
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (_, owner) in owners {
        let deps = dependents_of
            .remove(object::uid(&owner))
            .unwrap_or_default();
        let live: Vec<&(Key, Value)> = deps
            .iter()
            .filter(|(k, _)| s.store.get(k).is_some())
            .collect();
        if live.is_empty() {
            let mut o = owner.clone();
            let rest: Vec<Value> = array_at(&o, &["metadata", "finalizers"])
                .iter()
                .filter(|f| *f != "foregroundDeletion")
                .cloned()
                .collect();
            o["metadata"]["finalizers"] = json!(rest);
            let _ = s.update(ws, o);
        } else {
            for (k, v) in live.into_iter().cloned().collect::<Vec<_>>() {
                if !object::is_terminating(&v) {
                    delete_key(s, &k, &v);
                }
            }
        }
    }
}

fn delete_key(s: &mut Server, key: &Key, obj: &Value) {
    let info = crate::api::kinds::by_kind(Some(object::api_version(obj)), object::kind(obj));
    if let Some(info) = info {
        let _ = s.delete(&key.workspace, info, &key.namespace, &key.name, None, None);
    }
}
