//! `lite3`: import, query, export, benchmark and inspect SQLite databases, through the safe
//! `lite3` API only.
#![forbid(unsafe_code)]

mod bench;
mod database;
mod error;
mod export;
mod import;
mod input;
mod line_numbers;
mod numbers;
mod output;
mod query;
mod quotes;
mod stats;
mod workloads;

pub(crate) use error::Error;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "lite3",
    version,
    about = "Import, query, export and benchmark SQLite databases (lite3)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import CSV or NDJSON into a table (created if missing); all-or-nothing.
    Import(import::Args),
    /// Run one SQL statement with bound parameters and print its rows.
    Query(query::Args),
    /// Write a table or a query's rows as CSV, JSON or NDJSON.
    Export(export::Args),
    /// Run the standard workloads W1–W4 and print timings and checksums.
    Bench(bench::Args),
    /// Show the SQLite version and options, the file's layout and memory figures.
    Stats(stats::Args),
}

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let result = match cli.command {
        Command::Import(args) => import::run(&args).map_err(|e| database::at(&args.db, e)),
        Command::Query(args) => {
            let subcommand = matches.subcommand_matches("query");
            let params = subcommand.map_or_else(Vec::new, |m| query::parameters(&args, m));
            query::run(&args, &params).map_err(|e| database::at(&args.db, e))
        }
        Command::Export(args) => export::run(&args).map_err(|e| database::at(&args.db, e)),
        Command::Bench(args) => bench::run(&args),
        Command::Stats(args) => stats::run(&args).map_err(|e| database::at(&args.db, e)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`lite3 export ... | head`): nobody is left to tell.
        Err(Error::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("lite3: {error}");
            ExitCode::FAILURE
        }
    }
}
