//! What a connection can say about itself and its schema, and the memory calls: rusqlite's
//! `path`, `is_busy`, `table_exists`, `column_exists`, `cache_flush`, `release_memory`,
//! `open_in_memory_with_flags`.

use crate::sql_text::c_string;
use crate::{Connection, OpenFlags, Result};

impl Connection {
    /// Opens a new private in-memory database with explicit flags (`READ_WRITE | CREATE` at
    /// least; `SQLITE_OPEN_NOMUTEX` is always added).
    ///
    /// ```
    /// use lite3::{Connection, OpenFlags};
    ///
    /// let conn = Connection::open_in_memory_with_flags(OpenFlags::READ_WRITE | OpenFlags::CREATE)?;
    /// conn.execute("CREATE TABLE t(x)", ())?;
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`open`](Self::open).
    pub fn open_in_memory_with_flags(flags: OpenFlags) -> Result<Self> {
        Self::open_with_flags(":memory:", flags)
    }

    /// Opens `path` with explicit flags through the VFS named `vfs` (registered with SQLite,
    /// e.g. `"unix-dotfile"`).
    ///
    /// ```
    /// use lite3::{Connection, OpenFlags};
    ///
    /// let flags = OpenFlags::READ_WRITE | OpenFlags::CREATE;
    /// let conn = Connection::open_with_flags_and_vfs(":memory:", flags, "unix")?;
    /// conn.execute("CREATE TABLE t(x)", ())?;
    /// assert!(Connection::open_with_flags_and_vfs(":memory:", flags, "no-such-vfs").is_err());
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`open`](Self::open); [`Error::Nul`](crate::Error::Nul) in the VFS name; SQLite's
    /// error for a VFS it does not know.
    pub fn open_with_flags_and_vfs<P: AsRef<std::path::Path>>(
        path: P,
        flags: OpenFlags,
        vfs: &str,
    ) -> Result<Self> {
        let vfs = c_string(vfs, "VFS name")?;
        Self::open_with(path.as_ref(), flags, Some(&vfs))
    }

    /// The main database's file name, `Some("")` for an in-memory or temporary database (as in
    /// rusqlite), `None` if the name is not UTF-8.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// assert_eq!(conn.path(), Some(""));
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[must_use]
    pub fn path(&self) -> Option<&str> {
        self.raw().main_filename()
    }

    /// Whether a statement of this connection is part-way through its rows (a `Rows` not yet
    /// finished or dropped).
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// let mut stmt = conn.prepare("SELECT 1 UNION ALL SELECT 2")?;
    /// let mut rows = stmt.query(())?;
    /// rows.next()?;
    /// assert!(conn.is_busy());
    /// drop(rows);
    /// assert!(!conn.is_busy());
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[must_use]
    pub fn is_busy(&self) -> bool {
        self.raw().has_busy_statement()
    }

    /// Whether `table` exists in database `db_name` (`None`: any attached database).
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
    /// [`Error::Nul`](crate::Error::Nul) in a name; SQLite's error (e.g. the schema cannot be
    /// read).
    pub fn table_exists(&self, db_name: Option<&str>, table_name: &str) -> Result<bool> {
        self.column_exists_impl(db_name, table_name, None)
    }

    /// Whether `table` has a column `column` in database `db_name` (`None`: any).
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
    pub fn column_exists(
        &self,
        db_name: Option<&str>,
        table_name: &str,
        column_name: &str,
    ) -> Result<bool> {
        self.column_exists_impl(db_name, table_name, Some(column_name))
    }

    fn column_exists_impl(
        &self,
        db_name: Option<&str>,
        table: &str,
        column: Option<&str>,
    ) -> Result<bool> {
        let name = |text: &str| c_string(text, "name");
        let db_name = db_name.map(name).transpose()?;
        let table = name(table)?;
        let column = column.map(name).transpose()?;
        self.raw()
            .table_column_exists(db_name.as_deref(), &table, column.as_deref())
    }

    /// Writes the dirty pages of an open write transaction to the database file now, without
    /// committing (`sqlite3_db_cacheflush`).
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// conn.cache_flush()?;
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// SQLite's error (`Busy` when another connection's lock stops a page from being written).
    pub fn cache_flush(&self) -> Result<()> {
        self.raw().cache_flush()
    }

    /// Frees as much memory as the connection can spare (page cache of unused pages).
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// conn.release_memory()?;
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// SQLite's error.
    pub fn release_memory(&self) -> Result<()> {
        self.raw().release_memory()
    }
}
