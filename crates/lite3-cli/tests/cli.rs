//! The `lite3` subcommands run as a process on real files, bad input included.

mod common;

use common::{Scratch, fails, lite3, ok};
use std::path::Path;
use std::process::Command;

#[test]
fn csv_import_infers_types_and_keeps_identifiers_as_text() {
    let s = Scratch::new("csv");
    let csv = s.file(
        "people.csv",
        "id,name,score,code\n1,ada,1.5,007\n2,\"grace, h\",2,010\n3,,3.25,\n",
    );
    let db = s.path("t.db");
    ok(&["import", &db, "people", &csv]);
    let types = ok(&[
        "query",
        &db,
        "SELECT typeof(id), typeof(name), typeof(score), typeof(code) FROM people WHERE id = 1",
        "-f",
        "csv",
    ]);
    assert_eq!(
        types,
        "typeof(id),typeof(name),typeof(score),typeof(code)\ninteger,text,real,text\n"
    );
    let decl = ok(&[
        "query",
        &db,
        "SELECT group_concat(type, ' ') FROM pragma_table_info('people')",
        "-f",
        "csv",
    ]);
    assert!(decl.ends_with("INTEGER TEXT REAL TEXT\n"), "{decl}");
    let rows = ok(&[
        "query",
        &db,
        "SELECT name, code FROM people ORDER BY id",
        "-f",
        "csv",
    ]);
    assert_eq!(rows, "name,code\nada,007\n\"grace, h\",010\n,\n");
}

#[test]
fn import_is_all_or_nothing_and_names_the_bad_line() {
    let s = Scratch::new("bad");
    let db = s.path("t.db");
    let good = s.file("good.csv", "id,name\n1,a\n2,b\n");
    ok(&["import", &db, "t", &good]);
    let bad = s.file("bad.csv", "id,name\n3,c\n4,d,extra\n5,e\n");
    let err = fails(&["import", &db, "t", &bad]);
    assert_eq!(
        err,
        format!("lite3: {bad}:3: 3 field(s), the header has 2; nothing was imported\n")
    );
    assert_eq!(
        ok(&["query", &db, "SELECT count(*) FROM t", "-f", "csv"]),
        "count(*)\n2\n",
        "committed rows survive, no half import"
    );
    let bad_json = s.file("bad.ndjson", "{\"id\": 9}\n{\"id\": \n");
    let err = fails(&["import", &db, "t", &bad_json]);
    assert!(
        err.starts_with(&format!("lite3: {bad_json}:2: invalid JSON")),
        "{err}"
    );
    let not_object = s.file("arr.ndjson", "{\"id\": 9}\n[1, 2]\n");
    assert!(fails(&["import", &db, "t", &not_object]).contains(":2: not a JSON object"));
    let unknown = s.file("x.txt", "id\n1\n");
    assert!(fails(&["import", &db, "t", &unknown]).contains("cannot tell the format"));
    let missing_column = s.file("m.csv", "id,nope\n1,2\n");
    assert!(
        fails(&["import", &db, "t", &missing_column])
            .contains("t has no column \"nope\" (--alter adds")
    );
    assert_eq!(
        ok(&["query", &db, "SELECT count(*) FROM t", "-f", "csv"]),
        "count(*)\n2\n"
    );
}

#[test]
fn ndjson_import_and_type_overrides() {
    let s = Scratch::new("ndjson");
    let db = s.path("t.db");
    let input = s.file("e.ndjson", "{\"id\": 1, \"tags\": [\"a\"], \"ok\": true}\n\n{\"id\": 2, \"tags\": null, \"ok\": false, \"x\": 2.5}\n");
    ok(&[
        "import",
        &db,
        "events",
        &input,
        "--type",
        "id=INTEGER PRIMARY KEY",
    ]);
    let rows = ok(&[
        "query",
        &db,
        "SELECT id, tags, ok, x FROM events ORDER BY id",
        "-f",
        "ndjson",
    ]);
    assert_eq!(
        rows,
        "{\"id\":1,\"tags\":\"[\\\"a\\\"]\",\"ok\":1,\"x\":null}\n{\"id\":2,\"tags\":null,\"ok\":0,\"x\":2.5}\n"
    );
    assert!(
        fails(&[
            "import",
            &db,
            "e2",
            &input,
            "--type",
            "id=INT); DROP TABLE events; --"
        ])
        .contains("is not a column type")
    );
    let late = s.file("late.ndjson", "{\"a\": 1}\n{\"a\": 2, \"b\": 3}\n");
    assert!(
        fails(&["import", &db, "late", &late, "--sample", "1"])
            .contains(":2: field \"b\" did not appear in the sampled lines")
    );
}

