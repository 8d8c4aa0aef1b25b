//! Tracing (rusqlite's `trace_v2` shape): statement starts, finishes with their duration, rows,
//! and the connection closing. SQLite keeps one trace callback per connection, which
//! [`Connection::profile`] (and `trace_statements`) also use: setting one replaces the other.

pub use crate::raw::trace::{ConnRef, StmtRef, TraceEvent, TraceEventCodes};

use crate::callbacks::Slot;
use crate::{Connection, Result};

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
