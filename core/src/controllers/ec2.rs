//! The simulated EC2 instances behind NodeClaims: what happens on the machine after Karpenter's
//! `CreateFleet` call returned (the NodeClaim is `Launched` with a provider ID).
//!
//! - **Boot and registration**: [`eks::REGISTRATION_SECONDS`] after the launch, the
//!   instance's kubelet registers the Node (as nodeadm configures it on EKS): named by the
//!   private DNS name, labelled with the NodeClaim's labels and the instance's, tainted with the
//!   claim's taints, startup taints and `karpenter.sh/unregistered:NoExecute`, with capacity
//!   and allocatable, and `Ready=False` (the VPC CNI is not up yet: "cni plugin not
//!   initialized"). The Node carries `sim.kplane.dev/booting` until then, which keeps the
//!   node agent away.
//! - **Ready**: [`eks::READY_SECONDS`] later the CNI is up: the annotation goes, the node agent
//!   takes over and posts `Ready=True`. The agents that own the claim's startup taints
//!   (a CNI, a storage driver) are taken to start with the node: their taints go at the same
//!   moment (kplane's simplification; upstream something in the cluster removes them).
//! - **Spot interruption**: a Node annotated `sim.kplane.dev/spot-interruption: <time>` (see
//!   `ControlPlane::spot_interrupt`) is reclaimed two minutes after the notice: the machine
//!   goes away with whatever still runs on it (its pods and the Node are removed, as the pod
//!   garbage collector and the cloud node lifecycle controller would).
use super::kind;
use crate::api::object::{self, array_at, set_path, str_at};
use crate::api::Value;
use crate::cloud::catalog::{self, SPOT_INTERRUPTION_NOTICE_SECONDS};
use crate::cloud::{eks, provider};
use crate::json;
use crate::runtime::{all_keys, Action, Controller};
use crate::server::{Server, ROOT};
use crate::sim::parse_rfc3339;
use crate::store::{Key, Store, WatchEvent};

const CLAIMS: &str = "nodeclaims.karpenter.sh";
/// `Ready=False` while the CNI starts, as the kubelet of a fresh EKS node reports it.
const CNI_NOT_READY: &str = "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized";

/// The simulated EC2.
#[derive(Debug, Default)]
pub struct Ec2Controller;

fn booting(node: &Value) -> bool {
    str_at(
        node,
        &["metadata", "annotations", provider::BOOTING_ANNOTATION],
    )
    .is_some()
}

fn notice(node: &Value) -> Option<i64> {
    str_at(
        node,
        &[
            "metadata",
            "annotations",
            provider::SPOT_INTERRUPTION_ANNOTATION,
        ],
    )
    .and_then(parse_rfc3339)
}

impl Controller for Ec2Controller {
    fn name(&self) -> &'static str {
        "ec2"
    }
    fn manager(&self) -> &'static str {
        "kubelet"
    }
    fn watches(&self) -> &'static [&'static str] {
        &[CLAIMS, "nodes"]
    }
    fn keys(&self, _: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        // Nodes and NodeClaims are the shared data plane in `root`.
        if &*e.key.workspace != ROOT {
            return;
        }
        if &*e.key.resource == CLAIMS {
            if str_at(&e.object, &["status", "providerID"]).is_some() {
                out.push(e.key.clone());
            }
        } else if booting(&e.object) || notice(&e.object).is_some() {
            out.push(e.key.clone());
        }
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        all_keys(store, CLAIMS, out);
        all_keys(store, "nodes", out);
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        if &*key.workspace != ROOT {
            return Action::AwaitChange;
        }
        let Some(obj) = s.store.get(key).cloned() else {
            return Action::AwaitChange;
        };
        if &*key.resource == CLAIMS {
            register_node(s, &obj)
        } else {
            node_step(s, &obj)
        }
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// The NodeConfig of a claim's EC2NodeClass (the default when it is gone).
fn config_of(s: &Server, claim: &Value) -> eks::NodeConfig {
    str_at(claim, &["spec", "nodeClassRef", "name"])
        .and_then(|n| s.get(ROOT, kind("karpenter.k8s.aws/v1", "EC2NodeClass"), "", n))
        .and_then(|c| crate::controllers::karpenter::apis::Ec2NodeClass::from_value(c).ok())
        .map(|c| c.node_config)
        .unwrap_or_default()
}

fn condition<'a>(obj: &'a Value, kind: &str) -> Option<&'a Value> {
    array_at(obj, &["status", "conditions"])
        .iter()
        .find(|c| c["type"] == kind)
}

