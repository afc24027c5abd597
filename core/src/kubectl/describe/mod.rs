//! `kubectl describe` (k8s.io/kubectl/pkg/describe/describe.go): the per-kind layouts of
//! Pod, Node, Deployment, ReplicaSet, ReplicationController, StatefulSet, DaemonSet, Job,
//! CronJob, Service, PodDisruptionBudget, HorizontalPodAutoscaler, ConfigMap, Secret,
//! Namespace, ResourceQuota, LimitRange, PersistentVolume(Claim), PriorityClass,
//! ServiceAccount, Endpoints, EndpointSlice, StorageClass, CSINode, Ingress, IngressClass,
//! NetworkPolicy and RBAC roles and bindings, most
//! ending with the object's Events; every other kind prints all its fields
//! (`genericDescriber`). Text goes through a `PrefixWriter` (two spaces per level) into
//! `tabwriter(minwidth 0, padding 2)`, as `tabbedString` does.
mod core;
mod generic;
mod network;
mod others;
mod pods;
mod workloads;

use super::printers::since;
use super::resources::{self, Info};
use super::{tabwriter, Ctx, Error};
use crate::api::object::{self, str_at};
use crate::api::{KindInfo, Value};
use crate::control_plane::{ControlPlane, ListOptions};
use crate::server::ROOT;
use crate::sim::{format_rfc1123z, parse_rfc3339};
use std::collections::BTreeMap;

/// `PrefixWriter`: text at an indentation level (two spaces each).
#[derive(Default)]
pub(crate) struct W {
    buf: String,
}

impl W {
    /// `Write(level, text)` (the text already formatted).
    pub fn w(&mut self, level: usize, text: &str) {
        for _ in 0..level {
            self.buf.push_str("  ");
        }
        self.buf.push_str(text);
    }
    /// `WriteLine(a...)`.
    pub fn line(&mut self, text: &str) {
        self.buf.push_str(text);
        self.buf.push('\n');
    }
    /// The aligned text (`tabbedString`).
    pub fn finish(self) -> String {
        tabwriter::describe(&self.buf)
    }
}

/// Where describers find the objects related to the one they describe.
pub(crate) trait Source {
    /// The objects of a kind (all namespaces when `namespace` is None).
    fn list(&self, kind: &str, api_version: &str, namespace: Option<&str>) -> Vec<Value>;
}

impl Source for ControlPlane {
    fn list(&self, kind: &str, api_version: &str, namespace: Option<&str>) -> Vec<Value> {
        self.list_items(
            ROOT,
            &ListOptions {
                api_version: Some(api_version.into()),
                kind: kind.into(),
                namespace: namespace.map(String::from),
                ..Default::default()
            },
        )
        .unwrap_or_default()
    }
}

/// What describers need besides the object.
pub(crate) struct Env<'a> {
    pub source: &'a dyn Source,
    pub now: i64,
    pub show_events: bool,
}

impl Env<'_> {
    /// Lists a kind (all namespaces when `namespace` is None).
    pub fn list(&self, kind: &str, api_version: &str, namespace: Option<&str>) -> Vec<Value> {
        self.source.list(kind, api_version, namespace)
    }

    /// `searchEvents`: the events whose involvedObject is this object (name, namespace, uid,
    /// and kind unless `ignore_kind`), in list order.
    pub fn events_for(&self, o: &Value, ignore_kind: bool) -> Vec<Value> {
        let ns = object::namespace(o);
        let (name, uid, kind) = (object::name(o), object::uid(o), object::kind(o));
        let evs: Vec<Value> = self
            .list("Event", "v1", (!ns.is_empty()).then_some(ns))
            .into_iter()
            .filter(|e| {
                let io = &e["involvedObject"];
                io["name"] == name
                    && io["namespace"].as_str().unwrap_or("") == ns
                    && (uid.is_empty() || io["uid"].as_str().unwrap_or("") == uid)
                    && (ignore_kind || kind.is_empty() || io["kind"] == kind)
            })
            .collect();
        evs
    }
}

/// `time.RFC1123Z` of a timestamp field, or Go's zero time when absent.
pub(crate) fn time_at(o: &Value, keys: &[&str]) -> String {
    match str_at(o, keys).and_then(parse_rfc3339) {
        Some(t) => format_rfc1123z(t),
        None => "Mon, 01 Jan 0001 00:00:00 +0000".into(),
    }
}

