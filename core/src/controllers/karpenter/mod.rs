//! Karpenter v1 (kubernetes-sigs/karpenter v1.13.0, with karpenter-provider-aws v1.13.0 for
//! the EC2 parts): the pure building blocks (requirements, instance types and offerings,
//! disruption budgets and costs, the API objects) and the controllers that use them, run as
//! one control loop ([`Karpenter`]).
pub mod apis;
pub mod billing;
pub mod budget;
pub mod cluster;
pub mod controller;
pub mod cost;
pub mod disruption;
pub mod explain;
pub mod lifecycle;
pub mod nodeclaims;
pub mod nodepool;
pub mod offering;
pub mod pods;
pub mod provisioner;
pub mod requirements;
pub mod resources;
pub mod simulate;
pub mod state;
pub mod termination;

pub use controller::Karpenter;
pub use state::State;
