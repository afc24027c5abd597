//! The Kubernetes API types: kinds, object access, quantities, resources and selectors.
pub mod base64;
pub mod condition;
pub mod cron;
pub mod duration;
pub mod gojson;
pub mod kinds;
pub mod network_policy;
pub mod node_labels;
pub mod object;
pub mod pod;
pub mod quantity;
pub mod resource_list;
pub mod resources;
pub mod schema;
pub mod selector;
pub mod sha256;
pub mod value;
pub mod volume;

pub use kinds::KindInfo;
pub use object::Object;
pub use quantity::Quantity;
pub use resources::Resources;
pub use selector::{FieldSelector, Selector};
pub use value::{Map, Value};
