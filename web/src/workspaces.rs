//! The workspace tree beside the editor: every workspace (KCP's logical clusters) from `root`
//! down, with its type and phase. Choosing one scopes the editor's Apply, the pending pods,
//! the Events and the kubectl console (the control plane's kubectl context, which `kubectl ws`
//! in the console moves too). Node cards show the pods of every workspace, each marked with
//! its workspace's colour.
use kplane::api::object;
use kplane::{ControlPlane, ListOptions};
use yew::prelude::*;

/// The most rows the tree draws (deeper or wider trees are cut, with a note).
pub const MAX_ROWS: usize = 200;
/// The deepest level the tree descends to.
const MAX_DEPTH: usize = 16;

/// One workspace of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeRow {
    /// `root:acme:team-a`.
    pub path: String,
    /// `team-a` (`root` for root).
    pub name: String,
    /// 0 for root.
    pub depth: usize,
    /// `root:team`, or `root` for root.
    pub type_: String,
    /// `Ready`, `Initializing`, … (`Ready` for root).
    pub phase: String,
}

/// The tree, depth first, children by name.
pub fn tree_rows(cp: &ControlPlane) -> Vec<TreeRow> {
    let mut rows = vec![TreeRow {
        path: "root".into(),
        name: "root".into(),
        depth: 0,
        type_: "root".into(),
        phase: "Ready".into(),
    }];
    fn children(cp: &ControlPlane, path: &str, depth: usize, rows: &mut Vec<TreeRow>) {
        if depth > MAX_DEPTH {
            return;
        }
        let list = cp
            .list_items(
                path,
                &ListOptions {
                    api_version: Some("tenancy.kcp.io/v1alpha1".into()),
                    kind: "Workspace".into(),
                    ..Default::default()
                },
            )
            .unwrap_or_default();
        for ws in list {
            if rows.len() >= MAX_ROWS {
                return;
            }
            let name = object::name(&ws).to_string();
            let child = format!("{path}:{name}");
            let t = |k: &str| {
                object::str_at(&ws, &["spec", "type", k])
                    .unwrap_or("")
                    .to_string()
            };
            let type_ = if t("path").is_empty() {
                t("name")
            } else {
                format!("{}:{}", t("path"), t("name"))
            };
            rows.push(TreeRow {
                path: child.clone(),
                name,
                depth,
                type_,
                phase: object::str_at(&ws, &["status", "phase"])
                    .unwrap_or("Scheduling")
                    .to_string(),
            });
            if cp.server().workspace_exists(&child) {
                children(cp, &child, depth + 1, rows);
            }
        }
    }
    children(cp, "root", 1, &mut rows);
    rows
}

/// A stable hue (0–359) per workspace, for its pods' marks on node cards.
pub fn hue(workspace: &str) -> u32 {
    if workspace == "root" {
        return 220;
    }
    let h = workspace.bytes().fold(2166136261u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(16777619)
    });
    h % 360
}

/// The last segment of a path (`team-a`).
pub fn base(workspace: &str) -> &str {
    workspace.rsplit(':').next().unwrap_or(workspace)
}

/// The workspace of the pod an event happened on (its `data-workspace`).
pub fn pod_workspace(target: Option<web_sys::EventTarget>) -> Option<String> {
    use wasm_bindgen::JsCast;
    let el: web_sys::Element = target?.dyn_into().ok()?;
    el.closest(".pod[data-workspace]")
        .ok()??
        .get_attribute("data-workspace")
}

/// The tree panel: a button per workspace, the current one pressed.
pub fn tree(rows: &[TreeRow], current: &str, on_pick: Callback<String>) -> Html {
    let full = rows.len() >= MAX_ROWS;
    html! {
        <section class="panel workspaces-panel" aria-label="Workspaces">
            <div class="panel-head">
                <h2>{ "Workspaces" }</h2>
                <span class="hint">{ "kubectl ws" }</span>
            </div>
            <ul class="ws-tree" role="tree">
                { for rows.iter().map(|r| {
                    let selected = r.path == current;
                    let path = r.path.clone();
                    let onclick = on_pick.reform(move |_: MouseEvent| path.clone());
                    let style = format!("--depth: {}; --ws-hue: {}", r.depth, hue(&r.path));
                    html! {
                        <li role="treeitem" aria-selected={selected.to_string()} class={classes!("ws-node", selected.then_some("selected"))}
                            data-workspace={r.path.clone()} {style}>
                            <button type="button" class="ws-pick" title={format!("{} (type {}) · {}", r.path, r.type_, r.phase)} {onclick}>
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
                <p class="hint">{ format!("Showing the first {MAX_ROWS} workspaces.") }</p>
            }
        </section>
    }
}
