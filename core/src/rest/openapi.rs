//! OpenAPI v3 (`/openapi/v3`, `/openapi/v3/apis/<group>/<version>`) and v2 (`/openapi/v2`) of the
//! kinds a workspace serves, as kube-apiserver publishes them (k8s.io/kube-openapi builder3 and
//! builder, k8s.io/apiserver pkg/endpoints/installer.go for the paths and operations).
//!
//! What real clients read from them, and so what is here:
//! - `kubectl explain` (pkg/explain/v2 `plaintext.tmpl`) finds the kind through the
//!   `x-kubernetes-group-version-kind` of an operation on `/api[s]/<gv>/[namespaces/{namespace}/]
//!   <resource>`, then the schema carrying the same extension in `components.schemas`;
//! - `kubectl apply` (pkg/cmd/apply/patcher.go `gvkSupportsPatchOpenAPIV3`) computes a strategic
//!   merge patch from the v3 schema when the resource's PATCH operation takes
//!   `application/strategic-merge-patch+json`: the schemas keep `x-kubernetes-patch-strategy`,
//!   `x-kubernetes-patch-merge-key` and the list-type extensions; custom kinds take merge
//!   patches only, as upstream;
//! - client-go's `QueryParamVerifierV3` (server-side field validation) looks for the
//!   `fieldValidation` parameter of that PATCH operation.
//!
//! The built-in schemas are upstream's (`kubectl/explain/docs.json`, made by its `gen_docs.py`);
//! a custom kind's is its CRD's `openAPIV3Schema` (or its APIResourceSchema's) with
//! `apiVersion`, `kind` and `metadata` added, as the CRD OpenAPI builder does; a kind without
//! either is published with those three fields only.
use super::ApiResource;
use crate::api::{object, KindInfo, Map, Value};
use crate::control_plane::ControlPlane;
use crate::json;
use crate::kubectl::explain::{docs, schema_name};
use crate::server::custom::{CRD_RESOURCE, SCHEMA_RESOURCE};
use crate::server::status::Status;
use crate::store::Key;
use std::collections::{BTreeMap, BTreeSet};

const OBJECT_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
const PATCH: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";
const SCALE: &str = "io.k8s.api.autoscaling.v1.Scale";
/// The patch types a PATCH operation takes; strategic merge patch for built-in kinds only.
const PATCH_TYPES: &[&str] = &[
    "application/apply-patch+yaml",
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
];

/// Which OpenAPI a document is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Version {
    V2,
    V3,
}

impl Version {
    fn parameter(self, name: &str, location: &str, description: &str) -> Value {
        let mut p = json!({"name": name, "in": location, "description": description});
        if location == "path" {
            p["required"] = json!(true);
        }
        match self {
            Version::V3 => p["schema"] = json!({"type": "string", "uniqueItems": true}),
            Version::V2 => {
                p["type"] = json!("string");
                p["uniqueItems"] = json!(true);
            }
        }
        p
    }

    fn write_parameters(self) -> Vec<Value> {
        vec![
            self.parameter("dryRun", "query", "When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed"),
            self.parameter("fieldManager", "query", "fieldManager is a name associated with the actor or entity that is making these changes. The value must be less than or 128 characters long, and only contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint."),
            self.parameter("fieldValidation", "query", "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn (the default) - Strict"),
        ]
    }

    /// One operation of `info` (or of the kind a subresource returns, `response`).
    #[allow(clippy::too_many_arguments)]
    fn operation(
        self,
        action: &str,
        id: String,
        gvk: Value,
        response: Option<&str>,
        mut parameters: Vec<Value>,
        body: Option<Vec<&str>>,
        body_schema: Option<&str>,
    ) -> Value {
        let tag = format!(
            "{}_{}",
            gvk["group"]
                .as_str()
                .filter(|g| !g.is_empty())
                .unwrap_or("core")
                .split('.')
                .next()
                .unwrap_or("core"),
            gvk["version"].as_str().unwrap_or("")
        );
        let ok_schema = response.map(|r| json!({"$ref": self.reference(r)}));
        let mut op = json!({"tags": [tag], "operationId": id});
        match self {
            Version::V3 => {
                let mut ok = json!({"description": "OK"});
                if let Some(s) = ok_schema {
                    ok["content"] = json!({"application/json": {"schema": s}});
                }
                op["responses"] = json!({"200": ok});
                if let (Some(types), Some(schema)) = (&body, body_schema) {
                    let mut content = Map::new();
                    for t in types {
                        content.insert(*t, json!({"schema": {"$ref": self.reference(schema)}}));
                    }
                    op["requestBody"] =
                        json!({"content": Value::Object(content), "required": true});
                }
            }
            Version::V2 => {
                let mut ok = json!({"description": "OK"});
                if let Some(s) = ok_schema {
                    ok["schema"] = s;
                }
                op["responses"] = json!({"200": ok});
                op["schemes"] = json!(["https"]);
                op["produces"] = json!(["application/json", "application/yaml"]);
                op["consumes"] = json!(body.clone().unwrap_or_else(|| vec!["*/*"]));
                if let Some(schema) = body_schema {
                    parameters.push(json!({"name": "body", "in": "body", "required": true, "schema": {"$ref": self.reference(schema)}}));
                }
            }
        }
        if !parameters.is_empty() {
            op["parameters"] = Value::from(parameters);
        }
        op["x-kubernetes-action"] = json!(action);
        op["x-kubernetes-group-version-kind"] = gvk;
        op
    }