#[test]
fn query_formats_and_bound_parameters() {
    let s = Scratch::new("query");
    let db = s.path("q.db");
    ok(&["query", &db, "CREATE TABLE t(name TEXT, data BLOB, n REAL)"]);
    let hostile = "x'); DROP TABLE t; --";
    assert_eq!(
        ok(&[
            "query",
            &db,
            "INSERT INTO t VALUES (?1, x'00ff10', 0.5)",
            "--param",
            hostile
        ]),
        "1 row(s) changed\n"
    );
    assert_eq!(
        ok(&["query", &db, "SELECT name, data FROM t"]),
        format!(
            "name                  | data\n----------------------+-------\n{hostile} | 00ff10\n"
        )
    );
    assert_eq!(
        ok(&[
            "query",
            &db,
            "SELECT data FROM t",
            "-f",
            "csv",
            "--blobs",
            "base64"
        ]),
        "data\nAP8Q\n"
    );
    assert_eq!(
        ok(&["query", &db, "SELECT n, NULL AS z FROM t", "-f", "json"]),
        "[\n  {\"n\":0.5,\"z\":null}\n]\n"
    );
    assert_eq!(
        ok(&["query", &db, "SELECT 1 WHERE 0", "-f", "json"]),
        "[]\n"
    );
    let err = fails(&["query", &db, "SELEC 1"]);
    assert_eq!(
        err,
        "lite3: near \"SELEC\": syntax error (at byte 0 of the SQL)\n"
    );
    assert!(
        fails(&["query", &db, "SELECT ?1, ?2", "--param", "one"])
            .contains("2 parameter(s) but 1 were given")
    );
    assert!(fails(&["query", &db, "DROP TABLE t; SELECT 1"]).contains("more than one statement"));
    assert_eq!(
        ok(&["query", &db, "SELECT count(*) FROM t", "-f", "csv"]),
        "count(*)\n1\n"
    );
}

#[test]
fn export_tables_and_queries_to_stdout_or_a_file() {
    let s = Scratch::new("export");
    let db = s.path("x.db");
    ok(&["query", &db, "CREATE TABLE \"odd \"\"name\"(a, b)"]);
    ok(&[
        "query",
        &db,
        "INSERT INTO \"odd \"\"name\" VALUES (1, 'one'), (2, x'0a')",
    ]);
    assert_eq!(ok(&["export", &db, "odd \"name"]), "a,b\n1,one\n2,0a\n");
    assert_eq!(
        ok(&[
            "export",
            &db,
            "--sql",
            "SELECT a FROM \"odd \"\"name\" WHERE a > 1",
            "-f",
            "ndjson"
        ]),
        "{\"a\":2}\n"
    );
    let out = s.path("out.json");
    ok(&["export", &db, "odd \"name", "-f", "json", "-o", &out]);
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "[\n  {\"a\":1,\"b\":\"one\"},\n  {\"a\":2,\"b\":{\"$hex\":\"0a\"}}\n]\n"
    );
    assert!(fails(&["export", &db, "missing"]).contains("no such table: missing"));
    // Export reads only: a mistyped path is an error, not a new empty database.
    assert!(fails(&["export", &s.path("nope.db"), "t"]).contains("nope.db: no such database file"));
    assert!(!Path::new(&s.path("nope.db")).exists());
}

