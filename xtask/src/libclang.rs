//! bindgen loads libclang at run time; this finds it, or installs Debian's packages when allowed.

use crate::cmd;
use crate::tools::Installer;
use std::path::Path;

/// Debian packages that give bindgen libclang and clang's own headers (`stdarg.h`).
pub const DEBIAN_PACKAGES: [&str; 2] = ["libclang1-14", "libclang-common-14-dev"];

/// Makes sure libclang is usable, installing Debian's packages with apt-get (and saying so)
/// when `install` is true.
pub fn ensure(install: bool) -> Result<(), String> {
    let installer = Installer {
        allowed: install && cmd::exists("apt-get"),
    };
    installer
        .apt(&DEBIAN_PACKAGES, is_available())
        .map_err(|e| format!("bindgen needs libclang: {e}; or set LIBCLANG_PATH"))?;
    if is_available() {
        Ok(())
    } else {
        Err("libclang is still not usable after installing it; set LIBCLANG_PATH".into())
    }
}

/// libclang and its resource headers, in LIBCLANG_PATH or Debian's /usr/lib/llvm-* layout.
pub fn is_available() -> bool {
    if std::env::var_os("LIBCLANG_PATH").is_some() {
        return true;
    }
    let Ok(entries) = std::fs::read_dir("/usr/lib") else {
        return false;
    };
    entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("llvm-"))
        .any(|llvm| {
            let lib = llvm.path().join("lib");
            has_entry(&lib, |name| {
                name.starts_with("libclang")
                    && name.contains(".so")
                    && !name.starts_with("libclang-cpp")
            }) && has_resource_headers(&lib.join("clang"))
        })
}

fn has_resource_headers(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|versions| {
        versions
            .flatten()
            .any(|v| v.path().join("include/stdarg.h").is_file())
    })
}

fn has_entry(dir: &Path, matches: impl Fn(&str) -> bool) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| matches(&e.file_name().to_string_lossy()))
    })
}
