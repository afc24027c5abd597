//! `kubectl set image|env|resources` (k8s.io/kubectl/pkg/cmd/set): edit the pod template of
//! each object (the pod spec of a Pod, `spec.template.spec` of workloads,
//! `spec.jobTemplate.spec.template.spec` of a CronJob) and write it back as the field
//! manager `kubectl-set`; nothing is printed for an object that did not change.
use super::print;
use super::resources::{self, Info};
use super::{Ctx, DryRun, Error};
use crate::api::{object, Map, Value};
use crate::control_plane::ControlPlane;

/// Where a kind keeps its pod spec (`polymorphichelpers.updatePodSpecForObject`).
pub(super) fn pod_spec_path(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "Pod" => &["spec"],
        "Deployment"
        | "ReplicaSet"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicationController"
        | "Job"
        | "PodTemplate" => {
            if kind == "PodTemplate" {
                &["template", "spec"]
            } else {
                &["spec", "template", "spec"]
            }
        }
        "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
        _ => return None,
    })
}

/// `selectString`: `*` matches anything, a single `*` inside is a wildcard.
fn select(name: &str, spec: &str) -> bool {
    if spec == "*" {
        return true;
    }
    match spec.split_once('*') {
        None => name == spec,
        Some((pre, post)) => name.starts_with(pre) && name[pre.len()..].ends_with(post),
    }
}

/// Splits `TYPE NAME K=V …` into resources and pairs (`set env`, `set image`).
fn split(
    args: &[String],
    pair: impl Fn(&str) -> bool,
    what: &str,
) -> Result<(Vec<String>, Vec<String>), Error> {
    let (mut res, mut pairs) = (Vec::new(), Vec::new());
    for a in args {
        if pair(a) {
            pairs.push(a.clone());
        } else if pairs.is_empty() {
            res.push(a.clone());
        } else {
            return Err(Error::msg(format!(
                "error: all resources must be specified before {what} changes: {}",
                args.join(" ")
            )));
        }
    }
    Ok((res, pairs))
}

pub(super) fn set(ctx: &mut Ctx<'_>) -> Result<(), Error> {
    let what = ctx.path.trim_start_matches("set ").to_string();
    let (res, pairs) = match what.as_str() {
        "image" => split(&ctx.p.args, |a| a.contains('='), "image")?,
        "env" => split(
            &ctx.p.args,
            |a| a.contains('=') || (a.ends_with('-') && a != "-"),
            "environment",
        )?,
        _ => (ctx.p.args.clone(), vec![]),
    };
    // Complete (the builder) runs before Validate.
    let fmt = print::format(ctx, false)?;
    let dry = ctx.dry_run()?;
    let mut req = ctx.request(false);
    req.args = res.clone();
    let found = resources::visit(ctx.cp, &req, ctx.stdin)?;
    if ctx.p.bool("all") && ctx.p.changed("selector") {
        return Err(Error::msg(
            "error: cannot set --all and --selector at the same time",
        ));
    }
    if res.is_empty() && ctx.p.list("filename").is_empty() {
        return Err(Error::msg(
            "error: one or more resources must be specified as <resource> <name> or <resource>/<name>",
        ));
    }
    let mut images: Vec<(String, String)> = Vec::new();
    let mut env_set: Vec<(String, Value)> = Vec::new();
    let mut env_remove: Vec<String> = Vec::new();
    let (mut limits, mut requests) = (Map::new(), Map::new());
    match what.as_str() {
        "image" => {
            for p in &pairs {
                let (c, i) = p.split_once('=').unwrap_or((p, ""));
                images.push((c.to_string(), i.to_string()));
            }
            if images.is_empty() {
                return Err(Error::msg("error: at least one image update is required"));
            }
            if images.len() > 1 && images.iter().any(|(c, _)| c == "*") {
                return Err(Error::msg("error: all containers are already specified by *, but saw more than one container_name=container_image pairs"));
            }
        }
        "env" => {
            let mut extra: Vec<String> = ctx.p.list("env");
            extra.extend(pairs.iter().cloned());
            for spec in &extra {
                if let Some((k, v)) = spec.split_once('=') {
                    env_set.push((k.to_string(), crate::json!({"name": k, "value": v})));
                } else if let Some(k) = spec.strip_suffix('-') {
                    env_remove.push(k.to_string());
                } else {
                    return Err(Error::msg(format!(
                        "error: invalid environment variable: {spec}"
                    )));
                }
            }
            let from = ctx.p.str("from");
            if !from.is_empty() {
                env_set.extend(env_from(ctx, &from)?);
            }
            if !ctx.p.str("keys").is_empty() && from.is_empty() {
                return Err(Error::msg(
                    "error: when specifying --keys, a configmap or secret must be provided with --from",
                ));
            }
        }
        _ => {
            let parse = |s: String| -> Result<Map, Error> {
                let mut m = Map::new();
                if s.is_empty() {
                    return Ok(m);
                }
                for kv in s.split(',') {
                    let (k, v) = kv.split_once('=').ok_or_else(|| {
                        Error::msg(format!(
                            "error: invalid argument syntax {kv}, expected <resource>=<value>"
                        ))
                    })?;
                    crate::api::Quantity::parse(v)
                        .map_err(|e| Error::msg(format!("error: {e}")))?;
                    m.insert(k, Value::from(v));
                }
                Ok(m)
            };
            limits = parse(ctx.p.str("limits"))?;
            requests = parse(ctx.p.str("requests"))?;
            if limits.is_empty() && requests.is_empty() {
                return Err(Error::msg("error: you must specify an update to requests or limits (in the form of --requests/--limits)"));
            }
        }
    }
    let list = what == "env" && ctx.p.bool("list");
    let overwrite = ctx.p.bool("overwrite");
    let selector = {
        let c = ctx.p.str("containers");
        if c.is_empty() {
            "*".to_string()
        } else {
            c
        }
    };
    let op = match what.as_str() {
        "image" => "image updated",
        "env" => "env updated",
        _ => "resource requirements updated",
    };
    let mut shadow = (dry == DryRun::Server).then(|| ctx.cp.clone());
    let mut errors = found.errors.clone();
    for info in &found.infos {
        let Some(path) = pod_spec_path(info.kind.kind) else {
            errors.push(Error::msg(format!(
                "error: {}/{} {} is not supported\n",
                info.kind.plural, info.name, info.kind.kind
            )));
            continue;
        };
        let mut obj = info.object.clone();
        let mut spec = object::path(&obj, path).cloned().unwrap_or_default();
        let changed = match what.as_str() {
            "image" => set_images(&mut spec, &images, &mut errors),
            "env" => match set_env(
                ctx,
                info,
                &mut spec,
                &selector,
                &env_set,
                &env_remove,
                overwrite,
                list,
            ) {
                Ok(c) => c,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            },
            _ => set_resources(&mut spec, &selector, &limits, &requests, &mut errors),
        };
        if list || !changed {
            continue;
        }
        object::set_path(&mut obj, path, spec);
        if obj == info.object {
            continue;
        }
        if dry == DryRun::Client {
            print::operation(ctx, &fmt, &obj, op, dry, true)?;
            continue;
        }
        let manager = ctx.p.str("field-manager");
        let cp: &mut ControlPlane = match shadow.as_mut() {
            Some(s) => s,
            None => &mut *ctx.cp,
        };
        match cp.update_as(&super::ws(cp), obj, &manager) {
            Ok(after) => print::operation(ctx, &fmt, &after, op, dry, true)?,
            Err(s) => errors.push(Error::msg(format!(
                "failed to patch {} update to pod template: {}",
                what,
                super::standard_message(&s)
            ))),
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Many(errors))
    }
}

