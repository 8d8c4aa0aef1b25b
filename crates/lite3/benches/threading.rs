//! Throughput of the thread-safety models (figures, not pass/fail):
//! - Pool read throughput with 1, 2, 4 and 8 reader threads running W2 point selects on a
//!   1,000,000-row table (shared/BENCH_SPEC.md's schema and id sequence);
//! - Worker call overhead per call against the same query on a connection owned by the caller.
//!
//! `cargo bench -p lite3 --bench threading` (LITE3_BENCH_ROWS overrides the row count).

use criterion::{Criterion, criterion_group, criterion_main};
use lite3::{Connection, Worker};
use std::time::Duration;

#[cfg(not(feature = "single-thread"))]
mod pool_bench {
    use criterion::{BenchmarkId, Criterion, Throughput};
    use lite3::{Connection, Pool};
    use std::hint::black_box;
    use std::path::{Path, PathBuf};
    use std::time::{Duration, Instant};

    fn rows() -> u64 {
        std::env::var("LITE3_BENCH_ROWS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(1_000_000)
    }

    /// The W1 table, built once per run.
    fn build_table(path: &Path, n: u64) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        let mut conn = Connection::open(path).unwrap();
        conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL NOT NULL, data BLOB NOT NULL);").unwrap();
        let tx = conn.transaction().unwrap();
        {
            let mut insert = tx
                .prepare("INSERT INTO t(id,name,score,data) VALUES(?1,?2,?3,?4)")
                .unwrap();
            for i in 1..=n {
                let data: Vec<u8> = (0..16).map(|k| (i + k) as u8).collect();
                insert
                    .execute((i as i64, format!("name-{i:08}"), i as f64 * 0.5, data))
                    .unwrap();
            }
        }
        tx.commit().unwrap();
    }

    /// W2: `count` point selects from the LCG sequence starting at `seed`.
    fn point_selects(conn: &Connection, n: u64, seed: u64, count: u64) -> u64 {
        let mut stmt = conn
            .prepare_cached("SELECT name, score FROM t WHERE id=?1")
            .unwrap();
        let (mut x, mut checksum) = (seed, 0u64);
        for _ in 0..count {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let id = ((x >> 33) % n + 1) as i64;
            checksum = checksum.wrapping_add(
                stmt.query_row((id,), |row| {
                    Ok(row.get::<_, &str>(0)?.len() as u64 + row.get::<_, f64>(1)? as u64)
                })
                .unwrap(),
            );
        }
        checksum
    }

    pub(crate) fn pool_reads(c: &mut Criterion) {
        let n = rows();
        let path: PathBuf =
            std::env::temp_dir().join(format!("lite3-bench-pool-{}.db", std::process::id()));
        build_table(&path, n);
        let pool = Pool::builder(&path).readers(8).build().unwrap();
        const QUERIES: u64 = 4_000;
        let mut group = c.benchmark_group("pool_w2_reads");
        group.throughput(Throughput::Elements(QUERIES));
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(3));
        for threads in [1u64, 2, 4, 8] {
            group.bench_with_input(
                BenchmarkId::from_parameter(threads),
                &threads,
                |b, &threads| {
                    b.iter_custom(|iters| {
                        let per_thread = iters * QUERIES / threads;
                        let start = Instant::now();
                        std::thread::scope(|s| {
                            for t in 0..threads {
                                let pool = &pool;
                                s.spawn(move || {
                                    black_box(point_selects(
                                        &pool.read().unwrap(),
                                        n,
                                        t + 1,
                                        per_thread,
                                    ))
                                });
                            }
                        });
                        start.elapsed()
                    });
                },
            );
        }
        group.finish();
        drop(pool);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}

fn worker_overhead(c: &mut Criterion) {
    let mut group = c.benchmark_group("call_overhead");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(3));
    let conn = Connection::open_in_memory().unwrap();
    group.bench_function("direct", |b| {
        b.iter(|| {
            conn.query_row("SELECT 1", (), |r| r.get::<_, i64>(0))
                .unwrap()
        });
    });
    let worker = Worker::open_in_memory().unwrap();
    group.bench_function("worker_call", |b| {
        b.iter(|| {
            worker
                .call(|conn| conn.query_row("SELECT 1", (), |r| r.get::<_, i64>(0)))
                .unwrap()
        });
    });
    group.finish();
}

#[cfg(not(feature = "single-thread"))]
criterion_group!(benches, pool_bench::pool_reads, worker_overhead);
#[cfg(feature = "single-thread")]
criterion_group!(benches, worker_overhead);
criterion_main!(benches);
