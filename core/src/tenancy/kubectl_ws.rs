//! The `kubectl ws` plugin's rules and printed lines: how `ws use` resolves its argument
//! (`.`, `-`, `:`, `~`, `..`, `:root:a`, `a:b`, `/` as `:`), what it prints, `ws create`'s
//! messages and `ws tree`.
//!
//! Upstream, in kcp-dev/kcp `staging/src/github.com/kcp-dev/cli/pkg/workspace/plugin/`:
//! `use.go` (`UseWorkspaceOptions.Run`, `resolveDots`, `printCurrentWorkspace`), `create.go`
//! (`CreateWorkspaceOptions.Run`), `tree.go` (`TreeOptions.Run`, `populateBranch`, drawn with
//! github.com/xlab/treeprint), and `pkg/workspace/cmd/cmd.go` (cobra prints errors as
//! `Error: …`; `ws create` is deprecated).
use super::path::{join_str, WorkspacePath, ROOT, SEPARATOR};
use super::types::TypeRef;

/// What `kubectl ws` knows about where the user is (kcp keeps it in kubeconfig contexts
/// `workspace.kcp.io/current` and `workspace.kcp.io/previous`).
#[derive(Debug, Clone, Copy)]
pub struct WsContext<'a> {
    /// The current workspace.
    pub current: &'a WorkspacePath,
    /// The workspace before the last change, for `kubectl ws -`.
    pub previous: Option<&'a WorkspacePath>,
    /// The user's home workspace, for `kubectl ws` and `~`; `None` when there is none.
    pub home: Option<&'a WorkspacePath>,
}

/// What `kubectl ws ARG` will do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WsUse {
    /// `.`: print the current workspace (no type).
    PrintCurrent,
    /// Change to `path`. When `check` is set the caller must check that the workspace exists
    /// and is accessible ([`finish_use`]); `-` and `:` go without checking and print no type.
    Go {
        /// The target workspace.
        path: WorkspacePath,
        /// The name used in `not found`/`denied` errors: the absolute path as typed, before
        /// `.`/`..` were resolved.
        display: String,
        /// Whether to check existence and print the type.
        check: bool,
    },
}

/// The plan for `kubectl ws ARG`, with the notes kcp prints to stderr before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WsUsePlan {
    /// The action.
    pub action: WsUse,
    /// Printed to stderr first (the legacy `root:` note).
    pub note_before: String,
    /// Printed to stderr after success (the `cd` semantics note of a bare `kubectl ws`).
    pub note_after: String,
}

const ROOT_NOTE: &str = "Note: Using 'root:' to define an absolute path is no longer supported. Instead, use ':root' to specify an absolute path.\n";
const HOME_NOTE: &str = "Note: 'kubectl ws' now matches 'cd' semantics: go to home workspace. 'kubectl ws -' to go back. 'kubectl ws .' to print current workspace.\n";

/// `resolveDots`: drops `.`, pops on `..`; `cannot go up from root` when there is nothing left
/// to pop. The result may be empty or invalid (the caller reports that).
fn resolve_dots(path: &str) -> Result<String, String> {
    let mut ret: Vec<&str> = Vec::new();
    for part in path.split(SEPARATOR) {
        match part {
            "." => {}
            ".." => {
                if ret.is_empty() {
                    return Err("cannot go up from root".into());
                }
                ret.pop();
            }
            p => ret.push(p),
        }
    }
    Ok(ret.join(":"))
}

