//! The scheduler's view of the cluster (`framework.PodInfo`, `framework.NodeInfo` and the
//! cache `Snapshot`), built from the API objects once per scheduling pass and kept up to date
//! as the pass assumes pods onto nodes.
use crate::api::object::{self, array_at};
use crate::api::resources::{node_allocatable, pod_requests};
use crate::api::selector::Requirement;
use crate::api::Value;
use crate::api::{Resources, Selector};
use rustc_hash::FxHashMap as HashMap;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::plugins::volume_binding::VolumeWorld;

pub type Labels = BTreeMap<String, String>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taint {
    pub key: String,
    pub value: String,
    pub effect: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toleration {
    pub key: String,
    pub operator: String,
    pub value: String,
    pub effect: String,
}

/// A host port a container asks for (`v1.ContainerPort` with `hostPort > 0`), sanitized as
/// `HostPortInfo` does: an empty hostIP is `0.0.0.0`, an empty protocol is `TCP`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct HostPort {
    pub ip: String,
    pub protocol: String,
    pub port: i64,
}

/// `framework.AffinityTerm`: a pod (anti-)affinity term with its namespaces resolved.
#[derive(Debug, Clone)]
pub struct AffinityTerm {
    /// The workspace of the pod that owns the term: terms never match across workspaces.
    pub workspace: String,
    pub namespaces: BTreeSet<String>,
    pub selector: Selector,
    pub topology_key: String,
    /// `labels.Nothing()` when the term has no namespaceSelector.
    pub namespace_selector: Selector,
}

#[derive(Debug, Clone)]
pub struct WeightedAffinityTerm {
    pub term: AffinityTerm,
    pub weight: i64,
}

impl AffinityTerm {
    /// `AffinityTerm.Matches`: the pod is in one of the namespaces (or its namespace's labels
    /// match the namespace selector) and its labels match the selector.
    pub fn matches(&self, pod: &PodInfo, ns_labels: &Labels) -> bool {
        pod.workspace == self.workspace
            && (self.namespaces.contains(&pod.namespace)
                || self.namespace_selector.matches(ns_labels))
            && self.selector.matches(&pod.labels)
    }

    /// `newAffinityTerm`: a nil labelSelector matches nothing; no namespaces and no
    /// namespaceSelector mean the owning pod's namespace; `matchLabelKeys` and
    /// `mismatchLabelKeys` add `key in (value)` / `key notin (value)` for the owner's labels.
    fn parse(t: &Value, owner_ws: &str, owner_ns: &str, owner_labels: &Labels) -> AffinityTerm {
        let mut selector =
            Selector::from_label_selector(t.get("labelSelector")).unwrap_or(Selector {
                requirements: vec![],
                matches_nothing: true,
            });
        if !selector.matches_nothing {
            for (keys, matching) in [("matchLabelKeys", true), ("mismatchLabelKeys", false)] {
                for k in array_at(t, &[keys]).iter().filter_map(Value::as_str) {
                    if let Some(v) = owner_labels.get(k) {
                        selector.requirements.push(if matching {
                            Requirement::In(k.to_string(), vec![v.clone()])
                        } else {
                            Requirement::NotIn(k.to_string(), vec![v.clone()])
                        });
                    }
                }
            }
        }
        let mut namespaces: BTreeSet<String> = array_at(t, &["namespaces"])
            .iter()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect();
        let ns_sel = t.get("namespaceSelector").filter(|v| !v.is_null());
        if namespaces.is_empty() && ns_sel.is_none() {
            namespaces.insert(owner_ns.to_string());
        }
        let namespace_selector = Selector::from_label_selector(ns_sel).unwrap_or(Selector {
            requirements: vec![],
            matches_nothing: true,
        });
        AffinityTerm {
            workspace: owner_ws.to_string(),
            namespaces,
            selector,
            topology_key: t["topologyKey"].as_str().unwrap_or("").to_string(),
            namespace_selector,
        }
    }
}

/// `whenUnsatisfiable`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsatisfiable {
    DoNotSchedule,
    ScheduleAnyway,
}

