//! Startup, readiness and liveness probes (`pkg/kubelet/prober`), worked out in closed form.
//!
//! A probe runs at `start + initialDelaySeconds + k·periodSeconds` (k = 0, 1, …), as the API
//! documentation describes it. Its result comes from the container's behaviour: it fails inside
//! the failure windows of the `sim.kplane.dev/*-fails` annotations (and before
//! `sim.kplane.dev/ready-seconds`), and succeeds otherwise. Results are constant between window
//! edges, so thresholds ("3 consecutive failures") are found by walking edges, not ticks: a
//! container that has run for a week costs the same as one that started a second ago.
//!
//! `timeoutSeconds` has no effect: simulated probes answer at once or fail.
use super::behaviour::Windows;
use crate::api::object::i64_at;
use crate::api::Value;

/// A probe's timing and thresholds, with upstream defaults (`SetDefaults_Probe`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    pub initial_delay_ms: i64,
    pub period_ms: i64,
    pub success_threshold: i64,
    pub failure_threshold: i64,
    /// What a failure says in the `Unhealthy` Event.
    pub failure_message: String,
}

pub const DEFAULT_PERIOD_SECONDS: i64 = 10;
pub const DEFAULT_TIMEOUT_SECONDS: i64 = 1;
pub const DEFAULT_SUCCESS_THRESHOLD: i64 = 1;
pub const DEFAULT_FAILURE_THRESHOLD: i64 = 3;

impl Probe {
    /// The probe `field` (`livenessProbe`, …) of a container spec, if set.
    pub fn of(container: &Value, field: &str) -> Option<Probe> {
        let p = container.get(field).filter(|p| p.is_object())?;
        let get = |k: &str, d: i64| i64_at(p, &[k]).unwrap_or(d);
        let mut success = get("successThreshold", DEFAULT_SUCCESS_THRESHOLD).max(1);
        if field != "readinessProbe" {
            // Validation requires 1 for liveness and startup probes.
            success = 1;
        }
        Some(Probe {
            initial_delay_ms: get("initialDelaySeconds", 0).max(0) * 1000,
            period_ms: get("periodSeconds", DEFAULT_PERIOD_SECONDS).max(1) * 1000,
            success_threshold: success,
            failure_threshold: get("failureThreshold", DEFAULT_FAILURE_THRESHOLD).max(1),
            failure_message: failure_message(p),
        })
    }

    fn tick(&self, start: i64, k: i64) -> i64 {
        start + self.initial_delay_ms + k * self.period_ms
    }

    /// The first tick index at or after absolute time `at`.
    fn first_tick_at_or_after(&self, start: i64, at: i64) -> i64 {
        let rel = at - start - self.initial_delay_ms;
        if rel <= 0 {
            0
        } else {
            (rel + self.period_ms - 1) / self.period_ms
        }
    }

    /// The first tick index `k >= k0` that completes `n` consecutive results equal to `want`
    /// (`true` = success), counting from tick `k0`.
    fn first_streak(&self, fails: &Windows, k0: i64, want: bool, n: i64) -> Option<i64> {
        let rel = |k: i64| self.initial_delay_ms + k * self.period_ms;
        let mut k = k0;
        let mut run_start = k0;
        // Each pass crosses one window edge; there are at most 2 per window.
        for _ in 0..=(2 * fails.0.len() + 1) {
            let success = !fails.fails_at(rel(k));
            let end = fails.next_edge_after(rel(k)).map(|edge| {
                let d = edge - self.initial_delay_ms;
                if d <= 0 {
                    0
                } else {
                    (d + self.period_ms - 1) / self.period_ms
                }
            });
            if success == want {
                let done = run_start + n - 1;
                if end.is_none_or(|e| done < e) {
                    return Some(done);
                }
            }
            let e = end?;
            if success != want {
                run_start = e;
            }
            k = e.max(k + 1);
        }
        None
    }
}

/// `Unhealthy` Event text per handler, as the real probers word it.
fn failure_message(p: &Value) -> String {
    if p.get("httpGet").is_some() {
        "HTTP probe failed with statuscode: 503".into()
    } else if let Some(t) = p.get("tcpSocket") {
        let port = match &t["port"] {
            Value::Number(n) => n.to_string(),
            Value::String(s) => s.to_string(),
            _ => String::new(),
        };
        format!("dial tcp :{port}: connect: connection refused")
    } else if p.get("grpc").is_some() {
        "service unhealthy (responded with \"NOT_SERVING\")".into()
    } else if let Some(cmd) = p["exec"]["command"].as_array() {
        let words: Vec<&str> = cmd.iter().filter_map(Value::as_str).collect();
        format!("command \"{}\" exited with 1", words.join(" "))
    } else {
        "probe failed".into()
    }
}

/// How the startup probe ends for a container started at `start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Startup {
    /// Started at this time (at once when there is no startup probe).
    Succeeds(i64),
    /// `failureThreshold` failures in a row at this time: the container is killed.
    Fails(i64),
    /// Never decides (cannot happen with finite windows; kept for safety).
    Pending,
}

pub fn startup(probe: Option<&Probe>, fails: &Windows, start: i64) -> Startup {
    let Some(p) = probe else {
        return Startup::Succeeds(start);
    };
    let ok = p.first_streak(fails, 0, true, 1);
    let bad = p.first_streak(fails, 0, false, p.failure_threshold);
    match (ok, bad) {
        (Some(o), Some(b)) if b < o => Startup::Fails(p.tick(start, b)),
        (Some(o), _) => Startup::Succeeds(p.tick(start, o)),
        (None, Some(b)) => Startup::Fails(p.tick(start, b)),
        (None, None) => Startup::Pending,
    }
}

