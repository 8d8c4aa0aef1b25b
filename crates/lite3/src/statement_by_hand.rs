//! Running a statement by hand, in rusqlite's shapes: bind parameters one at a time
//! (`raw_bind_parameter`), run what is bound (`raw_execute`, `raw_query`), clear the bindings,
//! finalize, and describe the columns (`columns`) and the statement (`is_explain`).

use crate::binder::Binder;
use crate::raw::statement::Lifetime;
use crate::rows::Rows;
use crate::{Error, Result, Statement, ToSql};
use std::ffi::{CStr, CString};

mod sealed {
    pub trait Sealed {}
}

/// A parameter's position for [`Statement::raw_bind_parameter`]: its 1-based index, or its name
/// with the prefix (`":id"`).
pub trait BindIndex: sealed::Sealed {
    /// The 1-based index in `stmt`.
    ///
    /// # Errors
    /// [`Error::UnknownParameter`] for a name the statement does not have.
    fn idx(&self, stmt: &Statement<'_>) -> Result<usize>;
}

impl sealed::Sealed for usize {}
impl BindIndex for usize {
    fn idx(&self, _: &Statement<'_>) -> Result<usize> {
        Ok(*self)
    }
}

impl sealed::Sealed for &str {}
impl BindIndex for &str {
    fn idx(&self, stmt: &Statement<'_>) -> Result<usize> {
        stmt.parameter_index(self)?
            .ok_or_else(|| Error::UnknownParameter((*self).to_owned()))
    }
}

/// A result column: its name and, for a column read straight from a table, its declared type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column<'stmt> {
    name: &'stmt str,
    decl_type: Option<&'stmt str>,
}

impl<'stmt> Column<'stmt> {
    /// The column's name (`AS` alias or SQLite's own).
    #[must_use]
    pub fn name(&self) -> &'stmt str {
        self.name
    }

    /// The type the table declares for it (`None` for an expression).
    #[must_use]
    pub fn decl_type(&self) -> Option<&'stmt str> {
        self.decl_type
    }
}

/// Where a result column comes from, from
/// [`Statement::columns_with_metadata`]: `None` each for an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnMetadata<'stmt> {
    name: &'stmt str,
    database_name: Option<&'stmt str>,
    table_name: Option<&'stmt str>,
    origin_name: Option<&'stmt str>,
}

impl<'stmt> ColumnMetadata<'stmt> {
    /// The column's name in the result (`AS` alias or SQLite's own).
    #[must_use]
    pub fn name(&self) -> &'stmt str {
        self.name
    }

    /// The schema name of the database it comes from (`main`, `temp`, an `ATTACH` name).
    #[must_use]
    pub fn database_name(&self) -> Option<&'stmt str> {
        self.database_name
    }

    /// The table it comes from.
    #[must_use]
    pub fn table_name(&self) -> Option<&'stmt str> {
        self.table_name
    }

    /// The table's column it is (its name in the table, whatever the alias).
    #[must_use]
    pub fn origin_name(&self) -> Option<&'stmt str> {
        self.origin_name
    }
}

