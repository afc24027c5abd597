//! VolumeBinding (pkg/scheduler/framework/plugins/volumebinding: `volume_binding.go`,
//! `binder.go`): PreFilter sorts the pod's claims (an unbound immediate claim makes the pod
//! unschedulable everywhere), Filter finds PVs to bind or a class to provision in the node's
//! topology, PreBind pre-binds the PVs and annotates the claims to provision with the chosen
//! node (`volume.kubernetes.io/selected-node`). The functions are pure over the stored objects
//! ([`VolumeWorld`]); [`pre_filter`] and [`filter`] are the plugin's extension points.
use super::{FilterResult, Reason, Unfit};
use crate::api::object::{self, array_at, set_path, str_at};
use crate::api::selector::topology_terms_match;
use crate::api::volume::pv_helpers::{
    bind_volume_to_claim, find_matching_volume, node_affinity_matches,
};
use crate::api::volume::{
    claim_class, find_claim, find_class, find_volume, is_claim_fully_bound, pod_claims,
    requested_storage, ANN_SELECTED_NODE, NO_PROVISIONER,
};
use crate::api::Value;
use crate::json;
use crate::scheduler::cycle::Cycle;
use crate::scheduler::NodeInfo;
use std::collections::BTreeSet;

/// VolumeBinding: an immediate claim is still unbound (PreFilter).
pub const ERR_UNBOUND_IMMEDIATE: &str = "pod has unbound immediate PersistentVolumeClaims";
/// VolumeBinding: no available PV matches and none can be provisioned on the node.
pub const ERR_BIND_CONFLICT: &str = "node(s) didn't find available persistent volumes to bind";
/// VolumeBinding: a bound PV's node affinity excludes the node.
pub const ERR_NODE_CONFLICT: &str = "node(s) had volume node affinity conflict";
/// VolumeBinding: storage capacity tracking says the node's pools are too small.
pub const ERR_NOT_ENOUGH_SPACE: &str = "node(s) did not have enough free storage";
/// VolumeBinding: a claim is bound to a PV that does not exist.
pub const ERR_PV_NOT_EXIST: &str =
    "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)";
/// The storage objects the volume plugins read: the claims of the pod's workspace and the
/// shared data plane's volumes, classes and `CSINode`s.
#[derive(Debug, Clone, Copy)]
pub struct VolumeWorld<'a> {
    pub claims: &'a [Value],
    pub volumes: &'a [Value],
    pub classes: &'a [Value],
    /// `CSINode` objects (named after their nodes).
    pub csi_nodes: &'a [Value],
}

/// What VolumeBinding's PreFilter left in the cycle state: the pod's sorted claims (`None`:
/// Skip, the pod uses no claim).
#[derive(Debug, Clone, Default)]
pub struct PreFilterState {
    pub claims: Option<PodClaims>,
}

/// The PreFilter extension point: rejects the pod for every node when a claim is unbound
/// and immediate, missing, lost or being deleted.
pub fn pre_filter(c: &mut Cycle<'_>) {
    let world = c.snapshot.storage.world(&c.pod.workspace);
    match volume_binding_pre_filter(&world, &c.pod.object) {
        Ok(claims) => c.volume_binding = PreFilterState { claims },
        Err(unfit) => c.reject(unfit),
    }
}

/// The Filter extension point.
pub fn filter(c: &Cycle<'_>, node: &NodeInfo) -> FilterResult {
    let Some(claims) = &c.volume_binding.claims else {
        return Ok(());
    };
    let world = c.snapshot.storage.world(&c.pod.workspace);
    volume_binding_filter(&world, claims, &node.object).map(|_| ())
}

/// Whether every claim the pod uses is bound (`checkBindings` after PreBind: the binding
/// cycle may bind the pod). `Err` when binding can no longer complete, with upstream's text:
/// a claim to provision lost its selected node (the provisioner gave up and asked for
/// rescheduling) or went away.
pub fn bindings_complete(world: &VolumeWorld<'_>, pod: &Value, node: &str) -> Result<bool, String> {
    let ns = object::namespace(pod);
    let mut done = true;
    for pc in pod_claims(pod) {
        let Some(claim) = find_claim(world.claims, ns, &pc.claim) else {
            return Err(format!(
                "failed to get pvc {ns}/{}: persistentvolumeclaim {:?} not found",
                pc.claim, pc.claim
            ));
        };
        if is_claim_fully_bound(claim) {
            continue;
        }
        done = false;
        let delayed = crate::api::volume::is_delay_binding(claim, world.classes);
        let volume_name = str_at(claim, &["spec", "volumeName"]).unwrap_or("");
        if delayed && volume_name.is_empty() {
            match str_at(claim, &["metadata", "annotations", ANN_SELECTED_NODE]) {
                Some(n) if n == node => {}
                Some(_) | None => {
                    // A statically matched claim has no selected node: its PV was pre-bound.
                    let prebound = world.volumes.iter().any(|v| {
                        crate::api::volume::pv_helpers::is_volume_bound_to_claim(v, claim)
                    });
                    if !prebound {
                        return Err(format!(
                            "selectedNode annotation reset for PVC {:?}",
                            pc.claim
                        ));
                    }
                }
            }
        }
    }
    Ok(done)
}

