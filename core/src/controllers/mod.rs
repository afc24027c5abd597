//! Controllers: each reads through the store, writes through the server and reports through
//! status and Events. They are level-triggered: each reconcile looks at the state of one key
//! and moves it one step towards the desired state. No controller calls another. [`all`] is
//! the table of control loops, in the order they run at each instant.
pub mod cloud_node;
pub mod cronjob;
pub mod daemonset;
pub mod deployment;
pub mod disruption;
pub mod ec2;
pub mod endpointslice;
pub mod gc;
pub mod hpa;
pub mod job;
pub mod karpenter;
pub mod keda;
pub mod namespace;
pub mod node_lifecycle;
pub mod replicaset;
pub mod statefulset;
pub mod volume;
pub mod vpa;
pub mod workload;

use crate::api::kinds::{by_kind, KindInfo};
use crate::runtime::legacy::Legacy;
use crate::runtime::Controller;

/// The field manager of kube-controller-manager's loops.
pub(crate) const KCM: &str = "kube-controller-manager";

/// Every control loop of a control plane, in the order they run at each instant.
pub fn all() -> Vec<Box<dyn Controller>> {
    let legacy = |name, manager, watches, run| -> Box<dyn Controller> {
        Box::new(Legacy {
            name,
            manager,
            watches,
            run,
        })
    };
    vec![
        // The namespace controller waits for a terminating namespace's contents to go: it
        // watches everything.
        legacy("namespace-controller", KCM, &[], namespace::reconcile),
        legacy("garbage-collector", KCM, &[], gc::reconcile),
        legacy(
            "deployment-controller",
            KCM,
            &["deployments.apps", "replicasets.apps"],
            deployment::reconcile,
        ),
        Box::new(replicaset::ReplicaSetController),
        legacy(
            "statefulset-controller",
            KCM,
            &[
                "statefulsets.apps",
                "pods",
                "controllerrevisions.apps",
                "persistentvolumeclaims",
            ],
            statefulset::reconcile,
        ),
        legacy(
            "daemonset-controller",
            KCM,
            &[
                "daemonsets.apps",
                "pods",
                "nodes",
                "controllerrevisions.apps",
            ],
            daemonset::reconcile,
        ),
        legacy(
            "cronjob-controller",
            KCM,
            &["cronjobs.batch", "jobs.batch"],
            cronjob::reconcile,
        ),
        legacy(
            "job-controller",
            KCM,
            &["jobs.batch", "pods"],
            job::reconcile,
        ),
        legacy(
            "disruption-controller",
            KCM,
            &[
                "poddisruptionbudgets.policy",
                "pods",
                "replicasets.apps",
                "deployments.apps",
                "statefulsets.apps",
            ],
            disruption::reconcile,
        ),
        legacy(
            "node-lifecycle-controller",
            KCM,
            &["nodes", "pods"],
            node_lifecycle::reconcile,
        ),
        Box::new(crate::scheduler::Scheduler::default()),
        Box::new(karpenter::Karpenter::default()),
        Box::new(ec2::Ec2Controller),
        // Before the node agent: a Node naming an instance type gets its capacity first.
        Box::new(cloud_node::CloudNodeController),
        legacy(
            "kubelet",
            "kubelet",
            &["pods", "nodes"],
            crate::kubelet::reconcile,
        ),
    ]
}

pub(crate) fn kind(api_version: &str, kind: &str) -> &'static KindInfo {
    by_kind(Some(api_version), kind).expect("built-in kind is served")
}

pub(crate) use crate::api::pod::{is_active as is_pod_active, is_ready as is_pod_ready};
