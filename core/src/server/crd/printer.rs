//! `additionalPrinterColumns`: the columns `kubectl get` shows for a custom resource and the
//! text of each cell (apiextensions-apiserver `pkg/registry/customresource/tableconvertor`
//! `New`, `ConvertToTable`, `cellForJSONValue`; the default `Age` column of
//! `pkg/apihelpers` `GetColumnsForVersion`; client-go `util/jsonpath` with missing keys
//! allowed; kubectl prints a missing cell as `<none>`).
//!
//! The JSONPath subset: `.field`, `['field']`, `[n]` (negative from the end), `[*]`, and
//! filters `[?(@.path == "v")]` with `==`, `!=`, `<`, `<=`, `>`, `>=` or a bare `@.path`.
use super::values::{go_json, go_num, num, Num};
use crate::api::Value;

/// One printer column of a CRD version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrinterColumn {
    /// `name`: the header (kubectl upper-cases it).
    pub name: String,
    /// `type`: string, integer, number, boolean or date.
    pub type_: String,
    /// `format`.
    pub format: String,
    /// `priority`: columns above 0 show only with `-o wide`.
    pub priority: i64,
    /// `jsonPath`.
    pub json_path: String,
}

/// The printer columns of a CRD version (`spec.versions[i]`), or the default `Age` column
/// (`.metadata.creationTimestamp`) when it declares none.
pub fn columns_for(version: &Value) -> Vec<PrinterColumn> {
    let cols: Vec<PrinterColumn> = version
        .get("additionalPrinterColumns")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|c| {
            let s = |k: &str| c.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            PrinterColumn {
                name: s("name"),
                type_: s("type"),
                format: s("format"),
                priority: c.get("priority").and_then(Value::as_i64).unwrap_or(0),
                json_path: s("jsonPath"),
            }
        })
        .collect();
    if cols.is_empty() {
        vec![PrinterColumn {
            name: "Age".into(),
            type_: "date".into(),
            format: String::new(),
            priority: 0,
            json_path: ".metadata.creationTimestamp".into(),
        }]
    } else {
        cols
    }
}

/// The headers kubectl prints: `NAME` and the columns shown (priority 0, or all with `wide`),
/// upper-cased.
pub fn headers(cols: &[PrinterColumn], wide: bool) -> Vec<String> {
    std::iter::once("NAME".to_string())
        .chain(
            cols.iter()
                .filter(|c| wide || c.priority == 0)
                .map(|c| c.name.to_uppercase()),
        )
        .collect()
}

/// The cells kubectl prints for `obj`: its name, then each shown column. `age_text` turns an
/// age in milliseconds into kubectl's text (`duration.HumanDuration`); `now_ms` is the clock.
pub fn row(
    cols: &[PrinterColumn],
    obj: &Value,
    wide: bool,
    now_ms: i64,
    age_text: &dyn Fn(i64) -> String,
) -> Vec<String> {
    let mut out = vec![crate::api::object::name(obj).to_string()];
    for c in cols.iter().filter(|c| wide || c.priority == 0) {
        let value = evaluate(&c.json_path, obj).into_iter().next();
        out.push(cell(&c.type_, value.as_ref(), now_ms, age_text));
    }
    out
}

/// One cell: `cellForJSONValue` for typed columns, the JSONPath text for strings; `<none>`
/// for a missing or mistyped value.
fn cell(type_: &str, v: Option<&Value>, now_ms: i64, age_text: &dyn Fn(i64) -> String) -> String {
    const NONE: &str = "<none>";
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return NONE.into();
    };
    match type_ {
        "string" => match v {
            Value::String(s) => s.to_string(),
            Value::Array(_) | Value::Object(_) => go_json(v),
            Value::Bool(b) => b.to_string(),
            _ => num(v).map(go_num).unwrap_or_else(|| NONE.into()),
        },
        "integer" => match num(v) {
            Some(Num::Int(i)) => i.to_string(),
            Some(Num::Float(f)) => (f as i64).to_string(),
            None => NONE.into(),
        },
        "number" => match num(v) {
            Some(n) => go_num(Num::Float(n.as_f64())),
            None => NONE.into(),
        },
        "boolean" => v
            .as_bool()
            .map(|b| b.to_string())
            .unwrap_or_else(|| NONE.into()),
        "date" => match v.as_str() {
            Some("") | Some("null") => "<unknown>".into(),
            Some(s) => match crate::sim::clock::parse_rfc3339(s) {
                Some(t) => age_text(now_ms.saturating_sub(t)),
                None => "<invalid>".into(),
            },
            None => NONE.into(),
        },
        _ => NONE.into(),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Field(String),
    Index(i64),
    All,
    Filter(Vec<String>, Option<(String, Value)>),
}

