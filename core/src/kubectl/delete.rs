//! `kubectl delete` (k8s.io/kubectl/pkg/cmd/delete/delete.go): `pod "x" deleted` per object,
//! `force deleted` with `--force --grace-period=0`, NotFound errors after the others,
//! `No resources found` when a selector matches nothing; `--cascade`, `--grace-period`,
//! `--now`, `--all`, `-l`, `--field-selector`, `--dry-run`, `-o name`.
//!
//! kubectl then waits for the objects to go (`--wait`, default true; not with `--dry-run`):
//! kplane waits in virtual time ([`super::waiting`]) until each deleted object is gone (or
//! replaced by one of another uid), for `--timeout` (`timed out waiting for the condition on
//! pods/x`), or without one until nothing is left to happen (kubectl would wait a week).
use super::resources::{self, kind_group};
use super::waiting::{self, Deadline, Waited};
use super::{Ctx, DryRun, Error};
use crate::control_plane::{ControlPlane, DeleteOptions};
use crate::server::Propagation;

pub(super) fn delete(ctx: &mut Ctx<'_>) -> Result<(), Error> {
    let output = ctx.p.str("output");
    if !output.is_empty() && output != "name" {
        return Err(Error::msg(format!(
            "error: unexpected -o output mode: {output}. We only support '-o name'"
        )));
    }
    let all = ctx.p.bool("all");
    if all && ctx.p.changed("selector") {
        return Err(Error::msg(
            "error: cannot set --all and --selector at the same time",
        ));
    }
    if all && ctx.p.changed("field-selector") {
        return Err(Error::msg(
            "error: cannot set --all and --field-selector at the same time",
        ));
    }
    let mut grace = ctx.p.int("grace-period");
    let force = ctx.p.bool("force");
    if ctx.p.bool("now") {
        if grace != -1 {
            return Err(Error::msg(
                "error: --now and --grace-period cannot be specified together",
            ));
        }
        grace = 1;
    }
    if grace == 0 && !force {
        grace = 1;
    }
    if force && grace < 0 {
        grace = 0;
    }
    if force && grace == 0 {
        ctx.err.push_str("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n");
    } else if force && grace > 0 {
        return Err(Error::msg(
            "error: --force and --grace-period greater than 0 cannot be specified together",
        ));
    }
    let propagation = match ctx.p.str("cascade").as_str() {
        "" | "background" | "true" => Propagation::Background,
        "foreground" => Propagation::Foreground,
        "orphan" | "false" => Propagation::Orphan,
        other => {
            return Err(Error::msg(format!(
                "error: invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\""
            )))
        }
    };
    let dry = ctx.dry_run()?;
    let req = ctx.request(false);
    if !resources::has_resources(&req) {
        return Err(Error::msg("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'"));
    }
    let mut req = req;
    req.latest = false;
    let found = resources::visit(ctx.cp, &req, ctx.stdin)?;
    let ignore_not_found = if ctx.p.changed("ignore-not-found") {
        ctx.p.bool("ignore-not-found")
    } else {
        all || ctx.p.changed("selector") || ctx.p.changed("field-selector")
    };
    let mut errors: Vec<Error> = found
        .errors
        .into_iter()
        .filter(|e| !(ignore_not_found && matches!(e, Error::Status(s) if s.code == 404)))
        .collect();
    let mut warn_cluster_scope = ctx.explicit_ns() && !ctx.p.bool("all-namespaces");
    let wait = ctx.p.bool("wait") && dry == DryRun::None;
    let timeout = super::wait::parse_duration(&ctx.p.str("timeout"))?;
    let mut shadow = (dry == DryRun::Server).then(|| ctx.cp.clone());
    let mut count = 0;
    let mut deleted: Vec<(&resources::Info, String)> = Vec::new();
    for info in &found.infos {
        count += 1;
        if warn_cluster_scope && !info.kind.namespaced {
            ctx.warn("deleting cluster-scoped resources, not scoped to the provided namespace");
            warn_cluster_scope = false;
        }
        let print = |ctx: &mut Ctx<'_>| {
            let kg = kind_group(info.kind);
            if output == "name" {
                ctx.out.push_str(&format!("{kg}/{}\n", info.name));
            } else {
                let op = if grace == 0 {
                    "force deleted"
                } else {
                    "deleted"
                };
                ctx.out
                    .push_str(&format!("{kg} \"{}\" {op}{}\n", info.name, dry.suffix()));
            }
        };
        if dry == DryRun::Client {
            print(ctx);
            continue;
        }
        let opts = DeleteOptions {
            api_version: Some(info.kind.api_version()),
            kind: info.kind.kind.to_string(),
            namespace: Some(info.namespace.clone()),
            name: info.name.clone(),
            propagation_policy: Some(propagation),
            grace_period_seconds: (grace >= 0).then_some(grace),
        };
        let cp: &mut ControlPlane = match shadow.as_mut() {
            Some(s) => s,
            None => &mut *ctx.cp,
        };
        match cp.delete(&super::ws(cp), &opts) {
            Ok(gone) => {
                print(ctx);
                deleted.push((info, crate::api::object::uid(&gone).to_string()));
            }
            Err(s) if ignore_not_found && s.code == 404 => count -= 1,
            Err(s) => {
                let s = match &info.source {
                    Some(src) => {
                        let m = format!("error when deleting \"{src}\": {}", s.message);
                        s.with_message(m)
                    }
                    None => s,
                };
                errors.push(Error::Status(s));
            }
        }
    }
    if !errors.is_empty() {
        return Err(Error::Many(errors));
    }
    if count == 0 {
        ctx.out.push_str("No resources found\n");
    }
    if wait {
        wait_for_deletion(ctx, &deleted, timeout)?;
    }
    Ok(())
}

/// `RunWait` with `IsDeleted` over the deleted objects (one deadline for all).
fn wait_for_deletion(
    ctx: &mut Ctx<'_>,
    deleted: &[(&resources::Info, String)],
    timeout: i64,
) -> Result<(), Error> {
    let ws = super::ws(ctx.cp);
    let deadline = (timeout > 0).then(|| ctx.now().saturating_add(timeout));
    let implicit = Deadline::Implicit(waiting::IMPLICIT_WAIT_MS);
    for (info, uid) in deleted {
        let gone = |cp: &mut ControlPlane| -> Result<Option<()>, Error> {
            let live = cp.server().get(&ws, info.kind, &info.namespace, &info.name);
            Ok(live
                .is_none_or(|o| !uid.is_empty() && crate::api::object::uid(o) != uid)
                .then_some(()))
        };
        let wait = deadline.map_or(implicit, |d| {
            Deadline::After(d.saturating_sub(ctx.now()).max(0))
        });
        match waiting::until(ctx.cp, wait, gone)? {
            Waited::Done(()) => {}
            Waited::TimedOut => {
                return Err(Error::msg(format!(
                    "error: timed out waiting for the condition on {}/{}",
                    info.kind.plural, info.name
                )))
            }
            // Nothing left to happen: the object stays (e.g. a finalizer nobody removes).
            Waited::GaveUp => return Ok(()),
        }
    }
    Ok(())
}
