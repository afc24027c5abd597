//! The timeline: everything that changed the cluster, in order ([`Op`]s), so any earlier
//! moment can be rebuilt. Point `n` is the cluster after the first `n` ops (point 0: the
//! empty cluster). Going back restores the nearest earlier snapshot and replays the ops
//! after it; snapshots are kept for some points only, within a memory budget. Changing the
//! cluster while at an earlier point branches from there (the later points are dropped).
use crate::apply;
use crate::workspaces::ROOT;
use kplane::{ControlPlane, Options, Status};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One change to the cluster, as it was made (replaying the same ops on a control plane
/// with the same seed gives the same cluster: the core is deterministic). Apply and kubectl
/// ops carry the workspace they were made in (omitted for `root`, so links made before
/// workspaces read the same).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase")]
pub enum Op {
    /// The editor's manifests applied (server-side apply, field manager `kubectl`).
    Apply {
        manifest: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        force: bool,
        #[serde(default = "root", skip_serializing_if = "is_root")]
        workspace: String,
    },
    /// `count` advances of `ms` virtual milliseconds each (Play merges its ticks).
    Advance {
        ms: i64,
        #[serde(default = "one")]
        count: u32,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        play: bool,
    },
    /// A kubectl command line (with the editor as its stdin when it reads one).
    Kubectl {
        command: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        stdin: Option<String>,
        #[serde(default = "root", skip_serializing_if = "is_root")]
        workspace: String,
    },
}

fn one() -> u32 {
    1
}

fn root() -> String {
    ROOT.to_string()
}

fn is_root(workspace: &str) -> bool {
    workspace == ROOT
}

/// Play ticks merged into one point at most.
const PLAY_TICKS_PER_POINT: u32 = 20;
/// Snapshots kept for going back, in bytes of snapshot text.
const SNAPSHOT_BUDGET: usize = 48 << 20;
/// Above this many stored objects a snapshot costs more than replaying: none is taken.
const SNAPSHOT_MAX_OBJECTS: usize = 20_000;
/// The most points the timeline keeps (older ones are folded into the first).
pub const MAX_POINTS: usize = 2_000;

impl Op {
    /// Replays the op; the apply outcome is returned for `Apply`. A kubectl op moves the
    /// kubectl context to its workspace first (and `kubectl ws` moves it on).
    pub fn run(&self, cp: &mut ControlPlane) -> Option<apply::Outcome> {
        match self {
            Op::Apply {
                manifest,
                force,
                workspace,
            } => Some(apply::apply_documents(cp, workspace, manifest, *force)),
            Op::Advance { ms, count, .. } => {
                for _ in 0..*count {
                    // A finite, positive step the page chose; a failure changes nothing.
                    let _ = cp.advance(*ms as f64 / 1000.0);
                }
                None
            }
            Op::Kubectl {
                command,
                stdin,
                workspace,
            } => {
                cp.set_kubectl_workspace(workspace);
                cp.kubectl(command, stdin.as_deref().unwrap_or(""));
                None
            }
        }
    }

    /// How the timeline names the point this op leads to.
    pub fn label(&self) -> String {
        let label = self.label_here();
        match self {
            Op::Apply { workspace, .. } | Op::Kubectl { workspace, .. } if !is_root(workspace) => {
                format!("{label} · {}", crate::workspaces::base(workspace))
            }
            _ => label,
        }
    }

    fn label_here(&self) -> String {
        match self {
            Op::Apply { force: false, .. } => "Apply".into(),
            Op::Apply { force: true, .. } => "Apply --force-conflicts".into(),
            Op::Advance {
                ms,
                count,
                play: false,
                ..
            } => format!("+{}", crate::format::duration(*ms * i64::from(*count))),
            Op::Advance { ms, count, .. } => {
                format!("Play {}", crate::format::duration(*ms * i64::from(*count)))
            }
            Op::Kubectl { command, .. } => {
                let mut c: String = command.chars().take(40).collect();
                if c.len() < command.len() {
                    c.push('…');
                }
                format!("kubectl {c}")
            }
        }
    }
}

/// Whether a kubectl command reads the editor as its stdin (`apply -f -`, `create -f -`).
pub fn reads_stdin(command: &str) -> bool {
    let mut words = command.split_whitespace();
    let first = words.next();
    let verb = if matches!(first, Some("kubectl") | Some("k")) {
        words.next()
    } else {
        first
    };
    matches!(verb, Some("apply") | Some("create"))
}

/// A point of the timeline, as the scrubber shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointInfo {
    pub label: String,
    /// Virtual time at this point.
    pub now_ms: i64,
}

/// What a commit did to the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Committed {
    /// A new point at the end.
    Appended,
    /// The last point grew (another Play tick).
    Extended,
    /// The cluster was at an earlier point: later points were dropped, then one appended.
    Branched,
}

