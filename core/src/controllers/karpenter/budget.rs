//! Disruption budgets (kubernetes-sigs/karpenter v1.13.0 `pkg/apis/v1/nodepool.go`
//! `Budget.IsActive`, `Budget.GetAllowedDisruptions`, `NodePool.GetAllowedDisruptionsByReason`,
//! `MustGetAllowedDisruptions`; `pkg/controllers/disruption/helpers.go`
//! `BuildDisruptionBudgetMapping`).
//!
//! A NodePool's budgets default to `[{nodes: "10%"}]`. A budget with a `schedule` (cron, in
//! UTC) is active for `duration` after each activation. For a disruption reason, the allowed
//! number is the minimum over the active budgets that name the reason (or name none) of
//! `nodes` scaled to the NodePool's node count, rounding percentages up; no active budget
//! means unbounded (`MaxInt32`). Nodes that are NotReady or already being deleted use up
//! the allowance.
use crate::api::duration::{parse_go_duration, NANOS_PER_MILLI};
use crate::api::object::array_at;
use crate::api::Value;
use crate::controllers::cronjob::Schedule;
use crate::server::status::FieldError;
use std::collections::BTreeMap;

/// What an unbounded budget allows (`math.MaxInt32`).
pub const UNBOUNDED: i64 = i32::MAX as i64;

/// The default budget's `nodes`.
pub const DEFAULT_BUDGET_NODES: &str = "10%";

/// Why Karpenter disrupts a node (`v1.DisruptionReason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DisruptionReason {
    /// `Underutilized`: multi- and single-node consolidation.
    Underutilized,
    /// `Empty`: emptiness.
    Empty,
    /// `Drifted`: drift.
    Drifted,
}

impl DisruptionReason {
    /// Parses the API spelling.
    pub fn parse(s: &str) -> Option<DisruptionReason> {
        match s {
            "Underutilized" => Some(DisruptionReason::Underutilized),
            "Empty" => Some(DisruptionReason::Empty),
            "Drifted" => Some(DisruptionReason::Drifted),
            _ => None,
        }
    }

    /// The API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            DisruptionReason::Underutilized => "Underutilized",
            DisruptionReason::Empty => "Empty",
            DisruptionReason::Drifted => "Drifted",
        }
    }
}

/// One entry of `spec.disruption.budgets`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    /// `nodes`: a count (`"5"`) or a percentage (`"10%"`).
    pub nodes: String,
    /// `schedule`: a cron expression evaluated in UTC.
    pub schedule: Option<String>,
    /// `duration`, in nanoseconds.
    pub duration_ns: Option<i64>,
    /// `reasons`: None applies to every reason (an empty list applies to none, as upstream
    /// tests `Reasons == nil`).
    pub reasons: Option<Vec<DisruptionReason>>,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            nodes: DEFAULT_BUDGET_NODES.into(),
            schedule: None,
            duration_ns: None,
            reasons: None,
        }
    }
}

const NODES_PATTERN: &str = "^((100|[0-9]{1,2})%|[0-9]+)$";
const SCHEDULE_PATTERN: &str =
    r"^(@(annually|yearly|monthly|weekly|daily|midnight|hourly))|((.+)\s(.+)\s(.+)\s(.+)\s(.+))$";
const DURATION_PATTERN: &str = "^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$";

