//! Statements run by hand, column descriptions, values and connection questions, written as a
//! rusqlite user writes them.

use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, Result};

#[test]
fn binding_by_hand_and_describing_columns() -> Result<()> {
    let conn = Connection::open_in_memory()?;
    conn.execute_batch("CREATE TABLE kv(k TEXT PRIMARY KEY, v INTEGER)")?;
    let mut insert = conn.prepare("INSERT INTO kv VALUES (:k, :v)")?;
    for (k, v) in [("a", 1), ("b", 2)] {
        insert.raw_bind_parameter(":k", k)?;
        insert.raw_bind_parameter(":v", v)?;
        insert.raw_execute()?;
    }
    insert.finalize()?;
    let mut select = conn.prepare("SELECT k, v FROM kv WHERE v > ?1 ORDER BY k")?;
    select.raw_bind_parameter(1, 1)?;
    // lite3's raw_query returns a Result (MIGRATING.md): the one change this program needs.
    #[cfg(not(feature = "real-rusqlite"))]
    let mut rows = select.raw_query()?;
    #[cfg(feature = "real-rusqlite")]
    let mut rows = select.raw_query();
    let mut keys = Vec::new();
    while let Some(row) = rows.next()? {
        keys.push(row.get::<_, String>(0)?);
    }
    assert_eq!(keys, ["b"]);
    drop(rows);
    let names: Vec<String> = select.columns().map(|c| c.name().to_owned()).collect();
    assert_eq!(names, ["k", "v"]);
    assert_eq!(
        select.columns().nth(1).unwrap().decl_type(),
        Some("INTEGER")
    );
    let origin = select.columns_with_metadata().next().unwrap();
    assert_eq!(
        (
            origin.database_name(),
            origin.table_name(),
            origin.origin_name()
        ),
        (Some("main"), Some("kv"), Some("k"))
    );
    let (decl_type, _, not_null, primary_key, _) = conn.column_metadata(None, "kv", "k")?;
    assert_eq!(decl_type.as_deref(), Some(c"TEXT"));
    assert!(primary_key && !not_null);
    assert!(conn.table_exists(Some(rusqlite::MAIN_DB), c"kv")?);
    assert_eq!(conn.db_name(0)?, "main");
    assert!(!conn.is_readonly(rusqlite::MAIN_DB)?);
    let mut seen = Vec::new();
    conn.pragma(None, "table_info", "kv", |row| {
        seen.push(row.get::<_, String>(1)?);
        Ok(())
    })?;
    assert_eq!(seen, ["k", "v"]);
    let version: i64 = conn.pragma_query_one(None, "user_version")?;
    assert_eq!(version, 0);
    assert_eq!(select.column_count(), 2);
    assert_eq!(select.parameter_count(), 1);
    assert!(conn.table_exists(None, "kv")?);
    assert!(conn.column_exists(None, "kv", "v")?);
    assert_eq!(conn.path(), Some(""));
    Ok(())
}

#[test]
fn values_and_value_refs() -> Result<()> {
    let conn = Connection::open_in_memory()?;
    let values: Vec<Value> = vec![
        1_i32.into(),
        2.5_f64.into(),
        "three".to_owned().into(),
        Value::Null,
    ];
    let echoed: Vec<Value> = values
        .iter()
        .map(|v| conn.query_row("SELECT ?1", [v], |r| r.get(0)))
        .collect::<Result<_>>()?;
    assert_eq!(echoed, values);
    conn.query_row("SELECT 7, 'text', NULL", [], |row| {
        assert_eq!(row.get_ref(0)?.as_i64()?, 7);
        assert_eq!(row.get_ref(1)?.as_str()?, "text");
        assert_eq!(row.get_ref(2)?.as_str_or_null()?, None);
        assert!(matches!(row.get_ref(2)?, ValueRef::Null));
        Ok(())
    })?;
    Ok(())
}

/// A user's own type, converted the rusqlite way.
struct Celsius(f64);

impl rusqlite::ToSql for Celsius {
    fn to_sql(&self) -> Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(self.0.into())
    }
}

#[test]
fn a_users_own_to_sql_impl() -> Result<()> {
    let conn = Connection::open_in_memory()?;
    let warmer: f64 = conn.query_row("SELECT ?1 + 1", [Celsius(20.5)], |r| r.get(0))?;
    assert_eq!(warmer, 21.5);
    Ok(())
}
