//! The security suite: from one workspace, try to read or change another through every entry
//! point (crafted paths, owner references to another workspace's uid, selectors, watches,
//! continue tokens, kubectl flags and impersonation, snapshots, CRD and workspace names) and
//! check that nothing is reached. The organization of `examples/workspaces/`: `root:acme`
//! with `team-a` (the target, holding objects) and `team-b` (the intruder).
use kplane::api::object;
use kplane::api::Value;
use kplane::store::Key;
use kplane::{
    ApplyOptions, ControlPlane, DeleteOptions, ListOptions, ObjectRef, Options, PatchType,
    WatchOptions,
};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/workspaces/");
const A: &str = "root:acme:team-a";
const B: &str = "root:acme:team-b";

fn example(name: &str) -> String {
    std::fs::read_to_string(format!("{EXAMPLES}{name}")).unwrap()
}

fn apply(cp: &mut ControlPlane, ws: &str, text: &str) {
    cp.apply(ws, text, &ApplyOptions::default())
        .unwrap_or_else(|e| panic!("in {ws}: {}", e.message));
}

const TEAM_A_OBJECTS: &str = r#"
apiVersion: v1
kind: ConfigMap
metadata: {name: plans, namespace: default, labels: {app: web}}
data: {launch: "tuesday"}
---
apiVersion: v1
kind: Secret
metadata: {name: token, namespace: default, labels: {app: web}}
stringData: {token: hunter2}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web, namespace: default}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: default}
spec:
  maxUnavailable: 0
  selector: {matchLabels: {app: web}}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: string}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w, namespace: default}
spec: {size: small}
"#;

fn setup() -> ControlPlane {
    let mut cp = ControlPlane::new(Options {
        seed: 5,
        ..Default::default()
    })
    .unwrap();
    apply(&mut cp, "root", &example("nodes.yaml"));
    apply(&mut cp, "root", &example("organization.yaml"));
    apply(&mut cp, "root:acme", &example("teams.yaml"));
    apply(&mut cp, A, TEAM_A_OBJECTS);
    cp
}

