//! Aggregate and window functions under the callback rules: typed errors and panics reach the
//! caller, every accumulator and every registered implementation is freed exactly once (also
//! when a statement stops part-way), and one in use cannot be replaced.

mod common;

use common::sqlite_turn;
use lite3::functions::{Aggregate, WindowAggregate};
use lite3::{Connection, Context, Error, ErrorCode, FunctionFlags, Result};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts live accumulators: +1 when made, -1 when dropped.
struct Acc {
    sum: i64,
    live: Arc<AtomicUsize>,
}

impl Drop for Acc {
    fn drop(&mut self) {
        self.live.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A sum that panics on the value 13 and fails on the value 7 (step), or on a total of 100
/// (finalize); dropping it counts in `dropped`.
struct Picky {
    live: Arc<AtomicUsize>,
    dropped: Arc<AtomicUsize>,
}

impl Drop for Picky {
    fn drop(&mut self) {
        self.dropped.fetch_add(1, Ordering::Relaxed);
    }
}

impl Aggregate<Acc, Option<i64>> for Picky {
    fn init(&self, _: &mut Context<'_>) -> Result<Acc> {
        self.live.fetch_add(1, Ordering::Relaxed);
        Ok(Acc {
            sum: 0,
            live: Arc::clone(&self.live),
        })
    }

    fn step(&self, ctx: &mut Context<'_>, acc: &mut Acc) -> Result<()> {
        match ctx.get::<i64>(0)? {
            13 => panic!("unlucky"),
            7 => Err(Error::UserFunction("seven is refused".into())),
            n => {
                acc.sum += n;
                Ok(())
            }
        }
    }

    fn finalize(&self, _: &mut Context<'_>, acc: Option<Acc>) -> Result<Option<i64>> {
        match acc.map(|a| a.sum) {
            Some(100) => Err(Error::UserFunction("a hundred is refused".into())),
            sum => Ok(sum),
        }
    }
}

impl WindowAggregate<Acc, Option<i64>> for Picky {
    fn value(&self, acc: Option<&mut Acc>) -> Result<Option<i64>> {
        Ok(acc.map(|a| a.sum))
    }

    fn inverse(&self, ctx: &mut Context<'_>, acc: &mut Acc) -> Result<()> {
        acc.sum -= ctx.get::<i64>(0)?;
        Ok(())
    }
}

fn setup() -> (Connection, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let conn = Connection::open_in_memory().unwrap();
    let live = Arc::new(AtomicUsize::new(0));
    let dropped = Arc::new(AtomicUsize::new(0));
    conn.create_window_function(
        "picky",
        1,
        FunctionFlags::DETERMINISTIC,
        Picky {
            live: Arc::clone(&live),
            dropped: Arc::clone(&dropped),
        },
    )
    .unwrap();
    conn.execute_batch(
        "CREATE TABLE v(g, x); INSERT INTO v VALUES (1, 1), (1, 2), (2, 3), (2, 4), (3, 5);",
    )
    .unwrap();
    (conn, live, dropped)
}

#[test]
fn results_groups_empty_groups_and_windows() {
    let _turn = sqlite_turn();
    let (conn, live, _) = setup();
    let sums: Vec<(i64, i64)> = conn
        .prepare("SELECT g, picky(x) FROM v GROUP BY g ORDER BY g")
        .unwrap()
        .query_map((), |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_>>()
        .unwrap();
    assert_eq!(sums, [(1, 3), (2, 7), (3, 5)]);
    let empty: Option<i64> = conn
        .query_row("SELECT picky(x) FROM v WHERE 0", (), |r| r.get(0))
        .unwrap();
    assert_eq!(empty, None, "finalize saw no accumulator");
    let running: Vec<i64> = conn
        .prepare("SELECT picky(x) OVER (ORDER BY x ROWS 1 PRECEDING) FROM v")
        .unwrap()
        .query_map((), |r| r.get(0))
        .unwrap()
        .collect::<Result<_>>()
        .unwrap();
    assert_eq!(running, [1, 3, 5, 7, 9]);
    assert_eq!(live.load(Ordering::Relaxed), 0, "every accumulator freed");
}

#[test]
fn errors_are_the_callers_own_and_panics_resume() {
    let _turn = sqlite_turn();
    let (conn, live, _) = setup();
    let err = conn
        .query_row("SELECT picky(x) FROM (SELECT 7 AS x)", (), |r| {
            r.get::<_, i64>(0)
        })
        .unwrap_err();
    assert_eq!(err.to_string(), "user function failed: seven is refused");
    let err = conn
        .query_row("SELECT picky(x) FROM (SELECT 100 AS x)", (), |r| {
            r.get::<_, i64>(0)
        })
        .unwrap_err();
    assert!(matches!(err, Error::UserFunction(_)), "{err:?}");
    let payload = catch_unwind(AssertUnwindSafe(|| {
        conn.query_row(
            "SELECT picky(x) FROM (SELECT 1 AS x UNION ALL SELECT 13)",
            (),
            |r| r.get::<_, i64>(0),
        )
    }))
    .unwrap_err();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"unlucky"));
    assert_eq!(
        live.load(Ordering::Relaxed),
        0,
        "freed on every failure path"
    );
    let fine: i64 = conn
        .query_row("SELECT picky(x) FROM v", (), |r| r.get(0))
        .unwrap();
    assert_eq!(fine, 15, "the connection is fine afterwards");
}

#[test]
fn a_statement_stopped_part_way_frees_its_accumulators() {
    let _turn = sqlite_turn();
    let (conn, live, _) = setup();
    let mut stmt = conn
        .prepare("SELECT g, picky(x) FROM v GROUP BY g ORDER BY g")
        .unwrap();
    let mut rows = stmt.query(()).unwrap();
    rows.next().unwrap();
    drop(rows); // two groups never reached their final row
    drop(stmt);
    assert_eq!(live.load(Ordering::Relaxed), 0);
}

#[test]
fn one_in_use_cannot_be_replaced_and_implementations_are_freed_once() {
    let _turn = sqlite_turn();
    let (conn, _, dropped) = setup();
    {
        let mut stmt = conn.prepare("SELECT picky(x) OVER () FROM v").unwrap();
        let mut rows = stmt.query(()).unwrap();
        rows.next().unwrap();
        let busy = conn
            .create_scalar_function("picky", 1, FunctionFlags::empty(), |_| Ok(0))
            .unwrap_err();
        assert_eq!(busy.sqlite_code(), Some(ErrorCode::Busy), "{busy}");
    }
    assert_eq!(dropped.load(Ordering::Relaxed), 0);
    conn.remove_function("picky", 1).unwrap();
    assert_eq!(dropped.load(Ordering::Relaxed), 1, "freed when removed");
    let live = Arc::new(AtomicUsize::new(0));
    conn.create_aggregate_function(
        "picky",
        1,
        FunctionFlags::empty(),
        Picky {
            live,
            dropped: Arc::clone(&dropped),
        },
    )
    .unwrap();
    drop(conn);
    assert_eq!(
        dropped.load(Ordering::Relaxed),
        2,
        "and when the connection closes"
    );
}

#[test]
fn an_error_from_a_final_run_by_a_reset_is_not_blamed_on_a_later_failure() {
    let _turn = sqlite_turn();
    let (conn, live, _) = setup();
    // The window holds every row, summing to 100: its final (run when the statement is reset
    // part-way) fails, and SQLite discards that. The next failure must be its own.
    conn.execute_batch("DELETE FROM v; INSERT INTO v VALUES (1, 60), (1, 40);")
        .unwrap();
    {
        let mut stmt = conn
            .prepare(
                "SELECT picky(x) OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) \
                 FROM v",
            )
            .unwrap();
        let mut rows = stmt.query(()).unwrap();
        rows.next().unwrap();
    }
    let err = conn
        .execute("INSERT INTO nowhere VALUES (1)", ())
        .unwrap_err();
    assert_eq!(err.sqlite_code(), Some(ErrorCode::Error), "{err:?}");
    assert!(err.to_string().contains("no such table"), "{err}");
    assert_eq!(live.load(Ordering::Relaxed), 0);
}
