//! Discovery, as kube-apiserver serves it (k8s.io/apiserver pkg/endpoints/discovery): the
//! legacy documents (`/api` `APIVersions`, `/apis` `APIGroupList`, `/api/v1` and
//! `/apis/<group>/<version>` `APIResourceList`) and aggregated discovery
//! (`apidiscovery.k8s.io/v2` `APIGroupDiscoveryList`, `pkg/endpoints/discovery/aggregated`),
//! which kubectl 1.32 asks for first. Every document is of one workspace: its custom kinds
//! appear beside the built-in ones (KCP: each logical cluster has its own discovery).
use super::ApiResource;
use crate::api::Value;
use crate::control_plane::ControlPlane;
use crate::json;
use crate::server::status::Status;

/// The media type of aggregated discovery, as a client asks for it and the server answers.
pub const AGGREGATED_V2: &str =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
/// The `v2beta1` variant (kubectl 1.26 to 1.29 ask for it).
pub const AGGREGATED_V2BETA1: &str =
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

/// One API group: its name and versions, the preferred one first.
struct Group {
    name: String,
    versions: Vec<String>,
}

/// The groups of `resources` in the order they first appear (the core group `""` included).
fn groups(resources: &[ApiResource]) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    for r in resources {
        let (g, v) = (r.info.group, r.info.version);
        match out.iter_mut().find(|x| x.name == g) {
            Some(x) if !x.versions.iter().any(|y| y == v) => x.versions.push(v.to_string()),
            Some(_) => {}
            None => out.push(Group {
                name: g.to_string(),
                versions: vec![v.to_string()],
            }),
        }
    }
    out
}

fn group_version(group: &str, version: &str) -> String {
    if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    }
}

/// Whether an `Accept` header asks for aggregated discovery; the media type to answer with.
pub fn wants_aggregated(accept: &str) -> Option<&'static str> {
    // Clients list what they take in order of preference, `,`-separated.
    for part in accept.split(',') {
        let params: Vec<&str> = part.split(';').map(str::trim).collect();
        let has = |p: &str| params.iter().any(|x| x.eq_ignore_ascii_case(p));
        if params.first() == Some(&"application/json")
            && has("g=apidiscovery.k8s.io")
            && has("as=APIGroupDiscoveryList")
        {
            if has("v=v2") {
                return Some(AGGREGATED_V2);
            }
            if has("v=v2beta1") {
                return Some(AGGREGATED_V2BETA1);
            }
        }
    }
    None
}

impl ControlPlane {
    /// `/api`: `APIVersions` (the core group's versions).
    pub fn discovery_core_versions(&self) -> Value {
        json!({
            "kind": "APIVersions",
            "versions": ["v1"],
            "serverAddressByClientCIDRs": [],
        })
    }

    /// `/apis`: the `APIGroupList` of `workspace` (every named group, its custom ones too).
    pub fn discovery_groups(&self, workspace: &str) -> Value {
        let resources = self.api_resources(workspace);
        let groups: Vec<Value> = groups(&resources)
            .into_iter()
            .filter(|g| !g.name.is_empty())
            .map(|g| {
                let versions: Vec<Value> = g
                    .versions
                    .iter()
                    .map(|v| json!({"groupVersion": group_version(&g.name, v), "version": v}))
                    .collect();
                json!({
                    "name": g.name,
                    "versions": versions.clone(),
                    "preferredVersion": versions.first().cloned().unwrap_or_default(),
                })
            })
            .collect();
        json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
    }

