//! CustomResourceDefinitions (`apiextensions.k8s.io/v1`).
pub mod openapi;
pub mod schema;
pub mod values;
