//! PV/PVC matching and the PV controller's sync decisions
//! (pkg/controller/volume/persistentvolume/pv_controller.go, index.go, and
//! k8s.io/component-helpers/storage/volume/pv_helpers.go).
use super::{
    access_modes, claim_class, find_volume, is_delay_binding, pod_claims, requested_storage,
    volume_capacity, volume_class, VolumeEvent, ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER,
    ANN_DYNAMICALLY_PROVISIONED, ANN_SELECTED_NODE,
};
use crate::api::object::{self, path, remove_path, set_path, str_at};
use crate::api::volume::pv_helpers::{annotation, has_claim_ref, is_deleting, set_annotation};
pub use crate::api::volume::pv_helpers::{
    bind_volume_to_claim, check_access_modes, find_matching_volume, is_volume_bound_to_claim,
    node_affinity_matches, volume_mode_mismatch,
};
use crate::api::Value;
use crate::json;
use std::collections::BTreeSet;

/// The access modes of a volume as the index keys them (`GetAccessModesAsString`: RWO, ROX,
/// RWX, RWOP, in that order).
fn modes_key(pv: &Value) -> Vec<&'static str> {
    let modes = access_modes(pv);
    [
        "ReadWriteOnce",
        "ReadOnlyMany",
        "ReadWriteMany",
        "ReadWriteOncePod",
    ]
    .into_iter()
    .filter(|m| modes.contains(m))
    .collect()
}

/// `persistentVolumeOrderedIndex.findBestMatchForClaim` (the PV controller's path): volumes are
/// grouped by their exact set of access modes; the groups offering every mode the claim asks
/// for are searched from the fewest modes up (ties in a stable order), and the first group with
/// a match wins — so a RWO claim prefers a large RWO volume over a small RWO+ROX one.
pub fn find_best_match_for_claim(
    claim: &Value,
    volumes: &[Value],
    delay_binding: bool,
) -> Option<usize> {
    let wanted = access_modes(claim);
    let mut groups: Vec<Vec<&'static str>> = volumes.iter().map(modes_key).collect();
    groups.sort();
    groups.dedup();
    groups.retain(|g| wanted.iter().all(|m| g.contains(m)));
    groups.sort_by_key(Vec::len);
    let none = BTreeSet::new();
    for g in groups {
        let members: Vec<usize> = (0..volumes.len())
            .filter(|&i| modes_key(&volumes[i]) == g)
            .collect();
        let subset: Vec<Value> = members.iter().map(|&i| volumes[i].clone()).collect();
        if let Some(j) = find_matching_volume(claim, &subset, None, &none, delay_binding) {
            return Some(members[j]);
        }
    }
    None
}

/// `checkVolumeSatisfyClaim`: why a volume the claim names in `spec.volumeName` cannot serve
/// it (the text upstream puts after `Cannot bind to requested volume "x": `).
pub fn check_volume_satisfy_claim(pv: &Value, claim: &Value) -> Result<(), String> {
    if is_deleting(pv) {
        return Err(format!(
            "the volume is marked for deletion {:?}",
            object::name(pv)
        ));
    }
    if volume_capacity(pv).value() < requested_storage(claim).value() {
        return Err("requested PV is too small".into());
    }
    if volume_class(pv) != claim_class(claim) {
        return Err("storageClassName does not match".into());
    }
    if volume_mode_mismatch(claim, pv) {
        return Err("incompatible volumeMode".into());
    }
    if !check_access_modes(claim, pv) {
        return Err("incompatible accessMode".into());
    }
    Ok(())
}

/// `updateVolumePhase`: sets `status.phase` (and `message`), stamping
/// `lastPhaseTransitionTime` when the phase changes.
pub fn with_volume_phase(pv: &Value, phase: &str, message: &str, now: &str) -> Value {
    let mut out = pv.clone();
    if str_at(pv, &["status", "phase"]) != Some(phase) {
        set_path(&mut out, &["status", "lastPhaseTransitionTime"], json!(now));
    }
    set_path(&mut out, &["status", "phase"], json!(phase));
    if message.is_empty() {
        remove_path(&mut out, &["status", "message"]);
    } else {
        set_path(&mut out, &["status", "message"], json!(message));
    }
    out
}

