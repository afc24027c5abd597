//! Decoding manifests: multi-document YAML, JSON (one object or a stream), and `kind: List`
//! (what `kubectl get -o yaml` prints), with the API server's limits and strictness:
//!
//! - each object is one request body, at most [`MAX_REQUEST_BODY_BYTES`] (3 MiB, the API
//!   server's `MaxRequestBodyBytes`): `413 Request entity too large: limit is 3145728`;
//! - a stored object is at most [`MAX_OBJECT_BYTES`] (1.5 MiB, etcd's default
//!   `--max-request-bytes`): `etcdserver: request is too large`;
//! - nesting is at most [`MAX_DEPTH`] levels;
//! - a value of the wrong JSON type is refused as `json.Unmarshal` refuses it
//!   ([`check_request`]);
//! - duplicate keys are kept as strict decoding errors ([`Decoded::duplicates`]): an error
//!   under `fieldValidation=Strict`, a warning otherwise; the last value wins.
use super::status::Status;
use crate::api::{KindInfo, Value};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::cell::RefCell;
use std::fmt;

/// The API server's `MaxRequestBodyBytes` (3 MiB): the largest object one request may carry.
pub const MAX_REQUEST_BODY_BYTES: usize = 3 * 1024 * 1024;
/// etcd's default `--max-request-bytes` (1.5 MiB): the largest object the store accepts.
pub const MAX_OBJECT_BYTES: usize = 1536 * 1024;
/// The deepest nesting accepted in one object. Upstream's JSON scanner allows 10,000 levels;
/// kplane stops at 100, which no Kubernetes object needs, so that walking an object can never
/// exhaust the (small, in WebAssembly) stack.
pub const MAX_DEPTH: usize = 100;
/// The largest manifest text one call accepts (many documents; each is also limited to
/// [`MAX_REQUEST_BODY_BYTES`]).
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;

/// A decoded object and the 1-based line where its document starts.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The object (for duplicate keys, the last value).
    pub object: Value,
    /// The 1-based number of its document in the text.
    pub document: usize,
    /// The 1-based line where its document starts.
    pub line: usize,
    /// Strict decoding errors of its document, as the API server words them:
    /// `duplicate field "spec.replicas"` for JSON, `line 7: key "replicas" already set in map`
    /// for YAML. An error under `fieldValidation=Strict`, a warning otherwise.
    pub duplicates: Vec<String>,
}

fn too_large() -> Status {
    Status::request_entity_too_large(format!("limit is {MAX_REQUEST_BODY_BYTES}"))
}

/// Decodes a manifest text into its objects (`kind: List` items expanded).
pub fn decode(text: &str) -> Result<Vec<Decoded>, Status> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(Status::request_entity_too_large(format!(
            "limit is {MAX_INPUT_BYTES}"
        )));
    }
    let trimmed = text.trim_start();
    let docs = if trimmed.starts_with('{') || trimmed.starts_with('[') {
        decode_json(text)?
    } else {
        decode_yaml(text)?
    };
    let mut out = Vec::new();
    for d in docs {
        check_depth(&d.object, 0).map_err(|_| {
            Status::bad_request(format!(
                "error parsing document {}: exceeded max depth of {MAX_DEPTH}",
                d.document
            ))
        })?;
        expand_lists(d, &mut out)?;
    }
    for d in &out {
        if json_size_exceeds(&d.object, MAX_REQUEST_BODY_BYTES) {
            return Err(too_large());
        }
    }
    Ok(out)
}

/// Decodes one value of any shape (a patch, a JSON-patch list): JSON, or a single YAML document.
pub fn decode_value(text: &str) -> Result<Value, Status> {
    if text.len() > MAX_REQUEST_BODY_BYTES {
        return Err(too_large());
    }
    let value = match serde_json::from_str::<Value>(text) {
        Ok(v) => v,
        Err(_) => {
            let mut v: Value =
                serde_saphyr::from_str_with_options(text, yaml_options()).map_err(|e| {
                    Status::bad_request(format!(
                        "error parsing: {}",
                        e.to_string().lines().next().unwrap_or("invalid YAML")
                    ))
                })?;
            integral_floats_to_ints(&mut v);
            v
        }
    };
    check_depth(&value, 0)
        .map_err(|_| Status::bad_request(format!("exceeded max depth of {MAX_DEPTH}")))?;
    Ok(value)
}

