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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;
    use crate::scheduler::plugins::testing::{config, node, pod, snapshot};

    #[test]
    fn only_the_named_node_fits() {
        let s = snapshot(vec![], vec![]);
        let cfg = config();
        let mut p = pod("p", json!({}), json!({}));
        assert!(filter(&Cycle::new(&p, &s, &cfg), &node("a", json!({}))).is_ok());
        p.node_name = Some("a".into());
        assert!(filter(&Cycle::new(&p, &s, &cfg), &node("a", json!({}))).is_ok());
        assert_eq!(
            filter(&Cycle::new(&p, &s, &cfg), &node("b", json!({}))),
            Err(Unfit::unresolvable(ERR_REASON))
        );
    }
}
