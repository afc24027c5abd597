//! What the side panels read from the API: a node's condition and taints, a pod's
//! conditions, its Events and the scheduler's explanation, and the latest Events. Reads
//! only; the view decides how they look.
use kplane::api::{kinds, Object};
use kplane::scheduler::Explanation;
use kplane::server::ROOT;
use kplane::{ControlPlane, NodeSummary};

/// A node card's data: the summary plus what only the Node object says.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeView {
    pub summary: NodeSummary,
    /// The Ready condition's status: `True`, `False` or `Unknown`.
    pub ready: String,
    /// `Ready`, `NotReady` or `Unknown`, as the card says it.
    pub ready_label: &'static str,
    /// The simulated machine's state when not running: `Failed` or `Stopped`.
    pub machine: Option<String>,
    /// `key=value:Effect`, as kubectl prints taints.
    pub taints: Vec<String>,
}

/// The annotation the simulated kubelet keeps a failed or stopped machine's state in.
const NODE_STATE: &str = "sim.kplane.dev/node-state";

pub fn node_views(cp: &ControlPlane, nodes: &[NodeSummary], max: usize) -> Vec<NodeView> {
    let info = kinds::by_kind(Some("v1"), "Node");
    nodes
        .iter()
        .take(max)
        .map(|n| {
            let node = info.and_then(|i| cp.server().get(ROOT, i, "", &n.name));
            node_view(n, node)
        })
        .collect()
}

fn node_view(n: &NodeSummary, node: Option<&Object>) -> NodeView {
    let ready = node
        .and_then(|o| condition(o, "Ready"))
        .and_then(|c| c.get("status"))
        .and_then(|s| s.as_str())
        .unwrap_or(if n.ready { "True" } else { "Unknown" })
        .to_string();
    let ready_label = match ready.as_str() {
        "True" => "Ready",
        "False" => "NotReady",
        _ => "Unknown",
    };
    let machine = node
        .and_then(|o| o.pointer("/metadata/annotations"))
        .and_then(|a| a.get(NODE_STATE))
        .and_then(|s| s.as_str())
        .filter(|s| !s.is_empty() && *s != "Running")
        .map(str::to_string);
    let taints = node
        .and_then(|o| o.pointer("/spec/taints"))
        .and_then(|t| t.as_array())
        .map(|ts| ts.iter().map(taint).collect())
        .unwrap_or_default();
    NodeView {
        summary: n.clone(),
        ready,
        ready_label,
        machine,
        taints,
    }
}

fn condition<'a>(o: &'a Object, kind: &str) -> Option<&'a Object> {
    o.pointer("/status/conditions")?
        .as_array()?
        .iter()
        .find(|c| c.get("type").and_then(|t| t.as_str()) == Some(kind))
}

/// `gpu-enabled=true:NoSchedule`, `node.kubernetes.io/unreachable:NoExecute`.
fn taint(t: &Object) -> String {
    let s = |k: &str| t.get(k).and_then(|v| v.as_str()).unwrap_or("");
    match s("value") {
        "" => format!("{}:{}", s("key"), s("effect")),
        v => format!("{}={v}:{}", s("key"), s("effect")),
    }
}

/// One row of a conditions table.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub kind: String,
    pub status: String,
    pub reason: String,
    pub message: String,
    pub time: String,
}

/// One Event as the panels list it.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    /// `lastTimestamp`, RFC 3339.
    pub time: String,
    /// `Normal` or `Warning`.
    pub kind: String,
    pub reason: String,
    /// `pod/web-…`, `node/node-a`.
    pub object: String,
    /// The involved object's kind, namespace and name (to select a pod from the timeline).
    pub involved: (String, String, String),
    pub message: String,
    pub count: i64,
    pub source: String,
    /// The store revision of its last update (newest first sorts by it).
    revision: u64,
}

