//! Normalization of a recommendation (`horizontal.go`): stabilization windows over the
//! recommendation history, rate limits from past scale events within each policy's period,
//! clamping to `[minReplicas, maxReplicas]`, and the legacy rule without `behavior`
//! (scale-down stabilization only, scale-up capped at `max(2 x current, 4)`).
//!
//! The controller keeps one [`History`] per HPA (upstream keeps it in memory, keyed by
//! namespace/name, and drops it when the HPA is deleted).
use super::conditions::Condition;
use super::spec::{Behavior, HpaSpec, PolicyType, ScalingRules, SelectPolicy};

/// `--horizontal-pod-autoscaler-downscale-stabilization` default (5 min).
pub const DEFAULT_DOWNSCALE_STABILIZATION_MS: i64 = 5 * 60_000;
/// `scaleUpLimitFactor`.
const SCALE_UP_LIMIT_FACTOR: f64 = 2.0;
/// `scaleUpLimitMinimum`.
const SCALE_UP_LIMIT_MINIMUM: f64 = 4.0;

/// `timestampedRecommendation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Recommendation {
    /// The unstabilized recommendation.
    pub replicas: i32,
    /// When it was made, epoch ms.
    pub timestamp_ms: i64,
}

/// `timestampedScaleEvent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ScaleEvent {
    /// The absolute change of replicas.
    pub replica_change: i32,
    /// When the change was made, epoch ms.
    pub timestamp_ms: i64,
    /// Older than the longest policy period: the slot may be reused.
    pub outdated: bool,
}

/// What the controller remembers about one HPA between syncs (saved with the controller's
/// state, so snapshots and clones continue identically).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct History {
    /// Latest unstabilized recommendations.
    pub recommendations: Vec<Recommendation>,
    /// Scale-up events (kept only for HPAs with `behavior`).
    pub scale_up_events: Vec<ScaleEvent>,
    /// Scale-down events (kept only for HPAs with `behavior`).
    pub scale_down_events: Vec<ScaleEvent>,
}

/// The outcome of a normalization: the replicas and the AbleToScale and ScalingLimited conditions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    /// The replica count to scale to.
    pub replicas: i32,
    /// `AbleToScale` (ReadyForNewScale, ScaleUpStabilized or ScaleDownStabilized).
    pub able_to_scale: Condition,
    /// `ScalingLimited` (True when the limits changed the stabilized recommendation).
    pub scaling_limited: Condition,
}

const READY_FOR_NEW_SCALE: (&str, &str) =
    ("ReadyForNewScale", "recommended size matches current size");
const SCALE_DOWN_STABILIZED: (&str, &str) = (
    "ScaleDownStabilized",
    "recent recommendations were higher than current one, applying the highest recent recommendation",
);
const SCALE_UP_STABILIZED: (&str, &str) = (
    "ScaleUpStabilized",
    "recent recommendations were lower than current one, applying the lowest recent recommendation",
);
const DESIRED_WITHIN_RANGE: (&str, &str) = (
    "DesiredWithinRange",
    "the desired count is within the acceptable range",
);
const SCALE_UP_LIMIT: (&str, &str) = (
    "ScaleUpLimit",
    "the desired replica count is increasing faster than the maximum scale rate",
);
const SCALE_DOWN_LIMIT: (&str, &str) = (
    "ScaleDownLimit",
    "the desired replica count is decreasing faster than the maximum scale rate",
);
const TOO_MANY_REPLICAS: (&str, &str) = (
    "TooManyReplicas",
    "the desired replica count is more than the maximum replica count",
);
const TOO_FEW_REPLICAS: (&str, &str) = (
    "TooFewReplicas",
    "the desired replica count is less than the minimum replica count",
);

/// A reason and message pair, as the normalization functions return them.
pub type Reason = (&'static str, &'static str);

impl History {
    /// `recordInitialRecommendation`: the first sync records the current replicas.
    pub fn record_initial_recommendation(&mut self, current_replicas: i32, now_ms: i64) {
        if self.recommendations.is_empty() {
            self.recommendations.push(Recommendation {
                replicas: current_replicas,
                timestamp_ms: now_ms,
            });
        }
    }

    /// `stabilizeRecommendation` (no `behavior`): records the recommendation (reusing an old slot)
    /// and returns the highest one within the downscale stabilization window.
    pub fn stabilize_recommendation(
        &mut self,
        prenormalized: i32,
        window_ms: i64,
        now_ms: i64,
    ) -> i32 {
        let mut max = prenormalized;
        let cutoff = now_ms.saturating_sub(window_ms);
        let mut old = None;
        for (i, rec) in self.recommendations.iter().enumerate() {
            if rec.timestamp_ms < cutoff {
                old = Some(i);
            } else if rec.replicas > max {
                max = rec.replicas;
            }
        }
        self.store_recommendation(old, prenormalized, now_ms);
        max
    }

