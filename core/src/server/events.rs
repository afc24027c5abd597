//! core/v1 Events, deduplicated as client-go's `EventCorrelator` does: an Event with the same
//! source, involved object, type, reason and message bumps `count` and `lastTimestamp`.
use super::Server;
use crate::api::object;
use crate::api::Value;
use crate::json;
use crate::store::Key;

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
            let count = updated["count"].as_i64().unwrap_or(1) + 1;
            updated["count"] = json!(count);
            updated["lastTimestamp"] = json!(now);
            self.store.put(key, updated);
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
        let key = Key {
            workspace: workspace.into(),
            resource: "events".into(),
            namespace: ns.into(),
            name,
        };
        self.store.put(key.clone(), event);
        self.event_index.insert(dk, key);
    }

    pub(super) fn rebuild_event_index(&mut self) {
        self.event_index = self
            .store
            .list_all("events")
            .map(|(k, v)| (dedup_key(&k.workspace, v), k.clone()))
            .collect();
    }
}
