//! What KEDA's scale loop decides each polling interval (kedacore/keda
//! `pkg/scaling/scale_handler.go`, `pkg/scaling/executor/scale_scaledobjects.go`,
//! `scale_jobs.go`, `pkg/scaling/scaledjob/metrics.go`, `pkg/fallback/fallback.go`):
//! activation 0 <-> 1 (or idle <-> min) by KEDA itself, 1 <-> N left to the HPA, the cooldown
//! before deactivation, fallback metrics, and how many Jobs a ScaledJob starts.
use super::scalers::{Scaler, ScalerMetric, TargetType};
use super::spec::{ScaledJob, ScaledObject};

/// A condition KEDA sets on the ScaledObject or ScaledJob: (type, status, reason, message).
/// Status is `True`, `False` or `Unknown`.
pub type KedaCondition = (&'static str, &'static str, &'static str, String);

/// An Event: (warning, reason, message).
pub type KedaEvent = (bool, &'static str, String);

/// The outcome of polling every trigger (`getScaledObjectState`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Activity {
    /// Some trigger is active (forced when every trigger is cpu or memory).
    pub is_active: bool,
    /// Some trigger failed.
    pub is_error: bool,
    /// The metric names of the active triggers.
    pub active_triggers: Vec<String>,
}

/// `getScaledObjectState`: the ScaledObject is active when any trigger is; with only cpu/memory
/// triggers (and no error) it is always active.
pub fn activity(
    so: &ScaledObject,
    results: &[(Option<String>, Result<ScalerMetric, String>)],
) -> Activity {
    let mut a = Activity::default();
    for (name, result) in results {
        match result {
            Ok(m) if m.active => {
                a.is_active = true;
                if let Some(n) = name {
                    a.active_triggers.push(n.clone());
                }
            }
            Ok(_) => {}
            Err(_) => a.is_error = true,
        }
    }
    let cpu_memory = so
        .triggers
        .iter()
        .filter(|t| t.trigger_type == "cpu" || t.trigger_type == "memory")
        .count();
    if so.triggers.len() <= cpu_memory && !a.is_error {
        a.is_active = true;
    }
    a
}

/// What one poll of a ScaledObject decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaleDecision {
    /// The replica count KEDA writes to the target's scale (activation, deactivation, or raising
    /// it to minReplicaCount); None leaves scaling to the HPA.
    pub scale_to: Option<i32>,
    /// `status.lastActiveTime` moves to now.
    pub last_active_now: bool,
    /// Conditions, in the order they are set.
    pub conditions: Vec<KedaCondition>,
    /// Events (recorded once the scale write succeeds).
    pub events: Vec<KedaEvent>,
}

