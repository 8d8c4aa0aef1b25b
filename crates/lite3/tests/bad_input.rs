//! Bad input never crashes or corrupts: each case gets a clear error, the connection stays
//! usable, and nothing already committed is lost.

mod common;
// Plain connections: single-threaded builds refuse them (see single_thread.rs and worker.rs).

use lite3::{
    Connection, Error, ErrorCode, FunctionFlags, Limit, Value, named_params, params_from_iter,
};
use std::panic::{AssertUnwindSafe, catch_unwind};

fn conn_with_table() -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(
        "CREATE TABLE t(id INTEGER PRIMARY KEY, a, b); INSERT INTO t(a, b) VALUES ('kept', 1);",
    )
    .unwrap();
    conn
}

fn rows(conn: &Connection) -> i64 {
    conn.query_row("SELECT count(*) FROM t", (), |r| r.get(0))
        .unwrap()
}

fn assert_usable(conn: &Connection) {
    assert_eq!(
        conn.query_row("SELECT a FROM t WHERE id = 1", (), |r| r
            .get::<_, String>(0))
            .unwrap(),
        "kept"
    );
}

#[test]
fn nul_inside_sql_is_refused_before_sqlite_sees_it() {
    let _sqlite = common::sqlite_turn();
    let conn = conn_with_table();
    for sql in ["SELECT 1\0; DROP TABLE t", "\0"] {
        assert!(matches!(
            conn.execute(sql, ()),
            Err(Error::Nul { what: "SQL", .. })
        ));
        assert!(matches!(
            conn.prepare(sql),
            Err(Error::Nul { what: "SQL", .. })
        ));
        assert!(matches!(
            conn.execute_batch(sql),
            Err(Error::Nul { what: "SQL", .. })
        ));
    }
    assert_usable(&conn);
}

#[test]
fn nul_inside_text_and_blob_round_trips_exactly() {
    let _sqlite = common::sqlite_turn();
    let conn = conn_with_table();
    let text = "before\0after\0";
    let blob = b"\0\x01\0\xff\0".to_vec();
    conn.execute("INSERT INTO t(id, a, b) VALUES (2, ?1, ?2)", (text, &blob))
        .unwrap();
    conn.query_row(
        "SELECT a, b, length(CAST(a AS BLOB)), typeof(a) FROM t WHERE id = 2",
        (),
        |row| {
            assert_eq!(row.get::<_, &str>(0)?, text);
            assert_eq!(row.get::<_, String>(0)?, text);
            assert_eq!(row.get::<_, &[u8]>(1)?, &blob[..]);
            assert_eq!(row.get::<_, i64>(2)?, text.len() as i64);
            assert_eq!(row.get::<_, &str>(3)?, "text");
            Ok(())
        },
    )
    .unwrap();
}

#[test]
fn invalid_utf8_text_is_an_error_as_str_but_readable_as_bytes() {
    let _sqlite = common::sqlite_turn();
    let conn = conn_with_table();
    conn.execute(
        "INSERT INTO t(id, a) VALUES (2, CAST(x'66ff6f' AS TEXT))",
        (),
    )
    .unwrap();
    conn.query_row("SELECT a AS broken FROM t WHERE id = 2", (), |row| {
        match row.get::<_, &str>(0) {
            Err(Error::Utf8 {
                column: 0, name, ..
            }) => assert_eq!(name, "broken"),
            other => panic!("expected a UTF-8 error, got {other:?}"),
        }
        assert!(matches!(
            row.get::<_, String>("broken"),
            Err(Error::Utf8 { .. })
        ));
        assert_eq!(row.get::<_, &[u8]>(0)?, b"f\xffo");
        Ok(())
    })
    .unwrap();
}

#[test]
fn values_over_the_length_limit_are_refused_and_nothing_is_written() {
    let _sqlite = common::sqlite_turn();
    let conn = conn_with_table();
    conn.set_limit(Limit::Length, 1000).unwrap();
    let long_text = "x".repeat(1001);
    let long_blob = vec![7u8; 1001];
    for result in [
        conn.execute("INSERT INTO t(a) VALUES (?1)", (&long_text,)),
        conn.execute("INSERT INTO t(a) VALUES (?1)", (&long_blob,)),
        conn.prepare("INSERT INTO t(a) VALUES (?1)")
            .unwrap()
            .execute((&long_blob,)),
    ] {
        match result {
            Err(Error::TooBig {
                len: 1001,
                limit: 1000,
                ..
            }) => {}
            other => panic!("expected TooBig, got {other:?}"),
        }
    }
    // Below the limit is fine (the whole row must fit it too).
    conn.execute("INSERT INTO t(a) VALUES (?1)", (&long_blob[..900],))
        .unwrap();
    assert_eq!(rows(&conn), 2);
    assert_usable(&conn);
}

