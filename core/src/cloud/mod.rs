//! The simulated cloud: an EC2 instance-type catalog with prices for one region
//! ([`catalog`]), what EKS nodes of each type look like to Kubernetes ([`eks`]), and the
//! identities the simulated EC2 API hands out ([`provider`]: instance and provider IDs,
//! addresses, node names, AMIs). Pure data and formulas: no clock, no store, no controllers.
pub mod catalog;
pub mod eks;
pub mod provider;

pub use catalog::{CapacityType, InstanceTypeInfo};
pub use eks::{node_shape, node_status_resources, NodeConfig, NodeShape};
