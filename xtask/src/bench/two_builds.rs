//! Two builds of `lite3` against each other on this machine (for `cargo xtask dist --pgo`):
//! the standard workloads and a CSV import, run alternately so a slow patch of the machine hits
//! both, medians reported; and the instructions each executes for the workloads, counted by
//! callgrind (exact; the binaries are stripped, so one total per run rather than per workload).

use super::{Figures, import, median};
use crate::cmd;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

const ROUNDS: usize = 5;
const ROWS: u64 = 1_000_000;
/// Under callgrind a run is ~50 times slower.
const COUNTED_ROWS: u64 = 100_000;

/// Measures build `a` against build `b` (each a name and a binary) in `dir` and prints the
/// table: milliseconds per workload and for the import, and total instructions, with a/b.
pub fn two_builds(a: (&str, &Path), b: (&str, &Path), dir: &Path) -> Result<(), String> {
    let db = dir.join("bench.db");
    let db = db.to_str().ok_or("non-UTF-8 path")?;
    let rows = ROWS.to_string();
    let csv = import::write_csv(dir, import::ROWS)?;
    let mut figures = Figures::default();
    let (mut import_a, mut import_b) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        for (binary, is_a) in [(a.1, true), (b.1, false)] {
            let output = cmd::output(Command::new(binary).args([
                "bench",
                "--rows",
                &rows,
                "--db",
                db,
                "--overwrite",
            ]))?;
            figures.add(&output, is_a, |_, ms| Ok(ms))?;
            let imported = dir.join("import.db");
            let _ = std::fs::remove_file(&imported);
            let start = Instant::now();
            cmd::output(
                Command::new(binary)
                    .arg("import")
                    .arg(&imported)
                    .arg("t")
                    .arg(&csv),
            )?;
            let ms = start.elapsed().as_secs_f64() * 1e3;
            if is_a {
                import_a.push(ms)
            } else {
                import_b.push(ms)
            }
        }
    }
    println!("\n{ROWS} rows, median of {ROUNDS} alternating rounds; checksums agree\n");
    figures.print_as((a.0, b.0), "ms", 1);
    let (ia, ib) = (median(&import_a), median(&import_b));
    println!(
        "{:<18} {ia:>18.1} {ib:>18.1} {:>8.3}",
        format!("import {}M", import::ROWS / 1_000_000),
        ia / ib
    );

    if cmd::exists("valgrind") {
        let counted = COUNTED_ROWS.to_string();
        let total = |binary: &Path| -> Result<f64, String> {
            let profile = dir.join("callgrind.total");
            cmd::output(
                Command::new("valgrind")
                    .args(["--tool=callgrind", "-q"])
                    .arg(format!("--callgrind-out-file={}", profile.display()))
                    .arg(binary)
                    .args(["bench", "--rows", &counted, "--db", db, "--overwrite"]),
            )?;
            let text = std::fs::read_to_string(&profile).map_err(|e| e.to_string())?;
            super::instructions::dump_total(&text).ok_or_else(|| "no callgrind totals".into())
        };
        let (ta, tb) = (total(a.1)?, total(b.1)?);
        println!(
            "\ninstructions of `lite3 bench --rows {COUNTED_ROWS}` (callgrind): {} {ta:.0}, {} \
             {tb:.0}, {}/{} {:.3}",
            a.0,
            b.0,
            a.0,
            b.0,
            ta / tb
        );
    }
    Ok(())
}
