//! The encryption codec of SQLite3 Multiple Ciphers, the same way in every build: the vendored
//! library has it, a system SQLite does not. [`AVAILABLE`] says which, and without a codec the
//! key functions are stand-ins that change nothing and return `SQLITE_ERROR`, so a caller can
//! never believe it encrypted a file that is written in plaintext.

#[cfg(not(sqlite_vendored))]
use core::ffi::{c_char, c_int, c_void};

/// Whether the linked SQLite encrypts (the vendored SQLite3 Multiple Ciphers).
pub const AVAILABLE: bool = cfg!(sqlite_vendored);

#[cfg(sqlite_vendored)]
pub use crate::bindings::{sqlite3_key_v2, sqlite3_rekey_v2};

/// Stand-in for SQLite3 Multiple Ciphers' `sqlite3_key_v2`: this SQLite has no codec.
///
/// # Safety
/// None needed; the signature matches the real function's.
#[cfg(not(sqlite_vendored))]
pub unsafe fn sqlite3_key_v2(
    _db: *mut crate::sqlite3,
    _schema: *const c_char,
    _key: *const c_void,
    _len: c_int,
) -> c_int {
    crate::SQLITE_ERROR
}

/// Stand-in for SQLite3 Multiple Ciphers' `sqlite3_rekey_v2`: this SQLite has no codec.
///
/// # Safety
/// None needed; the signature matches the real function's.
#[cfg(not(sqlite_vendored))]
pub unsafe fn sqlite3_rekey_v2(
    _db: *mut crate::sqlite3,
    _schema: *const c_char,
    _key: *const c_void,
    _len: c_int,
) -> c_int {
    crate::SQLITE_ERROR
}

/// The start of the names of SQLite3 Multiple Ciphers' cipher VFSes: `multipleciphers-unix`
/// encrypts what it passes to `unix`. Its WAL encryption needs its VFS to be the topmost one
/// of a connection, so a wrapping VFS belongs beneath it.
pub const VFS_PREFIX: &str = "multipleciphers-";

#[cfg(sqlite_vendored)]
pub use crate::bindings::sqlite3mc_vfs_create;

/// Stand-in for SQLite3 Multiple Ciphers' `sqlite3mc_vfs_create`: this SQLite has no codec.
///
/// # Safety
/// None needed; the signature matches the real function's.
#[cfg(not(sqlite_vendored))]
pub unsafe fn sqlite3mc_vfs_create(_real: *const c_char, _make_default: c_int) -> c_int {
    crate::SQLITE_ERROR
}
