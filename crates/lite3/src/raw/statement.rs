//! [`RawStatement`] owns a `sqlite3_stmt*`.

use super::RawConnection;
use crate::types::{Type, ValueRef};
use crate::{Error, Result, ffi};
use std::cell::Cell;
use std::ffi::{CStr, c_char, c_int};
use std::ptr::{self, NonNull};

/// Owns a prepared statement. Invariants: `stmt` is valid until `Drop`, and it belongs to a
/// connection that outlives it (the public `Statement` borrows that connection).
pub(crate) struct RawStatement {
    stmt: NonNull<ffi::sqlite3_stmt>,
    /// The process generation it was prepared in: a forked child leaks it rather than finalise.
    generation: u32,
    /// Whether it returns rows (has result columns). Fixed by the SQL: a re-prepare after a
    /// schema change can change how many columns, not whether there are any.
    returns_rows: bool,
    /// Whether a run sets `sqlite3_changes()` (see [`crate::sql_text::changes_rows`]).
    changes_rows: bool,
    /// Whether SQLite may still point into buffers bound with [`Lifetime::Static`] by an
    /// earlier run, which may be gone now. Such pointers are harmless while nothing reads them:
    /// a run that rebinds every parameter replaces them all before its first step, and
    /// everything else that could read them ([`expanded_sql`](Self::expanded_sql), a run with
    /// only some parameters bound) calls [`forget_borrowed`](Self::forget_borrowed) first. This
    /// spares the common loop (`execute` with all parameters, again and again) clearing the
    /// bindings after every run, which C's loop does not do either.
    borrowed: Cell<bool>,
}

/// How SQLite should treat a bound text or blob buffer.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Lifetime {
    /// The buffer outlives every step that reads it and is unbound before it goes away: no copy.
    Static,
    /// SQLite copies the buffer during the bind call.
    Transient,
}

impl RawStatement {
    /// Prepares the first statement of `sql`, returning it (None for an empty/comment-only
    /// statement) and the byte offset where the rest of `sql` starts.
    /// `flags` are `sqlite3_prepare_v3`'s (`SQLITE_PREPARE_*`).
    pub(crate) fn prepare(
        conn: &RawConnection,
        sql: &str,
        flags: std::ffi::c_uint,
    ) -> Result<(Option<Self>, usize)> {
        let len = c_int::try_from(sql.len()).map_err(|_| Error::TooBig {
            what: "SQL",
            len: sql.len(),
            limit: c_int::MAX as usize,
        })?;
        conn.enter()?;
        let mut stmt = ptr::null_mut();
        let mut tail: *const c_char = ptr::null();
        // SAFETY: the connection is open; `sql` is valid for `len` bytes (a NUL inside was
        // rejected by the caller); `stmt` and `tail` receive outputs.
        let rc = unsafe {
            ffi::sqlite3_prepare_v3(
                conn.as_ptr(),
                sql.as_ptr().cast(),
                len,
                flags,
                &mut stmt,
                &mut tail,
            )
        };
        if rc != ffi::SQLITE_OK {
            return Err(conn.error(rc));
        }
        let consumed = if tail.is_null() {
            sql.len()
        } else {
            tail as usize - sql.as_ptr() as usize
        };
        let Some(stmt) = NonNull::new(stmt) else {
            return Ok((None, consumed));
        };
        // SAFETY: the statement was just prepared.
        let columns = unsafe { ffi::sqlite3_column_count(stmt.as_ptr()) };
        let stmt = Self {
            stmt,
            generation: super::fork::current(),
            returns_rows: columns > 0,
            changes_rows: crate::sql_text::changes_rows(&sql[..consumed]),
            borrowed: Cell::new(false),
        };
        Ok((Some(stmt), consumed))
    }

    /// Whether the statement returns rows (has result columns).
    #[inline]
    pub(crate) fn returns_rows(&self) -> bool {
        self.returns_rows
    }

    /// The rows the run that just finished inserted, updated or deleted: 0 for a statement that
    /// is no INSERT, UPDATE or DELETE, whatever `sqlite3_changes()` still says about an
    /// earlier one.
    #[inline]
    pub(crate) fn changes(&self, conn: &RawConnection) -> u64 {
        if self.changes_rows { conn.changes() } else { 0 }
    }

