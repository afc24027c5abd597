//! The page's parts: header with the clock and transport, the scenario card, node cards,
//! pending pods, the Events timeline, apply messages and the kubectl console. Plain
//! functions of the state; no logic.
use crate::app::{SPEEDS, TICK_MS};
use crate::apply::{Outcome, Severity};
use crate::console::Console;
use crate::fleet::CloudInfo;
use crate::format;
use crate::inspect::{EventRow, NodeView};
use crate::protocol::{Clock, Counts, PodRef};
use crate::scenario::{self, Scenario};
use kplane::PodSummary;
use std::rc::Rc;
use web_sys::KeyboardEvent;
use yew::prelude::*;

pub struct HeaderProps<'a> {
    pub date_time: (String, String),
    pub clock: &'a Clock,
    pub counts: &'a Counts,
    pub playing: bool,
    pub speed: f64,
    /// Embedded in another page: no reset, no share.
    pub embed: bool,
    pub on_play: Callback<MouseEvent>,
    pub on_step: Callback<MouseEvent>,
    pub on_step_minute: Callback<MouseEvent>,
    pub on_speed: Callback<Event>,
    pub on_reset: Callback<MouseEvent>,
    pub on_share: Callback<MouseEvent>,
    /// "Open in playground" (embed mode).
    pub open_href: Option<String>,
}

