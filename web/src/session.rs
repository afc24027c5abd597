//! The worker's side: the control plane, its timeline and what the page was last sent.
//! Commands change the cluster and are recorded as [`Op`]s; after each, [`Session::update`]
//! diffs what the page shows against what it was last sent. Long work (replaying a shared
//! history, going back in time) runs one op per [`Session::work`] call, so the worker can
//! take a Cancel between two.
//!
//! The session works in one workspace ([`Session::workspace`], kept equal to the control
//! plane's kubectl context while idle): Apply, kubectl, the pending pods, Events, workloads
//! and the Why? panel are scoped to it. It survives going back in time, restarts and share
//! links (falling back to the nearest existing ancestor when it does not exist there).
use crate::apply;
use crate::console::{self, Entry};
use crate::history::{self, Committed, History, Op};
use crate::inspect::{self, EventFeed, EventFilter, NodeView, PodDetails};
use crate::limits;
use crate::protocol::{Clock, Command, Counts, ListDiff, PodRef, Report, Timeline, Update};
use crate::series::{self, Sample, SampleInput};
use crate::workloads::{self, WorkloadRow};
use crate::workspaces::{self, TreeRow, ROOT};
use kplane::{ControlPlane, PodSummary};
use std::collections::VecDeque;

/// Big clusters stay cheap to show: the page gets at most this many node cards and pending
/// pods (the header counts all of them).
pub const MAX_NODE_CARDS: usize = 100;
pub const MAX_PENDING: usize = 300;
/// How many Events the Events panel lists.
const TIMELINE_EVENTS: usize = 40;
/// How many of a pod's Events the Why? panel lists (the newest).
const POD_EVENTS: usize = 100;

/// A long step runs in slices of this many virtual milliseconds.
pub const STEP_SLICE_MS: i64 = 1_000;

/// A step under way: `done` of `total` slices.
struct Stepping {
    total: u32,
    done: u32,
}

/// What the page was last sent.
#[derive(Default)]
struct Shown {
    workspace: String,
    tree: Vec<TreeRow>,
    nodes: Vec<NodeView>,
    pending: Vec<PodSummary>,
    events: Vec<crate::inspect::EventRow>,
    workloads: Vec<WorkloadRow>,
    why: Option<PodDetails>,
    timeline: Option<Timeline>,
    /// Nothing was sent yet (send everything, even empty lists).
    fresh: bool,
}

/// Ops being replayed: onto the timeline (`commit`, a shared history) or only onto the
/// control plane (going back to a point whose ops are already recorded).
struct Replay {
    ops: VecDeque<Op>,
    commit: bool,
    /// The point the first op leads from (for `commit: false`).
    base: usize,
    /// Then go to this point.
    then_at: Option<usize>,
    label: String,
}

pub struct Session {
    cp: ControlPlane,
    history: History,
    start_ms: i64,
    /// The workspace the page works in (an existing one).
    workspace: String,
    /// The workspace the Events feed follows (a new one starts a new feed).
    feed_workspace: String,
    warnings_only: bool,
    timeline: EventFeed,
    selected: Option<PodRef>,
    pod_feed: Option<EventFeed>,
    shown: Shown,
    replay: Option<Replay>,
    stepping: Option<Stepping>,
    /// A sample is due at the next update (the cluster changed).
    sample_due: bool,
    samples_cut: Option<i64>,
    ops_changed: bool,
    /// The Why? panel was closed: the next update says so.
    why_close: bool,
    /// Consolidation notes on Karpenter's node cards (refreshed when idle).
    notes: std::collections::BTreeMap<String, String>,
}

impl Session {
    /// A session over an empty cluster with `seed` (fails only on a bug in the core).
    pub fn new(seed: u64) -> Result<Session, kplane::Status> {
        let cp = history::fresh(seed)?;
        let start_ms = cp.now_ms();
        Ok(Session {
            history: History::new(seed, start_ms),
            cp,
            start_ms,
            workspace: ROOT.into(),
            feed_workspace: ROOT.into(),
            warnings_only: false,
            timeline: EventFeed::new(EventFilter::All, TIMELINE_EVENTS),
            selected: None,
            pod_feed: None,
            shown: Shown {
                fresh: true,
                ..Shown::default()
            },
            replay: None,
            stepping: None,
            sample_due: true,
            samples_cut: None,
            ops_changed: true,
            why_close: false,
            notes: Default::default(),
        })
    }

    /// The control plane (for tests and measurements).
    pub fn control_plane(&self) -> &ControlPlane {
        &self.cp
    }

