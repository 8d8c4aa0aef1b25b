//! Leak benchmark in the spirit of a `b.N = 1e6` leak test: 1,000,000 operations through the safe
//! API while sampling process RSS and SQLite's C bytes in use. Prints both growths and fails if
//! RSS grew by more than 10 MiB or the C bytes did not return to their baseline; criterion then
//! times one operation.
//!
//! `cargo bench -p lite3 --bench leak` (LITE3_LEAK_OPS overrides the operation count).

use criterion::{Criterion, criterion_group, criterion_main};
use lite3::Connection;
use std::hint::black_box;
use std::time::Duration;

/// One operation: a cached statement with text and blob parameters, a constraint error, and
/// every 1,000th time a whole connection opened and closed.
fn operation(conn: &Connection, i: u64) {
    let text = format!("value-{i}");
    let echoed: usize = conn
        .query_row(
            "SELECT length(?1) + length(?2)",
            (&text, &[7u8; 32][..]),
            |r| r.get(0),
        )
        .unwrap();
    black_box(echoed);
    conn.execute(
        "INSERT OR REPLACE INTO kv(k, v) VALUES (?1 % 100, ?2)",
        (i as i64, &text),
    )
    .unwrap();
    black_box(
        conn.execute("INSERT INTO kv(k, v) VALUES (1, 'dup')", ())
            .unwrap_err(),
    );
    if i.is_multiple_of(1_000) {
        let other = Connection::open_in_memory().unwrap();
        other
            .execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (randomblob(4096));")
            .unwrap();
    }
}

fn setup() -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(
        "CREATE TABLE kv(k INTEGER PRIMARY KEY, v TEXT); INSERT INTO kv VALUES (1, 'one');",
    )
    .unwrap();
    conn
}

/// Resident set size in bytes, from /proc (0 where it is unavailable).
fn rss() -> u64 {
    let pages = std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .nth(1)
                .and_then(|n| n.parse::<u64>().ok())
        })
        .unwrap_or(0);
    pages * 4096
}

fn c_bytes() -> u64 {
    lite3::memory().map_or(0, |m| m.bytes_in_use)
}

fn leak_check() {
    let ops: u64 = std::env::var("LITE3_LEAK_OPS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let conn = setup();
    for i in 0..10_000 {
        operation(&conn, i); // warm up caches and the allocator
    }
    let (rss_start, c_start) = (rss(), c_bytes());
    let mut rss_peak = rss_start;
    for i in 0..ops {
        operation(&conn, i);
        if i.is_multiple_of(100_000) {
            rss_peak = rss_peak.max(rss());
        }
    }
    let (rss_end, c_end) = (rss(), c_bytes());
    let rss_growth = rss_end as i64 - rss_start as i64;
    let c_growth = c_end as i64 - c_start as i64;
    println!(
        "leak check: {ops} operations; RSS {} KiB -> {} KiB (growth {} KiB, peak {} KiB); C bytes in use {c_start} -> {c_end} (growth {c_growth}); C high-water {} bytes",
        rss_start / 1024,
        rss_end / 1024,
        rss_growth / 1024,
        rss_peak / 1024,
        lite3::memory().map_or(0, |m| m.high_water),
    );
    assert!(
        rss_growth <= 10 << 20,
        "RSS grew by {} KiB (limit 10 MiB)",
        rss_growth / 1024
    );
    assert_eq!(c_growth, 0, "SQLite's C bytes did not return to baseline");
}

fn leak(c: &mut Criterion) {
    leak_check();
    let conn = setup();
    let mut i = 0;
    let mut group = c.benchmark_group("leak");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(3));
    group.bench_function("operation", |b| {
        b.iter(|| {
            i += 1;
            operation(&conn, i);
        });
    });
    group.finish();
}

criterion_group!(benches, leak);
criterion_main!(benches);
