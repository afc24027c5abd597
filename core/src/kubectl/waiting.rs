//! Waiting in virtual time, as kubectl's watches wait in real time (`wait`, `delete --wait`,
//! `rollout status`, `get --watch`): look at the condition now, then after each wake-up of
//! the control loops, until it holds or the deadline passes.
//!
//! Between two wake-ups nothing changes (the control plane only moves when a timer falls due
//! or someone writes), so stepping from one wake-up to the next sees every state kubectl's
//! watch would see. When no wake-up is left before the deadline, the clock moves to the
//! deadline and the condition is looked at once more, as kubectl's timeout ends its watch.
//!
//! kubectl waits "forever" in some cases (`delete` without `--timeout` waits a week,
//! `rollout status` without `--timeout` has no deadline). A simulation must end: such waits
//! stop after [`IMPLICIT_WAIT_MS`] of virtual time, or as soon as nothing is left to happen
//! (no wake-up is due), as a user would give up and press Ctrl-C. A wait that spends the
//! call's work budget (a cluster that never settles) ends with the 504 `Timeout`.
use super::Error;
use crate::control_plane::{ControlPlane, WatchEvent, WatchOptions, DEFAULT_SETTLE_SECONDS};

/// How long a wait without a deadline lasts at most, unless the caller knows better (a
/// Deployment's rollout waits for its progress deadline): `runUntilSettled`'s default horizon.
pub(super) const IMPLICIT_WAIT_MS: i64 = (DEFAULT_SETTLE_SECONDS as i64) * 1000;

/// How long to wait.
#[derive(Debug, Clone, Copy)]
pub(super) enum Deadline {
    /// `--timeout`: the wait ends after this many ms, having moved the clock that far.
    After(i64),
    /// No deadline: kplane stops after this many ms, or as soon as nothing is left to happen.
    Implicit(i64),
}

/// How a wait ended.
#[derive(Debug)]
pub(super) enum Waited<T> {
    /// The condition held (its value).
    Done(T),
    /// The deadline passed.
    TimedOut,
    /// A wait without a deadline gave up (nothing left to happen, or the implicit horizon).
    GaveUp,
}

/// Checks `check` now and after every wake-up until it returns `Some` or the wait ends.
/// `check` may print what it sees (rollout status lines, watch events).
pub(super) fn until<T>(
    cp: &mut ControlPlane,
    deadline: Deadline,
    mut check: impl FnMut(&mut ControlPlane) -> Result<Option<T>, Error>,
) -> Result<Waited<T>, Error> {
    let (span, explicit) = match deadline {
        Deadline::After(ms) => (ms, true),
        Deadline::Implicit(ms) => (ms, false),
    };
    let end = cp.now_ms().saturating_add(span.max(0));
    let ended = || {
        if explicit {
            Waited::TimedOut
        } else {
            Waited::GaveUp
        }
    };
    loop {
        if let Some(v) = check(cp)? {
            return Ok(Waited::Done(v));
        }
        if cp.now_ms() >= end {
            return Ok(ended());
        }
        let next = match cp.next_wake_up(end) {
            Some(t) => t,
            // Nothing happens before the deadline: an explicit timeout runs out, an implicit
            // wait gives up now.
            None if explicit => end,
            None => return Ok(Waited::GaveUp),
        };
        if !advance_to(cp, next)? {
            // A step the clock refuses (beyond its range): the wait ends here.
            return Ok(ended());
        }
    }
}

/// Moves the clock to `t`; whether it moved. A call that spent its work budget (a 504
/// `Timeout`, `ControlPlane::advance`) ends the wait with that error.
fn advance_to(cp: &mut ControlPlane, t: i64) -> Result<bool, Error> {
    let before = cp.now_ms();
    let seconds = (t.saturating_sub(before)).max(0) as f64 / 1000.0;
    match cp.advance(seconds) {
        Ok(()) => Ok(cp.now_ms() > before),
        Err(s) if s.code == 504 => Err(Error::Status(s)),
        Err(_) => Ok(false),
    }
}

/// A watch kept open across a wait: each [`Watcher::poll`] returns the events since the
/// previous one (the first: the current objects as `ADDED`), as a client-go watch delivers
/// them. A compacted revision relists (`UntilWithSync`'s informer does the same).
pub(super) struct Watcher {
    workspace: String,
    options: WatchOptions,
}

impl Watcher {
    pub fn new(workspace: String, options: WatchOptions) -> Watcher {
        Watcher { workspace, options }
    }

    /// The events since the last poll (without the closing BOOKMARK).
    pub fn poll(&mut self, cp: &ControlPlane) -> Result<Vec<WatchEvent>, Error> {
        let mut events = match cp.watch(&self.workspace, &self.options) {
            Ok(e) => e,
            Err(s) if s.code == 410 => {
                self.options.resource_version = None;
                cp.watch(&self.workspace, &self.options)
                    .map_err(Error::Status)?
            }
            Err(s) => return Err(Error::Status(s)),
        };
        if let Some(b) = events.pop().filter(|e| e.kind == "BOOKMARK") {
            self.options.resource_version =
                crate::api::object::str_at(&b.object, &["metadata", "resourceVersion"])
                    .map(str::to_string);
        }
        Ok(events)
    }
}
