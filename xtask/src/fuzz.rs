//! `cargo xtask fuzz [--seconds N] [--target NAME]... [--install]`: runs the cargo-fuzz targets
//! in `fuzz/` (SQL and parameters through the safe API, database file bytes, the CLI's CSV and
//! NDJSON import) for N seconds each, with libFuzzer and AddressSanitizer. SQLite's C is
//! instrumented too: clang compiles it with `-fsanitize=fuzzer-no-link,address`, so coverage
//! and comparisons inside SQLite guide the fuzzer and its memory errors are caught.
//!
//! Each target's corpus grows in `target/fuzz/corpus/<target>`, starting from the committed
//! seeds (`fuzz/seeds/<target>`). A crash (or leak, timeout, out-of-memory) is copied into
//! `fuzz/regressions/<target>/`, which `cargo test` replays through the same harness
//! (`tests/fuzz_regressions.rs` of lite3 and lite3-cli): commit it with the fix.

use crate::cmd;
use crate::tools::Installer;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const TARGETS: [&str; 3] = ["sql", "db_file", "import"];
/// The C compiler for SQLite under the fuzzer: clang, for libFuzzer's coverage instrumentation.
const CLANG: &str = "clang-14";
/// Build and run for the host only: `--target` keeps the sanitizer flags off build scripts.
const HOST: &str = "x86_64-unknown-linux-gnu";

pub fn run(args: Vec<String>) -> Result<(), String> {
    let mut seconds = 60u32;
    let mut chosen = Vec::new();
    let mut installer = Installer { allowed: false };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => {
                seconds = args
                    .next()
                    .and_then(|s| s.parse().ok())
                    .filter(|n| *n > 0)
                    .ok_or("--seconds needs a positive number")?;
            }
            "--target" => {
                let target = args.next().ok_or("--target needs a name")?;
                if !TARGETS.contains(&target.as_str()) {
                    return Err(format!("no fuzz target {target:?}; there are {TARGETS:?}"));
                }
                chosen.push(target);
            }
            "--install" => installer.allowed = true,
            other => return Err(format!("fuzz: unknown option {other:?}")),
        }
    }
    if chosen.is_empty() {
        chosen = TARGETS.iter().map(|t| (*t).to_owned()).collect();
    }
    prepare(installer)?;
    let root = cmd::workspace_root();
    let began = Instant::now();
    cmd::run(fuzz_command(&root).args(["build", "--fuzz-dir", "fuzz", "--target", HOST]))?;
    println!("fuzz targets built in {:.0?}", began.elapsed());

    let mut rows = Vec::new();
    for target in &chosen {
        rows.push(fuzz_one(&root, target, seconds)?);
    }
    println!("\n| target | seconds | executions | executions/s | corpus files | new this run |");
    println!("|---|---|---|---|---|---|");
    for row in &rows {
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            row.target, seconds, row.executions, row.per_second, row.corpus, row.new_units
        );
    }
    Ok(())
}

/// Nightly Rust (sanitizers need it), clang for the C, and cargo-fuzz.
fn prepare(installer: Installer) -> Result<(), String> {
    let toolchains = cmd::output(Command::new("rustup").args(["toolchain", "list"]))?;
    if !toolchains.lines().any(|t| t.starts_with("nightly")) {
        if !installer.allowed {
            return Err("a nightly Rust toolchain is missing; install it with \
                        `rustup toolchain install nightly --profile minimal` (or pass --install)"
                .into());
        }
        eprintln!("xtask: installing the nightly Rust toolchain");
        cmd::run(Command::new("rustup").args([
            "toolchain",
            "install",
            "nightly",
            "--profile",
            "minimal",
        ]))?;
    }
    installer.apt(&[CLANG], cmd::exists(CLANG))?;
    installer.cargo_tool("fuzz", "cargo-fuzz")
}

