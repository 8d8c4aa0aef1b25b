//! `url::Url` as TEXT (rusqlite's `url` feature).

use crate::Result;
use crate::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, Type, ValueRef};
use url::Url;

/// ```
/// use url::Url;
/// let conn = lite3::Connection::open_in_memory()?;
/// let home = Url::parse("https://example.com/a?b=c").unwrap();
/// let back: Url = conn.query_row("SELECT ?1", [&home], |r| r.get(0))?;
/// assert_eq!(back, home);
/// assert!(conn.query_row("SELECT 'not a url'", [], |r| r.get::<_, Url>(0)).is_err());
/// # Ok::<(), lite3::Error>(())
/// ```
impl ToSql for Url {
    #[inline]
    fn to_sql(&self) -> Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

/// TEXT that parses as an absolute URL.
impl FromSql for Url {
    const EXPECTED: Option<Type> = Some(Type::Text);

    #[inline]
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        Url::parse(value.as_str()?).map_err(FromSqlError::other)
    }
}