/// A pod's `topologySpreadConstraints[]` entry, with `matchLabelKeys` merged into the selector.
#[derive(Debug, Clone)]
pub struct SpreadConstraint {
    pub max_skew: i64,
    pub topology_key: String,
    pub when_unsatisfiable: Unsatisfiable,
    pub selector: Selector,
    /// nil → 1.
    pub min_domains: i64,
    /// `nodeAffinityPolicy` (nil → Honor).
    pub honor_node_affinity: bool,
    /// `nodeTaintsPolicy` (nil → Ignore).
    pub honor_node_taints: bool,
}

impl SpreadConstraint {
    fn parse(c: &Value, labels: &Labels) -> SpreadConstraint {
        let mut selector =
            Selector::from_label_selector(c.get("labelSelector")).unwrap_or(Selector {
                requirements: vec![],
                matches_nothing: true,
            });
        for k in array_at(c, &["matchLabelKeys"])
            .iter()
            .filter_map(Value::as_str)
        {
            if let Some(v) = labels.get(k) {
                selector
                    .requirements
                    .push(Requirement::In(k.to_string(), vec![v.clone()]));
            }
        }
        SpreadConstraint {
            max_skew: c["maxSkew"].as_i64().unwrap_or(1),
            topology_key: c["topologyKey"].as_str().unwrap_or("").to_string(),
            when_unsatisfiable: if c["whenUnsatisfiable"] == "ScheduleAnyway" {
                Unsatisfiable::ScheduleAnyway
            } else {
                Unsatisfiable::DoNotSchedule
            },
            selector,
            min_domains: c["minDomains"].as_i64().unwrap_or(1),
            honor_node_affinity: c["nodeAffinityPolicy"] != "Ignore",
            honor_node_taints: c["nodeTaintsPolicy"] == "Honor",
        }
    }
}

/// The scheduler's view of a pod.
#[derive(Debug, Clone, Default)]
pub struct PodInfo {
    pub workspace: String,
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub labels: Labels,
    pub requests: Resources,
    pub non_zero_requests: Resources,
    pub tolerations: Vec<Toleration>,
    pub node_selector: Labels,
    /// `spec.affinity` (NodeAffinity reads its `nodeAffinity`).
    pub affinity: Value,
    pub required_affinity: Vec<AffinityTerm>,
    pub required_anti_affinity: Vec<AffinityTerm>,
    pub preferred_affinity: Vec<WeightedAffinityTerm>,
    pub preferred_anti_affinity: Vec<WeightedAffinityTerm>,
    pub spread_constraints: Vec<SpreadConstraint>,
    pub host_ports: Vec<HostPort>,
    /// Normalized image names of init containers, then containers.
    pub images: Vec<String>,
    pub node_name: Option<String>,
    pub priority: i64,
    /// `preemptionPolicy: Never`.
    pub preemption_never: bool,
    /// `status.nominatedNodeName`.
    pub nominated_node: Option<String>,
    /// `status.startTime` in virtual milliseconds.
    pub start_ms: Option<i64>,
    pub terminating: bool,
    /// Terminating because the scheduler preempted it (DisruptionTarget PreemptionByScheduler).
    pub preempted: bool,
    /// The controller owner (`kind`, `name`), for the default spreading selector.
    pub owner: Option<(String, String)>,
    /// The pod as stored (the volume plugins read its volumes).
    pub object: Value,
}

fn field(v: &Value, k: &str) -> String {
    v.get(k).and_then(Value::as_str).unwrap_or("").to_string()
}

/// `normalizedImageName`: an image without a tag gets `:latest`.
pub fn normalized_image_name(name: &str) -> String {
    let colon = name.rfind(':').map_or(-1, |i| i as i64);
    let slash = name.rfind('/').map_or(-1, |i| i as i64);
    if colon <= slash {
        format!("{name}:latest")
    } else {
        name.to_string()
    }
}

