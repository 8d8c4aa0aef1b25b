//! Compiles the SQLite3 Multiple Ciphers amalgamation shipped by the pinned `sqlite3mc-src` crate,
//! after checking its bytes, with the options listed in vendor/sqlite3mc/compile-options.txt.

use crate::config::{self, Config, SOURCE_DIR_ENV};
use crate::version::Version;
use crate::{Linked, checksum, options};
use sqlite3mc_src::{HEADER_FILE, SOURCE_FILE};
use std::fs;
use std::path::PathBuf;

pub fn build(config: &Config) -> Result<Linked, String> {
    let dir = source_dir();
    let vendor = config.vendor_dir.join("sqlite3mc");
    checksum::verify(
        &dir,
        &vendor.join("SHA256SUMS"),
        &[SOURCE_FILE, HEADER_FILE],
    )?;

    let options_file = vendor.join("compile-options.txt");
    println!("cargo:rerun-if-changed={}", options_file.display());
    let mut options = options::read(&options_file)?;
    if config.single_thread {
        set_option(&mut options, "SQLITE_THREADSAFE", "0");
    }

    let mut build = cc::Build::new();
    build
        .file(dir.join(SOURCE_FILE))
        .include(&dir)
        // Always optimised: a debug-built SQLite is many times slower, and nobody debugs its
        // internals through this crate. No debug info either: it adds ~25 s to every build.
        .opt_level(2)
        .debug(false)
        .warnings(false)
        // cc builds position-independent code, and GCC then assumes any exported function may
        // be interposed at load time, so it stops inlining SQLite's small internal API calls
        // into each other (sqlite3_mutex_enter into every column accessor). Nothing can
        // interpose on a statically linked library; clang already assumes this.
        .flag_if_supported("-fno-semantic-interposition");
    for (name, value) in &options {
        build.define(name, value.as_deref());
    }
    build
        .try_compile("sqlite3mc")
        .map_err(|e| format!("compiling {} failed: {e}", dir.join(SOURCE_FILE).display()))?;
    if config.target_env() != "musl" && !config.target.contains("windows") {
        // Unix SQLite uses dlopen for extensions and libm for math functions.
        println!("cargo:rustc-link-lib=m");
    }

    let header = fs::read_to_string(dir.join(HEADER_FILE))
        .map_err(|e| format!("cannot read {HEADER_FILE}: {e}"))?;
    let version = Version::from_header(&header).map_err(|e| format!("{HEADER_FILE}: {e}"))?;
    Ok(Linked {
        version,
        include_dir: dir,
        header: HEADER_FILE,
        vendored: true,
        compile_options: options
            .iter()
            .map(|(n, v)| v.as_ref().map_or(n.clone(), |v| format!("{n}={v}")))
            .collect(),
    })
}

fn source_dir() -> PathBuf {
    match config::env_knob(SOURCE_DIR_ENV) {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            for file in [SOURCE_FILE, HEADER_FILE] {
                println!("cargo:rerun-if-changed={}", dir.join(file).display());
            }
            dir
        }
        None => sqlite3mc_src::source_dir().to_path_buf(),
    }
}

fn set_option(options: &mut options::Options, name: &str, value: &str) {
    options.retain(|(n, _)| n != name);
    options.push((name.to_owned(), Some(value.to_owned())));
}
