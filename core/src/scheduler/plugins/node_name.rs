//! NodeName: a pod that names a node (`spec.nodeName` requested before binding) fits only there.
use super::{FilterResult, Unfit};
use crate::scheduler::cycle::Cycle;
use crate::scheduler::NodeInfo;

pub const ERR_REASON: &str = "node(s) didn't match the requested node name";

pub fn filter(c: &Cycle<'_>, node: &NodeInfo) -> FilterResult {
    match &c.pod.node_name {
        Some(n) if *n != node.name => Err(Unfit::unresolvable(ERR_REASON)),
        _ => Ok(()),
    }
}
