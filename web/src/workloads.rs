//! The workloads panel's rows: Deployments, ReplicaSets, StatefulSets, DaemonSets and Jobs
//! with their replica counts and rollout state, worded as `kubectl rollout status` words it
//! (kubectl/pkg/polymorphichelpers/rollout_status.go) and, for Jobs, as `kubectl get jobs`.
use kplane::api::{object, Value};
use kplane::ControlPlane;
use serde::{Deserialize, Serialize};

/// One workload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkloadRow {
    /// `Deployment`, `ReplicaSet`, `StatefulSet`, `DaemonSet`, `Job`.
    pub kind: String,
    pub namespace: String,
    pub name: String,
    /// Ready (or, for Jobs, succeeded) out of wanted: `3/5`.
    pub ready: String,
    /// The rollout status line.
    pub status: String,
    /// `done`, `progressing` or `failed`.
    pub state: String,
}

/// At most this many rows (the console lists the rest).
pub const MAX_ROWS: usize = 60;

/// How a kind's row reads: (ready, status line, state).
type Reader = fn(&Value) -> (String, String, &'static str);

pub fn rows(cp: &ControlPlane, workspace: &str) -> Vec<WorkloadRow> {
    let store = &cp.server().store;
    let mut out = Vec::new();
    let kinds: [(&str, &str, Reader); 5] = [
        ("deployments.apps", "Deployment", deployment),
        ("statefulsets.apps", "StatefulSet", statefulset),
        ("daemonsets.apps", "DaemonSet", daemonset),
        ("replicasets.apps", "ReplicaSet", replicaset),
        ("jobs.batch", "Job", job),
    ];
    for (resource, kind, f) in kinds {
        for (_, o) in store.list(workspace, resource, None) {
            if out.len() == MAX_ROWS {
                return out;
            }
            // A Deployment's old ReplicaSets at zero are history, not workloads.
            if kind == "ReplicaSet"
                && object::controller_of(o).is_some()
                && object::i64_at(o, &["spec", "replicas"]) == Some(0)
            {
                continue;
            }
            let (ready, status, state) = f(o);
            out.push(WorkloadRow {
                kind: kind.into(),
                namespace: object::namespace(o).into(),
                name: object::name(o).into(),
                ready,
                status,
                state: state.into(),
            });
        }
    }
    out
}

fn int(o: &Value, keys: &[&str]) -> i64 {
    object::i64_at(o, keys).unwrap_or(0)
}

fn state(done: Option<bool>) -> &'static str {
    match done {
        Some(true) => "done",
        Some(false) => "failed",
        None => "progressing",
    }
}

fn deployment(d: &Value) -> (String, String, &'static str) {
    let (line, done) = kplane::kubectl::rollout_status_line(d);
    let wanted = object::i64_at(d, &["spec", "replicas"]).unwrap_or(1);
    (
        format!("{}/{wanted}", int(d, &["status", "readyReplicas"])),
        line,
        state(done),
    )
}

fn replicaset(r: &Value) -> (String, String, &'static str) {
    let wanted = object::i64_at(r, &["spec", "replicas"]).unwrap_or(1);
    let ready = int(r, &["status", "readyReplicas"]);
    let done = ready >= wanted;
    let line = if done {
        format!("{ready} of {wanted} replicas ready")
    } else {
        format!("waiting: {ready} of {wanted} replicas ready")
    };
    (
        format!("{ready}/{wanted}"),
        line,
        state(done.then_some(true)),
    )
}

/// StatefulSetStatusViewer.Status (RollingUpdate strategy).
fn statefulset(s: &Value) -> (String, String, &'static str) {
    let wanted = object::i64_at(s, &["spec", "replicas"]).unwrap_or(1);
    let ready = int(s, &["status", "readyReplicas"]);
    let shown = format!("{ready}/{wanted}");
    if int(s, &["status", "observedGeneration"]) == 0
        || int(s, &["metadata", "generation"]) > int(s, &["status", "observedGeneration"])
    {
        return (
            shown,
            "Waiting for statefulset spec update to be observed...".into(),
            state(None),
        );
    }
    if ready < wanted {
        return (
            shown,
            format!("Waiting for {} pods to be ready...", wanted - ready),
            state(None),
        );
    }
    let partition = object::i64_at(s, &["spec", "updateStrategy", "rollingUpdate", "partition"]);
    if let Some(p) = partition.filter(|p| *p > 0) {
        let updated = int(s, &["status", "updatedReplicas"]);
        if updated < wanted - p {
            return (
                shown,
                format!("Waiting for partitioned roll out to finish: {updated} out of {} new pods have been updated...", wanted - p),
                state(None),
            );
        }
        return (
            shown,
            format!("partitioned roll out complete: {updated} new pods have been updated..."),
            state(Some(true)),
        );
    }
    let (current, update) = (
        object::str_at(s, &["status", "currentRevision"]).unwrap_or(""),
        object::str_at(s, &["status", "updateRevision"]).unwrap_or(""),
    );
    if current != update {
        return (
            shown,
            format!(
                "waiting for statefulset rolling update to complete {} pods at revision {update}...",
                int(s, &["status", "updatedReplicas"])
            ),
            state(None),
        );
    }
    (
        shown,
        format!("statefulset rolling update complete {ready} pods at revision {current}..."),
        state(Some(true)),
    )
}

