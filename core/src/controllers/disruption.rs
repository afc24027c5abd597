//! The disruption controller (pkg/controller/disruption): PodDisruptionBudget status —
//! expectedPods, desiredHealthy, currentHealthy, disruptionsAllowed, the DisruptionAllowed
//! condition — and the expiry of `disruptedPods` entries the Eviction API records.
use super::{is_pod_ready, kind};
use crate::api::object::{self, controller_of, path};
use crate::api::Selector;
use crate::api::{Map, Value};
use crate::json;
use crate::server::{Server, ROOT};
use crate::sim::parse_rfc3339;
use std::collections::BTreeMap;

/// How long an eviction's entry in `disruptedPods` counts if the pod never goes away
/// (`DeletionTimeout`, 2 minutes).
const DELETION_TIMEOUT_MS: i64 = 2 * 60 * 1000;

pub fn reconcile(s: &mut Server) {
    let pdbs: Vec<Value> = s
        .list(ROOT, kind("policy/v1", "PodDisruptionBudget"), None)
        .cloned()
        .collect();
    for pdb in pdbs {
        sync(s, &pdb);
    }
}

/// The pods a budget covers: same namespace, matching its selector.
pub fn covered_pods(s: &Server, pdb: &Value) -> Vec<Value> {
    let Ok(selector) = Selector::from_label_selector(path(pdb, &["spec", "selector"])) else {
        return vec![];
    };
    s.list(ROOT, kind("v1", "Pod"), Some(object::namespace(pdb)))
        .filter(|p| selector.matches(&object::labels(p)))
        .cloned()
        .collect()
}

/// `getExpectedScale`: the sum of the scales of the pods' controllers (a ReplicaSet owned by
/// a Deployment counts as the Deployment). Pods without a controller make it unknown.
fn expected_scale(s: &Server, pods: &[Value]) -> Option<i64> {
    let mut scales: BTreeMap<String, i64> = BTreeMap::new();
    for p in pods {
        let r = controller_of(p)?;
        let ns = object::namespace(p);
        let name = r["name"].as_str().unwrap_or("");
        let owner = match r["kind"].as_str().unwrap_or("") {
            "ReplicaSet" => {
                let rs = s.get(ROOT, kind("apps/v1", "ReplicaSet"), ns, name)?;
                match controller_of(rs).filter(|o| o["kind"] == "Deployment") {
                    Some(d) => s.get(
                        ROOT,
                        kind("apps/v1", "Deployment"),
                        ns,
                        d["name"].as_str().unwrap_or(""),
                    )?,
                    None => rs,
                }
            }
            "StatefulSet" => s.get(ROOT, kind("apps/v1", "StatefulSet"), ns, name)?,
            "ReplicationController" => {
                s.get(ROOT, kind("v1", "ReplicationController"), ns, name)?
            }
            _ => return None,
        };
        scales.insert(
            object::uid(owner).to_string(),
            object::i64_at(owner, &["spec", "replicas"]).unwrap_or(1),
        );
    }
    Some(scales.values().sum())
}

/// (expectedPods, desiredHealthy) as `getExpectedPodCount` computes them; percentages round up.
pub fn expected_and_desired(
    spec: &Value,
    pod_count: i64,
    scale: Option<i64>,
) -> Option<(i64, i64)> {
    let percent = |v: &Value| v.as_str().is_some_and(|s| s.ends_with('%'));
    if let Some(max) = spec.get("maxUnavailable").filter(|v| !v.is_null()) {
        let expected = scale?;
        let unavailable = super::deployment::scaled_value(max, expected, true);
        return Some((expected, (expected - unavailable).max(0)));
    }
    if let Some(min) = spec.get("minAvailable").filter(|v| !v.is_null()) {
        if percent(min) {
            let expected = scale?;
            return Some((
                expected,
                super::deployment::scaled_value(min, expected, true),
            ));
        }
        return Some((
            pod_count,
            super::deployment::scaled_value(min, pod_count, true),
        ));
    }
    Some((pod_count, 0))
}

