//! The ReplicationController (pkg/controller/replication): the ReplicaSet controller's logic
//! behind adapters, as upstream's `ReplicationManager` wraps `replicaset.NewBaseController`
//! (`conversion.go` turns the plain-map `spec.selector` into `matchLabels`). The API server
//! defaults the selector (and empty labels) from the template's labels
//! (`SetDefaults_ReplicationController`). Events come from `replication-controller`.
use super::replicaset::Replicated;
use crate::api::object::string_map;
use crate::api::selector::Requirement;
use crate::api::{Selector, Value};
use crate::runtime::{all_keys, Action, Controller};
use crate::server::Server;
use crate::store::{Key, Store, WatchEvent};

/// The ReplicationController: `spec.selector` is a map of labels.
pub const REPLICATION_CONTROLLER: Replicated = Replicated {
    kind: "ReplicationController",
    resource: "replicationcontrollers",
    component: "replication-controller",
    watches: &["replicationcontrollers", "pods"],
    selector: map_selector,
};

/// `Convert_v1_ReplicationControllerSpec_To_apps_ReplicaSetSpec` then
/// `LabelSelectorAsSelector`: the map as `matchLabels`, one equality per label (an empty map
/// would select everything; the API server refuses it).
fn map_selector(rc: &Value) -> Selector {
    Selector {
        requirements: string_map(rc, &["spec", "selector"])
            .into_iter()
            .map(|(k, v)| Requirement::Equals(k, v))
            .collect(),
        matches_nothing: false,
    }
}

/// The ReplicationController's controller (`ReplicationManager`).
#[derive(Debug, Default)]
pub struct ReplicationManager;

impl Controller for ReplicationManager {
    fn name(&self) -> &'static str {
        REPLICATION_CONTROLLER.component
    }
    fn manager(&self) -> &'static str {
        super::KCM
    }
    fn watches(&self) -> &'static [&'static str] {
        REPLICATION_CONTROLLER.watches
    }
    fn keys(&self, _: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        REPLICATION_CONTROLLER.keys(e, out);
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        all_keys(store, REPLICATION_CONTROLLER.resource, out);
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        REPLICATION_CONTROLLER.reconcile(s, key)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::object;
    use crate::controllers::harness::{self as testing, Counting, OTHER};
    use crate::json;

    fn rc(name: &str, replicas: i64) -> Value {
        json!({"apiVersion": "v1", "kind": "ReplicationController", "metadata": {"name": name, "namespace": "default"},
               "spec": {"replicas": replicas, "selector": {"app": name},
                        "template": {"metadata": {"labels": {"app": name}},
                                     "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}})
    }

    fn live(s: &Server, ws: &str, owner: &str) -> usize {
        testing::pods(s, ws)
            .iter()
            .filter(|p| !object::is_terminating(p))
            .filter(|p| object::controller_of(p).is_some_and(|r| r["name"] == owner))
            .count()
    }

    #[test]
    fn the_selector_map_is_match_labels() {
        let s = map_selector(&json!({"spec": {"selector": {"app": "web", "tier": "front"}}}));
        let labels = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert!(s.matches(&labels(&[("app", "web"), ("tier", "front"), ("x", "y")])));
        assert!(!s.matches(&labels(&[("app", "web")])));
    }

    #[test]
    fn work_is_per_replication_controller_and_workspaces_are_independent() {
        let (mut s, mut rt) = testing::plane(vec![Box::new(Counting::new(ReplicationManager))]);
        s.create("root", rc("a", 2)).unwrap();
        s.create("root", rc("b", 2)).unwrap();
        s.create(OTHER, rc("a", 3)).unwrap();
        testing::advance(&mut s, &mut rt, 30_000);
        assert_eq!(
            (
                live(&s, "root", "a"),
                live(&s, "root", "b"),
                live(&s, OTHER, "a")
            ),
            (2, 2, 3)
        );
        let key = |ws: &str, name: &str| Key::new(ws, "replicationcontrollers", "default", name);
        let status = |s: &Server, ws: &str| s.store.get(&key(ws, "a")).unwrap()["status"].clone();
        assert_eq!(status(&s, OTHER)["availableReplicas"], 3);

        testing::take_runs::<ReplicationManager>(&mut rt);
        let other_before = status(&s, OTHER);
        let pod = testing::pods(&s, "root")
            .into_iter()
            .find(|p| object::name(p).starts_with("a-"))
            .unwrap();
        s.delete(
            "root",
            crate::controllers::kind("v1", "Pod"),
            "default",
            object::name(&pod),
            None,
            Some(0),
        )
        .unwrap();
        testing::advance(&mut s, &mut rt, 30_000);
        let runs = testing::take_runs::<ReplicationManager>(&mut rt);
        assert!(!runs.is_empty());
        assert!(runs.iter().all(|k| *k == key("root", "a")), "{runs:?}");
        assert_eq!(live(&s, "root", "a"), 2);
        assert_eq!(status(&s, OTHER), other_before);
    }
}