    fn reference(self, name: &str) -> String {
        match self {
            Version::V2 => format!("#/definitions/{name}"),
            Version::V3 => format!("#/components/schemas/{name}"),
        }
    }
}

/// `apps` → `Apps`, `networking.k8s.io` → `Networking`, `karpenter.sh` → `KarpenterSh`, `""` →
/// `Core`: the group as operation ids spell it (kube-openapi's `friendlyName` of the tag).
fn group_word(group: &str) -> String {
    if group.is_empty() {
        return "Core".into();
    }
    let trimmed = group.strip_suffix(".k8s.io").unwrap_or(group);
    trimmed
        .split(['.', '-'])
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The schema name of a kind without an upstream schema: the reversed group, version and
/// kind (`com.example.v1.Widget`), as the CRD OpenAPI builder names them.
fn custom_schema_name(info: &KindInfo) -> String {
    let mut parts: Vec<&str> = info.group.split('.').collect();
    parts.reverse();
    format!("{}.{}.{}", parts.join("."), info.version, info.kind)
}

/// Rewrites the bare `$ref`s of `docs.json` into references of `version`; for v2, a `$ref`
/// wrapped in `allOf` with siblings is unwrapped as the v2 documents write it.
fn rewrite(v: &Value, version: Version) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, x) in m.iter() {
                if &**k == "$ref" {
                    out.insert("$ref", json!(version.reference(x.as_str().unwrap_or(""))));
                } else {
                    out.insert(&**k, rewrite(x, version));
                }
            }
            if version == Version::V2 {
                let single_ref = out
                    .get("allOf")
                    .and_then(Value::as_array)
                    .filter(|a| a.len() == 1)
                    .and_then(|a| a[0].get("$ref").cloned());
                if let Some(r) = single_ref {
                    out.shift_remove("allOf");
                    out.insert("$ref", r);
                }
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::from(a.iter().map(|x| rewrite(x, version)).collect::<Vec<_>>()),
        other => other.clone(),
    }
}

