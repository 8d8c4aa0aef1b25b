//! [`RawConnection`] owns a `sqlite3*`; [`InterruptTarget`] lets other threads interrupt it
//! without ever touching a closed handle.

use crate::{Error, Result, ffi};
use parking_lot::Mutex;
use std::cell::Cell;
use std::ffi::{CStr, c_int};
use std::mem::ManuallyDrop;
use std::ptr::{self, NonNull};
use std::sync::Arc;
use std::time::Duration;

/// Owns an open connection. Invariant: `db` is open until `Drop` (or a successful `close`), and
/// `interrupt` reaches it until then, never after.
pub(crate) struct RawConnection {
    db: NonNull<ffi::sqlite3>,
    interrupt: Arc<InterruptTarget>,
    /// The library has no mutexes (SQLITE_THREADSAFE=0): only the SQLite thread may use it.
    pinned_to_sqlite_thread: bool,
    /// A failure that leaves the connection suspect (I/O error, corruption, misuse) was seen.
    failed_fatally: Cell<bool>,
    /// SQLITE_LIMIT_LENGTH, kept here so binding a value does not ask SQLite every time; only
    /// `set_limit` changes it.
    length_limit: Cell<c_int>,
}

thread_local! {
    static IS_SQLITE_THREAD: Cell<bool> = const { Cell::new(false) };
}

/// Marks the current thread as the one thread allowed to call a single-threaded SQLite.
pub(crate) fn become_the_sqlite_thread() {
    IS_SQLITE_THREAD.with(|flag| flag.set(true));
}

/// Whether the current thread is the one marked by [`become_the_sqlite_thread`].
pub(crate) fn on_the_sqlite_thread() -> bool {
    IS_SQLITE_THREAD.with(Cell::get)
}

/// Whether the linked SQLite has no mutexes at all (compiled with SQLITE_THREADSAFE=0).
pub(crate) fn library_is_single_threaded() -> bool {
    // SAFETY: no preconditions.
    unsafe { ffi::sqlite3_threadsafe() == 0 }
}

// SAFETY: lite3 relies on SQLite's per-handle model (SQLITE_THREADSAFE=1 with OPEN_NOMUTEX): a
// handle may be used from any thread provided only one uses it at a time. RawConnection is not
// Sync and its owner (Connection) is not Sync either, so moving it is the only way to share it.
// Single-threaded builds (SQLITE_THREADSAFE=0) have no such guarantee, so they do not get Send.
#[cfg(not(feature = "single-thread"))]
unsafe impl Send for RawConnection {}

impl RawConnection {
    /// Opens `path` with `flags`; on failure, reads the message and closes the half-made handle.
    pub(crate) fn open(path: &CStr, flags: c_int, vfs: Option<&CStr>) -> Result<Self> {
        // Refuse before anything touches SQLite's global state: a single-threaded SQLite has no
        // mutex around it, so even installing the allocator hooks belongs on the SQLite thread.
        let pinned_to_sqlite_thread = library_is_single_threaded();
        if pinned_to_sqlite_thread && !on_the_sqlite_thread() {
            return Err(Error::SingleThreaded);
        }
        super::alloc::ensure_installed();
        let mut db = ptr::null_mut();
        let vfs = vfs.map_or(ptr::null(), CStr::as_ptr);
        // SAFETY: `path` and `vfs` are NUL-terminated (or null) and outlive the call.
        let rc = unsafe { ffi::sqlite3_open_v2(path.as_ptr(), &mut db, flags, vfs) };
        let Some(db) = NonNull::new(db) else {
            // Only when SQLite could not even allocate the handle.
            return Err(super::error::from_code(rc).into());
        };
        let conn = Self {
            db,
            interrupt: Arc::new(InterruptTarget::new(db)),
            pinned_to_sqlite_thread,
            failed_fatally: Cell::new(false),
            length_limit: Cell::new(0),
        };
        if rc != ffi::SQLITE_OK {
            // `conn`'s Drop closes the failed handle after the message is read.
            return Err(conn.error(rc));
        }
        // Extended codes make errors precise (SQLITE_CONSTRAINT_UNIQUE, not just CONSTRAINT).
        // SAFETY: `db` is open.
        unsafe { ffi::sqlite3_extended_result_codes(conn.as_ptr(), 1) };
        conn.length_limit.set(conn.limit(ffi::SQLITE_LIMIT_LENGTH));
        Ok(conn)
    }

    #[inline]
    pub(crate) fn as_ptr(&self) -> *mut ffi::sqlite3 {
        self.db.as_ptr()
    }

