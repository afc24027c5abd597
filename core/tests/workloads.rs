//! Workload controllers: rollouts, rollbacks, Recreate, scaling.
use kplane::api::object::{self, str_at};
use kplane::api::Value;
use kplane::{ApplyOptions, ControlPlane, ListOptions, ObjectRef, Options};

fn nodes(n: usize) -> String {
    (0..n)
        .map(|i| format!("apiVersion: v1\nkind: Node\nmetadata: {{name: n{i}}}\nstatus: {{capacity: {{cpu: '16', memory: 64Gi, pods: '110'}}}}\n---\n"))
        .collect()
}

fn deployment(replicas: u32, image: &str, strategy: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: {replicas}\n  strategy: {strategy}\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec:\n      containers: [{{name: web, image: {image}, resources: {{requests: {{cpu: 100m}}}}}}]\n"
    )
}

fn replica_sets(cp: &ControlPlane) -> Vec<Value> {
    cp.list_items(
        "root",
        &ListOptions {
            kind: "ReplicaSet".into(),
            ..Default::default()
        },
    )
    .unwrap()
}

fn get_deployment(cp: &ControlPlane) -> Value {
    cp.get(
        "root",
        &ObjectRef {
            kind: "Deployment".into(),
            name: "web".into(),
            ..Default::default()
        },
    )
    .unwrap()
    .unwrap()
}

fn int(v: &Value, keys: &[&str]) -> i64 {
    object::i64_at(v, keys).unwrap_or(0)
}

