//! [`ToSql`]: Rust values as SQLite parameters.

use super::{Null, Value, ValueRef};
use crate::{Error, Result};
use std::borrow::Cow;
use std::rc::Rc;
use std::sync::Arc;

/// What a [`ToSql`] value binds as: borrowed (no copy) or owned.
///
/// ```
/// use lite3::{ToSql, ValueRef, types::ToSqlOutput};
///
/// assert!(matches!("text".to_sql()?, ToSqlOutput::Borrowed(ValueRef::Text(b"text"))));
/// # Ok::<(), lite3::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ToSqlOutput<'a> {
    /// Borrowed from the Rust value.
    Borrowed(ValueRef<'a>),
    /// Made by the conversion.
    Owned(Value),
    /// A BLOB of this many zero bytes, which SQLite makes without a buffer (see
    /// [`ZeroBlob`](crate::blob::ZeroBlob)); fill it in place with [`Blob`](crate::blob::Blob).
    ZeroBlob(u64),
    /// A Rust value passed through SQL as a pointer (SQLite's [pointer
    /// passing](https://sqlite.org/bindptr.html)), for a virtual table or function that reads it
    /// back with [`Values::get_pointer`](crate::vtab::Values::get_pointer); SQL sees NULL. Made
    /// by [`from_rc`](Self::from_rc) or [`new_boxed`](Self::new_boxed).
    Pointer(Pointer),
}

/// A Rust value on its way to SQLite as a pointer of a named type (see
/// [`ToSqlOutput::Pointer`]). Shared, so binding it again is cheap and it is freed only when
/// SQLite has let go of every binding; unlike rusqlite's raw tuple, it is never leaked or freed
/// twice, whatever happens to the `ToSqlOutput`.
#[derive(Clone)]
pub struct Pointer {
    pub(crate) value: std::rc::Rc<dyn std::any::Any>,
    pub(crate) kind: &'static std::ffi::CStr,
}

impl Pointer {
    /// SQLite's name for the pointer's type: a reader must ask for the same one.
    #[must_use]
    pub fn kind(&self) -> &'static std::ffi::CStr {
        self.kind
    }
}

impl std::fmt::Debug for Pointer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pointer").field("kind", &self.kind).finish()
    }
}

impl PartialEq for Pointer {
    /// The same value under the same type name.
    fn eq(&self, other: &Self) -> bool {
        std::rc::Rc::ptr_eq(&self.value, &other.value) && self.kind == other.kind
    }
}

impl<'a> ToSqlOutput<'a> {
    /// Passes the shared value `rc` to SQLite as a pointer of type `kind` (rusqlite's
    /// `from_rc`); a reader gets it back with
    /// [`Values::get_pointer`](crate::vtab::Values::get_pointer) or
    /// [`get_rc`](crate::vtab::Values::get_rc), asking for the same type name.
    ///
    /// ```
    /// use lite3::types::{ToSqlOutput, Value};
    /// use std::rc::Rc;
    ///
    /// let conn = lite3::Connection::open_in_memory()?;
    /// lite3::vtab::array::load_module(&conn)?;
    /// let values = Rc::new(vec![Value::from(1), Value::from(2)]);
    /// // What `Array`'s own `ToSql` does:
    /// let param = ToSqlOutput::from_rc(values, c"rarray");
    /// let n: i64 = conn.query_row("SELECT count(*) FROM rarray(?1)", [param], |r| r.get(0))?;
    /// assert_eq!(n, 2);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[must_use]
    pub fn from_rc<T: 'static>(rc: std::rc::Rc<T>, kind: &'static std::ffi::CStr) -> Self {
        ToSqlOutput::Pointer(Pointer { value: rc, kind })
    }

    /// Passes `value` to SQLite as a pointer of type `kind` (rusqlite's `new_boxed`).
    ///
    /// ```
    /// use lite3::types::ToSqlOutput;
    /// let out = ToSqlOutput::new_boxed(42_u8, c"answer");
    /// assert!(matches!(out, ToSqlOutput::Pointer(ref p) if p.kind() == c"answer"));
    /// ```
    #[must_use]
    pub fn new_boxed<T: 'static>(value: T, kind: &'static std::ffi::CStr) -> Self {
        Self::from_rc(std::rc::Rc::new(value), kind)
    }
}

