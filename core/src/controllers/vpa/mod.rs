//! The VerticalPodAutoscaler's logic (kubernetes/autoscaler `vertical-pod-autoscaler`), as pure
//! functions the VPA controller calls:
//!
//! - [`histogram`] — bucketed and decaying histograms (24 h half-life);
//! - [`aggregate`] — per container name, CPU samples and memory peaks per interval, OOM bumps;
//! - [`recommender`] — target (p90), lower (p50) and upper (p95) bounds, 15% margin, confidence
//!   multipliers, per-pod minimums, the resource policy and the status it writes;
//! - [`updater`] — which pods to update and in what order, the eviction limits, and limits kept
//!   proportional to requests;
//! - [`spec`] — the VPA object and its update modes;
//! - [`controller`] — the recommender and updater loops, per key (the admission part is the
//!   server's `admission_vpa` plugin).
pub mod aggregate;
pub mod controller;
pub mod histogram;
pub mod recommender;
pub mod spec;
pub mod updater;

pub use aggregate::{AggregateContainerState, AggregationsConfig, ContainerState, ResourceName};
pub use controller::VpaController;
pub use recommender::{recommend, Recommendation, RecommendationConfig};
pub use spec::{UpdateMode, VpaSpec};
