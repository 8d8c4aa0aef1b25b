//! With SQLite compiled single-threaded (`single-thread` feature), a plain Connection is refused:
//! SQLite has no mutexes at all then, so only lite3's Worker may use it.
#![cfg(feature = "single-thread")]

use lite3::{Connection, Error};

#[test]
fn opening_a_connection_is_refused_with_a_clear_error() {
    let err = Connection::open_in_memory().unwrap_err();
    assert!(matches!(err, Error::SingleThreaded));
    assert!(err.to_string().contains("SQLITE_THREADSAFE=0"));
}
