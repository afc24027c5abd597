//! Apply, one document at a time, so each warning and each `Status` error can be pinned to
//! the line of the manifest it is about (the document's first line, or the line of the
//! field a cause names when it can be found).
use crate::lines;
use kplane::server::decode;
use kplane::{AppliedObject, ApplyOptions, ControlPlane, Outcome as Applied, Status};
use serde::{Deserialize, Serialize};

/// How bad a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn class(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A warning or an error about one document of the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub severity: Severity,
    /// 1-based line where the document starts (for a parse error: the failing line).
    pub line: usize,
    /// 1-based document number, when known.
    pub document: Option<usize>,
    /// `Deployment/web`, when the document decoded.
    pub object: Option<String>,
    /// The warning's text (`unknown field "extra"`), or the error's `Status` message.
    pub text: String,
    /// The `Status`, for errors from the API.
    pub status: Option<Status>,
    /// Where the fields it names are: (field path, message, line if found).
    pub fields: Vec<FieldNote>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldNote {
    pub field: String,
    pub message: String,
    pub line: Option<usize>,
}

/// The outcome of one Apply.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// `deployment.apps/web created`, … as kubectl prints them.
    pub applied: Vec<String>,
    /// In document order.
    pub messages: Vec<Message>,
}

impl Outcome {
    pub fn is_empty(&self) -> bool {
        self.applied.is_empty() && self.messages.is_empty()
    }

    /// Whether a document failed on fields another manager owns (409 Conflict).
    pub fn has_conflict(&self) -> bool {
        self.messages
            .iter()
            .any(|m| m.status.as_ref().is_some_and(|s| s.code == 409))
    }

    pub fn errors(&self) -> impl Iterator<Item = &Message> {
        self.messages
            .iter()
            .filter(|m| m.severity == Severity::Error)
    }
}

/// One marker in the editor: a line and what is said about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Marker {
    pub line: usize,
    pub severity: Severity,
    pub text: String,
}

/// `deployment.apps/web created`.
pub fn applied_line(o: &AppliedObject) -> String {
    let action = match o.action {
        Applied::Created => "created",
        Applied::Configured => "configured",
        Applied::Unchanged => "unchanged",
    };
    format!(
        "{} {action}",
        crate::format::resource_ref(&o.api_version, &o.kind, &o.name)
    )
}

/// Applies every document of `text` on its own (server-side apply, field manager `kubectl`),
/// in order, as `kubectl apply -f` does: a failing document is reported and the next ones
/// are still applied. `force` takes over fields other managers own (`--force-conflicts`).
pub fn apply_documents(cp: &mut ControlPlane, workspace: &str, text: &str, force: bool) -> Outcome {
    let options = ApplyOptions {
        force,
        ..ApplyOptions::default()
    };
    let mut out = Outcome::default();
    let docs = match decode::decode(text) {
        Ok(docs) => docs,
        Err(status) => {
            out.messages.push(Message {
                severity: Severity::Error,
                line: line_in_message(&status.message).unwrap_or(1),
                document: None,
                object: None,
                text: status.message.clone(),
                status: Some(status),
                fields: vec![],
            });
            return out;
        }
    };
    if docs.is_empty() {
        let status = Status::bad_request("no objects passed to apply");
        out.messages.push(Message {
            severity: Severity::Error,
            line: 1,
            document: None,
            object: None,
            text: status.message.clone(),
            status: Some(status),
            fields: vec![],
        });
        return out;
    }
    for d in docs {
        let object = object_name(&d.object);
        let result = match crate::limits::check_object(&d.object) {
            Some(refused) => Err(refused),
            None => cp.apply_objects(workspace, vec![d.object], &options),
        };
        match result {
            Ok(result) => {
                out.applied.extend(result.objects.iter().map(applied_line));
                for w in result.warnings {
                    let fields = quoted_field(&w)
                        .map(|f| FieldNote {
                            line: lines::field_line(text, d.line, f),
                            field: f.to_string(),
                            message: w.clone(),
                        })
                        .into_iter()
                        .collect();
                    out.messages.push(Message {
                        severity: Severity::Warning,
                        line: d.line,
                        document: Some(d.document),
                        object: object.clone(),
                        text: w,
                        status: None,
                        fields,
                    });
                }
            }
            Err(status) => {
                let fields = status
                    .details
                    .iter()
                    .flat_map(|details| details.causes.iter())
                    .filter(|c| !c.field.is_empty())
                    .map(|c| FieldNote {
                        field: c.field.clone(),
                        message: c.message.clone(),
                        line: lines::field_line(text, d.line, &c.field),
                    })
                    .collect();
                out.messages.push(Message {
                    severity: Severity::Error,
                    line: d.line,
                    document: Some(d.document),
                    object: object.clone(),
                    text: status.message.clone(),
                    status: Some(status),
                    fields,
                });
            }
        }
    }
    out
}

