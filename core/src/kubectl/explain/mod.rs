//! `kubectl explain` (k8s.io/kubectl/pkg/cmd/explain, pkg/explain/v2): the OpenAPI v3 schema
//! of a kind rendered by kubectl's `plaintext.tmpl`, followed step by step here (`output`,
//! `fieldList`, `fieldDetail`, `description`, `typeGuess`, `extractEnum`) with its `wrap`
//! (github.com/mitchellh/go-wordwrap v1.0.1 `WrapString`) and `indent` functions.
//!
//! The schemas (`docs.json`, made by `gen_docs.py`) are upstream's: kubectl's and client-go's
//! OpenAPI v3 test data for core/v1, apps/v1, batch/v1, autoscaling and discovery.k8s.io,
//! and the Kubernetes v1.27 swagger for the other built-in groups. Kinds without an upstream
//! schema (kplane's custom resources) are explained as the API server publishes a CRD
//! without a structural schema: `apiVersion`, `kind` and `metadata`.
use super::resources::resolve_type;
use super::{Ctx, Error};
use crate::api::{KindInfo, Value};
use std::collections::BTreeSet;
use std::sync::OnceLock;

const DOCS: &str = include_str!("docs.json");

/// The parsed schemas: `{schemas: {name: schema}, kinds: [[group, version, kind, name]]}`.
pub(crate) fn docs() -> &'static Value {
    static DOCS_VALUE: OnceLock<Value> = OnceLock::new();
    DOCS_VALUE.get_or_init(|| serde_json::from_str(DOCS).unwrap_or_default())
}

/// The schemas by name.
struct Doc<'a> {
    schemas: &'a Value,
}

impl<'a> Doc<'a> {
    /// `resolveRef`: the schema a `$ref` names.
    fn resolve(&self, schema: &Value) -> Option<&'a Value> {
        let name = schema.get("$ref")?.as_str()?;
        self.schemas.get(name).filter(|s| truthy(s))
    }

    /// `or (resolveRef $ref) $schema`.
    fn resolved<'b>(&self, schema: &'b Value) -> &'b Value
    where
        'a: 'b,
    {
        self.resolve(schema).unwrap_or(schema)
    }
}

/// Go template truthiness of a JSON value (empty maps, lists and strings are false).
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => !m.is_empty(),
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
    }
}

/// A field of a schema when it is a (non-empty) map.
fn map_field<'v>(schema: &'v Value, key: &str) -> Option<&'v Value> {
    schema.get(key).filter(|v| v.is_object() && truthy(v))
}

fn properties(schema: &Value) -> Vec<(&str, &Value)> {
    let mut props: Vec<(&str, &Value)> = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.as_ref(), v)).collect())
        .unwrap_or_default();
    props.sort_by(|a, b| a.0.cmp(b.0));
    props
}

fn all_of(schema: &Value) -> &[Value] {
    schema
        .get("allOf")
        .and_then(Value::as_array)
        .map_or(&[], |a| a.as_slice())
}

/// `WrapString` of github.com/mitchellh/go-wordwrap v1.0.1: words move to the next line when
/// the line would pass `lim` runes; longer words stay whole; existing newlines are kept.
pub(crate) fn wrap(s: &str, lim: usize) -> String {
    let mut buf = String::with_capacity(s.len() + s.len() / 16);
    let mut current = 0usize;
    let (mut word, mut space) = (String::new(), String::new());
    let (mut word_len, mut space_len) = (0usize, 0usize);
    for c in s.chars() {
        if c == '\n' {
            if word.is_empty() {
                if current + space_len <= lim {
                    buf.push_str(&space);
                }
                space.clear();
                space_len = 0;
            } else {
                buf.push_str(&space);
                space.clear();
                space_len = 0;
                buf.push_str(&word);
                word.clear();
                word_len = 0;
            }
            buf.push(c);
            current = 0;
        } else if c.is_whitespace() && c != '\u{a0}' {
            if space.is_empty() || !word.is_empty() {
                current += space_len + word_len;
                buf.push_str(&space);
                space.clear();
                space_len = 0;
                buf.push_str(&word);
                word.clear();
                word_len = 0;
            }
            space.push(c);
            space_len += 1;
        } else {
            word.push(c);
            word_len += 1;
            if current + word_len + space_len > lim && word_len < lim {
                buf.push('\n');
                current = 0;
                space.clear();
                space_len = 0;
            }
        }
    }
    if word.is_empty() {
        if current + space_len <= lim {
            buf.push_str(&space);
        }
    } else {
        buf.push_str(&space);
        buf.push_str(&word);
    }
    buf
}

