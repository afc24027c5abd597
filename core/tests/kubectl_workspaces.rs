//! kubectl in workspaces: `ws` (use, `.`, `-`, `..`, tree, create), every other command in the
//! current workspace, `get workspaces` with KCP's columns, a CRD's printer columns, `--as`,
//! `auth can-i` and `auth whoami`.
use kplane::{ApplyOptions, ControlPlane, KubectlOutput, Options};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/");

fn example(name: &str) -> String {
    std::fs::read_to_string(format!("{EXAMPLES}{name}")).unwrap()
}

fn k(cp: &mut ControlPlane, line: &str) -> KubectlOutput {
    cp.kubectl(line, "")
}

fn k_in(cp: &mut ControlPlane, line: &str, stdin: &str) -> KubectlOutput {
    cp.kubectl(line, stdin)
}

fn ok(out: KubectlOutput) -> String {
    assert_eq!(out.exit_code, 0, "{out:?}");
    out.stdout
}

fn plane() -> ControlPlane {
    ControlPlane::new(Options {
        seed: 2,
        ..Default::default()
    })
    .unwrap()
}

#[test]
fn ws_navigates_the_tree_as_kcps_plugin() {
    let mut cp = plane();
    assert_eq!(ok(k(&mut cp, "ws .")), "Current workspace is 'root'.\n");
    let out = k_in(
        &mut cp,
        "apply -f -",
        &example("workspaces/organization.yaml"),
    );
    assert_eq!(
        ok(out),
        "workspace.tenancy.kcp.io/acme serverside-applied\n"
            .replace("serverside-applied", "created")
    );
    assert_eq!(
        ok(k(&mut cp, "ws acme")),
        "Current workspace is 'root:acme' (type root:organization).\n"
    );
    ok(k_in(
        &mut cp,
        "apply -f -",
        &example("workspaces/teams.yaml"),
    ));
    assert_eq!(
        ok(k(&mut cp, "ws team-a")),
        "Current workspace is 'root:acme:team-a' (type root:team).\n"
    );
    assert_eq!(
        ok(k(&mut cp, "ws ..")),
        "Current workspace is 'root:acme' (type root:organization).\n"
    );
    assert_eq!(
        ok(k(&mut cp, "ws -")),
        "Current workspace is 'root:acme:team-a'.\n"
    );
    assert_eq!(ok(k(&mut cp, "ws :")), "Current workspace is 'root'.\n");
    assert_eq!(
        ok(k(&mut cp, "ws use :root:acme:team-b")),
        "Current workspace is 'root:acme:team-b' (type root:team).\n"
    );
    let out = k(&mut cp, "ws root:acme");
    assert_eq!(
        out.stdout,
        "Current workspace is 'root:acme' (type root:organization).\n"
    );
    assert!(out
        .stderr
        .starts_with("Note: Using 'root:' to define an absolute path is no longer supported."));
    let out = k(&mut cp, "ws nope");
    assert_eq!(
        (out.exit_code, out.stderr.as_str()),
        (1, "Error: workspace \"root:acme:nope\" not found\n")
    );
    assert_eq!(
        ok(k(&mut cp, "ws .")),
        "Current workspace is 'root:acme'.\n"
    );
    let out = k(&mut cp, "ws :root:..:..");
    assert_eq!(
        (out.exit_code, out.stderr.as_str()),
        (1, "Error: cannot go up from root\n")
    );
    k(&mut cp, "ws :");
    assert_eq!(
        ok(k(&mut cp, "ws tree")),
        ".\n└── root\n    └── acme\n        ├── team-a\n        └── team-b\n\n"
    );
    assert_eq!(
        ok(k(&mut cp, "ws tree --full")),
        ".\n└── root\n    └── root:acme\n        ├── root:acme:team-a\n        └── root:acme:team-b\n\n"
    );
}

#[test]
fn ws_create_waits_for_ready_and_enters() {
    let mut cp = plane();
    let out = k(&mut cp, "ws create acme --type organization --enter");
    assert_eq!(
        out.stdout,
        "Workspace \"acme\" (type root:organization) created. Waiting for it to be ready...\nWorkspace \"acme\" (type root:organization) is ready to use.\nCurrent workspace is 'root:acme' (type root:organization).\n"
    );
    assert!(out.stderr.starts_with("Command \"create\" is deprecated"));
    let out = k(&mut cp, "ws create team-a --type root:team");
    assert_eq!(out.exit_code, 0, "{out:?}");
    let out = k(
        &mut cp,
        "ws create team-a --type root:team --ignore-existing",
    );
    // kcp's plugin still waits for Ready and says so.
    assert_eq!(
        out.stdout,
        "Workspace \"team-a\" (type root:team) already exists.\nWorkspace \"team-a\" (type root:team) is ready to use.\n"
    );
    let out = k(
        &mut cp,
        "ws create team-a --type root:universal --ignore-existing",
    );
    assert_eq!(out.exit_code, 1);
    assert!(out.stderr.ends_with("Error: workspace \"team-a\" cannot be created with type root:universal, it already exists with different type root:team\n"), "{out:?}");
    // An organization under an organization is refused by the types' rules.
    let out = k(&mut cp, "ws create nested --type organization");
    assert_eq!(out.exit_code, 1);
    assert!(
        out.stderr
            .contains("workspaces.tenancy.kcp.io \"nested\" is forbidden: "),
        "{out:?}"
    );
}

