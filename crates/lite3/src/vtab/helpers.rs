//! Reading module arguments (`CREATE VIRTUAL TABLE t USING m(key = 'value', …)`) and writing
//! identifiers into a declared schema: rusqlite's helper functions.

use crate::Result;
use std::borrow::Cow;

/// `identifier` with each `"` doubled, ready to go between double quotes in SQL.
///
/// ```
/// assert_eq!(lite3::vtab::escape_double_quote(r#"a"b"#), r#"a""b"#);
/// ```
#[must_use]
pub fn escape_double_quote(identifier: &str) -> Cow<'_, str> {
    if identifier.contains('"') {
        Cow::Owned(identifier.replace('"', "\"\""))
    } else {
        Cow::Borrowed(identifier)
    }
}

/// `s` without the quotes SQL puts around a string or identifier (`'…'`, `"…"`, `` `…` ``,
/// `[…]`), with doubled quotes inside made single; `s` itself when it is not quoted that way.
///
/// ```
/// use lite3::vtab::dequote;
/// assert_eq!(dequote("'it''s'"), "it's");
/// assert_eq!(dequote("[a b]"), "a b");
/// assert_eq!(dequote("plain"), "plain");
/// ```
#[must_use]
pub fn dequote(s: &str) -> Cow<'_, str> {
    let (open, close) = match s.as_bytes().first() {
        Some(b'[') => ('[', ']'),
        Some(&q @ (b'\'' | b'"' | b'`')) => (q as char, q as char),
        _ => return Cow::Borrowed(s),
    };
    if s.len() < 2 || !s.ends_with(close) {
        return Cow::Borrowed(s);
    }
    let inner = &s[1..s.len() - 1];
    if open == '[' || !inner.contains(close) {
        return Cow::Borrowed(inner);
    }
    // Inside, the quote appears only doubled; otherwise the text was not one quoted token.
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == close && chars.next() != Some(close) {
            return Cow::Borrowed(s);
        }
        out.push(c);
    }
    Cow::Owned(out)
}

/// A boolean module argument: `1`, `yes`, `true`, `on` or `0`, `no`, `false`, `off` (any
/// case); `None` for anything else.
///
/// ```
/// assert_eq!(lite3::vtab::parse_boolean("Yes"), Some(true));
/// assert_eq!(lite3::vtab::parse_boolean("off"), Some(false));
/// assert_eq!(lite3::vtab::parse_boolean("maybe"), None);
/// ```
#[must_use]
pub fn parse_boolean(s: &str) -> Option<bool> {
    const TRUE: [&str; 4] = ["1", "yes", "true", "on"];
    const FALSE: [&str; 4] = ["0", "no", "false", "off"];
    if TRUE.iter().any(|t| s.eq_ignore_ascii_case(t)) {
        Some(true)
    } else if FALSE.iter().any(|f| s.eq_ignore_ascii_case(f)) {
        Some(false)
    } else {
        None
    }
}

/// A `key = value` module argument, trimmed, with the value [dequoted](dequote).
///
/// ```
/// let (key, value) = lite3::vtab::parameter(b" filename = 'data.csv' ")?;
/// assert_eq!((key, &*value), ("filename", "data.csv"));
/// # Ok::<(), lite3::Error>(())
/// ```
///
/// # Errors
/// [`Error::ModuleError`](crate::Error::ModuleError) when the argument is not UTF-8 or has no
/// `=`.
pub fn parameter(arg: &[u8]) -> Result<(&str, Cow<'_, str>)> {
    let arg = std::str::from_utf8(arg)
        .map_err(|e| super::module_error(format!("a module argument is not UTF-8: {e}")))?
        .trim();
    let (key, value) = arg
        .split_once('=')
        .ok_or_else(|| super::module_error(format!("expected key=value, not {arg:?}")))?;
    Ok((key.trim(), dequote(value.trim())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dequote_leaves_what_is_not_one_quoted_token() {
        assert_eq!(dequote("'a'b'"), "'a'b'");
        assert_eq!(dequote("'"), "'");
        assert_eq!(dequote("\"\""), "");
        assert_eq!(dequote("\"a\"\"b\""), "a\"b");
        assert_eq!(dequote("`x`"), "x");
        assert_eq!(dequote("[x"), "[x");
    }

    #[test]
    fn a_parameter_needs_an_equals_sign() {
        assert!(parameter(b"filename").is_err());
        assert!(parameter(&[0xff, b'=', b'1']).is_err());
        let (key, value) = parameter(b"header=yes").unwrap();
        assert_eq!((key, &*value), ("header", "yes"));
    }
}
