//! Finds the system libsqlite3: from LITE3_SQLITE_LIB_DIR/LITE3_SQLITE_INCLUDE_DIR when set,
//! otherwise with pkg-config. Never falls back to the vendored copy: that would hide a
//! misconfigured system build.

use crate::Linked;
use crate::config::{
    Config, INCLUDE_DIR_ENV, LIB_DIR_ENV, STATIC_ENV, SYSTEM_ENV, env_knob, is_truthy,
};
use crate::version::Version;
use std::fs;
use std::path::{Path, PathBuf};

/// Oldest SQLite lite3 supports: Debian 12's. The committed system bindings describe this API.
pub const MINIMUM: Version = Version::new(3, 40, 0);
const HEADER: &str = "sqlite3.h";

pub fn probe(config: &Config) -> Result<Linked, String> {
    let static_link = env_knob(STATIC_ENV).map(|v| is_truthy(&v));
    let (version, include_dir) = match env_knob(LIB_DIR_ENV) {
        Some(lib_dir) => from_env_dirs(config, &lib_dir, static_link)?,
        None => from_pkg_config(config, static_link)?,
    };
    if version < MINIMUM {
        return Err(failure(
            config,
            &format!(
                "found SQLite {version} ({}), but lite3 needs at least {MINIMUM}",
                include_dir.display()
            ),
        ));
    }
    Ok(Linked {
        version,
        include_dir,
        header: HEADER,
        vendored: false,
        compile_options: Vec::new(),
    })
}

fn from_env_dirs(
    config: &Config,
    lib_dir: &str,
    static_link: Option<bool>,
) -> Result<(Version, PathBuf), String> {
    let include_dir = env_knob(INCLUDE_DIR_ENV).ok_or_else(|| {
        failure(config, &format!("{LIB_DIR_ENV} is set but {INCLUDE_DIR_ENV} is not; set both so the header matches the library"))
    })?;
    let include_dir = PathBuf::from(include_dir);
    let kind = if static_link == Some(true) {
        "static"
    } else {
        "dylib"
    };
    println!("cargo:rustc-link-search=native={lib_dir}");
    println!("cargo:rustc-link-lib={kind}=sqlite3");
    Ok((header_version(config, &include_dir)?, include_dir))
}

fn from_pkg_config(
    config: &Config,
    static_link: Option<bool>,
) -> Result<(Version, PathBuf), String> {
    let mut pkg = pkg_config::Config::new();
    pkg.cargo_metadata(true);
    if let Some(statik) = static_link {
        pkg.statik(statik);
    }
    let library = pkg
        .probe("sqlite3")
        .map_err(|e| failure(config, &format!("pkg-config could not find sqlite3:\n{e}")))?;
    let include_dir = match env_knob(INCLUDE_DIR_ENV) {
        Some(dir) => PathBuf::from(dir),
        // pkg-config leaves out -I for system directories, so ask for the variable itself.
        None => library
            .include_paths
            .iter()
            .find(|dir| dir.join(HEADER).is_file())
            .cloned()
            .or_else(|| {
                pkg_config::get_variable("sqlite3", "includedir")
                    .ok()
                    .map(PathBuf::from)
            })
            .unwrap_or_else(|| PathBuf::from("/usr/include")),
    };
    let version = Version::parse(&library.version)
        .map_err(|e| failure(config, &format!("pkg-config reported {e}")))?;
    let header = header_version(config, &include_dir)?;
    if header != version {
        return Err(failure(
            config,
            &format!(
                "pkg-config reports SQLite {version} but {} says {header}",
                include_dir.join(HEADER).display()
            ),
        ));
    }
    Ok((version, include_dir))
}

fn header_version(config: &Config, include_dir: &Path) -> Result<Version, String> {
    let path = include_dir.join(HEADER);
    println!("cargo:rerun-if-changed={}", path.display());
    let text = fs::read_to_string(&path)
        .map_err(|e| failure(config, &format!("cannot read {}: {e}", path.display())))?;
    Version::from_header(&text).map_err(|e| failure(config, &format!("{}: {e}", path.display())))
}

/// A failure message is documentation: what was looked for, how to fix it, and the alternative.
fn failure(config: &Config, what: &str) -> String {
    format!(
        "The system SQLite was requested (feature `system` or {SYSTEM_ENV}) but {what}.\n\n\
         lite3 needs libsqlite3 {MINIMUM} or newer, with its header and a pkg-config file:\n\
         \x20 Debian/Ubuntu: apt-get install libsqlite3-dev pkg-config\n\
         \x20 Fedora:        dnf install sqlite-devel pkgconf-pkg-config\n\
         Or point the build at it: {LIB_DIR_ENV} and {INCLUDE_DIR_ENV} (plus {STATIC_ENV}=1 for a static\n\
         library), or PKG_CONFIG_PATH for pkg-config. Each may be prefixed with the target, e.g.\n\
         {target_prefix}_{LIB_DIR_ENV}.\n\
         Or drop the `system` feature: the default `vendored` feature compiles a pinned SQLite and\n\
         needs only a C compiler.\n\n\
         host: {host}, target: {target}",
        target_prefix = config.target.to_uppercase().replace('-', "_"),
        host = config.host,
        target = config.target,
    )
}
