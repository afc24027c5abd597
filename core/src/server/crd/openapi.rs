//! OpenAPI v3 schema validation of a custom object, as kube-openapi's `validate.SchemaValidator`
//! does it for the apiserver (k8s.io/kube-openapi `pkg/validation/validate`: `schema.go`,
//! `type.go`, `validator.go`, `object_validator.go`, `slice_validator.go`, `schema_props.go`,
//! `values.go`; messages from `pkg/validation/errors/schema.go`), and the conversion of its
//! errors to field errors (apiextensions-apiserver `pkg/apiserver/validation/validation.go`,
//! `kubeOpenAPIResultToFieldErrors`).
//!
//! Validators run per node in kube-openapi's order: type, allOf/anyOf/oneOf/not, string,
//! format, number, array, enum, object. Object properties are visited in schema order (Go
//! visits its maps in random order). `anyOf`/`oneOf` report the errors of their first failing
//! alternative (kube-openapi picks the one with the most passing checks).
use super::schema::{Additional, Schema};
use super::values::{go_float, go_json, go_num, go_value, num, Num};
use crate::api::Value;
use crate::server::status::{go_quote, FieldError, FieldErrorKind};

/// The kube-openapi error codes that the field-error conversion tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Code {
    InvalidType,
    Required,
    TooLong,
    TooShort,
    Pattern,
    Enum,
    MultipleOf,
    Max,
    Min,
    Unique,
    MaxItems,
    MinItems,
    TooFewProperties,
    TooManyProperties,
    UnallowedProperty,
}

/// An error of the validator: a `*errors.Validation` (code, name = path, value) or a plain
/// error (`fmt.Errorf`, composite messages).
#[derive(Debug, Clone)]
enum OErr {
    Validation {
        code: Code,
        name: String,
        message: String,
        value: Option<Value>,
        valid: Option<i64>,
        values: Vec<Value>,
    },
    Plain(String),
}

impl OErr {
    fn text(&self) -> &str {
        match self {
            OErr::Validation { message, .. } | OErr::Plain(message) => message,
        }
    }
}

const IN: &str = "body";

fn v(code: Code, name: &str, message: String, value: Option<Value>) -> OErr {
    OErr::Validation {
        code,
        name: name.to_string(),
        message,
        value,
        valid: None,
        values: vec![],
    }
}

/// Collects errors as `Result.AddErrors` does: an error with the same text is kept once.
#[derive(Default)]
struct Errs(Vec<OErr>);

impl Errs {
    fn add(&mut self, e: OErr) {
        if !self.0.iter().any(|x| x.text() == e.text()) {
            self.0.push(e);
        }
    }
    fn merge(&mut self, other: Errs) {
        for e in other.0 {
            self.add(e);
        }
    }
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The kind of a JSON value as Go's reflection sees the decoded object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Null,
    Bool,
    Int,
    Float,
    String,
    Slice,
    Map,
}

fn kind_of(x: &Value) -> Kind {
    match x {
        Value::Null => Kind::Null,
        Value::Bool(_) => Kind::Bool,
        Value::Number(_) => match num(x) {
            Some(Num::Int(_)) => Kind::Int,
            _ => Kind::Float,
        },
        Value::String(_) => Kind::String,
        Value::Array(_) => Kind::Slice,
        Value::Object(_) => Kind::Map,
    }
}

/// `swag.IsFloat64AJSONInteger`.
fn is_json_integer(f: f64) -> bool {
    const MAX: f64 = 9_007_199_254_740_992.0;
    if !f.is_finite() || !(-MAX..=MAX).contains(&f) {
        return false;
    }
    f == f.trunc()
}

/// Validates `x` against `schema` and returns upstream's field errors. `field_root` is the
/// field path the errors hang under (`None` for the object itself, whose errors are named by
/// their own path; `Some("status")` for a status update).
pub fn validate(schema: &Schema, x: &Value, field_root: Option<&str>) -> Vec<FieldError> {
    let mut errs = Errs::default();
    node(schema, x, "", &mut errs, 0);
    errs.0
        .iter()
        .map(|e| to_field_error(e, field_root))
        .collect()
}

const MAX_DEPTH: usize = 128;

