//! The `/scale` subresource: an `autoscaling/v1` `Scale`, as kube-apiserver's scale subresources
//! and apiextensions-apiserver's `pkg/registry/customresource` `ScaleREST` build it:
//! `spec.replicas` from the object's replicas path, `status.replicas` and `status.selector` (the
//! selector in its string form) from the status paths. Deployments, ReplicaSets, StatefulSets,
//! ReplicationControllers and custom kinds whose CRD declares the subresource have one.
//!
//! Users reach it through `ControlPlane::get_scale`/`scale`; the autoscalers (HPA, KEDA) read and
//! write it here, as they do through the scale client upstream.
use super::status::{FieldError, Status};
use super::Server;
use crate::api::object::{self, path, set_path};
use crate::api::{KindInfo, Value};
use crate::json;

/// Where a kind keeps the numbers its scale subresource shows.
#[derive(Debug, Clone)]
pub struct ScalePaths {
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
pub fn format_label_selector(sel: &Value) -> String {
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

/// The 404 of a kind without a scale subresource.
fn no_scale(info: &KindInfo, name: &str) -> Status {
    Status::new(
        404,
        "NotFound",
        format!(
            "the server could not find the requested resource ({} {name} scale)",
            info.plural
        ),
    )
}

impl Server {
    /// The paths of `info`'s scale subresource in `workspace`, if it has one.
    pub fn scale_paths(&self, workspace: &str, info: &KindInfo) -> Option<ScalePaths> {
        if let Some(c) = self.custom_kind(workspace, info) {
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

    /// The `Scale` of `obj` (an object of a kind with `paths`).
    pub fn scale_object(paths: &ScalePaths, obj: &Value) -> Value {
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

    /// The scalable object `name` of `info` with its scale paths: 404 when the kind has no scale
    /// subresource or the object does not exist.
    pub fn scalable(
        &self,
        workspace: &str,
        info: &KindInfo,
        namespace: &str,
        name: &str,
    ) -> Result<(ScalePaths, Value), Status> {
        let paths = self
            .scale_paths(workspace, info)
            .ok_or_else(|| no_scale(info, name))?;
        let obj = self
            .get(workspace, info, namespace, name)
            .cloned()
            .ok_or_else(|| Status::not_found(info, name))?;
        Ok((paths, obj))
    }

    /// GET `/scale`.
    pub fn get_scale(
        &self,
        workspace: &str,
        info: &KindInfo,
        namespace: &str,
        name: &str,
    ) -> Result<Value, Status> {
        let (paths, obj) = self.scalable(workspace, info, namespace, name)?;
        Ok(Self::scale_object(&paths, &obj))
    }

    /// PUT `/scale` with `replicas`: the object's replicas path is updated through the request
    /// path (as the current field manager); returns the new `Scale`. A negative count is the 422
    /// of the Scale object.
    pub fn set_scale(
        &mut self,
        workspace: &str,
        info: &KindInfo,
        namespace: &str,
        name: &str,
        replicas: i64,
    ) -> Result<Value, Status> {
        let (paths, mut obj) = self.scalable(workspace, info, namespace, name)?;
        if replicas < 0 {
            return Err(Status::invalid_kind(
                "autoscaling",
                "Scale",
                name,
                vec![FieldError::invalid(
                    "spec.replicas",
                    replicas.to_string(),
                    "must be greater than or equal to 0",
                )],
            ));
        }
        let keys: Vec<&str> = paths.spec_replicas.iter().map(String::as_str).collect();
        set_path(&mut obj, &keys, json!(replicas));
        let out = self.update(workspace, obj)?;
        Ok(Self::scale_object(&paths, &out))
    }
}
