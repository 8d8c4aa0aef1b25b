//! Finding, and with `--install` installing, what the tasks need: rustup targets, Debian
//! packages, Python packages into a folder under target/, cargo tools. Every install says what it
//! installs; without `--install`, a missing piece is an error that says how to get it.

use crate::cmd;
use std::path::PathBuf;
use std::process::Command;

#[derive(Clone, Copy)]
pub struct Installer {
    pub allowed: bool,
}

impl Installer {
    pub fn rustup_target(self, target: &str) -> Result<(), String> {
        let installed =
            cmd::output(Command::new("rustup").args(["target", "list", "--installed"]))?;
        if installed.lines().any(|t| t == target) {
            return Ok(());
        }
        self.install(
            &format!("the Rust target {target}"),
            &format!("rustup target add {target}"),
        )?;
        cmd::run(Command::new("rustup").args(["target", "add", target]))
    }

    /// The path of `tool` from the toolchain's `llvm-tools` component (LLVM's own tools, of
    /// the LLVM version rustc uses), installing the component if allowed.
    pub fn llvm_tool(self, tool: &str) -> Result<PathBuf, String> {
        let sysroot = cmd::output(Command::new("rustc").args(["--print", "sysroot"]))?;
        let host = cmd::output(Command::new("rustc").args(["--print", "host-tuple"]))?;
        let path = PathBuf::from(sysroot.trim())
            .join("lib/rustlib")
            .join(host.trim())
            .join("bin")
            .join(tool);
        if !path.exists() {
            self.install(
                "the Rust component llvm-tools",
                "rustup component add llvm-tools",
            )?;
            cmd::run(Command::new("rustup").args(["component", "add", "llvm-tools"]))?;
        }
        if path.exists() {
            Ok(path)
        } else {
            Err(format!(
                "{} is missing after installing llvm-tools",
                path.display()
            ))
        }
    }

    /// Installs Debian `packages` unless `present` says they are there.
    pub fn apt(self, packages: &[&str], present: bool) -> Result<(), String> {
        if present {
            return Ok(());
        }
        let list = packages.join(" ");
        self.install(
            &list,
            &format!("apt-get install --no-install-recommends {list}"),
        )?;
        let apt = |args: &[&str]| {
            cmd::run(
                Command::new("apt-get")
                    .args(args)
                    .env("DEBIAN_FRONTEND", "noninteractive"),
            )
        };
        let install = [
            &["install", "-y", "-q", "--no-install-recommends"][..],
            packages,
        ]
        .concat();
        if apt(&install).is_err() {
            apt(&["update", "-q"])?;
            apt(&install)?;
        }
        Ok(())
    }

    /// Installs a PyPI package into its own folder, `target/tools/python/PACKAGE` (never into
    /// the system Python), and returns that folder. One folder per package: `pip install
    /// --target` skips a `bin/` (or any folder) that an earlier package already put there.
    pub fn pip(self, package: &str, marker: &str) -> Result<PathBuf, String> {
        let dir = cmd::workspace_root()
            .join("target/tools/python")
            .join(package);
        if dir.join(marker).exists() {
            return Ok(dir);
        }
        self.install(
            &format!("{package} (PyPI)"),
            &format!(
                "cargo xtask dist --install, or pip install --target {} {package}",
                dir.display()
            ),
        )?;
        cmd::run(
            Command::new("python3")
                .args([
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    "--root-user-action=ignore",
                    "--target",
                ])
                .arg(&dir)
                .arg(package),
        )?;
        Ok(dir)
    }

    /// Installs a cargo subcommand with `cargo install --locked` unless it answers `--version`.
    pub fn cargo_tool(self, subcommand: &str, krate: &str) -> Result<(), String> {
        if cmd::output(Command::new(cmd::cargo()).args([subcommand, "--version"])).is_ok() {
            return Ok(());
        }
        self.install(krate, &format!("cargo install --locked {krate}"))?;
        cmd::run(Command::new(cmd::cargo()).args(["install", "--locked", krate]))
    }

    fn install(self, what: &str, how: &str) -> Result<(), String> {
        if self.allowed {
            eprintln!("xtask: installing {what}");
            Ok(())
        } else {
            Err(format!(
                "{what} is missing; install it with `{how}` (or pass --install)"
            ))
        }
    }
}
