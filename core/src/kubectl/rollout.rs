//! `kubectl rollout status|history|undo|pause|resume|restart` for Deployments
//! (k8s.io/kubectl/pkg/polymorphichelpers: rollback.go, rollout_status.go, history.go).
use super::resources::{resolve_type, resource_ref};
use super::{Ctx, Error};
use crate::api::object::{self, controller_of, str_at};
use crate::api::Value;
use crate::control_plane::ControlPlane;
use crate::json;
use crate::server::patch::PatchType;
use crate::server::status::Status;
use crate::ObjectRef;

const REVISION: &str = "deployment.kubernetes.io/revision";
/// The field manager kubectl's rollout commands write as.
const MANAGER: &str = "kubectl-rollout";

pub(super) fn rollout(ctx: &mut Ctx<'_>) -> Result<(), Error> {
    let sub = ctx.path.trim_start_matches("rollout ");
    let target = match ctx.p.args.as_slice() {
        [one] => one
            .split_once('/')
            .map(|(t, n)| (t.to_string(), n.to_string())),
        [t, n] => Some((t.clone(), n.clone())),
        _ => None,
    };
    let Some((resource, name)) = target else {
        return Err(ctx.usage("Required resource not specified."));
    };
    let info = resolve_type(&resource)?;
    if info.kind != "Deployment" {
        return Err(Error::msg(format!(
            "error: no {sub} rollout support for {}",
            super::resources::kind_group(info)
        )));
    }
    let ns = ctx.ns();
    let r = ObjectRef {
        api_version: Some(info.api_version()),
        kind: info.kind.into(),
        namespace: Some(ns.clone()),
        name: name.clone(),
    };
    let Some(d) = ctx
        .cp
        .server()
        .get(&super::ws(ctx.cp), info, &ns, &name)
        .cloned()
    else {
        return Err(Error::Status(Status::not_found(info, &name)));
    };
    let reference = resource_ref(info, &name);
    let patch = |ctx: &mut Ctx<'_>, p: Value, word: &str| -> Result<(), Error> {
        ctx.cp
            .patch_as(&super::ws(ctx.cp), &r, &p, PatchType::Merge, MANAGER)
            .map_err(Error::Status)?;
        ctx.out.push_str(&format!("{reference} {word}\n"));
        Ok(())
    };
    match sub {
        "pause" if d["spec"]["paused"] == true => {
            Err(Error::msg(format!("error: {reference} is already paused")))
        }
        "pause" => patch(ctx, json!({"spec": {"paused": true}}), "paused"),
        "resume" if d["spec"]["paused"] != true => {
            Err(Error::msg(format!("error: {reference} is not paused")))
        }
        "resume" => patch(ctx, json!({"spec": {"paused": null}}), "resumed"),
        "restart" => {
            let now = ctx.cp.now();
            patch(
                ctx,
                json!({"spec": {"template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": now}}}}}),
                "restarted",
            )
        }
        "history" => {
            let text = history(ctx.cp, &d, &reference);
            ctx.out.push_str(&text);
            Ok(())
        }
        "undo" => {
            let to = ctx.p.int("to-revision");
            undo(ctx, &d, &reference, to)
        }
        "status" => {
            let watch = ctx.p.bool("watch");
            status(ctx, &r, watch)
        }
        other => Err(Error::msg(format!(
            "error: unknown command \"{other}\" for \"kubectl rollout\""
        ))),
    }
}

/// The Deployment's ReplicaSets with their revisions, oldest revision first.
fn revisions(cp: &ControlPlane, d: &Value) -> Vec<(i64, Value)> {
    let Some(rs_info) = crate::api::kinds::by_kind(Some("apps/v1"), "ReplicaSet") else {
        return Vec::new();
    };
    let uid = object::uid(d);
    let mut out: Vec<(i64, Value)> = cp
        .server()
        .list(&super::ws(cp), rs_info, Some(object::namespace(d)))
        .filter(|rs| controller_of(rs).is_some_and(|r| r["uid"] == uid))
        .filter_map(|rs| {
            Some((
                str_at(rs, &["metadata", "annotations", REVISION])?
                    .parse()
                    .ok()?,
                rs.clone(),
            ))
        })
        .collect();
    out.sort_by_key(|(r, _)| *r);
    out
}

/// `ViewHistory` printed by the name printer: `deployment.apps/web ` then the table and a
/// blank line (the operation text starts with the `withRevision` part, empty here).
fn history(cp: &ControlPlane, d: &Value, reference: &str) -> String {
    let mut rows = vec![vec!["REVISION".to_string(), "CHANGE-CAUSE".to_string()]];
    for (rev, rs) in revisions(cp, d) {
        let cause = str_at(
            &rs,
            &["metadata", "annotations", "kubernetes.io/change-cause"],
        )
        .filter(|c| !c.is_empty())
        .unwrap_or("<none>");
        rows.push(vec![rev.to_string(), cause.to_string()]);
    }
    format!(
        "{reference} \n{}\n",
        super::tabwriter::describe(&render_tabbed(&rows))
    )
}

