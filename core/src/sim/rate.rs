//! Rates over virtual time: how many requests per second a `LoadProfile` sends
//! (`spec.requests`) and how many messages per second arrive at a `Queue` (`spec.arrivals`).
//!
//! A [`Rate`] is the sum of a baseline that moves in steps and linear ramps, a daily curve that
//! follows the virtual wall clock, and spikes on top, all scaled by a multiplier (the
//! playground's load slider). Steps, ramps and spikes count from the object's start (its
//! `spec.startTime`, else its creation) and may repeat with a period. Nothing happens before
//! the start. Every part has a closed-form integral, so counts over any interval are exact and
//! do not depend on how often the simulation looks: [`Rate::count`] is the number of whole
//! requests (or messages) that arrived in `(t0, t1]`.
//!
//! ```yaml
//! requests:
//!   rps: 100                               # the baseline from the start
//!   steps: [{at: 5m, rps: 400}]            # the baseline jumps at 5 minutes
//!   ramps: [{from: 10m, to: 12m, rps: 50}] # then falls linearly to 50 between 10 and 12 minutes
//!   daily: {min: 0, max: 300, peak: "14:00"} # plus a day-shaped curve peaking at 14:00 UTC
//!   spikes: [{at: 20m, duration: 30s, rps: 2000}] # plus 2000 rps for 30 s
//!   repeat: 1h                             # steps, ramps and spikes start over every hour
//!   multiplier: 1.5                        # everything times 1.5
//! ```
use crate::api::duration::{parse_go_duration, NANOS_PER_MILLI};
use crate::api::object::array_at;
use crate::api::Value;

/// Milliseconds in a day.
const DAY_MS: i64 = 86_400_000;
/// The most steps, ramps or spikes a rate may list (each is looked at on every evaluation).
pub const MAX_PARTS: usize = 256;
/// The largest rate accepted (per second).
pub const MAX_RATE: f64 = 1e9;

/// A field error of a rate (or of the objects that hold one): the field path, the value as
/// written and what is wrong. `value` is `None` for a missing field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The field path (`spec.requests.steps[0].at`).
    pub field: String,
    /// The value as written, or None when the field is required and missing.
    pub value: Option<String>,
    /// What is wrong.
    pub detail: String,
}

impl SpecError {
    /// An invalid value.
    pub fn invalid(field: impl Into<String>, value: &Value, detail: impl Into<String>) -> Self {
        SpecError {
            field: field.into(),
            value: Some(value_text(value)),
            detail: detail.into(),
        }
    }
    /// A missing required value.
    pub fn required(field: impl Into<String>, detail: impl Into<String>) -> Self {
        SpecError {
            field: field.into(),
            value: None,
            detail: detail.into(),
        }
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{:?}", s.as_str()),
        other => other.to_string(),
    }
}

/// A non-negative rate: a JSON number or a decimal string (`"2.5"`).
pub fn rate_value(v: &Value, field: &str, errs: &mut Vec<SpecError>) -> f64 {
    let n = match v {
        Value::Number(_) => v.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    match n {
        Some(n) if n.is_finite() && (0.0..=MAX_RATE).contains(&n) => n,
        _ => {
            errs.push(SpecError::invalid(
                field,
                v,
                format!("must be a number between 0 and {MAX_RATE}"),
            ));
            0.0
        }
    }
}

/// A duration: a Go duration (`90s`, `1m30s`) or a number of seconds; zero or more, at most
/// 100 years. Returns milliseconds.
pub fn duration_value(v: &Value, field: &str, errs: &mut Vec<SpecError>) -> i64 {
    const MAX_MS: i64 = 100 * 365 * DAY_MS;
    let ms = match v {
        Value::Number(_) => v
            .as_f64()
            .filter(|s| s.is_finite() && *s >= 0.0 && *s * 1000.0 <= MAX_MS as f64)
            .map(|s| (s * 1000.0).round() as i64),
        Value::String(s) => parse_go_duration(s.trim())
            .ok()
            .filter(|ns| *ns >= 0)
            .map(|ns| ns / NANOS_PER_MILLI)
            .filter(|ms| *ms <= MAX_MS),
        _ => None,
    };
    ms.unwrap_or_else(|| {
        errs.push(SpecError::invalid(
            field,
            v,
            "must be a duration such as \"90s\" or \"5m\", or a number of seconds, zero or more",
        ));
        0
    })
}

/// `"14:00"` or `"14:30:15"` → milliseconds into the day.
fn time_of_day(v: &Value, field: &str, errs: &mut Vec<SpecError>) -> i64 {
    let parsed = v.as_str().and_then(|s| {
        let parts: Vec<&str> = s.trim().split(':').collect();
        if !(2..=3).contains(&parts.len()) {
            return None;
        }
        let n = |p: &str, max: i64| p.parse::<i64>().ok().filter(|n| (0..max).contains(n));
        let h = n(parts[0], 24)?;
        let m = n(parts[1], 60)?;
        let s = match parts.get(2) {
            Some(p) => n(p, 60)?,
            None => 0,
        };
        Some(((h * 60 + m) * 60 + s) * 1000)
    });
    parsed.unwrap_or_else(|| {
        errs.push(SpecError::invalid(
            field,
            v,
            "must be a time of day, \"HH:MM\" (UTC on the virtual clock)",
        ));
        0
    })
}

/// The day-shaped part: `min` at `peak - 12h`, `max` at `peak`, a cosine in between.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Daily {
    min: f64,
    max: f64,
    peak_ms: i64,
}

