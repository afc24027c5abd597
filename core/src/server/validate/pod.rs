//! Pods and pod templates: pkg/apis/core/validation/validation.go (`ValidatePodCreate`,
//! `ValidatePodSpec`, `validateContainers`, `validateInitContainers`,
//! `validateContainerCommon`, `validateProbe`, `validateResourceRequirements`,
//! `ValidateTolerations`, `validateAffinity`, `validateTopologySpreadConstraints`,
//! `ValidatePodTemplateSpec`, `ValidatePodUpdate`).
use super::meta::{self, s};
use super::names;
use super::render::{json, quote, value};
use super::Errors;
use crate::api::quantity::Quantity;
use crate::api::Value;
use crate::server::status::FieldError;
use std::collections::{BTreeMap, BTreeSet};

const MAX_INT32: i64 = i32::MAX as i64;

fn arr<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn int(v: &Value, key: &str) -> Option<i64> {
    v.get(key).and_then(Value::as_i64)
}

fn present(v: &Value, key: &str) -> bool {
    v.get(key).is_some_and(|x| !x.is_null())
}

/// `ValidatePodCreate`: a new Pod.
pub fn pod_create(pod: &Value, errs: &mut Errors) {
    metadata_and_spec(pod, errs);
    let spec = pod.get("spec").unwrap_or(&Value::Null);
    if !arr(spec, "ephemeralContainers").is_empty() {
        errs.push(FieldError::forbidden(
            "spec.ephemeralContainers",
            "cannot be set on create",
        ));
    }
    if !s(spec, "nodeName").is_empty() && !arr(spec, "schedulingGates").is_empty() {
        errs.push(FieldError::forbidden(
            "spec.nodeName",
            "cannot be set until all schedulingGates have been cleared",
        ));
    }
}

/// `validatePodMetadataAndSpec`.
fn metadata_and_spec(pod: &Value, errs: &mut Errors) {
    meta::object_meta(pod, true, names::NameFormat::Dns1123Subdomain, errs);
    let spec = pod.get("spec").unwrap_or(&Value::Null);
    pod_spec(spec, "spec", errs);
    for list in ["containers", "initContainers"] {
        for (i, c) in arr(spec, list).iter().enumerate() {
            let image = s(c, "image");
            if image.trim() != image {
                errs.push(FieldError::invalid(
                    format!("spec.{list}[{i}].image"),
                    quote(image),
                    "must not have leading or trailing whitespace",
                ));
            }
        }
    }
}

/// `ValidatePodTemplateSpec` at `field` (`spec.template`).
pub fn template(t: Option<&Value>, field: &str, errs: &mut Errors) {
    let t = t.unwrap_or(&Value::Null);
    let m = t.get("metadata").unwrap_or(&Value::Null);
    meta::labels(m.get("labels"), &format!("{field}.labels"), errs);
    meta::annotations(m.get("annotations"), &format!("{field}.annotations"), errs);
    let spec = t.get("spec").unwrap_or(&Value::Null);
    pod_spec(spec, &format!("{field}.spec"), errs);
    if !arr(spec, "ephemeralContainers").is_empty() {
        errs.push(FieldError::forbidden(
            format!("{field}.spec.ephemeralContainers"),
            "ephemeral containers not allowed in pod template",
        ));
    }
}

/// `ValidatePodSpec`.
pub fn pod_spec(spec: &Value, field: &str, errs: &mut Errors) {
    if !present(spec, "terminationGracePeriodSeconds") {
        errs.push(FieldError::required(
            format!("{field}.terminationGracePeriodSeconds"),
            "",
        ));
    }
    let grace = int(spec, "terminationGracePeriodSeconds");
    let volumes = volumes(arr(spec, "volumes"), &format!("{field}.volumes"), errs);
    containers(spec, &volumes, grace, field, errs);
    init_containers(spec, &volumes, grace, field, errs);
    enumerated(
        spec,
        "restartPolicy",
        field,
        &["Always", "OnFailure", "Never"],
        errs,
    );
    enumerated(
        spec,
        "dnsPolicy",
        field,
        &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
        errs,
    );
    meta::labels(
        spec.get("nodeSelector"),
        &format!("{field}.nodeSelector"),
        errs,
    );
    for (i, r) in arr(spec, "imagePullSecrets").iter().enumerate() {
        if r.as_object()
            .is_some_and(|m| m.keys().any(|k| k.as_str() != "name"))
        {
            errs.push(FieldError::invalid(
                format!("{field}.imagePullSecrets[{i}]"),
                json(r),
                "only name may be set",
            ));
        }
    }
    affinity(spec.get("affinity"), &format!("{field}.affinity"), errs);
    for (i, g) in arr(spec, "readinessGates").iter().enumerate() {
        let t = s(g, "conditionType");
        for m in names::qualified_name(t) {
            errs.push(FieldError::invalid(
                format!("{field}.readinessGates[{i}].conditionType"),
                quote(t),
                m,
            ));
        }
    }
    let mut gates = BTreeSet::new();
    for (i, g) in arr(spec, "schedulingGates").iter().enumerate() {
        let n = s(g, "name");
        for m in names::qualified_name(n) {
            errs.push(FieldError::invalid(
                format!("{field}.schedulingGates[{i}]"),
                quote(n),
                m,
            ));
        }
        if !gates.insert(n) {
            errs.push(FieldError::duplicate(
                format!("{field}.schedulingGates[{i}]"),
                quote(n),
            ));
        }
    }
    topology_spread(
        arr(spec, "topologySpreadConstraints"),
        &format!("{field}.topologySpreadConstraints"),
        errs,
    );
    let sa = s(spec, "serviceAccountName");
    if !sa.is_empty() {
        for m in names::dns1123_subdomain(sa) {
            errs.push(FieldError::invalid(
                format!("{field}.serviceAccountName"),
                quote(sa),
                m,
            ));
        }
    }
    let node = s(spec, "nodeName");
    if !node.is_empty() {
        for m in names::dns1123_subdomain(node) {
            errs.push(FieldError::invalid(
                format!("{field}.nodeName"),
                quote(node),
                m,
            ));
        }
    }
    if let Some(d) = int(spec, "activeDeadlineSeconds") {
        if !(1..=MAX_INT32).contains(&d) {
            errs.push(FieldError::invalid(
                format!("{field}.activeDeadlineSeconds"),
                d.to_string(),
                names::inclusive_range_error(1, MAX_INT32),
            ));
        }
    }
    for key in ["hostname", "subdomain"] {
        let v = s(spec, key);
        if !v.is_empty() {
            for m in names::dns1123_label(v) {
                errs.push(FieldError::invalid(format!("{field}.{key}"), quote(v), m));
            }
        }
    }
    if !arr(spec, "tolerations").is_empty() {
        tolerations(
            arr(spec, "tolerations"),
            &format!("{field}.tolerations"),
            errs,
        );
    }
    let pc = s(spec, "priorityClassName");
    if !pc.is_empty() {
        for m in names::dns1123_subdomain(pc) {
            errs.push(FieldError::invalid(
                format!("{field}.priorityClassName"),
                quote(pc),
                m,
            ));
        }
    }
    if let Some(rc) = spec.get("runtimeClassName").and_then(Value::as_str) {
        for m in names::dns1123_subdomain(rc) {
            errs.push(FieldError::invalid(
                format!("{field}.runtimeClassName"),
                quote(rc),
                m,
            ));
        }
    }
    if present(spec, "preemptionPolicy") {
        let p = s(spec, "preemptionPolicy");
        if p.is_empty() {
            errs.push(FieldError::required(
                format!("{field}.preemptionPolicy"),
                "",
            ));
        } else if p != "PreemptLowerPriority" && p != "Never" {
            errs.push(FieldError::not_supported(
                format!("{field}.preemptionPolicy"),
                quote(p),
                &["PreemptLowerPriority", "Never"],
            ));
        }
    }
    if let Some(os) = spec.get("os").filter(|v| !v.is_null()) {
        let name = s(os, "name");
        if name.is_empty() {
            errs.push(FieldError::required(format!("{field}.os.name"), ""));
        } else if name != "linux" && name != "windows" {
            errs.push(FieldError::not_supported(
                format!("{field}.os.name"),
                quote(name),
                &["linux", "windows"],
            ));
        }
    }
}