    /// `/api/v1`, `/apis/<group>/<version>`: the `APIResourceList` of one group version in
    /// `workspace`, resources and subresources sorted by name; 404 when it serves none.
    pub fn discovery_resources(
        &self,
        workspace: &str,
        group: &str,
        version: &str,
    ) -> Result<Value, Status> {
        let mut entries: Vec<(String, Value)> = Vec::new();
        for r in self
            .api_resources(workspace)
            .into_iter()
            .filter(|r| r.info.group == group && r.info.version == version)
        {
            let i = r.info;
            let mut e = json!({
                "name": i.plural,
                "singularName": r.singular,
                "namespaced": i.namespaced,
                "kind": i.kind,
                "verbs": r.verbs,
            });
            if !r.short_names.is_empty() {
                e["shortNames"] = json!(r.short_names);
            }
            if !r.categories.is_empty() {
                e["categories"] = json!(r.categories);
            }
            entries.push((i.plural.to_string(), e));
            for s in &r.subresources {
                let name = format!("{}/{}", i.plural, s.name);
                let mut e = json!({
                    "name": name,
                    "singularName": "",
                    "namespaced": i.namespaced,
                });
                if s.group != i.group || s.version != i.version {
                    e["group"] = json!(s.group);
                    e["version"] = json!(s.version);
                }
                e["kind"] = json!(s.kind);
                e["verbs"] = json!(s.verbs);
                entries.push((name, e));
            }
        }
        if entries.is_empty() {
            return Err(super::not_found());
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let resources: Vec<Value> = entries.into_iter().map(|(_, e)| e).collect();
        let gv = group_version(group, version);
        Ok(if group.is_empty() {
            json!({"kind": "APIResourceList", "groupVersion": gv, "resources": resources})
        } else {
            json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources})
        })
    }

    /// Aggregated discovery of `workspace`: the core group (`legacy`, for `/api`) or every
    /// named group (`/apis`), as an `APIGroupDiscoveryList` of `media_type`'s version
    /// ([`AGGREGATED_V2`] or [`AGGREGATED_V2BETA1`]).
    pub fn discovery_aggregated(&self, workspace: &str, legacy: bool, media_type: &str) -> Value {
        let api_version = if media_type == AGGREGATED_V2BETA1 {
            "apidiscovery.k8s.io/v2beta1"
        } else {
            "apidiscovery.k8s.io/v2"
        };
        let resources = self.api_resources(workspace);
        let items: Vec<Value> = groups(&resources)
            .into_iter()
            .filter(|g| g.name.is_empty() == legacy)
            .map(|g| {
                let versions: Vec<Value> = g
                    .versions
                    .iter()
                    .map(|v| {
                        let mut list: Vec<&ApiResource> = resources
                            .iter()
                            .filter(|r| r.info.group == g.name && r.info.version == *v)
                            .collect();
                        list.sort_by(|a, b| a.info.plural.cmp(b.info.plural));
                        let rs: Vec<Value> = list.into_iter().map(aggregated_resource).collect();
                        json!({"version": v, "resources": rs, "freshness": "Current"})
                    })
                    .collect();
                let metadata = if g.name.is_empty() {
                    json!({"creationTimestamp": null})
                } else {
                    json!({"name": g.name, "creationTimestamp": null})
                };
                json!({"metadata": metadata, "versions": versions})
            })
            .collect();
        json!({
            "kind": "APIGroupDiscoveryList",
            "apiVersion": api_version,
            "metadata": {},
            "items": items,
        })
    }
}

