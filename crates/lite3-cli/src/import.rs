//! `lite3 import DB TABLE FILE`: CSV (with a header row) or NDJSON into a table, created with
//! column types inferred from a sample when it does not exist. All-or-nothing: the whole file is
//! inserted in one transaction through one prepared statement, and any bad line rolls it all
//! back, naming the file, the line and the reason.

use crate::Error;
use crate::database;
use crate::export::quote_identifier;
use crate::line_numbers::Positions;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use lite3::types::{ToSqlOutput, ValueRef};
use lite3::{OpenFlags, ToSql, TransactionBehavior};
use std::io::{BufRead, BufReader, IsTerminal};
use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Database file (created if missing).
    pub(crate) db: PathBuf,
    /// Table to insert into (created if missing).
    table: String,
    /// Input file: .csv/.tsv or .ndjson/.jsonl (or say which with --format).
    file: PathBuf,
    /// Input format (default: from the file extension).
    #[arg(long, value_enum)]
    format: Option<InputFormat>,
    /// CSV field delimiter (default ',', or tab for .tsv).
    #[arg(long)]
    delimiter: Option<char>,
    /// Column type for a new table, overriding inference (repeatable): --type id=INTEGER. A
    /// type with TEXT or BLOB affinity (containing CHAR, CLOB, TEXT or BLOB) keeps every value
    /// exactly as written; "NaN" and "inf" are never turned into numbers.
    #[arg(long = "type", value_name = "COLUMN=TYPE")]
    types: Vec<String>,
    /// Lines read to infer column types (and, for NDJSON, the columns).
    #[arg(long, default_value_t = 1000)]
    sample: usize,
    #[command(flatten)]
    wait: database::Wait,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum InputFormat {
    Csv,
    Ndjson,
}

/// One input value, typed as far as the input format says.
#[derive(Clone, Debug, PartialEq)]
enum Field {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
}

impl ToSql for Field {
    fn to_sql(&self) -> lite3::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self {
            Field::Null => ValueRef::Null,
            Field::Integer(i) => ValueRef::Integer(*i),
            Field::Real(r) => ValueRef::Real(*r),
            Field::Text(t) => ValueRef::Text(t.as_bytes()),
        }))
    }
}

/// A record and where it started, in its source's [`Positions`].
struct Record {
    at: u64,
    fields: Vec<Field>,
}

/// Reads records of one format, with the column names.
trait Source {
    fn columns(&self) -> &[String];
    fn next_record(&mut self) -> Option<Result<Record, String>>;
    /// What the records' positions mean, to name their lines in messages.
    fn positions(&self) -> Positions;
}

pub(crate) fn run(args: &Args) -> Result<(), Error> {
    let started = Instant::now();
    let file = std::fs::File::open(&args.file)
        .map_err(|e| Error::Input(format!("{}: {e}", args.file.display())))?;
    let reader = BufReader::with_capacity(1 << 16, file);
    let located = |message: String| {
        Error::Input(format!(
            "{}:{message}; nothing was imported",
            args.file.display()
        ))
    };
    let mut source: Box<dyn Source> = match format_of(args)? {
        InputFormat::Csv => {
            Box::new(CsvSource::new(reader, delimiter_of(args)?, &args.file).map_err(located)?)
        }
        InputFormat::Ndjson => Box::new(NdjsonSource::new(reader, args.sample).map_err(located)?),
    };
    // The sample is read first, to infer types; it is inserted like every other record.
    let mut sample = Vec::new();
    while sample.len() < args.sample {
        match source.next_record() {
            Some(record) => sample.push(record.map_err(located)?),
            None => break,
        }
    }
    let columns = source.columns().to_vec();
    let kinds = infer(&columns, &sample, &args.types)?;

    let mut conn = database::open(&args.db, OpenFlags::default(), &args.wait)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let table = quote_identifier(&args.table);
    let exists: bool = tx.query_row(
        // SQLite's names ignore ASCII case: `T` is the existing table `t`.
        "SELECT count(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = ?1 COLLATE NOCASE",
        (&args.table,),
        |r| r.get(0),
    )?;
    if !exists {
        let defs: Vec<String> = columns
            .iter()
            .zip(&kinds)
            .map(|(c, k)| format!("{} {}", quote_identifier(c), k.sql()))
            .collect();
        tx.execute(&format!("CREATE TABLE {table}({})", defs.join(", ")), ())?;
    }
    let names: Vec<String> = columns.iter().map(|c| quote_identifier(c)).collect();
    let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
    let mut insert = tx.prepare(&format!(
        "INSERT INTO {table}({}) VALUES ({})",
        names.join(", "),
        placeholders.join(", ")
    ))?;

    let progress = progress_bar();
    let mut rows = 0u64;
    let positions = source.positions();
    let mut insert_record = |record: Record| -> Result<(), Error> {
        let typed: Vec<Field> = record
            .fields
            .into_iter()
            .zip(&kinds)
            .map(|(f, k)| k.convert(f))
            .collect();
        let params: Vec<&dyn ToSql> = typed.iter().map(|f| f as &dyn ToSql).collect();
        insert
            .execute(params.as_slice())
            .map_err(|e| located(format!("{}: {e}", positions.line(record.at))))?;
        rows += 1;
        progress.inc(1);
        Ok(())
    };
    for record in sample {
        insert_record(record)?;
    }
    while let Some(record) = source.next_record() {
        insert_record(record.map_err(located)?)?;
    }
    drop(insert);
    tx.commit()?;
    progress.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "imported {rows} row(s) into {table} from {} in {seconds:.2} s ({:.0} rows/s)",
        args.file.display(),
        rows as f64 / seconds.max(1e-9)
    );
    Ok(())
}

