//! A kubectl emulator: the commands people know, printing what kubectl prints.
pub mod auth;
mod describe;
mod drain;
mod get;
mod rollout;
pub mod table;
mod top;

use crate::api::kinds::{self, KindInfo};
use crate::control_plane::{
    ApplyMode, ApplyOptions, ControlPlane, DeleteOptions, FieldValidation, KubectlOutput,
};
use crate::server::{patch::PatchType, status::Status, Outcome, Propagation, ROOT};
pub use get::{node_status, pod_status};
pub use rollout::status_line as rollout_status_line;

/// Splits a command line as a POSIX shell would for plain words and '…' / "…" quoting.
pub fn split_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(x) => cur.push(x),
                        None => return Err("unterminated quote".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => cur.extend(chars.next()),
                        Some(x) => cur.push(x),
                        None => return Err("unterminated quote".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                cur.extend(chars.next());
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

/// Parsed flags common to kubectl commands.
#[derive(Debug, Default)]
pub(crate) struct Flags {
    pub namespace: Option<String>,
    pub all_namespaces: bool,
    pub output: Option<String>,
    pub selector: Option<String>,
    pub field_selector: Option<String>,
    pub filename: Option<String>,
    pub replicas: Option<i64>,
    pub show_labels: bool,
    pub show_managed_fields: bool,
    pub cascade: Option<String>,
    pub grace_period: Option<i64>,
    pub validate: Option<String>,
    pub patch: Option<String>,
    pub server_side: bool,
    pub force_conflicts: bool,
    pub field_manager: Option<String>,
    pub patch_type: Option<String>,
    pub to_revision: Option<i64>,
    pub watch: Option<String>,
    pub ignore_daemonsets: bool,
    pub timeout_seconds: Option<i64>,
    pub positional: Vec<String>,
}

fn parse_flags(args: &[String]) -> Result<Flags, String> {
    let mut f = Flags::default();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) if a.starts_with('-') => (n.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        let value = |i: &mut usize| -> Result<String, String> {
            if let Some(v) = inline.clone() {
                return Ok(v);
            }
            *i += 1;
            args.get(*i)
                .cloned()
                .ok_or_else(|| format!("flag needs an argument: {name}"))
        };
        match name.as_str() {
            "-n" | "--namespace" => f.namespace = Some(value(&mut i)?),
            "-A" | "--all-namespaces" => f.all_namespaces = true,
            "-o" | "--output" => f.output = Some(value(&mut i)?),
            "-l" | "--selector" => f.selector = Some(value(&mut i)?),
            "--field-selector" => f.field_selector = Some(value(&mut i)?),
            "-f" | "--filename" => f.filename = Some(value(&mut i)?),
            "--replicas" => {
                let v = value(&mut i)?;
                f.replicas = Some(
                    v.parse()
                        .map_err(|_| format!("invalid argument \"{v}\" for \"--replicas\" flag"))?,
                )
            }
            "--show-labels" => f.show_labels = true,
            "--to-revision" => {
                let v = value(&mut i)?;
                f.to_revision =
                    Some(v.parse().map_err(|_| {
                        format!("invalid argument \"{v}\" for \"--to-revision\" flag")
                    })?)
            }
            "--watch" if inline.is_some() => f.watch = inline.clone(),
            "--show-managed-fields" => f.show_managed_fields = true,
            "--cascade" => f.cascade = Some(value(&mut i)?),
            "--grace-period" => {
                let v = value(&mut i)?;
                f.grace_period =
                    Some(v.parse().map_err(|_| {
                        format!("invalid argument \"{v}\" for \"--grace-period\" flag")
                    })?)
            }
            "--validate" => f.validate = Some(value(&mut i)?),
            "--server-side" => f.server_side = true,
            "--force-conflicts" => f.force_conflicts = true,
            "--field-manager" => f.field_manager = Some(value(&mut i)?),
            "-p" | "--patch" => f.patch = Some(value(&mut i)?),
            "--type" => f.patch_type = Some(value(&mut i)?),
            "--now" => f.grace_period = Some(1),
            "--ignore-daemonsets" => f.ignore_daemonsets = true,
            "--timeout" => {
                let v = value(&mut i)?;
                let secs = v.trim_end_matches('s').parse::<i64>();
                f.timeout_seconds = Some(
                    secs.map_err(|_| format!("invalid argument \"{v}\" for \"--timeout\" flag"))?,
                );
            }
            "--force" | "--delete-emptydir-data" | "--wait" | "-w" => {}
            s if s.starts_with('-') && s.len() > 1 => return Err(format!("unknown flag: {s}")),
            _ => f.positional.push(a.clone()),
        }
        i += 1;
    }
    Ok(f)
}

fn out(stdout: String) -> KubectlOutput {
    KubectlOutput {
        stdout,
        stderr: String::new(),
        exit_code: 0,
    }
}

fn fail(stderr: String) -> KubectlOutput {
    KubectlOutput {
        stdout: String::new(),
        stderr: if stderr.ends_with('\n') {
            stderr
        } else {
            stderr + "\n"
        },
        exit_code: 1,
    }
}

/// `Error from server (NotFound): pods "x" not found`.
pub(crate) fn server_error(s: &Status) -> KubectlOutput {
    fail(format!("Error from server ({}): {}", s.reason, s.message))
}

/// `deployment.apps/web`, `pod/web-abc`: how kubectl names an object.
pub(crate) fn resource_ref(info: &KindInfo, name: &str) -> String {
    let kind = info.kind.to_ascii_lowercase();
    if info.group.is_empty() {
        format!("{kind}/{name}")
    } else {
        format!("{kind}.{}/{name}", info.group)
    }
}

pub(crate) fn resolve(resource: &str) -> Result<&'static KindInfo, KubectlOutput> {
    kinds::by_resource_name(resource).ok_or_else(|| {
        fail(format!(
            "error: the server doesn't have a resource type \"{resource}\""
        ))
    })
}

