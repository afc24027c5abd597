//! cargo-fuzz target `quantity`: the body `bodies::quantity` (core/tests/fuzz/bodies.rs).
#![no_main]

#[path = "../../core/tests/fuzz/bodies.rs"]
mod bodies;

libfuzzer_sys::fuzz_target!(|data: &[u8]| bodies::quantity(data));
