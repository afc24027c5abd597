//! Karpenter's node selector requirement algebra (kubernetes-sigs/karpenter v1.13.0
//! `pkg/scheduling/requirement.go` and `requirements.go`): a requirement is a set of allowed
//! values for one label key (possibly a complement, possibly integer bounds), requirements
//! intersect key by key, and two sets of requirements are *compatible* when every shared key
//! has a common value.
//!
//! Differences from upstream, all for determinism: keys and values are kept sorted (Go
//! iterates maps in random order), so error messages list keys in order and `any()` picks the
//! smallest candidate instead of a random one.
use crate::api::object::{array_at, path};
use crate::api::Value;
use crate::server::status::FieldError;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// `karpenter.sh/nodepool`.
pub const NODEPOOL_LABEL: &str = "karpenter.sh/nodepool";
/// `karpenter.sh/capacity-type`.
pub const CAPACITY_TYPE_LABEL: &str = "karpenter.sh/capacity-type";
/// `kubernetes.io/hostname`.
pub const HOSTNAME_LABEL: &str = "kubernetes.io/hostname";
/// `topology.kubernetes.io/zone`.
pub const ZONE_LABEL: &str = "topology.kubernetes.io/zone";
/// `node.kubernetes.io/instance-type`.
pub const INSTANCE_TYPE_LABEL: &str = "node.kubernetes.io/instance-type";

/// `v1.WellKnownLabels` of kubernetes-sigs/karpenter `pkg/apis/v1/labels.go`, in source order.
pub const CORE_WELL_KNOWN_LABELS: [&str; 8] = [
    NODEPOOL_LABEL,
    ZONE_LABEL,
    "topology.kubernetes.io/region",
    INSTANCE_TYPE_LABEL,
    "kubernetes.io/arch",
    "kubernetes.io/os",
    CAPACITY_TYPE_LABEL,
    "node.kubernetes.io/windows-build",
];

/// The labels karpenter-provider-aws v1.13.0 adds to `WellKnownLabels` in its `init()`
/// (`pkg/apis/v1/labels.go`), in source order. kplane simulates EKS, so both sets apply.
pub const AWS_WELL_KNOWN_LABELS: [&str; 28] = [
    "karpenter.k8s.aws/capacity-reservation-id",
    "karpenter.k8s.aws/capacity-reservation-type",
    "karpenter.k8s.aws/capacity-reservation-interruptible",
    "karpenter.k8s.aws/instance-hypervisor",
    "karpenter.k8s.aws/instance-encryption-in-transit-supported",
    "karpenter.k8s.aws/instance-category",
    "karpenter.k8s.aws/instance-capability-flex",
    "karpenter.k8s.aws/instance-family",
    "karpenter.k8s.aws/instance-generation",
    "karpenter.k8s.aws/instance-size",
    "karpenter.k8s.aws/instance-local-nvme",
    "karpenter.k8s.aws/instance-cpu",
    "karpenter.k8s.aws/instance-cpu-manufacturer",
    "karpenter.k8s.aws/instance-cpu-sustained-clock-speed-mhz",
    "karpenter.k8s.aws/instance-memory",
    "karpenter.k8s.aws/instance-ebs-bandwidth",
    "karpenter.k8s.aws/instance-network-bandwidth",
    "karpenter.k8s.aws/instance-gpu-name",
    "karpenter.k8s.aws/instance-gpu-manufacturer",
    "karpenter.k8s.aws/instance-gpu-count",
    "karpenter.k8s.aws/instance-gpu-memory",
    "karpenter.k8s.aws/instance-accelerator-name",
    "karpenter.k8s.aws/instance-accelerator-manufacturer",
    "karpenter.k8s.aws/instance-accelerator-count",
    "topology.k8s.aws/zone-id",
    "karpenter.k8s.aws/instance-tenancy",
    "karpenter.k8s.aws/placement-group-id",
    "karpenter.k8s.aws/placement-group-partition",
];

/// Whether `key` is a well-known label (core or AWS), which requirements may leave undefined.
pub fn is_well_known(key: &str) -> bool {
    CORE_WELL_KNOWN_LABELS.contains(&key) || AWS_WELL_KNOWN_LABELS.contains(&key)
}

/// `v1.NormalizedLabels`: the deprecated aliases pod requirements are translated from.
pub fn normalize_key(key: &str) -> &str {
    match key {
        "failure-domain.beta.kubernetes.io/zone" => ZONE_LABEL,
        "beta.kubernetes.io/arch" => "kubernetes.io/arch",
        "beta.kubernetes.io/os" => "kubernetes.io/os",
        "beta.kubernetes.io/instance-type" => INSTANCE_TYPE_LABEL,
        "failure-domain.beta.kubernetes.io/region" => "topology.kubernetes.io/region",
        other => other,
    }
}

/// A node selector operator, including Karpenter's `Gte`/`Lte`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    /// `In`.
    In,
    /// `NotIn`.
    NotIn,
    /// `Exists`.
    Exists,
    /// `DoesNotExist`.
    DoesNotExist,
    /// `Gt`.
    Gt,
    /// `Lt`.
    Lt,
    /// `Gte` (Karpenter `v1.NodeSelectorOpGte`).
    Gte,
    /// `Lte` (Karpenter `v1.NodeSelectorOpLte`).
    Lte,
}

impl Operator {
    /// Parses the operator's API spelling.
    pub fn parse(s: &str) -> Option<Operator> {
        Some(match s {
            "In" => Operator::In,
            "NotIn" => Operator::NotIn,
            "Exists" => Operator::Exists,
            "DoesNotExist" => Operator::DoesNotExist,
            "Gt" => Operator::Gt,
            "Lt" => Operator::Lt,
            "Gte" => Operator::Gte,
            "Lte" => Operator::Lte,
            _ => return None,
        })
    }

    /// The API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::In => "In",
            Operator::NotIn => "NotIn",
            Operator::Exists => "Exists",
            Operator::DoesNotExist => "DoesNotExist",
            Operator::Gt => "Gt",
            Operator::Lt => "Lt",
            Operator::Gte => "Gte",
            Operator::Lte => "Lte",
        }
    }
}

/// One `NodeSelectorRequirementWithMinValues` as written in a NodePool, NodeClaim or pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeSelectorRequirement {
    /// `key`.
    pub key: String,
    /// `operator`.
    pub operator: Operator,
    /// `values`.
    pub values: Vec<String>,
    /// `minValues`.
    pub min_values: Option<i64>,
}

