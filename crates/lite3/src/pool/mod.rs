//! [`Pool`]: one writer and N readers over a WAL database, shared by many threads.

mod backup;
mod guard;
mod slots;

pub use guard::PooledConnection;

use crate::encryption::{Encryption, open_maybe_encrypted};
use crate::on_open::OnOpen;
use crate::{Connection, Error, OpenFlags, Result, Transaction, TransactionBehavior};
use slots::{Counters, Slots};
use std::ffi::CString;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// A pool of connections to one database file in WAL mode: one writer and N read-only readers,
/// so reads run in parallel with each other and with the single writer.
///
/// `Pool` is `Send + Sync` and cheap to clone (clones share the connections). Checkouts wait up
/// to the pool's timeout and then fail with [`Error::PoolTimeout`].
///
/// ```
/// use lite3::Pool;
///
/// let dir = std::env::temp_dir().join(format!("lite3-doc-pool-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let pool = Pool::builder(dir.join("app.db")).readers(2).build()?;
/// pool.write()?.execute("CREATE TABLE t(x)", ())?;
/// pool.write_tx(|tx| {
///     tx.execute("INSERT INTO t VALUES (1)", ())?;
///     Ok(())
/// })?;
/// let readers: Vec<_> = (0..2)
///     .map(|_| {
///         let pool = pool.clone();
///         std::thread::spawn(move || pool.read()?.query_row("SELECT count(*) FROM t", (), |r| r.get::<_, i64>(0)))
///     })
///     .collect();
/// for reader in readers {
///     assert_eq!(reader.join().unwrap()?, 1);
/// }
/// # drop(pool); std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), lite3::Error>(())
/// ```
#[derive(Clone)]
pub struct Pool {
    shared: Arc<Shared>,
}

pub(crate) struct Shared {
    path: PathBuf,
    timeout: Duration,
    busy_timeout: Duration,
    on_open: OnOpen,
    /// The key every connection is opened with, if the database is encrypted.
    encryption: Option<Encryption>,
    /// The VFS every connection is opened through (SQLite's default when `None`).
    vfs: Option<CString>,
    writer: Slots,
    readers: Slots,
    counters: Counters,
}

/// Configures a [`Pool`]; from [`Pool::builder`].
///
/// ```
/// use std::time::Duration;
///
/// let dir = std::env::temp_dir().join(format!("lite3-doc-builder-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let pool = lite3::Pool::builder(dir.join("b.db"))
///     .readers(4)
///     .timeout(Duration::from_millis(500))
///     .on_open(|conn| conn.pragma_update(None, "foreign_keys", true))
///     .build()?;
/// assert_eq!(pool.read()?.pragma_query_value(None, "foreign_keys", |r| r.get::<_, bool>(0))?, true);
/// # drop(pool); std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), lite3::Error>(())
/// ```
#[must_use = "a builder does nothing until build() is called"]
pub struct PoolBuilder {
    path: PathBuf,
    readers: usize,
    timeout: Duration,
    busy_timeout: Duration,
    on_open: OnOpen,
    encryption: Option<Encryption>,
    vfs: Option<String>,
}

impl PoolBuilder {
    /// Number of read-only connections (default: the available parallelism; at least 1). A
    /// limit, not an allocation: readers are opened on first use, so a huge value only means
    /// "never wait for a reader".
    pub fn readers(mut self, readers: usize) -> Self {
        self.readers = readers.max(1);
        self
    }

    /// How long a checkout waits for a free connection (default 5 s); `Duration::MAX` waits
    /// without a deadline.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long SQLite retries when another process holds a lock (default 5 s).
    pub fn busy_timeout(mut self, timeout: Duration) -> Self {
        self.busy_timeout = timeout;
        self
    }

    /// Runs on every connection the pool opens (pragmas, functions), before first use. If it
    /// fails or panics, the checkout that opened the connection (or `build()`) returns the
    /// error or resumes the panic, and the next checkout tries again.
    pub fn on_open<F>(mut self, f: F) -> Self
    where
        F: Fn(&Connection) -> Result<()> + Send + Sync + 'static,
    {
        self.on_open = OnOpen::new(f);
        self
    }

    /// Opens every connection of the pool (the writer, each reader, each replacement) with
    /// `encryption`'s key and cipher (see [`Connection::open_encrypted`]): the key never
    /// passes through `on_open`. A wrong key fails `build()`.
    ///
    /// Changing the database's key while a pool has it open (`rekey` through the pool's writer,
    /// or another process) makes the connections the pool opens later fail with
    /// [`EncryptionError::WrongKey`](crate::encryption::EncryptionError::WrongKey): re-key
    /// with the pool closed, then build a new one with the new key.
    pub fn encryption(mut self, encryption: Encryption) -> Self {
        self.encryption = Some(encryption);
        self
    }

