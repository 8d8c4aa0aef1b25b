//! The door into C: the one way every SQLite call of a connection goes in and comes out.
//!
//! Going in, [`RawConnection::enter`] refuses the call when the connection must not touch SQLite
//! now: it was inherited by a forked child, the linked SQLite is single-threaded and this thread
//! does not own it (see [`super::sqlite_thread`]), or SQLite has already rolled back the
//! transaction a lite3 guard is holding open. Coming out, [`RawConnection::failure`] captures SQLite's error while the handle is still
//! exclusively ours, remembers what the failure means for the connection (fatal for a pool, or a
//! transaction SQLite rolled back on its own), and resumes a panic a callback parked during the
//! call (dropping it instead while the thread is already unwinding, since a second panic would
//! abort). New entry points (functions, hooks, backup, blob, VFS) use [`RawConnection::call`] or
//! these two halves; none places the protocol by hand.
//!
//! Calls that only read fields of the handle (`sqlite3_changes64`, `sqlite3_get_autocommit`,
//! `sqlite3_last_insert_rowid`, limits and status) touch no file and no global state, so they
//! skip the checks; a refused connection answers them harmlessly.

use super::connection::RawConnection;
use super::panic;
use super::{fork, sqlite_thread};
use crate::error::SqliteError;
use crate::{Error, Result, ffi};
use std::cell::Cell;
use std::ffi::c_int;

/// What the door knows about one connection.
pub(crate) struct Door {
    /// The fast check: equal to this thread's copy of the process generation
    /// ([`fork::seen`]) exactly when a call may go in without a closer look. It is the
    /// connection's generation, or [`LOOK_CLOSER`] while anything else needs checking (a
    /// single-threaded library, a dead transaction). Two loads and one compare on the hot path,
    /// whatever the door checks.
    gate: Cell<u32>,
    /// The process generation the connection was opened in (see [`fork`]).
    generation: u32,
    /// The library has no mutexes (SQLITE_THREADSAFE=0): only the thread that owns SQLite may
    /// use it, and this connection holds a share of that ownership until it is closed.
    pinned_to_sqlite_thread: bool,
    /// Released when the door drops, which is after the connection is closed
    /// (`RawConnection::drop` closes before its fields drop).
    _ownership: Option<sqlite_thread::Ownership>,
    /// lite3 transaction guards (`Transaction`, `Savepoint`) alive on this connection.
    guards: Cell<u32>,
    /// SQLite rolled back the transaction the guards hold; nothing may run until they are gone.
    rolled_back: Cell<bool>,
    /// A failure that leaves the connection suspect (I/O error, corruption, misuse) was seen.
    failed_fatally: Cell<bool>,
}

/// A call on SQLite's process-wide state (the VFS list) rather than on a connection: refused
/// wherever opening a connection would be (inside a VFS method or SQLite's log callback, on a
/// thread that does not own a single-threaded SQLite), and made after SQLite is initialised.
pub(crate) fn global<R>(f: impl FnOnce() -> Result<R>) -> Result<R> {
    let _door = Door::new()?;
    super::setup::initialise();
    let result = f();
    panic::resume_parked_panic_unless_unwinding();
    result
}

/// A gate value that never passes the fast check: generations stay below 2^31, and a thread's
/// copy of the generation is one of them or [`fork::UNSEEN`].
const LOOK_CLOSER: u32 = u32::MAX - 1;
const _: () = assert!(LOOK_CLOSER != fork::UNSEEN);

impl Door {
    /// The door of a connection being opened on this thread, in this process.
    pub(crate) fn new() -> Result<Self> {
        if let Some(hook) = hook_scope::running_on(std::ptr::null_mut()) {
            // A callback that may run under SQLite's global mutexes (the log) opens nothing.
            return Err(Error::HookReentry { hook });
        }
        let pinned_to_sqlite_thread = sqlite_thread::library_is_single_threaded();
        let ownership = if pinned_to_sqlite_thread {
            Some(sqlite_thread::claim()?)
        } else {
            None
        };
        let generation = fork::generation_for_new_connection();
        let door = Self {
            gate: Cell::new(generation),
            generation,
            pinned_to_sqlite_thread,
            guards: Cell::new(0),
            rolled_back: Cell::new(false),
            failed_fatally: Cell::new(false),
            _ownership: ownership,
        };
        door.update_gate();
        Ok(door)
    }

    fn update_gate(&self) {
        let closer = self.pinned_to_sqlite_thread || self.rolled_back.get();
        self.gate
            .set(if closer { LOOK_CLOSER } else { self.generation });
    }

    fn set_rolled_back(&self, rolled_back: bool) {
        self.rolled_back.set(rolled_back);
        self.update_gate();
    }
}

impl RawConnection {
    /// Refuses a call into SQLite that must not happen now; one compare when all is well. Made
    /// once per statement run (when it is prepared or starts stepping), not once per row.
    #[inline(always)]
    pub(crate) fn enter(&self) -> Result<()> {
        if self.door().gate.get() != fork::seen() {
            return self.refusal().map_or(Ok(()), Err);
        }
        Ok(())
    }

