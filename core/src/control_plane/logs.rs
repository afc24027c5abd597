//! The `pods/log` subresource (`GET /api/v1/namespaces/{ns}/pods/{name}/log`): what a pod's
//! container printed, as the kubelet serves it through the API server ([`crate::kubelet::logs`]
//! derives the lines from the container's behaviour and status).
//!
//! The request path follows kube-apiserver: `ValidatePodLogOptions` (a 422 for
//! `PodLogOptions`), the pod (404), `validateContainer` (a container must be named when the
//! pod has several; 400), a pod without a node (400 `does not have a host assigned`), then the
//! kubelet's answer (400 when the container has not started or has no previous run).
use super::{ControlPlane, LogOptions};
use crate::api::object;
use crate::kubelet::logs::{self, LogQuery, RunLog};
use crate::server::authz::Request;
use crate::server::status::{FieldError, Status};
use crate::sim::parse_rfc3339;

impl ControlPlane {
    /// The log of a container of pod `namespace/name` (`kubectl logs`), as text.
    pub fn logs(
        &self,
        workspace: &str,
        namespace: &str,
        name: &str,
        o: &LogOptions,
    ) -> Result<String, Status> {
        let (run, query) = self.log_lines(workspace, namespace, name, o)?;
        Ok(logs::text(&run.lines, &query))
    }

    /// The run [`ControlPlane::logs`] reads, its lines with their instants, and the query they
    /// answer (`kubectl logs -f` prints the lines after the last it printed).
    pub fn log_lines(
        &self,
        workspace: &str,
        namespace: &str,
        name: &str,
        o: &LogOptions,
    ) -> Result<(RunLog, LogQuery), Status> {
        self.server.check_workspace(workspace)?;
        let info = self.info(workspace, Some("v1"), "Pod")?;
        self.authorize(
            workspace,
            Request::new("get", info, namespace)
                .named(name)
                .on_subresource("log"),
        )?;
        let now = self.now_ms();
        let since_ms = validate(name, o, now)?;
        let pod = self
            .server
            .get(workspace, info, namespace, name)
            .ok_or_else(|| Status::not_found(info, name))?;
        let container = container(pod, o.container.as_deref().unwrap_or(""))?;
        if crate::api::pod::node_name(pod).is_none() {
            return Err(Status::bad_request(format!(
                "pod {name} does not have a host assigned"
            )));
        }
        let query = LogQuery {
            container,
            previous: o.previous,
            since_ms,
            tail_lines: o.tail_lines,
            timestamps: o.timestamps,
            limit_bytes: o.limit_bytes,
        };
        let run = logs::lines(pod, &query, now).map_err(Status::bad_request)?;
        Ok((run, query))
    }
}

/// `ValidatePodLogOptions`; the `since` instant the options ask for.
fn validate(name: &str, o: &LogOptions, now: i64) -> Result<Option<i64>, Status> {
    let mut errs = Vec::new();
    if let Some(t) = o.tail_lines.filter(|t| *t < 0) {
        errs.push(FieldError::invalid(
            "tailLines",
            t.to_string(),
            "must be greater than or equal to 0",
        ));
    }
    if let Some(b) = o.limit_bytes.filter(|b| *b < 1) {
        errs.push(FieldError::invalid(
            "limitBytes",
            b.to_string(),
            "must be greater than 0",
        ));
    }
    let since_time = match o.since_time.as_deref() {
        None => None,
        Some(t) => Some(parse_rfc3339(t).ok_or_else(|| {
            Status::bad_request(format!(
                "parsing time {t:?} as \"2006-01-02T15:04:05Z07:00\": cannot parse {t:?}"
            ))
        })?),
    };
    match (o.since_seconds, since_time) {
        (Some(_), Some(_)) => errs.push(FieldError::forbidden(
            "",
            "at most one of `sinceTime` or `sinceSeconds` may be specified",
        )),
        (Some(s), None) if s < 1 => errs.push(FieldError::invalid(
            "sinceSeconds",
            s.to_string(),
            "must be greater than 0",
        )),
        _ => {}
    }
    if !errs.is_empty() {
        return Err(Status::invalid_kind("", "PodLogOptions", name, errs));
    }
    Ok(since_time.or_else(|| {
        o.since_seconds
            .map(|s| now.saturating_sub(s.saturating_mul(1000)))
    }))
}

/// `validateContainer`: the named container, or the only one.
fn container(pod: &crate::api::Value, name: &str) -> Result<String, Status> {
    let pod_name = object::name(pod);
    let all: Vec<&str> = ["initContainers", "containers", "ephemeralContainers"]
        .iter()
        .flat_map(|l| object::array_at(pod, &["spec", l]))
        .filter_map(|c| c["name"].as_str())
        .collect();
    let regular = object::array_at(pod, &["spec", "containers"]);
    if name.is_empty() {
        return match regular {
            [one] => Ok(one["name"].as_str().unwrap_or("").to_string()),
            [] => Err(Status::bad_request(format!(
                "a container name must be specified for pod {pod_name}"
            ))),
            _ => Err(Status::bad_request(format!(
                "a container name must be specified for pod {pod_name}, choose one of: [{}]",
                all.join(" ")
            ))),
        };
    }
    if !all.contains(&name) {
        return Err(Status::bad_request(format!(
            "container {name} is not valid for pod {pod_name}"
        )));
    }
    Ok(name.to_string())
}
