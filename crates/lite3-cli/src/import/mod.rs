//! `lite3 import DB TABLE FILE`: CSV or NDJSON into a table, created with column types inferred
//! from a sample when it does not exist. All-or-nothing: the whole file is inserted in one
//! transaction through one prepared statement, and any bad line rolls it all back, naming the
//! file, the line and the reason. A value is converted to a number only when that is exact and
//! reversible ([`crate::numbers`]); otherwise it is kept as text, or, where SQLite would change
//! it, the import stops.

mod csv_source;
mod kinds;
mod ndjson_source;
mod table;

use crate::Error;
use crate::database;
use crate::input::{Encoding, Input};
use crate::line_numbers::Positions;
use csv_source::CsvSource;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use lite3::types::{ToSqlOutput, ValueRef};
use lite3::{OpenFlags, ToSql, TransactionBehavior};
use ndjson_source::NdjsonSource;
use std::io::{BufReader, IsTerminal};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use table::OnConflict;

#[derive(clap::Args)]
#[command(after_help = AFTER_HELP)]
pub(crate) struct Args {
    /// Database file (created if missing).
    pub(crate) db: PathBuf,
    /// Table to insert into (created if missing; an existing table is found whatever the case
    /// of its name).
    table: String,
    /// Input file: .csv/.tsv or .ndjson/.jsonl, optionally gzip-compressed (detected by its
    /// content); `-` reads standard input.
    file: PathBuf,
    /// Input format (default: from the file extension; required for standard input).
    #[arg(long, value_enum)]
    format: Option<InputFormat>,
    /// CSV field delimiter (default ',', or tab for .tsv).
    #[arg(long)]
    delimiter: Option<char>,
    /// The CSV file has no header row: its columns are named c1, c2, ….
    #[arg(long)]
    no_headers: bool,
    /// The input's text encoding.
    #[arg(long, value_enum, default_value_t)]
    encoding: Encoding,
    /// Column type for a new table, overriding inference (repeatable): --type id=INTEGER. A
    /// type with TEXT or BLOB affinity (containing CHAR, CLOB, TEXT or BLOB) keeps every value
    /// exactly as written.
    #[arg(long = "type", value_name = "COLUMN=TYPE")]
    types: Vec<String>,
    /// Primary key column of a new table (repeat for a compound key); with --upsert, the key
    /// to match rows on.
    #[arg(long, value_name = "COLUMN")]
    pk: Vec<String>,
    /// A row whose key is already in the table replaces the old row.
    #[arg(long, conflicts_with = "upsert")]
    replace: bool,
    /// A row whose key is already in the table updates the old row's columns named in the
    /// input, and leaves its other columns as they were.
    #[arg(long)]
    upsert: bool,
    /// Add the input's columns that an existing table lacks (with inferred types).
    #[arg(long)]
    alter: bool,
    /// Lines read to infer column types (and, for NDJSON, the columns).
    #[arg(long, default_value_t = 1000)]
    sample: usize,
    #[command(flatten)]
    wait: database::Wait,
}

