//! W1–W4 of the standard workloads (shared/BENCH_SPEC.md) through lite3's safe API, written
//! the way a performance-minded user would. `lite3 bench` times them; the criterion benchmark
//! `crates/lite3-cli/benches/workloads.rs` compiles this file too, so both measure the same code.
//! Each is its own non-inlined function so profilers (and `cargo xtask bench --instructions`)
//! can attribute every instruction to its workload.

use lite3::Connection;
use lite3::encryption::{Cipher, Encryption, Key};
use std::fmt::Write as _;
use std::path::Path;

/// A new database at `path` as the spec sets it up (WAL, synchronous off, the table `t`),
/// encrypted with `cipher` and the benchmark's key when one is given; any earlier one there is
/// removed first.
pub fn create_database(path: &Path, cipher: Option<Cipher>) -> lite3::Result<Connection> {
    remove_database(path);
    let conn = match cipher {
        Some(cipher) => Connection::open_encrypted(path, &bench_key(cipher))?,
        None => Connection::open(path)?,
    };
    conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;")?;
    conn.execute_batch(SCHEMA)?;
    Ok(conn)
}

/// The key an encrypted benchmark database is made with: raw (no key derivation at open), and
/// not secret, since the database holds only generated rows and is deleted after the run.
pub fn bench_key(cipher: Cipher) -> Encryption {
    Encryption::new(Key::raw([0x5a; 32])).cipher(cipher)
}

/// The spec's one table, exactly as SQLite records it in `sqlite_schema`.
pub const SCHEMA: &str = "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL NOT NULL, data BLOB NOT NULL)";

/// Removes the database at `path` with its WAL, shared-memory and journal files.
pub fn remove_database(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// W1: one transaction, one prepared INSERT, N rows.
#[inline(never)] // its own symbol, so profilers can attribute the workload
pub fn insert(conn: &mut Connection, n: u64) -> lite3::Result<u64> {
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
pub fn point_select(conn: &Connection, n: u64) -> lite3::Result<u64> {
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
pub fn scan(conn: &Connection) -> lite3::Result<u64> {
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
pub fn tiny_query(conn: &Connection, n: u64) -> lite3::Result<u64> {
    let mut stmt = conn.prepare("SELECT ?1")?;
    let mut checksum = 0u64;
    for i in 1..=n {
        checksum =
            checksum.wrapping_add(stmt.query_row((i as i64,), |row| row.get::<_, i64>(0))? as u64);
    }
    Ok(checksum)
}