/// A required enum field with upstream's `Required` / `NotSupported` errors.
fn enumerated(v: &Value, key: &str, field: &str, valid: &[&str], errs: &mut Errors) {
    let got = s(v, key);
    if got.is_empty() {
        errs.push(FieldError::required(format!("{field}.{key}"), ""));
    } else if !valid.contains(&got) {
        errs.push(FieldError::not_supported(
            format!("{field}.{key}"),
            quote(got),
            valid,
        ));
    }
}

/// `ValidateVolumes` (names, uniqueness and one source each); returns the valid names.
fn volumes(vols: &[Value], field: &str, errs: &mut Errors) -> BTreeSet<String> {
    let mut names_seen = BTreeSet::new();
    for (i, v) in vols.iter().enumerate() {
        let p = format!("{field}[{i}]");
        let mut el = Vec::new();
        let sources: Vec<&str> = v
            .as_object()
            .map(|m| {
                m.iter()
                    .filter(|(k, x)| k.as_str() != "name" && !x.is_null())
                    .map(|(k, _)| k.as_str())
                    .collect()
            })
            .unwrap_or_default();
        for extra in sources.iter().skip(1) {
            el.push(FieldError::forbidden(
                format!("{p}.{extra}"),
                "may not specify more than 1 volume type",
            ));
        }
        if sources.is_empty() {
            el.push(FieldError::required(
                p.clone(),
                "must specify a volume type",
            ));
        }
        for (key, sub) in [
            ("secret", "secretName"),
            ("persistentVolumeClaim", "claimName"),
        ] {
            if let Some(src) = v.get(key).filter(|x| !x.is_null()) {
                if s(src, sub).is_empty() {
                    el.push(FieldError::required(format!("{p}.{key}.{sub}"), ""));
                }
            }
        }
        if let Some(cm) = v.get("configMap").filter(|x| !x.is_null()) {
            if s(cm, "name").is_empty() {
                el.push(FieldError::required(format!("{p}.configMap.name"), ""));
            }
        }
        if let Some(limit) = v
            .get("emptyDir")
            .and_then(|e| e.get("sizeLimit"))
            .and_then(quantity_of)
        {
            if limit.0.is_negative() {
                el.push(FieldError::forbidden(
                    format!("{p}.emptyDir.sizeLimit"),
                    "SizeLimit field must be a valid resource quantity",
                ));
            }
        }
        let name = s(v, "name");
        if name.is_empty() {
            el.push(FieldError::required(format!("{p}.name"), ""));
        } else {
            for m in names::dns1123_label(name) {
                el.push(FieldError::invalid(format!("{p}.name"), quote(name), m));
            }
        }
        if names_seen.contains(name) {
            el.push(FieldError::duplicate(format!("{p}.name"), quote(name)));
        }
        if el.is_empty() {
            names_seen.insert(name.to_string());
        } else {
            errs.extend(el);
        }
    }
    names_seen
}

/// `validateContainers`.
fn containers(
    spec: &Value,
    vols: &BTreeSet<String>,
    grace: Option<i64>,
    field: &str,
    errs: &mut Errors,
) {
    let list = arr(spec, "containers");
    let path = format!("{field}.containers");
    if list.is_empty() {
        errs.push(FieldError::required(path, ""));
        return;
    }
    let mut all = BTreeSet::new();
    for (i, c) in list.iter().enumerate() {
        let p = format!("{path}[{i}]");
        container_common(c, vols, &p, errs);
        let name = s(c, "name");
        if !all.insert(name) {
            errs.push(FieldError::duplicate(format!("{p}.name"), quote(name)));
        }
        if let Some(l) = c.get("lifecycle").filter(|x| !x.is_null()) {
            lifecycle(l, grace, &format!("{p}.lifecycle"), errs);
        }
        probes(c, grace, &p, errs);
        if present(c, "restartPolicy") {
            errs.push(FieldError::forbidden(
                format!("{p}.restartPolicy"),
                "may not be set for non-init containers",
            ));
        }
    }
    host_port_conflicts(list, &path, errs);
}

