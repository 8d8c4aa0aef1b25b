//! Behaviour of the safe API beyond the doc examples: transactions, the statement cache,
//! callbacks' lifetimes, the busy handler, pragmas and statement metadata.
// Plain connections: single-threaded builds refuse them (see single_thread.rs and worker.rs).

mod common;

use common::TempDir;
use lite3::{Connection, Error, ErrorCode, FunctionFlags, TransactionBehavior, Value, params};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

fn count(conn: &Connection) -> i64 {
    conn.query_row("SELECT count(*) FROM t", (), |r| r.get(0))
        .unwrap()
}

#[test]
fn transactions_commit_roll_back_and_roll_back_on_drop() {
    let _sqlite = common::sqlite_turn();
    let mut conn = Connection::open_in_memory().unwrap();
    conn.execute("CREATE TABLE t(x)", ()).unwrap();
    for behavior in [
        TransactionBehavior::Deferred,
        TransactionBehavior::Immediate,
        TransactionBehavior::Exclusive,
    ] {
        let tx = conn.transaction_with_behavior(behavior).unwrap();
        tx.execute("INSERT INTO t VALUES (1)", ()).unwrap();
        assert!(!tx.is_autocommit());
        tx.commit().unwrap();
    }
    assert_eq!(count(&conn), 3);
    let tx = conn.transaction().unwrap();
    tx.execute("INSERT INTO t VALUES (2)", ()).unwrap();
    tx.rollback().unwrap();
    {
        let tx = conn.transaction().unwrap();
        tx.execute("INSERT INTO t VALUES (3)", ()).unwrap();
    }
    assert_eq!(count(&conn), 3);
    assert!(conn.is_autocommit());
}

#[test]
fn a_panic_inside_a_transaction_rolls_it_back() {
    let _sqlite = common::sqlite_turn();
    let mut conn = Connection::open_in_memory().unwrap();
    conn.execute("CREATE TABLE t(x)", ()).unwrap();
    let result = catch_unwind(AssertUnwindSafe(|| {
        let tx = conn.transaction().unwrap();
        tx.execute("INSERT INTO t VALUES (1)", ()).unwrap();
        panic!("midway");
    }));
    assert!(result.is_err());
    assert!(conn.is_autocommit());
    assert_eq!(count(&conn), 0);
}

