//! NodeAffinity (weight 2): `nodeSelector` AND required node affinity filter (terms ORed,
//! expressions ANDed); preferred terms score by the sum of matching weights, normalized to 100.
use super::{default_normalize, FilterResult, Unfit};
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
    let name_labels: BTreeMap<String, String> =
        [("metadata.name".to_string(), node.name.clone())].into();
    exprs.iter().all(|r| requirement_matches(r, &node.labels))
        && fields.iter().all(|r| requirement_matches(r, &name_labels))
}

pub fn filter(pod: &PodInfo, node: &NodeInfo) -> FilterResult {
    if !pod
        .node_selector
        .iter()
        .all(|(k, v)| node.labels.get(k) == Some(v))
    {
        return Err(Unfit::unresolvable(ERR_REASON));
    }
    let required = &pod.affinity["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
        ["nodeSelectorTerms"];
    if let Some(terms) = required.as_array() {
        if !terms.iter().any(|t| term_matches(t, node)) {
            return Err(Unfit::unresolvable(ERR_REASON));
        }
    }
    Ok(())
}

pub fn score(pod: &PodInfo, node: &NodeInfo) -> i64 {
    pod.affinity["nodeAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| term_matches(&p["preference"], node))
        .map(|p| p["weight"].as_i64().unwrap_or(0))
        .sum()
}

pub fn normalize(scores: &mut [i64]) {
    default_normalize(scores, false);
}
