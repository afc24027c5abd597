//! Karpenter's view of the cluster for one pass (kubernetes-sigs/karpenter v1.13.0
//! `pkg/controllers/state/cluster.go`, `statenode.go`): the NodePools with the instance types
//! their node classes offer, one [`StateNode`] per Node or in-flight NodeClaim (paired by
//! provider ID), the pods on each, the PodDisruptionBudgets as limits, and one pod per
//! DaemonSet. Built from the store on each pass; nothing here writes.
use super::apis::{Ec2NodeClass, NodeClaim, NodePool, DO_NOT_DISRUPT_ANNOTATION};
use super::offering::{catalog_instance_types, InstanceType};
use super::requirements::{NODEPOOL_LABEL, ZONE_LABEL};
use super::resources::ResourceList;
use crate::api::object::{self, array_at, path, str_at};
use crate::api::{Selector, Value};
use crate::cloud::eks::NodeConfig;
use crate::scheduler::Taint;
use crate::server::Server;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

/// `node.kubernetes.io/not-ready`, `unreachable` and the cloud provider's `uninitialized`
/// taints: Karpenter expects them to go away on their own (`IsKnownEphemeralTaint`).
pub const KNOWN_EPHEMERAL_TAINTS: [&str; 3] = [
    "node.kubernetes.io/not-ready",
    "node.kubernetes.io/unreachable",
    "node.cloudprovider.kubernetes.io/uninitialized",
];

/// What Karpenter's passes reuse from one to the next (pure functions of their inputs, so
/// nothing here needs saving): the catalog's instance types per node configuration (building
/// them parses 88 types' requirements), and the scheduler's view of each pod revision.
#[derive(Debug, Default)]
pub struct Cache {
    types: HashMap<String, Rc<Vec<InstanceType>>>,
    pods: HashMap<String, std::sync::Arc<crate::scheduler::PodInfo>>,
    previous: HashMap<String, std::sync::Arc<crate::scheduler::PodInfo>>,
    claims: HashMap<String, Rc<NodeClaim>>,
}

impl Cache {
    /// The instance types a node class with `config` offers.
    pub fn instance_types(&mut self, config: &NodeConfig) -> Rc<Vec<InstanceType>> {
        let key = format!("{config:?}");
        self.types
            .entry(key)
            .or_insert_with(|| Rc::new(catalog_instance_types(config)))
            .clone()
    }

    /// The scheduler's view of a pod (`PodInfo`), cached per revision.
    pub fn pod_info(&mut self, p: &PodRef) -> std::sync::Arc<crate::scheduler::PodInfo> {
        let key = format!(
            "{}/{}/{}",
            p.workspace,
            object::uid(&p.pod),
            str_at(&p.pod, &["metadata", "resourceVersion"]).unwrap_or("")
        );
        if let Some(i) = self.pods.get(&key) {
            return i.clone();
        }
        let info = self.previous.remove(&key).unwrap_or_else(|| {
            std::sync::Arc::new(crate::scheduler::PodInfo::from_pod_in(&p.workspace, &p.pod))
        });
        self.pods.insert(key, info.clone());
        info
    }

    /// A NodeClaim object parsed, cached per revision (None when it does not parse).
    pub fn claim(&mut self, obj: &Value) -> Option<Rc<NodeClaim>> {
        let key = format!(
            "{}/{}",
            object::uid(obj),
            str_at(obj, &["metadata", "resourceVersion"]).unwrap_or("")
        );
        if let Some(c) = self.claims.get(&key) {
            return Some(c.clone());
        }
        let c = Rc::new(NodeClaim::from_value(obj).ok()?);
        if self.claims.len() > 20_000 {
            self.claims.clear();
        }
        self.claims.insert(key, c.clone());
        Some(c)
    }

    /// Starts a pass: pod views not used since the previous one are dropped.
    pub fn rotate(&mut self) {
        self.previous = std::mem::take(&mut self.pods);
    }
}

/// A NodePool as the pass sees it.
#[derive(Debug, Clone)]
pub struct Pool {
    /// The parsed NodePool.
    pub pool: NodePool,
    /// The object (for Events and its raw template).
    pub object: Value,
    /// Its EC2NodeClass, when it exists and is valid.
    pub node_class: Option<Ec2NodeClass>,
    /// The instance types its node class offers (all of the catalog).
    pub instance_types: Rc<Vec<InstanceType>>,
}

