//! The simulated node agent (kubelet): registers nodes (conditions, addresses, node info),
//! starts bound pods after their start latency, and finishes graceful pod deletion.
use crate::api::object::{self, array_at, path, set_path, str_at};
use crate::controllers::kind;
use crate::scheduler::set_condition;
use crate::server::{EventType, Server, ROOT};
use crate::sim::parse_rfc3339;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// The kubelet version nodes report.
pub const KUBELET_VERSION: &str = "v1.34.0";
/// Capacity of a node applied without any (KWOK's default fake node).
pub const DEFAULT_CAPACITY: (&str, &str, &str) = ("32", "256Gi", "110");
/// Seconds from binding until the containers run, unless the pod sets
/// `sim.kplane.dev/start-seconds`.
pub const DEFAULT_START_SECONDS: f64 = 1.0;
pub const START_ANNOTATION: &str = "sim.kplane.dev/start-seconds";

pub fn node_ready(node: &Value) -> bool {
    array_at(node, &["status", "conditions"])
        .iter()
        .any(|c| c["type"] == "Ready" && c["status"] == "True")
}

pub fn reconcile(s: &mut Server) {
    register_nodes(s);
    run_pods(s);
}

/// Node registration and IPAM: capacity defaults, `spec.podCIDR` from 10.244.0.0/16, an
/// InternalIP, node info and the Ready condition.
fn register_nodes(s: &mut Server) {
    let node_info = kind("v1", "Node");
    let nodes: Vec<Value> = s.list(ROOT, node_info, None).cloned().collect();
    let mut used: BTreeSet<i64> = nodes
        .iter()
        .filter_map(|n| str_at(n, &["spec", "podCIDR"]))
        .filter_map(|c| c.strip_prefix("10.244.")?.split('.').next()?.parse().ok())
        .collect();
    let now = s.clock.rfc3339();
    for node in nodes
        .iter()
        .filter(|n| str_at(n, &["spec", "podCIDR"]).is_none())
    {
        let index = (0..).find(|i| !used.contains(i)).unwrap_or(0);
        used.insert(index);
        let mut n = node.clone();
        let cidr = format!("10.244.{index}.0/24");
        set_path(&mut n, &["spec", "podCIDR"], json!(cidr));
        set_path(&mut n, &["spec", "podCIDRs"], json!([cidr]));
        if let Ok(updated) = s.update(ROOT, n) {
            let mut st = updated;
            let status = st["status"].as_object().cloned().unwrap_or_default();
            let has = |k: &str| {
                status
                    .get(k)
                    .is_some_and(|v| v.as_object().is_some_and(|m| !m.is_empty()))
            };
            if !has("capacity") {
                let (cpu, mem, pods) = DEFAULT_CAPACITY;
                set_path(
                    &mut st,
                    &["status", "capacity"],
                    json!({"cpu": cpu, "memory": mem, "pods": pods}),
                );
            }
            if !has("allocatable") {
                let cap = st["status"]["capacity"].clone();
                set_path(&mut st, &["status", "allocatable"], cap);
            }
            let name = object::name(&st).to_string();
            if array_at(&st, &["status", "addresses"]).is_empty() {
                set_path(
                    &mut st,
                    &["status", "addresses"],
                    json!([
                        {"type": "InternalIP", "address": format!("10.0.{}.{}", index / 250, index % 250 + 2)},
                        {"type": "Hostname", "address": name},
                    ]),
                );
            }
            if path(&st, &["status", "nodeInfo"]).is_none() {
                set_path(
                    &mut st,
                    &["status", "nodeInfo"],
                    json!({
                        "architecture": "amd64",
                        "containerRuntimeVersion": "containerd://2.1.0",
                        "kernelVersion": "6.8.0-kplane",
                        "kubeProxyVersion": "",
                        "kubeletVersion": KUBELET_VERSION,
                        "operatingSystem": "linux",
                        "osImage": "kplane simulated node",
                        "machineID": "", "systemUUID": "", "bootID": "",
                    }),
                );
            }
            if array_at(&st, &["status", "conditions"]).is_empty() {
                let cond = |t: &str, status: &str, reason: &str, message: &str| json!({"type": t, "status": status, "lastHeartbeatTime": now, "lastTransitionTime": now, "reason": reason, "message": message});
                set_path(
                    &mut st,
                    &["status", "conditions"],
                    json!([
                        cond(
                            "MemoryPressure",
                            "False",
                            "KubeletHasSufficientMemory",
                            "kubelet has sufficient memory available"
                        ),
                        cond(
                            "DiskPressure",
                            "False",
                            "KubeletHasNoDiskPressure",
                            "kubelet has no disk pressure"
                        ),
                        cond(
                            "PIDPressure",
                            "False",
                            "KubeletHasSufficientPID",
                            "kubelet has sufficient PID available"
                        ),
                        cond(
                            "Ready",
                            "True",
                            "KubeletReady",
                            "kubelet is posting ready status"
                        ),
                    ]),
                );
            }
            if let Ok(n) = s.update_status(ROOT, &st) {
                s.event(
                    ROOT,
                    &n,
                    EventType::Normal,
                    "NodeReady",
                    &format!("Node {name} status is now: NodeReady"),
                    "kubelet",
                );
            }
        }
    }
}

