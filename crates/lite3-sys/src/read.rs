//! lite3's own C readers (`csrc/lite3_read.c`): one call returns a value's storage class and its
//! contents. With the vendored SQLite they are compiled in one translation unit with the
//! amalgamation, so SQLite's accessors inline into them and a typed column read costs one call
//! instead of three or four. Declared by hand: they are lite3's API, not SQLite's.

use crate::{sqlite3_int64, sqlite3_stmt, sqlite3_value};
use core::ffi::{c_int, c_void};

/// Returned by [`lite3_column_read`] for a column index that is out of range.
pub const LITE3_NO_SUCH_COLUMN: c_int = 0;
/// Returned when SQLite could not allocate the buffer of a TEXT or BLOB value.
pub const LITE3_OUT_OF_MEMORY: c_int = -1;

/// A value's contents; which member is set depends on the storage class returned with it.
#[repr(C)]
#[derive(Clone, Copy)]
pub union lite3_value_data {
    /// `SQLITE_INTEGER`.
    pub integer: sqlite3_int64,
    /// `SQLITE_FLOAT`.
    pub real: f64,
    /// `SQLITE_TEXT` (UTF-8) and `SQLITE_BLOB`; null when empty.
    pub bytes: *const c_void,
}

/// What [`lite3_value_read`] and [`lite3_column_read`] write.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct lite3_value_parts {
    /// The contents.
    pub data: lite3_value_data,
    /// `SQLITE_TEXT` and `SQLITE_BLOB`: the length in bytes.
    pub len: c_int,
}

impl core::fmt::Debug for lite3_value_data {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Which member is live depends on the storage class, which the union does not hold.
        f.debug_struct("lite3_value_data").finish_non_exhaustive()
    }
}

unsafe extern "C" {
    /// Reads `value` without converting it (only its own class's accessor is called, so earlier
    /// pointers into it stay valid) and returns its storage class (`SQLITE_INTEGER` …
    /// `SQLITE_NULL`), or [`LITE3_OUT_OF_MEMORY`].
    ///
    /// # Safety
    /// `value` is a valid, protected `sqlite3_value`; `out` is valid for writes.
    pub fn lite3_value_read(value: *mut sqlite3_value, out: *mut lite3_value_parts) -> c_int;

    /// As [`lite3_value_read`] for column `i` of the current row of `stmt`; returns
    /// [`LITE3_NO_SUCH_COLUMN`] when `i` is out of range.
    ///
    /// # Safety
    /// `stmt` is a valid statement whose last step returned `SQLITE_ROW` and that has not been
    /// reset since; `out` is valid for writes.
    pub fn lite3_column_read(
        stmt: *mut sqlite3_stmt,
        i: c_int,
        out: *mut lite3_value_parts,
    ) -> c_int;
}
