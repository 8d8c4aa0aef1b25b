//! Per-connection settings (`sqlite3_db_config`) in rusqlite's shape, and a profile for opening
//! database files that come from someone else.

use crate::{Connection, Limit, Result, ffi};
use std::ffi::c_int;

/// An on/off setting of a connection (rusqlite's names, `SQLITE_DBCONFIG_*`). A setting the
/// linked SQLite does not know (an older system library) is SQLite's error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
#[allow(non_camel_case_types, reason = "rusqlite's variant names")]
#[repr(i32)]
pub enum DbConfig {
    /// Foreign key enforcement (on in lite3 by default).
    SQLITE_DBCONFIG_ENABLE_FKEY = ffi::SQLITE_DBCONFIG_ENABLE_FKEY,
    /// Triggers run.
    SQLITE_DBCONFIG_ENABLE_TRIGGER = ffi::SQLITE_DBCONFIG_ENABLE_TRIGGER,
    /// The two-argument `fts3_tokenizer()`.
    SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER = ffi::SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER,
    /// No checkpoint when the last connection to a WAL database closes.
    SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE = 1006,
    /// The query planner stability guarantee.
    SQLITE_DBCONFIG_ENABLE_QPSG = 1007,
    /// `EXPLAIN QUERY PLAN` shows trigger programs.
    SQLITE_DBCONFIG_TRIGGER_EQP = 1008,
    /// Set, then `VACUUM`, then clear: empties the database (even a corrupt one).
    SQLITE_DBCONFIG_RESET_DATABASE = 1009,
    /// Refuse SQL that could corrupt the database file (writable schema, raw page writes).
    SQLITE_DBCONFIG_DEFENSIVE = 1010,
    /// `sqlite_schema` may be written with `UPDATE`.
    SQLITE_DBCONFIG_WRITABLE_SCHEMA = 1011,
    /// `ALTER TABLE RENAME` as before 3.26.
    SQLITE_DBCONFIG_LEGACY_ALTER_TABLE = 1012,
    /// Double-quoted strings in DML are string literals when no column matches.
    SQLITE_DBCONFIG_DQS_DML = 1013,
    /// Double-quoted strings in DDL are string literals when no column matches.
    SQLITE_DBCONFIG_DQS_DDL = 1014,
    /// Views may be used.
    SQLITE_DBCONFIG_ENABLE_VIEW = 1015,
    /// New databases in the legacy (schema format 1) file format.
    SQLITE_DBCONFIG_LEGACY_FILE_FORMAT = 1016,
    /// Functions and virtual tables in the schema (views, triggers, defaults) are trusted to be
    /// harmless; off, only those marked innocuous may run from schema code.
    SQLITE_DBCONFIG_TRUSTED_SCHEMA = 1017,
    /// Statement scan status collection.
    SQLITE_DBCONFIG_STMT_SCANSTATUS = 1018,
    /// Scan tables and indexes in reverse order (to find order dependencies).
    SQLITE_DBCONFIG_REVERSE_SCANORDER = 1019,
    /// `ATTACH` may create new database files (SQLite 3.49+).
    SQLITE_DBCONFIG_ENABLE_ATTACH_CREATE = 1020,
    /// Attached databases may be written (SQLite 3.49+).
    SQLITE_DBCONFIG_ENABLE_ATTACH_WRITE = 1021,
    /// Comments in SQL are allowed (SQLite 3.49+).
    SQLITE_DBCONFIG_ENABLE_COMMENTS = 1022,
}

impl Connection {
    /// Reads an on/off setting.
    ///
    /// ```
    /// use lite3::config::DbConfig;
    /// let conn = lite3::Connection::open_in_memory()?;
    /// assert!(conn.db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_FKEY)?);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// SQLite's error for a setting it does not know.
    pub fn db_config(&self, config: DbConfig) -> Result<bool> {
        self.raw().db_config_flag(config as c_int, -1)
    }

