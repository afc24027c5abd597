//! Explanations: for a pod's latest scheduling attempt, every node examined with the filter
//! that rejected it (filters run in order and stop at the first failure, as upstream), and for
//! the feasible nodes every score plugin's raw, normalized and weighted score and the total —
//! the table kube-scheduler-simulator shows.
use super::plugins::{Code, FILTERS};
use super::PodInfo;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

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