/// `RequestScale`. `current_replicas` is the target's `spec.replicas`; `last_active_ms` and
/// `creation_ms` come from the ScaledObject's status and metadata.
pub fn request_scale(
    so: &ScaledObject,
    current_replicas: i32,
    activity: &Activity,
    last_active_ms: Option<i64>,
    creation_ms: i64,
    now_ms: i64,
) -> ScaleDecision {
    let mut d = ScaleDecision {
        scale_to: None,
        last_active_now: false,
        conditions: vec![(
            "Ready",
            "True",
            "ScaledObjectReady",
            "ScaledObject is defined correctly and is ready for scaling".into(),
        )],
        events: Vec::new(),
    };
    if so.paused() {
        d.conditions.push((
            "Paused",
            "True",
            "ScaledObjectPaused",
            "ScaledObject is paused".into(),
        ));
        return d;
    }
    let min = so.min_replicas();
    let kind = so.scale_target.gvk_string();
    let target = format!("{}/{}", so.namespace, so.scale_target.name);
    if activity.is_active || so.force_activation() {
        let message = if so.force_activation() {
            "Scaling is performed because activation is being forced by annotation"
        } else {
            "Scaling is performed because triggers are active"
        };
        d.conditions
            .push(("Active", "True", "ScalerActive", message.into()));
        if (so.idle_replica_count.is_some() && current_replicas < min) || current_replicas == 0 {
            // scaleFromZeroOrIdle
            if so.pause_scale_out() {
                return d;
            }
            let replicas = if min > 0 { min } else { 1 };
            d.scale_to = Some(replicas);
            let message = if so.force_activation() {
                format!("Scaled {kind} {target} from {current_replicas} to {replicas}, caused by forced activation annotation")
            } else {
                format!(
                    "Scaled {kind} {target} from {current_replicas} to {replicas}, triggered by {}",
                    activity.active_triggers.join(";")
                )
            };
            d.events.push((false, "KEDAScaleTargetActivated", message));
            d.last_active_now = true;
        } else if activity.is_error {
            d.conditions.push((
                "Ready",
                "Unknown",
                "PartialTriggerError",
                "Some triggers defined in ScaledObject are not working correctly".into(),
            ));
        } else {
            d.last_active_now = true;
        }
        return d;
    }
    d.conditions.push((
        "Active",
        "False",
        "ScalerNotActive",
        "Scaling is not performed because triggers are not active".into(),
    ));
    let fallback_replicas = so.fallback.as_ref().map(|f| f.replicas);
    if activity.is_error && fallback_replicas.is_some_and(|r| r != 0) {
        // The HPA falls back to fallback.replicas once the failure threshold is passed.
    } else if activity.is_error && so.fallback.is_none() {
        d.conditions.push((
            "Ready",
            "False",
            "TriggerError",
            "Triggers defined in ScaledObject are not working correctly".into(),
        ));
    } else if so
        .idle_replica_count
        .is_some_and(|idle| current_replicas > idle)
        || (current_replicas > 0 && min == 0)
    {
        // scaleToZeroOrIdle
        if so.pause_scale_in() {
            return d;
        }
        let cooled = match last_active_ms {
            None => {
                creation_ms.saturating_add(so.initial_cooldown_period_seconds.saturating_mul(1000))
                    < now_ms
            }
            Some(t) => t.saturating_add(so.cooldown_period_seconds.saturating_mul(1000)) < now_ms,
        };
        if cooled {
            let to = so.idle_replica_count.unwrap_or(min);
            d.scale_to = Some(to);
            d.events.push((
                false,
                "KEDAScaleTargetDeactivated",
                format!("Deactivated {kind} {target} from {current_replicas} to {to}"),
            ));
            d.conditions.push((
                "Active",
                "False",
                "ScalerNotActive",
                "Scaling is not performed because triggers are not active".into(),
            ));
        } else {
            d.conditions.push((
                "Active",
                "False",
                "ScalerCooldown",
                "Scaler cooling down because triggers are not active".into(),
            ));
        }
    } else if so.idle_replica_count.is_none() && current_replicas < min {
        d.scale_to = Some(min);
    }
    d
}

/// `HealthStatus` of one external metric, kept in `status.health` when a fallback is configured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Health {
    /// `numberOfFailures`.
    pub failures: i32,
    /// `status: Failing` (else `Happy`).
    pub failing: bool,
}

/// `GetMetricsWithFallback` for one external metric the HPA asks for: on success the value (and
/// the health reset); on failure, once failures exceed `fallback.failureThreshold`, the value that
/// makes the HPA settle on `fallback.replicas` (per the fallback behavior), flagged as fallback.
/// `target_milli` is the metric's target (averageValue or value); `ready_replicas` counts for
/// Value targets.
pub fn metric_with_fallback(
    so: &ScaledObject,
    health: &mut Health,
    result: Result<i64, String>,
    target_type: TargetType,
    target_milli: i64,
    current_replicas: i32,
    ready_replicas: i32,
) -> Result<(i64, bool), String> {
    let fallback = so
        .fallback
        .as_ref()
        .filter(|f| f.failure_threshold >= 0 && f.replicas >= 0);
    let error = match result {
        Ok(v) => {
            if fallback.is_some() {
                *health = Health::default();
            }
            return Ok((v, false));
        }
        Err(e) => e,
    };
    let Some(f) = fallback else {
        return Err(error);
    };
    health.failures = health.failures.saturating_add(1);
    health.failing = true;
    if health.failures <= f.failure_threshold {
        return Err(error);
    }
    let fallback_replicas = f64::from(f.replicas);
    let current = f64::from(current_replicas);
    let mut replicas = match f.behavior.as_str() {
        "currentReplicas" => current,
        "currentReplicasIfHigher" => current.max(fallback_replicas),
        "currentReplicasIfLower" => current.min(fallback_replicas),
        _ => fallback_replicas,
    };
    if target_type == TargetType::Value {
        if ready_replicas == 0 {
            return Err("error performing fallback".into());
        }
        replicas /= f64::from(ready_replicas);
    }
    Ok(((target_milli as f64 * replicas) as i64, true))
}

