//! The playground component: owns the control plane and the virtual clock's ticker.
use crate::apply::{self, Marker, Outcome};
use crate::console::{self, Console, Entry};
use crate::editor::Editor;
use crate::inspect::{self, EventFeed, EventFilter, NodeView, PodDetails};
use crate::scenario::{self, Scenario};
use crate::view::{self, NodeAction, MAX_NODE_CARDS};
use crate::why;
use gloo::timers::callback::Interval;
use kplane::{ControlPlane, NodeSummary, Options, PodSummary};
use std::rc::Rc;
use web_sys::{
    Element, HtmlElement, HtmlInputElement, HtmlSelectElement, KeyboardEvent,
    ScrollIntoViewOptions, ScrollLogicalPosition,
};
use yew::prelude::*;

/// The workspace the playground works in.
const WORKSPACE: &str = "root";
/// The seed of the control plane (names, UIDs, tie-breaks): fixed, so a scenario replays
/// the same way every time.
const SEED: u64 = 1;
/// Real milliseconds between two ticks while playing.
pub const TICK_MS: u32 = 250;
/// Speeds offered while playing: virtual seconds per tick.
pub const SPEEDS: [(f64, &str); 4] = [(1.0, "4×"), (5.0, "20×"), (15.0, "60×"), (60.0, "240×")];
/// How many Events the timeline lists.
const TIMELINE_EVENTS: usize = 40;
/// How many of a pod's Events the Why? panel lists (the newest).
const POD_EVENTS: usize = 100;

pub enum Msg {
    EditManifest(String),
    PickScenario(String),
    ReloadScenario,
    Apply,
    /// Apply again, taking over the fields other managers own (`--force-conflicts`).
    ApplyForce,
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
    DismissNotices,
    JumpToLine(usize),
    SelectPod(String, String),
    CloseWhy,
    ToggleWarningsOnly,
    DescribePod,
    NodeAction(String, NodeAction),
    /// Send a spot interruption notice for a node (the fleet panel's button).
    SpotInterrupt(String),
}

/// Which element to bring into view after the next render.
#[derive(Clone, Copy, PartialEq)]
enum Reveal {
    Why,
    Console,
}

pub struct App {
    cp: ControlPlane,
    start_ms: i64,
    scenario: &'static Scenario,
    manifest: String,
    /// Bumped to remount the editor with `manifest` (a scenario was loaded).
    editor_key: u32,
    playing: bool,
    /// Virtual seconds per tick.
    speed: f64,
    ticker: Option<Interval>,
    outcome: Outcome,
    markers: Rc<Vec<Marker>>,
    jump: Option<(usize, u32)>,
    console: Console,
    console_input: String,
    console_output: NodeRef,
    /// The pod the Why? panel is about: (namespace, name).
    selected: Option<(String, String)>,
    details: Option<PodDetails>,
    /// The selected pod's Events.
    pod_events: Option<EventFeed>,
    reveal: Option<Reveal>,
    /// What the cluster view shows, refreshed after every change.
    nodes: Vec<NodeSummary>,
    node_views: Vec<NodeView>,
    pending: Vec<PodSummary>,
    /// The Events timeline (all Events, or only warnings).
    timeline: EventFeed,
    /// The fleet panel (nodes by zone with prices, NodeClaims in flight, cost).
    fleet: crate::fleet::Fleet,
}

fn new_control_plane() -> ControlPlane {
    // The default start time is valid, so this only fails on a bug in the core.
    ControlPlane::new(Options {
        seed: SEED,
        start: None,
    })
    .unwrap_or_else(|status| panic!("creating the control plane failed: {}", status.message))
}

impl App {
    fn refresh(&mut self) {
        self.nodes = self.cp.nodes();
        self.node_views = inspect::node_views(&self.cp, &self.nodes, MAX_NODE_CARDS);
        self.pending = self.cp.pending_pods();
        self.timeline.update(&self.cp, WORKSPACE);
        self.fleet = crate::fleet::fleet(&self.cp);
        if let (Some((ns, name)), Some(feed)) = (&self.selected, &mut self.pod_events) {
            feed.update(&self.cp, WORKSPACE);
            match inspect::pod_details(&self.cp, WORKSPACE, ns, name, feed) {
                Some(d) => self.details = Some(d),
                None => {
                    if let Some(d) = &mut self.details {
                        d.exists = false;
                    }
                }
            }
        }
    }

    fn apply(&mut self, force: bool) {
        self.outcome = apply::apply_documents(&mut self.cp, WORKSPACE, &self.manifest, force);
        self.markers = Rc::new(apply::markers(&self.outcome));
        self.refresh();
    }

    fn reset(&mut self, ctx: &Context<Self>) {
        self.set_playing(ctx, false);
        self.cp = new_control_plane();
        self.start_ms = self.cp.now_ms();
        self.outcome = Outcome::default();
        self.markers = Rc::default();
        self.selected = None;
        self.details = None;
        self.pod_events = None;
        self.timeline = EventFeed::new(self.timeline_filter(), TIMELINE_EVENTS);
        self.refresh();
    }