    pub(crate) fn interrupt_target(&self) -> Arc<InterruptTarget> {
        Arc::clone(&self.interrupt)
    }

    /// The error for `rc`, just returned by a call on this connection.
    // Inline, with the work out of line: the caller then sees which variant it gets, so the
    // optimiser knows the result is no `Ok` and keeps the success path's values in registers.
    #[inline]
    pub(crate) fn error(&self, rc: c_int) -> Error {
        Error::Sqlite(self.sqlite_error(rc))
    }

    #[cold]
    #[inline(never)]
    fn sqlite_error(&self, rc: c_int) -> crate::error::SqliteError {
        // SAFETY: `db` is open and used by this thread only (RawConnection is not Sync).
        let error = unsafe { super::error::from_handle(self.as_ptr(), rc) };
        self.note_failure(rc);
        super::callback::resume_parked_panic();
        error
    }

    /// Remembers failures after which the connection should not be trusted again.
    pub(crate) fn note_failure(&self, rc: c_int) {
        if matches!(
            rc & 0xff,
            ffi::SQLITE_IOERR | ffi::SQLITE_CORRUPT | ffi::SQLITE_NOTADB | ffi::SQLITE_MISUSE
        ) {
            self.failed_fatally.set(true);
        }
    }

    /// Whether an I/O error, corruption or misuse was reported on this connection.
    #[cfg_attr(
        feature = "single-thread",
        allow(
            dead_code,
            reason = "used by the pool, left out of single-threaded builds"
        )
    )]
    pub(crate) fn failed_fatally(&self) -> bool {
        self.failed_fatally.get()
    }

    /// Refuses use from any thread but the SQLite thread when the library is single-threaded.
    #[inline]
    pub(crate) fn check_thread(&self) -> Result<()> {
        if self.pinned_to_sqlite_thread && !on_the_sqlite_thread() {
            return Err(Error::SingleThreaded);
        }
        Ok(())
    }

    /// Resets every statement of this connection that is part-way through, so none keeps a
    /// read transaction (and the WAL) pinned.
    #[cfg_attr(
        feature = "single-thread",
        allow(
            dead_code,
            reason = "used by the pool, left out of single-threaded builds"
        )
    )]
    pub(crate) fn reset_busy_statements(&self) {
        let mut stmt = ptr::null_mut();
        loop {
            // SAFETY: `db` is open; sqlite3_next_stmt walks its own statement list, and
            // resetting a statement does not change that list.
            stmt = unsafe { ffi::sqlite3_next_stmt(self.as_ptr(), stmt) };
            if stmt.is_null() {
                return;
            }
            // SAFETY: `stmt` is a live statement of this connection.
            unsafe {
                if ffi::sqlite3_stmt_busy(stmt) != 0 {
                    ffi::sqlite3_reset(stmt);
                }
            }
        }
    }

    /// Turns an SQLite return code into a `Result`.
    #[inline]
    pub(crate) fn check(&self, rc: c_int) -> Result<()> {
        if rc == ffi::SQLITE_OK {
            Ok(())
        } else {
            Err(self.error(rc))
        }
    }

    pub(crate) fn changes(&self) -> u64 {
        // SAFETY: `db` is open.
        let n = unsafe { ffi::sqlite3_changes64(self.as_ptr()) };
        u64::try_from(n).unwrap_or(0)
    }

    pub(crate) fn total_changes(&self) -> u64 {
        // SAFETY: `db` is open.
        let n = unsafe { ffi::sqlite3_total_changes64(self.as_ptr()) };
        u64::try_from(n).unwrap_or(0)
    }

    pub(crate) fn last_insert_rowid(&self) -> i64 {
        // SAFETY: `db` is open.
        unsafe { ffi::sqlite3_last_insert_rowid(self.as_ptr()) }
    }

    pub(crate) fn is_autocommit(&self) -> bool {
        // SAFETY: `db` is open.
        unsafe { ffi::sqlite3_get_autocommit(self.as_ptr()) != 0 }
    }

    pub(crate) fn is_readonly(&self, schema: &CStr) -> Option<bool> {
        // SAFETY: `db` is open; `schema` is NUL-terminated and outlives the call.
        match unsafe { ffi::sqlite3_db_readonly(self.as_ptr(), schema.as_ptr()) } {
            -1 => None,
            n => Some(n == 1),
        }
    }

    /// `sqlite3_db_status(op)`: the current value and the high-water mark (not reset).
    pub(crate) fn db_status(&self, op: c_int) -> (i64, i64) {
        let (mut current, mut high) = (0, 0);
        // SAFETY: `db` is open; both outputs are valid for writing; an unknown `op` only
        // returns an error code, which leaves them at 0.
        unsafe { ffi::sqlite3_db_status(self.as_ptr(), op, &mut current, &mut high, 0) };
        (i64::from(current), i64::from(high))
    }

    /// Reads a run-time limit (`SQLITE_LIMIT_*`) without changing it.
    pub(crate) fn limit(&self, id: c_int) -> c_int {
        // SAFETY: `db` is open; a negative new value only reads the limit.
        unsafe { ffi::sqlite3_limit(self.as_ptr(), id, -1) }
    }

    /// Sets a run-time limit, returning the previous one.
    pub(crate) fn set_limit(&self, id: c_int, value: c_int) -> c_int {
        // SAFETY: `db` is open; SQLite clamps the value to its compile-time maximum.
        let previous = unsafe { ffi::sqlite3_limit(self.as_ptr(), id, value) };
        if id == ffi::SQLITE_LIMIT_LENGTH {
            self.length_limit.set(self.limit(id));
        }
        previous
    }

    /// SQLITE_LIMIT_LENGTH, without a call into SQLite.
    #[inline]
    pub(crate) fn length_limit(&self) -> c_int {
        self.length_limit.get()
    }

    pub(crate) fn busy_timeout(&self, timeout: Duration) -> Result<()> {
        let ms = c_int::try_from(timeout.as_millis()).unwrap_or(c_int::MAX);
        // SAFETY: `db` is open. This replaces any busy handler; the caller frees its closure after.
        let rc = unsafe { ffi::sqlite3_busy_timeout(self.as_ptr(), ms) };
        self.check(rc)
    }

    /// Closes the connection. On failure (SQLITE_BUSY: unfinalised statements) it stays open.
    pub(crate) fn close(self) -> Result<(), (Self, Error)> {
        let db = self.as_ptr();
        // Interrupts are held off meanwhile and disabled if the close succeeds.
        let closed = self.interrupt.detach_while(|| {
            // SAFETY: `db` is open; sqlite3_close (not _v2) refuses rather than deferring.
            let rc = unsafe { ffi::sqlite3_close(db) };
            if rc == ffi::SQLITE_OK {
                Ok(())
            } else {
                Err(rc)
            }
        });
        match closed {
            Ok(()) => {
                let this = ManuallyDrop::new(self);
                // SAFETY: the handle is closed, so Drop must not run; the Arc is moved out of the
                // ManuallyDrop exactly once and released normally.
                drop(unsafe { ptr::read(&this.interrupt) });
                Ok(())
            }
            Err(rc) => {
                let error = self.error(rc);
                Err((self, error))
            }
        }
    }
}

