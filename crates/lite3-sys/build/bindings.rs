//! Puts the Rust declarations of the C API into `$OUT_DIR/bindings.rs`: a copy of the committed
//! bindgen output by default, or fresh bindgen output with `buildtime-bindgen`.

use crate::Linked;
use crate::config::Config;
use crate::version::Version;
use std::fs;

/// Provides the bindings and returns the SQLite version whose API they declare.
pub fn provide(config: &Config, linked: &Linked) -> Result<Version, String> {
    let text = bindings_text(linked)?;
    let version = declared_version(&text)?;
    if linked.vendored && version != linked.version {
        return Err(format!(
            "the committed bindings declare SQLite {version} but the vendored header is {}: \
             regenerate them with `cargo xtask bindings`",
            linked.version
        ));
    }
    let out = config.out_dir.join("bindings.rs");
    fs::write(&out, text).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    Ok(version)
}

#[cfg(feature = "buildtime-bindgen")]
fn bindings_text(linked: &Linked) -> Result<String, String> {
    let header = linked.include_dir.join(linked.header);
    let first_line = format!(
        "// Generated at build time (feature `buildtime-bindgen`) from {}.",
        header.display()
    );
    crate::bindgen_config::generate(&header, &first_line)
}

#[cfg(not(feature = "buildtime-bindgen"))]
fn bindings_text(linked: &Linked) -> Result<String, String> {
    // System builds use bindings for the minimum supported version, valid for every newer one.
    let name = if linked.vendored {
        "vendored.rs"
    } else {
        "system.rs"
    };
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/bindings")
        .join(name);
    println!("cargo:rerun-if-changed={}", path.display());
    fs::read_to_string(&path)
        .map_err(|e| format!("cannot read the committed bindings {}: {e}", path.display()))
}

/// Reads `SQLITE_VERSION_NUMBER` from bindgen output (`pub const SQLITE_VERSION_NUMBER: i32 = 3040001;`).
fn declared_version(bindings: &str) -> Result<Version, String> {
    let number = bindings
        .lines()
        .find_map(|l| l.trim().strip_prefix("pub const SQLITE_VERSION_NUMBER:"))
        .and_then(|rest| rest.split('=').nth(1))
        .and_then(|n| n.trim().trim_end_matches(';').parse::<u32>().ok())
        .ok_or("the bindings declare no SQLITE_VERSION_NUMBER")?;
    Ok(Version::new(
        number / 1_000_000,
        number / 1000 % 1000,
        number % 1000,
    ))
}
