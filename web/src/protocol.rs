//! What the page and the worker say to each other. The page never calls the control plane:
//! it sends [`Command`]s and receives [`Report`]s, mostly compact [`Update`]s holding only
//! what changed since the previous one (node cards, pending pods, Events, workload rows,
//! the workspace tree, chart samples). Messages travel as JSON strings (`postMessage`).
//!
//! # Scope
//!
//! The page works in one workspace at a time (the control plane's kubectl context; the tree
//! and `kubectl ws` move it; [`Update::workspace`] says where it is). Apply, kubectl, the
//! pending pods, Events, workloads and the Why? panel are that workspace's; node cards,
//! the header's counts and the charts cover the whole cluster (pods of every workspace share
//! root's nodes).
//!
//! # Adding a view
//!
//! A view (say Karpenter's NodeClaims, nodes by zone, a storage or network panel) is a
//! function of the control plane computed in the worker and drawn on the page:
//!
//! 1. **Rows** (worker side): a module with a row type deriving `Serialize`, `Deserialize`,
//!    `Clone` and `PartialEq`, and `fn rows(cp: &ControlPlane, workspace: &str) -> Vec<Row>`
//!    (`workspace` for a scoped view; a cluster-wide one reads every workspace). Keep it
//!    bounded (cap the rows, as `workloads::MAX_ROWS`). Examples: `workloads.rs`,
//!    `workspaces.rs` (its `tree_rows`), `inspect.rs`.
//! 2. **Report field**: a field on [`Update`]: `Option<Vec<Row>>` for a short list sent
//!    whole when it changes, or `Option<ListDiff<Row>>` (implement [`Keyed`]) for a list
//!    whose items change one by one. Keep the last-sent copy in `session::Shown` and fill
//!    the field in `Session::update` with `session::changed` / `session::diff` (inside
//!    `if idle` when it is costly: progress updates during long work skip it). Test in
//!    `session/tests.rs` that the update carries it once and not again while unchanged.
//! 3. **Command** (only if the view has its own choices: a filter, a selection, a zone):
//!    a [`Command`] variant, run in `Session::handle` and named in `Session::label`. A
//!    choice that only changes what is shown is session state (like
//!    [`Command::WarningsOnly`] or [`Command::Workspace`]); anything that changes the cluster
//!    goes through an `Op` (`history.rs`), so the timeline, replays and share links keep
//!    it. Share-link state that is not an op (like the workspace) is a field of
//!    `share::State` with `#[serde(default)]`, so older links still open.
//! 4. **Panel** (page side): a field on `app::App`, set in `App::on_update` (a
//!    [`ListDiff`] applies with `apply_to`), and a plain function of it in `panels.rs`
//!    (like `panels::workloads`: an `id`, `data-*` attributes the browser tests read),
//!    placed in `App::view` behind `self.panel("name")` with the name in `app::PANELS` (so
//!    an embed can pick it). Callbacks send commands; the page never calls the core.
//! 5. **Series** (for a chart over time): a `series::Sampler` in `series::SAMPLERS` adding
//!    `chart/label` values, and a `series::ChartSpec` for the chart's title and unit.
//!    Samples are taken after each change and drawn by `panels::charts` with no more code.
//! 6. **Browser test**: wait for `html[data-inflight="0"]` after each action (the worker
//!    has answered and the page has drawn it), then read the panel's `data-*` attributes.
use crate::apply::Outcome;
use crate::console::Entry;
use crate::history::{Op, PointInfo};
use crate::inspect::{EventRow, NodeView, PodDetails};
use crate::series::Sample;
use crate::workloads::WorkloadRow;
use crate::workspaces::TreeRow;
use kplane::PodSummary;
use serde::{Deserialize, Serialize};