/// `SchemaValidator.Validate` for one node.
fn node(s: &Schema, x: &Value, path: &str, out: &mut Errs, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let kind = kind_of(x);
    let format = s.effective_format();
    let types = s.types();
    let type_applies = !types.is_empty() || !format.is_empty();
    if kind == Kind::Null {
        if type_applies {
            type_check(s, x, path, out);
        }
        enum_check(s, x, path, out);
        return;
    }
    if type_applies {
        type_check(s, x, path, out);
    }
    props_check(s, x, path, out, depth);
    if kind == Kind::String {
        string_check(s, x, path, out);
        if !format.is_empty() {
            format_check(format, x, path, out);
        }
    }
    if kind == Kind::Int || kind == Kind::Float {
        number_check(s, x, path, out);
    }
    if kind == Kind::Slice {
        slice_check(s, x, path, out, depth);
    }
    enum_check(s, x, path, out);
    if kind == Kind::Map {
        object_check(s, x, path, out, depth);
    }
}

/// `typeValidator.Validate`.
fn type_check(s: &Schema, x: &Value, path: &str, out: &mut Errs) {
    let types = s.types();
    let joined = types.join(",");
    let format = s.effective_format();
    let contains = |t: &str| types.contains(&t);
    let kind = kind_of(x);
    if kind == Kind::Null {
        if !types.is_empty() && !contains("null") && !s.nullable {
            out.add(invalid_type(path, &joined, "null"));
        }
        return;
    }
    let (sch_type, data_format) = match kind {
        Kind::Bool => ("boolean", ""),
        Kind::String => ("string", ""),
        Kind::Int => ("integer", "int64"),
        Kind::Float => ("number", "float64"),
        Kind::Slice => ("array", ""),
        _ => ("object", ""),
    };
    let is_float_int = sch_type == "number"
        && num(x).is_some_and(|n| is_json_integer(n.as_f64()))
        && contains("integer");
    let is_int_float = sch_type == "integer" && contains("number");
    let is_lower_float = format == "float64" && data_format == "float32";
    if kind != Kind::String
        && kind != Kind::Slice
        && !format.is_empty()
        && !(contains(sch_type)
            || data_format == format
            || is_float_int
            || is_int_float
            || is_lower_float)
    {
        out.add(invalid_type(path, format, data_format));
        return;
    }
    if !(contains("number") || contains("integer") || format.is_empty())
        && (kind == Kind::String || kind == Kind::Slice)
    {
        return;
    }
    if !(contains(sch_type) || is_float_int || is_int_float) {
        out.add(invalid_type(path, &joined, sch_type));
    }
}

/// `errors.InvalidType(path, "body", type, value)` with a string value.
fn invalid_type(path: &str, type_name: &str, value: &str) -> OErr {
    v(
        Code::InvalidType,
        path,
        format!(
            "{path} in {IN} must be of type {type_name}: {}",
            go_quote(value)
        ),
        Some(Value::from(value)),
    )
}

/// `schemaPropsValidator.Validate`: allOf, anyOf, oneOf, not.
fn props_check(s: &Schema, x: &Value, path: &str, out: &mut Errs, depth: usize) {
    let run = |sub: &Schema| {
        let mut e = Errs::default();
        node(sub, x, path, &mut e, depth + 1);
        e
    };
    if !s.any_of.is_empty() {
        let results: Vec<Errs> = s.any_of.iter().map(run).collect();
        if results.iter().all(|r| !r.is_empty()) {
            out.add(OErr::Plain(format!(
                "{} must validate at least one schema (anyOf)",
                go_quote(path)
            )));
            if let Some(first) = results.into_iter().next() {
                out.merge(first);
            }
        }
    }
    if !s.one_of.is_empty() {
        let results: Vec<Errs> = s.one_of.iter().map(run).collect();
        let valid = results.iter().filter(|r| r.is_empty()).count();
        if valid != 1 {
            let more = if valid == 0 {
                "Found none valid".to_string()
            } else {
                format!("Found {valid} valid alternatives")
            };
            out.add(OErr::Plain(format!(
                "{} must validate one and only one schema (oneOf). {more}",
                go_quote(path)
            )));
            if valid == 0 {
                if let Some(first) = results.into_iter().next() {
                    out.merge(first);
                }
            }
        }
    }
    if !s.all_of.is_empty() {
        let mut validated = 0;
        for sub in &s.all_of {
            let r = run(sub);
            if r.is_empty() {
                validated += 1;
            }
            out.merge(r);
        }
        if validated != s.all_of.len() {
            let more = if validated == 0 {
                ". None validated"
            } else {
                ""
            };
            out.add(OErr::Plain(format!(
                "{} must validate all the schemas (allOf){more}",
                go_quote(path)
            )));
        }
    }
    if let Some(not) = &s.not {
        if run(not).is_empty() {
            out.add(OErr::Plain(format!(
                "{} must not validate the schema (not)",
                go_quote(path)
            )));
        }
    }
}

