//! Container behaviour: what the simulated process does, set by `sim.kplane.dev/*` annotations
//! on the pod (or its template). Real clusters get this from the running software; kplane
//! reads it from the manifest. Every key is documented in `kubelet/README.md`.
//!
//! An annotation without a suffix (`sim.kplane.dev/crash-seconds`) applies to every container
//! in `spec.containers`; `sim.kplane.dev/crash-seconds.<container>` applies to the named
//! container (regular, init or sidecar) and wins over the unsuffixed one.
use crate::api::object::{array_at, path, str_at};
use crate::api::quantity::Quantity;
use crate::api::Value;
use crate::sim::load::PodDemand;

pub const PREFIX: &str = "sim.kplane.dev/";
/// Pod: seconds from landing on the node until the sandbox is up and containers can start.
pub const START_SECONDS: &str = "sim.kplane.dev/start-seconds";
/// Container: image pull time, on the container's first start in the pod.
pub const PULL_SECONDS: &str = "sim.kplane.dev/pull-seconds";
/// Container: the application answers no probe until this many seconds after it starts.
pub const READY_SECONDS: &str = "sim.kplane.dev/ready-seconds";
/// Container: the process exits this many seconds after it starts…
pub const EXIT_SECONDS: &str = "sim.kplane.dev/exit-seconds";
/// …with this exit code (default 0).
pub const EXIT_CODE: &str = "sim.kplane.dev/exit-code";
/// Container: shorthand for `exit-seconds` with exit code 1.
pub const CRASH_SECONDS: &str = "sim.kplane.dev/crash-seconds";
/// Container: only the first N runs exit (or crash); later runs keep running.
pub const EXIT_TIMES: &str = "sim.kplane.dev/exit-times";
/// Container: failure windows of each probe, seconds since the container started.
pub const STARTUP_FAILS: &str = "sim.kplane.dev/startup-fails";
pub const READINESS_FAILS: &str = "sim.kplane.dev/readiness-fails";
pub const LIVENESS_FAILS: &str = "sim.kplane.dev/liveness-fails";
/// Container: steady CPU and memory use (quantities).
pub const CPU: &str = "sim.kplane.dev/cpu";
pub const MEMORY: &str = "sim.kplane.dev/memory";
/// Container: seconds the process takes to exit after SIGTERM.
pub const TERMINATION_SECONDS: &str = "sim.kplane.dev/termination-seconds";

/// Every behaviour key (without the container suffix), for validation.
pub const KEYS: &[&str] = &[
    START_SECONDS,
    PULL_SECONDS,
    READY_SECONDS,
    EXIT_SECONDS,
    EXIT_CODE,
    CRASH_SECONDS,
    EXIT_TIMES,
    STARTUP_FAILS,
    READINESS_FAILS,
    LIVENESS_FAILS,
    CPU,
    MEMORY,
    TERMINATION_SECONDS,
];

/// Seconds from binding until the containers can start, unless `start-seconds` says otherwise.
pub const DEFAULT_START_SECONDS: f64 = 1.0;
/// A (non-sidecar) init container finishes with exit code 0 after this long by default.
pub const DEFAULT_INIT_SECONDS: f64 = 1.0;
/// Seconds a process takes to exit after SIGTERM by default.
pub const DEFAULT_TERMINATION_SECONDS: f64 = 0.0;
/// Usage of a container that declares none: an idle process.
pub const DEFAULT_MILLI_CPU: i64 = 1;
pub const DEFAULT_MEMORY: i64 = 4 * 1024 * 1024;

/// Time windows, in milliseconds since the container started, during which a probe fails.
/// `[from, to)`; `to` is `None` for "from then on".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Windows(pub Vec<(i64, Option<i64>)>);

impl Windows {
    pub fn fails_at(&self, rel_ms: i64) -> bool {
        self.0
            .iter()
            .any(|(a, b)| rel_ms >= *a && b.is_none_or(|b| rel_ms < b))
    }

    /// The first window edge strictly after `rel_ms` (where the result may change).
    pub fn next_edge_after(&self, rel_ms: i64) -> Option<i64> {
        self.0
            .iter()
            .flat_map(|(a, b)| [Some(*a), *b])
            .flatten()
            .filter(|e| *e > rel_ms)
            .min()
    }

    /// Adds "fails before `ms`" (the application is not up yet).
    fn with_prefix(mut self, ms: i64) -> Windows {
        if ms > 0 {
            self.0.push((0, Some(ms)));
        }
        self
    }

