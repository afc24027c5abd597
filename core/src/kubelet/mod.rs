//! The simulated node agent (kubelet): registers nodes and posts their conditions
//! ([`node`]), and runs the pods bound to them ([`pod`]): sandbox, init containers one at a
//! time, sidecars, containers, probes ([`probe`]), restarts with CrashLoopBackOff
//! ([`container`]) and graceful termination, following the behaviour annotations
//! ([`behaviour`]). The annotations and the model are documented in `kubelet/README.md`.
//!
//! One kubelet runs per node, but they share nothing, so kplane runs them as one controller:
//! each reconcile visits every bound pod, works out its status at the current instant, writes
//! it only if it changed, and registers a wake-up at its next transition.
pub mod behaviour;
pub mod container;
pub mod node;
pub mod pod;
pub mod probe;

pub use behaviour::{usage, ContainerUsage};
pub use node::{node_ready, node_state, NodeState, KUBELET_VERSION};

use crate::api::object::{self, array_at, path, str_at};
use crate::api::Value;
use crate::controllers::kind;
use crate::json;
use crate::server::{EventType, Server, ROOT};
use crate::sim::parse_rfc3339;
use pod::{Model, PodSpec};
use std::collections::{BTreeMap, BTreeSet};

/// Capacity of a node applied without any (KWOK's default fake node).
pub const DEFAULT_CAPACITY: (&str, &str, &str) = ("32", "256Gi", "110");
/// Seconds from binding until the containers can start, unless the pod sets
/// `sim.kplane.dev/start-seconds`.
pub const DEFAULT_START_SECONDS: f64 = behaviour::DEFAULT_START_SECONDS;
pub const START_ANNOTATION: &str = behaviour::START_SECONDS;

pub fn reconcile(s: &mut Server) {
    node::reconcile(s);
    run_pods(s);
}

/// What one pod's sync decided.
struct Plan {
    namespace: String,
    name: String,
    status: Option<Value>,
    events: Vec<pod::Ev>,
    delete: bool,
}

/// A node as its kubelet sees it.
struct NodeView {
    state: NodeState,
    host_ip: String,
    /// `10.244.3` for `10.244.3.0/24`.
    prefix: String,
}

