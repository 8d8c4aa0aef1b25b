//! Reading a value whose buffer SQLite must allocate (feature `fault-injection`): when the
//! allocation fails, the read is a clean out-of-memory error, never an empty value, and the same
//! row reads correctly once memory is back. Its own test binary: faults are process-wide.
#![cfg(all(feature = "fault-injection", not(feature = "single-thread")))]

use lite3::{Connection, ErrorCode, fault};

#[test]
fn text_that_cannot_be_converted_is_an_out_of_memory_error() {
    let conn = Connection::open_in_memory().unwrap();
    // The database stores text as UTF-16, so reading it as UTF-8 makes SQLite allocate a
    // converted copy: too big for the connection's lookaside slots, so from the allocator.
    conn.execute_batch("PRAGMA encoding = 'UTF-16le'").unwrap();
    let text = "hello, world ".repeat(1000);
    let mut stmt = conn.prepare("SELECT ?1, 7").unwrap();
    stmt.query_row((text.as_str(),), |row| {
        fault::fail_allocations_from(1);
        let as_str = row.get::<_, &str>(0);
        let as_ref = row.get_ref(0);
        let other_column = row.get::<_, i64>(1);
        fault::disarm();

        let err = as_str.unwrap_err();
        assert_eq!(err.sqlite_code(), Some(ErrorCode::NoMem), "{err}");
        assert_eq!(err.to_string(), "out of memory");
        assert_eq!(as_ref.unwrap_err().sqlite_code(), Some(ErrorCode::NoMem));
        assert_eq!(
            other_column.unwrap(),
            7,
            "values that need no allocation still read"
        );

        // Memory is back: the same row now reads in full.
        assert_eq!(row.get::<_, &str>(0)?, text);
        Ok(())
    })
    .unwrap();
}
