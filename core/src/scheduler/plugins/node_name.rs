//! NodeName: a pod that names a node (`spec.nodeName` requested before binding) fits only there.
use super::{FilterResult, Unfit};
use crate::scheduler::{NodeInfo, PodInfo};

pub const ERR_REASON: &str = "node(s) didn't match the requested node name";

pub fn filter(pod: &PodInfo, node: &NodeInfo) -> FilterResult {
    match &pod.node_name {
        Some(n) if *n != node.name => Err(Unfit::unresolvable(ERR_REASON)),
        _ => Ok(()),
    }
}
