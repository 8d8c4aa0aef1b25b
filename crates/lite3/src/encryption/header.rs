//! What the first bytes of a database file say before SQLite reads it: a plaintext SQLite
//! database starts with "SQLite format 3\0"; an encrypted one (every cipher of SQLite3 Multiple
//! Ciphers, unless told to keep a plaintext header) starts with random-looking bytes.

use std::io::Read;
use std::path::Path;

/// SQLite's file magic.
const MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// The first 16 bytes of a database file, classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Header {
    /// No file, or too short to hold a header: a new database.
    Empty,
    /// SQLite's magic.
    Plaintext,
    /// Anything else: encrypted, or not a database.
    Other,
}

/// Reads the header of the database file at `path`. A file that cannot be read counts as
/// [`Header::Empty`]: SQLite's own open reports what is wrong with it.
pub(crate) fn read_header(path: &Path) -> Header {
    let mut start = [0u8; 16];
    let read = std::fs::File::open(path).and_then(|mut file| {
        let mut filled = 0;
        while filled < start.len() {
            match file.read(&mut start[filled..])? {
                0 => break,
                n => filled += n,
            }
        }
        Ok(filled)
    });
    match read {
        Ok(16) if &start == MAGIC => Header::Plaintext,
        Ok(16) => Header::Other,
        _ => Header::Empty,
    }
}
