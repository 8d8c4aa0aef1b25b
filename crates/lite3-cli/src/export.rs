//! `lite3 export DB (TABLE | --sql SQL) --format csv|ndjson|json [--output FILE]`.

use crate::Error;
use crate::output::{self, BlobEncoding, Format};
use lite3::{Connection, OpenFlags};
use std::io::{BufWriter, Write};
use std::path::PathBuf;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Database file.
    db: PathBuf,
    /// Table to export (all columns, in rowid order where there is one).
    #[arg(required_unless_present = "sql", conflicts_with = "sql")]
    table: Option<String>,
    /// A query to export instead of a table.
    #[arg(long)]
    sql: Option<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Csv)]
    format: Format,
    /// How blobs are written.
    #[arg(long, value_enum, default_value_t)]
    blobs: BlobEncoding,
    /// Write to this file instead of standard output.
    #[arg(long, short = 'o')]
    output: Option<PathBuf>,
}

pub(crate) fn run(args: &Args) -> Result<(), Error> {
    let conn = Connection::open_with_flags(&args.db, OpenFlags::READ_ONLY | OpenFlags::URI)?;
    let sql = match (&args.table, &args.sql) {
        (_, Some(sql)) => sql.clone(),
        (Some(table), None) => format!("SELECT * FROM {}", quote_identifier(table)),
        (None, None) => return Err(Error::Input("name a table or pass --sql".into())),
    };
    let mut stmt = conn.prepare(&sql)?;
    let out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(BufWriter::new(std::fs::File::create(path)?)),
        None => Box::new(BufWriter::new(std::io::stdout().lock())),
    };
    let mut sink = output::sink(args.format, args.blobs, out);
    let rows = output::write_rows(&mut stmt, (), sink.as_mut())?;
    if let Some(path) = &args.output {
        eprintln!("exported {rows} row(s) to {}", path.display());
    }
    Ok(())
}

/// `"name"`, with embedded quotes doubled: a table name is never spliced into SQL unquoted.
pub(crate) fn quote_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
