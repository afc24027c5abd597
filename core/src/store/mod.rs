//! The store, on etcd's model: one global revision counter, every write stamps the object
//! with `metadata.resourceVersion` = the revision of its last modification, and a history of
//! watch events in revision order that can be replayed from any revision not yet compacted.
//!
//! Objects are [`Value`]s: one shared allocation per revision, held by the store, the watch
//! history, listers and callers alike (a write replaces it, nothing is deep-copied). The store
//! keeps the indexes controllers look things up by ([`Indexes`]): uid, owner uid, and the node a
//! pod is bound to, across all workspaces.
mod index;

pub use index::Indexes;

use crate::api::value::Str;
use crate::api::Value;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Where an object lives: workspace (logical cluster), resource (`deployments.apps`),
/// namespace (empty for cluster-scoped) and name. Cloning is four reference-count increments.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Key {
    pub workspace: Str,
    pub resource: Str,
    pub namespace: Str,
    pub name: Str,
}

impl Key {
    pub fn new(workspace: &str, resource: &str, namespace: &str, name: &str) -> Key {
        Key {
            workspace: Str::new(workspace),
            resource: Str::new(resource),
            namespace: Str::new(namespace),
            name: Str::new(name),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum EventType {
    Added,
    Modified,
    Deleted,
}

impl EventType {
    /// `ADDED`, `MODIFIED` or `DELETED`, as watch events name them.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WatchEvent {
    pub revision: u64,
    #[serde(rename = "type")]
    pub kind: EventType,
    pub key: Key,
    pub object: Value,
}

/// How many events of history are kept at most before the oldest are compacted away.
pub const HISTORY_LIMIT: usize = 50_000;
/// kube-apiserver compacts etcd every 5 minutes (`--etcd-compaction-interval`), to the
/// revision it saw at the previous run: history lives between 5 and 10 minutes.
pub const COMPACTION_INTERVAL_MS: i64 = 5 * 60 * 1000;

#[derive(Debug, Clone, Default)]
pub struct Store {
    revision: u64,
    objects: BTreeMap<Key, Value>,
    history: VecDeque<WatchEvent>,
    /// Events at or below this revision are gone.
    compacted: u64,
    /// The periodic compactor: when it runs next, and the revision it will compact to.
    compactor: Compactor,
    /// Workspaces holding at least one object, for ranges over one resource in all of them.
    workspaces: BTreeMap<Str, usize>,
    /// Events per workspace (the rest of [`Store::workspaces`]'s count is every other object).
    events: BTreeMap<Str, usize>,
    indexes: Indexes,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Compactor {
    pub next_at_ms: i64,
    pub revision: u64,
}

impl Store {
    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn compacted_revision(&self) -> u64 {
        self.compacted
    }

    pub fn get(&self, key: &Key) -> Option<&Value> {
        self.objects.get(key)
    }

    /// The lookup indexes (uid, owner, node).
    pub fn indexes(&self) -> &Indexes {
        &self.indexes
    }

    /// Objects of one resource in one workspace, optionally one namespace, in key order,
    /// starting after `after` (a name within the namespace range) when given.
    pub fn list<'a>(
        &'a self,
        workspace: &'a str,
        resource: &'a str,
        namespace: Option<&'a str>,
    ) -> impl Iterator<Item = (&'a Key, &'a Value)> + 'a {
        let start = Key::new(workspace, resource, namespace.unwrap_or(""), "");
        self.objects.range(start..).take_while(move |(k, _)| {
            &*k.workspace == workspace
                && &*k.resource == resource
                && namespace.is_none_or(|ns| &*k.namespace == ns)
        })
    }

    /// Like [`Store::list`], from the first key after `after` (for paged lists).
    pub fn list_after<'a>(
        &'a self,
        after: &Key,
        namespace: Option<&'a str>,
    ) -> impl Iterator<Item = (&'a Key, &'a Value)> + 'a {
        let (workspace, resource) = (after.workspace.clone(), after.resource.clone());
        self.objects
            .range((
                std::ops::Bound::Excluded(after.clone()),
                std::ops::Bound::Unbounded,
            ))
            .take_while(move |(k, _)| {
                k.workspace == workspace
                    && k.resource == resource
                    && namespace.is_none_or(|ns| &*k.namespace == ns)
            })
    }

