//! The structural-schema rules of a CRD schema (apiextensions-apiserver
//! `pkg/apiserver/schema/validation.go`: `validateStructuralInvariants`,
//! `validateValueValidation`, `validateNestedValueValidation`,
//! `validateStructuralCompleteness`; `convert.go` `validateUnsupportedFields`), read on the
//! raw `openAPIV3Schema`, and the field-error helpers the CRD checks share.
use super::values::go_value;
use crate::api::Value;
use crate::server::status::{go_quote, FieldError, FieldErrorKind};

pub(super) fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or("")
}

pub(super) fn strs(v: &Value, k: &str) -> Vec<String> {
    v.get(k)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|x| x.as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

pub(super) fn invalid(
    field: impl Into<String>,
    value: &Value,
    detail: impl Into<String>,
) -> FieldError {
    FieldError::invalid(field, go_value(value), detail)
}

pub(super) fn invalid_str(
    field: impl Into<String>,
    value: &str,
    detail: impl Into<String>,
) -> FieldError {
    FieldError::invalid(field, go_quote(value), detail)
}

pub(super) fn forbidden(field: impl Into<String>, detail: impl Into<String>) -> FieldError {
    FieldError {
        kind: FieldErrorKind::Forbidden,
        field: field.into(),
        value: String::new(),
        detail: detail.into(),
    }
}

/// Whether a JSON value is Go's zero value of its field (so `reflect.DeepEqual` with zero).
pub(super) fn is_zero(v: &Value) -> bool {
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
pub(super) fn unsupported_field(v: &Value, depth: usize) -> Option<String> {
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
pub(super) enum Level {
    Root,
    Item,
    Field,
}

pub(super) fn type_of(v: &Value) -> &str {
    s(v, "type")
}

pub(super) fn flag(v: &Value, k: &str) -> bool {
    v.get(k).and_then(Value::as_bool) == Some(true)
}

/// `validateStructuralInvariants`.
pub(super) fn structural_invariants(v: &Value, lvl: Level, path: &str, errs: &mut Vec<FieldError>) {
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
pub(super) fn structural_completeness(s: &Value, path: &str, errs: &mut Vec<FieldError>) {
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
