//! The scheduler's configuration (`KubeSchedulerConfiguration`, the parts kplane honours).
use serde::{Deserialize, Serialize};

/// `KubeSchedulerConfiguration` for the default profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Config {
    /// `percentageOfNodesToScore`: 0 is adaptive (upstream's default), 100 scores every node.
    pub percentage_of_nodes_to_score: i32,
    /// NodeResourcesFitArgs.scoringStrategy.
    pub scoring_strategy: ScoringStrategy,
    /// InterPodAffinityArgs.hardPodAffinityWeight (default 1).
    pub hard_pod_affinity_weight: i64,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            percentage_of_nodes_to_score: 0,
            scoring_strategy: ScoringStrategy::default(),
            hard_pod_affinity_weight: 1,
        }
    }
}

impl Config {
    /// A configuration that filters and scores every node (`percentageOfNodesToScore: 100`).
    pub fn score_all_nodes() -> Config {
        Config {
            percentage_of_nodes_to_score: 100,
            ..Config::default()
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum StrategyType {
    #[default]
    LeastAllocated,
    MostAllocated,
    RequestedToCapacityRatio,
}

/// `ScoringStrategy{type, resources, requestedToCapacityRatio}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ScoringStrategy {
    #[serde(rename = "type")]
    pub kind: StrategyType,
    pub resources: Vec<ResourceSpec>,
    pub requested_to_capacity_ratio: RequestedToCapacityRatio,
}

impl Default for ScoringStrategy {
    fn default() -> ScoringStrategy {
        ScoringStrategy {
            kind: StrategyType::LeastAllocated,
            resources: vec![
                ResourceSpec {
                    name: "cpu".into(),
                    weight: 1,
                },
                ResourceSpec {
                    name: "memory".into(),
                    weight: 1,
                },
            ],
            requested_to_capacity_ratio: RequestedToCapacityRatio::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceSpec {
    pub name: String,
    pub weight: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RequestedToCapacityRatio {
    pub shape: Vec<UtilizationShapePoint>,
}

impl Default for RequestedToCapacityRatio {
    /// Upstream's defaulting: `{0, 10}, {100, 0}` (which behaves like LeastAllocated).
    fn default() -> Self {
        RequestedToCapacityRatio {
            shape: vec![
                UtilizationShapePoint {
                    utilization: 0,
                    score: 10,
                },
                UtilizationShapePoint {
                    utilization: 100,
                    score: 0,
                },
            ],
        }
    }
}

/// A point of the broken-linear shape: utilization 0..=100, score 0..=10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UtilizationShapePoint {
    pub utilization: i64,
    pub score: i64,
}
