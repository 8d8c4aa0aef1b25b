//! `lite3 bench [--rows N] [--db PATH]`: the standard workloads W1–W4, exactly as specified for
//! every implementation (same SQL, same id sequence, same checksums), through lite3's safe API
//! used the way a performance-minded user would.

use crate::{Error, workloads};
use std::io::Write as _;
use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Rows to insert (and point selects, tiny queries to run).
    #[arg(long, default_value_t = 1_000_000)]
    rows: u64,
    /// Database file, deleted first (default: bench.db in the temporary directory).
    #[arg(long)]
    db: Option<PathBuf>,
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
    let mut conn = workloads::create_database(&path)?;
    let mut options = Vec::new();
    conn.pragma(None, "compile_options", None, |row| {
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
