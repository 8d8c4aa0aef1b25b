//! `lite3 tables DB` and `lite3 schema DB [TABLE]`: what a database holds, read from
//! `sqlite_schema`. The shell's `.tables` and `.schema` print the same.

use crate::Error;
use crate::database;
use crate::export::quote_identifier;
use crate::output::{self, BlobEncoding, Format};
use lite3::{Connection, ValueRef};
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args)]
pub(crate) struct TablesArgs {
    /// Database file (opened read-only; it must exist).
    pub(crate) db: PathBuf,
    /// Also count each table's rows (reads every table).
    #[arg(long)]
    counts: bool,
    /// List views too.
    #[arg(long)]
    views: bool,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t)]
    format: Format,
    #[command(flatten)]
    wait: database::Wait,
}

#[derive(clap::Args)]
pub(crate) struct SchemaArgs {
    /// Database file (opened read-only; it must exist).
    pub(crate) db: PathBuf,
    /// Only this table (or view) and its indexes and triggers; any case.
    table: Option<String>,
    #[command(flatten)]
    wait: database::Wait,
}

pub(crate) fn run_tables(args: &TablesArgs) -> Result<(), Error> {
    let conn = database::open_existing(&args.db, &args.wait)?;
    let out = Box::new(std::io::stdout().lock());
    let mut sink = output::sink(args.format, BlobEncoding::Hex, out);
    write_tables(&conn, sink.as_mut(), args.counts, args.views)
}

pub(crate) fn run_schema(args: &SchemaArgs) -> Result<(), Error> {
    let conn = database::open_existing(&args.db, &args.wait)?;
    let mut out = std::io::stdout().lock();
    write_schema(&conn, &mut out, args.table.as_deref())?;
    out.flush()?;
    Ok(())
}

/// Tables (and with `views`, views) other than SQLite's own, by name; with `counts`, their rows.
pub(crate) fn write_tables(
    conn: &Connection,
    sink: &mut dyn output::Sink,
    counts: bool,
    views: bool,
) -> Result<(), Error> {
    let mut names = Vec::new();
    conn.prepare(
        "SELECT name, type FROM sqlite_schema \
         WHERE (type = 'table' OR (type = 'view' AND ?1)) AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
         ORDER BY name",
    )?
    .query_map((views,), |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))?
    .try_for_each(|r| r.map(|named| names.push(named)))?;
    let mut header = vec!["name".to_owned()];
    if views {
        header.push("type".to_owned());
    }
    if counts {
        header.push("rows".to_owned());
    }
    sink.header(&header)?;
    for (name, kind) in &names {
        let mut row = vec![ValueRef::Text(name.as_bytes())];
        if views {
            row.push(ValueRef::Text(kind.as_bytes()));
        }
        if counts {
            let sql = format!("SELECT count(*) FROM {}", quote_identifier(name));
            row.push(ValueRef::Integer(conn.query_row(&sql, (), |r| r.get(0))?));
        }
        sink.row(&row)?;
    }
    sink.finish()?;
    Ok(())
}

/// The CREATE statements of the database (tables first, then indexes, triggers and views, each
/// in creation order), or of one table or view and its indexes and triggers.
pub(crate) fn write_schema(
    conn: &Connection,
    out: &mut dyn Write,
    table: Option<&str>,
) -> Result<(), Error> {
    let mut stmt = conn.prepare(
        "SELECT sql FROM sqlite_schema \
         WHERE sql IS NOT NULL AND (?1 IS NULL OR tbl_name = ?1 COLLATE NOCASE) \
         ORDER BY type <> 'table', rowid",
    )?;
    let mut rows = stmt.query((table,))?;
    let mut found = false;
    while let Some(row) = rows.next()? {
        writeln!(out, "{};", row.get::<_, &str>(0)?)?;
        found = true;
    }
    match table {
        Some(name) if !found => Err(Error::Input(format!("no table or view named {name:?}"))),
        _ => Ok(()),
    }
}
