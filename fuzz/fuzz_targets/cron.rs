//! cargo-fuzz target `cron`: the body `bodies::cron` (core/tests/fuzz/bodies.rs).
#![no_main]

#[path = "../../core/tests/fuzz/bodies.rs"]
mod bodies;

libfuzzer_sys::fuzz_target!(|data: &[u8]| bodies::cron(data));
