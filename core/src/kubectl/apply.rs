//! `kubectl apply`, `kubectl create -f` and `kubectl replace` (k8s.io/kubectl/pkg/cmd/apply,
//! create, replace): every document of `-f -` is sent in turn; a failing one does not stop
//! the others, its error is reported at the end (`error when creating "STDIN": …`) and the
//! command exits 1. `--dry-run=client` sends nothing, `--dry-run=server` runs the request on
//! a copy of the control plane that is then thrown away.
use super::print::{self, Format};
use super::resources::{self, Info};
use super::{Ctx, DryRun, Error};
use crate::api::{object, Value};
use crate::control_plane::{ApplyMode, ApplyOptions, ControlPlane, DeleteOptions, FieldValidation};
use crate::server::status::Status;
use crate::server::{Outcome, LAST_APPLIED};

/// `--validate`: strict (or true), warn, ignore (or false).
pub(super) fn validation(ctx: &Ctx<'_>) -> Result<FieldValidation, Error> {
    match ctx.p.str("validate").as_str() {
        "" | "strict" | "true" => Ok(FieldValidation::Strict),
        "warn" => Ok(FieldValidation::Warn),
        "ignore" | "false" => Ok(FieldValidation::Ignore),
        other => Err(Error::msg(format!(
            "error: invalid - validate option {other:?}; must be one of: strict (or true), warn, ignore (or false)"
        ))),
    }
}

/// The objects of `-f -` with their namespaces filled in (`-n`, else `default`), and the
/// errors of the documents that could not be read (reported at the end).
fn infos_from_stdin(ctx: &Ctx<'_>) -> Result<(Vec<Info>, Vec<Error>), Error> {
    let files = ctx.p.list("filename");
    if files.is_empty() {
        return Err(Error::msg("error: must specify one of -f and -k"));
    }
    let mut req = ctx.request(false);
    req.latest = false;
    req.args.clear();
    let found = resources::visit(ctx.cp, &req, ctx.stdin)?;
    let selector = ctx.p.str("selector");
    let mut infos = found.infos;
    if !selector.is_empty() {
        let sel = crate::api::Selector::parse(&selector)
            .map_err(|e| Error::msg(format!("error: {e}")))?;
        infos.retain(|i| sel.matches(&object::labels(&i.object)));
    }
    for i in infos.iter_mut() {
        if i.kind.namespaced {
            object::set_path(
                &mut i.object,
                &["metadata", "namespace"],
                Value::from(i.namespace.as_str()),
            );
        }
    }
    Ok((infos, found.errors))
}

/// The annotation `kubectl apply` and `--save-config` keep (`GetModifiedConfiguration`).
pub(super) fn last_applied(obj: &Value) -> String {
    crate::server::merge::last_applied(obj)
}

/// Adds the last-applied annotation (`--save-config`).
pub(super) fn save_config(obj: &mut Value) {
    let text = last_applied(obj);
    object::set_path(
        obj,
        &["metadata", "annotations", LAST_APPLIED],
        Value::from(text),
    );
}

fn with_source(verb: &str, e: Status) -> Error {
    Error::Status(
        e.clone()
            .with_message(format!("error when {verb} \"STDIN\": {}", e.message)),
    )
}

