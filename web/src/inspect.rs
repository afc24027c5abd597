//! What the side panels read from the API: a node's condition and taints, a pod's
//! conditions, its Events and the scheduler's explanation, and the latest Events. Reads
//! only; the view decides how they look.
use crate::fleet::{self, CloudInfo};
use kplane::api::{kinds, Object};
use kplane::scheduler::Explanation;
use kplane::server::ROOT;
use kplane::{ControlPlane, NodeSummary, WatchOptions};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A node card's data: the summary plus what only the Node object says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeView {
    pub summary: NodeSummary,
    /// The Ready condition's status: `True`, `False` or `Unknown`.
    pub ready: String,
    /// `Ready`, `NotReady` or `Unknown`, as the card says it.
    pub ready_label: String,
    /// The simulated machine's state when not running: `Failed` or `Stopped`.
    pub machine: Option<String>,
    /// `key=value:Effect`, as kubectl prints taints.
    pub taints: Vec<String>,
    /// When a NoExecute taint evicts the pods that tolerate it only for the default 300 s
    /// (the DefaultTolerationSeconds admission plugin): virtual ms from now (0: due).
    pub evicts_in_ms: Option<i64>,
    /// Instance type, capacity type, zone, price and consolidation note, for a node with
    /// the cloud's well-known labels.
    pub cloud: Option<CloudInfo>,
}

/// DefaultTolerationSeconds: pods tolerate not-ready and unreachable NoExecute taints for
/// 300 s unless they say otherwise (plugin/pkg/admission/defaulttolerationseconds).
const DEFAULT_TOLERATION_MS: i64 = 300_000;

/// The annotation the simulated kubelet keeps a failed or stopped machine's state in.
const NODE_STATE: &str = "sim.kplane.dev/node-state";

/// The cards of the first `max` nodes; `notes` are consolidation notes by node name
/// ([`fleet::consolidation_notes`]).
pub fn node_views(
    cp: &ControlPlane,
    nodes: &[NodeSummary],
    max: usize,
    notes: &BTreeMap<String, String>,
) -> Vec<NodeView> {
    let info = kinds::by_kind(Some("v1"), "Node");
    let now = cp.now_ms();
    let shown = &nodes[..nodes.len().min(max)];
    let prices = fleet::prices(cp, shown);
    shown
        .iter()
        .map(|n| {
            let node = info.and_then(|i| cp.server().get(ROOT, i, "", &n.name));
            let mut v = node_view(n, node, now);
            v.cloud = node.and_then(|o| fleet::cloud_info(o, &prices, notes));
            v
        })
        .collect()
}

fn node_view(n: &NodeSummary, node: Option<&Object>, now: i64) -> NodeView {
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
    }
    .to_string();
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
    let evicts_in_ms = node
        .and_then(|o| o.pointer("/spec/taints"))
        .and_then(|t| t.as_array())
        .into_iter()
        .flatten()
        .filter(|t| t.get("effect").and_then(|e| e.as_str()) == Some("NoExecute"))
        .filter_map(|t| {
            t.get("timeAdded")
                .and_then(|v| v.as_str())
                .and_then(kplane::sim::parse_rfc3339)
        })
        .map(|added| (added.saturating_add(DEFAULT_TOLERATION_MS) - now).max(0))
        .min()
        .filter(|_| !n.pods.is_empty());
    NodeView {
        summary: n.clone(),
        ready,
        ready_label,
        machine,
        taints,
        evicts_in_ms,
        cloud: None,
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    pub kind: String,
    pub status: String,
    pub reason: String,
    pub message: String,
    pub time: String,
}

/// One Event as the panels list it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// The involved object's uid.
    pub involved_uid: String,
    pub message: String,
    pub count: i64,
    pub source: String,
    /// The store revision of its last update (newest first sorts by it).
    pub revision: u64,
    /// The Event's own namespace/name.
    pub key: String,
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
        involved_uid: s(io.and_then(|o| o.get("uid"))),
        message: s(e.get("message")),
        count: e.get("count").and_then(|c| c.as_i64()).unwrap_or(1),
        source: s(e.pointer("/source/component")),
        revision: e
            .pointer("/metadata/resourceVersion")
            .and_then(|v| v.as_str())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
        key: format!(
            "{}/{}",
            s(e.pointer("/metadata/namespace")),
            s(e.pointer("/metadata/name"))
        ),
    }
}