/// DaemonSetStatusViewer.Status.
fn daemonset(d: &Value) -> (String, String, &'static str) {
    let name = object::name(d);
    let desired = int(d, &["status", "desiredNumberScheduled"]);
    let updated = int(d, &["status", "updatedNumberScheduled"]);
    let available = int(d, &["status", "numberAvailable"]);
    let shown = format!("{}/{desired}", int(d, &["status", "numberReady"]));
    if int(d, &["metadata", "generation"]) > int(d, &["status", "observedGeneration"]) {
        return (
            shown,
            "Waiting for daemon set spec update to be observed...".into(),
            state(None),
        );
    }
    if updated < desired {
        return (
            shown,
            format!("Waiting for daemon set \"{name}\" rollout to finish: {updated} out of {desired} new pods have been updated..."),
            state(None),
        );
    }
    if available < desired {
        return (
            shown,
            format!("Waiting for daemon set \"{name}\" rollout to finish: {available} of {desired} updated pods are available..."),
            state(None),
        );
    }
    (
        shown,
        format!("daemon set \"{name}\" successfully rolled out"),
        state(Some(true)),
    )
}

/// `kubectl get jobs`' STATUS (Complete, Failed, Running, …) and COMPLETIONS.
fn job(j: &Value) -> (String, String, &'static str) {
    let completions = object::i64_at(j, &["spec", "completions"]).unwrap_or(1);
    let succeeded = int(j, &["status", "succeeded"]);
    let shown = format!("{succeeded}/{completions}");
    let conditions = object::array_at(j, &["status", "conditions"]);
    let has = |t: &str| {
        conditions
            .iter()
            .any(|c| c["type"] == t && c["status"] == "True")
    };
    let reason = |t: &str| {
        conditions
            .iter()
            .find(|c| c["type"] == t)
            .and_then(|c| c["reason"].as_str())
            .unwrap_or("")
            .to_string()
    };
    if has("Complete") {
        return (shown, "Complete".into(), state(Some(true)));
    }
    if has("Failed") {
        return (
            shown,
            format!("Failed: {}", reason("Failed")),
            state(Some(false)),
        );
    }
    if has("Suspended") {
        return (shown, "Suspended".into(), state(None));
    }
    let active = int(j, &["status", "active"]);
    let failed = int(j, &["status", "failed"]);
    (
        shown,
        format!("Running: {active} active, {failed} failed"),
        state(None),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deployment_rolls_out_and_a_job_completes() {
        let mut cp = crate::history::fresh(1).unwrap();
        let m = crate::scenario::by_id("three-nodes").unwrap().manifest;
        crate::apply::apply_documents(&mut cp, crate::workspaces::ROOT, m, false);
        let rows0 = rows(&cp, crate::workspaces::ROOT);
        let web = rows0.iter().find(|r| r.kind == "Deployment").unwrap();
        assert_eq!(web.state, "progressing");
        cp.advance(60.0).unwrap();
        let rows1 = rows(&cp, crate::workspaces::ROOT);
        let web = rows1.iter().find(|r| r.kind == "Deployment").unwrap();
        assert_eq!((web.ready.as_str(), web.state.as_str()), ("5/5", "done"));
        assert_eq!(web.status, "deployment \"web\" successfully rolled out");
        assert!(rows1
            .iter()
            .any(|r| r.kind == "ReplicaSet" && r.ready == "5/5"));

        let mut cp = crate::history::fresh(1).unwrap();
        crate::apply::apply_documents(
            &mut cp,
            crate::workspaces::ROOT,
            crate::scenario::by_id("job").unwrap().manifest,
            false,
        );
        cp.advance(30.0).unwrap();
        let job = rows(&cp, crate::workspaces::ROOT)
            .into_iter()
            .find(|r| r.kind == "Job")
            .unwrap();
        assert_eq!(
            (job.ready.as_str(), job.status.as_str()),
            ("1/1", "Complete")
        );
    }
}
