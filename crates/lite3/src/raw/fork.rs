//! Which process generation this is: 0 in the process that loaded lite3, bumped in each child
//! by a `pthread_atfork` handler. A connection remembers the generation it was opened in; the
//! door into C refuses it when the two differ, because SQLite forbids carrying a connection
//! across `fork()` (the child would share the parent's file locks and WAL index, and could roll
//! back or write pages under the parent's feet).
//!
//! The hot path reads a thread-local copy of the counter ([`seen`]): one load from the thread's
//! own block, where the process-wide atomic would cost a GOT lookup and a register more per
//! statement. The copy is always right: a thread starts with [`UNSEEN`] and fills it from the
//! atomic on its first closer look ([`refresh`]); the child handler runs on the only thread the
//! child has and updates both; threads the child starts later begin at `UNSEEN` again.

use std::cell::Cell;
use std::sync::Once;
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};

/// Generations stay below this, so that they never equal [`UNSEEN`] or the door's own marker.
const GENERATIONS: u32 = 1 << 31;
/// A thread's copy before it first looked at the counter.
pub(crate) const UNSEEN: u32 = u32::MAX;

static GENERATION: AtomicU32 = AtomicU32::new(0);
static REGISTER: Once = Once::new();

thread_local! {
    static SEEN: Cell<u32> = const { Cell::new(UNSEEN) };
}

/// Runs in the child right after `fork()`, on the only thread it has. Async-signal-safe: an
/// atomic add and a store to this thread's own memory.
extern "C" fn in_child() {
    let generation = (GENERATION.load(Relaxed) + 1) % GENERATIONS;
    GENERATION.store(generation, Relaxed);
    SEEN.with(|seen| seen.set(generation));
}

/// Installs the child handler (once per process; a child inherits it) and returns the current
/// generation, for a connection being opened.
pub(crate) fn generation_for_new_connection() -> u32 {
    REGISTER.call_once(|| {
        #[cfg(unix)]
        // SAFETY: `in_child` is a valid `extern "C" fn()` for the life of the process and only
        // touches an atomic and a thread-local. If registration fails (ENOMEM), forks go
        // unnoticed; there is nothing better to do than carry on as SQLite itself would.
        unsafe {
            crate::ffi::pthread_atfork(None, None, Some(in_child));
        }
    });
    refresh()
}

/// This thread's copy of the generation: [`UNSEEN`] until [`refresh`] first ran on it.
#[inline(always)]
pub(crate) fn seen() -> u32 {
    SEEN.with(Cell::get)
}

/// The generation of the running process, read from the counter itself; also updates this
/// thread's copy.
/// Makes this thread's next door check take the slow path (see `door::hook_scope`).
pub(crate) fn forget_seen() {
    SEEN.with(|seen| seen.set(UNSEEN));
}

#[cold]
pub(crate) fn refresh() -> u32 {
    let generation = GENERATION.load(Relaxed);
    SEEN.with(|seen| seen.set(generation));
    generation
}

/// The generation of the running process (off the hot path).
pub(crate) fn current() -> u32 {
    GENERATION.load(Relaxed)
}
