//! Karpenter as one control loop of the runtime. Upstream Karpenter is one process whose
//! controllers (provisioner, disruption, NodeClaim lifecycle, termination, interruption,
//! NodePool status) share its cluster state; here they are one [`Controller`] whose keys say
//! which of them a change concerns:
//! - a NodeClaim key: its lifecycle, termination and interruption;
//! - a NodePool or EC2NodeClass key: its status;
//! - [`PROVISIONER`]: the provisioner's batch (pushed by provisionable pods and disrupted
//!   nodes);
//! - [`PODEVENTS`] with a NodeClaim name: a pod came, finished or went on its node;
//! - [`DISRUPTION`]: the disruption loop (pushed by any change of nodes, claims, bound pods,
//!   NodePools or PodDisruptionBudgets; it runs at most every 10 s).
use super::cluster::Cache;
use super::pods::is_provisionable;
use super::state::State;
use crate::api::object::{self, array_at, str_at};
use crate::api::Value;
use crate::cloud::provider::SPOT_INTERRUPTION_ANNOTATION;
use crate::runtime::{all_keys, Action, Controller};
use crate::server::{Server, ROOT};
use crate::store::{EventType, Key, Store, WatchEvent};

/// The pseudo-resource of the provisioner's key.
pub const PROVISIONER: &str = "karpenter.sh/provisioner";
/// The pseudo-resource of the disruption loop's key.
pub const DISRUPTION: &str = "karpenter.sh/disruption";
/// The pseudo-resource of the podevents keys.
pub const PODEVENTS: &str = "karpenter.sh/podevents";
const CLAIMS: &str = "nodeclaims.karpenter.sh";
const POOLS: &str = "nodepools.karpenter.sh";
const CLASSES: &str = "ec2nodeclasses.karpenter.k8s.aws";

/// Karpenter.
#[derive(Debug, Default)]
pub struct Karpenter {
    /// What it remembers (saved in snapshots).
    pub state: State,
    cache: Cache,
}

impl Karpenter {
    /// A Karpenter that remembers `state`.
    pub fn with_state(state: State) -> Karpenter {
        Karpenter {
            state,
            cache: Cache::default(),
        }
    }

    /// The instance type cache (for read-only passes such as `explain`).
    pub fn cache(&mut self) -> &mut Cache {
        &mut self.cache
    }
}

fn pseudo(resource: &str, name: &str) -> Key {
    Key::new(ROOT, resource, "", name)
}

fn claim_key(name: &str) -> Key {
    Key::new(ROOT, CLAIMS, "", name)
}

/// The NodeClaim that owns a Node (its owner reference, else the claim with its provider ID).
pub fn claim_of_node(store: &Store, node: &Value) -> Option<String> {
    if let Some(o) = array_at(node, &["metadata", "ownerReferences"])
        .iter()
        .find(|o| o["kind"] == "NodeClaim")
    {
        return o["name"].as_str().map(str::to_string);
    }
    let pid = str_at(node, &["spec", "providerID"]).filter(|p| !p.is_empty())?;
    store
        .list(ROOT, CLAIMS, None)
        .find(|(_, c)| str_at(c, &["status", "providerID"]) == Some(pid))
        .map(|(_, c)| object::name(c).to_string())
}

