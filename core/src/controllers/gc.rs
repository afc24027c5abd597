//! The garbage collector (pkg/controller/garbagecollector): deletes objects whose owners are
//! all gone (background propagation), and completes foreground deletion of owners once their
//! dependents are gone.
//!
//! Keys are the objects themselves, of every resource: an object is looked at when it changes
//! (are all its owners gone? is it waiting for its dependents?); a deleted object's dependents
//! (the owner index) are looked at, and so are the owners waiting in the foreground that it
//! named. (The watch event carries only the new object: an owner waiting in the foreground for
//! a dependent that drops its owner reference, instead of going, is looked at again when its
//! other dependents go or it changes.)
use crate::api::kinds::{by_kind, KindInfo};
use crate::api::object::{self, array_at};
use crate::api::Value;
use crate::json;
use crate::runtime::{Action, Controller};
use crate::server::Server;
use crate::store::{EventType, Key, Store, WatchEvent};

/// `metav1.FinalizerDeleteDependents`.
const FOREGROUND: &str = "foregroundDeletion";

fn has_foreground_finalizer(v: &Value) -> bool {
    object::is_terminating(v)
        && array_at(v, &["metadata", "finalizers"])
            .iter()
            .any(|f| f == FOREGROUND)
}

fn info_of(v: &Value) -> Option<&'static KindInfo> {
    by_kind(Some(object::api_version(v)), object::kind(v))
}

/// The uids `v` names in its owner references.
fn owner_uids(v: &Value) -> impl Iterator<Item = &str> {
    array_at(v, &["metadata", "ownerReferences"])
        .iter()
        .map(|r| r["uid"].as_str().unwrap_or(""))
}

/// Whether the garbage collector has anything to do with `v` itself.
fn concerns(v: &Value) -> bool {
    let dependent = !object::is_terminating(v) && owner_uids(v).next().is_some();
    dependent || has_foreground_finalizer(v)
}

/// The garbage collector.
#[derive(Debug, Default)]
pub struct GarbageCollector;