/// The names every schema of `start` refers to, transitively (`start` included).
fn closure(start: &[String], schemas: &Value) -> BTreeSet<String> {
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m.iter() {
                    if &**k == "$ref" {
                        if let Some(s) = x.as_str() {
                            out.push(s.to_string());
                        }
                    } else {
                        refs(x, out);
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = start.to_vec();
    while let Some(n) = todo.pop() {
        if !seen.insert(n.clone()) {
            continue;
        }
        if let Some(s) = schemas.get(&n) {
            refs(s, &mut todo);
        }
    }
    seen
}

/// A document being built: its paths and schemas.
struct Builder<'a> {
    cp: &'a ControlPlane,
    workspace: &'a str,
    version: Version,
    paths: BTreeMap<String, Value>,
    /// Names of upstream schemas to include (with what they refer to).
    upstream: Vec<String>,
    /// Schemas made here (custom kinds), by name.
    own: BTreeMap<String, Value>,
}

impl<'a> Builder<'a> {
    fn new(cp: &'a ControlPlane, workspace: &'a str, version: Version) -> Builder<'a> {
        Builder {
            cp,
            workspace,
            version,
            paths: BTreeMap::new(),
            upstream: vec![OBJECT_META.to_string()],
            own: BTreeMap::new(),
        }
    }

    fn gvk(info: &KindInfo) -> Value {
        json!({"group": info.group, "version": info.version, "kind": info.kind})
    }

    /// The schema name of a resource's kind, adding the schema to the document.
    fn kind_schema(&mut self, r: &ApiResource) -> String {
        let info = r.info;
        if !r.custom {
            if let Some(name) = schema_name(info) {
                self.upstream.push(name.to_string());
                return name.to_string();
            }
        }
        let name = custom_schema_name(info);
        if !self.own.contains_key(&name) {
            let mut schema = self
                .custom_schema(info)
                .filter(Value::is_object)
                .unwrap_or_else(|| json!({"type": "object"}));
            let props = json!({
                "apiVersion": {"description": "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources", "type": "string"},
                "kind": {"description": "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds", "type": "string"},
                "metadata": {"allOf": [{"$ref": OBJECT_META}], "description": "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"},
            });
            let mut merged = props.as_object().cloned().unwrap_or_default();
            if let Some(own) = schema.get("properties").and_then(Value::as_object) {
                for (k, v) in own.iter() {
                    if !merged.contains_key(k) {
                        merged.insert(&**k, v.clone());
                    }
                }
            }
            schema["properties"] = Value::Object(merged);
            schema["x-kubernetes-group-version-kind"] = json!([Self::gvk(info)]);
            self.own.insert(name.clone(), schema);
        }
        name
    }

    /// A custom kind's `openAPIV3Schema`: its CRD's in this workspace, or its APIResourceSchema's.
    fn custom_schema(&self, info: &KindInfo) -> Option<Value> {
        let served = self.cp.server().custom_kind(self.workspace, info)?;
        let store = &self.cp.server().store;
        let (definition, wrapped) = match &served.export {
            None => (
                store.get(&Key::new(
                    self.workspace,
                    CRD_RESOURCE,
                    "",
                    &served.crd.name,
                ))?,
                true,
            ),
            Some(e) => (
                store.get(&Key::new(&e.path, SCHEMA_RESOURCE, "", &e.schema))?,
                false,
            ),
        };
        let version = object::array_at(definition, &["spec", "versions"])
            .iter()
            .find(|v| v["name"] == info.version)?;
        let schema = if wrapped {
            version.get("schema")?.get("openAPIV3Schema")?
        } else {
            version.get("schema")?
        };
        Some(strip_refs(schema))
    }

    /// The paths and operations of one resource (installer.go `registerResourceHandlers`).
    fn resource(&mut self, r: &ApiResource) {
        let info = r.info;
        let schema = self.kind_schema(r);
        let v = self.version;
        let prefix = if info.group.is_empty() {
            format!("/api/{}", info.version)
        } else {
            format!("/apis/{}/{}", info.group, info.version)
        };
        let scope = if info.namespaced { "Namespaced" } else { "" };
        let base = if info.namespaced {
            format!("{prefix}/namespaces/{{namespace}}/{}", info.plural)
        } else {
            format!("{prefix}/{}", info.plural)
        };
        let words = format!(
            "{}{}{scope}{}",
            group_word(info.group),
            capitalized(info.version),
            info.kind
        );
        let gvk = Self::gvk(info);
        let ns_param = || {
            v.parameter(
                "namespace",
                "path",
                "object name and auth scope, such as for teams and projects",
            )
        };
        let name_param = |what: &str| v.parameter("name", "path", &format!("name of the {what}"));
        let scoped = |mut ps: Vec<Value>| {
            if info.namespaced {
                ps.insert(0, ns_param());
            }
            ps
        };
        let list_params = scoped(vec![
            v.parameter("labelSelector", "query", "A selector to restrict the list of returned objects by their labels. Defaults to everything."),
            v.parameter("fieldSelector", "query", "A selector to restrict the list of returned objects by their fields. Defaults to everything."),
            v.parameter("limit", "query", "limit is a maximum number of responses to return for a list call."),
            v.parameter("continue", "query", "The continue option should be set when retrieving more results from the server."),
            v.parameter("watch", "query", "Watch for changes to the described resources and return them as a stream of add, update, and remove notifications."),
        ]);
        if !r.verbs.contains(&"get") {
            // Create-only (the reviews).
            let post = v.operation(
                "post",
                format!("create{words}"),
                gvk,
                Some(&schema),
                v.write_parameters(),
                Some(vec!["*/*"]),
                Some(&schema),
            );
            self.paths.insert(base, json!({"post": post}));
            return;
        }
        let mut collection = json!({
            "get": v.operation("list", format!("list{words}"), gvk.clone(), None, list_params.clone(), None, None),
            "post": v.operation("post", format!("create{words}"), gvk.clone(), Some(&schema), scoped(v.write_parameters()), Some(vec!["*/*"]), Some(&schema)),
        });
        if r.verbs.contains(&"deletecollection") {
            collection["delete"] = v.operation(
                "deletecollection",
                format!("deletecollection{words}"),
                gvk.clone(),
                None,
                list_params,
                None,
                None,
            );
        }
        self.paths.insert(base.clone(), collection);
        let write = |ps: Vec<Value>| {
            let mut out = vec![name_param(info.kind)];
            if info.namespaced {
                out.insert(0, ns_param());
            }
            out.extend(ps);
            out
        };
        let mut patch_params = v.write_parameters();
        patch_params.push(v.parameter("force", "query", "Force is going to \"force\" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests."));
        let patch_types: Vec<&str> = PATCH_TYPES
            .iter()
            .copied()
            .filter(|t| !r.custom || !t.contains("strategic"))
            .collect();
        let item = json!({
            "get": v.operation("get", format!("read{words}"), gvk.clone(), Some(&schema), write(vec![]), None, None),
            "put": v.operation("put", format!("replace{words}"), gvk.clone(), Some(&schema), write(v.write_parameters()), Some(vec!["*/*"]), Some(&schema)),
            "patch": v.operation("patch", format!("patch{words}"), gvk.clone(), Some(&schema), write(patch_params.clone()), Some(patch_types.clone()), Some(PATCH)),
            "delete": v.operation("delete", format!("delete{words}"), gvk.clone(), None, write(vec![]), None, None),
        });
        self.paths.insert(format!("{base}/{{name}}"), item);
        if info.namespaced {
            let all = json!({
                "get": v.operation("list", format!("list{}{}{}ForAllNamespaces", group_word(info.group), capitalized(info.version), info.kind), gvk.clone(), None, vec![], None, None),
            });
            self.paths.insert(format!("{prefix}/{}", info.plural), all);
        }
        for s in &r.subresources {
            let sub_gvk = json!({"group": s.group, "version": s.version, "kind": s.kind});
            let sub_schema = match s.name {
                "status" => Some(schema.clone()),
                "scale" => {
                    self.upstream.push(SCALE.to_string());
                    Some(SCALE.to_string())
                }
                _ => None,
            };
            let id = format!("{words}{}", capitalized(s.name));
            let path = format!("{base}/{{name}}/{}", s.name);
            let op = if s.verbs.contains(&"create") {
                json!({"post": v.operation("post", format!("create{id}"), sub_gvk, None, write(v.write_parameters()), Some(vec!["*/*"]), None)})
            } else {
                json!({
                    "get": v.operation("get", format!("read{id}"), sub_gvk.clone(), sub_schema.as_deref(), write(vec![]), None, None),
                    "put": v.operation("put", format!("replace{id}"), sub_gvk.clone(), sub_schema.as_deref(), write(v.write_parameters()), Some(vec!["*/*"]), sub_schema.as_deref()),
                    "patch": v.operation("patch", format!("patch{id}"), sub_gvk, sub_schema.as_deref(), write(patch_params.clone()), Some(patch_types.clone()), Some(PATCH)),
                })
            };
            self.paths.insert(path, op);
        }
    }

    /// The schemas: upstream's (with what they refer to, the kind schemas carrying
    /// `x-kubernetes-group-version-kind`), the custom ones and `Patch`.
    fn schemas(&self) -> Map {
        let all = &docs()["schemas"];
        let mut gvks: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
        for k in docs()["kinds"].as_array().map_or(&[][..], |a| a.as_slice()) {
            if let Some(name) = k[3].as_str() {
                gvks.entry(name)
                    .or_default()
                    .push(json!({"group": k[0], "version": k[1], "kind": k[2]}));
            }
        }
        let mut wanted = self.upstream.clone();
        for s in self.own.values() {
            let mut refs = Vec::new();
            collect_refs(s, &mut refs);
            wanted.extend(refs);
        }
        let mut out = Map::new();
        for name in closure(&wanted, all) {
            let Some(s) = all.get(&name) else { continue };
            let mut s = rewrite(s, self.version);
            if let Some(g) = gvks.get(name.as_str()) {
                s["x-kubernetes-group-version-kind"] = Value::from(g.clone());
            }
            out.insert(&*name, s);
        }
        for (name, s) in &self.own {
            out.insert(&**name, rewrite(s, self.version));
        }
        out.insert(
            PATCH,
            json!({"description": "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.", "type": "object"}),
        );
        out
    }

    fn paths_value(&self) -> Value {
        let mut m = Map::new();
        for (k, v) in &self.paths {
            m.insert(&**k, v.clone());
        }
        Value::Object(m)
    }
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter() {
                if &**k == "$ref" {
                    if let Some(s) = x.as_str() {
                        out.push(s.to_string());
                    }
                } else {
                    collect_refs(x, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_refs(x, out)),
        _ => {}
    }
}

/// A CRD schema has no `$ref`s (structural schemas forbid them); any that slipped in would
/// point outside the document, so they are dropped.
fn strip_refs(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, x) in m.iter() {
                if &**k != "$ref" {
                    out.insert(&**k, strip_refs(x));
                }
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::from(a.iter().map(strip_refs).collect::<Vec<_>>()),
        other => other.clone(),
    }
}

