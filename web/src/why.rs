//! The Why? panel: a pod's latest scheduling attempt as a plugins × nodes table (filter
//! verdicts, scores raw → normalized × weight, the final score, the chosen node), then the
//! pod's conditions and Events.
use crate::format;
use crate::inspect::{Condition, EventRow, PodDetails};
use kplane::scheduler::{Explanation, NodeResult};
use yew::prelude::*;

/// What each kube-scheduler plugin checks (Filter) or prefers (Score), in one line
/// (pkg/scheduler/framework/plugins/*).
pub fn plugin_help(plugin: &str, score: bool) -> &'static str {
    match (plugin, score) {
        ("SchedulingGates", _) => "the pod has no scheduling gates left",
        ("NodeUnschedulable", _) => {
            "the node is not cordoned (spec.unschedulable), unless the pod tolerates that"
        }
        ("NodeName", _) => "spec.nodeName, when set, names this node",
        ("TaintToleration", false) => {
            "the pod tolerates the node's NoSchedule and NoExecute taints"
        }
        ("TaintToleration", true) => "fewer PreferNoSchedule taints the pod does not tolerate",
        ("NodeAffinity", false) => {
            "the node matches the pod's nodeSelector and required node affinity"
        }
        ("NodeAffinity", true) => {
            "the weights of the preferred node affinity terms the node matches"
        }
        ("NodePorts", _) => "the pod's hostPorts are free on the node",
        ("NodeResourcesFit", false) => {
            "the node's free allocatable covers the pod's requests (cpu, memory, pods, …)"
        }
        ("NodeResourcesFit", true) => {
            "more free cpu and memory after placing the pod (LeastAllocated)"
        }
        ("NodeResourcesBalancedAllocation", _) => {
            "cpu and memory use stay balanced after placing the pod"
        }
        ("ImageLocality", _) => "the node already has the pod's images",
        ("PodTopologySpread", false) => {
            "placing the pod keeps every hard spread constraint within maxSkew"
        }
        ("PodTopologySpread", true) => "fewer matching pods in the node's topology domains",
        ("InterPodAffinity", false) => {
            "the pod's required (anti-)affinity terms, and other pods' anti-affinity, hold here"
        }
        ("InterPodAffinity", true) => {
            "the weights of the preferred (anti-)affinity terms that hold here"
        }
        ("VolumeRestrictions", _) => {
            "the pod's volumes can be mounted here (access modes, no conflicts)"
        }
        ("VolumeBinding", _) => {
            "the pod's claims are bound, or can be bound, to volumes reachable from here"
        }
        ("VolumeZone", _) => "the pod's volumes are in the node's zone",
        ("NodeVolumeLimits" | "EBSLimits" | "GCEPDLimits" | "AzureDiskLimits", _) => {
            "the node can attach that many more volumes"
        }
        ("DynamicResources", _) => "the pod's resource claims can be allocated here",
        _ => "",
    }
}

/// Past this many nodes the table shows the selected node and the first ones scanned.
const MAX_NODE_COLUMNS: usize = 24;

pub struct WhyProps<'a> {
    pub details: &'a PodDetails,
    pub on_close: Callback<MouseEvent>,
    pub on_describe: Callback<MouseEvent>,
}

pub fn why(p: WhyProps<'_>) -> Html {
    let d = p.details;
    // The FailedScheduling message is shown once, at the top; below, "(above)".
    let shown = d.explanation.as_ref().and_then(|e| e.message.as_deref());
    let family = format::status_class(&d.status);
    html! {
        <section id="why" data-testid="why" class="panel why-panel" aria-label="Why is this pod here?"
            data-pod={d.name.clone()} data-namespace={d.namespace.clone()} data-exists={d.exists.to_string()}>
            <div class="panel-head">
                <h2>{ "Why?" }</h2>
                <div class="why-pod">
                    <span class={classes!("pod-chip", format!("status-{family}"))}>
                        <span class="pod-dot" aria-hidden="true"></span>
                        <code>{ format!("{}/{}", d.namespace, d.name) }</code>
                    </span>
                    <span class={classes!("badge", format!("status-{family}"), "status-badge")}>{ d.status.clone() }</span>
                    if let Some(node) = &d.node {
                        <span class="on-node">{ "on " }<code>{ node.clone() }</code></span>
                    }
                    if !d.images.is_empty() {
                        <span class="images" title="container images">{ d.images.join(", ") }</span>
                    }
                </div>
                <div class="actions">
                    <button class="ghost small" id="why-describe" title="kubectl describe pod" onclick={p.on_describe}
                        disabled={!d.exists}>{ "describe" }</button>
                    <button class="ghost small" id="why-close" title="Close" aria-label="Close" onclick={p.on_close}>{ "✕" }</button>
                </div>
            </div>
            if !d.exists {
                <p class="gone">{ "This pod no longer exists; this is what was known about it." }</p>
            }
            { for d.backoffs.iter().map(|(container, wait, left)| html! {
                <p class="backoff countdown" data-container={container.clone()} data-restarts-in-ms={left.to_string()}>
                    <strong>{ "CrashLoopBackOff: " }</strong>
                    { format!("the kubelet restarts container {container} in {} (back-off {}, doubling from 10 s up to 5 min)",
                        format::duration(*left), format::duration(*wait)) }
                </p>
            }) }
            { explanation(d) }
            <div class="why-lower">
                { conditions(&d.conditions, shown) }
                { pod_events(&d.events, shown) }
            </div>
        </section>
    }
}

