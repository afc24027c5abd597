//! Server-side printing: the `meta.k8s.io/v1` `Table` kube-apiserver answers when a client asks
//! for `application/json;as=Table;v=v1;g=meta.k8s.io` (k8s.io/apiserver
//! pkg/endpoints/handlers/response.go `asTable`, pkg/registry/rest/table.go). The columns and
//! cells are those of kplane's kubectl printers (`kubectl::printers`: the upstream
//! `printers.go` columns, a CRD's `additionalPrinterColumns`, or the default `NAME`/`CREATED AT`),
//! so real kubectl prints what kplane's kubectl prints. Every column is filled; kubectl shows
//! the priority-1 ones with `-o wide`. Cells are the printed strings, except in the columns
//! that upstream declares `integer` ([`integer_column`]), whose cells are numbers.
use crate::api::{object, KindInfo, Value};
use crate::control_plane::ControlPlane;
use crate::json;
use crate::kubectl::{columns, printers};
use crate::server::status::Status;

/// The media type of a `Table` request (`as=Table;v=v1;g=meta.k8s.io`).
pub const TABLE_V1: &str = "application/json;as=Table;v=v1;g=meta.k8s.io";

/// What each row carries besides its cells (`includeObject`, `metav1.IncludeObjectPolicy`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum IncludeObject {
    /// No object.
    None,
    /// A `PartialObjectMetadata` (the default): kubectl reads names, namespaces and labels
    /// from it.
    #[default]
    Metadata,
    /// The whole object (kubectl asks for it with `--sort-by`).
    Object,
}

impl IncludeObject {
    /// Parses the `includeObject` query parameter (`None`, `Metadata`, `Object`; empty is the
    /// default); upstream's 400 otherwise.
    pub fn parse(s: &str) -> Result<IncludeObject, Status> {
        match s {
            "" | "Metadata" => Ok(IncludeObject::Metadata),
            "None" => Ok(IncludeObject::None),
            "Object" => Ok(IncludeObject::Object),
            other => Err(Status::bad_request(format!(
                "includeObject: Unsupported value: \"{other}\": supported values: \"None\", \"Metadata\", \"Object\""
            ))),
        }
    }
}

/// Whether an `Accept` header asks for a `Table` (v1; v1beta1 is answered with v1 as well,
/// which kubectl also takes).
pub fn wants_table(accept: &str) -> bool {
    accept.split(',').any(|part| {
        let params: Vec<&str> = part.split(';').map(str::trim).collect();
        let has = |p: &str| params.iter().any(|x| x.eq_ignore_ascii_case(p));
        params.first() == Some(&"application/json") && has("as=Table") && has("g=meta.k8s.io")
    })
}

/// `metav1.ObjectMeta`'s description of `name`, which the name column carries upstream.
const NAME_DESCRIPTION: &str = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";

/// Whether upstream's printer declares a column of a built-in kind `integer`
/// (k8s.io/kubernetes pkg/printers/internalversion/printers.go, `AddHandlers`).
pub fn integer_column(info: &KindInfo, column: &str) -> bool {
    matches!(
        (info.group, info.kind, column),
        ("apps", "ReplicaSet", "Desired" | "Current" | "Ready")
            | (
                "apps",
                "DaemonSet",
                "Desired" | "Current" | "Ready" | "Up-to-date" | "Available"
            )
            | ("policy", "PodDisruptionBudget", "Allowed Disruptions")
            | ("batch", "CronJob", "Active")
            | ("scheduling.k8s.io", "PriorityClass", "Value")
            | ("storage.k8s.io", "CSINode", "Drivers")
            | (
                "admissionregistration.k8s.io",
                "MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration",
                "Webhooks"
            )
    )
}

impl ControlPlane {
    /// A `Table` of `items` (objects of kind `info` in `workspace`) at the current virtual time.
    /// `list_metadata` becomes the table's `metadata` (`resourceVersion`, `continue`);
    /// `headers: false` leaves out the column definitions, as a watch does after its first
    /// event.
    pub fn table(
        &self,
        workspace: &str,
        info: &KindInfo,
        items: &[Value],
        list_metadata: Value,
        include: IncludeObject,
        headers: bool,
    ) -> Value {
        let printer =
            columns::custom_in(self, workspace, info).unwrap_or_else(|| printers::for_kind(info));
        let now = self.now_ms();
        let custom = self.server().custom_kind(workspace, info).is_some();
        let integer: Vec<bool> = printer
            .columns
            .iter()
            .map(|c| !custom && integer_column(info, &c.name))
            .collect();
        let columns: Vec<Value> = printer
            .columns
            .iter()
            .map(|c| {
                let kind = if !custom && integer_column(info, &c.name) {
                    "integer"
                } else {
                    "string"
                };
                let mut d = json!({"name": c.name, "type": kind, "format": "", "description": "", "priority": c.priority});
                if c.is_name {
                    d["format"] = json!("name");
                    d["description"] = json!(NAME_DESCRIPTION);
                }
                d
            })
            .collect();
        let rows: Vec<Value> = items
            .iter()
            .map(|o| {
                let cells: Vec<Value> = printer
                    .row(o, now)
                    .into_iter()
                    .enumerate()
                    .map(|(i, cell)| match cell.parse::<i64>() {
                        Ok(n) if integer.get(i).copied().unwrap_or(false) => Value::from(n),
                        _ => Value::from(cell),
                    })
                    .collect();
                let mut row = json!({"cells": cells});
                match include {
                    IncludeObject::None => {}
                    IncludeObject::Metadata => {
                        row["object"] = json!({
                            "kind": "PartialObjectMetadata",
                            "apiVersion": "meta.k8s.io/v1",
                            "metadata": o.get("metadata").cloned().unwrap_or_else(|| json!({})),
                        })
                    }
                    IncludeObject::Object => row["object"] = o.clone(),
                }
                row
            })
            .collect();
        let metadata = if list_metadata.is_object() {
            list_metadata
        } else {
            json!({})
        };
        json!({
            "kind": "Table",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": metadata,
            "columnDefinitions": if headers { Value::from(columns) } else { Value::Null },
            "rows": rows,
        })
    }

