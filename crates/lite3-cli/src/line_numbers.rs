//! Line numbers for messages about CSV records. The csv crate's own line count is wrong on CRLF
//! files (and more so with blank lines), so records carry the byte offset where the csv crate
//! says they start, and an offset becomes a line number only when a message needs one: by
//! counting the newlines before it in the file. That keeps the import's hot path free of any
//! counting; only a failing import reads the file once more.

use crate::input::Input;
use std::io::Read;
use std::sync::Arc;

/// What a record's position means, and how it becomes a line number.
#[derive(Clone, Debug)]
pub(crate) enum Positions {
    /// Positions are line numbers already (NDJSON reads line by line).
    Lines,
    /// Positions are byte offsets into this input's decoded text, as the csv crate reports them.
    BytesOf(Arc<Input>),
}

impl Positions {
    /// The 1-based line of the record at `position` (0 if the file cannot be read again).
    pub(crate) fn line(&self, position: u64) -> u64 {
        match self {
            Positions::Lines => position,
            Positions::BytesOf(input) => input
                .reader()
                .and_then(|text| line_of_byte(text, position))
                .unwrap_or(0),
        }
    }

    /// The input's text from byte `position` on, to look at a record again.
    pub(crate) fn text_from(&self, position: u64) -> Option<impl Read> {
        let Positions::BytesOf(input) = self else {
            return None;
        };
        input.reader_from(position).ok()
    }
}

/// The line of the record that the csv crate says starts at byte `offset` of `input`: one more
/// than the newlines up to and including `offset` (after a CRLF the csv crate places the next
/// record's start on the LF itself).
fn line_of_byte(input: impl Read, offset: u64) -> std::io::Result<u64> {
    let mut newlines = 0;
    let mut limited = input.take(offset.saturating_add(1));
    let mut buffer = vec![0; 1 << 16];
    loop {
        let n = limited.read(&mut buffer)?;
        if n == 0 {
            return Ok(newlines + 1);
        }
        newlines += memchr::memchr_iter(b'\n', &buffer[..n]).count() as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_offsets_in_lf_and_crlf_text() {
        let text = b"a,b\r\n1,2\r\n\r\n3,4\n5";
        let line = |offset| line_of_byte(&text[..], offset).unwrap();
        assert_eq!(line(0), 1);
        assert_eq!(line(4), 2); // the LF before "1,2", where the csv crate starts it
        assert_eq!(line(11), 4); // "3,4", after the blank line
        assert_eq!(line(16), 5); // "5", after an LF-only line end
    }
}
