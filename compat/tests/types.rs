//! A rusqlite user's own `ToSql`/`FromSql` impls, generic helpers bounded by `FromSql`, and the
//! type integrations, written exactly as for rusqlite.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, Value, ValueRef};
use rusqlite::{Connection, Result};
use std::borrow::Cow;

#[derive(Debug, PartialEq, Clone, Copy)]
enum Status {
    Active,
    Closed,
}

impl ToSql for Status {
    fn to_sql(&self) -> Result<ToSqlOutput<'_>> {
        Ok(match self {
            Status::Active => "active",
            Status::Closed => "closed",
        }
        .into())
    }
}

impl FromSql for Status {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        match value.as_str()? {
            "active" => Ok(Status::Active),
            "closed" => Ok(Status::Closed),
            other => Err(FromSqlError::Other(
                format!("unknown status {other:?}").into(),
            )),
        }
    }
}

/// A newtype over a blob, the other common custom impl.
#[derive(Debug, PartialEq)]
struct Digest([u8; 4]);

impl ToSql for Digest {
    fn to_sql(&self) -> Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(ValueRef::Blob(&self.0)))
    }
}

impl FromSql for Digest {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        <[u8; 4]>::column_result(value).map(Digest)
    }
}

/// The generic helper rusqlite users write.
fn one<T: FromSql>(conn: &Connection, sql: &str) -> Result<T> {
    conn.query_row(sql, [], |row| row.get(0))
}

#[test]
fn custom_impls_and_generic_helpers() -> Result<()> {
    let conn = Connection::open_in_memory()?;
    conn.execute_batch("CREATE TABLE t(status TEXT, digest BLOB)")?;
    conn.execute(
        "INSERT INTO t VALUES (?1, ?2)",
        (Status::Closed, Digest([1, 2, 3, 4])),
    )?;
    conn.execute("INSERT INTO t VALUES (?1, NULL)", [Status::Active])?;
    let mut stmt = conn.prepare("SELECT status, digest FROM t ORDER BY rowid")?;
    let rows: Vec<(Status, Option<Digest>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_>>()?;
    assert_eq!(
        rows,
        [
            (Status::Closed, Some(Digest([1, 2, 3, 4]))),
            (Status::Active, None)
        ]
    );
    assert_eq!(one::<Status>(&conn, "SELECT 'active'")?, Status::Active);
    let unknown = one::<Status>(&conn, "SELECT 'pending'").unwrap_err();
    assert!(unknown.to_string().contains("unknown status"), "{unknown}");
    let short = one::<Digest>(&conn, "SELECT x'01'").unwrap_err();
    // lite3's message names the sizes in its own words.
    #[cfg(not(feature = "real-rusqlite"))]
    assert!(short.to_string().contains("1 bytes"), "{short}");
    #[cfg(feature = "real-rusqlite")]
    drop(short);
    // Accessors and conversions a custom impl leans on.
    assert!(matches!(
        ValueRef::Text(b"\xff").as_str(),
        Err(FromSqlError::Utf8Error(_))
    ));
    assert!(Value::try_from(ValueRef::Text(b"\xff")).is_err());
    assert_eq!(one::<Cow<'_, str>>(&conn, "SELECT 'cow'")?, "cow");
    assert_eq!(&*one::<Box<[u8]>>(&conn, "SELECT x'0102'")?, [1, 2]);
    let error = FromSqlError::other(std::fmt::Error);
    assert!(std::error::Error::source(&error).is_some());
    Ok(())
}

#[test]
fn integrations_read_what_sqlite_itself_writes() -> Result<()> {
    let conn = Connection::open_in_memory()?;
    // SQLite's own time strings read as each crate's types.
    let _: chrono::NaiveDateTime = one(&conn, "SELECT CURRENT_TIMESTAMP")?;
    let _: chrono::DateTime<chrono::Utc> = one(&conn, "SELECT CURRENT_TIMESTAMP")?;
    let _: chrono::NaiveDate = one(&conn, "SELECT CURRENT_DATE")?;
    let _: chrono::NaiveTime = one(&conn, "SELECT CURRENT_TIME")?;
    let _: time::OffsetDateTime = one(&conn, "SELECT CURRENT_TIMESTAMP")?;
    let _: time::PrimitiveDateTime = one(&conn, "SELECT CURRENT_TIMESTAMP")?;
    let _: time::Date = one(&conn, "SELECT CURRENT_DATE")?;
    let _: time::Time = one(&conn, "SELECT CURRENT_TIME")?;
    let _: jiff::Timestamp = one(&conn, "SELECT unixepoch()")?;
    // Parameters compare with SQLite's clock.
    let now_matches: bool = conn.query_row(
        "SELECT ?1 BETWEEN datetime('now', '-1 minute') AND datetime('now', '+1 minute')",
        [chrono::Utc::now().naive_utc()],
        |r| r.get(0),
    )?;
    assert!(now_matches);
    // A uuid key and JSON text, the everyday uses.
    conn.execute_batch("CREATE TABLE doc(id BLOB PRIMARY KEY, body TEXT)")?;
    let id = uuid::Uuid::from_u128(42);
    conn.execute(
        "INSERT INTO doc VALUES (?1, ?2)",
        (id, serde_json::json!({"title": "x", "tags": ["a"]})),
    )?;
    let title: String = conn.query_row(
        "SELECT body ->> '$.title' FROM doc WHERE id = ?1",
        [id],
        |r| r.get(0),
    )?;
    assert_eq!(title, "x");
    let body: serde_json::Value = conn.query_row("SELECT body FROM doc", [], |r| r.get(0))?;
    assert_eq!(body["tags"][0], "a");
    // Bad stored text is an error naming the column, never a default value.
    let bad = conn
        .query_row("SELECT 'yesterday' AS day", [], |r| {
            r.get::<_, chrono::NaiveDate>(0)
        })
        .unwrap_err();
    // lite3's message names the column (rusqlite's gives its index).
    #[cfg(not(feature = "real-rusqlite"))]
    assert!(bad.to_string().contains("day"), "{bad}");
    #[cfg(feature = "real-rusqlite")]
    drop(bad);
    Ok(())
}