    fn store_recommendation(&mut self, slot: Option<usize>, replicas: i32, now_ms: i64) {
        let rec = Recommendation {
            replicas,
            timestamp_ms: now_ms,
        };
        match slot.and_then(|i| self.recommendations.get_mut(i)) {
            Some(r) => *r = rec,
            None => self.recommendations.push(rec),
        }
    }

    /// `stabilizeRecommendationWithBehaviors`: the recommendation is brought between the lowest
    /// recommendation within the scale-up window and the highest within the scale-down window,
    /// starting from the current replicas.
    pub fn stabilize_with_behaviors(
        &mut self,
        current_replicas: i32,
        desired_replicas: i32,
        up_window_seconds: i32,
        down_window_seconds: i32,
        now_ms: i64,
    ) -> (i32, Reason) {
        let up_cutoff = now_ms.saturating_sub(i64::from(up_window_seconds) * 1000);
        let down_cutoff = now_ms.saturating_sub(i64::from(down_window_seconds) * 1000);
        let mut up = desired_replicas;
        let mut down = desired_replicas;
        let mut old = None;
        for (i, rec) in self.recommendations.iter().enumerate() {
            if rec.timestamp_ms > up_cutoff {
                up = up.min(rec.replicas);
            }
            if rec.timestamp_ms > down_cutoff {
                down = down.max(rec.replicas);
            }
            if rec.timestamp_ms < up_cutoff && rec.timestamp_ms < down_cutoff {
                old = Some(i);
            }
        }
        let mut recommendation = current_replicas;
        if recommendation < up {
            recommendation = up;
        }
        if recommendation > down {
            recommendation = down;
        }
        self.store_recommendation(old, desired_replicas, now_ms);
        let reason = if desired_replicas >= current_replicas {
            SCALE_UP_STABILIZED
        } else {
            SCALE_DOWN_STABILIZED
        };
        (recommendation, reason)
    }

    /// `storeScaleEvent`: after a successful rescale of an HPA with `behavior`, records the change,
    /// reusing a slot older than the direction's longest policy period.
    pub fn store_scale_event(
        &mut self,
        behavior: Option<&Behavior>,
        prev_replicas: i32,
        new_replicas: i32,
        now_ms: i64,
    ) {
        let Some(behavior) = behavior else {
            return;
        };
        let (events, rules, change) = if new_replicas > prev_replicas {
            (
                &mut self.scale_up_events,
                &behavior.scale_up,
                new_replicas.saturating_sub(prev_replicas),
            )
        } else {
            (
                &mut self.scale_down_events,
                &behavior.scale_down,
                prev_replicas.saturating_sub(new_replicas),
            )
        };
        let longest = rules
            .policies
            .iter()
            .map(|p| p.period_seconds)
            .max()
            .unwrap_or(0)
            .max(0);
        let cutoff = now_ms.saturating_sub(i64::from(longest) * 1000);
        let mut slot = None;
        for (i, e) in events.iter_mut().enumerate() {
            if e.timestamp_ms < cutoff {
                e.outdated = true;
            }
            if e.outdated {
                slot = Some(i);
            }
        }
        let event = ScaleEvent {
            replica_change: change,
            timestamp_ms: now_ms,
            outdated: false,
        };
        match slot.and_then(|i| events.get_mut(i)) {
            Some(e) => *e = event,
            None => events.push(event),
        }
    }

    /// `convertDesiredReplicasWithBehaviorRate`: caps the change by the direction's policies
    /// (never past the current replicas while recent events use the budget), then by
    /// `[min, max]`.
    pub fn convert_with_behavior_rate(
        &self,
        behavior: &Behavior,
        current_replicas: i32,
        desired_replicas: i32,
        min_replicas: i32,
        max_replicas: i32,
        now_ms: i64,
    ) -> (i32, Reason) {
        if desired_replicas > current_replicas {
            let limit = scale_up_limit_with_rules(
                current_replicas,
                &self.scale_up_events,
                &self.scale_down_events,
                &behavior.scale_up,
                now_ms,
            )
            .max(current_replicas);
            let (maximum, reason) = if max_replicas > limit {
                (limit, SCALE_UP_LIMIT)
            } else {
                (max_replicas, TOO_MANY_REPLICAS)
            };
            if desired_replicas > maximum {
                return (maximum, reason);
            }
        } else if desired_replicas < current_replicas {
            let limit = scale_down_limit_with_rules(
                current_replicas,
                &self.scale_up_events,
                &self.scale_down_events,
                &behavior.scale_down,
                now_ms,
            )
            .min(current_replicas);
            let (minimum, reason) = if min_replicas < limit {
                (limit, SCALE_DOWN_LIMIT)
            } else {
                (min_replicas, TOO_FEW_REPLICAS)
            };
            if desired_replicas < minimum {
                return (minimum, reason);
            }
        }
        (desired_replicas, DESIRED_WITHIN_RANGE)
    }
}

