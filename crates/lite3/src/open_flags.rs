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
        /// Accepted for rusqlite code: lite3 opens every connection without SQLite's
        /// per-connection mutex anyway (see above).
        const SQLITE_OPEN_NO_MUTEX = ffi::SQLITE_OPEN_NOMUTEX;
        /// Accepted for rusqlite code and without effect: lite3's types serialise each
        /// connection, so it always opens without SQLite's per-connection mutex.
        const SQLITE_OPEN_FULL_MUTEX = ffi::SQLITE_OPEN_FULLMUTEX;
        /// Shared cache, which the vendored SQLite leaves out (`SQLITE_OMIT_SHARED_CACHE`,
        /// SQLite's advice); accepted for rusqlite code.
        const SQLITE_OPEN_SHARED_CACHE = 0x0002_0000;
    }
}

/// rusqlite's names for the flags above, so that rusqlite code compiles unchanged.
#[allow(missing_docs, reason = "aliases of the documented flags above")]
impl OpenFlags {
    pub const SQLITE_OPEN_READ_ONLY: Self = Self::READ_ONLY;
    pub const SQLITE_OPEN_READ_WRITE: Self = Self::READ_WRITE;
    pub const SQLITE_OPEN_CREATE: Self = Self::CREATE;
    pub const SQLITE_OPEN_URI: Self = Self::URI;
    pub const SQLITE_OPEN_MEMORY: Self = Self::MEMORY;
    pub const SQLITE_OPEN_PRIVATE_CACHE: Self = Self::PRIVATE_CACHE;
    pub const SQLITE_OPEN_NOFOLLOW: Self = Self::NO_FOLLOW;
    pub const SQLITE_OPEN_EXRESCODE: Self = Self::EXRESCODE;
}

impl Default for OpenFlags {
    /// `READ_WRITE | CREATE | URI`, as `Connection::open` uses.
    fn default() -> Self {
        OpenFlags::READ_WRITE | OpenFlags::CREATE | OpenFlags::URI
    }
}
