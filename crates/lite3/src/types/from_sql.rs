//! [`FromSql`]: SQLite values (columns, function arguments) as Rust values.

use super::{Type, Value, ValueRef};
use std::fmt;

/// Why a value could not be converted. [`Row::get`](crate::Row::get) turns it into an
/// [`Error`](crate::Error) that names the column.
///
/// ```
/// use lite3::{FromSql, ValueRef, types::FromSqlError};
///
/// assert!(matches!(u8::from_sql(ValueRef::Integer(256)), Err(FromSqlError::OutOfRange(256))));
/// assert!(matches!(i64::from_sql(ValueRef::Null), Err(FromSqlError::InvalidType)));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum FromSqlError {
    /// The storage class cannot be read as the requested type (e.g. TEXT as `i64`, NULL as `String`).
    InvalidType,
    /// The integer does not fit the requested type.
    OutOfRange(i64),
    /// TEXT that is not valid UTF-8, read as `&str` or `String`.
    Utf8(std::str::Utf8Error),
    /// A BLOB read as `[u8; N]` whose length is not `N`.
    InvalidBlobSize {
        /// `N`.
        expected_size: usize,
        /// The BLOB's length.
        blob_size: usize,
    },
    /// A custom conversion failed.
    Other(Box<dyn std::error::Error + Send + Sync + 'static>),
}

impl fmt::Display for FromSqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FromSqlError::InvalidType => f.write_str("invalid type"),
            FromSqlError::OutOfRange(i) => write!(f, "integer {i} out of range"),
            FromSqlError::Utf8(e) => write!(f, "invalid UTF-8: {e}"),
            FromSqlError::InvalidBlobSize {
                expected_size,
                blob_size,
            } => write!(
                f,
                "a blob of {blob_size} bytes cannot be read as [u8; {expected_size}]"
            ),
            FromSqlError::Other(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for FromSqlError {}

/// A Rust type that can be read from an SQLite value.
///
/// The lifetime lets borrowed types (`&str`, `&[u8]`, [`ValueRef`]) point into the row without
/// copying; they stay valid while the row does.
///
/// ```
/// use lite3::Connection;
///
/// let conn = Connection::open_in_memory()?;
/// conn.query_row("SELECT 'borrowed', 42", (), |row| {
///     let text: &str = row.get(0)?; // no copy: points into SQLite's row buffer
///     let number: u8 = row.get(1)?; // range-checked
///     assert_eq!((text, number), ("borrowed", 42));
///     Ok(())
/// })?;
/// # Ok::<(), lite3::Error>(())
/// ```
pub trait FromSql<'a>: Sized {
    /// Converts `value`.
    ///
    /// # Errors
    /// When the value's type or range does not fit `Self`.
    fn from_sql(value: ValueRef<'a>) -> Result<Self, FromSqlError>;

    /// The type's name for error messages.
    fn type_name() -> &'static str {
        std::any::type_name::<Self>()
    }

    /// The storage class this type normally reads, if it has one. Row access tests for it
    /// first and reads just that class, instead of dispatching over all five; other classes
    /// still reach [`from_sql`](Self::from_sql). Purely an optimisation: any value is correct; a
    /// wrong one only costs a little speed.
    #[doc(hidden)]
    const EXPECTED: Option<Type> = None;
}

impl FromSql<'_> for i64 {
    const EXPECTED: Option<Type> = Some(Type::Integer);

    #[inline]
    fn from_sql(value: ValueRef<'_>) -> Result<Self, FromSqlError> {
        match value {
            ValueRef::Integer(i) => Ok(i),
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

macro_rules! checked_integer {
    ($($t:ty)*) => {$(
        impl FromSql<'_> for $t {
            const EXPECTED: Option<Type> = Some(Type::Integer);

            #[inline]
            fn from_sql(value: ValueRef<'_>) -> Result<Self, FromSqlError> {
                let i = i64::from_sql(value)?;
                <$t>::try_from(i).map_err(|_| FromSqlError::OutOfRange(i))
            }
        }
    )*};
}
checked_integer!(i8 i16 i32 isize u8 u16 u32 u64 usize i128 u128);

impl FromSql<'_> for bool {
    const EXPECTED: Option<Type> = Some(Type::Integer);

    #[inline]
    fn from_sql(value: ValueRef<'_>) -> Result<Self, FromSqlError> {
        i64::from_sql(value).map(|i| i != 0)
    }
}

