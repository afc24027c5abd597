//! cargo-fuzz target `kubectl`: the body `bodies::kubectl` (core/tests/fuzz/bodies.rs).
#![no_main]

#[path = "../../core/tests/fuzz/bodies.rs"]
mod bodies;

libfuzzer_sys::fuzz_target!(|data: &[u8]| bodies::kubectl(data));