/// Everything stored in a workspace.
fn content(cp: &ControlPlane, ws: &str) -> Vec<(Key, Value)> {
    cp.server()
        .store
        .list_workspace(ws)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn uids(cp: &ControlPlane, ws: &str) -> std::collections::BTreeSet<String> {
    content(cp, ws)
        .iter()
        .map(|(_, v)| object::uid(v).to_string())
        .collect()
}

fn r(kind: &str, ns: Option<&str>, name: &str) -> ObjectRef {
    ObjectRef {
        api_version: None,
        kind: kind.into(),
        namespace: ns.map(String::from),
        name: name.into(),
    }
}

const CRAFTED: &[&str] = &[
    "root:acme:team-b:..",
    "root:acme:team-b:..:team-a",
    "root:acme:..:acme:team-a",
    "root::acme:team-a",
    "root:acme/team-a",
    "root/acme/team-a",
    "ROOT:acme:team-a",
    "root:acme:Team-A",
    "root:acme:team-a ",
    " root:acme:team-a",
    "root:acme:team-a\u{0}",
    "root:acme:team-a:",
    ":root:acme:team-a",
    "root:acme:*",
    "root:acme:team-%61",
    "root:acme:team-a\nroot",
    "acme:team-a",
    "team-a",
    "",
    "..",
    "~",
    "root:acme:team-c",
    "root:acme:team-a:nothing",
];

#[test]
fn crafted_paths_are_refused_by_every_call() {
    let mut cp = setup();
    let before = content(&cp, A);
    let revision = cp.server().store.revision();
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: plans, namespace: default}\ndata: {launch: never}\n";
    let cm_value: Value = kplane::server::decode::decode(cm).unwrap().remove(0).object;
    for &path in CRAFTED {
        let mut codes = vec![
            cp.apply(path, cm, &ApplyOptions::default())
                .map(|_| ())
                .unwrap_err()
                .code,
            cp.get(path, &r("ConfigMap", Some("default"), "plans"))
                .map(|_| ())
                .unwrap_err()
                .code,
            cp.list(
                path,
                &ListOptions {
                    kind: "ConfigMap".into(),
                    ..Default::default()
                },
            )
            .map(|_| ())
            .unwrap_err()
            .code,
            cp.watch(path, &WatchOptions::default())
                .map(|_| ())
                .unwrap_err()
                .code,
            cp.create(path, cm_value.clone(), &ApplyOptions::default())
                .map(|_| ())
                .unwrap_err()
                .code,
            cp.update(path, cm_value.clone())
                .map(|_| ())
                .unwrap_err()
                .code,
            cp.update_status(path, cm_value.clone())
                .map(|_| ())
                .unwrap_err()
                .code,
            cp.patch(
                path,
                &r("ConfigMap", Some("default"), "plans"),
                &kplane::json!({"data": {"x": "y"}}),
                PatchType::Merge,
            )
            .map(|_| ())
            .unwrap_err()
            .code,
            cp.delete(
                path,
                &DeleteOptions {
                    kind: "ConfigMap".into(),
                    namespace: Some("default".into()),
                    name: "plans".into(),
                    ..Default::default()
                },
            )
            .map(|_| ())
            .unwrap_err()
            .code,
            cp.delete_collection(
                path,
                &ListOptions {
                    kind: "ConfigMap".into(),
                    ..Default::default()
                },
            )
            .map(|_| ())
            .unwrap_err()
            .code,
            cp.evict(path, "default", "web-x")
                .map(|_| ())
                .unwrap_err()
                .code,
            cp.get_scale(path, &r("ReplicaSet", Some("default"), "web"))
                .map(|_| ())
                .unwrap_err()
                .code,
            cp.scale(path, &r("ReplicaSet", Some("default"), "web"), 9)
                .map(|_| ())
                .unwrap_err()
                .code,
            cp.list_export_content(
                path,
                "x",
                &ListOptions {
                    kind: "Widget".into(),
                    ..Default::default()
                },
            )
            .map(|_| ())
            .unwrap_err()
            .code,
        ];
        codes.dedup();
        assert!(
            codes.iter().all(|c| *c == 400 || *c == 404),
            "{path:?}: {codes:?}"
        );
        assert!(cp.explain(path, "default", "web-x").is_none());
    }
    let e = cp
        .get(
            "root:acme:team-b:..",
            &r("ConfigMap", Some("default"), "plans"),
        )
        .unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (
            400,
            r#"invalid cluster: "root:acme:team-b:.." does not match the regex"#
        )
    );
    let e = cp
        .get(
            "root:acme:team-c",
            &r("ConfigMap", Some("default"), "plans"),
        )
        .unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (
            404,
            r#"workspaces.tenancy.kcp.io "root:acme:team-c" not found"#
        )
    );
    assert_eq!(
        cp.server().store.revision(),
        revision,
        "no call wrote anything"
    );
    assert_eq!(content(&cp, A), before);
}