#[test]
fn values_over_2_gib_are_refused_without_truncation() {
    let _sqlite = common::sqlite_turn();
    let conn = conn_with_table();
    let len = (1usize << 31) + 1;
    let huge = vec![0u8; len]; // calloc'd: the pages are never touched
    let huge_text = std::str::from_utf8(&huge).unwrap();
    for result in [
        conn.execute("INSERT INTO t(a) VALUES (?1)", (&huge[..],)),
        conn.execute("INSERT INTO t(a) VALUES (?1)", (huge_text,)),
    ] {
        match result {
            Err(Error::TooBig { len: l, .. }) => assert_eq!(l, len),
            other => panic!("expected TooBig, got {other:?}"),
        }
    }
    assert_eq!(rows(&conn), 1);
    assert_usable(&conn);
}

#[test]
fn wrong_parameter_count_index_or_name() {
    let _sqlite = common::sqlite_turn();
    let conn = conn_with_table();
    let insert = "INSERT INTO t(a, b) VALUES (?1, ?2)";
    assert!(matches!(
        conn.execute(insert, (1,)),
        Err(Error::ParameterCount {
            expected: 2,
            given: 1
        })
    ));
    assert!(matches!(
        conn.execute(insert, (1, 2, 3)),
        Err(Error::ParameterCount {
            expected: 2,
            given: 3
        })
    ));
    assert!(matches!(
        conn.execute(insert, ()),
        Err(Error::ParameterCount {
            expected: 2,
            given: 0
        })
    ));
    assert!(matches!(
        conn.execute(insert, params_from_iter([1, 2, 3])),
        Err(Error::ParameterCount {
            expected: 2,
            given: 3
        })
    ));
    let named = "INSERT INTO t(a, b) VALUES (:a, :b)";
    match conn.execute(named, named_params! {":a": 1, ":nope": 2}) {
        Err(Error::UnknownParameter(name)) => assert_eq!(name, ":nope"),
        other => panic!("expected UnknownParameter, got {other:?}"),
    }
    assert!(matches!(
        conn.execute(named, named_params! {":a": 1}),
        Err(Error::ParameterCount { .. })
    ));
    let result = conn.query_row("SELECT 1", (1,), |r| r.get::<_, i64>(0));
    assert!(matches!(
        result,
        Err(Error::ParameterCount {
            expected: 0,
            given: 1
        })
    ));
    assert_eq!(rows(&conn), 1);
    assert_usable(&conn);
}

#[test]
fn execute_of_two_statements_runs_neither() {
    let _sqlite = common::sqlite_turn();
    let conn = conn_with_table();
    match conn.execute("INSERT INTO t(a) VALUES ('one'); DROP TABLE t", ()) {
        Err(Error::MultipleStatements { offset }) => assert_eq!(offset, 33),
        other => panic!("expected MultipleStatements, got {other:?}"),
    }
    assert!(matches!(
        conn.prepare("SELECT 1; SELECT 2"),
        Err(Error::MultipleStatements { .. })
    ));
    // Trailing semicolons and comments are not a second statement.
    conn.execute("INSERT INTO t(a) VALUES ('two'); -- note\n ;", ())
        .unwrap();
    assert_eq!(rows(&conn), 2);
    assert_usable(&conn);
}

#[test]
fn empty_and_whitespace_only_sql() {
    let _sqlite = common::sqlite_turn();
    let conn = conn_with_table();
    for sql in [
        "",
        "   ",
        " \n\t ",
        ";",
        "-- only a comment",
        "/* block */ ;",
    ] {
        assert!(
            matches!(conn.execute(sql, ()), Err(Error::EmptySql)),
            "{sql:?}"
        );
        assert!(matches!(conn.prepare(sql), Err(Error::EmptySql)), "{sql:?}");
        conn.execute_batch(sql).unwrap();
    }
    assert_usable(&conn);
}

#[test]
fn execute_refuses_statements_that_return_rows_without_running_them() {
    let _sqlite = common::sqlite_turn();
    let conn = conn_with_table();
    let result = conn.execute("INSERT INTO t(a) VALUES ('x') RETURNING id", ());
    assert!(matches!(result, Err(Error::ExecuteReturnedRows)));
    assert_eq!(rows(&conn), 1);
}

