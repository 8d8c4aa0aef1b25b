//! Worker: many callers, panics, backpressure, shutdown with calls queued, async calls.
//! Runs in every build, including `single-thread`, where all Workers share one SQLite thread.

mod common;

use lite3::{Error, Worker};
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;
use std::time::Duration;

/// A waker that counts its wake-ups, for polling futures by hand.
#[derive(Default)]
struct CountingWaker(Mutex<u32>);

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        *self.0.lock().unwrap() += 1;
    }
}

fn poll<F: Future + Unpin>(future: &mut F, waker: &Waker) -> Poll<F::Output> {
    Pin::new(future).poll(&mut Context::from_waker(waker))
}

fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut future = std::pin::pin!(future);
    loop {
        if let Poll::Ready(value) = future.as_mut().poll(&mut Context::from_waker(&waker)) {
            return value;
        }
        thread::park_timeout(Duration::from_millis(10));
    }
}

#[test]
fn eight_threads_times_ten_thousand_calls() {
    let worker = Worker::builder(":memory:").capacity(16).build().unwrap();
    worker
        .call(|conn| conn.execute_batch("CREATE TABLE t(thread INTEGER, i INTEGER)"))
        .unwrap();
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let worker = worker.clone();
            thread::spawn(move || {
                let mut sum = 0;
                for i in 0..10_000_i64 {
                    sum += worker
                        .call(move |conn| {
                            conn.execute("INSERT INTO t VALUES (?1, ?2)", (t, i))?;
                            Ok(i)
                        })
                        .unwrap();
                }
                sum
            })
        })
        .collect();
    let expected: i64 = (0..10_000).sum();
    for t in threads {
        assert_eq!(t.join().unwrap(), expected);
    }
    let (rows, threads): (i64, i64) = worker
        .call(|conn| {
            conn.query_row("SELECT count(*), count(DISTINCT thread) FROM t", (), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
        })
        .unwrap();
    assert_eq!((rows, threads), (80_000, 8));
}

#[test]
fn a_panicking_call_rolls_back_re_raises_and_the_worker_keeps_serving() {
    let worker = Worker::open_in_memory().unwrap();
    worker
        .call(|conn| conn.execute_batch("CREATE TABLE t(x)"))
        .unwrap();
    let payload = catch_unwind(AssertUnwindSafe(|| {
        worker.call(|conn| -> lite3::Result<()> {
            conn.execute_batch("BEGIN; INSERT INTO t VALUES (1);")?;
            panic!("mid-transaction");
        })
    }))
    .unwrap_err();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"mid-transaction"));
    let (n, autocommit) = worker
        .call(|conn| {
            Ok((
                conn.query_row("SELECT count(*) FROM t", (), |r| r.get::<_, i64>(0))?,
                conn.is_autocommit(),
            ))
        })
        .unwrap();
    assert_eq!((n, autocommit), (0, true));
}

#[test]
fn dropping_the_last_handle_fails_queued_calls_with_closed() {
    let worker = Worker::builder(":memory:").capacity(8).build().unwrap();
    let waker = Waker::from(Arc::new(CountingWaker::default()));
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let (started_tx, started_rx) = mpsc::channel::<()>();
    let mut blocker = worker.call_async(move |_| {
        started_tx.send(()).unwrap();
        release_rx.recv().unwrap();
        Ok("ran")
    });
    assert!(poll(&mut blocker, &waker).is_pending());
    started_rx.recv().unwrap();
    let mut queued: Vec<_> = (0..5).map(|i| worker.call_async(move |_| Ok(i))).collect();
    for future in &mut queued {
        assert!(poll(future, &waker).is_pending());
    }
    let releaser = thread::spawn(move || {
        thread::sleep(Duration::from_millis(50));
        release_tx.send(()).unwrap();
    });
    drop(worker); // closes the queue, fails the 5 queued calls, waits for the running one
    releaser.join().unwrap();
    assert_eq!(block_on(blocker).unwrap(), "ran");
    for future in &mut queued {
        assert!(matches!(
            poll(future, &waker),
            Poll::Ready(Err(Error::WorkerClosed))
        ));
    }
}

