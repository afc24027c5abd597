//! The Karpenter API objects as plain structs, read from manifests as real clusters write
//! them (unknown fields ignored, defaults applied, the CRDs' validation rules enforced with
//! the API server's messages): `karpenter.sh/v1` NodePool and NodeClaim
//! (kubernetes-sigs/karpenter v1.13.0 `pkg/apis/v1`, `pkg/apis/crds`) and
//! `karpenter.k8s.aws/v1` EC2NodeClass (karpenter-provider-aws v1.13.0 `pkg/apis/v1`).
use super::budget::Budget;
use super::requirements::{NodeSelectorRequirement, Requirement, Requirements, NODEPOOL_LABEL};
use super::resources::ResourceList;
use crate::api::duration::parse_go_duration;
use crate::api::kinds::by_kind;
use crate::api::object::{self, array_at, path, str_at};
use crate::api::{Quantity, Value};
use crate::cloud::eks::{AmiFamily, EvictionSignal, KubeletConfig, NodeConfig, Reserved};
use crate::scheduler::Taint;
use crate::server::status::{FieldError, Status};
use crate::sim::clock::parse_rfc3339;
use std::collections::BTreeMap;

/// `karpenter.sh/do-not-disrupt`.
pub const DO_NOT_DISRUPT_ANNOTATION: &str = "karpenter.sh/do-not-disrupt";
/// `karpenter.sh/registered`.
pub const REGISTERED_LABEL: &str = "karpenter.sh/registered";
/// `karpenter.sh/initialized`.
pub const INITIALIZED_LABEL: &str = "karpenter.sh/initialized";
/// `karpenter.sh/disrupted:NoSchedule`, the taint a node gets once a command picks it.
pub const DISRUPTED_TAINT_KEY: &str = "karpenter.sh/disrupted";
/// `karpenter.sh/unregistered:NoExecute`, on nodes until Karpenter registers them.
pub const UNREGISTERED_TAINT_KEY: &str = "karpenter.sh/unregistered";
/// `karpenter.sh/termination`, the finalizer of NodeClaims and their Nodes.
pub const TERMINATION_FINALIZER: &str = "karpenter.sh/termination";
/// `karpenter.sh/nodepool-hash`.
pub const NODEPOOL_HASH_ANNOTATION: &str = "karpenter.sh/nodepool-hash";

/// `expireAfter` when a NodePool does not set it: 720h.
pub const DEFAULT_EXPIRE_AFTER_NS: i64 = 720 * 3_600_000_000_000;

/// `spec.disruption.consolidationPolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConsolidationPolicy {
    /// `WhenEmpty`: only empty nodes are consolidated.
    WhenEmpty,
    /// `WhenEmptyOrUnderutilized` (the default).
    #[default]
    WhenEmptyOrUnderutilized,
}

/// `spec.template.spec.nodeClassRef`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NodeClassRef {
    /// `group` (`karpenter.k8s.aws`).
    pub group: String,
    /// `kind` (`EC2NodeClass`).
    pub kind: String,
    /// `name`.
    pub name: String,
}

impl NodeClassRef {
    /// `NodeClassLabelKey`: `<group>/<lower-case kind>` (`karpenter.k8s.aws/ec2nodeclass`),
    /// the label NodeClaims and nodes carry with the node class's name.
    pub fn label_key(&self) -> String {
        format!("{}/{}", self.group, self.kind.to_ascii_lowercase())
    }
}

/// The NodeClaim template of a NodePool (`spec.template`), or a NodeClaim's own spec.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NodeClaimSpec {
    /// `metadata.labels` (template) / the NodeClaim's labels.
    pub labels: BTreeMap<String, String>,
    /// `metadata.annotations`.
    pub annotations: BTreeMap<String, String>,
    /// `spec.requirements`.
    pub requirements: Vec<NodeSelectorRequirement>,
    /// `spec.taints`.
    pub taints: Vec<Taint>,
    /// `spec.startupTaints`.
    pub startup_taints: Vec<Taint>,
    /// `spec.nodeClassRef`.
    pub node_class_ref: NodeClassRef,
    /// `spec.expireAfter` in nanoseconds; None for `Never`.
    pub expire_after_ns: Option<i64>,
    /// `spec.terminationGracePeriod` in nanoseconds.
    pub termination_grace_period_ns: Option<i64>,
}

/// `spec.disruption`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disruption {
    /// `consolidateAfter` in nanoseconds; None for `Never`.
    pub consolidate_after_ns: Option<i64>,
    /// `consolidationPolicy`.
    pub consolidation_policy: ConsolidationPolicy,
    /// `budgets` (default `[{nodes: "10%"}]`).
    pub budgets: Vec<Budget>,
}

impl Default for Disruption {
    fn default() -> Self {
        Disruption {
            consolidate_after_ns: Some(0),
            consolidation_policy: ConsolidationPolicy::WhenEmptyOrUnderutilized,
            budgets: vec![Budget::default()],
        }
    }
}

/// A `karpenter.sh/v1` NodePool.
#[derive(Debug, Clone, PartialEq)]
pub struct NodePool {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.uid`.
    pub uid: String,
    /// `spec.weight` (0 when unset).
    pub weight: i64,
    /// `spec.replicas` (static NodePools).
    pub replicas: Option<i64>,
    /// `spec.limits` (empty: unlimited).
    pub limits: ResourceList,
    /// `spec.template`.
    pub template: NodeClaimSpec,
    /// `spec.disruption`.
    pub disruption: Disruption,
}

/// A `karpenter.sh/v1` NodeClaim.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NodeClaim {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.uid`.
    pub uid: String,
    /// `metadata.creationTimestamp`, ms since the epoch.
    pub created_ms: Option<i64>,
    /// Whether `metadata.deletionTimestamp` is set.
    pub deleting: bool,
    /// The spec (labels and annotations from metadata).
    pub spec: NodeClaimSpec,
    /// `spec.resources.requests`.
    pub requests: ResourceList,
    /// `status.providerID`.
    pub provider_id: String,
    /// `status.nodeName`.
    pub node_name: String,
    /// `status.imageID`.
    pub image_id: String,
    /// `status.capacity`.
    pub capacity: ResourceList,
    /// `status.allocatable`.
    pub allocatable: ResourceList,
    /// `status.conditions` as (type, status).
    pub conditions: BTreeMap<String, String>,
    /// `status.lastPodEventTime`, ms since the epoch.
    pub last_pod_event_ms: Option<i64>,
}

