//! What disrupting a node costs, and when consolidation may replace nodes with a cheaper one.
//!
//! - Disruption cost (kubernetes-sigs/karpenter v1.13.0 `pkg/utils/disruption/disruption.go`
//!   `EvictionCost`, `ReschedulingCost`, `LifetimeRemaining`; `disruption/types.go`
//!   `NewCandidate`): each pod costs `clamp(1 + deletionCost/2^27 + priority/2^25, −10, 10)`,
//!   a node the sum over its pods times the fraction of its `expireAfter` still ahead.
//!   Candidates are tried cheapest first (`consolidation.go` `sortCandidates`).
//! - Consolidation's decision once the pods of the candidates have been re-scheduled in
//!   simulation (`consolidation.go` `computeConsolidation`, `computeSpotToSpotConsolidation`,
//!   `getCandidatePrices`; `multinodeconsolidation.go` `filterOutSameInstanceType`): DELETE
//!   when they all fit elsewhere, REPLACE only with a single new node whose every remaining
//!   option launches strictly cheaper than the candidates cost now, otherwise nothing.
use super::offering::{
    order_by_price, remove_by_price_and_min_values, satisfies_min_values, InstanceType,
};
use super::requirements::{Operator, Requirement, Requirements, Undefined, CAPACITY_TYPE_LABEL};
use crate::api::object::{i64_at, path};
use crate::api::Value;
use std::collections::{BTreeMap, BTreeSet};

/// `controller.kubernetes.io/pod-deletion-cost`.
pub const POD_DELETION_COST_ANNOTATION: &str = "controller.kubernetes.io/pod-deletion-cost";

/// `MinInstanceTypesForSpotToSpotConsolidation`.
pub const MIN_INSTANCE_TYPES_FOR_SPOT_TO_SPOT: usize = 15;

/// `EvictionCost`: `1 + deletionCost/2^27 + priority/2^25`, clamped to [−10, 10]. A
/// deletion cost that does not parse as a float is ignored (upstream logs it).
pub fn eviction_cost(pod: &Value) -> f64 {
    let mut cost = 1.0;
    if let Some(c) = path(
        pod,
        &["metadata", "annotations", POD_DELETION_COST_ANNOTATION],
    )
    .and_then(Value::as_str)
    .and_then(|s| s.trim().parse::<f64>().ok())
    {
        cost += c / 2f64.powi(27);
    }
    if let Some(p) = i64_at(pod, &["spec", "priority"]) {
        cost += p as f64 / 2f64.powi(25);
    }
    cost.clamp(-10.0, 10.0)
}

/// `ReschedulingCost`: the sum of the pods' eviction costs.
pub fn rescheduling_cost<'a>(pods: impl IntoIterator<Item = &'a Value>) -> f64 {
    pods.into_iter().map(eviction_cost).sum()
}

/// `LifetimeRemaining`: the fraction of `expireAfter` (nanoseconds; None for `Never`) still
/// ahead of a NodeClaim created at `created_ms`, in [0, 1].
pub fn lifetime_remaining(now_ms: i64, created_ms: i64, expire_after_ns: Option<i64>) -> f64 {
    let Some(total_ns) = expire_after_ns else {
        return 1.0;
    };
    let age = now_ms.saturating_sub(created_ms) as f64 / 1000.0;
    let total = total_ns as f64 / 1e9;
    ((total - age) / total).clamp(0.0, 1.0)
}

/// A candidate's disruption cost: rescheduling cost × lifetime remaining.
pub fn disruption_cost<'a>(
    pods: impl IntoIterator<Item = &'a Value>,
    now_ms: i64,
    created_ms: i64,
    expire_after_ns: Option<i64>,
) -> f64 {
    rescheduling_cost(pods) * lifetime_remaining(now_ms, created_ms, expire_after_ns)
}

/// `sortCandidates`: by disruption cost, cheapest first (stable, where upstream's
/// `sort.Slice` leaves ties in an unspecified order).
pub fn sort_by_disruption_cost<T>(candidates: &mut [T], cost: impl Fn(&T) -> f64) {
    candidates.sort_by(|a, b| cost(a).total_cmp(&cost(b)));
}

/// A node consolidation considers removing.
#[derive(Debug, Clone, Copy)]
pub struct PricedCandidate<'a> {
    /// Its instance type, None when the catalog does not know it.
    pub instance_type: Option<&'a InstanceType>,
    /// The node's labels (zone, capacity type, …).
    pub labels: &'a BTreeMap<String, String>,
}

