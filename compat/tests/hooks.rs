//! Hooks written the rusqlite way: an audit log from the update hook, a commit veto, a
//! rollback counter, a progress budget.

use rusqlite::hooks::Action;
use rusqlite::{Connection, ErrorCode, Result};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

#[test]
fn audit_log_veto_and_budget() -> Result<()> {
    let mut db = Connection::open_in_memory()?;
    db.execute_batch("CREATE TABLE account(id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)")?;

    let log = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&log);
    db.update_hook(Some(
        move |action: Action, db: &str, table: &str, rowid: i64| {
            sink.lock()
                .unwrap()
                .push(format!("{action:?} {db}.{table} {rowid}"));
        },
    ))?;
    db.execute("INSERT INTO account(balance) VALUES (?1)", [100])?;
    db.execute("UPDATE account SET balance = balance - 30 WHERE id = 1", [])?;
    assert_eq!(
        *log.lock().unwrap(),
        [
            "SQLITE_INSERT main.account 1",
            "SQLITE_UPDATE main.account 1"
        ]
    );

    // A veto turns the commit into a rollback, which the rollback hook sees.
    let rollbacks = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&rollbacks);
    db.rollback_hook(Some(move || {
        counted.fetch_add(1, Ordering::Relaxed);
    }))?;
    db.commit_hook(Some(|| true))?;
    let vetoed = db.execute("UPDATE account SET balance = -1", []);
    assert_eq!(
        vetoed.unwrap_err().sqlite_error_code(),
        Some(ErrorCode::ConstraintViolation)
    );
    assert_eq!(rollbacks.load(Ordering::Relaxed), 1);
    db.commit_hook(None::<fn() -> bool>)?;
    let balance: i64 = db.query_row("SELECT balance FROM account", [], |r| r.get(0))?;
    assert_eq!(balance, 70);

    // A runaway query stops when its budget runs out.
    let mut budget = 50;
    db.progress_handler(
        1000,
        Some(move || {
            budget -= 1;
            budget < 0
        }),
    )?;
    let runaway = db.query_row(
        "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT max(n) FROM c",
        [],
        |r| r.get::<_, i64>(0),
    );
    assert_eq!(
        runaway.unwrap_err().sqlite_error_code(),
        Some(ErrorCode::OperationInterrupted)
    );
    db.progress_handler(0, None::<fn() -> bool>)?;
    Ok(())
}

#[test]
fn an_authorizer_hides_a_column_and_refuses_drops() -> Result<()> {
    use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
    let mut db = Connection::open_in_memory()?;
    db.execute_batch("CREATE TABLE users(name, secret); INSERT INTO users VALUES ('ann', 's3');")?;
    db.authorizer(Some(|ctx: AuthContext<'_>| match ctx.action {
        AuthAction::Read {
            column_name: "secret",
            ..
        } => Authorization::Ignore,
        AuthAction::DropTable { .. } => Authorization::Deny,
        _ => Authorization::Allow,
    }))?;
    let secret: Option<String> = db.query_row("SELECT secret FROM users", [], |r| r.get(0))?;
    assert_eq!(secret, None);
    let refused = db.execute_batch("DROP TABLE users");
    assert_eq!(
        refused.unwrap_err().sqlite_error_code(),
        Some(ErrorCode::AuthorizationForStatementDenied)
    );
    db.authorizer(None::<fn(AuthContext<'_>) -> Authorization>)?;
    db.execute_batch("DROP TABLE users")?;
    Ok(())
}

#[test]
fn trace_v2_events() -> Result<()> {
    use rusqlite::trace::{TraceEvent, TraceEventCodes};
    let mut db = Connection::open_in_memory()?;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    db.trace_v2(
        TraceEventCodes::SQLITE_TRACE_STMT | TraceEventCodes::SQLITE_TRACE_PROFILE,
        Some(move |event: TraceEvent<'_>| match event {
            TraceEvent::Stmt(_, sql) => log.lock().unwrap().push(format!("start {sql}")),
            TraceEvent::Profile(stmt, _) => {
                log.lock().unwrap().push(format!("done {}", stmt.sql()))
            }
            _ => {}
        }),
    )?;
    db.execute_batch("CREATE TABLE t(x)")?;
    db.trace_v2(TraceEventCodes::empty(), None::<fn(TraceEvent<'_>)>)?;
    db.execute_batch("DROP TABLE t")?;
    assert_eq!(
        *seen.lock().unwrap(),
        ["start CREATE TABLE t(x)", "done CREATE TABLE t(x)"]
    );
    Ok(())
}
