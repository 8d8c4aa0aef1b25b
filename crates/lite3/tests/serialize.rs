//! Whole databases as bytes: a file database is copied, an in-memory one lent; bytes come back
//! read-only or resizable; a short read or garbage replaces nothing of value; a Pool does not
//! hand a deserialized connection to its next borrower.

mod common;

use common::{TempDir, sqlite_turn};
use lite3::serialize::{Data, OwnedData};
use lite3::{Connection, ErrorCode, MAIN_DB};

fn count(conn: &Connection) -> i64 {
    conn.query_row("SELECT count(*) FROM t", (), |r| r.get(0))
        .unwrap()
}

#[test]
fn round_trips_read_only_and_resizable() {
    let _turn = sqlite_turn();
    let dir = TempDir::new("serialize");
    let mut file = Connection::open(dir.db()).unwrap();
    file.execute_batch("CREATE TABLE t(x); INSERT INTO t SELECT 'row' FROM (VALUES (1), (2), (3))")
        .unwrap();
    let bytes = {
        let data = file.serialize(MAIN_DB).unwrap();
        assert!(matches!(data, Data::Owned(_)), "a file database is copied");
        data.to_vec()
    };

    // Read-only: reads work, writes are refused.
    let mut ro = Connection::open_in_memory().unwrap();
    ro.deserialize(MAIN_DB, OwnedData::from_bytes(&bytes).unwrap(), true)
        .unwrap();
    assert_eq!(count(&ro), 3);
    let err = ro.execute("INSERT INTO t VALUES (4)", ()).unwrap_err();
    assert_eq!(err.sqlite_code(), Some(ErrorCode::ReadOnly), "{err}");

    // Resizable: it grows, and the file it came from is untouched.
    let mut rw = Connection::open_in_memory().unwrap();
    rw.deserialize_read_exact(MAIN_DB, &bytes[..], bytes.len(), false)
        .unwrap();
    for _ in 0..1000 {
        rw.execute("INSERT INTO t VALUES (zeroblob(100))", ())
            .unwrap();
    }
    assert_eq!(count(&rw), 1003);
    let grown = rw.serialize(MAIN_DB).unwrap();
    assert!(
        matches!(grown, Data::Shared(_)),
        "a deserialized database lends its buffer"
    );
    assert!(grown.len() > bytes.len());
    drop(grown);
    assert_eq!(count(&file), 3);

    // Static bytes, without a copy.
    let leaked: &'static [u8] = Box::leak(bytes.clone().into_boxed_slice());
    let mut st = Connection::open_in_memory().unwrap();
    st.deserialize_bytes(MAIN_DB, leaked).unwrap();
    assert_eq!(count(&st), 3);
}

#[test]
fn bad_input_replaces_nothing_of_value() {
    let _turn = sqlite_turn();
    let mut conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1)")
        .unwrap();
    // A reader that ends early: an error, and the database is still there.
    let err = conn
        .deserialize_read_exact(MAIN_DB, &[0u8; 10][..], 4096, false)
        .unwrap_err();
    assert_eq!(err.sqlite_code(), Some(ErrorCode::CannotOpen), "{err}");
    assert!(
        err.to_string()
            .contains("reading the serialized database failed"),
        "{err}"
    );
    assert_eq!(count(&conn), 1);
    // Garbage: SQLite takes it, and says so at the first statement.
    conn.deserialize(
        MAIN_DB,
        OwnedData::from_bytes(&[0x42; 4096]).unwrap(),
        false,
    )
    .unwrap();
    let err = conn.prepare("SELECT * FROM t").unwrap_err();
    assert_eq!(err.sqlite_code(), Some(ErrorCode::NotADatabase), "{err}");
    // A schema that is not attached.
    assert!(conn.serialize("nosuch").is_err());
    assert!(
        conn.deserialize("nosuch", OwnedData::from_bytes(b"x").unwrap(), true)
            .is_err()
    );
}

#[cfg(not(feature = "single-thread"))]
#[test]
fn a_pool_replaces_a_connection_its_borrower_deserialized_into() {
    let dir = TempDir::new("serialize-pool");
    let pool = lite3::Pool::builder(dir.db()).readers(1).build().unwrap();
    pool.write()
        .unwrap()
        .execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1)")
        .unwrap();
    {
        let mut writer = pool.write().unwrap();
        let mut other = Connection::open_in_memory().unwrap();
        other
            .execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3)")
            .unwrap();
        let bytes = other.serialize(MAIN_DB).unwrap().to_vec();
        writer
            .deserialize(MAIN_DB, OwnedData::from_bytes(&bytes).unwrap(), false)
            .unwrap();
        assert_eq!(count(&writer), 3);
    }
    // The next borrower writes to the file again, not to the borrower's in-memory copy.
    let writer = pool.write().unwrap();
    writer.execute("INSERT INTO t VALUES (2)", ()).unwrap();
    assert_eq!(count(&writer), 2);
    drop(writer);
    assert_eq!(count(&Connection::open(dir.db()).unwrap()), 2);
}
