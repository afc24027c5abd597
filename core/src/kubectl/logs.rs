//! `kubectl logs` (k8s.io/kubectl/pkg/cmd/logs, polymorphichelpers/logsforobject.go): a pod
//! (`POD`, `pod/POD`) or the first pod of a workload or Service (`deploy/web`, picked as
//! `podutils.ByLogging` orders them: `Found N pods, using pod/x`), or every pod of `-l`
//! (the last 10 lines of each unless `--tail`); its default container (the
//! `kubectl.kubernetes.io/default-container` annotation, else the first: `Defaulted container
//! "a" out of: a, b (init)`), `-c`, or `--all-containers`; `--previous`, `--tail`,
//! `--since`, `--since-time`, `--timestamps`, `--limit-bytes`, `--prefix`.
//!
//! kubectl reads several streams in Go's map order (random); kplane in a fixed one: pods as
//! listed, init containers then containers. `-f` prints what is there now and, when the caller
//! follows the stream ([`super::stream`]), the lines printed as virtual time passes.
use super::resources::resolve_type_in;
use super::{Ctx, Error};
use crate::api::object::{self, array_at, str_at};
use crate::api::Value;
use crate::control_plane::{ListOptions, LogOptions};

/// `podcmd.DefaultContainerAnnotationName`.
const DEFAULT_CONTAINER: &str = "kubectl.kubernetes.io/default-container";
/// kubectl's tail when a selector is given (`selectorTail`).
const SELECTOR_TAIL: i64 = 10;

/// One log stream: a container of a pod, and how its lines are printed.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub namespace: String,
    pub pod: String,
    pub container: String,
    /// `[pod/<pod>/<container>] ` with `--prefix`.
    pub prefix: String,
}

/// The streams of a `logs` command line and the options of each request.
pub(crate) struct Plan {
    pub targets: Vec<Target>,
    pub options: LogOptions,
    pub ignore_errors: bool,
}

pub(super) fn logs(ctx: &mut Ctx<'_>) -> Result<(), Error> {
    let plan = plan(ctx)?;
    for t in &plan.targets {
        print_target(ctx, t, &plan.options, plan.ignore_errors)?;
    }
    if ctx.p.bool("follow") {
        super::stream::follow_logs(ctx, &plan.targets, &plan.options);
    }
    Ok(())
}

/// Prints one stream's log; an error stops the command unless `--ignore-errors`.
fn print_target(
    ctx: &mut Ctx<'_>,
    t: &Target,
    options: &LogOptions,
    ignore_errors: bool,
) -> Result<(), Error> {
    let mut o = options.clone();
    o.container = Some(t.container.clone());
    match ctx.cp.logs(&super::ws(ctx.cp), &t.namespace, &t.pod, &o) {
        Ok(text) => {
            ctx.out.push_str(&prefixed(&text, &t.prefix));
            Ok(())
        }
        Err(s) if ignore_errors => {
            ctx.out.push_str(&format!("error: {}\n", s.message));
            Ok(())
        }
        Err(s) => Err(Error::Status(s)),
    }
}

/// `prefixingWriter`: the prefix before every line.
pub(crate) fn prefixed(text: &str, prefix: &str) -> String {
    if prefix.is_empty() {
        return text.to_string();
    }
    text.split_inclusive('\n')
        .map(|l| format!("{prefix}{l}"))
        .collect()
}

