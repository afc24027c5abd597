//! Time series over virtual time: the worker samples the cluster after every change
//! ([`sample`] runs each [`Sampler`] in [`SAMPLERS`]); the page keeps the points in a
//! [`SeriesStore`] and draws them with `chart`. A series is named `chart/label`: the chart it
//! belongs to, then its line's label (`pods/Running`, `cpu/requested`). Another view adds
//! its own series by adding a sampler here (and, for a title and unit, a [`ChartSpec`]).
use kplane::api::object;
use kplane::{ControlPlane, NodeSummary, PodSummary};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The values of every series at one virtual time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// Virtual milliseconds since the cluster started.
    pub t: i64,
    pub values: Vec<(String, f64)>,
}

/// What a sampler reads: the control plane and the lists the worker already built.
pub struct SampleInput<'a> {
    pub cp: &'a ControlPlane,
    pub nodes: &'a [NodeSummary],
    pub pending: &'a [PodSummary],
}

/// Adds `(series, value)` pairs for one instant.
pub type Sampler = fn(&SampleInput<'_>, &mut Vec<(String, f64)>);

/// Every sampler, in chart order.
pub const SAMPLERS: &[Sampler] = &[
    pods_by_phase,
    node_count,
    cpu_and_memory,
    replicas,
    cost,
    requests,
    queue_depth,
    hpa_replicas,
];

/// One sample of every series now.
pub fn sample(input: &SampleInput<'_>, t: i64) -> Sample {
    let mut values = Vec::new();
    for s in SAMPLERS {
        s(input, &mut values);
    }
    Sample { t, values }
}

/// How a chart is titled and what its numbers are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartSpec {
    pub id: &'static str,
    pub title: &'static str,
    pub unit: Unit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Count,
    /// Millicores, shown as cores.
    MilliCpu,
    Bytes,
    /// US dollars per hour.
    DollarsPerHour,
    /// Requests per second.
    PerSecond,
}

/// The charts the built-in samplers fill, in order. Charts of unknown ids are drawn too,
/// titled by their id.
pub const CHARTS: &[ChartSpec] = &[
    ChartSpec {
        id: "pods",
        title: "Pods by phase",
        unit: Unit::Count,
    },
    ChartSpec {
        id: "pending",
        title: "Pending pods",
        unit: Unit::Count,
    },
    ChartSpec {
        id: "nodes",
        title: "Nodes",
        unit: Unit::Count,
    },
    ChartSpec {
        id: "cpu",
        title: "CPU: requested, used, allocatable",
        unit: Unit::MilliCpu,
    },
    ChartSpec {
        id: "memory",
        title: "Memory: requested, used, allocatable",
        unit: Unit::Bytes,
    },
    ChartSpec {
        id: "replicas",
        title: "Ready replicas per workload",
        unit: Unit::Count,
    },
    ChartSpec {
        id: "cost",
        title: "Cost of the running nodes ($/hour)",
        unit: Unit::DollarsPerHour,
    },
    ChartSpec {
        id: "requests",
        title: "Requests per second: served, dropped",
        unit: Unit::PerSecond,
    },
    ChartSpec {
        id: "queue",
        title: "Queue depth (messages)",
        unit: Unit::Count,
    },
    ChartSpec {
        id: "hpa",
        title: "HPA replicas: current and desired",
        unit: Unit::Count,
    },
];

pub fn spec(id: &str) -> Option<&'static ChartSpec> {
    CHARTS.iter().find(|c| c.id == id)
}

fn pods_by_phase(input: &SampleInput<'_>, out: &mut Vec<(String, f64)>) {
    let mut phases: BTreeMap<&str, f64> = BTreeMap::new();
    for phase in ["Pending", "Running", "Succeeded", "Failed"] {
        phases.insert(phase, 0.0);
    }
    for (_, p) in input.cp.server().store.list_all("pods") {
        let phase = object::str_at(p, &["status", "phase"]).unwrap_or("Pending");
        if let Some(n) = phases.get_mut(phase) {
            *n += 1.0;
        }
    }
    out.extend(phases.into_iter().map(|(k, v)| (format!("pods/{k}"), v)));
    out.push(("pending/unscheduled".into(), input.pending.len() as f64));
}

