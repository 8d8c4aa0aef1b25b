//! The standard workloads W1–W4 (shared/BENCH_SPEC.md in the project notes) through lite3's
//! safe API, written the way a performance-minded user would. Build optimised:
//!
//! `cargo run --release -p lite3 --example workloads -- /tmp/bench.db [N]`
//!
//! Prints `# sqlite <version> <options>` and then `W<n> <name> <elapsed_ms> <checksum>` per
//! workload. `LITE3_NO_MEMORY_COUNTING=1` leaves SQLite's allocations uncounted.

use lite3::Connection;
use std::fmt::Write as _;
use std::time::Instant;

fn main() -> lite3::Result<()> {
    // To measure what counting C allocations costs, run once with and once without it.
    if std::env::var_os("LITE3_NO_MEMORY_COUNTING").is_some() {
        lite3::disable_memory_counting();
    }
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: workloads DB_PATH [N]");
    let n: u64 = args
        .next()
        .map_or(1_000_000, |n| n.parse().expect("N must be a number"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{path}{suffix}"));
    }
    let mut conn = Connection::open(&path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "OFF")?;
    let mut options = Vec::new();
    conn.pragma(None, "compile_options", None, |row| {
        options.push(row.get::<_, String>(0)?);
        Ok(())
    })?;
    println!("# sqlite {} {}", lite3::sqlite_version(), options.join(" "));
    conn.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL NOT NULL, data BLOB NOT NULL)", ())?;

    report(1, "insert", || insert(&mut conn, n))?;
    report(2, "point_select", || point_select(&conn, n))?;
    report(3, "scan", || scan(&conn))?;
    report(4, "tiny_query", || tiny_query(&conn, n))?;
    match lite3::memory() {
        Some(m) => println!(
            "# C memory: high-water {} bytes, {} allocations",
            m.high_water, m.allocations
        ),
        None => println!("# C memory: not counted"),
    }
    Ok(())
}

fn report(
    number: u32,
    name: &str,
    workload: impl FnOnce() -> lite3::Result<u64>,
) -> lite3::Result<()> {
    let start = Instant::now();
    let checksum = workload()?;
    println!(
        "W{number} {name} {:.1} {checksum}",
        start.elapsed().as_secs_f64() * 1000.0
    );
    Ok(())
}

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
            .wrapping_add(u64::from(data[0]));
    }
    Ok(checksum)
}

fn tiny_query(conn: &Connection, n: u64) -> lite3::Result<u64> {
    let mut stmt = conn.prepare("SELECT ?1")?;
    let mut checksum = 0u64;
    for i in 1..=n {
        checksum =
            checksum.wrapping_add(stmt.query_row((i as i64,), |row| row.get::<_, i64>(0))? as u64);
    }
    Ok(checksum)
}
