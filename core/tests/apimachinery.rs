//! API machinery behaviours: namespaces, finalizers, the status subresource, Events,
//! generation, label and field selectors.
use kplane::api::object;
use kplane::json;
use kplane::{
    ApplyOptions, ControlPlane, DeleteOptions, ListOptions, ObjectRef, Options, PatchType,
    WatchOptions,
};

fn plane() -> ControlPlane {
    ControlPlane::new(Options {
        seed: 1,
        ..Default::default()
    })
    .unwrap()
}

fn cm(cp: &ControlPlane, ns: &str, name: &str) -> Option<kplane::api::Value> {
    cp.get(
        "root",
        &ObjectRef {
            kind: "ConfigMap".into(),
            namespace: Some(ns.into()),
            name: name.into(),
            ..Default::default()
        },
    )
    .unwrap()
}

#[test]
fn deleting_a_namespace_terminates_then_removes_its_contents() {
    let mut cp = plane();
    cp.apply(
        "root",
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: team, finalizers: [example.com/hold]}\n",
        &ApplyOptions::default(),
    )
    .unwrap();
    cp.delete(
        "root",
        &DeleteOptions {
            kind: "Namespace".into(),
            name: "team".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let ns = cp
        .get(
            "root",
            &ObjectRef {
                kind: "Namespace".into(),
                name: "team".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .unwrap();
    assert_eq!(ns["status"]["phase"], "Terminating");
    // New content is refused while it terminates.
    let e = cp
        .apply(
            "root",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: team}\n",
            &ApplyOptions::default(),
        )
        .unwrap_err();
    assert_eq!(e.code, 403);
    assert_eq!(e.message, "configmaps \"b\" is forbidden: unable to create new content in namespace team because it is being terminated");
    // The finalizer holds the ConfigMap, and so the namespace, until it is lifted.
    let held = cm(&cp, "team", "a").unwrap();
    assert!(held["metadata"]["deletionTimestamp"].is_string());
    let r = ObjectRef {
        kind: "ConfigMap".into(),
        namespace: Some("team".into()),
        name: "a".into(),
        ..Default::default()
    };
    cp.patch(
        "root",
        &r,
        &json!({"metadata": {"finalizers": null}}),
        PatchType::Merge,
    )
    .unwrap();
    cp.advance(1.0).unwrap();
    assert!(cm(&cp, "team", "a").is_none());
    assert!(cp
        .get(
            "root",
            &ObjectRef {
                kind: "Namespace".into(),
                name: "team".into(),
                ..Default::default()
            }
        )
        .unwrap()
        .is_none());
}

#[test]
fn user_writes_ignore_status_and_generation_tracks_spec() {
    let mut cp = plane();
    let d = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 0\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx}]}\nstatus: {replicas: 99}\n";
    cp.apply("root", d, &ApplyOptions::default()).unwrap();
    let r = ObjectRef {
        kind: "Deployment".into(),
        name: "web".into(),
        ..Default::default()
    };
    let got = cp.get("root", &r).unwrap().unwrap();
    assert!(
        got["status"].get("replicas").is_none(),
        "status given by a user is ignored"
    );
    assert_eq!(got["metadata"]["generation"], 1);
    cp.patch(
        "root",
        &r,
        &json!({"metadata": {"labels": {"x": "y"}}}),
        PatchType::Merge,
    )
    .unwrap();
    assert_eq!(
        cp.get("root", &r).unwrap().unwrap()["metadata"]["generation"],
        1,
        "metadata changes keep the generation"
    );
    cp.patch(
        "root",
        &r,
        &json!({"spec": {"replicas": 1}}),
        PatchType::Merge,
    )
    .unwrap();
    assert_eq!(
        cp.get("root", &r).unwrap().unwrap()["metadata"]["generation"],
        2
    );
}

