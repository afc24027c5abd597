//! The StatefulSet controller (pkg/controller/statefulset): pods with stable identities
//! `<set>-<ordinal>`, created in order and only once their predecessors are Running and Ready
//! (`OrderedReady`) or all at once (`Parallel`), deleted from the highest ordinal down; a
//! PersistentVolumeClaim per pod and volumeClaimTemplate, `<template>-<set>-<ordinal>`, kept or
//! removed as `persistentVolumeClaimRetentionPolicy` says (owner references the garbage
//! collector follows); revisions as ControllerRevisions; RollingUpdate from the highest ordinal
//! down to `partition`, one pod at a time, each waiting for the previous to be Ready; OnDelete.
//!
//! The ControllerRevision helpers here are shared with the DaemonSet controller.
use super::{is_pod_ready, kind};
use crate::api::object::{self, array_at, controller_of, controller_ref, path, set_path};
use crate::api::{Map, Value};
use crate::json;
use crate::server::{EventType, Server, ROOT};
use std::collections::{BTreeMap, BTreeSet, HashMap};

const COMPONENT: &str = "statefulset-controller";
/// `apps.StatefulSetPodNameLabel`.
pub const POD_NAME_LABEL: &str = "statefulset.kubernetes.io/pod-name";
/// `apps.PodIndexLabel` (PodIndexLabel, on by default since 1.28).
pub const POD_INDEX_LABEL: &str = "apps.kubernetes.io/pod-index";
/// `apps.ControllerRevisionHashLabelKey`.
pub const REVISION_LABEL: &str = "controller-revision-hash";

pub fn reconcile(s: &mut Server) {
    let sets: Vec<Value> = s
        .list(ROOT, kind("apps/v1", "StatefulSet"), None)
        .cloned()
        .collect();
    if sets.is_empty() {
        return;
    }
    let mut by_owner = pods_by_controller(s, "StatefulSet");
    for set in sets {
        // A set being deleted is left to the garbage collector (no new revisions or pods).
        if object::is_terminating(&set) {
            continue;
        }
        let pods = by_owner.remove(object::uid(&set)).unwrap_or_default();
        sync(s, &set, pods);
    }
}

/// Pods whose controller is of `owner_kind`, by the controller's uid.
pub(crate) fn pods_by_controller(s: &Server, owner_kind: &str) -> HashMap<String, Vec<Value>> {
    let mut by_owner: HashMap<String, Vec<Value>> = HashMap::new();
    for p in s.list(ROOT, kind("v1", "Pod"), None) {
        if let Some(r) = controller_of(p).filter(|r| r["kind"] == owner_kind) {
            if let Some(uid) = r["uid"].as_str() {
                by_owner.entry(uid.to_string()).or_default().push(p.clone());
            }
        }
    }
    by_owner
}