impl Daily {
    fn phase(&self, t_ms: i64) -> f64 {
        let x = (t_ms - self.peak_ms).rem_euclid(DAY_MS) as f64 / DAY_MS as f64;
        2.0 * std::f64::consts::PI * x
    }
    fn at(&self, t_ms: i64) -> f64 {
        self.min + (self.max - self.min) * (1.0 + self.phase(t_ms).cos()) / 2.0
    }
    /// `∫ at dt` over `[t0, t1]`, in per-second units times seconds.
    fn integral(&self, t0: i64, t1: i64) -> f64 {
        if t1 <= t0 {
            return 0.0;
        }
        let mean = (self.min + self.max) / 2.0;
        let amp = (self.max - self.min) / 2.0;
        // Whole days contribute the mean only; the sine is periodic.
        let secs = (t1 - t0) as f64 / 1000.0;
        let day_s = DAY_MS as f64 / 1000.0;
        let w = 2.0 * std::f64::consts::PI / day_s;
        mean * secs + amp / w * (self.phase(t1).sin() - self.phase(t0).sin())
    }
}

/// A spike: `rps` more during `[at, at + duration)` after the start (of each period).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Spike {
    from_ms: i64,
    to_ms: i64,
    rps: f64,
}

/// A rate over virtual time (see the module documentation).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rate {
    /// The baseline's breakpoints, ms after the start: linear between two points, a jump where
    /// two share a time, constant after the last.
    points: Vec<(i64, f64)>,
    daily: Option<Daily>,
    spikes: Vec<Spike>,
    repeat_ms: Option<i64>,
    multiplier: f64,
}