impl FromSql<'_> for f64 {
    const EXPECTED: Option<Type> = Some(Type::Real);

    #[inline]
    fn from_sql(value: ValueRef<'_>) -> Result<Self, FromSqlError> {
        match value {
            ValueRef::Real(r) => Ok(r),
            // Every REAL column may hold integers (SQLite stores 1.0 as 1 on disk), so this is
            // the conversion users expect; it rounds above 2^53 like any i64 -> f64 conversion.
            ValueRef::Integer(i) => Ok(i as f64),
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

impl<'a> FromSql<'a> for &'a str {
    const EXPECTED: Option<Type> = Some(Type::Text);

    #[inline(always)]
    fn from_sql(value: ValueRef<'a>) -> Result<Self, FromSqlError> {
        match value {
            ValueRef::Text(t) => crate::raw::utf8(t).map_err(FromSqlError::Utf8),
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

impl FromSql<'_> for String {
    const EXPECTED: Option<Type> = Some(Type::Text);

    #[inline]
    fn from_sql(value: ValueRef<'_>) -> Result<Self, FromSqlError> {
        <&str>::from_sql(value).map(str::to_owned)
    }
}

/// TEXT and BLOB both read as bytes, so TEXT that is not UTF-8 can still be recovered.
impl<'a> FromSql<'a> for &'a [u8] {
    const EXPECTED: Option<Type> = Some(Type::Blob);

    #[inline]
    fn from_sql(value: ValueRef<'a>) -> Result<Self, FromSqlError> {
        match value {
            ValueRef::Blob(b) | ValueRef::Text(b) => Ok(b),
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

impl FromSql<'_> for Vec<u8> {
    const EXPECTED: Option<Type> = Some(Type::Blob);

    #[inline]
    fn from_sql(value: ValueRef<'_>) -> Result<Self, FromSqlError> {
        <&[u8]>::from_sql(value).map(<[u8]>::to_vec)
    }
}

impl<'a> FromSql<'a> for ValueRef<'a> {
    #[inline]
    fn from_sql(value: ValueRef<'a>) -> Result<Self, FromSqlError> {
        Ok(value)
    }
}

impl FromSql<'_> for Value {
    #[inline]
    fn from_sql(value: ValueRef<'_>) -> Result<Self, FromSqlError> {
        Ok(value.to_owned())
    }
}

impl<'a, T: FromSql<'a>> FromSql<'a> for Option<T> {
    const EXPECTED: Option<Type> = T::EXPECTED;

    #[inline]
    fn from_sql(value: ValueRef<'a>) -> Result<Self, FromSqlError> {
        match value {
            ValueRef::Null => Ok(None),
            other => T::from_sql(other).map(Some),
        }
    }

    fn type_name() -> &'static str {
        T::type_name()
    }
}

/// Maps a conversion failure of `value` at `column` to lite3's error, naming the column.
#[cold]
pub(crate) fn conversion_error<'a, T: FromSql<'a>>(
    error: FromSqlError,
    value: ValueRef<'_>,
    column: usize,
    name: String,
) -> crate::Error {
    match error {
        FromSqlError::InvalidType => crate::Error::InvalidType {
            column,
            name,
            from: value.data_type(),
            to: T::type_name(),
        },
        FromSqlError::OutOfRange(i) => crate::Error::IntegerOutOfRange {
            value: i.to_string(),
            to: T::type_name(),
            column: Some(column),
        },
        FromSqlError::Utf8(source) => crate::Error::Utf8 {
            column,
            name,
            source,
        },
        FromSqlError::Other(source) => crate::Error::Conversion {
            column,
            name,
            source,
        },
        size @ FromSqlError::InvalidBlobSize { .. } => crate::Error::Conversion {
            column,
            name,
            source: Box::new(size),
        },
    }
}
