//! [`PooledConnection`]: a checked-out connection that goes back to its pool, cleaned, on drop.

use super::Shared;
use super::slots::Slots;
use crate::Connection;
use std::ops::{Deref, DerefMut};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::Ordering;

/// A connection checked out of a [`Pool`](super::Pool). Derefs to [`Connection`]; dropping it
/// hands the connection back after cleaning it, so the next borrower inherits nothing:
///
/// - statements left part-way are reset (so they do not pin the WAL);
/// - an open transaction is rolled back;
/// - [`InterruptHandle`](crate::InterruptHandle)s taken from it stop working, so a stale one
///   cannot interrupt the next borrower;
/// - a connection that reported an I/O error, corruption or misuse, or whose cleanup failed or
///   panicked (a user callback panicking during the rollback), is closed and replaced by a
///   fresh one; the slot is always given back, and such a panic then resumes in the dropper;
/// - a connection whose borrower set, replaced or removed a hook, handler, profiler, SQL
///   function or collation, or changed a `db_config` setting or a limit, is closed and replaced
///   by a fresh one (which runs `on_open`), so a borrower's closures and settings never reach
///   the next borrower and `on_open`'s are never missing; the transaction behaviour set by
///   `set_transaction_behavior` goes back to `Deferred`. (PRAGMAs a borrower runs as SQL are
///   not tracked: set per-connection pragmas in `on_open`.)
/// - a different connection put in its place (`std::mem::swap` through `DerefMut`) is closed,
///   never pooled, and counted as replaced.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("lite3-doc-guard-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let pool = lite3::Pool::open(dir.join("guard.db"))?;
/// let conn = pool.write()?;
/// conn.execute_batch("CREATE TABLE t(x); BEGIN; INSERT INTO t VALUES (1);")?;
/// drop(conn); // the open transaction is rolled back before anyone else gets the connection
/// let n: i64 = pool.read()?.query_row("SELECT count(*) FROM t", (), |r| r.get(0))?;
/// assert_eq!(n, 0);
/// # drop(pool); std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), lite3::Error>(())
/// ```
pub struct PooledConnection<'p> {
    // Always Some, except inside Drop.
    conn: Option<Connection>,
    /// The address of the handle handed out, to recognise a connection swapped in its place.
    handed_out: usize,
    slots: &'p Slots,
    shared: &'p Shared,
}

impl<'p> PooledConnection<'p> {
    pub(crate) fn new(conn: Connection, slots: &'p Slots, shared: &'p Shared) -> Self {
        Self {
            handed_out: identity(&conn),
            conn: Some(conn),
            slots,
            shared,
        }
    }
}

/// A connection's identity: the address of its handle, unique among open connections.
fn identity(conn: &Connection) -> usize {
    conn.handle() as usize
}

impl Deref for PooledConnection<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.conn
            .as_ref()
            .expect("a PooledConnection holds its connection until dropped")
    }
}

impl DerefMut for PooledConnection<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        self.conn
            .as_mut()
            .expect("a PooledConnection holds its connection until dropped")
    }
}

impl Drop for PooledConnection<'_> {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else { return };
        let cleaned = if identity(&conn) == self.handed_out {
            panic::catch_unwind(AssertUnwindSafe(|| clean(conn)))
        } else {
            Ok(None) // not the pool's connection: closed here, its slot reopened later
        };
        let (conn, panicked) = match cleaned {
            Ok(conn) => (conn, None),
            Err(payload) => (None, Some(payload)),
        };
        if conn.is_none() {
            self.shared
                .counters
                .replaced
                .fetch_add(1, Ordering::Relaxed);
        }
        self.slots.checkin(conn, &self.shared.counters);
        if let Some(payload) = panicked
            && !std::thread::panicking()
        {
            panic::resume_unwind(payload);
        }
    }
}

/// Makes a returned connection fit for the next user, or closes it (None) if it is not.
fn clean(conn: Connection) -> Option<Connection> {
    conn.raw().retire_interrupt_handles();
    if conn.raw().failed_fatally() || conn.raw().inherited_by_fork() {
        return None;
    }
    // A borrower set, replaced or removed a hook, handler, profiler or function: the next
    // borrower must not inherit it, and on_open's must not be missing. A fresh connection
    // (which runs on_open) takes this one's place.
    if conn.callbacks.take_changed() {
        return None;
    }
    conn.raw().forget_guards();
    conn.reset_user_settings();
    conn.raw().reset_busy_statements();
    if !conn.is_autocommit() && conn.run_control("ROLLBACK").is_err() {
        return None;
    }
    Some(conn)
}

impl std::fmt::Debug for PooledConnection<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("PooledConnection").field(&self.conn).finish()
    }
}
