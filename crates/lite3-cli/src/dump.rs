//! `lite3 dump DB`: SQL text that recreates the database, read in one read transaction so it
//! is one consistent snapshot. Loading it (`lite3 sql NEW.db dump.sql`) gives back every table
//! with the same rows, rowids and exact values (REALs to the bit, text bytes that are not UTF-8,
//! blobs), then the indexes, triggers and views, `sqlite_sequence`, the planner's statistics and
//! the `user_version`/`application_id` headers. Virtual tables are written the way the sqlite3
//! shell writes them: their `sqlite_schema` row, with their shadow tables dumped as tables.

use crate::Error;
use crate::database;
use crate::export::{quote_identifier, replace_file};
use crate::output;
use lite3::{Connection, ValueRef};
use std::io::{BufWriter, Write};
use std::path::PathBuf;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Database file (opened read-only; it must exist).
    pub(crate) db: PathBuf,
    /// Write to this file instead of standard output. The file is replaced only when the dump
    /// succeeded: a failure leaves an existing file as it was.
    #[arg(long, short = 'o')]
    output: Option<PathBuf>,
    #[command(flatten)]
    wait: database::Wait,
}

pub(crate) fn run(args: &Args) -> Result<(), Error> {
    let mut conn = database::open_existing(&args.db, &args.wait)?;
    // One read transaction: every table is read from the same snapshot.
    let snapshot = conn.transaction()?;
    match args.output.as_ref().filter(|p| p.as_os_str() != "-") {
        None => {
            let mut out = BufWriter::new(std::io::stdout().lock());
            write_dump(&snapshot, &mut out)?;
            out.flush()?;
        }
        Some(path) => replace_file(path, |out| write_dump(&snapshot, out))?,
    }
    Ok(())
}

/// One entry of `sqlite_schema`.
struct Object {
    kind: String,
    name: String,
    sql: String,
}

/// Writes the whole database as SQL.
pub(crate) fn write_dump(conn: &Connection, out: &mut dyn Write) -> Result<(), Error> {
    let objects = schema_objects(conn)?;
    let virtual_names = virtual_tables(conn)?;
    // Rows may reference rows of tables that come later: foreign keys are checked by the
    // application's connection, not while loading (this pragma is a no-op inside a transaction,
    // so it comes first).
    writeln!(out, "PRAGMA foreign_keys=OFF;")?;
    writeln!(out, "BEGIN TRANSACTION;")?;
    let mut virtual_tables = Vec::new();
    let mut internal = Vec::new();
    for object in objects.iter().filter(|o| o.kind == "table") {
        if object.name.starts_with("sqlite_") {
            internal.push(object);
        } else if virtual_names.contains(&object.name) {
            virtual_tables.push(object);
        } else {
            writeln!(out, "{};", object.sql)?;
            write_rows(conn, out, &object.name, true)?;
        }
    }
    if !virtual_tables.is_empty() {
        // A virtual table's content lives in its shadow tables, dumped above; its schema row
        // is written directly so that loading does not create the shadow tables a second time.
        writeln!(out, "PRAGMA writable_schema=ON;")?;
        for object in &virtual_tables {
            writeln!(
                out,
                "INSERT INTO sqlite_schema(type,name,tbl_name,rootpage,sql) VALUES('table',{},{},0,{});",
                text_literal(&object.name),
                text_literal(&object.name),
                text_literal(&object.sql)
            )?;
        }
        writeln!(out, "PRAGMA writable_schema=OFF;")?;
    }
    write_internal(conn, out, &internal)?;
    for object in objects.iter().filter(|o| o.kind != "table") {
        writeln!(out, "{};", object.sql)?;
    }
    for header in ["user_version", "application_id"] {
        let value: i64 = conn.pragma_query_value(None, header, |r| r.get(0))?;
        if value != 0 {
            writeln!(out, "PRAGMA {header}={value};")?;
        }
    }
    writeln!(out, "COMMIT;")?;
    Ok(())
}

fn schema_objects(conn: &Connection) -> Result<Vec<Object>, Error> {
    let mut stmt = conn.prepare(
        "SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY rowid",
    )?;
    let objects = stmt
        .query_map((), |r| {
            Ok(Object {
                kind: r.get(0)?,
                name: r.get(1)?,
                sql: r.get(2)?,
            })
        })?
        .collect::<lite3::Result<Vec<_>>>()?;
    Ok(objects)
}

