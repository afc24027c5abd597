//! `ObjectMeta`, labels, annotations and label selectors: apimachinery's
//! pkg/api/validation/objectmeta.go (`ValidateObjectMetaAccessor`,
//! `ValidateObjectMetaAccessorUpdate`) and pkg/apis/meta/v1/validation/validation.go
//! (`ValidateLabels`, `ValidateLabelSelector`, `ValidateManagedFields`).
use super::names::{self, NameFormat};
use super::render::{json_ordered, quote};
use super::Errors;
use crate::api::Value;
use crate::server::status::FieldError;

/// `TotalAnnotationSizeLimitB`: 256 KiB for all annotation keys and values together.
pub const TOTAL_ANNOTATION_SIZE_LIMIT: usize = 256 * 1024;
/// `FieldManagerMaxLength`.
pub const FIELD_MANAGER_MAX_LENGTH: usize = 128;
/// `MaxSubresourceNameLength`.
const MAX_SUBRESOURCE_NAME_LENGTH: usize = 256;

/// A string at `key` of `v`, `""` when absent or not a string.
pub(super) fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// `ValidateObjectMeta`: the metadata of a new object (`namespaced` as the kind's scope).
pub fn object_meta(obj: &Value, namespaced: bool, format: NameFormat, errs: &mut Errors) {
    let meta = obj.get("metadata").unwrap_or(&Value::Null);
    let generate = s(meta, "generateName");
    if !generate.is_empty() {
        for m in format.check(generate, true) {
            errs.push(FieldError::invalid(
                "metadata.generateName",
                quote(generate),
                m,
            ));
        }
    }
    let name = s(meta, "name");
    if name.is_empty() {
        errs.push(FieldError::required(
            "metadata.name",
            "name or generateName is required",
        ));
    } else {
        for m in format.check(name, false) {
            errs.push(FieldError::invalid("metadata.name", quote(name), m));
        }
    }
    common(meta, namespaced, errs);
}

/// `validateObjectMetaAccessorWithOptsCommon`.
fn common(meta: &Value, namespaced: bool, errs: &mut Errors) {
    let ns = s(meta, "namespace");
    if namespaced {
        if ns.is_empty() {
            errs.push(FieldError::required("metadata.namespace", ""));
        } else {
            for m in names::dns1123_label(ns) {
                errs.push(FieldError::invalid("metadata.namespace", quote(ns), m));
            }
        }
    } else if !ns.is_empty() {
        errs.push(FieldError::forbidden(
            "metadata.namespace",
            "not allowed on this type",
        ));
    }
    if let Some(g) = meta.get("generation").and_then(Value::as_i64) {
        nonnegative(g, "metadata.generation", errs);
    }
    labels(meta.get("labels"), "metadata.labels", errs);
    annotations(meta.get("annotations"), "metadata.annotations", errs);
    owner_references(meta.get("ownerReferences"), errs);
    finalizers(meta.get("finalizers"), "metadata.finalizers", errs);
    managed_fields(meta.get("managedFields"), errs);
}

