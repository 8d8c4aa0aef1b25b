//! Running other programs: every command is echoed before it runs, and a failure says which.

use std::path::PathBuf;
use std::process::Command;

/// Runs `command`, echoing it first; fails unless it exits successfully.
pub fn run(command: &mut Command) -> Result<(), String> {
    eprintln!("$ {}", describe(command));
    let status = command
        .status()
        .map_err(|e| format!("cannot start {}: {e}", describe(command)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", describe(command)))
    }
}

/// Runs `command` quietly and returns its trimmed standard output.
pub fn output(command: &mut Command) -> Result<String, String> {
    let out = command
        .output()
        .map_err(|e| format!("cannot start {}: {e}", describe(command)))?;
    if !out.status.success() {
        return Err(format!(
            "`{}` failed: {}",
            describe(command),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Whether `program` can be found on PATH.
pub fn exists(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// The workspace root (xtask lives one level below it).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the workspace")
        .to_path_buf()
}

/// The arguments of a task that takes at most one flag: whether `flag` was given.
pub fn only_flag(task: &str, args: &[String], flag: &str) -> Result<bool, String> {
    match args {
        [] => Ok(false),
        [given] if given == flag => Ok(true),
        other => Err(format!(
            "{task}: unknown options {other:?} (it takes only {flag})"
        )),
    }
}

/// A field of the workspace's `[workspace.package]` (`version`, `rust-version`), which the
/// published crates share.
pub fn workspace_field(root: &std::path::Path, name: &str) -> Result<String, String> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml"))
        .map_err(|e| format!("cannot read the workspace Cargo.toml: {e}"))?;
    let section = manifest
        .split("[workspace.package]")
        .nth(1)
        .ok_or("no [workspace.package] in Cargo.toml")?;
    let section = section.split("\n[").next().unwrap_or_default();
    manifest_field(section, name).ok_or_else(|| format!("no {name} in [workspace.package]"))
}

/// The string value of `name = "value"` in a manifest's text (the first such line; a
/// `name.workspace = true` line does not count).
pub fn manifest_field(text: &str, name: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let value = line.strip_prefix(name)?.trim_start().strip_prefix('=')?;
        Some(value.trim().trim_matches('"').to_owned())
    })
}

fn describe(command: &Command) -> String {
    std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(|part| part.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The cargo running this xtask (`$CARGO`), so toolchain overrides carry over.
pub fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}