impl Pool {
    /// `Ready`: its node class exists (the NodePool readiness controller) and it is not
    /// being deleted.
    pub fn ready(&self) -> bool {
        self.node_class.is_some() && !object::is_terminating(&self.object)
    }

    /// The instance type named `name`, if the node class offers it.
    pub fn instance_type(&self, name: &str) -> Option<&InstanceType> {
        self.instance_types.iter().find(|it| it.name() == name)
    }
}

/// A pod and the workspace it lives in.
#[derive(Debug, Clone)]
pub struct PodRef {
    /// The workspace.
    pub workspace: String,
    /// The pod.
    pub pod: Value,
}

impl PodRef {
    /// `namespace/name`.
    pub fn key(&self) -> String {
        format!(
            "{}/{}",
            object::namespace(&self.pod),
            object::name(&self.pod)
        )
    }
}

/// A NodeClaim with its object.
#[derive(Debug, Clone)]
pub struct ClaimRef {
    /// The parsed claim.
    pub claim: Rc<NodeClaim>,
    /// The object.
    pub object: Value,
}

/// A Node, an in-flight NodeClaim, or both (`state.StateNode`).
#[derive(Debug, Clone)]
pub struct StateNode {
    /// The Node, once registered.
    pub node: Option<Value>,
    /// The NodeClaim that launched it (None: not managed by Karpenter).
    pub claim: Option<ClaimRef>,
    /// The pods bound to the node.
    pub pods: Vec<PodRef>,
    /// [`StateNode::labels`], read once.
    labels: BTreeMap<String, String>,
}

impl StateNode {
    /// A state node (its labels read once).
    pub fn new(node: Option<Value>, claim: Option<ClaimRef>, pods: Vec<PodRef>) -> StateNode {
        let mut sn = StateNode {
            node,
            claim,
            pods,
            labels: BTreeMap::new(),
        };
        sn.labels = sn.read_labels();
        sn
    }

    /// The Node's name, else the NodeClaim's.
    pub fn name(&self) -> &str {
        match (&self.node, &self.claim) {
            (Some(n), _) => object::name(n),
            (None, Some(c)) => &c.claim.name,
            _ => "",
        }
    }

    /// `kubernetes.io/hostname`, else the name.
    pub fn hostname(&self) -> String {
        self.labels()
            .get("kubernetes.io/hostname")
            .cloned()
            .unwrap_or_else(|| self.name().to_string())
    }

    /// Owned by a NodeClaim.
    pub fn managed(&self) -> bool {
        self.claim.is_some()
    }

    /// The claim's name, if managed.
    pub fn claim_name(&self) -> Option<&str> {
        self.claim.as_ref().map(|c| c.claim.name.as_str())
    }

    /// The provider ID (the claim's, else the Node's).
    pub fn provider_id(&self) -> String {
        if let Some(c) = &self.claim {
            if !c.claim.provider_id.is_empty() {
                return c.claim.provider_id.clone();
            }
        }
        self.node
            .as_ref()
            .and_then(|n| str_at(n, &["spec", "providerID"]))
            .unwrap_or("")
            .to_string()
    }

    /// `Registered`: the claim says so (unmanaged nodes always are).
    pub fn registered(&self) -> bool {
        match &self.claim {
            Some(c) => c.claim.is_true("Registered") && self.node.is_some(),
            None => self.node.is_some(),
        }
    }

    /// `Initialized`: the claim's condition (unmanaged nodes always are).
    pub fn initialized(&self) -> bool {
        match &self.claim {
            Some(c) => c.claim.is_true("Initialized") && self.node.is_some(),
            None => true,
        }
    }

    /// Being deleted (Node or NodeClaim).
    pub fn deleting(&self) -> bool {
        self.node.as_ref().is_some_and(object::is_terminating)
            || self.claim.as_ref().is_some_and(|c| c.claim.deleting)
    }

