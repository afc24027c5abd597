//! The fleet panel: the nodes as the cloud sees them (grouped by zone, with instance type,
//! capacity type and price), the NodeClaims Karpenter has in flight, what it all costs, and a
//! button to interrupt each spot node (it runs `kubectl sim node spot-interrupt NODE`).
use kplane::api::object::{self, array_at, str_at};
use kplane::api::Value;
use kplane::{ControlPlane, ListOptions};
use std::collections::BTreeMap;
use yew::prelude::*;

/// One node of the fleet.
#[derive(Debug, Clone, PartialEq)]
pub struct FleetNode {
    pub name: String,
    pub instance_type: String,
    pub capacity_type: String,
    pub nodepool: String,
    /// $/hour.
    pub price: f64,
    /// A spot interruption notice was sent.
    pub interrupted: bool,
}

/// A NodeClaim that is not Ready yet (or is going away).
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimRow {
    pub name: String,
    pub nodepool: String,
    /// The instance type, once launched.
    pub instance_type: String,
    /// `Launching`, `Registering`, `Initializing` or `Terminating`.
    pub phase: &'static str,
}

/// What the panel shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fleet {
    /// Zone → its nodes, by name.
    pub zones: Vec<(String, Vec<FleetNode>)>,
    pub in_flight: Vec<ClaimRow>,
    pub price_per_hour: f64,
    pub total: f64,
}

impl Fleet {
    /// Whether there is anything to show (priced nodes or NodeClaims).
    pub fn visible(&self) -> bool {
        !self.zones.is_empty() || !self.in_flight.is_empty()
    }
}

fn condition(o: &Value, kind: &str) -> bool {
    array_at(o, &["status", "conditions"])
        .iter()
        .any(|c| c["type"] == kind && c["status"] == "True")
}

/// Reads the fleet from the control plane.
pub fn fleet(cp: &ControlPlane) -> Fleet {
    let cost = cp.cost();
    let nodes: BTreeMap<String, Value> = cp
        .list_items(
            "root",
            &ListOptions {
                kind: "Node".into(),
                ..Default::default()
            },
        )
        .unwrap_or_default()
        .into_iter()
        .map(|n| (object::name(&n).to_string(), n))
        .collect();
    let mut zones: BTreeMap<String, Vec<FleetNode>> = BTreeMap::new();
    for c in &cost.nodes {
        let Some(node) = nodes.get(&c.name) else {
            continue;
        };
        let zone = if c.zone.is_empty() {
            "(no zone)".to_string()
        } else {
            c.zone.clone()
        };
        zones.entry(zone).or_default().push(FleetNode {
            name: c.name.clone(),
            instance_type: c.instance_type.clone(),
            capacity_type: c.capacity_type.clone(),
            nodepool: c.nodepool.clone(),
            price: c.price_per_hour,
            interrupted: str_at(
                node,
                &[
                    "metadata",
                    "annotations",
                    "sim.kplane.dev/spot-interruption",
                ],
            )
            .is_some(),
        });
    }
    let in_flight = cp
        .list_items(
            "root",
            &ListOptions {
                kind: "NodeClaim".into(),
                ..Default::default()
            },
        )
        .unwrap_or_default()
        .iter()
        .filter_map(|c| {
            let phase = if object::is_terminating(c) {
                "Terminating"
            } else if !condition(c, "Launched") {
                "Launching"
            } else if !condition(c, "Registered") {
                "Registering"
            } else if !condition(c, "Initialized") {
                "Initializing"
            } else {
                return None;
            };
            let label = |k: &str| object::labels(c).get(k).cloned().unwrap_or_default();
            Some(ClaimRow {
                name: object::name(c).to_string(),
                nodepool: label("karpenter.sh/nodepool"),
                instance_type: label("node.kubernetes.io/instance-type"),
                phase,
            })
        })
        .collect();
    Fleet {
        zones: zones.into_iter().collect(),
        in_flight,
        price_per_hour: cost.price_per_hour,
        total: cost.total,
    }
}

fn node_row(n: &FleetNode, on_interrupt: &Callback<String>) -> Html {
    let spot = n.capacity_type == "spot";
    let name = n.name.clone();
    let on_interrupt = on_interrupt.clone();
    html! {
        <li class={classes!("fleet-node", spot.then_some("spot"), n.interrupted.then_some("interrupted"))}
            data-node={n.name.clone()} data-instance-type={n.instance_type.clone()} data-capacity-type={n.capacity_type.clone()}>
            <span class="fleet-name" title={n.name.clone()}>{ n.name.clone() }</span>
            <span class="fleet-type">{ n.instance_type.clone() }</span>
            <span class={classes!("badge", "capacity", n.capacity_type.clone())}>{ n.capacity_type.clone() }</span>
            <span class="fleet-price">{ format!("${:.4}/h", n.price) }</span>
            if spot && !n.interrupted {
                <button class="node-action spot-interrupt" data-action="spot-interrupt"
                    title="Send EC2's two-minute spot interruption notice: Karpenter drains the node, EC2 reclaims it two minutes later (kubectl sim node spot-interrupt)"
                    onclick={Callback::from(move |_| on_interrupt.emit(name.clone()))}>{ "Interrupt" }</button>
            } else if n.interrupted {
                <span class="badge warn">{ "interrupted" }</span>
            }
        </li>
    }
}

/// The panel.
pub fn panel(f: &Fleet, on_interrupt: Callback<String>) -> Html {
    html! {
        <section id="fleet" data-testid="fleet" class="panel fleet-panel" aria-label="Fleet"
            data-price-per-hour={format!("{:.4}", f.price_per_hour)} data-in-flight={f.in_flight.len().to_string()}>
            <div class="panel-head">
                <h2>{ "Fleet" }</h2>
                <span class="fleet-cost" title="$/hour of the running nodes, and dollars spent so far (simulated EC2 prices, us-east-1)">
                    { format!("${:.3}/h · ${:.2} spent", f.price_per_hour, f.total) }
                </span>
            </div>
            <div class="fleet-zones">
                { for f.zones.iter().map(|(zone, nodes)| html! {
                    <div class="fleet-zone" data-zone={zone.clone()}>
                        <h3>{ zone.clone() }<span class="count">{ nodes.len() }</span></h3>
                        <ul>{ for nodes.iter().map(|n| node_row(n, &on_interrupt)) }</ul>
                    </div>
                }) }
            </div>
            if !f.in_flight.is_empty() {
                <div class="fleet-claims">
                    <h3>{ "NodeClaims in flight" }<span class="count">{ f.in_flight.len() }</span></h3>
                    <ul>
                        { for f.in_flight.iter().map(|c| html! {
                            <li class="fleet-claim" data-claim={c.name.clone()} data-phase={c.phase}>
                                <span class="fleet-name">{ c.name.clone() }</span>
                                <span class="fleet-type">{ if c.instance_type.is_empty() { "…".to_string() } else { c.instance_type.clone() } }</span>
                                <span class={classes!("badge", "phase", c.phase.to_ascii_lowercase())}>{ c.phase }</span>
                            </li>
                        }) }
                    </ul>
                </div>
            }
        </section>
    }
}
