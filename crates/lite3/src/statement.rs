//! [`Statement`]: a prepared statement borrowing its connection.

use crate::binder::Binder;
use crate::connection::Connection;
use crate::params::Params;
use crate::raw::RawStatement;
use crate::raw::statement::Lifetime;
use crate::rows::{MappedRows, Row, Rows};

use crate::{Error, Result};

/// A prepared statement. It borrows its [`Connection`], so it cannot outlive it or move to
/// another thread, and is finalised when dropped.
///
/// Binding and lifetimes: [`execute`](Self::execute), [`query_row`](Self::query_row),
/// [`exists`](Self::exists) and [`insert`](Self::insert) bind text and blobs with
/// `SQLITE_STATIC` (no copy): the parameters are borrowed for the whole call and every step
/// happens inside it. Nothing reads those bindings after the call: the next run binds every
/// parameter again, or they are cleared first (named parameters, a run by hand,
/// [`expanded_sql`](Self::expanded_sql), which shows them as `NULL`). [`query`](Self::query) and
/// [`query_map`](Self::query_map) bind with `SQLITE_TRANSIENT` (SQLite copies), because their
/// steps run after the call has returned and the parameters may be gone.
///
/// ```
/// use lite3::Connection;
///
/// let conn = Connection::open_in_memory()?;
/// conn.execute("CREATE TABLE t(x INTEGER)", ())?;
/// let mut insert = conn.prepare("INSERT INTO t VALUES (?1)")?;
/// for x in 1..=3 {
///     insert.execute((x,))?;
/// }
/// let mut sum = conn.prepare("SELECT sum(x) FROM t")?;
/// assert_eq!(sum.query_row((), |row| row.get::<_, i64>(0))?, 6);
/// # Ok::<(), lite3::Error>(())
/// ```
///
/// A statement cannot outlive its connection:
///
/// ```compile_fail,E0597
/// let stmt = {
///     let conn = lite3::Connection::open_in_memory().unwrap();
///     conn.prepare("SELECT 1").unwrap()
/// }; // error: `conn` does not live long enough
/// ```
///
/// nor move to another thread:
///
/// ```compile_fail,E0277
/// let conn = lite3::Connection::open_in_memory().unwrap();
/// let stmt = conn.prepare("SELECT 1").unwrap();
/// std::thread::scope(|s| {
///     s.spawn(move || drop(stmt)); // error: `*mut sqlite3_stmt` cannot be sent between threads
/// });
/// ```
pub struct Statement<'c> {
    pub(crate) conn: &'c Connection,
    pub(crate) raw: RawStatement,
    /// Fixed by the SQL text, so asked of SQLite once, not on every run.
    parameter_count: usize,
}

/// Resets the statement when dropped (also while unwinding). Bindings that borrowed the run's
/// parameters stay: the statement records them, and clears them before anything could read
/// them after the parameters are gone (see `RawStatement::forget_borrowed`).
struct ResetGuard<'a> {
    raw: &'a RawStatement,
}

impl Drop for ResetGuard<'_> {
    #[inline]
    fn drop(&mut self) {
        self.raw.reset();
    }
}

/// The end of a query that failed while its row was being read: reset, then report.
#[cold]
#[inline(never)]
fn reset_after_error(guard: ResetGuard<'_>, error: Error) -> Error {
    drop(guard);
    error
}

impl<'c> Statement<'c> {
    pub(crate) fn into_parts(self) -> (&'c Connection, RawStatement) {
        (self.conn, self.raw)
    }

    pub(crate) fn new(conn: &'c Connection, raw: RawStatement) -> Self {
        let parameter_count = raw.parameter_count();
        Self {
            conn,
            raw,
            parameter_count,
        }
    }

