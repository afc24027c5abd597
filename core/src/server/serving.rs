//! How the server serves custom kinds: the request path of a custom object (pruning and
//! defaulting at decode time, schema validation, the storage version) and the admission of
//! the objects that define kinds (CustomResourceDefinition, APIResourceSchema) or bind them
//! (APIBinding).
//!
//! Upstream: apiextensions-apiserver `pkg/apiserver/customresource_handler.go` (the decode
//! coercer, `crdConversionRESTOptionsGetter`: objects are stored in the storage version, and
//! with conversion strategy `None` only `apiVersion` changes), `pkg/registry/customresource`
//! (strategy, status and scale); kcp `pkg/admission/apiresourceschema/validation.go`,
//! `pkg/admission/apibinding/apibinding_admission.go` (the `bind` check) and the CEL rules of
//! `sdk/apis/apis/v1alpha1/types_apibinding.go`.
use super::crd::{self, definition};
use super::custom::{self, Served};
use super::status::{go_quote, FieldError, Status, StatusDetails};
use super::Server;
use crate::api::kinds::KindInfo;
use crate::api::object::{self, set_path, str_at};
use crate::api::Value;
use crate::json;
use crate::tenancy::WorkspacePath;

/// The kind as the generic validation sees it: its name and scope, no kind-specific rules
/// (a custom kind may share a built-in kind's name, e.g. `Pod` in `example.com`).
pub(super) fn neutral(info: &KindInfo) -> KindInfo {
    KindInfo { kind: "", ..*info }
}

/// Decode-time handling of a custom object: prunes unknown fields, drops nulls the schema
/// cannot hold, applies defaults. Returns no errors (kept for symmetry with validation).
pub(super) fn prepare(c: &Served, obj: &mut Value) -> Vec<FieldError> {
    crd::coerce_object(c.version(), obj);
    Vec::new()
}

/// The validation errors of an object: the built-in kind's rules, or for a custom kind the
/// ObjectMeta rules then its schema's (the custom resource strategy's `Validate`).
pub(super) fn validate(info: &KindInfo, c: Option<&Served>, obj: &Value) -> Vec<FieldError> {
    match c {
        None => super::validate::validate(info, obj),
        Some(c) => {
            let mut errs = super::validate::validate(&neutral(info), obj);
            errs.extend(crd::object_errors(&c.crd, c.version(), obj));
            errs
        }
    }
}

/// Sets `apiVersion` to the storage version (conversion strategy `None`).
pub(super) fn to_storage_version(c: &Served, obj: &mut Value) {
    set_path(obj, &["apiVersion"], json!(c.storage_api_version()));
}

/// `MethodNotAllowed` for a create while the CRD is being deleted.
pub(super) fn terminating(info: &KindInfo) -> Status {
    let mut s = Status::new(
        405,
        "MethodNotAllowed",
        format!(
            "create not allowed while custom resource definition is terminating: {}",
            info.qualified_resource()
        ),
    );
    s.details = Some(StatusDetails {
        group: info.group.into(),
        kind: info.plural.into(),
        ..Default::default()
    });
    s
}

/// The 415 of a strategic merge patch on a custom object.
pub(super) fn strategic_merge_unsupported() -> Status {
    Status::new(
        415,
        "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
    )
}

/// `ValidateAPIResourceSchemaName`: `<prefix>.<plural>.<group>`.
fn schema_name_errors(name: &str, spec: &Value) -> Vec<FieldError> {
    let plural = str_at(spec, &["names", "plural"]).unwrap_or("");
    if plural.is_empty() {
        return vec![];
    }
    let group = str_at(spec, &["group"])
        .filter(|g| !g.is_empty())
        .unwrap_or("core");
    let postfix = format!(".{plural}.{group}");
    let Some(prefix) = name.strip_suffix(&postfix) else {
        return vec![FieldError::invalid(
            "metadata.name",
            go_quote(name),
            format!("must end in {postfix}"),
        )];
    };
    let b = prefix.as_bytes();
    let ok = !b.is_empty()
        && b[0].is_ascii_lowercase()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b.last().is_some_and(|c| *c != b'-');
    if ok {
        vec![]
    } else {
        vec![FieldError::invalid(
            "metadata.name",
            go_quote(name),
            format!("must match ^[a-z]([-a-z0-9]*[a-z0-9])?$ in front of .{plural}.{group}"),
        )]
    }
}

