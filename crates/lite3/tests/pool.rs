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
    // Corrupt the table's page under the pool's feet (page 1 stays a database header, so the
    // reader opens and then meets the damage).
    let page = 4096;
    assert!(good.len() >= 2 * page);
    let mut bad = good.clone();
    bad[page..2 * page].fill(0xAB);
    std::fs::write(dir.db(), &bad).unwrap();
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

/// A pool on a fresh file with table `t(x)`, and one reader.
fn pool_with_table(name: &str) -> (TempDir, Pool) {
    let dir = TempDir::new(name);
    let pool = Pool::builder(dir.db())
        .readers(1)
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    pool.write()
        .unwrap()
        .execute_batch("CREATE TABLE t(x)")
        .unwrap();
    (dir, pool)
}

fn count(pool: &Pool) -> i64 {
    pool.read()
        .unwrap()
        .query_row("SELECT count(*) FROM t", (), |r| r.get(0))
        .unwrap()
}

const SERIES: &str = "WITH RECURSIVE c(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM c WHERE v < 1000) SELECT v FROM c";

#[test]
fn a_stale_interrupt_handle_does_not_cancel_the_next_borrower() {
    let (_dir, pool) = pool_with_table("pool-stale-interrupt");
    for checkout in [Pool::read, Pool::write] {
        let first = checkout(&pool).unwrap();
        let stale = first.interrupt_handle();
        drop(first);
        let next = checkout(&pool).unwrap();
        let mut stmt = next.prepare(SERIES).unwrap();
        let mut rows = stmt.query(()).unwrap();
        assert!(rows.next().unwrap().is_some());
        // Before the fix this interrupted the next borrower's query.
        stale.interrupt();
        let mut seen = 1;
        while rows.next().unwrap().is_some() {
            seen += 1;
        }
        assert_eq!(seen, 1000);
        drop(rows);
        // The current borrower's own handle still works.
        let mut rows = stmt.query(()).unwrap();
        assert!(rows.next().unwrap().is_some());
        next.interrupt_handle().interrupt();
        let err = loop {
            match rows.next() {
                Ok(Some(_)) => {}
                Ok(None) => panic!("the interrupt was lost"),
                Err(err) => break err,
            }
        };
        assert_eq!(err.sqlite_code(), Some(ErrorCode::Interrupt));
    }
}

#[test]
fn a_connection_swapped_into_a_guard_is_closed_not_pooled() {
    let (_dir, pool) = pool_with_table("pool-swap");
    let mut other = lite3::Connection::open_in_memory().unwrap();
    {
        let mut guard = pool.write().unwrap();
        std::mem::swap(&mut *guard, &mut other);
    }
    assert_eq!(pool.metrics().replaced, 1);
    // The pool's writer is a fresh connection to the pool's file, not the in-memory one.
    pool.write()
        .unwrap()
        .execute("INSERT INTO t VALUES (1)", ())
        .unwrap();
    assert_eq!(count(&pool), 1);
    // `other` now holds the pool's old writer: still a working connection to the file.
    assert_eq!(
        other
            .query_row("SELECT count(*) FROM t", (), |r| r.get::<_, i64>(0))
            .unwrap(),
        1
    );
}

#[test]
fn a_panicking_on_open_resumes_in_the_checkout_and_keeps_the_slot() {
    let dir = TempDir::new("pool-on-open-panic");
    let opened = Arc::new(AtomicU64::new(0));
    let pool = {
        let opened = Arc::clone(&opened);
        Pool::builder(dir.db())
            .readers(1)
            .timeout(Duration::from_millis(500))
            .on_open(move |_| {
                // The writer (1st) opens; the first reader (2nd) panics.
                if opened.fetch_add(1, Ordering::SeqCst) == 1 {
                    panic!("on_open panicked");
                }
                Ok(())
            })
            .build()
            .unwrap()
    };
    let payload = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| pool.read().map(drop)))
        .unwrap_err();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"on_open panicked"));
    // Before the fix the slot was lost and this timed out.
    pool.read().unwrap();
    assert_eq!(opened.load(Ordering::SeqCst), 3);
    assert_eq!(pool.metrics().in_use, 0);
}

