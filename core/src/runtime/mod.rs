//! The controller runtime: client-go's work queue and kube-rs's `Controller`, made synchronous
//! and driven by the virtual clock.
//!
//! A [`Controller`] declares the resources it watches and maps each watch event to the store
//! keys of the objects it must look at ([`Controller::keys`]: the object itself, its controlling
//! owner, the objects that select it, …). Keys wait on a per-controller, de-duplicated
//! [`queue::WorkQueue`]; [`Controller::reconcile`] brings one key to its desired state,
//! reading through the store's listers and indexes and writing through the API server like
//! any client, and says when to look again ([`Action`]). Work is proportional to what changed.
//!
//! One step of the simulation ([`Runtime::run_instant`]): every controller, in a fixed order,
//! takes the watch events it has not seen, fires the requeues due now and reconciles the keys
//! that are queued; rounds repeat until no controller writes anything. A controller whose
//! client is rate limited ([`Controller::client_rate`]) rests once its token bucket is empty:
//! its queued keys wait for the instant a token is back; a key whose reconcile wrote more
//! than the bucket held waits until its excess is paid off at the client's rate ([`rate`]).
//! That bounds the work of one instant, whatever the objects ask for.

pub mod queue;
pub mod rate;

use crate::api::object;
use crate::api::value::Str;
use crate::api::Value;
use crate::server::Server;
use crate::store::{Key, Store, WatchEvent};
use queue::WorkQueue;
use rate::{Bucket, ClientRate};
use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What a reconcile asks for next (kube-rs's `Action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Nothing until a watched change maps to this key again.
    AwaitChange,
    /// Look again after this many virtual milliseconds (or sooner, on a change).
    RequeueAfter(i64),
    /// Something failed: retry with client-go's per-item exponential back-off
    /// (`ItemExponentialFailureRateLimiter`: 5 ms doubling to 1000 s).
    Retry,
}

/// A control loop.
pub trait Controller {
    /// The controller's name (`replicaset-controller`): for diagnostics and snapshots.
    fn name(&self) -> &'static str;
    /// The field manager its writes are recorded under (`kube-controller-manager`).
    fn manager(&self) -> &'static str;
    /// The resources (`pods`, `replicasets.apps`) whose watch events it maps to keys; empty:
    /// every resource.
    fn watches(&self) -> &'static [&'static str];
    /// The store keys of the objects one watch event concerns.
    fn keys(&self, store: &Store, event: &WatchEvent, out: &mut Vec<Key>);
    /// Every key, after a relist (a restore, or history compacted past what it saw).
    fn resync(&self, store: &Store, out: &mut Vec<Key>);
    /// Brings one key to its desired state.
    fn reconcile(&mut self, server: &mut Server, key: &Key) -> Action;
    /// The rate limit of its API client (`None`: none). By default kube-controller-manager's
    /// (`--kube-api-qps=20 --kube-api-burst=30`) for the loops that write as
    /// `kube-controller-manager`.
    fn client_rate(&self) -> Option<ClientRate> {
        (self.manager() == "kube-controller-manager").then_some(rate::KUBE_CONTROLLER_MANAGER)
    }
    /// Whether any wake-up of the global timer list should run it (control loops that
    /// register wake-ups on `Server::timers` themselves instead of returning an [`Action`]).
    fn runs_on_any_wakeup(&self) -> bool {
        false
    }
    /// State that must survive a snapshot and is not in the store (e.g. an autoscaler's
    /// recommendation history). Derived caches need none: rebuild them from the store.
    fn save(&self) -> Option<Value> {
        None
    }
    /// Restores what [`Controller::save`] returned (the runtime calls it only with such data).
    fn load(&mut self, _state: Value) {}
    /// For [`Runtime::get`] (implement as `self`).
    fn as_any(&self) -> &dyn std::any::Any;
    /// For [`Runtime::get_mut`] (implement as `self`).
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any;
}

/// Keys of every object of `resource`, in every workspace (for [`Controller::resync`]).
pub fn all_keys(store: &Store, resource: &str, out: &mut Vec<Key>) {
    out.extend(store.list_all(resource).map(|(k, _)| k.clone()));
}

/// The key of the controlling owner of `object` when it is a `kind` (`ReplicaSet`) stored as
/// `resource` (`replicasets.apps`), in the object's workspace and namespace (a controller is
/// in its dependents' namespace).
pub fn controller_key(key: &Key, object: &Value, kind: &str, resource: &str) -> Option<Key> {
    let owner = object::controller_of(object)?;
    if owner["kind"] != kind {
        return None;
    }
    Some(Key {
        workspace: key.workspace.clone(),
        resource: Str::new(resource),
        namespace: key.namespace.clone(),
        name: Str::new(owner["name"].as_str()?),
    })
}

/// The longest per-item back-off (client-go's default controller rate limiter).
pub const MAX_RETRY_MS: i64 = 1_000_000;
/// The first per-item back-off.
pub const BASE_RETRY_MS: i64 = 5;
/// The most rounds at one instant before the runtime stops and leaves the rest for later
/// (a guard against controllers that fight; never reached by the built-in ones).
pub const MAX_ROUNDS: usize = 10_000;

