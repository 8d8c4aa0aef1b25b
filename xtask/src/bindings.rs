//! `cargo xtask bindings [--check] [--system-header PATH]`: regenerates, or checks, the bindgen
//! output committed in crates/lite3-sys/src/bindings/ with the build script's own configuration.

#[path = "../../crates/lite3-sys/build/bindgen_config.rs"]
mod bindgen_config;

use crate::{cmd, libclang};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const REGENERATE: &str = "Regenerate with `cargo xtask bindings`; do not edit.";

/// One committed bindings file and the header it is generated from.
struct Target {
    file: PathBuf,
    header: PathBuf,
    first_line: String,
}

pub fn run(args: Vec<String>) -> Result<(), String> {
    let mut check = false;
    let mut system_header = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--system-header" => {
                system_header = Some(PathBuf::from(
                    args.next().ok_or("--system-header needs a path")?,
                ))
            }
            other => return Err(format!("bindings: unknown option {other:?}")),
        }
    }
    libclang::ensure(true)?;
    let dir = cmd::workspace_root().join("crates/lite3-sys/src/bindings");
    let targets = [vendored(&dir)?, system(&dir, system_header, check)?];
    let mut stale = Vec::new();
    for target in &targets {
        let fresh = bindgen_config::generate(&target.header, &target.first_line)?;
        let committed = fs::read_to_string(&target.file).unwrap_or_default();
        if fresh == committed {
            println!("up to date: {}", target.file.display());
        } else if check {
            stale.push(target.file.display().to_string());
        } else {
            fs::write(&target.file, fresh)
                .map_err(|e| format!("cannot write {}: {e}", target.file.display()))?;
            println!("wrote {}", target.file.display());
        }
    }
    if stale.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "stale bindings (run `cargo xtask bindings` and commit the result): {}",
            stale.join(", ")
        ))
    }
}

fn vendored(dir: &Path) -> Result<Target, String> {
    let header = sqlite3mc_src::source_dir().join(sqlite3mc_src::HEADER_FILE);
    let first_line = format!(
        "// bindgen output for {} of sqlite3mc-src (SQLite {}, SQLite3 Multiple Ciphers {}). {REGENERATE}",
        sqlite3mc_src::HEADER_FILE,
        header_version(&header)?,
        sqlite3mc_src::SQLITE3MC_VERSION,
    );
    Ok(Target {
        file: dir.join("vendored.rs"),
        header,
        first_line,
    })
}

/// The system bindings describe the oldest supported SQLite, so they come from that version's
/// `sqlite3.h`: the one pkg-config finds must be the version already committed, unless a header
/// is named explicitly to move the minimum.
fn system(dir: &Path, explicit_header: Option<PathBuf>, check: bool) -> Result<Target, String> {
    let file = dir.join("system.rs");
    let header = match &explicit_header {
        Some(path) => path.clone(),
        None => {
            let include = cmd::output(
                Command::new("pkg-config").args(["--variable=includedir", "sqlite3"]),
            )
            .map_err(|e| {
                format!(
                    "{e}\n(install pkg-config and libsqlite3-dev, or pass --system-header PATH)"
                )
            })?;
            PathBuf::from(include).join("sqlite3.h")
        }
    };
    let version = header_version(&header)?;
    let committed = fs::read_to_string(&file).unwrap_or_default();
    let committed_version = committed
        .lines()
        .next()
        .and_then(|l| l.split("SQLite ").nth(1))
        .and_then(|v| v.split(')').next());
    if (explicit_header.is_none() || check) && committed_version.is_some_and(|v| v != version) {
        return Err(format!(
            "{} is SQLite {version}, but the committed system bindings are for SQLite {}; point \
             --system-header at that version's sqlite3.h (Debian 12's libsqlite3-dev has it)",
            header.display(),
            committed_version.unwrap_or_default()
        ));
    }
    let first_line = format!(
        "// bindgen output for sqlite3.h (SQLite {version}), the oldest supported system library. {REGENERATE}"
    );
    Ok(Target {
        file,
        header,
        first_line,
    })
}

/// The version a header declares.
fn header_version(header: &Path) -> Result<String, String> {
    let text =
        fs::read_to_string(header).map_err(|e| format!("cannot read {}: {e}", header.display()))?;
    let version = crate::version::Version::from_header(&text)
        .map_err(|e| format!("{}: {e}", header.display()))?;
    Ok(version.to_string())
}

#[cfg(test)]
mod tests {
    /// A plain `cargo test` catches bindings that no longer match the headers. Machines without
    /// libclang or Debian 12's libsqlite3-dev skip it; CI has both and runs the check itself too.
    #[test]
    fn committed_bindings_are_fresh() {
        if !super::libclang::is_available() {
            eprintln!("skipped: libclang is not installed");
            return;
        }
        match super::run(vec!["--check".into()]) {
            Err(e) if e.contains("stale") => panic!("{e}"),
            Err(e) => eprintln!("skipped: {e}"),
            Ok(()) => {}
        }
    }
}