/// A `karpenter.k8s.aws/v1` EC2NodeClass.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Ec2NodeClass {
    /// `metadata.name`.
    pub name: String,
    /// The AMI family (`spec.amiFamily`, else the alias's family).
    pub ami_family: AmiFamily,
    /// `spec.amiSelectorTerms[].alias`, if any.
    pub alias: Option<String>,
    /// `spec.role`.
    pub role: Option<String>,
    /// `spec.instanceProfile`.
    pub instance_profile: Option<String>,
    /// `spec.tags`.
    pub tags: BTreeMap<String, String>,
    /// What shapes its nodes (kubelet, volumes, instance store).
    pub node_config: NodeConfig,
}

// ---------------------------------------------------------------------------------------------
// Field readers.

fn string_value(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{:?}", s.as_str()),
        other => other.to_string(),
    }
}

/// A Go duration field with a CRD pattern: `^(([0-9]+(s|m|h))+|Never)$` (`never` allowed) or
/// `^([0-9]+(s|m|h))+$`. Returns Ok(None) for `Never`.
fn duration_field(
    v: Option<&Value>,
    field: &str,
    never: bool,
    errs: &mut Vec<FieldError>,
) -> Option<Option<i64>> {
    let v = v.filter(|v| !v.is_null())?;
    let Some(s) = v.as_str() else {
        errs.push(FieldError::invalid(
            field,
            string_value(v),
            format!("{field} in body must be of type string"),
        ));
        return None;
    };
    if never && s == "Never" {
        return Some(None);
    }
    let unit_groups = !s.is_empty() && {
        let mut ok = true;
        let mut digits = 0;
        for c in s.chars() {
            if c.is_ascii_digit() {
                digits += 1;
            } else if matches!(c, 's' | 'm' | 'h') && digits > 0 {
                digits = 0;
            } else {
                ok = false;
                break;
            }
        }
        ok && digits == 0
    };
    if !unit_groups {
        let pattern = if never {
            "^(([0-9]+(s|m|h))+|Never)$"
        } else {
            "^([0-9]+(s|m|h))+$"
        };
        errs.push(FieldError::invalid(
            field,
            format!("{s:?}"),
            format!("{field} in body should match '{pattern}'"),
        ));
        return None;
    }
    match parse_go_duration(s) {
        Ok(ns) => Some(Some(ns)),
        Err(e) => {
            errs.push(FieldError::invalid(field, format!("{s:?}"), e));
            None
        }
    }
}

fn taints_field(v: &Value, keys: &[&str], field: &str, errs: &mut Vec<FieldError>) -> Vec<Taint> {
    let mut out = Vec::new();
    for (i, t) in array_at(v, keys).iter().enumerate() {
        let f = format!("{field}[{i}]");
        let key = str_at(t, &["key"]).unwrap_or("");
        let effect = str_at(t, &["effect"]).unwrap_or("");
        if key.is_empty() {
            errs.push(FieldError::required(format!("{f}.key"), ""));
            continue;
        }
        if !matches!(effect, "NoSchedule" | "PreferNoSchedule" | "NoExecute") {
            errs.push(FieldError::not_supported(
                format!("{f}.effect"),
                format!("{effect:?}"),
                &["NoSchedule", "PreferNoSchedule", "NoExecute"],
            ));
            continue;
        }
        out.push(Taint {
            key: key.to_string(),
            value: str_at(t, &["value"]).unwrap_or("").to_string(),
            effect: effect.to_string(),
        });
    }
    out
}

/// The NodePool CRD's rules on a label key of the template (`metadata.labels` keys and
/// requirement keys): the `karpenter.sh` domain is Karpenter's, except capacity-type (and
/// nodepool, itself restricted); hostname is restricted.
fn restricted_key(key: &str) -> Option<&'static str> {
    if key == NODEPOOL_LABEL {
        return Some("label \"karpenter.sh/nodepool\" is restricted");
    }
    if key == "kubernetes.io/hostname" {
        return Some("label \"kubernetes.io/hostname\" is restricted");
    }
    let domain = key.split('/').next().unwrap_or("");
    if key != "karpenter.sh/capacity-type" && domain.ends_with("karpenter.sh") {
        return Some("label domain \"karpenter.sh\" is restricted");
    }
    None
}

/// Reads `requirements` at `keys` of `v`, applying the CRD's rules (per requirement, then
/// over the list as CEL does, reported with `Invalid value: "array"`).
fn requirements_field(
    v: &Value,
    keys: &[&str],
    field: &str,
    restrict_keys: bool,
    errs: &mut Vec<FieldError>,
) -> Vec<NodeSelectorRequirement> {
    let mut out = Vec::new();
    for (i, r) in array_at(v, keys).iter().enumerate() {
        let f = format!("{field}[{i}]");
        match NodeSelectorRequirement::from_value(r, &f) {
            Ok(req) => {
                if restrict_keys {
                    if let Some(msg) = restricted_key(&req.key) {
                        errs.push(FieldError::invalid(format!("{f}.key"), "\"string\"", msg));
                        continue;
                    }
                }
                out.push(req);
            }
            Err(mut e) => {
                // CEL list rules report the list and its type.
                if e.field == f {
                    e.field = field.to_string();
                    e.value = "\"array\"".into();
                }
                errs.push(e);
            }
        }
    }
    out
}

fn string_map_field(v: &Value, keys: &[&str]) -> BTreeMap<String, String> {
    object::string_map(v, keys)
}

