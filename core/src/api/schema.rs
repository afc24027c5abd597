//! The typed fields of the kinds kplane simulates, as the API server's Go types declare them:
//! for field validation (`Strict | Warn | Ignore`: a field not in the schema is reported as
//! kubectl reports it, `unknown field "spec.replica"`) and for decoding strictness (a value of
//! the wrong JSON type is refused as `json.Unmarshal` refuses it, see [`first_type_error`]).
//! Kinds and nested types that are not listed here accept any field.
//!
//! Each line is `Type: field field:T ...` where `T` is a scalar (`s` string, `i32`, `i64`,
//! `b` bool, `ios` IntOrString, `q` Quantity, `by` base64 bytes), `e.Name` a named string type
//! (`v1.Name` in messages), `Type` a struct, `[T]` a list, `{T}` a string-keyed map (`{q}` is a
//! `v1.ResourceList`), `*` anything; a bare field is a scalar that is not checked.
use crate::api::quantity::Quantity;
use crate::api::Value;
use std::collections::HashMap;
use std::sync::OnceLock;

const SCHEMA: &str = "
ObjectMeta: name:s generateName:s namespace:s selfLink:s uid:e.UID resourceVersion:s generation:i64 creationTimestamp deletionTimestamp deletionGracePeriodSeconds:i64 labels:{s} annotations:{s} ownerReferences:[OwnerReference] finalizers:[s] managedFields:[*]
OwnerReference: apiVersion:s kind:s name:s uid:e.UID controller:b blockOwnerDeletion:b
LabelSelector: matchLabels:{s} matchExpressions:[LabelSelectorRequirement]
LabelSelectorRequirement: key:s operator:e.LabelSelectorOperator values:[s]
LocalObjectReference: name:s
PodTemplateSpec: metadata:ObjectMeta spec:PodSpec
PodSpec: volumes:[*] initContainers:[Container] containers:[Container] ephemeralContainers:[*] restartPolicy:e.RestartPolicy terminationGracePeriodSeconds:i64 activeDeadlineSeconds:i64 dnsPolicy:e.DNSPolicy nodeSelector:{s} serviceAccountName:s serviceAccount:s automountServiceAccountToken:b nodeName:s hostNetwork:b hostPID:b hostIPC:b shareProcessNamespace:b securityContext:* imagePullSecrets:[LocalObjectReference] hostname:s subdomain:s affinity:Affinity schedulerName:s tolerations:[Toleration] hostAliases:[*] priorityClassName:s priority:i32 dnsConfig:* readinessGates:[*] runtimeClassName:s enableServiceLinks:b preemptionPolicy:e.PreemptionPolicy overhead:{q} topologySpreadConstraints:[TopologySpreadConstraint] setHostnameAsFQDN:b os:* hostUsers:b schedulingGates:[*] resourceClaims:[*] resources:ResourceRequirements hostnameOverride:s workloadRef:*
Container: name:s image:s command:[s] args:[s] workingDir:s ports:[ContainerPort] envFrom:[*] env:[EnvVar] resources:ResourceRequirements resizePolicy:[*] restartPolicy:e.ContainerRestartPolicy restartPolicyRules:[*] volumeMounts:[VolumeMount] volumeDevices:[*] livenessProbe:Probe readinessProbe:Probe startupProbe:Probe lifecycle:* terminationMessagePath:s terminationMessagePolicy:e.TerminationMessagePolicy imagePullPolicy:e.PullPolicy securityContext:* stdin:b stdinOnce:b tty:b
ContainerPort: name:s hostPort:i32 containerPort:i32 protocol:e.Protocol hostIP:s
EnvVar: name:s value:s valueFrom:*
ResourceRequirements: limits:{q} requests:{q} claims:[*]
Probe: exec:* httpGet:HTTPGetAction tcpSocket:* grpc:* initialDelaySeconds:i32 timeoutSeconds:i32 periodSeconds:i32 successThreshold:i32 failureThreshold:i32 terminationGracePeriodSeconds:i64
HTTPGetAction: path:s port:ios host:s scheme:e.URIScheme httpHeaders:[*]
VolumeMount: name:s readOnly:b recursiveReadOnly:* mountPath:s subPath:s mountPropagation:* subPathExpr:s
Toleration: key:s operator:e.TolerationOperator value:s effect:e.TaintEffect tolerationSeconds:i64
TopologySpreadConstraint: maxSkew:i32 topologyKey:s whenUnsatisfiable:e.UnsatisfiableConstraintAction labelSelector:LabelSelector minDomains:i32 nodeAffinityPolicy:* nodeTaintsPolicy:* matchLabelKeys:[s]
Affinity: nodeAffinity:NodeAffinity podAffinity:PodAffinity podAntiAffinity:PodAntiAffinity
NodeAffinity: requiredDuringSchedulingIgnoredDuringExecution:NodeSelector preferredDuringSchedulingIgnoredDuringExecution:[PreferredSchedulingTerm]
NodeSelector: nodeSelectorTerms:[NodeSelectorTerm]
NodeSelectorTerm: matchExpressions:[NodeSelectorRequirement] matchFields:[NodeSelectorRequirement]
NodeSelectorRequirement: key:s operator:e.NodeSelectorOperator values:[s]
PreferredSchedulingTerm: weight:i32 preference:NodeSelectorTerm
PodAffinity: requiredDuringSchedulingIgnoredDuringExecution:[PodAffinityTerm] preferredDuringSchedulingIgnoredDuringExecution:[WeightedPodAffinityTerm]
PodAntiAffinity: requiredDuringSchedulingIgnoredDuringExecution:[PodAffinityTerm] preferredDuringSchedulingIgnoredDuringExecution:[WeightedPodAffinityTerm]
PodAffinityTerm: labelSelector:LabelSelector namespaces:[s] topologyKey:s namespaceSelector:LabelSelector matchLabelKeys:[s] mismatchLabelKeys:[s]
WeightedPodAffinityTerm: weight:i32 podAffinityTerm:PodAffinityTerm
DeploymentSpec: replicas:i32 selector:LabelSelector template:PodTemplateSpec strategy:DeploymentStrategy minReadySeconds:i32 revisionHistoryLimit:i32 paused:b progressDeadlineSeconds:i32
DeploymentStrategy: type:e.DeploymentStrategyType rollingUpdate:RollingUpdateDeployment
RollingUpdateDeployment: maxUnavailable:ios maxSurge:ios
ReplicaSetSpec: replicas:i32 minReadySeconds:i32 selector:LabelSelector template:PodTemplateSpec
StatefulSetSpec: replicas:i32 selector:LabelSelector template:PodTemplateSpec volumeClaimTemplates:[*] serviceName:s podManagementPolicy:e.PodManagementPolicyType updateStrategy:StatefulSetUpdateStrategy revisionHistoryLimit:i32 minReadySeconds:i32 persistentVolumeClaimRetentionPolicy:* ordinals:*
StatefulSetUpdateStrategy: type:e.StatefulSetUpdateStrategyType rollingUpdate:RollingUpdateStatefulSetStrategy
RollingUpdateStatefulSetStrategy: partition:i32 maxUnavailable:ios
DaemonSetSpec: selector:LabelSelector template:PodTemplateSpec updateStrategy:DaemonSetUpdateStrategy minReadySeconds:i32 revisionHistoryLimit:i32
DaemonSetUpdateStrategy: type:e.DaemonSetUpdateStrategyType rollingUpdate:RollingUpdateDaemonSet
RollingUpdateDaemonSet: maxUnavailable:ios maxSurge:ios
JobSpec: parallelism:i32 completions:i32 activeDeadlineSeconds:i64 podFailurePolicy:* successPolicy:* backoffLimit:i32 backoffLimitPerIndex:i32 maxFailedIndexes:i32 selector:LabelSelector manualSelector:b template:PodTemplateSpec ttlSecondsAfterFinished:i32 completionMode:e.CompletionMode suspend:b podReplacementPolicy:e.PodReplacementPolicy managedBy:s
JobTemplateSpec: metadata:ObjectMeta spec:JobSpec
CronJobSpec: schedule:s timeZone:s startingDeadlineSeconds:i64 concurrencyPolicy:e.ConcurrencyPolicy suspend:b jobTemplate:JobTemplateSpec successfulJobsHistoryLimit:i32 failedJobsHistoryLimit:i32
ServiceSpec: ports:[ServicePort] selector:{s} clusterIP:s clusterIPs:[s] type:e.ServiceType externalIPs:[s] sessionAffinity:e.ServiceAffinity loadBalancerIP:s loadBalancerSourceRanges:[s] externalName:s externalTrafficPolicy:e.ServiceExternalTrafficPolicy healthCheckNodePort:i32 publishNotReadyAddresses:b sessionAffinityConfig:* ipFamilies:[e.IPFamily] ipFamilyPolicy:e.IPFamilyPolicy allocateLoadBalancerNodePorts:b loadBalancerClass:s internalTrafficPolicy:e.ServiceInternalTrafficPolicy trafficDistribution:s
ServicePort: name:s protocol:e.Protocol appProtocol:s port:i32 targetPort:ios nodePort:i32
NodeSpec: podCIDR:s podCIDRs:[s] providerID:s unschedulable:b taints:[Taint] configSource:* externalID:s
Taint: key:s value:s effect:e.TaintEffect timeAdded
NamespaceSpec: finalizers:[e.FinalizerName]
PodDisruptionBudgetSpec: minAvailable:ios selector:LabelSelector maxUnavailable:ios unhealthyPodEvictionPolicy:e.UnhealthyPodEvictionPolicyType
PersistentVolumeClaimSpec: accessModes:[e.PersistentVolumeAccessMode] selector:LabelSelector resources:VolumeResourceRequirements volumeName:s storageClassName:s volumeMode:e.PersistentVolumeMode dataSource:* dataSourceRef:* volumeAttributesClassName:s
VolumeResourceRequirements: limits:{q} requests:{q}
ResourceQuotaSpec: hard:{q} scopes:[e.ResourceQuotaScope] scopeSelector:*
LimitRangeSpec: limits:[LimitRangeItem]
LimitRangeItem: type:e.LimitType max:{q} min:{q} default:{q} defaultRequest:{q} maxLimitRequestRatio:{q}
NetworkPolicySpec: podSelector:LabelSelector ingress:[NetworkPolicyIngressRule] egress:[NetworkPolicyEgressRule] policyTypes:[e.PolicyType]
NetworkPolicyIngressRule: ports:[NetworkPolicyPort] from:[NetworkPolicyPeer]
NetworkPolicyEgressRule: ports:[NetworkPolicyPort] to:[NetworkPolicyPeer]
NetworkPolicyPort: protocol:e.Protocol port:ios endPort:i32
NetworkPolicyPeer: podSelector:LabelSelector namespaceSelector:LabelSelector ipBlock:IPBlock
IPBlock: cidr:s except:[s]
PolicyRule: verbs:[s] apiGroups:[s] resources:[s] resourceNames:[s] nonResourceURLs:[s]
Subject: kind:s apiGroup:s name:s namespace:s
RoleRef: apiGroup:s kind:s name:s
Pod: apiVersion kind metadata:ObjectMeta spec:PodSpec status:*
Deployment: apiVersion kind metadata:ObjectMeta spec:DeploymentSpec status:*
ReplicaSet: apiVersion kind metadata:ObjectMeta spec:ReplicaSetSpec status:*
StatefulSet: apiVersion kind metadata:ObjectMeta spec:StatefulSetSpec status:*
DaemonSet: apiVersion kind metadata:ObjectMeta spec:DaemonSetSpec status:*
Job: apiVersion kind metadata:ObjectMeta spec:JobSpec status:*
CronJob: apiVersion kind metadata:ObjectMeta spec:CronJobSpec status:*
Service: apiVersion kind metadata:ObjectMeta spec:ServiceSpec status:*
Node: apiVersion kind metadata:ObjectMeta spec:NodeSpec status:*
Namespace: apiVersion kind metadata:ObjectMeta spec:NamespaceSpec status:*
ConfigMap: apiVersion kind metadata:ObjectMeta data:{s} binaryData:{by} immutable:b
Secret: apiVersion kind metadata:ObjectMeta data:{by} stringData:{s} type:e.SecretType immutable:b
ServiceAccount: apiVersion kind metadata:ObjectMeta secrets:[*] imagePullSecrets:[LocalObjectReference] automountServiceAccountToken:b
PodDisruptionBudget: apiVersion kind metadata:ObjectMeta spec:PodDisruptionBudgetSpec status:*
PriorityClass: apiVersion kind metadata:ObjectMeta value:i32 globalDefault:b description:s preemptionPolicy:e.PreemptionPolicy
PersistentVolumeClaim: apiVersion kind metadata:ObjectMeta spec:PersistentVolumeClaimSpec status:*
ResourceQuota: apiVersion kind metadata:ObjectMeta spec:ResourceQuotaSpec status:*
LimitRange: apiVersion kind metadata:ObjectMeta spec:LimitRangeSpec
StorageClass: apiVersion kind metadata:ObjectMeta provisioner:s parameters:{s} reclaimPolicy:e.PersistentVolumeReclaimPolicy mountOptions:[s] allowVolumeExpansion:b volumeBindingMode:e.VolumeBindingMode allowedTopologies:[*]
NetworkPolicy: apiVersion kind metadata:ObjectMeta spec:NetworkPolicySpec
Role: apiVersion kind metadata:ObjectMeta rules:[PolicyRule]
ClusterRole: apiVersion kind metadata:ObjectMeta rules:[PolicyRule] aggregationRule:*
RoleBinding: apiVersion kind metadata:ObjectMeta subjects:[Subject] roleRef:RoleRef
ClusterRoleBinding: apiVersion kind metadata:ObjectMeta subjects:[Subject] roleRef:RoleRef
LoadProfile: apiVersion kind metadata:ObjectMeta spec:LoadProfileSpec status:*
LoadProfileSpec: target:SimTarget container:s requests:SimRate perRequest:SimCost startTime:s
Queue: apiVersion kind metadata:ObjectMeta spec:QueueSpec status:*
QueueSpec: arrivals:SimRate consumer:SimTarget container:s perPodRate perMessage:SimCost partitions:i32 startTime:s
SimTarget: apiVersion:s kind:s name:s
SimRate: rps steps:[SimStep] ramps:[SimRamp] daily:SimDaily spikes:[SimSpike] repeat multiplier
SimStep: at rps
SimRamp: from to rps
SimDaily: min max peak:s
SimSpike: at duration rps
SimCost: cpu:q memory:q latency
";

