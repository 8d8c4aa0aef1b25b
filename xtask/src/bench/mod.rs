//! `cargo xtask bench`: `lite3 bench` against the C baseline (xtask/c/workloads.c, compiled
//! against the same amalgamation with the same options), with checksums checked to agree.
//!
//! - default: both sides built as a user builds them (cargo's release profile; the C at -O2 with
//!   the system compiler), run alternately; median milliseconds and the ratio lite3/C.
//! - `--instructions`: one run of each under callgrind; exact instruction counts per workload,
//!   the same on every run, for a machine whose clock is too noisy to resolve a few percent.
//! - `--cross-lto`: both sides built by clang-22 with link-time optimisation, lite3 through
//!   rustc's linker-plugin LTO so SQLite's small API functions inline into Rust callers.
//! - `--import`: also times `lite3 import` against the sqlite3 shell's `.import`.
//! - `--user-shaped`: lite3's side is `xtask/user-shaped` instead of `lite3 bench`: the same
//!   workloads written as an application writes them, in a crate of its own built with Cargo's
//!   default release profile (what a user of lite3 gets, without the workspace's one codegen
//!   unit and LTO). With `--instructions`, its counts are split per workload by callgrind dumps
//!   at the program's `workload_boundary` calls.

mod builds;
mod ciphers;
mod import;
mod instructions;
mod timing;
mod two_builds;

pub use import::write_csv;
pub use two_builds::two_builds;

use crate::cmd;
use crate::tools::Installer;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The two programs under comparison.
pub struct Pair {
    lite3: PathBuf,
    c: PathBuf,
    /// Whether lite3's side is the user-shaped program (`xtask/user-shaped`), not `lite3 bench`.
    user_shaped: bool,
}

impl Pair {
    /// Each side's program and arguments for one run of `rows` rows on `db`, lite3's first
    /// (flagged `true`).
    fn runs<'a>(&'a self, db: &'a str, rows: &'a str) -> [(&'a Path, Vec<&'a str>, bool); 2] {
        let lite3_args = if self.user_shaped {
            vec![db, rows]
        } else {
            vec!["bench", "--rows", rows, "--db", db]
        };
        [
            (&self.lite3, lite3_args, true),
            (&self.c, vec![db, rows], false),
        ]
    }
}

/// Figures per workload (`W<n> <name>`): lite3's, C's, and the checksum both printed.
#[derive(Default)]
struct Figures(BTreeMap<String, (Vec<f64>, Vec<f64>, String)>);

impl Figures {
    /// Adds one run's workload lines; the checksum must match every earlier run's.
    fn add(
        &mut self,
        output: &str,
        is_lite3: bool,
        figure: impl Fn(&str, f64) -> Result<f64, String>,
    ) -> Result<(), String> {
        for (name, ms, checksum) in workload_lines(output)? {
            let value = figure(&name, ms)?;
            let entry = self
                .0
                .entry(name.clone())
                .or_insert_with(|| (Vec::new(), Vec::new(), checksum.clone()));
            if entry.2 != checksum {
                return Err(format!(
                    "{name}: checksum {checksum} differs from {}",
                    entry.2
                ));
            }
            if is_lite3 {
                entry.0.push(value)
            } else {
                entry.1.push(value)
            }
        }
        Ok(())
    }

    /// The table: median of each side (to `decimals` places) and the ratio lite3/C.
    fn print(&self, unit: &str, decimals: usize) {
        self.print_as(("lite3", "C"), unit, decimals);
    }

    /// As [`print`](Self::print), with the two sides named `names`.
    fn print_as(&self, names: (&str, &str), unit: &str, decimals: usize) {
        let (ours, theirs) = (format!("{} {unit}", names.0), format!("{} {unit}", names.1));
        let ratio = format!("{}/{}", names.0, names.1);
        println!("{:<18} {ours:>18} {theirs:>18} {ratio:>8}", "workload");
        let (mut sum_a, mut sum_b) = (0.0, 0.0);
        for (name, (ours, theirs, _)) in &self.0 {
            let (a, b) = (median(ours), median(theirs));
            (sum_a, sum_b) = (sum_a + a, sum_b + b);
            println!(
                "{name:<18} {a:>18.decimals$} {b:>18.decimals$} {:>8.3}",
                a / b
            );
        }
        println!(
            "{:<18} {sum_a:>18.decimals$} {sum_b:>18.decimals$} {:>8.3}",
            "sum",
            sum_a / sum_b
        );
    }
}

pub fn run(args: Vec<String>) -> Result<(), String> {
    let (mut rows, mut rounds) = (None, 3usize);
    let (mut import, mut instructions, mut cross_lto) = (false, false, false);
    let (mut encrypted, mut user_shaped) = (false, false);
    let mut installer = Installer { allowed: false };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut number = |what: &str| {
            args.next()
                .and_then(|n| n.parse::<u64>().ok())
                .ok_or(format!("{what} needs a number"))
        };
        match arg.as_str() {
            "--rows" => rows = Some(number("--rows")?),
            "--rounds" => rounds = number("--rounds")?.max(1) as usize,
            "--import" => import = true,
            "--instructions" => instructions = true,
            "--cross-lto" => cross_lto = true,
            "--user-shaped" => user_shaped = true,
            "--ciphers" => encrypted = true,
            "--install" => installer.allowed = true,
            other => return Err(format!("bench: unknown option {other:?}")),
        }
    }
    let root = cmd::workspace_root();
    let dir = root.join("target/bench");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    if user_shaped && (cross_lto || encrypted || import) {
        return Err(
            "bench: --user-shaped measures the default build of the user-shaped program only \
             (not with --cross-lto, --ciphers or --import)"
                .into(),
        );
    }
    let pair = if user_shaped {
        builds::user_shaped(&root, &dir)?
    } else if cross_lto {
        builds::cross_lto(&root, &dir, installer)?
    } else {
        builds::default(&root, &dir)?
    };
    let build = if user_shaped {
        "user-shaped program, Cargo's default release profile; C at -O2"
    } else if cross_lto {
        "clang-22, cross-language LTO"
    } else {
        "lite3 bench, the workspace's release profile; C at -O2"
    };
    if encrypted {
        return ciphers::compare(&pair.lite3, &dir, rows, rounds, instructions, installer);
    }
    if instructions {
        // Under callgrind a run is ~50x slower: 100,000 rows keep it near a minute.
        let rows = rows.unwrap_or(100_000);
        let figures = instructions::compare(&pair, &dir, rows, installer)?;
        println!("\n{rows} rows, instructions counted by callgrind ({build}); checksums agree\n");
        figures.print("instructions", 0);
    } else {
        let rows = rows.unwrap_or(1_000_000);
        let figures = timing::compare(&pair, &dir, rows, rounds)?;
        println!(
            "\n{rows} rows, {rounds} rounds each, run alternately ({build}); checksums agree\n"
        );
        figures.print("ms", 1);
    }
    if import {
        import::compare(&dir, &pair.lite3, rounds, installer)?;
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
