//! The Deployment controller (pkg/controller/deployment): one ReplicaSet per pod template,
//! named `<deployment>-<pod-template-hash>`, rolled out with the RollingUpdate step rules
//! (`rolling.go`: scale the new ReplicaSet up within maxSurge, scale old ones down within
//! maxUnavailable, unhealthy old pods first) or Recreate (`recreate.go`), revisions,
//! `revisionHistoryLimit`, pause, `progressDeadlineSeconds` and the Progressing/Available
//! conditions (`sync.go`, `progress.go`).
//!
//! A Deployment is reconciled when it changes, when a ReplicaSet it controls does, when a pod
//! of a Recreate Deployment's ReplicaSet goes (`deletePod`: the new ReplicaSet waits for every
//! old pod to be gone), and at its progress deadline.
use super::kind;
use super::workload::{compute_hash, owned, replicas, Soonest};
use crate::api::object::{self, array_at, controller_ref, path, set_path};
use crate::api::pod::is_terminal;
use crate::api::Value;
use crate::json;
use crate::runtime::{all_keys, controller_key, Action, Controller};
use crate::server::{EventType, Server};
use crate::sim::parse_rfc3339;
use crate::store::{EventType as WatchEventType, Key, Store, WatchEvent};
use std::cell::Cell;

const COMPONENT: &str = "deployment-controller";
const RESOURCE: &str = "deployments.apps";
const REPLICA_SETS: &str = "replicasets.apps";
const REVISION: &str = "deployment.kubernetes.io/revision";

/// The Deployment controller.
#[derive(Debug, Default)]
pub struct DeploymentController;

impl Controller for DeploymentController {
    fn name(&self) -> &'static str {
        COMPONENT
    }
    fn manager(&self) -> &'static str {
        super::KCM
    }
    fn watches(&self) -> &'static [&'static str] {
        &[RESOURCE, REPLICA_SETS, "pods"]
    }
    fn keys(&self, store: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        match &*e.key.resource {
            RESOURCE => out.push(e.key.clone()),
            REPLICA_SETS => out.extend(controller_key(&e.key, &e.object, "Deployment", RESOURCE)),
            // `deletePod`: a Recreate Deployment waits for its old pods to be gone.
            _ if e.kind == WatchEventType::Deleted => {
                let Some(rs_key) = controller_key(&e.key, &e.object, "ReplicaSet", REPLICA_SETS)
                else {
                    return;
                };
                let Some(rs) = store.get(&rs_key) else {
                    return;
                };
                if let Some(d_key) = controller_key(&rs_key, rs, "Deployment", RESOURCE) {
                    if store.get(&d_key).is_some_and(|d| !is_rolling(d)) {
                        out.push(d_key);
                    }
                }
            }
            _ => {}
        }
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        all_keys(store, RESOURCE, out);
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        let Some(d) = s.store.get(key).cloned() else {
            return Action::AwaitChange;
        };
        if object::is_terminating(&d) {
            return Action::AwaitChange;
        }
        let c = Ctx {
            key,
            d: &d,
            failed: Cell::new(false),
            next: Cell::new(Soonest::default()),
        };
        sync(s, &c);
        if c.failed.get() {
            Action::Retry
        } else {
            c.next.get().action(s.clock.now_ms())
        }
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// One sync of one Deployment.
struct Ctx<'a> {
    /// Where the Deployment is stored (its workspace is where every write goes).
    key: &'a Key,
    d: &'a Value,
    /// A write failed: the sync is retried with back-off.
    failed: Cell<bool>,
    /// When to look again (the progress deadline).
    next: Cell<Soonest>,
}

impl Ctx<'_> {
    fn ws(&self) -> &str {
        &self.key.workspace
    }

    fn fail(&self) {
        self.failed.set(true);
    }

    fn look_again_at(&self, at: i64) {
        let mut next = self.next.get();
        next.note(at);
        self.next.set(next);
    }
}

/// `intstr.GetScaledValueFromIntOrPercent`: a count, or a percentage of `total` rounded up or down.
pub fn scaled_value(v: &Value, total: i64, round_up: bool) -> i64 {
    match v {
        Value::Number(n) => n.as_i64().unwrap_or(0),
        Value::String(s) => match s.strip_suffix('%').and_then(|p| p.parse::<i64>().ok()) {
            Some(p) if round_up => p.saturating_mul(total).saturating_add(99) / 100,
            Some(p) => p.saturating_mul(total) / 100,
            None => s.parse().unwrap_or(0),
        },
        _ => 0,
    }
}