/// `ValidateObjectMetaUpdate`: what an update may not do to the metadata.
pub fn object_meta_update(new: &Value, old: &Value, errs: &mut Errors) {
    let nm = new.get("metadata").unwrap_or(&Value::Null);
    let om = old.get("metadata").unwrap_or(&Value::Null);
    if om.get("deletionTimestamp").is_some_and(|v| !v.is_null()) {
        let old_f = strings(om.get("finalizers"));
        let mut extra: Vec<String> = strings(nm.get("finalizers"))
            .into_iter()
            .filter(|f| !old_f.contains(f))
            .collect();
        extra.sort();
        extra.dedup();
        if !extra.is_empty() {
            let list: Vec<String> = extra.iter().map(|f| quote(f)).collect();
            errs.push(FieldError::forbidden(
                "metadata.finalizers",
                format!(
                    "no new finalizers can be added if the object is being deleted, found new finalizers []string{{{}}}",
                    list.join(", ")
                ),
            ));
        }
    }
    let gen = |m: &Value| m.get("generation").and_then(Value::as_i64).unwrap_or(0);
    if gen(nm) < gen(om) {
        errs.push(FieldError::invalid(
            "metadata.generation",
            gen(nm).to_string(),
            "must not be decremented",
        ));
    }
    for f in ["name", "namespace", "uid"] {
        if s(nm, f) != s(om, f) {
            errs.push(FieldError::invalid(
                format!("metadata.{f}"),
                quote(s(nm, f)),
                "field is immutable",
            ));
        }
    }
    labels(nm.get("labels"), "metadata.labels", errs);
    annotations(nm.get("annotations"), "metadata.annotations", errs);
    owner_references(nm.get("ownerReferences"), errs);
    managed_fields(nm.get("managedFields"), errs);
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// `ValidateNonnegativeField`.
pub fn nonnegative(v: i64, field: &str, errs: &mut Errors) {
    if v < 0 {
        errs.push(FieldError::invalid(
            field,
            v.to_string(),
            "must be greater than or equal to 0",
        ));
    }
}

/// `ValidateLabelName`.
pub fn label_name(key: &str, field: &str, errs: &mut Errors) {
    for m in names::qualified_name(key) {
        errs.push(FieldError::invalid(field, quote(key), m));
    }
}

/// `ValidateLabels`: every key a qualified name, every value a label value (both reported at
/// the map's path, as upstream does).
pub fn labels(map: Option<&Value>, field: &str, errs: &mut Errors) {
    for (k, v) in map.and_then(Value::as_object).into_iter().flatten() {
        label_name(k, field, errs);
        let v = v.as_str().unwrap_or("");
        for m in names::label_value(v) {
            errs.push(FieldError::invalid(field, quote(v), m));
        }
    }
}

/// `ValidateAnnotations`: keys are qualified names (checked lowercased) and all keys and
/// values together hold at most 256 KiB.
pub fn annotations(map: Option<&Value>, field: &str, errs: &mut Errors) {
    let Some(m) = map.and_then(Value::as_object) else {
        return;
    };
    let mut total = 0usize;
    for (k, v) in m {
        for msg in names::qualified_name(&k.to_lowercase()) {
            errs.push(FieldError::invalid(field, quote(k), msg));
        }
        total = total
            .saturating_add(k.len())
            .saturating_add(v.as_str().map_or(0, str::len));
    }
    if total > TOTAL_ANNOTATION_SIZE_LIMIT {
        errs.push(FieldError::too_long(field, TOTAL_ANNOTATION_SIZE_LIMIT));
    }
}

/// `metav1.OwnerReference`'s fields in declaration order (how `json.Marshal` prints them).
const OWNER_REFERENCE_FIELDS: &[&str] = &[
    "apiVersion",
    "kind",
    "name",
    "uid",
    "controller",
    "blockOwnerDeletion",
];

/// `ValidateOwnerReferences`.
fn owner_references(refs: Option<&Value>, errs: &mut Errors) {
    let field = "metadata.ownerReferences";
    let mut first_controller = String::new();
    let Some(refs) = refs.and_then(Value::as_array) else {
        return;
    };
    for r in refs {
        let api_version = s(r, "apiVersion");
        let kind = s(r, "kind");
        // schema.FromAPIVersionAndKind: the version is what follows the last '/'.
        let version = api_version.rsplit('/').next().unwrap_or("");
        let version = if api_version.matches('/').count() > 1 {
            ""
        } else {
            version
        };
        if version.is_empty() {
            errs.push(FieldError::invalid(
                format!("{field}.apiVersion"),
                quote(api_version),
                "version must not be empty",
            ));
        }
        if kind.is_empty() {
            errs.push(FieldError::invalid(
                format!("{field}.kind"),
                quote(kind),
                "must not be empty",
            ));
        }
        if s(r, "name").is_empty() {
            errs.push(FieldError::invalid(
                format!("{field}.name"),
                quote(""),
                "must not be empty",
            ));
        }
        if s(r, "uid").is_empty() {
            errs.push(FieldError::invalid(
                format!("{field}.uid"),
                quote(""),
                "must not be empty",
            ));
        }
        if api_version == "v1" && kind == "Event" {
            errs.push(FieldError::invalid(
                field,
                json_ordered(r, OWNER_REFERENCE_FIELDS),
                "/v1, Kind=Event is disallowed from being an owner",
            ));
        }
        if r.get("controller").and_then(Value::as_bool) == Some(true) {
            let current = format!("{kind}/{}", s(r, "name"));
            if first_controller.is_empty() {
                first_controller = current;
            } else {
                let rendered: Vec<String> = refs
                    .iter()
                    .map(|r| json_ordered(r, OWNER_REFERENCE_FIELDS))
                    .collect();
                errs.push(FieldError::invalid(
                    field,
                    format!("[{}]", rendered.join(",")),
                    format!("Only one reference can have Controller set to true. Found \"true\" in references for {first_controller} and {current}"),
                ));
            }
        }
    }
}

/// `ValidateFinalizers`.
pub fn finalizers(list: Option<&Value>, field: &str, errs: &mut Errors) {
    let all = strings(list);
    for f in &all {
        for m in names::qualified_name(f) {
            errs.push(FieldError::invalid(field, quote(f), m));
        }
    }
    if all.iter().any(|f| f == "orphan") && all.iter().any(|f| f == "foregroundDeletion") {
        let list: Vec<String> = all.iter().map(|f| quote(f)).collect();
        errs.push(FieldError::invalid(
            field,
            format!("[{}]", list.join(",")),
            "finalizer orphan and foregroundDeletion cannot be both set",
        ));
    }
}

/// `ValidateManagedFields`.
fn managed_fields(list: Option<&Value>, errs: &mut Errors) {
    for (i, e) in list
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let p = format!("metadata.managedFields[{i}]");
        let op = s(e, "operation");
        if op != "Apply" && op != "Update" {
            errs.push(FieldError::invalid(
                format!("{p}.operation"),
                quote(op),
                "must be `Apply` or `Update`",
            ));
        }
        let ft = s(e, "fieldsType");
        if !ft.is_empty() && ft != "FieldsV1" {
            errs.push(FieldError::invalid(
                format!("{p}.fieldsType"),
                quote(ft),
                "must be `FieldsV1`",
            ));
        }
        errs.extend(field_manager(s(e, "manager"), &format!("{p}.manager")));
        if s(e, "subresource").len() > MAX_SUBRESOURCE_NAME_LENGTH {
            errs.push(FieldError::too_long(
                format!("{p}.subresource"),
                MAX_SUBRESOURCE_NAME_LENGTH,
            ));
        }
    }
}

