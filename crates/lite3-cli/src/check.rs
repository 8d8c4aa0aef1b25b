//! `lite3 check DB [--quick]`: SQLite's integrity check (or the faster quick check) and the
//! foreign key check, reported in plain lines. Exit status 0: both found nothing; 2: the
//! database has problems (each listed); 1: it could not be checked (no such file, not a
//! database, locked).

use crate::Error;
use crate::database;
use lite3::{Connection, ErrorCode};
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Database file (opened read-only; it must exist).
    pub(crate) db: PathBuf,
    /// Run `quick_check` instead of `integrity_check`: skips checking that indexes match their
    /// tables' content, so it is much faster on large databases.
    #[arg(long)]
    quick: bool,
    #[command(flatten)]
    wait: database::Wait,
}

/// What the check found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    Ok,
    Problems,
}

pub(crate) fn run(args: &Args) -> Result<Verdict, Error> {
    let conn = match database::open_existing(&args.db, &args.wait) {
        Ok(conn) => conn,
        // The header was readable but the schema is damaged: that is a finding, not a failure
        // to check.
        Err(e @ Error::AtFile { .. }) if is_corrupt(&e) => {
            println!("integrity: 1 problem(s)\n  {e}");
            return Ok(Verdict::Problems);
        }
        Err(e) => return Err(e),
    };
    let mut out = std::io::stdout().lock();
    let integrity = if args.quick {
        "quick_check"
    } else {
        "integrity_check"
    };
    let mut problems = 0;
    problems += report(&mut out, "integrity", integrity_findings(&conn, integrity))?;
    problems += report(&mut out, "foreign keys", foreign_key_findings(&conn))?;
    out.flush()?;
    Ok(if problems == 0 {
        Verdict::Ok
    } else {
        Verdict::Problems
    })
}

/// Prints `findings` under `title` ("ok" when there are none) and returns how many there are.
/// Corruption met while checking is a finding; any other failure is an error.
fn report(
    out: &mut dyn Write,
    title: &str,
    findings: Result<Vec<String>, lite3::Error>,
) -> Result<usize, Error> {
    let findings = match findings {
        Ok(findings) => findings,
        Err(e) if e.sqlite_code() == Some(ErrorCode::Corrupt) => vec![e.to_string()],
        Err(e) => return Err(e.into()),
    };
    if findings.is_empty() {
        writeln!(out, "{title}: ok")?;
    } else {
        writeln!(out, "{title}: {} problem(s)", findings.len())?;
        for finding in &findings {
            writeln!(out, "  {finding}")?;
        }
    }
    Ok(findings.len())
}

fn is_corrupt(error: &Error) -> bool {
    matches!(error, Error::AtFile { source, .. } if source.sqlite_code() == Some(ErrorCode::Corrupt))
}

fn integrity_findings(conn: &Connection, pragma: &str) -> lite3::Result<Vec<String>> {
    let mut findings = Vec::new();
    conn.pragma_query(None, pragma, |row| {
        findings.push(row.get::<_, String>(0)?);
        Ok(())
    })?;
    if findings == ["ok"] {
        findings.clear();
    }
    Ok(findings)
}

fn foreign_key_findings(conn: &Connection) -> lite3::Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT c.\"table\", c.rowid, c.parent, group_concat(f.\"from\", ', ') \
         FROM pragma_foreign_key_check AS c \
         LEFT JOIN pragma_foreign_key_list(c.\"table\") AS f ON f.id = c.fkid \
         GROUP BY c.\"table\", c.rowid, c.parent, c.fkid",
    )?;
    stmt.query_map((), |row| {
        let table: String = row.get(0)?;
        let rowid: Option<i64> = row.get(1)?;
        let parent: String = row.get(2)?;
        let columns: Option<String> = row.get(3)?;
        let at = rowid.map_or_else(|| "a row".to_owned(), |r| format!("rowid {r}"));
        Ok(format!(
            "{table} {at}: {} refers to a missing row of {parent}",
            columns.unwrap_or_else(|| "a key".to_owned())
        ))
    })?
    .collect()
}
