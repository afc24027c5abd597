//! The RBAC allow/deny matrix through the request path: every verb and subresource
//! (get, list, watch, create, update, patch, delete, deletecollection; status, scale,
//! eviction) × resources × bindings (none, the bootstrap `view`, `edit` and `admin` bound in one
//! namespace, `cluster-admin`, a Role limited by `resourceNames`), as upstream's bootstrap
//! policy (plugin/pkg/auth/authorizer/rbac/bootstrappolicy) grants them. Denials are the 403
//! of `responsewriters.Forbidden`.
use kplane::api::Value;
use kplane::{
    ApplyOptions, ControlPlane, DeleteOptions, ListOptions, ObjectRef, Options, PatchType, Status,
    WatchOptions,
};

const WS: &str = "root:team";

fn setup(binding: &str) -> ControlPlane {
    let mut cp = ControlPlane::new(Options::default()).unwrap();
    cp.apply(
        "root",
        "apiVersion: tenancy.kcp.io/v1alpha1\nkind: Workspace\nmetadata: {name: team}\nspec: {type: {name: universal, path: root}}\n",
        &ApplyOptions::default(),
    )
    .unwrap();
    cp.apply(
        WS,
        r#"
apiVersion: v1
kind: ConfigMap
metadata: {name: a, namespace: default}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: b, namespace: default}
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: default, labels: {app: p}}
spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: d}}
  template:
    metadata: {labels: {app: d}}
    spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: only-a, namespace: default}
rules:
- {apiGroups: [""], resources: [configmaps], resourceNames: [a], verbs: [get, update, patch, delete]}
"#,
        &ApplyOptions::default(),
    )
    .unwrap();
    let (kind, role_kind, role) = match binding {
        "none" => return cp,
        "cluster-admin" => ("ClusterRoleBinding", "ClusterRole", "cluster-admin"),
        "only-a" => ("RoleBinding", "Role", "only-a"),
        r => ("RoleBinding", "ClusterRole", r),
    };
    let ns = if kind == "RoleBinding" {
        "\n  namespace: default"
    } else {
        ""
    };
    cp.apply(
        WS,
        &format!("apiVersion: rbac.authorization.k8s.io/v1\nkind: {kind}\nmetadata:\n  name: alice{ns}\nroleRef: {{apiGroup: rbac.authorization.k8s.io, kind: {role_kind}, name: {role}}}\nsubjects:\n- {{apiGroup: rbac.authorization.k8s.io, kind: User, name: alice}}\n"),
        &ApplyOptions::default(),
    )
    .unwrap();
    cp
}

fn r(kind: &str, name: &str) -> ObjectRef {
    ObjectRef {
        api_version: None,
        kind: kind.into(),
        namespace: Some("default".into()),
        name: name.into(),
    }
}

fn list(kind: &str, ns: &str) -> ListOptions {
    ListOptions {
        kind: kind.into(),
        namespace: Some(ns.into()),
        ..Default::default()
    }
}

/// One call as alice; `Ok` or the Status.
fn call(cp: &mut ControlPlane, op: &str) -> Result<(), Status> {
    let current = |cp: &ControlPlane, kind: &str, name: &str| -> Value {
        cp.get(WS, &r(kind, name)).unwrap().unwrap()
    };
    let cm_a = current(cp, "ConfigMap", "a");
    let pod = current(cp, "Pod", "p");
    let mut alice = cp.as_user("alice", &[]);
    match op {
        "get pods" => alice.get(WS, &r("Pod", "p")).map(drop),
        "list pods" => alice.list(WS, &list("Pod", "default")).map(drop),
        "list pods in kube-system" => alice.list(WS, &list("Pod", "kube-system")).map(drop),
        "watch pods" => alice
            .watch(WS, &WatchOptions { kind: Some("Pod".into()), namespace: Some("default".into()), ..Default::default() })
            .map(drop),
        "create configmaps" => alice
            .create(WS, kplane::json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "new", "namespace": "default"}}), &ApplyOptions::default())
            .map(drop),
        "update configmaps a" => alice.update(WS, cm_a).map(drop),
        "patch configmaps a" => alice.patch(WS, &r("ConfigMap", "a"), &kplane::json!({"data": {"k": "v"}}), PatchType::Merge).map(drop),
        "patch configmaps b" => alice.patch(WS, &r("ConfigMap", "b"), &kplane::json!({"data": {"k": "v"}}), PatchType::Merge).map(drop),
        "get configmaps a" => alice.get(WS, &r("ConfigMap", "a")).map(drop),
        "get configmaps b" => alice.get(WS, &r("ConfigMap", "b")).map(drop),
        "list configmaps" => alice.list(WS, &list("ConfigMap", "default")).map(drop),
        "delete configmaps a" => alice
            .delete(WS, &DeleteOptions { kind: "ConfigMap".into(), namespace: Some("default".into()), name: "a".into(), ..Default::default() })
            .map(drop),
        "deletecollection configmaps" => alice.delete_collection(WS, &list("ConfigMap", "default")).map(drop),
        "update pods/status" => alice.update_status(WS, pod).map(drop),
        "get deployments/scale" => alice.get_scale(WS, &ObjectRef { api_version: Some("apps/v1".into()), ..r("Deployment", "d") }).map(drop),
        "update deployments/scale" => alice.scale(WS, &ObjectRef { api_version: Some("apps/v1".into()), ..r("Deployment", "d") }, 2).map(drop),
        "create pods/eviction" => alice.evict(WS, "default", "p").map(drop),
        "create roles" => alice
            .apply(WS, "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r, namespace: default}\nrules: []\n", &ApplyOptions::default())
            .map(drop),
        "list nodes" => alice.list(WS, &ListOptions { kind: "Node".into(), ..Default::default() }).map(drop),
        other => panic!("no such call {other}"),
    }
}