/// What the API server checks when it decodes a request body into the kind's Go type: the
/// body size ([`MAX_REQUEST_BODY_BYTES`], 413), the nesting depth, and the JSON types of the
/// fields (400 `<Kind> in version "v1" cannot be handled as a <Kind>: json: cannot unmarshal
/// ...`, see [`crate::api::schema::first_type_error`]).
pub fn check_request(info: &KindInfo, obj: &Value) -> Result<(), Status> {
    if json_size_exceeds(obj, MAX_REQUEST_BODY_BYTES) {
        return Err(too_large());
    }
    if check_depth(obj, 0).is_err() {
        return Err(Status::bad_request(format!(
            "exceeded max depth of {MAX_DEPTH}"
        )));
    }
    match crate::api::schema::first_type_error(info.kind, obj) {
        None => Ok(()),
        Some(e) => {
            let version = obj
                .get("apiVersion")
                .and_then(Value::as_str)
                .and_then(|v| v.rsplit('/').next())
                .unwrap_or(info.version);
            Err(Status::bad_request(format!(
                "{kind} in version \"{version}\" cannot be handled as a {kind}: {e}",
                kind = info.kind
            )))
        }
    }
}

/// The outcome of strict decoding errors (unknown fields as `unknown field "spec.x"`, then
/// [`Decoded::duplicates`]) under a field validation directive, as the create handler does:
/// under `Strict`, a 400 `<Kind> in version "v1" cannot be handled as a <Kind>: strict decoding
/// error: ...`; otherwise each error is a warning (a YAML error list split per line, as
/// `parseYAMLWarnings` does).
pub fn strict_decoding(
    kind: &str,
    api_version: &str,
    errors: &[String],
    strict: bool,
) -> Result<Vec<String>, Status> {
    if errors.is_empty() {
        return Ok(vec![]);
    }
    if strict {
        let version = api_version.rsplit('/').next().unwrap_or("");
        return Err(Status::bad_request(format!(
            "{kind} in version \"{version}\" cannot be handled as a {kind}: strict decoding error: {}",
            errors.join(", ")
        )));
    }
    Ok(errors
        .iter()
        .flat_map(|e| match e.strip_prefix("yaml: unmarshal errors:\n") {
            Some(rest) => rest.lines().map(|l| l.trim().to_string()).collect(),
            None => vec![e.clone()],
        })
        .collect())
}

/// What the store checks before it writes: an object to be created has no
/// `resourceVersion` (`storage.ErrResourceVersionSetOnCreate`, a 500 with no reason), and an
/// object is at most [`MAX_OBJECT_BYTES`] (etcd's `request is too large`, a 500 as well).
pub fn check_storable(obj: &Value, creating: bool) -> Result<(), Status> {
    if creating
        && obj
            .get("metadata")
            .and_then(|m| m.get("resourceVersion"))
            .and_then(Value::as_str)
            .is_some_and(|rv| !rv.is_empty() && rv != "0")
    {
        return Err(Status::unknown(
            "resourceVersion should not be set on objects to be created",
        ));
    }
    if json_size_exceeds(obj, MAX_OBJECT_BYTES) {
        return Err(Status::unknown("etcdserver: request is too large"));
    }
    Ok(())
}

/// Whether the compact JSON text of `v` is longer than `limit` bytes (counted without
/// building it; escapes are not counted, so the count can only be low by their extra bytes).
pub fn json_size_exceeds(v: &Value, limit: usize) -> bool {
    fn size(v: &Value, acc: &mut usize, limit: usize) -> bool {
        let add = match v {
            Value::Null => 4,
            Value::Bool(b) => {
                if *b {
                    4
                } else {
                    5
                }
            }
            Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => u.checked_ilog10().map_or(1, |d| d as usize + 1),
                (_, Some(i)) => i
                    .unsigned_abs()
                    .checked_ilog10()
                    .map_or(1, |d| d as usize + 2),
                _ => 24,
            },
            Value::String(s) => s.len() + 2,
            Value::Array(a) => {
                *acc = acc.saturating_add(a.len().max(1) + 1);
                for x in a.iter() {
                    if size(x, acc, limit) {
                        return true;
                    }
                }
                0
            }
            Value::Object(m) => {
                *acc = acc.saturating_add(m.len().max(1) + 1);
                for (k, x) in m.iter() {
                    *acc = acc.saturating_add(k.len() + 3);
                    if size(x, acc, limit) {
                        return true;
                    }
                }
                0
            }
        };
        *acc = acc.saturating_add(add);
        *acc > limit
    }
    let mut acc = 0;
    size(v, &mut acc, limit)
}

