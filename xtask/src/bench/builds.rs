//! The two builds the benchmark compares, each with both sides built the same way.

#[path = "../../../crates/lite3-sys/build/options.rs"]
mod options;

use super::Pair;
use crate::cmd;
use crate::tools::Installer;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The clang whose LLVM matches rustc's (22): linker-plugin LTO needs the two to read each
/// other's bitcode.
const CLANG: &str = "clang-22";
const LLVM_AR: &str = "llvm-ar-22";

/// As a user builds: cargo's release profile, and the C at -O2 with the system compiler.
pub fn default(root: &Path, dir: &Path) -> Result<Pair, String> {
    cmd::run(
        Command::new(cmd::cargo())
            .args(lite3_build_args())
            .current_dir(root),
    )?;
    Ok(Pair {
        lite3: root.join("target/release/lite3"),
        c: c_as_a_user_builds_it(root, dir)?,
        user_shaped: false,
    })
}

/// The C workloads at -O2 with the system compiler (`CC` if set).
fn c_as_a_user_builds_it(root: &Path, dir: &Path) -> Result<PathBuf, String> {
    let c_compiler = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    c_baseline(root, &dir.join("c-workloads"), &c_compiler, &[])
}

/// The user-shaped program (`xtask/user-shaped`, a project of its own depending on lite3 by
/// path) with Cargo's default release profile, and the C as in [`default`].
pub fn user_shaped(root: &Path, dir: &Path) -> Result<Pair, String> {
    let target_dir = root.join("target/user-shaped");
    cmd::run(
        Command::new(cmd::cargo())
            .args(["build", "--release", "--locked", "--manifest-path"])
            .arg(root.join("xtask/user-shaped/Cargo.toml"))
            .arg("--target-dir")
            .arg(&target_dir)
            // The user's own build: no flags of this machine's environment.
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .current_dir(root),
    )?;
    Ok(Pair {
        lite3: target_dir.join("release/user-shaped"),
        c: c_as_a_user_builds_it(root, dir)?,
        user_shaped: true,
    })
}

/// Both sides compiled by clang-22 with link-time optimisation. lite3 links through lld with
/// rustc's `-Clinker-plugin-lto`, SQLite compiled to bitcode, so the optimiser sees Rust and C
/// as one program; it builds into its own target dir so the default build stays untouched.
pub fn cross_lto(root: &Path, dir: &Path, installer: Installer) -> Result<Pair, String> {
    installer.apt(
        &["clang-22", "lld-22", "llvm-22"],
        cmd::exists(CLANG) && cmd::exists(LLVM_AR) && cmd::exists("ld.lld-22"),
    )?;
    let host = host_triple()?;
    let key = host.replace('-', "_");
    let cargo_key = key.to_uppercase();
    let target_dir = root.join("target/cross-lto");
    let mut build = Command::new(cmd::cargo());
    build
        .args(lite3_build_args())
        .args(["--target", &host])
        .arg("--target-dir")
        .arg(&target_dir)
        .current_dir(root)
        // Scoped to the target, so build scripts still build and link the ordinary way.
        .env(format!("CC_{key}"), CLANG)
        .env(format!("AR_{key}"), LLVM_AR)
        .env(format!("CFLAGS_{key}"), "-flto=thin")
        .env(format!("CARGO_TARGET_{cargo_key}_LINKER"), CLANG)
        .env(
            format!("CARGO_TARGET_{cargo_key}_RUSTFLAGS"),
            "-Clinker-plugin-lto -Clink-arg=-fuse-ld=lld",
        )
        // Either of these would replace the flags above.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS");
    cmd::run(&mut build)?;
    Ok(Pair {
        lite3: target_dir.join(&host).join("release/lite3"),
        c: c_baseline(
            root,
            &dir.join("c-workloads-cross-lto"),
            CLANG,
            &["-flto=thin", "-fuse-ld=lld"],
        )?,
        user_shaped: false,
    })
}

fn lite3_build_args() -> [&'static str; 7] {
    [
        "build",
        "--release",
        "--locked",
        "-p",
        "lite3-cli",
        "--bin",
        "lite3",
    ]
}

fn host_triple() -> Result<String, String> {
    let version = cmd::output(Command::new("rustc").arg("-vV"))?;
    version
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_owned)
        .ok_or_else(|| "rustc -vV printed no host".into())
}

/// Compiles the C workloads with the amalgamation and vendor/'s options, at -O2 like lite3-sys.
fn c_baseline(
    root: &Path,
    binary: &Path,
    compiler: &str,
    flags: &[&str],
) -> Result<PathBuf, String> {
    let source = sqlite3mc_src::source_dir();
    let options = options::read(&root.join("vendor/sqlite3mc/compile-options.txt"))?;
    let mut cc = Command::new(compiler);
    cc.arg("-O2")
        .args(flags)
        .arg("-o")
        .arg(binary)
        .arg("-I")
        .arg(source);
    for (name, value) in &options {
        cc.arg(match value {
            Some(value) => format!("-D{name}={value}"),
            None => format!("-D{name}"),
        });
    }
    let workloads = root.join("xtask/c/workloads.c");
    cc.arg(&workloads)
        .arg(source.join(sqlite3mc_src::SOURCE_FILE))
        .args(["-lpthread", "-lm"]);
    // Compiling the amalgamation takes most of a minute; a binary built by the same command
    // (compiler, flags, options, the amalgamation's versioned path) after the last change to
    // the C workloads is reused, as by the second of CI's two benchmark runs.
    let command = format!("{cc:?}");
    let stamp = binary.with_extension("command");
    if is_current(binary, &stamp, &command, &workloads) {
        println!("reusing {} (built by the same command)", binary.display());
        return Ok(binary.to_path_buf());
    }
    let _ = std::fs::remove_file(&stamp);
    cmd::run(&mut cc)?;
    std::fs::write(&stamp, command).map_err(|e| format!("writing {}: {e}", stamp.display()))?;
    Ok(binary.to_path_buf())
}

/// Whether `binary` was built by `command` (recorded in `stamp`) after `source` last changed.
fn is_current(binary: &Path, stamp: &Path, command: &str, source: &Path) -> bool {
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    std::fs::read_to_string(stamp).is_ok_and(|recorded| recorded == command)
        && matches!((modified(binary), modified(source)), (Some(built), Some(changed)) if built >= changed)
}