fn gv_path(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("api/{version}")
    } else {
        format!("apis/{group}/{version}")
    }
}

fn info_block() -> Value {
    json!({"title": "Kubernetes", "version": crate::kubelet::KUBELET_VERSION})
}

impl ControlPlane {
    /// `/openapi/v3`: the group versions `workspace` serves, each with the server-relative URL
    /// of its document. `prefix` is what the request path had before `/openapi` (KCP's
    /// `/clusters/<workspace>`): client-go fetches these URLs as they are. The `hash` changes
    /// when the document does (kplane's version, the custom kinds' definitions).
    pub fn openapi_v3_root(&self, workspace: &str, prefix: &str) -> Value {
        let mut gvs: Vec<(String, String)> = Vec::new();
        let mut fingerprints: BTreeMap<(String, String), String> = BTreeMap::new();
        for r in self.api_resources(workspace) {
            let key = (r.info.group.to_string(), r.info.version.to_string());
            if !gvs.contains(&key) {
                gvs.push(key.clone());
            }
            if r.custom {
                let f = fingerprints.entry(key).or_default();
                f.push_str(&self.custom_fingerprint(workspace, r.info));
            }
        }
        let mut paths = Map::new();
        for (g, v) in gvs {
            let fingerprint = format!(
                "kplane {} {g}/{v} {}",
                env!("CARGO_PKG_VERSION"),
                fingerprints.get(&(g.clone(), v.clone())).map_or("", |s| s)
            );
            let hash = crate::api::sha256::hex(fingerprint.as_bytes()).to_uppercase();
            let path = gv_path(&g, &v);
            paths.insert(
                &*path,
                json!({"serverRelativeURL": format!("{prefix}/openapi/v3/{path}?hash={hash}")}),
            );
        }
        json!({"paths": Value::Object(paths)})
    }