#[test]
fn a_full_queue_blocks_call_and_fails_try_call() {
    let worker = Worker::builder(":memory:").capacity(1).build().unwrap();
    let waker = Waker::from(Arc::new(CountingWaker::default()));
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let (started_tx, started_rx) = mpsc::channel::<()>();
    let mut running = worker.call_async(move |_| {
        started_tx.send(()).unwrap();
        release_rx.recv().unwrap();
        Ok(())
    });
    assert!(poll(&mut running, &waker).is_pending());
    started_rx.recv().unwrap();
    let mut waiting = worker.call_async(|_| Ok(1));
    assert!(poll(&mut waiting, &waker).is_pending()); // takes the one place in the queue
    assert!(matches!(
        worker.try_call(|_| Ok(2)),
        Err(Error::WorkerQueueFull { capacity: 1 })
    ));
    let mut parked = worker.call_async(|_| Ok(3));
    assert!(poll(&mut parked, &waker).is_pending()); // queue full: waits for room, not queued
    let blocked = {
        let worker = worker.clone();
        thread::spawn(move || worker.call(|_| Ok(4)))
    };
    thread::sleep(Duration::from_millis(20));
    assert!(!blocked.is_finished(), "call waits while the queue is full");
    release_tx.send(()).unwrap();
    assert_eq!(blocked.join().unwrap().unwrap(), 4);
    assert!(block_on(running).is_ok());
    assert_eq!(block_on(waiting).unwrap(), 1);
    assert_eq!(block_on(parked).unwrap(), 3);
}

#[test]
fn many_async_calls_resolve_in_order() {
    let worker = Worker::builder(":memory:").capacity(4).build().unwrap();
    worker
        .call(|conn| conn.execute_batch("CREATE TABLE log(i INTEGER)"))
        .unwrap();
    let futures: Vec<_> = (0..200)
        .map(|i| {
            worker.call_async(move |conn| {
                conn.execute("INSERT INTO log VALUES (?1)", (i,)).map(|_| i)
            })
        })
        .collect();
    for (i, future) in futures.into_iter().enumerate() {
        assert_eq!(block_on(future).unwrap(), i as i32);
    }
    let ordered: bool = worker
        .call(|conn| conn.query_row("SELECT group_concat(i) = (SELECT group_concat(i) FROM (SELECT i FROM log ORDER BY i)) FROM log", (), |r| r.get(0)))
        .unwrap();
    assert!(ordered);
}

#[test]
fn open_errors_are_returned_by_open() {
    let dir = std::env::temp_dir().join(format!("lite3-worker-missing-{}", std::process::id()));
    let err = Worker::open(dir.join("no/such/dir/x.db")).unwrap_err();
    assert_eq!(err.sqlite_code(), Some(lite3::ErrorCode::CantOpen));
    let err = Worker::builder(":memory:")
        .on_open(|conn| conn.execute_batch("NOT SQL"))
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Batch { .. }));
}

#[test]
fn a_worker_dropped_inside_its_own_call_does_not_deadlock() {
    let worker = Worker::open_in_memory().unwrap();
    let inner = worker.clone();
    let (tx, rx) = mpsc::channel();
    let waker = Waker::from(Arc::new(CountingWaker::default()));
    let mut future = worker.call_async(move |_| {
        let _ = rx.recv_timeout(Duration::from_secs(5));
        drop(inner);
        Ok(())
    });
    assert!(poll(&mut future, &waker).is_pending());
    drop(worker);
    tx.send(()).unwrap();
    assert!(block_on(future).is_ok());
}

#[test]
fn worker_is_send_sync_and_clone() {
    fn check<T: Send + Sync + Clone + 'static>() {}
    check::<Worker>();
}

fn count_and_autocommit(worker: &Worker) -> (i64, bool) {
    worker
        .call(|conn| {
            Ok((
                conn.query_row("SELECT count(*) FROM t", (), |r| r.get::<_, i64>(0))?,
                conn.is_autocommit(),
            ))
        })
        .unwrap()
}

fn worker_with_table() -> Worker {
    let worker = Worker::open_in_memory().unwrap();
    worker
        .call(|conn| conn.execute_batch("CREATE TABLE t(x)"))
        .unwrap();
    worker
}

#[test]
fn a_failed_batch_that_left_a_transaction_open_is_rolled_back_and_reported() {
    let worker = worker_with_table();
    let err = worker
        .call(|conn| {
            conn.execute_batch(
                "BEGIN; INSERT INTO t VALUES (1); INSERT INTO nope VALUES (2); COMMIT",
            )
        })
        .unwrap_err();
    let Error::TransactionLeftOpen { cause: Some(cause) } = &err else {
        panic!("expected TransactionLeftOpen with the batch error, got {err:?}");
    };
    assert!(
        matches!(**cause, Error::Batch { index: 3, .. }),
        "{cause:?}"
    );
    assert!(err.to_string().contains("no such table: nope"), "{err}");
    // Before the fix the next call ran inside that transaction: acknowledged, then lost.
    worker
        .call(|conn| conn.execute("INSERT INTO t VALUES (3)", ()))
        .unwrap();
    assert_eq!(count_and_autocommit(&worker), (1, true));
}

