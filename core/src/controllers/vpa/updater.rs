//! When the updater acts on a pod (kubernetes/autoscaler `pkg/updater/priority`,
//! `pkg/updater/restriction`), and how a recommendation becomes requests and limits at admission
//! (`pkg/utils/vpa/limit_and_request_scaling.go`).
//!
//! Quantities are compared as upstream does, by milli-value (`Quantity.MilliValue()`), for CPU
//! and memory alike.
use crate::api::{Quantity, Value};
use crate::controllers::hpa::replica_calculator::quantity_of;
use std::collections::BTreeMap;

/// A resource list: resource name to quantity.
pub type ResourceList = BTreeMap<String, Quantity>;

/// Reads a resource list (`{cpu: 250m, memory: 1Gi}`).
pub fn resource_list(v: Option<&Value>) -> ResourceList {
    v.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, q)| Some((k.to_string(), quantity_of(q)?)))
                .collect()
        })
        .unwrap_or_default()
}

/// One container's recommendation from `status.recommendation.containerRecommendations`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContainerRecommendation {
    /// `containerName`.
    pub container_name: String,
    /// `target`.
    pub target: ResourceList,
    /// `lowerBound`.
    pub lower_bound: ResourceList,
    /// `upperBound`.
    pub upper_bound: ResourceList,
}

/// Reads `status.recommendation` of a VPA object.
pub fn parse_recommendation(vpa: &Value) -> Vec<ContainerRecommendation> {
    vpa["status"]["recommendation"]["containerRecommendations"]
        .as_array()
        .map(|l| {
            l.iter()
                .map(|c| ContainerRecommendation {
                    container_name: c["containerName"].as_str().unwrap_or("").to_string(),
                    target: resource_list(c.get("target")),
                    lower_bound: resource_list(c.get("lowerBound")),
                    upper_bound: resource_list(c.get("upperBound")),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A pod's container as the updater sees it: its current requests (from
/// `status.containerStatuses[].resources` when present, else the spec).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PodContainer {
    /// The container name.
    pub name: String,
    /// Its requests.
    pub requests: ResourceList,
}

/// `PodPriority`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PodPriority {
    /// Some container's request is outside `[lowerBound, upperBound]` (or missing).
    pub outside_recommended_range: bool,
    /// Some container wants more.
    pub scale_up: bool,
    /// Sum over resources of `|request - recommended| / request`, on the pod's totals.
    pub resource_diff: f64,
}

impl PodPriority {
    /// `Less`: growing pods first, then the larger relative difference.
    pub fn less(&self, other: &PodPriority) -> bool {
        if self.scale_up != other.scale_up {
            return other.scale_up;
        }
        self.resource_diff < other.resource_diff
    }
}

/// `GetUpdatePriority`. `observed` is the pod's `vpaObservedContainers` annotation, if any:
/// containers not listed are skipped.
pub fn update_priority(
    containers: &[PodContainer],
    recommendation: &[ContainerRecommendation],
    observed: Option<&[String]>,
) -> PodPriority {
    let mut outside = false;
    let mut scale_up = false;
    let mut total_request: BTreeMap<&str, i64> = BTreeMap::new();
    let mut total_recommended: BTreeMap<&str, i64> = BTreeMap::new();
    for c in containers {
        if observed.is_some_and(|o| !o.contains(&c.name)) {
            continue;
        }
        let Some(rec) = recommendation.iter().find(|r| r.container_name == c.name) else {
            continue;
        };
        for (resource, recommended) in &rec.target {
            let e = total_recommended.entry(resource.as_str()).or_insert(0);
            *e = e.saturating_add(recommended.milli());
            match c.requests.get(resource) {
                Some(request) => {
                    let e = total_request.entry(resource.as_str()).or_insert(0);
                    *e = e.saturating_add(request.milli());
                    if recommended.milli() > request.milli() {
                        scale_up = true;
                    }
                    if rec.lower_bound.get(resource).is_some_and(|l| request < l)
                        || rec.upper_bound.get(resource).is_some_and(|u| request > u)
                    {
                        outside = true;
                    }
                }
                None => {
                    scale_up = true;
                    outside = true;
                }
            }
        }
    }
    let mut diff = 0.0;
    for (resource, recommended) in &total_recommended {
        let request = (total_request.get(resource).copied().unwrap_or(0) as f64).max(1.0);
        diff += (request - *recommended as f64).abs() / request;
    }
    PodPriority {
        outside_recommended_range: outside,
        scale_up,
        resource_diff: diff,
    }
}

/// `UpdateConfig` with the updater's default flags.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UpdateConfig {
    /// `--pod-update-threshold` (0.1).
    pub min_change_priority: f64,
    /// `--in-recommendation-bounds-eviction-lifetime-threshold` (12 h).
    pub pod_lifetime_update_threshold_ms: i64,
    /// `--evict-after-oom-threshold` (10 min).
    pub evict_after_oom_threshold_ms: i64,
    /// `--min-replicas` (2).
    pub min_replicas: i32,
    /// `--eviction-tolerance` (0.5).
    pub eviction_tolerance_fraction: f64,
}

impl Default for UpdateConfig {
    fn default() -> Self {
        UpdateConfig {
            min_change_priority: 0.1,
            pod_lifetime_update_threshold_ms: 12 * 3_600_000,
            evict_after_oom_threshold_ms: 10 * 60_000,
            min_replicas: 2,
            eviction_tolerance_fraction: 0.5,
        }
    }
}

/// A container's last termination, for the quick-OOM rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastTermination {
    /// The container name.
    pub container: String,
    /// `reason` (`OOMKilled`).
    pub reason: String,
    /// `startedAt`, epoch ms.
    pub started_ms: i64,
    /// `finishedAt`, epoch ms.
    pub finished_ms: i64,
}

/// A VPA-scaled container was OOM-killed less than `threshold` after it started.
pub fn quick_oom(terminations: &[LastTermination], threshold_ms: i64) -> bool {
    terminations.iter().any(|t| {
        t.reason == "OOMKilled" && t.finished_ms.saturating_sub(t.started_ms) < threshold_ms
    })
}

/// Why `UpdatePriorityCalculator.AddPod` passes a pod over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// `status.startTime` is missing.
    MissingStartTime,
    /// Within bounds and younger than the lifetime threshold (12 h).
    ShortLived,
    /// Within bounds and the resource diff is below the threshold (0.1).
    DiffTooLow,
    /// Quick OOM but nothing would change.
    NoResourceChange,
}

