//! Instance types and their offerings as Karpenter sees them, and the choices made with them:
//! which types fit a NodeClaim's pods plus DaemonSet overhead within NodePool limits
//! (kubernetes-sigs/karpenter v1.13.0 `provisioning/scheduling/nodeclaim.go`
//! `filterInstanceTypesByRequirements`, `scheduler.go` `filterByRemainingResources`,
//! `subtractMax`, `getDaemonOverhead`), how they are ordered and truncated
//! (`cloudprovider/types.go` `OrderByPrice`, `Truncate`, `SatisfiesMinValues`), consolidation's
//! price filter (`RemoveInstanceTypeOptionsByPriceAndMinValues`, `WorstLaunchPrice`), and the
//! launch choice of karpenter-provider-aws v1.13.0 (`pkg/providers/instance/instance.go`
//! `filterInstanceTypes`, `getCapacityType`; CreateFleet `lowest-price` on-demand,
//! `price-capacity-optimized` spot).
//!
//! Sorting differs from upstream in one way: Go's `sort.Slice` is not stable, so equal-priced
//! instance types come out in an unspecified order there; here they keep their input order
//! (the catalog's order), which makes every run identical.
use super::requirements::{
    Operator, Requirement, Requirements, Undefined, CAPACITY_TYPE_LABEL, INSTANCE_TYPE_LABEL,
    ZONE_LABEL,
};
use super::resources::{ResourceList, NODES};
use crate::api::object::array_at;
use crate::api::Value;
use crate::cloud::catalog::{self, CapacityType, InstanceTypeInfo};
use crate::cloud::eks::{self, NodeConfig};
use crate::scheduler::plugins::taint_toleration::tolerates;
use crate::scheduler::{Taint, Toleration};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// `scheduling.MaxInstanceTypes`: how many instance types a NodeClaim keeps (600 since
/// v1.10; 60 before), `provisioning/scheduling/nodeclaimtemplate.go`.
pub const MAX_INSTANCE_TYPES: usize = 600;

/// karpenter-provider-aws `maxInstanceTypes`: how many types one CreateFleet call gets.
pub const MAX_LAUNCH_INSTANCE_TYPES: usize = 60;

const RESERVATION_ID_LABEL: &str = "karpenter.k8s.aws/capacity-reservation-id";
const RESERVATION_TYPE_LABEL: &str = "karpenter.k8s.aws/capacity-reservation-type";
const RESERVATION_INTERRUPTIBLE_LABEL: &str =
    "karpenter.k8s.aws/capacity-reservation-interruptible";

/// Where an instance type can be bought: one zone and capacity type, with its price
/// (`cloudprovider.Offering`).
#[derive(Debug, Clone, PartialEq)]
pub struct Offering {
    /// The zone.
    pub zone: &'static str,
    /// On-demand or spot.
    pub capacity_type: CapacityType,
    /// $/hour.
    pub price: f64,
    /// False while EC2 has no capacity for it (insufficient capacity, interruptions).
    pub available: bool,
    /// capacity-type In [ct], zone In [zone], and the capacity-reservation labels
    /// DoesNotExist (karpenter-provider-aws `createOfferings`).
    pub requirements: Requirements,
}

impl Offering {
    /// An offering of `capacity_type` in `zone` at `price`.
    pub fn new(zone: &'static str, capacity_type: CapacityType, price: f64) -> Offering {
        let mut requirements = Requirements::new();
        requirements.add(Requirement::new(
            CAPACITY_TYPE_LABEL,
            Operator::In,
            &[capacity_type.as_str()],
        ));
        requirements.add(Requirement::new(ZONE_LABEL, Operator::In, &[zone]));
        for key in [
            RESERVATION_ID_LABEL,
            RESERVATION_TYPE_LABEL,
            RESERVATION_INTERRUPTIBLE_LABEL,
        ] {
            requirements.add(Requirement::new(key, Operator::DoesNotExist, &[]));
        }
        Offering {
            zone,
            capacity_type,
            price,
            available: true,
            requirements,
        }
    }

    /// Whether requirements `reqs` accept this offering (`reqs.IsCompatible(offering,
    /// AllowUndefinedWellKnownLabels)`).
    pub fn is_compatible(&self, reqs: &Requirements) -> bool {
        reqs.is_compatible(&self.requirements, Undefined::AllowWellKnown)
    }
}

/// An instance type as Karpenter schedules with it (`cloudprovider.InstanceType`).
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceType {
    /// The catalog entry.
    pub info: &'static InstanceTypeInfo,
    /// What nodes of this type look like (labels as requirements).
    pub requirements: Requirements,
    /// Zones × capacity types.
    pub offerings: Vec<Offering>,
    /// Full capacity.
    pub capacity: ResourceList,
    /// kube-reserved + system-reserved + eviction thresholds.
    pub overhead: ResourceList,
    /// Capacity − overhead.
    pub allocatable: ResourceList,
}