impl PodInfo {
    /// A pod of the root workspace.
    pub fn from_pod(pod: &Value) -> PodInfo {
        PodInfo::from_pod_in(crate::server::ROOT, pod)
    }

    pub fn from_pod_in(workspace: &str, pod: &Value) -> PodInfo {
        let spec = pod.get("spec").unwrap_or(&Value::Null);
        let labels = object::labels(pod);
        let namespace = object::namespace(pod).to_string();
        let affinity = spec.get("affinity").cloned().unwrap_or(Value::Null);
        let terms = |kind: &str, req: bool| -> Vec<Value> {
            let which = if req {
                "requiredDuringSchedulingIgnoredDuringExecution"
            } else {
                "preferredDuringSchedulingIgnoredDuringExecution"
            };
            array_at(&affinity, &[kind, which]).to_vec()
        };
        let parse = |t: &Value| AffinityTerm::parse(t, workspace, &namespace, &labels);
        let weighted = |t: &Value| WeightedAffinityTerm {
            term: parse(&t["podAffinityTerm"]),
            weight: t["weight"].as_i64().unwrap_or(0),
        };
        let containers = array_at(spec, &["containers"]);
        let init = array_at(spec, &["initContainers"]);
        let mut host_ports = Vec::new();
        for c in containers {
            for p in array_at(c, &["ports"]) {
                let port = p["hostPort"].as_i64().unwrap_or(0);
                if port > 0 {
                    let ip = field(p, "hostIP");
                    let protocol = field(p, "protocol");
                    host_ports.push(HostPort {
                        ip: if ip.is_empty() { "0.0.0.0".into() } else { ip },
                        protocol: if protocol.is_empty() {
                            "TCP".into()
                        } else {
                            protocol
                        },
                        port,
                    });
                }
            }
        }
        let owner = object::controller_of(pod).map(|o| (field(o, "kind"), field(o, "name")));
        let preempted = array_at(pod, &["status", "conditions"])
            .iter()
            .any(|c| c["type"] == "DisruptionTarget" && c["reason"] == "PreemptionByScheduler");
        PodInfo {
            workspace: workspace.to_string(),
            name: object::name(pod).to_string(),
            uid: object::uid(pod).to_string(),
            requests: pod_requests(pod, false),
            non_zero_requests: pod_requests(pod, true),
            tolerations: array_at(spec, &["tolerations"])
                .iter()
                .map(|t| Toleration {
                    key: field(t, "key"),
                    operator: field(t, "operator"),
                    value: field(t, "value"),
                    effect: field(t, "effect"),
                })
                .collect(),
            node_selector: object::string_map(spec, &["nodeSelector"]),
            required_affinity: terms("podAffinity", true).iter().map(parse).collect(),
            required_anti_affinity: terms("podAntiAffinity", true).iter().map(parse).collect(),
            preferred_affinity: terms("podAffinity", false).iter().map(weighted).collect(),
            preferred_anti_affinity: terms("podAntiAffinity", false)
                .iter()
                .map(weighted)
                .collect(),
            spread_constraints: array_at(spec, &["topologySpreadConstraints"])
                .iter()
                .map(|c| SpreadConstraint::parse(c, &labels))
                .collect(),
            host_ports,
            images: init
                .iter()
                .chain(containers)
                .map(|c| normalized_image_name(c["image"].as_str().unwrap_or("")))
                .collect(),
            node_name: None,
            priority: spec.get("priority").and_then(Value::as_i64).unwrap_or(0),
            preemption_never: spec["preemptionPolicy"] == "Never",
            nominated_node: object::str_at(pod, &["status", "nominatedNodeName"])
                .filter(|n| !n.is_empty())
                .map(String::from),
            start_ms: object::str_at(pod, &["status", "startTime"])
                .and_then(crate::sim::parse_rfc3339),
            terminating: object::is_terminating(pod),
            preempted,
            owner,
            affinity,
            labels,
            namespace,
            object: pod.clone(),
        }
    }

    pub fn has_affinity_terms(&self) -> bool {
        !self.required_affinity.is_empty()
            || !self.required_anti_affinity.is_empty()
            || !self.preferred_affinity.is_empty()
            || !self.preferred_anti_affinity.is_empty()
    }