#[test]
fn bench_prints_the_standard_lines_with_checksums() {
    let s = Scratch::new("bench");
    let out = ok(&["bench", "--rows", "2000", "--db", &s.path("b.db")]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("# sqlite 3."), "{out}");
    let fields: Vec<Vec<&str>> = lines[1..5].iter().map(|l| l.split(' ').collect()).collect();
    assert_eq!(
        fields.iter().map(|f| f[1]).collect::<Vec<_>>(),
        ["insert", "point_select", "scan", "tiny_query"]
    );
    assert_eq!(fields[0][3], "2000");
    assert_eq!(fields[3][3], (2000u64 * 2001 / 2).to_string());
    // W3: sum(id) + sum(len(name)) + sum(floor(i/2)) + sum((i) mod 256).
    let w3: u64 = (1..=2000u64).map(|i| i + 13 + i / 2 + i % 256).sum();
    assert_eq!(fields[2][3], w3.to_string());
    assert!(out.contains("# W1 insert: ") && out.contains("# C memory high-water: "));
}

#[test]
fn a_failed_export_leaves_the_old_output_file_as_it_was() {
    let s = Scratch::new("export-keeps");
    let db = s.path("x.db");
    ok(&["query", &db, "CREATE TABLE t(x)"]);
    ok(&["query", &db, "INSERT INTO t VALUES (1), (2), (3)"]);
    let out = s.file("report.csv", "last week's report\n");
    // Fails at the second row, after the header and a row were written: abs() overflows.
    let err = fails(&[
        "export",
        &db,
        "--sql",
        "SELECT CASE WHEN x > 1 THEN abs(-9223372036854775807 - 1) ELSE x END AS v FROM t",
        "-o",
        &out,
    ]);
    assert!(err.contains("integer overflow"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "last week's report\n"
    );
    let leftovers: Vec<_> = std::fs::read_dir(Path::new(&out).parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("lite3-export"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    // A successful export replaces it.
    ok(&["export", &db, "t", "-o", &out]);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "x\n1\n2\n3\n");
}

#[test]
fn commands_wait_for_another_writer_and_name_the_database_when_they_give_up() {
    let s = Scratch::new("busy");
    let db = s.path("busy.db");
    ok(&["query", &db, "CREATE TABLE t(x)"]);
    let csv = s.file("rows.csv", "x\n1\n2\n");
    // Another process's connection holds the write lock for a while.
    let holder = lite3::Connection::open(&db).unwrap();
    holder
        .execute_batch("BEGIN IMMEDIATE; INSERT INTO t VALUES (0)")
        .unwrap();
    let err = fails(&["import", &db, "t", &csv, "--timeout", "0.2"]);
    assert!(
        err.contains("busy.db") && err.contains("database is locked"),
        "{err}"
    );
    assert!(!err.contains("batch"), "{err}");
    let release = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(300));
        holder.execute_batch("COMMIT").unwrap();
    });
    // The default timeout (5 s) outlasts the lock: the import waits, then succeeds.
    ok(&["import", &db, "t", &csv]);
    release.join().unwrap();
    assert_eq!(
        ok(&["query", &db, "SELECT count(*) FROM t", "-f", "csv"]),
        "count(*)\n3\n"
    );
    let bad = lite3(&["query", &db, "SELECT 1", "--timeout=-1"]);
    assert_eq!(bad.status.code(), Some(2), "a usage error");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a duration"));
}

#[test]
fn import_finds_an_existing_table_whatever_the_case_of_its_name() {
    let s = Scratch::new("import-case");
    let db = s.path("c.db");
    ok(&["query", &db, "CREATE TABLE people(name TEXT)"]);
    let csv = s.file("p.csv", "name\nAda\n");
    ok(&["import", &db, "PEOPLE", &csv]);
    assert_eq!(
        ok(&["query", &db, "SELECT name FROM people", "-f", "csv"]),
        "name\nAda\n"
    );
}

#[test]
fn stats_on_a_file_that_is_not_a_database_fails_before_printing() {
    let s = Scratch::new("stats-notdb");
    let notes = s.file(
        "notes.txt",
        "not a database, just text that is long enough to be read\n",
    );
    let out = lite3(&["stats", &notes]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("notes.txt") && err.contains("not a database"),
        "{err}"
    );
}

