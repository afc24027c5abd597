//! Validation, as `pkg/apis/*/validation` does it, with upstream field paths and messages.
use super::status::FieldError;
use crate::api::object::{array_at, labels, path};
use crate::api::quantity::{Quantity, QuantityError};
use crate::api::Value;
use crate::api::{KindInfo, Selector};

pub(crate) const DNS1123_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
/// `validation.IsDNS1123Label`'s message.
pub(crate) const DNS1123_LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const QUALIFIED_NAME_MSG: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

/// `validation.IsDNS1123Label`.
pub(crate) fn is_dns1123_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

pub(crate) fn is_dns1123_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_dns1123_label)
}

fn is_label_value(s: &str) -> bool {
    let b = s.as_bytes();
    b.is_empty()
        || (b.len() <= 63
            && b.iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
            && b[0].is_ascii_alphanumeric()
            && b[b.len() - 1].is_ascii_alphanumeric())
}

/// A qualified name (`app`, `example.com/app`): an optional DNS subdomain prefix and a name part.
fn qualified_name_errors(key: &str) -> Vec<String> {
    let (prefix, name) = match key.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    let mut errs = Vec::new();
    if let Some(p) = prefix {
        if p.is_empty() {
            errs.push("prefix part must be non-empty".to_string());
        } else if !is_dns1123_subdomain(p) {
            errs.push(format!("prefix part {DNS1123_SUBDOMAIN_MSG}"));
        }
    }
    if name.is_empty() {
        errs.push("name part must be non-empty".to_string());
    } else if name.len() > 63 {
        errs.push("name part must be no more than 63 characters".to_string());
    } else if !is_label_value(name) {
        errs.push(QUALIFIED_NAME_MSG.to_string());
    }
    errs
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

pub fn validate(info: &KindInfo, obj: &Value) -> Vec<FieldError> {
    let mut errs = validate_meta(info, obj);
    match info.kind {
        "Pod" => validate_pod_spec(obj.get("spec"), "spec", &mut errs),
        "Deployment" | "ReplicaSet" => validate_replicated(info.kind, obj, &mut errs),
        "ReplicationController" => validate_replication_controller(obj, &mut errs),
        _ => {}
    }
    errs
}

fn validate_meta(info: &KindInfo, obj: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let name = path(obj, &["metadata", "name"])
        .and_then(Value::as_str)
        .unwrap_or("");
    if name.is_empty() {
        errs.push(FieldError::required(
            "metadata.name",
            "name or generateName is required",
        ));
    } else {
        // Namespaces and Services are DNS labels; most kinds are DNS subdomains.
        let label_kinds = ["Namespace", "Service"];
        let (ok, msg) = if label_kinds.contains(&info.kind) {
            (is_dns1123_label(name), DNS1123_LABEL_MSG)
        } else {
            (is_dns1123_subdomain(name), DNS1123_SUBDOMAIN_MSG)
        };
        if !ok {
            errs.push(FieldError::invalid("metadata.name", quoted(name), msg));
        }
    }
    validate_labels(
        path(obj, &["metadata", "labels"]),
        "metadata.labels",
        &mut errs,
    );
    if let Some(ann) = path(obj, &["metadata", "annotations"]).and_then(Value::as_object) {
        let mut total = 0;
        for (k, v) in ann {
            for e in qualified_name_errors(k) {
                errs.push(FieldError::invalid("metadata.annotations", quoted(k), e));
            }
            total += k.len() + v.as_str().map_or(0, str::len);
        }
        if total > 256 * 1024 {
            errs.push(FieldError::invalid(
                "metadata.annotations",
                "",
                "must have at most 262144 bytes",
            ));
        }
    }
    errs
}

fn validate_labels(labels: Option<&Value>, field: &str, errs: &mut Vec<FieldError>) {
    for (k, v) in labels.and_then(Value::as_object).into_iter().flatten() {
        for e in qualified_name_errors(k) {
            errs.push(FieldError::invalid(field, quoted(k), e));
        }
        let v = v.as_str().unwrap_or("");
        if !is_label_value(v) {
            let detail = if v.len() > 63 {
                "must be no more than 63 characters"
            } else {
                LABEL_VALUE_MSG
            };
            errs.push(FieldError::invalid(field, quoted(v), detail));
        }
    }
}

fn validate_replicated(kind: &str, obj: &Value, errs: &mut Vec<FieldError>) {
    if let Some(r) = path(obj, &["spec", "replicas"]) {
        match r.as_i64() {
            Some(n) if n < 0 => errs.push(FieldError::invalid(
                "spec.replicas",
                n.to_string(),
                "must be greater than or equal to 0",
            )),
            Some(_) => {}
            None => errs.push(FieldError::invalid(
                "spec.replicas",
                r.to_string(),
                "must be an integer",
            )),
        }
    }
    let selector = path(obj, &["spec", "selector"]).filter(|v| !v.is_null());
    match selector {
        None => errs.push(FieldError::required("spec.selector", "")),
        Some(sel) => match Selector::from_label_selector(Some(sel)) {
            Err(e) => errs.push(FieldError::invalid("spec.selector", sel.to_string(), e)),
            Ok(s) if s.requirements.is_empty() => errs.push(FieldError::invalid(
                "spec.selector",
                sel.to_string(),
                format!(
                    "empty selector is invalid for {}",
                    kind.to_ascii_lowercase()
                ),
            )),
            Ok(s) => {
                let template = path(obj, &["spec", "template"]).unwrap_or(&Value::Null);
                let tl = labels(template);
                if !s.matches(&tl) {
                    let shown: Vec<String> = tl
                        .iter()
                        .map(|(k, v)| format!("{}:{}", quoted(k), quoted(v)))
                        .collect();
                    errs.push(FieldError::invalid(
                        "spec.template.metadata.labels",
                        format!("map[string]string{{{}}}", shown.join(", ")),
                        "`selector` does not match template `labels`",
                    ));
                }
            }
        },
    }
    validate_labels(
        path(obj, &["spec", "template", "metadata", "labels"]),
        "spec.template.metadata.labels",
        errs,
    );
    match path(obj, &["spec", "template"]) {
        None => errs.push(FieldError::required("spec.template", "")),
        Some(t) => {
            validate_pod_spec(t.get("spec"), "spec.template.spec", errs);
            let policy = path(t, &["spec", "restartPolicy"])
                .and_then(Value::as_str)
                .unwrap_or("Always");
            if policy != "Always" {
                errs.push(FieldError::not_supported(
                    "spec.template.spec.restartPolicy",
                    quoted(policy),
                    &["Always"],
                ));
            }
        }
    }
}

/// `ValidateReplicationControllerSpec` (pkg/apis/core/validation): minReadySeconds and
/// replicas not negative, a non-empty selector map (`ValidateNonEmptySelector`), and
/// `ValidatePodTemplateSpecForRC`: a template whose labels the selector matches, a valid pod
/// template, restartPolicy Always and no activeDeadlineSeconds.
fn validate_replication_controller(obj: &Value, errs: &mut Vec<FieldError>) {
    let nonnegative = |field: &str, errs: &mut Vec<FieldError>| {
        if let Some(n) = path(obj, &["spec", field]).and_then(Value::as_i64) {
            if n < 0 {
                errs.push(FieldError::invalid(
                    format!("spec.{field}"),
                    n.to_string(),
                    "must be greater than or equal to 0",
                ));
            }
        }
    };
    nonnegative("minReadySeconds", errs);
    let selector = crate::api::object::string_map(obj, &["spec", "selector"]);
    if selector.is_empty() {
        errs.push(FieldError::required("spec.selector", ""));
    }
    nonnegative("replicas", errs);
    let Some(template) = path(obj, &["spec", "template"]).filter(|t| !t.is_null()) else {
        errs.push(FieldError::required("spec.template", ""));
        return;
    };
    let tl = labels(template);
    if !selector.is_empty() && !selector.iter().all(|(k, v)| tl.get(k) == Some(v)) {
        let shown: Vec<String> = tl
            .iter()
            .map(|(k, v)| format!("{}:{}", quoted(k), quoted(v)))
            .collect();
        errs.push(FieldError::invalid(
            "spec.template.metadata.labels",
            format!("map[string]string{{{}}}", shown.join(", ")),
            "`selector` does not match template `labels`",
        ));
    }
    validate_labels(
        path(template, &["metadata", "labels"]),
        "spec.template.metadata.labels",
        errs,
    );
    validate_pod_spec(template.get("spec"), "spec.template.spec", errs);
    let policy = path(template, &["spec", "restartPolicy"])
        .and_then(Value::as_str)
        .unwrap_or("Always");
    if policy != "Always" {
        errs.push(FieldError::not_supported(
            "spec.template.spec.restartPolicy",
            quoted(policy),
            &["Always"],
        ));
    }
    if let Some(d) = path(template, &["spec", "activeDeadlineSeconds"]).filter(|d| !d.is_null()) {
        errs.push(FieldError::invalid(
            "spec.template.spec.activeDeadlineSeconds",
            d.to_string(),
            "activeDeadlineSeconds in ReplicationController is not Supported",
        ));
    }
}

pub fn validate_pod_spec(spec: Option<&Value>, field: &str, errs: &mut Vec<FieldError>) {
    let spec = spec.unwrap_or(&Value::Null);
    if array_at(spec, &["containers"]).is_empty() {
        errs.push(FieldError::required(format!("{field}.containers"), ""));
    }
    let mut names = std::collections::BTreeSet::new();
    for list in ["initContainers", "containers"] {
        for (i, c) in array_at(spec, &[list]).iter().enumerate() {
            let cf = format!("{field}.{list}[{i}]");
            let name = c.get("name").and_then(Value::as_str).unwrap_or("");
            if name.is_empty() {
                errs.push(FieldError::required(format!("{cf}.name"), ""));
            } else if !is_dns1123_label(name) {
                errs.push(FieldError::invalid(
                    format!("{cf}.name"),
                    quoted(name),
                    DNS1123_LABEL_MSG,
                ));
            } else if !names.insert(name.to_string()) {
                errs.push(FieldError {
                    kind: super::status::FieldErrorKind::Duplicate,
                    field: format!("{cf}.name"),
                    value: quoted(name),
                    detail: String::new(),
                });
            }
            if c.get("image")
                .and_then(Value::as_str)
                .unwrap_or("")
                .trim()
                .is_empty()
            {
                errs.push(FieldError::required(format!("{cf}.image"), ""));
            }
            validate_resources(c, &cf, errs);
        }
    }
    if let Some(p) = spec.get("restartPolicy").and_then(Value::as_str) {
        if !["Always", "OnFailure", "Never"].contains(&p) {
            errs.push(FieldError::not_supported(
                format!("{field}.restartPolicy"),
                quoted(p),
                &["Always", "Never", "OnFailure"],
            ));
        }
    }
}

fn quantity_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn validate_resources(c: &Value, cf: &str, errs: &mut Vec<FieldError>) {
    let mut parsed = std::collections::BTreeMap::new();
    for section in ["limits", "requests"] {
        for (name, v) in path(c, &["resources", section])
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let text = quantity_text(v).unwrap_or_default();
            match Quantity::parse(&text) {
                Err(QuantityError) => errs.push(FieldError::invalid(
                    format!("{cf}.resources.{section}.{name}"),
                    quoted(&text),
                    QuantityError.to_string(),
                )),
                Ok(q) if q.is_negative() => errs.push(FieldError::invalid(
                    format!("{cf}.resources.{section}[{name}]"),
                    quoted(&text),
                    "must be greater than or equal to 0",
                )),
                Ok(q) => {
                    parsed.insert((section, name.clone()), (q, text));
                }
            }
        }
    }
    for ((section, name), (q, text)) in &parsed {
        if *section != "requests" {
            continue;
        }
        if let Some((limit, ltext)) = parsed.get(&("limits", name.clone())) {
            if q > limit {
                errs.push(FieldError::invalid(
                    format!("{cf}.resources.requests"),
                    quoted(text),
                    format!("must be less than or equal to {name} limit of {ltext}"),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::kinds::by_kind;
    use crate::json;

    fn deployment(spec: Value) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": spec})
    }

    fn fields(errs: &[FieldError]) -> Vec<String> {
        errs.iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn table_of_upstream_messages() {
        let d = by_kind(None, "Deployment").unwrap();
        let template = json!({"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx"}]}});
        let cases: Vec<(Value, &str)> = vec![
            (
                deployment(json!({"replicas": -1, "selector": {"matchLabels": {"app": "web"}}, "template": template})),
                "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
            ),
            (
                deployment(json!({"selector": {"matchLabels": {"app": "api"}}, "template": template})),
                "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`",
            ),
            (deployment(json!({"template": template})), "spec.selector: Required value"),
            (
                deployment(json!({"selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx", "resources": {"requests": {"cpu": "lots"}}}]}}})),
                "spec.template.spec.containers[0].resources.requests.cpu: Invalid value: \"lots\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
            ),
            (
                deployment(json!({"selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx", "resources": {"requests": {"cpu": "2"}, "limits": {"cpu": "1"}}}]}}})),
                "spec.template.spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1",
            ),
            (
                deployment(json!({"selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web"}]}}})),
                "spec.template.spec.containers[0].image: Required value",
            ),
        ];
        for (obj, want) in cases {
            let got = fields(&validate(d, &obj));
            assert!(got.iter().any(|g| g == want), "want {want:?}, got {got:?}");
        }
    }

    #[test]
    fn names_and_labels() {
        let pod = by_kind(None, "Pod").unwrap();
        let bad = json!({"metadata": {"name": "Web_1", "labels": {"app": "bad value"}}, "spec": {"containers": [{"name": "a", "image": "x"}]}});
        let got = fields(&validate(pod, &bad));
        assert!(
            got[0].starts_with(
                "metadata.name: Invalid value: \"Web_1\": a lowercase RFC 1123 subdomain"
            ),
            "{got:?}"
        );
        assert!(
            got[1].starts_with(
                "metadata.labels: Invalid value: \"bad value\": a valid label must be"
            ),
            "{got:?}"
        );
        let ok = json!({"metadata": {"name": "web-1.a", "labels": {"example.com/app": "web"}}, "spec": {"containers": [{"name": "a", "image": "x"}]}});
        assert!(validate(pod, &ok).is_empty());
        let ns = by_kind(None, "Namespace").unwrap();
        assert!(!validate(ns, &json!({"metadata": {"name": "a.b"}})).is_empty());
    }
}

