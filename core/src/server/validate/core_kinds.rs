//! The core/v1 kinds other than Pod: pkg/apis/core/validation/validation.go (`validateService`,
//! `ValidateServiceUpdate`, `ValidateConfigMap`, `ValidateSecret`, their updates,
//! `ValidateNamespace`, `ValidateNode`, `ValidateResourceQuota`, `ValidateLimitRange`,
//! `ValidatePersistentVolume`, `ValidatePersistentVolumeClaim` and their updates,
//! `ValidateServiceAccount`, `ValidatePodTemplate`, `ValidateReplicationController`).
use super::meta::{self, s};
use super::names::{self, NameFormat};
use super::pod;
use super::render::{json, quote};
use super::Errors;
use crate::api::object::path;
use crate::api::quantity::Quantity;
use crate::api::Value;
use crate::server::status::FieldError;
use std::collections::{BTreeMap, BTreeSet};

/// `core.MaxSecretSize`: 1 MiB for a Secret's or a ConfigMap's data.
pub const MAX_SECRET_SIZE: usize = 1024 * 1024;

fn arr<'a>(v: &'a Value, keys: &[&str]) -> &'a [Value] {
    path(v, keys)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn map<'a>(v: &'a Value, keys: &[&str]) -> Vec<(&'a str, &'a Value)> {
    path(v, keys)
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.as_str(), v)).collect())
        .unwrap_or_default()
}

/// The length of a base64 text once decoded (what `[]byte` data weighs upstream).
fn decoded_len(b64: &str) -> usize {
    let n = b64.bytes().filter(|c| *c != b'\n' && *c != b'\r').count();
    let pad = b64.bytes().rev().take_while(|c| *c == b'=').count().min(2);
    (n / 4 * 3).saturating_sub(pad)
}

/// `ValidateConfigMap`.
pub fn config_map(obj: &Value, errs: &mut Errors) {
    meta::object_meta(obj, true, NameFormat::Dns1123Subdomain, errs);
    let binary: BTreeSet<&str> = map(obj, &["binaryData"]).iter().map(|(k, _)| *k).collect();
    let mut total = 0usize;
    for (k, v) in map(obj, &["data"]) {
        for m in names::config_map_key(k) {
            errs.push(FieldError::invalid(format!("data[{k}]"), quote(k), m));
        }
        if binary.contains(k) {
            errs.push(FieldError::invalid(
                format!("data[{k}]"),
                quote(k),
                "duplicate of key present in binaryData",
            ));
        }
        total = total.saturating_add(v.as_str().map_or(0, str::len));
    }
    for (k, v) in map(obj, &["binaryData"]) {
        for m in names::config_map_key(k) {
            errs.push(FieldError::invalid(format!("binaryData[{k}]"), quote(k), m));
        }
        total = total.saturating_add(v.as_str().map_or(0, decoded_len));
    }
    if total > MAX_SECRET_SIZE {
        errs.push(FieldError::too_long("[]", MAX_SECRET_SIZE));
    }
}

/// `ValidateSecret` (`stringData` is merged into `data` before validation upstream, so its
/// keys and sizes count as data).
pub fn secret(obj: &Value, errs: &mut Errors) {
    meta::object_meta(obj, true, NameFormat::Dns1123Subdomain, errs);
    let mut total = 0usize;
    let mut keys = BTreeSet::new();
    for (section, decode) in [("data", true), ("stringData", false)] {
        for (k, v) in map(obj, &[section]) {
            for m in names::config_map_key(k) {
                errs.push(FieldError::invalid(format!("data[{k}]"), quote(k), m));
            }
            keys.insert(k);
            let text = v.as_str().unwrap_or("");
            total = total.saturating_add(if decode {
                decoded_len(text)
            } else {
                text.len()
            });
        }
    }
    if total > MAX_SECRET_SIZE {
        errs.push(FieldError::too_long("data", MAX_SECRET_SIZE));
    }
    let required = |key: &str, errs: &mut Errors| {
        if !keys.contains(key) {
            errs.push(FieldError::required(format!("data[{key}]"), ""));
        }
    };
    match s(obj, "type") {
        "kubernetes.io/service-account-token" => {
            let sa = path(
                obj,
                &[
                    "metadata",
                    "annotations",
                    "kubernetes.io/service-account.name",
                ],
            )
            .and_then(Value::as_str)
            .unwrap_or("");
            if sa.is_empty() {
                errs.push(FieldError::required(
                    "metadata.annotations[kubernetes.io/service-account.name]",
                    "",
                ));
            }
        }
        "kubernetes.io/dockercfg" => required(".dockercfg", errs),
        "kubernetes.io/dockerconfigjson" => required(".dockerconfigjson", errs),
        "kubernetes.io/basic-auth" if !keys.contains("username") && !keys.contains("password") => {
            required("username", errs);
            required("password", errs);
        }
        "kubernetes.io/ssh-auth" => required("ssh-privatekey", errs),
        "kubernetes.io/tls" => {
            required("tls.crt", errs);
            required("tls.key", errs);
        }
        _ => {}
    }
}

