//! NodeUnschedulable: a cordoned node (`spec.unschedulable`) takes only pods that tolerate
//! `node.kubernetes.io/unschedulable:NoSchedule`.
use super::{taint_toleration::tolerates, FilterResult, Unfit};
use crate::scheduler::cycle::Cycle;
use crate::scheduler::{NodeInfo, Taint};

pub const ERR_REASON: &str = "node(s) were unschedulable";

pub fn filter(c: &Cycle<'_>, node: &NodeInfo) -> FilterResult {
    let pod = c.pod;
    if !node.unschedulable {
        return Ok(());
    }
    let taint = Taint {
        key: "node.kubernetes.io/unschedulable".into(),
        value: String::new(),
        effect: "NoSchedule".into(),
    };
    if pod.tolerations.iter().any(|t| tolerates(t, &taint)) {
        Ok(())
    } else {
        Err(Unfit::unresolvable(ERR_REASON))
    }
}
