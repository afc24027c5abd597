//! The subresources and collection calls: `/status` (`update_status`), `/scale` (`get_scale`,
//! `scale`) and `deletecollection`, each authorized as its own verb and subresource.
//!
//! The Scale object is `autoscaling/v1` `Scale`, as kube-apiserver's scale subresources and
//! apiextensions-apiserver's `pkg/registry/customresource` `ScaleREST` build it: `spec.replicas`
//! from the object's replicas path, `status.replicas` and `status.selector` (the selector in
//! its string form) from the status paths.
use super::{ControlPlane, DeleteOptions, ListOptions, ObjectRef, USER_MANAGER};
use crate::api::object::{self, path, set_path};
use crate::api::{KindInfo, Value};
use crate::json;
use crate::server::authz::Request;
use crate::server::status::Status;

/// Where a kind keeps the numbers its scale subresource shows.
struct ScalePaths {
    spec_replicas: Vec<String>,
    status_replicas: Vec<String>,
    /// A label selector as a string (custom kinds), or `None` for the built-in kinds whose
    /// `spec.selector` is a LabelSelector object.
    selector: Option<Vec<String>>,
}

fn split(p: &str) -> Vec<String> {
    p.trim_start_matches('.')
        .split('.')
        .map(String::from)
        .collect()
}

/// `metav1.FormatLabelSelector`: the selector's string form, requirements sorted by key
/// (`app=web,tier in (a,b)`).
fn format_label_selector(sel: &Value) -> String {
    let mut reqs: Vec<(String, String)> = Vec::new();
    if let Some(ml) = sel.get("matchLabels").and_then(Value::as_object) {
        for (k, v) in ml {
            reqs.push((k.to_string(), format!("{k}={}", v.as_str().unwrap_or(""))));
        }
    }
    for e in object::array_at(sel, &["matchExpressions"]) {
        let key = e["key"].as_str().unwrap_or("").to_string();
        let mut values: Vec<String> = object::array_at(e, &["values"])
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect();
        values.sort();
        let text = match e["operator"].as_str().unwrap_or("") {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.clone(),
            "DoesNotExist" => format!("!{key}"),
            _ => continue,
        };
        reqs.push((key, text));
    }
    reqs.sort();
    reqs.into_iter()
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .join(",")
}

impl ControlPlane {
    fn scale_paths(&self, workspace: &str, info: &KindInfo) -> Option<ScalePaths> {
        if let Some(c) = self.server.custom_kind(workspace, info) {
            let s = c.version().scale.as_ref()?;
            return Some(ScalePaths {
                spec_replicas: split(&s.spec_replicas_path),
                status_replicas: split(&s.status_replicas_path),
                selector: Some(
                    s.label_selector_path
                        .as_deref()
                        .map(split)
                        .unwrap_or_default(),
                ),
            });
        }
        matches!(
            (info.group, info.kind),
            ("apps", "Deployment" | "ReplicaSet" | "StatefulSet") | ("", "ReplicationController")
        )
        .then(|| ScalePaths {
            spec_replicas: split(".spec.replicas"),
            status_replicas: split(".status.replicas"),
            selector: None,
        })
    }

    fn scale_object(&self, info: &KindInfo, paths: &ScalePaths, obj: &Value) -> Value {
        let at = |p: &[String]| {
            let keys: Vec<&str> = p.iter().map(String::as_str).collect();
            path(obj, &keys).cloned()
        };
        let selector = match &paths.selector {
            Some(p) if !p.is_empty() => at(p).and_then(|v| v.as_str().map(String::from)),
            Some(_) => None,
            None => path(obj, &["spec", "selector"]).map(format_label_selector),
        };
        let meta = &obj["metadata"];
        let mut status =
            json!({"replicas": at(&paths.status_replicas).and_then(|v| v.as_i64()).unwrap_or(0)});
        if let Some(s) = selector.filter(|s| !s.is_empty()) {
            status["selector"] = json!(s);
        }
        let _ = info;
        json!({
            "apiVersion": "autoscaling/v1",
            "kind": "Scale",
            "metadata": {
                "name": meta["name"].clone(),
                "namespace": meta["namespace"].clone(),
                "uid": meta["uid"].clone(),
                "resourceVersion": meta["resourceVersion"].clone(),
                "creationTimestamp": meta["creationTimestamp"].clone(),
            },
            "spec": {"replicas": at(&paths.spec_replicas).and_then(|v| v.as_i64()).unwrap_or(0)},
            "status": status,
        })
    }

    fn scalable(
        &self,
        workspace: &str,
        r: &ObjectRef,
        verb: &str,
    ) -> Result<(&'static KindInfo, ScalePaths, Value), Status> {
        self.server.check_workspace(workspace)?;
        let info = self.info(workspace, r.api_version.as_deref(), &r.kind)?;
        let ns = r.namespace.as_deref().unwrap_or("default");
        self.authorize(
            workspace,
            Request::new(verb, info, ns)
                .named(&r.name)
                .on_subresource("scale"),
        )?;
        let paths = self.scale_paths(workspace, info).ok_or_else(|| {
            Status::new(
                404,
                "NotFound",
                format!(
                    "the server could not find the requested resource ({} {} scale)",
                    info.plural, r.name
                ),
            )
        })?;
        let obj = self
            .server
            .get(workspace, info, ns, &r.name)
            .cloned()
            .ok_or_else(|| Status::not_found(info, &r.name))?;
        Ok((info, paths, obj))
    }

