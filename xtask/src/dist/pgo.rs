//! `cargo xtask dist --pgo`: profile-guided optimisation of the release binaries.
//!
//! For each target: an instrumented build (`-Cprofile-generate`) runs the training (the
//! standard workloads W1–W4, a CSV import, an export and a JSON query: what the binary is used
//! for), natively or under qemu; LLVM's `llvm-profdata` (from the toolchain's `llvm-tools`
//! component, so its LLVM is rustc's) merges the profiles; the release build is made again with
//! `-Cprofile-use` and checked like any dist build. Then, for the native target, the PGO binary
//! is measured against the plain one on this machine in one run ([`print_gain`]).
//!
//! Only the Rust side is profile-guided. SQLite's C is compiled by zig for the cross target and
//! by musl-gcc for the native one: zig (clang 22) accepts `-fprofile-instr-generate` but drops
//! it (zig links no profiling runtime: the objects come out uninstrumented), and gcc's profiles
//! are a different family's, which would need its glibc-built `libgcov` in a static musl binary.

use super::{Flavour, build, command_for, runner};
use crate::cmd;
use crate::tools::Installer;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Rows of the training run's workloads and import: enough for every path to be hot, few
/// enough for a quick run under qemu.
const TRAINING_ROWS: u64 = 100_000;

/// Builds `lite3` for `target` with profile-guided optimisation; returns the binary's path.
pub fn build_optimised(root: &Path, target: &str, installer: Installer) -> Result<PathBuf, String> {
    let profdata_tool = installer.llvm_tool("llvm-profdata")?;
    let work = root.join("target/pgo-profiles").join(target);
    let raw = work.join("raw");
    // Profiles of an earlier build would not match this one's code.
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&raw).map_err(|e| format!("{}: {e}", raw.display()))?;
    let instrumented = build(root, target, installer, &Flavour::Instrumented(raw.clone()))?;
    train(&instrumented, target, installer, &work, &raw)?;
    let profiles: Vec<PathBuf> = std::fs::read_dir(&raw)
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "profraw"))
        .collect();
    if profiles.is_empty() {
        return Err(format!(
            "the instrumented build for {target} wrote no profile into {}: was \
             -Cprofile-generate applied?",
            raw.display()
        ));
    }
    let merged = work.join("merged.profdata");
    cmd::run(
        Command::new(&profdata_tool)
            .args(["merge", "-o"])
            .arg(&merged)
            .args(&profiles),
    )?;
    println!(
        "pgo: {target}: {} profiles merged into {}",
        profiles.len(),
        merged.display()
    );
    build(root, target, installer, &Flavour::ProfileUse(merged))
}

/// Runs the training on the instrumented binary: every process writes its own profile into
/// `raw` (`%p`: one file per process; `%m`: per binary signature).
fn train(
    binary: &Path,
    target: &str,
    installer: Installer,
    work: &Path,
    raw: &Path,
) -> Result<(), String> {
    let runner = runner(target, installer)?;
    let db = work.join("train.db");
    let imported = work.join("import.db");
    let csv = crate::bench::write_csv(work, TRAINING_ROWS)?;
    let exported = work.join("export.csv");
    let (db, imported, csv, exported) = (
        path_str(&db)?,
        path_str(&imported)?,
        path_str(&csv)?,
        path_str(&exported)?,
    );
    let rows = TRAINING_ROWS.to_string();
    let runs: [Vec<&str>; 4] = [
        vec!["bench", "--rows", &rows, "--db", db, "--overwrite"],
        vec!["import", imported, "t", csv],
        vec!["export", imported, "t", "--format", "csv", "-o", exported],
        vec![
            "query",
            imported,
            "SELECT name, score FROM t WHERE id % 7 = 0",
            "--format",
            "json",
        ],
    ];
    for args in runs {
        let mut command = command_for(binary, runner);
        command
            .args(&args)
            .env("LLVM_PROFILE_FILE", raw.join("lite3-%p-%m.profraw"))
            .stdout(std::process::Stdio::null());
        cmd::run(&mut command)?;
    }
    Ok(())
}

/// A linker for an instrumented cross build through zig: rustc keeps the profiler runtime in
/// the link with `-u __llvm_profile_runtime`, which zig's cc driver reads as an input file
/// named `__llvm_profile_runtime`; this script passes it to the linker as `-Wl,-u,SYMBOL` and
/// otherwise calls zig exactly as cargo-zigbuild's own wrapper does. Written into `dir`.
pub fn zig_linker_for_profiling(
    dir: &Path,
    target: &str,
    zigbuild: &Path,
) -> Result<PathBuf, String> {
    let zig_target = target.replace("-unknown-", "-");
    let script = format!(
        "#!/bin/sh\n\
         # Written by cargo xtask dist --pgo (xtask/src/dist/pgo.rs).\n\
         skip=0\n\
         for arg do\n\
         \x20 shift\n\
         \x20 if [ \"$skip\" = 1 ]; then set -- \"$@\" \"-Wl,-u,$arg\"; skip=0; continue; fi\n\
         \x20 if [ \"$arg\" = -u ]; then skip=1; continue; fi\n\
         \x20 set -- \"$@\" \"$arg\"\n\
         done\n\
         exec '{}' zig cc -- -g -fno-sanitize=all -target {zig_target} \"$@\"\n",
        zigbuild.display()
    );
    let path = dir
        .parent()
        .unwrap_or(dir)
        .join(format!("link-{target}.sh"));
    std::fs::write(&path, script).map_err(|e| format!("{}: {e}", path.display()))?;
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| e.to_string())?;
    Ok(path)
}

fn path_str(path: &Path) -> Result<&str, String> {
    path.to_str()
        .ok_or_else(|| format!("{} is not UTF-8", path.display()))
}

/// What PGO gained on this machine: the plain and the PGO binary (both native) measured in one
/// run by `cargo xtask bench`'s two-binary comparison.
pub fn print_gain(root: &Path, plain: &Path, optimised: &Path) -> Result<(), String> {
    let dir = root.join("target/pgo-profiles/gain");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    println!("\nPGO against the plain build of the same target, on this machine:");
    crate::bench::two_builds(("pgo", optimised), ("plain", plain), &dir)
}
