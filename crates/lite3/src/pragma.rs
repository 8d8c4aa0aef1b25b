//! PRAGMA helpers. PRAGMA statements cannot take bound parameters, so lite3 builds the SQL
//! itself from checked pieces: the pragma name must be a plain identifier, the schema is quoted
//! as an identifier, and the value is written as an SQL literal (text quoted, NUL refused). No
//! caller-provided text ever reaches the SQL unescaped.

use crate::rows::Row;
use crate::sql_text::{check_no_nul, quote_identifier};
use crate::types::{FromSql, ToSql, ValueRef};
use crate::{Connection, Error, Result};
use std::fmt::Write as _;

impl Connection {
    /// Reads a pragma's single value: `PRAGMA schema.name`.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// let mode: String = conn.pragma_query_value(None, "journal_mode", |row| row.get(0))?;
    /// assert_eq!(mode, "memory");
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidIdentifier`] for a bad name; SQLite and conversion errors.
    pub fn pragma_query_value<T, F>(&self, schema: Option<&str>, name: &str, f: F) -> Result<T>
    where
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        let sql = pragma_sql(schema, name, None)?;
        self.query_row(&sql, (), f)
    }

    /// Reads a pragma's single value as `T`: `PRAGMA schema.name`.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// let version: i64 = conn.pragma_query_one(None, "user_version")?;
    /// assert_eq!(version, 0);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`pragma_query_value`](Self::pragma_query_value).
    pub fn pragma_query_one<T: FromSql>(&self, schema: Option<&str>, name: &str) -> Result<T> {
        self.pragma_query_value(schema, name, |row| row.get(0))
    }

    /// Reads every row a pragma without an argument returns: `PRAGMA schema.name`.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// let mut options = 0;
    /// conn.pragma_query(None, "compile_options", |_row| {
    ///     options += 1;
    ///     Ok(())
    /// })?;
    /// assert!(options > 0);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`pragma_query_value`](Self::pragma_query_value); the first error `f` returns.
    pub fn pragma_query<F>(&self, schema: Option<&str>, name: &str, f: F) -> Result<()>
    where
        F: FnMut(&Row<'_>) -> Result<()>,
    {
        self.pragma_rows(&pragma_sql(schema, name, None)?, f)
    }

    /// Reads every row a pragma with an argument returns: `PRAGMA schema.name(value)`.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// conn.execute("CREATE TABLE t(id INTEGER, name TEXT)", ())?;
    /// let mut columns = Vec::new();
    /// conn.pragma(None, "table_info", "t", |row| {
    ///     columns.push(row.get::<_, String>("name")?);
    ///     Ok(())
    /// })?;
    /// assert_eq!(columns, ["id", "name"]);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`pragma_query_value`](Self::pragma_query_value); the first error `f` returns.
    pub fn pragma<F, V>(&self, schema: Option<&str>, name: &str, value: V, f: F) -> Result<()>
    where
        F: FnMut(&Row<'_>) -> Result<()>,
        V: ToSql,
    {
        self.pragma_rows(&pragma_sql(schema, name, Some((&value, "(", ")")))?, f)
    }

    fn pragma_rows<F>(&self, sql: &str, mut f: F) -> Result<()>
    where
        F: FnMut(&Row<'_>) -> Result<()>,
    {
        let mut stmt = self.prepare(sql)?;
        let mut rows = stmt.query(())?;
        while let Some(row) = rows.next()? {
            f(row)?;
        }
        Ok(())
    }

    /// Sets a pragma: `PRAGMA schema.name = value`, discarding any row it returns.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// conn.pragma_update(None, "user_version", 7)?;
    /// assert_eq!(conn.pragma_query_value(None, "user_version", |row| row.get::<_, i64>(0))?, 7);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`pragma_query_value`](Self::pragma_query_value).
    pub fn pragma_update<V: ToSql>(
        &self,
        schema: Option<&str>,
        name: &str,
        value: V,
    ) -> Result<()> {
        let sql = pragma_sql(schema, name, Some((&value, " = ", "")))?;
        self.execute_batch(&sql).map_err(|e| match e {
            Error::Batch { source, .. } => *source,
            other => other,
        })
    }

    /// Sets a pragma that answers with a row (`journal_mode`, `page_size` in some cases) and
    /// reads that row with `f`.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// let mode: String = conn.pragma_update_and_check(None, "journal_mode", "OFF", |row| row.get(0))?;
    /// assert_eq!(mode, "off");
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`pragma_update`](Self::pragma_update); [`Error::QueryReturnedNoRows`] if the pragma
    /// answers nothing.
    pub fn pragma_update_and_check<F, T, V>(
        &self,
        schema: Option<&str>,
        name: &str,
        value: V,
        f: F,
    ) -> Result<T>
    where
        F: FnOnce(&Row<'_>) -> Result<T>,
        V: ToSql,
    {
        let sql = pragma_sql(schema, name, Some((&value, " = ", "")))?;
        self.query_row(&sql, (), f)
    }
}

fn pragma_sql(
    schema: Option<&str>,
    name: &str,
    value: Option<(&dyn ToSql, &str, &str)>,
) -> Result<String> {
    let is_identifier = |s: &str| {
        s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    if !is_identifier(name) {
        return Err(Error::InvalidIdentifier {
            what: "pragma name",
            name: name.to_owned(),
        });
    }
    let mut sql = String::from("PRAGMA ");
    if let Some(schema) = schema {
        check_no_nul(schema, "schema name")?;
        let _ = write!(sql, "{}.", quote_identifier(schema));
    }
    sql.push_str(name);
    if let Some((value, open, close)) = value {
        sql.push_str(open);
        push_literal(&mut sql, value.to_sql()?.value_ref_or_error()?)?;
        sql.push_str(close);
    }
    Ok(sql)
}

/// Writes `value` as an SQL literal.
fn push_literal(sql: &mut String, value: ValueRef<'_>) -> Result<()> {
    match value {
        ValueRef::Null => sql.push_str("NULL"),
        ValueRef::Integer(i) => {
            let _ = write!(sql, "{i}");
        }
        // `{:?}` keeps a decimal point or exponent, so SQLite reads a REAL back; NaN is NULL in SQLite.
        ValueRef::Real(r) if r.is_nan() => sql.push_str("NULL"),
        ValueRef::Real(r) if r.is_infinite() => {
            sql.push_str(if r > 0.0 { "9e999" } else { "-9e999" })
        }
        ValueRef::Real(r) => {
            let _ = write!(sql, "{r:?}");
        }
        ValueRef::Text(bytes) => {
            let text = std::str::from_utf8(bytes).map_err(|source| Error::Utf8 {
                column: 0,
                name: "pragma value".into(),
                source,
            })?;
            check_no_nul(text, "pragma value")?;
            let _ = write!(sql, "'{}'", text.replace('\'', "''"));
        }
        ValueRef::Blob(bytes) => {
            sql.push_str("X'");
            for b in bytes {
                let _ = write!(sql, "{b:02x}");
            }
            sql.push('\'');
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pragma_sql_quotes_everything_it_does_not_check() {
        assert_eq!(
            pragma_sql(None, "user_version", None).unwrap(),
            "PRAGMA user_version"
        );
        assert_eq!(
            pragma_sql(Some("we\"ird"), "x", None).unwrap(),
            "PRAGMA \"we\"\"ird\".x"
        );
        let text: &dyn ToSql = &"a'; DROP TABLE t; --";
        assert_eq!(
            pragma_sql(None, "x", Some((text, " = ", ""))).unwrap(),
            "PRAGMA x = 'a''; DROP TABLE t; --'"
        );
        assert!(matches!(
            pragma_sql(None, "x; DROP", None),
            Err(Error::InvalidIdentifier { .. })
        ));
        assert!(matches!(
            pragma_sql(None, "", None),
            Err(Error::InvalidIdentifier { .. })
        ));
        let nul: &dyn ToSql = &"a\0b";
        assert!(matches!(
            pragma_sql(None, "x", Some((nul, "(", ")"))),
            Err(Error::Nul { .. })
        ));
        let real: &dyn ToSql = &1.0;
        assert_eq!(
            pragma_sql(None, "x", Some((real, "(", ")"))).unwrap(),
            "PRAGMA x(1.0)"
        );
    }
}