impl Rate {
    /// Reads a rate (`spec.requests`, `spec.arrivals`) at `field`; the errors say what does not
    /// parse (the rate is then built from what does). A missing value is a rate of zero.
    pub fn parse(v: Option<&Value>, field: &str) -> (Rate, Vec<SpecError>) {
        let mut errs = Vec::new();
        let v = v.filter(|v| !v.is_null());
        let Some(v) = v else {
            return (
                Rate {
                    points: vec![(0, 0.0)],
                    multiplier: 1.0,
                    ..Default::default()
                },
                errs,
            );
        };
        if !v.is_object() {
            errs.push(SpecError::invalid(field, v, "must be an object"));
            return (Rate::default(), errs);
        }
        let f = |k: &str| format!("{field}.{k}");
        let base = v
            .get("rps")
            .filter(|x| !x.is_null())
            .map_or(0.0, |x| rate_value(x, &f("rps"), &mut errs));
        let multiplier = v
            .get("multiplier")
            .filter(|x| !x.is_null())
            .map_or(1.0, |x| rate_value(x, &f("multiplier"), &mut errs));
        // Steps and ramps, in the order they start.
        enum Change {
            Step(i64, f64),
            Ramp(i64, i64, f64),
        }
        let mut changes: Vec<(i64, usize, Change)> = Vec::new();
        for (list, key) in [("steps", 0usize), ("ramps", 1usize)] {
            let items = array_at(v, &[list]);
            if items.len() > MAX_PARTS {
                errs.push(SpecError::invalid(
                    f(list),
                    &Value::from(items.len() as i64),
                    format!("must have at most {MAX_PARTS} items"),
                ));
                continue;
            }
            for (i, item) in items.iter().enumerate() {
                let p = format!("{field}.{list}[{i}]");
                let rps = match item.get("rps").filter(|x| !x.is_null()) {
                    Some(x) => rate_value(x, &format!("{p}.rps"), &mut errs),
                    None => {
                        errs.push(SpecError::required(format!("{p}.rps"), ""));
                        0.0
                    }
                };
                let time =
                    |k: &str, errs: &mut Vec<SpecError>| match item.get(k).filter(|x| !x.is_null())
                    {
                        Some(x) => Some(duration_value(x, &format!("{p}.{k}"), errs)),
                        None => {
                            errs.push(SpecError::required(format!("{p}.{k}"), ""));
                            None
                        }
                    };
                if key == 0 {
                    if let Some(at) = time("at", &mut errs) {
                        changes.push((at, changes.len(), Change::Step(at, rps)));
                    }
                } else {
                    let from = time("from", &mut errs);
                    let to = time("to", &mut errs);
                    if let (Some(a), Some(b)) = (from, to) {
                        if b < a {
                            errs.push(SpecError::invalid(
                                format!("{p}.to"),
                                item.get("to").unwrap_or(&Value::Null),
                                "must not be before from",
                            ));
                        } else {
                            changes.push((a, changes.len(), Change::Ramp(a, b, rps)));
                        }
                    }
                }
            }
        }
        changes.sort_by_key(|(t, i, _)| (*t, *i));
        let mut points = vec![(0i64, base)];
        let mut level = base;
        for (_, _, c) in changes {
            let last_t = points.last().map_or(0, |p| p.0);
            match c {
                Change::Step(at, rps) => {
                    let at = at.max(last_t);
                    points.push((at, level));
                    points.push((at, rps));
                    level = rps;
                }
                Change::Ramp(from, to, rps) => {
                    let from = from.max(last_t);
                    let to = to.max(from);
                    points.push((from, level));
                    points.push((to, rps));
                    level = rps;
                }
            }
        }
        let daily = v.get("daily").filter(|x| !x.is_null()).map(|d| {
            let g = |k: &str, errs: &mut Vec<SpecError>| {
                d.get(k)
                    .filter(|x| !x.is_null())
                    .map_or(0.0, |x| rate_value(x, &format!("{field}.daily.{k}"), errs))
            };
            let min = g("min", &mut errs);
            let max = g("max", &mut errs);
            if max < min {
                errs.push(SpecError::invalid(
                    format!("{field}.daily.max"),
                    d.get("max").unwrap_or(&Value::Null),
                    "must not be less than min",
                ));
            }
            let peak_ms = d
                .get("peak")
                .filter(|x| !x.is_null())
                .map_or(12 * 3_600_000, |x| {
                    time_of_day(x, &format!("{field}.daily.peak"), &mut errs)
                });
            Daily {
                min,
                max: max.max(min),
                peak_ms,
            }
        });
        let mut spikes = Vec::new();
        let items = array_at(v, &["spikes"]);
        if items.len() > MAX_PARTS {
            errs.push(SpecError::invalid(
                f("spikes"),
                &Value::from(items.len() as i64),
                format!("must have at most {MAX_PARTS} items"),
            ));
        } else {
            for (i, item) in items.iter().enumerate() {
                let p = format!("{field}.spikes[{i}]");
                let get = |k: &str| item.get(k).filter(|x| !x.is_null());
                let (Some(at), Some(d), Some(r)) = (get("at"), get("duration"), get("rps")) else {
                    for k in ["at", "duration", "rps"] {
                        if get(k).is_none() {
                            errs.push(SpecError::required(format!("{p}.{k}"), ""));
                        }
                    }
                    continue;
                };
                let from_ms = duration_value(at, &format!("{p}.at"), &mut errs);
                let len = duration_value(d, &format!("{p}.duration"), &mut errs);
                let rps = rate_value(r, &format!("{p}.rps"), &mut errs);
                spikes.push(Spike {
                    from_ms,
                    to_ms: from_ms.saturating_add(len),
                    rps,
                });
            }
        }
        let repeat_ms = v.get("repeat").filter(|x| !x.is_null()).and_then(|x| {
            let before = errs.len();
            let ms = duration_value(x, &f("repeat"), &mut errs);
            if errs.len() > before {
                None
            } else if ms < 1000 {
                errs.push(SpecError::invalid(f("repeat"), x, "must be at least 1s"));
                None
            } else {
                Some(ms)
            }
        });
        (
            Rate {
                points,
                daily,
                spikes,
                repeat_ms,
                multiplier,
            },
            errs,
        )
    }