fn check_depth(v: &Value, depth: usize) -> Result<(), ()> {
    if depth > MAX_DEPTH {
        return Err(());
    }
    match v {
        Value::Array(a) => a.iter().try_for_each(|x| check_depth(x, depth + 1)),
        Value::Object(m) => m.values().try_for_each(|x| check_depth(x, depth + 1)),
        _ => Ok(()),
    }
}

fn expand_lists(d: Decoded, out: &mut Vec<Decoded>) -> Result<(), Status> {
    let is_list = d
        .object
        .get("kind")
        .and_then(Value::as_str)
        .is_some_and(|k| k == "List" || k.ends_with("List"))
        && d.object.get("items").is_some_and(Value::is_array);
    if !is_list {
        if !d.object.is_object() {
            return Err(Status::bad_request(format!(
                "error parsing document {} (line {}): expected an object, found {}",
                d.document,
                d.line,
                type_name(&d.object)
            )));
        }
        out.push(d);
        return Ok(());
    }
    if let Value::Object(mut m) = d.object {
        if let Some(Value::Array(items)) = m.remove("items") {
            for item in items {
                expand_lists(
                    Decoded {
                        object: item,
                        document: d.document,
                        line: d.line,
                        duplicates: d.duplicates.clone(),
                    },
                    out,
                )?;
            }
        }
    }
    Ok(())
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn decode_json(text: &str) -> Result<Vec<Decoded>, Status> {
    let mut out = Vec::new();
    let stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    let mut starts = Vec::new();
    for (i, item) in stream.enumerate() {
        let v = item.map_err(|e| {
            // serde_json stops at 128 levels, before MAX_DEPTH is checked.
            if e.to_string().starts_with("recursion limit exceeded") {
                return Status::bad_request(format!(
                    "error parsing document {}: exceeded max depth of {MAX_DEPTH}",
                    i + 1
                ));
            }
            Status::bad_request(format!(
                "error parsing document {}: line {}, column {}: {}",
                i + 1,
                e.line(),
                e.column(),
                e
            ))
        })?;
        starts.push(i);
        match v {
            Value::Array(items) => out.extend(items.into_iter().map(|object| Decoded {
                object,
                document: i + 1,
                line: 1,
                duplicates: Vec::new(),
            })),
            object => out.push(Decoded {
                object,
                document: i + 1,
                line: 1,
                duplicates: Vec::new(),
            }),
        }
    }
    // The duplicate fields of each top-level value (a JSON array's items each).
    let mut findings: Vec<Vec<String>> = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(text);
    while !stream_at_end(&mut stream) {
        let found = RefCell::new(Vec::new());
        if (JsonScan {
            path: String::new(),
            top: true,
            found: &found,
            items: RefCell::new(Vec::new()).into(),
        })
        .deserialize(&mut stream)
        .is_err()
        {
            break;
        }
        findings.extend(found.into_inner());
    }
    for (d, dups) in out.iter_mut().zip(findings) {
        d.duplicates = dups;
    }
    Ok(out)
}

/// Whether only whitespace is left in a JSON stream.
fn stream_at_end(de: &mut serde_json::Deserializer<serde_json::de::StrRead<'_>>) -> bool {
    de.end().is_ok()
}

/// Scans JSON for duplicate keys, naming them as sigs.k8s.io/json's strict decoder does:
/// `duplicate field "spec.template.spec.containers[0].name"`. Each top-level object (or item
/// of a top-level array) gets its own list.
struct JsonScan<'f> {
    path: String,
    top: bool,
    found: &'f RefCell<Vec<Vec<String>>>,
    items: std::rc::Rc<RefCell<Vec<String>>>,
}

