//! The `lite3` binary: the command lives in the library (`lite3_cli::run`).
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    lite3_cli::run(std::env::args_os())
}
