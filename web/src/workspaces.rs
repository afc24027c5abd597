//! Workspaces (KCP's logical clusters) in the playground. The worker builds the tree
//! ([`tree_rows`]: every workspace from `root` down, with its type and phase) and sends it in
//! its updates as a diff; the page draws it beside the editor (`panels::workspaces`).
//! Choosing a workspace (`Command::Workspace`) moves the control plane's kubectl context
//! (`ControlPlane::set_kubectl_workspace`), which scopes Apply, the pending pods, the Events,
//! the workloads panel and the console; `kubectl ws` in the console moves it too. Node cards
//! show the pods of every workspace, each marked with its workspace's colour ([`hue`]).
use crate::protocol::Keyed;
use kplane::api::object;
use kplane::{ControlPlane, ListOptions};
use serde::{Deserialize, Serialize};

/// The most rows the tree holds (deeper or wider trees are cut, with a note).
pub const MAX_ROWS: usize = 200;
/// The deepest level the tree descends to.
const MAX_DEPTH: usize = 16;
/// A longer path is no workspace the tree could show (a damaged link): `root` is used.
const MAX_PATH: usize = 1024;

/// The root workspace: the shared data plane (nodes) lives there.
pub const ROOT: &str = "root";

/// One workspace of the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreeRow {
    /// `root:acme:team-a`.
    pub path: String,
    /// `team-a` (`root` for root).
    pub name: String,
    /// 0 for root.
    pub depth: usize,
    /// `root:team`, or `root` for root.
    #[serde(rename = "type")]
    pub type_: String,
    /// `Ready`, `Initializing`, … (`Ready` for root).
    pub phase: String,
}

impl Keyed for TreeRow {
    fn key(&self) -> String {
        self.path.clone()
    }
}

/// The tree, depth first, children by name (as the Workspace list returns them).
pub fn tree_rows(cp: &ControlPlane) -> Vec<TreeRow> {
    let mut rows = vec![TreeRow {
        path: ROOT.into(),
        name: ROOT.into(),
        depth: 0,
        type_: ROOT.into(),
        phase: "Ready".into(),
    }];
    children(cp, ROOT, 1, &mut rows);
    rows
}

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

/// `path` if it exists, else its nearest existing ancestor (a workspace deleted, a link
/// to a workspace the history does not create, a point of the timeline before it existed);
/// `root` at the least.
pub fn nearest_existing(cp: &ControlPlane, path: &str) -> String {
    if path.len() > MAX_PATH {
        return ROOT.into();
    }
    let mut p = path;
    loop {
        if cp.server().workspace_exists(p) {
            return p.to_string();
        }
        match p.rsplit_once(':') {
            Some((parent, _)) => p = parent,
            None => return ROOT.into(),
        }
    }
}

/// A stable hue (0–359) per workspace, for its pods' marks on node cards and its swatch in
/// the tree.
pub fn hue(workspace: &str) -> u32 {
    if workspace == ROOT {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_lists_workspaces_depth_first_with_types_and_phases() {
        let mut cp = crate::history::fresh(1).unwrap();
        for command in [
            "ws create acme --type organization --enter",
            "ws create team-b --type team",
            "ws create team-a --type team --enter",
        ] {
            let o = cp.kubectl(command, "");
            assert_eq!(o.exit_code, 0, "{command}: {}", o.stderr);
        }
        let rows = tree_rows(&cp);
        let got: Vec<(&str, usize, &str, &str)> = rows
            .iter()
            .map(|r| (r.path.as_str(), r.depth, r.type_.as_str(), r.phase.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("root", 0, "root", "Ready"),
                ("root:acme", 1, "root:organization", "Ready"),
                ("root:acme:team-a", 2, "root:team", "Ready"),
                ("root:acme:team-b", 2, "root:team", "Ready"),
            ]
        );
        assert_eq!(rows[2].name, "team-a");
    }

    #[test]
    fn a_missing_workspace_falls_back_to_its_nearest_ancestor() {
        let mut cp = crate::history::fresh(1).unwrap();
        cp.kubectl("ws create acme --type organization", "");
        assert_eq!(nearest_existing(&cp, "root:acme"), "root:acme");
        assert_eq!(nearest_existing(&cp, "root:acme:gone:deeper"), "root:acme");
        assert_eq!(nearest_existing(&cp, "elsewhere"), "root");
        assert_eq!(nearest_existing(&cp, "root:../x"), "root");
        assert_eq!(nearest_existing(&cp, &":".repeat(100_000)), "root");
    }

    #[test]
    fn hues_are_stable_and_root_is_blue() {
        assert_eq!(hue("root"), 220);
        assert_eq!(hue("root:acme"), hue("root:acme"));
        assert!(hue("root:acme:team-a") < 360);
        assert_eq!(base("root:acme:team-a"), "team-a");
        assert_eq!(base("root"), "root");
    }
}