impl ToSqlOutput<'_> {
    /// The value to bind; `None` for a [`ZeroBlob`](ToSqlOutput::ZeroBlob), whose bytes
    /// SQLite makes itself, and for a [`Pointer`](ToSqlOutput::Pointer), which SQL sees as
    /// NULL.
    ///
    /// ```
    /// use lite3::{ToSql, ValueRef, blob::ZeroBlob};
    /// assert_eq!(7_i32.to_sql()?.value_ref(), Some(ValueRef::Integer(7)));
    /// assert_eq!(ZeroBlob(16).to_sql()?.value_ref(), None);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[must_use]
    pub fn value_ref(&self) -> Option<ValueRef<'_>> {
        match self {
            ToSqlOutput::Borrowed(v) => Some(*v),
            ToSqlOutput::Owned(v) => Some(v.as_ref()),
            ToSqlOutput::ZeroBlob(_) | ToSqlOutput::Pointer(_) => None,
        }
    }

    /// As [`value_ref`](Self::value_ref), for conversions that wrap another `ToSql` value,
    /// where a zeroblob or a pointer is a conversion error.
    pub(crate) fn value_ref_or_error(&self) -> crate::Result<ValueRef<'_>> {
        self.value_ref().ok_or_else(|| {
            crate::Error::ToSqlConversionFailure(
                "a zeroblob or a pointer has no value to convert".into(),
            )
        })
    }
}

// `x.into()` for the values rusqlite converts, so a rusqlite-shaped `to_sql` body such as
// `Ok(self.0.into())` compiles unchanged.
macro_rules! owned_output_from {
    ($($t:ty)*) => {$(
        impl From<$t> for ToSqlOutput<'_> {
            #[inline]
            fn from(value: $t) -> Self {
                ToSqlOutput::Owned(Value::from(value))
            }
        }
    )*};
}
owned_output_from!(String Vec<u8> Null bool i8 i16 i32 i64 isize u8 u16 u32 f32 f64);

/// ```
/// use lite3::{Value, ValueRef, types::ToSqlOutput};
/// assert_eq!(ToSqlOutput::from(3_i64), ToSqlOutput::Owned(Value::Integer(3)));
/// assert_eq!(ToSqlOutput::from(Value::Null), ToSqlOutput::Owned(Value::Null));
/// assert_eq!(ToSqlOutput::from(ValueRef::Null), ToSqlOutput::Borrowed(ValueRef::Null));
/// ```
impl From<Value> for ToSqlOutput<'_> {
    #[inline]
    fn from(value: Value) -> Self {
        ToSqlOutput::Owned(value)
    }
}

impl<'a> From<ValueRef<'a>> for ToSqlOutput<'a> {
    #[inline]
    fn from(value: ValueRef<'a>) -> Self {
        ToSqlOutput::Borrowed(value)
    }
}

impl<'a> From<&'a str> for ToSqlOutput<'a> {
    #[inline]
    fn from(text: &'a str) -> Self {
        ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes()))
    }
}

impl<'a> From<&'a [u8]> for ToSqlOutput<'a> {
    #[inline]
    fn from(bytes: &'a [u8]) -> Self {
        ToSqlOutput::Borrowed(ValueRef::Blob(bytes))
    }
}

/// A Rust value that can be bound as an SQL parameter.
///
/// ```
/// use lite3::{Connection, ToSql, types::ToSqlOutput, Result};
///
/// struct Celsius(f64);
/// impl ToSql for Celsius {
///     fn to_sql(&self) -> Result<ToSqlOutput<'_>> {
///         self.0.to_sql()
///     }
/// }
///
/// let conn = Connection::open_in_memory()?;
/// let t: f64 = conn.query_row("SELECT ?1 + 1", (Celsius(20.5),), |row| row.get(0))?;
/// assert_eq!(t, 21.5);
/// # Ok::<(), lite3::Error>(())
/// ```
pub trait ToSql {
    /// Converts `self` to a value SQLite can bind.
    ///
    /// # Errors
    /// When the value has no SQLite representation (e.g. a `u64` above `i64::MAX`).
    fn to_sql(&self) -> Result<ToSqlOutput<'_>>;
}

