//! The scheduler as a control loop of the runtime: one key (the scheduling queue), run when
//! pods, nodes, priority classes or storage objects change or a back-off it set expires.
use super::{schedule, State};
use crate::runtime::{Action, Controller};

use crate::server::Server;
use crate::store::{Key, Store, WatchEvent};

/// kube-scheduler: [`schedule`] over its [`State`].
#[derive(Debug, Default)]
pub struct Scheduler {
    pub state: State,
}

fn queue_key() -> Key {
    Key::new("", "", "", "scheduling-queue")
}

impl Controller for Scheduler {
    fn name(&self) -> &'static str {
        "kube-scheduler"
    }
    fn manager(&self) -> &'static str {
        "kube-scheduler"
    }
    fn watches(&self) -> &'static [&'static str] {
        &[
            "pods",
            "nodes",
            "priorityclasses.scheduling.k8s.io",
            "persistentvolumeclaims",
            "persistentvolumes",
            "storageclasses.storage.k8s.io",
            "csinodes.storage.k8s.io",
        ]
    }
    fn keys(&self, _: &Store, _: &WatchEvent, out: &mut Vec<Key>) {
        out.push(queue_key());
    }
    fn resync(&self, _: &Store, out: &mut Vec<Key>) {
        out.push(queue_key());
    }
    fn reconcile(&mut self, server: &mut Server, _: &Key) -> Action {
        schedule(server, &mut self.state);
        Action::AwaitChange
    }
    fn runs_on_any_wakeup(&self) -> bool {
        true
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}
