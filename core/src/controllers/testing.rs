//! What the controllers' tests share: a server and a runtime of chosen controllers, driven on
//! the virtual clock as the `ControlPlane` drives them, with every reconcile recorded by key,
//! and a second logical cluster written through the store (until Workspace objects exist).
use crate::api::Value;

use crate::runtime::{Action, Controller, Runtime};
use crate::server::Server;
use crate::store::{Key, Store, WatchEvent};

/// A second logical cluster, for tests of workspace independence.
pub const TEAM: &str = "root:team";

/// Wraps a controller and records the key of each of its reconciles.
pub struct Recorded<C> {
    pub inner: C,
    pub log: Vec<Key>,
}

impl<C: Controller + 'static> Controller for Recorded<C> {
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
        self.inner.keys(store, event, out);
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        self.inner.resync(store, out);
    }
    fn reconcile(&mut self, server: &mut Server, key: &Key) -> Action {
        self.log.push(key.clone());
        self.inner.reconcile(server, key)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// A server and a runtime of one recorded controller `C` (and any others given).
pub struct Harness<C> {
    pub s: Server,
    pub rt: Runtime,
    _c: std::marker::PhantomData<C>,
}

impl<C: Controller + 'static> Harness<C> {
    /// A fresh server at kplane's default start, with a second logical cluster [`TEAM`].
    pub fn new(controller: C, others: Vec<Box<dyn Controller>>) -> Harness<C> {
        let start = crate::sim::parse_rfc3339(crate::sim::clock::DEFAULT_START).unwrap_or(0);
        let mut s = Server::new(1, start);
        s.add_logical_cluster(TEAM)
            .expect("the logical cluster is made");
        let mut controllers: Vec<Box<dyn Controller>> = vec![Box::new(Recorded {
            inner: controller,
            log: Vec::new(),
        })];
        controllers.extend(others);
        let rt = Runtime::new(controllers, 0, start);
        let mut h = Harness {
            s,
            rt,
            _c: std::marker::PhantomData,
        };
        h.settle();
        h
    }

    /// Creates `object` in `workspace` and lets the controllers react.
    pub fn create(&mut self, workspace: &str, object: Value) -> Value {
        let created = self
            .s
            .create(workspace, object)
            .unwrap_or_else(|e| panic!("create in {workspace}: {}", e.message));
        self.settle();
        created
    }

    /// Brings the controllers to rest at the current instant (`ControlPlane::reconcile`).
    pub fn settle(&mut self) {
        let mut woken = false;
        loop {
            let now = self.s.clock.now_ms();
            self.rt.run_instant(&mut self.s, woken);
            if !self.s.timers.due_by(now) {
                return;
            }
            self.s.timers.expire(now);
            woken = true;
        }
    }

    /// Moves the clock `ms` forward, stopping at every wake-up (`ControlPlane::advance`).
    pub fn advance(&mut self, ms: i64) {
        let until = self.s.clock.now_ms().saturating_add(ms);
        self.settle();
        while let Some(t) = self.s.timers.next_between(self.s.clock.now_ms(), until) {
            self.s.clock.set(t);
            self.settle();
        }
        self.s.clock.set(until);
        self.settle();
    }

    /// The keys the recorded controller reconciled since the last [`Harness::clear`].
    pub fn log(&self) -> Vec<Key> {
        self.rt
            .get::<Recorded<C>>()
            .map(|r| r.log.clone())
            .unwrap_or_default()
    }

    /// Forgets the recorded reconciles.
    pub fn clear(&mut self) {
        if let Some(r) = self.rt.get_mut::<Recorded<C>>() {
            r.log.clear();
        }
    }

    /// The names of the recorded keys of `resource`, as `workspace/name`, sorted and unique.
    pub fn reconciled(&self, resource: &str) -> Vec<String> {
        let mut out: Vec<String> = self
            .log()
            .iter()
            .filter(|k| &*k.resource == resource)
            .map(|k| format!("{}/{}", k.workspace, k.name))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// The stored object at `key` parts.
    pub fn get(&self, workspace: &str, resource: &str, namespace: &str, name: &str) -> Value {
        self.s
            .store
            .get(&Key::new(workspace, resource, namespace, name))
            .cloned()
            .unwrap_or_else(|| panic!("{workspace}/{resource}/{namespace}/{name} not found"))
    }

    /// The objects of `resource` in `workspace` and `namespace`.
    pub fn list(&self, workspace: &str, resource: &str, namespace: &str) -> Vec<Value> {
        self.s
            .store
            .list(workspace, resource, Some(namespace))
            .map(|(_, v)| v.clone())
            .collect()
    }
}
