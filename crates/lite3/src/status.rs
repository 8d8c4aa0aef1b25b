//! Observability: per-connection and per-statement status counters, and statement profiling.

use crate::callbacks::Slot;
use crate::raw::callback;
use crate::{Connection, Result, Statement, ffi};
use std::time::Duration;

/// A connection's memory and cache figures (`sqlite3_db_status`), from [`Connection::status`].
///
/// ```
/// let conn = lite3::Connection::open_in_memory()?;
/// conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")?;
/// let status = conn.status();
/// assert!(status.cache_used > 0 && status.schema_used > 0);
/// # Ok::<(), lite3::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConnectionStatus {
    /// Bytes of heap used by the page cache.
    pub cache_used: i64,
    /// Page cache hits since the connection opened.
    pub cache_hit: i64,
    /// Page cache misses since the connection opened.
    pub cache_miss: i64,
    /// Dirty pages written to the database file.
    pub cache_write: i64,
    /// Bytes of heap used by schemas.
    pub schema_used: i64,
    /// Bytes of heap used by prepared statements.
    pub stmt_used: i64,
    /// Lookaside slots in use, and the most ever in use.
    pub lookaside_used: i64,
    /// Highest lookaside use seen.
    pub lookaside_high_water: i64,
}

impl Connection {
    /// This connection's memory and page-cache figures.
    #[must_use]
    pub fn status(&self) -> ConnectionStatus {
        let raw = self.raw();
        let current = |op| raw.db_status(op).0;
        let (lookaside_used, lookaside_high_water) =
            raw.db_status(ffi::SQLITE_DBSTATUS_LOOKASIDE_USED);
        ConnectionStatus {
            cache_used: current(ffi::SQLITE_DBSTATUS_CACHE_USED),
            cache_hit: current(ffi::SQLITE_DBSTATUS_CACHE_HIT),
            cache_miss: current(ffi::SQLITE_DBSTATUS_CACHE_MISS),
            cache_write: current(ffi::SQLITE_DBSTATUS_CACHE_WRITE),
            schema_used: current(ffi::SQLITE_DBSTATUS_SCHEMA_USED),
            stmt_used: current(ffi::SQLITE_DBSTATUS_STMT_USED),
            lookaside_used,
            lookaside_high_water,
        }
    }

    /// Calls `profile(sql, elapsed)` each time a statement finishes (`SQLITE_TRACE_PROFILE`);
    /// `None` removes the profiler. A panic in it resumes in the caller after SQLite returns.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    ///
    /// let conn = lite3::Connection::open_in_memory()?;
    /// let seen = Arc::new(Mutex::new(Vec::new()));
    /// let log = Arc::clone(&seen);
    /// conn.profile(Some(move |sql: &str, took: std::time::Duration| log.lock().unwrap().push((sql.to_owned(), took))))?;
    /// conn.execute("CREATE TABLE t(x)", ())?;
    /// assert_eq!(seen.lock().unwrap()[0].0, "CREATE TABLE t(x)");
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// SQLite's error, if any.
    pub fn profile<F>(&self, profile: Option<F>) -> Result<()>
    where
        F: FnMut(&str, Duration) + Send + 'static,
    {
        let owner = callback::set_profiler(self.raw(), profile)?;
        self.callbacks.replace(Slot::Profile, owner);
        Ok(())
    }

    /// Emits a `tracing` event per finished statement (target `lite3`, level DEBUG, with `sql`
    /// and `elapsed_us`), and a WARN event for statements slower than `slow`.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// conn.trace_statements(std::time::Duration::from_millis(100))?;
    /// conn.execute("CREATE TABLE t(x)", ())?; // DEBUG lite3: statement sql="CREATE TABLE t(x)" …
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// SQLite's error, if any.
    #[cfg(feature = "tracing")]
    pub fn trace_statements(&self, slow: Duration) -> Result<()> {
        self.profile(Some(move |sql: &str, elapsed: Duration| {
            let elapsed_us = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
            if elapsed >= slow {
                tracing::warn!(target: "lite3", sql, elapsed_us, "slow statement");
            } else {
                tracing::debug!(target: "lite3", sql, elapsed_us, "statement");
            }
        }))
    }
}

