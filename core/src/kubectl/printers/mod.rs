//! The table printers of every kind kplane serves: the columns and cells the API server puts
//! in a `Table` (k8s.io/kubernetes pkg/printers/internalversion/printers.go for built-in
//! kinds, the CRDs' `additionalPrinterColumns` for custom kinds, the default convertor's
//! `NAME CREATED AT` otherwise). The server always fills every column; kubectl shows the
//! priority-0 ones, and the rest too with `-o wide`.
pub(crate) mod cluster;
mod crd;
mod network;
mod workloads;

pub use cluster::node_status;
pub use workloads::pod_status;

use crate::api::object::{self, str_at};
use crate::api::{KindInfo, Value};
use crate::kubectl::table::human_duration;
use crate::sim::parse_rfc3339;
use std::collections::BTreeMap;

/// One column of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The column name as the server declares it (`Nominated Node`); printed upper-cased.
    pub name: String,
    /// 0: always shown; 1: only with `-o wide`.
    pub priority: u8,
    /// Whether this is the `format: name` column (prefixed `kind/` with `--show-kind`).
    pub is_name: bool,
}

/// A kind's columns and its row function.
pub struct Printer {
    pub columns: Vec<Column>,
    row: RowFn,
}

/// The cells of one object's row (every column, wide ones included).
type RowFn = Box<dyn Fn(&Value, i64) -> Vec<String> + Send + Sync>;

impl Printer {
    /// The cells of `obj` at virtual time `now` (ms).
    pub fn row(&self, obj: &Value, now: i64) -> Vec<String> {
        (self.row)(obj, now)
    }
}

/// Builds a column list from `("Name", priority)` pairs; the first `Name` is the name column.
pub(crate) fn cols(spec: &[(&str, u8)]) -> Vec<Column> {
    let mut seen_name = false;
    spec.iter()
        .map(|(n, p)| {
            let is_name = *n == "Name" && !seen_name;
            seen_name |= is_name;
            Column {
                name: n.to_string(),
                priority: *p,
                is_name,
            }
        })
        .collect()
}

pub(crate) fn printer(
    spec: &[(&str, u8)],
    row: impl Fn(&Value, i64) -> Vec<String> + Send + Sync + 'static,
) -> Printer {
    Printer {
        columns: cols(spec),
        row: Box::new(row),
    }
}

/// The printer for a kind.
pub fn for_kind(info: &KindInfo) -> Printer {
    if let Some(p) = workloads::for_kind(info)
        .or_else(|| network::for_kind(info))
        .or_else(|| cluster::for_kind(info))
        .or_else(|| crd::for_kind(info))
    {
        return p;
    }
    default_printer()
}

/// The API server's default table convertor (k8s.io/apiserver registry/rest/table.go):
/// `NAME` and `CREATED AT` (RFC 3339, UTC).
fn default_printer() -> Printer {
    printer(&[("Name", 0), ("Created At", 0)], |o, _| {
        vec![
            object::name(o).to_string(),
            str_at(o, &["metadata", "creationTimestamp"])
                .and_then(parse_rfc3339)
                .map(crate::sim::format_rfc3339)
                .unwrap_or_default(),
        ]
    })
}

/// `translateTimestampSince`: `<unknown>` without a timestamp.
pub(crate) fn since(ts: Option<&str>, now: i64) -> String {
    match ts.and_then(parse_rfc3339) {
        Some(t) => human_duration(now - t),
        None => "<unknown>".into(),
    }
}

/// The AGE cell.
pub(crate) fn age(o: &Value, now: i64) -> String {
    since(str_at(o, &["metadata", "creationTimestamp"]), now)
}

/// An integer field (0 when absent), as the typed object would have it.
pub(crate) fn int(o: &Value, keys: &[&str]) -> i64 {
    object::i64_at(o, keys).unwrap_or(0)
}

/// `labels.FormatLabels`: `k=v,k2=v2` sorted by key, `<none>` when empty.
pub(crate) fn format_labels(m: &BTreeMap<String, String>) -> String {
    if m.is_empty() {
        return "<none>".into();
    }
    m.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// `metav1.LabelSelectorAsSelector(sel).String()`: requirements sorted by key; `""` for an
/// empty selector; `None` for a missing one (labels.Nothing).
pub(crate) fn selector_string(sel: Option<&Value>) -> Option<String> {
    let sel = sel.filter(|s| !s.is_null())?;
    let mut reqs: Vec<(String, String)> = Vec::new();
    for (k, v) in sel["matchLabels"].as_object().into_iter().flatten() {
        reqs.push((k.to_string(), format!("{k}={}", v.as_str().unwrap_or(""))));
    }
    for e in sel["matchExpressions"].as_array().into_iter().flatten() {
        let key = e["key"].as_str().unwrap_or("").to_string();
        let mut values: Vec<&str> = e["values"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        values.sort_unstable();
        values.dedup();
        let text = match e["operator"].as_str().unwrap_or("") {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.clone(),
            "DoesNotExist" => format!("!{key}"),
            other => format!("{key} {other} ({})", values.join(",")),
        };
        reqs.push((key, text));
    }
    reqs.sort_by(|a, b| a.0.cmp(&b.0));
    Some(
        reqs.into_iter()
            .map(|(_, t)| t)
            .collect::<Vec<_>>()
            .join(","),
    )
}

/// `metav1.FormatLabelSelector`: the selector, or `<none>` when it selects nothing or everything.
pub(crate) fn format_label_selector(sel: Option<&Value>) -> String {
    match selector_string(sel) {
        Some(s) if !s.is_empty() => s,
        _ => "<none>".into(),
    }
}

/// `layoutContainerCells`: container names and images, comma-joined.
pub(crate) fn container_cells(containers: &[Value]) -> (String, String) {
    let names: Vec<&str> = containers
        .iter()
        .map(|c| c["name"].as_str().unwrap_or(""))
        .collect();
    let images: Vec<&str> = containers
        .iter()
        .map(|c| c["image"].as_str().unwrap_or(""))
        .collect();
    (names.join(","), images.join(","))
}

/// An `IntOrString` as `intstr.String()` prints it.
pub(crate) fn int_or_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// `printBoolPtr`: `True`/`False`, `<unset>` when absent.
pub(crate) fn bool_ptr(v: &Value) -> String {
    match v.as_bool() {
        Some(true) => "True".into(),
        Some(false) => "False".into(),
        None => "<unset>".into(),
    }
}

/// A Go bool cell (`fmt.Sprint(bool)`).
pub(crate) fn go_bool(b: bool) -> String {
    b.to_string()
}

#[cfg(test)]
mod tests;