/// `validateInitContainers`.
fn init_containers(
    spec: &Value,
    vols: &BTreeSet<String>,
    grace: Option<i64>,
    field: &str,
    errs: &mut Errors,
) {
    let path = format!("{field}.initContainers");
    let mut all: BTreeSet<&str> = arr(spec, "containers")
        .iter()
        .map(|c| s(c, "name"))
        .collect();
    for (i, c) in arr(spec, "initContainers").iter().enumerate() {
        let p = format!("{path}[{i}]");
        container_common(c, vols, &p, errs);
        let policy = c.get("restartPolicy").and_then(Value::as_str);
        if let Some(pol) = policy {
            if pol != "Always" {
                errs.push(FieldError::not_supported(
                    format!("{p}.restartPolicy"),
                    quote(pol),
                    &["Always"],
                ));
            }
        }
        let name = s(c, "name");
        if all.contains(name) {
            errs.push(FieldError::duplicate(format!("{p}.name"), quote(name)));
        } else if !name.is_empty() {
            all.insert(name);
        }
        host_port_conflicts(std::slice::from_ref(c), &path, errs);
        if policy == Some("Always") {
            if let Some(l) = c.get("lifecycle").filter(|x| !x.is_null()) {
                lifecycle(l, grace, &format!("{p}.lifecycle"), errs);
            }
            probes(c, grace, &p, errs);
        } else {
            for key in [
                "lifecycle",
                "livenessProbe",
                "readinessProbe",
                "startupProbe",
            ] {
                if present(c, key) {
                    errs.push(FieldError::forbidden(
                        format!("{p}.{key}"),
                        "may not be set for init containers without restartPolicy=Always",
                    ));
                }
            }
        }
    }
}

/// `validateContainerCommon`.
fn container_common(c: &Value, vols: &BTreeSet<String>, p: &str, errs: &mut Errors) {
    let name = s(c, "name");
    if name.is_empty() {
        errs.push(FieldError::required(format!("{p}.name"), ""));
    } else {
        for m in names::dns1123_label(name) {
            errs.push(FieldError::invalid(format!("{p}.name"), quote(name), m));
        }
    }
    if s(c, "image").is_empty() {
        errs.push(FieldError::required(format!("{p}.image"), ""));
    }
    enumerated(
        c,
        "terminationMessagePolicy",
        p,
        &["File", "FallbackToLogsOnError"],
        errs,
    );
    container_ports(arr(c, "ports"), &format!("{p}.ports"), errs);
    env(arr(c, "env"), &format!("{p}.env"), errs);
    volume_mounts(
        arr(c, "volumeMounts"),
        vols,
        &format!("{p}.volumeMounts"),
        errs,
    );
    enumerated(
        c,
        "imagePullPolicy",
        p,
        &["Always", "IfNotPresent", "Never"],
        errs,
    );
    resources(
        c.get("resources").unwrap_or(&Value::Null),
        &format!("{p}.resources"),
        errs,
    );
}

/// `validateContainerPorts`.
fn container_ports(ports: &[Value], field: &str, errs: &mut Errors) {
    let mut all = BTreeSet::new();
    for (i, port) in ports.iter().enumerate() {
        let p = format!("{field}[{i}]");
        let name = s(port, "name");
        if !name.is_empty() {
            let msgs = names::port_name(name);
            if !msgs.is_empty() {
                for m in msgs {
                    errs.push(FieldError::invalid(format!("{p}.name"), quote(name), m));
                }
            } else if !all.insert(name) {
                errs.push(FieldError::duplicate(format!("{p}.name"), quote(name)));
            }
        }
        match int(port, "containerPort").unwrap_or(0) {
            0 => errs.push(FieldError::required(format!("{p}.containerPort"), "")),
            n => {
                for m in names::port_num(n) {
                    errs.push(FieldError::invalid(
                        format!("{p}.containerPort"),
                        n.to_string(),
                        m,
                    ));
                }
            }
        }
        let host = int(port, "hostPort").unwrap_or(0);
        if host != 0 {
            for m in names::port_num(host) {
                errs.push(FieldError::invalid(
                    format!("{p}.hostPort"),
                    host.to_string(),
                    m,
                ));
            }
        }
        protocol(port, &p, errs);
    }
}

/// The `protocol` of a port: required, one of `SCTP`, `TCP`, `UDP`.
pub(super) fn protocol(port: &Value, p: &str, errs: &mut Errors) {
    let proto = s(port, "protocol");
    if proto.is_empty() {
        errs.push(FieldError::required(format!("{p}.protocol"), ""));
    } else if !["SCTP", "TCP", "UDP"].contains(&proto) {
        errs.push(FieldError::not_supported(
            format!("{p}.protocol"),
            quote(proto),
            &["SCTP", "TCP", "UDP"],
        ));
    }
}

/// `AccumulateUniqueHostPorts`.
fn host_port_conflicts(containers: &[Value], field: &str, errs: &mut Errors) {
    let mut seen = BTreeSet::new();
    for (ci, c) in containers.iter().enumerate() {
        for (pi, port) in arr(c, "ports").iter().enumerate() {
            let host = int(port, "hostPort").unwrap_or(0);
            if host == 0 {
                continue;
            }
            let key = format!("{}/{}/{host}", s(port, "protocol"), s(port, "hostIP"));
            if !seen.insert(key.clone()) {
                errs.push(FieldError::duplicate(
                    format!("{field}[{ci}].ports[{pi}].hostPort"),
                    quote(&key),
                ));
            }
        }
    }
}

/// `ValidateEnv` with relaxed names (`RelaxedEnvironmentVariableValidation`, on by default).
fn env(vars: &[Value], field: &str, errs: &mut Errors) {
    for (i, ev) in vars.iter().enumerate() {
        let p = format!("{field}[{i}]");
        let name = s(ev, "name");
        if name.is_empty() {
            errs.push(FieldError::required(format!("{p}.name"), ""));
        } else {
            for m in names::relaxed_env_var_name(name) {
                errs.push(FieldError::invalid(format!("{p}.name"), quote(name), m));
            }
        }
        let Some(from) = ev.get("valueFrom").filter(|v| !v.is_null()) else {
            continue;
        };
        let sources = [
            "fieldRef",
            "resourceFieldRef",
            "configMapKeyRef",
            "secretKeyRef",
            "fileKeyRef",
        ]
        .iter()
        .filter(|k| present(from, k))
        .count();
        let vp = format!("{p}.valueFrom");
        if sources == 0 {
            errs.push(FieldError::invalid(vp, quote(""), "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"));
        } else if !s(ev, "value").is_empty() {
            errs.push(FieldError::invalid(
                vp,
                quote(""),
                "may not be specified when `value` is not empty",
            ));
        } else if sources > 1 {
            errs.push(FieldError::invalid(
                vp,
                quote(""),
                "may not have more than one field specified at a time",
            ));
        }
    }
}