/// `ScalerMetrics` of a ScaledJob trigger.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JobScalerMetrics {
    /// The queue length (the metric's value).
    pub queue_length: f64,
    /// `min(queueLength / targetAverageValue, maxReplicaCount)`.
    pub max_value: f64,
    /// The trigger is active.
    pub is_active: bool,
}

/// `CalculateQueueLengthAndMaxValue` for one trigger: its value and target (0 for a Value target,
/// which then caps nothing).
pub fn job_scaler_metrics(
    value: f64,
    target_average_value: f64,
    max_replica_count: i64,
    is_active: bool,
) -> JobScalerMetrics {
    let max_value = if target_average_value != 0.0 {
        (value / target_average_value).min(max_replica_count as f64)
    } else {
        0.0
    };
    JobScalerMetrics {
        queue_length: value,
        max_value,
        is_active,
    }
}

/// `IsScaledJobActive`: combines the triggers (`multipleScalersCalculation`: max by default,
/// min, avg, sum); active when a trigger is or minReplicaCount > 0. Returns
/// (active, ceil(queue length), ceil(max value)).
pub fn is_scaled_job_active(
    metrics: &[JobScalerMetrics],
    calculation: &str,
    min_replica_count: i64,
    max_replica_count: i64,
) -> (bool, i64, i64) {
    let mut queue = 0.0f64;
    let mut max_value = 0.0f64;
    let mut active = false;
    match calculation {
        "min" => {
            for m in metrics {
                if (queue == 0.0 || m.queue_length < queue) && m.is_active {
                    queue = m.queue_length;
                    max_value = m.max_value;
                    active = true;
                }
            }
        }
        "avg" | "sum" => {
            let (mut q, mut v, mut n) = (0.0, 0.0, 0usize);
            for m in metrics.iter().filter(|m| m.is_active) {
                q += m.queue_length;
                v += m.max_value;
                n += 1;
                active = true;
            }
            if calculation == "sum" {
                (queue, max_value) = (q, v);
            } else if n != 0 {
                (queue, max_value) = (q / n as f64, v / n as f64);
            }
        }
        _ => {
            for m in metrics {
                if m.queue_length > queue && m.is_active {
                    queue = m.queue_length;
                    max_value = m.max_value;
                    active = true;
                }
            }
        }
    }
    if min_replica_count > 0 {
        active = true;
    }
    let max_value = max_value.min(max_replica_count as f64);
    (active, queue.ceil() as i64, max_value.ceil() as i64)
}

/// `getScalingDecision` with the ScaledJob's `scalingStrategy`: (effective max scale, scale to).
/// Below minReplicaCount the missing Jobs are created whatever the strategy.
pub fn job_scaling_decision(
    job: &ScaledJob,
    running_jobs: i64,
    pending_jobs: i64,
    scale_to: i64,
    max_scale: i64,
) -> (i64, i64) {
    let min = job.min_replicas();
    let max_replicas = job.max_replicas();
    if running_jobs < min {
        let missing = min - running_jobs;
        return (missing, missing);
    }
    let running = running_jobs - min;
    let s = &job.scaling_strategy;
    match s.strategy.as_str() {
        "custom" => match s.custom_running_job_percentage.trim().parse::<f64>() {
            Ok(percentage) => {
                let deduction = i64::from(s.custom_queue_length_deduction.unwrap_or(0));
                let result = max_scale - deduction - (running as f64 * percentage) as i64;
                (result.min(max_replicas), scale_to)
            }
            Err(_) => (max_scale - running, scale_to),
        },
        "accurate" => {
            if max_scale + running - pending_jobs > max_replicas {
                (max_replicas - running, scale_to)
            } else {
                (max_scale - pending_jobs, scale_to)
            }
        }
        "eager" => (
            (max_replicas - running - pending_jobs).min(max_scale),
            max_replicas,
        ),
        _ => (max_scale - running, scale_to),
    }
}