fn unresolvable(reason: impl Into<Reason>) -> Unfit {
    Unfit::unresolvable(reason)
}

/// The claims of a pod as VolumeBinding's PreFilter sorts them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PodClaims {
    /// Fully bound claims.
    pub bound: Vec<Value>,
    /// Unbound claims of WaitForFirstConsumer classes (to bind or provision on the node).
    pub delayed: Vec<Value>,
}

/// VolumeBinding PreFilter (`podHasPVCs` + `GetPodVolumeClaims`): `Ok(None)` when the pod
/// uses no claim (Skip); an unbound immediate claim, or a missing, lost or deleting claim, makes
/// the pod unschedulable on every node.
pub fn volume_binding_pre_filter(
    world: &VolumeWorld<'_>,
    pod: &Value,
) -> Result<Option<PodClaims>, Unfit> {
    let ns = object::namespace(pod);
    let used = pod_claims(pod);
    if used.is_empty() {
        return Ok(None);
    }
    let mut out = PodClaims::default();
    let mut immediate = false;
    for pc in &used {
        let Some(claim) = find_claim(world.claims, ns, &pc.claim) else {
            return Err(unresolvable(if pc.ephemeral {
                format!("waiting for ephemeral volume controller to create the persistentvolumeclaim {:?}", pc.claim)
            } else {
                format!("persistentvolumeclaim {:?} not found", pc.claim)
            }));
        };
        if str_at(claim, &["status", "phase"]) == Some("Lost") {
            return Err(unresolvable(format!(
                "persistentvolumeclaim {:?} bound to non-existent persistentvolume {:?}",
                pc.claim,
                str_at(claim, &["spec", "volumeName"]).unwrap_or("")
            )));
        }
        if object::is_terminating(claim) {
            return Err(unresolvable(format!(
                "persistentvolumeclaim {:?} is being deleted",
                pc.claim
            )));
        }
        if pc.ephemeral && !owned_by(claim, pod) {
            return Err(unresolvable(format!(
                "PVC {}/{} was not created for pod {}/{} (pod is not owner)",
                ns,
                pc.claim,
                ns,
                object::name(pod)
            )));
        }
        if is_claim_fully_bound(claim) {
            out.bound.push(claim.clone());
        } else if crate::api::volume::is_delay_binding(claim, world.classes)
            && str_at(claim, &["spec", "volumeName"]).is_none_or(str::is_empty)
        {
            out.delayed.push(claim.clone());
        } else {
            immediate = true;
        }
    }
    if immediate {
        return Err(unresolvable(ERR_UNBOUND_IMMEDIATE));
    }
    Ok(Some(out))
}

fn owned_by(claim: &Value, pod: &Value) -> bool {
    array_at(claim, &["metadata", "ownerReferences"])
        .iter()
        .any(|r| r.get("uid").and_then(Value::as_str) == Some(object::uid(pod)))
}

/// What VolumeBinding decided for a pod on a node: PVs to pre-bind and claims to provision.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PodVolumes {
    /// (claim name, PV name) pairs to bind.
    pub static_bindings: Vec<(String, String)>,
    /// Claims to provision in the node's topology.
    pub dynamic_provisions: Vec<String>,
}

