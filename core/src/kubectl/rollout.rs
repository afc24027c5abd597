//! `kubectl rollout status|history|undo|pause|resume|restart` for Deployments
//! (k8s.io/kubectl/pkg/polymorphichelpers: rollback.go, rollout_status.go, history.go).
use super::table::render;
use super::ws;
use super::{fail, out, server_error, Flags};
use crate::api::object::{self, controller_of, str_at};
use crate::api::Value;
use crate::control_plane::{ControlPlane, KubectlOutput};
use crate::json;
use crate::server::patch::PatchType;
use crate::server::status::Status;
use crate::ObjectRef;

const REVISION: &str = "deployment.kubernetes.io/revision";
/// The field manager kubectl's rollout commands write as.
const MANAGER: &str = "kubectl-rollout";

pub(super) fn rollout(cp: &mut ControlPlane, f: &Flags) -> KubectlOutput {
    let Some((sub, rest)) = f.positional.split_first() else {
        return fail("error: Required resource not specified.\nUse one of: history, pause, restart, resume, status, undo".into());
    };
    let target = match rest {
        [one] => one
            .split_once('/')
            .map(|(t, n)| (t.to_string(), n.to_string())),
        [t, n] => Some((t.clone(), n.clone())),
        _ => None,
    };
    let Some((resource, name)) = target else {
        return fail("error: required resource not specified".into());
    };
    let info = match super::resolve(cp, &resource) {
        Ok(i) if i.kind == "Deployment" => i,
        Ok(i) => {
            return fail(format!(
                "error: no {} rollout support for {}",
                sub,
                i.qualified_resource()
            ))
        }
        Err(e) => return e,
    };
    let ns = f.namespace.clone().unwrap_or_else(|| "default".into());
    let r = ObjectRef {
        api_version: Some(info.api_version()),
        kind: info.kind.into(),
        namespace: Some(ns.clone()),
        name: name.clone(),
    };
    let Some(d) = cp.server().get(&ws(cp), info, &ns, &name).cloned() else {
        return server_error(&Status::not_found(info, &name));
    };
    let reference = super::resource_ref(info, &name);
    let patch = |cp: &mut ControlPlane, p: Value, word: &str| match cp.patch_as(
        &ws(cp),
        &r,
        &p,
        PatchType::Merge,
        MANAGER,
    ) {
        Ok(_) => out(format!("{reference} {word}\n")),
        Err(s) => server_error(&s),
    };
    match sub.as_str() {
        "pause" if d["spec"]["paused"] == true => {
            fail(format!("error: {reference} is already paused"))
        }
        "pause" => patch(cp, json!({"spec": {"paused": true}}), "paused"),
        "resume" if d["spec"]["paused"] != true => {
            fail(format!("error: {reference} is not paused"))
        }
        "resume" => patch(cp, json!({"spec": {"paused": null}}), "resumed"),
        "restart" => {
            let now = cp.now();
            patch(
                cp,
                json!({"spec": {"template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": now}}}}}),
                "restarted",
            )
        }
        "history" => history(cp, &d, &reference),
        "undo" => undo(cp, &d, &reference, f.to_revision.unwrap_or(0)),
        "status" => status(cp, &r, f.watch.as_deref() != Some("false")),
        other => fail(format!(
            "error: unknown command \"{other}\" for \"kubectl rollout\""
        )),
    }
}

/// The Deployment's ReplicaSets with their revisions, oldest revision first.
fn revisions(cp: &ControlPlane, d: &Value) -> Vec<(i64, Value)> {
    let rs_info = super::super::controllers::kind("apps/v1", "ReplicaSet");
    let uid = object::uid(d);
    let mut out: Vec<(i64, Value)> = cp
        .server()
        .list(&ws(cp), rs_info, Some(object::namespace(d)))
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

fn history(cp: &ControlPlane, d: &Value, reference: &str) -> KubectlOutput {
    let mut rows = vec![vec!["REVISION".to_string(), "CHANGE-CAUSE".to_string()]];
    for (rev, rs) in revisions(cp, d) {
        let cause = str_at(
            &rs,
            &["metadata", "annotations", "kubernetes.io/change-cause"],
        )
        .unwrap_or("<none>");
        rows.push(vec![rev.to_string(), cause.to_string()]);
    }
    out(format!("{reference}\n{}\n", render(&rows)))
}

/// `DeploymentRollbacker`: copy the chosen revision's template (without `pod-template-hash`).
fn undo(cp: &mut ControlPlane, d: &Value, reference: &str, to: i64) -> KubectlOutput {
    let revs = revisions(cp, d);
    let current = str_at(d, &["metadata", "annotations", REVISION])
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(0);
    let target = if to == 0 {
        revs.iter().rev().find(|(rev, _)| *rev != current)
    } else {
        revs.iter().find(|(rev, _)| *rev == to)
    };
    let Some((rev, rs)) = target else {
        return if to == 0 {
            fail(format!(
                "error: no rollout history found for deployment \"{}\"",
                object::name(d)
            ))
        } else {
            fail(format!(
                "error: unable to find specified revision {to} in history"
            ))
        };
    };
    if *rev == current {
        return out(format!(
            "{reference} skipped rollback (current template already matches revision {rev})\n"
        ));
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
    match cp.update_as(&ws(cp), new, MANAGER) {
        Ok(_) => out(format!("{reference} rolled back\n")),
        Err(s) => server_error(&s),
    }
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
fn status(cp: &mut ControlPlane, r: &ObjectRef, watch: bool) -> KubectlOutput {
    let mut stdout = String::new();
    let mut last = String::new();
    // progressDeadlineSeconds bounds the wait, as the Progressing condition does.
    for _ in 0..=3600 {
        let Ok(Some(d)) = cp.get(&ws(cp), r) else {
            return server_error(&Status::not_found(
                super::super::controllers::kind("apps/v1", "Deployment"),
                &r.name,
            ));
        };
        let (line, done) = status_line(&d);
        if line != last {
            if done == Some(false) {
                return KubectlOutput {
                    stdout,
                    stderr: format!("error: {line}\n"),
                    exit_code: 1,
                };
            }
            stdout.push_str(&line);
            stdout.push('\n');
            last = line;
        }
        if done.is_some() || !watch {
            break;
        }
        let _ = cp.advance(1.0); // a fixed, valid step
    }
    out(stdout)
}
