use super::*;
use crate::protocol::{PodRef, Report};

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
            workspace: None,
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
            workspace: None,
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
            workspace: None,
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
            workspace: None,
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
            workspace: None,
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
            workspace: None,
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
            workspace: None,
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
            workspace: None,
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
        Command::Select(Some(PodRef {
            workspace: pod.workspace.clone(),
            namespace: pod.namespace.clone(),
            name: pod.name.clone(),
        })),
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
            workspace: None,
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
            workspace: None,
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

fn kubectl(s: &mut Session, command: &str, workspace: Option<&str>) -> (Entry, Update) {
    let r = run_all(
        s,
        Command::Kubectl {
            command: command.into(),
            stdin: String::new(),
            workspace: workspace.map(str::to_string),
        },
    );
    let Some(Report::Kubectl(entry)) = r.first() else {
        panic!("no kubectl entry: {r:?}")
    };
    (entry.clone(), last_update(&r).clone())
}

fn step(s: &mut Session, seconds: f64) -> Update {
    let r = run_all(
        s,
        Command::Advance {
            seconds,
            play: false,
        },
    );
    last_update(&r).clone()
}

/// The gallery's Workspaces scenario as its card tells it (`scenario.rs`, steps 1–4), on
/// the manifests of examples/workspaces/.
#[test]
fn the_workspaces_scenario_scopes_the_views_to_the_chosen_workspace() {
    let mut s = session();
    let first = s.update(true);
    assert_eq!(first.workspace.as_deref(), Some("root"));
    let tree = first.workspaces.unwrap();
    assert_eq!(tree.order, Some(vec!["root".to_string()]));
    let r = apply(&mut s, "workspaces");
    let Some(Report::Applied(out)) = r.first() else {
        panic!()
    };
    assert!(out.messages.is_empty(), "{:?}", out.messages);
    assert!(last_update(&r).workspace.is_none(), "unchanged, not sent");

    // `ws create … --enter` moves the page, and the tree grows by one row each time.
    let (e, u) = kubectl(&mut s, "ws create acme --type organization --enter", None);
    assert_eq!(e.exit_code, 0, "{}", e.stderr);
    assert_eq!(u.workspace.as_deref(), Some("root:acme"));
    let d = u.workspaces.unwrap();
    assert_eq!(d.upsert.len(), 1);
    assert_eq!(d.upsert[0].type_, "root:organization");
    let (e, u) = kubectl(&mut s, "ws create team-a --type team --enter", None);
    assert_eq!(e.exit_code, 0, "{}", e.stderr);
    assert_eq!(u.workspace.as_deref(), Some("root:acme:team-a"));
    assert_eq!(
        s.control_plane().kubectl_context().workspace,
        "root:acme:team-a"
    );

    // Apply in the team: the Deployment is created there; the Nodes are refused (403).
    let r = apply(&mut s, "workspaces");
    let Some(Report::Applied(out)) = r.first() else {
        panic!()
    };
    assert_eq!(out.applied, vec!["deployment.apps/web created"]);
    assert_eq!(out.messages.len(), 2, "{:?}", out.messages);
    assert!(out
        .messages
        .iter()
        .all(|m| m.status.as_ref().is_some_and(|st| st.code == 403)));
    assert!(matches!(
        s.history().ops().last(),
        Some(Op::Apply { workspace, .. }) if workspace == "root:acme:team-a"
    ));
    let u = step(&mut s, 60.0);
    assert_eq!(u.counts.running, 4, "two pods of root, two of the team");
    let rows = u.workloads.unwrap();
    assert!(rows
        .iter()
        .any(|r| r.kind == "Deployment" && r.name == "web"));
    let nodes = u.nodes.unwrap();
    let marks: std::collections::BTreeSet<String> = nodes
        .upsert
        .iter()
        .flat_map(|n| n.summary.pods.iter().map(|p| p.workspace.clone()))
        .collect();
    assert_eq!(
        marks.into_iter().collect::<Vec<_>>(),
        vec!["root", "root:acme:team-a"],
        "the nodes hold both workspaces' pods"
    );

    // A node action runs in root (the data plane) and leaves the page in the team.
    let (e, u) = kubectl(&mut s, "cordon node-2", Some("root"));
    assert_eq!(e.exit_code, 0, "{}", e.stderr);
    assert!(u.workspace.is_none());
    assert_eq!(s.workspace(), "root:acme:team-a");
    assert!(matches!(
        s.history().ops().last(),
        Some(Op::Kubectl { workspace, .. }) if workspace == "root"
    ));
    kubectl(&mut s, "uncordon node-2", Some("root"));

    // The tree: back to root; the Events and workloads are root's again.
    let r = run_all(&mut s, Command::Workspace("root".into()));
    let u = last_update(&r);
    assert_eq!(u.workspace.as_deref(), Some("root"));
    assert!(u.events.is_some(), "root's Events replace the team's");
    assert_eq!(s.control_plane().kubectl_context().workspace, "root");
    let (e, _) = kubectl(&mut s, "get deployments -o name", None);
    assert_eq!(e.stdout, "deployment.apps/web\n");

    // A pod of the team, chosen on a node card from root: the page moves to the team.
    let pod = s
        .control_plane()
        .nodes()
        .into_iter()
        .flat_map(|n| n.pods)
        .find(|p| p.workspace == "root:acme:team-a")
        .unwrap();
    let r = run_all(
        &mut s,
        Command::Select(Some(PodRef {
            workspace: pod.workspace.clone(),
            namespace: pod.namespace.clone(),
            name: pod.name.clone(),
        })),
    );
    let u = last_update(&r);
    assert_eq!(u.workspace.as_deref(), Some("root:acme:team-a"));
    let why = u.why.clone().unwrap().unwrap();
    assert_eq!((why.name.as_str(), why.exists), (pod.name.as_str(), true));
    // `kubectl ws` elsewhere closes the Why? panel of the team's pod.
    let (_, u) = kubectl(&mut s, "ws ..", None);
    assert_eq!(u.workspace.as_deref(), Some("root:acme"));
    assert_eq!(u.why, Some(None));

    // A workspace that does not exist is refused.
    let r = run_all(&mut s, Command::Workspace("root:nope".into()));
    assert!(matches!(&r[0], Report::Notice(n) if n.contains("root:nope")));
    assert_eq!(s.workspace(), "root:acme");

    // A shared history with its workspace rebuilds the same cluster, in that workspace.
    let ops = s.history().ops().to_vec();
    let mut loaded = session();
    let r = run_all(
        &mut loaded,
        Command::Load {
            seed: 1,
            ops,
            at: None,
            base: None,
            workspace: Some("root:acme:team-a".into()),
        },
    );
    assert_eq!(
        loaded.control_plane().snapshot(),
        s.control_plane().snapshot()
    );
    assert_eq!(
        last_update(&r).workspace.as_deref(),
        Some("root:acme:team-a")
    );
    assert_eq!(
        loaded.control_plane().kubectl_context().workspace,
        "root:acme:team-a"
    );
    // Back before the team existed: its nearest existing ancestor.
    let r = run_all(&mut loaded, Command::GoTo(1));
    assert_eq!(last_update(&r).workspace.as_deref(), Some("root"));
    let r = run_all(&mut loaded, Command::GoTo(3));
    assert_eq!(loaded.workspace(), "root");
    assert_eq!(
        last_update(&r).workspaces.as_ref().unwrap().upsert.len(),
        2,
        "the tree shows acme and team-a again"
    );
}

#[test]
fn a_deleted_workspace_moves_the_page_to_its_parent() {
    let mut s = session();
    kubectl(&mut s, "ws create acme --type organization --enter", None);
    kubectl(&mut s, "ws create team-a --type team --enter", None);
    assert_eq!(s.workspace(), "root:acme:team-a");
    // Deleted from its parent (a node-action-like command run elsewhere): once it is gone,
    // the page works in the parent.
    let (e, u) = kubectl(&mut s, "delete workspace team-a", Some("root:acme"));
    assert_eq!(e.exit_code, 0, "{}", e.stderr);
    assert_eq!(u.workspace.as_deref(), Some("root:acme"));
    assert_eq!(u.workspaces.unwrap().remove, vec!["root:acme:team-a"]);
    assert_eq!(s.control_plane().kubectl_context().workspace, "root:acme");
    let u = step(&mut s, 10.0);
    assert!(u.workspace.is_none() && u.workspaces.is_none());
}
