//! Karpenter's scheduling simulation (kubernetes-sigs/karpenter v1.13.0
//! `provisioning/scheduling/scheduler.go` `Solve`, `queue.go`, `existingnode.go`,
//! `nodeclaim.go`), run on kube-scheduler's own filters.
//!
//! Pods are taken in Karpenter's order (CPU descending, then memory, creation time, UID); a
//! pod that fits nowhere goes to the back of the queue and is given up when the queue has
//! made no progress since. Each pod tries, in order:
//! 1. the existing nodes and in-flight NodeClaims of the cluster (initialized first, then by
//!    name): the scheduler's Filter plugins decide (`Cycle::filter` on a `Snapshot` built
//!    from the state nodes, with each node's missing DaemonSet pods reserved);
//! 2. the NodeClaims this simulation already opened, fewest pods first;
//! 3. a new NodeClaim from each NodePool, heaviest first.
//!
//! A NodeClaim being planned (2, 3) is what Karpenter's `NodeClaim.CanAdd` checks: its taints
//! are tolerated, its requirements are compatible with the pod's and narrow to their
//! intersection, and some instance type still meets the requirements, fits the pods plus the
//! DaemonSet overhead and has an available offering (`filterInstanceTypesByRequirements`).
//! It is also in the snapshot as a node of its own (labelled with its hostname and every
//! requirement narrowed to one value), so that host ports, topology spread and pod
//! (anti-)affinity are judged by the scheduler's filters; a topology key the claim has not
//! fixed yet (a zone) is pinned to the first value that passes, least-populated domain first,
//! as Karpenter's topology adds a requirement for the chosen domain.
use super::cluster::{Cluster, PodRef, Pool, StateNode};
use super::offering::{
    daemon_overhead, filter_by_requirements, is_daemon_pod_compatible, subtract_max, tolerate_all,
    tolerations_of, truncate, within_limits, InstanceType, MAX_INSTANCE_TYPES,
};
use super::requirements::{
    Operator, Requirement, Requirements, Undefined, HOSTNAME_LABEL, INSTANCE_TYPE_LABEL,
};
use super::resources::{requests_for_pods, ResourceList, NODES};
use crate::api::object::{self, str_at};
use crate::api::{Resources, Value};
use crate::scheduler::info::Unsatisfiable;
use crate::scheduler::plugins::FILTERS;
use crate::scheduler::{Config, Cycle, NodeInfo, PodInfo, Snapshot, Taint};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The filters a planned NodeClaim is judged by (its labels and resources are Karpenter's
/// business: requirements and instance types).
const PLANNED_FILTERS: [&str; 3] = ["NodePorts", "PodTopologySpread", "InterPodAffinity"];

/// One pod of the simulation.
#[derive(Debug, Clone)]
pub struct SimPod {
    /// The pod.
    pub pod: PodRef,
    info: Arc<PodInfo>,
    /// `NewPodRequirements` (the heaviest preferred node-affinity term included).
    requirements: Requirements,
    /// `NewStrictPodRequirements`.
    strict: Requirements,
    /// `RequestsForPods` of the pod alone.
    requests: ResourceList,
}

/// A NodeClaim the simulation would create (`scheduling.NodeClaim`).
#[derive(Debug, Clone)]
pub struct PlannedClaim<'c> {
    /// Its NodePool.
    pub pool: &'c Pool,
    /// Requirements: the NodePool's narrowed by every pod's.
    pub requirements: Requirements,
    /// The instance types still possible, cheapest first after [`Solve`] finishes.
    pub instance_types: Vec<&'c InstanceType>,
    /// Pods + DaemonSet overhead.
    pub requests: ResourceList,
    /// The DaemonSet overhead alone.
    pub daemon: ResourceList,
    /// The pods (indices into [`Results::pods`]).
    pub pods: Vec<usize>,
    hostname: String,
    taints: Vec<Taint>,
}

/// What the simulation decided.
#[derive(Debug, Clone)]
pub struct Results<'c> {
    /// The pods, in the order they were given.
    pub pods: Vec<SimPod>,
    /// NodeClaims to create.
    pub new_claims: Vec<PlannedClaim<'c>>,
    /// Pods placed on existing nodes or in-flight claims: (index into `Cluster::nodes`, pods).
    pub existing: Vec<(usize, Vec<usize>)>,
    /// Pods that fit nowhere, with the reason.
    pub errors: Vec<(usize, String)>,
}

