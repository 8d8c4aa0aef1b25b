//! rusqlite's README program and the everyday query shapes, unchanged but for the crate
//! behind the name.

use rusqlite::{Connection, OptionalExtension, Result, named_params, params, params_from_iter};

#[derive(Debug, PartialEq)]
struct Person {
    id: i32,
    name: String,
    data: Option<Vec<u8>>,
}

#[test]
fn the_readme_program() -> Result<()> {
    let conn = Connection::open_in_memory()?;
    conn.execute(
        "CREATE TABLE person (
            id    INTEGER PRIMARY KEY,
            name  TEXT NOT NULL,
            data  BLOB
        )",
        (), // empty list of parameters.
    )?;
    let me = Person {
        id: 0,
        name: "Steven".to_string(),
        data: None,
    };
    conn.execute(
        "INSERT INTO person (name, data) VALUES (?1, ?2)",
        (&me.name, &me.data),
    )?;
    let mut stmt = conn.prepare("SELECT id, name, data FROM person")?;
    let person_iter = stmt.query_map([], |row| {
        Ok(Person {
            id: row.get(0)?,
            name: row.get(1)?,
            data: row.get(2)?,
        })
    })?;
    let people: Vec<Person> = person_iter.collect::<Result<_>>()?;
    assert_eq!(
        people,
        [Person {
            id: 1,
            name: "Steven".into(),
            data: None
        }]
    );
    Ok(())
}

#[test]
fn parameters_in_every_shape() -> Result<()> {
    let conn = Connection::open_in_memory()?;
    conn.execute_batch("CREATE TABLE t(a, b)")?;
    conn.execute("INSERT INTO t VALUES (?1, ?2)", params![1, "one"])?;
    conn.execute("INSERT INTO t VALUES (?1, ?2)", (2, "two"))?;
    conn.execute("INSERT INTO t VALUES (?1, ?2)", [3, 33])?;
    conn.execute(
        "INSERT INTO t VALUES (:a, :b)",
        named_params! {":a": 4, ":b": "four"},
    )?;
    conn.execute(
        "INSERT INTO t VALUES (:a, :b)",
        &[(":a", &5 as &dyn rusqlite::ToSql), (":b", &"five")][..],
    )?;
    let values: Vec<i64> = std::iter::successors(Some(6), |v| Some(v * 11))
        .take(2)
        .collect();
    conn.execute(
        "INSERT INTO t VALUES (?, ?)",
        params_from_iter(values.iter()),
    )?;
    let n: i64 = conn.query_row("SELECT count(*) FROM t", [], |r| r.get(0))?;
    assert_eq!(n, 6);
    let missing: Option<String> = conn
        .query_row("SELECT b FROM t WHERE a = ?1", [42], |r| r.get(0))
        .optional()?;
    assert_eq!(missing, None);
    Ok(())
}

#[test]
fn transactions_and_savepoints() -> Result<()> {
    use rusqlite::{DropBehavior, TransactionBehavior};
    let mut conn = Connection::open_in_memory()?;
    conn.execute_batch("CREATE TABLE t(x)")?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute("INSERT INTO t VALUES (1)", [])?;
    tx.commit()?;
    let mut tx = conn.transaction()?;
    tx.set_drop_behavior(DropBehavior::Commit);
    {
        let sp = tx.savepoint_with_name("s")?;
        sp.execute("INSERT INTO t VALUES (2)", [])?;
        // dropped: rolled back
    }
    tx.execute("INSERT INTO t VALUES (3)", [])?;
    drop(tx);
    let sum: i64 = conn.query_row("SELECT sum(x) FROM t", [], |r| r.get(0))?;
    assert_eq!(sum, 4);
    Ok(())
}

#[test]
fn defaults_a_rusqlite_user_relies_on() -> Result<()> {
    let conn = Connection::open_in_memory()?;
    let timeout: i64 = conn.query_row("PRAGMA busy_timeout", [], |r| r.get(0))?;
    assert_eq!(timeout, 5000);
    let fts4 = conn.execute_batch("CREATE VIRTUAL TABLE f USING fts4(body)");
    assert!(fts4.is_ok(), "{fts4:?}");
    Ok(())
}

/// lite3's side of MIGRATING.md's "stricter" list: not rusqlite's behaviour, so not built
/// against it.
#[cfg(not(feature = "real-rusqlite"))]
#[test]
fn what_migrating_md_says_is_stricter() {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE t(x)").unwrap();
    let err = conn
        .execute("INSERT INTO t VALUES (1); DROP TABLE t", [])
        .unwrap_err();
    assert!(matches!(
        err,
        rusqlite::Error::MultipleStatements { offset: 26 }
    ));
    conn.execute(
        "INSERT INTO t VALUES (1); -- a trailing comment is fine",
        [],
    )
    .unwrap();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1, "the refused INSERT did not run");
    assert_eq!(
        err.sqlite_error_code(),
        None,
        "refused by lite3, not by SQLite"
    );
}

#[test]
fn errors_matched_the_rusqlite_way() -> Result<()> {
    use rusqlite::{Error, ErrorCode};
    let conn = Connection::open_in_memory()?;
    conn.execute_batch("CREATE TABLE u(email TEXT UNIQUE)")?;
    conn.execute("INSERT INTO u VALUES (?1)", ["a@example.com"])?;
    let duplicate = conn
        .execute("INSERT INTO u VALUES (?1)", ["a@example.com"])
        .unwrap_err();
    let verdict = match duplicate.sqlite_error_code() {
        Some(ErrorCode::ConstraintViolation) => "taken",
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => "retry",
        _ => "other",
    };
    assert_eq!(verdict, "taken");
    let missing = conn.execute("DELETE FROM nowhere", []).unwrap_err();
    assert_eq!(missing.sqlite_error_code(), Some(ErrorCode::Unknown));
    match conn.query_row("SELECT 1 WHERE 0", [], |r| r.get::<_, i64>(0)) {
        Err(Error::QueryReturnedNoRows) => {}
        other => panic!("{other:?}"),
    }
    Ok(())
}