fn render_tabbed(rows: &[Vec<String>]) -> String {
    rows.iter().map(|r| r.join("\t") + "\n").collect()
}

/// `DeploymentRollbacker`: copy the chosen revision's template (without `pod-template-hash`).
fn undo(ctx: &mut Ctx<'_>, d: &Value, reference: &str, to: i64) -> Result<(), Error> {
    let revs = revisions(ctx.cp, d);
    let current = str_at(d, &["metadata", "annotations", REVISION])
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(0);
    let target = if to == 0 {
        revs.iter().rev().find(|(rev, _)| *rev != current)
    } else {
        revs.iter().find(|(rev, _)| *rev == to)
    };
    let Some((rev, rs)) = target else {
        return Err(if to == 0 {
            Error::msg(format!(
                "error: no rollout history found for deployment \"{}\"",
                object::name(d)
            ))
        } else {
            Error::msg(format!(
                "error: unable to find specified revision {to} in history"
            ))
        });
    };
    if *rev == current {
        ctx.out.push_str(&format!(
            "{reference} skipped rollback (current template already matches revision {rev})\n"
        ));
        return Ok(());
    }
    let mut template = rs["spec"]["template"].clone();
    if let Some(labels) = template
        .pointer_mut("/metadata/labels")
        .and_then(Value::as_object_mut)
    {
        labels.shift_remove("pod-template-hash");
    }
    let mut new = d.clone();
    new["spec"]["template"] = template;
    ctx.cp
        .update_as(&super::ws(ctx.cp), new, MANAGER)
        .map_err(Error::Status)?;
    ctx.out.push_str(&format!("{reference} rolled back\n"));
    Ok(())
}

/// The line `kubectl rollout status` prints for the deployment now, and whether it is done.
pub fn status_line(d: &Value) -> (String, Option<bool>) {
    let name = object::name(d);
    let int = |keys: &[&str]| object::i64_at(d, keys).unwrap_or(0);
    if int(&["metadata", "generation"]) > int(&["status", "observedGeneration"]) {
        return (
            "Waiting for deployment spec update to be observed...".into(),
            None,
        );
    }
    let progressing = object::array_at(d, &["status", "conditions"])
        .iter()
        .find(|c| c["type"] == "Progressing")
        .cloned();
    if progressing
        .as_ref()
        .is_some_and(|c| c["reason"] == "ProgressDeadlineExceeded")
    {
        return (
            format!("deployment \"{name}\" exceeded its progress deadline"),
            Some(false),
        );
    }
    let replicas = object::i64_at(d, &["spec", "replicas"]).unwrap_or(1);
    let updated = int(&["status", "updatedReplicas"]);
    let total = int(&["status", "replicas"]);
    let available = int(&["status", "availableReplicas"]);
    if updated < replicas {
        return (format!("Waiting for deployment \"{name}\" rollout to finish: {updated} out of {replicas} new replicas have been updated..."), None);
    }
    if total > updated {
        return (format!("Waiting for deployment \"{name}\" rollout to finish: {} old replicas are pending termination...", total - updated), None);
    }
    if available < updated {
        return (format!("Waiting for deployment \"{name}\" rollout to finish: {available} of {updated} updated replicas are available..."), None);
    }
    (
        format!("deployment \"{name}\" successfully rolled out"),
        Some(true),
    )
}

/// Like kubectl, waits (in virtual time) for the rollout, printing each new state.
fn status(ctx: &mut Ctx<'_>, r: &ObjectRef, watch: bool) -> Result<(), Error> {
    let mut last = String::new();
    // progressDeadlineSeconds bounds the wait, as the Progressing condition does.
    for _ in 0..=3600 {
        let Ok(Some(d)) = ctx.cp.get(&super::ws(ctx.cp), r) else {
            let info = crate::api::kinds::by_kind(Some("apps/v1"), "Deployment");
            return Err(match info {
                Some(i) => Error::Status(Status::not_found(i, &r.name)),
                None => Error::msg(format!("deployments.apps \"{}\" not found", r.name)),
            });
        };
        let (line, done) = status_line(&d);
        if line != last {
            if done == Some(false) {
                return Err(Error::msg(format!("error: {line}")));
            }
            ctx.out.push_str(&line);
            ctx.out.push('\n');
            last = line;
        }
        if done.is_some() || !watch {
            break;
        }
        let _ = ctx.cp.advance(1.0); // a fixed, valid step
    }
    Ok(())
}
