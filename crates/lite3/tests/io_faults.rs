//! I/O fault sweeps (feature `fault-injection`), the way SQLite's own ioerr tests work: run a
//! workload through the fault-injecting VFS once to count its file operations of a kind, then
//! once for every N, failing the Nth operation (once, or from then on). At every N:
//! - every error the API returns is typed, and one of them carries the injected extended code
//!   (unless SQLite absorbed the fault, as it does a failed unlock);
//! - a transaction guard whose transaction SQLite rolled back refuses further statements and
//!   its commit fails;
//! - reopened on the ordinary VFS, the database holds every acknowledged transaction, whole,
//!   at most one more (the one whose commit failed after its commit record was written: it is
//!   then whole too), and `PRAGMA integrity_check` is ok.
//!
//! Workloads: transactions through a `Connection` (rollback journal and WAL, with a
//! checkpoint), `Pool::write_tx` on a plaintext and on an encrypted database, `Worker` calls,
//! and a backup into a database on the faulty VFS. Each sweep prints how many fault points it
//! covered.
#![cfg(all(feature = "fault-injection", not(feature = "single-thread")))]

mod common;

use common::TempDir;
use lite3::encryption::{Encryption, Key};
use lite3::vfs::IoError;
use lite3::vfs::fault::{Fault, FaultVfs, Operation};
use lite3::{Connection, Error, OpenFlags, Pool, Worker};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// Transactions each workload attempts.
const TRANSACTIONS: i64 = 4;
/// Rows per transaction: a partial transaction shows as a tag with fewer.
const ROWS: i64 = 3;

/// What a workload run saw.
#[derive(Default, Debug)]
struct Outcome {
    /// Tags whose commit returned Ok.
    acknowledged: Vec<i64>,
    /// A tag whose commit returned an error: in doubt, may be there (whole) or not.
    in_doubt: Vec<i64>,
    /// Every error the API returned.
    errors: Vec<Error>,
}

impl Outcome {
    fn record(&mut self, tag: i64, result: lite3::Result<()>) {
        match result {
            Ok(()) => self.acknowledged.push(tag),
            Err(e) => {
                self.in_doubt.push(tag);
                self.errors.push(e);
            }
        }
    }
}

fn insert_tag(conn: &Connection, tag: i64) -> lite3::Result<()> {
    for part in 0..ROWS {
        conn.execute(
            "INSERT INTO t(tag, part, pad) VALUES (?1, ?2, zeroblob(1500))",
            (tag, part),
        )?;
    }
    Ok(())
}

/// One transaction through a guard, as an application writes it; when a statement fails and
/// SQLite has rolled the transaction back, the guard must refuse to go on.
fn guarded_tx(conn: &mut Connection, tag: i64) -> lite3::Result<()> {
    let tx = conn.transaction()?;
    if let Err(e) = insert_tag(&tx, tag) {
        if tx.is_autocommit() {
            GUARDS_AFTER_ROLLBACK.fetch_add(1, Relaxed);
            let again = tx.execute("INSERT INTO t(tag, part) VALUES (?1, 99)", (tag,));
            assert!(
                matches!(again, Err(Error::TransactionRolledBack)),
                "a statement after SQLite's rollback ran: {again:?}"
            );
            assert!(
                tx.commit().is_err(),
                "a transaction SQLite rolled back committed"
            );
        }
        return Err(e);
    }
    tx.commit()
}

/// The key of the encrypted workload.
fn encryption() -> Encryption {
    Encryption::new(Key::raw([7; 32]))
}

/// Opens `path` on the ordinary VFS, with the key when `encrypted`.
fn open_plain(path: &Path, encrypted: bool) -> Connection {
    if encrypted {
        Connection::open_encrypted(path, &encryption()).unwrap()
    } else {
        Connection::open(path).unwrap()
    }
}

fn create(path: &Path, wal: bool, encrypted: bool) {
    remove(path);
    let conn = open_plain(path, encrypted);
    if wal {
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    }
    conn.execute_batch(
        "CREATE TABLE t(tag INTEGER NOT NULL, part INTEGER NOT NULL, pad BLOB);
         CREATE INDEX t_tag ON t(tag);",
    )
    .unwrap();
}

