//! The recommendation (kubernetes/autoscaler `pkg/recommender/logic/recommender.go`,
//! `estimator.go`, `pkg/utils/vpa/capping.go`): percentiles of the usage histograms plus a
//! 15% margin, bounds widened by a confidence multiplier that shrinks with history, per-pod
//! minimums split across containers, then the VPA's resource policy.
use super::aggregate::{
    cpu_amount_from_cores, resource_amount_from_float, scale_resource, AggregateContainerState,
    ResourceName, Resources,
};
use super::spec::{ContainerPolicy, VpaSpec};
use crate::api::quantity::{format_bytes, format_milli_decimal_si};
use crate::api::{Map, Value};
use crate::json;
use std::collections::BTreeMap;

const DAY_MS: i64 = 86_400_000;

/// `RecommendationConfig` with the recommender's default flags.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RecommendationConfig {
    /// `--recommendation-margin-fraction` (0.15).
    pub safety_margin_fraction: f64,
    /// `--pod-recommendation-min-cpu-millicores` (25).
    pub pod_min_cpu_millicores: f64,
    /// `--pod-recommendation-min-memory-mb` (250, in MiB).
    pub pod_min_memory_mb: f64,
    /// `--target-cpu-percentile` (0.9).
    pub target_cpu_percentile: f64,
    /// `--recommendation-lower-bound-cpu-percentile` (0.5).
    pub lower_bound_cpu_percentile: f64,
    /// `--recommendation-upper-bound-cpu-percentile` (0.95).
    pub upper_bound_cpu_percentile: f64,
    /// `--confidence-interval-cpu` (24 h).
    pub confidence_interval_cpu_ms: i64,
    /// `--target-memory-percentile` (0.9).
    pub target_memory_percentile: f64,
    /// `--recommendation-lower-bound-memory-percentile` (0.5).
    pub lower_bound_memory_percentile: f64,
    /// `--recommendation-upper-bound-memory-percentile` (0.95).
    pub upper_bound_memory_percentile: f64,
    /// `--confidence-interval-memory` (24 h).
    pub confidence_interval_memory_ms: i64,
}

impl Default for RecommendationConfig {
    fn default() -> Self {
        RecommendationConfig {
            safety_margin_fraction: 0.15,
            pod_min_cpu_millicores: 25.0,
            pod_min_memory_mb: 250.0,
            target_cpu_percentile: 0.9,
            lower_bound_cpu_percentile: 0.5,
            upper_bound_cpu_percentile: 0.95,
            confidence_interval_cpu_ms: DAY_MS,
            target_memory_percentile: 0.9,
            lower_bound_memory_percentile: 0.5,
            upper_bound_memory_percentile: 0.95,
            confidence_interval_memory_ms: DAY_MS,
        }
    }
}

/// `RecommendedContainerResources` (model amounts: millicores, bytes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recommendation {
    /// `Target`.
    pub target: Resources,
    /// `LowerBound`.
    pub lower_bound: Resources,
    /// `UpperBound`.
    pub upper_bound: Resources,
}

/// `getConfidence`: the smaller of the history's length in confidence intervals and the number of
/// samples per minute of one interval.
pub fn confidence(s: &AggregateContainerState, interval_ms: i64) -> f64 {
    let interval = interval_ms.max(1) as f64;
    let lifespan = (s.last_sample_start_ms as f64 - s.first_sample_start_ms as f64) / interval;
    let samples = s.total_samples_count as f64 / (interval / 60_000.0);
    lifespan.min(samples)
}

/// `confidenceMultiplier`: `base x (1 + multiplier/confidence)^exponent`.
pub fn with_confidence_multiplier(
    base: i64,
    multiplier: f64,
    exponent: f64,
    s: &AggregateContainerState,
    interval_ms: i64,
) -> i64 {
    let c = confidence(s, interval_ms);
    scale_resource(base, (1.0 + multiplier / c).powf(exponent))
}

