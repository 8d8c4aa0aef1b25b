//! NDJSON records: one JSON object per line. The columns are the keys seen in the sample, in the
//! order they first appear. A JSON number keeps its text, so that it is converted only when
//! that is exact (see [`crate::numbers`]).

use super::{Field, Record, Source};
use crate::line_numbers::Positions;
use std::collections::VecDeque;
use std::io::BufRead;

/// A JSON object and the line it was on.
type Object = (u64, serde_json::Map<String, serde_json::Value>);

pub(super) struct NdjsonSource<R: BufRead> {
    lines: std::io::Lines<R>,
    line: u64,
    columns: Vec<String>,
    buffered: VecDeque<Object>,
}

impl<R: BufRead> NdjsonSource<R> {
    pub(super) fn new(input: R, sample: usize) -> Result<Self, String> {
        let mut source = Self {
            lines: input.lines(),
            line: 0,
            columns: Vec::new(),
            buffered: VecDeque::new(),
        };
        while source.buffered.len() < sample.max(1) {
            match source.next_object() {
                Some(object) => {
                    let (line, object) = object?;
                    for key in object.keys() {
                        if !source.columns.contains(key) {
                            source.columns.push(key.clone());
                        }
                    }
                    source.buffered.push_back((line, object));
                }
                None => break,
            }
        }
        if source.columns.is_empty() {
            return Err("1: no JSON object with any field".into());
        }
        Ok(source)
    }

    fn next_object(&mut self) -> Option<Result<Object, String>> {
        loop {
            let text = match self.lines.next()? {
                Ok(text) => text,
                Err(e) => return Some(Err(format!("{}: {e}", self.line + 1))),
            };
            self.line += 1;
            if text.trim().is_empty() {
                continue;
            }
            return Some(match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(serde_json::Value::Object(object)) => Ok((self.line, object)),
                Ok(_) => Err(format!("{}: not a JSON object", self.line)),
                Err(e) => Err(format!("{}: invalid JSON: {e}", self.line)),
            });
        }
    }

    fn record(
        &self,
        line: u64,
        mut object: serde_json::Map<String, serde_json::Value>,
    ) -> Result<Record, String> {
        let fields = self
            .columns
            .iter()
            .map(|c| object.remove(c).map_or(Field::Null, field))
            .collect();
        if let Some(extra) = object.keys().next() {
            return Err(format!(
                "{line}: field {extra:?} did not appear in the sampled lines, so it has no column (raise --sample)"
            ));
        }
        Ok(Record { at: line, fields })
    }
}

fn field(value: serde_json::Value) -> Field {
    match value {
        serde_json::Value::Null => Field::Null,
        serde_json::Value::Bool(b) => Field::Integer(i64::from(b)),
        // The number's text as written (serde_json keeps it: `arbitrary_precision`).
        serde_json::Value::Number(n) => Field::Text(n.to_string()),
        serde_json::Value::String(s) => Field::Text(s),
        nested => Field::Text(nested.to_string()),
    }
}

impl<R: BufRead> Source for NdjsonSource<R> {
    fn columns(&self) -> &[String] {
        &self.columns
    }

    fn positions(&self) -> Positions {
        Positions::Lines
    }

    fn next_record(&mut self) -> Option<Result<Record, String>> {
        let (line, object) = match self.buffered.pop_front() {
            Some(buffered) => buffered,
            None => match self.next_object()? {
                Ok(object) => object,
                Err(e) => return Some(Err(e)),
            },
        };
        Some(self.record(line, object))
    }
}
