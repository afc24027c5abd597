//! Cron schedules as `robfig/cron` v3's `ParseStandard` reads them (the parser the CronJob
//! controller and KEDA's cron scaler use): five fields (minute, hour, day of month, month, day
//! of week) with `*`, `?`, lists, ranges, steps and names, the macros `@yearly`, `@annually`,
//! `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly` and `@every <duration>`; when both
//! day fields are restricted, either may match. A `TZ=` or `CRON_TZ=` prefix names the zone.
use super::duration::{parse_go_duration, NANOS_PER_MILLI};
use crate::sim::clock::{civil_from_days as civil, weekday};
use crate::sim::tz::Zone;

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;

/// A parsed cron schedule (`cron.SpecSchedule` or `cron.ConstantDelaySchedule`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schedule {
    /// Five fields, each a bit set of the values it allows.
    Spec {
        /// Minutes 0-59.
        minute: u64,
        /// Hours 0-23.
        hour: u64,
        /// Days of the month 1-31.
        dom: u64,
        /// Months 1-12.
        month: u64,
        /// Days of the week 0-6 (Sunday is 0).
        dow: u64,
        /// The day-of-month field was `*` or `?` (robfig's star bit).
        dom_star: bool,
        /// The day-of-week field was `*` or `?`.
        dow_star: bool,
        /// The zone the fields are read in.
        zone: Zone,
    },
    /// `@every <duration>`: fixed intervals (whole seconds, at least one).
    Every {
        /// The interval in milliseconds.
        ms: i64,
    },
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
        match start.checked_add(step) {
            Some(next) => start = next,
            None => break,
        }
    }
    Ok((bits, star))
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
                        let ns = parse_go_duration(dur.trim())
                            .map_err(|e| format!("failed to parse duration {spec}: {e}"))?;
                        // `cron.Every`: at least one second, rounded down to whole seconds.
                        let ns = ns.max(1_000_000_000);
                        let ms = (ns - ns % 1_000_000_000) / NANOS_PER_MILLI;
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
    /// Instants outside the virtual clock's range have none.
    pub fn next(&self, t_ms: i64) -> Option<i64> {
        if !(crate::sim::clock::MIN_MS..=crate::sim::clock::MAX_MS).contains(&t_ms) {
            return None;
        }
        match *self {
            Schedule::Every { ms } => Some((t_ms.div_euclid(1000) * 1000).saturating_add(ms)),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::parse_rfc3339;

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
            // robfig's parseDescriptor with Go's time.ParseDuration errors.
            (
                "@every 1x",
                "failed to parse duration @every 1x: time: unknown unit \"x\" in duration \"1x\"",
            ),
            ("@every", "unrecognized descriptor: @every"),
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
    fn every_rounds_down_to_whole_seconds_of_at_least_one() {
        // cron.Every: durations below a second are a second; fractions of a second are dropped.
        for (spec, ms) in [
            ("@every 500ms", 1_000),
            ("@every 1.9s", 1_000),
            ("@every 1h30m", 5_400_000),
            ("@every -5s", 1_000),
        ] {
            assert_eq!(Schedule::parse(spec), Ok(Schedule::Every { ms }), "{spec}");
        }
    }

    #[test]
    fn huge_steps_and_numbers_are_errors_or_single_values_never_panics() {
        let sc = Schedule::parse("*/4294967295 * * * *").unwrap();
        assert_eq!(
            sc.next(t("2026-01-01T00:00:30Z")),
            Some(t("2026-01-01T01:00:00Z"))
        );
        assert!(Schedule::parse("99999999999 * * * *").is_err());
    }

    /// Fuzzing finding (fuzz target `cron`): `next` overflowed (`attempt to add with
    /// overflow`) for instants near `i64::MAX`; outside the clock's range there is no next run.
    #[test]
    fn next_outside_the_clock_range_is_none() {
        let s = Schedule::parse("*/5 * * * *").unwrap();
        assert_eq!(s.next(i64::MAX - 1), None);
        assert_eq!(s.next(i64::MIN + 1), None);
        let every = Schedule::parse("@every 1h").unwrap();
        assert_eq!(every.next(i64::MAX), None);
        assert!(s.next(t("2026-01-01T00:00:00Z")).is_some());
    }
}