/// `RequestJobScale` + `createJobs`: the number of Jobs to create this poll (0 when inactive or
/// nothing is missing), and the `KEDAJobsCreated` Event's message.
pub fn jobs_to_create(
    is_active: bool,
    effective_max_scale: i64,
    scale_to: i64,
) -> (i64, Option<String>) {
    let effective = effective_max_scale.max(0);
    if !is_active || effective <= 0 {
        return (0, None);
    }
    let n = scale_to.min(effective).max(0);
    (n, Some(format!("Created {n} jobs")))
}

/// Each trigger's metric and activity for a ScaledJob, as `getScaledJobMetrics` combines them
/// (cpu/memory triggers are skipped).
pub fn job_trigger_metrics(
    job: &ScaledJob,
    evaluated: &[(Scaler, TargetType, Result<ScalerMetric, String>)],
) -> (Vec<JobScalerMetrics>, bool) {
    let mut out = Vec::new();
    let mut error = false;
    for (scaler, target_type, result) in evaluated {
        if matches!(scaler, Scaler::Resource { .. }) {
            continue;
        }
        let m = match result {
            Ok(m) => m,
            Err(_) => {
                error = true;
                continue;
            }
        };
        let spec = scaler.metric_spec(0, *target_type);
        let target = spec["external"]["target"]["averageValue"]
            .as_str()
            .and_then(|t| crate::api::Quantity::parse(t).ok())
            .map_or(0.0, |q| q.milli() as f64 / 1000.0);
        out.push(job_scaler_metrics(
            m.value_milli as f64 / 1000.0,
            target,
            job.max_replicas(),
            m.active,
        ));
    }
    (out, error)
}

#[cfg(test)]
mod tests {
    //! Vectors from upstream's `scale_scaledobjects_test.go` scenarios, `scale_jobs_test.go`,
    //! `scale_handler_test.go` (`TestGetScaledJobState`) and the reference's KEDA section.
    use super::*;
    use crate::json;

    const NOW: i64 = 1_767_225_600_000;

    fn so(spec: crate::api::Value, annotations: crate::api::Value) -> ScaledObject {
        ScaledObject::parse(
            &json!({"metadata": {"name": "orders", "namespace": "shop", "annotations": annotations},
            "spec": spec}),
        )
    }

    fn sqs_so(extra: crate::api::Value) -> ScaledObject {
        let mut spec = json!({"scaleTargetRef": {"name": "order-processor"},
            "triggers": [{"type": "aws-sqs-queue", "metadata": {"queueURL": "https://sqs.eu-west-1.amazonaws.com/1/orders", "queueLength": "5"}}]});
        if let Some(m) = extra.as_object() {
            for (k, v) in m.iter() {
                crate::api::object::set_path(&mut spec, &[k.as_str()], v.clone());
            }
        }
        so(spec, json!({}))
    }

    fn active(names: &[&str]) -> Activity {
        Activity {
            is_active: true,
            is_error: false,
            active_triggers: names.iter().map(|n| n.to_string()).collect(),
        }
    }

