//! Controllers: each reads through the store, writes through the server and reports through
//! status and Events. They are level-triggered: each run looks at the whole state and moves it
//! one step towards the desired state. No controller calls another.
pub mod cronjob;
pub mod daemonset;
pub mod deployment;
pub mod disruption;
pub mod gc;
pub mod hpa;
pub mod job;
pub mod keda;
pub mod namespace;
pub mod node_lifecycle;
pub mod replicaset;
pub mod statefulset;
pub mod vpa;

use crate::api::kinds::{by_kind, KindInfo};

pub(crate) fn kind(api_version: &str, kind: &str) -> &'static KindInfo {
    by_kind(Some(api_version), kind).expect("built-in kind is served")
}

/// A pod is active until it ends or starts terminating (`controller.IsPodActive`).
pub(crate) fn is_pod_active(pod: &crate::api::Value) -> bool {
    let phase = crate::api::object::str_at(pod, &["status", "phase"]).unwrap_or("");
    phase != "Succeeded" && phase != "Failed" && !crate::api::object::is_terminating(pod)
}

/// `podutil.IsPodReady`: the Ready condition is True.
pub(crate) fn is_pod_ready(pod: &crate::api::Value) -> bool {
    crate::api::object::array_at(pod, &["status", "conditions"])
        .iter()
        .any(|c| c["type"] == "Ready" && c["status"] == "True")
}
