//! The playground component. It holds what the page shows and talks to the worker that
//! runs the control plane (see `client`): commands out, compact updates in. It never calls
//! the core, so the page stays responsive whatever the cluster does.
use crate::apply::{self, Marker, Outcome};
use crate::client::Client;
use crate::console::{self, Console};
use crate::editor::Editor;
use crate::history::Op;
use crate::inspect::{EventRow, NodeView, PodDetails};
use crate::panels;
use crate::protocol::{Base, Clock, Command, Counts, PodRef, Report, Timeline, Update};
use crate::scenario::{self, Scenario};
use crate::series::SeriesStore;
use crate::share;
use crate::view::{self, NodeAction};
use crate::why;
use crate::workloads::WorkloadRow;
use crate::workspaces::{TreeRow, ROOT};
use crate::SEED;
use gloo::timers::callback::{Interval, Timeout};
use kplane::PodSummary;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{
    Element, HtmlElement, HtmlInputElement, HtmlSelectElement, KeyboardEvent,
    ScrollIntoViewOptions, ScrollLogicalPosition,
};
use yew::prelude::*;

/// Real milliseconds between two ticks while playing.
pub const TICK_MS: u32 = 250;
/// Speeds offered while playing: virtual seconds per tick.
pub const SPEEDS: [(f64, &str); 4] = [(1.0, "4×"), (5.0, "20×"), (15.0, "60×"), (60.0, "240×")];
/// Work shorter than this shows no progress bar.
const BUSY_AFTER_MS: u32 = 300;
/// After Cancel, how long the worker has to stop by itself before it is replaced.
const CANCEL_GRACE_MS: u32 = 1_500;

