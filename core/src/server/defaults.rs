//! Defaulting, as the API server's `SetDefaults_*` functions (pkg/apis/*/v1/defaults.go) and
//! the admission plugins that default (DefaultTolerationSeconds).
use crate::api::object::{self, array_at, default_path, path, set_path};
use crate::api::Value;
use crate::json;

pub fn apply_defaults(kind: &str, obj: &mut Value) {
    match kind {
        "Pod" => {
            if let Some(spec) = obj.get_mut("spec") {
                default_pod_spec(spec);
                default_requests_from_limits(spec);
                default_tolerations(spec);
                // The ServiceAccount admission plugin: pods run as `default` unless they name one.
                default_path(spec, &["serviceAccountName"], json!("default"));
                if let Some(sa) = spec.get("serviceAccountName").cloned() {
                    default_path(spec, &["serviceAccount"], sa);
                }
            }
            default_path(obj, &["status", "phase"], json!("Pending"));
            default_path(obj, &["status", "qosClass"], json!(qos_class(obj)));
        }
        "Deployment" => {
            // pkg/apis/apps/v1/defaults.go SetDefaults_Deployment.
            default_path(obj, &["spec", "replicas"], json!(1));
            let strategy_type = path(obj, &["spec", "strategy", "type"])
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            if strategy_type.is_empty() || strategy_type == "RollingUpdate" {
                default_path(obj, &["spec", "strategy", "type"], json!("RollingUpdate"));
                default_path(
                    obj,
                    &["spec", "strategy", "rollingUpdate", "maxUnavailable"],
                    json!("25%"),
                );
                default_path(
                    obj,
                    &["spec", "strategy", "rollingUpdate", "maxSurge"],
                    json!("25%"),
                );
            }
            default_path(obj, &["spec", "revisionHistoryLimit"], json!(10));
            default_path(obj, &["spec", "progressDeadlineSeconds"], json!(600));
            default_template(obj);
        }
        "ReplicaSet" => {
            default_path(obj, &["spec", "replicas"], json!(1));
            default_template(obj);
        }
        "ReplicationController" => {
            // pkg/apis/core/v1/defaults.go SetDefaults_ReplicationController: an empty
            // selector, and empty labels, become the template's labels (when it has some).
            let empty =
                |v: Option<&Value>| v.and_then(Value::as_object).is_none_or(|m| m.is_empty());
            if let Some(labels) = path(obj, &["spec", "template", "metadata", "labels"])
                .filter(|l| !l.is_null())
                .cloned()
            {
                if empty(path(obj, &["spec", "selector"])) {
                    set_path(obj, &["spec", "selector"], labels.clone());
                }
                if empty(path(obj, &["metadata", "labels"])) {
                    set_path(obj, &["metadata", "labels"], labels);
                }
            }
            default_path(obj, &["spec", "replicas"], json!(1));
            default_template(obj);
        }
        "Namespace" => {
            // SetDefaults_Namespace: the name as the `kubernetes.io/metadata.name` label.
            let name = object::name(obj).to_string();
            if !name.is_empty() {
                set_path(
                    obj,
                    &["metadata", "labels", "kubernetes.io/metadata.name"],
                    json!(name),
                );
            }
            default_path(obj, &["spec", "finalizers"], json!(["kubernetes"]));
            default_path(obj, &["status", "phase"], json!("Active"));
        }
        "StatefulSet" => {
            // SetDefaults_StatefulSet.
            default_path(obj, &["spec", "replicas"], json!(1));
            default_path(obj, &["spec", "podManagementPolicy"], json!("OrderedReady"));
            default_path(
                obj,
                &["spec", "updateStrategy", "type"],
                json!("RollingUpdate"),
            );
            if path(obj, &["spec", "updateStrategy", "type"]) == Some(&json!("RollingUpdate")) {
                default_path(
                    obj,
                    &["spec", "updateStrategy", "rollingUpdate", "partition"],
                    json!(0),
                );
            }
            default_path(obj, &["spec", "revisionHistoryLimit"], json!(10));
            default_path(
                obj,
                &[
                    "spec",
                    "persistentVolumeClaimRetentionPolicy",
                    "whenDeleted",
                ],
                json!("Retain"),
            );
            default_path(
                obj,
                &["spec", "persistentVolumeClaimRetentionPolicy", "whenScaled"],
                json!("Retain"),
            );
            default_template(obj);
        }
        "DaemonSet" => {
            // SetDefaults_DaemonSet.
            default_path(
                obj,
                &["spec", "updateStrategy", "type"],
                json!("RollingUpdate"),
            );
            if path(obj, &["spec", "updateStrategy", "type"]) == Some(&json!("RollingUpdate")) {
                default_path(
                    obj,
                    &["spec", "updateStrategy", "rollingUpdate", "maxUnavailable"],
                    json!(1),
                );
                default_path(
                    obj,
                    &["spec", "updateStrategy", "rollingUpdate", "maxSurge"],
                    json!(0),
                );
            }
            default_path(obj, &["spec", "revisionHistoryLimit"], json!(10));
            default_template(obj);
        }
        "Job" => {
            // SetDefaults_Job: completions and parallelism 1 when neither is set.
            let completions = path(obj, &["spec", "completions"]).is_some_and(|v| !v.is_null());
            let parallelism = path(obj, &["spec", "parallelism"]).is_some_and(|v| !v.is_null());
            if !completions && !parallelism {
                set_path(obj, &["spec", "completions"], json!(1));
            }
            default_path(obj, &["spec", "parallelism"], json!(1));
            if path(obj, &["spec", "backoffLimitPerIndex"]).is_none_or(Value::is_null) {
                default_path(obj, &["spec", "backoffLimit"], json!(6));
            }
            default_path(obj, &["spec", "completionMode"], json!("NonIndexed"));
            default_path(obj, &["spec", "suspend"], json!(false));
            let replacement = if path(obj, &["spec", "podFailurePolicy"]).is_some() {
                "Failed"
            } else {
                "TerminatingOrFailed"
            };
            default_path(obj, &["spec", "podReplacementPolicy"], json!(replacement));
            default_template(obj);
        }
        "CronJob" => {
            // SetObjectDefaults_CronJob defaults the job template's pod spec (not its JobSpec).
            if let Some(spec) = obj
                .get_mut("spec")
                .and_then(|s| s.get_mut("jobTemplate"))
                .and_then(|t| t.get_mut("spec"))
                .and_then(|s| s.get_mut("template"))
                .and_then(|t| t.get_mut("spec"))
            {
                default_pod_spec(spec);
            }
            default_path(obj, &["spec", "concurrencyPolicy"], json!("Allow"));
            default_path(obj, &["spec", "suspend"], json!(false));
            default_path(obj, &["spec", "successfulJobsHistoryLimit"], json!(3));
            default_path(obj, &["spec", "failedJobsHistoryLimit"], json!(1));
        }
        "Service" => {
            // SetDefaults_Service.
            default_path(obj, &["spec", "sessionAffinity"], json!("None"));
            if path(obj, &["spec", "sessionAffinity"]) == Some(&json!("ClientIP")) {
                default_path(
                    obj,
                    &[
                        "spec",
                        "sessionAffinityConfig",
                        "clientIP",
                        "timeoutSeconds",
                    ],
                    json!(10800),
                );
            }
            default_path(obj, &["spec", "type"], json!("ClusterIP"));
            let ty = path(obj, &["spec", "type"])
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            for port in obj
                .pointer_mut("/spec/ports")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                if !port.is_object() {
                    continue;
                }
                default_path(port, &["protocol"], json!("TCP"));
                let unset = port
                    .get("targetPort")
                    .is_none_or(|t| t.is_null() || t.as_i64() == Some(0) || t.as_str() == Some(""));
                if unset {
                    if let Some(p) = port.get("port").cloned() {
                        set_path(port, &["targetPort"], p);
                    }
                }
            }
            let external_ips = !object::array_at(obj, &["spec", "externalIPs"]).is_empty();
            let externally_accessible =
                ty == "LoadBalancer" || ty == "NodePort" || (ty == "ClusterIP" && external_ips);
            if externally_accessible {
                default_path(obj, &["spec", "externalTrafficPolicy"], json!("Cluster"));
            }
            if matches!(ty.as_str(), "ClusterIP" | "NodePort" | "LoadBalancer") {
                default_path(obj, &["spec", "internalTrafficPolicy"], json!("Cluster"));
            }
            if ty == "LoadBalancer" {
                default_path(obj, &["spec", "allocateLoadBalancerNodePorts"], json!(true));
            }
            if ty != "ExternalName" {
                // The registry's IP-family defaulting (single-stack IPv4 clusters).
                default_path(obj, &["spec", "ipFamilyPolicy"], json!("SingleStack"));
                default_path(obj, &["spec", "ipFamilies"], json!(["IPv4"]));
                // normalizeClusterIPs: a set clusterIP is the first of clusterIPs.
                if let Some(ip) = object::str_at(obj, &["spec", "clusterIP"])
                    .filter(|ip| !ip.is_empty())
                    .map(str::to_string)
                {
                    if object::array_at(obj, &["spec", "clusterIPs"]).is_empty() {
                        set_path(obj, &["spec", "clusterIPs"], json!([ip]));
                    }
                }
            }
        }
        "Secret" => {
            merge_string_data(obj);
            default_path(obj, &["type"], json!("Opaque"));
        }
        "RoleBinding" | "ClusterRoleBinding" => {
            // SetDefaults_Subject: users and groups are in the RBAC API group.
            for sub in obj
                .get_mut("subjects")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                let kind = sub.get("kind").and_then(Value::as_str).unwrap_or("");
                if (kind == "User" || kind == "Group") && sub.is_object() {
                    default_path(sub, &["apiGroup"], json!("rbac.authorization.k8s.io"));
                }
            }
        }
        "LimitRange" => {
            // SetDefaults_LimitRangeItem: a Container item's default limit is its max, and its
            // default request the default limit, else the min.
            for item in obj
                .get_mut("spec")
                .and_then(|s| s.get_mut("limits"))
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                if item.get("type").and_then(Value::as_str) != Some("Container")
                    || !item.is_object()
                {
                    continue;
                }
                let section = |item: &Value, key: &str| {
                    item.get(key)
                        .and_then(Value::as_object)
                        .cloned()
                        .unwrap_or_default()
                };
                for (k, q) in section(item, "max") {
                    default_path(item, &["default", k.as_str()], q);
                }
                for (k, q) in section(item, "default") {
                    default_path(item, &["defaultRequest", k.as_str()], q);
                }
                for (k, q) in section(item, "min") {
                    default_path(item, &["defaultRequest", k.as_str()], q);
                }
            }
        }
        "PodTemplate" => {
            if let Some(spec) = obj.get_mut("template").and_then(|t| t.get_mut("spec")) {
                default_pod_spec(spec);
            }
        }
        "PriorityClass" => {
            default_path(obj, &["preemptionPolicy"], json!("PreemptLowerPriority"));
        }
        "HorizontalPodAutoscaler" if object::api_version(obj) == "autoscaling/v1" => {
            // autoscaling/v1 SetDefaults_HorizontalPodAutoscaler: 1 replica minimum (no CPU
            // target: the controller reads an absent one as 80%). Reads in v2 convert.
            default_path(obj, &["spec", "minReplicas"], json!(1));
        }
        "HorizontalPodAutoscaler" => {
            if object::api_version(obj) == "autoscaling/v1" {
                // autoscaling/v1 SetDefaults_HorizontalPodAutoscaler: only minReplicas (the CPU
                // target's default of 80% comes with the conversion to v2).
                default_path(obj, &["spec", "minReplicas"], json!(1));
            } else {
                crate::controllers::hpa::spec::set_defaults(obj);
            }
        }
        "PersistentVolumeClaim" => {
            default_path(obj, &["spec", "volumeMode"], json!("Filesystem"));
            default_path(obj, &["status", "phase"], json!("Pending"));
        }
        "PersistentVolume" => {
            default_path(
                obj,
                &["spec", "persistentVolumeReclaimPolicy"],
                json!("Retain"),
            );
            default_path(obj, &["spec", "volumeMode"], json!("Filesystem"));
            default_path(obj, &["status", "phase"], json!("Pending"));
        }
        "StorageClass" => {
            default_path(obj, &["reclaimPolicy"], json!("Delete"));
            default_path(obj, &["volumeBindingMode"], json!("Immediate"));
        }
        _ => {}
    }
}