/// One of a statement's counters, for rusqlite's [`Statement::get_status`] (lite3's own
/// [`Statement::counters`] reads them all at once).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
#[repr(i32)]
pub enum StatementStatus {
    /// Forward steps in full table scans.
    FullscanStep = ffi::SQLITE_STMTSTATUS_FULLSCAN_STEP,
    /// Sort operations.
    Sort = ffi::SQLITE_STMTSTATUS_SORT,
    /// Rows inserted into transient automatic indexes.
    AutoIndex = ffi::SQLITE_STMTSTATUS_AUTOINDEX,
    /// Virtual machine operations executed.
    VmStep = ffi::SQLITE_STMTSTATUS_VM_STEP,
    /// Times the statement was re-prepared.
    RePrepare = ffi::SQLITE_STMTSTATUS_REPREPARE,
    /// Times the statement was run.
    Run = ffi::SQLITE_STMTSTATUS_RUN,
    /// Bloom filter checks that missed (the row was skipped early).
    FilterMiss = ffi::SQLITE_STMTSTATUS_FILTER_MISS,
    /// Bloom filter checks that hit.
    FilterHit = ffi::SQLITE_STMTSTATUS_FILTER_HIT,
    /// Bytes of heap the statement uses.
    MemUsed = ffi::SQLITE_STMTSTATUS_MEMUSED,
}

/// A statement's run-time counters (`sqlite3_stmt_status`), from [`Statement::counters`].
///
/// ```
/// let conn = lite3::Connection::open_in_memory()?;
/// conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (3), (1), (2);")?;
/// let mut stmt = conn.prepare("SELECT x FROM t ORDER BY x")?;
/// let xs: Vec<i64> = stmt.query_map((), |r| r.get(0))?.collect::<lite3::Result<_>>()?;
/// let counters = stmt.counters();
/// assert_eq!((xs.len(), counters.sorts, counters.fullscan_steps), (3, 1, 2));
/// assert!(counters.vm_steps > 0);
/// # Ok::<(), lite3::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct StatementCounters {
    /// Forward steps in full table scans (a missing index shows here).
    pub fullscan_steps: i64,
    /// Sort operations (an index could avoid them).
    pub sorts: i64,
    /// Rows inserted into transient automatic indexes.
    pub autoindex: i64,
    /// Virtual machine operations executed.
    pub vm_steps: i64,
    /// Times the statement was re-prepared (schema changes).
    pub reprepares: i64,
    /// Times the statement was run.
    pub runs: i64,
}

impl Statement<'_> {
    /// The statement's counters since it was prepared (or last [`reset_counters`](Self::reset_counters)).
    #[must_use]
    pub fn counters(&self) -> StatementCounters {
        let get = |op| self.raw.status(op, false);
        StatementCounters {
            fullscan_steps: get(ffi::SQLITE_STMTSTATUS_FULLSCAN_STEP),
            sorts: get(ffi::SQLITE_STMTSTATUS_SORT),
            autoindex: get(ffi::SQLITE_STMTSTATUS_AUTOINDEX),
            vm_steps: get(ffi::SQLITE_STMTSTATUS_VM_STEP),
            reprepares: get(ffi::SQLITE_STMTSTATUS_REPREPARE),
            runs: get(ffi::SQLITE_STMTSTATUS_RUN),
        }
    }

    /// One counter (rusqlite's shape).
    ///
    /// ```
    /// use lite3::StatementStatus;
    /// let conn = lite3::Connection::open_in_memory()?;
    /// let mut stmt = conn.prepare("SELECT 1")?;
    /// stmt.exists(())?;
    /// assert_eq!(stmt.get_status(StatementStatus::Run), 1);
    /// assert!(stmt.get_status(StatementStatus::MemUsed) > 0);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[must_use]
    pub fn get_status(&self, status: StatementStatus) -> i32 {
        saturate(self.raw.status(status as i32, false))
    }

    /// One counter, set back to zero; returns its value before (rusqlite's shape).
    pub fn reset_status(&self, status: StatementStatus) -> i32 {
        saturate(self.raw.status(status as i32, true))
    }

    /// Sets the counters back to zero.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// let mut stmt = conn.prepare("SELECT 1")?;
    /// stmt.exists(())?;
    /// stmt.reset_counters();
    /// assert_eq!(stmt.counters().vm_steps, 0);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    pub fn reset_counters(&self) {
        for op in [
            ffi::SQLITE_STMTSTATUS_FULLSCAN_STEP,
            ffi::SQLITE_STMTSTATUS_SORT,
            ffi::SQLITE_STMTSTATUS_AUTOINDEX,
            ffi::SQLITE_STMTSTATUS_VM_STEP,
            ffi::SQLITE_STMTSTATUS_REPREPARE,
            ffi::SQLITE_STMTSTATUS_RUN,
        ] {
            self.raw.status(op, true);
        }
    }
}

/// SQLite's counters are `int`s; `status` widens them, and this narrows them back losslessly.
fn saturate(value: i64) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}
