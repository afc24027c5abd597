//! `kubectl label` and `kubectl annotate` (k8s.io/kubectl/pkg/cmd/label/label.go,
//! annotate/annotate.go): `KEY=VALUE` sets, `KEY-` removes, existing values are only
//! changed with `--overwrite`; the change goes as a JSON merge patch of the metadata.
//! `pod/web labeled`, `not labeled` when nothing changed, `unlabeled` when only removals
//! shrank the object; `pod/web annotated`; `--list` prints the current pairs.
use super::print::{self, Format};
use super::resources;
use super::{Ctx, DryRun, Error};
use crate::api::{object, Value};
use crate::control_plane::{ControlPlane, ObjectRef};
use crate::server::patch::PatchType;
use std::collections::BTreeMap;

/// `cmdutil.GetResourcesAndPairs`.
fn split_args(args: &[String], pair_type: &str) -> Result<(Vec<String>, Vec<String>), Error> {
    let (mut resources, mut pairs) = (Vec::new(), Vec::new());
    let mut found = false;
    for s in args {
        let pair = (s.contains('=') && !s.starts_with('=')) || (s.ends_with('-') && s != "-");
        match (found, pair) {
            (_, true) => {
                found = true;
                pairs.push(s.clone());
            }
            (false, false) => resources.push(s.clone()),
            (true, false) => {
                return Err(Error::msg(format!(
                    "error: all resources must be specified before {pair_type} changes: {s}"
                )))
            }
        }
    }
    Ok((resources, pairs))
}