impl InstanceType {
    /// The instance type's name.
    pub fn name(&self) -> &'static str {
        self.info.name
    }

    /// The instance type as karpenter-provider-aws `NewInstanceType` builds it for a node
    /// class, offered on-demand and spot in `zones` at the catalog's prices.
    pub fn from_catalog(
        info: &'static InstanceTypeInfo,
        config: &NodeConfig,
        zones: &[&'static str],
    ) -> InstanceType {
        let shape = eks::node_shape(info, config);
        let list = |r: &eks::NodeResources, all: bool| {
            let mut l = ResourceList::new();
            l.set("cpu", r.cpu_milli);
            l.set("memory", r.memory_bytes);
            l.set("ephemeral-storage", r.ephemeral_storage_bytes);
            if all {
                l.set("pods", r.pods);
                for (k, v) in [
                    ("nvidia.com/gpu", r.nvidia_gpus),
                    ("vpc.amazonaws.com/pod-eni", r.pod_enis),
                    ("vpc.amazonaws.com/efa", r.efas),
                ] {
                    if v != 0 {
                        l.set(k, v);
                    }
                }
            }
            l
        };
        let capacity = list(&shape.capacity, true);
        let overhead = ResourceList::merge([
            &list(&shape.kube_reserved, false),
            &list(&shape.system_reserved, false),
            &list(&shape.eviction_threshold, false),
        ]);
        let allocatable = list(&shape.allocatable, true);
        let mut offerings = Vec::new();
        for zone in zones {
            for ct in [CapacityType::OnDemand, CapacityType::Spot] {
                if let Some(price) = info.price(ct, zone) {
                    offerings.push(Offering::new(zone, ct, price));
                }
            }
        }
        InstanceType {
            info,
            requirements: instance_requirements(info, config, zones),
            offerings,
            capacity,
            overhead,
            allocatable,
        }
    }

    /// `Offerings.Available().HasCompatible(reqs)`.
    pub fn has_compatible_available_offering(&self, reqs: &Requirements) -> bool {
        self.offerings
            .iter()
            .any(|o| o.available && o.is_compatible(reqs))
    }

    /// The cheapest available offering `reqs` accepts, as `OrderByPrice` prices a type
    /// (`f64::MAX` when there is none).
    pub fn cheapest_price(&self, reqs: &Requirements) -> f64 {
        self.offerings
            .iter()
            .filter(|o| o.available && o.is_compatible(reqs))
            .map(|o| o.price)
            .fold(f64::MAX, f64::min)
    }

    /// `Offerings.Available().WorstLaunchPrice(reqs)`: the most expensive compatible
    /// offering of the capacity type a launch would use (reserved, then spot, then
    /// on-demand); `f64::MAX` when there is none.
    pub fn worst_launch_price(&self, reqs: &Requirements) -> f64 {
        for ct in [CapacityType::Spot, CapacityType::OnDemand] {
            let prices = self
                .offerings
                .iter()
                .filter(|o| o.available && o.capacity_type == ct && o.is_compatible(reqs))
                .map(|o| o.price);
            if let Some(worst) = prices.reduce(f64::max) {
                return worst;
            }
        }
        f64::MAX
    }

    /// Whether the type has GPUs or is bare metal (`ExoticInstanceTypeFilter`).
    pub fn is_exotic(&self) -> bool {
        self.info.size().contains("metal") || self.capacity.value("nvidia.com/gpu") != 0
    }
}

