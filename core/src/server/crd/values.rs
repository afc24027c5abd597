//! How Go prints the JSON values of an unstructured object in error messages: `field.Error`'s
//! bad value (`%q` for strings, `%v` for numbers and booleans, `json.Marshal` for the rest),
//! Go's `%v` of a float64 and `encoding/json`'s number and key order.
use crate::api::Value;
use crate::server::status::go_quote;

/// A JSON number as the apiserver's unstructured decoding holds it: `int64` when it fits,
/// `float64` otherwise.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Num {
    /// An integer that fits in int64.
    Int(i64),
    /// Any other number.
    Float(f64),
}

/// The number in `v`, as Go's unstructured decoding types it.
pub fn num(v: &Value) -> Option<Num> {
    let n = v.as_number()?;
    if let Some(i) = n.as_i64() {
        return Some(Num::Int(i));
    }
    n.as_f64().map(Num::Float)
}

impl Num {
    /// The value as float64 (`valueHelp.asFloat64`).
    pub fn as_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }
}

/// Go's `%v` (`strconv.FormatFloat(f, 'g', -1, 64)`) of a float64: the shortest digits, in
/// exponent form when the decimal exponent is below -4 or at least 6 (`1e+06`, `1.5`, `1e-05`).
pub fn go_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let (neg, digits, exp) = shortest_digits(f);
    // strconv's %g with the shortest precision decides with precision 6: exponent form when
    // exp < -4 || exp >= 6.
    let eprec = 6;
    let out = if exp < -4 || exp >= eprec {
        exp_form(&digits, exp, false)
    } else {
        fixed_form(&digits, exp)
    };
    if neg {
        format!("-{out}")
    } else {
        out
    }
}

/// `encoding/json`'s float64: fixed notation, exponent form (`1e+21`, `1e-7`) when the
/// magnitude is below 1e-6 or at least 1e21.
pub fn go_json_float(f: f64) -> String {
    if f == 0.0 || !f.is_finite() {
        return "0".into();
    }
    let (neg, digits, exp) = shortest_digits(f);
    let abs = f.abs();
    let out = if !(1e-6..1e21).contains(&abs) {
        exp_form(&digits, exp, true)
    } else {
        fixed_form(&digits, exp)
    };
    if neg {
        format!("-{out}")
    } else {
        out
    }
}

/// The shortest round-trip digits of `f` and the decimal exponent of the first digit.
fn shortest_digits(f: f64) -> (bool, String, i32) {
    let s = format!("{:e}", f.abs());
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    (f < 0.0, digits, exp.parse().unwrap_or(0))
}

fn exp_form(digits: &str, exp: i32, json_cleanup: bool) -> String {
    let mut out = String::new();
    out.push_str(&digits[..1]);
    if digits.len() > 1 {
        out.push('.');
        out.push_str(&digits[1..]);
    }
    out.push('e');
    out.push(if exp < 0 { '-' } else { '+' });
    let e = exp.unsigned_abs();
    if e < 10 && !json_cleanup {
        out.push('0');
    }
    out.push_str(&e.to_string());
    out
}

fn fixed_form(digits: &str, exp: i32) -> String {
    if exp < 0 {
        let zeros = (-exp - 1) as usize;
        format!("0.{}{digits}", "0".repeat(zeros))
    } else {
        let point = exp as usize + 1;
        if digits.len() <= point {
            format!("{digits}{}", "0".repeat(point - digits.len()))
        } else {
            format!("{}.{}", &digits[..point], &digits[point..])
        }
    }
}

/// `json.Marshal` of an unstructured value: object keys sorted, `<`, `>`, `&` escaped as
/// `\u003c`, `\u003e`, `\u0026`, numbers as Go writes them.
pub fn go_json(v: &Value) -> String {
    let mut out = String::new();
    write_json(v, &mut out);
    out
}

fn write_json(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(_) => match num(v) {
            Some(Num::Int(i)) => out.push_str(&i.to_string()),
            Some(Num::Float(f)) => out.push_str(&go_json_float(f)),
            None => out.push('0'),
        },
        Value::String(s) => write_json_str(s, out),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(x, out);
            }
            out.push(']');
        }
        Value::Object(m) => {
            let mut keys: Vec<&str> = m.keys().map(|k| k.as_str()).collect();
            keys.sort_unstable();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_str(k, out);
                out.push(':');
                if let Some(x) = m.get(k) {
                    write_json(x, out);
                }
            }
            out.push('}');
        }
    }
}

fn write_json_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `field.Error`'s printing of a bad value: `%q` for strings, `%v` for numbers and booleans,
/// `json.Marshal` for null, objects and arrays.
pub fn go_value(v: &Value) -> String {
    match v {
        Value::String(s) => go_quote(s),
        Value::Bool(b) => b.to_string(),
        Value::Number(_) => match num(v) {
            Some(Num::Int(i)) => i.to_string(),
            Some(Num::Float(f)) => go_float(f),
            None => "0".into(),
        },
        _ => go_json(v),
    }
}

/// Go's `%v` of a number held as `interface{}` (`fmt.Sprint`): used in messages such as
/// `should be less than or equal to 10`.
pub fn go_num(n: Num) -> String {
    match n {
        Num::Int(i) => i.to_string(),
        Num::Float(f) => go_float(f),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn floats_as_go_prints_them() {
        // fmt.Sprint(float64) values, as Go prints them.
        let cases = [
            (1.5, "1.5"),
            (10.0, "10"),
            (100000.0, "100000"),
            (1e6, "1e+06"),
            (1234567.0, "1.234567e+06"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-2.5, "-2.5"),
            (1e21, "1e+21"),
            (123456789.0, "1.23456789e+08"),
            (0.1, "0.1"),
        ];
        for (f, want) in cases {
            assert_eq!(go_float(f), want, "{f}");
        }
        // encoding/json float64.
        for (f, want) in [
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (1e-7, "1e-7"),
            (0.5, "0.5"),
        ] {
            assert_eq!(go_json_float(f), want, "{f}");
        }
    }

    #[test]
    fn bad_values_as_field_error_prints_them() {
        assert_eq!(go_value(&json!("x")), "\"x\"");
        assert_eq!(go_value(&json!(3)), "3");
        assert_eq!(go_value(&json!(2.5)), "2.5");
        assert_eq!(go_value(&json!(true)), "true");
        assert_eq!(go_value(&Value::Null), "null");
        assert_eq!(
            go_value(&json!({"b": 1, "a": "<x>"})),
            r#"{"a":"\u003cx\u003e","b":1}"#
        );
        assert_eq!(go_value(&json!([1, "a"])), r#"[1,"a"]"#);
    }
}
