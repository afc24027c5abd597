//! The arguments and results of the [`ControlPlane`](super::ControlPlane) API, as plain
//! serde types (the npm package passes them as JS objects).
use crate::api::Value;
use crate::server::status::Status;
use crate::server::{Outcome, Propagation};
use serde::{Deserialize, Serialize};

/// `new ControlPlane({ seed?, start? })`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Options {
    /// Seed of the control plane's RNG (names, UIDs, scheduler tie-breaks). Default 0.
    pub seed: u64,
    /// Start of virtual time, RFC 3339. Default `2026-01-01T00:00:00Z`.
    pub start: Option<String>,
}

/// Which object: `{ apiVersion?, kind, namespace?, name }`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ObjectRef {
    pub api_version: Option<String>,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
}

/// `list` arguments: `{ apiVersion?, kind, namespace?, labelSelector?, fieldSelector?, limit?,
/// continue? }`. No namespace lists across all namespaces.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ListOptions {
    pub api_version: Option<String>,
    pub kind: String,
    pub namespace: Option<String>,
    pub label_selector: Option<String>,
    pub field_selector: Option<String>,
    /// At most this many items; the list's `metadata.continue` then fetches the next page.
    pub limit: Option<i64>,
    /// The `metadata.continue` of the previous page.
    #[serde(rename = "continue")]
    pub continue_token: Option<String>,
}

/// `delete` arguments.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DeleteOptions {
    pub api_version: Option<String>,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
    pub propagation_policy: Option<Propagation>,
    pub grace_period_seconds: Option<i64>,
}

/// `watch` arguments: `{ apiVersion?, kind?, namespace?, resourceVersion?, labelSelector?, fieldSelector? }`.
/// No kind watches every kind. `resourceVersion` unset or `"0"` starts with synthetic ADDED
/// events for the current state; otherwise the events after that revision.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WatchOptions {
    pub api_version: Option<String>,
    pub kind: Option<String>,
    pub namespace: Option<String>,
    pub resource_version: Option<String>,
    pub label_selector: Option<String>,
    pub field_selector: Option<String>,
}

/// One watch event: `ADDED`, `MODIFIED`, `DELETED` or `BOOKMARK` (the last event of every
/// watch, carrying only `metadata.resourceVersion` to resume from).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WatchEvent {
    #[serde(rename = "type")]
    pub kind: String,
    pub object: Value,
}

/// `PodLogOptions`: which container of a pod and which part of its log (`kubectl logs`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LogOptions {
    /// The container; may be left out when the pod has one.
    pub container: Option<String>,
    /// The previous run of the container (the last one that terminated).
    pub previous: bool,
    /// Only lines from the last N seconds.
    pub since_seconds: Option<i64>,
    /// Only lines from this instant on (RFC 3339).
    pub since_time: Option<String>,
    /// Each line prefixed with its time (RFC 3339 with nanoseconds).
    pub timestamps: bool,
    /// Only the last N lines.
    pub tail_lines: Option<i64>,
    /// At most this many bytes.
    pub limit_bytes: Option<i64>,
}

/// `apply` options.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ApplyOptions {
    /// The namespace for objects that name none (`kubectl apply -n`). Default `default`.
    pub namespace: Option<String>,
    /// What to do with fields the schema does not know. Default `Warn`.
    pub field_validation: Option<FieldValidation>,
    /// The field manager that owns what this apply sets. Default `kubectl`.
    pub field_manager: Option<String>,
    /// Take over fields other managers own instead of failing with a 409 conflict.
    pub force: bool,
    /// Server-side apply (the default) or `kubectl apply`'s client-side three-way merge.
    #[serde(skip)]
    pub mode: ApplyMode,
}

/// How `apply` merges: server-side (field ownership, the API's apply) or as `kubectl apply`
/// does without `--server-side` (a three-way merge with the last-applied annotation).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ApplyMode {
    #[default]
    ServerSide,
    ClientSide,
}

/// `fieldValidation` (`metav1.FieldValidation*`): unknown fields are an error (`Strict`),
/// a warning (`Warn`, the default) or dropped silently (`Ignore`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldValidation {
    Strict,
    #[default]
    Warn,
    Ignore,
}

/// One object `apply` wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppliedObject {
    pub api_version: String,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub name: String,
    /// `created`, `configured` or `unchanged`, as kubectl prints it.
    pub action: Outcome,
    /// 1-based number of the document it came from (0: not from manifest text).
    #[serde(default)]
    pub document: usize,
    /// 1-based line where that document starts.
    #[serde(default)]
    pub line: usize,
    /// Field-validation warnings about this object (`unknown field "spec.foo"`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// A document `apply` could not write, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentError {
    /// 1-based number of the document (0: not from manifest text).
    pub document: usize,
    /// 1-based line where that document starts.
    pub line: usize,
    /// `Deployment/web`, when the document named its kind and name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    pub status: Status,
}

/// What `apply` did, document by document (as `kubectl apply -f` goes on past a failing
/// document and reports it at the end).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ApplyResult {
    /// The objects written, in document order.
    pub objects: Vec<AppliedObject>,
    /// Every warning, in document order (the objects' `warnings`, flattened).
    pub warnings: Vec<String>,
    /// The documents that failed, in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<DocumentError>,
}

impl ApplyResult {
    /// The first failure, if any document failed.
    pub fn first_error(&self) -> Option<&Status> {
        self.errors.first().map(|e| &e.status)
    }

    /// `Ok(self)` if every document applied, else the first failure's `Status`.
    pub fn into_result(self) -> Result<ApplyResult, Status> {
        match self.errors.first() {
            Some(e) => Err(e.status.clone()),
            None => Ok(self),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settled {
    pub settled: bool,
    pub elapsed_seconds: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KubectlOutput {
    pub stdout: String,
    pub stderr: String,
    pub exit_code: i32,
}