/// `stringValidator.Validate`: maxLength, minLength (in runes), pattern; the first failure.
fn string_check(s: &Schema, x: &Value, path: &str, out: &mut Errs) {
    let Some(data) = x.as_str() else { return };
    let len = data.chars().count() as i64;
    if let Some(max) = s.max_length {
        if len > max {
            let mut e = v(
                Code::TooLong,
                path,
                format!("{path} in {IN} should be at most {max} chars long"),
                Some(x.clone()),
            );
            if let OErr::Validation { valid, .. } = &mut e {
                *valid = Some(max);
            }
            out.add(e);
            return;
        }
    }
    if let Some(min) = s.min_length {
        if len < min {
            out.add(v(
                Code::TooShort,
                path,
                format!("{path} in {IN} should be at least {min} chars long"),
                Some(x.clone()),
            ));
            return;
        }
    }
    if let Some(p) = &s.pattern {
        match regex_lite::Regex::new(p) {
            Err(e) => out.add(v(
                Code::Pattern,
                path,
                format!("{path} in {IN} should match '{p}, but pattern is invalid: {e}'"),
                Some(x.clone()),
            )),
            Ok(re) if !re.is_match(data) => out.add(v(
                Code::Pattern,
                path,
                format!("{path} in {IN} should match '{p}'"),
                Some(x.clone()),
            )),
            Ok(_) => {}
        }
    }
}

/// `formatValidator.Validate` for the formats kplane checks.
fn format_check(format: &str, x: &Value, path: &str, out: &mut Errs) {
    let Some(data) = x.as_str() else { return };
    let ok = match format.replace('-', "").as_str() {
        "datetime" => is_date_time(data),
        "date" => is_date(data),
        "uuid" => is_uuid(data, None),
        "uuid3" => is_uuid(data, Some('3')),
        "uuid4" => is_uuid(data, Some('4')),
        "uuid5" => is_uuid(data, Some('5')),
        _ => true,
    };
    if !ok {
        out.add(invalid_type(path, format, data));
    }
}

