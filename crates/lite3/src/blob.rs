//! Incremental BLOB I/O, in rusqlite's shapes: [`Connection::blob_open`] gives a [`Blob`] that
//! reads and writes one BLOB in place (`Read`, `Write`, `Seek`, and positional `read_at`,
//! `write_at`), and [`ZeroBlob`] makes room for one without a buffer.
//!
//! SQLite cannot change a BLOB's size through this interface. lite3 refuses any read or write
//! that would reach past the end, or any offset beyond what SQLite addresses (2^31 - 1), with
//! [`Error::BlobSizeError`] before anything is read or written: never a truncated write, never
//! a wrapped offset. (rusqlite's `Write` writes what fits and reports a short write.)

use crate::raw::blob::RawBlob;
use crate::types::{ToSql, ToSqlOutput};
use crate::{Connection, Error, Name, Result};
use std::ffi::c_int;
use std::io;
use std::mem::MaybeUninit;

/// A BLOB of this many zero bytes, bound without a buffer: make room, then fill it with
/// [`Blob`].
///
/// ```
/// use lite3::blob::ZeroBlob;
///
/// let conn = lite3::Connection::open_in_memory()?;
/// conn.execute_batch("CREATE TABLE files(data BLOB)")?;
/// conn.execute("INSERT INTO files VALUES (?1)", (ZeroBlob(1 << 20),))?;
/// let len: i64 = conn.query_row("SELECT length(data) FROM files", (), |r| r.get(0))?;
/// assert_eq!(len, 1 << 20);
/// # Ok::<(), lite3::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ZeroBlob(pub u64);

impl ToSql for ZeroBlob {
    #[inline]
    fn to_sql(&self) -> Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::ZeroBlob(self.0))
    }
}

/// An open BLOB of one row: reads and writes in place, with a cursor for `Read`, `Write` and
/// `Seek`. Closed on drop; [`close`](Self::close) reports the error closing may have.
///
/// ```
/// use lite3::{MAIN_DB, blob::ZeroBlob};
/// use std::io::{Read, Seek, SeekFrom, Write};
///
/// let conn = lite3::Connection::open_in_memory()?;
/// conn.execute_batch("CREATE TABLE files(data BLOB)")?;
/// conn.execute("INSERT INTO files VALUES (?1)", (ZeroBlob(10),))?;
/// let mut blob = conn.blob_open(MAIN_DB, "files", "data", conn.last_insert_rowid(), false)?;
/// blob.write_all(b"hello")?;
/// assert!(blob.write_all(b", world").is_err()); // 12 bytes do not fit: nothing written
/// blob.seek(SeekFrom::Start(0))?;
/// let mut text = Vec::new();
/// blob.read_to_end(&mut text)?;
/// assert_eq!(text, b"hello\0\0\0\0\0");
/// blob.write_at(b"HE", 0)?;
/// let mut head = [0u8; 2];
/// blob.read_at_exact(&mut head, 0)?;
/// assert_eq!(&head, b"HE");
/// blob.close()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Blob<'conn> {
    conn: &'conn Connection,
    raw: Option<RawBlob>,
    /// The cursor of `Read`/`Write`/`Seek`: within `0..=size()`.
    pos: c_int,
    /// A reopen failed: SQLite aborted the handle (its size now reads 0).
    aborted: bool,
}

impl Connection {
    /// Opens the BLOB (or TEXT) in column `column` of the row with rowid `row_id` of
    /// `db.table`, for reading only or for reading and writing.
    ///
    /// # Errors
    /// SQLite's error: no such table, column or row, a column that is indexed or part of a
    /// key (`Error` for writing), a read-only database; [`Error::Nul`] in a name.
    pub fn blob_open<D: Name, N: Name>(
        &self,
        db: D,
        table: N,
        column: N,
        row_id: i64,
        read_only: bool,
    ) -> Result<Blob<'_>> {
        let (db, table, column) = (db.as_cstr()?, table.as_cstr()?, column.as_cstr()?);
        let raw = RawBlob::open(self.raw(), [&db, &table, &column], row_id, !read_only)?;
        Ok(Blob {
            conn: self,
            raw: Some(raw),
            pos: 0,
            aborted: false,
        })
    }
}

