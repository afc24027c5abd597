//! The scheduler's volume plugins as pure functions over the stored objects:
//! VolumeRestrictions, NodeVolumeLimits (CSI), VolumeBinding and VolumeZone
//! (pkg/scheduler/framework/plugins/{volumerestrictions,nodevolumelimits,volumebinding,volumezone}).
//! In the default profile they run, in this order, after NodeResourcesFit and before
//! PodTopologySpread. Verdicts use the scheduler's [`Unfit`] with upstream's codes and texts.
use super::binding::{bind_volume_to_claim, find_matching_volume, node_affinity_matches};
use super::csi::attachable_volumes;
use super::{
    access_modes, claim_class, find_claim, find_class, find_volume, is_claim_fully_bound,
    pod_claims, requested_storage, ANN_SELECTED_NODE, NO_PROVISIONER,
};
use crate::api::object::{self, array_at, path, set_path, str_at};
use crate::api::selector::topology_terms_match;
use crate::api::Value;
use crate::json;
use crate::scheduler::plugins::{FilterResult, Reason, Unfit};
use std::collections::{BTreeMap, BTreeSet};

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
/// VolumeZone.
pub const ERR_VOLUME_ZONE: &str = "node(s) had no available volume zone";
/// VolumeRestrictions: the same inline disk mounted read-write elsewhere on the node.
pub const ERR_DISK_CONFLICT: &str = "node(s) had no available disk";
/// VolumeRestrictions: a ReadWriteOncePod claim already in use.
pub const ERR_RWOP_CONFLICT: &str =
    "node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode";
/// NodeVolumeLimits.
pub const ERR_MAX_VOLUME_COUNT: &str = "node(s) exceed max volume count";

/// The storage objects the volume plugins read.
#[derive(Debug, Clone, Copy)]
pub struct VolumeWorld<'a> {
    pub claims: &'a [Value],
    pub volumes: &'a [Value],
    pub classes: &'a [Value],
    /// `CSINode` objects (named after their nodes).
    pub csi_nodes: &'a [Value],
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
        } else if super::is_delay_binding(claim, world.classes)
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
                .filter(|v| super::volume_class(v) == class)
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
                        super::claim_key(claim)
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

const TOPOLOGY_LABELS: [&str; 4] = [
    "failure-domain.beta.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/region",
    "topology.kubernetes.io/zone",
    "topology.kubernetes.io/region",
];

fn ga_label(key: &str) -> &str {
    match key {
        "failure-domain.beta.kubernetes.io/zone" => "topology.kubernetes.io/zone",
        "failure-domain.beta.kubernetes.io/region" => "topology.kubernetes.io/region",
        k => k,
    }
}

/// VolumeZone (PreFilter + Filter): the zone/region labels of the pod's bound PVs must match
/// the node's (beta labels matched against GA ones; `a__b` lists several zones). Unbound
/// WaitForFirstConsumer claims are skipped; nodes without topology labels always fit.
pub fn volume_zone_filter(world: &VolumeWorld<'_>, pod: &Value, node: &Value) -> FilterResult {
    let ns = object::namespace(pod);
    let mut topologies: Vec<(String, BTreeSet<String>)> = Vec::new();
    for v in array_at(pod, &["spec", "volumes"]) {
        let Some(name) = str_at(v, &["persistentVolumeClaim", "claimName"]) else {
            continue;
        };
        if name.is_empty() {
            return Err(unresolvable("PersistentVolumeClaim had no name"));
        }
        let Some(claim) = find_claim(world.claims, ns, name) else {
            return Err(unresolvable(format!(
                "persistentvolumeclaim {name:?} not found"
            )));
        };
        let pv_name = str_at(claim, &["spec", "volumeName"]).unwrap_or("");
        if pv_name.is_empty() {
            let class = claim_class(claim);
            if class.is_empty() {
                return Err(unresolvable(
                    "PersistentVolumeClaim had no pv name and storageClass name",
                ));
            }
            let Some(c) = find_class(world.classes, class) else {
                return Err(unresolvable(format!(
                    "storageclass.storage.k8s.io {class:?} not found"
                )));
            };
            if super::binding_mode(c) == "WaitForFirstConsumer" {
                continue;
            }
            return Err(unresolvable("PersistentVolume had no name"));
        }
        let Some(pv) = find_volume(world.volumes, pv_name) else {
            return Err(unresolvable(format!(
                "persistentvolume {pv_name:?} not found"
            )));
        };
        let labels = object::labels(pv);
        for key in TOPOLOGY_LABELS {
            if let Some(value) = labels.get(key) {
                topologies.push((
                    key.to_string(),
                    value.split("__").map(str::to_string).collect(),
                ));
            }
        }
    }
    let node_labels = object::labels(node);
    if !TOPOLOGY_LABELS.iter().any(|k| node_labels.contains_key(*k)) {
        return Ok(());
    }
    for (key, values) in topologies {
        let v = node_labels
            .get(&key)
            .or_else(|| node_labels.get(ga_label(&key)));
        if v.is_none_or(|v| !values.contains(v)) {
            return Err(unresolvable(ERR_VOLUME_ZONE));
        }
    }
    Ok(())
}

