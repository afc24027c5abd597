//! The scheduler's pod informer: which pods are assigned (parsed once per change into
//! [`PodInfo`]) and which wait for a node, kept current from the store's watch history so a
//! pass costs O(changes + pending pods), not O(all pods). A restore, or history compacted
//! past what the informer saw, triggers a full relist (as a real informer's relist on 410).
use super::PodInfo;
use crate::api::object::{self, str_at};
use crate::api::pod::is_active as is_pod_active;
use crate::api::Value;
use crate::server::Server;
use crate::store::EventType;
use crate::store::Key;
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct Assigned {
    pub node: String,
    pub resource_version: String,
    pub info: Arc<PodInfo>,
}

#[derive(Debug, Clone, Default)]
pub struct Informer {
    synced: bool,
    revision: u64,
    /// uid → a pod on a node that still holds resources (active or terminating); ordered so
    /// every pass sees the pods in the same order.
    pub assigned: BTreeMap<String, Assigned>,
    /// uid → the store key of each pod without a node (any workspace).
    pub unassigned: BTreeMap<String, Key>,
}

fn node_of(p: &Value) -> Option<&str> {
    str_at(p, &["spec", "nodeName"]).filter(|n| !n.is_empty())
}

impl Informer {
    /// Brings the informer up to the store's current revision. Returns the uids of pods
    /// that were deleted since the last sync (all unknown ones after a relist: `None`).
    pub fn sync(&mut self, s: &Server) -> Option<Vec<String>> {
        let rev = s.store.revision();
        if self.synced {
            if let Ok(events) = s.store.events_since(self.revision) {
                // uid → Some(key) when it may still exist, None when deleted.
                let mut changed: BTreeMap<String, Option<Key>> = BTreeMap::new();
                for e in events {
                    if &*e.key.resource != "pods" {
                        continue;
                    }
                    let uid = object::uid(&e.object).to_string();
                    let v = (e.kind != EventType::Deleted).then(|| e.key.clone());
                    changed.insert(uid, v);
                }
                let mut deleted = Vec::new();
                for (uid, key) in changed {
                    let current = key
                        .as_ref()
                        .and_then(|k| Some((k, s.store.get(k)?)))
                        .filter(|(_, p)| object::uid(p) == uid);
                    match current {
                        Some((k, p)) => self.apply(k, &uid, p),
                        None => {
                            self.assigned.remove(&uid);
                            self.unassigned.remove(&uid);
                            deleted.push(uid);
                        }
                    }
                }
                self.revision = rev;
                return Some(deleted);
            }
        }
        // Relist, reusing the parsed pods whose resourceVersion did not change.
        let mut old = std::mem::take(&mut self.assigned);
        self.unassigned.clear();
        for (k, p) in s.store.list_all("pods") {
            let uid = object::uid(p);
            if let Some(a) = old.remove(uid) {
                self.assigned.insert(uid.to_string(), a);
            }
            self.apply(k, uid, p);
        }
        self.synced = true;
        self.revision = rev;
        None
    }

    fn apply(&mut self, key: &Key, uid: &str, p: &Value) {
        match node_of(p) {
            Some(node) => {
                self.unassigned.remove(uid);
                if !(is_pod_active(p) || object::is_terminating(p)) {
                    self.assigned.remove(uid);
                    return;
                }
                let rv = str_at(p, &["metadata", "resourceVersion"]).unwrap_or("");
                if self
                    .assigned
                    .get(uid)
                    .is_some_and(|a| a.resource_version == rv && a.node == node)
                {
                    return;
                }
                self.assigned.insert(
                    uid.to_string(),
                    Assigned {
                        node: node.to_string(),
                        resource_version: rv.to_string(),
                        info: Arc::new(PodInfo::from_pod_in(&key.workspace, p)),
                    },
                );
            }
            None => {
                self.assigned.remove(uid);
                self.unassigned.insert(uid.to_string(), key.clone());
            }
        }
    }
}