impl PricedCandidate<'_> {
    /// The cheapest offering of its instance type that its labels match (its price now);
    /// None when it has no instance type or no matching offering.
    pub fn price(&self) -> Option<f64> {
        let it = self.instance_type?;
        let reqs =
            Requirements::from_labels(self.labels.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        it.offerings
            .iter()
            .filter(|o| reqs.is_compatible(&o.requirements, Undefined::AllowWellKnown))
            .map(|o| o.price)
            .reduce(f64::min)
    }

    fn is_spot(&self) -> bool {
        self.labels.get(CAPACITY_TYPE_LABEL).map(String::as_str) == Some("spot")
    }
}

/// `getCandidatePrices`: the summed prices of the candidates, 0 when any has no instance
/// type or no matching offering (modelled as free, so it is never replaced).
pub fn candidates_price(candidates: &[PricedCandidate<'_>]) -> f64 {
    let mut total = 0.0;
    for c in candidates {
        match c.price() {
            Some(p) => total += p,
            None => return 0.0,
        }
    }
    total
}

/// One NodeClaim the scheduling simulation would create.
#[derive(Debug, Clone)]
pub struct SimulatedNodeClaim<'a> {
    /// Its requirements.
    pub requirements: Requirements,
    /// Its instance type options.
    pub instance_types: Vec<&'a InstanceType>,
}

/// What consolidation decides for a set of candidates.
#[derive(Debug, Clone)]
pub enum Decision<'a> {
    /// Nothing to do. `event` is the `Unconsolidatable` Event message upstream publishes on
    /// the candidate (only for single-candidate commands).
    NoOp {
        /// The Event message, if one is published.
        event: Option<String>,
    },
    /// Delete the candidates: their pods fit on other nodes.
    Delete,
    /// Launch one node with these requirements and options, then delete the candidates.
    Replace(SimulatedNodeClaim<'a>),
}

/// `computeConsolidation` after `SimulateScheduling`: `unschedulable` is the simulation's
/// pod-error sentence when some pod could not be placed, `new_nodeclaims` the NodeClaims it
/// would create; `spot_to_spot` is the `SpotToSpotConsolidation` feature gate.
pub fn compute_consolidation<'a>(
    candidates: &[PricedCandidate<'_>],
    unschedulable: Option<String>,
    mut new_nodeclaims: Vec<SimulatedNodeClaim<'a>>,
    spot_to_spot: bool,
) -> Decision<'a> {
    let single = candidates.len() == 1;
    let noop = |msg: String| Decision::NoOp {
        event: single.then_some(msg),
    };
    if let Some(why) = unschedulable {
        return noop(why);
    }
    if new_nodeclaims.is_empty() {
        return Decision::Delete;
    }
    if new_nodeclaims.len() != 1 {
        return noop(format!(
            "Can't remove without creating {} candidates",
            new_nodeclaims.len()
        ));
    }
    let candidate_price = candidates_price(candidates);
    let all_spot = candidates.iter().all(PricedCandidate::is_spot);
    let mut nc = new_nodeclaims.remove(0);
    order_by_price(&mut nc.instance_types, &nc.requirements);
    if all_spot && nc.requirements.get(CAPACITY_TYPE_LABEL).has("spot") {
        return spot_to_spot_consolidation(single, nc, candidate_price, spot_to_spot);
    }
    match remove_by_price_and_min_values(&nc.instance_types, &nc.requirements, candidate_price) {
        Err(e) => return noop(format!("Filtering by price: {e}")),
        Ok(kept) if kept.is_empty() => return noop("Can't replace with a cheaper node".into()),
        Ok(kept) => nc.instance_types = kept,
    }
    // On-demand → [on-demand, spot]: the price filter assumed spot, so insist on it.
    let ct = nc.requirements.get(CAPACITY_TYPE_LABEL);
    if ct.has("spot") && ct.has("on-demand") {
        nc.requirements.add(Requirement::new(
            CAPACITY_TYPE_LABEL,
            Operator::In,
            &["spot"],
        ));
    }
    Decision::Replace(nc)
}