#[test]
fn a_call_that_returns_ok_with_a_transaction_open_gets_an_error_and_a_rollback() {
    let worker = worker_with_table();
    let err = worker
        .call(|conn| conn.execute_batch("BEGIN; INSERT INTO t VALUES (1);"))
        .unwrap_err();
    assert!(
        matches!(err, Error::TransactionLeftOpen { cause: None }),
        "{err:?}"
    );
    assert_eq!(count_and_autocommit(&worker), (0, true));
    // A leaked guard does not bind the next call either.
    let err = worker
        .call(|conn| {
            std::mem::forget(conn.transaction()?);
            Ok(())
        })
        .unwrap_err();
    assert!(
        matches!(err, Error::TransactionLeftOpen { cause: None }),
        "{err:?}"
    );
    assert_eq!(count_and_autocommit(&worker), (0, true));
}

#[test]
fn a_call_from_inside_a_call_is_an_error_not_a_deadlock() {
    let worker = worker_with_table();
    let inner = worker.clone();
    let errors = worker
        .call(move |_| {
            let call = inner.call(|_| Ok(1)).unwrap_err();
            let try_call = inner.try_call(|_| Ok(2)).unwrap_err();
            let call_async = block_on(inner.call_async(|_| Ok(3))).unwrap_err();
            Ok([call, try_call, call_async].map(|e| matches!(e, Error::WorkerReentry)))
        })
        .unwrap();
    assert_eq!(errors, [true; 3]);
    // The worker was not wedged.
    assert_eq!(worker.call(|_| Ok(4)).unwrap(), 4);
}

#[test]
fn a_call_to_another_worker_from_inside_a_call_works_unless_sqlite_is_single_threaded() {
    let a = Worker::open_in_memory().unwrap();
    let b = Worker::open_in_memory().unwrap();
    let result = a.call(move |_| Ok(b.call(|_| Ok(7)))).unwrap();
    if cfg!(feature = "single-thread") {
        // Both run on the one SQLite thread: b's call could only run after this one.
        assert!(matches!(result, Err(Error::WorkerReentry)));
    } else {
        assert_eq!(result.unwrap(), 7);
    }
}

#[test]
fn a_panicking_on_open_resumes_in_build() {
    let payload = catch_unwind(|| {
        Worker::builder(":memory:")
            .on_open(|_| panic!("on_open panicked"))
            .build()
    })
    .unwrap_err();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"on_open panicked"));
    // With a single-threaded SQLite the shared SQLite thread survived it.
    let worker = Worker::open_in_memory().unwrap();
    assert_eq!(worker.call(|_| Ok(1)).unwrap(), 1);
}

#[test]
fn a_profiler_panicking_during_the_workers_rollback_does_not_end_the_worker() {
    let worker = worker_with_table();
    let payload = catch_unwind(AssertUnwindSafe(|| {
        worker.call(|conn| {
            conn.profile(Some(common::profiler_panicking_on_rollback()))?;
            conn.execute_batch("BEGIN; INSERT INTO t VALUES (1);")
        })
    }))
    .unwrap_err();
    assert_eq!(
        payload.downcast_ref::<&str>(),
        Some(&"profiler panics on ROLLBACK")
    );
    worker
        .call(|conn| conn.profile(None::<fn(&str, Duration)>))
        .unwrap();
    assert_eq!(count_and_autocommit(&worker), (0, true));
}

#[test]
fn a_dropped_future_runs_its_call_once_polled_and_never_before() {
    let worker = worker_with_table();
    let waker = Waker::from(Arc::new(CountingWaker::default()));
    let never_polled = worker.call_async(|conn| conn.execute("INSERT INTO t VALUES (1)", ()));
    drop(never_polled);
    let mut polled = worker.call_async(|conn| conn.execute("INSERT INTO t VALUES (2)", ()));
    let _ = poll(&mut polled, &waker);
    drop(polled);
    // Calls run in order, so this one sees whatever ran before it.
    let rows: Vec<i64> = worker
        .call(|conn| {
            let mut stmt = conn.prepare("SELECT x FROM t")?;
            stmt.query_map((), |r| r.get(0))?.collect()
        })
        .unwrap();
    assert_eq!(rows, [2]);
}

#[test]
fn extreme_builder_values_do_not_panic() {
    let worker = Worker::builder(":memory:")
        .capacity(usize::MAX)
        .build()
        .unwrap();
    assert_eq!(worker.call(|_| Ok(1)).unwrap(), 1);
    let worker = Worker::builder(":memory:").capacity(0).build().unwrap();
    assert_eq!(worker.try_call(|_| Ok(2)).unwrap(), 2);
}

#[test]
fn a_transaction_behavior_set_in_one_call_is_gone_in_the_next() {
    use lite3::{TransactionBehavior, TransactionState};
    let worker = Worker::open_in_memory().unwrap();
    worker
        .call(|conn| {
            conn.set_transaction_behavior(TransactionBehavior::Immediate);
            Ok(())
        })
        .unwrap();
    let state = worker
        .call(|conn| {
            let tx = conn.transaction()?;
            tx.transaction_state(None::<&str>)
        })
        .unwrap();
    assert_eq!(state, TransactionState::None, "DEFERRED again");
}
