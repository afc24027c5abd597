//! The NodeClaim lifecycle (kubernetes-sigs/karpenter v1.13.0 `pkg/controllers/nodeclaim/`):
//! `lifecycle/launch.go` (the cloud provider launches an instance: karpenter-provider-aws
//! `Create` → [`super::offering::launch`]), `registration.go` (the Node with the claim's
//! provider ID appears: labels, taints, finalizer and owner reference synced, the
//! `karpenter.sh/unregistered` taint removed), `initialization.go` (Ready, startup and
//! ephemeral taints gone, requested resources registered), `liveness.go` (15 minutes to
//! register), `expiration/controller.go` (`expireAfter`), `disruption/drift.go` (NodePool
//! hash and requirements) and `disruption/consolidation.go` (`Consolidatable` once
//! `consolidateAfter` has passed since the last pod event), and `podevents/controller.go`.
use super::apis::{
    NodeClaim, NodePool, INITIALIZED_LABEL, REGISTERED_LABEL, TERMINATION_FINALIZER,
    UNREGISTERED_TAINT_KEY,
};
use super::cluster::{taints_of, Cache, KNOWN_EPHEMERAL_TAINTS};
use super::nodeclaims::{
    clear_condition, condition_status, condition_time, nodepool_hash, set_condition, set_ready,
    NODEPOOL_HASH_VERSION, NODEPOOL_HASH_VERSION_ANNOTATION,
};
use super::offering::{self, InstanceType};
use super::requirements::{Operator, Requirements, Undefined, INSTANCE_TYPE_LABEL};
use super::resources::ResourceList;
use super::state::{Running, State, EVENT_DEDUPE_MS};
use crate::api::object::{self, array_at, path, set_path, str_at};
use crate::api::Value;
use crate::cloud::{eks, provider};
use crate::controllers::kind;
use crate::json;
use crate::runtime::Action;
use crate::server::{EventType, Server, ROOT};
use crate::store::Key;
use std::collections::BTreeSet;

/// `registrationTimeout` (`liveness.go`).
pub const REGISTRATION_TIMEOUT_MS: i64 = 15 * 60 * 1000;
/// The podevents controller's `dedupeTimeout`.
pub const POD_EVENT_DEDUPE_MS: i64 = 5_000;
/// `karpenter.sh/nodepool-hash`.
pub const NODEPOOL_HASH_ANNOTATION: &str = "karpenter.sh/nodepool-hash";

fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The NodePool (parsed) and its node configuration, for a claim.
pub fn pool_of(s: &Server, claim: &NodeClaim) -> Option<(NodePool, Value, eks::NodeConfig, bool)> {
    let name = claim.nodepool()?;
    let obj = s
        .get(ROOT, kind("karpenter.sh/v1", "NodePool"), "", name)?
        .clone();
    let pool = NodePool::from_value(&obj).ok()?;
    let class = s
        .get(
            ROOT,
            kind("karpenter.k8s.aws/v1", "EC2NodeClass"),
            "",
            &claim.spec.node_class_ref.name,
        )
        .and_then(|c| super::apis::Ec2NodeClass::from_value(c).ok());
    let found = class.is_some();
    let config = class.map(|c| c.node_config).unwrap_or_default();
    Some((pool, obj, config, found))
}

