//! The playground component: owns the control plane and the virtual clock's ticker.
use crate::console::{self, Console, Entry};
use crate::view;
use gloo::timers::callback::Interval;
use kplane::{ApplyOptions, ApplyResult, ControlPlane, NodeSummary, Options, PodSummary, Status};
use wasm_bindgen::JsCast;
use web_sys::{
    HtmlElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement, KeyboardEvent,
};
use yew::prelude::*;

/// The scenario the editor starts with: three nodes and a Deployment of five replicas.
pub const EXAMPLE: &str = include_str!("../../examples/three-nodes.yaml");
/// The workspace the playground works in.
const WORKSPACE: &str = "root";
/// The seed of the control plane (names, UIDs, tie-breaks): fixed, so a scenario replays
/// the same way every time.
const SEED: u64 = 1;
/// Real milliseconds between two ticks while playing.
pub const TICK_MS: u32 = 250;
/// Speeds offered while playing: virtual seconds per tick.
pub const SPEEDS: [(f64, &str); 4] = [(1.0, "4×"), (5.0, "20×"), (15.0, "60×"), (60.0, "240×")];

pub enum Msg {
    EditManifest(String),
    EditorKey(KeyboardEvent),
    LoadExample,
    Apply,
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
}

/// The outcome of the last apply (or of a kubectl command that failed the same way).
#[derive(Default)]
pub struct Notices {
    /// `deployment.apps/web created`, … as kubectl prints them.
    pub applied: Vec<String>,
    pub warnings: Vec<String>,
    pub error: Option<Status>,
}

pub struct App {
    cp: ControlPlane,
    start_ms: i64,
    manifest: String,
    playing: bool,
    /// Virtual seconds per tick.
    speed: f64,
    ticker: Option<Interval>,
    notices: Notices,
    console: Console,
    console_input: String,
    console_output: NodeRef,
    /// What the cluster view shows, refreshed after every change.
    nodes: Vec<NodeSummary>,
    pending: Vec<PodSummary>,
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
        self.pending = self.cp.pending_pods();
    }

    fn apply(&mut self) {
        match self
            .cp
            .apply(WORKSPACE, &self.manifest, &ApplyOptions::default())
        {
            Ok(ApplyResult { objects, warnings }) => {
                self.notices = Notices {
                    applied: objects.iter().map(view::applied_line).collect(),
                    warnings,
                    error: None,
                };
            }
            Err(status) => {
                self.notices = Notices {
                    applied: vec![],
                    warnings: vec![],
                    error: Some(status),
                };
            }
        }
        self.refresh();
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
        let mut app = App {
            start_ms: cp.now_ms(),
            cp,
            manifest: EXAMPLE.to_string(),
            playing: false,
            speed: SPEEDS[0].0,
            ticker: None,
            notices: Notices::default(),
            console: Console::default(),
            console_input: String::new(),
            console_output: NodeRef::default(),
            nodes: vec![],
            pending: vec![],
        };
        app.refresh();
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::EditManifest(text) => {
                self.manifest = text;
                // The textarea already shows what was typed.
                return false;
            }
            Msg::EditorKey(e) => return self.editor_key(e),
            Msg::LoadExample => self.manifest = EXAMPLE.to_string(),
            Msg::Apply => self.apply(),
            Msg::Reset => {
                self.set_playing(ctx, false);
                self.cp = new_control_plane();
                self.start_ms = self.cp.now_ms();
                self.notices = Notices::default();
                self.refresh();
            }
            Msg::TogglePlay => self.set_playing(ctx, !self.playing),
            Msg::Tick => {
                self.cp.advance(self.speed);
                self.refresh();
            }
            Msg::Step(seconds) => {
                self.cp.advance(seconds);
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
            Msg::DismissNotices => self.notices = Notices::default(),
        }
        true
    }

    fn rendered(&mut self, _ctx: &Context<Self>, _first_render: bool) {
        // Keep the newest console output in view.
        if let Some(pre) = self.console_output.cast::<HtmlElement>() {
            pre.set_scroll_top(pre.scroll_height());
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let now = self.cp.now();
        let now_ms = self.cp.now_ms();
        let elapsed_ms = now_ms - self.start_ms;

        let on_manifest = link.callback(|e: InputEvent| {
            Msg::EditManifest(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        });
        let on_editor_key = link.callback(Msg::EditorKey);
        let on_speed = link.callback(|e: Event| {
            Msg::SetSpeed(e.target_unchecked_into::<HtmlSelectElement>().value())
        });
        let on_console_input = link.callback(|e: InputEvent| {
            Msg::ConsoleInput(e.target_unchecked_into::<HtmlInputElement>().value())
        });
        let on_console_key = link.callback(|e: KeyboardEvent| Msg::ConsoleKey(e));
        let on_console_submit = link.callback(|e: SubmitEvent| {
            e.prevent_default();
            Msg::ConsoleRun
        });

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
                    <section class="panel editor-panel" aria-label="Manifests">
                        <div class="panel-head">
                            <h2>{ "Manifests" }</h2>
                            <div class="actions">
                                <button id="load-example" class="ghost" title="Replace the editor's text with the example scenario"
                                    onclick={link.callback(|_| Msg::LoadExample)}>{ "Example" }</button>
                                <button id="apply" class="primary" title="kubectl apply (Ctrl+Enter)"
                                    onclick={link.callback(|_| Msg::Apply)}>{ "Apply" }</button>
                            </div>
                        </div>
                        <textarea id="manifest" data-testid="manifest" spellcheck="false" autocomplete="off"
                            aria-label="Manifests (YAML)"
                            value={self.manifest.clone()} oninput={on_manifest} onkeydown={on_editor_key} />
                        { view::notices(&self.notices, link.callback(|_| Msg::DismissNotices)) }
                    </section>
                    <section class="cluster" aria-label="Cluster">
                        { view::nodes(&self.nodes) }
                        { view::pending(&self.pending) }
                        { view::console(view::ConsoleProps {
                            console: &self.console,
                            input: &self.console_input,
                            output_ref: &self.console_output,
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

impl App {
    /// Tab indents (YAML needs spaces, not focus changes); Ctrl/Cmd+Enter applies.
    fn editor_key(&mut self, e: KeyboardEvent) -> bool {
        if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
            e.prevent_default();
            self.apply();
            return true;
        }
        if e.key() == "Tab" && !e.shift_key() && !e.ctrl_key() && !e.alt_key() && !e.meta_key() {
            let Some(area) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok())
            else {
                return false;
            };
            e.prevent_default();
            let (Ok(Some(start)), Ok(Some(end))) = (area.selection_start(), area.selection_end())
            else {
                return false;
            };
            if area
                .set_range_text_with_start_and_end_and_mode("  ", start, end, "end")
                .is_ok()
            {
                self.manifest = area.value();
            }
        }
        false
    }
}