/// strfmt `IsDate`: `time.Parse("2006-01-02", s)`.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = s.get(r)?;
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// strfmt `IsDateTime`: a date, `t`, then `hh:mm:ss[.frac](z|±hh:mm)` (case-insensitive).
pub fn is_date_time(s: &str) -> bool {
    if s.len() < 4 {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    let parts: Vec<&str> = lower.split('t').collect();
    if parts.len() < 2 || !is_date(parts[0]) {
        return false;
    }
    let t = parts[1].as_bytes();
    // ^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$
    let two = |i: usize| {
        t.get(i..i + 2)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    if t.len() < 9 || !two(0) || t[2] != b':' || !two(3) || t[5] != b':' || !two(6) {
        return false;
    }
    let mut i = 8;
    if i < t.len() && t[i] != b'z' && t[i] != b'+' && t[i] != b'-' {
        // `.` matches any character, then one or more digits.
        i += 1;
        let start = i;
        while i < t.len() && t[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    let zone_ok = match t.get(i) {
        Some(b'z') => i + 1 == t.len(),
        Some(b'+') | Some(b'-') => t.len() == i + 6 && two(i + 1) && t[i + 3] == b':' && two(i + 4),
        _ => false,
    };
    let field = |r: std::ops::Range<usize>| std::str::from_utf8(&t[r]).unwrap_or("99");
    zone_ok && field(0..2) <= "23" && field(3..5) <= "59" && field(6..8) <= "59"
}

fn is_uuid(s: &str, version: Option<char>) -> bool {
    // (?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?V[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$
    let hex: String = s.chars().filter(|c| *c != '-').collect();
    let groups: Vec<&str> = s.split('-').collect();
    let dashes_ok = groups.len() == 1
        || (groups.len() == 5
            && groups.iter().map(|g| g.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]);
    hex.len() == 32
        && hex.chars().all(|c| c.is_ascii_hexdigit())
        && dashes_ok
        && version.is_none_or(|v| hex.chars().nth(12) == Some(v))
}

/// `IsValueValidAgainstRange`: whether `n` converts to the schema's integer/number format.
fn in_range(n: Num, type_name: &str, format: &str, prefix: &str, path: &str) -> Option<String> {
    let rep = match n {
        Num::Int(i) => i.to_string(),
        Num::Float(f) => format_float_f(f),
    };
    let ok = match type_name {
        "integer" => match format {
            "int32" => rep.parse::<i32>().is_ok(),
            "uint32" => rep.parse::<u32>().is_ok(),
            "uint64" => rep.parse::<u64>().is_ok(),
            _ => rep.parse::<i64>().is_ok(),
        },
        _ => match format {
            "float" | "float32" => rep.parse::<f64>().is_ok_and(|f| f.abs() <= f32::MAX as f64),
            _ => true,
        },
    };
    if ok {
        None
    } else if format.is_empty() {
        Some(format!(
            "{prefix} value must be of type {type_name} (default format) in {path}"
        ))
    } else {
        Some(format!(
            "{prefix} value must be of type {type_name} with format {format} in {path}"
        ))
    }
}

/// `strconv.FormatFloat(f, 'f', -1, 64)`.
fn format_float_f(f: f64) -> String {
    if f.is_finite() {
        format!("{f}")
    } else {
        go_float(f)
    }
}

/// `numberValidator.Validate`: the format range, multipleOf, minimum, maximum.
fn number_check(s: &Schema, x: &Value, path: &str, out: &mut Errs) {
    let Some(n) = num(x) else { return };
    let (type_name, format) = match s.types().as_slice() {
        ["integer"] => (
            "integer",
            match s.effective_format() {
                f @ ("int32" | "int64") => f,
                _ => "",
            },
        ),
        ["number"] => (
            "number",
            match s.effective_format() {
                f @ ("float" | "double") => f,
                _ => "",
            },
        ),
        _ => ("", ""),
    };
    if let Some(e) = in_range(n, type_name, format, "Checked", path) {
        out.add(OErr::Plain(e));
    }
    let data = n.as_f64();
    if let Some(factor) = s.multiple_of {
        let native = in_range(Num::Float(factor), type_name, format, "MultipleOf", path);
        if let Some(e) = &native {
            out.add(OErr::Plain(e.clone()));
        }
        let err = match (native.is_none(), n) {
            (true, Num::Int(i)) => {
                let f = factor as i64;
                if f <= 0 {
                    Some(v(
                        Code::MultipleOf,
                        path,
                        format!("factor MultipleOf declared for {path} must be positive: {f}"),
                        Some(Value::from(f)),
                    ))
                } else if i.checked_rem(f).is_some_and(|r| r != 0) {
                    Some(v(
                        Code::MultipleOf,
                        path,
                        format!("{path} in {IN} should be a multiple of {f}"),
                        Some(x.clone()),
                    ))
                } else {
                    None
                }
            }
            _ => {
                if factor <= 0.0 {
                    Some(v(
                        Code::MultipleOf,
                        path,
                        format!(
                            "factor MultipleOf declared for {path} must be positive: {}",
                            go_float(factor)
                        ),
                        Some(Value::from(factor)),
                    ))
                } else {
                    let mult = if factor < 1.0 {
                        1.0 / factor * data
                    } else {
                        data / factor
                    };
                    (!is_json_integer(mult)).then(|| {
                        v(
                            Code::MultipleOf,
                            path,
                            format!(
                                "{path} in {IN} should be a multiple of {}",
                                go_float(factor)
                            ),
                            Some(Value::from(data)),
                        )
                    })
                }
            }
        };
        if let Some(e) = err {
            out.add(e);
        }
    }
    for (bound, exclusive, is_max) in [
        (s.minimum, s.exclusive_minimum, false),
        (s.maximum, s.exclusive_maximum, true),
    ] {
        let Some(bound) = bound else { continue };
        let prefix = if is_max {
            "Maximum boundary"
        } else {
            "Minimum boundary"
        };
        let native = in_range(Num::Float(bound), type_name, format, prefix, path);
        if let Some(e) = &native {
            out.add(OErr::Plain(e.clone()));
        }
        let (fails, shown_bound, value) = match (native.is_none(), n) {
            (true, Num::Int(i)) => {
                let b = bound as i64;
                let fails = if is_max {
                    (!exclusive && i > b) || (exclusive && i >= b)
                } else {
                    (!exclusive && i < b) || (exclusive && i <= b)
                };
                (fails, go_num(Num::Int(b)), Value::from(i))
            }
            _ => {
                let fails = if is_max {
                    (!exclusive && data > bound) || (exclusive && data >= bound)
                } else {
                    (!exclusive && data < bound) || (exclusive && data <= bound)
                };
                (fails, go_float(bound), x.clone())
            }
        };
        if fails {
            let relation = match (is_max, exclusive) {
                (true, false) => "less than or equal to",
                (true, true) => "less than",
                (false, false) => "greater than or equal to",
                (false, true) => "greater than",
            };
            out.add(v(
                if is_max { Code::Max } else { Code::Min },
                path,
                format!("{path} in {IN} should be {relation} {shown_bound}"),
                Some(value),
            ));
        }
    }
}

/// `schemaSliceValidator.Validate`: items, minItems, maxItems, uniqueItems.
fn slice_check(s: &Schema, x: &Value, path: &str, out: &mut Errs, depth: usize) {
    let Some(items) = x.as_array() else { return };
    if let Some(item_schema) = &s.items {
        for (i, item) in items.iter().enumerate() {
            node(item_schema, item, &format!("{path}[{i}]"), out, depth + 1);
        }
    }
    let size = items.len() as i64;
    if let Some(min) = s.min_items {
        if size < min {
            out.add(v(
                Code::MinItems,
                path,
                format!("{path} in {IN} should have at least {min} items"),
                Some(Value::from(size)),
            ));
        }
    }
    if let Some(max) = s.max_items {
        if size > max {
            let mut e = v(
                Code::MaxItems,
                path,
                format!("{path} in {IN} should have at most {max} items"),
                Some(Value::from(size)),
            );
            if let OErr::Validation { valid, .. } = &mut e {
                *valid = Some(max);
            }
            out.add(e);
        }
    }
    if s.unique_items {
        let dup = items
            .iter()
            .enumerate()
            .any(|(i, a)| items[..i].iter().any(|b| go_deep_equal(a, b)));
        if dup {
            out.add(v(
                Code::Unique,
                path,
                format!("{path} in {IN} shouldn't contain duplicates"),
                None,
            ));
        }
    }
}

/// `reflect.DeepEqual` of two decoded JSON values: an int64 never equals a float64.
pub fn go_deep_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(_), Value::Number(_)) => num(a) == num(b),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| go_deep_equal(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, p)| y.get(k).is_some_and(|q| go_deep_equal(p, q)))
        }
        _ => a == b,
    }
}

