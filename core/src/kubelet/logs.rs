//! What the simulated containers print (`kubectl logs`, the `pods/log` subresource).
//!
//! A real container's log is whatever its process writes. kplane's processes are described by
//! the behaviour annotations ([`super::behaviour`]), so their logs are derived from them and
//! from the container's status, deterministically and at read time: nothing is stored, the
//! same pod at the same instant gives the same log, and snapshots need nothing extra. Each
//! run of a container prints, at the instants they happen (every line starts with `[kplane]`):
//!
//! - at start: `container <name> started (image <image>)`, with the restart number after a
//!   restart, and its memory use when `sim.kplane.dev/memory` is set (`… exceeds the limit` when
//!   it will be OOM-killed);
//! - when it answers probes (`sim.kplane.dev/ready-seconds` after start): `ready`;
//! - at each edge of a probe failure window (`startup-fails`, `readiness-fails`,
//!   `liveness-fails`): `<probe> check failing` and `<probe> check passing again`;
//! - when it exits by itself (`exit-seconds`, `crash-seconds`): `exiting with code N`;
//! - when it is stopped (deletion, pod completion, a changed image): `received SIGTERM, shutting
//!   down` and, `termination-seconds` later, `stopped`. A SIGKILLed process (OOM, a failed
//!   liveness or startup probe, an expired grace period) prints nothing more.
//!
//! Which run a read returns follows the kubelet (`validateContainerLogStatus`): the running or
//! terminated container, else the last terminated one (a container in CrashLoopBackOff shows
//! its crashed run); `previous` the last terminated one. The kubelet's log rotation keeps a
//! container's last files; kplane keeps the last [`MAX_LINES`] lines of a run.
use super::behaviour::{
    self, parse_seconds, secs_to_ms, Annotations, Behaviour, Kind, Windows, LIVENESS_FAILS,
    READINESS_FAILS, READY_SECONDS, STARTUP_FAILS,
};
use super::container::{self, State, Status};
use crate::api::object::{self, array_at};
use crate::api::quantity::format_bytes as format_memory;
use crate::api::Value;

/// The most lines one run of a container keeps (the oldest go first).
pub const MAX_LINES: usize = 1000;

/// One line a container printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    /// When (epoch ms).
    pub at_ms: i64,
    /// The text, without the newline.
    pub text: String,
}

/// `PodLogOptions`: which container and run, and which part of its log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogQuery {
    /// The container (must name one of the pod's).
    pub container: String,
    /// The previous run (the last terminated one).
    pub previous: bool,
    /// Only lines at or after this instant (epoch ms): `sinceSeconds`/`sinceTime`.
    pub since_ms: Option<i64>,
    /// Only the last N lines (`tailLines`).
    pub tail_lines: Option<i64>,
    /// Each line prefixed with its RFC 3339 time with nanoseconds (`timestamps`).
    pub timestamps: bool,
    /// At most this many bytes (`limitBytes`).
    pub limit_bytes: Option<i64>,
}

/// One run of a container, as its status tells it.
#[derive(Debug, Clone)]
struct Run {
    /// Restarts before this run.
    index: i64,
    started: i64,
    /// How it ended (`None`: still running).
    end: Option<container::Terminated>,
}

/// The run a log read returns, and its lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunLog {
    /// The run's container ID (`containerd://…`): a restart is another run.
    pub container_id: String,
    /// Whether the run is still going (more lines may come).
    pub running: bool,
    /// Its lines, oldest first, as the query selects them.
    pub lines: Vec<LogLine>,
}

/// The run the query asks for and its lines up to `now`. `Err` is the kubelet's refusal (a
/// 400 from the API server): the container has no status yet, is waiting to start, or has no
/// previous run.
pub fn lines(pod: &Value, q: &LogQuery, now: i64) -> Result<RunLog, String> {
    let pod_name = object::name(pod);
    let c = &q.container;
    let (spec, kind, status) = find(pod, c)
        .ok_or_else(|| format!("container {c:?} in pod {pod_name:?} is not available"))?;
    let run = select_run(&status, q.previous, c, pod_name)?;
    let container_id = match &run.end {
        Some(t) => t.container_id.clone(),
        None => status.container_id.clone(),
    };
    let mut out = run_lines(pod, spec, kind, &run, now);
    if let Some(since) = q.since_ms {
        out.retain(|l| l.at_ms >= since);
    }
    if let Some(n) = q.tail_lines.filter(|n| *n >= 0) {
        let n = usize::try_from(n).unwrap_or(usize::MAX);
        let skip = out.len().saturating_sub(n);
        out.drain(..skip);
    }
    Ok(RunLog {
        container_id,
        running: run.end.is_none(),
        lines: out,
    })
}