pub fn header(p: HeaderProps<'_>) -> Html {
    let (date, time) = p.date_time;
    let c = p.counts;
    let play_label = if p.playing { "Pause" } else { "Play" };
    let play_icon = if p.playing { "❚❚" } else { "▶" };
    let per_second = 1000.0 / f64::from(TICK_MS);
    html! {
        <header class="topbar">
            <div class="brand">
                <span class="logo" aria-hidden="true">{ "⎈" }</span>
                <h1 class="brand-name">{ "kplane" }<span class="brand-sub">{ " playground" }</span></h1>
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
                <div id="clock" data-testid="clock" class="clock" data-now={p.clock.now.clone()}
                    data-ms={p.clock.now_ms.to_string()} data-elapsed-ms={p.clock.elapsed_ms.to_string()} title={p.clock.now.clone()}
                    aria-live="off">
                    <span class="clock-time">{ time }</span>
                    <span class="clock-date">{ date }</span>
                    <span class="clock-elapsed">{ format::elapsed(p.clock.elapsed_ms) }</span>
                </div>
            </div>
            <div class="summary" id="summary">
                <span><strong>{ c.ready_nodes }</strong>{ format!("/{} nodes ready", c.nodes) }</span>
                <span><strong>{ c.running }</strong>{ format!("/{} pods running", c.pods) }</span>
                <span class={classes!(if c.pending == 0 { "" } else { "warn" })}>
                    <strong>{ c.pending }</strong>{ " pending" }
                </span>
                if let Some(href) = p.open_href {
                    <a id="open-playground" class="button-link" href={href} target="_blank" rel="noopener">{ "Open in playground ↗" }</a>
                } else {
                    <button id="share" class="small" title="Copy a link to this exact cluster" onclick={p.on_share}>{ "Share" }</button>
                    if !p.embed {
                        <button id="reset" class="ghost small" title="Start over with an empty cluster" onclick={p.on_reset}>{ "Reset" }</button>
                    }
                }
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
/// draws at most this many pods per list and applied lines (the worker sends at most
/// `session::MAX_NODE_CARDS` cards), and counts the rest.
const MAX_PODS_SHOWN: usize = 120;
const MAX_APPLIED_SHOWN: usize = 12;
/// Above this many pods a list turns into a grid of coloured squares (name and status in
/// the tooltip), so a full node still fits on its card.
const COMPACT_OVER: usize = 12;

/// The selected pod, if any.
pub type Selected<'a> = Option<&'a PodRef>;

/// Whether `p` is the selected pod (same workspace, namespace and name).
fn is_selected(p: &PodSummary, selected: Selected<'_>) -> bool {
    selected.is_some_and(|s| {
        s.name == p.name && s.namespace == p.namespace && s.workspace == p.workspace
    })
}

/// The pods as rows, or as squares when there are many; past `MAX_PODS_SHOWN`, "+N more".
/// Clicks are handled once for the whole list (see `pod_target`).
fn pod_list(pods: &[PodSummary], selected: Selected<'_>) -> Html {
    let more = pods.len().saturating_sub(MAX_PODS_SHOWN);
    let compact = pods.len() > COMPACT_OVER;
    html! {
        <ul class={classes!("pods", compact.then_some("compact"))}>
            { for pods.iter().take(MAX_PODS_SHOWN).map(|p| pod(p, compact, is_selected(p, selected))) }
            if more > 0 {
                <li class="more" data-more={more.to_string()}>{ format!("+{more} more") }</li>
            }
        </ul>
    }
}

fn pod(p: &PodSummary, compact: bool, selected: bool) -> Html {
    let family = format::status_class(&p.status);
    let class = classes!(
        "pod",
        compact.then_some("square"),
        format!("status-{family}"),
        (!p.ready).then_some("not-ready"),
        selected.then_some("selected")
    );
    let title = format!(
        "{} · {}/{} · {}{} · click: why is it here?",
        p.workspace,
        p.namespace,
        p.name,
        p.status,
        if p.ready { " · ready" } else { "" }
    );
    // Pods of every workspace share the nodes: each is marked with its workspace's colour.
    let style = format!("--ws-hue: {}", crate::workspaces::hue(&p.workspace));
    if compact {
        return html! {
            <li {class} role="button" tabindex="0" aria-pressed={selected.to_string()}
                data-pod={p.name.clone()} data-namespace={p.namespace.clone()} data-status={p.status.clone()}
                data-workspace={p.workspace.clone()} {style}
                data-ready={p.ready.to_string()} {title}></li>
        };
    }
    html! {
        <li {class} role="button" tabindex="0" aria-pressed={selected.to_string()}
            data-pod={p.name.clone()} data-namespace={p.namespace.clone()} data-status={p.status.clone()}
            data-workspace={p.workspace.clone()} {style}
            data-ready={p.ready.to_string()} {title}>
            <span class="pod-dot" aria-hidden="true"></span>
            <span class="pod-name">{ p.name.clone() }</span>
            if p.workspace != "root" {
                <span class="pod-ws">{ crate::workspaces::base(&p.workspace).to_string() }</span>
            }
            <span class="pod-status">{ p.status.clone() }</span>
        </li>
    }
}

/// The pod an event happened on (a click or Enter inside a pod list), with its workspace.
pub fn pod_target(target: Option<web_sys::EventTarget>) -> Option<PodRef> {
    use wasm_bindgen::JsCast;
    let el: web_sys::Element = target?.dyn_into().ok()?;
    let pod = el.closest(".pod[data-pod]").ok()??;
    Some(PodRef {
        workspace: pod.get_attribute("data-workspace")?,
        namespace: pod.get_attribute("data-namespace")?,
        name: pod.get_attribute("data-pod")?,
    })
}

/// What the buttons on a node card do; each is a kubectl command, shown in the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeAction {
    Cordon,
    Uncordon,
    Drain,
    Fail,
    Stop,
    Restore,
    /// EC2's two-minute spot interruption notice (spot nodes only).
    SpotInterrupt,
}

impl NodeAction {
    pub fn command(self, node: &str) -> String {
        match self {
            NodeAction::Cordon => format!("cordon {node}"),
            NodeAction::Uncordon => format!("uncordon {node}"),
            NodeAction::Drain => format!("drain {node} --ignore-daemonsets"),
            NodeAction::Fail => format!("sim node fail {node}"),
            NodeAction::Stop => format!("sim node stop {node}"),
            NodeAction::Restore => format!("sim node restore {node}"),
            NodeAction::SpotInterrupt => format!("sim node spot-interrupt {node}"),
        }
    }

    fn id(self) -> &'static str {
        match self {
            NodeAction::Cordon => "cordon",
            NodeAction::Uncordon => "uncordon",
            NodeAction::Drain => "drain",
            NodeAction::Fail => "fail",
            NodeAction::Stop => "stop",
            NodeAction::Restore => "restore",
            NodeAction::SpotInterrupt => "spot-interrupt",
        }
    }

    fn label(self) -> &'static str {
        match self {
            NodeAction::Cordon => "Cordon",
            NodeAction::Uncordon => "Uncordon",
            NodeAction::Drain => "Drain",
            NodeAction::Fail => "Fail",
            NodeAction::Stop => "Stop",
            NodeAction::Restore => "Restore",
            NodeAction::SpotInterrupt => "Spot interrupt",
        }
    }

    fn help(self) -> &'static str {
        match self {
            NodeAction::Cordon => "kubectl cordon: mark the node unschedulable",
            NodeAction::Uncordon => "kubectl uncordon: let pods schedule here again",
            NodeAction::Drain => "kubectl drain: cordon, then evict every pod through the Eviction API (PodDisruptionBudgets may make it wait)",
            NodeAction::Fail => "Simulate a failed kubelet: Ready=False, nothing new starts",
            NodeAction::Stop => "Simulate the machine powering off: the kubelet goes silent, the node turns Unknown after 50 s",
            NodeAction::Restore => "Bring the machine and its kubelet back",
            NodeAction::SpotInterrupt => "Simulate EC2's two-minute spot interruption notice: Karpenter taints and drains the node and launches a replacement; EC2 reclaims the instance two minutes later",
        }
    }
}

