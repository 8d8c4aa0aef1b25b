//! Writing rows as a table, CSV, a JSON array or NDJSON. Blobs are written as hex or base64.

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
            rows: Vec::new(),
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
        ValueRef::Real(r) => r.to_string(),
        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
        ValueRef::Blob(b) => blobs.encode(b),
    }
}

struct Table<'w> {
    out: Box<dyn Write + 'w>,
    blobs: BlobEncoding,
    names: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Sink for Table<'_> {
    fn header(&mut self, names: &[String]) -> io::Result<()> {
        self.names = names.to_vec();
        Ok(())
    }

    fn row(&mut self, values: &[ValueRef<'_>]) -> io::Result<()> {
        self.rows.push(
            values
                .iter()
                .map(|v| text(*v, self.blobs, "NULL"))
                .collect(),
        );
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        let widths: Vec<usize> = (0..self.names.len())
            .map(|i| {
                self.rows
                    .iter()
                    .map(|r| r[i].chars().count())
                    .chain([self.names[i].chars().count()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: &[String]| {
            cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c:<w$}"))
                .collect::<Vec<_>>()
                .join(" | ")
                .trim_end()
                .to_owned()
        };
        writeln!(self.out, "{}", line(&self.names))?;
        writeln!(
            self.out,
            "{}",
            widths
                .iter()
                .map(|w| "-".repeat(*w))
                .collect::<Vec<_>>()
                .join("-+-")
        )?;
        for row in &self.rows {
            writeln!(self.out, "{}", line(row))?;
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

impl Json<'_> {
    fn value(&self, value: ValueRef<'_>) -> serde_json::Value {
        match value {
            ValueRef::Null => serde_json::Value::Null,
            ValueRef::Integer(i) => i.into(),
            ValueRef::Real(r) => {
                serde_json::Number::from_f64(r).map_or(serde_json::Value::Null, Into::into)
            }
            ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned().into(),
            ValueRef::Blob(b) => self.blobs.encode(b).into(),
        }
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
            let value = self.value(*value);
            serde_json::to_writer(&mut self.out, &value)?;
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
