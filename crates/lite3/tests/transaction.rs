//! Transaction and Savepoint guards when SQLite itself ends the transaction: after SQLite rolls
//! back on its own (an interrupted write here, made deterministic by a function that interrupts
//! its own connection), nothing more can run, or commit, through the guard.

mod common;

use lite3::{Connection, Error, ErrorCode, FunctionFlags};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// A connection with table `t(x)` and a function `interrupt_me()` that interrupts whatever
/// statement calls it.
fn connection() -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE t(x)").unwrap();
    let handle = conn.interrupt_handle();
    conn.create_scalar_function("interrupt_me", 0, FunctionFlags::empty(), move |_| {
        handle.interrupt();
        Ok(0)
    })
    .unwrap();
    conn
}

/// A write that SQLite interrupts; inside an explicit transaction SQLite then rolls the whole
/// transaction back.
const INTERRUPTED_WRITE: &str = "WITH RECURSIVE c(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM c \
     WHERE v < 100000) INSERT INTO t SELECT interrupt_me() + v FROM c";

fn rows(conn: &Connection) -> i64 {
    conn.query_row("SELECT count(*) FROM t", (), |r| r.get(0))
        .unwrap()
}

fn interrupted(result: lite3::Result<usize>) {
    let err = result.unwrap_err();
    assert_eq!(err.sqlite_code(), Some(ErrorCode::Interrupt), "{err}");
}

#[test]
fn a_transaction_sqlite_rolled_back_refuses_every_later_statement_and_its_commit() {
    let _sqlite = common::sqlite_turn();
    let mut conn = connection();
    let tx = conn.transaction().unwrap();
    tx.execute("INSERT INTO t VALUES (1)", ()).unwrap();
    interrupted(tx.execute(INTERRUPTED_WRITE, ()));
    assert!(tx.is_autocommit(), "SQLite rolled the transaction back");

    // Before the fix this insert ran in autocommit mode and was committed at once.
    let err = tx.execute("INSERT INTO t VALUES (2)", ()).unwrap_err();
    assert!(matches!(err, Error::TransactionRolledBack), "{err}");
    let err = tx.execute_batch("INSERT INTO t VALUES (3)").unwrap_err();
    assert!(matches!(err, Error::TransactionRolledBack), "{err}");
    let err = tx
        .query_row("SELECT count(*) FROM t", (), |r| r.get::<_, i64>(0))
        .unwrap_err();
    assert!(matches!(err, Error::TransactionRolledBack), "{err}");
    let err = tx.commit().unwrap_err();
    assert!(matches!(err, Error::TransactionRolledBack), "{err}");
    assert!(err.to_string().contains("rolled back by SQLite"), "{err}");

    assert_eq!(
        rows(&conn),
        0,
        "nothing of the transaction, nor after it, was committed"
    );
    // The guard is gone: the connection works again.
    conn.execute("INSERT INTO t VALUES (4)", ()).unwrap();
    assert_eq!(rows(&conn), 1);
}

#[test]
fn a_statement_prepared_before_the_rollback_cannot_run_after_it() {
    let _sqlite = common::sqlite_turn();
    let mut conn = connection();
    let tx = conn.transaction().unwrap();
    let mut insert = tx.prepare("INSERT INTO t VALUES (?1)").unwrap();
    insert.execute((1,)).unwrap();
    interrupted(tx.execute(INTERRUPTED_WRITE, ()));
    let err = insert.execute((2,)).unwrap_err();
    assert!(matches!(err, Error::TransactionRolledBack), "{err}");
    let err = tx.prepare("SELECT x FROM t").unwrap_err();
    assert!(matches!(err, Error::TransactionRolledBack), "{err}");
    drop(insert);
    let err = tx.rollback().unwrap_err();
    assert!(matches!(err, Error::TransactionRolledBack), "{err}");
    assert_eq!(rows(&conn), 0);
}

#[test]
fn a_savepoint_inside_a_rolled_back_transaction_is_dead_too() {
    let _sqlite = common::sqlite_turn();
    let mut conn = connection();
    let mut tx = conn.transaction().unwrap();
    tx.execute("INSERT INTO t VALUES (1)", ()).unwrap();
    {
        let sp = tx.savepoint().unwrap();
        sp.execute("INSERT INTO t VALUES (2)", ()).unwrap();
        interrupted(sp.execute(INTERRUPTED_WRITE, ()));
        let err = sp.execute("INSERT INTO t VALUES (3)", ()).unwrap_err();
        assert!(matches!(err, Error::TransactionRolledBack), "{err}");
        let err = sp.commit().unwrap_err();
        assert!(matches!(err, Error::TransactionRolledBack), "{err}");
    }
    // The savepoint is gone, the transaction it was in stays dead.
    let err = tx.execute("INSERT INTO t VALUES (4)", ()).unwrap_err();
    assert!(matches!(err, Error::TransactionRolledBack), "{err}");
    assert!(matches!(tx.commit(), Err(Error::TransactionRolledBack)));
    assert_eq!(rows(&conn), 0);
}

