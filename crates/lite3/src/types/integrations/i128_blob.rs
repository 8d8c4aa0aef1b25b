//! `i128` as a 16-byte BLOB (rusqlite's `i128_blob` feature): big-endian with the sign bit
//! flipped, so that SQLite's byte-wise BLOB comparison orders the values as numbers.

use super::exact_blob;
use crate::Result;
use crate::types::{
    FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, Type, Value, ValueRef,
};
use std::num::NonZeroI128;

/// ```
/// let conn = lite3::Connection::open_in_memory()?;
/// conn.execute_batch("CREATE TABLE big(n BLOB)")?;
/// for n in [i128::MAX, -1, 0, i128::MIN] {
///     conn.execute("INSERT INTO big VALUES (?1)", [n])?;
/// }
/// let mut stmt = conn.prepare("SELECT n FROM big ORDER BY n")?;
/// let sorted: Vec<i128> = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
/// assert_eq!(sorted, [i128::MIN, -1, 0, i128::MAX]);
/// # Ok::<(), lite3::Error>(())
/// ```
impl ToSql for i128 {
    #[inline]
    fn to_sql(&self) -> Result<ToSqlOutput<'_>> {
        let ordered = *self ^ i128::MIN;
        Ok(ToSqlOutput::Owned(Value::Blob(
            ordered.to_be_bytes().to_vec(),
        )))
    }
}

/// A BLOB of exactly 16 bytes, as written above.
impl FromSql for i128 {
    const EXPECTED: Option<Type> = Some(Type::Blob);

    #[inline]
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let bytes = exact_blob::<16>(value)?;
        Ok(i128::from_be_bytes(bytes) ^ i128::MIN)
    }
}

impl ToSql for NonZeroI128 {
    #[inline]
    fn to_sql(&self) -> Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Owned(
            self.get().to_sql()?.value_ref_or_error()?.to_owned(),
        ))
    }
}

/// As `i128`; 0 is refused as out of range.
impl FromSql for NonZeroI128 {
    const EXPECTED: Option<Type> = Some(Type::Blob);

    #[inline]
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        NonZeroI128::new(i128::column_result(value)?).ok_or(FromSqlError::OutOfRange(0))
    }
}