fn parse_literal(s: &str) -> Value {
    let t = s.trim();
    if (t.starts_with('"') && t.ends_with('"') && t.len() >= 2)
        || (t.starts_with('\'') && t.ends_with('\'') && t.len() >= 2)
    {
        return Value::from(&t[1..t.len() - 1]);
    }
    match t {
        "true" => return Value::Bool(true),
        "false" => return Value::Bool(false),
        _ => {}
    }
    if let Ok(i) = t.parse::<i64>() {
        return Value::from(i);
    }
    if let Ok(f) = t.parse::<f64>() {
        return Value::from(f);
    }
    Value::from(t)
}

fn parse_path(p: &str) -> Option<Vec<Step>> {
    let p = p.trim();
    let p = p
        .strip_prefix('{')
        .and_then(|x| x.strip_suffix('}'))
        .unwrap_or(p);
    let chars: Vec<char> = p.chars().collect();
    let mut steps = Vec::new();
    let mut i = 0;
    if chars.first() == Some(&'$') {
        i += 1;
    }
    while i < chars.len() {
        match chars[i] {
            '.' => {
                i += 1;
                let start = i;
                while i < chars.len() && chars[i] != '.' && chars[i] != '[' {
                    i += 1;
                }
                let name: String = chars[start..i].iter().collect();
                if !name.is_empty() {
                    steps.push(Step::Field(name));
                }
            }
            '[' => {
                let mut depth = 0;
                let start = i + 1;
                while i < chars.len() {
                    match chars[i] {
                        '[' => depth += 1,
                        ']' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                let inner: String = chars.get(start..i)?.iter().collect();
                i += 1;
                let inner = inner.trim();
                if inner == "*" {
                    steps.push(Step::All);
                } else if let Some(f) = inner.strip_prefix("?(").and_then(|x| x.strip_suffix(')')) {
                    let f = f.trim();
                    let ops = ["==", "!=", "<=", ">=", "<", ">"];
                    let found = ops.iter().find_map(|op| f.find(op).map(|at| (at, *op)));
                    let (lhs, cmp) = match found {
                        Some((at, op)) => (
                            &f[..at],
                            Some((op.to_string(), parse_literal(&f[at + op.len()..]))),
                        ),
                        None => (f, None),
                    };
                    let lhs = lhs.trim().strip_prefix('@')?;
                    let fields = lhs
                        .split('.')
                        .filter(|s| !s.is_empty())
                        .map(String::from)
                        .collect();
                    steps.push(Step::Filter(fields, cmp));
                } else if (inner.starts_with('\'') && inner.ends_with('\''))
                    || (inner.starts_with('"') && inner.ends_with('"'))
                {
                    steps.push(Step::Field(inner[1..inner.len() - 1].to_string()));
                } else {
                    steps.push(Step::Index(inner.parse().ok()?));
                }
            }
            _ => return None,
        }
    }
    Some(steps)
}

fn compare(a: &Value, op: &str, b: &Value) -> bool {
    let ord = match (num(a), num(b)) {
        (Some(x), Some(y)) => x.as_f64().partial_cmp(&y.as_f64()),
        _ => match (a.as_str(), b.as_str()) {
            (Some(x), Some(y)) => Some(x.cmp(y)),
            _ => None,
        },
    };
    match op {
        "==" => ord == Some(std::cmp::Ordering::Equal) || (ord.is_none() && a == b),
        "!=" => !(ord == Some(std::cmp::Ordering::Equal) || (ord.is_none() && a == b)),
        "<" => ord == Some(std::cmp::Ordering::Less),
        "<=" => matches!(
            ord,
            Some(std::cmp::Ordering::Less | std::cmp::Ordering::Equal)
        ),
        ">" => ord == Some(std::cmp::Ordering::Greater),
        ">=" => matches!(
            ord,
            Some(std::cmp::Ordering::Greater | std::cmp::Ordering::Equal)
        ),
        _ => false,
    }
}

/// Evaluates a printer-column JSONPath on `obj`; missing keys give no result.
pub fn evaluate(path: &str, obj: &Value) -> Vec<Value> {
    let Some(steps) = parse_path(path) else {
        return vec![];
    };
    let mut cur = vec![obj.clone()];
    for step in &steps {
        let mut next = Vec::new();
        for v in &cur {
            match step {
                Step::Field(f) => next.extend(v.get(f).cloned()),
                Step::Index(n) => {
                    if let Some(a) = v.as_array() {
                        let len = a.len() as i64;
                        let idx = if *n < 0 { len + n } else { *n };
                        if (0..len).contains(&idx) {
                            next.push(a[idx as usize].clone());
                        }
                    }
                }
                Step::All => match v {
                    Value::Array(a) => next.extend(a.iter().cloned()),
                    Value::Object(m) => next.extend(m.values().cloned()),
                    _ => {}
                },
                Step::Filter(fields, cmp) => {
                    for item in v.as_array().into_iter().flatten() {
                        let mut x = Some(item);
                        for f in fields {
                            x = x.and_then(|y| y.get(f));
                        }
                        let keep = match (x, cmp) {
                            (Some(x), Some((op, lit))) => compare(x, op, lit),
                            (Some(_), None) => true,
                            (None, _) => false,
                        };
                        if keep {
                            next.push(item.clone());
                        }
                    }
                }
            }
        }
        cur = next;
    }
    cur
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn age(ms: i64) -> String {
        format!("{}s", ms / 1000)
    }

    #[test]
    fn prometheus_style_columns() {
        // The columns of prometheus-operator's `prometheuses.monitoring.coreos.com` v1.
        let version = json!({"additionalPrinterColumns": [
            {"name": "Version", "type": "string", "jsonPath": ".spec.version", "description": "The version of Prometheus"},
            {"name": "Desired", "type": "integer", "jsonPath": ".spec.replicas"},
            {"name": "Ready", "type": "integer", "jsonPath": ".status.availableReplicas"},
            {"name": "Reconciled", "type": "string", "jsonPath": ".status.conditions[?(@.type == 'Reconciled')].status"},
            {"name": "Available", "type": "string", "jsonPath": ".status.conditions[?(@.type == 'Available')].status"},
            {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"},
            {"name": "Paused", "type": "boolean", "jsonPath": ".status.paused", "priority": 1}
        ]});
        let cols = columns_for(&version);
        assert_eq!(
            headers(&cols, false),
            [
                "NAME",
                "VERSION",
                "DESIRED",
                "READY",
                "RECONCILED",
                "AVAILABLE",
                "AGE"
            ]
        );
        assert_eq!(headers(&cols, true).last().unwrap(), "PAUSED");
        let obj = json!({"metadata": {"name": "k8s", "creationTimestamp": "2025-01-01T00:00:00Z"},
            "spec": {"version": "v2.54.1", "replicas": 2},
            "status": {"availableReplicas": 1, "paused": false,
                       "conditions": [{"type": "Available", "status": "Degraded"}, {"type": "Reconciled", "status": "True"}]}});
        let now = crate::sim::clock::parse_rfc3339("2025-01-01T00:01:30Z").unwrap();
        assert_eq!(
            row(&cols, &obj, false, now, &age),
            ["k8s", "v2.54.1", "2", "1", "True", "Degraded", "90s"]
        );
        assert_eq!(row(&cols, &obj, true, now, &age).last().unwrap(), "false");
        // Missing values print as <none>.
        let bare = json!({"metadata": {"name": "x"}});
        assert_eq!(
            row(&cols, &bare, false, now, &age),
            ["x", "<none>", "<none>", "<none>", "<none>", "<none>", "<none>"]
        );
    }

    #[test]
    fn default_age_column_and_cell_types() {
        let cols = columns_for(&json!({}));
        assert_eq!(headers(&cols, false), ["NAME", "AGE"]);
        let obj = json!({"metadata": {"name": "a", "creationTimestamp": "bad"}});
        assert_eq!(row(&cols, &obj, false, 0, &age), ["a", "<invalid>"]);
        let c = |t: &str, v: Value| cell(t, Some(&v), 0, &age);
        assert_eq!(c("integer", json!(2.9)), "2");
        assert_eq!(c("integer", json!("2")), "<none>");
        assert_eq!(c("number", json!(3)), "3");
        assert_eq!(c("number", json!(0.25)), "0.25");
        assert_eq!(
            c("string", json!({"b": 1, "a": [true]})),
            r#"{"a":[true],"b":1}"#
        );
        assert_eq!(c("string", json!(7)), "7");
        assert_eq!(c("boolean", json!("yes")), "<none>");
    }

    #[test]
    fn json_paths() {
        let obj = json!({"spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "y"}],
                                  "labels": {"app.kubernetes.io/name": "web"}}});
        assert_eq!(evaluate(".spec.containers[1].image", &obj), [json!("y")]);
        assert_eq!(evaluate(".spec.containers[-1].name", &obj), [json!("b")]);
        assert_eq!(
            evaluate(".spec.containers[*].name", &obj),
            [json!("a"), json!("b")]
        );
        assert_eq!(
            evaluate(r#".spec.containers[?(@.name=="b")].image"#, &obj),
            [json!("y")]
        );
        assert_eq!(
            evaluate(".spec.labels['app.kubernetes.io/name']", &obj),
            [json!("web")]
        );
        assert!(evaluate(".spec.missing.deeper", &obj).is_empty());
        assert!(evaluate(".spec.containers[5]", &obj).is_empty());
    }
}
