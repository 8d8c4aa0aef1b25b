//! `cargo xtask bench [--rows N] [--rounds R] [--import] [--install]`: runs `lite3 bench` and the
//! C baseline (xtask/c/workloads.c, compiled against the same amalgamation with the same options)
//! alternately, checks that their checksums agree, and prints the median milliseconds per
//! workload with the ratio lite3/C. `--import` also times `lite3 import` against the sqlite3
//! shell's `.import` on a generated 1,000,000-row CSV.

#[path = "../../crates/lite3-sys/build/options.rs"]
mod options;

use crate::cmd;
use crate::tools::Installer;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

pub fn run(args: Vec<String>) -> Result<(), String> {
    let (mut rows, mut rounds, mut import) = (1_000_000u64, 3usize, false);
    let mut installer = Installer { allowed: false };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rows" => {
                rows = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or("--rows needs a number")?
            }
            "--rounds" => {
                rounds = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or("--rounds needs a number")?
            }
            "--import" => import = true,
            "--install" => installer.allowed = true,
            other => return Err(format!("bench: unknown option {other:?}")),
        }
    }
    let root = cmd::workspace_root();
    let dir = root.join("target/bench");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    cmd::run(
        Command::new(cmd::cargo())
            .args([
                "build",
                "--release",
                "--locked",
                "-p",
                "lite3-cli",
                "--bin",
                "lite3",
            ])
            .current_dir(&root),
    )?;
    let lite3 = root.join("target/release/lite3");
    let baseline = build_c_baseline(&root, &dir)?;

    // name -> (lite3 times, C times, checksum)
    let mut results: BTreeMap<String, (Vec<f64>, Vec<f64>, String)> = BTreeMap::new();
    let rows_arg = rows.to_string();
    for round in 0..rounds.max(1) {
        let db = dir.join("bench.db");
        let db = db.to_str().ok_or("non-UTF-8 path")?;
        let ours =
            cmd::output(Command::new(&lite3).args(["bench", "--rows", &rows_arg, "--db", db]))?;
        let theirs = cmd::output(Command::new(&baseline).args([db, &rows_arg]))?;
        for (output, is_lite3) in [(&ours, true), (&theirs, false)] {
            for (name, ms, checksum) in workload_lines(output)? {
                let entry = results
                    .entry(name.clone())
                    .or_insert_with(|| (Vec::new(), Vec::new(), checksum.clone()));
                if entry.2 != checksum {
                    return Err(format!(
                        "{name}: checksum {checksum} differs from {} (round {round})",
                        entry.2
                    ));
                }
                if is_lite3 {
                    entry.0.push(ms)
                } else {
                    entry.1.push(ms)
                }
            }
        }
    }
    println!("\n{rows} rows, {rounds} rounds each, run alternately; checksums agree\n");
    println!(
        "{:<18} {:>12} {:>12} {:>8}",
        "workload", "lite3 ms", "C ms", "lite3/C"
    );
    for (name, (ours, theirs, _)) in &results {
        let (a, b) = (median(ours), median(theirs));
        println!("{name:<18} {a:>12.1} {b:>12.1} {:>8.3}", a / b);
    }
    if import {
        compare_import(&dir, &lite3, installer)?;
    }
    Ok(())
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}

/// `W<n> <name> <ms> <checksum>` lines, keyed `W<n> <name>`.
fn workload_lines(output: &str) -> Result<Vec<(String, f64, String)>, String> {
    output
        .lines()
        .filter(|l| l.starts_with('W'))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            match f.as_slice() {
                [n, name, ms, checksum] => Ok((
                    format!("{n} {name}"),
                    ms.parse().map_err(|_| format!("bad time in {l:?}"))?,
                    (*checksum).to_owned(),
                )),
                _ => Err(format!("unexpected line {l:?}")),
            }
        })
        .collect()
}

/// Compiles the C workloads with the amalgamation and vendor/'s options, at -O2 like lite3-sys.
fn build_c_baseline(root: &Path, dir: &Path) -> Result<PathBuf, String> {
    let source = sqlite3mc_src::source_dir();
    let options = options::read(&root.join("vendor/sqlite3mc/compile-options.txt"))?;
    let binary = dir.join("c-workloads");
    let mut cc = Command::new(std::env::var_os("CC").unwrap_or_else(|| "cc".into()));
    cc.args(["-O2", "-o"]).arg(&binary).arg("-I").arg(source);
    for (name, value) in &options {
        cc.arg(match value {
            Some(value) => format!("-D{name}={value}"),
            None => format!("-D{name}"),
        });
    }
    cc.arg(root.join("xtask/c/workloads.c"))
        .arg(source.join(sqlite3mc_src::SOURCE_FILE))
        .args(["-lpthread", "-lm"]);
    cmd::run(&mut cc)?;
    Ok(binary)
}

/// Times `lite3 import` and the sqlite3 shell's `.import` on the same generated CSV.
fn compare_import(dir: &Path, lite3: &Path, installer: Installer) -> Result<(), String> {
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
