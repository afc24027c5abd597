//! Control loops not yet ported to per-key reconciles: each run looks at the whole state of
//! the root workspace (one key), whenever a resource it watches changed or a global wake-up
//! fired.
use super::{Action, Controller};

use crate::server::Server;
use crate::store::{Key, Store, WatchEvent};

/// A whole-state control loop as a [`Controller`] with a single key.
pub struct Legacy {
    pub name: &'static str,
    pub manager: &'static str,
    pub watches: &'static [&'static str],
    pub run: fn(&mut Server),
}

fn the_key() -> Key {
    Key::new("", "", "", "")
}

impl Controller for Legacy {
    fn name(&self) -> &'static str {
        self.name
    }
    fn manager(&self) -> &'static str {
        self.manager
    }
    fn watches(&self) -> &'static [&'static str] {
        self.watches
    }
    fn keys(&self, _: &Store, _: &WatchEvent, out: &mut Vec<Key>) {
        out.push(the_key());
    }
    fn resync(&self, _: &Store, out: &mut Vec<Key>) {
        out.push(the_key());
    }
    fn reconcile(&mut self, server: &mut Server, _: &Key) -> Action {
        (self.run)(server);
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
