//! `lite3 query DB SQL [--param V]…`: parameters are always bound, never spliced into the SQL.

use crate::Error;
use crate::database;
use crate::output::{self, BlobEncoding, Format};
use lite3::{OpenFlags, params_from_iter};
use std::io::Write as _;
use std::path::PathBuf;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Database file (created if missing, unless --read-only).
    pub(crate) db: PathBuf,
    /// One SQL statement; use ?1, ?2, … for the parameters.
    sql: String,
    /// A parameter value, bound as text (repeat for ?1, ?2, …).
    #[arg(long = "param", short = 'p')]
    params: Vec<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t)]
    format: Format,
    /// How blobs are written.
    #[arg(long, value_enum, default_value_t)]
    blobs: BlobEncoding,
    /// Open the database read-only.
    #[arg(long)]
    read_only: bool,
    #[command(flatten)]
    wait: database::Wait,
}

pub(crate) fn run(args: &Args) -> Result<(), Error> {
    let flags = if args.read_only {
        OpenFlags::READ_ONLY | OpenFlags::URI
    } else {
        OpenFlags::default()
    };
    let conn = database::open(&args.db, flags, &args.wait)?;
    let mut stmt = conn.prepare(&args.sql)?;
    if stmt.column_count() == 0 {
        let changed = stmt.execute(params_from_iter(args.params.iter()))?;
        writeln!(std::io::stdout(), "{changed} row(s) changed")?;
        return Ok(());
    }
    let mut sink = output::sink(args.format, args.blobs, Box::new(std::io::stdout().lock()));
    output::write_rows(
        &mut stmt,
        params_from_iter(args.params.iter()),
        sink.as_mut(),
    )?;
    Ok(())
}
