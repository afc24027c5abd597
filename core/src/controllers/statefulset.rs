//! The StatefulSet controller (pkg/controller/statefulset): pods with stable identities
//! `<set>-<ordinal>`, created in order and only once their predecessors are Running and Ready
//! (`OrderedReady`) or all at once (`Parallel`, in slow-start batches of at most
//! [`BURST_REPLICAS`] per sync), deleted from the highest ordinal down; a
//! PersistentVolumeClaim per pod and volumeClaimTemplate, `<template>-<set>-<ordinal>`, kept or
//! removed as `persistentVolumeClaimRetentionPolicy` says (owner references the garbage
//! collector follows); revisions as ControllerRevisions; RollingUpdate from the highest ordinal
//! down to `partition`, one pod at a time, each waiting for the previous to be Ready; OnDelete.
//!
//! A StatefulSet is reconciled when it changes, when a pod or ControllerRevision it controls
//! does, when one of its claims does (found by name), and when a pod becomes available after
//! `minReadySeconds`.
use super::kind;
use super::workload::{
    is_available, owned_pods, owned_revisions, replicas, revision_data, revision_template,
    sync_revision, truncate_history, SlowStart, Soonest, BURST_REPLICAS,
};
use crate::api::object::{self, array_at, path, set_path};
use crate::api::pod::running_and_ready;
use crate::api::Value;
use crate::json;
use crate::runtime::{all_keys, controller_key, Action, Controller};
use crate::server::{EventType, Server};
use crate::store::{Key, Store, WatchEvent};
use std::collections::{BTreeMap, BTreeSet};

// Kept for `controllers::job` (ported on another branch) until both are merged: the job
// controller imports these names from here. New code uses `workload` and `api::pod`.
pub(crate) use super::workload::pod_from_template;
pub(crate) use crate::api::pod::{is_terminal, phase};

const COMPONENT: &str = "statefulset-controller";
const RESOURCE: &str = "statefulsets.apps";
/// `apps.StatefulSetPodNameLabel`.
pub const POD_NAME_LABEL: &str = "statefulset.kubernetes.io/pod-name";
/// `apps.PodIndexLabel` (PodIndexLabel, on by default since 1.28).
pub const POD_INDEX_LABEL: &str = "apps.kubernetes.io/pod-index";
pub use super::workload::REVISION_LABEL;

/// The StatefulSet controller.
#[derive(Debug, Default)]
pub struct StatefulSetController;

