//! The scheduler (kube-scheduler's framework): pending pods in priority order, PreFilter and
//! Filter on the nodes (adaptive `percentageOfNodesToScore`, round-robin start), Score the
//! feasible ones, pick the best (ties broken at random with the control plane's seeded RNG),
//! bind. Failures become `FailedScheduling` Events with upstream's text and wait in the
//! unschedulable queue with backoff (1 s doubling to 10 s) until a cluster event can help.
//! Every attempt leaves an [`Explanation`].
pub mod config;
mod controller;
pub mod cycle;
pub mod explain;
pub mod info;
pub mod informer;
pub mod plugins;

pub use config::Config;
pub use controller::Scheduler;
pub use cycle::{decide, num_feasible_nodes_to_find, Attempt, Cycle, Decision};
pub use explain::{
    Explanation, FilterVerdict, NodeResult, PluginScore, Record, ScorePluginInfo, Stored,
};
pub use info::{AffinityTerm, HostPort, NodeInfo, PodInfo, Snapshot, Taint, Toleration};

use crate::api::kinds::builtin as kind;
use crate::api::object::{self, array_at, str_at};
use crate::api::pod::is_active as is_pod_active;
use crate::api::Value;
use crate::json;
use crate::server::{EventType, Server, ROOT};
use crate::store::EventType as WatchType;
use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

pub const SCHEDULER_NAME: &str = "default-scheduler";

/// `podInitialBackoffSeconds` and `podMaxBackoffSeconds` (defaults.go).
pub const INITIAL_BACKOFF_MS: i64 = 1_000;
pub const MAX_BACKOFF_MS: i64 = 10_000;
/// `podMaxInUnschedulablePodsDuration`: an unschedulable pod is retried after this long even
/// without a cluster event.
pub const MAX_UNSCHEDULABLE_MS: i64 = 5 * 60 * 1_000;
/// How many node rows the stored explanations may hold in total; the oldest go first.
pub const EXPLANATION_BUDGET: usize = 20_000;

/// Counters of the cluster events that can make an unschedulable pod schedulable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Epochs {
    /// A node was added, changed or removed.
    pub node: u64,
    /// An assigned pod was deleted or finished (frees resources, ports, spread counts).
    pub pod_removed: u64,
    /// A pod was assigned or an assigned pod (or a namespace) changed its labels (pod
    /// affinity and topology spread).
    pub pod_assigned: u64,
    /// A PersistentVolumeClaim, PersistentVolume, StorageClass or CSINode was added or changed
    /// (the volume plugins' cluster events).
    pub storage: u64,
}

/// A pod in the unschedulable queue.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Backoff {
    pub attempts: u32,
    pub failed_at_ms: i64,
    pub epochs: Epochs,
    /// InterPodAffinity or PodTopologySpread rejected a node: pod assignments may help.
    pub pod_affinity: bool,
    /// The pod's resourceVersion after the failure was recorded: an update to the pod retries it.
    pub resource_version: String,
}

/// `calculateBackoffDuration`: 1 s doubling per attempt, at most 10 s.
pub fn backoff_ms(attempts: u32) -> i64 {
    let mut d = INITIAL_BACKOFF_MS;
    for _ in 1..attempts {
        d *= 2;
        if d > MAX_BACKOFF_MS {
            return MAX_BACKOFF_MS;
        }
    }
    d
}

/// VolumeBinding's `bindTimeoutSeconds` default: how long PreBind waits for the pod's claims
/// to be bound.
pub const BIND_TIMEOUT_MS: i64 = 600_000;

/// A pod whose node is chosen and whose volumes are being bound (VolumeBinding PreBind,
/// `BindPodVolumes`): it is bound once every claim is, and holds its place on the node
/// meanwhile (an assumed pod).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WaitingOnVolumes {
    pub workspace: String,
    pub namespace: String,
    pub name: String,
    pub node: String,
    pub since_ms: i64,
}

