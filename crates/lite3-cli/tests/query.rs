//! `lite3 query` run as a process on real database files.

use std::process::{Command, Output};

fn lite3(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lite3"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn writes_and_reads_with_bound_parameters() {
    let dir = std::env::temp_dir().join(format!("lite3-cli-query-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("q.db");
    let db = db.to_str().unwrap();
    let _ = std::fs::remove_file(db);
    assert!(
        lite3(&["query", db, "CREATE TABLE t(name TEXT, data BLOB)"])
            .status
            .success()
    );
    let hostile = "x'); DROP TABLE t; --";
    let insert = lite3(&[
        "query",
        db,
        "INSERT INTO t VALUES (?1, x'00ff')",
        "--param",
        hostile,
    ]);
    assert!(insert.status.success(), "{insert:?}");
    assert_eq!(stdout(&insert), "1 row(s) changed\n");
    let select = lite3(&["query", db, "SELECT name, data FROM t"]);
    assert_eq!(
        stdout(&select),
        format!("name                  | data\n----------------------+-----\n{hostile} | 00ff\n")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn sqlite_errors_exit_non_zero_with_the_message_on_stderr() {
    let out = lite3(&["query", ":memory:", "SELEC 1"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "lite3: near \"SELEC\": syntax error (at byte 0 of the SQL)\n"
    );
    let out = lite3(&["query", ":memory:", "SELECT ?1, ?2", "--param", "only-one"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 parameter(s) but 1 were given"));
}

#[test]
fn version_is_printed() {
    let out = lite3(&["--version"]);
    assert_eq!(
        stdout(&out),
        format!("lite3 {}\n", env!("CARGO_PKG_VERSION"))
    );
}