    /// Opens every connection through the VFS named `vfs` (see [`crate::vfs`]) instead of
    /// SQLite's default. A name with a NUL byte or one SQLite does not know fails
    /// [`build`](Self::build).
    pub fn vfs(mut self, vfs: &str) -> Self {
        self.vfs = Some(vfs.to_owned());
        self
    }

    /// Opens the writer, switches the database to WAL mode and prepares the readers (opened on
    /// first use). A relative path is resolved against the current directory now, once: every
    /// connection the pool opens later, after a `chdir` too, opens the same file.
    ///
    /// # Errors
    /// [`Error::InvalidPoolPath`] for in-memory databases (each connection would get its own)
    /// and relative paths when the current directory cannot be read; SQLite's errors opening
    /// the file or switching to WAL.
    pub fn build(self) -> Result<Pool> {
        check_poolable(&self.path)?;
        let shared = Shared {
            path: absolute(&self.path)?,
            timeout: self.timeout,
            busy_timeout: self.busy_timeout,
            on_open: self.on_open,
            encryption: self.encryption,
            vfs: self
                .vfs
                .map(|vfs| crate::sql_text::c_string(vfs, "VFS name"))
                .transpose()?,
            writer: Slots::new("writer", 1),
            readers: Slots::new("reader", self.readers),
            counters: Counters::default(),
        };
        let pool = Pool {
            shared: Arc::new(shared),
        };
        // Open the writer now: it creates the file and switches it to WAL before any reader.
        drop(pool.write()?);
        Ok(pool)
    }
}

impl std::fmt::Debug for PoolBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PoolBuilder")
            .field("path", &self.path)
            .field("readers", &self.readers)
            .finish_non_exhaustive()
    }
}

impl Pool {
    /// A pool with default settings; see [`Pool::builder`].
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("lite3-doc-pool-open-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let pool = lite3::Pool::open(dir.join("p.db"))?;
    /// assert!(pool.metrics().readers >= 1);
    /// # drop(pool); std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`PoolBuilder::build`].
    pub fn open<P: AsRef<Path>>(path: P) -> Result<Pool> {
        Pool::builder(path).build()
    }

    /// Starts configuring a pool for the database file at `path`.
    pub fn builder<P: AsRef<Path>>(path: P) -> PoolBuilder {
        let parallelism = std::thread::available_parallelism().map_or(1, usize::from);
        PoolBuilder {
            path: path.as_ref().to_path_buf(),
            readers: parallelism,
            timeout: Duration::from_secs(5),
            busy_timeout: Duration::from_secs(5),
            on_open: OnOpen::default(),
            encryption: None,
            vfs: None,
        }
    }

    /// Checks out a read-only connection.
    ///
    /// # Errors
    /// [`Error::PoolTimeout`] when none is free within the timeout; errors opening one.
    pub fn read(&self) -> Result<PooledConnection<'_>> {
        let shared = &*self.shared;
        let conn = shared
            .readers
            .checkout(shared.timeout, &shared.counters, || shared.open_reader())?;
        Ok(PooledConnection::new(conn, &shared.readers, shared))
    }

