//! The DaemonSet controller (pkg/controller/daemon): one pod per eligible node. A node is
//! eligible when the pod template's `nodeSelector` and required node affinity match it and the
//! pod — with the tolerations every daemon pod gets (`AddOrUpdateDaemonPodTolerations`) —
//! tolerates its NoSchedule and NoExecute taints; a pod already on a node stays while it
//! tolerates the NoExecute ones. Pods are created with a required node affinity
//! `matchFields metadata.name In [<node>]` and bound by the scheduler, as upstream. Updates
//! roll out with RollingUpdate (`maxUnavailable`, or `maxSurge` for surge-first) or OnDelete;
//! revisions are ControllerRevisions and pods carry the `controller-revision-hash` label.
//! A sync creates and deletes at most [`DAEMON_BURST_REPLICAS`] pods, creations in slow-start
//! batches. The nodes are root's (the shared data plane); a DaemonSet of any workspace runs its
//! pods, in its own workspace, on them.
use super::kind;
use super::workload::{
    owned, owned_revisions, pod_from_template, sync_revision, truncate_history, SlowStart, Soonest,
    REVISION_LABEL,
};
use crate::api::object::{self, array_at, path, set_path, str_at};
use crate::api::pod::{is_ready, ready_availability, Availability};
use crate::api::Value;
use crate::json;
use crate::runtime::{all_keys, controller_key, Action, Controller};
use crate::scheduler::plugins::{node_affinity, taint_toleration};
use crate::scheduler::{NodeInfo, PodInfo};
use crate::server::{EventType, Server, ROOT};
use crate::store::{Key, Store, WatchEvent};
use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};

const COMPONENT: &str = "daemonset-controller";
const RESOURCE: &str = "daemonsets.apps";
/// `BurstReplicas` of the DaemonSet controller (daemon_controller.go): the most pods one sync
/// creates or deletes ("values that are too high can cause registry DoS issues").
pub const DAEMON_BURST_REPLICAS: usize = 250;

/// The tolerations upstream adds to every daemon pod, in its order: (key, effect).
/// `node.kubernetes.io/network-unavailable` only for `hostNetwork` pods.
pub const DAEMON_TOLERATIONS: &[(&str, &str)] = &[
    ("node.kubernetes.io/not-ready", "NoExecute"),
    ("node.kubernetes.io/unreachable", "NoExecute"),
    ("node.kubernetes.io/disk-pressure", "NoSchedule"),
    ("node.kubernetes.io/memory-pressure", "NoSchedule"),
    ("node.kubernetes.io/pid-pressure", "NoSchedule"),
    ("node.kubernetes.io/unschedulable", "NoSchedule"),
];
const NETWORK_UNAVAILABLE: &str = "node.kubernetes.io/network-unavailable";

/// The DaemonSet controller. Nodes live in `root` (the shared data plane) and run the pods
/// of every workspace, so a node event wakes every DaemonSet of every workspace (the kubelet
/// writes a node only when something changes: heartbeats are implicit); a pod or
/// ControllerRevision wakes its DaemonSet.
#[derive(Debug, Default)]
pub struct DaemonSetController;