/// The template's `indent`: the pad before the text and after every newline.
fn indent(amount: usize, s: &str) -> String {
    let pad = " ".repeat(amount);
    format!("{pad}{}", s.replace('\n', &format!("\n{pad}")))
}

/// The `description` template: the schema's description and those of its `allOf`, `items`
/// and `additionalProperties`, each followed by a newline.
fn description(doc: &Doc<'_>, schema: &Value) -> String {
    let s = doc.resolved(schema);
    if !truthy(s) {
        return String::new();
    }
    let mut out = String::new();
    if let Some(d) = s
        .get("description")
        .and_then(Value::as_str)
        .filter(|d| !d.is_empty())
    {
        out.push_str(d);
        out.push('\n');
    }
    for sub in all_of(s) {
        out.push_str(&description(doc, sub));
    }
    if let Some(items) = map_field(s, "items") {
        out.push_str(&description(doc, items));
    }
    if let Some(ap) = map_field(s, "additionalProperties") {
        out.push_str(&description(doc, ap));
    }
    out
}

/// The `typeGuess` template: `string`, `Object`, `[]Container`, `map[string]string`, …
fn type_guess(doc: &Doc<'_>, schema: &Value) -> String {
    if let Some(items) = map_field(schema, "items") {
        return format!("[]{}", type_guess(doc, items));
    }
    if let Some(ap) = map_field(schema, "additionalProperties") {
        return format!("map[string]{}", type_guess(doc, ap));
    }
    let all = all_of(schema);
    if all.len() == 1 && !schema.get("properties").is_some_and(truthy) {
        return type_guess(doc, &all[0]);
    }
    if let Some(r) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .filter(|r| !r.is_empty())
    {
        let ty = doc
            .resolve(schema)
            .and_then(|s| s.get("type"))
            .and_then(Value::as_str);
        return match ty {
            Some(t) if !t.is_empty() && t != "object" => t.to_string(),
            _ => {
                let name = r.rsplit('/').next().unwrap_or(r);
                let last = name.rsplit('.').next().unwrap_or("");
                if last.is_empty() {
                    "Object".into()
                } else {
                    last.to_string()
                }
            }
        };
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") | None | Some("") => "Object".into(),
        Some(t) => t.to_string(),
    }
}

/// The `extractEnum` template (short view: `enum: a, b, c, d, ....` under the field).
fn extract_enum(schema: &Value, long: bool, limit: Option<usize>, indent_amount: usize) -> String {
    let Some(values) = schema
        .get("enum")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
    else {
        return String::new();
    };
    let mut out = if long {
        "ENUM:".to_string()
    } else {
        format!("\n{}enum: ", " ".repeat(indent_amount))
    };
    for (i, v) in values.iter().enumerate() {
        if limit.is_some_and(|l| i >= l) {
            out.push_str(", ....");
            break;
        }
        if long {
            out.push_str("\n    ");
        } else if i > 0 {
            out.push_str(", ");
        }
        match v {
            Value::String(s) if s.is_empty() => out.push_str("\"\""),
            Value::String(s) => out.push_str(s),
            other => out.push_str(&other.to_string()),
        }
    }
    out
}

/// The `fieldDetail` template.
fn field_detail(doc: &Doc<'_>, name: &str, container: &Value, short: bool, level: usize) -> String {
    let indent_amount = level * 2;
    let field = &container["properties"][name];
    let mut out = format!(
        "{}\t<{}>",
        indent(indent_amount, name),
        type_guess(doc, field)
    );
    let required = container
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(|r| r.iter().any(|x| x == name));
    if required {
        out.push_str(" -required-");
    }
    out.push_str(&extract_enum(field, false, Some(4), indent_amount));
    out.push('\n');
    if !short {
        let d = field
            .get("description")
            .and_then(Value::as_str)
            .filter(|d| !d.is_empty())
            .unwrap_or("<no description>");
        out.push_str(&indent(
            indent_amount + 2,
            &wrap(d, 78usize.saturating_sub(indent_amount)),
        ));
        out.push_str("\n\n");
    }
    out
}

