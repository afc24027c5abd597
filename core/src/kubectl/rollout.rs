//! `kubectl rollout status|history|undo|pause|resume|restart` for Deployments, and `status` and
//! `restart` for StatefulSets and DaemonSets (k8s.io/kubectl/pkg/polymorphichelpers:
//! rollback.go, rollout_status.go, history.go, objectrestarter.go).
use super::resources::{resolve_type, resource_ref};
use super::waiting::{self, Deadline, Waited, Watcher};
use super::{Ctx, Error};
use crate::api::object::{self, controller_of, str_at};
use crate::api::Value;
use crate::control_plane::{ControlPlane, WatchOptions};
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
    // The status viewers and the restarter know StatefulSets and DaemonSets too
    // (polymorphichelpers StatusViewerFor, defaultObjectRestarter); the rest only Deployments.
    let workload = matches!(info.kind, "StatefulSet" | "DaemonSet") && info.group == "apps";
    if info.kind != "Deployment" && !(workload && matches!(sub, "status" | "restart")) {
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
            let timeout = super::wait::parse_duration(&ctx.p.str("timeout"))?;
            let deadline = if timeout > 0 {
                Deadline::After(timeout)
            } else {
                // No deadline: a Deployment's rollout ends at the latest with its progress
                // deadline (ProgressDeadlineExceeded), which kplane waits to see.
                let progress = object::i64_at(&d, &["spec", "progressDeadlineSeconds"])
                    .unwrap_or(600)
                    .clamp(0, 86_400);
                Deadline::Implicit(waiting::IMPLICIT_WAIT_MS.max((progress + 60) * 1000))
            };
            status(ctx, &r, watch, deadline)
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

/// The line `kubectl rollout status` prints for a Deployment, StatefulSet or DaemonSet now
/// (polymorphichelpers/rollout_status.go, without the trailing newline), and whether the
/// rollout is done: `Some(true)` done, `Some(false)` an error (the line is its message),
/// `None` still going.
pub fn status_line(obj: &Value) -> (String, Option<bool>) {
    match object::kind(obj) {
        "StatefulSet" => stateful_set_status(obj),
        "DaemonSet" => daemon_set_status(obj),
        _ => deployment_status(obj),
    }
}

fn int(o: &Value, keys: &[&str]) -> i64 {
    object::i64_at(o, keys).unwrap_or(0)
}

/// `DeploymentStatusViewer.Status`.
fn deployment_status(d: &Value) -> (String, Option<bool>) {
    let name = object::name(d);
    if int(d, &["metadata", "generation"]) > int(d, &["status", "observedGeneration"]) {
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
    let updated = int(d, &["status", "updatedReplicas"]);
    let total = int(d, &["status", "replicas"]);
    let available = int(d, &["status", "availableReplicas"]);
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

/// `StatefulSetStatusViewer.Status`.
fn stateful_set_status(sts: &Value) -> (String, Option<bool>) {
    if str_at(sts, &["spec", "updateStrategy", "type"]).unwrap_or("RollingUpdate")
        != "RollingUpdate"
    {
        return (
            "rollout status is only available for RollingUpdate strategy type".into(),
            Some(false),
        );
    }
    let observed = int(sts, &["status", "observedGeneration"]);
    if observed == 0 || int(sts, &["metadata", "generation"]) > observed {
        return (
            "Waiting for statefulset spec update to be observed...".into(),
            None,
        );
    }
    let replicas = object::i64_at(sts, &["spec", "replicas"]);
    let ready = int(sts, &["status", "readyReplicas"]);
    if let Some(r) = replicas.filter(|r| ready < *r) {
        return (
            format!("Waiting for {} pods to be ready...", r - ready),
            None,
        );
    }
    let updated = int(sts, &["status", "updatedReplicas"]);
    if sts["spec"]["updateStrategy"]["rollingUpdate"].is_object() {
        let partition = object::i64_at(
            sts,
            &["spec", "updateStrategy", "rollingUpdate", "partition"],
        );
        if let (Some(r), Some(p)) = (replicas, partition) {
            if updated < r - p {
                return (
                    format!("Waiting for partitioned roll out to finish: {updated} out of {} new pods have been updated...", r - p),
                    None,
                );
            }
        }
        return (
            format!("partitioned roll out complete: {updated} new pods have been updated..."),
            Some(true),
        );
    }
    let update = str_at(sts, &["status", "updateRevision"]).unwrap_or("");
    let current = str_at(sts, &["status", "currentRevision"]).unwrap_or("");
    if update != current {
        return (
            format!("waiting for statefulset rolling update to complete {updated} pods at revision {update}..."),
            None,
        );
    }
    (
        format!(
            "statefulset rolling update complete {} pods at revision {current}...",
            int(sts, &["status", "currentReplicas"])
        ),
        Some(true),
    )
}

/// `DaemonSetStatusViewer.Status`.
fn daemon_set_status(ds: &Value) -> (String, Option<bool>) {
    let name = object::name(ds);
    if str_at(ds, &["spec", "updateStrategy", "type"]).unwrap_or("RollingUpdate") != "RollingUpdate"
    {
        return (
            "rollout status is only available for RollingUpdate strategy type".into(),
            Some(false),
        );
    }
    if int(ds, &["metadata", "generation"]) > int(ds, &["status", "observedGeneration"]) {
        return (
            "Waiting for daemon set spec update to be observed...".into(),
            None,
        );
    }
    let desired = int(ds, &["status", "desiredNumberScheduled"]);
    let updated = int(ds, &["status", "updatedNumberScheduled"]);
    let available = int(ds, &["status", "numberAvailable"]);
    if updated < desired {
        return (format!("Waiting for daemon set \"{name}\" rollout to finish: {updated} out of {desired} new pods have been updated..."), None);
    }
    if available < desired {
        return (format!("Waiting for daemon set \"{name}\" rollout to finish: {available} of {desired} updated pods are available..."), None);
    }
    (
        format!("daemon set \"{name}\" successfully rolled out"),
        Some(true),
    )
}

/// `RolloutStatusOptions.Run`: watches the object (in virtual time, [`waiting`]) and prints
/// the status line at each `ADDED`/`MODIFIED` event, as kubectl does (a line repeats when the
/// object changes without changing it), until the rollout is done, fails, or (`--watch=false`)
/// after the first.
fn status(ctx: &mut Ctx<'_>, r: &ObjectRef, watch: bool, deadline: Deadline) -> Result<(), Error> {
    let mut watcher = Watcher::new(
        super::ws(ctx.cp),
        WatchOptions {
            api_version: r.api_version.clone(),
            kind: Some(r.kind.clone()),
            namespace: r.namespace.clone(),
            field_selector: Some(format!("metadata.name={}", r.name)),
            ..Default::default()
        },
    );
    let out = &mut ctx.out;
    let waited = waiting::until(ctx.cp, deadline, |cp| {
        for e in watcher.poll(cp)? {
            match e.kind.as_str() {
                "ADDED" | "MODIFIED" => {
                    let (line, done) = status_line(&e.object);
                    if done == Some(false) {
                        return Err(Error::msg(format!("error: {line}")));
                    }
                    out.push_str(&line);
                    out.push('\n');
                    if done == Some(true) || !watch {
                        return Ok(Some(()));
                    }
                }
                "DELETED" => return Err(Error::msg("error: object has been deleted")),
                _ => {}
            }
        }
        Ok(None)
    })?;
    match waited {
        Waited::TimedOut => Err(Error::msg("error: timed out waiting for the condition")),
        Waited::Done(()) | Waited::GaveUp => Ok(()),
    }
}
