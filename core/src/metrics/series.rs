//! Custom and external metrics: named series with labels, as a Prometheus scraping the
//! simulated workloads would hold them, served to the HPA (`custom.metrics.k8s.io` Pods and
//! Object metrics, `external.metrics.k8s.io`) and to KEDA's `prometheus` trigger through a small
//! query language.
//!
//! Series of a namespace at the last scrape:
//!
//! | series | labels | value |
//! |---|---|---|
//! | `http_requests_per_second` | `namespace`, `pod`, `loadprofile`, `service` or the workload kind (`deployment`, ...) | requests per second the pod receives from the profile |
//! | `http_request_errors_per_second` | same | of which fail (the pod is saturated) |
//! | `http_request_duration_seconds` | same | mean latency |
//! | `loadprofile_requests_per_second` | `namespace`, `loadprofile`, target kind | requests per second the profile sends |
//! | `loadprofile_dropped_requests_per_second` | same | dropped: no ready endpoint |
//! | `queue_messages` | `namespace`, `queue` | messages waiting |
//! | `queue_lag_seconds` | same | how long the newest message waits |
//! | `queue_arrivals_per_second`, `queue_consumed_per_second`, `queue_consumers` | same | |
//! | `container_cpu_usage_cores`, `container_memory_working_set_bytes` | `namespace`, `pod`, `container` | the resource metrics |
//!
//! Queries: `sum|avg|max|min|count(<expr>)` or `<expr>`, where `<expr>` is a selector
//! `name{label="v",label!="v",label=~"a|b.*"}` or `rate(name_total{...}[2m])` (`irate` too): the
//! rate of a `*_total` counter is the `*_per_second` series (`rate(http_requests_total[1m])` is
//! `http_requests_per_second`). A query without an aggregation must match one series.
use super::resource::{list_pod_metrics, scrape_time};
use super::traffic::serve;
use crate::api::object;
use crate::api::Value;
use crate::sim::load::{namespace_demand, Profile, LOAD_PROFILES};
use crate::sim::queue::{observe, QueueSpec, QUEUES};
use crate::store::{Key, Store};
use std::collections::BTreeMap;

/// One series: a name, labels and the value at the last scrape.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The metric's name.
    pub name: String,
    /// Its labels.
    pub labels: BTreeMap<String, String>,
    /// The value.
    pub value: f64,
}

fn series(name: &str, labels: &[(&str, &str)], value: f64) -> Series {
    Series {
        name: name.to_string(),
        labels: labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        value,
    }
}

/// Every series of `ws`/`ns` at the scrape before `now_ms`.
pub fn namespace_series(store: &Store, ws: &str, ns: &str, now_ms: i64) -> Vec<Series> {
    let ts = scrape_time(now_ms);
    let mut out = Vec::new();
    let demand = namespace_demand(store, ws, ns, ts);
    for (_, obj) in store.list(ws, LOAD_PROFILES, Some(ns)) {
        let (p, _) = Profile::parse(obj);
        let name = object::name(obj);
        let kind = p
            .target
            .as_ref()
            .map(|t| t.kind.to_lowercase())
            .unwrap_or_default();
        let target = p.target.as_ref().map(|t| t.name.as_str()).unwrap_or("");
        let t = p.traffic(store, ws, ns, ts);
        let base = [
            ("namespace", ns),
            ("loadprofile", name),
            (kind.as_str(), target),
        ];
        out.push(series(
            "loadprofile_requests_per_second",
            &base,
            t.demand_rps,
        ));
        out.push(series(
            "loadprofile_dropped_requests_per_second",
            &base,
            t.dropped_rps,
        ));
        for pod_name in &t.endpoints {
            let Some(pod) = store.get(&Key::new(ws, "pods", ns, pod_name)) else {
                continue;
            };
            let Some(d) = demand.get(pod_name.as_str()) else {
                continue;
            };
            let pt = serve(store, pod, d);
            let fail = if pt.rps > 0.0 {
                pt.error_rps / pt.rps
            } else {
                0.0
            };
            let labels = [
                ("namespace", ns),
                ("pod", pod_name.as_str()),
                ("loadprofile", name),
                (kind.as_str(), target),
            ];
            out.push(series("http_requests_per_second", &labels, t.per_pod_rps));
            out.push(series(
                "http_request_errors_per_second",
                &labels,
                t.per_pod_rps * fail,
            ));
            out.push(series(
                "http_request_duration_seconds",
                &labels,
                pt.latency_ms / 1000.0,
            ));
        }
    }
    for (_, obj) in store.list(ws, QUEUES, Some(ns)) {
        let (q, _) = QueueSpec::parse(obj);
        let consumers = q
            .consumer
            .as_ref()
            .map_or(0, |c| c.ready_pods(store, ws, ns).len() as i64);
        let s = observe(obj, &q, consumers, ts);
        let labels = [("namespace", ns), ("queue", object::name(obj))];
        out.push(series("queue_messages", &labels, s.messages as f64));
        out.push(series("queue_lag_seconds", &labels, s.lag_seconds(&q, ts)));
        out.push(series("queue_arrivals_per_second", &labels, s.arrival_rate));
        out.push(series("queue_consumed_per_second", &labels, s.consume_rate));
        out.push(series("queue_consumers", &labels, consumers as f64));
    }
    for m in list_pod_metrics(store, ws, Some(ns), now_ms) {
        for c in &m.containers {
            let labels = [
                ("namespace", ns),
                ("pod", m.name.as_str()),
                ("container", c.name.as_str()),
            ];
            out.push(series(
                "container_cpu_usage_cores",
                &labels,
                c.milli_cpu as f64 / 1000.0,
            ));
            out.push(series(
                "container_memory_working_set_bytes",
                &labels,
                c.memory as f64,
            ));
        }
    }
    out
}

