//! Reading the row a preupdate hook is called for (see `crate::preupdate`).

use super::door::call_from_callback;
use crate::types::ValueRef;
use crate::{Result, ffi};
use std::ffi::c_int;

/// The connection whose preupdate hook is running. Built only by the hook's trampoline and
/// lent to the hook (inside a `&PreUpdateCase`) for the call.
#[derive(Debug)]
pub(crate) struct PreUpdateRow {
    db: *mut ffi::sqlite3,
}

impl PreUpdateRow {
    /// # Safety
    /// `db` is the connection whose preupdate hook is running on this thread; the value must
    /// not outlive the hook.
    pub(crate) unsafe fn new(db: *mut ffi::sqlite3) -> Self {
        Self { db }
    }

    pub(crate) fn column_count(&self) -> i32 {
        // SAFETY: per `new`; this reads what SQLite set up for the hook.
        unsafe { ffi::sqlite3_preupdate_count(self.db) }
    }

    pub(crate) fn depth(&self) -> i32 {
        // SAFETY: as in `column_count`.
        unsafe { ffi::sqlite3_preupdate_depth(self.db) }
    }

    pub(crate) fn old(&self, i: c_int) -> Result<ValueRef<'_>> {
        self.read(i, ffi::sqlite3_preupdate_old)
    }

    pub(crate) fn new_value(&self, i: c_int) -> Result<ValueRef<'_>> {
        self.read(i, ffi::sqlite3_preupdate_new)
    }

    fn read(
        &self,
        i: c_int,
        read: unsafe extern "C" fn(*mut ffi::sqlite3, c_int, *mut *mut ffi::sqlite3_value) -> c_int,
    ) -> Result<ValueRef<'_>> {
        let mut value = std::ptr::null_mut();
        // SAFETY: per `new`, the hook of `db` is running, where SQLite allows these reads;
        // `value` receives SQLite's value, valid until the hook returns.
        unsafe { call_from_callback(self.db, |db| read(db, i, &mut value)) }?;
        // SAFETY: a live value, unchanged while the hook runs, which `&self` does not outlast.
        unsafe { super::value_ref(value) }
            .map_err(|failure| failure.into_error(&format!("preupdate column {i}")))
    }
}
