//! Creating and dropping Workers leaves no threads, file descriptors or C memory behind. Its own
//! test binary, so no other test's threads or connections disturb the counts.

use lite3::Worker;
use std::time::{Duration, Instant};

fn count(dir: &str) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| entries.count())
        .unwrap_or(0)
}

/// The count in `dir` once it is back at `expected`, or after 2 s: a joined thread's kernel task
/// can linger in /proc for a moment after `join` returns.
fn settled_count(dir: &str, expected: usize) -> usize {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let now = count(dir);
        if now == expected || Instant::now() > deadline {
            return now;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// The count in `dir` once it has held still for 50 ms (at most 2 s): the baseline must not
/// include a joined thread whose kernel task has not left /proc yet.
fn steady_count(dir: &str) -> usize {
    let deadline = Instant::now() + Duration::from_secs(2);
    let (mut last, mut since) = (count(dir), Instant::now());
    while since.elapsed() < Duration::from_millis(50) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
        let now = count(dir);
        if now != last {
            (last, since) = (now, Instant::now());
        }
    }
    last
}

/// Bytes SQLite has allocated and not freed, from lite3's counting hooks.
fn c_bytes_in_use() -> u64 {
    lite3::memory()
        .expect("lite3's counting hooks are installed")
        .bytes_in_use
}

#[test]
fn a_thousand_create_drop_cycles_return_threads_fds_and_c_memory_to_baseline() {
    let dir = std::env::temp_dir().join(format!("lite3-worker-cycles-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("cycles.db");
    let _ = std::fs::remove_file(&path);
    // Warm up: the first Worker may start the shared SQLite thread of single-threaded builds.
    Worker::open(&path)
        .unwrap()
        .call(|conn| conn.execute_batch("CREATE TABLE t(x)"))
        .unwrap();
    let linux = cfg!(target_os = "linux");
    let (threads, fds, c_bytes) = (
        steady_count("/proc/self/task"),
        steady_count("/proc/self/fd"),
        c_bytes_in_use(),
    );
    for i in 0..1_000 {
        let worker = Worker::open(&path).unwrap();
        worker
            .call(move |conn| conn.execute("INSERT INTO t VALUES (?1)", (i,)))
            .unwrap();
        drop(worker);
        if linux {
            assert_eq!(
                settled_count("/proc/self/task", threads),
                threads,
                "thread count grew at cycle {i}"
            );
        }
    }
    if linux {
        assert_eq!(
            settled_count("/proc/self/fd", fds),
            fds,
            "file descriptors leaked"
        );
    }
    assert_eq!(c_bytes_in_use(), c_bytes, "C memory grew over 1,000 cycles");
    let rows = Worker::open(&path)
        .unwrap()
        .call(|conn| conn.query_row("SELECT count(*) FROM t", (), |r| r.get::<_, i64>(0)))
        .unwrap();
    assert_eq!(rows, 1_000);
    std::fs::remove_dir_all(&dir).unwrap();
}