    /// Records whether the run about to start bound text or blob buffers with
    /// [`Lifetime::Static`]. Called after a run's binding succeeded, when nothing of an earlier
    /// run is bound any more: it bound every parameter, or [`forget_borrowed`](Self::forget_borrowed)
    /// cleared the earlier bindings first.
    #[inline]
    pub(crate) fn set_borrowed(&self, borrowed: bool) {
        self.borrowed.set(borrowed);
    }

    /// Clears the bindings if SQLite may still point into buffers an earlier run bound without
    /// a copy: before anything that could read a parameter this run does not bind again.
    #[inline]
    pub(crate) fn forget_borrowed(&self) {
        if self.borrowed.get() {
            self.clear_bindings();
        }
    }

    #[inline]
    pub(crate) fn as_ptr(&self) -> *mut ffi::sqlite3_stmt {
        self.stmt.as_ptr()
    }

    /// The first step of a run, through the door: refused (and not run) when the connection
    /// must not touch SQLite now; otherwise as [`step`](Self::step).
    #[inline(always)]
    pub(crate) fn start(&self, conn: &RawConnection) -> Result<bool> {
        conn.enter()?;
        self.step(conn)
    }

    /// The first step of a run whose caller handles the row inline and everything else with
    /// [`step_finished`](Self::step_finished): `Ok(Err(rc))` with the step's result code when
    /// it returned no row; `Err` when the door refused the run (the statement did not step).
    #[inline(always)]
    pub(crate) fn start_to_row(
        &self,
        conn: &RawConnection,
    ) -> Result<std::result::Result<(), c_int>> {
        conn.enter()?;
        // SAFETY: the statement is valid and its connection is open and used by this thread.
        match unsafe { ffi::sqlite3_step(self.as_ptr()) } {
            ffi::SQLITE_ROW => Ok(Ok(())),
            rc => Ok(Err(rc)),
        }
    }

    /// One step of a run that already went through the door (see [`start`](Self::start), and
    /// `Statement::query`, which enters once for all its rows): `Ok(true)` for a row,
    /// `Ok(false)` when done. On failure the statement is reset.
    #[inline]
    pub(crate) fn step(&self, conn: &RawConnection) -> Result<bool> {
        // SAFETY: the statement is valid and its connection is open and used by this thread.
        let rc = unsafe { ffi::sqlite3_step(self.as_ptr()) };
        // A row is the common case of most loops: one compare for it.
        if rc == ffi::SQLITE_ROW {
            return Ok(true);
        }
        self.step_finished(conn, rc)
    }

    /// The rest of [`step`](Self::step): the statement is done or failed.
    #[inline]
    pub(crate) fn step_finished(&self, conn: &RawConnection, rc: c_int) -> Result<bool> {
        if rc == ffi::SQLITE_DONE {
            // The profiler, if any, has just seen the statement finish.
            conn.succeeded();
            Ok(false)
        } else {
            // Returns the SQLite error rather than an `Error` until here, so that the optimiser
            // sees that the step's result is no `Ok`.
            Err(conn.failed(rc, Some(self.as_ptr())))
        }
    }

    /// Resets to the start; bindings are kept. Errors were already reported by `step`.
    #[inline]
    pub(crate) fn reset(&self) {
        // SAFETY: the statement is valid.
        unsafe { ffi::sqlite3_reset(self.as_ptr()) };
        // SAFETY: the statement is valid; its connection handle is only compared.
        super::panic::after_reset(|| unsafe { ffi::sqlite3_db_handle(self.as_ptr()) });
    }

    #[inline]
    pub(crate) fn clear_bindings(&self) {
        // SAFETY: the statement is valid.
        unsafe { ffi::sqlite3_clear_bindings(self.as_ptr()) };
        self.borrowed.set(false);
    }

    pub(crate) fn parameter_count(&self) -> usize {
        // SAFETY: the statement is valid.
        unsafe { ffi::sqlite3_bind_parameter_count(self.as_ptr()) as usize }
    }