/// `updateClaimStatus`: the phase, and the volume's access modes and capacity when bound (the
/// capacity only when the claim is becoming Bound and the volume is larger than what the
/// claim reports); both cleared without a volume.
pub fn with_claim_phase(claim: &Value, phase: &str, volume: Option<&Value>) -> Value {
    let mut out = claim.clone();
    match volume {
        None => {
            remove_path(&mut out, &["status", "accessModes"]);
            remove_path(&mut out, &["status", "capacity"]);
        }
        Some(pv) => {
            let modes = path(pv, &["spec", "accessModes"])
                .cloned()
                .unwrap_or(json!([]));
            set_path(&mut out, &["status", "accessModes"], modes);
            if str_at(claim, &["status", "phase"]) != Some(phase) {
                let cur = path(claim, &["status", "capacity", "storage"]).and_then(Value::as_str);
                let larger = cur
                    .and_then(|c| crate::api::Quantity::parse(c).ok())
                    .is_none_or(|c| volume_capacity(pv) > c);
                if larger {
                    if let Some(cap) = path(pv, &["spec", "capacity"]) {
                        set_path(&mut out, &["status", "capacity"], cap.clone());
                    }
                }
            }
        }
    }
    set_path(&mut out, &["status", "phase"], json!(phase));
    out
}

/// `bind`: the PV bound to the claim (`claimRef`, phase `Bound`) and the claim bound to the PV
/// (`spec.volumeName`, the bind-completed and bound-by-controller annotations, phase `Bound`
/// with the volume's access modes and capacity).
pub fn bind(pv: &Value, claim: &Value, now: &str) -> (Value, Value) {
    let volume = with_volume_phase(&bind_volume_to_claim(pv, claim), "Bound", "", now);
    let mut c = claim.clone();
    if str_at(claim, &["spec", "volumeName"]) != Some(object::name(pv)) {
        set_path(&mut c, &["spec", "volumeName"], json!(object::name(pv)));
        if annotation(&c, ANN_BOUND_BY_CONTROLLER).is_none() {
            set_annotation(&mut c, ANN_BOUND_BY_CONTROLLER, "yes");
        }
    }
    if annotation(&c, ANN_BIND_COMPLETED).is_none() {
        set_annotation(&mut c, ANN_BIND_COMPLETED, "yes");
    }
    let claim = with_claim_phase(&c, "Bound", Some(&volume));
    (volume, claim)
}

/// `unbindVolume`: a controller-bound PV loses its `claimRef`; a user-pre-bound PV keeps it
/// without the UID. Either way it becomes `Available`.
pub fn unbind_volume(pv: &Value, now: &str) -> Value {
    let mut out = pv.clone();
    if annotation(pv, ANN_BOUND_BY_CONTROLLER).is_some() {
        remove_path(&mut out, &["spec", "claimRef"]);
        remove_path(
            &mut out,
            &["metadata", "annotations", ANN_BOUND_BY_CONTROLLER],
        );
    } else {
        remove_path(&mut out, &["spec", "claimRef", "uid"]);
    }
    with_volume_phase(&out, "Available", "", now)
}

/// What one sync of a claim or a volume decides.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SyncResult {
    /// Changed objects to write, in order (a PV before its claim, as `bind` saves them).
    pub writes: Vec<Value>,
    /// A PV to delete (reclaim policy `Delete` of a released, provisioned volume: the
    /// provisioner deletes the volume and its PV).
    pub delete_volume: Option<String>,
    pub events: Vec<VolumeEvent>,
    /// The claim is to be dynamically provisioned by this provisioner (the claim written in
    /// `writes` carries the storage-provisioner annotations; see
    /// [`super::provisioning::set_claim_provisioner`]).
    pub provision: Option<String>,
}

