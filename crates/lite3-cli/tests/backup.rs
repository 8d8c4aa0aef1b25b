//! `lite3 backup` and `lite3 restore`: complete copies, existing files replaced only when
//! asked, and every bad input (missing file, not a database, locked, existing destination)
//! refused with the file named and nothing changed.

mod common;

use common::{
    Scratch, fails, lite3_with_input, ok, refuses_a_missing_database, refuses_a_non_database, rows,
};

fn database(s: &Scratch, name: &str, sql: &str) -> String {
    let db = s.path(name);
    let out = lite3_with_input(&["sql", &db], sql.as_bytes());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    db
}

#[test]
fn backup_copies_and_refuses_to_replace_unless_asked() {
    let s = Scratch::new("cli-backup");
    let src = database(
        &s,
        "src.db",
        "CREATE TABLE t(x); INSERT INTO t VALUES (1), (2);",
    );
    let dest = s.path("copy.db");
    ok(&["backup", &src, &dest]);
    assert_eq!(rows(&dest, "SELECT count(*) FROM t"), "count(*)\n2\n");

    // An existing destination stays as it was.
    let before = std::fs::read(&dest).unwrap();
    let _ = lite3_with_input(&["sql", &src], b"INSERT INTO t VALUES (3);");
    let err = fails(&["backup", &src, &dest]);
    assert!(
        err.contains(&format!("{dest}: already exists; pass --overwrite")),
        "{err}"
    );
    assert_eq!(std::fs::read(&dest).unwrap(), before);
    ok(&["backup", &src, &dest, "--overwrite"]);
    assert_eq!(rows(&dest, "SELECT count(*) FROM t"), "count(*)\n3\n");
    // No partial files are left beside it.
    let leftovers: Vec<_> = std::fs::read_dir(std::path::Path::new(&dest).parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    refuses_a_missing_database(&s, &["backup", "DB", &s.path("never.db")]);
    refuses_a_non_database(&s, &["backup", "DB", &s.path("never.db")]);
    assert!(!std::path::Path::new(&s.path("never.db")).exists());
}

#[test]
fn restore_replaces_content_only_from_a_database_and_only_when_asked() {
    let s = Scratch::new("cli-restore");
    let backup = database(
        &s,
        "backup.db",
        "CREATE TABLE t(x); INSERT INTO t VALUES ('saved');",
    );
    let db = database(
        &s,
        "live.db",
        "CREATE TABLE t(x); INSERT INTO t VALUES ('live');",
    );

    let err = fails(&["restore", &backup, &db]);
    assert!(
        err.contains(&format!("{db}: already exists; pass --overwrite")),
        "{err}"
    );
    assert_eq!(rows(&db, "SELECT x FROM t"), "x\nlive\n");

    // A backup that is missing or not a database never touches DB.
    let junk = s.bytes("junk.db", &[b'j'; 4096]);
    let err = fails(&["restore", &junk, &db, "--overwrite"]);
    assert!(
        err.contains(&format!("{junk}: file is not a database")),
        "{err}"
    );
    let err = fails(&["restore", &s.path("missing.db"), &db, "--overwrite"]);
    assert!(err.contains("no such database file"), "{err}");
    assert_eq!(rows(&db, "SELECT x FROM t"), "x\nlive\n");

    ok(&["restore", &backup, &db, "--overwrite"]);
    assert_eq!(rows(&db, "SELECT x FROM t"), "x\nsaved\n");
    let fresh = s.path("fresh.db");
    ok(&["restore", &backup, &fresh]);
    assert_eq!(rows(&fresh, "SELECT x FROM t"), "x\nsaved\n");
}
