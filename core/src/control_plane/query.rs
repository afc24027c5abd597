//! Reads: `get`, `list` (label and field selectors, `limit`/`continue` paging) and `watch`.
use super::{ControlPlane, ListOptions, ObjectRef, WatchEvent, WatchOptions};
use crate::api::object;
use crate::api::{base64, FieldSelector, KindInfo, Selector, Value};
use crate::json;
use crate::server::authz::Request;
use crate::server::status::Status;
use crate::server::workspaces::is_data_plane;
use crate::server::ROOT;
use crate::store::Key;

/// A parsed continue token: the list's revision and the last key it returned.
struct Continue {
    revision: u64,
    after: Key,
}

/// The continue token, as kube-apiserver's etcd3 store encodes it:
/// base64 of `{"v":"meta.k8s.io/v1","rv":N,"start":"<namespace>/<name>\u0000"}`.
fn encode_continue(revision: u64, last: &Key) -> String {
    let start = format!("{}/{}\u{0}", last.namespace, last.name);
    let doc = json!({"v": "meta.k8s.io/v1", "rv": revision, "start": start});
    base64::encode(doc.to_string().as_bytes())
}

fn decode_continue(token: &str, workspace: &str, info: &KindInfo) -> Result<Continue, Status> {
    let invalid = |why: String| Status::bad_request(format!("continue key is not valid: {why}"));
    let bytes = base64::decode(token).map_err(invalid)?;
    let doc: Value = serde_json::from_slice(&bytes).map_err(|e| invalid(e.to_string()))?;
    if doc["v"] != "meta.k8s.io/v1" {
        return Err(invalid("server does not recognize this encoded key".into()));
    }
    let revision = doc["rv"].as_u64().filter(|r| *r > 0).ok_or_else(|| {
        invalid("incorrect encoded start resourceVersion (version meta.k8s.io/v1)".into())
    })?;
    let start = doc["start"]
        .as_str()
        .and_then(|s| s.strip_suffix('\u{0}'))
        .ok_or_else(|| invalid("encoded start key is not valid".into()))?;
    let (namespace, name) = start.split_once('/').unwrap_or(("", start));
    Ok(Continue {
        revision,
        after: Key::new(workspace, info.resource, namespace, name),
    })
}

/// Label and field selectors of a list or watch, parsed and checked against what the kind
/// supports.
pub(super) struct Filter {
    labels: Selector,
    fields: FieldSelector,
    everything: bool,
}

impl Filter {
    pub(super) fn new(
        label_selector: Option<&str>,
        field_selector: Option<&str>,
        info: Option<&KindInfo>,
    ) -> Result<Filter, Status> {
        let labels = match label_selector {
            Some(s) => Selector::parse(s).map_err(Status::bad_request)?,
            None => Selector::default(),
        };
        let fields = match field_selector {
            Some(s) => {
                let f = FieldSelector::parse(s).map_err(Status::bad_request)?;
                let supported = info.map_or_else(
                    || vec!["metadata.name", "metadata.namespace"],
                    supported_fields,
                );
                f.check_supported(&supported).map_err(Status::bad_request)?;
                f
            }
            None => FieldSelector::default(),
        };
        let everything = label_selector.is_none_or(|s| s.trim().is_empty())
            && field_selector.is_none_or(|s| s.trim().is_empty());
        Ok(Filter {
            labels,
            fields,
            everything,
        })
    }

    pub(super) fn matches(&self, v: &Value) -> bool {
        self.labels.matches(&object::labels(v)) && self.fields.matches(v)
    }
}

/// Where a kind is read from: the shared data plane's kinds from `root`, everything else from
/// the workspace itself.
fn source<'a>(workspace: &'a str, info: &KindInfo) -> &'a str {
    if is_data_plane(info) {
        ROOT
    } else {
        workspace
    }
}

impl ControlPlane {
    /// A stored object as the caller asked for it: a custom object in the requested version
    /// (conversion strategy `None`: only `apiVersion` changes).
    fn as_requested(&self, workspace: &str, info: &KindInfo, mut v: Value) -> Value {
        if info.group == "autoscaling" && info.kind == "HorizontalPodAutoscaler" {
            // The apiserver converts between served versions (pkg/apis/autoscaling/v1/
            // conversion.go): an HPA stored as v2 reads as v1 through autoscaling/v1 and back.
            use crate::controllers::hpa::spec::{convert_v1_to_v2, convert_v2_to_v1};
            return match (object::api_version(&v), info.version) {
                ("autoscaling/v2", "v1") => convert_v2_to_v1(&v),
                ("autoscaling/v1", "v2") => convert_v1_to_v2(&v).unwrap_or(v),
                _ => v,
            };
        }
        if self.server.custom_kind(workspace, info).is_some() {
            let want = info.api_version();
            if object::api_version(&v) != want {
                object::set_path(&mut v, &["apiVersion"], json!(want));
            }
        }
        v
    }

