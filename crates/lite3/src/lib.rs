//! # lite3: SQLite for Rust, safe across threads and as fast as C
//!
//! ```
//! use lite3::{Connection, params};
//!
//! let conn = Connection::open_in_memory()?;
//! conn.execute_batch("CREATE TABLE person(id INTEGER PRIMARY KEY, name TEXT NOT NULL, photo BLOB)")?;
//! conn.execute("INSERT INTO person(name, photo) VALUES (?1, ?2)", ("Ada", &[0xffu8, 0xd8][..]))?;
//!
//! let mut stmt = conn.prepare("SELECT id, name FROM person WHERE name LIKE ?1")?;
//! let mut rows = stmt.query(("A%",))?;
//! while let Some(row) = rows.next()? {
//!     let id: i64 = row.get(0)?;
//!     let name: &str = row.get("name")?; // borrowed from SQLite, no copy
//!     println!("{id}: {name}");
//! }
//! # Ok::<(), lite3::Error>(())
//! ```
//!
//! ## Thread safety
//!
//! SQLite's connections are *per-handle* thread-safe: one handle, one thread at a time. lite3
//! makes that rule a property of the types, so breaking it does not compile:
//!
//! | type | Send | Sync | why |
//! |---|---|---|---|
//! | [`Connection`] | yes | no | may move between threads, never be used by two at once; opened with `SQLITE_OPEN_NOMUTEX` because the types already serialise use |
//! | [`Statement`], [`CachedStatement`], [`Rows`], [`Row`], [`Transaction`], [`Savepoint`] | no | no | borrow their connection; finalised, reset or rolled back on drop |
//! | [`InterruptHandle`] | yes | yes | `sqlite3_interrupt` is safe from any thread; a mutex makes it a no-op once the connection is closed |
//! | [`Pool`] | yes | yes | WAL: one writer and N read-only readers behind parking_lot locks; checkouts are guards that clean the connection when dropped |
//! | [`Worker`] | yes | yes | a dedicated thread owns the connection; callers send closures and get results back |
//!
//! Callbacks SQLite keeps (scalar functions, the busy handler, the profiler, the
//! [`hooks`] — commit, rollback, update — and the progress handler) must be `Send + 'static`:
//! they move with the connection to whichever thread uses it next, and they run on that thread
//! only, one at a time, so they need not be `Sync`. Hooks are set through `&mut Connection`, so
//! none can be replaced while a statement runs; a closure replaced from inside a running
//! callback is kept until that callback has returned. A [`Pool`] closes a connection whose
//! borrower changed any of them and opens a fresh one in its place (which runs `on_open`).
//!
//! SQLite can also be compiled single-threaded (`SQLITE_THREADSAFE=0`: the `single-thread`
//! feature, or a system library built that way). It then has no mutexes at all, not even around
//! its global state, so SQLite may be used by one thread at a time: the first thread to open a
//! connection owns it until its last connection is closed, and meanwhile opening or using a
//! connection on any other thread fails with [`Error::SingleThreaded`]. [`Connection`] is not
//! `Send` (with the feature). A single-threaded program just uses its connections; a
//! multi-threaded one shares them through [`Worker`]s, which all run their calls on one shared
//! thread of lite3's (that thread owns SQLite while any Worker is alive).
//!
//! ## Errors
//!
//! Every fallible call returns [`Result`]. SQLite's failures are [`Error::Sqlite`] with the
//! primary code as [`ErrorCode`], the extended code, SQLite's message read right after the
//! failure, and the byte offset into the SQL where SQLite names one. Problems lite3 catches
//! before calling C have their own variants: a NUL byte in SQL ([`Error::Nul`]), a wrong number
//! of parameters ([`Error::ParameterCount`]), a value read as the wrong type
//! ([`Error::InvalidType`], naming the column), an integer that does not fit
//! ([`Error::IntegerOutOfRange`]), text that is not UTF-8 ([`Error::Utf8`]), a value larger
//! than SQLite accepts ([`Error::TooBig`]), several statements where one is expected
//! ([`Error::MultipleStatements`]). None of them panics, and the connection stays usable.
//!
//! A panic inside a user callback never crosses into C: it is caught, the SQLite call fails,
//! and the panic resumes in the caller's frame once SQLite has returned.
//!
//! ## Memory
//!
//! SQLite's allocator runs through counting hooks installed before SQLite initialises:
//! [`memory()`] reports the C side's bytes in use, high-water mark and allocation counts, which
//! Rust's allocator statistics cannot see. [`Connection::status`] and [`Statement::counters`]
//! give per-connection and per-statement figures, and [`Connection::profile`] times every
//! statement.
//!
//! ## Features
//!
//! `vendored` (default) compiles the pinned SQLite 3.54 (SQLite3 Multiple Ciphers) amalgamation;
//! `system` links the system `libsqlite3` (at least 3.40); `single-thread` builds it with
//! `SQLITE_THREADSAFE=0`; `buildtime-bindgen` regenerates the bindings at build time;
//! `tracing` adds `Connection::trace_statements`; `fault-injection` adds `lite3::fault`, which
//! makes the Nth SQLite allocation fail, for out-of-memory tests, and `lite3::vfs::fault`, a VFS
//! that fails the Nth read, write, sync, truncate, lock or shared-memory call.
#![deny(unsafe_code)]
// docs.rs (nightly) marks each feature-gated item with the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

