//! Writing rows as a table, CSV, a JSON array or NDJSON, so that values read back as they are:
//! a REAL always looks like one (`1.0`, not `1`) with every digit needed to recover it, a
//! non-finite REAL is `Inf`/`-Inf` (SQLite's own spelling) in text and `1e999`/`-1e999` in JSON
//! (the number JSON readers take for infinity; JSON has no literal for it), and a blob in JSON
//! is an object, `{"$hex": "..."}` or `{"$base64": "..."}`, never a string a text could equal.

use lite3::ValueRef;
use std::io::{self, Write};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Aligned columns for people.
    #[default]
    Table,
    /// RFC 4180 CSV with a header row.
    Csv,
    /// One JSON array of objects.
    Json,
    /// One JSON object per line.
    Ndjson,
}

/// How blobs are written: as text in a table or CSV, inside `{"$hex": …}` or `{"$base64": …}`
/// in JSON.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum BlobEncoding {
    /// Lowercase hexadecimal.
    #[default]
    Hex,
    /// Standard base64 with padding.
    Base64,
}

impl BlobEncoding {
    pub(crate) fn encode(self, bytes: &[u8]) -> String {
        match self {
            BlobEncoding::Hex => bytes.iter().map(|b| format!("{b:02x}")).collect(),
            BlobEncoding::Base64 => base64(bytes),
        }
    }

    fn json_key(self) -> &'static str {
        match self {
            BlobEncoding::Hex => "$hex",
            BlobEncoding::Base64 => "$base64",
        }
    }
}

/// `--format` and `--blobs`: how the commands that print rows write them.
#[derive(Clone, Copy, Debug, clap::Args)]
pub(crate) struct Printing {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t)]
    pub(crate) format: Format,
    /// How blobs are written.
    #[arg(long, value_enum, default_value_t)]
    pub(crate) blobs: BlobEncoding,
}

/// A REAL as text that reads back as the same REAL: the shortest digits that recover it, and
/// always a point or an exponent, so that it never reads back as an INTEGER.
pub(crate) fn real(value: f64) -> String {
    if value.is_finite() {
        // Rust's `{:?}` is the shortest round-trip form and keeps `.0` on whole numbers.
        format!("{value:?}")
    } else if value.is_nan() {
        "NaN".to_owned()
    } else if value > 0.0 {
        "Inf".to_owned()
    } else {
        "-Inf".to_owned()
    }
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Receives a result set row by row.
pub(crate) trait Sink {
    fn header(&mut self, names: &[String]) -> io::Result<()>;
    fn row(&mut self, values: &[ValueRef<'_>]) -> io::Result<()>;
    fn finish(&mut self) -> io::Result<()>;
}

pub(crate) fn sink<'w>(
    format: Format,
    blobs: BlobEncoding,
    out: Box<dyn Write + 'w>,
) -> Box<dyn Sink + 'w> {
    match format {
        Format::Table => Box::new(Table {
            out,
            blobs,
            names: Vec::new(),
            held: Vec::new(),
            widths: None,
        }),
        Format::Csv => Box::new(Csv {
            out: csv::Writer::from_writer(out),
            blobs,
        }),
        Format::Json => Box::new(Json {
            out,
            blobs,
            names: Vec::new(),
            rows: 0,
            lines: false,
        }),
        Format::Ndjson => Box::new(Json {
            out,
            blobs,
            names: Vec::new(),
            rows: 0,
            lines: true,
        }),
    }
}

/// Text for a cell in a table or CSV: NULL as `NULL` (table) or empty (CSV).
fn text(value: ValueRef<'_>, blobs: BlobEncoding, null: &str) -> String {
    match value {
        ValueRef::Null => null.to_owned(),
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(r) => real(r),
        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
        ValueRef::Blob(b) => blobs.encode(b),
    }
}

/// Rows held to size the columns before the first line is printed; later rows are printed as
/// they come, in the same widths (a longer cell widens only its own line). Memory stays bounded
/// however many rows the query returns.
const SIZING_ROWS: usize = 1000;

struct Table<'w> {
    out: Box<dyn Write + 'w>,
    blobs: BlobEncoding,
    names: Vec<String>,
    held: Vec<Vec<String>>,
    /// Set once the header is printed; from then on rows are written as they come.
    widths: Option<Vec<usize>>,
}

