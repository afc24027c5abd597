//! The page's parts: header with the clock and transport, node cards, pending pods,
//! apply notices and the kubectl console. Plain functions of the state; no logic.
use crate::app::{Notices, SPEEDS, TICK_MS};
use crate::console::Console;
use crate::format;
use kplane::{Action, AppliedObject, NodeSummary, PodSummary};
use web_sys::KeyboardEvent;
use yew::prelude::*;

/// `deployment.apps/web created`.
pub fn applied_line(o: &AppliedObject) -> String {
    let action = match o.action {
        Action::Created => "created",
        Action::Configured => "configured",
        Action::Unchanged => "unchanged",
    };
    format!(
        "{} {action}",
        format::resource_ref(&o.api_version, &o.kind, &o.name)
    )
}

pub struct HeaderProps<'a> {
    pub date_time: (String, String),
    pub now: &'a str,
    pub now_ms: i64,
    pub elapsed_ms: i64,
    pub playing: bool,
    pub speed: f64,
    pub nodes: &'a [NodeSummary],
    pub pending: &'a [PodSummary],
    pub on_play: Callback<MouseEvent>,
    pub on_step: Callback<MouseEvent>,
    pub on_step_minute: Callback<MouseEvent>,
    pub on_speed: Callback<Event>,
    pub on_reset: Callback<MouseEvent>,
}

pub fn header(p: HeaderProps<'_>) -> Html {
    let (date, time) = p.date_time;
    let pods: Vec<&PodSummary> = p
        .nodes
        .iter()
        .flat_map(|n| n.pods.iter())
        .chain(p.pending.iter())
        .collect();
    let running = pods.iter().filter(|pod| pod.status == "Running").count();
    let ready_nodes = p.nodes.iter().filter(|n| n.ready).count();
    let play_label = if p.playing { "Pause" } else { "Play" };
    let play_icon = if p.playing { "❚❚" } else { "▶" };
    let per_second = 1000.0 / f64::from(TICK_MS);
    html! {
        <header class="topbar">
            <div class="brand">
                <span class="logo" aria-hidden="true">{ "⎈" }</span>
                <span class="brand-name">{ "kplane" }</span>
                <span class="brand-sub">{ "playground" }</span>
            </div>
            <div class="transport" role="group" aria-label="Virtual time">
                <button id="play" data-testid="play" class={classes!("play", p.playing.then_some("playing"))}
                    aria-pressed={p.playing.to_string()} title={format!("{play_label} virtual time")}
                    onclick={p.on_play}>
                    <span class="icon" aria-hidden="true">{ play_icon }</span>{ play_label }
                </button>
                <button id="step" data-testid="step" title="Advance virtual time by 1 second" onclick={p.on_step}>{ "+1 s" }</button>
                <button id="step-minute" data-testid="step-minute" title="Advance virtual time by 1 minute"
                    onclick={p.on_step_minute}>{ "+1 min" }</button>
                <label class="speed" title="How fast virtual time runs while playing">
                    <span>{ "Speed" }</span>
                    <select id="speed" data-testid="speed" onchange={p.on_speed}>
                        { for SPEEDS.iter().map(|(seconds, label)| html! {
                            <option value={seconds.to_string()} selected={*seconds == p.speed}
                                title={format!("{} virtual s per real s", seconds * per_second)}>{ *label }</option>
                        }) }
                    </select>
                </label>
                <div id="clock" data-testid="clock" class="clock" data-now={p.now.to_string()}
                    data-ms={p.now_ms.to_string()} data-elapsed-ms={p.elapsed_ms.to_string()} title={p.now.to_string()}>
                    <span class="clock-time">{ time }</span>
                    <span class="clock-date">{ date }</span>
                    <span class="clock-elapsed">{ format::elapsed(p.elapsed_ms) }</span>
                </div>
            </div>
            <div class="summary" id="summary">
                <span><strong>{ ready_nodes }</strong>{ format!("/{} nodes ready", p.nodes.len()) }</span>
                <span><strong>{ running }</strong>{ format!("/{} pods running", pods.len()) }</span>
                <span class={classes!(if p.pending.is_empty() { "" } else { "warn" })}>
                    <strong>{ p.pending.len() }</strong>{ " pending" }
                </span>
                <button id="reset" class="ghost small" title="Start over with an empty cluster" onclick={p.on_reset}>{ "Reset" }</button>
            </div>
        </header>
    }
}

