//! The REST API's own documents, as kube-apiserver serves them to real clients (kubectl, Helm,
//! client-go): discovery ([`discovery`]), OpenAPI v2 and v3 ([`openapi`]), server-side printing
//! (`meta.k8s.io/v1` `Table`, [`table`]) and `/version`. Each is a pure function of the control
//! plane's state and of one workspace (its custom kinds included); the npm package's HTTP server
//! (`bindings/js/http.cjs`) serves them, translating requests to the same calls as the JS API.
//!
//! [`ControlPlane::api_resources`] lists what a workspace serves; [`ControlPlane::api_resource`]
//! resolves one request path's `group/version/resource`.
pub mod discovery;
pub mod openapi;
pub mod protobuf;
pub mod review;
pub mod table;

use crate::api::kinds::KINDS;
use crate::api::{KindInfo, Value};
use crate::control_plane::ControlPlane;
use crate::json;
use crate::server::status::Status;

pub use table::IncludeObject;

/// One subresource of a resource, as discovery lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subresource {
    /// `status`, `scale`, `binding`, `eviction`.
    pub name: &'static str,
    /// The group, version and kind of what it takes and returns (`autoscaling/v1` `Scale`).
    pub group: String,
    /// See `group`.
    pub version: String,
    /// See `group`.
    pub kind: String,
    /// `get`, `patch`, `update` or `create`.
    pub verbs: &'static [&'static str],
}

/// One resource a workspace serves: a built-in kind or one version of a custom kind.
#[derive(Debug, Clone)]
pub struct ApiResource {
    /// The kind (group, version, plural, scope, short names).
    pub info: &'static KindInfo,
    /// `pod`, `deployment`: the singular name.
    pub singular: String,
    /// The short names (`po`), for a custom kind its CRD's.
    pub short_names: Vec<String>,
    /// The categories (`all`), for a custom kind its CRD's.
    pub categories: Vec<String>,
    /// The verbs, in discovery's order.
    pub verbs: &'static [&'static str],
    /// Its subresources, by name.
    pub subresources: Vec<Subresource>,
    /// Whether it is a custom kind (a CRD or a bound API): no strategic merge patch.
    pub custom: bool,
    /// Whether it is a review ([`review::REVIEW_KINDS`]): create-only, answered by
    /// [`ControlPlane::review`], never stored.
    pub review: bool,
}

impl ApiResource {
    /// The resource as the npm package's HTTP layer reads it: `{ group, version, apiVersion,
    /// kind, plural, namespaced, custom, subresources: [name] }`.
    pub fn to_value(&self) -> Value {
        let i = self.info;
        json!({
            "group": i.group,
            "version": i.version,
            "apiVersion": i.api_version(),
            "kind": i.kind,
            "plural": i.plural,
            "namespaced": i.namespaced,
            "custom": self.custom,
            "review": self.review,
            "subresources": self.subresources.iter().map(|s| s.name).collect::<Vec<_>>(),
        })
    }

    /// A subresource by name.
    pub fn subresource(&self, name: &str) -> Option<&Subresource> {
        self.subresources.iter().find(|s| s.name == name)
    }
}

/// Every verb of a resource (kube-apiserver's order in discovery).
const ALL_VERBS: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];
/// Namespaces have no `deletecollection` (registry/core/namespace/storage).
const NAMESPACE_VERBS: &[&str] = &[
    "create", "delete", "get", "list", "patch", "update", "watch",
];
const STATUS_VERBS: &[&str] = &["get", "patch", "update"];
const CREATE_ONLY: &[&str] = &["create"];

/// Discovery's verbs for a built-in resource.
pub fn verbs(info: &KindInfo) -> &'static [&'static str] {
    match info.resource {
        "namespaces" => NAMESPACE_VERBS,
        _ => ALL_VERBS,
    }
}

/// Discovery's categories for a built-in resource: `all` for the kinds upstream puts there
/// (`kubectl get all`), kplane's groupings for Karpenter's and KCP's kinds.
pub fn categories(info: &KindInfo) -> &'static str {
    if crate::kubectl::resources::ALL_CATEGORY.contains(&info.resource) {
        return "all";
    }
    match info.group {
        "karpenter.sh" | "karpenter.k8s.aws" => "karpenter",
        "tenancy.kcp.io" | "core.kcp.io" | "apis.kcp.io" => "kcp",
        _ => "",
    }
}

/// Whether a built-in kind has a `/scale` subresource.
pub fn has_scale(info: &KindInfo) -> bool {
    matches!(
        (info.group, info.kind),
        ("apps", "Deployment" | "ReplicaSet" | "StatefulSet") | ("", "ReplicationController")
    )
}