fn progress_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} {human_pos} rows, {per_sec}, {elapsed}")
    {
        bar.set_style(style);
    }
    bar
}

fn format_of(args: &Args) -> Result<InputFormat, Error> {
    if let Some(format) = args.format {
        return Ok(format);
    }
    match args
        .file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("csv" | "tsv") => Ok(InputFormat::Csv),
        Some("ndjson" | "jsonl") => Ok(InputFormat::Ndjson),
        _ => Err(Error::Input(format!(
            "{}: cannot tell the format from the extension; pass --format csv|ndjson",
            args.file.display()
        ))),
    }
}

fn delimiter_of(args: &Args) -> Result<u8, Error> {
    let tsv = args
        .file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("tsv"));
    let delimiter = args.delimiter.unwrap_or(if tsv { '\t' } else { ',' });
    u8::try_from(delimiter)
        .ok()
        .filter(u8::is_ascii)
        .ok_or_else(|| {
            Error::Input(format!(
                "the delimiter {delimiter:?} is not one ASCII character"
            ))
        })
}

/// A column's type, inferred from the sample or given with --type.
#[derive(Clone, Debug, PartialEq)]
enum Kind {
    Integer,
    Real,
    Text,
    Declared(String),
}

impl Kind {
    fn sql(&self) -> &str {
        match self {
            Kind::Integer => "INTEGER",
            Kind::Real => "REAL",
            Kind::Text => "TEXT",
            Kind::Declared(t) => t,
        }
    }

    /// CSV text becomes a number in numeric columns. Columns whose type has TEXT or BLOB
    /// affinity in SQLite's rules (inferred TEXT, or `--type` with CHAR, CLOB, TEXT, BLOB or no
    /// type) keep it exactly as written ("007", "1.10", "1e5"). Text that no finite number
    /// denotes ("NaN", "inf") is never turned into one.
    fn convert(&self, field: Field) -> Field {
        let Field::Text(text) = field else {
            return field;
        };
        if self.keeps_text() {
            return Field::Text(text);
        }
        text.parse()
            .map(Field::Integer)
            .ok()
            .or_else(|| {
                text.parse()
                    .ok()
                    .filter(|r: &f64| r.is_finite())
                    .map(Field::Real)
            })
            .unwrap_or(Field::Text(text))
    }

    /// Whether SQLite stores text in such a column as text: TEXT or BLOB affinity, decided as
    /// SQLite decides it from the declared type (INT first, then CHAR, CLOB, TEXT, then BLOB or
    /// no type).
    fn keeps_text(&self) -> bool {
        let declared = match self {
            Kind::Text => return true,
            Kind::Integer | Kind::Real => return false,
            Kind::Declared(t) => t.to_ascii_uppercase(),
        };
        if declared.contains("INT") {
            return false;
        }
        ["CHAR", "CLOB", "TEXT", "BLOB"]
            .iter()
            .any(|word| declared.contains(word))
            || declared.trim().is_empty()
    }
}

