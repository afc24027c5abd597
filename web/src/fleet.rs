//! What the simulated cloud and Karpenter say about the nodes on the cards: the instance
//! type, capacity type and zone (the well-known labels Karpenter and EKS put on nodes), the
//! hourly price (`ControlPlane::cost`) and a one-line consolidation note
//! (`ControlPlane::explain_node`). Reads only.
use kplane::api::{object, Object};
use kplane::{ControlPlane, NodeSummary};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const INSTANCE_TYPE: &str = "node.kubernetes.io/instance-type";
pub const CAPACITY_TYPE: &str = "karpenter.sh/capacity-type";
pub const ZONE: &str = "topology.kubernetes.io/zone";
/// The label Karpenter puts on the nodes it launched.
pub const NODEPOOL: &str = "karpenter.sh/nodepool";

/// How many Karpenter nodes get a consolidation note (each note simulates the node's
/// removal: work proportional to the cluster).
pub const MAX_NOTES: usize = 12;

/// A node card's cloud line.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CloudInfo {
    /// `node.kubernetes.io/instance-type` (empty when not set).
    pub instance_type: String,
    /// `spot` or `on-demand` (`karpenter.sh/capacity-type`; empty when not set).
    pub capacity_type: String,
    /// `topology.kubernetes.io/zone` (empty when not set).
    pub zone: String,
    /// $/hour, when the instance type is priced.
    pub price_per_hour: Option<f64>,
    /// What consolidation thinks of the node (Karpenter's nodes only).
    pub consolidation: Option<String>,
}

impl CloudInfo {
    pub fn is_spot(&self) -> bool {
        self.capacity_type == "spot"
    }
}

/// Each priced node's $/hour (nothing when no node names an instance type).
pub fn prices(cp: &ControlPlane, nodes: &[NodeSummary]) -> BTreeMap<String, f64> {
    let info = kplane::api::kinds::by_kind(Some("v1"), "Node");
    let any = nodes.iter().any(|n| {
        info.and_then(|i| cp.server().get(kplane::server::ROOT, i, "", &n.name))
            .is_some_and(|o| object::labels(o).contains_key(INSTANCE_TYPE))
    });
    if !any {
        return BTreeMap::new();
    }
    cp.cost()
        .nodes
        .into_iter()
        .map(|n| (n.name, n.price_per_hour))
        .collect()
}

/// The cloud line of a node that carries any of the well-known cloud labels.
pub fn cloud_info(
    node: &Object,
    prices: &BTreeMap<String, f64>,
    notes: &BTreeMap<String, String>,
) -> Option<CloudInfo> {
    let labels = object::labels(node);
    let label = |k: &str| labels.get(k).cloned().unwrap_or_default();
    let info = CloudInfo {
        instance_type: label(INSTANCE_TYPE),
        capacity_type: label(CAPACITY_TYPE),
        zone: label(ZONE),
        price_per_hour: prices.get(object::name(node)).copied(),
        consolidation: notes.get(object::name(node)).cloned(),
    };
    (!info.instance_type.is_empty() || !info.capacity_type.is_empty() || !info.zone.is_empty())
        .then_some(info)
}

/// A consolidation note for each of the first [`MAX_NOTES`] nodes Karpenter launched.
pub fn consolidation_notes(cp: &ControlPlane, nodes: &[NodeSummary]) -> BTreeMap<String, String> {
    let info = kplane::api::kinds::by_kind(Some("v1"), "Node");
    nodes
        .iter()
        .filter(|n| {
            info.and_then(|i| cp.server().get(kplane::server::ROOT, i, "", &n.name))
                .is_some_and(|o| object::labels(o).contains_key(NODEPOOL))
        })
        .take(MAX_NOTES)
        .filter_map(|n| Some((n.name.clone(), note(cp, &n.name)?)))
        .collect()
}

