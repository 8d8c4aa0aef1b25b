//! `cargo xtask vendor [--check]`: copies the files lite3-sys's build reads from the workspace's
//! vendor/ (the one place a maintainer edits them) into the crate, which must build on its own
//! once packaged; `--check` fails if the crate's copy differs.

use crate::cmd;
use std::fs;
use std::path::Path;

/// The files the build script reads, relative to vendor/.
const COPIED: &[&str] = &["sqlite3mc/SHA256SUMS", "sqlite3mc/compile-options.txt"];

pub fn run(args: Vec<String>) -> Result<(), String> {
    let check = cmd::only_flag("vendor", &args, "--check")?;
    let root = cmd::workspace_root();
    let from = root.join("vendor");
    let to = root.join("crates/lite3-sys/vendor");
    let mut stale = Vec::new();
    for file in COPIED {
        let (source, copy) = (from.join(file), to.join(file));
        let wanted = read(&source)?;
        if fs::read(&copy).ok().as_deref() == Some(wanted.as_slice()) {
            println!("up to date: {}", copy.display());
        } else if check {
            stale.push(copy.display().to_string());
        } else {
            if let Some(dir) = copy.parent() {
                fs::create_dir_all(dir)
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            }
            fs::write(&copy, wanted)
                .map_err(|e| format!("cannot write {}: {e}", copy.display()))?;
            println!("wrote {}", copy.display());
        }
    }
    if stale.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the crate's copy differs from vendor/ (edit vendor/, then run `cargo xtask vendor` \
             and commit the result): {}",
            stale.join(", ")
        ))
    }
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_crates_copy_of_vendor_is_identical() {
        if let Err(e) = super::run(vec!["--check".into()]) {
            panic!("{e}");
        }
    }
}