    /// The labels: the Node's once registered, else the claim's (`StateNode.Labels`).
    pub fn labels(&self) -> &BTreeMap<String, String> {
        &self.labels
    }

    fn read_labels(&self) -> BTreeMap<String, String> {
        match (&self.node, &self.claim) {
            (Some(n), Some(_)) if self.registered() => object::labels(n),
            (_, Some(c)) => c.claim.spec.labels.clone(),
            (Some(n), None) => object::labels(n),
            (None, None) => BTreeMap::new(),
        }
    }

    /// The annotations (same rule as the labels).
    pub fn annotations(&self) -> BTreeMap<String, String> {
        match (&self.node, &self.claim) {
            (Some(n), Some(_)) if self.registered() => {
                object::string_map(n, &["metadata", "annotations"])
            }
            (_, Some(c)) => c.claim.spec.annotations.clone(),
            (Some(n), None) => object::string_map(n, &["metadata", "annotations"]),
            (None, None) => BTreeMap::new(),
        }
    }

    /// `StateNode.Taints`: the claim's taints until the node is initialized, then the
    /// Node's; known ephemeral taints and the claim's startup taints are left out (they are
    /// expected to go away).
    pub fn taints(&self) -> Vec<Taint> {
        let startup: &[Taint] = self
            .claim
            .as_ref()
            .map_or(&[], |c| c.claim.spec.startup_taints.as_slice());
        let raw: Vec<Taint> = match (&self.node, &self.claim) {
            (_, Some(c)) if !self.initialized() => c.claim.spec.taints.clone(),
            (Some(n), _) => taints_of(n),
            _ => vec![],
        };
        raw.into_iter()
            .filter(|t| !KNOWN_EPHEMERAL_TAINTS.contains(&t.key.as_str()))
            .filter(|t| {
                !startup
                    .iter()
                    .any(|s| s.key == t.key && s.effect == t.effect)
            })
            .filter(|t| t.key != super::apis::UNREGISTERED_TAINT_KEY)
            .collect()
    }

    /// `Allocatable`: the Node's once initialized, else the claim's (what the cloud provider
    /// reported at launch); an unlaunched claim counts its smallest instance type option.
    pub fn allocatable(&self, pools: &[Pool]) -> ResourceList {
        if let (Some(n), true) = (&self.node, self.initialized()) {
            return ResourceList::from_value_lossy(path(n, &["status", "allocatable"]));
        }
        let Some(c) = &self.claim else {
            return ResourceList::new();
        };
        if !c.claim.allocatable.is_empty() {
            return c.claim.allocatable.clone();
        }
        let names: Vec<String> = c
            .claim
            .requirements()
            .get(super::requirements::INSTANCE_TYPE_LABEL)
            .values()
            .map(str::to_string)
            .collect();
        let pool = c
            .claim
            .nodepool()
            .and_then(|p| pools.iter().find(|x| x.pool.name == p));
        let mut min: Option<ResourceList> = None;
        for it in pool
            .into_iter()
            .flat_map(|p| p.instance_types.iter())
            .filter(|it| names.iter().any(|n| n == it.name()))
        {
            min = Some(match min {
                None => it.allocatable.clone(),
                Some(m) => min_of(&m, &it.allocatable),
            });
        }
        min.unwrap_or_default()
    }

    /// The NodePool (`karpenter.sh/nodepool`).
    pub fn nodepool(&self) -> Option<String> {
        self.labels().get(NODEPOOL_LABEL).cloned()
    }

    /// The Node's `Ready` condition is True.
    pub fn ready(&self) -> bool {
        self.node.as_ref().is_some_and(|n| {
            array_at(n, &["status", "conditions"])
                .iter()
                .any(|c| c["type"] == "Ready" && c["status"] == "True")
        })
    }

    /// The zone label.
    pub fn zone(&self) -> Option<String> {
        self.labels().get(ZONE_LABEL).cloned()
    }

    /// `karpenter.sh/do-not-disrupt: "true"` on the node (or the claim before registration).
    pub fn do_not_disrupt(&self) -> bool {
        self.annotations()
            .get(DO_NOT_DISRUPT_ANNOTATION)
            .is_some_and(|v| v == "true")
    }
}

