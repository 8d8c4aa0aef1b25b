//! `cargo xtask <task>`: lite3's project automation, in Rust so it runs the same everywhere.
//! One module per task; this file only dispatches.
#![forbid(unsafe_code)]

mod bindings;
mod cmd;
mod libclang;

use std::process::ExitCode;

const TASKS: &str = "\
usage: cargo xtask <task> [options]

tasks:
  bindings [--check] [--system-header PATH]
        regenerate the committed bindgen output in crates/lite3-sys/src/bindings/
        (--check: fail if it is stale instead of writing)";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let result = match args.next().as_deref() {
        Some("bindings") => bindings::run(args.collect()),
        None | Some("help" | "-h" | "--help") => {
            println!("{TASKS}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown task {other:?}\n\n{TASKS}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}
