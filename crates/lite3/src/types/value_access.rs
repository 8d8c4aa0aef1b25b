//! rusqlite's accessors on [`ValueRef`] (`as_i64`, `as_str`, `as_blob_or_null`, …) and the
//! `From` conversions into [`Value`].

use super::{FromSqlError, Null, Value, ValueRef};

/// The result of an accessor: the value, or why it is not of that type.
pub type FromSqlResult<T> = Result<T, FromSqlError>;

impl<'a> ValueRef<'a> {
    /// The INTEGER, or [`FromSqlError::InvalidType`].
    ///
    /// ```
    /// use lite3::ValueRef;
    /// assert_eq!(ValueRef::Integer(7).as_i64().unwrap(), 7);
    /// assert!(ValueRef::Real(7.0).as_i64().is_err());
    /// ```
    ///
    /// # Errors
    /// [`FromSqlError::InvalidType`] for any other storage class.
    pub fn as_i64(&self) -> FromSqlResult<i64> {
        match *self {
            ValueRef::Integer(i) => Ok(i),
            _ => Err(FromSqlError::InvalidType),
        }
    }

    /// The INTEGER, `None` for NULL.
    ///
    /// # Errors
    /// [`FromSqlError::InvalidType`] for REAL, TEXT and BLOB.
    pub fn as_i64_or_null(&self) -> FromSqlResult<Option<i64>> {
        self.or_null(Self::as_i64)
    }

    /// The REAL, or [`FromSqlError::InvalidType`] (an INTEGER is not converted, as in rusqlite).
    ///
    /// # Errors
    /// [`FromSqlError::InvalidType`] for any other storage class.
    pub fn as_f64(&self) -> FromSqlResult<f64> {
        match *self {
            ValueRef::Real(r) => Ok(r),
            _ => Err(FromSqlError::InvalidType),
        }
    }

    /// The REAL, `None` for NULL.
    ///
    /// # Errors
    /// [`FromSqlError::InvalidType`] for INTEGER, TEXT and BLOB.
    pub fn as_f64_or_null(&self) -> FromSqlResult<Option<f64>> {
        self.or_null(Self::as_f64)
    }

    /// The TEXT as `&str`.
    ///
    /// ```
    /// use lite3::{ValueRef, types::FromSqlError};
    /// assert_eq!(ValueRef::Text(b"ok").as_str().unwrap(), "ok");
    /// assert!(matches!(ValueRef::Text(b"\xff").as_str(), Err(FromSqlError::Utf8Error(_))));
    /// assert!(matches!(ValueRef::Null.as_str(), Err(FromSqlError::InvalidType)));
    /// ```
    ///
    /// # Errors
    /// [`FromSqlError::InvalidType`] for another storage class, [`FromSqlError::Utf8Error`] for
    /// TEXT that is not UTF-8.
    pub fn as_str(&self) -> FromSqlResult<&'a str> {
        match *self {
            ValueRef::Text(t) => crate::raw::utf8(t).map_err(FromSqlError::Utf8Error),
            _ => Err(FromSqlError::InvalidType),
        }
    }

    /// The TEXT as `&str`, `None` for NULL.
    ///
    /// # Errors
    /// As [`as_str`](Self::as_str) for every storage class but NULL.
    pub fn as_str_or_null(&self) -> FromSqlResult<Option<&'a str>> {
        self.or_null(Self::as_str)
    }

    /// The BLOB's bytes.
    ///
    /// # Errors
    /// [`FromSqlError::InvalidType`] for any other storage class.
    pub fn as_blob(&self) -> FromSqlResult<&'a [u8]> {
        match *self {
            ValueRef::Blob(b) => Ok(b),
            _ => Err(FromSqlError::InvalidType),
        }
    }

    /// The BLOB's bytes, `None` for NULL.
    ///
    /// # Errors
    /// [`FromSqlError::InvalidType`] for INTEGER, REAL and TEXT.
    pub fn as_blob_or_null(&self) -> FromSqlResult<Option<&'a [u8]>> {
        self.or_null(Self::as_blob)
    }

    /// The bytes of a TEXT or BLOB.
    ///
    /// # Errors
    /// [`FromSqlError::InvalidType`] for NULL, INTEGER and REAL.
    pub fn as_bytes(&self) -> FromSqlResult<&'a [u8]> {
        match *self {
            ValueRef::Text(b) | ValueRef::Blob(b) => Ok(b),
            _ => Err(FromSqlError::InvalidType),
        }
    }

    /// The bytes of a TEXT or BLOB, `None` for NULL.
    ///
    /// # Errors
    /// [`FromSqlError::InvalidType`] for INTEGER and REAL.
    pub fn as_bytes_or_null(&self) -> FromSqlResult<Option<&'a [u8]>> {
        self.or_null(Self::as_bytes)
    }

    fn or_null<T>(&self, read: impl Fn(&Self) -> FromSqlResult<T>) -> FromSqlResult<Option<T>> {
        match self {
            ValueRef::Null => Ok(None),
            _ => read(self).map(Some),
        }
    }
}

// `Value::from(x)` / `x.into()` for the types rusqlite converts.
macro_rules! integer_into_value {
    ($($t:ty)*) => {$(
        impl From<$t> for Value {
            #[inline]
            fn from(i: $t) -> Value {
                Value::Integer(i64::from(i))
            }
        }
    )*};
}
integer_into_value!(i8 i16 i32 i64 u8 u16 u32 bool);

impl From<isize> for Value {
    #[inline]
    fn from(i: isize) -> Value {
        // isize is at most 64 bits on every target Rust supports.
        Value::Integer(i as i64)
    }
}

impl From<f32> for Value {
    #[inline]
    fn from(r: f32) -> Value {
        Value::Real(f64::from(r))
    }
}

impl From<f64> for Value {
    #[inline]
    fn from(r: f64) -> Value {
        Value::Real(r)
    }
}

impl From<String> for Value {
    #[inline]
    fn from(s: String) -> Value {
        Value::Text(s)
    }
}

impl From<&str> for Value {
    #[inline]
    fn from(s: &str) -> Value {
        Value::Text(s.to_owned())
    }
}

impl From<Vec<u8>> for Value {
    #[inline]
    fn from(b: Vec<u8>) -> Value {
        Value::Blob(b)
    }
}

impl From<Null> for Value {
    #[inline]
    fn from(_: Null) -> Value {
        Value::Null
    }
}

/// ```
/// use lite3::Value;
/// assert_eq!(Value::from(3_u8), Value::Integer(3));
/// assert_eq!(Value::from(true), Value::Integer(1));
/// assert_eq!(Value::from(Some("a")), Value::Text("a".into()));
/// assert_eq!(Value::from(None::<i64>), Value::Null);
/// ```
impl<T: Into<Value>> From<Option<T>> for Value {
    #[inline]
    fn from(value: Option<T>) -> Value {
        value.map_or(Value::Null, Into::into)
    }
}
