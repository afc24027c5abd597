//! kube-scheduler's default plugins, one file each (pkg/scheduler/framework/plugins), in the
//! default profile's order with its score weights (`default_plugins.go`).
pub mod balanced_allocation;
pub mod default_preemption;
pub mod image_locality;
pub mod inter_pod_affinity;
pub mod node_affinity;
pub mod node_name;
pub mod node_ports;
pub mod node_resources_fit;
pub mod node_unschedulable;
pub mod node_volume_limits;
pub mod pod_topology_spread;
pub mod taint_toleration;
pub mod volume_binding;
pub mod volume_restrictions;
pub mod volume_zone;

use super::cycle::Cycle;
use super::NodeInfo;

/// A Filter verdict's code (`framework.Code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// Preemption might help.
    Unschedulable,
    /// Preemption cannot help.
    UnschedulableAndUnresolvable,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Unschedulable => "Unschedulable",
            Code::UnschedulableAndUnresolvable => "UnschedulableAndUnresolvable",
        }
    }
}

/// A filter's reason text: static for the fixed messages, owned when formatted.
pub type Reason = std::borrow::Cow<'static, str>;

/// Why a node failed a filter: one or more reasons (`Insufficient cpu`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unfit {
    pub code: Code,
    pub reasons: Vec<Reason>,
}

impl Unfit {
    pub fn unresolvable(reason: impl Into<Reason>) -> Unfit {
        Unfit {
            code: Code::UnschedulableAndUnresolvable,
            reasons: vec![reason.into()],
        }
    }
    pub fn unschedulable(reason: impl Into<Reason>) -> Unfit {
        Unfit {
            code: Code::Unschedulable,
            reasons: vec![reason.into()],
        }
    }
}

pub type FilterResult = Result<(), Unfit>;

