//! The CronJob controller (pkg/controller/cronjob, `cronjob_controllerv2.go`): creates a Job
//! at each time of a cron schedule, evaluated in virtual time (with a wake-up at the next
//! time), in `spec.timeZone`. `concurrencyPolicy` Allow/Forbid/Replace, `startingDeadlineSeconds`,
//! `suspend`, and the history limits for finished Jobs. Jobs are named
//! `<cronjob>-<scheduled time in minutes since the epoch>`, as upstream.
//!
//! Schedules are parsed as `robfig/cron`'s `ParseStandard` does: five fields (minute, hour,
//! day of month, month, day of week) with `*`, `?`, lists, ranges, steps and names, the macros
//! `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly` and
//! `@every <duration>`; when both day fields are restricted, either may match.
use super::job::is_finished;
use super::kind;
use crate::api::object::{self, array_at, controller_of, controller_ref, path, set_path, str_at};
use crate::api::{Map, Value};
use crate::json;
use crate::server::{EventType, Propagation, Server, ROOT};
use crate::sim::{format_rfc3339, parse_rfc3339};

const COMPONENT: &str = "cronjob-controller";
/// `batchv1.CronJobScheduledTimestampAnnotation`.
pub const SCHEDULED_TIMESTAMP: &str = "batch.kubernetes.io/cronjob-scheduled-timestamp";
const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Time zones.

/// Daylight saving rules kplane knows (the zones' current rules; no historical changes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dst {
    None,
    /// US and Canada: second Sunday of March 02:00 to first Sunday of November 02:00, local.
    Us,
    /// EU and UK: last Sunday of March to last Sunday of October, 01:00 UTC.
    Eu,
    /// South-eastern Australia: first Sunday of October 02:00 to first Sunday of April 03:00.
    Au,
    /// New Zealand: last Sunday of September 02:00 to first Sunday of April 03:00.
    Nz,
}

/// A time zone: its standard offset and daylight saving rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone {
    std_minutes: i64,
    dst: Dst,
}

const ZONES: &[(&str, i64, Dst)] = &[
    ("UTC", 0, Dst::None),
    ("Etc/UTC", 0, Dst::None),
    ("Etc/GMT", 0, Dst::None),
    ("GMT", 0, Dst::None),
    ("Etc/Universal", 0, Dst::None),
    ("Universal", 0, Dst::None),
    ("Zulu", 0, Dst::None),
    ("America/New_York", -300, Dst::Us),
    ("America/Detroit", -300, Dst::Us),
    ("America/Toronto", -300, Dst::Us),
    ("US/Eastern", -300, Dst::Us),
    ("America/Chicago", -360, Dst::Us),
    ("US/Central", -360, Dst::Us),
    ("America/Denver", -420, Dst::Us),
    ("US/Mountain", -420, Dst::Us),
    ("America/Phoenix", -420, Dst::None),
    ("America/Los_Angeles", -480, Dst::Us),
    ("America/Vancouver", -480, Dst::Us),
    ("US/Pacific", -480, Dst::Us),
    ("America/Anchorage", -540, Dst::Us),
    ("America/Halifax", -240, Dst::Us),
    ("Pacific/Honolulu", -600, Dst::None),
    ("America/Mexico_City", -360, Dst::None),
    ("America/Bogota", -300, Dst::None),
    ("America/Lima", -300, Dst::None),
    ("America/Sao_Paulo", -180, Dst::None),
    ("America/Argentina/Buenos_Aires", -180, Dst::None),
    ("Europe/London", 0, Dst::Eu),
    ("Europe/Dublin", 0, Dst::Eu),
    ("Europe/Lisbon", 0, Dst::Eu),
    ("Europe/Paris", 60, Dst::Eu),
    ("Europe/Berlin", 60, Dst::Eu),
    ("Europe/Madrid", 60, Dst::Eu),
    ("Europe/Rome", 60, Dst::Eu),
    ("Europe/Amsterdam", 60, Dst::Eu),
    ("Europe/Brussels", 60, Dst::Eu),
    ("Europe/Vienna", 60, Dst::Eu),
    ("Europe/Zurich", 60, Dst::Eu),
    ("Europe/Stockholm", 60, Dst::Eu),
    ("Europe/Oslo", 60, Dst::Eu),
    ("Europe/Copenhagen", 60, Dst::Eu),
    ("Europe/Warsaw", 60, Dst::Eu),
    ("Europe/Prague", 60, Dst::Eu),
    ("Europe/Budapest", 60, Dst::Eu),
    ("Europe/Athens", 120, Dst::Eu),
    ("Europe/Helsinki", 120, Dst::Eu),
    ("Europe/Kiev", 120, Dst::Eu),
    ("Europe/Kyiv", 120, Dst::Eu),
    ("Europe/Bucharest", 120, Dst::Eu),
    ("Europe/Sofia", 120, Dst::Eu),
    ("Europe/Istanbul", 180, Dst::None),
    ("Europe/Moscow", 180, Dst::None),
    ("Africa/Lagos", 60, Dst::None),
    ("Africa/Johannesburg", 120, Dst::None),
    ("Africa/Nairobi", 180, Dst::None),
    ("Asia/Riyadh", 180, Dst::None),
    ("Asia/Tehran", 210, Dst::None),
    ("Asia/Dubai", 240, Dst::None),
    ("Asia/Karachi", 300, Dst::None),
    ("Asia/Kolkata", 330, Dst::None),
    ("Asia/Calcutta", 330, Dst::None),
    ("Asia/Kathmandu", 345, Dst::None),
    ("Asia/Dhaka", 360, Dst::None),
    ("Asia/Bangkok", 420, Dst::None),
    ("Asia/Jakarta", 420, Dst::None),
    ("Asia/Ho_Chi_Minh", 420, Dst::None),
    ("Asia/Shanghai", 480, Dst::None),
    ("Asia/Hong_Kong", 480, Dst::None),
    ("Asia/Singapore", 480, Dst::None),
    ("Asia/Taipei", 480, Dst::None),
    ("Asia/Manila", 480, Dst::None),
    ("Australia/Perth", 480, Dst::None),
    ("Asia/Tokyo", 540, Dst::None),
    ("Asia/Seoul", 540, Dst::None),
    ("Australia/Darwin", 570, Dst::None),
    ("Australia/Adelaide", 570, Dst::Au),
    ("Australia/Brisbane", 600, Dst::None),
    ("Australia/Sydney", 600, Dst::Au),
    ("Australia/Melbourne", 600, Dst::Au),
    ("Australia/Canberra", 600, Dst::Au),
    ("Australia/Hobart", 600, Dst::Au),
    ("Pacific/Auckland", 720, Dst::Nz),
];

