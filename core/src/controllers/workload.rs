//! What the workload controllers share (pkg/controller/controller_utils.go and
//! pkg/controller/history): the objects a controller owns (through the owner index), pods from
//! a template, creation in slow-start batches, pod availability with the instant to look
//! again, and ControllerRevisions (the StatefulSet and DaemonSet history).
use crate::api::object::{self, controller_of, controller_ref, path, set_path};
use crate::api::pod::{availability, Availability};
use crate::api::{Map, Value};
use crate::json;
use crate::server::status::Status;
use crate::server::Server;
use crate::sim::rng::ALPHANUMS;
use crate::store::Key;
use std::collections::{BTreeMap, BTreeSet};

/// `BurstReplicas`: the most pods a ReplicaSet (or Job) sync creates or deletes.
pub const BURST_REPLICAS: usize = 500;
/// `SlowStartInitialBatchSize`.
pub const SLOW_START_INITIAL_BATCH: usize = 1;
/// `apps.ControllerRevisionHashLabelKey` (also `DefaultDaemonSetUniqueLabelKey`).
pub const REVISION_LABEL: &str = "controller-revision-hash";

/// `spec.replicas` as the API validates it: an int32, never negative (1 when unset).
pub fn replicas(o: &Value) -> i64 {
    object::i64_at(o, &["spec", "replicas"])
        .unwrap_or(1)
        .clamp(0, i64::from(i32::MAX))
}

/// The objects of `resource` in `owner`'s workspace and namespace whose controller is the
/// object with `uid`, through the store's owner index, in key order.
pub fn owned<'a>(
    s: &'a Server,
    owner: &'a Key,
    uid: &'a str,
    resource: &'a str,
) -> impl Iterator<Item = &'a Value> + 'a {
    s.store
        .indexes()
        .owned_by(&owner.workspace, uid)
        .filter(move |k| &*k.resource == resource && k.namespace == owner.namespace)
        .filter_map(|k| s.store.get(k))
        .filter(move |o| controller_of(o).is_some_and(|r| r["uid"] == uid))
}

/// The pods in `owner`'s workspace and namespace whose controller is the object with `uid`,
/// through the store's owner index, in key order.
pub fn owned_pods(s: &Server, owner: &Key, uid: &str) -> Vec<Value> {
    owned(s, owner, uid, "pods").cloned().collect()
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

/// `slowStartBatch` as a gate, for loops that create one object per step in their own order
/// (the StatefulSet's ordinals, the DaemonSet's nodes): at most `limit` attempts, in batches of
/// 1, 2, 4, …; after a batch with a failure, no further batch starts.
#[derive(Debug, Clone)]
pub struct SlowStart {
    limit: usize,
    batch: usize,
    in_batch: usize,
    started: usize,
    failed: bool,
}

impl SlowStart {
    /// A gate for at most `limit` attempts.
    pub fn new(limit: usize) -> SlowStart {
        SlowStart {
            limit,
            batch: SLOW_START_INITIAL_BATCH.min(limit),
            in_batch: 0,
            started: 0,
            failed: false,
        }
    }

    /// Whether another attempt may start.
    pub fn may_start(&self) -> bool {
        self.started < self.limit && self.batch > 0 && !(self.failed && self.in_batch == 0)
    }

    /// Records whether an attempt succeeded.
    pub fn record(&mut self, ok: bool) {
        self.started += 1;
        self.in_batch += 1;
        self.failed |= !ok;
        if self.in_batch >= self.batch {
            self.in_batch = 0;
            self.batch = (2 * self.batch).min(self.limit - self.started);
        }
    }

    /// Whether an attempt failed.
    pub fn failed(&self) -> bool {
        self.failed
    }
}

/// `slowStartBatch`: calls `create` `count` times in batches of 1, 2, 4, … and stops after the
/// first batch with a failure. Returns how many succeeded and the first failure.
pub fn slow_start_batch(
    count: usize,
    mut create: impl FnMut() -> Result<(), Status>,
) -> (usize, Option<Status>) {
    let mut gate = SlowStart::new(count);
    let (mut done, mut failure) = (0, None);
    while gate.may_start() {
        match create() {
            Ok(()) => {
                done += 1;
                gate.record(true);
            }
            Err(e) => {
                failure.get_or_insert(e);
                gate.record(false);
            }
        }
    }
    (done, failure)
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

/// `podutil.IsPodAvailable` at `now_ms`; a Ready pod that becomes available later notes that
/// instant in `next`.
pub fn is_available(pod: &Value, min_ready_seconds: i64, now_ms: i64, next: &mut Soonest) -> bool {
    match availability(pod, min_ready_seconds, now_ms) {
        Availability::Available => true,
        Availability::At(t) => {
            next.note(t);
            false
        }
        Availability::Unavailable => false,
    }
}

/// FNV-32a, the hash behind `controller.ComputeHash`.
fn fnv32a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    })
}

