//! The WAL hook and the preupdate hook under the callback rules: the WAL hook may checkpoint its
//! own connection (and nothing else on it), its failure says the commit happened, removing it
//! puts SQLite's automatic checkpoint back; the preupdate hook sees old and new values, its
//! panics resume in the caller, and its closures are freed exactly once.

mod common;

use common::{TempDir, sqlite_turn};
use lite3::hooks::Wal;
use lite3::wal::CheckpointMode;
use lite3::{Connection, Error, ErrorCode};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};

fn wal_db(dir: &TempDir) -> Connection {
    let conn = Connection::open(dir.db()).unwrap();
    conn.pragma_update(None, "journal_mode", "wal").unwrap();
    conn.execute_batch("CREATE TABLE t(x)").unwrap();
    conn
}

fn count_on_disk(dir: &TempDir) -> i64 {
    Connection::open(dir.db())
        .unwrap()
        .query_row("SELECT count(*) FROM t", (), |r| r.get(0))
        .unwrap()
}

type NoWalHook = fn(&mut Wal, i32) -> lite3::Result<()>;

#[test]
fn the_wal_hook_sees_each_commit_and_may_checkpoint_its_own_connection() {
    let _turn = sqlite_turn();
    let dir = TempDir::new("wal-hook");
    let mut conn = wal_db(&dir);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    conn.wal_hook(Some(move |wal: &mut Wal, pages| {
        log.lock()
            .unwrap()
            .push((wal.name().to_str().unwrap().to_owned(), pages));
        // Every third commit, a TRUNCATE checkpoint from inside the hook.
        if log.lock().unwrap().len() % 3 == 0 {
            let (frames, done) = wal.checkpoint_v2(CheckpointMode::TRUNCATE)?;
            assert_eq!((frames, done), (0, 0));
        }
        Ok(())
    }))
    .unwrap();
    for i in 0..6 {
        conn.execute("INSERT INTO t VALUES (?1)", (i,)).unwrap();
    }
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 6);
    assert!(seen.iter().all(|(db, _)| db == "main"));
    assert!(
        seen[3].1 < seen[2].1,
        "the checkpoint restarted the WAL: {seen:?}"
    );
    // Nothing else on the connection is allowed inside the hook.
    conn.wal_hook(Some(|_: &mut Wal, _| {
        Err(Error::UserFunction("not this one".into()))
    }))
    .unwrap();
    drop(conn);
    assert_eq!(count_on_disk(&dir), 6);
}

#[test]
fn a_failing_or_panicking_wal_hook_reports_that_the_commit_happened() {
    let _turn = sqlite_turn();
    let dir = TempDir::new("wal-hook-fail");
    let mut conn = wal_db(&dir);
    conn.wal_hook(Some(|_: &mut Wal, _| {
        Err(Error::UserFunction("archive is offline".into()))
    }))
    .unwrap();
    let err = conn.execute("INSERT INTO t VALUES (1)", ()).unwrap_err();
    let Error::WalHookFailed { source } = &err else {
        panic!("expected WalHookFailed, got {err:?}");
    };
    assert!(matches!(**source, Error::UserFunction(_)));
    assert!(err.to_string().contains("committed"), "{err}");
    assert!(conn.is_autocommit());

    // An SQLite error the hook returns keeps its code in the source.
    conn.wal_hook(Some(|wal: &mut Wal, _| {
        wal.checkpoint_v2(CheckpointMode::PASSIVE)?;
        // An SQLite error from another connection, returned as the hook's.
        let other = Connection::open_in_memory()?;
        other.prepare("SELECT * FROM missing")?;
        Ok(())
    }))
    .unwrap();
    let tx = conn.transaction().unwrap();
    tx.execute("INSERT INTO t VALUES (2)", ()).unwrap();
    let err = tx.commit().unwrap_err();
    let Error::WalHookFailed { source } = &err else {
        panic!("expected WalHookFailed, got {err:?}");
    };
    assert_eq!(source.sqlite_code(), Some(ErrorCode::Error), "{err}");
    assert!(err.to_string().contains("no such table: missing"), "{err}");

    conn.wal_hook(Some(|_: &mut Wal, _| -> lite3::Result<()> {
        panic!("wal hook exploded")
    }))
    .unwrap();
    let payload = catch_unwind(AssertUnwindSafe(|| {
        conn.execute("INSERT INTO t VALUES (3)", ())
    }))
    .unwrap_err();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"wal hook exploded"));

    // The connection is usable, and every commit above is on disk.
    conn.wal_hook(None::<NoWalHook>).unwrap();
    conn.execute("INSERT INTO t VALUES (4)", ()).unwrap();
    drop(conn);
    assert_eq!(count_on_disk(&dir), 4);
}