fn explanation(d: &PodDetails) -> Html {
    let Some(e) = &d.explanation else {
        return html! {
            <p class="hint no-attempt" id="why-none">
                { "No scheduling attempt on record: the scheduler has not tried this pod yet, or it named its node itself (" }
                <code>{ "spec.nodeName" }</code>{ ")." }
            </p>
        };
    };
    let time = format::clock(&e.time).1;
    let top = e.top_nodes();
    html! {
        <div class="attempt" data-result={e.result.clone()}>
            if let Some(message) = &e.message {
                <div class="failed-scheduling" id="failed-scheduling" role="status">
                    <span class="fs-reason">{ "FailedScheduling" }</span>
                    <span class="fs-message">{ message.clone() }</span>
                </div>
            }
            <p class="attempt-summary">
                if let Some(node) = &e.selected_node {
                    <span class="result ok">{ "Scheduled on " }<code>{ node.clone() }</code></span>
                } else {
                    <span class="result bad">{ e.result.clone() }</span>
                }
                <span>{ format!("{} of {} nodes evaluated, {} feasible", e.num_evaluated_nodes, e.num_all_nodes, e.num_feasible_nodes) }</span>
                if let Some(n) = &d.nominated_node {
                    <span>{ "nominated " }<code>{ n.clone() }</code></span>
                }
                <span class="muted">{ format!("attempt at {time}") }</span>
            </p>
            if top.len() > 1 && e.num_feasible_nodes > 1 {
                <p class="tie-note" id="tie-note">
                    { format!("{} nodes tie at the top score ({}): kube-scheduler picks one of them at random (selectHost), so another run may choose differently.",
                        top.len(), top.join(", ")) }
                </p>
            }
            { table(e, d) }
        </div>
    }
}

/// The node columns: the selected node first when the rest do not fit.
fn columns(e: &Explanation) -> Vec<&NodeResult> {
    if e.nodes.len() <= MAX_NODE_COLUMNS {
        return e.nodes.iter().collect();
    }
    let selected = e.selected_node.as_deref();
    let mut out: Vec<&NodeResult> = e
        .nodes
        .iter()
        .filter(|n| Some(n.node.as_str()) == selected)
        .collect();
    out.extend(
        e.nodes
            .iter()
            .filter(|n| Some(n.node.as_str()) != selected)
            .take(MAX_NODE_COLUMNS - out.len()),
    );
    out
}