/// The type of a field.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Field {
    /// A scalar that is not checked.
    Scalar,
    /// Anything.
    Any,
    /// A string; the name is its Go type (`string`, `v1.RestartPolicy`).
    Str(String),
    /// An integer of this many bits.
    Int(u32),
    /// A boolean.
    Bool,
    /// `intstr.IntOrString`.
    IntOrString,
    /// `resource.Quantity`.
    Quantity,
    /// `[]byte`, base64 in JSON.
    Bytes,
    /// A string-keyed map of values of a type.
    Map(Box<Field>),
    /// A struct.
    Object(&'static str),
    /// A list.
    List(Box<Field>),
}

type Types = HashMap<&'static str, HashMap<&'static str, Field>>;

fn parse_type(t: &'static str) -> Field {
    match t {
        "*" => Field::Any,
        "s" => Field::Str("string".into()),
        "i32" => Field::Int(32),
        "i64" => Field::Int(64),
        "b" => Field::Bool,
        "ios" => Field::IntOrString,
        "q" => Field::Quantity,
        "by" => Field::Bytes,
        _ if t.starts_with('[') && t.ends_with(']') => {
            Field::List(Box::new(parse_type(&t[1..t.len() - 1])))
        }
        _ if t.starts_with('{') && t.ends_with('}') => {
            Field::Map(Box::new(parse_type(&t[1..t.len() - 1])))
        }
        "e.UID" => Field::Str("types.UID".into()),
        _ => match t.strip_prefix("e.") {
            Some(name) => Field::Str(format!("v1.{name}")),
            None => Field::Object(t),
        },
    }
}

