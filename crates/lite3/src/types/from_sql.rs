//! [`FromSql`]: SQLite values (columns, function arguments) as Rust values.

use super::{FromSqlResult, Type, Value, ValueRef};
use std::fmt;

/// Why a value could not be converted. [`Row::get`](crate::Row::get) turns it into an
/// [`Error`](crate::Error) that names the column.
///
/// ```
/// use lite3::{FromSql, ValueRef, types::FromSqlError};
///
/// assert!(matches!(u8::column_result(ValueRef::Integer(256)), Err(FromSqlError::OutOfRange(256))));
/// assert!(matches!(i64::column_result(ValueRef::Null), Err(FromSqlError::InvalidType)));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum FromSqlError {
    /// The storage class cannot be read as the requested type (e.g. TEXT as `i64`, NULL as `String`).
    InvalidType,
    /// The integer does not fit the requested type.
    OutOfRange(i64),
    /// TEXT that is not valid UTF-8, read as `&str` or `String`.
    Utf8Error(std::str::Utf8Error),
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
            FromSqlError::Utf8Error(e) => write!(f, "invalid UTF-8: {e}"),
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

impl std::error::Error for FromSqlError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FromSqlError::Utf8Error(e) => Some(e),
            FromSqlError::Other(e) => Some(&**e),
            _ => None,
        }
    }
}

impl From<std::str::Utf8Error> for FromSqlError {
    #[cold]
    fn from(error: std::str::Utf8Error) -> Self {
        FromSqlError::Utf8Error(error)
    }
}

impl FromSqlError {
    /// Wraps any error as [`FromSqlError::Other`], for `map_err` in a custom [`FromSql`].
    ///
    /// ```
    /// use lite3::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};
    ///
    /// struct Port(u16);
    /// impl FromSql for Port {
    ///     fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
    ///         value.as_str()?.parse().map(Port).map_err(FromSqlError::other)
    ///     }
    /// }
    /// assert!(Port::column_result(ValueRef::Text(b"http")).is_err());
    /// assert_eq!(Port::column_result(ValueRef::Text(b"8080")).unwrap().0, 8080);
    /// ```
    pub fn other<E: std::error::Error + Send + Sync + 'static>(error: E) -> Self {
        FromSqlError::Other(Box::new(error))
    }
}

/// A Rust type that can be read from an SQLite value: rusqlite's trait, same name and shape.
///
/// Implement it for your own types exactly as for rusqlite. [`Row::get`](crate::Row::get) reads
/// every `FromSql` type, and also the borrowed ones (`&str`, `&[u8]`, [`ValueRef`]), which point
/// into the row without copying (see [`FromSqlRef`]).
///
/// ```
/// use lite3::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};
///
/// #[derive(Debug, PartialEq)]
/// struct Celsius(f64);
///
/// impl FromSql for Celsius {
///     fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
///         f64::column_result(value).map(Celsius)
///     }
/// }
///
/// let conn = lite3::Connection::open_in_memory()?;
/// let t: Celsius = conn.query_row("SELECT 21.5", [], |row| row.get(0))?;
/// assert_eq!(t, Celsius(21.5));
/// # Ok::<(), lite3::Error>(())
/// ```
pub trait FromSql: Sized {
    /// Converts `value`.
    ///
    /// # Errors
    /// When the value's type or range does not fit `Self`.
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self>;

    /// The type's name for error messages.
    #[doc(hidden)]
    fn type_name() -> &'static str {
        std::any::type_name::<Self>()
    }

    /// The storage class this type normally reads, if it has one. Row access tests for it
    /// first and reads just that class, instead of dispatching over all five; other classes
    /// still reach [`column_result`](Self::column_result). Purely an optimisation: any value is
    /// correct; a wrong one only costs a little speed.
    #[doc(hidden)]
    const EXPECTED: Option<Type> = None;
}

/// What [`Row::get`](crate::Row::get) and [`Context::get`](crate::functions::Context::get)
/// read: every [`FromSql`] type, plus the types that borrow from the row (`&str`, `&[u8]`,
/// [`ValueRef`], and their `Option`s), which stay valid while the row does.
///
/// You implement [`FromSql`], not this; it exists so that rows can lend text and blobs without
/// copying, which rusqlite's lifetime-free `FromSql` cannot express.
///
/// ```
/// use lite3::Connection;
///
/// let conn = Connection::open_in_memory()?;
/// conn.query_row("SELECT 'borrowed', 42, NULL", (), |row| {
///     let text: &str = row.get(0)?; // no copy: points into SQLite's row buffer
///     let number: u8 = row.get(1)?; // range-checked
///     let missing: Option<&[u8]> = row.get(2)?;
///     assert_eq!((text, number, missing), ("borrowed", 42, None));
///     Ok(())
/// })?;
/// # Ok::<(), lite3::Error>(())
/// ```
pub trait FromSqlRef<'a>: Sized {
    /// Converts `value`, possibly borrowing from it.
    ///
    /// # Errors
    /// When the value's type or range does not fit `Self`.
    fn from_sql_ref(value: ValueRef<'a>) -> FromSqlResult<Self>;

    /// See [`FromSql`]'s.
    #[doc(hidden)]
    fn type_name() -> &'static str {
        std::any::type_name::<Self>()
    }

    /// See [`FromSql`]'s.
    #[doc(hidden)]
    const EXPECTED: Option<Type> = None;
}