#[test]
fn a_savepoint_used_as_the_transaction_stays_dead_after_sqlite_rolls_it_back() {
    let _sqlite = common::sqlite_turn();
    let mut conn = connection();
    let sp = conn.savepoint().unwrap();
    sp.execute("INSERT INTO t VALUES (1)", ()).unwrap();
    interrupted(sp.execute(INTERRUPTED_WRITE, ()));
    assert!(matches!(
        sp.execute("INSERT INTO t VALUES (2)", ()),
        Err(Error::TransactionRolledBack)
    ));
    assert!(matches!(sp.commit(), Err(Error::TransactionRolledBack)));
    assert_eq!(rows(&conn), 0);
}

#[test]
fn an_error_that_undoes_one_statement_leaves_the_transaction_alive() {
    let _sqlite = common::sqlite_turn();
    let mut conn = connection();
    conn.execute_batch("CREATE TABLE u(x UNIQUE); INSERT INTO u VALUES (1)")
        .unwrap();
    let tx = conn.transaction().unwrap();
    tx.execute("INSERT INTO t VALUES (1)", ()).unwrap();
    let err = tx.execute("INSERT INTO u VALUES (1)", ()).unwrap_err();
    assert_eq!(err.sqlite_code(), Some(ErrorCode::Constraint));
    tx.execute("INSERT INTO t VALUES (2)", ()).unwrap();
    tx.commit().unwrap();
    assert_eq!(rows(&conn), 2);
}