fn table(e: &Explanation, d: &PodDetails) -> Html {
    let nodes = columns(e);
    let hidden = e.nodes.len() - nodes.len();
    let selected = e.selected_node.as_deref();
    let top = e.top_nodes();
    let col_class = |n: &NodeResult| {
        classes!(
            (Some(n.node.as_str()) == selected).then_some("chosen"),
            (!n.feasible).then_some("filtered")
        )
    };
    let span = (nodes.len() + 1).to_string();
    html! {
        <div class="why-table-wrap">
            <table class="why-table" id="why-table">
                <thead>
                    <tr>
                        <th class="corner">{ "Plugin" }<span class="corner-sub">{ "node →" }</span></th>
                        { for nodes.iter().map(|n| html! {
                            <th class={classes!("node-col", col_class(n))} data-node={n.node.clone()} scope="col">
                                <span class="node-col-name">{ n.node.clone() }</span>
                                if Some(n.node.as_str()) == selected {
                                    <span class="tag chosen-tag">{ "selected" }</span>
                                } else if !n.feasible {
                                    <span class="tag filtered-tag">{ "filtered" }</span>
                                } else if top.contains(&n.node) {
                                    <span class="tag">{ "top score" }</span>
                                } else {
                                    <span class="tag feasible-tag">{ "feasible" }</span>
                                }
                            </th>
                        }) }
                    </tr>
                </thead>
                <tbody class="filters">
                    <tr class="section"><th colspan={span.clone()}>{ "Filter" }<span class="section-sub">{ "✓ passed · ✗ rejected the node · – not run" }</span></th></tr>
                    { for e.filter_plugins.iter().map(|plugin| html! {
                        <tr data-plugin={plugin.clone()}>
                            <th scope="row">{ plugin.clone() }<span class="plugin-help">{ plugin_help(plugin, false) }</span></th>
                            { for nodes.iter().map(|n| verdict(n, plugin, &e.filter_plugins, col_class(n), d)) }
                        </tr>
                    }) }
                </tbody>
                if !e.score_plugins.is_empty() {
                    <tbody class="scores">
                        <tr class="section"><th colspan={span.clone()}>{ "Score" }<span class="section-sub">{ "weighted = normalized × weight (raw → normalized)" }</span></th></tr>
                        { for e.score_plugins.iter().map(|sp| html! {
                            <tr data-plugin={sp.name.clone()} class={classes!(sp.skipped.then_some("skipped"))}>
                                <th scope="row">
                                    { sp.name.clone() }<span class="weight">{ format!("×{}", sp.weight) }</span>
                                    if sp.skipped { <span class="tag">{ "skipped" }</span> }
                                    <span class="plugin-help">{ plugin_help(&sp.name, true) }</span>
                                </th>
                                { for nodes.iter().map(|n| score(n, &sp.name, sp.weight, col_class(n))) }
                            </tr>
                        }) }
                        <tr class="total">
                            <th scope="row">{ "Final score" }</th>
                            { for nodes.iter().map(|n| html! {
                                <td class={classes!("total-cell", col_class(n))} data-node={n.node.clone()}>
                                    { n.total_score.map_or_else(|| "–".to_string(), |t| t.to_string()) }
                                </td>
                            }) }
                        </tr>
                    </tbody>
                } else if e.num_feasible_nodes == 1 {
                    <tbody class="scores">
                        <tr class="section note"><th colspan={span}>{ "One feasible node: nothing to score (kube-scheduler skips scoring then)." }</th></tr>
                    </tbody>
                }
            </table>
            if hidden > 0 {
                <p class="hint">{ format!("… and {hidden} more nodes (kubectl describe pod shows the summary).") }</p>
            }
        </div>
    }
}

/// "Insufficient cpu" with its numbers: what the pod asks for and what the node has free.
fn with_numbers(reason: &str, node: &str, d: &PodDetails) -> String {
    let Some((_, cpu, mem)) = d.free.iter().find(|(n, _, _)| n == node) else {
        return reason.to_string();
    };
    match reason {
        "Insufficient cpu" => format!(
            "Insufficient cpu: requests {}, {} free",
            format::cpu(d.requests.0),
            format::cpu((*cpu).max(0))
        ),
        "Insufficient memory" => format!(
            "Insufficient memory: requests {}, {} free",
            format::memory(d.requests.1),
            format::memory((*mem).max(0))
        ),
        _ => reason.to_string(),
    }
}

fn verdict(
    n: &NodeResult,
    plugin: &str,
    plugins: &[String],
    class: Classes,
    d: &PodDetails,
) -> Html {
    let v = n
        .filter_verdicts(plugins)
        .into_iter()
        .find(|v| v.plugin == plugin);
    let (status, reasons) = v.map_or(("NotRun".to_string(), vec![]), |v| (v.status, v.reasons));
    let (cell, text) = match status.as_str() {
        "Success" => (
            "pass",
            html! { <span class="tick" aria-label="passed">{ "✓" }</span> },
        ),
        "NotRun" => (
            "not-run",
            html! { <span class="dash" aria-label="not run">{ "–" }</span> },
        ),
        _ => (
            "fail",
            html! { <><span class="cross" aria-hidden="true">{ "✗ " }</span><span class="reason">{
                reasons.iter().map(|r| with_numbers(r, &n.node, d)).collect::<Vec<_>>().join("; ")
            }</span></> },
        ),
    };
    html! {
        <td class={classes!("verdict", cell, class)} data-node={n.node.clone()} data-status={status.clone()}
            title={format!("{plugin} on {}: {status}", n.node)}>{ text }</td>
    }
}

