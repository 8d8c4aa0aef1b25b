//! lite3's error type: SQLite failures carry SQLite's codes and message; failures lite3 detects
//! before calling C (bad parameters, bad conversions, oversized values) have their own variants.

use crate::ffi;
use crate::types::Type;
use std::ffi::c_int;
use std::fmt;

/// Result alias used throughout lite3.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in lite3.
///
/// SQLite's own failures are [`Error::Sqlite`]; every other variant is detected on the Rust side,
/// before SQLite is called, so the connection is untouched by them.
///
/// ```
/// use lite3::{Connection, Error, ErrorCode};
///
/// let conn = Connection::open_in_memory()?;
/// let err = conn.execute("SELECT * FROM missing", ()).unwrap_err();
/// assert_eq!(err.sqlite_code(), Some(ErrorCode::Error));
/// assert_eq!(err.to_string(), "no such table: missing");
///
/// let err = conn.execute("SELECT * FRM t", ()).unwrap_err();
/// assert_eq!(err.to_string(), "near \"FRM\": syntax error (at byte 9 of the SQL)");
///
/// let err = conn.execute("SELECT 1\0", ()).unwrap_err();
/// assert!(matches!(err, Error::Nul { what: "SQL", position: 8 }));
/// # Ok::<(), lite3::Error>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// SQLite reported a failure.
    #[error(transparent)]
    Sqlite(#[from] SqliteError),
    /// A string handed to SQLite contains a NUL byte where SQLite would cut it short.
    #[error("{what} contains a NUL byte at byte {position}")]
    Nul {
        /// What contained it, e.g. "SQL" or "database path".
        what: &'static str,
        /// Byte offset of the first NUL.
        position: usize,
    },
    /// A TEXT value is not valid UTF-8 (read it as `&[u8]` to get the bytes).
    #[error("column {column} ({name}) holds TEXT that is not valid UTF-8: {source}")]
    Utf8 {
        /// Column index.
        column: usize,
        /// Column name.
        name: String,
        /// Where the invalid byte is.
        source: std::str::Utf8Error,
    },
    /// A value cannot be converted to the requested Rust type.
    #[error("column {column} ({name}) holds {from}, which cannot be read as {to}")]
    InvalidType {
        /// Column index (or function argument index).
        column: usize,
        /// Column name.
        name: String,
        /// SQLite's storage class of the value.
        from: Type,
        /// The Rust type asked for.
        to: &'static str,
    },
    /// A custom [`FromSql`](crate::types::FromSql) conversion failed.
    #[error("column {column} ({name}) could not be converted: {source}")]
    Conversion {
        /// Column index.
        column: usize,
        /// Column name.
        name: String,
        /// The conversion's error.
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
    /// An integer does not fit the requested Rust type, or a Rust integer does not fit SQLite's i64.
    #[error("integer {value} is out of range for {to}{}", column_suffix(*column))]
    IntegerOutOfRange {
        /// The value, as text (it may not fit an i64).
        value: String,
        /// The target type.
        to: &'static str,
        /// The column, when reading a row.
        column: Option<usize>,
    },
    /// The number of parameters given differs from the number the statement has.
    #[error("the statement has {expected} parameter(s) but {given} were given")]
    ParameterCount {
        /// Parameters in the SQL.
        expected: usize,
        /// Parameters given.
        given: usize,
    },
    /// No parameter of that name exists in the statement.
    #[error("the statement has no parameter named {0:?}")]
    UnknownParameter(String),
    /// A parameter index outside `1..=count`.
    #[error("parameter index {index} is out of range: the statement has {count} parameter(s)")]
    ParameterIndex {
        /// Index given (1-based, as SQLite counts).
        index: usize,
        /// Parameters in the SQL.
        count: usize,
    },
    /// A column index or name that the result does not have.
    #[error("the result has no column {0}")]
    InvalidColumn(String),
    /// A string or blob longer than SQLite accepts (i32 bytes, or the connection's length limit).
    #[error("{what} of {len} bytes is too big: the limit is {limit} bytes")]
    TooBig {
        /// What was too big.
        what: &'static str,
        /// Its length in bytes.
        len: usize,
        /// The limit in force.
        limit: usize,
    },
    /// The SQL holds more than one statement where exactly one is expected.
    #[error("the SQL holds more than one statement; the second starts at byte {offset}")]
    MultipleStatements {
        /// Byte offset of the first character after the first statement.
        offset: usize,
    },
    /// The SQL holds no statement (empty, whitespace or comments only).
    #[error("the SQL holds no statement")]
    EmptySql,
    /// `execute` was given a statement that returns rows; use `query` for those.
    #[error(
        "execute() ran a statement that returns rows; use query(), query_row() or execute_batch()"
    )]
    ExecuteReturnedRows,
    /// `query_row` found no row.
    #[error("the query returned no rows")]
    QueryReturnedNoRows,
    /// `query_one` found a second row.
    #[error("the query returned more than one row")]
    QueryReturnedMoreThanOneRow,
    /// `execute_batch` failed at one of its statements.
    #[error("statement {index} of the batch failed (at byte {offset}): {source}")]
    Batch {
        /// 1-based number of the failing statement.
        index: usize,
        /// Byte offset of the failing statement in the batch.
        offset: usize,
        /// The failure.
        source: Box<Error>,
    },
    /// No database of that name is attached.
    #[error("no database named {0:?} is attached")]
    InvalidSchema(String),
    /// The path cannot be passed to SQLite (not UTF-8 on a platform that needs it).
    #[error("database path {0:?} is not valid UTF-8")]
    InvalidPath(std::path::PathBuf),
    /// A name that must be a plain SQL identifier is not one.
    #[error("{what} {name:?} is not a plain SQL identifier (letters, digits and _)")]
    InvalidIdentifier {
        /// What the name is for.
        what: &'static str,
        /// The name given.
        name: String,
    },
    /// No pooled connection became free within the pool's timeout.
    #[error("no pooled {kind} connection became free within {waited:?}")]
    PoolTimeout {
        /// "reader" or "writer".
        kind: &'static str,
        /// How long the checkout waited.
        waited: std::time::Duration,
    },
    /// A pool cannot be opened on this path.
    #[error("cannot pool {path:?}: {reason}")]
    InvalidPoolPath {
        /// The path given.
        path: String,
        /// Why it cannot be pooled.
        reason: &'static str,
    },
    /// The worker has shut down; the call was not run.
    #[error("the worker has shut down; the call was not run")]
    WorkerClosed,
    /// The worker's thread could not be started.
    #[error("cannot start the worker thread: {0}")]
    WorkerSpawn(#[source] std::io::Error),
    /// The worker's queue is full (from `try_call`); the call was not queued.
    #[error("the worker's queue is full ({capacity} calls waiting); the call was not queued")]
    WorkerQueueFull {
        /// The queue's capacity.
        capacity: usize,
    },
    /// The linked SQLite was compiled single-threaded (`SQLITE_THREADSAFE=0`) and another
    /// thread is using it: one thread at a time may, for as long as it has a connection open
    /// (Workers all run on one shared thread of lite3's).
    #[error(
        "the linked SQLite is single-threaded (SQLITE_THREADSAFE=0) and another thread is using \
         it: use SQLite from one thread at a time, or share connections through lite3's \
         Worker, which runs every call on one thread"
    )]
    SingleThreaded,
    /// The connection was opened before this process was forked: SQLite forbids using it in
    /// the child (it shares the parent's locks and files). Open a new one in the child.
    #[error(
        "the connection was inherited across fork(): SQLite forbids using it in the child \
         process; open a new connection there"
    )]
    Forked,
    /// SQLite rolled back the transaction on its own after an earlier error (an interrupt,
    /// `Full`, an I/O error, out of memory, some `Busy` cases). Everything the transaction did
    /// is gone, and every statement through its guard (and its commit) fails with this error
    /// until the guard is dropped, so nothing can run, or commit, outside the transaction by
    /// accident.
    #[error(
        "the transaction was rolled back by SQLite after an earlier error; nothing was \
         committed: drop the transaction and start a new one"
    )]
    TransactionRolledBack,
    /// A [`Worker`](crate::Worker) call returned with a transaction still open; the worker
    /// rolled it back, so that later calls do not run inside it (and get lost with it).
    #[error("the worker call left a transaction open; it was rolled back{}", cause_suffix(.cause.as_deref()))]
    TransactionLeftOpen {
        /// The error the call itself returned, if it failed.
        cause: Option<Box<Error>>,
    },
    /// A [`Worker`](crate::Worker) call was made from the thread that runs the worker's calls
    /// (inside another call, or an `on_open`), where it could never run: it would wait for
    /// itself forever.
    #[error(
        "a Worker call was made from the thread that runs the worker's calls; it would wait \
         for itself forever: use the connection you were given instead"
    )]
    WorkerReentry,
    /// A user callback (e.g. a scalar function) returned an error.
    #[error("user function failed: {0}")]
    UserFunction(#[source] Box<dyn std::error::Error + Send + Sync + 'static>),
    /// [`Context::get_aux`](crate::Context::get_aux) asked for another type than was set.
    #[error("the function's auxiliary data has another type than the one asked for")]
    GetAuxWrongType,
    /// No attached database has this index ([`Connection::db_name`](crate::Connection::db_name)).
    #[error("no attached database has index {0}")]
    InvalidDatabaseIndex(usize),
    /// A hook (commit, rollback, update, preupdate, WAL, progress, busy, authorizer) used its
    /// own connection while SQLite was running it, which SQLite forbids: nothing ran. Do the
    /// work after the statement that triggered the hook has returned (other connections may be
    /// used inside a hook). SQLite's [log callback](crate::trace::config_log) may use no
    /// connection at all.
    #[error(
        "the {hook} callback used a connection SQLite forbids it to use while it runs; nothing \
         ran (defer the work until the statement has returned)"
    )]
    HookReentry {
        /// Which hook.
        hook: &'static str,
    },
    /// A blob read or write reached past the end of the blob, or an offset beyond what SQLite
    /// can address (2^31 - 1): nothing was read or written (rusqlite's name).
    #[error("the blob I/O reaches past the end of the blob; nothing was read or written")]
    BlobSizeError,
    /// An encrypted database could not be opened or re-keyed (see [`crate::encryption`]).
    #[error(transparent)]
    Encryption(#[from] crate::encryption::EncryptionError),
    /// A virtual table module refused its arguments or a value, or one of its methods was
    /// called again while it was running (rusqlite's variant; see [`crate::vtab`]).
    #[error("virtual table: {0}")]
    ModuleError(String),
    /// A [WAL hook](crate::Connection::wal_hook) returned an error or panicked **after** its
    /// transaction was committed: the data is durable; only the hook's own work (a checkpoint,
    /// say) is in doubt. SQLite reports the hook's failure through the statement that
    /// committed, so without this variant it would read as a failed commit.
    #[error("the transaction was committed, but the WAL hook failed: {source}")]
    WalHookFailed {
        /// What the hook returned.
        #[source]
        source: Box<Error>,
    },
    /// A [`ToSql`](crate::ToSql) conversion failed: the value has no SQLite form (rusqlite's
    /// variant, same name, for custom `ToSql` impls that return it).
    ///
    /// ```
    /// use lite3::{Error, ToSql, types::ToSqlOutput};
    ///
    /// struct Even(i64);
    /// impl ToSql for Even {
    ///     fn to_sql(&self) -> lite3::Result<ToSqlOutput<'_>> {
    ///         if self.0 % 2 != 0 {
    ///             return Err(Error::ToSqlConversionFailure(format!("{} is odd", self.0).into()));
    ///         }
    ///         Ok(self.0.into())
    ///     }
    /// }
    /// let conn = lite3::Connection::open_in_memory()?;
    /// let err = conn.query_row("SELECT ?1", (Even(3),), |r| r.get::<_, i64>(0)).unwrap_err();
    /// assert!(err.to_string().contains("3 is odd"), "{err}");
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[error("a value could not be converted to an SQLite value: {0}")]
    ToSqlConversionFailure(#[source] Box<dyn std::error::Error + Send + Sync + 'static>),
    /// A value could not be converted outside a row, where no column can be named (a
    /// [`ValueRef`](crate::ValueRef) accessor's error turned into `Error` with `?`).
    #[error("value conversion failed: {0}")]
    ValueConversion(#[from] crate::types::FromSqlError),
}

fn cause_suffix(cause: Option<&Error>) -> String {
    cause
        .map(|c| format!(" (the call had failed: {c})"))
        .unwrap_or_default()
}

fn column_suffix(column: Option<usize>) -> String {
    column.map(|c| format!(" (column {c})")).unwrap_or_default()
}

impl Error {
    /// SQLite's primary result code, for failures SQLite reported.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// let err = conn.execute("INSERT INTO nowhere VALUES (1)", ()).unwrap_err();
    /// assert_eq!(err.sqlite_code(), Some(lite3::ErrorCode::Error));
    /// assert_eq!(lite3::Error::EmptySql.sqlite_code(), None);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[must_use]
    pub fn sqlite_code(&self) -> Option<ErrorCode> {
        use crate::encryption::EncryptionError::{KeyRequired, WrongKey};
        match self {
            // What SQLite itself would report at the first read, for code matching on it.
            Error::Encryption(KeyRequired { .. } | WrongKey { .. }) => {
                Some(ErrorCode::NotADatabase)
            }
            _ => self.sqlite_error().map(|e| e.code),
        }
    }

    /// rusqlite's name for [`sqlite_code`](Self::sqlite_code).
    #[must_use]
    pub fn sqlite_error_code(&self) -> Option<ErrorCode> {
        self.sqlite_code()
    }

    /// SQLite's extended result code (e.g. 2067, `SQLITE_CONSTRAINT_UNIQUE`), for failures
    /// SQLite reported (rusqlite's name).
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// conn.execute_batch("CREATE TABLE t(x UNIQUE); INSERT INTO t VALUES (1)")?;
    /// let err = conn.execute("INSERT INTO t VALUES (1)", ()).unwrap_err();
    /// assert_eq!(err.sqlite_extended_error_code(), Some(2067));
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[must_use]
    pub fn sqlite_extended_error_code(&self) -> Option<i32> {
        self.sqlite_error().map(|e| e.extended_code)
    }

    /// SQLite's failure with its extended code, message and offset, when SQLite reported one
    /// (also inside [`Error::Batch`]); rusqlite's `sqlite_error`.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// conn.execute("CREATE TABLE t(x UNIQUE)", ())?;
    /// conn.execute("INSERT INTO t VALUES (1)", ())?;
    /// let err = conn.execute("INSERT INTO t VALUES (1)", ()).unwrap_err();
    /// let sqlite = err.sqlite_error().unwrap();
    /// assert_eq!(sqlite.extended_code, lite3::ffi::SQLITE_CONSTRAINT_UNIQUE);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[must_use]
    pub fn sqlite_error(&self) -> Option<&SqliteError> {
        match self {
            Error::Sqlite(e) => Some(e),
            Error::Batch { source, .. } => source.sqlite_error(),
            _ => None,
        }
    }
}

/// A failure SQLite reported: its codes, its message and, where SQLite knows it, the byte in the
/// SQL where the problem is.
///
/// ```
/// use lite3::{Connection, ErrorCode};
///
/// let conn = Connection::open_in_memory()?;
/// conn.execute("CREATE TABLE t(x UNIQUE)", ())?;
/// conn.execute("INSERT INTO t VALUES (1)", ())?;
/// let lite3::Error::Sqlite(e) = conn.execute("INSERT INTO t VALUES (1)", ()).unwrap_err() else { panic!() };
/// assert_eq!(e.code, ErrorCode::Constraint);
/// assert_eq!(e.extended_code, 2067); // SQLITE_CONSTRAINT_UNIQUE
/// assert_eq!(e.message, "UNIQUE constraint failed: t.x");
/// # Ok::<(), lite3::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SqliteError {
    /// Primary result code.
    pub code: ErrorCode,
    /// Extended result code (e.g. 2067, `SQLITE_CONSTRAINT_UNIQUE`).
    pub extended_code: i32,
    /// SQLite's message, read from the connection right after the failure.
    pub message: String,
    /// Byte offset into the SQL that SQLite blames, when it names one.
    pub offset: Option<usize>,
}

impl std::error::Error for SqliteError {}

impl fmt::Display for SqliteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(offset) = self.offset {
            write!(f, " (at byte {offset} of the SQL)")?;
        }
        Ok(())
    }
}