#[test]
fn a_column_declared_text_keeps_the_exact_text_and_non_numbers_stay_text() {
    let s = Scratch::new("import-text");
    let db = s.path("t.db");
    let csv = s.file("codes.csv", "code,amount\n1.10,NaN\n1e5,inf\n007,2\n");
    ok(&[
        "import",
        &db,
        "codes",
        &csv,
        "--type",
        "code=TEXT",
        "--type",
        "amount=REAL",
    ]);
    let rows = ok(&[
        "query",
        &db,
        "SELECT code, typeof(code), CAST(amount AS TEXT) AS amount, typeof(amount) FROM codes ORDER BY rowid",
        "-f",
        "csv",
    ]);
    // Before the fix: 1.1 / 100000.0 / 7, NaN stored as NULL and inf as Infinity.
    assert_eq!(
        rows,
        "code,typeof(code),amount,typeof(amount)\n1.10,text,NaN,text\n1e5,text,inf,text\n007,text,2.0,real\n"
    );
}

#[test]
fn a_bad_line_is_named_by_its_line_number_in_crlf_files_with_blank_lines() {
    let s = Scratch::new("import-crlf");
    let db = s.path("c.db");
    for (name, text) in [
        ("crlf.csv", "a,b\r\n1,2\r\n\r\n3,4\r\n5\r\n"),
        ("lf.csv", "a,b\n1,2\n\n3,4\n5\n"),
    ] {
        let csv = s.file(name, text);
        let err = fails(&["import", &db, "t", &csv]);
        // Before the fix the CRLF file's error said line 4.
        assert!(err.contains(&format!("{name}:5: 1 field(s)")), "{err}");
    }
}

#[test]
fn bench_never_deletes_a_database_it_did_not_make() {
    let s = Scratch::new("bench-refuses");
    let db = s.path("precious.db");
    ok(&["query", &db, "CREATE TABLE customers(name TEXT)"]);
    ok(&["query", &db, "INSERT INTO customers VALUES ('Ada')"]);
    let err = fails(&["bench", "--rows", "10", "--db", &db]);
    assert!(
        err.contains("precious.db") && err.contains("--overwrite"),
        "{err}"
    );
    assert_eq!(
        ok(&[
            "query",
            &db,
            "SELECT name FROM customers",
            "--format",
            "csv"
        ]),
        "name\nAda\n"
    );
    // Not a database at all: refused too, and left as it was.
    let notes = s.file("notes.txt", "my notes\n");
    fails(&["bench", "--rows", "10", "--db", &notes]);
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "my notes\n");
    // A benchmark database left by an interrupted run is replaced; --overwrite replaces anything.
    let leftover = s.path("leftover.db");
    ok(&[
        "query",
        &leftover,
        "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL NOT NULL, data BLOB NOT NULL)",
    ]);
    ok(&["bench", "--rows", "10", "--db", &leftover]);
    ok(&["bench", "--rows", "10", "--db", &db, "--overwrite"]);
    assert!(
        !Path::new(&db).exists(),
        "the benchmark removes its database afterwards"
    );
}

#[test]
fn stats_describe_the_database() {
    let s = Scratch::new("stats");
    let db = s.path("s.db");
    ok(&["query", &db, "CREATE TABLE t(x)"]);
    let out = ok(&["stats", &db]);
    for field in [
        "sqlite version",
        "compile options",
        "page size",
        "page count",
        "journal mode",
        "tables             1",
        "connection",
        "C memory",
    ] {
        assert!(out.contains(field), "missing {field:?} in\n{out}");
    }
}

/// `lite3 export ... | head -1`: a reader that goes away ends the output quietly, never with a
/// panic or an error message, in every format.
#[test]
fn a_closed_pipe_ends_output_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let s = Scratch::new("pipe");
    let db = s.path("big.db");
    ok(&[
        "query",
        &db,
        "CREATE TABLE t AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c \
         WHERE x < 200000) SELECT x, 'row ' || x AS label FROM c",
    ]);
    let runs: [&[&str]; 4] = [
        &["export", &db, "t", "--format", "csv"],
        &["export", &db, "t", "--format", "ndjson"],
        &["query", &db, "SELECT * FROM t", "-f", "table"],
        &["bench", "--rows", "2000", "--db", &s.path("bench.db")],
    ];
    for args in runs {
        let mut child = Command::new(env!("CARGO_BIN_EXE_lite3"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(!first.is_empty(), "{args:?} printed nothing");
        // The reader is dropped here, closing the pipe while lite3 is still writing.
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {:?} {stderr}", out.status);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}
