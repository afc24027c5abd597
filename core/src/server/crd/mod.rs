//! CustomResourceDefinitions (`apiextensions.k8s.io/v1`).
pub mod coerce;
pub mod definition;
pub mod openapi;
pub mod schema;
pub mod values;
