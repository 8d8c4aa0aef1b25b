//! Collations under the callback rules: a panic stops the statement and resumes in the caller,
//! one in use cannot be replaced, and every closure is freed exactly once (also when SQLite
//! refuses it).

mod common;

use common::sqlite_turn;
use lite3::{Connection, ErrorCode};
use std::cmp::Ordering as Order;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

struct DropCounter(Arc<AtomicUsize>);

impl Drop for DropCounter {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

fn words(conn: &Connection, sql: &str) -> lite3::Result<Vec<String>> {
    conn.prepare(sql)?.query_map((), |r| r.get(0))?.collect()
}

#[test]
fn ordering_panics_replacement_and_freeing() {
    let _turn = sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE w(x); INSERT INTO w VALUES ('b'), ('C'), ('a');")
        .unwrap();
    let drops = Arc::new(AtomicUsize::new(0));
    let guard = DropCounter(Arc::clone(&drops));
    conn.create_collation("nocase_rev", move |a: &str, b: &str| {
        let _ = &guard;
        b.to_lowercase().cmp(&a.to_lowercase())
    })
    .unwrap();
    assert_eq!(
        words(&conn, "SELECT x FROM w ORDER BY x COLLATE nocase_rev").unwrap(),
        ["C", "b", "a"]
    );

    // In use: replacing it is refused, and the refused closure is freed at once.
    {
        let mut stmt = conn
            .prepare("SELECT x FROM w ORDER BY x COLLATE nocase_rev")
            .unwrap();
        let mut rows = stmt.query(()).unwrap();
        rows.next().unwrap();
        let refused = DropCounter(Arc::clone(&drops));
        let busy = conn
            .create_collation("nocase_rev", move |a: &str, b: &str| {
                let _ = &refused;
                a.cmp(b)
            })
            .unwrap_err();
        assert_eq!(busy.sqlite_code(), Some(ErrorCode::Busy), "{busy}");
        assert_eq!(drops.load(Ordering::Relaxed), 1, "the refused one");
    }

    // A panicking comparison stops the statement; the panic resumes here.
    conn.create_collation("explodes", |_: &str, _: &str| -> Order {
        panic!("compare")
    })
    .unwrap();
    assert_eq!(
        drops.load(Ordering::Relaxed),
        1,
        "another name: nothing replaced"
    );
    let payload = catch_unwind(AssertUnwindSafe(|| {
        words(&conn, "SELECT x FROM w ORDER BY x COLLATE explodes")
    }))
    .unwrap_err();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"compare"));
    assert_eq!(
        words(&conn, "SELECT x FROM w ORDER BY x").unwrap(),
        ["C", "a", "b"],
        "the connection is fine, and no interrupt is left armed"
    );

    conn.remove_collation("nocase_rev").unwrap();
    assert_eq!(drops.load(Ordering::Relaxed), 2, "removed: freed");
    let last = DropCounter(Arc::clone(&drops));
    conn.create_collation("kept", move |a: &str, b: &str| {
        let _ = &last;
        a.cmp(b)
    })
    .unwrap();
    drop(conn);
    assert_eq!(drops.load(Ordering::Relaxed), 3, "closed: freed");
}

/// Creates `nocase_rev` on demand, counting the calls; anything else it leaves alone, and
/// `broken` fails.
fn make_collation(conn: &Connection, name: &str) -> lite3::Result<()> {
    NEEDED_CALLS.with(|calls| calls.set(calls.get() + 1));
    match name {
        "nocase_rev" => conn.create_collation(name, |a: &str, b: &str| {
            b.to_lowercase().cmp(&a.to_lowercase())
        }),
        // The connection is fully usable here: lite3 calls this after the prepare returned.
        "probe" => conn.execute_batch("CREATE TABLE IF NOT EXISTS probed(x)"),
        "broken" => Err(lite3::Error::UserFunction("no such collation here".into())),
        _ => Ok(()),
    }
}

thread_local! {
    static NEEDED_CALLS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

#[test]
fn collation_needed_creates_collations_on_demand_with_the_connection_usable() {
    let _turn = sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    conn.collation_needed(make_collation).unwrap();
    let sorted: Vec<String> = conn
        .prepare(
            "SELECT column1 FROM (VALUES ('a'), ('B'), ('c')) ORDER BY column1 COLLATE nocase_rev",
        )
        .unwrap()
        .query_map((), |r| r.get(0))
        .unwrap()
        .collect::<lite3::Result<_>>()
        .unwrap();
    assert_eq!(sorted, ["c", "B", "a"]);
    assert_eq!(NEEDED_CALLS.with(|c| c.get()), 1);
    // Created once: later statements find it.
    conn.execute_batch("CREATE TABLE t(x TEXT COLLATE nocase_rev); INSERT INTO t VALUES ('x')")
        .unwrap();
    assert_eq!(NEEDED_CALLS.with(|c| c.get()), 1);

    // Not created: SQLite's own error, after one call.
    let err = conn
        .prepare("SELECT 1 ORDER BY 1 COLLATE other")
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("no such collation sequence: other"),
        "{err}"
    );
    assert_eq!(NEEDED_CALLS.with(|c| c.get()), 2);
    // The function's own error is the prepare's.
    let err = conn
        .prepare("SELECT 1 ORDER BY 1 COLLATE broken")
        .unwrap_err();
    assert!(matches!(err, lite3::Error::UserFunction(_)), "{err:?}");
    // The function may run statements on the connection.
    assert!(conn.prepare("SELECT 1 ORDER BY 1 COLLATE probe").is_err());
    assert!(conn.table_exists(None, "probed").unwrap());
    // Batches go through the same path.
    conn.execute_batch("CREATE INDEX t_x ON t(x COLLATE nocase_rev); SELECT 1;")
        .unwrap();
}
