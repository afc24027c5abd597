//! Karpenter v1 (kubernetes-sigs/karpenter v1.13.0, with karpenter-provider-aws v1.13.0 for
//! the EC2 parts) as pure functions over small plain types: requirements, instance types and
//! offerings, disruption budgets and costs, and the API objects they are read from. No
//! controller lives here; the controllers call these.
pub mod apis;
pub mod budget;
pub mod cost;
pub mod offering;
pub mod requirements;
pub mod resources;
