//! `lite3`: query SQLite databases from the shell, through the safe `lite3` API only.
#![forbid(unsafe_code)]

mod query;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "lite3",
    version,
    about = "Query SQLite databases (lite3, a Rust binding to SQLite)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run one SQL statement with bound parameters and print its rows as a table.
    Query(query::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Query(args) => query::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("lite3: {error}");
            ExitCode::FAILURE
        }
    }
}