impl Statement<'_> {
    /// Binds one parameter, by 1-based index or by name, and keeps it bound (SQLite copies the
    /// value) for [`raw_execute`](Self::raw_execute) or [`raw_query`](Self::raw_query).
    ///
    /// ```
    /// use lite3::Connection;
    ///
    /// let conn = Connection::open_in_memory()?;
    /// conn.execute("CREATE TABLE t(a, b)", ())?;
    /// let mut stmt = conn.prepare("INSERT INTO t VALUES (?1, :b)")?;
    /// stmt.raw_bind_parameter(1, "x")?;
    /// stmt.raw_bind_parameter(":b", 2)?;
    /// assert_eq!(stmt.raw_execute()?, 1);
    /// assert!(stmt.raw_bind_parameter(3, 0).is_err());
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::ParameterIndex`] outside `1..=parameter_count()`, [`Error::UnknownParameter`],
    /// conversion and length errors.
    pub fn raw_bind_parameter<I: BindIndex, T: ToSql>(&mut self, index: I, value: T) -> Result<()> {
        let index = index.idx(self)?;
        let count = self.parameter_count();
        if index == 0 || index > count {
            return Err(Error::ParameterIndex { index, count });
        }
        Binder::new(self, Lifetime::Transient, false).bind(index, &value)
    }

    /// Unbinds every parameter (they read as NULL until bound again).
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// let mut stmt = conn.prepare("SELECT ?1")?;
    /// stmt.raw_bind_parameter(1, 5)?;
    /// stmt.clear_bindings();
    /// assert_eq!(stmt.raw_query()?.next()?.unwrap().get::<_, Option<i64>>(0)?, None);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    pub fn clear_bindings(&mut self) {
        self.raw.clear_bindings();
    }

    /// Runs the statement with the parameters bound by hand and returns the rows it changed;
    /// the bindings stay for the next run.
    ///
    /// # Errors
    /// [`Error::ExecuteReturnedRows`] for a statement that returns rows (not run); SQLite's
    /// failures.
    pub fn raw_execute(&mut self) -> Result<usize> {
        if self.raw.returns_rows() {
            return Err(Error::ExecuteReturnedRows);
        }
        // What this run did not bind by hand must not point into an earlier run's parameters.
        self.raw.forget_borrowed();
        let ran = self.raw.start(self.conn.raw());
        self.raw.reset();
        ran?;
        Ok(self.changes_made())
    }

    /// Runs the statement as a query with the parameters bound by hand.
    ///
    /// Unlike rusqlite's, which returns `Rows`, this returns a `Result`: the connection may
    /// refuse the run (see [`Error::Forked`]), and lite3 says so here rather than from the
    /// first `next` (which would cost every row of every query a check).
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// let mut stmt = conn.prepare("SELECT ?1 * 2")?;
    /// stmt.raw_bind_parameter(1, 21)?;
    /// assert_eq!(stmt.raw_query()?.next()?.unwrap().get::<_, i64>(0)?, 42);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// The connection's refusal ([`Error::Forked`], [`Error::SingleThreaded`],
    /// [`Error::TransactionRolledBack`]); SQLite's failures show up in [`Rows::next`].
    pub fn raw_query(&mut self) -> Result<Rows<'_>> {
        self.conn.raw().enter()?;
        // What this run did not bind by hand must not point into an earlier run's parameters.
        self.raw.forget_borrowed();
        Ok(Rows::new(self))
    }

    /// Finalizes the statement now (dropping it does the same). Failures were already reported
    /// by the run that met them, so this returns `Ok`; it exists for rusqlite's shape.
    ///
    /// # Errors
    /// None today.
    pub fn finalize(self) -> Result<()> {
        drop(self);
        Ok(())
    }

    /// The result columns with their declared types.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// conn.execute("CREATE TABLE t(id INTEGER, name TEXT)", ())?;
    /// let stmt = conn.prepare("SELECT id, name, 1 + 1 AS two FROM t")?;
    /// let types: Vec<_> = stmt.columns().map(|c| (c.name(), c.decl_type())).collect();
    /// assert_eq!(types, [("id", Some("INTEGER")), ("name", Some("TEXT")), ("two", None)]);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    pub fn columns(&self) -> impl DoubleEndedIterator<Item = Column<'_>> + ExactSizeIterator {
        (0..self.column_count()).map(|i| Column {
            name: self.column_name(i).unwrap_or(""),
            decl_type: self.column_decltype(i),
        })
    }

    /// Where each result column comes from: database, table and the table's column name
    /// (`None` for an expression).
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// conn.execute("CREATE TABLE t(id INTEGER)", ())?;
    /// let stmt = conn.prepare("SELECT id AS key, 42 FROM t")?;
    /// let origins: Vec<_> = stmt
    ///     .columns_with_metadata()
    ///     .map(|c| (c.name(), c.database_name(), c.table_name(), c.origin_name()))
    ///     .collect();
    /// assert_eq!(origins, [("key", Some("main"), Some("t"), Some("id")), ("42", None, None, None)]);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    pub fn columns_with_metadata(
        &self,
    ) -> impl DoubleEndedIterator<Item = ColumnMetadata<'_>> + ExactSizeIterator {
        let conn = self.conn.raw();
        (0..self.column_count()).map(move |i| {
            let [database_name, table_name, origin_name] = self
                .raw
                .column_origin(i)
                .map(|name| name.map(|n| conn.lossy_names().text(n.to_bytes())));
            ColumnMetadata {
                name: self.column_name(i).unwrap_or(""),
                database_name,
                table_name,
                origin_name,
            }
        })
    }

    /// Result column `col`'s origin and what the schema declares for it: database, table,
    /// column, declared type, collation, `NOT NULL`, part of the primary key, `AUTOINCREMENT`
    /// (rusqlite's tuple); `None` for an expression.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// conn.execute("CREATE TABLE t(id INTEGER PRIMARY KEY)", ())?;
    /// let stmt = conn.prepare("SELECT id, id + 1 FROM t")?;
    /// let (db, table, column, decl_type, _, _, primary_key, _) = stmt.column_metadata(0)?.unwrap();
    /// assert_eq!((db, table, column), (c"main", c"t", c"id"));
    /// assert_eq!((decl_type.as_deref(), primary_key), (Some(c"INTEGER"), true));
    /// assert!(stmt.column_metadata(1)?.is_none());
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`Connection::column_metadata`](crate::Connection::column_metadata).
    #[allow(
        clippy::type_complexity,
        reason = "rusqlite's signature, kept for the switch"
    )]
    pub fn column_metadata(
        &self,
        col: usize,
    ) -> Result<
        Option<(
            &CStr,
            &CStr,
            &CStr,
            Option<CString>,
            Option<CString>,
            bool,
            bool,
            bool,
        )>,
    > {
        let [Some(db), Some(table), Some(column)] = self.raw.column_origin(col) else {
            return Ok(None);
        };
        let (decl_type, collation, not_null, primary_key, autoincrement) =
            self.conn.column_metadata(Some(db), table, column)?;
        Ok(Some((
            db,
            table,
            column,
            decl_type,
            collation,
            not_null,
            primary_key,
            autoincrement,
        )))
    }

    /// 1 for an `EXPLAIN` statement, 2 for `EXPLAIN QUERY PLAN`, 0 otherwise.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// assert_eq!(conn.prepare("EXPLAIN QUERY PLAN SELECT 1")?.is_explain(), 2);
    /// assert_eq!(conn.prepare("SELECT 1")?.is_explain(), 0);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[must_use]
    pub fn is_explain(&self) -> i32 {
        self.raw.explain_mode()
    }
}
