//! Which process generation this is: 0 in the process that loaded lite3, bumped in each child
//! by a `pthread_atfork` handler. A connection remembers the generation it was opened in; the
//! door into C refuses it when the two differ, because SQLite forbids carrying a connection
//! across `fork()` (the child would share the parent's file locks and WAL index, and could roll
//! back or write pages under the parent's feet). Reading the counter is one relaxed load, so the
//! check costs nothing measurable on the hot path, unlike `getpid()` on every call.

use std::sync::Once;
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};

static GENERATION: AtomicU32 = AtomicU32::new(0);
static REGISTER: Once = Once::new();

/// Runs in the child right after `fork()`, on the only thread it has. Async-signal-safe: one
/// atomic add.
extern "C" fn in_child() {
    GENERATION.fetch_add(1, Relaxed);
}

/// Installs the child handler (once per process; a child inherits it) and returns the current
/// generation, for a connection being opened.
pub(crate) fn generation_for_new_connection() -> u32 {
    REGISTER.call_once(|| {
        #[cfg(unix)]
        // SAFETY: `in_child` is a valid `extern "C" fn()` for the life of the process and only
        // does an atomic add. If registration fails (ENOMEM), forks go unnoticed; there is
        // nothing better to do than carry on as SQLite itself would.
        unsafe {
            crate::ffi::pthread_atfork(None, None, Some(in_child));
        }
    });
    current()
}

/// The generation of the running process.
#[inline(always)]
pub(crate) fn current() -> u32 {
    GENERATION.load(Relaxed)
}