    /// Gets one object (`null` when it does not exist). The shared data plane's kinds (Node,
    /// StorageClass, …) are read from `root`, whatever the workspace.
    pub fn get(&self, workspace: &str, r: &ObjectRef) -> Result<Option<Value>, Status> {
        self.server.check_workspace(workspace)?;
        let info = self.info(workspace, r.api_version.as_deref(), &r.kind)?;
        let ns = r.namespace.as_deref().unwrap_or("default");
        self.authorize(workspace, Request::new("get", info, ns).named(&r.name))?;
        Ok(self
            .server
            .get(source(workspace, info), info, ns, &r.name)
            .cloned()
            .map(|v| self.as_requested(workspace, info, v)))
    }

    /// Lists objects as the API does: `{ apiVersion, kind: "PodList", metadata: {
    /// resourceVersion, continue?, remainingItemCount? }, items }`. With `limit`, at most that
    /// many items come back, and `metadata.continue` fetches the next page.
    pub fn list(&self, workspace: &str, o: &ListOptions) -> Result<Value, Status> {
        self.server.check_workspace(workspace)?;
        let info = self.info(workspace, o.api_version.as_deref(), &o.kind)?;
        let (items, meta) = self.list_page(workspace, o)?;
        let list_kind = match self.server.custom_kind(workspace, info) {
            Some(c) if !c.crd.list_kind.is_empty() => c.crd.list_kind.clone(),
            _ => format!("{}List", info.kind),
        };
        Ok(json!({
            "apiVersion": info.api_version(),
            "kind": list_kind,
            "metadata": meta,
            "items": items,
        }))
    }

    /// The objects a `list` matches, in namespace/name order (every page).
    pub fn list_items(&self, workspace: &str, o: &ListOptions) -> Result<Vec<Value>, Status> {
        let all = ListOptions {
            limit: None,
            continue_token: None,
            ..o.clone()
        };
        Ok(self.list_page(workspace, &all)?.0)
    }

    fn list_page(&self, workspace: &str, o: &ListOptions) -> Result<(Vec<Value>, Value), Status> {
        self.server.check_workspace(workspace)?;
        let info = self.info(workspace, o.api_version.as_deref(), &o.kind)?;
        let ns = o.namespace.as_deref().unwrap_or("");
        self.authorize(workspace, Request::new("list", info, ns))?;
        let requested = workspace;
        let workspace = source(workspace, info);
        let filter = Filter::new(
            o.label_selector.as_deref(),
            o.field_selector.as_deref(),
            Some(info),
        )?;
        let limit = match o.limit {
            Some(l) if l < 0 => {
                return Err(Status::bad_request(format!(
                    "limit must be zero or more, got {l}"
                )))
            }
            Some(l) if l > 0 => Some(usize::try_from(l).unwrap_or(usize::MAX)),
            _ => None,
        };
        let store = &self.server.store;
        let namespace = o.namespace.as_deref().filter(|_| info.namespaced);
        let (revision, from) = match o.continue_token.as_deref().filter(|t| !t.is_empty()) {
            Some(token) => {
                let c = decode_continue(token, workspace, info)?;
                if c.revision < store.compacted_revision() {
                    return Err(Status::expired(
                        "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.",
                    ));
                }
                (c.revision, Some(c.after))
            }
            None => (store.revision(), None),
        };
        let candidates: Box<dyn Iterator<Item = (&Key, &Value)>> = match &from {
            Some(after) => Box::new(store.list_after(after, namespace)),
            None => Box::new(store.list(workspace, info.resource, namespace)),
        };
        let mut items = Vec::new();
        let mut last: Option<&Key> = None;
        let mut more = false;
        for (k, v) in candidates {
            if !filter.matches(v) {
                continue;
            }
            if limit.is_some_and(|l| items.len() >= l) {
                more = true;
                break;
            }
            items.push(self.as_requested(requested, info, v.clone()));
            last = Some(k);
        }
        let mut meta = json!({"resourceVersion": revision.to_string()});
        if let (true, Some(last)) = (more, last) {
            meta["continue"] = json!(encode_continue(revision, last));
            if filter.everything {
                // An estimate upstream too: what is left after this page, now.
                let rest = store.list_after(last, namespace).count();
                meta["remainingItemCount"] = json!(rest);
            }
        }
        Ok((items, meta))
    }

