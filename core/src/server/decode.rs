//! Decoding manifests: multi-document YAML, JSON (one object or a stream), and `kind: List`
//! (what `kubectl get -o yaml` prints). Errors name the document and the line.
use super::status::Status;
use crate::api::Value;

/// The largest manifest text accepted in one call.
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;
/// The deepest nesting accepted in one object.
pub const MAX_DEPTH: usize = 64;

/// A decoded object and the 1-based line where its document starts.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub object: Value,
    pub document: usize,
    pub line: usize,
}

pub fn decode(text: &str) -> Result<Vec<Decoded>, Status> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(Status::new(
            413,
            "RequestEntityTooLarge",
            format!("Request entity too large: limit is {MAX_INPUT_BYTES}"),
        ));
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
    Ok(out)
}

/// Decodes one value of any shape (a patch, a JSON-patch list): JSON, or a single YAML document.
pub fn decode_value(text: &str) -> Result<Value, Status> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(Status::new(
            413,
            "RequestEntityTooLarge",
            format!("Request entity too large: limit is {MAX_INPUT_BYTES}"),
        ));
    }
    let value = match serde_json::from_str::<Value>(text) {
        Ok(v) => v,
        Err(_) => serde_saphyr::from_str::<Value>(text).map_err(|e| {
            Status::bad_request(format!(
                "error parsing: {}",
                e.to_string().lines().next().unwrap_or("invalid YAML")
            ))
        })?,
    };
    check_depth(&value, 0)
        .map_err(|_| Status::bad_request(format!("exceeded max depth of {MAX_DEPTH}")))?;
    Ok(value)
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
    for (i, item) in stream.enumerate() {
        let v = item.map_err(|e| {
            Status::bad_request(format!(
                "error parsing document {}: line {}, column {}: {}",
                i + 1,
                e.line(),
                e.column(),
                e
            ))
        })?;
        match v {
            Value::Array(items) => out.extend(items.into_iter().map(|object| Decoded {
                object,
                document: i + 1,
                line: 1,
            })),
            object => out.push(Decoded {
                object,
                document: i + 1,
                line: 1,
            }),
        }
    }
    Ok(out)
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
        let value: Value = serde_saphyr::from_str(&body).map_err(|e| {
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
        out.push(Decoded {
            object: value,
            document: number,
            line,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
