//! What every new connection starts with: rusqlite's defaults (a 5 s busy timeout, foreign keys
//! enforced) and, in the vendored build, the SQL features a rusqlite bundled build has.

mod common;

use lite3::{Connection, ErrorCode};

#[test]
fn a_new_connection_waits_five_seconds_for_locks_and_enforces_foreign_keys() {
    let _turn = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    let timeout: i64 = conn
        .query_row("PRAGMA busy_timeout", (), |r| r.get(0))
        .unwrap();
    assert_eq!(timeout, 5000);
    assert_eq!(lite3::DEFAULT_BUSY_TIMEOUT.as_millis(), 5000);
    let fk: bool = conn
        .query_row("PRAGMA foreign_keys", (), |r| r.get(0))
        .unwrap();
    assert!(fk);
    conn.execute_batch(
        "CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(p REFERENCES p(id));",
    )
    .unwrap();
    let err = conn.execute("INSERT INTO c VALUES (1)", ()).unwrap_err();
    assert_eq!(err.sqlite_code(), Some(ErrorCode::Constraint), "{err}");
    // The application can still turn it off.
    conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    conn.execute("INSERT INTO c VALUES (1)", ()).unwrap();
}

#[test]
fn the_vendored_build_has_fts3_fts4_stat4_soundex_and_sessions() {
    if !lite3::ffi::build_info::VENDORED {
        eprintln!("skipped: the system library's options are its packager's");
        return;
    }
    let _turn = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(
        "CREATE VIRTUAL TABLE f3 USING fts3(body);
         CREATE VIRTUAL TABLE f4 USING fts4(body);
         INSERT INTO f4 VALUES ('apple pie'), ('apple tart'), ('cherry pie');",
    )
    .unwrap();
    // Parenthesised boolean queries (SQLITE_ENABLE_FTS3_PARENTHESIS).
    let n: i64 = conn
        .query_row(
            "SELECT count(*) FROM f4 WHERE f4 MATCH '(apple OR cherry) AND pie'",
            (),
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 2);
    let code: String = conn
        .query_row("SELECT soundex('Robert')", (), |r| r.get(0))
        .unwrap();
    assert_eq!(code, "R163");
    for option in [
        "ENABLE_STAT4",
        "ENABLE_SESSION",
        "ENABLE_PREUPDATE_HOOK",
        "DEFAULT_FOREIGN_KEYS",
    ] {
        let used: bool = conn
            .query_row("SELECT sqlite_compileoption_used(?1)", (option,), |r| {
                r.get(0)
            })
            .unwrap();
        assert!(used, "{option}");
    }
}