/// `ValidateVolumeMounts`.
fn volume_mounts(mounts: &[Value], vols: &BTreeSet<String>, field: &str, errs: &mut Errors) {
    let mut points = BTreeSet::new();
    for (i, m) in mounts.iter().enumerate() {
        let p = format!("{field}[{i}]");
        let name = s(m, "name");
        if name.is_empty() {
            errs.push(FieldError::required(format!("{p}.name"), ""));
        }
        if !vols.contains(name) {
            errs.push(FieldError::not_found(format!("{p}.name"), quote(name)));
        }
        let mp = s(m, "mountPath");
        if mp.is_empty() {
            errs.push(FieldError::required(format!("{p}.mountPath"), ""));
        }
        if !points.insert(mp) {
            errs.push(FieldError::invalid(
                format!("{p}.mountPath"),
                quote(mp),
                "must be unique",
            ));
        }
        if !s(m, "subPathExpr").is_empty() && !s(m, "subPath").is_empty() {
            errs.push(FieldError::invalid(
                format!("{p}.subPathExpr"),
                quote(s(m, "subPathExpr")),
                "subPathExpr and subPath are mutually exclusive",
            ));
        }
    }
}

/// A quantity field: the parsed value and its canonical text.
fn quantity_of(v: &Value) -> Option<(Quantity, String)> {
    let text = match v {
        Value::String(s) => s.to_string(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let (q, f) = Quantity::parse_with_format(&text).ok()?;
    Some((q, q.canonical(f)))
}

/// `IsHugePageResourceName`.
fn is_huge_page(name: &str) -> bool {
    name.starts_with("hugepages-")
}

/// `IsNativeResource`.
fn is_native(name: &str) -> bool {
    !name.contains('/') || name.contains("kubernetes.io/")
}

/// `IsExtendedResourceName`.
pub(super) fn is_extended(name: &str) -> bool {
    !is_native(name)
        && !name.starts_with("requests.")
        && names::qualified_name(&format!("requests.{name}")).is_empty()
}

/// `IsStandardResourceName` (pkg/apis/core/helper/helpers.go `standardResources`).
pub(super) fn is_standard_resource(name: &str) -> bool {
    const STANDARD: &[&str] = &[
        "cpu",
        "memory",
        "ephemeral-storage",
        "requests.cpu",
        "requests.memory",
        "requests.ephemeral-storage",
        "limits.cpu",
        "limits.memory",
        "limits.ephemeral-storage",
        "pods",
        "services",
        "replicationcontrollers",
        "resourcequotas",
        "secrets",
        "persistentvolumeclaims",
        "configmaps",
        "storage",
        "requests.storage",
        "services.nodeports",
        "services.loadbalancers",
    ];
    STANDARD.contains(&name)
        || is_huge_page(name)
        || name
            .strip_prefix("requests.")
            .or_else(|| name.strip_prefix("limits."))
            .is_some_and(is_huge_page)
}

/// `IsIntegerResourceName`.
pub(super) fn is_integer_resource(name: &str) -> bool {
    const INTEGER: &[&str] = &[
        "pods",
        "services",
        "replicationcontrollers",
        "resourcequotas",
        "secrets",
        "configmaps",
        "persistentvolumeclaims",
        "services.nodeports",
        "services.loadbalancers",
    ];
    INTEGER.contains(&name) || is_extended(name)
}

/// `validateResourceName`.
pub(super) fn resource_name(name: &str, field: &str, errs: &mut Errors) -> bool {
    let before = errs.len();
    for m in names::qualified_name(name) {
        errs.push(FieldError::invalid(field, quote(name), m));
    }
    if errs.len() != before {
        return false;
    }
    if !name.contains('/') && !is_standard_resource(name) {
        errs.push(FieldError::invalid(
            field,
            quote(name),
            "must be a standard resource type or fully qualified",
        ));
        return false;
    }
    true
}

/// `validateContainerResourceName`.
fn container_resource_name(name: &str, field: &str, errs: &mut Errors) {
    resource_name(name, field, errs);
    if !name.contains('/') {
        if !matches!(name, "cpu" | "memory" | "ephemeral-storage") && !is_huge_page(name) {
            errs.push(FieldError::invalid(
                field,
                quote(name),
                "must be a standard resource for containers",
            ));
        }
    } else if !is_native(name) && !is_extended(name) {
        errs.push(FieldError::invalid(
            field,
            quote(name),
            "doesn't follow extended resource name standard",
        ));
    }
}

/// `ValidateResourceQuantityValue`.
pub(super) fn quantity_value(name: &str, q: &Quantity, text: &str, field: &str, errs: &mut Errors) {
    if q.is_negative() {
        errs.push(FieldError::invalid(
            field,
            quote(text),
            "must be greater than or equal to 0",
        ));
    }
    if is_integer_resource(name) && q.milli() % 1000 != 0 {
        errs.push(FieldError::invalid(
            field,
            quote(text),
            "must be an integer",
        ));
    }
}

/// `validateResourceRequirements` for a container.
fn resources(r: &Value, field: &str, errs: &mut Errors) {
    let lim_path = format!("{field}.limits");
    let req_path = format!("{field}.requests");
    let parse = |section: &str| -> BTreeMap<String, (Quantity, String)> {
        r.get(section)
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((k.to_string(), quantity_of(v)?)))
                    .collect()
            })
            .unwrap_or_default()
    };
    let limits = parse("limits");
    let requests = parse("requests");
    let (mut lim_cm, mut req_cm, mut lim_hp, mut req_hp) = (false, false, false, false);
    for (name, (q, text)) in &limits {
        let p = format!("{lim_path}[{name}]");
        container_resource_name(name, &p, errs);
        quantity_value(name, q, text, &p, errs);
        lim_hp |= is_huge_page(name);
        lim_cm |= name == "cpu" || name == "memory";
    }
    for (name, (q, text)) in &requests {
        let p = format!("{req_path}[{name}]");
        container_resource_name(name, &p, errs);
        quantity_value(name, q, text, &p, errs);
        let overcommit = is_native(name) && !is_huge_page(name);
        match limits.get(name) {
            Some((lq, ltext)) => {
                if q != lq && !overcommit {
                    errs.push(FieldError::invalid(
                        req_path.clone(),
                        quote(text),
                        format!("must be equal to {name} limit of {ltext}"),
                    ));
                } else if q > lq {
                    errs.push(FieldError::invalid(
                        req_path.clone(),
                        quote(text),
                        format!("must be less than or equal to {name} limit of {ltext}"),
                    ));
                }
            }
            None if !overcommit => errs.push(FieldError::required(
                lim_path.clone(),
                "Limit must be set for non overcommitable resources",
            )),
            None => {}
        }
        req_hp |= is_huge_page(name);
        req_cm |= name == "cpu" || name == "memory";
    }
    if !lim_cm && !req_cm && (req_hp || lim_hp) {
        errs.push(FieldError::forbidden(
            field,
            "HugePages require cpu or memory",
        ));
    }
}