/// `printLabelsMultilineWithIndent`.
pub(crate) fn labels_multiline(
    w: &mut W,
    initial: &str,
    title: &str,
    inner: &str,
    labels: &BTreeMap<String, String>,
) {
    w.w(0, &format!("{initial}{title}:{inner}"));
    if labels.is_empty() {
        w.line("<none>");
        return;
    }
    for (i, (k, v)) in labels.iter().enumerate() {
        if i != 0 {
            w.w(0, initial);
            w.w(0, inner);
        }
        w.w(0, &format!("{k}={v}\n"));
    }
}

/// `printLabelsMultiline`.
pub(crate) fn labels(w: &mut W, title: &str, map: &BTreeMap<String, String>) {
    labels_multiline(w, "", title, "\t", map);
}

/// `printAnnotationsMultiline`: sorted, without the last-applied annotation; long or
/// multi-line values go on their own lines, shortened to 140 characters.
pub(crate) fn annotations(w: &mut W, title: &str, map: &BTreeMap<String, String>) {
    w.w(0, &format!("{title}:\t"));
    let keys: Vec<&String> = map
        .keys()
        .filter(|k| k.as_str() != crate::server::LAST_APPLIED)
        .collect();
    if keys.is_empty() {
        w.line("<none>");
        return;
    }
    let indent = "\t";
    for (i, k) in keys.iter().enumerate() {
        if i != 0 {
            w.w(0, indent);
        }
        let value = map[*k].strip_suffix('\n').unwrap_or(&map[*k]);
        if value.len() + k.len() + 2 > 140 || value.contains('\n') {
            w.w(0, &format!("{k}:\n"));
            for s in value.split('\n') {
                let short = if s.len() > 138 {
                    format!("{}...", truncate_bytes(s, 138))
                } else {
                    s.to_string()
                };
                w.w(0, &format!("{indent}  {short}\n"));
            }
        } else {
            w.w(0, &format!("{k}: {value}\n"));
        }
    }
}

