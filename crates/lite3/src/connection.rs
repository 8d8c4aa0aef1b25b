//! [`Connection`]: an open database.

use crate::batch::Batch;
use crate::cache::{CachedStatement, DEFAULT_CAPACITY, StatementCache};
use crate::callbacks::{Callbacks, Slot};
use crate::interrupt::InterruptHandle;
use crate::params::Params;
use crate::raw::callback;
use crate::raw::{RawConnection, RawStatement};
use crate::rows::Row;
use crate::sql_text::{c_string, check_no_nul, skip_blank};
use crate::statement::Statement;
use crate::{Error, OpenFlags, Result, TransactionBehavior, ffi};
use std::cell::{Cell, RefCell};
use std::ffi::{CStr, CString};
use std::path::Path;
use std::time::Duration;

/// An open SQLite database.
///
/// `Connection` is [`Send`] but not [`Sync`]: it can move to another thread, but two threads
/// can never use it at once, which is exactly SQLite's per-handle threading model (so lite3 opens
/// every connection with `SQLITE_OPEN_NOMUTEX` and skips SQLite's own mutex). Use
/// [`interrupt_handle`](Self::interrupt_handle) to stop a query from another thread.
///
/// ```
/// use lite3::Connection;
///
/// let conn = Connection::open_in_memory()?;
/// conn.execute("CREATE TABLE person(id INTEGER PRIMARY KEY, name TEXT NOT NULL)", ())?;
/// conn.execute("INSERT INTO person(name) VALUES (?1)", ("Ada",))?;
/// let name: String = conn.query_row("SELECT name FROM person WHERE id = ?1", (1,), |row| row.get(0))?;
/// assert_eq!(name, "Ada");
/// # Ok::<(), lite3::Error>(())
/// ```
///
/// A connection cannot be shared between threads:
///
/// ```compile_fail,E0277
/// fn shared<T: Sync>(_: &T) {}
/// shared(&lite3::Connection::open_in_memory().unwrap());
/// ```
pub struct Connection {
    // Field order is drop order: cached statements are finalised before the handle closes, and
    // the busy handler's closure is freed only after SQLite has let go of it.
    cache: RefCell<StatementCache>,
    raw: RawConnection,
    /// The closures SQLite holds for this connection, freed only after it has let go.
    pub(crate) callbacks: Callbacks,
    /// What [`transaction`](Self::transaction) begins with; a Pool or Worker puts it back to
    /// `Deferred` before the next user.
    pub(crate) transaction_behavior: Cell<TransactionBehavior>,
}

/// How long a new connection waits for another connection's lock before a statement fails
/// with `Busy` (rusqlite's default; change it with [`Connection::busy_timeout`]).
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

impl Connection {
    /// Opens (creating if needed) the database file at `path`, with URI filenames allowed.
    ///
    /// Every new connection (from any `open*`, a [`Pool`](crate::Pool) or a
    /// [`Worker`](crate::Worker)) starts with a busy timeout of [`DEFAULT_BUSY_TIMEOUT`] (5 s)
    /// and with foreign keys enforced, as rusqlite's connections do; `PRAGMA foreign_keys = OFF`
    /// turns enforcement off.
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("lite3-doc-open-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let conn = lite3::Connection::open(dir.join("app.db"))?;
    /// conn.execute_batch("CREATE TABLE IF NOT EXISTS t(x)")?;
    /// # drop(conn); std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Nul`] for a path with a NUL byte; SQLite's error (e.g. `CantOpen`) otherwise;
    /// [`Error::SingleThreaded`] when the linked SQLite is single-threaded and another thread
    /// is using it.
    pub fn open<P: AsRef<Path>>(path: P) -> Result<Self> {
        Self::open_with_flags(path, OpenFlags::default())
    }

    /// Opens a new private in-memory database.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// assert!(conn.is_autocommit());
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`open`](Self::open).
    pub fn open_in_memory() -> Result<Self> {
        Self::open_with_flags(":memory:", OpenFlags::default())
    }