/// Liveness, readiness and startup probes of a container.
fn probes(c: &Value, grace: Option<i64>, p: &str, errs: &mut Errors) {
    for key in ["livenessProbe", "readinessProbe", "startupProbe"] {
        let Some(probe) = c.get(key).filter(|x| !x.is_null()) else {
            continue;
        };
        let pp = format!("{p}.{key}");
        handler(probe, grace, &pp, errs);
        for f in [
            "initialDelaySeconds",
            "timeoutSeconds",
            "periodSeconds",
            "successThreshold",
            "failureThreshold",
        ] {
            meta::nonnegative(int(probe, f).unwrap_or(0), &format!("{pp}.{f}"), errs);
        }
        if let Some(t) = int(probe, "terminationGracePeriodSeconds") {
            if t <= 0 {
                errs.push(FieldError::invalid(
                    format!("{pp}.terminationGracePeriodSeconds"),
                    t.to_string(),
                    "must be greater than 0",
                ));
            }
        }
        let success = int(probe, "successThreshold").unwrap_or(0);
        if key == "readinessProbe" {
            if present(probe, "terminationGracePeriodSeconds") {
                errs.push(FieldError::invalid(
                    format!("{pp}.terminationGracePeriodSeconds"),
                    value(
                        probe
                            .get("terminationGracePeriodSeconds")
                            .unwrap_or(&Value::Null),
                    ),
                    "must not be set for readinessProbes",
                ));
            }
        } else if success != 1 {
            errs.push(FieldError::invalid(
                format!("{pp}.successThreshold"),
                success.to_string(),
                "must be 1",
            ));
        }
    }
}

/// `validateLifecycle`.
fn lifecycle(l: &Value, grace: Option<i64>, p: &str, errs: &mut Errors) {
    for key in ["postStart", "preStop"] {
        if let Some(h) = l.get(key).filter(|x| !x.is_null()) {
            handler(h, grace, &format!("{p}.{key}"), errs);
        }
    }
}

/// `validateHandler`: exactly one handler type, each well formed.
fn handler(h: &Value, grace: Option<i64>, p: &str, errs: &mut Errors) {
    let mut n = 0;
    for key in ["exec", "httpGet", "tcpSocket", "grpc", "sleep"] {
        let Some(x) = h.get(key).filter(|x| !x.is_null()) else {
            continue;
        };
        if n > 0 {
            errs.push(FieldError::forbidden(
                format!("{p}.{key}"),
                "may not specify more than 1 handler type",
            ));
            continue;
        }
        n += 1;
        let hp = format!("{p}.{key}");
        match key {
            "exec" => {
                if arr(x, "command").is_empty() {
                    errs.push(FieldError::required(format!("{hp}.command"), ""));
                }
            }
            "httpGet" => {
                if s(x, "path").is_empty() {
                    errs.push(FieldError::required(format!("{hp}.path"), ""));
                }
                port_num_or_name(x.get("port"), &format!("{hp}.port"), errs);
                let scheme = s(x, "scheme");
                if scheme != "HTTP" && scheme != "HTTPS" {
                    errs.push(FieldError::not_supported(
                        format!("{hp}.scheme"),
                        quote(scheme),
                        &["HTTP", "HTTPS"],
                    ));
                }
                for hd in arr(x, "httpHeaders") {
                    let name = s(hd, "name");
                    for m in names::http_header_name(name) {
                        errs.push(FieldError::invalid(
                            format!("{hp}.httpHeaders"),
                            quote(name),
                            m,
                        ));
                    }
                }
            }
            "tcpSocket" => port_num_or_name(x.get("port"), &format!("{hp}.port"), errs),
            "grpc" => {
                let port = int(x, "port").unwrap_or(0);
                for m in names::port_num(port) {
                    errs.push(FieldError::invalid(
                        format!("{hp}.port"),
                        port.to_string(),
                        m,
                    ));
                }
            }
            _ => {
                let secs = int(x, "seconds").unwrap_or(0);
                if let Some(g) = grace {
                    if secs < 0 || secs > g {
                        errs.push(FieldError::invalid(
                            format!("{hp}.seconds"),
                            secs.to_string(),
                            format!("must be non-negative and less than terminationGracePeriodSeconds ({g})"),
                        ));
                    }
                }
            }
        }
    }
    if n == 0 {
        errs.push(FieldError::required(p, "must specify a handler type"));
    }
}

/// `ValidatePortNumOrName`.
pub(super) fn port_num_or_name(port: Option<&Value>, p: &str, errs: &mut Errors) {
    match port {
        Some(Value::String(name)) => {
            for m in names::port_name(name) {
                errs.push(FieldError::invalid(p, quote(name), m));
            }
        }
        other => {
            let n = other.and_then(Value::as_i64).unwrap_or(0);
            for m in names::port_num(n) {
                errs.push(FieldError::invalid(p, n.to_string(), m));
            }
        }
    }
}

/// `validateTaintEffect`.
pub(super) fn taint_effect(effect: &str, allow_empty: bool, p: &str, errs: &mut Errors) {
    if !allow_empty && effect.is_empty() {
        errs.push(FieldError::required(p, ""));
        return;
    }
    if !["NoSchedule", "PreferNoSchedule", "NoExecute"].contains(&effect) {
        errs.push(FieldError::not_supported(
            p,
            quote(effect),
            &["NoSchedule", "PreferNoSchedule", "NoExecute"],
        ));
    }
}

/// `ValidateTolerations`.
pub fn tolerations(list: &[Value], field: &str, errs: &mut Errors) {
    for (i, t) in list.iter().enumerate() {
        let p = format!("{field}[{i}]");
        let key = s(t, "key");
        if !key.is_empty() {
            meta::label_name(key, &format!("{p}.key"), errs);
        }
        let op = s(t, "operator");
        if key.is_empty() && op != "Exists" {
            errs.push(FieldError::invalid(
                format!("{p}.operator"),
                quote(op),
                "operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
            ));
        }
        let effect = s(t, "effect");
        if present(t, "tolerationSeconds") && effect != "NoExecute" {
            errs.push(FieldError::invalid(
                format!("{p}.effect"),
                quote(effect),
                "effect must be 'NoExecute' when `tolerationSeconds` is set",
            ));
        }
        let v = s(t, "value");
        match op {
            "Equal" | "" => {
                let msgs = names::label_value(v);
                if !msgs.is_empty() {
                    errs.push(FieldError::invalid(
                        format!("{p}.operator"),
                        quote(v),
                        msgs.join(";"),
                    ));
                }
            }
            "Exists" => {
                if !v.is_empty() {
                    errs.push(FieldError::invalid(
                        format!("{p}.operator"),
                        quote(v),
                        "value must be empty when `operator` is 'Exists'",
                    ));
                }
            }
            // TaintTolerationComparisonOperators is alpha (off): Lt and Gt are listed, refused.
            "Lt" | "Gt" => errs.push(FieldError::not_supported(
                format!("{p}.operator"),
                quote(op),
                &["Equal", "Exists", "Lt", "Gt"],
            )),
            _ => errs.push(FieldError::not_supported(
                format!("{p}.operator"),
                quote(op),
                &["Equal", "Exists"],
            )),
        }
        if !effect.is_empty() {
            taint_effect(effect, true, &format!("{p}.effect"), errs);
        }
    }
}