    fn timeline_filter(&self) -> EventFilter {
        self.timeline.filter().clone()
    }

    fn load_manifest(&mut self) {
        self.manifest = self.scenario.manifest.to_string();
        self.editor_key += 1;
        self.outcome = Outcome::default();
        self.markers = Rc::default();
    }

    fn set_playing(&mut self, ctx: &Context<Self>, playing: bool) {
        self.playing = playing;
        self.ticker = playing.then(|| {
            let link = ctx.link().clone();
            Interval::new(TICK_MS, move || link.send_message(Msg::Tick))
        });
    }

    fn run_console(&mut self, line: String) {
        let command = console::normalize(&line).to_string();
        if command.is_empty() {
            return;
        }
        // `apply -f -` and friends read the editor, as if it were piped in.
        let out = self.cp.kubectl(&command, &self.manifest);
        self.console.push(Entry {
            command,
            stdout: out.stdout,
            stderr: out.stderr,
            exit_code: out.exit_code,
        });
        self.console_input.clear();
        self.refresh();
    }
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(_ctx: &Context<Self>) -> Self {
        let cp = new_control_plane();
        let scenario = &scenario::SCENARIOS[0];
        let mut app = App {
            start_ms: cp.now_ms(),
            cp,
            scenario,
            manifest: scenario.manifest.to_string(),
            editor_key: 0,
            playing: false,
            speed: SPEEDS[0].0,
            ticker: None,
            outcome: Outcome::default(),
            markers: Rc::default(),
            jump: None,
            console: Console::default(),
            console_input: String::new(),
            console_output: NodeRef::default(),
            selected: None,
            details: None,
            pod_events: None,
            reveal: None,
            nodes: vec![],
            node_views: vec![],
            pending: vec![],
            timeline: EventFeed::new(EventFilter::All, TIMELINE_EVENTS),
            fleet: Default::default(),
        };
        app.refresh();
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::EditManifest(text) => {
                self.manifest = text;
                // The editor already shows what was typed.
                return false;
            }
            Msg::PickScenario(id) => {
                if let Some(s) = scenario::by_id(&id) {
                    self.scenario = s;
                    self.reset(ctx);
                    self.load_manifest();
                }
            }
            Msg::ReloadScenario => self.load_manifest(),
            Msg::Apply => self.apply(false),
            Msg::ApplyForce => self.apply(true),
            Msg::Reset => self.reset(ctx),
            Msg::TogglePlay => self.set_playing(ctx, !self.playing),
            Msg::Tick => {
                // Speeds and steps are the page's own finite, positive numbers.
                let _ = self.cp.advance(self.speed);
                self.refresh();
            }
            Msg::Step(seconds) => {
                let _ = self.cp.advance(seconds);
                self.refresh();
            }
            Msg::SetSpeed(value) => {
                if let Ok(speed) = value.parse::<f64>() {
                    if speed.is_finite() && speed > 0.0 {
                        self.speed = speed;
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
            Msg::DismissNotices => {
                self.outcome = Outcome::default();
                self.markers = Rc::default();
            }
            Msg::JumpToLine(line) => {
                let seq = self.jump.map_or(0, |(_, s)| s.wrapping_add(1));
                self.jump = Some((line, seq));
            }
            Msg::SelectPod(ns, name) => {
                if self.selected.as_ref() != Some(&(ns.clone(), name.clone())) {
                    self.details = None;
                    self.pod_events = Some(EventFeed::new(
                        EventFilter::Pod(ns.clone(), name.clone()),
                        POD_EVENTS,
                    ));
                }
                self.selected = Some((ns, name));
                self.reveal = Some(Reveal::Why);
                self.refresh();
            }
            Msg::ToggleWarningsOnly => {
                let filter = match self.timeline.filter() {
                    EventFilter::Warnings => EventFilter::All,
                    _ => EventFilter::Warnings,
                };
                self.timeline = EventFeed::new(filter, TIMELINE_EVENTS);
                self.refresh();
            }
            Msg::CloseWhy => {
                self.selected = None;
                self.details = None;
                self.pod_events = None;
            }
            Msg::DescribePod => {
                if let Some((ns, name)) = self.selected.clone() {
                    self.run_console(format!("describe pod {name} -n {ns}"));
                    self.reveal = Some(Reveal::Console);
                }
            }
            Msg::SpotInterrupt(node) => {
                self.run_console(format!("sim node spot-interrupt {node}"));
            }
            Msg::NodeAction(node, action) => {
                self.run_console(action.command(&node));
                if action == NodeAction::Drain {
                    self.reveal = Some(Reveal::Console);
                }
            }
        }
        true
    }

    fn rendered(&mut self, _ctx: &Context<Self>, _first_render: bool) {
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
        let now = self.cp.now();
        let now_ms = self.cp.now_ms();
        let elapsed_ms = now_ms - self.start_ms;

        let on_speed = link.callback(|e: Event| {
            Msg::SetSpeed(e.target_unchecked_into::<HtmlSelectElement>().value())
        });
        let on_pick = link.callback(|e: Event| {
            Msg::PickScenario(e.target_unchecked_into::<HtmlSelectElement>().value())
        });
        let on_console_input = link.callback(|e: InputEvent| {
            Msg::ConsoleInput(e.target_unchecked_into::<HtmlInputElement>().value())
        });
        let on_console_key = link.callback(Msg::ConsoleKey);
        let on_console_submit = link.callback(|e: SubmitEvent| {
            e.prevent_default();
            Msg::ConsoleRun
        });
        let on_pod = link.batch_callback(|e: MouseEvent| {
            view::pod_target(e.target()).map(|(ns, name)| Msg::SelectPod(ns, name))
        });
        let on_pod_key = link.batch_callback(|e: KeyboardEvent| {
            if e.key() != "Enter" && e.key() != " " {
                return None;
            }
            let (ns, name) = view::pod_target(e.target())?;
            e.prevent_default();
            Some(Msg::SelectPod(ns, name))
        });
        let selected = self
            .selected
            .as_ref()
            .map(|(ns, name)| (ns.as_str(), name.as_str()));

        let header = view::header(view::HeaderProps {
            date_time: crate::format::clock(&now),
            now: &now,
            now_ms,
            elapsed_ms,
            playing: self.playing,
            speed: self.speed,
            nodes: &self.nodes,
            pending: &self.pending,
            on_play: link.callback(|_| Msg::TogglePlay),
            on_step: link.callback(|_| Msg::Step(1.0)),
            on_step_minute: link.callback(|_| Msg::Step(60.0)),
            on_speed,
            on_reset: link.callback(|_| Msg::Reset),
        });

        html! {
            <div class="app">
                { header }
                <main class="layout">
                    <aside class="side">
                        { view::scenario_card(view::ScenarioProps {
                            scenario: self.scenario,
                            on_pick,
                            on_reload: link.callback(|_| Msg::ReloadScenario),
                        }) }
                        <section class="panel editor-panel" aria-label="Manifests">
                            <div class="panel-head">
                                <h2>{ "Manifests" }</h2>
                                <div class="actions">
                                    <span class="hint kbd-hint">{ "Ctrl+Enter" }</span>
                                    <button id="apply" class="primary" title="kubectl apply (Ctrl+Enter)"
                                        onclick={link.callback(|_| Msg::Apply)}>{ "Apply" }</button>
                                </div>
                            </div>
                            <Editor key={self.editor_key.to_string()} initial={AttrValue::from(self.manifest.clone())}
                                markers={self.markers.clone()} jump={self.jump}
                                on_change={link.callback(Msg::EditManifest)} on_apply={link.callback(|_| Msg::Apply)} />
                            { view::notices(view::NoticesProps {
                                outcome: &self.outcome,
                                on_dismiss: link.callback(|_| Msg::DismissNotices),
                                on_jump: link.callback(Msg::JumpToLine),
                                on_force: link.callback(|_| Msg::ApplyForce),
                            }) }
                        </section>
                    </aside>
                    <section class="cluster" aria-label="Cluster">
                        { view::nodes(view::NodesProps {
                            nodes: &self.nodes,
                            views: &self.node_views,
                            selected,
                            on_pod: on_pod.clone(),
                            on_pod_key: on_pod_key.clone(),
                            on_action: link.callback(|(node, action)| Msg::NodeAction(node, action)),
                        }) }
                        if self.fleet.visible() {
                            { crate::fleet::panel(&self.fleet, link.callback(Msg::SpotInterrupt)) }
                        }
                        if let Some(d) = &self.details {
                            { why::why(why::WhyProps {
                                details: d,
                                on_close: link.callback(|_| Msg::CloseWhy),
                                on_describe: link.callback(|_| Msg::DescribePod),
                            }) }
                        }
                        <div class="row-2">
                            { view::pending(&self.pending, selected, on_pod, on_pod_key) }
                            { view::timeline(self.timeline.rows(), *self.timeline.filter() == EventFilter::Warnings,
                                link.callback(|(ns, name)| Msg::SelectPod(ns, name)),
                                link.callback(|_| Msg::ToggleWarningsOnly)) }
                        </div>
                        { view::console(view::ConsoleProps {
                            console: &self.console,
                            input: &self.console_input,
                            output_ref: &self.console_output,
                            commands: self.scenario.commands,
                            on_input: on_console_input,
                            on_key: on_console_key,
                            on_submit: on_console_submit,
                            on_quick: link.callback(Msg::ConsoleQuick),
                            on_clear: link.callback(|_| Msg::ConsoleClear),
                        }) }
                    </section>
                </main>
            </div>
        }
    }
}

/// Scrolls the element into view only as far as needed.
fn reveal_element(el: &Element) {
    let options = ScrollIntoViewOptions::new();
    options.set_block(ScrollLogicalPosition::Nearest);
    el.scroll_into_view_with_scroll_into_view_options(&options);
}