/// `controller.ComputeHash` (the `pod-template-hash` and `controller-revision-hash` values):
/// FNV-32a of the template (and collision count), written with `rand.SafeEncodeString` of its
/// decimal form (pkg/controller/controller_utils.go `ComputeHash`).
///
/// Upstream hashes the typed template as go-spew prints it (`hashutil.DeepHashObject`, map
/// keys sorted); kplane hashes the template's canonical JSON (`json.Marshal`: keys sorted at
/// every level, compact), so the values differ from a real cluster's, but depend only on the
/// template's content, never on its key order: applying `kubectl get -o yaml` output back
/// (keys sorted) keeps the same ReplicaSet.
pub fn compute_hash(template: &Value, collision_count: Option<i64>) -> String {
    let mut bytes = crate::api::gojson::to_compact(template).into_bytes();
    if let Some(c) = collision_count {
        bytes.extend_from_slice(c.to_string().as_bytes());
    }
    fnv32a(&bytes)
        .to_string()
        .bytes()
        .map(|b| ALPHANUMS[b as usize % ALPHANUMS.len()] as char)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// ControllerRevisions (pkg/controller/history), for the StatefulSet and DaemonSet controllers.

const REVISIONS: &str = "controllerrevisions.apps";

/// The ControllerRevisions the object with `uid` at `owner` controls, through the owner index,
/// by `revision` then name (`history.SortControllerRevisions`).
pub fn owned_revisions(s: &Server, owner: &Key, uid: &str) -> Vec<Value> {
    let mut revs: Vec<Value> = owned(s, owner, uid, REVISIONS).cloned().collect();
    revs.sort_by(|a, b| {
        (revision_number(a), object::name(a)).cmp(&(revision_number(b), object::name(b)))
    });
    revs
}

/// A ControllerRevision's `revision`.
pub fn revision_number(r: &Value) -> i64 {
    r["revision"].as_i64().unwrap_or(0)
}

/// The revision's data (`getPatch`): `{"spec":{"template":{…,"$patch":"replace"}}}`.
pub fn revision_data(owner: &Value) -> Value {
    let mut template = path(owner, &["spec", "template"])
        .cloned()
        .unwrap_or(json!({}));
    set_path(&mut template, &["$patch"], json!("replace"));
    json!({"spec": {"template": template}})
}

/// The pod template a revision records (`ApplyRevision`).
pub fn revision_template(r: &Value) -> Value {
    let mut t = path(r, &["data", "spec", "template"])
        .cloned()
        .unwrap_or(json!({}));
    if let Some(m) = t.as_object_mut() {
        m.shift_remove("$patch");
    }
    t
}

/// Finds or makes the revision for the owner's current template (`owner` stored at `key`):
/// the newest revision if it is equal, an older equal one renumbered as the newest (a
/// rollback), or a new one named `<owner>-<hash>` (with the collision count bumped while the
/// name is taken by different data). `hash_input` is what the hash covers (the revision data
/// for StatefulSets, the pod template for DaemonSets). Returns the update revision and the
/// collision count; None when a write failed.
pub fn sync_revision(
    s: &mut Server,
    key: &Key,
    owner: &Value,
    revisions: &mut Vec<Value>,
    hash_input: &Value,
    mut collision_count: i64,
) -> Option<(Value, i64)> {
    let ws = &key.workspace;
    let data = revision_data(owner);
    let next = revisions
        .iter()
        .map(revision_number)
        .max()
        .unwrap_or(0)
        .saturating_add(1);
    if let Some(i) = revisions.iter().rposition(|r| r["data"] == data) {
        if i + 1 == revisions.len() {
            return Some((revisions[i].clone(), collision_count));
        }
        let mut r = revisions[i].clone();
        r["revision"] = json!(next);
        let updated = s.update(ws, r).ok()?;
        revisions.remove(i);
        revisions.push(updated.clone());
        return Some((updated, collision_count));
    }
    let ns = object::namespace(owner).to_string();
    for _ in 0..100 {
        let hash = compute_hash(hash_input, Some(collision_count).filter(|c| *c > 0));
        let name = format!("{}-{hash}", object::name(owner));
        if let Some(existing) = s.store.get(&Key::new(ws, REVISIONS, &ns, &name)) {
            if existing["data"] == data
                && controller_of(existing).is_some_and(|o| o["uid"] == object::uid(owner))
            {
                return Some((existing.clone(), collision_count));
            }
            collision_count = collision_count.saturating_add(1);
            continue;
        }
        let mut labels: BTreeMap<String, String> =
            object::string_map(owner, &["spec", "template", "metadata", "labels"]);
        labels.insert(REVISION_LABEL.into(), hash);
        let rev = json!({
            "apiVersion": "apps/v1",
            "kind": "ControllerRevision",
            "metadata": {"name": name, "namespace": ns, "labels": labels, "ownerReferences": [controller_ref(owner)]},
            "data": data,
            "revision": next,
        });
        let created = s.create(ws, rev).ok()?;
        revisions.push(created.clone());
        return Some((created, collision_count));
    }
    None
}

/// Deletes revisions beyond `revisionHistoryLimit` that no pod and neither the current nor
/// the update revision uses, oldest first (`truncateHistory`).
pub fn truncate_history(
    s: &mut Server,
    key: &Key,
    owner: &Value,
    revisions: &[Value],
    live: &BTreeSet<String>,
) {
    let limit = object::i64_at(owner, &["spec", "revisionHistoryLimit"])
        .unwrap_or(10)
        .clamp(0, i64::from(i32::MAX)) as usize;
    let history: Vec<&Value> = revisions
        .iter()
        .filter(|r| !live.contains(object::name(r)))
        .collect();
    if history.len() <= limit {
        return;
    }
    let info = super::kind("apps/v1", "ControllerRevision");
    for r in &history[..history.len() - limit] {
        let _ = s.delete(
            &key.workspace,
            info,
            object::namespace(r),
            object::name(r),
            None,
            None,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_hash_is_stable_and_safe() {
        let t = json!({"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "a", "image": "nginx"}]}});
        let h = compute_hash(&t, None);
        assert_eq!(h, compute_hash(&t, None));
        assert_ne!(h, compute_hash(&t, Some(1)));
        // Key order does not matter (`get -o yaml` sorts keys).
        let reordered = json!({"spec": {"containers": [{"image": "nginx", "name": "a"}]}, "metadata": {"labels": {"app": "web"}}});
        assert_eq!(h, compute_hash(&reordered, None));
        assert!(h.bytes().all(|b| ALPHANUMS.contains(&b)));
    }

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
