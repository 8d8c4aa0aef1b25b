//! With SQLite compiled single-threaded (`single-thread` feature) SQLite has no mutexes at all,
//! so one thread at a time may use it: the first thread to open a connection owns SQLite until
//! its last connection closes, every other thread is refused meanwhile, and Workers (which all
//! run on lite3's one shared thread) are the way to share it (tests/worker.rs runs in this build
//! too, proving the Worker workload passes).
#![cfg(feature = "single-thread")]

mod common;

use lite3::{Connection, Error};
use std::marker::PhantomData;

/// Compile-time probe: `Probe::<T>::IS_SEND` is the inherent `true` only when `T: Send`, and
/// falls back to the trait's `false` otherwise.
struct Probe<T: ?Sized>(PhantomData<T>);
trait NotSend {
    const IS_SEND: bool = false;
}
impl<T: ?Sized> NotSend for Probe<T> {}
impl<T: ?Sized + Send> Probe<T> {
    #[allow(dead_code, reason = "read through the probe below")]
    const IS_SEND: bool = true;
}

// In this build a Connection cannot be sent to another thread: this line fails to compile if it could.
const _: () = assert!(!Probe::<Connection>::IS_SEND);
// The Worker is the way in, from any thread.
const _: () = assert!(Probe::<lite3::Worker>::IS_SEND);

/// Opens a connection on a new thread and reports how that went.
fn open_elsewhere() -> lite3::Result<()> {
    std::thread::spawn(|| Connection::open_in_memory().map(drop))
        .join()
        .unwrap()
}

#[test]
fn one_thread_at_a_time_owns_sqlite_and_others_get_a_clear_error() {
    let _sqlite = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    let second = Connection::open_in_memory().unwrap(); // the owner may open more
    assert_eq!(
        conn.query_row("SELECT 1", (), |r| r.get::<_, i64>(0))
            .unwrap(),
        1
    );

    let err = open_elsewhere().unwrap_err();
    assert!(matches!(err, Error::SingleThreaded), "{err:?}");
    assert!(err.to_string().contains("SQLITE_THREADSAFE=0"), "{err}");
    // Workers run on another thread: refused as well while this thread owns SQLite.
    assert!(matches!(
        lite3::Worker::open_in_memory(),
        Err(Error::SingleThreaded)
    ));

    drop(conn);
    assert!(
        open_elsewhere().is_err(),
        "still owned: one connection is open"
    );
    second.close().map_err(|(_, e)| e).unwrap();
    // Every connection is closed: ownership is handed on.
    open_elsewhere().unwrap();
}

#[test]
fn while_a_worker_lives_its_thread_owns_sqlite() {
    let _sqlite = common::sqlite_turn();
    let worker = lite3::Worker::open_in_memory().unwrap();
    assert!(matches!(
        Connection::open_in_memory(),
        Err(Error::SingleThreaded)
    ));
    drop(worker);
    Connection::open_in_memory().unwrap();
}

#[test]
fn workers_share_the_one_sqlite_thread() {
    let _sqlite = common::sqlite_turn();
    let a = lite3::Worker::open_in_memory().unwrap();
    let b = lite3::Worker::open_in_memory().unwrap();
    let thread_of = |w: &lite3::Worker| {
        w.call(|_| Ok(format!("{:?}", std::thread::current().id())))
            .unwrap()
    };
    assert_eq!(thread_of(&a), thread_of(&b));
    assert_ne!(thread_of(&a), format!("{:?}", std::thread::current().id()));
    // Each Worker still has its own connection (its own in-memory database).
    a.call(|conn| conn.execute_batch("CREATE TABLE only_in_a(x)"))
        .unwrap();
    assert!(
        b.call(|conn| conn.execute("INSERT INTO only_in_a VALUES (1)", ()))
            .is_err()
    );
}
