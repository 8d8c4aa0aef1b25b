//! Panics in callbacks: a panic must never cross the C frames.
//! Trampolines run the user's closure under [`catch`]; a panic is parked in a thread-local and
//! the trampoline reports failure to SQLite. When the SQLite call returns to lite3, the door into
//! C ([`super::door`]) resumes the panic in the caller's frame. Callbacks always run on the
//! thread that made the SQLite call, so a thread-local connects the two.

use std::any::Any;
use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};

thread_local! {
    static PARKED_PANIC: Cell<Option<Box<dyn Any + Send>>> = const { Cell::new(None) };
    /// Whether PARKED_PANIC holds a payload: a flag without a destructor is the cheapest
    /// thread-local to read on the hot paths that check it after every statement.
    /// What is parked, as bits ([`PANIC`], [`ERROR`]): one flag without a destructor is the
    /// cheapest thread-local to read on the hot paths that check it after every statement.
    static PARKED: Cell<u8> = const { Cell::new(0) };
    /// How many user callbacks are running on this thread (nested: a callback's statement can
    /// run another's). While it is not 0, a closure replaced by a setter may be the one running.
    static CALLBACK_DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// Whether a user callback is running on this thread: a closure replaced now must not be freed
/// yet, since it may be on the stack (see `crate::callbacks`).
pub(crate) fn in_callback() -> bool {
    CALLBACK_DEPTH.with(Cell::get) > 0
}

/// Counts one running callback for as long as it lives, unwinding included.
struct Running;

impl Running {
    fn enter() -> Self {
        CALLBACK_DEPTH.with(|depth| depth.set(depth.get() + 1));
        Running
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        CALLBACK_DEPTH.with(|depth| depth.set(depth.get().saturating_sub(1)));
    }
}

/// [`PARKED`]'s bit for a parked panic.
const PANIC: u8 = 1;
/// [`PARKED`]'s bit for a parked error.
const ERROR: u8 = 2;

#[inline(always)]
fn parked(what: u8) -> bool {
    PARKED.with(Cell::get) & what != 0
}

fn mark(what: u8, on: bool) {
    PARKED.with(|flags| {
        flags.set(if on {
            flags.get() | what
        } else {
            flags.get() & !what
        })
    });
}

/// Runs `f`, a user callback called by SQLite; on panic parks the payload and returns `None`.
pub(crate) fn catch<R>(f: impl FnOnce() -> R) -> Option<R> {
    let _running = Running::enter();
    // AssertUnwindSafe: the panic is re-raised to the caller, who sees the closure's state exactly
    // as a direct call that panicked would have left it.
    match panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(value) => Some(value),
        Err(payload) => {
            // The first panic is the cause; a later one (an aggregate's finalizer running after
            // its step panicked) is dropped.
            if !parked(PANIC) {
                PARKED_PANIC.with(|slot| slot.set(Some(payload)));
                mark(PANIC, true);
            }
            None
        }
    }
}

#[cold]
fn resume_now() {
    if let Some(payload) = take_parked() {
        panic::resume_unwind(payload);
    }
}

fn take_parked() -> Option<Box<dyn Any + Send>> {
    mark(PANIC, false);
    PARKED_PANIC.with(Cell::take)
}

/// Drops a user value whose `Drop` might panic, without letting the panic unwind further (used
/// where SQLite or our own `Drop` frees a closure: nobody is there to receive the panic).
pub(crate) fn drop_quietly<T>(value: T) {
    let _ = panic::catch_unwind(AssertUnwindSafe(move || drop(value)));
}

/// Resumes a panic parked by a callback during the SQLite call that just returned. While the
/// thread is already unwinding (lite3's cleanup in `Drop`: a rollback, a reset, a finalise, where
/// SQLite reports finished statements to the profiler) a second panic would abort, so the parked
/// one is dropped instead.
#[inline]
pub(crate) fn resume_parked_panic_unless_unwinding() {
    if parked(PANIC) {
        if std::thread::panicking() {
            drop(take_parked());
        } else {
            resume_now();
        }
    }
}

thread_local! {
    /// The error a user function returned during the SQLite call running now, with the
    /// connection it belongs to: SQLite only carries its message, the caller gets the value.
    static PARKED_ERROR: Cell<Option<(*mut crate::ffi::sqlite3, crate::Error)>> = const { Cell::new(None) };
}

/// Keeps `error`, which a user callback of connection `db` returned, for the failure SQLite
/// is about to report (the first one wins, as for panics).
pub(crate) fn park_error(db: *mut crate::ffi::sqlite3, error: crate::Error) {
    PARKED_ERROR.with(|slot| {
        let parked = slot.take();
        slot.set(parked.or(Some((db, error))));
    });
    mark(ERROR, true);
}

/// Whether a user callback parked an error (for any connection).
#[inline(always)]
pub(crate) fn error_parked() -> bool {
    parked(ERROR)
}

/// The error a user callback of `db` parked, if any; one parked for another connection stays.
pub(crate) fn take_parked_error(db: *mut crate::ffi::sqlite3) -> Option<crate::Error> {
    if !parked(ERROR) {
        return None;
    }
    PARKED_ERROR.with(|slot| match slot.take() {
        Some((owner, error)) if owner == db => {
            mark(ERROR, false);
            Some(error)
        }
        other => {
            slot.set(other);
            None
        }
    })
}

/// After SQLite reset or finalised a statement of `db`: an error an aggregate's final returned
/// meanwhile is dropped (SQLite discards that result; it must not attach to a later failure),
/// and a parked panic resumes unless the thread is unwinding. One flag load when nothing is
/// parked, the usual case, on a path that runs once per statement.
#[inline]
pub(crate) fn after_reset(db: impl FnOnce() -> *mut crate::ffi::sqlite3) {
    if PARKED.with(Cell::get) != 0 {
        after_reset_slow(db());
    }
}

#[cold]
#[inline(never)]
fn after_reset_slow(db: *mut crate::ffi::sqlite3) {
    drop(take_parked_error(db));
    resume_parked_panic_unless_unwinding();
}