/// The virtual tables of the main database (their shadow tables are ordinary tables).
fn virtual_tables(conn: &Connection) -> Result<Vec<String>, Error> {
    let mut stmt = conn
        .prepare("SELECT name FROM pragma_table_list WHERE type = 'virtual' AND schema = 'main'")?;
    let names = stmt
        .query_map((), |r| r.get(0))?
        .collect::<lite3::Result<Vec<String>>>()?;
    Ok(names)
}

/// `sqlite_sequence` and the planner's statistics: SQLite creates these tables itself, so the
/// dump fills them instead of creating them.
fn write_internal(conn: &Connection, out: &mut dyn Write, tables: &[&Object]) -> Result<(), Error> {
    let has_stats = tables.iter().any(|t| t.name.starts_with("sqlite_stat"));
    if has_stats {
        // Creates the statistics tables (and analyses nothing: sqlite_schema has no indexes).
        writeln!(out, "ANALYZE sqlite_schema;")?;
    }
    for table in tables {
        if table.name == "sqlite_sequence" || table.name.starts_with("sqlite_stat") {
            writeln!(out, "DELETE FROM {};", quote_identifier(&table.name))?;
            write_rows(conn, out, &table.name, false)?;
        }
    }
    Ok(())
}

/// INSERT statements for every row of `table`, with the rowid when `keep_rowid` and the table
/// has one that no column hides. Generated columns are left out (SQLite computes them).
fn write_rows(
    conn: &Connection,
    out: &mut dyn Write,
    table: &str,
    keep_rowid: bool,
) -> Result<(), Error> {
    let mut columns: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_xinfo(?1) WHERE hidden = 0 ORDER BY cid")?
        .query_map((table,), |r| r.get(0))?
        .collect::<lite3::Result<_>>()?;
    let without_rowid: bool = conn
        .prepare("SELECT wr FROM pragma_table_list WHERE name = ?1 AND schema = 'main'")?
        .query_row((table,), |r| r.get(0))?;
    // The rowid goes by the first of its three names that no column has taken.
    let rowid = ["rowid", "_rowid_", "oid"]
        .into_iter()
        .find(|alias| !columns.iter().any(|c| c.eq_ignore_ascii_case(alias)));
    let rowid = rowid.filter(|_| keep_rowid && !without_rowid);
    if let Some(alias) = rowid {
        columns.insert(0, alias.to_owned());
    }
    let list = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i == 0 && rowid.is_some() {
                c.clone()
            } else {
                quote_identifier(c)
            }
        })
        .collect::<Vec<_>>()
        .join(",");
    let select = format!("SELECT {list} FROM {}", quote_identifier(table));
    let insert = format!("INSERT INTO {}({list}) VALUES(", quote_identifier(table));
    let mut stmt = conn.prepare(&select)?;
    let mut rows = stmt.query(())?;
    let mut line = String::new();
    while let Some(row) = rows.next()? {
        line.clear();
        line.push_str(&insert);
        for i in 0..columns.len() {
            if i > 0 {
                line.push(',');
            }
            push_literal(&mut line, row.get_ref(i)?);
        }
        line.push_str(");\n");
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// `value` as an SQL literal that reads back as exactly the same value.
fn push_literal(line: &mut String, value: ValueRef<'_>) {
    match value {
        ValueRef::Null => line.push_str("NULL"),
        ValueRef::Integer(i) => line.push_str(&i.to_string()),
        // SQLite reads 1e999 as infinity; finite REALs in the shortest form that reads back
        // as the same bits, always with a point or an exponent.
        ValueRef::Real(r) if r.is_infinite() => {
            line.push_str(if r > 0.0 { "1e999" } else { "-1e999" });
        }
        ValueRef::Real(r) => line.push_str(&output::real(r)),
        ValueRef::Text(bytes) => match std::str::from_utf8(bytes) {
            Ok(text) if !text.contains('\0') => line.push_str(&text_literal(text)),
            // Bytes an SQL string literal cannot carry: given as a blob and cast back.
            _ => {
                line.push_str("CAST(");
                push_blob(line, bytes);
                line.push_str(" AS TEXT)");
            }
        },
        ValueRef::Blob(bytes) => push_blob(line, bytes),
    }
}

fn push_blob(line: &mut String, bytes: &[u8]) {
    line.push_str("X'");
    line.push_str(&output::BlobEncoding::Hex.encode(bytes));
    line.push('\'');
}

/// `'text'`, with embedded quotes doubled.
fn text_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}
