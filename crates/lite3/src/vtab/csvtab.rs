//! `csv`: a CSV file (or text) as a read-only table (rusqlite's `vtab::csvtab`, after SQLite's
//! <https://sqlite.org/csv.html>), behind the `csvtab` feature.
//!
//! `CREATE VIRTUAL TABLE temp.t USING csv(filename = 'data.csv', header = yes)` takes:
//!
//! | argument | meaning |
//! |---|---|
//! | `filename = PATH` | the file, read anew by each scan |
//! | `data = TEXT` | the CSV itself, instead of a file |
//! | `header = yes/no` | the first row names the columns (default no) |
//! | `columns = N` | N columns, named `c0`, `c1`, … (default: as many as the first row has) |
//! | `schema = 'CREATE TABLE x(…)'` | the columns' names and declared types, as given |
//! | `delimiter = C`, `quote = C` | one-byte delimiter (`,`) and quote (`"`; `0` for none) |
//!
//! Every value is TEXT, byte for byte as in the file (declared types apply affinity in
//! comparisons as usual); a row with fewer fields than columns has NULLs. The table is
//! `DIRECTONLY`: triggers and views cannot read files through it.
//!
//! ```
//! let conn = lite3::Connection::open_in_memory()?;
//! lite3::vtab::csvtab::load_module(&conn)?;
//! conn.execute_batch(
//!     "CREATE VIRTUAL TABLE temp.people USING csv(data = 'name,age\nAda,36\nAlan,41', header = yes)",
//! )?;
//! let oldest: String = conn.query_row(
//!     "SELECT name FROM people ORDER BY CAST(age AS INTEGER) DESC LIMIT 1", (), |r| r.get(0))?;
//! assert_eq!(oldest, "Alan");
//! # Ok::<(), lite3::Error>(())
//! ```

use super::{
    Context, CreateVTab, Filters, IndexInfo, Module, VTab, VTabConfig, VTabConnection, VTabCursor,
    VTabKind, escape_double_quote, module_error, parameter, parse_boolean,
};
use crate::{Connection, Error, Result, ValueRef};
use std::borrow::Cow;
use std::ffi::{CStr, CString, c_int};
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

/// Registers the `csv` module on `conn`.
///
/// # Errors
/// SQLite's error.
pub fn load_module(conn: &Connection) -> Result<()> {
    const MODULE: Module<CsvTab> = Module::read_only_module();
    conn.create_module(c"csv", &MODULE, None)
}

/// Where the CSV comes from.
#[derive(Clone)]
enum Source {
    File(PathBuf),
    Data(Arc<[u8]>),
}

#[derive(Clone)]
struct CsvTab {
    source: Source,
    header: bool,
    delimiter: u8,
    quote: Option<u8>,
}

impl CsvTab {
    fn reader(&self) -> Result<csv::Reader<Box<dyn Read>>> {
        let input: Box<dyn Read> =
            match &self.source {
                Source::File(path) => Box::new(std::fs::File::open(path).map_err(|e| {
                    module_error(format!("csv: cannot open {}: {e}", path.display()))
                })?),
                Source::Data(data) => Box::new(std::io::Cursor::new(Arc::clone(data))),
            };
        let mut builder = csv::ReaderBuilder::new();
        builder
            .has_headers(self.header)
            .flexible(true)
            .delimiter(self.delimiter)
            .quoting(self.quote.is_some())
            .quote(self.quote.unwrap_or(b'"'));
        Ok(builder.from_reader(input))
    }
}

fn one_byte(name: &str, value: &str) -> Result<u8> {
    match value.as_bytes() {
        [byte] if byte.is_ascii() => Ok(*byte),
        _ => Err(module_error(format!(
            "csv: {name} must be one ASCII character, not {value:?}"
        ))),
    }
}

fn csv_error(error: csv::Error) -> Error {
    module_error(format!("csv: {error}"))
}

impl VTab for CsvTab {
    type Aux = ();
    type Cursor = CsvCursor;