#[test]
fn removing_the_wal_hook_restores_the_automatic_checkpoint() {
    let _turn = sqlite_turn();
    let dir = TempDir::new("wal-hook-auto");
    let mut conn = wal_db(&dir);
    let automatic = |conn: &Connection| {
        conn.pragma_query_one::<i64>(None, "wal_autocheckpoint")
            .unwrap()
    };
    conn.pragma_update(None, "wal_autocheckpoint", 250).unwrap();
    conn.wal_hook(Some(|_: &mut Wal, _| Ok(()))).unwrap();
    assert_eq!(automatic(&conn), 0, "the hook replaced SQLite's");
    conn.wal_hook(Some(|_: &mut Wal, _| Ok(()))).unwrap();
    conn.wal_hook(None::<NoWalHook>).unwrap();
    assert_eq!(automatic(&conn), 250, "the setting before the first hook");

    // A pragma that replaced the hook is left alone by a later removal.
    conn.wal_hook(Some(|_: &mut Wal, _| Ok(()))).unwrap();
    conn.pragma_update(None, "wal_autocheckpoint", 77).unwrap();
    conn.wal_hook(None::<NoWalHook>).unwrap();
    assert_eq!(automatic(&conn), 77);
}

#[test]
fn the_wal_hook_cannot_use_its_connection_for_anything_else() {
    let _turn = sqlite_turn();
    let dir = TempDir::new("wal-hook-reentry");
    thread_local! {
        static SHARED: std::cell::RefCell<Option<Connection>> = const { std::cell::RefCell::new(None) };
    }
    let mut conn = wal_db(&dir);
    let outcome = Arc::new(Mutex::new(None));
    let seen = Arc::clone(&outcome);
    conn.wal_hook(Some(move |_: &mut Wal, _| {
        let result = SHARED.with(|shared| {
            shared
                .borrow()
                .as_ref()
                .map(|c| c.execute("INSERT INTO t VALUES (99)", ()))
        });
        *seen.lock().unwrap() = result.map(|r| r.map_err(|e| e.to_string()));
        Ok(())
    }))
    .unwrap();
    SHARED.with(|shared| *shared.borrow_mut() = Some(conn));
    SHARED.with(|shared| {
        shared
            .borrow()
            .as_ref()
            .unwrap()
            .execute("INSERT INTO t VALUES (1)", ())
            .unwrap();
    });
    let conn = SHARED.with(|shared| shared.borrow_mut().take()).unwrap();
    let outcome = outcome.lock().unwrap().clone().unwrap();
    assert!(outcome.unwrap_err().contains("WAL callback"));
    assert_eq!(
        conn.query_row("SELECT count(*) FROM t", (), |r| r.get::<_, i64>(0))
            .unwrap(),
        1
    );
}

#[cfg(feature = "preupdate_hook")]
mod preupdate {
    use super::*;
    use lite3::hooks::{Action, PreUpdateCase};
    use lite3::types::Value;
    use std::sync::atomic::{AtomicUsize, Ordering};

    type NoPreUpdate = fn(Action, &str, &str, &PreUpdateCase);

