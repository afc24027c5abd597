//! The provisioner (kubernetes-sigs/karpenter v1.13.0 `pkg/controllers/provisioning/`):
//! pods the scheduler marked unschedulable, and nodes tainted `karpenter.sh/disrupted`,
//! trigger a batch (`batcher.go`: it closes 1 s after the last new trigger, or 10 s after the
//! first); the batch schedules every provisionable pod plus the reschedulable pods of
//! deleting nodes ([`super::simulate`]), nominates the nodes that will take pods, records
//! `FailedScheduling` for the rest, and creates the NodeClaims (`provisioner.go`
//! `Schedule`, `CreateNodeClaims`). While provisionable pods remain, each is triggered again
//! every 10 s (the pod trigger controller's requeue).
use super::apis::DISRUPTED_TAINT_KEY;
use super::cluster::{Cache, Cluster, PodRef};
use super::nodeclaims::to_nodeclaim;
use super::pods::{is_currently_reschedulable, is_provisionable};
use super::requirements::{Operator, Requirements, NODEPOOL_LABEL};
use super::resources::ResourceList;
use super::simulate::{final_requirements, node_capacity, Base};
use super::state::{State, EVENT_DEDUPE_MS, NOMINATION_WINDOW_MS};
use crate::api::object::{self, array_at};
use crate::runtime::Action;
use crate::server::{EventType, Server, ROOT};

/// How often a pod that stays provisionable triggers the provisioner again.
pub const RETRIGGER_MS: i64 = 10_000;
/// `PodFailedToScheduleEvent`'s dedupe timeout.
const FAILED_SCHEDULING_DEDUPE_MS: i64 = 5 * 60_000;

/// The UIDs that trigger a batch now: provisionable pods and disrupted nodes.
fn triggers(s: &Server) -> Vec<String> {
    let mut out: Vec<String> = s
        .store
        .list_all("pods")
        .filter(|(_, p)| is_provisionable(p))
        .map(|(_, p)| object::uid(p).to_string())
        .collect();
    out.extend(
        s.store
            .list(ROOT, "nodes", None)
            .filter(|(_, n)| {
                array_at(n, &["spec", "taints"])
                    .iter()
                    .any(|t| t["key"] == DISRUPTED_TAINT_KEY)
            })
            .map(|(_, n)| object::uid(n).to_string()),
    );
    out
}

/// One run of the provisioner's singleton loop.
pub fn reconcile(state: &mut State, cache: &mut Cache, s: &mut Server) -> Action {
    let now = s.clock.now_ms();
    let uids = triggers(s);
    for uid in &uids {
        if !state.batch.elems.contains(uid) {
            state.batch.elems.insert(uid.clone());
            state.batch.start_ms.get_or_insert(now);
            state.batch.last_ms = now;
        }
    }
    let Some(due) = state.batch.due() else {
        return Action::AwaitChange;
    };
    if now < due {
        return Action::RequeueAfter(due - now);
    }
    state.batch = Default::default();
    provision(state, cache, s);
    if s.store.list_all("pods").any(|(_, p)| is_provisionable(p)) {
        Action::RequeueAfter(RETRIGGER_MS)
    } else {
        Action::AwaitChange
    }
}

/// `Provisioner.Schedule` and `CreateNodeClaims`.
pub fn provision(state: &mut State, cache: &mut Cache, s: &mut Server) {
    let cluster = Cluster::build(s, cache);
    let now = cluster.now_ms;
    let mut pods: Vec<PodRef> = s
        .store
        .list_all("pods")
        .filter(|(_, p)| is_provisionable(p))
        .map(|(k, p)| PodRef {
            workspace: k.workspace.to_string(),
            pod: p.clone(),
        })
        .filter(|p| !excludes_karpenter(&p.pod))
        .collect();
    let mut active = Vec::new();
    for (i, sn) in cluster.nodes.iter().enumerate() {
        let marked = sn.claim_name().is_some_and(|c| state.disruption.marked(c));
        if sn.deleting() || marked {
            pods.extend(
                sn.pods
                    .iter()
                    .filter(|p| is_currently_reschedulable(&cluster, p))
                    .cloned(),
            );
        } else {
            active.push(i);
        }
    }
    if pods.is_empty() {
        return;
    }
    // `ErrNodePoolsNotFound`: without a ready dynamic NodePool there is nothing to decide
    // (upstream logs "no dynamic nodepools found").
    if !cluster
        .pools
        .iter()
        .any(|p| p.ready() && p.pool.replicas.is_none())
    {
        return;
    }
    cache.rotate();
    let mut infos = |p: &PodRef| cache.pod_info(p);
    let results = Base::new(&cluster, &active, &mut infos).simulate(&[], pods, &mut infos);
    for (i, placed) in &results.existing {
        if placed.is_empty() {
            continue;
        }
        let sn = &cluster.nodes[*i];
        state
            .nominated
            .insert(sn.name().to_string(), now + NOMINATION_WINDOW_MS);
        let mut targets = Vec::new();
        if let Some(c) = sn.claim_name() {
            targets.push(format!("nodeclaim/{c}"));
        }
        if let Some(n) = &sn.node {
            targets.push(format!("node/{}", object::name(n)));
        }
        for &p in placed {
            nominate(state, s, &results.pods[p].pod, &targets.join(", "));
        }
    }
    for (p, err) in &results.errors {
        let pod = &results.pods[*p].pod;
        state.publish(
            s,
            &pod.pod,
            EventType::Warning,
            "FailedScheduling",
            &format!("Failed to schedule pod, {err}"),
            "",
            FAILED_SCHEDULING_DEDUPE_MS,
        );
    }
    for claim in &results.new_claims {
        let reqs = final_requirements(claim);
        let name = match create(s, &cluster, claim.pool, &reqs, &claim.requests) {
            Ok(name) => name,
            Err(_) => continue,
        };
        for &p in &claim.pods {
            nominate(state, s, &results.pods[p].pod, &format!("nodeclaim/{name}"));
        }
    }
}

/// `validateKarpenterManagedLabelCanExist`: a pod that requires `karpenter.sh/nodepool`
/// not to exist is not Karpenter's to place.
fn excludes_karpenter(pod: &crate::api::Value) -> bool {
    Requirements::from_pod_strict(pod)
        .iter()
        .any(|r| r.key == NODEPOOL_LABEL && r.operator() == Operator::DoesNotExist)
}

fn nominate(state: &mut State, s: &mut Server, pod: &PodRef, target: &str) {
    state.publish(
        s,
        &pod.pod,
        EventType::Normal,
        "Nominated",
        &format!("Pod should schedule on: {target}"),
        "",
        EVENT_DEDUPE_MS,
    );
}

/// `Provisioner.Create`: refuses when the NodePool's limits are already exceeded by its
/// nodes, else creates the NodeClaim; returns its name.
pub fn create(
    s: &mut Server,
    cluster: &Cluster,
    pool: &super::cluster::Pool,
    reqs: &Requirements,
    requests: &ResourceList,
) -> Result<String, String> {
    let mut usage = ResourceList::new();
    for sn in &cluster.nodes {
        if sn.nodepool().as_deref() == Some(pool.pool.name.as_str()) {
            usage.add(&node_capacity(sn));
        }
    }
    if let Some((name, used, limit)) = pool.pool.limits.exceeded_by(&usage) {
        return Err(format!(
            "{name} resource usage of {used} exceeds limit of {limit}"
        ));
    }
    let obj = to_nodeclaim(pool, reqs, requests);
    s.create(ROOT, obj)
        .map(|c| object::name(&c).to_string())
        .map_err(|e| e.message)
}