#[test]
fn the_allow_deny_matrix() {
    // (call, [none, view, edit, admin, cluster-admin, only-a]): allowed?
    let bindings = ["none", "view", "edit", "admin", "cluster-admin", "only-a"];
    let matrix: &[(&str, [bool; 6])] = &[
        ("get pods", [false, true, true, true, true, false]),
        ("list pods", [false, true, true, true, true, false]),
        (
            "list pods in kube-system",
            [false, false, false, false, true, false],
        ),
        ("watch pods", [false, true, true, true, true, false]),
        ("create configmaps", [false, false, true, true, true, false]),
        (
            "update configmaps a",
            [false, false, true, true, true, true],
        ),
        ("patch configmaps a", [false, false, true, true, true, true]),
        (
            "patch configmaps b",
            [false, false, true, true, true, false],
        ),
        ("get configmaps a", [false, true, true, true, true, true]),
        ("get configmaps b", [false, true, true, true, true, false]),
        // resourceNames never grant a list (no name in the request).
        ("list configmaps", [false, true, true, true, true, false]),
        (
            "delete configmaps a",
            [false, false, true, true, true, true],
        ),
        (
            "deletecollection configmaps",
            [false, false, true, true, true, false],
        ),
        // pods/status is writable by no namespaced bootstrap role.
        (
            "update pods/status",
            [false, false, false, false, true, false],
        ),
        (
            "get deployments/scale",
            [false, true, true, true, true, false],
        ),
        (
            "update deployments/scale",
            [false, false, true, true, true, false],
        ),
        (
            "create pods/eviction",
            [false, false, true, true, true, false],
        ),
        ("create roles", [false, false, false, true, true, false]),
        ("list nodes", [false, false, false, false, true, false]),
    ];
    for (i, binding) in bindings.iter().enumerate() {
        for (op, allowed) in matrix {
            let mut cp = setup(binding);
            let got = call(&mut cp, op);
            match (allowed[i], got) {
                (true, Ok(())) => {}
                (false, Err(s)) if s.code == 403 => {}
                (want, got) => panic!("{binding} {op}: want allowed={want}, got {got:?}"),
            }
        }
    }
}

#[test]
fn denials_carry_upstreams_messages() {
    let mut cp = setup("none");
    let cases = [
        (
            "get pods",
            r#"pods "p" is forbidden: User "alice" cannot get resource "pods" in API group "" in the namespace "default""#,
        ),
        (
            "list pods",
            r#"pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default""#,
        ),
        (
            "watch pods",
            r#"pods is forbidden: User "alice" cannot watch resource "pods" in API group "" in the namespace "default""#,
        ),
        (
            "create configmaps",
            r#"configmaps is forbidden: User "alice" cannot create resource "configmaps" in API group "" in the namespace "default""#,
        ),
        (
            "update configmaps a",
            r#"configmaps "a" is forbidden: User "alice" cannot update resource "configmaps" in API group "" in the namespace "default""#,
        ),
        (
            "patch configmaps a",
            r#"configmaps "a" is forbidden: User "alice" cannot patch resource "configmaps" in API group "" in the namespace "default""#,
        ),
        (
            "delete configmaps a",
            r#"configmaps "a" is forbidden: User "alice" cannot delete resource "configmaps" in API group "" in the namespace "default""#,
        ),
        (
            "deletecollection configmaps",
            r#"configmaps is forbidden: User "alice" cannot deletecollection resource "configmaps" in API group "" in the namespace "default""#,
        ),
        (
            "update pods/status",
            r#"pods "p" is forbidden: User "alice" cannot update resource "pods/status" in API group "" in the namespace "default""#,
        ),
        (
            "get deployments/scale",
            r#"deployments.apps "d" is forbidden: User "alice" cannot get resource "deployments/scale" in API group "apps" in the namespace "default""#,
        ),
        (
            "update deployments/scale",
            r#"deployments.apps "d" is forbidden: User "alice" cannot update resource "deployments/scale" in API group "apps" in the namespace "default""#,
        ),
        (
            "create pods/eviction",
            r#"pods "p" is forbidden: User "alice" cannot create resource "pods/eviction" in API group "" in the namespace "default""#,
        ),
        (
            "list nodes",
            r#"nodes is forbidden: User "alice" cannot list resource "nodes" in API group "" at the cluster scope"#,
        ),
    ];
    for (op, message) in cases {
        let e = call(&mut cp, op).unwrap_err();
        assert_eq!((e.code, e.reason.as_str()), (403, "Forbidden"), "{op}");
        assert_eq!(e.message, message, "{op}");
    }
}
