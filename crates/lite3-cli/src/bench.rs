//! `lite3 bench [--rows N] [--db PATH]`: the standard workloads W1–W4, exactly as specified for
//! every implementation (same SQL, same id sequence, same checksums), through lite3's safe API
//! used the way a performance-minded user would.

use crate::Error;
use lite3::Connection;
use std::fmt::Write as _;
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
    // To measure what counting C allocations costs, run once with and once without it.
    if std::env::var_os("LITE3_NO_MEMORY_COUNTING").is_some() {
        lite3::disable_memory_counting();
    }
    let n = args.rows.max(1);
    let path = args
        .db
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join("bench.db"));
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let mut conn = Connection::open(&path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "OFF")?;
    let mut options = Vec::new();
    conn.pragma(None, "compile_options", None, |row| {
        options.push(row.get::<_, String>(0)?);
        Ok(())
    })?;
    writeln!(
        std::io::stdout(),
        "# sqlite {} {}",
        lite3::sqlite_version(),
        options.join(" ")
    )?;
    conn.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL NOT NULL, data BLOB NOT NULL)", ())?;

    let mut rates = Vec::new();
    let mut report = |number: u32,
                      name: &'static str,
                      work: &mut dyn FnMut() -> lite3::Result<u64>|
     -> Result<(), Error> {
        let start = Instant::now();
        let checksum = work()?;
        let seconds = start.elapsed().as_secs_f64();
        writeln!(
            std::io::stdout(),
            "W{number} {name} {:.1} {checksum}",
            seconds * 1000.0
        )?;
        rates.push((number, name, n as f64 / seconds.max(1e-9)));
        Ok(())
    };
    report(1, "insert", &mut || insert(&mut conn, n))?;
    report(2, "point_select", &mut || point_select(&conn, n))?;
    report(3, "scan", &mut || scan(&conn))?;
    report(4, "tiny_query", &mut || tiny_query(&conn, n))?;
    for (number, name, rate) in rates {
        writeln!(std::io::stdout(), "# W{number} {name}: {rate:.0} rows/s")?;
    }
    match lite3::memory() {
        Some(m) => writeln!(
            std::io::stdout(),
            "# C memory high-water: {} bytes",
            m.high_water
        )?,
        None => writeln!(std::io::stdout(), "# C memory: not counted")?,
    }
    drop(conn);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    Ok(())
}

/// W1: one transaction, one prepared INSERT, N rows.
#[inline(never)] // its own symbol, so profilers can attribute the workload
fn insert(conn: &mut Connection, n: u64) -> lite3::Result<u64> {
    let tx = conn.transaction()?;
    {
        let mut stmt = tx.prepare("INSERT INTO t(id,name,score,data) VALUES(?1,?2,?3,?4)")?;
        let mut name = String::with_capacity(16);
        let mut data = [0u8; 16];
        for i in 1..=n {
            name.clear();
            let _ = write!(name, "name-{i:08}");
            for (k, byte) in data.iter_mut().enumerate() {
                *byte = (i + k as u64) as u8;
            }
            stmt.execute((i as i64, name.as_str(), i as f64 * 0.5, &data[..]))?;
        }
    }
    tx.commit()?;
    Ok(n)
}

/// W2: N point selects at ids from the specified LCG; the name is read without copying.
#[inline(never)] // its own symbol, so profilers can attribute the workload
fn point_select(conn: &Connection, n: u64) -> lite3::Result<u64> {
    let mut stmt = conn.prepare("SELECT name, score FROM t WHERE id=?1")?;
    let (mut x, mut checksum) = (1u64, 0u64);
    for _ in 0..n {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let id = ((x >> 33) % n + 1) as i64;
        checksum = checksum.wrapping_add(stmt.query_row((id,), |row| {
            let name: &str = row.get(0)?;
            let score: f64 = row.get(1)?;
            Ok(name.len() as u64 + score.floor() as u64)
        })?);
    }
    Ok(checksum)
}

/// W3: one pass over every row, text and blob borrowed.
#[inline(never)] // its own symbol, so profilers can attribute the workload
fn scan(conn: &Connection) -> lite3::Result<u64> {
    let mut stmt = conn.prepare("SELECT id, name, score, data FROM t")?;
    let mut rows = stmt.query(())?;
    let mut checksum = 0u64;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        let name: &str = row.get(1)?;
        let score: f64 = row.get(2)?;
        let data: &[u8] = row.get(3)?;
        checksum = checksum
            .wrapping_add(id as u64)
            .wrapping_add(name.len() as u64)
            .wrapping_add(score.floor() as u64)
            .wrapping_add(u64::from(data.first().copied().unwrap_or(0)));
    }
    Ok(checksum)
}

/// W4: N runs of `SELECT ?1`.
#[inline(never)] // its own symbol, so profilers can attribute the workload
fn tiny_query(conn: &Connection, n: u64) -> lite3::Result<u64> {
    let mut stmt = conn.prepare("SELECT ?1")?;
    let mut checksum = 0u64;
    for i in 1..=n {
        checksum =
            checksum.wrapping_add(stmt.query_row((i as i64,), |row| row.get::<_, i64>(0))? as u64);
    }
    Ok(checksum)
}