#[test]
fn the_same_names_in_another_workspace_are_other_objects() {
    let mut cp = setup();
    let before = content(&cp, A);
    // team-b writes objects of the same kinds and names.
    apply(&mut cp, B, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: plans, namespace: default}\ndata: {launch: never}\n");
    cp.delete(
        B,
        &DeleteOptions {
            kind: "ConfigMap".into(),
            namespace: Some("default".into()),
            name: "plans".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        cp.get(B, &r("Secret", Some("default"), "token")).unwrap(),
        None
    );
    assert_eq!(
        cp.delete(
            B,
            &DeleteOptions {
                kind: "Secret".into(),
                namespace: Some("default".into()),
                name: "token".into(),
                ..Default::default()
            }
        )
        .unwrap_err()
        .code,
        404
    );
    assert!(cp
        .delete_collection(
            B,
            &ListOptions {
                kind: "Secret".into(),
                ..Default::default()
            }
        )
        .unwrap()
        .is_empty());
    assert_eq!(
        cp.patch(
            B,
            &r("Secret", Some("default"), "token"),
            &kplane::json!({"data": {}}),
            PatchType::Merge
        )
        .unwrap_err()
        .code,
        404
    );
    assert_eq!(
        cp.scale(B, &r("ReplicaSet", Some("default"), "web"), 0)
            .unwrap_err()
            .code,
        404
    );
    let mut stolen = before
        .iter()
        .find(|(k, _)| &*k.resource == "configmaps" && &*k.name != "kube-root-ca.crt")
        .unwrap()
        .1
        .clone();
    stolen["data"]["launch"] = kplane::json!("never");
    assert_eq!(
        cp.update(B, stolen).unwrap_err().code,
        404,
        "an update names no workspace but its own"
    );
    assert_eq!(content(&cp, A), before);
}

#[test]
fn owner_references_to_another_workspaces_uid_reach_nothing() {
    let mut cp = setup();
    let rs = cp
        .get(A, &r("ReplicaSet", Some("default"), "web"))
        .unwrap()
        .unwrap();
    let rs_uid = object::uid(&rs).to_string();
    let owner = kplane::json!([{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web", "uid": rs_uid.as_str(), "controller": true, "blockOwnerDeletion": true}]);
    // A pod in team-b claims team-a's ReplicaSet as its controller and matches its selector.
    let mut intruder = kplane::json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "intruder", "namespace": "default", "labels": {"app": "web"}},
        "spec": {"containers": [{"name": "c", "image": "busybox"}]}});
    intruder["metadata"]["ownerReferences"] = owner.clone();
    cp.create(B, intruder, &ApplyOptions::default()).unwrap();
    // team-a's ReplicaSet counts only its own two pods, at once (the intruder is not one of
    // its pods), and scaling it down deletes only them.
    let a_pods = cp
        .list_items(
            A,
            &ListOptions {
                kind: "Pod".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(a_pods.len(), 2);
    let rs = cp
        .get(A, &r("ReplicaSet", Some("default"), "web"))
        .unwrap()
        .unwrap();
    assert_eq!(rs["status"]["replicas"], 2);
    cp.scale(A, &r("ReplicaSet", Some("default"), "web"), 0)
        .unwrap();
    cp.advance(60.0).unwrap();
    let rs = cp
        .get(A, &r("ReplicaSet", Some("default"), "web"))
        .unwrap()
        .unwrap();
    assert_eq!(rs["status"]["replicas"], 0);
    // In team-b no object has that uid: to team-b's garbage collector the intruder is an
    // orphan, and it goes (as in any cluster whose pod names an owner that does not exist).
    assert!(cp
        .get(B, &r("Pod", Some("default"), "intruder"))
        .unwrap()
        .is_none());
    // In root, the garbage collector finds no such owner: the pod is an orphan and goes.
    let mut orphan = kplane::json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "orphan", "namespace": "default"}});
    let rs_b = cp
        .get(A, &r("ConfigMap", Some("default"), "plans"))
        .unwrap()
        .unwrap();
    orphan["metadata"]["ownerReferences"] = kplane::json!([{"apiVersion": "v1", "kind": "ConfigMap", "name": "plans", "uid": object::uid(&rs_b)}]);
    cp.create("root", orphan, &ApplyOptions::default()).unwrap();
    cp.advance(5.0).unwrap();
    assert!(cp
        .get("root", &r("ConfigMap", Some("default"), "orphan"))
        .unwrap()
        .is_none());
    assert!(cp
        .get(A, &r("ConfigMap", Some("default"), "plans"))
        .unwrap()
        .is_some());
}

