//! A harness for the workload controllers' per-key tests: a server with a node and a second
//! logical cluster, and a runtime over chosen controllers (plus the scheduler and the kubelet)
//! that records which keys each reconciled.
use crate::api::Value;
use crate::json;
use crate::runtime::{Action, Controller, Runtime};
use crate::server::Server;
use crate::store::{Key, Store, WatchEvent};

/// The second logical cluster of the tests.
pub const OTHER: &str = "root:other";

/// A controller that records every key it reconciles.
pub struct Counting<C> {
    pub inner: C,
    pub runs: Vec<Key>,
}

impl<C> Counting<C> {
    pub fn new(inner: C) -> Counting<C> {
        Counting {
            inner,
            runs: Vec::new(),
        }
    }
}

impl<C: Controller + 'static> Controller for Counting<C> {
    fn name(&self) -> &'static str {
        self.inner.name()
    }
    fn manager(&self) -> &'static str {
        self.inner.manager()
    }
    fn watches(&self) -> &'static [&'static str] {
        self.inner.watches()
    }
    fn keys(&self, store: &Store, event: &WatchEvent, out: &mut Vec<Key>) {
        self.inner.keys(store, event, out)
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        self.inner.resync(store, out)
    }
    fn reconcile(&mut self, server: &mut Server, key: &Key) -> Action {
        self.runs.push(key.clone());
        self.inner.reconcile(server, key)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// A server with one node in `root` and the logical cluster [`OTHER`], and a runtime over
/// `controllers` followed by the scheduler and the kubelet (which serve every workspace).
pub fn plane(controllers: Vec<Box<dyn Controller>>) -> (Server, Runtime) {
    let mut s = Server::new(1, 0);
    s.create(
        "root",
        json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-1"},
               "status": {"capacity": {"cpu": "64", "memory": "256Gi", "pods": "500"}}}),
    )
    .expect("the node is valid");
    s.add_logical_cluster(OTHER)
        .expect("the logical cluster is made");
    let mut all = controllers;
    all.push(Box::new(crate::scheduler::Scheduler::default()));
    all.push(Box::new(crate::kubelet::Kubelet::default()));
    let rt = Runtime::new(all, 0, s.clock.now_ms());
    (s, rt)
}

/// Runs the control loops until `ms` of virtual time have passed, stopping at every wake-up
/// on the way (as `ControlPlane::advance`).
pub fn advance(s: &mut Server, rt: &mut Runtime, ms: i64) {
    let until = s.clock.now_ms().saturating_add(ms);
    loop {
        let now = s.clock.now_ms();
        rt.run_instant(s, false);
        while s.timers.due_by(now) {
            s.timers.expire(now);
            rt.run_instant(s, true);
        }
        match s.timers.next_between(now, until) {
            Some(t) if t > now => s.clock.set(t),
            _ => break,
        }
    }
    s.clock.set(until);
    rt.run_instant(s, false);
}

/// The keys a [`Counting`] controller of type `C` reconciled since the last call, and forgets
/// them.
pub fn take_runs<C: Controller + 'static>(rt: &mut Runtime) -> Vec<Key> {
    rt.get_mut::<Counting<C>>()
        .map(|c| std::mem::take(&mut c.runs))
        .unwrap_or_default()
}

/// The pods of `workspace`'s `default` namespace.
pub fn pods(s: &Server, workspace: &str) -> Vec<Value> {
    s.store
        .list(workspace, "pods", Some("default"))
        .map(|(_, p)| p.clone())
        .collect()
}