    fn connect(
        db: &mut VTabConnection,
        _aux: Option<&()>,
        _module_name: &[u8],
        _database_name: &[u8],
        _table_name: &[u8],
        args: &[&[u8]],
    ) -> Result<(Cow<'static, CStr>, Self)> {
        let mut source = None;
        let (mut header, mut delimiter, mut quote) = (false, b',', Some(b'"'));
        let (mut schema, mut columns) = (None, None);
        for arg in args {
            let (key, value) = parameter(arg)?;
            let value = value.into_owned();
            let once = |seen: bool| {
                if seen {
                    Err(module_error(format!("csv: {key} is given twice")))
                } else {
                    Ok(())
                }
            };
            match key {
                "filename" | "data" => {
                    once(source.is_some())?;
                    source = Some(if key == "data" {
                        Source::Data(value.into_bytes().into())
                    } else {
                        Source::File(value.into())
                    });
                }
                "header" => {
                    header = parse_boolean(&value).ok_or_else(|| {
                        module_error(format!("csv: header must be yes or no, not {value:?}"))
                    })?;
                }
                "schema" => {
                    once(schema.is_some())?;
                    schema = Some(
                        CString::new(value)
                            .map_err(|_| module_error("csv: the schema contains a NUL byte"))?,
                    );
                }
                "columns" => {
                    once(columns.is_some())?;
                    columns = Some(value.parse::<u16>().ok().filter(|&n| n > 0).ok_or_else(
                        || module_error(format!("csv: columns must be 1 to 65535, not {value:?}")),
                    )?);
                }
                "delimiter" => delimiter = one_byte("delimiter", &value)?,
                "quote" => {
                    quote = match one_byte("quote", &value)? {
                        b'0' => None,
                        byte => Some(byte),
                    };
                }
                other => return Err(module_error(format!("csv: unknown argument {other:?}"))),
            }
        }
        let source =
            source.ok_or_else(|| module_error("csv: give filename = PATH or data = TEXT"))?;
        let table = CsvTab {
            source,
            header,
            delimiter,
            quote,
        };
        let schema = match schema {
            Some(schema) => schema,
            None => {
                let names = match columns {
                    Some(n) => (0..n).map(|i| format!("c{i}")).collect(),
                    None => table.column_names()?,
                };
                let columns: Vec<String> = names
                    .iter()
                    .map(|name| format!("\"{}\" TEXT", escape_double_quote(name)))
                    .collect();
                CString::new(format!("CREATE TABLE x({})", columns.join(", ")))
                    .map_err(|_| module_error("csv: a column name contains a NUL byte"))?
            }
        };
        // Reading files from a trigger or view of an untrusted schema is what an attack needs.
        db.config(VTabConfig::DirectOnly)?;
        Ok((Cow::Owned(schema), table))
    }

    fn best_index(&self, info: &mut IndexInfo) -> Result<bool> {
        // Only full scans; a large cost keeps it on the outer side of joins.
        info.set_estimated_cost(1_000_000.0);
        Ok(true)
    }

    fn open(&mut self) -> Result<CsvCursor> {
        Ok(CsvCursor {
            table: self.clone(),
            reader: None,
            record: csv::ByteRecord::new(),
            rowid: 0,
            at_end: true,
        })
    }
}

impl CsvTab {
    /// The header's names, or `c0`, `c1`, … for as many fields as the first row has.
    fn column_names(&self) -> Result<Vec<String>> {
        let mut reader = self.reader()?;
        if self.header {
            let names = reader.byte_headers().map_err(csv_error)?;
            return Ok(names
                .iter()
                .map(|n| String::from_utf8_lossy(n).into_owned())
                .collect());
        }
        let mut first = csv::ByteRecord::new();
        reader.read_byte_record(&mut first).map_err(csv_error)?;
        match first.len() {
            0 => Err(module_error(
                "csv: the input is empty; give columns = N or a schema",
            )),
            n => Ok((0..n).map(|i| format!("c{i}")).collect()),
        }
    }
}

impl CreateVTab for CsvTab {
    const KIND: VTabKind = VTabKind::Default;
}

struct CsvCursor {
    /// What to read: each scan opens it anew.
    table: CsvTab,
    reader: Option<csv::Reader<Box<dyn Read>>>,
    record: csv::ByteRecord,
    rowid: i64,
    at_end: bool,
}

impl VTabCursor for CsvCursor {
    fn filter(&mut self, _: c_int, _: Option<&str>, _: &Filters<'_>) -> Result<()> {
        // Each scan starts at the first row: SQLite filters the same cursor again for every row
        // of a join's outer side.
        self.reader = Some(self.table.reader()?);
        self.rowid = 0;
        self.next()
    }

    fn next(&mut self) -> Result<()> {
        let Some(reader) = &mut self.reader else {
            self.at_end = true;
            return Ok(());
        };
        self.at_end = !reader
            .read_byte_record(&mut self.record)
            .map_err(csv_error)?;
        self.rowid += 1;
        Ok(())
    }

    fn eof(&self) -> bool {
        self.at_end
    }

    fn column(&self, ctx: &mut Context, i: c_int) -> Result<()> {
        let field = usize::try_from(i).ok().and_then(|i| self.record.get(i));
        ctx.set_result(field.map_or(ValueRef::Null, ValueRef::Text))
    }

    fn rowid(&self) -> Result<i64> {
        Ok(self.rowid)
    }
}
