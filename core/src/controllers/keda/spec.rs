//! `keda.sh/v1alpha1` ScaledObject and ScaledJob as the KEDA operator reads them
//! (kedacore/keda `apis/keda/v1alpha1/scaledobject_types.go`, `scaledjob_types.go`,
//! `scaletriggers_types.go`, `gvkr.go`), with their defaults and the webhook's checks.
use crate::api::object::{path, string_map};
use crate::api::Value;
use crate::controllers::hpa::spec::clamp_i32;
use std::collections::BTreeMap;

/// `PausedAnnotation`.
pub const PAUSED_ANNOTATION: &str = "autoscaling.keda.sh/paused";
/// `PausedReplicasAnnotation`.
pub const PAUSED_REPLICAS_ANNOTATION: &str = "autoscaling.keda.sh/paused-replicas";
/// `PausedScaleInAnnotation`.
pub const PAUSED_SCALE_IN_ANNOTATION: &str = "autoscaling.keda.sh/paused-scale-in";
/// `PausedScaleOutAnnotation`.
pub const PAUSED_SCALE_OUT_ANNOTATION: &str = "autoscaling.keda.sh/paused-scale-out";
/// `ForceActivationAnnotation`.
pub const FORCE_ACTIVATION_ANNOTATION: &str = "autoscaling.keda.sh/force-activation";
/// `ScaledObjectOwnerAnnotation`: the label on the HPA's external metric selectors.
pub const SCALED_OBJECT_OWNER_ANNOTATION: &str = "scaledobject.keda.sh/name";
/// `ScaledObjectExcludedLabelsAnnotation`.
pub const EXCLUDED_LABELS_ANNOTATION: &str = "scaledobject.keda.sh/hpa-excluded-labels";

/// `defaultPollingInterval` (s).
pub const DEFAULT_POLLING_INTERVAL_SECONDS: i64 = 30;
/// `defaultCooldownPeriod` (s).
pub const DEFAULT_COOLDOWN_PERIOD_SECONDS: i64 = 300;
/// `defaultInitialCooldownPeriod` (s).
pub const DEFAULT_INITIAL_COOLDOWN_PERIOD_SECONDS: i64 = 0;
/// `defaultHPAMinReplicas`.
pub const DEFAULT_HPA_MIN_REPLICAS: i32 = 1;
/// `defaultHPAMaxReplicas`.
pub const DEFAULT_HPA_MAX_REPLICAS: i32 = 100;
/// `defaultScaledJobMaxReplicaCount`.
pub const DEFAULT_SCALED_JOB_MAX_REPLICA_COUNT: i64 = 100;
/// `defaultSuccessfulJobsHistoryLimit` / `defaultFailedJobsHistoryLimit`.
pub const DEFAULT_JOBS_HISTORY_LIMIT: i32 = 100;

/// `ScaleTriggers`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trigger {
    /// `type` (`cpu`, `aws-sqs-queue`, ...).
    pub trigger_type: String,
    /// `name`.
    pub name: String,
    /// `metadata` (numbers and booleans written unquoted are read as text).
    pub metadata: BTreeMap<String, String>,
    /// `metricType` (`AverageValue`, `Value`, `Utilization`; empty for the default).
    pub metric_type: String,
    /// `useCachedMetrics`.
    pub use_cached_metrics: bool,
}