/// Runs one kubectl command line (`kubectl get pods -o wide`; the leading `kubectl` is optional).
pub fn run(cp: &mut ControlPlane, line: &str, stdin: &str) -> KubectlOutput {
    let words = match split_words(line) {
        Ok(w) => w,
        Err(e) => return fail(format!("error: {e}")),
    };
    let words: &[String] = match words.first().map(String::as_str) {
        Some("kubectl") | Some("k") => &words[1..],
        _ => &words,
    };
    let Some((verb, rest)) = words.split_first() else {
        return fail(
            "error: no command given; try: get, apply, delete, scale, cordon, uncordon, version"
                .into(),
        );
    };
    let flags = match parse_flags(rest) {
        Ok(f) => f,
        Err(e) => return fail(format!("error: {e}")),
    };
    match verb.as_str() {
        "get" => get::get(cp, &flags),
        "apply" | "create" => apply(cp, &flags, stdin, verb == "create"),
        "delete" => delete(cp, &flags),
        "scale" => scale(cp, &flags),
        "patch" => patch(cp, &flags),
        "rollout" => rollout::rollout(cp, &flags),
        "drain" => drain::drain(cp, &flags),
        "describe" => describe::describe(cp, &flags),
        "top" => top::top(cp, &flags),
        "sim" => sim(cp, &flags),
        "set" => set(cp, &flags),
        "cordon" | "uncordon" => cordon(cp, &flags, verb == "cordon"),
        "version" => out(format!(
            "Client Version: {v}\nKustomize Version: v5.7.1\nServer Version: {v}\n",
            v = crate::kubelet::KUBELET_VERSION
        )),
        other => fail(format!(
            "error: unknown command \"{other}\" for \"kubectl\""
        )),
    }
}

