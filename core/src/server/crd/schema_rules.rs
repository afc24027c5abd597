//! The rules of a CRD's `openAPIV3Schema` (apiextensions-apiserver
//! `pkg/apis/apiextensions/validation/validation.go`: `validateCustomResourceDefinitionValidation`,
//! `ValidateCustomResourceDefinitionOpenAPISchema`, `specStandardValidatorV3`,
//! `validateMapListKeysMapSet`; `pkg/apiserver/schema/defaulting/validation.go`
//! `ValidateDefaults`). CEL (`x-kubernetes-validations` rules) is not compiled: only the rule
//! fields' presence is checked.
use super::coerce::prune;
use super::openapi;
use super::schema::Schema;
use super::structural::{
    flag, forbidden, invalid, invalid_str, is_zero, s, strs, structural_completeness,
    structural_invariants, type_of, unsupported_field, Level,
};
use super::values::go_value;
use crate::api::Value;
use crate::server::status::{go_quote, FieldError};

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