/// `cargo fuzz` on nightly, with SQLite's C compiled by clang under the fuzzer's flags.
fn fuzz_command(root: &Path) -> Command {
    let mut command = Command::new("rustup");
    command
        .args(["run", "nightly", "cargo", "fuzz"])
        .current_dir(root)
        // The stable cargo that runs xtask must not be the one cargo-fuzz calls.
        .env_remove("CARGO")
        .env(format!("CC_{}", HOST.replace('-', "_")), CLANG)
        .env(
            format!("CFLAGS_{}", HOST.replace('-', "_")),
            "-fsanitize=fuzzer-no-link,address",
        );
    command
}

struct Row {
    target: String,
    executions: String,
    per_second: String,
    corpus: usize,
    new_units: String,
}

fn fuzz_one(root: &Path, target: &str, seconds: u32) -> Result<Row, String> {
    let corpus = root.join("target/fuzz/corpus").join(target);
    let artifacts = root.join("target/fuzz/artifacts").join(target);
    for dir in [&corpus, &artifacts] {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let seeds = root.join("fuzz/seeds").join(target);
    let regressions = root.join("fuzz/regressions").join(target);
    println!("\n=== fuzz {target} for {seconds} s");
    let output = fuzz_command(root)
        .args(["run", "--fuzz-dir", "fuzz", "--target", HOST, target])
        .args([&corpus, &seeds, &regressions])
        .arg("--")
        .arg(format!("-max_total_time={seconds}"))
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        // The harnesses' own output (the import's summary line) is noise here.
        .args(["-close_fd_mask=3", "-print_final_stats=1", "-timeout=20"])
        .args(["-rss_limit_mb=4096", "-print_pcs=0"])
        .output()
        .map_err(|e| format!("cargo fuzz: {e}"))?;
    let log = String::from_utf8_lossy(&output.stderr).into_owned();
    let log_path = root.join("target/fuzz").join(format!("{target}.log"));
    let _ = std::fs::write(&log_path, &log);
    if !output.status.success() {
        let kept = keep_findings(&artifacts, &regressions)?;
        let tail: Vec<&str> = log.lines().rev().take(40).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!(
            "fuzz target {target} failed ({}); {}\n--- last lines of {}:\n{}",
            output.status,
            if kept.is_empty() {
                "no input was saved".to_owned()
            } else {
                format!(
                    "the input is now a regression test, replayed by `cargo test`: {} \
                     (fix the bug, then commit it)",
                    kept.iter()
                        .map(|p| p.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            },
            log_path.display(),
            tail.join("\n")
        ));
    }
    let stat = |name: &str| {
        log.lines()
            .find_map(|line| line.strip_prefix(&format!("stat::{name}:")))
            .map_or_else(|| "?".to_owned(), |v| v.trim().to_owned())
    };
    let corpus_files = std::fs::read_dir(&corpus)
        .map(|entries| entries.filter_map(Result::ok).count())
        .unwrap_or(0);
    Ok(Row {
        target: target.to_owned(),
        executions: stat("number_of_executed_units"),
        per_second: stat("average_exec_per_sec"),
        corpus: corpus_files,
        new_units: stat("new_units_added"),
    })
}

/// Copies what libFuzzer saved (crash-, leak-, timeout-, oom- files) into the regressions.
fn keep_findings(artifacts: &Path, regressions: &Path) -> Result<Vec<PathBuf>, String> {
    let mut kept = Vec::new();
    let entries =
        std::fs::read_dir(artifacts).map_err(|e| format!("{}: {e}", artifacts.display()))?;
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let finding = ["crash-", "leak-", "timeout-", "oom-", "slow-unit-"]
            .iter()
            .any(|prefix| name.to_string_lossy().starts_with(prefix));
        if finding {
            let to = regressions.join(&name);
            std::fs::copy(entry.path(), &to).map_err(|e| format!("{}: {e}", to.display()))?;
            kept.push(to);
        }
    }
    Ok(kept)
}