/// Resolves the argument of `kubectl ws [ARG]` (or `kubectl ws use ARG`) as kcp's plugin does.
/// Errors are the messages kcp's plugin returns (print them as `Error: <msg>`).
pub fn plan_use(arg: &str, ctx: WsContext) -> Result<WsUsePlan, String> {
    let mut note_before = String::new();
    let mut note_after = String::new();
    let mut name = arg.replace('/', ":");
    if name == ROOT || name.starts_with("root:") {
        name = format!(":{name}");
        note_before.push_str(ROOT_NOTE);
    }
    if name.is_empty() {
        note_after.push_str(HOME_NOTE);
        name = "~".into();
    }
    let plan = |action| WsUsePlan {
        action,
        note_before: note_before.clone(),
        note_after: note_after.clone(),
    };
    match name.as_str() {
        "-" => {
            let prev = ctx
                .previous
                .ok_or("no previous workspace found in kubeconfig")?;
            return Ok(plan(WsUse::Go {
                path: prev.clone(),
                display: prev.to_string(),
                check: false,
            }));
        }
        ":" => {
            let first = ctx.current.segments().next().unwrap_or(ROOT);
            let root = WorkspacePath::parse(first).map_err(|e| e.message)?;
            return Ok(plan(WsUse::Go {
                display: root.to_string(),
                path: root,
                check: false,
            }));
        }
        "." => return Ok(plan(WsUse::PrintCurrent)),
        _ => {}
    }
    if name == "~" || name.starts_with("~:") {
        // kcp looks the home workspace up as `root`'s Workspace `~`.
        let home = ctx
            .home
            .ok_or_else(|| r#"workspaces.tenancy.kcp.io "~" not found"#.to_string())?;
        name = format!(":{home}{}", &name[1..]);
    }
    let absolute = match name.strip_prefix(':') {
        Some(rest) => rest.to_string(),
        None => join_str(ctx.current.as_str(), &name),
    };
    let resolved = resolve_dots(&absolute)?;
    let path =
        WorkspacePath::parse(&resolved).map_err(|_| format!("invalid workspace path: {arg}"))?;
    Ok(plan(WsUse::Go {
        path,
        display: absolute,
        check: true,
    }))
}

/// Whether the target of `kubectl ws` exists and may be entered (kcp asks discovery in the
/// workspace and GETs the Workspace in its parent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WsAccess {
    /// Accessible; with its type (`root` for the root workspace) when the parent showed it.
    Ok(Option<TypeRef>),
    /// Denied, and the parent says there is no such Workspace.
    NotFound,
    /// Denied (the parent does not say it is missing).
    Denied,
}

/// The line `kubectl ws` prints after changing workspace, or its error: `Current workspace is
/// 'root:org' (type root:organization).`, `workspace "root:x" not found`, `access to workspace
/// "root:x" denied`.
pub fn finish_use(
    path: &WorkspacePath,
    display: &str,
    access: &WsAccess,
) -> Result<String, String> {
    match access {
        WsAccess::Ok(t) => Ok(current_workspace_line(path, t.as_ref())),
        WsAccess::NotFound => Err(format!("workspace {} not found", quote(display))),
        WsAccess::Denied => Err(format!("access to workspace {} denied", quote(display))),
    }
}

fn quote(s: &str) -> String {
    crate::server::status::go_quote(s)
}

/// `printCurrentWorkspace`: `Current workspace is 'root:org'.`, with ` (type root:organization)`
/// when the type is known (the root workspace's type prints as `root`).
pub fn current_workspace_line(path: &WorkspacePath, workspace_type: Option<&TypeRef>) -> String {
    let mut m = format!("Current workspace is '{path}'");
    if let Some(t) = workspace_type {
        m.push_str(&format!(" (type {})", t.qualified()));
    }
    m.push_str(".\n");
    m
}

/// The type a Workspace of the root workspace prints with: `root` (kcp uses a reference
/// without path for it).
pub fn root_workspace_type() -> TypeRef {
    TypeRef::new("", ROOT)
}

/// `kubectl ws create NAME --type T`: the `spec.type` it sends (`T` or `path:T`, the name lower
/// cased; no type lets the parent's default apply), or the flag error.
pub fn create_type(type_flag: &str, ignore_existing: bool) -> Result<Option<TypeRef>, String> {
    if ignore_existing
        && !type_flag.is_empty()
        && !(type_flag == ROOT || type_flag.starts_with("root:"))
    {
        return Err("--ignore-existing must not be used with non-absolute type path".into());
    }
    if type_flag.is_empty() {
        return Ok(None);
    }
    Ok(Some(match type_flag.rsplit_once(':') {
        Some((p, n)) => TypeRef::new(p, &n.to_ascii_lowercase()),
        None => TypeRef::new("", &type_flag.to_ascii_lowercase()),
    }))
}