    /// `"60-120"`, `"60-120,300-"`, `"30-"` or `"30"` (= `"30-"`), in seconds (durations
    /// such as `1m30s` work too).
    pub fn parse(text: &str) -> Option<Windows> {
        let mut out = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (a, b) = match part.split_once('-') {
                Some((a, b)) => (a.trim(), Some(b.trim())),
                None => (part, None),
            };
            let from = parse_seconds(a)?;
            let to = match b {
                None | Some("") => None,
                Some(b) => Some(parse_seconds(b)?),
            };
            if to.is_some_and(|t| t < from) {
                return None;
            }
            out.push((secs_to_ms(from), to.map(secs_to_ms)));
        }
        Some(Windows(out))
    }
}

/// Seconds → milliseconds, clamped to a year (no behaviour needs longer).
pub fn secs_to_ms(s: f64) -> i64 {
    (s.clamp(0.0, 365.0 * 86_400.0) * 1000.0).round() as i64
}

/// `"90"`, `"90s"`, `"1.5m"`, `"2h"`, `"1m30s"` → seconds. Negative or malformed → `None`.
pub fn parse_seconds(text: &str) -> Option<f64> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if let Ok(v) = t.parse::<f64>() {
        return (v.is_finite() && v >= 0.0).then_some(v);
    }
    let mut total = 0.0;
    let mut num = String::new();
    let mut seen_unit = false;
    for c in t.chars() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let unit = match c {
            'h' => 3600.0,
            'm' => 60.0,
            's' => 1.0,
            _ => return None,
        };
        let v: f64 = num.parse().ok()?;
        total += v * unit;
        num.clear();
        seen_unit = true;
    }
    if !num.is_empty() || !seen_unit || !total.is_finite() {
        return None;
    }
    Some(total)
}

/// The annotations of a pod, with the container-suffix lookup rule.
pub struct Annotations<'a> {
    map: Option<&'a crate::api::Map>,
}

impl<'a> Annotations<'a> {
    pub fn of(pod: &'a Value) -> Self {
        Annotations {
            map: path(pod, &["metadata", "annotations"]).and_then(Value::as_object),
        }
    }

    fn raw(&self, key: &str) -> Option<&'a str> {
        self.map?.get(key)?.as_str()
    }

    /// `key.<container>`, else `key` when the container is a regular one.
    pub fn lookup(&self, key: &str, container: &str, regular: bool) -> Option<&'a str> {
        self.map?;
        self.raw(&format!("{key}.{container}"))
            .or_else(|| if regular { self.raw(key) } else { None })
    }

    /// Behaviour annotations that do not parse, as `(key, value)`.
    pub fn invalid(&self) -> Vec<(String, String)> {
        let Some(map) = self.map else {
            return vec![];
        };
        map.iter()
            .filter(|(k, _)| k.starts_with(PREFIX))
            .filter_map(|(k, v)| {
                let base = KEYS
                    .iter()
                    .find(|b| k.as_str() == **b || k.starts_with(&format!("{b}.")))?;
                let text = v.as_str().unwrap_or("");
                let ok = match *base {
                    STARTUP_FAILS | READINESS_FAILS | LIVENESS_FAILS => {
                        Windows::parse(text).is_some()
                    }
                    CPU | MEMORY => Quantity::parse(text).is_ok_and(|q| !q.is_negative()),
                    EXIT_CODE | EXIT_TIMES => text.trim().parse::<i64>().is_ok_and(|n| n >= 0),
                    _ => parse_seconds(text).is_some(),
                };
                (!ok).then(|| (k.to_string(), text.to_string()))
            })
            .collect()
    }
}

/// What one container does.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Behaviour {
    pub pull_ms: i64,
    /// The process exits `ms` after it starts with `code`, on its first `times` runs (all runs
    /// when `None`).
    pub exit: Option<Exit>,
    pub startup_fails: Windows,
    pub readiness_fails: Windows,
    pub liveness_fails: Windows,
    pub milli_cpu: i64,
    pub memory: i64,
    pub termination_ms: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exit {
    pub after_ms: i64,
    pub code: i64,
    pub times: Option<i64>,
}

impl Exit {
    /// Whether the run after `restarts` restarts exits.
    pub fn applies(&self, restarts: i64) -> bool {
        self.times.is_none_or(|t| restarts < t)
    }
}

/// Which list a container comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Init,
    Sidecar,
    Regular,
}

