//! The commands that look at a database without changing it: `tables`, `schema`, `dump`
//! (and loading its output back) and `check`.

mod common;

use common::{Scratch, fails, lite3, lite3_with_input, ok, permissions_apply, rows};

/// A database with one of each kind of thing a dump must carry.
const EVERYTHING: &str = "
CREATE TABLE t(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, score REAL, data BLOB);
CREATE TABLE plain(a, b);
CREATE TABLE wr(k TEXT PRIMARY KEY, v) WITHOUT ROWID;
CREATE TABLE g(a INT, b INT GENERATED ALWAYS AS (a * 2) VIRTUAL);
CREATE TABLE parent(id INTEGER PRIMARY KEY);
CREATE TABLE child(p REFERENCES parent(id));
INSERT INTO t(name, score, data) VALUES ('it''s', 0.1, X'00ff'), (NULL, 1e300, NULL),
    (CAST(X'61006200' AS TEXT), 1.0, X''), (CAST(X'ff' AS TEXT), 1e999, NULL), ('x', -1e999, NULL);
INSERT INTO plain(rowid, a, b) VALUES (10, 1, 2), (20, 'three', 4.5);
INSERT INTO wr VALUES ('a', 1), ('b', 2);
INSERT INTO g(a) VALUES (3);
INSERT INTO parent VALUES (1);
INSERT INTO child VALUES (1);
CREATE INDEX t_name ON t(name);
CREATE VIEW v AS SELECT name FROM t;
CREATE TRIGGER tr AFTER INSERT ON plain BEGIN UPDATE plain SET b = b WHERE rowid = new.rowid; END;
CREATE VIRTUAL TABLE f USING fts5(body);
INSERT INTO f VALUES ('hello world'), ('lite3 dumps');
ANALYZE;
PRAGMA user_version = 7;
";

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
fn tables_and_schema_list_what_the_database_holds() {
    let s = Scratch::new("tables");
    let db = database(
        &s,
        "t.db",
        "CREATE TABLE b(x); CREATE TABLE a(y); INSERT INTO a VALUES (1), (2);
         CREATE INDEX a_y ON a(y); CREATE VIEW v AS SELECT 1; CREATE TABLE c(z);",
    );
    assert_eq!(ok(&["tables", &db, "-f", "csv"]), "name\na\nb\nc\n");
    assert_eq!(
        ok(&["tables", &db, "--counts", "--views", "-f", "csv"]),
        "name,type,rows\na,table,2\nb,table,0\nc,table,0\nv,view,1\n"
    );
    assert_eq!(
        ok(&["schema", &db, "A"]),
        "CREATE TABLE a(y);\nCREATE INDEX a_y ON a(y);\n",
        "one table, any case, with its index"
    );
    let all = ok(&["schema", &db]);
    assert!(
        all.starts_with("CREATE TABLE b(x);\nCREATE TABLE a(y);\nCREATE TABLE c(z);\n"),
        "{all}"
    );
    assert!(
        all.ends_with("CREATE INDEX a_y ON a(y);\nCREATE VIEW v AS SELECT 1;\n"),
        "{all}"
    );
    assert_eq!(
        fails(&["schema", &db, "nope"]),
        "lite3: no table or view named \"nope\"\n"
    );
}

#[test]
fn a_dump_loads_back_into_the_same_database() {
    let s = Scratch::new("dump");
    let db = database(&s, "a.db", EVERYTHING);
    let dump = ok(&["dump", &db]);
    assert!(
        dump.starts_with("PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n"),
        "{dump}"
    );
    assert!(
        dump.ends_with("PRAGMA user_version=7;\nCOMMIT;\n"),
        "{dump}"
    );
    let copy = database(&s, "b.db", &dump);
    assert_eq!(
        ok(&["dump", &copy]),
        dump,
        "dumping the copy gives the same text"
    );
    // Exact values: text bytes that are not UTF-8 or hold NUL, infinities, rowids, sequence.
    assert_eq!(
        rows(
            &copy,
            "SELECT id, hex(name), score, hex(data) FROM t ORDER BY id"
        ),
        "id,hex(name),score,hex(data)\n1,69742773,0.1,00FF\n2,,1e300,\n3,61006200,1.0,\n4,FF,Inf,\n5,78,-Inf,\n"
    );
    assert_eq!(
        rows(&copy, "SELECT rowid, a FROM plain"),
        "rowid,a\n10,1\n20,three\n"
    );
    assert_eq!(rows(&copy, "SELECT b FROM g"), "b\n6\n");
    assert_eq!(rows(&copy, "SELECT seq FROM sqlite_sequence"), "seq\n5\n");
    assert_eq!(
        rows(&copy, "SELECT rowid FROM f WHERE f MATCH 'hello'"),
        "rowid\n1\n"
    );
    assert_eq!(ok(&["check", &copy]), "integrity: ok\nforeign keys: ok\n");
    // The dump into a file replaces it only on success.
    let file = s.file("out.sql", "old\n");
    ok(&["dump", &db, "-o", &file]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), dump);
}

