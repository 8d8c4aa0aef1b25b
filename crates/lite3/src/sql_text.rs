//! Small lexical checks on SQL text that lite3 makes before handing it to SQLite.

use crate::{Error, Result};

/// SQLite reads SQL only up to a NUL byte, so text after one would be silently ignored.
pub(crate) fn check_no_nul(text: &str, what: &'static str) -> Result<()> {
    match text.bytes().position(|b| b == 0) {
        Some(position) => Err(Error::Nul { what, position }),
        None => Ok(()),
    }
}

/// Length of the leading whitespace, comments and empty statements (`;`) of `sql`.
pub(crate) fn skip_blank(sql: &str) -> usize {
    let bytes = sql.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b';' => i += 1,
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                i = bytes[i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |n| i + n + 1);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = sql[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |n| i + 2 + n + 2);
            }
            _ => break,
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_prefixes() {
        assert_eq!(skip_blank(""), 0);
        assert_eq!(skip_blank("  ;; \n"), 6);
        assert_eq!(skip_blank("-- c\nSELECT"), 5);
        assert_eq!(skip_blank("/* c */ SELECT"), 8);
        assert_eq!(skip_blank("/* open"), 7);
        assert_eq!(skip_blank("-- only"), 7);
        assert_eq!(skip_blank("- 1"), 0);
        assert_eq!(skip_blank("SELECT 1"), 0);
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