/// `Convert_v1_Secret_To_core_Secret` (pkg/apis/core/v1/conversion.go): every `stringData`
/// entry is written into `data` (base64), overwriting a `data` entry of the same key, and
/// `stringData` is not stored (it is write-only).
fn merge_string_data(obj: &mut Value) {
    let Some(string_data) = obj
        .as_object_mut()
        .and_then(|m| m.shift_remove("stringData"))
    else {
        return;
    };
    let Some(entries) = string_data.as_object() else {
        return;
    };
    if entries.is_empty() {
        return;
    }
    if !obj.get("data").is_some_and(Value::is_object) {
        set_path(obj, &["data"], json!({}));
    }
    for (k, v) in entries {
        let text = v.as_str().unwrap_or("");
        set_path(
            obj,
            &["data", k.as_str()],
            json!(crate::api::base64::encode(text.as_bytes())),
        );
    }
}

fn default_template(obj: &mut Value) {
    if let Some(spec) = obj
        .get_mut("spec")
        .and_then(|s| s.get_mut("template"))
        .and_then(|t| t.get_mut("spec"))
    {
        default_pod_spec(spec);
    }
}

/// `SetDefaults_Pod`: a container's requests default to its limits (pods only, not templates).
fn default_requests_from_limits(spec: &mut Value) {
    for list in ["initContainers", "containers"] {
        for c in spec
            .get_mut(list)
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            if let Some(limits) = path(c, &["resources", "limits"])
                .and_then(Value::as_object)
                .cloned()
            {
                for (name, q) in limits {
                    default_path(c, &["resources", "requests", &name], q);
                }
            }
        }
    }
}

