//! The ReplicationController: a scenario over `examples/workloads/replicationcontroller.yaml`
//! (the Kubernetes docs' nginx example), holding the simulation to what its header promises,
//! plus the API server's defaulting and validation of the kind.
use kplane::api::object;
use kplane::api::Value;
use kplane::{ApplyOptions, ControlPlane, DeleteOptions, ListOptions, ObjectRef, Options};

const NGINX: &str = include_str!("../../examples/workloads/replicationcontroller.yaml");

fn load(manifest: &str) -> ControlPlane {
    let mut cp = ControlPlane::new(Options {
        seed: 11,
        ..Default::default()
    })
    .unwrap();
    let r = cp
        .apply("root", manifest, &ApplyOptions::default())
        .unwrap();
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    cp
}

fn live_pods(cp: &ControlPlane) -> Vec<Value> {
    cp.list_items(
        "root",
        &ListOptions {
            kind: "Pod".into(),
            namespace: Some("default".into()),
            ..Default::default()
        },
    )
    .unwrap()
    .into_iter()
    .filter(|p| !object::is_terminating(p))
    .collect()
}

fn rc(cp: &ControlPlane, name: &str) -> Value {
    cp.get(
        "root",
        &ObjectRef {
            kind: "ReplicationController".into(),
            namespace: Some("default".into()),
            name: name.into(),
            ..Default::default()
        },
    )
    .unwrap()
    .unwrap()
}

fn events(cp: &ControlPlane, reason: &str) -> Vec<Value> {
    cp.list_items(
        "root",
        &ListOptions {
            kind: "Event".into(),
            namespace: Some("default".into()),
            field_selector: Some("involvedObject.name=nginx".into()),
            ..Default::default()
        },
    )
    .unwrap()
    .into_iter()
    .filter(|e| e["reason"] == reason)
    .collect()
}

#[test]
fn the_docs_nginx_example_runs_three_replicas_and_keeps_them() {
    let mut cp = load(NGINX);
    let pods = live_pods(&cp);
    assert_eq!(pods.len(), 3);
    let uid = object::uid(&rc(&cp, "nginx")).to_string();
    for p in &pods {
        assert!(object::name(p).starts_with("nginx-"));
        assert_eq!(p["metadata"]["labels"]["app"], "nginx");
        let owner = object::controller_of(p).unwrap();
        assert_eq!(owner["kind"], "ReplicationController");
        assert_eq!(owner["apiVersion"], "v1");
        assert_eq!(owner["uid"], uid.as_str());
    }
    let created = events(&cp, "SuccessfulCreate");
    assert!(!created.is_empty());
    for e in &created {
        assert_eq!(e["source"]["component"], "replication-controller");
        assert!(e["message"]
            .as_str()
            .unwrap()
            .starts_with("Created pod: nginx-"));
    }

    cp.advance(10.0).unwrap();
    let status = &rc(&cp, "nginx")["status"];
    for field in [
        "replicas",
        "fullyLabeledReplicas",
        "readyReplicas",
        "availableReplicas",
    ] {
        assert_eq!(status[field], 3, "{field}: {status}");
    }
    assert_eq!(status["observedGeneration"], 1);

    // A deleted pod is replaced.
    let gone = object::name(&live_pods(&cp)[0]).to_string();
    cp.delete(
        "root",
        &DeleteOptions {
            kind: "Pod".into(),
            namespace: Some("default".into()),
            name: gone.clone(),
            ..Default::default()
        },
    )
    .unwrap();
    let pods = live_pods(&cp);
    assert_eq!(pods.len(), 3);
    assert!(pods.iter().all(|p| object::name(p) != gone));

    // Scaling to 1 deletes two pods.
    cp.apply(
        "root",
        &NGINX.replace("replicas: 3", "replicas: 1"),
        &ApplyOptions::default(),
    )
    .unwrap();
    assert_eq!(live_pods(&cp).len(), 1);
    assert_eq!(events(&cp, "SuccessfulDelete").len(), 2);
    cp.advance(60.0).unwrap();
    assert_eq!(rc(&cp, "nginx")["status"]["replicas"], 1);
}

#[test]
fn the_selector_and_labels_default_to_the_template_labels() {
    // SetDefaults_ReplicationController (pkg/apis/core/v1/defaults.go).
    let mut cp = load(&NGINX.replace("  selector:\n    app: nginx\n", ""));
    let o = rc(&cp, "nginx");
    assert_eq!(o["spec"]["selector"]["app"], "nginx");
    assert_eq!(o["metadata"]["labels"]["app"], "nginx");
    assert_eq!(live_pods(&cp).len(), 3);
    // Without replicas: 1.
    let one = NGINX
        .replace("name: nginx\nspec:\n  replicas: 3\n", "name: one\nspec:\n")
        .replace("app: nginx", "app: one");
    cp.apply("root", &one, &ApplyOptions::default()).unwrap();
    assert_eq!(rc(&cp, "one")["spec"]["replicas"], 1);
}

#[test]
fn validation_follows_validate_replication_controller_spec() {
    let mut cp = ControlPlane::new(Options::default()).unwrap();
    // (manifest change, field, message) as ValidateReplicationControllerSpec reports them.
    let cases = [
        (
            NGINX.replace("    app: nginx\n  template", "    app: other\n  template"),
            "spec.template.metadata.labels",
            "`selector` does not match template `labels`",
        ),
        (
            NGINX.replace(
                "    spec:\n      containers:",
                "    spec:\n      restartPolicy: OnFailure\n      containers:",
            ),
            "spec.template.spec.restartPolicy",
            "supported values: \"Always\"",
        ),
        (
            NGINX.replace(
                "    spec:\n      containers:",
                "    spec:\n      activeDeadlineSeconds: 10\n      containers:",
            ),
            "spec.template.spec.activeDeadlineSeconds",
            "activeDeadlineSeconds in ReplicationController is not Supported",
        ),
        (
            NGINX.replace("replicas: 3", "replicas: -1"),
            "spec.replicas",
            "must be greater than or equal to 0",
        ),
    ];
    for (manifest, field, message) in cases {
        let e = cp
            .apply("root", &manifest, &ApplyOptions::default())
            .unwrap_err();
        assert_eq!(e.code, 422, "{field}: {}", e.message);
        assert!(e.message.contains(field), "{field}: {}", e.message);
        assert!(e.message.contains(message), "{field}: {}", e.message);
    }
}