pub struct History {
    seed: u64,
    ops: Vec<Op>,
    points: Vec<PointInfo>,
    current: usize,
    snapshots: BTreeMap<usize, String>,
    bytes: usize,
}

/// A fresh control plane with `seed` (fails only on a bug: the default start is valid).
pub fn fresh(seed: u64) -> Result<ControlPlane, Status> {
    ControlPlane::new(Options { seed, start: None }).map(crate::limits::budgeted)
}

impl History {
    pub fn new(seed: u64, start_ms: i64) -> History {
        History {
            seed,
            ops: Vec::new(),
            points: vec![PointInfo {
                label: "Start".into(),
                now_ms: start_ms,
            }],
            current: 0,
            snapshots: BTreeMap::new(),
            bytes: 0,
        }
    }

    /// A timeline that continues from a snapshot taken after `ops` (a restart): `points`
    /// are the points up to there (one more than the ops).
    pub fn resume(
        seed: u64,
        ops: Vec<Op>,
        mut points: Vec<PointInfo>,
        snapshot: String,
    ) -> History {
        points.truncate(ops.len() + 1);
        let current = ops.len();
        let bytes = snapshot.len();
        History {
            seed,
            ops,
            points,
            current,
            snapshots: BTreeMap::from([(current, snapshot)]),
            bytes,
        }
    }