/// One pass over a NodeClaim that is not being deleted.
pub fn reconcile(state: &mut State, cache: &mut Cache, s: &mut Server, key: &Key) -> Action {
    let Some(mut obj) = s.store.get(key).cloned() else {
        return Action::AwaitChange;
    };
    let Ok(claim) = NodeClaim::from_value(&obj) else {
        return Action::AwaitChange;
    };
    if claim.deleting {
        return super::termination::finalize(state, s, &obj, &claim);
    }
    // The termination finalizer goes on first (`lifecycle/controller.go`).
    if !array_at(&obj, &["metadata", "finalizers"])
        .iter()
        .any(|f| f == TERMINATION_FINALIZER)
    {
        let mut fins = array_at(&obj, &["metadata", "finalizers"]).to_vec();
        fins.push(json!(TERMINATION_FINALIZER));
        set_path(&mut obj, &["metadata", "finalizers"], Value::from(fins));
        match s.update(ROOT, obj) {
            Ok(o) => obj = o,
            Err(_) => return Action::Retry,
        }
    }
    let now_ms = s.clock.now_ms();
    let now = s.clock.rfc3339();
    let before = obj.clone();
    let mut soonest: Option<i64> = None;
    let mut note = |t: i64| soonest = Some(soonest.map_or(t, |s: i64| s.min(t)));

    // Launch.
    if condition_status(&obj, "Launched") != Some("True") {
        let created = claim.created_ms.unwrap_or(now_ms);
        let at = created + eks::LAUNCH_SECONDS * 1000;
        if now_ms < at {
            for c in ["Launched", "Registered", "Initialized"] {
                if condition_status(&obj, c).is_none() {
                    set_condition(
                        &mut obj,
                        &now,
                        c,
                        "Unknown",
                        "AwaitingReconciliation",
                        "object is awaiting reconciliation",
                    );
                }
            }
            set_ready(&mut obj, &now);
            if obj != before {
                let _ = s.update_status(ROOT, &obj);
            }
            return Action::RequeueAfter(at - now_ms);
        }
        match launch(state, cache, s, &obj, &claim) {
            Ok(launched) => obj = launched,
            Err(LaunchError::Capacity(e)) => {
                state.publish(
                    s,
                    &obj,
                    EventType::Warning,
                    "InsufficientCapacityError",
                    &format!("NodeClaim {} event: {e}", claim.name),
                    "",
                    EVENT_DEDUPE_MS,
                );
                let _ = s.delete(
                    ROOT,
                    kind("karpenter.sh/v1", "NodeClaim"),
                    "",
                    &claim.name,
                    None,
                    None,
                );
                return Action::AwaitChange;
            }
            Err(LaunchError::NodeClassNotReady) => {
                let _ = s.delete(
                    ROOT,
                    kind("karpenter.sh/v1", "NodeClaim"),
                    "",
                    &claim.name,
                    None,
                    None,
                );
                return Action::AwaitChange;
            }
        }
    }
    let claim = NodeClaim::from_value(&obj).unwrap_or(claim);
    let launched_at = condition_time(&obj, "Launched").unwrap_or(now_ms);

    // Registration.
    let node_name = provider::node_name(&claim.provider_id).unwrap_or_default();
    let node = s
        .get(ROOT, kind("v1", "Node"), "", &node_name)
        .filter(|n| str_at(n, &["spec", "providerID"]) == Some(claim.provider_id.as_str()))
        .cloned();
    if condition_status(&obj, "Registered") != Some("True") {
        match &node {
            None => {
                set_condition(
                    &mut obj,
                    &now,
                    "Registered",
                    "Unknown",
                    "NodeNotFound",
                    "Node not registered with cluster",
                );
                set_condition(
                    &mut obj,
                    &now,
                    "Initialized",
                    "Unknown",
                    "NodeNotFound",
                    "Node not registered with cluster",
                );
                let deadline = launched_at + REGISTRATION_TIMEOUT_MS;
                if now_ms >= deadline {
                    let _ = s.delete(
                        ROOT,
                        kind("karpenter.sh/v1", "NodeClaim"),
                        "",
                        &claim.name,
                        None,
                        None,
                    );
                    return Action::AwaitChange;
                }
                note(deadline);
            }
            Some(n) => {
                if register(s, &claim, &obj, n).is_err() {
                    return Action::Retry;
                }
                set_condition(&mut obj, &now, "Registered", "True", "Registered", "");
                set_path(&mut obj, &["status", "nodeName"], json!(node_name));
            }
        }
    }
    let node = s
        .get(ROOT, kind("v1", "Node"), "", &node_name)
        .filter(|n| str_at(n, &["spec", "providerID"]) == Some(claim.provider_id.as_str()))
        .cloned();

    // Initialization.
    if condition_status(&obj, "Registered") == Some("True")
        && condition_status(&obj, "Initialized") != Some("True")
    {
        if let Some(n) = &node {
            match initialization_blocker(n, &claim) {
                Some((reason, message)) => {
                    set_condition(&mut obj, &now, "Initialized", "Unknown", reason, &message);
                }
                None => {
                    if object::labels(n).get(INITIALIZED_LABEL).map(String::as_str) != Some("true")
                    {
                        let mut updated = n.clone();
                        set_path(
                            &mut updated,
                            &["metadata", "labels", INITIALIZED_LABEL],
                            json!("true"),
                        );
                        if s.update(ROOT, updated).is_err() {
                            return Action::Retry;
                        }
                    }
                    set_condition(&mut obj, &now, "Initialized", "True", "Initialized", "");
                }
            }
        }
    }
    set_ready(&mut obj, &now);

    let pool = pool_of(s, &claim);
    // Drift.
    if condition_status(&obj, "Launched") == Some("True") {
        match pool
            .as_ref()
            .and_then(|(p, o, _, _)| drift_reason(p, o, &obj))
        {
            Some(reason) => set_condition(&mut obj, &now, "Drifted", "True", reason, reason),
            None => clear_condition(&mut obj, "Drifted"),
        }
    }
    // Consolidatable.
    if let Some((p, _, _, _)) = &pool {
        match (
            p.disruption.consolidate_after_ns,
            condition_time(&obj, "Initialized"),
        ) {
            (Some(after_ns), Some(init))
                if condition_status(&obj, "Initialized") == Some("True") =>
            {
                let from = claim.last_pod_event_ms.unwrap_or(init);
                let at = from.saturating_add(after_ns / 1_000_000);
                if now_ms < at {
                    clear_condition(&mut obj, "Consolidatable");
                    note(at);
                } else {
                    set_condition(
                        &mut obj,
                        &now,
                        "Consolidatable",
                        "True",
                        "Consolidatable",
                        "",
                    );
                }
            }
            _ => clear_condition(&mut obj, "Consolidatable"),
        }
    }
    if obj != before && s.update_status(ROOT, &obj).is_err() {
        return Action::Retry;
    }
    // Expiration.
    if let (Some(ns), Some(created)) = (claim.spec.expire_after_ns, claim.created_ms) {
        let at = created.saturating_add(ns / 1_000_000);
        if now_ms >= at {
            let _ = s.delete(
                ROOT,
                kind("karpenter.sh/v1", "NodeClaim"),
                "",
                &claim.name,
                None,
                None,
            );
            return Action::AwaitChange;
        }
        note(at);
    }
    match soonest {
        Some(t) => Action::RequeueAfter((t - now_ms).max(0)),
        None => Action::AwaitChange,
    }
}

