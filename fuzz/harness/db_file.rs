//! Fuzz harness `db_file`: arbitrary bytes as a database file. lite3 opens them (as a
//! deserialized in-memory database, so no file is written), reads the schema, checks integrity,
//! reads every table and writes to it. Shared by the fuzz target and the regression test
//! (`crates/lite3/tests/fuzz_regressions.rs`). Nothing may panic, hang or crash.

use lite3::serialize::OwnedData;
use lite3::{Connection, Limit, Value};

pub fn run(data: &[u8]) {
    let Ok(mut conn) = Connection::open_in_memory() else {
        return;
    };
    let _ = conn.set_limit(Limit::Attached, 0);
    let mut ticks = 0u32;
    conn.progress_handler(
        1000,
        Some(move || {
            ticks += 1;
            ticks > 500
        }),
    )
    .expect("progress handler");
    let Ok(owned) = OwnedData::from_bytes(data) else {
        return;
    };
    if conn.deserialize("main", owned, false).is_err() {
        return;
    }
    let _ = conn.query_row("PRAGMA integrity_check(20)", (), |r| r.get::<_, String>(0));
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' LIMIT 20")
        .and_then(|mut stmt| stmt.query_map((), |r| r.get(0))?.collect())
        .unwrap_or_default();
    for table in &tables {
        let quoted = table.replace('"', "\"\"");
        if let Ok(mut stmt) = conn.prepare(&format!("SELECT * FROM \"{quoted}\" LIMIT 100")) {
            let columns = stmt.column_count();
            if let Ok(mut rows) = stmt.query(()) {
                while let Ok(Some(row)) = rows.next() {
                    for i in 0..columns {
                        let _ = row.get::<_, Value>(i);
                    }
                }
            }
        }
        let _ = conn.execute(&format!("DELETE FROM \"{quoted}\" WHERE rowid % 2 = 0"), ());
        let _ = conn.execute(&format!("INSERT INTO \"{quoted}\" DEFAULT VALUES"), ());
    }
    let _ = conn.execute_batch("VACUUM");
    let _ = conn.close();
}
