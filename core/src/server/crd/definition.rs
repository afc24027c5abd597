//! Validation of a CustomResourceDefinition object itself, as the apiserver admits one
//! (apiextensions-apiserver `pkg/apis/apiextensions/validation/validation.go`:
//! `ValidateCustomResourceDefinition`, `validateCustomResourceDefinitionSpec`,
//! `ValidateCustomResourceDefinitionNames`, `ValidateCustomResourceColumnDefinition`,
//! `ValidateCustomResourceDefinitionSubresources`), with the v1 defaults
//! (`pkg/apis/apiextensions/v1/defaults.go`). The schema rules are in [`super::schema_rules`].
//!
//! The apiserver validates the internal form of a v1 CRD: when every version has the same
//! schema (or subresources, or printer columns), conversion moves it to the top level, so its
//! errors are reported under `spec.validation.openAPIV3Schema…` (`spec.subresources…`,
//! `spec.additionalPrinterColumns[i]…`) instead of `spec.versions[i]…`. kplane reports the
//! same paths.
use super::coerce::dns1035_errors;
use super::schema_rules::validate_schema;
use super::structural::{invalid_str, s, strs};
use super::values::go_value;
use crate::api::object::{name, str_at};
use crate::api::Value;
use crate::server::status::{go_quote, FieldError};
use crate::server::validate::names::dns1123_subdomain;

/// The annotation protected groups (`*.k8s.io`, `*.kubernetes.io`) need.
pub const API_APPROVED_ANNOTATION: &str = "api-approved.kubernetes.io";

const PRINTER_COLUMN_TYPES: &str = "boolean,date,integer,number,string";
const PRINTER_COLUMN_FORMATS: &str = "byte,date,date-time,double,float,int32,int64,password";

/// `SetDefaults_CustomResourceDefinition` (v1): `names.singular` from the kind, `listKind` as
/// `<Kind>List`, `conversion.strategy: None`, and `status.storedVersions` from the storage
/// version.
pub fn default_crd(crd: &mut Value) {
    let kind = str_at(crd, &["spec", "names", "kind"])
        .unwrap_or("")
        .to_string();
    let storage = crd
        .get("spec")
        .and_then(|s| s.get("versions"))
        .and_then(Value::as_array)
        .and_then(|vs| {
            vs.iter()
                .find(|v| v.get("storage").and_then(Value::as_bool) == Some(true))
        })
        .and_then(|v| v.get("name"))
        .and_then(Value::as_str)
        .map(String::from);
    let Some(root) = crd.as_object_mut() else {
        return;
    };
    if let Some(spec) = root.get_mut("spec").and_then(Value::as_object_mut) {
        if let Some(names) = spec.get_mut("names").and_then(Value::as_object_mut) {
            if names
                .get("singular")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
            {
                names.insert("singular", Value::from(kind.to_ascii_lowercase()));
            }
            if !kind.is_empty()
                && names
                    .get("listKind")
                    .and_then(Value::as_str)
                    .is_none_or(str::is_empty)
            {
                names.insert("listKind", Value::from(format!("{kind}List")));
            }
        }
        if spec.get("conversion").is_none_or(Value::is_null) {
            spec.insert("conversion", crate::json!({"strategy": "None"}));
        }
    }
    let status = root.entry("status").or_insert_with(Value::object);
    if let (Some(st), Some(storage)) = (status.as_object_mut(), storage) {
        if st
            .get("storedVersions")
            .and_then(Value::as_array)
            .is_none_or(|a| a.is_empty())
        {
            st.insert("storedVersions", crate::json!([storage]));
        }
    }
}

/// `ValidateCustomResourceDefinition` for a create (apply [`default_crd`] first).
pub fn validate_crd(crd: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let spec = crd.get("spec").cloned().unwrap_or_default();
    let names = spec.get("names").cloned().unwrap_or_default();
    let group = s(&spec, "group");
    let plural = s(&names, "plural");
    // metadata.name: a DNS subdomain, and exactly <plural>.<group>.
    let crd_name = name(crd);
    if crd_name.is_empty() {
        errs.push(FieldError::required(
            "metadata.name",
            "name or generateName is required",
        ));
    } else {
        for msg in dns1123_subdomain(crd_name) {
            errs.push(invalid_str("metadata.name", crd_name, &msg));
        }
        if crd_name != format!("{plural}.{group}") {
            errs.push(invalid_str(
                "metadata.name",
                crd_name,
                "must be spec.names.plural+\".\"+spec.group",
            ));
        }
    }
    errs.extend(validate_spec(&spec));
    if let Some(accepted) = crd.get("status").and_then(|s| s.get("acceptedNames")) {
        errs.extend(validate_names(accepted, "status.acceptedNames"));
    }
    errs.extend(validate_api_approval(crd, group));
    errs
}