/// `start..start + len` as SQLite's offset, if it lies within a blob of `size` bytes.
fn span(start: usize, len: usize, size: c_int) -> Result<c_int> {
    let end = start.checked_add(len).ok_or(Error::BlobSizeError)?;
    if end > usize::try_from(size).unwrap_or(0) {
        return Err(Error::BlobSizeError);
    }
    // `start <= end <= size`, and `size` is a c_int.
    Ok(start as c_int)
}

impl Blob<'_> {
    fn raw(&self) -> &RawBlob {
        self.raw
            .as_ref()
            .expect("a Blob's handle lives until it is closed")
    }

    /// The start of `start..start + len` as SQLite's offset, if the handle is usable and the
    /// span lies within the blob.
    fn span(&self, start: usize, len: usize) -> Result<c_int> {
        if self.aborted {
            let mut error = crate::raw::error::from_code(crate::ffi::SQLITE_ABORT);
            error.message = "the blob handle was aborted by a failed reopen".into();
            return Err(error.into());
        }
        span(start, len, self.size())
    }

    /// Moves to row `row` of the same column, with the cursor at 0. If that fails (no such
    /// row, or its value is not a BLOB or TEXT), SQLite aborts the handle: every later read,
    /// write or reopen fails with `Abort`; open a new blob.
    ///
    /// # Errors
    /// SQLite's error.
    pub fn reopen(&mut self, row: i64) -> Result<()> {
        let reopened = self.raw().reopen(self.conn.raw(), row);
        self.aborted = reopened.is_err();
        self.pos = 0;
        reopened
    }

    /// The size of the blob in bytes.
    #[must_use]
    pub fn size(&self) -> i32 {
        self.raw().size()
    }

    /// The size of the blob in bytes.
    #[must_use]
    pub fn len(&self) -> usize {
        usize::try_from(self.size()).unwrap_or(0)
    }

    /// Whether the blob has no bytes.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.size() == 0
    }

    /// Closes the blob, reporting the error closing may have (in autocommit mode a written
    /// blob's change is committed here).
    ///
    /// # Errors
    /// SQLite's error.
    pub fn close(mut self) -> Result<()> {
        let raw = self
            .raw
            .take()
            .expect("a Blob's handle lives until it is closed");
        raw.close(self.conn.raw())
    }

    /// Writes all of `buf` at byte `write_start`.
    ///
    /// # Errors
    /// [`Error::BlobSizeError`] if it does not fit (nothing is written); SQLite's error (e.g.
    /// `ReadOnly` for a blob opened read-only, `Abort` after the row changed).
    pub fn write_at(&mut self, buf: &[u8], write_start: usize) -> Result<()> {
        let offset = self.span(write_start, buf.len())?;
        if buf.is_empty() {
            return Ok(());
        }
        self.raw().write(self.conn.raw(), buf, offset)
    }

    /// rusqlite's name for [`write_at`](Self::write_at).
    ///
    /// # Errors
    /// As [`write_at`](Self::write_at).
    pub fn write_all_at(&mut self, buf: &[u8], write_start: usize) -> Result<()> {
        self.write_at(buf, write_start)
    }

    /// Reads from byte `read_start` into `buf`, as many bytes as the blob has there (0 at or
    /// past the end); returns how many.
    ///
    /// # Errors
    /// SQLite's error.
    pub fn read_at(&self, buf: &mut [u8], read_start: usize) -> Result<usize> {
        let available = self.len().saturating_sub(read_start).min(buf.len());
        if available == 0 && !self.aborted {
            return Ok(0);
        }
        self.read_at_exact(&mut buf[..available], read_start)?;
        Ok(available)
    }

    /// Fills all of `buf` from byte `read_start`.
    ///
    /// # Errors
    /// [`Error::BlobSizeError`] if the blob has fewer bytes there (nothing is read); SQLite's
    /// error.
    pub fn read_at_exact(&self, buf: &mut [u8], read_start: usize) -> Result<()> {
        let offset = self.span(read_start, buf.len())?;
        if buf.is_empty() {
            return Ok(());
        }
        self.raw().read(self.conn.raw(), buf, offset)
    }

    /// Reads into uninitialised memory from byte `read_start`, as many bytes as the blob has
    /// there; returns the initialised part.
    ///
    /// # Errors
    /// SQLite's error.
    pub fn raw_read_at<'a>(
        &self,
        buf: &'a mut [MaybeUninit<u8>],
        read_start: usize,
    ) -> Result<&'a mut [u8]> {
        let available = self.len().saturating_sub(read_start).min(buf.len());
        if available == 0 && !self.aborted {
            return Ok(&mut []);
        }
        self.raw_read_at_exact(&mut buf[..available], read_start)
    }

    /// Fills all of the uninitialised `buf` from byte `read_start`, returning it initialised.
    ///
    /// # Errors
    /// As [`read_at_exact`](Self::read_at_exact).
    pub fn raw_read_at_exact<'a>(
        &self,
        buf: &'a mut [MaybeUninit<u8>],
        read_start: usize,
    ) -> Result<&'a mut [u8]> {
        let offset = self.span(read_start, buf.len())?;
        self.raw().read_uninit(self.conn.raw(), buf, offset)
    }
}