#[test]
fn nested_savepoints() {
    let _sqlite = common::sqlite_turn();
    let mut conn = Connection::open_in_memory().unwrap();
    conn.execute("CREATE TABLE t(x)", ()).unwrap();
    let mut tx = conn.transaction().unwrap();
    tx.execute("INSERT INTO t VALUES (1)", ()).unwrap();
    {
        let mut sp = tx.savepoint().unwrap();
        sp.execute("INSERT INTO t VALUES (2)", ()).unwrap();
        {
            let inner = sp.savepoint().unwrap();
            inner.execute("INSERT INTO t VALUES (3)", ()).unwrap();
            inner.rollback().unwrap();
        }
        {
            let inner = sp.savepoint().unwrap();
            inner.execute("INSERT INTO t VALUES (4)", ()).unwrap();
            inner.commit().unwrap();
        }
        sp.commit().unwrap();
    }
    {
        let sp = tx.savepoint().unwrap();
        sp.execute("INSERT INTO t VALUES (5)", ()).unwrap();
        // dropped: rolled back
    }
    tx.commit().unwrap();
    let xs: Vec<i64> = conn
        .prepare("SELECT x FROM t ORDER BY x")
        .unwrap()
        .query_map((), |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(xs, [1, 2, 4]);
}

#[test]
fn cached_statements_are_reused_reset_and_cleared() {
    let _sqlite = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    conn.execute("CREATE TABLE t(x)", ()).unwrap();
    let sql = "SELECT ?1";
    {
        let mut stmt = conn.prepare_cached(sql).unwrap();
        let mut rows = stmt.query((5,)).unwrap();
        assert_eq!(rows.next().unwrap().unwrap().get::<_, i64>(0).unwrap(), 5);
        // Rows left unfinished: going back to the cache must reset the statement.
    }
    let stmt = conn.prepare_cached(sql).unwrap();
    assert_eq!(
        stmt.expanded_sql().as_deref(),
        Some("SELECT NULL"),
        "bindings must be cleared"
    );
    drop(stmt);
    // Capacity 0 disables caching; capacity changes evict.
    conn.set_prepared_statement_cache_capacity(0);
    conn.prepare_cached(sql)
        .unwrap()
        .query_row((1,), |r| r.get::<_, i64>(0))
        .unwrap();
    conn.set_prepared_statement_cache_capacity(2);
    for i in 0..10 {
        conn.execute("INSERT INTO t VALUES (?1)", (i,)).unwrap();
        conn.query_row(&format!("SELECT {i}"), (), |r| r.get::<_, i64>(0))
            .unwrap();
    }
    assert_eq!(count(&conn), 10);
}

#[test]
fn a_schema_change_is_picked_up_by_cached_statements() {
    let _sqlite = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    conn.execute("CREATE TABLE t(a)", ()).unwrap();
    conn.execute("INSERT INTO t VALUES (1)", ()).unwrap();
    assert_eq!(
        conn.prepare_cached("SELECT * FROM t")
            .unwrap()
            .column_count(),
        1
    );
    conn.execute("ALTER TABLE t ADD COLUMN b DEFAULT 2", ())
        .unwrap();
    let (a, b): (i64, i64) = conn
        .query_row("SELECT * FROM t", (), |r| {
            assert_eq!(
                r.column_count(),
                2,
                "the row sees the re-prepared statement"
            );
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((a, b), (1, 2));

    // The same through Rows, and a column the new schema does not have is still refused.
    conn.execute("ALTER TABLE t ADD COLUMN c DEFAULT 3", ())
        .unwrap();
    let mut stmt = conn.prepare_cached("SELECT * FROM t").unwrap();
    let mut rows = stmt.query(()).unwrap();
    let row = rows.next().unwrap().unwrap();
    assert_eq!(row.get::<_, i64>(2).unwrap(), 3);
    assert!(matches!(
        row.get::<_, i64>(3),
        Err(lite3::Error::InvalidColumn(_))
    ));
}

/// Counts how many of its copies are alive.
struct Tracked(Arc<AtomicUsize>);

impl Tracked {
    fn new(live: &Arc<AtomicUsize>) -> Self {
        live.fetch_add(1, Ordering::SeqCst);
        Self(Arc::clone(live))
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

#[test]
fn function_closures_are_freed_when_replaced_removed_or_closed() {
    let _sqlite = common::sqlite_turn();
    let live = Arc::new(AtomicUsize::new(0));
    let conn = Connection::open_in_memory().unwrap();
    let make = |value: i64| {
        let tracked = Tracked::new(&live);
        move |_: &mut lite3::Context<'_>| {
            let _keep = &tracked;
            Ok(value)
        }
    };
    conn.create_scalar_function("f", 0, FunctionFlags::DETERMINISTIC, make(1))
        .unwrap();
    assert_eq!(live.load(Ordering::SeqCst), 1);
    conn.create_scalar_function("f", 0, FunctionFlags::DETERMINISTIC, make(2))
        .unwrap();
    assert_eq!(
        live.load(Ordering::SeqCst),
        1,
        "the replaced closure is freed"
    );
    assert_eq!(
        conn.query_row("SELECT f()", (), |r| r.get::<_, i64>(0))
            .unwrap(),
        2
    );
    conn.remove_function("f", 0).unwrap();
    assert_eq!(
        live.load(Ordering::SeqCst),
        0,
        "the removed closure is freed"
    );
    conn.create_scalar_function("g", 0, FunctionFlags::empty(), make(3))
        .unwrap();
    conn.create_scalar_function("h", -1, FunctionFlags::empty(), make(4))
        .unwrap();
    assert_eq!(live.load(Ordering::SeqCst), 2);
    drop(conn);
    assert_eq!(
        live.load(Ordering::SeqCst),
        0,
        "closing frees every closure"
    );
}

#[test]
fn replacing_a_function_while_a_statement_uses_it_is_refused_and_leaks_nothing() {
    let _sqlite = common::sqlite_turn();
    let live = Arc::new(AtomicUsize::new(0));
    let conn = Connection::open_in_memory().unwrap();
    let tracked = Tracked::new(&live);
    conn.create_scalar_function("f", 1, FunctionFlags::empty(), move |ctx| {
        let _keep = &tracked;
        ctx.get::<i64>(0)
    })
    .unwrap();
    let mut stmt = conn.prepare("SELECT f(1) UNION ALL SELECT f(2)").unwrap();
    let mut rows = stmt.query(()).unwrap();
    assert_eq!(rows.next().unwrap().unwrap().get::<_, i64>(0).unwrap(), 1);
    let tracked2 = Tracked::new(&live);
    let err = conn
        .create_scalar_function("f", 1, FunctionFlags::empty(), move |_| {
            let _keep = &tracked2;
            Ok(0)
        })
        .unwrap_err();
    assert_eq!(err.sqlite_code(), Some(ErrorCode::Busy));
    assert_eq!(
        live.load(Ordering::SeqCst),
        1,
        "the refused closure was freed, the running one kept"
    );
    assert_eq!(rows.next().unwrap().unwrap().get::<_, i64>(0).unwrap(), 2);
}

#[test]
fn function_arguments_and_results_of_every_type() {
    let _sqlite = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    conn.create_scalar_function("echo", 1, FunctionFlags::DETERMINISTIC, |ctx| {
        Ok(ctx.get_ref(0)?.to_owned())
    })
    .unwrap();
    conn.create_scalar_function("argc", -1, FunctionFlags::empty(), |ctx| {
        Ok(ctx.len() as i64)
    })
    .unwrap();
    for value in [
        Value::Null,
        Value::Integer(-7),
        Value::Real(2.5),
        Value::Text("t\0x".into()),
        Value::Blob(vec![0, 1]),
    ] {
        let back: Value = conn
            .query_row("SELECT echo(?1)", (&value,), |r| r.get(0))
            .unwrap();
        assert_eq!(back, value);
    }
    assert_eq!(
        conn.query_row("SELECT argc(1, 2, 3)", (), |r| r.get::<_, i64>(0))
            .unwrap(),
        3
    );
    assert!(matches!(
        conn.create_scalar_function("bad\0name", 0, FunctionFlags::empty(), |_| Ok(0)),
        Err(Error::Nul { .. })
    ));
}

#[test]
fn busy_handler_is_called_and_can_give_up_and_its_panic_resumes() {
    let _sqlite = common::sqlite_turn();
    let dir = TempDir::new("busy");
    let path = dir.0.join("busy.db");
    let holder = Connection::open(&path).unwrap();
    holder
        .execute_batch("CREATE TABLE t(x); BEGIN EXCLUSIVE; INSERT INTO t VALUES (1);")
        .unwrap();
    let waiter = Connection::open(&path).unwrap();

    let attempts = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&attempts);
    waiter
        .busy_handler(Some(move |attempt: u32| {
            seen.store(attempt as usize + 1, Ordering::SeqCst);
            attempt < 2
        }))
        .unwrap();
    let err = waiter.execute("INSERT INTO t VALUES (2)", ()).unwrap_err();
    assert_eq!(err.sqlite_code(), Some(ErrorCode::Busy));
    assert_eq!(attempts.load(Ordering::SeqCst), 3);

    waiter.busy_handler(Some(|_| panic!("impatient"))).unwrap();
    let payload = catch_unwind(AssertUnwindSafe(|| {
        waiter.execute("INSERT INTO t VALUES (3)", ())
    }))
    .unwrap_err();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"impatient"));

    waiter.busy_handler(None::<fn(u32) -> bool>).unwrap();
    waiter
        .busy_timeout(std::time::Duration::from_millis(20))
        .unwrap();
    assert_eq!(
        waiter
            .execute("INSERT INTO t VALUES (4)", ())
            .unwrap_err()
            .sqlite_code(),
        Some(ErrorCode::Busy)
    );

    holder.execute_batch("COMMIT").unwrap();
    waiter.execute("INSERT INTO t VALUES (5)", ()).unwrap();
    assert_eq!(count(&waiter), 2);
}

#[test]
fn pragmas_never_splice_text_into_sql() {
    let _sqlite = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    conn.execute("CREATE TABLE t(x)", ()).unwrap();
    conn.pragma_update(None, "user_version", 42).unwrap();
    assert_eq!(
        conn.pragma_query_value(Some("main"), "user_version", |r| r.get::<_, i64>(0))
            .unwrap(),
        42
    );
    // A hostile value stays a string literal: the table survives.
    let _ = conn.pragma_update(None, "application_id", "1; DROP TABLE t; --");
    assert_eq!(count(&conn), 0);
    assert!(matches!(
        conn.pragma_update(None, "user_version; DROP TABLE t", 1),
        Err(Error::InvalidIdentifier { .. })
    ));
    let mut names = Vec::new();
    conn.pragma(Some("main"), "table_info", "t", |row| {
        names.push(row.get::<_, String>(1)?);
        Ok(())
    })
    .unwrap();
    assert_eq!(names, ["x"]);
}

#[test]
fn statement_metadata() {
    let _sqlite = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    conn.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)", ())
        .unwrap();
    let stmt = conn
        .prepare("SELECT id, name AS n, 1 + 1 FROM t WHERE id = :id OR name = @name")
        .unwrap();
    assert_eq!(stmt.column_count(), 3);
    assert_eq!(stmt.column_names(), ["id", "n", "1 + 1"]);
    assert_eq!(stmt.column_decltype(0), Some("INTEGER"));
    assert_eq!(stmt.column_decltype(2), None);
    assert_eq!(stmt.column_index("N").unwrap(), 1);
    assert_eq!(stmt.parameter_count(), 2);
    assert_eq!(stmt.parameter_name(2), Some("@name"));
    assert!(stmt.readonly());
    assert!(!conn.prepare("DELETE FROM t").unwrap().readonly());
    let mut insert = conn.prepare("INSERT INTO t(name) VALUES ($name)").unwrap();
    insert.execute(lite3::named_params! {"$name": "x"}).unwrap();
    assert_eq!(conn.last_insert_rowid(), 1);
}