pub(super) fn apply(ctx: &mut Ctx<'_>) -> Result<(), Error> {
    let fmt = print::format(ctx, false)?;
    let dry = ctx.dry_run()?;
    let validation = validation(ctx)?;
    let server_side = ctx.p.bool("server-side");
    let (infos, mut errors) = infos_from_stdin(ctx)?;
    if infos.is_empty() && errors.is_empty() {
        return Err(Error::msg("error: no objects passed to apply"));
    }
    let manager = if ctx.p.changed("field-manager") {
        ctx.p.str("field-manager")
    } else if server_side {
        "kubectl".to_string()
    } else {
        ctx.p.str("field-manager")
    };
    let opts = ApplyOptions {
        namespace: None,
        field_validation: Some(validation),
        field_manager: Some(manager),
        force: ctx.p.bool("force-conflicts"),
        ..Default::default()
    };
    let mut shadow = (dry == DryRun::Server).then(|| ctx.cp.clone());
    let mut printed = Vec::new();
    for info in infos {
        let exists = ctx
            .cp
            .server()
            .get(&super::ws(ctx.cp), info.kind, &info.namespace, &info.name)
            .cloned();
        if info.name.is_empty() {
            let generate =
                object::str_at(&info.object, &["metadata", "generateName"]).unwrap_or("");
            if !generate.is_empty() {
                errors.push(Error::msg(format!(
                    "from {generate}: cannot use generate name with apply"
                )));
                continue;
            }
        }
        if dry == DryRun::Client {
            let mut o = info.object.clone();
            if !server_side && exists.is_none() {
                save_config(&mut o);
            }
            let op = if server_side {
                "serverside-applied"
            } else if exists.is_some() {
                "configured"
            } else {
                "created"
            };
            emit(ctx, &fmt, &mut printed, &o, op, dry)?;
            continue;
        }
        if !server_side {
            if let Some(live) = &exists {
                if object::str_at(live, &["metadata", "annotations", LAST_APPLIED]).is_none() {
                    ctx.err.push_str(&format!("Warning: resource {}/{} is missing the {LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n", info.kind.plural, info.name));
                }
            }
        }
        let opts = ApplyOptions {
            mode: if server_side {
                ApplyMode::ServerSide
            } else {
                ApplyMode::ClientSide
            },
            ..opts.clone()
        };
        let ws = super::ws(ctx.cp);
        let cp: &mut ControlPlane = shadow.as_mut().unwrap_or(ctx.cp);
        match cp.apply_objects(&ws, vec![info.object.clone()], &opts) {
            Ok(r) => {
                for w in &r.warnings {
                    ctx.warn(w);
                }
                let cp: &ControlPlane = shadow.as_ref().unwrap_or(ctx.cp);
                let stored = cp
                    .server()
                    .get(&super::ws(ctx.cp), info.kind, &info.namespace, &info.name)
                    .cloned()
                    .unwrap_or_else(|| info.object.clone());
                let op = match r.objects.first().map(|o| o.action) {
                    _ if server_side => "serverside-applied",
                    Some(Outcome::Created) => "created",
                    Some(Outcome::Unchanged) => "unchanged",
                    _ => "configured",
                };
                emit(ctx, &fmt, &mut printed, &stored, op, dry)?;
            }
            Err(s) => errors.push(apply_error(&info, s, server_side, exists.is_some())),
        }
    }
    print_collected(ctx, &fmt, printed)?;
    finish(errors)
}

fn apply_error(info: &Info, s: Status, server_side: bool, existed: bool) -> Error {
    if server_side {
        if s.code == 409 && s.reason == "Conflict" {
            return Error::msg(format!("error: Apply failed with {}\nPlease review the fields above--they currently have other managers. Here\nare the ways you can resolve this warning:\n* If you intend to manage all of these fields, please re-run the apply\n  command with the `--force-conflicts` flag.\n* If you do not intend to manage all of the fields, please edit your\n  manifest to remove references to the fields that should keep their\n  current managers.\n* You may co-own fields by updating your manifest to match the existing\n  value; in this case, you'll become the manager if the other manager(s)\n  stop managing the field (remove it from their configuration).\nSee https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts", s.message.trim_start_matches("Apply failed with ")));
        }
        return Error::Status(s);
    }
    if !existed {
        return with_source("creating", s);
    }
    let resource = info.kind.plural;
    let gv = info.kind.api_version();
    let verb = format!(
        "applying patch:\n{}\nto:\nResource: \"{gv}, Resource={resource}\", GroupVersionKind: \"{gv}, Kind={}\"\nName: \"{}\", Namespace: \"{}\"\nfor:",
        last_applied(&info.object).trim_end(),
        info.kind.kind,
        info.name,
        info.namespace
    );
    with_source(&verb, s)
}

/// Prints one result: the operation line, or collects the object for `-o json|yaml|…`.
fn emit(
    ctx: &mut Ctx<'_>,
    fmt: &Format,
    printed: &mut Vec<Value>,
    obj: &Value,
    op: &str,
    dry: DryRun,
) -> Result<(), Error> {
    match fmt {
        Format::Default | Format::Name => print::operation(ctx, fmt, obj, op, dry, true),
        _ => {
            printed.push(obj.clone());
            Ok(())
        }
    }
}

/// `printObjects`: one object alone, several as a `List`.
fn print_collected(ctx: &mut Ctx<'_>, fmt: &Format, mut objs: Vec<Value>) -> Result<(), Error> {
    if objs.is_empty() {
        return Ok(());
    }
    if !ctx.p.bool("show-managed-fields") {
        for o in objs.iter_mut() {
            print::strip_managed(o);
        }
    }
    let obj = if objs.len() == 1 {
        objs.remove(0)
    } else {
        print::list_of(objs)
    };
    let text = print::render(fmt, &obj, true)?;
    ctx.out.push_str(&text);
    Ok(())
}

fn finish(errors: Vec<Error>) -> Result<(), Error> {
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.into_iter().next().unwrap_or(Error::Exit(1))),
        _ => Err(Error::Many(errors)),
    }
}

