//! What lite3 counts as "nothing more" after a statement is exactly what SQLite's tokenizer
//! counts as nothing: checked against SQLite itself for every short tail of whitespace,
//! comment and separator characters.

mod common;

use lite3::{Connection, Error, ffi};
use std::ffi::c_char;
use std::ptr;

/// SQLite's own verdict: `tail` prepares to no statement, without error, consuming all of it.
fn sqlite_says_blank(conn: &Connection, tail: &str) -> bool {
    let mut stmt = ptr::null_mut();
    let mut rest: *const c_char = ptr::null();
    // SAFETY: the handle is open and used by this thread only; `tail` is valid for its length;
    // a statement, if any, is finalised below.
    let rc = unsafe {
        ffi::sqlite3_prepare_v2(
            conn.handle(),
            tail.as_ptr().cast(),
            tail.len() as i32,
            &mut stmt,
            &mut rest,
        )
    };
    let consumed = rest as usize - tail.as_ptr() as usize;
    // SAFETY: `stmt` is null or a statement we own.
    unsafe { ffi::sqlite3_finalize(stmt) };
    rc == ffi::SQLITE_OK && stmt.is_null() && consumed == tail.len()
}

#[test]
fn the_one_statement_check_agrees_with_sqlites_tokenizer() {
    let _sqlite = common::sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    let alphabet = [
        " ", "\t", "\n", "\x0b", "\x0c", "\r", ";", "-", "/", "*", "x",
    ];
    let mut tails = vec![String::new()];
    let mut checked = 0;
    for _ in 0..4 {
        let mut longer = Vec::new();
        for tail in &tails {
            for c in alphabet {
                longer.push(format!("{tail}{c}"));
            }
        }
        for tail in &longer {
            let blank = sqlite_says_blank(&conn, tail);
            let sql = format!("SELECT 1;{tail}");
            match conn.prepare(&sql) {
                Ok(_) => assert!(
                    blank,
                    "lite3 took {sql:?} as one statement; SQLite does not"
                ),
                Err(Error::MultipleStatements { .. }) => {
                    assert!(!blank, "lite3 refused {sql:?}; SQLite sees one statement")
                }
                Err(other) => panic!("{sql:?}: {other}"),
            }
            checked += 1;
        }
        tails = longer;
    }
    assert_eq!(checked, 11 + 121 + 1331 + 14641);
    // The cases that differ from a plain whitespace check.
    assert!(conn.prepare("SELECT 1; \x0b").is_ok());
    assert!(matches!(
        conn.prepare("SELECT 1;\x0b"),
        Err(Error::MultipleStatements { offset: 9 })
    ));
}
