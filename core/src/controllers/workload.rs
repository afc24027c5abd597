//! What the workload controllers share (pkg/controller/controller_utils.go): the pods a
//! controller owns, pods from a template, creation in slow-start batches, and the instant a
//! controller must look again.
use crate::api::object::{self, controller_of, controller_ref};
use crate::api::{Map, Value};
use crate::json;
use crate::server::status::Status;
use crate::server::Server;
use crate::store::Key;

/// `BurstReplicas`: the most pods a ReplicaSet (or Job) sync creates or deletes.
pub const BURST_REPLICAS: usize = 500;
/// `SlowStartInitialBatchSize`.
pub const SLOW_START_INITIAL_BATCH: usize = 1;

/// The pods in `owner`'s workspace and namespace whose controller is the object with `uid`,
/// through the store's owner index, in key order.
pub fn owned_pods(s: &Server, owner: &Key, uid: &str) -> Vec<Value> {
    owned(s, owner, uid, "pods")
}

/// The objects of `resource` (`jobs.batch`) in `owner`'s workspace and namespace whose
/// controller is the object with `uid`, through the store's owner index, in key order.
pub fn owned(s: &Server, owner: &Key, uid: &str, resource: &str) -> Vec<Value> {
    s.store
        .indexes()
        .owned_by(&owner.workspace, uid)
        .filter(|k| &*k.resource == resource && k.namespace == owner.namespace)
        .filter_map(|k| s.store.get(k))
        .filter(|p| controller_of(p).is_some_and(|r| r["uid"] == uid))
        .cloned()
        .collect()
}

/// A pod from a template (`controller.GetPodFromTemplate`): the template's labels,
/// annotations and finalizers, the owner as controller, no name (set by the caller).
pub fn pod_from_template(owner: &Value, template: &Value) -> Value {
    let mut meta = Map::new();
    for field in ["labels", "annotations", "finalizers"] {
        if let Some(v) = template.get("metadata").and_then(|m| m.get(field)) {
            if !v.is_null() {
                meta.insert(field, v.clone());
            }
        }
    }
    meta.insert("namespace", json!(object::namespace(owner)));
    meta.insert("ownerReferences", json!([controller_ref(owner)]));
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": template.get("spec").cloned().unwrap_or(json!({}))})
}

/// `slowStartBatch`: calls `create` `count` times in batches of 1, 2, 4, … and stops after the
/// first batch with a failure. Returns how many succeeded and the first failure.
pub fn slow_start_batch(
    count: usize,
    mut create: impl FnMut() -> Result<(), Status>,
) -> (usize, Option<Status>) {
    let mut done = 0;
    let mut batch = SLOW_START_INITIAL_BATCH.min(count);
    while batch > 0 {
        let mut failure = None;
        for _ in 0..batch {
            if let Err(e) = create() {
                failure.get_or_insert(e);
            } else {
                done += 1;
            }
        }
        if failure.is_some() {
            return (done, failure);
        }
        let remaining = count - done;
        batch = (2 * batch).min(remaining);
    }
    (done, None)
}

/// The earliest instant a controller must look at a key again (e.g. when a pod becomes
/// available after `minReadySeconds`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Soonest(Option<i64>);

impl Soonest {
    /// Notes one instant (ms) to look again at.
    pub fn note(&mut self, at: i64) {
        self.0 = Some(self.0.map_or(at, |t| t.min(at)));
    }

    /// The runtime action: requeue after the soonest instant, or wait for a change.
    pub fn action(self, now_ms: i64) -> crate::runtime::Action {
        match self.0 {
            Some(t) => crate::runtime::Action::RequeueAfter(t.saturating_sub(now_ms).max(0)),
            None => crate::runtime::Action::AwaitChange,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slow_start_doubles_and_stops_after_a_failing_batch() {
        let mut calls = 0;
        let (ok, err) = slow_start_batch(10, || {
            calls += 1;
            Ok(())
        });
        assert_eq!((ok, err.is_none(), calls), (10, true, 10));
        // Batches 1, 2, 4: the 5th call fails, the batch of 4 finishes, nothing more.
        let mut calls = 0;
        let (ok, err) = slow_start_batch(100, || {
            calls += 1;
            if calls == 5 {
                Err(Status::bad_request("no"))
            } else {
                Ok(())
            }
        });
        assert_eq!((ok, calls), (6, 7));
        assert!(err.is_some());
    }
}
