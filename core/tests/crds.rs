//! CustomResourceDefinitions that serve, per workspace: the seed's Prometheus CRD and object
//! applied unchanged, schema errors through apply (a table), pruning and field validation,
//! defaults, status and scale subresources, several versions with a storage version, the
//! Established/NamesAccepted conditions, deletion.
use kplane::api::object;
use kplane::api::Value;
use kplane::{
    ApplyOptions, ControlPlane, DeleteOptions, FieldValidation, ListOptions, ObjectRef, Options,
    PatchType,
};

const CRDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/crds/");

fn example(name: &str) -> String {
    std::fs::read_to_string(format!("{CRDS}{name}")).unwrap()
}

fn plane() -> ControlPlane {
    let mut cp = ControlPlane::new(Options {
        seed: 3,
        ..Default::default()
    })
    .unwrap();
    for ws in ["one", "two"] {
        cp.apply(
            "root",
            &format!("apiVersion: tenancy.kcp.io/v1alpha1\nkind: Workspace\nmetadata: {{name: {ws}}}\nspec: {{type: {{name: universal, path: root}}}}\n"),
            &ApplyOptions::default(),
        )
        .unwrap();
    }
    cp
}

fn get(
    cp: &ControlPlane,
    ws: &str,
    api_version: &str,
    kind: &str,
    ns: Option<&str>,
    name: &str,
) -> Option<Value> {
    cp.get(
        ws,
        &ObjectRef {
            api_version: Some(api_version.into()),
            kind: kind.into(),
            namespace: ns.map(String::from),
            name: name.into(),
        },
    )
    .unwrap()
}

#[test]
fn the_prometheus_crd_and_object_apply_unchanged_in_one_workspace_only() {
    let mut cp = plane();
    let r = cp
        .apply(
            "root:one",
            &example("prometheuses.monitoring.coreos.com.yaml"),
            &ApplyOptions::default(),
        )
        .unwrap();
    assert_eq!(r.objects[0].kind, "CustomResourceDefinition");
    let crd = get(
        &cp,
        "root:one",
        "apiextensions.k8s.io/v1",
        "CustomResourceDefinition",
        None,
        "prometheuses.monitoring.coreos.com",
    )
    .unwrap();
    let conditions: Vec<(String, String, String)> =
        object::array_at(&crd, &["status", "conditions"])
            .iter()
            .map(|c| {
                let f = |k: &str| c[k].as_str().unwrap_or("").to_string();
                (f("type"), f("status"), f("reason"))
            })
            .collect();
    assert_eq!(
        conditions,
        [
            (
                "NamesAccepted".to_string(),
                "True".to_string(),
                "NoConflicts".to_string()
            ),
            (
                "Established".to_string(),
                "True".to_string(),
                "InitialNamesAccepted".to_string()
            ),
        ]
    );
    assert_eq!(crd["status"]["acceptedNames"]["kind"], "Prometheus");
    let r = cp
        .apply(
            "root:one",
            &example("prometheus.yaml"),
            &ApplyOptions::default(),
        )
        .unwrap();
    assert_eq!(r.objects[0].kind, "Prometheus");
    let p = get(
        &cp,
        "root:one",
        "monitoring.coreos.com/v1",
        "Prometheus",
        Some("default"),
        "prometheus",
    )
    .unwrap();
    assert_eq!(p["spec"]["replicas"], 2);
    assert_eq!(p["metadata"]["generation"], 1);
    // Nowhere else: not in the sibling workspace, not in root.
    for ws in ["root:two", "root"] {
        let e = cp
            .apply(ws, &example("prometheus.yaml"), &ApplyOptions::default())
            .unwrap_err();
        assert_eq!(e.code, 404, "{ws}");
        assert_eq!(
            e.message,
            r#"no matches for kind "Prometheus" in version "monitoring.coreos.com/v1""#
        );
    }
}

const WIDGET_CRD: &str = r#"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets, singular: widget, shortNames: [wd]}
  versions:
  - name: v1beta1
    served: true
    storage: false
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            x-kubernetes-preserve-unknown-fields: true
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
      scale:
        specReplicasPath: .spec.replicas
        statusReplicasPath: .status.replicas
        labelSelectorPath: .status.selector
    additionalPrinterColumns:
    - {name: Size, type: string, jsonPath: .spec.size}
    - {name: Replicas, type: integer, jsonPath: .spec.replicas}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {type: string, enum: [small, medium, large]}
              replicas: {type: integer, minimum: 1, maximum: 5, default: 1}
              name: {type: string, pattern: '^[a-z]+$'}
              color: {type: string, default: blue}
              port: {x-kubernetes-int-or-string: true}
              note: {type: string, nullable: true}
              extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
          status:
            type: object
            properties:
              replicas: {type: integer}
              selector: {type: string}
