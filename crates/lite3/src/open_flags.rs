//! [`OpenFlags`]: how a database is opened.

use crate::ffi;

bitflags::bitflags! {
    /// Flags for [`Connection::open_with_flags`](crate::Connection::open_with_flags).
    ///
    /// lite3 always adds `SQLITE_OPEN_NOMUTEX`: its types already guarantee one thread at a time
    /// per connection, so SQLite's per-connection mutex would be pure cost.
    ///
    /// ```
    /// use lite3::{Connection, OpenFlags};
    ///
    /// let dir = std::env::temp_dir().join(format!("lite3-doc-flags-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let path = dir.join("flags.db");
    /// Connection::open(&path)?.execute("CREATE TABLE t(x)", ())?;
    /// let ro = Connection::open_with_flags(&path, OpenFlags::READ_ONLY)?;
    /// assert!(ro.execute("INSERT INTO t VALUES (1)", ()).is_err());
    /// # drop(ro); std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct OpenFlags: i32 {
        /// Open for reading only.
        const READ_ONLY = ffi::SQLITE_OPEN_READONLY;
        /// Open for reading and writing.
        const READ_WRITE = ffi::SQLITE_OPEN_READWRITE;
        /// Create the database if it does not exist (with `READ_WRITE`).
        const CREATE = ffi::SQLITE_OPEN_CREATE;
        /// Interpret the filename as a URI (`file:data.db?mode=ro`).
        const URI = ffi::SQLITE_OPEN_URI;
        /// An in-memory database, named by the filename (shareable with `cache=shared` URIs).
        const MEMORY = ffi::SQLITE_OPEN_MEMORY;
        /// Use a private page cache (the default).
        const PRIVATE_CACHE = ffi::SQLITE_OPEN_PRIVATECACHE;
        /// Refuse to open the database if its path is a symbolic link.
        const NO_FOLLOW = ffi::SQLITE_OPEN_NOFOLLOW;
        /// Extended result codes from the start (lite3 turns them on anyway).
        const EXRESCODE = ffi::SQLITE_OPEN_EXRESCODE;
    }
}

impl Default for OpenFlags {
    /// `READ_WRITE | CREATE | URI`, as `Connection::open` uses.
    fn default() -> Self {
        OpenFlags::READ_WRITE | OpenFlags::CREATE | OpenFlags::URI
    }
}
