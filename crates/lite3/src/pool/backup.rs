//! [`Pool::backup`]: an online copy of a pooled database from one reader's snapshot.

use super::Pool;
use crate::backup::Progress;
use crate::{MAIN_DB, Result};
use std::path::Path;

impl Pool {
    /// Copies the database to the file `dst_path` (as [`Connection::backup`]) from one of the
    /// pool's readers, inside one read transaction: the copy is the database as of one moment,
    /// and in WAL mode (the pool's default) writers go on committing while it runs, neither
    /// blocked by it nor restarting it. In rollback-journal mode writers wait for the copy.
    ///
    /// ```
    /// use lite3::backup::NO_PROGRESS;
    ///
    /// let dir = std::env::temp_dir().join(format!("lite3-doc-pool-backup-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let pool = lite3::Pool::open(dir.join("live.db"))?;
    /// pool.write()?.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1)")?;
    /// pool.backup(dir.join("copy.db"), NO_PROGRESS)?;
    /// let copy = lite3::Connection::open(dir.join("copy.db"))?;
    /// assert_eq!(copy.query_row("SELECT count(*) FROM t", (), |r| r.get::<_, i64>(0))?, 1);
    /// # drop((pool, copy)); std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// [`Connection::backup`]: crate::Connection::backup
    ///
    /// # Errors
    /// Checkout errors, and those of [`Connection::backup`](crate::Connection::backup).
    pub fn backup<P: AsRef<Path>, F: Fn(Progress)>(
        &self,
        dst_path: P,
        progress: Option<F>,
    ) -> Result<()> {
        let reader = self.read()?;
        // A deferred transaction starts reading at its first statement: from then on the
        // reader sees one snapshot, which every backup step copies from.
        reader.execute_batch("BEGIN")?;
        let copied = reader
            .query_row("SELECT count(*) FROM sqlite_schema", (), |_| Ok(()))
            .and_then(|()| reader.backup(MAIN_DB, dst_path, progress));
        // The checkin would roll back too; ending the snapshot here frees the WAL sooner.
        let ended = reader.execute_batch("ROLLBACK");
        copied.and(ended)
    }
}
