//! Deployments, ReplicaSets, StatefulSets, DaemonSets and ControllerRevisions:
//! pkg/apis/apps/validation/validation.go, with the selector immutability of apps/v1 from the
//! registry strategies (pkg/registry/apps/*/strategy.go `ValidateUpdate`).
use super::meta::{self, s};
use super::names::{self, NameFormat};
use super::pod;
use super::render::{json, label_selector, quote, value};
use super::Errors;
use crate::api::object::path;
use crate::api::{Selector, Value};
use crate::server::status::FieldError;
use std::collections::BTreeMap;

fn int(v: &Value, keys: &[&str]) -> Option<i64> {
    path(v, keys).and_then(Value::as_i64)
}

/// `ValidatePositiveIntOrPercent`.
pub fn positive_int_or_percent(v: Option<&Value>, field: &str, errs: &mut Errors) {
    match v {
        Some(Value::String(s)) => {
            for m in names::percent(s) {
                errs.push(FieldError::invalid(field, quote(s), m));
            }
        }
        Some(Value::Number(n)) => {
            meta::nonnegative(n.as_i64().unwrap_or(0), field, errs);
        }
        _ => {}
    }
}

/// `getIntOrPercentValue`: a percent's number or the integer.
fn int_or_percent_value(v: Option<&Value>) -> i64 {
    match v {
        Some(Value::String(s)) => {
            if names::percent(s).is_empty() {
                s.trim_end_matches('%').parse().unwrap_or(i64::MAX)
            } else {
                // intstr.IntValue of a non-percent string: strconv.Atoi, 0 on error.
                s.parse().unwrap_or(0)
            }
        }
        Some(v) => v.as_i64().unwrap_or(0),
        None => 0,
    }
}

/// `IsNotMoreThan100Percent`.
pub fn not_more_than_100_percent(v: Option<&Value>, field: &str, errs: &mut Errors) {
    if let Some(Value::String(s)) = v {
        if names::percent(s).is_empty() && int_or_percent_value(v) > 100 {
            errs.push(FieldError::invalid(
                field,
                quote(s),
                "must not be greater than 100%",
            ));
        }
    }
}

/// The template's labels, in key order.
fn template_labels(obj: &Value) -> BTreeMap<String, String> {
    crate::api::object::string_map(obj, &["spec", "template", "metadata", "labels"])
}

/// A required, non-empty, valid selector that matches the template's labels, as
/// `ValidateDeploymentSpec` / `ValidateReplicaSetSpec` / `ValidateStatefulSetSpec` check it.
fn selector_and_template(obj: &Value, what: &str, invalid: &str, errs: &mut Errors) -> bool {
    let sel = path(obj, &["spec", "selector"]).filter(|v| !v.is_null());
    let Some(sel) = sel else {
        errs.push(FieldError::required("spec.selector", ""));
        // LabelSelectorAsSelector(nil) is labels.Nothing(): it matches no template.
        errs.push(FieldError::invalid(
            "spec.template.metadata.labels",
            template_labels_json(obj),
            "`selector` does not match template `labels`",
        ));
        return true;
    };
    meta::label_selector(Some(sel), "spec.selector", errs);
    if meta::selector_is_empty(sel) {
        errs.push(FieldError::invalid(
            "spec.selector",
            label_selector(sel),
            format!("empty selector is invalid for {what}"),
        ));
    }
    match Selector::from_label_selector(Some(sel)) {
        Err(_) => {
            errs.push(FieldError::invalid(
                "spec.selector",
                label_selector(sel),
                invalid,
            ));
            false
        }
        Ok(selector) => {
            let labels = template_labels(obj);
            if !selector.requirements.is_empty() && !selector.matches(&labels) {
                errs.push(FieldError::invalid(
                    "spec.template.metadata.labels",
                    template_labels_json(obj),
                    "`selector` does not match template `labels`",
                ));
            }
            true
        }
    }
}

fn template_labels_json(obj: &Value) -> String {
    match path(obj, &["spec", "template", "metadata", "labels"]) {
        Some(v) if !v.is_null() => json(v),
        _ => "null".into(),
    }
}