fn truncate_bytes(s: &str, n: usize) -> &str {
    let mut end = n.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// `DescribeEvents`.
pub(crate) fn events(w: &mut W, evs: &[Value], now: i64) {
    // sort.Sort(event.SortableEvents): Go's unstable sort by last timestamp.
    let mut evs = evs.to_vec();
    let last = |e: &Value| {
        str_at(e, &["lastTimestamp"])
            .and_then(parse_rfc3339)
            .unwrap_or(i64::MIN)
    };
    super::gosort::sort(&mut evs, |a, b| last(a) < last(b));
    if evs.is_empty() {
        w.w(0, "Events:\t<none>\n");
        return;
    }
    w.w(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    w.w(1, "----\t------\t----\t----\t-------\n");
    for e in &evs {
        let source = str_at(e, &["source", "component"])
            .filter(|s| !s.is_empty())
            .or_else(|| str_at(e, &["reportingComponent"]))
            .unwrap_or("");
        w.w(
            1,
            &format!(
                "{}\t{}\t{}\t{}\t{}\n",
                str_at(e, &["type"]).unwrap_or(""),
                str_at(e, &["reason"]).unwrap_or(""),
                super::events::interval(e, now),
                source,
                str_at(e, &["message"]).unwrap_or("").trim()
            ),
        );
    }
}

/// The events section when `--show-events` (the default).
pub(crate) fn events_section(w: &mut W, env: &Env<'_>, o: &Value, ignore_kind: bool) {
    if env.show_events {
        let evs = env.events_for(o, ignore_kind);
        events(w, &evs, env.now);
    }
}

/// `printController`: `Kind/name` of the controller owner.
pub(crate) fn controller(o: &Value) -> Option<String> {
    object::controller_of(o).map(|r| {
        format!(
            "{}/{}",
            r["kind"].as_str().unwrap_or(""),
            r["name"].as_str().unwrap_or("")
        )
    })
}

/// Go's `%v` of a string slice: `[a b]`.
pub(crate) fn go_slice(v: &Value) -> String {
    let items: Vec<String> = v
        .as_array()
        .into_iter()
        .flatten()
        .map(|x| x.as_str().map_or_else(|| x.to_string(), String::from))
        .collect();
    format!("[{}]", items.join(" "))
}

/// The describer text of one object.
pub(crate) fn describe_object(env: &Env<'_>, kind: &KindInfo, o: &Value) -> String {
    match (kind.group, kind.kind) {
        ("", "Pod") => pods::pod(env, o),
        ("", "Node") => core::node(env, o),
        ("", "Service") => core::service(env, o),
        ("", "ConfigMap") => core::configmap(env, o),
        ("", "Secret") => core::secret(o),
        ("", "Namespace") => core::namespace(env, o),
        ("", "ResourceQuota") => core::quota(o),
        ("", "LimitRange") => core::limit_range(o),
        ("", "PersistentVolume") => core::pv(env, o),
        ("", "PersistentVolumeClaim") => core::pvc(env, o),
        ("", "ReplicationController") => workloads::replication_controller(env, o),
        ("apps", "Deployment") => workloads::deployment(env, o),
        ("apps", "ReplicaSet") => workloads::replica_set(env, o),
        ("apps", "StatefulSet") => workloads::stateful_set(env, o),
        ("apps", "DaemonSet") => workloads::daemon_set(env, o),
        ("batch", "Job") => workloads::job(env, o),
        ("batch", "CronJob") => workloads::cron_job(env, o),
        ("autoscaling", "HorizontalPodAutoscaler") => workloads::hpa(env, o),
        ("policy", "PodDisruptionBudget") => workloads::pdb(env, o),
        ("scheduling.k8s.io", "PriorityClass") => core::priority_class(env, o),
        ("", "ServiceAccount") => others::service_account(env, o),
        ("", "Endpoints") => others::endpoints(env, o),
        ("discovery.k8s.io", "EndpointSlice") => others::endpoint_slice(env, o),
        ("storage.k8s.io", "StorageClass") => others::storage_class(env, o),
        ("storage.k8s.io", "CSINode") => others::csi_node(env, o),
        ("networking.k8s.io", "Ingress") => network::ingress(env, o),
        ("networking.k8s.io", "IngressClass") => network::ingress_class(env, o),
        ("networking.k8s.io", "NetworkPolicy") => network::network_policy(o),
        ("rbac.authorization.k8s.io", "Role" | "ClusterRole") => others::role(o),
        ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding") => others::binding(o),
        _ => generic::describe(env, o),
    }
}

pub(super) fn describe(ctx: &mut Ctx<'_>) -> Result<(), Error> {
    let mut req = ctx.request(true);
    if req.args.is_empty() && req.filenames.is_empty() {
        return Err(ctx.usage("You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources."));
    }
    req.latest = true;
    let found = resources::visit(ctx.cp, &req, ctx.stdin)?;
    let env = Env {
        source: &*ctx.cp,
        now: ctx.cp.now_ms(),
        show_events: ctx.p.bool("show-events"),
    };
    // `kubectl describe pods web` describes every pod whose name starts with `web` when no
    // pod is called exactly that (DescribeMatchingResources).
    if found.infos.is_empty()
        && req.args.len() == 2
        && !req.args[0].contains('/')
        && found
            .errors
            .iter()
            .all(|e| matches!(e, Error::Status(s) if s.code == 404))
        && !found.errors.is_empty()
    {
        let kind = resources::resolve_type(&req.args[0])?;
        let prefix = &req.args[1];
        let ns = if kind.namespaced {
            Some(ctx.ns())
        } else {
            None
        };
        let matching: Vec<Value> = env
            .list(kind.kind, &kind.api_version(), ns.as_deref())
            .into_iter()
            .filter(|o| object::name(o).starts_with(prefix.as_str()))
            .collect();
        if matching.is_empty() {
            return Err(Error::Many(found.errors));
        }
        for o in &matching {
            let text = describe_object(&env, kind, o);
            ctx.out.push_str(&text);
            ctx.out.push('\n');
        }
        return Ok(());
    }
    let mut first = true;
    let mut out = String::new();
    for Info { kind, object, .. } in &found.infos {
        let text = describe_object(&env, kind, object);
        if first {
            first = false;
        } else {
            out.push_str("\n\n");
        }
        out.push_str(&text);
    }
    ctx.out.push_str(&out);
    if found.infos.is_empty() && found.errors.is_empty() {
        if req.all_namespaces {
            ctx.err.push_str("No resources found\n");
        } else {
            ctx.err
                .push_str(&format!("No resources found in {} namespace.\n", ctx.ns()));
        }
    }
    if !found.errors.is_empty() {
        return Err(Error::Many(found.errors));
    }
    Ok(())
}

/// `translateTimestampSince` of a field.
pub(crate) fn age_of(o: &Value, keys: &[&str], now: i64) -> String {
    since(str_at(o, keys), now)
}

#[cfg(test)]
mod tests;