/// Update validation: the fields upstream makes immutable.
pub fn validate_update(info: &KindInfo, old: &Value, new: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    match info.kind {
        "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" => {
            let (a, b) = (
                path(old, &["spec", "selector"]),
                path(new, &["spec", "selector"]),
            );
            if a != b {
                errs.push(FieldError::invalid(
                    "spec.selector",
                    go_label_selector(b.unwrap_or(&Value::Null)),
                    "field is immutable",
                ));
            }
        }
        "Pod" => {
            if mutable_pod_spec(old) != mutable_pod_spec(new) {
                errs.push(FieldError {
                    kind: super::status::FieldErrorKind::Forbidden,
                    field: "spec".into(),
                    value: String::new(),
                    detail: "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)".into(),
                });
            }
            let old_tols = array_at(old, &["spec", "tolerations"]);
            let new_tols = array_at(new, &["spec", "tolerations"]);
            if !old_tols.iter().all(|t| new_tols.contains(t)) {
                errs.push(FieldError {
                    kind: super::status::FieldErrorKind::Forbidden,
                    field: "spec.tolerations".into(),
                    value: String::new(),
                    detail: "existing toleration can not be modified except its tolerationSeconds"
                        .into(),
                });
            }
        }
        _ => {}
    }
    errs
}