fn min_of(a: &ResourceList, b: &ResourceList) -> ResourceList {
    let mut out = ResourceList::new();
    for (k, v) in a.iter() {
        out.set(k, v.min(b.value(k)));
    }
    out
}

/// A Node's `spec.taints`.
pub fn taints_of(node: &Value) -> Vec<Taint> {
    let s = |t: &Value, k: &str| t.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    array_at(node, &["spec", "taints"])
        .iter()
        .map(|t| Taint {
            key: s(t, "key"),
            value: s(t, "value"),
            effect: s(t, "effect"),
        })
        .collect()
}

/// One PodDisruptionBudget as a limit (`utils/pdb.pdbItem`).
#[derive(Debug, Clone)]
pub struct PdbLimit {
    /// Workspace of the budget.
    pub workspace: String,
    /// `namespace/name`.
    pub key: String,
    /// Its namespace.
    pub namespace: String,
    /// Its selector.
    pub selector: Selector,
    /// `status.disruptionsAllowed`.
    pub disruptions_allowed: i64,
    /// `maxUnavailable: 0`, `maxUnavailable: 0%` or `minAvailable: 100%`.
    pub fully_blocking: bool,
    /// `unhealthyPodEvictionPolicy: AlwaysAllow`.
    pub always_allow_unhealthy: bool,
}

/// The cluster for one pass.
#[derive(Debug)]
pub struct Cluster {
    /// The virtual time.
    pub now_ms: i64,
    /// Every NodePool, in name order.
    pub pools: Vec<Pool>,
    /// Every Node and in-flight NodeClaim, in name order.
    pub nodes: Vec<StateNode>,
    /// PodDisruptionBudgets.
    pub pdbs: Vec<PdbLimit>,
    /// One pod per DaemonSet (its template, owned by the DaemonSet).
    pub daemon_pods: Vec<Value>,
}

impl Cluster {
    /// Reads the cluster from the store.
    pub fn build(s: &Server, cache: &mut Cache) -> Cluster {
        let store = &s.store;
        let classes: BTreeMap<String, Ec2NodeClass> = store
            .list(
                crate::server::ROOT,
                "ec2nodeclasses.karpenter.k8s.aws",
                None,
            )
            .filter(|(_, v)| !object::is_terminating(v))
            .filter_map(|(_, v)| {
                Some((
                    object::name(v).to_string(),
                    Ec2NodeClass::from_value(v).ok()?,
                ))
            })
            .collect();
        let mut pools: Vec<Pool> = store
            .list(crate::server::ROOT, "nodepools.karpenter.sh", None)
            .filter_map(|(_, v)| {
                let pool = NodePool::from_value(v).ok()?;
                let node_class = (pool.template.node_class_ref.kind == "EC2NodeClass")
                    .then(|| classes.get(&pool.template.node_class_ref.name).cloned())
                    .flatten();
                let config = node_class
                    .as_ref()
                    .map(|c| c.node_config)
                    .unwrap_or_default();
                Some(Pool {
                    instance_types: cache.instance_types(&config),
                    pool,
                    object: v.clone(),
                    node_class,
                })
            })
            .collect();
        pools.sort_by(|a, b| a.pool.name.cmp(&b.pool.name));

        let mut claims_by_pid: HashMap<String, ClaimRef> = HashMap::new();
        let mut unlaunched: Vec<ClaimRef> = Vec::new();
        for (_, v) in store.list(crate::server::ROOT, "nodeclaims.karpenter.sh", None) {
            let Some(claim) = cache.claim(v) else {
                continue;
            };
            let c = ClaimRef {
                claim,
                object: v.clone(),
            };
            if c.claim.provider_id.is_empty() {
                unlaunched.push(c);
            } else {
                claims_by_pid.insert(c.claim.provider_id.clone(), c);
            }
        }
        let mut nodes: Vec<StateNode> = Vec::new();
        for (_, n) in store.list(crate::server::ROOT, "nodes", None) {
            let pid = str_at(n, &["spec", "providerID"]).unwrap_or("");
            let claim = if pid.is_empty() {
                None
            } else {
                claims_by_pid.remove(pid)
            };
            nodes.push(StateNode::new(
                Some(n.clone()),
                claim,
                pods_on(s, object::name(n)),
            ));
        }
        for c in claims_by_pid.into_values().chain(unlaunched) {
            nodes.push(StateNode::new(None, Some(c), Vec::new()));
        }
        nodes.sort_by(|a, b| a.name().cmp(b.name()));

        let pdbs = store
            .list_all("poddisruptionbudgets.policy")
            .map(|(k, b)| pdb_limit(&k.workspace, b))
            .collect();
        let daemon_pods = store
            .list_all("daemonsets.apps")
            .filter(|(_, d)| !object::is_terminating(d))
            .map(|(_, d)| daemon_pod(d))
            .collect();
        Cluster {
            now_ms: s.clock.now_ms(),
            pools,
            nodes,
            pdbs,
            daemon_pods,
        }
    }