impl Results<'_> {
    /// The error of pod `i`, if it did not schedule.
    pub fn error_of(&self, i: usize) -> Option<&str> {
        self.errors
            .iter()
            .find(|(p, _)| *p == i)
            .map(|(_, e)| e.as_str())
    }
}

/// What a planned claim looks like once it has taken a pod.
struct Update<'c> {
    requirements: Requirements,
    instance_types: Vec<&'c InstanceType>,
    requests: ResourceList,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// A state node (index into `Cluster::nodes`).
    Existing(usize),
    /// A planned claim (index into the planned claims).
    Planned(usize),
}

/// A NodePool ready to open claims (`NodeClaimTemplate`).
struct Template<'c> {
    pool: &'c Pool,
    requirements: Requirements,
    instance_types: Vec<&'c InstanceType>,
    daemon: ResourceList,
}

fn resources_of(list: &ResourceList) -> Resources {
    Resources::from_list(Some(&list.to_value()))
}

/// The NodePools that may open claims, heaviest first (`NewScheduler`: Ready, not static,
/// with instance types left after their requirements).
fn templates<'c>(cluster: &'c Cluster) -> Vec<Template<'c>> {
    let mut pools: Vec<&Pool> = cluster
        .pools
        .iter()
        .filter(|p| p.ready() && p.pool.replicas.is_none())
        .collect();
    pools.sort_by(|a, b| {
        b.pool
            .weight
            .cmp(&a.pool.weight)
            .then_with(|| b.pool.name.cmp(&a.pool.name))
    });
    let daemons: Vec<&Value> = cluster.daemon_pods.iter().collect();
    pools
        .into_iter()
        .filter_map(|pool| {
            let requirements = pool.pool.requirements();
            let all: Vec<&InstanceType> = pool.instance_types.iter().collect();
            let empty = ResourceList::new();
            let (its, _) =
                filter_by_requirements(&all, &requirements, &empty, &empty, &empty, false).ok()?;
            let daemon = daemon_overhead(&requirements, &pool.pool.template.taints, &daemons);
            Some(Template {
                pool,
                requirements,
                instance_types: its,
                daemon,
            })
        })
        .collect()
}

/// The snapshot's view of a state node: the Node (its taints as Karpenter counts them), or
/// for a claim without one a node made of its labels, taints and allocatable; with its pods
/// and, for each compatible DaemonSet not yet running there, its pod's requests reserved.
fn node_info(
    cluster: &Cluster,
    sn: &StateNode,
    infos: &mut dyn FnMut(&PodRef) -> Arc<PodInfo>,
) -> NodeInfo {
    let mut info = match &sn.node {
        Some(n) if sn.initialized() => NodeInfo::from_node(n),
        _ => {
            let mut labels = sn.labels().clone();
            labels
                .entry(HOSTNAME_LABEL.to_string())
                .or_insert_with(|| sn.name().to_string());
            NodeInfo {
                name: sn.name().to_string(),
                labels,
                allocatable: resources_of(&sn.allocatable(&cluster.pools)),
                ..NodeInfo::default()
            }
        }
    };
    info.taints = sn.taints();
    let mut running: Vec<&str> = Vec::new();
    for p in &sn.pods {
        if super::pods::is_terminal(&p.pod) {
            continue;
        }
        if let Some(o) = object::controller_of(&p.pod) {
            if o["kind"] == "DaemonSet" {
                running.push(o["name"].as_str().unwrap_or(""));
            }
        }
        info.add_pod(infos(p));
    }
    let node_reqs =
        Requirements::from_labels(info.labels.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    for d in &cluster.daemon_pods {
        if running.contains(&object::name(d)) {
            continue;
        }
        if !is_daemon_pod_compatible(&node_reqs, &info.taints, d) {
            continue;
        }
        let mut reserved = PodInfo::from_pod_in("", d);
        reserved.name = format!("daemonset-{}", object::name(d));
        reserved.uid = format!("reserved/{}/{}", sn.name(), object::name(d));
        reserved.labels.clear();
        info.add_pod(reserved);
    }
    info
}

/// `byCPUAndMemoryDescending`.
fn queue_order(pods: &[SimPod]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..pods.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&pods[a], &pods[b]);
        y.requests
            .value("cpu")
            .cmp(&x.requests.value("cpu"))
            .then_with(|| y.requests.value("memory").cmp(&x.requests.value("memory")))
            .then_with(|| {
                let t = |p: &SimPod| {
                    str_at(&p.pod.pod, &["metadata", "creationTimestamp"])
                        .and_then(crate::sim::parse_rfc3339)
                        .unwrap_or(0)
                };
                t(x).cmp(&t(y))
            })
            .then_with(|| object::uid(&x.pod.pod).cmp(object::uid(&y.pod.pod)))
    });
    order
}