    /// The closer look: `None` lets the call in after all (this thread had not read the
    /// generation yet, or the library is single-threaded and this is its thread).
    #[cold]
    #[inline(never)]
    fn refusal(&self) -> Option<Error> {
        let door = self.door();
        let generation = fork::refresh();
        let hook = hook_scope::running_on(self.as_ptr());
        if hook_scope::any_running() {
            // Keep every call on this thread on this slow path while a hook runs.
            fork::forget_seen();
        }
        if door.generation != generation {
            Some(Error::Forked)
        } else if let Some(hook) = hook {
            Some(Error::HookReentry { hook })
        } else if self.refused_by_single_threaded_sqlite() {
            Some(Error::SingleThreaded)
        } else if door.rolled_back.get() {
            Some(Error::TransactionRolledBack)
        } else {
            None
        }
    }

    /// One SQLite call on the handle, through the door: refused first if it must not happen,
    /// and a failing return code becomes the captured error.
    #[inline]
    pub(crate) fn call(&self, f: impl FnOnce(*mut ffi::sqlite3) -> c_int) -> Result<()> {
        self.enter()?;
        let rc = f(self.as_ptr());
        self.check(rc)?;
        // A callback the call ran (a busy handler, a changeset filter) may have panicked even
        // though SQLite reports success.
        self.succeeded();
        Ok(())
    }

    /// Turns an SQLite return code into a `Result`.
    #[inline]
    pub(crate) fn check(&self, rc: c_int) -> Result<()> {
        if rc == ffi::SQLITE_OK {
            Ok(())
        } else {
            Err(self.error(rc))
        }
    }

    /// The error for `rc`, just returned by a call on this connection.
    // Inline, with the work out of line: the caller then sees which variant it gets, so the
    // optimiser knows the result is no `Ok` and keeps the success path's values in registers.
    #[inline]
    pub(crate) fn error(&self, rc: c_int) -> Error {
        self.failed(rc, None)
    }

    /// The error for a call that failed with `rc` (see [`failure`](Self::failure)): the error a
    /// user function returned, when one made the call fail, else SQLite's. Inline, with the
    /// work out of line, like [`error`](Self::error): the common case's variant stays visible.
    #[inline]
    pub(crate) fn failed(
        &self,
        rc: c_int,
        failed_statement: Option<*mut ffi::sqlite3_stmt>,
    ) -> Error {
        if panic::error_parked() {
            return self.failed_with_parked_error(rc, failed_statement);
        }
        Error::Sqlite(self.failure(rc, failed_statement))
    }

    #[cold]
    #[inline(never)]
    fn failed_with_parked_error(
        &self,
        rc: c_int,
        failed_statement: Option<*mut ffi::sqlite3_stmt>,
    ) -> Error {
        // Taken first: when a parked panic resumes in `failure`, the error goes with it.
        let user = panic::take_parked_error(self.as_ptr());
        let sqlite = self.failure(rc, failed_statement);
        user.unwrap_or(Error::Sqlite(sqlite))
    }

    /// Coming out of a call that failed with `rc`: reads SQLite's error first (nothing else has
    /// touched the handle since), remembers what the failure means, resets `failed_statement`
    /// (the statement whose step failed), then resumes a panic parked by a callback during the
    /// call, which takes precedence over the error.
    #[cold]
    #[inline(never)]
    pub(crate) fn failure(
        &self,
        rc: c_int,
        failed_statement: Option<*mut ffi::sqlite3_stmt>,
    ) -> SqliteError {
        // SAFETY: the handle is open and used by this thread only (RawConnection is not Sync),
        // and `rc` is the result of the call just made on it.
        let error = unsafe { super::error::from_handle(self.as_ptr(), rc) };
        let door = self.door();
        if matches!(
            rc & 0xff,
            ffi::SQLITE_IOERR | ffi::SQLITE_CORRUPT | ffi::SQLITE_NOTADB | ffi::SQLITE_MISUSE
        ) {
            door.failed_fatally.set(true);
        }
        if let Some(stmt) = failed_statement {
            // SAFETY: `stmt` is a live statement of this connection (the caller's own).
            unsafe { ffi::sqlite3_reset(stmt) };
            // An aggregate's final may run in the reset; SQLite discards what it returns.
            drop(panic::take_parked_error(self.as_ptr()));
        }
        // After an interrupt, SQLITE_FULL, an I/O error, out of memory or some BUSY cases SQLite
        // rolls the whole transaction back on its own. A guard still thinks it is open, and the
        // next statement would run (and commit) in autocommit mode: mark it dead instead.
        if door.guards.get() > 0 && self.is_autocommit() {
            door.set_rolled_back(true);
        }
        panic::resume_parked_panic_unless_unwinding();
        error
    }

    /// Coming out of a call that succeeded: a callback may still have panicked (a profiler sees
    /// every statement finish); that panic resumes now, unless the thread is already unwinding.
    #[inline(always)]
    pub(crate) fn succeeded(&self) {
        panic::resume_parked_panic_unless_unwinding();
    }

