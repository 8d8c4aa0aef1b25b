//! A row's cells are read two ways: with the vendored SQLite, directly from the statement's
//! current row when the value is there as it is to be returned, else (and with a system
//! SQLite, always) through SQLite's public value API. A function's arguments are always read
//! through the public API. These tests read every kind of value both ways and compare them
//! with each other and with the value expected.

mod common;

use lite3::types::Value;
use lite3::{Connection, FunctionFlags};
use std::sync::{Arc, Mutex};

/// A connection with a function `seen(x)` that records its argument as the public value API
/// reads it, and returns it.
fn recording(conn: &Connection) -> Arc<Mutex<Vec<Value>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    conn.create_scalar_function("seen", 1, FunctionFlags::empty(), move |ctx| {
        let value = ctx.get_ref(0)?.to_owned();
        sink.lock().unwrap().push(value.clone());
        Ok(value)
    })
    .unwrap();
    seen
}

/// Runs `sql` (one column, any number of rows) and returns each row's value as the row read
/// it, checking it against what `seen` recorded for the same row.
fn read_both_ways(conn: &Connection, seen: &Mutex<Vec<Value>>, sql: &str) -> Vec<Value> {
    seen.lock().unwrap().clear();
    let mut stmt = conn.prepare(sql).unwrap();
    let from_rows: Vec<Value> = stmt
        .query_map((), |row| Ok(row.get_ref(0)?.to_owned()))
        .unwrap()
        .collect::<lite3::Result<_>>()
        .unwrap();
    // Runs the same rows through the function, whose result is also a row cell.
    let wrapped = format!("WITH q(v) AS ({sql}) SELECT seen(v) FROM q");
    let mut stmt = conn.prepare(&wrapped).unwrap();
    let through_function: Vec<Value> = stmt
        .query_map((), |row| Ok(row.get_ref(0)?.to_owned()))
        .unwrap()
        .collect::<lite3::Result<_>>()
        .unwrap();
    let recorded = seen.lock().unwrap().clone();
    assert_eq!(from_rows, recorded, "{sql}: row read vs public API");
    assert_eq!(through_function, recorded, "{sql}: function result");
    from_rows
}

fn same(values: &[Value], expected: &[Value]) {
    assert_eq!(values.len(), expected.len());
    for (value, expected) in values.iter().zip(expected) {
        match (value, expected) {
            // -0.0 == 0.0; the sign must survive too.
            (Value::Real(a), Value::Real(b)) => assert_eq!(a.to_bits(), b.to_bits()),
            _ => assert_eq!(value, expected),
        }
    }
}

#[test]
fn numbers_and_null_read_the_same_both_ways() {
    let _turn = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    let seen = recording(&conn);
    conn.execute_batch(
        "CREATE TABLE n(v);
         INSERT INTO n VALUES (0), (-1), (-9223372036854775808), (9223372036854775807),
                              (1.5), (-0.0), (1e308), (NULL);",
    )
    .unwrap();
    let values = read_both_ways(&conn, &seen, "SELECT v FROM n ORDER BY rowid");
    same(
        &values,
        &[
            Value::Integer(0),
            Value::Integer(-1),
            Value::Integer(i64::MIN),
            Value::Integer(i64::MAX),
            Value::Real(1.5),
            Value::Real(-0.0),
            Value::Real(1e308),
            Value::Null,
        ],
    );
}

/// (An integer that SQLite flags as real, which no SQL here leaves in a result row, is tested
/// against the C reader itself in lite3-sys's tests.)
#[test]
fn an_integer_valued_real_reads_as_a_real_both_ways() {
    let _turn = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    let seen = recording(&conn);
    // A REAL column stores 3.0 as the integer 3 and gives it back as a real; through a
    // sorter and a materialised subquery SQLite carries it as an integer flagged as real.
    conn.execute_batch("CREATE TABLE r(v REAL); INSERT INTO r VALUES (3.0), (2), (-4.0);")
        .unwrap();
    let expected = [Value::Real(-4.0), Value::Real(2.0), Value::Real(3.0)];
    for sql in [
        "SELECT v FROM r ORDER BY v",
        "SELECT v FROM (SELECT v FROM r ORDER BY v LIMIT 10) ORDER BY v",
        "SELECT DISTINCT v FROM r ORDER BY v",
        "SELECT max(v) FROM r GROUP BY v ORDER BY v",
    ] {
        same(&read_both_ways(&conn, &seen, sql), &expected);
    }
}