impl NodeSelectorRequirement {
    /// Reads one requirement; `field` is its path for errors (`spec.requirements[0]`).
    /// Rejects what the API server and the NodePool CRD reject: a missing key, an unknown
    /// operator, `In` without values, `Gt`/`Lt`/`Gte`/`Lte` without exactly one non-negative
    /// integer, and `minValues` outside 1..=50 or above the number of `In` values.
    pub fn from_value(v: &Value, field: &str) -> Result<NodeSelectorRequirement, FieldError> {
        let key = v.get("key").and_then(Value::as_str).unwrap_or("");
        if key.is_empty() {
            return Err(FieldError::required(format!("{field}.key"), ""));
        }
        let op_text = v.get("operator").and_then(Value::as_str).unwrap_or("");
        let operator = Operator::parse(op_text).ok_or_else(|| {
            FieldError::not_supported(
                format!("{field}.operator"),
                format!("\"{op_text}\""),
                &[
                    "In",
                    "NotIn",
                    "Exists",
                    "DoesNotExist",
                    "Gt",
                    "Lt",
                    "Gte",
                    "Lte",
                ],
            )
        })?;
        let mut values = Vec::new();
        for (i, x) in array_at(v, &["values"]).iter().enumerate() {
            match x.as_str() {
                Some(s) => values.push(s.to_string()),
                None => {
                    return Err(FieldError::invalid(
                        format!("{field}.values[{i}]"),
                        x.to_string(),
                        "must be a string",
                    ))
                }
            }
        }
        let min_values = match v.get("minValues") {
            None | Some(Value::Null) => None,
            Some(m) => match m.as_i64() {
                Some(n) if (1..=50).contains(&n) => Some(n),
                _ => {
                    return Err(FieldError::invalid(
                        format!("{field}.minValues"),
                        m.to_string(),
                        "should be in the range 1 to 50",
                    ))
                }
            },
        };
        let r = NodeSelectorRequirement {
            key: key.to_string(),
            operator,
            values,
            min_values,
        };
        r.validate(field)?;
        Ok(r)
    }

    /// The NodePool CRD's CEL rules on one requirement
    /// (`NodeClaimTemplateSpec.Requirements` in `pkg/apis/v1/nodepool.go`).
    fn validate(&self, field: &str) -> Result<(), FieldError> {
        let bounded = matches!(
            self.operator,
            Operator::Gt | Operator::Lt | Operator::Gte | Operator::Lte
        );
        if self.operator == Operator::In && self.values.is_empty() {
            return Err(FieldError::invalid(
                field,
                // A CEL rule of the CRD: the apiserver shows the schema type as the value.
                "\"object\"",
                "requirements with operator 'In' must have a value defined",
            ));
        }
        if bounded
            && (self.values.len() != 1 || !self.values[0].parse::<i64>().is_ok_and(|n| n >= 0))
        {
            return Err(FieldError::invalid(
                field,
                // A CEL rule of the CRD: the apiserver shows the schema type as the value.
                "\"object\"",
                "requirements operator 'Gt', 'Lt', 'Gte', or 'Lte' must have a single positive integer value",
            ));
        }
        if let Some(m) = self.min_values {
            if self.operator == Operator::In && (self.values.len() as i64) < m {
                return Err(FieldError::invalid(
                    field,
                    // A CEL rule of the CRD: the apiserver shows the schema type as the value.
                    "\"object\"",
                    "requirements with 'minValues' must have at least that many values specified in the 'values' field",
                ));
            }
        }
        Ok(())
    }

    /// The requirement as `{key, operator, values, minValues}`.
    pub fn to_value(&self) -> Value {
        let mut m = crate::api::Map::new();
        m.insert("key", Value::from(self.key.as_str()));
        m.insert("operator", Value::from(self.operator.as_str()));
        if !self.values.is_empty() {
            m.insert(
                "values",
                Value::Array(
                    self.values
                        .iter()
                        .map(|s| Value::from(s.as_str()))
                        .collect(),
                ),
            );
        }
        if let Some(n) = self.min_values {
            m.insert("minValues", Value::from(n));
        }
        Value::Object(m)
    }
}

/// One key's allowed values (`scheduling.Requirement`): a set or its complement, with
/// optional inclusive integer bounds (`Gt n` is kept as `≥ n+1`, `Lt n` as `≤ n−1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// The label key (normalized).
    pub key: String,
    complement: bool,
    values: BTreeSet<String>,
    gte: Option<i64>,
    lte: Option<i64>,
    /// `minValues`: how many distinct values the launch options must span.
    pub min_values: Option<i64>,
}

/// `strconv.Atoi` of the first value, 0 when absent or malformed (upstream: "prevalidated").
fn first_int(values: &[&str]) -> i64 {
    values.first().and_then(|v| v.parse().ok()).unwrap_or(0)
}

impl Requirement {
    /// `NewRequirement`.
    pub fn new(key: &str, operator: Operator, values: &[&str]) -> Requirement {
        Requirement::with_min_values(key, operator, None, values)
    }

    /// `NewRequirementWithFlexibility`: the key normalized, `Gt n` as `≥ n+1` (`Gt MaxInt`
    /// matches nothing), `Lt n` as `≤ n−1`.
    pub fn with_min_values(
        key: &str,
        operator: Operator,
        min_values: Option<i64>,
        values: &[&str],
    ) -> Requirement {
        let key = normalize_key(key).to_string();
        let mut r = Requirement {
            key,
            complement: !matches!(operator, Operator::In | Operator::DoesNotExist),
            values: BTreeSet::new(),
            gte: None,
            lte: None,
            min_values,
        };
        match operator {
            Operator::In | Operator::NotIn => {
                r.values = values.iter().map(|v| v.to_string()).collect();
            }
            Operator::Gt => match first_int(values).checked_add(1) {
                Some(v) => r.gte = Some(v),
                // Gt MaxInt matches nothing (and, as upstream, drops minValues).
                None => return Requirement::new(&r.key, Operator::DoesNotExist, &[]),
            },
            Operator::Lt => match first_int(values).checked_sub(1) {
                Some(v) => r.lte = Some(v),
                // Lt MinInt matches nothing (upstream's int would wrap here).
                None => return Requirement::new(&r.key, Operator::DoesNotExist, &[]),
            },
            Operator::Gte => r.gte = Some(first_int(values)),
            Operator::Lte => r.lte = Some(first_int(values)),
            Operator::Exists | Operator::DoesNotExist => {}
        }
        r
    }

    /// From a parsed `NodeSelectorRequirementWithMinValues`.
    pub fn from_node_selector(r: &NodeSelectorRequirement) -> Requirement {
        let values: Vec<&str> = r.values.iter().map(String::as_str).collect();
        Requirement::with_min_values(&r.key, r.operator, r.min_values, &values)
    }

