//! Data-change hooks and the progress handler, in rusqlite's shapes: `commit_hook`,
//! `rollback_hook`, `update_hook`, `wal_hook`, `preupdate_hook`, `progress_handler`. Each takes
//! `&mut self`, so no statement can be running while a hook is set, replaced (`Some`) or
//! removed (`None`).
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
#[cfg(feature = "preupdate_hook")]
pub use crate::preupdate::{PreUpdateCase, PreUpdateNewValueAccessor, PreUpdateOldValueAccessor};
use crate::raw::hooks;
#[cfg(feature = "preupdate_hook")]
use crate::raw::preupdate::PreUpdateRow;
use crate::raw::wal::{self, HookTarget};
pub use crate::wal::Wal;
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

    /// Calls `hook` after each commit to a database in WAL mode, outside the write
    /// transaction, with a [`Wal`] handle (the database's name, and
    /// [`checkpoint`](Wal::checkpoint), the one thing SQLite lets the hook do with its own
    /// connection) and the number of pages now in the WAL.
    ///
    /// SQLite's automatic checkpoint *is* a WAL hook: while yours is set, SQLite checkpoints
    /// only when your hook does, and `PRAGMA wal_autocheckpoint` replaces your hook. `None`
    /// removes the hook and puts back the automatic checkpoint threshold in force before it.
    ///
    /// The hook runs after the commit, so an `Err` (or a panic) cannot undo it: the statement
    /// that committed fails with [`Error::WalHookFailed`](crate::Error::WalHookFailed), which
    /// says so, with your error as its source (a panic resumes in that caller instead).
    ///
    /// ```
    /// use lite3::{Connection, wal::CheckpointMode};
    ///
    /// let dir = std::env::temp_dir().join(format!("lite3-doc-walhook-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let mut conn = Connection::open(dir.join("app.db"))?;
    /// conn.pragma_update(None, "journal_mode", "wal")?;
    /// // Checkpoint once the WAL holds 100 pages, truncating it, instead of SQLite's 1000.
    /// conn.wal_hook(Some(|wal: &mut lite3::hooks::Wal, pages| {
    ///     if pages >= 100 {
    ///         wal.checkpoint_v2(CheckpointMode::TRUNCATE)?;
    ///     }
    ///     Ok(())
    /// }))?;
    /// conn.execute_batch("CREATE TABLE t(x)")?;
    /// for _ in 0..200 {
    ///     conn.execute("INSERT INTO t VALUES (zeroblob(5000))", ())?;
    /// }
    /// let (frames, _) = conn.wal_checkpoint_v2(lite3::DEFAULT_NAME, CheckpointMode::PASSIVE)?;
    /// assert!(frames < 100, "the hook keeps the WAL under 100 pages: {frames}");
    /// conn.wal_hook(None::<fn(&mut lite3::hooks::Wal, i32) -> lite3::Result<()>>)?;
    /// assert_eq!(conn.pragma_query_one::<i64>(None, "wal_autocheckpoint")?, 1000);
    /// # drop(conn); std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`commit_hook`](Self::commit_hook), and SQLite's error reading or restoring the
    /// automatic checkpoint setting.
    pub fn wal_hook<F>(&mut self, hook: Option<F>) -> Result<()>
    where
        F: FnMut(&mut Wal, c_int) -> Result<()> + Send + 'static,
    {
        let saved = &self.callbacks.autocheckpoint_before_wal_hook;
        // SQLite's own hook reports its threshold here, ours 0.
        let automatic: c_int = self.pragma_query_one(None, "wal_autocheckpoint")?;
        let Some(mut hook) = hook else {
            if automatic > 0 {
                // `PRAGMA wal_autocheckpoint` already replaced the hook: leave SQLite's alone.
                saved.set(None);
                self.callbacks.forget(Slot::Wal);
                return Ok(());
            }
            let none = None::<fn(HookTarget, c_int) -> Result<()>>;
            let owner = hooks::set_wal_hook(self.raw(), none)?;
            self.callbacks.replace(Slot::Wal, owner);
            if let Some(threshold) = saved.take() {
                wal::set_autocheckpoint(self.raw(), threshold)?;
            }
            return Ok(());
        };
        if saved.get().is_none() {
            saved.set(Some(automatic));
        }
        let hook = move |target, pages| hook(&mut Wal { target }, pages);
        let owner = hooks::set_wal_hook(self.raw(), Some(hook))?;
        self.callbacks.replace(Slot::Wal, owner);
        Ok(())
    }

    /// Calls `hook` just before each row of a rowid table is inserted, updated or deleted,
    /// with the [`Action`], the database and table names, and a [`PreUpdateCase`] that reads
    /// the row's old values (update, delete) and new values (insert, update) while the hook
    /// runs. Unlike [`update_hook`](Self::update_hook) it also sees changes made by conflict
    /// resolution and by the truncate optimisation. A panic resumes in the caller once the
    /// statement returns (the change itself cannot be stopped from this hook). `None` removes
    /// it. Needs the `preupdate_hook` feature (and, with `system`, a library built with
    /// `SQLITE_ENABLE_PREUPDATE_HOOK`, as Debian's is).
    ///
    /// ```
    /// use lite3::hooks::{Action, PreUpdateCase};
    /// use std::sync::{Arc, Mutex};
    ///
    /// let mut conn = lite3::Connection::open_in_memory()?;
    /// conn.execute_batch("CREATE TABLE t(name, price); INSERT INTO t VALUES ('tea', 3)")?;
    /// let seen = Arc::new(Mutex::new(Vec::new()));
    /// let log = Arc::clone(&seen);
    /// conn.preupdate_hook(Some(move |action: Action, _db: &str, table: &str, case: &PreUpdateCase| {
    ///     if let PreUpdateCase::Update { old_value_accessor: old, new_value_accessor: new } = case {
    ///         let before: i64 = old.get_old_column_value(1).unwrap().as_i64().unwrap();
    ///         let after: i64 = new.get_new_column_value(1).unwrap().as_i64().unwrap();
    ///         log.lock().unwrap().push(format!("{action:?} {table}: {before} -> {after}"));
    ///     }
    /// }))?;
    /// conn.execute("UPDATE t SET price = 4", ())?;
    /// assert_eq!(*seen.lock().unwrap(), ["SQLITE_UPDATE t: 3 -> 4"]);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`commit_hook`](Self::commit_hook).
    #[cfg(feature = "preupdate_hook")]
    pub fn preupdate_hook<F>(&mut self, hook: Option<F>) -> Result<()>
    where
        F: FnMut(Action, &str, &str, &PreUpdateCase) + Send + 'static,
    {
        let hook = hook.map(|mut f| {
            move |op,
                  db_name: &str,
                  table: &str,
                  [old, new]: [PreUpdateRow; 2],
                  old_rowid,
                  new_rowid| {
                let case = PreUpdateCase::new(op, old, new, old_rowid, new_rowid);
                f(Action::from(op), db_name, table, &case);
            }
        });
        let owner = hooks::set_preupdate_hook(self.raw(), hook)?;
        self.callbacks.replace(Slot::PreUpdate, owner);
        Ok(())
    }
}