#[test]
fn execute_reports_changes_of_this_statement_only() {
    let _sqlite = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    conn.execute("CREATE TABLE t(x)", ()).unwrap();
    assert_eq!(
        conn.execute("INSERT INTO t VALUES (1), (2), (3)", ())
            .unwrap(),
        3
    );
    assert_eq!(conn.execute("CREATE TABLE u(y)", ()).unwrap(), 0);
    assert_eq!(
        conn.execute("UPDATE t SET x = x + 1 WHERE x > ?1", (1,))
            .unwrap(),
        2
    );
    assert_eq!(conn.execute("DELETE FROM t WHERE x > 100", ()).unwrap(), 0);
    // lite3 tells the statements that count changes by their first keyword, past comments.
    assert_eq!(conn.execute("PRAGMA user_version = 5", ()).unwrap(), 0);
    assert_eq!(
        conn.execute("  /* why */ -- note\n update t SET x = x WHERE x = 1", ())
            .unwrap(),
        1
    );
    assert_eq!(
        conn.execute(
            "WITH doomed(v) AS (VALUES (1), (4)) DELETE FROM t WHERE x IN doomed",
            ()
        )
        .unwrap(),
        2
    );
    assert_eq!(conn.execute("REPLACE INTO u VALUES (1)", ()).unwrap(), 1);
    conn.execute(
        "CREATE TRIGGER tr AFTER INSERT ON u BEGIN DELETE FROM t; END",
        (),
    )
    .unwrap();
    assert_eq!(conn.execute("DROP TRIGGER tr", ()).unwrap(), 0);
    let mut by_hand = conn.prepare("DELETE FROM t").unwrap();
    assert_eq!(by_hand.raw_execute().unwrap(), 1);
    assert_eq!(by_hand.raw_execute().unwrap(), 0);
}