/// The runtime state that must survive a snapshot: per controller, the requeues waiting for
/// a later instant, what [`Controller::save`] returns, and the token buckets that are not
/// full. (At rest every queue is empty and every event seen: keys a rate-limited controller
/// could not take yet wait as requeues.)
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SavedRequeues(
    pub Vec<(String, Vec<(i64, Key)>)>,
    #[serde(default)] pub Vec<(String, Value)>,
    #[serde(default)] pub Vec<(String, Bucket)>,
    #[serde(default)] pub Vec<(String, Vec<(Key, i64)>)>,
);

struct Slot {
    controller: Box<dyn Controller>,
    /// The controller's client rate limit and its token bucket.
    rate: Option<(ClientRate, Bucket)>,
    /// Keys whose last reconcile wrote more than the bucket held, and until when they rest
    /// (their writes are paid off at the client's rate, as a client-side rate limiter would
    /// have spread them out).
    busy: BTreeMap<Key, i64>,
    queue: WorkQueue,
    /// Store revision up to which watch events have been mapped to keys.
    seen: u64,
    /// (due, key): requeues at later instants, and each key's due time.
    later: BTreeSet<(i64, Key)>,
    due: HashMap<Key, i64>,
    /// Consecutive failures per key, for the back-off.
    failures: HashMap<Key, u32>,
    /// Keys from one event, reused.
    buf: Vec<Key>,
}

impl Slot {
    /// Queues the keys of the events after `seen`, and the requeues due by `now`.
    fn collect(&mut self, store: &Store, now: i64, woken: bool) {
        let c = &self.controller;
        if self.seen < store.revision() {
            match store.events_since(self.seen) {
                Ok(events) => {
                    let watches = c.watches();
                    for e in events {
                        if watches.is_empty() || watches.contains(&&*e.key.resource) {
                            c.keys(store, e, &mut self.buf);
                        }
                    }
                }
                Err(_) => c.resync(store, &mut self.buf),
            }
            self.seen = store.revision();
        }
        if woken && c.runs_on_any_wakeup() {
            c.resync(store, &mut self.buf);
        }
        while let Some((due, _)) = self.later.first() {
            if *due > now {
                break;
            }
            if let Some((_, key)) = self.later.pop_first() {
                self.due.remove(&key);
                self.buf.push(key);
            }
        }
        for key in self.buf.drain(..) {
            self.queue.add(key);
        }
    }

    /// Requeues `key` at `due` (a later instant), unless it is due sooner already.
    fn requeue_at(&mut self, key: Key, due: i64, server: &mut Server) {
        if let Some(&existing) = self.due.get(&key) {
            if existing <= due {
                return;
            }
            self.later.remove(&(existing, key.clone()));
        }
        server.timers.wake_at(due);
        self.due.insert(key.clone(), due);
        self.later.insert((due, key));
    }

    /// Reconciles the queued keys while the client's rate limit allows; what is left waits
    /// for the instant the bucket holds a token again.
    fn drain(&mut self, server: &mut Server) {
        let now = server.clock.now_ms();
        // Rests that are over are forgotten, also for keys that never come back (deleted).
        self.busy.retain(|_, until| *until > now);
        while let Some(key) = self.queue.pop() {
            if let Some(&until) = self.busy.get(&key) {
                if until > now {
                    self.requeue_at(key, until, server);
                    continue;
                }
                self.busy.remove(&key);
            }
            if let Some((rate, bucket)) = &mut self.rate {
                if let Some(wait) = bucket.wait_ms(*rate, now) {
                    let due = now.saturating_add(wait);
                    self.requeue_at(key, due, server);
                    while let Some(key) = self.queue.pop() {
                        self.requeue_at(key, due, server);
                    }
                    return;
                }
            }
            let before = server.writes();
            let action = self.controller.reconcile(server, &key);
            if let Some((rate, bucket)) = &mut self.rate {
                let wrote = server.writes().wrapping_sub(before);
                let rest = bucket.take(*rate, now, wrote);
                if rest > 0 {
                    self.busy
                        .insert(key.clone(), now.saturating_add(rate.ms_for(rest)));
                }
            }
            self.schedule(key, action, server);
        }
    }

    fn schedule(&mut self, key: Key, action: Action, server: &mut Server) {
        let now = server.clock.now_ms();
        let delay = match action {
            Action::AwaitChange => {
                self.failures.remove(&key);
                return;
            }
            Action::RequeueAfter(ms) => {
                self.failures.remove(&key);
                ms.max(0)
            }
            Action::Retry => {
                let n = self.failures.entry(key.clone()).or_insert(0);
                let d = BASE_RETRY_MS
                    .saturating_mul(1i64.checked_shl(*n).unwrap_or(i64::MAX))
                    .min(MAX_RETRY_MS);
                *n = n.saturating_add(1);
                d
            }
        };
        let due = now.saturating_add(delay);
        if due <= now {
            // Only the earliest requeue of a key matters.
            if let Some(existing) = self.due.remove(&key) {
                self.later.remove(&(existing, key.clone()));
            }
            self.queue.add(key);
        } else {
            self.requeue_at(key, due, server);
        }
    }
}

