//! rusqlite's query helpers: `optional`, `query_one`, `query_row_and_then`, `query_and_then`,
//! `Rows::mapped` and `Rows::and_then`, including their failure paths.

mod common;

use lite3::{Connection, Error, OptionalExtension};

fn people() -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(
        "CREATE TABLE p(id INTEGER PRIMARY KEY, name TEXT);
         INSERT INTO p(name) VALUES ('ada'), ('grace'), (NULL);",
    )
    .unwrap();
    conn
}

#[test]
fn optional_turns_only_no_rows_into_none() {
    let _turn = common::sqlite_turn();
    let conn = people();
    let name = |id: i64| -> lite3::Result<Option<String>> {
        conn.query_row("SELECT name FROM p WHERE id = ?1", (id,), |r| r.get(0))
            .optional()
    };
    assert_eq!(name(1).unwrap().as_deref(), Some("ada"));
    assert_eq!(name(9).unwrap(), None);
    // A NULL read as String is a type error, not "no row".
    assert!(matches!(name(3), Err(Error::InvalidType { .. })));
}

#[test]
fn query_one_wants_exactly_one_row_and_leaves_the_statement_reusable() {
    let _turn = common::sqlite_turn();
    let conn = people();
    let one: i64 = conn
        .query_one("SELECT count(*) FROM p", (), |r| r.get(0))
        .unwrap();
    assert_eq!(one, 3);
    let none = conn.query_one("SELECT id FROM p WHERE 0", (), |r| r.get::<_, i64>(0));
    assert!(matches!(none, Err(Error::QueryReturnedNoRows)));
    let many = conn.query_one("SELECT id FROM p", (), |r| r.get::<_, i64>(0));
    assert!(matches!(many, Err(Error::QueryReturnedMoreThanOneRow)));
    assert_eq!(
        many.unwrap_err().to_string(),
        "the query returned more than one row"
    );
    // The cached statement was reset: the same SQL runs again from the start.
    let again = conn.query_one("SELECT id FROM p", (), |r| r.get::<_, i64>(0));
    assert!(matches!(again, Err(Error::QueryReturnedMoreThanOneRow)));
    assert!(!conn.is_busy());
}

#[derive(Debug)]
enum AppError {
    Db(Error),
    Empty(i64),
}

impl From<Error> for AppError {
    fn from(e: Error) -> Self {
        AppError::Db(e)
    }
}

#[test]
fn and_then_shapes_carry_the_callers_error_type() {
    let _turn = common::sqlite_turn();
    let conn = people();
    let name_of = |id: i64| {
        conn.query_row_and_then("SELECT name FROM p WHERE id = ?1", (id,), |r| {
            r.get::<_, Option<String>>(0)?.ok_or(AppError::Empty(id))
        })
    };
    assert_eq!(name_of(2).unwrap(), "grace");
    assert!(matches!(name_of(3), Err(AppError::Empty(3))));
    assert!(matches!(
        name_of(4),
        Err(AppError::Db(Error::QueryReturnedNoRows))
    ));

    let mut stmt = conn.prepare("SELECT id, name FROM p ORDER BY id").unwrap();
    let results: Vec<Result<String, AppError>> = stmt
        .query_and_then((), |r| {
            let id: i64 = r.get(0)?;
            r.get::<_, Option<String>>(1)?.ok_or(AppError::Empty(id))
        })
        .unwrap()
        .collect();
    assert_eq!(results.len(), 3);
    assert!(matches!(&results[2], Err(AppError::Empty(3))));
    // A failure while stepping arrives as the caller's error too.
    conn.create_scalar_function("boom", 0, lite3::FunctionFlags::empty(), |_| {
        Err::<i64, _>(Error::UserFunction("no".into()))
    })
    .unwrap();
    let mut stmt = conn.prepare("SELECT boom()").unwrap();
    let first = stmt
        .query_and_then((), |r| r.get::<_, i64>(0).map_err(AppError::from))
        .unwrap()
        .next()
        .unwrap();
    assert!(matches!(first, Err(AppError::Db(_))));
}

#[test]
fn rows_can_be_mapped_after_the_query_started() {
    let _turn = common::sqlite_turn();
    let conn = people();
    let mut stmt = conn.prepare("SELECT id FROM p ORDER BY id").unwrap();
    let mut rows = stmt.query(()).unwrap();
    rows.next().unwrap(); // the first row is consumed by hand
    let rest: Vec<i64> = rows.mapped(|r| r.get(0)).collect::<Result<_, _>>().unwrap();
    assert_eq!(rest, [2, 3]);
    let ids: Result<Vec<i64>, AppError> = stmt
        .query(())
        .unwrap()
        .and_then(|r| Ok::<_, AppError>(r.get(0)?))
        .collect();
    assert_eq!(ids.unwrap(), [1, 2, 3]);
}
