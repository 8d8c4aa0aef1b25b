//! [`Transaction`] and [`Savepoint`]: guards that roll back unless committed.
//!
//! Both are built on one private [`Guard`]: it runs the statement that opens the transaction,
//! tells the connection's door a guard is alive (so that a transaction SQLite rolls back on its
//! own stays dead: see [`Error::TransactionRolledBack`](crate::Error::TransactionRolledBack)),
//! and undoes what is left when dropped.

use crate::sql_text::quote_identifier;
use crate::{Connection, Result};
use std::ops::Deref;

/// What a [`Transaction`] or [`Savepoint`] does when it is dropped without `commit` or
/// `rollback` (rusqlite's names and meaning).
///
/// ```
/// use lite3::{Connection, DropBehavior};
///
/// let mut conn = Connection::open_in_memory()?;
/// conn.execute("CREATE TABLE t(x)", ())?;
/// {
///     let mut tx = conn.transaction()?;
///     tx.set_drop_behavior(DropBehavior::Commit);
///     tx.execute("INSERT INTO t VALUES (1)", ())?;
/// } // committed here
/// assert_eq!(conn.query_row("SELECT count(*) FROM t", (), |r| r.get::<_, i64>(0))?, 1);
/// # Ok::<(), lite3::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum DropBehavior {
    /// Roll back (the default).
    #[default]
    Rollback,
    /// Commit; if that fails, roll back.
    Commit,
    /// Leave the transaction open on the connection (a [`Pool`](crate::Pool) or
    /// [`Worker`](crate::Worker) still rolls it back before the next user).
    Ignore,
    /// Panic, to catch a guard that was forgotten; while the thread is already panicking it
    /// rolls back instead (a second panic would abort the process).
    Panic,
}

/// What `Transaction` and `Savepoint` share: the connection, whether the guard still has to
/// end its work, what to do on drop, and the door's count of live guards.
struct Guard<'c> {
    conn: &'c Connection,
    open: bool,
    on_drop: DropBehavior,
}

impl<'c> Guard<'c> {
    fn begin(conn: &'c Connection, sql: &str) -> Result<Self> {
        conn.run_control(sql)?;
        conn.raw().guard_opened();
        Ok(Self {
            conn,
            open: true,
            on_drop: DropBehavior::Rollback,
        })
    }

    /// Ends the guard's work with `sql` (COMMIT, RELEASE, ROLLBACK). If that fails, the guard
    /// stays open and undoes what is left when dropped.
    fn end(&mut self, sql: &[&str]) -> Result<()> {
        for statement in sql {
            self.conn.run_control(statement)?;
        }
        self.open = false;
        Ok(())
    }

    /// Does what the drop behaviour says (`keep` commits, `undo` rolls back) unless the work is
    /// already gone: ended, ended by hand (autocommit), or rolled back by SQLite (then the door
    /// would refuse either anyway). Errors are ignored: this runs in `Drop`, and a connection
    /// whose rollback failed is cleaned by its pool or worker.
    fn finish_on_drop(&mut self, keep: &[&str], undo: &[&str]) {
        let conn = self.conn;
        if !self.open || conn.raw().transaction_rolled_back() || conn.is_autocommit() {
            return;
        }
        match self.on_drop {
            DropBehavior::Ignore => {}
            DropBehavior::Commit => {
                if self.end(keep).is_err() {
                    let _ = self.end(undo);
                }
            }
            DropBehavior::Panic if !std::thread::panicking() => {
                let _ = self.end(undo);
                panic!("a transaction or savepoint was dropped with DropBehavior::Panic");
            }
            DropBehavior::Rollback | DropBehavior::Panic => {
                let _ = self.end(undo);
            }
        }
    }
}

impl Drop for Guard<'_> {
    fn drop(&mut self) {
        self.conn.raw().guard_closed();
    }
}