/// A node card's properties: compared by pointer, so an unchanged card is not redrawn.
#[derive(Properties, Clone)]
pub struct NodeCardProps {
    pub view: Rc<NodeView>,
    /// The selected pod when it is on this node.
    pub selected: Option<PodRef>,
    pub on_action: Callback<(String, NodeAction)>,
}

impl PartialEq for NodeCardProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.view, &other.view)
            && self.selected == other.selected
            && self.on_action == other.on_action
    }
}

#[function_component(NodeCard)]
pub fn node_card(p: &NodeCardProps) -> Html {
    let v = &*p.view;
    let on_action = &p.on_action;
    let n = &v.summary;
    let pod_count = n.pods.len() as i64;
    let ready_class = match v.ready_label.as_str() {
        "Ready" => "ok",
        "NotReady" => "bad",
        _ => "unknown",
    };
    let mut actions = vec![
        if n.unschedulable {
            NodeAction::Uncordon
        } else {
            NodeAction::Cordon
        },
        NodeAction::Drain,
    ];
    if v.machine.is_some() {
        actions.push(NodeAction::Restore);
    } else {
        actions.extend([NodeAction::Fail, NodeAction::Stop]);
    }
    if v.cloud.as_ref().is_some_and(CloudInfo::is_spot) {
        actions.push(NodeAction::SpotInterrupt);
    }
    html! {
        <article class={classes!("node-card", (v.ready_label != "Ready").then_some("not-ready"), n.unschedulable.then_some("cordoned"),
                v.machine.as_ref().map(|m| format!("machine-{}", m.to_ascii_lowercase())))}
            data-node={n.name.clone()} data-ready={n.ready.to_string()} data-condition={v.ready_label.clone()}
            data-unschedulable={n.unschedulable.to_string()} data-machine={v.machine.clone().unwrap_or_default()}>
            <header>
                <span class="node-icon" aria-hidden="true"></span>
                <h3 class="node-name" title={n.name.clone()}>{ n.name.clone() }</h3>
                <span class={classes!("badge", "ready-badge", ready_class)}>{ v.ready_label.clone() }</span>
            </header>
            if let Some(c) = &v.cloud {
                { cloud_line(c) }
            }
            if n.unschedulable || v.machine.is_some() || !v.taints.is_empty() || v.evicts_in_ms.is_some() {
                <div class="node-flags">
                    if let Some(m) = &v.machine {
                        <span class="badge machine" title="simulated machine state">{ format!("machine {}", m.to_ascii_lowercase()) }</span>
                    }
                    if n.unschedulable {
                        <span class="badge warn">{ "SchedulingDisabled" }</span>
                    }
                    { for v.taints.iter().map(|t| html! { <span class="taint" title="taint">{ t.clone() }</span> }) }
                    if let Some(ms) = v.evicts_in_ms {
                        <span class="badge warn countdown" data-evicts-in-ms={ms.to_string()}
                            title="NoExecute taint: pods that tolerate it only for the default 300 s are evicted then">
                            { if ms > 0 { format!("evicts in {}", format::duration(ms)) } else { "evicting".to_string() } }
                        </span>
                    }
                </div>
            }
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
                { pod_list(&n.pods, p.selected.as_ref()) }
            }
            <footer class="node-actions" role="group" aria-label={format!("{} actions", n.name)}>
                { for actions.into_iter().map(|a| {
                    let on_action = on_action.clone();
                    let node = n.name.clone();
                    html! {
                        <button class={classes!("node-action", a.id())} data-action={a.id()} title={a.help()}
                            onclick={Callback::from(move |_| on_action.emit((node.clone(), a)))}>{ a.label() }</button>
                    }
                }) }
            </footer>
        </article>
    }
}

