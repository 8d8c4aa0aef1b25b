//! `lite3 stats DB`: what SQLite is in use, how the database file looks, and what the connection
//! and the C heap hold after opening it.

use crate::Error;
use crate::database;
use std::io::Write as _;
use std::path::PathBuf;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Database file (opened read-only).
    pub(crate) db: PathBuf,
    #[command(flatten)]
    wait: database::Wait,
}

pub(crate) fn run(args: &Args) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    let conn = database::open_existing(&args.db, &args.wait)?;
    let source = if lite3::ffi::build_info::VENDORED {
        "vendored"
    } else {
        "system"
    };
    writeln!(
        out,
        "sqlite version     {} ({source})",
        lite3::sqlite_version()
    )?;
    let mut options = Vec::new();
    conn.pragma_query(None, "compile_options", |row| {
        options.push(row.get::<_, String>(0)?);
        Ok(())
    })?;
    writeln!(out, "compile options    {}", options.join(" "))?;
    let pragma =
        |name: &str| conn.pragma_query_value(None, name, |row| Ok(row.get_ref(0)?.to_owned()));
    let int = |name: &str| -> Result<i64, Error> {
        match pragma(name)? {
            lite3::Value::Integer(i) => Ok(i),
            other => Err(Error::Input(format!("PRAGMA {name} returned {other:?}"))),
        }
    };
    let (pages, page_size) = (int("page_count")?, int("page_size")?);
    writeln!(out, "page size          {page_size} bytes")?;
    writeln!(
        out,
        "page count         {pages} ({} bytes)",
        pages * page_size
    )?;
    writeln!(out, "free pages         {}", int("freelist_count")?)?;
    if let lite3::Value::Text(mode) = pragma("journal_mode")? {
        writeln!(out, "journal mode       {mode}")?;
    }
    let cipher = match conn.cipher()? {
        None => "none (plaintext)".to_owned(),
        Some(lite3::encryption::Cipher::SqlCipher { version }) => format!("sqlcipher{version}"),
        Some(cipher) => cipher.name().to_owned(),
    };
    writeln!(out, "cipher             {cipher}")?;
    let tables: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table'",
        (),
        |r| r.get(0),
    )?;
    writeln!(out, "tables             {tables}")?;
    let status = conn.status();
    writeln!(
        out,
        "connection         cache {} bytes (hits {}, misses {}, writes {}), schema {} bytes, statements {} bytes, lookaside {} (peak {})",
        status.cache_used,
        status.cache_hit,
        status.cache_miss,
        status.cache_write,
        status.schema_used,
        status.stmt_used,
        status.lookaside_used,
        status.lookaside_high_water
    )?;
    match lite3::memory() {
        Some(m) => writeln!(
            out,
            "C memory           {} bytes in use, high-water {} bytes, {} allocations, {} frees",
            m.bytes_in_use, m.high_water, m.allocations, m.frees
        )?,
        None => writeln!(
            out,
            "C memory           not counted (SQLite was initialised before lite3)"
        )?,
    }
    Ok(())
}
