//! Creating and dropping Workers leaves no threads or file descriptors behind. Its own test
//! binary, so no other test's threads disturb the counts.

use lite3::Worker;

fn count(dir: &str) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| entries.count())
        .unwrap_or(0)
}

#[test]
fn a_thousand_create_drop_cycles_return_threads_and_fds_to_baseline() {
    let dir = std::env::temp_dir().join(format!("lite3-worker-cycles-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("cycles.db");
    // Warm up: the first Worker may start the shared SQLite thread of single-threaded builds.
    drop(Worker::open(&path).unwrap());
    let (threads, fds) = (count("/proc/self/task"), count("/proc/self/fd"));
    for i in 0..1_000 {
        let worker = Worker::open(&path).unwrap();
        worker
            .call(move |conn| {
                conn.execute_batch(&format!(
                    "CREATE TABLE IF NOT EXISTS t(x); INSERT INTO t VALUES ({i})"
                ))
            })
            .unwrap();
        drop(worker);
        if cfg!(target_os = "linux") {
            assert_eq!(
                count("/proc/self/task"),
                threads,
                "thread count grew at cycle {i}"
            );
        }
    }
    if cfg!(target_os = "linux") {
        assert_eq!(count("/proc/self/fd"), fds, "file descriptors leaked");
    }
    let rows = Worker::open(&path)
        .unwrap()
        .call(|conn| conn.query_row("SELECT count(*) FROM t", (), |r| r.get::<_, i64>(0)))
        .unwrap();
    assert_eq!(rows, 1_000);
    std::fs::remove_dir_all(&dir).unwrap();
}