fn remove(path: &Path) {
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

fn open(path: &Path, vfs: &str) -> lite3::Result<Connection> {
    Connection::open_with_flags_and_vfs(path, OpenFlags::default(), vfs)
}

fn connection_workload(path: &Path, vfs: &str, wal: bool) -> Outcome {
    let mut outcome = Outcome::default();
    let mut conn = match open(path, vfs) {
        Ok(conn) => conn,
        Err(e) => {
            outcome.errors.push(e);
            return outcome;
        }
    };
    for tag in 1..=TRANSACTIONS {
        let result = guarded_tx(&mut conn, tag);
        outcome.record(tag, result);
    }
    if wal && let Err(e) = conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)") {
        outcome.errors.push(e);
    }
    if let Err((_, e)) = conn.close() {
        outcome.errors.push(e);
    }
    outcome
}

fn pool_workload(path: &Path, vfs: &str, encrypted: bool) -> Outcome {
    let mut outcome = Outcome::default();
    let mut builder = Pool::builder(path).readers(2).vfs(vfs);
    if encrypted {
        builder = builder.encryption(encryption());
    }
    let pool = match builder.build() {
        Ok(pool) => pool,
        Err(e) => {
            outcome.errors.push(e);
            return outcome;
        }
    };
    for tag in 1..=TRANSACTIONS {
        let result = pool.write_tx(|tx| insert_tag(tx, tag));
        outcome.record(tag, result);
        // A read through the pool after every write: readers see the WAL index too.
        if let Err(e) = pool
            .read()
            .and_then(|r| r.query_row("SELECT count(*) FROM t", (), |r| r.get::<_, i64>(0)))
        {
            outcome.errors.push(e);
        }
    }
    outcome
}

fn worker_workload(path: &Path, vfs: &str) -> Outcome {
    let mut outcome = Outcome::default();
    let worker = match Worker::builder(path).vfs(vfs).build() {
        Ok(worker) => worker,
        Err(e) => {
            outcome.errors.push(e);
            return outcome;
        }
    };
    for tag in 1..=TRANSACTIONS {
        let result = worker.call(move |conn| guarded_tx(conn, tag));
        outcome.record(tag, result);
    }
    outcome
}

