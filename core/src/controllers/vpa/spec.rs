//! The `autoscaling.k8s.io/v1` VerticalPodAutoscaler as the recommender and updater read it
//! (kubernetes/autoscaler `pkg/apis/autoscaling.k8s.io/v1/types.go`, `pkg/utils/vpa/api.go`).
use super::aggregate::{ResourceName, Resources};
use crate::api::object::path;
use crate::api::Value;
use crate::controllers::hpa::replica_calculator::quantity_of;
use crate::controllers::hpa::spec::ObjectReference;

/// `UpdateMode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateMode {
    /// `Off`: recommendations only (a dry run).
    Off,
    /// `Initial`: resources are set when pods are created, never changed afterwards.
    Initial,
    /// `Recreate` (the default): set at creation, and pods are evicted to apply new ones.
    Recreate,
    /// `InPlaceOrRecreate`: resized in place when possible, evicted otherwise.
    InPlaceOrRecreate,
    /// `InPlace`: resized in place only, never evicted.
    InPlace,
    /// `Auto` (deprecated): the same as Recreate.
    Auto,
}

impl UpdateMode {
    /// `GetUpdateMode`: unset or empty is `Recreate`. Unknown values (rejected by the CRD's enum)
    /// are treated as Recreate too.
    pub fn parse(mode: Option<&str>) -> UpdateMode {
        match mode.unwrap_or("") {
            "Off" => UpdateMode::Off,
            "Initial" => UpdateMode::Initial,
            "InPlaceOrRecreate" => UpdateMode::InPlaceOrRecreate,
            "InPlace" => UpdateMode::InPlace,
            "Auto" => UpdateMode::Auto,
            _ => UpdateMode::Recreate,
        }
    }

    /// The admission controller sets requests on new pods (every mode but Off).
    pub fn applies_at_creation(&self) -> bool {
        *self != UpdateMode::Off
    }

    /// The updater considers the VPA's running pods (Recreate, Auto, InPlaceOrRecreate, InPlace).
    pub fn updater_acts(&self) -> bool {
        matches!(
            self,
            UpdateMode::Recreate
                | UpdateMode::Auto
                | UpdateMode::InPlaceOrRecreate
                | UpdateMode::InPlace
        )
    }

    /// The updater may evict (InPlace never does; InPlaceOrRecreate falls back to eviction).
    pub fn may_evict(&self) -> bool {
        matches!(
            self,
            UpdateMode::Recreate | UpdateMode::Auto | UpdateMode::InPlaceOrRecreate
        )
    }

    /// The updater tries an in-place resize first.
    pub fn tries_in_place(&self) -> bool {
        matches!(self, UpdateMode::InPlaceOrRecreate | UpdateMode::InPlace)
    }
}

/// `ContainerControlledValues`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ControlledValues {
    /// `RequestsAndLimits` (default): limits keep their ratio to requests.
    RequestsAndLimits,
    /// `RequestsOnly`: requests only, capped to the limit.
    RequestsOnly,
}

/// `ContainerResourcePolicy`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerPolicy {
    /// `containerName` (`*` for the default policy).
    pub container_name: String,
    /// `mode: Off`: the container is not autoscaled.
    pub mode_off: bool,
    /// `minAllowed` (millicores, bytes).
    pub min_allowed: Resources,
    /// `maxAllowed` (millicores, bytes).
    pub max_allowed: Resources,
    /// `controlledResources` (None: cpu and memory).
    pub controlled_resources: Option<Vec<ResourceName>>,
    /// `controlledValues`.
    pub controlled_values: ControlledValues,
}

/// The VPA's spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VpaSpec {
    /// `spec.targetRef`.
    pub target_ref: ObjectReference,
    /// `spec.updatePolicy.updateMode`.
    pub update_mode: UpdateMode,
    /// `spec.updatePolicy.minReplicas` (overrides the updater's `--min-replicas`, 2).
    pub min_replicas: Option<i32>,
    /// `spec.updatePolicy.evictAfterOOMSeconds`.
    pub evict_after_oom_seconds: Option<i32>,
    /// `spec.resourcePolicy.containerPolicies`.
    pub container_policies: Vec<ContainerPolicy>,
    /// `spec.recommenders[].name` (empty: the default recommender).
    pub recommenders: Vec<String>,
}

/// Reads a resource list as model amounts: millicores for CPU, bytes for memory.
pub fn resources_of(list: Option<&Value>) -> Resources {
    let mut out = Resources::new();
    if let Some(m) = list.and_then(Value::as_object) {
        for (k, v) in m.iter() {
            let (Some(resource), Some(q)) = (ResourceName::parse(k), quantity_of(v)) else {
                continue;
            };
            out.insert(
                resource,
                match resource {
                    ResourceName::Cpu => q.milli(),
                    ResourceName::Memory => q.value(),
                },
            );
        }
    }
    out
}