pub enum Msg {
    Report(Report),
    WorkerDied(String),
    EditManifest(String),
    PickScenario(String),
    ConfirmYes,
    ConfirmNo,
    ReloadScenario,
    Apply,
    ApplyForce,
    ApplyExtra(&'static str),
    Reset,
    TogglePlay,
    Tick,
    Step(f64),
    SetSpeed(String),
    ConsoleInput(String),
    ConsoleKey(KeyboardEvent),
    ConsoleRun,
    ConsoleQuick(&'static str),
    ConsoleClear,
    DismissOutcome,
    DismissNotices,
    JumpToLine(usize),
    /// Ask Why? about a pod (of another workspace: the worker moves there first).
    SelectPod(PodRef),
    /// Work in another workspace (the tree).
    SelectWorkspace(String),
    CloseWhy,
    ToggleWarningsOnly,
    DescribePod,
    NodeAction(String, NodeAction),
    GoTo(usize),
    Cancel,
    CancelExpired(u32),
    ShowBusy(u32),
    BusyTick,
    Share,
    WriteUrl,
    Key(KeyboardEvent),
    TrapWorker,
}

thread_local! {
    /// How `kplaneTrapWorker()` reaches the app.
    static TRAP: std::cell::RefCell<Option<Callback<()>>> = const { std::cell::RefCell::new(None) };
}

/// Makes the worker trap as a bug would, to see the page recover (used by the browser
/// tests; harmless otherwise: the cluster is rebuilt from its history).
#[wasm_bindgen::prelude::wasm_bindgen(js_name = kplaneTrapWorker)]
pub fn trap_worker() {
    TRAP.with(|t| {
        if let Some(cb) = t.borrow().as_ref() {
            cb.emit(());
        }
    });
}

/// Which element to bring into view after the next render.
#[derive(Clone, Copy, PartialEq)]
enum Reveal {
    Why,
    Console,
}

/// What waits for a yes in the confirmation dialog.
enum Confirm {
    Scenario(&'static Scenario),
    Reset,
}

/// The panels an embedded playground may show (`?embed&panels=cluster,console`).
pub const PANELS: [&str; 9] = [
    "editor",
    "workspaces",
    "cluster",
    "events",
    "console",
    "charts",
    "workloads",
    "timeline",
    "why",
];

/// How the page was opened: the full playground, or embedded with chosen panels.
#[derive(Debug, Clone, PartialEq)]
pub struct Mode {
    pub embed: bool,
    pub panels: Vec<String>,
}

impl Mode {
    /// From the query string (`?embed&panels=cluster,console&scenario=rollout`).
    pub fn from_query(query: &str) -> Mode {
        let params: Vec<(&str, &str)> = query
            .trim_start_matches('?')
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| p.split_once('=').unwrap_or((p, "")))
            .collect();
        let embed = params.iter().any(|(k, _)| *k == "embed");
        let panels = params
            .iter()
            .find(|(k, _)| *k == "panels")
            .map(|(_, v)| {
                v.split(',')
                    .filter(|p| PANELS.contains(p))
                    .map(str::to_string)
                    .collect()
            })
            .filter(|p: &Vec<String>| !p.is_empty())
            .unwrap_or_else(|| {
                let all: &[&str] = if embed {
                    &["cluster", "console", "why"]
                } else {
                    &PANELS
                };
                all.iter().map(|p| p.to_string()).collect()
            });
        Mode { embed, panels }
    }

    pub fn shows(&self, panel: &str) -> bool {
        self.panels.iter().any(|p| p == panel)
    }
}

/// The query parameter that picks a scenario.
pub fn scenario_param(query: &str) -> Option<&'static Scenario> {
    query
        .trim_start_matches('?')
        .split('&')
        .find_map(|p| p.strip_prefix("scenario="))
        .and_then(scenario::by_id)
}

struct Busy {
    label: String,
    since: f64,
    seq: u32,
    visible: bool,
}

pub struct App {
    client: Option<Client>,
    mode: Mode,
    scenario: &'static Scenario,
    manifest: String,
    editor_key: u32,
    playing: bool,
    speed: f64,
    ticker: Option<Interval>,
    tick_in_flight: bool,
    outcome: Outcome,
    markers: Rc<Vec<Marker>>,
    jump: Option<(usize, u32)>,
    console: Console,
    console_input: String,
    console_output: NodeRef,
    selected: Option<PodRef>,
    details: Option<PodDetails>,
    reveal: Option<Reveal>,
    clock: Clock,
    start_ms: i64,
    counts: Counts,
    /// The workspace the worker works in (Apply, console, pending, Events, workloads).
    workspace: String,
    tree: Vec<Rc<TreeRow>>,
    nodes: Vec<Rc<NodeView>>,
    pending: Vec<PodSummary>,
    events: Vec<Rc<EventRow>>,
    warnings_only: bool,
    workloads: Vec<WorkloadRow>,
    series: SeriesStore,
    timeline: Timeline,
    ops: Vec<Op>,
    busy: Option<Busy>,
    busy_seq: u32,
    busy_ticker: Option<Interval>,
    /// The command the worker is on (reported if it dies).
    running: Option<Command>,
    notices: Vec<String>,
    confirm: Option<Confirm>,
    url_timer: Option<Timeout>,
    on_action: Callback<(String, NodeAction)>,
    loaded: bool,
    /// Commands sent and not answered yet (`data-inflight`, for tests and the busy note).
    in_flight: u32,
    /// The confirmation dialog just opened: move the focus into it.
    focus_dialog: bool,
    /// The last good state the worker sent: (ops, snapshot), to restart from.
    checkpoint: Option<(usize, Rc<String>)>,
    /// The ops the checkpoint follows (to notice a branch before it).
    checkpoint_ops: Vec<Op>,
}

fn location() -> (String, String) {
    let l = gloo::utils::window().location();
    (l.search().unwrap_or_default(), l.hash().unwrap_or_default())
}

impl App {
    fn spawn(&mut self, ctx: &Context<Self>) {
        self.client = None;
        self.in_flight = 0;
        match Client::spawn(
            ctx.link().callback(Msg::Report),
            ctx.link().callback(Msg::WorkerDied),
        ) {
            Ok(c) => self.client = Some(c),
            Err(e) => self.notices.push(format!(
                "The simulation could not start (Web Workers unavailable?): {e}"
            )),
        }
    }

    fn send(&mut self, command: Command) {
        if let Some(c) = &mut self.client {
            self.running = Some(command.clone());
            self.in_flight += 1;
            mark_in_flight(self.in_flight);
            c.send(command);
        }
    }

    /// The cluster changes from the beginning: the charts start over too.
    fn load_ops(&mut self, ops: Vec<Op>, at: Option<usize>, workspace: Option<String>) {
        self.send(Command::Load {
            seed: SEED,
            ops,
            at,
            base: None,
            workspace,
        });
    }