    /// The `/scale` subresource of a Deployment, ReplicaSet, StatefulSet, ReplicationController
    /// or a custom object whose CRD declares one: an `autoscaling/v1` `Scale`.
    pub fn get_scale(&self, workspace: &str, r: &ObjectRef) -> Result<Value, Status> {
        let (info, paths, obj) = self.scalable(workspace, r, "get")?;
        Ok(self.scale_object(info, &paths, &obj))
    }

    /// Sets the replicas through the `/scale` subresource (`kubectl scale`); returns the new
    /// `Scale`. A negative count is the 422 of the Scale object.
    pub fn scale(
        &mut self,
        workspace: &str,
        r: &ObjectRef,
        replicas: i64,
    ) -> Result<Value, Status> {
        let (info, paths, mut obj) = self.scalable(workspace, r, "update")?;
        if replicas < 0 {
            return Err(Status::invalid_kind(
                "autoscaling",
                "Scale",
                &r.name,
                vec![crate::server::status::FieldError::invalid(
                    "spec.replicas",
                    replicas.to_string(),
                    "must be greater than or equal to 0",
                )],
            ));
        }
        let keys: Vec<&str> = paths.spec_replicas.iter().map(String::as_str).collect();
        set_path(&mut obj, &keys, json!(replicas));
        self.server.set_user(self.user.clone());
        self.server.act_as(USER_MANAGER);
        let out = self.server.update(workspace, obj)?;
        self.reconcile();
        Ok(self.scale_object(info, &paths, &out))
    }

    /// The `pods/binding` subresource (what a scheduler posts): assigns the pod to `node`;
    /// a 409 when it already has one. Verb `create` on `pods/binding`.
    pub fn bind(
        &mut self,
        workspace: &str,
        namespace: &str,
        name: &str,
        node: &str,
    ) -> Result<Value, Status> {
        let pods = crate::controllers::kind("v1", "Pod");
        self.begin_write(
            workspace,
            Request::new("create", pods, namespace)
                .named(name)
                .on_subresource("binding"),
        )?;
        self.server.act_as(USER_MANAGER);
        let out = self.server.bind(workspace, namespace, name, node)?;
        self.reconcile();
        Ok(out)
    }

    /// Writes `status` through the `/status` subresource (the rest of the object is ignored).
    pub fn update_status(&mut self, workspace: &str, obj: Value) -> Result<Value, Status> {
        self.server.check_workspace(workspace)?;
        let info = self.info(
            workspace,
            Some(object::api_version(&obj)),
            object::kind(&obj),
        )?;
        if !info.status_subresource {
            return Err(Status::new(
                404,
                "NotFound",
                format!(
                    "the server could not find the requested resource ({} {} status)",
                    info.plural,
                    object::name(&obj)
                ),
            ));
        }
        let ns = match object::namespace(&obj) {
            "" => "default",
            ns => ns,
        };
        self.begin_write(
            workspace,
            Request::new("update", info, ns)
                .named(object::name(&obj))
                .on_subresource("status"),
        )?;
        self.server.act_as(USER_MANAGER);
        let mut obj = obj;
        if info.namespaced && object::namespace(&obj).is_empty() {
            set_path(&mut obj, &["metadata", "namespace"], json!("default"));
        }
        let out = self.server.update_status(workspace, &obj)?;
        self.reconcile();
        Ok(out)
    }

    /// Deletes every object a list matches (`DELETE` on a collection, `kubectl delete --all`);
    /// returns the deleted objects. Verb `deletecollection`.
    pub fn delete_collection(
        &mut self,
        workspace: &str,
        o: &ListOptions,
    ) -> Result<Vec<Value>, Status> {
        self.server.check_workspace(workspace)?;
        let info = self.info(workspace, o.api_version.as_deref(), &o.kind)?;
        let ns = o.namespace.as_deref().unwrap_or("");
        self.begin_write(workspace, Request::new("deletecollection", info, ns))?;
        // Listing is part of the collection delete; the caller is authorized for that verb.
        let items: Vec<Value> = {
            let caller = std::mem::replace(
                &mut self.user,
                crate::server::rbac::UserInfo::system_admin(),
            );
            let items = self.list_items(workspace, o);
            self.user = caller;
            items?
        };
        let mut out = Vec::new();
        self.server.act_as(USER_MANAGER);
        for item in items {
            let opts = DeleteOptions {
                api_version: Some(info.api_version()),
                kind: info.kind.to_string(),
                namespace: Some(object::namespace(&item).to_string()).filter(|n| !n.is_empty()),
                name: object::name(&item).to_string(),
                ..Default::default()
            };
            let ns = opts.namespace.as_deref().unwrap_or("default");
            if let Ok(v) = self
                .server
                .delete(workspace, info, ns, &opts.name, None, None)
            {
                out.push(v);
            }
        }
        self.reconcile();
        Ok(out)
    }
}
