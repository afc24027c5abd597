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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;
    use crate::scheduler::plugins::testing::{config, node, pod, snapshot};

    #[test]
    fn cordoned_nodes_take_only_tolerating_pods() {
        let mut n = node("n1", json!({}));
        n.unschedulable = true;
        let s = snapshot(vec![], vec![]);
        let cfg = config();
        let plain = pod("p", json!({}), json!({}));
        assert_eq!(
            filter(&Cycle::new(&plain, &s, &cfg), &n),
            Err(Unfit::unresolvable(ERR_REASON))
        );
        let tolerating = pod(
            "t",
            json!({}),
            json!({"tolerations": [{"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"}]}),
        );
        assert!(filter(&Cycle::new(&tolerating, &s, &cfg), &n).is_ok());
        n.unschedulable = false;
        assert!(filter(&Cycle::new(&plain, &s, &cfg), &n).is_ok());
    }
}