    #[test]
    fn the_preupdate_hook_sees_old_and_new_values() {
        let _turn = sqlite_turn();
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t(id INTEGER PRIMARY KEY, name, price)")
            .unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        conn.preupdate_hook(Some(
            move |action, db: &str, table: &str, case: &PreUpdateCase| {
                fn row<'a>(
                    get: impl Fn(i32) -> lite3::Result<lite3::ValueRef<'a>>,
                    n: i32,
                ) -> Vec<Value> {
                    (0..n)
                        .map(|i| Value::try_from(get(i).unwrap()).unwrap())
                        .collect()
                }
                let entry = match case {
                    PreUpdateCase::Insert(new) => format!(
                        "{action:?} {db}.{table} rowid {} {:?} depth {}",
                        new.get_new_row_id(),
                        row(|i| new.get_new_column_value(i), new.get_column_count()),
                        new.get_query_depth()
                    ),
                    PreUpdateCase::Delete(old) => format!(
                        "{action:?} rowid {} {:?}",
                        old.get_old_row_id(),
                        row(|i| old.get_old_column_value(i), old.get_column_count())
                    ),
                    PreUpdateCase::Update {
                        old_value_accessor: old,
                        new_value_accessor: new,
                    } => {
                        // Out of range is an error (Misuse in SQLite 3.54, Range in 3.40), not a crash.
                        let err = old.get_old_column_value(99).unwrap_err();
                        assert!(
                            matches!(
                                err.sqlite_code(),
                                Some(ErrorCode::Misuse | ErrorCode::Range)
                            ),
                            "{err}"
                        );
                        format!(
                            "{action:?} {:?} -> {:?}",
                            row(|i| old.get_old_column_value(i), 3),
                            row(|i| new.get_new_column_value(i), 3)
                        )
                    }
                    PreUpdateCase::Unknown => "unknown".to_owned(),
                };
                log.lock().unwrap().push(entry);
            },
        ))
        .unwrap();
        conn.execute("INSERT INTO t VALUES (1, 'tea', 3)", ())
            .unwrap();
        conn.execute("UPDATE t SET price = 4", ()).unwrap();
        conn.execute("DELETE FROM t", ()).unwrap();
        let seen = seen.lock().unwrap().clone();
        assert_eq!(
            seen,
            [
                "SQLITE_INSERT main.t rowid 1 [Integer(1), Text(\"tea\"), Integer(3)] depth 0",
                "SQLITE_UPDATE [Integer(1), Text(\"tea\"), Integer(3)] -> [Integer(1), Text(\"tea\"), Integer(4)]",
                "SQLITE_DELETE rowid 1 [Integer(1), Text(\"tea\"), Integer(4)]",
            ]
        );
    }

    #[test]
    fn preupdate_panics_resume_and_closures_are_freed_once() {
        let _turn = sqlite_turn();
        let drops = Arc::new(AtomicUsize::new(0));
        struct Counted(Arc<AtomicUsize>);
        impl Drop for Counted {
            fn drop(&mut self) {
                self.0.fetch_add(1, Ordering::Relaxed);
            }
        }
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t(x)").unwrap();
        for _ in 0..3 {
            let c = Counted(Arc::clone(&drops));
            conn.preupdate_hook(Some(move |_, _: &str, _: &str, _: &PreUpdateCase| {
                let _ = &c;
                panic!("preupdate exploded");
            }))
            .unwrap();
        }
        assert_eq!(drops.load(Ordering::Relaxed), 2);
        let payload = catch_unwind(AssertUnwindSafe(|| {
            conn.execute("INSERT INTO t VALUES (1)", ())
        }))
        .unwrap_err();
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"preupdate exploded"));
        conn.preupdate_hook(None::<NoPreUpdate>).unwrap();
        assert_eq!(drops.load(Ordering::Relaxed), 3);
        // The hook cannot stop the change: the row is there, and the connection works.
        assert_eq!(
            conn.query_row("SELECT count(*) FROM t", (), |r| r.get::<_, i64>(0))
                .unwrap(),
            1
        );
    }
}