    /// Changes an on/off setting; returns the setting now.
    ///
    /// ```
    /// use lite3::config::DbConfig;
    /// let conn = lite3::Connection::open_in_memory()?;
    /// assert!(!conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_VIEW, false)?);
    /// assert!(conn.execute_batch("CREATE VIEW v AS SELECT 1; SELECT * FROM v").is_err());
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// SQLite's error for a setting it does not know.
    pub fn set_db_config(&self, config: DbConfig, on: bool) -> Result<bool> {
        // A setting is the connection's configuration: a Pool replaces a connection whose
        // borrower changed one (see `PooledConnection`).
        self.callbacks.mark_changed();
        self.raw().db_config_flag(config as c_int, c_int::from(on))
    }

    /// Hardens the connection for a database file from an untrusted source (uploaded by a
    /// user, received over the network), following SQLite's own advice ("Defense Against The
    /// Dark Arts", sqlite.org/security.html), before anything reads the schema:
    ///
    /// - `SQLITE_DBCONFIG_DEFENSIVE` on: no SQL can corrupt the file (writable schema, raw
    ///   page writes);
    /// - `SQLITE_DBCONFIG_TRUSTED_SCHEMA` off: views, triggers and defaults in the file may
    ///   only call functions marked [`INNOCUOUS`](crate::FunctionFlags::INNOCUOUS);
    /// - extension loading off (it already is in lite3 unless enabled);
    /// - `PRAGMA cell_size_check = ON` (corrupt pages are detected earlier) and
    ///   `PRAGMA mmap_size = 0` (no memory-mapped reads of a file someone else controls);
    /// - limits that bound what hostile schema content can make SQLite do: strings and blobs
    ///   up to 1,000,000 bytes, SQL up to 100,000 bytes, 100 columns, expression depth 10,
    ///   3 compound SELECT terms, 25,000 VM instructions per statement, 8 function arguments,
    ///   no attached databases, LIKE patterns of 50 bytes, 10 parameters, trigger depth 10.
    ///   Raise any of them afterwards with [`set_limit`](Self::set_limit) if the application's
    ///   own statements need more.
    ///
    /// SQLite also advises running `PRAGMA quick_check` (or `integrity_check`) before use; that
    /// reads the whole file, so it is left to the caller.
    ///
    /// ```
    /// use lite3::{Connection, FunctionFlags};
    /// let conn = Connection::open_in_memory()?;
    /// conn.create_scalar_function("side_effect", 0, FunctionFlags::empty(), |_| Ok(1))?;
    /// conn.execute_batch("CREATE VIEW v AS SELECT side_effect()")?; // as a hostile file might
    /// conn.apply_untrusted_database_profile()?;
    /// // Schema code may no longer call a function not marked innocuous...
    /// assert!(conn.query_row("SELECT * FROM v", (), |r| r.get::<_, i64>(0)).is_err());
    /// // ...and nothing can write the schema by hand.
    /// assert!(conn.execute_batch("PRAGMA writable_schema = ON; DELETE FROM sqlite_schema").is_err());
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// SQLite's error (an older system library that lacks one of the settings).
    pub fn apply_untrusted_database_profile(&self) -> Result<()> {
        self.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
        self.set_db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false)?;
        self.raw()
            .db_config_flag(ffi::SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0)?;
        self.pragma_update(None, "cell_size_check", true)?;
        self.pragma_update(None, "mmap_size", 0)?;
        for (limit, value) in UNTRUSTED_LIMITS {
            self.set_limit(limit, value)?;
        }
        Ok(())
    }
}

/// SQLite's suggested limits for untrusted input (sqlite.org/security.html).
const UNTRUSTED_LIMITS: [(Limit, i32); 11] = [
    (Limit::Length, 1_000_000),
    (Limit::SqlLength, 100_000),
    (Limit::Column, 100),
    (Limit::ExprDepth, 10),
    (Limit::CompoundSelect, 3),
    (Limit::VdbeOp, 25_000),
    (Limit::FunctionArg, 8),
    (Limit::Attached, 0),
    (Limit::LikePatternLength, 50),
    (Limit::VariableNumber, 10),
    (Limit::TriggerDepth, 10),
];