/// The `fieldList` template (`history`: the refs on the way, to stop at cycles).
fn field_list(
    doc: &Doc<'_>,
    schema: &Value,
    level: usize,
    history: &BTreeSet<String>,
    recursive: bool,
) -> String {
    let ref_string = schema.get("$ref").and_then(Value::as_str).unwrap_or("");
    if !ref_string.is_empty() && history.contains(ref_string) {
        return String::new();
    }
    let mut next = history.clone();
    next.insert(ref_string.to_string());
    let resolved = doc.resolved(schema);
    let mut out = String::new();
    for (name, sub) in properties(resolved) {
        out.push_str(&field_detail(doc, name, resolved, recursive, level));
        if recursive {
            out.push_str(&field_list(doc, sub, level + 1, &next, recursive));
        }
    }
    for sub in all_of(resolved) {
        out.push_str(&field_list(doc, sub, level, &next, recursive));
    }
    if let Some(items) = map_field(resolved, "items") {
        out.push_str(&field_list(doc, items, level, &next, recursive));
    }
    if let Some(ap) = map_field(resolved, "additionalProperties") {
        out.push_str(&field_list(doc, ap, level, &next, recursive));
    }
    out
}

/// The `output` template: follows the field path, then prints the description and fields.
fn output(
    doc: &Doc<'_>,
    schema: &Value,
    path: &[String],
    history: &BTreeSet<String>,
    recursive: bool,
) -> String {
    let ref_string = schema.get("$ref").and_then(Value::as_str).unwrap_or("");
    let mut next = history.clone();
    next.insert(ref_string.to_string());
    let resolved = doc.resolved(schema);
    let Some((first, rest)) = path.split_first() else {
        let d = description(doc, resolved);
        let d = if d.is_empty() {
            "<empty>".to_string()
        } else {
            d
        };
        let mut out = format!("DESCRIPTION:\n{}\n", indent(4, &wrap(&d, 76)));
        let fields = field_list(doc, resolved, 1, &BTreeSet::new(), recursive);
        if !fields.is_empty() {
            out.push_str("FIELDS:\n");
            out.push_str(&fields);
        }
        return out;
    };
    if !ref_string.is_empty() && history.contains(ref_string) {
        return String::new();
    }
    if let Some(sub) = resolved
        .get("properties")
        .and_then(|p| p.get(first))
        .filter(|s| truthy(s))
    {
        let mut out = String::new();
        if rest.is_empty() {
            out.push_str(&format!("FIELD: {first} <{}>\n", type_guess(doc, sub)));
            out.push_str(&extract_enum(sub, true, None, 0));
            out.push_str("\n\n");
        }
        out.push_str(&output(doc, sub, rest, &BTreeSet::new(), recursive));
        return out;
    }
    if let Some(items) = map_field(resolved, "items") {
        return output(doc, items, path, &next, recursive);
    }
    if let Some(ap) = map_field(resolved, "additionalProperties") {
        return output(doc, ap, path, &next, recursive);
    }
    for sub in all_of(resolved) {
        let o = output(doc, sub, path, &next, recursive);
        if !o.is_empty() {
            return o;
        }
    }
    String::new()
}

/// The schema published for a kind without an upstream schema (a CRD whose schema preserves
/// unknown fields): `apiVersion`, `kind` and `metadata`.
fn schemaless(doc: &Doc<'_>) -> Value {
    let pod = doc.schemas.get("io.k8s.api.core.v1.Pod");
    let prop = |name: &str| {
        pod.and_then(|p| p.get("properties"))
            .and_then(|p| p.get(name))
            .cloned()
            .unwrap_or_default()
    };
    crate::json!({
        "type": "object",
        "properties": {
            "apiVersion": prop("apiVersion"),
            "kind": prop("kind"),
            "metadata": prop("metadata"),
        }
    })
}