    pub fn history(&self) -> &History {
        &self.history
    }

    /// The workspace the page works in.
    pub fn workspace(&self) -> &str {
        &self.workspace
    }

    /// Whether long work is still running (call [`Session::work`]).
    pub fn busy(&self) -> bool {
        self.replay.is_some() || self.stepping.is_some()
    }

    /// What a command is called while it runs.
    pub fn label(command: &Command) -> String {
        match command {
            Command::Load { ops, .. } => format!("Replaying {} changes", ops.len()),
            Command::Apply { .. } => "Applying".into(),
            Command::Advance { seconds, .. } => {
                format!(
                    "Advancing {}",
                    crate::format::duration((seconds * 1000.0) as i64)
                )
            }
            Command::Kubectl { command, .. } => format!("kubectl {command}"),
            Command::Workspace(path) => format!("Entering {path}"),
            Command::GoTo(n) => format!("Going to point {n}"),
            Command::Select(_) | Command::WarningsOnly(_) | Command::Refresh => "Reading".into(),
            Command::Reset => "Resetting".into(),
        }
    }

    /// Runs a command; long ones continue in [`Session::work`].
    pub fn handle(&mut self, command: Command) -> Vec<Report> {
        let mut out = Vec::new();
        match command {
            Command::Load {
                seed,
                ops,
                at,
                base,
                workspace,
            } => {
                if let Err(s) = self.start_over(seed) {
                    out.push(Report::Notice(s.message));
                }
                // Entered once the replay is done (it exists only then).
                self.workspace = workspace.unwrap_or_else(|| ROOT.into());
                let mut ops = ops;
                if let Some(b) = base.filter(|b| b.ops <= ops.len() && b.points.len() > b.ops) {
                    match kplane::ControlPlane::restore(&b.snapshot) {
                        Ok(cp) => {
                            let rest = ops.split_off(b.ops);
                            self.start_ms = b.points[0].now_ms;
                            self.cp = crate::limits::budgeted(cp);
                            self.history = History::resume(seed, ops, b.points, b.snapshot);
                            ops = rest;
                        }
                        Err(s) => out.push(Report::Notice(format!(
                            "The checkpoint could not be restored ({}); replaying everything.",
                            s.message
                        ))),
                    }
                }
                self.replay = Some(Replay {
                    label: format!("Replaying {} changes", ops.len()),
                    ops: ops.into(),
                    commit: true,
                    base: 0,
                    then_at: at,
                });
            }
            Command::Apply { manifest, force } => {
                let before = self.mark();
                let workspace = self.workspace.clone();
                let outcome = apply::apply_documents(&mut self.cp, &workspace, &manifest, force);
                if self.mark() != before {
                    self.commit(Op::Apply {
                        manifest,
                        force,
                        workspace,
                    });
                }
                out.push(Report::Applied(outcome));
            }
            Command::Advance { seconds, play } => {
                if seconds.is_finite() && seconds > 0.0 {
                    let ms = (seconds * 1000.0).round() as i64;
                    if !play && ms > STEP_SLICE_MS && ms % STEP_SLICE_MS == 0 {
                        // A long step runs one virtual second per slice (and is recorded
                        // so: the replay makes the same calls), so Cancel can stop it.
                        self.stepping = Some(Stepping {
                            total: u32::try_from(ms / STEP_SLICE_MS).unwrap_or(u32::MAX),
                            done: 0,
                        });
                    } else {
                        let op = Op::Advance { ms, count: 1, play };
                        op.run(&mut self.cp);
                        self.commit(op);
                    }
                }
            }
            Command::Kubectl {
                command,
                stdin,
                workspace,
            } => out.push(Report::Kubectl(self.kubectl(command, stdin, workspace))),
            Command::Workspace(path) => {
                if let Err(n) = self.enter(&path) {
                    out.push(Report::Notice(n));
                }
            }
            Command::Select(pod) => {
                if let Some(p) = pod.as_ref().filter(|p| p.workspace != self.workspace) {
                    // A pod of another workspace: work there.
                    if let Err(n) = self.enter(&p.workspace) {
                        out.push(Report::Notice(n));
                    }
                }
                if pod != self.selected {
                    self.pod_feed = pod.as_ref().map(|p| {
                        EventFeed::new(
                            EventFilter::Pod(p.namespace.clone(), p.name.clone()),
                            POD_EVENTS,
                        )
                    });
                    self.shown.why = None;
                    self.why_close = pod.is_none();
                }
                self.selected = pod;
            }
            Command::WarningsOnly(on) => {
                self.warnings_only = on;
                let filter = if on {
                    EventFilter::Warnings
                } else {
                    EventFilter::All
                };
                self.timeline = EventFeed::new(filter, TIMELINE_EVENTS);
            }
            Command::GoTo(n) => {
                let n = n.min(self.history.ops().len());
                match self.history.rewind(n) {
                    Ok((cp, ops)) => {
                        self.cp = cp;
                        self.reset_feeds();
                        self.replay = Some(Replay {
                            label: format!("Going back to point {n}"),
                            base: n - ops.len(),
                            ops: ops.into(),
                            commit: false,
                            then_at: None,
                        });
                    }
                    Err(s) => out.push(Report::Notice(s.message)),
                }
            }
            Command::Refresh => {}
            Command::Reset => {
                let seed = self.history.seed();
                if let Err(s) = self.start_over(seed) {
                    out.push(Report::Notice(s.message));
                }
            }
        }
        if !self.busy() {
            out.push(self.report_update(true));
        }
        out
    }