fn scale_subresource() -> Subresource {
    Subresource {
        name: "scale",
        group: "autoscaling".into(),
        version: "v1".into(),
        kind: "Scale".into(),
        verbs: STATUS_VERBS,
    }
}

fn status_subresource(info: &KindInfo) -> Subresource {
    Subresource {
        name: "status",
        group: info.group.into(),
        version: info.version.into(),
        kind: info.kind.into(),
        verbs: STATUS_VERBS,
    }
}

fn builtin(info: &'static KindInfo) -> ApiResource {
    let mut subresources = Vec::new();
    if info.group.is_empty() && info.kind == "Pod" {
        subresources.push(Subresource {
            name: "binding",
            group: String::new(),
            version: "v1".into(),
            kind: "Binding".into(),
            verbs: CREATE_ONLY,
        });
        subresources.push(Subresource {
            name: "eviction",
            group: "policy".into(),
            version: "v1".into(),
            kind: "Eviction".into(),
            verbs: CREATE_ONLY,
        });
    }
    if has_scale(info) {
        subresources.push(scale_subresource());
    }
    if info.status_subresource {
        subresources.push(status_subresource(info));
    }
    let categories = categories(info);
    ApiResource {
        info,
        singular: info.kind.to_ascii_lowercase(),
        short_names: info.short_names.iter().map(|s| s.to_string()).collect(),
        categories: if categories.is_empty() {
            vec![]
        } else {
            vec![categories.to_string()]
        },
        verbs: verbs(info),
        subresources,
        custom: false,
        review: false,
    }
}

fn review(info: &'static KindInfo) -> ApiResource {
    ApiResource {
        info,
        singular: info.kind.to_ascii_lowercase(),
        short_names: vec![],
        categories: vec![],
        verbs: CREATE_ONLY,
        subresources: vec![],
        custom: false,
        review: true,
    }
}

impl ControlPlane {
    /// Every resource `workspace` serves: the built-in kinds, the reviews, then its custom
    /// kinds (its CRDs and bound APIs, one entry per served version).
    pub fn api_resources(&self, workspace: &str) -> Vec<ApiResource> {
        let mut out: Vec<ApiResource> = KINDS.iter().map(builtin).collect();
        out.extend(review::REVIEW_KINDS.iter().map(review));
        for c in self.server().custom_kinds(workspace) {
            let version = c.version();
            let mut subresources = Vec::new();
            if version.scale.is_some() {
                subresources.push(scale_subresource());
            }
            if version.status_subresource {
                subresources.push(status_subresource(c.info));
            }
            out.push(ApiResource {
                info: c.info,
                singular: if c.crd.singular.is_empty() {
                    c.info.kind.to_ascii_lowercase()
                } else {
                    c.crd.singular.clone()
                },
                short_names: c.crd.short_names.clone(),
                categories: c.crd.categories.clone(),
                verbs: ALL_VERBS,
                subresources,
                custom: true,
                review: false,
            });
        }
        out
    }

    /// The resource a request path names (`/apis/<group>/<version>/<resource>`) in
    /// `workspace`, if it serves one.
    pub fn api_resource(
        &self,
        workspace: &str,
        group: &str,
        version: &str,
        resource: &str,
    ) -> Option<ApiResource> {
        if let Some(info) = KINDS
            .iter()
            .find(|k| k.group == group && k.version == version && k.plural == resource)
        {
            return Some(builtin(info));
        }
        if let Some(info) = review::REVIEW_KINDS
            .iter()
            .find(|k| k.group == group && k.version == version && k.plural == resource)
        {
            return Some(review(info));
        }
        self.api_resources(workspace).into_iter().find(|r| {
            r.custom
                && r.info.group == group
                && r.info.version == version
                && r.info.plural == resource
        })
    }
}

/// `/version` (`version.Info`): kplane reports the Kubernetes version its kubelets run.
pub fn version() -> Value {
    let git = crate::kubelet::KUBELET_VERSION;
    let minor = git
        .trim_start_matches('v')
        .split('.')
        .nth(1)
        .unwrap_or("")
        .to_string();
    json!({
        "major": "1",
        "minor": minor,
        "gitVersion": git,
        "gitCommit": "",
        "gitTreeState": "clean",
        "buildDate": "",
        "goVersion": "",
        "compiler": "kplane",
        "platform": "wasm32",
    })
}

/// A document of the API about itself: its media type and body.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The `Content-Type` to answer with.
    pub content_type: String,
    /// The body (JSON).
    pub body: Value,
}

impl Document {
    fn json(body: Value) -> Document {
        Document {
            content_type: "application/json".into(),
            body,
        }
    }
}