/// A node's instance type, capacity type, zone and price, and Karpenter's consolidation note.
fn cloud_line(c: &CloudInfo) -> Html {
    let price = c.price_per_hour.map(|p| format!("${p:.4}/h"));
    html! {
        <>
            <div class="node-cloud" data-instance-type={c.instance_type.clone()} data-capacity-type={c.capacity_type.clone()}
                data-zone={c.zone.clone()} data-price={c.price_per_hour.map(|p| p.to_string())}>
                if !c.instance_type.is_empty() {
                    <span class="instance-type" title="node.kubernetes.io/instance-type">{ c.instance_type.clone() }</span>
                }
                if !c.capacity_type.is_empty() {
                    <span class={classes!("badge", "capacity", if c.is_spot() { "spot" } else { "on-demand" })}
                        title="karpenter.sh/capacity-type">{ c.capacity_type.clone() }</span>
                }
                if !c.zone.is_empty() {
                    <span class="zone" title="topology.kubernetes.io/zone">{ c.zone.clone() }</span>
                }
                if let Some(p) = price {
                    <span class="price" title="what the instance costs, from the simulated EC2 price list">{ p }</span>
                }
            </div>
            if let Some(note) = &c.consolidation {
                <p class="consolidation-note" title="Karpenter's view of this node (explain_node)">{ note.clone() }</p>
            }
        </>
    }
}

pub struct NodesProps<'a> {
    /// Every node in the cluster (the cards may be fewer).
    pub total: usize,
    pub views: &'a [Rc<NodeView>],
    pub selected: Selected<'a>,
    pub on_pod: Callback<MouseEvent>,
    pub on_pod_key: Callback<KeyboardEvent>,
    pub on_action: Callback<(String, NodeAction)>,
}