"#;

fn widgets() -> ControlPlane {
    let mut cp = plane();
    cp.apply("root:one", WIDGET_CRD, &ApplyOptions::default())
        .unwrap();
    cp
}

fn widget(spec: &str) -> String {
    format!("apiVersion: example.com/v1\nkind: Widget\nmetadata: {{name: w, namespace: default}}\nspec: {spec}\n")
}

/// A cause of a 422: field, reason, message.
type Cause<'a> = (&'a str, &'a str, &'a str);

#[test]
fn schema_errors_through_apply_are_422_with_field_paths() {
    // (spec, [(field, reason, message)]): kube-openapi's validation as the apiserver reports it.
    let table: &[(&str, &[Cause])] = &[
        ("{}", &[("spec.size", "FieldValueRequired", "Required value")]),
        (
            "{size: huge}",
            &[("spec.size", "FieldValueNotSupported", r#"Unsupported value: "huge": supported values: "small", "medium", "large""#)],
        ),
        (
            "{size: small, replicas: 0}",
            &[("spec.replicas", "FieldValueInvalid", "Invalid value: 0: spec.replicas in body should be greater than or equal to 1")],
        ),
        (
            "{size: small, replicas: 9}",
            &[("spec.replicas", "FieldValueInvalid", "Invalid value: 9: spec.replicas in body should be less than or equal to 5")],
        ),
        (
            // The replicas path of the scale subresource is checked too (ValidateScaleSpec).
            "{size: small, replicas: two}",
            &[
                ("spec.replicas", "FieldValueTypeInvalid", r#"Invalid value: "string": spec.replicas in body must be of type integer: "string""#),
                (".spec.replicas", "FieldValueInvalid", "Invalid value: 0: .spec.replicas accessor error: two is of the type string, expected int64"),
            ],
        ),
        (
            "{size: small, name: Bad_Name}",
            &[("spec.name", "FieldValueInvalid", r#"Invalid value: "Bad_Name": spec.name in body should match '^[a-z]+$'"#)],
        ),
        (
            "{size: small, color: 3}",
            &[("spec.color", "FieldValueTypeInvalid", r#"Invalid value: "integer": spec.color in body must be of type string: "integer""#)],
        ),
    ];
    for (spec, want) in table {
        let mut cp = widgets();
        let e = cp
            .apply("root:one", &widget(spec), &ApplyOptions::default())
            .unwrap_err();
        assert_eq!(
            (e.code, e.reason.as_str()),
            (422, "Invalid"),
            "{spec}: {}",
            e.message
        );
        let causes: Vec<(String, String, String)> = e
            .details
            .unwrap()
            .causes
            .into_iter()
            .map(|c| (c.field, c.reason, c.message))
            .collect();
        let want: Vec<(String, String, String)> = want
            .iter()
            .map(|(f, r, m)| (f.to_string(), r.to_string(), m.to_string()))
            .collect();
        assert_eq!(causes, want, "{spec}");
        assert!(
            e.message
                .starts_with(r#"Widget.example.com "w" is invalid: "#),
            "{}",
            e.message
        );
    }
    // What the schema allows: int-or-string either way, a null where nullable, anything under
    // preserve-unknown-fields.
    let mut cp = widgets();
    for spec in [
        "{size: small, port: 8080}",
        "{size: small, port: http}",
        "{size: small, note: null}",
        "{size: small, extra: {any: [1, {deep: true}]}}",
    ] {
        cp.apply("root:one", &widget(spec), &ApplyOptions::default())
            .unwrap_or_else(|e| panic!("{spec}: {}", e.message));
    }
}

#[test]
fn unknown_fields_are_pruned_with_warnings_or_refused_when_strict() {
    let mut cp = widgets();
    let r = cp
        .apply(
            "root:one",
            &widget("{size: small, bogus: 1, extra: {kept: 1}}"),
            &ApplyOptions::default(),
        )
        .unwrap();
    assert_eq!(r.warnings, [r#"unknown field "spec.bogus""#]);
    let w = get(
        &cp,
        "root:one",
        "example.com/v1",
        "Widget",
        Some("default"),
        "w",
    )
    .unwrap();
    assert!(w["spec"].get("bogus").is_none());
    assert_eq!(w["spec"]["extra"]["kept"], 1);
    // Defaults.
    assert_eq!(w["spec"]["replicas"], 1);
    assert_eq!(w["spec"]["color"], "blue");
    let e = cp
        .apply(
            "root:one",
            &widget("{size: small, bogus: 1}"),
            &ApplyOptions {
                field_validation: Some(FieldValidation::Strict),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(e.code, 400);
    assert_eq!(
        e.message,
        r#"Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.bogus""#
    );
}

#[test]
fn status_and_scale_subresources() {
    let mut cp = widgets();
    cp.apply(
        "root:one",
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: default}\nspec: {size: small, replicas: 2}\nstatus: {replicas: 7}\n",
        &ApplyOptions::default(),
    )
    .unwrap();
    let w = get(
        &cp,
        "root:one",
        "example.com/v1",
        "Widget",
        Some("default"),
        "w",
    )
    .unwrap();
    assert!(
        w.get("status").is_none(),
        "status is reset on create: {w:?}"
    );
    let mut st = w.clone();
    st["status"] = kplane::json!({"replicas": 2, "selector": "app=w"});
    st["spec"]["size"] = kplane::json!("large");
    let after = cp.update_status("root:one", st).unwrap();
    assert_eq!(after["status"]["replicas"], 2);
    assert_eq!(
        after["spec"]["size"], "small",
        "a /status write ignores spec"
    );
    assert_eq!(after["metadata"]["generation"], 1);
    let mut bad = after.clone();
    bad["status"]["replicas"] = kplane::json!("many");
    let e = cp.update_status("root:one", bad).unwrap_err();
    assert_eq!(e.code, 422);
    assert_eq!(
        e.message,
        r#"Widget.example.com "w" is invalid: [status.replicas: Invalid value: "string": replicas in body must be of type integer: "string", .status.replicas: Invalid value: 0: .status.replicas accessor error: many is of the type string, expected int64]"#
    );
    let r = ObjectRef {
        api_version: Some("example.com/v1".into()),
        kind: "Widget".into(),
        namespace: Some("default".into()),
        name: "w".into(),
    };
    let scale = cp.get_scale("root:one", &r).unwrap();
    assert_eq!(scale["kind"], "Scale");
    assert_eq!(scale["apiVersion"], "autoscaling/v1");
    assert_eq!(scale["spec"]["replicas"], 2);
    assert_eq!(
        scale["status"],
        kplane::json!({"replicas": 2, "selector": "app=w"})
    );
    let scaled = cp.scale("root:one", &r, 4).unwrap();
    assert_eq!(scaled["spec"]["replicas"], 4);
    let w = get(
        &cp,
        "root:one",
        "example.com/v1",
        "Widget",
        Some("default"),
        "w",
    )
    .unwrap();
    assert_eq!(w["spec"]["replicas"], 4);
    assert_eq!(w["metadata"]["generation"], 2);
    // A spec write bumps the generation and keeps the status.
    let mut spec = w.clone();
    spec["spec"]["size"] = kplane::json!("medium");
    spec["status"] = kplane::json!({"replicas": 99});
    let w = cp.update("root:one", spec).unwrap();
    assert_eq!(w["status"]["replicas"], 2);
    assert_eq!(w["metadata"]["generation"], 3);
    // Strategic merge patches are not for custom resources.
    let e = cp
        .patch(
            "root:one",
            &r,
            &kplane::json!({"spec": {"size": "large"}}),
            PatchType::Strategic,
        )
        .unwrap_err();
    assert_eq!(e.code, 415);
    let w = cp
        .patch(
            "root:one",
            &r,
            &kplane::json!({"spec": {"size": "large"}}),
            PatchType::Merge,
        )
        .unwrap();
    assert_eq!(w["spec"]["size"], "large");
}

#[test]
fn several_versions_share_the_storage_version() {
    let mut cp = widgets();
    cp.apply(
        "root:one",
        "apiVersion: example.com/v1beta1\nkind: Widget\nmetadata: {name: old, namespace: default}\nspec: {size: small, anything: goes}\n",
        &ApplyOptions::default(),
    )
    .unwrap();
    // Stored in v1, read in either version.
    let stored = cp
        .server()
        .store
        .list("root:one", "widgets.example.com", None)
        .next()
        .unwrap()
        .1
        .clone();
    assert_eq!(stored["apiVersion"], "example.com/v1");
    let v1beta1 = get(
        &cp,
        "root:one",
        "example.com/v1beta1",
        "Widget",
        Some("default"),
        "old",
    )
    .unwrap();
    assert_eq!(v1beta1["apiVersion"], "example.com/v1beta1");
    let v1 = get(
        &cp,
        "root:one",
        "example.com/v1",
        "Widget",
        Some("default"),
        "old",
    )
    .unwrap();
    assert_eq!(v1["apiVersion"], "example.com/v1");
    let list = cp
        .list(
            "root:one",
            &ListOptions {
                api_version: Some("example.com/v1beta1".into()),
                kind: "Widget".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(list["kind"], "WidgetList");
    assert_eq!(list["items"][0]["apiVersion"], "example.com/v1beta1");
}

#[test]
fn conflicting_names_are_not_accepted() {
    let mut cp = widgets();
    cp.apply(
        "root:one",
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: gadgets.example.com}\nspec:\n  group: example.com\n  scope: Namespaced\n  names: {kind: Gadget, plural: gadgets, shortNames: [wd]}\n  versions:\n  - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}\n",
        &ApplyOptions::default(),
    )
    .unwrap();
    let crd = get(
        &cp,
        "root:one",
        "apiextensions.k8s.io/v1",
        "CustomResourceDefinition",
        None,
        "gadgets.example.com",
    )
    .unwrap();
    let names_accepted = object::array_at(&crd, &["status", "conditions"])
        .iter()
        .find(|c| c["type"] == "NamesAccepted")
        .cloned()
        .unwrap();
    assert_eq!(names_accepted["status"], "False");
    assert_eq!(names_accepted["reason"], "ShortNamesConflict");
    assert_eq!(names_accepted["message"], r#""wd" is already in use"#);
    // The same CRD in another workspace is fine: names are per workspace.
    cp.apply("root:two", WIDGET_CRD, &ApplyOptions::default())
        .unwrap();
    let other = get(
        &cp,
        "root:two",
        "apiextensions.k8s.io/v1",
        "CustomResourceDefinition",
        None,
        "widgets.example.com",
    )
    .unwrap();
    assert!(object::array_at(&other, &["status", "conditions"])
        .iter()
        .any(|c| c["type"] == "Established" && c["status"] == "True"));
}

#[test]
fn an_invalid_crd_is_refused_with_upstreams_422() {
    let mut cp = plane();
    let e = cp
        .apply(
            "root:one",
            "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: things.example.com}\nspec:\n  group: example.com\n  scope: Namespaced\n  names: {kind: Thing, plural: things}\n  versions:\n  - {name: v1, served: true, storage: false, schema: {openAPIV3Schema: {type: object}}}\n",
            &ApplyOptions::default(),
        )
        .unwrap_err();
    assert_eq!(e.code, 422);
    assert!(
        e.message.starts_with(
            r#"CustomResourceDefinition.apiextensions.k8s.io "things.example.com" is invalid: "#
        ),
        "{}",
        e.message
    );
    assert!(
        e.message.contains("spec.versions: Invalid value"),
        "{}",
        e.message
    );
}

#[test]
fn deleting_a_crd_deletes_its_objects_and_stops_serving() {
    let mut cp = widgets();
    cp.apply(
        "root:one",
        &widget("{size: small}"),
        &ApplyOptions::default(),
    )
    .unwrap();
    cp.delete(
        "root:one",
        &DeleteOptions {
            api_version: Some("apiextensions.k8s.io/v1".into()),
            kind: "CustomResourceDefinition".into(),
            name: "widgets.example.com".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(get(
        &cp,
        "root:one",
        "apiextensions.k8s.io/v1",
        "CustomResourceDefinition",
        None,
        "widgets.example.com"
    )
    .is_none());
    assert_eq!(
        cp.server()
            .store
            .list("root:one", "widgets.example.com", None)
            .count(),
        0
    );
    let e = cp
        .apply(
            "root:one",
            &widget("{size: small}"),
            &ApplyOptions::default(),
        )
        .unwrap_err();
    assert_eq!(e.code, 404);
}

#[test]
fn a_crd_never_shadows_a_built_in_kind() {
    let mut cp = plane();
    // A CRD may be named like a built-in kind in its own group; `v1 Pod` stays the built-in.
    cp.apply(
        "root:one",
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: pods.example.com}\nspec:\n  group: example.com\n  scope: Namespaced\n  names: {kind: Pod, plural: pods}\n  versions:\n  - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}\n",
        &ApplyOptions::default(),
    )
    .unwrap();
    cp.apply(
        "root:one",
        "apiVersion: example.com/v1\nkind: Pod\nmetadata: {name: p, namespace: default}\nspec: {anything: 1}\n",
        &ApplyOptions::default(),
    )
    .unwrap();
    let custom = get(
        &cp,
        "root:one",
        "example.com/v1",
        "Pod",
        Some("default"),
        "p",
    )
    .unwrap();
    assert_eq!(
        custom["spec"],
        kplane::json!({"anything": 1}),
        "no pod defaults on a custom Pod"
    );
    assert!(get(&cp, "root:one", "v1", "Pod", Some("default"), "p").is_none());
    assert!(cp
        .server()
        .store
        .list("root:one", "pods", None)
        .next()
        .is_none());
}
