//! The known fields of the kinds kplane simulates, for field validation (`Strict | Warn |
//! Ignore`): a field not in the schema is reported as kubectl reports it, `unknown field
//! "spec.replica"`. Kinds and nested types that are not listed here accept any field.
//!
//! Each line is `Type: field field:Type field:[Type] field:map field:*`; a bare field is a
//! scalar, `[T]` a list of T, `map` a string-keyed map of anything, `*` anything.
use crate::api::Value;
use std::collections::HashMap;
use std::sync::OnceLock;

const SCHEMA: &str = "
ObjectMeta: name generateName namespace selfLink uid resourceVersion generation creationTimestamp deletionTimestamp deletionGracePeriodSeconds labels:map annotations:map ownerReferences:[OwnerReference] finalizers:[*] managedFields:[*]
OwnerReference: apiVersion kind name uid controller blockOwnerDeletion
LabelSelector: matchLabels:map matchExpressions:[LabelSelectorRequirement]
LabelSelectorRequirement: key operator values:[*]
PodTemplateSpec: metadata:ObjectMeta spec:PodSpec
PodSpec: volumes:[*] initContainers:[Container] containers:[Container] ephemeralContainers:[*] restartPolicy terminationGracePeriodSeconds activeDeadlineSeconds dnsPolicy nodeSelector:map serviceAccountName serviceAccount automountServiceAccountToken nodeName hostNetwork hostPID hostIPC shareProcessNamespace securityContext:* imagePullSecrets:[*] hostname subdomain affinity:* schedulerName tolerations:[Toleration] hostAliases:[*] priorityClassName priority dnsConfig:* readinessGates:[*] runtimeClassName enableServiceLinks preemptionPolicy overhead:map topologySpreadConstraints:[TopologySpreadConstraint] setHostnameAsFQDN os:* hostUsers schedulingGates:[*] resourceClaims:[*] resources:ResourceRequirements hostnameOverride
Container: name image command:[*] args:[*] workingDir ports:[ContainerPort] envFrom:[*] env:[EnvVar] resources:ResourceRequirements resizePolicy:[*] restartPolicy restartPolicyRules:[*] volumeMounts:[VolumeMount] volumeDevices:[*] livenessProbe:Probe readinessProbe:Probe startupProbe:Probe lifecycle:* terminationMessagePath terminationMessagePolicy imagePullPolicy securityContext:* stdin stdinOnce tty
ContainerPort: name hostPort containerPort protocol hostIP
EnvVar: name value valueFrom:*
ResourceRequirements: limits:map requests:map claims:[*]
Probe: exec:* httpGet:* tcpSocket:* grpc:* initialDelaySeconds timeoutSeconds periodSeconds successThreshold failureThreshold terminationGracePeriodSeconds
VolumeMount: name readOnly recursiveReadOnly mountPath subPath mountPropagation subPathExpr
Toleration: key operator value effect tolerationSeconds
TopologySpreadConstraint: maxSkew topologyKey whenUnsatisfiable labelSelector:LabelSelector minDomains nodeAffinityPolicy nodeTaintsPolicy matchLabelKeys:[*]
DeploymentSpec: replicas selector:LabelSelector template:PodTemplateSpec strategy:DeploymentStrategy minReadySeconds revisionHistoryLimit paused progressDeadlineSeconds
DeploymentStrategy: type rollingUpdate:RollingUpdateDeployment
RollingUpdateDeployment: maxUnavailable maxSurge
ReplicaSetSpec: replicas minReadySeconds selector:LabelSelector template:PodTemplateSpec
StatefulSetSpec: replicas selector:LabelSelector template:PodTemplateSpec volumeClaimTemplates:[*] serviceName podManagementPolicy updateStrategy:* revisionHistoryLimit minReadySeconds persistentVolumeClaimRetentionPolicy:* ordinals:*
DaemonSetSpec: selector:LabelSelector template:PodTemplateSpec updateStrategy:* minReadySeconds revisionHistoryLimit
JobSpec: parallelism completions activeDeadlineSeconds podFailurePolicy:* successPolicy:* backoffLimit backoffLimitPerIndex maxFailedIndexes selector:LabelSelector manualSelector template:PodTemplateSpec ttlSecondsAfterFinished completionMode suspend podReplacementPolicy managedBy
NodeSpec: podCIDR podCIDRs:[*] providerID unschedulable taints:[Taint] configSource:* externalID
Taint: key value effect timeAdded
PodDisruptionBudgetSpec: minAvailable maxUnavailable selector:LabelSelector unhealthyPodEvictionPolicy
Pod: apiVersion kind metadata:ObjectMeta spec:PodSpec status:*
Deployment: apiVersion kind metadata:ObjectMeta spec:DeploymentSpec status:*
ReplicaSet: apiVersion kind metadata:ObjectMeta spec:ReplicaSetSpec status:*
StatefulSet: apiVersion kind metadata:ObjectMeta spec:StatefulSetSpec status:*
DaemonSet: apiVersion kind metadata:ObjectMeta spec:DaemonSetSpec status:*
Job: apiVersion kind metadata:ObjectMeta spec:JobSpec status:*
Node: apiVersion kind metadata:ObjectMeta spec:NodeSpec status:*
Namespace: apiVersion kind metadata:ObjectMeta spec:NamespaceSpec status:*
NamespaceSpec: finalizers:[*]
ConfigMap: apiVersion kind metadata:ObjectMeta data:map binaryData:map immutable
Secret: apiVersion kind metadata:ObjectMeta data:map stringData:map type immutable
PodDisruptionBudget: apiVersion kind metadata:ObjectMeta spec:PodDisruptionBudgetSpec status:*
";

#[derive(Debug, Clone, PartialEq, Eq)]
enum Field {
    Scalar,
    Any,
    Map,
    Object(&'static str),
    List(Box<Field>),
}

type Types = HashMap<&'static str, HashMap<&'static str, Field>>;

fn parse_type(t: &'static str) -> Field {
    match t {
        "*" => Field::Any,
        "map" => Field::Map,
        _ if t.starts_with('[') && t.ends_with(']') => {
            Field::List(Box::new(parse_type(&t[1..t.len() - 1])))
        }
        _ => Field::Object(t),
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
        assert!(prune_unknown("Service", &mut json!({"spec": {"whatever": 1}})).is_empty());
    }

    #[test]
    fn every_referenced_type_is_defined() {
        fn check(f: &Field) {
            match f {
                Field::Object(t) => {
                    assert!(types().contains_key(t), "{t} is referenced but not defined")
                }
                Field::List(i) => check(i),
                _ => {}
            }
        }
        for fields in types().values() {
            fields.values().for_each(check);
        }
    }
}