/// SQLite's primary result codes, as an enum.
///
/// ```
/// use lite3::{Connection, ErrorCode, OpenFlags};
///
/// let err = Connection::open_with_flags("/nonexistent/dir/x.db", OpenFlags::READ_ONLY).unwrap_err();
/// assert_eq!(err.sqlite_code(), Some(ErrorCode::CantOpen));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// Generic error (SQLITE_ERROR): SQL error or missing database.
    Error,
    /// Internal logic error in SQLite.
    Internal,
    /// Access permission denied.
    Permission,
    /// The operation was aborted (e.g. by a callback).
    Abort,
    /// The database file is locked.
    Busy,
    /// A table in the database is locked.
    Locked,
    /// Out of memory.
    NoMem,
    /// Attempt to write a read-only database.
    ReadOnly,
    /// Interrupted by `sqlite3_interrupt` (see `InterruptHandle`).
    Interrupt,
    /// Disk I/O error.
    IoErr,
    /// The database disk image is malformed.
    Corrupt,
    /// Unknown opcode or file-control.
    NotFound,
    /// The database or disk is full.
    Full,
    /// Unable to open the database file.
    CantOpen,
    /// Database lock protocol error.
    Protocol,
    /// The database schema changed.
    Schema,
    /// String or blob exceeds the size limit.
    TooBig,
    /// A constraint was violated.
    Constraint,
    /// Datatype mismatch.
    Mismatch,
    /// Library used incorrectly.
    Misuse,
    /// Uses OS features not supported on the host.
    NoLfs,
    /// Authorisation denied.
    Auth,
    /// Not used by SQLite.
    Format,
    /// Bind or column index out of range.
    Range,
    /// The file is not a database (or is encrypted with another key).
    NotADatabase,
    /// A code this version of lite3 does not know.
    Other(i32),
}