fn node_count(input: &SampleInput<'_>, out: &mut Vec<(String, f64)>) {
    let ready = input.nodes.iter().filter(|n| n.ready).count();
    out.push(("nodes/total".into(), input.nodes.len() as f64));
    out.push(("nodes/ready".into(), ready as f64));
}

fn cpu_and_memory(input: &SampleInput<'_>, out: &mut Vec<(String, f64)>) {
    let sum = |f: fn(&NodeSummary) -> i64| {
        input.nodes.iter().map(f).fold(0i64, i64::saturating_add) as f64
    };
    let (mut cpu_used, mut mem_used) = (0i64, 0i64);
    for (_, p) in input.cp.server().store.list_all("pods") {
        if object::str_at(p, &["status", "phase"]) != Some("Running") {
            continue;
        }
        for c in kplane::kubelet::usage(p) {
            cpu_used = cpu_used.saturating_add(c.milli_cpu);
            mem_used = mem_used.saturating_add(c.memory);
        }
    }
    out.push(("cpu/requested".into(), sum(|n| n.requested_milli_cpu)));
    out.push(("cpu/used".into(), cpu_used as f64));
    out.push(("cpu/allocatable".into(), sum(|n| n.allocatable_milli_cpu)));
    out.push(("memory/requested".into(), sum(|n| n.requested_memory)));
    out.push(("memory/used".into(), mem_used as f64));
    out.push(("memory/allocatable".into(), sum(|n| n.allocatable_memory)));
}

/// How many objects of one kind a chart follows (the first ones, by workspace and name).
const MAX_LINES: usize = 8;

/// An object's line label: its name, prefixed by its workspace's base name outside `root`
/// (`team-a/web`).
fn label(key: &kplane::store::Key, o: &kplane::api::Value) -> String {
    if key.workspace.as_str() == crate::workspaces::ROOT {
        object::name(o).to_string()
    } else {
        format!(
            "{}/{}",
            crate::workspaces::base(key.workspace.as_str()),
            object::name(o)
        )
    }
}

/// Ready replicas of each Deployment, StatefulSet and DaemonSet (at most the first 8), of
/// every workspace: a workload outside `root` is labelled `team-a/web`.
fn replicas(input: &SampleInput<'_>, out: &mut Vec<(String, f64)>) {
    let store = &input.cp.server().store;
    let mut n = 0;
    for (resource, ready) in [
        ("deployments.apps", "readyReplicas"),
        ("statefulsets.apps", "readyReplicas"),
        ("daemonsets.apps", "numberReady"),
    ] {
        for (key, o) in store.list_all(resource) {
            if n == MAX_LINES {
                return;
            }
            n += 1;
            let v = object::i64_at(o, &["status", ready]).unwrap_or(0);
            out.push((format!("replicas/{}", label(key, o)), v as f64));
        }
    }
}

/// What the running nodes cost, $/hour (`ControlPlane::cost`): the total and each capacity
/// type's share. Nothing while no node is priced (no node names a catalog instance type).
fn cost(input: &SampleInput<'_>, out: &mut Vec<(String, f64)>) {
    let report = input.cp.cost();
    if report.nodes.is_empty() {
        return;
    }
    out.push(("cost/total".into(), report.price_per_hour));
    let mut by_type: BTreeMap<&str, f64> = BTreeMap::new();
    for p in &report.by_node_pool {
        *by_type.entry(p.capacity_type.as_str()).or_default() += p.price_per_hour;
    }
    if by_type.len() > 1 {
        out.extend(by_type.into_iter().map(|(ct, v)| (format!("cost/{ct}"), v)));
    }
}

/// Each LoadProfile's requests per second (its status): served while its target has a
/// ready endpoint, dropped while it has none.
fn requests(input: &SampleInput<'_>, out: &mut Vec<(String, f64)>) {
    let store = &input.cp.server().store;
    for (key, o) in store
        .list_all(kplane::sim::load::LOAD_PROFILES)
        .take(MAX_LINES / 2)
    {
        let rps = object::path(o, &["status", "requestsPerSecond"])
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0);
        let ready = object::i64_at(o, &["status", "readyEndpoints"]).unwrap_or(0) > 0;
        let name = label(key, o);
        let (served, dropped) = if ready { (rps, 0.0) } else { (0.0, rps) };
        out.push((format!("requests/{name} served"), served));
        out.push((format!("requests/{name} dropped"), dropped));
    }
}