/// Registers the Node of a launched instance once it has booted.
fn register_node(s: &mut Server, claim: &Value) -> Action {
    let Some(pid) = str_at(claim, &["status", "providerID"]) else {
        return Action::AwaitChange;
    };
    let Some(name) = provider::node_name(pid) else {
        return Action::AwaitChange;
    };
    let Some(launched) = condition(claim, "Launched")
        .filter(|c| c["status"] == "True")
        .and_then(|c| c["lastTransitionTime"].as_str())
        .and_then(parse_rfc3339)
    else {
        return Action::AwaitChange;
    };
    let terminating =
        condition(claim, "InstanceTerminating").is_some_and(|c| c["status"] == "True");
    if terminating
        || object::is_terminating(claim)
            && condition(claim, "Registered").is_none_or(|c| c["status"] != "True")
    {
        return Action::AwaitChange;
    }
    if condition(claim, "Registered").is_some_and(|c| c["status"] == "True")
        || s.get(ROOT, kind("v1", "Node"), "", &name).is_some()
    {
        return Action::AwaitChange;
    }
    let now = s.clock.now_ms();
    let at = launched + eks::REGISTRATION_SECONDS * 1000;
    if now < at {
        return Action::RequeueAfter(at - now);
    }
    let labels = object::labels(claim);
    let Some(it) = labels
        .get("node.kubernetes.io/instance-type")
        .and_then(|t| catalog::get(t))
    else {
        return Action::AwaitChange;
    };
    let zone = labels
        .get("topology.kubernetes.io/zone")
        .cloned()
        .unwrap_or_default();
    let ct = labels
        .get("karpenter.sh/capacity-type")
        .and_then(|c| catalog::CapacityType::parse(c))
        .unwrap_or(catalog::CapacityType::OnDemand);
    let config = config_of(s, claim);
    let mut node_labels = eks::node_labels(it, &zone, ct, &config);
    for (k, v) in labels {
        node_labels.insert(k, v);
    }
    node_labels.insert("kubernetes.io/hostname".into(), name.clone());
    let mut taints: Vec<Value> = Vec::new();
    for t in array_at(claim, &["spec", "taints"])
        .iter()
        .chain(array_at(claim, &["spec", "startupTaints"]))
    {
        taints.push(t.clone());
    }
    taints.push(json!({"key": crate::controllers::karpenter::apis::UNREGISTERED_TAINT_KEY, "effect": "NoExecute"}));
    let shape = eks::node_shape(it, &config);
    let ip = provider::private_address(pid).unwrap_or_default();
    let time = s.clock.rfc3339();
    let cond = |t: &str, st: &str, reason: &str, msg: &str| json!({"type": t, "status": st, "lastHeartbeatTime": time, "lastTransitionTime": time, "reason": reason, "message": msg});
    let node = json!({
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": node_labels,
            "annotations": {
                provider::BOOTING_ANNOTATION: "true",
                "alpha.kubernetes.io/provided-node-ip": ip,
                "node.alpha.kubernetes.io/ttl": "0",
            },
        },
        "spec": {"providerID": pid, "taints": taints},
        "status": {
            "capacity": shape.capacity.to_node_value(),
            "allocatable": shape.allocatable.to_node_value(),
            "addresses": [
                {"type": "InternalIP", "address": ip},
                {"type": "InternalDNS", "address": name},
                {"type": "Hostname", "address": name},
            ],
            "conditions": [
                cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                cond("Ready", "False", "KubeletNotReady", CNI_NOT_READY),
            ],
            "nodeInfo": {
                "architecture": it.arch.as_str(),
                "operatingSystem": config.ami_family.os(),
                "osImage": provider::os_image(config.ami_family),
                "containerRuntimeVersion": "containerd://2.1.4",
                "kernelVersion": "6.12.46-66.121.amzn2023.x86_64",
                "kubeletVersion": "v1.34.0-eks-1234567",
                "kubeProxyVersion": "",
                "machineID": "", "systemUUID": "", "bootID": "",
            },
        },
    });
    match s.create(ROOT, node) {
        Ok(_) => Action::RequeueAfter(eks::READY_SECONDS * 1000),
        Err(_) => Action::Retry,
    }
}