    /// One slice of long work: replays one op. Returns what to send (an update when done).
    pub fn work(&mut self) -> Vec<Report> {
        if let Some(st) = &mut self.stepping {
            // A finite, positive step; a failure changes nothing.
            let _ = self.cp.advance(STEP_SLICE_MS as f64 / 1000.0);
            st.done += 1;
            if st.done < st.total {
                return vec![];
            }
            let total = st.total;
            self.stepping = None;
            self.commit(Op::Advance {
                ms: STEP_SLICE_MS,
                count: total,
                play: false,
            });
            return vec![self.report_update(true)];
        }
        let Some(r) = &mut self.replay else {
            return vec![];
        };
        let commit = r.commit;
        match r.ops.pop_front() {
            Some(op) => {
                op.run(&mut self.cp);
                if commit {
                    self.commit(op);
                } else {
                    r.base += 1;
                }
                vec![]
            }
            None => {
                let then_at = r.then_at;
                let base = r.base;
                self.replay = None;
                if !commit {
                    self.history.set_current(base);
                    self.sample_due = true;
                }
                self.return_to_workspace();
                match then_at.filter(|n| *n < self.history.ops().len()) {
                    Some(n) => self.handle(Command::GoTo(n)),
                    None => vec![self.report_update(true)],
                }
            }
        }
    }

    /// Stops long work where it is (a replay keeps what it replayed).
    pub fn cancel(&mut self) -> Vec<Report> {
        if let Some(st) = self.stepping.take() {
            if st.done > 0 {
                self.commit(Op::Advance {
                    ms: STEP_SLICE_MS,
                    count: st.done,
                    play: false,
                });
            }
            return vec![
                Report::Notice(format!(
                    "The step was cancelled after {} of virtual time.",
                    crate::format::duration(STEP_SLICE_MS * i64::from(st.done))
                )),
                self.report_update(true),
            ];
        }
        let Some(r) = self.replay.take() else {
            return vec![];
        };
        if !r.commit {
            self.history.set_current(r.base);
        }
        self.return_to_workspace();
        self.sample_due = true;
        vec![
            Report::Notice(format!(
                "{} was cancelled; the cluster is where it got to.",
                r.label
            )),
            self.report_update(true),
        ]
    }

    /// The last good state to restart from, when the current point is the last one and
    /// small enough to have a snapshot: (ops, snapshot).
    pub fn checkpoint(&self) -> Option<Report> {
        let (ops, snapshot) = self.history.checkpoint()?;
        Some(Report::Checkpoint {
            ops,
            snapshot: snapshot.to_string(),
        })
    }

    /// An update while long work runs (progress), without the costly parts.
    pub fn progress(&mut self) -> Report {
        self.report_update(false)
    }

    fn start_over(&mut self, seed: u64) -> Result<(), kplane::Status> {
        self.cp = history::fresh(seed)?;
        self.workspace = ROOT.into();
        self.start_ms = self.cp.now_ms();
        self.history = History::new(seed, self.start_ms);
        self.replay = None;
        self.stepping = None;
        self.why_close = self.selected.take().is_some();
        self.pod_feed = None;
        self.shown.why = None;
        self.samples_cut = Some(i64::MIN);
        self.sample_due = true;
        self.ops_changed = true;
        self.reset_feeds();
        Ok(())
    }

