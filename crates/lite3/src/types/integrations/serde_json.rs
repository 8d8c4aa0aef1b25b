//! `serde_json::Value` (rusqlite's `serde_json` feature): SQL NULL and numbers stay SQL values,
//! everything else is JSON text.

use super::to_sql_failure;
use crate::Result;
use crate::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde_json::{Number, Value};

/// | JSON | SQLite |
/// |---|---|
/// | `null` | NULL |
/// | a number that is an `i64` | INTEGER |
/// | a number that is an `f64` | REAL |
/// | anything else (booleans, strings, arrays, objects, integers above `i64::MAX`) | its JSON text (`true`, `"text"`, `[1,2]`) |
///
/// ```
/// use serde_json::json;
/// let conn = lite3::Connection::open_in_memory()?;
/// let stored: (String, i64) = conn.query_row(
///     "SELECT typeof(?1) || ' ' || ?1, ?2",
///     (json!({"a": [1, 2]}), json!(7)),
///     |r| Ok((r.get(0)?, r.get(1)?)),
/// )?;
/// assert_eq!(stored, (r#"text {"a":[1,2]}"#.to_owned(), 7));
/// # Ok::<(), lite3::Error>(())
/// ```
impl ToSql for Value {
    fn to_sql(&self) -> Result<ToSqlOutput<'_>> {
        match self {
            Value::Null => Ok(ToSqlOutput::Borrowed(ValueRef::Null)),
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Ok(ToSqlOutput::from(i))
                } else if let Some(r) = n.as_f64().filter(|_| n.is_f64()) {
                    Ok(ToSqlOutput::from(r))
                } else {
                    Ok(ToSqlOutput::from(n.to_string()))
                }
            }
            other => serde_json::to_string(other)
                .map(ToSqlOutput::from)
                .map_err(to_sql_failure),
        }
    }
}

/// | SQLite | JSON |
/// |---|---|
/// | NULL | `null` |
/// | INTEGER, REAL | a number (a REAL that is NaN or infinite is refused: JSON has none) |
/// | TEXT or BLOB holding JSON (`'null'`, `'true'`, `'"text"'`, `'[0, 1]'`) | that value |
/// | TEXT that is not JSON (`'text'`) | refused |
///
/// ```
/// use serde_json::{json, Value};
/// let conn = lite3::Connection::open_in_memory()?;
/// let read: Vec<Value> = conn
///     .prepare("SELECT NULL UNION ALL SELECT 1.5 UNION ALL SELECT '[\"a\", true]'")?
///     .query_map([], |r| r.get(0))?
///     .collect::<Result<_, _>>()?;
/// assert_eq!(read, [json!(null), json!(1.5), json!(["a", true])]);
/// assert!(conn.query_row("SELECT 'not json'", [], |r| r.get::<_, Value>(0)).is_err());
/// # Ok::<(), lite3::Error>(())
/// ```
impl FromSql for Value {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        match value {
            ValueRef::Null => Ok(Value::Null),
            ValueRef::Integer(i) => Ok(Value::Number(Number::from(i))),
            ValueRef::Real(r) => Number::from_f64(r)
                .map(Value::Number)
                .ok_or(FromSqlError::InvalidType),
            ValueRef::Text(bytes) | ValueRef::Blob(bytes) => {
                serde_json::from_slice(bytes).map_err(FromSqlError::other)
            }
        }
    }
}
