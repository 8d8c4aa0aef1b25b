//! With SQLite compiled single-threaded (`single-thread` feature), a plain Connection is refused:
//! SQLite has no mutexes at all then, so only lite3's Worker may use it (tests/worker.rs runs in
//! this build too, proving the Worker workload passes).
#![cfg(feature = "single-thread")]

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

#[test]
fn opening_a_connection_is_refused_with_a_clear_error() {
    let err = Connection::open_in_memory().unwrap_err();
    assert!(matches!(err, Error::SingleThreaded));
    assert!(err.to_string().contains("SQLITE_THREADSAFE=0"));
}

#[test]
fn workers_share_the_one_sqlite_thread() {
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