#[test]
fn selectors_watches_and_continue_tokens_stay_in_their_workspace() {
    let mut cp = setup();
    let a_uids = uids(&cp, A);
    apply(&mut cp, B, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: mine, namespace: default, labels: {app: web}}\n");
    // Label and field selectors.
    for (labels, fields) in [
        (Some("app=web"), None),
        (Some("app in (web)"), None),
        (None, Some("metadata.name=plans")),
        (None, Some("metadata.namespace=default")),
    ] {
        for kind in ["ConfigMap", "Secret", "Pod"] {
            let items = cp
                .list_items(
                    B,
                    &ListOptions {
                        kind: kind.into(),
                        label_selector: labels.map(String::from),
                        field_selector: fields.map(String::from),
                        ..Default::default()
                    },
                )
                .unwrap();
            assert!(
                items.iter().all(|i| !a_uids.contains(object::uid(i))),
                "{kind} {labels:?} {fields:?}"
            );
        }
    }
    // Watches: from scratch, from a revision, of one kind or all kinds.
    let rv = cp
        .list(
            B,
            &ListOptions {
                kind: "ConfigMap".into(),
                ..Default::default()
            },
        )
        .unwrap()["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();
    apply(&mut cp, A, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: later, namespace: default, labels: {app: web}}\n");
    let a_uids = uids(&cp, A);
    for kind in [None, Some("ConfigMap"), Some("Pod"), Some("ReplicaSet")] {
        for from in [None, Some(rv.clone()), Some("1".to_string())] {
            let events = cp
                .watch(
                    B,
                    &WatchOptions {
                        kind: kind.map(String::from),
                        resource_version: from.clone(),
                        ..Default::default()
                    },
                )
                .unwrap();
            for e in &events {
                assert!(
                    !a_uids.contains(object::uid(&e.object)) || e.kind == "BOOKMARK",
                    "{kind:?} from {from:?}: {e:?}"
                );
            }
        }
    }
    // A continue token from team-a's list continues within team-b's.
    let page = cp
        .list(
            A,
            &ListOptions {
                kind: "ConfigMap".into(),
                limit: Some(1),
                ..Default::default()
            },
        )
        .unwrap();
    let token = page["metadata"]["continue"].as_str().unwrap().to_string();
    let rest = cp
        .list(
            B,
            &ListOptions {
                kind: "ConfigMap".into(),
                continue_token: Some(token),
                ..Default::default()
            },
        )
        .unwrap();
    for i in rest["items"].as_array().unwrap().iter() {
        assert!(!a_uids.contains(object::uid(i)));
    }
    // A crafted token (any start key) stays in the caller's workspace too.
    let crafted = kplane::api::base64::encode(
        format!(
            r#"{{"v":"meta.k8s.io/v1","rv":{},"start":"\u0000/\u0000"}}"#,
            cp.server().store.revision()
        )
        .as_bytes(),
    );
    if let Ok(l) = cp.list(
        B,
        &ListOptions {
            kind: "ConfigMap".into(),
            continue_token: Some(crafted),
            ..Default::default()
        },
    ) {
        for i in l["items"].as_array().unwrap().iter() {
            assert!(!a_uids.contains(object::uid(i)));
        }
    }
}

#[test]
fn a_budget_in_one_workspace_does_not_guard_pods_of_another() {
    let mut cp = setup();
    // A running pod in root labelled like team-a's pods: team-a's PDB (maxUnavailable 0)
    // does not apply to it.
    apply(&mut cp, "root", "apiVersion: v1\nkind: Pod\nmetadata: {name: web-root, namespace: default, labels: {app: web}}\nspec: {containers: [{name: c, image: nginx}]}\n");
    cp.run_until_settled(Some(60.0)).unwrap();
    let pod = cp
        .get("root", &r("Pod", Some("default"), "web-root"))
        .unwrap()
        .unwrap();
    assert_eq!(pod["status"]["phase"], "Running");
    cp.evict("root", "default", "web-root").unwrap();
}

#[test]
fn kubectl_flags_and_impersonation_do_not_cross_workspaces() {
    let mut cp = setup();
    let before = content(&cp, A);
    let k = |cp: &mut ControlPlane, line: &str| cp.kubectl(line, "");
    let out = k(&mut cp, "ws root:acme:team-b");
    assert_eq!(out.exit_code, 0, "{out:?}");
    assert_eq!(
        out.stdout,
        "Current workspace is 'root:acme:team-b' (type root:team).\n"
    );
    let out = k(&mut cp, "get configmaps");
    assert!(!out.stdout.contains("plans"), "{out:?}");
    for line in [
        "get configmaps --all-namespaces",
        "get configmaps -n default plans",
        "get configmap plans --namespace=default",
        "get secrets -A -o yaml",
        "describe configmap plans",
        "get configmaps --server=https://kplane.local/clusters/root:acme:team-a",
        "get configmaps --cluster=root:acme:team-a",
        "get configmaps --context=team-a",
        "get configmaps --kubeconfig=/etc/kubernetes/team-a",
        "get widgets",
        "delete configmap plans",
        "patch configmap plans -p {\"data\":{\"launch\":\"never\"}}",
        "scale replicaset web --replicas=9",
        "get configmaps -n root:acme:team-a",
    ] {
        let out = k(&mut cp, line);
        assert!(
            !out.stdout.contains("tuesday") && !out.stdout.contains("hunter2"),
            "{line}: {out:?}"
        );
        assert!(
            !out.stdout.contains("plans") || out.exit_code != 0,
            "{line}: {out:?}"
        );
    }
    // `ws` with crafted paths goes nowhere.
    for target in [
        "root:acme:team-b:..:..:..",
        "..:..:..:..",
        "root:acme:team-a:..:team-b:..",
        "root::x",
        "root:acme:team-c",
    ] {
        let _ = k(&mut cp, &format!("ws {target}"));
        let now = cp.kubectl_context().workspace.clone();
        assert!(now.starts_with("root"), "{target}: {now}");
        assert!(cp.server().workspace_exists(&now), "{target}: {now}");
    }
    // Impersonation needs `impersonate`: alice cannot become system:admin.
    k(&mut cp, "ws root:acme:team-a");
    let out = cp.as_user("alice", &[]).kubectl(
        "get configmaps --as system:admin --as-group system:masters",
        "",
    );
    assert_eq!(out.exit_code, 1);
    assert_eq!(
        out.stderr,
        "Error from server (Forbidden): users \"system:admin\" is forbidden: User \"alice\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope\n"
    );
    // system:admin may impersonate alice, who may not read team-a.
    let out = k(&mut cp, "get configmaps --as alice");
    assert_eq!(out.exit_code, 1, "{out:?}");
    assert!(
        out.stderr
            .contains(r#"User "alice" cannot list resource "configmaps""#),
        "{out:?}"
    );
    assert_eq!(cp.user().name, "system:admin");
    assert_eq!(content(&cp, A), before);
}

#[test]
fn snapshots_keep_workspaces_apart_and_crafted_ones_are_refused() {
    let mut cp = setup();
    apply(&mut cp, B, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: plans, namespace: default}\ndata: {launch: never}\n");
    let snap = cp.snapshot();
    let restored = ControlPlane::restore(&snap).unwrap();
    assert_eq!(content(&restored, A), content(&cp, A));
    assert_eq!(content(&restored, B), content(&cp, B));
    let plans = |cp: &ControlPlane, ws: &str| {
        cp.get(ws, &r("ConfigMap", Some("default"), "plans"))
            .unwrap()
            .unwrap()["data"]["launch"]
            .clone()
    };
    assert_eq!(plans(&restored, A), "tuesday");
    assert_eq!(plans(&restored, B), "never");
    // Custom kinds are served where their CRD is, after a restore too.
    assert!(restored
        .get(
            A,
            &ObjectRef {
                api_version: Some("example.com/v1".into()),
                ..r("Widget", Some("default"), "w")
            }
        )
        .unwrap()
        .is_some());
    assert_eq!(
        restored
            .get(
                B,
                &ObjectRef {
                    api_version: Some("example.com/v1".into()),
                    ..r("Widget", Some("default"), "w")
                }
            )
            .unwrap_err()
            .code,
        404
    );
    // A snapshot that moves objects into a crafted or missing workspace is refused.
    let doc: serde_json::Value = serde_json::from_str(&snap).unwrap();
    for target in [
        "root:acme:team-a:..",
        "root::acme",
        "root:acme:ghost",
        "elsewhere",
    ] {
        let mut d = doc.clone();
        for entry in d["store"]["objects"].as_array_mut().unwrap() {
            if entry[0]["workspace"] == B {
                entry[0]["workspace"] = serde_json::json!(target);
            }
        }
        let e = ControlPlane::restore(&d.to_string()).unwrap_err();
        assert_eq!(e.code, 400, "{target}: {}", e.message);
    }
}

#[test]
fn crd_and_workspace_names_do_not_reach_other_workspaces() {
    let mut cp = setup();
    // The Widget kind of team-a is unknown in team-b, in the organization and in root.
    for ws in [B, "root:acme", "root"] {
        let e = cp
            .apply(ws, "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: default}\nspec: {size: small}\n", &ApplyOptions::default())
            .unwrap_err();
        assert_eq!(e.code, 404, "{ws}");
    }
    // team-b's own CRD of the same name and a stricter schema validates team-b's objects only.
    apply(
        &mut cp,
        B,
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.example.com}\nspec:\n  group: example.com\n  scope: Namespaced\n  names: {kind: Widget, plural: widgets}\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, required: [color], properties: {color: {type: string}}}}}}\n",
    );
    let e = cp
        .apply(B, "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: default}\nspec: {size: small}\n", &ApplyOptions::default())
        .unwrap_err();
    assert_eq!(e.code, 422, "{}", e.message);
    cp.apply(A, "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w2, namespace: default}\nspec: {size: big}\n", &ApplyOptions::default())
        .unwrap();
    // Deleting team-b's CRD deletes team-b's widgets only.
    cp.delete(
        B,
        &DeleteOptions {
            api_version: Some("apiextensions.k8s.io/v1".into()),
            kind: "CustomResourceDefinition".into(),
            name: "widgets.example.com".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        cp.server()
            .store
            .list(A, "widgets.example.com", None)
            .count(),
        2
    );
    // Workspace names are path segments: no `..`, `:` or upper case.
    for name in ["..", "a:b", "Team", "a/b", "-a"] {
        let e = cp
            .create(A, kplane::json!({"apiVersion": "tenancy.kcp.io/v1alpha1", "kind": "Workspace", "metadata": {"name": name}, "spec": {"type": {"name": "universal", "path": "root"}}}), &ApplyOptions::default())
            .unwrap_err();
        assert_eq!(e.code, 422, "{name}: {}", e.message);
    }
    // A child named like a sibling is a new, nested workspace.
    let before = content(&cp, B);
    apply(&mut cp, A, "apiVersion: tenancy.kcp.io/v1alpha1\nkind: Workspace\nmetadata: {name: team-b}\nspec: {type: {name: universal, path: root}}\n");
    assert!(cp.server().workspace_exists("root:acme:team-a:team-b"));
    assert_eq!(content(&cp, B), before);
    // An APIBinding cannot point outside the tree with a crafted path.
    let e = cp
        .apply(A, "apiVersion: apis.kcp.io/v1alpha1\nkind: APIBinding\nmetadata: {name: x}\nspec: {reference: {export: {path: 'root:acme:team-b:..', name: x}}}\n", &ApplyOptions::default())
        .unwrap_err();
    assert_eq!(e.code, 422, "{}", e.message);
    // The LogicalCluster that makes a workspace exist is not the user's to delete or forge.
    let e = cp
        .delete(
            A,
            &DeleteOptions {
                api_version: Some("core.kcp.io/v1alpha1".into()),
                kind: "LogicalCluster".into(),
                name: "cluster".into(),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(e.code, 403);
    let e = cp
        .create("root:acme", kplane::json!({"apiVersion": "core.kcp.io/v1alpha1", "kind": "LogicalCluster", "metadata": {"name": "cluster"}}), &ApplyOptions::default())
        .unwrap_err();
    assert_eq!(e.code, 403);
}

#[test]
fn a_forged_owner_annotation_makes_nobody_admin() {
    let mut cp = setup();
    apply(
        &mut cp,
        "root:acme",
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: ws-creator}\nrules:\n- {apiGroups: [tenancy.kcp.io], resources: [workspaces], verbs: [create, patch, get]}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: mallory}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ws-creator}\nsubjects:\n- {apiGroup: rbac.authorization.k8s.io, kind: User, name: mallory}\n",
    );
    cp.as_user("mallory", &[])
        .apply(
            "root:acme",
            "apiVersion: tenancy.kcp.io/v1alpha1\nkind: Workspace\nmetadata:\n  name: trap\n  annotations: {experimental.tenancy.kcp.io/owner: '{\"username\":\"bob\"}'}\nspec: {type: {name: team, path: root}}\n",
            &ApplyOptions::default(),
        )
        .unwrap();
    let crb = cp
        .get(
            "root:acme:trap",
            &ObjectRef {
                api_version: Some("rbac.authorization.k8s.io/v1".into()),
                ..r("ClusterRoleBinding", None, "workspace-admin")
            },
        )
        .unwrap()
        .unwrap();
    assert_eq!(crb["subjects"][0]["name"], "mallory");
    assert_eq!(
        cp.as_user("bob", &[])
            .list(
                "root:acme:trap",
                &ListOptions {
                    kind: "Pod".into(),
                    ..Default::default()
                }
            )
            .unwrap_err()
            .code,
        403
    );
}
