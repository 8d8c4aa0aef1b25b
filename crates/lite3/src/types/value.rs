//! SQLite's five storage classes as Rust values: owned [`Value`] and borrowed [`ValueRef`].

use std::fmt;

/// SQLite's storage classes.
///
/// ```
/// use lite3::{Connection, ValueRef, types::Type};
///
/// let conn = Connection::open_in_memory()?;
/// let ty = conn.query_row("SELECT 1.5", (), |row| Ok(row.get_ref(0)?.data_type()))?;
/// assert_eq!(ty, Type::Real);
/// # Ok::<(), lite3::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    /// NULL.
    Null,
    /// 64-bit signed integer.
    Integer,
    /// 64-bit IEEE float.
    Real,
    /// Text (UTF-8 as far as lite3 writes it; SQLite does not check).
    Text,
    /// Bytes.
    Blob,
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Type::Null => "NULL",
            Type::Integer => "INTEGER",
            Type::Real => "REAL",
            Type::Text => "TEXT",
            Type::Blob => "BLOB",
        })
    }
}

/// SQL NULL as a parameter: `conn.execute("INSERT INTO t VALUES (?1)", (Null,))`.
///
/// ```
/// use lite3::{Connection, Null};
///
/// let conn = Connection::open_in_memory()?;
/// let is_null: bool = conn.query_row("SELECT ?1 IS NULL", (Null,), |row| row.get(0))?;
/// assert!(is_null);
/// # Ok::<(), lite3::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Null;

/// An owned SQLite value.
///
/// ```
/// use lite3::{Connection, Value};
///
/// let conn = Connection::open_in_memory()?;
/// let v: Value = conn.query_row("SELECT x'00ff'", (), |row| row.get(0))?;
/// assert_eq!(v, Value::Blob(vec![0, 255]));
/// # Ok::<(), lite3::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// NULL.
    Null,
    /// INTEGER.
    Integer(i64),
    /// REAL.
    Real(f64),
    /// TEXT.
    Text(String),
    /// BLOB.
    Blob(Vec<u8>),
}

impl Value {
    /// The storage class.
    ///
    /// ```
    /// use lite3::{Value, types::Type};
    /// assert_eq!(Value::Integer(1).data_type(), Type::Integer);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[must_use]
    pub fn data_type(&self) -> Type {
        self.as_ref().data_type()
    }

    /// Borrows this value.
    ///
    /// ```
    /// use lite3::{Value, ValueRef};
    /// assert_eq!(Value::Text("a".into()).as_ref(), ValueRef::Text(b"a"));
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[must_use]
    pub fn as_ref(&self) -> ValueRef<'_> {
        match self {
            Value::Null => ValueRef::Null,
            Value::Integer(i) => ValueRef::Integer(*i),
            Value::Real(r) => ValueRef::Real(*r),
            Value::Text(s) => ValueRef::Text(s.as_bytes()),
            Value::Blob(b) => ValueRef::Blob(b),
        }
    }
}

/// A value borrowed from SQLite (a row's column, a function's argument) or from Rust.
///
/// TEXT is kept as bytes because SQLite does not guarantee UTF-8; [`ValueRef::as_str`] checks.
/// The `as_*` accessors (rusqlite's shapes) are in `types/value_access.rs`.
///
/// ```
/// use lite3::{Connection, ValueRef};
///
/// let conn = Connection::open_in_memory()?;
/// conn.query_row("SELECT 'hi'", (), |row| {
///     assert_eq!(row.get_ref(0)?, ValueRef::Text(b"hi"));
///     Ok(())
/// })?;
/// # Ok::<(), lite3::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ValueRef<'a> {
    /// NULL.
    Null,
    /// INTEGER.
    Integer(i64),
    /// REAL.
    Real(f64),
    /// TEXT, as the bytes SQLite holds.
    Text(&'a [u8]),
    /// BLOB.
    Blob(&'a [u8]),
}

impl<'a> ValueRef<'a> {
    /// The storage class.
    ///
    /// ```
    /// use lite3::{ValueRef, types::Type};
    /// assert_eq!(ValueRef::Null.data_type(), Type::Null);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[must_use]
    pub fn data_type(&self) -> Type {
        match self {
            ValueRef::Null => Type::Null,
            ValueRef::Integer(_) => Type::Integer,
            ValueRef::Real(_) => Type::Real,
            ValueRef::Text(_) => Type::Text,
            ValueRef::Blob(_) => Type::Blob,
        }
    }

    /// Copies into an owned [`Value`]; invalid UTF-8 in TEXT is replaced by U+FFFD
    /// (`Value::try_from` refuses it instead).
    ///
    /// ```
    /// use lite3::{Value, ValueRef};
    /// assert_eq!(ValueRef::Real(0.5).to_owned(), Value::Real(0.5));
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[must_use]
    pub fn to_owned(&self) -> Value {
        match *self {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(i) => Value::Integer(i),
            ValueRef::Real(r) => Value::Real(r),
            ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(b) => Value::Blob(b.to_vec()),
        }
    }
}

impl<'a> From<&'a Value> for ValueRef<'a> {
    fn from(value: &'a Value) -> Self {
        value.as_ref()
    }
}

/// Copies into an owned [`Value`], refusing TEXT that is not UTF-8 (rusqlite's conversion;
/// [`ValueRef::to_owned`] replaces the bad bytes instead).
///
/// ```
/// use lite3::{Value, ValueRef};
/// assert_eq!(Value::try_from(ValueRef::Text(b"ok")).unwrap(), Value::Text("ok".into()));
/// assert!(Value::try_from(ValueRef::Text(b"\xff")).is_err());
/// ```
impl TryFrom<ValueRef<'_>> for Value {
    type Error = super::FromSqlError;

    fn try_from(value: ValueRef<'_>) -> Result<Self, Self::Error> {
        Ok(match value {
            ValueRef::Text(t) => Value::Text(std::str::from_utf8(t)?.to_owned()),
            other => other.to_owned(),
        })
    }
}

impl<'a> From<&'a str> for ValueRef<'a> {
    fn from(text: &'a str) -> Self {
        ValueRef::Text(text.as_bytes())
    }
}

impl<'a> From<&'a [u8]> for ValueRef<'a> {
    fn from(bytes: &'a [u8]) -> Self {
        ValueRef::Blob(bytes)
    }
}