    /// Runs the statement to completion and returns the number of rows it inserted, updated or
    /// deleted (0 for other statements).
    ///
    /// ```
    /// use lite3::Connection;
    ///
    /// let conn = Connection::open_in_memory()?;
    /// conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3);")?;
    /// let mut stmt = conn.prepare("DELETE FROM t WHERE x > ?1")?;
    /// assert_eq!(stmt.execute((1,))?, 2);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// Parameter errors; [`Error::ExecuteReturnedRows`] for a statement that returns rows (it is
    /// not run); any SQLite failure while running.
    #[inline]
    pub fn execute<P: Params>(&mut self, params: P) -> Result<usize> {
        if self.raw.returns_rows() {
            return Err(Error::ExecuteReturnedRows);
        }
        // `params` outlives the guard (arguments drop after locals), so the buffers SQLite
        // points into stay valid until the statement is reset.
        let _guard = self.bind_borrowed(&params)?;
        match self.raw.start_to_row(self.conn.raw())? {
            // A statement without result columns returns no row; SQLite can still say ROW for
            // one that gained columns in a re-prepare. Either is the end of the run here.
            Ok(()) => Ok(self.changes_made()),
            Err(rc) => self.execute_finished(rc),
        }
    }

    /// The rows the run that just finished changed (0 for statements other than INSERT,
    /// UPDATE and DELETE).
    #[inline]
    pub(crate) fn changes_made(&self) -> usize {
        self.raw.changes(self.conn.raw()) as usize
    }

    /// The end of an `execute` whose step returned `rc`, not a row: done (with what it changed)
    /// or failed.
    #[inline]
    fn execute_finished(&self, rc: std::ffi::c_int) -> Result<usize> {
        self.raw.step_finished(self.conn.raw(), rc)?;
        Ok(self.changes_made())
    }

    /// Runs an INSERT and returns the new row's rowid.
    ///
    /// ```
    /// use lite3::Connection;
    ///
    /// let conn = Connection::open_in_memory()?;
    /// conn.execute("CREATE TABLE t(x)", ())?;
    /// let mut stmt = conn.prepare("INSERT INTO t VALUES (?1)")?;
    /// assert_eq!(stmt.insert(("a",))?, 1);
    /// assert_eq!(stmt.insert(("b",))?, 2);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`execute`](Self::execute).
    #[inline]
    pub fn insert<P: Params>(&mut self, params: P) -> Result<i64> {
        self.execute(params)?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Runs a query; iterate the rows with [`Rows::next`].
    ///
    /// ```
    /// use lite3::Connection;
    ///
    /// let conn = Connection::open_in_memory()?;
    /// let mut stmt = conn.prepare("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ?1) SELECT x FROM n")?;
    /// let mut rows = stmt.query((3,))?;
    /// let mut seen = Vec::new();
    /// while let Some(row) = rows.next()? {
    ///     seen.push(row.get::<_, i64>(0)?);
    /// }
    /// assert_eq!(seen, [1, 2, 3]);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// Parameter errors (SQLite failures show up in [`Rows::next`]).
    #[inline]
    pub fn query<P: Params>(&mut self, params: P) -> Result<Rows<'_>> {
        // Through the door once for the run: the rows' steps follow without a check.
        self.conn.raw().enter()?;
        // No reset needed first: every call and every Rows resets the statement when it ends.
        let mut binder = Binder::new(self, Lifetime::Transient, P::__BINDS_ALL);
        params.__bind(&mut binder)?;
        // Every value is SQLite's own copy now.
        self.raw.set_borrowed(false);
        Ok(Rows::new(self))
    }

    /// Runs a query and maps each row with `f`, as an iterator.
    ///
    /// ```
    /// use lite3::Connection;
    ///
    /// let conn = Connection::open_in_memory()?;
    /// let mut stmt = conn.prepare("SELECT x * 10 FROM (SELECT 1 AS x UNION ALL SELECT 2 UNION ALL SELECT 3)")?;
    /// let tens: Vec<i64> = stmt.query_map((), |row| row.get(0))?.collect::<Result<_, _>>()?;
    /// assert_eq!(tens, [10, 20, 30]);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// Parameter errors; each item carries the errors of its row.
    pub fn query_map<T, P, F>(&mut self, params: P, f: F) -> Result<MappedRows<'_, F>>
    where
        P: Params,
        F: FnMut(&Row<'_>) -> Result<T>,
    {
        Ok(MappedRows::new(self.query(params)?, f))
    }

    /// Runs a query and returns `f` applied to its first row.
    ///
    /// ```
    /// use lite3::Connection;
    ///
    /// let conn = Connection::open_in_memory()?;
    /// let mut stmt = conn.prepare("SELECT ?1 * 2")?;
    /// assert_eq!(stmt.query_row((21,), |row| row.get::<_, i64>(0))?, 42);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::QueryReturnedNoRows`] without a row; parameter, SQLite and conversion errors.
    #[inline]
    pub fn query_row<T, P, F>(&mut self, params: P, f: F) -> Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        let guard = self.bind_borrowed(&params)?;
        if let Err(rc) = self.raw.start_to_row(self.conn.raw())? {
            return Err(self.no_row(rc));
        }
        match f(&Row::new(self)) {
            Ok(value) => {
                drop(guard);
                Ok(value)
            }
            // Its own cold call, so that the optimiser keeps the two paths apart and the row's
            // value stays in registers rather than in a Result merged in memory.
            Err(error) => Err(reset_after_error(guard, error)),
        }
    }

