//! The "yes" cells of the thread-safety table, proven at run time. (The "no" cells are
//! `compile_fail` doctests on Connection, Statement, Rows, Transaction and create_scalar_function.)
// Plain connections: single-threaded builds refuse them (see single_thread.rs and worker.rs).
#![cfg(not(feature = "single-thread"))]

use lite3::{Connection, ErrorCode, InterruptHandle};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

const ENDLESS: &str =
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c";

fn assert_send<T: Send>() {}
fn assert_send_sync_static<T: Send + Sync + 'static>() {}

#[test]
fn marker_traits_match_the_table() {
    assert_send::<Connection>();
    assert_send_sync_static::<InterruptHandle>();
    assert_send_sync_static::<lite3::Error>();
}

#[test]
fn a_connection_moves_to_another_thread_and_works_there() {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute("CREATE TABLE t(x)", ()).unwrap();
    let conn = thread::spawn(move || {
        conn.execute("INSERT INTO t VALUES (42)", ()).unwrap();
        conn
    })
    .join()
    .unwrap();
    assert_eq!(
        conn.query_row("SELECT x FROM t", (), |r| r.get::<_, i64>(0))
            .unwrap(),
        42
    );
}

#[test]
fn interrupt_stops_a_long_query_from_another_thread_within_200ms() {
    let conn = Connection::open_in_memory().unwrap();
    let handle = conn.interrupt_handle();
    let started = Arc::new(Barrier::new(2));
    let fired_at = {
        let started = Arc::clone(&started);
        thread::spawn(move || {
            started.wait();
            thread::sleep(Duration::from_millis(100));
            handle.interrupt();
            Instant::now()
        })
    };
    started.wait();
    let err = conn
        .query_row(ENDLESS, (), |r| r.get::<_, i64>(0))
        .unwrap_err();
    let stopped_at = Instant::now();
    let fired_at = fired_at.join().unwrap();
    assert_eq!(err.sqlite_code(), Some(ErrorCode::Interrupt));
    let latency = stopped_at.saturating_duration_since(fired_at);
    assert!(
        latency < Duration::from_millis(200),
        "interrupt took {latency:?}"
    );
    // The connection is still usable.
    assert_eq!(
        conn.query_row("SELECT 2", (), |r| r.get::<_, i64>(0))
            .unwrap(),
        2
    );
}

#[test]
fn an_interrupt_never_cancels_a_statement_started_after_it() {
    let conn = Connection::open_in_memory().unwrap();
    let handle = conn.interrupt_handle();
    // Fired while nothing runs: forgotten once the next statement starts.
    conn.query_row("SELECT 1", (), |r| r.get::<_, i64>(0))
        .unwrap();
    handle.interrupt();
    assert_eq!(
        conn.query_row("SELECT 1", (), |r| r.get::<_, i64>(0))
            .unwrap(),
        1
    );
    // Fired at random moments: a statement may be interrupted, but once the interrupter has
    // stopped, statements run normally again.
    let stop = Arc::new(AtomicBool::new(false));
    let interrupter = {
        let (stop, handle) = (Arc::clone(&stop), handle.clone());
        thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                handle.interrupt();
                thread::yield_now();
            }
        })
    };
    let mut interrupted = 0;
    for _ in 0..2_000 {
        match conn.query_row(
            "SELECT count(*) FROM (SELECT 1 UNION ALL SELECT 2)",
            (),
            |r| r.get::<_, i64>(0),
        ) {
            Ok(n) => assert_eq!(n, 2),
            Err(e) if e.sqlite_code() == Some(ErrorCode::Interrupt) => interrupted += 1,
            Err(e) => panic!("unexpected error {e}"),
        }
    }
    stop.store(true, Ordering::Relaxed);
    interrupter.join().unwrap();
    for _ in 0..100 {
        assert_eq!(
            conn.query_row("SELECT 3", (), |r| r.get::<_, i64>(0))
                .unwrap(),
            3
        );
    }
    eprintln!("{interrupted} of 2000 statements were interrupted while the interrupter ran");
}

#[test]
fn interrupt_racing_close_10_000_rounds() {
    for round in 0..10_000 {
        let conn = Connection::open_in_memory().unwrap();
        let handle = conn.interrupt_handle();
        let racer = thread::spawn(move || {
            for _ in 0..3 {
                handle.interrupt();
            }
            handle
        });
        if round % 2 == 0 {
            drop(conn);
        } else {
            conn.close().map_err(|(_, e)| e).unwrap();
        }
        // After the close, the handle is a harmless no-op.
        racer.join().unwrap().interrupt();
    }
}

#[test]
fn the_handle_outlives_its_connection_harmlessly() {
    let handle = Connection::open_in_memory().unwrap().interrupt_handle();
    handle.interrupt();
    thread::spawn(move || handle.interrupt()).join().unwrap();
}