/// `spec.template` of a NodePool or the spec of a NodeClaim; `meta` holds labels and
/// annotations, `spec` the rest; `prefix` is the path of `spec` for errors.
fn claim_spec(
    meta: Option<&Value>,
    spec: Option<&Value>,
    prefix: &str,
    template: bool,
    errs: &mut Vec<FieldError>,
) -> NodeClaimSpec {
    let empty = Value::object();
    let meta = meta.unwrap_or(&empty);
    let spec = spec.unwrap_or(&empty);
    let labels = string_map_field(meta, &["labels"]);
    if template {
        let meta_path = prefix.replace(".spec", ".metadata");
        for k in labels.keys() {
            if let Some(msg) = restricted_key(k) {
                errs.push(FieldError::invalid(
                    format!("{meta_path}.labels"),
                    "\"object\"",
                    msg,
                ));
            }
        }
    }
    let requirements = requirements_field(
        spec,
        &["requirements"],
        &format!("{prefix}.requirements"),
        template,
        errs,
    );
    let taints = taints_field(spec, &["taints"], &format!("{prefix}.taints"), errs);
    let startup_taints = taints_field(
        spec,
        &["startupTaints"],
        &format!("{prefix}.startupTaints"),
        errs,
    );
    let r = |k: &str| str_at(spec, &["nodeClassRef", k]).unwrap_or("").to_string();
    let node_class_ref = NodeClassRef {
        group: r("group"),
        kind: r("kind"),
        name: r("name"),
    };
    if path(spec, &["nodeClassRef"]).is_none() {
        errs.push(FieldError::required(format!("{prefix}.nodeClassRef"), ""));
    } else {
        for (k, v) in [
            ("group", &node_class_ref.group),
            ("kind", &node_class_ref.kind),
            ("name", &node_class_ref.name),
        ] {
            if v.is_empty() {
                errs.push(FieldError::invalid(
                    format!("{prefix}.nodeClassRef.{k}"),
                    "\"string\"",
                    format!("{k} may not be empty"),
                ));
            }
        }
    }
    let expire_after_ns = duration_field(
        spec.get("expireAfter"),
        &format!("{prefix}.expireAfter"),
        true,
        errs,
    )
    .unwrap_or(Some(DEFAULT_EXPIRE_AFTER_NS));
    let termination_grace_period_ns = duration_field(
        spec.get("terminationGracePeriod"),
        &format!("{prefix}.terminationGracePeriod"),
        false,
        errs,
    )
    .flatten();
    NodeClaimSpec {
        labels,
        annotations: string_map_field(meta, &["annotations"]),
        requirements,
        taints,
        startup_taints,
        node_class_ref,
        expire_after_ns,
        termination_grace_period_ns,
    }
}

fn invalid(kind: &str, api_version: &str, name: &str, errs: Vec<FieldError>) -> Status {
    match by_kind(Some(api_version), kind) {
        Some(info) => Status::invalid(info, name, errs),
        None => Status::bad_request(format!("{kind} {name:?} is invalid")),
    }
}

// ---------------------------------------------------------------------------------------------
// NodePool.

impl NodePool {
    /// Reads a NodePool manifest (defaults: weight 0, `consolidateAfter: 0s`,
    /// `consolidationPolicy: WhenEmptyOrUnderutilized`, `budgets: [{nodes: 10%}]`,
    /// `expireAfter: 720h`), or the 422 the API server would answer.
    pub fn from_value(obj: &Value) -> Result<NodePool, Status> {
        let name = object::name(obj).to_string();
        let mut errs = Vec::new();
        let empty = Value::object();
        let spec = obj.get("spec").unwrap_or(&empty);
        if spec.get("template").is_none() {
            errs.push(FieldError::required("spec.template", ""));
        }
        let template = claim_spec(
            path(spec, &["template", "metadata"]),
            path(spec, &["template", "spec"]),
            "spec.template.spec",
            true,
            &mut errs,
        );
        if path(spec, &["template", "spec"]).is_some()
            && path(spec, &["template", "spec", "requirements"]).is_none()
        {
            errs.push(FieldError::required("spec.template.spec.requirements", ""));
        }
        let weight = match spec.get("weight").filter(|v| !v.is_null()) {
            None => 0,
            Some(w) => match w.as_i64() {
                Some(n) if (1..=100).contains(&n) => n,
                Some(n) if n < 1 => {
                    errs.push(FieldError::invalid(
                        "spec.weight",
                        n.to_string(),
                        "spec.weight in body should be greater than or equal to 1",
                    ));
                    0
                }
                _ => {
                    errs.push(FieldError::invalid(
                        "spec.weight",
                        w.to_string(),
                        "spec.weight in body should be less than or equal to 100",
                    ));
                    0
                }
            },
        };
        let replicas = match spec.get("replicas").filter(|v| !v.is_null()) {
            None => None,
            Some(r) => match r.as_i64() {
                Some(n) if n >= 0 => Some(n),
                _ => {
                    errs.push(FieldError::invalid(
                        "spec.replicas",
                        r.to_string(),
                        "spec.replicas in body should be greater than or equal to 0",
                    ));
                    None
                }
            },
        };
        let limits = match ResourceList::from_value(spec.get("limits")) {
            Ok(l) => l,
            Err((k, v)) => {
                errs.push(FieldError::invalid(
                    format!("spec.limits.{k}"),
                    format!("{v:?}"),
                    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
                ));
                ResourceList::new()
            }
        };
        if replicas.is_some() {
            if limits.iter().any(|(k, _)| k != "nodes") {
                errs.push(FieldError::invalid(
                    "spec",
                    "\"object\"",
                    "only 'limits.nodes' is supported on static NodePools",
                ));
            }
            if spec.get("weight").is_some_and(|w| !w.is_null()) {
                errs.push(FieldError::invalid(
                    "spec",
                    "\"object\"",
                    "'weight' is not supported on static NodePools",
                ));
            }
        }
        let disruption = disruption_field(spec.get("disruption"), &mut errs);
        if !errs.is_empty() {
            return Err(invalid("NodePool", "karpenter.sh/v1", &name, errs));
        }
        Ok(NodePool {
            uid: object::uid(obj).to_string(),
            name,
            weight,
            replicas,
            limits,
            template,
            disruption,
        })
    }

    /// `NewNodeClaimTemplate`'s requirements: the template's requirements, then its labels
    /// plus `karpenter.sh/nodepool` and the node class label as `In` requirements.
    pub fn requirements(&self) -> Requirements {
        let mut r = Requirements::from_node_selector(&self.template.requirements);
        for (k, v) in self.labels() {
            r.add(Requirement::new(
                &k,
                super::requirements::Operator::In,
                &[&v],
            ));
        }
        r
    }

