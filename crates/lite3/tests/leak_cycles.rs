//! Leak gate: 100,000 cycles of open → prepare → bind → step → finalise → close, with the
//! error paths (constraint failure, NUL in SQL, interrupted query), leave SQLite's heap exactly
//! where it started. Its own test binary: the C-memory figures are process-wide.

mod common;

use lite3::{Connection, Error, ErrorCode, FunctionFlags};

fn c_bytes() -> u64 {
    lite3::memory()
        .expect("lite3's counting hooks are installed")
        .bytes_in_use
}

fn cycle(i: u64) {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute(
        "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT UNIQUE)",
        (),
    )
    .unwrap();
    let mut insert = conn.prepare("INSERT INTO t(name) VALUES (?1)").unwrap();
    insert.execute((format!("name-{i}"),)).unwrap();
    // Constraint failure.
    let dup = insert.execute((format!("name-{i}"),)).unwrap_err();
    assert_eq!(dup.sqlite_code(), Some(ErrorCode::Constraint));
    drop(insert);
    // NUL in SQL.
    assert!(matches!(
        conn.execute("SELECT 1\0", ()),
        Err(Error::Nul { .. })
    ));
    // A query interrupted from inside (deterministic: the function fires the interrupt).
    let handle = conn.interrupt_handle();
    conn.create_scalar_function("stop", 1, FunctionFlags::empty(), move |ctx| {
        let x: i64 = ctx.get(0)?;
        if x == 50 {
            handle.interrupt();
        }
        Ok(x)
    })
    .unwrap();
    let stopped = conn
        .query_row("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000) SELECT sum(stop(x)) FROM c", (), |r| {
            r.get::<_, i64>(0)
        })
        .unwrap_err();
    assert_eq!(stopped.sqlite_code(), Some(ErrorCode::Interrupt));
    // The ordinary path: prepare, bind, step, read.
    let name: String = conn
        .query_row("SELECT name FROM t WHERE id = ?1", (1,), |r| r.get(0))
        .unwrap();
    assert_eq!(name, format!("name-{i}"));
    if i.is_multiple_of(2) {
        conn.close().map_err(|(_, e)| e).unwrap();
    }
}

#[test]
fn hundred_thousand_cycles_return_c_memory_to_baseline() {
    let _sqlite = common::sqlite_turn();
    cycle(0);
    let baseline = c_bytes();
    for i in 1..=100_000 {
        cycle(i);
        if i.is_multiple_of(25_000) {
            assert_eq!(
                c_bytes(),
                baseline,
                "C bytes in use drifted after {i} cycles"
            );
        }
    }
    let stats = lite3::memory().unwrap();
    assert_eq!(stats.bytes_in_use, baseline);
    eprintln!(
        "100,000 cycles: {} allocations, {} frees, baseline {} bytes",
        stats.allocations, stats.frees, baseline
    );
}
