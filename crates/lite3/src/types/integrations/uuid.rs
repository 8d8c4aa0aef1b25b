//! `uuid::Uuid` as a BLOB of its 16 bytes (rusqlite's `uuid` feature).

use super::exact_blob;
use crate::Result;
use crate::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, Type, ValueRef};
use uuid::Uuid;

/// ```
/// use uuid::Uuid;
/// let conn = lite3::Connection::open_in_memory()?;
/// let id = Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
/// let (back, len): (Uuid, i64) = conn.query_row("SELECT ?1, length(?1)", [id], |r| Ok((r.get(0)?, r.get(1)?)))?;
/// assert_eq!((back, len), (id, 16));
/// # Ok::<(), lite3::Error>(())
/// ```
impl ToSql for Uuid {
    #[inline]
    fn to_sql(&self) -> Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(ValueRef::Blob(self.as_bytes())))
    }
}

/// Only a BLOB of exactly 16 bytes: the text form (`"0123…-…"`) is refused, as in rusqlite.
impl FromSql for Uuid {
    const EXPECTED: Option<Type> = Some(Type::Blob);

    #[inline]
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let bytes = exact_blob::<16>(value)?;
        Ok(Uuid::from_bytes(bytes))
    }
}