/// When a transaction takes its locks.
///
/// ```
/// use lite3::{Connection, TransactionBehavior};
///
/// let mut conn = Connection::open_in_memory()?;
/// conn.transaction_with_behavior(TransactionBehavior::Exclusive)?.commit()?;
/// # Ok::<(), lite3::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransactionBehavior {
    /// `BEGIN DEFERRED`: locks are taken by the first read or write (the default).
    #[default]
    Deferred,
    /// `BEGIN IMMEDIATE`: the write lock is taken at once, so the transaction cannot fail later
    /// with `Busy` when it starts writing.
    Immediate,
    /// `BEGIN EXCLUSIVE`: as immediate; in rollback-journal mode also keeps readers out.
    Exclusive,
}

/// An open transaction. It derefs to [`Connection`]; [`commit`](Self::commit) ends it, and
/// dropping it without committing rolls it back.
///
/// `Transaction` borrows the connection mutably, so it cannot outlive it and a second
/// transaction cannot start meanwhile (use [`savepoint`](Self::savepoint) to nest).
///
/// After some errors (an interrupted write, `Full`, an I/O error, out of memory, some `Busy`
/// cases) SQLite rolls the whole transaction back on its own. From then on every statement run
/// through the guard, and [`commit`](Self::commit), fail with
/// [`Error::TransactionRolledBack`](crate::Error::TransactionRolledBack): nothing after the
/// rollback can run in autocommit mode and be committed by accident. Drop the guard and start
/// again.
///
/// ```
/// use lite3::Connection;
///
/// let mut conn = Connection::open_in_memory()?;
/// conn.execute("CREATE TABLE t(x)", ())?;
/// {
///     let tx = conn.transaction()?;
///     tx.execute("INSERT INTO t VALUES (1)", ())?;
///     // dropped without commit: rolled back
/// }
/// let tx = conn.transaction()?;
/// tx.execute("INSERT INTO t VALUES (2)", ())?;
/// tx.commit()?;
/// assert_eq!(conn.query_row("SELECT group_concat(x) FROM t", (), |r| r.get::<_, String>(0))?, "2");
/// # Ok::<(), lite3::Error>(())
/// ```
///
/// ```compile_fail,E0499
/// let mut conn = lite3::Connection::open_in_memory().unwrap();
/// let tx = conn.transaction().unwrap();
/// let tx2 = conn.transaction().unwrap(); // error: `conn` is already borrowed by `tx`
/// # drop((tx, tx2));
/// ```
#[must_use = "a transaction rolls back when dropped; call commit() to keep its changes"]
pub struct Transaction<'c> {
    guard: Guard<'c>,
}

