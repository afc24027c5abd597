//! StorageClasses (pkg/apis/storage/validation/validation.go `ValidateStorageClass`,
//! `ValidateStorageClassUpdate`) and the RBAC kinds (pkg/apis/rbac/validation/validation.go
//! `ValidateRole`, `ValidateClusterRole`, `ValidateRoleBinding`, `ValidateClusterRoleBinding`,
//! `ValidatePolicyRule`, `ValidateRoleBindingSubject`, their updates).
use super::meta::{self, s};
use super::names::{self, NameFormat};
use super::render::{json, quote};
use super::Errors;
use crate::api::Value;
use crate::server::status::FieldError;

/// `maxProvisionerParameterSize`: 256 KiB of StorageClass parameters.
const MAX_PROVISIONER_PARAMETER_SIZE: usize = 256 * 1024;
/// `maxProvisionerParameterLen`: at most 512 parameters.
const MAX_PROVISIONER_PARAMETER_LEN: usize = 512;

/// `ValidateStorageClass`.
pub fn storage_class(obj: &Value, errs: &mut Errors) {
    meta::object_meta(obj, false, NameFormat::Dns1123Subdomain, errs);
    let prov = s(obj, "provisioner");
    if prov.is_empty() {
        errs.push(FieldError::required("provisioner", ""));
    } else {
        let lower = prov.to_lowercase();
        for m in names::qualified_name(&lower) {
            errs.push(FieldError::invalid("provisioner", quote(&lower), m));
        }
    }
    if let Some(params) = obj.get("parameters").and_then(Value::as_object) {
        if params.len() > MAX_PROVISIONER_PARAMETER_LEN {
            errs.push(FieldError::too_long(
                "parameters",
                MAX_PROVISIONER_PARAMETER_LEN,
            ));
        } else {
            let mut total = 0usize;
            for (k, v) in params {
                if k.is_empty() {
                    errs.push(FieldError::invalid(
                        "parameters",
                        quote(k),
                        "field can not be empty.",
                    ));
                }
                total = total
                    .saturating_add(k.len())
                    .saturating_add(v.as_str().map_or(0, str::len));
            }
            if total > MAX_PROVISIONER_PARAMETER_SIZE {
                errs.push(FieldError::too_long(
                    "parameters",
                    MAX_PROVISIONER_PARAMETER_SIZE,
                ));
            }
        }
    }
    if let Some(p) = obj.get("reclaimPolicy").and_then(Value::as_str) {
        if !p.is_empty() && p != "Delete" && p != "Retain" {
            errs.push(FieldError::not_supported(
                "reclaimPolicy",
                quote(p),
                &["Delete", "Retain"],
            ));
        }
    }
    match obj.get("volumeBindingMode").and_then(Value::as_str) {
        None => errs.push(FieldError::required("volumeBindingMode", "")),
        Some("Immediate" | "WaitForFirstConsumer") => {}
        Some(m) => errs.push(FieldError::not_supported(
            "volumeBindingMode",
            quote(m),
            &["Immediate", "WaitForFirstConsumer"],
        )),
    }
}

/// `ValidateStorageClassUpdate`.
pub fn storage_class_update(old: &Value, new: &Value, errs: &mut Errors) {
    meta::object_meta_update(new, old, errs);
    for key in ["parameters", "provisioner", "reclaimPolicy"] {
        let empty = |v: Option<&Value>| {
            v.is_none_or(|v| v.is_null() || v.as_object().is_some_and(|m| m.is_empty()))
        };
        let (o, n) = (old.get(key), new.get(key));
        if o != n && !(empty(o) && empty(n)) {
            errs.push(FieldError::forbidden(
                key,
                format!("updates to {key} are forbidden."),
            ));
        }
    }
    if old.get("volumeBindingMode") != new.get("volumeBindingMode") {
        errs.push(FieldError::invalid(
            "volumeBindingMode",
            json(new.get("volumeBindingMode").unwrap_or(&Value::Null)),
            "field is immutable",
        ));
    }
}

const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