/// `deploymentutil.ResolveFenceposts`: (maxSurge rounded up, maxUnavailable rounded down),
/// with maxUnavailable 1 when both would be 0.
pub fn resolve_fenceposts(max_surge: &Value, max_unavailable: &Value, replicas: i64) -> (i64, i64) {
    let surge = scaled_value(max_surge, replicas, true);
    let unavailable = scaled_value(max_unavailable, replicas, false);
    if surge == 0 && unavailable == 0 {
        (0, 1)
    } else {
        (surge, unavailable)
    }
}

fn is_rolling(d: &Value) -> bool {
    object::str_at(d, &["spec", "strategy", "type"]).unwrap_or("RollingUpdate") == "RollingUpdate"
}

fn fenceposts(d: &Value) -> (i64, i64) {
    let ru = path(d, &["spec", "strategy", "rollingUpdate"])
        .cloned()
        .unwrap_or(json!({}));
    let surge = ru.get("maxSurge").cloned().unwrap_or(json!("25%"));
    let unavailable = ru.get("maxUnavailable").cloned().unwrap_or(json!("25%"));
    resolve_fenceposts(&surge, &unavailable, replicas_of(d))
}

/// maxSurge resolved against the Deployment's replicas.
fn surge_of(d: &Value) -> i64 {
    fenceposts(d).0
}

/// `deploymentutil.MaxUnavailable`: 0 for Recreate or zero replicas, never above replicas.
pub fn max_unavailable(d: &Value) -> i64 {
    let replicas = replicas_of(d);
    if !is_rolling(d) || replicas == 0 {
        return 0;
    }
    fenceposts(d).1.min(replicas)
}

/// `spec.replicas` of a Deployment or ReplicaSet (an int32).
fn replicas_of(o: &Value) -> i64 {
    replicas(o)
}

fn status_of(o: &Value, field: &str) -> i64 {
    object::i64_at(o, &["status", field]).unwrap_or(0)
}