/// `ValidateSecretUpdate` / `ValidateConfigMapUpdate`: with `immutable: true`, the data
/// (and the flag) may not change; a Secret's type never changes.
pub fn immutable_data_update(kind: &str, old: &Value, new: &Value, errs: &mut Errors) {
    meta::object_meta_update(new, old, errs);
    if kind == "Secret" && s(old, "type") != s(new, "type") {
        errs.push(FieldError::invalid(
            "type",
            quote(s(new, "type")),
            "field is immutable",
        ));
    }
    if old.get("immutable").and_then(Value::as_bool) == Some(true) {
        if new.get("immutable").and_then(Value::as_bool) != Some(true) {
            errs.push(FieldError::forbidden(
                "immutable",
                "field is immutable when `immutable` is set",
            ));
        }
        let sections: &[&str] = if kind == "Secret" {
            &["data"]
        } else {
            &["data", "binaryData"]
        };
        for key in sections {
            let empty = |v: Option<&Value>| {
                v.is_none_or(|v| v.is_null() || v.as_object().is_some_and(|m| m.is_empty()))
            };
            let (o, n) = (old.get(key), new.get(key));
            if o != n && !(empty(o) && empty(n)) {
                errs.push(FieldError::forbidden(
                    *key,
                    "field is immutable when `immutable` is set",
                ));
            }
        }
    }
}

/// `ValidateNamespace`.
pub fn namespace(obj: &Value, errs: &mut Errors) {
    meta::object_meta(obj, false, NameFormat::Dns1123Label, errs);
    for f in arr(obj, &["spec", "finalizers"]) {
        let f = f.as_str().unwrap_or("");
        for m in names::qualified_name(f) {
            errs.push(FieldError::invalid("spec.finalizers", quote(f), m));
        }
        if !f.contains('/') && f != "kubernetes" {
            errs.push(FieldError::invalid(
                "spec.finalizers",
                quote(f),
                "name is neither a standard finalizer name nor is it fully qualified",
            ));
        }
    }
}

/// `validateNodeTaints` (reported under `metadata.taints`, as upstream's path does).
fn node_taints(obj: &Value, errs: &mut Errors) {
    let mut seen: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (i, t) in arr(obj, &["spec", "taints"]).iter().enumerate() {
        let p = format!("metadata.taints[{i}]");
        let key = s(t, "key");
        meta::label_name(key, &format!("{p}.key"), errs);
        let v = s(t, "value");
        let msgs = names::label_value(v);
        if !msgs.is_empty() {
            errs.push(FieldError::invalid(
                format!("{p}.value"),
                quote(v),
                msgs.join(";"),
            ));
        }
        let effect = s(t, "effect");
        pod::taint_effect(effect, false, &format!("{p}.effect"), errs);
        let keys = seen.entry(effect.to_string()).or_default();
        if !keys.insert(key.to_string()) {
            let mut e = FieldError::duplicate(
                p,
                super::render::json_ordered(t, &["key", "value", "effect", "timeAdded"]),
            );
            e.detail = "taints must be unique by key and effect pair".into();
            errs.push(e);
        }
    }
}

/// `ValidateNode`.
pub fn node(obj: &Value, errs: &mut Errors) {
    meta::object_meta(obj, false, NameFormat::Dns1123Subdomain, errs);
    node_taints(obj, errs);
    node_resources(obj, errs);
}

fn node_resources(obj: &Value, errs: &mut Errors) {
    for section in ["capacity", "allocatable"] {
        for (k, v) in map(obj, &["status", section]) {
            if let Some((q, text)) = quantity_text(v) {
                pod::quantity_value(k, &q, &text, &format!("status.{section}.{k}"), errs);
            }
        }
    }
}

/// `ValidateNodeUpdate`.
pub fn node_update(old: &Value, new: &Value, errs: &mut Errors) {
    meta::object_meta_update(new, old, errs);
    node_resources(new, errs);
    let (oc, nc) = (
        arr(old, &["spec", "podCIDRs"]),
        arr(new, &["spec", "podCIDRs"]),
    );
    if !oc.is_empty() && oc != nc {
        errs.push(FieldError::forbidden(
            "spec.podCIDRs",
            "node updates may not change podCIDR except from \"\" to valid",
        ));
    }
    let old_pid = s(old.get("spec").unwrap_or(&Value::Null), "providerID");
    if !old_pid.is_empty() && old_pid != s(new.get("spec").unwrap_or(&Value::Null), "providerID") {
        errs.push(FieldError::forbidden(
            "spec.providerID",
            "node updates may not change providerID except from \"\" to valid",
        ));
    }
    node_taints(new, errs);
}