/// `ValidateRole` / `ValidateClusterRole`.
pub fn role(obj: &Value, namespaced: bool, errs: &mut Errors) {
    meta::object_meta(obj, namespaced, NameFormat::PathSegment, errs);
    for (i, rule) in obj
        .get("rules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        policy_rule(rule, namespaced, &format!("rules[{i}]"), errs);
    }
    if !namespaced {
        if let Some(agg) = obj.get("aggregationRule").filter(|v| !v.is_null()) {
            let sels = agg
                .get("clusterRoleSelectors")
                .and_then(Value::as_array)
                .map_or(&[][..], Vec::as_slice);
            if sels.is_empty() {
                errs.push(FieldError::required(
                    "aggregationRule.clusterRoleSelectors",
                    "at least one clusterRoleSelector required if aggregationRule is non-nil",
                ));
            }
            for (i, sel) in sels.iter().enumerate() {
                meta::label_selector(
                    Some(sel),
                    &format!("aggregationRule.clusterRoleSelectors[{i}]"),
                    errs,
                );
            }
        }
    }
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|x| x.as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// `ValidatePolicyRule`.
fn policy_rule(rule: &Value, namespaced: bool, p: &str, errs: &mut Errors) {
    if strings(rule, "verbs").is_empty() {
        errs.push(FieldError::required(
            format!("{p}.verbs"),
            "verbs must contain at least one value",
        ));
    }
    let urls = strings(rule, "nonResourceURLs");
    if !urls.is_empty() {
        let shown = json(rule.get("nonResourceURLs").unwrap_or(&Value::Null));
        if namespaced {
            errs.push(FieldError::invalid(
                format!("{p}.nonResourceURLs"),
                shown.clone(),
                "namespaced rules cannot apply to non-resource URLs",
            ));
        }
        if !strings(rule, "apiGroups").is_empty()
            || !strings(rule, "resources").is_empty()
            || !strings(rule, "resourceNames").is_empty()
        {
            errs.push(FieldError::invalid(
                format!("{p}.nonResourceURLs"),
                shown,
                "rules cannot apply to both regular resources and non-resource URLs",
            ));
        }
        return;
    }
    if rule
        .get("apiGroups")
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty)
    {
        errs.push(FieldError::required(
            format!("{p}.apiGroups"),
            "resource rules must supply at least one api group",
        ));
    }
    if strings(rule, "resources").is_empty() {
        errs.push(FieldError::required(
            format!("{p}.resources"),
            "resource rules must supply at least one resource",
        ));
    }
}

/// `ValidateRoleBinding` / `ValidateClusterRoleBinding`.
pub fn role_binding(obj: &Value, namespaced: bool, errs: &mut Errors) {
    meta::object_meta(obj, namespaced, NameFormat::PathSegment, errs);
    let r = obj.get("roleRef").unwrap_or(&Value::Null);
    let group = s(r, "apiGroup");
    if group != RBAC_GROUP {
        errs.push(FieldError::not_supported(
            "roleRef.apiGroup",
            quote(group),
            &[RBAC_GROUP],
        ));
    }
    let kind = s(r, "kind");
    if namespaced {
        if kind != "Role" && kind != "ClusterRole" {
            errs.push(FieldError::not_supported(
                "roleRef.kind",
                quote(kind),
                &["Role", "ClusterRole"],
            ));
        }
    } else if kind != "ClusterRole" {
        errs.push(FieldError::not_supported(
            "roleRef.kind",
            quote(kind),
            &["ClusterRole"],
        ));
    }
    let name = s(r, "name");
    if name.is_empty() {
        errs.push(FieldError::required("roleRef.name", ""));
    } else {
        for m in names::path_segment_name(name) {
            errs.push(FieldError::invalid("roleRef.name", quote(name), m));
        }
    }
    for (i, sub) in obj
        .get("subjects")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        subject(sub, namespaced, &format!("subjects[{i}]"), errs);
    }
}