fn start_seconds(pod: &Value) -> f64 {
    str_at(pod, &["metadata", "annotations", START_ANNOTATION])
        .and_then(|v| v.trim_end_matches('s').parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v >= 0.0)
        .unwrap_or(DEFAULT_START_SECONDS)
}

fn run_pods(s: &mut Server) {
    let pod_info = kind("v1", "Pod");
    let node_info = kind("v1", "Node");
    let pods: Vec<Value> = s
        .list(ROOT, pod_info, None)
        .filter(|p| str_at(p, &["spec", "nodeName"]).is_some_and(|n| !n.is_empty()))
        .cloned()
        .collect();
    let now_ms = s.clock.now_ms();
    for pod in pods {
        let node_name = str_at(&pod, &["spec", "nodeName"])
            .unwrap_or("")
            .to_string();
        let Some(node) = s.get(ROOT, node_info, "", &node_name).cloned() else {
            continue;
        };
        if !node_ready(&node) {
            continue;
        }
        if object::is_terminating(&pod) {
            // Containers receive SIGTERM and exit at once (no preStop hooks are simulated).
            let _ = s.delete(
                ROOT,
                pod_info,
                object::namespace(&pod),
                object::name(&pod),
                None,
                Some(0),
            );
            continue;
        }
        let phase = str_at(&pod, &["status", "phase"]).unwrap_or("Pending");
        if phase != "Pending" {
            continue;
        }
        match str_at(&pod, &["status", "startTime"]).and_then(parse_rfc3339) {
            None => accept(s, &pod, &node),
            Some(start) => {
                let due = start + (start_seconds(&pod) * 1000.0).round() as i64;
                if now_ms >= due {
                    start_containers(s, &pod);
                } else {
                    s.timers.wake_at(due);
                }
            }
        }
    }
}