/// Whether the pod has rules that depend on where other pods are (and so needs the
/// topology filters on a planned claim).
fn needs_topology(info: &PodInfo, snapshot: &Snapshot) -> bool {
    info.spread_constraints
        .iter()
        .any(|c| c.when_unsatisfiable == Unsatisfiable::DoNotSchedule)
        || !info.required_affinity.is_empty()
        || !info.required_anti_affinity.is_empty()
        || !info.host_ports.is_empty()
        || !snapshot.nodes_with_required_anti_affinity.is_empty()
}

/// Karpenter's rule for `kubernetes.io/hostname` spread constraints (`topologygroup.go`): the
/// smallest hostname domain counts as 0, because a new node can always be made, so a node
/// takes a pod only while its own matching pods plus this one stay within `maxSkew`. (The
/// scheduler's filter compares with the smallest existing node instead; Karpenter plans
/// with this stricter rule, on existing nodes and new ones alike.)
fn hostname_spread_ok(pod: &PodInfo, snapshot: &Snapshot, node: usize) -> bool {
    pod.spread_constraints
        .iter()
        .filter(|c| {
            c.when_unsatisfiable == Unsatisfiable::DoNotSchedule && c.topology_key == HOSTNAME_LABEL
        })
        .all(|c| {
            let counts = snapshot.match_counts(pod, &c.selector);
            let here = counts.get(node).copied().unwrap_or(0);
            let own = i64::from(!c.selector.matches_nothing && c.selector.matches(&pod.labels));
            here + own <= c.max_skew
        })
}

/// The topology keys of the pod's hard rules, hostname excepted.
fn topology_keys(info: &PodInfo) -> Vec<String> {
    let mut keys: Vec<String> = info
        .spread_constraints
        .iter()
        .filter(|c| c.when_unsatisfiable == Unsatisfiable::DoNotSchedule)
        .map(|c| c.topology_key.clone())
        .chain(
            info.required_affinity
                .iter()
                .chain(&info.required_anti_affinity)
                .map(|t| t.topology_key.clone()),
        )
        .filter(|k| k != HOSTNAME_LABEL && !k.is_empty())
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// The labels a planned claim's node shows: its hostname and every requirement narrowed to
/// one value.
fn planned_labels(reqs: &Requirements, hostname: &str) -> BTreeMap<String, String> {
    let mut labels: BTreeMap<String, String> = reqs
        .iter()
        .filter(|r| r.operator() == Operator::In && r.len() == 1)
        .filter_map(|r| Some((r.key.clone(), r.values().next()?.to_string())))
        .collect();
    labels.insert(HOSTNAME_LABEL.to_string(), hostname.to_string());
    labels
}

/// The cluster a set of simulations runs on: the scheduler's snapshot of the active state
/// nodes, built once (`SimulateScheduling` excludes candidates from it per simulation, and
/// every simulation leaves it as it found it).
pub struct Base<'c> {
    cluster: &'c Cluster,
    config: Config,
    snapshot: Snapshot,
    /// Snapshot index → state node index, for the state nodes.
    slots: Vec<Slot>,
    existing_order: Vec<usize>,
    templates: Vec<Template<'c>>,
    /// What is left of each NodePool's limits after the active state nodes.
    remaining: BTreeMap<String, ResourceList>,
}

/// One simulation's changes to the base, undone when it ends.
struct Run<'c> {
    existing_pods: BTreeMap<usize, Vec<usize>>,
    added: Vec<(usize, String)>,
    planned: Vec<PlannedClaim<'c>>,
    remaining: BTreeMap<String, ResourceList>,
    next_hostname: usize,
}

