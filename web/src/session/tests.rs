use super::*;
use crate::protocol::Report;

fn session() -> Session {
    Session::new(1).unwrap()
}

fn run_all(s: &mut Session, c: Command) -> Vec<Report> {
    let mut out = s.handle(c);
    while s.busy() {
        out.extend(s.work());
    }
    out
}

fn last_update(reports: &[Report]) -> &Update {
    reports
        .iter()
        .rev()
        .find_map(|r| match r {
            Report::Update(u) => Some(&**u),
            _ => None,
        })
        .expect("an update")
}

const WEB: &str = "three-nodes";

fn apply(s: &mut Session, id: &str) -> Vec<Report> {
    let manifest = crate::scenario::by_id(id).unwrap().manifest.to_string();
    run_all(
        s,
        Command::Apply {
            manifest,
            force: false,
        },
    )
}

#[test]
fn updates_carry_only_what_changed() {
    let mut s = session();
    let first = s.update(true);
    assert_eq!(
        first.nodes.as_ref().unwrap().upsert.len(),
        0,
        "an empty cluster, sent once"
    );
    assert!(first.pending.is_some() && first.workloads.is_some());
    let quiet = s.update(true);
    assert!(quiet.nodes.is_none() && quiet.pending.is_none() && quiet.events.is_none());
    assert!(quiet.samples.is_empty() && quiet.timeline.is_none() && quiet.ops.is_none());

    let r = apply(&mut s, WEB);
    let u = last_update(&r);
    assert_eq!(u.nodes.as_ref().unwrap().upsert.len(), 3);
    assert_eq!(u.counts.nodes, 3);
    assert_eq!(u.counts.pods, 5);
    assert_eq!(u.timeline.as_ref().unwrap().points.len(), 2);
    assert_eq!(u.samples.len(), 1);
    let r = run_all(
        &mut s,
        Command::Advance {
            seconds: 60.0,
            play: false,
        },
    );
    let u = last_update(&r);
    assert_eq!(u.counts.running, 5);
    assert_eq!(u.clock.elapsed_ms, 60_000);
    // Cordoning one node changes one card only.
    run_all(
        &mut s,
        Command::Kubectl {
            command: "cordon node-a".into(),
            stdin: String::new(),
        },
    );
    let r = run_all(&mut s, Command::Select(None));
    assert!(last_update(&r).nodes.is_none());
}

#[test]
fn going_back_and_undo_restore_earlier_states_and_editing_branches() {
    let mut s = session();
    apply(&mut s, WEB);
    run_all(
        &mut s,
        Command::Advance {
            seconds: 60.0,
            play: false,
        },
    );
    let at_2 = s.control_plane().snapshot();
    run_all(
        &mut s,
        Command::Kubectl {
            command: "scale deployment web --replicas=1".into(),
            stdin: String::new(),
        },
    );
    run_all(
        &mut s,
        Command::Advance {
            seconds: 60.0,
            play: false,
        },
    );
    assert_eq!(s.history().points().len(), 5);
    // Read-only commands leave no point.
    run_all(
        &mut s,
        Command::Kubectl {
            command: "get pods".into(),
            stdin: String::new(),
        },
    );
    assert_eq!(s.history().points().len(), 5);

    let r = run_all(&mut s, Command::GoTo(2));
    assert_eq!(s.control_plane().snapshot(), at_2);
    let u = last_update(&r);
    assert_eq!(u.counts.running, 5);
    assert_eq!(u.timeline.as_ref().unwrap().current, 2);
    // Forward again, then back one step (undo).
    run_all(&mut s, Command::GoTo(4));
    assert_eq!(
        s.control_plane()
            .nodes()
            .iter()
            .map(|n| n.pods.len())
            .sum::<usize>(),
        1
    );
    run_all(&mut s, Command::GoTo(3));
    assert_eq!(s.history().current(), 3);
    // A change at point 2 drops points 3 and 4, and the charts' future.
    run_all(&mut s, Command::GoTo(2));
    let r = run_all(
        &mut s,
        Command::Advance {
            seconds: 1.0,
            play: false,
        },
    );
    assert_eq!(s.history().points().len(), 4);
    assert_eq!(last_update(&r).samples_cut, Some(61_000));
}

#[test]
fn a_loaded_history_rebuilds_the_same_cluster() {
    let mut live = session();
    apply(&mut live, "pdb-drain");
    for _ in 0..5 {
        run_all(
            &mut live,
            Command::Advance {
                seconds: 5.0,
                play: true,
            },
        );
    }
    run_all(
        &mut live,
        Command::Kubectl {
            command: "drain node-a --ignore-daemonsets".into(),
            stdin: String::new(),
        },
    );
    run_all(
        &mut live,
        Command::Advance {
            seconds: 60.0,
            play: false,
        },
    );
    let ops = live.history().ops().to_vec();
    assert_eq!(ops.len(), 4, "{ops:?}");

    let mut loaded = session();
    let r = run_all(
        &mut loaded,
        Command::Load {
            seed: 1,
            ops: ops.clone(),
            at: None,
            base: None,
        },
    );
    assert_eq!(
        loaded.control_plane().snapshot(),
        live.control_plane().snapshot()
    );
    assert_eq!(last_update(&r).ops.as_deref(), Some(&ops[..]));
    // At an earlier point: the same as going back there.
    let mut at = session();
    run_all(
        &mut at,
        Command::Load {
            seed: 1,
            ops: ops.clone(),
            at: Some(1),
            base: None,
        },
    );
    assert_eq!(at.history().current(), 1);
    assert_eq!(at.history().points().len(), 5);
    run_all(&mut live, Command::GoTo(1));
    assert_eq!(
        at.control_plane().snapshot(),
        live.control_plane().snapshot()
    );
}