fn io_error(error: Error) -> io::Error {
    let kind = match error {
        Error::BlobSizeError => io::ErrorKind::WriteZero,
        _ => io::ErrorKind::Other,
    };
    io::Error::new(kind, error)
}

impl io::Read for Blob<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let start = usize::try_from(self.pos).unwrap_or(0);
        let n = self.read_at(buf, start).map_err(io_error)?;
        // `pos + n <= size`, a c_int.
        self.pos += n as c_int;
        Ok(n)
    }
}

impl io::Write for Blob<'_> {
    /// Writes all of `buf` at the cursor, or nothing: a buffer that does not fit before the
    /// end is refused with `ErrorKind::WriteZero` (an empty one writes nothing, successfully).
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let start = usize::try_from(self.pos).unwrap_or(0);
        self.write_at(buf, start).map_err(io_error)?;
        // Fits: `pos + len <= size`, a c_int.
        self.pos += buf.len() as c_int;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl io::Seek for Blob<'_> {
    /// Moves the cursor within `0..=size()`; anywhere else is `InvalidInput`.
    fn seek(&mut self, pos: io::SeekFrom) -> io::Result<u64> {
        let size = i64::from(self.size());
        let target = match pos {
            io::SeekFrom::Start(offset) => i64::try_from(offset).ok(),
            io::SeekFrom::Current(offset) => i64::from(self.pos).checked_add(offset),
            io::SeekFrom::End(offset) => size.checked_add(offset),
        };
        match target {
            Some(target) if (0..=size).contains(&target) => {
                // Within 0..=size, a c_int.
                self.pos = target as c_int;
                Ok(target as u64)
            }
            _ => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek outside the blob (a blob's size cannot change)",
            )),
        }
    }
}

impl Drop for Blob<'_> {
    fn drop(&mut self) {
        if let Some(raw) = self.raw.take() {
            // An error closing has no one to go to here; `close` reports it.
            let _ = raw.close(self.conn.raw());
        }
    }
}

impl std::fmt::Debug for Blob<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Blob")
            .field("size", &self.raw.as_ref().map(RawBlob::size))
            .field("pos", &self.pos)
            .finish()
    }
}