impl Trigger {
    fn parse(v: &Value) -> Trigger {
        let metadata = v["metadata"]
            .as_object()
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| {
                        let text = match v {
                            Value::String(s) => s.to_string(),
                            Value::Number(n) => n.to_string(),
                            Value::Bool(b) => b.to_string(),
                            _ => return None,
                        };
                        Some((k.to_string(), text))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Trigger {
            trigger_type: v["type"].as_str().unwrap_or("").to_string(),
            name: v["name"].as_str().unwrap_or("").to_string(),
            metadata,
            metric_type: v["metricType"].as_str().unwrap_or("").to_string(),
            use_cached_metrics: v["useCachedMetrics"].as_bool().unwrap_or(false),
        }
    }
}

/// `ValidateTriggers`.
pub fn validate_triggers(triggers: &[Trigger]) -> Result<(), String> {
    if triggers.is_empty() {
        return Err("no triggers defined in the ScaledObject/ScaledJob".into());
    }
    let mut names = std::collections::BTreeSet::new();
    for t in triggers {
        if t.use_cached_metrics && matches!(t.trigger_type.as_str(), "cpu" | "memory" | "cron") {
            return Err(format!(
                "property \"useCachedMetrics\" is not supported for {} scaler",
                go_quote(&t.trigger_type)
            ));
        }
        if !t.name.is_empty() && !names.insert(t.name.clone()) {
            return Err(format!(
                "triggerName {} is defined multiple times in the ScaledObject/ScaledJob, but it must be unique",
                go_quote(&t.name)
            ));
        }
    }
    Ok(())
}

fn go_quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// `ParseGVKR`'s defaults: apiVersion `apps/v1`, kind `Deployment`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScaleTarget {
    /// `apiVersion` (default `apps/v1`).
    pub api_version: String,
    /// `kind` (default `Deployment`).
    pub kind: String,
    /// `name`.
    pub name: String,
}

impl ScaleTarget {
    fn parse(v: Option<&Value>) -> ScaleTarget {
        let s = |k: &str| {
            v.and_then(|v| v.get(k))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let api_version = s("apiVersion");
        let kind = s("kind");
        ScaleTarget {
            api_version: if api_version.is_empty() {
                "apps/v1".into()
            } else {
                api_version
            },
            kind: if kind.is_empty() {
                "Deployment".into()
            } else {
                kind
            },
            name: s("name"),
        }
    }

    /// `GroupVersionKindResource.GVKString` (`apps/v1.Deployment`), KEDA's `status.scaleTargetKind`.
    pub fn gvk_string(&self) -> String {
        let (group, version) = match self.api_version.split_once('/') {
            Some((g, v)) => (g, v),
            None => ("", self.api_version.as_str()),
        };
        format!("{group}/{version}.{}", self.kind)
    }
}

/// `Fallback`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fallback {
    /// `failureThreshold`.
    pub failure_threshold: i32,
    /// `replicas`.
    pub replicas: i32,
    /// `behavior` (`static` by default, `currentReplicas`, `currentReplicasIfHigher`,
    /// `currentReplicasIfLower`).
    pub behavior: String,
}

