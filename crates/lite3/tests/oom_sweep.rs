//! Out-of-memory sweep (feature `fault-injection`): make allocation N fail, and every one after
//! it, for N = 1, 2, 3, … through a workload (open, create, insert a 1 MB blob, select it,
//! commit, close) until the workload completes. At every N: a clean error and no panic; with
//! faults off, the database passes `PRAGMA integrity_check` and SQLite's heap is back at its
//! baseline. Its own test binary: faults and memory figures are process-wide.
#![cfg(all(feature = "fault-injection", not(feature = "single-thread")))]

use lite3::{Connection, fault};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

const BLOB: usize = 1 << 20;

fn workload(path: &Path) -> lite3::Result<()> {
    let mut conn = Connection::open(path)?;
    let tx = conn.transaction()?;
    tx.execute(
        "CREATE TABLE t(id INTEGER PRIMARY KEY, data BLOB NOT NULL)",
        (),
    )?;
    let blob: Vec<u8> = (0..BLOB).map(|i| (i % 251) as u8).collect();
    tx.execute("INSERT INTO t(data) VALUES (?1)", (&blob,))?;
    let back: Vec<u8> = tx.query_row("SELECT data FROM t WHERE id = 1", (), |r| r.get(0))?;
    assert_eq!(back, blob, "a successful read returns the exact bytes");
    tx.commit()?;
    conn.close().map_err(|(_, e)| e)
}

fn remove(path: &Path) {
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

#[test]
fn every_allocation_failure_is_a_clean_error() {
    let dir = std::env::temp_dir().join(format!("lite3-oom-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("oom.db");
    remove(&path);
    workload(&path).unwrap(); // warm up SQLite's one-time global allocations
    remove(&path);
    let baseline = lite3::memory().unwrap().bytes_in_use;

    let mut n = 1;
    let mut codes = std::collections::BTreeMap::new();
    loop {
        remove(&path);
        fault::fail_allocations_from(n);
        let outcome = catch_unwind(AssertUnwindSafe(|| workload(&path)));
        fault::disarm();
        let result = outcome.unwrap_or_else(|_| panic!("allocation failure {n} caused a panic"));
        if path.exists() {
            let conn = Connection::open(&path).unwrap();
            let check: String = conn
                .query_row("PRAGMA integrity_check", (), |r| r.get(0))
                .unwrap();
            assert_eq!(check, "ok", "after failing allocation {n}");
        }
        assert_eq!(
            lite3::memory().unwrap().bytes_in_use,
            baseline,
            "C memory leaked after failing allocation {n}"
        );
        match result {
            Ok(()) => break,
            Err(error) => {
                *codes
                    .entry(format!("{:?}", error.sqlite_code()))
                    .or_insert(0) += 1
            }
        }
        n += 1;
    }
    eprintln!(
        "OOM sweep: the workload completed once {} allocation points had each been failed; errors: {codes:?}",
        n - 1
    );
    assert!(n > 10, "the sweep covered only {n} allocation points");
    std::fs::remove_dir_all(&dir).unwrap();
}