/// The log text of `lines` as the kubelet writes it (one line each, `timestamps` first).
pub fn text(lines: &[LogLine], q: &LogQuery) -> String {
    let mut out = String::new();
    for l in lines {
        if q.timestamps {
            out.push_str(&timestamp(l.at_ms));
            out.push(' ');
        }
        out.push_str(&l.text);
        out.push('\n');
    }
    if let Some(limit) = q.limit_bytes.filter(|b| *b >= 0) {
        let mut end = usize::try_from(limit).unwrap_or(usize::MAX).min(out.len());
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
    }
    out
}

/// The kubelet's `timeFormatOut` (`2006-01-02T15:04:05.000000000Z07:00`).
pub fn timestamp(ms: i64) -> String {
    let micro = crate::sim::format_rfc3339_micro(ms);
    format!("{}000Z", micro.trim_end_matches('Z'))
}

/// The container named `name` in the spec, its kind and status.
fn find<'a>(pod: &'a Value, name: &str) -> Option<(&'a Value, Kind, Status)> {
    for (list, statuses) in [
        ("initContainers", "initContainerStatuses"),
        ("containers", "containerStatuses"),
    ] {
        let Some(spec) = array_at(pod, &["spec", list])
            .iter()
            .find(|c| c["name"] == name)
        else {
            continue;
        };
        let kind = match (list, spec["restartPolicy"].as_str()) {
            ("containers", _) => Kind::Regular,
            (_, Some("Always")) => Kind::Sidecar,
            _ => Kind::Init,
        };
        let status = array_at(pod, &["status", statuses])
            .iter()
            .find(|s| s["name"] == name)
            .and_then(Status::parse)?;
        return Some((spec, kind, status));
    }
    None
}

/// `validateContainerLogStatus`: the run a read returns.
fn select_run(st: &Status, previous: bool, c: &str, pod: &str) -> Result<Run, String> {
    let last = st.last.as_ref().filter(|t| !t.container_id.is_empty());
    let from_last = |t: &container::Terminated, index: i64| Run {
        index,
        started: t.started_at,
        end: Some(t.clone()),
    };
    // The run the last terminated state describes: the one before the current run, or, while
    // waiting to restart, the one that just ended (the restart count goes up at the restart).
    let last_index = match st.state {
        State::Waiting { .. } => st.restart_count,
        _ => st.restart_count - 1,
    }
    .max(0);
    if previous {
        return last.map(|t| from_last(t, last_index)).ok_or_else(|| {
            format!("previous terminated container {c:?} in pod {pod:?} not found")
        });
    }
    match &st.state {
        State::Running { started_at } => Ok(Run {
            index: st.restart_count,
            started: *started_at,
            end: None,
        }),
        State::Terminated(t) if !t.container_id.is_empty() => Ok(from_last(t, st.restart_count)),
        State::Terminated(_) => last
            .map(|t| from_last(t, last_index))
            .ok_or_else(|| format!("container {c:?} in pod {pod:?} is terminated")),
        State::Waiting { reason, .. } => match last {
            Some(t) => Ok(from_last(t, last_index)),
            None => Err(match reason.as_str() {
                "ErrImagePull" => format!(
                    "container {c:?} in pod {pod:?} is waiting to start: image can't be pulled"
                ),
                "ImagePullBackOff" => format!(
                    "container {c:?} in pod {pod:?} is waiting to start: trying and failing to pull image"
                ),
                r => format!("container {c:?} in pod {pod:?} is waiting to start: {r}"),
            }),
        },
    }
}

/// When the deletion of `pod` began (its `deletionTimestamp` less the grace period), if it is
/// being deleted.
fn shutdown_start(pod: &Value) -> Option<i64> {
    let end = object::str_at(pod, &["metadata", "deletionTimestamp"])
        .and_then(crate::sim::parse_rfc3339)?;
    let grace = object::i64_at(pod, &["metadata", "deletionGracePeriodSeconds"]).unwrap_or(0);
    Some(end.saturating_sub(grace.max(0).saturating_mul(1000)))
}

