//! `ToSql`/`FromSql` for other crates' types, each behind rusqlite's feature of the same name and
//! stored in rusqlite's format, so a database written by a rusqlite program reads back the same
//! through lite3 and the other way round.
//!
//! The formats, and what reading accepts, are in `formats.md` (shown in `lite3::types`'s docs).

#[cfg(feature = "chrono")]
mod chrono;
#[cfg(feature = "i128_blob")]
mod i128_blob;
#[cfg(feature = "jiff")]
mod jiff;
#[cfg(feature = "serde_json")]
mod serde_json;
#[cfg(feature = "time")]
mod time;
#[cfg(feature = "url")]
mod url;
#[cfg(feature = "uuid")]
mod uuid;

/// Wraps a formatting failure as the error a `to_sql` returns.
#[cfg(any(feature = "time", feature = "serde_json"))]
fn to_sql_failure<E: std::error::Error + Send + Sync + 'static>(error: E) -> crate::Error {
    crate::Error::ToSqlConversionFailure(Box::new(error))
}

/// A BLOB (not TEXT, as in rusqlite) of exactly `N` bytes.
#[cfg(any(feature = "uuid", feature = "i128_blob"))]
fn exact_blob<const N: usize>(
    value: crate::types::ValueRef<'_>,
) -> crate::types::FromSqlResult<[u8; N]> {
    let bytes = value.as_blob()?;
    bytes
        .try_into()
        .map_err(|_| crate::types::FromSqlError::InvalidBlobSize {
            expected_size: N,
            blob_size: bytes.len(),
        })
}