/// `ValidatePodTemplateSpecForReplicaSet`'s restart policy and deadline rules.
fn template_rules(obj: &Value, kind: &str, errs: &mut Errors) {
    let policy = path(obj, &["spec", "template", "spec", "restartPolicy"])
        .and_then(Value::as_str)
        .unwrap_or("");
    if policy != "Always" {
        errs.push(FieldError::not_supported(
            "spec.template.spec.restartPolicy",
            quote(policy),
            &["Always"],
        ));
    }
    if path(obj, &["spec", "template", "spec", "activeDeadlineSeconds"])
        .is_some_and(|v| !v.is_null())
    {
        errs.push(FieldError::forbidden(
            "spec.template.spec.activeDeadlineSeconds",
            format!("activeDeadlineSeconds in {kind} is not Supported"),
        ));
    }
}

/// `ValidateDeployment`.
pub fn deployment(obj: &Value, errs: &mut Errors) {
    meta::object_meta(obj, true, NameFormat::Dns1123Subdomain, errs);
    deployment_spec(obj, errs);
}

/// `ValidateDeploymentSpec`.
fn deployment_spec(obj: &Value, errs: &mut Errors) {
    meta::nonnegative(
        int(obj, &["spec", "replicas"]).unwrap_or(0),
        "spec.replicas",
        errs,
    );
    if selector_and_template(obj, "deployment", "invalid label selector", errs) {
        pod::template(path(obj, &["spec", "template"]), "spec.template", errs);
        template_rules(obj, "ReplicaSet", errs);
    }
    let strategy = path(obj, &["spec", "strategy"]).unwrap_or(&Value::Null);
    match s(strategy, "type") {
        "Recreate" => {
            if strategy.get("rollingUpdate").is_some_and(|v| !v.is_null()) {
                errs.push(FieldError::forbidden(
                    "spec.strategy.rollingUpdate",
                    "may not be specified when strategy `type` is 'Recreate'",
                ));
            }
        }
        "RollingUpdate" => match strategy.get("rollingUpdate").filter(|v| !v.is_null()) {
            None => errs.push(FieldError::required(
                "spec.strategy.rollingUpdate",
                "this should be defaulted and never be nil",
            )),
            Some(ru) => {
                let p = "spec.strategy.rollingUpdate";
                let (mu, ms) = (ru.get("maxUnavailable"), ru.get("maxSurge"));
                positive_int_or_percent(mu, &format!("{p}.maxUnavailable"), errs);
                positive_int_or_percent(ms, &format!("{p}.maxSurge"), errs);
                if int_or_percent_value(mu) == 0 && int_or_percent_value(ms) == 0 {
                    errs.push(FieldError::invalid(
                        format!("{p}.maxUnavailable"),
                        value(mu.unwrap_or(&Value::Null)),
                        "may not be 0 when `maxSurge` is 0",
                    ));
                }
                not_more_than_100_percent(mu, &format!("{p}.maxUnavailable"), errs);
            }
        },
        _ => errs.push(FieldError::not_supported(
            "spec.strategy",
            internal_strategy(strategy, &[]),
            &["Recreate", "RollingUpdate"],
        )),
    }
    let min_ready = int(obj, &["spec", "minReadySeconds"]).unwrap_or(0);
    meta::nonnegative(min_ready, "spec.minReadySeconds", errs);
    if let Some(h) = int(obj, &["spec", "revisionHistoryLimit"]) {
        meta::nonnegative(h, "spec.revisionHistoryLimit", errs);
    }
    if let Some(d) = int(obj, &["spec", "progressDeadlineSeconds"]) {
        meta::nonnegative(d, "spec.progressDeadlineSeconds", errs);
        if d <= min_ready {
            errs.push(FieldError::invalid(
                "spec.progressDeadlineSeconds",
                d.to_string(),
                "must be greater than minReadySeconds",
            ));
        }
    }
}

