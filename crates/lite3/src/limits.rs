//! Run-time limits (`sqlite3_limit`): caps on lengths and counts, per connection.

use crate::{Connection, Result, ffi};

/// A run-time limit of a connection. Lowering limits is a defence against hostile input:
/// oversized values are refused before they reach SQLite's memory.
///
/// ```
/// use lite3::{Connection, Limit};
///
/// let conn = Connection::open_in_memory()?;
/// conn.set_limit(Limit::Length, 1000)?;
/// assert_eq!(conn.limit(Limit::Length)?, 1000);
/// assert!(conn.query_row("SELECT ?1", (vec![0u8; 2000],), |row| row.get::<_, Vec<u8>>(0)).is_err());
/// # Ok::<(), lite3::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Limit {
    /// Largest string or blob, in bytes (and largest row).
    Length,
    /// Longest SQL text, in bytes.
    SqlLength,
    /// Most columns in a table, index, view or result.
    Column,
    /// Deepest expression parse tree.
    ExprDepth,
    /// Most terms in a compound SELECT.
    CompoundSelect,
    /// Most virtual machine instructions in one statement.
    VdbeOp,
    /// Most arguments to a function.
    FunctionArg,
    /// Most attached databases.
    Attached,
    /// Longest LIKE or GLOB pattern.
    LikePatternLength,
    /// Largest parameter index.
    VariableNumber,
    /// Deepest trigger recursion.
    TriggerDepth,
    /// Most auxiliary worker threads per statement.
    WorkerThreads,
}

/// rusqlite's names for the same limits (usable in expressions and patterns).
#[allow(
    non_upper_case_globals,
    reason = "rusqlite's variant names, as constants"
)]
impl Limit {
    /// rusqlite's name for [`Limit::Length`].
    pub const SQLITE_LIMIT_LENGTH: Self = Self::Length;
    /// rusqlite's name for [`Limit::SqlLength`].
    pub const SQLITE_LIMIT_SQL_LENGTH: Self = Self::SqlLength;
    /// rusqlite's name for [`Limit::Column`].
    pub const SQLITE_LIMIT_COLUMN: Self = Self::Column;
    /// rusqlite's name for [`Limit::ExprDepth`].
    pub const SQLITE_LIMIT_EXPR_DEPTH: Self = Self::ExprDepth;
    /// rusqlite's name for [`Limit::CompoundSelect`].
    pub const SQLITE_LIMIT_COMPOUND_SELECT: Self = Self::CompoundSelect;
    /// rusqlite's name for [`Limit::VdbeOp`].
    pub const SQLITE_LIMIT_VDBE_OP: Self = Self::VdbeOp;
    /// rusqlite's name for [`Limit::FunctionArg`].
    pub const SQLITE_LIMIT_FUNCTION_ARG: Self = Self::FunctionArg;
    /// rusqlite's name for [`Limit::Attached`].
    pub const SQLITE_LIMIT_ATTACHED: Self = Self::Attached;
    /// rusqlite's name for [`Limit::LikePatternLength`].
    pub const SQLITE_LIMIT_LIKE_PATTERN_LENGTH: Self = Self::LikePatternLength;
    /// rusqlite's name for [`Limit::VariableNumber`].
    pub const SQLITE_LIMIT_VARIABLE_NUMBER: Self = Self::VariableNumber;
    /// rusqlite's name for [`Limit::TriggerDepth`].
    pub const SQLITE_LIMIT_TRIGGER_DEPTH: Self = Self::TriggerDepth;
    /// rusqlite's name for [`Limit::WorkerThreads`].
    pub const SQLITE_LIMIT_WORKER_THREADS: Self = Self::WorkerThreads;
}

impl Limit {
    fn id(self) -> i32 {
        match self {
            Limit::Length => ffi::SQLITE_LIMIT_LENGTH,
            Limit::SqlLength => ffi::SQLITE_LIMIT_SQL_LENGTH,
            Limit::Column => ffi::SQLITE_LIMIT_COLUMN,
            Limit::ExprDepth => ffi::SQLITE_LIMIT_EXPR_DEPTH,
            Limit::CompoundSelect => ffi::SQLITE_LIMIT_COMPOUND_SELECT,
            Limit::VdbeOp => ffi::SQLITE_LIMIT_VDBE_OP,
            Limit::FunctionArg => ffi::SQLITE_LIMIT_FUNCTION_ARG,
            Limit::Attached => ffi::SQLITE_LIMIT_ATTACHED,
            Limit::LikePatternLength => ffi::SQLITE_LIMIT_LIKE_PATTERN_LENGTH,
            Limit::VariableNumber => ffi::SQLITE_LIMIT_VARIABLE_NUMBER,
            Limit::TriggerDepth => ffi::SQLITE_LIMIT_TRIGGER_DEPTH,
            Limit::WorkerThreads => ffi::SQLITE_LIMIT_WORKER_THREADS,
        }
    }
}

impl Connection {
    /// The current value of `limit`.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// assert_eq!(conn.limit(lite3::Limit::Length)?, 1_000_000_000);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// None today: a `Result` as in rusqlite, so that `?` works the same.
    pub fn limit(&self, limit: Limit) -> Result<i32> {
        Ok(self.raw().limit(limit.id()))
    }

    /// Sets `limit` (SQLite clamps it to the compile-time maximum; negative values are ignored)
    /// and returns the previous value.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// let before = conn.set_limit(lite3::Limit::Attached, 2)?;
    /// assert_eq!((before, conn.limit(lite3::Limit::Attached)?), (10, 2));
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// None today: a `Result` as in rusqlite, so that `?` works the same.
    pub fn set_limit(&self, limit: Limit, value: i32) -> Result<i32> {
        if value < 0 {
            return self.limit(limit);
        }
        // As for db_config: a Pool replaces a connection whose borrower changed a limit.
        self.callbacks.mark_changed();
        Ok(self.raw().set_limit(limit.id(), value))
    }
}