    /// The NodePool named `name`.
    pub fn pool(&self, name: &str) -> Option<&Pool> {
        self.pools.iter().find(|p| p.pool.name == name)
    }

    /// The state node named `name` (Node name, or NodeClaim name before registration).
    pub fn node(&self, name: &str) -> Option<&StateNode> {
        self.nodes
            .iter()
            .find(|n| n.name() == name || n.claim_name() == Some(name))
    }

    /// The limits matching a pod (same workspace and namespace, selector matches).
    pub fn pdbs_for<'a>(&'a self, p: &'a PodRef) -> impl Iterator<Item = &'a PdbLimit> + 'a {
        let labels = object::labels(&p.pod);
        let ns = object::namespace(&p.pod).to_string();
        self.pdbs.iter().filter(move |b| {
            b.workspace == p.workspace && b.namespace == ns && b.selector.matches(&labels)
        })
    }
}

/// The pods bound to node `name`, in every workspace, in key order.
pub fn pods_on(s: &Server, name: &str) -> Vec<PodRef> {
    let mut keys: Vec<&crate::store::Key> = s.store.indexes().pods_on_node(name).collect();
    keys.sort();
    keys.into_iter()
        .filter_map(|k| {
            Some(PodRef {
                workspace: k.workspace.to_string(),
                pod: s.store.get(k)?.clone(),
            })
        })
        .collect()
}

fn pdb_limit(workspace: &str, b: &Value) -> PdbLimit {
    let spec = &b["spec"];
    let fully_blocking = spec.get("maxUnavailable").is_some_and(|v| {
        v.as_i64() == Some(0) || v.as_str() == Some("0%") || v.as_str() == Some("0")
    }) || spec.get("minAvailable").and_then(Value::as_str) == Some("100%");
    PdbLimit {
        workspace: workspace.to_string(),
        key: format!("{}/{}", object::namespace(b), object::name(b)),
        namespace: object::namespace(b).to_string(),
        selector: Selector::from_label_selector(spec.get("selector")).unwrap_or(Selector {
            requirements: vec![],
            matches_nothing: true,
        }),
        disruptions_allowed: object::i64_at(b, &["status", "disruptionsAllowed"]).unwrap_or(0),
        fully_blocking,
        always_allow_unhealthy: str_at(b, &["spec", "unhealthyPodEvictionPolicy"])
            == Some("AlwaysAllow"),
    }
}

/// `daemonset.PodForDaemonSet`: the DaemonSet's template as a pod it owns.
fn daemon_pod(d: &Value) -> Value {
    let mut pod = crate::json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": object::name(d),
            "namespace": object::namespace(d),
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": object::name(d), "uid": object::uid(d), "controller": true}],
        },
        "spec": path(d, &["spec", "template", "spec"]).cloned().unwrap_or(Value::object()),
    });
    if let Some(l) = path(d, &["spec", "template", "metadata", "labels"]) {
        pod["metadata"]["labels"] = l.clone();
    }
    pod
}

/// Owner kind checks (`IsOwnedByDaemonSet`, `IsOwnedByNode`, `IsOwnedByStatefulSet`).
pub fn owned_by(pod: &Value, api_version: &str, kind: &str) -> bool {
    array_at(pod, &["metadata", "ownerReferences"])
        .iter()
        .any(|o| o["apiVersion"] == api_version && o["kind"] == kind)
}
