//! `kubectl ws`, KCP's workspace plugin: `ws [use] PATH|.|-|:|..`, `ws tree [--full]`,
//! `ws create NAME [--type T] [--enter] [--ignore-existing]`, printing what kcp's plugin
//! prints (the argument rules and lines are in [`crate::tenancy::kubectl_ws`]). The current
//! and previous workspaces live in the control plane's kubectl context, so every other
//! command acts in the workspace `ws` chose.
use crate::control_plane::{ApplyOptions, ControlPlane, KubectlOutput, ListOptions};
use crate::json;
use crate::server::status::go_quote;
use crate::tenancy::kubectl_ws::{self as plugin, WsAccess, WsContext, WsUse};
use crate::tenancy::types::{self, TypeRef};
use crate::tenancy::WorkspacePath;

/// Cobra prints a command's error as `Error: <message>`.
fn error(stderr_before: &str, message: &str) -> KubectlOutput {
    KubectlOutput {
        stdout: String::new(),
        stderr: format!("{stderr_before}Error: {message}\n"),
        exit_code: 1,
    }
}

/// Runs `kubectl ws ARGS`.
pub fn ws(cp: &mut ControlPlane, args: &[String]) -> KubectlOutput {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["tree", rest @ ..] => tree(cp, rest),
        ["create", rest @ ..] => create(cp, rest),
        ["use", target] => use_workspace(cp, target),
        ["use"] => use_workspace(cp, ""),
        [] => use_workspace(cp, ""),
        [target] if !target.starts_with("--") || *target == "-" => use_workspace(cp, target),
        _ => error(
            "",
            "usage: kubectl ws [use] PATH | . | - | .. | tree [--full] | create NAME [--type TYPE] [--enter] [--ignore-existing]",
        ),
    }
}

/// The type `kubectl ws` prints for a workspace: `root` for root, else `path:name`.
fn type_of(cp: &ControlPlane, path: &WorkspacePath) -> Option<TypeRef> {
    if path.is_root() {
        return Some(plugin::root_workspace_type());
    }
    cp.server().workspace_type(path.as_str())
}

fn use_workspace(cp: &mut ControlPlane, arg: &str) -> KubectlOutput {
    let current = match WorkspacePath::parse(&cp.kubectl_context().workspace) {
        Ok(p) => p,
        Err(s) => return error("", &s.message),
    };
    let previous = cp
        .kubectl_context()
        .previous
        .as_deref()
        .and_then(|p| WorkspacePath::parse(p).ok());
    let ctx = WsContext {
        current: &current,
        previous: previous.as_ref(),
        home: None,
    };
    let plan = match plugin::plan_use(arg, ctx) {
        Ok(p) => p,
        Err(e) => return error("", &e),
    };
    match plan.action {
        WsUse::PrintCurrent => KubectlOutput {
            stdout: plugin::current_workspace_line(&current, None),
            stderr: plan.note_before,
            exit_code: 0,
        },
        WsUse::Go {
            path,
            display,
            check,
        } => {
            let line = if check {
                let access = if cp.server().workspace_exists(path.as_str()) {
                    WsAccess::Ok(type_of(cp, &path))
                } else {
                    WsAccess::NotFound
                };
                match plugin::finish_use(&path, &display, &access) {
                    Ok(l) => l,
                    Err(e) => return error(&plan.note_before, &e),
                }
            } else {
                if !cp.server().workspace_exists(path.as_str()) {
                    return error(
                        &plan.note_before,
                        &format!("workspace {} not found", go_quote(path.as_str())),
                    );
                }
                plugin::current_workspace_line(&path, None)
            };
            cp.set_kubectl_workspace(path.as_str());
            KubectlOutput {
                stdout: line,
                stderr: format!("{}{}", plan.note_before, plan.note_after),
                exit_code: 0,
            }
        }
    }
}

/// The names of the Workspaces the caller may list in `path`, those being deleted left out.
fn children(cp: &ControlPlane, path: &WorkspacePath) -> Vec<String> {
    cp.list_items(
        path.as_str(),
        &ListOptions {
            api_version: Some("tenancy.kcp.io/v1alpha1".into()),
            kind: "Workspace".into(),
            ..Default::default()
        },
    )
    .unwrap_or_default()
    .iter()
    .filter(|w| !crate::api::object::is_terminating(w))
    .map(|w| crate::api::object::name(w).to_string())
    .collect()
}

