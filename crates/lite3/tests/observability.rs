//! Status counters, statement profiling and the `tracing` integration.

mod common;

use lite3::Connection;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[test]
fn connection_status_reports_cache_activity() {
    let _sqlite = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE t(x); WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 5000) INSERT INTO t SELECT randomblob(100) FROM c;").unwrap();
    let before = conn.status();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM t", (), |r| r.get(0))
        .unwrap();
    assert_eq!(n, 5000);
    let after = conn.status();
    assert!(after.cache_hit > before.cache_hit);
    assert!(after.cache_used > 0 && after.schema_used > 0);
}

#[test]
fn statement_counters_show_scans_and_sorts() {
    let _sqlite = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3), (4);")
        .unwrap();
    let mut stmt = conn
        .prepare("SELECT x FROM t WHERE x > 1 ORDER BY x DESC")
        .unwrap();
    let n = stmt.query_map((), |r| r.get::<_, i64>(0)).unwrap().count();
    assert_eq!(n, 3);
    let c = stmt.counters();
    assert_eq!((c.sorts, c.fullscan_steps, c.runs), (1, 3, 1));
    stmt.reset_counters();
    assert_eq!(stmt.counters(), lite3::StatementCounters::default());
}

#[test]
fn profiler_sees_every_finished_statement_and_can_be_removed() {
    let _sqlite = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    conn.profile(Some(move |sql: &str, took: Duration| {
        log.lock().unwrap().push((sql.to_owned(), took))
    }))
    .unwrap();
    conn.execute("CREATE TABLE t(x)", ()).unwrap();
    conn.execute("INSERT INTO t VALUES (?1)", (1,)).unwrap();
    let mut stmt = conn.prepare("SELECT x FROM t UNION ALL SELECT 2").unwrap();
    let mut rows = stmt.query(()).unwrap();
    rows.next().unwrap();
    drop(rows); // finished early: reported at reset
    drop(stmt);
    conn.profile(None::<fn(&str, Duration)>).unwrap();
    conn.execute("INSERT INTO t VALUES (3)", ()).unwrap();
    let seen = seen.lock().unwrap();
    let sqls: Vec<&str> = seen.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(
        sqls,
        [
            "CREATE TABLE t(x)",
            "INSERT INTO t VALUES (?1)",
            "SELECT x FROM t UNION ALL SELECT 2"
        ]
    );
}

#[test]
fn a_panicking_profiler_resumes_in_the_caller() {
    let _sqlite = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    conn.profile(Some(|_: &str, _: Duration| panic!("profiler broke")))
        .unwrap();
    let payload =
        catch_unwind(AssertUnwindSafe(|| conn.execute("CREATE TABLE t(x)", ()))).unwrap_err();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"profiler broke"));
    conn.profile(None::<fn(&str, Duration)>).unwrap();
    conn.execute("INSERT INTO t VALUES (1)", ()).unwrap();
}

#[test]
fn memory_figures_move_with_sqlite_allocations() {
    let _sqlite = common::sqlite_turn();
    let before = lite3::memory().unwrap();
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (zeroblob(200000));")
        .unwrap();
    let during = lite3::memory().unwrap();
    assert!(during.allocations > before.allocations);
    assert!(during.high_water >= during.bytes_in_use);
    drop(conn);
    let after = lite3::memory().unwrap();
    assert!(after.frees > during.frees);
}

#[cfg(feature = "tracing")]
mod tracing_events {
    use super::*;
    use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Level, Metadata, Subscriber};

    /// Counts lite3's events by level.
    #[derive(Default)]
    struct Counter {
        debug: AtomicUsize,
        warn: AtomicUsize,
        next_id: AtomicU64,
    }

    impl Subscriber for &'static Counter {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, _: &Attributes<'_>) -> Id {
            Id::from_u64(self.next_id.fetch_add(1, Ordering::Relaxed) + 1)
        }
        fn record(&self, _: &Id, _: &Record<'_>) {}
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            if event.metadata().target() == "lite3" {
                match *event.metadata().level() {
                    Level::WARN => self.warn.fetch_add(1, Ordering::Relaxed),
                    _ => self.debug.fetch_add(1, Ordering::Relaxed),
                };
            }
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }

    #[test]
    fn statements_become_events_and_slow_ones_warnings() {
        let _sqlite = super::common::sqlite_turn();
        let counter: &'static Counter = Box::leak(Box::default());
        tracing::subscriber::with_default(counter, || {
            let conn = Connection::open_in_memory().unwrap();
            conn.trace_statements(Duration::from_secs(3600)).unwrap();
            conn.execute("CREATE TABLE t(x)", ()).unwrap();
            conn.execute("INSERT INTO t VALUES (1)", ()).unwrap();
            conn.trace_statements(Duration::ZERO).unwrap(); // everything counts as slow now
            conn.execute("INSERT INTO t VALUES (2)", ()).unwrap();
        });
        assert_eq!(counter.debug.load(Ordering::Relaxed), 2);
        assert_eq!(counter.warn.load(Ordering::Relaxed), 1);
    }
}