#[test]
fn commands_act_in_the_current_workspace() {
    let mut cp = plane();
    k(&mut cp, "ws create acme --type organization --enter");
    k(&mut cp, "ws create team-a --type team --enter");
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: dark}\n";
    assert_eq!(
        ok(k_in(&mut cp, "apply -f -", cm)),
        "configmap/settings created\n"
    );
    assert!(ok(k(&mut cp, "get configmaps")).contains("settings"));
    k(&mut cp, "ws :");
    let out = k(&mut cp, "get configmap settings");
    assert_eq!(
        out.stderr,
        "Error from server (NotFound): configmaps \"settings\" not found\n"
    );
    // `get workspaces` prints KCP's columns.
    k(&mut cp, "ws acme");
    let table = ok(k(&mut cp, "get workspaces"));
    assert_eq!(
        table,
        "NAME     TYPE   REGION   PHASE   URL                                              AGE\nteam-a   team   <none>   Ready   https://kplane.local/clusters/root:acme:team-a   0s\n"
    );
}

#[test]
fn a_crds_printer_columns_show_in_get() {
    let mut cp = plane();
    k(&mut cp, "ws create monitoring --type universal --enter");
    ok(k_in(
        &mut cp,
        "apply -f -",
        &example("crds/prometheuses.monitoring.coreos.com.yaml"),
    ));
    assert_eq!(
        ok(k_in(
            &mut cp,
            "apply -f -",
            &example("crds/prometheus.yaml")
        )),
        "prometheus.monitoring.coreos.com/prometheus created\n"
    );
    cp.advance(300.0).unwrap();
    assert_eq!(
        ok(k(&mut cp, "get prometheuses")),
        "NAME         VERSION   DESIRED   READY    RECONCILED   AVAILABLE   AGE\nprometheus   v3.5.0    2         <none>   <none>       <none>      5m\n"
    );
    assert!(ok(k(&mut cp, "get prom")).contains("prometheus"));
    k(&mut cp, "ws :");
    let out = k(&mut cp, "get prometheuses");
    assert_eq!(out.exit_code, 1);
    assert_eq!(
        out.stderr,
        "error: the server doesn't have a resource type \"prometheuses\"\n"
    );
}

#[test]
fn as_can_i_and_whoami() {
    let mut cp = plane();
    k(&mut cp, "ws create team --type universal --enter");
    assert_eq!(
        ok(k(&mut cp, "auth whoami")),
        "ATTRIBUTE   VALUE\nUsername    system:admin\nGroups      [system:masters system:authenticated]\n"
    );
    assert_eq!(
        ok(k(&mut cp, "auth whoami --as alice --as-group dev")),
        "ATTRIBUTE   VALUE\nUsername    alice\nGroups      [dev system:authenticated]\n"
    );
    let out = k(&mut cp, "auth can-i create deployments --as alice");
    assert_eq!((out.exit_code, out.stdout.as_str()), (1, "no\n"));
    let out = k(&mut cp, "get pods --as alice");
    assert_eq!(
        out.stderr,
        "Error from server (Forbidden): pods is forbidden: User \"alice\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"\n"
    );
    ok(k_in(
        &mut cp,
        "apply -f -",
        &std::fs::read_to_string(format!("{EXAMPLES}workspaces/alice-edit.yaml")).unwrap(),
    ));
    let out = k(&mut cp, "auth can-i create deployments --as alice");
    assert_eq!((out.exit_code, out.stdout.as_str()), (0, "yes\n"));
    let out = k(
        &mut cp,
        "auth can-i create deployments --as alice -n kube-system",
    );
    assert_eq!(out.stdout, "no\n");
    assert_eq!(ok(k(&mut cp, "get pods --as alice")), "");
    let out = k(&mut cp, "auth can-i delete nodes");
    assert_eq!(out.stdout, "yes\n");
}

#[test]
fn the_kubectl_workspace_survives_between_calls_only_while_it_exists() {
    let mut cp = plane();
    k(&mut cp, "ws create gone --type universal --enter");
    cp.apply(
        "root",
        "apiVersion: tenancy.kcp.io/v1alpha1\nkind: Workspace\nmetadata: {name: other}\nspec: {type: {name: universal, path: root}}\n",
        &ApplyOptions::default(),
    )
    .unwrap();
    k(&mut cp, "ws :");
    k(&mut cp, "delete workspace gone");
    let out = k(&mut cp, "ws gone");
    assert_eq!(out.exit_code, 1);
}