/// An update strategy as `json.Marshal` prints the internal type (Go field names, no tags):
/// `{"Type":"Foo","RollingUpdate":null}`. `extra` are the rolling update's fields before
/// `MaxUnavailable` and `MaxSurge` (a StatefulSet's `Partition`).
fn internal_strategy(strategy: &Value, extra: &[(&str, &str)]) -> String {
    let ru = match strategy.get("rollingUpdate").filter(|v| !v.is_null()) {
        None => "null".to_string(),
        Some(ru) => {
            let mut fields: Vec<String> = extra
                .iter()
                .map(|(go, key)| {
                    format!("\"{go}\":{}", json(ru.get(key).unwrap_or(&Value::from(0))))
                })
                .collect();
            for (go, key) in [
                ("MaxUnavailable", "maxUnavailable"),
                ("MaxSurge", "maxSurge"),
            ] {
                if extra.is_empty() || go == "MaxUnavailable" {
                    fields.push(format!(
                        "\"{go}\":{}",
                        json(ru.get(key).unwrap_or(&Value::from(0)))
                    ));
                }
            }
            format!("{{{}}}", fields.join(","))
        }
    };
    format!(
        "{{\"Type\":{},\"RollingUpdate\":{ru}}}",
        quote(s(strategy, "type"))
    )
}

/// `ValidateReplicaSet`.
pub fn replica_set(obj: &Value, errs: &mut Errors) {
    meta::object_meta(obj, true, NameFormat::Dns1123Subdomain, errs);
    meta::nonnegative(
        int(obj, &["spec", "replicas"]).unwrap_or(0),
        "spec.replicas",
        errs,
    );
    meta::nonnegative(
        int(obj, &["spec", "minReadySeconds"]).unwrap_or(0),
        "spec.minReadySeconds",
        errs,
    );
    // Upstream's ReplicaSet message names "deployment" (ValidateReplicaSetSpec).
    if selector_and_template(obj, "deployment", "invalid label selector", errs) {
        pod::template(path(obj, &["spec", "template"]), "spec.template", errs);
        template_rules(obj, "ReplicaSet", errs);
    }
}

/// `ValidateStatefulSet`.
pub fn stateful_set(obj: &Value, errs: &mut Errors) {
    meta::object_meta(obj, true, NameFormat::Dns1123Label, errs);
    stateful_set_spec(obj, errs);
}

