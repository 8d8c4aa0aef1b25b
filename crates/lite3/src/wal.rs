//! Write-ahead-log checkpoints, in rusqlite's shapes: [`CheckpointMode`] and
//! [`Connection::wal_checkpoint_v2`]. The WAL hook and its [`Wal`] handle
//! are in [`hooks`](crate::hooks).

use crate::raw::wal::{self, HookTarget};
use crate::{Connection, Name, Result, ffi};
use std::ffi::{CStr, c_int};

/// How much a checkpoint may wait for, and do (SQLite's `SQLITE_CHECKPOINT_*`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(i32)]
#[non_exhaustive]
pub enum CheckpointMode {
    /// Copy as many frames as possible without waiting for readers or writers.
    #[default]
    PASSIVE = ffi::SQLITE_CHECKPOINT_PASSIVE,
    /// Wait for writers (through the busy handler), then copy every frame.
    FULL = ffi::SQLITE_CHECKPOINT_FULL,
    /// As `FULL`, then wait for readers so that the next writer starts the WAL over.
    RESTART = ffi::SQLITE_CHECKPOINT_RESTART,
    /// As `RESTART`, then truncate the WAL file to zero bytes.
    TRUNCATE = ffi::SQLITE_CHECKPOINT_TRUNCATE,
}

impl Connection {
    /// Checkpoints the WAL of database `db_name` (`None`: every attached database) in `mode`,
    /// returning the number of frames in the WAL and how many of them are now checkpointed
    /// (both -1 for a database that is not in WAL mode).
    ///
    /// ```
    /// use lite3::{DEFAULT_NAME, wal::CheckpointMode};
    ///
    /// let dir = std::env::temp_dir().join(format!("lite3-doc-ckpt-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let conn = lite3::Connection::open(dir.join("app.db"))?;
    /// conn.pragma_update(None, "journal_mode", "wal")?;
    /// conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1)")?;
    /// let (frames, done) = conn.wal_checkpoint_v2(DEFAULT_NAME, CheckpointMode::TRUNCATE)?;
    /// assert_eq!((frames, done), (0, 0)); // TRUNCATE empties the WAL after copying it
    /// # drop(conn); std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Nul`](crate::Error::Nul) in the name; SQLite's error (`Busy` when `FULL`,
    /// `RESTART` or `TRUNCATE` could not get the locks it waits for; `Error` for an unknown
    /// database).
    pub fn wal_checkpoint_v2<N: Name>(
        &self,
        db_name: Option<N>,
        mode: CheckpointMode,
    ) -> Result<(c_int, c_int)> {
        let name = db_name.as_ref().map(N::as_cstr).transpose()?;
        wal::checkpoint(self.raw(), name.as_deref(), mode as c_int)
    }
}

/// What a [WAL hook](Connection::wal_hook) gets: the database that was written to, and the one
/// thing SQLite lets the hook do with its own connection, a checkpoint.
/// It exists only as the `&mut Wal` a running hook is lent (it cannot be built, cloned or
/// moved out), so its pointers never outlive the call.
pub struct Wal {
    pub(crate) target: HookTarget,
}

impl Wal {
    /// Checkpoints the database in the default mode, [`CheckpointMode::PASSIVE`].
    ///
    /// # Errors
    /// As [`checkpoint_v2`](Self::checkpoint_v2).
    pub fn checkpoint(&mut self) -> Result<()> {
        self.checkpoint_v2(CheckpointMode::default()).map(drop)
    }

    /// Checkpoints the database in `mode`, returning the frames in the WAL and how many are
    /// checkpointed, as [`Connection::wal_checkpoint_v2`].
    ///
    /// # Errors
    /// SQLite's error (`Busy` when a blocking mode could not get its locks).
    pub fn checkpoint_v2(&mut self, mode: CheckpointMode) -> Result<(c_int, c_int)> {
        self.target.checkpoint(mode as c_int)
    }

    /// The name of the database that was written to (`main`, or an attached one's).
    #[must_use]
    pub fn name(&self) -> &CStr {
        self.target.name()
    }
}

impl std::fmt::Debug for Wal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wal").field("name", &self.name()).finish()
    }
}
