//! [`Rows`], [`Row`] and [`MappedRows`]: reading query results without copying.

use crate::raw::ReadFailure;
use crate::statement::Statement;
use crate::types::{FromSqlRef, ValueRef, conversion_error};
use crate::{Error, Result};

/// The rows of a running query. [`next`](Self::next) lends each row in turn: no allocation per
/// row, and borrowed `&str`/`&[u8]` values point straight into SQLite's buffers. Dropping
/// `Rows` resets the statement, so an unfinished query does not keep a read transaction open.
///
/// A borrowed value cannot outlive its row:
///
/// ```compile_fail,E0499
/// let conn = lite3::Connection::open_in_memory().unwrap();
/// let mut stmt = conn.prepare("SELECT 'a' UNION ALL SELECT 'b'").unwrap();
/// let mut rows = stmt.query(()).unwrap();
/// let first: &str = rows.next().unwrap().unwrap().get(0).unwrap();
/// let _second = rows.next(); // error: `rows` is still borrowed by `first`
/// println!("{first}");
/// ```
pub struct Rows<'s> {
    row: Row<'s>,
    done: bool,
}

impl<'s> Rows<'s> {
    #[inline]
    pub(crate) fn new(stmt: &'s Statement<'s>) -> Self {
        Self {
            row: Row::new(stmt),
            done: false,
        }
    }

    /// The next row, or `None` when the query is done.
    ///
    /// ```
    /// use lite3::Connection;
    ///
    /// let conn = Connection::open_in_memory()?;
    /// let mut stmt = conn.prepare("SELECT 'x'")?;
    /// let mut rows = stmt.query(())?;
    /// assert_eq!(rows.next()?.unwrap().get::<_, &str>(0)?, "x");
    /// assert!(rows.next()?.is_none());
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// Any SQLite failure while stepping (e.g. an interrupt); the query is then over.
    #[allow(
        clippy::should_implement_trait,
        reason = "a lending iterator cannot implement Iterator"
    )]
    #[inline(always)]
    pub fn next(&mut self) -> Result<Option<&Row<'s>>> {
        if self.done {
            return Ok(None);
        }
        let stmt = self.row.stmt;
        match stmt.raw.step(stmt.conn.raw()) {
            Ok(true) => Ok(Some(&self.row)),
            Ok(false) => {
                self.done = true;
                stmt.raw.reset();
                Ok(None)
            }
            Err(error) => {
                self.done = true;
                Err(error)
            }
        }
    }
}

impl Drop for Rows<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.row.stmt.raw.reset();
        }
    }
}

impl std::fmt::Debug for Rows<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rows")
            .field("sql", &self.row.stmt.sql())
            .field("done", &self.done)
            .finish()
    }
}

/// One row of a result.
///
/// ```
/// use lite3::Connection;
///
/// let conn = Connection::open_in_memory()?;
/// let (n, s): (i64, String) = conn.query_row("SELECT 1 AS n, 'one' AS s", (), |row| {
///     Ok((row.get("n")?, row.get(1)?))
/// })?;
/// assert_eq!((n, s.as_str()), (1, "one"));
/// # Ok::<(), lite3::Error>(())
/// ```
pub struct Row<'s> {
    stmt: &'s Statement<'s>,
}

impl<'s> Row<'s> {
    /// The current row of `stmt`, which has just returned one.
    #[inline]
    pub(crate) fn new(stmt: &'s Statement<'s>) -> Self {
        Self { stmt }
    }

