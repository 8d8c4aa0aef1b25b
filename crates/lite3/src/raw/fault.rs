//! Allocation fault injection for tests (feature `fault-injection`): makes the Nth allocation
//! SQLite asks for fail, once or from then on. Without the feature it compiles to nothing.

#[cfg(feature = "fault-injection")]
mod armed {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};

    static FAIL_AT: AtomicU64 = AtomicU64::new(0);
    static SEEN: AtomicU64 = AtomicU64::new(0);
    static PERSISTENT: AtomicBool = AtomicBool::new(false);

    pub(crate) fn arm(n: u64, persistent: bool) {
        FAIL_AT.store(0, Relaxed);
        SEEN.store(0, Relaxed);
        PERSISTENT.store(persistent, Relaxed);
        FAIL_AT.store(n, Relaxed);
    }

    pub(crate) fn disarm() {
        FAIL_AT.store(0, Relaxed);
    }

    #[inline]
    pub(crate) fn should_fail() -> bool {
        let at = FAIL_AT.load(Relaxed);
        if at == 0 {
            return false;
        }
        let n = SEEN.fetch_add(1, Relaxed) + 1;
        n == at || (n > at && PERSISTENT.load(Relaxed))
    }
}

#[cfg(feature = "fault-injection")]
pub(crate) use armed::{arm, disarm, should_fail};

#[cfg(not(feature = "fault-injection"))]
#[inline(always)]
pub(crate) fn should_fail() -> bool {
    false
}