impl Connection {
    /// Begins a deferred transaction.
    ///
    /// ```
    /// let mut conn = lite3::Connection::open_in_memory()?;
    /// let tx = conn.transaction()?;
    /// assert!(!tx.is_autocommit());
    /// tx.commit()?;
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Sqlite`](crate::Error::Sqlite) (e.g. when a transaction was opened by hand with
    /// `BEGIN`).
    pub fn transaction(&mut self) -> Result<Transaction<'_>> {
        self.transaction_with_behavior(self.default_transaction_behavior())
    }

    /// Begins a transaction with the given locking behaviour.
    ///
    /// ```
    /// use lite3::{Connection, TransactionBehavior};
    ///
    /// let mut conn = Connection::open_in_memory()?;
    /// let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    /// tx.commit()?;
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// SQLite's error.
    pub fn transaction_with_behavior(
        &mut self,
        behavior: TransactionBehavior,
    ) -> Result<Transaction<'_>> {
        Transaction::new_unchecked(self, behavior)
    }

    /// Begins a deferred transaction through a shared reference, as rusqlite's method of the
    /// same name does: nothing stops a second `BEGIN` at compile time, so a nested call fails
    /// at run time with SQLite's "cannot start a transaction within a transaction". Prefer
    /// [`transaction`](Self::transaction).
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// let tx = conn.unchecked_transaction()?;
    /// assert!(conn.unchecked_transaction().is_err());
    /// tx.commit()?;
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Sqlite`](crate::Error::Sqlite), e.g. when a transaction is already open.
    pub fn unchecked_transaction(&self) -> Result<Transaction<'_>> {
        Transaction::new_unchecked(self, TransactionBehavior::Deferred)
    }

    /// Begins a savepoint with the given name (quoted, so any text is a valid name).
    ///
    /// ```
    /// let mut conn = lite3::Connection::open_in_memory()?;
    /// let sp = conn.savepoint_with_name("before import")?;
    /// sp.commit()?;
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Sqlite`](crate::Error::Sqlite).
    pub fn savepoint_with_name<T: Into<String>>(&mut self, name: T) -> Result<Savepoint<'_>> {
        Savepoint::begin(self, quote_identifier(&name.into()), 0)
    }

    /// Begins a savepoint directly on the connection (a transaction if none is open).
    ///
    /// ```
    /// let mut conn = lite3::Connection::open_in_memory()?;
    /// conn.execute("CREATE TABLE t(x)", ())?;
    /// let sp = conn.savepoint()?;
    /// sp.execute("INSERT INTO t VALUES (1)", ())?;
    /// sp.rollback()?;
    /// assert_eq!(conn.query_row("SELECT count(*) FROM t", (), |r| r.get::<_, i64>(0))?, 0);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Sqlite`](crate::Error::Sqlite).
    pub fn savepoint(&mut self) -> Result<Savepoint<'_>> {
        Savepoint::begin(self, "lite3_sp0".to_owned(), 0)
    }
}

impl<'conn> Transaction<'conn> {
    /// Begins a transaction on `conn` (rusqlite's constructor; the same as
    /// [`Connection::transaction_with_behavior`]).
    ///
    /// ```
    /// use lite3::{Connection, Transaction, TransactionBehavior};
    /// let mut conn = Connection::open_in_memory()?;
    /// let tx = Transaction::new(&mut conn, TransactionBehavior::Immediate)?;
    /// tx.commit()?;
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`Connection::transaction_with_behavior`].
    pub fn new(conn: &'conn mut Connection, behavior: TransactionBehavior) -> Result<Self> {
        Self::new_unchecked(conn, behavior)
    }

    /// Begins a transaction on a shared `conn`, as [`Connection::unchecked_transaction`] does
    /// but with any behaviour (rusqlite's constructor).
    ///
    /// # Errors
    /// As [`Connection::transaction_with_behavior`]; a transaction already open is SQLite's
    /// error ("cannot start a transaction within a transaction").
    pub fn new_unchecked(conn: &'conn Connection, behavior: TransactionBehavior) -> Result<Self> {
        let begin = match behavior {
            TransactionBehavior::Deferred => "BEGIN DEFERRED",
            TransactionBehavior::Immediate => "BEGIN IMMEDIATE",
            TransactionBehavior::Exclusive => "BEGIN EXCLUSIVE",
        };
        Ok(Transaction {
            guard: Guard::begin(conn, begin)?,
        })
    }
}