impl VpaSpec {
    /// Reads a VerticalPodAutoscaler object.
    pub fn parse(obj: &Value) -> VpaSpec {
        let spec = &obj["spec"];
        let t = |k: &str| spec["targetRef"][k].as_str().unwrap_or("").to_string();
        let policies = path(spec, &["resourcePolicy", "containerPolicies"])
            .and_then(Value::as_array)
            .map(|l| l.as_slice())
            .unwrap_or(&[]);
        VpaSpec {
            target_ref: ObjectReference {
                api_version: t("apiVersion"),
                kind: t("kind"),
                name: t("name"),
            },
            update_mode: UpdateMode::parse(spec["updatePolicy"]["updateMode"].as_str()),
            min_replicas: spec["updatePolicy"]["minReplicas"]
                .as_i64()
                .map(crate::controllers::hpa::spec::clamp_i32),
            evict_after_oom_seconds: spec["updatePolicy"]["evictAfterOOMSeconds"]
                .as_i64()
                .map(crate::controllers::hpa::spec::clamp_i32),
            container_policies: policies
                .iter()
                .map(|p| ContainerPolicy {
                    container_name: p["containerName"].as_str().unwrap_or("").to_string(),
                    mode_off: p["mode"] == "Off",
                    min_allowed: resources_of(p.get("minAllowed")),
                    max_allowed: resources_of(p.get("maxAllowed")),
                    controlled_resources: p["controlledResources"].as_array().map(|l| {
                        l.iter()
                            .filter_map(|r| r.as_str().and_then(ResourceName::parse))
                            .collect()
                    }),
                    controlled_values: if p["controlledValues"] == "RequestsOnly" {
                        ControlledValues::RequestsOnly
                    } else {
                        ControlledValues::RequestsAndLimits
                    },
                })
                .collect(),
            recommenders: spec["recommenders"]
                .as_array()
                .map(|l| {
                    l.iter()
                        .filter_map(|r| r["name"].as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// `GetContainerResourcePolicy`: the container's own policy, else the `*` policy.
    pub fn policy_for(&self, container: &str) -> Option<&ContainerPolicy> {
        self.container_policies
            .iter()
            .find(|p| p.container_name == container)
            .or_else(|| {
                self.container_policies
                    .iter()
                    .find(|p| p.container_name == "*")
            })
    }

    /// `GetContainerControlledValues`.
    pub fn controlled_values(&self, container: &str) -> ControlledValues {
        self.policy_for(container)
            .map_or(ControlledValues::RequestsAndLimits, |p| p.controlled_values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn update_modes_and_policies() {
        assert_eq!(UpdateMode::parse(None), UpdateMode::Recreate);
        assert_eq!(UpdateMode::parse(Some("")), UpdateMode::Recreate);
        let modes = [
            "Off",
            "Initial",
            "Recreate",
            "InPlaceOrRecreate",
            "InPlace",
            "Auto",
        ]
        .map(|m| UpdateMode::parse(Some(m)));
        assert_eq!(
            modes.map(|m| m.applies_at_creation()),
            [false, true, true, true, true, true]
        );
        assert_eq!(
            modes.map(|m| m.updater_acts()),
            [false, false, true, true, true, true]
        );
        assert_eq!(
            modes.map(|m| m.may_evict()),
            [false, false, true, true, false, true]
        );
        let vpa = json!({"spec": {"targetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "updatePolicy": {"updateMode": "Initial", "minReplicas": 1},
            "resourcePolicy": {"containerPolicies": [
                {"containerName": "*", "controlledResources": ["memory"], "controlledValues": "RequestsOnly"},
                {"containerName": "app", "minAllowed": {"cpu": "50m", "memory": "64Mi"}, "maxAllowed": {"cpu": 2}}]}}});
        let spec = VpaSpec::parse(&vpa);
        assert_eq!(spec.update_mode, UpdateMode::Initial);
        assert_eq!(spec.min_replicas, Some(1));
        let app = spec.policy_for("app").unwrap();
        assert_eq!(
            app.min_allowed,
            Resources::from([(ResourceName::Cpu, 50), (ResourceName::Memory, 64 << 20)])
        );
        assert_eq!(
            app.max_allowed,
            Resources::from([(ResourceName::Cpu, 2000)])
        );
        assert_eq!(
            spec.policy_for("other").unwrap().controlled_resources,
            Some(vec![ResourceName::Memory])
        );
        assert_eq!(
            spec.controlled_values("other"),
            ControlledValues::RequestsOnly
        );
        assert_eq!(
            spec.controlled_values("app"),
            ControlledValues::RequestsAndLimits
        );
    }
}
