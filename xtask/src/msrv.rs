//! `cargo xtask msrv [--install]`: checks the published crates with exactly the toolchain their
//! `rust-version` names (installed with rustup when `--install` allows), so the declared minimum
//! is a tested fact rather than a guess. The lockfile is the workspace's, as a user's build of
//! a binary (`cargo install --locked`) would have it.

use crate::cmd;
use std::fs;
use std::path::Path;
use std::process::Command;

const CRATES: [&str; 3] = ["lite3-sys", "lite3", "lite3-cli"];

pub fn run(args: Vec<String>) -> Result<(), String> {
    let install = cmd::only_flag("msrv", &args, "--install")?;
    let root = cmd::workspace_root();
    let mut by_version: Vec<(String, Vec<&str>)> = Vec::new();
    for krate in CRATES {
        let version = rust_version(&root, krate)?;
        match by_version.iter_mut().find(|(v, _)| *v == version) {
            Some((_, crates)) => crates.push(krate),
            None => by_version.push((version, vec![krate])),
        }
    }
    for (version, crates) in &by_version {
        ensure_toolchain(version, install)?;
        let mut check = Command::new("rustup");
        check
            .args([
                "run",
                version,
                "cargo",
                "check",
                "--locked",
                "--all-targets",
            ])
            .arg("--target-dir")
            .arg(root.join("target/msrv"));
        for krate in crates {
            check.args(["-p", krate]);
        }
        // rustup's proxy would otherwise hand the outer cargo's toolchain to the inner one.
        check
            .env_remove("RUSTUP_TOOLCHAIN")
            .env_remove("CARGO")
            .env_remove("RUSTC");
        cmd::run(check.current_dir(&root))?;
        println!(
            "{} build with Rust {version}, their declared rust-version",
            crates.join(", ")
        );
    }
    Ok(())
}

/// The crate's `rust-version`: its own, or the workspace's when it inherits it.
fn rust_version(root: &Path, krate: &str) -> Result<String, String> {
    let path = root.join("crates").join(krate).join("Cargo.toml");
    let manifest =
        fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let own = cmd::manifest_field(&manifest, "rust-version");
    match own {
        Some(version) => Ok(version),
        None => cmd::workspace_field(root, "rust-version"),
    }
}

fn ensure_toolchain(version: &str, install: bool) -> Result<(), String> {
    let installed = cmd::output(Command::new("rustup").args(["toolchain", "list"]))?;
    if installed
        .lines()
        .any(|t| t.starts_with(&format!("{version}-")))
    {
        return Ok(());
    }
    if !install {
        return Err(format!(
            "Rust {version} is missing; install it with `rustup toolchain install {version} \
             --profile minimal` (or pass --install)"
        ));
    }
    eprintln!("xtask: installing Rust {version}");
    cmd::run(Command::new("rustup").args(["toolchain", "install", version, "--profile", "minimal"]))
}
