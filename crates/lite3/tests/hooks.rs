//! The data-change hooks and the progress handler under the callback rules: panics resume in
//! the caller, a commit hook that panics or vetoes never commits (proven on disk), closures are
//! freed exactly once, and replacing a closure from inside a running callback is safe.

mod common;

use common::{TempDir, sqlite_turn};
use lite3::{Connection, ErrorCode, Transaction};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

fn count(conn: &Connection) -> i64 {
    conn.query_row("SELECT count(*) FROM t", (), |r| r.get(0))
        .unwrap()
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

#[test]
fn a_commit_hook_that_panics_or_vetoes_never_commits() {
    let _turn = sqlite_turn();
    let dir = TempDir::new("hooks-commit");
    {
        let mut conn = Connection::open(dir.db()).unwrap();
        conn.execute_batch("CREATE TABLE t(x)").unwrap();

        // Panics during an autocommit statement: the statement fails, the panic resumes here.
        conn.commit_hook(Some(|| panic!("hook exploded"))).unwrap();
        let payload = catch_unwind(AssertUnwindSafe(|| {
            conn.execute("INSERT INTO t VALUES (1)", ())
        }))
        .unwrap_err();
        assert_eq!(panic_message(payload), "hook exploded");

        // Panics during a Transaction's commit.
        let payload = catch_unwind(AssertUnwindSafe(|| {
            let tx = Transaction::new_unchecked(&conn, Default::default()).unwrap();
            tx.execute("INSERT INTO t VALUES (2)", ()).unwrap();
            tx.commit()
        }))
        .unwrap_err();
        assert_eq!(panic_message(payload), "hook exploded");
        assert!(conn.is_autocommit(), "SQLite rolled back");

        // Vetoes: the commit fails with SQLITE_CONSTRAINT_COMMITHOOK.
        conn.commit_hook(Some(|| true)).unwrap();
        let err = conn.execute("INSERT INTO t VALUES (3)", ()).unwrap_err();
        assert_eq!(err.sqlite_code(), Some(ErrorCode::Constraint));
        assert_eq!(err.sqlite_extended_error_code(), Some(531));
        let tx = Transaction::new_unchecked(&conn, Default::default()).unwrap();
        tx.execute("INSERT INTO t VALUES (4)", ()).unwrap();
        assert!(tx.commit().is_err());
        assert!(conn.is_autocommit());

        conn.commit_hook(None::<fn() -> bool>).unwrap();
        conn.execute("INSERT INTO t VALUES (5)", ()).unwrap();
    }
    // On disk: only the commit the hook let through.
    let reopened = Connection::open(dir.db()).unwrap();
    let rows: Vec<i64> = reopened
        .prepare("SELECT x FROM t")
        .unwrap()
        .query_map((), |r| r.get(0))
        .unwrap()
        .collect::<lite3::Result<_>>()
        .unwrap();
    assert_eq!(rows, [5]);
    assert_eq!(
        reopened
            .query_row("PRAGMA integrity_check", (), |r| r.get::<_, String>(0))
            .unwrap(),
        "ok"
    );
}

#[test]
fn panics_in_the_other_hooks_resume_in_the_caller() {
    let _turn = sqlite_turn();
    let mut conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE t(x)").unwrap();

    conn.update_hook(Some(|_, _: &str, _: &str, _| panic!("update hook")))
        .unwrap();
    let payload = catch_unwind(AssertUnwindSafe(|| {
        conn.execute("INSERT INTO t VALUES (1)", ())
    }))
    .unwrap_err();
    assert_eq!(panic_message(payload), "update hook");
    // The update hook cannot fail a statement (SQLite ignores what it returns): the row is in.
    assert_eq!(count(&conn), 1);
    conn.update_hook(None::<fn(lite3::hooks::Action, &str, &str, i64)>)
        .unwrap();

    conn.rollback_hook(Some(|| panic!("rollback hook")))
        .unwrap();
    conn.execute_batch("BEGIN; INSERT INTO t VALUES (2);")
        .unwrap();
    let payload = catch_unwind(AssertUnwindSafe(|| conn.execute_batch("ROLLBACK"))).unwrap_err();
    assert_eq!(panic_message(payload), "rollback hook");
    assert!(conn.is_autocommit());
    assert_eq!(count(&conn), 1);
    conn.rollback_hook(None::<fn()>).unwrap();

    conn.progress_handler(100, Some(|| panic!("progress")))
        .unwrap();
    let long = "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c LIMIT 10000) \
                SELECT count(*) FROM c";
    let payload = catch_unwind(AssertUnwindSafe(|| {
        conn.query_row(long, (), |r| r.get::<_, i64>(0))
    }))
    .unwrap_err();
    assert_eq!(panic_message(payload), "progress");
    conn.progress_handler(0, None::<fn() -> bool>).unwrap();
    assert_eq!(count(&conn), 1, "the connection is fine afterwards");
}

/// Counts how many times the closures holding it were dropped.
struct DropCounter(Arc<AtomicUsize>);

impl Drop for DropCounter {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

#[test]
fn every_closure_is_freed_exactly_once_on_replace_remove_and_close() {
    let _turn = sqlite_turn();
    let drops = Arc::new(AtomicUsize::new(0));
    let mut conn = Connection::open_in_memory().unwrap();
    let counter = || DropCounter(Arc::clone(&drops));
    for _ in 0..3 {
        let c = counter();
        conn.commit_hook(Some(move || {
            let _ = &c;
            false
        }))
        .unwrap();
        let c = counter();
        conn.rollback_hook(Some(move || {
            let _ = &c;
        }))
        .unwrap();
        let c = counter();
        conn.update_hook(Some(move |_, _: &str, _: &str, _| {
            let _ = &c;
        }))
        .unwrap();
        let c = counter();
        conn.progress_handler(
            10,
            Some(move || {
                let _ = &c;
                false
            }),
        )
        .unwrap();
        let c = counter();
        conn.busy_handler(Some(move |_| {
            let _ = &c;
            false
        }))
        .unwrap();
        let c = counter();
        conn.profile(Some(move |_: &str, _| {
            let _ = &c;
        }))
        .unwrap();
        let c = counter();
        conn.authorizer(Some(move |_: lite3::hooks::AuthContext<'_>| {
            let _ = &c;
            lite3::hooks::Authorization::Allow
        }))
        .unwrap();
    }
    // Three rounds of seven: the first two rounds were replaced.
    assert_eq!(drops.load(Ordering::Relaxed), 14);
    conn.commit_hook(None::<fn() -> bool>).unwrap();
    conn.progress_handler(0, Some(|| false)).unwrap(); // ops < 1 removes too
    assert_eq!(drops.load(Ordering::Relaxed), 16);
    conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
        .unwrap();
    drop(conn);
    assert_eq!(
        drops.load(Ordering::Relaxed),
        21,
        "close freed the rest, once"
    );
}

thread_local! {
    /// A connection a callback can reach: the one way a `'static` closure gets at its own
    /// connection in safe code. Taken out (closed) at the end of the test, so a single-threaded
    /// SQLite is free for the next test's thread.
    static SHARED: std::cell::RefCell<Option<Connection>> = const { std::cell::RefCell::new(None) };
}

#[test]
fn a_callback_that_replaces_itself_through_a_thread_local_is_safe() {
    let _turn = sqlite_turn();
    let calls = Arc::new(AtomicUsize::new(0));
    let drops = Arc::new(AtomicUsize::new(0));
    SHARED.with(|shared| *shared.borrow_mut() = Some(Connection::open_in_memory().unwrap()));
    SHARED.with(|shared| {
        let shared = shared.borrow();
        let conn = shared.as_ref().unwrap();
        let seen = Arc::clone(&calls);
        let guard = DropCounter(Arc::clone(&drops));
        conn.profile(Some(move |_: &str, _| {
            // Removes itself while running, then keeps using what it captured.
            SHARED.with(|c| {
                let c = c.borrow();
                c.as_ref()
                    .unwrap()
                    .profile(None::<fn(&str, std::time::Duration)>)
                    .unwrap();
            });
            seen.fetch_add(1, Ordering::Relaxed);
            let _ = &guard;
        }))
        .unwrap();
        conn.execute_batch("SELECT 1").unwrap();
        assert_eq!(calls.load(Ordering::Relaxed), 1);
        assert_eq!(
            drops.load(Ordering::Relaxed),
            0,
            "kept while it was running"
        );
        conn.execute_batch("SELECT 2").unwrap();
        assert_eq!(calls.load(Ordering::Relaxed), 1, "it is gone");
        // The next change made outside any callback frees it.
        conn.busy_timeout(std::time::Duration::from_secs(1))
            .unwrap();
        assert_eq!(drops.load(Ordering::Relaxed), 1);
    });
    SHARED.with(|shared| shared.borrow_mut().take());
}

thread_local! {
    static HOOKED: std::cell::RefCell<Option<Connection>> = const { std::cell::RefCell::new(None) };
}

#[test]
fn a_hook_using_its_own_connection_is_refused_and_another_connection_works() {
    let _turn = sqlite_turn();
    let mut conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE t(x)").unwrap();
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    conn.commit_hook(Some(move || {
        HOOKED.with(|hooked| {
            let hooked = hooked.borrow();
            let own = hooked.as_ref().unwrap();
            let refused = own.execute("INSERT INTO t VALUES (99)", ()).unwrap_err();
            log.lock().unwrap().push(refused.to_string());
            assert!(matches!(
                refused,
                lite3::Error::HookReentry { hook: "commit" }
            ));
            // Field reads are harmless and still answer.
            assert_eq!(own.last_insert_rowid(), 1);
            // Another connection is fine, even inside the hook.
            let other = Connection::open_in_memory().unwrap();
            let n: i64 = other.query_row("SELECT 6 * 7", (), |r| r.get(0)).unwrap();
            assert_eq!(n, 42);
        });
        false
    }))
    .unwrap();
    HOOKED.with(|hooked| *hooked.borrow_mut() = Some(conn));
    HOOKED.with(|hooked| {
        let hooked = hooked.borrow();
        let conn = hooked.as_ref().unwrap();
        conn.execute("INSERT INTO t VALUES (1)", ()).unwrap();
        // Outside the hook the connection works again, and only the outer insert happened.
        assert_eq!(count(conn), 1);
    });
    let messages = seen.lock().unwrap();
    assert_eq!(messages.len(), 1);
    assert!(
        messages[0].contains("commit callback used a connection SQLite forbids"),
        "{}",
        messages[0]
    );
    HOOKED.with(|hooked| hooked.borrow_mut().take());
}

#[test]
fn an_authorizer_that_panics_denies_and_the_panic_resumes() {
    use lite3::hooks::{AuthAction, AuthContext, Authorization};
    let _turn = sqlite_turn();
    let mut conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
        .unwrap();
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    conn.authorizer(Some(move |ctx: AuthContext<'_>| {
        if let AuthAction::Delete { table_name } = ctx.action {
            panic!("no deleting {table_name}");
        }
        log.lock().unwrap().push(
            ctx.action
                == AuthAction::Read {
                    table_name: "t",
                    column_name: "x",
                },
        );
        Authorization::Allow
    }))
    .unwrap();
    let payload = catch_unwind(AssertUnwindSafe(|| conn.execute("DELETE FROM t", ()))).unwrap_err();
    assert_eq!(panic_message(payload), "no deleting t");
    assert_eq!(count(&conn), 1, "denied: nothing deleted");
    let x: i64 = conn.query_row("SELECT x FROM t", (), |r| r.get(0)).unwrap();
    assert_eq!(x, 1);
    assert!(
        seen.lock().unwrap().contains(&true),
        "the read of t.x was asked about"
    );
}