    /// 1-based index of the parameter named `name` (with its `:`/`@`/`$` prefix).
    pub(crate) fn parameter_index(&self, name: &str) -> Result<Option<usize>> {
        let name = crate::sql_text::c_string(name, "parameter name")?;
        // SAFETY: the statement is valid; `name` is NUL-terminated and outlives the call.
        match unsafe { ffi::sqlite3_bind_parameter_index(self.as_ptr(), name.as_ptr()) } {
            0 => Ok(None),
            i => Ok(Some(i as usize)),
        }
    }

    pub(crate) fn parameter_name<'a>(
        &'a self,
        conn: &'a RawConnection,
        index: usize,
    ) -> Option<&'a str> {
        self.statement_name(conn, ffi::sqlite3_bind_parameter_name, index)
    }

    /// `sqlite3_bind_zeroblob64`: a blob of `len` zero bytes, made by SQLite.
    #[must_use = "the result code says whether the value was bound"]
    pub(crate) fn bind_zeroblob(&self, index: c_int, len: u64) -> c_int {
        // SAFETY: the statement is valid; SQLite checks the index and the length.
        unsafe { ffi::sqlite3_bind_zeroblob64(self.as_ptr(), index, len) }
    }

    #[must_use = "the result code says whether the value was bound"]
    pub(crate) fn bind_pointer(&self, index: c_int, pointer: &crate::types::Pointer) -> c_int {
        // SAFETY: the statement is valid; SQLite checks the index.
        unsafe { super::pointer::bind(self.as_ptr(), index, &pointer.value, pointer.kind) }
    }

    /// Binds `value` to the 1-based `index` and returns SQLite's result code, for the caller to
    /// check with [`RawConnection::check`] once it has dropped whatever `value` borrows from.
    /// Text and blob lengths were checked by the caller.
    // Inline, also into an application's crate: for a value of known type the match folds to
    // the one `sqlite3_bind_*` call.
    #[inline]
    #[must_use = "the result code says whether the value was bound"]
    pub(crate) fn bind(&self, index: c_int, value: ValueRef<'_>, lifetime: Lifetime) -> c_int {
        let destructor = match lifetime {
            Lifetime::Static => ffi::SQLITE_STATIC,
            Lifetime::Transient => ffi::SQLITE_TRANSIENT(),
        };
        let stmt = self.as_ptr();
        // SAFETY: the statement is valid. Text and blob pointers are valid for the given length;
        // with SQLITE_STATIC the caller guarantees the buffer outlives every step of this run
        // and records it with `set_borrowed`, so that nothing reads it after the run unless it
        // was bound again or cleared (see `borrowed`); with SQLITE_TRANSIENT SQLite copies it now.
        unsafe {
            match value {
                ValueRef::Null => ffi::sqlite3_bind_null(stmt, index),
                ValueRef::Integer(i) => ffi::sqlite3_bind_int64(stmt, index, i),
                ValueRef::Real(r) => ffi::sqlite3_bind_double(stmt, index, r),
                ValueRef::Text(t) => ffi::sqlite3_bind_text64(
                    stmt,
                    index,
                    t.as_ptr().cast(),
                    t.len() as u64,
                    destructor,
                    ffi::SQLITE_UTF8 as u8,
                ),
                ValueRef::Blob(b) => ffi::sqlite3_bind_blob64(
                    stmt,
                    index,
                    b.as_ptr().cast(),
                    b.len() as u64,
                    destructor,
                ),
            }
        }
    }

    #[inline]
    pub(crate) fn column_count(&self) -> usize {
        // SAFETY: the statement is valid.
        unsafe { ffi::sqlite3_column_count(self.as_ptr()) as usize }
    }

    /// Column `i`'s name (`i < column_count()`); `None` only when SQLite is out of memory.
    /// `conn` is the statement's connection, which keeps lossy copies of invalid names.
    pub(crate) fn column_name<'a>(&'a self, conn: &'a RawConnection, i: usize) -> Option<&'a str> {
        self.statement_name(conn, ffi::sqlite3_column_name, i)
    }

    pub(crate) fn column_decltype<'a>(
        &'a self,
        conn: &'a RawConnection,
        i: usize,
    ) -> Option<&'a str> {
        self.statement_name(conn, ffi::sqlite3_column_decltype, i)
    }

    /// Where result column `i` comes from: the schema name, the table and the table's column;
    /// `None` each for an expression (SQLITE_ENABLE_COLUMN_METADATA is on in every build lite3
    /// makes, and in the system libraries it supports). Valid while `self` is borrowed, as for
    /// [`statement_name`](Self::statement_name).
    pub(crate) fn column_origin(&self, i: usize) -> [Option<&CStr>; 3] {
        let i = c_int::try_from(i).unwrap_or(c_int::MAX);
        let get = |f: unsafe extern "C" fn(*mut ffi::sqlite3_stmt, c_int) -> *const c_char| {
            // SAFETY: the statement is valid; SQLite returns null (an expression, an index out
            // of range) or a string living until the statement is finalised or re-prepared,
            // which the borrow of `self` prevents.
            let p = unsafe { f(self.as_ptr(), i) };
            // SAFETY: as above.
            (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) })
        };
        [
            get(ffi::sqlite3_column_database_name),
            get(ffi::sqlite3_column_table_name),
            get(ffi::sqlite3_column_origin_name),
        ]
    }

    /// A name SQLite keeps for this statement: `get` is one of its accessors for column names,
    /// declared types or parameter names, asked for item `i`.
    fn statement_name<'a>(
        &'a self,
        conn: &'a RawConnection,
        get: unsafe extern "C" fn(*mut ffi::sqlite3_stmt, c_int) -> *const c_char,
        i: usize,
    ) -> Option<&'a str> {
        // An index past c_int is out of range too; SQLite answers null for it.
        let i = c_int::try_from(i).unwrap_or(c_int::MAX);
        // SAFETY: the statement is valid; SQLite's name accessors return null or a string that
        // lives until the statement is finalised or re-prepared (by a step), which the borrow
        // of `self` prevents for `'a`.
        unsafe { Self::name(conn, get(self.as_ptr(), i)) }
    }

    /// A name SQLite returned, as UTF-8 (see [`super::lossy_names`]).
    ///
    /// # Safety
    /// `ptr` is null or a NUL-terminated string, and the caller uses the result only while that
    /// string stays unchanged (its statement neither stepped again nor finalised), which the
    /// callers here ensure by tying it to their borrow of the statement.
    unsafe fn name(conn: &RawConnection, ptr: *const c_char) -> Option<&str> {
        if ptr.is_null() {
            return None;
        }
        // SAFETY: guaranteed by the caller.
        let bytes = unsafe { CStr::from_ptr(ptr) }.to_bytes();
        Some(conn.lossy_names().text(bytes))
    }

    /// Column `i` of the current row, bounds-checked by the C reader; `expected` is the storage
    /// class the caller hopes for (see [`super::decode`]).
    #[inline(always)]
    pub(crate) fn column(
        &self,
        i: usize,
        expected: Option<Type>,
    ) -> Result<ValueRef<'_>, super::ReadFailure> {
        // Past c_int's range is out of range too (SQLite allows at most 32767 columns).
        let i = c_int::try_from(i).unwrap_or(c_int::MAX);
        let mut parts = std::mem::MaybeUninit::uninit();
        // A Row exists only between a step that returned a row and the next step or reset of
        // its statement, and the public API cannot step or reset while a Row is borrowed.
        // SAFETY: valid statement with a current row; `parts` is writable. The column's value
        // lives until that next step/reset, which the borrow of `self` outlasts.
        unsafe {
            let class = ffi::lite3_column_read(self.as_ptr(), i, parts.as_mut_ptr());
            super::decode(class, &parts, expected)
        }
    }

    /// Column `i` of the current row if it holds a value of storage class `class`; `None` for
    /// any other class, no such column, or a buffer SQLite could not allocate (read it again
    /// with [`column`](Self::column) to tell which: reading does not convert, so a second read
    /// sees the same value).
    #[inline(always)]
    pub(crate) fn column_of_class(&self, i: usize, class: Type) -> Option<ValueRef<'_>> {
        let i = c_int::try_from(i).unwrap_or(c_int::MAX);
        let mut parts = std::mem::MaybeUninit::uninit();
        // SAFETY: as in `column`: a valid statement with a current row, `parts` writable, and
        // the value lives until the next step/reset, which the borrow of `self` outlasts.
        unsafe {
            let code = ffi::lite3_column_read(self.as_ptr(), i, parts.as_mut_ptr());
            super::decode_if(code, &parts, class)
        }
    }

    pub(crate) fn sql(&self) -> &str {
        // SAFETY: the statement is valid; the text lives as long as the statement.
        let sql = unsafe { ffi::sqlite3_sql(self.as_ptr()) };
        // SAFETY: the SQL was given as UTF-8 and is NUL-terminated by SQLite.
        unsafe { CStr::from_ptr(sql) }.to_str().unwrap_or_default()
    }

    /// The SQL with bound values in place of parameters (None if SQLite is out of memory);
    /// values an earlier run bound without a copy read as NULL, since they may be gone.
    pub(crate) fn expanded_sql(&self) -> Option<String> {
        self.forget_borrowed();
        // SAFETY: the statement is valid; every bound buffer is alive (see `borrowed`).
        unsafe { expanded_sql(self.as_ptr()) }
    }

    /// `sqlite3_stmt_status(op)`, optionally resetting the counter.
    pub(crate) fn status(&self, op: c_int, reset: bool) -> i64 {
        // SAFETY: the statement is valid; an unknown `op` returns 0.
        i64::from(unsafe { ffi::sqlite3_stmt_status(self.as_ptr(), op, c_int::from(reset)) })
    }

    /// 1 for `EXPLAIN`, 2 for `EXPLAIN QUERY PLAN`, 0 otherwise.
    pub(crate) fn explain_mode(&self) -> i32 {
        // SAFETY: the statement is valid.
        unsafe { ffi::sqlite3_stmt_isexplain(self.as_ptr()) }
    }

    pub(crate) fn readonly(&self) -> bool {
        // SAFETY: the statement is valid.
        unsafe { ffi::sqlite3_stmt_readonly(self.as_ptr()) != 0 }
    }
}

