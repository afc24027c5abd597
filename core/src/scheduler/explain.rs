//! Explanations: for a pod's latest scheduling attempt, every node examined with the filter
//! that rejected it (filters run in order and stop at the first failure, as upstream), and for
//! the feasible nodes every score plugin's raw, normalized and weighted score and the total —
//! the table kube-scheduler-simulator shows.
use super::plugins::{Code, FILTERS, SCORERS};
use super::PodInfo;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::sync::Arc;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Explanation {
    pub workspace: String,
    pub namespace: String,
    pub name: String,
    pub uid: String,
    /// When the attempt ran (virtual time, RFC 3339).
    pub time: String,
    /// `Scheduled` or `Unschedulable`.
    pub result: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selected_node: Option<String>,
    /// The `FailedScheduling` message when unschedulable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    pub num_all_nodes: usize,
    /// Nodes the filters ran on (adaptive `percentageOfNodesToScore` stops early).
    pub num_evaluated_nodes: usize,
    pub num_feasible_nodes: usize,
    /// Filter plugins, in the order they run.
    pub filter_plugins: Vec<String>,
    /// Score plugins with their weights; empty when fewer than two nodes were feasible
    /// (upstream does not score then).
    pub score_plugins: Vec<ScorePluginInfo>,
    /// The examined nodes, in scan order.
    pub nodes: Vec<NodeResult>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ScorePluginInfo {
    pub name: String,
    pub weight: i64,
    /// PreScore returned Skip: the plugin adds nothing for this pod.
    pub skipped: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeResult {
    pub node: String,
    pub feasible: bool,
    /// The filter that rejected the node; the ones before it passed, the ones after did not run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed_plugin: Option<Cow<'static, str>>,
    /// `Unschedulable` or `UnschedulableAndUnresolvable`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<Cow<'static, str>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
    /// One per score plugin that ran, in `scorePlugins` order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scores: Vec<PluginScore>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_score: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PluginScore {
    pub plugin: Cow<'static, str>,
    pub raw: i64,
    pub normalized: i64,
    pub weighted: i64,
}

/// One cell of the nodes × filter plugins table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FilterVerdict {
    pub plugin: String,
    /// `Success`, `Unschedulable`, `UnschedulableAndUnresolvable` or `NotRun`.
    pub status: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
}

impl Explanation {
    pub fn new(pod: &PodInfo, all: usize, evaluated: usize, feasible: usize) -> Explanation {
        Explanation {
            workspace: pod.workspace.clone(),
            namespace: pod.namespace.clone(),
            name: pod.name.clone(),
            uid: pod.uid.clone(),
            num_all_nodes: all,
            num_evaluated_nodes: evaluated,
            num_feasible_nodes: feasible,
            filter_plugins: FILTERS.iter().map(|f| f.name.to_string()).collect(),
            ..Default::default()
        }
    }

    pub fn node(&self, name: &str) -> Option<&NodeResult> {
        self.nodes.iter().find(|n| n.node == name)
    }

    /// Names of the feasible nodes with the highest total score (the set selectHost picks from).
    pub fn top_nodes(&self) -> Vec<String> {
        let max = self.nodes.iter().filter_map(|n| n.total_score).max();
        match max {
            None => self
                .nodes
                .iter()
                .filter(|n| n.feasible)
                .map(|n| n.node.clone())
                .collect(),
            Some(m) => self
                .nodes
                .iter()
                .filter(|n| n.total_score == Some(m))
                .map(|n| n.node.clone())
                .collect(),
        }
    }

    /// How many node entries this explanation holds (its storage cost).
    pub fn size(&self) -> usize {
        self.nodes.len().max(1)
    }
}

impl NodeResult {
    pub fn feasible(node: &str) -> NodeResult {
        NodeResult {
            node: node.to_string(),
            feasible: true,
            ..Default::default()
        }
    }

    pub fn failed(
        node: &str,
        plugin: &'static str,
        code: Code,
        reasons: Vec<String>,
    ) -> NodeResult {
        NodeResult {
            node: node.to_string(),
            feasible: false,
            failed_plugin: Some(Cow::Borrowed(plugin)),
            code: Some(Cow::Borrowed(code.as_str())),
            reasons,
            ..Default::default()
        }
    }

    /// This node's row of the nodes × filter plugins table.
    pub fn filter_verdicts(&self, filter_plugins: &[String]) -> Vec<FilterVerdict> {
        let mut out = Vec::with_capacity(filter_plugins.len());
        let mut failed = false;
        for p in filter_plugins {
            let (status, reasons) = if failed {
                ("NotRun".to_string(), vec![])
            } else if self.failed_plugin.as_deref() == Some(p.as_str()) {
                failed = true;
                (
                    self.code.as_deref().unwrap_or_default().to_string(),
                    self.reasons.clone(),
                )
            } else {
                ("Success".to_string(), vec![])
            };
            out.push(FilterVerdict {
                plugin: p.clone(),
                status,
                reasons,
            });
        }
        out
    }
}

/// A compact record of one attempt, as the scheduling cycle produces it: node indices into
/// the pass's shared name table and flat scores. It becomes an [`Explanation`] on demand, so
/// attempts nobody asks about cost a few allocations, not one per node.
#[derive(Debug, Clone, Default)]
pub struct Record {
    /// The pass's node names, by snapshot index (shared by every attempt of the pass).
    pub names: Arc<Vec<String>>,
    pub workspace: String,
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub time: String,
    pub num_all_nodes: usize,
    pub num_evaluated_nodes: usize,
    pub num_feasible_nodes: usize,
    /// Per score plugin, whether PreScore skipped it; empty when nothing was scored.
    pub skipped: Vec<bool>,
    /// The examined nodes in scan order.
    pub rows: Vec<Row>,
    /// For each feasible row in order, for each score plugin that ran: (raw, normalized).
    pub scores: Vec<(i64, i64)>,
    pub selected_node: Option<String>,
    pub message: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Row {
    pub node: u32,
    /// The failing filter's index in `FILTERS` and its code.
    pub failed: Option<(u8, Code)>,
    pub reasons: Vec<super::plugins::Reason>,
}

impl Record {
    pub fn new(pod: &PodInfo, names: Arc<Vec<String>>) -> Record {
        Record {
            names,
            workspace: pod.workspace.clone(),
            namespace: pod.namespace.clone(),
            name: pod.name.clone(),
            uid: pod.uid.clone(),
            ..Default::default()
        }
    }

    /// The full explanation.
    pub fn explanation(&self) -> Explanation {
        let mut e = Explanation {
            workspace: self.workspace.clone(),
            namespace: self.namespace.clone(),
            name: self.name.clone(),
            uid: self.uid.clone(),
            time: self.time.clone(),
            result: if self.selected_node.is_some() {
                "Scheduled".into()
            } else {
                "Unschedulable".into()
            },
            selected_node: self.selected_node.clone(),
            message: self.message.clone(),
            num_all_nodes: self.num_all_nodes,
            num_evaluated_nodes: self.num_evaluated_nodes,
            num_feasible_nodes: self.num_feasible_nodes,
            filter_plugins: FILTERS.iter().map(|f| f.name.to_string()).collect(),
            score_plugins: self
                .skipped
                .iter()
                .zip(SCORERS)
                .map(|(skipped, s)| ScorePluginInfo {
                    name: s.name.to_string(),
                    weight: s.weight,
                    skipped: *skipped,
                })
                .collect(),
            nodes: Vec::with_capacity(self.rows.len()),
        };
        let ran: Vec<&super::plugins::Scorer> = self
            .skipped
            .iter()
            .zip(SCORERS)
            .filter(|(skipped, _)| !**skipped)
            .map(|(_, s)| s)
            .collect();
        let mut next = self.scores.chunks(ran.len().max(1));
        for r in &self.rows {
            let node = self.names.get(r.node as usize).cloned().unwrap_or_default();
            let mut out = match r.failed {
                Some((plugin, code)) => NodeResult::failed(
                    &node,
                    FILTERS[plugin as usize].name,
                    code,
                    r.reasons.iter().map(|r| r.to_string()).collect(),
                ),
                None => NodeResult::feasible(&node),
            };
            if out.feasible && !self.skipped.is_empty() {
                let chunk = if ran.is_empty() {
                    &[][..]
                } else {
                    next.next().unwrap_or(&[])
                };
                out.scores = ran
                    .iter()
                    .zip(chunk)
                    .map(|(s, (raw, norm))| PluginScore {
                        plugin: Cow::Borrowed(s.name),
                        raw: *raw,
                        normalized: *norm,
                        weighted: norm * s.weight,
                    })
                    .collect();
                out.total_score = Some(out.scores.iter().map(|s| s.weighted).sum());
            }
            e.nodes.push(out);
        }
        e
    }
}

/// An attempt kept in the scheduler's state: compact as recorded, or a full explanation (as
/// restored from a snapshot). Serialized as the explanation either way.
#[derive(Debug, Clone)]
pub enum Stored {
    Record(Box<Record>),
    Full(Box<Explanation>),
}

impl Stored {
    pub fn explanation(&self) -> Explanation {
        match self {
            Stored::Record(r) => r.explanation(),
            Stored::Full(e) => (**e).clone(),
        }
    }

    /// (workspace, namespace, name).
    pub fn pod(&self) -> (&str, &str, &str) {
        match self {
            Stored::Record(r) => (&r.workspace, &r.namespace, &r.name),
            Stored::Full(e) => (&e.workspace, &e.namespace, &e.name),
        }
    }

    /// Node rows held (the storage cost).
    pub fn size(&self) -> usize {
        match self {
            Stored::Record(r) => r.rows.len().max(1),
            Stored::Full(e) => e.size(),
        }
    }
}

impl Serialize for Stored {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Stored::Record(r) => r.explanation().serialize(s),
            Stored::Full(e) => e.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Stored {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Explanation::deserialize(d).map(|e| Stored::Full(Box::new(e)))
    }
}