/// What the scheduler remembers between runs (it is part of snapshots).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct State {
    /// Store revision up to which cluster changes have been seen.
    seen_revision: u64,
    epochs: Epochs,
    /// Pod uid → its backoff in the unschedulable queue.
    unschedulable: BTreeMap<String, Backoff>,
    /// Pod uid → a pod waiting in PreBind for its volumes.
    waiting: BTreeMap<String, WaitingOnVolumes>,
    /// `nextStartNodeIndex`: where the next node scan starts.
    next_start_node_index: usize,
    pub config: Config,
    /// Latest attempt per pod, by attempt sequence number (oldest first).
    explanations: BTreeMap<u64, Stored>,
    next_seq: u64,
    /// `workspace/namespace/name` → sequence number (derived; rebuilt after a restore).
    #[serde(skip)]
    explained: HashMap<String, u64>,
    #[serde(skip)]
    explanation_rows: usize,
    /// Assigned and unassigned pods, kept current from the watch history (derived).
    #[serde(skip)]
    informer: informer::Informer,
}

impl State {
    pub fn with_config(config: Config) -> State {
        State {
            config,
            ..State::default()
        }
    }

    fn ensure_index(&mut self) {
        if self.explained.len() != self.explanations.len() {
            self.explained = self
                .explanations
                .iter()
                .map(|(seq, e)| {
                    let (w, n, p) = e.pod();
                    (explain_key(w, n, p), *seq)
                })
                .collect();
            self.explanation_rows = self.explanations.values().map(Stored::size).sum();
        }
    }