fn apply(cp: &mut ControlPlane, f: &Flags, stdin: &str, create: bool) -> KubectlOutput {
    if f.filename.as_deref() != Some("-") {
        return fail("error: must specify -f - (manifests are read from stdin)".into());
    }
    let docs = match crate::server::decode::decode(stdin) {
        Ok(d) => d,
        Err(s) => return fail(format!("error: {}", s.message)),
    };
    if docs.is_empty() {
        return fail("error: no objects passed to apply".into());
    }
    // kubectl's --validate defaults to strict (server-side field validation).
    let field_validation = match f.validate.as_deref() {
        None | Some("strict") | Some("true") => FieldValidation::Strict,
        Some("warn") => FieldValidation::Warn,
        Some("ignore") | Some("false") => FieldValidation::Ignore,
        Some(o) => {
            return fail(format!(
                "error: invalid - validate option {o:?}; must be one of: strict (or true), warn, ignore (or false)"
            ))
        }
    };
    let opts = ApplyOptions {
        namespace: f.namespace.clone(),
        field_validation: Some(field_validation),
        field_manager: f.field_manager.clone().or_else(|| Some("kubectl".into())),
        force: f.force_conflicts,
        mode: if f.server_side {
            ApplyMode::ServerSide
        } else {
            ApplyMode::ClientSide
        },
    };
    let (mut stdout, mut stderr) = (String::new(), String::new());
    for d in docs {
        let result = if create {
            cp.create(ROOT, d.object, &opts).map(|(o, w)| {
                let r = crate::control_plane::AppliedObject {
                    api_version: crate::api::object::api_version(&o).into(),
                    kind: crate::api::object::kind(&o).into(),
                    namespace: None,
                    name: crate::api::object::name(&o).into(),
                    action: Outcome::Created,
                    document: d.document,
                    line: d.line,
                    warnings: w.clone(),
                };
                crate::ApplyResult {
                    objects: vec![r],
                    warnings: w,
                    errors: vec![],
                }
            })
        } else {
            cp.apply_objects(ROOT, vec![d.object], &opts)
        };
        match result {
            Ok(r) => {
                for w in r.warnings {
                    stderr.push_str(&format!("Warning: {w}\n"));
                }
                for o in r.objects {
                    let info = kinds::by_kind(Some(&o.api_version), &o.kind)
                        .expect("applied kinds are served");
                    let action = match o.action {
                        _ if f.server_side => "serverside-applied",
                        Outcome::Created => "created",
                        Outcome::Configured => "configured",
                        Outcome::Unchanged => "unchanged",
                    };
                    stdout.push_str(&format!("{} {action}\n", resource_ref(info, &o.name)));
                }
            }
            Err(s) => {
                let verb = if create { "creating" } else { "applying" };
                let message = if s.code == 409 && s.reason == "Conflict" && f.server_side {
                    format!(
                        "{}\nPlease review the fields above--they currently have other managers. Here\nare the ways you can resolve this warning:\n* If you intend to manage all of these fields, please re-run the apply\n  command with the `--force-conflicts` flag.",
                        s.message
                    )
                } else {
                    s.message.clone()
                };
                let mut e = fail(format!(
                    "{stderr}Error from server ({}): error when {verb} \"STDIN\": {message}",
                    s.reason
                ));
                e.stdout = stdout;
                return e;
            }
        }
    }
    KubectlOutput {
        stdout,
        stderr,
        exit_code: 0,
    }
}

/// `TYPE NAME` or `TYPE/NAME` arguments.
fn targets(f: &Flags) -> Result<Vec<(&'static KindInfo, String)>, KubectlOutput> {
    let mut out = Vec::new();
    let mut kind: Option<&'static KindInfo> = None;
    for p in &f.positional {
        if let Some((t, n)) = p.split_once('/') {
            out.push((resolve(t)?, n.to_string()));
        } else if let Some(k) = kind {
            out.push((k, p.clone()));
        } else {
            kind = Some(resolve(p)?);
        }
    }
    if out.is_empty() {
        return Err(fail(
            "error: resource(s) were provided, but no name was specified".into(),
        ));
    }
    Ok(out)
}

fn delete(cp: &mut ControlPlane, f: &Flags) -> KubectlOutput {
    let targets = match targets(f) {
        Ok(t) => t,
        Err(e) => return e,
    };
    let propagation = match f.cascade.as_deref() {
        None | Some("background") | Some("true") => Propagation::Background,
        Some("foreground") => Propagation::Foreground,
        Some("orphan") | Some("false") => Propagation::Orphan,
        Some(o) => return fail(format!("error: invalid cascade value ({o}). Must be \"background\", \"foreground\", or \"orphan\"")),
    };
    let mut stdout = String::new();
    for (info, name) in targets {
        let req = DeleteOptions {
            api_version: Some(info.api_version()),
            kind: info.kind.to_string(),
            namespace: f.namespace.clone(),
            name: name.clone(),
            propagation_policy: Some(propagation),
            grace_period_seconds: f.grace_period,
        };
        match cp.delete(ROOT, &req) {
            Ok(_) => stdout.push_str(&format!(
                "{} \"{name}\" deleted\n",
                info.kind.to_ascii_lowercase()
            )),
            Err(s) => {
                return KubectlOutput {
                    stdout,
                    ..server_error(&s)
                }
            }
        }
    }
    out(stdout)
}