/// Whether the pod's requests fit what is left on the node (`NodeResourcesFit`'s verdict,
/// without building its reasons): the cheap test every candidate node gets first.
fn resources_fit(pod: &PodInfo, node: &NodeInfo) -> bool {
    let (a, u, r) = (&node.allocatable, &node.requested, &pod.requests);
    let scalar = |res: &Resources, k: &str| res.scalar.get(k).copied().unwrap_or(0);
    if node.pod_count.saturating_add(1) > scalar(a, "pods") {
        return false;
    }
    let over = |want: i64, have: i64, used: i64| want > 0 && want > have.saturating_sub(used);
    !(over(r.milli_cpu, a.milli_cpu, u.milli_cpu)
        || over(r.memory, a.memory, u.memory)
        || over(
            r.ephemeral_storage,
            a.ephemeral_storage,
            u.ephemeral_storage,
        )
        || r.scalar
            .iter()
            .any(|(k, v)| over(*v, scalar(a, k), scalar(u, k))))
}

impl<'c> Base<'c> {
    /// The base over the state nodes `active` (indices into `cluster.nodes`); `infos` gives
    /// each pod's scheduler view (callers cache them).
    pub fn new(
        cluster: &'c Cluster,
        active: &[usize],
        infos: &mut dyn FnMut(&PodRef) -> Arc<PodInfo>,
    ) -> Base<'c> {
        let nodes: Vec<NodeInfo> = active
            .iter()
            .map(|&i| node_info(cluster, &cluster.nodes[i], infos))
            .collect();
        let mut snapshot = Snapshot::new(nodes);
        snapshot.now_ms = cluster.now_ms;
        let mut slots = vec![Slot::Existing(0); snapshot.nodes.len()];
        for &i in active {
            if let Some(&at) = snapshot.by_name.get(cluster.nodes[i].name()) {
                slots[at] = Slot::Existing(i);
            }
        }
        let mut existing_order: Vec<usize> = (0..snapshot.nodes.len()).collect();
        let sn = |s: usize| match slots[s] {
            Slot::Existing(i) => Some(&cluster.nodes[i]),
            Slot::Planned(_) => None,
        };
        existing_order.sort_by(|&a, &b| match (sn(a), sn(b)) {
            (Some(x), Some(y)) => y
                .initialized()
                .cmp(&x.initialized())
                .then_with(|| x.name().cmp(y.name())),
            _ => a.cmp(&b),
        });
        // `NewScheduler`: what is left of each NodePool's limits after its nodes.
        let mut remaining: BTreeMap<String, ResourceList> = BTreeMap::new();
        for pool in &cluster.pools {
            if !pool.pool.limits.is_empty() {
                remaining.insert(pool.pool.name.clone(), pool.pool.limits.clone());
            }
        }
        for &i in active {
            subtract_node(&mut remaining, &cluster.nodes[i]);
        }
        Base {
            cluster,
            config: Config::default(),
            templates: templates(cluster),
            snapshot,
            slots,
            existing_order,
            remaining,
        }
    }

    /// `SimulateScheduling` / `Solve`: places `pods` on the base without the state nodes
    /// `exclude` (indices into `cluster.nodes`: their pods are among `pods`).
    pub fn simulate(
        &mut self,
        exclude: &[usize],
        pods: Vec<PodRef>,
        infos: &mut dyn FnMut(&PodRef) -> Arc<PodInfo>,
    ) -> Results<'c> {
        // Take the excluded nodes out of the snapshot: no labels (no topology domain), no
        // pods, and a taint no pod tolerates.
        let mut saved: Vec<(usize, NodeInfo)> = Vec::new();
        let mut remaining = self.remaining.clone();
        for &i in exclude {
            let sn = &self.cluster.nodes[i];
            let Some(&s) = self.snapshot.by_name.get(sn.name()) else {
                continue;
            };
            let hole = NodeInfo {
                index: s,
                name: sn.name().to_string(),
                unschedulable: true,
                taints: vec![Taint {
                    key: super::apis::DISRUPTED_TAINT_KEY.into(),
                    value: "excluded".into(),
                    effect: "NoExecute".into(),
                }],
                ..NodeInfo::default()
            };
            saved.push((s, std::mem::replace(&mut self.snapshot.nodes[s], hole)));
            add_back_node(&mut remaining, sn);
        }
        if !saved.is_empty() {
            *self.snapshot.match_counts.get_mut() = Default::default();
        }
        let mut run = Run {
            existing_pods: BTreeMap::new(),
            added: Vec::new(),
            planned: Vec::new(),
            remaining,
            next_hostname: 1,
        };
        let results = self.solve(&mut run, pods, infos);
        // Undo.
        for (s, uid) in run.added.drain(..).rev() {
            if let Some(n) = self.snapshot.nodes.get_mut(s) {
                n.remove_pod(&uid);
            }
        }
        while self.slots.len() > self.existing_order.len() {
            self.slots.pop();
            self.pop_node();
        }
        for (s, n) in saved {
            self.snapshot.nodes[s] = n;
        }
        *self.snapshot.match_counts.get_mut() = Default::default();
        results
    }

    fn solve(
        &mut self,
        run: &mut Run<'c>,
        pods: Vec<PodRef>,
        infos: &mut dyn FnMut(&PodRef) -> Arc<PodInfo>,
    ) -> Results<'c> {
        let mut sim: Vec<SimPod> = pods
            .into_iter()
            .map(|p| SimPod {
                info: infos(&p),
                requirements: Requirements::from_pod(&p.pod),
                strict: Requirements::from_pod_strict(&p.pod),
                requests: requests_for_pods([&p.pod]),
                pod: p,
            })
            .collect();
        let mut queue: std::collections::VecDeque<usize> = queue_order(&sim).into();
        let mut last_len: BTreeMap<usize, usize> = BTreeMap::new();
        let mut errors: BTreeMap<usize, String> = BTreeMap::new();
        while let Some(&p) = queue.front() {
            if last_len.get(&p) == Some(&queue.len()) {
                break;
            }
            queue.pop_front();
            match self.place(run, &sim, p) {
                Ok(()) => {
                    errors.remove(&p);
                }
                Err(e) => {
                    errors.insert(p, e);
                    queue.push_back(p);
                    last_len.insert(p, queue.len());
                }
            }
        }
        // `FinalizeScheduling` and `TruncateInstanceTypes`.
        let mut new_claims = Vec::new();
        for mut c in std::mem::take(&mut run.planned) {
            c.requirements.remove(HOSTNAME_LABEL);
            match truncate(
                c.instance_types.clone(),
                &c.requirements,
                MAX_INSTANCE_TYPES,
                false,
            ) {
                Ok(its) => {
                    c.instance_types = its;
                    new_claims.push(c);
                }
                Err(e) => {
                    for &p in &c.pods {
                        errors.insert(
                            p,
                            format!("pod didn’t schedule because NodePool couldn’t meet minValues requirements, {e}"),
                        );
                    }
                }
            }
        }
        for p in &mut sim {
            p.requirements = Requirements::new();
            p.strict = Requirements::new();
        }
        Results {
            pods: sim,
            new_claims,
            existing: std::mem::take(&mut run.existing_pods).into_iter().collect(),
            errors: errors.into_iter().collect(),
        }
    }

    /// `trySchedule`: with the pod's preferences, then (`Preferences.Relax`) without.
    fn place(&mut self, run: &mut Run<'c>, pods: &[SimPod], p: usize) -> Result<(), String> {
        match self.add(run, pods, p, false) {
            Ok(()) => Ok(()),
            Err(e) if pods[p].requirements != pods[p].strict => {
                self.add(run, pods, p, true).map_err(|_| e)
            }
            Err(e) => Err(e),
        }
    }

    /// `Scheduler.add`: existing nodes, then planned claims, then a new claim.
    fn add(
        &mut self,
        run: &mut Run<'c>,
        pods: &[SimPod],
        p: usize,
        strict: bool,
    ) -> Result<(), String> {
        let pod = &pods[p];
        let reqs = if strict {
            &pod.strict
        } else {
            &pod.requirements
        };
        // 1. Existing nodes and in-flight claims, through the scheduler's filters.
        let found = {
            let cycle = Cycle::new(&pod.info, &self.snapshot, &self.config);
            self.existing_order.iter().copied().find(|&s| {
                let node = &self.snapshot.nodes[s];
                resources_fit(&pod.info, node)
                    && hostname_spread_ok(&pod.info, &self.snapshot, s)
                    && cycle.filter(node).is_ok()
            })
        };
        if let Some(s) = found {
            let name = self.snapshot.nodes[s].name.clone();
            self.snapshot.add_pod(&name, pod.info.clone());
            run.added.push((s, pod.info.uid.clone()));
            if let Slot::Existing(i) = self.slots[s] {
                run.existing_pods.entry(i).or_default().push(p);
            }
            return Ok(());
        }
        // 2. Claims this simulation opened, fewest pods first.
        let mut order: Vec<usize> = (0..run.planned.len()).collect();
        order.sort_by_key(|&j| run.planned[j].pods.len());
        for j in order {
            if let Ok(u) = self.can_add(run, j, pod, reqs) {
                self.commit(run, j, p, pod, u);
                return Ok(());
            }
        }
        // 3. A new claim from each NodePool, heaviest first.
        if self.templates.is_empty() {
            return Err("nodepool requirements filtered out all available instance types".into());
        }
        let mut errs = Vec::new();
        for t in 0..self.templates.len() {
            let tpl = &self.templates[t];
            let name = tpl.pool.pool.name.clone();
            let its = match within_limits(&tpl.instance_types, run.remaining.get(&name)) {
                Ok(its) => its,
                Err(e) => {
                    errs.push(format!("{e} (NodePool={name})"));
                    continue;
                }
            };
            let j = self.open(run, t, its);
            match self.can_add(run, j, pod, reqs) {
                Ok(u) => {
                    self.commit(run, j, p, pod, u);
                    if let Some(left) = run.remaining.get_mut(&name) {
                        *left = subtract_max(left, &run.planned[j].instance_types);
                        if let Some(n) = left.get(NODES) {
                            left.set(NODES, n - 1);
                        }
                    }
                    return Ok(());
                }
                Err(e) => {
                    self.close_last(run);
                    errs.push(e);
                }
            }
        }
        Err(errs.join("; "))
    }

    /// Opens a claim from template `t` (its node joins the snapshot).
    fn open(&mut self, run: &mut Run<'c>, t: usize, its: Vec<&'c InstanceType>) -> usize {
        let tpl = &self.templates[t];
        let hostname = format!("hostname-placeholder-{:04}", run.next_hostname);
        run.next_hostname += 1;
        let mut requirements = tpl.requirements.clone();
        requirements.add(Requirement::new(HOSTNAME_LABEL, Operator::In, &[&hostname]));
        let claim = PlannedClaim {
            pool: tpl.pool,
            requirements,
            instance_types: its,
            requests: tpl.daemon.clone(),
            daemon: tpl.daemon.clone(),
            pods: Vec::new(),
            taints: tpl.pool.pool.template.taints.clone(),
            hostname: hostname.clone(),
        };
        let node = NodeInfo {
            index: self.snapshot.nodes.len(),
            name: hostname.clone(),
            labels: planned_labels(&claim.requirements, &hostname),
            taints: claim.taints.clone(),
            ..NodeInfo::default()
        };
        self.snapshot.nodes.push(node);
        Arc::make_mut(&mut self.snapshot.names).push(hostname.clone());
        self.snapshot.by_name.insert(hostname, self.slots.len());
        self.slots.push(Slot::Planned(run.planned.len()));
        *self.snapshot.match_counts.get_mut() = Default::default();
        run.planned.push(claim);
        run.planned.len() - 1
    }

    /// Closes the claim [`Base::open`] just opened.
    fn close_last(&mut self, run: &mut Run<'c>) {
        if run.planned.pop().is_some() {
            self.pop_node();
            self.slots.pop();
            *self.snapshot.match_counts.get_mut() = Default::default();
        }
    }

    /// Removes the snapshot's last node (a planned claim's) and every index of it.
    fn pop_node(&mut self) {
        if let Some(n) = self.snapshot.nodes.pop() {
            let i = self.snapshot.nodes.len();
            Arc::make_mut(&mut self.snapshot.names).pop();
            self.snapshot.by_name.remove(&n.name);
            self.snapshot.nodes_with_affinity.remove(&i);
            self.snapshot.nodes_with_required_anti_affinity.remove(&i);
        }
    }

    fn slot_of(&self, run: &Run<'c>, j: usize) -> usize {
        self.snapshot
            .by_name
            .get(&run.planned[j].hostname)
            .copied()
            .unwrap_or(0)
    }

    /// Relabels planned claim `j`'s node (dropping the per-pass topology caches when the
    /// labels change).
    fn relabel(&mut self, run: &Run<'c>, j: usize, labels: BTreeMap<String, String>) {
        let s = self.slot_of(run, j);
        if self.snapshot.nodes[s].labels != labels {
            self.snapshot.nodes[s].labels = labels;
            *self.snapshot.match_counts.get_mut() = Default::default();
        }
    }

    /// Whether the scheduler's filters for planned claims accept the pod on claim `j`'s node
    /// as it is labelled now.
    fn filters_pass(&self, run: &Run<'c>, j: usize, info: &PodInfo) -> Result<(), String> {
        let s = self.slot_of(run, j);
        let cycle = Cycle::new(info, &self.snapshot, &self.config);
        for f in FILTERS.iter().filter(|f| PLANNED_FILTERS.contains(&f.name)) {
            (f.run)(&cycle, &self.snapshot.nodes[s]).map_err(|u| {
                u.reasons
                    .iter()
                    .map(|r| r.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            })?;
        }
        Ok(())
    }

    /// `NodeClaim.CanAdd`.
    fn can_add(
        &mut self,
        run: &Run<'c>,
        j: usize,
        pod: &SimPod,
        pod_reqs: &Requirements,
    ) -> Result<Update<'c>, String> {
        let claim = &run.planned[j];
        tolerate_all(&claim.taints, &tolerations_of(&pod.pod.pod))?;
        let mut reqs = claim.requirements.clone();
        reqs.compatible(pod_reqs, Undefined::AllowWellKnown)
            .map_err(|e| format!("incompatible requirements, {e}"))?;
        reqs.add_all(pod_reqs);
        let hostname = claim.hostname.clone();
        let its_before = claim.instance_types.clone();
        if !hostname_spread_ok(&pod.info, &self.snapshot, self.slot_of(run, j)) {
            return Err(
                "would violate a topology spread constraint on kubernetes.io/hostname".into(),
            );
        }
        if needs_topology(&pod.info, &self.snapshot) {
            let before = self.snapshot.nodes[self.slot_of(run, j)].labels.clone();
            let result = self.pin_topology(run, j, pod, &mut reqs, &its_before, &hostname);
            self.relabel(run, j, before);
            result?;
        }
        let claim = &run.planned[j];
        let total = ResourceList::merge([&claim.requests, &pod.requests]);
        let (its, _) = filter_by_requirements(
            &claim.instance_types,
            &reqs,
            &pod.requests,
            &claim.daemon,
            &total,
            false,
        )
        .map_err(|e| e.to_string())?;
        Ok(Update {
            requirements: reqs,
            instance_types: its,
            requests: total,
        })
    }

    /// Runs the topology filters on claim `j`, pinning each topology key the claim has not
    /// fixed to a value that passes (least-populated domain first); the pinned values are
    /// added to `reqs`.
    fn pin_topology(
        &mut self,
        run: &Run<'c>,
        j: usize,
        pod: &SimPod,
        reqs: &mut Requirements,
        its: &[&InstanceType],
        hostname: &str,
    ) -> Result<(), String> {
        for key in topology_keys(&pod.info) {
            let r = reqs.get(&key).into_owned();
            if r.operator() == Operator::In && r.len() == 1 {
                continue;
            }
            let mut values: Vec<String> = its
                .iter()
                .flat_map(|it| {
                    it.requirements
                        .get(&key)
                        .values()
                        .map(str::to_string)
                        .collect::<Vec<_>>()
                })
                .filter(|v| r.has(v))
                .collect();
            values.sort();
            values.dedup();
            // Least-populated domain first for the pod's own spread constraint on the key.
            if let Some(c) = pod
                .info
                .spread_constraints
                .iter()
                .find(|c| c.topology_key == key)
            {
                self.relabel(run, j, planned_labels(reqs, hostname));
                let counts = self.snapshot.domain_counts(&pod.info, &c.selector, &key);
                values.sort_by_key(|v| counts.get(v).copied().unwrap_or(0));
            }
            let mut pinned = None;
            let mut last_err = format!("no value of {key} satisfies the pod's topology");
            for v in values {
                let mut trial = reqs.clone();
                trial.add(Requirement::new(&key, Operator::In, &[&v]));
                self.relabel(run, j, planned_labels(&trial, hostname));
                match self.filters_pass(run, j, &pod.info) {
                    Ok(()) => {
                        pinned = Some(trial);
                        break;
                    }
                    Err(e) => last_err = e,
                }
            }
            match pinned {
                Some(t) => *reqs = t,
                None => return Err(last_err),
            }
        }
        self.relabel(run, j, planned_labels(reqs, hostname));
        self.filters_pass(run, j, &pod.info)
    }

    /// `NodeClaim.Add`.
    fn commit(&mut self, run: &mut Run<'c>, j: usize, p: usize, pod: &SimPod, u: Update<'c>) {
        let hostname = run.planned[j].hostname.clone();
        self.relabel(run, j, planned_labels(&u.requirements, &hostname));
        let c = &mut run.planned[j];
        c.requirements = u.requirements;
        c.instance_types = u.instance_types;
        c.requests = u.requests;
        c.pods.push(p);
        self.snapshot.add_pod(&hostname, pod.info.clone());
    }
}

