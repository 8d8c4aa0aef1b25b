//! Checking SQLite's TEXT as UTF-8 on the hot path of every `&str`/`String` read.
//!
//! SQLite does not validate text, so lite3 must before handing out `&str`. Most text is ASCII,
//! and short: std's validator walks a 13-byte name byte by byte (~100 instructions), while two
//! overlapping 8-byte loads prove it ASCII in a handful.

/// `bytes` as `&str`, or why it is not UTF-8.
#[inline(always)]
pub(crate) fn utf8(bytes: &[u8]) -> Result<&str, std::str::Utf8Error> {
    if is_ascii(bytes) {
        // SAFETY: every ASCII byte sequence is valid UTF-8.
        Ok(unsafe { std::str::from_utf8_unchecked(bytes) })
    } else {
        validate(bytes)
    }
}

/// The general validator, out of line so the ASCII path stays small enough to inline.
#[inline(never)]
fn validate(bytes: &[u8]) -> Result<&str, std::str::Utf8Error> {
    std::str::from_utf8(bytes)
}

/// Whether every byte is below 0x80, reading whole words: short inputs are covered by two
/// overlapping loads instead of a loop over their tail.
#[inline(always)]
fn is_ascii(bytes: &[u8]) -> bool {
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    let word = |at: usize| u64::from_ne_bytes(bytes[at..at + 8].try_into().unwrap_or_default());
    let half = |at: usize| u32::from_ne_bytes(bytes[at..at + 4].try_into().unwrap_or_default());
    match bytes.len() {
        0..4 => bytes.iter().all(u8::is_ascii),
        n @ 4..8 => (half(0) | half(n - 4)) & 0x8080_8080 == 0,
        n @ 8..=16 => (word(0) | word(n - 8)) & HIGH_BITS == 0,
        _ => bytes.is_ascii(),
    }
}

#[cfg(test)]
mod tests {
    use super::{is_ascii, utf8};

    #[test]
    fn agrees_with_std_at_every_length_and_position() {
        for len in 0..40 {
            let ascii = vec![b'a'; len];
            assert!(is_ascii(&ascii), "all ASCII, len {len}");
            for at in 0..len {
                let mut high = ascii.clone();
                high[at] = 0xC3;
                assert!(!is_ascii(&high), "len {len}, high byte at {at}");
                assert_eq!(utf8(&high).is_ok(), std::str::from_utf8(&high).is_ok());
            }
        }
    }

    #[test]
    fn non_ascii_text_is_still_validated() {
        assert_eq!(utf8("naïve".as_bytes()), Ok("naïve"));
        assert!(utf8(b"name-\xff\xfe").is_err());
        assert_eq!(utf8(b""), Ok(""));
    }
}