/// Each Queue's depth (messages waiting, its status).
fn queue_depth(input: &SampleInput<'_>, out: &mut Vec<(String, f64)>) {
    let store = &input.cp.server().store;
    for (key, o) in store.list_all(kplane::sim::queue::QUEUES).take(MAX_LINES) {
        let v = object::i64_at(o, &["status", "messages"]).unwrap_or(0);
        out.push((format!("queue/{}", label(key, o)), v as f64));
    }
}

/// Each HorizontalPodAutoscaler's current and desired replicas (its status; KEDA's HPAs too).
fn hpa_replicas(input: &SampleInput<'_>, out: &mut Vec<(String, f64)>) {
    let store = &input.cp.server().store;
    for (key, o) in store
        .list_all("horizontalpodautoscalers.autoscaling")
        .take(MAX_LINES / 2)
    {
        let name = label(key, o);
        for field in ["currentReplicas", "desiredReplicas"] {
            let v = object::i64_at(o, &["status", field]).unwrap_or(0);
            let word = field.trim_end_matches("Replicas");
            out.push((format!("hpa/{name} {word}"), v as f64));
        }
    }
}

/// How many points a series keeps; older ones are thinned (every other one dropped).
pub const MAX_POINTS: usize = 600;

/// One line of a chart.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    /// (virtual ms since start, value), in time order.
    pub points: Vec<(i64, f64)>,
}

/// The page's series, by chart then label, in the order they first appeared.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SeriesStore {
    pub charts: Vec<(String, Vec<(String, Series)>)>,
}

impl SeriesStore {
    /// Adds a point to series `chart/label` (a new chart or line appears at the end).
    pub fn push(&mut self, id: &str, t: i64, v: f64) {
        let (chart, label) = id.split_once('/').unwrap_or((id, id));
        let lines = match self.charts.iter().position(|(c, _)| c == chart) {
            Some(i) => &mut self.charts[i].1,
            None => {
                self.charts.push((chart.to_string(), Vec::new()));
                let last = self.charts.len() - 1;
                &mut self.charts[last].1
            }
        };
        let series = match lines.iter().position(|(l, _)| l == label) {
            Some(i) => &mut lines[i].1,
            None => {
                lines.push((label.to_string(), Series::default()));
                let last = lines.len() - 1;
                &mut lines[last].1
            }
        };
        match series.points.last_mut() {
            Some(last) if last.0 == t => last.1 = v,
            Some(last) if last.0 > t => {
                series.points.retain(|(x, _)| *x < t);
                series.points.push((t, v));
            }
            _ => series.points.push((t, v)),
        }
        if series.points.len() > MAX_POINTS {
            let mut keep = false;
            let last = series.points.len() - 1;
            let mut i = 0;
            series.points.retain(|_| {
                keep = !keep || i == last;
                i += 1;
                keep
            });
        }
    }

    pub fn add(&mut self, s: &Sample) {
        for (id, v) in &s.values {
            self.push(id, s.t, *v);
        }
    }

    /// Forgets the points after `t` (the cluster branched from there).
    pub fn cut_after(&mut self, t: i64) {
        for (_, lines) in &mut self.charts {
            for (_, s) in lines.iter_mut() {
                s.points.retain(|(x, _)| *x <= t);
            }
        }
    }