#[test]
fn events_are_deduplicated_with_counts() {
    let mut cp = plane();
    let d = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx, resources: {requests: {cpu: '64'}}}]}\n";
    cp.apply("root", &format!("apiVersion: v1\nkind: Node\nmetadata: {{name: n1}}\nstatus: {{capacity: {{cpu: '4', memory: 8Gi, pods: '110'}}}}\n---\n{d}"), &ApplyOptions::default()).unwrap();
    // The pending pod is retried when the cluster changes; each identical failure bumps the
    // same Event's count.
    let n1 = ObjectRef {
        kind: "Node".into(),
        name: "n1".into(),
        ..Default::default()
    };
    for i in 0..3 {
        cp.patch(
            "root",
            &n1,
            &json!({"metadata": {"labels": {"round": i.to_string()}}}),
            PatchType::Merge,
        )
        .unwrap();
        cp.advance(11.0).unwrap();
    }
    let events = cp
        .list_items(
            "root",
            &ListOptions {
                kind: "Event".into(),
                field_selector: Some("reason=FailedScheduling".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let counts: Vec<i64> = events
        .iter()
        .map(|e| e["count"].as_i64().unwrap())
        .collect();
    assert_eq!(counts, vec![4], "one Event, counted");
    let e = &events[0];
    assert_ne!(e["firstTimestamp"], e["lastTimestamp"]);
}

#[test]
fn selectors_on_list_and_watch() {
    let mut cp = plane();
    for (name, tier) in [("a", "front"), ("b", "back"), ("c", "front")] {
        cp.apply("root", &format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}, labels: {{tier: {tier}}}}}\n"), &ApplyOptions::default()).unwrap();
    }
    let front = cp
        .list_items(
            "root",
            &ListOptions {
                kind: "ConfigMap".into(),
                label_selector: Some("tier in (front),tier!=back".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        front
            .iter()
            .map(|o| object::name(o).to_string())
            .collect::<Vec<_>>(),
        ["a", "c"]
    );
    let named = cp
        .list_items(
            "root",
            &ListOptions {
                kind: "ConfigMap".into(),
                field_selector: Some("metadata.name=b".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(named.len(), 1);
    let e = cp
        .list_items(
            "root",
            &ListOptions {
                kind: "ConfigMap".into(),
                field_selector: Some("data.x=1".into()),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (400, "field label not supported: data.x")
    );
    let events = cp
        .watch(
            "root",
            &WatchOptions {
                kind: Some("ConfigMap".into()),
                label_selector: Some("tier=front".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(events.len(), 3, "two ADDED and a BOOKMARK");
    assert_eq!(events[2].kind, "BOOKMARK");
}

#[test]
fn bad_input_is_a_status_never_a_panic() {
    let mut cp = plane();
    for bad in [
        "",
        "---\n",
        "just a string",
        "- 1\n- 2\n",
        "{\"kind\": 5}",
        "apiVersion: v1\nkind: Pod\nmetadata: 7\n",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {containers: 5}\n",
        "\u{0}\u{1}",
    ] {
        let r = cp.apply("root", bad, &ApplyOptions::default());
        if let Err(e) = r {
            assert!(e.code >= 400 && e.code < 500, "{bad:?}: {e:?}");
        }
    }
}

#[test]
fn events_expire_an_hour_after_their_last_write() {
    let mut cp = plane();
    let n = "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nstatus: {capacity: {cpu: '4', memory: 8Gi, pods: '110'}}\n";
    cp.apply("root", n, &ApplyOptions::default()).unwrap();
    let events = |cp: &ControlPlane| {
        cp.list_items(
            "root",
            &ListOptions {
                kind: "Event".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .len()
    };
    cp.advance(10.0).unwrap();
    let before = events(&cp);
    assert!(before > 0, "node registration leaves Events");
    let rv = cp.server().store.revision();
    // kube-apiserver's --event-ttl is 1 h: still there just before, gone just after.
    cp.advance(3580.0).unwrap();
    assert_eq!(events(&cp), before);
    cp.advance(30.0).unwrap();
    assert_eq!(events(&cp), 0);
    // Each expiry is a deletion a watch sees.
    let deleted = cp
        .watch(
            "root",
            &WatchOptions {
                kind: Some("Event".into()),
                resource_version: Some(rv.to_string()),
                ..Default::default()
            },
        )
        .unwrap()
        .iter()
        .filter(|e| e.kind == "DELETED")
        .count();
    assert_eq!(deleted, before);
}

#[test]
fn lists_page_with_limit_and_continue() {
    let mut cp = plane();
    let mut docs = String::new();
    for i in 0..25 {
        docs.push_str(&format!(
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: cm-{i:02}, labels: {{even: '{}'}}}}\n",
            i % 2 == 0
        ));
    }
    cp.apply("root", &docs, &ApplyOptions::default()).unwrap();
    let page = |cp: &ControlPlane, token: Option<String>, selector: Option<&str>| {
        cp.list(
            "root",
            &ListOptions {
                kind: "ConfigMap".into(),
                namespace: Some("default".into()),
                label_selector: selector.map(String::from),
                limit: Some(10),
                continue_token: token,
                ..Default::default()
            },
        )
        .unwrap()
    };
    let mut names = Vec::new();
    let mut token = None;
    let mut pages = 0;
    loop {
        let l = page(&cp, token.clone(), None);
        pages += 1;
        names.extend(
            l["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["metadata"]["name"].as_str().unwrap().to_string()),
        );
        match l["metadata"]["continue"].as_str() {
            Some(t) => {
                let left = l["metadata"]["remainingItemCount"].as_i64().unwrap();
                // 25 and the namespace's kube-root-ca.crt.
                assert_eq!(left as usize, 26 - names.len());
                token = Some(t.to_string());
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let mut want: Vec<String> = (0..25).map(|i| format!("cm-{i:02}")).collect();
    want.push("kube-root-ca.crt".into());
    assert_eq!(names, want);
    // With a selector, a page holds `limit` matching items; no remainingItemCount.
    let l = page(&cp, None, Some("even=true"));
    assert_eq!(l["items"].as_array().unwrap().len(), 10);
    assert!(l["metadata"]["remainingItemCount"].is_null());
    let rest = page(
        &cp,
        l["metadata"]["continue"].as_str().map(String::from),
        Some("even=true"),
    );
    assert_eq!(rest["items"].as_array().unwrap().len(), 3);
    // A bad token is a 400, as the API server says it.
    let bad = cp
        .list(
            "root",
            &ListOptions {
                kind: "ConfigMap".into(),
                continue_token: Some("!!".into()),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(bad.code, 400);
    assert!(
        bad.message.starts_with("continue key is not valid"),
        "{}",
        bad.message
    );
}

fn get(
    cp: &ControlPlane,
    api_version: Option<&str>,
    kind: &str,
    ns: &str,
    name: &str,
) -> kplane::api::Value {
    cp.get(
        "root",
        &ObjectRef {
            api_version: api_version.map(String::from),
            kind: kind.into(),
            namespace: Some(ns.into()),
            name: name.into(),
        },
    )
    .unwrap()
    .unwrap_or_else(|| panic!("{kind} {ns}/{name}"))
}

/// The last-applied annotation the server writes on `apply` is the one kubectl computes
/// (`GetModifiedConfiguration`): keys sorted, `"annotations":{}` kept, HTML-safe escapes and a
/// trailing newline. The expected text is what kubectl 1.32 prints for
/// `kubectl create --save-config --dry-run=client -o json` of the same manifest.
#[test]
fn apply_records_the_last_applied_configuration_kubectl_computes() {
    let mut cp = plane();
    cp.apply(
        "root",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: {b: \"1\", a: \"2\"}\ndata: {z: \"1\", a: \"<&>\"}\n",
        &ApplyOptions {
            mode: kplane::ApplyMode::ClientSide,
            ..Default::default()
        },
    )
    .unwrap();
    let c = cm(&cp, "default", "x").unwrap();
    assert_eq!(
        c["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"],
        "{\"apiVersion\":\"v1\",\"data\":{\"a\":\"\\u003c\\u0026\\u003e\",\"z\":\"1\"},\"kind\":\"ConfigMap\",\"metadata\":{\"annotations\":{},\"labels\":{\"a\":\"2\",\"b\":\"1\"},\"name\":\"x\",\"namespace\":\"default\"}}\n"
    );
    // The same text through kubectl apply, and a second apply changes nothing.
    let out = cp.kubectl(
        "apply -f -",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: {b: \"1\", a: \"2\"}\ndata: {z: \"1\", a: \"<&>\"}\n",
    );
    assert_eq!(out.stdout, "configmap/x unchanged\n", "{}", out.stderr);
}

/// `Convert_v1_Secret_To_core_Secret`: `stringData` is merged into `data` (base64, winning
/// over `data`) and not stored; `type` defaults to `Opaque` (`SetDefaults_Secret`).
#[test]
fn secrets_merge_string_data_into_data_and_default_their_type() {
    let mut cp = plane();
    cp.apply(
        "root",
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {a: b2xk, keep: eA==}\nstringData: {a: hello, b: world}\n",
        &ApplyOptions::default(),
    )
    .unwrap();
    let s = get(&cp, None, "Secret", "default", "s");
    assert_eq!(s["type"], "Opaque");
    assert!(s.get("stringData").is_none(), "{s}");
    assert_eq!(
        s["data"],
        json!({"a": "aGVsbG8=", "keep": "eA==", "b": "d29ybGQ="})
    );
    let out = cp.kubectl("get secret s", "");
    assert_eq!(
        out.stdout,
        "NAME   TYPE     DATA   AGE\ns      Opaque   3      0s\n"
    );
}

/// The apiserver serves HorizontalPodAutoscalers in autoscaling/v1 and v2 and converts between
/// them (pkg/apis/autoscaling/v1/conversion.go): a v2 object reads as v1 with
/// `targetCPUUtilizationPercentage`, and a v1 object reads as v2 with a Resource metric.
#[test]
fn hpas_read_in_the_version_asked_for() {
    let mut cp = plane();
    cp.apply(
        "root",
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: two}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 1\n  maxReplicas: 5\n  metrics:\n  - type: Resource\n    resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}\n---\napiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata: {name: one}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 3\n  targetCPUUtilizationPercentage: 50\n",
        &ApplyOptions::default(),
    )
    .unwrap();
    let list = cp
        .list(
            "root",
            &ListOptions {
                api_version: Some("autoscaling/v1".into()),
                kind: "HorizontalPodAutoscaler".into(),
                namespace: Some("default".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(list["apiVersion"], "autoscaling/v1");
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    for h in items {
        assert_eq!(h["apiVersion"], "autoscaling/v1", "{h}");
        assert!(h["spec"].get("metrics").is_none(), "{h}");
    }
    let two = items
        .iter()
        .find(|h| h["metadata"]["name"] == "two")
        .unwrap();
    assert_eq!(two["spec"]["targetCPUUtilizationPercentage"], 70);
    let one = get(
        &cp,
        Some("autoscaling/v2"),
        "HorizontalPodAutoscaler",
        "default",
        "one",
    );
    assert_eq!(one["apiVersion"], "autoscaling/v2");
    assert_eq!(
        one["spec"]["metrics"],
        json!([{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}}])
    );
}