/// The pod spec with the fields an update may change blanked out.
fn mutable_pod_spec(pod: &Value) -> Value {
    let mut spec = pod.get("spec").cloned().unwrap_or(Value::Null);
    if let Some(m) = spec.as_object_mut() {
        for f in [
            "activeDeadlineSeconds",
            "tolerations",
            "terminationGracePeriodSeconds",
            "schedulingGates",
        ] {
            m.shift_remove(f);
        }
        for list in ["containers", "initContainers"] {
            for c in m
                .get_mut(list)
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                if let Some(c) = c.as_object_mut() {
                    c.shift_remove("image");
                }
            }
        }
    }
    spec
}

/// A LabelSelector as Go's `%#v` prints it in upstream messages.
fn go_label_selector(sel: &Value) -> String {
    let labels: Vec<String> = sel["matchLabels"]
        .as_object()
        .map(|m| {
            let mut v: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{}:{}", quoted(k), quoted(v.as_str().unwrap_or(""))))
                .collect();
            v.sort();
            v
        })
        .unwrap_or_default();
    let labels = if sel["matchLabels"].is_object() {
        format!("map[string]string{{{}}}", labels.join(", "))
    } else {
        "map[string]string(nil)".into()
    };
    let exprs: Vec<String> = array_at(sel, &["matchExpressions"])
        .iter()
        .map(|e| {
            let values: Vec<String> = array_at(e, &["values"])
                .iter()
                .map(|v| quoted(v.as_str().unwrap_or("")))
                .collect();
            let values = if e["values"].is_array() {
                format!("[]string{{{}}}", values.join(", "))
            } else {
                "[]string(nil)".into()
            };
            format!(
                "v1.LabelSelectorRequirement{{Key:{}, Operator:{}, Values:{values}}}",
                quoted(e["key"].as_str().unwrap_or("")),
                quoted(e["operator"].as_str().unwrap_or(""))
            )
        })
        .collect();
    let exprs = if exprs.is_empty() {
        "[]v1.LabelSelectorRequirement(nil)".to_string()
    } else {
        format!("[]v1.LabelSelectorRequirement{{{}}}", exprs.join(", "))
    };
    format!("v1.LabelSelector{{MatchLabels:{labels}, MatchExpressions:{exprs}}}")
}

