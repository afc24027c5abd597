//! NodeClaim objects as Karpenter writes them (`NodeClaimTemplate.ToNodeClaim`,
//! `nodeclaimtemplate.go`), the NodePool hash that drift compares (`NodePool.Hash`), and the
//! conditions of a NodeClaim's status.
use super::cluster::Pool;
use super::requirements::{NodeSelectorRequirement, Requirements};
use super::resources::ResourceList;
use crate::api::object::{self, path};
use crate::api::{Map, Value};
use crate::json;

/// `karpenter.sh/nodepool-hash-version`.
pub const NODEPOOL_HASH_VERSION: &str = "v3";
/// The annotation carrying it.
pub const NODEPOOL_HASH_VERSION_ANNOTATION: &str = "karpenter.sh/nodepool-hash-version";
/// `DefaultTerminationGracePeriod` is nil in v1: claims get the NodePool's value or none.
const API_VERSION: &str = "karpenter.sh/v1";

/// FNV-1a (64-bit) of a string.
fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// `NodePool.Hash`: a hash of the template fields whose change makes existing nodes drift
/// (labels, annotations, taints, startup taints, expireAfter, terminationGracePeriod,
/// nodeClassRef; requirements are compared separately). Upstream hashes the Go structs
/// with `hashstructure`; kplane hashes their JSON, so values differ but change together.
pub fn nodepool_hash(nodepool: &Value) -> String {
    let t = path(nodepool, &["spec", "template"]).unwrap_or(&Value::Null);
    let pick = |keys: &[&str]| path(t, keys).cloned().unwrap_or(Value::Null);
    let hashed = json!({
        "labels": pick(&["metadata", "labels"]),
        "annotations": pick(&["metadata", "annotations"]),
        "taints": pick(&["spec", "taints"]),
        "startupTaints": pick(&["spec", "startupTaints"]),
        "expireAfter": pick(&["spec", "expireAfter"]),
        "terminationGracePeriod": pick(&["spec", "terminationGracePeriod"]),
        "nodeClassRef": pick(&["spec", "nodeClassRef"]),
    });
    fnv(&hashed.to_string()).to_string()
}

/// The NodeClaim a NodePool launches: `generateName: <pool>-`, the template's labels plus
/// `karpenter.sh/nodepool`, the node class label and the custom labels of the requirements,
/// the template's annotations plus the NodePool hash, owned by the NodePool, with the
/// template's taints, startup taints, node class, expireAfter and terminationGracePeriod,
/// and the given requirements and requests.
pub fn to_nodeclaim(pool: &Pool, requirements: &Requirements, requests: &ResourceList) -> Value {
    let np = &pool.object;
    let spec = path(np, &["spec", "template", "spec"]).unwrap_or(&Value::Null);
    let mut labels = pool.pool.labels();
    for (k, v) in requirements.custom_labels() {
        labels.entry(k).or_insert(v);
    }
    let mut annotations: Map = Map::new();
    for (k, v) in &pool.pool.template.annotations {
        annotations.insert(k.as_str(), json!(v));
    }
    annotations.insert("karpenter.sh/nodepool-hash", json!(nodepool_hash(np)));
    annotations.insert(
        NODEPOOL_HASH_VERSION_ANNOTATION,
        json!(NODEPOOL_HASH_VERSION),
    );
    let mut claim_spec = json!({
        "requirements": requirements_value(&requirements.to_node_selector()),
        "resources": {"requests": nonzero(requests).to_value()},
        "nodeClassRef": spec.get("nodeClassRef").cloned().unwrap_or(Value::Null),
        "expireAfter": spec.get("expireAfter").cloned().unwrap_or(json!("720h")),
    });
    for k in ["taints", "startupTaints", "terminationGracePeriod"] {
        if let Some(v) = spec.get(k).filter(|v| !v.is_null()) {
            claim_spec[k] = v.clone();
        }
    }
    json!({
        "apiVersion": API_VERSION,
        "kind": "NodeClaim",
        "metadata": {
            "generateName": format!("{}-", pool.pool.name),
            "labels": labels,
            "annotations": Value::Object(annotations),
            "ownerReferences": [{
                "apiVersion": API_VERSION,
                "kind": "NodePool",
                "name": pool.pool.name,
                "uid": object::uid(np),
                "blockOwnerDeletion": true,
            }],
        },
        "spec": claim_spec,
    })
}

/// The entries of a request list that are not zero (`pods` always): a NodeClaim's requests
/// name only what its pods ask for.
fn nonzero(list: &ResourceList) -> ResourceList {
    let mut out = ResourceList::new();
    for (k, v) in list.iter() {
        if v != 0 || k == "pods" {
            out.set(k, v);
        }
    }
    out
}

/// Requirements as `spec.requirements` JSON.
pub fn requirements_value(reqs: &[NodeSelectorRequirement]) -> Value {
    Value::from(
        reqs.iter()
            .map(NodeSelectorRequirement::to_value)
            .collect::<Vec<_>>(),
    )
}

/// Sets a condition on a NodeClaim (operatorpkg `status.ConditionSet`: `lastTransitionTime`
/// moves only when `status` changes; `observedGeneration` follows the object).
pub fn set_condition(
    claim: &mut Value,
    now: &str,
    kind: &str,
    status: &str,
    reason: &str,
    message: &str,
) {
    let generation = object::i64_at(claim, &["metadata", "generation"]).unwrap_or(1);
    crate::api::condition::set_on(
        claim,
        json!({"type": kind, "status": status, "reason": reason, "message": message,
               "lastTransitionTime": now, "observedGeneration": generation}),
    );
}

/// Removes a condition.
pub fn clear_condition(claim: &mut Value, kind: &str) {
    if let Some(conds) = claim
        .get_mut("status")
        .and_then(|s| s.get_mut("conditions"))
        .and_then(Value::as_array_mut)
    {
        conds.retain(|c| c["type"] != kind);
    }
}

/// The status of condition `kind`, if present.
pub fn condition_status<'a>(claim: &'a Value, kind: &str) -> Option<&'a str> {
    crate::api::condition::get(claim, kind).and_then(|c| c["status"].as_str())
}

/// The `lastTransitionTime` of condition `kind` in ms, if present.
pub fn condition_time(claim: &Value, kind: &str) -> Option<i64> {
    crate::api::condition::get(claim, kind)
        .and_then(|c| c["lastTransitionTime"].as_str())
        .and_then(crate::sim::parse_rfc3339)
}

/// The root `Ready` condition: True when Launched, Registered and Initialized all are, else
/// Unknown with the first one that is not (operatorpkg's root condition).
pub fn set_ready(claim: &mut Value, now: &str) {
    for dep in ["Launched", "Registered", "Initialized"] {
        if condition_status(claim, dep) != Some("True") {
            let reason = crate::api::condition::get(claim, dep)
                .and_then(|c| c["reason"].as_str())
                .filter(|r| !r.is_empty())
                .unwrap_or("AwaitingReconciliation")
                .to_string();
            let message = format!(
                "{dep}={}",
                condition_status(claim, dep).unwrap_or("Unknown")
            );
            set_condition(claim, now, "Ready", "Unknown", &reason, &message);
            return;
        }
    }
    set_condition(claim, now, "Ready", "True", "Ready", "");
}