impl Controller for Karpenter {
    fn name(&self) -> &'static str {
        "karpenter"
    }
    fn manager(&self) -> &'static str {
        "karpenter"
    }
    fn watches(&self) -> &'static [&'static str] {
        &[
            "pods",
            "nodes",
            CLAIMS,
            POOLS,
            CLASSES,
            "poddisruptionbudgets.policy",
        ]
    }
    fn keys(&self, store: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        let obj = &e.object;
        // Nodes and Karpenter's kinds are the shared data plane in `root` (a workspace's own
        // CRD of the same name is not Karpenter's); pods and PDBs count in every workspace.
        if !matches!(&*e.key.resource, "pods" | "poddisruptionbudgets.policy")
            && &*e.key.workspace != ROOT
        {
            return;
        }
        match &*e.key.resource {
            "pods" => {
                if e.kind != EventType::Deleted && is_provisionable(obj) {
                    out.push(pseudo(PROVISIONER, ""));
                }
                let Some(node) = str_at(obj, &["spec", "nodeName"]).filter(|n| !n.is_empty())
                else {
                    return;
                };
                if !super::pods::is_daemon(obj) {
                    if let Some(claim) = store
                        .get(&Key::new(ROOT, "nodes", "", node))
                        .and_then(|n| claim_of_node(store, n))
                    {
                        out.push(pseudo(PODEVENTS, &claim));
                    }
                }
                out.push(pseudo(DISRUPTION, ""));
            }
            "nodes" => {
                if array_at(obj, &["spec", "taints"])
                    .iter()
                    .any(|t| t["key"] == super::apis::DISRUPTED_TAINT_KEY)
                {
                    out.push(pseudo(PROVISIONER, ""));
                }
                if let Some(c) = claim_of_node(store, obj) {
                    out.push(claim_key(&c));
                }
                out.push(pseudo(DISRUPTION, ""));
            }
            CLAIMS => {
                out.push(e.key.clone());
                if let Some(p) = object::labels(obj).get("karpenter.sh/nodepool") {
                    out.push(Key::new(ROOT, POOLS, "", p));
                }
                out.push(pseudo(DISRUPTION, ""));
            }
            POOLS => {
                out.push(e.key.clone());
                let name = object::name(obj);
                for (k, c) in store.list(ROOT, CLAIMS, None) {
                    if object::labels(c)
                        .get("karpenter.sh/nodepool")
                        .map(String::as_str)
                        == Some(name)
                    {
                        out.push(k.clone());
                    }
                }
                out.push(pseudo(DISRUPTION, ""));
            }
            CLASSES => {
                out.push(e.key.clone());
                let name = object::name(obj);
                for (k, p) in store.list(ROOT, POOLS, None) {
                    if str_at(p, &["spec", "template", "spec", "nodeClassRef", "name"])
                        == Some(name)
                    {
                        out.push(k.clone());
                    }
                }
            }
            _ => out.push(pseudo(DISRUPTION, "")),
        }
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        all_keys(store, CLASSES, out);
        all_keys(store, POOLS, out);
        all_keys(store, CLAIMS, out);
        out.push(pseudo(PROVISIONER, ""));
        out.push(pseudo(DISRUPTION, ""));
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        if &*key.workspace != ROOT {
            return Action::AwaitChange;
        }
        match &*key.resource {
            CLAIMS => {
                if let Some(a) = self.interruption_or_node_deletion(s, key) {
                    return a;
                }
                super::lifecycle::reconcile(&mut self.state, &mut self.cache, s, key)
            }
            POOLS => super::nodepool::reconcile(s, &key.name),
            CLASSES => super::nodepool::reconcile_class(s, &key.name),
            PROVISIONER => super::provisioner::reconcile(&mut self.state, &mut self.cache, s),
            PODEVENTS => {
                super::lifecycle::pod_event(s, &key.name);
                Action::AwaitChange
            }
            DISRUPTION => super::disruption::reconcile(&mut self.state, &mut self.cache, s),
            _ => Action::AwaitChange,
        }
    }
    /// Karpenter's memory (batch, nominations, disruption commands, billing, Event
    /// dedupe) is not in the store: snapshots and clones keep it.
    fn save(&self) -> Option<Value> {
        Some(crate::api::value::to_value(&self.state))
    }
    fn load(&mut self, state: Value) {
        if let Ok(s) = crate::api::value::from_value(&state) {
            self.state = s;
        }
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

impl Karpenter {
    /// A spot interruption notice on the claim's Node deletes the claim (the interruption
    /// controller); a Node deleted by someone else deletes its claim (the node termination
    /// controller). None when neither applies.
    fn interruption_or_node_deletion(&mut self, s: &mut Server, key: &Key) -> Option<Action> {
        let obj = s.store.get(key)?.clone();
        let claim = super::apis::NodeClaim::from_value(&obj).ok()?;
        if claim.deleting {
            return None;
        }
        let node = super::termination::node_of(s, &claim)?;
        if object::str_at(
            &node,
            &["metadata", "annotations", SPOT_INTERRUPTION_ANNOTATION],
        )
        .is_some()
        {
            super::termination::interrupt(&mut self.state, s, &obj, &claim);
            return Some(Action::RequeueAfter(0));
        }
        if object::is_terminating(&node) {
            let _ = s.delete(
                ROOT,
                crate::controllers::kind("karpenter.sh/v1", "NodeClaim"),
                "",
                &claim.name,
                None,
                None,
            );
            return Some(Action::RequeueAfter(0));
        }
        None
    }
}
