//! The data-change hooks (commit, rollback, update) and the progress handler: registration and
//! the `extern "C"` trampolines SQLite calls. Each runs the closure under [`catch`]: a panic is
//! parked and resumes in the caller once the SQLite call returns. The returned owner is kept by
//! the connection (see `crate::callbacks`) until SQLite has let go of the closure.

use super::RawConnection;
use super::callback::BoxedCallback;
use super::door::hook_scope::HookScope;
use super::panic::catch;
#[cfg(feature = "preupdate_hook")]
use super::preupdate::PreUpdateRow;
use super::wal::HookTarget;
use crate::{Result, ffi};
use std::ffi::{c_char, c_int, c_void};

/// A hook's closure with the connection it belongs to, so that while it runs a call back into
/// that connection is refused (see `door::hook_scope`).
pub(crate) struct Hooked<F> {
    db: *mut ffi::sqlite3,
    name: &'static str,
    f: F,
}

// SAFETY: `db` is only compared, never dereferenced; `F` is Send.
unsafe impl<F: Send> Send for Hooked<F> {}

impl<F> Hooked<F> {
    /// Runs the closure under [`catch`] with its connection closed to re-entry.
    ///
    /// # Safety
    /// `data` is the live `Box<Hooked<F>>` of a registration, called by SQLite on the thread
    /// using the connection and never re-entrantly (re-entry is what the scope refuses).
    pub(crate) unsafe fn run<R>(data: *mut c_void, call: impl FnOnce(&mut F) -> R) -> Option<R> {
        // SAFETY: guaranteed by the caller; the &mut is unique for this call.
        let hooked = unsafe { &mut *data.cast::<Hooked<F>>() };
        let _scope = HookScope::enter(hooked.db, hooked.name);
        catch(|| call(&mut hooked.f))
    }
}

/// Boxes `hook` for `conn` as the hook `name`, or nothing: the owner and the pointer SQLite gets.
pub(crate) fn boxed<F: Send + 'static>(
    conn: &RawConnection,
    name: &'static str,
    hook: Option<F>,
) -> (Option<BoxedCallback>, *mut c_void) {
    let owner = hook.map(|f| {
        BoxedCallback::new(Hooked {
            db: conn.as_ptr(),
            name,
            f,
        })
    });
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
    let (owner, data) = boxed(conn, "commit", hook);
    install(conn, |db| {
        // SAFETY: the connection is open; `data` is the Box<Hooked<F>> owned by `owner`, which the
        // connection keeps while it is registered. The previous pointer SQLite returns is the
        // previous owner's, which the connection still holds.
        unsafe { ffi::sqlite3_commit_hook(db, callback, data) };
    })?;
    Ok(owner)
}

unsafe extern "C" fn commit<F: FnMut() -> bool>(data: *mut c_void) -> c_int {
    // SAFETY: `data` is the live Box<Hooked<F>> registered in `set_commit_hook`.
    let verdict = unsafe { Hooked::<F>::run(data, |f| f()) };
    // None (a panic) rolls back, like true.
    c_int::from(verdict.unwrap_or(true))
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
    let (owner, data) = boxed(conn, "rollback", hook);
    install(conn, |db| {
        // SAFETY: as for `set_commit_hook`: `data` is the Box<Hooked<F>> the connection keeps.
        unsafe { ffi::sqlite3_rollback_hook(db, callback, data) };
    })?;
    Ok(owner)
}