/// `validateAffinity`.
fn affinity(a: Option<&Value>, field: &str, errs: &mut Errors) {
    let Some(a) = a.filter(|v| !v.is_null()) else {
        return;
    };
    if let Some(na) = a.get("nodeAffinity").filter(|v| !v.is_null()) {
        let p = format!("{field}.nodeAffinity");
        if let Some(req) = na
            .get("requiredDuringSchedulingIgnoredDuringExecution")
            .filter(|v| !v.is_null())
        {
            node_selector(
                req,
                &format!("{p}.requiredDuringSchedulingIgnoredDuringExecution"),
                errs,
            );
        }
        for (i, t) in arr(na, "preferredDuringSchedulingIgnoredDuringExecution")
            .iter()
            .enumerate()
        {
            let tp = format!("{p}.preferredDuringSchedulingIgnoredDuringExecution[{i}]");
            weight(t, &tp, errs);
            node_selector_term(
                t.get("preference").unwrap_or(&Value::Null),
                &format!("{tp}.preference"),
                errs,
            );
        }
    }
    for key in ["podAffinity", "podAntiAffinity"] {
        let Some(pa) = a.get(key).filter(|v| !v.is_null()) else {
            continue;
        };
        let p = format!("{field}.{key}");
        for (i, t) in arr(pa, "requiredDuringSchedulingIgnoredDuringExecution")
            .iter()
            .enumerate()
        {
            pod_affinity_term(
                t,
                &format!("{p}.requiredDuringSchedulingIgnoredDuringExecution[{i}]"),
                errs,
            );
        }
        for (i, t) in arr(pa, "preferredDuringSchedulingIgnoredDuringExecution")
            .iter()
            .enumerate()
        {
            let tp = format!("{p}.preferredDuringSchedulingIgnoredDuringExecution[{i}]");
            weight(t, &tp, errs);
            pod_affinity_term(
                t.get("podAffinityTerm").unwrap_or(&Value::Null),
                &format!("{tp}.podAffinityTerm"),
                errs,
            );
        }
    }
}

fn weight(t: &Value, p: &str, errs: &mut Errors) {
    let w = int(t, "weight").unwrap_or(0);
    if !(1..=100).contains(&w) {
        errs.push(FieldError::invalid(
            format!("{p}.weight"),
            w.to_string(),
            "must be in the range 1-100",
        ));
    }
}

/// `ValidateNodeSelector`.
pub(super) fn node_selector(ns: &Value, p: &str, errs: &mut Errors) {
    let terms = arr(ns, "nodeSelectorTerms");
    let tp = format!("{p}.nodeSelectorTerms");
    if terms.is_empty() {
        errs.push(FieldError::required(
            tp,
            "must have at least one node selector term",
        ));
        return;
    }
    for (i, t) in terms.iter().enumerate() {
        node_selector_term(t, &format!("{tp}[{i}]"), errs);
    }
}

