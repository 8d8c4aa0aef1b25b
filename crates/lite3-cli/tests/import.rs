//! `lite3 import`: values are stored as written, bad input stops the import with FILE:LINE and
//! changes nothing, and the import's options (keys, upsert, --alter, encodings, gzip, stdin).

mod common;

use common::{Scratch, fails, lite3_with_input, ok, rows};

#[test]
fn numbers_are_converted_only_when_exact_and_reversible() {
    let s = Scratch::new("import-exact");
    let db = s.path("t.db");
    let csv = s.file(
        "n.csv",
        "big,real,word\n\
         12345678901234567890,0.30000000000000004,NaN\n\
         1,1.10,inf\n",
    );
    ok(&["import", &db, "t", &csv]);
    assert_eq!(
        rows(
            &db,
            "SELECT typeof(big), big, typeof(real), real, typeof(word), word FROM t"
        ),
        "typeof(big),big,typeof(real),real,typeof(word),word\n\
         text,12345678901234567890,real,0.30000000000000004,text,NaN\n\
         text,1,real,1.1,text,inf\n"
    );
    // The same in NDJSON, where a number keeps its text until it is known to be exact (as the
    // JSON parser spells it: `1e400` is `1e+400`).
    let json = s.file(
        "n.ndjson",
        "{\"big\": 12345678901234567890, \"real\": 0.30000000000000004, \"word\": 1e400}\n",
    );
    ok(&["import", &db, "j", &json]);
    assert_eq!(
        rows(
            &db,
            "SELECT typeof(big), big, typeof(real), real, word FROM j"
        ),
        "typeof(big),big,typeof(real),real,word\ntext,12345678901234567890,real,0.30000000000000004,1e+400\n"
    );
}

#[test]
fn a_number_sqlite_would_change_after_the_sample_stops_the_import_at_its_line() {
    let s = Scratch::new("import-late");
    let db = s.path("t.db");
    let csv = s.file("codes.csv", "code\n1\n2\n007\n");
    let err = fails(&["import", &db, "codes", &csv, "--sample", "2"]);
    assert!(
        err.starts_with(&format!(
            "lite3: {csv}:4: \"007\" in column \"code\" (INTEGER)"
        )),
        "{err}"
    );
    assert!(err.contains("--type code=TEXT"), "{err}");
    assert!(err.ends_with("nothing was imported\n"), "{err}");
    assert_eq!(
        rows(&db, "SELECT count(*) FROM sqlite_schema"),
        "count(*)\n0\n",
        "not even the table"
    );
    ok(&[
        "import",
        &db,
        "codes",
        &csv,
        "--sample",
        "2",
        "--type",
        "code=TEXT",
    ]);
    assert_eq!(rows(&db, "SELECT code FROM codes"), "code\n1\n2\n007\n");
}

#[test]
fn failures_far_past_the_sample_name_their_line_and_import_nothing() {
    // Past the sample, records are read and converted on one thread and inserted on another,
    // in batches of 1,024: a failure on either side, several batches in, ends the import.
    let s = Scratch::new("import-deep");
    let db = s.path("t.db");
    let mut text = String::from("id,code\n");
    for i in 1..=5000 {
        text.push_str(&format!("{i},{i}\n"));
    }
    let good = s.file("good.csv", &text);
    // The reading side: a value the INTEGER column would store as another number, at line 4002.
    let bad_value = s.file(
        "bad-value.csv",
        &text.replace("\n4001,4001\n", "\n4001,04001\n"),
    );
    let err = fails(&["import", &db, "t", &bad_value, "--sample", "10"]);
    assert!(
        err.starts_with(&format!(
            "lite3: {bad_value}:4002: \"04001\" in column \"code\""
        )),
        "{err}"
    );
    assert!(err.ends_with("nothing was imported\n"), "{err}");
    assert_eq!(
        rows(&db, "SELECT count(*) FROM sqlite_schema"),
        "count(*)\n0\n"
    );
    // The inserting side: a duplicate key at line 3003 of a table keyed on id.
    let duplicate = s.file(
        "duplicate.csv",
        &text.replace("\n3002,3002\n", "\n3001,3002\n"),
    );
    let err = fails(&[
        "import", &db, "t", &duplicate, "--pk", "id", "--sample", "10",
    ]);
    assert!(
        err.starts_with(&format!("lite3: {duplicate}:3003: ")),
        "{err}"
    );
    assert!(err.contains("UNIQUE constraint failed"), "{err}");
    assert_eq!(
        rows(&db, "SELECT count(*) FROM sqlite_schema"),
        "count(*)\n0\n"
    );
    // And all of it when nothing is wrong, in the file's order.
    ok(&["import", &db, "t", &good, "--sample", "10"]);
    assert_eq!(
        rows(
            &db,
            "SELECT count(*), sum(id = code), min(rowid), max(rowid) FROM t"
        ),
        "count(*),sum(id = code),min(rowid),max(rowid)\n5000,5000,1,5000\n"
    );
    assert_eq!(
        rows(&db, "SELECT id FROM t WHERE rowid = 4097"),
        "id\n4097\n"
    );
}

