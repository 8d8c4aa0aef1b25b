//! Creating and dropping Workers leaves no threads, file descriptors or C memory behind. Its own
//! test binary, so no other test's threads disturb the counts, and so SQLite's memory statistics
//! can be switched on before SQLite initialises.

use lite3::Worker;

fn count(dir: &str) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| entries.count())
        .unwrap_or(0)
}

/// Bytes SQLite has allocated and not freed (needs memory statistics, switched on below).
fn c_bytes_in_use() -> i64 {
    // SAFETY: no preconditions.
    unsafe { lite3::ffi::sqlite3_memory_used() }
}

#[test]
fn a_thousand_create_drop_cycles_return_threads_fds_and_c_memory_to_baseline() {
    // lite3 compiles SQLite with SQLITE_DEFAULT_MEMSTATUS=0; statistics can still be switched
    // on before SQLite initialises, which nothing in this process has done yet.
    // SAFETY: sqlite3_config is called before sqlite3_initialize, from the only running test.
    let rc = unsafe {
        lite3::ffi::sqlite3_config(lite3::ffi::SQLITE_CONFIG_MEMSTATUS, 1 as std::ffi::c_int)
    };
    assert_eq!(rc, lite3::ffi::SQLITE_OK);
    let dir = std::env::temp_dir().join(format!("lite3-worker-cycles-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("cycles.db");
    // Warm up: the first Worker may start the shared SQLite thread of single-threaded builds.
    drop(Worker::open(&path).unwrap());
    let (threads, fds, c_bytes) = (
        count("/proc/self/task"),
        count("/proc/self/fd"),
        c_bytes_in_use(),
    );
    assert!(c_bytes > 0, "memory statistics are on");
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
    assert_eq!(c_bytes_in_use(), c_bytes, "C memory grew over 1,000 cycles");
    let rows = Worker::open(&path)
        .unwrap()
        .call(|conn| conn.query_row("SELECT count(*) FROM t", (), |r| r.get::<_, i64>(0)))
        .unwrap();
    assert_eq!(rows, 1_000);
    std::fs::remove_dir_all(&dir).unwrap();
}
