//! One container's status (`v1.ContainerStatus`): state, last state, restarts, readiness; the
//! restart back-off; container and image IDs.
use crate::api::object::str_at;
use crate::api::{Map, Value};
use crate::json;
use crate::sim::{format_rfc3339, parse_rfc3339};

/// `waiting`, `running` or `terminated`, with upstream's fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    Waiting {
        reason: String,
        message: Option<String>,
    },
    Running {
        started_at: i64,
    },
    Terminated(Terminated),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terminated {
    pub exit_code: i64,
    pub reason: String,
    pub message: Option<String>,
    pub started_at: i64,
    pub finished_at: i64,
    pub container_id: String,
}

pub const CONTAINER_CREATING: &str = "ContainerCreating";
pub const POD_INITIALIZING: &str = "PodInitializing";
pub const CRASH_LOOP_BACK_OFF: &str = "CrashLoopBackOff";
/// The waiting reason of a container whose environment cannot be built.
pub const CREATE_CONTAINER_CONFIG_ERROR: &str = "CreateContainerConfigError";
/// Exit code of a SIGKILLed process (128 + 9), as for OOM kills and expired grace periods.
pub const SIGKILL_EXIT: i64 = 137;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub name: String,
    pub image: String,
    pub image_id: String,
    pub container_id: String,
    pub state: State,
    pub last: Option<Terminated>,
    pub restart_count: i64,
    pub ready: bool,
    pub started: bool,
}

impl Status {
    /// A container not created yet: `reason` is `ContainerCreating`, or `PodInitializing` in a
    /// pod with init containers (`convertToAPIContainerStatuses`' default waiting state).
    pub fn new(name: &str, image: &str, reason: &str) -> Status {
        Status {
            name: name.to_string(),
            image: image.to_string(),
            image_id: String::new(),
            container_id: String::new(),
            state: State::Waiting {
                reason: reason.to_string(),
                message: None,
            },
            last: None,
            restart_count: 0,
            ready: false,
            started: false,
        }
    }

    pub fn running_since(&self) -> Option<i64> {
        match self.state {
            State::Running { started_at } => Some(started_at),
            _ => None,
        }
    }

    pub fn is_running(&self) -> bool {
        matches!(self.state, State::Running { .. })
    }

    pub fn terminated(&self) -> Option<&Terminated> {
        match &self.state {
            State::Terminated(t) => Some(t),
            _ => None,
        }
    }

    /// Never ran (still in its first waiting state).
    pub fn never_ran(&self) -> bool {
        matches!(self.state, State::Waiting { .. }) && self.last.is_none()
    }

    /// Read back from the API (`status.containerStatuses[]`); `None` if malformed.
    pub fn parse(v: &Value) -> Option<Status> {
        let name = v["name"].as_str()?.to_string();
        let state = parse_state(v.get("state")?)?;
        let last = match v.get("lastState").and_then(|l| l.get("terminated")) {
            Some(t) => Some(parse_terminated(t)?),
            None => None,
        };
        Some(Status {
            name,
            image: v["image"].as_str().unwrap_or("").to_string(),
            image_id: v["imageID"].as_str().unwrap_or("").to_string(),
            container_id: v["containerID"].as_str().unwrap_or("").to_string(),
            state,
            last,
            restart_count: v["restartCount"].as_i64().unwrap_or(0),
            ready: v["ready"].as_bool().unwrap_or(false),
            started: v["started"].as_bool().unwrap_or(false),
        })
    }

    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        if !self.container_id.is_empty() {
            m.insert("containerID", json!(self.container_id));
        }
        m.insert("image", json!(self.image));
        m.insert("imageID", json!(self.image_id));
        m.insert(
            "lastState",
            match &self.last {
                Some(t) => json!({"terminated": terminated_json(t)}),
                None => json!({}),
            },
        );
        m.insert("name", json!(self.name));
        m.insert("ready", json!(self.ready));
        m.insert("restartCount", json!(self.restart_count));
        m.insert("started", json!(self.started));
        let state = match &self.state {
            State::Waiting { reason, message } => {
                let mut w = json!({"reason": reason});
                if let Some(msg) = message {
                    w["message"] = json!(msg);
                }
                json!({ "waiting": w })
            }
            State::Running { started_at } => {
                json!({"running": {"startedAt": format_rfc3339(*started_at)}})
            }
            State::Terminated(t) => json!({"terminated": terminated_json(t)}),
        };
        m.insert("state", state);
        Value::Object(m)
    }
}