/// An APIResourceSchema's errors: its name, then the CRD rules on the CRD it stands for
/// (field paths mapped back: `spec.versions[i].schema…`).
fn schema_errors(obj: &Value) -> Vec<FieldError> {
    let spec = obj.get("spec").cloned().unwrap_or_else(Value::object);
    let mut errs = schema_name_errors(object::name(obj), &spec);
    let versions = object::array_at(obj, &["spec", "versions"]).len();
    if versions > 1 && spec.get("conversion").is_none_or(Value::is_null) {
        errs.push(FieldError::invalid(
            "spec",
            "\"object\"",
            "Conversion must be specified when multiple versions exist",
        ));
    }
    let generated = custom::crd_of_schema(obj);
    for mut e in definition::validate_crd(&generated) {
        if e.field == "metadata.name" {
            continue;
        }
        e.field = e
            .field
            .replace(".schema.openAPIV3Schema", ".schema")
            .replace("spec.validation.openAPIV3Schema", "spec.versions[0].schema");
        errs.push(e);
    }
    errs
}

impl Server {
    /// Admission of the objects that define or bind kinds, on create: a CRD is defaulted and
    /// validated (`admit_crd`); an APIResourceSchema is validated as kcp does; an APIBinding
    /// needs verb `bind` on its APIExport (kcp's single message, which does not say whether
    /// the export exists).
    pub(super) fn admit_definition_create(
        &self,
        workspace: &str,
        info: &KindInfo,
        obj: &mut Value,
    ) -> Result<(), Status> {
        if !matches!(info.group, crd::GROUP | "apis.kcp.io") || !custom::is_builtin(info) {
            return Ok(());
        }
        match (info.group, info.kind) {
            (crd::GROUP, "CustomResourceDefinition") => crd::admit_crd(obj),
            ("apis.kcp.io", "APIResourceSchema") => {
                let errs = schema_errors(obj);
                if errs.is_empty() {
                    Ok(())
                } else {
                    Err(Status::invalid(info, object::name(obj), errs))
                }
            }
            ("apis.kcp.io", "APIBinding") => self.admit_binding(workspace, info, obj, "create"),
            _ => Ok(()),
        }
    }

    /// Admission of the definition kinds on update: a CRD is defaulted and validated again;
    /// an APIResourceSchema's spec is immutable; an APIBinding's reference is immutable.
    pub(super) fn admit_definition_update(
        &self,
        info: &KindInfo,
        old: &Value,
        obj: &mut Value,
    ) -> Result<(), Status> {
        if !matches!(info.group, crd::GROUP | "apis.kcp.io") || !custom::is_builtin(info) {
            return Ok(());
        }
        match (info.group, info.kind) {
            (crd::GROUP, "CustomResourceDefinition") => {
                definition::default_crd(obj);
                let errs = definition::validate_crd(obj);
                if errs.is_empty() {
                    Ok(())
                } else {
                    Err(Status::invalid(info, object::name(obj), errs))
                }
            }
            ("apis.kcp.io", "APIResourceSchema") if old.get("spec") != obj.get("spec") => {
                Err(Status::invalid(
                    info,
                    object::name(obj),
                    vec![FieldError::invalid("spec", "\"object\"", "is immutable")],
                ))
            }
            ("apis.kcp.io", "APIBinding")
                if old["spec"].get("reference") != obj["spec"].get("reference") =>
            {
                Err(Status::invalid(
                    info,
                    object::name(obj),
                    vec![FieldError::invalid(
                        "spec.reference",
                        "\"object\"",
                        "APIExport reference must not be changed",
                    )],
                ))
            }
            _ => Ok(()),
        }
    }

    /// kcp's APIBinding admission: a reference to an export by name (and optional path), and
    /// verb `bind` on `apiexports/<name>` in the export's workspace for the caller.
    fn admit_binding(
        &self,
        workspace: &str,
        info: &KindInfo,
        obj: &Value,
        action: &str,
    ) -> Result<(), Status> {
        let name = object::name(obj).to_string();
        let path = str_at(obj, &["spec", "reference", "export", "path"]).unwrap_or("");
        let export = str_at(obj, &["spec", "reference", "export", "name"]).unwrap_or("");
        let mut errs = Vec::new();
        if export.is_empty() {
            errs.push(FieldError::required("spec.reference.export.name", ""));
        }
        if !path.is_empty() && WorkspacePath::parse(path).is_err() {
            errs.push(FieldError::invalid(
                "spec.reference.export.path",
                go_quote(path),
                "spec.reference.export.path in body should match '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(:[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'",
            ));
        }
        if !errs.is_empty() {
            return Err(Status::invalid(info, &name, errs));
        }
        let export_ws = if path.is_empty() { workspace } else { path };
        let user = self.user.clone();
        let allowed = self.workspace_exists(export_ws)
            && self.allowed(
                &user,
                export_ws,
                "bind",
                "apis.kcp.io",
                "apiexports",
                export,
            );
        if allowed {
            return Ok(());
        }
        Err(Status::forbidden(
            info,
            &name,
            format!(
                "unable to {action} APIBinding: no permission to bind to export {}",
                crate::tenancy::path::join_str(path, export)
            ),
        ))
    }
}