/// The editor's markers: one per message at its document's line, and one per field note
/// whose line was found.
pub fn markers(outcome: &Outcome) -> Vec<Marker> {
    let mut out = Vec::new();
    for m in &outcome.messages {
        let head = match &m.status {
            Some(s) => format!("{} {}: {}", s.code, s.reason, m.text),
            None => format!("Warning: {}", m.text),
        };
        out.push(Marker {
            line: m.line,
            severity: m.severity,
            text: head,
        });
        for f in &m.fields {
            if let Some(line) = f.line.filter(|l| *l != m.line) {
                let text = if f.message.contains(&f.field) {
                    f.message.clone()
                } else {
                    format!("{}: {}", f.field, f.message)
                };
                out.push(Marker {
                    line,
                    severity: m.severity,
                    text,
                });
            }
        }
    }
    out.sort_by_key(|m| m.line);
    out
}

/// `Deployment/web` from a decoded object, when it names both.
fn object_name(o: &kplane::api::Object) -> Option<String> {
    let kind = o.get("kind")?.as_str()?;
    let name = o.get("metadata")?.get("name")?.as_str()?;
    Some(format!("{kind}/{name}"))
}

/// The field a warning names in quotes: `unknown field "spec.foo"` → `spec.foo`.
fn quoted_field(warning: &str) -> Option<&str> {
    let rest = warning.split_once("field \"")?.1;
    let field = rest.split_once('"')?.0;
    (!field.is_empty()).then_some(field)
}

/// The line a decode error names: `error parsing document 2: line 9, column 3: …` → 9.
fn line_in_message(message: &str) -> Option<usize> {
    let rest = message.split_once("line ")?.1;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok().filter(|l| *l > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kplane::Options;

    fn cp() -> ControlPlane {
        ControlPlane::new(Options {
            seed: 1,
            start: None,
        })
        .unwrap()
    }

    const CONFIG: &str =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n";
    const BROKEN: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: broken
spec:
  replicas: -1
  selector:
    matchLabels: {app: broken}
  template:
    metadata:
      labels: {app: broken}
    spec:
      containers:
        - name: c
          image: nginx
";

    #[test]
    fn an_error_in_the_second_document_is_pinned_to_its_line() {
        let mut c = cp();
        let text = format!(
            "{CONFIG}---\n{BROKEN}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: after\n"
        );
        let out = apply_documents(&mut c, "root", &text, false);
        assert_eq!(
            out.applied,
            vec!["configmap/settings created", "configmap/after created"]
        );
        let errors: Vec<_> = out.errors().collect();
        assert_eq!(errors.len(), 1);
        let e = errors[0];
        assert_eq!((e.line, e.document), (8, Some(2)));
        assert_eq!(e.object.as_deref(), Some("Deployment/broken"));
        assert_eq!(e.status.as_ref().unwrap().code, 422);
        let replicas = e
            .fields
            .iter()
            .find(|f| f.field == "spec.replicas")
            .unwrap();
        assert_eq!(replicas.line, Some(13), "the line of `replicas: -1`");
        let m = markers(&out);
        assert!(m
            .iter()
            .any(|m| m.line == 8 && m.severity == Severity::Error));
        assert!(m
            .iter()
            .any(|m| m.line == 13 && m.text.contains("spec.replicas")));
    }

    #[test]
    fn warnings_point_at_the_unknown_field() {
        let mut c = cp();
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\nextra: 2\n";
        let out = apply_documents(&mut c, "root", text, false);
        assert_eq!(out.applied, vec!["configmap/settings created"]);
        assert_eq!(out.messages.len(), 1);
        let w = &out.messages[0];
        assert_eq!(w.severity, Severity::Warning);
        assert_eq!(w.text, "unknown field \"extra\"");
        assert_eq!(w.fields[0].line, Some(7));
    }

    #[test]
    fn a_parse_error_names_its_line() {
        let mut c = cp();
        let out = apply_documents(&mut c, "root", "a: 1\n---\nkind: [unclosed\n", false);
        let e = &out.messages[0];
        assert_eq!(e.severity, Severity::Error);
        assert_eq!(e.status.as_ref().unwrap().code, 400);
        assert!(e.line >= 3, "{e:?}");
        assert!(out.applied.is_empty());
    }

    #[test]
    fn nothing_to_apply_is_an_error() {
        let out = apply_documents(&mut cp(), "root", "# just a comment\n", false);
        assert_eq!(out.messages[0].text, "no objects passed to apply");
    }

    #[test]
    fn conflicts_point_at_the_contested_fields_and_force_takes_them() {
        let mut c = cp();
        let text = crate::scenario::by_id("rollout").unwrap().manifest;
        apply_documents(&mut c, "root", text, false);
        assert_eq!(
            c.kubectl("scale deployment web --replicas=8", "").exit_code,
            0
        );
        let out = apply_documents(&mut c, "root", text, false);
        assert!(out.has_conflict());
        let e = out.errors().next().unwrap();
        assert_eq!(e.fields[0].field, ".spec.replicas");
        let replicas = text.lines().position(|l| l == "  replicas: 5").unwrap() + 1;
        assert_eq!(e.fields[0].line, Some(replicas));
        let forced = apply_documents(&mut c, "root", text, true);
        assert!(forced.messages.is_empty(), "{:?}", forced.messages);
        assert!(forced
            .applied
            .contains(&"deployment.apps/web configured".to_string()));
    }

    #[test]
    fn lines_in_messages() {
        assert_eq!(
            line_in_message("error parsing document 2: line 9, column 3: x"),
            Some(9)
        );
        assert_eq!(line_in_message("nothing here"), None);
        assert_eq!(quoted_field("unknown field \"spec.x\""), Some("spec.x"));
    }
}