/// Why a launch failed.
enum LaunchError {
    /// No offering can take it (`InsufficientCapacityError`).
    Capacity(String),
    /// The NodePool or its EC2NodeClass is gone.
    NodeClassNotReady,
}

/// `Launch`: karpenter-provider-aws `Create` on the simulated EC2, then
/// `PopulateNodeClaimDetails`.
fn launch(
    state: &mut State,
    cache: &mut Cache,
    s: &mut Server,
    obj: &Value,
    claim: &NodeClaim,
) -> Result<Value, LaunchError> {
    let Some((_, _, config, true)) = pool_of(s, claim) else {
        return Err(LaunchError::NodeClassNotReady);
    };
    let all = cache.instance_types(&config);
    let reqs = claim.requirements();
    let allowed = reqs.get(INSTANCE_TYPE_LABEL);
    let its: Vec<&InstanceType> = all.iter().filter(|it| allowed.has(it.name())).collect();
    let l = offering::launch(&its, &reqs, &claim.requests, fnv(&claim.uid))
        .map_err(LaunchError::Capacity)?;
    // An instance ID whose private address no other node or instance has.
    let taken: BTreeSet<String> = s
        .store
        .list(ROOT, "nodeclaims.karpenter.sh", None)
        .filter_map(|(_, c)| provider::node_name(str_at(c, &["status", "providerID"])?))
        .chain(
            s.store
                .list(ROOT, "nodes", None)
                .map(|(_, n)| object::name(n).to_string()),
        )
        .collect();
    let provider_id = loop {
        let id = provider::instance_id(s.rng.next_u64());
        let pid = provider::provider_id(l.zone, &id);
        if provider::node_name(&pid).is_some_and(|n| !taken.contains(&n)) {
            break pid;
        }
    };
    let shape = eks::node_shape(l.instance_type, &config);
    let mut out = obj.clone();
    let mut labels = eks::node_labels(l.instance_type, l.zone, l.capacity_type, &config);
    for r in reqs.iter() {
        if r.operator() == Operator::In && r.len() == 1 {
            if let Some(v) = r.values().next() {
                labels.insert(r.key.clone(), v.to_string());
            }
        }
    }
    for (k, v) in object::labels(obj) {
        labels.insert(k, v);
    }
    set_path(&mut out, &["metadata", "labels"], json!(labels));
    let out = s
        .update(ROOT, out)
        .map_err(|_| LaunchError::NodeClassNotReady)?;
    let mut out = out;
    let family = config.ami_family;
    let arm = l.instance_type.arch == crate::cloud::catalog::Arch::Arm64;
    set_path(&mut out, &["status", "providerID"], json!(provider_id));
    set_path(
        &mut out,
        &["status", "imageID"],
        json!(provider::image_id(family, arm)),
    );
    set_path(
        &mut out,
        &["status", "capacity"],
        shape.capacity.to_karpenter_value(),
    );
    set_path(
        &mut out,
        &["status", "allocatable"],
        shape.allocatable.to_karpenter_value(),
    );
    let now = s.clock.rfc3339();
    set_condition(&mut out, &now, "Launched", "True", "Launched", "");
    state.billing.start(
        &claim.name,
        Running {
            nodepool: claim.nodepool().unwrap_or("").to_string(),
            capacity_type: l.capacity_type.as_str().to_string(),
            instance_type: l.instance_type.name.to_string(),
            zone: l.zone.to_string(),
            price: l.price,
            since_ms: s.clock.now_ms(),
        },
    );
    Ok(out)
}

