//! [`RawBackup`] owns a `sqlite3_backup*`: an online copy from one connection's database to
//! another's. Every call goes through both connections' doors (a step reads the source and
//! writes the destination); SQLite records a failure on the destination handle.

use super::RawConnection;
use crate::{Result, ffi};
use std::ffi::{CStr, c_int};
use std::ptr::NonNull;

/// Invariant: `backup` is live until `Drop` finishes it, and both connections outlive it (the
/// public `Backup` borrows them).
pub(crate) struct RawBackup {
    backup: NonNull<ffi::sqlite3_backup>,
}

/// What one step did.
pub(crate) enum Stepped {
    Done,
    More,
    Busy,
    Locked,
}

impl RawBackup {
    /// `sqlite3_backup_init`: copies `from`'s database `from_name` into `to`'s `to_name`.
    pub(crate) fn new(
        from: &RawConnection,
        from_name: &CStr,
        to: &RawConnection,
        to_name: &CStr,
    ) -> Result<Self> {
        from.enter()?;
        let mut backup = std::ptr::null_mut();
        to.call(|to_db| {
            // SAFETY: both connections are open and used by this thread only (borrowed by the
            // caller); the names are NUL-terminated and outlive the call.
            backup = unsafe {
                ffi::sqlite3_backup_init(to_db, to_name.as_ptr(), from.as_ptr(), from_name.as_ptr())
            };
            if backup.is_null() {
                // SAFETY: `to_db` is open; init recorded its failure there.
                unsafe { ffi::sqlite3_errcode(to_db) }
            } else {
                ffi::SQLITE_OK
            }
        })?;
        let backup = NonNull::new(backup).expect("sqlite3_backup_init returned OK with null");
        Ok(Self { backup })
    }

    /// `sqlite3_backup_step` of `pages` pages (negative: all).
    pub(crate) fn step(
        &self,
        from: &RawConnection,
        to: &RawConnection,
        pages: c_int,
    ) -> Result<Stepped> {
        from.enter()?;
        to.enter()?;
        // SAFETY: the backup is live and both its connections are open and borrowed by the
        // caller on this thread.
        let rc = unsafe { ffi::sqlite3_backup_step(self.backup.as_ptr(), pages) };
        let stepped = match rc {
            ffi::SQLITE_DONE => Stepped::Done,
            ffi::SQLITE_OK => Stepped::More,
            ffi::SQLITE_BUSY => Stepped::Busy,
            ffi::SQLITE_LOCKED => Stepped::Locked,
            rc => return Err(to.error(rc)),
        };
        // The destination's hooks (commit, WAL) ran in the step; a panic of theirs resumes.
        to.succeeded();
        Ok(stepped)
    }

    /// (pages still to copy, pages in the source) as of the last step.
    pub(crate) fn progress(&self) -> (c_int, c_int) {
        // SAFETY: the backup is live; these read two of its fields.
        unsafe {
            (
                ffi::sqlite3_backup_remaining(self.backup.as_ptr()),
                ffi::sqlite3_backup_pagecount(self.backup.as_ptr()),
            )
        }
    }
}

impl Drop for RawBackup {
    fn drop(&mut self) {
        // SAFETY: finished once. An unfinished copy is rolled back in the destination, which
        // is left as it was; the result repeats an error a step already reported.
        unsafe { ffi::sqlite3_backup_finish(self.backup.as_ptr()) };
    }
}
