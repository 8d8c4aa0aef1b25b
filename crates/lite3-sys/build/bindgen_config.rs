//! The one bindgen configuration. The build script uses it with `buildtime-bindgen`, and
//! `cargo xtask bindings` includes this file to regenerate the committed bindings, so both
//! always produce the same declarations.

use std::path::Path;

/// Runs bindgen on `header` and returns the bindings with `first_line` on top.
pub fn generate(header: &Path, first_line: &str) -> Result<String, String> {
    let bindings = bindgen::Builder::default()
        .header(header.to_string_lossy())
        // The preupdate hook and the session extension are declared only under these macros.
        // Both libraries lite3 links have them: the vendored build compiles them in, and the
        // system library must too (the build script checks its compile options).
        .clang_arg("-DSQLITE_ENABLE_PREUPDATE_HOOK")
        .clang_arg("-DSQLITE_ENABLE_SESSION")
        .allowlist_function("sqlite3.*")
        .allowlist_type("sqlite3.*|fts5.*|Fts5.*")
        .allowlist_var("SQLITE.*|CODEC.*")
        // UTF-16 entry points are never used by lite3 (it speaks UTF-8), and va_list has no
        // portable Rust representation.
        .blocklist_function(
            "sqlite3_.*16.*|sqlite3_vmprintf|sqlite3_vsnprintf|sqlite3_str_vappendf",
        )
        .blocklist_type("va_list|__va_list_tag|__builtin_va_list|__gnuc_va_list")
        // Result codes and flags are `int` in the C API; declaring them as i32 saves casts.
        .default_macro_constant_type(bindgen::MacroTypeVariation::Signed)
        // The header's comments are C prose, not rustdoc: copied over they become broken doctests.
        .generate_comments(false)
        .use_core()
        // Layout tests would pin one target's sizes; the declarations use only C types that
        // bindgen maps portably.
        .layout_tests(false)
        .formatter(bindgen::Formatter::Prettyplease)
        .generate()
        .map_err(|e| format!("bindgen failed on {}: {e}", header.display()))?;
    Ok(format!("{first_line}\n{bindings}"))
}
