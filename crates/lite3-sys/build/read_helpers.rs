//! lite3's C readers (csrc/lite3_read.c). The vendored build compiles them in one translation
//! unit with the amalgamation; a system build compiles them alone against the system header.

use std::path::PathBuf;

/// The readers' file name inside [`source_dir`].
pub const SOURCE_FILE: &str = "lite3_read.c";

pub fn source_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("csrc")
}

pub fn rerun_if_changed() {
    println!(
        "cargo:rerun-if-changed={}",
        source_dir().join(SOURCE_FILE).display()
    );
}

/// Compiles the readers on their own, against the header in `include_dir` (system builds).
pub fn compile_alone(include_dir: &std::path::Path) -> Result<(), String> {
    rerun_if_changed();
    let file = source_dir().join(SOURCE_FILE);
    cc::Build::new()
        .file(&file)
        .include(include_dir)
        .opt_level(2)
        .debug(false)
        .try_compile("lite3_read")
        .map_err(|e| format!("compiling {} failed: {e}", file.display()))
}