/// Page → worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Command {
    /// Start over from a history (a shared link, a restart after a crash): a fresh control
    /// plane with `seed`, the `ops` replayed, then the timeline moved to point `at`.
    Load {
        seed: u64,
        ops: Vec<Op>,
        at: Option<usize>,
        /// A snapshot of the cluster after the first `base.ops` ops (a restart): only the
        /// ops after it are replayed.
        #[serde(default)]
        base: Option<Base>,
        /// Then work in this workspace (or its nearest existing ancestor); `root` if none.
        #[serde(default)]
        workspace: Option<String>,
    },
    /// Apply the editor's manifests (server-side apply, field manager `kubectl`).
    Apply { manifest: String, force: bool },
    /// Advance virtual time by `seconds`: a step (`play: false`) or one tick of Play.
    Advance { seconds: f64, play: bool },
    /// A kubectl command line; `stdin` is the editor (for `apply -f -`). It runs in the
    /// current workspace, or in `workspace` when given (node actions: the shared data plane
    /// is written in `root`), which stays current afterwards only if the command moved it
    /// (`kubectl ws`).
    Kubectl {
        command: String,
        stdin: String,
        #[serde(default)]
        workspace: Option<String>,
    },
    /// Work in this workspace (the tree): it scopes Apply, kubectl, the pending pods,
    /// Events, workloads and the Why? panel. A workspace that does not exist is refused
    /// with a notice.
    Workspace(String),
    /// The pod the Why? panel is about, or none. A pod of another workspace (clicked on a
    /// node card) moves the page to its workspace first.
    Select(Option<PodRef>),
    /// The Events panel lists only warnings.
    WarningsOnly(bool),
    /// Move to point `n` of the timeline (0: the empty cluster).
    GoTo(usize),
    /// A new, empty cluster (the timeline starts over).
    Reset,
    /// Nothing to change: send what the page shows (the first update).
    Refresh,
}

/// A pod, wherever it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PodRef {
    pub workspace: String,
    pub namespace: String,
    pub name: String,
}

/// A checkpoint to restart from: the snapshot after the first `ops` ops, and the timeline's
/// points up to there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Base {
    pub ops: usize,
    pub snapshot: String,
    pub points: Vec<PointInfo>,
}

/// Worker → page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Report {
    /// The worker has started and takes commands.
    Ready,
    /// Work began on a command that may take a while (`label` says which).
    Busy { label: String },
    /// What changed on screen.
    Update(Box<Update>),
    /// The outcome of an Apply.
    Applied(Outcome),
    /// What a kubectl command printed.
    Kubectl(Entry),
    /// Something to tell the user: a cancelled replay, a link that could not be read.
    Notice(String),
    /// The worker panicked (a bug); it traps next and the page restarts it.
    Crashed(String),
    /// The last good state, to restart from if the worker dies: a snapshot of the cluster
    /// after the first `ops` ops of the history.
    Checkpoint { ops: usize, snapshot: String },
}

/// Changes since the previous update; `None` (and empty lists) mean unchanged.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Update {
    pub clock: Clock,
    pub counts: Counts,
    /// The workspace the page works in, when it changed.
    pub workspace: Option<String>,
    /// The workspace tree.
    pub workspaces: Option<ListDiff<TreeRow>>,
    /// Node cards: every workspace's pods.
    pub nodes: Option<ListDiff<NodeView>>,
    /// The workspace's pending pods.
    pub pending: Option<Vec<PodSummary>>,
    /// The workspace's Events.
    pub events: Option<ListDiff<EventRow>>,
    /// The workspace's workloads.
    pub workloads: Option<Vec<WorkloadRow>>,
    /// The Why? panel's pod: `Some(None)` closes it.
    pub why: Option<Option<PodDetails>>,
    /// Chart samples recorded since the previous update.
    pub samples: Vec<Sample>,
    /// Forget the chart samples after this virtual time (a branch from the past).
    pub samples_cut: Option<i64>,
    pub timeline: Option<Timeline>,
    /// The history, when it changed (for share links and restarts).
    pub ops: Option<Vec<Op>>,
    /// The work finished: nothing is running.
    pub idle: bool,
}

/// The virtual clock.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Clock {
    /// RFC 3339.
    pub now: String,
    pub now_ms: i64,
    /// Since the cluster started.
    pub elapsed_ms: i64,
}

/// The header's numbers, over the whole cluster (the lists below are capped).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub nodes: usize,
    pub ready_nodes: usize,
    pub pods: usize,
    pub running: usize,
    pub pending: usize,
    /// Pending pods of the current workspace (the Pending panel's count).
    pub workspace_pending: usize,
}

