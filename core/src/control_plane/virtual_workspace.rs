//! KCP's APIExport virtual workspace, as one call: the exporting workspace lists the objects
//! of an exported resource in every workspace that binds its export
//! (`/services/apiexport/<cluster>/<export>/clusters/*/apis/<group>/<version>/<resource>`).
//!
//! Only bindings whose bound resource carries the export's identity hash count, so an API of
//! the same group and resource from another export (or a CRD of that name) stays out. Each
//! item is annotated with the workspace it lives in (`kcp.io/cluster`, as objects read through
//! a wildcard cluster are). The caller needs `list` on `apiexports/content` of the export
//! (kcp `pkg/virtual/apiexport/authorizer/content.go`).
use super::query::Filter;
use super::{ControlPlane, ListOptions};
use crate::api::object::{self, str_at};
use crate::api::Value;
use crate::json;
use crate::server::authz::Request;
use crate::server::custom::{APIBINDING_RESOURCE, SCHEMA_RESOURCE};
use crate::server::status::Status;
use crate::store::Key;

/// The annotation that names the workspace of an object listed across workspaces.
pub const CLUSTER_ANNOTATION: &str = "kcp.io/cluster";

impl ControlPlane {
    /// Lists the objects of kind `o.kind` that the APIExport `export` of `workspace` exports,
    /// in every workspace bound to it (the export's virtual workspace); `o.namespace`, the
    /// selectors and `apiVersion` filter as in `list`. Each item carries the annotation
    /// `kcp.io/cluster: <workspace>`.
    pub fn list_export_content(
        &self,
        workspace: &str,
        export: &str,
        o: &ListOptions,
    ) -> Result<Value, Status> {
        self.server.check_workspace(workspace)?;
        let export_info = crate::controllers::kind("apis.kcp.io/v1alpha1", "APIExport");
        self.authorize(
            workspace,
            Request::new("list", export_info, "")
                .named(export)
                .on_subresource("content"),
        )?;
        let Some(exp) = self.server.get(workspace, export_info, "", export) else {
            return Err(Status::not_found(export_info, export));
        };
        let identity = str_at(exp, &["status", "identityHash"]).unwrap_or("");
        // The exported schema of that kind.
        let schema = object::array_at(exp, &["spec", "latestResourceSchemas"])
            .iter()
            .filter_map(|n| n.as_str())
            .filter_map(|n| {
                self.server
                    .store
                    .get(&Key::new(workspace, SCHEMA_RESOURCE, "", n))
            })
            .find(|s| {
                str_at(s, &["spec", "names", "kind"]) == Some(o.kind.as_str())
                    && o.api_version.as_deref().is_none_or(|av| {
                        object::array_at(s, &["spec", "versions"]).iter().any(|v| {
                            format!(
                                "{}/{}",
                                str_at(s, &["spec", "group"]).unwrap_or(""),
                                v["name"].as_str().unwrap_or("")
                            ) == av
                        })
                    })
            })
            .ok_or_else(|| {
                Status::new(
                    404,
                    "NotFound",
                    format!(
                        "no matches for kind \"{}\" in version \"{}\"",
                        o.kind,
                        o.api_version.as_deref().unwrap_or("")
                    ),
                )
            })?;
        let group = str_at(schema, &["spec", "group"]).unwrap_or("").to_string();
        let plural = str_at(schema, &["spec", "names", "plural"])
            .unwrap_or("")
            .to_string();
        let storage = object::array_at(schema, &["spec", "versions"])
            .iter()
            .find(|v| v["storage"] == true)
            .and_then(|v| v["name"].as_str())
            .unwrap_or("v1")
            .to_string();
        let api_version = o
            .api_version
            .clone()
            .unwrap_or_else(|| format!("{group}/{storage}"));
        let list_kind = str_at(schema, &["spec", "names", "listKind"])
            .map(String::from)
            .unwrap_or_else(|| format!("{}List", o.kind));
        let resource = format!("{plural}.{group}");
        let filter = Filter::new(
            o.label_selector.as_deref(),
            o.field_selector.as_deref(),
            None,
        )?;
        let store = &self.server.store;
        let mut items = Vec::new();
        for (key, binding) in store.list_all(APIBINDING_RESOURCE) {
            let bound = str_at(binding, &["status", "phase"]) == Some("Bound")
                && object::array_at(binding, &["status", "boundResources"])
                    .iter()
                    .any(|r| {
                        r["group"] == group.as_str()
                            && r["resource"] == plural.as_str()
                            && r["schema"]["identityHash"] == identity
                    });
            if !bound || identity.is_empty() {
                continue;
            }
            let consumer = key.workspace.to_string();
            for (_, v) in store.list(&consumer, &resource, o.namespace.as_deref()) {
                if !filter.matches(v) {
                    continue;
                }
                let mut item = v.clone();
                object::set_path(&mut item, &["apiVersion"], json!(api_version));
                object::set_path(
                    &mut item,
                    &["metadata", "annotations", CLUSTER_ANNOTATION],
                    json!(consumer),
                );
                items.push(item);
            }
        }
        Ok(json!({
            "apiVersion": api_version,
            "kind": list_kind,
            "metadata": {"resourceVersion": store.revision().to_string()},
            "items": items,
        }))
    }
}