fn types() -> &'static Types {
    static TYPES: OnceLock<Types> = OnceLock::new();
    TYPES.get_or_init(|| {
        SCHEMA
            .lines()
            .filter_map(|l| l.split_once(": "))
            .map(|(name, fields)| {
                let fields = fields
                    .split_whitespace()
                    .map(|f| match f.split_once(':') {
                        Some((n, t)) => (n, parse_type(t)),
                        None => (f, Field::Scalar),
                    })
                    .collect();
                (name, fields)
            })
            .collect()
    })
}

/// Removes every field of `obj` that its kind's schema does not know (as typed decoding
/// drops them upstream) and returns their paths, as `spec.template.spec.containers[0].imagePolicy`.
pub fn prune_unknown(kind: &str, obj: &mut Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some((name, _)) = types().get_key_value(kind) {
        walk(&Field::Object(name), obj, "", &mut out);
    }
    out
}

fn walk(field: &Field, v: &mut Value, path: &str, out: &mut Vec<String>) {
    match (field, v) {
        (Field::Object(t), Value::Object(m)) => {
            let Some(known) = types().get(t) else { return };
            m.retain(|k, child| {
                let p = if path.is_empty() {
                    k.to_string()
                } else {
                    format!("{path}.{k}")
                };
                match known.get(k.as_str()) {
                    Some(f) => {
                        walk(f, child, &p, out);
                        true
                    }
                    None => {
                        out.push(p);
                        false
                    }
                }
            });
        }
        (Field::List(item), Value::Array(items)) => {
            for (i, child) in items.iter_mut().enumerate() {
                walk(item, child, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// Where Go's `base64.StdEncoding.Decode` finds the text corrupt (`CorruptInputError`, the
/// `N` of `illegal base64 data at input byte N`); `Ok` when it decodes. Line breaks are
/// ignored and padding is required, as `decodeQuantum` does.
pub fn base64_error_offset(text: &str) -> Result<(), usize> {
    let src = text.as_bytes();
    let is_b64 = |c: u8| c.is_ascii_alphanumeric() || c == b'+' || c == b'/';
    let skip_newlines = |mut si: usize| {
        while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
            si += 1;
        }
        si
    };
    let mut si = 0;
    while si < src.len() {
        // One quantum of four characters.
        let mut j = 0;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(());
                }
                // Padding is required (StdEncoding): a short quantum is corrupt.
                return Err(si - j);
            }
            let c = src[si];
            si += 1;
            if is_b64(c) {
                j += 1;
                continue;
            }
            if c == b'\n' || c == b'\r' {
                continue;
            }
            if c != b'=' {
                return Err(si - 1);
            }
            // Padding.
            match j {
                0 | 1 => return Err(si - 1),
                2 => {
                    si = skip_newlines(si);
                    if si == src.len() {
                        return Err(src.len());
                    }
                    if src[si] != b'=' {
                        return Err(si - 1);
                    }
                    si += 1;
                }
                _ => {}
            }
            si = skip_newlines(si);
            if si < src.len() {
                return Err(si);
            }
            return Ok(());
        }
    }
    Ok(())
}

/// An error a type's own `UnmarshalJSON` returned: it stops decoding at once (the type errors
/// of plain fields are only saved, and the first saved one is reported at the end).
struct Returned(String);

/// Where the decoder is: the innermost struct and the JSON field names from the root (list
/// indices and map keys are not part of it), as `encoding/json`'s error context.
struct Context<'a> {
    strukt: &'a str,
    fields: Vec<&'a str>,
    saved: Option<String>,
}

