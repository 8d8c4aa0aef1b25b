//! Online backup, in rusqlite's shapes: [`Backup`] copies a database page by page while it
//! stays in use, and [`Connection::backup`]/[`Connection::restore`] copy to and from a file.
//!
//! SQLite writes the copy inside one transaction on the destination: a backup that fails or is
//! dropped before it is done rolls back, leaving the destination as it was. When another
//! connection writes to the source meanwhile, the next step starts the copy over (the source's
//! own connection writing is followed without a restart).

use crate::raw::backup::{RawBackup, Stepped};
use crate::{Connection, MAIN_DB, Name, Result};
use std::ffi::c_int;
use std::path::Path;
use std::time::Duration;

/// What a [`Backup::step`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StepResult {
    /// The copy is complete (and committed in the destination).
    Done,
    /// Pages remain: step again.
    More,
    /// The source or destination was busy (another connection's lock); step again later.
    Busy,
    /// The destination is locked by its own connection's open statement; step again later.
    Locked,
}

/// How far a backup is, as of its last step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Pages still to copy.
    pub remaining: c_int,
    /// Pages in the source.
    pub pagecount: c_int,
}

/// No progress callback, for [`Connection::backup`] and [`Connection::restore`].
pub const NO_PROGRESS: Option<fn(Progress)> = None;

/// An online copy of one database into another, stepped by the caller.
///
/// ```
/// use lite3::backup::{Backup, StepResult};
/// use lite3::Connection;
///
/// let src = Connection::open_in_memory()?;
/// src.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2)")?;
/// let mut dst = Connection::open_in_memory()?;
/// {
///     let backup = Backup::new(&src, &mut dst)?;
///     while backup.step(1)? != StepResult::Done {}
///     assert_eq!(backup.progress().remaining, 0);
/// }
/// assert_eq!(dst.query_row("SELECT count(*) FROM t", (), |r| r.get::<_, i64>(0))?, 2);
/// # Ok::<(), lite3::Error>(())
/// ```
pub struct Backup<'a, 'b> {
    from: &'a Connection,
    to: &'b Connection,
    raw: Option<RawBackup>,
}

impl<'a, 'b> Backup<'a, 'b> {
    /// Copies `from`'s main database into `to`'s. `to` is borrowed mutably: nothing else may
    /// use it until the backup is dropped.
    ///
    /// # Errors
    /// SQLite's error (e.g. the destination is in a transaction), or a refusal of either
    /// connection's door.
    pub fn new(from: &'a Connection, to: &'b mut Connection) -> Result<Self> {
        Self::new_with_names(from, MAIN_DB, to, MAIN_DB)
    }

    /// Copies `from`'s database `from_name` into `to`'s `to_name` (`main`, `temp` or an
    /// attached name).
    ///
    /// # Errors
    /// As [`new`](Self::new), and [`Error::Nul`](crate::Error::Nul) in a name.
    pub fn new_with_names<F: Name, T: Name>(
        from: &'a Connection,
        from_name: F,
        to: &'b mut Connection,
        to_name: T,
    ) -> Result<Self> {
        let (from_name, to_name) = (from_name.as_cstr()?, to_name.as_cstr()?);
        if from_name.as_ref() == MAIN_DB && to_name.as_ref() == MAIN_DB {
            crate::encryption::check_backup(from, to)?;
        }
        let raw = RawBackup::new(from.raw(), &from_name, to.raw(), &to_name)?;
        Ok(Self {
            from,
            to,
            raw: Some(raw),
        })
    }

    /// Copies up to `num_pages` pages (negative: all that remain).
    ///
    /// # Errors
    /// SQLite's error (e.g. `Full` when the destination cannot grow, `ReadOnly`); the copy
    /// cannot go on after one, and dropping the `Backup` rolls the destination back.
    pub fn step(&self, num_pages: c_int) -> Result<StepResult> {
        let raw = self
            .raw
            .as_ref()
            .expect("a Backup's raw handle lives until drop");
        Ok(match raw.step(self.from.raw(), self.to.raw(), num_pages)? {
            Stepped::Done => StepResult::Done,
            Stepped::More => StepResult::More,
            Stepped::Busy => StepResult::Busy,
            Stepped::Locked => StepResult::Locked,
        })
    }

    /// Pages remaining and in total, as of the last step (both 0 before the first).
    #[must_use]
    pub fn progress(&self) -> Progress {
        let raw = self
            .raw
            .as_ref()
            .expect("a Backup's raw handle lives until drop");
        let (remaining, pagecount) = raw.progress();
        Progress {
            remaining,
            pagecount,
        }
    }