impl Table<'_> {
    fn line(&mut self, cells: &[String]) -> io::Result<()> {
        let widths = self.widths.as_deref().unwrap_or_default();
        let mut line = String::new();
        for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
            if i > 0 {
                line.push_str(" | ");
            }
            line.push_str(cell);
            let pad = width.saturating_sub(cell.chars().count());
            line.extend(std::iter::repeat_n(' ', pad));
        }
        writeln!(self.out, "{}", line.trim_end())
    }

    /// Sizes the columns from the rows held so far and prints them.
    fn print_held(&mut self) -> io::Result<()> {
        let widths: Vec<usize> = (0..self.names.len())
            .map(|i| {
                self.held
                    .iter()
                    .map(|r| r[i].chars().count())
                    .chain([self.names[i].chars().count()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let rule = widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("-+-");
        self.widths = Some(widths);
        let names = std::mem::take(&mut self.names);
        self.line(&names)?;
        writeln!(self.out, "{rule}")?;
        for row in std::mem::take(&mut self.held) {
            self.line(&row)?;
        }
        Ok(())
    }
}

impl Sink for Table<'_> {
    fn header(&mut self, names: &[String]) -> io::Result<()> {
        self.names = names.to_vec();
        Ok(())
    }

    fn row(&mut self, values: &[ValueRef<'_>]) -> io::Result<()> {
        let cells: Vec<String> = values
            .iter()
            .map(|v| text(*v, self.blobs, "NULL"))
            .collect();
        if self.widths.is_some() {
            return self.line(&cells);
        }
        self.held.push(cells);
        if self.held.len() == SIZING_ROWS {
            self.print_held()?;
        }
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        if self.widths.is_none() {
            self.print_held()?;
        }
        self.out.flush()
    }
}

struct Csv<'w> {
    out: csv::Writer<Box<dyn Write + 'w>>,
    blobs: BlobEncoding,
}

impl Sink for Csv<'_> {
    fn header(&mut self, names: &[String]) -> io::Result<()> {
        self.out.write_record(names).map_err(csv_io_error)
    }

    fn row(&mut self, values: &[ValueRef<'_>]) -> io::Result<()> {
        self.out
            .write_record(values.iter().map(|v| text(*v, self.blobs, "")))
            .map_err(csv_io_error)
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// The writer's I/O error as it was (a closed pipe must stay recognisable); others wrapped.
fn csv_io_error(error: csv::Error) -> io::Error {
    if !error.is_io_error() {
        return io::Error::other(error);
    }
    match error.into_kind() {
        csv::ErrorKind::Io(error) => error,
        other => io::Error::other(format!("{other:?}")),
    }
}

struct Json<'w> {
    out: Box<dyn Write + 'w>,
    blobs: BlobEncoding,
    names: Vec<String>,
    rows: u64,
    lines: bool,
}

/// One value as JSON (see the module's documentation for REALs and blobs).
fn json_value(out: &mut dyn Write, blobs: BlobEncoding, value: ValueRef<'_>) -> io::Result<()> {
    match value {
        ValueRef::Null => write!(out, "null"),
        ValueRef::Integer(i) => write!(out, "{i}"),
        ValueRef::Real(r) if r.is_finite() => write!(out, "{}", real(r)),
        // SQLite stores no NaN (it becomes NULL); one computed on the way out is no number.
        ValueRef::Real(r) if r.is_nan() => write!(out, "null"),
        ValueRef::Real(r) => write!(out, "{}", if r > 0.0 { "1e999" } else { "-1e999" }),
        ValueRef::Text(t) => {
            serde_json::to_writer(&mut *out, &String::from_utf8_lossy(t)).map_err(io::Error::from)
        }
        ValueRef::Blob(b) => write!(out, "{{\"{}\":\"{}\"}}", blobs.json_key(), blobs.encode(b)),
    }
}

impl Sink for Json<'_> {
    fn header(&mut self, names: &[String]) -> io::Result<()> {
        self.names = names.to_vec();
        if !self.lines {
            write!(self.out, "[")?;
        }
        Ok(())
    }

    fn row(&mut self, values: &[ValueRef<'_>]) -> io::Result<()> {
        if !self.lines {
            write!(
                self.out,
                "{}",
                if self.rows == 0 { "\n  " } else { ",\n  " }
            )?;
        }
        // Written key by key so the columns keep their order.
        write!(self.out, "{{")?;
        for (i, (name, value)) in self.names.iter().zip(values).enumerate() {
            if i > 0 {
                write!(self.out, ",")?;
            }
            serde_json::to_writer(&mut self.out, name)?;
            write!(self.out, ":")?;
            json_value(self.out.as_mut(), self.blobs, *value)?;
        }
        write!(self.out, "}}")?;
        if self.lines {
            writeln!(self.out)?;
        }
        self.rows += 1;
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        if !self.lines {
            writeln!(self.out, "{}]", if self.rows == 0 { "" } else { "\n" })?;
        }
        self.out.flush()
    }
}

/// Runs `stmt` with `params` and writes every row to `sink`.
pub(crate) fn write_rows<P: lite3::Params>(
    stmt: &mut lite3::Statement<'_>,
    params: P,
    sink: &mut dyn Sink,
) -> Result<u64, crate::Error> {
    let names: Vec<String> = stmt.column_names().into_iter().map(str::to_owned).collect();
    sink.header(&names)?;
    let mut rows = stmt.query(params)?;
    let mut count = 0;
    while let Some(row) = rows.next()? {
        let values = (0..names.len())
            .map(|i| row.get_ref(i))
            .collect::<lite3::Result<Vec<_>>>()?;
        sink.row(&values)?;
        count += 1;
    }
    sink.finish()?;
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), expected);
        }
    }
}