    /// Opens `path` with explicit [`OpenFlags`]; `SQLITE_OPEN_NOMUTEX` is always added.
    ///
    /// ```
    /// use lite3::{Connection, OpenFlags};
    ///
    /// let flags = OpenFlags::READ_WRITE | OpenFlags::CREATE | OpenFlags::URI | OpenFlags::MEMORY;
    /// let conn = Connection::open_with_flags("file:scratch?mode=memory", flags)?;
    /// conn.execute("CREATE TABLE t(x)", ())?;
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`open`](Self::open).
    pub fn open_with_flags<P: AsRef<Path>>(path: P, flags: OpenFlags) -> Result<Self> {
        Self::open_with(path.as_ref(), flags, None)
    }

    /// Every `open*` without a key ends here: a file that is not a plaintext database (an
    /// encrypted one, or not a database at all) is refused at once, instead of at its first
    /// statement with a less helpful "file is not a database".
    pub(crate) fn open_with(path: &Path, flags: OpenFlags, vfs: Option<&CStr>) -> Result<Self> {
        let conn = Self::open_unchecked(path, flags, vfs)?;
        if let Some(file) = conn.path().filter(|file| !file.is_empty()) {
            let file = Path::new(file);
            if crate::encryption::read_header(file) == crate::encryption::Header::Other {
                return Err(crate::encryption::EncryptionError::KeyRequired {
                    path: file.to_path_buf(),
                }
                .into());
            }
        }
        Ok(conn)
    }

    /// The handle, then the defaults every connection starts with.
    pub(crate) fn open_unchecked(
        path: &Path,
        flags: OpenFlags,
        vfs: Option<&CStr>,
    ) -> Result<Self> {
        let path = path_to_cstring(path)?;
        let raw = RawConnection::open(&path, flags.bits() | ffi::SQLITE_OPEN_NOMUTEX, vfs)?;
        // The defaults a rusqlite user relies on, in every build (a system SQLite included):
        // wait for another connection's lock instead of failing at once, and enforce foreign
        // keys.
        raw.busy_timeout(DEFAULT_BUSY_TIMEOUT)?;
        raw.enforce_foreign_keys(true)?;
        Ok(Self {
            cache: StatementCache::new(DEFAULT_CAPACITY),
            raw,
            callbacks: Callbacks::default(),
            transaction_behavior: Cell::new(TransactionBehavior::Deferred),
        })
    }

    #[inline]
    pub(crate) fn raw(&self) -> &RawConnection {
        &self.raw
    }

    /// Runs one statement and returns the number of rows it changed.
    ///
    /// `sql` must hold exactly one statement: `"A; B"` is refused before anything runs
    /// (use [`execute_batch`](Self::execute_batch) for scripts). The statement is prepared
    /// through the statement cache, so repeating the same SQL does not re-parse it.
    ///
    /// ```
    /// use lite3::Connection;
    ///
    /// let conn = Connection::open_in_memory()?;
    /// conn.execute("CREATE TABLE t(x)", ())?;
    /// assert_eq!(conn.execute("INSERT INTO t VALUES (?1), (?2)", (1, 2))?, 2);
    /// assert!(conn.execute("INSERT INTO t VALUES (3); DROP TABLE t", ()).is_err());
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// SQL errors, [`Error::MultipleStatements`], [`Error::EmptySql`], parameter errors,
    /// [`Error::ExecuteReturnedRows`], and SQLite's failures while running.
    pub fn execute<P: Params>(&self, sql: &str, params: P) -> Result<usize> {
        self.prepare_cached(sql)?.execute(params)
    }

    /// Runs every statement of `sql` in order, discarding any rows, and stops at the first
    /// failure, which names the statement ([`Error::Batch`]). Statements before it stay done.
    ///
    /// ```
    /// use lite3::Connection;
    ///
    /// let conn = Connection::open_in_memory()?;
    /// conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1); -- done")?;
    /// let err = conn.execute_batch("INSERT INTO t VALUES (2); INSERT INTO nope VALUES (3)").unwrap_err();
    /// assert_eq!(err.to_string(), "statement 2 of the batch failed (at byte 26): no such table: nope");
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Nul`] before anything runs; [`Error::Batch`] wrapping the first failure.
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        self.raw.enter()?;
        let mut batch = Batch::new(self, sql);
        let mut index = 0;
        loop {
            index += 1;
            let fail = |source, offset| Error::Batch {
                index,
                offset,
                source: Box::new(source),
            };
            let stmt = match batch.next() {
                Ok(Some(stmt)) => stmt,
                Ok(None) => return Ok(()),
                // Found before anything runs (Batch checks the whole text first): not a
                // statement's failure.
                Err(nul @ Error::Nul { .. }) => return Err(nul),
                Err(source) => return Err(fail(source, batch.offset())),
            };
            let (_, raw) = stmt.into_parts();
            while raw.step(&self.raw).map_err(|e| fail(e, batch.offset()))? {}
        }
    }

    /// Prepares one statement.
    ///
    /// ```
    /// use lite3::Connection;
    ///
    /// let conn = Connection::open_in_memory()?;
    /// let mut stmt = conn.prepare("SELECT ?1")?;
    /// assert_eq!(stmt.query_row(("hi",), |row| row.get::<_, String>(0))?, "hi");
    /// assert!(matches!(conn.prepare("   ").unwrap_err(), lite3::Error::EmptySql));
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// SQL errors (with the byte offset SQLite blames), [`Error::Nul`],
    /// [`Error::MultipleStatements`], [`Error::EmptySql`].
    pub fn prepare(&self, sql: &str) -> Result<Statement<'_>> {
        Ok(Statement::new(self, self.prepare_one(sql, 0)?))
    }

    /// Prepares one statement through the connection's LRU statement cache: the SQL is parsed
    /// once and the statement reused (reset, bindings cleared) on later calls.
    ///
    /// ```
    /// use lite3::Connection;
    ///
    /// let conn = Connection::open_in_memory()?;
    /// conn.execute("CREATE TABLE t(x)", ())?;
    /// for x in 0..100 {
    ///     conn.prepare_cached("INSERT INTO t VALUES (?1)")?.execute((x,))?;
    /// }
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`prepare`](Self::prepare).
    pub fn prepare_cached(&self, sql: &str) -> Result<CachedStatement<'_>> {
        self.raw.enter()?;
        let cached = self.cache.borrow_mut().take(sql);
        let raw = match cached {
            Some(raw) => raw,
            None => self.prepare_one(sql, 0)?,
        };
        Ok(CachedStatement::new(Statement::new(self, raw)))
    }

    pub(crate) fn return_to_cache(conn: &Connection, stmt: RawStatement) {
        if let Ok(mut cache) = conn.cache.try_borrow_mut() {
            cache.put(stmt);
        }
    }

    /// Sets how many statements [`prepare_cached`](Self::prepare_cached) keeps (default 16;
    /// 0 disables caching). Extra statements are finalised at once.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// conn.set_prepared_statement_cache_capacity(64);
    /// assert_eq!(conn.prepared_statement_cache_capacity(), 64);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    pub fn set_prepared_statement_cache_capacity(&self, capacity: usize) {
        self.cache.borrow_mut().set_capacity(capacity);
    }

    /// The statement cache's capacity.
    #[must_use]
    pub fn prepared_statement_cache_capacity(&self) -> usize {
        self.cache.borrow().capacity()
    }

    /// Finalises every cached statement.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// conn.prepare_cached("SELECT 1")?;
    /// conn.flush_prepared_statement_cache();
    /// # Ok::<(), lite3::Error>(())
    /// ```
    pub fn flush_prepared_statement_cache(&self) {
        self.cache.borrow_mut().clear();
    }

    /// Prepares exactly one statement: empty SQL and trailing statements are errors.
    /// Prepares exactly one statement of `sql` with `sqlite3_prepare_v3`'s `flags`.
    pub(crate) fn prepare_one(&self, sql: &str, flags: std::ffi::c_uint) -> Result<RawStatement> {
        check_no_nul(sql, "SQL")?;
        let mut offset = 0;
        loop {
            let rest = &sql[offset..];
            if skip_blank(rest) == rest.len() {
                return Err(Error::EmptySql);
            }
            let (stmt, consumed) = self.prepare_first(rest, flags)?;
            offset += consumed;
            if let Some(stmt) = stmt {
                let tail = skip_blank(&sql[offset..]);
                if offset + tail != sql.len() {
                    return Err(Error::MultipleStatements {
                        offset: offset + tail,
                    });
                }
                return Ok(stmt);
            }
            if consumed == 0 {
                return Err(Error::EmptySql);
            }
        }
    }

    /// Runs one statement lite3 writes itself (BEGIN, COMMIT, SAVEPOINT…): its failure is the
    /// plain [`Error::Sqlite`], not a batch error naming a statement the user never wrote.
    pub(crate) fn run_control(&self, sql: &str) -> Result<()> {
        let stmt = self.prepare_one(sql, 0)?;
        while stmt.step(&self.raw)? {}
        Ok(())
    }

    /// Runs a query and returns `f` applied to its first row.
    ///
    /// ```
    /// use lite3::Connection;
    ///
    /// let conn = Connection::open_in_memory()?;
    /// let n: i64 = conn.query_row("SELECT count(*) FROM pragma_table_list", (), |row| row.get(0))?;
    /// assert!(n > 0);
    /// let none = conn.query_row("SELECT 1 WHERE 0", (), |row| row.get::<_, i64>(0));
    /// assert!(matches!(none, Err(lite3::Error::QueryReturnedNoRows)));
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::QueryReturnedNoRows`] when there is no row; otherwise as
    /// [`execute`](Self::execute) and the errors `f` returns.
    pub fn query_row<T, P, F>(&self, sql: &str, params: P, f: F) -> Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        self.prepare_cached(sql)?.query_row(params, f)
    }

    /// Rowid of the most recent successful INSERT on this connection (0 if none).
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// conn.execute("CREATE TABLE t(x)", ())?;
    /// conn.execute("INSERT INTO t VALUES (1)", ())?;
    /// assert_eq!(conn.last_insert_rowid(), 1);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[must_use]
    pub fn last_insert_rowid(&self) -> i64 {
        self.raw.last_insert_rowid()
    }

    /// Rows changed by the most recent INSERT, UPDATE or DELETE.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2);")?;
    /// assert_eq!(conn.changes(), 2);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[must_use]
    pub fn changes(&self) -> u64 {
        self.raw.changes()
    }

    /// Rows changed since the connection was opened.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1); INSERT INTO t VALUES (2);")?;
    /// assert_eq!(conn.total_changes(), 2);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[must_use]
    pub fn total_changes(&self) -> u64 {
        self.raw.total_changes()
    }

    /// Whether no transaction is open.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// conn.execute_batch("BEGIN")?;
    /// assert!(!conn.is_autocommit());
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[must_use]
    pub fn is_autocommit(&self) -> bool {
        self.raw.is_autocommit()
    }

    /// Retries for up to `timeout` when the database is locked by another connection, instead
    /// of failing at once with `Busy`. Replaces any [`busy_handler`](Self::busy_handler).
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// conn.busy_timeout(std::time::Duration::from_secs(5))?;
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// SQLite's error, if any.
    pub fn busy_timeout(&self, timeout: Duration) -> Result<()> {
        self.raw.busy_timeout(timeout)?;
        // SQLite has replaced our handler (if any); only now may its closure go.
        self.callbacks.forget(Slot::Busy);
        Ok(())
    }

    /// Calls `handler(attempt)` when the database is locked; returning `true` retries, `false`
    /// gives up with `Busy`. `None` removes the handler. A panic in the handler gives up and
    /// resumes in the caller once SQLite has returned. Replaces any [`busy_timeout`](Self::busy_timeout).
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// conn.busy_handler(Some(|attempt: u32| {
    ///     std::thread::sleep(std::time::Duration::from_millis(10));
    ///     attempt < 100
    /// }))?;
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// SQLite's error, if any.
    pub fn busy_handler<F>(&self, handler: Option<F>) -> Result<()>
    where
        F: FnMut(u32) -> bool + Send + 'static,
    {
        let owner = callback::set_busy_handler(&self.raw, handler)?;
        self.callbacks.replace(Slot::Busy, owner);
        Ok(())
    }

    /// A handle that can interrupt this connection's running statement from any thread.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// let handle = conn.interrupt_handle();
    /// std::thread::spawn(move || handle.interrupt()).join().unwrap();
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[must_use]
    pub fn interrupt_handle(&self) -> InterruptHandle {
        InterruptHandle::new(self.raw.interrupt_target())
    }

    /// rusqlite's name for [`interrupt_handle`](Self::interrupt_handle).
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// conn.get_interrupt_handle().interrupt(); // nothing running: no effect
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[must_use]
    pub fn get_interrupt_handle(&self) -> InterruptHandle {
        self.interrupt_handle()
    }

    /// Closes the connection, rolling back any open transaction. On failure the connection is
    /// handed back with the error; dropping a connection closes it too, ignoring errors.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// conn.close().map_err(|(_, e)| e)?;
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// SQLite's error, with the still-open connection.
    #[allow(
        clippy::result_large_err,
        reason = "the connection is handed back on failure, as documented"
    )]
    pub fn close(self) -> std::result::Result<(), (Connection, Error)> {
        let Connection {
            cache,
            raw,
            callbacks,
            transaction_behavior,
        } = self;
        let capacity = cache.borrow().capacity();
        drop(cache);
        raw.close().map_err(|(raw, error)| {
            (
                Connection {
                    cache: StatementCache::new(capacity),
                    raw,
                    callbacks,
                    transaction_behavior,
                },
                error,
            )
        })
    }

    /// The raw `sqlite3*` handle, for calling C functions lite3 does not wrap (through
    /// [`ffi`](crate::ffi), in your own `unsafe` code).
    ///
    /// The pointer is valid while `self` is. Do not close it, do not use it from another thread,
    /// and do not leave statements running or callbacks registered that lite3 does not know of.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// // SAFETY: the handle is open and used on this thread only.
    /// let autocommit = unsafe { lite3::ffi::sqlite3_get_autocommit(conn.handle()) };
    /// assert_eq!(autocommit, 1);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[must_use]
    pub fn handle(&self) -> *mut ffi::sqlite3 {
        self.raw.as_ptr()
    }
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("autocommit", &self.is_autocommit())
            .finish_non_exhaustive()
    }
}

pub(crate) fn path_to_cstring(path: &Path) -> Result<CString> {
    #[cfg(unix)]
    let bytes = std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str());
    #[cfg(not(unix))]
    let bytes = path
        .to_str()
        .ok_or_else(|| Error::InvalidPath(path.to_path_buf()))?
        .as_bytes();
    c_string(bytes, "database path")
}
