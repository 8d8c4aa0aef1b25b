//! Tracing (rusqlite's `trace_v2` shape): statement starts, finishes with their duration, rows,
//! and the connection closing. SQLite keeps one trace callback per connection, which
//! [`Connection::profile`] (and `trace_statements`) also use: setting one replaces the other.

pub use crate::raw::trace::{ConnRef, StmtRef, TraceEvent, TraceEventCodes};

use crate::callbacks::Slot;
use crate::raw::setup;
use crate::{Connection, Result};
use std::ffi::c_int;

/// Sets up SQLite's process-wide [error and warning log](https://sqlite.org/errlog.html):
/// `callback` gets each entry's result code and message (`None` removes it). SQLite accepts it
/// only before it initialises, so call it at the start of `main`, before any connection opens;
/// afterwards it is refused with a `Misuse` error that says so, and nothing changes.
///
/// Unlike rusqlite's, this is a safe function: lite3 serialises it with its own setup, and
/// while `callback` runs every lite3 call into SQLite (any connection, or opening one) is
/// refused with [`Error::HookReentry`](crate::Error::HookReentry) instead of deadlocking on
/// SQLite's mutexes. A panic in `callback` resumes in the lite3 call that made SQLite log.
///
/// ```
/// use std::sync::Mutex;
///
/// static LOG: Mutex<Vec<String>> = Mutex::new(Vec::new());
/// fn keep(code: i32, message: &str) {
///     LOG.lock().unwrap().push(format!("({code}) {message}"));
/// }
///
/// // In a doctest other code may have opened a connection already; in `main` this is Ok.
/// match lite3::trace::config_log(Some(keep)) {
///     Ok(()) => {
///         let conn = lite3::Connection::open_in_memory()?;
///         let _ = conn.execute_batch("SELECT * FROM missing");
///         assert!(LOG.lock().unwrap().iter().any(|l| l.contains("no such table: missing")));
///     }
///     Err(e) => assert!(e.to_string().contains("before SQLite initialises"), "{e}"),
/// }
/// // Once a connection has opened, SQLite is initialised: always refused.
/// let _conn = lite3::Connection::open_in_memory()?;
/// assert!(lite3::trace::config_log(None).is_err());
/// # Ok::<(), lite3::Error>(())
/// ```
///
/// # Errors
/// `ErrorCode::Misuse` once SQLite is initialised (by lite3's first connection, or by other
/// code sharing a `system` SQLite).
pub fn config_log(callback: Option<fn(c_int, &str)>) -> Result<()> {
    setup::config_log(callback)
}

/// Writes `message` to SQLite's error log with result code `err_code`, for the callback
/// [`config_log`] set up (nothing happens without one). A NUL byte ends the message.
///
/// ```
/// lite3::trace::log(lite3::ffi::SQLITE_WARNING, "cache is cold");
/// ```
pub fn log(err_code: c_int, msg: &str) {
    setup::write_log(err_code, msg);
}

impl Connection {
    /// Calls `trace` for the events in `mask`; `None` or an empty mask removes it. A panic in
    /// it resumes in the caller of the statement that triggered it. It replaces a
    /// [`profile`](Self::profile)r, and a later `profile` replaces it.
    ///
    /// ```
    /// use lite3::trace::{TraceEvent, TraceEventCodes};
    /// use std::sync::{Arc, Mutex};
    ///
    /// let mut conn = lite3::Connection::open_in_memory()?;
    /// let seen = Arc::new(Mutex::new(Vec::new()));
    /// let log = Arc::clone(&seen);
    /// conn.trace_v2(
    ///     TraceEventCodes::SQLITE_TRACE_STMT | TraceEventCodes::SQLITE_TRACE_ROW,
    ///     Some(move |event: TraceEvent<'_>| {
    ///         log.lock().unwrap().push(match event {
    ///             TraceEvent::Stmt(_, sql) => format!("run {sql}"),
    ///             TraceEvent::Row(stmt) => format!("row of {}", stmt.sql()),
    ///             _ => String::new(),
    ///         })
    ///     }),
    /// )?;
    /// conn.query_row("SELECT 1", (), |r| r.get::<_, i64>(0))?;
    /// assert_eq!(*seen.lock().unwrap(), ["run SELECT 1", "row of SELECT 1"]);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// A refusal of the door into C.
    pub fn trace_v2<F>(&mut self, mask: TraceEventCodes, trace: Option<F>) -> Result<()>
    where
        F: FnMut(TraceEvent<'_>) + Send + 'static,
    {
        let owner = crate::raw::trace::set_trace(self.raw(), mask, trace)?;
        self.callbacks.replace(Slot::Profile, owner);
        Ok(())
    }
}