    /// Steps `pages_per_step` pages at a time until done, sleeping `pause_between_pages`
    /// between steps (other connections can use the source meanwhile) and reporting progress
    /// after each.
    ///
    /// # Panics
    /// If `pages_per_step` is not positive (rusqlite's contract).
    ///
    /// # Errors
    /// As [`step`](Self::step).
    pub fn run_to_completion(
        &self,
        pages_per_step: c_int,
        pause_between_pages: Duration,
        progress: Option<fn(Progress)>,
    ) -> Result<()> {
        assert!(pages_per_step > 0, "pages_per_step must be positive");
        loop {
            let stepped = self.step(pages_per_step)?;
            if let Some(progress) = progress {
                progress(self.progress());
            }
            match stepped {
                StepResult::Done => return Ok(()),
                StepResult::More | StepResult::Busy | StepResult::Locked => {
                    std::thread::sleep(pause_between_pages);
                }
            }
        }
    }
}

impl Drop for Backup<'_, '_> {
    fn drop(&mut self) {
        let to = self.to.raw();
        if to.inherited_by_fork() || to.refused_by_single_threaded_sqlite() {
            // Finishing would roll back the destination's transaction from a process or thread
            // that must not touch it: leak the handle, as the connections themselves do.
            std::mem::forget(self.raw.take());
        }
    }
}

impl std::fmt::Debug for Backup<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backup")
            .field("progress", &self.progress())
            .finish()
    }
}

/// Runs `backup` to the end, 100 pages a step, reporting progress; busy or locked steps are
/// retried `busy_retries` times, 100 ms apart, before failing with `Busy`/`Locked`.
fn copy_all<F: Fn(Progress)>(
    backup: &Backup<'_, '_>,
    progress: Option<&F>,
    busy_retries: u32,
) -> Result<()> {
    let mut waits = 0;
    loop {
        let stepped = backup.step(100)?;
        if let Some(progress) = progress {
            progress(backup.progress());
        }
        let code = match stepped {
            StepResult::Done => return Ok(()),
            StepResult::More => continue,
            StepResult::Busy => crate::ffi::SQLITE_BUSY,
            StepResult::Locked => crate::ffi::SQLITE_LOCKED,
        };
        if waits == busy_retries {
            return Err(crate::raw::error::from_code(code).into());
        }
        waits += 1;
        std::thread::sleep(Duration::from_millis(100));
    }
}

impl Connection {
    /// Copies database `name` of this connection to the file `dst_path` (created, or
    /// replaced as a whole once the copy is complete), reporting progress every 100 pages. It
    /// runs while other connections use the database (a write by one of them restarts the
    /// copy). A failure leaves an existing `dst_path` as it was, and removes a file this call
    /// created.
    ///
    /// ```
    /// use lite3::{Connection, MAIN_DB, backup::NO_PROGRESS};
    ///
    /// let dir = std::env::temp_dir().join(format!("lite3-doc-backup-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let conn = Connection::open_in_memory()?;
    /// conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES ('kept')")?;
    /// conn.backup(MAIN_DB, dir.join("copy.db"), NO_PROGRESS)?;
    ///
    /// let mut restored = Connection::open_in_memory()?;
    /// restored.restore(MAIN_DB, dir.join("copy.db"), Some(|p: lite3::backup::Progress| {
    ///     assert!(p.remaining <= p.pagecount);
    /// }))?;
    /// assert_eq!(restored.query_row("SELECT x FROM t", (), |r| r.get::<_, String>(0))?, "kept");
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// Opening `dst_path`, or SQLite's error during the copy (`Busy` if the destination stayed
    /// locked).
    pub fn backup<N: Name, P: AsRef<Path>, F: Fn(Progress)>(
        &self,
        name: N,
        dst_path: P,
        progress: Option<F>,
    ) -> Result<()> {
        let dst_path = dst_path.as_ref();
        let existed = dst_path.exists();
        let copied = Self::open(dst_path).and_then(|mut dst| {
            let backup = Backup::new_with_names(self, name, &mut dst, MAIN_DB)?;
            copy_all(&backup, progress.as_ref(), 0)
        });
        if copied.is_err() && !existed {
            // Nothing of ours may look like a copy: remove what the open created.
            for suffix in ["", "-journal", "-wal", "-shm"] {
                let mut file = dst_path.as_os_str().to_owned();
                file.push(suffix);
                let _ = std::fs::remove_file(file);
            }
        }
        copied
    }

    /// Replaces database `name` of this connection with the database in the file `src_path`,
    /// reporting progress every 100 pages. The replacement is one transaction: a failure
    /// leaves this database as it was. Busy steps are retried three times, 100 ms apart.
    ///
    /// # Errors
    /// Opening `src_path` (a missing file is an error, not an empty database), or SQLite's
    /// error during the copy (`Busy` if the file stayed locked, `NotADatabase`).
    pub fn restore<N: Name, P: AsRef<Path>, F: Fn(Progress)>(
        &mut self,
        name: N,
        src_path: P,
        progress: Option<F>,
    ) -> Result<()> {
        let src = Self::open_with_flags(
            src_path,
            crate::OpenFlags::SQLITE_OPEN_READ_ONLY | crate::OpenFlags::SQLITE_OPEN_URI,
        )?;
        let backup = Backup::new_with_names(&src, MAIN_DB, self, name)?;
        copy_all(&backup, progress.as_ref(), 3)
    }
}