impl Context<'_> {
    fn type_error(&self, what: &str, go_type: &str) -> String {
        format!(
            "json: cannot unmarshal {what} into Go struct field {}.{} of type {go_type}",
            self.strukt,
            self.fields.join(".")
        )
    }

    fn save(&mut self, e: String) {
        if self.saved.is_none() {
            self.saved = Some(e);
        }
    }
}

/// The JSON kind of a value as `UnmarshalTypeError.Value` names it.
fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A number as an integer of `bits` bits, or how it is named in the error (`number 1.5`).
fn int_of(v: &Value, bits: u32) -> Result<(), String> {
    let n = match v {
        Value::Number(n) => n,
        _ => return Err(json_kind(v).to_string()),
    };
    let fits = n
        .as_i64()
        .is_some_and(|i| bits == 64 || (i64::from(i32::MIN)..=i64::from(i32::MAX)).contains(&i));
    if fits {
        Ok(())
    } else {
        Err(format!("number {}", go_number(n)))
    }
}

/// A number as Go's `json.Marshal` writes a float64 (plain digits below 1e21) or as the
/// integer it is: the text the API server's decoder quotes.
fn go_number(n: &crate::api::value::Number) -> String {
    match (n.as_i64(), n.as_u64(), n.as_f64()) {
        (Some(i), _, _) => i.to_string(),
        (_, Some(u), _) => u.to_string(),
        (_, _, Some(f)) if f.fract() == 0.0 && f.abs() < 1e21 => format!("{f:.0}"),
        _ => n.to_string(),
    }
}

