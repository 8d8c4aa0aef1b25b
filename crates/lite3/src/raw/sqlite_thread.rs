//! Which thread may call a single-threaded SQLite (compiled with SQLITE_THREADSAFE=0, which has
//! no mutex at all, not even around its global state): the one thread lite3 marks as the SQLite
//! thread (the Worker's shared runner). Every other thread is refused at the door into C.

use crate::ffi;
use std::cell::Cell;

thread_local! {
    static IS_SQLITE_THREAD: Cell<bool> = const { Cell::new(false) };
}

/// Marks the current thread as the one thread allowed to call a single-threaded SQLite.
pub(crate) fn become_the_sqlite_thread() {
    IS_SQLITE_THREAD.with(|flag| flag.set(true));
}

/// Whether the current thread is the one marked by [`become_the_sqlite_thread`].
pub(crate) fn on_the_sqlite_thread() -> bool {
    IS_SQLITE_THREAD.with(Cell::get)
}

/// Whether the linked SQLite has no mutexes at all (compiled with SQLITE_THREADSAFE=0).
pub(crate) fn library_is_single_threaded() -> bool {
    // SAFETY: no preconditions; it returns a compile-time constant of the library.
    unsafe { ffi::sqlite3_threadsafe() == 0 }
}
