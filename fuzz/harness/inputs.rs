//! The inputs the regression tests replay: every file under `fuzz/seeds/<target>` and
//! `fuzz/regressions/<target>` (the crashes `cargo xtask fuzz` kept).

use std::path::{Path, PathBuf};

/// `fuzz` is the `fuzz/` directory.
pub fn inputs(fuzz: &Path, target: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = ["seeds", "regressions"]
        .iter()
        .filter_map(|kind| std::fs::read_dir(fuzz.join(kind).join(target)).ok())
        .flatten()
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.is_file() && !path.ends_with(".gitkeep"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no seeds for the {target} fuzz target");
    files
}