#[test]
fn text_reads_the_same_both_ways_terminated_or_not_utf8_or_not() {
    let _turn = common::sqlite_turn();
    let long = "é".repeat(20_000);
    let expected = [
        Value::Text(String::new()),
        Value::Text("hello".into()),
        Value::Text(long.clone()),
    ];
    for encoding in ["UTF-8", "UTF-16le", "UTF-16be"] {
        let conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "encoding", encoding).unwrap();
        let seen = recording(&conn);
        conn.execute_batch("CREATE TABLE t(v TEXT)").unwrap();
        for text in ["", "hello", long.as_str()] {
            conn.execute("INSERT INTO t VALUES (?1)", (text,)).unwrap();
        }
        let values = read_both_ways(&conn, &seen, "SELECT v FROM t ORDER BY rowid");
        same(&values, &expected);
        // Text from an expression, and a number read back as text.
        let values = read_both_ways(&conn, &seen, "SELECT upper(v) || 42 FROM t ORDER BY rowid");
        assert_eq!(values[1], Value::Text("HELLO42".into()), "{encoding}");
    }

    // A bound string is not NUL-terminated in SQLite's copy of it; read back unchanged.
    let conn = Connection::open_in_memory().unwrap();
    let row: String = conn
        .query_row("SELECT ?1", ("abc\u{0}def",), |r| r.get(0))
        .unwrap();
    assert_eq!(row, "abc\u{0}def");
    let cut: String = conn
        .query_row("SELECT ?1", (&"terminated? no"[..10],), |r| r.get(0))
        .unwrap();
    assert_eq!(cut, "terminated");
}

#[test]
fn blobs_and_zeroblobs_read_the_same_both_ways() {
    let _turn = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    let seen = recording(&conn);
    let big: Vec<u8> = (0..50_000u32).map(|i| i as u8).collect();
    conn.execute_batch("CREATE TABLE b(v BLOB)").unwrap();
    conn.execute("INSERT INTO b VALUES (x'00ff')", ()).unwrap();
    conn.execute("INSERT INTO b VALUES (x'')", ()).unwrap();
    conn.execute("INSERT INTO b VALUES (?1)", (&big,)).unwrap();
    conn.execute("INSERT INTO b VALUES (zeroblob(5))", ())
        .unwrap();
    let expected = [
        Value::Blob(vec![0, 0xff]),
        Value::Blob(Vec::new()),
        Value::Blob(big.clone()),
        Value::Blob(vec![0; 5]),
    ];
    same(
        &read_both_ways(&conn, &seen, "SELECT v FROM b ORDER BY rowid"),
        &expected,
    );
    // A zeroblob computed per row reaches the row unexpanded (SQLite expands it when read).
    same(
        &read_both_ways(
            &conn,
            &seen,
            "SELECT zeroblob(length(v)) FROM b ORDER BY rowid",
        ),
        &[
            Value::Blob(vec![0; 2]),
            Value::Blob(Vec::new()),
            Value::Blob(vec![0; 50_000]),
            Value::Blob(vec![0; 5]),
        ],
    );
    same(
        &read_both_ways(&conn, &seen, "SELECT zeroblob(3)"),
        &[Value::Blob(vec![0; 3])],
    );
    same(
        &read_both_ways(&conn, &seen, "SELECT zeroblob(0)"),
        &[Value::Blob(Vec::new())],
    );
}

#[test]
fn a_column_out_of_range_is_an_error_not_a_read() {
    let _turn = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    conn.query_row("SELECT 1, 2", (), |row| {
        assert_eq!(row.get::<_, i64>(1).unwrap(), 2);
        assert!(matches!(
            row.get_ref(2),
            Err(lite3::Error::InvalidColumn(_))
        ));
        Ok(())
    })
    .unwrap();
}