/// `basicCommonValidator.Validate`: the value must equal one of `enum`, after Go's conversion
/// of the value to the enum value's type (an int64 converts to float64 and back, and to a
/// one-character string).
fn enum_check(s: &Schema, x: &Value, path: &str, out: &mut Errs) {
    let Some(values) = &s.enum_ else { return };
    if values.is_empty() {
        return;
    }
    let matches = |e: &Value| -> bool {
        match (kind_of(x), kind_of(e)) {
            (_, Kind::Null) => false,
            (Kind::Int, Kind::Float) | (Kind::Float, Kind::Float) | (Kind::Int, Kind::Int) => {
                num(x).map(Num::as_f64) == num(e).map(Num::as_f64)
                    && (kind_of(x) == kind_of(e) || matches!(kind_of(x), Kind::Int))
            }
            (Kind::Float, Kind::Int) => {
                // float64 -> int64 conversion truncates.
                let f = num(x).map(Num::as_f64).unwrap_or(0.0);
                num(e) == Some(Num::Int(f as i64))
            }
            (Kind::Int, Kind::String) => {
                let i = match num(x) {
                    Some(Num::Int(i)) => i,
                    _ => 0,
                };
                let c = u32::try_from(i)
                    .ok()
                    .and_then(char::from_u32)
                    .unwrap_or('\u{FFFD}');
                e.as_str() == Some(c.to_string().as_str())
            }
            (a, b) if a == b => go_deep_equal(x, e),
            _ => false,
        }
    };
    if values.iter().any(matches) {
        return;
    }
    out.add(OErr::Validation {
        code: Code::Enum,
        name: path.to_string(),
        message: format!(
            "{path} in {IN} should be one of [{}]",
            values.iter().map(go_sprint).collect::<Vec<_>>().join(" ")
        ),
        value: Some(x.clone()),
        valid: None,
        values: values.clone(),
    });
}