/// `marginEstimator`: `base + base x fraction`.
pub fn with_margin(base: i64, fraction: f64) -> i64 {
    base.saturating_add(scale_resource(base, fraction))
}

struct Estimate {
    target: i64,
    lower: i64,
    upper: i64,
}

fn estimate(
    config: &RecommendationConfig,
    s: &AggregateContainerState,
    resource: ResourceName,
    min: i64,
) -> Estimate {
    let (percentiles, interval) = match resource {
        ResourceName::Cpu => (
            [
                config.target_cpu_percentile,
                config.lower_bound_cpu_percentile,
                config.upper_bound_cpu_percentile,
            ],
            config.confidence_interval_cpu_ms,
        ),
        ResourceName::Memory => (
            [
                config.target_memory_percentile,
                config.lower_bound_memory_percentile,
                config.upper_bound_memory_percentile,
            ],
            config.confidence_interval_memory_ms,
        ),
    };
    let percentile = |p: f64| match resource {
        ResourceName::Cpu => cpu_amount_from_cores(s.cpu_usage.percentile(p)),
        ResourceName::Memory => resource_amount_from_float(s.memory_peaks.percentile(p)),
    };
    let margin = |p: f64| with_margin(percentile(p), config.safety_margin_fraction);
    Estimate {
        target: margin(percentiles[0]).max(min),
        lower: with_confidence_multiplier(margin(percentiles[1]), 0.001, -2.0, s, interval)
            .max(min),
        upper: with_confidence_multiplier(margin(percentiles[2]), 1.0, 1.0, s, interval).max(min),
    }
}

/// `GetRecommendedPodResources`: one recommendation per container name; the per-pod minimums
/// (25 millicores, 250 MiB) are split evenly across the containers, and only the controlled
/// resources are kept.
pub fn recommend(
    config: &RecommendationConfig,
    states: &BTreeMap<String, AggregateContainerState>,
) -> BTreeMap<String, Recommendation> {
    let mut out = BTreeMap::new();
    if states.is_empty() {
        return out;
    }
    let fraction = 1.0 / states.len() as f64;
    let min_cpu = scale_resource(
        cpu_amount_from_cores(config.pod_min_cpu_millicores * 0.001),
        fraction,
    );
    let min_memory = scale_resource(
        resource_amount_from_float(config.pod_min_memory_mb * 1024.0 * 1024.0),
        fraction,
    );
    for (name, s) in states {
        let cpu = estimate(config, s, ResourceName::Cpu, min_cpu);
        let memory = estimate(config, s, ResourceName::Memory, min_memory);
        let mut r = Recommendation::default();
        for resource in s.controlled_resources() {
            let e = match resource {
                ResourceName::Cpu => &cpu,
                ResourceName::Memory => &memory,
            };
            r.target.insert(resource, e.target);
            r.lower_bound.insert(resource, e.lower);
            r.upper_bound.insert(resource, e.upper);
        }
        out.insert(name.clone(), r);
    }
    out
}

/// `GetContainerNameToAggregateStateMap`: drops containers whose policy has `mode: Off` and applies
/// `controlledResources` from the policy.
pub fn states_under_policy(
    spec: &VpaSpec,
    states: BTreeMap<String, AggregateContainerState>,
) -> BTreeMap<String, AggregateContainerState> {
    states
        .into_iter()
        .filter_map(|(name, mut s)| {
            let policy = spec.policy_for(&name);
            if policy.is_some_and(|p| p.mode_off) {
                return None;
            }
            s.controlled_resources = policy.and_then(|p| p.controlled_resources.clone());
            Some((name, s))
        })
        .collect()
}

fn cap(resources: &mut Resources, policy: Option<&ContainerPolicy>, global_max: &Resources) {
    for (resource, value) in resources.iter_mut() {
        if let Some(min) = policy.and_then(|p| p.min_allowed.get(resource)) {
            if *min != 0 && *value < *min {
                *value = *min;
            }
        }
        let max = policy
            .and_then(|p| p.max_allowed.get(resource))
            .or_else(|| global_max.get(resource));
        if let Some(max) = max {
            if *max != 0 && *value > *max {
                *value = *max;
            }
        }
    }
}

