//! Virtual tables: Rust types SQL queries as tables (<https://sqlite.org/vtab.html>), in
//! rusqlite 0.43's shapes, with safe traits.
//!
//! A module is a type implementing [`VTab`] (and [`CreateVTab`] for `CREATE VIRTUAL TABLE`,
//! [`UpdateVTab`] for writes) with a cursor implementing [`VTabCursor`]; a `const` [`Module`]
//! describes it to SQLite and [`Connection::create_module`] registers it. Three modules come
//! with lite3: [`series`] (`generate_series`), [`array`](mod@array) (`rarray(?)` over a shared
//! `Rc<Vec<Value>>`) and, with the `csvtab` feature, `csvtab` (`csv(filename=…)`).
//!
//! ```
//! use lite3::vtab::{Context, Filters, IndexInfo, Module, VTab, VTabConnection, VTabCursor};
//! use lite3::{Connection, Result};
//! use std::borrow::Cow;
//! use std::ffi::{CStr, c_int};
//!
//! /// `squares`: the first ten squares, as an eponymous table.
//! struct Squares;
//! struct SquaresCursor(i64);
//!
//! impl VTab for Squares {
//!     type Aux = ();
//!     type Cursor = SquaresCursor;
//!     fn connect(
//!         _db: &mut VTabConnection,
//!         _aux: Option<&()>,
//!         _module: &[u8],
//!         _database: &[u8],
//!         _table: &[u8],
//!         _args: &[&[u8]],
//!     ) -> Result<(Cow<'static, CStr>, Self)> {
//!         Ok((Cow::Borrowed(c"CREATE TABLE x(n, square)"), Squares))
//!     }
//!     fn best_index(&self, info: &mut IndexInfo) -> Result<bool> {
//!         info.set_estimated_cost(10.0);
//!         Ok(true)
//!     }
//!     fn open(&mut self) -> Result<SquaresCursor> {
//!         Ok(SquaresCursor(0))
//!     }
//! }
//!
//! impl VTabCursor for SquaresCursor {
//!     fn filter(&mut self, _: c_int, _: Option<&str>, _: &Filters<'_>) -> Result<()> {
//!         self.0 = 1;
//!         Ok(())
//!     }
//!     fn next(&mut self) -> Result<()> {
//!         self.0 += 1;
//!         Ok(())
//!     }
//!     fn eof(&self) -> bool {
//!         self.0 > 10
//!     }
//!     fn column(&self, ctx: &mut Context, i: c_int) -> Result<()> {
//!         ctx.set_result(if i == 0 { self.0 } else { self.0 * self.0 })
//!     }
//!     fn rowid(&self) -> Result<i64> {
//!         Ok(self.0)
//!     }
//! }
//!
//! const SQUARES: Module<Squares> = Module::eponymous_only_module();
//!
//! let conn = Connection::open_in_memory()?;
//! conn.create_module("squares", &SQUARES, None)?;
//! let sum: i64 = conn.query_row("SELECT sum(square) FROM squares WHERE n <= 3", (), |r| r.get(0))?;
//! assert_eq!(sum, 1 + 4 + 9);
//! # Ok::<(), lite3::Error>(())
//! ```
//!
//! # The callback rules
//!
//! - A panic in any method is caught at the C boundary; the statement fails and the panic
//!   resumes in the Rust caller of the statement.
//! - An `Err` from a method reaches the caller as that same error (its type and source kept);
//!   SQLite sees its message. `best_index` returning `Ok(false)` only rules that plan out.
//! - A table's methods take `&self`/`&mut self` one at a time: a method that (through another
//!   handle to the connection) makes SQLite call back into the same table while it runs gets
//!   [`Error::ModuleError`] instead of an aliased `&mut`.
//! - A table is dropped when SQLite disconnects it (the connection closes, the table is
//!   dropped, or the schema changes), a cursor when SQLite closes it, the `Aux` value when the
//!   module is replaced or the connection closes: each exactly once.
//!
//! # Differences from rusqlite
//!
//! The traits are safe: no `#[repr(C)]` struct with a `base: sqlite3_vtab` first field, no
//! `unsafe impl`, and no `'vtab` lifetime; [`VTab::open`] takes `&mut self` for the call only,
//! so a cursor owns what it reads (or shares it through an `Rc`). MIGRATING.md shows the edit.

use crate::{Connection, Error, Name, Result};
use std::borrow::Cow;
use std::ffi::{CStr, c_int};

pub mod array;
#[cfg(feature = "csvtab")]
pub mod csvtab;
mod helpers;
pub mod series;