    /// `Intersection`: the values both requirements allow; `minValues` the larger of the two.
    pub fn intersection(&self, other: &Requirement) -> Requirement {
        let complement = self.complement && other.complement;
        let mut gte = max_opt(self.gte, other.gte);
        let mut lte = min_opt(self.lte, other.lte);
        let min_values = max_opt(self.min_values, other.min_values);
        if let (Some(g), Some(l)) = (gte, lte) {
            if g > l {
                return Requirement::with_min_values(
                    &self.key,
                    Operator::DoesNotExist,
                    min_values,
                    &[],
                );
            }
        }
        let mut values: BTreeSet<String> = match (self.complement, other.complement) {
            (true, true) => self.values.union(&other.values).cloned().collect(),
            (true, false) => other.values.difference(&self.values).cloned().collect(),
            (false, true) => self.values.difference(&other.values).cloned().collect(),
            (false, false) => self.values.intersection(&other.values).cloned().collect(),
        };
        values.retain(|v| within_bounds(v, gte, lte));
        // Concrete sets carry no bounds.
        if !complement {
            gte = None;
            lte = None;
        }
        Requirement {
            key: self.key.clone(),
            complement,
            values,
            gte,
            lte,
            min_values,
        }
    }

    /// `HasIntersection`: whether some value satisfies both, without building the set.
    pub fn has_intersection(&self, other: &Requirement) -> bool {
        let gte = max_opt(self.gte, other.gte);
        let lte = min_opt(self.lte, other.lte);
        if let (Some(g), Some(l)) = (gte, lte) {
            if g > l {
                return false;
            }
        }
        match (self.complement, other.complement) {
            (true, true) => true,
            (true, false) => other
                .values
                .iter()
                .any(|v| !self.values.contains(v) && within_bounds(v, gte, lte)),
            (false, true) => self
                .values
                .iter()
                .any(|v| !other.values.contains(v) && within_bounds(v, gte, lte)),
            (false, false) => self
                .values
                .iter()
                .any(|v| other.values.contains(v) && within_bounds(v, gte, lte)),
        }
    }

    /// `Has`: whether the requirement allows `value`.
    pub fn has(&self, value: &str) -> bool {
        self.values.contains(value) != self.complement && within_bounds(value, self.gte, self.lte)
    }

    /// The explicit values (the allowed ones for `In`, the excluded ones for `NotIn`), sorted.
    pub fn values(&self) -> impl Iterator<Item = &str> + '_ {
        self.values.iter().map(String::as_str)
    }

    /// `Insert`: adds explicit values.
    pub fn insert(&mut self, value: &str) {
        self.values.insert(value.to_string());
    }

    /// `Operator`: `Gt`/`Lt` bounds read as `Exists` (with bounds).
    pub fn operator(&self) -> Operator {
        if self.complement {
            if self.values.is_empty() {
                Operator::Exists
            } else {
                Operator::NotIn
            }
        } else if self.values.is_empty() {
            Operator::DoesNotExist
        } else {
            Operator::In
        }
    }

    /// `Len`: the number of allowed values, `i64::MAX − excluded` for complements.
    pub fn len(&self) -> i64 {
        if self.complement {
            i64::MAX - self.values.len() as i64
        } else {
            self.values.len() as i64
        }
    }

    /// Whether no value is allowed (`Len() == 0`).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `Any`: one allowed value. For `In`, the smallest; for `NotIn`/`Exists`, the smallest
    /// integer within the bounds that is not excluded (upstream draws a random integer);
    /// None for `DoesNotExist`.
    pub fn any(&self) -> Option<String> {
        match self.operator() {
            Operator::In => self.values.iter().next().cloned(),
            Operator::NotIn | Operator::Exists => {
                let lo = self.gte.unwrap_or(0);
                let hi = self.lte.unwrap_or(i64::MAX);
                let mut v = lo;
                while v <= hi {
                    let s = v.to_string();
                    if !self.values.contains(&s) {
                        return Some(s);
                    }
                    v = v.checked_add(1)?;
                }
                None
            }
            _ => None,
        }
    }

    /// `NodeSelectorRequirement` / `BoundedNodeSelectorRequirements`: the requirement written
    /// back as API requirements (two when both bounds are set).
    pub fn to_node_selector(&self) -> Vec<NodeSelectorRequirement> {
        let nsr = |operator, values: Vec<String>| NodeSelectorRequirement {
            key: self.key.clone(),
            operator,
            values,
            min_values: self.min_values,
        };
        match (self.gte, self.lte) {
            (Some(g), Some(l)) => vec![
                nsr(Operator::Gte, vec![g.to_string()]),
                nsr(Operator::Lte, vec![l.to_string()]),
            ],
            (Some(g), None) => vec![nsr(Operator::Gte, vec![g.to_string()])],
            (None, Some(l)) => vec![nsr(Operator::Lte, vec![l.to_string()])],
            (None, None) => {
                let values: Vec<String> = self.values.iter().cloned().collect();
                let op = self.operator();
                vec![nsr(
                    op,
                    if matches!(op, Operator::In | Operator::NotIn) {
                        values
                    } else {
                        Vec::new()
                    },
                )]
            }
        }
    }
}

impl fmt::Display for Requirement {
    /// `String()`: `key In [a b]`, at most five values then `and N others`, bounds as
    /// ` >=n`/` <=n`, ` minValues n`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = self.operator();
        match op {
            Operator::Exists | Operator::DoesNotExist => write!(f, "{} {}", self.key, op.as_str())?,
            _ => {
                let mut values: Vec<String> = self.values.iter().take(5).cloned().collect();
                if self.values.len() > 5 {
                    values.push(format!("and {} others", self.values.len() - 5));
                }
                write!(f, "{} {} [{}]", self.key, op.as_str(), values.join(" "))?;
            }
        }
        if let Some(g) = self.gte {
            write!(f, " >={g}")?;
        }
        if let Some(l) = self.lte {
            write!(f, " <={l}")?;
        }
        if let Some(m) = self.min_values {
            write!(f, " minValues {m}")?;
        }
        Ok(())
    }
}

fn within_bounds(value: &str, gte: Option<i64>, lte: Option<i64>) -> bool {
    if gte.is_none() && lte.is_none() {
        return true;
    }
    // With bounds, non-integer values are out.
    let Ok(v) = value.parse::<i64>() else {
        return false;
    };
    gte.is_none_or(|g| v >= g) && lte.is_none_or(|l| v <= l)
}

fn max_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

fn min_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// Which undefined keys [`Requirements::compatible`] lets through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Undefined {
    /// Every key of the incoming requirements must be defined here, unless it only excludes
    /// (`NotIn`/`DoesNotExist`).
    Deny,
    /// `AllowUndefinedWellKnownLabels`: well-known labels may be left undefined.
    AllowWellKnown,
}

/// A set of requirements, one per key (`scheduling.Requirements`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Requirements(BTreeMap<String, Requirement>);

impl Requirements {
    /// No requirements.
    pub fn new() -> Requirements {
        Requirements::default()
    }

