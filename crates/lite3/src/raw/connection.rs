//! [`RawConnection`] owns a `sqlite3*`; [`InterruptTarget`] lets other threads interrupt it
//! without ever touching a closed handle.

use super::door::Door;
use super::lossy_names::LossyNames;
use crate::{Error, Result, ffi};
use parking_lot::Mutex;
use std::cell::Cell;
use std::ffi::{CStr, CString, c_char, c_int};
use std::mem::ManuallyDrop;
use std::ptr::{self, NonNull};
use std::sync::Arc;
use std::time::Duration;

/// Owns an open connection. Invariant: `db` is open until `Drop` (or a successful `close`), and
/// `interrupt` reaches it until then, never after. Every call into SQLite goes through `door`
/// (see [`super::door`]).
pub(crate) struct RawConnection {
    db: NonNull<ffi::sqlite3>,
    interrupt: Arc<InterruptTarget>,
    door: Door,
    /// Lossy copies of names that are not valid UTF-8, handed out by its statements.
    lossy_names: LossyNames,
    /// SQLITE_LIMIT_LENGTH, kept here so binding a value does not ask SQLite every time; only
    /// `set_limit` changes it.
    length_limit: Cell<c_int>,
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
        // Refused before anything touches SQLite's global state: a single-threaded SQLite has no
        // mutex around it, so even installing the allocator hooks belongs to the thread that
        // owns it.
        let door = Door::new()?;
        super::setup::initialise();
        let mut db = ptr::null_mut();
        let top = vfs.and_then(super::vfs::open_name);
        let vfs = top.as_deref().or(vfs).map_or(ptr::null(), CStr::as_ptr);
        // SAFETY: `path` and `vfs` are NUL-terminated (or null) and outlive the call.
        let rc = unsafe { ffi::sqlite3_open_v2(path.as_ptr(), &mut db, flags, vfs) };
        let Some(db) = NonNull::new(db) else {
            // Only when SQLite could not even allocate the handle.
            return Err(super::error::from_code(rc).into());
        };
        let conn = Self {
            db,
            interrupt: Arc::new(InterruptTarget::new(db)),
            door,
            lossy_names: LossyNames::default(),
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

    #[inline(always)]
    pub(crate) fn door(&self) -> &Door {
        &self.door
    }

    pub(crate) fn lossy_names(&self) -> &LossyNames {
        &self.lossy_names
    }

    #[inline]
    pub(crate) fn as_ptr(&self) -> *mut ffi::sqlite3 {
        self.db.as_ptr()
    }

    pub(crate) fn interrupt_target(&self) -> Arc<InterruptTarget> {
        Arc::clone(&self.interrupt)
    }

    /// Makes every interrupt handle taken so far a no-op (for a connection changing hands).
    #[cfg_attr(
        feature = "single-thread",
        allow(
            dead_code,
            reason = "used by the pool, left out of single-threaded builds"
        )
    )]
    pub(crate) fn retire_interrupt_handles(&self) {
        self.interrupt.retire_handles();
    }

    /// Resets every statement of this connection that is part-way through, so none keeps a
    /// read transaction (and the WAL) pinned.
    pub(crate) fn reset_busy_statements(&self) {
        if self.inherited_by_fork() {
            return;
        }
        let mut stmt = ptr::null_mut();
        loop {
            // SAFETY: `db` is open; sqlite3_next_stmt walks its own statement list, and
            // resetting a statement does not change that list.
            stmt = unsafe { ffi::sqlite3_next_stmt(self.as_ptr(), stmt) };
            if stmt.is_null() {
                // An aggregate's final may have run in a reset, whose result SQLite discards; a
                // reset statement is a finished one for the profiler, which may have panicked.
                super::panic::after_reset(|| self.as_ptr());
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

    #[inline]
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

    /// `sqlite3_txn_state`: 0 none, 1 read, 2 write, -1 no such database. A field of the handle:
    /// no check needed (see the door).
    pub(crate) fn transaction_state(&self, schema: Option<&CStr>) -> c_int {
        // SAFETY: `db` is open; `schema` is null or NUL-terminated and outlives the call.
        unsafe { ffi::sqlite3_txn_state(self.as_ptr(), schema.map_or(ptr::null(), CStr::as_ptr)) }
    }

    /// The file name of the main database ("" for an in-memory or temporary one), or `None` if
    /// it is not UTF-8.
    pub(crate) fn main_filename(&self) -> Option<&str> {
        // SAFETY: `db` is open; "main" is NUL-terminated. The main database cannot be detached,
        // so the name SQLite returns stays valid until the connection closes, which the borrow
        // of `self` outlives.
        unsafe { super::optional_str(ffi::sqlite3_db_filename(self.as_ptr(), c"main".as_ptr())) }
    }

    /// Whether any statement of the connection is part-way through its rows.
    pub(crate) fn has_busy_statement(&self) -> bool {
        let mut stmt = ptr::null_mut();
        loop {
            // SAFETY: `db` is open; `stmt` is null or a statement of this connection returned
            // by the previous call, and nothing finalises statements during this loop.
            stmt = unsafe { ffi::sqlite3_next_stmt(self.as_ptr(), stmt) };
            if stmt.is_null() {
                return false;
            }
            // SAFETY: `stmt` is a live statement of this connection.
            if unsafe { ffi::sqlite3_stmt_busy(stmt) } != 0 {
                return true;
            }
        }
    }

    /// Writes dirty pages of open write transactions to disk (`sqlite3_db_cacheflush`).
    pub(crate) fn cache_flush(&self) -> Result<()> {
        // SAFETY: `db` is open.
        self.call(|db| unsafe { ffi::sqlite3_db_cacheflush(db) })
    }

    /// Frees as much of the connection's memory as it can (`sqlite3_db_release_memory`).
    pub(crate) fn release_memory(&self) -> Result<()> {
        // SAFETY: `db` is open.
        self.call(|db| unsafe { ffi::sqlite3_db_release_memory(db) })
    }

    /// Whether `table` (and `column`, if given) exists in database `schema` (any attached one
    /// when `None`), by `sqlite3_table_column_metadata`.
    pub(crate) fn table_column_exists(
        &self,
        schema: Option<&CStr>,
        table: &CStr,
        column: Option<&CStr>,
    ) -> Result<bool> {
        match self.table_column_metadata(schema, table, column) {
            Ok(_) => Ok(true),
            // "no such table or column": an answer, not a failure.
            Err(Error::Sqlite(e)) if e.code == crate::ErrorCode::Error => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// `sqlite3_table_column_metadata`: what the schema declares for `table`.`column` (for the
    /// table alone when `column` is `None`, where only existence is checked). SQLite's
    /// `SQLITE_ERROR` here means no such table or column.
    pub(crate) fn table_column_metadata(
        &self,
        schema: Option<&CStr>,
        table: &CStr,
        column: Option<&CStr>,
    ) -> Result<TableColumnMetadata> {
        let (mut data_type, mut collation) = (ptr::null(), ptr::null());
        let (mut not_null, mut primary_key, mut autoincrement) = (0, 0, 0);
        // SAFETY: `db` is open; the names are NUL-terminated (or null where SQLite allows it)
        // and outlive the call; the outputs are valid for writing.
        self.call(|db| unsafe {
            ffi::sqlite3_table_column_metadata(
                db,
                schema.map_or(ptr::null(), CStr::as_ptr),
                table.as_ptr(),
                column.map_or(ptr::null(), CStr::as_ptr),
                &mut data_type,
                &mut collation,
                &mut not_null,
                &mut primary_key,
                &mut autoincrement,
            )
        })?;
        // The strings belong to the schema, which the next statement may change: copy them now.
        // SAFETY: SQLite set each to null or a NUL-terminated string, unchanged since the call.
        let copy =
            |p: *const c_char| (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_owned());
        Ok(TableColumnMetadata {
            data_type: copy(data_type),
            collation: copy(collation),
            not_null: not_null != 0,
            primary_key: primary_key != 0,
            autoincrement: autoincrement != 0,
        })
    }

    /// The schema name of attached database `index` (0 is "main", 1 "temp"), copied, or
    /// `None` past the last one. A field of the handle: no check needed (see the door).
    pub(crate) fn db_name(&self, index: usize) -> Option<Vec<u8>> {
        let index = c_int::try_from(index).ok()?;
        // SAFETY: `db` is open; SQLite returns null for an index out of range, else a string
        // valid until the database is detached, which cannot happen during this copy.
        let name = unsafe { ffi::sqlite3_db_name(self.as_ptr(), index) };
        // SAFETY: as above.
        (!name.is_null()).then(|| unsafe { CStr::from_ptr(name) }.to_bytes().to_vec())
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
        self.call(|db| unsafe { ffi::sqlite3_busy_timeout(db, ms) })
    }

    /// Turns foreign key enforcement on or off (`SQLITE_DBCONFIG_ENABLE_FKEY`: what
    /// `PRAGMA foreign_keys` does, without parsing SQL).
    pub(crate) fn enforce_foreign_keys(&self, on: bool) -> Result<()> {
        self.db_config_flag(ffi::SQLITE_DBCONFIG_ENABLE_FKEY, c_int::from(on))
            .map(drop)
    }

    /// `sqlite3_db_config` for one of its on/off settings (`op` takes an int and an int*):
    /// `value` 1 or 0 sets it, -1 only reads it; returns the setting now.
    pub(crate) fn db_config_flag(&self, op: c_int, value: c_int) -> Result<bool> {
        let mut now: c_int = 0;
        // SAFETY: `db` is open; the on/off settings take an int and an int* that SQLite writes
        // the setting to, which `now` outlives. An unknown `op` only returns SQLITE_ERROR.
        self.call(|db| unsafe { ffi::sqlite3_db_config(db, op, value, &raw mut now) })?;
        Ok(now != 0)
    }

    /// Closes the connection. On failure (SQLITE_BUSY: unfinalised statements) it stays open.
    #[allow(
        clippy::result_large_err,
        reason = "the connection is handed back on failure, as Connection::close documents"
    )]
    pub(crate) fn close(self) -> Result<(), (Self, Error)> {
        if let Err(refused) = self.enter() {
            return Err((self, refused));
        }
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
                // The handle is closed, so Drop must not run. Every field that owns something
                // (the interrupt target, the door with its share of a single-threaded SQLite's
                // ownership, the lossy names) is released normally; the rest are plain values.
                let this = ManuallyDrop::new(self);
                // SAFETY: each of these fields is read out of the ManuallyDrop exactly once.
                unsafe {
                    drop(ptr::read(&this.interrupt));
                    drop(ptr::read(&this.door));
                    drop(ptr::read(&this.lossy_names));
                }
                // A trace callback sees the close, and may have panicked.
                super::panic::resume_parked_panic_unless_unwinding();
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
        if self.inherited_by_fork() || self.refused_by_single_threaded_sqlite() {
            // Closing in a child could roll back or checkpoint the parent's files, and closing
            // from a thread that does not own a single-threaded SQLite would race with the one
            // that does: leak instead (its share of the ownership is still released).
            return;
        }
        let db = self.as_ptr();
        self.interrupt
            .detach_while(|| {
                // SAFETY: `db` is open and closed once, with interrupts held off. close_v2 never fails
                // on a valid handle: with statements still alive it defers until they are finalised.
                unsafe { ffi::sqlite3_close_v2(db) };
                Ok::<(), ()>(())
            })
            .ok();
        // A trace callback sees the close, and may have panicked: the panic resumes in the code
        // that dropped the connection (or is dropped, if that code is already unwinding).
        super::panic::resume_parked_panic_unless_unwinding();
    }
}

/// The part of a connection other threads may touch: `sqlite3_interrupt`, which SQLite allows
/// from any thread while the connection is open. The mutex makes "open" certain: the owner
/// clears the pointer under the lock before closing. Each handle carries the generation it was
/// made in; a pool bumps the generation when a connection comes back, so the last borrower's
/// handles can no longer interrupt the next borrower's work.
pub(crate) struct InterruptTarget {
    state: Mutex<TargetState>,
}

struct TargetState {
    db: Option<HandleForInterrupt>,
    generation: u64,
}

struct HandleForInterrupt(NonNull<ffi::sqlite3>);

// SAFETY: the pointer is only used for sqlite3_interrupt, which SQLite documents as safe to call
// from any thread, and only while the mutex proves the connection is still open.
unsafe impl Send for HandleForInterrupt {}

impl InterruptTarget {
    fn new(db: NonNull<ffi::sqlite3>) -> Self {
        Self {
            state: Mutex::new(TargetState {
                db: Some(HandleForInterrupt(db)),
                generation: 0,
            }),
        }
    }

    /// The generation a handle made now belongs to.
    pub(crate) fn generation(&self) -> u64 {
        self.state.lock().generation
    }

    /// Interrupts the connection, if it is open and `generation` is still the current one.
    pub(crate) fn interrupt(&self, generation: u64) {
        let state = self.state.lock();
        if state.generation != generation {
            return;
        }
        if let Some(handle) = &state.db {
            // SAFETY: the lock is held, so the owner has not closed the connection yet.
            unsafe { ffi::sqlite3_interrupt(handle.0.as_ptr()) };
        }
    }

    /// Makes every handle made so far a no-op (handles made later work again).
    #[cfg_attr(
        feature = "single-thread",
        allow(
            dead_code,
            reason = "used by the pool, left out of single-threaded builds"
        )
    )]
    fn retire_handles(&self) {
        self.state.lock().generation += 1;
    }

    /// Runs `close` with interrupts held off; if it succeeds, later interrupts do nothing.
    fn detach_while<T, E>(&self, close: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
        let mut state = self.state.lock();
        let result = close();
        if result.is_ok() {
            state.db = None;
        }
        result
    }
}

/// What `sqlite3_table_column_metadata` reports for one column.
pub(crate) struct TableColumnMetadata {
    pub(crate) data_type: Option<CString>,
    pub(crate) collation: Option<CString>,
    pub(crate) not_null: bool,
    pub(crate) primary_key: bool,
    pub(crate) autoincrement: bool,
}
