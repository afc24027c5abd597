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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recommendation {
    /// The unstabilized recommendation.
    pub replicas: i32,
    /// When it was made, epoch ms.
    pub timestamp_ms: i64,
}

/// `timestampedScaleEvent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScaleEvent {
    /// The absolute change of replicas.
    pub replica_change: i32,
    /// When the change was made, epoch ms.
    pub timestamp_ms: i64,
    /// Older than the longest policy period: the slot may be reused.
    pub outdated: bool,
}

/// What the controller remembers about one HPA between syncs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
