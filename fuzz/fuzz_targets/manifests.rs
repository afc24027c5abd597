//! cargo-fuzz target `manifests`: the body `bodies::manifests` (core/tests/fuzz/bodies.rs).
#![no_main]

#[path = "../../core/tests/fuzz/bodies.rs"]
mod bodies;

libfuzzer_sys::fuzz_target!(|data: &[u8]| bodies::manifests(data));
