//! `metav1.Status` errors, built as `k8s.io/apimachinery/pkg/api/errors` builds them.
use crate::api::KindInfo;
use crate::api::Value;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    pub kind: String,
    pub api_version: String,
    pub status: String,
    pub message: String,
    pub reason: String,
    pub code: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<StatusDetails>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusDetails {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub group: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub causes: Vec<StatusCause>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCause {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub field: String,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Status {}

impl Status {
    pub fn new(code: u16, reason: &str, message: impl Into<String>) -> Status {
        Status {
            kind: "Status".into(),
            api_version: "v1".into(),
            status: "Failure".into(),
            message: message.into(),
            reason: reason.into(),
            code,
            details: None,
        }
    }

    fn with_details(mut self, name: &str, group: &str, kind: &str) -> Status {
        self.details = Some(StatusDetails {
            name: name.into(),
            group: group.into(),
            kind: kind.into(),
            causes: vec![],
        });
        self
    }

    pub fn with_message(mut self, message: impl Into<String>) -> Status {
        self.message = message.into();
        self
    }

    pub fn bad_request(message: impl Into<String>) -> Status {
        Status::new(400, "BadRequest", message)
    }

    /// `errors.NewNotFound`: `pods "x" not found`.
    pub fn not_found(info: &KindInfo, name: &str) -> Status {
        Status::new(
            404,
            "NotFound",
            format!("{} \"{name}\" not found", info.qualified_resource()),
        )
        .with_details(name, info.group, info.plural)
    }

    pub fn workspace_not_found(path: &str) -> Status {
        Status::new(
            404,
            "NotFound",
            format!("workspaces.tenancy.kcp.io \"{path}\" not found"),
        )
        .with_details(path, "tenancy.kcp.io", "workspaces")
    }

    /// `errors.NewAlreadyExists`: `deployments.apps "x" already exists`.
    pub fn already_exists(info: &KindInfo, name: &str) -> Status {
        Status::new(
            409,
            "AlreadyExists",
            format!("{} \"{name}\" already exists", info.qualified_resource()),
        )
        .with_details(name, info.group, info.plural)
    }

    /// `errors.NewConflict` with `registry.OptimisticLockErrorMsg`.
    pub fn conflict(info: &KindInfo, name: &str) -> Status {
        Status::new(
            409,
            "Conflict",
            format!(
                "Operation cannot be fulfilled on {} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
                info.qualified_resource()
            ),
        )
        .with_details(name, info.group, info.plural)
    }

    /// `errors.NewInvalid`: `Deployment.apps "x" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0`.
    pub fn invalid(info: &KindInfo, name: &str, causes: Vec<FieldError>) -> Status {
        Status::invalid_kind(info.group, info.kind, name, causes)
    }

    /// `errors.NewInvalid` for any group and kind, such as
    /// `PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: ...`.
    /// The message lists each distinct error once (`ErrorList.ToAggregate`); the causes keep
    /// every error.
    pub fn invalid_kind(group: &str, kind: &str, name: &str, causes: Vec<FieldError>) -> Status {
        let qualified = if group.is_empty() {
            kind.to_string()
        } else {
            format!("{kind}.{group}")
        };
        let mut seen = std::collections::HashSet::new();
        let text: Vec<String> = causes
            .iter()
            .map(FieldError::to_string)
            .filter(|t| seen.insert(t.clone()))
            .collect();
        let message = match text.len() {
            0 => format!("{qualified} \"{name}\" is invalid"),
            1 => format!("{qualified} \"{name}\" is invalid: {}", text[0]),
            _ => format!("{qualified} \"{name}\" is invalid: [{}]", text.join(", ")),
        };
        let mut s = Status::new(422, "Invalid", message).with_details(name, group, kind);
        if let Some(d) = s.details.as_mut() {
            d.causes = causes
                .into_iter()
                .map(|c| StatusCause {
                    reason: c.kind.reason().into(),
                    message: c.body(),
                    field: c.field,
                })
                .collect();
        }
        s
    }

    /// `errors.NewRequestEntityTooLargeError`: 413 `Request entity too large: <message>`.
    pub fn request_entity_too_large(message: impl Into<String>) -> Status {
        Status::new(
            413,
            "RequestEntityTooLarge",
            format!("Request entity too large: {}", message.into()),
        )
    }

    /// What the API server answers for an error that is not a `Status` (`ErrorToAPIStatus`):
    /// 500 with an empty (`Unknown`) reason and the error's text, as for
    /// `etcdserver: request is too large`.
    pub fn unknown(message: impl Into<String>) -> Status {
        Status::new(500, "", message)
    }

    /// `errors.NewForbidden`: `namespaces "default" is forbidden: <reason>`.
    pub fn forbidden(info: &KindInfo, name: &str, reason: impl fmt::Display) -> Status {
        Status::new(
            403,
            "Forbidden",
            format!(
                "{} \"{name}\" is forbidden: {}",
                info.qualified_resource(),
                reason
            ),
        )
        .with_details(name, info.group, info.plural)
    }

    pub fn expired(message: impl Into<String>) -> Status {
        Status::new(410, "Expired", message)
    }

    pub fn internal(message: impl Into<String>) -> Status {
        Status::new(
            500,
            "InternalError",
            format!("Internal error occurred: {}", message.into()),
        )
    }
}

impl Status {
    /// The `Status` as kube-apiserver writes it in a response body (`metav1.Status`'s field
    /// order, `metadata: {}`, `details` with `name`, `group`, `kind`, `causes`; an empty
    /// `reason` left out).
    pub fn to_api_value(&self) -> Value {
        let mut m = crate::api::Map::new();
        m.insert("kind", Value::from("Status"));
        m.insert("apiVersion", Value::from("v1"));
        m.insert("metadata", Value::object());
        m.insert("status", Value::from(self.status.as_str()));
        if !self.message.is_empty() {
            m.insert("message", Value::from(self.message.as_str()));
        }
        if !self.reason.is_empty() {
            m.insert("reason", Value::from(self.reason.as_str()));
        }
        if let Some(d) = &self.details {
            let mut dm = crate::api::Map::new();
            for (k, v) in [("name", &d.name), ("group", &d.group), ("kind", &d.kind)] {
                if !v.is_empty() {
                    dm.insert(k, Value::from(v.as_str()));
                }
            }
            if !d.causes.is_empty() {
                let causes: Vec<Value> = d
                    .causes
                    .iter()
                    .map(|c| {
                        let mut cm = crate::api::Map::new();
                        for (k, v) in [
                            ("reason", &c.reason),
                            ("message", &c.message),
                            ("field", &c.field),
                        ] {
                            if !v.is_empty() {
                                cm.insert(k, Value::from(v.as_str()));
                            }
                        }
                        Value::Object(cm)
                    })
                    .collect();
                dm.insert("causes", Value::from(causes));
            }
            m.insert("details", Value::Object(dm));
        }
        m.insert("code", Value::from(self.code as i64));
        Value::Object(m)
    }
}

/// The name admission errors quote (`extractResourceName`): `metadata.name`, else
/// `metadata.generateName` (names are generated after admission), else `Unknown`.
pub fn admission_name(obj: &Value) -> &str {
    let meta = |k: &str| {
        obj.get("metadata")
            .and_then(|m| m.get(k))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    meta("name")
        .or_else(|| meta("generateName"))
        .unwrap_or("Unknown")
}

/// Go's `%q` (`strconv.Quote`): a double-quoted string with Go's escapes, as upstream messages
/// print names and values (`User "alice" cannot list resource "pods"`).
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x80 && c.is_control() => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => {
                if (c as u32) <= 0xffff {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `field.Error` (k8s.io/apimachinery/pkg/util/validation/field/errors.go).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The error type (`field.ErrorType`).
    pub kind: FieldErrorKind,
    /// The field path, as `field.Path.String()` prints it (`spec.containers[0].name`).
    pub field: String,
    /// The bad value as upstream prints it (`-1`, `"Foo"`, `{"app":"web"}`); empty when the
    /// error type does not show it (`Required`, `Forbidden`, `TooLong`) or it is omitted.
    pub value: String,
    /// The detail after the value (`must be greater than or equal to 0`).
    pub detail: String,
}

/// `field.ErrorType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldErrorKind {
    /// `FieldValueRequired`.
    Required,
    /// `FieldValueInvalid`.
    Invalid,
    /// `FieldValueNotSupported`.
    NotSupported,
    /// `FieldValueDuplicate`.
    Duplicate,
    /// `FieldValueForbidden`.
    Forbidden,
    /// `FieldValueTooLong`.
    TooLong,
    /// `FieldValueTooMany`.
    TooMany,
    /// `FieldValueNotFound`.
    NotFound,
    /// `InternalError`.
    Internal,
    /// `field.TypeInvalid`: printed as `Invalid value`, reason `FieldValueTypeInvalid`.
    TypeInvalid,
}

impl FieldErrorKind {
    /// The cause reason (`metav1.CauseType`).
    pub fn reason(self) -> &'static str {
        match self {
            FieldErrorKind::Required => "FieldValueRequired",
            FieldErrorKind::Invalid => "FieldValueInvalid",
            FieldErrorKind::NotSupported => "FieldValueNotSupported",
            FieldErrorKind::Duplicate => "FieldValueDuplicate",
            FieldErrorKind::Forbidden => "FieldValueForbidden",
            FieldErrorKind::TooLong => "FieldValueTooLong",
            FieldErrorKind::TooMany => "FieldValueTooMany",
            FieldErrorKind::NotFound => "FieldValueNotFound",
            FieldErrorKind::Internal => "InternalError",
            FieldErrorKind::TypeInvalid => "FieldValueTypeInvalid",
        }
    }

    /// `ErrorType.String()`.
    fn text(self) -> &'static str {
        match self {
            FieldErrorKind::Required => "Required value",
            FieldErrorKind::Invalid => "Invalid value",
            FieldErrorKind::NotSupported => "Unsupported value",
            FieldErrorKind::Duplicate => "Duplicate value",
            FieldErrorKind::Forbidden => "Forbidden",
            FieldErrorKind::TooLong => "Too long",
            FieldErrorKind::TooMany => "Too many",
            FieldErrorKind::NotFound => "Not found",
            FieldErrorKind::Internal => "Internal error",
            FieldErrorKind::TypeInvalid => "Invalid value",
        }
    }
}

impl FieldError {
    fn new(kind: FieldErrorKind, field: impl Into<String>, value: String, detail: String) -> Self {
        FieldError {
            kind,
            field: field.into(),
            value,
            detail,
        }
    }

    /// `field.Required`.
    pub fn required(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(
            FieldErrorKind::Required,
            field,
            String::new(),
            detail.into(),
        )
    }

    /// `field.Invalid`; `value` is already rendered (see `validate::render`).
    pub fn invalid(
        field: impl Into<String>,
        value: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        Self::new(FieldErrorKind::Invalid, field, value.into(), detail.into())
    }

    /// `field.Invalid` with `field.OmitValueType{}`: no value is shown.
    pub fn invalid_omitted(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(FieldErrorKind::Invalid, field, String::new(), detail.into())
    }

    /// `field.NotSupported`: the valid values are listed quoted, in the order given.
    pub fn not_supported(
        field: impl Into<String>,
        value: impl Into<String>,
        valid: &[&str],
    ) -> Self {
        let detail = if valid.is_empty() {
            String::new()
        } else {
            let list: Vec<String> = valid
                .iter()
                .map(|v| crate::server::validate::render::quote(v))
                .collect();
            format!("supported values: {}", list.join(", "))
        };
        Self::new(FieldErrorKind::NotSupported, field, value.into(), detail)
    }

    /// `field.Duplicate`.
    pub fn duplicate(field: impl Into<String>, value: impl Into<String>) -> Self {
        Self::new(
            FieldErrorKind::Duplicate,
            field,
            value.into(),
            String::new(),
        )
    }

    /// `field.NotFound`.
    pub fn not_found(field: impl Into<String>, value: impl Into<String>) -> Self {
        Self::new(FieldErrorKind::NotFound, field, value.into(), String::new())
    }

    /// `field.Forbidden`.
    pub fn forbidden(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(
            FieldErrorKind::Forbidden,
            field,
            String::new(),
            detail.into(),
        )
    }

    /// `field.TooLong`: `may not be more than N bytes` (the value is never shown).
    pub fn too_long(field: impl Into<String>, max: usize) -> Self {
        let unit = if max == 1 { "byte" } else { "bytes" };
        Self::new(
            FieldErrorKind::TooLong,
            field,
            String::new(),
            format!("may not be more than {max} {unit}"),
        )
    }

    /// `field.TooMany`: `Too many: 21: must have at most 20 items`.
    pub fn too_many(field: impl Into<String>, actual: usize, max: usize) -> Self {
        let unit = if max == 1 { "item" } else { "items" };
        Self::new(
            FieldErrorKind::TooMany,
            field,
            actual.to_string(),
            format!("must have at most {max} {unit}"),
        )
    }

    /// `field.InternalError`.
    pub fn internal(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(
            FieldErrorKind::Internal,
            field,
            String::new(),
            detail.into(),
        )
    }

    /// The message without the field path (`ErrorBody`, what `causes[].message` holds).
    pub fn body(&self) -> String {
        let mut s = self.kind.text().to_string();
        let shows_value = matches!(
            self.kind,
            FieldErrorKind::Invalid
                | FieldErrorKind::TypeInvalid
                | FieldErrorKind::NotSupported
                | FieldErrorKind::Duplicate
                | FieldErrorKind::TooMany
                | FieldErrorKind::NotFound
        );
        if shows_value && !self.value.is_empty() {
            s.push_str(": ");
            s.push_str(&self.value);
        }
        if !self.detail.is_empty() {
            s.push_str(": ");
            s.push_str(&self.detail);
        }
        s
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.body())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn api_value_has_the_apiservers_field_order() {
        // metav1.Status as kube-apiserver writes a NotFound (types.go field order).
        let info = crate::api::kinds::by_kind(Some("apps/v1"), "Deployment").unwrap();
        let v = Status::not_found(info, "web").to_api_value();
        assert_eq!(
            v.to_string(),
            r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"deployments.apps \"web\" not found","reason":"NotFound","details":{"name":"web","group":"apps","kind":"deployments"},"code":404}"#
        );
    }

    use super::*;
    use crate::api::kinds::by_kind;

    #[test]
    fn messages_match_apimachinery() {
        let deploy = by_kind(None, "Deployment").unwrap();
        assert_eq!(
            Status::not_found(deploy, "web").message,
            "deployments.apps \"web\" not found"
        );
        assert_eq!(Status::already_exists(deploy, "web").code, 409);
        assert_eq!(
            Status::conflict(deploy, "web").message,
            "Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified; please apply your changes to the latest version and try again"
        );
        let s = Status::invalid(
            deploy,
            "web",
            vec![FieldError::invalid(
                "spec.replicas",
                "-1",
                "must be greater than or equal to 0",
            )],
        );
        assert_eq!(s.message, "Deployment.apps \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0");
        let cause = &s.details.unwrap().causes[0];
        assert_eq!(cause.field, "spec.replicas");
        assert_eq!(cause.reason, "FieldValueInvalid");
    }
}