    /// Keeps `e` as its pod's latest attempt, dropping the oldest attempts over the budget.
    pub fn record(&mut self, e: Stored) {
        self.ensure_index();
        let (w, n, p) = e.pod();
        let key = explain_key(w, n, p);
        if let Some(old) = self
            .explained
            .remove(&key)
            .and_then(|s| self.explanations.remove(&s))
        {
            self.explanation_rows -= old.size();
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.explanation_rows += e.size();
        self.explanations.insert(seq, e);
        self.explained.insert(key, seq);
        while self.explanation_rows > EXPLANATION_BUDGET && self.explanations.len() > 1 {
            let Some((_, old)) = self.explanations.pop_first() else {
                break;
            };
            self.explanation_rows -= old.size();
            let (w, n, p) = old.pod();
            self.explained.remove(&explain_key(w, n, p));
        }
    }

    /// The latest scheduling attempt of a pod, if it is still remembered.
    pub fn explanation(&self, workspace: &str, namespace: &str, name: &str) -> Option<Explanation> {
        // Works without the derived index (a restored state) by scanning newest first.
        let stored = match self.explained.get(&explain_key(workspace, namespace, name)) {
            Some(seq) => self.explanations.get(seq),
            None => self
                .explanations
                .values()
                .rev()
                .find(|e| e.pod() == (workspace, namespace, name)),
        };
        stored.map(Stored::explanation)
    }

    /// The pods in the unschedulable queue (uid → backoff).
    pub fn unschedulable(&self) -> &BTreeMap<String, Backoff> {
        &self.unschedulable
    }

    pub fn next_start_node_index(&self) -> usize {
        self.next_start_node_index
    }
}

fn explain_key(workspace: &str, namespace: &str, name: &str) -> String {
    format!("{workspace}/{namespace}/{name}")
}

fn pod_key(p: &Value) -> (std::cmp::Reverse<i64>, String, String, String) {
    (
        std::cmp::Reverse(object::i64_at(p, &["spec", "priority"]).unwrap_or(0)),
        str_at(p, &["metadata", "creationTimestamp"])
            .unwrap_or("")
            .to_string(),
        object::namespace(p).to_string(),
        object::name(p).to_string(),
    )
}

fn assigned(p: &Value) -> Option<&str> {
    str_at(p, &["spec", "nodeName"]).filter(|n| !n.is_empty())
}

/// Notes cluster changes since the last run that can make pending pods fit.
fn observe(s: &Server, state: &mut State) {
    let rev = s.store.revision();
    let (mut node, mut removed, mut added, mut storage) = (false, false, false, false);
    match s.store.events_since(state.seen_revision) {
        Ok(events) => {
            for e in events {
                match e.key.resource.as_str() {
                    "nodes" => node = true,
                    "persistentvolumeclaims"
                    | "persistentvolumes"
                    | "storageclasses.storage.k8s.io"
                    | "csinodes.storage.k8s.io" => storage = true,
                    "namespaces" => added = true,
                    "pods" if assigned(&e.object).is_some() => {
                        if e.kind == WatchType::Deleted || !is_pod_active(&e.object) {
                            removed = true;
                        } else {
                            added = true;
                        }
                    }
                    _ => {}
                }
                if node && removed && added && storage {
                    break;
                }
            }
        }
        Err(_) => (node, removed, added, storage) = (true, true, true, true),
    }
    state.epochs.storage += u64::from(storage);
    state.epochs.node += u64::from(node);
    state.epochs.pod_removed += u64::from(removed);
    state.epochs.pod_assigned += u64::from(added);
    state.seen_revision = rev;
}

/// Whether a pod in the unschedulable queue is due for another attempt.
fn due(b: &Backoff, now: i64, epochs: &Epochs, rv: &str) -> bool {
    if now - b.failed_at_ms >= MAX_UNSCHEDULABLE_MS {
        return true;
    }
    let moved = epochs.node > b.epochs.node
        || epochs.storage > b.epochs.storage
        || epochs.pod_removed > b.epochs.pod_removed
        || (b.pod_affinity && epochs.pod_assigned > b.epochs.pod_assigned)
        || rv != b.resource_version;
    moved && now >= b.failed_at_ms + backoff_ms(b.attempts)
}

const GATED_MESSAGE: &str = "Scheduling is blocked due to non-empty scheduling gates";

/// Builds the pass's snapshot: nodes with their assigned and nominated pods, namespaces, the
/// selectors the default topology spreading reads, and the PodDisruptionBudgets.
fn build_snapshot(
    s: &Server,
    assigned_pods: Vec<(String, Arc<PodInfo>)>,
    nominated_pods: Vec<(String, PodInfo)>,
) -> Snapshot {
    let nodes: Vec<NodeInfo> = s
        .list(ROOT, kind("v1", "Node"), None)
        .map(NodeInfo::from_node)
        .collect();
    let mut snapshot = Snapshot::new(nodes);
    for (node, p) in assigned_pods {
        snapshot.add_pod(&node, p);
    }
    for (node, p) in nominated_pods {
        snapshot.nominate(&node, p);
    }
    snapshot.now_ms = s.clock.now_ms();
    snapshot.storage = storage(s);
    for (k, pdb) in s.store.list_all("poddisruptionbudgets.policy") {
        let selector = crate::api::Selector::from_label_selector(pdb["spec"].get("selector"))
            .unwrap_or_default();
        snapshot.pdbs.push(plugins::default_preemption::Pdb {
            workspace: k.workspace.to_string(),
            namespace: object::namespace(pdb).to_string(),
            selector,
            disruptions_allowed: object::i64_at(pdb, &["status", "disruptionsAllowed"])
                .unwrap_or(0),
            disrupted_pods: object::path(pdb, &["status", "disruptedPods"])
                .and_then(Value::as_object)
                .map(|m| m.keys().map(|k| k.to_string()).collect())
                .unwrap_or_default(),
        });
    }
    for (k, ns) in s.store.list_all("namespaces") {
        let mut labels = object::labels(ns);
        labels.insert(
            "kubernetes.io/metadata.name".into(),
            object::name(ns).to_string(),
        );
        snapshot
            .namespaces
            .entry(k.workspace.to_string())
            .or_default()
            .insert(object::name(ns).to_string(), labels);
    }
    for (k, svc) in s.store.list_all("services") {
        let sel = object::string_map(svc, &["spec", "selector"]);
        if !sel.is_empty() {
            snapshot
                .workloads
                .services
                .entry((k.workspace.to_string(), object::namespace(svc).to_string()))
                .or_default()
                .push(sel);
        }
    }
    for (kind_name, resource) in [
        ("ReplicaSet", "replicasets.apps"),
        ("StatefulSet", "statefulsets.apps"),
    ] {
        for (k, o) in s.store.list_all(resource) {
            if let Some(sel) = o.get("spec").and_then(|s| s.get("selector")) {
                snapshot.workloads.controllers.insert(
                    (
                        k.workspace.to_string(),
                        object::namespace(o).to_string(),
                        kind_name.to_string(),
                        object::name(o).to_string(),
                    ),
                    sel.clone(),
                );
            }
        }
    }
    snapshot
}

/// The storage objects the volume plugins read: claims of every workspace, and the shared
/// data plane's PersistentVolumes, StorageClasses and CSINodes.
fn storage(s: &Server) -> info::Storage {
    let mut st = info::Storage::default();
    for (k, c) in s.store.list_all("persistentvolumeclaims") {
        st.claims
            .entry(k.workspace.to_string())
            .or_default()
            .push(c.clone());
    }
    let root = |resource: &str| -> Vec<Value> {
        s.store
            .list(ROOT, resource, None)
            .map(|(_, v)| v.clone())
            .collect()
    };
    st.volumes = root("persistentvolumes");
    st.classes = root("storageclasses.storage.k8s.io");
    st.csi_nodes = root("csinodes.storage.k8s.io");
    st
}

/// One scheduling pass over every pending pod, highest priority first.
pub fn schedule(s: &mut Server, state: &mut State) {
    observe(s, state);
    let now = s.clock.now_ms();
    let mut pending: Vec<(crate::api::value::Str, Value)> = Vec::new();
    let mut gated: Vec<(crate::api::value::Str, Value)> = Vec::new();
    let mut nominated_pods: Vec<(String, PodInfo)> = Vec::new();
    match state.informer.sync(s) {
        Some(deleted) => {
            for uid in deleted {
                state.unschedulable.remove(&uid);
            }
        }
        None => {
            let inf = &state.informer;
            state
                .unschedulable
                .retain(|uid, _| inf.unassigned.contains_key(uid));
        }
    }
    finish_waiting(s, state, now);
    for key in state.informer.unassigned.values() {
        let Some(p) = s.store.get(key) else {
            continue;
        };
        if state.waiting.contains_key(object::uid(p)) {
            continue;
        }
        let ws = &*key.workspace;
        let ours =
            str_at(p, &["spec", "schedulerName"]).unwrap_or(SCHEDULER_NAME) == SCHEDULER_NAME;
        if !ours || !is_pod_active(p) {
            continue;
        }
        if let Some(n) = str_at(p, &["status", "nominatedNodeName"]).filter(|n| !n.is_empty()) {
            nominated_pods.push((n.to_string(), PodInfo::from_pod_in(ws, p)));
        }
        if !array_at(p, &["spec", "schedulingGates"]).is_empty() {
            let reason = array_at(p, &["status", "conditions"])
                .iter()
                .find(|c| c["type"] == "PodScheduled")
                .and_then(|c| c["reason"].as_str());
            if reason != Some("SchedulingGated") {
                gated.push((key.workspace.clone(), p.clone()));
            }
            continue;
        }
        let rv = str_at(p, &["metadata", "resourceVersion"]).unwrap_or("");
        if state
            .unschedulable
            .get(object::uid(p))
            .is_none_or(|b| due(b, now, &state.epochs, rv))
        {
            pending.push((key.workspace.clone(), p.clone()));
        }
    }
    for (ws, p) in gated {
        let mut st = p.clone();
        crate::api::condition::set_on(
            &mut st,
            json!({"type": "PodScheduled", "status": "False", "lastProbeTime": null,
                "lastTransitionTime": s.clock.rfc3339(), "reason": "SchedulingGated", "message": GATED_MESSAGE}),
        );
        let _ = s.update_status(&ws, &st);
    }
    if pending.is_empty() {
        return;
    }
    pending.sort_by_cached_key(|(ws, p)| (pod_key(p), ws.clone()));
    let assigned_pods: Vec<(String, Arc<PodInfo>)> = state
        .informer
        .assigned
        .values()
        .map(|a| (a.node.clone(), a.info.clone()))
        .collect();
    let mut snapshot = build_snapshot(s, assigned_pods, nominated_pods);
    for w in state.waiting.values() {
        if let Some(p) = s.get(&w.workspace, kind("v1", "Pod"), &w.namespace, &w.name) {
            snapshot.add_pod(&w.node, PodInfo::from_pod_in(&w.workspace, p));
        }
    }
    let time = s.clock.rfc3339();
    for (ws, pod) in pending {
        let info = PodInfo::from_pod_in(&ws, &pod);
        let n = snapshot.nodes.len();
        let start = if n == 0 {
            0
        } else {
            state.next_start_node_index % n
        };
        let Attempt {
            decision,
            mut record,
            processed,
            preemption,
        } = decide(&info, &snapshot, &state.config, &mut s.rng, start);
        if n > 0 {
            state.next_start_node_index = (start + processed) % n;
        }
        record.time = time.clone();
        match decision {
            Decision::Bind(node) => {
                state.unschedulable.remove(&info.uid);
                let pre_bound = pre_bind(s, &snapshot, &ws, &pod, &node);
                if !crate::api::volume::pod_claims(&pod).is_empty() {
                    // The assume cache: later pods of the pass see the claims PreBind changed.
                    snapshot.storage = storage(s);
                }
                match pre_bound {
                    Ok(true) => bind(s, &ws, &pod, &node),
                    Ok(false) => {
                        // No wake-up of its own for the timeout (a timer cannot be taken
                        // back once the volumes bind): the scheduler runs on every wake-up,
                        // e.g. the provisioner's retries, and checks it then.
                        state.waiting.insert(
                            info.uid.clone(),
                            WaitingOnVolumes {
                                workspace: ws.to_string(),
                                namespace: info.namespace.clone(),
                                name: info.name.clone(),
                                node: node.clone(),
                                since_ms: now,
                            },
                        );
                    }
                    Err(e) => {
                        pre_bind_failed(s, state, &ws, &pod, &e, now);
                        state.record(Stored::Record(Box::new(record)));
                        continue;
                    }
                }
                snapshot.add_pod(&node, info);
            }
            Decision::Unschedulable(message) => {
                let pod_affinity = record.rows.iter().any(|r| {
                    r.failed.is_some_and(|(p, _)| {
                        matches!(
                            plugins::FILTERS[p as usize].name,
                            "InterPodAffinity" | "PodTopologySpread"
                        )
                    })
                });
                let attempts = state.unschedulable.get(&info.uid).map_or(0, |b| b.attempts) + 1;
                let nominated = preemption.as_ref().and_then(|o| o.nominated.clone());
                if let Some(outcome) =
                    preemption.filter(|o| o.nominated.as_deref().is_some_and(|n| !n.is_empty()))
                {
                    let node = outcome.nominated.clone().unwrap_or_default();
                    preempt(s, &mut snapshot, &info, &node, &outcome.victims);
                    snapshot.nominate(&node, info.clone());
                } else if nominated.as_deref() == Some("") {
                    snapshot.remove_nominated(&info.uid);
                }
                let rv = mark_unschedulable(s, &ws, &pod, &message, nominated.as_deref());
                s.timers.wake_at(now + backoff_ms(attempts));
                state.unschedulable.insert(
                    info.uid.clone(),
                    Backoff {
                        attempts,
                        failed_at_ms: now,
                        epochs: state.epochs,
                        pod_affinity,
                        resource_version: rv,
                    },
                );
            }
        }
        state.record(Stored::Record(Box::new(record)));
    }
    // The binds of this pass are cluster events for the next one (seen_revision stays), so a
    // pod whose affinity waits for a pod bound after it is retried after its backoff.
}

/// The claims, volumes and classes of the store as the volume plugins see them, for the pod's
/// workspace (fresh, not the pass's snapshot: PreBind writes change them).
fn current_storage(s: &Server, ws: &str) -> info::Storage {
    let mut st = storage(s);
    st.claims.retain(|w, _| w == ws);
    st
}

/// VolumeBinding Reserve + PreBind: pre-binds the PVs chosen for the pod's WaitForFirstConsumer
/// claims and hands the claims to provision to their provisioner with the chosen node. `Ok(true)`
/// when every claim is bound and the pod can be bound now; `Ok(false)` to wait; `Err` with
/// the reason binding cannot complete.
fn pre_bind(
    s: &mut Server,
    snapshot: &Snapshot,
    ws: &str,
    pod: &Value,
    node: &str,
) -> Result<bool, String> {
    use plugins::volume_binding as vb;
    if crate::api::volume::pod_claims(pod).is_empty() {
        return Ok(true);
    }
    let world = snapshot.storage.world(ws);
    if let (Ok(Some(claims)), Some(&i)) = (
        vb::volume_binding_pre_filter(&world, pod),
        snapshot.by_name.get(node),
    ) {
        if let Ok(decided) = vb::volume_binding_filter(&world, &claims, &snapshot.nodes[i].object) {
            for w in vb::volume_binding_pre_bind(&world, object::namespace(pod), &decided, node) {
                let target = if object::kind(&w) == "PersistentVolume" {
                    ROOT
                } else {
                    ws
                };
                s.update(target, w).map_err(|e| e.message)?;
            }
        }
    }
    let st = current_storage(s, ws);
    vb::bindings_complete(&st.world(ws), pod, node)
}

/// PreBind failed: the pod goes back to the queue with upstream's message.
fn pre_bind_failed(s: &mut Server, state: &mut State, ws: &str, pod: &Value, e: &str, now: i64) {
    let message = format!("running PreBind plugin \"VolumeBinding\": binding volumes: {e}");
    let uid = object::uid(pod).to_string();
    state.waiting.remove(&uid);
    let attempts = state.unschedulable.get(&uid).map_or(0, |b| b.attempts) + 1;
    let rv = mark_unschedulable(s, ws, pod, &message, None);
    s.timers.wake_at(now + backoff_ms(attempts));
    state.unschedulable.insert(
        uid,
        Backoff {
            attempts,
            failed_at_ms: now,
            epochs: state.epochs,
            pod_affinity: false,
            resource_version: rv,
        },
    );
}

/// The binding cycles waiting in PreBind: a pod whose claims are all bound is bound to its
/// node; one whose binding can no longer complete, or that waited [`BIND_TIMEOUT_MS`], goes
/// back to the queue.
fn finish_waiting(s: &mut Server, state: &mut State, now: i64) {
    if state.waiting.is_empty() {
        return;
    }
    let waiting: Vec<(String, WaitingOnVolumes)> = state
        .waiting
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (uid, w) in waiting {
        let pod = s
            .get(&w.workspace, kind("v1", "Pod"), &w.namespace, &w.name)
            .filter(|p| object::uid(p) == uid && assigned(p).is_none() && is_pod_active(p))
            .cloned();
        let Some(pod) = pod else {
            state.waiting.remove(&uid);
            continue;
        };
        let st = current_storage(s, &w.workspace);
        match plugins::volume_binding::bindings_complete(&st.world(&w.workspace), &pod, &w.node) {
            Ok(true) => {
                state.waiting.remove(&uid);
                bind(s, &w.workspace, &pod, &w.node);
            }
            Ok(false) if now - w.since_ms >= BIND_TIMEOUT_MS => {
                pre_bind_failed(
                    s,
                    state,
                    &w.workspace,
                    &pod,
                    "context deadline exceeded",
                    now,
                );
            }
            Ok(false) => {}
            Err(e) => pre_bind_failed(s, state, &w.workspace, &pod, &e, now),
        }
    }
}

/// The Binding subresource: sets `spec.nodeName` and, in the same write, the PodScheduled
/// condition (as upstream's BindingREST); then the `Scheduled` Event.
fn bind(s: &mut Server, ws: &str, pod: &Value, node: &str) {
    let Ok(updated) = s.bind(ws, object::namespace(pod), object::name(pod), node) else {
        return;
    };
    s.event(
        ws,
        &updated,
        EventType::Normal,
        "Scheduled",
        &format!(
            "Successfully assigned {}/{} to {node}",
            object::namespace(pod),
            object::name(pod)
        ),
        SCHEDULER_NAME,
    );
}

/// `prepareCandidate`: marks each victim with the DisruptionTarget condition, deletes it
/// gracefully through the API and records a `Preempted` Event; pods of lower priority
/// nominated to the same node lose their nomination.
fn preempt(
    s: &mut Server,
    snapshot: &mut Snapshot,
    pod: &PodInfo,
    node: &str,
    victims: &[plugins::default_preemption::Victim],
) {
    let pod_kind = kind("v1", "Pod");
    for v in victims {
        let ws = v.workspace.clone();
        let Some(obj) = s.get(&ws, pod_kind, &v.namespace, &v.name).cloned() else {
            continue;
        };
        if object::uid(&obj) != v.uid {
            continue;
        }
        let mut st = obj.clone();
        crate::api::condition::set_on(
            &mut st,
            json!({"type": "DisruptionTarget", "status": "True", "lastProbeTime": null,
                "lastTransitionTime": s.clock.rfc3339(), "reason": "PreemptionByScheduler",
                "message": format!("{SCHEDULER_NAME}: preempting to accommodate a higher priority pod")}),
        );
        let _ = s.update_status(&ws, &st);
        let _ = s.delete(&ws, pod_kind, &v.namespace, &v.name, None, None);
        s.event(
            &ws,
            &obj,
            EventType::Normal,
            "Preempted",
            &format!("Preempted by pod {} on node {node}", pod.uid),
            SCHEDULER_NAME,
        );
    }
    let lower: Vec<PodInfo> = snapshot
        .by_name
        .get(node)
        .and_then(|i| snapshot.nominated.get(i))
        .into_iter()
        .flatten()
        .filter(|p| p.priority < pod.priority)
        .cloned()
        .collect();
    for p in lower {
        snapshot.remove_nominated(&p.uid);
        if let Some(obj) = s
            .get(&p.workspace, pod_kind, &p.namespace, &p.name)
            .cloned()
        {
            let mut st = obj;
            if let Some(status) = st.get_mut("status").and_then(Value::as_object_mut) {
                status.shift_remove("nominatedNodeName");
            }
            let _ = s.update_status(&p.workspace, &st);
        }
    }
}

/// Records the failure on the pod (and its nomination: a node name sets it, "" clears it);
/// returns the pod's resourceVersion afterwards.
fn mark_unschedulable(
    s: &mut Server,
    ws: &str,
    pod: &Value,
    message: &str,
    nominated: Option<&str>,
) -> String {
    let now = s.clock.rfc3339();
    let mut st = pod.clone();
    match nominated {
        Some("") => {
            if let Some(status) = st.get_mut("status").and_then(Value::as_object_mut) {
                status.shift_remove("nominatedNodeName");
            }
        }
        Some(n) => object::set_path(&mut st, &["status", "nominatedNodeName"], json!(n)),
        None => {}
    }
    crate::api::condition::set_on(
        &mut st,
        json!({"type": "PodScheduled", "status": "False", "lastProbeTime": null, "lastTransitionTime": now, "reason": "Unschedulable", "message": message}),
    );
    let rv = match s.update_status(ws, &st) {
        Ok(p) => str_at(&p, &["metadata", "resourceVersion"])
            .unwrap_or("")
            .to_string(),
        Err(_) => str_at(pod, &["metadata", "resourceVersion"])
            .unwrap_or("")
            .to_string(),
    };
    s.event(
        ws,
        pod,
        EventType::Warning,
        "FailedScheduling",
        message,
        SCHEDULER_NAME,
    );
    rv
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_ten_seconds() {
        let got: Vec<i64> = (1..=6).map(backoff_ms).collect();
        assert_eq!(got, [1000, 2000, 4000, 8000, 10000, 10000]);
    }

    #[test]
    fn explanations_are_bounded_and_latest_per_pod() {
        let mut st = State::default();
        let e = |name: &str, rows: usize| {
            Stored::Full(Box::new(Explanation {
                workspace: "root".into(),
                namespace: "default".into(),
                name: name.into(),
                nodes: vec![NodeResult::feasible("n"); rows],
                ..Default::default()
            }))
        };
        st.record(e("a", 10));
        st.record(e("a", 20));
        assert_eq!(st.explanations.len(), 1);
        assert_eq!(
            st.explanation("root", "default", "a").unwrap().nodes.len(),
            20
        );
        for i in 0..3 {
            st.record(e(&format!("big{i}"), EXPLANATION_BUDGET / 2));
        }
        assert!(st.explanation("root", "default", "a").is_none());
        assert!(st.explanation("root", "default", "big0").is_none());
        assert!(st.explanation("root", "default", "big2").is_some());
        assert!(st.explanation_rows <= EXPLANATION_BUDGET);
    }
}