/// `computeRequirements`: the instance type's labels as requirements (every well-known
/// label, DoesNotExist where the type has no value).
fn instance_requirements(
    it: &InstanceTypeInfo,
    config: &NodeConfig,
    zones: &[&'static str],
) -> Requirements {
    let mut r = Requirements::new();
    let mut add = |key: &str, op: Operator, values: &[&str]| {
        r.add(Requirement::new(key, op, values));
    };
    let os_values: Vec<&str> =
        if config.ami_family.os() == "windows" && it.arch != catalog::Arch::Amd64 {
            Vec::new()
        } else {
            vec![config.ami_family.os()]
        };
    let aws = |s: &str| format!("karpenter.k8s.aws/instance-{s}");
    let s = |n: u64| n.to_string();
    let vcpu = s(u64::from(it.vcpu));
    let memory = s(it.memory_mib);
    let clock = s(u64::from(it.cpu_clock_mhz));
    let ebs = s(u64::from(it.ebs_bandwidth_mbps));
    let net = s(u64::from(it.network_bandwidth_mbps));
    let nvme = s(u64::from(it.local_nvme_gb));
    add(INSTANCE_TYPE_LABEL, Operator::In, &[it.name]);
    add("kubernetes.io/arch", Operator::In, &[it.arch.as_str()]);
    add("kubernetes.io/os", Operator::In, &os_values);
    add(ZONE_LABEL, Operator::In, zones);
    add(
        "topology.kubernetes.io/region",
        Operator::In,
        &[catalog::REGION],
    );
    match config.ami_family.windows_build() {
        Some(b) => add("node.kubernetes.io/windows-build", Operator::In, &[b]),
        None => add(
            "node.kubernetes.io/windows-build",
            Operator::DoesNotExist,
            &[],
        ),
    }
    add(CAPACITY_TYPE_LABEL, Operator::In, &["on-demand", "spot"]);
    add(&aws("cpu"), Operator::In, &[&vcpu]);
    add(
        &aws("cpu-manufacturer"),
        Operator::In,
        &[it.cpu_manufacturer],
    );
    add(
        &aws("cpu-sustained-clock-speed-mhz"),
        Operator::In,
        &[&clock],
    );
    add(&aws("memory"), Operator::In, &[&memory]);
    add(&aws("ebs-bandwidth"), Operator::In, &[&ebs]);
    add(&aws("network-bandwidth"), Operator::In, &[&net]);
    match it.category_and_generation() {
        Some((c, g)) => {
            add(&aws("category"), Operator::In, &[c]);
            add(&aws("generation"), Operator::In, &[g]);
        }
        None => {
            add(&aws("category"), Operator::DoesNotExist, &[]);
            add(&aws("generation"), Operator::DoesNotExist, &[]);
        }
    }
    add(&aws("capability-flex"), Operator::In, &["false"]);
    add(&aws("family"), Operator::In, &[it.family()]);
    add(&aws("size"), Operator::In, &[it.size()]);
    if it.local_nvme_gb > 0 {
        add(&aws("local-nvme"), Operator::In, &[&nvme]);
    } else {
        add(&aws("local-nvme"), Operator::DoesNotExist, &[]);
    }
    match it.gpu {
        Some(g) => {
            let count = s(u64::from(g.count));
            let mem = s(g.memory_mib);
            add(&aws("gpu-name"), Operator::In, &[g.name]);
            add(&aws("gpu-manufacturer"), Operator::In, &[g.manufacturer]);
            add(&aws("gpu-count"), Operator::In, &[&count]);
            add(&aws("gpu-memory"), Operator::In, &[&mem]);
        }
        None => {
            for k in ["gpu-name", "gpu-manufacturer", "gpu-count", "gpu-memory"] {
                add(&aws(k), Operator::DoesNotExist, &[]);
            }
        }
    }
    for k in [
        "accelerator-name",
        "accelerator-manufacturer",
        "accelerator-count",
    ] {
        add(&aws(k), Operator::DoesNotExist, &[]);
    }
    add(&aws("hypervisor"), Operator::In, &[it.hypervisor]);
    add(
        &aws("encryption-in-transit-supported"),
        Operator::In,
        &[if it.encryption_in_transit {
            "true"
        } else {
            "false"
        }],
    );
    add(&aws("tenancy"), Operator::In, &["default", "dedicated"]);
    let ids: Vec<&str> = zones.iter().filter_map(|z| catalog::zone_id(z)).collect();
    if !ids.is_empty() {
        add("topology.k8s.aws/zone-id", Operator::In, &ids);
    }
    for key in [
        RESERVATION_ID_LABEL,
        RESERVATION_TYPE_LABEL,
        RESERVATION_INTERRUPTIBLE_LABEL,
    ] {
        add(key, Operator::DoesNotExist, &[]);
    }
    r
}

/// Every catalog type for a node class, offered in every zone of the region (what
/// `GetInstanceTypes` returns for a NodePool), in the catalog's order.
pub fn catalog_instance_types(config: &NodeConfig) -> Vec<InstanceType> {
    catalog::all()
        .iter()
        .map(|info| InstanceType::from_catalog(info, config, &catalog::ZONES))
        .collect()
}

/// `InstanceTypes.OrderByPrice`: cheapest available compatible offering first (stable).
pub fn order_by_price(its: &mut [&InstanceType], reqs: &Requirements) {
    let mut keyed: Vec<(f64, &InstanceType)> = its
        .iter()
        .map(|it| (it.cheapest_price(reqs), *it))
        .collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (slot, (_, it)) in its.iter_mut().zip(keyed) {
        *slot = it;
    }
}

/// `InstanceTypes.Compatible`: the types with an available offering `reqs` accept.
pub fn compatible<'a>(its: &[&'a InstanceType], reqs: &Requirements) -> Vec<&'a InstanceType> {
    its.iter()
        .copied()
        .filter(|it| it.has_compatible_available_offering(reqs))
        .collect()
}

/// `minValues` not met by a list of instance types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MinValuesError {
    /// How many types were looked at.
    pub needed: usize,
    /// Each key whose `minValues` is not met, with the number of distinct values found.
    pub unsatisfied: BTreeMap<String, usize>,
}

impl fmt::Display for MinValuesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("minValues requirement is not met for label(s)")
    }
}

/// `InstanceTypes.SatisfiesMinValues`: how many of the (ordered) types are needed before
/// every requirement with `minValues` sees that many distinct values; 0 without minValues.
pub fn satisfies_min_values(
    its: &[&InstanceType],
    reqs: &Requirements,
) -> Result<usize, MinValuesError> {
    if !reqs.has_min_values() {
        return Ok(0);
    }
    let with_min: Vec<(&str, usize)> = reqs
        .iter()
        .filter_map(|r| Some((r.key.as_str(), usize::try_from(r.min_values?).unwrap_or(0))))
        .collect();
    let mut seen: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let mut unsatisfied: BTreeMap<String, usize> = BTreeMap::new();
    for (i, it) in its.iter().enumerate() {
        for (key, _) in &with_min {
            let set = seen.entry(key).or_default();
            set.extend(it.requirements.get(key).values().map(str::to_string));
        }
        for (key, min) in &with_min {
            let n = seen.get(key).map_or(0, BTreeSet::len);
            if n < *min {
                unsatisfied.insert(key.to_string(), n);
            } else {
                unsatisfied.remove(*key);
            }
        }
        if unsatisfied.is_empty() {
            return Ok(i + 1);
        }
    }
    if unsatisfied.is_empty() {
        Ok(its.len())
    } else {
        Err(MinValuesError {
            needed: its.len(),
            unsatisfied,
        })
    }
}

/// `InstanceTypes.Truncate`: the `max` cheapest types; with minValues (and the `Strict`
/// minValues policy, `best_effort = false`) an error when the truncated list breaks them.
pub fn truncate<'a>(
    mut its: Vec<&'a InstanceType>,
    reqs: &Requirements,
    max: usize,
    best_effort: bool,
) -> Result<Vec<&'a InstanceType>, String> {
    order_by_price(&mut its, reqs);
    its.truncate(max);
    if reqs.has_min_values() && !best_effort {
        if let Err(e) = satisfies_min_values(&its, reqs) {
            return Err(format!("validating minValues, {e}"));
        }
    }
    Ok(its)
}

