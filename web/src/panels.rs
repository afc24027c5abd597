//! The newer panels: the timeline scrubber, charts, workloads, the workspace tree, the
//! work-in-progress bar, notices and the confirmation dialog. Plain functions of the state,
//! like `view`.
use crate::chart;
use crate::format;
use crate::protocol::Timeline;
use crate::series::SeriesStore;
use crate::workloads::WorkloadRow;
use crate::workspaces::{self, TreeRow};
use std::rc::Rc;
use yew::prelude::*;

/// The timeline: a scrubber over every point (Apply, step, change), undo and redo.
pub fn scrubber(t: &Timeline, start_ms: i64, on_go: Callback<usize>) -> Html {
    let last = t.points.len().saturating_sub(1);
    let current = t.current.min(last);
    let point = t.points.get(current);
    let label = point.map_or(String::new(), |p| p.label.clone());
    let at = point.map_or(0, |p| p.now_ms - start_ms);
    let on_input = {
        let on_go = on_go.clone();
        Callback::from(move |e: Event| {
            let v = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .value();
            if let Ok(n) = v.parse::<usize>() {
                on_go.emit(n);
            }
        })
    };
    let undo = {
        let on_go = on_go.clone();
        Callback::from(move |_| on_go.emit(current.saturating_sub(1)))
    };
    let redo = Callback::from(move |_| on_go.emit((current + 1).min(last)));
    html! {
        <section id="history" class="panel history-panel" aria-label="Timeline" data-points={t.points.len().to_string()}
            data-current={current.to_string()}>
            <div class="history-row">
                <h2>{ "Timeline" }</h2>
                <button id="undo" class="small" title="Back to the previous point (the state before the last change)"
                    disabled={current == 0} onclick={undo}>{ "↶ Undo" }</button>
                <button id="redo" class="small" title="Forward to the next point" disabled={current >= last} onclick={redo}>{ "↷ Redo" }</button>
                <input id="scrubber" type="range" min="0" max={last.to_string()} value={current.to_string()}
                    aria-label="Timeline point" aria-valuetext={format!("point {current} of {last}: {label}, {}", format::elapsed(at))}
                    disabled={last == 0} onchange={on_input} />
                <span class="history-at" id="history-at">
                    <strong>{ format!("{current}/{last}") }</strong>{ format!(" {label} · {}", format::elapsed(at)) }
                </span>
            </div>
            if current < last {
                <p class="hint branch-hint">{ "You are in the past: a change made now starts a new branch from here (the later points are dropped)." }</p>
            }
        </section>
    }
}

/// Every chart of the store.
pub fn charts(store: &SeriesStore, now_t: i64) -> Html {
    html! {
        <section id="charts" class="panel charts-panel" aria-label="Charts">
            <div class="panel-head"><h2>{ "Over time" }</h2><span class="hint">{ "virtual time; the line marks now" }</span></div>
            if store.charts.is_empty() {
                <p class="empty">{ "Nothing recorded yet." }</p>
            } else {
                <div class="chart-grid">
                    { for store.charts.iter().map(|(id, lines)| chart::chart(id, lines, now_t)) }
                </div>
            }
        </section>
    }
}

