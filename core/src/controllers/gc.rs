//! The garbage collector (pkg/controller/garbagecollector): deletes objects whose owners are
//! all gone (background propagation), and completes foreground deletion of owners once their
//! dependents are gone.
use crate::api::kinds::{by_kind, KindInfo};
use crate::api::object::{self, array_at};
use crate::api::Value;
use crate::json;
use crate::server::{Server, ROOT};
use crate::store::Key;
use std::collections::HashSet;

fn has_foreground_finalizer(v: &Value) -> bool {
    object::is_terminating(v)
        && array_at(v, &["metadata", "finalizers"])
            .iter()
            .any(|f| f == "foregroundDeletion")
}

fn info_of(v: &Value) -> Option<&'static KindInfo> {
    by_kind(Some(object::api_version(v)), object::kind(v))
}

pub fn reconcile(s: &mut Server) {
    let ws = ROOT;
    // One pass, no copies of objects: orphans to delete and owners waiting in the foreground.
    let (orphans, foreground): (Vec<(Key, &'static KindInfo)>, Vec<Value>) = {
        let uids: HashSet<&str> = s
            .store
            .list_workspace(ws)
            .map(|(_, v)| object::uid(v))
            .collect();
        let mut orphans = Vec::new();
        let mut foreground = Vec::new();
        for (k, v) in s.store.list_workspace(ws) {
            let refs = array_at(v, &["metadata", "ownerReferences"]);
            if !refs.is_empty()
                && !object::is_terminating(v)
                && refs
                    .iter()
                    .all(|r| !uids.contains(r["uid"].as_str().unwrap_or("")))
            {
                if let Some(info) = info_of(v) {
                    orphans.push((k.clone(), info));
                }
            }
            if has_foreground_finalizer(v) {
                foreground.push(v.clone());
            }
        }
        (orphans, foreground)
    };
    for (k, info) in orphans {
        let _ = s.delete(&k.workspace, info, &k.namespace, &k.name, None, None);
    }
    for owner in foreground {
        let uid = object::uid(&owner).to_string();
        let dependents: Vec<(Key, &'static KindInfo, bool)> = s
            .store
            .list_workspace(ws)
            .filter(|(_, v)| {
                array_at(v, &["metadata", "ownerReferences"])
                    .iter()
                    .any(|r| r["uid"] == uid.as_str())
            })
            .filter_map(|(k, v)| Some((k.clone(), info_of(v)?, object::is_terminating(v))))
            .collect();
        if dependents.is_empty() {
            let mut o = owner.clone();
            let rest: Vec<Value> = array_at(&o, &["metadata", "finalizers"])
                .iter()
                .filter(|f| *f != "foregroundDeletion")
                .cloned()
                .collect();
            o["metadata"]["finalizers"] = json!(rest);
            let _ = s.update(ws, o);
        } else {
            for (k, info, terminating) in dependents {
                if !terminating {
                    let _ = s.delete(&k.workspace, info, &k.namespace, &k.name, None, None);
                }
            }
        }
    }
}