#[test]
fn reals_survive_a_dump_to_the_bit() {
    let s = Scratch::new("dump-reals");
    // Values across the whole range, from a fixed sequence (no clock, no seed from outside).
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut values = Vec::new();
    while values.len() < 2000 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let r = f64::from_bits(x);
        if r.is_finite() {
            values.push(r);
        }
    }
    values.extend([
        f64::MIN_POSITIVE,
        5e-324,
        f64::MAX,
        f64::MIN,
        0.1 + 0.2,
        1.0 / 3.0,
    ]);
    let inserts: String = values
        .iter()
        .map(|v| format!("INSERT INTO r VALUES ({:?}, X'{:016x}');\n", v, v.to_bits()))
        .collect();
    let db = database(
        &s,
        "r.db",
        &format!("CREATE TABLE r(v REAL, bits BLOB);\n{inserts}"),
    );
    let copy = database(&s, "copy.db", &ok(&["dump", &db]));
    // Each REAL of the copy is compared, by its bits, with the bits written beside it.
    let conn = lite3::Connection::open(&copy).unwrap();
    let mut stmt = conn.prepare("SELECT v, bits FROM r").unwrap();
    let mut read = stmt.query(()).unwrap();
    let mut checked = 0;
    while let Some(row) = read.next().unwrap() {
        let v: f64 = row.get(0).unwrap();
        let bits: [u8; 8] = row.get::<_, &[u8]>(1).unwrap().try_into().unwrap();
        assert_eq!(v.to_bits(), u64::from_be_bytes(bits), "{v:?}");
        checked += 1;
    }
    assert_eq!(checked, values.len());
    assert_eq!(ok(&["dump", &copy]), ok(&["dump", &db]));
}

