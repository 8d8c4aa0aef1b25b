//! What a virtual table's methods are handed besides `self`: the connection being connected
//! ([`VTabConnection`]), a cell's result ([`Context`]), a scan's arguments ([`Filters`]) and a
//! written row ([`Inserts`], [`Updates`]).

use super::values::Values;
use crate::types::ToSql;
use crate::vtab::{ConflictMode, VTabConfig};
use crate::{Error, Result, ffi};
use std::ffi::c_int;
use std::marker::PhantomData;
use std::ops::Deref;

/// The connection a table is being connected to, lent to [`VTab::connect`] and
/// [`CreateVTab::create`](crate::vtab::CreateVTab::create) (rusqlite's `VTabConnection`).
///
/// [`VTab::connect`]: crate::vtab::VTab::connect
pub struct VTabConnection {
    db: *mut ffi::sqlite3,
}

impl VTabConnection {
    /// # Safety
    /// `db` is the connection whose `xConnect`/`xCreate` is running on this thread.
    pub(crate) unsafe fn new(db: *mut ffi::sqlite3) -> Self {
        VTabConnection { db }
    }

    /// Sets an option of the table being connected.
    ///
    /// # Errors
    /// SQLite's error (`SQLITE_MISUSE` outside `connect`/`create`).
    pub fn config(&mut self, config: VTabConfig) -> Result<()> {
        let op = match config {
            VTabConfig::ConstraintSupport => ffi::SQLITE_VTAB_CONSTRAINT_SUPPORT,
            VTabConfig::Innocuous => ffi::SQLITE_VTAB_INNOCUOUS,
            VTabConfig::DirectOnly => ffi::SQLITE_VTAB_DIRECTONLY,
            // SQLITE_VTAB_USES_ALL_SCHEMAS (SQLite 3.44; older libraries refuse it as misuse).
            VTabConfig::UsesAllSchemas => 4,
        };
        // SAFETY: `db` is the connection whose xConnect/xCreate runs now, where SQLite allows
        // sqlite3_vtab_config. CONSTRAINT_SUPPORT reads one int argument, the others none.
        unsafe {
            super::door::call_from_callback(self.db, |db| {
                if config == VTabConfig::ConstraintSupport {
                    ffi::sqlite3_vtab_config(db, op, 1 as c_int)
                } else {
                    ffi::sqlite3_vtab_config(db, op)
                }
            })
        }
    }
}

impl std::fmt::Debug for VTabConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VTabConnection")
    }
}

/// Where [`VTabCursor::column`](crate::vtab::VTabCursor::column) puts a cell's value
/// (rusqlite's `vtab::Context`).
pub struct Context {
    ctx: *mut ffi::sqlite3_context,
}

impl Context {
    /// # Safety
    /// `ctx` is the live context of the running `xColumn` call.
    pub(crate) unsafe fn new(ctx: *mut ffi::sqlite3_context) -> Self {
        Context { ctx }
    }

    /// Sets the cell's value.
    ///
    /// # Errors
    /// When `value`'s conversion fails.
    pub fn set_result<T: ToSql>(&mut self, value: T) -> Result<()> {
        let out = value.to_sql()?;
        super::function::set_output(self.ctx, &out);
        Ok(())
    }

    /// Whether the column is read only for an `UPDATE` that does not change it: the method may
    /// then set no value (SQLite passes "unchanged" to `update`, see [`Updates::no_change`]).
    #[must_use]
    pub fn no_change(&self) -> bool {
        // SAFETY: `ctx` is the live context of the running xColumn call.
        unsafe { ffi::sqlite3_vtab_nochange(self.ctx) != 0 }
    }
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("vtab::Context")
    }
}

/// The values of the constraints `best_index` asked for, in `argv_index` order (rusqlite's
/// `Filters`).
#[derive(Debug)]
pub struct Filters<'a> {
    values: Values<'a>,
}

impl<'a> Filters<'a> {
    pub(crate) fn new(values: Values<'a>) -> Self {
        Filters { values }
    }

    /// The values of the `IN (…)` constraint at argument `idx`, which `best_index` asked for
    /// whole with [`IndexInfo::set_in_constraint`](crate::vtab::IndexInfo::set_in_constraint).
    ///
    /// # Errors
    /// [`Error::ModuleError`] when there is no such argument; reading a value fails with
    /// SQLite's error (e.g. `SQLITE_MISUSE` when the argument is no whole `IN` list).
    pub fn in_values(&self, idx: usize) -> Result<InValues<'_>> {
        let list = self
            .values
            .raw(idx)
            .ok_or_else(|| Error::ModuleError(format!("there is no argument {idx}")))?;
        Ok(InValues {
            list,
            first: true,
            _values: PhantomData,
        })
    }
}