/// The Go type name of a field, as `reflect.Type.String()` prints it.
fn go_type(f: &Field) -> String {
    match f {
        Field::Str(name) => name.clone(),
        Field::Int(bits) => format!("int{bits}"),
        Field::Bool => "bool".into(),
        Field::IntOrString => "intstr.IntOrString".into(),
        Field::Quantity => "resource.Quantity".into(),
        Field::Bytes => "[]uint8".into(),
        Field::Map(inner) => match **inner {
            Field::Quantity => "v1.ResourceList".into(),
            _ => format!("map[string]{}", go_type(inner)),
        },
        Field::Object(name) => format!("v1.{name}"),
        Field::List(inner) => format!("[]{}", go_type(inner)),
        Field::Scalar | Field::Any => "interface {}".into(),
    }
}

fn check<'a>(f: &'a Field, v: &'a Value, cx: &mut Context<'a>) -> Result<(), Returned> {
    if v.is_null() {
        return Ok(());
    }
    match f {
        Field::Scalar | Field::Any => {}
        Field::Str(name) => {
            if !v.is_string() {
                let e = cx.type_error(json_kind(v), name);
                cx.save(e);
            }
        }
        Field::Int(bits) => {
            if let Err(what) = int_of(v, *bits) {
                let e = cx.type_error(&what, &format!("int{bits}"));
                cx.save(e);
            }
        }
        Field::Bool => {
            if !v.is_boolean() {
                let e = cx.type_error(json_kind(v), "bool");
                cx.save(e);
            }
        }
        Field::IntOrString => {
            // IntOrString.UnmarshalJSON decodes anything but a string into its int32 and
            // returns the error, which gets the field's context.
            if !v.is_string() {
                if let Err(what) = int_of(v, 32) {
                    return Err(Returned(cx.type_error(&what, "int32")));
                }
            }
        }
        Field::Quantity => {
            // Quantity.UnmarshalJSON parses the raw text (unquoted) and returns the error as is.
            let text = match v {
                Value::String(s) => s.to_string(),
                other => serde_json::to_string(other).unwrap_or_default(),
            };
            if let Err(e) = Quantity::parse(&text) {
                return Err(Returned(e.to_string()));
            }
        }
        Field::Bytes => match v {
            Value::String(s) => {
                if let Err(at) = base64_error_offset(s) {
                    cx.save(format!("illegal base64 data at input byte {at}"));
                }
            }
            Value::Array(items) => {
                for item in items {
                    if item.as_u64().is_none_or(|n| n > 255) {
                        let what = match item {
                            Value::Number(n) => format!("number {n}"),
                            other => json_kind(other).to_string(),
                        };
                        let e = cx.type_error(&what, "uint8");
                        cx.save(e);
                    }
                }
            }
            other => {
                let e = cx.type_error(json_kind(other), "[]uint8");
                cx.save(e);
            }
        },
        Field::Map(inner) => match v {
            Value::Object(m) => {
                for (_, x) in m.iter() {
                    check(inner, x, cx)?;
                }
            }
            other => {
                let e = cx.type_error(json_kind(other), &go_type(f));
                cx.save(e);
            }
        },
        Field::List(inner) => match v {
            Value::Array(items) => {
                for x in items.iter() {
                    check(inner, x, cx)?;
                }
            }
            other => {
                let e = cx.type_error(json_kind(other), &go_type(f));
                cx.save(e);
            }
        },
        Field::Object(name) => match v {
            Value::Object(m) => {
                let Some(known) = types().get(name) else {
                    return Ok(());
                };
                for (k, x) in m.iter() {
                    let Some((key, field)) = known.get_key_value(k.as_str()) else {
                        continue;
                    };
                    let outer = cx.strukt;
                    cx.strukt = name;
                    cx.fields.push(key);
                    let r = check(field, x, cx);
                    cx.fields.pop();
                    cx.strukt = outer;
                    r?;
                }
            }
            other => {
                let e = cx.type_error(json_kind(other), &go_type(f));
                cx.save(e);
            }
        },
    }
    Ok(())
}