fn revision_of(rs: &Value) -> i64 {
    object::str_at(rs, &["metadata", "annotations", REVISION])
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

/// `deploymentutil.NewRSNewReplicas` for RollingUpdate: grow the new ReplicaSet as far as
/// `replicas + maxSurge` allows, never past `replicas`.
pub fn new_rs_new_replicas(
    replicas: i64,
    max_surge: i64,
    current_total: i64,
    new_rs_replicas: i64,
) -> i64 {
    let max_total = replicas.saturating_add(max_surge);
    if current_total >= max_total {
        return new_rs_replicas;
    }
    new_rs_replicas
        + (max_total - current_total)
            .min(replicas - new_rs_replicas)
            .max(0)
}

struct Sets {
    new: Option<Value>,
    old: Vec<Value>,
}

impl Sets {
    fn all(&self) -> impl Iterator<Item = &Value> {
        self.new.iter().chain(self.old.iter())
    }
    fn total_replicas(&self) -> i64 {
        self.all().map(replicas_of).sum()
    }
}

fn owned_sets(s: &Server, c: &Ctx<'_>, new_name: &str) -> Sets {
    let mut owned: Vec<Value> = owned(s, c.key, object::uid(c.d), REPLICA_SETS)
        .cloned()
        .collect();
    // Oldest first (`ReplicaSetsByCreationTimestamp`).
    owned.sort_by(|a, b| {
        let key = |r: &Value| {
            (
                object::str_at(r, &["metadata", "creationTimestamp"])
                    .unwrap_or("")
                    .to_string(),
                object::name(r).to_string(),
            )
        };
        key(a).cmp(&key(b))
    });
    let new = owned
        .iter()
        .position(|rs| object::name(rs) == new_name)
        .map(|i| owned.remove(i));
    Sets { new, old: owned }
}

fn sync(s: &mut Server, c: &Ctx<'_>) {
    let d = c.d;
    let template = path(d, &["spec", "template"]).cloned().unwrap_or(json!({}));
    let hash = compute_hash(&template, object::i64_at(d, &["status", "collisionCount"]));
    let new_name = format!("{}-{hash}", object::name(d));
    let mut sets = owned_sets(s, c, &new_name);
    let paused = d["spec"]["paused"] == true;
    if !paused {
        if sets.new.is_none() {
            sets.new = create_new_rs(s, c, &sets, &template, &hash, &new_name);
        } else {
            bump_revision(s, c, &mut sets);
        }
        let acted = if is_rolling(d) {
            rolling(s, c, &mut sets)
        } else {
            recreate(s, c, &mut sets)
        };
        if !acted && complete(d, &sets) {
            cleanup(s, c, &sets);
        }
    } else {
        // A paused rollout still follows scaling of the current ReplicaSet.
        if let Some(new) = sets.new.clone() {
            if sets.old.iter().all(|r| replicas_of(r) == 0) && replicas_of(&new) != replicas_of(d) {
                scale(s, c, &new, replicas_of(d));
            }
        }
    }
    let sets = owned_sets(s, c, &new_name);
    update_status(s, c, &sets, &new_name, paused);
}

fn create_new_rs(
    s: &mut Server,
    c: &Ctx<'_>,
    sets: &Sets,
    template: &Value,
    hash: &str,
    name: &str,
) -> Option<Value> {
    let d = c.d;
    let replicas = replicas_of(d);
    let initial = if is_rolling(d) {
        new_rs_new_replicas(replicas, surge_of(d), sets.total_replicas(), 0)
    } else if sets
        .old
        .iter()
        .all(|r| replicas_of(r) == 0 && status_of(r, "replicas") == 0)
    {
        replicas
    } else {
        0
    };
    let max_revision = sets.all().map(revision_of).max().unwrap_or(0);
    let max_replicas = replicas.saturating_add(if is_rolling(d) { surge_of(d) } else { 0 });
    let mut tpl = template.clone();
    set_path(
        &mut tpl,
        &["metadata", "labels", "pod-template-hash"],
        json!(hash),
    );
    let mut selector = path(d, &["spec", "selector"]).cloned().unwrap_or(json!({}));
    set_path(
        &mut selector,
        &["matchLabels", "pod-template-hash"],
        json!(hash),
    );
    let mut labels = object::string_map(template, &["metadata", "labels"]);
    labels.insert("pod-template-hash".into(), hash.to_string());
    let rs = json!({
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": name,
            "namespace": object::namespace(d),
            "labels": labels,
            "annotations": {
                "deployment.kubernetes.io/desired-replicas": replicas.to_string(),
                "deployment.kubernetes.io/max-replicas": max_replicas.to_string(),
                REVISION: max_revision.saturating_add(1).to_string(),
            },
            "ownerReferences": [controller_ref(d)],
        },
        "spec": {"replicas": initial, "minReadySeconds": object::i64_at(d, &["spec", "minReadySeconds"]).unwrap_or(0), "selector": selector, "template": tpl},
    });
    match s.create(c.ws(), rs) {
        Ok(created) => {
            if initial > 0 {
                s.event(
                    c.ws(),
                    d,
                    EventType::Normal,
                    "ScalingReplicaSet",
                    &format!("Scaled up replica set {name} from 0 to {initial}"),
                    COMPONENT,
                );
            }
            Some(created)
        }
        Err(e) => {
            c.fail();
            s.event(
                c.ws(),
                d,
                EventType::Warning,
                "FailedCreate",
                &format!("Failed to create new replica set \"{name}\": {}", e.message),
                COMPONENT,
            );
            None
        }
    }
}

/// A rollback to an older template reuses its ReplicaSet and makes it the newest revision.
fn bump_revision(s: &mut Server, c: &Ctx<'_>, sets: &mut Sets) {
    let Some(new) = sets.new.clone() else { return };
    let max_old = sets.old.iter().map(revision_of).max().unwrap_or(0);
    if revision_of(&new) <= max_old {
        let mut updated = new.clone();
        set_path(
            &mut updated,
            &["metadata", "annotations", REVISION],
            json!(max_old.saturating_add(1).to_string()),
        );
        match s.update(c.ws(), updated) {
            Ok(u) => sets.new = Some(u),
            Err(_) => c.fail(),
        }
    }
}

