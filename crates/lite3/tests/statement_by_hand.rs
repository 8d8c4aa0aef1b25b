//! Running statements by hand: `raw_bind_parameter`, `raw_execute`, `raw_query`,
//! `clear_bindings`, `finalize`, `columns`, `is_explain`.

mod common;

use lite3::{Connection, Error};

#[test]
fn bound_values_stay_for_every_run_until_cleared() {
    let _turn = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    conn.execute("CREATE TABLE t(a, b)", ()).unwrap();
    let mut insert = conn.prepare("INSERT INTO t VALUES (:a, ?2)").unwrap();
    // The bound text is a copy: the String can go before the run.
    let text = String::from("copied");
    insert.raw_bind_parameter(":a", text.as_str()).unwrap();
    drop(text);
    insert.raw_bind_parameter(2, 1).unwrap();
    assert_eq!(insert.raw_execute().unwrap(), 1);
    insert.raw_bind_parameter(2, 2).unwrap();
    assert_eq!(insert.raw_execute().unwrap(), 1, "the text is still bound");
    insert.clear_bindings();
    insert.raw_execute().unwrap();
    let mut select = conn.prepare("SELECT a, b FROM t ORDER BY rowid").unwrap();
    let mut rows = select.raw_query().unwrap();
    let mut seen = Vec::new();
    while let Some(row) = rows.next().unwrap() {
        seen.push((
            row.get::<_, Option<String>>(0).unwrap(),
            row.get::<_, Option<i64>>(1).unwrap(),
        ));
    }
    assert_eq!(
        seen,
        [
            (Some("copied".to_owned()), Some(1)),
            (Some("copied".to_owned()), Some(2)),
            (None, None)
        ]
    );
    drop(rows);
    select.finalize().unwrap();
}

#[test]
fn bad_positions_and_statements_are_refused() {
    let _turn = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    let mut stmt = conn.prepare("SELECT ?1").unwrap();
    assert!(matches!(
        stmt.raw_bind_parameter(0, 1),
        Err(Error::ParameterIndex { index: 0, count: 1 })
    ));
    assert!(matches!(
        stmt.raw_bind_parameter(2, 1),
        Err(Error::ParameterIndex { index: 2, count: 1 })
    ));
    assert!(matches!(
        stmt.raw_bind_parameter(":nope", 1),
        Err(Error::UnknownParameter(name)) if name == ":nope"
    ));
    assert!(matches!(
        stmt.raw_execute(),
        Err(Error::ExecuteReturnedRows)
    ));
    // A failing run by hand leaves the statement ready for the next one.
    conn.execute("CREATE TABLE u(x UNIQUE)", ()).unwrap();
    let mut insert = conn.prepare("INSERT INTO u VALUES (?1)").unwrap();
    insert.raw_bind_parameter(1, 1).unwrap();
    insert.raw_execute().unwrap();
    let err = insert.raw_execute().unwrap_err();
    assert_eq!(err.sqlite_code(), Some(lite3::ErrorCode::Constraint));
    insert.raw_bind_parameter(1, 2).unwrap();
    insert.raw_execute().unwrap();
    assert!(!conn.is_busy());
}

#[test]
fn columns_and_explain_describe_the_statement() {
    let _turn = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    conn.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)", ())
        .unwrap();
    let stmt = conn
        .prepare("SELECT id AS key, name, length(name) FROM t")
        .unwrap();
    let described: Vec<(String, Option<String>)> = stmt
        .columns()
        .map(|c| (c.name().to_owned(), c.decl_type().map(str::to_owned)))
        .collect();
    assert_eq!(
        described,
        [
            ("key".to_owned(), Some("INTEGER".to_owned())),
            ("name".to_owned(), Some("TEXT".to_owned())),
            ("length(name)".to_owned(), None)
        ]
    );
    assert_eq!(stmt.is_explain(), 0);
    assert_eq!(conn.prepare("EXPLAIN SELECT 1").unwrap().is_explain(), 1);
}