fn infer(columns: &[String], sample: &[Record], overrides: &[String]) -> Result<Vec<Kind>, Error> {
    let mut kinds: Vec<Kind> = (0..columns.len())
        .map(|i| {
            let values = sample
                .iter()
                .map(|r| &r.fields[i])
                .filter(|f| **f != Field::Null);
            let mut kind: Option<Kind> = None;
            for value in values {
                let this = match value {
                    Field::Integer(_) => Kind::Integer,
                    Field::Real(_) => Kind::Real,
                    Field::Text(t) => numeric_kind(t).unwrap_or(Kind::Text),
                    Field::Null => continue,
                };
                kind = Some(match (kind, this) {
                    (None, k) => k,
                    (Some(Kind::Integer), Kind::Real) | (Some(Kind::Real), Kind::Integer) => {
                        Kind::Real
                    }
                    (Some(a), b) if a == b => a,
                    _ => Kind::Text,
                });
            }
            kind.unwrap_or(Kind::Text)
        })
        .collect();
    for spec in overrides {
        let (name, ty) = spec
            .split_once('=')
            .ok_or_else(|| Error::Input(format!("--type {spec:?}: expected COLUMN=TYPE")))?;
        let index = columns
            .iter()
            .position(|c| c == name)
            .ok_or_else(|| Error::Input(format!("--type {spec:?}: no column {name:?}")))?;
        if ty.is_empty()
            || !ty
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '_')
        {
            return Err(Error::Input(format!(
                "--type {spec:?}: {ty:?} is not a column type"
            )));
        }
        kinds[index] = Kind::Declared(ty.to_owned());
    }
    Ok(kinds)
}

/// The numeric type text would take, if any. Numbers written with leading zeros ("007") are
/// identifiers, not numbers, and words Rust would parse as floats ("inf", "NaN") are text.
fn numeric_kind(text: &str) -> Option<Kind> {
    let digits = text.trim_start_matches(['-', '+']);
    let leading_zero =
        digits.len() > 1 && digits.starts_with('0') && digits.as_bytes()[1].is_ascii_digit();
    if leading_zero || !digits.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    if text.parse::<i64>().is_ok() {
        Some(Kind::Integer)
    } else if text.parse::<f64>().is_ok_and(f64::is_finite) {
        Some(Kind::Real)
    } else {
        None
    }
}

struct CsvSource<R: std::io::Read> {
    reader: csv::Reader<R>,
    /// Records' positions are byte offsets into this file (see [`Positions`]).
    positions: Positions,
    columns: Vec<String>,
    record: csv::StringRecord,
}

impl<R: std::io::Read> CsvSource<R> {
    fn new(input: R, delimiter: u8, path: &std::path::Path) -> Result<Self, String> {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(true)
            .from_reader(input);
        let headers = reader
            .headers()
            .map_err(|e| format!("1: cannot read the header row: {e}"))?;
        let columns: Vec<String> = headers.iter().map(str::to_owned).collect();
        if columns.is_empty() || columns.iter().any(String::is_empty) {
            return Err("1: the header row must name every column".into());
        }
        Ok(Self {
            reader,
            positions: Positions::BytesOf(path.to_path_buf()),
            columns,
            record: csv::StringRecord::new(),
        })
    }

    /// A record's position: its start's byte offset, made a line number only for messages.
    fn position_of(position: Option<&csv::Position>) -> u64 {
        position.map_or(0, csv::Position::byte)
    }
}

impl<R: std::io::Read> Source for CsvSource<R> {
    fn columns(&self) -> &[String] {
        &self.columns
    }

    fn positions(&self) -> Positions {
        self.positions.clone()
    }

    fn next_record(&mut self) -> Option<Result<Record, String>> {
        match self.reader.read_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                let at = Self::position_of(self.record.position());
                if self.record.len() != self.columns.len() {
                    return Some(Err(format!(
                        "{}: {} field(s), the header has {}",
                        self.positions.line(at),
                        self.record.len(),
                        self.columns.len()
                    )));
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
                Some(Ok(Record { at, fields }))
            }
            Err(e) => {
                let line = self.positions.line(Self::position_of(e.position()));
                Some(Err(format!("{line}: {}", e.kind_description())))
            }
        }
    }
}

trait KindDescription {
    fn kind_description(&self) -> String;
}

impl KindDescription for csv::Error {
    fn kind_description(&self) -> String {
        match self.kind() {
            csv::ErrorKind::Utf8 { err, .. } => format!("invalid UTF-8: {err}"),
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!("{len} field(s), the header has {expected_len}"),
            _ => self.to_string(),
        }
    }
}

/// A JSON object and the line it was on.
type Object = (u64, serde_json::Map<String, serde_json::Value>);

/// NDJSON: one object per line. The columns are the keys seen in the sample, in order.
struct NdjsonSource<R: BufRead> {
    lines: std::io::Lines<R>,
    line: u64,
    columns: Vec<String>,
    buffered: std::collections::VecDeque<Object>,
}

impl<R: BufRead> NdjsonSource<R> {
    fn new(input: R, sample: usize) -> Result<Self, String> {
        let mut source = Self {
            lines: input.lines(),
            line: 0,
            columns: Vec::new(),
            buffered: Default::default(),
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
        serde_json::Value::Number(n) => n.as_i64().map_or_else(
            || Field::Real(n.as_f64().unwrap_or(f64::NAN)),
            Field::Integer,
        ),
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
