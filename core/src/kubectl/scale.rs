//! `kubectl scale` (k8s.io/kubectl/pkg/cmd/scale): sets `spec.replicas` of Deployments,
//! ReplicaSets, StatefulSets and ReplicationControllers (their `/scale` subresource), with
//! the `--current-replicas` and `--resource-version` preconditions; `deployment.apps/web
//! scaled`.
use super::print;
use super::resources;
use super::{Ctx, DryRun, Error};
use crate::api::{object, Value};
use crate::control_plane::{ControlPlane, ObjectRef};
use crate::server::patch::PatchType;
use crate::server::status::Status;

pub(super) fn scale(ctx: &mut Ctx<'_>) -> Result<(), Error> {
    super::create::required(ctx, &["replicas"])?;
    let replicas = ctx.p.int("replicas");
    if replicas < 0 {
        return Err(Error::msg(
            "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0",
        ));
    }
    if ctx.p.bool("all") && ctx.p.changed("selector") {
        return Err(Error::msg(
            "error: cannot set --all and --selector at the same time",
        ));
    }
    let fmt = print::format(ctx, false)?;
    let dry = ctx.dry_run()?;
    let req = ctx.request(false);
    if !resources::has_resources(&req) {
        return Err(ctx.usage("Required resource not specified."));
    }
    let found = resources::visit(ctx.cp, &req, ctx.stdin)?;
    let current = ctx.p.int("current-replicas");
    let rv = ctx.p.str("resource-version");
    if !rv.is_empty() && found.infos.len() > 1 {
        return Err(Error::msg(
            "error: cannot use --resource-version with multiple resources",
        ));
    }
    let mut shadow = (dry == DryRun::Server).then(|| ctx.cp.clone());
    let mut errors = found.errors.clone();
    for info in &found.infos {
        if !matches!(
            (info.kind.group, info.kind.kind),
            ("apps", "Deployment" | "ReplicaSet" | "StatefulSet") | ("", "ReplicationController")
        ) {
            errors.push(Error::Status(Status::new(
                404,
                "NotFound",
                "the server could not find the requested resource",
            )));
            continue;
        }
        let have = object::i64_at(&info.object, &["spec", "replicas"]).unwrap_or(1);
        if current >= 0 && have != current {
            errors.push(Error::msg(format!(
                "error: Expected replicas to be {current}, was {have}"
            )));
            continue;
        }
        if !rv.is_empty()
            && object::str_at(&info.object, &["metadata", "resourceVersion"]) != Some(rv.as_str())
        {
            errors.push(Error::Status(Status::conflict(info.kind, &info.name)));
            continue;
        }
        if dry == DryRun::Client {
            let mut o = info.object.clone();
            object::set_path(&mut o, &["spec", "replicas"], Value::from(replicas));
            print::operation(ctx, &fmt, &o, "scaled", dry, true)?;
            continue;
        }
        let r = ObjectRef {
            api_version: Some(info.kind.api_version()),
            kind: info.kind.kind.into(),
            namespace: Some(info.namespace.clone()),
            name: info.name.clone(),
        };
        let patch = crate::json!({"spec": {"replicas": replicas}});
        let cp: &mut ControlPlane = match shadow.as_mut() {
            Some(s) => s,
            None => &mut *ctx.cp,
        };
        match cp.patch_as(
            &super::ws(cp),
            &r,
            &patch,
            PatchType::Merge,
            "kubectl-scale",
        ) {
            Ok(after) => print::operation(ctx, &fmt, &after, "scaled", dry, true)?,
            Err(s) => errors.push(Error::Status(s)),
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Many(errors))
    }
}