/// The timeline: every Apply, step and change is a point; `current` is where the cluster is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Timeline {
    pub points: Vec<PointInfo>,
    pub current: usize,
}

/// Something a keyed list can be diffed by.
pub trait Keyed {
    fn key(&self) -> String;
}

/// A keyed list's change: the items that are new or changed, the keys that went, and the
/// order when it changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListDiff<T> {
    pub upsert: Vec<T>,
    pub remove: Vec<String>,
    pub order: Option<Vec<String>>,
}

impl<T: Keyed + PartialEq + Clone> ListDiff<T> {
    /// What turns `old` into `new`; `None` when they are equal.
    pub fn between(old: &[T], new: &[T]) -> Option<ListDiff<T>> {
        if old == new {
            return None;
        }
        let old_by_key: std::collections::HashMap<String, &T> =
            old.iter().map(|t| (t.key(), t)).collect();
        let new_keys: Vec<String> = new.iter().map(Keyed::key).collect();
        let upsert = new
            .iter()
            .zip(&new_keys)
            .filter(|(t, k)| old_by_key.get(*k) != Some(t))
            .map(|(t, _)| t.clone())
            .collect();
        let kept: std::collections::HashSet<&String> = new_keys.iter().collect();
        let remove = old
            .iter()
            .map(Keyed::key)
            .filter(|k| !kept.contains(k))
            .collect();
        let old_keys: Vec<String> = old.iter().map(Keyed::key).collect();
        let order = (old_keys != new_keys).then_some(new_keys);
        Some(ListDiff {
            upsert,
            remove,
            order,
        })
    }

    /// Applies the change to `list` (the page's copy), keeping unchanged items as they are
    /// (so views over them can skip re-rendering).
    pub fn apply_to(self, list: &mut Vec<std::rc::Rc<T>>) {
        let old_order: Vec<String> = list.iter().map(|t| t.key()).collect();
        let mut by_key: std::collections::HashMap<String, std::rc::Rc<T>> =
            list.drain(..).map(|t| (t.key(), t)).collect();
        for k in &self.remove {
            by_key.remove(k);
        }
        let mut appended = Vec::new();
        for t in self.upsert {
            let k = t.key();
            if !by_key.contains_key(&k) {
                appended.push(k.clone());
            }
            by_key.insert(k, std::rc::Rc::new(t));
        }
        let order = self
            .order
            .unwrap_or_else(|| old_order.into_iter().chain(appended).collect());
        list.extend(order.iter().filter_map(|k| by_key.remove(k)));
    }
}

impl Keyed for NodeView {
    fn key(&self) -> String {
        self.summary.name.clone()
    }
}

impl Keyed for EventRow {
    fn key(&self) -> String {
        self.key.clone()
    }
}

/// A message as it travels.
pub fn encode<T: Serialize>(message: &T) -> String {
    serde_json::to_string(message).unwrap_or_default()
}

/// A message as it arrives; `None` if it is not one.
pub fn decode<T: for<'de> Deserialize<'de>>(text: &str) -> Option<T> {
    serde_json::from_str(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Item(&'static str, u32);
    impl Keyed for Item {
        fn key(&self) -> String {
            self.0.to_string()
        }
    }

    #[test]
    fn diffs_carry_only_what_changed_and_rebuild_the_list() {
        let old = vec![Item("a", 1), Item("b", 1), Item("c", 1)];
        let new = vec![Item("a", 1), Item("c", 2), Item("d", 1)];
        let d = ListDiff::between(&old, &new).unwrap();
        assert_eq!(d.upsert, vec![Item("c", 2), Item("d", 1)]);
        assert_eq!(d.remove, vec!["b".to_string()]);
        let mut page: Vec<std::rc::Rc<Item>> = old.iter().cloned().map(std::rc::Rc::new).collect();
        let a = page[0].clone();
        d.apply_to(&mut page);
        let got: Vec<Item> = page.iter().map(|t| (**t).clone()).collect();
        assert_eq!(got, new);
        assert!(
            std::rc::Rc::ptr_eq(&a, &page[0]),
            "unchanged items are kept"
        );
        assert!(ListDiff::between(&new, &new).is_none());
    }
}