fn scale(s: &mut Server, c: &Ctx<'_>, rs: &Value, to: i64) -> Option<Value> {
    let d = c.d;
    let from = replicas_of(rs);
    if from == to {
        return Some(rs.clone());
    }
    let mut new = rs.clone();
    new["spec"]["replicas"] = json!(to);
    set_path(
        &mut new,
        &[
            "metadata",
            "annotations",
            "deployment.kubernetes.io/desired-replicas",
        ],
        json!(replicas_of(d).to_string()),
    );
    set_path(
        &mut new,
        &[
            "metadata",
            "annotations",
            "deployment.kubernetes.io/max-replicas",
        ],
        json!(replicas_of(d)
            .saturating_add(if is_rolling(d) { surge_of(d) } else { 0 })
            .to_string()),
    );
    let updated = match s.update(c.ws(), new) {
        Ok(u) => u,
        Err(_) => {
            c.fail();
            return None;
        }
    };
    let verb = if to > from { "up" } else { "down" };
    s.event(
        c.ws(),
        d,
        EventType::Normal,
        "ScalingReplicaSet",
        &format!(
            "Scaled {verb} replica set {} from {from} to {to}",
            object::name(rs)
        ),
        COMPONENT,
    );
    Some(updated)
}

/// `rolloutRolling`: scale up if we can, else scale down if we can. Returns whether it acted.
fn rolling(s: &mut Server, c: &Ctx<'_>, sets: &mut Sets) -> bool {
    let d = c.d;
    let replicas = replicas_of(d);
    let Some(new) = sets.new.clone() else {
        return false;
    };
    // reconcileNewReplicaSet
    let target = if replicas_of(&new) > replicas {
        replicas
    } else {
        new_rs_new_replicas(
            replicas,
            surge_of(d),
            sets.total_replicas(),
            replicas_of(&new),
        )
    };
    if target != replicas_of(&new) {
        sets.new = scale(s, c, &new, target);
        return true;
    }
    // reconcileOldReplicaSets
    let old_pods: i64 = sets.old.iter().map(replicas_of).sum();
    if old_pods == 0 {
        return false;
    }
    let all_pods = sets.total_replicas();
    let min_available = replicas - max_unavailable(d);
    let new_unavailable = replicas_of(&new) - status_of(&new, "availableReplicas");
    let max_scaled_down = all_pods - min_available - new_unavailable;
    if max_scaled_down <= 0 {
        return false;
    }
    // cleanupUnhealthyReplicas: old pods that are not available go first.
    let mut cleaned = 0;
    for i in 0..sets.old.len() {
        if cleaned >= max_scaled_down {
            break;
        }
        let rs = sets.old[i].clone();
        let (r, available) = (replicas_of(&rs), status_of(&rs, "availableReplicas"));
        if r == 0 || r == available {
            continue;
        }
        let down = (max_scaled_down - cleaned).min(r - available);
        if let Some(u) = scale(s, c, &rs, r - down) {
            sets.old[i] = u;
            cleaned += down;
        }
    }
    // scaleDownOldReplicaSetsForRollingUpdate: keep minAvailable available pods.
    let available: i64 = sets.all().map(|r| status_of(r, "availableReplicas")).sum();
    let mut scaled = 0;
    if available > min_available {
        let budget = available - min_available;
        for i in 0..sets.old.len() {
            if scaled >= budget {
                break;
            }
            let rs = sets.old[i].clone();
            let r = replicas_of(&rs);
            if r == 0 {
                continue;
            }
            let down = r.min(budget - scaled);
            if let Some(u) = scale(s, c, &rs, r - down) {
                sets.old[i] = u;
                scaled += down;
            }
        }
    }
    cleaned + scaled > 0
}

/// `rolloutRecreate`: all old pods go before the new ReplicaSet is scaled up.
fn recreate(s: &mut Server, c: &Ctx<'_>, sets: &mut Sets) -> bool {
    let d = c.d;
    let mut acted = false;
    for i in 0..sets.old.len() {
        let rs = sets.old[i].clone();
        if replicas_of(&rs) != 0 {
            if let Some(u) = scale(s, c, &rs, 0) {
                sets.old[i] = u;
                acted = true;
            }
        }
    }
    if acted {
        return true;
    }
    // Wait until no old pod is left running.
    let old_pods = active_pods_of(s, c, &sets.old);
    if old_pods > 0 {
        return false;
    }
    if let Some(new) = sets.new.clone() {
        if replicas_of(&new) != replicas_of(d) {
            sets.new = scale(s, c, &new, replicas_of(d));
            return true;
        }
    }
    false
}