    /// Every object of one workspace, in key order.
    pub fn list_workspace<'a>(
        &'a self,
        workspace: &'a str,
    ) -> impl Iterator<Item = (&'a Key, &'a Value)> + 'a {
        let start = Key::new(workspace, "", "", "");
        self.objects
            .range(start..)
            .take_while(move |(k, _)| &*k.workspace == workspace)
    }

    /// How many objects `workspace` holds, Events not counted (kcp's total object count of a
    /// logical cluster).
    pub fn objects_in(&self, workspace: &str) -> usize {
        let all = self.workspaces.get(workspace).copied().unwrap_or(0);
        all.saturating_sub(self.events.get(workspace).copied().unwrap_or(0))
    }

    /// Counts an object of `key` in (`+1`) or out of (`-1`) its workspace.
    fn count(&mut self, key: &Key, added: bool) {
        count_in(&mut self.workspaces, &key.workspace, added);
        if &*key.resource == "events" {
            count_in(&mut self.events, &key.workspace, added);
        }
    }

    /// The workspaces that hold objects, in order.
    pub fn workspaces(&self) -> impl Iterator<Item = &Str> + '_ {
        self.workspaces.keys()
    }

    /// Every object of one resource across workspaces (workspace by workspace, in key order).
    pub fn list_all<'a>(
        &'a self,
        resource: &'a str,
    ) -> impl Iterator<Item = (&'a Key, &'a Value)> + 'a {
        self.workspaces
            .keys()
            .flat_map(move |w| self.list(w, resource, None))
    }

    /// Writes `object` at `key` (create or update), stamping the new revision. Returns it.
    pub fn put(&mut self, key: Key, mut object: Value) -> Value {
        self.revision += 1;
        set_resource_version(&mut object, self.revision);
        let previous = self.objects.insert(key.clone(), object.clone());
        let kind = match &previous {
            Some(old) => {
                self.indexes.remove(&key, old);
                EventType::Modified
            }
            None => {
                self.count(&key, true);
                EventType::Added
            }
        };
        self.indexes.insert(&key, &object);
        self.record(kind, key, object.clone());
        object
    }

    /// Removes the object at `key`; the DELETED event carries it at the deletion's revision.
    pub fn remove(&mut self, key: &Key) -> Option<Value> {
        let mut object = self.objects.remove(key)?;
        self.indexes.remove(key, &object);
        self.count(key, false);
        self.revision += 1;
        set_resource_version(&mut object, self.revision);
        self.record(EventType::Deleted, key.clone(), object.clone());
        Some(object)
    }

    fn record(&mut self, kind: EventType, key: Key, object: Value) {
        self.history.push_back(WatchEvent {
            revision: self.revision,
            kind,
            key,
            object,
        });
        while self.history.len() > HISTORY_LIMIT {
            if let Some(e) = self.history.pop_front() {
                self.compacted = e.revision;
            }
        }
    }

    /// Runs the periodic compactor if it is due at `now_ms`.
    pub fn tick(&mut self, now_ms: i64) {
        if self.compactor.next_at_ms == 0 {
            self.compactor = Compactor {
                next_at_ms: now_ms.saturating_add(COMPACTION_INTERVAL_MS),
                revision: self.revision,
            };
            return;
        }
        if now_ms >= self.compactor.next_at_ms {
            self.compact(self.compactor.revision);
            // Every run that fell due compacts to what the previous run saw: after two or
            // more runs nothing older than now is left. Computed, not looped, however far
            // time jumped.
            let behind = (now_ms - self.compactor.next_at_ms) / COMPACTION_INTERVAL_MS + 1;
            if behind >= 2 {
                self.compact(self.revision);
            }
            self.compactor = Compactor {
                next_at_ms: self
                    .compactor
                    .next_at_ms
                    .saturating_add(behind.saturating_mul(COMPACTION_INTERVAL_MS)),
                revision: self.revision,
            };
        }
    }

    /// Drops the history at or below `revision` (`etcdctl compact`).
    pub fn compact(&mut self, revision: u64) {
        while self.history.front().is_some_and(|e| e.revision <= revision) {
            self.history.pop_front();
        }
        self.compacted = self.compacted.max(revision.min(self.revision));
    }

    /// Events with revision > `since`, or `Err(oldest available)` when `since` was compacted.
    pub fn events_since(&self, since: u64) -> Result<impl Iterator<Item = &WatchEvent>, u64> {
        if since < self.compacted {
            return Err(self.compacted + 1);
        }
        let start = self.history.partition_point(|e| e.revision <= since);
        Ok(self.history.range(start..))
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// How many events the watch history holds.
    pub fn history_len(&self) -> usize {
        self.history.len()
    }

    pub fn snapshot(&self) -> StoreSnapshot {
        StoreSnapshot {
            revision: self.revision,
            compacted: self.compacted,
            compactor: self.compactor,
            objects: self
                .objects
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            history: self.history.iter().cloned().collect(),
        }
    }

    /// Rebuilds a store from a snapshot. Objects and history must agree with the revision:
    /// a snapshot whose objects carry revisions above its own is refused (it would let the
    /// revision go backwards).
    pub fn restore(s: StoreSnapshot) -> Result<Store, String> {
        let mut store = Store {
            revision: s.revision,
            compacted: s.compacted.min(s.revision),
            compactor: s.compactor,
            ..Store::default()
        };
        let mut seen = BTreeSet::new();
        for (k, v) in s.objects {
            let rv = crate::api::object::str_at(&v, &["metadata", "resourceVersion"])
                .and_then(|r| r.parse::<u64>().ok())
                .unwrap_or(0);
            if rv > s.revision {
                return Err(format!(
                    "object {}/{} has resourceVersion {rv} above the snapshot's revision {}",
                    k.resource, k.name, s.revision
                ));
            }
            if !seen.insert(k.clone()) {
                return Err(format!("object {}/{} appears twice", k.resource, k.name));
            }
            store.count(&k, true);
            store.indexes.insert(&k, &v);
            store.objects.insert(k, v);
        }
        let mut last = store.compacted;
        for e in s.history {
            if e.revision <= last || e.revision > s.revision {
                return Err(format!(
                    "watch history out of order at revision {} (after {last}, snapshot at {})",
                    e.revision, s.revision
                ));
            }
            last = e.revision;
            store.history.push_back(e);
        }
        Ok(store)
    }
}

