//! The disruption controller (pkg/controller/disruption): PodDisruptionBudget status —
//! expectedPods, desiredHealthy, currentHealthy, disruptionsAllowed, the DisruptionAllowed
//! condition — and the expiry of `disruptedPods` entries the Eviction API records.
//!
//! A budget is reconciled when it changes, when a pod it selects changes (a pod whose labels
//! changed may have left it: the watch event carries only the new labels, so a changed pod
//! maps to every budget of its namespace; budgets are few), when a workload of its namespace
//! is scaled, and when a `disruptedPods` entry expires.
use super::workload::Soonest;
use super::{is_pod_ready, kind};
use crate::api::condition;
use crate::api::object::{self, controller_of, path};
use crate::api::Selector;
use crate::api::{Map, Value};
use crate::json;
use crate::runtime::{all_keys, Action, Controller};
use crate::server::Server;
use crate::sim::parse_rfc3339;
use crate::store::{EventType, Key, Store, WatchEvent};
use std::collections::BTreeMap;

const COMPONENT: &str = "disruption-controller";
const RESOURCE: &str = "poddisruptionbudgets.policy";

/// How long an eviction's entry in `disruptedPods` counts if the pod never goes away
/// (`DeletionTimeout`, 2 minutes).
const DELETION_TIMEOUT_MS: i64 = 2 * 60 * 1000;

/// The disruption controller.
#[derive(Debug, Default)]
pub struct DisruptionController;

