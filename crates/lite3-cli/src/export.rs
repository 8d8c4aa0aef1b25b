//! `lite3 export DB (TABLE | --sql SQL) --format csv|ndjson|json [--output FILE]`.

use crate::Error;
use crate::database;
use crate::output::{self, BlobEncoding, Format};
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Database file.
    pub(crate) db: PathBuf,
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
    /// Write to this file instead of standard output (`-` is standard output). The file is
    /// replaced only when the export succeeded: a failure leaves an existing file as it was.
    #[arg(long, short = 'o')]
    output: Option<PathBuf>,
    #[command(flatten)]
    wait: database::Wait,
}

pub(crate) fn run(args: &Args) -> Result<(), Error> {
    let conn = database::open_existing(&args.db, &args.wait)?;
    let sql = match (&args.table, &args.sql) {
        (_, Some(sql)) => sql.clone(),
        (Some(table), None) => format!("SELECT * FROM {}", quote_identifier(table)),
        (None, None) => return Err(Error::Input("name a table or pass --sql".into())),
    };
    let mut stmt = conn.prepare(&sql)?;
    let Some(path) = args.output.as_ref().filter(|p| p.as_os_str() != "-") else {
        let out = Box::new(BufWriter::new(std::io::stdout().lock()));
        let mut sink = output::sink(args.format, args.blobs, out);
        output::write_rows(&mut stmt, (), sink.as_mut())?;
        return Ok(());
    };
    let rows = replace_file(path, |out| {
        let mut sink = output::sink(args.format, args.blobs, Box::new(out));
        output::write_rows(&mut stmt, (), sink.as_mut())
    })?;
    eprintln!("exported {rows} row(s) to {}", path.display());
    Ok(())
}

/// Writes `path` through `write`, so that it only ever holds a complete export: the data goes to
/// a temporary file beside it, which is synced and renamed over `path` once `write` succeeded.
/// On failure the temporary file is removed and `path` is left as it was.
pub(crate) fn replace_file<T>(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<T, Error>,
) -> Result<T, Error> {
    let name = path
        .file_name()
        .ok_or_else(|| Error::Input(format!("{}: not a file name to export to", path.display())))?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".lite3-export-{}", std::process::id()));
    let temp = path.with_file_name(temp_name);
    let written = (|| {
        let mut out = BufWriter::new(File::create(&temp)?);
        let value = write(&mut out)?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        std::fs::rename(&temp, path)?;
        Ok(value)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written.map_err(|error| match error {
        Error::Io(io) => Error::Input(format!("{}: {io}", path.display())),
        other => other,
    })
}

/// `"name"`, with embedded quotes doubled: a table name is never spliced into SQL unquoted.
pub(crate) fn quote_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