/// A ScaledObject.
#[derive(Debug, Clone, PartialEq)]
pub struct ScaledObject {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`.
    pub namespace: String,
    /// `metadata.labels`.
    pub labels: BTreeMap<String, String>,
    /// `metadata.annotations`.
    pub annotations: BTreeMap<String, String>,
    /// `spec.scaleTargetRef`.
    pub scale_target: ScaleTarget,
    /// `spec.pollingInterval` (30 s).
    pub polling_interval_seconds: i64,
    /// `spec.initialCooldownPeriod` (0 s).
    pub initial_cooldown_period_seconds: i64,
    /// `spec.cooldownPeriod` (300 s; only for scaling to zero).
    pub cooldown_period_seconds: i64,
    /// `spec.idleReplicaCount`.
    pub idle_replica_count: Option<i32>,
    /// `spec.minReplicaCount` (unset means 0).
    pub min_replica_count: Option<i32>,
    /// `spec.maxReplicaCount` (unset means 100).
    pub max_replica_count: Option<i32>,
    /// `spec.advanced.horizontalPodAutoscalerConfig.name`.
    pub hpa_name_override: String,
    /// `spec.advanced.horizontalPodAutoscalerConfig.behavior`, as written.
    pub hpa_behavior: Option<Value>,
    /// `spec.advanced.scalingModifiers` is set (formulas are not simulated).
    pub uses_scaling_modifiers: bool,
    /// `spec.triggers`.
    pub triggers: Vec<Trigger>,
    /// `spec.fallback`.
    pub fallback: Option<Fallback>,
}

fn i64_field(v: &Value, keys: &[&str]) -> Option<i64> {
    path(v, keys).and_then(Value::as_i64)
}

/// `getBoolAnnotation`: present and not a boolean counts as true.
fn bool_annotation(annotations: &BTreeMap<String, String>, key: &str) -> bool {
    match annotations.get(key).map(String::as_str) {
        None => false,
        Some("1" | "t" | "T" | "true" | "TRUE" | "True") => true,
        Some("0" | "f" | "F" | "false" | "FALSE" | "False") => false,
        Some(_) => true,
    }
}

impl ScaledObject {
    /// Reads a ScaledObject.
    pub fn parse(obj: &Value) -> ScaledObject {
        let spec = &obj["spec"];
        let hpa_config = path(spec, &["advanced", "horizontalPodAutoscalerConfig"]);
        ScaledObject {
            name: crate::api::object::name(obj).to_string(),
            namespace: crate::api::object::namespace(obj).to_string(),
            labels: string_map(obj, &["metadata", "labels"]),
            annotations: string_map(obj, &["metadata", "annotations"]),
            scale_target: ScaleTarget::parse(spec.get("scaleTargetRef")),
            polling_interval_seconds: i64_field(spec, &["pollingInterval"])
                .unwrap_or(DEFAULT_POLLING_INTERVAL_SECONDS),
            initial_cooldown_period_seconds: i64_field(spec, &["initialCooldownPeriod"])
                .unwrap_or(DEFAULT_INITIAL_COOLDOWN_PERIOD_SECONDS),
            cooldown_period_seconds: i64_field(spec, &["cooldownPeriod"])
                .unwrap_or(DEFAULT_COOLDOWN_PERIOD_SECONDS),
            idle_replica_count: i64_field(spec, &["idleReplicaCount"]).map(clamp_i32),
            min_replica_count: i64_field(spec, &["minReplicaCount"]).map(clamp_i32),
            max_replica_count: i64_field(spec, &["maxReplicaCount"]).map(clamp_i32),
            hpa_name_override: hpa_config
                .and_then(|c| c.get("name"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            hpa_behavior: hpa_config
                .and_then(|c| c.get("behavior"))
                .filter(|b| b.is_object())
                .cloned(),
            uses_scaling_modifiers: path(spec, &["advanced", "scalingModifiers"])
                .and_then(Value::as_object)
                .is_some_and(|m| {
                    m.values()
                        .any(|v| v.as_str().is_some_and(|s| !s.is_empty()))
                }),
            triggers: spec["triggers"]
                .as_array()
                .map(|l| l.iter().map(Trigger::parse).collect())
                .unwrap_or_default(),
            fallback: spec
                .get("fallback")
                .filter(|f| f.is_object())
                .map(|f| Fallback {
                    failure_threshold: clamp_i32(f["failureThreshold"].as_i64().unwrap_or(0)),
                    replicas: clamp_i32(f["replicas"].as_i64().unwrap_or(0)),
                    behavior: f["behavior"].as_str().unwrap_or("static").to_string(),
                }),
        }
    }

    /// `minReplicaCount`, 0 when unset.
    pub fn min_replicas(&self) -> i32 {
        self.min_replica_count.unwrap_or(0)
    }

    /// `GetHPAMinReplicas`: minReplicaCount when above 0, else 1.
    pub fn hpa_min_replicas(&self) -> i32 {
        match self.min_replica_count {
            Some(m) if m > 0 => m,
            _ => DEFAULT_HPA_MIN_REPLICAS,
        }
    }

    /// `GetHPAMaxReplicas`: maxReplicaCount, else 100.
    pub fn hpa_max_replicas(&self) -> i32 {
        self.max_replica_count.unwrap_or(DEFAULT_HPA_MAX_REPLICAS)
    }

    /// `getHPAName`: `horizontalPodAutoscalerConfig.name`, else `keda-hpa-<name>`.
    pub fn hpa_name(&self) -> String {
        if self.hpa_name_override.is_empty() {
            format!("keda-hpa-{}", self.name)
        } else {
            self.hpa_name_override.clone()
        }
    }

    /// `NeedToBePausedByAnnotation`: paused-replicas present, or paused true (or not a boolean).
    pub fn paused(&self) -> bool {
        self.annotations.contains_key(PAUSED_REPLICAS_ANNOTATION)
            || bool_annotation(&self.annotations, PAUSED_ANNOTATION)
    }

    /// `GetPausedReplicaCount`: Err with strconv's text when not an int32.
    pub fn paused_replica_count(&self) -> Result<Option<i32>, String> {
        match self.annotations.get(PAUSED_REPLICAS_ANNOTATION) {
            None => Ok(None),
            Some(v) => v
                .parse::<i32>()
                .map(Some)
                .map_err(|_| format!("strconv.ParseInt: parsing {}: invalid syntax", go_quote(v))),
        }
    }

    /// `NeedToPauseScaleIn`.
    pub fn pause_scale_in(&self) -> bool {
        bool_annotation(&self.annotations, PAUSED_SCALE_IN_ANNOTATION)
    }

    /// `NeedToPauseScaleOut`.
    pub fn pause_scale_out(&self) -> bool {
        bool_annotation(&self.annotations, PAUSED_SCALE_OUT_ANNOTATION)
    }

    /// `NeedToForceActivation`.
    pub fn force_activation(&self) -> bool {
        bool_annotation(&self.annotations, FORCE_ACTIVATION_ANNOTATION)
    }

    /// The admission webhook's checks that do not need the cluster: replica bounds
    /// (`CheckReplicaCountBoundsAreValid`), the fallback (`CheckFallbackValid`), the triggers
    /// (`ValidateTriggers`) and cpu/memory-only triggers with minReplicaCount 0.
    pub fn validate(&self) -> Result<(), String> {
        let min = if self.min_replica_count.is_some() {
            self.hpa_min_replicas()
        } else {
            0
        };
        let max = self.hpa_max_replicas();
        if min > max {
            return Err(format!(
                "MinReplicaCount={min} must be less than MaxReplicaCount={max}"
            ));
        }
        if let Some(idle) = self.idle_replica_count {
            if idle >= min {
                return Err(format!(
                    "IdleReplicaCount={idle} must be less than MinReplicaCount={min}"
                ));
            }
        }
        validate_triggers(&self.triggers)?;
        if let Some(f) = &self.fallback {
            if f.failure_threshold < 0 || f.replicas < 0 {
                return Err(format!(
                    "FailureThreshold={} & Replicas={} must both be greater than or equal to 0",
                    f.failure_threshold, f.replicas
                ));
            }
            if !self.uses_scaling_modifiers
                && self
                    .triggers
                    .iter()
                    .all(|t| t.trigger_type == "cpu" || t.trigger_type == "memory")
            {
                return Err("at least one trigger (that is not cpu or memory) has to have the `AverageValue` type for the fallback to be enabled".into());
            }
        }
        let cpu_memory_only = self
            .triggers
            .iter()
            .all(|t| t.trigger_type == "cpu" || t.trigger_type == "memory");
        if cpu_memory_only && self.min_replicas() == 0 {
            return Err("scaledobject has only cpu/memory triggers AND minReplica is 0 (scale to zero doesn't work in this case)".into());
        }
        Ok(())
    }
}

/// `ScalingStrategy` of a ScaledJob.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScalingStrategy {
    /// `strategy`: `default`, `custom`, `accurate` or `eager`.
    pub strategy: String,
    /// `customScalingQueueLengthDeduction`.
    pub custom_queue_length_deduction: Option<i32>,
    /// `customScalingRunningJobPercentage` (a float written as text).
    pub custom_running_job_percentage: String,
    /// `multipleScalersCalculation`: `max` (default), `min`, `avg` or `sum`.
    pub multiple_scalers_calculation: String,
    /// `pendingPodConditions`.
    pub pending_pod_conditions: Vec<String>,
}

/// A ScaledJob.
#[derive(Debug, Clone, PartialEq)]
pub struct ScaledJob {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`.
    pub namespace: String,
    /// `metadata.annotations`.
    pub annotations: BTreeMap<String, String>,
    /// `spec.jobTargetRef`: the Job spec to create.
    pub job_target_ref: Value,
    /// `spec.pollingInterval` (30 s).
    pub polling_interval_seconds: i64,
    /// `spec.successfulJobsHistoryLimit` (100).
    pub successful_jobs_history_limit: i32,
    /// `spec.failedJobsHistoryLimit` (100).
    pub failed_jobs_history_limit: i32,
    /// `spec.minReplicaCount`.
    pub min_replica_count: Option<i32>,
    /// `spec.maxReplicaCount`.
    pub max_replica_count: Option<i32>,
    /// `spec.scalingStrategy`.
    pub scaling_strategy: ScalingStrategy,
    /// `spec.triggers`.
    pub triggers: Vec<Trigger>,
}