impl<T: FromSql> FromSqlRef<'_> for T {
    const EXPECTED: Option<Type> = T::EXPECTED;

    #[inline(always)]
    fn from_sql_ref(value: ValueRef<'_>) -> FromSqlResult<Self> {
        T::column_result(value)
    }

    fn type_name() -> &'static str {
        <T as FromSql>::type_name()
    }
}

impl FromSql for i64 {
    const EXPECTED: Option<Type> = Some(Type::Integer);

    #[inline]
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        match value {
            ValueRef::Integer(i) => Ok(i),
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

macro_rules! checked_integer {
    ($($t:ty)*) => {$(
        impl FromSql for $t {
            const EXPECTED: Option<Type> = Some(Type::Integer);

            #[inline]
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                let i = i64::column_result(value)?;
                <$t>::try_from(i).map_err(|_| FromSqlError::OutOfRange(i))
            }
        }
    )*};
}
checked_integer!(i8 i16 i32 isize u8 u16 u32 u64 usize u128);
// With `i128_blob`, i128 is rusqlite's 16-byte BLOB instead (see integrations/i128_blob.rs).
#[cfg(not(feature = "i128_blob"))]
checked_integer!(i128);

impl FromSql for bool {
    const EXPECTED: Option<Type> = Some(Type::Integer);

    #[inline]
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        i64::column_result(value).map(|i| i != 0)
    }
}

impl FromSql for f64 {
    const EXPECTED: Option<Type> = Some(Type::Real);

    #[inline]
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        match value {
            ValueRef::Real(r) => Ok(r),
            // Every REAL column may hold integers (SQLite stores 1.0 as 1 on disk), so this is
            // the conversion users expect; it rounds above 2^53 like any i64 -> f64 conversion.
            ValueRef::Integer(i) => Ok(i as f64),
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

impl<'a> FromSqlRef<'a> for &'a str {
    const EXPECTED: Option<Type> = Some(Type::Text);

    #[inline(always)]
    fn from_sql_ref(value: ValueRef<'a>) -> FromSqlResult<Self> {
        match value {
            ValueRef::Text(t) => crate::raw::utf8(t).map_err(FromSqlError::Utf8Error),
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

impl FromSql for String {
    const EXPECTED: Option<Type> = Some(Type::Text);

    #[inline]
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        <&str>::from_sql_ref(value).map(str::to_owned)
    }
}

/// TEXT and BLOB both read as bytes, so TEXT that is not UTF-8 can still be recovered.
impl<'a> FromSqlRef<'a> for &'a [u8] {
    const EXPECTED: Option<Type> = Some(Type::Blob);

    #[inline]
    fn from_sql_ref(value: ValueRef<'a>) -> FromSqlResult<Self> {
        match value {
            ValueRef::Blob(b) | ValueRef::Text(b) => Ok(b),
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

impl FromSql for Vec<u8> {
    const EXPECTED: Option<Type> = Some(Type::Blob);

    #[inline]
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        <&[u8]>::from_sql_ref(value).map(<[u8]>::to_vec)
    }
}

impl<'a> FromSqlRef<'a> for ValueRef<'a> {
    #[inline]
    fn from_sql_ref(value: ValueRef<'a>) -> FromSqlResult<Self> {
        Ok(value)
    }
}

/// Any value; TEXT that is not UTF-8 is refused ([`FromSqlError::Utf8Error`]) rather than
/// changed (read it as `Vec<u8>` or [`ValueRef`] instead).
impl FromSql for Value {
    #[inline]
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        Value::try_from(value)
    }
}

/// NULL as `None`, anything else as `T`.
impl<T: FromSql> FromSql for Option<T> {
    const EXPECTED: Option<Type> = T::EXPECTED;

    #[inline]
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        match value {
            ValueRef::Null => Ok(None),
            other => T::column_result(other).map(Some),
        }
    }

    fn type_name() -> &'static str {
        T::type_name()
    }
}

// `Option` of the borrowed types, which cannot go through `FromSql`.
macro_rules! optional_borrowed {
    ($($t:ty)*) => {$(
        impl<'a> FromSqlRef<'a> for Option<$t> {
            const EXPECTED: Option<Type> = <$t>::EXPECTED;

            #[inline]
            fn from_sql_ref(value: ValueRef<'a>) -> FromSqlResult<Self> {
                match value {
                    ValueRef::Null => Ok(None),
                    other => <$t>::from_sql_ref(other).map(Some),
                }
            }

            fn type_name() -> &'static str {
                <$t as FromSqlRef<'a>>::type_name()
            }
        }
    )*};
}
optional_borrowed!(&'a str &'a [u8]);

/// Maps a conversion failure of `value` at `column` to lite3's error, naming the column.
#[cold]
pub(crate) fn conversion_error<'a, T: FromSqlRef<'a>>(
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
        FromSqlError::Utf8Error(source) => crate::Error::Utf8 {
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