pub use crate::raw::values::{ValueIter, Values};
pub use crate::raw::vtab::{
    Context, Filters, InValues, IndexConstraint, IndexConstraintAndUsageIter, IndexConstraintIter,
    IndexConstraintUsage, IndexInfo, Inserts, Module, OrderBy, OrderByIter, Updates,
    VTabConnection,
};
pub use helpers::{dequote, escape_double_quote, parameter, parse_boolean};

/// What kind of virtual table a module makes (<https://sqlite.org/vtab.html#epovtab>).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VTabKind {
    /// Made by `CREATE VIRTUAL TABLE` only.
    Default,
    /// Usable by the module's own name as well (`SELECT … FROM module_name`), and by
    /// `CREATE VIRTUAL TABLE`; [`CreateVTab::create`] is [`VTab::connect`].
    Eponymous,
    /// Usable by the module's own name only; `create`/`destroy` are never called.
    EponymousOnly,
}

/// Options a module sets on its table from [`VTab::connect`] with
/// [`VTabConnection::config`] (<https://sqlite.org/c3ref/c_vtab_constraint_support.html>).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum VTabConfig {
    /// `xUpdate` returns `SQLITE_CONSTRAINT` before changing anything, so SQLite may honour
    /// `ON CONFLICT` modes other than ABORT.
    ConstraintSupport,
    /// The table may be used from triggers and views even in `trusted_schema=OFF` mode: it has
    /// no side effects and reveals nothing an attacker could misuse.
    Innocuous,
    /// The table may be used only from top-level SQL, never from triggers or views.
    DirectOnly,
    /// The table reads every attached schema (`sqlite_dbpage`-like); SQLite then locks them all.
    UsesAllSchemas,
}

/// A virtual table: its schema, how it is searched, and its cursors (rusqlite's `VTab`).
///
/// Unlike rusqlite's, the trait is safe and has no lifetime: the type needs no `base` field, and
/// a cursor does not borrow its table. A table lives inside its connection, so it is `Send`.
pub trait VTab: Sized + Send + 'static {
    /// Data given once to [`Connection::create_module`] and lent to every `connect`/`create`.
    type Aux: Send + Sync + 'static;
    /// The cursor [`open`](VTab::open) returns.
    type Cursor: VTabCursor + 'static;

    /// Connects to an existing table (or, for an eponymous table, the module itself) and returns
    /// its schema, a `CREATE TABLE` statement whose table name is ignored, with the table.
    /// `args` are the module arguments of `CREATE VIRTUAL TABLE t USING module(args…)`.
    ///
    /// # Errors
    /// Any error: the statement that needed the table fails with it.
    fn connect(
        db: &mut VTabConnection,
        aux: Option<&Self::Aux>,
        module_name: &[u8],
        database_name: &[u8],
        table_name: &[u8],
        args: &[&[u8]],
    ) -> Result<(Cow<'static, CStr>, Self)>;

    /// Chooses how to search the table for one query plan (<https://sqlite.org/vtab.html#xbestindex>):
    /// read the constraints and `ORDER BY` from `info`, say which constraints' values
    /// [`filter`](VTabCursor::filter) gets, and estimate the cost. `Ok(false)` says this plan
    /// cannot be used (SQLite then tries another).
    ///
    /// # Errors
    /// Any error: the statement fails to prepare with it.
    fn best_index(&self, info: &mut IndexInfo) -> Result<bool>;

    /// A new cursor for one scan of the table.
    ///
    /// # Errors
    /// Any error: the statement fails with it.
    fn open(&mut self) -> Result<Self::Cursor>;
}

/// A virtual table made by `CREATE VIRTUAL TABLE` (rusqlite's `CreateVTab`).
pub trait CreateVTab: VTab {
    /// Whether the table is also usable by the module's name; for
    /// [`VTabKind::EponymousOnly`], `create` and `destroy` are never called.
    const KIND: VTabKind;

    /// Makes the table's storage for `CREATE VIRTUAL TABLE`; by default, [`VTab::connect`].
    ///
    /// # Errors
    /// Any error: the `CREATE VIRTUAL TABLE` fails with it.
    fn create(
        db: &mut VTabConnection,
        aux: Option<&Self::Aux>,
        module_name: &[u8],
        database_name: &[u8],
        table_name: &[u8],
        args: &[&[u8]],
    ) -> Result<(Cow<'static, CStr>, Self)> {
        Self::connect(db, aux, module_name, database_name, table_name, args)
    }

    /// Removes the table's storage for `DROP TABLE`; nothing by default.
    ///
    /// # Errors
    /// Any error: the `DROP TABLE` fails and the table stays.
    fn destroy(&self) -> Result<()> {
        Ok(())
    }
}

