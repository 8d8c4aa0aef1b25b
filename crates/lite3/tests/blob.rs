//! Incremental blob I/O at and beyond its limits: nothing past the end is read or written,
//! offsets beyond SQLite's range are refused (never wrapped), a failed reopen aborts the handle
//! until the next good one, and a read-only blob refuses writes.

mod common;

use common::sqlite_turn;
use lite3::blob::ZeroBlob;
use lite3::{Connection, Error, ErrorCode, MAIN_DB};
use std::io::{Read, Seek, SeekFrom, Write};

fn table() -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE f(id INTEGER PRIMARY KEY, data BLOB, tag TEXT UNIQUE)")
        .unwrap();
    conn.execute("INSERT INTO f VALUES (1, ?1, 'a')", (ZeroBlob(8),))
        .unwrap();
    conn.execute("INSERT INTO f VALUES (2, x'0102', 'b')", ())
        .unwrap();
    conn
}

fn data(conn: &Connection, id: i64) -> Vec<u8> {
    conn.query_row("SELECT data FROM f WHERE id = ?1", (id,), |r| r.get(0))
        .unwrap()
}

#[test]
fn writes_and_reads_stay_inside_the_blob() {
    let _turn = sqlite_turn();
    let conn = table();
    let mut blob = conn.blob_open(MAIN_DB, "f", "data", 1, false).unwrap();
    assert_eq!((blob.size(), blob.len(), blob.is_empty()), (8, 8, false));

    // At the limit: fits exactly.
    blob.write_at(b"12345678", 0).unwrap();
    // One byte past: refused, nothing written.
    assert!(matches!(blob.write_at(b"xy", 7), Err(Error::BlobSizeError)));
    // Offsets SQLite cannot address, and sums that overflow: refused, not wrapped.
    assert!(matches!(
        blob.write_at(b"x", 1 << 31),
        Err(Error::BlobSizeError)
    ));
    assert!(matches!(
        blob.write_at(b"x", usize::MAX),
        Err(Error::BlobSizeError)
    ));
    let mut one = [0u8; 1];
    assert!(matches!(
        blob.read_at_exact(&mut one, usize::MAX),
        Err(Error::BlobSizeError)
    ));
    assert_eq!(
        blob.read_at(&mut one, 8).unwrap(),
        0,
        "at the end: nothing to read"
    );
    assert_eq!(blob.read_at(&mut one, usize::MAX).unwrap(), 0);
    let mut long = [0u8; 20];
    assert_eq!(blob.read_at(&mut long, 5).unwrap(), 3);
    assert_eq!(&long[..3], b"678");
    let mut uninit = [std::mem::MaybeUninit::<u8>::uninit(); 4];
    assert_eq!(blob.raw_read_at_exact(&mut uninit, 4).unwrap(), b"5678");
    assert!(matches!(
        blob.raw_read_at_exact(&mut uninit, 5),
        Err(Error::BlobSizeError)
    ));

    // The cursor: a write that does not fit writes nothing.
    blob.seek(SeekFrom::Start(6)).unwrap();
    let err = blob.write(b"abc").unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::WriteZero);
    assert_eq!(blob.write(b"ab").unwrap(), 2);
    assert_eq!(blob.write(b"").unwrap(), 0);
    assert!(blob.write_all(b"z").is_err());
    assert!(blob.seek(SeekFrom::Current(1)).is_err());
    assert!(blob.seek(SeekFrom::End(-9)).is_err());
    assert!(blob.seek(SeekFrom::Start(u64::MAX)).is_err());
    assert!(blob.seek(SeekFrom::Current(i64::MIN)).is_err());
    assert_eq!(blob.seek(SeekFrom::End(0)).unwrap(), 8);
    blob.seek(SeekFrom::Start(0)).unwrap();
    let mut all = Vec::new();
    blob.read_to_end(&mut all).unwrap();
    assert_eq!(all, b"123456ab");
    blob.close().unwrap();
    assert_eq!(
        data(&conn, 1),
        b"123456ab",
        "nothing past the end was written"
    );
}

#[test]
fn reopen_read_only_and_bad_targets() {
    let _turn = sqlite_turn();
    let conn = table();
    let mut blob = conn.blob_open(MAIN_DB, "f", "data", 1, true).unwrap();
    let err = blob.write_at(b"x", 0).unwrap_err();
    assert_eq!(err.sqlite_code(), Some(ErrorCode::ReadOnly), "{err}");
    blob.reopen(2).unwrap();
    assert_eq!(blob.len(), 2);
    let mut two = [0u8; 2];
    blob.read_at_exact(&mut two, 0).unwrap();
    assert_eq!(two, [1, 2]);
    // No row 9: SQLite aborts the handle for good; a new one works.
    assert!(blob.reopen(9).is_err());
    let err = blob.read_at_exact(&mut two, 0).unwrap_err();
    assert_eq!(
        err.sqlite_code(),
        Some(ErrorCode::OperationAborted),
        "{err}"
    );
    assert!(blob.reopen(2).is_err());
    assert!(blob.read(&mut two).is_err(), "not an empty read");
    drop(blob);
    let blob = conn.blob_open(MAIN_DB, "f", "data", 2, true).unwrap();
    blob.read_at_exact(&mut two, 0).unwrap();
    drop(blob);

    // Bad targets are SQLite's errors, named.
    for (table, column, row) in [("f", "data", 9), ("f", "nope", 1), ("nope", "data", 1)] {
        assert!(conn.blob_open(MAIN_DB, table, column, row, true).is_err());
    }
    // An indexed column cannot be opened for writing.
    let err = conn.blob_open(MAIN_DB, "f", "tag", 1, false).unwrap_err();
    assert!(err.to_string().contains("indexed"), "{err}");
    assert!(matches!(
        conn.blob_open(MAIN_DB, "f\0", "data", 1, true),
        Err(Error::Nul { .. })
    ));

    // A zeroblob beyond the length limit is refused before SQLite sees it.
    let err = conn
        .execute("INSERT INTO f(data) VALUES (?1)", (ZeroBlob(u64::MAX),))
        .unwrap_err();
    assert!(matches!(err, Error::TooBig { .. }), "{err:?}");
    // A user function may return one.
    conn.create_scalar_function("room", 1, lite3::FunctionFlags::default(), |ctx| {
        Ok(ZeroBlob(ctx.get::<u64>(0)?))
    })
    .unwrap();
    let len: i64 = conn
        .query_row("SELECT length(room(5))", (), |r| r.get(0))
        .unwrap();
    assert_eq!(len, 5);
}