/// The old ReplicaSets' pods that have not finished (terminating ones included), through the
/// owner index.
fn active_pods_of(s: &Server, c: &Ctx<'_>, sets: &[Value]) -> usize {
    sets.iter()
        .map(|rs| {
            owned(s, c.key, object::uid(rs), "pods")
                .filter(|p| !is_terminal(p))
                .count()
        })
        .sum()
}

/// `DeploymentComplete`: every replica updated and available, no old ones left.
fn complete(d: &Value, sets: &Sets) -> bool {
    let replicas = replicas_of(d);
    let Some(new) = &sets.new else { return false };
    status_of(new, "replicas") == replicas
        && status_of(new, "availableReplicas") >= replicas
        && replicas_of(new) == replicas
        && sets
            .old
            .iter()
            .all(|r| replicas_of(r) == 0 && status_of(r, "replicas") == 0)
}

/// `cleanupDeployment`: old, empty ReplicaSets beyond `revisionHistoryLimit` go, oldest revision first.
fn cleanup(s: &mut Server, c: &Ctx<'_>, sets: &Sets) {
    let d = c.d;
    let limit = object::i64_at(d, &["spec", "revisionHistoryLimit"])
        .unwrap_or(10)
        .clamp(0, i64::from(i32::MAX)) as usize;
    let mut empty: Vec<&Value> = sets
        .old
        .iter()
        .filter(|r| {
            replicas_of(r) == 0 && status_of(r, "replicas") == 0 && !object::is_terminating(r)
        })
        .collect();
    if empty.len() <= limit {
        return;
    }
    empty.sort_by_key(|r| revision_of(r));
    let rs_info = kind("apps/v1", "ReplicaSet");
    for rs in &empty[..empty.len() - limit] {
        let _ = s.delete(
            c.ws(),
            rs_info,
            object::namespace(rs),
            object::name(rs),
            None,
            None,
        );
    }
}