/// A label matcher.
#[derive(Debug, Clone, PartialEq)]
enum Matcher {
    Eq(String, String),
    Ne(String, String),
    Re(String, String, bool),
}

impl Matcher {
    fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let get = |k: &str| labels.get(k).map(String::as_str).unwrap_or("");
        match self {
            Matcher::Eq(k, v) => get(k) == v,
            Matcher::Ne(k, v) => get(k) != v,
            Matcher::Re(k, pattern, positive) => {
                let value = get(k);
                let hit = pattern.split('|').any(|alt| match alt.strip_suffix(".*") {
                    Some(prefix) => value.starts_with(prefix),
                    None => value == alt,
                });
                hit == *positive
            }
        }
    }
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
struct Query {
    aggregate: Option<String>,
    name: String,
    matchers: Vec<Matcher>,
}

fn parse_matchers(text: &str) -> Result<Vec<Matcher>, String> {
    let mut out = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let op_at = rest
            .find(['=', '!'])
            .ok_or_else(|| format!("bad label matcher {rest:?}"))?;
        let label = rest[..op_at].trim().to_string();
        let after = &rest[op_at..];
        let (op, after) = ["=~", "!~", "!=", "="]
            .iter()
            .find_map(|op| after.strip_prefix(op).map(|a| (*op, a)))
            .ok_or_else(|| format!("bad label matcher {rest:?}"))?;
        let after = after.trim_start();
        let quote = after
            .chars()
            .next()
            .filter(|c| *c == '"' || *c == '\'')
            .ok_or_else(|| format!("label value of {label} must be quoted"))?;
        let body = &after[1..];
        let end = body
            .find(quote)
            .ok_or_else(|| format!("unterminated label value of {label}"))?;
        let value = body[..end].to_string();
        out.push(match op {
            "=" => Matcher::Eq(label, value),
            "!=" => Matcher::Ne(label, value),
            "=~" => Matcher::Re(label, value, true),
            _ => Matcher::Re(label, value, false),
        });
        rest = body[end + 1..].trim_start();
        rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
    }
    Ok(out)
}