/// `ApplyVPAPolicy` (the recommender's capping post-processor): `minAllowed` and `maxAllowed` of
/// the container's policy (or the `*` policy), `global_max` (`--container-recommendation-max-allowed-*`)
/// where the policy sets no maximum. Applied to target and both bounds.
pub fn apply_policy(
    spec: &VpaSpec,
    recommendations: &BTreeMap<String, Recommendation>,
    global_max: &Resources,
) -> BTreeMap<String, Recommendation> {
    recommendations
        .iter()
        .map(|(name, r)| {
            let policy = spec.policy_for(name);
            let mut r = r.clone();
            cap(&mut r.target, policy, global_max);
            cap(&mut r.lower_bound, policy, global_max);
            cap(&mut r.upper_bound, policy, global_max);
            (name.clone(), r)
        })
        .collect()
}

fn resource_list(r: &Resources) -> Value {
    let mut m = Map::new();
    for (resource, amount) in r {
        let text = match resource {
            ResourceName::Cpu => format_milli_decimal_si(*amount),
            ResourceName::Memory => format_bytes(*amount),
        };
        m.insert(resource.as_str(), json!(text));
    }
    Value::Object(m)
}

/// `status.recommendation` as the recommender writes it: containers sorted by name, the capped
/// target and bounds, and `uncappedTarget` from before the policy.
pub fn recommendation_status(
    uncapped: &BTreeMap<String, Recommendation>,
    capped: &BTreeMap<String, Recommendation>,
) -> Value {
    let list: Vec<Value> = capped
        .iter()
        .map(|(name, r)| {
            let uncapped_target = uncapped.get(name).map(|u| &u.target).unwrap_or(&r.target);
            json!({
                "containerName": name.as_str(),
                "target": resource_list(&r.target),
                "lowerBound": resource_list(&r.lower_bound),
                "upperBound": resource_list(&r.upper_bound),
                "uncappedTarget": resource_list(uncapped_target),
            })
        })
        .collect();
    json!({"containerRecommendations": Value::Array(list.into())})
}

/// `updateConditionsLocked`: `RecommendationProvided` (and `NoPodsMatched` when no pod matches),
/// as (type, status, reason, message).
pub fn conditions(
    pods_matched: bool,
    has_recommendation: bool,
) -> Vec<(&'static str, bool, &'static str, &'static str)> {
    let mut out = Vec::new();
    let (reason, message) = if pods_matched {
        ("", "")
    } else {
        out.push((
            "NoPodsMatched",
            true,
            "NoPodsMatched",
            "No pods match this VPA object",
        ));
        ("NoPodsMatched", "No pods match this VPA object")
    };
    if has_recommendation {
        out.push(("RecommendationProvided", true, "", ""));
    } else {
        out.push(("RecommendationProvided", false, reason, message));
    }
    out
}

#[cfg(test)]
#[allow(clippy::approx_constant)] // upstream's test constant 3.14
mod tests {
    //! Vectors from upstream's `estimator_test.go` and `recommender_test.go`.
    use super::*;
    use crate::controllers::vpa::aggregate::{cores_from_cpu_amount, AggregationsConfig};
    use crate::controllers::vpa::histogram::Histogram;
    use crate::json;

    const DAY: i64 = 86_400_000;

    fn state() -> AggregateContainerState {
        AggregateContainerState::new(&AggregationsConfig::default())
    }

    #[test]
    fn percentiles_of_the_default_buckets() {
        // TestPercentileEstimator: CPU 1, 2, 3 cores at p20 -> ~1; memory 1e9, 2e9, 3e9 at p50 -> ~2e9.
        let config = AggregationsConfig::default();
        let mut cpu = Histogram::new(config.cpu_histogram_options());
        let mut memory = Histogram::new(config.memory_histogram_options());
        for i in 1..=3 {
            cpu.add_sample(f64::from(i), 1.0);
            memory.add_sample(f64::from(i) * 1e9, 1.0);
        }
        let within = |got: f64, want: f64| (got - want).abs() / want <= 0.05;
        assert!(within(
            cores_from_cpu_amount(cpu_amount_from_cores(cpu.percentile(0.2))),
            1.0
        ));
        assert!(within(
            resource_amount_from_float(memory.percentile(0.5)) as f64,
            2e9
        ));
    }