/// `SetDefaults_PodSpec` and `SetDefaults_Container` (pkg/apis/core/v1/defaults.go).
fn default_pod_spec(spec: &mut Value) {
    default_path(spec, &["restartPolicy"], json!("Always"));
    default_path(spec, &["terminationGracePeriodSeconds"], json!(30));
    default_path(spec, &["dnsPolicy"], json!("ClusterFirst"));
    default_path(spec, &["securityContext"], json!({}));
    default_path(spec, &["schedulerName"], json!("default-scheduler"));
    default_path(spec, &["enableServiceLinks"], json!(true));
    for list in ["initContainers", "containers"] {
        if let Some(Value::Array(cs)) = spec.get_mut(list) {
            for c in cs {
                default_container(c);
            }
        }
    }
    // SetDefaults_Volume: a volume without a source is an emptyDir.
    for v in spec
        .get_mut("volumes")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        let sourceless = v
            .as_object()
            .is_some_and(|m| m.iter().all(|(k, x)| k.as_str() == "name" || x.is_null()));
        if sourceless {
            set_path(v, &["emptyDir"], json!({}));
        }
    }
}

fn default_container(c: &mut Value) {
    if !c.is_object() {
        return;
    }
    let image = c
        .get("image")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    // `:latest` or no tag (and no digest) pulls Always; otherwise IfNotPresent.
    let tag = image.rsplit('/').next().unwrap_or("");
    let policy = if !image.contains('@') && (!tag.contains(':') || tag.ends_with(":latest")) {
        "Always"
    } else {
        "IfNotPresent"
    };
    default_path(c, &["imagePullPolicy"], json!(policy));
    default_path(
        c,
        &["terminationMessagePath"],
        json!("/dev/termination-log"),
    );
    default_path(c, &["terminationMessagePolicy"], json!("File"));
    default_path(c, &["resources"], json!({}));
    for port in c
        .get_mut("ports")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        default_path(port, &["protocol"], json!("TCP"));
    }
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(p) = c.get_mut(probe).filter(|p| p.is_object()) {
            // SetDefaults_Probe: a zero (or absent) value takes the default.
            for (field, value) in [
                ("timeoutSeconds", 1),
                ("periodSeconds", 10),
                ("successThreshold", 1),
                ("failureThreshold", 3),
            ] {
                if p.get(field)
                    .is_none_or(|v| v.is_null() || v.as_i64() == Some(0))
                {
                    set_path(p, &[field], json!(value));
                }
            }
            default_http_get(p);
        }
    }
    if let Some(l) = c.get_mut("lifecycle").filter(|l| l.is_object()) {
        for hook in ["postStart", "preStop"] {
            if let Some(h) = l.get_mut(hook).filter(|h| h.is_object()) {
                default_http_get(h);
            }
        }
    }
}