impl Drop for RawStatement {
    fn drop(&mut self) {
        if self.generation != super::fork::current() {
            return; // a forked child must not touch the parent's statements: leaked
        }
        // SAFETY: valid; its connection is still open (invariant), and only compared below.
        let db = unsafe { ffi::sqlite3_db_handle(self.as_ptr()) };
        // SAFETY: valid and finalised once.
        unsafe { ffi::sqlite3_finalize(self.as_ptr()) };
        // An aggregate's final may run in the finalise; SQLite discards what it returns.
        super::panic::after_reset(|| db);
    }
}

/// A statement parked in its connection's statement cache, not in use.
pub(crate) struct IdleStatement(RawStatement);

// SAFETY: SQLite's per-handle model lets a statement be used on whichever thread uses its
// connection. An IdleStatement lives only inside its connection's cache, so it moves between
// threads only together with that connection and is never touched by two threads at once.
#[cfg(not(feature = "single-thread"))]
unsafe impl Send for IdleStatement {}

impl IdleStatement {
    pub(crate) fn new(stmt: RawStatement) -> Self {
        Self(stmt)
    }

    pub(crate) fn into_inner(self) -> RawStatement {
        self.0
    }
}

/// `stmt`'s SQL with its bound parameters written in (`sqlite3_expanded_sql`), copied.
///
/// # Safety
/// `stmt` is a live statement whose bound buffers are alive.
pub(crate) unsafe fn expanded_sql(stmt: *mut ffi::sqlite3_stmt) -> Option<String> {
    // SAFETY: guaranteed by the caller.
    let sql = unsafe { ffi::sqlite3_expanded_sql(stmt) };
    if sql.is_null() {
        return None;
    }
    // SAFETY: a NUL-terminated string we own until sqlite3_free below.
    let text = unsafe { CStr::from_ptr(sql) }
        .to_string_lossy()
        .into_owned();
    // SAFETY: allocated by SQLite for us and freed once.
    unsafe { ffi::sqlite3_free(sql.cast()) };
    Some(text)
}