    /// What identifies a custom kind's definition: the resourceVersion of its CRD (or of its
    /// APIResourceSchema).
    fn custom_fingerprint(&self, workspace: &str, info: &KindInfo) -> String {
        let Some(c) = self.server().custom_kind(workspace, info) else {
            return String::new();
        };
        let key = match &c.export {
            None => Key::new(workspace, CRD_RESOURCE, "", &c.crd.name),
            Some(e) => Key::new(&e.path, SCHEMA_RESOURCE, "", &e.schema),
        };
        let rv = self
            .server()
            .store
            .get(&key)
            .and_then(|o| object::str_at(o, &["metadata", "resourceVersion"]))
            .unwrap_or("");
        format!("{}:{rv};", c.crd.name)
    }

    /// `/openapi/v3/api/v1`, `/openapi/v3/apis/<group>/<version>`: the OpenAPI v3 document of
    /// one group version in `workspace`; 404 when it serves none.
    pub fn openapi_v3(&self, workspace: &str, group: &str, version: &str) -> Result<Value, Status> {
        let resources: Vec<ApiResource> = self
            .api_resources(workspace)
            .into_iter()
            .filter(|r| r.info.group == group && r.info.version == version)
            .collect();
        if resources.is_empty() {
            return Err(super::not_found());
        }
        let mut b = Builder::new(self, workspace, Version::V3);
        for r in &resources {
            b.resource(r);
        }
        Ok(json!({
            "openapi": "3.0.0",
            "info": info_block(),
            "paths": b.paths_value(),
            "components": {
                "schemas": Value::Object(b.schemas()),
                "securitySchemes": {"BearerToken": {"type": "apiKey", "description": "Bearer Token authentication", "name": "authorization", "in": "header"}},
            },
        }))
    }