/// `kubectl create -f -` (the generators are `create <kind>`, see create.rs).
pub(super) fn create(ctx: &mut Ctx<'_>) -> Result<(), Error> {
    if ctx.p.list("filename").is_empty() {
        if !ctx.p.args.is_empty() {
            return Err(ctx.usage(&format!("Unexpected args: [{}]", ctx.p.args.join(" "))));
        }
        return Err(Error::msg("error: must specify one of -f and -k"));
    }
    let fmt = print::format(ctx, false)?;
    let dry = ctx.dry_run()?;
    let validation = validation(ctx)?;
    let (infos, mut errors) = infos_from_stdin(ctx)?;
    if infos.is_empty() && errors.is_empty() {
        return Err(Error::msg("error: no objects passed to create"));
    }
    let opts = ApplyOptions {
        namespace: None,
        field_validation: Some(validation),
        field_manager: Some(ctx.p.str("field-manager")),
        force: false,
        ..Default::default()
    };
    let mut shadow = (dry == DryRun::Server).then(|| ctx.cp.clone());
    for info in infos {
        let mut obj = info.object.clone();
        if ctx.p.bool("save-config") {
            save_config(&mut obj);
        }
        if dry == DryRun::Client {
            print::operation(ctx, &fmt, &obj, "created", dry, false)?;
            continue;
        }
        let cp: &mut ControlPlane = shadow.as_mut().unwrap_or(ctx.cp);
        match cp.create(&super::ws(cp), obj, &opts) {
            Ok((created, warnings)) => {
                for w in &warnings {
                    ctx.warn(w);
                }
                print::operation(ctx, &fmt, &created, "created", dry, true)?;
            }
            Err(s) => errors.push(with_source("creating", s)),
        }
    }
    finish(errors)
}

/// `kubectl replace -f -` (with `--force`: delete, then create).
pub(super) fn replace(ctx: &mut Ctx<'_>) -> Result<(), Error> {
    if ctx.p.list("filename").is_empty() {
        return Err(ctx.usage("must specify --filename to replace"));
    }
    let fmt = print::format(ctx, false)?;
    let dry = ctx.dry_run()?;
    let validation = validation(ctx)?;
    let (infos, mut errors) = infos_from_stdin(ctx)?;
    if infos.is_empty() && errors.is_empty() {
        return Err(Error::msg("error: no objects passed to replace"));
    }
    let force = ctx.p.bool("force");
    let mut shadow = (dry == DryRun::Server).then(|| ctx.cp.clone());
    for info in infos {
        let mut obj = info.object.clone();
        if ctx.p.bool("save-config") {
            save_config(&mut obj);
        }
        if dry == DryRun::Client {
            print::operation(ctx, &fmt, &obj, "replaced", dry, false)?;
            continue;
        }
        let cp: &mut ControlPlane = shadow.as_mut().unwrap_or(ctx.cp);
        if force {
            let del = DeleteOptions {
                api_version: Some(info.kind.api_version()),
                kind: info.kind.kind.to_string(),
                namespace: Some(info.namespace.clone()),
                name: info.name.clone(),
                propagation_policy: None,
                grace_period_seconds: Some(ctx.p.int("grace-period")).filter(|g| *g >= 0),
            };
            match cp.delete(&super::ws(cp), &del) {
                Ok(_) => ctx.out.push_str(&format!(
                    "{} \"{}\" deleted\n",
                    super::resources::kind_group(info.kind),
                    info.name
                )),
                Err(s) if s.code == 404 => {}
                Err(s) => {
                    errors.push(Error::Status(s));
                    continue;
                }
            }
            let opts = ApplyOptions {
                namespace: None,
                field_validation: Some(validation),
                field_manager: Some(ctx.p.str("field-manager")),
                force: false,
                ..Default::default()
            };
            match cp.create(&super::ws(cp), obj, &opts) {
                Ok((created, _)) => print::operation(ctx, &fmt, &created, "replaced", dry, true)?,
                Err(s) => errors.push(with_source("replacing", s)),
            }
            continue;
        }
        if cp
            .server()
            .get(&super::ws(cp), info.kind, &info.namespace, &info.name)
            .is_none()
        {
            errors.push(with_source(
                "replacing",
                Status::not_found(info.kind, &info.name),
            ));
            continue;
        }
        let manager = ctx.p.str("field-manager");
        match cp.update_as(&super::ws(cp), obj, &manager) {
            Ok(updated) => print::operation(ctx, &fmt, &updated, "replaced", dry, true)?,
            Err(s) => errors.push(with_source("replacing", s)),
        }
    }
    finish(errors)
}
