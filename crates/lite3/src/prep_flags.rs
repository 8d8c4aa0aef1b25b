//! [`PrepFlags`]: hints for preparing a statement (`sqlite3_prepare_v3`'s flags).

use crate::ffi;
use crate::{Connection, Result, Statement};

bitflags::bitflags! {
    /// Flags for [`Connection::prepare_with_flags`], with rusqlite's names.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
    pub struct PrepFlags: u32 {
        /// The statement will be kept and reused many times (SQLite allocates it differently).
        const SQLITE_PREPARE_PERSISTENT = ffi::SQLITE_PREPARE_PERSISTENT as u32;
        /// Fail with `SQLITE_ERROR` if the statement uses a virtual table.
        const SQLITE_PREPARE_NO_VTAB = ffi::SQLITE_PREPARE_NO_VTAB as u32;
        /// Keep compile errors out of SQLite's error log (SQLite 3.48+; an older system
        /// library ignores it). A literal: older headers do not define it.
        const SQLITE_PREPARE_DONT_LOG = 0x10;
    }
}

impl Connection {
    /// Prepares one statement with [`PrepFlags`]; otherwise as [`prepare`](Self::prepare).
    ///
    /// ```
    /// use lite3::{Connection, PrepFlags};
    ///
    /// let conn = Connection::open_in_memory()?;
    /// let mut stmt = conn.prepare_with_flags("SELECT 1", PrepFlags::SQLITE_PREPARE_PERSISTENT)?;
    /// assert_eq!(stmt.query_row((), |r| r.get::<_, i64>(0))?, 1);
    /// let refused = conn.prepare_with_flags("SELECT * FROM pragma_table_list", PrepFlags::SQLITE_PREPARE_NO_VTAB);
    /// assert!(refused.is_err());
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`prepare`](Self::prepare).
    pub fn prepare_with_flags(&self, sql: &str, flags: PrepFlags) -> Result<Statement<'_>> {
        Ok(Statement::new(self, self.prepare_one(sql, flags.bits())?))
    }
}