/// When liveness kills a container started at `start` whose startup probe passed at `gate`.
pub fn liveness_kill(probe: Option<&Probe>, fails: &Windows, start: i64, gate: i64) -> Option<i64> {
    let p = probe?;
    let k0 = p.first_tick_at_or_after(start, gate);
    p.first_streak(fails, k0, false, p.failure_threshold)
        .map(|k| p.tick(start, k))
}

/// Readiness over time: the value at `now` (`since` when it took it, `None` before the first
/// change) and the time of the next change after `now`, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Readiness {
    pub ready: bool,
    pub since: Option<i64>,
    pub next_change: Option<i64>,
}

/// Readiness of a container started at `start` whose startup probe passed at `gate`. Without a
/// readiness probe a started container is ready (the upstream default).
pub fn readiness(
    probe: Option<&Probe>,
    fails: &Windows,
    start: i64,
    gate: i64,
    now: i64,
) -> Readiness {
    let Some(p) = probe else {
        return Readiness {
            ready: now >= gate,
            since: (now >= gate).then_some(gate),
            next_change: (now < gate).then_some(gate),
        };
    };
    let mut state = false;
    let mut since = None;
    let mut k = p.first_tick_at_or_after(start, gate);
    for _ in 0..(4 * fails.0.len() + 4) {
        let (want, n) = if state {
            (false, p.failure_threshold)
        } else {
            (true, p.success_threshold)
        };
        let Some(flip) = p.first_streak(fails, k, want, n) else {
            break;
        };
        let t = p.tick(start, flip);
        if t > now {
            return Readiness {
                ready: state,
                since,
                next_change: Some(t),
            };
        }
        state = want;
        since = Some(t);
        k = flip + 1;
    }
    Readiness {
        ready: state,
        since,
        next_change: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn probe(v: Value) -> Probe {
        Probe::of(&json!({ "readinessProbe": v }), "readinessProbe").unwrap()
    }

    fn w(text: &str) -> Windows {
        Windows::parse(text).unwrap()
    }

    #[test]
    fn defaults_are_upstream() {
        let p = Probe::of(
            &json!({"livenessProbe": {"httpGet": {"port": 80}}}),
            "livenessProbe",
        )
        .unwrap();
        assert_eq!(
            (
                p.initial_delay_ms,
                p.period_ms,
                p.success_threshold,
                p.failure_threshold
            ),
            (0, 10_000, 1, 3)
        );
    }

    #[test]
    fn liveness_kills_at_the_third_failure() {
        let p = probe(json!({"periodSeconds": 10}));
        // Fails from 25 s: ticks at 30, 40, 50 fail → killed at 50 s.
        assert_eq!(liveness_kill(Some(&p), &w("25-"), 0, 0), Some(50_000));
        // A failure window shorter than three periods never kills.
        assert_eq!(liveness_kill(Some(&p), &w("25-45"), 0, 0), None);
        // failureThreshold 1 kills at the first failing tick.
        let p1 = probe(json!({"periodSeconds": 5, "failureThreshold": 1}));
        assert_eq!(liveness_kill(Some(&p1), &w("12-"), 0, 0), Some(15_000));
    }

    #[test]
    fn startup_gates_and_can_kill() {
        // The seed's startup probe: delay 30 s, period 10 s, threshold 3.
        let p = probe(json!({"initialDelaySeconds": 30, "periodSeconds": 10}));
        // An app up after 45 s passes at the 50 s tick.
        assert_eq!(
            startup(Some(&p), &w("0-45"), 1000,),
            Startup::Succeeds(51_000)
        );
        // An app up after 60 s fails at 30, 40, 50 → killed at 50 s.
        assert_eq!(startup(Some(&p), &w("0-60"), 0), Startup::Fails(50_000));
        assert_eq!(startup(None, &w("0-60"), 7), Startup::Succeeds(7));
    }

    #[test]
    fn readiness_thresholds_and_windows() {
        let p = probe(json!({"periodSeconds": 10, "successThreshold": 2, "failureThreshold": 3}));
        let fails = w("60-120");
        // Two successes: ticks 0 and 10 → ready at 10 s.
        let r = readiness(Some(&p), &fails, 0, 0, 5_000);
        assert_eq!((r.ready, r.next_change), (false, Some(10_000)));
        let r = readiness(Some(&p), &fails, 0, 0, 10_000);
        assert_eq!((r.ready, r.since), (true, Some(10_000)));
        // Failures at 60, 70, 80 → not ready at 80 s.
        assert_eq!(r.next_change, Some(80_000));
        // Successes at 120, 130 → ready again at 130 s; then stable.
        let r = readiness(Some(&p), &fails, 0, 0, 100_000);
        assert_eq!((r.ready, r.next_change), (false, Some(130_000)));
        let r = readiness(Some(&p), &fails, 0, 0, 500_000);
        assert_eq!(
            (r.ready, r.since, r.next_change),
            (true, Some(130_000), None)
        );
        // No probe: ready once started.
        let r = readiness(None, &fails, 0, 3_000, 1_000);
        assert_eq!((r.ready, r.next_change), (false, Some(3_000)));
    }
}
