//! The simulated node agent (kubelet): registers nodes and posts their conditions
//! ([`node`]), and runs the pods bound to them ([`pod`]): sandbox, init containers one at a
//! time, sidecars, containers, probes ([`probe`]), restarts with CrashLoopBackOff
//! ([`container`]) and graceful termination, following the behaviour annotations
//! ([`behaviour`]). The annotations and the model are documented in `kubelet/README.md`.
//!
//! One kubelet runs per node, but they share nothing, so kplane runs them as one controller,
//! [`Kubelet`]: a reconcile works out one node's or one pod's status at the current instant,
//! writes it only if it changed, and asks to look again at the pod's next transition.
pub mod behaviour;
pub mod container;
pub mod lease;
pub mod logs;
pub mod node;
pub mod pod;
pub mod probe;
pub mod runtime;
pub mod volumes;

pub use behaviour::{usage, ContainerUsage};
pub use node::{node_ready, node_state, NodeState, KUBELET_VERSION};

use crate::api::object::{self, array_at, path, str_at};
use crate::api::Value;
use crate::controllers::kind;
use crate::json;
use crate::runtime::Action;
use crate::server::{EventType, Server, ROOT};
use crate::sim::load::LOAD_PROFILES;
use crate::sim::parse_rfc3339;
use crate::sim::queue::QUEUES;
use crate::store::{Key, Store, WatchEvent};
use pod::{Model, PodSpec};
use std::collections::BTreeSet;

/// Capacity of a node applied without any (KWOK's default fake node).
pub const DEFAULT_CAPACITY: (&str, &str, &str) = ("32", "256Gi", "110");
/// Seconds from binding until the containers can start, unless the pod sets
/// `sim.kplane.dev/start-seconds`.
pub const DEFAULT_START_SECONDS: f64 = behaviour::DEFAULT_START_SECONDS;
pub const START_ANNOTATION: &str = behaviour::START_SECONDS;

/// The simulated kubelets of every node, as one controller: node keys register the node and
/// post its conditions; pod keys run one pod (all workspaces: pods of every workspace run on
/// the shared nodes of `root`). A pod is looked at when it or its node changes, or at its next
/// transition (a probe window, an exit, the end of a back-off or a grace period).
#[derive(Debug, Default)]
pub struct Kubelet {
    /// The pod CIDR index of each registered node (node IPAM, rebuilt from the Nodes on first
    /// use, so a restored control plane allocates exactly as the original would).
    cidrs: Option<node::CidrAllocator>,
}

