//! Which thread may call a single-threaded SQLite (compiled with SQLITE_THREADSAFE=0, which has
//! no mutex at all, not even around its global state). The rule: one thread at a time. The
//! first thread to open a connection owns SQLite for as long as it has one open; meanwhile every
//! other thread is refused with [`Error::SingleThreaded`](crate::Error::SingleThreaded). When its
//! last connection closes, ownership is released, and the hand-over through a mutex makes the
//! previous owner's work visible to the next. So a single-threaded program simply uses its
//! connections; a multi-threaded one uses [`Worker`](crate::Worker)s, whose calls all run on one
//! shared thread of lite3's, which owns SQLite while any Worker is alive.

use crate::{Error, Result, ffi};
use parking_lot::Mutex;
use std::cell::Cell;
use std::marker::PhantomData;
use std::thread::{self, ThreadId};

/// The owning thread and how many [`Ownership`] tokens it holds (one per open connection).
static OWNER: Mutex<Option<(ThreadId, usize)>> = Mutex::new(None);

thread_local! {
    /// Whether this is lite3's shared thread that runs every Worker's calls.
    static IS_WORKER_THREAD: Cell<bool> = const { Cell::new(false) };
}

/// One open connection's share of the ownership; released on drop, after the connection is
/// closed.
pub(crate) struct Ownership {
    _not_send: PhantomData<*const ()>,
}

/// Claims SQLite for the current thread (again, if it owns it already).
pub(crate) fn claim() -> Result<Ownership> {
    let me = thread::current().id();
    let mut owner = OWNER.lock();
    match &mut *owner {
        None => *owner = Some((me, 1)),
        Some((id, count)) if *id == me => *count += 1,
        Some(_) => return Err(Error::SingleThreaded),
    }
    Ok(Ownership {
        _not_send: PhantomData,
    })
}

impl Drop for Ownership {
    fn drop(&mut self) {
        let mut owner = OWNER.lock();
        if let Some((_, count)) = &mut *owner {
            *count -= 1;
            if *count == 0 {
                *owner = None;
            }
        }
    }
}

/// Whether the current thread owns SQLite now. Asked under the lock, so that the answer is
/// exact (only single-threaded builds ask, on every statement run: a connection of a system
/// library that reports no thread support could otherwise have moved threads).
pub(crate) fn owns_sqlite() -> bool {
    let owner = OWNER.lock();
    owner.is_some_and(|(id, _)| id == thread::current().id())
}

/// Marks the current thread as lite3's shared Worker thread.
pub(crate) fn become_the_worker_thread() {
    IS_WORKER_THREAD.with(|flag| flag.set(true));
}

/// Whether the current thread is lite3's shared Worker thread.
pub(crate) fn on_the_worker_thread() -> bool {
    IS_WORKER_THREAD.with(Cell::get)
}

/// Whether the linked SQLite has no mutexes at all (compiled with SQLITE_THREADSAFE=0).
pub(crate) fn library_is_single_threaded() -> bool {
    // SAFETY: no preconditions; it returns a compile-time constant of the library.
    unsafe { ffi::sqlite3_threadsafe() == 0 }
}
