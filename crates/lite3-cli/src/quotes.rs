//! Finding a quoted CSV field that is never closed. The csv crate accepts one and reads the rest
//! of the file into it, so an import would succeed with one huge last value; the import looks
//! at the last record again (and at a record the csv crate rejected) with this check.

use std::io::{self, Read};

/// Where the CSV fields in `text` are: RFC 4180 quoting as the csv crate reads it (a quote opens
/// a quoted field only at the start of a field; `""` inside one is a quote).
#[derive(Clone, Copy, PartialEq)]
enum State {
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted field: the field's end, or the first half of `""`.
    QuoteInQuoted,
}

/// The offset in `text` of the quote that opens a field never closed before the end, if any.
pub(crate) fn unclosed_quote(mut text: impl Read, delimiter: u8) -> io::Result<Option<u64>> {
    let mut state = State::FieldStart;
    let mut opened_at = 0;
    let mut offset = 0u64;
    let mut buffer = vec![0; 1 << 16];
    loop {
        let n = text.read(&mut buffer)?;
        if n == 0 {
            return Ok((state == State::Quoted).then_some(opened_at));
        }
        for &byte in &buffer[..n] {
            let ends_field = byte == delimiter || byte == b'\n' || byte == b'\r';
            state = match (state, byte) {
                (State::FieldStart, b'"') => {
                    opened_at = offset;
                    State::Quoted
                }
                (State::FieldStart | State::Unquoted, _) if ends_field => State::FieldStart,
                (State::FieldStart | State::Unquoted, _) => State::Unquoted,
                (State::Quoted, b'"') => State::QuoteInQuoted,
                (State::Quoted, _) => State::Quoted,
                (State::QuoteInQuoted, b'"') => State::Quoted,
                (State::QuoteInQuoted, _) if ends_field => State::FieldStart,
                (State::QuoteInQuoted, _) => State::Unquoted,
            };
            offset += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Option<u64> {
        unclosed_quote(text.as_bytes(), b',').unwrap()
    }

    #[test]
    fn closed_and_unclosed_quotes() {
        assert_eq!(check("a,\"b\"\n\"c,d\",e\n"), None);
        assert_eq!(check("a,\"say \"\"hi\"\"\"\n"), None);
        assert_eq!(check("a,b\"c\n"), None); // a quote inside an unquoted field is text
        assert_eq!(check("\"a\"b,\"c\n"), Some(5));
        assert_eq!(check("1,\"open\n2,3\n"), Some(2));
        assert_eq!(check("1,\"x\"\"\n"), Some(2)); // `""` is a quote: still open
    }
}
