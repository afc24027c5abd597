//! kube-scheduler's default plugins, one file each (pkg/scheduler/framework/plugins).
pub mod balanced_allocation;
pub mod node_affinity;
pub mod node_name;
pub mod node_resources_fit;
pub mod node_unschedulable;
pub mod taint_toleration;

use super::{NodeInfo, PodInfo};

/// A Filter verdict's code (`framework.Code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// Preemption might help.
    Unschedulable,
    /// Preemption cannot help.
    UnschedulableAndUnresolvable,
}

/// Why a node failed a filter: one or more reasons (`Insufficient cpu`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unfit {
    pub code: Code,
    pub reasons: Vec<String>,
}

impl Unfit {
    pub fn unresolvable(reason: impl Into<String>) -> Unfit {
        Unfit {
            code: Code::UnschedulableAndUnresolvable,
            reasons: vec![reason.into()],
        }
    }
}

pub type FilterResult = Result<(), Unfit>;

/// A filter plugin, in the default profile's order.
pub struct Filter {
    pub name: &'static str,
    pub run: fn(&PodInfo, &NodeInfo) -> FilterResult,
}

/// A score plugin: raw score per node, then NormalizeScore over all feasible nodes, times weight.
pub struct Scorer {
    pub name: &'static str,
    pub weight: i64,
    pub score: fn(&PodInfo, &NodeInfo) -> i64,
    pub normalize: Option<fn(&mut [i64])>,
}

pub const FILTERS: &[Filter] = &[
    Filter {
        name: "NodeUnschedulable",
        run: node_unschedulable::filter,
    },
    Filter {
        name: "NodeName",
        run: node_name::filter,
    },
    Filter {
        name: "TaintToleration",
        run: taint_toleration::filter,
    },
    Filter {
        name: "NodeAffinity",
        run: node_affinity::filter,
    },
    Filter {
        name: "NodeResourcesFit",
        run: node_resources_fit::filter,
    },
];

/// Score plugins with the default profile's weights (`default_plugins.go`).
pub const SCORERS: &[Scorer] = &[
    Scorer {
        name: "TaintToleration",
        weight: 3,
        score: taint_toleration::score,
        normalize: Some(taint_toleration::normalize),
    },
    Scorer {
        name: "NodeAffinity",
        weight: 2,
        score: node_affinity::score,
        normalize: Some(node_affinity::normalize),
    },
    Scorer {
        name: "NodeResourcesFit",
        weight: 1,
        score: node_resources_fit::score,
        normalize: None,
    },
    Scorer {
        name: "NodeResourcesBalancedAllocation",
        weight: 1,
        score: balanced_allocation::score,
        normalize: None,
    },
];

/// `helper.DefaultNormalizeScore`: scales to [0, 100] by the maximum, optionally reversed.
pub fn default_normalize(scores: &mut [i64], reverse: bool) {
    let max = scores.iter().copied().max().unwrap_or(0);
    if max == 0 {
        if reverse {
            scores.iter_mut().for_each(|s| *s = 100);
        }
        return;
    }
    for s in scores.iter_mut() {
        *s = 100 * *s / max;
        if reverse {
            *s = 100 - *s;
        }
    }
}