    /// The labels NodeClaims of this NodePool get from the template: its labels, the
    /// `karpenter.sh/nodepool` label and the node class label (`NewNodeClaimTemplate`).
    pub fn labels(&self) -> BTreeMap<String, String> {
        let mut l = self.template.labels.clone();
        l.insert(NODEPOOL_LABEL.to_string(), self.name.clone());
        let r = &self.template.node_class_ref;
        if !r.group.is_empty() && !r.kind.is_empty() {
            l.insert(r.label_key(), r.name.clone());
        }
        l
    }
}

/// `nodepoolutils.OrderByWeight`: heaviest first, ties by name descending.
pub fn order_by_weight(pools: &mut [&NodePool]) {
    pools.sort_by(|a, b| b.weight.cmp(&a.weight).then_with(|| b.name.cmp(&a.name)));
}

fn disruption_field(v: Option<&Value>, errs: &mut Vec<FieldError>) -> Disruption {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Disruption::default();
    };
    let consolidate_after_ns = match v.get("consolidateAfter").filter(|v| !v.is_null()) {
        None => {
            errs.push(FieldError::required("spec.disruption.consolidateAfter", ""));
            Some(0)
        }
        Some(c) => duration_field(Some(c), "spec.disruption.consolidateAfter", true, errs)
            .unwrap_or(Some(0)),
    };
    let consolidation_policy = match str_at(v, &["consolidationPolicy"]) {
        None => ConsolidationPolicy::WhenEmptyOrUnderutilized,
        Some("WhenEmpty") => ConsolidationPolicy::WhenEmpty,
        Some("WhenEmptyOrUnderutilized") => ConsolidationPolicy::WhenEmptyOrUnderutilized,
        Some(other) => {
            errs.push(FieldError::not_supported(
                "spec.disruption.consolidationPolicy",
                format!("{other:?}"),
                &["WhenEmpty", "WhenEmptyOrUnderutilized"],
            ));
            ConsolidationPolicy::WhenEmptyOrUnderutilized
        }
    };
    let budgets = match v.get("budgets").filter(|b| !b.is_null()) {
        None => vec![Budget::default()],
        Some(_) => {
            let list = array_at(v, &["budgets"]);
            if list.len() > 50 {
                errs.push(FieldError {
                    kind: crate::server::status::FieldErrorKind::Invalid,
                    field: "spec.disruption.budgets".into(),
                    value: list.len().to_string(),
                    detail: "must have at most 50 items".into(),
                });
            }
            list.iter()
                .enumerate()
                .filter_map(|(i, b)| {
                    Budget::from_value(b, &format!("spec.disruption.budgets[{i}]"))
                        .map_err(|mut e| {
                            // The schedule/duration rule is a CEL rule on the list.
                            if e.detail == "'schedule' must be set with 'duration'" {
                                e.field = "spec.disruption.budgets".into();
                                e.value = "\"array\"".into();
                            }
                            errs.push(e);
                        })
                        .ok()
                })
                .collect()
        }
    };
    Disruption {
        consolidate_after_ns,
        consolidation_policy,
        budgets,
    }
}

// ---------------------------------------------------------------------------------------------
// NodeClaim.

impl NodeClaim {
    /// Reads a NodeClaim manifest (spec and status), or the 422 the API server would answer.
    pub fn from_value(obj: &Value) -> Result<NodeClaim, Status> {
        let name = object::name(obj).to_string();
        let mut errs = Vec::new();
        let spec = claim_spec(
            obj.get("metadata"),
            obj.get("spec"),
            "spec",
            false,
            &mut errs,
        );
        let requests = match ResourceList::from_value(path(obj, &["spec", "resources", "requests"]))
        {
            Ok(l) => l,
            Err((k, v)) => {
                errs.push(FieldError::invalid(
                    format!("spec.resources.requests.{k}"),
                    format!("{v:?}"),
                    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
                ));
                ResourceList::new()
            }
        };
        if !errs.is_empty() {
            return Err(invalid("NodeClaim", "karpenter.sh/v1", &name, errs));
        }
        let status = |k: &str| str_at(obj, &["status", k]).unwrap_or("").to_string();
        let conditions = array_at(obj, &["status", "conditions"])
            .iter()
            .filter_map(|c| {
                Some((
                    c.get("type")?.as_str()?.to_string(),
                    c.get("status")?.as_str()?.to_string(),
                ))
            })
            .collect();
        Ok(NodeClaim {
            uid: object::uid(obj).to_string(),
            created_ms: str_at(obj, &["metadata", "creationTimestamp"]).and_then(parse_rfc3339),
            deleting: object::is_terminating(obj),
            name,
            spec,
            requests,
            provider_id: status("providerID"),
            node_name: status("nodeName"),
            image_id: status("imageID"),
            capacity: ResourceList::from_value_lossy(path(obj, &["status", "capacity"])),
            allocatable: ResourceList::from_value_lossy(path(obj, &["status", "allocatable"])),
            conditions,
            last_pod_event_ms: str_at(obj, &["status", "lastPodEventTime"]).and_then(parse_rfc3339),
        })
    }

    /// The NodePool that owns the claim (`karpenter.sh/nodepool`).
    pub fn nodepool(&self) -> Option<&str> {
        self.spec.labels.get(NODEPOOL_LABEL).map(String::as_str)
    }

    /// Whether condition `type` is `True` (`Launched`, `Registered`, `Initialized`,
    /// `Consolidatable`, `Drifted`, …).
    pub fn is_true(&self, condition: &str) -> bool {
        self.conditions.get(condition).map(String::as_str) == Some("True")
    }

    /// The claim's requirements (`NewNodeSelectorRequirementsWithMinValues`).
    pub fn requirements(&self) -> Requirements {
        Requirements::from_node_selector(&self.spec.requirements)
    }
}

// ---------------------------------------------------------------------------------------------
// EC2NodeClass.