/// rusqlite's names for the same codes (those of `libsqlite3_sys::ErrorCode`), so that code
/// matching on them compiles unchanged: `ErrorCode::ConstraintViolation` is
/// [`ErrorCode::Constraint`], usable in expressions and in patterns alike. rusqlite calls plain
/// `SQLITE_ERROR` `Unknown`; here that is [`ErrorCode::Error`], and a code lite3 does not know
/// is [`ErrorCode::Other`].
///
/// ```
/// use lite3::{Connection, ErrorCode};
///
/// let conn = Connection::open_in_memory()?;
/// conn.execute_batch("CREATE TABLE t(x UNIQUE); INSERT INTO t VALUES (1)")?;
/// let err = conn.execute("INSERT INTO t VALUES (1)", []).unwrap_err();
/// match err.sqlite_error_code() {
///     Some(ErrorCode::ConstraintViolation) => {}
///     other => panic!("{other:?}"),
/// }
/// let missing = conn.execute("INSERT INTO nowhere VALUES (1)", []).unwrap_err();
/// assert_eq!(missing.sqlite_error_code(), Some(ErrorCode::Unknown));
/// # Ok::<(), lite3::Error>(())
/// ```
#[allow(
    non_upper_case_globals,
    reason = "rusqlite's variant names, as constants"
)]
impl ErrorCode {
    /// rusqlite's name for [`ErrorCode::Internal`].
    pub const InternalMalfunction: Self = Self::Internal;
    /// rusqlite's name for [`ErrorCode::Permission`].
    pub const PermissionDenied: Self = Self::Permission;
    /// rusqlite's name for [`ErrorCode::Abort`].
    pub const OperationAborted: Self = Self::Abort;
    /// rusqlite's name for [`ErrorCode::Busy`].
    pub const DatabaseBusy: Self = Self::Busy;
    /// rusqlite's name for [`ErrorCode::Locked`].
    pub const DatabaseLocked: Self = Self::Locked;
    /// rusqlite's name for [`ErrorCode::NoMem`].
    pub const OutOfMemory: Self = Self::NoMem;
    /// rusqlite's name for [`ErrorCode::Interrupt`].
    pub const OperationInterrupted: Self = Self::Interrupt;
    /// rusqlite's name for [`ErrorCode::IoErr`].
    pub const SystemIoFailure: Self = Self::IoErr;
    /// rusqlite's name for [`ErrorCode::Corrupt`].
    pub const DatabaseCorrupt: Self = Self::Corrupt;
    /// rusqlite's name for [`ErrorCode::Full`].
    pub const DiskFull: Self = Self::Full;
    /// rusqlite's name for [`ErrorCode::CantOpen`].
    pub const CannotOpen: Self = Self::CantOpen;
    /// rusqlite's name for [`ErrorCode::Protocol`].
    pub const FileLockingProtocolFailed: Self = Self::Protocol;
    /// rusqlite's name for [`ErrorCode::Schema`].
    pub const SchemaChanged: Self = Self::Schema;
    /// rusqlite's name for [`ErrorCode::Constraint`].
    pub const ConstraintViolation: Self = Self::Constraint;
    /// rusqlite's name for [`ErrorCode::Mismatch`].
    pub const TypeMismatch: Self = Self::Mismatch;
    /// rusqlite's name for [`ErrorCode::Misuse`].
    pub const ApiMisuse: Self = Self::Misuse;
    /// rusqlite's name for [`ErrorCode::NoLfs`].
    pub const NoLargeFileSupport: Self = Self::NoLfs;
    /// rusqlite's name for [`ErrorCode::Auth`].
    pub const AuthorizationForStatementDenied: Self = Self::Auth;
    /// rusqlite's name for [`ErrorCode::Range`].
    pub const ParameterOutOfRange: Self = Self::Range;
    /// rusqlite's name for plain `SQLITE_ERROR` ([`ErrorCode::Error`]).
    pub const Unknown: Self = Self::Error;
}

