//! What the nodes cost: $/hour of every running instance (its type, zone and capacity type
//! priced from the catalog), and dollars spent over virtual time, per NodePool and capacity
//! type. Instances Karpenter launched are billed from their launch to their termination
//! (per second, as EC2 bills Linux instances); nodes applied by hand that name a catalog
//! instance type are billed from their creation while they exist.
use super::state::State;
use crate::api::object;
use crate::cloud::catalog::{self, CapacityType};
use crate::server::Server;
use crate::sim::format_rfc3339;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One running instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeCost {
    /// The Node's name (the NodeClaim's until it registers).
    pub name: String,
    /// The NodeClaim, for instances Karpenter launched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nodeclaim: Option<String>,
    /// The NodePool (empty for nodes not launched by Karpenter).
    pub nodepool: String,
    /// `node.kubernetes.io/instance-type`.
    pub instance_type: String,
    /// `on-demand` or `spot`.
    pub capacity_type: String,
    /// The zone (empty when unknown).
    pub zone: String,
    /// $/hour.
    pub price_per_hour: f64,
    /// Since when it is billed.
    pub since: String,
    /// Dollars so far.
    pub spent: f64,
}

/// The cost of one NodePool and capacity type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PoolCost {
    /// The NodePool (empty: nodes not launched by Karpenter).
    pub nodepool: String,
    /// `on-demand` or `spot`.
    pub capacity_type: String,
    /// Instances running now.
    pub nodes: usize,
    /// $/hour now.
    pub price_per_hour: f64,
    /// Dollars spent so far (running and terminated instances).
    pub total: f64,
}

/// The cost report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CostReport {
    /// The virtual time of the report.
    pub now: String,
    /// Every running instance, by name.
    pub nodes: Vec<NodeCost>,
    /// Per NodePool and capacity type.
    pub by_node_pool: Vec<PoolCost>,
    /// $/hour of everything running now.
    pub price_per_hour: f64,
    /// Dollars spent since the first instance started.
    pub total: f64,
}

fn hours(ms: i64) -> f64 {
    ms.max(0) as f64 / 3_600_000.0
}

/// The report at the server's current time.
pub fn report(s: &Server, state: &State) -> CostReport {
    let now = s.clock.now_ms();
    let mut nodes = Vec::new();
    let mut pools: BTreeMap<(String, String), PoolCost> = BTreeMap::new();
    fn pool<'a>(
        pools: &'a mut BTreeMap<(String, String), PoolCost>,
        np: &str,
        ct: &str,
    ) -> &'a mut PoolCost {
        pools
            .entry((np.to_string(), ct.to_string()))
            .or_insert_with(|| PoolCost {
                nodepool: np.to_string(),
                capacity_type: ct.to_string(),
                nodes: 0,
                price_per_hour: 0.0,
                total: 0.0,
            })
    }
    for (key, spent) in &state.billing.spent {
        let (np, ct) = key.rsplit_once('/').unwrap_or((key.as_str(), ""));
        pool(&mut pools, np, ct).total += spent;
    }
    let mut claims_by_name: BTreeMap<String, String> = BTreeMap::new();
    for (_, c) in s
        .store
        .list(crate::server::ROOT, "nodeclaims.karpenter.sh", None)
    {
        if let Some(n) = object::str_at(c, &["status", "nodeName"]) {
            claims_by_name.insert(object::name(c).to_string(), n.to_string());
        }
    }
    for (claim, r) in &state.billing.running {
        let spent = hours(now - r.since_ms) * r.price;
        let p = pool(&mut pools, &r.nodepool, &r.capacity_type);
        p.nodes += 1;
        p.price_per_hour += r.price;
        p.total += spent;
        nodes.push(NodeCost {
            name: claims_by_name
                .get(claim)
                .cloned()
                .unwrap_or_else(|| claim.clone()),
            nodeclaim: Some(claim.clone()),
            nodepool: r.nodepool.clone(),
            instance_type: r.instance_type.clone(),
            capacity_type: r.capacity_type.clone(),
            zone: r.zone.clone(),
            price_per_hour: r.price,
            since: format_rfc3339(r.since_ms),
            spent,
        });
    }
    // Nodes not launched by Karpenter that name a catalog instance type.
    for (_, n) in s.store.list(crate::server::ROOT, "nodes", None) {
        let labels = object::labels(n);
        if labels.contains_key("karpenter.sh/nodepool") {
            continue;
        }
        let Some(it) = labels
            .get("node.kubernetes.io/instance-type")
            .and_then(|t| catalog::get(t))
        else {
            continue;
        };
        let ct = labels
            .get("karpenter.sh/capacity-type")
            .and_then(|c| CapacityType::parse(c))
            .unwrap_or(CapacityType::OnDemand);
        let zone = labels
            .get("topology.kubernetes.io/zone")
            .cloned()
            .unwrap_or_default();
        let price = it
            .price(
                ct,
                if zone.is_empty() {
                    catalog::ZONES[0]
                } else {
                    &zone
                },
            )
            .unwrap_or(it.on_demand_price);
        let since = object::str_at(n, &["metadata", "creationTimestamp"])
            .and_then(crate::sim::parse_rfc3339)
            .unwrap_or(now);
        let spent = hours(now - since) * price;
        let p = pool(&mut pools, "", ct.as_str());
        p.nodes += 1;
        p.price_per_hour += price;
        p.total += spent;
        nodes.push(NodeCost {
            name: object::name(n).to_string(),
            nodeclaim: None,
            nodepool: String::new(),
            instance_type: it.name.to_string(),
            capacity_type: ct.as_str().to_string(),
            zone,
            price_per_hour: price,
            since: format_rfc3339(since),
            spent,
        });
    }
    nodes.sort_by(|a, b| a.name.cmp(&b.name));
    let by_node_pool: Vec<PoolCost> = pools.into_values().collect();
    CostReport {
        now: format_rfc3339(now),
        price_per_hour: by_node_pool.iter().map(|p| p.price_per_hour).sum(),
        total: by_node_pool.iter().map(|p| p.total).sum(),
        nodes,
        by_node_pool,
    }
}
