//! The data-change hooks (commit, rollback, update) and the progress handler: registration and
//! the `extern "C"` trampolines SQLite calls. Each runs the closure under [`catch`]: a panic is
//! parked and resumes in the caller once the SQLite call returns. The returned owner is kept by
//! the connection (see `crate::callbacks`) until SQLite has let go of the closure.

use super::RawConnection;
use super::callback::BoxedCallback;
use super::panic::catch;
use crate::{Result, ffi};
use std::ffi::{c_char, c_int, c_void};

/// Boxes `hook`, or nothing: the owner and the pointer SQLite gets.
fn boxed<F: Send + 'static>(hook: Option<F>) -> (Option<BoxedCallback>, *mut c_void) {
    let owner = hook.map(BoxedCallback::new);
    let data = owner
        .as_ref()
        .map_or(std::ptr::null_mut(), BoxedCallback::as_ptr);
    (owner, data)
}

/// Makes one registration call through the door; these calls cannot fail once let in.
fn install(conn: &RawConnection, register: impl FnOnce(*mut ffi::sqlite3)) -> Result<()> {
    conn.call(|db| {
        register(db);
        ffi::SQLITE_OK
    })
}

/// `sqlite3_commit_hook`. The closure returns true to turn the commit into a rollback; a panic
/// does too (the commit must not happen when the hook could not say yes).
pub(crate) fn set_commit_hook<F>(
    conn: &RawConnection,
    hook: Option<F>,
) -> Result<Option<BoxedCallback>>
where
    F: FnMut() -> bool + Send + 'static,
{
    let callback = hook
        .as_ref()
        .map(|_| commit::<F> as unsafe extern "C" fn(*mut c_void) -> c_int);
    let (owner, data) = boxed(hook);
    install(conn, |db| {
        // SAFETY: the connection is open; `data` is the Box<F> owned by `owner`, which the
        // connection keeps while it is registered. The previous pointer SQLite returns is the
        // previous owner's, which the connection still holds.
        unsafe { ffi::sqlite3_commit_hook(db, callback, data) };
    })?;
    Ok(owner)
}

unsafe extern "C" fn commit<F: FnMut() -> bool>(data: *mut c_void) -> c_int {
    // SAFETY: `data` is the live Box<F> registered in `set_commit_hook`; SQLite calls hooks on the
    // thread using the connection, one at a time, so this &mut is unique.
    let f = unsafe { &mut *data.cast::<F>() };
    // None (a panic) rolls back, like true.
    c_int::from(catch(f).unwrap_or(true))
}

/// `sqlite3_rollback_hook`.
pub(crate) fn set_rollback_hook<F>(
    conn: &RawConnection,
    hook: Option<F>,
) -> Result<Option<BoxedCallback>>
where
    F: FnMut() + Send + 'static,
{
    let callback = hook
        .as_ref()
        .map(|_| rollback::<F> as unsafe extern "C" fn(*mut c_void));
    let (owner, data) = boxed(hook);
    install(conn, |db| {
        // SAFETY: as for `set_commit_hook`.
        unsafe { ffi::sqlite3_rollback_hook(db, callback, data) };
    })?;
    Ok(owner)
}

unsafe extern "C" fn rollback<F: FnMut()>(data: *mut c_void) {
    // SAFETY: as in `commit`.
    let f = unsafe { &mut *data.cast::<F>() };
    let _ = catch(f);
}

/// `sqlite3_update_hook`: the closure gets the operation code, database, table and rowid.
pub(crate) fn set_update_hook<F>(
    conn: &RawConnection,
    hook: Option<F>,
) -> Result<Option<BoxedCallback>>
where
    F: FnMut(c_int, &str, &str, i64) + Send + 'static,
{
    type Update = unsafe extern "C" fn(*mut c_void, c_int, *const c_char, *const c_char, i64);
    let callback = hook.as_ref().map(|_| update::<F> as Update);
    let (owner, data) = boxed(hook);
    install(conn, |db| {
        // SAFETY: as for `set_commit_hook`.
        unsafe { ffi::sqlite3_update_hook(db, callback, data) };
    })?;
    Ok(owner)
}

unsafe extern "C" fn update<F: FnMut(c_int, &str, &str, i64)>(
    data: *mut c_void,
    op: c_int,
    db_name: *const c_char,
    table: *const c_char,
    rowid: i64,
) {
    // SAFETY: as in `commit`; the names are NUL-terminated strings valid for this call.
    let (f, db_name, table) = unsafe {
        (
            &mut *data.cast::<F>(),
            super::optional_str(db_name).unwrap_or(""),
            super::optional_str(table).unwrap_or(""),
        )
    };
    let _ = catch(|| f(op, db_name, table, rowid));
}

/// `sqlite3_progress_handler`: the closure runs about every `ops` virtual-machine instructions
/// and returns true to interrupt the statement; a panic interrupts it too.
pub(crate) fn set_progress_handler<F>(
    conn: &RawConnection,
    ops: c_int,
    handler: Option<F>,
) -> Result<Option<BoxedCallback>>
where
    F: FnMut() -> bool + Send + 'static,
{
    // SQLite disables the handler for ops < 1; then nothing is registered or kept.
    let handler = handler.filter(|_| ops > 0);
    let callback = handler
        .as_ref()
        .map(|_| progress::<F> as unsafe extern "C" fn(*mut c_void) -> c_int);
    let (owner, data) = boxed(handler);
    install(conn, |db| {
        // SAFETY: as for `set_commit_hook`.
        unsafe { ffi::sqlite3_progress_handler(db, ops, callback, data) };
    })?;
    Ok(owner)
}

unsafe extern "C" fn progress<F: FnMut() -> bool>(data: *mut c_void) -> c_int {
    // SAFETY: as in `commit`.
    let f = unsafe { &mut *data.cast::<F>() };
    c_int::from(catch(f).unwrap_or(true))
}