impl<'a> Deref for Filters<'a> {
    type Target = Values<'a>;

    fn deref(&self) -> &Values<'a> {
        &self.values
    }
}

/// The values of an `IN (…)` list ([`Filters::in_values`]), each owned.
#[derive(Debug)]
pub struct InValues<'a> {
    list: *mut ffi::sqlite3_value,
    first: bool,
    _values: PhantomData<&'a Filters<'a>>,
}

impl Iterator for InValues<'_> {
    type Item = Result<crate::Value>;

    fn next(&mut self) -> Option<Result<crate::Value>> {
        if self.list.is_null() {
            return None;
        }
        let mut value = std::ptr::null_mut();
        // SAFETY: `list` is an argument of the running xFilter call; `value` is writable.
        let rc = unsafe {
            if std::mem::take(&mut self.first) {
                ffi::sqlite3_vtab_in_first(self.list, &mut value)
            } else {
                ffi::sqlite3_vtab_in_next(self.list, &mut value)
            }
        };
        match rc {
            // SAFETY: SQLite's value lives until the next call; it is copied now.
            ffi::SQLITE_OK => Some(
                unsafe { super::value_ref(value) }
                    .map(|value| value.to_owned())
                    .map_err(|f| f.into_error("an IN value")),
            ),
            ffi::SQLITE_DONE => {
                self.list = std::ptr::null_mut();
                None
            }
            rc => {
                // One error, then the end.
                self.list = std::ptr::null_mut();
                Some(Err(Error::Sqlite(super::error::from_code(rc))))
            }
        }
    }
}

/// The row an `INSERT` writes (rusqlite's `Inserts`): `[0]` is NULL, `[1]` the new rowid
/// (NULL: the table chooses), then the columns.
#[derive(Debug)]
pub struct Inserts<'a> {
    values: Values<'a>,
    db: *mut ffi::sqlite3,
}

/// The row an `UPDATE` writes (rusqlite's `Updates`): `[0]` the old rowid, `[1]` the new one,
/// then the columns.
#[derive(Debug)]
pub struct Updates<'a> {
    values: Values<'a>,
    db: *mut ffi::sqlite3,
}

impl<'a> Inserts<'a> {
    /// # Safety
    /// `db` is the connection whose `xUpdate` is running with `values`.
    pub(crate) unsafe fn new(values: Values<'a>, db: *mut ffi::sqlite3) -> Self {
        Inserts { values, db }
    }

    /// The statement's `ON CONFLICT` mode (safe here: rusqlite's takes a raw handle).
    #[must_use]
    pub fn on_conflict(&self) -> ConflictMode {
        conflict_mode(self.db)
    }
}

impl<'a> Updates<'a> {
    /// # Safety
    /// `db` is the connection whose `xUpdate` is running with `values`.
    pub(crate) unsafe fn new(values: Values<'a>, db: *mut ffi::sqlite3) -> Self {
        Updates { values, db }
    }

    /// The statement's `ON CONFLICT` mode (safe here: rusqlite's takes a raw handle).
    #[must_use]
    pub fn on_conflict(&self) -> ConflictMode {
        conflict_mode(self.db)
    }

    /// Whether value `idx` is a column the `UPDATE` leaves unchanged and whose value
    /// [`column`](crate::vtab::VTabCursor::column) did not set (see [`Context::no_change`]).
    #[must_use]
    pub fn no_change(&self, idx: usize) -> bool {
        // SAFETY: the value is an argument of the running xUpdate call.
        self.values
            .raw(idx)
            .is_some_and(|value| unsafe { ffi::sqlite3_value_nochange(value) } != 0)
    }
}

impl<'a> Deref for Inserts<'a> {
    type Target = Values<'a>;

    fn deref(&self) -> &Values<'a> {
        &self.values
    }
}

impl<'a> Deref for Updates<'a> {
    type Target = Values<'a>;

    fn deref(&self) -> &Values<'a> {
        &self.values
    }
}

fn conflict_mode(db: *mut ffi::sqlite3) -> ConflictMode {
    // SAFETY: `db` is the connection whose xUpdate is running (the types' constructors say so).
    match unsafe { ffi::sqlite3_vtab_on_conflict(db) } {
        ffi::SQLITE_ROLLBACK => ConflictMode::Rollback,
        ffi::SQLITE_IGNORE => ConflictMode::Ignore,
        ffi::SQLITE_FAIL => ConflictMode::Fail,
        ffi::SQLITE_REPLACE => ConflictMode::Replace,
        _ => ConflictMode::Abort,
    }
}
