//! Output formats: `-o yaml|json|jsonpath=|jsonpath-as-json=|go-template=|custom-columns=|name`.
pub mod custom_columns;
/// `-o json`: Go's encoding/json ([`crate::api::gojson`]).
pub use crate::api::gojson as json;
pub mod jsonpath;
pub mod template;
pub mod yaml;
