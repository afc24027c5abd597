//! Disruption (stub).
use super::cluster::InstanceTypeCache;
use super::state::State;
use crate::runtime::Action;
use crate::server::Server;

/// One run of the disruption loop.
pub fn reconcile(_state: &mut State, _cache: &mut InstanceTypeCache, _s: &mut Server) -> Action {
    Action::AwaitChange
}
