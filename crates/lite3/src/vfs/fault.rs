//! A VFS that fails the Nth file operation of a kind, once or from then on (feature
//! `fault-injection`): the way SQLite's own tests prove that every I/O error is survived.
//!
//! ```
//! use lite3::vfs::fault::{Fault, FaultVfs, Operation};
//! use lite3::vfs::IoError;
//!
//! let faults = FaultVfs::register("faulty-doc")?;
//! let dir = std::env::temp_dir().join(format!("lite3-doc-faults-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let path = dir.join("f.db");
//! let mut conn = lite3::Connection::open_with_flags_and_vfs(&path, lite3::OpenFlags::default(), "faulty-doc")?;
//! conn.execute_batch("CREATE TABLE t(x)")?;
//!
//! // The disk fills up during the next write.
//! faults.arm(Fault::nth(Operation::Write, 1).error(IoError::FULL));
//! let mut insert = || -> lite3::Result<()> {
//!     let tx = conn.transaction()?;
//!     tx.execute("INSERT INTO t VALUES (zeroblob(100000))", ())?;
//!     tx.commit()
//! };
//! let err = insert().unwrap_err();
//! assert_eq!(err.sqlite_code(), Some(lite3::ErrorCode::Full));
//! assert_eq!(faults.injected(), 1);
//!
//! // Nothing of the failed transaction is there.
//! faults.disarm();
//! let rows: i64 = conn.query_row("SELECT count(*) FROM t", (), |r| r.get(0))?;
//! assert_eq!(rows, 0);
//! # drop(conn); std::fs::remove_dir_all(&dir).unwrap();
//! # Ok::<(), lite3::Error>(())
//! ```

use super::{File, IoError, IoResult, LockLevel, ShmLockRequest, ShmRegion, SyncKind, Wrapper};
use crate::Result;
use parking_lot::Mutex;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// A kind of file operation a [`Fault`] counts and fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operation {
    /// `xRead`.
    Read,
    /// `xWrite`.
    Write,
    /// `xSync`.
    Sync,
    /// `xTruncate`.
    Truncate,
    /// `xLock`, `xUnlock`, `xCheckReservedLock`.
    Lock,
    /// `xShmMap`, `xShmLock` (the WAL index).
    Shm,
    /// Every operation above.
    Any,
}

impl Operation {
    /// Every kind, `Any` last.
    pub const ALL: [Operation; 7] = [
        Operation::Read,
        Operation::Write,
        Operation::Sync,
        Operation::Truncate,
        Operation::Lock,
        Operation::Shm,
        Operation::Any,
    ];

    fn index(self) -> usize {
        self as usize
    }
}

/// Which call fails, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use = "a fault does nothing until passed to FaultVfs::arm"]
pub struct Fault {
    operation: Operation,
    nth: u64,
    from_then_on: bool,
    error: Option<IoError>,
}

impl Fault {
    /// The `n`th call of `operation` after [`FaultVfs::arm`] fails (1 = the next one), with
    /// the operation's own I/O error (`SQLITE_IOERR_READ` for a read, …) unless
    /// [`error`](Self::error) says otherwise.
    pub fn nth(operation: Operation, n: u64) -> Self {
        Fault {
            operation,
            nth: n.max(1),
            from_then_on: false,
            error: None,
        }
    }

    /// Fails with `error`: any I/O error, [`IoError::FULL`], or [`IoError::SHORT_READ`] (a
    /// read that returns zeros past where the "disk" ended).
    pub fn error(mut self, error: IoError) -> Self {
        self.error = Some(error);
        self
    }

    /// Every call of the operation from the `n`th on fails, as on a disk that has died.
    pub fn from_then_on(mut self) -> Self {
        self.from_then_on = true;
        self
    }
}

#[derive(Default)]
struct Armed {
    fault: Option<Fault>,
    /// Calls of the armed operation since it was armed.
    seen: u64,
}

/// The fault-injecting VFS: wraps the default VFS, counts every operation and fails the one a
/// [`Fault`] names. Register one per test: counts and faults are per VFS, across every
/// connection opened through it.
pub struct FaultVfs {
    armed: Mutex<Armed>,
    calls: [AtomicU64; Operation::ALL.len()],
    injected: AtomicU64,
}

impl std::fmt::Debug for FaultVfs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaultVfs")
            .field("armed", &self.armed.lock().fault)
            .field("injected", &self.injected())
            .finish_non_exhaustive()
    }
}