#[test]
fn an_existing_table_s_declared_types_decide() {
    let s = Scratch::new("import-declared");
    let db = s.path("t.db");
    ok(&[
        "query",
        &db,
        "CREATE TABLE t(code VARCHAR(8), n INTEGER, x REAL)",
    ]);
    let csv = s.file("t.csv", "code,n,x\n007,5,1\n1.10,abc,2.5\n1e5,6,3\n");
    ok(&["import", &db, "t", &csv]);
    assert_eq!(
        rows(
            &db,
            "SELECT typeof(code), code, typeof(n), n, typeof(x), x FROM t"
        ),
        "typeof(code),code,typeof(n),n,typeof(x),x\n\
         text,007,integer,5,real,1.0\n\
         text,1.10,text,abc,real,2.5\n\
         text,1e5,integer,6,real,3.0\n"
    );
    let typed = fails(&["import", &db, "t", &csv, "--type", "n=TEXT"]);
    assert!(
        typed.contains("t exists, and its declared types decide"),
        "{typed}"
    );
    let bad = s.file("bad.csv", "code,n,x\nA,1,1\nB,0042,1\n");
    let err = fails(&["import", &db, "T", &bad]);
    assert!(
        err.contains(&format!("{bad}:3: \"0042\" in column \"n\" (INTEGER)")),
        "{err}"
    );
    assert_eq!(rows(&db, "SELECT count(*) FROM t"), "count(*)\n3\n");
}

#[test]
fn an_unterminated_quote_is_an_error_at_the_line_where_it_opened() {
    let s = Scratch::new("import-quote");
    let db = s.path("t.db");
    let csv = s.file("q.csv", "id,name\n1,\"one\"\n2,\"two\n3,three\n4,four\n");
    let err = fails(&["import", &db, "t", &csv]);
    assert_eq!(
        err,
        format!(
            "lite3: {csv}:3: a quoted field opens here and is never closed (a missing '\"'?); nothing was imported\n"
        )
    );
    // Where the open quote leaves too few fields, the message is still about the quote.
    let three = s.file("q3.csv", "a,b,c\r\n1,2,3\r\n\r\n\"4,5,6\r\n7,8,9\r\n");
    let err = fails(&["import", &db, "t", &three]);
    assert!(
        err.contains(&format!("{three}:4: a quoted field opens here")),
        "{err}"
    );
    assert_eq!(
        rows(&db, "SELECT count(*) FROM sqlite_schema"),
        "count(*)\n0\n"
    );
    // Quotes closed properly, with "" inside, import as they should.
    let fine = s.file(
        "fine.csv",
        "id,name\n1,\"say \"\"hi\"\"\"\n2,\"multi\nline\"\n",
    );
    ok(&["import", &db, "t", &fine]);
    assert_eq!(
        rows(&db, "SELECT name FROM t ORDER BY id"),
        "name\n\"say \"\"hi\"\"\"\n\"multi\nline\"\n"
    );
}

#[test]
fn ndjson_columns_keep_the_order_of_the_file() {
    let s = Scratch::new("import-order");
    let db = s.path("t.db");
    let json = s.file(
        "o.ndjson",
        "{\"zeta\": 1, \"alpha\": 2}\n{\"mid\": 3, \"zeta\": 4}\n",
    );
    ok(&["import", &db, "t", &json]);
    assert_eq!(rows(&db, "SELECT * FROM t"), "zeta,alpha,mid\n1,2,\n4,,3\n");
}