const EVICTION_KEYS: [&str; 6] = [
    "memory.available",
    "nodefs.available",
    "nodefs.inodesFree",
    "imagefs.available",
    "imagefs.inodesFree",
    "pid.available",
];

fn reserved_field(kubelet: &Value, key: &str, field: &str, errs: &mut Vec<FieldError>) -> Reserved {
    let mut r = Reserved::default();
    let Some(map) = kubelet.get(key).and_then(Value::as_object) else {
        return r;
    };
    for (k, v) in map.iter() {
        let text = v.as_str().unwrap_or("");
        if !matches!(k.as_str(), "cpu" | "memory" | "ephemeral-storage" | "pid") {
            errs.push(FieldError::invalid(
                field,
                "\"object\"",
                format!("valid keys for {key} are ['cpu','memory','ephemeral-storage','pid']"),
            ));
            continue;
        }
        if text.starts_with('-') {
            errs.push(FieldError::invalid(
                field,
                "\"object\"",
                format!("{key} value cannot be a negative resource quantity"),
            ));
            continue;
        }
        let Ok(q) = Quantity::parse(text) else {
            errs.push(FieldError::invalid(
                format!("{field}.{k}"),
                format!("{text:?}"),
                "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
            ));
            continue;
        };
        match k.as_str() {
            "cpu" => r.cpu_milli = Some(q.milli()),
            "memory" => r.memory_bytes = Some(q.value()),
            "ephemeral-storage" => r.ephemeral_storage_bytes = Some(q.value()),
            _ => {}
        }
    }
    r
}

fn eviction_signal(text: &str) -> Option<EvictionSignal> {
    if let Some(p) = text.strip_suffix('%') {
        let p: f64 = p.parse().ok()?;
        return (p.is_finite() && (0.0..=100.0).contains(&p)).then_some(EvictionSignal::Percent(p));
    }
    Quantity::parse(text)
        .ok()
        .map(|q| EvictionSignal::Bytes(q.value()))
}

