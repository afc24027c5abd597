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
//! - [`conditions`] — `setConditionInList`.
pub mod behavior;
pub mod conditions;
pub mod decision;
pub mod replica_calculator;
pub mod spec;

pub use behavior::History;
pub use decision::{decide, ControllerConfig, Decision, HpaEvent, MetricsSource, ScaleInfo};
pub use replica_calculator::{PodInfo, PodMetric, PodMetrics, Tolerances};
pub use spec::HpaSpec;