impl Transaction<'_> {
    /// Commits the transaction.
    ///
    /// ```
    /// let mut conn = lite3::Connection::open_in_memory()?;
    /// let tx = conn.transaction()?;
    /// tx.execute("CREATE TABLE t(x)", ())?;
    /// tx.commit()?;
    /// assert!(conn.is_autocommit());
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Sqlite`](crate::Error::Sqlite) (e.g. `Busy`); the transaction is then rolled
    /// back as it is dropped. [`Error::TransactionRolledBack`](crate::Error::TransactionRolledBack)
    /// when SQLite already rolled it back after an earlier error: nothing is committed.
    pub fn commit(mut self) -> Result<()> {
        self.guard.end(&["COMMIT"])
    }

    /// Rolls the transaction back now (dropping it does the same, ignoring errors).
    ///
    /// ```
    /// let mut conn = lite3::Connection::open_in_memory()?;
    /// let tx = conn.transaction()?;
    /// tx.execute("CREATE TABLE t(x)", ())?;
    /// tx.rollback()?;
    /// assert!(conn.prepare("SELECT * FROM t").is_err());
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Sqlite`](crate::Error::Sqlite);
    /// [`Error::TransactionRolledBack`](crate::Error::TransactionRolledBack) when SQLite already
    /// rolled it back (its work is gone either way).
    pub fn rollback(mut self) -> Result<()> {
        self.guard.open = false;
        self.guard.conn.run_control("ROLLBACK")
    }

    /// A nested savepoint inside this transaction.
    ///
    /// ```
    /// use lite3::Connection;
    ///
    /// let mut conn = Connection::open_in_memory()?;
    /// conn.execute("CREATE TABLE t(x)", ())?;
    /// let mut tx = conn.transaction()?;
    /// tx.execute("INSERT INTO t VALUES (1)", ())?;
    /// {
    ///     let sp = tx.savepoint()?;
    ///     sp.execute("INSERT INTO t VALUES (2)", ())?;
    ///     // dropped: only the savepoint's insert is undone
    /// }
    /// tx.commit()?;
    /// assert_eq!(conn.query_row("SELECT count(*) FROM t", (), |r| r.get::<_, i64>(0))?, 1);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// SQLite's error.
    pub fn savepoint(&mut self) -> Result<Savepoint<'_>> {
        Savepoint::begin(self.guard.conn, "lite3_sp0".to_owned(), 0)
    }

    /// A nested savepoint with the given name.
    ///
    /// ```
    /// let mut conn = lite3::Connection::open_in_memory()?;
    /// let mut tx = conn.transaction()?;
    /// tx.savepoint_with_name("step 1")?.commit()?;
    /// tx.commit()?;
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// SQLite's error.
    pub fn savepoint_with_name<T: Into<String>>(&mut self, name: T) -> Result<Savepoint<'_>> {
        Savepoint::begin(self.guard.conn, quote_identifier(&name.into()), 0)
    }

    /// What dropping the transaction does ([`DropBehavior::Rollback`] unless set).
    #[must_use]
    pub fn drop_behavior(&self) -> DropBehavior {
        self.guard.on_drop
    }

    /// Sets what dropping the transaction does.
    ///
    /// ```
    /// use lite3::DropBehavior;
    ///
    /// let mut conn = lite3::Connection::open_in_memory()?;
    /// let mut tx = conn.transaction()?;
    /// tx.set_drop_behavior(DropBehavior::Commit);
    /// assert_eq!(tx.drop_behavior(), DropBehavior::Commit);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    pub fn set_drop_behavior(&mut self, behavior: DropBehavior) {
        self.guard.on_drop = behavior;
    }
}

impl Deref for Transaction<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.guard.conn
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        self.guard.finish_on_drop(&["COMMIT"], &["ROLLBACK"]);
    }
}

impl std::fmt::Debug for Transaction<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transaction")
            .field("open", &self.guard.open)
            .finish()
    }
}

/// A savepoint: a transaction that can nest. Dropping it without
/// [`commit`](Self::commit) rolls back its changes only.
///
/// ```
/// use lite3::Connection;
///
/// let mut conn = Connection::open_in_memory()?;
/// conn.execute("CREATE TABLE t(x)", ())?;
/// let mut outer = conn.savepoint()?;
/// outer.execute("INSERT INTO t VALUES (1)", ())?;
/// let inner = outer.savepoint()?;
/// inner.execute("INSERT INTO t VALUES (2)", ())?;
/// inner.commit()?;
/// outer.commit()?;
/// assert_eq!(conn.query_row("SELECT count(*) FROM t", (), |r| r.get::<_, i64>(0))?, 2);
/// # Ok::<(), lite3::Error>(())
/// ```
#[must_use = "a savepoint rolls back when dropped; call commit() to keep its changes"]
pub struct Savepoint<'c> {
    guard: Guard<'c>,
    /// The name as it goes into SQL (quoted when the user chose it).
    name: String,
    /// How many savepoints enclose this one, for the names of unnamed inner ones.
    depth: u32,
}

