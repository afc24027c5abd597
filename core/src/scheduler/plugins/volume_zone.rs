//! VolumeZone (pkg/scheduler/framework/plugins/volumezone): the zone and region labels of the
//! pod's bound PVs must match the node's.
use super::volume_binding::VolumeWorld;
use super::{FilterResult, Unfit};
use crate::api::object::{self, array_at, str_at};
use crate::api::volume::{claim_class, find_claim, find_class, find_volume};
use crate::api::Value;
use crate::scheduler::cycle::Cycle;
use crate::scheduler::NodeInfo;
use std::collections::BTreeSet;

/// VolumeZone's reason.
pub const ERR_VOLUME_ZONE: &str = "node(s) had no available volume zone";

/// The Filter extension point.
pub fn filter(c: &Cycle<'_>, node: &NodeInfo) -> FilterResult {
    if array_at(&c.pod.object, &["spec", "volumes"]).is_empty() {
        return Ok(());
    }
    let world = c.snapshot.storage.world(&c.pod.workspace);
    volume_zone_filter(&world, &c.pod.object, &node.object)
}

fn unresolvable(reason: impl Into<super::Reason>) -> Unfit {
    Unfit::unresolvable(reason)
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
            if crate::api::volume::binding_mode(c) == "WaitForFirstConsumer" {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::volume::testing::{node, pod, pv, pvc};
    use crate::api::volume::ANN_BIND_COMPLETED;
    use crate::json;
    fn bound(claim: &str, volume: &str) -> Value {
        let mut c = pvc(claim, "1Gi", &["ReadWriteOnce"], Some("gp3"));
        c["spec"]["volumeName"] = json!(volume);
        c["metadata"]["annotations"] = json!({ANN_BIND_COMPLETED: "yes"});
        c["status"]["phase"] = json!("Bound");
        c
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
}