    /// A new worker after the old one died or was stopped: from the last checkpoint (when
    /// it is on the current branch), replaying the changes after it. Returns what was done.
    fn restart(&mut self, ctx: &Context<Self>) -> String {
        self.set_playing(ctx, false);
        self.busy = None;
        self.tick_in_flight = false;
        self.spawn(ctx);
        let last = self.timeline.points.len().saturating_sub(1);
        let at = (self.timeline.current < last).then_some(self.timeline.current);
        let ops = self.ops.clone();
        let base = self
            .checkpoint
            .as_ref()
            .filter(|(n, _)| {
                *n <= ops.len()
                    && ops[..*n] == self.checkpoint_ops[..]
                    && self.timeline.points.len() > *n
            })
            .map(|(n, s)| Base {
                ops: *n,
                snapshot: s.to_string(),
                points: self.timeline.points[..=*n].to_vec(),
            });
        let said = match &base {
            Some(b) => format!(
                "It was restarted from the last good snapshot (point {}) and the {} changes after it were replayed.",
                b.ops,
                ops.len() - b.ops
            ),
            None => format!(
                "It was restarted from the last good state: the {} changes before it were replayed.",
                ops.len()
            ),
        };
        self.series.clear();
        let workspace = Some(self.workspace.clone());
        self.send(Command::Load {
            seed: SEED,
            ops,
            at,
            base,
            workspace,
        });
        said
    }

    fn set_playing(&mut self, ctx: &Context<Self>, playing: bool) {
        self.playing = playing;
        self.ticker = playing.then(|| {
            let link = ctx.link().clone();
            Interval::new(TICK_MS, move || link.send_message(Msg::Tick))
        });
    }

    fn load_manifest(&mut self) {
        self.manifest = self.scenario.manifest.to_string();
        self.editor_key += 1;
        self.outcome = Outcome::default();
        self.markers = Rc::default();
    }

    fn switch_scenario(&mut self, ctx: &Context<Self>, s: &'static Scenario) {
        self.scenario = s;
        self.reset(ctx);
        self.load_manifest();
        self.schedule_url(ctx);
    }

    fn reset(&mut self, ctx: &Context<Self>) {
        self.set_playing(ctx, false);
        self.outcome = Outcome::default();
        self.markers = Rc::default();
        self.selected = None;
        self.details = None;
        self.series.clear();
        self.send(Command::Reset);
    }

    /// Runs a console line in the current workspace.
    fn run_console(&mut self, line: String) {
        self.run_kubectl(line, None);
    }

    /// Runs a console line in `workspace` (or the current one).
    fn run_kubectl(&mut self, line: String, workspace: Option<String>) {
        let command = console::normalize(&line).to_string();
        if command.is_empty() {
            return;
        }
        self.console_input.clear();
        // `apply -f -` and friends read the editor, as if it were piped in.
        let stdin = self.manifest.clone();
        self.send(Command::Kubectl {
            command,
            stdin,
            workspace,
        });
    }

    fn share_state(&self) -> share::State {
        let last = self.timeline.points.len().saturating_sub(1);
        share::State {
            v: share::VERSION,
            scenario: Some(self.scenario.id.to_string()),
            manifest: self.manifest.clone(),
            workspace: self.workspace.clone(),
            speed: self.speed,
            seed: SEED,
            ops: self.ops.clone(),
            at: (self.timeline.current < last).then_some(self.timeline.current),
            elapsed_ms: self.clock.elapsed_ms,
        }
    }

    fn schedule_url(&mut self, ctx: &Context<Self>) {
        let link = ctx.link().clone();
        self.url_timer = Some(Timeout::new(400, move || link.send_message(Msg::WriteUrl)));
    }

    fn write_url(&self) {
        let fragment = share::encode(&self.share_state());
        let (query, _) = location();
        if let Ok(h) = gloo::utils::window().history() {
            let _ = h.replace_state_with_url(
                &wasm_bindgen::JsValue::NULL,
                "",
                Some(&format!("{query}#{fragment}")),
            );
        }
    }

    /// The full playground's address for this state (embed mode's "open in playground").
    fn open_href(&self) -> String {
        let fragment = share::encode(&self.share_state());
        let l = gloo::utils::window().location();
        let path = l.pathname().unwrap_or_default();
        format!("{path}?scenario={}#{fragment}", self.scenario.id)
    }