    /// The `Table` of a list or of one object, as the API server converts a response: a list
    /// (`PodList`) becomes one row per item with the list's `resourceVersion`/`continue`; an
    /// object, one row.
    pub fn table_of(
        &self,
        workspace: &str,
        info: &KindInfo,
        response: &Value,
        include: IncludeObject,
        headers: bool,
    ) -> Value {
        match response.get("items").and_then(Value::as_array) {
            Some(items) => {
                let mut meta = json!({});
                for k in ["resourceVersion", "continue", "remainingItemCount"] {
                    if let Some(v) = response["metadata"].get(k) {
                        meta[k] = v.clone();
                    }
                }
                self.table(workspace, info, items, meta, include, headers)
            }
            None => {
                let meta = match object::str_at(response, &["metadata", "resourceVersion"]) {
                    Some(rv) => json!({"resourceVersion": rv}),
                    None => json!({}),
                };
                self.table(
                    workspace,
                    info,
                    std::slice::from_ref(response),
                    meta,
                    include,
                    headers,
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ApplyOptions, ListOptions, Options};

    #[test]
    fn kubectl_get_accept_header_asks_for_a_table() {
        // kubectl get's transformRequests (k8s.io/kubectl pkg/cmd/get/get.go).
        assert!(wants_table("application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"));
        assert!(!wants_table("application/json"));
        assert_eq!(
            IncludeObject::parse("Object").unwrap(),
            IncludeObject::Object
        );
        assert_eq!(IncludeObject::parse("x").unwrap_err().code, 400);
    }

    #[test]
    fn a_deployment_list_prints_kubectls_columns_and_metadata_rows() {
        let mut cp = ControlPlane::new(Options::default()).unwrap();
        let d = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, labels: {app: web}}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: nginx}]}\n";
        cp.apply("root", d, &ApplyOptions::default()).unwrap();
        let info = crate::api::kinds::by_kind(Some("apps/v1"), "Deployment").unwrap();
        let list = cp
            .list(
                "root",
                &ListOptions {
                    kind: "Deployment".into(),
                    ..Default::default()
                },
            )
            .unwrap();
        let t = cp.table_of("root", info, &list, IncludeObject::Metadata, true);
        assert_eq!(t["kind"], "Table");
        assert_eq!(
            t["metadata"]["resourceVersion"],
            list["metadata"]["resourceVersion"]
        );
        let names: Vec<&str> = t["columnDefinitions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        // printers.go AddHandlers: deploymentColumns.
        assert_eq!(
            names,
            [
                "Name",
                "Ready",
                "Up-to-date",
                "Available",
                "Age",
                "Containers",
                "Images",
                "Selector"
            ]
        );
        assert_eq!(t["columnDefinitions"][0]["format"], "name");
        assert_eq!(t["columnDefinitions"][5]["priority"], 1);
        let row = &t["rows"][0];
        assert_eq!(row["cells"][0], "web");
        assert_eq!(t["columnDefinitions"][2]["type"], "string");
        // A ReplicaSet's counts are integer columns upstream (replicaSetColumnDefinitions).
        let rs_info = crate::api::kinds::by_kind(Some("apps/v1"), "ReplicaSet").unwrap();
        let rs = cp
            .list(
                "root",
                &ListOptions {
                    kind: "ReplicaSet".into(),
                    ..Default::default()
                },
            )
            .unwrap();
        let t = cp.table_of("root", rs_info, &rs, IncludeObject::None, true);
        assert_eq!(t["columnDefinitions"][1]["type"], "integer");
        assert_eq!(t["rows"][0]["cells"][1], 2);
        assert_eq!(row["cells"][6], "nginx");
        assert_eq!(row["object"]["kind"], "PartialObjectMetadata");
        assert_eq!(row["object"]["metadata"]["labels"]["app"], "web");
        let no_headers = cp.table_of("root", info, &list, IncludeObject::None, false);
        assert!(no_headers["columnDefinitions"].is_null());
        assert!(no_headers["rows"][0].get("object").is_none());
    }
}
