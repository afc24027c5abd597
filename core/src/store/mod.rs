//! The store, on etcd's model: one global revision counter, every write stamps the object
//! with `metadata.resourceVersion` = the revision of its last modification, and a history of
//! watch events in revision order that can be replayed from any revision not yet compacted.
use crate::api::Value;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

/// Where an object lives: workspace (logical cluster), resource (`deployments.apps`),
/// namespace (empty for cluster-scoped) and name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Key {
    pub workspace: String,
    pub resource: String,
    pub namespace: String,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum EventType {
    Added,
    Modified,
    Deleted,
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

    /// Objects of one resource in one workspace, optionally one namespace, in key order.
    pub fn list<'a>(
        &'a self,
        workspace: &'a str,
        resource: String,
        namespace: Option<&'a str>,
    ) -> impl Iterator<Item = (&'a Key, &'a Value)> + 'a {
        let start = Key {
            workspace: workspace.to_string(),
            resource: resource.clone(),
            namespace: namespace.unwrap_or("").to_string(),
            name: String::new(),
        };
        self.objects.range(start..).take_while(move |(k, _)| {
            k.workspace == workspace
                && k.resource == resource
                && namespace.is_none_or(|ns| k.namespace == ns)
        })
    }

    /// Every object of one workspace, in key order.
    pub fn list_workspace<'a>(
        &'a self,
        workspace: &'a str,
    ) -> impl Iterator<Item = (&'a Key, &'a Value)> + 'a {
        self.objects
            .iter()
            .filter(move |(k, _)| k.workspace == workspace)
    }

    /// Every object of one resource across workspaces.
    pub fn list_all<'a>(
        &'a self,
        resource: &'a str,
    ) -> impl Iterator<Item = (&'a Key, &'a Value)> + 'a {
        self.objects
            .iter()
            .filter(move |(k, _)| k.resource == resource)
    }

    /// Writes `object` at `key` (create or update), stamping the new revision. Returns it.
    pub fn put(&mut self, key: Key, mut object: Value) -> Value {
        self.revision += 1;
        set_resource_version(&mut object, self.revision);
        let kind = if self.objects.contains_key(&key) {
            EventType::Modified
        } else {
            EventType::Added
        };
        self.objects.insert(key.clone(), object.clone());
        self.record(kind, key, object.clone());
        object
    }

    /// Removes the object at `key`; the DELETED event carries it at the deletion's revision.
    pub fn remove(&mut self, key: &Key) -> Option<Value> {
        let mut object = self.objects.remove(key)?;
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
                next_at_ms: now_ms + COMPACTION_INTERVAL_MS,
                revision: self.revision,
            };
            return;
        }
        while now_ms >= self.compactor.next_at_ms {
            self.compact(self.compactor.revision);
            self.compactor = Compactor {
                next_at_ms: self.compactor.next_at_ms + COMPACTION_INTERVAL_MS,
                revision: self.revision,
            };
        }
    }

    /// Drops the history at or below `revision` (`etcdctl compact`).
    pub fn compact(&mut self, revision: u64) {
        while self.history.front().is_some_and(|e| e.revision <= revision) {
            self.history.pop_front();
        }
        self.compacted = self.compacted.max(revision);
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

    pub fn restore(s: StoreSnapshot) -> Store {
        Store {
            revision: s.revision,
            compacted: s.compacted,
            compactor: s.compactor,
            objects: s.objects.into_iter().collect(),
            history: s.history.into(),
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
        Key {
            workspace: "root".into(),
            resource: "pods".into(),
            namespace: "default".into(),
            name: name.into(),
        }
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
    fn lists_by_namespace() {
        let mut s = Store::default();
        s.put(key("a"), json!({}));
        let mut other = key("b");
        other.namespace = "kube-system".into();
        s.put(other, json!({}));
        assert_eq!(s.list("root", "pods".into(), None).count(), 2);
        assert_eq!(s.list("root", "pods".into(), Some("default")).count(), 1);
        assert_eq!(s.list("root", "nodes".into(), None).count(), 0);
    }
}