    fn on_update(&mut self, ctx: &Context<Self>, u: Update) {
        self.start_ms = u.clock.now_ms - u.clock.elapsed_ms;
        self.clock = u.clock;
        self.counts = u.counts;
        let mut url = false;
        if let Some(ws) = u.workspace {
            // The Why? panel's pod stays only if it is in the new workspace (the worker
            // closes the panel otherwise).
            if self.selected.as_ref().is_some_and(|p| p.workspace != ws) {
                self.selected = None;
                self.details = None;
            }
            self.workspace = ws;
            url = true;
        }
        if let Some(d) = u.workspaces {
            d.apply_to(&mut self.tree);
        }
        if let Some(d) = u.nodes {
            d.apply_to(&mut self.nodes);
        }
        if let Some(p) = u.pending {
            self.pending = p;
        }
        if let Some(d) = u.events {
            d.apply_to(&mut self.events);
        }
        if let Some(w) = u.workloads {
            self.workloads = w;
        }
        match u.why {
            Some(Some(d)) => self.details = Some(d),
            Some(None) => self.details = None,
            None => {}
        }
        if let Some(t) = u.samples_cut {
            self.series.cut_after(t);
        }
        for s in &u.samples {
            self.series.add(s);
        }
        if let Some(t) = u.timeline {
            self.timeline = t;
            url = true;
        }
        if let Some(ops) = u.ops {
            self.ops = ops;
            url = true;
        }
        if u.idle {
            self.in_flight = self.in_flight.saturating_sub(1);
            self.tick_in_flight = false;
            self.busy = None;
            self.busy_ticker = None;
            self.running = None;
            self.loaded = true;
        }
        if url && !self.mode.embed {
            self.schedule_url(ctx);
        }
    }