mod authorizer;
pub mod backup;
mod batch;
mod binder;
pub mod blob;
mod cache;
mod callbacks;
mod collations;
pub mod config;
mod connection;
mod connection_info;
pub mod encryption;
mod error;
pub mod functions;
pub mod hooks;
mod interrupt;
pub mod limits;
mod memory;
mod on_open;
mod open_flags;
mod params;
// A pool hands connections between threads, which a single-threaded SQLite forbids.
#[cfg(not(feature = "single-thread"))]
mod pool;
mod pragma;
mod prep_flags;
#[cfg(feature = "preupdate_hook")]
mod preupdate;
mod query_shapes;
mod raw;
mod rows;
mod schema_names;
pub mod serialize;
#[cfg(feature = "session")]
pub mod session;
mod sql_text;
mod statement;
mod statement_by_hand;
mod status;
pub mod trace;
mod transaction;
mod transaction_state;
pub mod types;
pub mod vfs;
pub mod vtab;
pub mod wal;
mod worker;

pub use batch::Batch;
pub use cache::CachedStatement;
pub use connection::{Connection, DEFAULT_BUSY_TIMEOUT};
pub use error::{Error, ErrorCode, Result, SqliteError};
pub use functions::{Context, FunctionFlags};
pub use interrupt::InterruptHandle;
pub use limits::Limit;
#[cfg(feature = "fault-injection")]
pub use memory::fault;
pub use memory::{MemoryStats, disable_memory_counting, memory, reset_high_water};
pub use open_flags::OpenFlags;
pub use params::{Params, ParamsFromIter, params_from_iter};
#[cfg(not(feature = "single-thread"))]
pub use pool::{Pool, PoolBuilder, PoolMetrics, PooledConnection};
pub use prep_flags::PrepFlags;
pub use query_shapes::{AndThenRows, OptionalExtension};
#[cfg(feature = "load_extension")]
pub use raw::load_extension::LoadExtensionGuard;
pub use rows::{MappedRows, Row, RowIndex, Rows};
pub use schema_names::{DEFAULT_NAME, MAIN_DB, Name, TEMP_DB};
pub use statement::Statement;
pub use statement_by_hand::{BindIndex, Column, ColumnMetadata};
pub use status::{ConnectionStatus, StatementCounters, StatementStatus};
pub use transaction::{DropBehavior, Savepoint, Transaction, TransactionBehavior};
pub use transaction_state::TransactionState;
pub use types::{FromSql, FromSqlRef, Null, ToSql, Value, ValueRef};
pub use worker::{CallFuture, Worker, WorkerBuilder};

/// The raw C API, for what lite3 does not wrap. Everything in it is `unsafe`; see
/// [`Connection::handle`].
pub use lite3_sys as ffi;

/// Whether `sql` ends with a complete SQL statement: a `;` outside any string, comment or
/// trigger body (SQLite's `sqlite3_complete`). An interactive shell uses it to decide whether to
/// read another line before running what it has. Text with a NUL byte is never complete.
///
/// ```
/// assert!(lite3::is_complete("SELECT 1;"));
/// assert!(!lite3::is_complete("SELECT 'a;"));
/// assert!(!lite3::is_complete("CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1;"));
/// ```
#[must_use]
pub fn is_complete(sql: &str) -> bool {
    std::ffi::CString::new(sql).is_ok_and(|sql| raw::is_complete(&sql))
}

/// The version of the SQLite library in use, e.g. `"3.54.0"`.
///
/// ```
/// assert!(lite3::sqlite_version().starts_with("3."));
/// ```
#[must_use]
pub fn sqlite_version() -> &'static str {
    raw::library_version()
}