    #[test]
    fn activation_from_zero_and_deactivation_after_cooldown() {
        let o = sqs_so(json!({}));
        // Messages arrive at 0 replicas: KEDA scales to 1 (the HPA takes over from there).
        let d = request_scale(
            &o,
            0,
            &active(&["s0-aws-sqs-orders"]),
            None,
            NOW - 60_000,
            NOW,
        );
        assert_eq!(d.scale_to, Some(1));
        assert!(d.last_active_now);
        assert_eq!(d.events, vec![(false, "KEDAScaleTargetActivated", "Scaled apps/v1.Deployment shop/order-processor from 0 to 1, triggered by s0-aws-sqs-orders".to_string())]);
        // Active with replicas: nothing for KEDA to do, lastActiveTime moves.
        let d = request_scale(
            &o,
            4,
            &active(&["s0-aws-sqs-orders"]),
            Some(NOW - 30_000),
            NOW - 600_000,
            NOW,
        );
        assert_eq!((d.scale_to, d.last_active_now), (None, true));
        // Inactive: within the 300 s cooldown nothing happens, after it the target goes to 0.
        let idle = Activity::default();
        let d = request_scale(&o, 4, &idle, Some(NOW - 299_000), NOW - 600_000, NOW);
        assert_eq!(d.scale_to, None);
        assert!(d.conditions.iter().any(|c| c.2 == "ScalerCooldown"));
        let d = request_scale(&o, 4, &idle, Some(NOW - 301_000), NOW - 600_000, NOW);
        assert_eq!(d.scale_to, Some(0));
        assert_eq!(
            d.events[0].2,
            "Deactivated apps/v1.Deployment shop/order-processor from 4 to 0"
        );
        // Never active: the initial cooldown (0 s) applies from creation.
        assert_eq!(
            request_scale(&o, 2, &idle, None, NOW - 1, NOW).scale_to,
            Some(0)
        );
    }

    #[test]
    fn min_replicas_idle_replicas_and_pauses() {
        // minReplicaCount 2: deactivation never scales below it; an inactive target below it is raised.
        let o = sqs_so(json!({"minReplicaCount": 2}));
        assert_eq!(
            request_scale(&o, 3, &Activity::default(), Some(0), 0, NOW).scale_to,
            None
        );
        assert_eq!(
            request_scale(&o, 1, &Activity::default(), Some(0), 0, NOW).scale_to,
            Some(2)
        );
        assert_eq!(
            request_scale(&o, 0, &active(&[]), None, 0, NOW).scale_to,
            Some(2)
        );
        // idleReplicaCount 0 with min 2: inactive -> 0 after the cooldown, active from idle -> 2.
        let o = sqs_so(json!({"minReplicaCount": 2, "idleReplicaCount": 0}));
        assert_eq!(
            request_scale(&o, 2, &Activity::default(), Some(0), 0, NOW).scale_to,
            Some(0)
        );
        assert_eq!(
            request_scale(&o, 0, &active(&["x"]), None, 0, NOW).scale_to,
            Some(2)
        );
        // Paused: nothing but the Paused condition.
        let paused = so(
            json!({"triggers": []}),
            json!({"autoscaling.keda.sh/paused": "true"}),
        );
        let d = request_scale(&paused, 0, &active(&["x"]), None, 0, NOW);
        assert_eq!(d.scale_to, None);
        assert_eq!(d.conditions[1].2, "ScaledObjectPaused");
        // paused-scale-out blocks activation; paused-scale-in blocks deactivation.
        let o = so(
            json!({"triggers": []}),
            json!({"autoscaling.keda.sh/paused-scale-out": "true"}),
        );
        assert_eq!(
            request_scale(&o, 0, &active(&["x"]), None, 0, NOW).scale_to,
            None
        );
        let o = so(
            json!({"triggers": []}),
            json!({"autoscaling.keda.sh/paused-scale-in": "true"}),
        );
        assert_eq!(
            request_scale(&o, 3, &Activity::default(), Some(0), 0, NOW).scale_to,
            None
        );
        // force-activation scales from zero without an active trigger.
        let o = so(
            json!({"scaleTargetRef": {"name": "w"}, "triggers": []}),
            json!({"autoscaling.keda.sh/force-activation": "true"}),
        );
        let d = request_scale(&o, 0, &Activity::default(), None, 0, NOW);
        assert_eq!(d.scale_to, Some(1));
        assert!(d.events[0]
            .2
            .ends_with("caused by forced activation annotation"));
    }