fn containers_mut<'a>(spec: &'a mut Value, list: &str) -> Vec<&'a mut Value> {
    spec.get_mut(list)
        .and_then(Value::as_array_mut)
        .map(|a| a.iter_mut().collect())
        .unwrap_or_default()
}

fn set_images(spec: &mut Value, images: &[(String, String)], errors: &mut Vec<Error>) -> bool {
    let mut changed = false;
    for (name, image) in images {
        let mut found = false;
        for list in ["initContainers", "containers"] {
            for c in containers_mut(spec, list) {
                if c["name"] == name.as_str() || name == "*" {
                    found = true;
                    if c["image"] != image.as_str() {
                        c["image"] = Value::from(image.as_str());
                        changed = true;
                    }
                }
            }
        }
        if !found {
            errors.push(Error::msg(format!(
                "error: unable to find container named {name:?}"
            )));
        }
    }
    changed
}

#[allow(clippy::too_many_arguments)]
fn set_env(
    ctx: &mut Ctx<'_>,
    info: &Info,
    spec: &mut Value,
    selector: &str,
    set: &[(String, Value)],
    remove: &[String],
    overwrite: bool,
    list: bool,
) -> Result<bool, Error> {
    let mut changed = false;
    let mut matched = 0;
    for listname in ["containers", "initContainers"] {
        for c in containers_mut(spec, listname) {
            let name = c["name"].as_str().unwrap_or("").to_string();
            if !select(&name, selector) {
                continue;
            }
            matched += 1;
            let existing: Vec<Value> = c["env"].as_array().cloned().unwrap_or_default();
            if !overwrite {
                for (k, v) in set {
                    if let Some(cur) = existing.iter().find(|e| e["name"] == k.as_str()) {
                        if cur["value"] != v["value"] {
                            return Err(Error::msg(format!(
                                "'{k}' already has a value ({}), and --overwrite is false",
                                cur["value"].as_str().unwrap_or("")
                            )));
                        }
                    }
                }
            }
            // updateEnv: replace in place, drop removed, append new.
            let mut covered: Vec<String> = remove.to_vec();
            let mut out: Vec<Value> = Vec::new();
            for e in &existing {
                let en = e["name"].as_str().unwrap_or("").to_string();
                if covered.contains(&en) {
                    continue;
                }
                if let Some((_, newer)) = set.iter().find(|(k, _)| *k == en) {
                    covered.push(en);
                    out.push(newer.clone());
                    continue;
                }
                out.push(e.clone());
            }
            for (k, v) in set {
                if covered.contains(k) {
                    continue;
                }
                covered.push(k.clone());
                out.push(v.clone());
            }
            if list {
                let kind = info.kind.kind.to_lowercase() + "s";
                ctx.out
                    .push_str(&format!("# {kind} {}, container {name}\n", info.name));
                for e in &out {
                    if e.get("valueFrom").is_some_and(|v| !v.is_null()) {
                        ctx.out.push_str(&format!(
                            "# {} from {}\n",
                            e["name"].as_str().unwrap_or(""),
                            ref_string(&e["valueFrom"])
                        ));
                    } else {
                        ctx.out.push_str(&format!(
                            "{}={}\n",
                            e["name"].as_str().unwrap_or(""),
                            e["value"].as_str().unwrap_or("")
                        ));
                    }
                }
                continue;
            }
            let new_env = if out.is_empty() {
                Value::Null
            } else {
                Value::Array(out.into())
            };
            if c["env"] != new_env {
                if let Some(m) = c.as_object_mut() {
                    if new_env.is_null() {
                        m.shift_remove("env");
                    } else {
                        m.insert("env", new_env);
                    }
                }
                changed = true;
            }
        }
    }
    if matched == 0 {
        ctx.warn(&format!(
            "{}/{} does not have any containers matching {selector:?}",
            info.kind.kind, info.name
        ));
    }
    Ok(changed)
}

