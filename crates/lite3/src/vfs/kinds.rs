//! The small values SQLite passes to VFS methods, as Rust types.

use crate::ffi;
use std::ffi::c_int;

/// What a file is for, from the flags SQLite opens it with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FileKind {
    /// A main database file.
    MainDb,
    /// A main database's rollback journal.
    MainJournal,
    /// A main database's write-ahead log.
    Wal,
    /// A temporary database.
    TempDb,
    /// A temporary database's journal.
    TempJournal,
    /// A transient database (for sorting, materialised views).
    TransientDb,
    /// A statement journal (to undo one statement).
    Subjournal,
    /// A super-journal (a transaction over several attached databases).
    SuperJournal,
    /// Anything else.
    Other,
}

impl FileKind {
    pub(crate) fn from_open_flags(flags: c_int) -> Self {
        const KINDS: [(c_int, FileKind); 8] = [
            (ffi::SQLITE_OPEN_MAIN_DB, FileKind::MainDb),
            (ffi::SQLITE_OPEN_MAIN_JOURNAL, FileKind::MainJournal),
            (ffi::SQLITE_OPEN_WAL, FileKind::Wal),
            (ffi::SQLITE_OPEN_TEMP_DB, FileKind::TempDb),
            (ffi::SQLITE_OPEN_TEMP_JOURNAL, FileKind::TempJournal),
            (ffi::SQLITE_OPEN_TRANSIENT_DB, FileKind::TransientDb),
            (ffi::SQLITE_OPEN_SUBJOURNAL, FileKind::Subjournal),
            (ffi::SQLITE_OPEN_SUPER_JOURNAL, FileKind::SuperJournal),
        ];
        KINDS
            .iter()
            .find(|(flag, _)| flags & flag != 0)
            .map_or(FileKind::Other, |&(_, kind)| kind)
    }
}

/// A file lock level, from none to exclusive (SQLite's `SQLITE_LOCK_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LockLevel {
    /// No lock.
    None,
    /// Reading.
    Shared,
    /// About to write.
    Reserved,
    /// Waiting for readers to finish, to write.
    Pending,
    /// Writing.
    Exclusive,
}

impl LockLevel {
    pub(crate) fn from_raw(level: c_int) -> Self {
        match level {
            ffi::SQLITE_LOCK_NONE => Self::None,
            ffi::SQLITE_LOCK_SHARED => Self::Shared,
            ffi::SQLITE_LOCK_RESERVED => Self::Reserved,
            ffi::SQLITE_LOCK_PENDING => Self::Pending,
            _ => Self::Exclusive,
        }
    }

    pub(crate) fn raw(self) -> c_int {
        match self {
            Self::None => ffi::SQLITE_LOCK_NONE,
            Self::Shared => ffi::SQLITE_LOCK_SHARED,
            Self::Reserved => ffi::SQLITE_LOCK_RESERVED,
            Self::Pending => ffi::SQLITE_LOCK_PENDING,
            Self::Exclusive => ffi::SQLITE_LOCK_EXCLUSIVE,
        }
    }
}

/// How thoroughly a sync must make data durable (SQLite's `SQLITE_SYNC_*` flags).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SyncKind(pub(crate) c_int);

impl SyncKind {
    /// `PRAGMA synchronous = FULL`-grade durability was asked for (`SQLITE_SYNC_FULL`).
    #[must_use]
    pub fn is_full(self) -> bool {
        self.0 & 0x0f == ffi::SQLITE_SYNC_FULL
    }

    /// Only the data must be durable, not the file's metadata (`SQLITE_SYNC_DATAONLY`).
    #[must_use]
    pub fn is_data_only(self) -> bool {
        self.0 & ffi::SQLITE_SYNC_DATAONLY != 0
    }
}

/// What [`Wrapper::access`](super::Wrapper::access) asks about a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// Whether the file exists.
    Exists,
    /// Whether it may be read and written.
    ReadWrite,
    /// Whether it may be read.
    Read,
}

impl Access {
    pub(crate) fn from_raw(flags: c_int) -> Self {
        match flags {
            ffi::SQLITE_ACCESS_READWRITE => Self::ReadWrite,
            ffi::SQLITE_ACCESS_READ => Self::Read,
            _ => Self::Exists,
        }
    }

    pub(crate) fn raw(self) -> c_int {
        match self {
            Self::Exists => ffi::SQLITE_ACCESS_EXISTS,
            Self::ReadWrite => ffi::SQLITE_ACCESS_READWRITE,
            Self::Read => ffi::SQLITE_ACCESS_READ,
        }
    }
}

/// One WAL-index lock request: `n` lock slots from `offset`, taken or released, shared or
/// exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ShmLockRequest {
    pub(crate) offset: c_int,
    pub(crate) n: c_int,
    pub(crate) flags: c_int,
}

impl ShmLockRequest {
    /// The first lock slot.
    #[must_use]
    pub fn offset(self) -> u32 {
        self.offset.unsigned_abs()
    }

    /// How many slots.
    #[must_use]
    pub fn count(self) -> u32 {
        self.n.unsigned_abs()
    }

    /// Taking (true) or releasing (false).
    #[must_use]
    pub fn is_lock(self) -> bool {
        self.flags & ffi::SQLITE_SHM_LOCK != 0
    }

    /// Exclusive (true) or shared (false).
    #[must_use]
    pub fn is_exclusive(self) -> bool {
        self.flags & ffi::SQLITE_SHM_EXCLUSIVE != 0
    }
}