    /// The watch events after `resourceVersion` (exclusive), in revision order, ending with a
    /// BOOKMARK at the current revision. A compacted revision is a 410 `Expired`.
    pub fn watch(&self, workspace: &str, o: &WatchOptions) -> Result<Vec<WatchEvent>, Status> {
        self.server.check_workspace(workspace)?;
        let info = match o.kind.as_deref().filter(|k| !k.is_empty()) {
            Some(k) => Some(self.info(workspace, o.api_version.as_deref(), k)?),
            None => None,
        };
        let ns = o.namespace.as_deref().unwrap_or("");
        if let Some(info) = info {
            self.authorize(workspace, Request::new("watch", info, ns))?;
        }
        // A watch of every kind shows what the caller may watch, kind by kind.
        let may_watch = self.watchable_resources(workspace, ns, info.is_none());
        let requested = workspace;
        let workspace = info.map_or(workspace, |i| source(workspace, i));
        let filter = Filter::new(
            o.label_selector.as_deref(),
            o.field_selector.as_deref(),
            info,
        )?;
        let resource = info.map(|i| i.resource);
        let wanted = |key: &Key, obj: &Value| {
            &*key.workspace == workspace
                && resource.is_none_or(|r| r == &*key.resource)
                && may_watch
                    .as_ref()
                    .is_none_or(|m| m.contains(&*key.resource))
                && o.namespace
                    .as_deref()
                    .is_none_or(|ns| ns == &*key.namespace)
                && filter.matches(obj)
        };
        let store = &self.server.store;
        let mut events = Vec::new();
        match o
            .resource_version
            .as_deref()
            .filter(|rv| !rv.is_empty() && *rv != "0")
        {
            None => {
                let current: Box<dyn Iterator<Item = (&Key, &Value)>> = match resource {
                    Some(r) => Box::new(store.list(workspace, r, None)),
                    None => Box::new(store.list_workspace(workspace)),
                };
                for (k, v) in current {
                    if wanted(k, v) {
                        events.push(WatchEvent {
                            kind: "ADDED".into(),
                            object: self.requested_version(requested, info, v),
                        });
                    }
                }
            }
            Some(rv) => {
                let since: u64 = rv.parse().map_err(|_| {
                    Status::bad_request(format!(
                        "invalid resource version {rv:?}: expected a number"
                    ))
                })?;
                let history = store.events_since(since).map_err(|oldest| {
                    Status::expired(format!("too old resource version: {since} ({oldest})"))
                })?;
                for e in history {
                    if wanted(&e.key, &e.object) {
                        events.push(WatchEvent {
                            kind: e.kind.as_str().into(),
                            object: self.requested_version(requested, info, &e.object),
                        });
                    }
                }
            }
        }
        let (api_version, kind) = info.map_or(("v1".to_string(), "Status".to_string()), |i| {
            (i.api_version(), i.kind.to_string())
        });
        events.push(WatchEvent {
            kind: "BOOKMARK".into(),
            object: json!({"apiVersion": api_version, "kind": kind, "metadata": {"resourceVersion": store.revision().to_string()}}),
        });
        Ok(events)
    }
}

impl ControlPlane {
    fn requested_version(&self, workspace: &str, info: Option<&KindInfo>, v: &Value) -> Value {
        match info {
            Some(i) => self.as_requested(workspace, i, v.clone()),
            None => v.clone(),
        }
    }

    /// For a watch of every kind by a caller outside `system:masters`: the resources of the
    /// workspace they may watch (`None`: everything).
    fn watchable_resources(
        &self,
        workspace: &str,
        namespace: &str,
        every_kind: bool,
    ) -> Option<std::collections::BTreeSet<String>> {
        if !every_kind
            || self
                .user
                .groups
                .iter()
                .any(|g| g == crate::server::rbac::SYSTEM_MASTERS)
        {
            return None;
        }
        let mut out = std::collections::BTreeSet::new();
        for info in crate::api::kinds::KINDS
            .iter()
            .chain(self.server.custom_kinds(workspace).iter().map(|c| c.info))
        {
            if self
                .authorize(workspace, Request::new("watch", info, namespace))
                .is_ok()
            {
                out.insert(info.resource.to_string());
            }
        }
        Some(out)
    }
}

/// Field selectors a kind supports (every kind: metadata.name and metadata.namespace).
fn supported_fields(info: &KindInfo) -> Vec<&'static str> {
    let mut f = vec!["metadata.name", "metadata.namespace"];
    match info.kind {
        "Pod" => f.extend([
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "status.phase",
            "status.podIP",
            "status.nominatedNodeName",
        ]),
        "Node" => f.push("spec.unschedulable"),
        "Event" => f.extend([
            "involvedObject.kind",
            "involvedObject.name",
            "involvedObject.namespace",
            "involvedObject.uid",
            "reason",
            "type",
            "source",
        ]),
        "Namespace" => f.push("status.phase"),
        _ => {}
    }
    f
}