fn pattern_error(field: &str, value: &str, pattern: &str) -> FieldError {
    FieldError::invalid(
        field,
        format!("{value:?}"),
        format!("{field} in body should match '{pattern}'"),
    )
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `^((100|[0-9]{1,2})%|[0-9]+)$`.
fn nodes_matches(s: &str) -> bool {
    match s.strip_suffix('%') {
        Some(p) => p == "100" || (digits(p) && p.len() <= 2),
        None => digits(s),
    }
}

/// `^(@(annually|…|hourly))|((.+)\s(.+)\s(.+)\s(.+)\s(.+))$`: starts with a macro, or ends
/// with five whitespace-separated non-empty parts.
fn schedule_matches(s: &str) -> bool {
    const MACROS: [&str; 7] = [
        "@annually",
        "@yearly",
        "@monthly",
        "@weekly",
        "@daily",
        "@midnight",
        "@hourly",
    ];
    if MACROS.iter().any(|m| s.starts_with(m)) {
        return true;
    }
    // `(.+)\s(.+)\s(.+)\s(.+)\s(.+)$` on some suffix: four whitespace characters, each with
    // at least one character before it and after it. Take them greedily from the right.
    let chars: Vec<char> = s.chars().collect();
    let mut limit = chars.len() as isize - 2;
    for _ in 0..4 {
        let mut i = limit;
        loop {
            if i < 1 {
                return false;
            }
            if chars[i as usize].is_whitespace() {
                break;
            }
            i -= 1;
        }
        limit = i - 2;
    }
    true
}

/// `^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$`.
fn duration_matches(s: &str) -> bool {
    let s = s.strip_suffix("0s").filter(|r| !r.is_empty()).unwrap_or(s);
    if let Some(rest) = s.strip_suffix('m') {
        if digits(rest) {
            return true;
        }
        if let Some((h, m)) = rest.split_once('h') {
            return digits(h) && digits(m);
        }
        return false;
    }
    s.strip_suffix('h').is_some_and(digits)
}

impl Budget {
    /// Reads one budget as the NodePool CRD validates it (`nodes` defaulted to `10%` and
    /// matching its pattern, `schedule` and `duration` patterns, `reasons` enum, schedule
    /// and duration set together); `field` is its path (`spec.disruption.budgets[0]`).
    pub fn from_value(v: &Value, field: &str) -> Result<Budget, FieldError> {
        let str_field = |k: &str| -> Result<Option<String>, FieldError> {
            match v.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.to_string())),
                Some(other) => Err(FieldError::invalid(
                    format!("{field}.{k}"),
                    other.to_string(),
                    format!("{field}.{k} in body must be of type string"),
                )),
            }
        };
        let nodes = str_field("nodes")?.unwrap_or_else(|| DEFAULT_BUDGET_NODES.to_string());
        if !nodes_matches(&nodes) {
            return Err(pattern_error(
                &format!("{field}.nodes"),
                &nodes,
                NODES_PATTERN,
            ));
        }
        let schedule = str_field("schedule")?;
        if let Some(s) = &schedule {
            if !schedule_matches(s) {
                return Err(pattern_error(
                    &format!("{field}.schedule"),
                    s,
                    SCHEDULE_PATTERN,
                ));
            }
        }
        let duration_ns = match str_field("duration")? {
            None => None,
            Some(d) => {
                if !duration_matches(&d) {
                    return Err(pattern_error(
                        &format!("{field}.duration"),
                        &d,
                        DURATION_PATTERN,
                    ));
                }
                Some(parse_go_duration(&d).map_err(|e| {
                    FieldError::invalid(format!("{field}.duration"), format!("{d:?}"), e)
                })?)
            }
        };
        if schedule.is_some() != duration_ns.is_some() {
            return Err(FieldError::invalid(
                field,
                // A CEL rule of the CRD: the apiserver shows the schema type as the value.
                "\"object\"",
                "'schedule' must be set with 'duration'",
            ));
        }
        let reasons = match v.get("reasons") {
            None | Some(Value::Null) => None,
            Some(_) => {
                let mut out = Vec::new();
                for (i, r) in array_at(v, &["reasons"]).iter().enumerate() {
                    let text = r.as_str().unwrap_or("");
                    let reason = DisruptionReason::parse(text).ok_or_else(|| {
                        FieldError::not_supported(
                            format!("{field}.reasons[{i}]"),
                            format!("{text:?}"),
                            &["Underutilized", "Empty", "Drifted"],
                        )
                    })?;
                    out.push(reason);
                }
                Some(out)
            }
        };
        Ok(Budget {
            nodes,
            schedule,
            duration_ns,
            reasons,
        })
    }

    /// `IsActive`: always without schedule and duration; otherwise whether the schedule
    /// (read as `TZ=UTC <schedule>`) fires within `duration` before `now_ms` (its next
    /// activation after `now − duration` is not after now). As upstream, a schedule that
    /// never fires (robfig's zero time) counts as active.
    pub fn is_active(&self, now_ms: i64) -> Result<bool, String> {
        if self.schedule.is_none() && self.duration_ns.is_none() {
            return Ok(true);
        }
        let spec = format!("TZ=UTC {}", self.schedule.as_deref().unwrap_or(""));
        let schedule =
            Schedule::parse(&spec).map_err(|e| format!("invariant violated, invalid cron, {e}"))?;
        let duration_ms = self.duration_ns.unwrap_or(0) / NANOS_PER_MILLI;
        let checkpoint = now_ms.saturating_sub(duration_ms);
        Ok(schedule.next(checkpoint).is_none_or(|next| next <= now_ms))
    }

    /// `GetAllowedDisruptions`: [`UNBOUNDED`] while inactive, else `nodes` scaled to
    /// `num_nodes` rounding up. A bad schedule or `nodes` fails closed (the error; callers
    /// treat it as 0).
    pub fn allowed_disruptions(&self, now_ms: i64, num_nodes: i64) -> Result<i64, String> {
        if !self.is_active(now_ms)? {
            return Ok(UNBOUNDED);
        }
        scaled_nodes(&self.nodes, num_nodes)
    }

    /// Whether the budget applies to `reason` (no `reasons`, or it lists the reason).
    pub fn applies_to(&self, reason: DisruptionReason) -> bool {
        self.reasons.as_ref().is_none_or(|r| r.contains(&reason))
    }
}

