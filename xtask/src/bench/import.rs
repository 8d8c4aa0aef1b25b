//! `--import`: `lite3 import` against the sqlite3 shell's `.import` on the same generated CSV.

use crate::cmd;
use crate::tools::Installer;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// Times `lite3 import` and the sqlite3 shell's `.import` on the same generated CSV.
pub fn compare(dir: &Path, lite3: &Path, installer: Installer) -> Result<(), String> {
    installer.apt(&["sqlite3"], cmd::exists("sqlite3"))?;
    let csv = dir.join("import.csv");
    let mut text = String::from("id,name,score,data\n");
    for i in 1..=1_000_000u64 {
        let hex: String = (0..16).map(|k| format!("{:02x}", (i + k) % 256)).collect();
        let _ = writeln!(text, "{i},name-{i:08},{},{hex}", i as f64 * 0.5);
    }
    std::fs::write(&csv, text).map_err(|e| e.to_string())?;
    let schema = "CREATE TABLE t(id INTEGER, name TEXT, score REAL, data TEXT);";
    let fresh = |name: &str| -> Result<String, String> {
        let db = dir.join(name);
        let _ = std::fs::remove_file(&db);
        Ok(db.to_str().ok_or("non-UTF-8 path")?.to_owned())
    };
    let csv = csv.to_str().ok_or("non-UTF-8 path")?;

    let ours = fresh("import-lite3.db")?;
    cmd::output(Command::new(lite3).args(["query", &ours, schema.trim_end_matches(';')]))?;
    let start = Instant::now();
    cmd::output(Command::new(lite3).args(["import", &ours, "t", csv]))?;
    let lite3_time = start.elapsed();

    let theirs = fresh("import-sqlite3.db")?;
    let script = format!("{schema}\n.import --csv --skip 1 {csv} t\n");
    let start = Instant::now();
    let mut shell = Command::new("sqlite3");
    shell.arg(&theirs).stdin(std::process::Stdio::piped());
    let mut child = shell
        .spawn()
        .map_err(|e| format!("cannot start sqlite3: {e}"))?;
    std::io::Write::write_all(child.stdin.as_mut().ok_or("no stdin")?, script.as_bytes())
        .map_err(|e| e.to_string())?;
    drop(child.stdin.take());
    let status = child.wait().map_err(|e| e.to_string())?;
    let shell_time = start.elapsed();
    if !status.success() {
        return Err("sqlite3 .import failed".into());
    }
    let count = |db: &str| {
        cmd::output(Command::new(lite3).args(["query", db, "SELECT count(*) FROM t", "-f", "csv"]))
    };
    if count(&ours)? != count(&theirs)? {
        return Err("the two imports hold different row counts".into());
    }
    println!(
        "\nimport of 1,000,000 CSV rows: lite3 import {:.2} s, sqlite3 .import {:.2} s",
        lite3_time.as_secs_f64(),
        shell_time.as_secs_f64()
    );
    Ok(())
}