/// One `APIResourceDiscovery`.
fn aggregated_resource(r: &ApiResource) -> Value {
    let i = r.info;
    let mut e = json!({
        "resource": i.plural,
        "responseKind": {"group": i.group, "version": i.version, "kind": i.kind},
        "scope": if i.namespaced { "Namespaced" } else { "Cluster" },
        "singularResource": r.singular,
        "verbs": r.verbs,
    });
    if !r.short_names.is_empty() {
        e["shortNames"] = json!(r.short_names);
    }
    if !r.categories.is_empty() {
        e["categories"] = json!(r.categories);
    }
    if !r.subresources.is_empty() {
        let subs: Vec<Value> = r
            .subresources
            .iter()
            .map(|s| {
                json!({
                    "subresource": s.name,
                    "responseKind": {"group": s.group, "version": s.version, "kind": s.kind},
                    "verbs": s.verbs,
                })
            })
            .collect();
        e["subresources"] = json!(subs);
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ApplyOptions, Options};

    fn cp() -> ControlPlane {
        ControlPlane::new(Options::default()).unwrap()
    }

    #[test]
    fn aggregated_media_type_is_negotiated_as_client_go_asks() {
        // client-go discovery (discovery_client.go, acceptDiscoveryFormats) in kubectl 1.32.
        let accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
        assert_eq!(wants_aggregated(accept), Some(AGGREGATED_V2));
        assert_eq!(
            wants_aggregated(
                "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"
            ),
            Some(AGGREGATED_V2BETA1)
        );
        assert_eq!(wants_aggregated("application/json, */*"), None);
    }

    #[test]
    fn legacy_resource_list_has_subresources_sorted_by_name() {
        let cp = cp();
        let list = cp.discovery_resources("root", "", "v1").unwrap();
        assert_eq!(list["kind"], "APIResourceList");
        assert_eq!(list["groupVersion"], "v1");
        assert!(list.get("apiVersion").is_none());
        let names: Vec<&str> = list["resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap())
            .collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
        let eviction = list["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "pods/eviction")
            .unwrap();
        assert_eq!(eviction["group"], "policy");
        assert_eq!(eviction["kind"], "Eviction");
        assert_eq!(eviction["verbs"], json!(["create"]));
        let pods = list["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "pods")
            .unwrap();
        assert_eq!(pods["shortNames"], json!(["po"]));
        assert_eq!(pods["categories"], json!(["all"]));
        assert_eq!(
            cp.discovery_resources("root", "apps", "v9")
                .unwrap_err()
                .code,
            404
        );
        let apps = cp.discovery_resources("root", "apps", "v1").unwrap();
        assert_eq!(apps["apiVersion"], "v1");
        assert!(apps["resources"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["name"] == "deployments/scale" && r["kind"] == "Scale"));
    }

    #[test]
    fn groups_list_preferred_version_first() {
        let groups = cp().discovery_groups("root");
        let autoscaling = groups["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["name"] == "autoscaling")
            .unwrap();
        assert_eq!(autoscaling["preferredVersion"]["version"], "v2");
        assert_eq!(autoscaling["versions"][1]["groupVersion"], "autoscaling/v1");
    }

    #[test]
    fn a_workspace_crd_is_in_its_discovery_only() {
        let mut cp = cp();
        cp.add_logical_cluster("root:team").unwrap();
        let crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.example.com}\nspec:\n  group: example.com\n  scope: Namespaced\n  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd], categories: [all]}\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    subresources: {status: {}}\n    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}\n";
        cp.apply("root:team", crd, &ApplyOptions::default())
            .unwrap();
        let agg = cp.discovery_aggregated("root:team", false, AGGREGATED_V2);
        let example = agg["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["metadata"]["name"] == "example.com")
            .expect("example.com in root:team");
        let widgets = &example["versions"][0]["resources"][0];
        assert_eq!(widgets["resource"], "widgets");
        assert_eq!(widgets["scope"], "Namespaced");
        assert_eq!(widgets["shortNames"], json!(["wd"]));
        assert_eq!(widgets["subresources"][0]["subresource"], "status");
        let root = cp.discovery_aggregated("root", false, AGGREGATED_V2);
        assert!(!root["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["metadata"]["name"] == "example.com"));
        assert!(cp
            .api_resource("root:team", "example.com", "v1", "widgets")
            .is_some());
        assert!(cp
            .api_resource("root", "example.com", "v1", "widgets")
            .is_none());
        let core = cp.discovery_aggregated("root", true, AGGREGATED_V2);
        assert_eq!(core["items"].as_array().unwrap().len(), 1);
        assert_eq!(core["items"][0]["versions"][0]["version"], "v1");
    }
}