pub fn nodes(p: NodesProps<'_>) -> Html {
    html! {
        <div class="panel nodes-panel">
            <div class="panel-head">
                <h2>{ "Nodes" }<span class="count">{ p.total }</span></h2>
                <div class="legend" aria-label="Pod status colours">
                    <span class="status-running">{ "Running" }</span>
                    <span class="status-creating">{ "Starting" }</span>
                    <span class="status-pending">{ "Pending" }</span>
                    <span class="status-terminating">{ "Terminating" }</span>
                    <span class="status-failed">{ "Failed" }</span>
                </div>
            </div>
            if p.views.is_empty() {
                <p class="empty hero-empty" id="no-nodes">
                    { "No nodes yet. Press " }<strong>{ "Apply" }</strong>{ " to create the scenario's nodes and workloads, then " }
                    <strong>{ "Play" }</strong>{ " or " }<strong>{ "+1 s" }</strong>{ " to move virtual time. Click any pod to ask " }
                    <strong>{ "why" }</strong>{ " it is where it is." }
                </p>
            } else {
                <div id="nodes" class="node-grid" onclick={p.on_pod} onkeydown={p.on_pod_key}>
                    { for p.views.iter().map(|v| {
                        let here = p.selected.filter(|s| v.summary.pods.iter().any(|pod| is_selected(pod, Some(s)))).cloned();
                        html! { <NodeCard key={v.summary.name.clone()} view={v.clone()} selected={here} on_action={p.on_action.clone()} /> }
                    }) }
                </div>
                if p.total > p.views.len() {
                    <p class="hint more-nodes">
                        { format!("Showing {} of {} nodes; ", p.views.len(), p.total) }
                        <code>{ "get nodes" }</code>{ " in the console lists them all." }
                    </p>
                }
            }
        </div>
    }
}

pub fn pending(
    pods: &[PodSummary],
    total: usize,
    selected: Selected<'_>,
    on_pod: Callback<MouseEvent>,
    on_pod_key: Callback<KeyboardEvent>,
) -> Html {
    html! {
        <div id="pending" data-testid="pending" class={classes!("panel", "pending-panel", (!pods.is_empty()).then_some("has-pending"))}
            data-count={total.to_string()}>
            <div class="panel-head">
                <h2>{ "Pending" }<span class="count">{ total }</span></h2>
                <span class="hint">{ if pods.is_empty() { "pods no node has taken yet" } else { "click one: why is it pending?" } }</span>
            </div>
            if pods.is_empty() {
                <p class="empty">{ "Every pod has a node." }</p>
            } else {
                <div onclick={on_pod} onkeydown={on_pod_key}>{ pod_list(pods, selected) }</div>
            }
        </div>
    }
}

/// The latest Events, newest first; a click on a pod's Event selects the pod.
pub fn timeline(
    events: &[Rc<EventRow>],
    warnings_only: bool,
    on_select: Callback<(String, String)>,
    on_toggle: Callback<Event>,
) -> Html {
    html! {
        <div id="timeline" data-testid="timeline" class="panel events-panel" data-count={events.len().to_string()}>
            <div class="panel-head">
                <h2>{ "Events" }<span class="count">{ events.len() }</span></h2>
                <label class="toggle" title="List only Warning Events">
                    <input id="timeline-warnings" type="checkbox" checked={warnings_only} onchange={on_toggle} />
                    <span>{ "Warnings only" }</span>
                </label>
            </div>
            if events.is_empty() {
                <p class="empty">{ if warnings_only { "No warnings." } else { "Nothing has happened yet." } }</p>
            } else {
                <ol class="timeline">
                    { for events.iter().map(|e| {
                        let (kind, ns, name) = e.involved.clone();
                        let is_pod = kind == "Pod";
                        let on_select = on_select.clone();
                        let onclick = Callback::from(move |_| if is_pod { on_select.emit((ns.clone(), name.clone())) });
                        html! {
                            <li class={classes!("tl-event", (e.kind == "Warning").then_some("warning-event"), is_pod.then_some("clickable"))}
                                data-reason={e.reason.clone()} data-type={e.kind.clone()} data-object={e.object.clone()}
                                title={format!("{} · {} · {}{}", e.source, e.object, e.message, if e.count > 1 { format!(" (×{})", e.count) } else { String::new() })}
                                {onclick}>
                                <span class="ev-time">{ format::clock(&e.time).1 }</span>
                                <span class="ev-reason">{ e.reason.clone() }</span>
                                <span class="ev-object">{ e.object.clone() }</span>
                                <span class="ev-message">{ e.message.clone() }</span>
                                if e.count > 1 { <span class="ev-count">{ format!("×{}", e.count) }</span> }
                            </li>
                        }
                    }) }
                </ol>
            }
        </div>
    }
}