    #[test]
    fn confidence_multiplier_from_estimator_test() {
        let base_cpu = cpu_amount_from_cores(3.14);
        let base_memory = resource_amount_from_float(3.14e9);
        let mut s = state();
        // No history: (1 + 1/0)^1 saturates, (1 + 1/0)^-1 is zero.
        assert_eq!(
            with_confidence_multiplier(base_cpu, 1.0, 1.0, &s, DAY),
            100_000_000_000_000
        );
        assert_eq!(with_confidence_multiplier(base_cpu, 1.0, -1.0, &s, DAY), 0);
        assert_eq!(
            with_confidence_multiplier(base_cpu, 0.1, 2.0, &s, DAY),
            100_000_000_000_000
        );
        // Nine samples two minutes apart: confidence = 9 / (60 x 24) = 0.00625.
        for i in 0..9 {
            s.add_cpu_sample(1000, i * 120_000);
        }
        assert_eq!(confidence(&s, DAY), 0.00625);
        assert_eq!(
            cores_from_cpu_amount(with_confidence_multiplier(base_cpu, 0.1, 2.0, &s, DAY)),
            907.46
        );
        assert_eq!(
            with_confidence_multiplier(base_memory, 0.1, 2.0, &s, DAY) as f64,
            9.0746e11
        );
        // TestConfidenceMultiplierWithCustomInterval: 18 minutes -> confidence 0.5.
        let minutes_18 = 18 * 60_000;
        assert_eq!(confidence(&s, minutes_18), 0.5);
        assert_eq!(
            cores_from_cpu_amount(with_confidence_multiplier(
                base_cpu, 0.1, 2.0, &s, minutes_18
            )),
            4.521
        );
        assert_eq!(
            with_confidence_multiplier(base_memory, 0.1, 2.0, &s, minutes_18) as f64,
            4.5216e9
        );
    }

    #[test]
    fn margin_and_minimums_from_recommender_test() {
        // TestMarginEstimator (Go folds `3.14*1.1` exactly at compile time: 3.454).
        assert_eq!(
            cores_from_cpu_amount(with_margin(cpu_amount_from_cores(3.14), 0.1)),
            3.454
        );
        assert_eq!(
            with_margin(resource_amount_from_float(3.14e9), 0.1) as f64,
            3.454e9
        );
        // TestMinResourcesApplied / TestMinResourcesSplitAcrossContainers: empty states get the
        // per-pod minimums, split across the containers.
        let config = RecommendationConfig::default();
        let one = BTreeMap::from([("container-1".to_string(), state())]);
        let r = recommend(&config, &one);
        assert_eq!(
            r["container-1"].target[&ResourceName::Cpu],
            cpu_amount_from_cores(25.0 / 1000.0)
        );
        assert_eq!(
            r["container-1"].target[&ResourceName::Memory],
            resource_amount_from_float(250.0 * 1024.0 * 1024.0)
        );
        let two = BTreeMap::from([
            ("container-1".to_string(), state()),
            ("container-2".to_string(), state()),
        ]);
        let r = recommend(&config, &two);
        for name in ["container-1", "container-2"] {
            assert_eq!(
                r[name].target[&ResourceName::Cpu],
                cpu_amount_from_cores(25.0 / 1000.0 / 2.0)
            );
            assert_eq!(
                r[name].target[&ResourceName::Memory],
                resource_amount_from_float(250.0 * 1024.0 * 1024.0 / 2.0)
            );
        }
        // TestControlledResourcesFiltered.
        let mut s = state();
        s.controlled_resources = Some(vec![ResourceName::Memory]);
        let r = recommend(&config, &BTreeMap::from([("c".to_string(), s)]));
        for list in [&r["c"].target, &r["c"].lower_bound, &r["c"].upper_bound] {
            assert_eq!(
                list.keys().copied().collect::<Vec<_>>(),
                vec![ResourceName::Memory]
            );
        }
    }

