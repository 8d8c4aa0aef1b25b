//! W1–W4 of the standard workloads (shared/BENCH_SPEC.md) through the safe API, under criterion
//! (figures, not pass/fail). The workload code is the CLI's own (`lite3 bench`): this package's
//! `src/workloads.rs`, compiled into the benchmark as it is into the binary, so both measure
//! exactly the same thing; `cargo xtask bench` compares it with C. (A binary has no library to
//! import from, and a library target would compile the workloads in another crate than the
//! binary, which measurably changes their code.)
//!
//! `cargo bench -p lite3-cli --bench workloads` (LITE3_BENCH_ROWS sets N, default 100,000).

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use lite3::Connection;
use std::path::Path;
use std::time::Duration;

#[path = "../src/workloads.rs"]
mod workloads;

fn rows() -> u64 {
    std::env::var("LITE3_BENCH_ROWS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000)
}

fn fresh(path: &Path) -> Connection {
    workloads::create_database(path, None).expect("create the benchmark database")
}

fn workloads(c: &mut Criterion) {
    let n = rows();
    let path =
        std::env::temp_dir().join(format!("lite3-bench-workloads-{}.db", std::process::id()));
    let mut group = c.benchmark_group("workloads");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Elements(n));

    group.bench_function("W1 insert", |b| {
        b.iter_batched(
            || fresh(&path),
            |mut conn| workloads::insert(&mut conn, n).expect("W1"),
            BatchSize::PerIteration,
        )
    });

    let mut conn = fresh(&path);
    workloads::insert(&mut conn, n).expect("W1");
    group.bench_function("W2 point_select", |b| {
        b.iter(|| workloads::point_select(&conn, n).expect("W2"))
    });
    group.bench_function("W3 scan", |b| {
        b.iter(|| workloads::scan(&conn).expect("W3"))
    });
    group.bench_function("W4 tiny_query", |b| {
        b.iter(|| workloads::tiny_query(&conn, n).expect("W4"))
    });
    group.finish();
    drop(conn);
    workloads::remove_database(&path);
}

criterion_group!(benches, workloads);
criterion_main!(benches);
