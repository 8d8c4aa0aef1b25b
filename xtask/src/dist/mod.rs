//! `cargo xtask dist [--target T]… [--pgo] [--install]`: static release builds of the `lite3`
//! binary, checked (ELF headers), smoke-tested (natively or under qemu), packed with SHA256SUMS.
//! With `--pgo`, each binary is built with profile-guided optimisation (see [`pgo`]).

mod pgo;

use crate::tools::Installer;
use crate::{cmd, elf};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

const DEFAULT_TARGETS: [&str; 2] = ["x86_64-unknown-linux-musl", "aarch64-unknown-linux-musl"];

struct Artefact {
    target: String,
    archive: PathBuf,
    size: u64,
    is_static: bool,
    smoke: Result<(), String>,
}

pub fn run(args: Vec<String>) -> Result<(), String> {
    let mut targets = Vec::new();
    let mut installer = Installer { allowed: false };
    let mut with_pgo = false;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--target" => targets.push(args.next().ok_or("--target needs a target triple")?),
            "--pgo" => with_pgo = true,
            "--install" => installer.allowed = true,
            other => return Err(format!("dist: unknown option {other:?}")),
        }
    }
    if targets.is_empty() {
        targets = DEFAULT_TARGETS.map(String::from).to_vec();
    }
    let root = cmd::workspace_root();
    let out = root.join("target/dist");
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let version = workspace_version(&root).ok_or("no version in the workspace Cargo.toml")?;
    let mut artefacts = Vec::new();
    let mut gains = Vec::new();
    for target in &targets {
        let plain = build(&root, target, installer, &Flavour::Plain)?;
        let binary = if with_pgo {
            let optimised = pgo::build_optimised(&root, target, installer)?;
            if runner(target, installer)?.is_none() {
                gains.push((plain.clone(), optimised.clone()));
            }
            optimised
        } else {
            plain
        };
        let bytes =
            std::fs::read(&binary).map_err(|e| format!("cannot read {}: {e}", binary.display()))?;
        let is_static = elf::linking(&bytes)?.is_static();
        let smoke = smoke_test(&binary, target, installer);
        let archive = out.join(format!("lite3-{version}-{target}.tar.gz"));
        let staging = root.join("target/dist/staging").join(target);
        std::fs::create_dir_all(&staging).map_err(|e| e.to_string())?;
        std::fs::copy(&binary, staging.join("lite3")).map_err(|e| e.to_string())?;
        cmd::run(
            Command::new("tar")
                .arg("-czf")
                .arg(&archive)
                .arg("-C")
                .arg(&staging)
                .arg("lite3"),
        )?;
        artefacts.push(Artefact {
            target: target.clone(),
            archive,
            size: bytes.len() as u64,
            is_static,
            smoke,
        });
    }
    write_sums(&out, &artefacts)?;
    print_table(&artefacts);
    for (plain, optimised) in &gains {
        pgo::print_gain(&root, plain, optimised)?;
    }
    let failed: Vec<_> = artefacts
        .iter()
        .filter(|a| !a.is_static || a.smoke.is_err())
        .map(|a| a.target.as_str())
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("dist failed for {}", failed.join(", ")))
    }
}

/// The workspace's `version` from Cargo.toml (the CLI's version).
fn workspace_version(root: &Path) -> Option<String> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).ok()?;
    let line = manifest
        .lines()
        .find(|l| l.trim_start().starts_with("version ="))?;
    Some(line.split('"').nth(1)?.to_owned())
}

/// How a build is made, beyond the release profile.
enum Flavour {
    /// The ordinary release build, into `target/`.
    Plain,
    /// Rust code instrumented to write profiles into this directory (`target/pgo-instrumented`).
    Instrumented(PathBuf),
    /// Rust code optimised with this merged profile (`target/pgo`).
    ProfileUse(PathBuf),
}

impl Flavour {
    fn target_dir(&self, root: &Path) -> PathBuf {
        root.join(match self {
            Flavour::Plain => "target",
            Flavour::Instrumented(_) => "target/pgo-instrumented",
            Flavour::ProfileUse(_) => "target/pgo",
        })
    }

    /// rustc's flags for the target's code (build scripts and proc macros stay ordinary).
    fn rustflags(&self) -> Option<String> {
        match self {
            Flavour::Plain => None,
            Flavour::Instrumented(dir) => Some(format!("-Cprofile-generate={}", dir.display())),
            Flavour::ProfileUse(profile) => Some(format!("-Cprofile-use={}", profile.display())),
        }
    }
}