/// `getReplicasChangePerPeriod`: the replicas changed by events newer than the period.
pub fn replicas_change_per_period(period_seconds: i32, events: &[ScaleEvent], now_ms: i64) -> i32 {
    let cutoff = now_ms.saturating_sub(i64::from(period_seconds) * 1000);
    events
        .iter()
        .filter(|e| e.timestamp_ms > cutoff)
        .fold(0i32, |acc, e| acc.saturating_add(e.replica_change))
}

/// `calculateScaleUpLimitWithScalingRules`: the most replicas the scale-up policies allow.
pub fn scale_up_limit_with_rules(
    current_replicas: i32,
    up_events: &[ScaleEvent],
    down_events: &[ScaleEvent],
    rules: &ScalingRules,
    now_ms: i64,
) -> i32 {
    let (mut result, pick): (i32, fn(i32, i32) -> i32) = match rules.select_policy {
        SelectPolicy::Disabled => return current_replicas,
        SelectPolicy::Min => (i32::MAX, std::cmp::min),
        SelectPolicy::Max => (i32::MIN, std::cmp::max),
    };
    for policy in &rules.policies {
        let added = replicas_change_per_period(policy.period_seconds, up_events, now_ms);
        let deleted = replicas_change_per_period(policy.period_seconds, down_events, now_ms);
        let start = current_replicas
            .saturating_sub(added)
            .saturating_add(deleted);
        let proposed = match policy.policy_type {
            PolicyType::Pods => start.saturating_add(policy.value),
            // Rounded up so that a small percentage still adds a pod.
            PolicyType::Percent => {
                (f64::from(start) * (1.0 + f64::from(policy.value) / 100.0)).ceil() as i32
            }
        };
        result = pick(result, proposed);
    }
    result
}

/// `calculateScaleDownLimitWithBehaviors`: the fewest replicas the scale-down policies allow.
pub fn scale_down_limit_with_rules(
    current_replicas: i32,
    up_events: &[ScaleEvent],
    down_events: &[ScaleEvent],
    rules: &ScalingRules,
    now_ms: i64,
) -> i32 {
    let (mut result, pick): (i32, fn(i32, i32) -> i32) = match rules.select_policy {
        SelectPolicy::Disabled => return current_replicas,
        SelectPolicy::Min => (i32::MIN, std::cmp::max),
        SelectPolicy::Max => (i32::MAX, std::cmp::min),
    };
    for policy in &rules.policies {
        let added = replicas_change_per_period(policy.period_seconds, up_events, now_ms);
        let deleted = replicas_change_per_period(policy.period_seconds, down_events, now_ms);
        let start = current_replicas
            .saturating_sub(added)
            .saturating_add(deleted);
        let proposed = match policy.policy_type {
            PolicyType::Pods => start.saturating_sub(policy.value),
            PolicyType::Percent => {
                (f64::from(start) * (1.0 - f64::from(policy.value) / 100.0)) as i32
            }
        };
        result = pick(result, proposed);
    }
    result
}

/// `calculateScaleUpLimit`: without `behavior`, at most `max(2 x current, 4)`.
pub fn legacy_scale_up_limit(current_replicas: i32) -> i32 {
    (SCALE_UP_LIMIT_FACTOR * f64::from(current_replicas)).max(SCALE_UP_LIMIT_MINIMUM) as i32
}

/// `convertDesiredReplicasWithRules`: the legacy clamp (minReplicas, the scale-up limit, maxReplicas).
pub fn convert_desired_replicas_with_rules(
    current_replicas: i32,
    desired_replicas: i32,
    min_replicas: i32,
    max_replicas: i32,
) -> (i32, Reason) {
    let limit = legacy_scale_up_limit(current_replicas);
    let (maximum, reason) = if max_replicas > limit {
        (limit, SCALE_UP_LIMIT)
    } else {
        (max_replicas, TOO_MANY_REPLICAS)
    };
    if desired_replicas < min_replicas {
        return (min_replicas, TOO_FEW_REPLICAS);
    }
    if desired_replicas > maximum {
        return (maximum, reason);
    }
    (desired_replicas, DESIRED_WITHIN_RANGE)
}

fn limited(changed: bool, (reason, message): Reason) -> Condition {
    Condition::new("ScalingLimited", changed, reason, message)
}

