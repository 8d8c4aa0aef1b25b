//! Pool: concurrency, snapshot consistency, timeouts and connection hygiene.
#![cfg(not(feature = "single-thread"))]

mod common;

use common::TempDir;
use lite3::{Error, ErrorCode, Pool};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

#[test]
fn concurrent_increments_add_up_and_readers_see_consistent_snapshots() {
    const THREADS: u64 = 32;
    const INCREMENTS: u64 = 2_000;
    const COUNTERS: i64 = 64;
    let dir = TempDir::new("pool-increments");
    let pool = Pool::builder(dir.db())
        .readers(4)
        .timeout(Duration::from_secs(30))
        .on_open(|conn| conn.pragma_update(None, "synchronous", "OFF"))
        .build()
        .unwrap();
    pool.write_tx(|tx| {
        tx.execute_batch("CREATE TABLE counter(id INTEGER PRIMARY KEY, n INTEGER NOT NULL); CREATE TABLE total(n INTEGER NOT NULL); INSERT INTO total VALUES (0);")?;
        for id in 0..COUNTERS {
            tx.execute("INSERT INTO counter VALUES (?1, 0)", (id,))?;
        }
        Ok(())
    })
    .unwrap();

    let done = Arc::new(AtomicBool::new(false));
    let snapshots = Arc::new(AtomicU64::new(0));
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let (pool, done, snapshots) = (pool.clone(), Arc::clone(&done), Arc::clone(&snapshots));
            thread::spawn(move || {
                while !done.load(Ordering::Relaxed) {
                    let conn = pool.read().unwrap();
                    let (sum, total): (i64, i64) = conn
                        .query_row(
                            "SELECT (SELECT sum(n) FROM counter), (SELECT n FROM total)",
                            (),
                            |r| Ok((r.get(0)?, r.get(1)?)),
                        )
                        .unwrap();
                    assert_eq!(sum, total, "a reader saw a half-applied transaction");
                    snapshots.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();

    let succeeded = Arc::new(AtomicU64::new(0));
    let writers: Vec<_> = (0..THREADS)
        .map(|t| {
            let (pool, succeeded) = (pool.clone(), Arc::clone(&succeeded));
            thread::spawn(move || {
                for i in 0..INCREMENTS {
                    let id = ((t * INCREMENTS + i) % COUNTERS as u64) as i64;
                    let result = pool.write_tx(|tx| {
                        let n: i64 =
                            tx.query_row("SELECT n FROM counter WHERE id = ?1", (id,), |r| {
                                r.get(0)
                            })?;
                        tx.execute("UPDATE counter SET n = ?1 WHERE id = ?2", (n + 1, id))?;
                        tx.execute("UPDATE total SET n = n + 1", ())?;
                        Ok(())
                    });
                    if result.is_ok() {
                        succeeded.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    done.store(true, Ordering::Relaxed);
    for r in readers {
        r.join().unwrap();
    }
    let succeeded = succeeded.load(Ordering::Relaxed);
    let sum: i64 = pool
        .read()
        .unwrap()
        .query_row("SELECT sum(n) FROM counter", (), |r| r.get(0))
        .unwrap();
    assert_eq!(sum as u64, succeeded);
    assert_eq!(
        succeeded,
        THREADS * INCREMENTS,
        "no increment should fail with a 30 s timeout"
    );
    assert!(snapshots.load(Ordering::Relaxed) > 0);
    assert_eq!(pool.metrics().in_use, 0);
}

#[test]
fn a_fifth_checkout_of_four_readers_times_out_at_the_timeout() {
    let dir = TempDir::new("pool-timeout");
    let pool = Pool::builder(dir.db())
        .readers(4)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let held: Vec<_> = (0..4).map(|_| pool.read().unwrap()).collect();
    let start = Instant::now();
    let err = pool.read().unwrap_err();
    let waited = start.elapsed();
    assert!(
        matches!(err, Error::PoolTimeout { kind: "reader", .. }),
        "{err:?}"
    );
    assert!(
        waited >= Duration::from_millis(200) && waited < Duration::from_millis(1000),
        "waited {waited:?}"
    );
    assert_eq!(pool.metrics().in_use, 4);
    drop(held);
    // A returned connection is handed to the next waiter.
    let blocker = pool.write().unwrap();
    let pool2 = pool.clone();
    let waiter = thread::spawn(move || pool2.write().map(|_| ()));
    thread::sleep(Duration::from_millis(50));
    drop(blocker);
    waiter.join().unwrap().unwrap();
    let m = pool.metrics();
    assert!(m.waits >= 2 && m.total_wait > Duration::ZERO, "{m:?}");
}

#[test]
fn returned_connections_are_cleaned() {
    let dir = TempDir::new("pool-hygiene");
    let pool = Pool::builder(dir.db()).readers(1).build().unwrap();
    pool.write()
        .unwrap()
        .execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3);")
        .unwrap();

    // A transaction left open is rolled back.
    {
        let conn = pool.write().unwrap();
        conn.execute_batch("BEGIN; DELETE FROM t;").unwrap();
    }
    assert!(pool.write().unwrap().is_autocommit());
    assert_eq!(
        pool.read()
            .unwrap()
            .query_row("SELECT count(*) FROM t", (), |r| r.get::<_, i64>(0))
            .unwrap(),
        3
    );

    // A statement left half-stepped through the raw handle is reset, so the reader does not
    // pin the WAL and a full checkpoint can complete.
    let stmt = {
        let conn = pool.read().unwrap();
        let mut stmt = std::ptr::null_mut();
        // SAFETY: the handle is open and used on this thread; the statement is finalised below.
        unsafe {
            let rc = lite3::ffi::sqlite3_prepare_v2(
                conn.handle(),
                c"SELECT x FROM t".as_ptr(),
                -1,
                &mut stmt,
                std::ptr::null_mut(),
            );
            assert_eq!(rc, lite3::ffi::SQLITE_OK);
            assert_eq!(lite3::ffi::sqlite3_step(stmt), lite3::ffi::SQLITE_ROW);
        }
        stmt
    };
    let writer = pool.write().unwrap();
    writer.execute("INSERT INTO t VALUES (4)", ()).unwrap();
    let (busy, _, _): (i64, i64, i64) = writer
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", (), |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(busy, 0, "a reset reader must not block the checkpoint");
    drop(writer);
    // SAFETY: `stmt` belongs to the pool's only reader, which is idle; finalised once.
    unsafe { lite3::ffi::sqlite3_finalize(stmt) };
}

#[test]
fn a_connection_that_hit_a_fatal_error_is_replaced() {
    let dir = TempDir::new("pool-fatal");
    let pool = Pool::builder(dir.db()).readers(1).build().unwrap();
    pool.write()
        .unwrap()
        .execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
        .unwrap();
    pool.write()
        .unwrap()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    let good = std::fs::read(dir.db()).unwrap();
    // Corrupt the database header under the pool's feet.
    std::fs::write(dir.db(), vec![0xAB; good.len()]).unwrap();
    {
        let conn = pool.read().unwrap();
        let err = conn
            .query_row("SELECT count(*) FROM t", (), |r| r.get::<_, i64>(0))
            .unwrap_err();
        assert!(
            matches!(
                err.sqlite_code(),
                Some(ErrorCode::NotADatabase | ErrorCode::Corrupt)
            ),
            "{err}"
        );
    }
    assert_eq!(pool.metrics().replaced, 1);
    std::fs::write(dir.db(), &good).unwrap();
    // The replacement is opened on demand and works.
    assert_eq!(
        pool.read()
            .unwrap()
            .query_row("SELECT count(*) FROM t", (), |r| r.get::<_, i64>(0))
            .unwrap(),
        1
    );
}

#[test]
fn write_tx_rolls_back_on_error_and_panic() {
    let dir = TempDir::new("pool-write-tx");
    let pool = Pool::open(dir.db()).unwrap();
    pool.write()
        .unwrap()
        .execute("CREATE TABLE t(x)", ())
        .unwrap();
    let result: lite3::Result<()> = pool.write_tx(|tx| {
        tx.execute("INSERT INTO t VALUES (1)", ())?;
        tx.execute("INSERT INTO nope VALUES (1)", ())?;
        Ok(())
    });
    assert!(result.is_err());
    let pool2 = pool.clone();
    let panicked = thread::spawn(move || {
        let _ = pool2.write_tx(|tx| -> lite3::Result<()> {
            tx.execute("INSERT INTO t VALUES (2)", ())?;
            panic!("in the middle of a write");
        });
    })
    .join();
    assert!(panicked.is_err(), "the panic reaches the caller");
    assert_eq!(
        pool.read()
            .unwrap()
            .query_row("SELECT count(*) FROM t", (), |r| r.get::<_, i64>(0))
            .unwrap(),
        0
    );
    pool.write_tx(|tx| tx.execute("INSERT INTO t VALUES (3)", ()))
        .unwrap();
    assert_eq!(
        pool.read()
            .unwrap()
            .query_row("SELECT x FROM t", (), |r| r.get::<_, i64>(0))
            .unwrap(),
        3
    );
}

#[test]
fn in_memory_databases_are_refused() {
    for path in [
        ":memory:",
        "",
        "file::memory:",
        "file:shared?mode=memory&cache=shared",
    ] {
        match Pool::open(path) {
            Err(Error::InvalidPoolPath { reason, .. }) => assert!(reason.contains("in-memory")),
            other => panic!("{path:?}: expected InvalidPoolPath, got {other:?}"),
        }
    }
}

#[test]
fn readers_cannot_write() {
    let dir = TempDir::new("pool-readonly");
    let pool = Pool::open(dir.db()).unwrap();
    pool.write()
        .unwrap()
        .execute("CREATE TABLE t(x)", ())
        .unwrap();
    let err = pool
        .read()
        .unwrap()
        .execute("INSERT INTO t VALUES (1)", ())
        .unwrap_err();
    assert_eq!(err.sqlite_code(), Some(ErrorCode::ReadOnly));
    let m = pool.metrics();
    assert_eq!(m.replaced, 0, "{m:?}");
}

#[test]
fn pool_is_send_sync_and_clone() {
    fn check<T: Send + Sync + Clone + 'static>() {}
    check::<Pool>();
}