impl Controller for DisruptionController {
    fn name(&self) -> &'static str {
        COMPONENT
    }
    fn manager(&self) -> &'static str {
        super::KCM
    }
    fn watches(&self) -> &'static [&'static str] {
        &[
            RESOURCE,
            "pods",
            "replicasets.apps",
            "deployments.apps",
            "statefulsets.apps",
        ]
    }
    fn keys(&self, store: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        if &*e.key.resource == RESOURCE {
            out.push(e.key.clone());
            return;
        }
        let budgets = store.list(&e.key.workspace, RESOURCE, Some(&e.key.namespace));
        if &*e.key.resource == "pods" && e.kind != EventType::Modified {
            // Added or deleted: the labels it has are the labels it had.
            let labels = object::labels(&e.object);
            out.extend(
                budgets
                    .filter(|(_, pdb)| {
                        Selector::from_label_selector(path(pdb, &["spec", "selector"]))
                            .is_ok_and(|sel| sel.matches(&labels))
                    })
                    .map(|(k, _)| k.clone()),
            );
        } else {
            out.extend(budgets.map(|(k, _)| k.clone()));
        }
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        all_keys(store, RESOURCE, out);
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        let Some(pdb) = s.store.get(key).cloned() else {
            return Action::AwaitChange;
        };
        sync(s, &key.workspace, &pdb)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// The pods a budget in workspace `ws` covers: same namespace, matching its selector.
pub fn covered_pods(s: &Server, ws: &str, pdb: &Value) -> Vec<Value> {
    let Ok(selector) = Selector::from_label_selector(path(pdb, &["spec", "selector"])) else {
        return vec![];
    };
    s.list(ws, kind("v1", "Pod"), Some(object::namespace(pdb)))
        .filter(|p| selector.matches(&object::labels(p)))
        .cloned()
        .collect()
}

/// `getExpectedScale`: the sum of the scales of the pods' controllers (a ReplicaSet owned by
/// a Deployment counts as the Deployment). Pods without a controller make it unknown.
fn expected_scale(s: &Server, ws: &str, pods: &[Value]) -> Option<i64> {
    let mut scales: BTreeMap<String, i64> = BTreeMap::new();
    for p in pods {
        let r = controller_of(p)?;
        let ns = object::namespace(p);
        let name = r["name"].as_str().unwrap_or("");
        let owner = match r["kind"].as_str().unwrap_or("") {
            "ReplicaSet" => {
                let rs = s.get(ws, kind("apps/v1", "ReplicaSet"), ns, name)?;
                match controller_of(rs).filter(|o| o["kind"] == "Deployment") {
                    Some(d) => s.get(
                        ws,
                        kind("apps/v1", "Deployment"),
                        ns,
                        d["name"].as_str().unwrap_or(""),
                    )?,
                    None => rs,
                }
            }
            "StatefulSet" => s.get(ws, kind("apps/v1", "StatefulSet"), ns, name)?,
            "ReplicationController" => s.get(ws, kind("v1", "ReplicationController"), ns, name)?,
            _ => return None,
        };
        scales.insert(
            object::uid(owner).to_string(),
            object::i64_at(owner, &["spec", "replicas"]).unwrap_or(1),
        );
    }
    Some(scales.values().fold(0i64, |a, b| a.saturating_add(*b)))
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

/// `trySync`: the budget's status; returns when the next `disruptedPods` entry expires.
fn sync(s: &mut Server, ws: &str, pdb: &Value) -> Action {
    let now_ms = s.clock.now_ms();
    let mut next = Soonest::default();
    let pods = covered_pods(s, ws, pdb);
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
        let expires = t.saturating_add(DELETION_TIMEOUT_MS);
        if alive && now_ms < expires {
            next.note(expires);
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
    let scale = expected_scale(s, ws, &pods);
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
    // apimeta.SetStatusCondition on the budget's conditions.
    status["conditions"] = Value::from(object::array_at(pdb, &["status", "conditions"]).to_vec());
    condition::set(
        &mut status,
        json!({"type": "DisruptionAllowed", "status": cond_status, "reason": reason, "message": "", "observedGeneration": generation, "lastTransitionTime": s.clock.rfc3339()}),
    );
    let mut new = pdb.clone();
    new["status"] = status;
    let _ = s.update_status(ws, &new);
    next.action(now_ms)
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

    use crate::controllers::testing::{Harness, TEAM};

    fn pdb(name: &str, ns: &str, app: &str) -> Value {
        json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": name, "namespace": ns},
            "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": app}}}})
    }

    /// A ready pod with label `app`.
    fn ready_pod(h: &mut Harness<DisruptionController>, ws: &str, ns: &str, name: &str, app: &str) {
        let p = h.create(ws, json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": ns, "labels": {"app": app}},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]}}));
        let mut p = p;
        p["status"] =
            json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]});
        h.s.update_status(ws, &p).unwrap();
        h.settle();
    }

    fn healthy(h: &Harness<DisruptionController>, ws: &str, ns: &str, name: &str) -> i64 {
        h.get(ws, RESOURCE, ns, name)["status"]["currentHealthy"]
            .as_i64()
            .unwrap_or(-1)
    }

    #[test]
    fn a_pod_reconciles_the_budgets_that_select_it_and_only_in_its_namespace() {
        let mut h = Harness::new(DisruptionController, vec![]);
        h.create(
            "root",
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "other"}}),
        );
        h.create("root", pdb("web", "default", "web"));
        h.create("root", pdb("db", "default", "db"));
        h.create("root", pdb("web", "other", "web"));
        h.clear();
        // A new pod: the budgets whose selector matches it.
        h.create("root", json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "db-0", "labels": {"app": "db"}},
            "spec": {"containers": [{"name": "c", "image": "postgres"}]}}));
        assert_eq!(h.reconciled(RESOURCE), ["root/db"]);
        // A changed pod may have left a budget: every budget of its namespace, no other.
        h.clear();
        ready_pod(&mut h, "root", "default", "web-0", "web");
        assert_eq!(h.reconciled(RESOURCE), ["root/db", "root/web"]);
        assert!(h.log().iter().all(|k| &*k.namespace == "default"));
    }

    #[test]
    fn a_relabelled_pod_is_no_longer_counted() {
        let mut h = Harness::new(DisruptionController, vec![]);
        h.create("root", pdb("web", "default", "web"));
        ready_pod(&mut h, "root", "default", "web-0", "web");
        assert_eq!(healthy(&h, "root", "default", "web"), 1);
        let mut p = h.get("root", "pods", "default", "web-0");
        p["metadata"]["labels"]["app"] = json!("moved");
        h.s.update("root", p).unwrap();
        h.settle();
        assert_eq!(healthy(&h, "root", "default", "web"), 0);
        assert_eq!(
            h.get("root", RESOURCE, "default", "web")["status"]["expectedPods"],
            0
        );
    }

    #[test]
    fn same_named_budgets_in_two_workspaces_are_independent() {
        let mut h = Harness::new(DisruptionController, vec![]);
        h.create("root", pdb("web", "default", "web"));
        h.create(TEAM, pdb("web", "default", "web"));
        ready_pod(&mut h, TEAM, "default", "web-0", "web");
        ready_pod(&mut h, TEAM, "default", "web-1", "web");
        assert_eq!(healthy(&h, TEAM, "default", "web"), 2);
        let team = h.get(TEAM, RESOURCE, "default", "web");
        assert_eq!(team["status"]["disruptionsAllowed"], 1);
        assert_eq!(healthy(&h, "root", "default", "web"), 0);
        let root = h.get("root", RESOURCE, "default", "web");
        assert_eq!(root["status"]["disruptionsAllowed"], 0);
    }
}