    /// `namespace/name`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }
}

/// The scheduler's view of a node (`framework.NodeInfo`).
#[derive(Debug, Clone, Default)]
pub struct NodeInfo {
    /// Position in the snapshot (set by [`Snapshot::new`]).
    pub index: usize,
    pub name: String,
    pub labels: Labels,
    pub taints: Vec<Taint>,
    pub unschedulable: bool,
    pub allocatable: Resources,
    pub requested: Resources,
    pub non_zero_requested: Resources,
    pub pod_count: i64,
    /// The pods assigned to the node (running, pending on the node or terminating).
    pub pods: Vec<Arc<PodInfo>>,
    /// How many of `pods` have any pod (anti-)affinity term / a required anti-affinity term.
    pub pods_with_affinity: usize,
    pub pods_with_required_anti_affinity: usize,
    pub used_ports: Vec<HostPort>,
    /// `status.images`: every name of every image → its size in bytes.
    pub images: HashMap<String, i64>,
    /// The Node as stored (the volume plugins match PV node affinity against it).
    pub object: Value,
}

impl NodeInfo {
    pub fn from_node(node: &Value) -> NodeInfo {
        let mut images = HashMap::default();
        for img in array_at(node, &["status", "images"]) {
            let size = img["sizeBytes"].as_i64().unwrap_or(0);
            for n in array_at(img, &["names"]).iter().filter_map(Value::as_str) {
                images.insert(n.to_string(), size);
            }
        }
        NodeInfo {
            name: object::name(node).to_string(),
            labels: object::labels(node),
            taints: array_at(node, &["spec", "taints"])
                .iter()
                .map(|t| Taint {
                    key: field(t, "key"),
                    value: field(t, "value"),
                    effect: field(t, "effect"),
                })
                .collect(),
            unschedulable: node["spec"]["unschedulable"] == true,
            allocatable: node_allocatable(node),
            images,
            object: node.clone(),
            ..Default::default()
        }
    }

    pub fn add_pod(&mut self, pod: impl Into<Arc<PodInfo>>) {
        let pod: Arc<PodInfo> = pod.into();
        self.requested.add(&pod.requests);
        self.non_zero_requested.add(&pod.non_zero_requests);
        self.pod_count += 1;
        self.used_ports.extend(pod.host_ports.iter().cloned());
        if pod.has_affinity_terms() {
            self.pods_with_affinity += 1;
        }
        if !pod.required_anti_affinity.is_empty() {
            self.pods_with_required_anti_affinity += 1;
        }
        self.pods.push(pod);
    }

    /// Takes a pod off the node (`NodeInfo.RemovePod`).
    pub fn remove_pod(&mut self, uid: &str) -> Option<Arc<PodInfo>> {
        let i = self.pods.iter().position(|p| p.uid == uid)?;
        let pod = self.pods.remove(i);
        self.requested.sub(&pod.requests);
        self.non_zero_requested.sub(&pod.non_zero_requests);
        self.pod_count -= 1;
        for hp in &pod.host_ports {
            if let Some(j) = self.used_ports.iter().position(|u| u == hp) {
                self.used_ports.remove(j);
            }
        }
        if pod.has_affinity_terms() {
            self.pods_with_affinity -= 1;
        }
        if !pod.required_anti_affinity.is_empty() {
            self.pods_with_required_anti_affinity -= 1;
        }
        Some(pod)
    }
}

/// A default-spreading selector source: a Service's selector or a controller's selector.
#[derive(Debug, Clone, Default)]
pub struct Workloads {
    /// (workspace, namespace) → the non-empty selectors of its Services.
    pub services: HashMap<(String, String), Vec<Labels>>,
    /// (workspace, namespace, kind, name) → `spec.selector` of a ReplicaSet, StatefulSet or
    /// ReplicationController.
    pub controllers: HashMap<(String, String, String, String), Value>,
}

