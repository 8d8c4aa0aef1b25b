//! Online backup: copies are complete or absent (a failed, interrupted or panicking backup
//! leaves the destination as it was), a file the backup created is removed when it fails,
//! restore refuses what is not a database, and a Pool copies a live WAL database from one
//! snapshot while writers go on committing.

mod common;

use common::{TempDir, sqlite_turn};
use lite3::backup::{Backup, NO_PROGRESS, Progress, StepResult};
use lite3::{Connection, ErrorCode, MAIN_DB};
use std::panic::{AssertUnwindSafe, catch_unwind};

fn filled(rows: i64) -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE t(id INTEGER PRIMARY KEY, pad BLOB)")
        .unwrap();
    for id in 0..rows {
        conn.execute("INSERT INTO t VALUES (?1, zeroblob(1000))", (id,))
            .unwrap();
    }
    conn
}

fn rows(conn: &Connection) -> i64 {
    conn.query_row("SELECT count(*) FROM t", (), |r| r.get(0))
        .unwrap()
}

fn dest_with_one_row(dir: &TempDir) -> Connection {
    let dst = Connection::open(dir.db()).unwrap();
    dst.execute_batch(
        "CREATE TABLE t(id INTEGER PRIMARY KEY, pad BLOB); INSERT INTO t VALUES (-1, 'old')",
    )
    .unwrap();
    dst
}

#[test]
fn a_stepped_backup_copies_everything_and_reports_progress() {
    let _turn = sqlite_turn();
    let src = filled(300);
    let mut dst = Connection::open_in_memory().unwrap();
    let backup = Backup::new(&src, &mut dst).unwrap();
    let mut seen = Vec::new();
    loop {
        let stepped = backup.step(10).unwrap();
        seen.push(backup.progress());
        if stepped == StepResult::Done {
            break;
        }
        assert_eq!(stepped, StepResult::More);
    }
    drop(backup);
    assert!(seen.len() > 3, "{seen:?}");
    assert!(seen.windows(2).all(|w| w[1].remaining <= w[0].remaining));
    assert_eq!(seen.last().unwrap().remaining, 0);
    assert_eq!(rows(&dst), 300);
}

#[test]
fn an_interrupted_failed_or_panicking_backup_leaves_the_destination_as_it_was() {
    let _turn = sqlite_turn();
    let dir = TempDir::new("backup-partial");
    let src = filled(1000);
    let mut dst = dest_with_one_row(&dir);

    // Dropped part-way.
    {
        let backup = Backup::new(&src, &mut dst).unwrap();
        assert_eq!(backup.step(10).unwrap(), StepResult::More);
    }
    assert_eq!(rows(&dst), 1);

    // The destination cannot grow (a full disk, as SQLite sees it).
    dst.pragma_update(None, "max_page_count", 20).unwrap();
    {
        let backup = Backup::new(&src, &mut dst).unwrap();
        let err = backup
            .run_to_completion(5, std::time::Duration::ZERO, None)
            .unwrap_err();
        assert_eq!(err.sqlite_code(), Some(ErrorCode::DiskFull), "{err}");
    }
    assert_eq!(rows(&dst), 1);
    dst.pragma_update(None, "max_page_count", 1_000_000)
        .unwrap();

    // A progress callback that panics: the panic reaches the caller, the copy is rolled back.
    let payload = catch_unwind(AssertUnwindSafe(|| {
        src.backup(
            MAIN_DB,
            dir.db(),
            Some(|p: Progress| {
                if p.remaining > 0 {
                    panic!("progress exploded");
                }
            }),
        )
    }))
    .unwrap_err();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"progress exploded"));
    assert_eq!(rows(&dst), 1);
    drop(dst);
    let reopened = Connection::open(dir.db()).unwrap();
    assert_eq!(rows(&reopened), 1, "nothing half-written reached the file");
    let ok: String = reopened
        .query_row("PRAGMA integrity_check", (), |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
}