#[test]
fn keys_replace_upsert_and_alter() {
    let s = Scratch::new("import-keys");
    let db = s.path("t.db");
    let first = s.file("a.csv", "id,name,score\n1,ann,10\n2,bob,20\n");
    ok(&["import", &db, "p", &first, "--pk", "id"]);
    let again = s.file("b.csv", "id,name\n2,BOB\n3,cy\n");
    let err = fails(&["import", &db, "p", &again]);
    assert!(err.contains(":2: UNIQUE constraint failed: p.id"), "{err}");
    // Upsert: bob's name changes, his score stays; cy is new.
    ok(&["import", &db, "p", &again, "--upsert"]);
    assert_eq!(
        rows(&db, "SELECT * FROM p ORDER BY id"),
        "id,name,score\n1,ann,10\n2,BOB,20\n3,cy,\n"
    );
    // Replace: the whole old row goes.
    let replace = s.file("c.csv", "id,name\n1,ANN\n");
    ok(&["import", &db, "p", &replace, "--replace"]);
    assert_eq!(
        rows(&db, "SELECT id, score FROM p WHERE id = 1"),
        "id,score\n1,\n"
    );
    // --alter adds a column the table lacks.
    let wider = s.file("d.csv", "id,city\n3,Oslo\n");
    let err = fails(&["import", &db, "p", &wider, "--upsert"]);
    assert!(
        err.contains("p has no column \"city\" (--alter adds"),
        "{err}"
    );
    ok(&["import", &db, "p", &wider, "--upsert", "--alter"]);
    assert_eq!(
        rows(&db, "SELECT name, city FROM p WHERE id = 3"),
        "name,city\ncy,Oslo\n"
    );
    // Bad keys are named before anything is written.
    let nokey = s.path("nokey.db");
    ok(&["query", &nokey, "CREATE TABLE t(id, name)"]);
    let err = fails(&["import", &nokey, "t", &again, "--upsert"]);
    assert!(err.contains("--upsert needs a key"), "{err}");
    let err = fails(&["import", &db, "q", &first, "--pk", "nope"]);
    assert!(err.contains("--pk nope: the input has no column"), "{err}");
    let err = fails(&["import", &db, "p", &first, "--pk", "id"]);
    assert!(err.contains("--pk sets the key of a new table"), "{err}");
    assert_eq!(rows(&db, "SELECT count(*) FROM p"), "count(*)\n3\n");
}

#[test]
fn headerless_latin1_gzip_and_standard_input() {
    let s = Scratch::new("import-inputs");
    let db = s.path("t.db");
    let plain = s.file("h.csv", "1,x\n2,y\n");
    ok(&["import", &db, "h", &plain, "--no-headers"]);
    assert_eq!(rows(&db, "SELECT c1, c2 FROM h"), "c1,c2\n1,x\n2,y\n");

    let latin1 = s.bytes("l.csv", b"name\ncaf\xe9\n");
    let err = fails(&["import", &db, "l", &latin1]);
    assert!(
        err.contains(":2: invalid UTF-8") && err.contains("--encoding latin-1"),
        "{err}"
    );
    ok(&["import", &db, "l", &latin1, "--encoding", "latin-1"]);
    assert_eq!(rows(&db, "SELECT name FROM l"), "name\ncafé\n");

    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, b"id,name\n1,zipped\n2,\"open\n").unwrap();
    let gz = s.bytes("z.csv.gz", &gz.finish().unwrap());
    let err = fails(&["import", &db, "z", &gz]);
    assert!(
        err.contains(&format!("{gz}:3: a quoted field opens here")),
        "{err}"
    );
    let mut fixed = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut fixed, b"id,name\n1,zipped\n").unwrap();
    let fixed = s.bytes("z2.csv.gz", &fixed.finish().unwrap());
    ok(&["import", &db, "z", &fixed]);
    assert_eq!(rows(&db, "SELECT name FROM z"), "name\nzipped\n");

    let out = lite3_with_input(
        &["import", &db, "s", "-", "--format", "csv"],
        b"a\n1\n\"2\n",
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("standard input:3: a quoted field opens here"),
        "{err}"
    );
    let out = lite3_with_input(&["import", &db, "s", "-"], b"a\n1\n");
    assert!(String::from_utf8_lossy(&out.stderr).contains("pass --format csv|ndjson"));
    let out = lite3_with_input(
        &["import", &db, "s", "-", "--format", "ndjson"],
        b"{\"a\": 7}\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(rows(&db, "SELECT a FROM s"), "a\n7\n");
}