    /// `NewNodeSelectorRequirementsWithMinValues`.
    pub fn from_node_selector(reqs: &[NodeSelectorRequirement]) -> Requirements {
        let mut r = Requirements::new();
        for x in reqs {
            r.add(Requirement::from_node_selector(x));
        }
        r
    }

    /// `NewLabelRequirements`: one `In` requirement per label.
    pub fn from_labels<'a>(labels: impl IntoIterator<Item = (&'a str, &'a str)>) -> Requirements {
        let mut r = Requirements::new();
        for (k, v) in labels {
            r.add(Requirement::new(k, Operator::In, &[v]));
        }
        r
    }

    /// `NewPodRequirements`: the pod's nodeSelector, its heaviest preferred node-affinity
    /// term treated as required, and the first required node-selector term (the caller
    /// relaxes the others away when unsatisfiable, as Karpenter's `Preferences` does).
    /// Preferred terms of equal weight keep their order (upstream's sort is not stable).
    pub fn from_pod(pod: &Value) -> Requirements {
        Requirements::pod_requirements(pod, true)
    }

    /// `NewStrictPodRequirements`: only the nodeSelector and the first required term.
    pub fn from_pod_strict(pod: &Value) -> Requirements {
        Requirements::pod_requirements(pod, false)
    }

    fn pod_requirements(pod: &Value, preferred: bool) -> Requirements {
        let mut r = Requirements::new();
        if let Some(sel) = path(pod, &["spec", "nodeSelector"]).and_then(Value::as_object) {
            for (k, v) in sel.iter() {
                if let Some(v) = v.as_str() {
                    r.add(Requirement::new(k, Operator::In, &[v]));
                }
            }
        }
        let Some(na) = path(pod, &["spec", "affinity", "nodeAffinity"]) else {
            return r;
        };
        if preferred {
            let terms = array_at(na, &["preferredDuringSchedulingIgnoredDuringExecution"]);
            let mut heaviest: Option<(&Value, i64)> = None;
            for t in terms {
                let w = t.get("weight").and_then(Value::as_i64).unwrap_or(0);
                if heaviest.is_none_or(|(_, hw)| w > hw) {
                    heaviest = Some((t, w));
                }
            }
            if let Some((t, _)) = heaviest {
                for e in array_at(t, &["preference", "matchExpressions"]) {
                    if let Some(req) = requirement_of_expression(e) {
                        r.add(req);
                    }
                }
            }
        }
        let terms = array_at(
            na,
            &[
                "requiredDuringSchedulingIgnoredDuringExecution",
                "nodeSelectorTerms",
            ],
        );
        if let Some(first) = terms.first() {
            for e in array_at(first, &["matchExpressions"]) {
                if let Some(req) = requirement_of_expression(e) {
                    r.add(req);
                }
            }
        }
        r
    }

    /// `Add`: intersects each requirement into the set.
    pub fn add(&mut self, req: Requirement) {
        let req = match self.0.get(&req.key) {
            Some(existing) => req.intersection(existing),
            None => req,
        };
        self.0.insert(req.key.clone(), req);
    }

    /// Adds every requirement of `other`.
    pub fn add_all(&mut self, other: &Requirements) {
        for r in other.0.values() {
            self.add(r.clone());
        }
    }

    /// Replaces the requirement of a key (Go's `requirements[key] = ...`).
    pub fn set(&mut self, req: Requirement) {
        self.0.insert(req.key.clone(), req);
    }

    /// Removes a key (Go's `delete(requirements, key)`).
    pub fn remove(&mut self, key: &str) -> Option<Requirement> {
        self.0.remove(key)
    }

    /// `Has`: whether the key is constrained.
    pub fn has(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }

    /// `Get`: the key's requirement, `Exists` when unconstrained.
    pub fn get(&self, key: &str) -> Cow<'_, Requirement> {
        match self.0.get(key) {
            Some(r) => Cow::Borrowed(r),
            None => Cow::Owned(Requirement::new(key, Operator::Exists, &[])),
        }
    }

    /// The key's requirement, mutable, if constrained.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Requirement> {
        self.0.get_mut(key)
    }

    /// The requirements, by key.
    pub fn iter(&self) -> impl Iterator<Item = &Requirement> + '_ {
        self.0.values()
    }

    /// The constrained keys, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &str> + '_ {
        self.0.keys().map(String::as_str)
    }

    /// Number of constrained keys.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether nothing is constrained.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `HasMinValues`.
    pub fn has_min_values(&self) -> bool {
        self.0.values().any(|r| r.min_values.is_some())
    }

    /// `Compatible`: whether `incoming` can loosely be met here. Custom labels of `incoming`
    /// must be defined here unless they only exclude (first offender reported as
    /// `label "x" does not have known values`, with a typo hint); then every shared key must
    /// intersect (`key k, <incoming> not in <existing>`, several joined by `; `).
    pub fn compatible(&self, incoming: &Requirements, undefined: Undefined) -> Result<(), String> {
        for (key, req) in &incoming.0 {
            if undefined == Undefined::AllowWellKnown && is_well_known(key) {
                continue;
            }
            let op = req.operator();
            if self.has(key) || op == Operator::NotIn || op == Operator::DoesNotExist {
                continue;
            }
            return Err(format!(
                "label {key:?} does not have known values{}",
                self.label_hint(key, undefined)
            ));
        }
        self.intersects(incoming)
    }

    /// `IsCompatible`: [`Requirements::compatible`] without building the error message
    /// (the hot path of instance-type and offering filters).
    pub fn is_compatible(&self, incoming: &Requirements, undefined: Undefined) -> bool {
        let defined = incoming.0.iter().all(|(key, req)| {
            (undefined == Undefined::AllowWellKnown && is_well_known(key))
                || self.has(key)
                || matches!(req.operator(), Operator::NotIn | Operator::DoesNotExist)
        });
        defined && self.intersects_ok(incoming)
    }

    /// Whether [`Requirements::intersects`] succeeds, without building the error message.
    pub fn intersects_ok(&self, incoming: &Requirements) -> bool {
        let (small, large, small_is_self) = if self.0.len() <= incoming.0.len() {
            (&self.0, &incoming.0, true)
        } else {
            (&incoming.0, &self.0, false)
        };
        small.iter().all(|(key, a)| {
            let Some(b) = large.get(key) else {
                return true;
            };
            let (existing, inc) = if small_is_self { (a, b) } else { (b, a) };
            existing.has_intersection(inc)
                || (matches!(inc.operator(), Operator::NotIn | Operator::DoesNotExist)
                    && matches!(
                        existing.operator(),
                        Operator::NotIn | Operator::DoesNotExist
                    ))
        })
    }

    /// `Intersects`: every key both constrain must have a common value, except when both
    /// only exclude.
    pub fn intersects(&self, incoming: &Requirements) -> Result<(), String> {
        let mut errs: Vec<String> = Vec::new();
        for (key, existing) in &self.0 {
            let Some(inc) = incoming.0.get(key) else {
                continue;
            };
            if existing.has_intersection(inc) {
                continue;
            }
            let excluding = |op| op == Operator::NotIn || op == Operator::DoesNotExist;
            if excluding(inc.operator()) && excluding(existing.operator()) {
                continue;
            }
            errs.push(format!("key {key}, {inc} not in {existing}"));
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(errs.join("; "))
        }
    }

    /// `labelHint`: ` (typo of "k"?)` for the first well-known (core first, then AWS) or
    /// defined key that contains `key` or ends with its suffix.
    fn label_hint(&self, key: &str, undefined: Undefined) -> String {
        let suffix = key.split_once('/').map_or(key, |(_, s)| s);
        let matches = |known: &str| known.contains(key) || known.ends_with(suffix);
        if undefined == Undefined::AllowWellKnown {
            if let Some(k) = CORE_WELL_KNOWN_LABELS
                .iter()
                .chain(AWS_WELL_KNOWN_LABELS.iter())
                .find(|k| matches(k))
            {
                return format!(" (typo of {k:?}?)");
            }
        }
        match self.0.keys().find(|k| matches(k)) {
            Some(k) => format!(" (typo of {k:?}?)"),
            None => String::new(),
        }
    }

    /// `NodeSelectorRequirements`: the set written back as API requirements.
    pub fn to_node_selector(&self) -> Vec<NodeSelectorRequirement> {
        self.0
            .values()
            .flat_map(Requirement::to_node_selector)
            .collect()
    }

    /// `resolveCustomLabelsFromRequirements` (`nodeclaimtemplate.go`): for every key that is
    /// neither well-known nor restricted (hostname), one allowed value ([`Requirement::any`]),
    /// which Karpenter puts on the NodeClaim's labels next to the template's.
    pub fn custom_labels(&self) -> BTreeMap<String, String> {
        self.0
            .values()
            .filter(|r| !is_well_known(&r.key) && r.key != HOSTNAME_LABEL)
            .filter_map(|r| Some((r.key.clone(), r.any()?)))
            .collect()
    }
}

