//! Checkpoints, from a connection or from inside its WAL hook, and SQLite's automatic
//! checkpoint setting (see `crate::wal`).

use super::RawConnection;
use super::door::call_from_callback;
use crate::{Result, ffi};
use std::ffi::{CStr, c_char, c_int};

/// `sqlite3_wal_checkpoint_v2` through the door: (frames in the WAL, frames checkpointed).
pub(crate) fn checkpoint(
    conn: &RawConnection,
    name: Option<&CStr>,
    mode: c_int,
) -> Result<(c_int, c_int)> {
    let name = name.map_or(std::ptr::null(), CStr::as_ptr);
    let (mut frames, mut checkpointed) = (-1, -1);
    conn.call(|db| {
        // SAFETY: the connection is open; `name` is null or a NUL-terminated string alive for
        // the call; the outputs are writable.
        unsafe { ffi::sqlite3_wal_checkpoint_v2(db, name, mode, &mut frames, &mut checkpointed) }
    })?;
    Ok((frames, checkpointed))
}

/// `sqlite3_wal_autocheckpoint`: SQLite's own WAL hook, checkpointing at `pages` (0: never).
pub(crate) fn set_autocheckpoint(conn: &RawConnection, pages: c_int) -> Result<()> {
    // SAFETY: the connection is open; this registers SQLite's own hook, which owns nothing.
    conn.call(|db| unsafe { ffi::sqlite3_wal_autocheckpoint(db, pages) })
}

/// The connection and database a running WAL hook was called for. Built only by the hook's
/// trampoline and lent to the hook for the call, so its pointers stay valid while it exists.
pub(crate) struct HookTarget {
    db: *mut ffi::sqlite3,
    name: *const c_char,
}

impl HookTarget {
    /// # Safety
    /// `db` is the connection whose WAL hook is running on this thread and `name` the
    /// NUL-terminated database name SQLite passed it; the value must not outlive the hook.
    pub(crate) unsafe fn new(db: *mut ffi::sqlite3, name: *const c_char) -> Self {
        Self { db, name }
    }

    /// A checkpoint from inside the hook, which SQLite allows (its own automatic checkpoint is
    /// such a hook).
    pub(crate) fn checkpoint(&self, mode: c_int) -> Result<(c_int, c_int)> {
        let (mut frames, mut checkpointed) = (-1, -1);
        // SAFETY: per `new`, `db` is the connection whose WAL hook is running on this thread,
        // and `name` is alive for the call.
        unsafe {
            call_from_callback(self.db, |db| {
                ffi::sqlite3_wal_checkpoint_v2(db, self.name, mode, &mut frames, &mut checkpointed)
            })
        }?;
        Ok((frames, checkpointed))
    }

    pub(crate) fn name(&self) -> &CStr {
        // SAFETY: per `new`, a NUL-terminated name valid while the hook runs.
        unsafe { CStr::from_ptr(self.name) }
    }
}
