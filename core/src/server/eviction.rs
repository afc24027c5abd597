//! The Eviction API (`pods/eviction`, pkg/registry/core/pod/storage/eviction.go): a voluntary
//! disruption that deletes a pod only if its PodDisruptionBudget allows it.
use super::status::{Status, StatusCause, StatusDetails};
use super::Server;
use crate::api::kinds::by_kind;
use crate::api::object::{self, path, set_path};
use crate::api::pod::is_ready as is_pod_ready;
use crate::api::Value;
use crate::json;

impl Server {
    /// Evicts a pod: 429 `TooManyRequests` when its budget has no disruption left.
    pub fn evict(&mut self, workspace: &str, namespace: &str, name: &str) -> Result<Value, Status> {
        self.check_workspace(workspace)?;
        let pod_info = by_kind(Some("v1"), "Pod").expect("served");
        let Some(pod) = self.get(workspace, pod_info, namespace, name).cloned() else {
            return Err(Status::not_found(pod_info, name));
        };
        // Pods that are terminating, finished or not yet running are deleted without a budget check.
        let phase = object::str_at(&pod, &["status", "phase"]).unwrap_or("Pending");
        if object::is_terminating(&pod) || matches!(phase, "Succeeded" | "Failed" | "Pending") {
            return self.delete(workspace, pod_info, namespace, name, None, None);
        }
        let pdb_info = by_kind(Some("policy/v1"), "PodDisruptionBudget").expect("served");
        let labels = object::labels(&pod);
        let pdbs: Vec<Value> = self
            .list(workspace, pdb_info, Some(namespace))
            .filter(|b| {
                crate::api::Selector::from_label_selector(path(b, &["spec", "selector"]))
                    .is_ok_and(|s| !s.requirements.is_empty() && s.matches(&labels))
            })
            .cloned()
            .collect();
        if pdbs.len() > 1 {
            return Err(Status::internal(
                "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
            ));
        }
        if let Some(pdb) = pdbs.into_iter().next() {
            let status = |f: &str| object::i64_at(&pdb, &["status", f]).unwrap_or(0);
            let generation = object::i64_at(&pdb, &["metadata", "generation"]).unwrap_or(1);
            let healthy_budget = status("currentHealthy") >= status("desiredHealthy")
                && status("desiredHealthy") > 0;
            let unhealthy_ok = !is_pod_ready(&pod)
                && (object::str_at(&pdb, &["spec", "unhealthyPodEvictionPolicy"])
                    == Some("AlwaysAllow")
                    || healthy_budget);
            if !unhealthy_ok {
                if status("observedGeneration") < generation {
                    return Err(too_many_requests(&pdb, "Cannot evict pod as it would violate the pod's disruption budget. The disruption budget is still being processed by the server.", status));
                }
                if status("disruptionsAllowed") <= 0 {
                    return Err(too_many_requests(
                        &pdb,
                        "Cannot evict pod as it would violate the pod's disruption budget.",
                        status,
                    ));
                }
                // Take one disruption and remember the pod until it is gone.
                let mut updated = pdb.clone();
                set_path(
                    &mut updated,
                    &["status", "disruptionsAllowed"],
                    json!(status("disruptionsAllowed") - 1),
                );
                set_path(
                    &mut updated,
                    &["status", "disruptedPods", name],
                    json!(self.clock.rfc3339()),
                );
                self.update_status(workspace, &updated)?;
            }
        }
        self.delete(workspace, pod_info, namespace, name, None, None)
    }
}

/// `errors.NewTooManyRequests` with the `DisruptionBudget` cause.
fn too_many_requests(pdb: &Value, message: &str, status: impl Fn(&str) -> i64) -> Status {
    let mut s = Status::new(429, "TooManyRequests", message);
    s.details = Some(StatusDetails {
        causes: vec![StatusCause {
            reason: "DisruptionBudget".into(),
            message: format!(
                "The disruption budget {} needs {} healthy pods and has {} currently",
                object::name(pdb),
                status("desiredHealthy"),
                status("currentHealthy")
            ),
            field: String::new(),
        }],
        ..Default::default()
    });
    s
}
