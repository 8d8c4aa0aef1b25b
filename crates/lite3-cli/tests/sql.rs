//! `lite3 sql`: scripts from files and standard input, all-or-nothing with --atomic, and every
//! failure named by the script's line with nothing unexpected left changed.

mod common;

use common::{Scratch, fails, lite3, lite3_with_input, ok, read_only_database, rows};

#[test]
fn a_script_runs_in_order_and_prints_the_rows_of_its_queries() {
    let s = Scratch::new("sql-run");
    let db = s.path("t.db");
    let script = s.file(
        "setup.sql",
        "-- a comment\nCREATE TABLE t(x);\nINSERT INTO t VALUES (1), (2);\nSELECT sum(x) AS total FROM t;\n\
         CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO t VALUES (0) ; END;\nSELECT 'a;b' AS s;\n",
    );
    assert_eq!(
        ok(&["sql", &db, &script, "-f", "csv"]),
        "total\n3\ns\na;b\n"
    );
    // From standard input, `-` or no script at all.
    for args in [vec!["sql", &db, "-"], vec!["sql", &db]] {
        let out = lite3_with_input(&args, b"INSERT INTO t VALUES (5); SELECT count(*) FROM t;");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // Each INSERT of 5 fired the trigger once.
    assert_eq!(rows(&db, "SELECT count(*) FROM t"), "count(*)\n6\n");
}

#[test]
fn a_failure_names_the_line_and_keeps_the_statements_before_it() {
    let s = Scratch::new("sql-fail");
    let db = s.path("t.db");
    ok(&["query", &db, "CREATE TABLE t(x)"]);
    let script = s.file(
        "bad.sql",
        "INSERT INTO t VALUES (1);\n\nSELECT\n  nope\nFROM t;\nINSERT INTO t VALUES (2);\n",
    );
    let err = fails(&["sql", &db, &script]);
    assert_eq!(
        err,
        format!("lite3: {script}:4: no such column: nope; statements before it stay done\n")
    );
    assert_eq!(
        rows(&db, "SELECT x FROM t"),
        "x\n1\n",
        "the line after the failure did not run"
    );
    let syntax = s.file("syntax.sql", "INSERT INTO t VALUES (3);\nSELEC 1;\n");
    assert_eq!(
        fails(&["sql", &db, &syntax]),
        format!(
            "lite3: {syntax}:2: near \"SELEC\": syntax error; statements before it stay done\n"
        )
    );
    assert_eq!(rows(&db, "SELECT count(*) FROM t"), "count(*)\n2\n");
}

#[test]
fn a_transaction_the_script_leaves_open_is_rolled_back_and_said_so() {
    let s = Scratch::new("sql-open-tx");
    let db = s.path("t.db");
    ok(&["query", &db, "CREATE TABLE t(x)"]);
    let failing = s.file(
        "tx.sql",
        "BEGIN;\nINSERT INTO t VALUES (1);\nINSERT INTO nope VALUES (2);\nCOMMIT;\n",
    );
    let err = fails(&["sql", &db, &failing]);
    assert!(
        err.contains(":3: no such table: nope; the script's open transaction was rolled back"),
        "{err}"
    );
    let unfinished = lite3_with_input(&["sql", &db], b"BEGIN; INSERT INTO t VALUES (3);");
    assert_eq!(unfinished.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unfinished.stderr).contains("ended inside a transaction"));
    assert_eq!(rows(&db, "SELECT count(*) FROM t"), "count(*)\n0\n");
}

#[test]
fn atomic_scripts_change_nothing_unless_every_statement_succeeds() {
    let s = Scratch::new("sql-atomic");
    let db = s.path("t.db");
    ok(&["query", &db, "CREATE TABLE t(x UNIQUE)"]);
    let script = s.file(
        "a.sql",
        "INSERT INTO t VALUES (1);\nSAVEPOINT s; INSERT INTO t VALUES (2); ROLLBACK TO s; RELEASE s;\n\
         INSERT INTO t VALUES (1);\n",
    );
    let err = fails(&["sql", &db, &script, "--atomic"]);
    assert!(
        err.contains(":3: UNIQUE constraint failed: t.x; nothing was changed (--atomic)"),
        "{err}"
    );
    assert_eq!(rows(&db, "SELECT count(*) FROM t"), "count(*)\n0\n");
    // Its own transaction control is refused before anything runs.
    let own = s.file(
        "own.sql",
        "INSERT INTO t VALUES (7);\nCOMMIT;\nINSERT INTO t VALUES (8);\n",
    );
    let err = fails(&["sql", &db, &own, "--atomic"]);
    assert!(
        err.contains(":2: --atomic runs the whole script in one transaction"),
        "{err}"
    );
    assert_eq!(rows(&db, "SELECT count(*) FROM t"), "count(*)\n0\n");
    let good = s.file(
        "good.sql",
        "INSERT INTO t VALUES (1); INSERT INTO t VALUES (2);",
    );
    ok(&["sql", &db, &good, "--atomic"]);
    assert_eq!(rows(&db, "SELECT count(*) FROM t"), "count(*)\n2\n");
}

#[test]
fn bad_input_is_refused_with_the_file_named_and_nothing_changed() {
    let s = Scratch::new("sql-bad");
    let db = s.path("t.db");
    ok(&["query", &db, "CREATE TABLE t(x)"]);
    // A script that does not exist.
    let missing = s.path("missing.sql");
    assert!(fails(&["sql", &db, &missing]).starts_with(&format!("lite3: {missing}: No such file")));
    // Not a database.
    let script = s.file("one.sql", "INSERT INTO t VALUES (1);\n");
    common::refuses_a_non_database(&s, &["sql", "DB", &script]);
    // A database that cannot be written.
    let ro = read_only_database(&s, "CREATE TABLE t(x);");
    let err = fails(&["sql", &ro, &script]);
    assert!(
        err.contains("attempt to write a readonly database"),
        "{err}"
    );
    assert!(
        err.contains("ro.db"),
        "the message names the database: {err}"
    );
    assert_eq!(rows(&ro, "SELECT count(*) FROM t"), "count(*)\n0\n");
    // --read-only refuses writes.
    let err = fails(&["sql", &db, &script, "--read-only"]);
    assert!(
        err.contains("attempt to write a readonly database"),
        "{err}"
    );
    // A database another process is writing: waits --timeout, then names the file.
    let holder = lite3::Connection::open(&db).unwrap();
    holder
        .execute_batch("BEGIN IMMEDIATE; INSERT INTO t VALUES (0)")
        .unwrap();
    let err = fails(&["sql", &db, &script, "--timeout", "0.2"]);
    assert!(err.contains(&format!("{db}: database is locked")), "{err}");
    let err = fails(&["sql", &db, &script, "--atomic", "--timeout", "0.2"]);
    assert!(err.contains(&format!("{db}: database is locked")), "{err}");
    holder.execute_batch("ROLLBACK").unwrap();
    assert_eq!(rows(&db, "SELECT count(*) FROM t"), "count(*)\n0\n");
    // Usage errors exit 2.
    assert_eq!(lite3(&["sql"]).status.code(), Some(2));
}
