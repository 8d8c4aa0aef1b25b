//! `sqlite3_trace_v2` with rusqlite's event types: the statements and connection a trace
//! callback is shown, valid for the duration of the callback only.

use super::RawConnection;
use super::callback::BoxedCallback;
use super::panic::catch;
use crate::{Result, StatementStatus, ffi};
use std::borrow::Cow;
use std::ffi::{CStr, c_char, c_int, c_uint, c_void};
use std::marker::PhantomData;
use std::time::Duration;

bitflags::bitflags! {
    /// Which events [`Connection::trace_v2`](crate::Connection::trace_v2) reports (rusqlite's
    /// names).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct TraceEventCodes: c_uint {
        /// A statement starts running (with its SQL text as run, triggers included).
        const SQLITE_TRACE_STMT = ffi::SQLITE_TRACE_STMT as c_uint;
        /// A statement finished, with how long it took.
        const SQLITE_TRACE_PROFILE = ffi::SQLITE_TRACE_PROFILE as c_uint;
        /// A statement produced a row.
        const SQLITE_TRACE_ROW = ffi::SQLITE_TRACE_ROW as c_uint;
        /// The connection is closing.
        const SQLITE_TRACE_CLOSE = ffi::SQLITE_TRACE_CLOSE as c_uint;
    }
}

/// One traced event.
#[derive(Debug)]
#[non_exhaustive]
pub enum TraceEvent<'s> {
    /// A statement starts; the text is its SQL, or a trigger's `-- comment` when a trigger runs.
    Stmt(StmtRef<'s>, &'s str),
    /// A statement finished, after this long.
    Profile(StmtRef<'s>, Duration),
    /// A statement produced a row.
    Row(StmtRef<'s>),
    /// The connection is closing.
    Close(ConnRef<'s>),
}

/// A statement as a trace callback sees it.
pub struct StmtRef<'s> {
    stmt: *mut ffi::sqlite3_stmt,
    _event: PhantomData<&'s ()>,
}

impl StmtRef<'_> {
    /// The statement's SQL text.
    #[must_use]
    pub fn sql(&self) -> Cow<'_, str> {
        // SAFETY: the statement is alive during the callback; the text lives as long.
        let sql = unsafe { ffi::sqlite3_sql(self.stmt) };
        if sql.is_null() {
            return Cow::Borrowed("");
        }
        // SAFETY: a NUL-terminated string owned by the statement.
        unsafe { CStr::from_ptr(sql) }.to_string_lossy()
    }

    /// The SQL with the bound parameters written in.
    #[must_use]
    pub fn expanded_sql(&self) -> Option<String> {
        // SAFETY: the statement is alive during the callback, with its bindings.
        unsafe { super::statement::expanded_sql(self.stmt) }
    }

    /// One of the statement's counters.
    #[must_use]
    pub fn get_status(&self, status: StatementStatus) -> i32 {
        // SAFETY: the statement is alive during the callback; an unknown op answers 0.
        unsafe { ffi::sqlite3_stmt_status(self.stmt, status as c_int, 0) }
    }
}

impl std::fmt::Debug for StmtRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("StmtRef").field(&self.sql()).finish()
    }
}

/// The closing connection as a trace callback sees it.
pub struct ConnRef<'s> {
    db: *mut ffi::sqlite3,
    _event: PhantomData<&'s ()>,
}

impl ConnRef<'_> {
    /// Whether it is outside any transaction.
    #[must_use]
    pub fn is_autocommit(&self) -> bool {
        // SAFETY: the handle is alive during the callback.
        unsafe { ffi::sqlite3_get_autocommit(self.db) != 0 }
    }

    /// The main database's file name (`Some("")` in memory), if UTF-8.
    #[must_use]
    pub fn db_filename(&self) -> Option<&str> {
        // SAFETY: the handle is alive during the callback; the name lives as long.
        unsafe { super::optional_str(ffi::sqlite3_db_filename(self.db, c"main".as_ptr())) }
    }
}

impl std::fmt::Debug for ConnRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("ConnRef").field(&self.db_filename()).finish()
    }
}

/// Installs `trace` for the events in `mask` (SQLite's one trace callback per connection, which
/// the profiler also uses) and returns its owner.
pub(crate) fn set_trace<F>(
    conn: &RawConnection,
    mask: TraceEventCodes,
    trace: Option<F>,
) -> Result<Option<BoxedCallback>>
where
    F: FnMut(TraceEvent<'_>) + Send + 'static,
{
    let trace = trace.filter(|_| !mask.is_empty());
    type Trace = unsafe extern "C" fn(c_uint, *mut c_void, *mut c_void, *mut c_void) -> c_int;
    let callback = trace.as_ref().map(|_| traced::<F> as Trace);
    let owner = trace.map(BoxedCallback::new);
    let data = owner
        .as_ref()
        .map_or(std::ptr::null_mut(), BoxedCallback::as_ptr);
    let mask = if owner.is_some() { mask.bits() } else { 0 };
    // SAFETY: the connection is open; `data` is the Box<F> owned by `owner`, kept by the
    // connection while registered.
    conn.call(|db| unsafe { ffi::sqlite3_trace_v2(db, mask, callback, data) })?;
    Ok(owner)
}

unsafe extern "C" fn traced<F: FnMut(TraceEvent<'_>)>(
    event: c_uint,
    data: *mut c_void,
    p: *mut c_void,
    x: *mut c_void,
) -> c_int {
    let stmt = || StmtRef {
        stmt: p.cast(),
        _event: PhantomData,
    };
    // SAFETY: per sqlite3_trace_v2: for STMT `x` is the SQL text; for PROFILE a pointer to the
    // elapsed nanoseconds; for CLOSE `p` is the connection. All valid during the callback.
    let event = unsafe {
        match event as c_int {
            ffi::SQLITE_TRACE_STMT => {
                let text = super::optional_str(x.cast::<c_char>().cast_const()).unwrap_or("");
                TraceEvent::Stmt(stmt(), text)
            }
            ffi::SQLITE_TRACE_PROFILE => {
                let nanos = x.cast::<i64>().read();
                TraceEvent::Profile(
                    stmt(),
                    Duration::from_nanos(u64::try_from(nanos).unwrap_or(0)),
                )
            }
            ffi::SQLITE_TRACE_ROW => TraceEvent::Row(stmt()),
            ffi::SQLITE_TRACE_CLOSE => TraceEvent::Close(ConnRef {
                db: p.cast(),
                _event: PhantomData,
            }),
            _ => return 0,
        }
    };
    // SAFETY: `data` is the live Box<F> registered in `set_trace`, called on the thread using
    // the connection, one event at a time.
    let f = unsafe { &mut *data.cast::<F>() };
    // A panic is parked and resumes in the caller once the SQLite call returns.
    let _ = catch(|| f(event));
    0
}