/// `computeSpotToSpotConsolidation`.
fn spot_to_spot_consolidation<'a>(
    single: bool,
    mut nc: SimulatedNodeClaim<'a>,
    candidate_price: f64,
    enabled: bool,
) -> Decision<'a> {
    let noop = |msg: String| Decision::NoOp {
        event: single.then_some(msg),
    };
    if !enabled {
        return noop(
            "SpotToSpotConsolidation is disabled, can't replace a spot node with a spot node"
                .into(),
        );
    }
    nc.requirements.add(Requirement::new(
        CAPACITY_TYPE_LABEL,
        Operator::In,
        &["spot"],
    ));
    nc.instance_types = super::offering::compatible(&nc.instance_types, &nc.requirements);
    match remove_by_price_and_min_values(&nc.instance_types, &nc.requirements, candidate_price) {
        Err(e) => return noop(format!("Filtering by price: {e}")),
        Ok(kept) if kept.is_empty() => return noop("Can't replace with a cheaper node".into()),
        Ok(kept) => nc.instance_types = kept,
    }
    if !single {
        return Decision::Replace(nc);
    }
    if nc.instance_types.len() < MIN_INSTANCE_TYPES_FOR_SPOT_TO_SPOT {
        return noop(format!(
            "SpotToSpotConsolidation requires {} cheaper instance type options than the current candidate to consolidate, got {}",
            MIN_INSTANCE_TYPES_FOR_SPOT_TO_SPOT,
            nc.instance_types.len()
        ));
    }
    let keep = if nc.requirements.has_min_values() {
        let needed = match satisfies_min_values(&nc.instance_types, &nc.requirements) {
            Ok(n) => n,
            Err(e) => e.needed,
        };
        needed.max(MIN_INSTANCE_TYPES_FOR_SPOT_TO_SPOT)
    } else {
        MIN_INSTANCE_TYPES_FOR_SPOT_TO_SPOT
    };
    nc.instance_types.truncate(keep);
    Decision::Replace(nc)
}

