//! Time zones for schedules evaluated in `spec.timeZone` (`time.LoadLocation` over a table of
//! the zones people use, with their current daylight saving rules; no historical changes).
use super::clock::{civil_from_days as civil, days_from_civil as days, weekday};
use super::format_rfc3339;

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;

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
    /// Coordinated Universal Time.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::parse_rfc3339;

    #[test]
    fn formats_in_the_zone_as_go_rfc3339() {
        let t = parse_rfc3339("2026-01-01T00:00:00Z").unwrap();
        assert_eq!(Zone::UTC.format(t), "2026-01-01T00:00:00Z");
        let tokyo = Zone::load("Asia/Tokyo").unwrap();
        assert_eq!(tokyo.format(t), "2026-01-01T09:00:00+09:00");
        assert_eq!(
            Zone::load("Etc/GMT+5").unwrap().format(t),
            "2025-12-31T19:00:00-05:00"
        );
        assert_eq!(Zone::load("").unwrap(), Zone::UTC);
        assert!(Zone::load("Mars/Olympus").is_err());
    }

    #[test]
    fn daylight_saving_moves_the_offset() {
        let ny = Zone::load("America/New_York").unwrap();
        let t = |s: &str| parse_rfc3339(s).unwrap();
        // 2026-03-08 02:00 local (07:00 UTC) springs forward.
        assert_eq!(ny.offset_minutes(t("2026-03-08T06:59:59Z")), -300);
        assert_eq!(ny.offset_minutes(t("2026-03-08T07:00:00Z")), -240);
        // 02:30 local does not exist that day: it is moved forward by the gap.
        let local = t("2026-03-08T02:30:00Z");
        assert_eq!(ny.to_utc(local), t("2026-03-08T07:30:00Z"));
    }
}
