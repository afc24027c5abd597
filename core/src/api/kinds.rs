//! The kinds kplane serves: group, version, kind, resource (plural), scope and short names,
//! as `kubectl api-resources` lists them upstream.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindInfo {
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    pub plural: &'static str,
    /// The resource as stored and named in messages: `pods`, `deployments.apps`.
    pub resource: &'static str,
    pub namespaced: bool,
    pub short_names: &'static [&'static str],
    /// Whether the kind has a `/status` subresource (user writes ignore `status`).
    pub status_subresource: bool,
}

impl KindInfo {
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
    /// `deployments.apps`, `pods`: the resource as named in error messages.
    pub fn qualified_resource(&self) -> &'static str {
        self.resource
    }
    /// `Deployment.apps`, `Pod`: the kind as named in 422 messages.
    pub fn qualified_kind(&self) -> String {
        if self.group.is_empty() {
            self.kind.to_string()
        } else {
            format!("{}.{}", self.kind, self.group)
        }
    }
}

macro_rules! qualified {
    ("" $plural:tt) => {
        $plural
    };
    ($group:tt $plural:tt) => {
        concat!($plural, ".", $group)
    };
}

macro_rules! kinds {
    ($( $group:tt $version:literal $kind:literal $plural:literal $ns:literal $status:literal [$($short:literal),*] ;)*) => {
        pub const KINDS: &[KindInfo] = &[
            $( KindInfo { group: $group, version: $version, kind: $kind, plural: $plural, resource: qualified!($group $plural), namespaced: $ns, status_subresource: $status, short_names: &[$($short),*] }, )*
        ];
    };
}

kinds! {
    "" "v1" "Namespace" "namespaces" false true ["ns"];
    "" "v1" "Node" "nodes" false true ["no"];
    "" "v1" "Pod" "pods" true true ["po"];
    "" "v1" "Service" "services" true true ["svc"];
    "" "v1" "Endpoints" "endpoints" true false ["ep"];
    "" "v1" "ConfigMap" "configmaps" true false ["cm"];
    "" "v1" "Secret" "secrets" true false [];
    "" "v1" "ServiceAccount" "serviceaccounts" true false ["sa"];
    "" "v1" "Event" "events" true false ["ev"];
    "" "v1" "PersistentVolume" "persistentvolumes" false true ["pv"];
    "" "v1" "PersistentVolumeClaim" "persistentvolumeclaims" true true ["pvc"];
    "" "v1" "ResourceQuota" "resourcequotas" true true ["quota"];
    "" "v1" "LimitRange" "limitranges" true false ["limits"];
    "apps" "v1" "Deployment" "deployments" true true ["deploy"];
    "apps" "v1" "ReplicaSet" "replicasets" true true ["rs"];
    "apps" "v1" "StatefulSet" "statefulsets" true true ["sts"];
    "apps" "v1" "DaemonSet" "daemonsets" true true ["ds"];
    "apps" "v1" "ControllerRevision" "controllerrevisions" true false [];
    "batch" "v1" "Job" "jobs" true true [];
    "batch" "v1" "CronJob" "cronjobs" true true ["cj"];
    "policy" "v1" "PodDisruptionBudget" "poddisruptionbudgets" true true ["pdb"];
    "autoscaling" "v2" "HorizontalPodAutoscaler" "horizontalpodautoscalers" true true ["hpa"];
    "networking.k8s.io" "v1" "NetworkPolicy" "networkpolicies" true false ["netpol"];
    "networking.k8s.io" "v1" "Ingress" "ingresses" true true ["ing"];
    "storage.k8s.io" "v1" "StorageClass" "storageclasses" false false ["sc"];
    "scheduling.k8s.io" "v1" "PriorityClass" "priorityclasses" false false ["pc"];
    "node.k8s.io" "v1" "RuntimeClass" "runtimeclasses" false false [];
    "rbac.authorization.k8s.io" "v1" "Role" "roles" true false [];
    "rbac.authorization.k8s.io" "v1" "RoleBinding" "rolebindings" true false [];
    "rbac.authorization.k8s.io" "v1" "ClusterRole" "clusterroles" false false [];
    "rbac.authorization.k8s.io" "v1" "ClusterRoleBinding" "clusterrolebindings" false false [];
    "apiextensions.k8s.io" "v1" "CustomResourceDefinition" "customresourcedefinitions" false true ["crd", "crds"];
    "coordination.k8s.io" "v1" "Lease" "leases" true false [];
    "" "v1" "PodTemplate" "podtemplates" true false [];
    "" "v1" "ReplicationController" "replicationcontrollers" true true ["rc"];
    "autoscaling" "v1" "HorizontalPodAutoscaler" "horizontalpodautoscalers" true true ["hpa"];
    "discovery.k8s.io" "v1" "EndpointSlice" "endpointslices" true false [];
    "events.k8s.io" "v1" "Event" "events" true false ["ev"];
    "networking.k8s.io" "v1" "IngressClass" "ingressclasses" false false [];
    "storage.k8s.io" "v1" "CSIDriver" "csidrivers" false false [];
    "storage.k8s.io" "v1" "CSINode" "csinodes" false false [];
    "storage.k8s.io" "v1" "VolumeAttachment" "volumeattachments" false true [];
    "admissionregistration.k8s.io" "v1" "MutatingWebhookConfiguration" "mutatingwebhookconfigurations" false false [];
    "admissionregistration.k8s.io" "v1" "ValidatingWebhookConfiguration" "validatingwebhookconfigurations" false false [];
    "apiregistration.k8s.io" "v1" "APIService" "apiservices" false true [];
    "autoscaling.k8s.io" "v1" "VerticalPodAutoscaler" "verticalpodautoscalers" true true ["vpa"];
    "keda.sh" "v1alpha1" "ScaledObject" "scaledobjects" true true ["so"];
    "keda.sh" "v1alpha1" "ScaledJob" "scaledjobs" true true ["sj"];
    "keda.sh" "v1alpha1" "TriggerAuthentication" "triggerauthentications" true false ["ta"];
    "keda.sh" "v1alpha1" "ClusterTriggerAuthentication" "clustertriggerauthentications" false false ["cta"];
    "karpenter.sh" "v1" "NodePool" "nodepools" false true [];
    "karpenter.sh" "v1" "NodeClaim" "nodeclaims" false true [];
    "karpenter.k8s.aws" "v1" "EC2NodeClass" "ec2nodeclasses" false true ["ec2nc"];
    "tenancy.kcp.io" "v1alpha1" "Workspace" "workspaces" false true ["ws"];
    "tenancy.kcp.io" "v1alpha1" "WorkspaceType" "workspacetypes" false true [];
    "core.kcp.io" "v1alpha1" "LogicalCluster" "logicalclusters" false true [];
    "apis.kcp.io" "v1alpha1" "APIExport" "apiexports" false true [];
    "apis.kcp.io" "v1alpha1" "APIBinding" "apibindings" false true [];
    "apis.kcp.io" "v1alpha1" "APIResourceSchema" "apiresourceschemas" false false [];
    "sim.kplane.dev" "v1alpha1" "LoadProfile" "loadprofiles" true true [];
    "sim.kplane.dev" "v1alpha1" "Queue" "queues" true true [];
}