    /// A transaction guard began on this connection.
    pub(crate) fn guard_opened(&self) {
        let guards = &self.door().guards;
        guards.set(guards.get().saturating_add(1));
    }

    /// A transaction guard ended; when the last one goes, a rolled-back transaction is
    /// forgotten and the connection is usable again.
    pub(crate) fn guard_closed(&self) {
        let door = self.door();
        let left = door.guards.get().saturating_sub(1);
        door.guards.set(left);
        if left == 0 {
            door.set_rolled_back(false);
        }
    }

    /// Whether SQLite rolled back the transaction the guards hold.
    pub(crate) fn transaction_rolled_back(&self) -> bool {
        self.door().rolled_back.get()
    }

    /// Forgets every guard: for a connection handed to its next user, when no guard of the last
    /// user can be alive (a leaked one, e.g. `mem::forget`, must not bind the next user).
    pub(crate) fn forget_guards(&self) {
        let door = self.door();
        door.guards.set(0);
        door.set_rolled_back(false);
    }

    /// Whether an I/O error, corruption or misuse was reported on this connection.
    #[cfg_attr(
        feature = "single-thread",
        allow(
            dead_code,
            reason = "used by the pool, left out of single-threaded builds"
        )
    )]
    pub(crate) fn failed_fatally(&self) -> bool {
        self.door().failed_fatally.get()
    }

    /// Whether the library is single-threaded and this thread does not own it.
    pub(crate) fn refused_by_single_threaded_sqlite(&self) -> bool {
        self.door().pinned_to_sqlite_thread && !sqlite_thread::owns_sqlite()
    }

    /// Whether this process is a child forked after the connection was opened: then it must not
    /// even be closed (closing may roll back or checkpoint the parent's files); it is leaked.
    pub(crate) fn inherited_by_fork(&self) -> bool {
        self.door().generation != fork::current()
    }
}

/// A call a running callback makes on its own connection where SQLite allows one (a WAL hook
/// checkpointing, a preupdate hook reading the row being changed). The SQLite call that is
/// running the callback came in through this connection's door on this thread, so its checks
/// hold for the whole callback; what is left is capturing the error while the handle is still
/// the callback's. The hook scope that refuses other calls stays in force.
///
/// # Safety
/// `db` is the open connection whose callback is running on this thread, and `f` makes one call
/// on it that SQLite allows inside that callback.
pub(crate) unsafe fn call_from_callback(
    db: *mut ffi::sqlite3,
    f: impl FnOnce(*mut ffi::sqlite3) -> c_int,
) -> Result<()> {
    let rc = f(db);
    if rc == ffi::SQLITE_OK {
        return Ok(());
    }
    // SAFETY: guaranteed by the caller: `db` is open and its callback runs on this thread.
    Err(Error::Sqlite(unsafe { super::error::from_handle(db, rc) }))
}

/// Hooks SQLite forbids to touch their own connection ("must not do anything that will modify
/// the database connection that invoked the callback", which includes preparing or stepping
/// any statement): while one runs, a call into its connection is refused with
/// [`Error::HookReentry`] instead of being undefined behaviour in SQLite. Other connections stay
/// usable. The running hook's connection is kept in a thread-local (hooks run on the thread of
/// the call that triggered them), and this thread's fork generation is forgotten meanwhile, so
/// every door on the thread takes its slow path, [`RawConnection::refusal`], where the check is.
pub(crate) mod hook_scope {
    use super::fork;
    use crate::ffi;
    use std::cell::Cell;

    thread_local! {
        static RUNNING: Cell<Option<(*mut ffi::sqlite3, &'static str)>> = const { Cell::new(None) };
    }

    /// Marks the hook `name` of connection `db` as running until dropped (nesting restores the
    /// outer one: a hook may use another connection, whose own hooks then run inside it).
    pub(crate) struct HookScope {
        outer: Option<(*mut ffi::sqlite3, &'static str)>,
    }

    impl HookScope {
        pub(crate) fn enter(db: *mut ffi::sqlite3, name: &'static str) -> Self {
            let outer = RUNNING.with(|running| running.replace(Some((db, name))));
            fork::forget_seen();
            HookScope { outer }
        }
    }

    impl Drop for HookScope {
        fn drop(&mut self) {
            RUNNING.with(|running| running.set(self.outer));
            // The next door call takes the slow path once more and learns the generation anew.
            fork::forget_seen();
        }
    }

    /// The name of the hook of `db` running on this thread, if one is. A scope entered for a
    /// null connection (SQLite's log callback) covers every connection.
    pub(crate) fn running_on(db: *mut ffi::sqlite3) -> Option<&'static str> {
        RUNNING.with(|running| {
            running
                .get()
                .filter(|(hooked, _)| *hooked == db || hooked.is_null())
                .map(|(_, name)| name)
        })
    }

    pub(crate) fn any_running() -> bool {
        RUNNING.with(|running| running.get().is_some())
    }
}