#[test]
fn a_huge_replica_count_is_refused_at_once_with_its_line() {
    let mut s = session();
    apply(&mut s, WEB);
    let manifest = crate::scenario::by_id(WEB)
        .unwrap()
        .manifest
        .replace("replicas: 5", "replicas: 2147483647");
    let r = run_all(
        &mut s,
        Command::Apply {
            manifest: manifest.clone(),
            force: false,
        },
    );
    let Some(Report::Applied(outcome)) = r.first() else {
        panic!("{r:?}")
    };
    let e = outcome.errors().next().expect("an error");
    assert!(
        e.text
            .contains("2147483647 is more than the playground runs"),
        "{}",
        e.text
    );
    let line = manifest
        .lines()
        .position(|l| l.contains("2147483647"))
        .unwrap()
        + 1;
    assert_eq!(e.fields[0].line, Some(line));
    let r = run_all(
        &mut s,
        Command::Kubectl {
            command: "scale deployment web --replicas=2147483647".into(),
            stdin: String::new(),
        },
    );
    let Some(Report::Kubectl(entry)) = r.first() else {
        panic!()
    };
    assert_eq!(entry.exit_code, 1);
    assert!(entry.stderr.contains("at most 25000"), "{}", entry.stderr);
    let r = run_all(
        &mut s,
        Command::Kubectl {
            command: "apply -f -".into(),
            stdin: manifest,
        },
    );
    let Some(Report::Kubectl(entry)) = r.first() else {
        panic!()
    };
    assert_eq!(entry.exit_code, 1);
    assert_eq!(s.history().ops().len(), 1, "refusals change nothing");
}

#[test]
fn the_why_panel_follows_its_pod_and_closes() {
    let mut s = session();
    apply(&mut s, "gpu-taints");
    run_all(
        &mut s,
        Command::Advance {
            seconds: 1.0,
            play: false,
        },
    );
    let pod = s.control_plane().pending_pods()[0].clone();
    let r = run_all(
        &mut s,
        Command::Select(Some((pod.namespace.clone(), pod.name.clone()))),
    );
    let why = last_update(&r).why.clone().unwrap().unwrap();
    assert_eq!(why.name, pod.name);
    assert!(why.explanation.is_some());
    let r = run_all(
        &mut s,
        Command::Advance {
            seconds: 1.0,
            play: false,
        },
    );
    assert!(last_update(&r).why.is_none() || last_update(&r).why.as_ref().unwrap().is_some());
    let r = run_all(&mut s, Command::Select(None));
    assert_eq!(last_update(&r).why, Some(None));
    let r = run_all(
        &mut s,
        Command::Advance {
            seconds: 1.0,
            play: false,
        },
    );
    assert_eq!(last_update(&r).why, None);
}

#[test]
fn a_restart_from_a_checkpoint_replays_only_what_came_after() {
    let mut live = session();
    apply(&mut live, WEB);
    run_all(
        &mut live,
        Command::Advance {
            seconds: 60.0,
            play: false,
        },
    );
    let Some(Report::Checkpoint { ops: n, snapshot }) = live.checkpoint() else {
        panic!("a small cluster has a checkpoint")
    };
    assert_eq!(n, 2);
    let points = live.history().points().to_vec();
    run_all(
        &mut live,
        Command::Kubectl {
            command: "scale deployment web --replicas=2".into(),
            stdin: String::new(),
        },
    );
    run_all(
        &mut live,
        Command::Advance {
            seconds: 30.0,
            play: false,
        },
    );
    let ops = live.history().ops().to_vec();

    let mut restarted = session();
    let r = run_all(
        &mut restarted,
        Command::Load {
            seed: 1,
            ops: ops.clone(),
            at: None,
            base: Some(crate::protocol::Base {
                ops: n,
                snapshot,
                points,
            }),
        },
    );
    assert_eq!(
        restarted.control_plane().snapshot(),
        live.control_plane().snapshot()
    );
    assert_eq!(restarted.history().ops(), &ops[..]);
    assert_eq!(restarted.history().points(), live.history().points());
    assert_eq!(last_update(&r).clock.elapsed_ms, 90_000);
    // Going back before the checkpoint still works (replayed from the start).
    run_all(&mut restarted, Command::GoTo(1));
    run_all(&mut live, Command::GoTo(1));
    assert_eq!(
        restarted.control_plane().snapshot(),
        live.control_plane().snapshot()
    );
}

#[test]
fn a_long_step_runs_in_slices_and_cancel_keeps_what_was_done() {
    let mut s = session();
    apply(&mut s, WEB);
    let r = s.handle(Command::Advance {
        seconds: 60.0,
        play: false,
    });
    assert!(r.is_empty() && s.busy(), "a minute runs in slices");
    for _ in 0..10 {
        s.work();
    }
    let r = s.cancel();
    assert!(
        matches!(&r[0], Report::Notice(n) if n.contains("cancelled after 10s")),
        "{r:?}"
    );
    assert_eq!(last_update(&r).clock.elapsed_ms, 10_000);
    assert!(!s.busy());
    assert_eq!(
        s.history().ops().last(),
        Some(&Op::Advance {
            ms: 1000,
            count: 10,
            play: false
        })
    );
    // A whole step is one point, recorded as its slices.
    run_all(
        &mut s,
        Command::Advance {
            seconds: 60.0,
            play: false,
        },
    );
    assert_eq!(s.history().ops().len(), 3);
    assert_eq!(
        s.history().points().last().map(|p| p.label.as_str()),
        Some("+1m")
    );
}
