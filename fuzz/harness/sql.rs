//! Fuzz harness `sql`: SQL text and parameters through lite3's safe API, on a database with a
//! schema and a user function (`same(x)`). Shared by the fuzz target and the regression
//! test (`crates/lite3/tests/fuzz_regressions.rs`), so a crash found once is replayed by every
//! `cargo test`. Nothing may panic: every failure is an `Err`.

use lite3::functions::FunctionFlags;
use lite3::types::ValueRef;
use lite3::{Batch, Connection, Limit, Statement, Value};

/// Rows read per statement; the VM steps of all statements are capped too (see `run`).
const MAX_ROWS: usize = 200;

const SCHEMA: &str = "
    CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c BLOB, d REAL, e);
    CREATE INDEX t_b ON t(b);
    INSERT INTO t VALUES (1, 'one', x'01', 1.5, NULL), (2, 'two', x'0202', -2.0, 'x'),
                         (3, NULL, NULL, NULL, 3);
    CREATE VIEW v AS SELECT a, b FROM t WHERE a > 1;
";

/// Input: byte 0 is the number of parameters (mod 5); each parameter is a tag byte (mod 5:
/// null, integer, real, text, blob) and its bytes (8 for numbers; a length byte and that many
/// for text and blobs); the rest is the SQL, as lossy UTF-8.
pub fn run(data: &[u8]) {
    let (params, sql) = split(data);
    let Ok(mut conn) = Connection::open_in_memory() else {
        return;
    };
    // Nothing outside memory: no ATTACH or VACUUM INTO a file; bounded sizes and time.
    for (limit, value) in [
        (Limit::Attached, 0),
        (Limit::Length, 1 << 20),
        (Limit::SqlLength, 1 << 16),
        (Limit::ExprDepth, 100),
        (Limit::CompoundSelect, 50),
        (Limit::TriggerDepth, 10),
    ] {
        conn.set_limit(limit, value).expect("a limit");
    }
    let mut ticks = 0u32;
    conn.progress_handler(
        1000,
        Some(move || {
            ticks += 1;
            ticks > 500
        }),
    )
    .expect("progress handler");
    conn.execute_batch(SCHEMA).expect("the schema");
    conn.create_scalar_function("same", 1, FunctionFlags::DETERMINISTIC, |ctx| {
        ctx.get::<Value>(0)
    })
    .expect("a function");
    let mut batch = Batch::new(&conn, &sql);
    for _ in 0..20 {
        match batch.next() {
            Ok(Some(mut stmt)) => exercise(&mut stmt, &params),
            Ok(None) | Err(_) => break,
        }
    }
    let _ = conn.close();
}

fn exercise(stmt: &mut Statement<'_>, params: &[Value]) {
    for i in 0..stmt.column_count() {
        let _ = (stmt.column_name(i).map(str::len), stmt.column_decltype(i));
    }
    let _ = stmt.expanded_sql();
    if !params.is_empty() {
        for index in 1..=stmt.parameter_count() {
            let _ = stmt.raw_bind_parameter(index, &params[(index - 1) % params.len()]);
        }
    }
    let Ok(mut rows) = stmt.raw_query() else {
        return;
    };
    for _ in 0..MAX_ROWS {
        let row = match rows.next() {
            Ok(Some(row)) => row,
            Ok(None) | Err(_) => return,
        };
        for i in 0..row.column_count() {
            if let Ok(value) = row.get_ref(i) {
                let _ = match value {
                    ValueRef::Text(t) => t.len(),
                    ValueRef::Blob(b) => b.len(),
                    _ => 0,
                };
            }
            let _ = row.get::<_, Option<i64>>(i);
            let _ = row.get::<_, Option<f64>>(i);
            let _ = row.get::<_, Option<String>>(i);
            let _ = row.get::<_, Option<Vec<u8>>>(i);
            let _ = row.get::<_, Value>(i);
        }
    }
}

fn split(data: &[u8]) -> (Vec<Value>, String) {
    let mut rest = data;
    let mut take = |n: usize| -> Option<&[u8]> {
        let (head, tail) = (rest.get(..n)?, rest.get(n..)?);
        rest = tail;
        Some(head)
    };
    let mut params = Vec::new();
    let count = take(1).map_or(0, |b| b[0] % 5);
    for _ in 0..count {
        let Some(tag) = take(1) else { break };
        let value = match tag[0] % 5 {
            0 => Some(Value::Null),
            1 => take(8).map(|b| Value::Integer(i64::from_le_bytes(b.try_into().unwrap()))),
            2 => take(8).map(|b| Value::Real(f64::from_le_bytes(b.try_into().unwrap()))),
            kind => take(1).and_then(|n| take(usize::from(n[0]))).map(|b| {
                if kind == 3 {
                    Value::Text(String::from_utf8_lossy(b).into_owned())
                } else {
                    Value::Blob(b.to_vec())
                }
            }),
        };
        match value {
            Some(value) => params.push(value),
            None => break,
        }
    }
    (params, String::from_utf8_lossy(rest).into_owned())
}