#[test]
fn trace_v2_sees_every_event_replaces_the_profiler_and_its_panics_resume() {
    use lite3::trace::{TraceEvent, TraceEventCodes};
    let _turn = sqlite_turn();
    let mut conn = Connection::open_in_memory().unwrap();
    let profiled = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&profiled);
    conn.profile(Some(move |_: &str, _| {
        counter.fetch_add(1, Ordering::Relaxed);
    }))
    .unwrap();
    let events = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = Arc::clone(&events);
    conn.trace_v2(
        TraceEventCodes::all(),
        Some(move |event: TraceEvent<'_>| {
            let line = match event {
                TraceEvent::Stmt(_, sql) => format!("stmt {sql}"),
                TraceEvent::Profile(stmt, _) => format!("profile {}", stmt.sql()),
                TraceEvent::Row(stmt) => format!("row {}", stmt.expanded_sql().unwrap_or_default()),
                TraceEvent::Close(conn) => format!("close {:?}", conn.db_filename()),
                _ => String::new(),
            };
            log.lock().unwrap().push(line);
        }),
    )
    .unwrap();
    conn.query_row("SELECT ?1", [7], |r| r.get::<_, i64>(0))
        .unwrap();
    assert_eq!(
        profiled.load(Ordering::Relaxed),
        0,
        "the profiler was replaced"
    );
    conn.trace_v2(
        TraceEventCodes::SQLITE_TRACE_CLOSE,
        Some(|_: TraceEvent<'_>| panic!("traced the close")),
    )
    .unwrap();
    assert_eq!(
        *events.lock().unwrap(),
        ["stmt SELECT ?1", "row SELECT 7", "profile SELECT ?1"]
    );
    let payload = catch_unwind(AssertUnwindSafe(|| drop(conn))).unwrap_err();
    assert_eq!(panic_message(payload), "traced the close");
}
