//! Scenario tests over the manifests in `examples/`, so the examples stay true.
use kplane::api::object::{self, str_at};
use kplane::api::resources::{node_allocatable, pod_requests};
use kplane::api::Value;
use kplane::{
    ApplyOptions, ControlPlane, DeleteOptions, ListOptions, ObjectRef, Options, Propagation,
};

const THREE_NODES: &str = include_str!("../../examples/three-nodes.yaml");

fn plane(seed: u64) -> ControlPlane {
    ControlPlane::new(Options {
        seed,
        ..Default::default()
    })
    .unwrap()
}

fn pods(cp: &ControlPlane) -> Vec<Value> {
    cp.list_items(
        "root",
        &ListOptions {
            kind: "Pod".into(),
            namespace: Some("default".into()),
            ..Default::default()
        },
    )
    .unwrap()
}

#[test]
fn three_nodes_five_replicas_all_run_within_capacity() {
    let mut cp = plane(1);
    let r = cp
        .apply("root", THREE_NODES, &ApplyOptions::default())
        .unwrap();
    assert_eq!(r.objects.len(), 4);
    cp.advance(60.0).unwrap();
    let pods = pods(&cp);
    assert_eq!(pods.len(), 5);
    for p in &pods {
        assert_eq!(
            str_at(p, &["status", "phase"]),
            Some("Running"),
            "{}",
            object::name(p)
        );
        assert!(str_at(p, &["status", "podIP"]).is_some());
    }
    for n in cp
        .list_items(
            "root",
            &ListOptions {
                kind: "Node".into(),
                ..Default::default()
            },
        )
        .unwrap()
    {
        let alloc = node_allocatable(&n);
        let on_node: Vec<&Value> = pods
            .iter()
            .filter(|p| str_at(p, &["spec", "nodeName"]) == Some(object::name(&n)))
            .collect();
        let cpu: i64 = on_node
            .iter()
            .map(|p| pod_requests(p, false).milli_cpu)
            .sum();
        let mem: i64 = on_node.iter().map(|p| pod_requests(p, false).memory).sum();
        assert!(
            cpu <= alloc.milli_cpu && mem <= alloc.memory,
            "{} over capacity",
            object::name(&n)
        );
    }
    let d = cp
        .get(
            "root",
            &ObjectRef {
                kind: "Deployment".into(),
                namespace: Some("default".into()),
                name: "web".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .unwrap();
    assert_eq!(d["status"]["readyReplicas"], 5);
    assert_eq!(d["status"]["availableReplicas"], 5);
}

#[test]
fn pods_wait_for_capacity_with_upstream_message() {
    let mut cp = plane(2);
    cp.apply("root", THREE_NODES, &ApplyOptions::default())
        .unwrap();
    // 2 + 2 + 4 cores hold at most 16 pods of 500m.
    assert_eq!(
        cp.kubectl("scale deployment web --replicas=20", "").stdout,
        "deployment.apps/web scaled\n"
    );
    cp.advance(30.0).unwrap();
    let pending: Vec<Value> = pods(&cp)
        .into_iter()
        .filter(|p| str_at(p, &["spec", "nodeName"]).is_none())
        .collect();
    assert_eq!(pending.len(), 4);
    let cond = pending[0]["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "PodScheduled")
        .unwrap()
        .clone();
    assert_eq!(cond["reason"], "Unschedulable");
    assert_eq!(
        cond["message"],
        "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."
    );
    // Scaling back down deletes the pending pods first.
    cp.kubectl("scale deployment web --replicas=16", "");
    cp.advance(5.0).unwrap();
    assert!(pods(&cp)
        .iter()
        .all(|p| str_at(p, &["status", "phase"]) == Some("Running")));
    // A new node lets pending pods schedule.
    cp.kubectl("scale deployment web --replicas=18", "");
    cp.advance(5.0).unwrap();
    cp.apply("root", "apiVersion: v1\nkind: Node\nmetadata: {name: node-d}\nstatus: {capacity: {cpu: '2', memory: 4Gi, pods: '110'}}\n", &ApplyOptions::default())
        .unwrap();
    cp.advance(5.0).unwrap();
    assert_eq!(
        pods(&cp)
            .iter()
            .filter(|p| str_at(p, &["status", "phase"]) == Some("Running"))
            .count(),
        18
    );
}

#[test]
fn deleting_a_deployment_collects_its_replicasets_and_pods() {
    for (policy, pods_left) in [
        (Propagation::Background, 0),
        (Propagation::Foreground, 0),
        (Propagation::Orphan, 5),
    ] {
        let mut cp = plane(3);
        cp.apply("root", THREE_NODES, &ApplyOptions::default())
            .unwrap();
        cp.advance(10.0).unwrap();
        cp.delete(
            "root",
            &DeleteOptions {
                kind: "Deployment".into(),
                name: "web".into(),
                propagation_policy: Some(policy),
                ..Default::default()
            },
        )
        .unwrap();
        cp.advance(5.0).unwrap();
        assert_eq!(pods(&cp).len(), pods_left, "{policy:?}");
        let d = cp
            .get(
                "root",
                &ObjectRef {
                    kind: "Deployment".into(),
                    name: "web".into(),
                    ..Default::default()
                },
            )
            .unwrap();
        assert!(d.is_none(), "{policy:?}");
    }
}

#[test]
fn same_seed_same_state_and_snapshot_continues_identically() {
    let run = |split: bool| {
        let mut cp = plane(42);
        cp.apply("root", THREE_NODES, &ApplyOptions::default())
            .unwrap();
        cp.advance(0.5).unwrap();
        if split {
            let snap = cp.snapshot();
            cp = ControlPlane::restore(&snap).unwrap();
            assert_eq!(
                cp.snapshot(),
                snap,
                "snapshot → restore → snapshot is byte-identical"
            );
        }
        cp.advance(30.0).unwrap();
        cp.kubectl("scale deploy web --replicas=7", "");
        cp.advance(30.0).unwrap();
        cp.snapshot()
    };
    assert_eq!(run(false), run(false));
    assert_eq!(run(false), run(true));
}

#[test]
fn kubectl_get_pods_prints_kubectls_table() {
    let mut cp = plane(5);
    cp.apply("root", THREE_NODES, &ApplyOptions::default())
        .unwrap();
    cp.advance(60.0).unwrap();
    let out = cp.kubectl("kubectl get pods", "");
    assert_eq!(out.exit_code, 0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    );
    assert!(lines[0].starts_with("NAME                "));
    assert_eq!(lines.len(), 6);
    for l in &lines[1..] {
        let cols: Vec<&str> = l.split_whitespace().collect();
        assert!(cols[0].starts_with("web-"));
        assert_eq!(&cols[1..4], ["1/1", "Running", "0"]);
        assert_eq!(cols[4], "60s");
    }
    let nodes = cp.kubectl("get nodes", "").stdout;
    assert!(
        nodes.starts_with(
            "NAME     STATUS   ROLES    AGE   VERSION\nnode-a   Ready    <none>   60s   v1.34.0\n"
        ),
        "{nodes}"
    );
    let missing = cp.kubectl("get pod nope", "");
    assert_eq!(missing.exit_code, 1);
    assert_eq!(
        missing.stderr,
        "Error from server (NotFound): pods \"nope\" not found\n"
    );
    let empty = cp.kubectl("get pods -n kube-system", "");
    assert_eq!(
        empty.stderr,
        "No resources found in kube-system namespace.\n"
    );
}

#[test]
fn errors_are_statuses() {
    let mut cp = plane(6);
    let e = cp
        .apply("nope", THREE_NODES, &ApplyOptions::default())
        .unwrap_err();
    assert_eq!((e.code, e.reason.as_str()), (404, "NotFound"));
    let bad = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: -1\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx}]}\n";
    let e = cp.apply("root", bad, &ApplyOptions::default()).unwrap_err();
    assert_eq!(e.code, 422);
    assert_eq!(e.message, "Deployment.apps \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0");
    assert_eq!(e.details.unwrap().causes[0].field, "spec.replicas");
    let e = cp
        .apply(
            "root",
            "kind: Widget\napiVersion: example.com/v1\nmetadata: {name: w}\n",
            &ApplyOptions::default(),
        )
        .unwrap_err();
    assert_eq!(
        e.message,
        "no matches for kind \"Widget\" in version \"example.com/v1\""
    );
    let e = cp.apply("root", "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ghost}\nspec: {containers: [{name: a, image: x}]}\n", &ApplyOptions::default()).unwrap_err();
    assert_eq!(e.message, "namespaces \"ghost\" not found");
}

