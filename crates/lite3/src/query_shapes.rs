//! The query helpers rusqlite users reach for, in rusqlite's shapes: [`OptionalExtension`],
//! `query_one`, `query_row_and_then`, `query_and_then`, and [`Rows::mapped`] /
//! [`Rows::and_then`]. They are thin layers over `query` and `query_row`.

use crate::rows::{MappedRows, Row, Rows};
use crate::{Connection, Error, Params, Result, Statement};

/// `.optional()` on a query's result: "no row" becomes `Ok(None)` instead of
/// [`Error::QueryReturnedNoRows`].
///
/// ```
/// use lite3::{Connection, OptionalExtension};
///
/// let conn = Connection::open_in_memory()?;
/// let none: Option<i64> = conn.query_row("SELECT 1 WHERE 0", (), |r| r.get(0)).optional()?;
/// assert_eq!(none, None);
/// let some: Option<i64> = conn.query_row("SELECT 7", (), |r| r.get(0)).optional()?;
/// assert_eq!(some, Some(7));
/// # Ok::<(), lite3::Error>(())
/// ```
pub trait OptionalExtension<T> {
    /// `Ok(Some(value))`, `Ok(None)` for [`Error::QueryReturnedNoRows`], any other error as is.
    ///
    /// # Errors
    /// Every error but [`Error::QueryReturnedNoRows`].
    fn optional(self) -> Result<Option<T>>;
}

impl<T> OptionalExtension<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(value) => Ok(Some(value)),
            Err(Error::QueryReturnedNoRows) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

impl Connection {
    /// Runs a query that must return exactly one row and maps it with `f`.
    ///
    /// ```
    /// use lite3::{Connection, Error};
    ///
    /// let conn = Connection::open_in_memory()?;
    /// assert_eq!(conn.query_one("SELECT 42", (), |r| r.get::<_, i64>(0))?, 42);
    /// let two = conn.query_one("SELECT 1 UNION ALL SELECT 2", (), |r| r.get::<_, i64>(0));
    /// assert!(matches!(two, Err(Error::QueryReturnedMoreThanOneRow)));
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::QueryReturnedNoRows`], [`Error::QueryReturnedMoreThanOneRow`], and as
    /// [`query_row`](Self::query_row).
    pub fn query_one<T, P, F>(&self, sql: &str, params: P, f: F) -> Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        self.prepare_cached(sql)?.query_one(params, f)
    }

    /// [`query_row`](Self::query_row) with a mapping that returns the caller's own error type
    /// (which lite3's errors convert into).
    ///
    /// ```
    /// use lite3::Connection;
    ///
    /// #[derive(Debug)]
    /// enum AppError { Db(lite3::Error), Negative }
    /// impl From<lite3::Error> for AppError {
    ///     fn from(e: lite3::Error) -> Self { AppError::Db(e) }
    /// }
    ///
    /// let conn = Connection::open_in_memory()?;
    /// let checked = conn.query_row_and_then("SELECT -1", (), |r| {
    ///     let n: i64 = r.get(0)?;
    ///     if n < 0 { Err(AppError::Negative) } else { Ok(n) }
    /// });
    /// assert!(matches!(checked, Err(AppError::Negative)));
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// `f`'s errors, and lite3's (converted with `From`) as for `query_row`.
    pub fn query_row_and_then<T, E, P, F>(&self, sql: &str, params: P, f: F) -> Result<T, E>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T, E>,
        E: From<Error>,
    {
        let mut stmt = self.prepare_cached(sql)?;
        let mut rows = stmt.query(params)?;
        let row = rows.next()?.ok_or(Error::QueryReturnedNoRows)?;
        f(row)
    }
}

impl Statement<'_> {
    /// Runs a query that must return exactly one row and maps it with `f`.
    ///
    /// # Errors
    /// [`Error::QueryReturnedNoRows`], [`Error::QueryReturnedMoreThanOneRow`], parameter,
    /// SQLite and conversion errors.
    pub fn query_one<T, P, F>(&mut self, params: P, f: F) -> Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        let mut rows = self.query(params)?;
        let value = f(rows.next()?.ok_or(Error::QueryReturnedNoRows)?)?;
        match rows.next()? {
            None => Ok(value),
            Some(_) => Err(Error::QueryReturnedMoreThanOneRow),
        }
    }

    /// Runs a query and maps each row with `f`, which returns the caller's own error type.
    ///
    /// ```
    /// use lite3::Connection;
    ///
    /// let conn = Connection::open_in_memory()?;
    /// let mut stmt = conn.prepare("SELECT 1 UNION ALL SELECT 2")?;
    /// let doubled: Result<Vec<i64>, lite3::Error> =
    ///     stmt.query_and_then((), |r| Ok(r.get::<_, i64>(0)? * 2))?.collect();
    /// assert_eq!(doubled?, [2, 4]);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// Parameter errors; each item carries its row's errors.
    pub fn query_and_then<T, E, P, F>(&mut self, params: P, f: F) -> Result<AndThenRows<'_, F>>
    where
        P: Params,
        F: FnMut(&Row<'_>) -> Result<T, E>,
        E: From<Error>,
    {
        Ok(self.query(params)?.and_then(f))
    }
}

impl<'s> Rows<'s> {
    /// The remaining rows mapped with `f`, as an iterator of results.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// let mut stmt = conn.prepare("SELECT 'a' UNION ALL SELECT 'b'")?;
    /// let names: Vec<String> = stmt.query(())?.mapped(|r| r.get(0)).collect::<Result<_, _>>()?;
    /// assert_eq!(names, ["a", "b"]);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    pub fn mapped<T, F>(self, f: F) -> MappedRows<'s, F>
    where
        F: FnMut(&Row<'_>) -> Result<T>,
    {
        MappedRows::new(self, f)
    }

    /// The remaining rows mapped with `f`, which returns the caller's own error type.
    pub fn and_then<T, E, F>(self, f: F) -> AndThenRows<'s, F>
    where
        F: FnMut(&Row<'_>) -> Result<T, E>,
        E: From<Error>,
    {
        AndThenRows { rows: self, map: f }
    }
}

/// The iterator of [`Statement::query_and_then`] and [`Rows::and_then`].
pub struct AndThenRows<'s, F> {
    rows: Rows<'s>,
    map: F,
}

impl<T, E, F> Iterator for AndThenRows<'_, F>
where
    F: FnMut(&Row<'_>) -> Result<T, E>,
    E: From<Error>,
{
    type Item = Result<T, E>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.rows.next() {
            Ok(Some(row)) => Some((self.map)(row)),
            Ok(None) => None,
            Err(e) => Some(Err(e.into())),
        }
    }
}

impl<F> std::fmt::Debug for AndThenRows<'_, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AndThenRows")
            .field("rows", &self.rows)
            .finish()
    }
}
