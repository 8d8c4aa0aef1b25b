//! The moment SQLite initialises, which lite3 owns: process-wide settings
//! (`sqlite3_config`) are only valid before it, and are not thread-safe. Every `sqlite3_config`
//! call lite3 makes holds [`LOCK`]; the first connection initialises SQLite under it, and from
//! then on [`before_initialising`] refuses. (A `system` SQLite another library in the process
//! initialised first refuses by itself: `sqlite3_config` then returns SQLITE_MISUSE.)

use super::door::hook_scope::HookScope;
use super::panic::catch;
use crate::error::SqliteError;
use crate::{Error, ErrorCode, Result, ffi};
use parking_lot::Mutex;
use std::ffi::{CString, c_char, c_int, c_void};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

/// Held by every `sqlite3_config` call and by the initialisation.
pub(crate) static LOCK: Mutex<()> = Mutex::new(());
static INITIALISE: Once = Once::new();
static INITIALISED: AtomicBool = AtomicBool::new(false);

/// Initialises SQLite, once, before the first connection opens.
pub(crate) fn initialise() {
    super::alloc::ensure_installed();
    INITIALISE.call_once(|| {
        let _config = LOCK.lock();
        // SAFETY: no sqlite3_config call runs meanwhile (LOCK). A failure here (out of memory)
        // is reported again by the open that follows, which initialises too.
        unsafe { ffi::sqlite3_initialize() };
        INITIALISED.store(true, Relaxed);
    });
}

/// Runs `config`, a `sqlite3_config` call, if SQLite is not initialised yet; refuses otherwise.
fn before_initialising(what: &str, config: impl FnOnce() -> c_int) -> Result<()> {
    let _config = LOCK.lock();
    let rc = if INITIALISED.load(Relaxed) {
        ffi::SQLITE_MISUSE
    } else {
        config()
    };
    match rc {
        ffi::SQLITE_OK => Ok(()),
        ffi::SQLITE_MISUSE => Err(Error::Sqlite(SqliteError {
            code: ErrorCode::Misuse,
            extended_code: ffi::SQLITE_MISUSE,
            message: format!(
                "{what} must be called before SQLite initialises, i.e. before the process opens \
                 its first connection; SQLite is already initialised"
            ),
            offset: None,
        })),
        rc => Err(super::error::from_code(rc).into()),
    }
}

/// `SQLITE_CONFIG_LOG`: `callback` gets SQLite's error and warning log, or (None) nothing.
pub(crate) fn config_log(callback: Option<fn(c_int, &str)>) -> Result<()> {
    type Log = unsafe extern "C" fn(*mut c_void, c_int, *const c_char);
    before_initialising("config_log", || match callback {
        // SAFETY: SQLite is not initialised and LOCK serialises sqlite3_config. SQLite passes
        // the function pointer back to `log` unchanged; a `fn` lives for the whole program.
        Some(f) => unsafe {
            ffi::sqlite3_config(ffi::SQLITE_CONFIG_LOG, log as Log, f as *mut c_void)
        },
        // SAFETY: as above; null removes the callback.
        None => unsafe {
            ffi::sqlite3_config(
                ffi::SQLITE_CONFIG_LOG,
                std::ptr::null_mut::<c_void>(),
                std::ptr::null_mut::<c_void>(),
            )
        },
    })
}

unsafe extern "C" fn log(data: *mut c_void, code: c_int, message: *const c_char) {
    // SAFETY: `data` is the `fn(c_int, &str)` registered in `config_log`.
    let callback: fn(c_int, &str) = unsafe { std::mem::transmute(data) };
    // SAFETY: SQLite passes a NUL-terminated message valid for the call.
    let message = unsafe { std::ffi::CStr::from_ptr(message) }.to_string_lossy();
    // SQLite may hold its mutexes here: while the callback runs, every lite3 connection refuses
    // to call into SQLite (the scope of "no connection" covers them all).
    let _scope = HookScope::enter(std::ptr::null_mut(), "log");
    let _ = catch(|| callback(code, &message));
}

/// `sqlite3_log`: writes `message` with `code` to the log [`config_log`] set up.
pub(crate) fn write_log(code: c_int, message: &str) {
    // An interior NUL ends the message there, as C would read it.
    let message = CString::new(message).unwrap_or_else(|e| {
        let end = e.nul_position();
        CString::new(&message.as_bytes()[..end]).unwrap_or_default()
    });
    // SAFETY: "%s" with one NUL-terminated string argument.
    unsafe { ffi::sqlite3_log(code, c"%s".as_ptr(), message.as_ptr()) };
    super::panic::resume_parked_panic_unless_unwinding();
}