#[test]
fn rows_borrow_text_and_blobs_without_copying_and_map() {
    let _sqlite = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(
        "CREATE TABLE t(name TEXT, data BLOB); INSERT INTO t VALUES ('a', x'01'), ('bb', x'0202');",
    )
    .unwrap();
    let mut stmt = conn
        .prepare("SELECT name, data FROM t ORDER BY name")
        .unwrap();
    let mut rows = stmt.query(()).unwrap();
    let mut total = 0;
    while let Some(row) = rows.next().unwrap() {
        let name: &str = row.get(0).unwrap();
        let data: &[u8] = row.get(1).unwrap();
        total += name.len() + data.len();
    }
    assert_eq!(total, 6);
    assert!(rows.next().unwrap().is_none(), "done stays done");
    drop(rows);
    let names: Vec<String> = stmt
        .query_map((), |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(names, ["a", "bb"]);
    let exists = conn
        .prepare("SELECT 1 FROM t WHERE name = ?1")
        .unwrap()
        .exists(params!["bb"])
        .unwrap();
    assert!(exists);
}

#[test]
fn query_parameters_may_be_dropped_before_the_rows_are_read() {
    let _sqlite = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    let mut stmt = conn.prepare("SELECT ?1 || '!'").unwrap();
    let mut rows = {
        let temporary = String::from("copied");
        stmt.query((temporary.as_str(),)).unwrap()
    };
    assert_eq!(
        rows.next().unwrap().unwrap().get::<_, String>(0).unwrap(),
        "copied!"
    );
}

#[test]
fn open_errors_are_clear() {
    let _sqlite = common::sqlite_turn();
    let dir = TempDir::new("open");
    let missing = dir.0.join("no/such/dir/x.db");
    let err = Connection::open(&missing).unwrap_err();
    assert_eq!(err.sqlite_code(), Some(ErrorCode::CantOpen));
    assert!(matches!(
        Connection::open("bad\0path"),
        Err(Error::Nul {
            what: "database path",
            position: 3
        })
    ));
    let ro = Connection::open_with_flags(dir.0.join("absent.db"), lite3::OpenFlags::READ_ONLY)
        .unwrap_err();
    assert_eq!(ro.sqlite_code(), Some(ErrorCode::CantOpen));
    let garbage = dir.0.join("garbage.db");
    std::fs::write(&garbage, vec![b'x'; 4096]).unwrap();
    // Refused at open, before anything could write to it, with what it may be.
    let err = Connection::open(&garbage).unwrap_err();
    assert_eq!(err.sqlite_code(), Some(ErrorCode::NotADatabase));
    assert!(
        err.to_string()
            .contains("file is not a database, or it is encrypted"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&garbage).unwrap(),
        vec![b'x'; 4096],
        "a file that is not a database is left alone"
    );
}

/// Regression: parameters passed by value (owned `String`/`Vec<u8>` in a tuple) are bound
/// without a copy, so they must live until the statement has run, not just until binding.
#[test]
fn owned_parameters_stay_alive_while_the_statement_runs() {
    let _sqlite = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    conn.execute("CREATE TABLE t(name TEXT, data BLOB)", ())
        .unwrap();
    let mut insert = conn.prepare("INSERT INTO t VALUES (?1, ?2)").unwrap();
    for i in 0..2_000u32 {
        insert
            .execute((format!("name-{i:08}"), vec![(i % 251) as u8; 64]))
            .unwrap();
        // Churn the allocator so a freed buffer would be reused and the corruption visible.
        drop(vec![0xEEu8; 64]);
        drop(String::from("xxxxxxxxxxxxx"));
    }
    let mut check = conn
        .prepare("SELECT name, data FROM t WHERE rowid = ?1")
        .unwrap();
    for i in 0..2_000u32 {
        let (name, data): (String, Vec<u8>) = check
            .query_row((i64::from(i) + 1,), |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap();
        assert_eq!(name, format!("name-{i:08}"));
        assert_eq!(data, vec![(i % 251) as u8; 64]);
    }
    let found = conn
        .prepare("SELECT 1 FROM t WHERE name = ?1")
        .unwrap()
        .exists((String::from("name-00000007"),))
        .unwrap();
    assert!(found);
    let echoed: String = conn
        .query_row("SELECT ?1", (String::from("owned"),), |r| r.get(0))
        .unwrap();
    assert_eq!(echoed, "owned");
    let named: Vec<u8> = conn
        .query_row(
            "SELECT :b",
            lite3::named_params! {":b": vec![1u8, 2, 3]},
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(named, [1, 2, 3]);
}

/// Typed reads test for the class they expect first and fall back for every other one: each
/// class read as each common type gives the value or the right error, never a wrong value.
#[test]
fn typed_reads_agree_with_value_ref_for_every_storage_class() {
    let _sqlite = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    let sql = "SELECT NULL, 42, 2.5, 'naïve', x'00ff', 'ascii text'";
    conn.query_row(sql, (), |row| {
        assert_eq!(row.get::<_, Option<i64>>(0)?, None);
        assert!(matches!(
            row.get::<_, i64>(0),
            Err(Error::InvalidType { column: 0, .. })
        ));

        assert_eq!(row.get::<_, i64>(1)?, 42);
        assert_eq!(row.get::<_, f64>(1)?, 42.0, "INTEGER reads as f64");
        assert_eq!(row.get::<_, Option<u8>>(1)?, Some(42));
        assert!(matches!(
            row.get::<_, &str>(1),
            Err(Error::InvalidType { column: 1, .. })
        ));

        assert_eq!(row.get::<_, f64>(2)?, 2.5);
        assert!(matches!(
            row.get::<_, i64>(2),
            Err(Error::InvalidType { column: 2, .. })
        ));

        assert_eq!(
            row.get::<_, &str>(3)?,
            "naïve",
            "non-ASCII text is validated, not refused"
        );
        assert_eq!(
            row.get::<_, &[u8]>(3)?,
            "naïve".as_bytes(),
            "TEXT reads as bytes"
        );
        assert_eq!(row.get::<_, String>(5)?, "ascii text");

        assert_eq!(row.get::<_, &[u8]>(4)?, [0x00, 0xff]);
        assert_eq!(row.get::<_, Vec<u8>>(4)?, vec![0x00, 0xff]);
        assert!(matches!(
            row.get::<_, &str>(4),
            Err(Error::InvalidType { column: 4, .. })
        ));
        for i in 0..6 {
            assert_eq!(row.get::<_, Value>(i)?, row.get_ref(i)?.to_owned());
        }
        Ok(())
    })
    .unwrap();
    // TEXT that is not UTF-8 (SQLite does not check) is an error for &str, bytes for &[u8].
    conn.query_row("SELECT CAST(x'6e616d652dff' AS TEXT)", (), |row| {
        assert!(matches!(
            row.get::<_, &str>(0),
            Err(Error::Utf8 { column: 0, .. })
        ));
        assert_eq!(row.get::<_, &[u8]>(0)?, b"name-\xff");
        Ok(())
    })
    .unwrap();
}
