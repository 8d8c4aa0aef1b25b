//! What a [preupdate hook](crate::Connection::preupdate_hook) sees of the row being changed,
//! in rusqlite's shapes: [`PreUpdateCase`] and its two accessors. They exist only as the
//! `&PreUpdateCase` a running hook is lent (they cannot be cloned or moved out of it), so their
//! values are read while SQLite still holds the row.

use crate::hooks::Action;
use crate::raw::preupdate::PreUpdateRow;
use crate::types::ValueRef;
use crate::{Result, ffi};
use std::ffi::c_int;

/// The change a preupdate hook is told about, with accessors for the values SQLite offers.
#[derive(Debug)]
pub enum PreUpdateCase {
    /// A row is being inserted: its new values.
    Insert(PreUpdateNewValueAccessor),
    /// A row is being deleted: its old values.
    Delete(PreUpdateOldValueAccessor),
    /// A row is being updated: its values before and after.
    Update {
        /// The row as it is now.
        old_value_accessor: PreUpdateOldValueAccessor,
        /// The row as it will be.
        new_value_accessor: PreUpdateNewValueAccessor,
    },
    /// An operation code this version of lite3 does not know.
    Unknown,
}

impl PreUpdateCase {
    /// The case for operation `op`, reading through `old` and `new` (the same connection's).
    pub(crate) fn new(
        op: c_int,
        old: PreUpdateRow,
        new: PreUpdateRow,
        old_rowid: i64,
        new_rowid: i64,
    ) -> Self {
        let old = PreUpdateOldValueAccessor {
            row: old,
            old_row_id: old_rowid,
        };
        let new = PreUpdateNewValueAccessor {
            row: new,
            new_row_id: new_rowid,
        };
        match op {
            ffi::SQLITE_INSERT => Self::Insert(new),
            ffi::SQLITE_DELETE => Self::Delete(old),
            ffi::SQLITE_UPDATE => Self::Update {
                old_value_accessor: old,
                new_value_accessor: new,
            },
            _ => Self::Unknown,
        }
    }
}

impl From<PreUpdateCase> for Action {
    fn from(case: PreUpdateCase) -> Action {
        match case {
            PreUpdateCase::Insert(_) => Action::SQLITE_INSERT,
            PreUpdateCase::Delete(_) => Action::SQLITE_DELETE,
            PreUpdateCase::Update { .. } => Action::SQLITE_UPDATE,
            PreUpdateCase::Unknown => Action::UNKNOWN,
        }
    }
}

/// Reads the values a row has before an update or delete.
#[derive(Debug)]
pub struct PreUpdateOldValueAccessor {
    row: PreUpdateRow,
    old_row_id: i64,
}

/// Reads the values a row will have after an insert or update.
#[derive(Debug)]
pub struct PreUpdateNewValueAccessor {
    row: PreUpdateRow,
    new_row_id: i64,
}

impl PreUpdateOldValueAccessor {
    /// The number of columns in the row.
    #[must_use]
    pub fn get_column_count(&self) -> i32 {
        self.row.column_count()
    }

    /// 0 for a change made by a top-level statement, 1 for one made by a trigger, and so on.
    #[must_use]
    pub fn get_query_depth(&self) -> i32 {
        self.row.depth()
    }

    /// The rowid of the row before the change.
    #[must_use]
    pub fn get_old_row_id(&self) -> i64 {
        self.old_row_id
    }

    /// Column `i`'s value before the change.
    ///
    /// # Errors
    /// SQLite's error for a column index out of range (`Misuse` in the vendored SQLite, `Range`
    /// in 3.40).
    pub fn get_old_column_value(&self, i: i32) -> Result<ValueRef<'_>> {
        self.row.old(i)
    }
}

impl PreUpdateNewValueAccessor {
    /// The number of columns in the row.
    #[must_use]
    pub fn get_column_count(&self) -> i32 {
        self.row.column_count()
    }

    /// 0 for a change made by a top-level statement, 1 for one made by a trigger, and so on.
    #[must_use]
    pub fn get_query_depth(&self) -> i32 {
        self.row.depth()
    }

    /// The rowid of the row after the change.
    #[must_use]
    pub fn get_new_row_id(&self) -> i64 {
        self.new_row_id
    }

    /// Column `i`'s value after the change.
    ///
    /// # Errors
    /// SQLite's error for a column index out of range (`Misuse` in the vendored SQLite, `Range`
    /// in 3.40).
    pub fn get_new_column_value(&self, i: i32) -> Result<ValueRef<'_>> {
        self.row.new_value(i)
    }
}