fn owned_pods(s: &Server, owner: &Value) -> Vec<Value> {
    let uid = object::uid(owner);
    s.list(ROOT, kind("v1", "Pod"), Some(object::namespace(owner)))
        .filter(|p| controller_of(p).is_some_and(|r| r["uid"] == uid))
        .cloned()
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Pod helpers shared by the workload controllers.

pub(crate) fn phase(p: &Value) -> &str {
    object::str_at(p, &["status", "phase"]).unwrap_or("")
}

pub(crate) fn is_terminal(p: &Value) -> bool {
    matches!(phase(p), "Succeeded" | "Failed")
}

/// `isRunningAndReady`.
pub(crate) fn running_and_ready(p: &Value) -> bool {
    phase(p) == "Running" && is_pod_ready(p)
}

/// `podutil.IsPodAvailable`: Ready for at least `min_ready_seconds` (a wake-up is registered
/// for a pod that will become available later).
pub(crate) fn is_available(s: &mut Server, p: &Value, min_ready_seconds: i64) -> bool {
    if !is_pod_ready(p) {
        return false;
    }
    if min_ready_seconds <= 0 {
        return true;
    }
    let since = array_at(p, &["status", "conditions"])
        .iter()
        .find(|c| c["type"] == "Ready")
        .and_then(|c| c["lastTransitionTime"].as_str())
        .and_then(crate::sim::parse_rfc3339);
    match since {
        Some(t) if s.clock.now_ms() >= t + min_ready_seconds * 1000 => true,
        Some(t) => {
            s.timers.wake_at(t + min_ready_seconds * 1000);
            false
        }
        None => false,
    }
}

/// A pod from a template (`controller.GetPodFromTemplate`): the template's labels,
/// annotations and finalizers, the owner as controller, no name (set by the caller).
pub(crate) fn pod_from_template(owner: &Value, template: &Value) -> Value {
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

// ---------------------------------------------------------------------------------------------
// ControllerRevisions (pkg/controller/history), shared with the DaemonSet controller.

/// The owner's ControllerRevisions, by `revision` then name (`history.SortControllerRevisions`).
pub(crate) fn owned_revisions(s: &Server, owner: &Value) -> Vec<Value> {
    let uid = object::uid(owner);
    let mut revs: Vec<Value> = s
        .list(
            ROOT,
            kind("apps/v1", "ControllerRevision"),
            Some(object::namespace(owner)),
        )
        .filter(|r| controller_of(r).is_some_and(|o| o["uid"] == uid))
        .cloned()
        .collect();
    revs.sort_by(|a, b| {
        (revision_number(a), object::name(a)).cmp(&(revision_number(b), object::name(b)))
    });
    revs
}

pub(crate) fn revision_number(r: &Value) -> i64 {
    r["revision"].as_i64().unwrap_or(0)
}

/// The revision's data (`getPatch`): `{"spec":{"template":{…,"$patch":"replace"}}}`.
pub(crate) fn revision_data(owner: &Value) -> Value {
    let mut template = path(owner, &["spec", "template"])
        .cloned()
        .unwrap_or(json!({}));
    set_path(&mut template, &["$patch"], json!("replace"));
    json!({"spec": {"template": template}})
}

/// The pod template a revision records (`ApplyRevision`).
pub(crate) fn revision_template(r: &Value) -> Value {
    let mut t = path(r, &["data", "spec", "template"])
        .cloned()
        .unwrap_or(json!({}));
    if let Some(m) = t.as_object_mut() {
        m.shift_remove("$patch");
    }
    t
}

/// Finds or makes the revision for the owner's current template: the newest revision if it
/// is equal, an older equal one renumbered as the newest (a rollback), or a new one named
/// `<owner>-<hash>` (with the collision count bumped while the name is taken by different
/// data). `hash_input` is what the hash covers (the revision data for StatefulSets, the pod
/// template for DaemonSets). Returns the update revision and the collision count.
pub(crate) fn sync_revision(
    s: &mut Server,
    owner: &Value,
    revisions: &mut Vec<Value>,
    hash_input: &Value,
    mut collision_count: i64,
) -> Option<(Value, i64)> {
    let data = revision_data(owner);
    let next = revisions.iter().map(revision_number).max().unwrap_or(0) + 1;
    if let Some(i) = revisions.iter().rposition(|r| r["data"] == data) {
        if i + 1 == revisions.len() {
            return Some((revisions[i].clone(), collision_count));
        }
        let mut r = revisions[i].clone();
        r["revision"] = json!(next);
        let updated = s.update(ROOT, r).ok()?;
        revisions.remove(i);
        revisions.push(updated.clone());
        return Some((updated, collision_count));
    }
    let info = kind("apps/v1", "ControllerRevision");
    let ns = object::namespace(owner).to_string();
    for _ in 0..100 {
        let hash = super::deployment::pod_template_hash(
            hash_input,
            Some(collision_count).filter(|c| *c > 0),
        );
        let name = format!("{}-{hash}", object::name(owner));
        if let Some(existing) = s.get(ROOT, info, &ns, &name) {
            if existing["data"] == data
                && controller_of(existing).is_some_and(|o| o["uid"] == object::uid(owner))
            {
                return Some((existing.clone(), collision_count));
            }
            collision_count += 1;
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
        let created = s.create(ROOT, rev).ok()?;
        revisions.push(created.clone());
        return Some((created, collision_count));
    }
    None
}

/// Deletes revisions beyond `revisionHistoryLimit` that no pod and neither the current nor
/// the update revision uses, oldest first (`truncateHistory`).
pub(crate) fn truncate_history(
    s: &mut Server,
    owner: &Value,
    revisions: &[Value],
    live: &BTreeSet<String>,
) {
    let limit = object::i64_at(owner, &["spec", "revisionHistoryLimit"])
        .unwrap_or(10)
        .max(0) as usize;
    let history: Vec<&Value> = revisions
        .iter()
        .filter(|r| !live.contains(object::name(r)))
        .collect();
    if history.len() <= limit {
        return;
    }
    let info = kind("apps/v1", "ControllerRevision");
    for r in &history[..history.len() - limit] {
        let _ = s.delete(
            ROOT,
            info,
            object::namespace(r),
            object::name(r),
            None,
            None,
        );
    }
}

// ---------------------------------------------------------------------------------------------
// StatefulSet identity and storage.

/// `getOrdinal`: the ordinal of `<set>-<n>`, if the pod is named so.
pub fn ordinal_of(set_name: &str, pod_name: &str) -> Option<i64> {
    let (parent, ord) = pod_name.rsplit_once('-')?;
    if parent != set_name || ord.is_empty() || !ord.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    ord.parse().ok()
}

/// `getPersistentVolumeClaimName`: `<template>-<set>-<ordinal>`.
pub fn claim_name(template: &str, set_name: &str, ordinal: i64) -> String {
    format!("{template}-{set_name}-{ordinal}")
}

fn start_ordinal(set: &Value) -> i64 {
    object::i64_at(set, &["spec", "ordinals", "start"])
        .unwrap_or(0)
        .max(0)
}

fn replicas_of(set: &Value) -> i64 {
    object::i64_at(set, &["spec", "replicas"])
        .unwrap_or(1)
        .max(0)
}

fn revision_of(p: &Value) -> &str {
    object::str_at(p, &["metadata", "labels", REVISION_LABEL]).unwrap_or("")
}

/// The claims of the pod at `ordinal` (`getPersistentVolumeClaims`), by template name.
fn claims_for(set: &Value, ordinal: i64) -> Vec<(String, Value)> {
    let set_name = object::name(set);
    let selector_labels = object::string_map(set, &["spec", "selector", "matchLabels"]);
    array_at(set, &["spec", "volumeClaimTemplates"])
        .iter()
        .map(|t| {
            let template_name = object::name(t).to_string();
            let mut labels = object::labels(t);
            labels.extend(selector_labels.clone());
            let mut meta = json!({
                "name": claim_name(&template_name, set_name, ordinal),
                "namespace": object::namespace(set),
                "labels": labels,
            });
            if let Some(a) = path(t, &["metadata", "annotations"]) {
                meta["annotations"] = a.clone();
            }
            let claim = json!({
                "apiVersion": "v1",
                "kind": "PersistentVolumeClaim",
                "metadata": meta,
                "spec": t.get("spec").cloned().unwrap_or(json!({})),
            });
            (template_name, claim)
        })
        .collect()
}

/// `newStatefulSetPod`: the template of the given revision with the pod's identity
/// (name, hostname, subdomain, labels) and storage (a volume per claim template).
fn new_pod(set: &Value, template: &Value, ordinal: i64, revision: &str) -> Value {
    let name = format!("{}-{ordinal}", object::name(set));
    let mut pod = pod_from_template(set, template);
    set_path(&mut pod, &["metadata", "name"], json!(name));
    set_path(
        &mut pod,
        &["metadata", "labels", POD_NAME_LABEL],
        json!(name),
    );
    set_path(
        &mut pod,
        &["metadata", "labels", POD_INDEX_LABEL],
        json!(ordinal.to_string()),
    );
    set_path(
        &mut pod,
        &["metadata", "labels", REVISION_LABEL],
        json!(revision),
    );
    set_path(&mut pod, &["spec", "hostname"], json!(name));
    if let Some(svc) = object::str_at(set, &["spec", "serviceName"]).filter(|s| !s.is_empty()) {
        set_path(&mut pod, &["spec", "subdomain"], json!(svc));
    }
    let claims = claims_for(set, ordinal);
    if !claims.is_empty() {
        let mut volumes: Vec<Value> = claims
            .iter()
            .map(|(t, c)| json!({"name": t, "persistentVolumeClaim": {"claimName": object::name(c)}}))
            .collect();
        for v in array_at(&pod, &["spec", "volumes"]) {
            if !claims.iter().any(|(t, _)| v["name"] == t.as_str()) {
                volumes.push(v.clone());
            }
        }
        set_path(&mut pod, &["spec", "volumes"], Value::from(volumes));
    }
    pod
}

/// `identityMatches`: the pod carries its name, index label and pod-name label.
fn identity_matches(set: &Value, p: &Value, ordinal: i64) -> bool {
    let name = object::name(p);
    let labels = object::labels(p);
    name == format!("{}-{ordinal}", object::name(set))
        && object::namespace(p) == object::namespace(set)
        && labels.get(POD_NAME_LABEL).map(String::as_str) == Some(name)
        && labels.get(POD_INDEX_LABEL) == Some(&ordinal.to_string())
}

fn retention(set: &Value) -> (String, String) {
    let p = |k: &str| {
        object::str_at(set, &["spec", "persistentVolumeClaimRetentionPolicy", k])
            .unwrap_or("Retain")
            .to_string()
    };
    (p("whenDeleted"), p("whenScaled"))
}

/// `updateClaimOwnerRefForSetAndPod`: the owner references a claim should carry under the
/// retention policy — the StatefulSet (WhenDeleted: Delete) and, once the pod is scaled
/// away, the pod (WhenScaled: Delete). Returns the updated claim if anything changed.
pub fn claim_with_retention(
    claim: &Value,
    set: &Value,
    pod: &Value,
    scaled_down: bool,
) -> Option<Value> {
    let (when_deleted, when_scaled) = retention(set);
    let (own_set, own_pod) = match (when_scaled.as_str(), when_deleted.as_str()) {
        ("Delete", "Delete") => (!scaled_down, scaled_down),
        ("Delete", _) => (false, scaled_down),
        (_, "Delete") => (true, false),
        _ => (false, false),
    };
    let mut refs: Vec<Value> = array_at(claim, &["metadata", "ownerReferences"]).to_vec();
    let before = refs.clone();
    for (owner, want) in [(set, own_set), (pod, own_pod)] {
        let uid = object::uid(owner);
        if uid.is_empty() {
            continue;
        }
        let has = refs.iter().any(|r| r["uid"] == uid);
        if want && !has {
            refs.push(json!({"apiVersion": object::api_version(owner), "kind": object::kind(owner), "name": object::name(owner), "uid": uid}));
        } else if !want && has {
            refs.retain(|r| r["uid"] != uid);
        }
    }
    if refs == before {
        return None;
    }
    let mut c = claim.clone();
    if refs.is_empty() {
        object::remove_path(&mut c, &["metadata", "ownerReferences"]);
    } else {
        set_path(&mut c, &["metadata", "ownerReferences"], Value::from(refs));
    }
    Some(c)
}

// ---------------------------------------------------------------------------------------------
// The sync.

struct Ctx<'a> {
    set: &'a Value,
    monotonic: bool,
    min_ready: i64,
    current_name: String,
    update_name: String,
    current_template: Value,
    update_template: Value,
}

impl Ctx<'_> {
    fn event(&self, s: &mut Server, kind: EventType, reason: &str, message: String) {
        s.event(ROOT, self.set, kind, reason, &message, COMPONENT);
    }

    /// `recordPodEvent`.
    fn pod_event(&self, s: &mut Server, verb: &str, pod: &str, err: Option<String>) {
        let set_name = object::name(self.set);
        match err {
            None => self.event(
                s,
                EventType::Normal,
                &format!("Successful{}", title(verb)),
                format!("{verb} Pod {pod} in StatefulSet {set_name} successful"),
            ),
            Some(e) => self.event(
                s,
                EventType::Warning,
                &format!("Failed{}", title(verb)),
                format!("{verb} Pod {pod} in StatefulSet {set_name} failed error: {e}"),
            ),
        }
    }

    /// `newVersionedStatefulSetPod`: ordinals below the partition get the current revision.
    fn versioned_pod(&self, ordinal: i64) -> Value {
        let start = start_ordinal(self.set);
        let rolling = object::str_at(self.set, &["spec", "updateStrategy", "type"])
            .unwrap_or("RollingUpdate")
            == "RollingUpdate";
        let partition = object::i64_at(
            self.set,
            &["spec", "updateStrategy", "rollingUpdate", "partition"],
        )
        .unwrap_or(0);
        if rolling && ordinal < start + partition {
            new_pod(
                self.set,
                &self.current_template,
                ordinal,
                &self.current_name,
            )
        } else {
            new_pod(self.set, &self.update_template, ordinal, &self.update_name)
        }
    }

    /// `createPersistentVolumeClaims`: creates the pod's missing claims. Err when a claim is
    /// being deleted (the pod must wait) or cannot be created.
    fn create_claims(&self, s: &mut Server, pod_name: &str, ordinal: i64) -> Result<(), String> {
        let pvc_info = kind("v1", "PersistentVolumeClaim");
        let set_name = object::name(self.set).to_string();
        for (_, claim) in claims_for(self.set, ordinal) {
            let name = object::name(&claim).to_string();
            match s.get(ROOT, pvc_info, object::namespace(self.set), &name) {
                Some(existing) if object::is_terminating(existing) => {
                    return Err(format!("pvc {name} is being deleted"));
                }
                Some(_) => {}
                None => match s.create(ROOT, claim) {
                    Ok(_) => self.event(
                        s,
                        EventType::Normal,
                        "SuccessfulCreate",
                        format!(
                            "create Claim {name} Pod {pod_name} in StatefulSet {set_name} success"
                        ),
                    ),
                    Err(e) => {
                        self.event(
                            s,
                            EventType::Warning,
                            "FailedCreate",
                            format!("create Claim {name} for Pod {pod_name} in StatefulSet {set_name} failed error: {}", e.message),
                        );
                        return Err(format!("failed to create PVC {name}: {}", e.message));
                    }
                },
            }
        }
        Ok(())
    }

    /// `UpdatePodClaimForRetentionPolicy`: sets the claims' owner references.
    fn fix_claims(&self, s: &mut Server, pod: &Value, ordinal: i64, scaled_down: bool) {
        let pvc_info = kind("v1", "PersistentVolumeClaim");
        for (_, claim) in claims_for(self.set, ordinal) {
            let Some(live) = s
                .get(
                    ROOT,
                    pvc_info,
                    object::namespace(self.set),
                    object::name(&claim),
                )
                .cloned()
            else {
                continue;
            };
            if let Some(updated) = claim_with_retention(&live, self.set, pod, scaled_down) {
                let _ = s.update(ROOT, updated);
            }
        }
    }

    /// `CreateStatefulPod`: claims first, then the pod. Returns the created pod.
    fn create_pod(&self, s: &mut Server, ordinal: i64) -> Option<Value> {
        let pod = self.versioned_pod(ordinal);
        let name = object::name(&pod).to_string();
        if let Err(e) = self.create_claims(s, &name, ordinal) {
            if !e.contains("is being deleted") {
                self.pod_event(s, "create", &name, Some(e));
            }
            return None;
        }
        match s.create(ROOT, pod) {
            Ok(created) => {
                self.fix_claims(s, &created, ordinal, false);
                self.pod_event(s, "create", &name, None);
                Some(created)
            }
            Err(e) if e.code == 409 => None,
            Err(e) => {
                self.pod_event(s, "create", &name, Some(e.message));
                None
            }
        }
    }

    /// `DeleteStatefulPod`.
    fn delete_pod(&self, s: &mut Server, p: &Value) {
        let name = object::name(p).to_string();
        match s.delete(
            ROOT,
            kind("v1", "Pod"),
            object::namespace(p),
            &name,
            None,
            None,
        ) {
            Ok(_) => self.pod_event(s, "delete", &name, None),
            Err(e) if e.code == 404 => {}
            Err(e) => self.pod_event(s, "delete", &name, Some(e.message)),
        }
    }
}

fn title(verb: &str) -> String {
    let mut c = verb.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

fn healthy(p: &Value) -> bool {
    running_and_ready(p) && !object::is_terminating(p)
}

fn sync(s: &mut Server, set: &Value, pods: Vec<Value>) {
    let mut revisions = owned_revisions(s, set);
    let collision = object::i64_at(set, &["status", "collisionCount"]).unwrap_or(0);
    let data = revision_data(set);
    let Some((update_rev, collision)) = sync_revision(s, set, &mut revisions, &data, collision)
    else {
        return;
    };
    let update_name = object::name(&update_rev).to_string();
    let current_rev = object::str_at(set, &["status", "currentRevision"])
        .and_then(|c| revisions.iter().find(|r| object::name(r) == c))
        .cloned()
        .unwrap_or_else(|| update_rev.clone());
    let ctx = Ctx {
        set,
        monotonic: object::str_at(set, &["spec", "podManagementPolicy"]) != Some("Parallel"),
        min_ready: object::i64_at(set, &["spec", "minReadySeconds"]).unwrap_or(0),
        current_name: object::name(&current_rev).to_string(),
        update_name: update_name.clone(),
        current_template: revision_template(&current_rev),
        update_template: revision_template(&update_rev),
    };
    act(s, &ctx, pods);
    let pods = owned_pods(s, set);
    update_status(s, &ctx, &pods, collision);
    let mut live: BTreeSet<String> = pods.iter().map(|p| revision_of(p).to_string()).collect();
    let set_now = s
        .get(
            ROOT,
            kind("apps/v1", "StatefulSet"),
            object::namespace(set),
            object::name(set),
        )
        .cloned()
        .unwrap_or_else(|| set.clone());
    if let Some(c) = object::str_at(&set_now, &["status", "currentRevision"]) {
        live.insert(c.to_string());
    }
    live.insert(update_name);
    truncate_history(s, set, &revisions, &live);
}

/// `updateStatefulSet`: one step towards the spec. Returns when something blocks.
fn act(s: &mut Server, ctx: &Ctx<'_>, pods: Vec<Value>) {
    let set = ctx.set;
    let set_name = object::name(set).to_string();
    let start = start_ordinal(set);
    let replicas = replicas_of(set);
    let mut slots: Vec<Option<Value>> = vec![None; replicas as usize];
    let mut condemned: Vec<(i64, Value)> = Vec::new();
    for p in pods {
        match ordinal_of(&set_name, object::name(&p)) {
            Some(o) if o >= start && o < start + replicas => slots[(o - start) as usize] = Some(p),
            Some(o) => condemned.push((o, p)),
            None => {}
        }
    }
    // Highest ordinal first.
    condemned.sort_by_key(|c| std::cmp::Reverse(c.0));
    // The first unhealthy pod: a missing replica counts, then condemned pods lowest first.
    let first_unhealthy: Option<String> = slots
        .iter()
        .enumerate()
        .find(|(_, p)| p.as_ref().is_none_or(|p| !healthy(p)))
        .map(|(i, p)| {
            p.as_ref()
                .map(|p| object::name(p).to_string())
                .unwrap_or_else(|| format!("{set_name}-{}", start + i as i64))
        })
        .or_else(|| {
            condemned
                .iter()
                .rev()
                .find(|(_, p)| !healthy(p))
                .map(|(_, p)| object::name(p).to_string())
        });

    // Living replicas, lowest ordinal first.
    #[allow(clippy::needless_range_loop)] // slots[i] is replaced as pods are recreated
    for i in 0..slots.len() {
        let ordinal = start + i as i64;
        if let Some(p) = slots[i].clone() {
            if is_terminal(&p) && !object::is_terminating(&p) {
                let (kind, reason, what) = if phase(&p) == "Failed" {
                    (EventType::Warning, "RecreatingFailedPod", "failed")
                } else {
                    (EventType::Normal, "RecreatingTerminatedPod", "terminated")
                };
                ctx.event(
                    s,
                    kind,
                    reason,
                    format!(
                        "StatefulSet {}/{set_name} is recreating {what} Pod {}",
                        object::namespace(set),
                        object::name(&p)
                    ),
                );
                ctx.delete_pod(s, &p);
                slots[i] = s
                    .get(ROOT, kind_pod(), object::namespace(set), object::name(&p))
                    .cloned();
            }
        }
        let Some(p) = slots[i].clone() else {
            match ctx.create_pod(s, ordinal) {
                Some(created) => slots[i] = Some(created),
                None if ctx.monotonic => return,
                None => continue,
            }
            if ctx.monotonic {
                return;
            }
            continue;
        };
        if phase(&p) == "Pending" && ctx.create_claims(s, object::name(&p), ordinal).is_err() {
            return;
        }
        if ctx.monotonic {
            if object::is_terminating(&p) || !running_and_ready(&p) {
                return;
            }
            if !is_available(s, &p, ctx.min_ready) {
                return;
            }
        }
        if !identity_matches(set, &p, ordinal) {
            let mut fixed = p.clone();
            let name = object::name(&p).to_string();
            set_path(
                &mut fixed,
                &["metadata", "labels", POD_NAME_LABEL],
                json!(name),
            );
            set_path(
                &mut fixed,
                &["metadata", "labels", POD_INDEX_LABEL],
                json!(ordinal.to_string()),
            );
            match s.update(ROOT, fixed) {
                Ok(u) => {
                    ctx.pod_event(s, "update", &name, None);
                    slots[i] = Some(u);
                }
                Err(e) => ctx.pod_event(s, "update", &name, Some(e.message)),
            }
        }
        if !object::is_terminating(&p) {
            ctx.fix_claims(s, &p, ordinal, false);
        }
    }

    // Condemned pods: claims per retention policy, then deletion from the highest ordinal.
    for (ordinal, p) in &condemned {
        ctx.fix_claims(s, p, *ordinal, true);
    }
    for (_, p) in &condemned {
        if object::is_terminating(p) {
            if ctx.monotonic {
                return;
            }
            continue;
        }
        let is_first_unhealthy = first_unhealthy.as_deref() == Some(object::name(p));
        if ctx.monotonic
            && !is_first_unhealthy
            && (!running_and_ready(p) || !is_available(s, p, ctx.min_ready))
        {
            return;
        }
        ctx.delete_pod(s, p);
        if ctx.monotonic {
            return;
        }
    }

    if object::str_at(set, &["spec", "updateStrategy", "type"]) == Some("OnDelete") {
        return;
    }
    // RollingUpdate: the highest ordinal not at the update revision goes first, one at a time.
    let partition = object::i64_at(
        set,
        &["spec", "updateStrategy", "rollingUpdate", "partition"],
    )
    .unwrap_or(0)
    .max(0);
    for target in (0..slots.len()).rev() {
        if (target as i64) < partition {
            break;
        }
        let Some(p) = slots[target].clone() else {
            return;
        };
        if revision_of(&p) != ctx.update_name && !object::is_terminating(&p) {
            ctx.delete_pod(s, &p);
            return;
        }
        if !healthy(&p) {
            return;
        }
    }
}

fn kind_pod() -> &'static crate::api::KindInfo {
    kind("v1", "Pod")
}

/// `updateStatus` and `completeRollingUpdate`, written only when it changed.
fn update_status(s: &mut Server, ctx: &Ctx<'_>, pods: &[Value], collision: i64) {
    let set = ctx.set;
    let set_name = object::name(set);
    let mut replicas = 0;
    let mut ready = 0;
    let mut available = 0;
    let mut current = 0;
    let mut updated = 0;
    for p in pods {
        if ordinal_of(set_name, object::name(p)).is_none() {
            continue;
        }
        replicas += 1;
        if running_and_ready(p) {
            ready += 1;
            if is_available(s, p, ctx.min_ready) {
                available += 1;
            }
        }
        if !object::is_terminating(p) {
            if revision_of(p) == ctx.current_name {
                current += 1;
            }
            if revision_of(p) == ctx.update_name {
                updated += 1;
            }
        }
    }
    let mut current_revision = ctx.current_name.clone();
    let rolling = object::str_at(set, &["spec", "updateStrategy", "type"])
        .unwrap_or("RollingUpdate")
        == "RollingUpdate";
    if rolling && updated == replicas && ready == replicas {
        current = updated;
        current_revision = ctx.update_name.clone();
    }
    let mut status = json!({
        "observedGeneration": object::i64_at(set, &["metadata", "generation"]).unwrap_or(1),
        "replicas": replicas,
        "readyReplicas": ready,
        "currentReplicas": current,
        "updatedReplicas": updated,
        "currentRevision": current_revision,
        "updateRevision": ctx.update_name,
        "collisionCount": collision,
        "availableReplicas": available,
    });
    // `omitempty` fields.
    if let Some(m) = status.as_object_mut() {
        m.retain(|k, v| {
            !matches!(
                k.as_str(),
                "readyReplicas" | "currentReplicas" | "updatedReplicas"
            ) || v != &json!(0)
        });
    }
    if let Some(c) = path(set, &["status", "conditions"]) {
        status["conditions"] = c.clone();
    }
    let mut new = set.clone();
    new["status"] = status;
    let _ = s.update_status(ROOT, &new);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_and_claim_names() {
        assert_eq!(ordinal_of("web", "web-0"), Some(0));
        assert_eq!(ordinal_of("web", "web-12"), Some(12));
        assert_eq!(ordinal_of("web", "web-x"), None);
        assert_eq!(ordinal_of("web", "web-"), None);
        assert_eq!(ordinal_of("web", "webby-1"), None);
        assert_eq!(ordinal_of("my-web", "my-web-3"), Some(3));
        assert_eq!(claim_name("www", "web", 2), "www-web-2");
    }

    #[test]
    fn retention_policy_owner_references() {
        let set = |deleted: &str, scaled: &str| {
            json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web", "uid": "set-uid"},
                   "spec": {"persistentVolumeClaimRetentionPolicy": {"whenDeleted": deleted, "whenScaled": scaled}}})
        };
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-1", "uid": "pod-uid"}});
        let claim = json!({"metadata": {"name": "www-web-1"}});
        let owners = |c: Option<Value>| -> Vec<String> {
            c.map(|c| {
                array_at(&c, &["metadata", "ownerReferences"])
                    .iter()
                    .map(|r| r["kind"].as_str().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default()
        };
        // (whenDeleted, whenScaled, scaled down) → owners
        let cases = [
            ("Retain", "Retain", false, vec![]),
            ("Retain", "Retain", true, vec![]),
            ("Delete", "Retain", false, vec!["StatefulSet"]),
            ("Delete", "Retain", true, vec!["StatefulSet"]),
            ("Retain", "Delete", false, vec![]),
            ("Retain", "Delete", true, vec!["Pod"]),
            ("Delete", "Delete", false, vec!["StatefulSet"]),
            ("Delete", "Delete", true, vec!["Pod"]),
        ];
        for (deleted, scaled, down, want) in cases {
            let got = owners(claim_with_retention(
                &claim,
                &set(deleted, scaled),
                &pod,
                down,
            ));
            assert_eq!(got, want, "{deleted} {scaled} {down}");
        }
    }
}