/// A virtual table that can be written (rusqlite's `UpdateVTab`).
pub trait UpdateVTab: CreateVTab {
    /// Deletes the row with this rowid (or primary key, for a `WITHOUT ROWID` table).
    ///
    /// # Errors
    /// Any error: the statement fails with it.
    fn delete(&mut self, arg: crate::ValueRef<'_>) -> Result<()>;

    /// Inserts a row: `args[0]` is NULL, `args[1]` the new rowid (NULL: choose one), then the
    /// columns. Returns the new row's rowid.
    ///
    /// # Errors
    /// Any error: the statement fails with it.
    fn insert(&mut self, args: &Inserts<'_>) -> Result<i64>;

    /// Updates a row: `args[0]` is its rowid, `args[1]` its new rowid, then the columns.
    ///
    /// # Errors
    /// Any error: the statement fails with it.
    fn update(&mut self, args: &Updates<'_>) -> Result<()>;
}

/// A writable virtual table that takes part in transactions (rusqlite's `TransactionVTab`).
/// Every method does nothing by default.
pub trait TransactionVTab: UpdateVTab {
    /// A transaction starts.
    ///
    /// # Errors
    /// Any error: the statement that started it fails.
    fn begin(&mut self) -> Result<()> {
        Ok(())
    }
    /// The first phase of a commit: make the changes durable, or fail.
    ///
    /// # Errors
    /// Any error: the commit fails and the transaction rolls back.
    fn sync(&mut self) -> Result<()> {
        Ok(())
    }
    /// The transaction commits.
    ///
    /// # Errors
    /// Reported, but SQLite has committed the other tables.
    fn commit(&mut self) -> Result<()> {
        Ok(())
    }
    /// The transaction rolls back.
    ///
    /// # Errors
    /// Reported; the rollback goes on.
    fn rollback(&mut self) -> Result<()> {
        Ok(())
    }
}

/// A cursor: one scan of a virtual table (rusqlite's `VTabCursor`, safe).
pub trait VTabCursor: Sized {
    /// Starts a scan with the plan `best_index` chose (`idx_num`, `idx_str`) and the values of
    /// the constraints it asked for, in their `argv_index` order.
    ///
    /// # Errors
    /// Any error: the statement fails with it.
    fn filter(&mut self, idx_num: c_int, idx_str: Option<&str>, args: &Filters<'_>) -> Result<()>;
    /// Moves to the next row.
    ///
    /// # Errors
    /// Any error: the statement fails with it.
    fn next(&mut self) -> Result<()>;
    /// Whether the scan is past its last row.
    fn eof(&self) -> bool;
    /// Sets column `i` of the current row as `ctx`'s result.
    ///
    /// # Errors
    /// Any error: the statement fails with it.
    fn column(&self, ctx: &mut Context, i: c_int) -> Result<()>;
    /// The current row's rowid.
    ///
    /// # Errors
    /// Any error: the statement fails with it.
    fn rowid(&self) -> Result<i64>;
}

/// The operator of a constraint [`VTab::best_index`] is offered (rusqlite's names;
/// <https://sqlite.org/c3ref/c_index_constraint_eq.html>).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types, missing_docs)]
pub enum IndexConstraintOp {
    SQLITE_INDEX_CONSTRAINT_EQ,
    SQLITE_INDEX_CONSTRAINT_GT,
    SQLITE_INDEX_CONSTRAINT_LE,
    SQLITE_INDEX_CONSTRAINT_LT,
    SQLITE_INDEX_CONSTRAINT_GE,
    SQLITE_INDEX_CONSTRAINT_MATCH,
    SQLITE_INDEX_CONSTRAINT_LIKE,
    SQLITE_INDEX_CONSTRAINT_GLOB,
    SQLITE_INDEX_CONSTRAINT_REGEXP,
    SQLITE_INDEX_CONSTRAINT_NE,
    SQLITE_INDEX_CONSTRAINT_ISNOT,
    SQLITE_INDEX_CONSTRAINT_ISNOTNULL,
    SQLITE_INDEX_CONSTRAINT_ISNULL,
    SQLITE_INDEX_CONSTRAINT_IS,
    SQLITE_INDEX_CONSTRAINT_LIMIT,
    SQLITE_INDEX_CONSTRAINT_OFFSET,
    /// A function the table overloads (`xFindFunction`), with the code it returned.
    SQLITE_INDEX_CONSTRAINT_FUNCTION(u8),
}

impl From<u8> for IndexConstraintOp {
    fn from(code: u8) -> Self {
        use crate::ffi;
        use IndexConstraintOp::*;
        // The codes, from sqlite3.h; anything else at or above 150 is a function's.
        match c_int::from(code) {
            ffi::SQLITE_INDEX_CONSTRAINT_EQ => SQLITE_INDEX_CONSTRAINT_EQ,
            ffi::SQLITE_INDEX_CONSTRAINT_GT => SQLITE_INDEX_CONSTRAINT_GT,
            ffi::SQLITE_INDEX_CONSTRAINT_LE => SQLITE_INDEX_CONSTRAINT_LE,
            ffi::SQLITE_INDEX_CONSTRAINT_LT => SQLITE_INDEX_CONSTRAINT_LT,
            ffi::SQLITE_INDEX_CONSTRAINT_GE => SQLITE_INDEX_CONSTRAINT_GE,
            ffi::SQLITE_INDEX_CONSTRAINT_MATCH => SQLITE_INDEX_CONSTRAINT_MATCH,
            ffi::SQLITE_INDEX_CONSTRAINT_LIKE => SQLITE_INDEX_CONSTRAINT_LIKE,
            ffi::SQLITE_INDEX_CONSTRAINT_GLOB => SQLITE_INDEX_CONSTRAINT_GLOB,
            ffi::SQLITE_INDEX_CONSTRAINT_REGEXP => SQLITE_INDEX_CONSTRAINT_REGEXP,
            ffi::SQLITE_INDEX_CONSTRAINT_NE => SQLITE_INDEX_CONSTRAINT_NE,
            ffi::SQLITE_INDEX_CONSTRAINT_ISNOT => SQLITE_INDEX_CONSTRAINT_ISNOT,
            ffi::SQLITE_INDEX_CONSTRAINT_ISNOTNULL => SQLITE_INDEX_CONSTRAINT_ISNOTNULL,
            ffi::SQLITE_INDEX_CONSTRAINT_ISNULL => SQLITE_INDEX_CONSTRAINT_ISNULL,
            ffi::SQLITE_INDEX_CONSTRAINT_IS => SQLITE_INDEX_CONSTRAINT_IS,
            ffi::SQLITE_INDEX_CONSTRAINT_LIMIT => SQLITE_INDEX_CONSTRAINT_LIMIT,
            ffi::SQLITE_INDEX_CONSTRAINT_OFFSET => SQLITE_INDEX_CONSTRAINT_OFFSET,
            _ => SQLITE_INDEX_CONSTRAINT_FUNCTION(code),
        }
    }
}

bitflags::bitflags! {
    /// Facts about a plan [`VTab::best_index`] reports (<https://sqlite.org/c3ref/c_index_scan_unique.html>).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct IndexFlags: c_int {
        /// Nothing to say.
        const NONE = 0;
        /// The scan visits at most one row.
        const SQLITE_INDEX_SCAN_UNIQUE = 1;
        /// `EXPLAIN QUERY PLAN` shows `idx_num` in hexadecimal (SQLite 3.47).
        const SQLITE_INDEX_SCAN_HEX = 2;
    }
}

/// How SQLite uses the rows of a scan for `DISTINCT`/`GROUP BY` ([`IndexInfo::distinct`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DistinctMode {
    /// Rows must come in `ORDER BY` order.
    Ordered,
    /// Rows equal in the `ORDER BY` columns must come next to each other (`GROUP BY`).
    Grouped,
    /// Rows equal in the `ORDER BY` columns may be dropped but one (`DISTINCT`).
    Distinct,
    /// `DISTINCT` over the `ORDER BY` columns and grouped as well.
    DistinctOrdered,
}

/// The `ON CONFLICT` mode of the statement writing a virtual table ([`Inserts::on_conflict`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConflictMode {
    /// `OR ROLLBACK`.
    Rollback,
    /// `OR IGNORE`.
    Ignore,
    /// `OR FAIL`.
    Fail,
    /// `OR ABORT`, the default.
    Abort,
    /// `OR REPLACE`.
    Replace,
}

impl Connection {
    /// Registers the virtual table module `module` as `module_name`, with `aux` lent to each
    /// table it connects (rusqlite's `create_module`). Registering a name again replaces the
    /// module for tables connected after; `aux` is dropped when SQLite lets go of it.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// lite3::vtab::series::load_module(&conn)?; // create_module("generate_series", …)
    /// let n: i64 = conn.query_row("SELECT count(*) FROM generate_series(1, 100)", (), |r| r.get(0))?;
    /// assert_eq!(n, 100);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Nul`] for a name with a NUL byte; SQLite's error (`aux` is dropped then).
    pub fn create_module<T: VTab, M: Name>(
        &self,
        module_name: M,
        module: &'static Module<T>,
        aux: Option<T::Aux>,
    ) -> Result<()> {
        let name = module_name.as_cstr()?;
        self.callbacks.mark_changed();
        crate::raw::vtab::create_module(self.raw(), &name, module, aux)
    }
}

/// The error for a module argument or value a module cannot use.
pub(crate) fn module_error(message: impl Into<String>) -> Error {
    Error::ModuleError(message.into())
}