fn meter(resource: &'static str, label: &str, used: i64, total: i64, text: String) -> Html {
    let level = format::level(used, total);
    html! {
        <div class={classes!("meter", level)} data-resource={resource} data-used={used.to_string()} data-total={total.to_string()}>
            <div class="meter-label"><span>{ label.to_string() }</span><span class="meter-value">{ text }</span></div>
            <div class="bar" role="progressbar" aria-label={label.to_string()}
                aria-valuenow={format!("{:.0}", format::percent(used, total))} aria-valuemin="0" aria-valuemax="100">
                <div class="fill" style={format!("width: {:.1}%", format::percent(used, total))}></div>
            </div>
        </div>
    }
}

/// Big clusters (thousands of nodes, a hundred thousand pods) stay responsive: the page
/// draws at most this many node cards, pods per list and applied lines, and counts the rest.
const MAX_NODE_CARDS: usize = 150;
const MAX_PODS_SHOWN: usize = 120;
const MAX_APPLIED_SHOWN: usize = 12;
/// Above this many pods a list turns into a grid of coloured squares (name and status in
/// the tooltip), so a full node still fits on its card.
const COMPACT_OVER: usize = 12;

/// The pods as rows, or as squares when there are many; past `MAX_PODS_SHOWN`, "+N more".
fn pod_list(pods: &[PodSummary]) -> Html {
    let more = pods.len().saturating_sub(MAX_PODS_SHOWN);
    let compact = pods.len() > COMPACT_OVER;
    html! {
        <ul class={classes!("pods", compact.then_some("compact"))}>
            { for pods.iter().take(MAX_PODS_SHOWN).map(|p| pod(p, compact)) }
            if more > 0 {
                <li class="more" data-more={more.to_string()}>{ format!("+{more} more") }</li>
            }
        </ul>
    }
}

fn pod(p: &PodSummary, compact: bool) -> Html {
    let family = format::status_class(&p.status);
    if compact {
        return html! {
            <li class={classes!("pod", "square", format!("status-{family}"), (!p.ready).then_some("not-ready"))}
                data-pod={p.name.clone()} data-namespace={p.namespace.clone()} data-status={p.status.clone()}
                data-ready={p.ready.to_string()} title={format!("{}/{} · {}", p.namespace, p.name, p.status)}></li>
        };
    }
    html! {
        <li class={classes!("pod", format!("status-{family}"), (!p.ready).then_some("not-ready"))}
            data-pod={p.name.clone()} data-namespace={p.namespace.clone()} data-status={p.status.clone()}
            data-ready={p.ready.to_string()} title={format!("{}/{} · {}{}", p.namespace, p.name, p.status,
                if p.ready { " · ready" } else { "" })}>
            <span class="pod-dot" aria-hidden="true"></span>
            <span class="pod-name">{ p.name.clone() }</span>
            <span class="pod-status">{ p.status.clone() }</span>
        </li>
    }
}