/// `intstr.GetScaledValueFromIntOrPercent(GetIntStrFromValue(nodes), total, roundUp=true)`:
/// an integer as is, a percentage of `total` rounded up, with apimachinery's messages.
pub fn scaled_nodes(nodes: &str, total: i64) -> Result<i64, String> {
    if let Ok(n) = nodes.parse::<i64>() {
        return Ok(n);
    }
    let Some(p) = nodes.strip_suffix('%') else {
        return Err(
            "invalid value for IntOrString: invalid type: string is not a percentage".into(),
        );
    };
    let p: i64 = p.parse().map_err(|e: std::num::ParseIntError| {
        let why = match e.kind() {
            std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow => {
                "value out of range"
            }
            _ => "invalid syntax",
        };
        format!(
            "invalid value for IntOrString: invalid value {nodes:?}: strconv.Atoi: parsing {p:?}: {why}"
        )
    })?;
    Ok((p as f64 * total as f64 / 100.0).ceil() as i64)
}

/// `GetAllowedDisruptionsByReason`: the minimum over the budgets that apply to `reason` of
/// their allowed disruptions ([`UNBOUNDED`] when none is active). Errors of any budget are
/// returned (joined by `; `), as upstream collects them even from budgets of other reasons.
pub fn allowed_disruptions_by_reason(
    budgets: &[Budget],
    now_ms: i64,
    num_nodes: i64,
    reason: DisruptionReason,
) -> Result<i64, String> {
    let mut allowed = UNBOUNDED;
    let mut errs = Vec::new();
    for b in budgets {
        let v = match b.allowed_disruptions(now_ms, num_nodes) {
            Ok(v) => v,
            Err(e) => {
                errs.push(e);
                0
            }
        };
        if b.applies_to(reason) {
            allowed = allowed.min(v);
        }
    }
    if errs.is_empty() {
        Ok(allowed)
    } else {
        Err(errs.join("; "))
    }
}

/// `MustGetAllowedDisruptions`: [`allowed_disruptions_by_reason`], 0 on any error.
pub fn must_get_allowed_disruptions(
    budgets: &[Budget],
    now_ms: i64,
    num_nodes: i64,
    reason: DisruptionReason,
) -> i64 {
    allowed_disruptions_by_reason(budgets, now_ms, num_nodes, reason).unwrap_or(0)
}

/// What `BuildDisruptionBudgetMapping` needs to know about one node of the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BudgetNode<'a> {
    /// `karpenter.sh/nodepool` of the node.
    pub nodepool: &'a str,
    /// Owned by a NodeClaim of this cloud provider.
    pub managed: bool,
    /// `karpenter.sh/initialized` (NodeClaim Initialized).
    pub initialized: bool,
    /// The NodeClaim's `InstanceTerminating` condition is True.
    pub instance_terminating: bool,
    /// The Node's `Ready` condition is True.
    pub ready: bool,
    /// Marked for deletion (deleting, or chosen by a disruption command).
    pub marked_for_deletion: bool,
}

/// The result of [`build_disruption_budget_mapping`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BudgetMapping {
    /// NodePool → disruptions still allowed for the reason.
    pub allowed: BTreeMap<String, i64>,
    /// NodePools with nodes whose budget allows no disruption for the reason: each gets a
    /// `DisruptionBlocked` Event with [`blocked_event_message`].
    pub blocked: Vec<String>,
}