    /// The first step of a single-row query returned `rc`, not a row: no row at all, or the
    /// step's error. Out of line, so that the row's path keeps its values in registers.
    #[cold]
    #[inline(never)]
    fn no_row(&self, rc: std::ffi::c_int) -> Error {
        match self.raw.step_finished(self.conn.raw(), rc) {
            Ok(_) => Error::QueryReturnedNoRows,
            Err(error) => error,
        }
    }

    /// Whether the query returns at least one row.
    ///
    /// ```
    /// use lite3::Connection;
    ///
    /// let conn = Connection::open_in_memory()?;
    /// let mut stmt = conn.prepare("SELECT 1 WHERE ?1 > 0")?;
    /// assert!(stmt.exists((1,))?);
    /// assert!(!stmt.exists((0,))?);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// Parameter and SQLite errors.
    #[inline]
    pub fn exists<P: Params>(&mut self, params: P) -> Result<bool> {
        let _guard = self.bind_borrowed(&params)?;
        self.raw.start(self.conn.raw())
    }

    /// Binds `params` without copying, for steps that all happen before the guard drops; the
    /// caller keeps `params` alive until then.
    // Always inlined: for a constant parameter tuple it folds to the binds themselves.
    #[inline(always)]
    fn bind_borrowed<P: Params>(&self, params: &P) -> Result<ResetGuard<'_>> {
        let mut binder = Binder::new(self, Lifetime::Static, P::__BINDS_ALL);
        match params.__bind(&mut binder) {
            Ok(()) => {
                self.raw.set_borrowed(binder.borrowed());
                Ok(ResetGuard { raw: &self.raw })
            }
            Err(error) => Err(self.binding_failed(error)),
        }
    }

    /// A parameter could not be bound: what was bound goes (some of it may point into the
    /// caller's parameters, which are about to go), and the error is returned.
    #[cold]
    #[inline(never)]
    fn binding_failed(&self, error: Error) -> Error {
        self.raw.clear_bindings();
        error
    }

    /// Number of parameters (the largest index, counting `?NNN`).
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// assert_eq!(conn.prepare("SELECT ?1, ?5")?.parameter_count(), 5);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[must_use]
    pub fn parameter_count(&self) -> usize {
        self.parameter_count
    }

    /// 1-based index of the parameter `name` (with its prefix: `":id"`), if the SQL has it.
    ///
    /// ```
    /// use lite3::Connection;
    ///
    /// let conn = Connection::open_in_memory()?;
    /// let stmt = conn.prepare("SELECT :a, @b")?;
    /// assert_eq!(stmt.parameter_index("@b")?, Some(2));
    /// assert_eq!(stmt.parameter_index(":nope")?, None);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Nul`] if `name` contains a NUL byte.
    pub fn parameter_index(&self, name: &str) -> Result<Option<usize>> {
        self.raw.parameter_index(name)
    }

    /// Name of the 1-based parameter `index`, prefix included (`None` for a bare `?`).
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// let stmt = conn.prepare("SELECT :id, ?")?;
    /// assert_eq!(stmt.parameter_name(1), Some(":id"));
    /// assert_eq!(stmt.parameter_name(2), None);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[must_use]
    pub fn parameter_name(&self, index: usize) -> Option<&str> {
        self.raw.parameter_name(self.conn.raw(), index)
    }

    /// Number of result columns (0 for statements that return no rows).
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// assert_eq!(conn.prepare("SELECT 1, 2")?.column_count(), 2);
    /// assert_eq!(conn.prepare("CREATE TABLE t(x)")?.column_count(), 0);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[must_use]
    pub fn column_count(&self) -> usize {
        self.raw.column_count()
    }

    /// Names of the result columns.
    ///
    /// Names are UTF-8 in SQLite's API, but a database file can hold any bytes; one rule holds
    /// for every name lite3 returns (column names, declared types, parameter names, and the
    /// names in error messages): a name that is not valid UTF-8 comes back lossy, with U+FFFD
    /// for each invalid sequence, never as an error, a panic or an empty string.
    ///
    /// ```
    /// use lite3::Connection;
    ///
    /// let conn = Connection::open_in_memory()?;
    /// let stmt = conn.prepare("SELECT 1 AS one, 2 AS two")?;
    /// assert_eq!(stmt.column_names(), ["one", "two"]);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[must_use]
    pub fn column_names(&self) -> Vec<&str> {
        (0..self.column_count())
            .map(|i| self.raw.column_name(self.conn.raw(), i).unwrap_or(""))
            .collect()
    }

    /// Name of result column `i`.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// let stmt = conn.prepare("SELECT 1 AS one")?;
    /// assert_eq!(stmt.column_name(0)?, "one");
    /// assert!(stmt.column_name(1).is_err());
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidColumn`] when `i` is out of range; an out-of-memory [`Error::Sqlite`] when
    /// SQLite cannot allocate the name. A name that is not valid UTF-8 is no error: it comes
    /// back lossy (see [`column_names`](Self::column_names)).
    pub fn column_name(&self, i: usize) -> Result<&str> {
        if i >= self.column_count() {
            return Err(Error::InvalidColumn(i.to_string()));
        }
        self.raw
            .column_name(self.conn.raw(), i)
            .ok_or_else(|| crate::raw::error::from_code(crate::ffi::SQLITE_NOMEM).into())
    }

    /// Index of the result column called `name` (ASCII case-insensitive, as SQL names are).
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// let stmt = conn.prepare("SELECT 1 AS a, 2 AS b")?;
    /// assert_eq!(stmt.column_index("B")?, 1);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidColumn`] when there is no such column.
    pub fn column_index(&self, name: &str) -> Result<usize> {
        (0..self.column_count())
            .find(|&i| {
                self.raw
                    .column_name(self.conn.raw(), i)
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
            })
            .ok_or_else(|| Error::InvalidColumn(format!("{name:?}")))
    }

    /// Declared type of result column `i` (`None` for expressions and out-of-range `i`).
    ///
    /// ```
    /// use lite3::Connection;
    ///
    /// let conn = Connection::open_in_memory()?;
    /// conn.execute("CREATE TABLE t(id INTEGER, name TEXT)", ())?;
    /// let stmt = conn.prepare("SELECT id, name, 1 FROM t")?;
    /// assert_eq!(stmt.column_decltype(1), Some("TEXT"));
    /// assert_eq!(stmt.column_decltype(2), None);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[must_use]
    pub fn column_decltype(&self, i: usize) -> Option<&str> {
        if i >= self.column_count() {
            return None;
        }
        self.raw.column_decltype(self.conn.raw(), i)
    }

    /// The SQL this statement was prepared from.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// assert_eq!(conn.prepare("SELECT ?1")?.sql(), "SELECT ?1");
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[must_use]
    pub fn sql(&self) -> &str {
        self.raw.sql()
    }

    /// The SQL with the currently bound values in place of its parameters.
    ///
    /// ```
    /// use lite3::Connection;
    ///
    /// let conn = Connection::open_in_memory()?;
    /// let mut stmt = conn.prepare("SELECT ?1, ?2")?;
    /// let rows = stmt.query((1, "it's"))?;
    /// drop(rows);
    /// assert_eq!(stmt.expanded_sql().as_deref(), Some("SELECT 1, 'it''s'"));
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[must_use]
    pub fn expanded_sql(&self) -> Option<String> {
        self.raw.expanded_sql()
    }

    /// Whether the statement makes no direct changes to the database.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// conn.execute("CREATE TABLE t(x)", ())?;
    /// assert!(conn.prepare("SELECT * FROM t")?.readonly());
    /// assert!(!conn.prepare("DELETE FROM t")?.readonly());
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[must_use]
    pub fn readonly(&self) -> bool {
        self.raw.readonly()
    }
}

impl std::fmt::Debug for Statement<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Statement")
            .field("sql", &self.sql())
            .finish()
    }
}