/// Builds `lite3` for `target`, stripped, and returns the binary's path.
fn build(
    root: &Path,
    target: &str,
    installer: Installer,
    flavour: &Flavour,
) -> Result<PathBuf, String> {
    installer.rustup_target(target)?;
    let mut rustflags = flavour.rustflags();
    let mut command = if target.starts_with("x86_64-") && target.ends_with("-musl") {
        installer.apt(
            &["musl-tools"],
            cmd::exists("x86_64-linux-musl-gcc") || cmd::exists("musl-gcc"),
        )?;
        let mut c = Command::new(cmd::cargo());
        c.arg("build");
        c
    } else {
        // Cross targets: zig is the C compiler and linker, driven by cargo-zigbuild (both from
        // PyPI, installed into target/tools/python; no global CC is touched).
        let tools = installer.pip("cargo-zigbuild", "bin/cargo-zigbuild")?;
        let zig = tools.join("ziglang/zig");
        if !zig.exists() {
            return Err(format!(
                "{} is missing: the ziglang package did not install",
                zig.display()
            ));
        }
        let zigbuild = tools.join("bin/cargo-zigbuild");
        if let (Flavour::Instrumented(dir), Some(flags)) = (flavour, &mut rustflags) {
            let linker = pgo::zig_linker_for_profiling(dir, target, &zigbuild)?;
            // rustc takes the last -C linker, and the target's rustflags come after cargo's.
            flags.push_str(&format!(" -Clinker={}", linker.display()));
        }
        let mut c = Command::new(&zigbuild);
        c.arg("zigbuild")
            .env("CARGO_ZIGBUILD_ZIG_PATH", &zig)
            .env("PYTHONPATH", &tools);
        c
    };
    command
        .args([
            "--release",
            "--locked",
            "--package",
            "lite3-cli",
            "--bin",
            "lite3",
            "--target",
            target,
        ])
        .arg("--target-dir")
        .arg(flavour.target_dir(root))
        .env("CARGO_PROFILE_RELEASE_STRIP", "symbols")
        .current_dir(root);
    if let Some(flags) = rustflags {
        let key = format!(
            "CARGO_TARGET_{}_RUSTFLAGS",
            target.replace(['-', '.'], "_").to_uppercase()
        );
        // Either of these would replace the target's flags.
        command
            .env(key, flags)
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS");
    }
    cmd::run(&mut command)?;
    Ok(flavour.target_dir(root).join(target).join("release/lite3"))
}

/// How this machine runs `target`'s binaries: `None` natively, else the qemu user emulator.
fn runner(target: &str, installer: Installer) -> Result<Option<&'static str>, String> {
    if target.starts_with(std::env::consts::ARCH) {
        Ok(None)
    } else if target.starts_with("aarch64-") {
        installer.apt(
            &["qemu-user-static"],
            cmd::exists("qemu-aarch64-static") || cmd::exists("qemu-aarch64"),
        )?;
        Ok(Some(if cmd::exists("qemu-aarch64-static") {
            "qemu-aarch64-static"
        } else {
            "qemu-aarch64"
        }))
    } else {
        Err(format!("no way to run {target} binaries here"))
    }
}

/// A command that runs `binary` (built for `target`) on this machine.
fn command_for(binary: &Path, runner: Option<&str>) -> Command {
    match runner {
        Some(qemu) => {
            let mut c = Command::new(qemu);
            c.arg(binary);
            c
        }
        None => Command::new(binary),
    }
}

/// Runs `--version` and a real query on a temporary database, natively or under qemu.
fn smoke_test(binary: &Path, target: &str, installer: Installer) -> Result<(), String> {
    let runner = runner(target, installer)?;
    let run = |args: &[&str]| cmd::output(command_for(binary, runner).args(args));
    let version = run(&["--version"])?;
    if !version.starts_with("lite3 ") {
        return Err(format!("--version printed {version:?}"));
    }
    let dir =
        std::env::temp_dir().join(format!("lite3-dist-smoke-{}-{target}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let db = dir.join("smoke.db");
    let db = db.to_str().ok_or("temporary path is not UTF-8")?;
    run(&["query", db, "CREATE TABLE t(x TEXT)"])?;
    run(&[
        "query",
        db,
        "INSERT INTO t VALUES (?1)",
        "--param",
        "static and happy",
    ])?;
    let rows = run(&["query", db, "SELECT x, sqlite_version() FROM t"])?;
    let _ = std::fs::remove_dir_all(&dir);
    if rows.contains("static and happy") {
        Ok(())
    } else {
        Err(format!("unexpected query output {rows:?}"))
    }
}

fn write_sums(out: &Path, artefacts: &[Artefact]) -> Result<(), String> {
    let mut sums = String::new();
    for artefact in artefacts {
        let bytes = std::fs::read(&artefact.archive).map_err(|e| e.to_string())?;
        let digest: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let name = artefact
            .archive
            .file_name()
            .unwrap_or_default()
            .to_string_lossy();
        let _ = writeln!(sums, "{digest}  {name}");
    }
    std::fs::write(out.join("SHA256SUMS"), sums).map_err(|e| e.to_string())
}

fn print_table(artefacts: &[Artefact]) {
    println!(
        "\n{:<28} {:>10} {:>7}  smoke test",
        "target", "size", "static"
    );
    for a in artefacts {
        let smoke = match &a.smoke {
            Ok(()) => "ok".to_owned(),
            Err(e) => format!("FAILED: {e}"),
        };
        println!(
            "{:<28} {:>9}K {:>7}  {smoke}",
            a.target,
            a.size / 1024,
            if a.is_static { "yes" } else { "NO" }
        );
    }
    for a in artefacts {
        println!("wrote {}", a.archive.display());
    }
}