    fn reset_feeds(&mut self) {
        let filter = self.timeline.filter().clone();
        self.timeline = EventFeed::new(filter, TIMELINE_EVENTS);
        if let Some(p) = &self.selected {
            self.pod_feed = Some(EventFeed::new(
                EventFilter::Pod(p.namespace.clone(), p.name.clone()),
                POD_EVENTS,
            ));
        }
    }

    /// Works in `path` from now on (it must exist).
    fn enter(&mut self, path: &str) -> Result<(), String> {
        if path.len() > 1024 || !self.cp.server().workspace_exists(path) {
            let shown: String = path.chars().take(100).collect();
            return Err(format!("There is no workspace {shown:?}."));
        }
        self.workspace = path.to_string();
        self.cp.set_kubectl_workspace(path);
        Ok(())
    }

    /// After a replay (the ops moved the kubectl context) or a change that may have deleted
    /// the workspace: back to the session's workspace, or its nearest existing ancestor.
    fn return_to_workspace(&mut self) {
        self.workspace = workspaces::nearest_existing(&self.cp, &self.workspace);
        self.cp.set_kubectl_workspace(&self.workspace);
    }

    /// A new workspace gets its own Events, and the Why? panel closes unless its pod is
    /// there.
    fn follow_workspace(&mut self) {
        if self.feed_workspace == self.workspace {
            return;
        }
        self.feed_workspace = self.workspace.clone();
        let filter = self.timeline.filter().clone();
        self.timeline = EventFeed::new(filter, TIMELINE_EVENTS);
        if self
            .selected
            .as_ref()
            .is_some_and(|p| p.workspace != self.workspace)
        {
            self.selected = None;
            self.pod_feed = None;
            self.shown.why = None;
            self.why_close = true;
        }
    }

    /// What tells whether a command changed the cluster.
    fn mark(&self) -> (u64, i64) {
        (self.cp.server().store.revision(), self.cp.now_ms())
    }

    fn commit(&mut self, op: Op) {
        if self.history.commit(op, &self.cp) == Committed::Branched {
            // The charts forget the future that was dropped.
            self.samples_cut = Some(self.cp.now_ms() - self.start_ms);
        }
        self.sample_due = true;
        self.ops_changed = true;
    }

    /// Runs a kubectl command in the current workspace, or in `workspace` (node actions).
    fn kubectl(&mut self, line: String, stdin: String, workspace: Option<String>) -> Entry {
        let command = console::normalize(&line).to_string();
        let reads = history::reads_stdin(&command);
        let refused = limits::check_command(&command).or_else(|| {
            if !reads {
                return None;
            }
            let docs = kplane::server::decode::decode(&stdin).ok()?;
            docs.iter()
                .find_map(|d| limits::check_object(&d.object))
                .map(|s| format!("error: {}\n", s.message))
        });
        if let Some(stderr) = refused {
            return Entry {
                command,
                stdout: String::new(),
                stderr,
                exit_code: 1,
            };
        }
        let workspace = workspace.unwrap_or_else(|| self.workspace.clone());
        if workspace != self.workspace && !self.cp.server().workspace_exists(&workspace) {
            return Entry {
                command,
                stdout: String::new(),
                stderr: format!("error: workspace {workspace:?} not found\n"),
                exit_code: 1,
            };
        }
        let before = self.mark();
        self.cp.set_kubectl_workspace(&workspace);
        let out = self.cp.kubectl(&command, &stdin);
        if self.mark() != before {
            self.commit(Op::Kubectl {
                command: command.clone(),
                stdin: reads.then_some(stdin),
                workspace: workspace.clone(),
            });
        }
        // `kubectl ws` moves the page; otherwise it stays where it was.
        let now = self.cp.kubectl_context().workspace.clone();
        if now != workspace {
            self.workspace = now;
        } else {
            self.cp.set_kubectl_workspace(&self.workspace);
        }
        Entry {
            command,
            stdout: out.stdout,
            stderr: out.stderr,
            exit_code: out.exit_code,
        }
    }

    fn report_update(&mut self, idle: bool) -> Report {
        Report::Update(Box::new(self.update(idle)))
    }