fn subtract_node(remaining: &mut BTreeMap<String, ResourceList>, sn: &StateNode) {
    let Some(pool) = sn.nodepool() else {
        return;
    };
    if let Some(left) = remaining.get_mut(&pool) {
        let mut used = node_capacity(sn);
        used.set(NODES, 1);
        *left = left.subtract(&used);
    }
}

fn add_back_node(remaining: &mut BTreeMap<String, ResourceList>, sn: &StateNode) {
    let Some(pool) = sn.nodepool() else {
        return;
    };
    if let Some(left) = remaining.get_mut(&pool) {
        let mut used = node_capacity(sn);
        used.set(NODES, 1);
        let mut back = left.clone();
        for (k, v) in used.iter() {
            if let Some(l) = left.get(k) {
                back.set(k, l.saturating_add(v));
            }
        }
        *left = back;
    }
}

/// What a state node counts against its NodePool's limits: its capacity (the claim's until
/// the Node is initialized).
pub fn node_capacity(sn: &StateNode) -> ResourceList {
    match (&sn.node, &sn.claim) {
        (Some(n), _) if sn.initialized() => {
            ResourceList::from_value_lossy(crate::api::object::path(n, &["status", "capacity"]))
        }
        (_, Some(c)) => c.claim.capacity.clone(),
        _ => ResourceList::new(),
    }
}

