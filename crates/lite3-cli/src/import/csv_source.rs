//! CSV records (RFC 4180, with or without a header row). A quoted field that is never closed is
//! an error naming the line where its quote opened: the csv crate itself would read the rest of
//! the file into that field.

use super::{Field, Record, Source};
use crate::line_numbers::Positions;
use crate::quotes::unclosed_quote;
use std::io::Read;

pub(super) struct CsvSource<R: Read> {
    reader: csv::Reader<R>,
    delimiter: u8,
    /// Records' positions are byte offsets into the input (see [`Positions`]).
    positions: Positions,
    columns: Vec<String>,
    record: csv::StringRecord,
    /// The first record, read to count the columns of a file without a header row.
    first: Option<Record>,
    /// Where the last record read started: an unclosed quote can only be in it.
    last_start: u64,
    headers: bool,
    done: bool,
}

impl<R: Read> CsvSource<R> {
    pub(super) fn new(
        input: R,
        delimiter: u8,
        headers: bool,
        positions: Positions,
    ) -> Result<Self, String> {
        let reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            // Records of the wrong length are reported by `fields`, with the line.
            .flexible(true)
            .from_reader(input);
        let mut source = Self {
            reader,
            delimiter,
            positions,
            columns: Vec::new(),
            record: csv::StringRecord::new(),
            first: None,
            last_start: 0,
            headers,
            done: false,
        };
        let Some(first) = source.read()? else {
            source.done = true;
            return Err("1: the file is empty".into());
        };
        if headers {
            source.columns = source.record.iter().map(str::to_owned).collect();
            if source.columns.iter().any(String::is_empty) {
                return Err("1: the header row must name every column".into());
            }
        } else {
            source.columns = (1..=source.record.len()).map(|i| format!("c{i}")).collect();
            source.first = Some(source.fields(first)?);
        }
        Ok(source)
    }

    /// Reads the next record into `self.record`: its position, or `None` at the end.
    fn read(&mut self) -> Result<Option<u64>, String> {
        match self.reader.read_record(&mut self.record) {
            Ok(true) => {
                let at = self.record.position().map_or(0, csv::Position::byte);
                self.last_start = at;
                Ok(Some(at))
            }
            Ok(false) => match self.unclosed_quote_from(self.last_start) {
                Some(message) => Err(message),
                None => Ok(None),
            },
            Err(e) => {
                let at = e.position().map_or(self.last_start, csv::Position::byte);
                Err(self
                    .unclosed_quote_from(at)
                    .unwrap_or_else(|| format!("{}: {}", self.positions.line(at), describe(&e))))
            }
        }
    }

    /// The message for a quote opened at or after byte `start` and never closed.
    fn unclosed_quote_from(&self, start: u64) -> Option<String> {
        let text = self.positions.text_from(start)?;
        let opened = unclosed_quote(text, self.delimiter).ok()??;
        Some(format!(
            "{}: a quoted field opens here and is never closed (a missing '\"'?)",
            self.positions.line(start + opened)
        ))
    }

    /// The current record as fields, checked against the header.
    fn fields(&self, at: u64) -> Result<Record, String> {
        if self.record.len() != self.columns.len() {
            return Err(self.unclosed_quote_from(at).unwrap_or_else(|| {
                format!(
                    "{}: {} field(s), the {} has {}",
                    self.positions.line(at),
                    self.record.len(),
                    if self.headers { "header" } else { "first row" },
                    self.columns.len()
                )
            }));
        }
        let fields = self
            .record
            .iter()
            .map(|f| {
                if f.is_empty() {
                    Field::Null
                } else {
                    Field::Text(f.to_owned())
                }
            })
            .collect();
        Ok(Record { at, fields })
    }
}

impl<R: Read> Source for CsvSource<R> {
    fn columns(&self) -> &[String] {
        &self.columns
    }

    fn positions(&self) -> Positions {
        self.positions.clone()
    }

    fn next_record(&mut self) -> Option<Result<Record, String>> {
        if let Some(first) = self.first.take() {
            return Some(Ok(first));
        }
        if self.done {
            return None;
        }
        match self.read() {
            Ok(Some(at)) => Some(self.fields(at)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

fn describe(error: &csv::Error) -> String {
    match error.kind() {
        csv::ErrorKind::Utf8 { err, .. } => {
            format!("invalid UTF-8: {err} (for Latin-1 text, pass --encoding latin-1)")
        }
        _ => error.to_string(),
    }
}
