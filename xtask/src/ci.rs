//! `cargo xtask ci [--install]`: the whole gate CI runs, in one command, with each step's time.

use crate::cmd;
use std::process::Command;
use std::time::Instant;

/// A step: a cargo command, another xtask task (given `--install` when CI may install), or a
/// task that only checks files and installs nothing.
enum Step {
    Cargo(&'static [&'static str]),
    Task(
        fn(Vec<String>) -> Result<(), String>,
        &'static [&'static str],
    ),
    Check(
        fn(Vec<String>) -> Result<(), String>,
        &'static [&'static str],
    ),
}

const STEPS: &[(&str, Step)] = &[
    ("format", Step::Cargo(&["fmt", "--all", "--check"])),
    (
        "clippy",
        Step::Cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ]),
    ),
    (
        // Code a single-threaded build leaves out must not leave dead code behind.
        "clippy, single-threaded SQLite",
        Step::Cargo(&[
            "clippy",
            "-p",
            "lite3",
            "--all-targets",
            "--features",
            "single-thread",
            "--locked",
            "--",
            "-D",
            "warnings",
        ]),
    ),
    (
        "tests, vendored SQLite",
        Step::Cargo(&["test", "--workspace", "--locked"]),
    ),
    (
        "tests, system libsqlite3",
        Step::Cargo(&[
            "test",
            "-p",
            "lite3-sys",
            "-p",
            "lite3",
            "--features",
            "lite3/system",
            "--locked",
        ]),
    ),
    (
        "tests, system libsqlite3 with bindings generated at build time",
        Step::Cargo(&[
            "test",
            "-p",
            "lite3-sys",
            "--features",
            "system,buildtime-bindgen",
            "--locked",
        ]),
    ),
    (
        "tests, single-thread SQLite (SQLITE_THREADSAFE=0), the whole suite",
        Step::Cargo(&[
            "test",
            "-p",
            "lite3-sys",
            "-p",
            "lite3",
            "--features",
            "lite3/single-thread",
            "--locked",
        ]),
    ),
    (
        "tests, out-of-memory and I/O-error sweeps, out-of-memory reads and tracing",
        Step::Cargo(&[
            "test",
            "-p",
            "lite3",
            "--features",
            "fault-injection,tracing",
            "--locked",
            "--test",
            "oom_sweep",
            "--test",
            "oom_read",
            "--test",
            "io_faults",
            "--test",
            "observability",
        ]),
    ),
    (
        "bindings are fresh",
        Step::Check(crate::bindings::run, &["--check"]),
    ),
    (
        "lite3-sys's copy of vendor/ is identical",
        Step::Check(crate::vendor::run, &["--check"]),
    ),
    ("supply chain", Step::Task(crate::deny::run, &[])),
    ("leak checks", Step::Task(crate::leak::run, &[])),
    (
        "leak checks catch a planted leak",
        Step::Task(crate::leak::run, &["--self-test"]),
    ),
    (
        "static release build, native target",
        Step::Task(crate::dist::run, &["--target", "x86_64-unknown-linux-musl"]),
    ),
    (
        "the minimum Rust version builds the crates",
        Step::Task(crate::msrv::run, &[]),
    ),
    (
        // A smoke run (its figures at 2,000 rows are not the README's): the user-shaped program
        // builds against lite3 as an application does, and its checksums agree with C's.
        "the user-shaped benchmark runs against C",
        Step::Task(
            crate::bench::run,
            &["--instructions", "--user-shaped", "--rows", "2000"],
        ),
    ),
    (
        // The same for the project's own profile, whose counts callgrind finds by the CLI's
        // function names: a rename must not silently break the README's other table.
        "the workspace-profile instruction counts run against C",
        Step::Task(crate::bench::run, &["--instructions", "--rows", "2000"]),
    ),
    (
        // A short run; `cargo xtask crash` alone runs 20 rounds, `--rounds N` more.
        "every acknowledged commit survives SIGKILL (crash loop)",
        Step::Task(crate::crash::run, &["--rounds", "6"]),
    ),
    (
        // A short run; `cargo xtask fuzz` alone runs 60 s per target, `--seconds N` longer.
        "fuzzing: SQL, database files, imports (short)",
        Step::Task(crate::fuzz::run, &["--seconds", "20"]),
    ),
    (
        "the type integrations store what rusqlite stores",
        Step::Task(crate::interop::run, &[]),
    ),
    (
        "Litestream replicates and restores what lite3 committed",
        Step::Task(crate::replicate::run, &[]),
    ),
    (
        "packaged crates build for a registry user",
        Step::Task(crate::package_check::run, &[]),
    ),
];

pub fn run(args: Vec<String>) -> Result<(), String> {
    let install = cmd::only_flag("ci", &args, "--install")?;
    let root = cmd::workspace_root();
    let start = Instant::now();
    let mut times = Vec::new();
    for (name, step) in STEPS {
        println!("\n=== {name}");
        let began = Instant::now();
        match step {
            Step::Cargo(args) => {
                cmd::run(Command::new(cmd::cargo()).args(*args).current_dir(&root))
            }
            Step::Task(task, args) => {
                let mut args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
                if install {
                    args.push("--install".into());
                }
                task(args)
            }
            Step::Check(task, args) => task(args.iter().map(|a| (*a).to_owned()).collect()),
        }
        .map_err(|e| format!("step '{name}' failed: {e}"))?;
        times.push((*name, began.elapsed()));
    }
    println!("\n=== ci passed in {:.0?}", start.elapsed());
    for (name, took) in times {
        println!("  {:>6.1}s  {name}", took.as_secs_f64());
    }
    Ok(())
}
