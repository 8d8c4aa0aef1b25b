//! Reads features, target facts and environment knobs. Every knob goes through [`env_knob`],
//! so each one is declared with `rerun-if-env-changed` and echoed into the build log.

use std::env;
use std::path::{Path, PathBuf};

/// Forces the system library even when only `vendored` is enabled (for distribution packagers).
pub const SYSTEM_ENV: &str = "LITE3_SQLITE_SYSTEM";
/// Directory holding the system libsqlite3 to link, instead of asking pkg-config.
pub const LIB_DIR_ENV: &str = "LITE3_SQLITE_LIB_DIR";
/// Directory holding the system `sqlite3.h`, used with [`LIB_DIR_ENV`].
pub const INCLUDE_DIR_ENV: &str = "LITE3_SQLITE_INCLUDE_DIR";
/// `1` links the system library statically, `0` dynamically.
pub const STATIC_ENV: &str = "LITE3_SQLITE_STATIC";
/// Compile the amalgamation found in this directory instead of the pinned crate's copy. Its
/// files must still match vendor/sqlite3mc/SHA256SUMS (used to prove tampering is refused).
pub const SOURCE_DIR_ENV: &str = "LITE3_SQLITE_SOURCE_DIR";

/// Where SQLite comes from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Source {
    Vendored,
    System,
}

#[derive(Debug)]
pub struct Config {
    pub source: Source,
    pub single_thread: bool,
    pub target: String,
    pub host: String,
    pub out_dir: PathBuf,
    /// The crate's copy of the workspace's vendor/ folder (pins and compile options), so that
    /// the packaged crate builds on its own; `cargo xtask vendor --check` proves it identical.
    pub vendor_dir: PathBuf,
}

impl Config {
    pub fn from_env() -> Result<Self, String> {
        let single_thread = feature("SINGLE_THREAD");
        let source = choose_source(single_thread)?;
        Ok(Self {
            source,
            single_thread,
            target: cargo_env("TARGET")?,
            host: cargo_env("HOST")?,
            out_dir: PathBuf::from(cargo_env("OUT_DIR")?),
            vendor_dir: Path::new(env!("CARGO_MANIFEST_DIR")).join("vendor"),
        })
    }

    /// Target facts come from Cargo (`cfg!` would describe the host running this script).
    pub fn target_env(&self) -> String {
        env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default()
    }
}

fn choose_source(single_thread: bool) -> Result<Source, String> {
    let vendored = feature("VENDORED");
    let system_feature = feature("SYSTEM");
    let forced = env_knob(SYSTEM_ENV).is_some_and(|v| is_truthy(&v));
    let source = if system_feature || forced {
        if vendored {
            let why = if forced {
                format!("{SYSTEM_ENV} is set")
            } else {
                "both `system` and `vendored` are enabled".into()
            };
            warn(&format!(
                "{why}: linking the system libsqlite3; the vendored amalgamation is not compiled"
            ));
        }
        Source::System
    } else if vendored {
        Source::Vendored
    } else {
        return Err(format!(
            "neither the `vendored` nor the `system` feature of lite3-sys is enabled.\n\
             Enable `vendored` (the default: compiles the pinned SQLite) or `system` (links libsqlite3 \
             found with pkg-config), or set {SYSTEM_ENV}=1."
        ));
    };
    if single_thread && source == Source::System {
        warn(
            "`single-thread` only changes how the vendored SQLite is compiled; the system library keeps \
             its own threading mode, which lite3 checks at run time with sqlite3_threadsafe()",
        );
    }
    Ok(source)
}

/// Reads `<TARGET>_NAME`, then `NAME` (openssl-sys's convention, so cross builds can set a knob
/// for one target only), declares both to Cargo and echoes what was found into the build log.
pub fn env_knob(name: &str) -> Option<String> {
    let target = env::var("TARGET")
        .unwrap_or_default()
        .to_uppercase()
        .replace('-', "_");
    let prefixed = format!("{target}_{name}");
    for key in [prefixed.as_str(), name] {
        println!("cargo:rerun-if-env-changed={key}");
        if let Ok(value) = env::var(key) {
            println!("lite3-sys: {key} = {value:?}");
            return Some(value);
        }
    }
    None
}

pub fn is_truthy(value: &str) -> bool {
    !matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "" | "0" | "false" | "no" | "off"
    )
}

pub fn warn(message: &str) {
    println!("cargo:warning=lite3-sys: {message}");
}

fn feature(name: &str) -> bool {
    env::var_os(format!("CARGO_FEATURE_{name}")).is_some()
}

fn cargo_env(name: &str) -> Result<String, String> {
    env::var(name)
        .map_err(|_| format!("Cargo did not set {name}; run this build script through Cargo"))
}
