//! Backup, incremental blob I/O and serialization written the rusqlite way.

use rusqlite::backup::{Backup, Progress, StepResult};
use rusqlite::blob::ZeroBlob;
use rusqlite::{Connection, MAIN_DB, OpenFlags, Result};
use std::io::{Read, Seek, SeekFrom, Write};

#[test]
fn backup_blob_and_serialize() -> Result<()> {
    let dir = std::env::temp_dir().join(format!("compat-data-movement-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = Connection::open(dir.join("src.db"))?;
    src.execute_batch("CREATE TABLE doc(id INTEGER PRIMARY KEY, body BLOB)")?;
    src.execute("INSERT INTO doc(body) VALUES (?1)", [ZeroBlob(64)])?;

    {
        let mut blob = src.blob_open(MAIN_DB, "doc", "body", 1, false)?;
        blob.write_all(b"header").unwrap();
        blob.seek(SeekFrom::Start(0)).unwrap();
        let mut head = [0u8; 6];
        blob.read_exact(&mut head).unwrap();
        assert_eq!(&head, b"header");
        blob.write_at(b"tail", 60)?;
        let mut tail = [0u8; 4];
        blob.read_at_exact(&mut tail, 60)?;
        assert_eq!(&tail, b"tail");
        assert_eq!(blob.len(), 64);
    }

    let mut dst = Connection::open_in_memory()?;
    {
        let backup = Backup::new(&src, &mut dst)?;
        while backup.step(1)? != StepResult::Done {}
        let Progress { remaining, .. } = backup.progress();
        assert_eq!(remaining, 0);
    }
    let len: i64 = dst.query_row("SELECT length(body) FROM doc", [], |r| r.get(0))?;
    assert_eq!(len, 64);

    src.backup(MAIN_DB, dir.join("copy.db"), None::<fn(Progress)>)?;
    let ro = Connection::open_with_flags(dir.join("copy.db"), OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    assert!(ro.execute("DELETE FROM doc", []).is_err());

    let bytes = dst.serialize(MAIN_DB)?.to_vec();
    let mut shipped = Connection::open_in_memory()?;
    shipped.deserialize_read_exact(MAIN_DB, &bytes[..], bytes.len(), true)?;
    let n: i64 = shipped.query_row("SELECT count(*) FROM doc", [], |r| r.get(0))?;
    assert_eq!(n, 1);
    drop((src, dst, ro));
    std::fs::remove_dir_all(&dir).unwrap();
    Ok(())
}

#[test]
fn session_changeset_applies_with_a_conflict_handler() -> Result<()> {
    use rusqlite::session::{ConflictAction, ConflictType, Session};

    let source = Connection::open_in_memory()?;
    let replica = Connection::open_in_memory()?;
    for db in [&source, &replica] {
        db.execute_batch("CREATE TABLE kv(k TEXT PRIMARY KEY, v INTEGER)")?;
        db.execute("INSERT INTO kv VALUES ('a', 1)", [])?;
    }
    let changes = {
        let mut session = Session::new(&source)?;
        session.attach(None::<&str>)?;
        source.execute("UPDATE kv SET v = 2 WHERE k = 'a'", [])?;
        source.execute("INSERT INTO kv VALUES ('b', 3)", [])?;
        session.changeset()?
    };
    replica.execute("UPDATE kv SET v = 9 WHERE k = 'a'", [])?;
    replica.apply(
        &changes,
        None::<fn(&str) -> bool>,
        |kind, _item| match kind {
            ConflictType::SQLITE_CHANGESET_DATA => ConflictAction::SQLITE_CHANGESET_REPLACE,
            _ => ConflictAction::SQLITE_CHANGESET_ABORT,
        },
    )?;
    let total: i64 = replica.query_row("SELECT sum(v) FROM kv", [], |r| r.get(0))?;
    assert_eq!(total, 5);
    replica.apply(&changes.invert()?, None::<fn(&str) -> bool>, |_, _| {
        ConflictAction::SQLITE_CHANGESET_OMIT
    })?;
    let left: i64 = replica.query_row("SELECT count(*) FROM kv", [], |r| r.get(0))?;
    assert_eq!(left, 1);
    Ok(())
}
