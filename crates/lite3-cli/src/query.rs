//! `lite3 query DB SQL [--param V]…`: parameters are always bound, never spliced into the SQL.

use lite3::{Connection, OpenFlags, ValueRef, params_from_iter};
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Database file (created if missing, unless --read-only).
    db: PathBuf,
    /// One SQL statement; use ?1, ?2, … for the parameters.
    sql: String,
    /// A parameter value, bound as text (repeat for ?1, ?2, …).
    #[arg(long = "param", short = 'p')]
    params: Vec<String>,
    /// Open the database read-only.
    #[arg(long)]
    read_only: bool,
}

pub(crate) fn run(args: &Args) -> lite3::Result<()> {
    let flags = if args.read_only {
        OpenFlags::READ_ONLY | OpenFlags::URI
    } else {
        OpenFlags::default()
    };
    let conn = Connection::open_with_flags(&args.db, flags)?;
    let mut stmt = conn.prepare(&args.sql)?;
    let names: Vec<String> = stmt.column_names().into_iter().map(str::to_owned).collect();
    let mut table = Vec::new();
    let mut rows = stmt.query(params_from_iter(args.params.iter()))?;
    while let Some(row) = rows.next()? {
        let cells = (0..names.len())
            .map(|i| row.get_ref(i).map(render))
            .collect::<lite3::Result<Vec<_>>>()?;
        table.push(cells);
    }
    drop(rows);
    if names.is_empty() {
        println!("{} row(s) changed", conn.changes());
        return Ok(());
    }
    print_table(&names, &table);
    Ok(())
}

/// A cell as text: blobs in hex, NULL as `NULL`.
fn render(value: ValueRef<'_>) -> String {
    match value {
        ValueRef::Null => "NULL".into(),
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(r) => r.to_string(),
        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
        ValueRef::Blob(b) => b.iter().map(|byte| format!("{byte:02x}")).collect(),
    }
}

fn print_table(names: &[String], rows: &[Vec<String>]) {
    let widths: Vec<usize> = (0..names.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([names[i].chars().count()])
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
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", line(names));
    let _ = writeln!(
        out,
        "{}",
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("-+-")
    );
    for row in rows {
        let _ = writeln!(out, "{}", line(row));
    }
}
