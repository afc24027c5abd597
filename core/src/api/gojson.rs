//! JSON as Go's encoding/json writes it: `json.Marshal` (compact, map keys sorted) and
//! `json.MarshalIndent(obj, "", "    ")` with a trailing newline (`kubectl -o json`).
//! Unstructured objects are maps, whose keys Go writes in byte order; objects kubectl builds
//! itself (client dry runs) keep their field order. Strings escape `<`, `>`, `&`, U+2028 and
//! U+2029 as Go's HTML-safe encoder does.
use crate::api::Value;

/// The object as `kubectl -o json` prints it; `sort_keys` for unstructured objects.
pub fn to_json(v: &Value, sort_keys: bool) -> String {
    let mut out = String::new();
    write(&mut out, v, 0, sort_keys, Some("    "));
    out.push('\n');
    out
}

/// Compact JSON as Go's `json.Marshal` writes it (map keys sorted).
pub fn to_compact(v: &Value) -> String {
    let mut out = String::new();
    write(&mut out, v, 0, true, None);
    out
}

fn write(out: &mut String, v: &Value, depth: usize, sort: bool, indent: Option<&str>) {
    let newline = |out: &mut String, depth: usize| {
        if let Some(ind) = indent {
            out.push('\n');
            for _ in 0..depth {
                out.push_str(ind);
            }
        }
    };
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => out.push_str(&i.to_string()),
            (None, Some(u)) => out.push_str(&u.to_string()),
            _ => out.push_str(&go_float(n.as_f64().unwrap_or(0.0))),
        },
        Value::String(s) => quote(out, s),
        Value::Array(a) => {
            if a.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write(out, item, depth + 1, sort, indent);
            }
            newline(out, depth);
            out.push(']');
        }
        Value::Object(m) => {
            if m.is_empty() {
                out.push_str("{}");
                return;
            }
            let mut entries: Vec<(&str, &Value)> = m.iter().map(|(k, v)| (k.as_str(), v)).collect();
            if sort {
                entries.sort_by(|a, b| a.0.cmp(b.0));
            }
            out.push('{');
            for (i, (k, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                quote(out, k);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write(out, item, depth + 1, sort, indent);
            }
            newline(out, depth);
            out.push('}');
        }
    }
}

/// encoding/json's string encoder with HTML escaping.
pub fn quote(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// encoding/json's `floatEncoder` for float64: `'f'` format, or `'e'` (with `e-07` cleaned
/// to `e-7`) below 1e-6 or from 1e21.
pub fn go_float(f: f64) -> String {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let e = format!("{f:e}");
        let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        return if exp < 0 {
            format!("{mant}e-{}", exp.unsigned_abs())
        } else {
            format!("{mant}e+{exp:02}")
        };
    }
    format!("{f}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn indents_like_marshal_indent() {
        let v = json!({"kind": "List", "apiVersion": "v1", "items": [], "metadata": {"resourceVersion": ""}, "x": [1, {"a": {}}]});
        assert_eq!(
            to_json(&v, true),
            "{\n    \"apiVersion\": \"v1\",\n    \"items\": [],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    },\n    \"x\": [\n        1,\n        {\n            \"a\": {}\n        }\n    ]\n}\n"
        );
        assert_eq!(
            to_compact(&json!({"b": 1, "a": "<&>"})),
            r#"{"a":"\u003c\u0026\u003e","b":1}"#
        );
    }

    /// encoding/json's float formatting (encode_test.go `TestMarshalFloat` shapes).
    #[test]
    fn floats_as_go_writes_them() {
        for (f, want) in [
            (1.0, "1"),
            (0.5, "0.5"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (1e-7, "1e-7"),
            (0.000001, "0.000001"),
            (-2.5e-8, "-2.5e-8"),
        ] {
            assert_eq!(go_float(f), want, "{f}");
        }
    }
}