fn patch(cp: &mut ControlPlane, f: &Flags) -> KubectlOutput {
    let kind = match f.patch_type.as_deref() {
        None | Some("strategic") => PatchType::Strategic,
        Some("merge") => PatchType::Merge,
        Some("json") => PatchType::Json,
        Some(o) => {
            return fail(format!(
                "error: --type must be one of [json merge strategic], not {o:?}"
            ))
        }
    };
    let Some(text) = &f.patch else {
        return fail("error: must specify -p to patch".into());
    };
    let patch = match crate::server::decode::decode_value(text) {
        Ok(v) => v,
        Err(e) => return fail(format!("error: unable to parse \"{text}\": {}", e.message)),
    };
    let targets = match targets(f) {
        Ok(t) => t,
        Err(e) => return e,
    };
    let mut stdout = String::new();
    for (info, name) in targets {
        let r = crate::ObjectRef {
            api_version: Some(info.api_version()),
            kind: info.kind.into(),
            namespace: f.namespace.clone(),
            name: name.clone(),
        };
        let before = cp
            .server()
            .get(
                ROOT,
                info,
                f.namespace.as_deref().unwrap_or("default"),
                &name,
            )
            .cloned();
        match cp.patch_as(ROOT, &r, &patch, kind, "kubectl-patch") {
            Ok(after) => {
                let word = if Some(&after) == before.as_ref() {
                    "patched (no change)"
                } else {
                    "patched"
                };
                stdout.push_str(&format!("{} {word}\n", resource_ref(info, &name)));
            }
            Err(s) => {
                return KubectlOutput {
                    stdout,
                    ..server_error(&s)
                }
            }
        }
    }
    out(stdout)
}

fn scale(cp: &mut ControlPlane, f: &Flags) -> KubectlOutput {
    let Some(replicas) = f.replicas else {
        return fail("error: required flag(s) \"replicas\" not set".into());
    };
    let targets = match targets(f) {
        Ok(t) => t,
        Err(e) => return e,
    };
    let mut stdout = String::new();
    for (info, name) in targets {
        if !matches!(info.kind, "Deployment" | "ReplicaSet" | "StatefulSet") {
            return fail(format!("error: cannot scale {}", info.qualified_resource()));
        }
        let ns = f.namespace.clone().unwrap_or_else(|| "default".into());
        let Some(mut obj) = cp.server().get(ROOT, info, &ns, &name).cloned() else {
            return server_error(&Status::not_found(info, &name));
        };
        obj["spec"]["replicas"] = crate::json!(replicas);
        match cp.update_as(ROOT, obj, "kubectl-scale") {
            Ok(_) => stdout.push_str(&format!("{} scaled\n", resource_ref(info, &name))),
            Err(s) => return server_error(&s),
        }
    }
    out(stdout)
}

/// `kubectl set image TYPE/NAME CONTAINER=IMAGE...`: a strategic merge patch of the pod
/// template's (or a pod's) containers, as the field manager `kubectl-set`.
fn set(cp: &mut ControlPlane, f: &Flags) -> KubectlOutput {
    let args: Vec<&str> = f.positional.iter().map(String::as_str).collect();
    let ["image", target, pairs @ ..] = args.as_slice() else {
        return fail("error: usage: kubectl set image (-f FILENAME | TYPE NAME) CONTAINER_NAME_1=CONTAINER_IMAGE_1 ...".into());
    };
    let Some((resource, name)) = target.split_once('/') else {
        return fail("error: expected TYPE/NAME, e.g. deployment/web".into());
    };
    let info = match resolve(resource) {
        Ok(i) => i,
        Err(e) => return e,
    };
    let mut containers = Vec::new();
    for pair in pairs {
        let Some((c, image)) = pair.split_once('=') else {
            return fail(format!(
                "error: invalid image update {pair:?}: expected CONTAINER=IMAGE"
            ));
        };
        containers.push(crate::json!({"name": c, "image": image}));
    }
    if containers.is_empty() {
        return fail("error: at least one image update is required".into());
    }
    let patch = if info.kind == "Pod" {
        crate::json!({"spec": {"containers": containers}})
    } else {
        crate::json!({"spec": {"template": {"spec": {"containers": containers}}}})
    };
    let r = crate::ObjectRef {
        api_version: Some(info.api_version()),
        kind: info.kind.into(),
        namespace: f.namespace.clone(),
        name: name.to_string(),
    };
    match cp.patch_as(ROOT, &r, &patch, PatchType::Strategic, "kubectl-set") {
        Ok(_) => out(format!("{} image updated\n", resource_ref(info, name))),
        Err(s) => server_error(&s),
    }
}