fn quantity_text(v: &Value) -> Option<(Quantity, String)> {
    let text = match v {
        Value::String(s) => s.to_string(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let (q, f) = Quantity::parse_with_format(&text).ok()?;
    Some((q, q.canonical(f)))
}

/// `ValidateServiceCreate` (and the checks `ValidateServiceUpdate` repeats).
pub fn service(obj: &Value, errs: &mut Errors) {
    meta::object_meta(obj, true, NameFormat::Dns1035Label, errs);
    service_spec(obj, errs);
}

fn service_spec(obj: &Value, errs: &mut Errors) {
    let spec = obj.get("spec").unwrap_or(&Value::Null);
    let ty = s(spec, "type");
    let headless = s(spec, "clusterIP") == "None";
    let ports = arr(spec, &["ports"]);
    if ports.is_empty() && !headless && ty != "ExternalName" {
        errs.push(FieldError::required("spec.ports", ""));
    }
    match ty {
        "LoadBalancer" | "NodePort" if headless => errs.push(FieldError::invalid(
            "spec.clusterIPs[0]",
            quote("None"),
            format!("may not be set to 'None' for {ty} services"),
        )),
        "ExternalName" => {
            if !arr(spec, &["clusterIPs"]).is_empty() {
                errs.push(FieldError::forbidden(
                    "spec.clusterIPs",
                    "may not be set for ExternalName services",
                ));
            }
            let cname = s(spec, "externalName").trim_end_matches('.');
            if cname.is_empty() {
                errs.push(FieldError::required("spec.externalName", ""));
            } else {
                for m in names::dns1123_subdomain(cname) {
                    errs.push(FieldError::invalid("spec.externalName", quote(cname), m));
                }
            }
        }
        _ => {}
    }
    let mut port_names = BTreeSet::new();
    for (i, p) in ports.iter().enumerate() {
        let pp = format!("spec.ports[{i}]");
        let name = s(p, "name");
        if ports.len() > 1 && name.is_empty() {
            errs.push(FieldError::required(format!("{pp}.name"), ""));
        } else if !name.is_empty() {
            for m in names::dns1123_label(name) {
                errs.push(FieldError::invalid(format!("{pp}.name"), quote(name), m));
            }
            if !port_names.insert(name) {
                errs.push(FieldError::duplicate(format!("{pp}.name"), quote(name)));
            }
        }
        let port = p.get("port").and_then(Value::as_i64).unwrap_or(0);
        for m in names::port_num(port) {
            errs.push(FieldError::invalid(
                format!("{pp}.port"),
                port.to_string(),
                m,
            ));
        }
        pod::protocol(p, &pp, errs);
        pod::port_num_or_name(p.get("targetPort"), &format!("{pp}.targetPort"), errs);
        if let Some(ap) = p.get("appProtocol").and_then(Value::as_str) {
            for m in names::qualified_name(ap) {
                errs.push(FieldError::invalid(
                    format!("{pp}.appProtocol"),
                    quote(ap),
                    m,
                ));
            }
        }
    }
    meta::labels(spec.get("selector"), "spec.selector", errs);
    match s(spec, "sessionAffinity") {
        "" => errs.push(FieldError::required("spec.sessionAffinity", "")),
        "ClientIP" | "None" => {}
        other => errs.push(FieldError::not_supported(
            "spec.sessionAffinity",
            quote(other),
            &["ClientIP", "None"],
        )),
    }
    if ty != "ExternalName" {
        let ip = s(spec, "clusterIP");
        let ips = arr(spec, &["clusterIPs"]);
        if !ip.is_empty() {
            if ips.is_empty() {
                errs.push(FieldError::required("spec.clusterIPs", ""));
            } else if ips[0].as_str() != Some(ip) {
                errs.push(FieldError::invalid(
                    "spec.clusterIPs",
                    json(&Value::from(ips.to_vec())),
                    "first value must match `clusterIP`",
                ));
            }
        } else if !ips.is_empty() {
            errs.push(FieldError::invalid(
                "spec.clusterIPs",
                json(&Value::from(ips.to_vec())),
                "must be empty when `clusterIP` is not specified",
            ));
        }
    }
    const TYPES: &[&str] = &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
    if ty.is_empty() {
        errs.push(FieldError::required("spec.type", ""));
    } else if !TYPES.contains(&ty) {
        errs.push(FieldError::not_supported("spec.type", quote(ty), TYPES));
    }
    let mut node_ports = BTreeSet::new();
    let mut port_keys = BTreeSet::new();
    for (i, p) in ports.iter().enumerate() {
        let np = p.get("nodePort").and_then(Value::as_i64).unwrap_or(0);
        if ty == "ClusterIP" && np != 0 {
            errs.push(FieldError::forbidden(
                format!("spec.ports[{i}].nodePort"),
                "may not be used when `type` is 'ClusterIP'",
            ));
        }
        if np != 0 && !node_ports.insert((s(p, "protocol").to_string(), np)) {
            errs.push(FieldError::duplicate(
                format!("spec.ports[{i}].nodePort"),
                np.to_string(),
            ));
        }
        let port = p.get("port").and_then(Value::as_i64).unwrap_or(0);
        if !port_keys.insert((s(p, "protocol").to_string(), port)) {
            // `field.Duplicate(portPath, key)` where key is an internal ServicePort.
            errs.push(FieldError::duplicate(
                format!("spec.ports[{i}]"),
                format!(
                    "{{\"Name\":\"\",\"Protocol\":{},\"AppProtocol\":null,\"Port\":{port},\"TargetPort\":0,\"NodePort\":0}}",
                    quote(s(p, "protocol"))
                ),
            ));
        }
    }
    if !arr(spec, &["loadBalancerSourceRanges"]).is_empty() && ty != "LoadBalancer" {
        errs.push(FieldError::forbidden(
            "spec.LoadBalancerSourceRanges",
            "may only be used when `type` is 'LoadBalancer'",
        ));
    }
    // validateServiceExternalTrafficPolicy.
    let externally_accessible = ty == "LoadBalancer"
        || ty == "NodePort"
        || (ty == "ClusterIP" && !arr(spec, &["externalIPs"]).is_empty());
    let etp = s(spec, "externalTrafficPolicy");
    if !externally_accessible {
        if !etp.is_empty() {
            errs.push(FieldError::invalid(
                "spec.externalTrafficPolicy",
                quote(etp),
                "may only be set for externally-accessible services",
            ));
        }
    } else if etp.is_empty() {
        errs.push(FieldError::required("spec.externalTrafficPolicy", ""));
    } else if etp != "Cluster" && etp != "Local" {
        errs.push(FieldError::not_supported(
            "spec.externalTrafficPolicy",
            quote(etp),
            &["Cluster", "Local"],
        ));
    }
    if let Some(p) = spec.get("internalTrafficPolicy").and_then(Value::as_str) {
        if p != "Cluster" && p != "Local" {
            errs.push(FieldError::not_supported(
                "spec.internalTrafficPolicy",
                quote(p),
                &["Cluster", "Local"],
            ));
        }
    }
}

/// `ValidateServiceUpdate`: an allocated cluster IP may not change.
pub fn service_update(old: &Value, new: &Value, errs: &mut Errors) {
    meta::object_meta_update(new, old, errs);
    let (os, ns) = (
        old.get("spec").unwrap_or(&Value::Null),
        new.get("spec").unwrap_or(&Value::Null),
    );
    let external = s(os, "type") == "ExternalName" || s(ns, "type") == "ExternalName";
    let headless = |sp: &Value| s(sp, "clusterIP") == "None";
    if !(external || headless(os) && headless(ns)) {
        let (oi, ni) = (arr(os, &["clusterIPs"]), arr(ns, &["clusterIPs"]));
        // An update that leaves the allocated IPs out keeps them (the strategy's
        // PrepareForUpdate copies them over), so only a different value is a change.
        if !ni.is_empty() && !oi.is_empty() && ni[0] != oi[0] {
            errs.push(FieldError::invalid(
                "spec.clusterIPs[0]",
                json(&Value::from(ni.to_vec())),
                "may not change once set",
            ));
        }
    }
    service_spec(new, errs);
}

/// `ValidateServiceAccount`.
pub fn service_account(obj: &Value, errs: &mut Errors) {
    meta::object_meta(obj, true, NameFormat::Dns1123Subdomain, errs);
}

/// `ValidatePodTemplate`.
pub fn pod_template(obj: &Value, errs: &mut Errors) {
    meta::object_meta(obj, true, NameFormat::Dns1123Subdomain, errs);
    pod::template(obj.get("template"), "template", errs);
}

/// `ValidateReplicationController` and `ValidateReplicationControllerSpec`: minReadySeconds and
/// replicas not negative, a non-empty selector map (`ValidateNonEmptySelector`), and
/// `ValidatePodTemplateSpecForRC`: a template whose labels the selector matches, a valid pod
/// template, restartPolicy Always and no activeDeadlineSeconds.
pub fn replication_controller(obj: &Value, errs: &mut Errors) {
    meta::object_meta(obj, true, NameFormat::Dns1123Subdomain, errs);
    let int = |field: &str| {
        path(obj, &["spec", field])
            .and_then(Value::as_i64)
            .unwrap_or(0)
    };
    meta::nonnegative(int("minReadySeconds"), "spec.minReadySeconds", errs);
    let selector = crate::api::object::string_map(obj, &["spec", "selector"]);
    if selector.is_empty() {
        errs.push(FieldError::required("spec.selector", ""));
    }
    meta::nonnegative(int("replicas"), "spec.replicas", errs);
    let Some(template) = path(obj, &["spec", "template"]).filter(|t| !t.is_null()) else {
        errs.push(FieldError::required("spec.template", ""));
        return;
    };
    let labels = crate::api::object::string_map(template, &["metadata", "labels"]);
    if !selector.is_empty() && !selector.iter().all(|(k, v)| labels.get(k) == Some(v)) {
        let shown = match path(template, &["metadata", "labels"]) {
            Some(v) if !v.is_null() => json(v),
            _ => "null".into(),
        };
        errs.push(FieldError::invalid(
            "spec.template.metadata.labels",
            shown,
            "`selector` does not match template `labels`",
        ));
    }
    pod::template(Some(template), "spec.template", errs);
    let policy = path(template, &["spec", "restartPolicy"])
        .and_then(Value::as_str)
        .unwrap_or("");
    if policy != "Always" {
        errs.push(FieldError::not_supported(
            "spec.template.spec.restartPolicy",
            quote(policy),
            &["Always"],
        ));
    }
    if path(template, &["spec", "activeDeadlineSeconds"]).is_some_and(|v| !v.is_null()) {
        errs.push(FieldError::forbidden(
            "spec.template.spec.activeDeadlineSeconds",
            "activeDeadlineSeconds in ReplicationController is not Supported",
        ));
    }
}

/// `IsStandardQuotaResourceName`.
fn is_standard_quota_resource(name: &str) -> bool {
    pod::is_standard_resource(name) && name != "storage"
}

/// `ValidateResourceQuota`.
pub fn resource_quota(obj: &Value, errs: &mut Errors) {
    meta::object_meta(obj, true, NameFormat::Dns1123Subdomain, errs);
    quota_hard(obj, errs);
}

fn quota_hard(obj: &Value, errs: &mut Errors) {
    for (k, v) in map(obj, &["spec", "hard"]) {
        let p = format!("spec.hard[{k}]");
        if pod::resource_name(k, &p, errs) && !k.contains('/') && !is_standard_quota_resource(k) {
            errs.push(FieldError::invalid(
                p.clone(),
                quote(k),
                "must be a standard resource for quota",
            ));
        }
        if let Some((q, text)) = quantity_text(v) {
            pod::quantity_value(k, &q, &text, &p, errs);
        }
    }
    const SCOPES: &[&str] = &[
        "BestEffort",
        "CrossNamespacePodAffinity",
        "NotBestEffort",
        "NotTerminating",
        "PriorityClass",
        "Terminating",
        "VolumeAttributesClass",
    ];
    for sc in arr(obj, &["spec", "scopes"]) {
        let sc = sc.as_str().unwrap_or("");
        if !SCOPES.contains(&sc) {
            errs.push(FieldError::not_supported("spec.scopes", quote(sc), SCOPES));
        }
    }
}

/// `ValidateResourceQuotaUpdate`: the scopes are immutable.
pub fn resource_quota_update(old: &Value, new: &Value, errs: &mut Errors) {
    meta::object_meta_update(new, old, errs);
    quota_hard(new, errs);
    let set = |v: &Value| -> BTreeSet<String> {
        arr(v, &["spec", "scopes"])
            .iter()
            .filter_map(|x| x.as_str().map(String::from))
            .collect()
    };
    if set(old) != set(new) {
        errs.push(FieldError::invalid(
            "spec.scopes",
            json(path(new, &["spec", "scopes"]).unwrap_or(&Value::Null)),
            "field is immutable",
        ));
    }
}

/// `ValidateLimitRange`.
pub fn limit_range(obj: &Value, errs: &mut Errors) {
    meta::object_meta(obj, true, NameFormat::Dns1123Subdomain, errs);
    let mut types = BTreeSet::new();
    for (i, limit) in arr(obj, &["spec", "limits"]).iter().enumerate() {
        let p = format!("spec.limits[{i}]");
        let ty = s(limit, "type");
        let before = errs.len();
        for m in names::qualified_name(ty) {
            errs.push(FieldError::invalid(format!("{p}.type"), quote(ty), m));
        }
        if errs.len() == before
            && !ty.contains('/')
            && !["Pod", "Container", "PersistentVolumeClaim"].contains(&ty)
        {
            errs.push(FieldError::invalid(
                format!("{p}.type"),
                quote(ty),
                "must be a standard limit type or fully qualified",
            ));
        }
        if !types.insert(ty) {
            errs.push(FieldError::duplicate(format!("{p}.type"), quote(ty)));
        }
        let mut sections: BTreeMap<&str, BTreeMap<String, (Quantity, String)>> = BTreeMap::new();
        let mut keys = BTreeSet::new();
        for section in [
            "max",
            "min",
            "default",
            "defaultRequest",
            "maxLimitRequestRatio",
        ] {
            if ty == "Pod" && (section == "default" || section == "defaultRequest") {
                if !map(limit, &[section]).is_empty() {
                    errs.push(FieldError::forbidden(
                        format!("{p}.{section}"),
                        "may not be specified when `type` is 'Pod'",
                    ));
                }
                continue;
            }
            for (k, v) in map(limit, &[section]) {
                let kp = format!("{p}.{section}[{k}]");
                pod::resource_name(k, &kp, errs);
                keys.insert(k.to_string());
                if let Some(q) = quantity_text(v) {
                    sections
                        .entry(section)
                        .or_default()
                        .insert(k.to_string(), q);
                }
            }
        }
        if ty == "PersistentVolumeClaim"
            && !map(limit, &["min"]).iter().any(|(k, _)| *k == "storage")
            && !map(limit, &["max"]).iter().any(|(k, _)| *k == "storage")
        {
            errs.push(FieldError::required(
                format!("{p}.limits"),
                "either minimum or maximum storage value is required, but neither was provided",
            ));
        }
        let get = |section: &str, k: &str| sections.get(section).and_then(|m| m.get(k));
        for k in &keys {
            let (min, max) = (get("min", k), get("max", k));
            let (def, defreq) = (get("default", k), get("defaultRequest", k));
            let ratio = get("maxLimitRequestRatio", k);
            let inv = |section: &str, v: &(Quantity, String), detail: String| {
                FieldError::invalid(format!("{p}.{section}[{k}]"), quote(&v.1), detail)
            };
            if let (Some(mn), Some(mx)) = (min, max) {
                if mn.0 > mx.0 {
                    errs.push(inv(
                        "min",
                        mn,
                        format!("min value {} is greater than max value {}", mn.1, mx.1),
                    ));
                }
            }
            if let (Some(dr), Some(mn)) = (defreq, min) {
                if mn.0 > dr.0 {
                    errs.push(inv(
                        "defaultRequest",
                        dr,
                        format!(
                            "min value {} is greater than default request value {}",
                            mn.1, dr.1
                        ),
                    ));
                }
            }
            if let (Some(dr), Some(mx)) = (defreq, max) {
                if dr.0 > mx.0 {
                    errs.push(inv(
                        "defaultRequest",
                        dr,
                        format!(
                            "default request value {} is greater than max value {}",
                            dr.1, mx.1
                        ),
                    ));
                }
            }
            if let (Some(dr), Some(d)) = (defreq, def) {
                if dr.0 > d.0 {
                    errs.push(inv(
                        "defaultRequest",
                        dr,
                        format!(
                            "default request value {} is greater than default limit value {}",
                            dr.1, d.1
                        ),
                    ));
                }
            }
            if let (Some(d), Some(mn)) = (def, min) {
                if mn.0 > d.0 {
                    errs.push(inv(
                        "default",
                        mn,
                        format!("min value {} is greater than default value {}", mn.1, d.1),
                    ));
                }
            }
            if let (Some(d), Some(mx)) = (def, max) {
                if d.0 > mx.0 {
                    errs.push(inv(
                        "default",
                        mx,
                        format!("default value {} is greater than max value {}", d.1, mx.1),
                    ));
                }
            }
            if let Some(r) = ratio {
                if r.0 < Quantity::from_units(1) {
                    errs.push(inv(
                        "maxLimitRequestRatio",
                        r,
                        format!("ratio {} is less than 1", r.1),
                    ));
                }
            }
        }
    }
}

const ACCESS_MODES: &[&str] = &[
    "ReadOnlyMany",
    "ReadWriteMany",
    "ReadWriteOnce",
    "ReadWriteOncePod",
];

fn access_modes(spec: &Value, field: &str, required_detail: &str, errs: &mut Errors) {
    let modes = arr(spec, &["accessModes"]);
    if modes.is_empty() {
        errs.push(FieldError::required(
            format!("{field}.accessModes"),
            required_detail,
        ));
    }
    let (mut once_pod, mut other) = (false, false);
    for m in modes {
        let m = m.as_str().unwrap_or("");
        if !ACCESS_MODES.contains(&m) {
            errs.push(FieldError::not_supported(
                format!("{field}.accessModes"),
                quote(m),
                ACCESS_MODES,
            ));
        } else if m == "ReadWriteOncePod" {
            once_pod = true;
        } else {
            other = true;
        }
    }
    if once_pod && other {
        errs.push(FieldError::forbidden(
            format!("{field}.accessModes"),
            "may not use ReadWriteOncePod with other access modes",
        ));
    }
}

fn volume_mode(spec: &Value, field: &str, errs: &mut Errors) {
    if let Some(m) = spec.get("volumeMode").and_then(Value::as_str) {
        if m != "Block" && m != "Filesystem" {
            errs.push(FieldError::not_supported(
                format!("{field}.volumeMode"),
                quote(m),
                &["Block", "Filesystem"],
            ));
        }
    }
}

/// `ValidatePersistentVolumeClaim`.
pub fn persistent_volume_claim(obj: &Value, errs: &mut Errors) {
    meta::object_meta(obj, true, NameFormat::Dns1123Subdomain, errs);
    pvc_spec(obj.get("spec").unwrap_or(&Value::Null), "spec", errs);
}

/// `ValidatePersistentVolumeClaimSpec`.
pub(super) fn pvc_spec(spec: &Value, field: &str, errs: &mut Errors) {
    access_modes(spec, field, "at least 1 access mode is required", errs);
    meta::label_selector(spec.get("selector"), &format!("{field}.selector"), errs);
    let sp = format!("{field}.resources[storage]");
    match path(spec, &["resources", "requests", "storage"]).and_then(quantity_text) {
        None => errs.push(FieldError::required(sp, "")),
        Some((q, text)) => {
            if q <= Quantity::ZERO {
                errs.push(FieldError::invalid(
                    sp,
                    quote(&text),
                    "must be greater than zero",
                ));
            }
        }
    }
    if let Some(sc) = spec.get("storageClassName").and_then(Value::as_str) {
        if !sc.is_empty() {
            for m in names::dns1123_subdomain(sc) {
                errs.push(FieldError::invalid(
                    format!("{field}.storageClassName"),
                    quote(sc),
                    m,
                ));
            }
        }
    }
    volume_mode(spec, field, errs);
}

/// `ValidatePersistentVolumeClaimUpdate`: the spec is immutable but for the storage request of
/// a bound claim (which may not shrink), a `volumeName` set once, and a storage class set once.
pub fn persistent_volume_claim_update(old: &Value, new: &Value, errs: &mut Errors) {
    meta::object_meta_update(new, old, errs);
    pvc_spec(new.get("spec").unwrap_or(&Value::Null), "spec", errs);
    let bound = path(new, &["status", "phase"]).and_then(Value::as_str) == Some("Bound")
        || path(old, &["status", "phase"]).and_then(Value::as_str) == Some("Bound");
    let mut o = old.get("spec").cloned().unwrap_or(Value::Null);
    let mut n = new.get("spec").cloned().unwrap_or(Value::Null);
    if s(&o, "volumeName").is_empty() {
        if let Some(v) = n.get("volumeName").cloned() {
            o["volumeName"] = v;
        }
    }
    if o.get("storageClassName").is_none_or(Value::is_null) {
        if let Some(v) = n.get("storageClassName").cloned() {
            o["storageClassName"] = v;
        }
    }
    if bound {
        for spec in [&mut o, &mut n] {
            if let Some(r) = spec
                .get_mut("resources")
                .and_then(|r| r.get_mut("requests"))
                .and_then(Value::as_object_mut)
            {
                r.shift_remove("storage");
            }
            if let Some(m) = spec.as_object_mut() {
                m.shift_remove("volumeAttributesClassName");
            }
        }
    }
    if o != n {
        errs.push(FieldError::forbidden(
            "spec",
            "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims",
        ));
    }
    let size = |v: &Value| {
        path(v, &["spec", "resources", "requests", "storage"])
            .and_then(quantity_text)
            .map_or(Quantity::ZERO, |q| q.0)
    };
    if size(new) < size(old) {
        let status = path(old, &["status", "capacity", "storage"])
            .and_then(quantity_text)
            .map_or(Quantity::ZERO, |q| q.0);
        if size(new) <= status {
            errs.push(FieldError::forbidden(
                "spec.resources.requests.storage",
                "field can not be less than status.capacity",
            ));
        }
    }
    if path(old, &["spec", "volumeMode"]) != path(new, &["spec", "volumeMode"]) {
        errs.push(FieldError::invalid(
            "volumeMode",
            json(path(new, &["spec", "volumeMode"]).unwrap_or(&Value::Null)),
            "field is immutable",
        ));
    }
}

/// The volume sources a PersistentVolume may use (`PersistentVolumeSource`).
const PV_SOURCES: &[&str] = &[
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "hostPath",
    "glusterfs",
    "nfs",
    "rbd",
    "iscsi",
    "cinder",
    "cephfs",
    "fc",
    "flocker",
    "flexVolume",
    "azureFile",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "portworxVolume",
    "scaleIO",
    "local",
    "storageos",
    "csi",
];

/// `ValidatePersistentVolume`.
pub fn persistent_volume(obj: &Value, errs: &mut Errors) {
    meta::object_meta(obj, false, NameFormat::Dns1123Subdomain, errs);
    let spec = obj.get("spec").unwrap_or(&Value::Null);
    access_modes(spec, "spec", "", errs);
    let cap = map(spec, &["capacity"]);
    if cap.is_empty() {
        errs.push(FieldError::required("spec.capacity", ""));
    }
    if !cap.iter().any(|(k, _)| *k == "storage") || cap.len() > 1 {
        let shown: BTreeMap<&str, String> = cap
            .iter()
            .map(|(k, v)| (*k, quantity_text(v).map_or_else(String::new, |q| q.1)))
            .collect();
        let rendered: Vec<String> = shown
            .iter()
            .map(|(k, v)| format!("{}:{}", quote(k), quote(v)))
            .collect();
        let shown = if spec.get("capacity").is_none_or(Value::is_null) {
            "null".to_string()
        } else {
            format!("{{{}}}", rendered.join(","))
        };
        errs.push(FieldError::not_supported(
            "spec.capacity",
            shown,
            &["storage"],
        ));
    }
    for (k, v) in &cap {
        if let Some((q, _)) = quantity_text(v) {
            if q.is_negative() {
                errs.push(FieldError::invalid(
                    format!("spec.capacity[{k}]"),
                    q.value().to_string(),
                    "must be a valid resource quantity",
                ));
            }
        }
    }
    let sources: Vec<&str> = PV_SOURCES
        .iter()
        .copied()
        .filter(|k| spec.get(k).is_some_and(|v| !v.is_null()))
        .collect();
    if sources.is_empty() {
        errs.push(FieldError::required("spec", "must specify a volume type"));
    }
    for extra in sources.iter().skip(1) {
        errs.push(FieldError::forbidden(
            format!("spec.{extra}"),
            "may not specify more than 1 volume type",
        ));
    }
    if let Some(p) = spec
        .get("persistentVolumeReclaimPolicy")
        .and_then(Value::as_str)
    {
        if !p.is_empty() && !["Delete", "Recycle", "Retain"].contains(&p) {
            errs.push(FieldError::not_supported(
                "spec.persistentVolumeReclaimPolicy",
                quote(p),
                &["Delete", "Recycle", "Retain"],
            ));
        }
    }
    if let Some(sc) = spec.get("storageClassName").and_then(Value::as_str) {
        if !sc.is_empty() {
            for m in names::dns1123_subdomain(sc) {
                errs.push(FieldError::invalid("spec.storageClassName", quote(sc), m));
            }
        }
    }
    volume_mode(spec, "spec", errs);
}

/// `ValidatePersistentVolumeUpdate`: the volume source and mode are immutable.
pub fn persistent_volume_update(old: &Value, new: &Value, errs: &mut Errors) {
    meta::object_meta_update(new, old, errs);
    persistent_volume(new, errs);
    let source = |v: &Value| -> Vec<(String, Value)> {
        PV_SOURCES
            .iter()
            .filter_map(|k| path(v, &["spec", k]).map(|x| (k.to_string(), x.clone())))
            .collect()
    };
    if source(old) != source(new) {
        errs.push(FieldError::forbidden(
            "spec.persistentvolumesource",
            "spec.persistentvolumesource is immutable after creation",
        ));
    }
    if path(old, &["spec", "volumeMode"]) != path(new, &["spec", "volumeMode"]) {
        errs.push(FieldError::invalid(
            "volumeMode",
            json(path(new, &["spec", "volumeMode"]).unwrap_or(&Value::Null)),
            "field is immutable",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn run(f: fn(&Value, &mut Errors), obj: Value) -> Vec<String> {
        let mut e = Vec::new();
        f(&obj, &mut e);
        e.iter().map(ToString::to_string).collect()
    }

    // From validation_test.go TestValidateConfigMap / TestValidateSecret.
    #[test]
    fn config_maps_and_secrets() {
        let cm =
            |data: Value| json!({"metadata": {"name": "c", "namespace": "default"}, "data": data});
        assert_eq!(
            run(config_map, cm(json!({"key.name": "v"}))),
            Vec::<String>::new()
        );
        assert_eq!(run(config_map, cm(json!({"a b": "v"}))), vec!["data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name' or 'KEY_NAME' or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"]);
        assert_eq!(
            run(config_map, cm(json!({"..a": "v"}))),
            vec!["data[..a]: Invalid value: \"..a\": must not start with '..'"]
        );
        assert_eq!(
            run(
                config_map,
                cm(json!({"big": "x".repeat(MAX_SECRET_SIZE + 1)}))
            ),
            vec!["[]: Too long: may not be more than 1048576 bytes"]
        );
        let sec = |ty: &str, data: Value| json!({"metadata": {"name": "s", "namespace": "default"}, "type": ty, "data": data});
        assert_eq!(
            run(secret, sec("kubernetes.io/tls", json!({"tls.crt": "YQ=="}))),
            vec!["data[tls.key]: Required value"]
        );
        assert_eq!(
            run(
                secret,
                sec(
                    "Opaque",
                    json!({"big": "QUFB".repeat(MAX_SECRET_SIZE / 3 + 1)})
                )
            ),
            vec!["data: Too long: may not be more than 1048576 bytes"]
        );
    }

    #[test]
    fn immutable_config_maps() {
        let old = json!({"metadata": {"name": "c"}, "immutable": true, "data": {"a": "1"}});
        let new = json!({"metadata": {"name": "c"}, "immutable": true, "data": {"a": "2"}});
        let mut e = Vec::new();
        immutable_data_update("ConfigMap", &old, &new, &mut e);
        assert_eq!(
            e[0].to_string(),
            "data: Forbidden: field is immutable when `immutable` is set"
        );
        let unset = json!({"metadata": {"name": "c"}, "data": {"a": "1"}});
        let mut e = Vec::new();
        immutable_data_update("ConfigMap", &old, &unset, &mut e);
        assert_eq!(
            e[0].to_string(),
            "immutable: Forbidden: field is immutable when `immutable` is set"
        );
    }

    #[test]
    fn services() {
        let svc =
            |spec: Value| json!({"metadata": {"name": "s", "namespace": "default"}, "spec": spec});
        let ok = json!({"type": "ClusterIP", "sessionAffinity": "None", "ports": [{"port": 80, "protocol": "TCP", "targetPort": 8080}]});
        assert_eq!(run(service, svc(ok.clone())), Vec::<String>::new());
        assert_eq!(
            run(
                service,
                svc(json!({"type": "ClusterIP", "sessionAffinity": "None"}))
            ),
            vec!["spec.ports: Required value"]
        );
        assert_eq!(run(service, svc(json!({"type": "Magic", "sessionAffinity": "None", "ports": [{"port": 80, "protocol": "TCP", "targetPort": 80}]}))), vec!["spec.type: Unsupported value: \"Magic\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""]);
        assert_eq!(
            run(
                service,
                svc(
                    json!({"type": "ClusterIP", "sessionAffinity": "None", "ports": [{"port": 0, "protocol": "TCP", "targetPort": 80}]})
                )
            ),
            vec!["spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive"]
        );
        let mut old = svc(ok.clone());
        old["spec"]["clusterIP"] = json!("10.96.0.10");
        old["spec"]["clusterIPs"] = json!(["10.96.0.10"]);
        let mut new = old.clone();
        new["spec"]["clusterIP"] = json!("10.96.0.11");
        new["spec"]["clusterIPs"] = json!(["10.96.0.11"]);
        let mut e = Vec::new();
        service_update(&old, &new, &mut e);
        assert_eq!(
            e[0].to_string(),
            "spec.clusterIPs[0]: Invalid value: [\"10.96.0.11\"]: may not change once set"
        );
    }

    #[test]
    fn claims_are_immutable_but_for_their_size() {
        let pvc = |size: &str, class: &str| json!({"metadata": {"name": "c", "namespace": "default"}, "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": class, "resources": {"requests": {"storage": size}}}, "status": {"phase": "Bound"}});
        assert_eq!(
            run(persistent_volume_claim, pvc("1Gi", "std")),
            Vec::<String>::new()
        );
        let mut e = Vec::new();
        persistent_volume_claim_update(&pvc("1Gi", "std"), &pvc("2Gi", "std"), &mut e);
        assert!(e.is_empty(), "{e:?}");
        persistent_volume_claim_update(&pvc("1Gi", "std"), &pvc("1Gi", "fast"), &mut e);
        assert!(e[0].to_string().starts_with(
            "spec: Forbidden: spec is immutable after creation except resources.requests"
        ));
        let bad =
            json!({"metadata": {"name": "c", "namespace": "default"}, "spec": {"accessModes": []}});
        assert_eq!(
            run(persistent_volume_claim, bad),
            vec![
                "spec.accessModes: Required value: at least 1 access mode is required",
                "spec.resources[storage]: Required value"
            ]
        );
    }
}
