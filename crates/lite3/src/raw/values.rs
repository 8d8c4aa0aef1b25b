//! The values SQLite hands a callback for the length of one call: a function's arguments, a
//! virtual table's filter arguments and the row an `UPDATE` writes. One type reads them all.

use crate::types::{FromSqlRef, ValueRef};
use crate::{Error, Result, ffi};
use std::ffi::{CStr, c_int, c_uint};
use std::marker::PhantomData;

/// The values of one callback call, valid while it runs (rusqlite's `Values`).
///
/// ```
/// use lite3::vtab::series;
///
/// let conn = lite3::Connection::open_in_memory()?;
/// series::load_module(&conn)?;
/// // generate_series reads its arguments through `Values` in its `filter`.
/// let sum: i64 = conn.query_row("SELECT sum(value) FROM generate_series(1, 4)", (), |r| r.get(0))?;
/// assert_eq!(sum, 10);
/// # Ok::<(), lite3::Error>(())
/// ```
pub struct Values<'a> {
    args: &'a [*mut ffi::sqlite3_value],
    _not_send: PhantomData<*mut ()>,
}

impl<'a> Values<'a> {
    /// The `argc` values at `argv`.
    ///
    /// # Safety
    /// `argv` holds `argc` values (or is null with `argc` 0) that stay valid for `'a`, the
    /// length of the callback call.
    pub(crate) unsafe fn new(argc: c_int, argv: *mut *mut ffi::sqlite3_value) -> Self {
        let args = match usize::try_from(argc) {
            // SAFETY: guaranteed by the caller.
            Ok(len) if len > 0 && !argv.is_null() => unsafe {
                std::slice::from_raw_parts(argv, len)
            },
            _ => &[],
        };
        Values {
            args,
            _not_send: PhantomData,
        }
    }

    pub(crate) fn raw(&self, i: usize) -> Option<*mut ffi::sqlite3_value> {
        self.args.get(i).copied()
    }

    /// How many values there are.
    #[must_use]
    pub fn len(&self) -> usize {
        self.args.len()
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.args.is_empty()
    }

    /// Value `i` as SQLite holds it.
    ///
    /// # Errors
    /// [`Error::InvalidColumn`] when `i` is out of range; an out-of-memory [`Error::Sqlite`]
    /// when SQLite cannot allocate a TEXT or BLOB value's buffer.
    pub fn get_ref(&self, i: usize) -> Result<ValueRef<'_>> {
        let what = || format!("argument {i}");
        let Some(value) = self.raw(i) else {
            return Err(Error::InvalidColumn(what()));
        };
        // SAFETY: `value` is a protected value SQLite passed to this call, valid until the call
        // returns; the borrow of `self` ends before that.
        unsafe { super::value_ref(value) }.map_err(|failure| failure.into_error(&what()))
    }

    /// Value `i` converted to `T`.
    ///
    /// # Errors
    /// When `i` is out of range or the value does not convert (see [`FromSqlRef`]).
    pub fn get<'s, T: FromSqlRef<'s>>(&'s self, i: usize) -> Result<T> {
        let value = self.get_ref(i)?;
        T::from_sql_ref(value)
            .map_err(|e| crate::types::conversion_error::<T>(e, value, i, format!("argument {i}")))
    }

    /// The subtype of value `i` (0 when it has none or there is no such value).
    #[must_use]
    pub fn get_subtype(&self, i: usize) -> c_uint {
        // SAFETY: the value is a protected value valid for this call.
        self.raw(i)
            .map_or(0, |value| unsafe { ffi::sqlite3_value_subtype(value) })
    }

    /// The Rust value passed as a pointer of type `kind` to value `i` (see
    /// [`ToSqlOutput::from_rc`](crate::types::ToSqlOutput::from_rc)), or `None` when value
    /// `i` is no such pointer or holds another Rust type. Unlike rusqlite's, this is safe: the
    /// Rust type is checked as well as SQLite's pointer type.
    #[must_use]
    pub fn get_pointer<T: 'static>(&self, i: usize, kind: &'static CStr) -> Option<&T> {
        self.pointer(i, kind)?.downcast_ref()
    }

    /// The shared value passed as a pointer of type `kind` to value `i` by
    /// [`ToSqlOutput::from_rc`](crate::types::ToSqlOutput::from_rc), as a new reference a
    /// virtual table cursor may keep after the call.
    #[must_use]
    pub fn get_rc<T: 'static>(&self, i: usize, kind: &'static CStr) -> Option<std::rc::Rc<T>> {
        std::rc::Rc::downcast(std::rc::Rc::clone(self.pointer(i, kind)?)).ok()
    }

    /// Whether value `i` is a pointer of type `kind`, whatever Rust type it holds.
    pub(crate) fn has_pointer(&self, i: usize, kind: &'static CStr) -> bool {
        self.pointer(i, kind).is_some()
    }

    fn pointer(&self, i: usize, kind: &'static CStr) -> Option<&std::rc::Rc<dyn std::any::Any>> {
        // SAFETY: the value is valid for this call; a pointer of this type was bound by
        // `RawStatement::bind_pointer` (or set by `function::set_output`), which only ever
        // passes a live `Box<Rc<dyn Any>>` under a type name, and lives as long as the value.
        unsafe { super::pointer::read(self.raw(i)?, kind) }
    }

    /// The values, in order. Reading a TEXT or BLOB value SQLite cannot allocate panics (the
    /// panic resumes in the caller of the statement); [`get_ref`](Self::get_ref) returns that
    /// error instead.
    #[must_use]
    pub fn iter(&self) -> ValueIter<'_> {
        ValueIter {
            values: self,
            next: 0,
        }
    }
}

impl<'a> IntoIterator for &'a Values<'_> {
    type Item = ValueRef<'a>;
    type IntoIter = ValueIter<'a>;

    fn into_iter(self) -> ValueIter<'a> {
        self.iter()
    }
}

/// The values of a [`Values`], in order.
#[derive(Debug)]
pub struct ValueIter<'a> {
    values: &'a Values<'a>,
    next: usize,
}

impl<'a> Iterator for ValueIter<'a> {
    type Item = ValueRef<'a>;

    fn next(&mut self) -> Option<ValueRef<'a>> {
        if self.next >= self.values.len() {
            return None;
        }
        let i = self.next;
        self.next += 1;
        Some(
            self.values
                .get_ref(i)
                .unwrap_or_else(|e| panic!("Values::iter: {e}")),
        )
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.values.len() - self.next;
        (left, Some(left))
    }
}

impl ExactSizeIterator for ValueIter<'_> {}

impl std::fmt::Debug for Values<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Values").field("len", &self.len()).finish()
    }
}