pub struct ScenarioProps<'a> {
    pub scenario: &'a Scenario,
    pub on_pick: Callback<Event>,
    pub on_reload: Callback<MouseEvent>,
    /// Applies one of the scenario's extra manifests.
    pub on_extra: Callback<&'static str>,
}

pub fn scenario_card(p: ScenarioProps<'_>) -> Html {
    let s = p.scenario;
    html! {
        <section class="panel scenario-panel" id="scenario-card" data-scenario={s.id} aria-label="Scenario">
            <div class="scenario-pick">
                <label for="scenario" class="scenario-label">{ "Scenario" }</label>
                <select id="scenario" data-testid="scenario" onchange={p.on_pick}
                    title="Load a scenario's manifests into the editor and start a fresh cluster">
                    { for scenario::groups().into_iter().map(|g| html! {
                        <optgroup label={g}>
                            { for scenario::SCENARIOS.iter().filter(|x| x.group == g).map(|x| html! {
                                <option value={x.id} selected={x.id == s.id}>{ x.title }</option>
                            }) }
                        </optgroup>
                    }) }
                </select>
            </div>
            <p class="scenario-summary">{ s.summary }</p>
            <ol class="steps">
                { for s.steps.iter().map(|step| html! {
                    <li>{ for scenario::spans(step).into_iter().map(|(t, code)| if code {
                        html! { <code>{ t }</code> }
                    } else {
                        html! { { t } }
                    }) }</li>
                }) }
            </ol>
            if !scenario::extras(s.id).is_empty() {
                <div class="extras">
                    { for scenario::extras(s.id).iter().map(|(label, manifest)| {
                        let on_extra = p.on_extra.clone();
                        let manifest: &'static str = manifest;
                        html! {
                            <button class="small extra" data-extra={*label} title={format!("kubectl apply -f - <<EOF\n{manifest}EOF")}
                                onclick={Callback::from(move |_| on_extra.emit(manifest))}>{ *label }</button>
                        }
                    }) }
                </div>
            }
            <button id="load-example" class="ghost small reload" title="Put this scenario's manifests back in the editor (the cluster stays as it is)"
                onclick={p.on_reload}>{ "↺ Reload manifests" }</button>
        </section>
    }
}

/// The messages of the last Apply: each warning and error with its line (a click selects
/// the line in the editor), then what was applied.
pub struct NoticesProps<'a> {
    pub outcome: &'a Outcome,
    pub on_dismiss: Callback<MouseEvent>,
    pub on_jump: Callback<usize>,
    pub on_force: Callback<MouseEvent>,
}

