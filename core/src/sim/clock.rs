//! The virtual clock. Time moves only when the caller advances it (DESIGN.md, principle 2).

/// Milliseconds since the Unix epoch, virtual.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Clock {
    now_ms: i64,
}

/// The default start of virtual time.
pub const DEFAULT_START: &str = "2026-01-01T00:00:00Z";
/// The earliest virtual time: 0001-01-01T00:00:00Z (RFC 3339 has four-digit years).
pub const MIN_MS: i64 = -62_135_596_800_000;
/// The latest virtual time: 9999-12-31T23:59:59.999Z. The clock stops there.
pub const MAX_MS: i64 = 253_402_300_799_999;

impl Clock {
    pub fn at(now_ms: i64) -> Self {
        Clock { now_ms }
    }
    pub fn now_ms(&self) -> i64 {
        self.now_ms
    }
    /// Moves the clock to `ms`: never backwards, never past [`MAX_MS`].
    pub fn set(&mut self, ms: i64) {
        self.now_ms = self.now_ms.max(ms.min(MAX_MS));
    }
    /// RFC 3339 at seconds precision, as Kubernetes' `metav1.Time` serializes.
    pub fn rfc3339(&self) -> String {
        // Writes at one instant stamp the same text many times: remember the last one.
        thread_local! {
            static LAST: std::cell::RefCell<(i64, String)> = const { std::cell::RefCell::new((i64::MIN, String::new())) };
        }
        LAST.with(|l| {
            let mut l = l.borrow_mut();
            if l.0 != self.now_ms {
                *l = (self.now_ms, format_rfc3339(self.now_ms));
            }
            l.1.clone()
        })
    }
}

/// Days since the epoch of a civil date, after Howard Hinnant's `days_from_civil`.
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date (year, month, day) of a day since the epoch.
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The day of the week of a day since the epoch: 0 is Sunday (1970-01-01 was a Thursday).
pub fn weekday(days_since_epoch: i64) -> i64 {
    (days_since_epoch + 4).rem_euclid(7)
}

/// Formats epoch milliseconds as `YYYY-MM-DDTHH:MM:SSZ` (fractions are truncated, as `metav1.Time` does).
pub fn format_rfc3339(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Formats epoch milliseconds as `metav1.MicroTime` does (`RFC3339Micro`:
/// `YYYY-MM-DDTHH:MM:SS.000000Z`): Lease renew times, Event series.
pub fn format_rfc3339_micro(ms: i64) -> String {
    let seconds = format_rfc3339(ms);
    let micros = ms.rem_euclid(1000) * 1000;
    format!("{}.{micros:06}Z", seconds.trim_end_matches('Z'))
}

/// RFC 1123 with a numeric zone (`Thu, 01 Jan 2026 00:00:00 +0000`), as `kubectl describe` prints times.
pub fn format_rfc1123z(ms: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{}, {d:02} {} {y:04} {:02}:{:02}:{:02} +0000",
        DAYS[days.rem_euclid(7) as usize],
        MONTHS[(m - 1) as usize],
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Parses an RFC 3339 timestamp (`2026-01-01T00:00:00Z`, `…T00:00:00.5+02:00`) into epoch milliseconds.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        if t.bytes().all(|c| c.is_ascii_digit()) {
            t.parse().ok()
        } else {
            None
        }
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut i = 19;
    let mut frac_ms = 0i64;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return None;
        }
        let digits = &s[start..i.min(start + 3)];
        frac_ms = digits.parse::<i64>().ok()? * 10i64.pow(3 - digits.len() as u32);
    }
    let offset_s = match s.get(i..)? {
        "Z" | "z" => 0,
        tz if tz.len() == 6 && (tz.starts_with('+') || tz.starts_with('-')) && &tz[3..4] == ":" => {
            let oh = num(i + 1..i + 3)?;
            let om = num(i + 4..i + 6)?;
            let sign = if tz.starts_with('-') { -1 } else { 1 };
            sign * (oh * 3600 + om * 60)
        }
        _ => return None,
    };
    let secs = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec - offset_s;
    Some(secs * 1000 + frac_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_rfc3339() {
        for s in [
            "1970-01-01T00:00:00Z",
            "2026-01-01T00:00:00Z",
            "2024-02-29T23:59:59Z",
            "1969-12-31T23:59:59Z",
        ] {
            assert_eq!(format_rfc3339(parse_rfc3339(s).unwrap()), s);
        }
    }

    #[test]
    fn formats_rfc1123z() {
        assert_eq!(format_rfc1123z(0), "Thu, 01 Jan 1970 00:00:00 +0000");
        assert_eq!(
            format_rfc1123z(parse_rfc3339("2026-01-01T12:30:05Z").unwrap()),
            "Thu, 01 Jan 2026 12:30:05 +0000"
        );
        assert_eq!(
            format_rfc1123z(parse_rfc3339("2024-02-29T00:00:00Z").unwrap()),
            "Thu, 29 Feb 2024 00:00:00 +0000"
        );
    }

    #[test]
    fn parses_offsets_and_fractions() {
        assert_eq!(parse_rfc3339("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(parse_rfc3339("1970-01-01T00:00:01.5Z"), Some(1500));
        assert_eq!(parse_rfc3339("2026-13-01T00:00:00Z"), None);
        assert_eq!(parse_rfc3339("yesterday"), None);
    }
}