impl SyncResult {
    fn write_if_changed(&mut self, before: &Value, after: Value) {
        if &after != before {
            self.writes.push(after);
        }
    }
}

/// `findNonScheduledPodsByPVC`: pods in the claim's namespace that use it and have no node.
fn unscheduled_users<'a>(claim: &Value, pods: &'a [Value]) -> Vec<&'a str> {
    pods.iter()
        .filter(|p| {
            object::namespace(p) == object::namespace(claim)
                && str_at(p, &["spec", "nodeName"]).is_none_or(str::is_empty)
                && pod_claims(p).iter().any(|c| c.claim == object::name(claim))
        })
        .map(object::name)
        .collect()
}

/// `syncClaim`: one step of the PV controller for a claim, given every PV, every StorageClass
/// and the pods of the cluster (for the WaitForFirstConsumer messages). `now` stamps
/// `lastPhaseTransitionTime`.
pub fn sync_claim(
    claim: &Value,
    volumes: &[Value],
    classes: &[Value],
    pods: &[Value],
    now: &str,
) -> SyncResult {
    if annotation(claim, ANN_BIND_COMPLETED).is_some() {
        sync_bound_claim(claim, volumes, now)
    } else {
        sync_unbound_claim(claim, volumes, classes, pods, now)
    }
}

fn sync_unbound_claim(
    claim: &Value,
    volumes: &[Value],
    classes: &[Value],
    pods: &[Value],
    now: &str,
) -> SyncResult {
    let mut s = SyncResult::default();
    let pending =
        |s: &mut SyncResult| s.write_if_changed(claim, with_claim_phase(claim, "Pending", None));
    let wanted = str_at(claim, &["spec", "volumeName"]).unwrap_or("");
    if wanted.is_empty() {
        let delay = is_delay_binding(claim, classes);
        if let Some(i) = find_best_match_for_claim(claim, volumes, delay) {
            let (pv, c) = bind(&volumes[i], claim, now);
            s.write_if_changed(&volumes[i], pv);
            s.write_if_changed(claim, c);
            return s;
        }
        // RetroactiveDefaultStorageClass: a claim without a class gets the default one.
        if let Some(class) = super::provisioning::assign_default_class(claim, classes) {
            s.writes.push(class);
            return s;
        }
        let class = claim_class(claim);
        if delay && annotation(claim, ANN_SELECTED_NODE).is_none() {
            // emitEventForUnboundDelayBindingClaim
            let users = unscheduled_users(claim, pods);
            let event = match users.as_slice() {
                [] => VolumeEvent::normal(
                    claim,
                    "WaitForFirstConsumer",
                    "waiting for first consumer to be created before binding",
                ),
                [one] => VolumeEvent::normal(
                    claim,
                    "WaitForPodScheduled",
                    format!("waiting for pod {one} to be scheduled"),
                ),
                many => VolumeEvent::normal(
                    claim,
                    "WaitForPodScheduled",
                    format!("waiting for pods {} to be scheduled", many.join(",")),
                ),
            };
            s.events.push(event);
        } else if !class.is_empty() {
            return super::provisioning::provision_claim(claim, classes);
        } else {
            s.events.push(VolumeEvent::normal(
                claim,
                "FailedBinding",
                "no persistent volumes available for this claim and no storage class is set",
            ));
        }
        pending(&mut s);
        return s;
    }
    // The user asked for a specific PV.
    let Some(pv) = find_volume(volumes, wanted) else {
        pending(&mut s);
        return s;
    };
    if !has_claim_ref(pv) {
        match check_volume_satisfy_claim(pv, claim) {
            Err(e) => {
                s.events.push(VolumeEvent::warning(
                    claim,
                    "VolumeMismatch",
                    format!(
                        "Cannot bind to requested volume {:?}: {e}",
                        object::name(pv)
                    ),
                ));
                pending(&mut s);
            }
            Ok(()) => {
                let (v, c) = bind(pv, claim, now);
                s.write_if_changed(pv, v);
                s.write_if_changed(claim, c);
            }
        }
    } else if is_volume_bound_to_claim(pv, claim) {
        let (v, c) = bind(pv, claim, now);
        s.write_if_changed(pv, v);
        s.write_if_changed(claim, c);
    } else if annotation(claim, ANN_BOUND_BY_CONTROLLER).is_none() {
        s.events.push(VolumeEvent::warning(
            claim,
            "FailedBinding",
            format!(
                "volume {:?} already bound to a different claim.",
                object::name(pv)
            ),
        ));
        pending(&mut s);
    }
    s
}

