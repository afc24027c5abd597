//! kplane: a Kubernetes-like control plane in pure Rust, on a virtual clock.
//!
//! ```
//! use kplane::{ControlPlane, Options, ApplyOptions};
//! let mut cp = ControlPlane::new(Options { seed: 1, ..Default::default() }).unwrap();
//! cp.apply("root", "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nstatus: {capacity: {cpu: '4', memory: 8Gi, pods: '110'}}\n", &ApplyOptions::default()).unwrap();
//! cp.advance(10.0).unwrap();
//! assert_eq!(cp.nodes().len(), 1);
//! ```
#![forbid(unsafe_code)]

pub mod api;
pub mod cloud;
mod control_plane;
pub mod controllers;
pub mod kubectl;
pub mod kubelet;
pub mod metrics;
pub mod rest;
pub mod runtime;
pub mod scheduler;
pub mod server;
pub mod sim;
pub mod store;
pub mod tenancy;

pub use control_plane::{
    AppliedObject, ApplyMode, ApplyOptions, ApplyResult, AsUser, ControlPlane, DeleteOptions,
    DirectionReport, DocumentError, FieldValidation, KubectlContext, KubectlOutput, ListOptions,
    LogOptions, NodeSummary, ObjectRef, Options, PodSummary, Reachability, ReachabilityMatrix,
    Settled, WatchEvent, WatchOptions, DEFAULT_SETTLE_SECONDS, DEFAULT_WRITES_PER_CALL,
};
pub use kubelet::volumes::VolumeLifetime;
pub use runtime::{Action, Controller};
pub use server::patch::PatchType;
pub use server::rbac::UserInfo;
pub use server::status::{Status, StatusCause, StatusDetails};
pub use server::{Outcome, Propagation};
