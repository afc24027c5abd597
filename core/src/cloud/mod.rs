//! The simulated cloud: an EC2 instance-type catalog with prices for one region
//! ([`catalog`]), and what EKS nodes of each type look like to Kubernetes ([`eks`]).
//! Pure data and formulas: no clock, no store, no controllers.
pub mod catalog;
pub mod eks;

pub use catalog::{CapacityType, InstanceTypeInfo};
pub use eks::{node_shape, node_status_resources, NodeConfig, NodeShape};
