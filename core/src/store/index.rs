//! The store's indexes, kept current on every write: what controllers look objects up by
//! (client-go's indexers), so no control loop scans every object to find a few.
use super::Key;
use crate::api::object;
use crate::api::value::Str;
use crate::api::Value;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeSet;

#[derive(Debug, Clone, Default)]
pub struct Indexes {
    /// (workspace, uid) → the object's key.
    by_uid: HashMap<(Str, Str), Key>,
    /// (workspace, owner uid) → keys of the objects that name it in `ownerReferences`.
    by_owner: HashMap<(Str, Str), BTreeSet<Key>>,
    /// node name → keys of the pods bound to it, in every workspace (the data plane is shared).
    pods_by_node: HashMap<Str, BTreeSet<Key>>,
}

fn str_of(v: &Value) -> Option<&Str> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s),
        _ => None,
    }
}

fn uid_of(v: &Value) -> Option<&Str> {
    str_of(&v["metadata"]["uid"])
}

fn owners_of(v: &Value) -> impl Iterator<Item = &Str> {
    object::array_at(v, &["metadata", "ownerReferences"])
        .iter()
        .filter_map(|r| str_of(&r["uid"]))
}

fn node_of<'a>(key: &Key, v: &'a Value) -> Option<&'a Str> {
    if &*key.resource != "pods" {
        return None;
    }
    str_of(&v["spec"]["nodeName"])
}

impl Indexes {
    pub(super) fn insert(&mut self, key: &Key, v: &Value) {
        if let Some(uid) = uid_of(v) {
            self.by_uid
                .insert((key.workspace.clone(), uid.clone()), key.clone());
        }
        for owner in owners_of(v) {
            self.by_owner
                .entry((key.workspace.clone(), owner.clone()))
                .or_default()
                .insert(key.clone());
        }
        if let Some(node) = node_of(key, v) {
            self.pods_by_node
                .entry(node.clone())
                .or_default()
                .insert(key.clone());
        }
    }

    pub(super) fn remove(&mut self, key: &Key, v: &Value) {
        if let Some(uid) = uid_of(v) {
            let k = (key.workspace.clone(), uid.clone());
            if self.by_uid.get(&k) == Some(key) {
                self.by_uid.remove(&k);
            }
        }
        for owner in owners_of(v) {
            let k = (key.workspace.clone(), owner.clone());
            if let Some(set) = self.by_owner.get_mut(&k) {
                set.remove(key);
                if set.is_empty() {
                    self.by_owner.remove(&k);
                }
            }
        }
        if let Some(node) = node_of(key, v) {
            if let Some(set) = self.pods_by_node.get_mut(node) {
                set.remove(key);
                if set.is_empty() {
                    self.pods_by_node.remove(node);
                }
            }
        }
    }

    /// The key of the object with `uid` in `workspace`.
    pub fn by_uid(&self, workspace: &str, uid: &str) -> Option<&Key> {
        self.by_uid.get(&(Str::new(workspace), Str::new(uid)))
    }

    /// How many objects carry a uid.
    pub fn by_uid_len(&self) -> usize {
        self.by_uid.len()
    }

    /// Keys of the objects in `workspace` with an owner reference to `uid`, in key order.
    pub fn owned_by(&self, workspace: &str, uid: &str) -> impl Iterator<Item = &Key> + '_ {
        self.by_owner
            .get(&(Str::new(workspace), Str::new(uid)))
            .into_iter()
            .flatten()
    }

    /// Keys of the pods bound to `node`, in every workspace, in key order.
    pub fn pods_on_node(&self, node: &str) -> impl Iterator<Item = &Key> + '_ {
        self.pods_by_node.get(node).into_iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::super::Store;
    use super::*;
    use crate::json;

    #[test]
    fn follows_writes() {
        let mut s = Store::default();
        let rs = Key::new("root", "replicasets.apps", "default", "web");
        let pod = Key::new("root", "pods", "default", "web-1");
        s.put(rs.clone(), json!({"metadata": {"uid": "u-rs"}}));
        s.put(
            pod.clone(),
            json!({"metadata": {"uid": "u-p", "ownerReferences": [{"uid": "u-rs"}]}, "spec": {}}),
        );
        assert_eq!(s.indexes().by_uid("root", "u-rs"), Some(&rs));
        assert_eq!(
            s.indexes().owned_by("root", "u-rs").collect::<Vec<_>>(),
            vec![&pod]
        );
        assert_eq!(s.indexes().owned_by("root:other", "u-rs").count(), 0);
        s.put(
            pod.clone(),
            json!({"metadata": {"uid": "u-p"}, "spec": {"nodeName": "n1"}}),
        );
        assert_eq!(s.indexes().owned_by("root", "u-rs").count(), 0);
        assert_eq!(
            s.indexes().pods_on_node("n1").collect::<Vec<_>>(),
            vec![&pod]
        );
        s.remove(&pod);
        assert_eq!(s.indexes().pods_on_node("n1").count(), 0);
        assert!(s.indexes().by_uid("root", "u-p").is_none());
    }
}