/// Why no instance type could take a pod (`InstanceTypeFilterError`), with upstream's
/// message for each combination of failed criteria.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceTypeFilterError {
    requirements_met: bool,
    fits: bool,
    has_offering: bool,
    requirements_and_fits: bool,
    requirements_and_offering: bool,
    fits_and_offering: bool,
    min_values: Option<MinValuesError>,
    requirements: String,
    pod_requests: ResourceList,
    daemon_requests: ResourceList,
}

impl fmt::Display for InstanceTypeFilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tail = format!(
            "requirements={}, resources={}",
            self.requirements,
            ResourceList::merge([&self.daemon_requests, &self.pod_requests])
        );
        if let Some(e) = &self.min_values {
            return write!(f, "{e}, {tail}");
        }
        let (r, fi, o) = (self.requirements_met, self.fits, self.has_offering);
        let msg = if !r && !fi && !o {
            "no instance type met the scheduling requirements or had enough resources or had a required offering"
        } else if !r && !fi {
            "no instance type met the scheduling requirements or had enough resources"
        } else if !r && !o {
            "no instance type met the scheduling requirements or had a required offering"
        } else if !fi && !o {
            "no instance type had enough resources or had a required offering"
        } else if !r {
            "no instance type met all requirements"
        } else if !fi {
            let mut m = format!("no instance type has enough resources, {tail}");
            if self.pod_requests.value("cpu") >= 1_000_000_000 {
                m.push_str(" (CPU request >= 1 Million, m vs M typo?)");
            }
            return f.write_str(&m);
        } else if !o {
            "no instance type has the required offering"
        } else if self.requirements_and_fits {
            "no instance type which met the scheduling requirements and had enough resources, had a required offering"
        } else if self.fits_and_offering {
            "no instance type which had enough resources and the required offering met the scheduling requirements"
        } else if self.requirements_and_offering {
            "no instance type which met the scheduling requirements and the required offering had the required resources"
        } else {
            "no instance type met the requirements/resources/offering tuple"
        };
        write!(f, "{msg}, {tail}")
    }
}

/// `filterInstanceTypesByRequirements`: the types whose labels meet `reqs`, whose
/// allocatable fits `total_requests` (daemon overhead + the NodeClaim's pods + this pod),
/// and which have an available offering `reqs` accept; then minValues. Returns the
/// remaining types and, under `relax_min_values` (the `BestEffort` policy), the keys whose
/// minValues had to be lowered to what the remaining types span.
pub fn filter_by_requirements<'a>(
    its: &[&'a InstanceType],
    reqs: &Requirements,
    pod_requests: &ResourceList,
    daemon_requests: &ResourceList,
    total_requests: &ResourceList,
    relax_min_values: bool,
) -> Result<(Vec<&'a InstanceType>, BTreeMap<String, usize>), InstanceTypeFilterError> {
    let mut err = InstanceTypeFilterError {
        requirements_met: false,
        fits: false,
        has_offering: false,
        requirements_and_fits: false,
        requirements_and_offering: false,
        fits_and_offering: false,
        min_values: None,
        requirements: reqs.to_string(),
        pod_requests: pod_requests.clone(),
        daemon_requests: daemon_requests.clone(),
    };
    let mut remaining = Vec::new();
    for it in its {
        let compat = it.requirements.intersects_ok(reqs);
        let fits = total_requests.fits(&it.allocatable);
        let offering = it.has_compatible_available_offering(reqs);
        err.requirements_met |= compat;
        err.fits |= fits;
        err.has_offering |= offering;
        err.requirements_and_fits |= compat && fits && !offering;
        err.requirements_and_offering |= compat && offering && !fits;
        err.fits_and_offering |= fits && offering && !compat;
        if compat && fits && offering {
            remaining.push(*it);
        }
    }
    let mut unsatisfiable = BTreeMap::new();
    if reqs.has_min_values() {
        if let Err(e) = satisfies_min_values(&remaining, reqs) {
            unsatisfiable = e.unsatisfied.clone();
            if !relax_min_values {
                remaining.clear();
                err.min_values = Some(e);
            }
        }
    }
    if remaining.is_empty() {
        return Err(err);
    }
    Ok((remaining, unsatisfiable))
}

/// `filterByRemainingResources`: the types whose full capacity stays within what is left of
/// the NodePool's limits.
pub fn filter_by_remaining_resources<'a>(
    its: &[&'a InstanceType],
    remaining: &ResourceList,
) -> Vec<&'a InstanceType> {
    its.iter()
        .copied()
        .filter(|it| {
            remaining
                .iter()
                .all(|(k, left)| it.capacity.value(k) <= left)
        })
        .collect()
}

/// The instance types a new NodeClaim of a NodePool may use given what is left of its
/// limits (`addToNewNodeClaim`): an error when `nodes` is used up or every type would
/// exceed a limit, with upstream's messages.
pub fn within_limits<'a>(
    its: &[&'a InstanceType],
    remaining: Option<&ResourceList>,
) -> Result<Vec<&'a InstanceType>, &'static str> {
    let Some(remaining) = remaining else {
        return Ok(its.to_vec());
    };
    if remaining.get(NODES) == Some(0) {
        return Err("node limits have been exhausted for nodepool");
    }
    let kept = filter_by_remaining_resources(its, remaining);
    if kept.is_empty() {
        return Err("all available instance types exceed limits for nodepool");
    }
    Ok(kept)
}

/// `subtractMax`: the limits left after launching one of `its`, assuming the largest.
/// Upstream instance capacities carry no `nodes` entry, so `nodes` is not decremented here;
/// existing nodes count one each (`updateRemainingResources` subtracts the node's capacity
/// plus `nodes: 1`).
pub fn subtract_max(remaining: &ResourceList, its: &[&InstanceType]) -> ResourceList {
    if its.is_empty() {
        return remaining.clone();
    }
    remaining.subtract(&ResourceList::max_of(its.iter().map(|it| &it.capacity)))
}