fn sync(s: &mut Server, pdb: &Value) {
    let now_ms = s.clock.now_ms();
    let pods = covered_pods(s, pdb);
    // Evicted pods that are still around count as disrupted until they go or time out.
    let mut disrupted = Map::new();
    for (name, at) in path(pdb, &["status", "disruptedPods"])
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let t = at.as_str().and_then(parse_rfc3339).unwrap_or(0);
        let alive = pods
            .iter()
            .any(|p| object::name(p) == name && !object::is_terminating(p));
        if alive && now_ms < t + DELETION_TIMEOUT_MS {
            s.timers.wake_at(t + DELETION_TIMEOUT_MS);
            disrupted.insert(name.clone(), at.clone());
        }
    }
    let healthy = pods
        .iter()
        .filter(|p| {
            is_pod_ready(p)
                && !object::is_terminating(p)
                && !disrupted.contains_key(object::name(p))
        })
        .count() as i64;
    let spec = pdb.get("spec").cloned().unwrap_or(json!({}));
    let scale = expected_scale(s, &pods);
    let generation = object::i64_at(pdb, &["metadata", "generation"]).unwrap_or(1);
    let mut status = match expected_and_desired(&spec, pods.len() as i64, scale) {
        Some((expected, desired)) => {
            let allowed = if expected <= 0 {
                0
            } else {
                (healthy - desired).max(0)
            };
            json!({
                "observedGeneration": generation,
                "disruptionsAllowed": allowed,
                "currentHealthy": healthy,
                "desiredHealthy": desired,
                "expectedPods": expected,
            })
        }
        // Upstream fails the sync and sets disruptionsAllowed to 0.
        None => {
            json!({"observedGeneration": generation, "disruptionsAllowed": 0, "currentHealthy": healthy, "desiredHealthy": 0, "expectedPods": 0})
        }
    };
    if !disrupted.is_empty() {
        status["disruptedPods"] = Value::Object(disrupted);
    }
    let allowed = status["disruptionsAllowed"].as_i64().unwrap_or(0) > 0;
    let (reason, cond_status) = match (
        scale.is_some()
            || spec
                .get("minAvailable")
                .is_some_and(|m| !m.as_str().is_some_and(|v| v.ends_with('%'))),
        allowed,
    ) {
        (false, _) => ("SyncFailed", "False"),
        (true, true) => ("SufficientPods", "True"),
        (true, false) => ("InsufficientPods", "False"),
    };
    let prev = object::array_at(pdb, &["status", "conditions"])
        .iter()
        .find(|c| c["type"] == "DisruptionAllowed")
        .cloned();
    let transition = match &prev {
        Some(p) if p["status"] == cond_status => p["lastTransitionTime"].clone(),
        _ => json!(s.clock.rfc3339()),
    };
    status["conditions"] = json!([{"type": "DisruptionAllowed", "status": cond_status, "reason": reason, "message": "", "observedGeneration": generation, "lastTransitionTime": transition}]);
    let mut new = pdb.clone();
    new["status"] = status;
    let _ = s.update_status(ROOT, &new);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_arithmetic_matches_upstream() {
        // (spec, pods, controller scale) → (expectedPods, desiredHealthy)
        let cases = [
            (
                json!({"maxUnavailable": "25%"}),
                10,
                Some(10),
                Some((10, 7)),
            ),
            (json!({"minAvailable": "25%"}), 10, Some(10), Some((10, 3))),
            (json!({"minAvailable": 2}), 3, None, Some((3, 2))),
            (json!({"minAvailable": "50%"}), 2, Some(2), Some((2, 1))),
            (json!({"maxUnavailable": 1}), 5, Some(5), Some((5, 4))),
            (json!({"maxUnavailable": 0}), 4, Some(4), Some((4, 4))),
            (json!({"maxUnavailable": "30%"}), 3, None, None),
        ];
        for (spec, pods, scale, want) in cases {
            assert_eq!(expected_and_desired(&spec, pods, scale), want, "{spec}");
        }
    }
}
