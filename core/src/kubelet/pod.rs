//! The pod half of the kubelet: one pod's sandbox, init containers, sidecars and containers,
//! worked forward to the present from its status (`syncPod` and `generateAPIPodStatus`).
//!
//! Everything the kubelet knows about a pod is in the pod: the spec, the behaviour annotations
//! and the status it wrote last. Each sync reads them, applies every transition that is due
//! (a container starts, exits, is killed by a probe, restarts after its back-off, stops on
//! deletion), recomputes readiness, conditions and phase, writes the status only if it changed,
//! and asks to be woken at the next transition. Same inputs, same status: nothing is kept in
//! memory between syncs, so snapshots and restores need nothing extra.
use super::behaviour::{self, Annotations, Behaviour, Kind};
use super::container::{self, State, Status, Terminated};
use super::probe::{self, Probe, Startup};
use crate::api::object::{self, array_at, i64_at, set_path, str_at};
use crate::api::Value;
use crate::json;
use crate::server::EventType;
use crate::sim::{format_rfc3339, parse_rfc3339};

/// The most transitions applied to one pod in one sync (a guard; crash loops stop at their
/// first back-off, so real pods need a handful).
const MAX_TRANSITIONS: usize = 256;

/// One container of the spec, with what the simulation needs.
#[derive(Debug, Clone)]
pub(super) struct CSpec {
    pub name: String,
    pub image: String,
    pub kind: Kind,
    pub b: Behaviour,
    pub startup: Option<Probe>,
    pub readiness: Option<Probe>,
    pub liveness: Option<Probe>,
    pub memory_limit: Option<i64>,
    pub cpu_limit: Option<i64>,
    /// A memory limit exceeded only with the simulated demand is exceeded from this instant
    /// on (the demand is read at each sync), not since the container started.
    pub oom_from: i64,
}

/// The parts of a pod spec the kubelet acts on. Containers: init containers (and sidecars) in
/// order, then regular containers.
#[derive(Debug, Clone)]
pub(super) struct PodSpec {
    pub cs: Vec<CSpec>,
    pub n_init: usize,
    pub restart_policy: String,
    pub grace_ms: i64,
    pub start_ms: i64,
    pub readiness_gates: Vec<String>,
}

impl PodSpec {
    pub fn of(pod: &Value) -> PodSpec {
        let ann = Annotations::of(pod);
        let mut cs = Vec::new();
        let inits = array_at(pod, &["spec", "initContainers"]);
        for (list, kind_of) in [("initContainers", true), ("containers", false)] {
            for c in array_at(pod, &["spec", list]) {
                let name = c["name"].as_str().unwrap_or("").to_string();
                let kind = if !kind_of {
                    Kind::Regular
                } else if c["restartPolicy"] == "Always" {
                    Kind::Sidecar
                } else {
                    Kind::Init
                };
                let probes = kind != Kind::Init;
                cs.push(CSpec {
                    image: container::image_ref(c["image"].as_str().unwrap_or("")),
                    b: Behaviour::of(&ann, &name, kind),
                    startup: probes.then(|| Probe::of(c, "startupProbe")).flatten(),
                    readiness: probes.then(|| Probe::of(c, "readinessProbe")).flatten(),
                    liveness: probes.then(|| Probe::of(c, "livenessProbe")).flatten(),
                    memory_limit: behaviour::memory_limit(c),
                    cpu_limit: behaviour::cpu_limit(c),
                    oom_from: i64::MIN,
                    name,
                    kind,
                });
            }
        }
        PodSpec {
            cs,
            n_init: inits.len(),
            restart_policy: str_at(pod, &["spec", "restartPolicy"])
                .unwrap_or("Always")
                .to_string(),
            grace_ms: i64_at(pod, &["spec", "terminationGracePeriodSeconds"])
                .unwrap_or(30)
                .max(0)
                * 1000,
            start_ms: behaviour::start_ms(pod),
            readiness_gates: array_at(pod, &["spec", "readinessGates"])
                .iter()
                .filter_map(|g| g["conditionType"].as_str().map(str::to_string))
                .collect(),
        }
    }
}