fn parse_time(v: &Value, key: &str) -> Option<i64> {
    str_at(v, &[key]).and_then(parse_rfc3339)
}

fn parse_state(v: &Value) -> Option<State> {
    if let Some(w) = v.get("waiting") {
        return Some(State::Waiting {
            reason: w["reason"].as_str().unwrap_or("").to_string(),
            message: w["message"].as_str().map(str::to_string),
        });
    }
    if let Some(r) = v.get("running") {
        return Some(State::Running {
            started_at: parse_time(r, "startedAt")?,
        });
    }
    if let Some(t) = v.get("terminated") {
        return Some(State::Terminated(parse_terminated(t)?));
    }
    None
}

fn parse_terminated(t: &Value) -> Option<Terminated> {
    Some(Terminated {
        exit_code: t["exitCode"].as_i64().unwrap_or(0),
        reason: t["reason"].as_str().unwrap_or("").to_string(),
        message: t["message"].as_str().map(str::to_string),
        started_at: parse_time(t, "startedAt").unwrap_or(0),
        finished_at: parse_time(t, "finishedAt")?,
        container_id: t["containerID"].as_str().unwrap_or("").to_string(),
    })
}

fn terminated_json(t: &Terminated) -> Value {
    let mut m = Map::new();
    if !t.container_id.is_empty() {
        m.insert("containerID", json!(t.container_id));
    }
    m.insert("exitCode", json!(t.exit_code));
    m.insert("finishedAt", json!(format_rfc3339(t.finished_at)));
    if let Some(msg) = &t.message {
        m.insert("message", json!(msg));
    }
    m.insert("reason", json!(t.reason));
    m.insert("startedAt", json!(format_rfc3339(t.started_at)));
    Value::Object(m)
}

/// The terminated reason for an exit code: `Completed` for 0, `Error` otherwise (OOM kills
/// say `OOMKilled` themselves).
pub fn exit_reason(code: i64) -> &'static str {
    if code == 0 {
        "Completed"
    } else {
        "Error"
    }
}

/// CrashLoopBackOff (`flowcontrol.Backoff` in the kubelet): the first restart is immediate,
/// then the kubelet waits 10 s, doubling each time up to 300 s. A container that ran for more
/// than 10 minutes before it exited starts over (restarts at once, the next wait is 10 s).
pub const BACKOFF_INITIAL_MS: i64 = 10_000;
pub const BACKOFF_MAX_MS: i64 = 300_000;
pub const BACKOFF_RESET_MS: i64 = 600_000;

/// The wait before restarting a container that ran from `started_at` to `finished_at`, given
/// the wait before that run (`None` on its first exit).
pub fn backoff(previous_wait_ms: Option<i64>, started_at: i64, finished_at: i64) -> i64 {
    let Some(prev) = previous_wait_ms else {
        return 0;
    };
    if finished_at - started_at > BACKOFF_RESET_MS {
        return 0;
    }
    if prev < BACKOFF_INITIAL_MS {
        return BACKOFF_INITIAL_MS;
    }
    // Snap to the ladder 10, 20, 40, … (the measured wait may be longer, e.g. after the node
    // was stopped), then double.
    let mut step = BACKOFF_INITIAL_MS;
    while step * 2 <= prev && step < BACKOFF_MAX_MS {
        step *= 2;
    }
    (step * 2).min(BACKOFF_MAX_MS)
}

/// Go's `time.Duration.String()` for whole seconds: `10s`, `1m20s`, `5m0s`, `1h0m0s`.
pub fn go_duration(ms: i64) -> String {
    let secs = ms / 1000;
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    if h > 0 {
        format!("{h}h{m}m{s}s")
    } else if m > 0 {
        format!("{m}m{s}s")
    } else {
        format!("{s}s")
    }
}

/// The back-off of a `CrashLoopBackOff` waiting message (`back-off 1m20s restarting failed …`).
pub fn parse_backoff_message(message: &str) -> Option<i64> {
    let d = message.strip_prefix("back-off ")?.split(' ').next()?;
    super::behaviour::parse_seconds(d).map(|s| (s * 1000.0).round() as i64)
}

/// `back-off 20s restarting failed container=app pod=web-abc_default(<uid>)`.
pub fn backoff_message(wait_ms: i64, container: &str, pod: &str) -> String {
    format!(
        "back-off {} restarting failed container={container} pod={pod}",
        go_duration(wait_ms)
    )
}