    /// Checks out the writer connection.
    ///
    /// # Errors
    /// [`Error::PoolTimeout`] when it stays busy for the whole timeout; errors reopening it.
    pub fn write(&self) -> Result<PooledConnection<'_>> {
        let shared = &*self.shared;
        let conn = shared
            .writer
            .checkout(shared.timeout, &shared.counters, || shared.open_writer())?;
        Ok(PooledConnection::new(conn, &shared.writer, shared))
    }

    /// Runs `f` in a `BEGIN IMMEDIATE` transaction on the writer: commits if it returns `Ok`,
    /// rolls back if it returns `Err` or panics (the panic then continues in the caller).
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("lite3-doc-write-tx-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let pool = lite3::Pool::open(dir.join("w.db"))?;
    /// pool.write()?.execute("CREATE TABLE t(x)", ())?;
    /// let failed: lite3::Result<()> = pool.write_tx(|tx| {
    ///     tx.execute("INSERT INTO t VALUES (1)", ())?;
    ///     Err(lite3::Error::QueryReturnedNoRows) // any error rolls back
    /// });
    /// assert!(failed.is_err());
    /// assert_eq!(pool.read()?.query_row("SELECT count(*) FROM t", (), |r| r.get::<_, i64>(0))?, 0);
    /// # drop(pool); std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// Checkout errors, SQLite's errors beginning or committing, and whatever `f` returns.
    pub fn write_tx<T, F>(&self, f: F) -> Result<T>
    where
        F: FnOnce(&mut Transaction<'_>) -> Result<T>,
    {
        let mut conn = self.write()?;
        let mut tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&mut tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Current usage figures.
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("lite3-doc-metrics-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let pool = lite3::Pool::builder(dir.join("m.db")).readers(3).build()?;
    /// let guard = pool.read()?;
    /// let m = pool.metrics();
    /// assert_eq!((m.in_use, m.readers), (1, 3));
    /// # drop(guard); drop(pool); std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[must_use]
    pub fn metrics(&self) -> PoolMetrics {
        let c = &self.shared.counters;
        PoolMetrics {
            in_use: c.in_use.load(Ordering::Relaxed),
            readers: self.shared.readers.capacity(),
            waits: c.waits.load(Ordering::Relaxed),
            total_wait: Duration::from_nanos(c.wait_nanos.load(Ordering::Relaxed)),
            replaced: c.replaced.load(Ordering::Relaxed),
        }
    }
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("path", &self.shared.path)
            .field("metrics", &self.metrics())
            .finish()
    }
}

/// Usage figures of a [`Pool`], from [`Pool::metrics`].
///
/// ```
/// let m = lite3::PoolMetrics::default();
/// assert_eq!(m.waits, 0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PoolMetrics {
    /// Connections checked out right now (readers and writer).
    pub in_use: usize,
    /// Reader connections the pool may hold.
    pub readers: usize,
    /// Checkouts that had to wait (including those that timed out).
    pub waits: u64,
    /// Time spent waiting by checkouts that got a connection.
    pub total_wait: Duration,
    /// Connections closed and replaced after a fatal error or a failed cleanup.
    pub replaced: u64,
}

impl Shared {
    fn open_writer(&self) -> Result<Connection> {
        let conn = open_maybe_encrypted(
            &self.path,
            OpenFlags::default(),
            self.vfs.as_deref(),
            self.encryption.as_ref(),
        )?;
        let conn = self.prepare(conn)?;
        let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            conn.pragma_update(None, "journal_mode", "WAL")?;
            let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(Error::InvalidPoolPath {
                    path: self.path.display().to_string(),
                    reason: "the database cannot switch to WAL mode",
                });
            }
        }
        Ok(conn)
    }

    fn open_reader(&self) -> Result<Connection> {
        let conn = open_maybe_encrypted(
            &self.path,
            OpenFlags::READ_ONLY | OpenFlags::URI,
            self.vfs.as_deref(),
            self.encryption.as_ref(),
        )?;
        self.prepare(conn)
    }

    fn prepare(&self, conn: Connection) -> Result<Connection> {
        conn.busy_timeout(self.busy_timeout)?;
        self.on_open.run(&conn)?;
        // What on_open installed is the connection's configuration; only a borrower's changes
        // count at checkin.
        conn.callbacks.take_changed();
        Ok(conn)
    }
}

/// Each pooled connection to `:memory:` would get its own empty database, and a shared
/// in-memory database cannot use WAL; refuse rather than hand out databases that differ.
fn check_poolable(path: &Path) -> Result<()> {
    let text = path.to_string_lossy();
    let in_memory = text.is_empty()
        || text == ":memory:"
        || (text.starts_with("file:")
            && (text.contains("mode=memory") || text.starts_with("file::memory:")));
    if in_memory {
        return Err(Error::InvalidPoolPath {
            path: text.into_owned(),
            reason: "in-memory databases cannot be pooled (each connection would see its own \
                     database, and WAL needs a file); use a file, or a Worker for one connection",
        });
    }
    Ok(())
}

/// `path` made absolute against the current directory, so that connections opened later (after
/// a `chdir`) open the same file. A `file:` URI with a relative path gets the directory put in
/// front, percent-encoded where URI syntax requires.
fn absolute(path: &Path) -> Result<PathBuf> {
    let unreadable_cwd = |_| Error::InvalidPoolPath {
        path: path.display().to_string(),
        reason: "the path is relative and the current directory cannot be read",
    };
    let Some(rest) = path.to_str().and_then(|p| p.strip_prefix("file:")) else {
        return std::path::absolute(path).map_err(unreadable_cwd);
    };
    if rest.starts_with('/') {
        return Ok(path.to_path_buf()); // absolute, or with an authority (file://host/…)
    }
    let cwd = std::env::current_dir().map_err(unreadable_cwd)?;
    let mut uri = String::from("file:");
    #[cfg(unix)]
    let cwd_bytes = std::os::unix::ffi::OsStrExt::as_bytes(cwd.as_os_str()).to_vec();
    #[cfg(not(unix))]
    let cwd_bytes = cwd.to_string_lossy().into_owned().into_bytes();
    for byte in cwd_bytes {
        match byte {
            b'%' | b'?' | b'#' | 0..=0x20 | 0x7f.. => uri.push_str(&format!("%{byte:02X}")),
            _ => uri.push(char::from(byte)),
        }
    }
    uri.push('/');
    uri.push_str(rest);
    Ok(PathBuf::from(uri))
}
