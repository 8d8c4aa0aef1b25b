//! Small lexical checks on SQL text that lite3 makes before handing it to SQLite.

use crate::{Error, Result};
use std::ffi::CString;

/// SQLite reads SQL only up to a NUL byte, so text after one would be silently ignored.
pub(crate) fn check_no_nul(text: &str, what: &'static str) -> Result<()> {
    match text.bytes().position(|b| b == 0) {
        Some(position) => Err(Error::Nul { what, position }),
        None => Ok(()),
    }
}

/// `text` as a C string for SQLite, refusing a NUL byte inside it (`what` names it in the
/// error), which SQLite would take for the end of the text.
pub(crate) fn c_string(text: impl Into<Vec<u8>>, what: &'static str) -> Result<CString> {
    CString::new(text).map_err(|e| Error::Nul {
        what,
        position: e.nul_position(),
    })
}

/// `"name"`, with embedded quotes doubled: an identifier lite3 writes into SQL is always quoted.
pub(crate) fn quote_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Length of the leading whitespace, comments and empty statements (`;`) of `sql`, by the rules
/// of SQLite's tokenizer: a run of whitespace starts with a space, tab, newline, form feed or
/// carriage return and then also takes vertical tabs (SQLite's `sqlite3Isspace`); a vertical tab
/// anywhere else starts an illegal token, so it is not blank.
pub(crate) fn skip_blank(sql: &str) -> usize {
    let bytes = sql.as_bytes();
    let mut i = 0;
    // Whether `i` is inside a run of whitespace, where a vertical tab is whitespace too.
    let mut in_space = false;
    while i < bytes.len() {
        match bytes[i] {
            b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' => {
                in_space = true;
                i += 1;
            }
            b'\x0b' if in_space => i += 1,
            b';' => {
                in_space = false;
                i += 1;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                // The comment ends before its newline, which starts a run of whitespace.
                match bytes[i..].iter().position(|&b| b == b'\n') {
                    Some(n) => {
                        i += n + 1;
                        in_space = true;
                    }
                    None => i = bytes.len(),
                }
            }
            // SQLite's tokenizer reads a `/*` that ends the text as a slash, not a comment.
            b'/' if bytes.get(i + 1) == Some(&b'*') && i + 2 < bytes.len() => {
                i = sql[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |n| i + 2 + n + 2);
                in_space = false;
            }
            _ => break,
        }
    }
    i
}

/// Whether `sql` (one statement) is an INSERT, UPDATE, DELETE or REPLACE, possibly behind a
/// `WITH` clause: the statements whose run sets `sqlite3_changes()`. Every other statement
/// leaves it at the count of an earlier one, which must not be reported as its own.
/// (A `WITH … SELECT` returns rows, so it never reaches a caller that counts changes.)
pub(crate) fn changes_rows(sql: &str) -> bool {
    let start = skip_blank(sql);
    let word: &[u8] = sql.as_bytes()[start..]
        .split(|b| !b.is_ascii_alphabetic())
        .next()
        .unwrap_or_default();
    ["INSERT", "UPDATE", "DELETE", "REPLACE", "WITH"]
        .iter()
        .any(|keyword| word.eq_ignore_ascii_case(keyword.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_that_change_rows() {
        for sql in [
            "INSERT INTO t VALUES (1)",
            "  insert into t values (1)",
            "-- note\nUPDATE t SET x = 1",
            "/* c */ delete FROM t",
            "REPLACE INTO t VALUES (1)",
            "WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x",
            ";\n Insert(x) VALUES (1)",
        ] {
            assert!(changes_rows(sql), "{sql}");
        }
        for sql in [
            "CREATE TABLE t(x)",
            "DROP TABLE t",
            "BEGIN",
            "PRAGMA user_version = 3",
            "CREATE TRIGGER tr AFTER INSERT ON t BEGIN DELETE FROM u; END",
            "INSERTED",
            "",
            "VACUUM",
        ] {
            assert!(!changes_rows(sql), "{sql}");
        }
    }

    #[test]
    fn blank_prefixes() {
        assert_eq!(skip_blank(""), 0);
        assert_eq!(skip_blank("  ;; \n"), 6);
        assert_eq!(skip_blank("-- c\nSELECT"), 5);
        assert_eq!(skip_blank("/* c */ SELECT"), 8);
        assert_eq!(skip_blank("/* open"), 7);
        assert_eq!(skip_blank("/*"), 0);
        assert_eq!(skip_blank("-- only"), 7);
        assert_eq!(skip_blank("- 1"), 0);
        assert_eq!(skip_blank("SELECT 1"), 0);
    }

    /// SQLite's tokenizer takes a vertical tab only inside a run of other whitespace.
    #[test]
    fn vertical_tab_is_blank_only_inside_whitespace() {
        assert_eq!(skip_blank(" \x0b "), 3);
        assert_eq!(skip_blank("\n\x0b"), 2);
        assert_eq!(skip_blank("-- c\n\x0b"), 6);
        assert_eq!(skip_blank("\x0b"), 0);
        assert_eq!(skip_blank(";\x0b"), 1);
        assert_eq!(skip_blank("/**/\x0b"), 4);
    }

    #[test]
    fn nul_position() {
        assert!(check_no_nul("SELECT 1", "SQL").is_ok());
        assert!(matches!(
            check_no_nul("SELECT\0 1", "SQL"),
            Err(Error::Nul {
                what: "SQL",
                position: 6
            })
        ));
    }
}
