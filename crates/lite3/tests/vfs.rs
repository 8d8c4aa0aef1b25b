//! Wrapping VFSes (lite3::vfs): a wrapper sees SQLite's file operations and its answers reach
//! the caller; a panic inside one resumes in the caller; using SQLite from inside one is refused;
//! names are checked; a Pool and a Worker open through one.

mod common;

use common::{TempDir, sqlite_turn};
use lite3::vfs::{self, File, FileKind, IoError, IoResult, Options, Wrapper};
use lite3::{Connection, Error, ErrorCode, OpenFlags};
use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};

/// Records what SQLite does, and misbehaves on request.
#[derive(Default)]
struct Spy {
    kinds: Mutex<HashSet<FileKind>>,
    reads: AtomicU64,
    writes: AtomicU64,
    syncs: AtomicU64,
    panic_on_write: AtomicBool,
    reenter_on_read: AtomicBool,
    reentry_result: Mutex<Option<String>>,
    fail_reads_with: Mutex<Option<IoError>>,
}

impl Wrapper for Spy {
    fn open(&self, _path: Option<&str>, kind: FileKind) -> IoResult<()> {
        self.kinds.lock().unwrap().insert(kind);
        Ok(())
    }

    fn read(&self, file: &File<'_>, buf: &mut [u8], offset: u64) -> IoResult<()> {
        self.reads.fetch_add(1, SeqCst);
        if self.reenter_on_read.swap(false, SeqCst) {
            let outcome = Connection::open_in_memory().map(drop);
            *self.reentry_result.lock().unwrap() = Some(format!("{outcome:?}"));
        }
        if let Some(error) = *self.fail_reads_with.lock().unwrap() {
            return Err(error);
        }
        file.read(buf, offset)
    }

    fn write(&self, file: &File<'_>, data: &[u8], offset: u64) -> IoResult<()> {
        self.writes.fetch_add(1, SeqCst);
        assert!(
            !self.panic_on_write.load(SeqCst),
            "the wrapper panicked on a write"
        );
        file.write(data, offset)
    }

    fn sync(&self, file: &File<'_>, kind: vfs::SyncKind) -> IoResult<()> {
        self.syncs.fetch_add(1, SeqCst);
        file.sync(kind)
    }
}

fn open(path: &std::path::Path, vfs: &str) -> Connection {
    Connection::open_with_flags_and_vfs(path, OpenFlags::default(), vfs).unwrap()
}

#[test]
fn a_wrapper_sees_every_kind_of_file_and_its_answers_reach_the_caller() {
    let _turn = sqlite_turn();
    let dir = TempDir::new("vfs-spy");
    let spy = vfs::register("spy-kinds", Spy::default()).unwrap();
    let conn = open(&dir.db(), "spy-kinds");
    conn.execute_batch(
        "CREATE TABLE t(x); INSERT INTO t VALUES (1), (2);
         PRAGMA journal_mode = WAL; INSERT INTO t VALUES (3);",
    )
    .unwrap();
    let kinds = spy.kinds.lock().unwrap().clone();
    for kind in [FileKind::MainDb, FileKind::MainJournal, FileKind::Wal] {
        assert!(kinds.contains(&kind), "{kind:?} not seen in {kinds:?}");
    }
    assert!(spy.writes.load(SeqCst) > 0 && spy.syncs.load(SeqCst) > 0);

    // A read error the wrapper chooses is what the caller sees, extended code and all.
    drop(conn);
    let conn = open(&dir.db(), "spy-kinds");
    *spy.fail_reads_with.lock().unwrap() = Some(IoError::READ);
    let err = conn
        .query_row("SELECT count(*) FROM t", (), |r| r.get::<_, i64>(0))
        .unwrap_err();
    assert_eq!(
        err.sqlite_extended_error_code(),
        Some(IoError::READ.extended_code())
    );
    *spy.fail_reads_with.lock().unwrap() = None;
    let rows: i64 = conn
        .query_row("SELECT count(*) FROM t", (), |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 3, "nothing committed was lost to the failed read");
}