/// `isVolumeConflict`: the same GCE PD, AWS EBS volume, iSCSI IQN or RBD image used by
/// another pod on the node (GCE, iSCSI and RBD may share when every mount is read-only).
fn volume_conflict(volume: &Value, other: &Value) -> bool {
    let ro = |v: &Value, k: &str| path(v, &[k, "readOnly"]).and_then(Value::as_bool) == Some(true);
    array_at(other, &["spec", "volumes"]).iter().any(|e| {
        let same = |k: &str, f: &str| {
            let (a, b) = (path(volume, &[k, f]), path(e, &[k, f]));
            a.is_some() && a == b
        };
        (same("gcePersistentDisk", "pdName")
            && !(ro(volume, "gcePersistentDisk") && ro(e, "gcePersistentDisk")))
            || same("awsElasticBlockStore", "volumeID")
            || (same("iscsi", "iqn") && !(ro(volume, "iscsi") && ro(e, "iscsi")))
            || (same("rbd", "pool")
                && same("rbd", "image")
                && array_at(volume, &["rbd", "monitors"])
                    .iter()
                    .any(|m| array_at(e, &["rbd", "monitors"]).contains(m))
                && !(ro(volume, "rbd") && ro(e, "rbd")))
    })
}

/// VolumeRestrictions (PreFilter + Filter): inline disks already mounted read-write by a pod on
/// the node, and ReadWriteOncePod claims already used by any scheduled pod, make the node
/// unfit. `node_pods` are the pods on the node, `scheduled` every pod with a node.
pub fn volume_restrictions_filter(
    world: &VolumeWorld<'_>,
    pod: &Value,
    node_pods: &[Value],
    scheduled: &[Value],
) -> FilterResult {
    let ns = object::namespace(pod);
    let mut rwop = Vec::new();
    for pc in pod_claims(pod) {
        let Some(claim) = find_claim(world.claims, ns, &pc.claim) else {
            return Err(unresolvable(format!(
                "persistentvolumeclaim {:?} not found",
                pc.claim
            )));
        };
        if access_modes(claim).contains(&"ReadWriteOncePod") {
            rwop.push(pc.claim);
        }
    }
    for v in array_at(pod, &["spec", "volumes"]) {
        if node_pods
            .iter()
            .filter(|p| object::uid(p) != object::uid(pod))
            .any(|p| volume_conflict(v, p))
        {
            return Err(Unfit::unschedulable(ERR_DISK_CONFLICT));
        }
    }
    let in_use = scheduled.iter().any(|p| {
        object::uid(p) != object::uid(pod)
            && object::namespace(p) == ns
            && pod_claims(p).iter().any(|c| rwop.contains(&c.claim))
    });
    if in_use {
        return Err(Unfit::unschedulable(ERR_RWOP_CONFLICT));
    }
    Ok(())
}