/// `envutil.GetEnvVarRefString`.
fn ref_string(from: &Value) -> String {
    if let Some(c) = from.get("configMapKeyRef").filter(|v| !v.is_null()) {
        return format!(
            "configmap {}, key {}",
            c["name"].as_str().unwrap_or(""),
            c["key"].as_str().unwrap_or("")
        );
    }
    if let Some(s) = from.get("secretKeyRef").filter(|v| !v.is_null()) {
        return format!(
            "secret {}, key {}",
            s["name"].as_str().unwrap_or(""),
            s["key"].as_str().unwrap_or("")
        );
    }
    if let Some(f) = from.get("fieldRef").filter(|v| !v.is_null()) {
        return format!("field path {}", f["fieldPath"].as_str().unwrap_or(""));
    }
    if let Some(r) = from.get("resourceFieldRef").filter(|v| !v.is_null()) {
        let mut s = r["containerName"].as_str().unwrap_or("").to_string();
        if !s.is_empty() {
            s.push('/');
        }
        return format!("resource {s}{}", r["resource"].as_str().unwrap_or(""));
    }
    "invalid valueFrom".into()
}

/// `--from=configmap/NAME|secret/NAME`: one variable per key (upper-cased, `--prefix`ed).
fn env_from(ctx: &Ctx<'_>, from: &str) -> Result<Vec<(String, Value)>, Error> {
    let (t, name) = from
        .split_once('/')
        .ok_or_else(|| Error::msg("error: unsupported resource specified in --from"))?;
    let kind = resources::resolve_type(t)?;
    let key_ref = match kind.kind {
        "ConfigMap" => "configMapKeyRef",
        "Secret" => "secretKeyRef",
        _ => {
            return Err(Error::msg(
                "error: unsupported resource specified in --from",
            ))
        }
    };
    let ns = ctx.ns();
    let obj = ctx
        .cp
        .server()
        .get(&super::ws(ctx.cp), kind, &ns, name)
        .cloned()
        .ok_or_else(|| Error::Status(crate::server::status::Status::not_found(kind, name)))?;
    let keys_filter: Vec<String> = ctx
        .p
        .str("keys")
        .split(',')
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    let prefix = ctx.p.str("prefix");
    let mut keys: Vec<String> = obj["data"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, _)| k.to_string())
        .collect();
    keys.sort();
    Ok(keys
        .into_iter()
        .filter(|k| keys_filter.is_empty() || keys_filter.contains(k))
        .map(|k| {
            let env_name: String = format!("{prefix}{k}")
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() || c == '_' { c.to_ascii_uppercase() } else { '_' })
                .collect();
            let v = crate::json!({"name": env_name.clone(), "valueFrom": {key_ref: {"key": k, "name": name}}});
            (env_name, v)
        })
        .collect())
}

fn set_resources(
    spec: &mut Value,
    selector: &str,
    limits: &Map,
    requests: &Map,
    errors: &mut Vec<Error>,
) -> bool {
    let mut transformed = false;
    let mut found = false;
    for listname in ["initContainers", "containers"] {
        for c in containers_mut(spec, listname) {
            if !select(c["name"].as_str().unwrap_or(""), selector) {
                continue;
            }
            found = true;
            for (field, values) in [("limits", limits), ("requests", requests)] {
                if values.is_empty() {
                    continue;
                }
                for (k, v) in values {
                    object::set_path(c, &["resources", field, k.as_str()], v.clone());
                }
            }
            transformed = true;
        }
    }
    if !found {
        errors.push(Error::msg(format!(
            "error: unable to find container named {selector}"
        )));
    }
    transformed
}