/// `AddPod`'s rule: a pod is updated when a request is outside the recommended range, or when it
/// lived the lifetime threshold and the diff reaches the threshold, or after a quick OOM (unless
/// nothing would change).
pub fn should_update(
    priority: &PodPriority,
    start_time_ms: Option<i64>,
    is_quick_oom: bool,
    now_ms: i64,
    config: &UpdateConfig,
) -> Result<(), Skip> {
    if !priority.outside_recommended_range && !is_quick_oom {
        let Some(start) = start_time_ms else {
            return Err(Skip::MissingStartTime);
        };
        if now_ms < start.saturating_add(config.pod_lifetime_update_threshold_ms) {
            return Err(Skip::ShortLived);
        }
        if priority.resource_diff < config.min_change_priority {
            return Err(Skip::DiffTooLow);
        }
    }
    if is_quick_oom && priority.resource_diff == 0.0 {
        return Err(Skip::NoResourceChange);
    }
    Ok(())
}

/// `GetSortedPods`' order: highest priority first (stable for equal priorities).
pub fn sort_by_priority<T>(pods: &mut [(T, PodPriority)]) {
    pods.sort_by(|a, b| {
        if b.1.less(&a.1) {
            std::cmp::Ordering::Less
        } else if a.1.less(&b.1) {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    });
}

/// The pods of one controller (ReplicaSet, StatefulSet, Job, ...) as the eviction restriction
/// counts them (`singleGroupStats`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplicaGroup {
    /// The controller's replica count (for a Job: its live pods).
    pub configured: i32,
    /// Live pods of the controller.
    pub live: i32,
    /// Of which Pending.
    pub pending: i32,
    /// Pods evicted by this updater run so far.
    pub evicted: i32,
}

