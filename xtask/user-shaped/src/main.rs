//! W1–W4 of the standard workloads (shared/BENCH_SPEC.md) as an application author writes them:
//! every loop in `main`, `prepare_cached`, tuple parameters, `?` on every call, nothing arranged
//! for the benchmark's sake. The only addition is [`workload_boundary`], an empty function that
//! callgrind is told to dump its counts at, so the instructions between two calls are one
//! workload's.
//!
//! usage: user-shaped DB_PATH [N]

use lite3::Connection;
use std::fmt::Write as _;
use std::time::Instant;

fn main() -> lite3::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: user-shaped DB_PATH [N]");
    let n: u64 = args
        .next()
        .map_or(1_000_000, |n| n.parse().expect("N is a number"));
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{path}{suffix}"));
    }

    let mut conn = Connection::open(&path)?;
    conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;")?;
    let version: String = conn.query_row("SELECT sqlite_version()", (), |row| row.get(0))?;
    let mut options = Vec::new();
    {
        let mut stmt = conn.prepare("PRAGMA compile_options")?;
        let mut rows = stmt.query(())?;
        while let Some(row) = rows.next()? {
            options.push(row.get::<_, String>(0)?);
        }
    }
    println!("# sqlite {version} {}", options.join(" "));
    conn.execute_batch(
        "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL NOT NULL, data BLOB NOT NULL)",
    )?;

    // Printed at the end, so no workload's count includes printing another's line.
    let mut results = Vec::with_capacity(4);

    // W1: one transaction, one prepared INSERT, N rows.
    workload_boundary();
    let start = Instant::now();
    let tx = conn.transaction()?;
    {
        let mut insert =
            tx.prepare_cached("INSERT INTO t(id,name,score,data) VALUES(?1,?2,?3,?4)")?;
        let mut name = String::with_capacity(16);
        let mut data = [0u8; 16];
        for i in 1..=n {
            name.clear();
            let _ = write!(name, "name-{i:08}");
            for (k, byte) in data.iter_mut().enumerate() {
                *byte = (i + k as u64) as u8;
            }
            insert.execute((i as i64, name.as_str(), i as f64 * 0.5, &data[..]))?;
        }
    }
    tx.commit()?;
    let elapsed = start.elapsed();
    workload_boundary();
    results.push(("W1 insert", elapsed, n));

    // W2: N point selects at ids from the spec's LCG, the name read without a copy.
    let start = Instant::now();
    let mut checksum = 0u64;
    {
        let mut select = conn.prepare_cached("SELECT name, score FROM t WHERE id=?1")?;
        let mut x = 1u64;
        for _ in 0..n {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let id = ((x >> 33) % n + 1) as i64;
            let (name_len, score) = select.query_row((id,), |row| {
                let name: &str = row.get(0)?;
                Ok((name.len() as u64, row.get::<_, f64>(1)?))
            })?;
            checksum = checksum.wrapping_add(name_len + score.floor() as u64);
        }
    }
    let elapsed = start.elapsed();
    workload_boundary();
    results.push(("W2 point_select", elapsed, checksum));

    // W3: one pass over every row, text and blob borrowed.
    let start = Instant::now();
    let mut checksum = 0u64;
    {
        let mut scan = conn.prepare_cached("SELECT id, name, score, data FROM t")?;
        let mut rows = scan.query(())?;
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
    }
    let elapsed = start.elapsed();
    workload_boundary();
    results.push(("W3 scan", elapsed, checksum));

    // W4: N runs of `SELECT ?1`.
    let start = Instant::now();
    let mut checksum = 0u64;
    {
        let mut tiny = conn.prepare_cached("SELECT ?1")?;
        for i in 1..=n {
            let value: i64 = tiny.query_row((i as i64,), |row| row.get(0))?;
            checksum = checksum.wrapping_add(value as u64);
        }
    }
    let elapsed = start.elapsed();
    workload_boundary();
    results.push(("W4 tiny_query", elapsed, checksum));
    for (workload, elapsed, checksum) in results {
        println!("{workload} {:.1} {checksum}", elapsed.as_secs_f64() * 1e3);
    }
    Ok(())
}

/// Where one workload ends and the next begins: `cargo xtask bench --instructions
/// --user-shaped` runs this program under `valgrind --tool=callgrind
/// --dump-before='*::workload_boundary'`, so each workload's instructions are one dump. Empty and
/// never inlined, so the call stays in the program and costs a handful of instructions.
#[inline(never)]
fn workload_boundary() {
    std::hint::black_box(());
}
