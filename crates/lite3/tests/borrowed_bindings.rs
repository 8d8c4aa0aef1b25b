//! `execute`, `query_row`, `exists` and `insert` bind text and blobs without a copy and leave
//! those bindings in place after the run (clearing them after every run would cost what C's
//! loop does not pay). These tests prove that nothing reads such a binding once its buffer may
//! be gone: every way of running or describing the statement afterwards either binds every
//! parameter again or sees NULL. Run under valgrind or ASan (`cargo xtask leak`), a stale read
//! would also be reported as a use after free.

mod common;

use lite3::{Connection, Value};

/// A buffer that is freed (and its bytes overwritten) right after the call that borrowed it.
fn gone_after<R>(text: &str, run: impl FnOnce(&str) -> R) -> R {
    let mut buffer = text.to_owned();
    let result = run(&buffer);
    buffer.replace_range(.., &"#".repeat(text.len()));
    drop(buffer);
    result
}

fn rows(conn: &Connection) -> Vec<(Value, Value)> {
    let mut stmt = conn.prepare("SELECT a, b FROM t ORDER BY rowid").unwrap();
    stmt.query_map((), |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .collect::<lite3::Result<_>>()
        .unwrap()
}

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

#[test]
fn a_run_that_binds_every_parameter_again_sees_only_its_own_values() {
    let _turn = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    conn.execute("CREATE TABLE t(a, b)", ()).unwrap();
    let mut insert = conn.prepare("INSERT INTO t VALUES (?1, ?2)").unwrap();
    for i in 0..3 {
        gone_after(&format!("row {i}"), |s| {
            insert.execute((s, &b"blob"[..])).unwrap()
        });
    }
    assert_eq!(
        rows(&conn),
        (0..3)
            .map(|i| (text(&format!("row {i}")), Value::Blob(b"blob".to_vec())))
            .collect::<Vec<_>>()
    );
}

#[test]
fn expanded_sql_after_a_borrowed_run_shows_null_not_freed_memory() {
    let _turn = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    let mut stmt = conn.prepare("SELECT ?1, ?2").unwrap();
    gone_after("borrowed", |s| stmt.query_row((s, 7), |_| Ok(())).unwrap());
    assert_eq!(stmt.expanded_sql().as_deref(), Some("SELECT NULL, NULL"));
    // A run that copies its values keeps them for expanded_sql, also right after a borrowed
    // run (whose bindings it replaced).
    gone_after("borrowed", |s| stmt.query_row((s, 7), |_| Ok(())).unwrap());
    let _ = stmt.query(("copied", 8)).unwrap();
    assert_eq!(stmt.expanded_sql().as_deref(), Some("SELECT 'copied', 8"));
}

#[test]
fn named_parameters_that_leave_one_out_do_not_reuse_an_earlier_borrowed_value() {
    let _turn = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    conn.execute("CREATE TABLE t(a, b)", ()).unwrap();
    let mut insert = conn.prepare("INSERT INTO t VALUES (:a, :b)").unwrap();
    gone_after("first", |s| insert.execute((s, s)).unwrap());
    // Two values for :a and none for :b: the count matches, :b stays unbound.
    gone_after("second", |s| {
        insert
            .execute(&[(":a", &s as &dyn lite3::ToSql), (":a", &s)])
            .unwrap()
    });
    assert_eq!(
        rows(&conn),
        [
            (text("first"), text("first")),
            (text("second"), Value::Null)
        ]
    );
}

#[test]
fn running_by_hand_after_a_borrowed_run_binds_null_where_nothing_was_bound() {
    let _turn = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    conn.execute("CREATE TABLE t(a, b)", ()).unwrap();
    let mut insert = conn.prepare("INSERT INTO t VALUES (?1, ?2)").unwrap();
    gone_after("borrowed", |s| insert.execute((s, s)).unwrap());
    assert_eq!(insert.raw_execute().unwrap(), 1);
    gone_after("again", |s| insert.execute((s, s)).unwrap());
    insert.raw_bind_parameter(2, "by hand").unwrap();
    assert_eq!(insert.raw_execute().unwrap(), 1);
    assert_eq!(
        rows(&conn),
        [
            (text("borrowed"), text("borrowed")),
            (Value::Null, Value::Null),
            (text("again"), text("again")),
            (Value::Null, text("by hand")),
        ]
    );
}

#[test]
fn a_cached_statement_comes_back_without_the_last_users_values() {
    let _turn = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    let sql = "SELECT ?1";
    gone_after("borrowed", |s| {
        conn.prepare_cached(sql)
            .unwrap()
            .query_row((s,), |_| Ok(()))
            .unwrap()
    });
    let stmt = conn.prepare_cached(sql).unwrap();
    assert_eq!(stmt.expanded_sql().as_deref(), Some("SELECT NULL"));
}

#[test]
fn a_trace_callback_sees_the_values_of_the_run_it_traces() {
    let _turn = common::sqlite_turn();
    let mut conn = Connection::open_in_memory().unwrap();
    conn.execute("CREATE TABLE t(a, b)", ()).unwrap();
    let seen = std::sync::Arc::new(parking_lot::Mutex::new(Vec::new()));
    let sink = seen.clone();
    conn.trace_v2(
        lite3::trace::TraceEventCodes::SQLITE_TRACE_STMT,
        Some(move |event: lite3::trace::TraceEvent<'_>| {
            if let lite3::trace::TraceEvent::Stmt(stmt, _) = event {
                sink.lock().extend(stmt.expanded_sql());
            }
        }),
    )
    .unwrap();
    let mut insert = conn.prepare("INSERT INTO t VALUES (?1, ?2)").unwrap();
    gone_after("one", |s| insert.execute((s, 1)).unwrap());
    gone_after("two", |s| insert.execute((s, 2)).unwrap());
    drop(insert);
    assert_eq!(
        *seen.lock(),
        [
            "INSERT INTO t VALUES ('one', 1)",
            "INSERT INTO t VALUES ('two', 2)"
        ]
    );
}