#[test]
fn a_panic_in_a_wrapper_resumes_in_the_caller_and_the_data_survives() {
    let _turn = sqlite_turn();
    let dir = TempDir::new("vfs-panic");
    let spy = vfs::register("spy-panic", Spy::default()).unwrap();
    let mut conn = open(&dir.db(), "spy-panic");
    conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
        .unwrap();
    spy.panic_on_write.store(true, SeqCst);
    let panicked = catch_unwind(AssertUnwindSafe(|| {
        let tx = conn.transaction().unwrap();
        tx.execute("INSERT INTO t VALUES (zeroblob(50000))", ())?;
        tx.commit()
    }));
    let payload = panicked.expect_err("the wrapper's panic resumes in the caller");
    assert_eq!(
        payload.downcast_ref::<&str>(),
        Some(&"the wrapper panicked on a write")
    );
    spy.panic_on_write.store(false, SeqCst);
    // The transaction the panic interrupted is gone, the committed row is there, and the
    // connection carries on.
    let rows: i64 = conn
        .query_row("SELECT count(*) FROM t", (), |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 1);
    conn.execute("INSERT INTO t VALUES (2)", ()).unwrap();
    drop(conn);
    let conn = Connection::open(dir.db()).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", (), |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}

#[test]
fn using_sqlite_from_inside_a_wrapper_is_refused() {
    let _turn = sqlite_turn();
    let dir = TempDir::new("vfs-reentry");
    let spy = vfs::register("spy-reentry", Spy::default()).unwrap();
    let conn = open(&dir.db(), "spy-reentry");
    conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
        .unwrap();
    drop(conn);
    let conn = open(&dir.db(), "spy-reentry");
    spy.reenter_on_read.store(true, SeqCst);
    let rows: i64 = conn
        .query_row("SELECT count(*) FROM t", (), |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 1);
    let reentry = spy.reentry_result.lock().unwrap().clone().unwrap();
    assert!(
        reentry.contains("HookReentry") && reentry.contains("VFS"),
        "{reentry}"
    );
    // Registering a VFS from inside one is refused the same way.
    struct Registers;
    impl Wrapper for Registers {
        fn open(&self, _path: Option<&str>, _kind: FileKind) -> IoResult<()> {
            match vfs::register("never", Registers) {
                Err(Error::HookReentry { hook: "VFS" }) => Ok(()),
                _ => Err(IoError::CANT_OPEN),
            }
        }
    }
    vfs::register("registers-inside", Registers).unwrap();
    drop(open(&dir.0.join("other.db"), "registers-inside"));
}

#[test]
fn names_are_checked_and_unregistering_stops_new_opens_only() {
    let _turn = sqlite_turn();
    let dir = TempDir::new("vfs-names");
    #[derive(Debug)]
    struct Plain;
    impl Wrapper for Plain {}
    vfs::register("plain-names", Plain).unwrap();
    let err = vfs::register("plain-names", Plain).unwrap_err();
    assert!(err.to_string().contains("already registered"), "{err}");
    let err = vfs::register("bad\0name", Plain).unwrap_err();
    assert!(matches!(err, Error::Nul { .. }), "{err}");
    let err =
        vfs::register_with("plain-on-nothing", Plain, Options::default().base("nope")).unwrap_err();
    assert!(err.to_string().contains("no VFS named \"nope\""), "{err}");
    assert!(vfs::names().iter().any(|name| name == "plain-names"));

    let conn = open(&dir.db(), "plain-names");
    conn.execute_batch("CREATE TABLE t(x)").unwrap();
    vfs::unregister("plain-names").unwrap();
    // Gone with the cipher layer lite3 put above it, when this build encrypts.
    assert!(
        !vfs::names()
            .iter()
            .any(|name| name.ends_with("plain-names"))
    );
    // The open connection keeps working through it; new ones cannot find it.
    conn.execute("INSERT INTO t VALUES (1)", ()).unwrap();
    let err = Connection::open_with_flags_and_vfs(dir.db(), OpenFlags::default(), "plain-names")
        .unwrap_err();
    assert_eq!(err.sqlite_code(), Some(ErrorCode::Error), "{err}");
    let err = vfs::unregister("plain-names").unwrap_err();
    assert!(err.to_string().contains("registered no VFS"), "{err}");
    let err = vfs::unregister("unix").unwrap_err();
    assert!(err.to_string().contains("registered no VFS"), "{err}");
    // The name is free again.
    vfs::register("plain-names", Plain).unwrap();
}

#[cfg(not(feature = "single-thread"))]
#[test]
fn a_pool_and_a_worker_open_through_a_named_vfs() {
    let dir = TempDir::new("vfs-pool");
    let spy = vfs::register("spy-pool", Spy::default()).unwrap();
    let pool = lite3::Pool::builder(dir.db())
        .vfs("spy-pool")
        .build()
        .unwrap();
    pool.write_tx(|tx| tx.execute("CREATE TABLE t(x)", ()))
        .unwrap();
    let before = spy.writes.load(SeqCst);
    pool.write_tx(|tx| tx.execute("INSERT INTO t VALUES (1)", ()))
        .unwrap();
    assert!(spy.writes.load(SeqCst) > before);
    drop(pool);

    let worker = lite3::Worker::builder(dir.db())
        .vfs("spy-pool")
        .build()
        .unwrap();
    let reads = spy.reads.load(SeqCst);
    let rows: i64 = worker
        .call(|conn| conn.query_row("SELECT count(*) FROM t", (), |r| r.get(0)))
        .unwrap();
    assert_eq!(rows, 1);
    assert!(spy.reads.load(SeqCst) > reads);

    let err = lite3::Worker::builder(dir.db())
        .vfs("no-such-vfs")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("no such vfs"), "{err}");
    let err = lite3::Pool::builder(dir.db())
        .vfs("bad\0")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Nul { .. }), "{err}");
}

