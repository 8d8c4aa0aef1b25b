//! The closures a connection has registered with SQLite (busy handler, profiler, hooks): who
//! owns each one, when it may be freed, and whether a borrower changed any.
//!
//! A setter registers the new closure with SQLite first, and only then lets the old one go, so
//! SQLite never holds a freed pointer. The old closure may still be running, though: a callback
//! can reach its own connection (through a thread-local, say) and replace itself. Freeing it then
//! would free the code's own captured state under its feet, so while any callback runs on this
//! thread a replaced closure is kept ("retired") and freed at the next change made outside a
//! callback, or when the connection closes.

use crate::raw::callback::BoxedCallback;
use crate::raw::collation::Wanted;
use crate::raw::in_callback;
use std::cell::{Cell, RefCell};

/// Which callback a closure is. One closure per kind and connection, as SQLite has it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Slot {
    Busy,
    Profile,
    Commit,
    Rollback,
    Update,
    Progress,
    Authorizer,
    Wal,
    #[cfg_attr(
        not(feature = "preupdate_hook"),
        allow(dead_code, reason = "the hook needs the feature")
    )]
    PreUpdate,
}

const SLOTS: usize = 9;

#[derive(Default)]
pub(crate) struct Callbacks {
    registered: RefCell<[Option<BoxedCallback>; SLOTS]>,
    retired: RefCell<Vec<BoxedCallback>>,
    /// A setter ran since [`take_changed`](Self::take_changed) last looked.
    changed: Cell<bool>,
    /// SQLite's automatic checkpoint threshold before a WAL hook replaced it (SQLite implements
    /// it as a WAL hook of its own), put back when the hook is removed.
    pub(crate) autocheckpoint_before_wal_hook: Cell<Option<std::ffi::c_int>>,
    /// The `collation_needed` function and the names SQLite asked it for (see
    /// `crate::collations`); the box is what SQLite holds a pointer to.
    pub(crate) collation_needed: RefCell<Option<(CollationNeeded, Box<Wanted>)>>,
}

/// What [`Connection::collation_needed`](crate::Connection::collation_needed) registers.
pub(crate) type CollationNeeded = fn(&crate::Connection, &str) -> crate::Result<()>;

impl Callbacks {
    /// Records `owner` as the closure SQLite now holds for `slot` (None: nothing), after SQLite
    /// has let go of the previous one.
    pub(crate) fn replace(&self, slot: Slot, owner: Option<BoxedCallback>) {
        let old = std::mem::replace(&mut self.registered.borrow_mut()[slot as usize], owner);
        self.changed.set(true);
        self.retire(old);
    }

    /// Records that SQLite dropped `slot`'s closure on its own (e.g. `busy_timeout` replaces the
    /// busy handler).
    pub(crate) fn forget(&self, slot: Slot) {
        self.replace(slot, None);
    }

    /// Whether a closure is registered for `slot`.
    #[cfg_attr(
        not(feature = "session"),
        allow(dead_code, reason = "sessions need it")
    )]
    pub(crate) fn is_set(&self, slot: Slot) -> bool {
        self.registered.borrow()[slot as usize].is_some()
    }

    /// Notes a change SQLite keeps track of itself (a user function created or removed).
    pub(crate) fn mark_changed(&self) {
        self.changed.set(true);
    }

    /// Whether any callback was set, replaced or removed since the last call; resets the flag.
    #[cfg_attr(
        feature = "single-thread",
        allow(
            dead_code,
            reason = "only the Pool asks, and a single-threaded build has none"
        )
    )]
    pub(crate) fn take_changed(&self) -> bool {
        self.changed.replace(false)
    }

    fn retire(&self, old: Option<BoxedCallback>) {
        if in_callback() {
            self.retired.borrow_mut().extend(old);
            return;
        }
        // No callback runs on this thread, and callbacks only run on the thread that uses the
        // connection: nothing retired can be on the stack any more.
        let retired = std::mem::take(&mut *self.retired.borrow_mut());
        drop(old);
        drop(retired);
    }
}