/// `BuildDisruptionBudgetMapping`: per NodePool, the budget's allowance for `reason` over
/// its managed, initialized, not instance-terminating nodes, minus those that are NotReady
/// or marked for deletion, never below 0.
pub fn build_disruption_budget_mapping(
    nodes: &[BudgetNode<'_>],
    nodepools: &[(&str, &[Budget])],
    now_ms: i64,
    reason: DisruptionReason,
) -> BudgetMapping {
    let mut num: BTreeMap<&str, i64> = BTreeMap::new();
    let mut disrupting: BTreeMap<&str, i64> = BTreeMap::new();
    for n in nodes {
        if !n.managed || !n.initialized || n.instance_terminating {
            continue;
        }
        *num.entry(n.nodepool).or_default() += 1;
        if !n.ready || n.marked_for_deletion {
            *disrupting.entry(n.nodepool).or_default() += 1;
        }
    }
    let mut out = BudgetMapping::default();
    for (name, budgets) in nodepools {
        let count = num.get(name).copied().unwrap_or(0);
        let allowed = must_get_allowed_disruptions(budgets, now_ms, count, reason);
        let used = disrupting.get(name).copied().unwrap_or(0);
        out.allowed
            .insert(name.to_string(), allowed.saturating_sub(used).max(0));
        if count != 0 && allowed == 0 {
            out.blocked.push(name.to_string());
        }
    }
    out
}

/// The message of the `DisruptionBlocked` Event on a NodePool
/// (`disruption/events/events.go` `NodePoolBlockedForDisruptionReason`).
pub fn blocked_event_message(reason: DisruptionReason) -> String {
    format!(
        "No allowed disruptions for disruption reason {} due to blocking budget",
        reason.as_str()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;
    use crate::sim::clock::parse_rfc3339;
    use DisruptionReason::*;

    const H: i64 = 3_600_000_000_000;

    fn at(s: &str) -> i64 {
        parse_rfc3339(s).unwrap_or_else(|| panic!("{s}"))
    }

    fn budget(
        nodes: &str,
        schedule: Option<&str>,
        hours: Option<i64>,
        reasons: Option<&[DisruptionReason]>,
    ) -> Budget {
        Budget {
            nodes: nodes.into(),
            schedule: schedule.map(String::from),
            duration_ns: hours.map(|h| h * H),
            reasons: reasons.map(<[DisruptionReason]>::to_vec),
        }
    }

    /// The reference's vectors: 10% of 25 nodes is 3 (rounded up); one NotReady leaves 2.
    #[test]
    fn ten_percent_of_25_nodes() {
        let budgets = [Budget::default()];
        assert_eq!(
            allowed_disruptions_by_reason(&budgets, 0, 25, Underutilized),
            Ok(3)
        );
        let mut nodes: Vec<BudgetNode> = (0..25)
            .map(|_| BudgetNode {
                nodepool: "default",
                managed: true,
                initialized: true,
                instance_terminating: false,
                ready: true,
                marked_for_deletion: false,
            })
            .collect();
        let map = build_disruption_budget_mapping(&nodes, &[("default", &budgets)], 0, Empty);
        assert_eq!(map.allowed.get("default"), Some(&3));
        nodes[0].ready = false;
        let map = build_disruption_budget_mapping(&nodes, &[("default", &budgets)], 0, Empty);
        assert_eq!(map.allowed.get("default"), Some(&2));
        assert!(map.blocked.is_empty());
        // Uninitialized and unmanaged nodes do not count; a deleting one uses the budget.
        nodes[1].initialized = false;
        nodes[2].managed = false;
        nodes[3].marked_for_deletion = true;
        let map = build_disruption_budget_mapping(&nodes, &[("default", &budgets)], 0, Empty);
        // 23 nodes -> ceil(2.3) = 3, minus 2.
        assert_eq!(map.allowed.get("default"), Some(&1));
    }

    #[test]
    fn zero_budget_blocks_and_says_so() {
        let budgets = [budget("0", None, None, None)];
        let node = BudgetNode {
            nodepool: "np",
            managed: true,
            initialized: true,
            instance_terminating: false,
            ready: true,
            marked_for_deletion: false,
        };
        let map = build_disruption_budget_mapping(
            &[node],
            &[("np", &budgets), ("idle", &budgets)],
            0,
            Drifted,
        );
        assert_eq!(map.allowed.get("np"), Some(&0));
        assert_eq!(map.blocked, ["np"]);
        assert_eq!(
            blocked_event_message(Drifted),
            "No allowed disruptions for disruption reason Drifted due to blocking budget"
        );
    }

    /// The six budgets of upstream's `nodepool_budgets_test.go`, clock 2000-06-15T12:30:30Z.
    fn upstream() -> Vec<Budget> {
        vec![
            budget("10", Some("* * * * *"), Some(1), None),
            budget("100", Some("* * * * *"), Some(1), None),
            budget("100%", Some("* * * * *"), Some(1), None),
            budget(
                "15",
                Some("* * * * *"),
                Some(1),
                Some(&[Drifted, Underutilized]),
            ),
            budget("5", Some("* * * * *"), Some(1), Some(&[Drifted])),
            budget(
                "0",
                Some("@weekly"),
                Some(1),
                Some(&[Underutilized, Drifted, Empty]),
            ),
        ]
    }

    /// `nodepool_budgets_test.go` "GetAllowedDisruptionsByReason".
    #[test]
    fn upstream_allowed_disruptions_by_reason() {
        let now = at("2000-06-15T12:30:30Z");
        let all = [Empty, Underutilized, Drifted];
        // "should return 0 for all reasons if a budget is active for all reasons".
        let mut b = upstream();
        b[5].schedule = Some("* * * * *".into());
        for r in all {
            assert_eq!(
                allowed_disruptions_by_reason(&b, now, 100, r),
                Ok(0),
                "{r:?}"
            );
        }
        // "should return MaxInt32 for all reasons when there are no active budgets".
        let mut b = upstream();
        for x in &mut b {
            x.schedule = Some("@yearly".into());
        }
        for r in all {
            assert_eq!(
                allowed_disruptions_by_reason(&b, now, 100, r),
                Ok(UNBOUNDED)
            );
        }
        // "should ignore reason-defined budgets when inactive".
        let mut b = upstream();
        b[3].schedule = Some("@yearly".into());
        b[4].schedule = Some("@yearly".into());
        for r in all {
            assert_eq!(allowed_disruptions_by_reason(&b, now, 100, r), Ok(10));
        }
        // "should return the budget for all disruption reasons when undefined".
        let b = upstream()[..1].to_vec();
        for r in all {
            assert_eq!(allowed_disruptions_by_reason(&b, now, 100, r), Ok(10));
        }
        // "should get the minimum budget for each reason".
        let mut b = upstream();
        b.push(budget("4", Some("* * * * *"), Some(1), Some(&[Empty])));
        assert_eq!(allowed_disruptions_by_reason(&b, now, 100, Empty), Ok(4));
        assert_eq!(allowed_disruptions_by_reason(&b, now, 100, Drifted), Ok(5));
        assert_eq!(
            allowed_disruptions_by_reason(&b, now, 100, Underutilized),
            Ok(10)
        );
    }

    /// `nodepool_budgets_test.go` "AllowedDisruptions".
    #[test]
    fn upstream_allowed_disruptions() {
        let now = at("2000-06-15T12:30:30Z");
        let mut b = upstream();
        assert_eq!(b[0].allowed_disruptions(now, 100), Ok(10));
        assert_eq!(b[2].allowed_disruptions(now, 100), Ok(100));
        b[0].schedule = Some("@wrongly".into());
        assert_eq!(
            b[0].allowed_disruptions(now, 100),
            Err("invariant violated, invalid cron, unrecognized descriptor: @wrongly".into())
        );
        assert_eq!(must_get_allowed_disruptions(&b, now, 100, Empty), 0);
        let mut b = upstream();
        b[0].nodes = "1000a%".into();
        assert_eq!(
            b[0].allowed_disruptions(now, 100),
            Err(r#"invalid value for IntOrString: invalid value "1000a%": strconv.Atoi: parsing "1000a": invalid syntax"#.into())
        );
        b[0].schedule = Some("@yearly".into());
        b[0].nodes = "10".into();
        assert_eq!(b[0].allowed_disruptions(now, 100), Ok(UNBOUNDED));
    }

    /// `nodepool_budgets_test.go` "IsActive".
    #[test]
    fn upstream_is_active() {
        let mut b = upstream().remove(0);
        // "should always consider a schedule and time in UTC": June 0 2000 00:00 at UTC+1 is
        // 2000-05-30T23:00:00Z; @daily for 30m is not active.
        b.schedule = Some("@daily".into());
        b.duration_ns = Some(30 * 60_000_000_000);
        assert_eq!(b.is_active(at("2000-05-30T23:00:00Z")), Ok(false));
        let now = at("2000-06-15T12:30:30Z");
        let mut always = upstream().remove(0);
        always.schedule = None;
        always.duration_ns = None;
        assert_eq!(always.is_active(now), Ok(true));
        assert_eq!(upstream()[0].is_active(now), Ok(true));
        let mut yearly = upstream().remove(0);
        yearly.schedule = Some("@yearly".into());
        assert_eq!(yearly.is_active(now), Ok(false));
        // "active when the schedule hit is in the middle of the duration": year 1000.
        yearly.duration_ns = Some(24 * H);
        assert_eq!(yearly.is_active(at("1000-01-01T12:00:00Z")), Ok(true));
        // "active when the duration is longer than the recurrence".
        let mut daily = upstream().remove(0);
        daily.schedule = Some("@daily".into());
        daily.duration_ns = Some(48 * H);
        assert_eq!(daily.is_active(at("2024-01-07T00:00:00Z")), Ok(true));
        // "inactive when the schedule hit is after the duration".
        let mut sunday = upstream().remove(0);
        sunday.schedule = Some("30 6 * * SUN".into());
        sunday.duration_ns = Some(6 * H);
        assert_eq!(sunday.is_active(at("2024-01-07T00:00:00Z")), Ok(false));
        // "should return an error indicating why the cron fails to parse".
        sunday.schedule = Some("0 0 * * tue-mon".into());
        let err = sunday
            .is_active(at("2024-01-07T00:00:00Z"))
            .expect_err("bad range");
        assert!(
            err.contains("beginning of range (2) beyond end of range (1)"),
            "{err}"
        );
    }

    #[test]
    fn scaled_values() {
        assert_eq!(scaled_nodes("10%", 25), Ok(3));
        assert_eq!(scaled_nodes("10%", 0), Ok(0));
        assert_eq!(scaled_nodes("5%", 10), Ok(1));
        assert_eq!(scaled_nodes("7", 1000), Ok(7));
        assert_eq!(
            scaled_nodes("ten", 10),
            Err("invalid value for IntOrString: invalid type: string is not a percentage".into())
        );
    }

    /// The NodePool CRD's budget validation.
    #[test]
    fn parses_and_validates_budgets() {
        let f = "spec.disruption.budgets[0]";
        let ok = Budget::from_value(
            &json!({"nodes": "20%", "schedule": "0 9 * * mon-fri", "duration": "8h", "reasons": ["Drifted"]}),
            f,
        )
        .expect("valid");
        assert_eq!(ok.duration_ns, Some(8 * H));
        assert_eq!(ok.reasons, Some(vec![Drifted]));
        assert_eq!(Budget::from_value(&json!({}), f), Ok(Budget::default()));
        let err = |v: Value| Budget::from_value(&v, f).err().map(|e| e.to_string());
        assert_eq!(
            err(json!({"nodes": "101%"})),
            Some(format!("{f}.nodes: Invalid value: \"101%\": {f}.nodes in body should match '^((100|[0-9]{{1,2}})%|[0-9]+)$'"))
        );
        assert_eq!(
            err(json!({"nodes": "1", "schedule": "@daily"})),
            Some(format!(
                "{f}: Invalid value: \"object\": 'schedule' must be set with 'duration'"
            ))
        );
        assert!(err(json!({"schedule": "@daily", "duration": "30s"}))
            .is_some_and(|e| e.contains("duration in body should match")));
        assert!(err(json!({"schedule": "* * *", "duration": "1h"}))
            .is_some_and(|e| e.contains("schedule in body should match")));
        assert!(err(json!({"reasons": ["Expired"]}))
            .is_some_and(|e| e.contains("Unsupported value: \"Expired\"")));
        for d in ["1h", "30m", "1h30m", "10m0s", "2h0s"] {
            assert!(duration_matches(d), "{d}");
        }
        for d in ["30s", "1d", "h", "1h30", "0s"] {
            assert!(!duration_matches(d), "{d}");
        }
        for s in ["* * * * *", "@daily", "0 9 * * mon-fri", "@yearly"] {
            assert!(schedule_matches(s), "{s}");
        }
        for s in ["* * * *", "@often", ""] {
            assert!(!schedule_matches(s), "{s}");
        }
    }
}