/// A booting Node becomes ready; an interrupted spot Node is reclaimed.
fn node_step(s: &mut Server, node: &Value) -> Action {
    let now = s.clock.now_ms();
    let mut next: Option<i64> = None;
    if let Some(t) = notice(node) {
        let at = t + SPOT_INTERRUPTION_NOTICE_SECONDS * 1000;
        if now >= at {
            reclaim(s, node);
            return Action::AwaitChange;
        }
        next = Some(at);
    }
    if booting(node) {
        let created = str_at(node, &["metadata", "creationTimestamp"])
            .and_then(parse_rfc3339)
            .unwrap_or(now);
        let at = created + eks::READY_SECONDS * 1000;
        if now >= at {
            let mut n = node.clone();
            object::remove_path(
                &mut n,
                &["metadata", "annotations", provider::BOOTING_ANNOTATION],
            );
            let startup: Vec<(String, String)> = claim_of(s, node)
                .map(|c| {
                    array_at(&c, &["spec", "startupTaints"])
                        .iter()
                        .map(|t| {
                            (
                                t["key"].as_str().unwrap_or("").to_string(),
                                t["effect"].as_str().unwrap_or("").to_string(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let kept: Vec<Value> = array_at(&n, &["spec", "taints"])
                .iter()
                .filter(|t| {
                    !startup
                        .iter()
                        .any(|(k, e)| t["key"] == k.as_str() && t["effect"] == e.as_str())
                })
                .cloned()
                .collect();
            set_path(&mut n, &["spec", "taints"], Value::from(kept));
            if s.update(ROOT, n).is_err() {
                return Action::Retry;
            }
        } else {
            next = Some(next.map_or(at, |x| x.min(at)));
        }
    }
    match next {
        Some(t) => Action::RequeueAfter(t - now),
        None => Action::AwaitChange,
    }
}

/// The NodeClaim with the Node's provider ID.
fn claim_of(s: &Server, node: &Value) -> Option<Value> {
    let pid = str_at(node, &["spec", "providerID"])?;
    s.store
        .list(ROOT, CLAIMS, None)
        .find(|(_, c)| str_at(c, &["status", "providerID"]) == Some(pid))
        .map(|(_, c)| c.clone())
}

/// EC2 takes the instance back: its pods and its Node go.
fn reclaim(s: &mut Server, node: &Value) {
    let name = object::name(node).to_string();
    let pod_info = kind("v1", "Pod");
    let keys: Vec<Key> = s.store.indexes().pods_on_node(&name).cloned().collect();
    for k in keys {
        let _ = s.delete(&k.workspace, pod_info, &k.namespace, &k.name, None, Some(0));
    }
    if let Some(mut n) = s.get(ROOT, kind("v1", "Node"), "", &name).cloned() {
        if !array_at(&n, &["metadata", "finalizers"]).is_empty() {
            object::remove_path(&mut n, &["metadata", "finalizers"]);
            let _ = s.update(ROOT, n);
        }
        let _ = s.delete(ROOT, kind("v1", "Node"), "", &name, None, None);
    }
}