#[test]
fn rolling_update_respects_max_surge_and_max_unavailable() {
    let mut cp = ControlPlane::new(Options {
        seed: 1,
        ..Default::default()
    })
    .unwrap();
    let rolling = "{type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}}";
    cp.apply(
        "root",
        &format!("{}{}", nodes(3), deployment(10, "nginx:1.27", rolling)),
        &ApplyOptions::default(),
    )
    .unwrap();
    cp.advance(10.0).unwrap();
    assert_eq!(
        int(&get_deployment(&cp), &["status", "availableReplicas"]),
        10
    );
    cp.apply(
        "root",
        &deployment(10, "nginx:1.28", rolling),
        &ApplyOptions::default(),
    )
    .unwrap();
    // 10 replicas, 25%/25% → at most 13 pods, at least 8 available, at every step.
    let mut steps = 0;
    loop {
        let sets = replica_sets(&cp);
        let total: i64 = sets.iter().map(|r| int(r, &["spec", "replicas"])).sum();
        let available: i64 = sets
            .iter()
            .map(|r| int(r, &["status", "availableReplicas"]))
            .sum();
        assert!(total <= 13, "surge exceeded: {total}");
        assert!(
            available >= 8,
            "unavailability exceeded: {available} available"
        );
        let d = get_deployment(&cp);
        if kplane::kubectl::rollout_status_line(&d).1 == Some(true) {
            break;
        }
        cp.advance(0.5).unwrap();
        steps += 1;
        assert!(steps < 200, "the rollout finishes");
    }
    assert!(steps > 2, "the rollout took several steps, not one");
    let d = get_deployment(&cp);
    assert_eq!(
        d["metadata"]["annotations"]["deployment.kubernetes.io/revision"],
        "2"
    );
    let progressing = d["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "Progressing")
        .unwrap()
        .clone();
    assert_eq!(progressing["reason"], "NewReplicaSetAvailable");
    let pods = cp
        .list_items(
            "root",
            &ListOptions {
                kind: "Pod".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(pods.len(), 10);
    assert!(pods
        .iter()
        .all(|p| p["spec"]["containers"][0]["image"] == "nginx:1.28"));
}

#[test]
fn recreate_removes_every_old_pod_first() {
    let mut cp = ControlPlane::new(Options {
        seed: 2,
        ..Default::default()
    })
    .unwrap();
    cp.apply(
        "root",
        &format!(
            "{}{}",
            nodes(2),
            deployment(4, "nginx:1.27", "{type: Recreate}")
        ),
        &ApplyOptions::default(),
    )
    .unwrap();
    cp.advance(10.0).unwrap();
    cp.apply(
        "root",
        &deployment(4, "nginx:1.28", "{type: Recreate}"),
        &ApplyOptions::default(),
    )
    .unwrap();
    for _ in 0..40 {
        let pods = cp
            .list_items(
                "root",
                &ListOptions {
                    kind: "Pod".into(),
                    ..Default::default()
                },
            )
            .unwrap();
        let old = pods
            .iter()
            .filter(|p| p["spec"]["containers"][0]["image"] == "nginx:1.27")
            .count();
        let new = pods
            .iter()
            .filter(|p| p["spec"]["containers"][0]["image"] == "nginx:1.28")
            .count();
        assert!(
            old == 0 || new == 0,
            "old and new pods never run together ({old} old, {new} new)"
        );
        cp.advance(0.5).unwrap();
    }
    assert_eq!(int(&get_deployment(&cp), &["status", "updatedReplicas"]), 4);
}

#[test]
fn rollout_undo_history_pause_and_resume() {
    let mut cp = ControlPlane::new(Options {
        seed: 3,
        ..Default::default()
    })
    .unwrap();
    cp.apply(
        "root",
        &format!(
            "{}{}",
            nodes(2),
            deployment(3, "nginx:1.27", "{type: RollingUpdate}")
        ),
        &ApplyOptions::default(),
    )
    .unwrap();
    cp.advance(10.0).unwrap();
    cp.apply(
        "root",
        &deployment(3, "nginx:1.28", "{type: RollingUpdate}"),
        &ApplyOptions::default(),
    )
    .unwrap();
    let status = cp.kubectl("rollout status deployment/web", "");
    assert!(
        status
            .stdout
            .starts_with("Waiting for deployment \"web\" rollout to finish"),
        "{}",
        status.stdout
    );
    assert!(
        status
            .stdout
            .ends_with("deployment \"web\" successfully rolled out\n"),
        "{}",
        status.stdout
    );
    let history = cp.kubectl("rollout history deployment/web", "").stdout;
    assert_eq!(
        history,
        // rollout_history.go prints the name printer's `deployment.apps/web ` + "\n" + the
        // table of polymorphichelpers/history.go (tabwriter 0, 8, 2).
        "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n"
    );
    assert_eq!(
        cp.kubectl("rollout undo deployment/web", "").stdout,
        "deployment.apps/web rolled back\n"
    );
    cp.kubectl("rollout status deployment web", "");
    let d = get_deployment(&cp);
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.27"
    );
    // The old ReplicaSet is reused and becomes revision 3.
    assert_eq!(replica_sets(&cp).len(), 2);
    assert_eq!(
        d["metadata"]["annotations"]["deployment.kubernetes.io/revision"],
        "3"
    );
    assert_eq!(
        cp.kubectl("rollout undo deployment/web --to-revision=9", "")
            .stderr,
        "error: unable to find specified revision 9 in history\n"
    );
    // Paused: template changes wait for resume.
    assert_eq!(
        cp.kubectl("rollout pause deployment/web", "").stdout,
        "deployment.apps/web paused\n"
    );
    // `rollout undo` (manager kubectl-rollout) owns the image now: a server-side apply must force.
    let paused = deployment(3, "nginx:1.29", "{type: RollingUpdate}")
        .replace("  strategy:", "  paused: true\n  strategy:");
    let e = cp
        .apply("root", &paused, &ApplyOptions::default())
        .unwrap_err();
    assert!(
        e.message.contains("conflict with \"kubectl-rollout\""),
        "{}",
        e.message
    );
    cp.apply(
        "root",
        &paused,
        &ApplyOptions {
            force: true,
            ..Default::default()
        },
    )
    .unwrap();
    cp.advance(10.0).unwrap();
    assert_eq!(replica_sets(&cp).len(), 2);
    let pods = cp
        .list_items(
            "root",
            &ListOptions {
                kind: "Pod".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(pods.iter().all(
        |p| str_at(p, &["spec", "containers", "0", "image"]).is_none()
            || p["spec"]["containers"][0]["image"] == "nginx:1.27"
    ));
    cp.kubectl("rollout resume deployment/web", "");
    cp.kubectl("rollout status deployment/web", "");
    let pods = cp
        .list_items(
            "root",
            &ListOptions {
                kind: "Pod".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(pods
        .iter()
        .all(|p| p["spec"]["containers"][0]["image"] == "nginx:1.29"));
}

#[test]
fn revision_history_limit_prunes_old_replica_sets() {
    let mut cp = ControlPlane::new(Options {
        seed: 4,
        ..Default::default()
    })
    .unwrap();
    cp.apply("root", &nodes(1), &ApplyOptions::default())
        .unwrap();
    for i in 0..5 {
        let d = deployment(1, &format!("nginx:1.{i}"), "{type: RollingUpdate}")
            .replace("  strategy:", "  revisionHistoryLimit: 2\n  strategy:");
        cp.apply("root", &d, &ApplyOptions::default()).unwrap();
        cp.advance(10.0).unwrap();
    }
    // The current ReplicaSet plus two old ones.
    assert_eq!(replica_sets(&cp).len(), 3);
}

#[test]
fn progress_deadline_exceeded_when_pods_cannot_schedule() {
    let mut cp = ControlPlane::new(Options {
        seed: 5,
        ..Default::default()
    })
    .unwrap();
    let d = deployment(2, "nginx", "{type: RollingUpdate}")
        .replace("  strategy:", "  progressDeadlineSeconds: 30\n  strategy:");
    cp.apply("root", &d, &ApplyOptions::default()).unwrap();
    cp.advance(29.0).unwrap();
    let cond = |cp: &ControlPlane| {
        get_deployment(cp)["status"]["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["type"] == "Progressing")
            .unwrap()
            .clone()
    };
    assert_eq!(cond(&cp)["status"], "True");
    cp.advance(2.0).unwrap();
    assert_eq!(cond(&cp)["reason"], "ProgressDeadlineExceeded");
    let out = cp.kubectl("rollout status deployment/web", "");
    assert_eq!(
        out.stderr,
        "error: deployment \"web\" exceeded its progress deadline\n"
    );
}

#[test]
fn kubectl_set_image_starts_a_rollout() {
    let mut cp = ControlPlane::new(Options {
        seed: 6,
        ..Default::default()
    })
    .unwrap();
    cp.apply(
        "root",
        &format!(
            "{}{}",
            nodes(1),
            deployment(2, "nginx:1.27", "{type: RollingUpdate}")
        ),
        &ApplyOptions::default(),
    )
    .unwrap();
    cp.advance(5.0).unwrap();
    let out = cp.kubectl("set image deployment/web web=nginx:1.28", "");
    assert_eq!(
        out.stdout, "deployment.apps/web image updated\n",
        "{}",
        out.stderr
    );
    cp.kubectl("rollout status deployment/web", "");
    let pods = cp
        .list_items(
            "root",
            &ListOptions {
                kind: "Pod".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(pods
        .iter()
        .filter(|p| !object::is_terminating(p))
        .all(|p| p["spec"]["containers"][0]["image"] == "nginx:1.28"));
    assert!(cp
        .kubectl("set image deployment/web web", "")
        .stderr
        .starts_with("error: there is no need to specify a resource type as a separate argument"));
}

/// Two Deployments named `web`, in `root` and in the logical cluster `root:team`: each rolls
/// out, scales and reports on its own ReplicaSets and pods, on root's shared nodes.
#[test]
fn same_named_deployments_in_two_workspaces_run_independently() {
    let mut cp = ControlPlane::new(Options {
        seed: 7,
        ..Default::default()
    })
    .unwrap();
    let team = "root:team";
    cp.add_logical_cluster(team).unwrap();
    cp.apply(
        "root",
        &format!(
            "{}{}",
            nodes(2),
            deployment(3, "nginx:1.27", "{type: RollingUpdate}")
        ),
        &ApplyOptions::default(),
    )
    .unwrap();
    cp.apply(
        team,
        &deployment(2, "nginx:1.27", "{type: Recreate}"),
        &ApplyOptions::default(),
    )
    .unwrap();
    cp.advance(30.0).unwrap();
    let list = |cp: &ControlPlane, ws: &str, kind: &str| {
        cp.list_items(
            ws,
            &ListOptions {
                kind: kind.into(),
                ..Default::default()
            },
        )
        .unwrap()
        .into_iter()
        .filter(|o| !object::is_terminating(o))
        .collect::<Vec<Value>>()
    };
    let deployment_in = |cp: &ControlPlane, ws: &str| {
        cp.get(
            ws,
            &ObjectRef {
                kind: "Deployment".into(),
                name: "web".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .unwrap()
    };
    assert_eq!(
        int(
            &deployment_in(&cp, "root"),
            &["status", "availableReplicas"]
        ),
        3
    );
    assert_eq!(
        int(&deployment_in(&cp, team), &["status", "availableReplicas"]),
        2
    );
    let team_uid = str_at(&deployment_in(&cp, team), &["metadata", "uid"])
        .unwrap()
        .to_string();
    let team_sets = list(&cp, team, "ReplicaSet");
    assert_eq!(team_sets.len(), 1);
    assert_eq!(
        team_sets[0]["metadata"]["ownerReferences"][0]["uid"],
        team_uid.as_str()
    );

    // A new image in root:team rolls out there only (Recreate); root's web keeps its one
    // ReplicaSet and its pods.
    let root_pods: Vec<String> = list(&cp, "root", "Pod")
        .iter()
        .map(|p| object::name(p).to_string())
        .collect();
    cp.apply(
        team,
        &deployment(4, "nginx:1.28", "{type: Recreate}"),
        &ApplyOptions::default(),
    )
    .unwrap();
    cp.advance(60.0).unwrap();
    let d = deployment_in(&cp, team);
    assert_eq!(int(&d, &["status", "updatedReplicas"]), 4);
    assert_eq!(int(&d, &["status", "availableReplicas"]), 4);
    assert_eq!(list(&cp, team, "ReplicaSet").len(), 2);
    assert!(list(&cp, team, "Pod")
        .iter()
        .all(|p| p["spec"]["containers"][0]["image"] == "nginx:1.28"));
    assert_eq!(replica_sets(&cp).len(), 1);
    let still: Vec<String> = list(&cp, "root", "Pod")
        .iter()
        .map(|p| object::name(p).to_string())
        .collect();
    assert_eq!(still, root_pods);
    assert_eq!(
        int(&get_deployment(&cp), &["status", "availableReplicas"]),
        3
    );
}
