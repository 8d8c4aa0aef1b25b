//! Wrapping VFSes: see every file operation SQLite makes, and change what it sees.
//!
//! A VFS is SQLite's interface to the operating system. [`register`] adds a VFS under a new name
//! that passes every call to another one (the default VFS unless [`Options::base`] names
//! one), letting a [`Wrapper`] look at, delay or fail each read, write, sync, truncate, lock
//! and shared-memory call on the way. Open a connection through it by name with
//! [`Connection::open_with_flags_and_vfs`](crate::Connection::open_with_flags_and_vfs),
//! [`PoolBuilder::vfs`](crate::PoolBuilder::vfs) or [`WorkerBuilder::vfs`](crate::WorkerBuilder::vfs),
//! or make it the default with [`Options::make_default`].
//!
//! ```
//! use lite3::vfs::{self, File, IoResult, Wrapper};
//! use std::sync::atomic::{AtomicU64, Ordering};
//!
//! /// Counts the bytes SQLite writes.
//! #[derive(Default)]
//! struct CountWrites(AtomicU64);
//!
//! impl Wrapper for CountWrites {
//!     fn write(&self, file: &File<'_>, data: &[u8], offset: u64) -> IoResult<()> {
//!         self.0.fetch_add(data.len() as u64, Ordering::Relaxed);
//!         file.write(data, offset)
//!     }
//! }
//!
//! let counter = vfs::register("count-writes-doc", CountWrites::default())?;
//! let dir = std::env::temp_dir().join(format!("lite3-doc-vfs-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let conn = lite3::Connection::open_with_flags_and_vfs(
//!     dir.join("counted.db"),
//!     lite3::OpenFlags::default(),
//!     "count-writes-doc",
//! )?;
//! conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")?;
//! assert!(counter.0.load(Ordering::Relaxed) >= 4096);
//! # drop(conn); std::fs::remove_dir_all(&dir).unwrap();
//! # Ok::<(), lite3::Error>(())
//! ```
//!
//! What lite3 guarantees around a wrapper:
//! - A panic in a method is caught before it reaches SQLite, SQLite sees an I/O error, and the
//!   panic resumes in the Rust code whose SQLite call made the file operation.
//! - A method runs inside SQLite, with the connection's file half-way through an operation: it
//!   may not use a lite3 connection or open one (that is [`Error::HookReentry`](crate::Error::HookReentry)).
//! - A registered VFS lives until the process exits. SQLite keeps a pointer to it in every
//!   connection opened through it and says nothing when the last one closes, so lite3 never
//!   frees it; [`unregister`] only stops new connections from finding it.
//! - Memory-mapped I/O (`PRAGMA mmap_size`, off by default) reads pages without calling
//!   [`Wrapper::read`].
//! - With the vendored SQLite, encryption stays above every wrapper: lite3 registers
//!   SQLite3 Multiple Ciphers' cipher layer over the wrapper (listed by [`names`] as
//!   `multipleciphers-<name>`) and opens connections through it, so a wrapper sees the bytes
//!   that reach the disk, encrypted for an encrypted database. A wrapper wraps the VFS beneath
//!   the default cipher layer (`unix` on Unix), and naming a cipher layer as
//!   [`Options::base`] wraps the VFS beneath it. The other way round, SQLite3 Multiple Ciphers
//!   would write WAL frames unencrypted.

mod io_error;
mod kinds;

#[cfg(feature = "fault-injection")]
pub mod fault;

pub use crate::raw::vfs::{File, ShmRegion};
pub use io_error::{IoError, IoResult};
pub use kinds::{Access, FileKind, LockLevel, ShmLockRequest, SyncKind};

use crate::Result;

