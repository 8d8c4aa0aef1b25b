//! `cargo xtask interop`: the type integrations store exactly what rusqlite stores.
//!
//! `compat/interop/src/main.rs` is one program written the rusqlite way, holding a value of
//! every type rusqlite's type features cover. It is built twice: against the real rusqlite
//! (`compat/interop`, its own project because two crates linking sqlite3 cannot share a
//! dependency graph) and against lite3 renamed `rusqlite` (`compat`'s `lite3-interop`). Each
//! writes a database; each must read the other's back to the same values; and both databases
//! must hold byte-identical values (`quote(v)` per sample). First, `compat`'s tests run against
//! the real rusqlite too, so that the compatibility suite is proven to be rusqlite code.

use crate::cmd;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn run(args: Vec<String>) -> Result<(), String> {
    // cargo fetches rusqlite like any dependency; its `preupdate_hook` feature makes
    // libsqlite3-sys run bindgen, which needs libclang (installed with `--install`).
    let install = cmd::only_flag("interop", &args, "--install")?;
    crate::libclang::ensure(install)?;
    let root = cmd::workspace_root();
    let target = root.join("target/interop");
    // compat's tests against the real rusqlite: they must be rusqlite code, not lite3 code
    // that happens to compile under the name. This also builds the interop program.
    cmd::run(
        Command::new(cmd::cargo())
            .args(["test", "--locked", "--manifest-path"])
            .arg(root.join("compat/interop/Cargo.toml"))
            .arg("--target-dir")
            .arg(&target),
    )?;
    cmd::run(
        Command::new(cmd::cargo())
            .args([
                "build",
                "--locked",
                "-p",
                "rusqlite-compat",
                "--bin",
                "lite3-interop",
            ])
            .current_dir(&root),
    )?;
    let rusqlite = target.join("debug/interop");
    let lite3 = root.join("target/debug/lite3-interop");
    let scratch = root.join("target/interop/databases");
    let _ = fs::remove_dir_all(&scratch);
    fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let by_rusqlite = scratch.join("rusqlite.db");
    let by_lite3 = scratch.join("lite3.db");
    interop(&rusqlite, "write", &by_rusqlite)?;
    interop(&lite3, "write", &by_lite3)?;
    interop(&lite3, "check", &by_rusqlite)?;
    interop(&rusqlite, "check", &by_lite3)?;
    let stored_by_rusqlite = interop(&rusqlite, "dump", &by_rusqlite)?;
    let stored_by_lite3 = interop(&lite3, "dump", &by_lite3)?;
    if stored_by_rusqlite != stored_by_lite3 {
        let differences: Vec<String> = stored_by_rusqlite
            .lines()
            .zip(stored_by_lite3.lines())
            .filter(|(r, l)| r != l)
            .map(|(r, l)| format!("  rusqlite: {r}\n  lite3:    {l}"))
            .collect();
        return Err(format!(
            "lite3 and rusqlite store different values:\n{}",
            differences.join("\n")
        ));
    }
    println!(
        "{} samples: stored identically by lite3 and rusqlite 0.43, and each reads the other's",
        stored_by_lite3.lines().count()
    );
    crate::encryption_interop::run(crate::tools::Installer { allowed: install })
}

/// Runs one side's interop program; its standard output.
fn interop(program: &Path, action: &str, db: &PathBuf) -> Result<String, String> {
    cmd::output(Command::new(program).arg(action).arg(db))
}