/// Adds one to (or takes one from) `workspace`'s count in `map`; a count of zero is removed.
fn count_in(map: &mut BTreeMap<Str, usize>, workspace: &Str, added: bool) {
    if added {
        *map.entry(workspace.clone()).or_default() += 1;
    } else if let Some(n) = map.get_mut(workspace) {
        *n = n.saturating_sub(1);
        if *n == 0 {
            map.remove(workspace);
        }
    }
}

/// The serialized form of the store, like `etcdctl snapshot save`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoreSnapshot {
    pub revision: u64,
    pub compacted: u64,
    #[serde(default)]
    pub compactor: Compactor,
    pub objects: Vec<(Key, Value)>,
    pub history: Vec<WatchEvent>,
}

fn set_resource_version(object: &mut Value, revision: u64) {
    crate::api::object::set_path(
        object,
        &["metadata", "resourceVersion"],
        Value::from(revision.to_string()),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn key(name: &str) -> Key {
        Key::new("root", "pods", "default", name)
    }

    #[test]
    fn revisions_are_global_and_stamped() {
        let mut s = Store::default();
        let a = s.put(key("a"), json!({"metadata": {"name": "a"}}));
        let b = s.put(key("b"), json!({"metadata": {"name": "b"}}));
        assert_eq!(a["metadata"]["resourceVersion"], "1");
        assert_eq!(b["metadata"]["resourceVersion"], "2");
        s.remove(&key("a"));
        assert_eq!(s.revision(), 3);
        let kinds: Vec<EventType> = s.events_since(1).unwrap().map(|e| e.kind).collect();
        assert_eq!(kinds, vec![EventType::Added, EventType::Deleted]);
    }

    #[test]
    fn the_history_shares_the_stored_revision() {
        let mut s = Store::default();
        let stored = s.put(
            key("a"),
            json!({"metadata": {"name": "a"}, "spec": {"x": 1}}),
        );
        let e = s.events_since(0).unwrap().next().unwrap();
        assert!(e.object.same(&stored));
        assert!(s.get(&key("a")).unwrap().same(&stored));
    }

    #[test]
    fn lists_by_namespace_and_workspace() {
        let mut s = Store::default();
        s.put(key("a"), json!({}));
        s.put(Key::new("root", "pods", "kube-system", "b"), json!({}));
        s.put(Key::new("root:org", "pods", "default", "a"), json!({}));
        assert_eq!(s.list("root", "pods", None).count(), 2);
        assert_eq!(s.list("root", "pods", Some("default")).count(), 1);
        assert_eq!(s.list("root", "nodes", None).count(), 0);
        assert_eq!(s.list_workspace("root").count(), 2);
        assert_eq!(s.list_all("pods").count(), 3);
        s.remove(&Key::new("root:org", "pods", "default", "a"));
        assert_eq!(s.workspaces().count(), 1);
        let after: Vec<_> = s
            .list_after(&key("a"), None)
            .map(|(k, _)| k.name.to_string())
            .collect();
        assert_eq!(after, vec!["b".to_string()]);
    }

    #[test]
    fn restore_refuses_revisions_going_backwards() {
        let mut s = Store::default();
        s.put(key("a"), json!({}));
        let mut snap = s.snapshot();
        snap.revision = 0;
        assert!(Store::restore(snap).is_err());
        let ok = Store::restore(s.snapshot()).unwrap();
        assert_eq!(ok.revision(), 1);
        assert_eq!(ok.indexes().by_uid_len(), 0);
    }

    #[test]
    fn a_tick_after_a_long_jump_compacts_once() {
        let mut s = Store::default();
        s.tick(0);
        s.put(key("a"), json!({}));
        s.tick(COMPACTION_INTERVAL_MS);
        s.put(key("b"), json!({}));
        s.tick(1_000 * COMPACTION_INTERVAL_MS);
        assert_eq!(s.compacted_revision(), 2);
        assert!(s.events_since(0).is_err());
    }
}
