//! `kubectl patch` (k8s.io/kubectl/pkg/cmd/patch/patch.go): a strategic merge (default),
//! JSON merge or JSON patch of each named object; `patched`, or `patched (no change)` when
//! the object came back identical.
use super::print;
use super::resources;
use super::{Ctx, DryRun, Error};
use crate::api::Value;
use crate::control_plane::{ControlPlane, ObjectRef};
use crate::server::patch::PatchType;

pub(super) fn patch(ctx: &mut Ctx<'_>) -> Result<(), Error> {
    let text = ctx.p.str("patch");
    if text.is_empty() {
        return Err(Error::msg(
            "error: must specify --patch or --patch-file containing the contents of the patch",
        ));
    }
    let kind = match ctx.p.str("type").as_str() {
        "" | "strategic" => PatchType::Strategic,
        "merge" => PatchType::Merge,
        "json" => PatchType::Json,
        other => {
            return Err(Error::msg(format!(
                "error: --type must be one of [json merge strategic], not {other:?}"
            )))
        }
    };
    let patch = crate::server::decode::decode_value(&text)
        .map_err(|e| Error::msg(format!("error: unable to parse {text:?}: {}", e.message)))?;
    let fmt = print::format(ctx, false)?;
    let dry = ctx.dry_run()?;
    let manager = ctx.p.str("field-manager");
    let req = ctx.request(false);
    let found = resources::visit(ctx.cp, &req, ctx.stdin)?;
    let mut shadow = (dry != DryRun::None).then(|| ctx.cp.clone());
    let mut count = 0;
    for info in &found.infos {
        count += 1;
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
        match cp.patch_as(&super::ws(cp), &r, &patch, kind, &manager) {
            Ok(after) => {
                let op = if same(&after, &info.object) {
                    "patched (no change)"
                } else {
                    "patched"
                };
                print::operation(ctx, &fmt, &after, op, dry, true)?;
            }
            Err(s) => {
                return Err(Error::Many(
                    vec![Error::Status(s)]
                        .into_iter()
                        .chain(found.errors.clone())
                        .collect(),
                ))
            }
        }
    }
    if !found.errors.is_empty() {
        return Err(Error::Many(found.errors));
    }
    if count == 0 {
        return Err(Error::msg("error: no objects passed to patch"));
    }
    Ok(())
}

/// Whether the patch changed nothing (resourceVersion and managed-field times aside).
fn same(a: &Value, b: &Value) -> bool {
    let strip = |v: &Value| {
        let mut v = v.clone();
        if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
            m.shift_remove("resourceVersion");
            m.shift_remove("managedFields");
            m.shift_remove("generation");
        }
        v
    };
    strip(a) == strip(b)
}