fn parse(query: &str) -> Result<Query, String> {
    let bad = || format!("unsupported query {query:?} (see kplane's simulated series)");
    let mut q = query.trim();
    let mut aggregate = None;
    for agg in ["sum", "avg", "max", "min", "count"] {
        if let Some(rest) = q.strip_prefix(agg) {
            let rest = rest.trim_start();
            if let Some(inner) = rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
                aggregate = Some(agg.to_string());
                q = inner.trim();
                break;
            }
        }
    }
    let mut rate = false;
    for f in ["rate", "irate"] {
        if let Some(inner) = q
            .strip_prefix(f)
            .map(str::trim_start)
            .and_then(|r| r.strip_prefix('('))
            .and_then(|r| r.strip_suffix(')'))
        {
            let inner = inner.trim();
            let open = inner.rfind('[').ok_or_else(bad)?;
            if !inner.ends_with(']') {
                return Err(bad());
            }
            q = inner[..open].trim();
            rate = true;
            break;
        }
    }
    let (name, matchers) = match q.find('{') {
        Some(i) => {
            let body = q[i + 1..].strip_suffix('}').ok_or_else(bad)?;
            (q[..i].trim(), parse_matchers(body)?)
        }
        None => (q, Vec::new()),
    };
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
    {
        return Err(bad());
    }
    let name = match (rate, name.strip_suffix("_total")) {
        (true, Some(base)) => format!("{base}_per_second"),
        (true, None) => {
            return Err(format!(
                "rate() needs a counter (a *_total series): {query:?}"
            ))
        }
        (false, _) => name.to_string(),
    };
    Ok(Query {
        aggregate,
        name,
        matchers,
    })
}

/// Evaluates `query` over the series of `ws`/`ns` at the scrape before `now_ms`: `Ok(None)`
/// when nothing matches.
pub fn query(
    store: &Store,
    ws: &str,
    ns: &str,
    query: &str,
    now_ms: i64,
) -> Result<Option<f64>, String> {
    let q = parse(query)?;
    let values: Vec<f64> = namespace_series(store, ws, ns, now_ms)
        .into_iter()
        .filter(|s| s.name == q.name && q.matchers.iter().all(|m| m.matches(&s.labels)))
        .map(|s| s.value)
        .collect();
    if values.is_empty() {
        return Ok(None);
    }
    let n = values.len() as f64;
    Ok(Some(match q.aggregate.as_deref() {
        Some("sum") => values.iter().sum(),
        Some("avg") => values.iter().sum::<f64>() / n,
        Some("max") => values.iter().cloned().fold(f64::MIN, f64::max),
        Some("min") => values.iter().cloned().fold(f64::MAX, f64::min),
        Some(_) => n,
        None if values.len() == 1 => values[0],
        None => {
            return Err(format!(
                "prometheus query {query} returned multiple elements"
            ))
        }
    }))
}

/// The series named `name` whose labels include `labels`.
pub fn matching<'a>(
    all: &'a [Series],
    name: &'a str,
    labels: &'a [(String, String)],
) -> impl Iterator<Item = &'a Series> + 'a {
    all.iter().filter(move |s| {
        s.name == name
            && labels
                .iter()
                .all(|(k, v)| s.labels.get(k).is_some_and(|x| x == v))
    })
}

/// The `matchLabels` of a metric selector as (key, value) pairs.
pub fn selector_labels(selector: Option<&Value>) -> Vec<(String, String)> {
    selector
        .and_then(|s| s.get("matchLabels"))
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.to_string(), v.as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_supported_queries() {
        let q =
            parse(r#"sum(rate(http_requests_total{service="web", pod=~"web-.*"}[2m]))"#).unwrap();
        assert_eq!(q.aggregate.as_deref(), Some("sum"));
        assert_eq!(q.name, "http_requests_per_second");
        assert_eq!(
            q.matchers,
            vec![
                Matcher::Eq("service".into(), "web".into()),
                Matcher::Re("pod".into(), "web-.*".into(), true)
            ]
        );
        let q = parse("queue_messages{queue='orders'}").unwrap();
        assert_eq!((q.aggregate, q.name.as_str()), (None, "queue_messages"));
        assert!(parse("rate(queue_messages[1m])").is_err());
        assert!(parse("histogram_quantile(0.9, x)").is_err());
        let labels: BTreeMap<String, String> = [("pod".to_string(), "web-1".to_string())].into();
        assert!(Matcher::Re("pod".into(), "api|web-.*".into(), true).matches(&labels));
        assert!(!Matcher::Re("pod".into(), "api".into(), true).matches(&labels));
    }
}