/// The per-driver attach limits of a node's `CSINode` (`spec.drivers[].allocatable.count`).
pub fn node_volume_limits(csi_node: Option<&Value>) -> BTreeMap<String, i64> {
    csi_node
        .map(|n| array_at(n, &["spec", "drivers"]))
        .unwrap_or(&[])
        .iter()
        .filter_map(|d| {
            let name = d.get("name").and_then(Value::as_str)?;
            let count = path(d, &["allocatable", "count"]).and_then(Value::as_i64)?;
            Some((name.to_string(), count))
        })
        .collect()
}

/// The attachable CSI volumes a pod would add, by unique name → driver; unbound claims count
/// under their class's provisioner with a per-claim placeholder handle (`getCSIDriverInfoFromSC`).
fn new_pod_volumes(
    world: &VolumeWorld<'_>,
    pod: &Value,
) -> Result<BTreeMap<String, String>, Unfit> {
    let ns = object::namespace(pod);
    let mut out = BTreeMap::new();
    for pc in pod_claims(pod) {
        let Some(claim) = find_claim(world.claims, ns, &pc.claim) else {
            return Err(unresolvable(format!(
                "persistentvolumeclaim {:?} not found",
                pc.claim
            )));
        };
        let pv = str_at(claim, &["spec", "volumeName"])
            .filter(|n| !n.is_empty())
            .and_then(|n| find_volume(world.volumes, n));
        let (driver, handle) = match pv {
            Some(pv) => match (
                str_at(pv, &["spec", "csi", "driver"]),
                str_at(pv, &["spec", "csi", "volumeHandle"]),
            ) {
                (Some(d), Some(h)) => (d.to_string(), h.to_string()),
                _ => continue,
            },
            None => match find_class(world.classes, claim_class(claim)) {
                Some(c) => (
                    c.get("provisioner")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                    format!("{ns}-{}", pc.claim),
                ),
                None => continue,
            },
        };
        if driver.is_empty() {
            continue;
        }
        if super::csi::driver(&driver).is_some_and(|d| !d.attach_required) {
            continue;
        }
        out.insert(format!("{driver}/{handle}"), driver);
    }
    Ok(out)
}