fn tree(cp: &mut ControlPlane, args: &[&str]) -> KubectlOutput {
    let full = match args {
        [] => false,
        ["--full"] | ["-f"] | ["--full=true"] => true,
        _ => return error("", "usage: kubectl ws tree [--full]"),
    };
    let current = match WorkspacePath::parse(&cp.kubectl_context().workspace) {
        Ok(p) => p,
        Err(s) => return error("", &s.message),
    };
    let cp_ref: &ControlPlane = cp;
    let root = plugin::build_tree(&current, full, &|p| children(cp_ref, p));
    KubectlOutput {
        stdout: plugin::render_tree(&root),
        stderr: String::new(),
        exit_code: 0,
    }
}

fn create(cp: &mut ControlPlane, args: &[&str]) -> KubectlOutput {
    let mut name: Option<&str> = None;
    let mut type_flag = String::new();
    let (mut enter, mut ignore_existing) = (false, false);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match *a {
            "--type" => match it.next() {
                Some(t) => type_flag = t.to_string(),
                None => return error("", "flag needs an argument: --type"),
            },
            s if s.starts_with("--type=") => type_flag = s["--type=".len()..].to_string(),
            "--enter" | "--enter=true" => enter = true,
            "--ignore-existing" | "--ignore-existing=true" => ignore_existing = true,
            s if s.starts_with('-') => return error("", &format!("unknown flag: {s}")),
            s if name.is_none() => name = Some(s),
            s => return error("", &format!("unexpected argument {s:?}")),
        }
    }
    let deprecated = plugin::CREATE_DEPRECATED;
    let Some(name) = name else {
        return error(deprecated, "workspace name is required");
    };
    let requested = match plugin::create_type(&type_flag, ignore_existing) {
        Ok(t) => t,
        Err(e) => return error(deprecated, &e),
    };
    let mut obj = json!({"apiVersion": "tenancy.kcp.io/v1alpha1", "kind": "Workspace",
        "metadata": {"name": name}, "spec": {}});
    if let Some(t) = &requested {
        obj["spec"]["type"] = t.to_value();
    }
    let workspace = super::ws(cp);
    let mut stdout = String::new();
    let created = cp.create(&workspace, obj, &ApplyOptions::default());
    let (ws_obj, pre_existing) = match created {
        Ok((o, _)) => (o, false),
        Err(s) if s.code == 409 && ignore_existing => {
            let r = crate::ObjectRef {
                api_version: Some("tenancy.kcp.io/v1alpha1".into()),
                kind: "Workspace".into(),
                namespace: None,
                name: name.to_string(),
            };
            match cp.get(&workspace, &r) {
                Ok(Some(o)) => (o, true),
                Ok(None) => return error(deprecated, &s.message),
                Err(e) => return error(deprecated, &e.message),
            }
        }
        Err(s) => return error(deprecated, &s.message),
    };
    let ws_type = types::workspace_type_of(&ws_obj);
    let ready = crate::tenancy::phase::phase(&ws_obj) == crate::tenancy::phase::READY;
    if pre_existing {
        match plugin::already_exists_line(name, &ws_type, requested.as_ref(), ready) {
            Ok(l) => stdout.push_str(&l),
            Err(e) => return error(deprecated, &e),
        }
    } else {
        stdout.push_str(&plugin::created_line(name, &ws_type, ready));
    }
    // The control loops ran with the create: it is ready now, or it never will be.
    let path = crate::tenancy::path::join_str(&workspace, name);
    let now_ready = cp.server().workspace_type(&path).is_some()
        && cp
            .server()
            .store
            .get(&crate::store::Key::new(
                &workspace,
                crate::server::workspaces::WORKSPACE_RESOURCE,
                "",
                name,
            ))
            .is_some_and(|w| crate::tenancy::phase::phase(w) == crate::tenancy::phase::READY);
    if !now_ready {
        return KubectlOutput {
            stdout,
            stderr: format!(
                "{deprecated}Error: {} created but is not ready to use\n",
                plugin::workspace_reference(name, &ws_type)
            ),
            exit_code: 1,
        };
    }
    stdout.push_str(&plugin::ready_line(name, &ws_type));
    let mut stderr = deprecated.to_string();
    if enter {
        let used = use_workspace(cp, name);
        stdout.push_str(&used.stdout);
        stderr.push_str(&used.stderr);
        if used.exit_code != 0 {
            return KubectlOutput {
                stdout,
                stderr,
                exit_code: used.exit_code,
            };
        }
    }
    KubectlOutput {
        stdout,
        stderr,
        exit_code: 0,
    }
}
