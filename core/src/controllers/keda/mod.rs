//! KEDA (kedacore/keda) as pure functions the ScaledObject and ScaledJob controllers call each
//! polling interval:
//!
//! - [`spec`] — ScaledObject and ScaledJob, their defaults, annotations and admission checks;
//! - [`scalers`] — the triggers (cpu, memory, cron, aws-sqs-queue, rabbitmq, kafka, redis,
//!   prometheus) on simulated readings: metric names, targets, values and activation;
//! - [`hpa`] — the `keda-hpa-<name>` HorizontalPodAutoscaler;
//! - [`controller`] — the operator: ScaledObjects (their HPA, activation every poll) and
//!   ScaledJobs (their Jobs), per key;
//! - [`adapter`] — KEDA's metrics adapter: the external metrics the generated HPA reads;
//! - [`executor`] — activation and deactivation (cooldown, idle replicas, pauses), fallback, and
//!   the Jobs a ScaledJob creates.
pub mod adapter;
pub mod controller;
pub mod executor;
pub mod hpa;
pub mod scalers;
pub mod spec;

pub use controller::KedaOperator;
pub use executor::{activity, request_scale, Activity, ScaleDecision};
pub use hpa::build_hpa;
pub use scalers::{Observation, QueueObservation, Scaler, ScalerMetric, Source};
pub use spec::{ScaledJob, ScaledObject};