impl ErrorCode {
    pub(crate) fn from_primary(code: c_int) -> Self {
        use ErrorCode::*;
        match code {
            ffi::SQLITE_ERROR => Error,
            ffi::SQLITE_INTERNAL => Internal,
            ffi::SQLITE_PERM => Permission,
            ffi::SQLITE_ABORT => Abort,
            ffi::SQLITE_BUSY => Busy,
            ffi::SQLITE_LOCKED => Locked,
            ffi::SQLITE_NOMEM => NoMem,
            ffi::SQLITE_READONLY => ReadOnly,
            ffi::SQLITE_INTERRUPT => Interrupt,
            ffi::SQLITE_IOERR => IoErr,
            ffi::SQLITE_CORRUPT => Corrupt,
            ffi::SQLITE_NOTFOUND => NotFound,
            ffi::SQLITE_FULL => Full,
            ffi::SQLITE_CANTOPEN => CantOpen,
            ffi::SQLITE_PROTOCOL => Protocol,
            ffi::SQLITE_SCHEMA => Schema,
            ffi::SQLITE_TOOBIG => TooBig,
            ffi::SQLITE_CONSTRAINT => Constraint,
            ffi::SQLITE_MISMATCH => Mismatch,
            ffi::SQLITE_MISUSE => Misuse,
            ffi::SQLITE_NOLFS => NoLfs,
            ffi::SQLITE_AUTH => Auth,
            ffi::SQLITE_FORMAT => Format,
            ffi::SQLITE_RANGE => Range,
            ffi::SQLITE_NOTADB => NotADatabase,
            other => Other(other),
        }
    }
}

/// An `ErrorCode::Misuse` error with lite3's explanation, for calls lite3 refuses because
/// SQLite would misbehave (not report) if they went ahead.
#[cfg_attr(
    not(feature = "session"),
    allow(dead_code, reason = "used by sessions")
)]
pub(crate) fn misuse(message: &str) -> Error {
    Error::Sqlite(SqliteError {
        code: ErrorCode::Misuse,
        extended_code: crate::ffi::SQLITE_MISUSE,
        message: message.to_owned(),
        offset: None,
    })
}
