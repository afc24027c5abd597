//! How upstream prints a bad value in a field error (`field.Error.ErrorBody`,
//! k8s.io/apimachinery/pkg/util/validation/field/errors.go): integers and booleans with `%v`,
//! strings with `%q`, everything else as `json.Marshal` renders it (compact, map keys sorted,
//! `<`, `>` and `&` escaped).
use crate::api::Value;

/// Go's `strconv.Quote`: `"a\"b"`, control characters escaped.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\x7f' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => {
                let n = c as u32;
                if n <= 0xffff {
                    out.push_str(&format!("\\u{n:04x}"));
                } else {
                    out.push_str(&format!("\\U{n:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A value as `json.Marshal` prints it: compact, object keys sorted (Go maps), strings with
/// Go's escaping (`\u003c` for `<`).
pub fn json(v: &Value) -> String {
    let mut out = String::new();
    write_json(v, &mut out, &[]);
    out
}

/// Like [`json`], with the keys of the top-level object in the given order first (a Go
/// struct's declaration order), the rest sorted.
pub fn json_ordered(v: &Value, order: &[&str]) -> String {
    let mut out = String::new();
    write_json(v, &mut out, order);
    out
}

fn write_json(v: &Value, out: &mut String, order: &[&str]) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_json_string(s, out),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(x, out, &[]);
            }
            out.push(']');
        }
        Value::Object(m) => {
            let mut keys: Vec<&str> = m.keys().map(|k| k.as_str()).collect();
            keys.sort_by_key(|k| (order.iter().position(|o| o == k).unwrap_or(usize::MAX), *k));
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(k, out);
                out.push(':');
                if let Some(x) = m.get(k) {
                    write_json(x, out, &[]);
                }
            }
            out.push('}');
        }
    }
}

fn write_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A value of a typed field as upstream prints it: strings quoted, numbers and booleans bare,
/// anything else as JSON.
pub fn value(v: &Value) -> String {
    match v {
        Value::String(s) => quote(s),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => json(other),
    }
}

/// A `metav1.LabelSelector` as `json.Marshal` prints it (fields in declaration order, empty
/// ones omitted).
pub fn label_selector(sel: &Value) -> String {
    if sel.is_null() {
        return "null".into();
    }
    let mut out = String::from("{");
    let mut first = true;
    if let Some(m) = sel.get("matchLabels").and_then(Value::as_object) {
        if !m.is_empty() {
            out.push_str("\"matchLabels\":");
            out.push_str(&json(&Value::Object(m.clone())));
            first = false;
        }
    }
    if let Some(exprs) = sel.get("matchExpressions").and_then(Value::as_array) {
        if !exprs.is_empty() {
            if !first {
                out.push(',');
            }
            out.push_str("\"matchExpressions\":[");
            for (i, e) in exprs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&json_ordered(e, &["key", "operator", "values"]));
            }
            out.push(']');
        }
    }
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn strings_are_quoted_as_go_quotes_them() {
        assert_eq!(quote("web"), "\"web\"");
        assert_eq!(quote("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
        assert_eq!(quote("\x01"), "\"\\x01\"");
        assert_eq!(quote("é"), "\"é\"");
    }

    #[test]
    fn json_sorts_map_keys_and_escapes_html() {
        assert_eq!(
            json(&json!({"b": 1, "a": "<x>"})),
            r#"{"a":"\u003cx\u003e","b":1}"#
        );
        assert_eq!(
            label_selector(
                &json!({"matchExpressions": [{"values": ["a"], "operator": "In", "key": "k"}], "matchLabels": {"app": "web"}})
            ),
            r#"{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"k","operator":"In","values":["a"]}]}"#
        );
        assert_eq!(value(&json!(-1)), "-1");
        assert_eq!(value(&json!("25%")), "\"25%\"");
    }
}
