//! Fuzz target `sql`: see `fuzz/harness/sql.rs`.
#![no_main]

#[path = "../harness/sql.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