    /// What changed on screen since the last update. `idle`: the work is done (while it
    /// runs, the lists are refreshed but the Why? panel, workloads and samples wait).
    pub fn update(&mut self, idle: bool) -> Update {
        if idle {
            // The workspace may have been deleted meanwhile.
            self.return_to_workspace();
        }
        self.follow_workspace();
        let cp = &self.cp;
        let ws = self.workspace.as_str();
        let nodes = cp.nodes();
        let pending = cp.pending_pods();
        let pods: usize = nodes.iter().map(|n| n.pods.len()).sum::<usize>() + pending.len();
        let running = nodes
            .iter()
            .flat_map(|n| n.pods.iter())
            .filter(|p| p.status == "Running")
            .count();
        let counts = Counts {
            nodes: nodes.len(),
            ready_nodes: nodes.iter().filter(|n| n.ready).count(),
            pods,
            running,
            pending: pending.len(),
            workspace_pending: pending.iter().filter(|p| p.workspace == ws).count(),
        };
        let mut u = Update {
            clock: Clock {
                now: cp.now(),
                now_ms: cp.now_ms(),
                elapsed_ms: cp.now_ms() - self.start_ms,
            },
            counts,
            idle,
            samples_cut: self.samples_cut.take(),
            ..Update::default()
        };
        if self.sample_due && idle {
            self.sample_due = false;
            let t = cp.now_ms() - self.start_ms;
            let s: Sample = series::sample(
                &SampleInput {
                    cp,
                    nodes: &nodes,
                    pending: &pending,
                },
                t,
            );
            u.samples.push(s);
        }
        if idle {
            let shown = &nodes[..nodes.len().min(MAX_NODE_CARDS)];
            self.notes = crate::fleet::consolidation_notes(cp, shown);
        }
        let views = inspect::node_views(cp, &nodes, MAX_NODE_CARDS, &self.notes);
        let fresh = self.shown.fresh;
        u.nodes = diff(&self.shown.nodes, &views, fresh);
        self.shown.nodes = views;
        let pending: Vec<PodSummary> = pending
            .into_iter()
            .filter(|p| p.workspace == ws)
            .take(MAX_PENDING)
            .collect();
        u.pending = changed(&mut self.shown.pending, pending, fresh);
        self.timeline.update(cp, ws);
        u.events = diff(&self.shown.events, self.timeline.rows(), fresh);
        self.shown.events = self.timeline.rows().to_vec();
        if idle {
            u.workspace = changed(&mut self.shown.workspace, ws.to_string(), fresh);
            let tree = workspaces::tree_rows(cp);
            u.workspaces = diff(&self.shown.tree, &tree, fresh);
            self.shown.tree = tree;
            u.workloads = changed(&mut self.shown.workloads, workloads::rows(cp, ws), fresh);
            u.why = self.why();
            let timeline = Timeline {
                points: self.history.points().to_vec(),
                current: self.history.current(),
            };
            if self.shown.timeline.as_ref() != Some(&timeline) {
                u.timeline = Some(timeline.clone());
                self.shown.timeline = Some(timeline);
            }
            if std::mem::take(&mut self.ops_changed) {
                u.ops = Some(self.history.ops().to_vec());
            }
        }
        self.shown.fresh = false;
        u
    }

    /// The Why? panel's change, if any.
    fn why(&mut self) -> Option<Option<PodDetails>> {
        let Some(pod) = &self.selected else {
            // Closed: say so once.
            return std::mem::take(&mut self.why_close).then_some(None);
        };
        let feed = self.pod_feed.as_mut()?;
        feed.update(&self.cp, &pod.workspace);
        let details =
            match inspect::pod_details(&self.cp, &pod.workspace, &pod.namespace, &pod.name, feed) {
                Some(d) => d,
                None => {
                    let mut d = self.shown.why.clone()?;
                    d.exists = false;
                    d
                }
            };
        if self.shown.why.as_ref() == Some(&details) {
            return None;
        }
        self.shown.why = Some(details.clone());
        Some(Some(details))
    }
}

/// A value the page gets whole when it changed: the new one (and it is remembered as shown),
/// or `None`.
pub fn changed<T: PartialEq + Clone>(shown: &mut T, new: T, fresh: bool) -> Option<T> {
    if !fresh && *shown == new {
        return None;
    }
    *shown = new.clone();
    Some(new)
}

/// A keyed list's change since it was last shown (all of it when nothing was sent yet).
pub fn diff<T: crate::protocol::Keyed + PartialEq + Clone>(
    old: &[T],
    new: &[T],
    fresh: bool,
) -> Option<ListDiff<T>> {
    if fresh {
        return Some(ListDiff {
            upsert: new.to_vec(),
            remove: vec![],
            order: Some(new.iter().map(crate::protocol::Keyed::key).collect()),
        });
    }
    ListDiff::between(old, new)
}

#[cfg(test)]
mod tests;
