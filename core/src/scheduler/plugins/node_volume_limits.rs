//! NodeVolumeLimits (pkg/scheduler/framework/plugins/nodevolumelimits/csi.go): the attachable
//! CSI volumes on a node stay within the limits its `CSINode` reports per driver.
use super::volume_binding::VolumeWorld;
use super::{FilterResult, Unfit};
use crate::api::object::{self, array_at, path, str_at};
use crate::api::volume::csi::attachable_volumes;
use crate::api::volume::{claim_class, find_claim, find_class, find_volume, pod_claims};
use crate::api::Value;
use crate::scheduler::cycle::Cycle;
use crate::scheduler::NodeInfo;
use std::collections::{BTreeMap, BTreeSet};

/// NodeVolumeLimits' reason.
pub const ERR_MAX_VOLUME_COUNT: &str = "node(s) exceed max volume count";

/// The Filter extension point: the node's pods (of every workspace) count with the
/// attachable volumes their own claims resolve to.
pub fn filter(c: &Cycle<'_>, node: &NodeInfo) -> FilterResult {
    if array_at(&c.pod.object, &["spec", "volumes"]).is_empty() {
        return Ok(());
    }
    let storage = &c.snapshot.storage;
    let world = storage.world(&c.pod.workspace);
    let attached: Vec<BTreeSet<String>> = node
        .pods
        .iter()
        .filter(|p| p.uid != c.pod.uid)
        .map(|p| {
            let w = storage.world(&p.workspace);
            attachable_volumes(&p.object, w.claims, w.volumes)
        })
        .collect();
    node_volume_limits_filter(&world, &c.pod.object, &node.name, &attached)
}

fn unresolvable(reason: impl Into<super::Reason>) -> Unfit {
    Unfit::unresolvable(reason)
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
        if crate::api::volume::csi::driver(&driver).is_some_and(|d| !d.attach_required) {
            continue;
        }
        out.insert(format!("{driver}/{handle}"), driver);
    }
    Ok(out)
}

/// NodeVolumeLimits (CSI): the pod's new attachable volumes per driver, plus those the node's
/// pods already attach (`attached`: each pod's attachable volumes; each volume counted once),
/// must stay within the node's `CSINode` limits.
pub fn node_volume_limits_filter(
    world: &VolumeWorld<'_>,
    pod: &Value,
    node: &str,
    attached: &[BTreeSet<String>],
) -> FilterResult {
    if array_at(pod, &["spec", "volumes"]).is_empty() {
        return Ok(());
    }
    let mut new = new_pod_volumes(world, pod)?;
    if new.is_empty() {
        return Ok(());
    }
    let csi_node = world.csi_nodes.iter().find(|n| object::name(n) == node);
    let limits = node_volume_limits(csi_node);
    if limits.is_empty() {
        return Ok(());
    }
    let mut counts: BTreeMap<String, i64> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for key in attached.iter().flatten() {
        if seen.insert(key.clone()) {
            new.remove(key);
            let driver = key.split('/').next().unwrap_or("").to_string();
            *counts.entry(driver).or_default() += 1;
        }
    }
    let mut wanted: BTreeMap<&str, i64> = BTreeMap::new();
    for d in new.values() {
        *wanted.entry(d).or_default() += 1;
    }
    for (driver, count) in wanted {
        if let Some(max) = limits.get(driver) {
            if counts
                .get(driver)
                .copied()
                .unwrap_or(0)
                .saturating_add(count)
                > *max
            {
                return Err(Unfit::unschedulable(ERR_MAX_VOLUME_COUNT));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::volume::testing::{bound, pod, zonal};
    use crate::json;

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
        let n1 = "n1";
        let running = [attachable_volumes(
            &pod("a", &["c1", "c2"]),
            &claims,
            &volumes,
        )];
        assert_eq!(
            node_volume_limits_filter(&w, &pod("b", &["c3"]), n1, &running),
            Err(Unfit::unschedulable(ERR_MAX_VOLUME_COUNT))
        );
        // A volume already attached on the node is not counted twice.
        assert!(node_volume_limits_filter(&w, &pod("b", &["c1"]), n1, &running).is_ok());
        assert!(node_volume_limits_filter(&w, &pod("b", &["c3"]), n1, &[]).is_ok());
    }
}
