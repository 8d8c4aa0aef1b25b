//! The file an import reads, which can be read again from the start: a failing import reads it
//! once more to name the line of a byte offset, or to find where an unclosed quote opened.
//! Standard input (`-`) is first copied to a temporary file for that reason. Gzip input is
//! recognised by its magic bytes and Latin-1 input is transcoded to UTF-8; every reader of one
//! `Input` sees the same decoded bytes, so offsets found while importing name the same places.

use crate::Error;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// How the input's bytes encode text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Encoding {
    /// UTF-8 (invalid UTF-8 stops the import, naming the line).
    #[default]
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// ISO-8859-1: every byte is one character.
    #[value(name = "latin-1", alias = "latin1", alias = "iso-8859-1")]
    Latin1,
}

#[derive(Debug)]
pub(crate) struct Input {
    path: PathBuf,
    /// What messages call it: the path, or "standard input".
    name: String,
    /// The name the format is told from (`rows.csv` for `rows.csv.gz`; none for stdin).
    format_name: Option<PathBuf>,
    gzip: bool,
    encoding: Encoding,
    /// Bytes on disk (compressed, for gzip): what the progress bar counts towards.
    size: u64,
    /// Removes the copy of standard input when the import is over.
    _spool: Option<Spool>,
}

impl Input {
    /// Opens `path`, or copies standard input to a temporary file when `path` is `-`.
    pub(crate) fn open(path: &Path, encoding: Encoding) -> Result<Arc<Input>, Error> {
        let named = |e: io::Error, name: &str| Error::Input(format!("{name}: {e}"));
        let (path, name, spool) = if path == Path::new("-") {
            let spool = Spool::of_stdin().map_err(|e| named(e, "standard input"))?;
            (spool.0.clone(), "standard input".to_owned(), Some(spool))
        } else {
            (path.to_path_buf(), path.display().to_string(), None)
        };
        let mut file = File::open(&path).map_err(|e| named(e, &name))?;
        let size = file.metadata().map_err(|e| named(e, &name))?.len();
        let mut magic = [0u8; 2];
        let gzip = matches!(file.read_exact(&mut magic), Ok(()) if magic == [0x1f, 0x8b]);
        let format_name = match (&spool, gzip) {
            (Some(_), _) => None,
            (None, true)
                if path
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("gz")) =>
            {
                Some(path.with_extension(""))
            }
            (None, _) => Some(path.clone()),
        };
        Ok(Arc::new(Input {
            path,
            name,
            format_name,
            gzip,
            encoding,
            size,
            _spool: spool,
        }))
    }

    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// The lowercase extension that says the format, if there is one.
    pub(crate) fn extension(&self) -> Option<String> {
        let name = self.format_name.as_ref()?;
        Some(name.extension()?.to_str()?.to_ascii_lowercase())
    }

    pub(crate) fn size(&self) -> u64 {
        self.size
    }

    /// The decoded text from the start.
    pub(crate) fn reader(&self) -> io::Result<Box<dyn Read + Send>> {
        self.reader_counting(Arc::new(AtomicU64::new(0)))
    }

    /// The decoded text from byte `offset` on: a seek where the file's bytes are the text,
    /// otherwise decoded from the start and skipped (only failing imports of gzip or Latin-1
    /// input pay that).
    pub(crate) fn reader_from(&self, offset: u64) -> io::Result<Box<dyn Read + Send>> {
        if !self.gzip && self.encoding == Encoding::Utf8 {
            let mut file = File::open(&self.path)?;
            io::Seek::seek(&mut file, io::SeekFrom::Start(offset))?;
            return Ok(Box::new(file));
        }
        let mut text = self.reader()?;
        io::copy(&mut text.by_ref().take(offset), &mut io::sink())?;
        Ok(text)
    }

    /// The decoded text from the start, adding to `read` the bytes taken from the disk.
    pub(crate) fn reader_counting(&self, read: Arc<AtomicU64>) -> io::Result<Box<dyn Read + Send>> {
        let file = Counting {
            inner: File::open(&self.path)?,
            read,
        };
        let decompressed: Box<dyn Read + Send> = if self.gzip {
            Box::new(flate2::read::MultiGzDecoder::new(file))
        } else {
            Box::new(file)
        };
        Ok(match self.encoding {
            Encoding::Utf8 => decompressed,
            Encoding::Latin1 => Box::new(Latin1::new(decompressed)),
        })
    }
}

/// A temporary copy of standard input, removed on drop.
#[derive(Debug)]
struct Spool(PathBuf);

impl Spool {
    fn of_stdin() -> io::Result<Spool> {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let path =
            std::env::temp_dir().join(format!("lite3-import-stdin-{}-{stamp}", std::process::id()));
        let spool = Spool(path);
        let mut file = File::options()
            .write(true)
            .create_new(true)
            .open(&spool.0)?;
        io::copy(&mut io::stdin().lock(), &mut file)?;
        Ok(spool)
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// ISO-8859-1 to UTF-8: bytes below 0x80 stay, others become two bytes.
struct Latin1<R> {
    inner: R,
    scratch: Vec<u8>,
    /// The second byte of a character that did not fit in the caller's buffer.
    pending: Option<u8>,
}

impl<R: Read> Latin1<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            scratch: vec![0; 1 << 15],
            pending: None,
        }
    }
}

impl<R: Read> Read for Latin1<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if let Some(byte) = self.pending.take() {
            buf[0] = byte;
            return Ok(1);
        }
        // Half the buffer's length of input always fits, each byte becoming at most two.
        let want = (buf.len() / 2).clamp(1, self.scratch.len());
        let n = self.inner.read(&mut self.scratch[..want])?;
        let mut out = 0;
        for &byte in &self.scratch[..n] {
            if byte < 0x80 {
                buf[out] = byte;
                out += 1;
                continue;
            }
            buf[out] = 0xc0 | (byte >> 6);
            out += 1;
            let second = 0x80 | (byte & 0x3f);
            match buf.get_mut(out) {
                Some(slot) => {
                    *slot = second;
                    out += 1;
                }
                None => self.pending = Some(second),
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_becomes_utf8_even_through_one_byte_reads() {
        let text = b"caf\xe9 \xff\x41";
        let mut all = String::new();
        Latin1::new(&text[..]).read_to_string(&mut all).unwrap();
        assert_eq!(all, "café ÿA");
        let mut reader = Latin1::new(&text[..]);
        let mut bytes = Vec::new();
        let mut one = [0u8; 1];
        while reader.read(&mut one).unwrap() == 1 {
            bytes.push(one[0]);
        }
        assert_eq!(String::from_utf8(bytes).unwrap(), "café ÿA");
    }
}
