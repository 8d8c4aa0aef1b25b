//! Naming the databases, tables and columns of a connection's schema the way rusqlite does:
//! the [`Name`] trait (`&str` or `&CStr`), [`MAIN_DB`]/[`TEMP_DB`], `Connection::db_name`,
//! `table_exists`, `column_exists`, `column_metadata` and `is_readonly`.

use crate::sql_text::c_string;
use crate::{Connection, Error, Result};
use std::borrow::Cow;
use std::ffi::{CStr, CString};

/// The main database's schema name.
pub const MAIN_DB: &CStr = c"main";
/// The temporary database's schema name.
pub const TEMP_DB: &CStr = c"temp";
/// "Any database": the `None` to pass where a database name is optional.
pub const DEFAULT_NAME: Option<&'static str> = None;

/// A database, table or column name: `&str` (checked for NUL bytes) or `&CStr`.
///
/// ```
/// use lite3::{Connection, MAIN_DB};
/// let conn = Connection::open_in_memory()?;
/// conn.execute_batch("CREATE TABLE t(x)")?;
/// assert!(conn.table_exists(None, "t")?);
/// assert!(conn.table_exists(Some(MAIN_DB), c"t")?);
/// assert!(conn.table_exists(None, "t\0x").is_err()); // a NUL would cut the name short
/// # Ok::<(), lite3::Error>(())
/// ```
pub trait Name: std::fmt::Debug + Copy {
    /// The name as SQLite takes it.
    ///
    /// # Errors
    /// [`Error::Nul`] for a `&str` holding a NUL byte.
    fn as_cstr(&self) -> Result<Cow<'_, CStr>>;
}

impl Name for &str {
    fn as_cstr(&self) -> Result<Cow<'_, CStr>> {
        c_string(*self, "name").map(Cow::Owned)
    }
}

impl Name for &CStr {
    fn as_cstr(&self) -> Result<Cow<'_, CStr>> {
        Ok(Cow::Borrowed(self))
    }
}

impl Connection {
    /// The schema name of attached database `index`: 0 is `main`, 1 `temp`, then the `ATTACH`
    /// names in order.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// conn.execute_batch("ATTACH ':memory:' AS aux")?;
    /// assert_eq!(conn.db_name(0)?, "main");
    /// assert_eq!(conn.db_name(2)?, "aux");
    /// assert!(matches!(conn.db_name(3), Err(lite3::Error::InvalidDatabaseIndex(3))));
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidDatabaseIndex`] past the last database; [`Error::Utf8`] for a name that
    /// is not UTF-8.
    pub fn db_name(&self, index: usize) -> Result<String> {
        let name = self
            .raw()
            .db_name(index)
            .ok_or(Error::InvalidDatabaseIndex(index))?;
        String::from_utf8(name).map_err(|e| Error::Utf8 {
            column: index,
            name: "database name".to_owned(),
            source: e.utf8_error(),
        })
    }

    /// What the schema declares for `table_name`.`column_name` in database `db_name` (`None`:
    /// the first attached database that has the table): the declared type, the collation,
    /// and whether the column is `NOT NULL`, part of the primary key, and `AUTOINCREMENT`.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// conn.execute_batch("CREATE TABLE t(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL COLLATE NOCASE)")?;
    /// let (decl_type, collation, not_null, primary_key, autoincrement) =
    ///     conn.column_metadata(None, "t", "name")?;
    /// assert_eq!(decl_type.as_deref(), Some(c"TEXT"));
    /// assert_eq!(collation.as_deref(), Some(c"NOCASE"));
    /// assert_eq!((not_null, primary_key, autoincrement), (true, false, false));
    /// assert!(conn.column_metadata(None, "t", "id")?.4);
    /// assert!(conn.column_metadata(None, "t", "nope").is_err());
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// SQLite's error (`no such table column: t.nope`); [`Error::Nul`] in a name.
    #[allow(
        clippy::type_complexity,
        reason = "rusqlite's signature, kept for the switch"
    )]
    pub fn column_metadata<N: Name>(
        &self,
        db_name: Option<N>,
        table_name: N,
        column_name: N,
    ) -> Result<(Option<CString>, Option<CString>, bool, bool, bool)> {
        let db_name = db_name.as_ref().map(Name::as_cstr).transpose()?;
        let metadata = self.raw().table_column_metadata(
            db_name.as_deref(),
            &table_name.as_cstr()?,
            Some(&column_name.as_cstr()?),
        )?;
        Ok((
            metadata.data_type,
            metadata.collation,
            metadata.not_null,
            metadata.primary_key,
            metadata.autoincrement,
        ))
    }

    /// Whether `table_name` exists in database `db_name` (`None`: any attached database).
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// conn.execute("CREATE TABLE t(x)", ())?;
    /// assert!(conn.table_exists(None, "t")?);
    /// assert!(!conn.table_exists(Some("main"), "nope")?);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Nul`] in a name; SQLite's error (e.g. the schema cannot be read).
    pub fn table_exists<N: Name>(&self, db_name: Option<N>, table_name: N) -> Result<bool> {
        self.exists(db_name, table_name, None)
    }

    /// Whether `table_name` has a column `column_name` in database `db_name` (`None`: any).
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// conn.execute("CREATE TABLE t(x)", ())?;
    /// assert!(conn.column_exists(None, "t", "x")?);
    /// assert!(!conn.column_exists(None, "t", "y")?);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`table_exists`](Self::table_exists).
    pub fn column_exists<N: Name>(
        &self,
        db_name: Option<N>,
        table_name: N,
        column_name: N,
    ) -> Result<bool> {
        self.exists(db_name, table_name, Some(column_name))
    }

    fn exists<N: Name>(&self, db_name: Option<N>, table: N, column: Option<N>) -> Result<bool> {
        let db_name = db_name.as_ref().map(Name::as_cstr).transpose()?;
        let column = column.as_ref().map(Name::as_cstr).transpose()?;
        self.raw()
            .table_column_exists(db_name.as_deref(), &table.as_cstr()?, column.as_deref())
    }

    /// Whether the attached database `db_name` (`"main"`, `"temp"`, …) is read-only.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// assert_eq!(conn.is_readonly("main")?, false);
    /// assert_eq!(conn.is_readonly(lite3::MAIN_DB)?, false);
    /// assert!(conn.is_readonly("nope").is_err());
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidSchema`] when no such database is attached; [`Error::Nul`].
    pub fn is_readonly<N: Name>(&self, db_name: N) -> Result<bool> {
        let name = db_name.as_cstr()?;
        self.raw()
            .is_readonly(&name)
            .ok_or_else(|| Error::InvalidSchema(name.to_string_lossy().into_owned()))
    }
}