/// `Registration.syncNode` and the registration proper: the termination finalizer, an owner
/// reference to the claim, the claim's taints and startup taints, its labels and annotations,
/// `karpenter.sh/registered`, and no `karpenter.sh/unregistered` taint.
fn register(s: &mut Server, claim: &NodeClaim, claim_obj: &Value, node: &Value) -> Result<(), ()> {
    let mut n = node.clone();
    let mut fins = array_at(&n, &["metadata", "finalizers"]).to_vec();
    if !fins.iter().any(|f| f == TERMINATION_FINALIZER) {
        fins.push(json!(TERMINATION_FINALIZER));
        set_path(&mut n, &["metadata", "finalizers"], Value::from(fins));
    }
    let mut owners = array_at(&n, &["metadata", "ownerReferences"]).to_vec();
    if !owners.iter().any(|o| o["uid"] == claim.uid.as_str()) {
        owners.push(json!({"apiVersion": "karpenter.sh/v1", "kind": "NodeClaim", "name": claim.name, "uid": claim.uid, "blockOwnerDeletion": true}));
        set_path(
            &mut n,
            &["metadata", "ownerReferences"],
            Value::from(owners),
        );
    }
    let mut taints: Vec<Value> = array_at(&n, &["spec", "taints"])
        .iter()
        .filter(|t| t["key"] != UNREGISTERED_TAINT_KEY)
        .cloned()
        .collect();
    for t in claim.spec.taints.iter().chain(&claim.spec.startup_taints) {
        if !taints
            .iter()
            .any(|x| x["key"] == t.key.as_str() && x["effect"] == t.effect.as_str())
        {
            let mut v = json!({"key": t.key, "effect": t.effect});
            if !t.value.is_empty() {
                v["value"] = json!(t.value);
            }
            taints.push(v);
        }
    }
    set_path(&mut n, &["spec", "taints"], Value::from(taints));
    for (k, v) in object::string_map(claim_obj, &["metadata", "annotations"]) {
        set_path(&mut n, &["metadata", "annotations", &k], json!(v));
    }
    for (k, v) in object::labels(claim_obj) {
        set_path(&mut n, &["metadata", "labels", &k], json!(v));
    }
    set_path(
        &mut n,
        &["metadata", "labels", REGISTERED_LABEL],
        json!("true"),
    );
    if n == *node {
        return Ok(());
    }
    s.update(ROOT, n).map(|_| ()).map_err(|_| ())
}