/// `ValidateNodeSelectorTerm`.
fn node_selector_term(t: &Value, p: &str, errs: &mut Errors) {
    for (j, rq) in arr(t, "matchExpressions").iter().enumerate() {
        let rp = format!("{p}.matchExpressions[{j}]");
        let values = arr(rq, "values");
        let op = s(rq, "operator");
        match op {
            "In" | "NotIn" if values.is_empty() => errs.push(FieldError::required(
                format!("{rp}.values"),
                "must be specified when `operator` is 'In' or 'NotIn'",
            )),
            "Exists" | "DoesNotExist" if !values.is_empty() => errs.push(FieldError::forbidden(
                format!("{rp}.values"),
                "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            )),
            "Gt" | "Lt" if values.len() != 1 => errs.push(FieldError::required(
                format!("{rp}.values"),
                "must be specified single value when `operator` is 'Lt' or 'Gt'",
            )),
            "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt" => {}
            _ => errs.push(FieldError::invalid(
                format!("{rp}.operator"),
                quote(op),
                "not a valid selector operator",
            )),
        }
        meta::label_name(s(rq, "key"), &format!("{rp}.key"), errs);
        for (k, v) in values.iter().enumerate() {
            let v = v.as_str().unwrap_or("");
            for m in names::label_value(v) {
                errs.push(FieldError::invalid(
                    format!("{rp}.values[{k}]"),
                    quote(v),
                    m,
                ));
            }
        }
    }
    for (j, rq) in arr(t, "matchFields").iter().enumerate() {
        let rp = format!("{p}.matchFields[{j}]");
        let op = s(rq, "operator");
        if op == "In" || op == "NotIn" {
            if arr(rq, "values").len() != 1 {
                errs.push(FieldError::required(
                    format!("{rp}.values"),
                    "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
                ));
            }
        } else {
            errs.push(FieldError::invalid(
                format!("{rp}.operator"),
                quote(op),
                "not a valid selector operator",
            ));
        }
        let key = s(rq, "key");
        if key != "metadata.name" {
            errs.push(FieldError::invalid(
                format!("{rp}.key"),
                quote(key),
                "not a valid field selector key",
            ));
        } else {
            for (k, v) in arr(rq, "values").iter().enumerate() {
                let v = v.as_str().unwrap_or("");
                for m in names::dns1123_subdomain(v) {
                    errs.push(FieldError::invalid(
                        format!("{rp}.values[{k}]"),
                        quote(v),
                        m,
                    ));
                }
            }
        }
    }
}

/// `validatePodAffinityTerm`.
fn pod_affinity_term(t: &Value, p: &str, errs: &mut Errors) {
    meta::label_selector(t.get("labelSelector"), &format!("{p}.labelSelector"), errs);
    meta::label_selector(
        t.get("namespaceSelector"),
        &format!("{p}.namespaceSelector"),
        errs,
    );
    for n in arr(t, "namespaces") {
        let n = n.as_str().unwrap_or("");
        for m in names::dns1123_label(n) {
            errs.push(FieldError::invalid(format!("{p}.namespace"), quote(n), m));
        }
    }
    let key = s(t, "topologyKey");
    if key.is_empty() {
        errs.push(FieldError::required(
            format!("{p}.topologyKey"),
            "can not be empty",
        ));
    }
    meta::label_name(key, &format!("{p}.topologyKey"), errs);
}

/// `validateTopologySpreadConstraints`.
fn topology_spread(list: &[Value], field: &str, errs: &mut Errors) {
    for (i, c) in list.iter().enumerate() {
        let p = format!("{field}[{i}]");
        let skew = int(c, "maxSkew").unwrap_or(0);
        if skew <= 0 {
            errs.push(FieldError::invalid(
                format!("{p}.maxSkew"),
                skew.to_string(),
                "must be greater than zero",
            ));
        }
        let key = s(c, "topologyKey");
        if key.is_empty() {
            errs.push(FieldError::required(
                format!("{p}.topologyKey"),
                "can not be empty",
            ));
        }
        let action = s(c, "whenUnsatisfiable");
        if action != "DoNotSchedule" && action != "ScheduleAnyway" {
            errs.push(FieldError::not_supported(
                format!("{p}.whenUnsatisfiable"),
                quote(action),
                &["DoNotSchedule", "ScheduleAnyway"],
            ));
        }
        if list[i + 1..]
            .iter()
            .any(|o| s(o, "topologyKey") == key && s(o, "whenUnsatisfiable") == action)
        {
            errs.push(FieldError::duplicate(
                format!("{p}.{{topologyKey, whenUnsatisfiable}}"),
                quote(&format!("{{{key}, {action}}}")),
            ));
        }
        if let Some(md) = int(c, "minDomains") {
            if md <= 0 {
                errs.push(FieldError::invalid(
                    format!("{p}.minDomains"),
                    md.to_string(),
                    "must be greater than zero",
                ));
            }
            if action != "DoNotSchedule" {
                errs.push(FieldError::invalid(
                    format!("{p}.minDomains"),
                    md.to_string(),
                    format!(
                        "can only use minDomains if whenUnsatisfiable=DoNotSchedule, not {action}"
                    ),
                ));
            }
        }
        for key in ["nodeAffinityPolicy", "nodeTaintsPolicy"] {
            if let Some(v) = c.get(key).and_then(Value::as_str) {
                if v != "Ignore" && v != "Honor" {
                    errs.push(FieldError::not_supported(
                        format!("{p}.{key}"),
                        quote(v),
                        &["Honor", "Ignore"],
                    ));
                }
            }
        }
        meta::label_selector(c.get("labelSelector"), &format!("{p}.labelSelector"), errs);
    }
}

/// `ValidatePodUpdate`: only images, `activeDeadlineSeconds`, added tolerations, removed
/// scheduling gates (and a negative grace period set to 1) may change.
pub fn pod_update(new: &Value, old: &Value, errs: &mut Errors) {
    meta::object_meta_update(new, old, errs);
    metadata_and_spec(new, errs);
    let ns = new.get("spec").unwrap_or(&Value::Null);
    let os = old.get("spec").unwrap_or(&Value::Null);
    for list in ["containers", "initContainers"] {
        let (nc, oc) = (arr(ns, list), arr(os, list));
        if nc.len() != oc.len() {
            errs.push(FieldError::forbidden(
                format!("spec.{list}"),
                "pod updates may not add or remove containers",
            ));
            return;
        }
    }
    if let Some(d) = int(ns, "activeDeadlineSeconds") {
        if !(0..=MAX_INT32).contains(&d) {
            errs.push(FieldError::invalid(
                "spec.activeDeadlineSeconds",
                d.to_string(),
                names::inclusive_range_error(0, MAX_INT32),
            ));
            return;
        }
        if int(os, "activeDeadlineSeconds").is_some_and(|o| o < d) {
            errs.push(FieldError::invalid(
                "spec.activeDeadlineSeconds",
                d.to_string(),
                "must be less than or equal to previous value",
            ));
            return;
        }
    } else if present(os, "activeDeadlineSeconds") {
        errs.push(FieldError::invalid(
            "spec.activeDeadlineSeconds",
            "null",
            "must not update from a positive integer to nil value",
        ));
    }
    let new_tols = arr(ns, "tolerations");
    let kept = arr(os, "tolerations").iter().all(|o| {
        new_tols.iter().any(|n| {
            let strip = |t: &Value| {
                let mut t = t.clone();
                if let Some(m) = t.as_object_mut() {
                    m.shift_remove("tolerationSeconds");
                }
                t
            };
            strip(o) == strip(n)
        })
    });
    if !kept {
        errs.push(FieldError::forbidden(
            "spec.tolerations",
            "existing toleration can not be modified except its tolerationSeconds",
        ));
    }
    if munged(ns, os) != munged(os, os) {
        errs.push(FieldError::forbidden(
            "spec",
            format!(
                "pod updates may not change fields other than {}",
                [
                    "`spec.containers[*].image`",
                    "`spec.initContainers[*].image`",
                    "`spec.activeDeadlineSeconds`",
                    "`spec.tolerations` (only additions to existing tolerations)",
                    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
                ]
                .join(",")
            ),
        ));
    }
}

/// The spec with the fields an update may change taken from `old`.
fn munged(spec: &Value, old: &Value) -> Value {
    let mut spec = spec.clone();
    if let Some(m) = spec.as_object_mut() {
        for f in ["activeDeadlineSeconds", "tolerations", "schedulingGates"] {
            match old.get(f) {
                Some(v) => {
                    m.insert(f, v.clone());
                }
                None => {
                    m.shift_remove(f);
                }
            }
        }
        let old_grace = int(old, "terminationGracePeriodSeconds");
        if old_grace.is_some_and(|g| g < 0)
            && int(&Value::Object(m.clone()), "terminationGracePeriodSeconds") == Some(1)
        {
            if let Some(g) = old.get("terminationGracePeriodSeconds") {
                m.insert("terminationGracePeriodSeconds", g.clone());
            }
        }
        for list in ["containers", "initContainers"] {
            let old_list = arr(old, list);
            if let Some(cs) = m.get_mut(list).and_then(Value::as_array_mut) {
                for (i, c) in cs.iter_mut().enumerate() {
                    let img = old_list.get(i).and_then(|o| o.get("image")).cloned();
                    if let Some(cm) = c.as_object_mut() {
                        match img {
                            Some(v) => {
                                cm.insert("image", v);
                            }
                            None => {
                                cm.shift_remove("image");
                            }
                        }
                    }
                }
            }
        }
    }
    spec
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn errs_of(pod: Value) -> Vec<String> {
        let mut errs = Vec::new();
        pod_create(&pod, &mut errs);
        errs.iter().map(ToString::to_string).collect()
    }

    fn pod(spec: Value) -> Value {
        let mut spec = spec;
        for (k, v) in [
            ("restartPolicy", json!("Always")),
            ("dnsPolicy", json!("ClusterFirst")),
            ("terminationGracePeriodSeconds", json!(30)),
        ] {
            if spec.get(k).is_none() {
                spec[k] = v;
            }
        }
        json!({"metadata": {"name": "p", "namespace": "default"}, "spec": spec})
    }

    fn c(extra: Value) -> Value {
        let mut c = json!({"name": "a", "image": "x", "imagePullPolicy": "IfNotPresent", "terminationMessagePolicy": "File"});
        if let (Some(m), Some(e)) = (c.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                m.insert(k.as_str(), v.clone());
            }
        }
        c
    }

    #[test]
    fn a_valid_pod_has_no_errors() {
        assert_eq!(
            errs_of(pod(json!({"containers": [c(json!({}))]}))),
            Vec::<String>::new()
        );
    }

    // Messages from validation_test.go TestValidatePodSpec / TestValidateTolerations /
    // TestValidateProbe / TestValidateResourceRequirements.
    #[test]
    fn upstream_messages() {
        let cases: Vec<(Value, &str)> = vec![
            (pod(json!({"containers": []})), "spec.containers: Required value"),
            (pod(json!({"containers": [c(json!({})), c(json!({}))]})), "spec.containers[1].name: Duplicate value: \"a\""),
            (pod(json!({"containers": [c(json!({"ports": [{"containerPort": 70000, "protocol": "TCP"}]}))]})), "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive"),
            (pod(json!({"containers": [c(json!({"ports": [{"containerPort": 80, "protocol": "HTTP"}]}))]})), "spec.containers[0].ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\""),
            (pod(json!({"containers": [c(json!({"livenessProbe": {"exec": {"command": ["x"]}, "periodSeconds": -1, "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3}}))]})), "spec.containers[0].livenessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0"),
            (pod(json!({"containers": [c(json!({"livenessProbe": {"exec": {"command": ["x"]}, "periodSeconds": 10, "timeoutSeconds": 1, "successThreshold": 2, "failureThreshold": 3}}))]})), "spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"),
            (pod(json!({"containers": [c(json!({"readinessProbe": {"periodSeconds": 10, "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3}}))]})), "spec.containers[0].readinessProbe: Required value: must specify a handler type"),
            (pod(json!({"containers": [c(json!({"resources": {"requests": {"cpu": "2"}, "limits": {"cpu": "1"}}}))]})), "spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1"),
            (pod(json!({"containers": [c(json!({"resources": {"requests": {"cpu": "-1"}}}))]})), "spec.containers[0].resources.requests[cpu]: Invalid value: \"-1\": must be greater than or equal to 0"),
            (pod(json!({"containers": [c(json!({"resources": {"limits": {"example.com/gpu": "500m"}, "requests": {"example.com/gpu": "500m"}}}))]})), "spec.containers[0].resources.limits[example.com/gpu]: Invalid value: \"500m\": must be an integer"),
            (pod(json!({"containers": [c(json!({"resources": {"requests": {"pods": "1"}}}))]})), "spec.containers[0].resources.requests[pods]: Invalid value: \"pods\": must be a standard resource for containers"),
            (pod(json!({"containers": [c(json!({}))], "tolerations": [{"key": "k", "operator": "Foo"}]})), "spec.tolerations[0].operator: Unsupported value: \"Foo\": supported values: \"Equal\", \"Exists\""),
            (pod(json!({"containers": [c(json!({}))], "tolerations": [{"operator": "Equal", "value": "v"}]})), "spec.tolerations[0].operator: Invalid value: \"Equal\": operator must be Exists when `key` is empty, which means \"match all values and all keys\""),
            (pod(json!({"containers": [c(json!({}))], "tolerations": [{"key": "k", "operator": "Exists", "effect": "NoSchedule", "tolerationSeconds": 5}]})), "spec.tolerations[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set"),
            (pod(json!({"containers": [c(json!({}))], "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": []}}}})), "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term"),
            (pod(json!({"containers": [c(json!({}))], "restartPolicy": "Sometimes"})), "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\""),
            (pod(json!({"containers": [c(json!({"volumeMounts": [{"name": "data", "mountPath": "/d"}]}))]})), "spec.containers[0].volumeMounts[0].name: Not found: \"data\""),
            (pod(json!({"containers": [c(json!({}))], "activeDeadlineSeconds": 0})), "spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive"),
            (pod(json!({"containers": [c(json!({}))], "topologySpreadConstraints": [{"maxSkew": 0, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule"}]})), "spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero"),
            (pod(json!({"initContainers": [c(json!({"name": "i", "livenessProbe": {"exec": {"command": ["x"]}}}))], "containers": [c(json!({}))]})), "spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always"),
        ];
        for (p, want) in cases {
            let got = errs_of(p);
            assert!(got.iter().any(|g| g == want), "want {want:?}\ngot {got:?}");
        }
    }

    #[test]
    fn updates_may_change_images_and_add_tolerations() {
        let old = pod(
            json!({"containers": [c(json!({}))], "tolerations": [{"key": "k", "operator": "Exists"}]}),
        );
        let mut new = old.clone();
        new["spec"]["containers"][0]["image"] = json!("y");
        new["spec"]["tolerations"] =
            json!([{"key": "k", "operator": "Exists"}, {"key": "j", "operator": "Exists"}]);
        let mut errs = Vec::new();
        pod_update(&new, &old, &mut errs);
        assert!(errs.is_empty(), "{errs:?}");
        new["spec"]["containers"][0]["command"] = json!(["sh"]);
        new["spec"]["tolerations"] = json!([]);
        pod_update(&new, &old, &mut errs);
        let got: Vec<String> = errs.iter().map(ToString::to_string).collect();
        assert_eq!(got[0], "spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds");
        assert!(got[1].starts_with("spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`"));
    }
}
