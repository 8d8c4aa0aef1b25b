//! An application written against rusqlite 0.43 (built and run there first, with its features
//! `["bundled", "chrono", "uuid", "serde_json"]`), unchanged here but for the crate behind the
//! name: custom types, the integrations, transactions, savepoints, optional rows, metadata,
//! error matching.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{
    Connection, OptionalExtension, Result, Transaction, TransactionBehavior, named_params, params,
};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Book,
    Film,
}

impl ToSql for Kind {
    fn to_sql(&self) -> Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(match self {
            Kind::Book => "book",
            Kind::Film => "film",
        }))
    }
}
impl FromSql for Kind {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        match value.as_str()? {
            "book" => Ok(Kind::Book),
            "film" => Ok(Kind::Film),
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

#[derive(Debug)]
#[allow(dead_code, reason = "read back whole, as an application does")]
struct Item {
    id: i64,
    title: String,
    kind: Kind,
    added: chrono::DateTime<chrono::Utc>,
    tag: uuid::Uuid,
    meta: serde_json::Value,
}

fn add(tx: &Transaction<'_>, title: &str, kind: Kind) -> Result<i64> {
    tx.execute(
        "INSERT INTO item (title, kind, added, tag, meta) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            title,
            kind,
            chrono::Utc::now(),
            uuid::Uuid::new_v4(),
            serde_json::json!({"len": title.len()})
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

#[test]
fn an_application_written_for_rusqlite_runs_unchanged() -> Result<()> {
    let mut conn = Connection::open_in_memory()?;
    conn.execute_batch(
        "CREATE TABLE item (id INTEGER PRIMARY KEY, title TEXT NOT NULL, kind TEXT NOT NULL,
                            added TEXT NOT NULL, tag BLOB NOT NULL, meta TEXT);
         CREATE TABLE review (item INTEGER NOT NULL REFERENCES item(id), stars INTEGER);",
    )?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let dune = add(&tx, "Dune", Kind::Book)?;
    add(&tx, "Alien", Kind::Film)?;
    tx.commit()?;

    // Foreign keys are on by default (rusqlite's bundled build).
    let orphan = conn.execute("INSERT INTO review VALUES (?1, ?2)", (999, 5));
    assert!(orphan.is_err(), "foreign keys enforced");
    conn.execute(
        "INSERT INTO review VALUES (:item, :stars)",
        named_params! {":item": dune, ":stars": 5},
    )?;

    let mut stmt =
        conn.prepare_cached("SELECT id, title, kind, added, tag, meta FROM item ORDER BY id")?;
    let items: Vec<Item> = stmt
        .query_map([], |r| {
            Ok(Item {
                id: r.get(0)?,
                title: r.get(1)?,
                kind: r.get(2)?,
                added: r.get(3)?,
                tag: r.get(4)?,
                meta: r.get(5)?,
            })
        })?
        .collect::<Result<_>>()?;
    drop(stmt);
    assert_eq!(items.len(), 2);
    assert_eq!(items[1].kind, Kind::Film);
    assert_eq!(items[0].meta["len"], 4);
    let by_tag: Option<String> = conn
        .query_row(
            "SELECT title FROM item WHERE tag = ?1",
            [items[1].tag],
            |r| r.get(0),
        )
        .optional()?;
    assert_eq!(by_tag.as_deref(), Some("Alien"));
    let none: Option<i64> = conn
        .query_row("SELECT id FROM item WHERE title = 'x'", [], |r| r.get(0))
        .optional()?;
    assert!(none.is_none());
    let stars: HashMap<String, i64> = conn
        .prepare("SELECT title, stars FROM item JOIN review ON review.item = item.id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_>>()?;
    assert_eq!(stars["Dune"], 5);
    let recent: i64 = conn.query_row(
        "SELECT count(*) FROM item WHERE added > ?1",
        [items[0].added - chrono::Duration::minutes(1)],
        |r| r.get(0),
    )?;
    assert_eq!(recent, 2);
    let sp = {
        let mut tx = conn.transaction()?;
        {
            let sp = tx.savepoint()?;
            sp.execute("DELETE FROM review", [])?;
            // dropped: rolled back
        }
        let n: i64 = tx.query_row("SELECT count(*) FROM review", [], |r| r.get(0))?;
        tx.commit()?;
        n
    };
    assert_eq!(sp, 1);
    assert!(conn.table_exists(None, "item")?);
    let (decl, _, not_null, _, _) = conn.column_metadata(None, "item", "title")?;
    assert_eq!(decl.as_deref().map(|c| c.to_str().unwrap()), Some("TEXT"));
    assert!(not_null);
    match conn.query_row("SELECT id FROM item WHERE 0", [], |r| r.get::<_, i64>(0)) {
        Err(rusqlite::Error::QueryReturnedNoRows) => {}
        other => panic!("{other:?}"),
    }
    let err = conn.execute("INSERT INTO nope VALUES (1)", []).unwrap_err();
    assert_eq!(err.sqlite_error_code(), Some(rusqlite::ErrorCode::Unknown));
    Ok(())
}