/// Backs up a database of TRANSACTIONS tags (on the ordinary VFS) over a database on the
/// faulty VFS that holds tag 100: afterwards the destination holds one or the other, whole.
fn backup_workload(path: &Path, vfs: &str, source: &Path) -> Outcome {
    let mut outcome = Outcome::default();
    let from = Connection::open(source).unwrap();
    let mut to = match open(path, vfs) {
        Ok(conn) => conn,
        Err(e) => {
            outcome.errors.push(e);
            return outcome;
        }
    };
    let result = lite3::backup::Backup::new(&from, &mut to)
        .and_then(|backup| backup.run_to_completion(2, std::time::Duration::ZERO, None));
    match result {
        Ok(()) => outcome.acknowledged.extend(1..=TRANSACTIONS),
        Err(e) => {
            outcome.in_doubt.extend(1..=TRANSACTIONS);
            outcome.errors.push(e);
        }
    }
    outcome
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Workload {
    RollbackJournal,
    Wal,
    Pool,
    EncryptedPool,
    Worker,
    Backup,
}

impl Workload {
    fn wal(self) -> bool {
        matches!(
            self,
            Workload::Wal | Workload::Pool | Workload::EncryptedPool
        )
    }

    fn encrypted(self) -> bool {
        self == Workload::EncryptedPool
    }

    fn prepare(self, path: &Path) {
        create(path, self.wal(), self.encrypted());
        if self == Workload::Backup {
            let conn = Connection::open(path).unwrap();
            insert_tag(&conn, 100).unwrap();
        }
    }

    fn run(self, path: &Path, vfs: &str, source: &Path) -> Outcome {
        match self {
            Workload::RollbackJournal => connection_workload(path, vfs, false),
            Workload::Wal => connection_workload(path, vfs, true),
            Workload::Pool => pool_workload(path, vfs, false),
            Workload::EncryptedPool => pool_workload(path, vfs, true),
            Workload::Worker => worker_workload(path, vfs),
            Workload::Backup => backup_workload(path, vfs, source),
        }
    }
}

/// Tag → rows, read on the ordinary VFS (which recovers a hot journal or a WAL).
fn tags(path: &Path, encrypted: bool) -> BTreeMap<i64, i64> {
    let conn = open_plain(path, encrypted);
    let check: String = conn
        .query_row("PRAGMA integrity_check", (), |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok", "integrity after the fault");
    let mut stmt = conn
        .prepare("SELECT tag, count(*) FROM t GROUP BY tag")
        .unwrap();
    stmt.query_map((), |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<lite3::Result<_>>()
        .unwrap()
}

/// The invariants at one fault point; `context` names it in a failure.
fn check(
    outcome: &Outcome,
    found: &BTreeMap<i64, i64>,
    injected: IoError,
    hit: bool,
    context: &str,
) {
    for error in &outcome.errors {
        let typed = error.sqlite_extended_error_code().is_some()
            || matches!(error, Error::TransactionRolledBack);
        assert!(typed, "{context}: an untyped error: {error:?}");
    }
    if hit && !outcome.errors.is_empty() {
        assert!(
            outcome
                .errors
                .iter()
                .any(|e| e.sqlite_extended_error_code() == Some(injected.extended_code())),
            "{context}: no error carries the injected code {injected}: {:?}",
            outcome.errors
        );
    }
    for (tag, rows) in found {
        assert_eq!(*rows, ROWS, "{context}: tag {tag} is partial");
    }
    for tag in &outcome.acknowledged {
        assert!(
            found.contains_key(tag),
            "{context}: acknowledged tag {tag} is lost ({found:?})"
        );
    }
    let extra: Vec<_> = found
        .keys()
        .filter(|tag| !outcome.acknowledged.contains(tag) && **tag != 100)
        .collect();
    let backup = outcome.in_doubt.len() as i64 == TRANSACTIONS && outcome.acknowledged.is_empty();
    if backup && found.contains_key(&100) {
        assert!(
            extra.is_empty(),
            "{context}: a backup half-applied: {found:?}"
        );
    }
    if !backup {
        assert!(
            extra.len() <= 1 && extra.iter().all(|tag| outcome.in_doubt.contains(tag)),
            "{context}: transactions never acknowledged are there: {extra:?} (in doubt: {:?})",
            outcome.in_doubt
        );
    }
}

/// Transaction guards that met SQLite's own rollback, over every sweep in this process.
static GUARDS_AFTER_ROLLBACK: AtomicU64 = AtomicU64::new(0);

/// Sweeps one workload: for each operation and error, fail the Nth call once and from then on,
/// for every N the workload makes (at most `limit`, spread evenly when there are more).
fn sweep(name: &str, workload: Workload, faults: &[(Operation, IoError)], limit: u64) {
    let dir = TempDir::new(&format!("ioerr-{name}"));
    let path = dir.0.join("db");
    let source = dir.0.join("source.db");
    if workload == Workload::Backup {
        create(&source, false, false);
        let mut conn = Connection::open(&source).unwrap();
        for tag in 1..=TRANSACTIONS {
            guarded_tx(&mut conn, tag).unwrap();
        }
    }
    let vfs_name = format!("fault-{name}");
    let vfs = FaultVfs::register(&vfs_name).unwrap();
    let (mut points, mut hit_points, mut failing_points, mut in_doubt_kept) = (0, 0, 0, 0);
    for &(operation, error) in faults {
        workload.prepare(&path);
        vfs.reset_counts();
        let clean = workload.run(&path, &vfs_name, &source);
        assert!(
            clean.errors.is_empty(),
            "{name}: fails without faults: {clean:?}"
        );
        let calls = vfs.calls(operation);
        assert!(calls > 0, "{name}: makes no {operation:?} call");
        let step = calls.div_ceil(limit).max(1);
        for from_then_on in [false, true] {
            for n in (1..=calls).step_by(usize::try_from(step).unwrap()) {
                workload.prepare(&path);
                vfs.reset_counts();
                let mut fault = Fault::nth(operation, n).error(error);
                if from_then_on {
                    fault = fault.from_then_on();
                }
                vfs.arm(fault);
                let outcome = workload.run(&path, &vfs_name, &source);
                vfs.disarm();
                let hit = vfs.injected() > 0;
                let context = format!(
                    "{name}: {operation:?} #{n}{} failing with {error}",
                    if from_then_on { " and on" } else { "" }
                );
                let found = tags(&path, workload.encrypted());
                check(&outcome, &found, error, hit, &context);
                points += 1;
                hit_points += u64::from(hit);
                failing_points += u64::from(!outcome.errors.is_empty());
                in_doubt_kept += u64::from(
                    found
                        .keys()
                        .any(|tag| outcome.in_doubt.contains(tag) && *tag != 100),
                );
            }
        }
    }
    println!(
        "{name}: {points} fault points, {hit_points} hit, {failing_points} failed an API call, \
         {in_doubt_kept} kept a transaction whose commit failed; guards that met SQLite's \
         rollback so far: {}",
        GUARDS_AFTER_ROLLBACK.load(Relaxed)
    );
}

const LIMIT: u64 = 60;

fn every_fault() -> Vec<(Operation, IoError)> {
    vec![
        (Operation::Write, IoError::WRITE),
        (Operation::Write, IoError::FULL),
        (Operation::Read, IoError::READ),
        (Operation::Sync, IoError::FSYNC),
        (Operation::Lock, IoError::LOCK),
    ]
}

#[test]
fn connection_with_a_rollback_journal_survives_every_io_error() {
    sweep("journal", Workload::RollbackJournal, &every_fault(), LIMIT);
}

#[test]
fn connection_in_wal_mode_survives_every_io_error() {
    let mut faults = every_fault();
    faults.push((Operation::Truncate, IoError::TRUNCATE));
    faults.push((Operation::Shm, IoError::SHM_MAP));
    sweep("wal", Workload::Wal, &faults, LIMIT);
}

#[test]
fn pool_write_tx_survives_every_io_error() {
    let mut faults = every_fault();
    faults.push((Operation::Shm, IoError::SHM_LOCK));
    sweep("pool", Workload::Pool, &faults, LIMIT);
}

/// SQLite3 Multiple Ciphers' codec sits above the faulty VFS: a failed page write or read must
/// not leave a page half-encrypted or a key-check misread as a wrong key.
#[test]
fn an_encrypted_pool_survives_every_io_error() {
    if !lite3::encryption::available() {
        return;
    }
    let mut faults = every_fault();
    faults.push((Operation::Shm, IoError::SHM_LOCK));
    sweep("encrypted", Workload::EncryptedPool, &faults, LIMIT);
}

#[test]
fn worker_calls_survive_every_io_error() {
    sweep("worker", Workload::Worker, &every_fault(), LIMIT);
}

#[test]
fn a_backup_into_a_failing_disk_leaves_the_old_or_the_new_database() {
    sweep("backup", Workload::Backup, &every_fault(), LIMIT);
}

/// A disk that returns fewer bytes than asked (the rest reads as zeros) during reads: every
/// query either answers exactly what is stored or fails as corruption or an I/O error, never
/// with wrong data, and the file is untouched.
#[test]
fn short_reads_give_the_right_answer_or_a_typed_error_never_a_wrong_one() {
    let dir = TempDir::new("ioerr-short-read");
    let path = dir.0.join("db");
    create(&path, false, false);
    let mut conn = Connection::open(&path).unwrap();
    for tag in 1..=TRANSACTIONS {
        guarded_tx(&mut conn, tag).unwrap();
    }
    drop(conn);
    let vfs = FaultVfs::register("fault-short-read").unwrap();
    let query = |conn: &Connection| -> lite3::Result<Vec<(i64, i64, i64)>> {
        let mut stmt = conn.prepare(
            "SELECT tag, count(*), sum(length(pad)) FROM t INDEXED BY t_tag GROUP BY tag",
        )?;
        stmt.query_map((), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect()
    };
    let expected = query(&Connection::open(&path).unwrap()).unwrap();
    vfs.reset_counts();
    query(&open(&path, "fault-short-read").unwrap()).unwrap();
    let reads = vfs.calls(Operation::Read);
    let (mut right, mut failed) = (0, 0);
    for n in 1..=reads {
        vfs.reset_counts();
        vfs.arm(Fault::nth(Operation::Read, n).error(IoError::SHORT_READ));
        let answer = open(&path, "fault-short-read").and_then(|conn| query(&conn));
        vfs.disarm();
        match answer {
            Ok(rows) => {
                assert_eq!(rows, expected, "short read #{n} gave a wrong answer");
                right += 1;
            }
            Err(e) => {
                let code = e.sqlite_code();
                assert!(
                    matches!(
                        code,
                        Some(
                            lite3::ErrorCode::Corrupt
                                | lite3::ErrorCode::NotADatabase
                                | lite3::ErrorCode::IoErr
                        )
                    ),
                    "short read #{n}: {e:?}"
                );
                failed += 1;
            }
        }
        assert_eq!(tags(&path, false).len() as i64, TRANSACTIONS);
    }
    println!("short reads: {reads} fault points, {right} answered right, {failed} failed typed");
}