/// Go's `%v` of a decoded JSON value inside `[]interface{}`.
fn go_sprint(x: &Value) -> String {
    match x {
        Value::String(s) => s.to_string(),
        Value::Null => "<nil>".into(),
        Value::Number(_) => num(x).map(go_num).unwrap_or_default(),
        Value::Bool(b) => b.to_string(),
        _ => go_json(x),
    }
}

/// `objectValidator.Validate`: min/maxProperties, additionalProperties, properties, required.
fn object_check(s: &Schema, x: &Value, path: &str, out: &mut Errs, depth: usize) {
    let Some(m) = x.as_object() else { return };
    let n = m.len() as i64;
    if let Some(min) = s.min_properties {
        if n < min {
            out.add(v(
                Code::TooFewProperties,
                path,
                format!("{path} in {IN} should have at least {min} properties"),
                Some(Value::from(n)),
            ));
        }
    }
    if let Some(max) = s.max_properties {
        if n > max {
            let mut e = v(
                Code::TooManyProperties,
                path,
                format!("{path} in {IN} should have at most {max} properties"),
                Some(Value::from(n)),
            );
            if let OErr::Validation { valid, .. } = &mut e {
                *valid = Some(max);
            }
            out.add(e);
        }
    }
    match &s.additional_properties {
        Some(Additional::Allows(false)) => {
            for (k, _) in m.iter() {
                if s.property(k).is_none() {
                    out.add(v(
                        Code::UnallowedProperty,
                        path,
                        format!("{path}.{k} in {IN} is a forbidden property"),
                        Some(Value::from(k.as_str())),
                    ));
                }
            }
        }
        Some(Additional::Schema(add)) => {
            for (k, val) in m.iter() {
                if s.property(k).is_none() {
                    node(add, val, &format!("{path}.{k}"), out, depth + 1);
                }
            }
        }
        _ => {}
    }
    for (name, prop) in &s.properties {
        if let Some(val) = m.get(name) {
            let child = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            node(prop, val, &child, out, depth + 1);
        }
    }
    for k in &s.required {
        if !m.contains_key(k) {
            let name = format!("{path}.{k}");
            out.add(v(
                Code::Required,
                &name,
                format!("{name} in {IN} is required"),
                None,
            ));
        }
    }
}