/// The control loops of a control plane, in the order they run at each instant.
pub struct Runtime {
    slots: Vec<Slot>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.slots.iter().map(|s| s.controller.name()))
            .finish()
    }
}

impl Runtime {
    /// A runtime over `controllers` that has seen the store up to `revision`, at `now` (their
    /// clients' token buckets start full).
    pub fn new(controllers: Vec<Box<dyn Controller>>, revision: u64, now: i64) -> Runtime {
        Runtime {
            slots: controllers
                .into_iter()
                .map(|controller| Slot {
                    rate: controller.client_rate().map(|r| (r, Bucket::full(r, now))),
                    controller,
                    busy: BTreeMap::new(),
                    queue: WorkQueue::default(),
                    seen: revision,
                    later: BTreeSet::new(),
                    due: HashMap::default(),
                    failures: HashMap::default(),
                    buf: Vec::new(),
                })
                .collect(),
        }
    }

    /// Runs the control loops at the current instant until none has work. `woken`: a global
    /// wake-up fired at this instant.
    pub fn run_instant(&mut self, server: &mut Server, woken: bool) {
        let now = server.clock.now_ms();
        let mut woken = woken;
        for _ in 0..MAX_ROUNDS {
            let before = server.store.revision();
            let mut worked = false;
            for slot in &mut self.slots {
                slot.collect(&server.store, now, woken);
                if slot.queue.is_empty() {
                    continue;
                }
                worked = true;
                server.act_as(slot.controller.manager());
                slot.drain(server);
            }
            woken = false;
            if !worked && server.store.revision() == before {
                return;
            }
        }
    }

    /// Every controller looks at every key again, as after a controller-manager restart (its
    /// informers relist): their `resync` keys are queued for the next instant's run.
    pub fn relist(&mut self, store: &Store) {
        for slot in &mut self.slots {
            slot.controller.resync(store, &mut slot.buf);
            for key in slot.buf.drain(..) {
                slot.queue.add(key);
            }
        }
    }

    /// The controller of type `T`, if the runtime runs one.
    pub fn get<T: 'static>(&self) -> Option<&T> {
        self.slots
            .iter()
            .find_map(|s| s.controller.as_any().downcast_ref::<T>())
    }

    /// [`Runtime::get`] for writing.
    pub fn get_mut<T: 'static>(&mut self) -> Option<&mut T> {
        self.slots
            .iter_mut()
            .find_map(|s| s.controller.as_any_mut().downcast_mut::<T>())
    }

    /// Whether any controller has a requeue due at or before `now`.
    pub fn due_by(&self, now: i64) -> bool {
        self.slots
            .iter()
            .any(|s| s.later.first().is_some_and(|(t, _)| *t <= now))
    }

    /// The requeues waiting for later instants and the buckets that are not full at `now`
    /// (for snapshots).
    pub fn save(&self, now: i64) -> SavedRequeues {
        SavedRequeues(
            self.slots
                .iter()
                .filter(|s| !s.later.is_empty())
                .map(|s| {
                    (
                        s.controller.name().to_string(),
                        s.later.iter().cloned().collect(),
                    )
                })
                .collect(),
            self.slots
                .iter()
                .filter_map(|s| Some((s.controller.name().to_string(), s.controller.save()?)))
                .collect(),
            self.slots
                .iter()
                .filter_map(|s| {
                    let (rate, bucket) = s.rate?;
                    (!bucket.is_full(rate, now)).then(|| (s.controller.name().to_string(), bucket))
                })
                .collect(),
            self.slots
                .iter()
                .filter_map(|s| {
                    let busy: Vec<(Key, i64)> = s
                        .busy
                        .iter()
                        .filter(|(_, until)| **until > now)
                        .map(|(k, until)| (k.clone(), *until))
                        .collect();
                    (!busy.is_empty()).then(|| (s.controller.name().to_string(), busy))
                })
                .collect(),
        )
    }

    /// Restores saved requeues (unknown controller names are ignored).
    pub fn load(&mut self, saved: SavedRequeues) {
        for (name, busy) in saved.3 {
            if let Some(slot) = self.slots.iter_mut().find(|s| s.controller.name() == name) {
                slot.busy.extend(busy);
            }
        }
        for (name, saved) in saved.2 {
            if let Some(slot) = self.slots.iter_mut().find(|s| s.controller.name() == name) {
                if let Some((_, bucket)) = &mut slot.rate {
                    *bucket = saved;
                }
            }
        }
        for (name, state) in saved.1 {
            if let Some(slot) = self.slots.iter_mut().find(|s| s.controller.name() == name) {
                slot.controller.load(state);
            }
        }
        for (name, later) in saved.0 {
            if let Some(slot) = self.slots.iter_mut().find(|s| s.controller.name() == name) {
                for (due, key) in later {
                    slot.due.insert(key.clone(), due);
                    slot.later.insert((due, key));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
