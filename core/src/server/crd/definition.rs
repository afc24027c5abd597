//! Validation of a CustomResourceDefinition object itself, as the apiserver admits one
//! (apiextensions-apiserver `pkg/apis/apiextensions/validation/validation.go`:
//! `ValidateCustomResourceDefinition`, `validateCustomResourceDefinitionSpec`,
//! `ValidateCustomResourceDefinitionNames`, `ValidateCustomResourceColumnDefinition`,
//! `ValidateCustomResourceDefinitionSubresources`, `validateCustomResourceDefinitionValidation`,
//! `ValidateCustomResourceDefinitionOpenAPISchema`, `specStandardValidatorV3`; structural rules
//! from `pkg/apiserver/schema/validation.go` (`ValidateStructural`) and default checks from
//! `pkg/apiserver/schema/defaulting/validation.go`), with the v1 defaults
//! (`pkg/apis/apiextensions/v1/defaults.go`).
//!
//! The apiserver validates the internal form of a v1 CRD: when every version has the same
//! schema (or subresources, or printer columns), conversion moves it to the top level, so its
//! errors are reported under `spec.validation.openAPIV3Schema…` (`spec.subresources…`,
//! `spec.additionalPrinterColumns[i]…`) instead of `spec.versions[i]…`. kplane reports the
//! same paths. CEL (`x-kubernetes-validations` rules) is not compiled: only the rule fields'
//! presence is checked.
use super::coerce::{dns1035_errors, prune};
use super::openapi;
use super::schema::Schema;
use super::values::go_value;
use crate::api::object::{name, str_at};
use crate::api::Value;
use crate::server::status::{go_quote, FieldError, FieldErrorKind};
use crate::server::validate::{is_dns1123_subdomain, DNS1123_SUBDOMAIN_MSG};

/// The annotation protected groups (`*.k8s.io`, `*.kubernetes.io`) need.
pub const API_APPROVED_ANNOTATION: &str = "api-approved.kubernetes.io";

const PRINTER_COLUMN_TYPES: &str = "boolean,date,integer,number,string";
const PRINTER_COLUMN_FORMATS: &str = "byte,date,date-time,double,float,int32,int64,password";
const OPENAPI_V3_TYPES: &[&str] = &["array", "boolean", "integer", "number", "object", "string"];
const ALLOWED_AT_ROOT_WITH_STATUS: &[(&str, &str)] = &[
    ("description", "Description"),
    ("type", "Type"),
    ("format", "Format"),
    ("title", "Title"),
    ("maximum", "Maximum"),
    ("exclusiveMaximum", "ExclusiveMaximum"),
    ("minimum", "Minimum"),
    ("exclusiveMinimum", "ExclusiveMinimum"),
    ("maxLength", "MaxLength"),
    ("minLength", "MinLength"),
    ("pattern", "Pattern"),
    ("maxItems", "MaxItems"),
    ("minItems", "MinItems"),
    ("uniqueItems", "UniqueItems"),
    ("multipleOf", "MultipleOf"),
    ("required", "Required"),
    ("items", "Items"),
    ("properties", "Properties"),
    ("externalDocs", "ExternalDocs"),
    ("example", "Example"),
    (
        "x-kubernetes-preserve-unknown-fields",
        "XPreserveUnknownFields",
    ),
    ("x-kubernetes-validations", "XValidations"),
];

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

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or("")
}