impl Drop for RawConnection {
    fn drop(&mut self) {
        let db = self.as_ptr();
        self.interrupt
            .detach_while(|| {
                // SAFETY: `db` is open and closed once, with interrupts held off. close_v2 never fails
                // on a valid handle: with statements still alive it defers until they are finalised.
                unsafe { ffi::sqlite3_close_v2(db) };
                Ok::<(), ()>(())
            })
            .ok();
    }
}

/// The part of a connection other threads may touch: `sqlite3_interrupt`, which SQLite allows
/// from any thread while the connection is open. The mutex makes "open" certain: the owner
/// clears the pointer under the lock before closing.
pub(crate) struct InterruptTarget {
    db: Mutex<Option<HandleForInterrupt>>,
}

struct HandleForInterrupt(NonNull<ffi::sqlite3>);

// SAFETY: the pointer is only used for sqlite3_interrupt, which SQLite documents as safe to call
// from any thread, and only while the mutex proves the connection is still open.
unsafe impl Send for HandleForInterrupt {}

impl InterruptTarget {
    fn new(db: NonNull<ffi::sqlite3>) -> Self {
        Self {
            db: Mutex::new(Some(HandleForInterrupt(db))),
        }
    }

    pub(crate) fn interrupt(&self) {
        if let Some(handle) = &*self.db.lock() {
            // SAFETY: the lock is held, so the owner has not closed the connection yet.
            unsafe { ffi::sqlite3_interrupt(handle.0.as_ptr()) };
        }
    }

    /// Runs `close` with interrupts held off; if it succeeds, later interrupts do nothing.
    fn detach_while<T, E>(&self, close: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
        let mut db = self.db.lock();
        let result = close();
        if result.is_ok() {
            *db = None;
        }
        result
    }
}