fn node_card(n: &NodeSummary) -> Html {
    let pod_count = n.pods.len() as i64;
    html! {
        <article class={classes!("node-card", (!n.ready).then_some("not-ready"), n.unschedulable.then_some("cordoned"))}
            data-node={n.name.clone()} data-ready={n.ready.to_string()} data-unschedulable={n.unschedulable.to_string()}>
            <header>
                <span class="node-icon" aria-hidden="true"></span>
                <h3 class="node-name">{ n.name.clone() }</h3>
                <span class={classes!("badge", if n.ready { "ok" } else { "bad" })}>
                    { if n.ready { "Ready" } else { "NotReady" } }
                </span>
                if n.unschedulable {
                    <span class="badge warn">{ "SchedulingDisabled" }</span>
                }
            </header>
            <div class="meters">
                { meter("cpu", "CPU", n.requested_milli_cpu, n.allocatable_milli_cpu,
                    format!("{} / {}", format::cpu(n.requested_milli_cpu), format::cpu(n.allocatable_milli_cpu))) }
                { meter("memory", "Memory", n.requested_memory, n.allocatable_memory,
                    format!("{} / {}", format::memory(n.requested_memory), format::memory(n.allocatable_memory))) }
                { meter("pods", "Pods", pod_count, n.allocatable_pods, format!("{pod_count} / {}", n.allocatable_pods)) }
            </div>
            if n.pods.is_empty() {
                <p class="empty">{ "No pods" }</p>
            } else {
                { pod_list(&n.pods) }
            }
        </article>
    }
}

pub fn nodes(nodes: &[NodeSummary]) -> Html {
    html! {
        <div class="panel nodes-panel">
            <div class="panel-head">
                <h2>{ "Nodes" }<span class="count">{ nodes.len() }</span></h2>
                <div class="legend" aria-label="Pod status colours">
                    <span class="status-running">{ "Running" }</span>
                    <span class="status-creating">{ "Starting" }</span>
                    <span class="status-pending">{ "Pending" }</span>
                    <span class="status-terminating">{ "Terminating" }</span>
                    <span class="status-failed">{ "Failed" }</span>
                </div>
            </div>
            if nodes.is_empty() {
                <p class="empty hero-empty" id="no-nodes">
                    { "No nodes yet. Press " }<strong>{ "Apply" }</strong>{ " to create the example's three nodes and a Deployment, then " }
                    <strong>{ "Play" }</strong>{ " or " }<strong>{ "+1 s" }</strong>{ " to move virtual time." }
                </p>
            } else {
                <div id="nodes" class="node-grid">{ for nodes.iter().take(MAX_NODE_CARDS).map(node_card) }</div>
                if nodes.len() > MAX_NODE_CARDS {
                    <p class="hint more-nodes">
                        { format!("Showing {MAX_NODE_CARDS} of {} nodes; ", nodes.len()) }
                        <code>{ "get nodes" }</code>{ " in the console lists them all." }
                    </p>
                }
            }
        </div>
    }
}

pub fn pending(pods: &[PodSummary]) -> Html {
    html! {
        <div id="pending" data-testid="pending" class={classes!("panel", "pending-panel", (!pods.is_empty()).then_some("has-pending"))}
            data-count={pods.len().to_string()}>
            <div class="panel-head">
                <h2>{ "Pending" }<span class="count">{ pods.len() }</span></h2>
                <span class="hint">{ "pods no node has taken yet" }</span>
            </div>
            if pods.is_empty() {
                <p class="empty">{ "Every pod has a node." }</p>
            } else {
                { pod_list(pods) }
            }
        </div>
    }
}