/// FNV-1a, for deterministic IDs.
fn fnv64(parts: &[&str], seed: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
    for p in parts {
        for b in p.bytes().chain([0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

fn hex256(parts: &[&str]) -> String {
    (0..4)
        .map(|i| format!("{:016x}", fnv64(parts, i)))
        .collect()
}

/// `containerd://<64 hex>`, unique per pod, container and run.
pub fn container_id(pod_uid: &str, name: &str, restart: i64) -> String {
    format!(
        "containerd://{}",
        hex256(&[pod_uid, name, &restart.to_string()])
    )
}

/// The image as the runtime reports it: `nginx` → `docker.io/library/nginx:latest`.
pub fn image_ref(image: &str) -> String {
    let (name, tagged) = match image.rsplit_once('/') {
        Some((_, last)) => (image.to_string(), last.contains(':') || last.contains('@')),
        None => (
            image.to_string(),
            image.contains(':') || image.contains('@'),
        ),
    };
    let first = name.split('/').next().unwrap_or("");
    let has_registry =
        name.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
    let full = if has_registry {
        name
    } else if name.contains('/') {
        format!("docker.io/{name}")
    } else {
        format!("docker.io/library/{name}")
    };
    if tagged {
        full
    } else {
        format!("{full}:latest")
    }
}

/// `docker.io/library/nginx@sha256:<digest>`, stable per image.
pub fn image_id(image: &str) -> String {
    let r = image_ref(image);
    let repo = match r.split_once('@') {
        Some((repo, _)) => repo.to_string(),
        None => match r.rsplit_once(':') {
            Some((repo, tag)) if !tag.contains('/') => repo.to_string(),
            _ => r.clone(),
        },
    };
    format!("{repo}@sha256:{}", hex256(&[&r]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crash_loop_back_off_ladder() {
        // Waits after each exit of a container that crashes 1 s after every start.
        let mut waits = Vec::new();
        let (mut prev, mut t) = (None, 0i64);
        for _ in 0..9 {
            let start = t;
            let finish = start + 1000;
            let w = backoff(prev, start, finish);
            waits.push(w / 1000);
            prev = Some(w);
            t = finish + w;
        }
        assert_eq!(waits, [0, 10, 20, 40, 80, 160, 300, 300, 300]);
        // Ten minutes of running resets it.
        assert_eq!(backoff(Some(300_000), 0, 600_001), 0);
        assert_eq!(backoff(Some(0), 0, 5_000), 10_000);
        // A longer measured wait (node stopped meanwhile) snaps to the ladder.
        assert_eq!(backoff(Some(55_000), 0, 1_000), 80_000);
    }

    #[test]
    fn go_durations() {
        assert_eq!(go_duration(10_000), "10s");
        assert_eq!(go_duration(80_000), "1m20s");
        assert_eq!(go_duration(300_000), "5m0s");
        assert_eq!(
            parse_backoff_message(&backoff_message(160_000, "app", "p_default(u)")),
            Some(160_000)
        );
    }

    #[test]
    fn image_references() {
        assert_eq!(image_ref("nginx"), "docker.io/library/nginx:latest");
        assert_eq!(image_ref("nginx:1.27"), "docker.io/library/nginx:1.27");
        assert_eq!(image_ref("bitnami/redis"), "docker.io/bitnami/redis:latest");
        assert_eq!(
            image_ref("registry.k8s.io/pause:3.10"),
            "registry.k8s.io/pause:3.10"
        );
        assert_eq!(image_ref("localhost:5000/app"), "localhost:5000/app:latest");
        assert!(image_id("nginx").starts_with("docker.io/library/nginx@sha256:"));
        assert_eq!(
            container_id("u", "app", 0).len(),
            "containerd://".len() + 64
        );
    }

    #[test]
    fn status_round_trips() {
        let mut s = Status::new("app", "docker.io/library/nginx:latest", CONTAINER_CREATING);
        s.state = State::Running {
            started_at: 1_767_225_600_000,
        };
        s.last = Some(Terminated {
            exit_code: 137,
            reason: "OOMKilled".into(),
            message: None,
            started_at: 1_767_225_590_000,
            finished_at: 1_767_225_599_000,
            container_id: "containerd://x".into(),
        });
        s.restart_count = 2;
        assert_eq!(Status::parse(&s.to_json()), Some(s));
    }
}
