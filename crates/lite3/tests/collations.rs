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