impl Controller for StatefulSetController {
    fn name(&self) -> &'static str {
        COMPONENT
    }
    fn manager(&self) -> &'static str {
        super::KCM
    }
    fn watches(&self) -> &'static [&'static str] {
        &[
            RESOURCE,
            "pods",
            "controllerrevisions.apps",
            "persistentvolumeclaims",
        ]
    }
    fn keys(&self, store: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        match &*e.key.resource {
            RESOURCE => out.push(e.key.clone()),
            "persistentvolumeclaims" => claim_sets(store, &e.key, out),
            _ => out.extend(controller_key(&e.key, &e.object, "StatefulSet", RESOURCE)),
        }
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        all_keys(store, RESOURCE, out);
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        let Some(set) = s.store.get(key).cloned() else {
            return Action::AwaitChange;
        };
        // A set being deleted is left to the garbage collector (no new revisions or pods).
        if object::is_terminating(&set) {
            return Action::AwaitChange;
        }
        let pods = owned_pods(s, key, object::uid(&set));
        sync(s, key, &set, pods)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// The StatefulSets in a claim's namespace with a volumeClaimTemplate that names it
/// (`<template>-<set>-<ordinal>`): a claim being deleted holds its pod back until it is gone.
fn claim_sets(store: &Store, claim: &Key, out: &mut Vec<Key>) {
    for (k, set) in store.list(&claim.workspace, RESOURCE, Some(&claim.namespace)) {
        let set_name = object::name(set);
        let named = array_at(set, &["spec", "volumeClaimTemplates"])
            .iter()
            .any(|t| {
                claim
                    .name
                    .strip_prefix(object::name(t))
                    .and_then(|rest| rest.strip_prefix('-'))
                    .is_some_and(|rest| ordinal_of(set_name, rest).is_some())
            });
        if named {
            out.push(k.clone());
        }
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

/// `spec.ordinals.start` (an int32, never negative).
fn start_ordinal(set: &Value) -> i64 {
    object::i64_at(set, &["spec", "ordinals", "start"])
        .unwrap_or(0)
        .clamp(0, i64::from(i32::MAX))
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
    /// Where the set is stored (its workspace is where every write goes).
    key: &'a Key,
    set: &'a Value,
    monotonic: bool,
    min_ready: i64,
    current_name: String,
    update_name: String,
    current_template: Value,
    update_template: Value,
}

/// A write that failed: the sync is retried with back-off (upstream returns the error to the
/// work queue).
struct Failed;

impl Ctx<'_> {
    fn ws(&self) -> &str {
        &self.key.workspace
    }

    fn event(&self, s: &mut Server, kind: EventType, reason: &str, message: String) {
        s.event(self.ws(), self.set, kind, reason, &message, COMPONENT);
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
        if rolling && ordinal < start.saturating_add(partition) {
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
            match s.get(self.ws(), pvc_info, object::namespace(self.set), &name) {
                Some(existing) if object::is_terminating(existing) => {
                    return Err(format!("pvc {name} is being deleted"));
                }
                Some(_) => {}
                None => match s.create(self.ws(), claim) {
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
                    self.ws(),
                    pvc_info,
                    object::namespace(self.set),
                    object::name(&claim),
                )
                .cloned()
            else {
                continue;
            };
            if let Some(updated) = claim_with_retention(&live, self.set, pod, scaled_down) {
                let _ = s.update(self.ws(), updated);
            }
        }
    }

    /// `CreateStatefulPod`: claims first, then the pod. Returns the created pod (None when it
    /// exists already).
    fn create_pod(&self, s: &mut Server, ordinal: i64) -> Result<Option<Value>, Failed> {
        let pod = self.versioned_pod(ordinal);
        let name = object::name(&pod).to_string();
        if let Err(e) = self.create_claims(s, &name, ordinal) {
            if !e.contains("is being deleted") {
                self.pod_event(s, "create", &name, Some(e));
            }
            return Err(Failed);
        }
        match s.create(self.ws(), pod) {
            Ok(created) => {
                self.fix_claims(s, &created, ordinal, false);
                self.pod_event(s, "create", &name, None);
                Ok(Some(created))
            }
            Err(e) if e.code == 409 => Ok(None),
            Err(e) => {
                self.pod_event(s, "create", &name, Some(e.message));
                Err(Failed)
            }
        }
    }

    /// `DeleteStatefulPod`.
    fn delete_pod(&self, s: &mut Server, p: &Value) -> Result<(), Failed> {
        let name = object::name(p).to_string();
        match s.delete(
            self.ws(),
            kind("v1", "Pod"),
            object::namespace(p),
            &name,
            None,
            None,
        ) {
            Ok(_) => self.pod_event(s, "delete", &name, None),
            Err(e) if e.code == 404 => {}
            Err(e) => {
                self.pod_event(s, "delete", &name, Some(e.message));
                return Err(Failed);
            }
        }
        Ok(())
    }

    fn pod_name(&self, ordinal: i64) -> String {
        format!("{}-{ordinal}", object::name(self.set))
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

/// `syncStatefulSet`: revisions, one step of `updateStatefulSet`, status, history.
fn sync(s: &mut Server, key: &Key, set: &Value, pods: Vec<Value>) -> Action {
    let mut revisions = owned_revisions(s, key, object::uid(set));
    let collision = object::i64_at(set, &["status", "collisionCount"]).unwrap_or(0);
    let data = revision_data(set);
    let Some((update_rev, collision)) =
        sync_revision(s, key, set, &mut revisions, &data, collision)
    else {
        return Action::Retry;
    };
    let update_name = object::name(&update_rev).to_string();
    let current_rev = object::str_at(set, &["status", "currentRevision"])
        .and_then(|c| revisions.iter().find(|r| object::name(r) == c))
        .cloned()
        .unwrap_or_else(|| update_rev.clone());
    let ctx = Ctx {
        key,
        set,
        monotonic: object::str_at(set, &["spec", "podManagementPolicy"]) != Some("Parallel"),
        min_ready: object::i64_at(set, &["spec", "minReadySeconds"]).unwrap_or(0),
        current_name: object::name(&current_rev).to_string(),
        update_name: update_name.clone(),
        current_template: revision_template(&current_rev),
        update_template: revision_template(&update_rev),
    };
    let mut next = Soonest::default();
    let acted = act(s, &ctx, pods, &mut next);
    let pods = owned_pods(s, key, object::uid(set));
    update_status(s, &ctx, &pods, collision, &mut next);
    let mut live: BTreeSet<String> = pods.iter().map(|p| revision_of(p).to_string()).collect();
    let set_now = s.store.get(key).cloned().unwrap_or_else(|| set.clone());
    if let Some(c) = object::str_at(&set_now, &["status", "currentRevision"]) {
        live.insert(c.to_string());
    }
    live.insert(update_name);
    truncate_history(s, key, set, &revisions, &live);
    match acted {
        Ok(()) => next.action(s.clock.now_ms()),
        Err(Failed) => Action::Retry,
    }
}

/// `updateStatefulSet`: one step towards the spec; stops where something blocks. Work is
/// bounded by the pods that exist plus the pods it creates (one in `OrderedReady`, at most
/// [`BURST_REPLICAS`] in slow-start batches in `Parallel`), whatever `replicas` says.
fn act(s: &mut Server, ctx: &Ctx<'_>, pods: Vec<Value>, next: &mut Soonest) -> Result<(), Failed> {
    let set = ctx.set;
    let set_name = object::name(set).to_string();
    let now = s.clock.now_ms();
    let start = start_ordinal(set);
    let end = start.saturating_add(replicas(set));
    // The replicas that exist, by ordinal, and the condemned ones (outside [start, end)).
    let mut slots: BTreeMap<i64, Value> = BTreeMap::new();
    let mut condemned: Vec<(i64, Value)> = Vec::new();
    for p in pods {
        match ordinal_of(&set_name, object::name(&p)) {
            Some(o) if o >= start && o < end => {
                slots.insert(o, p);
            }
            Some(o) => condemned.push((o, p)),
            None => {}
        }
    }
    // Highest ordinal first.
    condemned.sort_by_key(|c| std::cmp::Reverse(c.0));
    let first_unhealthy = first_unhealthy(ctx, &slots, &condemned, start, end);

    // Living replicas, lowest ordinal first.
    let mut gate = SlowStart::new(if ctx.monotonic { 1 } else { BURST_REPLICAS });
    let mut ordinal = start;
    while ordinal < end {
        if let Some(p) = slots.get(&ordinal).cloned() {
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
                ctx.delete_pod(s, &p)?;
                match s
                    .get(
                        ctx.ws(),
                        kind_pod(),
                        object::namespace(set),
                        object::name(&p),
                    )
                    .cloned()
                {
                    Some(p) => slots.insert(ordinal, p),
                    None => slots.remove(&ordinal),
                };
            }
        }
        let Some(p) = slots.get(&ordinal).cloned() else {
            if !gate.may_start() {
                // No more creations in this sync: on to the next replica that exists.
                match slots.range(ordinal.saturating_add(1)..).next() {
                    Some((&o, _)) => {
                        ordinal = o;
                        continue;
                    }
                    None => break,
                }
            }
            let created = ctx.create_pod(s, ordinal);
            gate.record(created.is_ok());
            let result = created.map(|c| {
                if let Some(c) = c {
                    slots.insert(ordinal, c);
                }
            });
            if ctx.monotonic {
                return result;
            }
            ordinal += 1;
            continue;
        };
        if phase(&p) == "Pending" && ctx.create_claims(s, object::name(&p), ordinal).is_err() {
            return Err(Failed);
        }
        if ctx.monotonic {
            if object::is_terminating(&p) || !running_and_ready(&p) {
                return Ok(());
            }
            if !is_available(&p, ctx.min_ready, now, next) {
                return Ok(());
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
            match s.update(ctx.ws(), fixed) {
                Ok(u) => {
                    ctx.pod_event(s, "update", &name, None);
                    slots.insert(ordinal, u);
                }
                Err(e) => {
                    ctx.pod_event(s, "update", &name, Some(e.message));
                    return Err(Failed);
                }
            }
        }
        if !object::is_terminating(&p) {
            ctx.fix_claims(s, &p, ordinal, false);
        }
        ordinal += 1;
    }
    if gate.failed() {
        return Err(Failed);
    }

    // Condemned pods: claims per retention policy, then deletion from the highest ordinal.
    for (ordinal, p) in &condemned {
        ctx.fix_claims(s, p, *ordinal, true);
    }
    for (_, p) in &condemned {
        if object::is_terminating(p) {
            if ctx.monotonic {
                return Ok(());
            }
            continue;
        }
        let is_first_unhealthy = first_unhealthy.as_deref() == Some(object::name(p));
        if ctx.monotonic
            && !is_first_unhealthy
            && (!running_and_ready(p) || !is_available(p, ctx.min_ready, now, next))
        {
            return Ok(());
        }
        ctx.delete_pod(s, p)?;
        if ctx.monotonic {
            return Ok(());
        }
    }

    if object::str_at(set, &["spec", "updateStrategy", "type"]) == Some("OnDelete") {
        return Ok(());
    }
    // RollingUpdate: the highest ordinal not at the update revision goes first, one at a time.
    let partition = object::i64_at(
        set,
        &["spec", "updateStrategy", "rollingUpdate", "partition"],
    )
    .unwrap_or(0)
    .max(0);
    let mut target = end;
    while target > start {
        target -= 1;
        if target - start < partition {
            break;
        }
        let Some(p) = slots.get(&target) else {
            return Ok(());
        };
        if revision_of(p) != ctx.update_name && !object::is_terminating(p) {
            return ctx.delete_pod(s, p);
        }
        if !healthy(p) {
            return Ok(());
        }
    }
    Ok(())
}

/// The first unhealthy pod: a missing replica counts, then condemned pods lowest first.
fn first_unhealthy(
    ctx: &Ctx<'_>,
    slots: &BTreeMap<i64, Value>,
    condemned: &[(i64, Value)],
    start: i64,
    end: i64,
) -> Option<String> {
    let mut expected = start;
    for (&o, p) in slots {
        if o != expected {
            return Some(ctx.pod_name(expected));
        }
        if !healthy(p) {
            return Some(object::name(p).to_string());
        }
        expected += 1;
    }
    if expected < end {
        return Some(ctx.pod_name(expected));
    }
    condemned
        .iter()
        .rev()
        .find(|(_, p)| !healthy(p))
        .map(|(_, p)| object::name(p).to_string())
}

fn kind_pod() -> &'static crate::api::KindInfo {
    kind("v1", "Pod")
}

/// `updateStatus` and `completeRollingUpdate`, written only when it changed.
fn update_status(
    s: &mut Server,
    ctx: &Ctx<'_>,
    pods: &[Value],
    collision: i64,
    next: &mut Soonest,
) {
    let set = ctx.set;
    let set_name = object::name(set);
    let now = s.clock.now_ms();
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
            if is_available(p, ctx.min_ready, now, next) {
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
    let _ = s.update_status(ctx.ws(), &new);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controllers::harness::{self as testing, Counting, OTHER};

    fn set(name: &str, replicas: i64, policy: &str) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": name, "namespace": "default"},
               "spec": {"replicas": replicas, "serviceName": name, "podManagementPolicy": policy,
                        "selector": {"matchLabels": {"app": name}},
                        "template": {"metadata": {"labels": {"app": name}},
                                     "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}})
    }

    fn names(s: &Server, ws: &str) -> Vec<String> {
        testing::pods(s, ws)
            .iter()
            .filter(|p| !object::is_terminating(p))
            .map(|p| object::name(p).to_string())
            .collect()
    }

    #[test]
    fn work_is_per_statefulset_and_workspaces_are_independent() {
        let (mut s, mut rt) = testing::plane(vec![Box::new(Counting::new(StatefulSetController))]);
        s.create("root", set("a", 2, "OrderedReady")).unwrap();
        s.create("root", set("b", 2, "OrderedReady")).unwrap();
        // The same name in another logical cluster, with another size.
        s.create(OTHER, set("a", 3, "OrderedReady")).unwrap();
        testing::advance(&mut s, &mut rt, 60_000);
        assert_eq!(names(&s, "root"), ["a-0", "a-1", "b-0", "b-1"]);
        assert_eq!(names(&s, OTHER), ["a-0", "a-1", "a-2"]);
        let other_uid = object::uid(
            s.store
                .get(&Key::new(OTHER, RESOURCE, "default", "a"))
                .unwrap(),
        )
        .to_string();
        assert!(testing::pods(&s, OTHER)
            .iter()
            .all(|p| object::controller_of(p).unwrap()["uid"] == other_uid.as_str()));
        let other_status = s
            .store
            .get(&Key::new(OTHER, RESOURCE, "default", "a"))
            .unwrap()["status"]
            .clone();
        assert_eq!(other_status["readyReplicas"], 3);

        // A pod of root's `a` goes: only root's `a` is looked at again.
        testing::take_runs::<StatefulSetController>(&mut rt);
        s.delete("root", kind_pod(), "default", "a-1", None, None)
            .unwrap();
        testing::advance(&mut s, &mut rt, 60_000);
        let runs = testing::take_runs::<StatefulSetController>(&mut rt);
        assert!(!runs.is_empty());
        let a = Key::new("root", RESOURCE, "default", "a");
        assert!(runs.iter().all(|k| *k == a), "{runs:?}");
        assert_eq!(names(&s, "root"), ["a-0", "a-1", "b-0", "b-1"]);
        assert_eq!(
            s.store
                .get(&Key::new(OTHER, RESOURCE, "default", "a"))
                .unwrap()["status"],
            other_status
        );
    }

    #[test]
    fn parallel_creation_is_bounded_per_sync() {
        let (mut s, _) = testing::plane(vec![]);
        s.create("root", set("big", i64::from(i32::MAX), "Parallel"))
            .unwrap();
        let key = Key::new("root", RESOURCE, "default", "big");
        let action = StatefulSetController.reconcile(&mut s, &key);
        // Slow-start batches 1, 2, 4, … up to BurstReplicas.
        assert_eq!(testing::pods(&s, "root").len(), BURST_REPLICAS);
        assert_eq!(action, Action::AwaitChange);
        StatefulSetController.reconcile(&mut s, &key);
        assert_eq!(testing::pods(&s, "root").len(), 2 * BURST_REPLICAS);
    }

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