/// The deprecation notice cobra prints to stderr for `kubectl ws create`.
pub const CREATE_DEPRECATED: &str = "Command \"create\" is deprecated, install the 'kubectl create workspace' plugin instead, compare https://docs.kcp.io/kcp/latest/setup/kubectl-plugin/.\n";

/// `Workspace "x" (type root:universal)`, as `ws create` names the workspace.
pub fn workspace_reference(name: &str, workspace_type: &TypeRef) -> String {
    format!(
        "Workspace {} (type {})",
        quote(name),
        workspace_type.qualified()
    )
}

/// What `ws create` prints once the server accepted the Workspace (`ready` is whether it is
/// already Ready): `… created. Waiting for it to be ready...` (kcp then waits up to a minute).
pub fn created_line(name: &str, workspace_type: &TypeRef, ready: bool) -> String {
    let r = workspace_reference(name, workspace_type);
    if ready {
        String::new()
    } else {
        format!("{r} created. Waiting for it to be ready...\n")
    }
}

/// `ws create --ignore-existing` on an existing Workspace: `… already exists.` (with `Waiting
/// for it to be ready...` when it is not Ready), or the error when the types differ.
pub fn already_exists_line(
    name: &str,
    existing_type: &TypeRef,
    requested: Option<&TypeRef>,
    ready: bool,
) -> Result<String, String> {
    if let Some(req) = requested {
        if (!existing_type.name.is_empty() && existing_type.name != req.name)
            || existing_type.path != req.path
        {
            return Err(format!(
                "workspace {} cannot be created with type {}, it already exists with different type {}",
                quote(name),
                req.qualified(),
                existing_type.qualified()
            ));
        }
    }
    let r = workspace_reference(name, existing_type);
    Ok(if ready {
        format!("{r} already exists.\n")
    } else {
        format!("{r} already exists. Waiting for it to be ready...\n")
    })
}

/// `… is ready to use.`, printed when the workspace reached Ready.
pub fn ready_line(name: &str, workspace_type: &TypeRef) -> String {
    format!(
        "{} is ready to use.\n",
        workspace_reference(name, workspace_type)
    )
}

/// A node of `kubectl ws tree`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeNode {
    /// The workspace's name (or full path with `--full`).
    pub label: String,
    /// Its child workspaces, in the order the parent lists them (by name).
    pub children: Vec<TreeNode>,
}

/// Builds the tree below `current`: `children(path)` lists the names of the Workspaces in a
/// workspace (those being deleted left out). Labels are names, or full paths with `full`.
pub fn build_tree(
    current: &WorkspacePath,
    full: bool,
    children: &dyn Fn(&WorkspacePath) -> Vec<String>,
) -> TreeNode {
    fn branch(
        path: &WorkspacePath,
        label: String,
        full: bool,
        children: &dyn Fn(&WorkspacePath) -> Vec<String>,
        depth: usize,
    ) -> TreeNode {
        let mut names = children(path);
        names.sort();
        let kids = if depth > 64 {
            vec![]
        } else {
            names
                .into_iter()
                .filter_map(|n| {
                    let child = path.join(&n).ok()?;
                    let l = if full { format!("{label}:{n}") } else { n };
                    Some(branch(&child, l, full, children, depth + 1))
                })
                .collect()
        };
        TreeNode {
            label,
            children: kids,
        }
    }
    let label = if full {
        current.to_string()
    } else {
        current.base().to_string()
    };
    branch(current, label, full, children, 0)
}