pub fn notices(n: &Notices, on_dismiss: Callback<MouseEvent>) -> Html {
    let nothing = n.applied.is_empty() && n.warnings.is_empty() && n.error.is_none();
    html! {
        <div id="messages" data-testid="messages" class="messages" aria-live="polite">
            if nothing {
                <p class="hint">{ "Apply creates or updates every object in the editor, like " }<code>{ "kubectl apply -f" }</code>{ "." }</p>
            } else {
                <button class="ghost small dismiss" title="Clear these messages" onclick={on_dismiss}>{ "Clear" }</button>
            }
            if let Some(status) = &n.error {
                <div id="status-error" data-testid="status-error" class="status-error" role="alert"
                    data-code={status.code.to_string()} data-reason={status.reason.clone()}>
                    <div class="status-title">
                        <span class="status-code">{ status.code }</span>
                        <span class="status-reason">{ status.reason.clone() }</span>
                    </div>
                    <p class="status-message">{ status.message.clone() }</p>
                    if let Some(details) = status.details.as_ref().filter(|d| !d.causes.is_empty()) {
                        <ul class="causes">
                            { for details.causes.iter().map(|c| html! {
                                <li class="cause" data-field={c.field.clone()} data-reason={c.reason.clone()}>
                                    if !c.field.is_empty() { <code class="field">{ c.field.clone() }</code> }
                                    <span class="cause-message">{ c.message.clone() }</span>
                                    if !c.reason.is_empty() { <span class="cause-reason">{ c.reason.clone() }</span> }
                                </li>
                            }) }
                        </ul>
                    }
                </div>
            }
            if !n.warnings.is_empty() {
                <ul id="warnings" class="warnings">
                    { for n.warnings.iter().map(|w| html! { <li class="warning">{ format!("Warning: {w}") }</li> }) }
                </ul>
            }
            if !n.applied.is_empty() {
                <ul id="applied" class="applied" data-count={n.applied.len().to_string()}>
                    { for n.applied.iter().take(MAX_APPLIED_SHOWN).map(|line| html! { <li>{ line.clone() }</li> }) }
                    if n.applied.len() > MAX_APPLIED_SHOWN {
                        <li class="more">{ format!("… and {} more", n.applied.len() - MAX_APPLIED_SHOWN) }</li>
                    }
                </ul>
            }
        </div>
    }
}

pub struct ConsoleProps<'a> {
    pub console: &'a Console,
    pub input: &'a str,
    pub output_ref: &'a NodeRef,
    pub on_input: Callback<InputEvent>,
    pub on_key: Callback<KeyboardEvent>,
    pub on_submit: Callback<SubmitEvent>,
    pub on_quick: Callback<&'static str>,
    pub on_clear: Callback<MouseEvent>,
}

/// One-click commands for people new to kubectl.
const QUICK: [&str; 5] = [
    "get nodes",
    "get pods -o wide",
    "get deployments",
    "get events",
    "scale deployment web --replicas=8",
];

pub fn console(p: ConsoleProps<'_>) -> Html {
    html! {
        <section id="console" data-testid="console" class="panel console-panel" aria-label="kubectl console">
            <div class="panel-head">
                <h2>{ "kubectl" }</h2>
                <div class="chips">
                    { for QUICK.iter().map(|q| {
                        let on_quick = p.on_quick.clone();
                        let q: &'static str = q;
                        html! { <button class="chip kubectl-chip" data-command={q} onclick={Callback::from(move |_| on_quick.emit(q))}>{ q }</button> }
                    }) }
                    <button class="ghost small" id="kubectl-clear" onclick={p.on_clear}>{ "Clear" }</button>
                </div>
            </div>
            <pre id="kubectl-output" data-testid="kubectl-output" ref={p.output_ref.clone()}>
                if p.console.entries.is_empty() {
                    <span class="muted">{ "Type a command below, e.g. get pods -o wide. \"apply -f -\" reads the editor; ↑ and ↓ recall earlier commands." }</span>
                }
                { for p.console.entries.iter().map(|e| html! {
                    <span class={classes!("entry", (e.exit_code != 0).then_some("failed"))} data-exit-code={e.exit_code.to_string()}>
                        <span class="cmd"><span class="prompt">{ "$ kubectl " }</span>{ e.command.clone() }</span>
                        if !e.stdout.is_empty() { <span class="stdout">{ e.stdout.clone() }</span> }
                        if !e.stderr.is_empty() { <span class="stderr">{ e.stderr.clone() }</span> }
                    </span>
                }) }
            </pre>
            <form class="console-input" onsubmit={p.on_submit}>
                <span class="prompt">{ "$ kubectl" }</span>
                <input id="kubectl-input" data-testid="kubectl-input" type="text" spellcheck="false" autocomplete="off"
                    placeholder="get pods -o wide" aria-label="kubectl command"
                    value={p.input.to_string()} oninput={p.on_input} onkeydown={p.on_key} />
                <button id="kubectl-run" data-testid="kubectl-run" type="submit" class="primary">{ "Run" }</button>
            </form>
        </section>
    }
}