/// `PodsEvictionRestriction.CanEvict` for a pod of `group`: a group with fewer live pods than
/// `minReplicas` (the VPA's, else 2) is left alone; Pending pods may go; otherwise at most
/// `int(configured x 0.5)` pods may be down at once (one when the tolerance rounds to zero and all
/// replicas run).
pub fn can_evict(
    group: &ReplicaGroup,
    pod_pending: bool,
    min_replicas: i32,
    tolerance_fraction: f64,
) -> bool {
    if group.live < min_replicas {
        return false;
    }
    if pod_pending {
        return true;
    }
    let tolerance = (f64::from(group.configured) * tolerance_fraction) as i32;
    let running = group.live - group.pending;
    let should_be_alive = group.configured - tolerance;
    let alive = running - group.evicted;
    alive > should_be_alive || (group.configured == running && tolerance == 0 && group.evicted == 0)
}

/// The Events of an eviction: on the pod (`EvictedByVPA`) and on the VPA (`EvictedPod`), as
/// (reason, message) pairs.
pub fn eviction_events(pod_name: &str) -> [(&'static str, String); 2] {
    [
        (
            "EvictedByVPA",
            "Pod was evicted by VPA Updater to apply resource recommendation.".to_string(),
        ),
        (
            "EvictedPod",
            format!("VPA Updater evicted Pod {pod_name} to apply resource recommendation."),
        ),
    ]
}

/// The Event of an in-place resize on the pod (`InPlaceResizedByVPA`).
pub const IN_PLACE_RESIZED: (&str, &str) = (
    "InPlaceResizedByVPA",
    "Pod was resized in place by VPA Updater.",
);

/// `getProportionalResourceLimit` in model amounts (millicores for CPU, bytes for memory): the
/// limit that keeps the original limit-to-request ratio for the new request (truncated). None
/// when there is no limit to keep.
pub fn proportional_limit(
    original_limit: Option<i64>,
    original_request: Option<i64>,
    recommended_request: i64,
) -> Option<i64> {
    let limit = original_limit.filter(|l| *l != 0)?;
    if recommended_request == 0 {
        return None;
    }
    let Some(request) = original_request.filter(|r| *r != 0) else {
        return Some(recommended_request);
    };
    if request == limit {
        return Some(recommended_request);
    }
    let scaled = i128::from(limit) * i128::from(recommended_request) / i128::from(request);
    Some(scaled.clamp(0, i128::from(i64::MAX)) as i64)
}

/// The admission controller's requests and limits for a container (`GetContainersResources` with
/// the capping processor), in model amounts: requests take the (capped) target for every resource
/// it has; with `RequestsAndLimits` limits keep their ratio to the requests, with `RequestsOnly`
/// limits stay and requests are capped to them.
pub fn admission_resources(
    controlled_values: super::spec::ControlledValues,
    target: &super::aggregate::Resources,
    requests: &super::aggregate::Resources,
    limits: &super::aggregate::Resources,
) -> (super::aggregate::Resources, super::aggregate::Resources) {
    let mut new_requests = requests.clone();
    let mut new_limits = limits.clone();
    for (resource, recommended) in target {
        let mut request = *recommended;
        match controlled_values {
            super::spec::ControlledValues::RequestsOnly => {
                // `capRecommendationToContainerLimit`.
                if let Some(limit) = limits.get(resource) {
                    request = request.min(*limit);
                }
            }
            super::spec::ControlledValues::RequestsAndLimits => {
                if let Some(limit) = proportional_limit(
                    limits.get(resource).copied(),
                    requests.get(resource).copied(),
                    request,
                ) {
                    new_limits.insert(*resource, limit);
                }
            }
        }
        new_requests.insert(*resource, request);
    }
    (new_requests, new_limits)
}

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    //! Vectors from upstream's `priority_processor_test.go`, `update_priority_calculator_test.go`
    //! and `pods_eviction_restriction_test.go`.
    use super::*;

    fn q(s: &str) -> Quantity {
        Quantity::parse(s).unwrap()
    }

    fn list(cpu: &str, memory: &str) -> ResourceList {
        let mut l = ResourceList::new();
        if !cpu.is_empty() {
            l.insert("cpu".into(), q(cpu));
        }
        if !memory.is_empty() {
            l.insert("memory".into(), q(memory));
        }
        l
    }

    fn rec(
        name: &str,
        target: (&str, &str),
        lower: (&str, &str),
        upper: (&str, &str),
    ) -> ContainerRecommendation {
        ContainerRecommendation {
            container_name: name.into(),
            target: list(target.0, target.1),
            lower_bound: list(lower.0, lower.1),
            upper_bound: list(upper.0, upper.1),
        }
    }

    fn container(name: &str, cpu: &str, memory: &str) -> PodContainer {
        PodContainer {
            name: name.into(),
            requests: list(cpu, memory),
        }
    }

    #[test]
    fn priorities_from_test_get_update_priority() {
        let c = "test-container";
        let cases: Vec<(
            &str,
            Vec<PodContainer>,
            Vec<ContainerRecommendation>,
            bool,
            f64,
            bool,
        )> = vec![
            (
                "simple scale up",
                vec![container(c, "2", "")],
                vec![rec(c, ("10", ""), ("", ""), ("", ""))],
                false,
                4.0,
                true,
            ),
            (
                "simple scale down",
                vec![container(c, "4", "")],
                vec![rec(c, ("2", ""), ("", ""), ("", ""))],
                false,
                0.5,
                false,
            ),
            (
                "no resource diff",
                vec![container(c, "2", "")],
                vec![rec(c, ("2", ""), ("", ""), ("", ""))],
                false,
                0.0,
                false,
            ),
            (
                "scale up on milliquanitites",
                vec![container(c, "10m", "")],
                vec![rec(c, ("900m", ""), ("", ""), ("", ""))],
                false,
                89.0,
                true,
            ),
            (
                "scale up outside recommended range",
                vec![container(c, "4", "")],
                vec![rec(c, ("10", ""), ("6", ""), ("14", ""))],
                true,
                1.5,
                true,
            ),
            (
                "scale down outside recommended range",
                vec![container(c, "8", "")],
                vec![rec(c, ("2", ""), ("1", ""), ("3", ""))],
                true,
                0.75,
                false,
            ),
            (
                "multiple resources, both scale up",
                vec![container(c, "3", "10M")],
                vec![rec(c, ("6", "20M"), ("", ""), ("", ""))],
                false,
                2.0,
                true,
            ),
            (
                "multiple resources, only one scale up",
                vec![container(c, "4", "10M")],
                vec![rec(c, ("2", "20M"), ("", ""), ("", ""))],
                false,
                1.5,
                true,
            ),
            (
                "multiple resources, both scale down",
                vec![container(c, "4", "20M")],
                vec![rec(c, ("2", "10M"), ("", ""), ("", ""))],
                false,
                1.0,
                false,
            ),
            (
                "multiple resources, one outside recommended range",
                vec![container(c, "4", "20M")],
                vec![rec(c, ("2", "10M"), ("1", "5M"), ("3", "30M"))],
                true,
                1.0,
                false,
            ),
            (
                "multiple containers, both scale up",
                vec![
                    container(c, "1", ""),
                    container("test-container-2", "2", ""),
                ],
                vec![
                    rec(c, ("4", ""), ("", ""), ("", "")),
                    rec("test-container-2", ("8", ""), ("", ""), ("", "")),
                ],
                false,
                3.0,
                true,
            ),
            (
                "multiple containers, both scale down",
                vec![
                    container(c, "3", ""),
                    container("test-container-2", "7", ""),
                ],
                vec![
                    rec(c, ("1", ""), ("", ""), ("", "")),
                    rec("test-container-2", ("2", ""), ("", ""), ("", "")),
                ],
                false,
                0.7,
                false,
            ),
            (
                "multiple containers, both scale up, one outside range",
                vec![
                    container(c, "1", ""),
                    container("test-container-2", "2", ""),
                ],
                vec![
                    rec(c, ("4", ""), ("1", ""), ("", "")),
                    rec("test-container-2", ("8", ""), ("3", ""), ("10", "")),
                ],
                true,
                3.0,
                true,
            ),
        ];
        for (name, containers, recs, outside, diff, up) in cases {
            let p = update_priority(&containers, &recs, None);
            assert_eq!(
                (p.outside_recommended_range, p.scale_up),
                (outside, up),
                "{name}"
            );
            assert!(
                (p.resource_diff - diff).abs() < 1e-12,
                "{name}: {}",
                p.resource_diff
            );
        }
        // Containers missing from vpaObservedContainers are skipped; a missing request counts as
        // outside the range.
        let p = update_priority(
            &[container(c, "2", "")],
            &[rec(c, ("10", ""), ("", ""), ("", ""))],
            Some(&[]),
        );
        assert_eq!(p.resource_diff, 0.0);
        let p = update_priority(
            &[container(c, "", "")],
            &[rec(c, ("10", ""), ("", ""), ("", ""))],
            None,
        );
        assert!(p.outside_recommended_range && p.scale_up);
    }

    fn prio(outside: bool, up: bool, diff: f64) -> PodPriority {
        PodPriority {
            outside_recommended_range: outside,
            scale_up: up,
            resource_diff: diff,
        }
    }

    #[test]
    fn order_and_update_rules_from_update_priority_calculator_test() {
        // TestSortPriority and TestSortPriorityResourcesDecrease.
        let mut pods = vec![
            ("POD1", prio(false, false, 4.0)),
            ("POD2", prio(false, false, 1.5)),
            ("POD3", prio(false, false, 9.0)),
            ("POD4", prio(false, false, 2.33)),
        ];
        sort_by_priority(&mut pods);
        assert_eq!(
            pods.iter().map(|p| p.0).collect::<Vec<_>>(),
            vec!["POD3", "POD1", "POD4", "POD2"]
        );
        let mut pods = vec![
            ("POD1", prio(false, true, 0.25)),
            ("POD2", prio(false, false, 0.25)),
            ("POD3", prio(false, false, 0.5)),
        ];
        sort_by_priority(&mut pods);
        assert_eq!(
            pods.iter().map(|p| p.0).collect::<Vec<_>>(),
            vec!["POD1", "POD3", "POD2"]
        );
        let start = 1_767_225_600_000;
        let hour = 3_600_000;
        let config = UpdateConfig {
            min_change_priority: 0.5,
            ..UpdateConfig::default()
        };
        // TestUpdateLonglivedPods (13 h): POD2 (diff 4) and POD3 (outside the range).
        let now = start + 13 * hour;
        assert_eq!(
            should_update(&prio(false, true, 0.25), Some(start), false, now, &config),
            Err(Skip::DiffTooLow)
        );
        assert_eq!(
            should_update(&prio(false, true, 4.0), Some(start), false, now, &config),
            Ok(())
        );
        assert_eq!(
            should_update(&prio(true, false, 0.25), Some(start), false, now, &config),
            Ok(())
        );
        // TestUpdateShortlivedPods (11 h): only the pod outside the range.
        let now = start + 11 * hour;
        assert_eq!(
            should_update(&prio(false, true, 0.25), Some(start), false, now, &config),
            Err(Skip::ShortLived)
        );
        assert_eq!(
            should_update(&prio(true, false, 0.9), Some(start), false, now, &config),
            Ok(())
        );
        // TestUpdatePodWithQuickOOM / TestDontUpdatePodWithQuickOOMNoResourceChange.
        let oom = [LastTermination {
            container: "c".into(),
            reason: "OOMKilled".into(),
            started_ms: now - 5 * 60_000,
            finished_ms: now - 3 * 60_000,
        }];
        assert!(quick_oom(&oom, config.evict_after_oom_threshold_ms));
        assert_eq!(
            should_update(&prio(false, true, 0.25), Some(start), true, now, &config),
            Ok(())
        );
        assert_eq!(
            should_update(&prio(false, false, 0.0), Some(start), true, now, &config),
            Err(Skip::NoResourceChange)
        );
        // TestUpdateNotRequired: nothing to change.
        assert_eq!(
            should_update(
                &prio(false, false, 0.0),
                Some(start),
                false,
                start + 24 * hour,
                &UpdateConfig::default()
            ),
            Err(Skip::DiffTooLow)
        );
        assert_eq!(
            should_update(&prio(false, false, 1.0), None, false, now, &config),
            Err(Skip::MissingStartTime)
        );
    }

    #[test]
    fn eviction_limits_from_pods_eviction_restriction_test() {
        let group = |configured, live, evicted| ReplicaGroup {
            configured,
            live,
            pending: 0,
            evicted,
        };
        // TestEvictionTolerance: 5 replicas at 0.8 -> 4 evictions.
        let evictable: Vec<bool> = (0..5)
            .map(|e| can_evict(&group(5, 5, e), false, 2, 0.8))
            .collect();
        assert_eq!(evictable, vec![true, true, true, true, false]);
        // TestEvictAtLeastOne: 5 replicas at 0.1 -> one eviction.
        let evictable: Vec<bool> = (0..3)
            .map(|e| can_evict(&group(5, 5, e), false, 2, 0.1))
            .collect();
        assert_eq!(evictable, vec![true, false, false]);
        // Fewer live pods than minReplicas (default 2): nothing is evicted; Pending pods always may.
        assert!(!can_evict(&group(1, 1, 0), false, 2, 0.5));
        assert!(can_evict(
            &ReplicaGroup {
                configured: 3,
                live: 3,
                pending: 1,
                evicted: 0
            },
            true,
            2,
            0.5
        ));
        assert_eq!(
            eviction_events("web-1")[1].1,
            "VPA Updater evicted Pod web-1 to apply resource recommendation."
        );
    }

    #[test]
    fn proportional_limits() {
        // Limit 2x the request stays 2x; equal limit follows the request; no limit stays unset.
        assert_eq!(proportional_limit(Some(1000), Some(500), 300), Some(600));
        assert_eq!(
            proportional_limit(Some(512 << 20), Some(512 << 20), 300 << 20),
            Some(300 << 20)
        );
        assert_eq!(proportional_limit(None, Some(500), 300), None);
        assert_eq!(proportional_limit(Some(1000), None, 300), Some(300));
        assert_eq!(
            proportional_limit(Some(i64::MAX), Some(1), 2),
            Some(i64::MAX)
        );
    }

    #[test]
    fn admission_keeps_limit_ratio_or_caps_to_limit() {
        use crate::controllers::vpa::aggregate::{ResourceName::*, Resources};
        use crate::controllers::vpa::spec::ControlledValues;
        let target = Resources::from([(Cpu, 300), (Memory, 300 << 20)]);
        let requests = Resources::from([(Cpu, 100), (Memory, 128 << 20)]);
        let limits = Resources::from([(Cpu, 200), (Memory, 256 << 20)]);
        let (r, l) = admission_resources(
            ControlledValues::RequestsAndLimits,
            &target,
            &requests,
            &limits,
        );
        assert_eq!(r, target);
        assert_eq!(l, Resources::from([(Cpu, 600), (Memory, 600 << 20)]));
        let (r, l) =
            admission_resources(ControlledValues::RequestsOnly, &target, &requests, &limits);
        assert_eq!(r, Resources::from([(Cpu, 200), (Memory, 256 << 20)]));
        assert_eq!(l, limits);
    }
}