macro_rules! lossless_integer {
    ($($t:ty)*) => {$(
        impl ToSql for $t {
            #[inline]
            fn to_sql(&self) -> Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::Owned(Value::Integer(i64::from(*self))))
            }
        }
    )*};
}
lossless_integer!(i8 i16 i32 i64 u8 u16 u32 bool);

macro_rules! checked_integer {
    ($($t:ty)*) => {$(
        impl ToSql for $t {
            #[inline]
            fn to_sql(&self) -> Result<ToSqlOutput<'_>> {
                let value = i64::try_from(*self).map_err(|_| Error::IntegerOutOfRange {
                    value: self.to_string(),
                    to: "SQLite INTEGER (i64)",
                    column: None,
                })?;
                Ok(ToSqlOutput::Owned(Value::Integer(value)))
            }
        }
    )*};
}
checked_integer!(u64 usize isize u128);
// With `i128_blob`, i128 is rusqlite's 16-byte BLOB instead (see integrations/i128_blob.rs).
#[cfg(not(feature = "i128_blob"))]
checked_integer!(i128);

impl ToSql for f64 {
    #[inline]
    fn to_sql(&self) -> Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Owned(Value::Real(*self)))
    }
}

impl ToSql for f32 {
    #[inline]
    fn to_sql(&self) -> Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Owned(Value::Real(f64::from(*self))))
    }
}

impl ToSql for str {
    #[inline]
    fn to_sql(&self) -> Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(ValueRef::Text(self.as_bytes())))
    }
}

impl ToSql for String {
    #[inline]
    fn to_sql(&self) -> Result<ToSqlOutput<'_>> {
        self.as_str().to_sql()
    }
}

impl ToSql for [u8] {
    #[inline]
    fn to_sql(&self) -> Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(ValueRef::Blob(self)))
    }
}

impl ToSql for Vec<u8> {
    #[inline]
    fn to_sql(&self) -> Result<ToSqlOutput<'_>> {
        self.as_slice().to_sql()
    }
}

impl<const N: usize> ToSql for [u8; N] {
    #[inline]
    fn to_sql(&self) -> Result<ToSqlOutput<'_>> {
        self.as_slice().to_sql()
    }
}

impl ToSql for Null {
    #[inline]
    fn to_sql(&self) -> Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(ValueRef::Null))
    }
}

impl ToSql for Value {
    #[inline]
    fn to_sql(&self) -> Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(self.as_ref()))
    }
}

impl ToSql for ValueRef<'_> {
    #[inline]
    fn to_sql(&self) -> Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(*self))
    }
}

impl ToSql for ToSqlOutput<'_> {
    #[inline]
    fn to_sql(&self) -> Result<ToSqlOutput<'_>> {
        Ok(match self {
            ToSqlOutput::ZeroBlob(len) => ToSqlOutput::ZeroBlob(*len),
            ToSqlOutput::Pointer(pointer) => ToSqlOutput::Pointer(pointer.clone()),
            other => ToSqlOutput::Borrowed(other.value_ref_or_error()?),
        })
    }
}

impl<T: ToSql> ToSql for Option<T> {
    #[inline]
    fn to_sql(&self) -> Result<ToSqlOutput<'_>> {
        match self {
            Some(v) => v.to_sql(),
            None => Ok(ToSqlOutput::Borrowed(ValueRef::Null)),
        }
    }
}

macro_rules! forward_through_deref {
    ($($t:ty)*) => {$(
        impl<T: ToSql + ?Sized> ToSql for $t {
            #[inline]
            fn to_sql(&self) -> Result<ToSqlOutput<'_>> {
                (**self).to_sql()
            }
        }
    )*};
}
forward_through_deref!(&T &mut T Box<T> Rc<T> Arc<T>);

impl<T: ToSql + ToOwned + ?Sized> ToSql for Cow<'_, T> {
    #[inline]
    fn to_sql(&self) -> Result<ToSqlOutput<'_>> {
        self.as_ref().to_sql()
    }
}
