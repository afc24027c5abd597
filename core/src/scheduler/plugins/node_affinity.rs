//! NodeAffinity (weight 2): `nodeSelector` AND required node affinity filter (terms ORed,
//! expressions ANDed); preferred terms score by the sum of matching weights, normalized to 100.
use super::{default_normalize, FilterResult, Unfit};
use crate::scheduler::cycle::Cycle;
use crate::scheduler::{NodeInfo, PodInfo};
use serde_json::Value;
use std::collections::BTreeMap;

pub const ERR_REASON: &str = "node(s) didn't match Pod's node affinity/selector";

/// A `NodeSelectorRequirement` against the node's labels (`nodeaffinity.NodeSelector`).
fn requirement_matches(req: &Value, labels: &BTreeMap<String, String>) -> bool {
    let key = req["key"].as_str().unwrap_or("");
    let values: Vec<&str> = req["values"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let label = labels.get(key);
    match req["operator"].as_str().unwrap_or("") {
        "In" => label.is_some_and(|l| values.contains(&l.as_str())),
        "NotIn" => label.is_none_or(|l| !values.contains(&l.as_str())),
        "Exists" => label.is_some(),
        "DoesNotExist" => label.is_none(),
        op @ ("Gt" | "Lt") => {
            let (Some(l), Some(v)) = (
                label.and_then(|l| l.parse::<i64>().ok()),
                values.first().and_then(|v| v.parse::<i64>().ok()),
            ) else {
                return false;
            };
            if op == "Gt" {
                l > v
            } else {
                l < v
            }
        }
        _ => false,
    }
}

/// A `NodeSelectorTerm`: all its matchExpressions and matchFields hold. An empty term matches nothing.
pub fn term_matches(term: &Value, node: &NodeInfo) -> bool {
    let exprs = term["matchExpressions"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let fields = term["matchFields"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    if exprs.is_empty() && fields.is_empty() {
        return false;
    }
    exprs.iter().all(|r| requirement_matches(r, &node.labels))
        && (fields.is_empty() || {
            let name_labels: BTreeMap<String, String> =
                [("metadata.name".to_string(), node.name.clone())].into();
            fields.iter().all(|r| requirement_matches(r, &name_labels))
        })
}

pub fn filter(c: &Cycle<'_>, node: &NodeInfo) -> FilterResult {
    if matches(c.pod, node) {
        Ok(())
    } else {
        Err(Unfit::unresolvable(ERR_REASON))
    }
}

/// `RequiredNodeAffinity.Match`: nodeSelector AND the required terms (ORed).
pub fn matches(pod: &PodInfo, node: &NodeInfo) -> bool {
    if !pod
        .node_selector
        .iter()
        .all(|(k, v)| node.labels.get(k) == Some(v))
    {
        return false;
    }
    let required = &pod.affinity["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
        ["nodeSelectorTerms"];
    if let Some(terms) = required.as_array() {
        return terms.iter().any(|t| term_matches(t, node));
    }
    true
}

/// Skip when the pod has no preferred terms.
pub fn pre_score(c: &mut Cycle<'_>, _: &[usize]) -> bool {
    c.pod.affinity["nodeAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"]
        .as_array()
        .is_some_and(|a| !a.is_empty())
}

pub fn score(c: &Cycle<'_>, node: &NodeInfo) -> i64 {
    c.pod.affinity["nodeAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| term_matches(&p["preference"], node))
        .map(|p| p["weight"].as_i64().unwrap_or(0))
        .fold(0i64, |a, b| a.saturating_add(b))
}

pub fn normalize(_: &Cycle<'_>, _: &[usize], scores: &mut [i64]) {
    default_normalize(scores, false);
}