    #[test]
    fn a_day_of_steady_use() {
        // reference §5: target at p90 + 15%; with 24 h of history the upper bound is ~2x and the
        // lower bound ~(1 + 0.001)^-2 of their percentiles plus margin.
        let mut s = state();
        let start = 1_767_225_600_000;
        for minute in 0..1440 {
            s.add_cpu_sample(500, start + minute * 60_000);
        }
        s.add_memory_peak(300 << 20, start + DAY);
        let config = RecommendationConfig::default();
        let r = recommend(&config, &BTreeMap::from([("app".to_string(), s.clone())]));
        let bucket_end = |value: f64| {
            let o = s.cpu_usage.histogram().options();
            o.bucket_start(o.find_bucket(value) + 1)
        };
        let p = cpu_amount_from_cores(bucket_end(0.5));
        let margin = with_margin(p, 0.15);
        assert_eq!(r["app"].target[&ResourceName::Cpu], margin);
        let c = confidence(&s, DAY);
        assert!((0.99..1.0).contains(&c), "{c}");
        assert_eq!(
            r["app"].upper_bound[&ResourceName::Cpu],
            scale_resource(margin, 1.0 + 1.0 / c)
        );
        assert_eq!(
            r["app"].lower_bound[&ResourceName::Cpu],
            scale_resource(margin, (1.0 + 0.001 / c).powi(-2))
        );
        assert!(r["app"].target[&ResourceName::Memory] > 300 << 20);
    }

    #[test]
    fn policy_caps_and_status() {
        let vpa = json!({"spec": {"targetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "resourcePolicy": {"containerPolicies": [
                {"containerName": "*", "minAllowed": {"cpu": "100m"}, "maxAllowed": {"memory": "1Gi"}},
                {"containerName": "sidecar", "mode": "Off"}]}}});
        let spec = VpaSpec::parse(&vpa);
        let states = BTreeMap::from([
            ("app".to_string(), state()),
            ("sidecar".to_string(), state()),
        ]);
        let states = states_under_policy(&spec, states);
        assert_eq!(states.keys().collect::<Vec<_>>(), vec!["app"]);
        let uncapped = BTreeMap::from([(
            "app".to_string(),
            Recommendation {
                target: Resources::from([(ResourceName::Cpu, 25), (ResourceName::Memory, 2 << 30)]),
                lower_bound: Resources::from([
                    (ResourceName::Cpu, 25),
                    (ResourceName::Memory, 262_144_000),
                ]),
                upper_bound: Resources::from([
                    (ResourceName::Cpu, 1500),
                    (ResourceName::Memory, 4 << 30),
                ]),
            },
        )]);
        let capped = apply_policy(&spec, &uncapped, &Resources::new());
        assert_eq!(
            recommendation_status(&uncapped, &capped),
            json!({"containerRecommendations": [{
                "containerName": "app",
                "target": {"cpu": "100m", "memory": "1Gi"},
                "lowerBound": {"cpu": "100m", "memory": "250Mi"},
                "upperBound": {"cpu": "1500m", "memory": "1Gi"},
                "uncappedTarget": {"cpu": "25m", "memory": "2Gi"},
            }]})
        );
        assert_eq!(
            conditions(true, true),
            vec![("RecommendationProvided", true, "", "")]
        );
        assert_eq!(
            conditions(false, false),
            vec![
                (
                    "NoPodsMatched",
                    true,
                    "NoPodsMatched",
                    "No pods match this VPA object"
                ),
                (
                    "RecommendationProvided",
                    false,
                    "NoPodsMatched",
                    "No pods match this VPA object"
                )
            ]
        );
    }
}