    /// The snapshot of the current point, when it is the last one and one was kept.
    pub fn checkpoint(&self) -> Option<(usize, &str)> {
        if self.current != self.ops.len() {
            return None;
        }
        self.snapshots
            .get(&self.current)
            .map(|s| (self.current, s.as_str()))
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn ops(&self) -> &[Op] {
        &self.ops
    }

    pub fn points(&self) -> &[PointInfo] {
        &self.points
    }

    pub fn current(&self) -> usize {
        self.current
    }

    /// Records `op`, which just changed `cp`. Play ticks of the same size extend the last
    /// point while it is the current one.
    pub fn commit(&mut self, op: Op, cp: &ControlPlane) -> Committed {
        let mut result = Committed::Appended;
        if self.current < self.ops.len() {
            self.ops.truncate(self.current);
            self.points.truncate(self.current + 1);
            let dropped: Vec<usize> = self
                .snapshots
                .range(self.current + 1..)
                .map(|(k, _)| *k)
                .collect();
            for k in dropped {
                if let Some(s) = self.snapshots.remove(&k) {
                    self.bytes -= s.len();
                }
            }
            result = Committed::Branched;
        }
        let now_ms = cp.now_ms();
        if let (
            Op::Advance {
                ms,
                play: true,
                count: 1,
            },
            Some(Op::Advance {
                ms: last_ms,
                play: true,
                count,
            }),
        ) = (&op, self.ops.last_mut())
        {
            if result == Committed::Appended && ms == last_ms && *count < PLAY_TICKS_PER_POINT {
                *count += 1;
                let label = self.ops.last().map(Op::label).unwrap_or_default();
                if let Some(p) = self.points.last_mut() {
                    *p = PointInfo { label, now_ms };
                }
                if let Some(s) = self.snapshots.remove(&self.current) {
                    self.bytes -= s.len();
                }
                self.keep_snapshot(cp);
                return Committed::Extended;
            }
        }
        self.points.push(PointInfo {
            label: op.label(),
            now_ms,
        });
        self.ops.push(op);
        self.current = self.ops.len();
        self.keep_snapshot(cp);
        result
    }

    /// Keeps a snapshot of the current point when the cluster is small enough, dropping
    /// the oldest ones past the budget.
    fn keep_snapshot(&mut self, cp: &ControlPlane) {
        if cp.server().store.len() > SNAPSHOT_MAX_OBJECTS {
            return;
        }
        let s = cp.snapshot();
        if s.len() > SNAPSHOT_BUDGET / 4 {
            return;
        }
        self.bytes += s.len();
        if let Some(old) = self.snapshots.insert(self.current, s) {
            self.bytes -= old.len();
        }
        while self.bytes > SNAPSHOT_BUDGET {
            match self.snapshots.pop_first() {
                Some((_, s)) => self.bytes -= s.len(),
                None => break,
            }
        }
    }

    /// The ops still to replay to reach point `n` and the control plane to replay them on
    /// (the nearest snapshot at or before `n`, or a fresh one). Sets `n` as current.
    pub fn rewind(&mut self, n: usize) -> Result<(ControlPlane, Vec<Op>), Status> {
        let n = n.min(self.ops.len());
        let (base, cp) = match self.snapshots.range(..=n).next_back() {
            Some((k, s)) => (*k, crate::limits::budgeted(ControlPlane::restore(s)?)),
            None => (0, fresh(self.seed)?),
        };
        self.current = n;
        Ok((cp, self.ops[base..n].to_vec()))
    }

    /// Marks point `n` as where the cluster is (after a replay reached it).
    pub fn set_current(&mut self, n: usize) {
        self.current = n.min(self.ops.len());
    }

    /// The snapshot bytes kept (for the page's memory note and the tests).
    pub fn snapshot_bytes(&self) -> usize {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n";

    fn run(h: &mut History, cp: &mut ControlPlane, op: Op) -> Committed {
        op.run(cp);
        h.commit(op, cp)
    }

    #[test]
    fn going_back_replays_to_the_same_state_and_editing_branches() {
        let mut cp = fresh(7).unwrap();
        let mut h = History::new(7, cp.now_ms());
        let manifest = crate::scenario::by_id("three-nodes").unwrap().manifest;
        run(
            &mut h,
            &mut cp,
            Op::Apply {
                manifest: manifest.into(),
                force: false,
                workspace: "root".into(),
            },
        );
        run(
            &mut h,
            &mut cp,
            Op::Advance {
                ms: 1000,
                count: 1,
                play: false,
            },
        );
        let after_step = cp.snapshot();
        for _ in 0..3 {
            assert_ne!(
                run(
                    &mut h,
                    &mut cp,
                    Op::Advance {
                        ms: 1000,
                        count: 1,
                        play: true
                    }
                ),
                Committed::Branched
            );
        }
        assert_eq!(h.ops().len(), 3, "play ticks share one point");
        assert_eq!(h.points()[3].label, "Play 3s");
        run(
            &mut h,
            &mut cp,
            Op::Kubectl {
                command: "scale deployment web --replicas=2".into(),
                stdin: None,
                workspace: "root".into(),
            },
        );
        assert_eq!(h.current(), 4);

        // Back to point 2 (after the step): the same cluster as then.
        let (mut back, replay) = h.rewind(2).unwrap();
        for op in &replay {
            op.run(&mut back);
        }
        assert_eq!(back.snapshot(), after_step);
        // Without any snapshot, replaying from the start gives the same.
        h.snapshots.clear();
        h.bytes = 0;
        let (mut again, replay) = h.rewind(2).unwrap();
        assert_eq!(replay.len(), 2);
        for op in &replay {
            op.run(&mut again);
        }
        assert_eq!(again.snapshot(), after_step);

        // A change made at point 2 drops points 3 and 4.
        let op = Op::Apply {
            manifest: CM.into(),
            force: false,
            workspace: "root".into(),
        };
        op.run(&mut again);
        assert_eq!(h.commit(op, &again), Committed::Branched);
        assert_eq!(h.ops().len(), 3);
        assert_eq!(h.points().len(), 4);
        assert_eq!(h.current(), 3);
    }

    #[test]
    fn ops_read_their_stdin_only_when_kubectl_does() {
        assert!(reads_stdin("apply -f -"));
        assert!(reads_stdin("kubectl create -f -"));
        assert!(!reads_stdin("get pods"));
        let op = Op::Kubectl {
            command: "get pods".into(),
            stdin: None,
            workspace: "root".into(),
        };
        assert_eq!(
            serde_json::to_string(&op).unwrap(),
            r#"{"op":"kubectl","command":"get pods"}"#
        );
    }

    #[test]
    fn ops_carry_their_workspace_and_older_links_read_as_root() {
        let old: Op = serde_json::from_str(r#"{"op":"apply","manifest":"x"}"#).unwrap();
        assert_eq!(
            old,
            Op::Apply {
                manifest: "x".into(),
                force: false,
                workspace: "root".into(),
            }
        );
        let op = Op::Kubectl {
            command: "scale deployment web --replicas=1".into(),
            stdin: None,
            workspace: "root:acme:team-a".into(),
        };
        let json = serde_json::to_string(&op).unwrap();
        assert!(json.contains(r#""workspace":"root:acme:team-a""#), "{json}");
        assert_eq!(serde_json::from_str::<Op>(&json).unwrap(), op);
        assert_eq!(
            op.label(),
            "kubectl scale deployment web --replicas=1 · team-a"
        );

        // Replayed, a kubectl op acts in its workspace, whatever the context was.
        let mut cp = fresh(1).unwrap();
        cp.kubectl("ws create acme --type organization", "");
        let op = Op::Kubectl {
            command: "create configmap c".into(),
            stdin: None,
            workspace: "root:acme".into(),
        };
        op.run(&mut cp);
        assert_eq!(cp.kubectl_context().workspace, "root:acme");
        assert_eq!(
            cp.kubectl("get configmap c -o name", "").stdout,
            "configmap/c\n"
        );
        cp.set_kubectl_workspace("root");
        assert_eq!(cp.kubectl("get configmap c -o name", "").exit_code, 1);
    }
}