/// The instance type names of a planned claim (cheapest first).
pub fn instance_type_names(c: &PlannedClaim<'_>) -> Vec<&'static str> {
    c.instance_types.iter().map(|it| it.name()).collect()
}

/// `NodeClaimTemplate.ToNodeClaim`'s requirements: the claim's, with the instance types
/// (cheapest first, at most 600, the instance-type key's minValues kept) and the capacity
/// types their available offerings allow.
pub fn final_requirements(c: &PlannedClaim<'_>) -> Requirements {
    let mut reqs = c.requirements.clone();
    let min = reqs.get(INSTANCE_TYPE_LABEL).min_values;
    let mut its = c.instance_types.clone();
    super::offering::order_by_price(&mut its, &reqs);
    its.truncate(MAX_INSTANCE_TYPES);
    let names: Vec<&str> = its.iter().map(|it| it.name()).collect();
    reqs.add(Requirement::with_min_values(
        INSTANCE_TYPE_LABEL,
        Operator::In,
        min,
        &names,
    ));
    let mut cts: Vec<&str> = Vec::new();
    for it in &its {
        for o in it
            .offerings
            .iter()
            .filter(|o| o.available && o.is_compatible(&reqs))
        {
            let ct = o.capacity_type.as_str();
            if !cts.contains(&ct) {
                cts.push(ct);
            }
        }
    }
    if !cts.is_empty() {
        reqs.add(Requirement::new(
            super::requirements::CAPACITY_TYPE_LABEL,
            Operator::In,
            &cts,
        ));
    }
    reqs
}
