//! What every callback from SQLite into Rust shares: a panic must never cross the C frames.
//! Trampolines run the user's closure under [`catch`]; a panic is parked in a thread-local and
//! the trampoline reports failure to SQLite. When the SQLite call returns its error to lite3,
//! [`resume_parked_panic`] resumes the panic in the caller's frame. Callbacks always run on the
//! thread that made the SQLite call, so a thread-local connects the two.

use std::any::Any;
use std::cell::Cell;
use std::ffi::c_void;
use std::panic::{self, AssertUnwindSafe};

thread_local! {
    static PARKED_PANIC: Cell<Option<Box<dyn Any + Send>>> = const { Cell::new(None) };
    /// Whether PARKED_PANIC holds a payload: a flag without a destructor is the cheapest
    /// thread-local to read on the hot paths that check it after every statement.
    static HAS_PARKED_PANIC: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`; on panic parks the payload and returns `None`.
pub(crate) fn catch<R>(f: impl FnOnce() -> R) -> Option<R> {
    // AssertUnwindSafe: the panic is re-raised to the caller, who sees the closure's state exactly
    // as a direct call that panicked would have left it.
    match panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(value) => Some(value),
        Err(payload) => {
            PARKED_PANIC.with(|slot| slot.set(Some(payload)));
            HAS_PARKED_PANIC.with(|flag| flag.set(true));
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
    HAS_PARKED_PANIC.with(|flag| flag.set(false));
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
    if HAS_PARKED_PANIC.with(Cell::get) {
        if std::thread::panicking() {
            drop(take_parked());
        } else {
            resume_now();
        }
    }
}

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