impl ControlPlane {
    /// The document kube-apiserver serves at `path` (after any `/clusters/<workspace>` prefix)
    /// for `workspace`, negotiated by `accept`: discovery (`/api`, `/apis`, `/api/v1`,
    /// `/apis/<group>/<version>`, aggregated when asked), OpenAPI (`/openapi/v2`,
    /// `/openapi/v3`, `/openapi/v3/<api/v1|apis/<group>/<version>>`; `prefix` is the path
    /// before `/openapi`, for the v3 root's URLs) and `/version`. `None` when `path` is not
    /// one of these (a resource path); a 404 `Status` for a group version not served.
    pub fn api_document(
        &self,
        workspace: &str,
        path: &str,
        accept: &str,
        prefix: &str,
    ) -> Option<Result<Document, Status>> {
        let path = path.trim_end_matches('/');
        let segments: Vec<&str> = path.split('/').skip(1).collect();
        let aggregated = discovery::wants_aggregated(accept);
        Some(Ok(match segments.as_slice() {
            ["version"] => Document::json(version()),
            ["api"] => match aggregated {
                Some(t) => Document {
                    content_type: t.into(),
                    body: self.discovery_aggregated(workspace, true, t),
                },
                None => Document::json(self.discovery_core_versions()),
            },
            ["apis"] => match aggregated {
                Some(t) => Document {
                    content_type: t.into(),
                    body: self.discovery_aggregated(workspace, false, t),
                },
                None => Document::json(self.discovery_groups(workspace)),
            },
            ["api", v] => {
                return Some(
                    self.discovery_resources(workspace, "", v)
                        .map(Document::json),
                )
            }
            ["apis", g] => {
                let groups = self.discovery_groups(workspace);
                let group = groups["groups"]
                    .as_array()
                    .and_then(|a| a.iter().find(|x| x["name"] == *g).cloned());
                return Some(match group {
                    Some(mut g) => {
                        g["kind"] = json!("APIGroup");
                        g["apiVersion"] = json!("v1");
                        Ok(Document::json(g))
                    }
                    None => Err(not_found()),
                });
            }
            ["apis", g, v] => {
                return Some(
                    self.discovery_resources(workspace, g, v)
                        .map(Document::json),
                )
            }
            ["openapi", "v2"] => {
                // Only JSON is served: a client asking for protobuf alone (client-go's
                // OpenAPISchema) gets a 406 and falls back as with a server without it.
                if !(accept.is_empty() || accept.contains("json") || accept.contains("*/*")) {
                    return Some(Err(Status::new(
                        406,
                        "NotAcceptable",
                        format!("only the following media types are accepted: application/json (not {accept})"),
                    )));
                }
                Document::json(self.openapi_v2(workspace))
            }
            ["openapi", "v3"] => Document::json(self.openapi_v3_root(workspace, prefix)),
            ["openapi", "v3", "api", v] => {
                return Some(self.openapi_v3(workspace, "", v).map(Document::json))
            }
            ["openapi", "v3", "apis", g, v] => {
                return Some(self.openapi_v3(workspace, g, v).map(Document::json))
            }
            _ => return None,
        }))
    }
}

/// The API server's 404 for a path it does not serve.
pub fn not_found() -> Status {
    Status::new(
        404,
        "NotFound",
        "the server could not find the requested resource",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Options;

    #[test]
    fn documents_are_found_by_path_and_negotiated() {
        let cp = ControlPlane::new(Options::default()).unwrap();
        let agg = discovery::AGGREGATED_V2;
        let d = cp.api_document("root", "/apis", agg, "").unwrap().unwrap();
        assert_eq!(d.content_type, agg);
        assert_eq!(d.body["kind"], "APIGroupDiscoveryList");
        let d = cp.api_document("root", "/api/", "", "").unwrap().unwrap();
        assert_eq!(d.body["kind"], "APIVersions");
        let g = cp
            .api_document("root", "/apis/apps", "", "")
            .unwrap()
            .unwrap();
        assert_eq!(g.body["kind"], "APIGroup");
        assert_eq!(g.body["preferredVersion"]["groupVersion"], "apps/v1");
        assert_eq!(
            cp.api_document("root", "/apis/nope", "", "")
                .unwrap()
                .unwrap_err()
                .code,
            404
        );
        // client-go's OpenAPISchema asks for protobuf only: 406, and it falls back.
        let pb = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
        assert_eq!(
            cp.api_document("root", "/openapi/v2", pb, "")
                .unwrap()
                .unwrap_err()
                .code,
            406
        );
        assert!(cp.api_document("root", "/api/v1/pods", "", "").is_none());
        assert_eq!(
            cp.api_document("root", "/version", "", "")
                .unwrap()
                .unwrap()
                .body["major"],
            "1"
        );
    }
}