    /// Column `index` (a `usize` or a column name) converted to `T`. Borrowed types (`&str`,
    /// `&[u8]`, [`ValueRef`]) point into the row without copying.
    ///
    /// ```
    /// use lite3::Connection;
    ///
    /// let conn = Connection::open_in_memory()?;
    /// conn.query_row("SELECT NULL, 300", (), |row| {
    ///     assert_eq!(row.get::<_, Option<i64>>(0)?, None);
    ///     assert!(row.get::<_, i64>(0).is_err()); // NULL is not an i64
    ///     assert!(row.get::<_, u8>(1).is_err()); // 300 does not fit a u8
    ///     Ok(())
    /// })?;
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidColumn`], or a conversion error naming the column: [`Error::InvalidType`],
    /// [`Error::IntegerOutOfRange`], [`Error::Utf8`]; an out-of-memory [`Error::Sqlite`] when
    /// SQLite cannot allocate a TEXT or BLOB value's buffer.
    // Always inlined: the call, its frame and a 64-byte Result written through memory cost
    // more than the few instructions of the happy path, which then folds into the caller.
    #[inline(always)]
    pub fn get<'r, I: RowIndex, T: FromSqlRef<'r>>(&'r self, index: I) -> Result<T> {
        let i = index.index(self.stmt)?;
        if let Some(expected) = T::EXPECTED {
            // The value has the class `T` reads: convert it here. Anything else (NULL, another
            // class, no such column) goes to a call of its own, so the two paths never meet in
            // one `ValueRef` held in memory; they meet only in the `Result<T>`.
            return match self.stmt.raw.column_of_class(i, expected) {
                Some(value) => self.convert(value, i),
                None => self.get_other_class(i),
            };
        }
        match self.stmt.raw.column(i, None) {
            Ok(value) => self.convert(value, i),
            Err(failure) => Err(*read_failure(failure, i)),
        }
    }

    /// `T::from_sql_ref(value)`, with a failure reported as the conversion error of column `i`.
    #[inline(always)]
    fn convert<'r, T: FromSqlRef<'r>>(&'r self, value: ValueRef<'r>, i: usize) -> Result<T> {
        match T::from_sql_ref(value) {
            Ok(converted) => Ok(converted),
            Err(error) => Err(*self.conversion_error::<T>(error, value, i)),
        }
    }

    /// [`get`](Self::get) of a column whose value is not of the class `T` expects (or that
    /// does not exist): read again without expectation, and converted or refused by `T`.
    #[cold]
    #[inline(never)]
    fn get_other_class<'r, T: FromSqlRef<'r>>(&'r self, i: usize) -> Result<T> {
        match self.stmt.raw.column(i, None) {
            Ok(value) => self.convert(value, i),
            Err(failure) => Err(*read_failure(failure, i)),
        }
    }

    /// Column `index` as SQLite holds it.
    ///
    /// ```
    /// use lite3::ValueRef;
    /// let conn = lite3::Connection::open_in_memory()?;
    /// conn.query_row("SELECT x'01'", (), |row| {
    ///     assert_eq!(row.get_ref(0)?, ValueRef::Blob(&[1]));
    ///     Ok(())
    /// })?;
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidColumn`] when there is no such column; an out-of-memory
    /// [`Error::Sqlite`] as for [`get`](Self::get).
    #[inline]
    pub fn get_ref<I: RowIndex>(&self, index: I) -> Result<ValueRef<'_>> {
        let i = index.index(self.stmt)?;
        self.stmt
            .raw
            .column(i, None)
            .map_err(|failure| *read_failure(failure, i))
    }

    /// [`get`](Self::get), panicking on an error (rusqlite's `get_unwrap`).
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// let n: i64 = conn.query_row("SELECT 7", (), |row| Ok(row.get_unwrap(0)))?;
    /// assert_eq!(n, 7);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Panics
    /// When `get` fails: no such column, or a value that does not convert.
    #[track_caller]
    pub fn get_unwrap<'r, I: RowIndex, T: FromSqlRef<'r>>(&'r self, index: I) -> T {
        self.get(index)
            .unwrap_or_else(|e| panic!("Row::get_unwrap: {e}"))
    }

    /// [`get_ref`](Self::get_ref), panicking on an error (rusqlite's `get_ref_unwrap`).
    ///
    /// # Panics
    /// When there is no such column.
    #[track_caller]
    pub fn get_ref_unwrap<I: RowIndex>(&self, index: I) -> ValueRef<'_> {
        self.get_ref(index)
            .unwrap_or_else(|e| panic!("Row::get_ref_unwrap: {e}"))
    }

    /// Number of columns.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// assert_eq!(conn.query_row("SELECT 1, 2, 3", (), |row| Ok(row.column_count()))?, 3);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[must_use]
    pub fn column_count(&self) -> usize {
        self.stmt.raw.column_count()
    }

    /// The statement this row comes from.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// let name = conn.query_row("SELECT 1 AS n", (), |row| Ok(row.as_statement().column_name(0)?.to_owned()))?;
    /// assert_eq!(name, "n");
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[must_use]
    pub fn as_statement(&self) -> &Statement<'s> {
        self.stmt
    }

    /// The error for a value `T` cannot be read from. Like [`read_failure`] it returns a `Box`:
    /// an `Error` written straight into the caller's `Result` would make the optimiser treat
    /// that `Result` as possibly `Ok` and keep the success path's value in memory; one moved out
    /// of a box is a plain load it can see through. Only failing reads pay for the box.
    #[cold]
    #[inline(never)]
    fn conversion_error<'r, T: FromSqlRef<'r>>(
        &self,
        error: crate::types::FromSqlError,
        value: ValueRef<'_>,
        i: usize,
    ) -> Box<Error> {
        let name = self.stmt.column_name(i).unwrap_or_default().to_owned();
        Box::new(conversion_error::<T>(error, value, i, name))
    }
}

impl std::fmt::Debug for Row<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut list = f.debug_map();
        for i in 0..self.column_count() {
            let name = self.stmt.column_name(i).unwrap_or_default();
            match self.stmt.raw.column(i, None) {
                Ok(value) => list.entry(&name, &value),
                Err(failure) => list.entry(&name, &failure),
            };
        }
        list.finish()
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for usize {}
    impl Sealed for &str {}
}

/// A column index: a `usize` position or a `&str` name.
///
/// ```
/// let conn = lite3::Connection::open_in_memory()?;
/// conn.query_row("SELECT 7 AS seven", (), |row| {
///     assert_eq!(row.get::<_, i64>(0)?, row.get::<_, i64>("seven")?);
///     Ok(())
/// })?;
/// # Ok::<(), lite3::Error>(())
/// ```
pub trait RowIndex: sealed::Sealed {
    /// The position this index names in `stmt`'s result. A name is looked up; a position is
    /// returned as it is, and checked against the column count when the column is read.
    ///
    /// # Errors
    /// [`Error::InvalidColumn`] when the result has no column of that name.
    fn index(&self, stmt: &Statement<'_>) -> Result<usize>;
}

impl RowIndex for usize {
    #[inline(always)]
    fn index(&self, _: &Statement<'_>) -> Result<usize> {
        Ok(*self)
    }
}

impl RowIndex for &str {
    fn index(&self, stmt: &Statement<'_>) -> Result<usize> {
        stmt.column_index(self)
    }
}

/// Reading column `index` failed before any conversion (boxed: see `Row::conversion_error`).
#[cold]
#[inline(never)]
fn read_failure(failure: ReadFailure, index: usize) -> Box<Error> {
    Box::new(failure.into_error(&index.to_string()))
}

/// Rows mapped through a closure, as an [`Iterator`]; from
/// [`Statement::query_map`](crate::Statement::query_map).
///
/// ```
/// let conn = lite3::Connection::open_in_memory()?;
/// let mut stmt = conn.prepare("SELECT 1 UNION ALL SELECT 2")?;
/// let total: i64 = stmt.query_map((), |row| row.get::<_, i64>(0))?.sum::<lite3::Result<i64>>()?;
/// assert_eq!(total, 3);
/// # Ok::<(), lite3::Error>(())
/// ```
pub struct MappedRows<'s, F> {
    rows: Rows<'s>,
    map: F,
}

impl<'s, F> MappedRows<'s, F> {
    pub(crate) fn new(rows: Rows<'s>, map: F) -> Self {
        Self { rows, map }
    }
}

impl<T, F> Iterator for MappedRows<'_, F>
where
    F: FnMut(&Row<'_>) -> Result<T>,
{
    type Item = Result<T>;

    fn next(&mut self) -> Option<Self::Item> {
        let map = &mut self.map;
        self.rows.next().transpose().map(|row| row.and_then(map))
    }
}

impl<F> std::fmt::Debug for MappedRows<'_, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MappedRows")
            .field("rows", &self.rows)
            .finish()
    }
}