pub fn notices(p: NoticesProps<'_>) -> Html {
    let (n, on_dismiss, on_jump) = (p.outcome, p.on_dismiss, p.on_jump);
    let mut first_error = true;
    html! {
        <div id="messages" data-testid="messages" class="messages" aria-live="polite">
            if n.is_empty() {
                <p class="hint">{ "Apply creates or updates every object in the editor, like " }<code>{ "kubectl apply -f" }</code>
                    { "; messages appear next to the lines they are about." }</p>
            } else {
                <button class="ghost small dismiss" title="Clear these messages" onclick={on_dismiss}>{ "Clear" }</button>
            }
            if n.has_conflict() {
                <div class="conflict-help">
                    <span>{ "Another field manager (a kubectl command, a controller) owns these fields. Take them over, as " }
                        <code>{ "kubectl apply --server-side --force-conflicts" }</code>{ " does:" }</span>
                    <button id="apply-force" class="small" onclick={p.on_force}>{ "Apply with --force-conflicts" }</button>
                </div>
            }
            if !n.messages.is_empty() {
                <ul class="line-messages">
                    { for n.messages.iter().map(|m| {
                        // Warnings point at the field they name when it was found.
                        let line = match m.severity {
                            Severity::Warning => m.fields.first().and_then(|f| f.line).unwrap_or(m.line),
                            Severity::Error => m.line,
                        };
                        let jump = { let on_jump = on_jump.clone(); Callback::from(move |_| on_jump.emit(line)) };
                        let where_ = match (m.document, &m.object) {
                            (Some(d), Some(o)) => format!("Line {line} · document {d} · {o}"),
                            (Some(d), None) => format!("Line {line} · document {d}"),
                            _ => format!("Line {line}"),
                        };
                        let id = (m.severity == Severity::Error && std::mem::take(&mut first_error)).then_some("status-error");
                        match (&m.status, m.severity) {
                            (Some(status), Severity::Error) => html! {
                                <li {id} class="status-error" role="alert" data-line={m.line.to_string()}
                                    data-code={status.code.to_string()} data-reason={status.reason.clone()}>
                                    <div class="status-title">
                                        <span class="status-code">{ status.code }</span>
                                        <span class="status-reason">{ status.reason.clone() }</span>
                                        <button class="line-link" title="Show this line in the editor" onclick={jump}>{ where_ }</button>
                                    </div>
                                    <p class="status-message">{ m.text.clone() }</p>
                                    if let Some(details) = status.details.as_ref().filter(|d| !d.causes.is_empty()) {
                                        <ul class="causes">
                                            { for details.causes.iter().map(|c| {
                                                let line = m.fields.iter().find(|f| f.field == c.field).and_then(|f| f.line);
                                                let on_jump = on_jump.clone();
                                                html! {
                                                    <li class="cause" data-field={c.field.clone()} data-reason={c.reason.clone()}
                                                        data-line={line.map(|l| l.to_string())}>
                                                        if !c.field.is_empty() { <code class="field">{ c.field.clone() }</code> }
                                                        <span class="cause-message">{ c.message.clone() }</span>
                                                        if let Some(l) = line {
                                                            <button class="line-link small" onclick={Callback::from(move |_| on_jump.emit(l))}>{ format!("line {l}") }</button>
                                                        }
                                                    </li>
                                                }
                                            }) }
                                        </ul>
                                    }
                                </li>
                            },
                            _ => html! {
                                <li class="apply-warning" data-line={line.to_string()}>
                                    <span class="warning-text">{ format!("Warning: {}", m.text) }</span>
                                    <button class="line-link" title="Show this line in the editor" onclick={jump}>{ where_ }</button>
                                </li>
                            },
                        }
                    }) }
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
    pub commands: &'static [(&'static str, &'static str)],
    pub on_input: Callback<InputEvent>,
    pub on_key: Callback<KeyboardEvent>,
    pub on_submit: Callback<SubmitEvent>,
    pub on_quick: Callback<&'static str>,
    pub on_clear: Callback<MouseEvent>,
}

pub fn console(p: ConsoleProps<'_>) -> Html {
    html! {
        <section id="console" data-testid="console" class="panel console-panel" aria-label="kubectl console">
            <div class="panel-head">
                <h2>{ "kubectl" }</h2>
                <div class="chips">
                    { for p.commands.iter().map(|(label, command)| {
                        let on_quick = p.on_quick.clone();
                        let command: &'static str = command;
                        html! {
                            <button class="chip kubectl-chip" data-command={command} title={format!("kubectl {command}")}
                                onclick={Callback::from(move |_| on_quick.emit(command))}>{ *label }</button>
                        }
                    }) }
                    <button class="ghost small" id="kubectl-clear" onclick={p.on_clear}>{ "Clear" }</button>
                </div>
            </div>
            <pre id="kubectl-output" data-testid="kubectl-output" ref={p.output_ref.clone()}>
                if p.console.entries.is_empty() {
                    <span class="muted">{ "Type a command below, e.g. get pods -o wide. \"apply -f -\" reads the editor; ↑ and ↓ recall earlier commands. The node cards' buttons run their commands here too." }</span>
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
