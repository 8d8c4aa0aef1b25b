//! Data-change hooks and the progress handler, in rusqlite's shapes: `commit_hook`,
//! `rollback_hook`, `update_hook`, `progress_handler`. Each takes `&mut self`, so no statement
//! can be running while a hook is set, replaced (`Some`) or removed (`None`).
//!
//! The callback rules, as for every lite3 callback: a panic is caught before it reaches C and
//! resumes in the Rust code whose statement triggered the hook (for the commit hook and the
//! progress handler, the panic also stops the commit or the statement); the closure is freed
//! only after SQLite has let go of it, and never while it runs. A hook cannot reach its own
//! connection mutably (it is `'static` and the connection is `&mut`-borrowed to set it), so it
//! cannot replace itself mid-call; through a thread-local it can read the connection, and SQLite
//! allows a hook no statements on it (its documentation: "must not do anything that will
//! modify the database connection").

pub use crate::authorizer::{AuthAction, AuthContext, Authorization, TransactionOperation};
use crate::callbacks::Slot;
use crate::raw::hooks;
use crate::{Connection, Result, ffi};
use std::ffi::c_int;

/// What an [`update_hook`](Connection::update_hook) reports a row change as (rusqlite's names).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
#[allow(non_camel_case_types, reason = "rusqlite's variant names")]
pub enum Action {
    /// A code this version of lite3 does not know.
    UNKNOWN,
    /// A row was deleted.
    SQLITE_DELETE,
    /// A row was inserted.
    SQLITE_INSERT,
    /// A row was updated.
    SQLITE_UPDATE,
}

impl From<c_int> for Action {
    fn from(code: c_int) -> Self {
        match code {
            ffi::SQLITE_DELETE => Action::SQLITE_DELETE,
            ffi::SQLITE_INSERT => Action::SQLITE_INSERT,
            ffi::SQLITE_UPDATE => Action::SQLITE_UPDATE,
            _ => Action::UNKNOWN,
        }
    }
}

impl Connection {
    /// Calls `hook` when a transaction is about to commit; returning `true` turns the commit
    /// into a rollback (the `COMMIT` then fails with `ErrorCode::Constraint`). A hook that
    /// panics rolls the transaction back too, and the panic resumes in the caller of the
    /// commit: a transaction is never committed without the hook's yes. `None` removes it.
    ///
    /// ```
    /// use lite3::Connection;
    ///
    /// let mut conn = Connection::open_in_memory()?;
    /// conn.execute_batch("CREATE TABLE t(x)")?;
    /// conn.commit_hook(Some(|| false))?; // let every commit through
    /// conn.execute("INSERT INTO t VALUES (1)", ())?;
    /// conn.commit_hook(Some(|| true))?; // veto every commit
    /// assert!(conn.execute("INSERT INTO t VALUES (2)", ()).is_err());
    /// conn.commit_hook(None::<fn() -> bool>)?;
    /// assert_eq!(conn.query_row("SELECT count(*) FROM t", (), |r| r.get::<_, i64>(0))?, 1);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// A refusal of the door into C (a forked child, another thread of a single-threaded
    /// SQLite).
    pub fn commit_hook<F>(&mut self, hook: Option<F>) -> Result<()>
    where
        F: FnMut() -> bool + Send + 'static,
    {
        let owner = hooks::set_commit_hook(self.raw(), hook)?;
        self.callbacks.replace(Slot::Commit, owner);
        Ok(())
    }

    /// Calls `hook` when a transaction rolls back (explicitly, or by SQLite after an error;
    /// not when the connection closes with a transaction open). `None` removes it.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    ///
    /// let mut conn = lite3::Connection::open_in_memory()?;
    /// let rollbacks = Arc::new(AtomicUsize::new(0));
    /// let seen = Arc::clone(&rollbacks);
    /// conn.rollback_hook(Some(move || { seen.fetch_add(1, Ordering::Relaxed); }))?;
    /// conn.execute_batch("BEGIN; CREATE TABLE t(x); ROLLBACK;")?;
    /// assert_eq!(rollbacks.load(Ordering::Relaxed), 1);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`commit_hook`](Self::commit_hook).
    pub fn rollback_hook<F>(&mut self, hook: Option<F>) -> Result<()>
    where
        F: FnMut() + Send + 'static,
    {
        let owner = hooks::set_rollback_hook(self.raw(), hook)?;
        self.callbacks.replace(Slot::Rollback, owner);
        Ok(())
    }

    /// Calls `hook` for every row inserted, updated or deleted in a rowid table, with the
    /// action, the database name, the table name and the rowid. Not called for `WITHOUT ROWID`
    /// tables, for the truncate optimisation (`DELETE FROM t` without `WHERE`), or for changes
    /// made by conflict resolution. `None` removes it.
    ///
    /// ```
    /// use lite3::hooks::Action;
    /// use std::sync::{Arc, Mutex};
    ///
    /// let mut conn = lite3::Connection::open_in_memory()?;
    /// conn.execute_batch("CREATE TABLE t(x)")?;
    /// let changes = Arc::new(Mutex::new(Vec::new()));
    /// let log = Arc::clone(&changes);
    /// conn.update_hook(Some(move |action, db: &str, table: &str, rowid| {
    ///     log.lock().unwrap().push((action, format!("{db}.{table}"), rowid));
    /// }))?;
    /// conn.execute("INSERT INTO t VALUES ('a')", ())?;
    /// conn.execute("UPDATE t SET x = 'b' WHERE rowid = 1", ())?;
    /// assert_eq!(*changes.lock().unwrap(), [
    ///     (Action::SQLITE_INSERT, "main.t".to_owned(), 1),
    ///     (Action::SQLITE_UPDATE, "main.t".to_owned(), 1),
    /// ]);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`commit_hook`](Self::commit_hook).
    pub fn update_hook<F>(&mut self, hook: Option<F>) -> Result<()>
    where
        F: FnMut(Action, &str, &str, i64) + Send + 'static,
    {
        let hook = hook.map(|mut f| {
            move |op, db: &str, table: &str, rowid| f(Action::from(op), db, table, rowid)
        });
        let owner = hooks::set_update_hook(self.raw(), hook)?;
        self.callbacks.replace(Slot::Update, owner);
        Ok(())
    }

    /// Calls `handler` about every `num_ops` virtual-machine instructions of a running
    /// statement; returning `true` interrupts it (it fails with `ErrorCode::Interrupt`), and so
    /// does a panic, which then resumes in the caller. `num_ops < 1` or `None` removes it.
    ///
    /// ```
    /// use lite3::ErrorCode;
    ///
    /// let mut conn = lite3::Connection::open_in_memory()?;
    /// let mut budget = 100;
    /// conn.progress_handler(1000, Some(move || { budget -= 1; budget < 0 }))?;
    /// let endless = "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT max(n) FROM c";
    /// let err = conn.query_row(endless, (), |r| r.get::<_, i64>(0)).unwrap_err();
    /// assert_eq!(err.sqlite_code(), Some(ErrorCode::Interrupt));
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`commit_hook`](Self::commit_hook).
    pub fn progress_handler<F>(&mut self, num_ops: c_int, handler: Option<F>) -> Result<()>
    where
        F: FnMut() -> bool + Send + 'static,
    {
        let owner = hooks::set_progress_handler(self.raw(), num_ops, handler)?;
        self.callbacks.replace(Slot::Progress, owner);
        Ok(())
    }
}