/// `SetDefaults_HTTPGetAction`: path `/`, scheme `HTTP`.
fn default_http_get(handler: &mut Value) {
    if let Some(h) = handler.get_mut("httpGet").filter(|h| h.is_object()) {
        for (field, value) in [("path", "/"), ("scheme", "HTTP")] {
            if h.get(field)
                .is_none_or(|v| v.is_null() || v.as_str() == Some(""))
            {
                set_path(h, &[field], json!(value));
            }
        }
    }
}

/// The DefaultTolerationSeconds admission plugin: not-ready and unreachable NoExecute
/// tolerations of 300 s unless the pod already tolerates them.
fn default_tolerations(spec: &mut Value) {
    let existing = array_at(spec, &["tolerations"]).to_vec();
    let tolerates = |key: &str| {
        existing.iter().any(|t| {
            let effect = t.get("effect").and_then(Value::as_str).unwrap_or("");
            let k = t.get("key").and_then(Value::as_str).unwrap_or("");
            (effect.is_empty() || effect == "NoExecute") && (k.is_empty() || k == key)
        })
    };
    let mut add = Vec::new();
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ] {
        if !tolerates(key) {
            add.push(json!({"key": key, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}));
        }
    }
    if !add.is_empty() {
        let mut all = existing;
        all.extend(add);
        set_path(spec, &["tolerations"], Value::from(all));
    }
}