#[test]
fn reapplying_is_unchanged_and_changes_are_configured() {
    let mut cp = plane(7);
    cp.apply("root", THREE_NODES, &ApplyOptions::default())
        .unwrap();
    cp.advance(10.0).unwrap();
    let again = cp
        .apply("root", THREE_NODES, &ApplyOptions::default())
        .unwrap();
    assert!(
        again
            .objects
            .iter()
            .all(|o| o.action == kplane::Outcome::Unchanged),
        "{:?}",
        again.objects
    );
    let changed = THREE_NODES.replace("replicas: 5", "replicas: 3");
    let r = cp
        .apply("root", &changed, &ApplyOptions::default())
        .unwrap();
    assert_eq!(r.objects[3].action, kplane::Outcome::Configured);
    cp.advance(10.0).unwrap();
    assert_eq!(pods(&cp).len(), 3);
    let d = cp
        .get(
            "root",
            &ObjectRef {
                kind: "Deployment".into(),
                name: "web".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .unwrap();
    assert_eq!(d["metadata"]["generation"], 2);
    assert_eq!(d["status"]["observedGeneration"], 2);
}

#[test]
fn a_new_template_rolls_to_a_new_replicaset() {
    let mut cp = plane(8);
    cp.apply("root", THREE_NODES, &ApplyOptions::default())
        .unwrap();
    cp.advance(10.0).unwrap();
    cp.apply(
        "root",
        &THREE_NODES.replace("nginx:1.27", "nginx:1.28"),
        &ApplyOptions::default(),
    )
    .unwrap();
    cp.advance(10.0).unwrap();
    let rs = cp
        .list_items(
            "root",
            &ListOptions {
                kind: "ReplicaSet".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(rs.len(), 2);
    let current: Vec<&Value> = rs.iter().filter(|r| r["spec"]["replicas"] == 5).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(
        current[0]["metadata"]["annotations"]["deployment.kubernetes.io/revision"],
        "2"
    );
    let pods = pods(&cp);
    assert_eq!(pods.len(), 5);
    assert!(pods
        .iter()
        .all(|p| p["spec"]["containers"][0]["image"] == "nginx:1.28"));
}

#[test]
fn field_validation_warns_rejects_or_ignores_unknown_fields() {
    use kplane::FieldValidation;
    let typo = THREE_NODES.replace("  replicas: 5", "  replica: 5");
    let mut cp = plane(9);
    let r = cp.apply("root", &typo, &ApplyOptions::default()).unwrap();
    assert_eq!(
        r.warnings,
        vec!["unknown field \"spec.replica\"".to_string()]
    );
    let d = cp
        .get(
            "root",
            &ObjectRef {
                kind: "Deployment".into(),
                name: "web".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .unwrap();
    assert_eq!(
        d["spec"]["replicas"], 1,
        "the unknown field is dropped and the default applies"
    );

    let mut cp = plane(9);
    let strict = ApplyOptions {
        field_validation: Some(FieldValidation::Strict),
        ..Default::default()
    };
    let e = cp.apply("root", &typo, &strict).unwrap_err();
    assert_eq!((e.code, e.reason.as_str()), (400, "BadRequest"));
    assert_eq!(e.message, "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.replica\"");

    let ignore = ApplyOptions {
        field_validation: Some(FieldValidation::Ignore),
        ..Default::default()
    };
    assert!(plane(9)
        .apply("root", &typo, &ignore)
        .unwrap()
        .warnings
        .is_empty());

    // kubectl validates strictly by default, and warns with --validate=warn.
    let mut cp = plane(9);
    let out = cp.kubectl("apply -f -", &typo);
    assert_eq!(out.exit_code, 1);
    assert!(
        out.stderr
            .contains("strict decoding error: unknown field \"spec.replica\""),
        "{}",
        out.stderr
    );
    let out = cp.kubectl("apply --validate=warn -f -", &typo);
    assert_eq!(out.exit_code, 0);
    assert!(
        out.stderr
            .starts_with("Warning: unknown field \"spec.replica\"\n"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.contains("deployment.apps/web created"));
}

#[test]
fn real_fields_round_trip_and_raise_no_warnings() {
    let manifest = r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: full
  annotations: {team: core}
spec:
  replicas: 2
  minReadySeconds: 5
  selector: {matchLabels: {app: full}}
  template:
    metadata: {labels: {app: full}}
    spec:
      serviceAccountName: default
      securityContext: {runAsNonRoot: true, fsGroup: 2000}
      affinity:
        nodeAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 1
            preference: {matchExpressions: [{key: disk, operator: In, values: [ssd]}]}
      volumes:
      - name: cache
        emptyDir: {sizeLimit: 1Gi}
      containers:
      - name: app
        image: registry.example.com/app:2.1
        command: [/app]
        args: [--port=8080]
        env:
        - {name: MODE, value: prod}
        - name: POD
          valueFrom: {fieldRef: {fieldPath: metadata.name}}
        ports: [{containerPort: 8080, name: http}]
        volumeMounts: [{name: cache, mountPath: /cache}]
        readinessProbe: {httpGet: {path: /healthz, port: http}, periodSeconds: 5}
        lifecycle: {preStop: {exec: {command: [sleep, "5"]}}}
        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
"#;
    let mut cp = plane(10);
    let r = cp
        .apply("root", manifest, &ApplyOptions::default())
        .unwrap();
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let d = cp
        .get(
            "root",
            &ObjectRef {
                kind: "Deployment".into(),
                name: "full".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .unwrap();
    let c = &d["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(c["lifecycle"]["preStop"]["exec"]["command"][1], "5");
    assert_eq!(c["securityContext"]["capabilities"]["drop"][0], "ALL");
    assert_eq!(c["readinessProbe"]["failureThreshold"], 3, "probe defaults");
    assert_eq!(
        d["spec"]["template"]["spec"]["volumes"][0]["emptyDir"]["sizeLimit"],
        "1Gi"
    );
}

#[test]
fn patches_conflicts_and_immutable_fields() {
    use kplane::PatchType;
    let mut cp = plane(11);
    cp.apply("root", THREE_NODES, &ApplyOptions::default())
        .unwrap();
    cp.advance(5.0).unwrap();
    let web = ObjectRef {
        kind: "Deployment".into(),
        name: "web".into(),
        ..Default::default()
    };
    // Strategic merge patch merges containers by name.
    let out = cp.kubectl(r#"patch deployment web -p '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.28"}]}}}}'"#, "");
    assert_eq!(
        out.stdout, "deployment.apps/web patched\n",
        "{}",
        out.stderr
    );
    let d = cp.get("root", &web).unwrap().unwrap();
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.28"
    );
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]["cpu"],
        "500m"
    );
    // JSON patch and merge patch.
    cp.patch(
        "root",
        &web,
        &kplane::json!([{"op": "replace", "path": "/spec/replicas", "value": 2}]),
        PatchType::Json,
    )
    .unwrap();
    cp.patch(
        "root",
        &web,
        &kplane::json!({"metadata": {"labels": {"tier": "front"}}}),
        PatchType::Merge,
    )
    .unwrap();
    let d = cp.get("root", &web).unwrap().unwrap();
    assert_eq!(
        (
            d["spec"]["replicas"].as_i64(),
            d["metadata"]["labels"]["tier"].as_str()
        ),
        (Some(2), Some("front"))
    );
    // A stale resourceVersion is a 409 Conflict with upstream's text.
    let mut stale = d.clone();
    stale["metadata"]["resourceVersion"] = kplane::json!("1");
    let e = cp.update("root", stale).unwrap_err();
    assert_eq!((e.code, e.reason.as_str()), (409, "Conflict"));
    assert_eq!(e.message, "Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified; please apply your changes to the latest version and try again");
    // The selector is immutable.
    let e = cp.patch("root", &web, &kplane::json!({"spec": {"selector": {"matchLabels": {"app": "x"}}, "template": {"metadata": {"labels": {"app": "x"}}}}}), PatchType::Merge).unwrap_err();
    assert_eq!(e.code, 422);
    assert!(e.message.ends_with("field is immutable"), "{}", e.message);
    // kubectl create of an existing object is AlreadyExists.
    let out = cp.kubectl(
        "create -f -",
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: default}\n",
    );
    assert_eq!(out.stderr, "Error from server (AlreadyExists): error when creating \"STDIN\": namespaces \"default\" already exists\n");
}

#[test]
fn server_side_apply_tracks_owners_conflicts_and_removals() {
    let mut cp = plane(12);
    let web = ObjectRef {
        kind: "Deployment".into(),
        name: "web".into(),
        ..Default::default()
    };
    let labelled = THREE_NODES.replace(
        "  labels:\n    app: web\nspec:",
        "  labels:\n    app: web\n    tier: front\nspec:",
    );
    assert_ne!(labelled, THREE_NODES);
    cp.apply("root", &labelled, &ApplyOptions::default())
        .unwrap();
    cp.advance(5.0).unwrap();
    let d = cp.get("root", &web).unwrap().unwrap();
    let mf = d["metadata"]["managedFields"].as_array().unwrap();
    assert_eq!(mf[0]["manager"], "kubectl");
    assert_eq!(mf[0]["operation"], "Apply");
    assert_eq!(mf[0]["fieldsV1"]["f:spec"]["f:replicas"], kplane::json!({}));
    assert!(mf
        .iter()
        .any(|e| e["manager"] == "kube-controller-manager" && e["subresource"] == "status"));

    // Another writer takes spec.replicas; re-applying a different value conflicts.
    let mut scaled = d.clone();
    scaled["spec"]["replicas"] = kplane::json!(7);
    cp.update("root", scaled).unwrap();
    let changed = labelled.replace("replicas: 5", "replicas: 4");
    let e = cp
        .apply("root", &changed, &ApplyOptions::default())
        .unwrap_err();
    assert_eq!((e.code, e.reason.as_str()), (409, "Conflict"));
    assert_eq!(
        e.message,
        "Apply failed with 1 conflict: conflict with \"kplane\" using apps/v1: .spec.replicas"
    );
    assert_eq!(e.details.unwrap().causes[0].reason, "FieldManagerConflict");
    // Re-applying the live value is no conflict: the field becomes shared.
    let same = labelled.replace("replicas: 5", "replicas: 7");
    let r = cp.apply("root", &same, &ApplyOptions::default()).unwrap();
    assert_eq!(r.objects[3].action, kplane::Outcome::Configured);
    let shared = cp.get("root", &web).unwrap().unwrap()["metadata"]["managedFields"].clone();
    let owners = shared
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["fieldsV1"]["f:spec"].get("f:replicas").is_some())
        .count();
    assert_eq!(owners, 2, "kubectl and kplane share spec.replicas");
    // Forcing takes ownership.
    let forced = cp
        .apply(
            "root",
            &changed,
            &ApplyOptions {
                force: true,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(forced.objects[3].action, kplane::Outcome::Configured);
    let d = cp.get("root", &web).unwrap().unwrap();
    assert_eq!(d["spec"]["replicas"], 4);
    assert!(!d["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["manager"] == "kplane" && e["fieldsV1"]["f:spec"].get("f:replicas").is_some()));

    // A field dropped from the manifest is removed when no other manager owns it.
    cp.apply(
        "root",
        &changed.replace("    tier: front\n", ""),
        &ApplyOptions::default(),
    )
    .unwrap();
    let d = cp.get("root", &web).unwrap().unwrap();
    assert!(d["metadata"]["labels"].get("tier").is_none());
    assert_eq!(d["metadata"]["labels"]["app"], "web");
    // A no-op apply changes nothing, not even the resourceVersion.
    let rv = d["metadata"]["resourceVersion"].clone();
    let r = cp
        .apply(
            "root",
            &changed.replace("    tier: front\n", ""),
            &ApplyOptions::default(),
        )
        .unwrap();
    assert_eq!(r.objects[3].action, kplane::Outcome::Unchanged);
    assert_eq!(
        cp.get("root", &web).unwrap().unwrap()["metadata"]["resourceVersion"],
        rv
    );
}

#[test]
fn kubectl_server_side_apply_prints_kubectls_text() {
    let mut cp = plane(13);
    let out = cp.kubectl("apply --server-side -f -", THREE_NODES);
    assert!(
        out.stdout
            .ends_with("deployment.apps/web serverside-applied\n"),
        "{}",
        out.stdout
    );
    cp.kubectl("scale deployment web --replicas=2", "");
    let out = cp.kubectl("apply --server-side -f -", THREE_NODES);
    assert_eq!(out.exit_code, 1);
    assert!(
        out.stderr
            .contains("Apply failed with 1 conflict: conflict with"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("--force-conflicts"));
    let out = cp.kubectl("apply --server-side --force-conflicts -f -", THREE_NODES);
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
}

#[test]
fn admission_priority_services_and_service_accounts() {
    let mut cp = plane(14);
    cp.advance(1.0).unwrap();
    let svc = cp.kubectl("get svc", "").stdout;
    assert!(svc.starts_with("NAME         TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\nkubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   1s\n"), "{svc}");
    assert!(cp
        .kubectl("get sa -n kube-system", "")
        .stdout
        .contains("default"));
    let pc = "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: high}\nvalue: 1000\n---\n";
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {priorityClassName: high, containers: [{name: a, image: x}]}\n";
    cp.apply("root", &format!("{pc}{pod}"), &ApplyOptions::default())
        .unwrap();
    let p = cp
        .get(
            "root",
            &ObjectRef {
                kind: "Pod".into(),
                name: "p".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            p["spec"]["priority"].as_i64(),
            p["spec"]["preemptionPolicy"].as_str()
        ),
        (Some(1000), Some("PreemptLowerPriority"))
    );
    assert_eq!(p["spec"]["serviceAccountName"], "default");
    let e = cp
        .apply(
            "root",
            &pod.replace("name: p}", "name: q}")
                .replace("high", "missing"),
            &ApplyOptions::default(),
        )
        .unwrap_err();
    assert_eq!(e.code, 403);
    assert_eq!(
        e.message,
        "pods \"q\" is forbidden: no PriorityClass with name missing was found"
    );
    let node_port = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: NodePort, selector: {app: web}, ports: [{port: 80}]}\n";
    cp.apply("root", node_port, &ApplyOptions::default())
        .unwrap();
    let s = cp
        .get(
            "root",
            &ObjectRef {
                kind: "Service".into(),
                name: "web".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .unwrap();
    let ip = s["spec"]["clusterIP"].as_str().unwrap();
    assert!(ip.starts_with("10.") && ip != "10.96.0.1");
    let np = s["spec"]["ports"][0]["nodePort"].as_i64().unwrap();
    assert!((30000..=32767).contains(&np));
    assert_eq!(s["spec"]["ports"][0]["targetPort"], 80);
}

#[test]
fn seed_manifests_of_other_kinds_are_stored_unchanged() {
    // The seed's HPA, VPA, NetworkPolicy, StorageClass and PVC examples apply as written.
    let manifests = r#"
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: mi-aplicacion-hpa}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: mi-aplicacion-deployment}
  minReplicas: 3
  maxReplicas: 10
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 75}}
---
apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata: {name: my-app-vpa}
spec:
  targetRef: {apiVersion: "apps/v1", kind: Deployment, name: my-app-deployment}
  updatePolicy: {updateMode: "Auto"}
  resourcePolicy:
    containerPolicies:
    - {containerName: '*', minAllowed: {cpu: 100m, memory: 256Mi}, maxAllowed: {cpu: 1, memory: 1Gi}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: frontend-backend-policy}
spec:
  podSelector: {matchLabels: {app: backend}}
  ingress:
  - from:
    - podSelector: {matchLabels: {app: frontend}}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: efs-sc}
provisioner: efs.csi.aws.com
parameters: {fileSystemId: <file-system-id>, directoryPerms: "700"}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: efs-pvc}
spec:
  accessModes: [ReadWriteMany]
  resources: {requests: {storage: 5Gi}}
  storageClassName: efs-sc
"#;
    let mut cp = plane(15);
    let r = cp
        .apply("root", manifests, &ApplyOptions::default())
        .unwrap();
    assert_eq!(r.objects.len(), 5);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let vpa = cp
        .get(
            "root",
            &ObjectRef {
                kind: "VerticalPodAutoscaler".into(),
                name: "my-app-vpa".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .unwrap();
    assert_eq!(
        vpa["spec"]["resourcePolicy"]["containerPolicies"][0]["maxAllowed"]["memory"],
        "1Gi"
    );
    let sc = cp
        .get(
            "root",
            &ObjectRef {
                kind: "StorageClass".into(),
                name: "efs-sc".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            sc["reclaimPolicy"].as_str(),
            sc["volumeBindingMode"].as_str()
        ),
        (Some("Delete"), Some("Immediate"))
    );
    assert_eq!(cp.kubectl("get hpa", "").stdout.lines().count(), 2);
}

#[test]
fn kubectl_describe_top_and_sim_commands() {
    let mut cp = plane(16);
    cp.apply("root", THREE_NODES, &ApplyOptions::default())
        .unwrap();
    cp.kubectl("scale deployment web --replicas=20", "");
    cp.advance(30.0).unwrap();
    let pending = pods(&cp)
        .into_iter()
        .find(|p| str_at(p, &["spec", "nodeName"]).is_none())
        .unwrap();
    let out = cp.kubectl(&format!("describe pod {}", object::name(&pending)), "");
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with(&format!(
            "Name:             {}\nNamespace:        default\n",
            object::name(&pending)
        )),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("Status:           Pending"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("\nEvents:\n  Type     Reason            Age"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("Warning  FailedScheduling  30s   default-scheduler  0/3 nodes"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("0/3 nodes are available: 3 Insufficient cpu."),
        "{}",
        out.stdout
    );
    let node = cp.kubectl("describe node node-a", "").stdout;
    assert!(
        node.contains("Allocated resources:") && node.contains("Conditions:"),
        "{node}"
    );
    let d = cp.kubectl("describe deploy web", "").stdout;
    assert!(d.contains("Replicas:               20 desired | 20 updated | 20 total | 16 available | 4 unavailable"), "{d}");
    let top = cp.kubectl("top nodes", "").stdout;
    assert!(
        top.starts_with("NAME     CPU(cores)   CPU(%)   MEMORY(bytes)   MEMORY(%)\n"),
        "{top}"
    );
    assert_eq!(
        cp.kubectl("sim node stop node-a", "").stdout,
        "node/node-a stopped\n"
    );
    cp.advance(60.0).unwrap();
    assert!(cp
        .kubectl("get nodes", "")
        .stdout
        .contains("node-a   NotReady"));
    assert_eq!(
        cp.kubectl("sim node restore node-a", "").stdout,
        "node/node-a restored\n"
    );
}

/// Two logical clusters (made with `add_logical_cluster` until Workspace objects exist) each
/// run five `web` pods: both are scheduled onto root's shared nodes,
/// and each ReplicaSet owns only its own workspace's pods.
#[test]
fn same_named_workloads_in_two_workspaces_run_independently() {
    let mut team = plane(1);
    team.apply("root", THREE_NODES, &ApplyOptions::default())
        .unwrap();
    let other = "root:team";
    assert_eq!(
        team.apply(other, THREE_NODES, &ApplyOptions::default())
            .unwrap_err()
            .code,
        404
    );
    team.add_logical_cluster(other).unwrap();
    // A ReplicaSet like the one root's Deployment made, with the same name in root:team.
    let rs = "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: web}\nspec:\n  replicas: 5\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx, resources: {requests: {cpu: 100m, memory: 64Mi}}}]}\n";
    team.apply(other, rs, &ApplyOptions::default()).unwrap();
    team.advance(60.0).unwrap();
    let pods = |ws: &str| {
        team.list_items(
            ws,
            &ListOptions {
                kind: "Pod".into(),
                ..Default::default()
            },
        )
        .unwrap()
    };
    let (mine, theirs) = (pods("root"), pods(other));
    assert_eq!(mine.len(), 5);
    assert_eq!(theirs.len(), 5);
    for p in theirs.iter().chain(mine.iter()) {
        assert_eq!(p["status"]["phase"], "Running");
    }
    // Every pod of root:team is owned by root:team's ReplicaSet, not root's.
    let rs_uid = |ws: &str| {
        team.list_items(
            ws,
            &ListOptions {
                kind: "ReplicaSet".into(),
                ..Default::default()
            },
        )
        .unwrap()[0]["metadata"]["uid"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_ne!(rs_uid("root"), rs_uid(other));
    assert!(theirs
        .iter()
        .all(|p| p["metadata"]["ownerReferences"][0]["uid"] == rs_uid(other).as_str()));
    // Both workspaces' pods share the nodes' capacity.
    let on_nodes: usize = team.nodes().iter().map(|n| n.pods.len()).sum();
    assert_eq!(on_nodes, 10);
    assert!(team
        .nodes()
        .iter()
        .flat_map(|n| n.pods.iter())
        .any(|p| p.workspace == other));
}