/// The schema name of a kind in `docs.json`.
pub(crate) fn schema_name(kind: &KindInfo) -> Option<&'static str> {
    docs()["kinds"].as_array()?.iter().find_map(|k| {
        (k[0] == kind.group && k[1] == kind.version && k[2] == kind.kind)
            .then(|| k[3].as_str())
            .flatten()
    })
}

/// The explanation of a kind and field path (`PrintModelDescription`).
/// On error, what was printed before it and the error.
pub(crate) fn explain_text(
    kind: &KindInfo,
    path: &[String],
    recursive: bool,
) -> Result<String, (String, Error)> {
    let doc = Doc {
        schemas: &docs()["schemas"],
    };
    let fallback;
    let schema = match schema_name(kind).and_then(|n| doc.schemas.get(n)) {
        Some(s) => s,
        None => {
            fallback = schemaless(&doc);
            &fallback
        }
    };
    let mut out = String::new();
    if !kind.group.is_empty() {
        out.push_str(&format!("GROUP:      {}\n", kind.group));
    }
    out.push_str(&format!(
        "KIND:       {}\nVERSION:    {}\n\n",
        kind.kind, kind.version
    ));
    let body = output(&doc, schema, path, &BTreeSet::new(), recursive);
    if body.is_empty() {
        // The header was already written when the template throws.
        let last = path.last().map(String::as_str).unwrap_or("");
        return Err((
            out,
            Error::msg(format!("error: field \"{last}\" does not exist")),
        ));
    }
    out.push_str(&body);
    out.push('\n');
    Ok(out)
}

pub(super) fn explain(ctx: &mut Ctx<'_>) -> Result<(), Error> {
    let args = &ctx.p.args;
    if args.is_empty() {
        return Err(Error::msg("error: You must specify the type of resource to explain. Use \"kubectl api-resources\" for a complete list of supported resources.\n"));
    }
    if args.len() > 1 {
        return Err(Error::msg(
            "error: We accept only this format: explain RESOURCE\n",
        ));
    }
    let format = ctx.p.str("output");
    let arg = args[0].trim_end_matches('.').to_string();
    let mut segments = arg.split('.');
    let resource = segments.next().unwrap_or("");
    // The mapper's NoResourceMatchError is printed without the `error: ` prefix.
    let mut kind = resolve_type(resource).map_err(|e| match e {
        Error::Msg(m) => Error::Raw(m.trim_start_matches("error: ").to_string()),
        other => other,
    })?;
    // `deployments.apps.spec`: the group-resource prefix, else the first segment, names the type.
    let group_resource = if kind.group.is_empty() {
        kind.plural.to_string()
    } else {
        format!("{}.{}", kind.plural, kind.group)
    };
    let rest = match arg.strip_prefix(&group_resource) {
        Some(r) if r.is_empty() || r.starts_with('.') => r.trim_start_matches('.'),
        _ => arg.split_once('.').map_or("", |(_, r)| r),
    };
    let path: Vec<String> = rest
        .split('.')
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    let api_version = ctx.p.str("api-version");
    if !api_version.is_empty() {
        let (group, version) = match api_version.split_once('/') {
            Some((g, v)) => (g.to_string(), v.to_string()),
            None => (String::new(), api_version.clone()),
        };
        let found = crate::api::kinds::KINDS
            .iter()
            .find(|k| k.group == group && k.version == version && k.plural == kind.plural);
        kind = found.ok_or_else(|| {
            Error::msg(format!(
                "error: couldn't find resource for \"{group}/{version}, Resource={}\"",
                kind.plural
            ))
        })?;
    }
    if format != "plaintext" {
        return Err(Error::msg(format!("error: unrecognized format: {format}")));
    }
    match explain_text(kind, &path, ctx.p.bool("recursive")) {
        Ok(text) => {
            ctx.out.push_str(&text);
            Ok(())
        }
        Err((printed, e)) => {
            ctx.out.push_str(&printed);
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests;
