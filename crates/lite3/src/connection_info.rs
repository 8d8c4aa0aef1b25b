//! What a connection can say about itself and its schema, and the memory calls: rusqlite's
//! `path`, `is_busy`, `cache_flush`, `release_memory`,
//! `open_in_memory_with_flags`.

use crate::{Connection, Name, OpenFlags, Result};

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
    pub fn open_with_flags_and_vfs<P: AsRef<std::path::Path>, V: Name>(
        path: P,
        flags: OpenFlags,
        vfs: V,
    ) -> Result<Self> {
        Self::open_with(path.as_ref(), flags, Some(&vfs.as_cstr()?))
    }

    /// A new private in-memory database with explicit flags through the VFS named `vfs`.
    ///
    /// ```
    /// use lite3::{Connection, OpenFlags};
    ///
    /// let flags = OpenFlags::READ_WRITE | OpenFlags::CREATE;
    /// let conn = Connection::open_in_memory_with_flags_and_vfs(flags, "unix")?;
    /// conn.execute("CREATE TABLE t(x)", ())?;
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`open_with_flags_and_vfs`](Self::open_with_flags_and_vfs).
    pub fn open_in_memory_with_flags_and_vfs<V: Name>(flags: OpenFlags, vfs: V) -> Result<Self> {
        Self::open_with_flags_and_vfs(":memory:", flags, vfs)
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