fn update_status(s: &mut Server, c: &Ctx<'_>, sets: &Sets, new_name: &str, paused: bool) {
    let d = c.d;
    let replicas = replicas_of(d);
    let sum = |f: &str| -> i64 { sets.all().map(|r| status_of(r, f)).sum() };
    let (total, ready, available) = (
        sum("replicas"),
        sum("readyReplicas"),
        sum("availableReplicas"),
    );
    let updated = sets
        .new
        .as_ref()
        .map(|r| status_of(r, "replicas"))
        .unwrap_or(0);
    let now_ms = s.clock.now_ms();
    let now = s.clock.rfc3339();
    let old_conditions = array_at(d, &["status", "conditions"]).to_vec();
    let condition = |t: &str, status: &str, reason: &str, message: String| -> Value {
        let prev = old_conditions.iter().find(|c| c["type"] == t);
        let transition = match prev {
            Some(p) if p["status"] == status => p["lastTransitionTime"].clone(),
            _ => json!(now),
        };
        let update_time = match prev {
            Some(p)
                if p["status"] == status
                    && p["reason"] == reason
                    && p["message"] == message.as_str() =>
            {
                p["lastUpdateTime"].clone()
            }
            _ => json!(now),
        };
        json!({"type": t, "status": status, "lastUpdateTime": update_time, "lastTransitionTime": transition, "reason": reason, "message": message})
    };
    let available_ok = available >= replicas - max_unavailable(d);
    let mut conditions = vec![if available_ok {
        condition(
            "Available",
            "True",
            "MinimumReplicasAvailable",
            "Deployment has minimum availability.".into(),
        )
    } else {
        condition(
            "Available",
            "False",
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.".into(),
        )
    }];
    let prev_progress = old_conditions.iter().find(|c| c["type"] == "Progressing");
    let progressing = if paused {
        condition(
            "Progressing",
            "Unknown",
            "DeploymentPaused",
            "Deployment is paused".into(),
        )
    } else if complete(d, sets) {
        condition(
            "Progressing",
            "True",
            "NewReplicaSetAvailable",
            format!("ReplicaSet \"{new_name}\" has successfully progressed."),
        )
    } else {
        // progressDeadlineSeconds counts from the last progress (a lastUpdateTime change).
        let deadline = object::i64_at(d, &["spec", "progressDeadlineSeconds"])
            .unwrap_or(600)
            .saturating_mul(1000);
        let last = prev_progress
            .filter(|p| {
                p["reason"] != "NewReplicaSetAvailable" && p["reason"] != "DeploymentPaused"
            })
            .and_then(|p| p["lastUpdateTime"].as_str())
            .and_then(parse_rfc3339);
        let progressed = status_changed(d, total, updated, ready, available);
        match last {
            Some(t) if !progressed && now_ms >= t.saturating_add(deadline) => condition(
                "Progressing",
                "False",
                "ProgressDeadlineExceeded",
                format!("ReplicaSet \"{new_name}\" has timed out progressing."),
            ),
            Some(t) if !progressed => {
                c.look_again_at(t.saturating_add(deadline));
                prev_progress.cloned().unwrap_or(Value::Null)
            }
            _ => {
                c.look_again_at(now_ms.saturating_add(deadline));
                let reason = if prev_progress.is_none() {
                    "NewReplicaSetCreated"
                } else {
                    "ReplicaSetUpdated"
                };
                let message = if reason == "NewReplicaSetCreated" {
                    format!("Created new replica set \"{new_name}\"")
                } else {
                    format!("ReplicaSet \"{new_name}\" is progressing.")
                };
                // Progress refreshes lastUpdateTime even when the text is unchanged.
                let mut c = condition("Progressing", "True", reason, message);
                if progressed {
                    c["lastUpdateTime"] = json!(now);
                }
                c
            }
        }
    };
    if progressing["reason"] == "ProgressDeadlineExceeded"
        && prev_progress.is_none_or(|p| p["reason"] != "ProgressDeadlineExceeded")
    {
        s.event(
            c.ws(),
            d,
            EventType::Warning,
            "ProgressDeadlineExceeded",
            &format!(
                "Deployment \"{}\" has timed out progressing.",
                object::name(d)
            ),
            COMPONENT,
        );
    }
    if !progressing.is_null() {
        conditions.push(progressing);
    }
    let mut status = json!({
        "observedGeneration": object::i64_at(d, &["metadata", "generation"]).unwrap_or(1),
        "replicas": total,
        "updatedReplicas": updated,
        "readyReplicas": ready,
        "availableReplicas": available,
        "unavailableReplicas": (total - available).max(replicas - available).max(0),
        "conditions": conditions,
    });
    if let Some(m) = status.as_object_mut() {
        m.retain(|k, v| k == "observedGeneration" || k == "conditions" || v != &json!(0));
    }
    if let Some(c) = path(d, &["status", "collisionCount"]) {
        status["collisionCount"] = c.clone();
    }
    let mut new = d.clone();
    new["status"] = status;
    // The Deployment carries its current revision.
    let revision = sets.new.as_ref().map(revision_of).unwrap_or(0);
    if revision > 0
        && object::str_at(d, &["metadata", "annotations", REVISION]) != Some(&revision.to_string())
    {
        let mut annotated = d.clone();
        set_path(
            &mut annotated,
            &["metadata", "annotations", REVISION],
            json!(revision.to_string()),
        );
        match s.update(c.ws(), annotated) {
            Ok(u) => new["metadata"] = u["metadata"].clone(),
            Err(_) => c.fail(),
        }
    }
    let _ = s.update_status(c.ws(), &new);
}