/// Records every byte written to the main database file and its WAL.
#[cfg(not(feature = "single-thread"))]
#[derive(Default)]
struct DiskCopy(Mutex<Vec<u8>>);

#[cfg(not(feature = "single-thread"))]
impl Wrapper for DiskCopy {
    fn write(&self, file: &File<'_>, data: &[u8], offset: u64) -> IoResult<()> {
        if matches!(file.kind(), FileKind::MainDb | FileKind::Wal) {
            self.0.lock().unwrap().extend_from_slice(data);
        }
        file.write(data, offset)
    }
}

/// SQLite3 Multiple Ciphers encrypts WAL frames only when its VFS is a connection's topmost
/// one; lite3 keeps it above every wrapper. Under a wrapper on top, this test found plaintext
/// pages in the WAL and a checkpoint failing with NOTADB.
#[cfg(not(feature = "single-thread"))]
#[test]
fn an_encrypted_wal_database_through_a_wrapper_reaches_the_disk_encrypted() {
    use lite3::encryption::{Encryption, Key};
    if !lite3::encryption::available() {
        return;
    }
    let dir = TempDir::new("vfs-encrypted-wal");
    let disk = vfs::register("disk-copy", DiskCopy::default()).unwrap();
    let encryption = Encryption::new(Key::passphrase("wal under a wrapper"));
    let pool = lite3::Pool::builder(dir.db())
        .vfs("disk-copy")
        .encryption(encryption.clone())
        .build()
        .unwrap();
    const SECRET: &str = "plaintext that must never reach the disk";
    pool.write_tx(|tx| {
        tx.execute_batch("CREATE TABLE t(x)")?;
        tx.execute("INSERT INTO t VALUES (?1)", (SECRET,))
    })
    .unwrap();
    let (busy, log, checkpointed): (i64, i64, i64) = pool
        .write()
        .unwrap()
        .query_row("PRAGMA wal_checkpoint", (), |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(
        (busy, log),
        (0, checkpointed),
        "the checkpoint copied every frame"
    );
    drop(pool);

    let written = disk.0.lock().unwrap();
    assert!(written.len() > 4096, "the wrapper saw the writes");
    assert!(
        !written
            .windows(SECRET.len())
            .any(|w| w == SECRET.as_bytes()),
        "plaintext reached the disk through the wrapper"
    );
    let conn = Connection::open_encrypted(dir.db(), &encryption).unwrap();
    let stored: String = conn.query_row("SELECT x FROM t", (), |r| r.get(0)).unwrap();
    assert_eq!(stored, SECRET);
}

/// An encrypted database opened through one of SQLite's own VFSes by name: lite3 opens through
/// the cipher layer over it (keying through the bare VFS would fail), for a Connection and a
/// Pool alike; a VFS SQLite does not know is an error that names it.
#[test]
fn an_encrypted_database_opens_through_a_named_sqlite_vfs() {
    use lite3::OpenFlags;
    use lite3::encryption::{Encryption, EncryptionError, Key};
    if !lite3::encryption::available() {
        return;
    }
    let _turn = common::sqlite_turn();
    let dir = common::TempDir::new("vfs-named-encrypted");
    let secret = Encryption::new(Key::passphrase("named vfs"));
    let flags = OpenFlags::READ_WRITE | OpenFlags::CREATE;
    let conn =
        Connection::open_encrypted_with_flags_and_vfs(dir.db(), flags, "unix-dotfile", &secret)
            .unwrap();
    conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES ('kept');")
        .unwrap();
    drop(conn);
    let header = std::fs::read(dir.db()).unwrap();
    assert!(
        !header.starts_with(b"SQLite format 3"),
        "the file is encrypted"
    );

    // The same file through the default VFS and the same key; a wrong key is still wrong.
    let again = Connection::open_encrypted(dir.db(), &secret).unwrap();
    let kept: String = again
        .query_row("SELECT x FROM t", (), |r| r.get(0))
        .unwrap();
    assert_eq!(kept, "kept");
    drop(again);
    let wrong = Encryption::new(Key::passphrase("not it"));
    let err =
        Connection::open_encrypted_with_flags_and_vfs(dir.db(), flags, "unix-dotfile", &wrong)
            .unwrap_err();
    assert!(
        matches!(err, Error::Encryption(EncryptionError::WrongKey { .. })),
        "{err}"
    );
    let err = Connection::open_encrypted_with_flags_and_vfs(dir.db(), flags, "no-such", &secret)
        .unwrap_err();
    assert!(err.to_string().contains("no such vfs: no-such"), "{err}");

    #[cfg(not(feature = "single-thread"))]
    {
        // (WAL, which a Pool needs, wants shared-memory locking, which dot-files lack.)
        let pool = lite3::Pool::builder(dir.db())
            .vfs("unix")
            .encryption(secret)
            .build()
            .unwrap();
        let rows: i64 = pool
            .read()
            .unwrap()
            .query_row("SELECT count(*) FROM t", (), |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 1);
    }
}