/// NormalizeScore over the feasible nodes (snapshot indices) and their raw scores.
pub type NormalizeFn = fn(&Cycle<'_>, &[usize], &mut [i64]);

/// A filter plugin: an optional PreFilter (fills the cycle state once per pod, or rejects the
/// pod for every node with [`Cycle::reject`]), then Filter per node.
pub struct Filter {
    pub name: &'static str,
    pub pre_filter: Option<fn(&mut Cycle<'_>)>,
    pub run: fn(&Cycle<'_>, &NodeInfo) -> FilterResult,
}

/// A score plugin: PreScore over the feasible nodes (false = Skip: the plugin scores nothing
/// for this pod), raw Score per node, NormalizeScore over the feasible nodes, times weight.
pub struct Scorer {
    pub name: &'static str,
    pub weight: i64,
    pub pre_score: Option<fn(&mut Cycle<'_>, &[usize]) -> bool>,
    pub score: fn(&Cycle<'_>, &NodeInfo) -> i64,
    pub normalize: Option<NormalizeFn>,
}

/// Filters in the default profile's order.
pub const FILTERS: &[Filter] = &[
    Filter {
        name: "NodeUnschedulable",
        pre_filter: None,
        run: node_unschedulable::filter,
    },
    Filter {
        name: "NodeName",
        pre_filter: None,
        run: node_name::filter,
    },
    Filter {
        name: "TaintToleration",
        pre_filter: None,
        run: taint_toleration::filter,
    },
    Filter {
        name: "NodeAffinity",
        pre_filter: None,
        run: node_affinity::filter,
    },
    Filter {
        name: "NodePorts",
        pre_filter: None,
        run: node_ports::filter,
    },
    Filter {
        name: "NodeResourcesFit",
        pre_filter: None,
        run: node_resources_fit::filter,
    },
    Filter {
        name: "VolumeRestrictions",
        pre_filter: Some(volume_restrictions::pre_filter),
        run: volume_restrictions::filter,
    },
    Filter {
        name: "NodeVolumeLimits",
        pre_filter: None,
        run: node_volume_limits::filter,
    },
    Filter {
        name: "VolumeBinding",
        pre_filter: Some(volume_binding::pre_filter),
        run: volume_binding::filter,
    },
    Filter {
        name: "VolumeZone",
        pre_filter: None,
        run: volume_zone::filter,
    },
    Filter {
        name: "PodTopologySpread",
        pre_filter: Some(pod_topology_spread::pre_filter),
        run: pod_topology_spread::filter,
    },
    Filter {
        name: "InterPodAffinity",
        pre_filter: Some(inter_pod_affinity::pre_filter),
        run: inter_pod_affinity::filter,
    },
];

/// Score plugins with the default profile's weights (`default_plugins.go`).
pub const SCORERS: &[Scorer] = &[
    Scorer {
        name: "TaintToleration",
        weight: 3,
        pre_score: None,
        score: taint_toleration::score,
        normalize: Some(taint_toleration::normalize),
    },
    Scorer {
        name: "NodeAffinity",
        weight: 2,
        pre_score: Some(node_affinity::pre_score),
        score: node_affinity::score,
        normalize: Some(node_affinity::normalize),
    },
    Scorer {
        name: "NodeResourcesFit",
        weight: 1,
        pre_score: None,
        score: node_resources_fit::score,
        normalize: None,
    },
    Scorer {
        name: "PodTopologySpread",
        weight: 2,
        pre_score: Some(pod_topology_spread::pre_score),
        score: pod_topology_spread::score,
        normalize: Some(pod_topology_spread::normalize),
    },
    Scorer {
        name: "InterPodAffinity",
        weight: 2,
        pre_score: Some(inter_pod_affinity::pre_score),
        score: inter_pod_affinity::score,
        normalize: Some(inter_pod_affinity::normalize),
    },
    Scorer {
        name: "NodeResourcesBalancedAllocation",
        weight: 1,
        pre_score: Some(balanced_allocation::pre_score),
        score: balanced_allocation::score,
        normalize: None,
    },
    Scorer {
        name: "ImageLocality",
        weight: 1,
        pre_score: None,
        score: image_locality::score,
        normalize: None,
    },
];

/// `helper.DefaultNormalizeScore`: scales to [0, 100] by the maximum, optionally reversed.
pub fn default_normalize(scores: &mut [i64], reverse: bool) {
    let max = scores.iter().copied().max().unwrap_or(0);
    if max <= 0 {
        if reverse {
            scores.iter_mut().for_each(|s| *s = 100);
        }
        return;
    }
    for s in scores.iter_mut() {
        *s = (100 * i128::from(*s) / i128::from(max)) as i64;
        if reverse {
            *s = 100 - *s;
        }
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Helpers for the plugins' table tests: pods and nodes from JSON, a cycle over them.
    use crate::api::Value;
    use crate::json;
    use crate::scheduler::{Config, NodeInfo, PodInfo, Snapshot};

    pub fn node(name: &str, labels: Value) -> NodeInfo {
        NodeInfo::from_node(&json!({"metadata": {"name": name, "labels": labels},
            "status": {"allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"}}}))
    }

    pub fn pod(name: &str, labels: Value, spec: Value) -> PodInfo {
        let mut spec = spec;
        if spec.get("containers").is_none() {
            spec["containers"] = json!([{"name": "c", "image": "busybox"}]);
        }
        PodInfo::from_pod(
            &json!({"metadata": {"name": name, "namespace": "default", "uid": name, "labels": labels}, "spec": spec}),
        )
    }

    /// A snapshot of `nodes` with `pods` assigned as (node name, pod).
    pub fn snapshot(nodes: Vec<NodeInfo>, pods: Vec<(&str, PodInfo)>) -> Snapshot {
        let mut s = Snapshot::new(nodes);
        for (n, p) in pods {
            s.add_pod(n, p);
        }
        s
    }

    pub fn config() -> Config {
        Config::default()
    }
}