/// Deployments, ReplicaSets, StatefulSets, DaemonSets and Jobs with their rollout state.
pub fn workloads(rows: &[WorkloadRow]) -> Html {
    html! {
        <section id="workloads" class="panel workloads-panel" aria-label="Workloads" data-count={rows.len().to_string()}>
            <div class="panel-head"><h2>{ "Workloads" }<span class="count">{ rows.len() }</span></h2></div>
            if rows.is_empty() {
                <p class="empty">{ "No workloads yet." }</p>
            } else {
                <div class="table-wrap">
                    <table class="mini-table workload-table">
                        <thead><tr><th scope="col">{ "Kind" }</th><th scope="col">{ "Name" }</th><th scope="col">{ "Ready" }</th><th scope="col">{ "Rollout" }</th></tr></thead>
                        <tbody>
                            { for rows.iter().map(|r| html! {
                                <tr class={classes!("workload", format!("state-{}", r.state))} data-kind={r.kind.clone()} data-name={r.name.clone()}
                                    data-state={r.state.clone()}>
                                    <td>{ r.kind.clone() }</td>
                                    <td><code>{ if r.namespace == "default" || r.namespace.is_empty() { r.name.clone() } else { format!("{}/{}", r.namespace, r.name) } }</code></td>
                                    <td class="ready">{ r.ready.clone() }</td>
                                    <td class="rollout">{ r.status.clone() }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            }
        </section>
    }
}

/// The workspace tree: a button per workspace (its type, and its phase until Ready), the
/// current one pressed. Picking one sends `Command::Workspace`.
pub fn workspaces(rows: &[Rc<TreeRow>], current: &str, on_pick: Callback<String>) -> Html {
    let full = rows.len() >= workspaces::MAX_ROWS;
    html! {
        <section id="workspaces" class="panel workspaces-panel" aria-label="Workspaces" data-current={current.to_string()}
            data-count={rows.len().to_string()}>
            <div class="panel-head">
                <h2>{ "Workspaces" }<span class="count">{ rows.len() }</span></h2>
                <span class="hint">{ "kubectl ws" }</span>
            </div>
            <ul class="ws-tree" role="tree" aria-label="Workspaces">
                { for rows.iter().map(|r| {
                    let selected = r.path == current;
                    let path = r.path.clone();
                    let onclick = on_pick.reform(move |_: MouseEvent| path.clone());
                    let style = format!("--depth: {}; --ws-hue: {}", r.depth, workspaces::hue(&r.path));
                    html! {
                        <li role="treeitem" aria-selected={selected.to_string()} aria-level={(r.depth + 1).to_string()}
                            class={classes!("ws-node", selected.then_some("selected"))}
                            data-workspace={r.path.clone()} data-phase={r.phase.clone()} {style}>
                            <button type="button" class="ws-pick" aria-pressed={selected.to_string()}
                                title={format!("{} (type {}) · {}", r.path, r.type_, r.phase)} {onclick}>
                                <span class="ws-swatch" aria-hidden="true"></span>
                                <span class="ws-name">{ r.name.clone() }</span>
                                <span class="ws-type">{ r.type_.clone() }</span>
                                if r.phase != "Ready" {
                                    <span class="ws-phase">{ r.phase.clone() }</span>
                                }
                            </button>
                        </li>
                    }
                }) }
            </ul>
            if full {
                <p class="hint">{ format!("Showing the first {} workspaces.", workspaces::MAX_ROWS) }</p>
            }
        </section>
    }
}

/// Work under way: what, for how long, and a Cancel button.
pub fn busy(label: &str, elapsed_ms: f64, on_cancel: Callback<MouseEvent>) -> Html {
    html! {
        <div id="busy" class="busy" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            <span class="busy-label">{ format!("{label}… {:.1} s", elapsed_ms / 1000.0) }</span>
            <span class="hint">{ "the page stays usable while the cluster works" }</span>
            <button id="cancel" class="small" onclick={on_cancel}>{ "Cancel" }</button>
        </div>
    }
}

/// Messages for the user (a crash and its recovery, a cancelled command, a bad link).
pub fn notices(notices: &[String], on_dismiss: Callback<MouseEvent>) -> Html {
    if notices.is_empty() {
        return html! {};
    }
    html! {
        <div id="notices" class="notices" role="alert">
            <ul>{ for notices.iter().map(|n| html! { <li class="notice">{ n.clone() }</li> }) }</ul>
            <button class="ghost small" id="notices-dismiss" onclick={on_dismiss}>{ "Dismiss" }</button>
        </div>
    }
}

/// Asks before something wipes the cluster.
pub fn confirm(
    question: &str,
    yes: &str,
    on_yes: Callback<MouseEvent>,
    on_no: Callback<MouseEvent>,
) -> Html {
    html! {
        <div class="dialog-backdrop">
            <div id="confirm" class="dialog" role="alertdialog" aria-modal="true" aria-labelledby="confirm-text">
                <p id="confirm-text">{ question.to_string() }</p>
                <div class="dialog-actions">
                    <button id="confirm-no" onclick={on_no}>{ "Cancel" }</button>
                    <button id="confirm-yes" class="primary" onclick={on_yes}>{ yes.to_string() }</button>
                </div>
            </div>
        </div>
    }
}