/// NodeVolumeLimits (CSI): the pod's new attachable volumes per driver, plus those the node's
/// pods already attach (each counted once), must stay within the node's `CSINode` limits.
pub fn node_volume_limits_filter(
    world: &VolumeWorld<'_>,
    pod: &Value,
    node: &Value,
    node_pods: &[Value],
) -> FilterResult {
    if array_at(pod, &["spec", "volumes"]).is_empty() {
        return Ok(());
    }
    let mut new = new_pod_volumes(world, pod)?;
    if new.is_empty() {
        return Ok(());
    }
    let csi_node = world
        .csi_nodes
        .iter()
        .find(|n| object::name(n) == object::name(node));
    let limits = node_volume_limits(csi_node);
    if limits.is_empty() {
        return Ok(());
    }
    let mut attached: BTreeMap<String, i64> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for p in node_pods
        .iter()
        .filter(|p| object::uid(p) != object::uid(pod))
    {
        for key in attachable_volumes(p, world.claims, world.volumes) {
            if seen.insert(key.clone()) {
                new.remove(&key);
                let driver = key.split('/').next().unwrap_or("").to_string();
                *attached.entry(driver).or_default() += 1;
            }
        }
    }
    let mut wanted: BTreeMap<&str, i64> = BTreeMap::new();
    for d in new.values() {
        *wanted.entry(d).or_default() += 1;
    }
    for (driver, count) in wanted {
        if let Some(max) = limits.get(driver) {
            if attached.get(driver).copied().unwrap_or(0) + count > *max {
                return Err(Unfit::unschedulable(ERR_MAX_VOLUME_COUNT));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testing::{class, node, pod, pv, pvc};
    use super::super::ANN_BIND_COMPLETED;
    use super::*;
    use crate::scheduler::plugins::Code;

    fn bound(claim: &str, volume: &str) -> Value {
        let mut c = pvc(claim, "1Gi", &["ReadWriteOnce"], Some("gp3"));
        c["spec"]["volumeName"] = json!(volume);
        c["metadata"]["annotations"] = json!({ANN_BIND_COMPLETED: "yes"});
        c["status"]["phase"] = json!("Bound");
        c
    }

    fn zonal(name: &str, zone: &str) -> Value {
        let mut v = pv(name, "1Gi", &["ReadWriteOnce"], "gp3");
        v["spec"]["csi"] =
            json!({"driver": "ebs.csi.aws.com", "volumeHandle": format!("vol-{name}")});
        v["spec"]["nodeAffinity"] = json!({"required": {"nodeSelectorTerms": [{"matchExpressions": [
            {"key": "topology.kubernetes.io/zone", "operator": "In", "values": [zone]}]}]}});
        v["status"]["phase"] = json!("Bound");
        v
    }

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

    #[test]
    fn volume_zone_reads_pv_labels() {
        let mut v = pv("pv1", "1Gi", &["ReadWriteOnce"], "");
        v["metadata"]["labels"] =
            json!({"failure-domain.beta.kubernetes.io/zone": "us-east-1a__us-east-1b"});
        let claims = [bound("data", "pv1")];
        let volumes = [v];
        let w = VolumeWorld {
            claims: &claims,
            volumes: &volumes,
            classes: &[],
            csi_nodes: &[],
        };
        let p = pod("p", &["data"]);
        assert!(volume_zone_filter(
            &w,
            &p,
            &node("a", json!({"topology.kubernetes.io/zone": "us-east-1b"}))
        )
        .is_ok());
        assert_eq!(
            volume_zone_filter(
                &w,
                &p,
                &node("c", json!({"topology.kubernetes.io/zone": "us-east-1c"}))
            ),
            Err(Unfit::unresolvable(ERR_VOLUME_ZONE))
        );
        assert!(volume_zone_filter(&w, &p, &node("bare", json!({}))).is_ok());
    }

    #[test]
    fn volume_restrictions() {
        let mut rwop = pvc("solo", "1Gi", &["ReadWriteOncePod"], Some("gp3"));
        rwop["spec"]["volumeName"] = json!("pv1");
        let claims = [rwop];
        let w = VolumeWorld {
            claims: &claims,
            volumes: &[],
            classes: &[],
            csi_nodes: &[],
        };
        let mut holder = pod("holder", &["solo"]);
        holder["spec"]["nodeName"] = json!("elsewhere");
        let newcomer = pod("new", &["solo"]);
        assert_eq!(
            volume_restrictions_filter(&w, &newcomer, &[], std::slice::from_ref(&holder)),
            Err(Unfit::unschedulable(ERR_RWOP_CONFLICT))
        );
        assert!(volume_restrictions_filter(&w, &newcomer, &[], &[]).is_ok());

        let ebs = |name: &str| {
            let mut p = pod(name, &[]);
            p["spec"]["volumes"] =
                json!([{"name": "d", "awsElasticBlockStore": {"volumeID": "vol-1"}}]);
            p
        };
        assert_eq!(
            volume_restrictions_filter(&w, &ebs("b"), &[ebs("a")], &[]),
            Err(Unfit::unschedulable(ERR_DISK_CONFLICT))
        );
    }

    #[test]
    fn csi_attach_limits() {
        let claims = [bound("c1", "pv1"), bound("c2", "pv2"), bound("c3", "pv3")];
        let volumes = [zonal("pv1", "z"), zonal("pv2", "z"), zonal("pv3", "z")];
        let csi_nodes = [json!({"metadata": {"name": "n1"}, "spec": {"drivers": [
            {"name": "ebs.csi.aws.com", "nodeID": "i-1", "allocatable": {"count": 2}}]}})];
        let w = VolumeWorld {
            claims: &claims,
            volumes: &volumes,
            classes: &[],
            csi_nodes: &csi_nodes,
        };
        let n1 = node("n1", json!({}));
        let running = [pod("a", &["c1", "c2"])];
        assert_eq!(
            node_volume_limits_filter(&w, &pod("b", &["c3"]), &n1, &running),
            Err(Unfit::unschedulable(ERR_MAX_VOLUME_COUNT))
        );
        // A volume already attached on the node is not counted twice.
        assert!(node_volume_limits_filter(&w, &pod("b", &["c1"]), &n1, &running).is_ok());
        assert!(node_volume_limits_filter(&w, &pod("b", &["c3"]), &n1, &[]).is_ok());
    }
}
