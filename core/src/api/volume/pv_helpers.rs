//! PV/PVC matching shared by the PV controller and the scheduler's VolumeBinding plugin
//! (kubernetes/kubernetes `staging/src/k8s.io/component-helpers/storage/volume/pv_helpers.go`:
//! `IsVolumeBoundToClaim`, `CheckAccessModes`, `CheckVolumeModeMismatches`, `FindMatchingVolume`,
//! `GetBindVolumeToClaim`; `CheckNodeAffinity` from `pkg/volume/util`).
use super::{
    access_modes, claim_class, requested_storage, volume_capacity, volume_class, volume_mode,
    ANN_BOUND_BY_CONTROLLER,
};
use crate::api::object::{self, path, set_path, str_at};
use crate::api::selector::{node_selector_matches, Selector};
use crate::api::Value;
use crate::json;
use std::collections::BTreeSet;

/// `IsVolumeBoundToClaim`: the PV's `claimRef` names the claim (and its UID, when set).
pub fn is_volume_bound_to_claim(pv: &Value, claim: &Value) -> bool {
    let Some(r) = path(pv, &["spec", "claimRef"]).filter(|r| !r.is_null()) else {
        return false;
    };
    let field = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("");
    if field("name") != object::name(claim) || field("namespace") != object::namespace(claim) {
        return false;
    }
    field("uid").is_empty() || field("uid") == object::uid(claim)
}

/// `CheckAccessModes`: the PV offers every mode the claim asks for.
pub fn check_access_modes(claim: &Value, pv: &Value) -> bool {
    let offered = access_modes(pv);
    access_modes(claim).iter().all(|m| offered.contains(m))
}

/// `CheckVolumeModeMismatches` (unset means `Filesystem` on both sides).
pub fn volume_mode_mismatch(claim: &Value, pv: &Value) -> bool {
    volume_mode(claim) != volume_mode(pv)
}

/// `CheckNodeAffinity`: the PV's required node affinity admits the node (no affinity: any).
pub fn node_affinity_matches(pv: &Value, node: &Value) -> bool {
    match path(pv, &["spec", "nodeAffinity", "required"]).filter(|r| !r.is_null()) {
        None => true,
        Some(req) => node_selector_matches(req, &object::labels(node), object::name(node)),
    }
}

/// Whether the volume has a `claimRef`.
pub(crate) fn has_claim_ref(pv: &Value) -> bool {
    path(pv, &["spec", "claimRef"]).is_some_and(|r| !r.is_null())
}

/// Whether the object is being deleted.
pub(crate) fn is_deleting(obj: &Value) -> bool {
    object::is_terminating(obj)
}

/// `FindMatchingVolume`: the index into `volumes` of the volume for `claim`: one pre-bound to
/// it if any, else the smallest available one that fits (capacity, volume mode, selector,
/// class, node affinity and — on the scheduler path, when `node` is given — access modes).
/// With `delay_binding` and no node (the PV controller on a WaitForFirstConsumer claim) only
/// pre-bound volumes are returned. `excluded` names volumes already chosen for other claims.
pub fn find_matching_volume(
    claim: &Value,
    volumes: &[Value],
    node: Option<&Value>,
    excluded: &BTreeSet<String>,
    delay_binding: bool,
) -> Option<usize> {
    let requested = requested_storage(claim);
    let class = claim_class(claim);
    let selector = path(claim, &["spec", "selector"])
        .filter(|s| !s.is_null())
        .map(|s| Selector::from_label_selector(Some(s)));
    // A selector that does not parse (validation prevents it) matches nothing.
    if matches!(selector, Some(Err(_))) {
        return None;
    }
    let mut smallest: Option<(usize, crate::api::Quantity)> = None;
    for (i, pv) in volumes.iter().enumerate() {
        if excluded.contains(object::name(pv)) {
            continue;
        }
        if has_claim_ref(pv) && !is_volume_bound_to_claim(pv, claim) {
            continue;
        }
        let capacity = volume_capacity(pv);
        if capacity < requested || volume_mode_mismatch(claim, pv) || is_deleting(pv) {
            continue;
        }
        let affinity_ok = node.is_none_or(|n| node_affinity_matches(pv, n));
        if is_volume_bound_to_claim(pv, claim) {
            // Pre-bound: this volume or, if it does not fit the node, none.
            return affinity_ok.then_some(i);
        }
        if node.is_none() && delay_binding {
            continue;
        }
        if str_at(pv, &["status", "phase"]) != Some("Available") {
            continue;
        }
        if let Some(Ok(sel)) = &selector {
            if !sel.matches(&object::labels(pv)) {
                continue;
            }
        }
        if volume_class(pv) != class || !affinity_ok {
            continue;
        }
        if node.is_some() && !check_access_modes(claim, pv) {
            continue;
        }
        if smallest.is_none_or(|(_, q)| q > capacity) {
            smallest = Some((i, capacity));
        }
    }
    smallest.map(|(i, _)| i)
}

/// An annotation of `obj`.
pub(crate) fn annotation<'a>(obj: &'a Value, key: &str) -> Option<&'a str> {
    str_at(obj, &["metadata", "annotations", key])
}

/// Sets an annotation of `obj`.
pub(crate) fn set_annotation(obj: &mut Value, key: &str, value: &str) {
    set_path(obj, &["metadata", "annotations", key], json!(value));
}

/// `reference.GetReference(claim)`, as `spec.claimRef`.
fn claim_ref(claim: &Value) -> Value {
    let mut r = json!({
        "kind": "PersistentVolumeClaim",
        "namespace": object::namespace(claim),
        "name": object::name(claim),
        "uid": object::uid(claim),
        "apiVersion": "v1",
    });
    if let Some(rv) = str_at(claim, &["metadata", "resourceVersion"]) {
        r["resourceVersion"] = json!(rv);
    }
    r
}

/// `GetBindVolumeToClaim`: the PV with `claimRef` pointing at the claim, marked
/// bound-by-controller unless it was pre-bound to it.
pub fn bind_volume_to_claim(pv: &Value, claim: &Value) -> Value {
    let mut out = pv.clone();
    let pre_bound = is_volume_bound_to_claim(pv, claim);
    let r = path(pv, &["spec", "claimRef"])
        .cloned()
        .unwrap_or(Value::Null);
    let same = |k: &str, v: &str| r.get(k).and_then(Value::as_str).unwrap_or("") == v;
    if r.is_null()
        || !same("name", object::name(claim))
        || !same("namespace", object::namespace(claim))
        || !same("uid", object::uid(claim))
    {
        set_path(&mut out, &["spec", "claimRef"], claim_ref(claim));
    }
    if !pre_bound && annotation(&out, ANN_BOUND_BY_CONTROLLER).is_none() {
        set_annotation(&mut out, ANN_BOUND_BY_CONTROLLER, "yes");
    }
    out
}