/// `ValidateStatefulSetSpec`.
fn stateful_set_spec(obj: &Value, errs: &mut Errors) {
    let spec = obj.get("spec").unwrap_or(&Value::Null);
    match s(spec, "podManagementPolicy") {
        "" => errs.push(FieldError::required("spec.podManagementPolicy", "")),
        "OrderedReady" | "Parallel" => {}
        other => errs.push(FieldError::invalid(
            "spec.podManagementPolicy",
            quote(other),
            "must be 'OrderedReady' or 'Parallel'",
        )),
    }
    let strategy = spec.get("updateStrategy").unwrap_or(&Value::Null);
    let ru = strategy.get("rollingUpdate").filter(|v| !v.is_null());
    match s(strategy, "type") {
        "" => errs.push(FieldError::required("spec.updateStrategy", "")),
        "OnDelete" => {
            if let Some(ru) = ru {
                errs.push(FieldError::invalid(
                    "spec.updateStrategy.rollingUpdate",
                    json(ru),
                    "only allowed for updateStrategy 'RollingUpdate'",
                ));
            }
        }
        "RollingUpdate" => {
            if let Some(ru) = ru {
                let p = "spec.updateStrategy.rollingUpdate";
                meta::nonnegative(
                    ru.get("partition").and_then(Value::as_i64).unwrap_or(0),
                    &format!("{p}.partition"),
                    errs,
                );
                if let Some(mu) = ru.get("maxUnavailable").filter(|v| !v.is_null()) {
                    let f = format!("{p}.maxUnavailable");
                    positive_int_or_percent(Some(mu), &f, errs);
                    if int_or_percent_value(Some(mu)) == 0 {
                        errs.push(FieldError::invalid(f.clone(), value(mu), "cannot be 0"));
                    }
                    not_more_than_100_percent(Some(mu), &f, errs);
                }
            }
        }
        _ => errs.push(FieldError::invalid(
            "spec.updateStrategy",
            internal_strategy(strategy, &[("Partition", "partition")]),
            "must be 'RollingUpdate' or 'OnDelete'",
        )),
    }
    if let Some(p) = spec
        .get("persistentVolumeClaimRetentionPolicy")
        .filter(|v| !v.is_null())
    {
        for key in ["whenDeleted", "whenScaled"] {
            let v = s(p, key);
            if v != "Retain" && v != "Delete" {
                errs.push(FieldError::not_supported(
                    format!("spec.persistentVolumeClaimRetentionPolicy.{key}"),
                    quote(v),
                    &["Retain", "Delete"],
                ));
            }
        }
    }
    meta::nonnegative(int(spec, &["replicas"]).unwrap_or(0), "spec.replicas", errs);
    meta::nonnegative(
        int(spec, &["minReadySeconds"]).unwrap_or(0),
        "spec.minReadySeconds",
        errs,
    );
    if let Some(start) = int(spec, &["ordinals", "start"]) {
        meta::nonnegative(start, "spec.ordinals.start", errs);
    }
    if selector_and_template(obj, "statefulset", "", errs) {
        let t = spec.get("template").unwrap_or(&Value::Null);
        let m = t.get("metadata").unwrap_or(&Value::Null);
        // ValidatePodTemplateSpecForStatefulSet: labels and annotations only.
        meta::labels(m.get("labels"), "spec.template.labels", errs);
        meta::annotations(m.get("annotations"), "spec.template.annotations", errs);
    }
    let policy = path(spec, &["template", "spec", "restartPolicy"])
        .and_then(Value::as_str)
        .unwrap_or("");
    if policy != "Always" {
        errs.push(FieldError::not_supported(
            "spec.template.spec.restartPolicy",
            quote(policy),
            &["Always"],
        ));
    }
    if path(spec, &["template", "spec", "activeDeadlineSeconds"]).is_some_and(|v| !v.is_null()) {
        errs.push(FieldError::forbidden(
            "spec.template.spec.activeDeadlineSeconds",
            "activeDeadlineSeconds in StatefulSet is not Supported",
        ));
    }
}

/// `ValidateDaemonSet`.
pub fn daemon_set(obj: &Value, errs: &mut Errors) {
    meta::object_meta(obj, true, NameFormat::Dns1123Subdomain, errs);
    let spec = obj.get("spec").unwrap_or(&Value::Null);
    let sel = spec.get("selector").filter(|v| !v.is_null());
    meta::label_selector(sel, "spec.selector", errs);
    if let Ok(selector) = Selector::from_label_selector(sel) {
        if !selector.matches(&template_labels(obj)) {
            errs.push(FieldError::invalid(
                "spec.template.metadata.labels",
                template_labels_json(obj),
                "`selector` does not match template `labels`",
            ));
        }
    }
    if let Some(sel) = sel {
        if meta::selector_is_empty(sel) {
            errs.push(FieldError::invalid(
                "spec.selector",
                label_selector(sel),
                "empty selector is invalid for daemonset",
            ));
        }
    }
    pod::template(spec.get("template"), "spec.template", errs);
    template_rules(obj, "DaemonSet", errs);
    meta::nonnegative(
        int(spec, &["minReadySeconds"]).unwrap_or(0),
        "spec.minReadySeconds",
        errs,
    );
    meta::nonnegative(
        int(spec, &["templateGeneration"]).unwrap_or(0),
        "spec.templateGeneration",
        errs,
    );
    let strategy = spec.get("updateStrategy").unwrap_or(&Value::Null);
    match s(strategy, "type") {
        "OnDelete" => {}
        "RollingUpdate" => match strategy.get("rollingUpdate").filter(|v| !v.is_null()) {
            None => errs.push(FieldError::required(
                "spec.updateStrategy.rollingUpdate",
                "",
            )),
            Some(ru) => {
                let p = "spec.updateStrategy.rollingUpdate";
                let (mu, ms) = (ru.get("maxUnavailable"), ru.get("maxSurge"));
                positive_int_or_percent(mu, &format!("{p}.maxUnavailable"), errs);
                positive_int_or_percent(ms, &format!("{p}.maxSurge"), errs);
                not_more_than_100_percent(mu, &format!("{p}.maxUnavailable"), errs);
                not_more_than_100_percent(ms, &format!("{p}.maxSurge"), errs);
                let (hu, hs) = (int_or_percent_value(mu) != 0, int_or_percent_value(ms) != 0);
                if hu && hs {
                    errs.push(FieldError::invalid(
                        format!("{p}.maxSurge"),
                        value(ms.unwrap_or(&Value::Null)),
                        "may not be set when maxUnavailable is non-zero",
                    ));
                } else if !hu && !hs {
                    errs.push(FieldError::required(
                        format!("{p}.maxUnavailable"),
                        "cannot be 0 when maxSurge is 0",
                    ));
                }
            }
        },
        _ => errs.push(FieldError::not_supported(
            "spec.updateStrategy",
            internal_strategy(strategy, &[]),
            &["RollingUpdate", "OnDelete"],
        )),
    }
    if let Some(h) = int(spec, &["revisionHistoryLimit"]) {
        meta::nonnegative(h, "spec.revisionHistoryLimit", errs);
    }
}