unsafe extern "C" fn rollback<F: FnMut()>(data: *mut c_void) {
    // SAFETY: `data` is the live Box<Hooked<F>> registered in `set_rollback_hook`.
    let _ = unsafe { Hooked::<F>::run(data, |f| f()) };
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
    let (owner, data) = boxed(conn, "update", hook);
    install(conn, |db| {
        // SAFETY: as for `set_commit_hook`: `data` is the Box<Hooked<F>> the connection keeps.
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
    // SAFETY: the names are NUL-terminated strings valid for this call.
    let (db_name, table) = unsafe {
        (
            super::optional_str(db_name).unwrap_or(""),
            super::optional_str(table).unwrap_or(""),
        )
    };
    // SAFETY: `data` is the live Box<Hooked<F>> registered in `set_update_hook`.
    let _ = unsafe { Hooked::<F>::run(data, |f| f(op, db_name, table, rowid)) };
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
    let (owner, data) = boxed(conn, "progress", handler);
    install(conn, |db| {
        // SAFETY: as for `set_commit_hook`: `data` is the Box<Hooked<F>> the connection keeps.
        unsafe { ffi::sqlite3_progress_handler(db, ops, callback, data) };
    })?;
    Ok(owner)
}

unsafe extern "C" fn progress<F: FnMut() -> bool>(data: *mut c_void) -> c_int {
    // SAFETY: `data` is the live Box<Hooked<F>> registered in `set_progress_handler`.
    let verdict = unsafe { Hooked::<F>::run(data, |f| f()) };
    c_int::from(verdict.unwrap_or(true))
}

/// `sqlite3_set_authorizer`: the closure gets the action code and SQLite's four strings
/// (two arguments, the database, the trigger or view) and answers with SQLITE_OK, SQLITE_IGNORE
/// or SQLITE_DENY; a panic denies.
pub(crate) fn set_authorizer<F>(
    conn: &RawConnection,
    hook: Option<F>,
) -> Result<Option<BoxedCallback>>
where
    F: FnMut(c_int, [Option<&str>; 4]) -> c_int + Send + 'static,
{
    type Authorize = unsafe extern "C" fn(
        *mut c_void,
        c_int,
        *const c_char,
        *const c_char,
        *const c_char,
        *const c_char,
    ) -> c_int;
    let callback = hook.as_ref().map(|_| authorize::<F> as Authorize);
    let (owner, data) = boxed(conn, "authorizer", hook);
    // SAFETY: the connection is open; `data` is the Box<Hooked<F>> the connection keeps while
    // it is registered (the previous one is still held until this returns).
    conn.call(|db| unsafe { ffi::sqlite3_set_authorizer(db, callback, data) })?;
    Ok(owner)
}

unsafe extern "C" fn authorize<F: FnMut(c_int, [Option<&str>; 4]) -> c_int>(
    data: *mut c_void,
    code: c_int,
    arg1: *const c_char,
    arg2: *const c_char,
    database: *const c_char,
    accessor: *const c_char,
) -> c_int {
    // SAFETY: the strings are null or NUL-terminated and valid for this call.
    let args = unsafe { [arg1, arg2, database, accessor].map(|p| super::optional_str(p)) };
    // SAFETY: `data` is the live Box<Hooked<F>> registered in `set_authorizer`.
    let answer = unsafe { Hooked::<F>::run(data, |f| f(code, args)) };
    answer.unwrap_or(ffi::SQLITE_DENY)
}

/// `sqlite3_wal_hook`: the closure gets the connection, the database's name and the number of
/// pages in the WAL after a commit. An error it returns is parked as
/// [`Error::WalHookFailed`](crate::Error::WalHookFailed) (the commit has happened) and its code
/// goes to SQLite, which reports it through the committing statement; a panic does the same
/// with SQLITE_ERROR and resumes in the caller.
pub(crate) fn set_wal_hook<F>(
    conn: &RawConnection,
    hook: Option<F>,
) -> Result<Option<BoxedCallback>>
where
    F: FnMut(HookTarget, c_int) -> Result<()> + Send + 'static,
{
    type WalHook =
        unsafe extern "C" fn(*mut c_void, *mut ffi::sqlite3, *const c_char, c_int) -> c_int;
    let callback = hook.as_ref().map(|_| wal::<F> as WalHook);
    let (owner, data) = boxed(conn, "WAL", hook);
    install(conn, |db| {
        // SAFETY: as for `set_commit_hook`: `data` is the Box<Hooked<F>> the connection keeps.
        unsafe { ffi::sqlite3_wal_hook(db, callback, data) };
    })?;
    Ok(owner)
}

unsafe extern "C" fn wal<F>(
    data: *mut c_void,
    db: *mut ffi::sqlite3,
    name: *const c_char,
    pages: c_int,
) -> c_int
where
    F: FnMut(HookTarget, c_int) -> Result<()>,
{
    // SAFETY: SQLite is running this connection's WAL hook with the database's name; the
    // target is moved into the closure's call and dropped when it returns.
    let target = unsafe { HookTarget::new(db, name) };
    // SAFETY: `data` is the live Box<Hooked<F>> registered in `set_wal_hook`.
    match unsafe { Hooked::<F>::run(data, |f| f(target, pages)) } {
        Some(Ok(())) => ffi::SQLITE_OK,
        Some(Err(error)) => {
            let code = error
                .sqlite_error()
                .map_or(ffi::SQLITE_ERROR, |e| e.extended_code);
            let error = crate::Error::WalHookFailed {
                source: Box::new(error),
            };
            super::panic::park_error(db, error);
            code
        }
        None => ffi::SQLITE_ERROR,
    }
}

/// `sqlite3_preupdate_hook`: the closure gets the connection, the operation code, database and
/// table names, and the rowids before and after the change.
#[cfg(feature = "preupdate_hook")]
pub(crate) fn set_preupdate_hook<F>(
    conn: &RawConnection,
    hook: Option<F>,
) -> Result<Option<BoxedCallback>>
where
    F: FnMut(c_int, &str, &str, [PreUpdateRow; 2], i64, i64) + Send + 'static,
{
    type PreUpdate = unsafe extern "C" fn(
        *mut c_void,
        *mut ffi::sqlite3,
        c_int,
        *const c_char,
        *const c_char,
        i64,
        i64,
    );
    let callback = hook.as_ref().map(|_| preupdate::<F> as PreUpdate);
    let (owner, data) = boxed(conn, "preupdate", hook);
    install(conn, |db| {
        // SAFETY: as for `set_commit_hook`: `data` is the Box<Hooked<F>> the connection keeps.
        unsafe { ffi::sqlite3_preupdate_hook(db, callback, data) };
    })?;
    Ok(owner)
}

#[cfg(feature = "preupdate_hook")]
unsafe extern "C" fn preupdate<F>(
    data: *mut c_void,
    db: *mut ffi::sqlite3,
    op: c_int,
    db_name: *const c_char,
    table: *const c_char,
    old_rowid: i64,
    new_rowid: i64,
) where
    F: FnMut(c_int, &str, &str, [PreUpdateRow; 2], i64, i64),
{
    // SAFETY: the names are NUL-terminated strings valid for this call.
    let (db_name, table) = unsafe {
        (
            super::optional_str(db_name).unwrap_or(""),
            super::optional_str(table).unwrap_or(""),
        )
    };
    // SAFETY: SQLite is running this connection's preupdate hook; the rows are moved into the
    // closure's call and dropped when it returns.
    let rows = unsafe { [PreUpdateRow::new(db), PreUpdateRow::new(db)] };
    // SAFETY: `data` is the live Box<Hooked<F>> registered in `set_preupdate_hook`.
    let _ =
        unsafe { Hooked::<F>::run(data, |f| f(op, db_name, table, rows, old_rowid, new_rowid)) };
}
