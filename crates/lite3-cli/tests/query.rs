//! `lite3 query` and `lite3 export`: typed parameters, and output that reads back as the same
//! values (REALs stay REALs, non-finite numbers and blobs unambiguous), streamed.

mod common;

use common::{Scratch, fails, lite3, lite3_with_input, ok, rows};

#[test]
fn parameters_are_typed_unless_given_as_text_and_keep_their_order() {
    let s = Scratch::new("query-params");
    let db = s.path("p.db");
    assert_eq!(
        ok(&[
            "query",
            &db,
            "SELECT typeof(?1), typeof(?2), typeof(?3), ?3, typeof(?4), ?4",
            "-p",
            "42",
            "-p",
            "1.5",
            "-t",
            "007",
            "-p",
            "007",
            "-f",
            "csv"
        ]),
        "typeof(?1),typeof(?2),typeof(?3),?3,typeof(?4),?4\ninteger,real,text,007,text,007\n"
    );
    assert_eq!(
        ok(&[
            "query",
            &db,
            "SELECT ?1 || '|' || ?2",
            "--text",
            "a",
            "--param",
            "b",
            "-f",
            "csv"
        ]),
        "?1 || '|' || ?2\na|b\n"
    );
    // The SQL itself can come from standard input.
    let out = lite3_with_input(
        &["query", &db, "-", "-p", "2", "-f", "csv"],
        b"SELECT ?1 * 21 AS n",
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "n\n42\n");
}

#[test]
fn reals_round_trip_through_export_and_import() {
    let s = Scratch::new("query-reals");
    let db = s.path("r.db");
    ok(&[
        "query",
        &db,
        "CREATE TABLE t AS SELECT 1.0 AS a, 0.1 + 0.2 AS b, 1e300 * 1e10 AS c, -1e300 * 1e10 AS d, 100.0 AS e",
    ]);
    assert_eq!(
        rows(&db, "SELECT * FROM t"),
        "a,b,c,d,e\n1.0,0.30000000000000004,Inf,-Inf,100.0\n"
    );
    assert_eq!(
        ok(&["query", &db, "SELECT * FROM t", "-f", "ndjson"]),
        "{\"a\":1.0,\"b\":0.30000000000000004,\"c\":1e999,\"d\":-1e999,\"e\":100.0}\n"
    );
    // Exported and imported again, the finite REALs are REALs with the same values.
    let csv = s.path("t.csv");
    ok(&["export", &db, "t", "-o", &csv]);
    let copy = s.path("copy.db");
    ok(&["import", &copy, "t", &csv]);
    assert_eq!(
        rows(
            &copy,
            "SELECT typeof(a), a, typeof(b), b = 0.1 + 0.2, typeof(e) FROM t"
        ),
        "typeof(a),a,typeof(b),b = 0.1 + 0.2,typeof(e)\nreal,1.0,real,1,real\n"
    );
    // `-o -` is standard output.
    assert_eq!(
        ok(&["export", &db, "--sql", "SELECT a FROM t", "-o", "-"]),
        "a\n1.0\n"
    );
}

#[test]
fn json_blobs_are_objects_not_strings() {
    let s = Scratch::new("query-blobs");
    let db = s.path("b.db");
    let out = ok(&[
        "query",
        &db,
        "SELECT x'00ff' AS b, '00ff' AS t",
        "-f",
        "json",
    ]);
    assert_eq!(out, "[\n  {\"b\":{\"$hex\":\"00ff\"},\"t\":\"00ff\"}\n]\n");
    let out = ok(&[
        "query",
        &db,
        "SELECT x'00ff' AS b",
        "-f",
        "ndjson",
        "--blobs",
        "base64",
    ]);
    assert_eq!(out, "{\"b\":{\"$base64\":\"AP8=\"}}\n");
}

#[test]
fn table_output_streams_in_bounded_memory() {
    let s = Scratch::new("query-stream");
    let db = s.path("s.db");
    // 1,000 rows size the columns; a later, wider cell widens only its own line.
    let out = ok(&[
        "query",
        &db,
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1002) \
         SELECT i, CASE WHEN i = 1002 THEN 'wide-cell' ELSE 'x' END AS v FROM n",
    ]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "i    | v");
    assert_eq!(lines[2], "1    | x");
    assert_eq!(lines[1003], "1002 | wide-cell");
    // A million rows print without the whole result held in memory.
    let big = lite3(&[
        "query",
        &db,
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000) \
         SELECT i, printf('%040d', i) AS pad FROM n",
    ]);
    assert!(big.status.success());
    assert_eq!(
        big.stdout.iter().filter(|&&b| b == b'\n').count(),
        1_000_002
    );
    let _ = fails(&["query", &db, "SELECT * FROM nope"]);
}
