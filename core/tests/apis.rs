//! KCP API sharing: the platform team exports the Database API (examples/workspaces/
//! database-api.yaml), two teams bind it, the exporter lists their objects; the identity hash
//! keeps a same-named API of another export apart; binding conditions and naming conflicts.
use kplane::api::object;
use kplane::api::Value;
use kplane::{ApplyOptions, ControlPlane, ListOptions, ObjectRef, Options};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/workspaces/");

fn example(name: &str) -> String {
    std::fs::read_to_string(format!("{EXAMPLES}{name}")).unwrap()
}

fn apply(cp: &mut ControlPlane, ws: &str, text: &str) {
    cp.apply(ws, text, &ApplyOptions::default())
        .unwrap_or_else(|e| panic!("in {ws}: {}", e.message));
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

fn binding(cp: &ControlPlane, ws: &str, name: &str) -> Value {
    get(cp, ws, "apis.kcp.io/v1alpha1", "APIBinding", None, name).unwrap()
}

fn condition(v: &Value, t: &str) -> (String, String, String) {
    let c = object::array_at(v, &["status", "conditions"])
        .iter()
        .find(|c| c["type"] == t)
        .cloned()
        .unwrap_or_default();
    let f = |k: &str| c.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    (f("status"), f("reason"), f("message"))
}

/// root:acme with team-a, team-b and platform; the Database API exported from platform.
fn platform() -> ControlPlane {
    let mut cp = ControlPlane::new(Options {
        seed: 11,
        ..Default::default()
    })
    .unwrap();
    apply(&mut cp, "root", &example("organization.yaml"));
    apply(&mut cp, "root:acme", &example("teams.yaml"));
    apply(&mut cp, "root:acme", &example("platform.yaml"));
    apply(&mut cp, "root:acme:platform", &example("database-api.yaml"));
    cp
}

#[test]
fn an_export_gets_an_identity() {
    let cp = platform();
    let export = get(
        &cp,
        "root:acme:platform",
        "apis.kcp.io/v1alpha1",
        "APIExport",
        None,
        "databases",
    )
    .unwrap();
    let hash = export["status"]["identityHash"].as_str().unwrap();
    assert_eq!(hash.len(), 64);
    assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(
        export["spec"]["identity"]["secretRef"],
        kplane::json!({"name": "databases", "namespace": "kcp-system"})
    );
    // The hash is the SHA-256 of the key the Secret holds.
    let secret = get(
        &cp,
        "root:acme:platform",
        "v1",
        "Secret",
        Some("kcp-system"),
        "databases",
    )
    .unwrap();
    let key = kplane::api::base64::decode(secret["data"]["key"].as_str().unwrap()).unwrap();
    assert_eq!(kplane::api::sha256::hex(&key), hash);
    assert_eq!(condition(&export, "IdentityValid").0, "True");
    assert_eq!(
        export["status"]["virtualWorkspaces"][0]["url"],
        "https://kplane.local/services/apiexport/root:acme:platform/databases"
    );
}

#[test]
fn two_teams_bind_the_platform_api_and_the_platform_sees_their_objects() {
    let mut cp = platform();
    // A member of acme-developers may bind; someone else may not (kcp's message does not say
    // whether the export exists).
    let e = cp
        .as_user("mallory", &[])
        .apply(
            "root:acme:team-a",
            &example("database-binding.yaml"),
            &ApplyOptions::default(),
        )
        .unwrap_err();
    assert_eq!(e.code, 403);
    // mallory is not even allowed to patch APIBindings in team-a: RBAC stops her first.
    assert!(
        e.message.contains("cannot patch resource \"apibindings\""),
        "{}",
        e.message
    );
    for team in ["root:acme:team-a", "root:acme:team-b"] {
        // The team's admin binds as a member of acme-developers.
        cp.as_user("bob", &["acme-developers", "system:masters"])
            .apply(
                team,
                &example("database-binding.yaml"),
                &ApplyOptions::default(),
            )
            .unwrap();
        let b = binding(&cp, team, "databases");
        assert_eq!(b["status"]["phase"], "Bound", "{team}");
        for c in [
            "APIExportValid",
            "InitialBindingCompleted",
            "BindingUpToDate",
            "Ready",
        ] {
            assert_eq!(condition(&b, c).0, "True", "{team} {c}");
        }
        let export = get(
            &cp,
            "root:acme:platform",
            "apis.kcp.io/v1alpha1",
            "APIExport",
            None,
            "databases",
        )
        .unwrap();
        assert_eq!(
            b["status"]["boundResources"][0]["group"],
            "platform.acme.io"
        );
        assert_eq!(b["status"]["boundResources"][0]["resource"], "databases");
        assert_eq!(
            b["status"]["boundResources"][0]["schema"]["identityHash"],
            export["status"]["identityHash"]
        );
        apply(&mut cp, team, &example("database.yaml"));
        let db = get(
            &cp,
            team,
            "platform.acme.io/v1",
            "Database",
            Some("default"),
            "orders",
        )
        .unwrap();
        // The schema's defaults apply.
        assert_eq!(
            db["spec"],
            kplane::json!({"engine": "postgres", "size": "small", "replicas": 1})
        );
        // And its validation.
        let e = cp
            .apply(
                team,
                "apiVersion: platform.acme.io/v1\nkind: Database\nmetadata: {name: bad, namespace: default}\nspec: {engine: oracle}\n",
                &ApplyOptions::default(),
            )
            .unwrap_err();
        assert_eq!(e.code, 422);
        assert_eq!(
            e.message,
            r#"Database.platform.acme.io "bad" is invalid: spec.engine: Unsupported value: "oracle": supported values: "postgres", "mysql""#
        );
    }
    // Not served where it is not bound: the organization, the exporter itself.
    for ws in ["root:acme", "root:acme:platform"] {
        let e = cp
            .apply(ws, &example("database.yaml"), &ApplyOptions::default())
            .unwrap_err();
        assert_eq!(e.code, 404, "{ws}");
    }
    // The virtual workspace: the platform lists every consumer's Databases.
    let content = cp
        .list_export_content(
            "root:acme:platform",
            "databases",
            &ListOptions {
                kind: "Database".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(content["kind"], "DatabaseList");
    let from: Vec<(String, String)> = content["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["metadata"]["annotations"]["kcp.io/cluster"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                object::name(i).to_string(),
            )
        })
        .collect();
    assert_eq!(
        from,
        [
            ("root:acme:team-a".to_string(), "orders".to_string()),
            ("root:acme:team-b".to_string(), "orders".to_string())
        ]
    );
    // A team member cannot read the export's content.
    let e = cp
        .as_user("bob", &["acme-developers"])
        .list_export_content(
            "root:acme:platform",
            "databases",
            &ListOptions {
                kind: "Database".into(),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(e.code, 403);
    assert_eq!(
        e.message,
        r#"apiexports.apis.kcp.io "databases" is forbidden: User "bob" cannot list resource "apiexports/content" in API group "apis.kcp.io" at the cluster scope"#
    );
}

#[test]
fn binding_needs_bind_on_the_export() {
    let mut cp = platform();
    // eve administers team-a (so RBAC lets her write APIBindings there) but is not in
    // acme-developers: the APIBinding admission refuses the bind.
    apply(
        &mut cp,
        "root:acme:team-a",
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: eve-admin}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\nsubjects:\n- {apiGroup: rbac.authorization.k8s.io, kind: User, name: eve}\n",
    );
    let e = cp
        .as_user("eve", &[])
        .apply(
            "root:acme:team-a",
            &example("database-binding.yaml"),
            &ApplyOptions::default(),
        )
        .unwrap_err();
    assert_eq!(e.code, 403);
    assert_eq!(
        e.message,
        r#"apibindings.apis.kcp.io "databases" is forbidden: unable to create APIBinding: no permission to bind to export root:acme:platform:databases"#
    );
    // The same message for an export that does not exist.
    let e = cp
        .as_user("eve", &[])
        .apply(
            "root:acme:team-a",
            "apiVersion: apis.kcp.io/v1alpha1\nkind: APIBinding\nmetadata: {name: x}\nspec: {reference: {export: {path: root:nowhere, name: x}}}\n",
            &ApplyOptions::default(),
        )
        .unwrap_err();
    assert_eq!(
        e.message,
        r#"apibindings.apis.kcp.io "x" is forbidden: unable to create APIBinding: no permission to bind to export root:nowhere:x"#
    );
    // With acme-developers she may.
    cp.as_user("eve", &["acme-developers"])
        .apply(
            "root:acme:team-a",
            &example("database-binding.yaml"),
            &ApplyOptions::default(),
        )
        .unwrap();
    assert_eq!(
        binding(&cp, "root:acme:team-a", "databases")["status"]["phase"],
        "Bound"
    );
}

/// Another export of the same group and resource, in another workspace.
const OTHER_EXPORT: &str = r#"
apiVersion: apis.kcp.io/v1alpha1
kind: APIResourceSchema
metadata: {name: v1.databases.platform.acme.io}
spec:
  group: platform.acme.io
  names: {kind: Database, plural: databases, singular: database}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
---
apiVersion: apis.kcp.io/v1alpha1
kind: APIExport
metadata: {name: databases}
spec:
  latestResourceSchemas: [v1.databases.platform.acme.io]
"#;

#[test]
fn binding_conflicts_and_conditions() {
    // (what the team has first, what it binds second, the BindingUpToDate of the second).
    let mut cp = platform();
    apply(&mut cp, "root:acme", "apiVersion: tenancy.kcp.io/v1alpha1\nkind: Workspace\nmetadata: {name: rogue}\nspec: {type: {name: team, path: root}}\n");
    apply(&mut cp, "root:acme:rogue", OTHER_EXPORT);
    let rogue = "apiVersion: apis.kcp.io/v1alpha1\nkind: APIBinding\nmetadata: {name: rogue-databases}\nspec: {reference: {export: {path: root:acme:rogue, name: databases}}}\n";
    // 1. Two exports of the same API: the second binding reports the conflict.
    apply(
        &mut cp,
        "root:acme:team-a",
        &example("database-binding.yaml"),
    );
    apply(&mut cp, "root:acme:team-a", rogue);
    let b = binding(&cp, "root:acme:team-a", "rogue-databases");
    assert_eq!(b["status"]["phase"], "Binding");
    let msg = r#"Unable to bind APIs: naming conflict with APIBinding "databases" bound to APIExport root:acme:platform:databases: spec.names.plural=databases is forbidden"#;
    assert_eq!(
        condition(&b, "BindingUpToDate"),
        ("False".into(), "NamingConflicts".into(), msg.into())
    );
    assert_eq!(
        condition(&b, "InitialBindingCompleted"),
        ("False".into(), "NamingConflicts".into(), msg.into())
    );
    assert_eq!(condition(&b, "Ready").1, "NamingConflicts");
    assert_eq!(condition(&b, "APIExportValid").0, "");
    // The identity hash keeps them apart: the rogue export's content view is empty, the
    // platform's has team-a's Database.
    apply(&mut cp, "root:acme:team-a", &example("database.yaml"));
    let opts = ListOptions {
        kind: "Database".into(),
        ..Default::default()
    };
    assert_eq!(
        cp.list_export_content("root:acme:rogue", "databases", &opts)
            .unwrap()["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        cp.list_export_content("root:acme:platform", "databases", &opts)
            .unwrap()["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // team-b binds the rogue export: its Databases are the rogue's, not the platform's.
    apply(&mut cp, "root:acme:team-b", rogue);
    assert_eq!(
        binding(&cp, "root:acme:team-b", "rogue-databases")["status"]["phase"],
        "Bound"
    );
    apply(&mut cp, "root:acme:team-b", &example("database.yaml"));
    let rogue_items = cp
        .list_export_content("root:acme:rogue", "databases", &opts)
        .unwrap();
    assert_eq!(
        rogue_items["items"][0]["metadata"]["annotations"]["kcp.io/cluster"],
        "root:acme:team-b"
    );
    assert_eq!(
        cp.list_export_content("root:acme:platform", "databases", &opts)
            .unwrap()["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // 2. A CRD of the same names in the workspace.
    apply(
        &mut cp,
        "root:acme",
        "apiVersion: tenancy.kcp.io/v1alpha1\nkind: Workspace\nmetadata: {name: team-c}\nspec: {type: {name: team, path: root}}\n",
    );
    apply(
        &mut cp,
        "root:acme:team-c",
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: databases.platform.acme.io}\nspec:\n  group: platform.acme.io\n  scope: Namespaced\n  names: {kind: Database, plural: databases}\n  versions:\n  - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}\n",
    );
    apply(
        &mut cp,
        "root:acme:team-c",
        &example("database-binding.yaml"),
    );
    let b = binding(&cp, "root:acme:team-c", "databases");
    assert_eq!(
        condition(&b, "BindingUpToDate"),
        (
            "False".into(),
            "NamingConflicts".into(),
            r#"Unable to bind APIs: naming conflict with CustomResourceDefinition "databases.platform.acme.io": spec.names.plural=databases is forbidden"#.into()
        )
    );
    // 3. A missing export.
    apply(
        &mut cp,
        "root:acme:team-c",
        "apiVersion: apis.kcp.io/v1alpha1\nkind: APIBinding\nmetadata: {name: ghost}\nspec: {reference: {export: {path: root:acme:platform, name: ghost}}}\n",
    );
    let b = binding(&cp, "root:acme:team-c", "ghost");
    assert_eq!(
        condition(&b, "APIExportValid"),
        (
            "False".into(),
            "APIExportNotFound".into(),
            "APIExport root:acme:platform|ghost not found".into()
        )
    );
    assert_eq!(
        condition(&b, "InitialBindingCompleted").1,
        "WaitingForEstablished"
    );
    // 4. The reference is immutable.
    let mut b = binding(&cp, "root:acme:team-a", "databases");
    b["spec"]["reference"]["export"]["name"] = kplane::json!("other");
    let e = cp.update("root:acme:team-a", b).unwrap_err();
    assert_eq!(e.code, 422);
    assert_eq!(
        e.message,
        r#"APIBinding.apis.kcp.io "databases" is invalid: spec.reference: Invalid value: "object": APIExport reference must not be changed"#
    );
}

#[test]
fn schema_names_and_immutability() {
    let mut cp = platform();
    // ValidateAPIResourceSchemaName: `<prefix>.<plural>.<group>`.
    for (name, why) in [
        (
            "databases.platform.acme.io",
            "must end in .databases.platform.acme.io",
        ),
        (
            "Big.databases.platform.acme.io",
            "must match ^[a-z]([-a-z0-9]*[a-z0-9])?$ in front of .databases.platform.acme.io",
        ),
    ] {
        let e = cp
            .apply(
                "root:acme:platform",
                &format!("apiVersion: apis.kcp.io/v1alpha1\nkind: APIResourceSchema\nmetadata: {{name: {name}}}\nspec:\n  group: platform.acme.io\n  names: {{kind: Database, plural: databases}}\n  scope: Namespaced\n  versions: [{{name: v1, served: true, storage: true, schema: {{type: object}}}}]\n"),
                &ApplyOptions::default(),
            )
            .unwrap_err();
        assert_eq!(e.code, 422);
        assert_eq!(
            e.message,
            format!("APIResourceSchema.apis.kcp.io \"{name}\" is invalid: metadata.name: Invalid value: \"{name}\": {why}")
        );
    }
    let mut s = get(
        &cp,
        "root:acme:platform",
        "apis.kcp.io/v1alpha1",
        "APIResourceSchema",
        None,
        "v250101.databases.platform.acme.io",
    )
    .unwrap();
    s["spec"]["scope"] = kplane::json!("Cluster");
    let e = cp.update("root:acme:platform", s).unwrap_err();
    assert_eq!(e.code, 422);
    assert!(
        e.message
            .ends_with("spec: Invalid value: \"object\": is immutable"),
        "{}",
        e.message
    );
}
