//! Callbacks SQLite keeps per connection (the busy handler, the statement profiler): the owner
//! of each boxed closure, and the `extern "C"` trampolines SQLite calls. A trampoline runs the
//! closure under [`catch`], so a panic is parked and resumes once the SQLite call returns (see
//! [`super::door`]). The owner is kept by the connection until SQLite has let go of the closure
//! (replaced, removed, or the connection closed), and only then dropped.

use super::RawConnection;
use super::panic::catch;
use crate::{Result, ffi};
use std::ffi::{c_int, c_void};
use std::panic::{self, AssertUnwindSafe};

/// A heap-allocated closure handed to SQLite as `void*`, freed when this owner drops. The owner
/// must outlive SQLite's use of the pointer (unregister first, then drop).
pub(crate) struct BoxedCallback {
    data: *mut c_void,
    free: unsafe fn(*mut c_void),
}

// SAFETY: only constructed from `F: Send` closures; the pointer is used by one thread at a time,
// the thread that owns the connection the callback is registered on.
unsafe impl Send for BoxedCallback {}

impl BoxedCallback {
    pub(crate) fn new<F: Send + 'static>(f: F) -> Self {
        unsafe fn free<F>(data: *mut c_void) {
            // SAFETY: `data` came from Box::into_raw::<F> in `new` and is freed once, by Drop.
            drop(unsafe { Box::from_raw(data.cast::<F>()) });
        }
        Self {
            data: Box::into_raw(Box::new(f)).cast(),
            free: free::<F>,
        }
    }

    pub(crate) fn as_ptr(&self) -> *mut c_void {
        self.data
    }
}

impl Drop for BoxedCallback {
    fn drop(&mut self) {
        // A panicking Drop of the user's closure must not escape a Drop of ours.
        let (data, free) = (self.data, self.free);
        // SAFETY: `data` matches `free` (both set in `new`) and is freed exactly once.
        let _ = panic::catch_unwind(AssertUnwindSafe(|| unsafe { free(data) }));
    }
}

impl std::fmt::Debug for BoxedCallback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BoxedCallback")
    }
}

/// Installs `handler` as the connection's busy handler and returns its owner, which the caller
/// keeps until the handler is replaced or the connection is closed.
pub(crate) fn set_busy_handler<F>(
    conn: &RawConnection,
    handler: Option<F>,
) -> Result<Option<BoxedCallback>>
where
    F: FnMut(u32) -> bool + Send + 'static,
{
    let callback = handler
        .as_ref()
        .map(|_| busy::<F> as unsafe extern "C" fn(*mut c_void, c_int) -> c_int);
    let (owner, data) = super::hooks::boxed(conn, "busy", handler);
    // SAFETY: the connection is open; `data` is the Box<Hooked<F>> owned by `owner`, which the
    // caller keeps alive while it is registered.
    conn.call(|db| unsafe { ffi::sqlite3_busy_handler(db, callback, data) })?;
    Ok(owner)
}

unsafe extern "C" fn busy<F: FnMut(u32) -> bool>(data: *mut c_void, count: c_int) -> c_int {
    // SAFETY: `data` is the live Box<Hooked<F>> registered in `set_busy_handler`.
    let verdict =
        unsafe { super::hooks::Hooked::<F>::run(data, |f| f(u32::try_from(count).unwrap_or(0))) };
    // A panic stops the waiting (0): the statement fails with SQLITE_BUSY and the panic resumes.
    verdict.map_or(0, c_int::from)
}

/// Installs `profile` as the connection's statement profiler (`SQLITE_TRACE_PROFILE`) and returns
/// its owner, which the caller keeps while it is registered.
pub(crate) fn set_profiler<F>(
    conn: &RawConnection,
    profile: Option<F>,
) -> Result<Option<BoxedCallback>>
where
    F: FnMut(&str, std::time::Duration) + Send + 'static,
{
    let owner = profile.map(BoxedCallback::new);
    type Trace = unsafe extern "C" fn(u32, *mut c_void, *mut c_void, *mut c_void) -> c_int;
    let (mask, callback, data): (u32, Option<Trace>, _) = match &owner {
        Some(owner) => (
            ffi::SQLITE_TRACE_PROFILE as u32,
            Some(profiled::<F>),
            owner.as_ptr(),
        ),
        None => (0, None, std::ptr::null_mut()),
    };
    // SAFETY: the connection is open; `data` is the Box<F> owned by `owner`, kept alive by the
    // caller while registered.
    conn.call(|db| unsafe { ffi::sqlite3_trace_v2(db, mask, callback, data) })?;
    Ok(owner)
}

unsafe extern "C" fn profiled<F: FnMut(&str, std::time::Duration)>(
    _event: u32,
    data: *mut c_void,
    stmt: *mut c_void,
    nanos: *mut c_void,
) -> c_int {
    // SAFETY: for SQLITE_TRACE_PROFILE, `stmt` is the finished statement and `nanos` points to
    // an i64 of elapsed nanoseconds; `data` is the live Box<F> registered in `set_profiler`,
    // called from the one thread using the connection and never re-entrantly.
    let (f, sql, nanos) = unsafe {
        let sql = super::optional_str(ffi::sqlite3_sql(stmt.cast())).unwrap_or("");
        (&mut *data.cast::<F>(), sql, nanos.cast::<i64>().read())
    };
    let elapsed = std::time::Duration::from_nanos(u64::try_from(nanos).unwrap_or(0));
    // A panic is parked and resumes in the caller once the SQLite call that finished the
    // statement has returned.
    let _ = catch(|| f(sql, elapsed));
    0
}