    #[test]
    fn activity_and_reference_vectors() {
        let o = sqs_so(json!({}));
        let a = activity(
            &o,
            &[(
                Some("s0-aws-sqs-orders".into()),
                Ok(ScalerMetric {
                    value_milli: 40_000,
                    active: false,
                }),
            )],
        );
        assert!(!a.is_active);
        // Reference: threshold 10, activation 50, 40 messages -> the ScaledObject goes to 0 even
        // though the HPA alone would ask for 4.
        assert_eq!(request_scale(&o, 4, &a, Some(0), 0, NOW).scale_to, Some(0));
        let a = activity(&o, &[(None, Err("boom".into()))]);
        assert!(a.is_error && !a.is_active);
        let d = request_scale(&o, 4, &a, Some(0), 0, NOW);
        assert!(d.conditions.iter().any(|c| c.2 == "TriggerError"));
        // Only cpu/memory triggers: always active.
        let cpu = so(
            json!({"triggers": [{"type": "cpu", "metricType": "Utilization", "metadata": {"value": "50"}}]}),
            json!({}),
        );
        assert!(activity(&cpu, &[]).is_active);
    }

    #[test]
    fn fallback_replaces_failing_metrics() {
        let o = sqs_so(json!({"fallback": {"failureThreshold": 3, "replicas": 6}}));
        let mut h = Health::default();
        // The first three failures pass the error through; the fourth falls back to 6 x target.
        for _ in 0..3 {
            assert!(metric_with_fallback(
                &o,
                &mut h,
                Err("down".into()),
                TargetType::AverageValue,
                5000,
                2,
                2
            )
            .is_err());
        }
        assert_eq!(
            metric_with_fallback(
                &o,
                &mut h,
                Err("down".into()),
                TargetType::AverageValue,
                5000,
                2,
                2
            ),
            Ok((30_000, true))
        );
        assert_eq!(
            h,
            Health {
                failures: 4,
                failing: true
            }
        );
        // A success resets the health.
        assert_eq!(
            metric_with_fallback(&o, &mut h, Ok(1000), TargetType::AverageValue, 5000, 2, 2),
            Ok((1000, false))
        );
        assert_eq!(h, Health::default());
        // currentReplicasIfHigher and Value targets (divided by ready replicas).
        let o = sqs_so(
            json!({"fallback": {"failureThreshold": 0, "replicas": 3, "behavior": "currentReplicasIfHigher"}}),
        );
        let mut h = Health::default();
        assert_eq!(
            metric_with_fallback(
                &o,
                &mut h,
                Err("x".into()),
                TargetType::AverageValue,
                5000,
                8,
                8
            ),
            Ok((40_000, true))
        );
        let mut h = Health::default();
        assert_eq!(
            metric_with_fallback(&o, &mut h, Err("x".into()), TargetType::Value, 5000, 2, 2),
            Ok((7_500, true))
        );
        let mut h = Health::default();
        assert!(
            metric_with_fallback(&o, &mut h, Err("x".into()), TargetType::Value, 5000, 2, 0)
                .is_err()
        );
    }

    #[test]
    fn scaled_job_state_from_test_get_scaled_job_state() {
        // One trigger: 20 messages at 2 per job -> queue 20, max 10.
        let m = [job_scaler_metrics(20.0, 2.0, 100, true)];
        assert_eq!(is_scaled_job_active(&m, "", 0, 100), (true, 20, 10));
        // Four triggers: (20/1 active, 10/2 active, 5/3 active, 7/4 inactive).
        let four = |max| {
            [
                job_scaler_metrics(20.0, 1.0, max, true),
                job_scaler_metrics(10.0, 2.0, max, true),
                job_scaler_metrics(5.0, 3.0, max, true),
                job_scaler_metrics(7.0, 4.0, max, false),
            ]
        };
        assert_eq!(
            is_scaled_job_active(&four(100), "max", 0, 100),
            (true, 20, 20)
        );
        assert_eq!(
            is_scaled_job_active(&four(100), "min", 0, 100),
            (true, 5, 2)
        );
        assert_eq!(
            is_scaled_job_active(&four(100), "avg", 0, 100),
            (true, 12, 9)
        );
        assert_eq!(
            is_scaled_job_active(&four(100), "sum", 0, 100),
            (true, 35, 27)
        );
        assert_eq!(
            is_scaled_job_active(&four(25), "sum", 0, 25),
            (true, 35, 25)
        );
        // Nothing active, but minReplicaCount > 0 keeps the ScaledJob active.
        assert_eq!(is_scaled_job_active(&[], "", 1, 100), (true, 0, 0));
    }