/// Whether the replica counts moved since the last status: that is progress.
fn status_changed(d: &Value, total: i64, updated: i64, ready: i64, available: i64) -> bool {
    (
        status_of(d, "replicas"),
        status_of(d, "updatedReplicas"),
        status_of(d, "readyReplicas"),
        status_of(d, "availableReplicas"),
    ) != (total, updated, ready, available)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controllers::harness::{self as testing, Counting, OTHER};
    use crate::controllers::replicaset::ReplicaSetController;

    fn deployment(name: &str, replicas: i64) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": "default"},
               "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                        "template": {"metadata": {"labels": {"app": name}},
                                     "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}})
    }

    fn status(s: &Server, ws: &str, name: &str) -> Value {
        s.store
            .get(&Key::new(ws, RESOURCE, "default", name))
            .unwrap()["status"]
            .clone()
    }

    #[test]
    fn work_is_per_deployment_and_workspaces_are_independent() {
        let (mut s, mut rt) = testing::plane(vec![
            Box::new(Counting::new(DeploymentController)),
            Box::new(ReplicaSetController),
        ]);
        s.create("root", deployment("a", 2)).unwrap();
        s.create("root", deployment("b", 2)).unwrap();
        s.create(OTHER, deployment("a", 3)).unwrap();
        testing::advance(&mut s, &mut rt, 30_000);
        assert_eq!(status(&s, "root", "a")["availableReplicas"], 2);
        assert_eq!(status(&s, "root", "b")["availableReplicas"], 2);
        assert_eq!(status(&s, OTHER, "a")["availableReplicas"], 3);
        // Same names, separate objects: each workspace's ReplicaSet belongs to its own
        // Deployment.
        for ws in ["root", OTHER] {
            let d_uid = object::uid(
                s.store
                    .get(&Key::new(ws, RESOURCE, "default", "a"))
                    .unwrap(),
            )
            .to_string();
            let sets: Vec<Value> = s
                .store
                .list(ws, REPLICA_SETS, Some("default"))
                .map(|(_, r)| r.clone())
                .filter(|r| object::name(r).starts_with("a-"))
                .collect();
            assert_eq!(sets.len(), 1);
            assert_eq!(
                object::controller_of(&sets[0]).unwrap()["uid"],
                d_uid.as_str()
            );
        }

        // A pod of root's `a` goes: its ReplicaSet replaces it, and only root's `a` is
        // looked at again.
        testing::take_runs::<DeploymentController>(&mut rt);
        let other_before = status(&s, OTHER, "a");
        let pod = testing::pods(&s, "root")
            .into_iter()
            .find(|p| object::name(p).starts_with("a-"))
            .unwrap();
        s.delete(
            "root",
            kind("v1", "Pod"),
            "default",
            object::name(&pod),
            None,
            Some(0),
        )
        .unwrap();
        testing::advance(&mut s, &mut rt, 30_000);
        let runs = testing::take_runs::<DeploymentController>(&mut rt);
        let a = Key::new("root", RESOURCE, "default", "a");
        assert!(!runs.is_empty());
        assert!(runs.iter().all(|k| *k == a), "{runs:?}");
        assert_eq!(status(&s, "root", "a")["availableReplicas"], 2);
        assert_eq!(status(&s, OTHER, "a"), other_before);
    }

    #[test]
    fn huge_values_do_not_overflow() {
        assert_eq!(
            scaled_value(&json!("9223372036854775807%"), 10, true),
            i64::MAX / 100
        );
        assert_eq!(
            new_rs_new_replicas(i64::from(i32::MAX), i64::MAX, 0, 0),
            i64::from(i32::MAX)
        );
        let d = json!({"spec": {"replicas": 5_000_000_000i64}});
        assert_eq!(replicas_of(&d), i64::from(i32::MAX));
    }

    #[test]
    fn fenceposts_round_as_upstream() {
        // (replicas, maxSurge, maxUnavailable) → (surge, unavailable)
        let cases = [
            (10, json!("25%"), json!("25%"), (3, 2)),
            (5, json!("25%"), json!("25%"), (2, 1)),
            (1, json!("25%"), json!("25%"), (1, 0)),
            (3, json!(0), json!(0), (0, 1)),
            (10, json!("0%"), json!("10%"), (0, 1)),
            (4, json!(1), json!("50%"), (1, 2)),
            (0, json!("25%"), json!("25%"), (0, 1)),
        ];
        for (replicas, surge, unavailable, want) in cases {
            assert_eq!(
                resolve_fenceposts(&surge, &unavailable, replicas),
                want,
                "{replicas} {surge} {unavailable}"
            );
        }
    }

    #[test]
    fn new_replica_set_grows_within_surge() {
        // 10 replicas, surge 3: from 10 old → new gets 3; at 13 total nothing more.
        assert_eq!(new_rs_new_replicas(10, 3, 10, 0), 3);
        assert_eq!(new_rs_new_replicas(10, 3, 13, 3), 3);
        assert_eq!(new_rs_new_replicas(10, 3, 11, 3), 5);
        assert_eq!(new_rs_new_replicas(10, 3, 3, 3), 10);
    }
}