/// What keeps a registered NodeClaim from `Initialized` (`initialization.go`), as the
/// condition's reason and message.
fn initialization_blocker(node: &Value, claim: &NodeClaim) -> Option<(&'static str, String)> {
    let ready = array_at(node, &["status", "conditions"])
        .iter()
        .any(|c| c["type"] == "Ready" && c["status"] == "True");
    if !ready {
        return Some(("NodeNotReady", "Node status is NotReady".into()));
    }
    let taints = taints_of(node);
    let fmt = |t: &crate::scheduler::Taint| {
        if t.value.is_empty() {
            format!("{}:{}", t.key, t.effect)
        } else {
            format!("{}={}:{}", t.key, t.value, t.effect)
        }
    };
    for st in &claim.spec.startup_taints {
        if let Some(t) = taints
            .iter()
            .find(|t| t.key == st.key && t.effect == st.effect)
        {
            return Some((
                "StartupTaintsExist",
                format!("StartupTaint {:?} still exists", fmt(t)),
            ));
        }
    }
    if let Some(t) = taints
        .iter()
        .find(|t| KNOWN_EPHEMERAL_TAINTS.contains(&t.key.as_str()))
    {
        return Some((
            "KnownEphemeralTaintsExist",
            format!("KnownEphemeralTaint {:?} still exists", fmt(t)),
        ));
    }
    let alloc = ResourceList::from_value_lossy(path(node, &["status", "allocatable"]));
    for (name, v) in claim.requests.iter() {
        if v != 0 && alloc.value(name) == 0 {
            return Some((
                "ResourceNotRegistered",
                format!("Resource {name:?} was requested but not registered"),
            ));
        }
    }
    None
}

/// `isDrifted`: the NodePool's static fields changed (`NodePoolDrifted`), or the claim's
/// labels no longer meet its requirements (`RequirementsDrifted`).
fn drift_reason(pool: &NodePool, pool_obj: &Value, claim: &Value) -> Option<&'static str> {
    let ann = |o: &Value, k: &str| str_at(o, &["metadata", "annotations", k]).map(str::to_string);
    if let (Some(ph), Some(pv), Some(ch), Some(cv)) = (
        ann(pool_obj, NODEPOOL_HASH_ANNOTATION),
        ann(pool_obj, NODEPOOL_HASH_VERSION_ANNOTATION),
        ann(claim, NODEPOOL_HASH_ANNOTATION),
        ann(claim, NODEPOOL_HASH_VERSION_ANNOTATION),
    ) {
        if pv == cv && ph != ch {
            return Some("NodePoolDrifted");
        }
    }
    let labels = object::labels(claim);
    let have = Requirements::from_labels(labels.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let want = Requirements::from_node_selector(&pool.template.requirements);
    if have.compatible(&want, Undefined::Deny).is_err() {
        return Some("RequirementsDrifted");
    }
    None
}

/// The NodePool hash controller (`nodepool/hash/controller.go`): keeps
/// `karpenter.sh/nodepool-hash` and its version on the NodePool.
pub fn hash_nodepool(s: &mut Server, pool: &Value) -> Option<Value> {
    let hash = nodepool_hash(pool);
    let ann = |k: &str| str_at(pool, &["metadata", "annotations", k]);
    if ann(NODEPOOL_HASH_ANNOTATION) == Some(hash.as_str())
        && ann(NODEPOOL_HASH_VERSION_ANNOTATION) == Some(NODEPOOL_HASH_VERSION)
    {
        return Some(pool.clone());
    }
    let mut p = pool.clone();
    set_path(
        &mut p,
        &["metadata", "annotations", NODEPOOL_HASH_ANNOTATION],
        json!(hash),
    );
    set_path(
        &mut p,
        &["metadata", "annotations", NODEPOOL_HASH_VERSION_ANNOTATION],
        json!(NODEPOOL_HASH_VERSION),
    );
    s.update(ROOT, p).ok()
}

/// The podevents controller: a pod bound to, finishing on or leaving a claim's node moves
/// the claim's `status.lastPodEventTime` (at most every 5 s).
pub fn pod_event(s: &mut Server, claim_name: &str) {
    let info = kind("karpenter.sh/v1", "NodeClaim");
    let Some(mut claim) = s.get(ROOT, info, "", claim_name).cloned() else {
        return;
    };
    if object::is_terminating(&claim) {
        return;
    }
    let now = s.clock.now_ms();
    let last = str_at(&claim, &["status", "lastPodEventTime"]).and_then(crate::sim::parse_rfc3339);
    if last.is_some_and(|t| now - t < POD_EVENT_DEDUPE_MS) {
        return;
    }
    set_path(
        &mut claim,
        &["status", "lastPodEventTime"],
        json!(s.clock.rfc3339()),
    );
    let _ = s.update_status(ROOT, &claim);
}