/// A failure window annotation as the user wrote it (without the ready-seconds prefix the
/// probes add).
fn windows(ann: &Annotations, key: &str, name: &str, regular: bool) -> Windows {
    ann.lookup(key, name, regular)
        .and_then(Windows::parse)
        .unwrap_or_default()
}

/// Everything one run printed up to `now` (or its end), oldest first, at most [`MAX_LINES`].
fn run_lines(pod: &Value, spec: &Value, kind: Kind, run: &Run, now: i64) -> Vec<LogLine> {
    let name = spec["name"].as_str().unwrap_or("");
    let image = spec["image"].as_str().unwrap_or("");
    let ann = Annotations::of(pod);
    let regular = kind == Kind::Regular;
    let b = Behaviour::of(&ann, name, kind);
    let s = run.started;
    let until = run.end.as_ref().map_or(now, |t| t.finished_at.min(now));
    let mut out: Vec<LogLine> = Vec::new();
    let mut say = |at: i64, text: String| {
        if at <= until {
            out.push(LogLine {
                at_ms: at,
                text: format!("[kplane] {text}"),
            });
        }
    };
    let restart = if run.index > 0 {
        format!(", restart {}", run.index)
    } else {
        String::new()
    };
    say(
        s,
        format!("container {name} started (image {image}{restart})"),
    );
    if ann.lookup(behaviour::MEMORY, name, regular).is_some() {
        let used = format_memory(b.memory);
        match behaviour::memory_limit(spec).filter(|l| b.memory > *l) {
            Some(limit) => say(
                s,
                format!(
                    "using {used} of memory, which exceeds the limit of {}",
                    format_memory(limit)
                ),
            ),
            None => say(s, format!("using {used} of memory")),
        }
    }
    if kind != Kind::Init {
        let ready = ann
            .lookup(READY_SECONDS, name, regular)
            .and_then(parse_seconds)
            .map_or(0, secs_to_ms);
        say(s.saturating_add(ready), "ready".into());
        for (key, probe) in [
            (STARTUP_FAILS, "startup"),
            (READINESS_FAILS, "readiness"),
            (LIVENESS_FAILS, "liveness"),
        ] {
            for (from, to) in windows(&ann, key, name, regular).0 {
                say(s.saturating_add(from), format!("{probe} check failing"));
                if let Some(to) = to {
                    say(s.saturating_add(to), format!("{probe} check passing again"));
                }
            }
        }
    }
    // A pod being deleted: regular and init containers get SIGTERM when the deletion asked
    // (sidecars later, when the others have stopped).
    let shutdown = (kind != Kind::Sidecar)
        .then(|| shutdown_start(pod))
        .flatten();
    match &run.end {
        None => {
            if let Some(at) = shutdown {
                say(at.max(s), "received SIGTERM, shutting down".into());
            }
        }
        Some(t) => {
            let exited = b.exit.filter(|e| e.applies(run.index)).is_some_and(|e| {
                // Status times are whole seconds.
                (t.finished_at - s - e.after_ms).abs() < 1000 && t.exit_code == e.code
            });
            if exited {
                say(t.finished_at, format!("exiting with code {}", t.exit_code));
            } else if t.reason == "Completed" && t.exit_code == 0 {
                let sigterm = shutdown
                    .unwrap_or_else(|| t.finished_at.saturating_sub(b.termination_ms))
                    .max(s);
                say(sigterm, "received SIGTERM, shutting down".into());
                say(t.finished_at, "stopped".into());
            } else if t.exit_code == container::SIGKILL_EXIT {
                // Killed when its grace period ran out: it had been told to stop.
                if let Some(at) = shutdown.filter(|at| *at < t.finished_at) {
                    say(at.max(s), "received SIGTERM, shutting down".into());
                }
            } else {
                say(t.finished_at, format!("exiting with code {}", t.exit_code));
            }
        }
    }
    // Time order (lines of one instant keep their order); the newest MAX_LINES.
    out.sort_by_key(|l| l.at_ms);
    let skip = out.len().saturating_sub(MAX_LINES);
    out.drain(..skip);
    out
}