/// The error `json.Unmarshal` gives when decoding `obj` into its kind's Go type, as the API
/// server reports it after `<Kind> in version "v1" cannot be handled as a <Kind>: `:
/// `json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type
/// int32`, `quantities must match the regular expression ...`, `illegal base64 data at input
/// byte 4`. `None` when every field has the right type (or the kind is not typed here).
pub fn first_type_error(kind: &str, obj: &Value) -> Option<String> {
    let (name, _) = types().get_key_value(kind)?;
    let root = Field::Object(name);
    let mut cx = Context {
        strukt: name,
        fields: Vec::new(),
        saved: None,
    };
    match obj {
        Value::Object(_) => match check(&root, obj, &mut cx) {
            Err(Returned(e)) => Some(e),
            Ok(()) => cx.saved,
        },
        other => Some(format!(
            "json: cannot unmarshal {} into Go value of type v1.{name}",
            json_kind(other)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn finds_unknown_fields_with_paths() {
        let mut d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "w", "labelz": {}},
            "spec": {"replica": 3, "template": {"spec": {"containers": [{"name": "a", "image": "x", "imagePolicy": "Always"}]}}}});
        assert_eq!(
            prune_unknown("Deployment", &mut d),
            vec![
                "metadata.labelz",
                "spec.replica",
                "spec.template.spec.containers[0].imagePolicy"
            ]
        );
        assert_eq!(
            d["spec"],
            json!({"template": {"spec": {"containers": [{"name": "a", "image": "x"}]}}})
        );
        assert!(prune_unknown("Widget", &mut json!({"spec": {"whatever": 1}})).is_empty());
    }

    // Offsets of Go's encoding/base64 StdEncoding (base64_test.go TestDecodeCorrupt).
    #[test]
    fn base64_corruption_offsets() {
        for (text, want) in [
            ("", Ok(())),
            ("YQ==", Ok(())),
            ("YWI=", Ok(())),
            ("YWJj", Ok(())),
            ("YWJj\nZGVm", Ok(())),
            ("\n", Ok(())),
            ("!!!!", Err(0)),
            ("====", Err(0)),
            ("x===", Err(1)),
            ("=AAA", Err(0)),
            ("A=AA", Err(1)),
            ("AA=A", Err(2)),
            ("AA==A", Err(4)),
            ("AAA=AAAA", Err(4)),
            ("AAAAA", Err(4)),
            ("AAAAAA", Err(4)),
            ("A=", Err(1)),
            ("AA=", Err(3)),
            ("AAAA", Ok(())),
            ("AAAAAA=", Err(7)),
            ("YWJj$", Err(4)),
            ("A==", Err(1)),
            ("AA==", Ok(())),
            ("AAA=\n", Ok(())),
            ("YWJjZA=====", Err(8)),
            ("A!\n", Err(1)),
            ("A=\n", Err(1)),
        ] {
            assert_eq!(base64_error_offset(text), want, "{text:?}");
        }
    }

    #[test]
    fn every_referenced_type_is_defined() {
        fn check(f: &Field) {
            match f {
                Field::Object(t) => {
                    assert!(types().contains_key(t), "{t} is referenced but not defined")
                }
                Field::List(i) | Field::Map(i) => check(i),
                _ => {}
            }
        }
        for fields in types().values() {
            fields.values().for_each(check);
        }
    }

    // The messages of encoding/json's UnmarshalTypeError (decode.go) with the error context of
    // sigs.k8s.io/json (Struct = innermost struct, Field = JSON names from the root).
    #[test]
    fn type_errors_as_encoding_json_reports_them() {
        let deploy = |spec: Value| json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "w"}, "spec": spec});
        let cases: Vec<(&str, Value, &str)> = vec![
            ("Deployment", deploy(json!({"replicas": "3"})), "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"),
            ("Deployment", deploy(json!({"replicas": 1.5})), "json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32"),
            ("Deployment", deploy(json!({"replicas": 3000000000u64})), "json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32"),
            ("Deployment", deploy(json!({"template": {"metadata": {"labels": {"version": 1}}}})), "json: cannot unmarshal number into Go struct field ObjectMeta.spec.template.metadata.labels of type string"),
            ("Deployment", deploy(json!({"template": {"spec": {"containers": {"name": "a"}}}})), "json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container"),
            ("Deployment", deploy(json!({"template": {"spec": {"containers": [{"name": "a", "env": [{"name": "PORT", "value": 8080}]}]}}})), "json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value of type string"),
            ("Deployment", deploy(json!({"strategy": {"rollingUpdate": {"maxSurge": true}}})), "json: cannot unmarshal bool into Go struct field RollingUpdateDeployment.spec.strategy.rollingUpdate.maxSurge of type int32"),
            ("Deployment", deploy(json!({"template": {"spec": {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"nodeSelectorTerms": []}]}}}}})), "json: cannot unmarshal array into Go struct field NodeAffinity.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution of type v1.NodeSelector"),
            ("Deployment", deploy(json!({"template": {"spec": {"containers": [{"name": "a", "resources": {"limits": {"cpu": "lots"}}}]}}})), "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"),
            ("Deployment", deploy(json!("web")), "json: cannot unmarshal string into Go struct field Deployment.spec of type v1.DeploymentSpec"),
            ("Secret", json!({"data": {"a": "abc$"}}), "illegal base64 data at input byte 3"),
            ("Pod", json!({"spec": {"restartPolicy": 1}}), "json: cannot unmarshal number into Go struct field PodSpec.spec.restartPolicy of type v1.RestartPolicy"),
        ];
        for (kind, obj, want) in cases {
            assert_eq!(
                first_type_error(kind, &obj).as_deref(),
                Some(want),
                "{obj:?}"
            );
        }
        assert_eq!(
            first_type_error(
                "Deployment",
                &deploy(
                    json!({"replicas": 3, "template": {"spec": {"containers": [{"name": "a", "resources": {"limits": {"cpu": 1}}}]}}})
                )
            ),
            None
        );
    }
}