fn score(n: &NodeResult, plugin: &str, weight: i64, class: Classes) -> Html {
    match n.scores.iter().find(|s| s.plugin == plugin) {
        Some(s) => html! {
            <td class={classes!("score", class)} data-node={n.node.clone()} data-weighted={s.weighted.to_string()}
                title={format!("raw {} → normalized {} × weight {weight} = {}", s.raw, s.normalized, s.weighted)}>
                <span class="weighted">{ s.weighted }</span>
                <span class="calc">{ format!("{} → {} ×{weight}", s.raw, s.normalized) }</span>
            </td>
        },
        None => {
            html! { <td class={classes!("score", "none", class)} data-node={n.node.clone()}>{ "–" }</td> }
        }
    }
}

fn conditions(cs: &[Condition], shown: Option<&str>) -> Html {
    html! {
        <div class="why-block">
            <h3>{ "Conditions" }</h3>
            if cs.is_empty() {
                <p class="empty">{ "None yet." }</p>
            } else {
                <table class="mini-table conditions" id="why-conditions">
                    <tbody>
                        { for cs.iter().map(|c| html! {
                            <>
                                <tr data-type={c.kind.clone()} data-status={c.status.clone()}>
                                    <th scope="row">{ c.kind.clone() }</th>
                                    <td><span class={classes!("cond", match c.status.as_str() { "True" => "yes", "False" => "no", _ => "unknown" })}>{ c.status.clone() }</span></td>
                                    <td class="cond-reason">{ c.reason.clone() }</td>
                                    <td class="muted time">{ format::clock(&c.time).1 }</td>
                                </tr>
                                if !c.message.is_empty() && Some(c.message.as_str()) != shown {
                                    <tr class="cond-more"><td colspan="4" class="cond-detail">{ c.message.clone() }</td></tr>
                                }
                            </>
                        }) }
                    </tbody>
                </table>
            }
        </div>
    }
}

fn pod_events(events: &[EventRow], shown: Option<&str>) -> Html {
    html! {
        <div class="why-block">
            <h3>{ "Events" }<span class="count">{ events.len() }</span></h3>
            if events.is_empty() {
                <p class="empty">{ "No Events about this pod." }</p>
            } else {
                <ul class="event-list" id="why-events">
                    { for events.iter().map(|e| event_item(e, shown)) }
                </ul>
            }
        </div>
    }
}

/// One Event; its message is "(the message above)" when the panel already shows it.
pub fn event_item(e: &EventRow, shown: Option<&str>) -> Html {
    html! {
        <li class={classes!("event", (e.kind == "Warning").then_some("warning-event"))}
            data-reason={e.reason.clone()} data-type={e.kind.clone()}>
            <span class="ev-time">{ format::clock(&e.time).1 }</span>
            <span class="ev-reason">{ e.reason.clone() }</span>
            if Some(e.message.as_str()) == shown {
                <span class="ev-message same">{ "(the message above)" }</span>
            } else {
                <span class="ev-message">{ e.message.clone() }</span>
            }
            if e.count > 1 { <span class="ev-count">{ format!("×{}", e.count) }</span> }
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect::{pod_details, EventFeed, EventFilter};

    #[test]
    fn every_plugin_in_an_attempt_says_what_it_checks_and_insufficient_cpu_has_numbers() {
        let mut cp = crate::history::fresh(1).unwrap();
        let m = crate::scenario::by_id("gpu-taints").unwrap().manifest;
        crate::apply::apply_documents(&mut cp, crate::workspaces::ROOT, m, false);
        cp.advance(1.0).unwrap();
        let pod = cp.pending_pods()[0].clone();
        let mut feed = EventFeed::new(
            EventFilter::Pod(pod.namespace.clone(), pod.name.clone()),
            10,
        );
        feed.update(&cp, crate::workspaces::ROOT);
        let d = pod_details(
            &cp,
            crate::workspaces::ROOT,
            &pod.namespace,
            &pod.name,
            &feed,
        )
        .unwrap();
        let e = d.explanation.as_ref().unwrap();
        for p in &e.filter_plugins {
            assert!(!plugin_help(p, false).is_empty(), "filter {p}");
        }
        for p in &e.score_plugins {
            assert!(!plugin_help(&p.name, true).is_empty(), "score {}", p.name);
        }
        let line = with_numbers("Insufficient cpu", "general-1", &d);
        assert!(line.starts_with("Insufficient cpu: requests "), "{line}");
        assert!(line.ends_with(" free"), "{line}");
        assert_eq!(
            with_numbers("Too many pods", "general-1", &d),
            "Too many pods"
        );
    }
}
