//! Keying a connection through SQLite3 Multiple Ciphers' C API (not `PRAGMA key`, so the key
//! never becomes SQL text that SQLite copies into statements it later frees unwiped).

use super::RawConnection;
use crate::{Result, ffi};
use std::ffi::c_int;

/// Sets the key the main database is read and written with.
pub(crate) fn key(conn: &RawConnection, key: &[u8]) -> Result<()> {
    let len = c_int::try_from(key.len()).unwrap_or(c_int::MAX);
    // SAFETY: the connection is open; the key is valid for `len` bytes during the call, and
    // SQLite3 Multiple Ciphers derives its own copy from it.
    conn.call(|db| unsafe {
        ffi::codec::sqlite3_key_v2(db, c"main".as_ptr(), key.as_ptr().cast(), len)
    })
}

/// Re-encrypts the main database with `key`, or (None) decrypts it to plaintext.
pub(crate) fn rekey(conn: &RawConnection, key: Option<&[u8]>) -> Result<()> {
    let (ptr, len) = match key {
        Some(key) => (
            key.as_ptr().cast(),
            c_int::try_from(key.len()).unwrap_or(c_int::MAX),
        ),
        None => (std::ptr::null(), 0),
    };
    // SAFETY: the connection is open; the key is null or valid for `len` bytes for the call.
    conn.call(|db| unsafe { ffi::codec::sqlite3_rekey_v2(db, c"main".as_ptr(), ptr, len) })
}