fn run_pods(s: &mut Server) {
    let pod_info = kind("v1", "Pod");
    let node_info = kind("v1", "Node");
    let now = s.clock.now_ms();
    let nodes: BTreeMap<String, NodeView> = s
        .list(ROOT, node_info, None)
        .filter(|n| str_at(n, &["spec", "podCIDR"]).is_some())
        .map(|n| {
            let host_ip = array_at(n, &["status", "addresses"])
                .iter()
                .find(|a| a["type"] == "InternalIP")
                .and_then(|a| a["address"].as_str())
                .unwrap_or("")
                .to_string();
            let cidr = str_at(n, &["spec", "podCIDR"]).unwrap_or("10.244.0.0/24");
            let prefix = cidr.rsplit_once('.').map_or("10.244.0", |(p, _)| p);
            (
                object::name(n).to_string(),
                NodeView {
                    state: node_state(n),
                    host_ip,
                    prefix: prefix.to_string(),
                },
            )
        })
        .collect();
    let mut ips: Option<BTreeMap<String, BTreeSet<u32>>> = None;
    let mut plans = Vec::new();
    let mut wakes = Vec::new();
    for pod in s.list(ROOT, pod_info, None) {
        let Some(node_name) = str_at(pod, &["spec", "nodeName"]).filter(|n| !n.is_empty()) else {
            continue;
        };
        let Some(node) = nodes.get(node_name) else {
            continue;
        };
        let terminating = object::is_terminating(pod);
        let plan = |status, events, delete| Plan {
            namespace: object::namespace(pod).to_string(),
            name: object::name(pod).to_string(),
            status,
            events,
            delete,
        };
        match node.state {
            NodeState::Stopped => continue,
            NodeState::Failed => {
                // The runtime is down: nothing starts, nothing is reported; a deleted pod is
                // let go when its grace period ends.
                if terminating {
                    let end = str_at(pod, &["metadata", "deletionTimestamp"])
                        .and_then(parse_rfc3339)
                        .unwrap_or(now);
                    if end <= now {
                        plans.push(plan(None, vec![], true));
                    } else {
                        wakes.push(end);
                    }
                }
                continue;
            }
            NodeState::Running => {}
        }
        let phase = str_at(pod, &["status", "phase"]).unwrap_or("Pending");
        if matches!(phase, "Succeeded" | "Failed") {
            if terminating {
                plans.push(plan(None, vec![], true));
            }
            continue;
        }
        if quiescent(pod) {
            continue;
        }
        let accepted = path(pod, &["status", "startTime"]).is_some_and(|v| !v.is_null());
        if !accepted && terminating {
            plans.push(plan(None, vec![], true));
            continue;
        }
        let spec = PodSpec::of(pod);
        let mut m = Model::of(pod, &spec, now);
        let mut alloc = || {
            let used = ips
                .get_or_insert_with(|| used_ips(s))
                .entry(node_name.to_string())
                .or_default();
            let host = (2..255).find(|h| !used.contains(h)).unwrap_or(254);
            used.insert(host);
            format!("{}.{host}", node.prefix)
        };
        let next_transition = m.run(now, &mut alloc);
        let next_flag = m.probe_flags(now);
        let new_phase = m.phase(phase);
        let mut status = pod.get("status").cloned().unwrap_or(json!({}));
        if !accepted {
            status["hostIP"] = json!(node.host_ip);
            status["hostIPs"] = json!([{"ip": node.host_ip}]);
            for (key, value) in behaviour::Annotations::of(pod).invalid() {
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
                let c = array_at(pod, &["status", "conditions"])
                    .iter()
                    .find(|c| c["type"] == g.as_str());
                (g.clone(), c.map(|c| c["status"] == "True"))
            })
            .collect();
        m.write(&mut status, new_phase, now, &gates);
        let changed = pod.get("status") != Some(&status);
        let done = terminating && matches!(new_phase, "Succeeded" | "Failed");
        if changed || done {
            let events = if changed {
                std::mem::take(&mut m.events)
            } else {
                vec![]
            };
            plans.push(plan(changed.then_some(status), events, done));
        }
        for t in [next_transition, next_flag].into_iter().flatten() {
            if t > now {
                wakes.push(t);
            }
        }
    }
    for t in wakes {
        s.timers.wake_at(t);
    }
    for p in plans {
        apply_plan(s, p);
    }
}

fn apply_plan(s: &mut Server, p: Plan) {
    let pod_info = kind("v1", "Pod");
    if let Some(status) = p.status {
        let obj = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": p.name, "namespace": p.namespace}, "status": status});
        if let Ok(updated) = s.update_status(ROOT, &obj) {
            for e in p.events {
                s.event(ROOT, &updated, e.kind, e.reason, &e.message, "kubelet");
            }
        }
    }
    if p.delete {
        let _ = s.delete(ROOT, pod_info, &p.namespace, &p.name, None, Some(0));
    }
}

/// Pod IPs in use per node (pods that have not finished).
fn used_ips(s: &Server) -> BTreeMap<String, BTreeSet<u32>> {
    let mut out: BTreeMap<String, BTreeSet<u32>> = BTreeMap::new();
    for p in s.list(ROOT, kind("v1", "Pod"), None) {
        let (Some(node), Some(ip)) = (
            str_at(p, &["spec", "nodeName"]),
            str_at(p, &["status", "podIP"]),
        ) else {
            continue;
        };
        if matches!(
            str_at(p, &["status", "phase"]),
            Some("Succeeded") | Some("Failed")
        ) {
            continue;
        }
        if let Some(host) = ip.rsplit('.').next().and_then(|h| h.parse().ok()) {
            out.entry(node.to_string()).or_default().insert(host);
        }
    }
    out
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