fn strs(v: &Value, k: &str) -> Vec<String> {
    v.get(k)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|x| x.as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn invalid(field: impl Into<String>, value: &Value, detail: impl Into<String>) -> FieldError {
    FieldError::invalid(field, go_value(value), detail)
}

fn invalid_str(field: impl Into<String>, value: &str, detail: impl Into<String>) -> FieldError {
    FieldError::invalid(field, go_quote(value), detail)
}

fn forbidden(field: impl Into<String>, detail: impl Into<String>) -> FieldError {
    FieldError {
        kind: FieldErrorKind::Forbidden,
        field: field.into(),
        value: String::new(),
        detail: detail.into(),
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
        if crd_name.len() > 253 {
            errs.push(invalid_str(
                "metadata.name",
                crd_name,
                "must be no more than 253 characters",
            ));
        }
        if !is_dns1123_subdomain(crd_name) {
            errs.push(invalid_str(
                "metadata.name",
                crd_name,
                DNS1123_SUBDOMAIN_MSG,
            ));
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
    } else if !is_dns1123_subdomain(group) {
        errs.push(invalid_str("spec.group", group, DNS1123_SUBDOMAIN_MSG));
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

/// `validateCustomResourceDefinitionValidation` for one `openAPIV3Schema` under `base`
/// (`spec.validation` or `spec.versions[i].schema`).
pub fn validate_schema(schema: &Value, base: &str, status_enabled: bool) -> Vec<FieldError> {
    let root = format!("{base}.openAPIV3Schema");
    let mut errs = Vec::new();
    if status_enabled {
        // The fields of JSONSchemaProps, in the struct's order (the order Go's reflection visits).
        const STRUCT_ORDER: &[&str] = &[
            "id",
            "$schema",
            "$ref",
            "description",
            "type",
            "format",
            "title",
            "default",
            "maximum",
            "exclusiveMaximum",
            "minimum",
            "exclusiveMinimum",
            "maxLength",
            "minLength",
            "pattern",
            "maxItems",
            "minItems",
            "uniqueItems",
            "multipleOf",
            "enum",
            "maxProperties",
            "minProperties",
            "required",
            "items",
            "allOf",
            "oneOf",
            "anyOf",
            "not",
            "properties",
            "additionalProperties",
            "patternProperties",
            "dependencies",
            "additionalItems",
            "definitions",
            "externalDocs",
            "example",
            "nullable",
            "x-kubernetes-preserve-unknown-fields",
            "x-kubernetes-embedded-resource",
            "x-kubernetes-int-or-string",
            "x-kubernetes-list-map-keys",
            "x-kubernetes-list-type",
            "x-kubernetes-map-type",
            "x-kubernetes-validations",
        ];
        for k in STRUCT_ORDER {
            let Some(v) = schema.get(k).filter(|v| !is_zero(v)) else {
                continue;
            };
            if *k == "type" {
                if v.as_str() != Some("object") {
                    errs.push(invalid(
                        format!("{base}.openAPIV3Schema.type"),
                        v,
                        "only \"object\" is allowed as the type at the root of the schema if the status subresource is enabled",
                    ));
                    break;
                }
                continue;
            }
            if !ALLOWED_AT_ROOT_WITH_STATUS.iter().any(|(j, _)| j == k) {
                let names: Vec<&str> = ALLOWED_AT_ROOT_WITH_STATUS
                    .iter()
                    .map(|(_, g)| *g)
                    .collect();
                errs.push(invalid(
                    root.clone(),
                    schema,
                    format!(
                        "only [{}] fields are allowed at the root of the schema if the status subresource is enabled",
                        names.join(" ")
                    ),
                ));
                break;
            }
        }
    }
    if schema.get("nullable").and_then(Value::as_bool) == Some(true) {
        errs.push(forbidden(
            format!("{root}.nullable"),
            "nullable cannot be true at the root",
        ));
    }
    let unsupported = unsupported_field(schema, 0);
    let mut init_errs = Vec::new();
    match &unsupported {
        Some(msg) => init_errs.push(FieldError::invalid(root.clone(), "\"\"", msg.clone())),
        None => {
            let mut structural = Vec::new();
            structural_invariants(schema, Level::Root, &root, &mut structural);
            structural_completeness(schema, &root, &mut structural);
            structural.sort_by_key(|e| e.to_string());
            if !structural.is_empty() {
                errs.extend(structural);
            } else {
                let mut s = Schema::from_value(schema);
                s.embedded_resource = true;
                defaults_at(&s, schema, &root, true, &mut errs);
            }
        }
    }
    let ssv = Ssv {
        allow_defaults: true,
        reason: String::new(),
        inside_meta: false,
    };
    openapi_schema(schema, &root, &ssv, true, &mut errs, 0);
    if errs.is_empty() {
        errs.extend(init_errs);
    }
    errs
}

/// Whether a JSON value is Go's zero value of its field (so `reflect.DeepEqual` with zero).
fn is_zero(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
        Value::Number(_) => false,
    }
}

/// `validateUnsupportedFields` of `NewStructural`, recursively.
fn unsupported_field(v: &Value, depth: usize) -> Option<String> {
    if depth > 128 {
        return None;
    }
    let m = v.as_object()?;
    for (key, what) in [
        ("id", "'id'"),
        ("$schema", "'$schema'"),
        ("$ref", "'$ref'"),
        ("additionalItems", "'additionalItems'"),
        ("patternProperties", "'patternProperties'"),
        ("definitions", "'definitions'"),
        ("dependencies", "'dependencies'"),
    ] {
        if m.get(key).is_some_and(|x| !is_zero(x)) {
            return Some(format!("OpenAPIV3Schema {what} is not supported"));
        }
    }
    if m.get("items").is_some_and(Value::is_array) {
        return Some("OpenAPIV3Schema 'items' must be a schema, but is an array".into());
    }
    let children = m
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|p| p.values());
    for c in children
        .chain(m.get("items"))
        .chain(m.get("additionalProperties").filter(|x| x.is_object()))
        .chain(m.get("not"))
    {
        if let Some(e) = unsupported_field(c, depth + 1) {
            return Some(e);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        for c in m.get(key).and_then(Value::as_array).into_iter().flatten() {
            if let Some(e) = unsupported_field(c, depth + 1) {
                return Some(e);
            }
        }
    }
    None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Root,
    Item,
    Field,
}

fn type_of(v: &Value) -> &str {
    s(v, "type")
}

fn flag(v: &Value, k: &str) -> bool {
    v.get(k).and_then(Value::as_bool) == Some(true)
}

/// `validateStructuralInvariants`.
fn structural_invariants(v: &Value, lvl: Level, path: &str, errs: &mut Vec<FieldError>) {
    if !v.is_object() || path.len() > 4096 {
        return;
    }
    let ty = type_of(v);
    if ty == "array" && v.get("items").is_none() {
        errs.push(FieldError::required(
            format!("{path}.items"),
            "must be specified",
        ));
    }
    if let Some(items) = v.get("items").filter(|x| x.is_object()) {
        structural_invariants(items, Level::Item, &format!("{path}.items"), errs);
    }
    if let Some(props) = v.get("properties").and_then(Value::as_object) {
        for (k, p) in props.iter() {
            structural_invariants(p, Level::Field, &format!("{path}.properties[{k}]"), errs);
        }
    }
    if let Some(add) = v.get("additionalProperties") {
        if lvl == Level::Root {
            errs.push(forbidden(
                format!("{path}.additionalProperties"),
                "must not be used at the root",
            ));
        }
        if add.is_object() {
            structural_invariants(
                add,
                Level::Field,
                &format!("{path}.additionalProperties"),
                errs,
            );
        }
    }
    let int_or_string = flag(v, "x-kubernetes-int-or-string");
    let preserve = flag(v, "x-kubernetes-preserve-unknown-fields");
    let embedded = flag(v, "x-kubernetes-embedded-resource");
    if int_or_string && preserve {
        errs.push(FieldError::invalid(
            format!("{path}.x-kubernetes-preserve-unknown-fields"),
            "true",
            "must be false if x-kubernetes-int-or-string is true",
        ));
    }
    if int_or_string && embedded {
        errs.push(FieldError::invalid(
            format!("{path}.x-kubernetes-embedded-resource"),
            "true",
            "must be false if x-kubernetes-int-or-string is true",
        ));
    }
    let skip_any_of = is_int_or_string_any_of(v.get("anyOf"));
    let skip_first_all_of_any_of = v
        .get("allOf")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .is_some_and(|f| is_int_or_string_any_of(f.get("anyOf")));
    value_validation(v, skip_any_of, skip_first_all_of_any_of, path, errs);
    let check_metadata = lvl == Level::Root || embedded;
    if embedded && ty != "object" {
        if ty.is_empty() {
            errs.push(FieldError::required(
                format!("{path}.type"),
                "must be object if x-kubernetes-embedded-resource is true",
            ));
        } else {
            errs.push(invalid_str(
                format!("{path}.type"),
                ty,
                "must be object if x-kubernetes-embedded-resource is true",
            ));
        }
    } else if ty.is_empty() && !int_or_string && !preserve {
        let detail = match lvl {
            Level::Root => "must not be empty at the root",
            Level::Item => "must not be empty for specified array items",
            Level::Field => "must not be empty for specified object fields",
        };
        errs.push(FieldError::required(format!("{path}.type"), detail));
    }
    if embedded && v.get("additionalProperties").is_some() {
        errs.push(forbidden(
            format!("{path}.additionalProperties"),
            "must not be used if x-kubernetes-embedded-resource is set",
        ));
    }
    if lvl == Level::Root && !ty.is_empty() && ty != "object" {
        errs.push(invalid_str(
            format!("{path}.type"),
            ty,
            "must be object at the root",
        ));
    }
    let props = v.get("properties").and_then(Value::as_object);
    if check_metadata {
        for k in ["kind", "apiVersion"] {
            if let Some(p) = props.and_then(|m| m.get(k)) {
                if type_of(p) != "string" {
                    errs.push(invalid_str(
                        format!("{path}.properties[{k}].type"),
                        type_of(p),
                        "must be string",
                    ));
                }
            }
        }
    }
    if let Some(meta) = props.and_then(|m| m.get("metadata")) {
        let mpath = format!("{path}.properties[metadata]");
        if check_metadata && type_of(meta) != "object" {
            errs.push(invalid_str(
                format!("{mpath}.type"),
                type_of(meta),
                "must be object",
            ));
        }
        if lvl == Level::Root {
            let mprops = meta.get("properties").and_then(Value::as_object);
            let only_names = mprops.is_none_or(|p| {
                p.keys()
                    .all(|k| k.as_str() == "name" || k.as_str() == "generateName")
            });
            let other_fields = meta.as_object().is_some_and(|m| {
                m.iter().any(|(k, x)| {
                    !matches!(k.as_str(), "type" | "default" | "properties") && !is_zero(x)
                })
            });
            if !only_names || other_fields {
                errs.push(forbidden(
                    mpath,
                    "must not specify anything other than name and generateName, but metadata is implicitly specified",
                ));
            }
        }
    }
    if embedded && !preserve && props.is_none_or(|p| p.is_empty()) {
        errs.push(FieldError::required(
            format!("{path}.properties"),
            "must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields",
        ));
    }
}

/// `anyOf: [{type: integer}, {type: string}]`, exactly (`intOrStringAnyOf`).
fn is_int_or_string_any_of(v: Option<&Value>) -> bool {
    let Some(a) = v.and_then(Value::as_array) else {
        return false;
    };
    a.len() == 2
        && a.iter().zip(["integer", "string"]).all(|(x, t)| {
            x.as_object()
                .is_some_and(|m| m.len() == 1 && m.get("type").and_then(Value::as_str) == Some(t))
        })
}

/// `validateValueValidation`: the nested clauses and the pattern.
fn value_validation(
    v: &Value,
    skip_any_of: bool,
    skip_first_all_of_any_of: bool,
    path: &str,
    errs: &mut Vec<FieldError>,
) {
    if !skip_any_of {
        for (i, x) in v
            .get("anyOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            nested_value_validation(x, false, &format!("{path}.anyOf[{i}]"), errs);
        }
    }
    for (i, x) in v
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        nested_value_validation(
            x,
            skip_first_all_of_any_of && i == 0,
            &format!("{path}.allOf[{i}]"),
            errs,
        );
    }
    for (i, x) in v
        .get("oneOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        nested_value_validation(x, false, &format!("{path}.oneOf[{i}]"), errs);
    }
    if let Some(not) = v.get("not").filter(|x| x.is_object()) {
        nested_value_validation(not, false, &format!("{path}.not"), errs);
    }
    if let Some(p) = v
        .get("pattern")
        .and_then(Value::as_str)
        .filter(|p| !p.is_empty())
    {
        if let Err(e) = regex_lite::Regex::new(p) {
            errs.push(invalid_str(
                format!("{path}.pattern"),
                p,
                format!("must be a valid regular expression, but isn't: {e}"),
            ));
        }
    }
}

/// `validateNestedValueValidation`: what may not appear inside allOf/anyOf/oneOf/not.
fn nested_value_validation(v: &Value, skip_any_of: bool, path: &str, errs: &mut Vec<FieldError>) {
    if !v.is_object() || path.len() > 4096 {
        return;
    }
    value_validation(v, skip_any_of, false, path, errs);
    if let Some(items) = v.get("items").filter(|x| x.is_object()) {
        nested_value_validation(items, false, &format!("{path}.items"), errs);
    }
    if let Some(props) = v.get("properties").and_then(Value::as_object) {
        for (k, p) in props.iter() {
            nested_value_validation(p, false, &format!("{path}.properties[{k}]"), errs);
        }
    }
    let present = |k: &str| v.get(k).is_some_and(|x| !is_zero(x));
    if present("type") {
        errs.push(forbidden(
            format!("{path}.type"),
            "must be empty to be structural",
        ));
    }
    if v.get("additionalProperties").is_some() {
        errs.push(forbidden(
            format!("{path}.additionalProperties"),
            "must be undefined to be structural",
        ));
    }
    if v.get("default").is_some_and(|d| !d.is_null()) {
        errs.push(forbidden(
            format!("{path}.default"),
            "must be undefined to be structural",
        ));
    }
    for (k, detail) in [
        ("title", "must be empty to be structural"),
        ("description", "must be empty to be structural"),
        ("nullable", "must be false to be structural"),
        (
            "x-kubernetes-preserve-unknown-fields",
            "must be false to be structural",
        ),
        (
            "x-kubernetes-embedded-resource",
            "must be false to be structural",
        ),
        (
            "x-kubernetes-int-or-string",
            "must be false to be structural",
        ),
        (
            "x-kubernetes-list-map-keys",
            "must be empty to be structural",
        ),
    ] {
        if present(k) {
            errs.push(forbidden(format!("{path}.{k}"), detail));
        }
    }
    for k in ["x-kubernetes-list-type", "x-kubernetes-map-type"] {
        if v.get(k).is_some() {
            errs.push(forbidden(
                format!("{path}.{k}"),
                "must be undefined to be structural",
            ));
        }
    }
    if present("x-kubernetes-validations") {
        errs.push(forbidden(
            format!("{path}.x-kubernetes-validations"),
            "must be empty to be structural",
        ));
    }
    if v.get("properties")
        .and_then(|p| p.get("metadata"))
        .is_some()
    {
        errs.push(forbidden(
            format!("{path}.properties[metadata]"),
            "must not be specified in a nested context",
        ));
    }
}

/// `validateStructuralCompleteness` (the root's clauses): every property or items a clause
/// constrains must be specified by the structural schema.
fn structural_completeness(s: &Value, path: &str, errs: &mut Vec<FieldError>) {
    fn clauses(v: &Value, vpath: &str) -> Vec<(Value, String)> {
        let mut out = Vec::new();
        if let Some(not) = v.get("not").filter(|x| x.is_object()) {
            out.push((not.clone(), format!("{vpath}.not")));
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            for (i, x) in v
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                out.push((x.clone(), format!("{vpath}.{key}[{i}]")));
            }
        }
        out
    }
    fn nested(nv: &Value, s: Option<&Value>, spath: &str, vpath: &str, errs: &mut Vec<FieldError>) {
        if spath.len() > 4096 {
            return;
        }
        let Some(s) = s else {
            errs.push(FieldError::required(
                spath,
                format!("because it is defined in {vpath}"),
            ));
            return;
        };
        for (c, cp) in clauses(nv, vpath) {
            nested(&c, Some(s), spath, &cp, errs);
        }
        if let Some(items) = nv.get("items").filter(|x| x.is_object()) {
            nested(
                items,
                s.get("items").filter(|x| x.is_object()),
                &format!("{spath}.items"),
                &format!("{vpath}.items"),
                errs,
            );
        }
        if let Some(props) = nv.get("properties").and_then(Value::as_object) {
            for (k, p) in props.iter() {
                let sp = format!("{spath}.properties[{k}]");
                let vp = format!("{vpath}.properties[{k}]");
                match s.get("properties").and_then(|x| x.get(k)) {
                    Some(sf) => nested(p, Some(sf), &sp, &vp, errs),
                    None => errs.push(FieldError::required(
                        sp,
                        format!("because it is defined in {vp}"),
                    )),
                }
            }
        }
    }
    for (c, cp) in clauses(s, path) {
        nested(&c, Some(s), path, &cp, errs);
    }
}

/// `ValidateDefaults`: every default must survive pruning unchanged and validate against its
/// own schema.
fn defaults_at(s: &Schema, raw: &Value, path: &str, root: bool, errs: &mut Vec<FieldError>) {
    if path.len() > 4096 {
        return;
    }
    let inside_meta_root = root;
    if let Some(d) = &s.default {
        let mut pruned = d.clone();
        let unknown = prune_default(&mut pruned, s);
        if !unknown {
            // nothing pruned
        } else {
            errs.push(invalid(
                format!("{path}.default"),
                d,
                "must not have unknown fields",
            ));
        }
        errs.extend(openapi::validate(s, d, Some(&format!("{path}.default"))));
    }
    if let (Some(items), Some(raw_items)) = (&s.items, raw.get("items")) {
        defaults_at(items, raw_items, &format!("{path}.items"), false, errs);
    }
    for (k, sub) in &s.properties {
        if inside_meta_root && matches!(k.as_str(), "metadata" | "apiVersion" | "kind") {
            continue;
        }
        if let Some(raw_sub) = raw.get("properties").and_then(|p| p.get(k)) {
            defaults_at(
                sub,
                raw_sub,
                &format!("{path}.properties[{k}]"),
                false,
                errs,
            );
        }
    }
}

/// Whether pruning a default with its own schema would drop anything.
fn prune_default(d: &mut Value, s: &Schema) -> bool {
    match d {
        Value::Object(_) | Value::Array(_) => {
            let before = d.clone();
            let mut wrapped = crate::json!({"d": before.clone()});
            let holder = Schema {
                type_: "object".into(),
                properties: vec![("d".into(), s.clone())],
                ..Schema::default()
            };
            let _ = prune(&mut wrapped, &holder);
            wrapped.get("d") != Some(&before)
        }
        _ => false,
    }
}

/// The state of `specStandardValidatorV3`.
#[derive(Clone)]
struct Ssv {
    allow_defaults: bool,
    reason: String,
    inside_meta: bool,
}

/// `ValidateCustomResourceDefinitionOpenAPISchema` (schema errors; CEL rules are not compiled).
fn openapi_schema(
    v: &Value,
    path: &str,
    ssv: &Ssv,
    is_root: bool,
    errs: &mut Vec<FieldError>,
    depth: usize,
) {
    if depth > 128 {
        return;
    }
    let Some(m) = v.as_object() else { return };
    // specStandardValidatorV3.validate
    let ty = type_of(v);
    if !ty.is_empty() && !OPENAPI_V3_TYPES.contains(&ty) {
        errs.push(FieldError::not_supported(
            format!("{path}.type"),
            go_quote(ty),
            OPENAPI_V3_TYPES,
        ));
    }
    if m.contains_key("default") && !ssv.allow_defaults {
        let mut detail = "must not be set".to_string();
        if !ssv.reason.is_empty() {
            detail.push(' ');
            detail.push_str(&ssv.reason);
        }
        errs.push(forbidden(format!("{path}.default"), detail));
    }
    for (key, field, detail) in [
        ("id", "id", "id is not supported"),
        (
            "additionalItems",
            "additionalItems",
            "additionalItems is not supported",
        ),
        (
            "patternProperties",
            "patternProperties",
            "patternProperties is not supported",
        ),
        ("definitions", "definitions", "definitions is not supported"),
        (
            "dependencies",
            "dependencies",
            "dependencies is not supported",
        ),
        ("$ref", "$ref", "$ref is not supported"),
    ] {
        if m.get(key).is_some_and(|x| !is_zero(x)) {
            errs.push(forbidden(format!("{path}.{field}"), detail));
        }
    }
    if ty == "null" {
        errs.push(forbidden(
            format!("{path}.type"),
            "type cannot be set to null, use nullable as an alternative",
        ));
    }
    if m.get("items").is_some_and(Value::is_array) {
        errs.push(forbidden(
            format!("{path}.items"),
            "items must be a schema object and not an array",
        ));
    }
    let embedded = flag(v, "x-kubernetes-embedded-resource");
    if ssv.inside_meta && embedded {
        errs.push(forbidden(
            format!("{path}.x-kubernetes-embedded-resource"),
            "must not be used inside of resource meta",
        ));
    }
    if flag(v, "uniqueItems") {
        errs.push(forbidden(
            format!("{path}.uniqueItems"),
            "uniqueItems cannot be set to true since the runtime complexity becomes quadratic",
        ));
    }
    let props = m.get("properties").and_then(Value::as_object);
    if let Some(add) = m.get("additionalProperties") {
        if props.is_some_and(|p| !p.is_empty()) && (add.as_bool() == Some(false) || add.is_object())
        {
            errs.push(forbidden(
                format!("{path}.additionalProperties"),
                "additionalProperties and properties are mutual exclusive",
            ));
        }
        let mut sub = ssv.clone();
        if ssv.inside_meta {
            sub.allow_defaults = false;
            sub.reason = "inside additionalProperties applying to object metadata".into();
        }
        if add.is_object() {
            openapi_schema(
                add,
                &format!("{path}.additionalProperties"),
                &sub,
                false,
                errs,
                depth + 1,
            );
        }
    }
    if let Some(props) = props {
        for (k, p) in props.iter() {
            let mut sub = ssv.clone();
            if (is_root || embedded) && matches!(k.as_str(), "metadata" | "kind" | "apiVersion") {
                sub.inside_meta = true;
                if is_root {
                    sub.allow_defaults = false;
                    sub.reason = format!("in top-level {k}");
                }
            }
            openapi_schema(
                p,
                &format!("{path}.properties[{k}]"),
                &sub,
                false,
                errs,
                depth + 1,
            );
        }
    }
    if let Some(not) = m.get("not") {
        openapi_schema(not, &format!("{path}.not"), ssv, false, errs, depth + 1);
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for (i, x) in m
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            openapi_schema(
                x,
                &format!("{path}.{key}[{i}]"),
                ssv,
                false,
                errs,
                depth + 1,
            );
        }
    }
    if let Some(items) = m.get("items").filter(|x| x.is_object()) {
        openapi_schema(items, &format!("{path}.items"), ssv, false, errs, depth + 1);
    }
    if m.get("x-kubernetes-preserve-unknown-fields")
        .and_then(Value::as_bool)
        == Some(false)
    {
        errs.push(FieldError::invalid(
            format!("{path}.x-kubernetes-preserve-unknown-fields"),
            "false",
            "must be true or undefined",
        ));
    }
    let map_type = m.get("x-kubernetes-map-type").and_then(Value::as_str);
    if let Some(mt) = map_type {
        if ty != "object" {
            if ty.is_empty() {
                errs.push(FieldError::required(
                    format!("{path}.type"),
                    "must be object if x-kubernetes-map-type is specified",
                ));
            } else {
                errs.push(invalid_str(
                    format!("{path}.type"),
                    ty,
                    "must be object if x-kubernetes-map-type is specified",
                ));
            }
        }
        if mt != "atomic" && mt != "granular" {
            errs.push(FieldError::not_supported(
                format!("{path}.x-kubernetes-map-type"),
                go_quote(mt),
                &["atomic", "granular"],
            ));
        }
    }
    let list_type = m.get("x-kubernetes-list-type").and_then(Value::as_str);
    let items = m.get("items").filter(|x| x.is_object());
    if let Some(lt) = list_type {
        if ty != "array" {
            if ty.is_empty() {
                errs.push(FieldError::required(
                    format!("{path}.type"),
                    "must be array if x-kubernetes-list-type is specified",
                ));
            } else {
                errs.push(invalid_str(
                    format!("{path}.type"),
                    ty,
                    "must be array if x-kubernetes-list-type is specified",
                ));
            }
        } else if lt == "set" {
            if let Some(is) = items {
                match type_of(is) {
                    "array" => {
                        if let Some(ilt) = is.get("x-kubernetes-list-type").and_then(Value::as_str)
                        {
                            if ilt != "atomic" {
                                errs.push(invalid_str(
                                    format!("{path}.items.x-kubernetes-list-type"),
                                    ilt,
                                    "must be atomic as item of a list with x-kubernetes-list-type=set",
                                ));
                            }
                        }
                    }
                    "object"
                        if is.get("x-kubernetes-map-type").and_then(Value::as_str)
                            != Some("atomic") =>
                    {
                        errs.push(FieldError::invalid(
                            format!("{path}.items.x-kubernetes-map-type"),
                            go_value(is.get("x-kubernetes-list-type").unwrap_or(&Value::Null)),
                            "must be atomic as item of a list with x-kubernetes-list-type=set",
                        ));
                    }
                    _ => {}
                }
            }
        }
        if !matches!(lt, "atomic" | "set" | "map") {
            errs.push(FieldError::not_supported(
                format!("{path}.x-kubernetes-list-type"),
                go_quote(lt),
                &["atomic", "set", "map"],
            ));
        }
    }
    let map_keys = strs(v, "x-kubernetes-list-map-keys");
    if !map_keys.is_empty() {
        match list_type {
            None => errs.push(FieldError::required(
                format!("{path}.x-kubernetes-list-type"),
                "must be map if x-kubernetes-list-map-keys is non-empty",
            )),
            Some(lt) if lt != "map" => errs.push(invalid_str(
                format!("{path}.x-kubernetes-list-type"),
                lt,
                "must be map if x-kubernetes-list-map-keys is non-empty",
            )),
            _ => {}
        }
    }
    let keys_value = || Value::Array(map_keys.iter().map(|k| Value::from(k.as_str())).collect());
    if list_type == Some("map") {
        if map_keys.is_empty() {
            errs.push(FieldError::required(
                format!("{path}.x-kubernetes-list-map-keys"),
                "must not be empty if x-kubernetes-list-type is map",
            ));
        }
        match items {
            None => errs.push(FieldError::required(
                format!("{path}.items"),
                "must have a schema if x-kubernetes-list-type is map",
            )),
            Some(is) if type_of(is) != "object" => errs.push(invalid_str(
                format!("{path}.items.type"),
                type_of(is),
                "must be object if parent array's x-kubernetes-list-type is map",
            )),
            Some(is) => {
                let mut seen: Vec<&str> = Vec::new();
                for k in &map_keys {
                    match is.get("properties").and_then(|p| p.get(k)) {
                        Some(p) if matches!(type_of(p), "array" | "object") => errs
                            .push(invalid_str(
                            format!("{path}.items.properties[{k}].type"),
                            type_of(is),
                            "must be a scalar type if parent array's x-kubernetes-list-type is map",
                        )),
                        Some(_) => {}
                        None => errs.push(invalid(
                            format!("{path}.x-kubernetes-list-map-keys"),
                            &keys_value(),
                            "entries must all be names of item properties",
                        )),
                    }
                    if seen.contains(&k.as_str()) {
                        errs.push(invalid(
                            format!("{path}.x-kubernetes-list-map-keys"),
                            &keys_value(),
                            "must not contain duplicate entries",
                        ));
                    }
                    seen.push(k);
                }
            }
        }
    }
    // validateMapListKeysMapSet
    if let (Some(is), Some(lt @ ("set" | "map"))) = (items, list_type) {
        if flag(is, "nullable") {
            errs.push(forbidden(
                format!("{path}.items.nullable"),
                format!("cannot be nullable when x-kubernetes-list-type is {lt}"),
            ));
        }
        if lt == "map" {
            let required = strs(is, "required");
            for k in &map_keys {
                let Some(p) = is.get("properties").and_then(|p| p.get(k)) else {
                    continue;
                };
                if !required.contains(k) && p.get("default").is_none() {
                    errs.push(FieldError::required(
                        format!("{path}.items.properties[{k}].default"),
                        "this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property",
                    ));
                }
                if flag(p, "nullable") {
                    errs.push(forbidden(
                        format!("{path}.items.properties[{k}].nullable"),
                        "this property is in x-kubernetes-list-map-keys, so it cannot be nullable",
                    ));
                }
            }
        }
    }
    // x-kubernetes-validations: the rule fields (CEL itself is not compiled).
    for (i, rule) in m
        .get("x-kubernetes-validations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let p = format!("{path}.x-kubernetes-validations[{i}]");
        let r = s(rule, "rule").trim();
        let msg = s(rule, "message");
        if r.is_empty() {
            errs.push(FieldError::required(
                format!("{p}.rule"),
                "rule is not specified",
            ));
        } else if !msg.is_empty() && msg.trim().is_empty() {
            errs.push(invalid_str(
                format!("{p}.message"),
                msg,
                "must be non-empty if specified",
            ));
        } else if msg.trim().contains('\n') {
            errs.push(invalid_str(
                format!("{p}.message"),
                msg,
                "must not contain line breaks",
            ));
        } else if r.contains('\n') && msg.trim().is_empty() {
            errs.push(FieldError::required(
                format!("{p}.message"),
                "message must be specified if rule contains line breaks",
            ));
        }
    }
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