/// What a wrapping VFS does with each file operation. Every method has a default that passes
/// the call to the wrapped VFS unchanged, so a wrapper overrides only what it changes.
///
/// SQLite calls the methods from every thread that uses a connection through this VFS, at the
/// same time for different files, hence `Send + Sync`.
#[allow(
    unused_variables,
    reason = "the defaults pass the call on and ignore what they do not need"
)]
pub trait Wrapper: Send + Sync + 'static {
    /// Before SQLite opens a file: an error refuses the open. `path` is `None` for temporary
    /// files SQLite names itself, and for a path that is not UTF-8.
    fn open(&self, path: Option<&str>, kind: FileKind) -> IoResult<()> {
        Ok(())
    }

    /// Before SQLite closes `file`; the close itself always happens.
    fn close(&self, file: &File<'_>) {}

    /// Reads `buf.len()` bytes at `offset`. A read past the end of the file is
    /// [`IoError::SHORT_READ`], with the bytes not read left zero (`buf` arrives zeroed).
    fn read(&self, file: &File<'_>, buf: &mut [u8], offset: u64) -> IoResult<()> {
        file.read(buf, offset)
    }

    /// Writes `data` at `offset`.
    fn write(&self, file: &File<'_>, data: &[u8], offset: u64) -> IoResult<()> {
        file.write(data, offset)
    }

    /// Cuts or extends the file to `size` bytes.
    fn truncate(&self, file: &File<'_>, size: u64) -> IoResult<()> {
        file.truncate(size)
    }

    /// Makes what was written durable.
    fn sync(&self, file: &File<'_>, kind: SyncKind) -> IoResult<()> {
        file.sync(kind)
    }

    /// The file's size in bytes.
    fn file_size(&self, file: &File<'_>) -> IoResult<u64> {
        file.size()
    }

    /// Raises the file's lock to `level`.
    fn lock(&self, file: &File<'_>, level: LockLevel) -> IoResult<()> {
        file.lock(level)
    }

    /// Lowers the file's lock to `level`.
    fn unlock(&self, file: &File<'_>, level: LockLevel) -> IoResult<()> {
        file.unlock(level)
    }

    /// Whether any connection holds a RESERVED or higher lock on the file.
    fn check_reserved_lock(&self, file: &File<'_>) -> IoResult<bool> {
        file.check_reserved_lock()
    }

    /// Maps region `region` (of `size` bytes) of the WAL index; `extend` allows creating it.
    fn shm_map<'a>(
        &self,
        file: &File<'a>,
        region: usize,
        size: usize,
        extend: bool,
    ) -> IoResult<ShmRegion<'a>> {
        file.shm_map(region, size, extend)
    }

    /// Takes or releases WAL-index locks.
    fn shm_lock(&self, file: &File<'_>, request: ShmLockRequest) -> IoResult<()> {
        file.shm_lock(request)
    }

    /// Unmaps the WAL index, deleting it when `delete`.
    fn shm_unmap(&self, file: &File<'_>, delete: bool) -> IoResult<()> {
        file.shm_unmap(delete)
    }

    /// Deletes the file at `path` (a journal, a WAL); `sync_dir` asks for the directory to be
    /// synced after. `base` is the wrapped VFS.
    fn delete(&self, base: &Base, path: &str, sync_dir: bool) -> IoResult<()> {
        base.delete(path, sync_dir)
    }

    /// Whether the file at `path` exists or may be read or written (see [`Access`]).
    fn access(&self, base: &Base, path: &str, access: Access) -> IoResult<bool> {
        base.access(path, access)
    }
}

pub use crate::raw::vfs::Base;

/// How [`register_with`] registers a VFS.
#[derive(Debug, Clone, Default)]
#[must_use = "options do nothing until passed to register_with"]
pub struct Options {
    base: Option<String>,
    make_default: bool,
}

impl Options {
    /// Wraps the VFS named `name` (for instance `"unix"`) instead of the default one.
    pub fn base(mut self, name: &str) -> Self {
        self.base = Some(name.to_owned());
        self
    }

    /// Makes the new VFS the default, used by every connection opened without a VFS name.
    pub fn make_default(mut self, yes: bool) -> Self {
        self.make_default = yes;
        self
    }
}

/// Registers `wrapper` as a VFS named `name` that wraps the default VFS, and returns it for
/// the rest of the process's life (see the [module](self) docs for why it is never freed).
///
/// # Errors
/// [`Error::Nul`](crate::Error::Nul) in `name`; SQLite's `MISUSE` when a VFS of that name is
/// already registered; [`Error::HookReentry`](crate::Error::HookReentry) from inside a VFS
/// method or SQLite's log callback; [`Error::SingleThreaded`](crate::Error::SingleThreaded)
/// from a thread that does not own a single-threaded SQLite.
pub fn register<W: Wrapper>(name: &str, wrapper: W) -> Result<&'static W> {
    register_with(name, wrapper, Options::default())
}

/// [`register`] with [`Options`]: which VFS to wrap, and whether to make the new one the
/// default.
///
/// ```
/// use lite3::vfs::{self, Options, Wrapper};
///
/// struct PassThrough;
/// impl Wrapper for PassThrough {}
///
/// vfs::register_with("pass-through-doc", PassThrough, Options::default().base("unix"))?;
/// assert!(vfs::names().iter().any(|name| name == "pass-through-doc"));
/// let conn = lite3::Connection::open_in_memory_with_flags_and_vfs(
///     lite3::OpenFlags::default(),
///     "pass-through-doc",
/// )?;
/// # drop(conn);
/// # Ok::<(), lite3::Error>(())
/// ```
///
/// # Errors
/// As [`register`]; SQLite's `ERROR` when no VFS is named `base`.
pub fn register_with<W: Wrapper>(name: &str, wrapper: W, options: Options) -> Result<&'static W> {
    crate::raw::vfs::register(name, wrapper, options.base.as_deref(), options.make_default)
}

/// Stops new connections from finding the VFS `name`, which lite3 registered. Connections
/// already open through it keep using it.
///
/// # Errors
/// SQLite's `ERROR` when lite3 registered no VFS of that name (or it was unregistered); the
/// refusals of [`register`].
pub fn unregister(name: &str) -> Result<()> {
    crate::raw::vfs::unregister(name)
}

/// The names of the registered VFSes, the default first.
#[must_use]
pub fn names() -> Vec<String> {
    crate::raw::vfs::names()
}
