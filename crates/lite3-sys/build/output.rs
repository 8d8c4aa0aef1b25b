//! Tells Cargo, dependent crates and lite3-sys itself what was linked.

use crate::Linked;
use crate::config::Config;
use crate::system::MINIMUM;
use crate::version::Version;
use std::fs;

/// Highest minor version declared in `check-cfg`; raise it when SQLite 3.100 ships.
const CHECK_CFG_LAST_MINOR: u32 = 99;

pub fn report(config: &Config, linked: &Linked, bindings: Version) -> Result<(), String> {
    // Newer APIs may be called only when they are both linked and declared.
    let api = linked.version.min(bindings);

    // Links metadata: dependents read these as DEP_SQLITE3_<KEY>.
    println!("cargo::metadata=include={}", linked.include_dir.display());
    println!("cargo::metadata=version={}", linked.version);
    println!("cargo::metadata=version_number={}", linked.version.number());
    println!("cargo::metadata=api_version_number={}", api.number());
    println!("cargo::metadata=vendored={}", linked.vendored);

    // `#[cfg(sqlite_since = "3.44")]` gates code on an API from that release.
    let values: Vec<String> = (MINIMUM.minor..=CHECK_CFG_LAST_MINOR)
        .map(|m| format!("\"3.{m}\""))
        .collect();
    println!(
        "cargo::rustc-check-cfg=cfg(sqlite_since, values({}))",
        values.join(", ")
    );
    println!("cargo::rustc-check-cfg=cfg(sqlite_vendored)");
    for minor in MINIMUM.minor..=api.minor {
        println!("cargo::rustc-cfg=sqlite_since=\"3.{minor}\"");
    }
    if linked.vendored {
        println!("cargo::rustc-cfg=sqlite_vendored");
    }

    let path = config.out_dir.join("build_info.rs");
    fs::write(&path, build_info(linked, api))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!(
        "lite3-sys: linking {} SQLite {} (API declared up to {api})",
        if linked.vendored {
            "vendored"
        } else {
            "system"
        },
        linked.version
    );
    Ok(())
}

fn build_info(linked: &Linked, api: Version) -> String {
    format!(
        "/// Version of the SQLite library linked at build time, e.g. `\"3.54.0\"`.\n\
         pub const VERSION: &str = \"{version}\";\n\
         /// [`VERSION`] as `SQLITE_VERSION_NUMBER` writes it, e.g. `3054000`.\n\
         pub const VERSION_NUMBER: i32 = {number};\n\
         /// Newest SQLite API that is both linked and declared by the bindings.\n\
         pub const API_VERSION_NUMBER: i32 = {api};\n\
         /// `true` when the vendored amalgamation was compiled, `false` for a system library.\n\
         pub const VENDORED: bool = {vendored};\n\
         /// `SQLITE_*` options the vendored SQLite was compiled with (empty for a system library).\n\
         pub const COMPILE_OPTIONS: &[&str] = &{options:?};\n",
        version = linked.version,
        number = linked.version.number(),
        api = api.number(),
        vendored = linked.vendored,
        options = linked.compile_options,
    )
}