impl PodSpec {
    /// Adds the simulated demand on the pod (`sim::load`) to its serving container's memory:
    /// above the limit only with it, the container is OOM-killed at `now` rather than at start.
    pub fn with_demand(
        mut self,
        pod: &Value,
        demand: &crate::sim::load::PodDemand,
        now: i64,
    ) -> PodSpec {
        let serving = behaviour::serving_container(pod, demand);
        let (_, extra) = demand.extra();
        if let Some(c) = self
            .cs
            .iter_mut()
            .find(|c| c.kind == Kind::Regular && c.name == serving)
        {
            if c.memory_limit.is_some_and(|l| c.b.memory <= l) {
                c.oom_from = now;
            }
            c.b.memory = c.b.memory.saturating_add(extra);
        }
        self
    }
}

/// An Event to record with the status write.
#[derive(Debug, Clone)]
pub(super) struct Ev {
    pub kind: EventType,
    pub reason: &'static str,
    pub message: String,
}

/// Why a running container is stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cause {
    /// The process exited by itself (its behaviour).
    Exit(i64),
    /// Memory use above the limit.
    OomKilled,
    /// The liveness or startup probe failed `failureThreshold` times.
    Liveness,
    Startup,
    /// The spec's image changed.
    Changed,
    /// Pod shutdown: graceful (`true`: exits with 0 before the deadline) or SIGKILL.
    Stop(bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tr {
    SandboxReady,
    Start(usize),
    Restart(usize),
    Kill(usize, Cause),
}

/// A pod shutting down: containers get SIGTERM at `start` and SIGKILL at `end`.
#[derive(Debug, Clone, Copy)]
struct Shutdown {
    start: i64,
    end: i64,
}

/// The simulated pod at one instant.
pub(super) struct Model<'a> {
    pod: &'a Value,
    spec: &'a PodSpec,
    pub cs: Vec<Status>,
    pub start_time: i64,
    pub sandbox: bool,
    pub pod_ip: Option<String>,
    pub events: Vec<Ev>,
    terminating: Option<Shutdown>,
    /// The sandbox cannot be created yet (volumes not mounted, no runtime for the pod's
    /// handler): nothing starts.
    pub blocked: bool,
    /// Per container (as `spec.cs`), why its configuration cannot be built
    /// (`CreateContainerConfigError`): it does not start while this holds.
    pub config_errors: Vec<Option<String>>,
}