#[test]
fn statements_lite3_writes_itself_fail_with_sqlite_errors_not_batch_errors() {
    let _sqlite = common::sqlite_turn();
    let mut conn = connection();
    conn.execute_batch("BEGIN").unwrap();
    let err = conn.transaction().unwrap_err();
    assert!(matches!(err, Error::Sqlite(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "cannot start a transaction within a transaction"
    );
    conn.execute_batch("ROLLBACK").unwrap();

    let tx = conn.transaction().unwrap();
    tx.execute_batch("COMMIT").unwrap(); // ended by hand through the guard
    let err = tx.commit().unwrap_err();
    assert!(matches!(err, Error::Sqlite(_)), "{err:?}");
}

/// Drops a transaction with one insert done while a profiler panics on `ROLLBACK`: during the
/// application's own panic (`while_unwinding`) or plainly. Returns the panic that came out, and
/// checks that the rollback happened and the connection still works.
fn drop_a_transaction_under_a_panicking_profiler(while_unwinding: bool) -> String {
    let mut conn = connection();
    conn.profile(Some(common::profiler_panicking_on_rollback()))
        .unwrap();
    let caught = catch_unwind(AssertUnwindSafe(|| {
        let tx = conn.transaction().unwrap();
        tx.execute("INSERT INTO t VALUES (1)", ()).unwrap();
        if while_unwinding {
            panic!("the application's own panic");
        }
        drop(tx);
    }))
    .unwrap_err();
    conn.profile(None::<fn(&str, std::time::Duration)>).unwrap();
    assert!(conn.is_autocommit());
    assert_eq!(rows(&conn), 0);
    conn.transaction().unwrap().commit().unwrap();
    caught.downcast_ref::<&str>().unwrap().to_string()
}

#[test]
fn a_transaction_dropped_while_unwinding_survives_a_panicking_profiler() {
    let _sqlite = common::sqlite_turn();
    // Before the fix the profiler's panic resumed inside the unwinding drop: an abort.
    assert_eq!(
        drop_a_transaction_under_a_panicking_profiler(true),
        "the application's own panic"
    );
}

#[test]
fn a_profiler_panicking_in_a_plain_drop_resumes_in_the_dropper_and_the_rollback_happened() {
    let _sqlite = common::sqlite_turn();
    assert_eq!(
        drop_a_transaction_under_a_panicking_profiler(false),
        "profiler panics on ROLLBACK"
    );
}

fn count(conn: &Connection) -> i64 {
    conn.query_row("SELECT count(*) FROM t", (), |r| r.get(0))
        .unwrap()
}

#[test]
fn drop_behavior_decides_what_a_forgotten_guard_does() {
    use lite3::DropBehavior;
    let _turn = common::sqlite_turn();
    let mut conn = Connection::open_in_memory().unwrap();
    conn.execute("CREATE TABLE t(x)", ()).unwrap();
    for (behavior, kept) in [(DropBehavior::Rollback, 0), (DropBehavior::Commit, 1)] {
        conn.execute("DELETE FROM t", ()).unwrap();
        let mut tx = conn.transaction().unwrap();
        tx.set_drop_behavior(behavior);
        tx.execute("INSERT INTO t VALUES (1)", ()).unwrap();
        drop(tx);
        assert!(conn.is_autocommit(), "{behavior:?}");
        assert_eq!(count(&conn), kept, "{behavior:?}");
    }
    // Ignore leaves the transaction open for the caller to end.
    let mut tx = conn.transaction().unwrap();
    tx.set_drop_behavior(DropBehavior::Ignore);
    tx.execute("INSERT INTO t VALUES (2)", ()).unwrap();
    drop(tx);
    assert!(!conn.is_autocommit());
    conn.execute_batch("ROLLBACK").unwrap();
    // Panic panics in the dropper, after rolling back.
    let mut tx = conn.transaction().unwrap();
    tx.set_drop_behavior(DropBehavior::Panic);
    tx.execute("INSERT INTO t VALUES (3)", ()).unwrap();
    assert!(catch_unwind(AssertUnwindSafe(|| drop(tx))).is_err());
    assert!(conn.is_autocommit());
    assert_eq!(count(&conn), 1);
    // A committed guard with Panic does not panic.
    let mut tx = conn.transaction().unwrap();
    tx.set_drop_behavior(DropBehavior::Panic);
    tx.commit().unwrap();
    // Savepoints: Commit releases, the enclosing transaction decides.
    let mut tx = conn.transaction().unwrap();
    {
        let mut sp = tx.savepoint_with_name("it's \"named\"").unwrap();
        sp.set_drop_behavior(DropBehavior::Commit);
        sp.execute("INSERT INTO t VALUES (4)", ()).unwrap();
    }
    tx.commit().unwrap();
    assert_eq!(count(&conn), 2);
}

#[test]
fn a_panic_guard_dropped_while_unwinding_rolls_back_without_aborting() {
    use lite3::DropBehavior;
    let _turn = common::sqlite_turn();
    let mut conn = Connection::open_in_memory().unwrap();
    conn.execute("CREATE TABLE t(x)", ()).unwrap();
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut tx = conn.transaction().unwrap();
        tx.set_drop_behavior(DropBehavior::Panic);
        tx.execute("INSERT INTO t VALUES (1)", ()).unwrap();
        panic!("the caller's own panic");
    }));
    assert!(result.is_err());
    assert!(conn.is_autocommit());
    assert_eq!(count(&conn), 0);
}

#[test]
fn an_unchecked_transaction_works_through_a_shared_reference_and_refuses_nesting() {
    let _turn = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    conn.execute("CREATE TABLE t(x)", ()).unwrap();
    let tx = conn.unchecked_transaction().unwrap();
    tx.execute("INSERT INTO t VALUES (1)", ()).unwrap();
    let nested = conn.unchecked_transaction().unwrap_err();
    assert_eq!(nested.sqlite_code(), Some(ErrorCode::Error));
    tx.commit().unwrap();
    assert_eq!(count(&conn), 1);
    let tx = conn.unchecked_transaction().unwrap();
    tx.execute("INSERT INTO t VALUES (2)", ()).unwrap();
    drop(tx);
    assert_eq!(count(&conn), 1, "rolled back on drop");
}

#[test]
fn statements_run_by_hand_are_refused_in_a_dead_transaction_too() {
    let _sqlite = common::sqlite_turn();
    let mut conn = connection();
    let tx = conn.transaction().unwrap();
    let mut insert = tx.prepare("INSERT INTO t VALUES (?1)").unwrap();
    let mut select = tx.prepare("SELECT count(*) FROM t").unwrap();
    insert.raw_bind_parameter(1, 7).unwrap();
    interrupted(tx.execute(INTERRUPTED_WRITE, ()));
    let err = insert.raw_execute().unwrap_err();
    assert!(matches!(err, Error::TransactionRolledBack), "{err}");
    let err = select.raw_query().unwrap_err();
    assert!(matches!(err, Error::TransactionRolledBack), "{err}");
    drop((insert, select));
    drop(tx);
    assert_eq!(rows(&conn), 0);
}