fn validate_api_approval(crd: &Value, group: &str) -> Vec<FieldError> {
    let protected = group == "k8s.io"
        || group.ends_with(".k8s.io")
        || group == "kubernetes.io"
        || group.ends_with(".kubernetes.io");
    if !protected {
        return vec![];
    }
    let present = crd
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .and_then(|a| a.get(API_APPROVED_ANNOTATION))
        .is_some();
    if present {
        return vec![];
    }
    vec![FieldError::required(
        format!("metadata.annotations[{API_APPROVED_ANNOTATION}]"),
        "protected groups must have approval annotation \"api-approved.kubernetes.io\", see https://github.com/kubernetes/enhancements/pull/1111",
    )]
}

/// Whether every version carries the same value at `key` (then conversion hoists it).
fn identical(versions: &[Value], key: &str) -> bool {
    let first = versions.first().and_then(|v| v.get(key));
    versions.iter().all(|v| v.get(key) == first)
}

fn validate_spec(spec: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let group = s(spec, "group");
    if group.is_empty() {
        errs.push(FieldError::required("spec.group", ""));
    } else if !dns1123_subdomain(group).is_empty() {
        for msg in dns1123_subdomain(group) {
            errs.push(invalid_str("spec.group", group, &msg));
        }
    } else if group.split('.').count() < 2 {
        errs.push(invalid_str(
            "spec.group",
            group,
            "should be a domain with at least one dot",
        ));
    }
    match s(spec, "scope") {
        "" => errs.push(FieldError::required("spec.scope", "")),
        "Cluster" | "Namespaced" => {}
        other => errs.push(FieldError::not_supported(
            "spec.scope",
            go_quote(other),
            &["Cluster", "Namespaced"],
        )),
    }
    let versions: Vec<Value> = spec
        .get("versions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let hoist_schema = !versions.is_empty() && identical(&versions, "schema");
    let hoist_sub = !versions.is_empty() && identical(&versions, "subresources");
    let hoist_cols = !versions.is_empty() && identical(&versions, "additionalPrinterColumns");
    let schema_of = |v: &Value| {
        v.get("schema")
            .and_then(|s| s.get("openAPIV3Schema"))
            .filter(|s| !s.is_null())
            .cloned()
    };
    // requireOpenAPISchema: every version needs one unless the top level has it.
    let top_schema = if hoist_schema {
        versions.first().and_then(schema_of)
    } else {
        None
    };
    if top_schema.is_none() {
        for (i, v) in versions.iter().enumerate() {
            if schema_of(v).is_none() {
                errs.push(FieldError::required(
                    format!("spec.versions[{i}].schema.openAPIV3Schema"),
                    "",
                ));
            }
        }
    }
    let preserve = spec.get("preserveUnknownFields").and_then(Value::as_bool);
    let has_defaults = versions
        .iter()
        .filter_map(schema_of)
        .any(|s| schema_has_defaults(&s));
    if has_defaults && preserve == Some(true) {
        errs.push(FieldError::invalid(
            "spec.preserveUnknownFields",
            "true",
            "must be false in order to use defaults in the schema",
        ));
    }
    let status_enabled = |v: &Value| {
        v.get("subresources")
            .and_then(|s| s.get("status"))
            .is_some_and(|s| !s.is_null())
    };
    let mut storage = 0;
    let mut seen: Vec<&str> = Vec::new();
    let mut unique = true;
    for (i, v) in versions.iter().enumerate() {
        let path = format!("spec.versions[{i}]");
        if v.get("storage").and_then(Value::as_bool) == Some(true) {
            storage += 1;
        }
        let vname = s(v, "name");
        if seen.contains(&vname) {
            unique = false;
        } else {
            seen.push(vname);
        }
        let dns = dns1035_errors(vname);
        if !dns.is_empty() {
            errs.push(invalid_str(format!("{path}.name"), vname, dns.join(",")));
        }
        // validateCustomResourceDefinitionVersion.
        let deprecated = v.get("deprecated").and_then(Value::as_bool) == Some(true);
        if let Some(w) = v.get("deprecationWarning").and_then(Value::as_str) {
            if !deprecated {
                errs.push(invalid_str(
                    format!("{path}.deprecationWarning"),
                    w,
                    "can only be set for deprecated versions",
                ));
            } else if w.len() > 256 {
                errs.push(invalid_str(
                    format!("{path}.deprecationWarning"),
                    w,
                    "must be <= 256 characters long",
                ));
            } else if w.chars().any(char::is_control) {
                errs.push(invalid_str(
                    format!("{path}.deprecationWarning"),
                    w,
                    "must only contain printable UTF-8 characters",
                ));
            }
        }
        if !hoist_schema {
            if let Some(sch) = schema_of(v) {
                errs.extend(validate_schema(
                    &sch,
                    &format!("{path}.schema"),
                    status_enabled(v),
                ));
            }
        }
        if !hoist_sub {
            errs.extend(validate_subresources(
                v.get("subresources"),
                &format!("{path}.subresources"),
            ));
        }
        if !hoist_cols {
            errs.extend(validate_columns(
                v,
                &format!("{path}.additionalPrinterColumns"),
            ));
        }
    }
    if !unique {
        errs.push(FieldError::invalid(
            "spec.versions",
            go_value(&Value::Array(versions.clone().into())),
            "must contain unique version names",
        ));
    }
    if storage != 1 {
        errs.push(FieldError::invalid(
            "spec.versions",
            go_value(&Value::Array(versions.clone().into())),
            "must have exactly one version marked as storage version",
        ));
    }
    let names = spec.get("names").cloned().unwrap_or_default();
    for (key, field) in [
        ("plural", "plural"),
        ("singular", "singular"),
        ("kind", "kind"),
        ("listKind", "listKind"),
    ] {
        if s(&names, key).is_empty() {
            errs.push(FieldError::required(format!("spec.names.{field}"), ""));
        }
    }
    errs.extend(validate_names(&names, "spec.names"));
    if let Some(first) = versions.first() {
        if hoist_schema {
            if let Some(sch) = schema_of(first) {
                errs.extend(validate_schema(
                    &sch,
                    "spec.validation",
                    versions.iter().any(status_enabled),
                ));
            }
        }
        if hoist_sub {
            errs.extend(validate_subresources(
                first.get("subresources"),
                "spec.subresources",
            ));
        }
        if hoist_cols {
            errs.extend(validate_columns(first, "spec.additionalPrinterColumns"));
        }
    }
    errs
}

fn schema_has_defaults(v: &Value) -> bool {
    fn walk(v: &Value, depth: usize) -> bool {
        if depth > 128 {
            return false;
        }
        match v {
            Value::Object(m) => {
                m.contains_key("default")
                    || m.iter().any(|(k, x)| {
                        k.as_str() != "enum" && k.as_str() != "example" && walk(x, depth + 1)
                    })
            }
            Value::Array(a) => a.iter().any(|x| walk(x, depth + 1)),
            _ => false,
        }
    }
    walk(v, 0)
}

/// `ValidateCustomResourceDefinitionNames`.
pub fn validate_names(names: &Value, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for key in ["plural", "singular"] {
        let v = s(names, key);
        let e = dns1035_errors(v);
        if !v.is_empty() && !e.is_empty() {
            errs.push(invalid_str(format!("{path}.{key}"), v, e.join(",")));
        }
    }
    for key in ["kind", "listKind"] {
        let v = s(names, key);
        let e = dns1035_errors(&v.to_ascii_lowercase());
        if !v.is_empty() && !e.is_empty() {
            errs.push(invalid_str(
                format!("{path}.{key}"),
                v,
                format!(
                    "may have mixed case, but should otherwise match: {}",
                    e.join(",")
                ),
            ));
        }
    }
    for (i, short) in strs(names, "shortNames").iter().enumerate() {
        let e = dns1035_errors(short);
        if !e.is_empty() {
            errs.push(invalid_str(
                format!("{path}.shortNames[{i}]"),
                short,
                e.join(","),
            ));
        }
    }
    let kind = s(names, "kind");
    if !kind.is_empty() && kind == s(names, "listKind") {
        errs.push(invalid_str(
            format!("{path}.listKind"),
            kind,
            "kind and listKind may not be the same",
        ));
    }
    for (i, c) in strs(names, "categories").iter().enumerate() {
        let e = dns1035_errors(c);
        if !e.is_empty() {
            errs.push(invalid_str(
                format!("{path}.categories[{i}]"),
                c,
                e.join(","),
            ));
        }
    }
    errs
}

/// `validateSimpleJSONPath`.
fn simple_json_path(p: &str, field: &str) -> Option<FieldError> {
    if p.is_empty() {
        Some(invalid_str(field, p, "must not be empty"))
    } else if !p.starts_with('.') {
        Some(invalid_str(
            field,
            p,
            "must be a simple json path starting with .",
        ))
    } else {
        None
    }
}

fn validate_columns(version: &Value, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let cols = version
        .get("additionalPrinterColumns")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (i, col) in cols.iter().enumerate() {
        let p = format!("{path}[{i}]");
        if s(col, "name").is_empty() {
            errs.push(FieldError::required(format!("{p}.name"), ""));
        }
        let t = s(col, "type");
        let must = format!("must be one of {PRINTER_COLUMN_TYPES}");
        if t.is_empty() {
            errs.push(FieldError::required(format!("{p}.type"), must));
        } else if !PRINTER_COLUMN_TYPES.split(',').any(|x| x == t) {
            errs.push(invalid_str(format!("{p}.type"), t, must));
        }
        let f = s(col, "format");
        if !f.is_empty() && !PRINTER_COLUMN_FORMATS.split(',').any(|x| x == f) {
            errs.push(invalid_str(
                format!("{p}.format"),
                f,
                format!("must be one of {PRINTER_COLUMN_FORMATS}"),
            ));
        }
        let jp = s(col, "jsonPath");
        if jp.is_empty() {
            errs.push(FieldError::required(format!("{p}.JSONPath"), ""));
        } else if let Some(e) = simple_json_path(jp, &format!("{p}.JSONPath")) {
            errs.push(e);
        }
    }
    errs
}

/// `ValidateCustomResourceDefinitionSubresources`: the scale paths.
fn validate_subresources(sub: Option<&Value>, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let Some(scale) = sub.and_then(|s| s.get("scale")).filter(|s| !s.is_null()) else {
        return errs;
    };
    for (key, prefix, what) in [
        (
            "specReplicasPath",
            ".spec.",
            "should be a json path under .spec",
        ),
        (
            "statusReplicasPath",
            ".status.",
            "should be a json path under .status",
        ),
    ] {
        let p = s(scale, key);
        let field = format!("{path}.scale.{key}");
        if p.is_empty() {
            errs.push(FieldError::required(field, ""));
        } else if let Some(e) = simple_json_path(p, &field) {
            errs.push(e);
        } else if !p.starts_with(prefix) {
            errs.push(invalid_str(field, p, what));
        }
    }
    let sel = s(scale, "labelSelectorPath");
    if !sel.is_empty() {
        let field = format!("{path}.scale.labelSelectorPath");
        if let Some(e) = simple_json_path(sel, &field) {
            errs.push(e);
        } else if !sel.starts_with(".spec.") && !sel.starts_with(".status.") {
            errs.push(invalid_str(
                field,
                sel,
                "should be a json path under either .spec or .status",
            ));
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn crd(versions: Value) -> Value {
        let mut c = json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "widgets.example.com"},
            "spec": {"group": "example.com", "scope": "Namespaced",
                     "names": {"plural": "widgets", "kind": "Widget"},
                     "versions": versions}});
        default_crd(&mut c);
        c
    }

    fn schema(props: Value) -> Value {
        json!({"openAPIV3Schema": {"type": "object", "properties": props}})
    }

    fn errors(c: &Value) -> Vec<String> {
        validate_crd(c).iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn defaults_fill_singular_list_kind_conversion_and_stored_versions() {
        let c = crd(
            json!([{"name": "v1", "served": true, "storage": true, "schema": schema(json!({}))}]),
        );
        assert_eq!(c["spec"]["names"]["singular"], "widget");
        assert_eq!(c["spec"]["names"]["listKind"], "WidgetList");
        assert_eq!(c["spec"]["conversion"], json!({"strategy": "None"}));
        assert_eq!(c["status"]["storedVersions"], json!(["v1"]));
        assert!(errors(&c).is_empty(), "{:?}", errors(&c));
    }

    #[test]
    fn names_group_scope_and_versions() {
        let mut c = crd(json!([
            {"name": "v1", "served": true, "storage": true, "schema": schema(json!({}))},
            {"name": "V2", "served": true, "storage": true, "schema": schema(json!({}))}
        ]));
        c["metadata"]["name"] = json!("widget.example.com");
        c["spec"]["group"] = json!("example");
        c["spec"]["scope"] = json!("Global");
        c["spec"]["names"]["shortNames"] = json!(["w_1"]);
        c["spec"]["names"]["listKind"] = json!("Widget");
        let e = errors(&c);
        let dns1035 = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
        assert_eq!(
            e[0],
            r#"metadata.name: Invalid value: "widget.example.com": must be spec.names.plural+"."+spec.group"#
        );
        assert_eq!(
            e[1],
            r#"spec.group: Invalid value: "example": should be a domain with at least one dot"#
        );
        assert_eq!(
            e[2],
            r#"spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced""#
        );
        assert_eq!(
            e[3],
            format!(r#"spec.versions[1].name: Invalid value: "V2": {dns1035}"#)
        );
        assert!(
            e[4].starts_with("spec.versions: Invalid value: [{"),
            "{}",
            e[4]
        );
        assert!(
            e[4].ends_with(": must have exactly one version marked as storage version"),
            "{}",
            e[4]
        );
        assert_eq!(
            e[5],
            format!(r#"spec.names.shortNames[0]: Invalid value: "w_1": {dns1035}"#)
        );
        assert_eq!(
            e[6],
            r#"spec.names.listKind: Invalid value: "Widget": kind and listKind may not be the same"#
        );
        assert_eq!(e.len(), 7);
    }

    #[test]
    fn missing_names_and_schema() {
        let c = json!({"metadata": {"name": "widgets.example.com"}, "spec": {"group": "example.com", "scope": "Cluster",
            "names": {"plural": "widgets"}, "versions": [{"name": "v1", "served": true, "storage": true}]}});
        assert_eq!(
            errors(&c),
            [
                "spec.versions[0].schema.openAPIV3Schema: Required value",
                "spec.names.singular: Required value",
                "spec.names.kind: Required value",
                "spec.names.listKind: Required value",
            ]
        );
    }

    /// Structural-schema errors, with the paths of a single-version CRD (hoisted to
    /// `spec.validation`) and of a multi-version one with different schemas.
    #[test]
    fn structural_schema_rules() {
        let c = crd(
            json!([{"name": "v1", "served": true, "storage": true, "schema": schema(json!({
                "spec": {"type": "object", "properties": {
                    "replicas": {"description": "no type"},
                    "list": {"type": "array"},
                    "labels": {"type": "object", "additionalProperties": {"type": "string"}, "properties": {"a": {"type": "string"}}},
                    "either": {"type": "string", "anyOf": [{"type": "string", "pattern": "^a"}]},
                    "uniq": {"type": "array", "items": {"type": "string"}, "uniqueItems": true}
                }},
                "metadata": {"type": "object", "properties": {"labels": {"type": "object"}}}
            }))}]),
        );
        let e = errors(&c);
        let p = "spec.validation.openAPIV3Schema";
        assert_eq!(
            e,
            [
                format!("{p}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified"),
                format!("{p}.properties[spec].properties[either].anyOf[0].type: Forbidden: must be empty to be structural"),
                format!("{p}.properties[spec].properties[list].items: Required value: must be specified"),
                format!("{p}.properties[spec].properties[replicas].type: Required value: must not be empty for specified object fields"),
                format!("{p}.properties[spec].properties[labels].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive"),
                format!("{p}.properties[spec].properties[uniq].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic"),
            ]
        );
        // Two versions with different schemas: per-version paths.
        let c = crd(json!([
            {"name": "v1", "served": true, "storage": true, "schema": schema(json!({"a": {}}))},
            {"name": "v2", "served": true, "storage": false, "schema": schema(json!({"b": {"type": "string"}}))}
        ]));
        assert_eq!(
            errors(&c),
            ["spec.versions[0].schema.openAPIV3Schema.properties[a].type: Required value: must not be empty for specified object fields"]
        );
    }

    #[test]
    fn root_and_defaults_rules() {
        let c = crd(
            json!([{"name": "v1", "served": true, "storage": true, "subresources": {"status": {}},
            "schema": {"openAPIV3Schema": {"type": "object", "nullable": true, "properties": {
                "spec": {"type": "object", "properties": {
                    "replicas": {"type": "integer", "default": "one"},
                    "conf": {"type": "object", "default": {"x": 1}, "properties": {"y": {"type": "integer"}}}
                }}}}}}]),
        );
        let e = errors(&c);
        let p = "spec.validation.openAPIV3Schema";
        assert_eq!(e[0], format!("{p}: Invalid value: {}: only [Description Type Format Title Maximum ExclusiveMaximum Minimum ExclusiveMinimum MaxLength MinLength Pattern MaxItems MinItems UniqueItems MultipleOf Required Items Properties ExternalDocs Example XPreserveUnknownFields XValidations] fields are allowed at the root of the schema if the status subresource is enabled",
            crate::server::crd::values::go_json(&c["spec"]["versions"][0]["schema"]["openAPIV3Schema"])));
        assert_eq!(
            e[1],
            format!("{p}.nullable: Forbidden: nullable cannot be true at the root")
        );
        assert_eq!(
            e[2],
            format!(
                r#"{p}.properties[spec].properties[replicas].default: Invalid value: "string":  in body must be of type integer: "string""#
            )
        );
        assert_eq!(
            e[3],
            format!(
                r#"{p}.properties[spec].properties[conf].default: Invalid value: {{"x":1}}: must not have unknown fields"#
            )
        );
        assert_eq!(e.len(), 4, "{e:?}");
    }

    #[test]
    fn printer_columns_and_scale_paths() {
        let c = crd(
            json!([{"name": "v1", "served": true, "storage": true, "schema": schema(json!({})),
            "subresources": {"scale": {"specReplicasPath": ".status.replicas", "statusReplicasPath": "status.replicas"}},
            "additionalPrinterColumns": [{"name": "Ready", "type": "text", "jsonPath": "status.ready"}, {"type": "date", "format": "time", "jsonPath": ".metadata.creationTimestamp"}]}]),
        );
        assert_eq!(
            errors(&c),
            [
                r#"spec.subresources.scale.specReplicasPath: Invalid value: ".status.replicas": should be a json path under .spec"#,
                r#"spec.subresources.scale.statusReplicasPath: Invalid value: "status.replicas": must be a simple json path starting with ."#,
                r#"spec.additionalPrinterColumns[0].type: Invalid value: "text": must be one of boolean,date,integer,number,string"#,
                r#"spec.additionalPrinterColumns[0].JSONPath: Invalid value: "status.ready": must be a simple json path starting with ."#,
                "spec.additionalPrinterColumns[1].name: Required value",
                r#"spec.additionalPrinterColumns[1].format: Invalid value: "time": must be one of byte,date,date-time,double,float,int32,int64,password"#,
            ]
        );
    }

    #[test]
    fn list_type_map_rules_and_protected_groups() {
        let c = crd(
            json!([{"name": "v1", "served": true, "storage": true, "schema": schema(json!({
                "ports": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
                          "items": {"type": "object", "properties": {"name": {"type": "string"}}}},
                "tags": {"type": "object", "x-kubernetes-list-type": "set"}
            }))}]),
        );
        let p = "spec.validation.openAPIV3Schema";
        assert_eq!(
            errors(&c),
            [
                format!("{p}.properties[ports].items.properties[name].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property"),
                format!(r#"{p}.properties[tags].type: Invalid value: "object": must be array if x-kubernetes-list-type is specified"#),
            ]
        );
        let mut c = crd(
            json!([{"name": "v1", "served": true, "storage": true, "schema": schema(json!({}))}]),
        );
        c["metadata"]["name"] = json!("widgets.apps.k8s.io");
        c["spec"]["group"] = json!("apps.k8s.io");
        assert_eq!(
            errors(&c),
            [
                r#"metadata.annotations[api-approved.kubernetes.io]: Required value: protected groups must have approval annotation "api-approved.kubernetes.io", see https://github.com/kubernetes/enhancements/pull/1111"#
            ]
        );
    }
}