impl<'de> DeserializeSeed<'de> for JsonScan<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for JsonScan<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        self.finish_top();
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        self.finish_top();
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        self.finish_top();
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        self.finish_top();
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        self.finish_top();
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        self.finish_top();
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        loop {
            // A top-level array is a stream of objects: each item is a document.
            let (path, items) = if self.top {
                (String::new(), std::rc::Rc::new(RefCell::new(Vec::new())))
            } else {
                (format!("{}[{i}]", self.path), self.items.clone())
            };
            let item = JsonScan {
                path,
                top: false,
                found: self.found,
                items: items.clone(),
            };
            if seq.next_element_seed(item)?.is_none() {
                break;
            }
            if self.top {
                let v = std::mem::take(&mut *items.borrow_mut());
                self.found.borrow_mut().push(v);
            }
            i += 1;
        }
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = if self.path.is_empty() {
                key.clone()
            } else {
                format!("{}.{key}", self.path)
            };
            if !seen.insert(key) {
                self.items.borrow_mut().push(format!(
                    "duplicate field {}",
                    crate::server::validate::render::quote(&path)
                ));
            }
            map.next_value_seed(JsonScan {
                path,
                top: false,
                found: self.found,
                items: self.items.clone(),
            })?;
        }
        self.finish_top();
        Ok(())
    }
}

impl JsonScan<'_> {
    fn finish_top(&self) {
        if self.top {
            let v = std::mem::take(&mut *self.items.borrow_mut());
            self.found.borrow_mut().push(v);
        }
    }
}

/// The YAML options: the last of duplicate keys wins (as `yaml.YAMLToJSON` does; strictness is
/// reported separately), and the nesting budget is [`MAX_DEPTH`].
fn yaml_options() -> serde_saphyr::Options {
    let mut o = serde_saphyr::Options::default();
    o.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::LastWins;
    if let Some(b) = o.budget.as_mut() {
        b.max_depth = MAX_DEPTH;
    }
    o
}

/// `yaml.YAMLToJSON` re-encodes YAML floats with `json.Marshal`, so an integral float
/// (`2.0`, `1e3`) reaches the API server as an integer.
fn integral_floats_to_ints(v: &mut Value) {
    match v {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64() {
                if f.fract() == 0.0 && f.abs() < 1e21 && f.abs() < 9.2e18 {
                    *v = Value::from(f as i64);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(integral_floats_to_ints),
        Value::Object(m) => m.values_mut().for_each(integral_floats_to_ints),
        _ => {}
    }
}

/// Splits a YAML stream at `---` document markers, then parses each document on its own so
/// an error can name the document and the line in the whole text.
fn decode_yaml(text: &str) -> Result<Vec<Decoded>, Status> {
    let mut docs: Vec<(usize, String)> = Vec::new();
    let mut current = String::new();
    let mut start_line = 1;
    for (i, line) in text.lines().enumerate() {
        let is_marker = line == "---" || line.starts_with("--- ") || line.starts_with("---\t");
        if is_marker || line == "..." {
            docs.push((start_line, std::mem::take(&mut current)));
            start_line = i + 2;
            if let Some(rest) = line
                .strip_prefix("---")
                .map(str::trim)
                .filter(|r| !r.is_empty())
            {
                current.push_str(rest);
                current.push('\n');
                start_line = i + 1;
            }
            continue;
        }
        if current.is_empty() && line.trim().is_empty() {
            // Keep line numbers right for leading blank lines.
            current.push('\n');
            continue;
        }
        current.push_str(line);
        current.push('\n');
    }
    docs.push((start_line, current));
    let mut out = Vec::new();
    let mut number = 0;
    for (line, body) in docs {
        if body
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        {
            continue;
        }
        number += 1;
        let mut value: Value =
            serde_saphyr::from_str_with_options(&body, yaml_options()).map_err(|e| {
                let location = e
                    .location()
                    .map(|l| {
                        format!(
                            " line {}, column {}:",
                            l.line() as usize + line - 1,
                            l.column()
                        )
                    })
                    .unwrap_or_default();
                let msg = e.to_string();
                let first = msg.lines().next().unwrap_or("invalid YAML");
                // The message may repeat the position ("error: line 1 column 9: …"): keep the reason.
                let first = match first.strip_prefix("error: line ") {
                    Some(rest) => rest.split_once(": ").map_or(first, |(_, reason)| reason),
                    None => first,
                };
                Status::bad_request(format!(
                    "error parsing document {number}:{location} {first}"
                ))
            })?;
        if value.is_null() {
            continue;
        }
        integral_floats_to_ints(&mut value);
        out.push(Decoded {
            object: value,
            document: number,
            line,
            duplicates: yaml_duplicates(&body),
        });
    }
    Ok(out)
}

/// The duplicate keys of a YAML document as `yaml.YAMLToJSONStrict` reports them (goyaml v2):
/// `yaml: unmarshal errors:\n  line 7: key "replicas" already set in map`, with lines counted
/// from the start of the document (the request body). Empty when there are none.
fn yaml_duplicates(body: &str) -> Vec<String> {
    let mut o = yaml_options();
    o.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::PassThrough;
    let _ = serde_saphyr::from_str_with_options::<YamlScanRoot>(body, o);
    let lines = FOUND.with(|f| std::mem::take(&mut *f.borrow_mut()));
    if lines.is_empty() {
        return vec![];
    }
    vec![format!("yaml: unmarshal errors:\n  {}", lines.join("\n  "))]
}

thread_local! {
    /// The duplicates found by the YAML scan in progress (a `Deserialize` impl has no seed).
    static FOUND: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// The root of a YAML duplicate-key scan.
struct YamlScanRoot(());

impl<'de> serde::Deserialize<'de> for YamlScanRoot {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        FOUND.with(|f| f.borrow_mut().clear());
        d.deserialize_any(YamlScan).map(YamlScanRoot)
    }
}

/// Any YAML node, its mappings checked for repeated keys.
struct YamlScan;

impl<'de> serde::Deserialize<'de> for YamlScanNode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(YamlScan).map(|()| YamlScanNode)
    }
}