/// Matching pods per node for one (workspace, namespace, selector), as
/// `countPodsMatchSelector` counts them (terminating pods skipped).
#[derive(Debug, Clone)]
pub struct MatchCounts {
    pub workspace: String,
    pub namespace: String,
    pub selector: Selector,
    pub per_node: std::rc::Rc<Vec<i64>>,
    /// Topology key → value → Σ `per_node` over every node with that value (nodes without
    /// the key under ""), computed on first use.
    pub domains: HashMap<String, HashMap<String, i64>>,
}

impl MatchCounts {
    fn counts(&self, pod: &PodInfo) -> bool {
        !pod.terminating
            && pod.namespace == self.namespace
            && pod.workspace == self.workspace
            && self.selector.matches(&pod.labels)
    }
}

/// The scheduler cache's snapshot for one pass: nodes in `nodeTree` order.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// Per-pass cache of [`MatchCounts`] (topology spreading), kept current by `add_pod`.
    pub match_counts: std::cell::RefCell<HashMap<String, MatchCounts>>,
    pub nodes: Vec<NodeInfo>,
    /// The node names by index, shared with the attempts' records.
    pub names: std::sync::Arc<Vec<String>>,
    pub by_name: HashMap<String, usize>,
    /// workspace → namespace → labels (with `kubernetes.io/metadata.name`).
    pub namespaces: HashMap<String, BTreeMap<String, Labels>>,
    pub workloads: Workloads,
    /// image name → how many nodes have it.
    pub image_nodes: HashMap<String, i64>,
    /// Pods nominated to a node (by index) by an earlier preemption, not bound yet.
    pub nominated: HashMap<usize, Vec<PodInfo>>,
    /// PodDisruptionBudgets (preemption prefers not to violate them).
    pub pdbs: Vec<crate::scheduler::plugins::default_preemption::Pdb>,
    /// The pass's virtual time (the start time of pods that have none).
    pub now_ms: i64,
    /// Nodes (indices) holding a pod with any pod (anti-)affinity term
    /// (`HavePodsWithAffinityList`), and with a required anti-affinity term
    /// (`HavePodsWithRequiredAntiAffinityList`).
    pub nodes_with_affinity: BTreeSet<usize>,
    pub nodes_with_required_anti_affinity: BTreeSet<usize>,
    /// The storage objects the volume plugins read.
    pub storage: Storage,
}

/// The scheduler's storage listers: claims per workspace, and the shared data plane's
/// PersistentVolumes, StorageClasses and CSINodes.
#[derive(Debug, Clone, Default)]
pub struct Storage {
    pub claims: HashMap<String, Vec<Value>>,
    pub volumes: Vec<Value>,
    pub classes: Vec<Value>,
    pub csi_nodes: Vec<Value>,
}

impl Storage {
    /// What the volume plugins see for a pod of `workspace`.
    pub fn world(&self, workspace: &str) -> VolumeWorld<'_> {
        VolumeWorld {
            claims: self.claims.get(workspace).map_or(&[], Vec::as_slice),
            volumes: &self.volumes,
            classes: &self.classes,
            csi_nodes: &self.csi_nodes,
        }
    }
}

