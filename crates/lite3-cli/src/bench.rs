//! `lite3 bench [--rows N] [--db PATH]`: the standard workloads W1–W4, exactly as specified for
//! every implementation (same SQL, same id sequence, same checksums), through lite3's safe API
//! used the way a performance-minded user would.

use crate::{Error, workloads};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Rows to insert (and point selects, tiny queries to run).
    #[arg(long, default_value_t = 1_000_000)]
    rows: u64,
    /// Database file, created for the run and deleted after it (default: bench.db in the
    /// temporary directory). An existing file is replaced only if it is a benchmark database
    /// (its one table is the benchmark's), or with --overwrite.
    #[arg(long)]
    db: Option<PathBuf>,
    /// Replace the --db file even if it is not a benchmark database.
    #[arg(long)]
    overwrite: bool,
    /// Encrypt the benchmark database with this cipher (and a fixed raw key: the rows are
    /// generated and the file is deleted after): chacha20, sqlcipher, aes256cbc, aes128cbc,
    /// ascon128, aegis.
    #[arg(long, value_name = "NAME", value_parser = cipher)]
    cipher: Option<lite3::encryption::Cipher>,
}

fn cipher(name: &str) -> Result<lite3::encryption::Cipher, String> {
    lite3::encryption::Cipher::from_name(name).ok_or_else(|| format!("unknown cipher {name:?}"))
}

pub(crate) fn run(args: &Args) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    // To measure what counting C allocations costs, run once with and once without it.
    if std::env::var_os("LITE3_NO_MEMORY_COUNTING").is_some() {
        lite3::disable_memory_counting();
    }
    let n = args.rows.max(1);
    let path = args
        .db
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join("bench.db"));
    if !args.overwrite {
        refuse_to_replace_other_files(&path, args.cipher)?;
    }
    let mut conn = workloads::create_database(&path, args.cipher)?;
    let mut options = Vec::new();
    conn.pragma_query(None, "compile_options", |row| {
        options.push(row.get::<_, String>(0)?);
        Ok(())
    })?;
    writeln!(
        out,
        "# sqlite {} {}",
        lite3::sqlite_version(),
        options.join(" ")
    )?;

    let mut rates = Vec::new();
    let mut report = |number: u32,
                      name: &'static str,
                      work: &mut dyn FnMut() -> lite3::Result<u64>|
     -> Result<(), Error> {
        let start = Instant::now();
        let checksum = work()?;
        let seconds = start.elapsed().as_secs_f64();
        writeln!(out, "W{number} {name} {:.1} {checksum}", seconds * 1000.0)?;
        rates.push((number, name, n as f64 / seconds.max(1e-9)));
        Ok(())
    };
    report(1, "insert", &mut || workloads::insert(&mut conn, n))?;
    report(2, "point_select", &mut || workloads::point_select(&conn, n))?;
    report(3, "scan", &mut || workloads::scan(&conn))?;
    report(4, "tiny_query", &mut || workloads::tiny_query(&conn, n))?;
    for (number, name, rate) in rates {
        writeln!(out, "# W{number} {name}: {rate:.0} rows/s")?;
    }
    match lite3::memory() {
        Some(m) => writeln!(out, "# C memory high-water: {} bytes", m.high_water)?,
        None => writeln!(out, "# C memory: not counted")?,
    }
    drop(conn);
    workloads::remove_database(&path);
    Ok(())
}

/// The benchmark deletes its database before and after the run: an existing file there must be
/// one it made (a database whose only table is the benchmark's), never a user's data.
fn refuse_to_replace_other_files(
    path: &Path,
    cipher: Option<lite3::encryption::Cipher>,
) -> Result<(), Error> {
    if !path.exists() {
        return Ok(());
    }
    let refuse = || {
        Error::Input(format!(
            "{}: the file exists and is not a benchmark database; lite3 bench would delete it. \
             Choose another --db, or pass --overwrite to replace it",
            path.display()
        ))
    };
    let flags = lite3::OpenFlags::READ_ONLY | lite3::OpenFlags::URI;
    // A benchmark database left by an encrypted run opens with the benchmark's key.
    let opened = lite3::Connection::open_with_flags(path, flags).or_else(|e| match cipher {
        Some(cipher) => {
            lite3::Connection::open_encrypted_with_flags(path, flags, &workloads::bench_key(cipher))
        }
        None => Err(e),
    });
    let Ok(conn) = opened else {
        return Err(refuse());
    };
    let schema: lite3::Result<Vec<String>> = conn
        .prepare("SELECT sql FROM sqlite_schema")
        .and_then(|mut stmt| stmt.query_map((), |row| row.get(0))?.collect());
    match schema {
        Ok(schema) if schema == [workloads::SCHEMA] => Ok(()),
        _ => Err(refuse()),
    }
}
