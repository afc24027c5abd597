//! `metav1.Status` errors, built as `k8s.io/apimachinery/pkg/api/errors` builds them.
use crate::api::{KindInfo, Value};
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

    /// `errors.NewInvalid` for any group and kind (custom resources): the message joins the
    /// causes as `field.ErrorList.ToAggregate` does (duplicates once; several as `[a, b]`).
    pub fn invalid_kind(group: &str, kind: &str, name: &str, causes: Vec<FieldError>) -> Status {
        let mut text: Vec<String> = Vec::new();
        for c in &causes {
            let t = c.to_string();
            if !text.contains(&t) {
                text.push(t);
            }
        }
        let qualified = if group.is_empty() {
            kind.to_string()
        } else {
            format!("{kind}.{group}")
        };
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

    /// `errors.NewForbidden` as admission plugins raise it (`admission.NewForbidden`):
    /// `pods "web-1" is forbidden: exceeded quota: ...`. `name` is the object's name, else its
    /// `generateName`, else `Unknown` (`extractResourceName`).
    pub fn forbidden(info: &KindInfo, name: &str, message: impl fmt::Display) -> Status {
        Status::new(
            403,
            "Forbidden",
            format!(
                "{} \"{name}\" is forbidden: {message}",
                info.qualified_resource()
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

/// `field.Error` (k8s.io/apimachinery/pkg/util/validation/field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub kind: FieldErrorKind,
    pub field: String,
    /// The bad value as upstream prints it (`-1`, `"Foo"`), empty when not shown.
    pub value: String,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldErrorKind {
    Required,
    Invalid,
    NotSupported,
    Duplicate,
    Forbidden,
    /// `field.TooLong`: `Too long: may not be more than 10 bytes` (no value shown).
    TooLong,
    /// `field.TooMany`: `Too many: 3: must have at most 2 items`.
    TooMany,
    /// `field.TypeInvalid`: printed as `Invalid value`, reason `FieldValueTypeInvalid`.
    TypeInvalid,
}

impl FieldErrorKind {
    pub fn reason(self) -> &'static str {
        match self {
            FieldErrorKind::Required => "FieldValueRequired",
            FieldErrorKind::Invalid => "FieldValueInvalid",
            FieldErrorKind::NotSupported => "FieldValueNotSupported",
            FieldErrorKind::Duplicate => "FieldValueDuplicate",
            FieldErrorKind::Forbidden => "FieldValueForbidden",
            FieldErrorKind::TooLong => "FieldValueTooLong",
            FieldErrorKind::TooMany => "FieldValueTooMany",
            FieldErrorKind::TypeInvalid => "FieldValueTypeInvalid",
        }
    }
}

impl FieldError {
    pub fn required(field: impl Into<String>, detail: impl Into<String>) -> Self {
        FieldError {
            kind: FieldErrorKind::Required,
            field: field.into(),
            value: String::new(),
            detail: detail.into(),
        }
    }
    pub fn invalid(
        field: impl Into<String>,
        value: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        FieldError {
            kind: FieldErrorKind::Invalid,
            field: field.into(),
            value: value.into(),
            detail: detail.into(),
        }
    }
    pub fn not_supported(
        field: impl Into<String>,
        value: impl Into<String>,
        valid: &[&str],
    ) -> Self {
        let list: Vec<String> = valid.iter().map(|v| format!("\"{v}\"")).collect();
        FieldError {
            kind: FieldErrorKind::NotSupported,
            field: field.into(),
            value: value.into(),
            detail: format!("supported values: {}", list.join(", ")),
        }
    }

    /// The message without the field path (what `causes[].message` holds): `ErrorBody()`, the
    /// type's text, the value for the kinds that show one, then `: detail` when there is one.
    fn body(&self) -> String {
        let head = match self.kind {
            FieldErrorKind::Required => "Required value".to_string(),
            FieldErrorKind::Forbidden => "Forbidden".to_string(),
            FieldErrorKind::TooLong => "Too long".to_string(),
            FieldErrorKind::Invalid | FieldErrorKind::TypeInvalid => {
                format!("Invalid value: {}", self.value)
            }
            FieldErrorKind::NotSupported => format!("Unsupported value: {}", self.value),
            FieldErrorKind::Duplicate => format!("Duplicate value: {}", self.value),
            FieldErrorKind::TooMany => format!("Too many: {}", self.value),
        };
        if self.detail.is_empty() {
            head
        } else {
            format!("{head}: {}", self.detail)
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.body())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::kinds::by_kind;

    #[test]
    fn go_quote_escapes_as_strconv_quote() {
        // Expected values from Go's strconv.Quote documentation and quote_test.go.
        assert_eq!(go_quote("alice"), "\"alice\"");
        assert_eq!(go_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(
            go_quote("\x07\x08\x0c\n\r\t\x0b"),
            "\"\\a\\b\\f\\n\\r\\t\\v\""
        );
        assert_eq!(go_quote("\u{1}\u{7f}"), "\"\\x01\\x7f\"");
        assert_eq!(go_quote("☺"), "\"☺\"");
        assert_eq!(go_quote(""), "\"\"");
    }

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