/// A node below the root.
struct YamlScanNode;

/// A mapping key rendered as goyaml's `%#v` prints it (`"replicas"`, `1`, `true`).
struct KeyText(String);

impl<'de> serde::Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        Ok(KeyText(match &v {
            Value::String(s) => crate::server::validate::render::quote(s),
            other => other.to_string(),
        }))
    }
}

impl<'de> Visitor<'de> for YamlScan {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML node")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<YamlScanNode>()?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<serde_saphyr::Spanned<KeyText>>()? {
            let line = key.referenced.line();
            if !seen.insert(key.value.0.clone()) {
                FOUND.with(|f| {
                    f.borrow_mut().push(format!(
                        "line {line}: key {} already set in map",
                        key.value.0
                    ))
                });
            }
            map.next_value::<YamlScanNode>()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::kinds::by_kind;
    use crate::json;

    #[test]
    fn single_values_of_any_shape() {
        assert_eq!(
            decode_value(r#"[{"op": "remove", "path": "/a"}]"#).unwrap()[0]["op"],
            "remove"
        );
        assert_eq!(
            decode_value("spec:\n  replicas: 2\n").unwrap()["spec"]["replicas"],
            2
        );
        assert!(decode_value("a: [1\n").is_err());
    }

    #[test]
    fn multi_document_yaml() {
        let docs = decode("a: 1\n---\nb: 2\n---\n# only a comment\n---\nc: [1, 2]\n").unwrap();
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[1].object["b"], 2);
        assert_eq!(docs[1].line, 3);
        assert_eq!(docs[2].document, 3);
    }

    #[test]
    fn json_stream_and_list() {
        let docs =
            decode(r#"{"kind":"List","items":[{"kind":"Pod"},{"kind":"Node"}]} {"kind":"Pod"}"#)
                .unwrap();
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[1].object["kind"], "Node");
    }

    #[test]
    fn errors_name_document_and_line() {
        let err = decode("a: 1\n---\nb: [1, 2\nc: 3\n").unwrap_err();
        assert_eq!(err.code, 400);
        assert!(
            err.message.starts_with("error parsing document 2:"),
            "{}",
            err.message
        );
        assert!(err.message.contains("line "), "{}", err.message);
        assert!(decode("- 1\n- 2\n").is_err());
    }

