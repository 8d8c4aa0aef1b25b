//! Fuzz target `import`: see `fuzz/harness/import.rs`.
#![no_main]

#[path = "../harness/import.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