fn container_names(pod: &Value) -> Vec<(String, String)> {
    array_at(pod, &["spec", "containers"])
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or("").to_string(),
                c["image"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// The pod lands on the node: start time, host IP, containers creating.
fn accept(s: &mut Server, pod: &Value, node: &Value) {
    let now = s.clock.rfc3339();
    let mut st = pod.clone();
    let host_ip = array_at(node, &["status", "addresses"])
        .iter()
        .find(|a| a["type"] == "InternalIP")
        .and_then(|a| a["address"].as_str())
        .unwrap_or("")
        .to_string();
    set_path(&mut st, &["status", "startTime"], json!(now));
    set_path(&mut st, &["status", "hostIP"], json!(host_ip));
    set_path(&mut st, &["status", "hostIPs"], json!([{"ip": host_ip}]));
    for (t, status) in [
        ("PodReadyToStartContainers", "False"),
        ("Initialized", "True"),
        ("Ready", "False"),
        ("ContainersReady", "False"),
    ] {
        let mut c =
            json!({"type": t, "status": status, "lastProbeTime": null, "lastTransitionTime": now});
        if status == "False" && t != "PodReadyToStartContainers" {
            c["reason"] = json!("ContainersNotReady");
            c["message"] = json!(format!(
                "containers with unready status: [{}]",
                container_names(pod)
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            ));
        }
        set_condition(&mut st, c);
    }
    let statuses: Vec<Value> = container_names(pod)
        .into_iter()
        .map(|(name, image)| {
            json!({"name": name, "image": image, "imageID": "", "ready": false, "restartCount": 0, "started": false,
                   "state": {"waiting": {"reason": "ContainerCreating"}}, "lastState": {}})
        })
        .collect();
    set_path(
        &mut st,
        &["status", "containerStatuses"],
        Value::Array(statuses),
    );
    let wake = s.clock.now_ms() + (start_seconds(pod) * 1000.0).round() as i64;
    s.timers.wake_at(wake);
    let _ = s.update_status(ROOT, &st);
}

/// The next free pod IP in the node's /24 (`.1` is the gateway).
fn allocate_pod_ip(s: &Server, node: &Value) -> String {
    let cidr = str_at(node, &["spec", "podCIDR"]).unwrap_or("10.244.0.0/24");
    let prefix = cidr.rsplit_once('.').map(|(p, _)| p).unwrap_or("10.244.0");
    let name = object::name(node);
    let used: BTreeSet<u32> = s
        .list(ROOT, kind("v1", "Pod"), None)
        .filter(|p| str_at(p, &["spec", "nodeName"]) == Some(name))
        .filter_map(|p| {
            str_at(p, &["status", "podIP"])?
                .rsplit('.')
                .next()?
                .parse()
                .ok()
        })
        .collect();
    let host = (2..255).find(|h| !used.contains(h)).unwrap_or(254);
    format!("{prefix}.{host}")
}

fn start_containers(s: &mut Server, pod: &Value) {
    let now = s.clock.rfc3339();
    let node_name = str_at(pod, &["spec", "nodeName"]).unwrap_or("").to_string();
    let Some(node) = s.get(ROOT, kind("v1", "Node"), "", &node_name).cloned() else {
        return;
    };
    let ip = allocate_pod_ip(s, &node);
    let mut st = pod.clone();
    set_path(&mut st, &["status", "phase"], json!("Running"));
    set_path(&mut st, &["status", "podIP"], json!(ip));
    set_path(&mut st, &["status", "podIPs"], json!([{"ip": ip}]));
    for t in [
        "PodReadyToStartContainers",
        "Initialized",
        "Ready",
        "ContainersReady",
    ] {
        set_condition(
            &mut st,
            json!({"type": t, "status": "True", "lastProbeTime": null, "lastTransitionTime": now}),
        );
    }
    let statuses: Vec<Value> = container_names(pod)
        .into_iter()
        .enumerate()
        .map(|(i, (name, image))| {
            let image_ref = if image.contains('/') { image.clone() } else { format!("docker.io/library/{image}") };
            json!({"name": name, "image": image_ref, "imageID": "", "ready": true, "restartCount": 0, "started": true,
                   "containerID": format!("containerd://{:064x}", (object::uid(pod).len() + i) as u64 ^ s.clock.now_ms() as u64),
                   "state": {"running": {"startedAt": now}}, "lastState": {}})
        })
        .collect();
    set_path(
        &mut st,
        &["status", "containerStatuses"],
        Value::Array(statuses),
    );
    let Ok(updated) = s.update_status(ROOT, &st) else {
        return;
    };
    for (name, image) in container_names(pod) {
        s.event(
            ROOT,
            &updated,
            EventType::Normal,
            "Pulled",
            &format!("Container image \"{image}\" already present on machine"),
            "kubelet",
        );
        s.event(
            ROOT,
            &updated,
            EventType::Normal,
            "Created",
            &format!("Created container: {name}"),
            "kubelet",
        );
        s.event(
            ROOT,
            &updated,
            EventType::Normal,
            "Started",
            &format!("Started container {name}"),
            "kubelet",
        );
    }
}
