//! Running a script of several statements, as `lite3 sql` and `lite3 shell` do: each statement
//! in turn, the rows of those that return rows printed as they come, and a failure named by the
//! script's line, so the user can find it.

use crate::Error;
use crate::database;
use crate::output::{self, Printing};
use lite3::{Batch, Connection};
use std::io::Write;
use std::path::Path;

/// Where in the script a statement failed, and why.
#[derive(Debug)]
pub(crate) struct Failure {
    /// 1-based line of the script.
    pub(crate) line: usize,
    pub(crate) error: Error,
}

/// Runs the statements of `sql` on `conn` in order, writing the rows of each query to `out`,
/// and stops at the first failure. With `no_transaction_control`, a statement that would begin
/// or end a transaction is refused before it runs (the caller holds the transaction).
pub(crate) fn run(
    conn: &Connection,
    db: &Path,
    sql: &str,
    printing: Printing,
    no_transaction_control: bool,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let mut batch = Batch::new(conn, sql);
    loop {
        let next = batch.next();
        let start = batch.offset();
        let fail = |error: Error, within: Option<usize>| Failure {
            line: line_of(sql, start + within.unwrap_or(0)),
            error: database::at(db, error),
        };
        let mut stmt = match next {
            Ok(Some(stmt)) => stmt,
            Ok(None) => return Ok(()),
            Err(e) => {
                let within = sqlite_offset(&e);
                return Err(fail(without_offset(e).into(), within));
            }
        };
        if no_transaction_control && controls_transaction(stmt.sql()) {
            let message = "--atomic runs the whole script in one transaction: \
                           remove the script's own BEGIN, COMMIT, END and ROLLBACK";
            return Err(fail(Error::Input(message.into()), None));
        }
        let result = if stmt.column_count() > 0 {
            let mut sink = output::sink(printing.format, printing.blobs, Box::new(&mut *out));
            output::write_rows(&mut stmt, (), sink.as_mut()).map(drop)
        } else {
            stmt.execute(()).map(drop).map_err(Error::from)
        };
        if let Err(e) = result {
            return Err(match e {
                Error::Sqlite(e) => {
                    let within = sqlite_offset(&e);
                    fail(without_offset(e).into(), within)
                }
                other => fail(other, None),
            });
        }
    }
}

fn sqlite_offset(error: &lite3::Error) -> Option<usize> {
    match error {
        lite3::Error::Sqlite(e) => e.offset,
        _ => None,
    }
}

/// `error` without the offset into its statement: the message names the script's line instead.
fn without_offset(error: lite3::Error) -> lite3::Error {
    match error {
        lite3::Error::Sqlite(mut e) => {
            e.offset = None;
            lite3::Error::Sqlite(e)
        }
        other => other,
    }
}

/// The 1-based line of byte `offset` in `text`.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Whether `sql` (one statement, starting at its first keyword) begins, commits or rolls back a
/// transaction. `ROLLBACK TO` a savepoint does not end the transaction and is allowed.
fn controls_transaction(sql: &str) -> bool {
    let words: Vec<String> = sql
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
        .take(3)
        .map(str::to_ascii_uppercase)
        .collect();
    match words.first().map(String::as_str) {
        Some("BEGIN" | "COMMIT" | "END") => true,
        Some("ROLLBACK") => !words.iter().skip(1).any(|w| w == "TO"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transaction_control_is_recognised_but_rollback_to_a_savepoint_is_not() {
        for sql in [
            "BEGIN",
            "begin immediate",
            "COMMIT",
            "end transaction",
            "ROLLBACK",
        ] {
            assert!(controls_transaction(sql), "{sql}");
        }
        for sql in [
            "ROLLBACK TO s",
            "rollback transaction to s",
            "SAVEPOINT s",
            "RELEASE s",
            "SELECT 'BEGIN'",
            "INSERT INTO begin_log VALUES (1)",
        ] {
            assert!(!controls_transaction(sql), "{sql}");
        }
    }

    #[test]
    fn lines_count_from_one() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 99), 3);
    }
}