/// `Complete` and `Validate`, then the streams `LogsForObject` would open.
pub(crate) fn plan(ctx: &mut Ctx<'_>) -> Result<Plan, Error> {
    let args = ctx.p.args.clone();
    let selector = ctx.p.str("selector");
    let usage = "expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command";
    let (resource, mut container) = match args.as_slice() {
        [] if selector.is_empty() => return Err(ctx.usage(usage)),
        [] => (None, String::new()),
        [_] if !selector.is_empty() => {
            return Err(ctx.usage("only a selector (-l) or a POD name is allowed"))
        }
        [r] => (Some(r.clone()), String::new()),
        [r, c] => (Some(r.clone()), c.clone()),
        _ => return Err(ctx.usage(usage)),
    };
    let container_flag = ctx.p.changed("container");
    if container_flag {
        container = ctx.p.str("container");
    }
    let all_containers = ctx.p.bool("all-containers");
    let all_pods = ctx.p.bool("all-pods");
    let prefix = ctx.p.bool("prefix") || all_pods;
    let since = super::wait::parse_duration(&ctx.p.str("since"))?;
    let since_time = ctx.p.str("since-time");
    let limit_bytes = ctx.p.int("limit-bytes");
    let tail = ctx.p.int("tail");
    // Validate.
    if !since_time.is_empty() && since != 0 {
        return Err(Error::msg(
            "error: at most one of `sinceTime` or `sinceSeconds` may be specified",
        ));
    }
    if all_containers && !container.is_empty() {
        return Err(Error::msg(format!(
            "error: --all-containers=true should not be specified with container name {container}"
        )));
    }
    if container_flag && args.len() == 2 {
        return Err(Error::msg(
            "error: only one of -c or an inline [CONTAINER] arg is allowed",
        ));
    }
    if limit_bytes < 0 {
        return Err(Error::msg("error: --limit-bytes must be greater than 0"));
    }
    if since < 0 {
        return Err(Error::msg("error: --since must be greater than 0"));
    }
    if tail < -1 {
        return Err(Error::msg(
            "error: --tail must be greater than or equal to -1",
        ));
    }
    let tail_lines = if !selector.is_empty() && tail == -1 && !ctx.p.changed("tail") {
        Some(SELECTOR_TAIL)
    } else {
        (tail != -1).then_some(tail)
    };
    let options = LogOptions {
        container: None,
        previous: ctx.p.bool("previous"),
        // Rounded up to the second (`ToLogOptions`).
        since_seconds: (since != 0).then(|| (since + 999) / 1000),
        since_time: (!since_time.is_empty()).then_some(since_time),
        timestamps: ctx.p.bool("timestamps"),
        tail_lines,
        limit_bytes: (limit_bytes != 0).then_some(limit_bytes),
    };
    let ns = ctx.ns();
    let pods = match &resource {
        None => {
            let pods = list_pods(ctx, &ns, &selector)?;
            if pods.is_empty() {
                ctx.err
                    .push_str(&format!("No resources found in {ns} namespace.\n"));
            }
            pods
        }
        Some(r) => pods_of(ctx, &ns, r, all_pods)?,
    };
    let mut targets = Vec::new();
    for pod in &pods {
        let names: Vec<String> = if all_containers {
            ["initContainers", "containers"]
                .iter()
                .flat_map(|l| array_at(pod, &["spec", l]))
                .filter_map(|c| c["name"].as_str().map(String::from))
                .collect()
        } else {
            vec![default_container(ctx, pod, &container, all_pods)?]
        };
        for c in names {
            targets.push(Target {
                namespace: object::namespace(pod).to_string(),
                pod: object::name(pod).to_string(),
                prefix: if prefix {
                    format!("[pod/{}/{c}] ", object::name(pod))
                } else {
                    String::new()
                },
                container: c,
            });
        }
    }
    let follow = ctx.p.bool("follow");
    let max = ctx.p.int("max-log-requests");
    if follow && targets.len() > 1 && targets.len() as i64 > max {
        return Err(Error::msg(format!(
            "error: you are attempting to follow {} log streams, but maximum allowed concurrency is {max}, use --max-log-requests to increase the limit",
            targets.len()
        )));
    }
    Ok(Plan {
        targets,
        options,
        ignore_errors: ctx.p.bool("ignore-errors"),
    })
}

/// The pods of `-l`, in list order.
fn list_pods(ctx: &Ctx<'_>, ns: &str, selector: &str) -> Result<Vec<Value>, Error> {
    ctx.cp
        .list_items(
            &super::ws(ctx.cp),
            &ListOptions {
                kind: "Pod".into(),
                namespace: Some(ns.to_string()),
                label_selector: (!selector.is_empty()).then(|| selector.to_string()),
                ..Default::default()
            },
        )
        .map_err(Error::Status)
}

/// The pod `arg` names, or the pods of the workload or Service it names (the first one, as
/// `ByLogging` orders them, unless `--all-pods`).
fn pods_of(ctx: &mut Ctx<'_>, ns: &str, arg: &str, all_pods: bool) -> Result<Vec<Value>, Error> {
    let (ty, name) = match arg.split_once('/') {
        Some((t, n)) => (t.to_string(), n.to_string()),
        None => ("pods".to_string(), arg.to_string()),
    };
    let info = resolve_type_in(ctx.cp, &ty)?;
    let ws = super::ws(ctx.cp);
    let Some(obj) = ctx.cp.server().get(&ws, info, ns, &name).cloned() else {
        let s = crate::server::status::Status::not_found(info, &name);
        return Err(Error::msg(format!(
            "error: error from server (NotFound): {} in namespace {ns:?}",
            s.message
        )));
    };
    if info.kind == "Pod" && info.group.is_empty() {
        return Ok(vec![obj]);
    }
    let selector = selector_of(&obj).ok_or_else(|| {
        Error::msg(format!(
            "error: cannot get the logs from {}: selector for {} not implemented",
            super::resources::kind_group(info),
            info.kind
        ))
    })?;
    let mut pods = list_pods(ctx, ns, &selector)?;
    if pods.is_empty() {
        return Err(Error::msg("error: timed out waiting for the condition"));
    }
    super::gosort::sort(&mut pods, by_logging);
    if all_pods || pods.len() == 1 {
        return Ok(if all_pods {
            pods
        } else {
            pods.drain(..1).collect()
        });
    }
    ctx.err.push_str(&format!(
        "Found {} pods, using pod/{}\n",
        pods.len(),
        object::name(&pods[0])
    ));
    Ok(pods.drain(..1).collect())
}