const AFTER_HELP: &str = "\
How values are stored:
  An empty CSV field is NULL. Text becomes a number only when the number is exactly what the
  text wrote: \"42\" becomes the integer 42 and \"1.5\" the real 1.5, but \"007\" (leading
  zeros), \"12345678901234567890\" (beyond 64 bits), \"1e400\" (out of range), \"NaN\" and
  \"inf\" do not. A column whose type has TEXT or BLOB affinity (TEXT, VARCHAR, BLOB, no
  type) keeps every value exactly as written. In a numeric column (INTEGER, REAL, NUMERIC),
  text that is no number (\"abc\") is kept as text, and text SQLite would store as a
  different number (\"007\") stops the import with FILE:LINE. A new table's types are
  inferred from the first --sample records; an existing table's declared types decide.

Examples:
  lite3 import shop.db orders orders.csv
  lite3 import shop.db orders orders.csv.gz --pk id --upsert
  gunzip -c events.ndjson.gz | lite3 import shop.db events - --format ndjson";

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

/// Records per batch handed from the reading thread to the inserting one: enough to make the
/// hand-over's cost vanish per row, few enough to keep the memory in flight small.
const BATCH_ROWS: usize = 1024;
/// Batches that may wait between the two threads.
const PIPELINE_DEPTH: usize = 4;

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
    let input = Input::open(&args.file, args.encoding)?;
    let read = Arc::new(AtomicU64::new(0));
    let text = input
        .reader_counting(read.clone())
        .map_err(|e| Error::Input(format!("{}: {e}", input.name())))?;
    let reader = BufReader::with_capacity(1 << 16, text);
    let located =
        |message: String| Error::Input(format!("{}:{message}; nothing was imported", input.name()));
    let mut source: Box<dyn Source + Send> = match format_of(args, &input)? {
        InputFormat::Csv => Box::new(
            CsvSource::new(
                reader,
                delimiter_of(args, &input)?,
                !args.no_headers,
                Positions::BytesOf(input.clone()),
            )
            .map_err(located)?,
        ),
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
    let mut inferred = kinds::infer(columns.len(), sample.iter().map(|r| r.fields.as_slice()));
    kinds::apply_overrides(&mut inferred, &columns, &args.types)?;

    let mut conn = database::open(&args.db, OpenFlags::default(), &args.wait)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let target = table::prepare(
        &tx,
        table::Request {
            table: &args.table,
            columns: &columns,
            kinds: inferred,
            typed: !args.types.is_empty(),
            pk: &args.pk,
            alter: args.alter,
            on_conflict: match (args.replace, args.upsert) {
                (true, _) => OnConflict::Replace,
                (_, true) => OnConflict::Upsert,
                _ => OnConflict::Fail,
            },
        },
    )?;
    let mut insert = tx.prepare(&target.insert)?;

    let stored: Vec<kinds::Column<'_>> = columns
        .iter()
        .zip(&target.kinds)
        .map(|(name, kind)| kinds::Column::new(name, kind))
        .collect();
    let progress = progress_bar(input.size());
    let positions = source.positions();
    // Converting a record to the values stored: the same on both threads below.
    let convert = |record: Record| -> Result<(u64, Vec<Field>), String> {
        let at = record.at;
        record
            .fields
            .into_iter()
            .zip(&target.kinds)
            .zip(&stored)
            .map(|((f, k), c)| k.convert(f, c))
            .collect::<Result<Vec<Field>, String>>()
            .map(|fields| (at, fields))
            .map_err(|e| format!("{}: {e}", positions.line(at)))
    };
    let mut rows = 0u64;
    let mut insert_batch = |batch: &[(u64, Vec<Field>)]| -> Result<(), Error> {
        let mut params: Vec<&dyn ToSql> = Vec::with_capacity(columns.len());
        for (at, fields) in batch {
            params.clear();
            params.extend(fields.iter().map(|f| f as &dyn ToSql));
            insert
                .execute(params.as_slice())
                .map_err(|e| located(format!("{}: {e}", positions.line(*at))))?;
            rows += 1;
            // Every few thousand rows: the bar costs nothing per row.
            if rows.is_multiple_of(4096) {
                progress.set_position(read.load(Ordering::Relaxed));
                progress.set_message(format!("{rows} rows"));
            }
        }
        Ok(())
    };
    let sample = sample
        .into_iter()
        .map(convert)
        .collect::<Result<Vec<_>, String>>()
        .map_err(located)?;
    insert_batch(&sample)?;
    // The rest is read, parsed and converted on a thread of its own while this one inserts
    // (SQLite's work), in batches through a short queue: on two cores the import then takes
    // about as long as the inserts alone. Inserted batches go back to that thread, which frees
    // their values (and reuses the batch), so this thread does not pay for it either. A failure
    // on either side ends both, and the transaction, never committed, rolls back.
    std::thread::scope(|scope| -> Result<(), Error> {
        let (batches, received) = std::sync::mpsc::sync_channel(PIPELINE_DEPTH);
        let (give_back, given_back) = std::sync::mpsc::channel::<Vec<(u64, Vec<Field>)>>();
        scope.spawn(move || {
            loop {
                let mut batch = match given_back.try_recv() {
                    Ok(mut used) => {
                        used.clear();
                        used
                    }
                    Err(_) => Vec::with_capacity(BATCH_ROWS),
                };
                let mut failure = None;
                while batch.len() < BATCH_ROWS {
                    match source.next_record().map(|r| r.and_then(convert)) {
                        Some(Ok(row)) => batch.push(row),
                        Some(Err(e)) => {
                            failure = Some(e);
                            break;
                        }
                        None => break,
                    }
                }
                let last = failure.is_some() || batch.len() < BATCH_ROWS;
                let sent = batches.send(Ok(batch)).and_then(|()| match failure {
                    Some(e) => batches.send(Err(e)),
                    None => Ok(()),
                });
                // A send fails when the inserting side stopped: nothing more to do.
                if last || sent.is_err() {
                    return;
                }
            }
        });
        for batch in received {
            let batch = batch.map_err(located)?;
            insert_batch(&batch)?;
            // The reading thread may have finished: then this thread frees it after all.
            let _ = give_back.send(batch);
        }
        Ok(())
    })?;
    drop(insert);
    tx.commit()?;
    progress.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "imported {rows} row(s) into {} from {} in {seconds:.2} s ({:.0} rows/s)",
        args.table,
        input.name(),
        rows as f64 / seconds.max(1e-9)
    );
    Ok(())
}

/// A bar with percentage and ETA when the input's size is known, on a terminal only.
fn progress_bar(size: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let (length, template) = if size > 0 {
        (
            Some(size),
            "{bar:30} {percent:>3}% {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} ETA {eta} {msg}",
        )
    } else {
        (
            None,
            "{spinner} {binary_bytes} {binary_bytes_per_sec} {elapsed} {msg}",
        )
    };
    let bar = ProgressBar::with_draw_target(length, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}

fn format_of(args: &Args, input: &Input) -> Result<InputFormat, Error> {
    if let Some(format) = args.format {
        return Ok(format);
    }
    match input.extension().as_deref() {
        Some("csv" | "tsv") => Ok(InputFormat::Csv),
        Some("ndjson" | "jsonl") => Ok(InputFormat::Ndjson),
        _ => Err(Error::Input(format!(
            "{}: cannot tell the format from the file name; pass --format csv|ndjson",
            input.name()
        ))),
    }
}

fn delimiter_of(args: &Args, input: &Input) -> Result<u8, Error> {
    let tsv = input.extension().as_deref() == Some("tsv");
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