impl<'a> Model<'a> {
    /// Reads the model back from the pod's status; `now` is the start time of a new pod.
    pub fn of(pod: &'a Value, spec: &'a PodSpec, now: i64) -> Model<'a> {
        let has_init = spec.n_init > 0;
        let find = |list: &str, name: &str| {
            array_at(pod, &["status", list])
                .iter()
                .find(|s| s["name"] == name)
                .and_then(Status::parse)
        };
        let cs = spec
            .cs
            .iter()
            .map(|c| {
                let list = if c.kind == Kind::Regular {
                    "containerStatuses"
                } else {
                    "initContainerStatuses"
                };
                find(list, &c.name).unwrap_or_else(|| {
                    let reason = if has_init {
                        container::POD_INITIALIZING
                    } else {
                        container::CONTAINER_CREATING
                    };
                    Status::new(&c.name, &c.image, reason)
                })
            })
            .collect();
        let sandbox = array_at(pod, &["status", "conditions"])
            .iter()
            .any(|c| c["type"] == "PodReadyToStartContainers" && c["status"] == "True");
        let terminating = object::is_terminating(pod).then(|| {
            let end = str_at(pod, &["metadata", "deletionTimestamp"])
                .and_then(parse_rfc3339)
                .unwrap_or(now);
            let grace = i64_at(pod, &["metadata", "deletionGracePeriodSeconds"]).unwrap_or(0);
            Shutdown {
                start: end - grace.max(0) * 1000,
                end,
            }
        });
        Model {
            pod,
            spec,
            cs,
            start_time: str_at(pod, &["status", "startTime"])
                .and_then(parse_rfc3339)
                .unwrap_or(now),
            sandbox,
            pod_ip: str_at(pod, &["status", "podIP"]).map(str::to_string),
            events: Vec::new(),
            terminating,
            blocked: false,
            config_errors: Vec::new(),
        }
    }

    fn config_error(&self, i: usize) -> Option<&String> {
        self.config_errors.get(i).and_then(Option::as_ref)
    }

    /// Containers whose start (or restart) is due but whose configuration cannot be built wait
    /// in `CreateContainerConfigError` (`Failed` Event `Error: ...` when that changes).
    pub fn hold_config_errors(&mut self, now: i64) {
        if self.config_errors.iter().all(Option::is_none) || !self.sandbox {
            return;
        }
        let cursor = self.init_cursor(now);
        for i in 0..self.cs.len() {
            let Some(err) = self.config_error(i).cloned() else {
                continue;
            };
            let c = &self.spec.cs[i];
            let st = &self.cs[i];
            let due = match &st.state {
                State::Waiting { reason, message } => {
                    if reason == container::CREATE_CONTAINER_CONFIG_ERROR {
                        message.as_deref() != Some(err.as_str())
                    } else if st.never_ran() {
                        let turn = if c.kind == Kind::Regular {
                            cursor >= self.spec.n_init
                        } else {
                            cursor == i
                        };
                        turn && self.begin(i) + c.b.pull_ms <= now
                    } else if reason == container::CRASH_LOOP_BACK_OFF {
                        let wait = message
                            .as_deref()
                            .and_then(container::parse_backoff_message)
                            .unwrap_or(container::BACKOFF_INITIAL_MS);
                        st.last.as_ref().map_or(0, |l| l.finished_at) + wait <= now
                    } else {
                        false
                    }
                }
                _ => false,
            };
            if !due {
                continue;
            }
            self.cs[i].state = State::Waiting {
                reason: container::CREATE_CONTAINER_CONFIG_ERROR.to_string(),
                message: Some(err.clone()),
            };
            self.event(EventType::Warning, "Failed", format!("Error: {err}"));
        }
    }

    fn pod_ref(&self) -> String {
        format!(
            "{}_{}({})",
            object::name(self.pod),
            object::namespace(self.pod),
            object::uid(self.pod)
        )
    }

    fn event(&mut self, kind: EventType, reason: &'static str, message: String) {
        self.events.push(Ev {
            kind,
            reason,
            message,
        });
    }

    /// When the startup probe of running container `i` passes (`None`: not yet decided or it
    /// fails).
    fn started_at(&self, i: usize) -> Option<i64> {
        let s = self.cs[i].running_since()?;
        let c = &self.spec.cs[i];
        match probe::startup(c.startup.as_ref(), &c.b.startup_fails, s) {
            Startup::Succeeds(t) => Some(t),
            _ => None,
        }
    }

    /// Index of the first init container not done yet (`n_init` when all are). A regular init
    /// container is done when it exited 0, a sidecar once started; either is done once a later
    /// container has run (initialization never goes backwards).
    fn init_cursor(&self, now: i64) -> usize {
        for i in 0..self.spec.n_init {
            if self.cs[i + 1..].iter().any(|s| !s.never_ran()) {
                continue;
            }
            let done = match self.spec.cs[i].kind {
                Kind::Sidecar => self.started_at(i).is_some_and(|t| t <= now),
                _ => self.cs[i].terminated().is_some_and(|t| t.exit_code == 0),
            };
            if !done {
                return i;
            }
        }
        self.spec.n_init
    }

    fn sandbox_time(&self) -> i64 {
        self.start_time + self.spec.start_ms
    }

    /// When init container `i` finished its part (exited 0, or a sidecar started).
    fn done_at(&self, i: usize) -> i64 {
        match self.spec.cs[i].kind {
            Kind::Sidecar => self.started_at(i),
            _ => self.cs[i].terminated().map(|t| t.finished_at),
        }
        .unwrap_or(self.sandbox_time())
    }

    /// When container `i`'s turn to be created came.
    fn begin(&self, i: usize) -> i64 {
        let prev = if i < self.spec.n_init {
            i.checked_sub(1)
        } else {
            self.spec.n_init.checked_sub(1)
        };
        prev.map_or(self.sandbox_time(), |p| self.done_at(p))
            .max(self.sandbox_time())
    }

    /// The shutdown in progress: deletion, or the pod completing (every regular container has
    /// exited for good, or an init container failed under `restartPolicy: Never`): the
    /// remaining sidecars are stopped.
    fn shutdown(&self) -> Option<Shutdown> {
        if let Some(t) = self.terminating {
            return Some(t);
        }
        let regular: Vec<&Status> = self.regular().collect();
        let finished = |s: &&Status| s.terminated().map(|t| t.finished_at);
        if !regular.is_empty() && regular.iter().all(|s| s.terminated().is_some()) {
            let start = regular.iter().filter_map(finished).max().unwrap_or(0);
            return Some(Shutdown {
                start,
                end: start + self.spec.grace_ms,
            });
        }
        if self.spec.restart_policy == "Never" {
            let failed = (0..self.spec.n_init).find_map(|i| {
                let t = self.cs[i].terminated()?;
                (self.spec.cs[i].kind == Kind::Init && t.exit_code != 0).then_some(t.finished_at)
            });
            if let Some(start) = failed {
                return Some(Shutdown {
                    start,
                    end: start + self.spec.grace_ms,
                });
            }
        }
        None
    }

    fn regular(&self) -> impl Iterator<Item = &Status> {
        self.cs[self.spec.n_init..].iter()
    }

    /// The next transition of container `i` and when it is due.
    fn due(&self, i: usize, cursor: usize, shutdown: Option<Shutdown>) -> Option<(i64, Tr)> {
        let c = &self.spec.cs[i];
        let st = &self.cs[i];
        match &st.state {
            State::Running { started_at } => {
                let s = *started_at;
                let mut best: Option<(i64, Tr)> = None;
                let mut consider = |t: i64, cause: Cause| {
                    if best.is_none_or(|(b, _)| t < b) {
                        best = Some((t, Tr::Kill(i, cause)));
                    }
                };
                if c.memory_limit.is_some_and(|l| c.b.memory > l) {
                    consider(s.max(c.oom_from), Cause::OomKilled);
                }
                if let Some(e) = c.b.exit.filter(|e| e.applies(st.restart_count)) {
                    consider(s + e.after_ms, Cause::Exit(e.code));
                }
                if let Some(sd) = shutdown {
                    if let Some(sigterm) = self.sigterm_at(i, sd) {
                        let graceful = sigterm + c.b.termination_ms;
                        consider(graceful.min(sd.end), Cause::Stop(graceful < sd.end));
                    }
                    return best;
                }
                if st.image != c.image {
                    consider(s, Cause::Changed);
                }
                match probe::startup(c.startup.as_ref(), &c.b.startup_fails, s) {
                    Startup::Fails(t) => consider(t, Cause::Startup),
                    Startup::Succeeds(gate) => {
                        if let Some(t) =
                            probe::liveness_kill(c.liveness.as_ref(), &c.b.liveness_fails, s, gate)
                        {
                            consider(t, Cause::Liveness);
                        }
                    }
                    Startup::Pending => {}
                }
                best
            }
            State::Waiting { reason, message } if shutdown.is_none() => {
                if self.config_error(i).is_some() {
                    return None;
                }
                if reason == container::CREATE_CONTAINER_CONFIG_ERROR {
                    // The configuration can be built now: start (or restart) at once.
                    return Some(if st.never_ran() {
                        (self.begin(i) + c.b.pull_ms, Tr::Start(i))
                    } else {
                        (0, Tr::Restart(i))
                    });
                }
                if st.never_ran() {
                    let turn = if c.kind == Kind::Regular {
                        cursor >= self.spec.n_init
                    } else {
                        cursor == i
                    };
                    return turn.then(|| (self.begin(i) + c.b.pull_ms, Tr::Start(i)));
                }
                if reason == container::CRASH_LOOP_BACK_OFF {
                    let wait = message
                        .as_deref()
                        .and_then(container::parse_backoff_message)
                        .unwrap_or(container::BACKOFF_INITIAL_MS);
                    let from = st.last.as_ref().map_or(0, |l| l.finished_at);
                    return Some((from + wait, Tr::Restart(i)));
                }
                None
            }
            _ => None,
        }
    }

    /// When running container `i` gets SIGTERM during shutdown `sd`: regular and init containers
    /// at once; sidecars after every regular container and every later sidecar has stopped,
    /// in reverse order (`None`: not yet).
    fn sigterm_at(&self, i: usize, sd: Shutdown) -> Option<i64> {
        if self.spec.cs[i].kind != Kind::Sidecar {
            return Some(sd.start);
        }
        let mut at = sd.start;
        for (j, st) in self.cs.iter().enumerate() {
            let later = j > i;
            let blocking = self.spec.cs[j].kind != Kind::Sidecar || later;
            if !blocking || j == i {
                continue;
            }
            if st.is_running() {
                return None;
            }
            if let Some(t) = st.terminated() {
                at = at.max(t.finished_at);
            }
        }
        Some(at)
    }

    /// The earliest due transition, init containers first on ties.
    fn next(&self, now: i64) -> Option<(i64, Tr)> {
        if !self.sandbox {
            if self.terminating.is_some() || self.blocked {
                return None;
            }
            return Some((self.sandbox_time(), Tr::SandboxReady));
        }
        let cursor = self.init_cursor(now);
        let shutdown = self.shutdown();
        (0..self.cs.len())
            .filter_map(|i| self.due(i, cursor, shutdown))
            .min_by_key(|(t, _)| *t)
    }

    /// Applies every transition due at or before `now`; each happens "now" (late ones, e.g.
    /// on a node that was stopped, happen when the kubelet gets to them). Returns the time of
    /// the next one.
    pub fn run(&mut self, now: i64, alloc_ip: &mut dyn FnMut() -> String) -> Option<i64> {
        for _ in 0..MAX_TRANSITIONS {
            match self.next(now) {
                Some((t, tr)) if t <= now => self.apply(tr, now, alloc_ip),
                other => return other.map(|(t, _)| t),
            }
        }
        None
    }

    fn apply(&mut self, tr: Tr, now: i64, alloc_ip: &mut dyn FnMut() -> String) {
        match tr {
            Tr::SandboxReady => {
                self.sandbox = true;
                if self.pod_ip.is_none() {
                    self.pod_ip = Some(alloc_ip());
                }
            }
            Tr::Start(i) => {
                let spec = self.spec;
                let c = &spec.cs[i];
                let image = c.image.clone();
                let pull = c.b.pull_ms;
                if pull > 0 {
                    let d = container::go_duration(pull);
                    self.event(
                        EventType::Normal,
                        "Pulling",
                        format!("Pulling image \"{image}\""),
                    );
                    self.event(
                        EventType::Normal,
                        "Pulled",
                        format!(
                            "Successfully pulled image \"{image}\" in {d} ({d} including waiting)"
                        ),
                    );
                } else {
                    self.event(
                        EventType::Normal,
                        "Pulled",
                        format!("Container image \"{image}\" already present on machine"),
                    );
                }
                self.launch(i, now);
            }
            Tr::Restart(i) => {
                let image = self.spec.cs[i].image.clone();
                self.event(
                    EventType::Normal,
                    "Pulled",
                    format!("Container image \"{image}\" already present on machine"),
                );
                self.cs[i].restart_count += 1;
                self.launch(i, now);
            }
            Tr::Kill(i, cause) => self.kill(i, cause, now),
        }
    }

    /// Creates and starts a new instance of container `i` (its restart count already set).
    fn launch(&mut self, i: usize, now: i64) {
        let spec = self.spec;
        let c = &spec.cs[i];
        let (name, image) = (c.name.clone(), c.image.clone());
        let throttled = c.cpu_limit.filter(|l| c.b.milli_cpu > *l);
        let wants = c.b.milli_cpu;
        let uid = object::uid(self.pod).to_string();
        let st = &mut self.cs[i];
        st.image = image.clone();
        st.image_id = container::image_id(&image);
        st.container_id = container::container_id(&uid, &name, st.restart_count);
        st.state = State::Running { started_at: now };
        st.ready = false;
        st.started = false;
        self.event(
            EventType::Normal,
            "Created",
            format!("Created container: {name}"),
        );
        self.event(
            EventType::Normal,
            "Started",
            format!("Started container {name}"),
        );
        if let Some(limit) = throttled {
            self.event(
                EventType::Warning,
                "CPUThrottling",
                format!(
                    "Container {name} wants {} CPU but its limit is {}: throttled to {} (kplane: CFS quota simulated as a cap)",
                    crate::api::quantity::format_cpu_milli(wants),
                    crate::api::quantity::format_cpu_milli(limit),
                    crate::api::quantity::format_cpu_milli(limit),
                ),
            );
        }
    }

    fn kill(&mut self, i: usize, cause: Cause, now: i64) {
        let spec = self.spec;
        let c = &spec.cs[i];
        let name = c.name.clone();
        let (code, reason) = match cause {
            Cause::Exit(code) => (code, container::exit_reason(code)),
            Cause::OomKilled => (container::SIGKILL_EXIT, "OOMKilled"),
            Cause::Liveness | Cause::Startup => (container::SIGKILL_EXIT, "Error"),
            Cause::Changed | Cause::Stop(true) => (0, "Completed"),
            Cause::Stop(false) => (container::SIGKILL_EXIT, "Error"),
        };
        match cause {
            Cause::Liveness | Cause::Startup => {
                let (probe, which, word) = if cause == Cause::Liveness {
                    (c.liveness.as_ref(), "Liveness", "liveness")
                } else {
                    (c.startup.as_ref(), "Startup", "startup")
                };
                let msg = probe.map_or(String::new(), |p| p.failure_message.clone());
                self.event(
                    EventType::Warning,
                    "Unhealthy",
                    format!("{which} probe failed: {msg}"),
                );
                self.event(
                    EventType::Normal,
                    "Killing",
                    format!("Container {name} failed {word} probe, will be restarted"),
                );
            }
            Cause::Changed => self.event(
                EventType::Normal,
                "Killing",
                format!("Container {name} definition changed, will be restarted"),
            ),
            Cause::Stop(_) => self.event(
                EventType::Normal,
                "Killing",
                format!("Stopping container {name}"),
            ),
            Cause::Exit(_) | Cause::OomKilled => {}
        }
        let st = &mut self.cs[i];
        let started_at = st.running_since().unwrap_or(now);
        let t = Terminated {
            exit_code: code,
            reason: reason.to_string(),
            message: None,
            started_at,
            finished_at: now,
            container_id: st.container_id.clone(),
        };
        let restart = self.shutdown().is_none()
            && !matches!(cause, Cause::Stop(_))
            && match c.kind {
                Kind::Sidecar => true,
                Kind::Init => code != 0 && self.spec.restart_policy != "Never",
                Kind::Regular => {
                    self.spec.restart_policy == "Always"
                        || (self.spec.restart_policy == "OnFailure" && code != 0)
                }
            };
        let st = &mut self.cs[i];
        st.ready = false;
        st.started = false;
        if !restart {
            st.state = State::Terminated(t);
            return;
        }
        if cause == Cause::Changed {
            st.last = Some(t);
            st.restart_count += 1;
            self.launch(i, now);
            return;
        }
        let previous_wait = (st.restart_count > 0)
            .then(|| st.last.as_ref().map(|l| started_at - l.finished_at))
            .flatten();
        let wait = container::backoff(previous_wait, started_at, now);
        st.last = Some(t);
        if wait == 0 {
            st.restart_count += 1;
            let image = self.spec.cs[i].image.clone();
            self.event(
                EventType::Normal,
                "Pulled",
                format!("Container image \"{image}\" already present on machine"),
            );
            self.launch(i, now);
            return;
        }
        let pod_ref = self.pod_ref();
        let st = &mut self.cs[i];
        st.state = State::Waiting {
            reason: container::CRASH_LOOP_BACK_OFF.into(),
            message: Some(container::backoff_message(wait, &name, &pod_ref)),
        };
        self.event(
            EventType::Warning,
            "BackOff",
            format!("Back-off restarting failed container {name} in pod {pod_ref}"),
        );
    }

    /// `started` and `ready` of every container at `now`, and when either changes next.
    /// Records `Unhealthy` for containers that stop being ready while running.
    pub fn probe_flags(&mut self, now: i64) -> Option<i64> {
        let mut next: Option<i64> = None;
        let mut soonest = |t: i64| {
            if t > now && next.is_none_or(|n| t < n) {
                next = Some(t);
            }
        };
        let mut unhealthy = Vec::new();
        let spec = self.spec;
        for i in 0..self.cs.len() {
            let c = &spec.cs[i];
            let Some(s) = self.cs[i].running_since() else {
                self.cs[i].started = false;
                self.cs[i].ready = false;
                continue;
            };
            if c.kind == Kind::Init {
                // Init containers are never ready; `started` is false for them upstream too.
                self.cs[i].started = false;
                self.cs[i].ready = false;
                continue;
            }
            let gate = match probe::startup(c.startup.as_ref(), &c.b.startup_fails, s) {
                Startup::Succeeds(t) => Some(t),
                _ => None,
            };
            let started = gate.is_some_and(|g| g <= now);
            if let Some(g) = gate.filter(|g| *g > now) {
                soonest(g);
            }
            let ready = match gate.filter(|g| *g <= now) {
                Some(g) => {
                    let r = probe::readiness(c.readiness.as_ref(), &c.b.readiness_fails, s, g, now);
                    if let Some(t) = r.next_change {
                        soonest(t);
                    }
                    r.ready
                }
                None => false,
            };
            if self.cs[i].ready && !ready && started {
                if let Some(p) = &c.readiness {
                    unhealthy.push(format!("Readiness probe failed: {}", p.failure_message));
                }
            }
            self.cs[i].started = started;
            self.cs[i].ready = ready;
        }
        for m in unhealthy {
            self.event(EventType::Warning, "Unhealthy", m);
        }
        next
    }

    /// `getPhase` (pkg/kubelet/kubelet_pods.go), with sidecars: a pod is not terminal while any
    /// of its containers still runs.
    pub fn phase(&self, old: &str) -> &'static str {
        if matches!(old, "Succeeded" | "Failed") {
            return if old == "Succeeded" {
                "Succeeded"
            } else {
                "Failed"
            };
        }
        let any_running = self.cs.iter().any(Status::is_running);
        if self.terminating.is_some() {
            if any_running {
                return if old == "Running" {
                    "Running"
                } else {
                    "Pending"
                };
            }
            let all_ok = self
                .regular()
                .all(|s| s.terminated().is_some_and(|t| t.exit_code == 0));
            return if all_ok { "Succeeded" } else { "Failed" };
        }
        let mut pending_init = 0;
        let mut failed_init = 0;
        for (i, st) in self.cs[..self.spec.n_init].iter().enumerate() {
            if self.spec.cs[i].kind == Kind::Sidecar {
                if !st.started && !self.regular().any(|s| !s.never_ran()) {
                    pending_init += 1;
                }
                continue;
            }
            match &st.state {
                State::Running { .. } => pending_init += 1,
                State::Terminated(t) => failed_init += usize::from(t.exit_code != 0),
                State::Waiting { .. } => match &st.last {
                    Some(l) => failed_init += usize::from(l.exit_code != 0),
                    None => pending_init += 1,
                },
            }
        }
        let (mut running, mut waiting, mut stopped, mut succeeded) = (0, 0, 0, 0);
        for st in self.regular() {
            match &st.state {
                State::Running { .. } => running += 1,
                State::Terminated(t) => {
                    stopped += 1;
                    succeeded += usize::from(t.exit_code == 0);
                }
                State::Waiting { .. } => {
                    if st.last.is_some() {
                        stopped += 1;
                    } else {
                        waiting += 1;
                    }
                }
            }
        }
        let terminal = |p: &'static str| {
            if any_running {
                "Running"
            } else {
                p
            }
        };
        if failed_init > 0 && self.spec.restart_policy == "Never" {
            return terminal("Failed");
        }
        if pending_init > 0 || waiting > 0 {
            return "Pending";
        }
        if running > 0 {
            return "Running";
        }
        if stopped > 0 {
            if self.spec.restart_policy == "Always" {
                return "Running";
            }
            if stopped == succeeded {
                return terminal("Succeeded");
            }
            if self.spec.restart_policy == "Never" {
                return terminal("Failed");
            }
            return "Running";
        }
        "Pending"
    }

    /// Writes the model into `status` (keeping fields others own: `qosClass`, `PodScheduled`,
    /// `nominatedNodeName`, …). `gates` are the readiness gates with the status of their
    /// condition (`None`: no such condition).
    pub fn write(
        &self,
        status: &mut Value,
        phase: &str,
        now: i64,
        gates: &[(String, Option<bool>)],
    ) {
        let terminal = matches!(phase, "Succeeded" | "Failed");
        set_path(status, &["phase"], json!(phase));
        set_path(
            status,
            &["startTime"],
            json!(format_rfc3339(self.start_time)),
        );
        if let Some(ip) = &self.pod_ip {
            set_path(status, &["podIP"], json!(ip));
            set_path(status, &["podIPs"], json!([{"ip": ip}]));
        }
        let n = self.spec.n_init;
        if n > 0 {
            set_path(
                status,
                &["initContainerStatuses"],
                Value::Array(self.cs[..n].iter().map(Status::to_json).collect()),
            );
        }
        set_path(
            status,
            &["containerStatuses"],
            Value::Array(self.cs[n..].iter().map(Status::to_json).collect()),
        );
        let when = format_rfc3339(now);
        let mut set = |t: &str, ok: bool, reason: &str, message: String| {
            let mut c = json!({"type": t, "status": if ok { "True" } else { "False" }, "lastProbeTime": null, "lastTransitionTime": when});
            if !reason.is_empty() {
                c["reason"] = json!(reason);
            }
            if !message.is_empty() {
                c["message"] = json!(message);
            }
            set_condition(status, c);
        };
        set(
            "PodReadyToStartContainers",
            self.sandbox && !terminal,
            "",
            String::new(),
        );
        let complete = |i: usize| match self.spec.cs[i].kind {
            Kind::Sidecar => self.cs[i].started,
            _ => self.cs[i].terminated().is_some_and(|t| t.exit_code == 0),
        };
        let initialized = self.regular().any(|s| !s.never_ran()) || (0..n).all(complete);
        if initialized {
            let reason = if phase == "Succeeded" {
                "PodCompleted"
            } else {
                ""
            };
            set("Initialized", true, reason, String::new());
        } else {
            let incomplete: Vec<&str> = (0..n)
                .filter(|&i| !complete(i))
                .map(|i| self.spec.cs[i].name.as_str())
                .collect();
            set(
                "Initialized",
                false,
                "ContainersNotInitialized",
                format!(
                    "containers with incomplete status: [{}]",
                    incomplete.join(" ")
                ),
            );
        }
        let unready: Vec<&str> = (0..self.cs.len())
            .filter(|&i| self.spec.cs[i].kind != Kind::Init && !self.cs[i].ready)
            .map(|i| self.spec.cs[i].name.as_str())
            .collect();
        let ready = unready.is_empty() && !terminal;
        let (reason, message) = if ready {
            ("", String::new())
        } else if phase == "Succeeded" {
            ("PodCompleted", String::new())
        } else {
            (
                "ContainersNotReady",
                format!("containers with unready status: [{}]", unready.join(" ")),
            )
        };
        set("ContainersReady", ready, reason, message.clone());
        match gates.iter().find(|(_, ok)| *ok != Some(true)) {
            Some((g, ok)) if ready => {
                let message = match ok {
                    Some(_) => format!(
                        "the status of pod readiness gate \"{g}\" is not \"True\", but False"
                    ),
                    None => format!(
                        "corresponding condition of pod readiness gate \"{g}\" does not exist."
                    ),
                };
                set("Ready", false, "ReadinessGatesNotReady", message);
            }
            _ => set("Ready", ready, reason, message),
        }
    }
}

/// Replaces the condition of the same type in `status.conditions` (appending a new one),
/// keeping `lastTransitionTime` when its status is unchanged.
pub(super) use crate::api::condition::set as set_condition;
