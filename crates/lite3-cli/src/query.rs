//! `lite3 query DB SQL [--param V | --text V]…`: parameters are always bound, never spliced into
//! the SQL. A `--param` is bound as an integer or a real when it is exactly one (the import's
//! rule, [`crate::numbers`]), as text otherwise; a `--text` is always text.

use crate::Error;
use crate::database;
use crate::numbers::{self, Number};
use crate::output::{self, Printing};
use lite3::{Value, params_from_iter};
use std::io::Write as _;
use std::path::PathBuf;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Database file (created if missing, unless --read-only).
    pub(crate) db: PathBuf,
    /// One SQL statement (`-` reads it from standard input); use ?1, ?2, … for the parameters.
    sql: String,
    /// A parameter, in order with --text for ?1, ?2, …: bound as an integer or a real when it
    /// is exactly one ("42", "1.5"), as text otherwise ("007", "abc").
    #[arg(long = "param", short = 'p', value_name = "VALUE")]
    params: Vec<String>,
    /// A parameter always bound as text ("007" stays "007"), in order with --param.
    #[arg(long = "text", short = 't', value_name = "VALUE")]
    texts: Vec<String>,
    #[command(flatten)]
    printing: Printing,
    #[command(flatten)]
    access: database::Access,
}

/// The parameters in the order they were given on the command line, `--param` and `--text`
/// mixed (`matches` are the subcommand's, which know each value's position).
pub(crate) fn parameters(args: &Args, matches: &clap::ArgMatches) -> Vec<Value> {
    let positions = |id: &str| -> Vec<usize> {
        matches
            .indices_of(id)
            .map(Iterator::collect)
            .unwrap_or_default()
    };
    let typed = args.params.iter().map(|p| typed_value(p));
    let texts = args.texts.iter().map(|t| Value::Text(t.clone()));
    let mut all: Vec<(usize, Value)> = positions("params")
        .into_iter()
        .zip(typed)
        .chain(positions("texts").into_iter().zip(texts))
        .collect();
    all.sort_by_key(|(position, _)| *position);
    all.into_iter().map(|(_, value)| value).collect()
}

fn typed_value(text: &str) -> Value {
    match numbers::exact(text) {
        Some(Number::Integer(i)) => Value::Integer(i),
        Some(Number::Real(r)) => Value::Real(r),
        None => Value::Text(text.to_owned()),
    }
}

pub(crate) fn run(args: &Args, params: &[Value]) -> Result<(), Error> {
    let conn = args.access.open(&args.db)?;
    let sql = if args.sql == "-" {
        std::io::read_to_string(std::io::stdin())?
    } else {
        args.sql.clone()
    };
    let mut stmt = conn.prepare(&sql)?;
    if stmt.column_count() == 0 {
        let changed = stmt.execute(params_from_iter(params))?;
        writeln!(std::io::stdout(), "{changed} row(s) changed")?;
        return Ok(());
    }
    let mut sink = output::sink(
        args.printing.format,
        args.printing.blobs,
        Box::new(std::io::stdout().lock()),
    );
    output::write_rows(&mut stmt, params_from_iter(params), sink.as_mut())?;
    Ok(())
}