impl Behaviour {
    pub fn of(ann: &Annotations, name: &str, kind: Kind) -> Behaviour {
        let regular = kind == Kind::Regular;
        let secs = |key: &str| ann.lookup(key, name, regular).and_then(parse_seconds);
        let int = |key: &str| {
            ann.lookup(key, name, regular)
                .and_then(|v| v.trim().parse::<i64>().ok())
                .filter(|v| *v >= 0)
        };
        let windows = |key: &str| {
            ann.lookup(key, name, regular)
                .and_then(Windows::parse)
                .unwrap_or_default()
        };
        let quantity = |key: &str| {
            ann.lookup(key, name, regular)
                .and_then(|v| Quantity::parse(v).ok())
                .filter(|q| !q.is_negative())
        };
        let times = int(EXIT_TIMES);
        let exit = match (secs(CRASH_SECONDS), secs(EXIT_SECONDS)) {
            (Some(c), e) if e.is_none_or(|e| c <= e) => Some(Exit {
                after_ms: secs_to_ms(c),
                code: 1,
                times,
            }),
            (_, Some(e)) => Some(Exit {
                after_ms: secs_to_ms(e),
                code: int(EXIT_CODE).unwrap_or(0).min(255),
                times,
            }),
            (None, None) if kind == Kind::Init => Some(Exit {
                after_ms: secs_to_ms(DEFAULT_INIT_SECONDS),
                code: int(EXIT_CODE).unwrap_or(0).min(255),
                times,
            }),
            _ => None,
        };
        let ready_ms = secs(READY_SECONDS).map(secs_to_ms).unwrap_or(0);
        Behaviour {
            pull_ms: secs(PULL_SECONDS).map(secs_to_ms).unwrap_or(0),
            exit,
            startup_fails: windows(STARTUP_FAILS).with_prefix(ready_ms),
            readiness_fails: windows(READINESS_FAILS).with_prefix(ready_ms),
            liveness_fails: windows(LIVENESS_FAILS).with_prefix(ready_ms),
            milli_cpu: quantity(CPU).map_or(DEFAULT_MILLI_CPU, |q| q.milli()),
            memory: quantity(MEMORY).map_or(DEFAULT_MEMORY, |q| q.value()),
            termination_ms: secs_to_ms(
                secs(TERMINATION_SECONDS).unwrap_or(DEFAULT_TERMINATION_SECONDS),
            ),
        }
    }
}

/// The pod's sandbox start latency (`sim.kplane.dev/start-seconds`, default 1 s).
pub fn start_ms(pod: &Value) -> i64 {
    let v = str_at(pod, &["metadata", "annotations", START_SECONDS])
        .and_then(parse_seconds)
        .unwrap_or(DEFAULT_START_SECONDS);
    secs_to_ms(v)
}

/// Current resource use of one container, as `kubectl top` and the autoscalers read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerUsage {
    pub name: String,
    /// CPU in millicores, after CFS throttling to the limit.
    pub milli_cpu: i64,
    /// Working-set memory in bytes.
    pub memory: i64,
    /// The container wants more CPU than its limit allows.
    pub throttled: bool,
}

/// The container's CPU limit in millicores, if any.
pub fn cpu_limit(container: &Value) -> Option<i64> {
    quantity_at(container, &["resources", "limits", "cpu"]).map(|q| q.milli())
}

/// The container's memory limit in bytes, if any.
pub fn memory_limit(container: &Value) -> Option<i64> {
    quantity_at(container, &["resources", "limits", "memory"]).map(|q| q.value())
}

fn quantity_at(v: &Value, keys: &[&str]) -> Option<Quantity> {
    match path(v, keys)? {
        Value::String(s) => Quantity::parse(s).ok(),
        Value::Number(n) => Quantity::parse(&n.to_string()).ok(),
        _ => None,
    }
}

/// The steady resource use of every running container of `pod` (init containers, sidecars
/// and regular containers, in spec order): the `sim.kplane.dev/cpu` and `…/memory`
/// annotations, CPU capped at the container's limit. Nothing is stored: usage is a pure
/// function of the pod, so reading it costs no writes.
pub fn usage(pod: &Value) -> Vec<ContainerUsage> {
    usage_with(pod, None, 100)
}

