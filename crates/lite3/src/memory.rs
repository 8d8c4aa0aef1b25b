//! C-side memory figures: what SQLite has allocated, which Rust's allocator statistics cannot see.

use crate::raw::alloc;
use std::sync::atomic::Ordering::Relaxed;

/// SQLite's heap use since the process started, counted by lite3's allocator hooks.
///
/// ```
/// let before = lite3::memory().expect("lite3 installed its counting hooks");
/// let conn = lite3::Connection::open_in_memory()?;
/// conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (randomblob(100000));")?;
/// let during = lite3::memory().unwrap();
/// assert!(during.bytes_in_use > before.bytes_in_use);
/// drop(conn);
/// # Ok::<(), lite3::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MemoryStats {
    /// Bytes allocated and not yet freed.
    pub bytes_in_use: u64,
    /// Highest `bytes_in_use` since start (or since [`reset_high_water`]).
    pub high_water: u64,
    /// Successful allocations.
    pub allocations: u64,
    /// Frees.
    pub frees: u64,
    /// Successful reallocations.
    pub reallocs: u64,
    /// Allocations and reallocations that failed (out of memory, or injected faults).
    pub failed: u64,
}

/// The C-side memory figures, or `None` if they are not available: SQLite was initialised
/// before lite3 could install its counting hooks (a system library that other code in the
/// process used first), or counting was switched off with [`disable_memory_counting`].
///
/// ```
/// if let Some(stats) = lite3::memory() {
///     println!("SQLite holds {} bytes (peak {})", stats.bytes_in_use, stats.high_water);
/// }
/// ```
#[must_use]
pub fn memory() -> Option<MemoryStats> {
    alloc::ensure_installed().then(|| MemoryStats {
        bytes_in_use: alloc::IN_USE.load(Relaxed),
        high_water: alloc::HIGH_WATER.load(Relaxed),
        allocations: alloc::ALLOCATIONS.load(Relaxed),
        frees: alloc::FREES.load(Relaxed),
        reallocs: alloc::REALLOCS.load(Relaxed),
        failed: alloc::FAILED.load(Relaxed),
    })
}

/// Restarts the high-water mark from the bytes in use now.
///
/// ```
/// lite3::reset_high_water();
/// if let Some(m) = lite3::memory() {
///     assert!(m.high_water >= m.bytes_in_use);
/// }
/// ```
pub fn reset_high_water() {
    alloc::HIGH_WATER.store(alloc::IN_USE.load(Relaxed), Relaxed);
}

/// Leaves SQLite's allocator uncounted for the life of the process (to measure what counting
/// costs). Works only before lite3 first touches SQLite; returns whether counting is off.
///
/// ```
/// // Too late here: the examples above already opened connections in this process.
/// let off = lite3::disable_memory_counting();
/// assert_eq!(off, lite3::memory().is_none());
/// ```
pub fn disable_memory_counting() -> bool {
    alloc::opt_out()
}

/// Allocation fault injection for tests (feature `fault-injection`). Process-wide: use it from
/// a test binary of its own.
///
/// ```
/// use lite3::{Connection, ErrorCode, fault};
///
/// let conn = Connection::open_in_memory()?;
/// fault::fail_allocations_from(1); // every allocation from now on fails
/// let err = conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (randomblob(1000000))").unwrap_err();
/// fault::disarm();
/// assert_eq!(err.sqlite_code(), Some(ErrorCode::NoMem));
/// # Ok::<(), lite3::Error>(())
/// ```
#[cfg(feature = "fault-injection")]
pub mod fault {
    /// Makes only the `n`th allocation from now on fail (1 = the next one).
    pub fn fail_nth_allocation(n: u64) {
        crate::raw::fault::arm(n.max(1), false);
    }

    /// Makes the `n`th allocation from now on fail, and every one after it.
    pub fn fail_allocations_from(n: u64) {
        crate::raw::fault::arm(n.max(1), true);
    }

    /// Stops injecting failures.
    pub fn disarm() {
        crate::raw::fault::disarm();
    }
}