/// `ValidateFieldManager`: at most 128 bytes of printable characters.
pub fn field_manager(manager: &str, field: &str) -> Errors {
    let mut errs = Vec::new();
    if manager.len() > FIELD_MANAGER_MAX_LENGTH {
        errs.push(FieldError::too_long(field, FIELD_MANAGER_MAX_LENGTH));
    }
    for (i, c) in manager.char_indices() {
        if c.is_control() {
            errs.push(FieldError::invalid(
                field,
                quote(manager),
                format!(
                    "invalid character U+{:04X} {} (at position {i})",
                    c as u32,
                    quote_rune(c)
                ),
            ));
        }
    }
    errs
}

/// Go's `%#U` rune name part: `'x'` when printable; a control rune has none.
fn quote_rune(c: char) -> String {
    if c.is_control() {
        String::new()
    } else {
        format!("'{c}'")
    }
}

/// `ValidateLabelSelector` (strict: invalid label values in selectors are errors).
pub fn label_selector(sel: Option<&Value>, field: &str, errs: &mut Errors) {
    let Some(sel) = sel.filter(|v| !v.is_null()) else {
        return;
    };
    labels(
        sel.get("matchLabels"),
        &format!("{field}.matchLabels"),
        errs,
    );
    for (i, e) in sel
        .get("matchExpressions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let p = format!("{field}.matchExpressions[{i}]");
        let op = s(e, "operator");
        let values: Vec<&Value> = e
            .get("values")
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        match op {
            "In" | "NotIn" => {
                if values.is_empty() {
                    errs.push(FieldError::required(
                        format!("{p}.values"),
                        "must be specified when `operator` is 'In' or 'NotIn'",
                    ));
                }
            }
            "Exists" | "DoesNotExist" => {
                if !values.is_empty() {
                    errs.push(FieldError::forbidden(
                        format!("{p}.values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    ));
                }
            }
            _ => errs.push(FieldError::invalid(
                format!("{p}.operator"),
                quote(op),
                "not a valid selector operator",
            )),
        }
        label_name(s(e, "key"), &format!("{p}.key"), errs);
        for (j, v) in values.iter().enumerate() {
            let v = v.as_str().unwrap_or("");
            for m in names::label_value(v) {
                errs.push(FieldError::invalid(format!("{p}.values[{j}]"), quote(v), m));
            }
        }
    }
}

/// Whether a label selector has no requirement at all (`{}`).
pub fn selector_is_empty(sel: &Value) -> bool {
    let n = |k: &str| {
        sel.get(k)
            .map(|v| match v {
                Value::Object(m) => m.len(),
                Value::Array(a) => a.len(),
                _ => 0,
            })
            .unwrap_or(0)
    };
    n("matchLabels") + n("matchExpressions") == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn run(f: impl FnOnce(&mut Errors)) -> Vec<String> {
        let mut errs = Vec::new();
        f(&mut errs);
        errs.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn metadata_of_new_objects() {
        let got = run(|e| {
            object_meta(
                &json!({"metadata": {"name": "Web", "namespace": "default", "labels": {"app": "a".repeat(64)}, "finalizers": ["orphan", "foregroundDeletion"]}}),
                true,
                NameFormat::Dns1123Subdomain,
                e,
            )
        });
        assert!(
            got[0].starts_with(
                "metadata.name: Invalid value: \"Web\": a lowercase RFC 1123 subdomain"
            ),
            "{got:?}"
        );
        assert_eq!(
            got[1],
            format!(
                "metadata.labels: Invalid value: \"{}\": must be no more than 63 bytes",
                "a".repeat(64)
            )
        );
        assert_eq!(got[2], "metadata.finalizers: Invalid value: [\"orphan\",\"foregroundDeletion\"]: finalizer orphan and foregroundDeletion cannot be both set");
        let got =
            run(|e| object_meta(&json!({"metadata": {}}), false, NameFormat::Dns1123Label, e));
        assert_eq!(
            got,
            vec!["metadata.name: Required value: name or generateName is required"]
        );
    }

    #[test]
    fn annotations_total_size() {
        let big = json!({"a": "x".repeat(TOTAL_ANNOTATION_SIZE_LIMIT)});
        let got = run(|e| annotations(Some(&big), "metadata.annotations", e));
        assert_eq!(
            got,
            vec!["metadata.annotations: Too long: may not be more than 262144 bytes"]
        );
        let ok = json!({"a": "x".repeat(TOTAL_ANNOTATION_SIZE_LIMIT - 1)});
        assert!(run(|e| annotations(Some(&ok), "metadata.annotations", e)).is_empty());
    }

    #[test]
    fn label_selector_requirements() {
        let sel = json!({"matchExpressions": [{"key": "a", "operator": "In"}, {"key": "b", "operator": "Exists", "values": ["x"]}, {"key": "c", "operator": "Gt", "values": ["1"]}]});
        let got = run(|e| label_selector(Some(&sel), "spec.selector", e));
        assert_eq!(got, vec![
            "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
            "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            "spec.selector.matchExpressions[2].operator: Invalid value: \"Gt\": not a valid selector operator",
        ]);
    }

    #[test]
    fn updates_keep_finalizers_of_deleted_objects() {
        let old = json!({"metadata": {"name": "a", "deletionTimestamp": "2026-01-01T00:00:00Z", "finalizers": ["a.io/x"]}});
        let new = json!({"metadata": {"name": "a", "deletionTimestamp": "2026-01-01T00:00:00Z", "finalizers": ["a.io/x", "b.io/y"]}});
        let got = run(|e| object_meta_update(&new, &old, e));
        assert_eq!(got, vec!["metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{\"b.io/y\"}"]);
    }
}