#[test]
fn conversions_are_checked_and_name_the_column() {
    let _sqlite = common::sqlite_turn();
    let conn = conn_with_table();
    conn.query_row(
        "SELECT NULL AS n, 'text' AS s, 300 AS big, -1 AS neg, 1.5 AS r",
        (),
        |row| {
            match row.get::<_, i64>("n") {
                Err(Error::InvalidType {
                    column: 0,
                    name,
                    from: lite3::types::Type::Null,
                    to,
                }) => {
                    assert_eq!((name.as_str(), to), ("n", "i64"));
                }
                other => panic!("expected InvalidType, got {other:?}"),
            }
            assert!(matches!(
                row.get::<_, i64>(1),
                Err(Error::InvalidType { column: 1, .. })
            ));
            assert!(matches!(
                row.get::<_, u8>(2),
                Err(Error::IntegerOutOfRange {
                    column: Some(2),
                    ..
                })
            ));
            assert!(matches!(
                row.get::<_, u64>(3),
                Err(Error::IntegerOutOfRange {
                    column: Some(3),
                    ..
                })
            ));
            assert!(matches!(
                row.get::<_, i64>(4),
                Err(Error::InvalidType { .. })
            ));
            assert!(matches!(row.get::<_, i64>(5), Err(Error::InvalidColumn(_))));
            // Indexes past C's int range must not wrap around to a valid column.
            for huge in [1 << 31, (1 << 32) + 1, usize::MAX] {
                let err = row.get::<_, Option<i64>>(huge).unwrap_err();
                assert_eq!(err.to_string(), format!("the result has no column {huge}"));
                assert!(matches!(row.get_ref(huge), Err(Error::InvalidColumn(_))));
            }
            assert!(matches!(
                row.get::<_, i64>("missing"),
                Err(Error::InvalidColumn(_))
            ));
            assert_eq!(row.get::<_, Option<i64>>(0)?, None);
            assert_eq!(row.get::<_, u16>(2)?, 300);
            assert_eq!(row.get::<_, f64>(2)?, 300.0);
            assert_eq!(row.get::<_, Value>(4)?, Value::Real(1.5));
            Ok(())
        },
    )
    .unwrap();
    let too_big = u64::MAX;
    assert!(matches!(
        conn.execute("INSERT INTO t(a) VALUES (?1)", (too_big,)),
        Err(Error::IntegerOutOfRange { .. })
    ));
    conn.execute("INSERT INTO t(a) VALUES (?1)", (i64::MAX as u64,))
        .unwrap();
    assert_eq!(rows(&conn), 2);
}

#[test]
fn closing_with_an_open_transaction_rolls_it_back() {
    let _sqlite = common::sqlite_turn();
    let dir = std::env::temp_dir().join(format!("lite3-close-tx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("close.db");
    let _ = std::fs::remove_file(&path);
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES ('committed');")
            .unwrap();
        conn.execute_batch("BEGIN; INSERT INTO t VALUES ('pending');")
            .unwrap();
        assert!(!conn.is_autocommit());
        conn.close().map_err(|(_, e)| e).unwrap();
    }
    {
        let mut conn = Connection::open(&path).unwrap();
        let tx = conn.transaction().unwrap();
        tx.execute("INSERT INTO t VALUES ('dropped with the connection')", ())
            .unwrap();
        std::mem::forget(tx); // the guard never runs: closing must still roll back
        drop(conn);
    }
    let conn = Connection::open(&path).unwrap();
    let all: Vec<String> = conn
        .prepare("SELECT x FROM t")
        .unwrap()
        .query_map((), |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(all, ["committed"]);
    assert_eq!(
        conn.query_row("PRAGMA integrity_check", (), |r| r.get::<_, String>(0))
            .unwrap(),
        "ok"
    );
    drop(conn);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn panic_in_a_user_function_resumes_in_the_caller_after_sqlite_unwinds() {
    let _sqlite = common::sqlite_turn();
    let conn = conn_with_table();
    conn.create_scalar_function("explode", 1, FunctionFlags::empty(), |ctx| {
        if ctx.get::<i64>(0)? == 3 {
            panic!("boom at 3");
        }
        ctx.get::<i64>(0)
    })
    .unwrap();
    let payload = catch_unwind(AssertUnwindSafe(|| {
        conn.execute("INSERT INTO t(a) SELECT explode(value) FROM (SELECT 1 AS value UNION ALL SELECT 2 UNION ALL SELECT 3)", ())
    }))
    .expect_err("the panic must reach the caller");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom at 3"));
    // The failed statement's rows are absent; the connection is usable and not in a transaction.
    assert_eq!(rows(&conn), 1);
    assert!(conn.is_autocommit());
    assert_usable(&conn);
    assert_eq!(
        conn.query_row("SELECT explode(7)", (), |r| r.get::<_, i64>(0))
            .unwrap(),
        7
    );
}

#[derive(Debug)]
struct NoCanDo;

impl std::fmt::Display for NoCanDo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("no can do")
    }
}

impl std::error::Error for NoCanDo {}

#[test]
fn user_function_errors_reach_the_caller_as_they_were_returned() {
    let _sqlite = common::sqlite_turn();
    let conn = conn_with_table();
    conn.create_scalar_function(
        "fails",
        0,
        FunctionFlags::empty(),
        |_| -> lite3::Result<i64> { Err(Error::UserFunction(Box::new(NoCanDo))) },
    )
    .unwrap();
    let err = conn
        .query_row("SELECT fails()", (), |r| r.get::<_, i64>(0))
        .unwrap_err();
    assert_eq!(err.to_string(), "user function failed: no can do");
    let Error::UserFunction(source) = &err else {
        panic!("{err:?}")
    };
    assert!(
        source.downcast_ref::<NoCanDo>().is_some(),
        "the user's own type"
    );
    // A conversion error inside the function is lite3's, naming the argument.
    conn.create_scalar_function("wants_int", 1, FunctionFlags::empty(), |ctx| {
        ctx.get::<i64>(0)
    })
    .unwrap();
    let err = conn
        .query_row("SELECT wants_int('x')", (), |r| r.get::<_, i64>(0))
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidType { column: 0, .. }),
        "{err:?}"
    );
    // Through execute and a statement's rows as well.
    let err = conn
        .execute("INSERT INTO t(a) VALUES (fails())", ())
        .unwrap_err();
    assert!(matches!(err, Error::UserFunction(_)));
    assert_usable(&conn);
    assert!(
        conn.execute("SELECT 1 FROM nowhere", ())
            .unwrap_err()
            .sqlite_code()
            == Some(ErrorCode::Error)
    );
}