#[cfg(test)]
mod update_tests {
    use super::*;
    use crate::api::kinds::by_kind;
    use crate::json;

    #[test]
    fn selectors_are_immutable_with_upstreams_message() {
        let d = by_kind(None, "Deployment").unwrap();
        let old = json!({"spec": {"selector": {"matchLabels": {"app": "web"}}}});
        let new = json!({"spec": {"selector": {"matchLabels": {"app": "api"}}}});
        let errs = validate_update(d, &old, &new);
        assert_eq!(
            errs[0].to_string(),
            "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"api\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"
        );
    }

    #[test]
    fn pod_updates_may_change_only_images_and_a_few_fields() {
        let p = by_kind(None, "Pod").unwrap();
        let old = json!({"spec": {"containers": [{"name": "a", "image": "x:1"}], "tolerations": [{"key": "k"}]}});
        let image = json!({"spec": {"containers": [{"name": "a", "image": "x:2"}], "tolerations": [{"key": "k"}, {"key": "j"}]}});
        assert!(validate_update(p, &old, &image).is_empty());
        let cmd = json!({"spec": {"containers": [{"name": "a", "image": "x:1", "command": ["sh"]}], "tolerations": [{"key": "k"}]}});
        assert!(validate_update(p, &old, &cmd)[0]
            .to_string()
            .starts_with("spec: Forbidden: pod updates may not change fields other than"));
        let dropped = json!({"spec": {"containers": [{"name": "a", "image": "x:1"}]}});
        assert_eq!(
            validate_update(p, &old, &dropped)[0].field,
            "spec.tolerations"
        );
    }
}
