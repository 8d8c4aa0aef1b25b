//! Build script of lite3-sys: decides where SQLite comes from, builds or finds it, provides
//! bindings and tells dependent crates what was linked. Only this file prints errors and exits;
//! the modules return `Result`.

#[cfg(feature = "buildtime-bindgen")]
mod bindgen_config;
mod bindings;
#[cfg(feature = "vendored")]
mod checksum;
mod config;
#[cfg(feature = "vendored")]
mod options;
mod output;
mod read_helpers;
mod system;
#[cfg(feature = "vendored")]
mod vendored;
mod version;

use config::{Config, Source};
use std::process::ExitCode;
use version::Version;

/// What the build ended up linking, reported to dependents and to the crate itself.
#[derive(Debug)]
pub struct Linked {
    /// Version of the library that is linked.
    pub version: Version,
    /// Directory holding the header that matches the linked library.
    pub include_dir: std::path::PathBuf,
    /// File name of that header inside `include_dir`.
    pub header: &'static str,
    /// `true` for the vendored amalgamation, `false` for a system library.
    pub vendored: bool,
    /// `SQLITE_*` options the C was compiled with (vendored only).
    pub compile_options: Vec<String>,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nerror: lite3-sys could not provide SQLite\n\n{message}\n");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let config = Config::from_env()?;
    let linked = match config.source {
        Source::System => {
            let linked = system::probe(&config)?;
            read_helpers::compile_alone(&linked.include_dir)?;
            linked
        }
        Source::Vendored => build_vendored(&config)?,
    };
    let bindings_version = bindings::provide(&config, &linked)?;
    output::report(&config, &linked, bindings_version)
}

#[cfg(feature = "vendored")]
fn build_vendored(config: &Config) -> Result<Linked, String> {
    vendored::build(config)
}

#[cfg(not(feature = "vendored"))]
fn build_vendored(_: &Config) -> Result<Linked, String> {
    unreachable!("config::Source::Vendored is only chosen with the `vendored` feature")
}