    /// The rate `t_ms` after the start, before the multiplier, without the daily part.
    fn relative(&self, r: i64) -> f64 {
        let r = match self.repeat_ms {
            Some(p) => r.rem_euclid(p),
            None => r,
        };
        let mut level = 0.0;
        // The last point at or before r, interpolated towards the next one.
        for (i, &(t, v)) in self.points.iter().enumerate() {
            if t > r {
                break;
            }
            level = v;
            if let Some(&(t2, v2)) = self.points.get(i + 1) {
                if t2 > r && t2 > t {
                    level = v + (v2 - v) * (r - t) as f64 / (t2 - t) as f64;
                }
            }
        }
        let spikes: f64 = self
            .spikes
            .iter()
            .filter(|s| s.from_ms <= r && r < s.to_ms)
            .map(|s| s.rps)
            .sum();
        level + spikes
    }

    /// Per second, at the absolute instant `t_ms`, for an object that started at `start_ms`.
    pub fn at(&self, start_ms: i64, t_ms: i64) -> f64 {
        if t_ms < start_ms {
            return 0.0;
        }
        let daily = self.daily.map_or(0.0, |d| d.at(t_ms));
        (self.relative(t_ms - start_ms) + daily) * self.multiplier
    }

    /// `∫ relative` over `[0, r]` (request·seconds), within one period.
    fn relative_integral(&self, r: i64) -> f64 {
        let mut total = 0.0;
        for w in self.points.windows(2) {
            let ((t1, v1), (t2, v2)) = (w[0], w[1]);
            if t1 >= r {
                break;
            }
            if t2 <= t1 {
                continue;
            }
            let end = t2.min(r);
            let v_end = v1 + (v2 - v1) * (end - t1) as f64 / (t2 - t1) as f64;
            total += (v1 + v_end) / 2.0 * (end - t1) as f64 / 1000.0;
        }
        if let Some(&(t, v)) = self.points.last() {
            if r > t {
                total += v * (r - t) as f64 / 1000.0;
            }
        }
        for s in &self.spikes {
            let (a, b) = (s.from_ms.min(r), s.to_ms.min(r));
            if b > a {
                total += s.rps * (b - a) as f64 / 1000.0;
            }
        }
        total
    }

    /// How many arrived from the start until `t_ms` (fractional).
    pub fn cumulative(&self, start_ms: i64, t_ms: i64) -> f64 {
        if t_ms <= start_ms {
            return 0.0;
        }
        let r = t_ms - start_ms;
        let relative = match self.repeat_ms {
            Some(p) => {
                let periods = (r / p) as f64;
                periods * self.relative_integral(p) + self.relative_integral(r % p)
            }
            None => self.relative_integral(r),
        };
        let daily = self.daily.map_or(0.0, |d| d.integral(start_ms, t_ms));
        (relative + daily) * self.multiplier
    }

    /// Whole arrivals in `(t0, t1]`: the difference of the floored cumulative counts, so
    /// counting an interval in pieces gives the same total.
    pub fn count(&self, start_ms: i64, t0: i64, t1: i64) -> i64 {
        if t1 <= t0 {
            return 0;
        }
        let c = |t: i64| self.cumulative(start_ms, t).floor().min(i64::MAX as f64) as i64;
        c(t1).saturating_sub(c(t0)).max(0)
    }