impl Zone {
    pub const UTC: Zone = Zone {
        std_minutes: 0,
        dst: Dst::None,
    };

    /// `time.LoadLocation` over kplane's table: "" and "UTC" are UTC, `Local` is UTC (the
    /// virtual machine's zone), `Etc/GMT±N` are fixed offsets (with POSIX's inverted sign).
    pub fn load(name: &str) -> Result<Zone, String> {
        if name.is_empty() || name == "Local" {
            return Ok(Zone::UTC);
        }
        if let Some(&(_, std_minutes, dst)) = ZONES.iter().find(|(n, _, _)| *n == name) {
            return Ok(Zone { std_minutes, dst });
        }
        if let Some(rest) = name.strip_prefix("Etc/GMT") {
            if let Ok(h) = rest.parse::<i64>() {
                if (-14..=12).contains(&h) && (rest.starts_with('+') || rest.starts_with('-')) {
                    return Ok(Zone {
                        std_minutes: -h * 60,
                        dst: Dst::None,
                    });
                }
            }
        }
        Err(format!("unknown time zone {name}"))
    }

    /// The zone's offset from UTC at the instant `utc_ms`, in minutes.
    pub fn offset_minutes(&self, utc_ms: i64) -> i64 {
        let std = self.std_minutes;
        let local_std = utc_ms + std * MINUTE_MS;
        let (year, _, _) = civil(local_std.div_euclid(DAY_MS));
        // Transition instants (UTC ms) of this year.
        let at = |y: i64, m: i64, d: i64, minutes_utc: i64| {
            days(y, m, d) * DAY_MS + minutes_utc * MINUTE_MS
        };
        let in_dst = match self.dst {
            Dst::None => false,
            Dst::Us => {
                let start = at(year, 3, nth_sunday(year, 3, 2), 120 - std);
                let end = at(year, 11, nth_sunday(year, 11, 1), 120 - (std + 60));
                utc_ms >= start && utc_ms < end
            }
            Dst::Eu => {
                let start = at(year, 3, last_sunday(year, 3), 60);
                let end = at(year, 10, last_sunday(year, 10), 60);
                utc_ms >= start && utc_ms < end
            }
            Dst::Au => {
                // Southern hemisphere: DST from October to April of the next year.
                let end = at(year, 4, nth_sunday(year, 4, 1), 180 - (std + 60));
                let start = at(year, 10, nth_sunday(year, 10, 1), 120 - std);
                utc_ms < end || utc_ms >= start
            }
            Dst::Nz => {
                let end = at(year, 4, nth_sunday(year, 4, 1), 180 - (std + 60));
                let start = at(year, 9, last_sunday(year, 9), 120 - std);
                utc_ms < end || utc_ms >= start
            }
        };
        std + if in_dst { 60 } else { 0 }
    }

    /// The instant of a local wall-clock time (`time.Date` in the zone): a time that falls in
    /// a spring-forward gap is moved forward by the gap.
    pub fn to_utc(&self, local_ms: i64) -> i64 {
        let guess = local_ms - self.std_minutes * MINUTE_MS;
        let off = self.offset_minutes(guess);
        let utc = local_ms - off * MINUTE_MS;
        let off2 = self.offset_minutes(utc);
        if off2 == off {
            utc
        } else {
            local_ms - off2 * MINUTE_MS
        }
    }

    /// RFC 3339 in the zone (`Z` at offset 0), as Go's `time.RFC3339` prints it.
    pub fn format(&self, utc_ms: i64) -> String {
        let off = self.offset_minutes(utc_ms);
        let local = format_rfc3339(utc_ms + off * MINUTE_MS);
        if off == 0 {
            return local;
        }
        let sign = if off < 0 { '-' } else { '+' };
        format!(
            "{}{sign}{:02}:{:02}",
            local.trim_end_matches('Z'),
            off.abs() / 60,
            off.abs() % 60
        )
    }
}

use crate::sim::clock::{civil_from_days as civil, days_from_civil as days};

/// 0 = Sunday.
fn weekday(day: i64) -> i64 {
    (day + 4).rem_euclid(7)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    days(ny, nm, 1) - days(y, m, 1)
}