/// Which Events a feed keeps.
#[derive(Debug, Clone, PartialEq)]
pub enum EventFilter {
    All,
    Warnings,
    /// About one pod: (namespace, name).
    Pod(String, String),
}

impl EventFilter {
    fn matches(&self, e: &Object) -> bool {
        let io = |k: &str| {
            e.get("involvedObject")
                .and_then(|o| o.get(k))
                .and_then(|v| v.as_str())
        };
        match self {
            EventFilter::All => true,
            EventFilter::Warnings => e.get("type").and_then(|t| t.as_str()) == Some("Warning"),
            EventFilter::Pod(ns, name) => {
                io("kind") == Some("Pod")
                    && io("name") == Some(name.as_str())
                    && io("namespace") == Some(ns.as_str())
            }
        }
    }
}

/// The `limit` most recently recorded or updated Events a filter matches, newest first, kept
/// up to date from the API's watch (only what changed since the last update is read, so a
/// cluster with hundreds of thousands of Events costs nothing per tick when quiet).
#[derive(Debug, Clone)]
pub struct EventFeed {
    filter: EventFilter,
    limit: usize,
    rows: Vec<EventRow>,
    /// The store revision `rows` are current at; `None` until the first update.
    revision: Option<u64>,
}

impl EventFeed {
    pub fn new(filter: EventFilter, limit: usize) -> EventFeed {
        EventFeed {
            filter,
            limit,
            rows: Vec::new(),
            revision: None,
        }
    }

    /// Newest first.
    pub fn rows(&self) -> &[EventRow] {
        &self.rows
    }

    pub fn filter(&self) -> &EventFilter {
        &self.filter
    }

    pub fn update(&mut self, cp: &ControlPlane, workspace: &str) {
        let now = cp.server().store.revision();
        let Some(since) = self.revision else {
            return self.rebuild(cp, workspace);
        };
        if since == now {
            return;
        }
        let field_selector = match &self.filter {
            EventFilter::Pod(ns, name) => Some(format!(
                "involvedObject.kind=Pod,involvedObject.namespace={ns},involvedObject.name={name}"
            )),
            EventFilter::Warnings => Some("type=Warning".to_string()),
            EventFilter::All => None,
        };
        let options = WatchOptions {
            kind: Some("Event".into()),
            resource_version: Some(since.to_string()),
            field_selector,
            ..WatchOptions::default()
        };
        // A compacted revision (410) or anything unexpected: read everything again.
        let Ok(events) = cp.watch(workspace, &options) else {
            return self.rebuild(cp, workspace);
        };
        let mut refill = false;
        for e in events {
            match e.kind.as_str() {
                "ADDED" | "MODIFIED" if self.filter.matches(&e.object) => {
                    let row = event_row(&e.object);
                    self.rows.retain(|r| r.key != row.key);
                    self.rows.insert(0, row);
                }
                "DELETED" => {
                    let gone = event_row(&e.object).key;
                    let before = self.rows.len();
                    self.rows.retain(|r| r.key != gone);
                    refill |= self.rows.len() < before && before == self.limit;
                }
                _ => {}
            }
        }
        self.rows.truncate(self.limit);
        self.revision = Some(now);
        if refill {
            self.rebuild(cp, workspace);
        }
    }