/// `kubeOpenAPIResultToFieldErrors` for one error.
fn to_field_error(e: &OErr, root: Option<&str>) -> FieldError {
    let root_text = root.unwrap_or("<nil>");
    match e {
        OErr::Plain(m) => FieldError::invalid(root_text, "\"\"", m.clone()),
        OErr::Validation {
            code,
            name,
            message,
            value,
            valid,
            values,
        } => {
            let trimmed = name.strip_prefix('.').unwrap_or(name);
            let field = match root {
                _ if trimmed.is_empty() => root_text.to_string(),
                Some(r) => format!("{r}.{trimmed}"),
                None => trimmed.to_string(),
            };
            let shown = value
                .as_ref()
                .map(go_value)
                .unwrap_or_else(|| "\"\"".into());
            match code {
                Code::Required => FieldError::required(field, ""),
                Code::Enum => {
                    let allowed: Vec<String> = values
                        .iter()
                        .map(|a| match a.as_str() {
                            Some(s) => s.to_string(),
                            None => go_json(a),
                        })
                        .collect();
                    let list: Vec<&str> = allowed.iter().map(String::as_str).collect();
                    FieldError::not_supported(field, shown, &list)
                }
                Code::TooLong => {
                    let max = valid.unwrap_or(-1);
                    let detail = if max >= 0 {
                        format!(
                            "may not be more than {max} {}",
                            if max == 1 { "byte" } else { "bytes" }
                        )
                    } else {
                        "value is too long".into()
                    };
                    FieldError {
                        kind: FieldErrorKind::TooLong,
                        field,
                        value: String::new(),
                        detail,
                    }
                }
                Code::MaxItems | Code::TooManyProperties => {
                    let max = valid.unwrap_or(-1);
                    let detail = if max >= 0 {
                        format!(
                            "must have at most {max} {}",
                            if max == 1 { "item" } else { "items" }
                        )
                    } else {
                        "has too many items".into()
                    };
                    FieldError {
                        kind: FieldErrorKind::TooMany,
                        field,
                        value: shown,
                        detail,
                    }
                }
                Code::InvalidType => FieldError {
                    kind: FieldErrorKind::TypeInvalid,
                    field,
                    value: shown,
                    detail: message.clone(),
                },
                _ => FieldError::invalid(field, shown, message.clone()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn errors(schema: Value, obj: Value) -> Vec<String> {
        validate(&Schema::from_value(&schema), &obj, None)
            .iter()
            .map(|e| e.to_string())
            .collect()
    }

    fn spec_schema(props: Value) -> Value {
        json!({"type": "object", "properties": {"spec": {"type": "object", "properties": props}}})
    }

    /// Messages as the apiserver returns them for custom resources (kube-openapi's formats
    /// through `kubeOpenAPIResultToFieldErrors` and `field.Error.ErrorBody`).
    #[test]
    fn field_errors_as_the_apiserver_words_them() {
        let cases: &[(Value, Value, &[&str])] = &[
            (json!({"replicas": {"type": "integer"}}), json!({"replicas": "string"}),
                &[r#"spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string""#]),
            (json!({"replicas": {"type": "integer"}}), json!({"replicas": "three"}),
                &[r#"spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string""#]),
            (json!({"replicas": {"type": "integer"}}), json!({"replicas": true}),
                &[r#"spec.replicas: Invalid value: "boolean": spec.replicas in body must be of type integer: "boolean""#]),
            (json!({"replicas": {"type": "integer"}}), json!({"replicas": 1.5}),
                &[r#"spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number""#,
                  r#"<nil>: Invalid value: "": Checked value must be of type integer (default format) in spec.replicas"#]),
            (json!({"replicas": {"type": "integer"}}), json!({"replicas": 2.0}), &[]),
            (json!({"replicas": {"type": "integer", "minimum": 1, "maximum": 5}}), json!({"replicas": 0}),
                &["spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1"]),
            (json!({"replicas": {"type": "integer", "minimum": 1, "maximum": 5}}), json!({"replicas": 9}),
                &["spec.replicas: Invalid value: 9: spec.replicas in body should be less than or equal to 5"]),
            (json!({"ratio": {"type": "number", "maximum": 1, "exclusiveMaximum": true}}), json!({"ratio": 1}),
                &["spec.ratio: Invalid value: 1: spec.ratio in body should be less than 1"]),
            (json!({"ratio": {"type": "number", "minimum": 0.5, "exclusiveMinimum": true}}), json!({"ratio": 0.5}),
                &["spec.ratio: Invalid value: 0.5: spec.ratio in body should be greater than 0.5"]),
            (json!({"n": {"type": "integer", "format": "int32"}}), json!({"n": 3000000000i64}),
                &[r#"<nil>: Invalid value: "": Checked value must be of type integer with format int32 in spec.n"#]),
            (json!({"mode": {"type": "string", "enum": ["Fast", "Slow"]}}), json!({"mode": "Medium"}),
                &[r#"spec.mode: Unsupported value: "Medium": supported values: "Fast", "Slow""#]),
            (json!({"level": {"type": "integer", "enum": [1, 2]}}), json!({"level": 3}),
                &[r#"spec.level: Unsupported value: 3: supported values: "1", "2""#]),
            (json!({"name": {"type": "string", "maxLength": 3}}), json!({"name": "abcd"}),
                &["spec.name: Too long: may not be more than 3 bytes"]),
            (json!({"name": {"type": "string", "minLength": 2}}), json!({"name": "a"}),
                &[r#"spec.name: Invalid value: "a": spec.name in body should be at least 2 chars long"#]),
            (json!({"name": {"type": "string", "pattern": "^[a-z]+$"}}), json!({"name": "A1"}),
                &[r#"spec.name: Invalid value: "A1": spec.name in body should match '^[a-z]+$'"#]),
            (json!({"tags": {"type": "array", "items": {"type": "string"}, "maxItems": 1}}), json!({"tags": ["a", "b"]}),
                &["spec.tags: Too many: 2: must have at most 1 item"]),
            (json!({"tags": {"type": "array", "items": {"type": "string"}, "minItems": 2}}), json!({"tags": ["a"]}),
                &["spec.tags: Invalid value: 1: spec.tags in body should have at least 2 items"]),
            (json!({"tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": true}}), json!({"tags": ["a", "a"]}),
                &[r#"spec.tags: Invalid value: "": spec.tags in body shouldn't contain duplicates"#]),
            (json!({"tags": {"type": "array", "items": {"type": "integer"}}}), json!({"tags": [1, "x"]}),
                &[r#"spec.tags[1]: Invalid value: "string": spec.tags[1] in body must be of type integer: "string""#]),
            (json!({"when": {"type": "string", "format": "date-time"}}), json!({"when": "yesterday"}),
                &[r#"spec.when: Invalid value: "yesterday": spec.when in body must be of type date-time: "yesterday""#]),
            (json!({"when": {"type": "string", "format": "date-time"}}), json!({"when": "2024-02-29T12:30:00Z"}), &[]),
            (json!({"when": {"type": "string", "format": "date-time"}}), json!({"when": "2023-02-29T12:30:00Z"}),
                &[r#"spec.when: Invalid value: "2023-02-29T12:30:00Z": spec.when in body must be of type date-time: "2023-02-29T12:30:00Z""#]),
            (json!({"port": {"x-kubernetes-int-or-string": true}}), json!({"port": 80}), &[]),
            (json!({"port": {"x-kubernetes-int-or-string": true}}), json!({"port": "http"}), &[]),
            (json!({"port": {"x-kubernetes-int-or-string": true}}), json!({"port": true}),
                &[r#"spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean""#]),
            (json!({"opt": {"type": "string", "nullable": true}}), json!({"opt": null}), &[]),
            (json!({"opt": {"type": "string"}}), json!({"opt": null}),
                &[r#"spec.opt: Invalid value: "null": spec.opt in body must be of type string: "null""#]),
            (json!({"labels": {"type": "object", "additionalProperties": {"type": "string"}}}), json!({"labels": {"a": 1}}),
                &[r#"spec.labels.a: Invalid value: "integer": spec.labels.a in body must be of type string: "integer""#]),
            (json!({"sel": {"type": "object", "maxProperties": 1}}), json!({"sel": {"a": 1, "b": 2}}),
                &["spec.sel: Too many: 2: must have at most 1 item"]),
        ];
        for (props, spec, want) in cases {
            let got = errors(spec_schema(props.clone()), json!({"spec": spec.clone()}));
            assert_eq!(got, *want, "{spec}");
        }
    }

    #[test]
    fn required_and_nested_paths() {
        let schema = json!({"type": "object", "required": ["spec"], "properties": {
            "spec": {"type": "object", "required": ["image", "ports"], "properties": {
                "image": {"type": "string"},
                "ports": {"type": "array", "items": {"type": "object", "required": ["port"],
                    "properties": {"port": {"type": "integer"}}}}}}}});
        assert_eq!(errors(schema.clone(), json!({})), ["spec: Required value"]);
        assert_eq!(
            errors(schema, json!({"spec": {"ports": [{"port": 1}, {}]}})),
            [
                "spec.ports[1].port: Required value",
                "spec.image: Required value"
            ]
        );
    }

    #[test]
    fn status_updates_hang_under_status() {
        let s = Schema::from_value(
            &json!({"type": "object", "properties": {"replicas": {"type": "integer"}}}),
        );
        let e = validate(&s, &json!({"replicas": "x"}), Some("status"));
        assert_eq!(
            e[0].to_string(),
            r#"status.replicas: Invalid value: "string": replicas in body must be of type integer: "string""#
        );
    }

    #[test]
    fn any_of_reports_the_composite_failure() {
        let schema =
            spec_schema(json!({"v": {"anyOf": [{"type": "integer"}, {"type": "boolean"}]}}));
        assert_eq!(
            errors(schema, json!({"spec": {"v": "x"}})),
            [
                r#"<nil>: Invalid value: "": "spec.v" must validate at least one schema (anyOf)"#,
                r#"spec.v: Invalid value: "string": spec.v in body must be of type integer: "string""#
            ]
        );
    }

    #[test]
    fn dates() {
        for ok in ["2024-01-31", "2000-02-29"] {
            assert!(is_date(ok), "{ok}");
        }
        for bad in [
            "2024-1-31",
            "2024-13-01",
            "1900-02-29",
            "2024-04-31",
            "abcd-ef-gh",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
        for ok in [
            "2024-01-31T23:59:59Z",
            "2024-01-31t10:00:00.123+01:00",
            "2024-01-31T10:00:00-05:30",
        ] {
            assert!(is_date_time(ok), "{ok}");
        }
        for bad in [
            "2024-01-31",
            "2024-01-31T24:00:00Z",
            "2024-01-31T10:00:00",
            "2024-01-31T10:00Z",
        ] {
            assert!(!is_date_time(bad), "{bad}");
        }
    }
}
