//! Who kubectl is and where: the current workspace ([`ws`]), impersonation (`--as`,
//! `--as-group`, as client-go's `ImpersonationConfig` sends it and kube-apiserver's
//! impersonation filter checks it: the caller needs verb `impersonate` on `users/<name>`,
//! `groups/<group>` or `serviceaccounts/<name>` in the namespace), and `kubectl auth`
//! (`can-i`, `whoami`).
use super::{fail, out, table::render};
use crate::control_plane::{ControlPlane, KubectlOutput};
use crate::server::rbac::{self, UserInfo};

/// The workspace kubectl commands act in.
pub(crate) fn ws(cp: &ControlPlane) -> String {
    cp.kubectl_context().workspace.clone()
}

/// Takes `--as`/`--as-group` (and `--as-uid`, ignored) out of the words; `Some(user)` when
/// the command impersonates, after checking the caller may.
pub(super) fn impersonation(
    cp: &ControlPlane,
    words: &mut Vec<String>,
) -> Result<Option<UserInfo>, KubectlOutput> {
    let mut name: Option<String> = None;
    let mut groups: Vec<String> = Vec::new();
    let mut uid = false;
    let mut kept = Vec::with_capacity(words.len());
    let mut it = std::mem::take(words).into_iter();
    while let Some(w) = it.next() {
        let (flag, inline) = match w.split_once('=') {
            Some((f, v)) if f.starts_with("--as") => (f.to_string(), Some(v.to_string())),
            _ => (w.clone(), None),
        };
        let target = match flag.as_str() {
            "--as" => 0,
            "--as-group" => 1,
            "--as-uid" => 2,
            _ => {
                kept.push(w);
                continue;
            }
        };
        let Some(value) = inline.or_else(|| it.next()) else {
            return Err(fail(format!("error: flag needs an argument: {flag}")));
        };
        match target {
            0 => name = Some(value),
            1 => groups.push(value),
            _ => uid = true,
        }
    }
    *words = kept;
    let Some(name) = name.filter(|n| !n.is_empty()) else {
        if !groups.is_empty() || uid {
            return Err(fail(
                "error: requesting uid, groups or user-extra for  without impersonating a user"
                    .into(),
            ));
        }
        return Ok(None);
    };
    cp.impersonation(&ws(cp), &name, &groups)
        .map(Some)
        .map_err(|s| super::server_error(&s))
}

/// `kubectl auth can-i …` and `kubectl auth whoami`.
pub(super) fn auth(cp: &mut ControlPlane, args: &[String]) -> KubectlOutput {
    let Some((sub, rest)) = args.split_first() else {
        return fail("error: Usage: kubectl auth (can-i|whoami) [flags]".into());
    };
    match sub.as_str() {
        "can-i" => can_i(cp, rest),
        "whoami" => whoami(cp, rest),
        other => fail(format!(
            "error: unknown command \"{other}\" for \"kubectl auth\""
        )),
    }
}

fn can_i(cp: &ControlPlane, args: &[String]) -> KubectlOutput {
    let mut namespace = "default".to_string();
    let mut rest: Vec<&str> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-n" | "--namespace" => match it.next() {
                Some(n) => namespace = n.clone(),
                None => return fail(format!("error: flag needs an argument: {a}")),
            },
            s if s.starts_with("--namespace=") => namespace = s["--namespace=".len()..].into(),
            s => rest.push(s),
        }
    }
    let workspace = ws(cp);
    let policy = cp.server().policy(&workspace);
    let resolve = |r: &str| {
        cp.server()
            .resolve_resource(&workspace, r)
            .map(|k| (k.group.to_string(), k.plural.to_string(), k.namespaced))
    };
    super::auth::can_i(&policy, cp.user(), &namespace, &rest, &resolve)
}

/// `kubectl auth whoami`: the SelfSubjectReview's user, as a table (`ATTRIBUTE VALUE`) or
/// `-o json|yaml`.
fn whoami(cp: &ControlPlane, args: &[String]) -> KubectlOutput {
    let user = cp.user();
    let output = match args {
        [] => None,
        [o, v] if o == "-o" || o == "--output" => Some(v.as_str()),
        [o] if o.starts_with("-o=") || o.starts_with("--output=") => {
            o.split_once('=').map(|(_, v)| v)
        }
        [o] if o.starts_with("-o") && o.len() > 2 => Some(&o[2..]),
        _ => {
            return fail(
                "error: unknown arguments; usage: kubectl auth whoami [-o json|yaml]".into(),
            )
        }
    };
    let review = crate::json!({
        "kind": "SelfSubjectReview",
        "apiVersion": "authentication.k8s.io/v1",
        "metadata": {"creationTimestamp": null},
        "status": {"userInfo": {"username": user.name.as_str(), "groups": user.groups.clone()}},
    });
    match output {
        None => out(render(&[
            vec!["ATTRIBUTE".into(), "VALUE".into()],
            vec!["Username".into(), user.name.clone()],
            vec!["Groups".into(), rbac::go_list(&user.groups)],
        ])),
        Some("json") => out(serde_json::to_string_pretty(&review).unwrap_or_default() + "\n"),
        Some("yaml") => out(serde_saphyr::to_string(&review).unwrap_or_default()),
        Some(o) => fail(format!(
            "error: unable to match a printer suitable for the output format \"{o}\", allowed formats are: json,yaml"
        )),
    }
}