#[test]
fn constraint_failures_keep_earlier_data() {
    let _sqlite = common::sqlite_turn();
    let conn = conn_with_table();
    conn.execute("CREATE UNIQUE INDEX t_a ON t(a)", ()).unwrap();
    let err = conn
        .execute("INSERT INTO t(a) VALUES ('kept')", ())
        .unwrap_err();
    let Error::Sqlite(e) = err else {
        panic!("expected an SQLite error")
    };
    assert_eq!(
        (e.code, e.extended_code),
        (ErrorCode::Constraint, lite3::ffi::SQLITE_CONSTRAINT_UNIQUE)
    );
    assert_eq!(e.message, "UNIQUE constraint failed: t.a");
    assert_eq!(rows(&conn), 1);
}

/// A database file can hold names that are not UTF-8 (SQLite does not check); lite3 returns them
/// lossy, never as "" and never by panicking. The table is made through the raw handle, since
/// lite3's own API only takes valid UTF-8 SQL.
#[test]
fn names_that_are_not_utf8_come_back_lossy_not_empty() {
    let _sqlite = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    let sql = b"CREATE TABLE t(\"caf\xff\" \"T\xfeXT\", ok INTEGER)\0";
    // SAFETY: the handle is open and used on this thread only; `sql` is NUL-terminated; no
    // callback or error message is requested.
    let rc = unsafe {
        lite3::ffi::sqlite3_exec(
            conn.handle(),
            sql.as_ptr().cast(),
            None,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        )
    };
    assert_eq!(rc, lite3::ffi::SQLITE_OK);
    conn.execute("INSERT INTO t VALUES ('x', 1)", ()).unwrap();
    let stmt = conn.prepare("SELECT * FROM t").unwrap();
    assert_eq!(stmt.column_names(), ["caf\u{fffd}", "ok"]);
    assert_eq!(stmt.column_name(0).unwrap(), "caf\u{fffd}");
    assert_eq!(stmt.column_decltype(0), Some("T\u{fffd}XT"));
    // Asking again hands out the same copy rather than a new one each time.
    assert!(std::ptr::eq(
        stmt.column_name(0).unwrap(),
        stmt.column_name(0).unwrap()
    ));
    let err = conn
        .query_row("SELECT * FROM t", (), |r| r.get::<_, i64>(0))
        .unwrap_err();
    assert!(err.to_string().contains("caf\u{fffd}"), "{err}");
    let debug = conn
        .query_row("SELECT * FROM t", (), |r| Ok(format!("{r:?}")))
        .unwrap();
    assert!(debug.contains("caf\u{fffd}"), "{debug}");
}
