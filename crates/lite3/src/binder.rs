//! [`Binder`]: the one way down for a statement's parameters. A run of a statement makes one
//! Binder; [`Params`](crate::Params) implementations hand it their values, and it checks the
//! count, converts and length-checks each value and binds it. Parameters never call back into
//! the statement, and the raw tier's buffer lifetime stays out of the public trait. (Binding
//! only writes to the statement's own memory; the door into C is passed when the run starts
//! stepping.)

use crate::raw::statement::Lifetime;
use crate::raw::{RawConnection, RawStatement};
use crate::statement::Statement;
use crate::types::{ToSql, ToSqlOutput, ValueRef};
use crate::{Error, Result};
use std::ffi::c_int;

/// Binds the parameters of one statement run (used by the sealed [`Params`](crate::Params)
/// trait; not constructed outside lite3).
#[doc(hidden)]
pub struct Binder<'s> {
    stmt: &'s RawStatement,
    conn: &'s RawConnection,
    parameter_count: usize,
    lifetime: Lifetime,
    /// Whether SQLite now points into a caller's buffer (bound without a copy).
    borrowed: bool,
}

impl<'s> Binder<'s> {
    /// A binder for one run of `stmt`. With `Lifetime::Static`, SQLite points into the values
    /// bound, so the caller keeps them alive (and unmoved) until the run ends, and records that
    /// with `RawStatement::set_borrowed`. Unless the run binds every parameter (`binds_all`),
    /// bindings an earlier run borrowed are cleared first, as they may point to freed memory.
    #[inline]
    pub(crate) fn new(stmt: &'s Statement<'_>, lifetime: Lifetime, binds_all: bool) -> Self {
        if !binds_all {
            stmt.raw.forget_borrowed();
        }
        Self {
            stmt: &stmt.raw,
            conn: stmt.conn.raw(),
            parameter_count: stmt.parameter_count(),
            lifetime,
            borrowed: false,
        }
    }

    /// Whether a text or blob was bound without a copy (the bindings must then be cleared
    /// before the values go away).
    #[inline]
    pub(crate) fn borrowed(&self) -> bool {
        self.borrowed
    }

    pub(crate) fn parameter_count(&self) -> usize {
        self.parameter_count
    }

    /// Checks the number of parameters given, before anything is bound (an iterator, whose
    /// count is known only at its end, checks after binding).
    #[inline]
    pub(crate) fn check_count(&self, given: usize) -> Result<()> {
        if self.parameter_count == given {
            Ok(())
        } else {
            Err(count_mismatch(self.parameter_count, given))
        }
    }

    /// 1-based index of the parameter `name` (with its prefix).
    pub(crate) fn index_of(&self, name: &str) -> Result<usize> {
        self.stmt
            .parameter_index(name)?
            .ok_or_else(|| Error::UnknownParameter(name.to_owned()))
    }

    /// Binds `value` to the 1-based `index`, which the caller checked against the count.
    #[inline]
    pub(crate) fn bind<T: ToSql + ?Sized>(&mut self, index: usize, value: &T) -> Result<()> {
        self.bind_with(index, value, self.lifetime)
    }

    /// As [`bind`](Self::bind), but SQLite always copies (for values that die right after).
    pub(crate) fn bind_copy<T: ToSql + ?Sized>(&mut self, index: usize, value: &T) -> Result<()> {
        self.bind_with(index, value, Lifetime::Transient)
    }

    // Always inlined: for a value of known type it folds to one `sqlite3_bind_*` call and a
    // check of its result (the cases that are not a plain value are calls of their own).
    #[inline(always)]
    fn bind_with<T: ToSql + ?Sized>(
        &mut self,
        index: usize,
        value: &T,
        lifetime: Lifetime,
    ) -> Result<()> {
        let output = value.to_sql()?;
        // Values made by the conversion die right after binding: SQLite must copy them.
        let (value, lifetime) = match &output {
            ToSqlOutput::Borrowed(v) => (*v, lifetime),
            ToSqlOutput::Owned(v) => (v.as_ref(), Lifetime::Transient),
            ToSqlOutput::ZeroBlob(len) => return self.bind_zeroblob(index, *len),
            ToSqlOutput::Pointer(pointer) => return self.bind_pointer(index, pointer),
        };
        debug_assert!(index >= 1 && index <= self.parameter_count);
        let buffer = match value {
            ValueRef::Text(b) | ValueRef::Blob(b) => {
                if b.len() > self.conn.length_limit() as usize {
                    return Err(too_big(value, b.len(), self.conn.length_limit()));
                }
                true
            }
            _ => false,
        };
        // `index <= count`, and SQLite's parameter count is a c_int.
        let rc = self.stmt.bind(index as c_int, value, lifetime);
        // Dropped before the check, so no unwinding path needs it: the hot path keeps the
        // converted value in registers.
        drop(output);
        if rc != crate::ffi::SQLITE_OK {
            return Err(bind_error(self.conn, rc));
        }
        self.borrowed |= buffer && lifetime == Lifetime::Static;
        Ok(())
    }

    /// Binds a blob of `len` zero bytes, which SQLite makes without a buffer.
    #[cold]
    #[inline(never)]
    fn bind_zeroblob(&mut self, index: usize, len: u64) -> Result<()> {
        let len = usize::try_from(len).unwrap_or(usize::MAX);
        self.check_length(ValueRef::Blob(&[]), len)?;
        let rc = self.stmt.bind_zeroblob(index as c_int, len as u64);
        self.conn.check(rc)
    }

    /// Binds a Rust value as a pointer (SQLite's pointer passing); SQLite keeps a reference
    /// until the binding is replaced or cleared.
    #[cold]
    #[inline(never)]
    fn bind_pointer(&mut self, index: usize, pointer: &crate::types::Pointer) -> Result<()> {
        let rc = self.stmt.bind_pointer(index as c_int, pointer);
        self.conn.check(rc)
    }

    /// Rejects text and blobs SQLite would refuse, before calling it.
    fn check_length(&self, value: ValueRef<'_>, len: usize) -> Result<()> {
        if len > self.conn.length_limit() as usize {
            return Err(too_big(value, len, self.conn.length_limit()));
        }
        Ok(())
    }
}

// The errors, out of line and without a reference to the Binder, which could then stay in
// registers.

/// SQLite refused a binding (a value over a limit it checks itself, out of memory). Out of
/// line, unlike most error paths: a caller such as `query_row` then keeps fewer values alive
/// across its calls into SQLite.
#[cold]
#[inline(never)]
fn bind_error(conn: &RawConnection, rc: c_int) -> Error {
    conn.error(rc)
}

#[cold]
#[inline(never)]
fn count_mismatch(expected: usize, given: usize) -> Error {
    Error::ParameterCount { expected, given }
}

/// The error for a text or blob `value` of `len` bytes, longer than the connection's length
/// `limit` (a positive `c_int`, so checking against it also keeps lengths within SQLite's).
#[cold]
#[inline(never)]
fn too_big(value: ValueRef<'_>, len: usize, limit: c_int) -> Error {
    let what = if matches!(value, ValueRef::Text(_)) {
        "text value"
    } else {
        "blob value"
    };
    Error::TooBig {
        what,
        len,
        limit: limit as usize,
    }
}

impl std::fmt::Debug for Binder<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Binder")
            .field("parameter_count", &self.parameter_count)
            .finish_non_exhaustive()
    }
}