impl Ec2NodeClass {
    /// Reads an EC2NodeClass manifest: the AMI family (from `amiFamily`, else the alias of
    /// `amiSelectorTerms`), `spec.kubelet` (maxPods, podsPerCore, kubeReserved,
    /// systemReserved, evictionHard), the root volume of `blockDeviceMappings` and
    /// `instanceStorePolicy`; or the 422 the API server would answer.
    pub fn from_value(obj: &Value) -> Result<Ec2NodeClass, Status> {
        let name = object::name(obj).to_string();
        let mut errs = Vec::new();
        let empty = Value::object();
        let spec = obj.get("spec").unwrap_or(&empty);

        let mut alias = None;
        for (i, term) in array_at(spec, &["amiSelectorTerms"]).iter().enumerate() {
            if let Some(a) = term.get("alias").and_then(Value::as_str) {
                let field = format!("spec.amiSelectorTerms[{i}].alias");
                let parts: Vec<&str> = a.split('@').collect();
                if parts.len() != 2 || parts.iter().any(|p| p.is_empty()) {
                    errs.push(FieldError::invalid(
                        field,
                        "\"string\"",
                        "'alias' is improperly formatted, must match the format 'family@version'",
                    ));
                } else if AmiFamily::from_alias(a).is_none() {
                    errs.push(FieldError::invalid(
                        field,
                        "\"string\"",
                        "family is not supported, must be one of the following: 'al2', 'al2023', 'bottlerocket', 'windows2019', 'windows2022', 'windows2025'",
                    ));
                } else if parts[0].starts_with("windows") && parts[1] != "latest" {
                    errs.push(FieldError::invalid(
                        field,
                        "\"string\"",
                        "windows families may only specify version 'latest'",
                    ));
                } else if alias.is_none() {
                    alias = Some(a.to_string());
                }
            }
        }
        let explicit = str_at(spec, &["amiFamily"]);
        let ami_family = match explicit {
            Some(f) => AmiFamily::parse(f).unwrap_or_else(|| {
                errs.push(FieldError::not_supported(
                    "spec.amiFamily",
                    format!("{f:?}"),
                    &[
                        "AL2",
                        "AL2023",
                        "Bottlerocket",
                        "Custom",
                        "Windows2019",
                        "Windows2022",
                        "Windows2025",
                    ],
                ));
                AmiFamily::Custom
            }),
            None => match alias.as_deref().and_then(AmiFamily::from_alias) {
                Some(f) => f,
                None => {
                    if errs.is_empty() {
                        errs.push(FieldError::invalid(
                            "spec",
                            "\"object\"",
                            "must specify amiFamily if amiSelectorTerms does not contain an alias",
                        ));
                    }
                    AmiFamily::Custom
                }
            },
        };
        if let (Some(f), Some(a)) = (explicit, alias.as_deref().and_then(AmiFamily::from_alias)) {
            if f != "Custom" && AmiFamily::parse(f) != Some(a) {
                errs.push(FieldError::invalid(
                    "spec",
                    "\"object\"",
                    format!(
                        "if set, amiFamily must be '{}' or 'Custom' when using an {} alias",
                        a.name(),
                        a.name()
                    ),
                ));
            }
        }
        let role = str_at(spec, &["role"]).map(String::from);
        let instance_profile = str_at(spec, &["instanceProfile"]).map(String::from);
        if role.is_some() == instance_profile.is_some() {
            errs.push(FieldError::invalid(
                "spec",
                "\"object\"",
                "must specify exactly one of ['role', 'instanceProfile']",
            ));
        }

        let kubelet_v = spec.get("kubelet").unwrap_or(&empty);
        let int_field = |k: &str, errs: &mut Vec<FieldError>| match kubelet_v
            .get(k)
            .filter(|v| !v.is_null())
        {
            None => None,
            Some(v) => match v.as_i64() {
                Some(n) if (0..=i64::from(i32::MAX)).contains(&n) => Some(n),
                _ => {
                    errs.push(FieldError::invalid(
                        format!("spec.kubelet.{k}"),
                        v.to_string(),
                        format!("spec.kubelet.{k} in body should be greater than or equal to 0"),
                    ));
                    None
                }
            },
        };
        let max_pods = int_field("maxPods", &mut errs);
        let pods_per_core = int_field("podsPerCore", &mut errs);
        let kube_reserved = reserved_field(
            kubelet_v,
            "kubeReserved",
            "spec.kubelet.kubeReserved",
            &mut errs,
        );
        let system_reserved = reserved_field(
            kubelet_v,
            "systemReserved",
            "spec.kubelet.systemReserved",
            &mut errs,
        );
        let mut eviction_hard_memory = None;
        let mut eviction_hard_nodefs = None;
        if let Some(map) = kubelet_v.get("evictionHard").and_then(Value::as_object) {
            for (k, v) in map.iter() {
                if !EVICTION_KEYS.contains(&k.as_str()) {
                    errs.push(FieldError::invalid(
                        "spec.kubelet.evictionHard",
                        "\"object\"",
                        "valid keys for evictionHard are ['memory.available','nodefs.available','nodefs.inodesFree','imagefs.available','imagefs.inodesFree','pid.available']",
                    ));
                    continue;
                }
                let text = v.as_str().unwrap_or("");
                let signal = eviction_signal(text);
                if signal.is_none() {
                    errs.push(FieldError::invalid(
                        format!("spec.kubelet.evictionHard.{k}"),
                        format!("{text:?}"),
                        "must be a quantity or a percentage",
                    ));
                }
                match k.as_str() {
                    "memory.available" => eviction_hard_memory = signal,
                    "nodefs.available" => eviction_hard_nodefs = signal,
                    _ => {}
                }
            }
        }

        // ephemeralStorage(): the rootVolume mapping, else (non-Custom) the AMI family's
        // ephemeral device, else the default.
        let bdms = array_at(spec, &["blockDeviceMappings"]);
        if bdms.iter().filter(|b| b["rootVolume"] == true).count() > 1 {
            errs.push(FieldError::invalid(
                "spec.blockDeviceMappings",
                "\"array\"",
                "must have only one blockDeviceMappings with rootVolume",
            ));
        }
        let size = |b: &Value| -> Option<i64> {
            let text = match path(b, &["ebs", "volumeSize"])? {
                Value::String(s) => s.to_string(),
                Value::Number(n) => n.to_string(),
                _ => return None,
            };
            Quantity::parse(&text).ok().map(|q| q.value())
        };
        let ephemeral_storage_bytes = if bdms.is_empty() {
            None
        } else if let Some(root) = bdms.iter().find(|b| b["rootVolume"] == true).and_then(size) {
            Some(root)
        } else if ami_family == AmiFamily::Custom {
            bdms.last().and_then(size)
        } else {
            let device = ami_family.ephemeral_block_device();
            bdms.iter()
                .find(|b| b.get("deviceName").and_then(Value::as_str) == device)
                .and_then(size)
        };
        let instance_store_raid0 = str_at(spec, &["instanceStorePolicy"]) == Some("RAID0");

        if !errs.is_empty() {
            return Err(invalid("EC2NodeClass", "karpenter.k8s.aws/v1", &name, errs));
        }
        Ok(Ec2NodeClass {
            name,
            ami_family,
            alias,
            role,
            instance_profile,
            tags: string_map_field(spec, &["tags"]),
            node_config: NodeConfig {
                ami_family,
                kubelet: KubeletConfig {
                    max_pods,
                    pods_per_core,
                    kube_reserved,
                    system_reserved,
                    eviction_hard_memory,
                    eviction_hard_nodefs,
                },
                ephemeral_storage_bytes,
                instance_store_raid0,
                reserved_enis: 0,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::catalog;
    use crate::cloud::eks::{max_pods, node_shape};
    use crate::controllers::karpenter::budget::DisruptionReason;
    use crate::json;

    /// The NodePool of Karpenter's getting-started guide (karpenter.sh docs, v1), as written.
    fn getting_started() -> Value {
        json!({
            "apiVersion": "karpenter.sh/v1",
            "kind": "NodePool",
            "metadata": {"name": "default", "uid": "u-1"},
            "spec": {
                "template": {
                    "spec": {
                        "requirements": [
                            {"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]},
                            {"key": "kubernetes.io/os", "operator": "In", "values": ["linux"]},
                            {"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["on-demand"]},
                            {"key": "karpenter.k8s.aws/instance-category", "operator": "In", "values": ["c", "m", "r"]},
                            {"key": "karpenter.k8s.aws/instance-generation", "operator": "Gt", "values": ["2"]}
                        ],
                        "nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": "default"},
                        "expireAfter": "720h",
                        "somethingNew": {"x": 1}
                    }
                },
                "limits": {"cpu": 1000},
                "disruption": {"consolidationPolicy": "WhenEmptyOrUnderutilized", "consolidateAfter": "1m"}
            }
        })
    }

    #[test]
    fn reads_the_getting_started_nodepool() {
        let np = NodePool::from_value(&getting_started()).expect("valid");
        assert_eq!(np.name, "default");
        assert_eq!(np.weight, 0);
        assert_eq!(np.limits.get("cpu"), Some(1_000_000));
        assert_eq!(np.disruption.consolidate_after_ns, Some(60_000_000_000));
        assert_eq!(np.disruption.budgets, vec![Budget::default()]);
        assert_eq!(np.template.expire_after_ns, Some(DEFAULT_EXPIRE_AFTER_NS));
        assert_eq!(
            np.template.node_class_ref.label_key(),
            "karpenter.k8s.aws/ec2nodeclass"
        );
        let r = np.requirements();
        assert_eq!(
            r.get(NODEPOOL_LABEL).to_string(),
            "karpenter.sh/nodepool In [default]"
        );
        assert_eq!(
            r.get("karpenter.k8s.aws/instance-generation").to_string(),
            "karpenter.k8s.aws/instance-generation Exists >=3"
        );
        assert_eq!(
            r.get("karpenter.k8s.aws/ec2nodeclass").to_string(),
            "karpenter.k8s.aws/ec2nodeclass In [default]"
        );
    }

    #[test]
    fn defaults_when_disruption_is_absent() {
        let mut v = getting_started();
        if let Some(spec) = v.get_mut("spec").and_then(Value::as_object_mut) {
            spec.remove("disruption");
        }
        let np = NodePool::from_value(&v).expect("valid");
        assert_eq!(np.disruption, Disruption::default());
        assert_eq!(np.disruption.consolidate_after_ns, Some(0));
    }

    #[test]
    fn never_and_budgets() {
        let mut v = getting_started();
        v["spec"]["disruption"] = json!({
            "consolidationPolicy": "WhenEmpty",
            "consolidateAfter": "Never",
            "budgets": [
                {"nodes": "20%", "reasons": ["Empty", "Drifted"]},
                {"nodes": "0", "schedule": "@daily", "duration": "10m"}
            ]
        });
        v["spec"]["template"]["spec"]["expireAfter"] = json!("Never");
        let np = NodePool::from_value(&v).expect("valid");
        assert_eq!(np.disruption.consolidate_after_ns, None);
        assert_eq!(
            np.disruption.consolidation_policy,
            ConsolidationPolicy::WhenEmpty
        );
        assert_eq!(np.template.expire_after_ns, None);
        assert_eq!(np.disruption.budgets.len(), 2);
        assert_eq!(
            np.disruption.budgets[0].reasons,
            Some(vec![DisruptionReason::Empty, DisruptionReason::Drifted])
        );
    }

    /// The CRD's rules, with the messages the API server prints.
    #[test]
    fn rejects_what_the_crd_rejects() {
        let check = |edit: &dyn Fn(&mut Value), want: &str| {
            let mut v = getting_started();
            edit(&mut v);
            let err = NodePool::from_value(&v).expect_err(want);
            assert_eq!(err.code, 422);
            assert!(
                err.message.contains(want),
                "{} does not contain {want}",
                err.message
            );
        };
        check(
            &|v| {
                v["spec"]["template"]["spec"]["requirements"] =
                    json!([{"key": "kubernetes.io/hostname", "operator": "In", "values": ["a"]}])
            },
            r#"spec.template.spec.requirements[0].key: Invalid value: "string": label "kubernetes.io/hostname" is restricted"#,
        );
        check(
            &|v| {
                v["spec"]["template"]["spec"]["requirements"] =
                    json!([{"key": "karpenter.sh/foo", "operator": "Exists"}])
            },
            r#"label domain "karpenter.sh" is restricted"#,
        );
        check(
            &|v| {
                v["spec"]["template"]["spec"]["requirements"] =
                    json!([{"key": "a", "operator": "In"}])
            },
            r#"spec.template.spec.requirements: Invalid value: "array": requirements with operator 'In' must have a value defined"#,
        );
        check(
            &|v| {
                v["spec"]["template"]["metadata"] =
                    json!({"labels": {"karpenter.sh/nodepool": "x"}})
            },
            r#"spec.template.metadata.labels: Invalid value: "object": label "karpenter.sh/nodepool" is restricted"#,
        );
        check(
            &|v| v["spec"]["weight"] = json!(0),
            "spec.weight: Invalid value: 0: spec.weight in body should be greater than or equal to 1",
        );
        check(
            &|v| v["spec"]["disruption"]["consolidateAfter"] = json!("1d"),
            r#"spec.disruption.consolidateAfter: Invalid value: "1d": spec.disruption.consolidateAfter in body should match '^(([0-9]+(s|m|h))+|Never)$'"#,
        );
        check(
            &|v| v["spec"]["disruption"] = json!({"consolidationPolicy": "WhenEmpty"}),
            "spec.disruption.consolidateAfter: Required value",
        );
        check(
            &|v| v["spec"]["disruption"]["budgets"] = json!([{"nodes": "1", "schedule": "@daily"}]),
            r#"spec.disruption.budgets: Invalid value: "array": 'schedule' must be set with 'duration'"#,
        );
        check(
            &|v| {
                v["spec"]["template"]["spec"]["taints"] =
                    json!([{"key": "a", "effect": "Sometimes"}])
            },
            r#"spec.template.spec.taints[0].effect: Unsupported value: "Sometimes""#,
        );
        check(
            &|v| {
                v["spec"]["replicas"] = json!(3);
            },
            "only 'limits.nodes' is supported on static NodePools",
        );
        let mut v = getting_started();
        v["spec"]["weight"] = json!(0);
        v["spec"]["disruption"]["consolidateAfter"] = json!("soon");
        let err = NodePool::from_value(&v).expect_err("two errors");
        assert!(
            err.message
                .starts_with(r#"NodePool.karpenter.sh "default" is invalid: ["#),
            "{}",
            err.message
        );
    }

    #[test]
    fn orders_nodepools_by_weight_then_name_descending() {
        let mk = |name: &str, weight: i64| {
            let mut v = getting_started();
            v["metadata"]["name"] = json!(name);
            if weight > 0 {
                v["spec"]["weight"] = json!(weight);
            }
            NodePool::from_value(&v).expect("valid")
        };
        let pools = [mk("a", 0), mk("b", 10), mk("c", 0), mk("d", 10)];
        let mut refs: Vec<&NodePool> = pools.iter().collect();
        order_by_weight(&mut refs);
        let names: Vec<&str> = refs.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["d", "b", "c", "a"]);
    }

    #[test]
    fn reads_a_nodeclaim_as_karpenter_writes_it() {
        let v = json!({
            "apiVersion": "karpenter.sh/v1",
            "kind": "NodeClaim",
            "metadata": {
                "name": "default-x7k2p",
                "creationTimestamp": "2026-01-01T00:00:00Z",
                "labels": {"karpenter.sh/nodepool": "default", "node.kubernetes.io/instance-type": "m5.large"},
                "annotations": {"karpenter.sh/nodepool-hash": "123"},
                "finalizers": ["karpenter.sh/termination"]
            },
            "spec": {
                "requirements": [
                    {"key": "node.kubernetes.io/instance-type", "operator": "In", "values": ["m5.large", "m5.xlarge"], "minValues": 2},
                    {"key": "karpenter.sh/nodepool", "operator": "In", "values": ["default"]}
                ],
                "resources": {"requests": {"cpu": "1150m", "memory": "1Gi", "pods": "4"}},
                "nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": "default"},
                "expireAfter": "720h",
                "startupTaints": [{"key": "ebs.csi.aws.com/agent-not-ready", "effect": "NoExecute"}]
            },
            "status": {
                "providerID": "aws:///us-east-1a/i-0123456789abcdef0",
                "nodeName": "ip-10-0-1-23.ec2.internal",
                "capacity": {"cpu": "2", "memory": "7577Mi", "pods": "29"},
                "allocatable": {"cpu": "1930m", "memory": "6903Mi", "pods": "29"},
                "conditions": [
                    {"type": "Launched", "status": "True"},
                    {"type": "Registered", "status": "True"},
                    {"type": "Initialized", "status": "False"}
                ],
                "lastPodEventTime": "2026-01-01T00:05:00Z"
            }
        });
        let nc = NodeClaim::from_value(&v).expect("valid");
        assert_eq!(nc.nodepool(), Some("default"));
        assert_eq!(nc.requests.get("cpu"), Some(1150));
        assert_eq!(nc.allocatable.get("memory"), Some(6903 << 20));
        assert!(nc.is_true("Launched") && nc.is_true("Registered") && !nc.is_true("Initialized"));
        assert_eq!(nc.created_ms, parse_rfc3339("2026-01-01T00:00:00Z"));
        assert_eq!(nc.last_pod_event_ms, parse_rfc3339("2026-01-01T00:05:00Z"));
        assert_eq!(nc.spec.startup_taints.len(), 1);
        assert_eq!(
            nc.requirements()
                .get("node.kubernetes.io/instance-type")
                .min_values,
            Some(2)
        );
    }

    /// The EC2NodeClass of Karpenter's getting-started guide, plus kubelet settings.
    #[test]
    fn reads_an_ec2nodeclass() {
        let v = json!({
            "apiVersion": "karpenter.k8s.aws/v1",
            "kind": "EC2NodeClass",
            "metadata": {"name": "default"},
            "spec": {
                "role": "KarpenterNodeRole-my-cluster",
                "amiSelectorTerms": [{"alias": "al2023@latest"}],
                "subnetSelectorTerms": [{"tags": {"karpenter.sh/discovery": "my-cluster"}}],
                "securityGroupSelectorTerms": [{"tags": {"karpenter.sh/discovery": "my-cluster"}}],
                "kubelet": {
                    "maxPods": 110,
                    "kubeReserved": {"cpu": "200m"},
                    "systemReserved": {"memory": "100Mi"},
                    "evictionHard": {"memory.available": "5%", "nodefs.available": "10%"}
                },
                "blockDeviceMappings": [
                    {"deviceName": "/dev/xvda", "ebs": {"volumeSize": "100Gi", "volumeType": "gp3"}}
                ]
            }
        });
        let nc = Ec2NodeClass::from_value(&v).expect("valid");
        assert_eq!(nc.ami_family, AmiFamily::Al2023);
        assert_eq!(nc.alias.as_deref(), Some("al2023@latest"));
        let cfg = nc.node_config;
        assert_eq!(cfg.kubelet.max_pods, Some(110));
        assert_eq!(cfg.kubelet.kube_reserved.cpu_milli, Some(200));
        assert_eq!(cfg.kubelet.system_reserved.memory_bytes, Some(100 << 20));
        assert_eq!(
            cfg.kubelet.eviction_hard_memory,
            Some(EvictionSignal::Percent(5.0))
        );
        assert_eq!(cfg.ephemeral_storage_bytes, Some(100 << 30));
        let m5 = catalog::get("m5.large").expect("m5.large");
        assert_eq!(max_pods(m5, &cfg), 110);
        let shape = node_shape(m5, &cfg);
        assert_eq!(shape.allocatable.cpu_milli, 1800);
        // 100Gi − 1Gi kube-reserved − 10% eviction.
        assert_eq!(
            shape.allocatable.ephemeral_storage_bytes,
            (100 << 30) - (1 << 30) - (10 << 30)
        );

        let bad = |spec: Value| {
            let v = json!({"apiVersion": "karpenter.k8s.aws/v1", "kind": "EC2NodeClass",
                           "metadata": {"name": "x"}, "spec": spec});
            Ec2NodeClass::from_value(&v).err().map(|s| s.message)
        };
        assert!(
            bad(json!({"role": "r", "amiSelectorTerms": [{"alias": "ubuntu@latest"}]}))
                .is_some_and(|m| m.contains("family is not supported"))
        );
        assert!(
            bad(json!({"role": "r", "amiSelectorTerms": [{"alias": "al2023"}]}))
                .is_some_and(|m| m.contains("'alias' is improperly formatted"))
        );
        assert!(
            bad(json!({"amiSelectorTerms": [{"alias": "al2023@latest"}]})).is_some_and(
                |m| m.contains("must specify exactly one of ['role', 'instanceProfile']")
            )
        );
        assert!(
            bad(json!({"role": "r", "amiSelectorTerms": [{"id": "ami-123"}]})).is_some_and(|m| m
                .contains("must specify amiFamily if amiSelectorTerms does not contain an alias"))
        );
        assert!(bad(json!({"role": "r", "amiSelectorTerms": [{"alias": "al2023@latest"}], "kubelet": {"kubeReserved": {"gpu": "1"}}}))
            .is_some_and(|m| m.contains("valid keys for kubeReserved are")));
        assert!(bad(json!({"role": "r", "amiSelectorTerms": [{"alias": "al2023@latest"}], "kubelet": {"maxPods": -1}}))
            .is_some_and(|m| m.contains("spec.kubelet.maxPods")));
        // Bottlerocket's ephemeral device is /dev/xvdb; Custom takes the last mapping.
        let br = Ec2NodeClass::from_value(&json!({"metadata": {"name": "b"}, "spec": {
        "role": "r", "amiSelectorTerms": [{"alias": "bottlerocket@latest"}],
        "blockDeviceMappings": [
            {"deviceName": "/dev/xvda", "ebs": {"volumeSize": "4Gi"}},
            {"deviceName": "/dev/xvdb", "ebs": {"volumeSize": "80Gi"}}
        ]}}))
        .expect("valid");
        assert_eq!(br.node_config.ephemeral_storage_bytes, Some(80 << 30));
    }
}