/// [`usage`] with the simulated demand on the pod (`sim::load`: LoadProfile requests, Queue
/// messages) added to its serving container (the demand's, else the first regular one), and
/// the CPU for the same work scaled to `cpu_percent` of runc's (a sandboxed runtime's penalty,
/// [`super::runtime::Handler::cpu_percent`]), before the limit caps it.
pub fn usage_with(
    pod: &Value,
    demand: Option<&PodDemand>,
    cpu_percent: i64,
) -> Vec<ContainerUsage> {
    let ann = Annotations::of(pod);
    let serving = demand.map(|d| serving_container(pod, d));
    let mut out = Vec::new();
    for (list, statuses) in [
        ("initContainers", "initContainerStatuses"),
        ("containers", "containerStatuses"),
    ] {
        for c in array_at(pod, &["spec", list]) {
            let name = c["name"].as_str().unwrap_or("");
            let running = array_at(pod, &["status", statuses])
                .iter()
                .any(|s| s["name"] == name && s["state"].get("running").is_some());
            if !running {
                continue;
            }
            let kind = match (list, c["restartPolicy"].as_str()) {
                ("containers", _) => Kind::Regular,
                (_, Some("Always")) => Kind::Sidecar,
                _ => Kind::Init,
            };
            let b = Behaviour::of(&ann, name, kind);
            let (extra_cpu, extra_memory) = match (demand, serving.as_deref()) {
                (Some(d), Some(s)) if s == name => d.extra(),
                _ => (0, 0),
            };
            let want = b
                .milli_cpu
                .saturating_add(extra_cpu)
                .saturating_mul(cpu_percent.max(0))
                / 100;
            let limit = cpu_limit(c);
            let throttled = limit.is_some_and(|l| want > l);
            out.push(ContainerUsage {
                name: name.to_string(),
                milli_cpu: limit.map_or(want, |l| want.min(l)),
                memory: b.memory.saturating_add(extra_memory),
                throttled,
            });
        }
    }
    out
}

/// The container that serves a pod's demand: the one it names, else the first regular one.
pub fn serving_container(pod: &Value, demand: &PodDemand) -> String {
    demand
        .container
        .clone()
        .or_else(|| {
            array_at(pod, &["spec", "containers"])
                .first()
                .and_then(|c| c["name"].as_str())
                .map(str::to_string)
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn parses_seconds_and_windows() {
        assert_eq!(parse_seconds("90"), Some(90.0));
        assert_eq!(parse_seconds("1m30s"), Some(90.0));
        assert_eq!(parse_seconds("1.5m"), Some(90.0));
        assert_eq!(parse_seconds("-1"), None);
        assert_eq!(parse_seconds("soon"), None);
        let w = Windows::parse("60-120, 300-").unwrap();
        assert_eq!(w.0, vec![(60_000, Some(120_000)), (300_000, None)]);
        assert!(!w.fails_at(59_999) && w.fails_at(60_000) && !w.fails_at(120_000));
        assert!(w.fails_at(1_000_000));
        assert_eq!(w.next_edge_after(60_000), Some(120_000));
        assert_eq!(Windows::parse("30").unwrap().0, vec![(30_000, None)]);
        assert!(Windows::parse("50-10").is_none());
    }

    #[test]
    fn suffixed_annotations_win_and_plain_ones_skip_init_containers() {
        let pod = json!({"metadata": {"annotations": {
            "sim.kplane.dev/crash-seconds": "5",
            "sim.kplane.dev/crash-seconds.side": "7",
            "sim.kplane.dev/memory": "100Mi",
        }}});
        let ann = Annotations::of(&pod);
        let app = Behaviour::of(&ann, "app", Kind::Regular);
        assert_eq!(app.exit.unwrap().after_ms, 5000);
        assert_eq!(app.memory, 100 * 1024 * 1024);
        let side = Behaviour::of(&ann, "side", Kind::Sidecar);
        assert_eq!(side.exit.unwrap().after_ms, 7000);
        let sidecar_default = Behaviour::of(&ann, "other", Kind::Sidecar);
        assert_eq!(sidecar_default.exit, None);
        let init = Behaviour::of(&ann, "setup", Kind::Init);
        assert_eq!(init.exit.unwrap().code, 0);
        assert_eq!(init.exit.unwrap().after_ms, 1000);
    }

    #[test]
    fn reports_invalid_annotations() {
        let pod = json!({"metadata": {"annotations": {
            "sim.kplane.dev/crash-seconds": "soon",
            "sim.kplane.dev/cpu.app": "lots",
            "sim.kplane.dev/readiness-fails": "10-20",
            "sim.kplane.dev/node-state": "whatever",
        }}});
        let bad = Annotations::of(&pod).invalid();
        assert_eq!(bad.len(), 2, "{bad:?}");
    }
}