/// `filterOutSameInstanceType` (multi-node consolidation): when a replacement could be one
/// of the candidates' own types, it must be cheaper than the cheapest candidate of that type,
/// or deleting fewer nodes would do. An error when minValues break.
pub fn filter_out_same_instance_type<'a>(
    replacement: &SimulatedNodeClaim<'a>,
    candidates: &[PricedCandidate<'_>],
) -> Result<Vec<&'a InstanceType>, String> {
    let mut existing: BTreeSet<&str> = BTreeSet::new();
    let mut prices: BTreeMap<&str, f64> = BTreeMap::new();
    for c in candidates {
        let Some(it) = c.instance_type else {
            continue;
        };
        existing.insert(it.name());
        if let Some(p) = c.price() {
            let e = prices.entry(it.name()).or_insert(f64::MAX);
            *e = e.min(p);
        }
    }
    let mut max_price = f64::MAX;
    for it in &replacement.instance_types {
        if existing.contains(it.name()) {
            // Upstream reads a missing price as Go's zero value.
            max_price = max_price.min(prices.get(it.name()).copied().unwrap_or(0.0));
        }
    }
    remove_by_price_and_min_values(
        &replacement.instance_types,
        &replacement.requirements,
        max_price,
    )
    .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::eks::NodeConfig;
    use crate::controllers::karpenter::offering::catalog_instance_types;
    use crate::json;

    /// `EvictionCost`: default 1, deletion cost /2^27, priority /2^25, clamped to ±10.
    #[test]
    fn eviction_costs() {
        assert_eq!(eviction_cost(&json!({})), 1.0);
        let with = |cost: &str, prio: i64| {
            json!({"metadata": {"annotations": {POD_DELETION_COST_ANNOTATION: cost}},
                   "spec": {"priority": prio}})
        };
        assert_eq!(eviction_cost(&with("134217728", 0)), 2.0);
        assert_eq!(eviction_cost(&with("0", 33_554_432)), 2.0);
        // system-node-critical (2000001000) and the largest deletion cost clamp to 10.
        assert_eq!(eviction_cost(&with("0", 2_000_001_000)), 10.0);
        assert_eq!(eviction_cost(&with("2147483647", 0)), 10.0);
        // The smallest clamps to -10 ("one pod ~ -15 pods" before clamping).
        assert_eq!(eviction_cost(&with("-2147483647", 0)), -10.0);
        assert_eq!(eviction_cost(&with("not-a-number", 0)), 1.0);
        let pods = [json!({}), with("134217728", 0)];
        assert_eq!(rescheduling_cost(pods.iter()), 3.0);
    }

    /// `LifetimeRemaining` with the default `expireAfter: 720h`.
    #[test]
    fn lifetime_fraction() {
        let h = 3_600_000i64;
        let expire = Some(720 * 3_600_000_000_000);
        assert_eq!(lifetime_remaining(0, 0, expire), 1.0);
        assert_eq!(lifetime_remaining(360 * h, 0, expire), 0.5);
        assert_eq!(lifetime_remaining(1000 * h, 0, expire), 0.0);
        assert_eq!(lifetime_remaining(1000 * h, 0, None), 1.0);
        let pods = [json!({}), json!({})];
        assert_eq!(disruption_cost(pods.iter(), 540 * h, 0, expire), 0.5);
        let mut costs = vec![3.0, 1.0, 2.0, 1.0];
        sort_by_disruption_cost(&mut costs, |c| *c);
        assert_eq!(costs, [1.0, 1.0, 2.0, 3.0]);
    }

    fn labels(it: &str, zone: &str, ct: &str) -> BTreeMap<String, String> {
        [
            ("node.kubernetes.io/instance-type", it),
            ("topology.kubernetes.io/zone", zone),
            (CAPACITY_TYPE_LABEL, ct),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    fn claim<'a>(all: &'a [InstanceType], names: &[&str], ct: &[&str]) -> SimulatedNodeClaim<'a> {
        let mut requirements = Requirements::new();
        requirements.add(Requirement::new(CAPACITY_TYPE_LABEL, Operator::In, ct));
        SimulatedNodeClaim {
            requirements,
            instance_types: names
                .iter()
                .map(|n| all.iter().find(|t| t.name() == *n).expect(n))
                .collect(),
        }
    }

    fn noop_event(d: &Decision) -> Option<Option<String>> {
        match d {
            Decision::NoOp { event } => Some(event.clone()),
            _ => None,
        }
    }

    /// The reference's consolidation vectors: pods fit elsewhere → DELETE; one strictly
    /// cheaper new node → REPLACE; the cheapest replacement costs the same or more → no-op.
    #[test]
    fn delete_replace_or_nothing() {
        let all = catalog_instance_types(&NodeConfig::default());
        let m5l = labels("m5.large", "us-east-1a", "on-demand");
        let m5 = all.iter().find(|t| t.name() == "m5.large");
        let cand = [PricedCandidate {
            instance_type: m5,
            labels: &m5l,
        }];
        assert_eq!(candidates_price(&cand), 0.096);
        // DELETE.
        assert!(matches!(
            compute_consolidation(&cand, None, vec![], false),
            Decision::Delete
        ));
        // REPLACE with the cheaper t3.medium (0.0416); m5.large itself (0.096, not strictly
        // cheaper) and m5.xlarge are dropped.
        let nc = claim(
            &all,
            &["m5.xlarge", "m5.large", "t3.medium"],
            &["on-demand"],
        );
        match compute_consolidation(&cand, None, vec![nc], false) {
            Decision::Replace(r) => {
                let names: Vec<&str> = r.instance_types.iter().map(|t| t.name()).collect();
                assert_eq!(names, ["t3.medium"]);
            }
            other => panic!("expected a replace, got {other:?}"),
        }
        // Same price → no-op.
        let same = claim(&all, &["m5.large", "m5.xlarge"], &["on-demand"]);
        assert_eq!(
            noop_event(&compute_consolidation(&cand, None, vec![same], false)),
            Some(Some("Can't replace with a cheaper node".into()))
        );
        // Two new nodes → no-op.
        let two = vec![
            claim(&all, &["t3.medium"], &["on-demand"]),
            claim(&all, &["t3.medium"], &["on-demand"]),
        ];
        assert_eq!(
            noop_event(&compute_consolidation(&cand, None, two, false)),
            Some(Some("Can't remove without creating 2 candidates".into()))
        );
        // A pod that fits nowhere → no-op with the simulation's words.
        assert_eq!(
            noop_event(&compute_consolidation(
                &cand,
                Some("pod default/web has no place".into()),
                vec![],
                false
            )),
            Some(Some("pod default/web has no place".into()))
        );
    }

    /// On-demand → [on-demand, spot]: priced as spot, then forced to spot.
    #[test]
    fn on_demand_replaced_by_spot_is_forced_to_spot() {
        let all = catalog_instance_types(&NodeConfig::default());
        let l = labels("m5.large", "us-east-1a", "on-demand");
        let cand = [PricedCandidate {
            instance_type: all.iter().find(|t| t.name() == "m5.large"),
            labels: &l,
        }];
        let nc = claim(&all, &["m5.large"], &["on-demand", "spot"]);
        match compute_consolidation(&cand, None, vec![nc], false) {
            Decision::Replace(r) => {
                assert_eq!(
                    r.requirements.get(CAPACITY_TYPE_LABEL).to_string(),
                    "karpenter.sh/capacity-type In [spot]"
                );
                // m5.large on spot is cheaper than m5.large on-demand.
                assert_eq!(r.instance_types.len(), 1);
            }
            other => panic!("expected a replace, got {other:?}"),
        }
    }

    /// Spot → spot needs the feature gate and at least 15 cheaper options, and keeps 15.
    #[test]
    fn spot_to_spot() {
        let all = catalog_instance_types(&NodeConfig::default());
        let l = labels("m5.4xlarge", "us-east-1a", "spot");
        let cand = [PricedCandidate {
            instance_type: all.iter().find(|t| t.name() == "m5.4xlarge"),
            labels: &l,
        }];
        let cheap: Vec<&str> = all
            .iter()
            .filter(|t| t.info.vcpu <= 8 && t.info.gpu.is_none())
            .map(|t| t.name())
            .collect();
        assert!(cheap.len() > 15);
        let off = compute_consolidation(&cand, None, vec![claim(&all, &cheap, &["spot"])], false);
        assert_eq!(
            noop_event(&off),
            Some(Some(
                "SpotToSpotConsolidation is disabled, can't replace a spot node with a spot node"
                    .into()
            ))
        );
        match compute_consolidation(&cand, None, vec![claim(&all, &cheap, &["spot"])], true) {
            Decision::Replace(r) => {
                assert_eq!(r.instance_types.len(), MIN_INSTANCE_TYPES_FOR_SPOT_TO_SPOT);
                // Cheapest first.
                let p: Vec<f64> = r
                    .instance_types
                    .iter()
                    .map(|t| t.cheapest_price(&r.requirements))
                    .collect();
                assert!(p.windows(2).all(|w| w[0] <= w[1]), "{p:?}");
            }
            other => panic!("expected a replace, got {other:?}"),
        }
        let few = claim(&all, &["t3.medium", "t3.large"], &["spot"]);
        assert_eq!(
            noop_event(&compute_consolidation(&cand, None, vec![few], true)),
            Some(Some("SpotToSpotConsolidation requires 15 cheaper instance type options than the current candidate to consolidate, got 2".into()))
        );
    }

    /// The example of `filterOutSameInstanceType`'s doc comment: candidates
    /// [t3a.2xlarge, t3a.2xlarge, t3a.small] and options [t3a.nano, t3a.small, t3a.xlarge,
    /// t3a.2xlarge] leave only t3a.nano.
    #[test]
    fn multi_node_filters_out_its_own_types() {
        let all = catalog_instance_types(&NodeConfig::default());
        let find = |n: &str| all.iter().find(|t| t.name() == n);
        let a = labels("t3a.2xlarge", "us-east-1a", "on-demand");
        let b = labels("t3a.small", "us-east-1a", "on-demand");
        let cands = [
            PricedCandidate {
                instance_type: find("t3a.2xlarge"),
                labels: &a,
            },
            PricedCandidate {
                instance_type: find("t3a.2xlarge"),
                labels: &a,
            },
            PricedCandidate {
                instance_type: find("t3a.small"),
                labels: &b,
            },
        ];
        let nc = claim(
            &all,
            &["t3a.nano", "t3a.small", "t3a.xlarge", "t3a.2xlarge"],
            &["on-demand"],
        );
        let kept = filter_out_same_instance_type(&nc, &cands).expect("no minValues");
        assert_eq!(
            kept.iter().map(|t| t.name()).collect::<Vec<_>>(),
            ["t3a.nano"]
        );
    }

    /// A candidate without an instance type is modelled as free: never replaced.
    #[test]
    fn unknown_instance_type_is_free() {
        let l = labels("x9.huge", "us-east-1a", "on-demand");
        let cand = [PricedCandidate {
            instance_type: None,
            labels: &l,
        }];
        assert_eq!(candidates_price(&cand), 0.0);
    }
}