fn nth_sunday(y: i64, m: i64, n: i64) -> i64 {
    let first = days(y, m, 1);
    1 + (7 - weekday(first)) % 7 + (n - 1) * 7
}

fn last_sunday(y: i64, m: i64) -> i64 {
    let last = days_in_month(y, m);
    last - weekday(days(y, m, last))
}

// ---------------------------------------------------------------------------------------------
// Schedules.

/// A parsed cron schedule (`cron.SpecSchedule` or `cron.ConstantDelaySchedule`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schedule {
    Spec {
        minute: u64,
        hour: u64,
        dom: u64,
        month: u64,
        dow: u64,
        /// The day-of-month / day-of-week field was `*` or `?` (robfig's star bit).
        dom_star: bool,
        dow_star: bool,
        zone: Zone,
    },
    /// `@every <duration>`: fixed intervals (whole seconds, at least one).
    Every { ms: i64 },
}

const MONTHS: &[&str] = &[
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAYS: &[&str] = &["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/// One field's bits (`getField`): a comma-separated list of ranges. Returns (bits, star).
fn field(
    expr: &str,
    min: u32,
    max: u32,
    names: &[&str],
    names_from: u32,
) -> Result<(u64, bool), String> {
    let mut bits = 0u64;
    let mut star = false;
    for part in expr.split(',') {
        let (b, s) = range(part, min, max, names, names_from)?;
        bits |= b;
        star |= s;
    }
    Ok((bits, star))
}

fn parse_int_or_name(s: &str, names: &[&str], names_from: u32) -> Result<u32, String> {
    let lower = s.to_ascii_lowercase();
    if let Some(i) = names.iter().position(|n| *n == lower) {
        return Ok(names_from + i as u32);
    }
    match s.parse::<i64>() {
        Ok(n) if n < 0 => Err(format!("negative number ({n}) not allowed: {s}")),
        Ok(n) => Ok(n.min(u32::MAX as i64) as u32),
        Err(_) => Err(format!(
            "failed to parse int from {s}: strconv.Atoi: parsing {s:?}: invalid syntax"
        )),
    }
}

/// `getRange`: `*`, `?`, `N`, `N-M`, each optionally `/step` (`N/step` means N to the max).
fn range(
    expr: &str,
    min: u32,
    max: u32,
    names: &[&str],
    names_from: u32,
) -> Result<(u64, bool), String> {
    let range_and_step: Vec<&str> = expr.split('/').collect();
    let low_and_high: Vec<&str> = range_and_step[0].split('-').collect();
    let single = low_and_high.len() == 1;
    let (mut start, mut end, mut star) = if low_and_high[0] == "*" || low_and_high[0] == "?" {
        (min, max, true)
    } else {
        let start = parse_int_or_name(low_and_high[0], names, names_from)?;
        let end = match low_and_high.len() {
            1 => start,
            2 => parse_int_or_name(low_and_high[1], names, names_from)?,
            _ => return Err(format!("too many hyphens: {expr}")),
        };
        (start, end, false)
    };
    let step = match range_and_step.len() {
        1 => 1,
        2 => {
            let step = parse_int_or_name(range_and_step[1], &[], 0)?;
            if single && !star {
                end = max;
            }
            if step > 1 {
                star = false;
            }
            step
        }
        _ => return Err(format!("too many slashes: {expr}")),
    };
    if start < min {
        return Err(format!(
            "beginning of range ({start}) below minimum ({min}): {expr}"
        ));
    }
    if end > max {
        return Err(format!(
            "end of range ({end}) above maximum ({max}): {expr}"
        ));
    }
    if start > end {
        return Err(format!(
            "beginning of range ({start}) beyond end of range ({end}): {expr}"
        ));
    }
    if step == 0 {
        return Err(format!("step of range should be a positive number: {expr}"));
    }
    let mut bits = 0u64;
    while start <= end {
        bits |= 1 << start;
        start += step;
    }
    Ok((bits, star))
}

/// A Go duration (`90s`, `1h30m`, `1.5h`, `500ms`).
fn parse_duration(s: &str) -> Option<i64> {
    let mut total = 0f64;
    let mut rest = s;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let value: f64 = rest[..n].parse().ok()?;
        rest = &rest[n..];
        let u = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = match &rest[..u] {
            "ns" => 1e-6,
            "us" | "µs" => 1e-3,
            "ms" => 1.0,
            "s" => 1000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            _ => return None,
        };
        rest = &rest[u..];
        total += value * unit;
    }
    Some(total as i64)
}

impl Schedule {
    /// `cron.ParseStandard`, with an optional `TZ=` / `CRON_TZ=` prefix naming the zone.
    pub fn parse(spec: &str) -> Result<Schedule, String> {
        Schedule::parse_in(spec, Zone::UTC)
    }

    /// Parses `spec` to be evaluated in `zone` (a `TZ=` prefix overrides it).
    pub fn parse_in(spec: &str, zone: Zone) -> Result<Schedule, String> {
        let mut spec = spec.trim();
        let mut zone = zone;
        if spec.starts_with("TZ=") || spec.starts_with("CRON_TZ=") {
            let i = spec.find(char::is_whitespace).unwrap_or(spec.len());
            let name = &spec[spec.find('=').unwrap_or(0) + 1..i];
            zone = Zone::load(name).map_err(|e| format!("provided bad location {name}: {e}"))?;
            spec = spec[i..].trim();
        }
        if spec.is_empty() {
            return Err("empty spec string".into());
        }
        if let Some(d) = spec.strip_prefix('@') {
            let standard = match d {
                "yearly" | "annually" => "0 0 1 1 *",
                "monthly" => "0 0 1 * *",
                "weekly" => "0 0 * * 0",
                "daily" | "midnight" => "0 0 * * *",
                "hourly" => "0 * * * *",
                _ => {
                    if let Some(dur) = d.strip_prefix("every ") {
                        let ms = parse_duration(dur.trim()).ok_or_else(|| {
                            format!(
                                "failed to parse duration {spec}: time: invalid duration {:?}",
                                dur.trim()
                            )
                        })?;
                        // Rounded down to whole seconds, at least one (`cron.Every`).
                        let ms = (ms / 1000 * 1000).max(1000);
                        return Ok(Schedule::Every { ms });
                    }
                    return Err(format!("unrecognized descriptor: {spec}"));
                }
            };
            return Schedule::parse_in(standard, zone);
        }
        let fields: Vec<&str> = spec.split_whitespace().collect();
        if fields.len() != 5 {
            return Err(format!(
                "expected exactly 5 fields, found {}: [{}]",
                fields.len(),
                fields.join(" ")
            ));
        }
        let (minute, _) = field(fields[0], 0, 59, &[], 0)?;
        let (hour, _) = field(fields[1], 0, 23, &[], 0)?;
        let (dom, dom_star) = field(fields[2], 1, 31, &[], 0)?;
        let (month, _) = field(fields[3], 1, 12, MONTHS, 1)?;
        let (dow, dow_star) = field(fields[4], 0, 6, DAYS, 0)?;
        Ok(Schedule::Spec {
            minute,
            hour,
            dom,
            month,
            dow,
            dom_star,
            dow_star,
            zone,
        })
    }

    /// The first activation strictly after `t_ms` (`Schedule.Next`), None if there is none
    /// within five years (e.g. `0 0 30 2 *`).
    pub fn next(&self, t_ms: i64) -> Option<i64> {
        match *self {
            Schedule::Every { ms } => Some((t_ms.div_euclid(1000) * 1000) + ms),
            Schedule::Spec {
                minute,
                hour,
                dom,
                month,
                dow,
                dom_star,
                dow_star,
                zone,
            } => {
                // Walk local days from the day of t; within a day, hours and minutes in order.
                let local_t = t_ms + zone.offset_minutes(t_ms) * MINUTE_MS;
                let first_day = local_t.div_euclid(DAY_MS) - 1;
                for day in first_day..first_day + 5 * 366 + 2 {
                    let (_, m, d) = civil(day);
                    if month & (1 << m) == 0 {
                        continue;
                    }
                    let dom_match = dom & (1 << d) != 0;
                    let dow_match = dow & (1 << weekday(day)) != 0;
                    let day_match = if dom_star || dow_star {
                        dom_match && dow_match
                    } else {
                        dom_match || dow_match
                    };
                    if !day_match {
                        continue;
                    }
                    for h in (0..24).filter(|h| hour & (1 << h) != 0) {
                        for mi in (0..60).filter(|mi| minute & (1 << mi) != 0) {
                            let local = day * DAY_MS + (h * 60 + mi) * MINUTE_MS;
                            let utc = zone.to_utc(local);
                            if utc > t_ms {
                                return Some(utc);
                            }
                        }
                    }
                }
                None
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The controller.

pub fn reconcile(s: &mut Server) {
    let cronjobs: Vec<Value> = s
        .list(ROOT, kind("batch/v1", "CronJob"), None)
        .cloned()
        .collect();
    if cronjobs.is_empty() {
        return;
    }
    let mut by_owner: std::collections::HashMap<String, Vec<Value>> = Default::default();
    for j in s.list(ROOT, kind("batch/v1", "Job"), None) {
        if let Some(uid) = controller_of(j)
            .filter(|r| r["kind"] == "CronJob")
            .and_then(|r| r["uid"].as_str())
        {
            by_owner.entry(uid.to_string()).or_default().push(j.clone());
        }
    }
    for cj in cronjobs {
        let jobs = by_owner.remove(object::uid(&cj)).unwrap_or_default();
        sync(s, &cj, jobs);
    }
}

/// `getJobName`: `<cronjob>-<scheduled time in minutes since the epoch>`.
pub fn job_name(cronjob: &str, scheduled_ms: i64) -> String {
    format!("{cronjob}-{}", scheduled_ms.div_euclid(MINUTE_MS))
}

/// The condition a finished Job ended with (`getFinishedStatus`).
fn finished_as(job: &Value) -> Option<&'static str> {
    array_at(job, &["status", "conditions"])
        .iter()
        .find_map(|c| match (c["type"].as_str(), c["status"].as_str()) {
            (Some("Complete"), Some("True")) => Some("Complete"),
            (Some("Failed"), Some("True")) => Some("Failed"),
            _ => None,
        })
}

/// Go's `time.RFC1123Z` in UTC: `Thu, 01 Jan 2026 00:00:00 +0000`.
fn rfc1123z(ms: i64) -> String {
    const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTH_NAMES: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let day = ms.div_euclid(DAY_MS);
    let (y, m, d) = civil(day);
    let secs = ms.div_euclid(1000).rem_euclid(86_400);
    format!(
        "{}, {d:02} {} {y:04} {:02}:{:02}:{:02} +0000",
        WEEKDAYS[weekday(day) as usize],
        MONTH_NAMES[(m - 1) as usize],
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// The most recent schedule time in (earliest, now], and how many there were
/// (`mostRecentScheduleTime`, counted exactly).
fn most_recent(schedule: &Schedule, earliest: i64, now: i64) -> (Option<i64>, usize) {
    let mut t = earliest;
    let mut recent = None;
    let mut count = 0;
    while let Some(n) = schedule.next(t) {
        if n > now || count >= 1_000_000 {
            break;
        }
        recent = Some(n);
        count += 1;
        t = n;
    }
    (recent, count)
}

fn event(s: &mut Server, cj: &Value, kind: EventType, reason: &str, message: &str) {
    s.event(ROOT, cj, kind, reason, message, COMPONENT);
}

fn job_ref(job: &Value) -> Value {
    json!({
        "kind": "Job",
        "namespace": object::namespace(job),
        "name": object::name(job),
        "uid": object::uid(job),
        "apiVersion": "batch/v1",
        "resourceVersion": str_at(job, &["metadata", "resourceVersion"]).unwrap_or(""),
    })
}

/// `deleteJob`: deletes the Job (background) and drops it from the active list.
fn delete_job(s: &mut Server, cj: &Value, job: &Value, active: &mut Vec<Value>) -> bool {
    let name = object::name(job).to_string();
    match s.delete(
        ROOT,
        kind("batch/v1", "Job"),
        object::namespace(job),
        &name,
        Some(Propagation::Background),
        None,
    ) {
        Ok(_) => {
            active.retain(|r| r["uid"] != object::uid(job));
            event(
                s,
                cj,
                EventType::Normal,
                "SuccessfulDelete",
                &format!("Deleted job {name}"),
            );
            true
        }
        Err(e) => {
            event(
                s,
                cj,
                EventType::Warning,
                "FailedDelete",
                &format!("Deleted job: {}", e.message),
            );
            false
        }
    }
}

fn sync(s: &mut Server, cj: &Value, jobs: Vec<Value>) {
    let now = s.clock.now_ms();
    let mut active: Vec<Value> = array_at(cj, &["status", "active"]).to_vec();
    let mut last_schedule = path(cj, &["status", "lastScheduleTime"]).cloned();
    let mut last_success = path(cj, &["status", "lastSuccessfulTime"]).cloned();

    for j in &jobs {
        let uid = object::uid(j);
        let listed = active.iter().any(|r| r["uid"] == uid);
        let finished = is_finished(j);
        if !listed && !finished {
            event(
                s,
                cj,
                EventType::Warning,
                "UnexpectedJob",
                &format!(
                    "Saw a job that the controller did not create or forgot: {}",
                    object::name(j)
                ),
            );
        } else if listed && finished {
            active.retain(|r| r["uid"] != uid);
            event(
                s,
                cj,
                EventType::Normal,
                "SawCompletedJob",
                &format!(
                    "Saw completed job: {}, condition: {}",
                    object::name(j),
                    finished_as(j).unwrap_or("")
                ),
            );
        }
        if finished_as(j) == Some("Complete") {
            if let Some(t) = path(j, &["status", "completionTime"]) {
                let newer = last_success
                    .as_ref()
                    .and_then(Value::as_str)
                    .and_then(parse_rfc3339)
                    .is_none_or(|l| t.as_str().and_then(parse_rfc3339).is_some_and(|c| c > l));
                if newer {
                    last_success = Some(t.clone());
                }
            }
        }
    }
    // Active Jobs that are gone.
    let gone: Vec<Value> = active
        .iter()
        .filter(|r| {
            !jobs
                .iter()
                .any(|j| object::uid(j) == r["uid"].as_str().unwrap_or(""))
        })
        .cloned()
        .collect();
    for r in gone {
        event(
            s,
            cj,
            EventType::Normal,
            "MissingJob",
            &format!(
                "Active job went missing: {}",
                r["name"].as_str().unwrap_or("")
            ),
        );
        active.retain(|a| a["uid"] != r["uid"]);
    }

    if !object::is_terminating(cj) {
        schedule(s, cj, &jobs, now, &mut active, &mut last_schedule);
        cleanup_finished(s, cj, &jobs, &mut active);
    }

    let mut status = Map::new();
    if !active.is_empty() {
        status.insert("active", Value::from(active));
    }
    if let Some(t) = last_schedule {
        status.insert("lastScheduleTime", t);
    }
    if let Some(t) = last_success {
        status.insert("lastSuccessfulTime", t);
    }
    let mut new = cj.clone();
    new["status"] = Value::Object(status);
    let _ = s.update_status(ROOT, &new);
}

/// The scheduling part of `syncCronJob`.
fn schedule(
    s: &mut Server,
    cj: &Value,
    jobs: &[Value],
    now: i64,
    active: &mut Vec<Value>,
    last_schedule: &mut Option<Value>,
) {
    let zone_name = str_at(cj, &["spec", "timeZone"]);
    let zone = match zone_name.map(Zone::load) {
        Some(Err(e)) => {
            event(
                s,
                cj,
                EventType::Warning,
                "UnknownTimeZone",
                &format!("invalid timeZone: {:?}: {e}", zone_name.unwrap_or("")),
            );
            return;
        }
        Some(Ok(z)) => z,
        None => Zone::UTC,
    };
    if path(cj, &["spec", "suspend"]) == Some(&json!(true)) {
        return;
    }
    let spec = str_at(cj, &["spec", "schedule"]).unwrap_or("");
    if zone_name.is_none() && spec.contains("TZ") {
        event(
            s,
            cj,
            EventType::Warning,
            "UnsupportedSchedule",
            &format!("CRON_TZ or TZ used in schedule {spec:?} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details"),
        );
    }
    let sched = match Schedule::parse_in(spec, zone) {
        Ok(sc) => sc,
        Err(e) => {
            event(
                s,
                cj,
                EventType::Warning,
                "UnparseableSchedule",
                &format!("unparseable schedule: {spec:?} : {e}"),
            );
            return;
        }
    };
    let created = str_at(cj, &["metadata", "creationTimestamp"])
        .and_then(parse_rfc3339)
        .unwrap_or(now);
    let last = last_schedule
        .as_ref()
        .and_then(Value::as_str)
        .and_then(parse_rfc3339);
    let mut earliest = last.unwrap_or(created);
    let deadline = object::i64_at(cj, &["spec", "startingDeadlineSeconds"]);
    if let Some(d) = deadline {
        earliest = earliest.max(now - d * 1000);
    }
    // Whatever happens, look again at the next schedule time.
    if let Some(next) = sched.next(now) {
        s.timers.wake_at(next);
    }
    let (recent, missed) = most_recent(&sched, earliest, now);
    let Some(scheduled) = recent else {
        if sched.next(earliest).is_none() {
            event(
                s,
                cj,
                EventType::Warning,
                "InvalidSchedule",
                &format!("invalid schedule: {spec} : time difference between two schedules is less than 1 second"),
            );
        }
        return;
    };
    if missed > 100 {
        event(
            s,
            cj,
            EventType::Warning,
            "TooManyMissedTimes",
            "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew",
        );
    }
    if deadline.is_some_and(|d| scheduled + d * 1000 < now) {
        event(
            s,
            cj,
            EventType::Warning,
            "MissSchedule",
            &format!(
                "Missed scheduled time to start a job: {}",
                rfc1123z(scheduled)
            ),
        );
        return;
    }
    let name = job_name(object::name(cj), scheduled);
    if active.iter().any(|r| r["name"] == name.as_str()) || last == Some(scheduled) {
        return;
    }
    let policy = str_at(cj, &["spec", "concurrencyPolicy"]).unwrap_or("Allow");
    if policy == "Forbid" && !active.is_empty() {
        event(
            s,
            cj,
            EventType::Normal,
            "JobAlreadyActive",
            "Not starting job because prior execution is running and concurrency policy is Forbid",
        );
        return;
    }
    if policy == "Replace" {
        let running: Vec<Value> = active
            .iter()
            .filter_map(|r| {
                jobs.iter()
                    .find(|j| object::uid(j) == r["uid"].as_str().unwrap_or(""))
            })
            .cloned()
            .collect();
        for j in running {
            if !delete_job(s, cj, &j, active) {
                return;
            }
        }
    }
    let job = job_from_template(cj, &name, scheduled, zone);
    let created = match s.create(ROOT, job) {
        Ok(j) => {
            event(
                s,
                cj,
                EventType::Normal,
                "SuccessfulCreate",
                &format!("Created job {name}"),
            );
            j
        }
        Err(e) if e.code == 409 => {
            let Some(existing) = s
                .get(ROOT, kind("batch/v1", "Job"), object::namespace(cj), &name)
                .cloned()
            else {
                return;
            };
            let ours = controller_of(&existing).is_some_and(|r| r["uid"] == object::uid(cj));
            if !ours || active.iter().any(|r| r["uid"] == object::uid(&existing)) {
                return;
            }
            existing
        }
        Err(e) => {
            event(
                s,
                cj,
                EventType::Warning,
                "FailedCreate",
                &format!("Error creating job: {}", e.message),
            );
            return;
        }
    };
    active.push(job_ref(&created));
    *last_schedule = Some(json!(format_rfc3339(scheduled)));
}

/// `getJobFromTemplate2`: the job template's metadata and spec, the scheduled time as an
/// annotation (in the CronJob's zone), the CronJob as controller.
fn job_from_template(cj: &Value, name: &str, scheduled: i64, zone: Zone) -> Value {
    let template = path(cj, &["spec", "jobTemplate"])
        .cloned()
        .unwrap_or(json!({}));
    let mut meta = json!({
        "name": name,
        "namespace": object::namespace(cj),
        "ownerReferences": [controller_ref(cj)],
    });
    if let Some(l) = path(&template, &["metadata", "labels"]) {
        meta["labels"] = l.clone();
    }
    if let Some(a) = path(&template, &["metadata", "annotations"]) {
        meta["annotations"] = a.clone();
    }
    set_path(
        &mut meta,
        &["annotations", SCHEDULED_TIMESTAMP],
        json!(zone.format(scheduled)),
    );
    json!({
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": meta,
        "spec": template.get("spec").cloned().unwrap_or(json!({})),
    })
}

/// `cleanupFinishedJobs`: finished Jobs beyond `successfulJobsHistoryLimit` (Complete) and
/// `failedJobsHistoryLimit` (Failed) are deleted, the earliest started first.
fn cleanup_finished(s: &mut Server, cj: &Value, jobs: &[Value], active: &mut Vec<Value>) {
    for (condition, limit_field) in [
        ("Complete", "successfulJobsHistoryLimit"),
        ("Failed", "failedJobsHistoryLimit"),
    ] {
        let Some(limit) = object::i64_at(cj, &["spec", limit_field]) else {
            continue;
        };
        let mut finished: Vec<&Value> = jobs
            .iter()
            .filter(|j| finished_as(j) == Some(condition) && !object::is_terminating(j))
            .collect();
        let excess = finished.len() as i64 - limit.max(0);
        if excess <= 0 {
            continue;
        }
        // `byJobStartTime`: no start time last, then by start time, then by name.
        finished.sort_by_key(|j| {
            let start = str_at(j, &["status", "startTime"]).and_then(parse_rfc3339);
            (start.is_none(), start, object::name(j).to_string())
        });
        for j in finished.into_iter().take(excess as usize) {
            delete_job(s, cj, j, active);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> i64 {
        parse_rfc3339(s).unwrap()
    }

    fn next_n(schedule: &str, zone: &str, from: &str, n: usize) -> Vec<String> {
        let z = Zone::load(zone).unwrap();
        let sc = Schedule::parse_in(schedule, z).unwrap();
        let mut out = Vec::new();
        let mut at = t(from);
        for _ in 0..n {
            at = sc.next(at).unwrap();
            out.push(z.format(at));
        }
        out
    }

    #[test]
    fn parses_standard_fields_macros_and_rejects_bad_specs() {
        let ok = [
            "* * * * *",
            "*/5 * * * *",
            "0 0 * * 0",
            "0 9-17/2 * * MON-FRI",
            "30 6 1,15 * *",
            "0 0 1 jan,JUL ?",
            "@hourly",
            "@daily",
            "@midnight",
            "@weekly",
            "@monthly",
            "@yearly",
            "@annually",
            "@every 90s",
            "TZ=Asia/Tokyo 0 9 * * *",
            "CRON_TZ=UTC 0 9 * * *",
        ];
        for spec in ok {
            assert!(Schedule::parse(spec).is_ok(), "{spec}");
        }
        let bad = [
            ("", "empty spec string"),
            ("* * * *", "expected exactly 5 fields, found 4: [* * * *]"),
            ("* * * * * *", "expected exactly 5 fields, found 6"),
            ("60 * * * *", "end of range (60) above maximum (59): 60"),
            ("* 24 * * *", "end of range (24) above maximum (23): 24"),
            ("* * 0 * *", "beginning of range (0) below minimum (1): 0"),
            ("* * * 13 *", "end of range (13) above maximum (12): 13"),
            ("* * * * 7", "end of range (7) above maximum (6): 7"),
            (
                "5-1 * * * *",
                "beginning of range (5) beyond end of range (1): 5-1",
            ),
            (
                "*/0 * * * *",
                "step of range should be a positive number: */0",
            ),
            ("1-2-3 * * * *", "too many hyphens: 1-2-3"),
            ("*/2/3 * * * *", "too many slashes: */2/3"),
            ("@fortnightly", "unrecognized descriptor: @fortnightly"),
            ("x * * * *", "failed to parse int from x"),
            (
                "TZ=Mars/Olympus 0 * * * *",
                "provided bad location Mars/Olympus",
            ),
        ];
        for (spec, want) in bad {
            let err = Schedule::parse(spec).unwrap_err();
            assert!(err.starts_with(want), "{spec}: {err}");
        }
    }

    #[test]
    fn next_times_match_robfig_cron() {
        // (schedule, zone, from, the next three activations)
        let cases: &[(&str, &str, &str, [&str; 3])] = &[
            (
                "*/5 * * * *",
                "UTC",
                "2026-01-01T00:00:00Z",
                [
                    "2026-01-01T00:05:00Z",
                    "2026-01-01T00:10:00Z",
                    "2026-01-01T00:15:00Z",
                ],
            ),
            (
                "* * * * *",
                "UTC",
                "2026-01-01T00:00:30Z",
                [
                    "2026-01-01T00:01:00Z",
                    "2026-01-01T00:02:00Z",
                    "2026-01-01T00:03:00Z",
                ],
            ),
            (
                "@hourly",
                "UTC",
                "2026-01-01T10:59:59Z",
                [
                    "2026-01-01T11:00:00Z",
                    "2026-01-01T12:00:00Z",
                    "2026-01-01T13:00:00Z",
                ],
            ),
            (
                "@daily",
                "UTC",
                "2026-01-01T00:00:00Z",
                [
                    "2026-01-02T00:00:00Z",
                    "2026-01-03T00:00:00Z",
                    "2026-01-04T00:00:00Z",
                ],
            ),
            // 2026-01-01 is a Thursday.
            (
                "@weekly",
                "UTC",
                "2026-01-01T00:00:00Z",
                [
                    "2026-01-04T00:00:00Z",
                    "2026-01-11T00:00:00Z",
                    "2026-01-18T00:00:00Z",
                ],
            ),
            (
                "@monthly",
                "UTC",
                "2026-01-15T00:00:00Z",
                [
                    "2026-02-01T00:00:00Z",
                    "2026-03-01T00:00:00Z",
                    "2026-04-01T00:00:00Z",
                ],
            ),
            (
                "@yearly",
                "UTC",
                "2026-01-01T00:00:00Z",
                [
                    "2027-01-01T00:00:00Z",
                    "2028-01-01T00:00:00Z",
                    "2029-01-01T00:00:00Z",
                ],
            ),
            (
                "0 9-17/4 * * MON-FRI",
                "UTC",
                "2026-01-02T12:00:00Z",
                [
                    "2026-01-02T13:00:00Z",
                    "2026-01-02T17:00:00Z",
                    "2026-01-05T09:00:00Z",
                ],
            ),
            // Both day fields restricted: either matches (the 13th, or any Friday).
            (
                "0 0 13 * 5",
                "UTC",
                "2026-02-01T00:00:00Z",
                [
                    "2026-02-06T00:00:00Z",
                    "2026-02-13T00:00:00Z",
                    "2026-02-20T00:00:00Z",
                ],
            ),
            // A star day field: both must match (Fridays only).
            (
                "0 0 * * 5",
                "UTC",
                "2026-02-01T00:00:00Z",
                [
                    "2026-02-06T00:00:00Z",
                    "2026-02-13T00:00:00Z",
                    "2026-02-20T00:00:00Z",
                ],
            ),
            // `*/2` is not a star: both restricted, so odd days OR Sundays.
            (
                "0 0 */2 * 0",
                "UTC",
                "2026-02-01T00:00:00Z",
                [
                    "2026-02-03T00:00:00Z",
                    "2026-02-05T00:00:00Z",
                    "2026-02-07T00:00:00Z",
                ],
            ),
            (
                "0 0 29 2 *",
                "UTC",
                "2026-01-01T00:00:00Z",
                [
                    "2028-02-29T00:00:00Z",
                    "2032-02-29T00:00:00Z",
                    "2036-02-29T00:00:00Z",
                ],
            ),
            (
                "5/15 * * * *",
                "UTC",
                "2026-01-01T00:00:00Z",
                [
                    "2026-01-01T00:05:00Z",
                    "2026-01-01T00:20:00Z",
                    "2026-01-01T00:35:00Z",
                ],
            ),
            (
                "@every 90s",
                "UTC",
                "2026-01-01T00:00:00Z",
                [
                    "2026-01-01T00:01:30Z",
                    "2026-01-01T00:03:00Z",
                    "2026-01-01T00:04:30Z",
                ],
            ),
            (
                "0 9 * * *",
                "Asia/Tokyo",
                "2026-01-01T00:00:00Z",
                [
                    "2026-01-02T09:00:00+09:00",
                    "2026-01-03T09:00:00+09:00",
                    "2026-01-04T09:00:00+09:00",
                ],
            ),
            (
                "30 2 * * *",
                "Asia/Kolkata",
                "2026-01-01T00:00:00Z",
                [
                    "2026-01-02T02:30:00+05:30",
                    "2026-01-03T02:30:00+05:30",
                    "2026-01-04T02:30:00+05:30",
                ],
            ),
            // US daylight saving starts on 2026-03-08: 9:00 local moves from 14:00 to 13:00 UTC.
            (
                "0 9 * * *",
                "America/New_York",
                "2026-03-06T15:00:00Z",
                [
                    "2026-03-07T09:00:00-05:00",
                    "2026-03-08T09:00:00-04:00",
                    "2026-03-09T09:00:00-04:00",
                ],
            ),
            // EU summer time ends on 2026-10-25.
            (
                "0 6 * * *",
                "Europe/Berlin",
                "2026-10-23T12:00:00Z",
                [
                    "2026-10-24T06:00:00+02:00",
                    "2026-10-25T06:00:00+01:00",
                    "2026-10-26T06:00:00+01:00",
                ],
            ),
            (
                "0 12 * * *",
                "Etc/GMT+5",
                "2026-01-01T00:00:00Z",
                [
                    "2026-01-01T12:00:00-05:00",
                    "2026-01-02T12:00:00-05:00",
                    "2026-01-03T12:00:00-05:00",
                ],
            ),
            // Sydney is on daylight time in January (+11) and standard time in July (+10).
            (
                "0 8 1 1,7 *",
                "Australia/Sydney",
                "2026-01-01T00:00:00Z",
                [
                    "2026-07-01T08:00:00+10:00",
                    "2027-01-01T08:00:00+11:00",
                    "2027-07-01T08:00:00+10:00",
                ],
            ),
        ];
        for (schedule, zone, from, want) in cases {
            assert_eq!(
                next_n(schedule, zone, from, 3),
                want,
                "{schedule} in {zone} from {from}"
            );
        }
    }

    #[test]
    fn impossible_schedules_have_no_next_time() {
        assert_eq!(
            Schedule::parse("0 0 30 2 *")
                .unwrap()
                .next(t("2026-01-01T00:00:00Z")),
            None
        );
    }

    #[test]
    fn job_names_and_timestamps() {
        assert_eq!(
            job_name("hello", t("2026-01-01T00:01:00Z")),
            "hello-29453761"
        );
        assert_eq!(
            rfc1123z(t("2026-01-01T00:00:00Z")),
            "Thu, 01 Jan 2026 00:00:00 +0000"
        );
        assert_eq!(
            Zone::UTC.format(t("2026-01-01T00:00:00Z")),
            "2026-01-01T00:00:00Z"
        );
        let tokyo = Zone::load("Asia/Tokyo").unwrap();
        assert_eq!(
            tokyo.format(t("2026-01-01T00:00:00Z")),
            "2026-01-01T09:00:00+09:00"
        );
        assert!(Zone::load("Mars/Olympus").is_err());
    }

    #[test]
    fn most_recent_counts_missed_times() {
        let sc = Schedule::parse("* * * * *").unwrap();
        let (recent, n) = most_recent(&sc, t("2026-01-01T00:00:00Z"), t("2026-01-01T00:10:30Z"));
        assert_eq!(recent, Some(t("2026-01-01T00:10:00Z")));
        assert_eq!(n, 10);
        assert_eq!(
            most_recent(&sc, t("2026-01-01T00:00:00Z"), t("2026-01-01T00:00:59Z")),
            (None, 0)
        );
    }
}
