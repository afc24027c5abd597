//! Output formats: `-o yaml|json|jsonpath=|jsonpath-as-json=|go-template=|custom-columns=|name`.
pub mod custom_columns;
pub mod json;
pub mod jsonpath;
pub mod template;
pub mod yaml;