    fn panel(&self, name: &str) -> bool {
        self.mode.shows(name)
    }
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let (query, hash) = location();
        let mode = Mode::from_query(&query);
        let scenario = scenario_param(&query).unwrap_or(&scenario::SCENARIOS[0]);
        let mut app = App {
            client: None,
            mode,
            scenario,
            manifest: scenario.manifest.to_string(),
            editor_key: 0,
            playing: false,
            speed: SPEEDS[0].0,
            ticker: None,
            tick_in_flight: false,
            outcome: Outcome::default(),
            markers: Rc::default(),
            jump: None,
            console: Console::default(),
            console_input: String::new(),
            console_output: NodeRef::default(),
            selected: None,
            details: None,
            reveal: None,
            clock: Clock::default(),
            start_ms: 0,
            counts: Counts::default(),
            workspace: ROOT.into(),
            tree: vec![],
            nodes: vec![],
            pending: vec![],
            events: vec![],
            warnings_only: false,
            workloads: vec![],
            series: SeriesStore::default(),
            timeline: Timeline::default(),
            ops: vec![],
            busy: None,
            busy_seq: 0,
            busy_ticker: None,
            running: None,
            notices: vec![],
            confirm: None,
            url_timer: None,
            on_action: ctx
                .link()
                .callback(|(node, action)| Msg::NodeAction(node, action)),
            loaded: false,
            in_flight: 0,
            focus_dialog: false,
            checkpoint: None,
            checkpoint_ops: vec![],
        };
        let trap = ctx.link().callback(|_| Msg::TrapWorker);
        TRAP.with(|t| *t.borrow_mut() = Some(trap));
        app.spawn(ctx);
        match share::decode(&hash) {
            Ok(Some(state)) => {
                if let Some(s) = state.scenario.as_deref().and_then(scenario::by_id) {
                    app.scenario = s;
                }
                app.manifest = state.manifest;
                if SPEEDS.iter().any(|(s, _)| *s == state.speed) {
                    app.speed = state.speed;
                }
                app.load_ops(state.ops, state.at, Some(state.workspace));
            }
            Ok(None) if app.mode.embed => {
                // An embedded scenario starts applied.
                let manifest = app.manifest.clone();
                app.load_ops(
                    vec![Op::Apply {
                        manifest,
                        force: false,
                        workspace: ROOT.into(),
                    }],
                    None,
                    None,
                );
            }
            Ok(None) => app.send(Command::Refresh),
            Err(e) => {
                app.notices.push(format!(
                    "This link could not be opened: {e}. Starting with an empty cluster."
                ));
                app.send(Command::Refresh);
            }
        }
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Report(r) => match r {
                Report::Ready => {
                    if let Some(c) = &mut self.client {
                        c.set_ready();
                    }
                }
                Report::Busy { label } => {
                    self.busy_seq = self.busy_seq.wrapping_add(1);
                    let seq = self.busy_seq;
                    self.busy = Some(Busy {
                        label,
                        since: js_sys::Date::now(),
                        seq,
                        visible: false,
                    });
                    let link = ctx.link().clone();
                    Timeout::new(BUSY_AFTER_MS, move || link.send_message(Msg::ShowBusy(seq)))
                        .forget();
                    return false;
                }
                Report::Update(u) => self.on_update(ctx, *u),
                Report::Applied(outcome) => {
                    self.markers = Rc::new(apply::markers(&outcome));
                    self.outcome = outcome;
                }
                Report::Kubectl(entry) => {
                    self.console.push(entry);
                }
                Report::Notice(n) => self.notices.push(n),
                Report::Checkpoint { ops, snapshot } => {
                    if ops <= self.ops.len() {
                        self.checkpoint_ops = self.ops[..ops].to_vec();
                        self.checkpoint = Some((ops, Rc::new(snapshot)));
                    }
                    return false;
                }
                Report::Crashed(message) => {
                    gloo::console::error!(format!("kplane worker panicked: {message}"));
                    self.notices.push(format!(
                        "The simulation panicked (a bug; please report it): {message}"
                    ));
                }
            },
            Msg::WorkerDied(message) => {
                let what = match &self.running {
                    Some(Command::Apply { manifest, .. }) => {
                        let head: String = manifest.chars().take(200).collect();
                        format!("while applying the editor's manifests (starting: {head:?})")
                    }
                    Some(Command::Kubectl { command, .. }) => {
                        format!("while running `kubectl {command}`")
                    }
                    Some(c) => format!("during {}", crate::session::Session::label(c)),
                    None => "while idle".to_string(),
                };
                let said = self.restart(ctx);
                self.notices
                    .push(format!("The simulation stopped ({message}) {what}. {said}"));
            }
            Msg::EditManifest(text) => {
                self.manifest = text;
                if !self.mode.embed {
                    self.schedule_url(ctx);
                }
                return false;
            }
            Msg::PickScenario(id) => {
                if let Some(s) = scenario::by_id(&id) {
                    if self.ops.is_empty() {
                        self.switch_scenario(ctx, s);
                    } else {
                        self.confirm = Some(Confirm::Scenario(s));
                        self.focus_dialog = true;
                    }
                }
            }
            Msg::ConfirmYes => match self.confirm.take() {
                Some(Confirm::Scenario(s)) => self.switch_scenario(ctx, s),
                Some(Confirm::Reset) => self.reset(ctx),
                None => {}
            },
            Msg::ConfirmNo => {
                self.confirm = None;
                // Put the picker back on the scenario in use.
                if let Some(select) = gloo::utils::document()
                    .get_element_by_id("scenario")
                    .and_then(|e| e.dyn_into::<HtmlSelectElement>().ok())
                {
                    select.set_value(self.scenario.id);
                }
            }
            Msg::ReloadScenario => self.load_manifest(),
            Msg::Apply => {
                let manifest = self.manifest.clone();
                self.send(Command::Apply {
                    manifest,
                    force: false,
                });
            }
            Msg::ApplyForce => {
                let manifest = self.manifest.clone();
                self.send(Command::Apply {
                    manifest,
                    force: true,
                });
            }
            Msg::ApplyExtra(manifest) => self.send(Command::Apply {
                manifest: manifest.to_string(),
                force: false,
            }),
            Msg::Reset => {
                if self.ops.is_empty() {
                    self.reset(ctx);
                } else {
                    self.confirm = Some(Confirm::Reset);
                    self.focus_dialog = true;
                }
            }
            Msg::TogglePlay => self.set_playing(ctx, !self.playing),
            Msg::Tick => {
                if self.tick_in_flight || self.busy.as_ref().is_some_and(|b| b.visible) {
                    return false;
                }
                self.tick_in_flight = true;
                self.send(Command::Advance {
                    seconds: self.speed,
                    play: true,
                });
                return false;
            }
            Msg::Step(seconds) => self.send(Command::Advance {
                seconds,
                play: false,
            }),
            Msg::SetSpeed(value) => {
                if let Ok(speed) = value.parse::<f64>() {
                    if speed.is_finite() && speed > 0.0 {
                        self.speed = speed;
                        self.schedule_url(ctx);
                    }
                }
            }
            Msg::ConsoleInput(text) => {
                self.console_input = text;
                return false;
            }
            Msg::ConsoleKey(e) => {
                let recalled = match e.key().as_str() {
                    "ArrowUp" => self.console.older(),
                    "ArrowDown" => self.console.newer(),
                    _ => None,
                };
                match recalled {
                    Some(line) => {
                        e.prevent_default();
                        self.console_input = line;
                    }
                    None => return false,
                }
            }
            Msg::ConsoleRun => {
                let line = std::mem::take(&mut self.console_input);
                self.run_console(line);
            }
            Msg::ConsoleQuick(line) => self.run_console(line.to_string()),
            Msg::ConsoleClear => self.console.clear(),
            Msg::DismissOutcome => {
                self.outcome = Outcome::default();
                self.markers = Rc::default();
            }
            Msg::DismissNotices => self.notices.clear(),
            Msg::JumpToLine(line) => {
                let seq = self.jump.map_or(0, |(_, s)| s.wrapping_add(1));
                self.jump = Some((line, seq));
            }
            Msg::SelectPod(pod) => {
                let pod = Some(pod);
                if self.selected != pod {
                    self.details = None;
                }
                self.selected = pod.clone();
                self.reveal = Some(Reveal::Why);
                self.send(Command::Select(pod));
            }
            Msg::ToggleWarningsOnly => {
                self.warnings_only = !self.warnings_only;
                self.send(Command::WarningsOnly(self.warnings_only));
            }
            Msg::CloseWhy => {
                self.selected = None;
                self.details = None;
                self.send(Command::Select(None));
            }
            Msg::SelectWorkspace(path) => {
                if path != self.workspace {
                    self.send(Command::Workspace(path));
                }
            }
            Msg::DescribePod => {
                if let Some(p) = self.selected.clone() {
                    self.run_kubectl(
                        format!("describe pod {} -n {}", p.name, p.namespace),
                        Some(p.workspace),
                    );
                    self.reveal = Some(Reveal::Console);
                }
            }
            Msg::NodeAction(node, action) => {
                // Nodes are the shared data plane, written in root whatever the workspace.
                self.run_kubectl(action.command(&node), Some(ROOT.into()));
                if action == NodeAction::Drain {
                    self.reveal = Some(Reveal::Console);
                }
            }
            Msg::GoTo(n) => {
                self.set_playing(ctx, false);
                self.send(Command::GoTo(n));
            }
            Msg::Cancel => {
                if let Some(c) = &mut self.client {
                    c.cancel();
                }
                if let Some(b) = &self.busy {
                    let seq = b.seq;
                    let link = ctx.link().clone();
                    Timeout::new(CANCEL_GRACE_MS, move || {
                        link.send_message(Msg::CancelExpired(seq))
                    })
                    .forget();
                }
            }
            Msg::CancelExpired(seq) => {
                // Still on the same work: the worker cannot stop between slices (one long
                // instant of the control plane); replace it.
                if self.busy.as_ref().is_some_and(|b| b.seq == seq) {
                    let label = self
                        .busy
                        .as_ref()
                        .map(|b| b.label.clone())
                        .unwrap_or_default();
                    let said = self.restart(ctx);
                    self.notices.push(format!(
                        "{label} was cancelled; the cluster is back at its last good state. {said}"
                    ));
                }
            }
            Msg::ShowBusy(seq) => match &mut self.busy {
                Some(b) if b.seq == seq => {
                    b.visible = true;
                    let link = ctx.link().clone();
                    self.busy_ticker =
                        Some(Interval::new(250, move || link.send_message(Msg::BusyTick)));
                }
                _ => return false,
            },
            Msg::BusyTick => {}
            Msg::Share => {
                self.write_url();
                let href = gloo::utils::window().location().href().unwrap_or_default();
                let clipboard = gloo::utils::window().navigator().clipboard();
                let _ = clipboard.write_text(&href);
                self.notices
                    .push("The link to this cluster is in the address bar (and copied).".into());
            }
            Msg::WriteUrl => {
                self.url_timer = None;
                self.write_url();
                return false;
            }
            Msg::TrapWorker => {
                if let Some(c) = &mut self.client {
                    c.trap();
                }
                return false;
            }
            Msg::Key(e) => {
                if e.key() != "Escape" {
                    return false;
                }
                if self.confirm.is_some() {
                    ctx.link().send_message(Msg::ConfirmNo);
                    return false;
                }
                // Escape in the editor leaves it (the editor handles that); elsewhere it
                // closes the Why? panel.
                let in_editor = e
                    .target()
                    .and_then(|t| t.dyn_into::<Element>().ok())
                    .is_some_and(|el| el.id() == "manifest");
                if !in_editor && self.details.is_some() {
                    ctx.link().send_message(Msg::CloseWhy);
                }
                return false;
            }
        }
        true
    }

    fn rendered(&mut self, _ctx: &Context<Self>, _first_render: bool) {
        // Answers count once what they changed is on screen.
        mark_in_flight(self.in_flight);
        if std::mem::take(&mut self.focus_dialog) {
            if let Some(no) = gloo::utils::document()
                .get_element_by_id("confirm-no")
                .and_then(|e| e.dyn_into::<HtmlElement>().ok())
            {
                let _ = no.focus();
            }
        }
        // Keep the newest console output in view.
        if let Some(pre) = self.console_output.cast::<HtmlElement>() {
            pre.set_scroll_top(pre.scroll_height());
        }
        if let Some(reveal) = self.reveal.take() {
            let id = match reveal {
                Reveal::Why => "why",
                Reveal::Console => "console",
            };
            if let Some(el) = gloo::utils::document().get_element_by_id(id) {
                reveal_element(&el);
            }
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let on_speed = link.callback(|e: Event| {
            Msg::SetSpeed(e.target_unchecked_into::<HtmlSelectElement>().value())
        });
        let on_pick = link.callback(|e: Event| {
            Msg::PickScenario(e.target_unchecked_into::<HtmlSelectElement>().value())
        });
        let on_console_input = link.callback(|e: InputEvent| {
            Msg::ConsoleInput(e.target_unchecked_into::<HtmlInputElement>().value())
        });
        let on_console_submit = link.callback(|e: SubmitEvent| {
            e.prevent_default();
            Msg::ConsoleRun
        });
        let on_pod =
            link.batch_callback(|e: MouseEvent| view::pod_target(e.target()).map(Msg::SelectPod));
        let on_pod_key = link.batch_callback(|e: KeyboardEvent| {
            if e.key() != "Enter" && e.key() != " " {
                return None;
            }
            let pod = view::pod_target(e.target())?;
            e.prevent_default();
            Some(Msg::SelectPod(pod))
        });
        let selected = self.selected.as_ref();
        let embed = self.mode.embed;

        let header = view::header(view::HeaderProps {
            date_time: crate::format::clock(&self.clock.now),
            clock: &self.clock,
            counts: &self.counts,
            playing: self.playing,
            speed: self.speed,
            embed,
            on_play: link.callback(|_| Msg::TogglePlay),
            on_step: link.callback(|_| Msg::Step(1.0)),
            on_step_minute: link.callback(|_| Msg::Step(60.0)),
            on_speed,
            on_reset: link.callback(|_| Msg::Reset),
            on_share: link.callback(|_| Msg::Share),
            open_href: embed.then(|| self.open_href()),
        });
        let busy = self.busy.as_ref().filter(|b| b.visible).map(|b| {
            panels::busy(
                &b.label,
                js_sys::Date::now() - b.since,
                link.callback(|_| Msg::Cancel),
            )
        });
        let editor = html! {
            <section class="panel editor-panel" aria-label="Manifests">
                <div class="panel-head">
                    <h2>{ "Manifests" }</h2>
                    <span class="apply-target" id="apply-target" title="Apply writes into this workspace"
                        style={format!("--ws-hue: {}", crate::workspaces::hue(&self.workspace))}>{ format!("→ {}", self.workspace) }</span>
                    <div class="actions">
                        <span class="hint kbd-hint" title="Tab indents; Escape leaves the editor">{ "Ctrl+Enter · Esc" }</span>
                        <button id="apply" class="primary" title="kubectl apply (Ctrl+Enter)"
                            onclick={link.callback(|_| Msg::Apply)}>{ "Apply" }</button>
                    </div>
                </div>
                <Editor key={self.editor_key.to_string()} initial={AttrValue::from(self.manifest.clone())}
                    markers={self.markers.clone()} jump={self.jump}
                    on_change={link.callback(Msg::EditManifest)} on_apply={link.callback(|_| Msg::Apply)} />
                { view::notices(view::NoticesProps {
                    outcome: &self.outcome,
                    on_dismiss: link.callback(|_| Msg::DismissOutcome),
                    on_jump: link.callback(Msg::JumpToLine),
                    on_force: link.callback(|_| Msg::ApplyForce),
                }) }
            </section>
        };
        let cluster = html! {
            <>
                { view::nodes(view::NodesProps {
                    total: self.counts.nodes,
                    views: &self.nodes,
                    selected,
                    on_pod: on_pod.clone(),
                    on_pod_key: on_pod_key.clone(),
                    on_action: self.on_action.clone(),
                }) }
            </>
        };
        let why = self
            .details
            .as_ref()
            .filter(|_| self.panel("why"))
            .map(|d| {
                why::why(why::WhyProps {
                    details: d,
                    on_close: link.callback(|_| Msg::CloseWhy),
                    on_describe: link.callback(|_| Msg::DescribePod),
                })
            });
        let pending = view::pending(
            &self.pending,
            self.counts.workspace_pending,
            selected,
            on_pod,
            on_pod_key,
        );
        let here = self.workspace.clone();
        let events = view::timeline(
            &self.events,
            self.warnings_only,
            link.callback(move |(namespace, name)| {
                Msg::SelectPod(PodRef {
                    workspace: here.clone(),
                    namespace,
                    name,
                })
            }),
            link.callback(|_| Msg::ToggleWarningsOnly),
        );
        let console = view::console(view::ConsoleProps {
            console: &self.console,
            input: &self.console_input,
            output_ref: &self.console_output,
            commands: self.scenario.commands,
            on_input: on_console_input,
            on_key: link.callback(Msg::ConsoleKey),
            on_submit: on_console_submit,
            on_quick: link.callback(Msg::ConsoleQuick),
            on_clear: link.callback(|_| Msg::ConsoleClear),
        });
        let now_t = self.clock.elapsed_ms;
        let confirm = self.confirm.as_ref().map(|c| {
            let (question, yes) = match c {
                Confirm::Scenario(s) => (
                    format!("Load \"{}\"? This starts a new, empty cluster: the current one ({} changes) is lost (the Share link keeps it).", s.title, self.ops.len()),
                    "Load scenario",
                ),
                Confirm::Reset => (
                    format!("Start over with an empty cluster? The current one ({} changes) is lost.", self.ops.len()),
                    "Reset",
                ),
            };
            panels::confirm(&question, yes, link.callback(|_| Msg::ConfirmYes), link.callback(|_| Msg::ConfirmNo))
        });

        html! {
            <div class={classes!("app", embed.then_some("embed"))} onkeydown={link.callback(Msg::Key)}
                data-ready={self.loaded.to_string()} data-inflight={self.in_flight.to_string()}>
                <a class="skip-link" href="#cluster">{ "Skip to the cluster" }</a>
                { header }
                { busy.unwrap_or_default() }
                { panels::notices(&self.notices, link.callback(|_| Msg::DismissNotices)) }
                if self.panel("timeline") && !embed {
                    { panels::scrubber(&self.timeline, self.start_ms, link.callback(Msg::GoTo)) }
                }
                <main class="layout">
                    if !embed || self.panel("editor") || self.panel("workspaces") {
                        <aside class="side" id="side">
                            if !embed {
                                { view::scenario_card(view::ScenarioProps {
                                    scenario: self.scenario,
                                    on_pick,
                                    on_reload: link.callback(|_| Msg::ReloadScenario),
                                    on_extra: link.callback(Msg::ApplyExtra),
                                }) }
                            }
                            if self.panel("workspaces") {
                                { panels::workspaces(&self.tree, &self.workspace, link.callback(Msg::SelectWorkspace)) }
                            }
                            if !embed || self.panel("editor") { { editor } }
                        </aside>
                        <div class="splitter" role="separator" aria-orientation="vertical" aria-label="Resize the side panel"
                            tabindex="0" id="splitter"></div>
                    }
                    <section class="cluster" id="cluster" aria-label="Cluster" tabindex="-1">
                        if self.panel("cluster") { { cluster } }
                        { why.unwrap_or_default() }
                        if self.panel("cluster") || self.panel("events") {
                            <div class="row-2">
                                if self.panel("cluster") { { pending } }
                                if self.panel("events") { { events } }
                            </div>
                        }
                        if self.panel("workloads") { { panels::workloads(&self.workloads) } }
                        if self.panel("charts") { { panels::charts(&self.series, now_t) } }
                        if self.panel("console") { { console } }
                    </section>
                </main>
                { confirm.unwrap_or_default() }
            </div>
        }
    }
}

/// Says on `<html data-inflight>`, at once (not at the next render), how many commands the
/// worker has not answered yet: tests wait for 0.
fn mark_in_flight(n: u32) {
    if let Some(html) = gloo::utils::document().document_element() {
        let _ = html.set_attribute("data-inflight", &n.to_string());
    }
}

/// Scrolls the element into view only as far as needed.
fn reveal_element(el: &Element) {
    let options = ScrollIntoViewOptions::new();
    options.set_block(ScrollLogicalPosition::Nearest);
    el.scroll_into_view_with_scroll_into_view_options(&options);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embed_mode_reads_its_panels_from_the_query() {
        let m = Mode::from_query("?embed&panels=cluster,console,nonsense");
        assert!(m.embed);
        assert_eq!(m.panels, vec!["cluster", "console"]);
        let m = Mode::from_query("?embed");
        assert!(m.shows("cluster") && m.shows("console") && !m.shows("editor"));
        let m = Mode::from_query("");
        assert!(!m.embed && m.shows("charts") && m.shows("editor"));
        assert_eq!(
            scenario_param("?embed&scenario=rollout").map(|s| s.id),
            Some("rollout")
        );
        assert!(scenario_param("?scenario=nope").is_none());
    }
}