impl Controller for GarbageCollector {
    fn name(&self) -> &'static str {
        "garbage-collector"
    }
    fn manager(&self) -> &'static str {
        super::KCM
    }
    fn watches(&self) -> &'static [&'static str] {
        // Owner references cross every resource.
        &[]
    }
    fn keys(&self, store: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        let ws = &e.key.workspace;
        if e.kind != EventType::Deleted {
            if concerns(&e.object) {
                out.push(e.key.clone());
            }
            return;
        }
        let ix = store.indexes();
        // Its dependents may have lost their last owner.
        out.extend(ix.owned_by(ws, object::uid(&e.object)).cloned());
        // Its owners may be waiting in the foreground for it to go.
        for uid in owner_uids(&e.object) {
            if let Some(owner) = ix.by_uid(ws, uid) {
                if store.get(owner).is_some_and(has_foreground_finalizer) {
                    out.push(owner.clone());
                }
            }
        }
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        for ws in store.workspaces() {
            out.extend(
                store
                    .list_workspace(ws)
                    .filter(|(_, v)| concerns(v))
                    .map(|(k, _)| k.clone()),
            );
        }
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        let Some(v) = s.store.get(key).cloned() else {
            return Action::AwaitChange;
        };
        let ws = &*key.workspace;
        let done = if has_foreground_finalizer(&v) {
            delete_dependents(s, ws, &v)
        } else if concerns(&v) {
            let ix = s.store.indexes();
            let orphaned = owner_uids(&v).all(|uid| ix.by_uid(ws, uid).is_none());
            match info_of(&v) {
                Some(info) if orphaned => s
                    .delete(ws, info, &key.namespace, &key.name, None, None)
                    .is_ok(),
                _ => true,
            }
        } else {
            true
        };
        if done {
            Action::AwaitChange
        } else {
            Action::Retry
        }
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// Foreground deletion of `owner`: deletes its dependents that are not going yet; once none is
/// left, lifts the `foregroundDeletion` finalizer. Returns whether every write succeeded.
fn delete_dependents(s: &mut Server, ws: &str, owner: &Value) -> bool {
    let dependents: Vec<(Key, &'static KindInfo, bool)> = s
        .store
        .indexes()
        .owned_by(ws, object::uid(owner))
        .filter_map(|k| {
            let v = s.store.get(k)?;
            Some((k.clone(), info_of(v)?, object::is_terminating(v)))
        })
        .collect();
    if dependents.is_empty() {
        let mut o = owner.clone();
        let rest: Vec<Value> = array_at(&o, &["metadata", "finalizers"])
            .iter()
            .filter(|f| *f != FOREGROUND)
            .cloned()
            .collect();
        o["metadata"]["finalizers"] = json!(rest);
        return s.update(ws, o).is_ok();
    }
    let mut ok = true;
    for (k, info, terminating) in dependents {
        if !terminating {
            ok &= s
                .delete(&k.workspace, info, &k.namespace, &k.name, None, None)
                .is_ok();
        }
    }
    ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controllers::kind;
    use crate::controllers::testing::{Harness, TEAM};
    use crate::server::Propagation;

    fn cm(name: &str, owner: Option<&Value>) -> Value {
        let mut v = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "default"}});
        if let Some(o) = owner {
            v["metadata"]["ownerReferences"] = json!([{"apiVersion": "v1", "kind": "ConfigMap",
                "name": object::name(o), "uid": object::uid(o), "blockOwnerDeletion": true}]);
        }
        v
    }

    fn exists(h: &Harness<GarbageCollector>, ws: &str, name: &str) -> bool {
        h.s.store
            .get(&Key::new(ws, "configmaps", "default", name))
            .is_some()
    }

    fn delete(h: &mut Harness<GarbageCollector>, ws: &str, name: &str, p: Option<Propagation>) {
        h.s.delete(ws, kind("v1", "ConfigMap"), "default", name, p, None)
            .unwrap();
        h.settle();
    }

    #[test]
    fn an_owner_going_reconciles_its_dependents_only() {
        let mut h = Harness::new(GarbageCollector, vec![]);
        let o1 = h.create("root", cm("o1", None));
        let o2 = h.create("root", cm("o2", None));
        h.create("root", cm("d1", Some(&o1)));
        h.create("root", cm("d2", Some(&o2)));
        h.clear();
        delete(&mut h, "root", "o1", None);
        assert_eq!(h.reconciled("configmaps"), ["root/d1"]);
        assert!(!exists(&h, "root", "d1"));
        assert!(exists(&h, "root", "d2"));
    }

    #[test]
    fn owners_are_looked_up_in_the_dependents_workspace() {
        let mut h = Harness::new(GarbageCollector, vec![]);
        let root_owner = h.create("root", cm("o", None));
        let team_owner = h.create(TEAM, cm("o", None));
        h.create("root", cm("d", Some(&root_owner)));
        h.create(TEAM, cm("d", Some(&team_owner)));
        // A uid from another logical cluster names no owner here.
        h.s.create(TEAM, cm("stray", Some(&root_owner))).unwrap();
        h.settle();
        assert!(!exists(&h, TEAM, "stray"));
        delete(&mut h, "root", "o", None);
        assert!(!exists(&h, "root", "d"));
        assert!(exists(&h, TEAM, "d") && exists(&h, TEAM, "o"));
    }

    #[test]
    fn foreground_deletion_waits_for_every_dependent() {
        let mut h = Harness::new(GarbageCollector, vec![]);
        let o = h.create("root", cm("o", None));
        h.create("root", cm("d1", Some(&o)));
        let mut held = cm("d2", Some(&o));
        held["metadata"]["finalizers"] = json!(["example.com/hold"]);
        h.create("root", held);
        delete(&mut h, "root", "o", Some(Propagation::Foreground));
        assert!(!exists(&h, "root", "d1"));
        // d2 is going but held by its finalizer: the owner waits.
        let d2 = h.get("root", "configmaps", "default", "d2");
        assert!(object::is_terminating(&d2));
        assert!(has_foreground_finalizer(&h.get(
            "root",
            "configmaps",
            "default",
            "o"
        )));
        let mut d2 = d2;
        d2["metadata"]["finalizers"] = json!([]);
        h.s.update("root", d2).unwrap();
        h.settle();
        assert!(!exists(&h, "root", "d2") && !exists(&h, "root", "o"));
    }
}