/// A built-in kind every control plane serves (`builtin("v1", "Pod")`); a typo is a bug, so
/// it panics on an unknown kind (never on user input).
pub(crate) fn builtin(api_version: &str, kind: &str) -> &'static KindInfo {
    by_kind(Some(api_version), kind).expect("built-in kind is served")
}

/// Finds a kind by its `apiVersion` (optional: the preferred version when absent) and `kind`.
pub fn by_kind(api_version: Option<&str>, kind: &str) -> Option<&'static KindInfo> {
    KINDS
        .iter()
        .find(|k| k.kind == kind && api_version.is_none_or(|v| v == k.api_version()))
}

/// Resolves what a user types on the kubectl command line: `pods`, `pod`, `po`, `Pod`,
/// `deployments.apps`, `deploy`.
pub fn by_resource_name(name: &str) -> Option<&'static KindInfo> {
    let lower = name.to_ascii_lowercase();
    let (res, group) = match lower.split_once('.') {
        Some((r, g)) => (r.to_string(), Some(g.to_string())),
        None => (lower, None),
    };
    KINDS.iter().find(|k| {
        group.as_deref().is_none_or(|g| g == k.group)
            && (k.plural == res
                || k.kind.eq_ignore_ascii_case(&res)
                || k.short_names.contains(&res.as_str()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_kinds_and_resource_names() {
        assert_eq!(
            by_kind(Some("apps/v1"), "Deployment").unwrap().plural,
            "deployments"
        );
        assert_eq!(by_kind(None, "Pod").unwrap().api_version(), "v1");
        assert!(by_kind(Some("apps/v1beta1"), "Deployment").is_none());
        for name in ["pods", "pod", "po", "Pod"] {
            assert_eq!(by_resource_name(name).unwrap().kind, "Pod");
        }
        assert_eq!(by_resource_name("deploy").unwrap().kind, "Deployment");
        assert_eq!(
            by_resource_name("deployments.apps").unwrap().kind,
            "Deployment"
        );
        assert!(by_resource_name("widgets").is_none());
        assert_eq!(
            by_kind(None, "Deployment").unwrap().qualified_resource(),
            "deployments.apps"
        );
        assert_eq!(by_kind(None, "Pod").unwrap().resource, "pods");
    }
}
