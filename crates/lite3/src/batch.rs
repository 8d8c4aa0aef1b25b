//! [`Batch`]: the statements of a script, prepared one at a time, so that a caller can run each
//! its own way (print a query's rows, execute the rest) and name the one that failed.

use crate::Result;
use crate::connection::Connection;
use crate::sql_text::{check_no_nul, skip_blank};
use crate::statement::Statement;

/// The statements of a piece of SQL, in order, each prepared only when the previous one is
/// done with (so a statement may depend on what an earlier one created).
///
/// rusqlite's shape: `Batch::new(&conn, sql)` and `next()` until `Ok(None)`. lite3 adds
/// [`Batch::offset`], the byte offset of the statement `next` last prepared or failed to
/// prepare, so a caller can name the line of a failure.
///
/// ```
/// use lite3::{Batch, Connection};
///
/// let conn = Connection::open_in_memory()?;
/// let sql = "CREATE TABLE t(x); INSERT INTO t VALUES (1), (2);\nSELECT sum(x) FROM t;";
/// let mut batch = Batch::new(&conn, sql);
/// let mut sums = Vec::new();
/// while let Some(mut stmt) = batch.next()? {
///     if stmt.column_count() > 0 {
///         sums.push(stmt.query_row((), |row| row.get::<_, i64>(0))?);
///     } else {
///         stmt.execute(())?;
///     }
/// }
/// assert_eq!(sums, [3]);
///
/// let mut batch = Batch::new(&conn, "SELECT 1;\nSELECT nope;");
/// while let Some(_stmt) = batch.next().ok().flatten() {}
/// assert_eq!(batch.offset(), 10); // where the statement SQLite refused starts
/// # Ok::<(), lite3::Error>(())
/// ```
///
/// SQLite cannot recover from a statement it cannot parse, so after `next` fails the batch
/// is over: later calls return `Ok(None)`.
#[derive(Debug)]
pub struct Batch<'conn, 'sql> {
    conn: &'conn Connection,
    sql: &'sql str,
    /// Where the next statement's text begins (blanks not yet skipped).
    tail: usize,
    /// Where the statement `next` last prepared (or failed on) begins.
    start: usize,
    /// Set once the text is used up or a statement failed to prepare.
    done: bool,
}

impl<'conn, 'sql> Batch<'conn, 'sql> {
    /// A batch over the statements of `sql`; nothing is parsed until [`Batch::next`].
    #[must_use]
    pub fn new(conn: &'conn Connection, sql: &'sql str) -> Self {
        Self {
            conn,
            sql,
            tail: 0,
            start: 0,
            done: false,
        }
    }

    /// Prepares the next statement, or returns `Ok(None)` once only blanks, comments and `;`
    /// are left.
    ///
    /// # Errors
    /// [`Error::Nul`](crate::Error::Nul) if the SQL holds a NUL byte (before anything is
    /// prepared), SQLite's error for a statement it cannot prepare (its offset is relative to
    /// [`Batch::offset`]). The batch ends with the first error.
    #[allow(clippy::should_implement_trait)] // rusqlite's name; a fallible streaming iterator
    pub fn next(&mut self) -> Result<Option<Statement<'conn>>> {
        if self.done {
            return Ok(None);
        }
        if self.tail == 0
            && let Err(e) = check_no_nul(self.sql, "SQL")
        {
            self.done = true;
            return Err(e);
        }
        loop {
            self.tail += skip_blank(&self.sql[self.tail..]);
            self.start = self.tail;
            if self.tail == self.sql.len() {
                self.done = true;
                return Ok(None);
            }
            let prepared = self.conn.prepare_first(&self.sql[self.tail..], 0);
            let (stmt, consumed) = match prepared {
                Ok(parts) => parts,
                Err(e) => {
                    self.done = true;
                    return Err(e);
                }
            };
            self.tail += consumed;
            if let Some(stmt) = stmt {
                return Ok(Some(Statement::new(self.conn, stmt)));
            }
            if consumed == 0 {
                // SQLite found nothing more it could parse.
                self.done = true;
                return Ok(None);
            }
        }
    }

    /// The byte offset into the SQL of the statement [`Batch::next`] last returned, or of the
    /// one it failed to prepare.
    #[must_use]
    pub fn offset(&self) -> usize {
        self.start
    }
}