/// `kubectl sim node stop|fail|restore NAME`: kplane's own commands (a kubectl plugin, by its
/// name) that act on the simulated machines rather than on the API.
fn sim(cp: &mut ControlPlane, f: &Flags) -> KubectlOutput {
    match f
        .positional
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["node", "spot-interrupt", names @ ..] | ["spot-interrupt", names @ ..]
            if !names.is_empty() =>
        {
            let mut stdout = String::new();
            for name in names {
                match cp.spot_interrupt(name) {
                    Ok(_) => {
                        stdout.push_str(&format!("node/{name} interrupted (reclaimed in 2m0s)\n"))
                    }
                    Err(s) => {
                        return KubectlOutput {
                            stdout,
                            ..server_error(&s)
                        }
                    }
                }
            }
            out(stdout)
        }
        ["node", action @ ("stop" | "fail" | "restore"), names @ ..] if !names.is_empty() => {
            let mut stdout = String::new();
            for name in names {
                let result = match *action {
                    "stop" => cp.stop_node(name),
                    "fail" => cp.fail_node(name),
                    _ => cp.restore_node(name),
                };
                let word = match *action {
                    "stop" => "stopped",
                    "fail" => "failed",
                    _ => "restored",
                };
                match result {
                    Ok(_) => stdout.push_str(&format!("node/{name} {word}\n")),
                    Err(s) => {
                        return KubectlOutput {
                            stdout,
                            ..server_error(&s)
                        }
                    }
                }
            }
            out(stdout)
        }
        _ => fail("error: usage: kubectl sim node stop|fail|restore|spot-interrupt NODE...".into()),
    }
}

/// Appends a server error to what a command printed so far.
pub(crate) fn append_error(mut out: KubectlOutput, s: &Status) -> KubectlOutput {
    out.stderr.push_str(&format!(
        "Error from server ({}): {}\n",
        s.reason, s.message
    ));
    out.exit_code = 1;
    out
}

fn cordon(cp: &mut ControlPlane, f: &Flags, on: bool) -> KubectlOutput {
    let info = kinds::by_kind(Some("v1"), "Node").expect("Node is served");
    let mut stdout = String::new();
    for name in &f.positional {
        let Some(mut node) = cp.server().get(ROOT, info, "", name).cloned() else {
            return server_error(&Status::not_found(info, name));
        };
        let already = (node["spec"]["unschedulable"] == true) == on;
        let word = if on { "cordoned" } else { "uncordoned" };
        if already {
            stdout.push_str(&format!("node/{name} already {word}\n"));
            continue;
        }
        if on {
            node["spec"]["unschedulable"] = crate::json!(true);
        } else if let Some(spec) = node["spec"].as_object_mut() {
            spec.shift_remove("unschedulable");
        }
        match cp.update_as(ROOT, node, "kubectl-cordon") {
            Ok(_) => stdout.push_str(&format!("node/{name} {word}\n")),
            Err(s) => return server_error(&s),
        }
    }
    out(stdout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_a_shell() {
        assert_eq!(
            split_words("get pods -l 'app in (a, b)'").unwrap(),
            vec!["get", "pods", "-l", "app in (a, b)"]
        );
        assert_eq!(
            split_words("a \"b c\" d\\ e").unwrap(),
            vec!["a", "b c", "d e"]
        );
        assert!(split_words("'open").is_err());
    }
}
