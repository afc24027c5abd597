//! The VPA admission controller (kubernetes/autoscaler `vertical-pod-autoscaler/pkg/
//! admission-controller`), as an admission plugin on pod creation: a pod whose workload a
//! VerticalPodAutoscaler targets (any mode but `Off`) and that has a recommendation gets the
//! recommended requests, limits kept in proportion (`RequestsAndLimits`, the default) or the
//! requests capped to the limits (`RequestsOnly`), and the annotations `vpaUpdates` ("Pod
//! resources updated by my-app-vpa: container 0: cpu request, memory request") and
//! `vpaObservedContainers`.
use super::Server;
use crate::api::object::{self, array_at, str_at};
use crate::api::quantity::{format_bytes, format_cpu_milli};
use crate::api::{Selector, Value};
use crate::controllers::vpa::aggregate::{ResourceName, Resources};
use crate::controllers::vpa::spec::{resources_of, VpaSpec};
use crate::controllers::vpa::updater::{admission_resources, parse_recommendation};
use crate::json;

fn text(resource: ResourceName, amount: i64) -> Value {
    json!(match resource {
        ResourceName::Cpu => format_cpu_milli(amount),
        ResourceName::Memory => format_bytes(amount),
    })
}

impl Server {
    /// The VPA whose target selects `pod` (in its namespace, by name when several do), if it
    /// is in a mode that sets resources at creation and has a recommendation.
    fn controlling_vpa(&self, workspace: &str, pod: &Value) -> Option<Value> {
        let ns = object::namespace(pod);
        let labels = object::labels(pod);
        self.store
            .list(
                workspace,
                "verticalpodautoscalers.autoscaling.k8s.io",
                Some(ns),
            )
            .map(|(_, v)| v)
            .find(|v| {
                let spec = VpaSpec::parse(v);
                if !spec.update_mode.applies_at_creation() {
                    return false;
                }
                let r = &spec.target_ref;
                let api_version = (!r.api_version.is_empty()).then_some(r.api_version.as_str());
                let Ok(info) = self.resolve_in(workspace, api_version, &r.kind) else {
                    return false;
                };
                let Ok(scale) = self.get_scale(workspace, info, ns, &r.name) else {
                    return false;
                };
                let selector = str_at(&scale, &["status", "selector"]).unwrap_or("");
                !selector.is_empty() && Selector::parse(selector).is_ok_and(|s| s.matches(&labels))
            })
            .cloned()
    }

    /// Sets the recommended resources on a new pod (see the module documentation).
    pub(super) fn admit_vpa(&mut self, workspace: &str, pod: &mut Value) {
        let Some(vpa) = self.controlling_vpa(workspace, pod) else {
            return;
        };
        let recs = parse_recommendation(&vpa);
        if recs.is_empty() {
            return;
        }
        let spec = VpaSpec::parse(&vpa);
        let mut updates = Vec::new();
        let mut observed = Vec::new();
        let containers = array_at(pod, &["spec", "containers"]).to_vec();
        for (i, c) in containers.iter().enumerate() {
            let name = c["name"].as_str().unwrap_or("");
            observed.push(name.to_string());
            let Some(rec) = recs.iter().find(|r| r.container_name == name) else {
                continue;
            };
            let target: Resources = rec
                .target
                .iter()
                .filter_map(|(k, q)| {
                    let r = ResourceName::parse(k)?;
                    Some((
                        r,
                        if r == ResourceName::Cpu {
                            q.milli()
                        } else {
                            q.value()
                        },
                    ))
                })
                .collect();
            let requests = resources_of(c["resources"].get("requests"));
            let limits = resources_of(c["resources"].get("limits"));
            let (new_requests, new_limits) =
                admission_resources(spec.controlled_values(name), &target, &requests, &limits);
            let mut changed = Vec::new();
            let mut container = c.clone();
            for (kind, old, new) in [
                ("requests", &requests, &new_requests),
                ("limits", &limits, &new_limits),
            ] {
                for (r, amount) in new {
                    if old.get(r) != Some(amount) {
                        container["resources"][kind][r.as_str()] = text(*r, *amount);
                        changed.push(format!(
                            "{} {}",
                            r.as_str(),
                            if kind == "requests" {
                                "request"
                            } else {
                                "limit"
                            }
                        ));
                    }
                }
            }
            if !changed.is_empty() {
                updates.push(format!("container {i}: {}", changed.join(", ")));
                if let Some(slot) = pod
                    .pointer_mut("/spec/containers")
                    .and_then(Value::as_array_mut)
                    .and_then(|l| l.get_mut(i))
                {
                    *slot = container;
                }
            }
        }
        let annotations = &mut pod["metadata"]["annotations"];
        if !annotations.is_object() {
            *annotations = json!({});
        }
        if !updates.is_empty() {
            annotations["vpaUpdates"] = json!(format!(
                "Pod resources updated by {}: {}",
                object::name(&vpa),
                updates.join("; ")
            ));
        }
        annotations["vpaObservedContainers"] = json!(observed.join(", "));
    }
}
