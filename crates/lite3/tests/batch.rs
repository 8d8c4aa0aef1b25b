//! `Batch`: a script's statements one at a time, with the offset of each for messages.

mod common;

use lite3::{Batch, Connection, Error};

#[test]
fn later_statements_see_what_earlier_ones_created() {
    let _turn = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    let sql = "CREATE TABLE t(x);\n -- comment ;; \n;INSERT INTO t VALUES (1);SELECT x FROM t;  ";
    let mut batch = Batch::new(&conn, sql);
    let mut offsets = Vec::new();
    while let Some(mut stmt) = batch.next().unwrap() {
        offsets.push(batch.offset());
        if stmt.column_count() == 0 {
            stmt.execute(()).unwrap();
        } else {
            assert_eq!(stmt.query_row((), |r| r.get::<_, i64>(0)).unwrap(), 1);
        }
    }
    let insert = sql.find("INSERT").unwrap();
    let select = sql.find("SELECT").unwrap();
    assert_eq!(offsets, [0, insert, select]);
    assert!(batch.next().unwrap().is_none(), "stays done");
}

#[test]
fn a_statement_sqlite_refuses_ends_the_batch_and_is_located() {
    let _turn = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    let mut batch = Batch::new(&conn, "SELECT 1;\nSELECT nope;\nSELECT 2;");
    assert!(batch.next().unwrap().is_some());
    let Err(Error::Sqlite(e)) = batch.next() else {
        panic!("the second statement is refused");
    };
    assert_eq!(e.message, "no such column: nope");
    assert_eq!((batch.offset(), e.offset), (10, Some(7)));
    assert!(
        batch.next().unwrap().is_none(),
        "SQLite cannot resync after a refusal"
    );
    let mut nul = Batch::new(&conn, "SELECT 1;\0SELECT 2");
    assert!(matches!(nul.next(), Err(Error::Nul { position: 9, .. })));
    assert!(nul.next().unwrap().is_none());
    assert!(
        Batch::new(&conn, " ;-- only blanks")
            .next()
            .unwrap()
            .is_none()
    );
}

#[test]
fn is_complete_follows_sqlites_tokenizer() {
    assert!(lite3::is_complete("SELECT 1;"));
    assert!(lite3::is_complete(
        "SELECT 1; -- a comment ends at its newline\n"
    ));
    assert!(!lite3::is_complete("SELECT 1"));
    assert!(!lite3::is_complete("SELECT ';"));
    assert!(!lite3::is_complete("SELECT 1;\0"));
    assert!(lite3::is_complete(
        "CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; END;"
    ));
}
