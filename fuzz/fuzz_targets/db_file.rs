//! Fuzz target `db_file`: see `fuzz/harness/db_file.rs`.
#![no_main]

#[path = "../harness/db_file.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