impl fmt::Display for Requirements {
    /// `String()`: each requirement but the restricted ones (hostname), sorted, joined by
    /// `, `.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = self
            .0
            .values()
            .filter(|r| r.key != HOSTNAME_LABEL)
            .map(Requirement::to_string)
            .collect();
        parts.sort();
        f.write_str(&parts.join(", "))
    }
}

/// A pod's `matchExpressions` entry as a requirement (no minValues); None for an unknown
/// operator, which API validation rejects before a pod is stored.
fn requirement_of_expression(e: &Value) -> Option<Requirement> {
    let key = e.get("key").and_then(Value::as_str)?;
    let op = Operator::parse(e.get("operator").and_then(Value::as_str)?)?;
    let values: Vec<&str> = array_at(e, &["values"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    Some(Requirement::new(key, op, &values))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;
    use Operator::*;

    fn req(op: Operator, values: &[&str]) -> Requirement {
        Requirement::new("key", op, values)
    }

    /// The fourteen requirements of upstream's `requirement_test.go`, in its order.
    fn fourteen() -> Vec<(&'static str, Requirement)> {
        vec![
            ("exists", req(Exists, &[])),
            ("doesNotExist", req(DoesNotExist, &[])),
            ("inA", req(In, &["A"])),
            ("inB", req(In, &["B"])),
            ("inAB", req(In, &["A", "B"])),
            ("notInA", req(NotIn, &["A"])),
            ("in1", req(In, &["1"])),
            ("in9", req(In, &["9"])),
            ("in19", req(In, &["1", "9"])),
            ("notIn12", req(NotIn, &["1", "2"])),
            ("greaterThan1", req(Gt, &["1"])),
            ("greaterThan9", req(Gt, &["9"])),
            ("lessThan1", req(Lt, &["1"])),
            ("lessThan9", req(Lt, &["9"])),
        ]
    }

    fn raw(complement: bool, values: &[&str], gte: Option<i64>, lte: Option<i64>) -> Requirement {
        Requirement {
            key: "key".into(),
            complement,
            values: values.iter().map(|s| s.to_string()).collect(),
            gte,
            lte,
            min_values: None,
        }
    }

    /// `requirement_test.go` "should intersect two requirements without minValues": all
    /// 196 entries. Row = existing, column = incoming, in [`fourteen`] order.
    #[test]
    fn intersection_table_without_min_values() {
        let reqs = fourteen();
        let by = |n: &str| {
            reqs.iter()
                .find(|(name, _)| *name == n)
                .map(|(_, r)| r.clone())
                .unwrap_or_else(|| panic!("{n}"))
        };
        let special = |n: &str| -> Requirement {
            match n {
                "notIn{A,1,2}" => raw(true, &["A", "1", "2"], None, None),
                "gt1notIn2" => raw(true, &["2"], Some(2), None),
                "gt9notIn" => raw(true, &[], Some(10), None),
                "lt1notIn" => raw(true, &[], None, Some(0)),
                "lt9notIn12" => raw(true, &["1", "2"], None, Some(8)),
                "gt1lt9" => raw(true, &[], Some(2), Some(8)),
                other => by(other),
            }
        };
        #[rustfmt::skip]
        let table: [[&str; 14]; 14] = [
            ["exists", "doesNotExist", "inA", "inB", "inAB", "notInA", "in1", "in9", "in19", "notIn12", "greaterThan1", "greaterThan9", "lessThan1", "lessThan9"],
            ["doesNotExist"; 14],
            ["inA", "doesNotExist", "inA", "doesNotExist", "inA", "doesNotExist", "doesNotExist", "doesNotExist", "doesNotExist", "inA", "doesNotExist", "doesNotExist", "doesNotExist", "doesNotExist"],
            ["inB", "doesNotExist", "doesNotExist", "inB", "inB", "inB", "doesNotExist", "doesNotExist", "doesNotExist", "inB", "doesNotExist", "doesNotExist", "doesNotExist", "doesNotExist"],
            ["inAB", "doesNotExist", "inA", "inB", "inAB", "inB", "doesNotExist", "doesNotExist", "doesNotExist", "inAB", "doesNotExist", "doesNotExist", "doesNotExist", "doesNotExist"],
            ["notInA", "doesNotExist", "doesNotExist", "inB", "inB", "notInA", "in1", "in9", "in19", "notIn{A,1,2}", "greaterThan1", "greaterThan9", "lessThan1", "lessThan9"],
            ["in1", "doesNotExist", "doesNotExist", "doesNotExist", "doesNotExist", "in1", "in1", "doesNotExist", "in1", "doesNotExist", "doesNotExist", "doesNotExist", "doesNotExist", "in1"],
            ["in9", "doesNotExist", "doesNotExist", "doesNotExist", "doesNotExist", "in9", "doesNotExist", "in9", "in9", "in9", "in9", "doesNotExist", "doesNotExist", "doesNotExist"],
            ["in19", "doesNotExist", "doesNotExist", "doesNotExist", "doesNotExist", "in19", "in1", "in9", "in19", "in9", "in9", "doesNotExist", "doesNotExist", "in1"],
            ["notIn12", "doesNotExist", "inA", "inB", "inAB", "notIn{A,1,2}", "doesNotExist", "in9", "in9", "notIn12", "gt1notIn2", "gt9notIn", "lt1notIn", "lt9notIn12"],
            ["greaterThan1", "doesNotExist", "doesNotExist", "doesNotExist", "doesNotExist", "greaterThan1", "doesNotExist", "in9", "in9", "gt1notIn2", "greaterThan1", "greaterThan9", "doesNotExist", "gt1lt9"],
            ["greaterThan9", "doesNotExist", "doesNotExist", "doesNotExist", "doesNotExist", "greaterThan9", "doesNotExist", "doesNotExist", "doesNotExist", "greaterThan9", "greaterThan9", "greaterThan9", "doesNotExist", "doesNotExist"],
            ["lessThan1", "doesNotExist", "doesNotExist", "doesNotExist", "doesNotExist", "lessThan1", "doesNotExist", "doesNotExist", "doesNotExist", "lessThan1", "doesNotExist", "doesNotExist", "lessThan1", "lessThan1"],
            ["lessThan9", "doesNotExist", "doesNotExist", "doesNotExist", "doesNotExist", "lessThan9", "in1", "doesNotExist", "in1", "lt9notIn12", "gt1lt9", "doesNotExist", "lessThan1", "lessThan9"],
        ];
        for (i, (row, existing)) in reqs.iter().enumerate() {
            for (j, (col, incoming)) in reqs.iter().enumerate() {
                assert_eq!(
                    existing.intersection(incoming),
                    special(table[i][j]),
                    "{row} ∩ {col}"
                );
            }
        }
    }

    /// minValues survive intersection and the larger wins (`requirement_test.go`
    /// "should intersect requirement with minValues with a requirement without", samples).
    #[test]
    fn intersection_keeps_the_larger_min_values() {
        let exists1 = Requirement::with_min_values("key", Exists, Some(1), &[]);
        let got = exists1.intersection(&req(In, &["A", "B"]));
        assert_eq!(got.min_values, Some(1));
        assert_eq!(got.operator(), In);
        let in_ab2 = Requirement::with_min_values("key", In, Some(2), &["A", "B"]);
        assert_eq!(in_ab2.intersection(&exists1).min_values, Some(2));
        let dne = exists1.intersection(&req(DoesNotExist, &[]));
        assert_eq!(
            dne,
            Requirement::with_min_values("key", DoesNotExist, Some(1), &[])
        );
        // Disjoint bounds: DoesNotExist carrying minValues.
        let gt9 = Requirement::with_min_values("key", Gt, Some(3), &["9"]);
        assert_eq!(gt9.intersection(&req(Lt, &["1"])).min_values, Some(3));
    }

    /// `requirement_test.go` "Has".
    #[test]
    fn has_table() {
        #[rustfmt::skip]
        let table: [(&str, &str); 14] = [
            // value:  A B 1 2 9
            ("exists", "YYYYY"), ("doesNotExist", "NNNNN"), ("inA", "YNNNN"), ("inB", "NYNNN"),
            ("inAB", "YYNNN"), ("notInA", "NYYYY"), ("in1", "NNYNN"), ("in9", "NNNNY"),
            ("in19", "NNYNY"), ("notIn12", "YYNNY"), ("greaterThan1", "NNNYY"),
            ("greaterThan9", "NNNNN"), ("lessThan1", "NNNNN"), ("lessThan9", "NNYYN"),
        ];
        for ((name, r), (tname, row)) in fourteen().iter().zip(table) {
            assert_eq!(*name, tname);
            for (value, want) in ["A", "B", "1", "2", "9"].iter().zip(row.chars()) {
                assert_eq!(r.has(value), want == 'Y', "{name} has {value}");
            }
        }
    }

    /// `requirement_test.go` "Operator", "Len" and "String".
    #[test]
    fn operator_len_and_string() {
        let cases: [(Operator, i64, &str); 14] = [
            (Exists, i64::MAX, "key Exists"),
            (DoesNotExist, 0, "key DoesNotExist"),
            (In, 1, "key In [A]"),
            (In, 1, "key In [B]"),
            (In, 2, "key In [A B]"),
            (NotIn, i64::MAX - 1, "key NotIn [A]"),
            (In, 1, "key In [1]"),
            (In, 1, "key In [9]"),
            (In, 2, "key In [1 9]"),
            (NotIn, i64::MAX - 2, "key NotIn [1 2]"),
            (Exists, i64::MAX, "key Exists >=2"),
            (Exists, i64::MAX, "key Exists >=10"),
            (Exists, i64::MAX, "key Exists <=0"),
            (Exists, i64::MAX, "key Exists <=8"),
        ];
        for ((name, r), (op, len, s)) in fourteen().iter().zip(cases) {
            assert_eq!(r.operator(), op, "{name}");
            assert_eq!(r.len(), len, "{name}");
            assert_eq!(r.to_string(), s, "{name}");
        }
        let gt1 = req(Gt, &["1"]);
        assert_eq!(
            gt1.intersection(&req(Lt, &["9"])).to_string(),
            "key Exists >=2 <=8"
        );
        assert_eq!(
            req(Gt, &["9"]).intersection(&req(Lt, &["1"])).to_string(),
            "key DoesNotExist"
        );
        let many = req(In, &["a", "b", "c", "d", "e", "f", "g"]);
        assert_eq!(many.to_string(), "key In [a b c d e and 2 others]");
        let flex = Requirement::with_min_values("key", In, Some(2), &["a", "b"]);
        assert_eq!(flex.to_string(), "key In [a b] minValues 2");
    }

    /// `requirement_test.go` "Any" (deterministic here).
    #[test]
    fn any_value() {
        let r = fourteen();
        let any = |i: usize| r[i].1.any();
        assert!(any(0).is_some());
        assert_eq!(any(1), None);
        assert_eq!(any(2).as_deref(), Some("A"));
        assert_eq!(any(4).as_deref(), Some("A"));
        assert!(any(5).is_some_and(|v| v != "A"));
        assert!(any(9).is_some_and(|v| v != "1" && v != "2"));
        assert!(any(10).is_some_and(|v| v.parse::<i64>().is_ok_and(|n| n >= 2)));
        assert!(any(11).is_some_and(|v| v.parse::<i64>().is_ok_and(|n| n >= 10)));
        assert_eq!(any(12).as_deref(), Some("0"));
        assert!(any(13).is_some_and(|v| v.parse::<i64>().is_ok_and(|n| (0..9).contains(&n))));
    }

    /// `requirement_test.go` "NodeSelectorRequirements Conversion" and "Gte and Lte
    /// Operators".
    #[test]
    fn conversion_and_inclusive_bounds() {
        let ops: Vec<(Operator, Vec<String>)> = fourteen()
            .iter()
            .map(|(_, r)| {
                let n = r.to_node_selector();
                assert_eq!(n.len(), 1);
                (n[0].operator, n[0].values.clone())
            })
            .collect();
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(ops[0], (Exists, vec![]));
        assert_eq!(ops[1], (DoesNotExist, vec![]));
        assert_eq!(ops[4], (In, s(&["A", "B"])));
        assert_eq!(ops[9], (NotIn, s(&["1", "2"])));
        assert_eq!(ops[10], (Gte, s(&["2"])));
        assert_eq!(ops[11], (Gte, s(&["10"])));
        assert_eq!(ops[12], (Lte, s(&["0"])));
        assert_eq!(ops[13], (Lte, s(&["8"])));

        let gte2 = req(Gte, &["2"]);
        let lte8 = req(Lte, &["8"]);
        assert!(gte2.has("2") && gte2.has("100") && !gte2.has("1"));
        assert!(lte8.has("8") && lte8.has("0") && !lte8.has("9"));
        let both = gte2.intersection(&lte8);
        assert!(both.has("2") && both.has("8") && !both.has("1") && !both.has("9"));
        // Gt 4 ∩ Gte 5 collapses to Gte 5; Gt 5 ∩ Gte 5 to Gte 6; Lt 5 ∩ Lte 5 to Lte 4.
        let one = |r: Requirement| {
            let n = r.to_node_selector();
            (n[0].operator, n[0].values.clone())
        };
        assert_eq!(
            one(req(Gt, &["4"]).intersection(&req(Gte, &["5"]))),
            (Gte, s(&["5"]))
        );
        assert_eq!(
            one(req(Gt, &["5"]).intersection(&req(Gte, &["5"]))),
            (Gte, s(&["6"]))
        );
        assert_eq!(
            one(req(Lt, &["5"]).intersection(&req(Lte, &["5"]))),
            (Lte, s(&["4"]))
        );
        // "should return both Gte and Lte requirements when both bounds exist".
        let mut cpu = Requirements::new();
        cpu.add(Requirement::new("cpu", Gte, &["8"]));
        cpu.add(Requirement::new("cpu", Lte, &["8"]));
        let n = cpu.to_node_selector();
        assert_eq!(n.len(), 2);
        assert_eq!((n[0].operator, n[1].operator), (Gte, Lte));
        // Gt MaxInt matches nothing.
        assert_eq!(req(Gt, &[&i64::MAX.to_string()]).operator(), DoesNotExist);
    }

    /// `requirement_test.go` "should normalize labels" and `requirements_test.go` "should
    /// normalize aliased labels".
    #[test]
    fn normalizes_aliases() {
        let mut r = Requirements::new();
        r.add(Requirement::new(
            "failure-domain.beta.kubernetes.io/zone",
            In,
            &["test"],
        ));
        assert!(!r.has("failure-domain.beta.kubernetes.io/zone"));
        assert!(r.get(ZONE_LABEL).has("test"));
        let pod = json!({"spec": {
            "nodeSelector": {
                "failure-domain.beta.kubernetes.io/zone": "test",
                "failure-domain.beta.kubernetes.io/region": "test",
                "beta.kubernetes.io/arch": "test",
                "beta.kubernetes.io/os": "test",
                "beta.kubernetes.io/instance-type": "test",
            }
        }});
        let reqs = Requirements::from_pod(&pod);
        let keys: Vec<&str> = reqs.keys().collect();
        assert_eq!(
            keys,
            [
                "kubernetes.io/arch",
                "kubernetes.io/os",
                INSTANCE_TYPE_LABEL,
                "topology.kubernetes.io/region",
                ZONE_LABEL
            ]
        );
    }

    fn zone_reqs() -> Vec<(&'static str, Requirements)> {
        let one = |op, v: &[&str]| {
            let mut r = Requirements::new();
            r.add(Requirement::new(ZONE_LABEL, op, v));
            r
        };
        vec![
            ("unconstrained", Requirements::new()),
            ("exists", one(Exists, &[])),
            ("doesNotExist", one(DoesNotExist, &[])),
            ("inA", one(In, &["A"])),
            ("inB", one(In, &["B"])),
            ("inAB", one(In, &["A", "B"])),
            ("notInA", one(NotIn, &["A"])),
            ("in1", one(In, &["1"])),
            ("in9", one(In, &["9"])),
            ("in19", one(In, &["1", "9"])),
            ("notIn12", one(NotIn, &["1", "2"])),
            ("greaterThan1", one(Gt, &["1"])),
            ("greaterThan9", one(Gt, &["9"])),
            ("lessThan1", one(Lt, &["1"])),
            ("lessThan9", one(Lt, &["9"])),
        ]
    }

    /// `requirements_test.go` "should be compatible with well-known v1 labels undefined"
    /// and "should be strictly compatible": all 2 × 225 expectations, extracted row by row.
    #[test]
    fn compatibility_tables() {
        #[rustfmt::skip]
        let loose = [
            "YYYYYYYYYYYYYYY", "YYNYYYYYYYYYYYY", "YNYNNNYNNNYNNNN", "YYNYNYNNNNYNNNN",
            "YYNNYYYNNNYNNNN", "YYNYYYYNNNYNNNN", "YYYNYYYYYYYYYYY", "YYNNNNYYNYNNNNY",
            "YYNNNNYNYYYYNNN", "YYNNNNYYYYYYNNY", "YYYYYYYNYYYYYYY", "YYNNNNYNYYYYYNY",
            "YYNNNNYNNNYYYNN", "YYNNNNYNNNYNNYY", "YYNNNNYYNYYYNYY",
        ];
        #[rustfmt::skip]
        let strict = [
            "YNYNNNYNNNYNNNN", "YYNYYYYYYYYYYYY", "YNYNNNYNNNYNNNN", "YYNYNYNNNNYNNNN",
            "YYNNYYYNNNYNNNN", "YYNYYYYNNNYNNNN", "YYYNYYYYYYYYYYY", "YYNNNNYYNYNNNNY",
            "YYNNNNYNYYYYNNN", "YYNNNNYYYYYYNNY", "YYYYYYYNYYYYYYY", "YYNNNNYNYYYYYNY",
            "YYNNNNYNNNYYYNN", "YYNNNNYNNNYNNYY", "YYNNNNYYNYYYNYY",
        ];
        let reqs = zone_reqs();
        for (table, undefined) in [
            (loose, Undefined::AllowWellKnown),
            (strict, Undefined::Deny),
        ] {
            for (i, (a, ra)) in reqs.iter().enumerate() {
                for (j, (b, rb)) in reqs.iter().enumerate() {
                    let want = table[i].as_bytes()[j] == b'Y';
                    assert_eq!(
                        ra.compatible(rb, undefined).is_ok(),
                        want,
                        "{a}.Compatible({b}, {undefined:?})"
                    );
                    assert_eq!(
                        ra.is_compatible(rb, undefined),
                        want,
                        "{a} IsCompatible {b}"
                    );
                    assert_eq!(ra.intersects_ok(rb), ra.intersects(rb).is_ok(), "{a} ∩ {b}");
                }
            }
        }
    }

    /// `requirements_test.go` "Error Messages".
    #[test]
    fn error_messages() {
        let bad = |key: &str, undefined| {
            let mut r = Requirements::new();
            r.add(Requirement::new(key, Exists, &[]));
            Requirements::new().compatible(&r, undefined).err()
        };
        for (label, hint) in [
            ("zone", ZONE_LABEL),
            ("region", "topology.kubernetes.io/region"),
            ("nodepool", NODEPOOL_LABEL),
            ("instance-type", INSTANCE_TYPE_LABEL),
            ("arch", "kubernetes.io/arch"),
            ("capacity-type", CAPACITY_TYPE_LABEL),
            ("topology.kubernetesio/zone", ZONE_LABEL),
            ("node.io/zone", ZONE_LABEL),
            (
                "topology.kubernetes.io/regio",
                "topology.kubernetes.io/region",
            ),
            ("node.kubernetes.io/region", "topology.kubernetes.io/region"),
            ("karpenter/nodepool", NODEPOOL_LABEL),
        ] {
            assert_eq!(
                bad(label, Undefined::AllowWellKnown),
                Some(format!(
                    "label {label:?} does not have known values (typo of {hint:?}?)"
                ))
            );
        }
        assert_eq!(
            bad("deployment", Undefined::Deny),
            Some(r#"label "deployment" does not have known values"#.to_string())
        );
        // A key both constrain without a common value.
        let mut a = Requirements::new();
        a.add(Requirement::new(ZONE_LABEL, In, &["us-east-1a"]));
        let mut b = Requirements::new();
        b.add(Requirement::new(ZONE_LABEL, In, &["us-east-1b"]));
        assert_eq!(
            a.compatible(&b, Undefined::AllowWellKnown),
            Err("key topology.kubernetes.io/zone, topology.kubernetes.io/zone In [us-east-1b] not in topology.kubernetes.io/zone In [us-east-1a]".to_string())
        );
    }

    /// `requirements_test.go` "Stringify Requirements": sorted, hostname left out.
    #[test]
    fn stringify() {
        let mut r = Requirements::new();
        r.add(Requirement::new("inA", In, &["A"]));
        r.add(Requirement::new("exists", Exists, &[]));
        r.add(Requirement::new(HOSTNAME_LABEL, In, &["h"]));
        r.add(Requirement::new("greaterThan1", Gt, &["1"]));
        assert_eq!(
            r.to_string(),
            "exists Exists, greaterThan1 Exists >=2, inA In [A]"
        );
    }

    /// `NewPodRequirements` takes the heaviest preferred term and the first required term;
    /// the strict variant only the required one.
    #[test]
    fn pod_requirements() {
        let pod = json!({"spec": {
            "nodeSelector": {"team": "a"},
            "affinity": {"nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                    {"matchExpressions": [{"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64", "arm64"]}]},
                    {"matchExpressions": [{"key": "ignored", "operator": "Exists"}]}
                ]},
                "preferredDuringSchedulingIgnoredDuringExecution": [
                    {"weight": 1, "preference": {"matchExpressions": [{"key": "light", "operator": "Exists"}]}},
                    {"weight": 50, "preference": {"matchExpressions": [{"key": "kubernetes.io/arch", "operator": "In", "values": ["arm64"]}]}}
                ]
            }}
        }});
        let all = Requirements::from_pod(&pod);
        assert_eq!(
            all.keys().collect::<Vec<_>>(),
            ["kubernetes.io/arch", "team"]
        );
        assert_eq!(
            all.get("kubernetes.io/arch").to_string(),
            "kubernetes.io/arch In [arm64]"
        );
        let strict = Requirements::from_pod_strict(&pod);
        assert_eq!(
            strict.get("kubernetes.io/arch").to_string(),
            "kubernetes.io/arch In [amd64 arm64]"
        );
    }

    /// The NodePool CRD's CEL rules on requirements.
    #[test]
    fn parses_and_validates_node_selector_requirements() {
        let ok = NodeSelectorRequirement::from_value(
            &json!({"key": "karpenter.k8s.aws/instance-family", "operator": "In",
                    "values": ["m5", "c5", "r5"], "minValues": 2}),
            "spec.template.spec.requirements[0]",
        )
        .expect("valid");
        assert_eq!(ok.min_values, Some(2));
        assert_eq!(
            Requirement::from_node_selector(&ok).to_string(),
            "karpenter.k8s.aws/instance-family In [c5 m5 r5] minValues 2"
        );
        let err = |v: Value| {
            NodeSelectorRequirement::from_value(&v, "spec.requirements[0]")
                .err()
                .map(|e| e.to_string())
        };
        assert_eq!(
            err(json!({"key": "k", "operator": "In"})),
            Some("spec.requirements[0]: Invalid value: \"object\": requirements with operator 'In' must have a value defined".into())
        );
        assert_eq!(
            err(json!({"key": "k", "operator": "Gt", "values": ["-1"]})),
            Some("spec.requirements[0]: Invalid value: \"object\": requirements operator 'Gt', 'Lt', 'Gte', or 'Lte' must have a single positive integer value".into())
        );
        assert_eq!(
            err(json!({"key": "k", "operator": "In", "values": ["a"], "minValues": 2})),
            Some("spec.requirements[0]: Invalid value: \"object\": requirements with 'minValues' must have at least that many values specified in the 'values' field".into())
        );
        assert!(err(json!({"key": "k", "operator": "Near"}))
            .is_some_and(|e| e.contains("Unsupported value: \"Near\"")));
        assert!(err(json!({"operator": "Exists"}))
            .is_some_and(|e| e.contains("spec.requirements[0].key: Required value")));
    }
}
