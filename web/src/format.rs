//! How numbers and states read on screen: CPU, memory, durations, pod status colours.
//! Pure functions, so they are tested on the host.

const KI: i64 = 1024;
const MI: i64 = KI * KI;
const GI: i64 = MI * KI;

/// Millicores as kubectl prints a CPU quantity: `500m`, `2`, `1.5`.
pub fn cpu(milli: i64) -> String {
    if milli % 1000 == 0 {
        format!("{}", milli / 1000)
    } else if milli < 1000 {
        format!("{milli}m")
    } else {
        trim_zeros(format!("{:.2}", milli as f64 / 1000.0))
    }
}

/// Bytes in binary units: `512Mi`, `4Gi`, `1.5Gi`.
pub fn memory(bytes: i64) -> String {
    if bytes >= GI {
        format!(
            "{}Gi",
            trim_zeros(format!("{:.1}", bytes as f64 / GI as f64))
        )
    } else if bytes >= MI {
        format!(
            "{}Mi",
            trim_zeros(format!("{:.1}", bytes as f64 / MI as f64))
        )
    } else if bytes >= KI {
        format!(
            "{}Ki",
            trim_zeros(format!("{:.1}", bytes as f64 / KI as f64))
        )
    } else {
        format!("{bytes}")
    }
}

fn trim_zeros(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// `used / total` as a percentage for a bar, clamped to 0..=100; a zero total reads as full
/// when anything is used, empty otherwise.
pub fn percent(used: i64, total: i64) -> f64 {
    if total <= 0 {
        return if used > 0 { 100.0 } else { 0.0 };
    }
    (used as f64 * 100.0 / total as f64).clamp(0.0, 100.0)
}

/// The bar's colour class for how full a resource is.
pub fn level(used: i64, total: i64) -> &'static str {
    let p = if total <= 0 {
        if used > 0 {
            101.0
        } else {
            0.0
        }
    } else {
        used as f64 * 100.0 / total as f64
    };
    if p > 100.0 {
        "over"
    } else if p >= 90.0 {
        "high"
    } else if p >= 70.0 {
        "mid"
    } else {
        "low"
    }
}

/// Virtual time elapsed since the start, as a stopwatch: `T+0s`, `T+1m05s`, `T+2h03m00s`, `T+1d02h`.
pub fn elapsed(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    let (d, h, m, sec) = (s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60);
    if d > 0 {
        format!("T+{d}d{h:02}h{m:02}m")
    } else if h > 0 {
        format!("T+{h}h{m:02}m{sec:02}s")
    } else if m > 0 {
        format!("T+{m}m{sec:02}s")
    } else {
        format!("T+{sec}s")
    }
}

/// A span of virtual time, short: `500ms`, `1s`, `1m30s`, `2h`, `1h05m`.
pub fn duration(ms: i64) -> String {
    let ms = ms.max(0);
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let s = ms / 1000;
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    match (h, m, sec) {
        (0, 0, s) => format!("{s}s"),
        (0, m, 0) => format!("{m}m"),
        (0, m, s) => format!("{m}m{s:02}s"),
        (h, 0, _) => format!("{h}h"),
        (h, m, _) => format!("{h}h{m:02}m"),
    }
}

/// Splits an RFC 3339 timestamp into date and time of day for the clock
/// (`2026-01-01T00:01:00Z` → `("2026-01-01", "00:01:00")`).
pub fn clock(rfc3339: &str) -> (String, String) {
    match rfc3339.split_once('T') {
        Some((date, rest)) => {
            let time = rest.trim_end_matches('Z');
            let time = time.split(['.', '+']).next().unwrap_or(time);
            (date.to_string(), time.to_string())
        }
        None => (String::new(), rfc3339.to_string()),
    }
}

/// The colour family of a pod's STATUS column (as `kubectl get pods` prints it).
pub fn status_class(status: &str) -> &'static str {
    match status {
        "Running" => "running",
        "Pending" | "SchedulingGated" => "pending",
        "ContainerCreating" | "PodInitializing" => "creating",
        "Terminating" => "terminating",
        "Completed" | "Succeeded" => "completed",
        s if s.starts_with("Init:") && !s.contains("Error") && !s.contains("BackOff") => "creating",
        "Unknown" => "unknown",
        _ => "failed",
    }
}

/// How kubectl names an applied object: `deployment.apps/web`, `node/node-a`.
pub fn resource_ref(api_version: &str, kind: &str, name: &str) -> String {
    let kind = kind.to_ascii_lowercase();
    match api_version.split_once('/') {
        Some((group, _)) if !group.is_empty() => format!("{kind}.{group}/{name}"),
        _ => format!("{kind}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_reads_like_kubectl() {
        assert_eq!(cpu(0), "0");
        assert_eq!(cpu(500), "500m");
        assert_eq!(cpu(2000), "2");
        assert_eq!(cpu(1500), "1.5");
        assert_eq!(cpu(1250), "1.25");
    }

    #[test]
    fn memory_uses_binary_units() {
        assert_eq!(memory(512 * MI), "512Mi");
        assert_eq!(memory(4 * GI), "4Gi");
        assert_eq!(memory(3 * GI / 2), "1.5Gi");
        assert_eq!(memory(0), "0");
    }

    #[test]
    fn bars_clamp_and_grade() {
        assert_eq!(percent(1, 0), 100.0);
        assert_eq!(percent(0, 0), 0.0);
        assert_eq!(percent(3, 2), 100.0);
        assert_eq!(percent(1, 4), 25.0);
        assert_eq!(level(1, 4), "low");
        assert_eq!(level(3, 4), "mid");
        assert_eq!(level(4, 4), "high");
        assert_eq!(level(5, 4), "over");
    }

    #[test]
    fn clock_and_elapsed() {
        assert_eq!(
            clock("2026-01-01T00:01:00Z"),
            ("2026-01-01".into(), "00:01:00".into())
        );
        assert_eq!(
            clock("2026-01-01T00:01:00.250Z"),
            ("2026-01-01".into(), "00:01:00".into())
        );
        assert_eq!(elapsed(0), "T+0s");
        assert_eq!(elapsed(65_000), "T+1m05s");
        assert_eq!(elapsed(7_380_000), "T+2h03m00s");
        assert_eq!(elapsed(93_600_000), "T+1d02h00m");
    }

    #[test]
    fn durations_are_short() {
        assert_eq!(duration(250), "250ms");
        assert_eq!(duration(1000), "1s");
        assert_eq!(duration(60_000), "1m");
        assert_eq!(duration(90_000), "1m30s");
        assert_eq!(duration(7_200_000), "2h");
        assert_eq!(duration(3_900_000), "1h05m");
    }

    #[test]
    fn statuses_have_colours() {
        assert_eq!(status_class("Running"), "running");
        assert_eq!(status_class("Pending"), "pending");
        assert_eq!(status_class("ContainerCreating"), "creating");
        assert_eq!(status_class("Init:0/1"), "creating");
        assert_eq!(status_class("Init:CrashLoopBackOff"), "failed");
        assert_eq!(status_class("CrashLoopBackOff"), "failed");
        assert_eq!(status_class("Completed"), "completed");
    }

    #[test]
    fn applied_objects_read_like_kubectl() {
        assert_eq!(
            resource_ref("apps/v1", "Deployment", "web"),
            "deployment.apps/web"
        );
        assert_eq!(resource_ref("v1", "Node", "node-a"), "node/node-a");
    }
}