/// VolumeBinding Filter (`FindPodVolumes`): bound PVs must admit the node; unbound delayed
/// claims need an available PV (smallest first, each PV used once) or a class that can
/// provision in the node's topology. Failures carry upstream's reasons in its order.
pub fn volume_binding_filter(
    world: &VolumeWorld<'_>,
    claims: &PodClaims,
    node: &Value,
) -> Result<PodVolumes, Unfit> {
    let mut out = PodVolumes::default();
    let (mut bound_ok, mut unbound_ok, mut pvs_found) = (true, true, true);
    for claim in &claims.bound {
        let name = str_at(claim, &["spec", "volumeName"]).unwrap_or("");
        match find_volume(world.volumes, name) {
            None => {
                pvs_found = false;
                break;
            }
            Some(pv) if !node_affinity_matches(pv, node) => {
                bound_ok = false;
                break;
            }
            Some(_) => {}
        }
    }
    let mut to_provision: Vec<&Value> = Vec::new();
    let mut to_match: Vec<&Value> = Vec::new();
    let mut fast_fail = false;
    for claim in &claims.delayed {
        match str_at(claim, &["metadata", "annotations", ANN_SELECTED_NODE]) {
            Some(n) if n != object::name(node) => {
                unbound_ok = false;
                fast_fail = true;
                break;
            }
            Some(_) => to_provision.push(claim),
            None => to_match.push(claim),
        }
    }
    if !fast_fail {
        // findMatchingVolumes: smallest request first.
        to_match.sort_by_key(|c| requested_storage(c));
        let mut chosen = BTreeSet::new();
        for claim in to_match {
            let class = claim_class(claim);
            let of_class: Vec<Value> = world
                .volumes
                .iter()
                .filter(|v| crate::api::volume::volume_class(v) == class)
                .cloned()
                .collect();
            match find_matching_volume(claim, &of_class, Some(node), &chosen, true) {
                Some(i) => {
                    let pv = object::name(&of_class[i]).to_string();
                    chosen.insert(pv.clone());
                    out.static_bindings
                        .push((object::name(claim).to_string(), pv));
                }
                None => {
                    unbound_ok = false;
                    to_provision.push(claim);
                }
            }
        }
        if !to_provision.is_empty() {
            // checkVolumeProvisions
            unbound_ok = true;
            let labels = object::labels(node);
            for claim in to_provision {
                let class_name = claim_class(claim);
                if class_name.is_empty() {
                    return Err(unresolvable(format!(
                        "no class for claim {:?}",
                        crate::api::volume::claim_key(claim)
                    )));
                }
                let Some(class) = find_class(world.classes, class_name) else {
                    return Err(unresolvable(format!(
                        "failed to find storage class {class_name:?}"
                    )));
                };
                let provisioner = class
                    .get("provisioner")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                if provisioner.is_empty()
                    || provisioner == NO_PROVISIONER
                    || !topology_terms_match(array_at(class, &["allowedTopologies"]), &labels)
                {
                    unbound_ok = false;
                    out.dynamic_provisions.clear();
                    break;
                }
                out.dynamic_provisions.push(object::name(claim).to_string());
            }
        }
    }
    let mut reasons: Vec<Reason> = Vec::new();
    if !bound_ok {
        reasons.push(ERR_NODE_CONFLICT.into());
    }
    if !unbound_ok {
        reasons.push(ERR_BIND_CONFLICT.into());
    }
    if !pvs_found {
        reasons.push(ERR_PV_NOT_EXIST.into());
    }
    if reasons.is_empty() {
        Ok(out)
    } else {
        Err(Unfit {
            code: crate::scheduler::plugins::Code::UnschedulableAndUnresolvable,
            reasons,
        })
    }
}

