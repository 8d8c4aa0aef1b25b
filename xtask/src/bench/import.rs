//! `--import`: `lite3 import` against the sqlite3 shell's `.import` on the same generated CSV.

use super::median;
use crate::cmd;
use crate::tools::Installer;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Rows of the generated CSV.
pub const ROWS: u64 = 1_000_000;

/// Writes `import.csv` into `dir`: a header and `rows` rows of W1's values (id, name, score,
/// and the 16 data bytes in hex); returns its path.
pub fn write_csv(dir: &Path, rows: u64) -> Result<PathBuf, String> {
    let csv = dir.join("import.csv");
    let mut text = String::from("id,name,score,data\n");
    for i in 1..=rows {
        let hex: String = (0..16).map(|k| format!("{:02x}", (i + k) % 256)).collect();
        let _ = writeln!(text, "{i},name-{i:08},{},{hex}", i as f64 * 0.5);
    }
    std::fs::write(&csv, text).map_err(|e| format!("{}: {e}", csv.display()))?;
    Ok(csv)
}

/// Times `lite3 import` and the sqlite3 shell's `.import` on the same generated CSV, and
/// `lite3 bench`'s W1 (the same number of rows inserted through the API), in alternating
/// rounds; prints the medians and import/W1.
pub fn compare(
    dir: &Path,
    lite3: &Path,
    rounds: usize,
    installer: Installer,
) -> Result<(), String> {
    installer.apt(&["sqlite3"], cmd::exists("sqlite3"))?;
    let csv = write_csv(dir, ROWS)?;
    let schema = "CREATE TABLE t(id INTEGER, name TEXT, score REAL, data TEXT);";
    let fresh = |name: &str| -> Result<String, String> {
        let db = dir.join(name);
        let _ = std::fs::remove_file(&db);
        Ok(db.to_str().ok_or("non-UTF-8 path")?.to_owned())
    };
    let csv = csv.to_str().ok_or("non-UTF-8 path")?;
    let rows = ROWS.to_string();
    let (mut ours, mut theirs, mut w1) = (Vec::new(), Vec::new(), Vec::new());
    let (mut ours_db, mut theirs_db) = (String::new(), String::new());
    for _ in 0..rounds.max(1) {
        ours_db = fresh("import-lite3.db")?;
        cmd::output(Command::new(lite3).args(["query", &ours_db, schema.trim_end_matches(';')]))?;
        let start = Instant::now();
        cmd::output(Command::new(lite3).args(["import", &ours_db, "t", csv]))?;
        ours.push(start.elapsed().as_secs_f64());

        theirs_db = fresh("import-sqlite3.db")?;
        theirs.push(shell_import(&theirs_db, schema, csv)?);

        let bench_db = fresh("import-w1.db")?;
        let output = cmd::output(Command::new(lite3).args([
            "bench",
            "--rows",
            &rows,
            "--db",
            &bench_db,
            "--overwrite",
        ]))?;
        let ms: f64 = output
            .lines()
            .find_map(|l| l.strip_prefix("W1 insert "))
            .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
            .ok_or("lite3 bench printed no W1 line")?;
        w1.push(ms / 1e3);
    }
    let count = |db: &str| {
        cmd::output(Command::new(lite3).args(["query", db, "SELECT count(*) FROM t", "-f", "csv"]))
    };
    if count(&ours_db)? != count(&theirs_db)? {
        return Err("the two imports hold different row counts".into());
    }
    let (ours, theirs, w1) = (median(&ours), median(&theirs), median(&w1));
    println!(
        "\nimport of {ROWS} CSV rows, median of {} rounds: lite3 import {ours:.2} s, sqlite3 \
         .import {theirs:.2} s; lite3 bench W1 (the same rows through the API) {w1:.2} s; \
         import/W1 {:.2}",
        rounds.max(1),
        ours / w1
    );
    Ok(())
}

/// The sqlite3 shell's `.import` of `csv` into a new table made by `schema` in `db`: seconds.
fn shell_import(db: &str, schema: &str, csv: &str) -> Result<f64, String> {
    let script = format!("{schema}\n.import --csv --skip 1 {csv} t\n");
    let start = Instant::now();
    let mut shell = Command::new("sqlite3");
    shell.arg(db).stdin(std::process::Stdio::piped());
    let mut child = shell
        .spawn()
        .map_err(|e| format!("cannot start sqlite3: {e}"))?;
    std::io::Write::write_all(child.stdin.as_mut().ok_or("no stdin")?, script.as_bytes())
        .map_err(|e| e.to_string())?;
    drop(child.stdin.take());
    let status = child.wait().map_err(|e| e.to_string())?;
    if !status.success() {
        return Err("sqlite3 .import failed".into());
    }
    Ok(start.elapsed().as_secs_f64())
}