    pub fn clear(&mut self) {
        self.charts.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_keeps_lines_per_chart_in_order_and_stays_bounded() {
        let mut s = SeriesStore::default();
        s.push("pods/Running", 0, 1.0);
        s.push("pods/Pending", 0, 2.0);
        s.push("nodes/total", 0, 3.0);
        s.push("pods/Running", 1000, 4.0);
        s.push("pods/Running", 1000, 5.0);
        assert_eq!(s.charts.len(), 2);
        assert_eq!(s.charts[0].1[0].1.points, vec![(0, 1.0), (1000, 5.0)]);
        s.cut_after(500);
        assert_eq!(s.charts[0].1[0].1.points, vec![(0, 1.0)]);
        for t in 0..5_000 {
            s.push("nodes/total", t, t as f64);
        }
        let points = &s.charts[1].1[0].1.points;
        assert!(points.len() <= MAX_POINTS);
        assert_eq!(
            points.last(),
            Some(&(4_999, 4_999.0)),
            "the newest point is kept"
        );
        // Going back in time replaces what came after.
        s.push("nodes/total", 10, 1.0);
        assert_eq!(s.charts[1].1[0].1.points.last(), Some(&(10, 1.0)));
    }

    #[test]
    fn the_built_in_samplers_count_pods_nodes_and_resources() {
        let mut cp = crate::history::fresh(1).unwrap();
        crate::apply::apply_documents(
            &mut cp,
            crate::workspaces::ROOT,
            crate::scenario::by_id("three-nodes").unwrap().manifest,
            false,
        );
        cp.advance(60.0).unwrap();
        let nodes = cp.nodes();
        let pending = cp.pending_pods();
        let s = sample(
            &SampleInput {
                cp: &cp,
                nodes: &nodes,
                pending: &pending,
            },
            60_000,
        );
        let get = |id: &str| s.values.iter().find(|(k, _)| k == id).map(|(_, v)| *v);
        assert_eq!(get("pods/Running"), Some(5.0));
        assert_eq!(get("nodes/total"), Some(3.0));
        assert_eq!(get("cpu/requested"), Some(2500.0), "five pods of 500m");
        assert!(get("cpu/allocatable").unwrap() > 2500.0);
        assert_eq!(get("replicas/web"), Some(5.0));
        assert_eq!(get("pending/unscheduled"), Some(0.0));
    }

    /// A sample of scenario `id` after `seconds` of virtual time.
    fn sample_of(id: &str, seconds: u32) -> Vec<(String, f64)> {
        let mut cp = crate::history::fresh(1).unwrap();
        let out = crate::apply::apply_documents(
            &mut cp,
            crate::workspaces::ROOT,
            crate::scenario::by_id(id).unwrap().manifest,
            false,
        );
        assert!(out.messages.is_empty(), "{id}: {:?}", out.messages);
        for _ in 0..seconds {
            cp.advance(1.0).unwrap();
        }
        let nodes = cp.nodes();
        let pending = cp.pending_pods();
        sample(
            &SampleInput {
                cp: &cp,
                nodes: &nodes,
                pending: &pending,
            },
            i64::from(seconds) * 1000,
        )
        .values
    }

    fn get(values: &[(String, f64)], id: &str) -> Option<f64> {
        values.iter().find(|(k, _)| k == id).map(|(_, v)| *v)
    }

    #[test]
    fn cost_is_charted_only_for_priced_nodes() {
        assert_eq!(
            sample_of("three-nodes", 1)
                .iter()
                .filter(|(k, _)| k.starts_with("cost/"))
                .count(),
            0,
            "nodes without an instance type have no price"
        );
        // Karpenter's first node runs by 2 minutes (scale-up-and-consolidation.yaml).
        let v = sample_of("karpenter-scale-up", 120);
        assert!(get(&v, "cost/total").is_some_and(|c| c > 0.0), "{v:?}");
    }

    #[test]
    fn load_queue_and_hpa_series_follow_their_objects() {
        // hpa-spike.yaml: 90 rps, plus 300 from 2m for 5m; the HPA goes 3 -> 6 -> 10.
        let v = sample_of("hpa-spike", 60);
        assert_eq!(get(&v, "requests/mi-aplicacion-traffic served"), Some(90.0));
        assert_eq!(get(&v, "requests/mi-aplicacion-traffic dropped"), Some(0.0));
        assert_eq!(get(&v, "hpa/mi-aplicacion-hpa current"), Some(3.0));
        let v = sample_of("hpa-spike", 240);
        assert_eq!(
            get(&v, "requests/mi-aplicacion-traffic served"),
            Some(390.0)
        );
        assert_eq!(get(&v, "hpa/mi-aplicacion-hpa current"), Some(10.0));
        assert_eq!(get(&v, "hpa/mi-aplicacion-hpa desired"), Some(10.0));
        // keda-queue.yaml: 20 messages per second from 1m and nobody consuming until KEDA's
        // poll at 90 s.
        assert_eq!(get(&sample_of("keda-queue", 30), "queue/orders"), Some(0.0));
        assert!(get(&sample_of("keda-queue", 85), "queue/orders").is_some_and(|m| m > 0.0));
    }
}
