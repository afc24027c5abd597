//! The work budget of one call: how much a single call (`advance`, `runUntilSettled`, a
//! kubectl line with its waits) may write before it stops and returns.
//!
//! The controllers' client rate limits and the object count limit bound the work of one
//! instant and the memory of a workspace, but not the work of a span of virtual time: a
//! cluster that never settles (a Deployment of int32's largest replica count, a CronJob every
//! minute whose Jobs never finish, pods that no node can take) keeps writing for as long as
//! time moves, and a call may ask for 100 years. A call that has made
//! [`DEFAULT_WRITES_PER_CALL`] writes (store revisions, Events included) stops at the end of
//! the instant it is at, every step before it complete, and answers kube-apiserver's 504
//! `Timeout` (the request timeout filter's answer to a request that runs too long); the caller
//! may call again to go on from there. A call that stays within the budget is unaffected.
use super::ControlPlane;
use crate::server::status::Status;

/// How many writes one call may make (about 7,000 pods created and scheduled, with their
/// Events and status updates).
pub const DEFAULT_WRITES_PER_CALL: u64 = 20_000;

/// The budget of the call in progress.
#[derive(Debug, Clone, Copy)]
pub(super) struct Budget {
    /// Writes one call may make.
    pub limit: u64,
    /// The store revision when the outermost call began (`None`: no call in progress).
    pub start: Option<u64>,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget {
            limit: DEFAULT_WRITES_PER_CALL,
            start: None,
        }
    }
}

impl ControlPlane {
    /// Runs `f` as one call: the outermost call starts the budget, nested ones share it.
    pub(crate) fn within_budget<T>(&mut self, f: impl FnOnce(&mut ControlPlane) -> T) -> T {
        if self.budget.start.is_some() {
            return f(self);
        }
        self.budget.start = Some(self.server.store.revision());
        let out = f(self);
        self.budget.start = None;
        out
    }

    /// The 504 of a call that has spent its budget, `None` while it has not.
    pub(super) fn budget_spent(&self) -> Option<Status> {
        let start = self.budget.start?;
        let spent = self.server.store.revision().saturating_sub(start);
        (spent >= self.budget.limit).then(|| {
            Status::new(
                504,
                "Timeout",
                format!(
                    "Timeout: request did not complete within its work budget of {} writes; virtual time stopped at {} (call again to go on)",
                    self.budget.limit,
                    self.server.clock.rfc3339()
                ),
            )
        })
    }

    /// Sets how many writes one call may make before it stops with a 504 `Timeout`
    /// (default [`DEFAULT_WRITES_PER_CALL`]; `u64::MAX`: unbounded, e.g. for benchmarks).
    pub fn set_work_budget(&mut self, writes_per_call: u64) {
        self.budget.limit = writes_per_call.max(1);
    }
}