impl crate::runtime::Controller for Kubelet {
    fn name(&self) -> &'static str {
        "kubelet"
    }
    fn manager(&self) -> &'static str {
        "kubelet"
    }
    fn watches(&self) -> &'static [&'static str] {
        &[
            "pods",
            "nodes",
            "configmaps",
            "secrets",
            "persistentvolumeclaims",
            "persistentvolumes",
            crate::api::volume::csi::VOLUME_ATTACHMENTS,
            LOAD_PROFILES,
            QUEUES,
        ]
    }
    fn keys(&self, store: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        match &*e.key.resource {
            "pods" => {
                if crate::api::pod::node_name(&e.object).is_some() {
                    out.push(e.key.clone());
                }
            }
            "nodes" => {
                if &*e.key.workspace != ROOT {
                    return;
                }
                out.push(e.key.clone());
                // The node's pods see its state and address.
                out.extend(store.indexes().pods_on_node(&e.key.name).cloned());
            }
            "configmaps" | "secrets" => {
                // Pods waiting for the object (a scan of the namespace's pods).
                out.extend(
                    store
                        .list(&e.key.workspace, "pods", Some(&e.key.namespace))
                        .filter(|(_, p)| {
                            crate::api::pod::node_name(p).is_some()
                                && volumes::refers_to(p, &e.key.resource, &e.key.name)
                        })
                        .map(|(k, _)| k.clone()),
                );
            }
            LOAD_PROFILES | QUEUES => {
                // The demand moved (its status is refreshed as it does): the pods it reaches
                // that have a memory limit look again.
                let mut keys = Vec::new();
                crate::sim::load::demanded_pods(
                    store,
                    &e.key.workspace,
                    &e.key.namespace,
                    &mut keys,
                );
                out.extend(
                    keys.into_iter()
                        .filter(|k| store.get(k).is_some_and(has_memory_limit)),
                );
            }
            "persistentvolumeclaims" => claim_users(store, &e.key, out),
            "persistentvolumes" => {
                if let Some(k) = claim_of_volume(&e.object) {
                    claim_users(store, &k, out);
                }
            }
            _ => {
                let pv = str_at(&e.object, &["spec", "source", "persistentVolumeName"]);
                if let Some(k) = pv
                    .and_then(|pv| store.get(&Key::new(ROOT, "persistentvolumes", "", pv)))
                    .and_then(claim_of_volume)
                {
                    claim_users(store, &k, out);
                }
            }
        }
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        crate::runtime::all_keys(store, "nodes", out);
        out.extend(
            store
                .list_all("pods")
                .filter(|(_, p)| crate::api::pod::node_name(p).is_some())
                .map(|(k, _)| k.clone()),
        );
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        if &*key.resource == "nodes" {
            let cidrs = self
                .cidrs
                .get_or_insert_with(|| node::CidrAllocator::of(&s.store));
            node::sync(s, cidrs, &key.name);
            return Action::AwaitChange;
        }
        sync_pod(s, key)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// The CPU the pod's runtime handler needs for runc's work, in percent of runc's (its
/// RuntimeClass in `root`; [`runtime::Handler::cpu_percent`]).
pub fn cpu_percent(store: &Store, pod: &Value) -> i64 {
    if str_at(pod, &["spec", "runtimeClassName"]).is_none_or(str::is_empty) {
        return runtime::RUNC.cpu_percent;
    }
    let classes: Vec<Value> = store
        .list(ROOT, "runtimeclasses.node.k8s.io", None)
        .map(|(_, c)| c.clone())
        .collect();
    runtime::pod_handler(pod, &classes)
        .unwrap_or(runtime::RUNC)
        .cpu_percent
}

/// The key of the claim a PersistentVolume is bound to.
fn claim_of_volume(pv: &Value) -> Option<Key> {
    let ns = str_at(pv, &["spec", "claimRef", "namespace"])?;
    let name = str_at(pv, &["spec", "claimRef", "name"])?;
    let ws = str_at(
        pv,
        &["metadata", "annotations", "sim.kplane.dev/claim-workspace"],
    )
    .unwrap_or(ROOT);
    Some(Key::new(ws, "persistentvolumeclaims", ns, name))
}

/// The pods on a node that mount the claim at `claim`.
fn claim_users(store: &Store, claim: &Key, out: &mut Vec<Key>) {
    out.extend(
        store
            .list(&claim.workspace, "pods", Some(&claim.namespace))
            .filter(|(_, p)| {
                crate::api::pod::node_name(p).is_some()
                    && crate::api::volume::pod_claims(p)
                        .iter()
                        .any(|c| *c.claim == *claim.name)
            })
            .map(|(k, _)| k.clone()),
    );
}

/// A node as its kubelet sees it.
struct NodeView {
    state: NodeState,
    host_ip: String,
    /// `10.244.3` for `10.244.3.0/24`.
    prefix: String,
}

impl NodeView {
    /// The registered node `name` (in `root`), if any.
    fn of(s: &Server, name: &str) -> Option<NodeView> {
        let n = s.get(ROOT, kind("v1", "Node"), "", name)?;
        let cidr = str_at(n, &["spec", "podCIDR"])?;
        let host_ip = array_at(n, &["status", "addresses"])
            .iter()
            .find(|a| a["type"] == "InternalIP")
            .and_then(|a| a["address"].as_str())
            .unwrap_or("")
            .to_string();
        let prefix = cidr.rsplit_once('.').map_or("10.244.0", |(p, _)| p);
        Some(NodeView {
            state: node_state(n),
            host_ip,
            prefix: prefix.to_string(),
        })
    }
}

/// Works out one pod's status at the current instant, writes it if it changed, and says
/// when to look again.
fn sync_pod(s: &mut Server, key: &Key) -> Action {
    let now = s.clock.now_ms();
    let Some(pod) = s.store.get(key).cloned() else {
        return Action::AwaitChange;
    };
    let Some(node_name) = crate::api::pod::node_name(&pod).map(str::to_string) else {
        return Action::AwaitChange;
    };
    let Some(node) = NodeView::of(s, &node_name) else {
        return Action::AwaitChange;
    };
    let terminating = object::is_terminating(&pod);
    let ws = key.workspace.clone();
    match node.state {
        NodeState::Stopped => return Action::AwaitChange,
        NodeState::Failed => {
            // The runtime is down: nothing starts, nothing is reported; a deleted pod is
            // let go when its grace period ends.
            if terminating {
                let end = str_at(&pod, &["metadata", "deletionTimestamp"])
                    .and_then(parse_rfc3339)
                    .unwrap_or(now);
                if end <= now {
                    let _ = s.delete(
                        &ws,
                        kind("v1", "Pod"),
                        &key.namespace,
                        &key.name,
                        None,
                        Some(0),
                    );
                } else {
                    return Action::RequeueAfter(end - now);
                }
            }
            return Action::AwaitChange;
        }
        NodeState::Running => {}
    }
    let phase = str_at(&pod, &["status", "phase"]).unwrap_or("Pending");
    if matches!(phase, "Succeeded" | "Failed") {
        if terminating {
            let _ = s.delete(
                &ws,
                kind("v1", "Pod"),
                &key.namespace,
                &key.name,
                None,
                Some(0),
            );
        }
        return Action::AwaitChange;
    }
    // Simulated demand that can push a container over its memory limit (sim::load).
    let demand = if has_memory_limit(&pod) {
        crate::sim::load::pod_demand(&s.store, &ws, &pod, now).filter(|d| d.memory > 0.0)
    } else {
        None
    };
    if demand.is_none() && quiescent(&pod) {
        return Action::AwaitChange;
    }
    let accepted = path(&pod, &["status", "startTime"]).is_some_and(|v| !v.is_null());
    if !accepted && terminating {
        let _ = s.delete(
            &ws,
            kind("v1", "Pod"),
            &key.namespace,
            &key.name,
            None,
            Some(0),
        );
        return Action::AwaitChange;
    }
    let classes: Vec<Value> = s
        .store
        .list(ROOT, "runtimeclasses.node.k8s.io", None)
        .map(|(_, c)| c.clone())
        .collect();
    let handler = runtime::pod_handler(&pod, &classes).unwrap_or(runtime::RUNC);
    let mut spec = match &demand {
        Some(d) => PodSpec::of(&pod).with_demand(&pod, d, now),
        None => PodSpec::of(&pod),
    };
    spec.start_ms = spec.start_ms.saturating_add(handler.extra_start_ms);
    let sandboxed = array_at(&pod, &["status", "conditions"])
        .iter()
        .any(|c| c["type"] == "PodReadyToStartContainers" && c["status"] == "True");
    // WaitForAttachAndMount and the sandbox's runtime come before the sandbox.
    let mut blockers: Vec<(&'static str, String)> = Vec::new();
    let mut unmounted = None;
    if !sandboxed && !terminating {
        let mounts = volumes::mounts(s, &ws, &pod, &node_name);
        for m in &mounts.failed {
            blockers.push(("FailedMount", m.clone()));
        }
        if !mounts.unmounted.is_empty() {
            unmounted = Some(mounts);
        }
        let node_obj = s.get(ROOT, kind("v1", "Node"), "", &node_name).cloned();
        if let Some(e) = node_obj.and_then(|n| runtime::sandbox_error(&pod, &n, &classes)) {
            blockers.push(("FailedCreatePodSandBox", e));
        }
    }
    let blocked = !blockers.is_empty() || unmounted.is_some();
    let mut m = Model::of(&pod, &spec, now);
    m.blocked = blocked;
    if !terminating {
        m.config_errors = volumes::config_errors(s, &ws, &pod);
    }
    let mut used: Option<BTreeSet<u32>> = None;
    let mut alloc = || {
        let used = used.get_or_insert_with(|| used_ips(s, &node_name));
        let host = (2..255).find(|h| !used.contains(h)).unwrap_or(254);
        used.insert(host);
        format!("{}.{host}", node.prefix)
    };
    let next_transition = m.run(now, &mut alloc);
    m.hold_config_errors(now);
    let next_flag = m.probe_flags(now);
    let new_phase = m.phase(phase);
    let mut status = pod.get("status").cloned().unwrap_or(json!({}));
    if !accepted {
        status["hostIP"] = json!(node.host_ip);
        status["hostIPs"] = json!([{"ip": node.host_ip}]);
        for (key, value) in behaviour::Annotations::of(&pod).invalid() {
            m.events.push(pod::Ev {
                kind: EventType::Warning,
                reason: "InvalidBehaviour",
                message: format!(
                    "annotation {key}={value:?} is not valid and is ignored (see the sim.kplane.dev annotations in the README)"
                ),
            });
        }
    }
    let gates: Vec<(String, Option<bool>)> = spec
        .readiness_gates
        .iter()
        .map(|g| {
            let c = array_at(&pod, &["status", "conditions"])
                .iter()
                .find(|c| c["type"] == g.as_str());
            (g.clone(), c.map(|c| c["status"] == "True"))
        })
        .collect();
    m.write(&mut status, new_phase, now, &gates);
    let changed = pod.get("status") != Some(&status);
    let done = terminating && matches!(new_phase, "Succeeded" | "Failed");
    if changed {
        let obj = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": &*key.name, "namespace": &*key.namespace}, "status": status});
        if let Ok(updated) = s.update_status(&ws, &obj) {
            for e in std::mem::take(&mut m.events) {
                s.event(&ws, &updated, e.kind, e.reason, &e.message, "kubelet");
            }
        }
    }
    if blocked {
        // FailedMount / FailedCreatePodSandBox when the kubelet first tries, then each time
        // `WaitForAttachAndMount` times out (2m3s), when the unmounted volumes are reported.
        let started = str_at(&pod, &["status", "startTime"])
            .and_then(parse_rfc3339)
            .unwrap_or(now);
        let waited = now.saturating_sub(started);
        let timeout = volumes::ATTACH_AND_MOUNT_TIMEOUT_MS;
        let at_timeout = waited > 0 && waited % timeout == 0;
        if changed || at_timeout {
            if let Some(obj) = s.store.get(key).cloned() {
                for (reason, message) in &blockers {
                    s.event(&ws, &obj, EventType::Warning, reason, message, "kubelet");
                }
                if let (true, Some(u)) = (at_timeout, &unmounted) {
                    let msg = u.timeout_message();
                    s.event(
                        &ws,
                        &obj,
                        EventType::Warning,
                        "FailedMount",
                        &msg,
                        "kubelet",
                    );
                }
            }
        }
        let next = timeout - waited.rem_euclid(timeout);
        return Action::RequeueAfter(next);
    }
    if done {
        let _ = s.delete(
            &ws,
            kind("v1", "Pod"),
            &key.namespace,
            &key.name,
            None,
            Some(0),
        );
        return Action::AwaitChange;
    }
    let mut next = crate::controllers::workload::Soonest::default();
    for t in [next_transition, next_flag].into_iter().flatten() {
        if t > now {
            next.note(t);
        }
    }
    next.action(now)
}

/// Whether a regular container of `pod` has a memory limit.
fn has_memory_limit(pod: &Value) -> bool {
    array_at(pod, &["spec", "containers"])
        .iter()
        .any(|c| behaviour::memory_limit(c).is_some())
}

/// Pod IPs in use on `node` (pods of every workspace that have not finished).
fn used_ips(s: &Server, node: &str) -> BTreeSet<u32> {
    s.store
        .indexes()
        .pods_on_node(node)
        .filter_map(|k| s.store.get(k))
        .filter(|p| {
            !matches!(
                str_at(p, &["status", "phase"]),
                Some("Succeeded") | Some("Failed")
            )
        })
        .filter_map(|p| str_at(p, &["status", "podIP"]))
        .filter_map(|ip| ip.rsplit('.').next()?.parse().ok())
        .collect()
}

/// A running pod whose containers are all up and ready and that has nothing scheduled: no
/// exits, crashes, probe failure windows, start-up time or memory behaviour, no readiness
/// gates. Nothing
/// can change for it until someone writes to it, so the sync skips it (most pods at scale).
fn quiescent(pod: &Value) -> bool {
    const TIMED: &[&str] = &[
        behaviour::EXIT_SECONDS,
        behaviour::CRASH_SECONDS,
        behaviour::STARTUP_FAILS,
        behaviour::READINESS_FAILS,
        behaviour::LIVENESS_FAILS,
        behaviour::MEMORY,
        behaviour::READY_SECONDS,
    ];
    if object::is_terminating(pod)
        || str_at(pod, &["status", "phase"]) != Some("Running")
        || !array_at(pod, &["spec", "readinessGates"]).is_empty()
        || !crate::controllers::is_pod_ready(pod)
    {
        return false;
    }
    if let Some(ann) = path(pod, &["metadata", "annotations"]).and_then(Value::as_object) {
        if ann.keys().any(|k| TIMED.iter().any(|t| k.starts_with(t))) {
            return false;
        }
    }
    let check = |specs: &str, statuses: &str, only_sidecars: bool| {
        let st = array_at(pod, &["status", statuses]);
        array_at(pod, &["spec", specs]).iter().all(|c| {
            if only_sidecars && c["restartPolicy"] != "Always" {
                return true;
            }
            let image = container::image_ref(c["image"].as_str().unwrap_or(""));
            st.iter().any(|s| {
                s["name"] == c["name"]
                    && s["ready"] == true
                    && s["state"].get("running").is_some()
                    && s["image"] == image.as_str()
            })
        })
    };
    check("containers", "containerStatuses", false)
        && check("initContainers", "initContainerStatuses", true)
}