/// `ValidateRoleBindingSubject`.
fn subject(sub: &Value, namespaced: bool, p: &str, errs: &mut Errors) {
    let name = s(sub, "name");
    if name.is_empty() {
        errs.push(FieldError::required(format!("{p}.name"), ""));
    }
    let group = s(sub, "apiGroup");
    match s(sub, "kind") {
        "ServiceAccount" => {
            if !name.is_empty() {
                for m in names::dns1123_subdomain(name) {
                    errs.push(FieldError::invalid(format!("{p}.name"), quote(name), m));
                }
            }
            if !group.is_empty() {
                errs.push(FieldError::not_supported(
                    format!("{p}.apiGroup"),
                    quote(group),
                    &[""],
                ));
            }
            if !namespaced && s(sub, "namespace").is_empty() {
                errs.push(FieldError::required(format!("{p}.namespace"), ""));
            }
        }
        "User" | "Group" => {
            if group != RBAC_GROUP {
                errs.push(FieldError::not_supported(
                    format!("{p}.apiGroup"),
                    quote(group),
                    &[RBAC_GROUP],
                ));
            }
        }
        other => errs.push(FieldError::not_supported(
            format!("{p}.kind"),
            quote(other),
            &["ServiceAccount", "User", "Group"],
        )),
    }
}

/// `ValidateRoleBindingUpdate`: the role a binding refers to never changes.
pub fn role_binding_update(old: &Value, new: &Value, errs: &mut Errors) {
    meta::object_meta_update(new, old, errs);
    if old.get("roleRef") != new.get("roleRef") {
        let r = new.get("roleRef").unwrap_or(&Value::Null);
        errs.push(FieldError::invalid(
            "roleRef",
            format!(
                "{{\"APIGroup\":{},\"Kind\":{},\"Name\":{}}}",
                quote(s(r, "apiGroup")),
                quote(s(r, "kind")),
                quote(s(r, "name"))
            ),
            "cannot change roleRef",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn run(obj: Value, f: impl Fn(&Value, &mut Errors)) -> Vec<String> {
        let mut e = Vec::new();
        f(&obj, &mut e);
        e.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn storage_classes() {
        let sc = |extra: Value| {
            let mut v = json!({"metadata": {"name": "fast"}, "provisioner": "ebs.csi.aws.com", "reclaimPolicy": "Delete", "volumeBindingMode": "Immediate"});
            for (k, x) in extra.as_object().unwrap() {
                v[k.as_str()] = x.clone();
            }
            v
        };
        assert_eq!(run(sc(json!({})), storage_class), Vec::<String>::new());
        assert_eq!(run(sc(json!({"reclaimPolicy": "Recycle"})), storage_class), vec!["reclaimPolicy: Unsupported value: \"Recycle\": supported values: \"Delete\", \"Retain\""]);
        let mut e = Vec::new();
        storage_class_update(
            &sc(json!({})),
            &sc(json!({"parameters": {"type": "gp3"}})),
            &mut e,
        );
        assert_eq!(
            e[0].to_string(),
            "parameters: Forbidden: updates to parameters are forbidden."
        );
    }

    #[test]
    fn rbac() {
        let role_obj = json!({"metadata": {"name": "r", "namespace": "default"}, "rules": [{"verbs": [], "apiGroups": [""], "resources": ["pods"]}]});
        assert_eq!(
            run(role_obj, |o, e| role(o, true, e)),
            vec!["rules[0].verbs: Required value: verbs must contain at least one value"]
        );
        let rb = json!({"metadata": {"name": "b", "namespace": "default"}, "roleRef": {"apiGroup": RBAC_GROUP, "kind": "Thing", "name": "r"}, "subjects": [{"kind": "Robot", "name": "x"}]});
        assert_eq!(run(rb, |o, e| role_binding(o, true, e)), vec![
            "roleRef.kind: Unsupported value: \"Thing\": supported values: \"Role\", \"ClusterRole\"",
            "subjects[0].kind: Unsupported value: \"Robot\": supported values: \"ServiceAccount\", \"User\", \"Group\"",
        ]);
        let a = json!({"metadata": {"name": "b"}, "roleRef": {"apiGroup": RBAC_GROUP, "kind": "ClusterRole", "name": "view"}});
        let b = json!({"metadata": {"name": "b"}, "roleRef": {"apiGroup": RBAC_GROUP, "kind": "ClusterRole", "name": "edit"}});
        let mut e = Vec::new();
        role_binding_update(&a, &b, &mut e);
        assert_eq!(e[0].to_string(), "roleRef: Invalid value: {\"APIGroup\":\"rbac.authorization.k8s.io\",\"Kind\":\"ClusterRole\",\"Name\":\"edit\"}: cannot change roleRef");
    }
}