impl Snapshot {
    /// Orders nodes as `nodeTree.list()` does: zones interleaved round-robin (a zone is
    /// region + zone label), each zone's nodes in name order, zones in order of first appearance.
    pub fn new(mut nodes: Vec<NodeInfo>) -> Snapshot {
        nodes.sort_by(|a, b| a.name.cmp(&b.name));
        let mut zones: Vec<(String, Vec<NodeInfo>)> = Vec::new();
        for n in nodes {
            let region = n
                .labels
                .get("topology.kubernetes.io/region")
                .cloned()
                .unwrap_or_default();
            let zone = n
                .labels
                .get("topology.kubernetes.io/zone")
                .cloned()
                .unwrap_or_default();
            let key = format!("{region}:\x00:{zone}");
            match zones.iter_mut().find(|(k, _)| *k == key) {
                Some((_, v)) => v.push(n),
                None => zones.push((key, vec![n])),
            }
        }
        let total: usize = zones.iter().map(|(_, v)| v.len()).sum();
        let mut iters: Vec<std::vec::IntoIter<NodeInfo>> =
            zones.into_iter().map(|(_, v)| v.into_iter()).collect();
        let mut ordered = Vec::with_capacity(total);
        while ordered.len() < total {
            for it in iters.iter_mut() {
                if let Some(n) = it.next() {
                    ordered.push(n);
                }
            }
        }
        let mut image_nodes: HashMap<String, i64> = HashMap::default();
        let mut nodes_with_affinity = BTreeSet::new();
        let mut nodes_with_required_anti_affinity = BTreeSet::new();
        for (i, n) in ordered.iter_mut().enumerate() {
            n.index = i;
            if n.pods_with_affinity > 0 {
                nodes_with_affinity.insert(i);
            }
            if n.pods_with_required_anti_affinity > 0 {
                nodes_with_required_anti_affinity.insert(i);
            }
        }
        for n in &ordered {
            for name in n.images.keys() {
                *image_nodes.entry(name.clone()).or_default() += 1;
            }
        }
        let by_name = ordered
            .iter()
            .enumerate()
            .map(|(i, n)| (n.name.clone(), i))
            .collect();
        Snapshot {
            names: std::sync::Arc::new(ordered.iter().map(|n| n.name.clone()).collect()),
            nodes: ordered,
            nodes_with_affinity,
            nodes_with_required_anti_affinity,
            by_name,
            image_nodes,
            ..Default::default()
        }
    }

    /// Records a nomination (replacing the pod's earlier one).
    pub fn nominate(&mut self, node: &str, pod: PodInfo) {
        self.remove_nominated(&pod.uid);
        if let Some(&i) = self.by_name.get(node) {
            self.nominated.entry(i).or_default().push(pod);
        }
    }

    pub fn remove_nominated(&mut self, uid: &str) {
        for v in self.nominated.values_mut() {
            v.retain(|p| p.uid != uid);
        }
    }