/// The pod's QoS class (pkg/apis/core/v1/helper/qos): Guaranteed when every container has
/// equal CPU and memory requests and limits, BestEffort when none has any, else Burstable.
pub fn qos_class(pod: &Value) -> &'static str {
    let spec = pod.get("spec").unwrap_or(&Value::Null);
    let containers: Vec<&Value> = array_at(spec, &["containers"])
        .iter()
        .chain(array_at(spec, &["initContainers"]))
        .collect();
    let mut any = false;
    let mut guaranteed = true;
    for c in containers {
        let req = path(c, &["resources", "requests"]).and_then(Value::as_object);
        let lim = path(c, &["resources", "limits"]).and_then(Value::as_object);
        let nonempty = |m: Option<&crate::api::Map>| m.is_some_and(|m| !m.is_empty());
        if nonempty(req) || nonempty(lim) {
            any = true;
        }
        for r in ["cpu", "memory"] {
            let l = lim.and_then(|m| m.get(r));
            let q = req.and_then(|m| m.get(r)).or(l);
            if l.is_none() || q != l {
                guaranteed = false;
            }
        }
    }
    if !any {
        "BestEffort"
    } else if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

/// The Job strategy's `generateSelector` (pkg/registry/batch/job/strategy.go), run on create
/// unless `manualSelector`: the template gets the job-name and controller-uid labels it does
/// not have yet (labels the user set are kept, and validation refuses them if they conflict),
/// and the selector gets `batch.kubernetes.io/controller-uid`. A Job without labels takes its
/// template's (as `kubectl describe job pi` shows in the Jobs documentation).
pub fn generate_job_selector(job: &mut Value, uid: &str) {
    if path(job, &["spec", "manualSelector"]) == Some(&json!(true)) {
        return;
    }
    let job_unlabelled = path(job, &["metadata", "labels"])
        .and_then(Value::as_object)
        .is_none_or(|m| m.is_empty());
    let name = crate::api::object::name(job).to_string();
    for (k, v) in [
        ("controller-uid", uid),
        ("batch.kubernetes.io/controller-uid", uid),
        ("job-name", name.as_str()),
        ("batch.kubernetes.io/job-name", name.as_str()),
    ] {
        default_path(
            job,
            &["spec", "template", "metadata", "labels", k],
            json!(v),
        );
    }
    if !path(job, &["spec", "selector"]).is_some_and(Value::is_object) {
        set_path(job, &["spec", "selector"], json!({}));
    }
    default_path(
        job,
        &[
            "spec",
            "selector",
            "matchLabels",
            "batch.kubernetes.io/controller-uid",
        ],
        json!(uid),
    );
    if job_unlabelled {
        let labels = path(job, &["spec", "template", "metadata", "labels"])
            .cloned()
            .unwrap_or(json!({}));
        set_path(job, &["metadata", "labels"], labels);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deployment_defaults_match_upstream() {
        let mut d = json!({"spec": {"template": {"spec": {"containers": [{"name": "a", "image": "nginx"}]}}}});
        apply_defaults("Deployment", &mut d);
        assert_eq!(d["spec"]["replicas"], 1);
        assert_eq!(d["spec"]["strategy"]["rollingUpdate"]["maxSurge"], "25%");
        assert_eq!(
            d["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"],
            "25%"
        );
        assert_eq!(d["spec"]["revisionHistoryLimit"], 10);
        assert_eq!(d["spec"]["progressDeadlineSeconds"], 600);
        let c = &d["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(c["imagePullPolicy"], "Always");
        assert_eq!(d["spec"]["template"]["spec"]["restartPolicy"], "Always");
        // Tolerations are admission for pods, not templates.
        assert!(d["spec"]["template"]["spec"].get("tolerations").is_none());
    }

    #[test]
    fn recreate_gets_no_rolling_update_defaults() {
        let mut d = json!({"spec": {"strategy": {"type": "Recreate"}, "template": {"spec": {"containers": []}}}});
        apply_defaults("Deployment", &mut d);
        assert!(d["spec"]["strategy"].get("rollingUpdate").is_none());
    }

    #[test]
    fn pod_defaults_and_tolerations() {
        let mut p = json!({"spec": {"containers": [{"name": "a", "image": "nginx:1.27", "resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}],
            "tolerations": [{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 60}]}});
        apply_defaults("Pod", &mut p);
        assert_eq!(p["spec"]["terminationGracePeriodSeconds"], 30);
        assert_eq!(
            p["spec"]["containers"][0]["imagePullPolicy"],
            "IfNotPresent"
        );
        assert_eq!(
            p["spec"]["containers"][0]["resources"]["requests"]["cpu"],
            "1"
        );
        let tols = p["spec"]["tolerations"].as_array().unwrap();
        assert_eq!(tols.len(), 2);
        assert_eq!(tols[1]["key"], "node.kubernetes.io/not-ready");
        assert_eq!(tols[1]["tolerationSeconds"], 300);
        assert_eq!(p["status"]["qosClass"], "Guaranteed");
    }

    #[test]
    fn qos_classes() {
        assert_eq!(
            qos_class(&json!({"spec": {"containers": [{"name": "a"}]}})),
            "BestEffort"
        );
        assert_eq!(
            qos_class(
                &json!({"spec": {"containers": [{"name": "a", "resources": {"requests": {"cpu": "1"}}}]}})
            ),
            "Burstable"
        );
    }
}