fn able((reason, message): Reason) -> Condition {
    Condition::new("AbleToScale", true, reason, message)
}

/// `normalizeDesiredReplicas` / `normalizeDesiredReplicasWithBehaviors`: the replica count to
/// scale to, from the metrics' recommendation, with the AbleToScale and ScalingLimited conditions.
/// `downscale_window_ms` is the controller's downscale stabilization flag.
pub fn normalize(
    history: &mut History,
    spec: &HpaSpec,
    current_replicas: i32,
    prenormalized: i32,
    downscale_window_ms: i64,
    now_ms: i64,
) -> Normalized {
    match &spec.behavior {
        None => {
            let stabilized =
                history.stabilize_recommendation(prenormalized, downscale_window_ms, now_ms);
            let able_to_scale = if stabilized != prenormalized {
                able(SCALE_DOWN_STABILIZED)
            } else {
                able(READY_FOR_NEW_SCALE)
            };
            let (replicas, reason) = convert_desired_replicas_with_rules(
                current_replicas,
                stabilized,
                spec.min_replicas,
                spec.max_replicas,
            );
            Normalized {
                replicas,
                able_to_scale,
                scaling_limited: limited(replicas != stabilized, reason),
            }
        }
        Some(behavior) => {
            // `maybeInitScaleDownStabilizationWindow`: an unset scale-down window is the flag.
            let down_window = behavior
                .scale_down
                .stabilization_window_seconds
                .unwrap_or((downscale_window_ms / 1000).clamp(0, i64::from(i32::MAX)) as i32);
            let up_window = behavior.scale_up.stabilization_window_seconds.unwrap_or(0);
            let (stabilized, reason) = history.stabilize_with_behaviors(
                current_replicas,
                prenormalized,
                up_window,
                down_window,
                now_ms,
            );
            let able_to_scale = if stabilized != prenormalized {
                able(reason)
            } else {
                able(READY_FOR_NEW_SCALE)
            };
            let (replicas, reason) = history.convert_with_behavior_rate(
                behavior,
                current_replicas,
                stabilized,
                spec.min_replicas,
                spec.max_replicas,
                now_ms,
            );
            Normalized {
                replicas,
                able_to_scale,
                scaling_limited: limited(replicas != stabilized, reason),
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    //! Vectors from upstream's `horizontal_test.go` (kubernetes/kubernetes).
    use super::*;
    use crate::controllers::hpa::spec::ScalingPolicy;

    const NOW: i64 = 1_767_225_600_000;

    /// `generateScalingRules(pods, podsPeriod, percent, percentPeriod, stabilizationWindow)`.
    fn rules(
        pods: i32,
        pods_period: i32,
        percent: i32,
        percent_period: i32,
        window: i32,
    ) -> ScalingRules {
        let mut policies = Vec::new();
        if pods != 0 {
            policies.push(ScalingPolicy {
                policy_type: PolicyType::Pods,
                value: pods,
                period_seconds: pods_period,
            });
        }
        if percent != 0 {
            policies.push(ScalingPolicy {
                policy_type: PolicyType::Percent,
                value: percent,
                period_seconds: percent_period,
            });
        }
        ScalingRules {
            stabilization_window_seconds: Some(window),
            select_policy: SelectPolicy::Max,
            policies,
            tolerance: None,
        }
    }

    /// `generateEventsUniformDistribution`: events at the middle of equal segments of the period
    /// (seconds truncated, as the `time.Duration` conversion does).
    fn events(raw: &[i32], period_seconds: i32) -> Vec<ScaleEvent> {
        let segment = f64::from(period_seconds) / raw.len() as f64;
        raw.iter()
            .enumerate()
            .map(|(i, change)| {
                let boundary =
                    (f64::from(period_seconds) - segment * (i as f64 + 1.0) + segment / 2.0) as i64;
                ScaleEvent {
                    replica_change: *change,
                    timestamp_ms: NOW - boundary * 1000,
                    outdated: false,
                }
            })
            .collect()
    }

    struct Case {
        name: &'static str,
        up_events: Vec<ScaleEvent>,
        down_events: Vec<ScaleEvent>,
        min: i32,
        max: i32,
        up: Option<ScalingRules>,
        down: Option<ScalingRules>,
        current: i32,
        desired: i32,
        expected: i32,
        condition: &'static str,
    }

    fn case(
        name: &'static str,
        min: i32,
        max: i32,
        current: i32,
        desired: i32,
        expected: i32,
        condition: &'static str,
    ) -> Case {
        Case {
            name,
            up_events: vec![],
            down_events: vec![],
            min,
            max,
            up: None,
            down: None,
            current,
            desired,
            expected,
            condition,
        }
    }

    #[test]
    fn scaling_with_rules_from_test_scaling_with_rules() {
        let ev = || events(&[1, 5, 9], 120);
        let cases = vec![
            case("prenormalized desired replicas within range", 3, 8, 5, 7, 7, "DesiredWithinRange"),
            case("prenormalized desired replicas < minReplicas", 2, 8, 3, 1, 2, "TooFewReplicas"),
            case("prenormalized desired replicas within range when minReplicas is 0", 0, 10, 1, 0, 0, "DesiredWithinRange"),
            case("maxReplicas is the limit because maxReplicas < scaleUpLimit", 1, 10, 20, 1000, 10, "TooManyReplicas"),
            case("desired replica count is more than the maximum replica count", 100, 150, 100, 1000, 150, "TooManyReplicas"),
            Case { up: Some(rules(0, 0, 1, 60, 0)), ..case("scaleUpLimit is the limit because scaleUpLimit < maxReplicas with user policies", 1, 2000, 3, 1000, 4, "ScaleUpLimit") },
            Case { down: Some(rules(20, 60, 0, 0, 0)), ..case("scaleDownLimit is the limit because scaleDownLimit > minReplicas with user defined policies", 3, 2000, 1000, 3, 980, "ScaleDownLimit") },
            case("scaleUp with default behavior", 1, 1000, 10, 50, 20, "ScaleUpLimit"),
            Case { up: Some(rules(100, 60, 100, 60, 0)), ..case("scaleUp with pods policy larger than percent policy", 1, 1000, 10, 500, 110, "ScaleUpLimit") },
            Case { up: Some(rules(2, 60, 100, 60, 0)), ..case("scaleUp with percent policy larger than pods policy", 1, 1000, 10, 500, 20, "ScaleUpLimit") },
            Case { up: Some(rules(100, 60, 0, 0, 0)), ..case("scaleUp with spec MaxReplicas limitation with large pod policy", 1, 1000, 10, 50, 50, "DesiredWithinRange") },
            Case { up: Some(rules(10000, 60, 0, 0, 0)), ..case("scaleUp with spec MaxReplicas limitation with large percent policy", 1, 1000, 10, 50, 50, "DesiredWithinRange") },
            Case { up: Some(rules(30, 60, 0, 0, 0)), ..case("scaleUp with pod policy limitation", 1, 1000, 10, 50, 40, "ScaleUpLimit") },
            Case { up: Some(rules(0, 0, 200, 60, 0)), ..case("scaleUp with percent policy limitation", 1, 1000, 10, 50, 30, "ScaleUpLimit") },
            Case { down: Some(rules(20, 60, 1, 60, 300)), ..case("scaleDown with percent policy larger than pod policy", 1, 1000, 100, 2, 80, "ScaleDownLimit") },
            Case { down: Some(rules(2, 60, 1, 60, 300)), ..case("scaleDown with pod policy larger than percent policy", 1, 1000, 100, 2, 98, "ScaleDownLimit") },
            Case { down: Some(rules(100, 60, 0, 0, 300)), ..case("scaleDown with spec MinReplicas limitation with large pod policy", 1, 1000, 10, 0, 1, "TooFewReplicas") },
            Case { down: Some(rules(0, 0, 100, 60, 300)), ..case("scaleDown with spec MinReplicas limitation with large percent policy", 5, 1000, 10, 2, 5, "TooFewReplicas") },
            Case { down: Some(rules(5, 60, 0, 0, 300)), ..case("scaleDown with pod policy limitation", 1, 1000, 10, 2, 5, "ScaleDownLimit") },
            Case { down: Some(rules(0, 0, 50, 60, 300)), ..case("scaleDown with percent policy limitation", 1, 1000, 10, 5, 5, "DesiredWithinRange") },
            Case { up_events: ev(), up: Some(rules(300, 60, 0, 0, 0)), ..case("scaleUp with spec MaxReplicas limitation with large pod policy and events", 1, 200, 100, 500, 200, "TooManyReplicas") },
            Case { up_events: ev(), up: Some(rules(0, 0, 10000, 60, 0)), ..case("scaleUp with spec MaxReplicas limitation with large percent policy and events", 1, 200, 100, 500, 200, "TooManyReplicas") },
            Case { up_events: ev(), up: Some(rules(5, 120, 0, 0, 0)), ..case("scaleUp with currentReplicas limitation with rate.PeriodSeconds with a lot of recent scale up events", 1, 1000, 100, 500, 100, "ScaleUpLimit") },
            Case { up_events: ev(), up: Some(rules(150, 120, 0, 0, 0)), ..case("scaleUp with pod policy and previous scale up events", 1, 1000, 100, 500, 235, "ScaleUpLimit") },
            Case { up_events: ev(), up: Some(rules(0, 0, 200, 120, 0)), ..case("scaleUp with percent policy and previous scale up events", 1, 1000, 100, 500, 255, "ScaleUpLimit") },
            Case { up_events: events(&[4], 120), down_events: events(&[2], 120), up: Some(rules(0, 0, 300, 300, 0)), ..case("scaleUp with percent policy and previous scale up and down events", 1, 1000, 6, 24, 16, "ScaleUpLimit") },
            Case { down_events: ev(), ..case("scaleDown with default policy and previous events", 1, 1000, 10, 5, 5, "DesiredWithinRange") },
            Case { down_events: ev(), down: Some(rules(115, 120, 0, 0, 300)), ..case("scaleDown with spec MinReplicas=nil limitation with large pod policy and previous events", 1, 1000, 100, 0, 1, "TooFewReplicas") },
            Case { down_events: ev(), down: Some(rules(130, 120, 0, 0, 300)), ..case("scaleDown with spec MinReplicas limitation with large pod policy and previous events", 5, 1000, 100, 0, 5, "TooFewReplicas") },
            Case { down_events: ev(), down: Some(rules(0, 0, 100, 120, 300)), ..case("scaleDown with spec MinReplicas limitation with large percent policy and previous events", 5, 1000, 100, 2, 5, "TooFewReplicas") },
            Case { down_events: ev(), down: Some(rules(5, 120, 0, 0, 300)), ..case("scaleDown with pod policy limitation and previous events", 1, 1000, 100, 2, 100, "ScaleDownLimit") },
            Case { down_events: events(&[2, 4, 6], 120), down: Some(rules(0, 0, 50, 120, 300)), ..case("scaleDown with percent policy limitation and previous events", 1, 1000, 100, 0, 56, "ScaleDownLimit") },
            Case { up_events: events(&[2], 120), down_events: events(&[4], 120), down: Some(rules(0, 0, 50, 180, 0)), ..case("scaleDown with percent policy and previous scale up and down events", 1, 1000, 10, 1, 6, "ScaleDownLimit") },
            Case { down_events: events(&[10, 10, 10], 120), down: Some(rules(0, 0, 10, 120, 300)), ..case("scaleDown with previous events preventing further scale down", 1, 1000, 100, 0, 100, "ScaleDownLimit") },
            Case { down_events: events(&[10, 10, 10], 120), down: Some(rules(0, 0, 1000, 120, 300)), ..case("scaleDown with with previous events still allowing more scale down", 1, 1000, 10, 5, 5, "DesiredWithinRange") },
            Case { up_events: events(&[8, 12, 9, 11], 120), up: Some(rules(1000, 60, 0, 0, 0)), ..case("check 'outdated' flag for events for one behavior for up", 1, 1000, 100, 200, 200, "DesiredWithinRange") },
            Case { up_events: events(&[8, 12, 9, 11], 120), up: Some(rules(1000, 120, 100, 60, 0)), ..case("check that events were not marked 'outdated' for two different policies in the behavior for up", 1, 1000, 100, 200, 200, "DesiredWithinRange") },
            Case { up_events: events(&[8, 12, 9, 11], 120), up: Some(rules(1000, 30, 100, 60, 0)), ..case("check that events were marked 'outdated' for two different policies in the behavior for up", 1, 1000, 100, 200, 200, "DesiredWithinRange") },
            Case { down_events: events(&[8, 12, 9, 11], 120), down: Some(rules(1000, 60, 0, 0, 300)), ..case("check 'outdated' flag for events for one behavior for down", 1, 1000, 100, 5, 5, "DesiredWithinRange") },
            Case { down_events: events(&[8, 12, 9, 11], 120), down: Some(rules(1000, 120, 100, 60, 300)), ..case("check that events were not marked 'outdated' for two different policies in the behavior for down", 1, 1000, 100, 5, 5, "DesiredWithinRange") },
            Case { down_events: events(&[8, 12, 9, 11], 120), down: Some(rules(1000, 30, 100, 60, 300)), ..case("check that events were marked 'outdated' for two different policies in the behavior for down", 1, 1000, 100, 5, 5, "DesiredWithinRange") },
        ];
        for c in cases {
            let history = History {
                recommendations: vec![],
                scale_up_events: c.up_events,
                scale_down_events: c.down_events,
            };
            // `GenerateHPAScaleUpRules` / `GenerateHPAScaleDownRules` fill the unset direction.
            let behavior = Behavior {
                scale_up: c.up.unwrap_or_else(ScalingRules::default_scale_up),
                scale_down: c.down.unwrap_or_else(ScalingRules::default_scale_down),
            };
            let (replicas, (reason, _)) = history
                .convert_with_behavior_rate(&behavior, c.current, c.desired, c.min, c.max, NOW);
            assert_eq!((replicas, reason), (c.expected, c.condition), "{}", c.name);
        }
    }

    #[test]
    fn min_select_policy_limits() {
        // TestCalculateScaleUpLimitWithScalingRules / TestCalculateScaleDownLimitWithBehaviors.
        let mut r = rules(2, 60, 50, 60, 300);
        r.select_policy = SelectPolicy::Min;
        assert_eq!(scale_up_limit_with_rules(1, &[], &[], &r, NOW), 2);
        assert_eq!(scale_down_limit_with_rules(5, &[], &[], &r, NOW), 3);
        r.select_policy = SelectPolicy::Disabled;
        assert_eq!(scale_up_limit_with_rules(5, &[], &[], &r, NOW), 5);
        assert_eq!(scale_down_limit_with_rules(5, &[], &[], &r, NOW), 5);
    }

    #[test]
    fn legacy_rules_from_test_convert_desired_replicas_with_rules() {
        let cases = [
            (5, 7, 3, 8, 7, "DesiredWithinRange"),
            (3, 1, 2, 8, 2, "TooFewReplicas"),
            (1, 0, 0, 10, 0, "DesiredWithinRange"),
            (20, 1000, 1, 10, 10, "TooManyReplicas"),
            (3, 1000, 1, 2000, legacy_scale_up_limit(3), "ScaleUpLimit"),
        ];
        for (current, desired, min, max, expected, condition) in cases {
            let (r, (reason, _)) = convert_desired_replicas_with_rules(current, desired, min, max);
            assert_eq!((r, reason), (expected, condition));
        }
        // max(2 x current, 4).
        assert_eq!(legacy_scale_up_limit(1), 4);
        assert_eq!(legacy_scale_up_limit(3), 6);
        assert_eq!(legacy_scale_up_limit(10), 20);
    }

    fn recs(list: &[(i32, i64)]) -> Vec<Recommendation> {
        list.iter()
            .map(|(r, ago_s)| Recommendation {
                replicas: *r,
                timestamp_ms: NOW - ago_s * 1000,
            })
            .collect()
    }

    #[test]
    fn legacy_stabilization_from_test_normalize_desired_replicas() {
        // (recommendations (replicas, seconds ago), prenormalized, stabilized, log length)
        let cases: [(&[(i32, i64)], i32, i32, usize); 5] = [
            (&[], 5, 5, 1),
            (&[(4, 120), (5, 60)], 3, 5, 3),
            (&[(1, 120), (2, 60)], 3, 3, 3),
            (&[(10, 600), (9, 540)], 3, 3, 2),
            (&[(10, 600), (4, 60), (5, 120), (9, 540)], 3, 5, 4),
        ];
        for (list, pre, stabilized, len) in cases {
            let mut h = History {
                recommendations: recs(list),
                ..Default::default()
            };
            assert_eq!(
                h.stabilize_recommendation(pre, DEFAULT_DOWNSCALE_STABILIZATION_MS, NOW),
                stabilized,
                "{list:?}"
            );
            assert_eq!(h.recommendations.len(), len);
        }
    }

    #[test]
    fn windows_from_test_normalize_desired_replicas_with_behavior() {
        // (recommendations, current, prenormalized, stabilized, stored values, up window, down window)
        #[allow(clippy::type_complexity)]
        let cases: Vec<(
            &str,
            &[(i32, i64)],
            i32,
            i32,
            i32,
            Option<Vec<i32>>,
            i32,
            i32,
        )> = vec![
            (
                "empty recommendations for scaling down",
                &[],
                100,
                5,
                5,
                Some(vec![5]),
                0,
                0,
            ),
            (
                "simple scale down stabilization",
                &[(4, 120), (5, 60)],
                100,
                3,
                5,
                Some(vec![4, 5, 3]),
                0,
                180,
            ),
            (
                "simple scale up stabilization",
                &[(4, 120), (5, 60)],
                1,
                7,
                4,
                Some(vec![4, 5, 7]),
                300,
                0,
            ),
            (
                "no scale down stabilization",
                &[(1, 120), (2, 60)],
                100,
                3,
                3,
                Some(vec![1, 2, 3]),
                300,
                0,
            ),
            (
                "no scale up stabilization",
                &[(4, 120), (5, 60)],
                1,
                3,
                3,
                Some(vec![4, 5, 3]),
                0,
                300,
            ),
            (
                "no scale down stabilization, reuse recommendation element",
                &[(10, 600), (9, 540)],
                100,
                3,
                3,
                Some(vec![10, 3]),
                0,
                0,
            ),
            (
                "no scale up stabilization, reuse recommendation element",
                &[(10, 600), (9, 540)],
                1,
                100,
                100,
                Some(vec![10, 100]),
                0,
                0,
            ),
            (
                "scale down stabilization, reuse one of obsolete recommendation element",
                &[(10, 600), (4, 60), (5, 120), (9, 540)],
                100,
                3,
                5,
                Some(vec![10, 4, 5, 3]),
                0,
                180,
            ),
            (
                "scale up stabilization, reuse one of obsolete recommendation element",
                &[(10, 6000), (6, 60), (5, 120), (9, 180)],
                1,
                100,
                5,
                Some(vec![100, 6, 5, 9]),
                300,
                0,
            ),
            (
                "scale up and down stabilization, do not scale up when prenormalized rec goes down",
                &[(2, 6000), (3, 180)],
                2,
                1,
                2,
                None,
                300,
                300,
            ),
            (
                "scale up and down stabilization, do not scale down when prenormalized rec goes up",
                &[(2, 6000), (1, 180)],
                2,
                3,
                2,
                None,
                300,
                300,
            ),
        ];
        for (name, list, current, pre, stabilized, stored, up, down) in cases {
            let mut h = History {
                recommendations: recs(list),
                ..Default::default()
            };
            let (r, _) = h.stabilize_with_behaviors(current, pre, up, down, NOW);
            assert_eq!(r, stabilized, "{name}");
            if let Some(stored) = stored {
                let got: Vec<i32> = h.recommendations.iter().map(|r| r.replicas).collect();
                assert_eq!(got, stored, "{name}");
            }
        }
    }

    #[test]
    fn scale_events_from_test_store_scale_events() {
        let ev = |change: i32, ago_s: i64| ScaleEvent {
            replica_change: change,
            timestamp_ms: NOW - ago_s * 1000,
            outdated: false,
        };
        // (name, previous events, rules (None: no behavior), expected (change, outdated), change in the last 60 s)
        #[allow(clippy::type_complexity)]
        let cases: Vec<(
            &str,
            Vec<ScaleEvent>,
            Option<ScalingRules>,
            Vec<(i32, bool)>,
            i32,
        )> = vec![
            (
                "empty entries with default behavior",
                vec![],
                None,
                vec![],
                0,
            ),
            (
                "empty entries with two-policy-behavior",
                vec![],
                Some(rules(10, 60, 100, 60, 0)),
                vec![(5, false)],
                0,
            ),
            (
                "one outdated entry to be kept untouched without behavior",
                vec![ev(7, 61)],
                None,
                vec![(7, false)],
                0,
            ),
            (
                "one outdated entry to be replaced with behavior",
                vec![ev(7, 61)],
                Some(rules(10, 60, 100, 60, 0)),
                vec![(5, false)],
                0,
            ),
            (
                "one actual entry to be not touched with behavior",
                vec![ev(7, 58)],
                Some(rules(10, 60, 100, 60, 0)),
                vec![(7, false), (5, false)],
                7,
            ),
            (
                "two entries, one of them to be replaced",
                vec![ev(7, 61), ev(6, 59)],
                Some(rules(10, 60, 0, 0, 0)),
                vec![(5, false), (6, false)],
                6,
            ),
            (
                "replace one entry, use policies with different periods",
                vec![ev(8, 29), ev(6, 59), ev(7, 61), ev(9, 61)],
                Some(rules(10, 60, 100, 30, 0)),
                vec![(8, false), (6, false), (7, true), (5, false)],
                14,
            ),
            (
                "two entries, both actual",
                vec![ev(7, 58), ev(6, 59)],
                Some(rules(10, 120, 100, 30, 0)),
                vec![(7, false), (6, false), (5, false)],
                13,
            ),
        ];
        for (name, prev, r, expected, change) in cases {
            for up in [true, false] {
                let behavior = r.clone().map(|r| Behavior {
                    scale_up: r.clone(),
                    scale_down: r,
                });
                let mut h = History::default();
                let list = if up {
                    &mut h.scale_up_events
                } else {
                    &mut h.scale_down_events
                };
                *list = prev.clone();
                assert_eq!(replicas_change_per_period(60, list, NOW), change, "{name}");
                let new = if up { 15 } else { 5 };
                h.store_scale_event(behavior.as_ref(), 10, new, NOW);
                let list = if up {
                    &h.scale_up_events
                } else {
                    &h.scale_down_events
                };
                let got: Vec<(i32, bool)> = list
                    .iter()
                    .map(|e| (e.replica_change, e.outdated))
                    .collect();
                assert_eq!(got, expected, "{name} (up: {up})");
            }
        }
    }
}