fn sync_bound_claim(claim: &Value, volumes: &[Value], now: &str) -> SyncResult {
    let mut s = SyncResult::default();
    let lost = |s: &mut SyncResult, reason: &'static str, message: &str| {
        s.write_if_changed(claim, with_claim_phase(claim, "Lost", None));
        s.events.push(VolumeEvent::warning(claim, reason, message));
    };
    let name = str_at(claim, &["spec", "volumeName"]).unwrap_or("");
    if name.is_empty() {
        lost(
            &mut s,
            "ClaimLost",
            "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!",
        );
        return s;
    }
    let Some(pv) = find_volume(volumes, name) else {
        lost(
            &mut s,
            "ClaimLost",
            "Bound claim has lost its PersistentVolume. Data on the volume is lost!",
        );
        return s;
    };
    let ref_uid = str_at(pv, &["spec", "claimRef", "uid"]).unwrap_or("");
    if !has_claim_ref(pv) || ref_uid == object::uid(claim) {
        let (v, c) = bind(pv, claim, now);
        s.write_if_changed(pv, v);
        s.write_if_changed(claim, c);
    } else {
        lost(
            &mut s,
            "ClaimMisbound",
            "Two claims are bound to the same volume, this one is bound incorrectly",
        );
    }
    s
}

/// `syncVolume`: one step of the PV controller for a volume, given the claims of the cluster.
pub fn sync_volume(pv: &Value, claims: &[Value], now: &str) -> SyncResult {
    let mut s = SyncResult::default();
    let phase = str_at(pv, &["status", "phase"]).unwrap_or("");
    let set_phase =
        |s: &mut SyncResult, p: &str| s.write_if_changed(pv, with_volume_phase(pv, p, "", now));
    if !has_claim_ref(pv) {
        set_phase(&mut s, "Available");
        return s;
    }
    let ref_ns = str_at(pv, &["spec", "claimRef", "namespace"]).unwrap_or("");
    let ref_name = str_at(pv, &["spec", "claimRef", "name"]).unwrap_or("");
    let ref_uid = str_at(pv, &["spec", "claimRef", "uid"]).unwrap_or("");
    if ref_uid.is_empty() {
        // Pre-bound by the user; the claim's sync binds it.
        set_phase(&mut s, "Available");
        return s;
    }
    let claim = super::find_claim(claims, ref_ns, ref_name).filter(|c| object::uid(c) == ref_uid);
    let Some(claim) = claim else {
        // The claim is gone: release and reclaim.
        let released = if phase != "Released" && phase != "Failed" {
            with_volume_phase(pv, "Released", "", now)
        } else {
            pv.clone()
        };
        reclaim(&mut s, pv, released, now);
        return s;
    };
    let claim_volume = str_at(claim, &["spec", "volumeName"]).unwrap_or("");
    if claim_volume.is_empty() {
        if volume_mode_mismatch(claim, pv) {
            s.events.push(VolumeEvent::warning(
                pv,
                "VolumeMismatch",
                format!(
                    "Cannot bind PersistentVolume to requested PersistentVolumeClaim {:?} due to incompatible volumeMode.",
                    object::name(claim)
                ),
            ));
            s.events.push(VolumeEvent::warning(
                claim,
                "VolumeMismatch",
                format!(
                    "Cannot bind PersistentVolume {:?} to requested PersistentVolumeClaim due to incompatible volumeMode.",
                    object::name(pv)
                ),
            ));
        }
        // Otherwise the claim's next sync completes the binding.
        return s;
    }
    if claim_volume == object::name(pv) {
        set_phase(&mut s, "Bound");
        return s;
    }
    // The claim is bound to another volume.
    let provisioned = annotation(pv, ANN_DYNAMICALLY_PROVISIONED).is_some();
    if provisioned && reclaim_policy(pv) == "Delete" {
        let released = if phase != "Released" && phase != "Failed" {
            with_volume_phase(pv, "Released", "", now)
        } else {
            pv.clone()
        };
        reclaim(&mut s, pv, released, now);
    } else {
        s.write_if_changed(pv, unbind_volume(pv, now));
    }
    s
}