#[test]
fn a_profiler_panicking_during_checkin_rollback_keeps_the_slot() {
    // Installed by on_open, so it is the connection's configuration and the checkin cleans the
    // connection (a borrower's own profiler would get the connection replaced without a
    // rollback statement for it to see).
    let dir = TempDir::new("pool-cleanup-panic");
    let pool = Pool::builder(dir.db())
        .readers(1)
        .on_open(|conn| conn.profile(Some(common::profiler_panicking_on_rollback())))
        .build()
        .unwrap();
    pool.write()
        .unwrap()
        .execute_batch("CREATE TABLE t(x)")
        .unwrap();
    let payload = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let conn = pool.write().unwrap();
        conn.execute_batch("BEGIN; INSERT INTO t VALUES (1);")
            .unwrap();
    }))
    .unwrap_err();
    assert_eq!(
        payload.downcast_ref::<&str>(),
        Some(&"profiler panics on ROLLBACK")
    );
    // The slot came back (a fresh connection), and nothing was committed.
    let conn = pool.write().unwrap();
    assert!(conn.is_autocommit());
    drop(conn);
    assert_eq!(pool.metrics().replaced, 1);
    assert_eq!(count(&pool), 0);
}

#[test]
fn write_tx_cannot_commit_after_sqlite_rolled_the_transaction_back() {
    let (_dir, pool) = pool_with_table("pool-dead-tx");
    let result = pool.write_tx(|tx| {
        tx.execute("INSERT INTO t VALUES (1)", ())?;
        let handle = tx.interrupt_handle();
        tx.create_scalar_function(
            "interrupt_me",
            0,
            lite3::FunctionFlags::empty(),
            move |_| {
                handle.interrupt();
                Ok(0)
            },
        )?;
        let interrupted = tx.execute(
            "WITH RECURSIVE c(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM c WHERE v < 100000) \
             INSERT INTO t SELECT interrupt_me() + v FROM c",
            (),
        );
        assert!(interrupted.is_err());
        // The closure ignores the error and carries on, as careless code does.
        let _ = tx.execute("INSERT INTO t VALUES (2)", ());
        Ok(())
    });
    assert!(
        matches!(result, Err(Error::TransactionRolledBack)),
        "{result:?}"
    );
    assert_eq!(count(&pool), 0);
}

#[test]
fn write_tx_begin_errors_are_sqlite_errors() {
    let dir = TempDir::new("pool-busy-begin");
    let pool = Pool::builder(dir.db())
        .busy_timeout(Duration::ZERO)
        .build()
        .unwrap();
    let other = lite3::Connection::open(dir.db()).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let err = pool.write_tx(|_| Ok(())).unwrap_err();
    assert!(matches!(err, Error::Sqlite(_)), "{err:?}");
    assert_eq!(err.sqlite_code(), Some(ErrorCode::Busy));
}

#[test]
fn extreme_builder_values_do_not_panic() {
    let dir = TempDir::new("pool-extremes");
    let pool = Pool::builder(dir.db())
        .readers(usize::MAX)
        .timeout(Duration::MAX)
        .busy_timeout(Duration::MAX)
        .build()
        .unwrap();
    pool.write()
        .unwrap()
        .execute_batch("CREATE TABLE t(x)")
        .unwrap();
    let readers: Vec<_> = (0..3).map(|_| pool.read().unwrap()).collect();
    assert_eq!(pool.metrics().in_use, 3);
    drop(readers);
    // With no deadline, a checkout waits for the writer instead of panicking on Instant overflow.
    let writer = pool.write().unwrap();
    let waiting = {
        let pool = pool.clone();
        thread::spawn(move || pool.write().map(drop))
    };
    thread::sleep(Duration::from_millis(50));
    assert!(!waiting.is_finished());
    drop(writer);
    waiting.join().unwrap().unwrap();
}