impl FaultVfs {
    /// Registers a fault-injecting VFS named `name` over the default VFS, disarmed.
    ///
    /// # Errors
    /// As [`vfs::register`](super::register).
    pub fn register(name: &str) -> Result<&'static FaultVfs> {
        super::register(
            name,
            FaultVfs {
                armed: Mutex::new(Armed::default()),
                calls: Default::default(),
                injected: AtomicU64::new(0),
            },
        )
    }

    /// Arms `fault`, replacing any other; its count starts now.
    pub fn arm(&self, fault: Fault) {
        *self.armed.lock() = Armed {
            fault: Some(fault),
            seen: 0,
        };
    }

    /// Stops failing calls.
    pub fn disarm(&self) {
        self.armed.lock().fault = None;
    }

    /// How many calls of `operation` were made since the last [`reset_counts`](Self::reset_counts)
    /// (failed ones included).
    #[must_use]
    pub fn calls(&self, operation: Operation) -> u64 {
        self.calls[operation.index()].load(Relaxed)
    }

    /// How many calls were failed on purpose since the last [`reset_counts`](Self::reset_counts).
    #[must_use]
    pub fn injected(&self) -> u64 {
        self.injected.load(Relaxed)
    }

    /// Sets every count to zero.
    pub fn reset_counts(&self) {
        for count in &self.calls {
            count.store(0, Relaxed);
        }
        self.injected.store(0, Relaxed);
    }

    /// Counts one call of `operation`; the error to fail it with, if the armed fault says so.
    fn check(&self, operation: Operation, natural: IoError) -> Option<IoError> {
        self.calls[operation.index()].fetch_add(1, Relaxed);
        self.calls[Operation::Any.index()].fetch_add(1, Relaxed);
        let mut armed = self.armed.lock();
        let fault = armed.fault?;
        if fault.operation != operation && fault.operation != Operation::Any {
            return None;
        }
        armed.seen += 1;
        let fails = armed.seen == fault.nth || (fault.from_then_on && armed.seen > fault.nth);
        drop(armed);
        fails.then(|| {
            self.injected.fetch_add(1, Relaxed);
            fault.error.unwrap_or(natural)
        })
    }

    /// Releases a lock, then reports the armed error if there is one: the release still
    /// happens, as SQLite assumes when it ignores a failed unlock (a lock kept after a
    /// "failed" release would make every later call BUSY, which no real disk does).
    fn release(&self, natural: IoError, call: impl FnOnce() -> IoResult<()>) -> IoResult<()> {
        let failure = self.check(Operation::Lock, natural);
        call()?;
        failure.map_or(Ok(()), Err)
    }

    /// Fails the call with the armed error, or runs it.
    fn run<T>(
        &self,
        operation: Operation,
        natural: IoError,
        call: impl FnOnce() -> IoResult<T>,
    ) -> IoResult<T> {
        match self.check(operation, natural) {
            Some(error) => Err(error),
            None => call(),
        }
    }
}

impl Wrapper for FaultVfs {
    fn read(&self, file: &File<'_>, buf: &mut [u8], offset: u64) -> IoResult<()> {
        match self.check(Operation::Read, IoError::READ) {
            // A short read: the disk "ends" half-way through, the rest reads as zeros.
            Some(IoError::SHORT_READ) => {
                let half = buf.len() / 2;
                let result = file.read(&mut buf[..half], offset);
                buf[half..].fill(0);
                result.and(Err(IoError::SHORT_READ))
            }
            Some(error) => Err(error),
            None => file.read(buf, offset),
        }
    }

    fn write(&self, file: &File<'_>, data: &[u8], offset: u64) -> IoResult<()> {
        self.run(Operation::Write, IoError::WRITE, || {
            file.write(data, offset)
        })
    }

    fn truncate(&self, file: &File<'_>, size: u64) -> IoResult<()> {
        self.run(Operation::Truncate, IoError::TRUNCATE, || {
            file.truncate(size)
        })
    }

    fn sync(&self, file: &File<'_>, kind: SyncKind) -> IoResult<()> {
        self.run(Operation::Sync, IoError::FSYNC, || file.sync(kind))
    }

    fn lock(&self, file: &File<'_>, level: LockLevel) -> IoResult<()> {
        self.run(Operation::Lock, IoError::LOCK, || file.lock(level))
    }

    fn unlock(&self, file: &File<'_>, level: LockLevel) -> IoResult<()> {
        self.release(IoError::UNLOCK, || file.unlock(level))
    }

    fn check_reserved_lock(&self, file: &File<'_>) -> IoResult<bool> {
        self.run(Operation::Lock, IoError::CHECK_RESERVED_LOCK, || {
            file.check_reserved_lock()
        })
    }

    fn shm_map<'a>(
        &self,
        file: &File<'a>,
        region: usize,
        size: usize,
        extend: bool,
    ) -> IoResult<ShmRegion<'a>> {
        self.run(Operation::Shm, IoError::SHM_MAP, || {
            file.shm_map(region, size, extend)
        })
    }

    fn shm_lock(&self, file: &File<'_>, request: ShmLockRequest) -> IoResult<()> {
        if !request.is_lock() {
            let failure = self.check(Operation::Shm, IoError::SHM_LOCK);
            file.shm_lock(request)?;
            return failure.map_or(Ok(()), Err);
        }
        self.run(Operation::Shm, IoError::SHM_LOCK, || file.shm_lock(request))
    }
}
