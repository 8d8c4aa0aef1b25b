//! `lite3 sql DB [SCRIPT] [--atomic]`: runs a script of SQL statements from a file or standard
//! input, printing the rows of its queries. It stops at the first failure and names its line.
//! Without `--atomic` the statements before the failure stay done (as they would in the sqlite3
//! shell with `-bail`), except that a transaction the script left open is rolled back; with
//! `--atomic` the whole script runs in one transaction and a failure keeps nothing.

use crate::Error;
use crate::database;
use crate::output::Printing;
use crate::script;
use lite3::TransactionBehavior;
use std::io::Write as _;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Database file (created if missing, unless --read-only).
    pub(crate) db: PathBuf,
    /// The script: a file of SQL statements; `-` or nothing reads standard input.
    script: Option<PathBuf>,
    /// All or nothing: run the script in one transaction, committed only if every statement
    /// succeeded. The script itself may then not BEGIN, COMMIT or ROLLBACK (it may use
    /// SAVEPOINT, RELEASE and ROLLBACK TO).
    #[arg(long)]
    atomic: bool,
    #[command(flatten)]
    printing: Printing,
    #[command(flatten)]
    access: database::Access,
}

pub(crate) fn run(args: &Args) -> Result<(), Error> {
    let (name, sql) = read_script(args.script.as_deref())?;
    let mut conn = args.access.open(&args.db)?;
    let printing = args.printing;
    let mut out = std::io::stdout().lock();
    let located = |failure: script::Failure, what_happened: &str| {
        Error::Input(format!(
            "{name}:{}: {}{what_happened}",
            failure.line, failure.error
        ))
    };
    if args.atomic {
        // IMMEDIATE: the write lock is taken (waiting up to --timeout) before anything runs,
        // so the script cannot fail half-way on another writer's lock.
        let behavior = if args.access.read_only {
            TransactionBehavior::Deferred
        } else {
            TransactionBehavior::Immediate
        };
        let tx = conn
            .transaction_with_behavior(behavior)
            .map_err(|e| database::at(&args.db, e.into()))?;
        script::run(&tx, &args.db, &sql, printing, true, &mut out)
            .map_err(|f| located(f, "; nothing was changed (--atomic)"))?;
        tx.commit().map_err(|e| database::at(&args.db, e.into()))?;
    } else {
        let ran = script::run(&conn, &args.db, &sql, printing, false, &mut out);
        if let Err(failure) = ran {
            let left_open = !conn.is_autocommit();
            // Dropping the connection rolls the script's open transaction back; say so.
            let note = if left_open {
                "; the script's open transaction was rolled back, statements before it stay done"
            } else {
                "; statements before it stay done"
            };
            return Err(located(failure, note));
        }
        if !conn.is_autocommit() {
            return Err(Error::Input(format!(
                "{name}: the script ended inside a transaction (BEGIN without COMMIT); \
                 it was rolled back"
            )));
        }
    }
    out.flush()?;
    Ok(())
}

/// The script's name for messages and its text: from the file, or from standard input.
fn read_script(path: Option<&Path>) -> Result<(String, String), Error> {
    match path.filter(|p| p.as_os_str() != "-") {
        None => Ok((
            "<stdin>".to_owned(),
            std::io::read_to_string(std::io::stdin())?,
        )),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Error::Input(format!("{}: {e}", path.display())))?;
            Ok((path.display().to_string(), text))
        }
    }
}