/// `RemoveInstanceTypeOptionsByPriceAndMinValues`: the options whose worst launch price is
/// strictly below `max_price`; an error when what is left breaks minValues.
pub fn remove_by_price_and_min_values<'a>(
    its: &[&'a InstanceType],
    reqs: &Requirements,
    max_price: f64,
) -> Result<Vec<&'a InstanceType>, MinValuesError> {
    let kept: Vec<&InstanceType> = its
        .iter()
        .copied()
        .filter(|it| it.worst_launch_price(reqs) < max_price)
        .collect();
    satisfies_min_values(&kept, reqs)?;
    Ok(kept)
}

/// `getDaemonOverhead`: the summed requests (plus `pods`) of the DaemonSet pods that would
/// run on a NodeClaim of this template (`isDaemonPodCompatible`: they tolerate the
/// template's taints, PreferNoSchedule always tolerated, and the template's requirements
/// are compatible with the nodeSelector plus one of the required node-selector terms).
pub fn daemon_overhead(
    template: &Requirements,
    taints: &[Taint],
    daemon_pods: &[&Value],
) -> ResourceList {
    let compatible: Vec<&Value> = daemon_pods
        .iter()
        .copied()
        .filter(|p| is_daemon_pod_compatible(template, taints, p))
        .collect();
    super::resources::requests_for_pods(compatible)
}

/// `isDaemonPodCompatible`: the pod tolerates `taints` (PreferNoSchedule always) and `template`
/// is compatible with its nodeSelector plus one of its required node-selector terms.
pub fn is_daemon_pod_compatible(template: &Requirements, taints: &[Taint], pod: &Value) -> bool {
    let mut tols = tolerations_of(pod);
    tols.push(Toleration {
        key: String::new(),
        operator: "Exists".into(),
        value: String::new(),
        effect: "PreferNoSchedule".into(),
    });
    if tolerate_all(taints, &tols).is_err() {
        return false;
    }
    // The nodeSelector with each required term in turn (`removeRequiredNodeAffinityTerm`).
    let terms = array_at(
        pod,
        &[
            "spec",
            "affinity",
            "nodeAffinity",
            "requiredDuringSchedulingIgnoredDuringExecution",
            "nodeSelectorTerms",
        ],
    );
    let mut pod = pod.clone();
    for i in 0..terms.len().max(1) {
        if i > 0 {
            if let Some(t) = pod
                .get_mut("spec")
                .and_then(|s| s.get_mut("affinity"))
                .and_then(|a| a.get_mut("nodeAffinity"))
                .and_then(|n| n.get_mut("requiredDuringSchedulingIgnoredDuringExecution"))
                .and_then(|r| r.get_mut("nodeSelectorTerms"))
                .and_then(Value::as_array_mut)
            {
                t.remove(0);
            }
        }
        if template.is_compatible(
            &Requirements::from_pod_strict(&pod),
            Undefined::AllowWellKnown,
        ) {
            return true;
        }
    }
    false
}

/// A pod's `spec.tolerations`.
pub fn tolerations_of(pod: &Value) -> Vec<Toleration> {
    let s = |t: &Value, k: &str| t.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    array_at(pod, &["spec", "tolerations"])
        .iter()
        .map(|t| Toleration {
            key: s(t, "key"),
            operator: s(t, "operator"),
            value: s(t, "value"),
            effect: s(t, "effect"),
        })
        .collect()
}

/// `Taints.Tolerates`: every taint needs a toleration; the message lists each untolerated
/// taint as upstream's `did not tolerate taint` (joined by `; `).
pub fn tolerate_all(taints: &[Taint], tolerations: &[Toleration]) -> Result<(), String> {
    let errs: Vec<String> = taints
        .iter()
        .filter(|taint| !tolerations.iter().any(|t| tolerates(t, taint)))
        .map(|taint| {
            let v = if taint.value.is_empty() {
                String::new()
            } else {
                format!("={}", taint.value)
            };
            format!(
                "did not tolerate taint (taint={}{v}:{})",
                taint.key, taint.effect
            )
        })
        .collect();
    if errs.is_empty() {
        Ok(())
    } else {
        Err(errs.join("; "))
    }
}

/// The instance and offering a launch gets.
#[derive(Debug, Clone, PartialEq)]
pub struct Launch {
    /// The instance type chosen.
    pub instance_type: &'static InstanceTypeInfo,
    /// The zone.
    pub zone: &'static str,
    /// The capacity type.
    pub capacity_type: CapacityType,
    /// $/hour.
    pub price: f64,
}

/// The offerings of one instance type that survive the launch filters.
struct Candidate<'a> {
    it: &'a InstanceType,
    offerings: Vec<&'a Offering>,
}

