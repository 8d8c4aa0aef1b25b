//! `lite3`: import, query, export, benchmark and inspect SQLite databases, through the safe
//! `lite3` API only.
//!
//! The library is the whole command as one function, [`run`], for the binary and for tests
//! and fuzz targets that drive the command in process; it is not an API of its own.
#![forbid(unsafe_code)]

mod backup;
mod bench;
mod check;
mod database;
mod dump;
mod error;
mod export;
mod import;
mod input;
mod keys;
mod line_numbers;
mod numbers;
mod output;
mod query;
mod quotes;
mod schema;
mod script;
mod shell;
mod sql;
mod stats;
mod workloads;

pub(crate) use error::Error;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "lite3",
    version,
    about = "Import, query, export, inspect and benchmark SQLite databases (lite3)"
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
    /// Run a script of SQL statements from a file or standard input (--atomic: all or nothing).
    Sql(sql::Args),
    /// An interactive SQL prompt with line editing, history and multi-line statements.
    Shell(shell::Args),
    /// Write a table or a query's rows as CSV, JSON or NDJSON.
    Export(export::Args),
    /// List the tables (and with --views, the views), optionally with row counts.
    Tables(schema::TablesArgs),
    /// Print the CREATE statements of the database or of one table.
    Schema(schema::SchemaArgs),
    /// Write SQL text that recreates the database (load it with `lite3 sql NEW.db FILE`).
    Dump(dump::Args),
    /// Check the database's integrity and foreign keys. Exit status: 0 no problems found,
    /// 2 problems found (listed), 1 the database could not be checked.
    Check(check::Args),
    /// Copy a database online to a new file (written beside it, renamed when complete).
    Backup(backup::BackupArgs),
    /// Replace a database's content with a backup's, in one transaction.
    Restore(backup::RestoreArgs),
    /// Encrypt a plaintext database in place with the key of --key-file or LITE3_KEY.
    Encrypt(keys::EncryptArgs),
    /// Decrypt an encrypted database in place, leaving a plaintext file.
    Decrypt(keys::DecryptArgs),
    /// Change an encrypted database's key (the new one from --new-key-file or LITE3_NEW_KEY).
    Rekey(keys::RekeyArgs),
    /// Run the standard workloads W1–W4 and print timings and checksums.
    Bench(bench::Args),
    /// Show the SQLite version and options, the file's layout and memory figures.
    Stats(stats::Args),
}

/// Runs the `lite3` command with `args` (the first is the program name), as the binary does
/// with its own arguments: what it prints, its exit code. Invalid arguments print clap's
/// message and exit the process, as the binary does.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let matches = Cli::command().get_matches_from(args);
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let result = match cli.command {
        Command::Import(args) => import::run(&args).map_err(|e| database::at(&args.db, e)),
        Command::Query(args) => {
            let subcommand = matches.subcommand_matches("query");
            let params = subcommand.map_or_else(Vec::new, |m| query::parameters(&args, m));
            query::run(&args, &params).map_err(|e| database::at(&args.db, e))
        }
        Command::Sql(args) => sql::run(&args).map_err(|e| database::at(&args.db, e)),
        Command::Shell(args) => match shell::run(&args) {
            // Each failure was reported as it happened.
            Ok(false) => return ExitCode::FAILURE,
            other => other.map(drop).map_err(|e| database::at(&args.db, e)),
        },
        Command::Export(args) => export::run(&args).map_err(|e| database::at(&args.db, e)),
        Command::Tables(args) => schema::run_tables(&args).map_err(|e| database::at(&args.db, e)),
        Command::Schema(args) => schema::run_schema(&args).map_err(|e| database::at(&args.db, e)),
        Command::Dump(args) => dump::run(&args).map_err(|e| database::at(&args.db, e)),
        Command::Check(args) => match check::run(&args) {
            Ok(check::Verdict::Problems) => return ExitCode::from(2),
            other => other.map(drop).map_err(|e| database::at(&args.db, e)),
        },
        Command::Backup(args) => backup::run_backup(&args),
        Command::Restore(args) => backup::run_restore(&args),
        Command::Encrypt(args) => keys::run_encrypt(&args).map_err(|e| database::at(&args.db, e)),
        Command::Decrypt(args) => keys::run_decrypt(&args).map_err(|e| database::at(&args.db, e)),
        Command::Rekey(args) => keys::run_rekey(&args).map_err(|e| database::at(&args.db, e)),
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