/// `IsValidLabelValue`.
fn valid_label_value(v: &str) -> bool {
    if v.len() > 63 {
        return false;
    }
    if v.is_empty() {
        return true;
    }
    let b = v.as_bytes();
    b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

pub(super) fn label(ctx: &mut Ctx<'_>) -> Result<(), Error> {
    let is_label = ctx.path == "label";
    let (noun, done) = if is_label {
        ("label", "labeled")
    } else {
        ("annotation", "annotated")
    };
    let (res_args, pairs) = split_args(&ctx.p.args, noun)?;
    let list = ctx.p.bool("list");
    if list && ctx.p.changed("output") {
        return Err(Error::msg(
            "error: --list and --output may not be specified together",
        ));
    }
    if ctx.p.bool("all") && ctx.p.changed("selector") {
        return Err(Error::msg(
            "error: cannot set --all and --selector at the same time",
        ));
    }
    if ctx.p.bool("all") && ctx.p.changed("field-selector") {
        return Err(Error::msg(
            "error: cannot set --all and --field-selector at the same time",
        ));
    }
    if res_args.is_empty() && ctx.p.list("filename").is_empty() {
        return Err(Error::msg(
            "error: one or more resources must be specified as <resource> <name> or <resource>/<name>",
        ));
    }
    if pairs.is_empty() && !list {
        return Err(Error::msg(format!(
            "error: at least one {noun} update is required"
        )));
    }
    let mut set: BTreeMap<String, String> = BTreeMap::new();
    let mut remove: Vec<String> = Vec::new();
    if is_label {
        for spec in &pairs {
            if spec.contains('=') {
                let parts: Vec<&str> = spec.split('=').collect();
                if parts.len() != 2 {
                    return Err(Error::msg(format!("error: invalid label spec: {spec}")));
                }
                if !valid_label_value(parts[1]) {
                    return Err(Error::msg(format!("error: invalid label value: {spec:?}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")));
                }
                set.insert(parts[0].to_string(), parts[1].to_string());
            } else if let Some(k) = spec.strip_suffix('-') {
                remove.push(k.to_string());
            } else {
                return Err(Error::msg(format!("error: unknown label spec: {spec}")));
            }
        }
        if remove.iter().any(|r| set.contains_key(r)) {
            return Err(Error::msg(
                "error: can not both modify and remove a label in the same command",
            ));
        }
    } else {
        let mut invalid = Vec::new();
        for spec in &pairs {
            match spec.split_once('=') {
                Some((k, v)) if !k.is_empty() => {
                    set.insert(k.to_string(), v.to_string());
                }
                _ => match spec.strip_suffix('-') {
                    Some(k) if spec != "-" => remove.push(k.to_string()),
                    _ => invalid.push(spec.clone()),
                },
            }
        }
        if !invalid.is_empty() {
            return Err(Error::msg(format!(
                "error: invalid annotation format: {}",
                invalid.join(", ")
            )));
        }
        let both: Vec<&String> = remove.iter().filter(|r| set.contains_key(*r)).collect();
        if !both.is_empty() {
            return Err(Error::msg(format!(
                "error: can not both modify and remove the following annotation(s) in the same command: {}",
                both.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
            )));
        }
    }
    let fmt = print::format(ctx, false)?;
    let dry = ctx.dry_run()?;
    let overwrite = ctx.p.bool("overwrite");
    let rv = ctx.p.str("resource-version");
    let field = if is_label { "labels" } else { "annotations" };
    let manager = ctx.p.str("field-manager");
    let mut req = ctx.request(false);
    req.args = res_args;
    let found = resources::visit(ctx.cp, &req, ctx.stdin)?;
    if !rv.is_empty() && found.infos.len() > 1 {
        return Err(Error::msg(
            "error: --resource-version may only be used with a single resource",
        ));
    }
    let one = found.single_item_implied;
    let mut shadow = (dry == DryRun::Server).then(|| ctx.cp.clone());
    let mut errors = found.errors.clone();
    for info in &found.infos {
        let current = object::string_map(&info.object, &["metadata", field]);
        if list {
            if !one {
                let group = info.kind.group;
                ctx.out.push_str(&format!(
                    "Listing {field} for {}.{group}/{}:\n",
                    info.kind.kind, info.name
                ));
            }
            let indent = if one { "" } else { " " };
            for (k, v) in &current {
                ctx.out.push_str(&format!("{indent}{k}={v}\n"));
            }
            continue;
        }
        // Overwrite check.
        if !overwrite {
            if is_label {
                let conflicts: Vec<String> = set
                    .iter()
                    .filter_map(|(k, v)| match current.get(k) {
                        Some(cur) if cur != v => Some(format!(
                            "'{k}' already has a value ({cur}), and --overwrite is false"
                        )),
                        _ => None,
                    })
                    .collect();
                if !conflicts.is_empty() {
                    errors.extend(conflicts.into_iter().map(Error::Msg));
                    continue;
                }
            } else {
                let conflicts: Vec<String> = set
                    .iter()
                    .filter(|(k, _)| k.as_str() != "kubernetes.io/change-cause")
                    .filter_map(|(k, v)| match current.get(k) {
                        Some(cur) if cur != v => Some(format!("'{k}' already has a value ({cur})")),
                        _ => None,
                    })
                    .collect();
                if !conflicts.is_empty() {
                    errors.push(Error::msg(format!(
                        "error: --overwrite is false but found the following declared annotation(s): {}",
                        conflicts.join("; ")
                    )));
                    continue;
                }
            }
        }
        let mut next = current.clone();
        for (k, v) in &set {
            next.insert(k.clone(), v.clone());
        }
        for r in &remove {
            next.remove(r);
        }
        let msg = if !is_label {
            done.to_string()
        } else if next == current {
            "not labeled".to_string()
        } else if !overwrite && size(&next) < size(&current) {
            "unlabeled".to_string()
        } else {
            "labeled".to_string()
        };
        if dry == DryRun::Client {
            let mut o = info.object.clone();
            let m: crate::api::Map = next
                .iter()
                .map(|(k, v)| (k.as_str(), Value::from(v.as_str())))
                .collect();
            object::set_path(&mut o, &["metadata", field], Value::Object(m));
            print_result(ctx, &fmt, &o, &msg, dry)?;
            continue;
        }
        for r in &remove {
            if is_label && !current.contains_key(r) {
                ctx.out.push_str(&format!("label {r:?} not found.\n"));
            }
        }
        let mut changes = crate::api::Map::new();
        for (k, v) in &set {
            if current.get(k) != Some(v) {
                changes.insert(k.as_str(), Value::from(v.as_str()));
            }
        }
        for r in &remove {
            if current.contains_key(r) {
                changes.insert(r.as_str(), Value::Null);
            }
        }
        let mut meta = crate::api::Map::new();
        if !changes.is_empty() {
            meta.insert(field, Value::Object(changes));
        }
        if !rv.is_empty() {
            meta.insert("resourceVersion", Value::from(rv.as_str()));
        }
        let patch = crate::json!({"metadata": Value::Object(meta)});
        let r = ObjectRef {
            api_version: Some(info.kind.api_version()),
            kind: info.kind.kind.into(),
            namespace: Some(info.namespace.clone()),
            name: info.name.clone(),
        };
        let cp: &mut ControlPlane = match shadow.as_mut() {
            Some(s) => s,
            None => &mut *ctx.cp,
        };
        match cp.patch_as(&super::ws(cp), &r, &patch, PatchType::Merge, &manager) {
            Ok(after) => print_result(ctx, &fmt, &after, &msg, dry)?,
            Err(s) => errors.push(Error::Status(s)),
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Many(errors))
    }
}

/// The JSON size of a map, as `updateDataChangeMsg` compares marshalled objects.
fn size(m: &BTreeMap<String, String>) -> usize {
    m.iter().map(|(k, v)| k.len() + v.len() + 6).sum()
}

fn print_result(
    ctx: &mut Ctx<'_>,
    fmt: &Format,
    obj: &Value,
    msg: &str,
    dry: DryRun,
) -> Result<(), Error> {
    print::operation(ctx, fmt, obj, msg, dry, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// helpers_test.go `TestGetResourcesAndPairs` shapes.
    #[test]
    fn splits_resources_and_pairs() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let (r, p) = split_args(&s(&["pod", "foo", "a=b", "c-"]), "label").unwrap();
        assert_eq!((r, p), (s(&["pod", "foo"]), s(&["a=b", "c-"])));
        assert!(split_args(&s(&["pod", "a=b", "foo"]), "label").is_err());
        assert!(valid_label_value("my_value"));
        assert!(!valid_label_value("-x"));
        assert!(!valid_label_value(&"a".repeat(64)));
    }
}
