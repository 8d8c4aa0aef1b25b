//! `cargo xtask leak [--self-test] [--install]`: runs the leak-stress workload under valgrind
//! (memcheck) and under AddressSanitizer/LeakSanitizer (nightly `-Zsanitizer=address`; the C is
//! instrumented too), failing on any definite leak or memory error. `--self-test` runs a variant
//! that leaks one statement and one `sqlite3_malloc` block, and passes only if both tools catch it.

use crate::cmd;
use crate::tools::Installer;
use std::path::PathBuf;
use std::process::{Command, Output};

const EXAMPLE: &str = "leak_stress";
/// What the workload needs beyond the defaults: the preupdate hook's closures, the session
/// extension's objects and the csv module's tables are C-held too.
const FEATURES: &str = "preupdate_hook,session,csvtab";
const VALGRIND_ERROR: i32 = 97;

pub fn run(args: Vec<String>) -> Result<(), String> {
    let mut self_test = false;
    let mut installer = Installer { allowed: false };
    for arg in &args {
        match arg.as_str() {
            "--self-test" => self_test = true,
            "--install" => installer.allowed = true,
            other => return Err(format!("leak: unknown option {other:?}")),
        }
    }
    installer.apt(&["valgrind"], cmd::exists("valgrind"))?;
    let plain = build_plain()?;
    let asan = build_asan()?;
    let extra: &[&str] = if self_test {
        &["--leak-on-purpose", "3"]
    } else {
        &["100"]
    };
    let valgrind = run_valgrind(&plain, extra)?;
    let sanitizer = asan
        .as_ref()
        .map(|binary| run_asan(binary, extra))
        .transpose()?;
    if self_test {
        return judge_self_test(&valgrind, sanitizer.as_ref());
    }
    report("valgrind", &valgrind, valgrind.status.code() == Some(0))?;
    match &sanitizer {
        Some(out) => report("AddressSanitizer/LeakSanitizer", out, out.status.success())?,
        None => println!("AddressSanitizer: SKIPPED (no nightly toolchain)"),
    }
    Ok(())
}

fn build_plain() -> Result<PathBuf, String> {
    let root = cmd::workspace_root();
    cmd::run(
        Command::new(cmd::cargo())
            .args(["build", "--locked", "-p", "lite3", "--example", EXAMPLE])
            .args(["--features", FEATURES])
            .current_dir(&root),
    )?;
    Ok(root.join("target/debug/examples").join(EXAMPLE))
}

/// Builds the workload with AddressSanitizer, if a nightly toolchain is installed. `--target`
/// keeps the sanitizer flags off build scripts; the `cc` crate instruments the C as well.
fn build_asan() -> Result<Option<PathBuf>, String> {
    let root = cmd::workspace_root();
    let toolchains =
        cmd::output(Command::new("rustup").args(["toolchain", "list"])).unwrap_or_default();
    if !toolchains.lines().any(|t| t.starts_with("nightly")) {
        return Ok(None);
    }
    let target = "x86_64-unknown-linux-gnu";
    cmd::run(
        Command::new("rustup")
            .args([
                "run",
                "nightly",
                "cargo",
                "build",
                "--locked",
                "-p",
                "lite3",
                "--example",
                EXAMPLE,
                "--features",
                FEATURES,
                "--target",
                target,
            ])
            .args(["--target-dir", "target/asan"])
            .env("RUSTFLAGS", "-Zsanitizer=address")
            .env_remove("CARGO")
            .current_dir(&root),
    )?;
    Ok(Some(
        root.join("target/asan")
            .join(target)
            .join("debug/examples")
            .join(EXAMPLE),
    ))
}

fn run_valgrind(binary: &PathBuf, extra: &[&str]) -> Result<Output, String> {
    let error_exitcode = format!("--error-exitcode={VALGRIND_ERROR}");
    let mut command = Command::new("valgrind");
    command
        .args([
            "--leak-check=full",
            "--show-leak-kinds=definite,indirect",
            "--errors-for-leak-kinds=definite,indirect",
        ])
        .arg(error_exitcode)
        .arg(binary)
        .args(extra);
    eprintln!("$ valgrind … {} {}", binary.display(), extra.join(" "));
    command
        .output()
        .map_err(|e| format!("cannot run valgrind: {e}"))
}

fn run_asan(binary: &PathBuf, extra: &[&str]) -> Result<Output, String> {
    eprintln!(
        "$ {} {} (AddressSanitizer)",
        binary.display(),
        extra.join(" ")
    );
    Command::new(binary)
        .args(extra)
        .env("ASAN_OPTIONS", "detect_leaks=1")
        // A leaked pointer still in a register at exit would otherwise hide from LSan.
        .env("LSAN_OPTIONS", "use_registers=0")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))
}

fn report(tool: &str, out: &Output, clean: bool) -> Result<(), String> {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let summary: Vec<&str> = stderr
        .lines()
        .filter(|l| {
            l.contains("ERROR SUMMARY")
                || l.contains("definitely lost")
                || l.contains("LeakSanitizer")
        })
        .collect();
    println!("{tool}: {}", if clean { "clean" } else { "FAILED" });
    for line in &summary {
        println!("  {line}");
    }
    if clean {
        Ok(())
    } else {
        Err(format!("{tool} found leaks or memory errors:\n{stderr}"))
    }
}

/// The planted leaks must make both tools fail, each for a leak.
fn judge_self_test(valgrind: &Output, sanitizer: Option<&Output>) -> Result<(), String> {
    let valgrind_err = String::from_utf8_lossy(&valgrind.stderr);
    let valgrind_caught =
        valgrind.status.code() == Some(VALGRIND_ERROR) && valgrind_err.contains("definitely lost");
    println!(
        "self-test: valgrind {} the planted leaks",
        if valgrind_caught { "caught" } else { "MISSED" }
    );
    let sanitizer_caught = sanitizer.map(|out| {
        let err = String::from_utf8_lossy(&out.stderr);
        !out.status.success() && err.contains("LeakSanitizer: detected memory leaks")
    });
    match sanitizer_caught {
        Some(caught) => println!(
            "self-test: LeakSanitizer {} the planted leaks",
            if caught { "caught" } else { "MISSED" }
        ),
        None => println!("self-test: AddressSanitizer SKIPPED (no nightly toolchain)"),
    }
    if valgrind_caught && sanitizer_caught != Some(false) {
        Ok(())
    } else {
        Err("a leak checker missed the planted leaks: the gate would not catch a real one".into())
    }
}
