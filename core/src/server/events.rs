//! core/v1 Events, deduplicated as client-go's `EventCorrelator` does: an Event with the same
//! source, involved object, type, reason and message bumps `count` and `lastTimestamp`.
use super::Server;
use crate::api::object;
use crate::api::Value;
use crate::json;
use crate::store::Key;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeSet;

/// How long an Event lives after its last write: kube-apiserver's `--event-ttl` default (1 h).
/// Expired Events are deleted (a DELETED watch event), as etcd's lease expiry does upstream.
pub const EVENT_TTL_MS: i64 = 60 * 60 * 1000;

/// When each Event expires.
#[derive(Debug, Clone, Default)]
pub struct EventExpiry {
    due: BTreeSet<(i64, Key)>,
    of: HashMap<Key, i64>,
}

impl EventExpiry {
    fn touch(&mut self, key: &Key, at: i64) {
        if let Some(old) = self.of.insert(key.clone(), at) {
            self.due.remove(&(old, key.clone()));
        }
        self.due.insert((at, key.clone()));
    }

    fn forget(&mut self, key: &Key) {
        if let Some(old) = self.of.remove(key) {
            self.due.remove(&(old, key.clone()));
        }
    }

    /// Every (expiry, Event) pair, in order (for snapshots).
    pub fn all(&self) -> Vec<(i64, Key)> {
        self.due.iter().cloned().collect()
    }

    /// Rebuilds from [`EventExpiry::all`].
    pub fn from_all(all: Vec<(i64, Key)>) -> EventExpiry {
        let mut e = EventExpiry::default();
        for (at, key) in all {
            e.touch(&key, at);
        }
        e
    }
}

/// `Normal` or `Warning`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    Normal,
    Warning,
}

impl EventType {
    fn as_str(self) -> &'static str {
        match self {
            EventType::Normal => "Normal",
            EventType::Warning => "Warning",
        }
    }
}

/// Whether a write at `key` changes the custom kinds its workspace serves (a CRD or an
/// APIBinding).
fn defines_kinds(key: &Key) -> bool {
    &*key.resource == super::custom::CRD_RESOURCE
        || &*key.resource == super::custom::APIBINDING_RESOURCE
}

fn dedup_key(workspace: &str, event: &Value) -> String {
    let io = &event["involvedObject"];
    format!(
        "{workspace}\u{0}{}\u{0}{}\u{0}{}\u{0}{}\u{0}{}\u{0}{}\u{0}{}",
        event["source"]["component"].as_str().unwrap_or(""),
        io["kind"].as_str().unwrap_or(""),
        io["namespace"].as_str().unwrap_or(""),
        io["uid"].as_str().unwrap_or(""),
        event["type"].as_str().unwrap_or(""),
        event["reason"].as_str().unwrap_or(""),
        event["message"].as_str().unwrap_or(""),
    )
}

impl Server {
    /// Records an Event about `involved` from `component` (e.g. `default-scheduler`).
    pub fn event(
        &mut self,
        workspace: &str,
        involved: &Value,
        kind: EventType,
        reason: &str,
        message: &str,
        component: &str,
    ) {
        let now = self.clock.rfc3339();
        let ns = match object::namespace(involved) {
            "" => "default",
            ns => ns,
        };
        let mut event = json!({
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"namespace": ns},
            "involvedObject": {
                "apiVersion": object::api_version(involved),
                "kind": object::kind(involved),
                "name": object::name(involved),
                "uid": object::uid(involved),
            },
            "reason": reason,
            "message": message,
            "type": kind.as_str(),
            "source": {"component": component},
            "firstTimestamp": now,
            "lastTimestamp": now,
            "count": 1,
            "reportingComponent": component,
            "reportingInstance": "",
        });
        if !object::namespace(involved).is_empty() {
            event["involvedObject"]["namespace"] = json!(object::namespace(involved));
        }
        if let Some(rv) = object::str_at(involved, &["metadata", "resourceVersion"]) {
            event["involvedObject"]["resourceVersion"] = json!(rv);
        }
        let dk = dedup_key(workspace, &event);
        if let Some(existing) = self
            .event_index
            .get(&dk)
            .and_then(|k| self.store.get(k))
            .cloned()
        {
            let key = self.event_index[&dk].clone();
            let mut updated = existing;
            let count = updated["count"].as_i64().unwrap_or(1).saturating_add(1);
            updated["count"] = json!(count);
            updated["lastTimestamp"] = json!(now);
            self.put(key, updated);
            return;
        }
        // Upstream names events `<object>.<UnixNano in hex>`; the revision keeps them unique
        // within one virtual millisecond.
        let nanos =
            self.clock.now_ms() as u64 * 1_000_000 + (self.store.revision() + 1) % 1_000_000;
        let name = format!("{}.{:x}", object::name(involved), nanos);
        event["metadata"]["name"] = json!(name);
        event["metadata"]["uid"] = json!(self.rng.uuid());
        event["metadata"]["creationTimestamp"] = json!(now);
        let key = Key::new(workspace, "events", ns, &name);
        self.put(key.clone(), event);
        self.event_index.insert(dk, key);
    }

    /// Writes an object to the store; an Event's time to live starts (again).
    pub(crate) fn put(&mut self, key: Key, object: Value) -> Value {
        if &*key.resource == "events" {
            let at = self.clock.now_ms().saturating_add(EVENT_TTL_MS);
            self.event_expiry.touch(&key, at);
        } else {
            self.writes = self.writes.wrapping_add(1);
        }
        let defines = defines_kinds(&key);
        let stored = self.store.put(key.clone(), object);
        if defines {
            self.custom.refresh(&self.store, &key.workspace);
        }
        stored
    }

    /// Removes an object from the store.
    pub(crate) fn remove(&mut self, key: &Key) -> Option<Value> {
        self.event_expiry.forget(key);
        let gone = self.store.remove(key);
        if gone.is_some() && &*key.resource != "events" {
            self.writes = self.writes.wrapping_add(1);
        }
        if gone.is_some() && defines_kinds(key) {
            self.custom.refresh(&self.store, &key.workspace);
        }
        gone
    }

    /// Deletes the Events whose time to live has run out.
    pub fn expire_events(&mut self) {
        let now = self.clock.now_ms();
        while let Some((at, key)) = self.event_expiry.due.first().cloned() {
            if at > now {
                break;
            }
            self.event_expiry.forget(&key);
            if let Some(gone) = self.store.remove(&key) {
                let dk = dedup_key(&key.workspace, &gone);
                if self.event_index.get(&dk) == Some(&key) {
                    self.event_index.remove(&dk);
                }
            }
        }
    }

    /// When each Event expires (for snapshots).
    pub fn event_expiry(&self) -> &EventExpiry {
        &self.event_expiry
    }

    pub(super) fn rebuild_event_index(&mut self) {
        self.event_index = self
            .store
            .list_all("events")
            .map(|(k, v)| (dedup_key(&k.workspace, v), k.clone()))
            .collect();
    }
}
