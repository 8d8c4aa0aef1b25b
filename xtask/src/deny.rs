//! `cargo xtask deny [--install]`: cargo-deny's licence, ban and source checks (offline), its
//! advisory check when the advisory database can be fetched (reported as skipped, not passed,
//! when it cannot), and the vendored SQLite against the CVE record in vendor/sqlite3mc/CVES.txt.

use crate::cmd;
use crate::tools::Installer;
use crate::version::Version;
use std::process::Command;

pub fn run(args: Vec<String>) -> Result<(), String> {
    let installer = Installer {
        allowed: cmd::only_flag("deny", &args, "--install")?,
    };
    installer.cargo_tool("deny", "cargo-deny")?;
    let root = cmd::workspace_root();
    cmd::run(
        Command::new(cmd::cargo())
            .args(["deny", "check", "licenses", "bans", "sources"])
            .current_dir(&root),
    )?;
    match cmd::output(
        Command::new(cmd::cargo())
            .args(["deny", "fetch"])
            .current_dir(&root),
    ) {
        Ok(_) => cmd::run(
            Command::new(cmd::cargo())
                .args(["deny", "check", "advisories"])
                .current_dir(&root),
        )?,
        Err(e) => println!(
            "advisories: SKIPPED, not passed: the advisory database could not be fetched ({})",
            first_line(&e)
        ),
    }
    check_vendored_sqlite(&root)
}

fn first_line(text: &str) -> &str {
    text.lines().find(|l| !l.trim().is_empty()).unwrap_or(text)
}

/// Flags the vendored SQLite if a recorded CVE was fixed in a newer release.
fn check_vendored_sqlite(root: &std::path::Path) -> Result<(), String> {
    let vendored = Version::parse(sqlite3mc_src::SQLITE_VERSION)?;
    let record = root.join("vendor/sqlite3mc/CVES.txt");
    let text = std::fs::read_to_string(&record)
        .map_err(|e| format!("cannot read {}: {e}", record.display()))?;
    let mut newest: Option<(Version, &str)> = None;
    let mut unfixed = Vec::new();
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let mut fields = line.split_whitespace();
        let (Some(id), Some(fixed)) = (fields.next(), fields.next()) else {
            return Err(format!("{}: malformed line {line:?}", record.display()));
        };
        let fixed = Version::parse(fixed)?;
        if fixed > vendored {
            unfixed.push(format!("{id} (fixed in {fixed})"));
        }
        if newest.is_none_or(|(v, _)| fixed > v) {
            newest = Some((fixed, id));
        }
    }
    let (newest_fix, newest_id) = newest.ok_or("the CVE record is empty")?;
    println!(
        "vendored SQLite {vendored} (SQLite3 Multiple Ciphers {}); newest recorded fix: {newest_fix} ({newest_id})",
        sqlite3mc_src::SQLITE3MC_VERSION
    );
    if unfixed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the vendored SQLite {vendored} predates fixes for {}: upgrade (vendor/README.md)",
            unfixed.join(", ")
        ))
    }
}
