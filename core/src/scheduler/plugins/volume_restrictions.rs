//! VolumeRestrictions (pkg/scheduler/framework/plugins/volumerestrictions): inline disks
//! already mounted read-write on the node, and ReadWriteOncePod claims already in use.
use super::volume_binding::VolumeWorld;
use super::{FilterResult, Unfit};
use crate::api::object::{self, array_at, path};
use crate::api::volume::{access_modes, find_claim, pod_claims};
use crate::api::Value;
use crate::scheduler::cycle::Cycle;
use crate::scheduler::NodeInfo;

/// VolumeRestrictions: the same inline disk mounted read-write elsewhere on the node.
pub const ERR_DISK_CONFLICT: &str = "node(s) had no available disk";
/// VolumeRestrictions: a ReadWriteOncePod claim already in use.
pub const ERR_RWOP_CONFLICT: &str =
    "node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode";

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

/// `needsRestrictionsCheck`: an inline volume whose sharing the plugin restricts.
fn needs_restrictions_check(v: &Value) -> bool {
    ["gcePersistentDisk", "awsElasticBlockStore", "rbd", "iscsi"]
        .iter()
        .any(|k| v.get(k).is_some_and(|s| !s.is_null()))
}

/// `readWriteOncePodPVCsForPod`: the pod's ReadWriteOncePod claims; a missing claim rejects the
/// pod (UnschedulableAndUnresolvable).
pub fn rwop_claims(world: &VolumeWorld<'_>, pod: &Value) -> Result<Vec<String>, Unfit> {
    let ns = object::namespace(pod);
    let mut rwop = Vec::new();
    for pc in pod_claims(pod) {
        let Some(claim) = find_claim(world.claims, ns, &pc.claim) else {
            return Err(Unfit::unresolvable(format!(
                "persistentvolumeclaim {:?} not found",
                pc.claim
            )));
        };
        if access_modes(claim).contains(&"ReadWriteOncePod") {
            rwop.push(pc.claim);
        }
    }
    Ok(rwop)
}

/// `satisfyVolumeConflicts`: no other pod on the node mounts the same inline disk read-write.
pub fn disk_conflict<'a>(pod: &Value, node_pods: impl IntoIterator<Item = &'a Value>) -> bool {
    let volumes = array_at(pod, &["spec", "volumes"]);
    let uid = object::uid(pod);
    node_pods.into_iter().any(|p| {
        object::uid(p) != uid
            && volumes
                .iter()
                .any(|v| needs_restrictions_check(v) && volume_conflict(v, p))
    })
}

/// Whether another pod (of `scheduled`, same namespace) already uses one of `rwop`.
pub fn rwop_in_use<'a>(
    rwop: &[String],
    pod: &Value,
    scheduled: impl IntoIterator<Item = &'a Value>,
) -> bool {
    let (ns, uid) = (object::namespace(pod), object::uid(pod));
    !rwop.is_empty()
        && scheduled.into_iter().any(|p| {
            object::uid(p) != uid
                && object::namespace(p) == ns
                && pod_claims(p).iter().any(|c| rwop.contains(&c.claim))
        })
}

/// VolumeRestrictions over plain objects: a missing claim (unresolvable), an inline disk
/// already mounted read-write on the node, a ReadWriteOncePod claim already used by a
/// scheduled pod. `node_pods` are the pods on the node, `scheduled` every pod with a node.
pub fn volume_restrictions_filter(
    world: &VolumeWorld<'_>,
    pod: &Value,
    node_pods: &[Value],
    scheduled: &[Value],
) -> FilterResult {
    let rwop = rwop_claims(world, pod)?;
    if disk_conflict(pod, node_pods) {
        return Err(Unfit::unschedulable(ERR_DISK_CONFLICT));
    }
    if rwop_in_use(&rwop, pod, scheduled) {
        return Err(Unfit::unschedulable(ERR_RWOP_CONFLICT));
    }
    Ok(())
}

/// What VolumeRestrictions' PreFilter left in the cycle state.
#[derive(Debug, Clone, Default)]
pub struct PreFilterState {
    /// The pod needs no check (Skip).
    pub skip: bool,
    /// A ReadWriteOncePod claim of the pod is in use by a scheduled pod: no node fits.
    pub rwop_conflict: bool,
}

/// The PreFilter extension point (the ReadWriteOncePod check runs once, over every scheduled
/// pod of the pod's workspace).
pub fn pre_filter(c: &mut Cycle<'_>) {
    let pod = &c.pod.object;
    let volumes = array_at(pod, &["spec", "volumes"]);
    if volumes.is_empty() {
        c.volume_restrictions.skip = true;
        return;
    }
    let world = c.snapshot.storage.world(&c.pod.workspace);
    let rwop = match rwop_claims(&world, pod) {
        Ok(r) => r,
        Err(unfit) => {
            c.reject(unfit);
            return;
        }
    };
    let ws = &c.pod.workspace;
    let scheduled = c
        .snapshot
        .nodes
        .iter()
        .flat_map(|n| n.pods.iter())
        .filter(|p| &p.workspace == ws)
        .map(|p| &p.object);
    let conflict = rwop_in_use(&rwop, pod, scheduled);
    c.volume_restrictions = PreFilterState {
        skip: !conflict && !volumes.iter().any(needs_restrictions_check),
        rwop_conflict: conflict,
    };
}

/// The Filter extension point.
pub fn filter(c: &Cycle<'_>, node: &NodeInfo) -> FilterResult {
    let state = &c.volume_restrictions;
    if state.skip {
        return Ok(());
    }
    if disk_conflict(&c.pod.object, node.pods.iter().map(|p| &p.object)) {
        return Err(Unfit::unschedulable(ERR_DISK_CONFLICT));
    }
    if state.rwop_conflict {
        return Err(Unfit::unschedulable(ERR_RWOP_CONFLICT));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::volume::testing::{pod, pvc};
    use crate::json;
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
}