    /// Pods nominated to the node that the pod must leave room for (priority ≥ its own).
    pub fn nominated_for<'a>(
        &'a self,
        node: usize,
        pod: &'a PodInfo,
    ) -> impl Iterator<Item = &'a PodInfo> + 'a {
        self.nominated
            .get(&node)
            .into_iter()
            .flatten()
            .filter(move |p| p.priority >= pod.priority && p.uid != pod.uid)
    }

    pub fn add_pod(&mut self, node: &str, pod: impl Into<Arc<PodInfo>>) {
        let pod: Arc<PodInfo> = pod.into();
        self.remove_nominated(&pod.uid);
        if let Some(&i) = self.by_name.get(node) {
            if pod.has_affinity_terms() {
                self.nodes_with_affinity.insert(i);
            }
            if !pod.required_anti_affinity.is_empty() {
                self.nodes_with_required_anti_affinity.insert(i);
            }
            let labels = &self.nodes[i].labels;
            for m in self.match_counts.get_mut().values_mut() {
                if m.counts(&pod) {
                    std::rc::Rc::make_mut(&mut m.per_node)[i] += 1;
                    for (key, values) in m.domains.iter_mut() {
                        let v = labels.get(key).map_or("", String::as_str);
                        match values.get_mut(v) {
                            Some(c) => *c += 1,
                            None => {
                                values.insert(v.to_string(), 1);
                            }
                        }
                    }
                }
            }
            self.nodes[i].add_pod(pod);
        }
    }

    /// The pods in `pod`'s namespace matching `selector`, per node (cached for the pass).
    /// An empty selector counts nothing.
    pub fn match_counts(&self, pod: &PodInfo, selector: &Selector) -> std::rc::Rc<Vec<i64>> {
        if selector.matches_nothing || selector.requirements.is_empty() {
            return std::rc::Rc::new(vec![0; self.nodes.len()]);
        }
        let key = format!("{}\x00{}\x00{:?}", pod.workspace, pod.namespace, selector);
        if let Some(m) = self.match_counts.borrow().get(&key) {
            return m.per_node.clone();
        }
        let mut m = MatchCounts {
            workspace: pod.workspace.clone(),
            namespace: pod.namespace.clone(),
            selector: selector.clone(),
            per_node: Default::default(),
            domains: HashMap::default(),
        };
        m.per_node = std::rc::Rc::new(
            self.nodes
                .iter()
                .map(|n| n.pods.iter().filter(|p| m.counts(p)).count() as i64)
                .collect(),
        );
        let out = m.per_node.clone();
        self.match_counts.borrow_mut().insert(key, m);
        out
    }

    /// Matching pods per value of `key`, summed over every node (nodes without the key under
    /// ""); cached and kept current like [`Snapshot::match_counts`].
    pub fn domain_counts(
        &self,
        pod: &PodInfo,
        selector: &Selector,
        key: &str,
    ) -> HashMap<String, i64> {
        let per_node = self.match_counts(pod, selector);
        let cache_key = format!("{}\x00{}\x00{:?}", pod.workspace, pod.namespace, selector);
        let mut cache = self.match_counts.borrow_mut();
        let Some(m) = cache.get_mut(&cache_key) else {
            // An empty selector counts nothing (and is not cached).
            return HashMap::default();
        };
        m.domains
            .entry(key.to_string())
            .or_insert_with(|| {
                let mut out: HashMap<String, i64> = HashMap::default();
                for n in &self.nodes {
                    let v = n.labels.get(key).map_or("", String::as_str);
                    *out.entry(v.to_string()).or_default() += per_node[n.index];
                }
                out
            })
            .clone()
    }

    pub fn namespace_labels(&self, workspace: &str, namespace: &str) -> Labels {
        self.namespaces
            .get(workspace)
            .and_then(|m| m.get(namespace))
            .cloned()
            .unwrap_or_else(|| {
                [(
                    "kubernetes.io/metadata.name".to_string(),
                    namespace.to_string(),
                )]
                .into()
            })
    }

    /// The namespaces of a workspace whose labels match `selector`.
    pub fn namespaces_matching(&self, workspace: &str, selector: &Selector) -> Vec<String> {
        self.namespaces
            .get(workspace)
            .into_iter()
            .flatten()
            .filter(|(_, l)| selector.matches(l))
            .map(|(n, _)| n.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn image_names_are_normalized() {
        assert_eq!(normalized_image_name("nginx"), "nginx:latest");
        assert_eq!(normalized_image_name("nginx:1.27"), "nginx:1.27");
        assert_eq!(
            normalized_image_name("localhost:5000/app"),
            "localhost:5000/app:latest"
        );
    }

    #[test]
    fn node_tree_interleaves_zones() {
        let node = |name: &str, zone: &str| {
            NodeInfo::from_node(
                &json!({"metadata": {"name": name, "labels": {"topology.kubernetes.io/zone": zone}}}),
            )
        };
        let s = Snapshot::new(vec![
            node("a1", "a"),
            node("a2", "a"),
            node("a3", "a"),
            node("b1", "b"),
            node("c1", "c"),
            node("c2", "c"),
        ]);
        let names: Vec<&str> = s.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["a1", "b1", "c1", "a2", "c2", "a3"]);
    }

    #[test]
    fn affinity_terms_default_to_the_pods_namespace() {
        let pod = PodInfo::from_pod(
            &json!({"metadata": {"name": "p", "namespace": "ns1", "labels": {"app": "x"}},
            "spec": {"affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                {"labelSelector": {"matchLabels": {"app": "x"}}, "topologyKey": "kubernetes.io/hostname", "matchLabelKeys": ["app"]}
            ]}}}}),
        );
        let t = &pod.required_anti_affinity[0];
        assert_eq!(t.namespaces, BTreeSet::from(["ns1".to_string()]));
        assert!(t.matches(&pod, &Labels::new()));
        let mut other = pod.clone();
        other.namespace = "ns2".into();
        assert!(!t.matches(&other, &Labels::new()));
    }
}