/// One line from `explain_node`: the disruption under way, why the node is not a candidate,
/// or what consolidating it alone would do now.
fn note(cp: &ControlPlane, name: &str) -> Option<String> {
    let e = cp.explain_node(name)?;
    if let Some(c) = e.command {
        return Some(format!("Disrupting: {c}"));
    }
    if let Some(b) = e.blocked {
        return Some(format!("Not a consolidation candidate: {b}"));
    }
    let sim = e.simulation?;
    let wait = if e.consolidatable {
        ""
    } else {
        ", once consolidateAfter has passed"
    };
    Some(match sim.decision.as_str() {
        "delete" => format!(
            "Consolidation would delete it: its pods fit elsewhere (saves ${:.4}/h){wait}",
            sim.savings
        ),
        "replace" => format!(
            "Consolidation would replace it with a cheaper {} (saves ${:.4}/h){wait}",
            sim.replacement
                .as_ref()
                .and_then(|r| r.instance_types.first())
                .map_or("node", String::as_str),
            sim.savings
        ),
        _ => format!(
            "Kept: {}",
            sim.message
                .unwrap_or_else(|| "no cheaper way to run its pods".into())
        ),
    })
}

#[cfg(test)]
mod tests {
    use crate::apply::apply_documents;
    use crate::inspect::node_views;
    use crate::scenario::by_id;

    /// spot-interruption.yaml: Karpenter launches one spot node for the web pods; the card
    /// shows its type, capacity type, zone and price, and the spot interrupt action's
    /// command is accepted for it.
    #[test]
    fn spot_nodes_show_their_cloud_line_and_can_be_interrupted() {
        let mut cp = crate::history::fresh(1).unwrap();
        let out = apply_documents(
            &mut cp,
            "root",
            by_id("karpenter-spot-interruption").unwrap().manifest,
            false,
        );
        assert!(out.messages.is_empty(), "{:?}", out.messages);
        for _ in 0..2 {
            cp.advance(60.0).unwrap();
        }
        let nodes = cp.nodes();
        let notes = super::consolidation_notes(&cp, &nodes);
        let views = node_views(&cp, &nodes, 10, &notes);
        let spot = views
            .iter()
            .find(|v| v.cloud.as_ref().is_some_and(super::CloudInfo::is_spot))
            .expect("a spot node");
        let c = spot.cloud.as_ref().unwrap();
        assert!(!c.instance_type.is_empty() && !c.zone.is_empty(), "{c:?}");
        assert!(c.price_per_hour.is_some_and(|p| p > 0.0), "{c:?}");
        assert!(c.consolidation.is_some(), "{c:?}");
        let name = spot.summary.name.clone();
        let o = cp.kubectl(&crate::view::NodeAction::SpotInterrupt.command(&name), "");
        assert_eq!(o.exit_code, 0, "{}", o.stderr);
        assert_eq!(
            o.stdout,
            format!("node/{name} interrupted (reclaimed in 2m0s)\n")
        );
    }

    /// three-nodes.yaml labels only the zones: no instance type, no price.
    #[test]
    fn nodes_without_an_instance_type_show_their_zone_unpriced() {
        let mut cp = crate::history::fresh(1).unwrap();
        apply_documents(
            &mut cp,
            "root",
            by_id("three-nodes").unwrap().manifest,
            false,
        );
        let views = node_views(&cp, &cp.nodes(), 10, &Default::default());
        let zones: Vec<&str> = views
            .iter()
            .filter_map(|v| v.cloud.as_ref())
            .filter(|c| c.instance_type.is_empty() && c.price_per_hour.is_none())
            .map(|c| c.zone.as_str())
            .collect();
        assert_eq!(zones, ["zone-1", "zone-2", "zone-3"]);
    }

    #[test]
    fn consolidation_notes_say_what_karpenter_would_do() {
        let mut cp = crate::history::fresh(1).unwrap();
        apply_documents(
            &mut cp,
            "root",
            by_id("karpenter-scale-up").unwrap().manifest,
            false,
        );
        for _ in 0..2 {
            cp.advance(60.0).unwrap();
        }
        // Five pods of 1 CPU on the cheapest type that fits them (Karpenter's own words).
        let notes = super::consolidation_notes(&cp, &cp.nodes());
        let note = |n: &std::collections::BTreeMap<String, String>| {
            assert_eq!(n.len(), 1, "{n:?}");
            n.values().next().cloned().unwrap_or_default()
        };
        assert_eq!(note(&notes), "Kept: Can't replace with a cheaper node");
        // One pod left: a smaller type would do, once consolidateAfter (1m) has passed.
        cp.kubectl("scale deployment inflate --replicas=1", "");
        for _ in 0..5 {
            cp.advance(1.0).unwrap();
        }
        let n = note(&super::consolidation_notes(&cp, &cp.nodes()));
        assert!(
            n.starts_with("Consolidation would replace it with a cheaper ")
                && n.ends_with(", once consolidateAfter has passed"),
            "{n}"
        );
    }
}