impl<'c> Savepoint<'c> {
    fn begin(conn: &'c Connection, name: String, depth: u32) -> Result<Self> {
        Ok(Self {
            guard: Guard::begin(conn, &format!("SAVEPOINT {name}"))?,
            name,
            depth,
        })
    }

    /// A savepoint nested in this one.
    ///
    /// ```
    /// let mut conn = lite3::Connection::open_in_memory()?;
    /// let mut outer = conn.savepoint()?;
    /// let inner = outer.savepoint()?;
    /// inner.commit()?;
    /// outer.commit()?;
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// SQLite's error.
    pub fn savepoint(&mut self) -> Result<Savepoint<'_>> {
        let depth = self.depth.saturating_add(1);
        Savepoint::begin(self.guard.conn, format!("lite3_sp{depth}"), depth)
    }

    /// A nested savepoint with the given name.
    ///
    /// # Errors
    /// SQLite's error.
    pub fn savepoint_with_name<T: Into<String>>(&mut self, name: T) -> Result<Savepoint<'_>> {
        let depth = self.depth.saturating_add(1);
        Savepoint::begin(self.guard.conn, quote_identifier(&name.into()), depth)
    }

    /// What dropping the savepoint does ([`DropBehavior::Rollback`] unless set).
    #[must_use]
    pub fn drop_behavior(&self) -> DropBehavior {
        self.guard.on_drop
    }

    /// Sets what dropping the savepoint does (`Commit` releases it).
    pub fn set_drop_behavior(&mut self, behavior: DropBehavior) {
        self.guard.on_drop = behavior;
    }

    /// Keeps the savepoint's changes (`RELEASE`); they become permanent when the enclosing
    /// transaction commits.
    ///
    /// ```
    /// let mut conn = lite3::Connection::open_in_memory()?;
    /// conn.execute("CREATE TABLE t(x)", ())?;
    /// let sp = conn.savepoint()?;
    /// sp.execute("INSERT INTO t VALUES (1)", ())?;
    /// sp.commit()?;
    /// assert_eq!(conn.query_row("SELECT count(*) FROM t", (), |r| r.get::<_, i64>(0))?, 1);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Sqlite`](crate::Error::Sqlite); the savepoint is then rolled back as it is
    /// dropped. [`Error::TransactionRolledBack`](crate::Error::TransactionRolledBack) when SQLite
    /// already rolled back the enclosing transaction.
    pub fn commit(mut self) -> Result<()> {
        let release = format!("RELEASE {}", self.name);
        self.guard.end(&[&release])
    }

    /// Undoes the savepoint's changes now.
    ///
    /// ```
    /// let mut conn = lite3::Connection::open_in_memory()?;
    /// conn.savepoint()?.rollback()?;
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// SQLite's error.
    pub fn rollback(mut self) -> Result<()> {
        let undo = self.undo_statements();
        let result = self.guard.end(&[&undo[0], &undo[1]]);
        self.guard.open = false;
        result
    }

    /// `ROLLBACK TO` undoes the savepoint's work; `RELEASE` then removes it from the stack.
    fn undo_statements(&self) -> [String; 2] {
        let name = &self.name;
        [format!("ROLLBACK TO {name}"), format!("RELEASE {name}")]
    }
}

impl Deref for Savepoint<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.guard.conn
    }
}

impl Drop for Savepoint<'_> {
    fn drop(&mut self) {
        let undo = self.undo_statements();
        let release = format!("RELEASE {}", self.name);
        self.guard
            .finish_on_drop(&[&release], &[&undo[0], &undo[1]]);
    }
}

impl std::fmt::Debug for Savepoint<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Savepoint")
            .field("name", &self.name)
            .field("open", &self.guard.open)
            .finish()
    }
}
