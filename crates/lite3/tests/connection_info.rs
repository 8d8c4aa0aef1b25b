//! What a connection says about itself: path, busy statements, tables and columns, and the
//! memory calls.

mod common;

use common::TempDir;
use lite3::{Connection, OpenFlags};

#[test]
fn path_names_the_main_database_file() {
    let _turn = common::sqlite_turn();
    let dir = TempDir::new("path");
    let file = dir.0.join("app.db");
    let conn = Connection::open(&file).unwrap();
    assert_eq!(
        conn.path().map(std::path::PathBuf::from),
        Some(file.clone())
    );
    conn.execute("ATTACH ':memory:' AS other", ()).unwrap();
    conn.execute("DETACH other", ()).unwrap();
    assert_eq!(conn.path().map(std::path::PathBuf::from), Some(file));
    let memory =
        Connection::open_in_memory_with_flags(OpenFlags::READ_WRITE | OpenFlags::CREATE).unwrap();
    assert_eq!(memory.path(), Some(""));
}

#[test]
fn tables_and_columns_are_found_in_any_or_one_attached_database() {
    let _turn = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE t(x); ATTACH ':memory:' AS aux; CREATE TABLE aux.u(y);")
        .unwrap();
    assert!(conn.table_exists(None, "t").unwrap());
    assert!(conn.table_exists(None, "u").unwrap());
    assert!(!conn.table_exists(Some("main"), "u").unwrap());
    assert!(conn.table_exists(Some("aux"), "u").unwrap());
    assert!(conn.column_exists(None, "t", "x").unwrap());
    assert!(!conn.column_exists(None, "t", "y").unwrap());
    assert!(!conn.table_exists(Some("nope"), "t").unwrap());
    assert!(matches!(
        conn.table_exists(None, "t\0"),
        Err(lite3::Error::Nul { .. })
    ));
    // The connection is left usable and its last error untouched by the "no" answers.
    conn.execute("INSERT INTO t VALUES (1)", ()).unwrap();
}

#[test]
fn busy_follows_unfinished_rows_and_memory_calls_succeed() {
    let _turn = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    assert!(!conn.is_busy());
    let mut stmt = conn.prepare("SELECT 1 UNION ALL SELECT 2").unwrap();
    let mut rows = stmt.query(()).unwrap();
    rows.next().unwrap();
    assert!(conn.is_busy());
    drop(rows);
    assert!(!conn.is_busy());
    conn.execute_batch("CREATE TABLE t(x); BEGIN; INSERT INTO t VALUES (1);")
        .unwrap();
    conn.cache_flush().unwrap();
    conn.execute_batch("COMMIT").unwrap();
    conn.release_memory().unwrap();
}