fn event_row(e: &Object) -> EventRow {
    let s = |v: Option<&Object>| v.and_then(|v| v.as_str()).unwrap_or("").to_string();
    let io = e.get("involvedObject");
    let kind = s(io.and_then(|o| o.get("kind")));
    let name = s(io.and_then(|o| o.get("name")));
    let namespace = s(io.and_then(|o| o.get("namespace")));
    let time = match s(e.get("lastTimestamp")) {
        t if t.is_empty() => s(e.get("eventTime")),
        t => t,
    };
    EventRow {
        time,
        kind: s(e.get("type")),
        reason: s(e.get("reason")),
        object: format!("{}/{name}", kind.to_ascii_lowercase()),
        involved: (kind, namespace, name),
        message: s(e.get("message")),
        count: e.get("count").and_then(|c| c.as_i64()).unwrap_or(1),
        source: s(e.pointer("/source/component")),
        revision: e
            .pointer("/metadata/resourceVersion")
            .and_then(|v| v.as_str())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
    }
}

/// The `limit` most recently recorded or updated Events of the workspace (only `Warning`
/// ones if `warnings_only`), newest first.
pub fn latest_events(
    cp: &ControlPlane,
    workspace: &str,
    limit: usize,
    warnings_only: bool,
) -> Vec<EventRow> {
    let Some(info) = kinds::by_kind(Some("v1"), "Event") else {
        return vec![];
    };
    let revision = |e: &Object| -> u64 {
        e.pointer("/metadata/resourceVersion")
            .and_then(|v| v.as_str())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    // Keep the newest `limit` without cloning them all (big clusters have many).
    let mut newest: Vec<(u64, &Object)> = Vec::with_capacity(limit + 1);
    for e in cp.server().list(workspace, info, None) {
        if warnings_only && e.get("type").and_then(|t| t.as_str()) != Some("Warning") {
            continue;
        }
        let r = revision(e);
        if newest.len() == limit && newest.last().is_some_and(|(last, _)| *last >= r) {
            continue;
        }
        let at = newest.partition_point(|(x, _)| *x > r);
        newest.insert(at, (r, e));
        newest.truncate(limit);
    }
    newest.into_iter().map(|(_, e)| event_row(e)).collect()
}

/// Everything the Why? panel shows about one pod.
#[derive(Debug, Clone, PartialEq)]
pub struct PodDetails {
    pub namespace: String,
    pub name: String,
    /// False once the pod is gone (the panel keeps what it knew).
    pub exists: bool,
    pub node: Option<String>,
    pub nominated_node: Option<String>,
    /// The STATUS column of `kubectl get pods`.
    pub status: String,
    pub phase: String,
    pub images: Vec<String>,
    pub conditions: Vec<Condition>,
    /// Oldest first, as `kubectl describe` lists them.
    pub events: Vec<EventRow>,
    pub explanation: Option<Explanation>,
}

pub fn pod_details(
    cp: &ControlPlane,
    workspace: &str,
    namespace: &str,
    name: &str,
) -> Option<PodDetails> {
    let info = kinds::by_kind(Some("v1"), "Pod")?;
    let pod = cp.server().get(workspace, info, namespace, name)?;
    let s = |p: &str| pod.pointer(p).and_then(|v| v.as_str()).unwrap_or("");
    let uid = s("/metadata/uid");
    let conditions = pod
        .pointer("/status/conditions")
        .and_then(|c| c.as_array())
        .map(|cs| {
            cs.iter()
                .map(|c| {
                    let f = |k: &str| c.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
                    Condition {
                        kind: f("type"),
                        status: f("status"),
                        reason: f("reason"),
                        message: f("message"),
                        time: f("lastTransitionTime"),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let images = pod
        .pointer("/spec/containers")
        .and_then(|c| c.as_array())
        .map(|cs| {
            cs.iter()
                .filter_map(|c| c.get("image").and_then(|i| i.as_str()))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let mut events: Vec<EventRow> = match kinds::by_kind(Some("v1"), "Event") {
        Some(ev) => cp
            .server()
            .list(workspace, ev, Some(namespace))
            .filter(|e| {
                let io = e.get("involvedObject");
                let field = |k: &str| io.and_then(|o| o.get(k)).and_then(|v| v.as_str());
                field("kind") == Some("Pod")
                    && field("name") == Some(name)
                    && (uid.is_empty() || field("uid").is_none_or(|u| u == uid))
            })
            .map(event_row)
            .collect(),
        None => vec![],
    };
    events.sort_by(|a, b| a.time.cmp(&b.time).then(a.revision.cmp(&b.revision)));
    let opt = |p: &str| Some(s(p).to_string()).filter(|v| !v.is_empty());
    Some(PodDetails {
        namespace: namespace.to_string(),
        name: name.to_string(),
        exists: true,
        node: opt("/spec/nodeName"),
        nominated_node: opt("/status/nominatedNodeName"),
        status: kplane::kubectl::pod_status(pod),
        phase: s("/status/phase").to_string(),
        images,
        conditions,
        events,
        explanation: cp.explain(workspace, namespace, name),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::apply_documents;
    use crate::scenario;
    use kplane::Options;

    fn cluster(id: &str, seconds: f64) -> ControlPlane {
        let mut cp = ControlPlane::new(Options {
            seed: 1,
            start: None,
        })
        .unwrap();
        apply_documents(&mut cp, ROOT, scenario::by_id(id).unwrap().manifest, false);
        cp.advance(seconds);
        cp
    }

    #[test]
    fn a_pending_pod_explains_itself() {
        let cp = cluster("gpu-taints", 5.0);
        let pending = cp.pending_pods();
        assert_eq!(pending.len(), 2);
        let d = pod_details(&cp, ROOT, &pending[0].namespace, &pending[0].name).unwrap();
        assert_eq!(d.node, None);
        let e = d.explanation.expect("an explanation");
        assert_eq!(e.result, "Unschedulable");
        assert!(e.message.unwrap().starts_with("0/3 nodes are available"));
        assert!(d
            .events
            .iter()
            .any(|e| e.reason == "FailedScheduling" && e.kind == "Warning"));
        assert!(d
            .conditions
            .iter()
            .any(|c| c.kind == "PodScheduled" && c.status == "False"));
        assert!(pod_details(&cp, ROOT, "default", "nope").is_none());
    }

    #[test]
    fn nodes_show_conditions_and_taints() {
        let mut cp = cluster("gpu-taints", 5.0);
        let views = node_views(&cp, &cp.nodes(), 10);
        let gpu = views.iter().find(|v| v.summary.name == "gpu-1").unwrap();
        assert_eq!(gpu.taints, vec!["gpu-enabled=true:NoSchedule"]);
        assert_eq!(gpu.ready_label, "Ready");
        assert_eq!(gpu.machine, None);
        cp.stop_node("general-1").unwrap();
        cp.advance(60.0);
        let views = node_views(&cp, &cp.nodes(), 10);
        let general = views
            .iter()
            .find(|v| v.summary.name == "general-1")
            .unwrap();
        assert_eq!(general.ready_label, "Unknown");
        assert_eq!(general.machine.as_deref(), Some("Stopped"));
        assert!(general
            .taints
            .iter()
            .any(|t| t == "node.kubernetes.io/unreachable:NoExecute"));
    }

    #[test]
    fn the_timeline_is_newest_first_and_bounded() {
        let mut cp = cluster("three-nodes", 60.0);
        let all = latest_events(&cp, ROOT, 1000, false);
        assert!(all.len() > 10);
        let top = latest_events(&cp, ROOT, 5, false);
        assert_eq!(top.len(), 5);
        assert_eq!(top, all[..5].to_vec());
        assert!(top.windows(2).all(|w| w[0].revision > w[1].revision));
        assert!(latest_events(&cp, ROOT, 5, true).is_empty());
        cp.kubectl("scale deployment web --replicas=20", "");
        let warnings = latest_events(&cp, ROOT, 50, true);
        assert_eq!(warnings.len(), 4, "{warnings:?}");
        assert!(warnings.iter().all(|w| w.reason == "FailedScheduling"));
    }
}