    fn job(strategy: crate::api::Value, min: Option<i64>, max: i64) -> ScaledJob {
        let mut spec = json!({"maxReplicaCount": max, "scalingStrategy": strategy, "triggers": []});
        if let Some(min) = min {
            crate::api::object::set_path(&mut spec, &["minReplicaCount"], json!(min));
        }
        ScaledJob::parse(&json!({"metadata": {"name": "j"}, "spec": spec}))
    }

    #[test]
    fn job_strategies_from_scale_jobs_test() {
        // GetEffectiveMaxScale(maxScale, running, pending, maxReplicaCount, scaleTo) -> maxScale.
        let eff = |strategy: crate::api::Value, max_scale, running, pending, max_replicas| {
            job_scaling_decision(
                &job(strategy, None, max_replicas),
                running,
                pending,
                1,
                max_scale,
            )
            .0
        };
        // TestDefaultScalingStrategy.
        assert_eq!(eff(json!({}), 3, 2, 0, 5), 1);
        assert_eq!(eff(json!({}), 2, 0, 0, 5), 2);
        // TestCustomScalingStrategy.
        let custom = |d: i64, p: &str| json!({"strategy": "custom", "customScalingQueueLengthDeduction": d, "customScalingRunningJobPercentage": p});
        assert_eq!(eff(custom(1, "0.5"), 3, 2, 0, 5), 1);
        assert_eq!(eff(custom(1, "0.5"), 10, 0, 0, 10), 9);
        assert_eq!(eff(custom(1, ""), 3, 2, 0, 5), 1);
        assert_eq!(eff(custom(2, "0"), 3, 2, 0, 5), 1);
        assert_eq!(eff(custom(-2, "0"), 3, 2, 0, 4), 4);
        // TestCustomScalingStrategyNilQueueLengthDeduction.
        assert_eq!(
            eff(
                json!({"strategy": "custom", "customScalingRunningJobPercentage": "0.5"}),
                10,
                2,
                0,
                100
            ),
            9
        );
        // TestAccurateScalingStrategy.
        let accurate = || json!({"strategy": "accurate"});
        for (max_scale, running, pending, max, expected) in [
            (3, 2, 0, 5, 3),
            (5, 2, 0, 5, 3),
            (3, 4, 2, 10, 1),
            (5, 4, 2, 5, 1),
            (3, 3, 3, 5, 0),
            (15, 15, 15, 20, 0),
            (10, 10, 10, 15, 0),
            (20, 15, 10, 20, 5),
        ] {
            assert_eq!(
                eff(accurate(), max_scale, running, pending, max),
                expected,
                "{max_scale} {running} {pending} {max}"
            );
        }
        // TestEagerScalingStrategy: (maxScale, scaleTo).
        let eager = |max_scale, running, pending| {
            job_scaling_decision(
                &job(json!({"strategy": "eager"}), None, 10),
                running,
                pending,
                1,
                max_scale,
            )
        };
        assert_eq!(eager(4, 3, 0), (4, 10));
        assert_eq!(eager(4, 0, 3), (4, 10));
        assert_eq!(eager(4, 7, 0), (3, 10));
        assert_eq!(eager(4, 1, 6), (3, 10));
        assert_eq!(eager(15, 0, 0), (10, 10));
        // TestRunningJobCount{SmallerMinReplicaCount,IsDeductedFromMinReplicaCount,GreaterOrEqual...}.
        assert_eq!(
            job_scaling_decision(&job(json!({}), Some(2), 100), 0, 0, 0, 0),
            (2, 2)
        );
        assert_eq!(
            job_scaling_decision(&job(json!({}), Some(2), 100), 1, 0, 0, 0),
            (1, 1)
        );
        assert_eq!(
            job_scaling_decision(&job(json!({}), Some(1), 100), 1, 0, 2, 2),
            (2, 2)
        );
        // createJobs: min(scaleTo, effective), none when inactive.
        assert_eq!(
            jobs_to_create(true, 3, 5),
            (3, Some("Created 3 jobs".into()))
        );
        assert_eq!(jobs_to_create(false, 3, 5), (0, None));
        assert_eq!(jobs_to_create(true, -1, 5), (0, None));
    }
}