    /// `/openapi/v2`: the Swagger 2.0 document of every kind `workspace` serves (JSON).
    pub fn openapi_v2(&self, workspace: &str) -> Value {
        let mut b = Builder::new(self, workspace, Version::V2);
        for r in &self.api_resources(workspace) {
            b.resource(r);
        }
        json!({
            "swagger": "2.0",
            "info": info_block(),
            "paths": b.paths_value(),
            "definitions": Value::Object(b.schemas()),
            "securityDefinitions": {"BearerToken": {"type": "apiKey", "description": "Bearer Token authentication", "name": "authorization", "in": "header"}},
            "security": [{"BearerToken": []}],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ApplyOptions, Options};

    fn cp() -> ControlPlane {
        ControlPlane::new(Options::default()).unwrap()
    }

    #[test]
    fn root_lists_group_versions_with_prefixed_urls() {
        let root = cp().openapi_v3_root("root:org", "/clusters/root:org");
        let url = root["paths"]["apis/apps/v1"]["serverRelativeURL"]
            .as_str()
            .unwrap();
        assert!(url.starts_with("/clusters/root:org/openapi/v3/apis/apps/v1?hash="));
        assert!(root["paths"]["api/v1"].is_object());
    }

    #[test]
    fn apps_v1_has_what_explain_and_apply_read() {
        let doc = cp().openapi_v3("root", "apps", "v1").unwrap();
        // plaintext.tmpl: the GVK of an operation on the namespaced collection path.
        let list = &doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments"]["get"];
        assert_eq!(
            list["x-kubernetes-group-version-kind"],
            json!({"group": "apps", "version": "v1", "kind": "Deployment"})
        );
        // patcher.go gvkSupportsPatchOpenAPIV3 and QueryParamVerifierV3.
        let patch =
            &doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"];
        assert!(
            patch["requestBody"]["content"]["application/strategic-merge-patch+json"].is_object()
        );
        assert!(patch["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "fieldValidation" && p["in"] == "query"));
        let schemas = &doc["components"]["schemas"];
        let deployment = &schemas["io.k8s.api.apps.v1.Deployment"];
        assert_eq!(
            deployment["x-kubernetes-group-version-kind"][0]["kind"],
            "Deployment"
        );
        assert_eq!(
            deployment["properties"]["spec"]["allOf"][0]["$ref"],
            "#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec"
        );
        // The strategic merge patch metadata of PodSpec.containers (types.go patchStrategy tags).
        let containers = &schemas["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"];
        assert_eq!(containers["x-kubernetes-patch-merge-key"], "name");
        assert_eq!(containers["x-kubernetes-patch-strategy"], "merge");
        assert!(
            doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"]["patch"]
                .is_object()
        );
        assert_eq!(cp().openapi_v3("root", "apps", "v7").unwrap_err().code, 404);
    }

    #[test]
    fn v2_refs_definitions_and_lists_patch_types() {
        let doc = cp().openapi_v2("root");
        assert_eq!(doc["swagger"], "2.0");
        let patch = &doc["paths"]["/api/v1/namespaces/{namespace}/pods/{name}"]["patch"];
        assert!(patch["consumes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "application/strategic-merge-patch+json"));
        let spec = &doc["definitions"]["io.k8s.api.core.v1.Pod"]["properties"]["spec"];
        assert_eq!(spec["$ref"], "#/definitions/io.k8s.api.core.v1.PodSpec");
    }

    #[test]
    fn a_crd_publishes_its_schema_without_strategic_merge() {
        let mut cp = cp();
        let crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.example.com}\nspec:\n  group: example.com\n  scope: Namespaced\n  names: {plural: widgets, singular: widget, kind: Widget}\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n        properties:\n          spec: {type: object, description: The widget., properties: {size: {type: integer}}}\n";
        cp.apply("root", crd, &ApplyOptions::default()).unwrap();
        let doc = cp.openapi_v3("root", "example.com", "v1").unwrap();
        let w = &doc["components"]["schemas"]["com.example.v1.Widget"];
        assert_eq!(
            w["properties"]["spec"]["properties"]["size"]["type"],
            "integer"
        );
        assert_eq!(
            w["properties"]["metadata"]["allOf"][0]["$ref"],
            "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
        );
        assert!(doc["components"]["schemas"][OBJECT_META].is_object());
        let patch =
            &doc["paths"]["/apis/example.com/v1/namespaces/{namespace}/widgets/{name}"]["patch"];
        assert!(patch["requestBody"]["content"]["application/merge-patch+json"].is_object());
        assert!(patch["requestBody"]["content"]
            .get("application/strategic-merge-patch+json")
            .is_none());
    }
}