/// `ValidateControllerRevision`.
pub fn controller_revision(obj: &Value, errs: &mut Errors) {
    meta::object_meta(obj, true, NameFormat::Dns1123Subdomain, errs);
    if obj.get("data").is_none_or(Value::is_null) {
        errs.push(FieldError::required("data", "data is mandatory"));
    }
    meta::nonnegative(
        obj.get("revision").and_then(Value::as_i64).unwrap_or(0),
        "revision",
        errs,
    );
}

/// The apps/v1 strategies' `ValidateUpdate`: the selector may not change, and a StatefulSet
/// may change only `replicas`, `ordinals`, `template`, `updateStrategy`,
/// `persistentVolumeClaimRetentionPolicy` and `minReadySeconds`.
pub fn update(kind: &str, old: &Value, new: &Value, errs: &mut Errors) {
    meta::object_meta_update(new, old, errs);
    let (os, ns) = (
        path(old, &["spec", "selector"]),
        path(new, &["spec", "selector"]),
    );
    if os != ns {
        errs.push(FieldError::invalid(
            "spec.selector",
            label_selector(ns.unwrap_or(&Value::Null)),
            "field is immutable",
        ));
    }
    match kind {
        "StatefulSet" => {
            let strip = |v: &Value| {
                let mut spec = v.get("spec").cloned().unwrap_or(Value::Null);
                if let Some(m) = spec.as_object_mut() {
                    for f in [
                        "replicas",
                        "ordinals",
                        "template",
                        "updateStrategy",
                        "persistentVolumeClaimRetentionPolicy",
                        "minReadySeconds",
                    ] {
                        m.shift_remove(f);
                    }
                }
                spec
            };
            if strip(old) != strip(new) {
                errs.push(FieldError::forbidden("spec", "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
            }
        }
        "ControllerRevision" if old.get("data") != new.get("data") => {
            errs.push(FieldError::invalid(
                "data",
                json(new.get("data").unwrap_or(&Value::Null)),
                "field is immutable",
            ));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn deploy(spec: Value) -> Value {
        let mut spec = spec;
        let defaults = json!({"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"restartPolicy": "Always", "dnsPolicy": "ClusterFirst", "terminationGracePeriodSeconds": 30,
                "containers": [{"name": "web", "image": "nginx", "imagePullPolicy": "Always", "terminationMessagePolicy": "File"}]}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
            "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600});
        for (k, v) in defaults.as_object().unwrap() {
            if spec.get(k).is_none() {
                spec[k.as_str()] = v.clone();
            }
        }
        json!({"metadata": {"name": "web", "namespace": "default"}, "spec": spec})
    }

    fn errs(f: fn(&Value, &mut Errors), obj: Value) -> Vec<String> {
        let mut e = Vec::new();
        f(&obj, &mut e);
        e.iter().map(ToString::to_string).collect()
    }

    // From apps/validation/validation_test.go TestValidateDeployment and TestValidateDaemonSet.
    #[test]
    fn deployment_messages() {
        assert_eq!(errs(deployment, deploy(json!({}))), Vec::<String>::new());
        let cases: Vec<(Value, &str)> = vec![
            (deploy(json!({"replicas": -1})), "spec.replicas: Invalid value: -1: must be greater than or equal to 0"),
            (deploy(json!({"selector": {"matchLabels": {"app": "api"}}})), "spec.template.metadata.labels: Invalid value: {\"app\":\"web\"}: `selector` does not match template `labels`"),
            (deploy(json!({"selector": {}})), "spec.selector: Invalid value: {}: empty selector is invalid for deployment"),
            (deploy(json!({"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 0}}})), "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"),
            (deploy(json!({"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "110%", "maxSurge": 1}}})), "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: \"110%\": must not be greater than 100%"),
            (deploy(json!({"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "20", "maxSurge": 1}}})), "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: \"20\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%' or '93%', regex used for validation is '[0-9]+%')"),
            (deploy(json!({"strategy": {"type": "Recreate", "rollingUpdate": {}}})), "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"),
            (deploy(json!({"minReadySeconds": 600})), "spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds"),
        ];
        for (obj, want) in cases {
            let got = errs(deployment, obj);
            assert!(got.iter().any(|g| g == want), "want {want:?}\ngot {got:?}");
        }
        let mut always_not = deploy(json!({}));
        always_not["spec"]["template"]["spec"]["restartPolicy"] = json!("Never");
        assert!(errs(deployment, always_not).contains(&"spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"".to_string()));
    }

    #[test]
    fn selectors_are_immutable() {
        let old = deploy(json!({}));
        let mut new = old.clone();
        new["spec"]["selector"] = json!({"matchLabels": {"app": "api"}});
        let mut e = Vec::new();
        update("Deployment", &old, &new, &mut e);
        assert_eq!(
            e[0].to_string(),
            "spec.selector: Invalid value: {\"matchLabels\":{\"app\":\"api\"}}: field is immutable"
        );
    }

    #[test]
    fn statefulset_fields_other_than_a_few_are_forbidden() {
        let old = json!({"metadata": {"name": "db"}, "spec": {"serviceName": "db", "replicas": 1}});
        let new =
            json!({"metadata": {"name": "db"}, "spec": {"serviceName": "other", "replicas": 3}});
        let mut e = Vec::new();
        update("StatefulSet", &old, &new, &mut e);
        assert!(e[0].to_string().starts_with(
            "spec: Forbidden: updates to statefulset spec for fields other than 'replicas'"
        ));
        let scaled =
            json!({"metadata": {"name": "db"}, "spec": {"serviceName": "db", "replicas": 5}});
        let mut e = Vec::new();
        update("StatefulSet", &old, &scaled, &mut e);
        assert!(e.is_empty());
    }

    #[test]
    fn daemonset_surge_and_unavailable() {
        let ds = |ru: Value| {
            json!({"metadata": {"name": "d", "namespace": "default"}, "spec": {"selector": {"matchLabels": {"a": "b"}},
            "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"restartPolicy": "Always", "dnsPolicy": "ClusterFirst", "terminationGracePeriodSeconds": 30,
                "containers": [{"name": "c", "image": "x", "imagePullPolicy": "Always", "terminationMessagePolicy": "File"}]}},
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": ru}}})
        };
        assert_eq!(errs(daemon_set, ds(json!({"maxUnavailable": 0, "maxSurge": 0}))), vec!["spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0"]);
        assert_eq!(errs(daemon_set, ds(json!({"maxUnavailable": 1, "maxSurge": 1}))), vec!["spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero"]);
    }
}