#[test]
fn check_reports_problems_with_exit_status_2() {
    let s = Scratch::new("check");
    let db = database(
        &s,
        "fk.db",
        "PRAGMA foreign_keys = OFF; -- lite3 enforces them; this file breaks them on purpose
         CREATE TABLE parent(id INTEGER PRIMARY KEY);
         CREATE TABLE child(p REFERENCES parent(id)); INSERT INTO child VALUES (42);",
    );
    let out = lite3(&["check", &db]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "integrity: ok\nforeign keys: 1 problem(s)\n  child rowid 1: p refers to a missing row of parent\n"
    );
    // A damaged page: integrity problems, exit 2, whether SQLite lists them or stops on them.
    let big = database(
        &s,
        "big.db",
        "CREATE TABLE t(x TEXT); CREATE INDEX t_x ON t(x);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
         INSERT INTO t SELECT printf('row %d', i) FROM n;",
    );
    let mut bytes = std::fs::read(&big).unwrap();
    let page = 4096;
    let last = bytes.len() / page - 1;
    for b in &mut bytes[last * page + 100..last * page + 400] {
        *b = 0x5a;
    }
    std::fs::write(&big, &bytes).unwrap();
    for quick in [&[][..], &["--quick"][..]] {
        let mut args = vec!["check", big.as_str()];
        args.extend_from_slice(quick);
        let out = lite3(&args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report = String::from_utf8(out.stdout).unwrap();
        assert!(report.starts_with("integrity: "), "{report}");
        assert!(!report.starts_with("integrity: ok"), "{report}");
    }
    assert_eq!(
        std::fs::read(&big).unwrap(),
        bytes,
        "check changed the file"
    );
}

#[test]
fn check_meets_any_damage_with_a_verdict_never_a_crash() {
    // Truncations, page swaps and byte flips from fixed seeds: `lite3 check` answers 0 (the
    // damage was in unused space), 2 (problems found, listed) or 1 (cannot check, with the
    // file's path in the message); it never panics or dies of a signal.
    let s = Scratch::new("check-damage");
    let original = std::fs::read(database(
        &s,
        "original.db",
        "CREATE TABLE t(id INTEGER PRIMARY KEY, x TEXT, y BLOB); CREATE INDEX t_x ON t(x);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
         INSERT INTO t SELECT i, printf('row %d', i), printf('%050d', i * 2654435761) FROM n;",
    ))
    .unwrap();
    let page = 4096;
    let pages = original.len() / page;
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let mut next = |n: usize| {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((x >> 33) % n as u64) as usize
    };
    let mut verdicts = [0; 3];
    for case in 0..45 {
        let mut bytes = original.clone();
        match case % 3 {
            0 => bytes.truncate(next(bytes.len())),
            1 => {
                let (a, b) = (next(pages), next(pages));
                for i in 0..page {
                    bytes.swap(a * page + i, b * page + i);
                }
            }
            _ => {
                for _ in 0..8 {
                    let at = next(bytes.len());
                    bytes[at] ^= 0x5a;
                }
            }
        }
        let db = s.bytes(&format!("damaged-{case}.db"), &bytes);
        let out = lite3(&["check", &db]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        match out.status.code() {
            Some(0) => verdicts[0] += 1,
            Some(2) => {
                verdicts[1] += 1;
                let report = String::from_utf8_lossy(&out.stdout);
                assert!(report.contains("problem(s)"), "case {case}: {report}");
            }
            Some(1) => {
                verdicts[2] += 1;
                assert!(stderr.contains(&db), "case {case}: no path in {stderr:?}");
            }
            other => panic!("case {case}: exit {other:?}: {stderr}"),
        }
    }
    println!("check verdicts (ok, problems, cannot check): {verdicts:?}");
    assert!(
        verdicts[1] + verdicts[2] >= 15,
        "{verdicts:?}: the damage went unnoticed"
    );
}

#[test]
fn looking_commands_refuse_bad_databases_and_change_nothing() {
    let s = Scratch::new("inspect-bad");
    for args in [
        &["tables", "DB"][..],
        &["schema", "DB"],
        &["dump", "DB"],
        &["check", "DB"],
        &["stats", "DB"],
    ] {
        common::refuses_a_missing_database(&s, args);
        common::refuses_a_non_database(&s, args);
    }
    // A database in a read-only directory can still be looked at.
    let db = database(&s, "t.db", "CREATE TABLE t(x); INSERT INTO t VALUES (1);");
    let dump = ok(&["dump", &db]);
    let ro = common::read_only_database(&s, &dump);
    assert_eq!(ok(&["tables", &ro, "-f", "csv"]), "name\nt\n");
    assert_eq!(ok(&["dump", &ro]), dump);
    assert_eq!(ok(&["check", &ro]), "integrity: ok\nforeign keys: ok\n");
    if permissions_apply(&s) {
        // Writing the dump into a read-only directory fails and leaves nothing there.
        let target = s.path("ro/out.sql");
        assert!(fails(&["dump", &ro, "-o", &target]).contains("out.sql"));
        assert!(!std::path::Path::new(&target).exists());
    }
    // A database another process holds exclusively: wait --timeout, then name the file.
    let holder = lite3::Connection::open(&db).unwrap();
    holder
        .execute_batch("BEGIN EXCLUSIVE; INSERT INTO t VALUES (2)")
        .unwrap();
    for command in ["tables", "schema", "dump", "check"] {
        let err = fails(&[command, &db, "--timeout", "0.1"]);
        assert!(
            err.contains(&format!("{db}: database is locked")),
            "{command}: {err}"
        );
    }
    holder.execute_batch("ROLLBACK").unwrap();
    assert_eq!(ok(&["dump", &db]), dump);
}
