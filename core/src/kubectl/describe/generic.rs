//! `genericDescriber` (describe.go): name, namespace, labels, annotations, then every other
//! field of the object (`printUnstructuredContent`, keys sorted, labels from
//! `smartLabelFor`), then the events.
use super::{annotations, events_section, labels, Env, W};
use crate::api::object;
use crate::api::Value;

const SKIP: &[&str] = &[
    ".metadata.managedFields",
    ".metadata.name",
    ".metadata.namespace",
    ".metadata.labels",
    ".metadata.annotations",
];

pub(crate) fn describe(env: &Env<'_>, o: &Value) -> String {
    let mut w = W::default();
    w.w(0, &format!("Name:\t{}\n", object::name(o)));
    w.w(0, &format!("Namespace:\t{}\n", object::namespace(o)));
    labels(&mut w, "Labels", &object::labels(o));
    annotations(
        &mut w,
        "Annotations",
        &object::string_map(o, &["metadata", "annotations"]),
    );
    content(&mut w, 0, o, "");
    events_section(&mut w, env, o, false);
    w.finish()
}

/// `printUnstructuredContent`.
fn content(w: &mut W, level: usize, map: &Value, prefix: &str) {
    let Some(m) = map.as_object() else { return };
    let mut fields: Vec<&str> = m.iter().map(|(k, _)| k.as_ref()).collect();
    fields.sort_unstable();
    for field in fields {
        let skip = format!("{prefix}.{field}");
        if SKIP.contains(&skip.as_str()) {
            continue;
        }
        let value = &map[field];
        match value {
            Value::Object(_) => {
                w.w(level, &format!("{}:\n", smart_label(field)));
                content(w, level + 1, value, &skip);
            }
            Value::Array(items) => {
                w.w(level, &format!("{}:\n", smart_label(field)));
                for child in items.iter() {
                    if child.is_object() {
                        content(w, level + 1, child, &skip);
                    } else {
                        w.w(level + 1, &format!("{}\n", go_value(child)));
                    }
                }
            }
            other => w.w(
                level,
                &format!("{}:\t{}\n", smart_label(field), go_value(other)),
            ),
        }
    }
}

/// Go's `%v` of a JSON scalar (or nested value inside an array).
fn go_value(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::String(s) => s.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => i.to_string(),
            (None, Some(f)) => go_float_v(f),
            _ => n.to_string(),
        },
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(go_value).collect::<Vec<_>>().join(" ")
        ),
        Value::Object(m) => {
            let mut keys: Vec<&str> = m.iter().map(|(k, _)| k.as_ref()).collect();
            keys.sort_unstable();
            format!(
                "map[{}]",
                keys.iter()
                    .map(|k| format!("{k}:{}", go_value(&v[*k])))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        }
    }
}

/// `smartLabelFor`: `creationTimestamp` → `Creation Timestamp`, `apiVersion` → `API Version`;
/// fields with characters other than letters and `-` stay as they are.
pub(crate) fn smart_label(field: &str) -> String {
    if field.chars().any(|c| !c.is_alphabetic() && c != '-') {
        return field.to_string();
    }
    const ACRONYMS: &[&str] = &["API", "URL", "UID", "OSB", "GUID"];
    camel_split(field)
        .into_iter()
        .filter(|p| p != "_")
        .map(|p| {
            let upper = p.to_uppercase();
            if ACRONYMS.contains(&upper.as_str()) {
                upper
            } else {
                title(&p)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `strings.Title`: the first letter of each word upper-cased.
fn title(s: &str) -> String {
    let mut out = String::new();
    let mut prev_letter = false;
    for c in s.chars() {
        if !prev_letter && c.is_alphabetic() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        prev_letter = c.is_alphanumeric() || c == '_' || c == '\'';
    }
    out
}

/// `camelcase.Split` (github.com/fatih/camelcase): runs of lower, upper, digit and other
/// characters, an upper run giving its last letter to a following lower run (`PDFLoader` →
/// `PDF Loader`).
fn camel_split(s: &str) -> Vec<String> {
    let class = |c: char| {
        if c.is_lowercase() {
            1
        } else if c.is_uppercase() {
            2
        } else if c.is_numeric() {
            3
        } else {
            4
        }
    };
    let mut runs: Vec<Vec<char>> = Vec::new();
    let mut last = 0;
    for c in s.chars() {
        let k = class(c);
        match runs.last_mut() {
            Some(r) if k == last => r.push(c),
            _ => runs.push(vec![c]),
        }
        last = k;
    }
    for i in 0..runs.len().saturating_sub(1) {
        let upper_then_lower = runs[i].first().is_some_and(|c| c.is_uppercase())
            && runs[i + 1].first().is_some_and(|c| c.is_lowercase());
        if upper_then_lower {
            if let Some(c) = runs[i].pop() {
                runs[i + 1].insert(0, c);
            }
        }
    }
    runs.into_iter()
        .filter(|r| !r.is_empty())
        .map(|r| r.into_iter().collect())
        .collect()
}

/// `fmt.Sprintf("%v", f)` of a float64: `strconv.FormatFloat(f, 'g', -1, 64)`, which uses
/// `%e` when the exponent is below -4 or at least 6 (`1e+06`, `1.5`).
fn go_float_v(f: f64) -> String {
    if !f.is_finite() {
        return if f.is_nan() {
            "NaN".into()
        } else if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    } else {
        format!("{f}")
    }
}