/// `kubectl ws tree` output: treeprint's drawing under a `.` root, then the blank line
/// `fmt.Println(tree.String())` adds.
pub fn render_tree(root: &TreeNode) -> String {
    fn nodes(out: &mut String, level: usize, ended: &mut Vec<usize>, list: &[TreeNode]) {
        for (i, n) in list.iter().enumerate() {
            let last = i + 1 == list.len();
            if last {
                ended.push(level);
            }
            for l in 0..level {
                out.push_str(if ended.contains(&l) { "    " } else { "│   " });
            }
            out.push_str(if last { "└── " } else { "├── " });
            out.push_str(&n.label);
            out.push('\n');
            if !n.children.is_empty() {
                nodes(out, level + 1, ended, &n.children);
            }
            if last {
                ended.pop();
            }
        }
    }
    let mut out = String::from(".\n");
    nodes(&mut out, 0, &mut Vec::new(), std::slice::from_ref(root));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> WorkspacePath {
        WorkspacePath::parse(s).unwrap()
    }

    fn go(path: &str, display: &str) -> WsUse {
        WsUse::Go {
            path: p(path),
            display: display.into(),
            check: true,
        }
    }

    /// Argument resolution table, following use.go step by step.
    #[test]
    fn use_arguments() {
        let cur = p("root:org:team");
        let prev = p("root:other");
        let home = p("root:users:alice");
        let ctx = WsContext {
            current: &cur,
            previous: Some(&prev),
            home: Some(&home),
        };
        let cases: &[(&str, Result<WsUse, &str>)] = &[
            (".", Ok(WsUse::PrintCurrent)),
            (
                "-",
                Ok(WsUse::Go {
                    path: p("root:other"),
                    display: "root:other".into(),
                    check: false,
                }),
            ),
            (
                ":",
                Ok(WsUse::Go {
                    path: p("root"),
                    display: "root".into(),
                    check: false,
                }),
            ),
            ("..", Ok(go("root:org", "root:org:team:.."))),
            ("..:..", Ok(go("root", "root:org:team:..:.."))),
            ("..:..:..", Err("invalid workspace path: ..:..:..")),
            ("..:..:..:..", Err("cannot go up from root")),
            (":root:a", Ok(go("root:a", "root:a"))),
            ("a:b", Ok(go("root:org:team:a:b", "root:org:team:a:b"))),
            ("a/b", Ok(go("root:org:team:a:b", "root:org:team:a:b"))),
            ("/root/a", Ok(go("root:a", "root:a"))),
            (
                "..:sibling",
                Ok(go("root:org:sibling", "root:org:team:..:sibling")),
            ),
            ("./x", Ok(go("root:org:team:x", "root:org:team:.:x"))),
            ("~", Ok(go("root:users:alice", "root:users:alice"))),
            (
                "~:proj",
                Ok(go("root:users:alice:proj", "root:users:alice:proj")),
            ),
            ("", Ok(go("root:users:alice", "root:users:alice"))),
            ("a::b", Err("invalid workspace path: a::b")),
            ("Bad", Err("invalid workspace path: Bad")),
            (
                ":",
                Ok(WsUse::Go {
                    path: p("root"),
                    display: "root".into(),
                    check: false,
                }),
            ),
        ];
        for (arg, want) in cases {
            let got = plan_use(arg, ctx).map(|plan| plan.action);
            assert_eq!(
                got,
                want.clone().map_err(String::from),
                "kubectl ws {arg:?}"
            );
        }
        // `root:a` is taken as absolute, with the legacy note first.
        let plan = plan_use("root:a", ctx).unwrap();
        assert_eq!(plan.action, go("root:a", "root:a"));
        assert_eq!(plan.note_before, ROOT_NOTE);
        assert_eq!(plan_use("root", ctx).unwrap().action, go("root", "root"));
        // A bare `kubectl ws` goes home and explains the cd semantics afterwards.
        assert_eq!(plan_use("", ctx).unwrap().note_after, HOME_NOTE);
        // Without previous or home.
        let bare = WsContext {
            current: &cur,
            previous: None,
            home: None,
        };
        assert_eq!(
            plan_use("-", bare).unwrap_err(),
            "no previous workspace found in kubeconfig"
        );
        assert_eq!(
            plan_use("~", bare).unwrap_err(),
            r#"workspaces.tenancy.kcp.io "~" not found"#
        );
        // From root, `..` leaves nothing: an invalid path; one more is `cannot go up from root`.
        let root = WorkspacePath::root();
        let at_root = WsContext {
            current: &root,
            previous: None,
            home: None,
        };
        assert_eq!(
            plan_use("..", at_root).unwrap_err(),
            "invalid workspace path: .."
        );
        assert_eq!(
            plan_use("..:..", at_root).unwrap_err(),
            "cannot go up from root"
        );
    }

    #[test]
    fn printed_lines() {
        let org = p("root:org");
        assert_eq!(
            finish_use(
                &org,
                "root:org",
                &WsAccess::Ok(Some(TypeRef::new("root", "organization")))
            )
            .unwrap(),
            "Current workspace is 'root:org' (type root:organization).\n"
        );
        assert_eq!(
            finish_use(
                &WorkspacePath::root(),
                "root",
                &WsAccess::Ok(Some(root_workspace_type()))
            )
            .unwrap(),
            "Current workspace is 'root' (type root).\n"
        );
        assert_eq!(
            current_workspace_line(&org, None),
            "Current workspace is 'root:org'.\n"
        );
        assert_eq!(
            finish_use(&org, "root:org", &WsAccess::NotFound).unwrap_err(),
            r#"workspace "root:org" not found"#
        );
        assert_eq!(
            finish_use(&org, "root:org", &WsAccess::Denied).unwrap_err(),
            r#"access to workspace "root:org" denied"#
        );
        let uni = TypeRef::new("root", "universal");
        assert_eq!(
            created_line("x", &uni, false),
            "Workspace \"x\" (type root:universal) created. Waiting for it to be ready...\n"
        );
        assert_eq!(
            ready_line("x", &uni),
            "Workspace \"x\" (type root:universal) is ready to use.\n"
        );
        assert_eq!(
            already_exists_line("x", &uni, None, true).unwrap(),
            "Workspace \"x\" (type root:universal) already exists.\n"
        );
        assert_eq!(
            already_exists_line("x", &uni, Some(&TypeRef::new("root", "team")), true).unwrap_err(),
            r#"workspace "x" cannot be created with type root:team, it already exists with different type root:universal"#
        );
        assert_eq!(
            create_type("Team", false).unwrap(),
            Some(TypeRef::new("", "team"))
        );
        assert_eq!(
            create_type("root:org:Custom", false).unwrap(),
            Some(TypeRef::new("root:org", "custom"))
        );
        assert_eq!(create_type("", true).unwrap(), None);
        assert_eq!(
            create_type("team", true).unwrap_err(),
            "--ignore-existing must not be used with non-absolute type path"
        );
    }

    #[test]
    fn tree_as_treeprint_draws_it() {
        let children = |path: &WorkspacePath| -> Vec<String> {
            match path.as_str() {
                "root" => vec!["zeta".into(), "acme".into()],
                "root:acme" => vec!["web".into(), "api".into()],
                "root:acme:api" => vec!["v1".into()],
                _ => vec![],
            }
        };
        let tree = build_tree(&WorkspacePath::root(), false, &children);
        assert_eq!(
            render_tree(&tree),
            ".\n└── root\n    ├── acme\n    │   ├── api\n    │   │   └── v1\n    │   └── web\n    └── zeta\n\n"
        );
        let tree = build_tree(&p("root:acme"), true, &children);
        assert_eq!(
            render_tree(&tree),
            ".\n└── root:acme\n    ├── root:acme:api\n    │   └── root:acme:api:v1\n    └── root:acme:web\n\n"
        );
    }
}
