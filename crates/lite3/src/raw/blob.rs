//! [`RawBlob`] owns a `sqlite3_blob*`: incremental I/O on one BLOB of one row. Every call goes
//! through its connection's door; offsets and lengths were checked against the blob by the
//! caller (see `crate::blob`), so nothing here can wrap.

use super::RawConnection;
use crate::{Result, ffi};
use std::ffi::{CStr, c_int};
use std::ptr::NonNull;

/// Invariant: `blob` is open until `close` or `Drop`, and its connection outlives it (the public
/// `Blob` borrows the connection).
pub(crate) struct RawBlob {
    blob: NonNull<ffi::sqlite3_blob>,
}

impl RawBlob {
    /// `sqlite3_blob_open` on `db.table.column` of `row`.
    pub(crate) fn open(
        conn: &RawConnection,
        [db, table, column]: [&CStr; 3],
        row: i64,
        writable: bool,
    ) -> Result<Self> {
        let mut blob = std::ptr::null_mut();
        conn.call(|handle| {
            // SAFETY: the connection is open; the names are NUL-terminated and outlive the
            // call; `blob` receives the handle (null on failure).
            unsafe {
                ffi::sqlite3_blob_open(
                    handle,
                    db.as_ptr(),
                    table.as_ptr(),
                    column.as_ptr(),
                    row,
                    c_int::from(writable),
                    &mut blob,
                )
            }
        })?;
        let blob = NonNull::new(blob).expect("sqlite3_blob_open returned OK with null");
        Ok(Self { blob })
    }

    /// Moves to `row` of the same column; on failure SQLite aborts the handle (every later
    /// read or write fails with `Abort`).
    pub(crate) fn reopen(&self, conn: &RawConnection, row: i64) -> Result<()> {
        // SAFETY: the blob is open and its connection is used by this thread.
        conn.call(|_| unsafe { ffi::sqlite3_blob_reopen(self.blob.as_ptr(), row) })
    }

    /// The blob's size in bytes.
    pub(crate) fn size(&self) -> c_int {
        // SAFETY: the blob is open; this reads one of its fields.
        unsafe { ffi::sqlite3_blob_bytes(self.blob.as_ptr()) }
    }

    /// Fills `buf` from `offset`; the caller checked that it lies inside the blob.
    pub(crate) fn read(&self, conn: &RawConnection, buf: &mut [u8], offset: c_int) -> Result<()> {
        let len = c_int::try_from(buf.len()).expect("checked against the blob's size");
        // SAFETY: the blob is open; `buf` is writable for `len` bytes.
        conn.call(|_| unsafe {
            ffi::sqlite3_blob_read(self.blob.as_ptr(), buf.as_mut_ptr().cast(), len, offset)
        })
    }

    /// Fills the uninitialised `buf` from `offset` (checked by the caller, as for
    /// [`read`](Self::read)) and returns it initialised.
    pub(crate) fn read_uninit<'a>(
        &self,
        conn: &RawConnection,
        buf: &'a mut [std::mem::MaybeUninit<u8>],
        offset: c_int,
    ) -> Result<&'a mut [u8]> {
        let len = c_int::try_from(buf.len()).expect("checked against the blob's size");
        if len > 0 {
            // SAFETY: the blob is open; `buf` is writable for `len` bytes.
            conn.call(|_| unsafe {
                ffi::sqlite3_blob_read(self.blob.as_ptr(), buf.as_mut_ptr().cast(), len, offset)
            })?;
        }
        // SAFETY: SQLite filled all `len` bytes (a successful read is complete), or there are
        // none; MaybeUninit<u8> has u8's layout.
        Ok(unsafe { &mut *(std::ptr::from_mut(buf) as *mut [u8]) })
    }

    /// Writes `buf` at `offset`; the caller checked that it fits inside the blob.
    pub(crate) fn write(&self, conn: &RawConnection, buf: &[u8], offset: c_int) -> Result<()> {
        let len = c_int::try_from(buf.len()).expect("checked against the blob's size");
        // SAFETY: the blob is open; `buf` is readable for `len` bytes.
        conn.call(|_| unsafe {
            ffi::sqlite3_blob_write(self.blob.as_ptr(), buf.as_ptr().cast(), len, offset)
        })
    }

    /// `sqlite3_blob_close`, reporting its result (in autocommit mode it ends the write).
    pub(crate) fn close(self, conn: &RawConnection) -> Result<()> {
        let blob = std::mem::ManuallyDrop::new(self).blob;
        if conn.inherited_by_fork() || conn.refused_by_single_threaded_sqlite() {
            // As the connection itself: leaked, never touched from here.
            return Ok(());
        }
        // SAFETY: closed once: `self` is consumed and its Drop will not run.
        let rc = unsafe { ffi::sqlite3_blob_close(blob.as_ptr()) };
        conn.check(rc)
    }
}

impl Drop for RawBlob {
    fn drop(&mut self) {
        // SAFETY: closed once. Only reached for a blob whose owner did not call `close`; its
        // error (if any) has no one to go to.
        unsafe { ffi::sqlite3_blob_close(self.blob.as_ptr()) };
    }
}