#[test]
fn backup_to_a_file_and_restore_with_their_failure_paths() {
    let _turn = sqlite_turn();
    let dir = TempDir::new("backup-file");
    let src = filled(120);
    let copy = dir.0.join("copy.db");
    src.backup(MAIN_DB, &copy, NO_PROGRESS).unwrap();
    // Replacing an existing copy as a whole.
    src.execute("DELETE FROM t WHERE id >= 100", ()).unwrap();
    src.backup(MAIN_DB, &copy, NO_PROGRESS).unwrap();
    assert_eq!(rows(&Connection::open(&copy).unwrap()), 100);

    // A backup that cannot start leaves no file behind.
    let never = dir.0.join("never.db");
    let err = src.backup("nosuch", &never, NO_PROGRESS).unwrap_err();
    assert!(err.to_string().contains("nosuch"), "{err}");
    assert!(!never.exists());

    // Restore: a missing file is an error (and is not created), so is a file that is not a
    // database; the target keeps its data either way.
    let mut target = filled(3);
    let missing = dir.0.join("missing.db");
    assert!(target.restore(MAIN_DB, &missing, NO_PROGRESS).is_err());
    assert!(!missing.exists());
    let junk = dir.0.join("junk.db");
    std::fs::write(&junk, vec![0x5a; 8192]).unwrap();
    let err = target.restore(MAIN_DB, &junk, NO_PROGRESS).unwrap_err();
    assert_eq!(err.sqlite_code(), Some(ErrorCode::NotADatabase), "{err}");
    assert_eq!(rows(&target), 3);
    target.restore(MAIN_DB, &copy, NO_PROGRESS).unwrap();
    assert_eq!(rows(&target), 100);
}

#[cfg(not(feature = "single-thread"))]
#[test]
fn a_pool_copies_one_snapshot_while_writers_commit() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

    let dir = TempDir::new("backup-pool");
    let pool = Arc::new(lite3::Pool::open(dir.db()).unwrap());
    pool.write()
        .unwrap()
        .execute_batch("CREATE TABLE t(id INTEGER PRIMARY KEY, pad BLOB)")
        .unwrap();
    for chunk in 0..20 {
        pool.write_tx(|tx| {
            for id in chunk * 100..(chunk + 1) * 100 {
                tx.execute("INSERT INTO t VALUES (?1, zeroblob(1000))", (id,))?;
            }
            Ok(())
        })
        .unwrap();
    }
    let stop = Arc::new(AtomicBool::new(false));
    let committed = Arc::new(AtomicI64::new(0));
    let writer = {
        let (pool, stop, committed) =
            (Arc::clone(&pool), Arc::clone(&stop), Arc::clone(&committed));
        std::thread::spawn(move || {
            let mut id = 1_000_000;
            while !stop.load(Ordering::Relaxed) {
                pool.write_tx(|tx| tx.execute("INSERT INTO t VALUES (?1, zeroblob(1000))", (id,)))
                    .unwrap();
                committed.fetch_add(1, Ordering::Relaxed);
                id += 1;
            }
        })
    };
    let copy = dir.0.join("copy.db");
    let during = std::sync::Mutex::new(Vec::new());
    pool.backup(
        &copy,
        Some(|_: Progress| {
            during
                .lock()
                .unwrap()
                .push(committed.load(Ordering::Relaxed));
            // Give the writer room to commit between steps.
            std::thread::sleep(std::time::Duration::from_millis(2));
        }),
    )
    .unwrap();
    stop.store(true, Ordering::Relaxed);
    writer.join().unwrap();
    let during = during.into_inner().unwrap();
    assert!(during.len() > 5, "{during:?}");
    assert!(
        during.last() > during.first(),
        "the writer committed while the copy ran: {during:?}"
    );
    let copy = Connection::open(&copy).unwrap();
    let ok: String = copy
        .query_row("PRAGMA integrity_check", (), |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let copied = rows(&copy);
    assert!((2000..=2000 + committed.load(Ordering::Relaxed)).contains(&copied));
}