impl ScaledJob {
    /// Reads a ScaledJob.
    pub fn parse(obj: &Value) -> ScaledJob {
        let spec = &obj["spec"];
        let s = &spec["scalingStrategy"];
        ScaledJob {
            name: crate::api::object::name(obj).to_string(),
            namespace: crate::api::object::namespace(obj).to_string(),
            annotations: string_map(obj, &["metadata", "annotations"]),
            job_target_ref: spec.get("jobTargetRef").cloned().unwrap_or(Value::Null),
            polling_interval_seconds: i64_field(spec, &["pollingInterval"])
                .unwrap_or(DEFAULT_POLLING_INTERVAL_SECONDS),
            successful_jobs_history_limit: i64_field(spec, &["successfulJobsHistoryLimit"])
                .map_or(DEFAULT_JOBS_HISTORY_LIMIT, clamp_i32),
            failed_jobs_history_limit: i64_field(spec, &["failedJobsHistoryLimit"])
                .map_or(DEFAULT_JOBS_HISTORY_LIMIT, clamp_i32),
            min_replica_count: i64_field(spec, &["minReplicaCount"]).map(clamp_i32),
            max_replica_count: i64_field(spec, &["maxReplicaCount"]).map(clamp_i32),
            scaling_strategy: ScalingStrategy {
                strategy: s["strategy"].as_str().unwrap_or("").to_string(),
                custom_queue_length_deduction: s["customScalingQueueLengthDeduction"]
                    .as_i64()
                    .map(clamp_i32),
                custom_running_job_percentage: s["customScalingRunningJobPercentage"]
                    .as_str()
                    .map(str::to_string)
                    .or_else(|| {
                        s["customScalingRunningJobPercentage"]
                            .as_f64()
                            .map(|f| f.to_string())
                    })
                    .unwrap_or_default(),
                multiple_scalers_calculation: s["multipleScalersCalculation"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
                pending_pod_conditions: s["pendingPodConditions"]
                    .as_array()
                    .map(|l| {
                        l.iter()
                            .filter_map(|c| c.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default(),
            },
            triggers: spec["triggers"]
                .as_array()
                .map(|l| l.iter().map(Trigger::parse).collect())
                .unwrap_or_default(),
        }
    }

    /// `ScaledJob.MinReplicaCount`: capped by maxReplicaCount, 0 when unset.
    pub fn min_replicas(&self) -> i64 {
        match (self.min_replica_count, self.max_replica_count) {
            (Some(min), Some(max)) if min > max => i64::from(max),
            (Some(min), _) => i64::from(min),
            (None, _) => 0,
        }
    }

    /// `ScaledJob.MaxReplicaCount`: maxReplicaCount minus minReplicaCount, 100 when unset.
    pub fn max_replicas(&self) -> i64 {
        match (self.max_replica_count, self.min_replica_count) {
            (Some(max), Some(min)) if min > max => i64::from(max),
            (Some(max), _) => i64::from(max) - self.min_replicas(),
            (None, _) => DEFAULT_SCALED_JOB_MAX_REPLICA_COUNT,
        }
    }

    /// `NeedToBePausedByAnnotation` (ScaledJob): the paused annotation only.
    pub fn paused(&self) -> bool {
        bool_annotation(&self.annotations, PAUSED_ANNOTATION)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn scaled_object_defaults_and_checks() {
        let so = ScaledObject::parse(
            &json!({"metadata": {"name": "w", "namespace": "ns"}, "spec": {"scaleTargetRef": {"name": "w"},
            "triggers": [{"type": "redis", "metadata": {"listName": "l", "listLength": 10}}]}}),
        );
        assert_eq!(
            (
                so.polling_interval_seconds,
                so.cooldown_period_seconds,
                so.initial_cooldown_period_seconds
            ),
            (30, 300, 0)
        );
        assert_eq!(
            (
                so.min_replicas(),
                so.hpa_min_replicas(),
                so.hpa_max_replicas()
            ),
            (0, 1, 100)
        );
        assert_eq!(so.scale_target.gvk_string(), "apps/v1.Deployment");
        assert_eq!(so.triggers[0].metadata["listLength"], "10");
        assert_eq!(so.validate(), Ok(()));
        let with = |spec: crate::api::Value| {
            ScaledObject::parse(&json!({"metadata": {"name": "w"}, "spec": spec})).validate()
        };
        let t = json!([{"type": "redis", "metadata": {"listName": "l"}}]);
        // CheckReplicaCountBoundsAreValid.
        assert_eq!(
            with(json!({"minReplicaCount": 5, "maxReplicaCount": 2, "triggers": t})),
            Err("MinReplicaCount=5 must be less than MaxReplicaCount=2".into())
        );
        assert_eq!(
            with(json!({"minReplicaCount": 2, "idleReplicaCount": 2, "triggers": t})),
            Err("IdleReplicaCount=2 must be less than MinReplicaCount=2".into())
        );
        assert_eq!(
            with(json!({"idleReplicaCount": 0, "triggers": t})),
            Err("IdleReplicaCount=0 must be less than MinReplicaCount=0".into())
        );
        assert_eq!(
            with(json!({"minReplicaCount": 1, "idleReplicaCount": 0, "triggers": t})),
            Ok(())
        );
        // ValidateTriggers.
        assert_eq!(
            with(json!({"triggers": []})),
            Err("no triggers defined in the ScaledObject/ScaledJob".into())
        );
        assert_eq!(
            with(json!({"triggers": [{"type": "redis", "name": "a", "metadata": {}}, {"type": "redis", "name": "a", "metadata": {}}]})),
            Err("triggerName \"a\" is defined multiple times in the ScaledObject/ScaledJob, but it must be unique".into())
        );
        // cpu/memory only with minReplicaCount 0, and a fallback without an external trigger.
        let cpu =
            json!([{"type": "cpu", "metricType": "Utilization", "metadata": {"value": "50"}}]);
        assert_eq!(with(json!({"triggers": cpu})), Err("scaledobject has only cpu/memory triggers AND minReplica is 0 (scale to zero doesn't work in this case)".into()));
        assert!(with(json!({"minReplicaCount": 1, "fallback": {"failureThreshold": 3, "replicas": 2}, "triggers": cpu})).unwrap_err().starts_with("at least one trigger (that is not cpu or memory)"));
    }

    #[test]
    fn annotations_and_scaled_job_counts() {
        let so = |a: crate::api::Value| {
            ScaledObject::parse(&json!({"metadata": {"name": "w", "annotations": a}, "spec": {}}))
        };
        assert!(so(json!({"autoscaling.keda.sh/paused": "true"})).paused());
        assert!(!so(json!({"autoscaling.keda.sh/paused": "false"})).paused());
        // A value that is not a boolean counts as true.
        assert!(so(json!({"autoscaling.keda.sh/paused": "yes"})).paused());
        let p = so(json!({"autoscaling.keda.sh/paused-replicas": "3"}));
        assert!(p.paused());
        assert_eq!(p.paused_replica_count(), Ok(Some(3)));
        assert_eq!(
            so(json!({"autoscaling.keda.sh/paused-replicas": "x"})).paused_replica_count(),
            Err("strconv.ParseInt: parsing \"x\": invalid syntax".into())
        );
        let job = |spec: crate::api::Value| {
            ScaledJob::parse(&json!({"metadata": {"name": "j"}, "spec": spec}))
        };
        let j = job(json!({}));
        assert_eq!(
            (
                j.min_replicas(),
                j.max_replicas(),
                j.successful_jobs_history_limit,
                j.polling_interval_seconds
            ),
            (0, 100, 100, 30)
        );
        // MaxReplicaCount excludes the minimum; a minimum above the maximum is capped.
        assert_eq!(
            job(json!({"minReplicaCount": 2, "maxReplicaCount": 10})).max_replicas(),
            8
        );
        let j = job(json!({"minReplicaCount": 12, "maxReplicaCount": 10}));
        assert_eq!((j.min_replicas(), j.max_replicas()), (10, 10));
    }
}