    /// The multiplier (1 unless set).
    pub fn multiplier(&self) -> f64 {
        self.multiplier
    }

    /// Whether the rate is zero at every instant.
    pub fn is_zero(&self) -> bool {
        self.multiplier == 0.0
            || (self.points.iter().all(|p| p.1 == 0.0)
                && self.spikes.iter().all(|s| s.rps == 0.0)
                && self.daily.is_none_or(|d| d.max == 0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn rate(v: Value) -> Rate {
        let (r, errs) = Rate::parse(Some(&v), "spec.requests");
        assert_eq!(errs, vec![], "{v}");
        r
    }

    const S: i64 = 1_000_000;

    #[test]
    fn steps_ramps_and_spikes_add_up() {
        let r = rate(json!({"rps": 100, "steps": [{"at": "1m", "rps": 400}],
            "ramps": [{"from": "2m", "to": "3m", "rps": 0}],
            "spikes": [{"at": 30, "duration": "10s", "rps": 1000}]}));
        assert_eq!(r.at(S, S - 1), 0.0, "nothing before the start");
        assert_eq!(r.at(S, S), 100.0);
        assert_eq!(r.at(S, S + 35_000), 1100.0, "the spike adds on top");
        assert_eq!(r.at(S, S + 40_000), 100.0, "a spike ends at at + duration");
        assert_eq!(
            r.at(S, S + 60_000),
            400.0,
            "a step takes effect at its instant"
        );
        assert_eq!(r.at(S, S + 150_000), 200.0, "half way down the ramp");
        assert_eq!(r.at(S, S + 600_000), 0.0);
        // 60 s at 100 + 10 s of 1000 more + 60 s at 400 + a 60 s ramp 400 -> 0.
        assert_eq!(
            r.cumulative(S, S + 600_000),
            6000.0 + 10_000.0 + 24_000.0 + 12_000.0
        );
        // Counting in pieces gives the same whole count as at once.
        let pieces: i64 = (0..600)
            .map(|k| r.count(S, S + k * 1000, S + (k + 1) * 1000))
            .sum();
        assert_eq!(pieces, r.count(S, S, S + 600_000));
    }

    #[test]
    fn daily_curve_peaks_at_its_time_and_averages_out_over_a_day() {
        // 2026-01-01T00:00:00Z.
        let day0 = 1_767_225_600_000;
        let r = rate(json!({"daily": {"min": 100, "max": 300, "peak": "14:00"}}));
        assert!((r.at(day0, day0 + 14 * 3_600_000) - 300.0).abs() < 1e-9);
        assert!((r.at(day0, day0 + 2 * 3_600_000) - 100.0).abs() < 1e-9);
        assert!((r.at(day0, day0 + 8 * 3_600_000) - 200.0).abs() < 1e-9);
        assert!((r.cumulative(day0, day0 + DAY_MS) - 200.0 * 86_400.0).abs() < 1e-3);
    }

    #[test]
    fn repeat_and_multiplier() {
        let r = rate(
            json!({"rps": 10, "spikes": [{"at": 0, "duration": "1m", "rps": 90}], "repeat": "10m", "multiplier": 2}),
        );
        assert_eq!(r.at(S, S + 30_000), 200.0);
        assert_eq!(
            r.at(S, S + 630_000),
            200.0,
            "the spike comes back each period"
        );
        assert_eq!(r.at(S, S + 300_000), 20.0);
        // Per period: 600 s x 10 + 60 s x 90 = 11 400, doubled.
        assert_eq!(r.cumulative(S, S + 1_200_000), 2.0 * 2.0 * 11_400.0);
    }

    #[test]
    fn reports_what_does_not_parse() {
        let (_, errs) = Rate::parse(
            Some(
                &json!({"rps": -1, "steps": [{"rps": 5}], "ramps": [{"from": "5m", "to": "1m", "rps": 1}], "daily": {"min": 1, "max": 2, "peak": "25:00"}, "repeat": "x"}),
            ),
            "spec.requests",
        );
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "spec.requests.rps",
                "spec.requests.steps[0].at",
                "spec.requests.ramps[0].to",
                "spec.requests.daily.peak",
                "spec.requests.repeat",
            ]
        );
    }
}
