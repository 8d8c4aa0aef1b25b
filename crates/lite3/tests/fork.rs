//! A connection, pool or worker inherited by a child process after `fork()` refuses to touch
//! SQLite there (SQLite's rule), and dropping them in the child leaves the parent's files and
//! open transactions alone. Its own test binary: it forks the test process.
#![cfg(all(unix, not(feature = "single-thread")))]

mod common;

use common::TempDir;
use lite3::{Connection, Error, Pool, Worker};
use std::panic::{AssertUnwindSafe, catch_unwind};

fn forked<T: std::fmt::Debug>(result: lite3::Result<T>) {
    assert!(matches!(result, Err(Error::Forked)), "{result:?}");
}

fn count(conn: &Connection) -> i64 {
    conn.query_row("SELECT count(*) FROM t", (), |r| r.get(0))
        .unwrap()
}

/// Runs in the child. `tx` is a transaction the parent still holds open; `other` is a second
/// connection with its own open write transaction, which the child drops.
fn in_the_child(tx: &lite3::Transaction<'_>, other: Connection, pool: Pool, worker: Worker) {
    forked(tx.execute("INSERT INTO t VALUES (99)", ()));
    forked(tx.query_row("SELECT 1", (), |r| r.get::<_, i64>(0)));
    forked(tx.prepare("SELECT 1").map(drop));
    forked(tx.execute_batch("COMMIT"));
    forked(tx.busy_timeout(std::time::Duration::from_secs(1)));

    // Dropping an inherited connection must not close it: closing would roll back the
    // parent's open transaction in the shared files.
    drop(other);

    let inherited = pool.write().unwrap();
    forked(inherited.execute("INSERT INTO t VALUES (99)", ()));
    drop(inherited);

    forked(worker.call(|_| Ok(())));
    forked(worker.try_call(|_| Ok(())));
    drop(worker);

    // A connection opened in the child is the child's own and works.
    let fresh = Connection::open_in_memory().unwrap();
    assert_eq!(
        fresh
            .query_row("SELECT 6 * 7", (), |r| r.get::<_, i64>(0))
            .unwrap(),
        42
    );
}

#[test]
fn connections_pools_and_workers_inherited_by_a_child_refuse_to_touch_sqlite() {
    let dir = TempDir::new("fork");
    let mut conn = Connection::open(dir.db()).unwrap();
    conn.execute_batch("PRAGMA journal_mode=WAL; CREATE TABLE t(x); INSERT INTO t VALUES (1)")
        .unwrap();
    let other = Connection::open(dir.0.join("other.db")).unwrap();
    other
        .execute_batch("CREATE TABLE t(x); BEGIN; INSERT INTO t VALUES (1)")
        .unwrap();
    let pool = Pool::open(dir.0.join("pool.db")).unwrap();
    pool.write()
        .unwrap()
        .execute_batch("CREATE TABLE t(x)")
        .unwrap();
    let worker = Worker::open_in_memory().unwrap();
    let tx = conn.transaction().unwrap();
    tx.execute("INSERT INTO t VALUES (2)", ()).unwrap();

    // SAFETY: the child only runs the checks above and leaves with _exit, running no
    // destructors of the parent's state it did not drop on purpose.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let outcome = catch_unwind(AssertUnwindSafe(|| in_the_child(&tx, other, pool, worker)));
        // SAFETY: ends the child at once, as a child of a multi-threaded process should.
        unsafe { libc::_exit(if outcome.is_ok() { 0 } else { 1 }) };
    }
    let mut status = 0;
    // SAFETY: `pid` is our child; `status` is writable.
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "the child's checks failed (status {status}); see its output above"
    );

    // The parent's transactions are intact and commit.
    tx.execute("INSERT INTO t VALUES (3)", ()).unwrap();
    tx.commit().unwrap();
    assert_eq!(count(&conn), 3);
    other
        .execute_batch("INSERT INTO t VALUES (2); COMMIT")
        .unwrap();
    assert_eq!(count(&other), 2);
    let ok: String = conn
        .query_row("PRAGMA integrity_check", (), |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    assert_eq!(worker.call(|_| Ok(5)).unwrap(), 5);
    pool.write()
        .unwrap()
        .execute("INSERT INTO t VALUES (1)", ())
        .unwrap();
}
