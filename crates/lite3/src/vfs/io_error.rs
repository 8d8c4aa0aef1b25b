//! The error a VFS method returns: one of SQLite's result codes, extended where SQLite has a
//! precise one, so the caller of the statement sees exactly what the wrapper chose.

use crate::{ErrorCode, ffi};
use std::ffi::c_int;
use std::fmt;

/// What a [`Wrapper`](super::Wrapper) method returns.
pub type IoResult<T> = std::result::Result<T, IoError>;

/// A failed file operation, as an SQLite result code (`SQLITE_IOERR_WRITE`, `SQLITE_FULL`, …).
/// The statement that caused the operation fails with an [`Error`](crate::Error) carrying the
/// same extended code, unless SQLite recovers (a failed unlock, for instance, is ignored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IoError(c_int);

impl IoError {
    /// A read failed (`SQLITE_IOERR_READ`).
    pub const READ: Self = Self(ffi::SQLITE_IOERR_READ);
    /// A read reached past the end of the file; the bytes not read must be zero
    /// (`SQLITE_IOERR_SHORT_READ`).
    pub const SHORT_READ: Self = Self(ffi::SQLITE_IOERR_SHORT_READ);
    /// A write failed (`SQLITE_IOERR_WRITE`).
    pub const WRITE: Self = Self(ffi::SQLITE_IOERR_WRITE);
    /// A sync failed (`SQLITE_IOERR_FSYNC`).
    pub const FSYNC: Self = Self(ffi::SQLITE_IOERR_FSYNC);
    /// Syncing a directory failed (`SQLITE_IOERR_DIR_FSYNC`).
    pub const DIR_FSYNC: Self = Self(ffi::SQLITE_IOERR_DIR_FSYNC);
    /// A truncate failed (`SQLITE_IOERR_TRUNCATE`).
    pub const TRUNCATE: Self = Self(ffi::SQLITE_IOERR_TRUNCATE);
    /// Reading the file's size failed (`SQLITE_IOERR_FSTAT`).
    pub const FSTAT: Self = Self(ffi::SQLITE_IOERR_FSTAT);
    /// Taking a lock failed (`SQLITE_IOERR_LOCK`).
    pub const LOCK: Self = Self(ffi::SQLITE_IOERR_LOCK);
    /// Releasing a lock failed (`SQLITE_IOERR_UNLOCK`).
    pub const UNLOCK: Self = Self(ffi::SQLITE_IOERR_UNLOCK);
    /// Taking a shared lock failed (`SQLITE_IOERR_RDLOCK`).
    pub const RDLOCK: Self = Self(ffi::SQLITE_IOERR_RDLOCK);
    /// Checking for a reserved lock failed (`SQLITE_IOERR_CHECKRESERVEDLOCK`).
    pub const CHECK_RESERVED_LOCK: Self = Self(ffi::SQLITE_IOERR_CHECKRESERVEDLOCK);
    /// Deleting a file failed (`SQLITE_IOERR_DELETE`).
    pub const DELETE: Self = Self(ffi::SQLITE_IOERR_DELETE);
    /// Checking a file's existence or access failed (`SQLITE_IOERR_ACCESS`).
    pub const ACCESS: Self = Self(ffi::SQLITE_IOERR_ACCESS);
    /// Opening the WAL index failed (`SQLITE_IOERR_SHMOPEN`).
    pub const SHM_OPEN: Self = Self(ffi::SQLITE_IOERR_SHMOPEN);
    /// Growing the WAL index failed (`SQLITE_IOERR_SHMSIZE`).
    pub const SHM_SIZE: Self = Self(ffi::SQLITE_IOERR_SHMSIZE);
    /// A WAL-index lock failed (`SQLITE_IOERR_SHMLOCK`).
    pub const SHM_LOCK: Self = Self(ffi::SQLITE_IOERR_SHMLOCK);
    /// Mapping the WAL index failed (`SQLITE_IOERR_SHMMAP`).
    pub const SHM_MAP: Self = Self(ffi::SQLITE_IOERR_SHMMAP);
    /// Any other I/O failure (`SQLITE_IOERR`).
    pub const IO: Self = Self(ffi::SQLITE_IOERR);
    /// The disk is full (`SQLITE_FULL`).
    pub const FULL: Self = Self(ffi::SQLITE_FULL);
    /// The file is locked by another process (`SQLITE_BUSY`).
    pub const BUSY: Self = Self(ffi::SQLITE_BUSY);
    /// The file cannot be opened (`SQLITE_CANTOPEN`).
    pub const CANT_OPEN: Self = Self(ffi::SQLITE_CANTOPEN);

    /// Any SQLite result code other than `SQLITE_OK` and the row/done codes; `None` for those.
    #[must_use]
    pub fn from_code(code: c_int) -> Option<Self> {
        match code & 0xff {
            ffi::SQLITE_OK | ffi::SQLITE_ROW | ffi::SQLITE_DONE => None,
            _ => Some(Self(code)),
        }
    }

    /// The extended result code, e.g. `SQLITE_IOERR_WRITE` (778).
    #[must_use]
    pub fn extended_code(self) -> c_int {
        self.0
    }

    /// The primary result code, e.g. [`ErrorCode::IoErr`].
    #[must_use]
    pub fn code(self) -> ErrorCode {
        ErrorCode::from_primary(self.0 & 0xff)
    }
}

impl fmt::Display for IoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (code {})",
            crate::raw::error::from_code(self.0).message,
            self.0
        )
    }
}

impl std::error::Error for IoError {}