#[test]
fn a_transaction_behavior_set_by_one_borrower_is_gone_for_the_next() {
    use lite3::{TransactionBehavior, TransactionState};
    let dir = TempDir::new("pool-tx-behavior");
    let pool = Pool::builder(dir.db()).readers(1).build().unwrap();
    {
        let mut conn = pool.write().unwrap();
        conn.set_transaction_behavior(TransactionBehavior::Immediate);
        let tx = conn.transaction().unwrap();
        assert_eq!(
            tx.transaction_state(None::<&str>).unwrap(),
            TransactionState::Write,
            "IMMEDIATE locks at BEGIN"
        );
    }
    let mut conn = pool.write().unwrap();
    let tx = conn.transaction().unwrap();
    assert_eq!(
        tx.transaction_state(None::<&str>).unwrap(),
        TransactionState::None,
        "the next borrower's transaction() is DEFERRED again"
    );
}

#[test]
fn hooks_and_functions_set_by_a_borrower_never_reach_the_next_one() {
    use std::sync::atomic::AtomicUsize;
    let dir = TempDir::new("pool-hooks");
    let on_open_calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&on_open_calls);
    let pool = Pool::builder(dir.db())
        .readers(1)
        .on_open(move |conn| {
            counter.fetch_add(1, Ordering::Relaxed);
            conn.create_scalar_function("configured", 0, Default::default(), |_| Ok(7))
        })
        .build()
        .unwrap();
    pool.write()
        .unwrap()
        .execute_batch("CREATE TABLE t(x)")
        .unwrap();
    let opened = on_open_calls.load(Ordering::Relaxed);
    let vetoes = Arc::new(AtomicUsize::new(0));
    {
        let mut conn = pool.write().unwrap();
        let seen = Arc::clone(&vetoes);
        conn.commit_hook(Some(move || {
            seen.fetch_add(1, Ordering::Relaxed);
            true
        }))
        .unwrap();
        conn.create_scalar_function("borrowed", 0, Default::default(), |_| Ok(1))
            .unwrap();
        assert!(
            conn.execute("INSERT INTO t VALUES (1)", ()).is_err(),
            "vetoed"
        );
    }
    let conn = pool.write().unwrap();
    conn.execute("INSERT INTO t VALUES (2)", ()).unwrap();
    assert_eq!(
        vetoes.load(Ordering::Relaxed),
        1,
        "the hook went with its borrower"
    );
    assert!(
        conn.query_row("SELECT borrowed()", (), |r| r.get::<_, i64>(0))
            .is_err(),
        "so did the function"
    );
    let configured: i64 = conn
        .query_row("SELECT configured()", (), |r| r.get(0))
        .unwrap();
    assert_eq!(configured, 7, "on_open's function is there");
    assert_eq!(
        on_open_calls.load(Ordering::Relaxed),
        opened + 1,
        "a fresh connection replaced the changed one"
    );
    assert_eq!(pool.metrics().replaced, 1);
}

#[test]
fn settings_and_limits_changed_by_a_borrower_never_reach_the_next_one() {
    use lite3::Limit;
    use lite3::config::DbConfig;
    let dir = TempDir::new("pool-settings");
    let pool = Pool::builder(dir.db()).readers(1).build().unwrap();
    {
        let conn = pool.write().unwrap();
        conn.apply_untrusted_database_profile().unwrap();
        assert_eq!(conn.limit(Limit::Attached).unwrap(), 0);
    }
    let conn = pool.write().unwrap();
    assert_eq!(conn.limit(Limit::Attached).unwrap(), 10);
    assert!(!conn.db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE).unwrap());
    assert!(
        conn.db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA)
            .unwrap()
    );
}