    #[test]
    fn rejects_alias_bombs_and_deep_nesting() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..12 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("l{}", i - 1)
            };
            bomb.push_str(&format!("l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        assert!(decode(&bomb).is_err());
        let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        assert!(decode(&deep).is_err());
    }

    // Duplicate keys: sigs.k8s.io/json's strict errors for JSON, goyaml v2's for YAML (the
    // texts of field_validation_test.go in test/integration/apiserver).
    #[test]
    fn duplicate_keys_are_reported_and_the_last_value_wins() {
        let docs = decode(r#"{"kind": "Deployment", "spec": {"replicas": 1, "replicas": 2, "template": {"spec": {"containers": [{"name": "a", "name": "b"}]}}}}"#).unwrap();
        assert_eq!(docs[0].object["spec"]["replicas"], 2);
        assert_eq!(
            docs[0].duplicates,
            vec![
                "duplicate field \"spec.replicas\"",
                "duplicate field \"spec.template.spec.containers[0].name\""
            ]
        );
        let docs = decode("kind: ConfigMap\n---\nkind: Deployment\nspec:\n  replicas: 1\n  paused: true\n  replicas: 2\n").unwrap();
        assert!(docs[0].duplicates.is_empty());
        assert_eq!(docs[1].object["spec"]["replicas"], 2);
        assert_eq!(
            docs[1].duplicates,
            vec!["yaml: unmarshal errors:\n  line 5: key \"replicas\" already set in map"]
        );
    }

    // create.go: a strict error under Strict, warnings otherwise (rest.go parseYAMLWarnings).
    #[test]
    fn strict_decoding_errors_or_warnings() {
        let errs = vec![
            "unknown field \"spec.replica\"".to_string(),
            "yaml: unmarshal errors:\n  line 5: key \"replicas\" already set in map\n  line 9: key \"a\" already set in map".to_string(),
        ];
        assert_eq!(
            strict_decoding("Deployment", "apps/v1", &errs, true).unwrap_err().message,
            "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.replica\", yaml: unmarshal errors:\n  line 5: key \"replicas\" already set in map\n  line 9: key \"a\" already set in map"
        );
        assert_eq!(
            strict_decoding("Deployment", "apps/v1", &errs, false).unwrap(),
            vec![
                "unknown field \"spec.replica\"",
                "line 5: key \"replicas\" already set in map",
                "line 9: key \"a\" already set in map"
            ]
        );
    }

    #[test]
    fn yaml_integral_floats_become_integers() {
        let docs = decode("spec:\n  replicas: 2.0\n  ratio: 1.5\n").unwrap();
        assert_eq!(docs[0].object["spec"]["replicas"], json!(2));
        assert_eq!(docs[0].object["spec"]["ratio"], json!(1.5));
    }

    #[test]
    fn limits() {
        let big = format!(
            "{{\"kind\": \"ConfigMap\", \"data\": {{\"a\": \"{}\"}}}}",
            "x".repeat(MAX_REQUEST_BODY_BYTES)
        );
        let e = decode(&big).unwrap_err();
        assert_eq!((e.code, e.reason.as_str()), (413, "RequestEntityTooLarge"));
        assert_eq!(e.message, "Request entity too large: limit is 3145728");
        let cm = json!({"metadata": {"name": "c", "resourceVersion": "5"}, "data": {"a": "x".repeat(MAX_OBJECT_BYTES)}});
        let e = check_storable(&cm, true).unwrap_err();
        assert_eq!((e.code, e.reason.as_str()), (500, ""));
        assert_eq!(
            e.message,
            "resourceVersion should not be set on objects to be created"
        );
        assert_eq!(
            check_storable(&cm, false).unwrap_err().message,
            "etcdserver: request is too large"
        );
        let d = by_kind(None, "Deployment").unwrap();
        let e = check_request(
            d,
            &json!({"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"replicas": "3"}}),
        )
        .unwrap_err();
        assert_eq!(e.code, 400);
        assert_eq!(e.message, "Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32");
    }
}
