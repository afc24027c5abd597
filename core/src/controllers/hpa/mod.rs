//! The HorizontalPodAutoscaler's logic (`pkg/controller/podautoscaler`), as pure functions the
//! HPA controller calls on each 15 s sync:
//!
//! - [`spec`] — the `autoscaling/v2` spec, its defaults and validation, and `autoscaling/v1`
//!   conversion;
//! - [`replica_calculator`] — the replica count one metric asks for (tolerance, missing and
//!   unready pods);
//! - [`behavior`] — stabilization windows and scaling policies over the per-HPA [`History`];
//! - [`decision`] — one sync — every metric, the highest proposal, normalization, conditions,
//!   events and the new status;
//! - [`conditions`] — `setConditionInList`;
//! - [`controller`] — the per-key controller that runs a sync every 15 s on kplane's metrics
//!   ([`source`]) and keeps each HPA's history, with [`explain`] recording each decision in
//!   words and numbers.
pub mod behavior;
pub mod conditions;
pub mod controller;
pub mod decision;
pub mod explain;
pub mod replica_calculator;
pub mod source;
pub mod spec;

pub use behavior::History;
pub use controller::HorizontalController;
pub use decision::{decide, ControllerConfig, Decision, HpaEvent, MetricsSource, ScaleInfo};
pub use replica_calculator::{PodInfo, PodMetric, PodMetrics, Tolerances};
pub use spec::HpaSpec;