/// `SelectorsForObject`: the label selector of a workload or Service, as a string.
fn selector_of(obj: &Value) -> Option<String> {
    let sel = match object::kind(obj) {
        "Service" | "ReplicationController" => {
            let m = obj["spec"]["selector"].as_object()?;
            if m.is_empty() {
                return None;
            }
            let mut parts: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect();
            parts.sort();
            return Some(parts.join(","));
        }
        "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "Job" => {
            obj["spec"].get("selector")?
        }
        _ => return None,
    };
    let text = super::printers::format_label_selector(Some(sel));
    (text != "<none>").then_some(text)
}

/// `podutils.ByLogging`: assigned before unassigned, Running < Unknown < Pending, ready
/// before not ready, ready longer first, more restarts first, older first.
fn by_logging(a: &Value, b: &Value) -> bool {
    let node = |p: &Value| str_at(p, &["spec", "nodeName"]).unwrap_or("").to_string();
    let (na, nb) = (node(a), node(b));
    if na != nb && (na.is_empty() || nb.is_empty()) {
        return !na.is_empty();
    }
    let rank = |p: &Value| match str_at(p, &["status", "phase"]).unwrap_or("") {
        "Running" => 0,
        "Unknown" => 1,
        "Pending" => 2,
        _ => 3,
    };
    if rank(a) != rank(b) {
        return rank(a) < rank(b);
    }
    let (ra, rb) = (crate::api::pod::is_ready(a), crate::api::pod::is_ready(b));
    if ra != rb {
        return ra;
    }
    let ready_time = |p: &Value| {
        array_at(p, &["status", "conditions"])
            .iter()
            .find(|c| c["type"] == "Ready")
            .and_then(|c| c["lastTransitionTime"].as_str())
            .and_then(crate::sim::parse_rfc3339)
    };
    // afterOrZero(t1, t2): t1 zero, or t1 after t2.
    let after_or_zero = |t1: Option<i64>, t2: Option<i64>| match (t1, t2) {
        (Some(x), Some(y)) => x > y,
        (t1, _) => t1.is_none(),
    };
    if ra && rb && ready_time(a) != ready_time(b) {
        return after_or_zero(ready_time(b), ready_time(a));
    }
    let restarts = |p: &Value, sidecars: bool| {
        let sidecar_names: Vec<&str> = array_at(p, &["spec", "initContainers"])
            .iter()
            .filter(|c| c["restartPolicy"] == "Always")
            .filter_map(|c| c["name"].as_str())
            .collect();
        let list = if sidecars {
            "initContainerStatuses"
        } else {
            "containerStatuses"
        };
        array_at(p, &["status", list])
            .iter()
            .filter(|s| !sidecars || sidecar_names.contains(&s["name"].as_str().unwrap_or("")))
            .filter_map(|s| s["restartCount"].as_i64())
            .max()
            .unwrap_or(0)
    };
    for sidecars in [false, true] {
        let (x, y) = (restarts(a, sidecars), restarts(b, sidecars));
        if x != y {
            return x > y;
        }
    }
    let created = |p: &Value| {
        str_at(p, &["metadata", "creationTimestamp"]).and_then(crate::sim::parse_rfc3339)
    };
    if created(a) != created(b) {
        return after_or_zero(created(b), created(a));
    }
    false
}

/// The container a request reads when none is named (`logsForObjectWithClient`).
fn default_container(
    ctx: &mut Ctx<'_>,
    pod: &Value,
    named: &str,
    all_pods: bool,
) -> Result<String, Error> {
    let name = object::name(pod);
    let exists = |c: &str| {
        ["initContainers", "containers", "ephemeralContainers"]
            .iter()
            .any(|l| array_at(pod, &["spec", l]).iter().any(|x| x["name"] == c))
    };
    let mut chosen = named.to_string();
    if chosen.is_empty() {
        if let Some(d) =
            str_at(pod, &["metadata", "annotations", DEFAULT_CONTAINER]).filter(|d| !d.is_empty())
        {
            if exists(d) {
                chosen = d.to_string();
            } else {
                ctx.err.push_str(&format!(
                    "Default container name {d:?} not found in pod {name}\n"
                ));
            }
        }
    }
    if chosen.is_empty() {
        let containers = array_at(pod, &["spec", "containers"]);
        chosen = containers
            .first()
            .and_then(|c| c["name"].as_str())
            .unwrap_or("")
            .to_string();
        let inits = array_at(pod, &["spec", "initContainers"]);
        if (containers.len() > 1 || !inits.is_empty()) && !all_pods {
            let mut all: Vec<String> = containers
                .iter()
                .filter_map(|c| c["name"].as_str().map(String::from))
                .collect();
            all.extend(
                inits
                    .iter()
                    .filter_map(|c| c["name"].as_str().map(|n| format!("{n} (init)"))),
            );
            ctx.err.push_str(&format!(
                "Defaulted container {chosen:?} out of: {}\n",
                all.join(", ")
            ));
        }
    }
    if !exists(&chosen) {
        return Err(Error::msg(format!(
            "error: container {chosen} is not valid for pod {name}"
        )));
    }
    Ok(chosen)
}