/// karpenter-provider-aws `Create`: what EC2 launches for a NodeClaim with requirements
/// `reqs`, requests `requests` (pods + daemons) and instance type options `its`:
/// 1. `filterInstanceTypes`: types whose labels `reqs` accept, whose allocatable fits the
///    requests, with an available compatible offering; GPU and metal types dropped when
///    others remain and no minValues is set; when both on-demand and spot are allowed, spot
///    offerings above the cheapest on-demand one dropped; the 60 cheapest kept.
/// 2. `getCapacityType`: spot when allowed and offered, else on-demand.
/// 3. CreateFleet: on-demand `lowest-price` takes the cheapest offering. Spot
///    `price-capacity-optimized` takes the lowest-priced of the pools with the most spare
///    capacity; kplane approximates spare capacity with [`InstanceTypeInfo::spot_capacity_score`]
///    and keeps the pools within 0.25 of the best score before taking the cheapest.
///
/// Ties (on-demand prices are equal in every zone) are broken by `tie_breaker` modulo the
/// number of tied offerings, in (name, zone) order, so callers can spread launches over zones
/// deterministically (EC2 picks among equal pools itself).
pub fn launch(
    its: &[&InstanceType],
    reqs: &Requirements,
    requests: &ResourceList,
    tie_breaker: u64,
) -> Result<Launch, String> {
    let ice = || {
        "insufficient capacity, all requested instance types were unavailable during launch"
            .to_string()
    };
    // compatible-available-filter.
    let mut cands: Vec<Candidate> = its
        .iter()
        .filter(|it| reqs.is_compatible(&it.requirements, Undefined::AllowWellKnown))
        .filter(|it| requests.fits(&it.allocatable))
        .map(|it| Candidate {
            it,
            offerings: it
                .offerings
                .iter()
                .filter(|o| o.is_compatible(reqs))
                .collect(),
        })
        .filter(|c| c.offerings.iter().any(|o| o.available))
        .collect();
    if cands.is_empty() {
        return Err(ice());
    }
    // exotic-instance-filter.
    if !reqs.has_min_values() && cands.iter().any(|c| !c.it.is_exotic()) {
        cands.retain(|c| !c.it.is_exotic());
    }
    // spot-offering-filter.
    let ct = reqs.get(CAPACITY_TYPE_LABEL);
    if !reqs.has_min_values() && ct.has("on-demand") && ct.has("spot") {
        let available = |ct| {
            cands
                .iter()
                .flat_map(|c| c.offerings.iter())
                .filter(move |o| o.available && o.capacity_type == ct)
        };
        let cheapest_od = available(CapacityType::OnDemand)
            .map(|o| o.price)
            .fold(f64::MAX, f64::min);
        let has_spot = available(CapacityType::Spot).next().is_some();
        let has_od = cheapest_od < f64::MAX;
        if has_od && has_spot {
            for c in &mut cands {
                c.offerings
                    .retain(|o| !(o.capacity_type == CapacityType::Spot && o.price > cheapest_od));
            }
            cands.retain(|c| !c.offerings.is_empty());
        }
    }
    // Truncate to the 60 cheapest (OrderByPrice over the filtered offerings).
    let price_of = |c: &Candidate| {
        c.offerings
            .iter()
            .filter(|o| o.available)
            .map(|o| o.price)
            .fold(f64::MAX, f64::min)
    };
    cands.sort_by(|a, b| price_of(a).total_cmp(&price_of(b)));
    cands.truncate(MAX_LAUNCH_INSTANCE_TYPES);
    if reqs.has_min_values() {
        let listed: Vec<&InstanceType> = cands.iter().map(|c| c.it).collect();
        if let Err(e) = satisfies_min_values(&listed, reqs) {
            return Err(format!(
                "insufficient capacity, truncating instance types based on the passed-in requirements, validating minValues, {e}"
            ));
        }
    }
    // getCapacityType.
    let capacity_type = if ct.has("spot")
        && cands.iter().any(|c| {
            c.offerings
                .iter()
                .any(|o| o.available && o.capacity_type == CapacityType::Spot)
        }) {
        CapacityType::Spot
    } else {
        CapacityType::OnDemand
    };
    let mut pool: Vec<(&InstanceType, &Offering)> = cands
        .iter()
        .flat_map(|c| c.offerings.iter().map(move |o| (c.it, *o)))
        .filter(|(_, o)| o.available && o.capacity_type == capacity_type)
        .collect();
    if pool.is_empty() {
        return Err(ice());
    }
    if capacity_type == CapacityType::Spot {
        let score = |(it, o): &(&InstanceType, &Offering)| it.info.spot_capacity_score(o.zone);
        let best = pool.iter().map(score).fold(f64::MIN, f64::max);
        pool.retain(|p| score(p) >= best - 0.25);
    }
    let cheapest = pool.iter().map(|(_, o)| o.price).fold(f64::MAX, f64::min);
    pool.retain(|(_, o)| o.price == cheapest);
    pool.sort_by(|a, b| (a.0.name(), a.1.zone).cmp(&(b.0.name(), b.1.zone)));
    let (it, o) = pool[(tie_breaker % pool.len() as u64) as usize];
    Ok(Launch {
        instance_type: it.info,
        zone: o.zone,
        capacity_type,
        price: o.price,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn types() -> Vec<InstanceType> {
        catalog_instance_types(&NodeConfig::default())
    }

    fn by_name<'a>(all: &'a [InstanceType], names: &[&str]) -> Vec<&'a InstanceType> {
        names
            .iter()
            .map(|n| all.iter().find(|t| t.name() == *n).expect(n))
            .collect()
    }

    fn reqs(list: &[(&str, Operator, &[&str])]) -> Requirements {
        let mut r = Requirements::new();
        for (k, op, v) in list {
            r.add(Requirement::new(k, *op, v));
        }
        r
    }

    fn list(v: Value) -> ResourceList {
        ResourceList::from_value(Some(&v)).expect("valid")
    }

    #[test]
    fn instance_type_from_the_catalog() {
        let all = types();
        let m5 = by_name(&all, &["m5.large"])[0];
        assert_eq!(m5.capacity.get("cpu"), Some(2000));
        assert_eq!(m5.capacity.get("pods"), Some(29));
        assert_eq!(m5.allocatable.get("cpu"), Some(1930));
        assert_eq!(m5.allocatable.get("memory"), Some(6903 << 20));
        assert_eq!(m5.overhead.get("memory"), Some((574 + 100) << 20));
        assert_eq!(m5.offerings.len(), 6);
        assert_eq!(
            m5.requirements
                .get("karpenter.k8s.aws/instance-family")
                .to_string(),
            "karpenter.k8s.aws/instance-family In [m5]"
        );
        assert_eq!(
            m5.requirements
                .get("karpenter.k8s.aws/instance-gpu-count")
                .operator(),
            Operator::DoesNotExist
        );
        assert_eq!(
            m5.requirements.get(ZONE_LABEL).to_string(),
            "topology.kubernetes.io/zone In [us-east-1a us-east-1b us-east-1c]"
        );
    }

    /// `OrderByPrice` uses the cheapest offering the requirements allow; `Truncate` keeps the
    /// cheapest `max`.
    #[test]
    fn order_and_truncate() {
        let all = types();
        let mut its = by_name(&all, &["m5.xlarge", "t3.medium", "m5.large"]);
        let od = reqs(&[(CAPACITY_TYPE_LABEL, Operator::In, &["on-demand"])]);
        order_by_price(&mut its, &od);
        let names: Vec<&str> = its.iter().map(|t| t.name()).collect();
        assert_eq!(names, ["t3.medium", "m5.large", "m5.xlarge"]);
        let two = truncate(its, &od, 2, false).expect("no minValues");
        assert_eq!(two.len(), 2);
        assert_eq!(two[1].name(), "m5.large");
    }

    /// The example of `SatisfiesMinValues`' doc comment (cloudprovider/types.go), on EC2
    /// families: three types spanning three families meet `minValues: 3` with 3 types;
    /// two families do not.
    #[test]
    fn min_values() {
        let all = types();
        let family = "karpenter.k8s.aws/instance-family";
        let mut r = Requirements::new();
        r.add(Requirement::with_min_values(
            family,
            Operator::In,
            Some(3),
            &["c5", "m5", "r5"],
        ));
        let ok = by_name(&all, &["c5.large", "m5.xlarge", "r5.2xlarge"]);
        assert_eq!(satisfies_min_values(&ok, &r), Ok(3));
        let bad = by_name(&all, &["c5.large", "c5.xlarge", "m5.2xlarge"]);
        let err = satisfies_min_values(&bad, &r).expect_err("two families");
        assert_eq!(err.unsatisfied.get(family), Some(&2));
        assert_eq!(
            err.to_string(),
            "minValues requirement is not met for label(s)"
        );
        // Truncating to two breaks it.
        assert_eq!(
            truncate(ok.clone(), &r, 2, false).err().as_deref(),
            Some("validating minValues, minValues requirement is not met for label(s)")
        );
        assert!(truncate(ok, &r, 2, true).is_ok());
        // Without minValues: 0.
        assert_eq!(satisfies_min_values(&bad, &Requirements::new()), Ok(0));
    }

    /// `filterInstanceTypesByRequirements` keeps what meets requirements, fits and is
    /// offered, and explains a total failure with upstream's wording.
    #[test]
    fn filter_by_requirements_and_its_errors() {
        let all = types();
        let its: Vec<&InstanceType> = all.iter().collect();
        let amd = reqs(&[
            ("kubernetes.io/arch", Operator::In, &["amd64"]),
            (CAPACITY_TYPE_LABEL, Operator::In, &["on-demand"]),
        ]);
        let pod = list(json!({"cpu": "3", "memory": "1Gi", "pods": "1"}));
        let daemons = list(json!({"cpu": "200m", "pods": "2"}));
        let total = ResourceList::merge([&pod, &daemons]);
        let (kept, _) =
            filter_by_requirements(&its, &amd, &pod, &daemons, &total, false).expect("fits");
        assert!(kept.iter().all(|t| t.info.arch == catalog::Arch::Amd64));
        assert!(kept.iter().all(|t| t.allocatable.value("cpu") >= 3200));
        assert!(!kept.iter().any(|t| t.name() == "m5.large"));
        assert!(kept.iter().any(|t| t.name() == "m5.xlarge"));

        let huge = list(json!({"cpu": "1000", "pods": "1"}));
        let err = filter_by_requirements(&its, &amd, &huge, &ResourceList::new(), &huge, false)
            .expect_err("nothing has 1000 cpus");
        assert_eq!(
            err.to_string(),
            "no instance type has enough resources, requirements=karpenter.sh/capacity-type In [on-demand], kubernetes.io/arch In [amd64], resources={\"cpu\":\"1k\",\"pods\":\"1\"}"
        );
        let typo = list(json!({"cpu": "1M", "pods": "1"}));
        let err = filter_by_requirements(&its, &amd, &typo, &ResourceList::new(), &typo, false)
            .expect_err("m vs M");
        assert!(err
            .to_string()
            .ends_with(" (CPU request >= 1 Million, m vs M typo?)"));
        let nowhere = reqs(&[(ZONE_LABEL, Operator::In, &["eu-west-1a"])]);
        let small = list(json!({"cpu": "100m", "pods": "1"}));
        let err =
            filter_by_requirements(&its, &nowhere, &small, &ResourceList::new(), &small, false)
                .expect_err("no zone");
        assert!(
            err.to_string().starts_with(
                "no instance type met the scheduling requirements or had a required offering, "
            ),
            "{err}"
        );
    }

    /// NodePool limits: types bigger than what is left are dropped; `nodes: 0` stops all.
    #[test]
    fn limits() {
        let all = types();
        let its = by_name(&all, &["m5.large", "m5.xlarge", "m5.2xlarge"]);
        let left = list(json!({"cpu": "4"}));
        let kept = within_limits(&its, Some(&left)).expect("two fit");
        assert_eq!(
            kept.iter().map(|t| t.name()).collect::<Vec<_>>(),
            ["m5.large", "m5.xlarge"]
        );
        assert_eq!(
            within_limits(&its, Some(&list(json!({"cpu": "1"})))),
            Err("all available instance types exceed limits for nodepool")
        );
        assert_eq!(
            within_limits(&its, Some(&list(json!({"nodes": "0"})))),
            Err("node limits have been exhausted for nodepool")
        );
        assert_eq!(within_limits(&its, None).map(|v| v.len()), Ok(3));
        // subtractMax assumes the largest option.
        assert_eq!(subtract_max(&left, &kept).get("cpu"), Some(0));
    }

    /// Consolidation's price filter is strict: an option that costs the same is removed.
    #[test]
    fn remove_by_price_is_strict() {
        let all = types();
        let its = by_name(&all, &["t3.medium", "m5.large", "m5.xlarge"]);
        let od = reqs(&[(CAPACITY_TYPE_LABEL, Operator::In, &["on-demand"])]);
        let kept = remove_by_price_and_min_values(&its, &od, 0.096).expect("no minValues");
        assert_eq!(
            kept.iter().map(|t| t.name()).collect::<Vec<_>>(),
            ["t3.medium"]
        );
        // Spot is preferred when allowed: the worst spot price.
        let both = Requirements::new();
        let m5 = by_name(&all, &["m5.large"])[0];
        let worst_spot = m5
            .offerings
            .iter()
            .filter(|o| o.capacity_type == CapacityType::Spot)
            .map(|o| o.price)
            .fold(0.0, f64::max);
        assert_eq!(m5.worst_launch_price(&both), worst_spot);
        assert_eq!(m5.worst_launch_price(&od), 0.096);
    }

    #[test]
    fn daemonset_overhead_counts_compatible_daemons() {
        let template = reqs(&[("kubernetes.io/arch", Operator::In, &["amd64"])]);
        let ds = |sel: Value, tol: Value| {
            json!({"spec": {"nodeSelector": sel, "tolerations": tol,
                "containers": [{"name": "c", "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}]}})
        };
        let any = ds(json!({}), json!([]));
        let arm = ds(json!({"kubernetes.io/arch": "arm64"}), json!([]));
        let tolerant = ds(json!({}), json!([{"operator": "Exists"}]));
        let taints = vec![Taint {
            key: "dedicated".into(),
            value: "gpu".into(),
            effect: "NoSchedule".into(),
        }];
        let none: Vec<Taint> = Vec::new();
        let o = daemon_overhead(&template, &none, &[&any, &arm, &tolerant]);
        assert_eq!(o.get("cpu"), Some(200));
        assert_eq!(o.get("pods"), Some(2));
        let tainted = daemon_overhead(&template, &taints, &[&any, &arm, &tolerant]);
        assert_eq!(tainted.get("pods"), Some(1));
        // PreferNoSchedule taints never keep daemons away.
        let soft = vec![Taint {
            key: "x".into(),
            value: String::new(),
            effect: "PreferNoSchedule".into(),
        }];
        assert_eq!(
            daemon_overhead(&template, &soft, &[&any]).get("pods"),
            Some(1)
        );
        assert_eq!(
            tolerate_all(&taints, &[]),
            Err("did not tolerate taint (taint=dedicated=gpu:NoSchedule)".to_string())
        );
    }

    /// On-demand: the cheapest type; equal zones broken by the tie breaker.
    #[test]
    fn launch_on_demand_takes_the_lowest_price() {
        let all = types();
        let its: Vec<&InstanceType> = all.iter().collect();
        let od = reqs(&[(CAPACITY_TYPE_LABEL, Operator::In, &["on-demand"])]);
        let req = list(json!({"cpu": "1", "memory": "2Gi", "pods": "3"}));
        let l = launch(&its, &od, &req, 0).expect("launchable");
        assert_eq!(l.capacity_type, CapacityType::OnDemand);
        // t3a.small (2 GiB, 1418Mi allocatable) is too small and m7g.medium has 940m; the
        // cheapest that fits is t3a.medium at $0.0376 (zz_generated.pricing_aws.go).
        assert_eq!(l.instance_type.name, "t3a.medium");
        assert_eq!(l.price, 0.0376);
        let zones: BTreeSet<&str> = (0..3)
            .map(|t| launch(&its, &od, &req, t).expect("ok").zone)
            .collect();
        assert_eq!(zones.len(), 3);
    }

    /// Spot when allowed; GPU and metal types only when nothing else fits.
    #[test]
    fn launch_prefers_spot_and_avoids_exotic_types() {
        let all = types();
        let its: Vec<&InstanceType> = all.iter().collect();
        let any = Requirements::new();
        let req = list(json!({"cpu": "1", "pods": "1"}));
        let l = launch(&its, &any, &req, 0).expect("launchable");
        assert_eq!(l.capacity_type, CapacityType::Spot);
        assert!(l.instance_type.gpu.is_none());
        let gpu = list(json!({"nvidia.com/gpu": "1", "pods": "1"}));
        let g = launch(&its, &any, &gpu, 0).expect("g5");
        assert_eq!(g.instance_type.family(), "g5");
        let none = list(json!({"nvidia.com/gpu": "16", "pods": "1"}));
        assert_eq!(
            launch(&its, &any, &none, 0),
            Err("insufficient capacity, all requested instance types were unavailable during launch".to_string())
        );
    }
}