impl Controller for DaemonSetController {
    fn name(&self) -> &'static str {
        COMPONENT
    }
    fn manager(&self) -> &'static str {
        super::KCM
    }
    fn watches(&self) -> &'static [&'static str] {
        &[RESOURCE, "pods", "nodes", "controllerrevisions.apps"]
    }
    fn keys(&self, store: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        match &*e.key.resource {
            RESOURCE => out.push(e.key.clone()),
            // Nodes are in root (DESIGN.md, the shared data plane).
            "nodes" if &*e.key.workspace == ROOT => all_keys(store, RESOURCE, out),
            "nodes" => {}
            _ => out.extend(controller_key(&e.key, &e.object, "DaemonSet", RESOURCE)),
        }
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        all_keys(store, RESOURCE, out);
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        let Some(ds) = s.store.get(key).cloned() else {
            return Action::AwaitChange;
        };
        if object::is_terminating(&ds) {
            return Action::AwaitChange;
        }
        let nodes: Vec<NodeInfo> = s
            .list(ROOT, kind("v1", "Node"), None)
            .map(node_view)
            .collect();
        let pods = owned(s, key, object::uid(&ds), "pods")
            .map(Pod::of)
            .collect();
        sync(s, key, &ds, &nodes, pods)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// What the controller needs of a daemon pod (kept small: the sync runs whenever pods change,
/// and cloning thousands of full pods each time would dominate).
#[derive(Debug, Clone)]
struct Pod {
    name: String,
    /// The node it runs on or is pinned to (`GetTargetNodeName`).
    node: Option<String>,
    bound: bool,
    phase: String,
    ready: bool,
    ready_since: Option<i64>,
    hash: Option<String>,
    created: String,
    terminating: bool,
}

impl Pod {
    fn of(p: &Value) -> Pod {
        let ready_condition = array_at(p, &["status", "conditions"])
            .iter()
            .find(|c| c["type"] == "Ready");
        Pod {
            name: object::name(p).to_string(),
            node: target_node(p),
            bound: str_at(p, &["spec", "nodeName"]).is_some_and(|n| !n.is_empty()),
            phase: str_at(p, &["status", "phase"]).unwrap_or("").to_string(),
            ready: is_ready(p),
            ready_since: ready_condition
                .and_then(|c| c["lastTransitionTime"].as_str())
                .and_then(crate::sim::parse_rfc3339),
            hash: str_at(p, &["metadata", "labels", REVISION_LABEL]).map(String::from),
            created: str_at(p, &["metadata", "creationTimestamp"])
                .unwrap_or("")
                .to_string(),
            terminating: object::is_terminating(p),
        }
    }

    fn terminal(&self) -> bool {
        matches!(self.phase.as_str(), "Succeeded" | "Failed")
    }

    /// `podutil.IsPodAvailable` at the sync's instant; a Ready pod that becomes available
    /// later notes that instant for the requeue.
    fn available(&self, ctx: &Ctx<'_>) -> bool {
        if !self.ready {
            return false;
        }
        match ready_availability(self.ready_since, ctx.min_ready, ctx.now) {
            Availability::Available => true,
            Availability::At(t) => {
                let mut next = ctx.next.get();
                next.note(t);
                ctx.next.set(next);
                false
            }
            Availability::Unavailable => false,
        }
    }
}

/// What eligibility needs of a node: its name, labels and taints.
fn node_view(n: &Value) -> NodeInfo {
    NodeInfo {
        name: object::name(n).to_string(),
        labels: object::labels(n),
        taints: array_at(n, &["spec", "taints"])
            .iter()
            .map(|t| crate::scheduler::Taint {
                key: t["key"].as_str().unwrap_or("").to_string(),
                value: t["value"].as_str().unwrap_or("").to_string(),
                effect: t["effect"].as_str().unwrap_or("").to_string(),
            })
            .collect(),
        ..Default::default()
    }
}

/// `AddOrUpdateDaemonPodTolerations`: the daemon tolerations (Exists, no tolerationSeconds)
/// appended unless an identical one is there.
pub fn add_daemon_tolerations(spec: &mut Value) {
    let mut tolerations: Vec<Value> = array_at(spec, &["tolerations"]).to_vec();
    let host_network = spec["hostNetwork"] == true;
    let extra = host_network.then_some((NETWORK_UNAVAILABLE, "NoSchedule"));
    for (key, effect) in DAEMON_TOLERATIONS.iter().copied().chain(extra) {
        let t = json!({"key": key, "operator": "Exists", "effect": effect});
        let same = |o: &Value| {
            o["key"] == key
                && o["operator"] == "Exists"
                && o["effect"] == effect
                && o.get("value").is_none_or(|v| v.is_null() || v == "")
        };
        match tolerations.iter().position(same) {
            // `MatchToleration` ignores tolerationSeconds; the daemon one has none.
            Some(i) => tolerations[i] = t,
            None => tolerations.push(t),
        }
    }
    set_path(spec, &["tolerations"], Value::from(tolerations));
}

/// The pod the DaemonSet would create (`NewPod`), for the eligibility checks.
fn daemon_pod(ds: &Value) -> Value {
    let mut spec = path(ds, &["spec", "template", "spec"])
        .cloned()
        .unwrap_or(json!({}));
    add_daemon_tolerations(&mut spec);
    let labels = path(ds, &["spec", "template", "metadata", "labels"])
        .cloned()
        .unwrap_or(json!({}));
    json!({"metadata": {"namespace": object::namespace(ds), "labels": labels}, "spec": spec})
}

/// `NodeShouldRunDaemonPod`: (should run, should continue running). A node whose name,
/// selector or affinity does not match gets neither; an untolerated NoSchedule taint stops new
/// pods; an untolerated NoExecute taint also removes running ones.
pub fn node_should_run(pod: &PodInfo, template_node_name: &str, node: &NodeInfo) -> (bool, bool) {
    if !template_node_name.is_empty() && template_node_name != node.name {
        return (false, false);
    }
    if !node_affinity::matches(pod, node) {
        return (false, false);
    }
    if taint_toleration::untolerated(pod, node).is_err() {
        let no_execute_ok = node
            .taints
            .iter()
            .filter(|t| t.effect == "NoExecute")
            .all(|taint| {
                pod.tolerations
                    .iter()
                    .any(|t| taint_toleration::tolerates(t, taint))
            });
        return (false, no_execute_ok);
    }
    (true, true)
}

/// `GetTargetNodeName`: the pod's node, or the one its `matchFields metadata.name` names.
pub fn target_node(p: &Value) -> Option<String> {
    if let Some(n) = str_at(p, &["spec", "nodeName"]).filter(|n| !n.is_empty()) {
        return Some(n.to_string());
    }
    let terms = array_at(
        p,
        &[
            "spec",
            "affinity",
            "nodeAffinity",
            "requiredDuringSchedulingIgnoredDuringExecution",
            "nodeSelectorTerms",
        ],
    );
    terms.iter().find_map(|t| {
        array_at(t, &["matchFields"])
            .iter()
            .find(|f| f["key"] == "metadata.name" && f["operator"] == "In")
            .and_then(|f| f["values"].as_array())
            .filter(|v| v.len() == 1)
            .and_then(|v| v[0].as_str())
            .map(String::from)
    })
}

/// `ReplaceDaemonSetPodNodeNameNodeAffinity`: the required node affinity becomes exactly
/// `matchFields metadata.name In [<node>]`; preferred terms are kept.
pub fn pin_to_node(spec: &mut Value, node: &str) {
    set_path(
        spec,
        &[
            "affinity",
            "nodeAffinity",
            "requiredDuringSchedulingIgnoredDuringExecution",
        ],
        json!({"nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}]}),
    );
}

/// `util.UnavailableCount` / `SurgeCount`: percentages of the desired count round up.
pub fn scaled_up(v: Option<&Value>, total: i64) -> i64 {
    v.map_or(0, |v| super::deployment::scaled_value(v, total, true))
}

/// `podByCreationTimestampAndPhase`: scheduled pods first, then oldest, then by name.
fn by_age(pods: &mut [&Pod]) {
    pods.sort_by(|a, b| (!a.bound, &a.created, &a.name).cmp(&(!b.bound, &b.created, &b.name)));
}

struct Ctx<'a> {
    /// Where the DaemonSet is stored (its workspace is where its pods are written).
    key: &'a Key,
    ds: &'a Value,
    hash: String,
    min_ready: i64,
    surge: bool,
    /// The instant of the sync.
    now: i64,
    /// When a pod becomes available next.
    next: Cell<Soonest>,
    /// A create or delete failed: the sync is retried with back-off.
    failed: Cell<bool>,
}

impl Ctx<'_> {
    fn ws(&self) -> &str {
        &self.key.workspace
    }

    fn updated(&self, p: &Pod) -> bool {
        p.hash.as_deref() == Some(self.hash.as_str())
    }

    fn event(&self, s: &mut Server, kind: EventType, reason: &str, message: String) {
        s.event(self.ws(), self.ds, kind, reason, &message, COMPONENT);
    }

    /// `syncNodes`: creates a pod pinned to each node (at most [`DAEMON_BURST_REPLICAS`], in
    /// slow-start batches) and deletes pods (at most as many). Returns whether it wrote
    /// anything.
    fn sync_nodes(&self, s: &mut Server, delete: &[&Pod], create: &[String]) -> bool {
        let ns = object::namespace(self.ds).to_string();
        let mut template = path(self.ds, &["spec", "template"])
            .cloned()
            .unwrap_or(json!({}));
        set_path(
            &mut template,
            &["metadata", "labels", REVISION_LABEL],
            json!(self.hash),
        );
        if let Some(spec) = template.get_mut("spec") {
            add_daemon_tolerations(spec);
        }
        let mut acted = false;
        let mut gate = SlowStart::new(create.len().min(DAEMON_BURST_REPLICAS));
        for node in create {
            if !gate.may_start() {
                break;
            }
            let mut pod = pod_from_template(self.ds, &template);
            set_path(
                &mut pod,
                &["metadata", "generateName"],
                json!(format!("{}-", object::name(self.ds))),
            );
            pin_to_node(&mut pod["spec"], node);
            match s.create(self.ws(), pod) {
                Ok(p) => {
                    acted = true;
                    gate.record(true);
                    self.event(
                        s,
                        EventType::Normal,
                        "SuccessfulCreate",
                        format!("Created pod: {}", object::name(&p)),
                    );
                }
                Err(e) => {
                    gate.record(false);
                    self.failed.set(true);
                    self.event(
                        s,
                        EventType::Warning,
                        "FailedCreate",
                        format!("Error creating: {}", e.message),
                    );
                }
            }
        }
        for p in delete.iter().take(DAEMON_BURST_REPLICAS) {
            let name = p.name.clone();
            match s.delete(self.ws(), kind("v1", "Pod"), &ns, &name, None, None) {
                Ok(_) => {
                    acted = true;
                    self.event(
                        s,
                        EventType::Normal,
                        "SuccessfulDelete",
                        format!("Deleted pod: {name}"),
                    );
                }
                Err(e) if e.code == 404 => {}
                Err(_) => self.failed.set(true),
            }
        }
        acted
    }
}

/// `syncDaemonSet`: revisions, `manage`, then `rollingUpdate` when nothing was written,
/// history cleanup and status.
fn sync(s: &mut Server, key: &Key, ds: &Value, nodes: &[NodeInfo], pods: Vec<Pod>) -> Action {
    let mut revisions = owned_revisions(s, key, object::uid(ds));
    let template = path(ds, &["spec", "template"])
        .cloned()
        .unwrap_or(json!({}));
    let collision = object::i64_at(ds, &["status", "collisionCount"]).unwrap_or(0);
    let Some((current, collision)) =
        sync_revision(s, key, ds, &mut revisions, &template, collision)
    else {
        return Action::Retry;
    };
    let hash = object::str_at(&current, &["metadata", "labels", REVISION_LABEL])
        .unwrap_or("")
        .to_string();
    let rolling = str_at(ds, &["spec", "updateStrategy", "type"]).unwrap_or("RollingUpdate")
        == "RollingUpdate";
    let ru = path(ds, &["spec", "updateStrategy", "rollingUpdate"]);
    let surge_value = ru.and_then(|r| r.get("maxSurge"));
    let ctx = Ctx {
        key,
        ds,
        hash,
        min_ready: object::i64_at(ds, &["spec", "minReadySeconds"]).unwrap_or(0),
        surge: rolling && scaled_up(surge_value, 1) > 0,
        now: s.clock.now_ms(),
        next: Cell::new(Soonest::default()),
        failed: Cell::new(false),
    };
    let pod = PodInfo::from_pod(&daemon_pod(ds));
    let template_node = str_at(ds, &["spec", "template", "spec", "nodeName"])
        .unwrap_or("")
        .to_string();
    let eligibility: Vec<(bool, bool)> = nodes
        .iter()
        .map(|n| node_should_run(&pod, &template_node, n))
        .collect();

    let mut acted = manage(s, &ctx, nodes, &eligibility, &pods);
    // Upstream waits for its expectations (the pods it just created or deleted) first.
    if !acted && !ctx.failed.get() && rolling {
        acted = rolling_update(s, &ctx, nodes, &eligibility, &pods);
    }
    let pods = if acted {
        owned(s, key, object::uid(ds), "pods")
            .map(Pod::of)
            .collect()
    } else {
        pods
    };
    if !ctx.failed.get() {
        let mut live: BTreeSet<String> = BTreeSet::new();
        live.insert(object::name(&current).to_string());
        let by_hash: BTreeMap<&str, &str> = revisions
            .iter()
            .filter_map(|r| {
                Some((
                    object::str_at(r, &["metadata", "labels", REVISION_LABEL])?,
                    object::name(r),
                ))
            })
            .collect();
        for p in &pods {
            if let Some(h) = p.hash.as_deref() {
                if let Some(n) = by_hash.get(h) {
                    live.insert(n.to_string());
                }
            }
        }
        truncate_history(s, key, ds, &revisions, &live);
    }
    update_status(s, &ctx, nodes, &eligibility, &pods, collision);
    if ctx.failed.get() {
        Action::Retry
    } else {
        ctx.next.get().action(ctx.now)
    }
}

/// `getNodesToDaemonPods`: pods by the node they run on or are pinned to, leaving out pods
/// that are both finished and deleted.
fn by_node(pods: &[Pod]) -> BTreeMap<&str, Vec<&Pod>> {
    let mut m: BTreeMap<&str, Vec<&Pod>> = BTreeMap::new();
    for p in pods {
        if p.terminal() && p.terminating {
            continue;
        }
        if let Some(n) = &p.node {
            m.entry(n.as_str()).or_default().push(p);
        }
    }
    m
}

/// `manage`: a pod for each node that should run one, none where none should run, failed
/// and succeeded pods replaced, extra pods on a node removed. Returns whether it wrote.
fn manage(
    s: &mut Server,
    ctx: &Ctx<'_>,
    nodes: &[NodeInfo],
    eligibility: &[(bool, bool)],
    pods: &[Pod],
) -> bool {
    let on_node = by_node(pods);
    let ns = object::namespace(ctx.ds).to_string();
    let mut create = Vec::new();
    let mut delete: Vec<&Pod> = Vec::new();
    for (node, &(should_run, should_continue)) in nodes.iter().zip(eligibility) {
        let daemon_pods = on_node.get(node.name.as_str());
        match daemon_pods {
            None if should_run => create.push(node.name.clone()),
            Some(daemon_pods) if should_continue => {
                let mut running: Vec<&Pod> = Vec::new();
                for &p in daemon_pods {
                    if p.terminating {
                        continue;
                    }
                    match p.phase.as_str() {
                        "Failed" => {
                            ctx.event(
                                s,
                                EventType::Warning,
                                "FailedDaemonPod",
                                format!(
                                    "Found failed daemon pod {ns}/{} on node {}, will try to kill it",
                                    p.name,
                                    node.name
                                ),
                            );
                            delete.push(p);
                        }
                        "Succeeded" => {
                            ctx.event(
                                s,
                                EventType::Normal,
                                "SucceededDaemonPod",
                                format!(
                                    "Found succeeded daemon pod {ns}/{} on node {}, will try to delete it",
                                    p.name,
                                    node.name
                                ),
                            );
                            delete.push(p);
                        }
                        _ => running.push(p),
                    }
                }
                by_age(&mut running);
                if !ctx.surge {
                    delete.extend(running.iter().skip(1).copied());
                    continue;
                }
                if running.is_empty() {
                    if should_run {
                        create.push(node.name.clone());
                    }
                    continue;
                }
                if running.len() == 1 {
                    continue;
                }
                // Surging: keep the oldest new pod and the oldest old pod; the old one goes once
                // it is not ready or the new one is available.
                let mut oldest_new: Option<&Pod> = None;
                let mut oldest_old: Option<&Pod> = None;
                for &p in &running {
                    let slot = if ctx.updated(p) {
                        &mut oldest_new
                    } else {
                        &mut oldest_old
                    };
                    if slot.is_none() {
                        *slot = Some(p);
                    } else {
                        delete.push(p);
                    }
                }
                if let (Some(new), Some(old)) = (oldest_new, oldest_old) {
                    if !old.ready || new.available(ctx) {
                        delete.push(old);
                    }
                }
            }
            Some(daemon_pods) if !should_continue => {
                delete.extend(daemon_pods.iter().copied().filter(|p| !p.terminating));
            }
            _ => {}
        }
    }
    // Unscheduled pods pinned to nodes that no longer exist.
    let names: BTreeSet<&str> = nodes.iter().map(|n| n.name.as_str()).collect();
    for (node, daemon_pods) in &on_node {
        if !names.contains(node) {
            delete.extend(daemon_pods.iter().copied().filter(|p| !p.bound));
        }
    }
    ctx.sync_nodes(s, &delete, &create)
}

/// `findUpdatedPodsOnNode`: the node's new and old pod, None if it has more than one of either.
fn updated_and_old<'a>(
    ctx: &Ctx<'_>,
    pods: &[&'a Pod],
) -> Option<(Option<&'a Pod>, Option<&'a Pod>)> {
    let (mut new, mut old) = (None, None);
    for &p in pods.iter().filter(|p| !p.terminating) {
        let slot = if ctx.updated(p) { &mut new } else { &mut old };
        if slot.is_some() {
            return None;
        }
        *slot = Some(p);
    }
    Some((new, old))
}

/// `rollingUpdate`: without surge, delete old pods while at most maxUnavailable are
/// unavailable (unavailable old pods first); with surge, create new pods beside old ones up to
/// maxSurge and delete each old pod once its replacement is available.
fn rolling_update(
    s: &mut Server,
    ctx: &Ctx<'_>,
    nodes: &[NodeInfo],
    eligibility: &[(bool, bool)],
    pods: &[Pod],
) -> bool {
    let mut on_node = by_node(pods);
    let mut desired = 0;
    let mut should_run: BTreeMap<&str, bool> = BTreeMap::new();
    for (node, &(run, _)) in nodes.iter().zip(eligibility) {
        should_run.insert(&node.name, run);
        if run {
            desired += 1;
            on_node.entry(node.name.as_str()).or_default();
        }
    }
    let ru = path(ctx.ds, &["spec", "updateStrategy", "rollingUpdate"]);
    let mut max_unavailable = scaled_up(ru.and_then(|r| r.get("maxUnavailable")), desired);
    let max_surge = scaled_up(ru.and_then(|r| r.get("maxSurge")), desired);
    if desired > 0 && max_unavailable == 0 && max_surge == 0 {
        max_unavailable = 1;
    }
    if max_surge == 0 {
        let mut unavailable = 0;
        let mut replace: Vec<&Pod> = Vec::new();
        let mut candidates: Vec<&Pod> = Vec::new();
        for pods in on_node.values() {
            let Some((new, old)) = updated_and_old(ctx, pods) else {
                unavailable += 1;
                continue;
            };
            match (new, old) {
                (None, None) | (Some(_), Some(_)) => unavailable += 1,
                (Some(new), None) => {
                    if !new.available(ctx) {
                        unavailable += 1;
                    }
                }
                (None, Some(old)) => {
                    if !old.available(ctx) {
                        replace.push(old);
                    } else if unavailable < max_unavailable {
                        candidates.push(old);
                    }
                }
            }
        }
        let remaining = (max_unavailable - unavailable).clamp(0, candidates.len() as i64) as usize;
        replace.extend(candidates.into_iter().take(remaining));
        return ctx.sync_nodes(s, &replace, &[]);
    }
    let mut delete: Vec<&Pod> = Vec::new();
    let mut should_not_run: Vec<&Pod> = Vec::new();
    let mut allowed: Vec<String> = Vec::new();
    let mut candidates: Vec<String> = Vec::new();
    let mut surging = 0;
    let mut available = 0;
    for (node, pods) in &on_node {
        let Some((new, old)) = updated_and_old(ctx, pods) else {
            surging += 1;
            continue;
        };
        if let Some(p) = old.or(new) {
            if p.available(ctx) {
                available += 1;
            }
        }
        let runs = should_run.get(node).copied().unwrap_or(false);
        match (new, old) {
            (_, None) => {}
            (None, Some(old)) => {
                if !old.available(ctx) {
                    if runs {
                        allowed.push(node.to_string());
                    } else {
                        delete.push(old);
                    }
                } else if !runs {
                    should_not_run.push(old);
                } else if surging < max_surge {
                    candidates.push(node.to_string());
                }
            }
            (Some(new), Some(old)) => {
                if new.available(ctx) {
                    delete.push(old);
                } else {
                    surging += 1;
                }
            }
        }
    }
    let deletable = (available - desired).clamp(0, should_not_run.len() as i64) as usize;
    delete.extend(should_not_run.into_iter().take(deletable));
    let remaining = (max_surge - surging).clamp(0, candidates.len() as i64) as usize;
    allowed.extend(candidates.into_iter().take(remaining));
    ctx.sync_nodes(s, &delete, &allowed)
}

/// `updateDaemonSetStatus`.
fn update_status(
    s: &mut Server,
    ctx: &Ctx<'_>,
    nodes: &[NodeInfo],
    eligibility: &[(bool, bool)],
    pods: &[Pod],
    collision: i64,
) {
    let on_node = by_node(pods);
    let (mut desired, mut current, mut misscheduled, mut ready, mut available, mut updated) =
        (0, 0, 0, 0, 0, 0);
    for (node, &(should_run, _)) in nodes.iter().zip(eligibility) {
        let mut daemon_pods = on_node.get(node.name.as_str()).cloned().unwrap_or_default();
        if should_run {
            desired += 1;
            if daemon_pods.is_empty() {
                continue;
            }
            current += 1;
            by_age(&mut daemon_pods);
            let p = &daemon_pods[0];
            if p.ready {
                ready += 1;
                if p.available(ctx) {
                    available += 1;
                }
            }
            if ctx.updated(p) {
                updated += 1;
            }
        } else if !daemon_pods.is_empty() {
            misscheduled += 1;
        }
    }
    let mut status = json!({
        "currentNumberScheduled": current,
        "numberMisscheduled": misscheduled,
        "desiredNumberScheduled": desired,
        "numberReady": ready,
        "observedGeneration": object::i64_at(ctx.ds, &["metadata", "generation"]).unwrap_or(1),
        "updatedNumberScheduled": updated,
        "numberAvailable": available,
        "numberUnavailable": desired - available,
    });
    if let Some(m) = status.as_object_mut() {
        m.retain(|k, v| {
            !matches!(
                k.as_str(),
                "updatedNumberScheduled" | "numberAvailable" | "numberUnavailable"
            ) || v != &json!(0)
        });
    }
    if collision > 0 {
        status["collisionCount"] = json!(collision);
    }
    let mut new = ctx.ds.clone();
    new["status"] = status;
    let _ = s.update_status(ctx.ws(), &new);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controllers::harness::{self as testing, Counting, OTHER};

    fn daemon_set(name: &str) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": name, "namespace": "default"},
               "spec": {"selector": {"matchLabels": {"app": name}},
                        "template": {"metadata": {"labels": {"app": name}},
                                     "spec": {"containers": [{"name": "c", "image": "agent"}]}}}})
    }

    fn live_pods(s: &Server, ws: &str, owner: &str) -> Vec<Value> {
        testing::pods(s, ws)
            .into_iter()
            .filter(|p| !object::is_terminating(p))
            .filter(|p| object::controller_of(p).is_some_and(|r| r["name"] == owner))
            .collect()
    }

    #[test]
    fn work_is_per_daemonset_nodes_wake_every_workspace() {
        let (mut s, mut rt) = testing::plane(vec![Box::new(Counting::new(DaemonSetController))]);
        s.create("root", daemon_set("a")).unwrap();
        s.create("root", daemon_set("b")).unwrap();
        s.create(OTHER, daemon_set("a")).unwrap();
        testing::advance(&mut s, &mut rt, 30_000);
        for (ws, name) in [("root", "a"), ("root", "b"), (OTHER, "a")] {
            let pods = live_pods(&s, ws, name);
            assert_eq!(pods.len(), 1, "{ws}/{name}");
            assert_eq!(pods[0]["spec"]["nodeName"], "node-1");
            assert_eq!(pods[0]["status"]["phase"], "Running");
        }
        let status = |s: &Server, ws: &str| {
            s.store
                .get(&Key::new(ws, RESOURCE, "default", "a"))
                .unwrap()["status"]
                .clone()
        };
        assert_eq!(status(&s, OTHER)["numberReady"], 1);

        // A node update wakes every DaemonSet; at rest, none of them writes anything.
        testing::take_runs::<DaemonSetController>(&mut rt);
        let mut node = s
            .get("root", kind("v1", "Node"), "", "node-1")
            .unwrap()
            .clone();
        set_path(
            &mut node,
            &["metadata", "annotations", "note"],
            json!("unrelated"),
        );
        s.update("root", node).unwrap();
        let revision = s.store.revision();
        testing::advance(&mut s, &mut rt, 1_000);
        assert_eq!(testing::take_runs::<DaemonSetController>(&mut rt).len(), 3);
        assert_eq!(s.store.revision(), revision);

        // One DaemonSet's pod goes: only that DaemonSet is looked at again.
        let other_before = status(&s, OTHER);
        let pod = object::name(&live_pods(&s, "root", "a")[0]).to_string();
        s.delete("root", kind("v1", "Pod"), "default", &pod, None, Some(0))
            .unwrap();
        testing::advance(&mut s, &mut rt, 30_000);
        let runs = testing::take_runs::<DaemonSetController>(&mut rt);
        let a = Key::new("root", RESOURCE, "default", "a");
        assert!(!runs.is_empty());
        assert!(runs.iter().all(|k| *k == a), "{runs:?}");
        assert_eq!(live_pods(&s, "root", "a").len(), 1);
        assert_eq!(status(&s, OTHER), other_before);

        // A new node in root wakes the DaemonSets of every workspace, and each runs on it.
        s.create(
            "root",
            json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-2"}}),
        )
        .unwrap();
        testing::advance(&mut s, &mut rt, 30_000);
        let runs: BTreeSet<Key> = testing::take_runs::<DaemonSetController>(&mut rt)
            .into_iter()
            .collect();
        assert_eq!(runs.len(), 3);
        for (ws, name) in [("root", "a"), ("root", "b"), (OTHER, "a")] {
            assert_eq!(live_pods(&s, ws, name).len(), 2, "{ws}/{name}");
        }
        assert_eq!(status(&s, OTHER)["desiredNumberScheduled"], 2);
    }

    #[test]
    fn creation_is_bounded_per_sync() {
        let (mut s, _) = testing::plane(vec![]);
        for i in 0..300 {
            s.create(
                "root",
                json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": format!("n-{i}")}}),
            )
            .unwrap();
        }
        s.create("root", daemon_set("a")).unwrap();
        let key = Key::new("root", RESOURCE, "default", "a");
        let mut c = DaemonSetController;
        c.reconcile(&mut s, &key);
        // BurstReplicas (250), created in slow-start batches; the rest at the next sync.
        assert_eq!(live_pods(&s, "root", "a").len(), DAEMON_BURST_REPLICAS);
        c.reconcile(&mut s, &key);
        assert_eq!(live_pods(&s, "root", "a").len(), 301);
    }

    fn node(name: &str, labels: Value, taints: Value) -> NodeInfo {
        NodeInfo::from_node(
            &json!({"metadata": {"name": name, "labels": labels}, "spec": {"taints": taints}}),
        )
    }

    fn pod(spec: Value) -> PodInfo {
        let mut spec = spec;
        add_daemon_tolerations(&mut spec);
        PodInfo::from_pod(&json!({"metadata": {"namespace": "default"}, "spec": spec}))
    }

    #[test]
    fn daemon_tolerations_are_added_once_in_upstream_order() {
        let mut spec = json!({"tolerations": [{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"}]});
        add_daemon_tolerations(&mut spec);
        let keys: Vec<&str> = spec["tolerations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["key"].as_str().unwrap())
            .collect();
        assert_eq!(
            keys,
            [
                "node.kubernetes.io/unreachable",
                "node.kubernetes.io/not-ready",
                "node.kubernetes.io/disk-pressure",
                "node.kubernetes.io/memory-pressure",
                "node.kubernetes.io/pid-pressure",
                "node.kubernetes.io/unschedulable",
            ]
        );
        assert!(spec["tolerations"][1].get("tolerationSeconds").is_none());
        let mut host = json!({"hostNetwork": true});
        add_daemon_tolerations(&mut host);
        assert_eq!(
            host["tolerations"].as_array().unwrap().last().unwrap()["key"],
            NETWORK_UNAVAILABLE
        );
    }

    #[test]
    fn eligibility_follows_selectors_affinity_and_taints() {
        let plain = json!({});
        let selector = json!({"nodeSelector": {"disk": "ssd"}});
        let affinity = json!({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}]}}}});
        let tolerates_gpu = json!({"tolerations": [{"key": "gpu", "operator": "Exists"}]});
        let ssd_a = node("n1", json!({"disk": "ssd", "zone": "a"}), json!([]));
        let hdd_b = node("n2", json!({"disk": "hdd", "zone": "b"}), json!([]));
        let gpu = node(
            "n3",
            json!({}),
            json!([{"key": "gpu", "value": "true", "effect": "NoSchedule"}]),
        );
        let evicting = node(
            "n4",
            json!({}),
            json!([{"key": "dedicated", "value": "db", "effect": "NoExecute"}]),
        );
        let soft = node(
            "n5",
            json!({}),
            json!([{"key": "gpu", "value": "true", "effect": "PreferNoSchedule"}]),
        );
        let not_ready = node(
            "n6",
            json!({}),
            json!([{"key": "node.kubernetes.io/not-ready", "effect": "NoExecute"}, {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}, {"key": "node.kubernetes.io/memory-pressure", "effect": "NoSchedule"}]),
        );
        let net = node(
            "n7",
            json!({}),
            json!([{"key": NETWORK_UNAVAILABLE, "effect": "NoSchedule"}]),
        );
        // (pod spec, node, template nodeName) → (should run, should continue running)
        let cases = [
            (&plain, &ssd_a, "", (true, true)),
            (&plain, &ssd_a, "n2", (false, false)),
            (&selector, &ssd_a, "", (true, true)),
            (&selector, &hdd_b, "", (false, false)),
            (&affinity, &ssd_a, "", (true, true)),
            (&affinity, &hdd_b, "", (false, false)),
            (&plain, &gpu, "", (false, true)),
            (&tolerates_gpu, &gpu, "", (true, true)),
            (&plain, &evicting, "", (false, false)),
            (&plain, &soft, "", (true, true)),
            (&plain, &not_ready, "", (true, true)),
            (&plain, &net, "", (false, true)),
            (&json!({"hostNetwork": true}), &net, "", (true, true)),
        ];
        for (spec, n, node_name, want) in cases {
            assert_eq!(
                node_should_run(&pod(spec.clone()), node_name, n),
                want,
                "{spec} on {}",
                n.name
            );
        }
    }

    #[test]
    fn pinning_and_target_nodes() {
        let mut spec = json!({"affinity": {"nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}]},
            "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 1, "preference": {"matchExpressions": [{"key": "disk", "operator": "In", "values": ["ssd"]}]}}]}}});
        pin_to_node(&mut spec, "n1");
        let na = &spec["affinity"]["nodeAffinity"];
        assert_eq!(
            na["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"],
            json!([{"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n1"]}]}])
        );
        assert!(na["preferredDuringSchedulingIgnoredDuringExecution"].is_array());
        assert_eq!(target_node(&json!({"spec": spec})), Some("n1".into()));
        assert_eq!(
            target_node(&json!({"spec": {"nodeName": "n2"}})),
            Some("n2".into())
        );
        assert_eq!(target_node(&json!({"spec": {}})), None);
    }

    #[test]
    fn surge_and_unavailable_round_up() {
        assert_eq!(scaled_up(Some(&json!("10%")), 5), 1);
        assert_eq!(scaled_up(Some(&json!("25%")), 10), 3);
        assert_eq!(scaled_up(Some(&json!(2)), 10), 2);
        assert_eq!(scaled_up(None, 10), 0);
    }
}