    /// Reads every Event once, keeping the newest `limit` without cloning the others.
    fn rebuild(&mut self, cp: &ControlPlane, workspace: &str) {
        self.revision = Some(cp.server().store.revision());
        self.rows.clear();
        let Some(info) = kinds::by_kind(Some("v1"), "Event") else {
            return;
        };
        let namespace = match &self.filter {
            EventFilter::Pod(ns, _) => Some(ns.as_str()),
            _ => None,
        };
        let revision = |e: &Object| -> u64 {
            e.pointer("/metadata/resourceVersion")
                .and_then(|v| v.as_str())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        let limit = self.limit;
        let mut newest: Vec<(u64, &Object)> = Vec::with_capacity(limit + 1);
        for e in cp.server().list(workspace, info, namespace) {
            if !self.filter.matches(e) {
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
        self.rows = newest.into_iter().map(|(_, e)| event_row(e)).collect();
    }
}

/// Everything the Why? panel shows about one pod.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// What the pod requests: (millicores, bytes).
    pub requests: (i64, i64),
    /// For each node the explanation names: (node, free millicores, free bytes) now, to show
    /// the numbers behind "Insufficient cpu".
    pub free: Vec<(String, i64, i64)>,
    /// Containers waiting in CrashLoopBackOff: (container, back-off ms, virtual ms until the
    /// kubelet restarts it).
    pub backoffs: Vec<(String, i64, i64)>,
}

/// The containers of `pod` in CrashLoopBackOff and when each restarts: the back-off in the
/// waiting message (the kubelet's `back-off 20s restarting failed …`) after the last exit.
fn backoffs(pod: &Object, now: i64) -> Vec<(String, i64, i64)> {
    let statuses = ["/status/initContainerStatuses", "/status/containerStatuses"];
    statuses
        .iter()
        .filter_map(|p| pod.pointer(p).and_then(|v| v.as_array()))
        .flatten()
        .filter_map(|c| {
            let waiting = c.pointer("/state/waiting")?;
            if waiting.get("reason").and_then(|r| r.as_str())
                != Some(kplane::kubelet::container::CRASH_LOOP_BACK_OFF)
            {
                return None;
            }
            let wait = kplane::kubelet::container::parse_backoff_message(
                waiting.get("message")?.as_str()?,
            )?;
            let finished = kplane::sim::parse_rfc3339(
                c.pointer("/lastState/terminated/finishedAt")?.as_str()?,
            )?;
            let name = c.get("name")?.as_str()?.to_string();
            Some((name, wait, (finished.saturating_add(wait) - now).max(0)))
        })
        .collect()
}

/// `events` is the pod's feed (`EventFilter::Pod`), updated by the caller.
pub fn pod_details(
    cp: &ControlPlane,
    workspace: &str,
    namespace: &str,
    name: &str,
    events: &EventFeed,
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
    // Oldest first, as `kubectl describe` lists them; only this pod's (not a namesake's).
    let mut events: Vec<EventRow> = events
        .rows()
        .iter()
        .filter(|e| uid.is_empty() || e.involved_uid.is_empty() || e.involved_uid == uid)
        .cloned()
        .collect();
    events.sort_by(|a, b| a.time.cmp(&b.time).then(a.revision.cmp(&b.revision)));
    let opt = |p: &str| Some(s(p).to_string()).filter(|v| !v.is_empty());
    let explanation = cp.explain(workspace, namespace, name);
    let r = kplane::api::resources::pod_requests(pod, false);
    let free = match &explanation {
        Some(e) => {
            let names: std::collections::HashSet<&str> =
                e.nodes.iter().map(|n| n.node.as_str()).collect();
            cp.nodes()
                .into_iter()
                .filter(|n| names.contains(n.name.as_str()))
                .map(|n| {
                    (
                        n.name,
                        n.allocatable_milli_cpu
                            .saturating_sub(n.requested_milli_cpu),
                        n.allocatable_memory.saturating_sub(n.requested_memory),
                    )
                })
                .collect()
        }
        None => vec![],
    };
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
        explanation,
        requests: (r.milli_cpu, r.memory),
        free,
        backoffs: backoffs(pod, cp.now_ms()),
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
        cp.advance(seconds).unwrap();
        cp
    }

    #[test]
    fn a_pending_pod_explains_itself() {
        let cp = cluster("gpu-taints", 5.0);
        let pending = cp.pending_pods();
        assert_eq!(pending.len(), 2);
        let (ns, name) = (&pending[0].namespace, &pending[0].name);
        let mut feed = EventFeed::new(EventFilter::Pod(ns.clone(), name.clone()), 100);
        feed.update(&cp, ROOT);
        let d = pod_details(&cp, ROOT, ns, name, &feed).unwrap();
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
        assert!(pod_details(&cp, ROOT, "default", "nope", &feed).is_none());
    }

    #[test]
    fn nodes_show_conditions_and_taints() {
        let mut cp = cluster("gpu-taints", 5.0);
        let views = node_views(&cp, &cp.nodes(), 10, &BTreeMap::new());
        let gpu = views.iter().find(|v| v.summary.name == "gpu-1").unwrap();
        assert_eq!(gpu.taints, vec!["gpu-enabled=true:NoSchedule"]);
        assert_eq!(gpu.ready_label, "Ready");
        assert_eq!(gpu.machine, None);
        cp.stop_node("general-1").unwrap();
        cp.advance(60.0).unwrap();
        let views = node_views(&cp, &cp.nodes(), 10, &BTreeMap::new());
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
    fn a_crash_looping_container_counts_down_to_its_restart() {
        let mut cp = cluster("crash-loop", 0.0);
        let mut seen = false;
        for _ in 0..60 {
            cp.advance(1.0).unwrap();
            let feed = EventFeed::new(EventFilter::Pod("default".into(), "crasher".into()), 10);
            let d = pod_details(&cp, ROOT, "default", "crasher", &feed).unwrap();
            if let Some((container, wait, left)) = d.backoffs.first() {
                assert_eq!(container, "app");
                assert!(*wait >= 10_000 && *left <= *wait, "{wait} {left}");
                assert_eq!(d.status, "CrashLoopBackOff");
                seen = true;
            }
        }
        assert!(
            seen,
            "the crasher waits in CrashLoopBackOff within a minute"
        );
    }

    /// A feed updated step by step holds what a fresh one reads at the end.
    fn same_as_fresh(feed: &EventFeed, cp: &ControlPlane) {
        let mut fresh = EventFeed::new(feed.filter.clone(), feed.limit);
        fresh.update(cp, ROOT);
        assert_eq!(feed.rows(), fresh.rows(), "{:?}", feed.filter);
    }

    #[test]
    fn feeds_are_newest_first_bounded_and_incremental() {
        let mut cp = cluster("three-nodes", 0.0);
        let mut all = EventFeed::new(EventFilter::All, 1000);
        let mut top = EventFeed::new(EventFilter::All, 5);
        let mut warnings = EventFeed::new(EventFilter::Warnings, 50);
        let mut feeds = [&mut all, &mut top, &mut warnings];
        for f in feeds.iter_mut() {
            f.update(&cp, ROOT);
        }
        for _ in 0..6 {
            cp.advance(10.0).unwrap();
            for f in feeds.iter_mut() {
                f.update(&cp, ROOT);
                same_as_fresh(f, &cp);
            }
        }
        assert!(all.rows().len() > 10);
        assert_eq!(top.rows().len(), 5);
        assert_eq!(top.rows(), &all.rows()[..5]);
        assert!(top.rows().windows(2).all(|w| w[0].revision > w[1].revision));
        assert!(warnings.rows().is_empty());
        cp.kubectl("scale deployment web --replicas=20", "");
        cp.advance(1.0).unwrap();
        warnings.update(&cp, ROOT);
        same_as_fresh(&warnings, &cp);
        assert_eq!(warnings.rows().len(), 4, "{:?}", warnings.rows());
        assert!(warnings
            .rows()
            .iter()
            .all(|w| w.reason == "FailedScheduling"));
        // A pod's feed follows its Events.
        let pod = cp.nodes()[0].pods[0].clone();
        let mut mine = EventFeed::new(
            EventFilter::Pod(pod.namespace.clone(), pod.name.clone()),
            100,
        );
        mine.update(&cp, ROOT);
        assert!(mine.rows().iter().any(|e| e.reason == "Scheduled"));
        cp.kubectl(&format!("delete pod {}", pod.name), "");
        cp.advance(40.0).unwrap();
        mine.update(&cp, ROOT);
        same_as_fresh(&mine, &cp);
        assert!(
            mine.rows().iter().any(|e| e.reason == "Killing"),
            "{:?}",
            mine.rows()
        );
    }
}
