//! Reading SQLite's error state into [`SqliteError`].

use crate::error::{ErrorCode, SqliteError};
use crate::ffi;
use std::ffi::{CStr, c_int};

/// An error with SQLite's standard text for `code` (no connection to ask).
pub(crate) fn from_code(code: c_int) -> SqliteError {
    // SAFETY: sqlite3_errstr returns a static NUL-terminated string for any code.
    let message = unsafe { CStr::from_ptr(ffi::sqlite3_errstr(code)) };
    SqliteError {
        code: ErrorCode::from_primary(code & 0xff),
        extended_code: code,
        message: message.to_string_lossy().into_owned(),
        offset: None,
    }
}

/// Reads the failure from `db` right after a call on it returned `code`.
///
/// # Safety
/// `db` is an open connection used by this thread only, and nothing has been called on it
/// since the call that returned `code`.
#[cold]
pub(crate) unsafe fn from_handle(db: *mut ffi::sqlite3, code: c_int) -> SqliteError {
    // SAFETY: the caller guarantees `db` is open and exclusively ours.
    let extended = unsafe { ffi::sqlite3_extended_errcode(db) };
    // The handle's message describes `code` only if the handle recorded that same failure
    // (e.g. SQLITE_MISUSE from an API check is not recorded).
    if extended & 0xff != code & 0xff {
        return from_code(code);
    }
    // SAFETY: as above; the message is copied before anything else touches `db`.
    let message = unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(db)) }
        .to_string_lossy()
        .into_owned();
    // SAFETY: as above.
    let offset = unsafe { ffi::sqlite3_error_offset(db) };
    SqliteError {
        code: ErrorCode::from_primary(code & 0xff),
        extended_code: extended,
        message,
        offset: usize::try_from(offset).ok(),
    }
}