/// VolumeBinding Reserve + PreBind (`AssumePodVolumes`, `BindPodVolumes`): the writes that
/// start binding on the chosen node — each statically matched PV pre-bound to its claim (the
/// PV controller completes the binding) and each claim to provision annotated with the node.
pub fn volume_binding_pre_bind(
    world: &VolumeWorld<'_>,
    namespace: &str,
    decided: &PodVolumes,
    node: &str,
) -> Vec<Value> {
    let mut writes = Vec::new();
    for (claim, pv) in &decided.static_bindings {
        if let (Some(c), Some(v)) = (
            find_claim(world.claims, namespace, claim),
            find_volume(world.volumes, pv),
        ) {
            let bound = bind_volume_to_claim(v, c);
            if &bound != v {
                writes.push(bound);
            }
        }
    }
    for claim in &decided.dynamic_provisions {
        if let Some(c) = find_claim(world.claims, namespace, claim) {
            let mut c = c.clone();
            set_path(
                &mut c,
                &["metadata", "annotations", ANN_SELECTED_NODE],
                json!(node),
            );
            writes.push(c);
        }
    }
    writes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::volume::testing::{bound, class, node, pod, pv, pvc, zonal};
    use crate::json;
    use crate::scheduler::plugins::Code;

    #[test]
    fn unbound_immediate_claims_keep_the_pod_pending() {
        let claims = [pvc("data", "1Gi", &["ReadWriteOnce"], Some("gp3"))];
        let classes = [class("gp3", "ebs.csi.aws.com", "Immediate")];
        let w = VolumeWorld {
            claims: &claims,
            volumes: &[],
            classes: &classes,
            csi_nodes: &[],
        };
        let e = volume_binding_pre_filter(&w, &pod("p", &["data"])).unwrap_err();
        assert_eq!(e, Unfit::unresolvable(ERR_UNBOUND_IMMEDIATE));
        let e = volume_binding_pre_filter(&w, &pod("p", &["missing"])).unwrap_err();
        assert_eq!(e.reasons[0], "persistentvolumeclaim \"missing\" not found");
        assert_eq!(volume_binding_pre_filter(&w, &pod("p", &[])), Ok(None));
    }
    #[test]
    fn bound_zonal_volume_pins_the_pod_to_its_zone() {
        let claims = [bound("data", "pvc-1")];
        let volumes = [zonal("pvc-1", "us-east-1a")];
        let w = VolumeWorld {
            claims: &claims,
            volumes: &volumes,
            classes: &[],
            csi_nodes: &[],
        };
        let state = volume_binding_pre_filter(&w, &pod("p", &["data"]))
            .unwrap()
            .unwrap();
        let a = node("a", json!({"topology.kubernetes.io/zone": "us-east-1a"}));
        let b = node("b", json!({"topology.kubernetes.io/zone": "us-east-1b"}));
        assert!(volume_binding_filter(&w, &state, &a).is_ok());
        let e = volume_binding_filter(&w, &state, &b).unwrap_err();
        assert_eq!(
            (e.code, e.reasons[0].as_ref()),
            (Code::UnschedulableAndUnresolvable, ERR_NODE_CONFLICT)
        );
        // The PV is gone.
        let w2 = VolumeWorld { volumes: &[], ..w };
        assert_eq!(
            volume_binding_filter(&w2, &state, &a).unwrap_err().reasons[0],
            ERR_PV_NOT_EXIST
        );
    }
    #[test]
    fn delayed_claims_bind_or_provision_on_the_node() {
        let mut local = pv("local-a", "10Gi", &["ReadWriteOnce"], "local");
        local["spec"]["nodeAffinity"] = json!({"required": {"nodeSelectorTerms": [{"matchExpressions": [
            {"key": "kubernetes.io/hostname", "operator": "In", "values": ["a"]}]}]}});
        let claims = [pvc("data", "1Gi", &["ReadWriteOnce"], Some("local"))];
        let classes = [class("local", NO_PROVISIONER, "WaitForFirstConsumer")];
        let volumes = [local];
        let w = VolumeWorld {
            claims: &claims,
            volumes: &volumes,
            classes: &classes,
            csi_nodes: &[],
        };
        let state = volume_binding_pre_filter(&w, &pod("p", &["data"]))
            .unwrap()
            .unwrap();
        let a = node("a", json!({"kubernetes.io/hostname": "a"}));
        let b = node("b", json!({"kubernetes.io/hostname": "b"}));
        let decided = volume_binding_filter(&w, &state, &a).unwrap();
        assert_eq!(
            decided.static_bindings,
            vec![("data".to_string(), "local-a".to_string())]
        );
        let e = volume_binding_filter(&w, &state, &b).unwrap_err();
        assert_eq!(e.reasons[0], ERR_BIND_CONFLICT);
        let writes = volume_binding_pre_bind(&w, "default", &decided, "a");
        assert_eq!(writes[0]["spec"]["claimRef"]["name"], "data");

        // A provisioning class: any node in its allowed topology, then the claim is annotated.
        let mut gp3 = class("gp3", "ebs.csi.aws.com", "WaitForFirstConsumer");
        gp3["allowedTopologies"] = json!([{"matchLabelExpressions": [
            {"key": "topology.kubernetes.io/zone", "values": ["us-east-1a"]}]}]);
        let claims = [pvc("data", "1Gi", &["ReadWriteOnce"], Some("gp3"))];
        let classes = [gp3];
        let w = VolumeWorld {
            claims: &claims,
            volumes: &[],
            classes: &classes,
            csi_nodes: &[],
        };
        let state = volume_binding_pre_filter(&w, &pod("p", &["data"]))
            .unwrap()
            .unwrap();
        let in_a = node("n1", json!({"topology.kubernetes.io/zone": "us-east-1a"}));
        let in_b = node("n2", json!({"topology.kubernetes.io/zone": "us-east-1b"}));
        let decided = volume_binding_filter(&w, &state, &in_a).unwrap();
        assert_eq!(decided.dynamic_provisions, vec!["data".to_string()]);
        assert_eq!(
            volume_binding_filter(&w, &state, &in_b)
                .unwrap_err()
                .reasons[0],
            ERR_BIND_CONFLICT
        );
        let writes = volume_binding_pre_bind(&w, "default", &decided, "n1");
        assert_eq!(
            writes[0]["metadata"]["annotations"][ANN_SELECTED_NODE],
            "n1"
        );
    }
}
