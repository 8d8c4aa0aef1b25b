//! Instruction counts per workload, by callgrind: each workload is its own non-inlined function
//! on both sides (`lite3_cli::workloads::<name>` in the CLI, `w<n>_<name>` in the C), and its
//! inclusive count is everything that workload executed, SQLite included.

use super::{Figures, Pair};
use crate::cmd;
use crate::tools::Installer;
use std::path::Path;
use std::process::Command;

pub fn compare(
    pair: &Pair,
    dir: &Path,
    rows: u64,
    installer: Installer,
) -> Result<Figures, String> {
    installer.apt(&["valgrind"], cmd::exists("valgrind"))?;
    let mut figures = Figures::default();
    let rows = rows.to_string();
    let db = dir.join("bench.db");
    let db = db.to_str().ok_or("non-UTF-8 path")?;
    for (program, args, is_lite3) in pair.runs(db, &rows) {
        if is_lite3 && pair.user_shaped {
            add_dumped(&mut figures, dir, "user-shaped", program, &args)?;
        } else {
            let tag = if is_lite3 { "lite3" } else { "c" };
            add_counted(&mut figures, dir, tag, program, &args, is_lite3, is_lite3)?;
        }
    }
    Ok(figures)
}

/// The function the user-shaped program calls between workloads (xtask/user-shaped), as
/// callgrind's pattern for its demangled name (`user_shaped::workload_boundary`).
const BOUNDARY: &str = "*::workload_boundary";

/// Runs the user-shaped program under callgrind with a dump at every call of [`BOUNDARY`] and
/// adds each workload's count to lite3's side of `figures`. The program calls it once before
/// W1 and once after each workload, so dump `n + 1` (`callgrind.TAG.<n+1>`) holds exactly what
/// ran between the end of W`n-1` and the end of W`n`: workload `n`.
fn add_dumped(
    figures: &mut Figures,
    dir: &Path,
    tag: &str,
    program: &Path,
    args: &[&str],
) -> Result<(), String> {
    let profile = dir.join(format!("callgrind.{tag}"));
    // Dumps of an earlier run must not be read as this one's.
    for entry in std::fs::read_dir(dir).map_err(|e| e.to_string())?.flatten() {
        let name = entry.file_name();
        if name
            .to_string_lossy()
            .starts_with(&format!("callgrind.{tag}"))
        {
            std::fs::remove_file(entry.path()).map_err(|e| e.to_string())?;
        }
    }
    let output = cmd::output(
        Command::new("valgrind")
            .args(["--tool=callgrind", "-q"])
            .arg(format!("--dump-before={BOUNDARY}"))
            .arg(format!("--callgrind-out-file={}", profile.display()))
            .arg(program)
            .args(args),
    )?;
    figures.add(&output, true, |workload, _| {
        let number: u32 = workload
            .strip_prefix('W')
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse().ok())
            .ok_or(format!("bad workload {workload:?}"))?;
        let dump = dir.join(format!("callgrind.{tag}.{}", number + 1));
        let text = std::fs::read_to_string(&dump)
            .map_err(|e| format!("{}: {e} (no dump at {BOUNDARY}?)", dump.display()))?;
        dump_total(&text).ok_or(format!("{}: no totals line", dump.display()))
    })
}

/// The `totals:` figure of one callgrind dump (its instructions, the only event recorded).
pub fn dump_total(dump: &str) -> Option<f64> {
    dump.lines()
        .find_map(|line| line.strip_prefix("totals:"))
        .and_then(|total| total.trim().parse().ok())
}

/// Runs `program args` under callgrind (its profile `callgrind.TAG` in `dir`) and adds each
/// workload's inclusive instruction count to `figures`, on lite3's side when `ours`; the
/// workloads' functions are lite3's when `is_lite3`, the C program's otherwise.
pub fn add_counted(
    figures: &mut Figures,
    dir: &Path,
    tag: &str,
    program: &Path,
    args: &[&str],
    ours: bool,
    is_lite3: bool,
) -> Result<(), String> {
    let profile = dir.join(format!("callgrind.{tag}"));
    let output = cmd::output(
        Command::new("valgrind")
            .args(["--tool=callgrind", "-q"])
            .arg(format!("--callgrind-out-file={}", profile.display()))
            .arg(program)
            .args(args),
    )?;
    let annotated = cmd::output(
        Command::new("callgrind_annotate")
            .args(["--inclusive=yes", "--threshold=100"])
            .arg(&profile),
    )?;
    figures.add(&output, ours, |workload, _| {
        let symbol = workload_symbol(workload, is_lite3)?;
        inclusive_count(&annotated, &symbol).ok_or(format!(
            "callgrind saw no function {symbol} in {}",
            program.display()
        ))
    })
}

/// `W3 scan` -> `lite3_cli::workloads::scan` or `w3_scan`.
fn workload_symbol(workload: &str, is_lite3: bool) -> Result<String, String> {
    let (number, name) = workload
        .split_once(' ')
        .ok_or(format!("bad workload {workload:?}"))?;
    Ok(if is_lite3 {
        format!("lite3_cli::workloads::{name}")
    } else {
        format!("{}_{name}", number.to_lowercase())
    })
}

/// The inclusive count on callgrind_annotate's line for `symbol`
/// (`  147,222,827 (13.34%)  ???:lite3::workloads::scan [/path/to/lite3]`).
fn inclusive_count(annotated: &str, symbol: &str) -> Option<f64> {
    annotated.lines().find_map(|line| {
        let (count, rest) = line.trim_start().split_once(' ')?;
        let function = rest.split_once(':')?.1.split(" [").next()?;
        (function == symbol).then(|| count.replace(',', "").parse().ok())?
    })
}

#[cfg(test)]
mod tests {
    use super::{dump_total, inclusive_count, workload_symbol};

    #[test]
    fn reads_a_dumps_total() {
        let dump = "version: 1\ncmd: x\nevents: Ir\nsummary: 445045957\ntotals: 445045957\n";
        assert_eq!(dump_total(dump), Some(445_045_957.0));
        assert_eq!(dump_total("events: Ir\n"), None);
    }

    #[test]
    fn reads_the_inclusive_count_of_exactly_the_named_function() {
        let annotated = "  1,000 (100.0%)  ???:main [/x/lite3]\n  \
                         147,222,827 (13.34%)  ???:lite3::workloads::scan [/x/lite3]\n  \
                         9 ( 0.1%)  ???:lite3::workloads::scan_helper [/x/lite3]\n";
        assert_eq!(
            inclusive_count(annotated, "lite3::workloads::scan"),
            Some(147_222_827.0)
        );
        assert_eq!(inclusive_count(annotated, "lite3::workloads::insert"), None);
        assert_eq!(
            workload_symbol("W4 tiny_query", false).unwrap(),
            "w4_tiny_query"
        );
        assert_eq!(
            workload_symbol("W2 point_select", true).unwrap(),
            "lite3_cli::workloads::point_select"
        );
    }
}