/// `spec.persistentVolumeReclaimPolicy` (`Retain` when unset: the API defaults static PVs to
/// Retain; provisioned PVs carry their class's policy).
pub fn reclaim_policy(pv: &Value) -> &str {
    str_at(pv, &["spec", "persistentVolumeReclaimPolicy"]).unwrap_or("Retain")
}

/// `reclaimVolume` on a released volume.
fn reclaim(s: &mut SyncResult, before: &Value, released: Value, now: &str) {
    match reclaim_policy(before) {
        "Retain" => s.write_if_changed(before, released),
        "Delete" => {
            if annotation(before, ANN_DYNAMICALLY_PROVISIONED).is_some() {
                // The external provisioner deletes the backing volume, then the PV.
                s.write_if_changed(before, released);
                s.delete_volume = Some(object::name(before).to_string());
            } else {
                // A static PV with Delete: no provisioner owns it; it stays Released.
                s.write_if_changed(before, released);
            }
        }
        "Recycle" => {
            let failed = with_volume_phase(
                &released,
                "Failed",
                "No recycler plugin found for the volume!",
                now,
            );
            s.events.push(VolumeEvent::warning(
                before,
                "VolumeFailedRecycle",
                "No recycler plugin found for the volume!",
            ));
            s.write_if_changed(before, failed);
        }
        _ => {
            let failed = with_volume_phase(
                &released,
                "Failed",
                "Volume has unrecognized PersistentVolumeReclaimPolicy",
                now,
            );
            s.events.push(VolumeEvent::warning(
                before,
                "VolumeUnknownReclaimPolicy",
                "Volume has unrecognized PersistentVolumeReclaimPolicy",
            ));
            s.write_if_changed(before, failed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{class, node, pod, pv, pvc};
    use super::*;

    const NOW: &str = "2026-01-01T00:00:10Z";

    fn name_of(volumes: &[Value], i: Option<usize>) -> Option<&str> {
        i.map(|i| object::name(&volumes[i]))
    }

    /// PV/PVC matching, after index_test.go TestMatchVolume / TestFindingVolumeWithDifferentAccessModes
    /// and pv_helpers_test.go: each row is (case, claim, expected volume).
    #[test]
    fn matching_table() {
        let mut gce = pv("gce-pd-10", "10Gi", &["ReadWriteOnce", "ReadOnlyMany"], "");
        gce["metadata"]["labels"] = json!({"should-exist": "true"});
        let mut prebound = pv("prebound-5", "5Gi", &["ReadWriteOnce"], "");
        prebound["spec"]["claimRef"] = json!({"namespace": "default", "name": "claim-prebound"});
        let mut bound_other = pv("bound-1", "1Gi", &["ReadWriteOnce"], "");
        bound_other["spec"]["claimRef"] =
            json!({"namespace": "default", "name": "someone", "uid": "x"});
        let mut released = pv("released-1", "1Gi", &["ReadWriteOnce"], "");
        released["status"]["phase"] = json!("Released");
        let mut block = pv("block-2", "2Gi", &["ReadWriteOnce"], "");
        block["spec"]["volumeMode"] = json!("Block");
        let mut deleting = pv("deleting-2", "2Gi", &["ReadWriteOnce"], "");
        deleting["metadata"]["deletionTimestamp"] = json!("2026-01-01T00:00:00Z");
        let volumes = vec![
            gce,
            pv(
                "nfs-5",
                "5Gi",
                &["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany"],
                "",
            ),
            pv("rwo-8", "8Gi", &["ReadWriteOnce"], ""),
            pv("gold-3", "3Gi", &["ReadWriteOnce"], "gold"),
            prebound,
            bound_other,
            released,
            block,
            deleting,
        ];
        let mut with_selector = pvc("sel", "1Gi", &["ReadWriteOnce"], None);
        with_selector["spec"]["selector"] = json!({"matchLabels": {"should-exist": "true"}});
        let mut block_claim = pvc("blk", "1Gi", &["ReadWriteOnce"], None);
        block_claim["spec"]["volumeMode"] = json!("Block");
        let cases: Vec<(&str, Value, Option<&str>)> = vec![
            (
                "smallest RWO volume that fits, preferring the fewest modes",
                pvc("a", "1Gi", &["ReadWriteOnce"], None),
                Some("rwo-8"),
            ),
            (
                "capacity rules out smaller volumes",
                pvc("b", "9Gi", &["ReadWriteOnce"], None),
                Some("gce-pd-10"),
            ),
            (
                "ROX is served by the RWO+ROX group before RWO+ROX+RWX",
                pvc("c", "1Gi", &["ReadOnlyMany"], None),
                Some("gce-pd-10"),
            ),
            (
                "RWX only from volumes offering it",
                pvc("d", "1Gi", &["ReadWriteMany"], None),
                Some("nfs-5"),
            ),
            (
                "nothing large enough",
                pvc("e", "20Gi", &["ReadWriteOnce"], None),
                None,
            ),
            (
                "class must match",
                pvc("f", "1Gi", &["ReadWriteOnce"], Some("gold")),
                Some("gold-3"),
            ),
            (
                "unknown class matches nothing",
                pvc("g", "1Gi", &["ReadWriteOnce"], Some("silver")),
                None,
            ),
            ("selector on PV labels", with_selector, Some("gce-pd-10")),
            (
                "pre-bound volume wins over a better fit",
                pvc("claim-prebound", "1Gi", &["ReadWriteOnce"], None),
                Some("prebound-5"),
            ),
            ("volume mode must match", block_claim, Some("block-2")),
            (
                "RWOP is offered by nobody",
                pvc("h", "1Gi", &["ReadWriteOncePod"], None),
                None,
            ),
        ];
        for (name, claim, want) in cases {
            assert_eq!(
                name_of(&volumes, find_best_match_for_claim(&claim, &volumes, false)),
                want,
                "{name}"
            );
        }
        // The controller never binds a WaitForFirstConsumer claim to an unbound volume...
        assert_eq!(
            find_best_match_for_claim(&pvc("a", "1Gi", &["ReadWriteOnce"], None), &volumes, true),
            None
        );
        // ...but does finish a pre-binding.
        let pre = pvc("claim-prebound", "1Gi", &["ReadWriteOnce"], None);
        assert_eq!(
            name_of(&volumes, find_best_match_for_claim(&pre, &volumes, true)),
            Some("prebound-5")
        );
    }

    #[test]
    fn scheduler_path_checks_node_affinity_and_access_modes() {
        let mut local = pv("local-a", "10Gi", &["ReadWriteOnce"], "local");
        local["spec"]["nodeAffinity"] = json!({"required": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": ["a"]}]}]}});
        let volumes = vec![local, pv("rox", "1Gi", &["ReadOnlyMany"], "local")];
        let claim = pvc("c", "1Gi", &["ReadWriteOnce"], Some("local"));
        let a = node("a", json!({"kubernetes.io/hostname": "a"}));
        let b = node("b", json!({"kubernetes.io/hostname": "b"}));
        let none = BTreeSet::new();
        assert_eq!(
            find_matching_volume(&claim, &volumes, Some(&a), &none, true),
            Some(0)
        );
        assert_eq!(
            find_matching_volume(&claim, &volumes, Some(&b), &none, true),
            None
        );
        let chosen: BTreeSet<String> = ["local-a".to_string()].into();
        assert_eq!(
            find_matching_volume(&claim, &volumes, Some(&a), &chosen, true),
            None
        );
    }

    #[test]
    fn binding_sets_both_sides() {
        let (v, c) = bind(
            &pv("pv1", "10Gi", &["ReadWriteOnce"], ""),
            &pvc("data", "5Gi", &["ReadWriteOnce"], None),
            NOW,
        );
        assert_eq!(v["spec"]["claimRef"]["name"], "data");
        assert_eq!(v["spec"]["claimRef"]["uid"], "uid-data");
        assert_eq!(v["metadata"]["annotations"][ANN_BOUND_BY_CONTROLLER], "yes");
        assert_eq!(v["status"]["phase"], "Bound");
        assert_eq!(v["status"]["lastPhaseTransitionTime"], NOW);
        assert_eq!(c["spec"]["volumeName"], "pv1");
        assert_eq!(c["metadata"]["annotations"][ANN_BIND_COMPLETED], "yes");
        assert_eq!(c["metadata"]["annotations"][ANN_BOUND_BY_CONTROLLER], "yes");
        assert_eq!(c["status"]["phase"], "Bound");
        assert_eq!(c["status"]["capacity"]["storage"], "10Gi");
        assert_eq!(c["status"]["accessModes"], json!(["ReadWriteOnce"]));
    }

    #[test]
    fn unbound_claim_messages() {
        // No class, nothing to bind: upstream's FailedBinding event.
        let claim = pvc("c", "1Gi", &["ReadWriteOnce"], None);
        let s = sync_claim(&claim, &[], &[], &[], NOW);
        assert_eq!(s.events[0].reason, "FailedBinding");
        assert_eq!(
            s.events[0].message,
            "no persistent volumes available for this claim and no storage class is set"
        );
        // WaitForFirstConsumer without a pod, then with one pending pod, then two.
        let classes = [class(
            "local",
            super::super::NO_PROVISIONER,
            "WaitForFirstConsumer",
        )];
        let claim = pvc("c", "1Gi", &["ReadWriteOnce"], Some("local"));
        let s = sync_claim(&claim, &[], &classes, &[], NOW);
        assert_eq!(
            (s.events[0].reason, s.events[0].message.as_str()),
            (
                "WaitForFirstConsumer",
                "waiting for first consumer to be created before binding"
            )
        );
        let s = sync_claim(&claim, &[], &classes, &[pod("web-0", &["c"])], NOW);
        assert_eq!(s.events[0].message, "waiting for pod web-0 to be scheduled");
        let s = sync_claim(
            &claim,
            &[],
            &classes,
            &[pod("a", &["c"]), pod("b", &["c"])],
            NOW,
        );
        assert_eq!(s.events[0].message, "waiting for pods a,b to be scheduled");
        assert!(s.writes.is_empty(), "already Pending: nothing to write");
    }

    #[test]
    fn claim_asking_for_a_volume() {
        let mut claim = pvc("c", "5Gi", &["ReadWriteOnce"], None);
        claim["spec"]["volumeName"] = json!("small");
        let s = sync_claim(
            &claim,
            &[pv("small", "1Gi", &["ReadWriteOnce"], "")],
            &[],
            &[],
            NOW,
        );
        assert_eq!(s.events[0].reason, "VolumeMismatch");
        assert_eq!(
            s.events[0].message,
            "Cannot bind to requested volume \"small\": requested PV is too small"
        );
        let mut taken = pv("small", "10Gi", &["ReadWriteOnce"], "");
        taken["spec"]["claimRef"] = json!({"namespace": "default", "name": "other", "uid": "u"});
        let s = sync_claim(&claim, &[taken], &[], &[], NOW);
        assert_eq!(
            s.events[0].message,
            "volume \"small\" already bound to a different claim."
        );
        let s = sync_claim(
            &claim,
            &[pv("small", "10Gi", &["ReadWriteOnce"], "")],
            &[],
            &[],
            NOW,
        );
        assert_eq!(s.writes.len(), 2);
        assert_eq!(s.writes[1]["status"]["phase"], "Bound");
    }

    #[test]
    fn bound_claim_lost() {
        let mut claim = pvc("c", "1Gi", &["ReadWriteOnce"], None);
        claim["metadata"]["annotations"] = json!({ANN_BIND_COMPLETED: "yes"});
        claim["spec"]["volumeName"] = json!("gone");
        let s = sync_claim(&claim, &[], &[], &[], NOW);
        assert_eq!(s.writes[0]["status"]["phase"], "Lost");
        assert_eq!(
            s.events[0].message,
            "Bound claim has lost its PersistentVolume. Data on the volume is lost!"
        );
    }

    #[test]
    fn released_volumes_are_reclaimed_by_policy() {
        let mut retained = pv("r", "1Gi", &["ReadWriteOnce"], "");
        retained["spec"]["claimRef"] = json!({"namespace": "default", "name": "c", "uid": "uid-c"});
        retained["status"]["phase"] = json!("Bound");
        let s = sync_volume(&retained, &[], NOW);
        assert_eq!(s.writes[0]["status"]["phase"], "Released");
        assert_eq!(s.delete_volume, None);

        let mut deleted = retained.clone();
        deleted["spec"]["persistentVolumeReclaimPolicy"] = json!("Delete");
        deleted["metadata"]["annotations"] =
            json!({ANN_DYNAMICALLY_PROVISIONED: "ebs.csi.aws.com"});
        let s = sync_volume(&deleted, &[], NOW);
        assert_eq!(s.delete_volume.as_deref(), Some("r"));

        let mut recycled = retained.clone();
        recycled["spec"]["persistentVolumeReclaimPolicy"] = json!("Recycle");
        let s = sync_volume(&recycled, &[], NOW);
        assert_eq!(s.writes[0]["status"]["phase"], "Failed");
        assert_eq!(s.events[0].reason, "VolumeFailedRecycle");

        // Still claimed: Bound.
        let mut claim = pvc("c", "1Gi", &["ReadWriteOnce"], None);
        claim["spec"]["volumeName"] = json!("r");
        let mut available = retained.clone();
        available["status"]["phase"] = json!("Available");
        assert_eq!(
            sync_volume(&available, &[claim], NOW).writes[0]["status"]["phase"],
            "Bound"
        );
    }

    #[test]
    fn unbinding_keeps_user_prebinding() {
        let mut by_user = pv("p", "1Gi", &["ReadWriteOnce"], "");
        by_user["spec"]["claimRef"] = json!({"namespace": "default", "name": "c", "uid": "u"});
        let out = unbind_volume(&by_user, NOW);
        assert_eq!(
            out["spec"]["claimRef"],
            json!({"namespace": "default", "name": "c"})
        );
        let mut by_ctrl = by_user.clone();
        by_ctrl["metadata"]["annotations"] = json!({ANN_BOUND_BY_CONTROLLER: "yes"});
        let out = unbind_volume(&by_ctrl, NOW);
        assert!(out["spec"].get("claimRef").is_none());
        assert_eq!(out["status"]["phase"], "Available");
    }
}
