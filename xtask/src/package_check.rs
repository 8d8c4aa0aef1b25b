//! `cargo xtask package-check [--install]`: what a user of the registry gets, proven without
//! publishing. `cargo package` (with its verification builds) packs lite3-sys, lite3 and
//! lite3-cli; the three crates and every crates.io dependency go into a local directory source
//! that replaces crates.io; then an application crate outside the workspace that depends on
//! `lite3` by version only is built and run (default features, then `system`), and `lite3-cli`
//! is `cargo install`ed from the packaged crate and runs a query. No `[patch]`, no path.

use crate::cmd;
use crate::tools::Installer;
use sha2::{Digest, Sha256};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const CRATES: [&str; 3] = ["lite3-sys", "lite3", "lite3-cli"];

/// The application: written as a user of the registry would, knowing nothing of the workspace.
const APP_MAIN: &str = r#"use lite3::{Connection, params};

fn main() -> Result<(), lite3::Error> {
    let mut conn = Connection::open_in_memory()?;
    conn.execute_batch("CREATE TABLE person(id INTEGER PRIMARY KEY, name TEXT NOT NULL)")?;
    let tx = conn.transaction()?;
    tx.execute("INSERT INTO person(name) VALUES (?1)", ("Ada",))?;
    tx.execute("INSERT INTO person(name) VALUES (?1)", params!["Grace"])?;
    tx.commit()?;
    let names: Vec<String> = conn
        .prepare("SELECT name FROM person ORDER BY id")?
        .query_map((), |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    assert_eq!(names, ["Ada", "Grace"]);
    println!("app ok: SQLite {}, {} rows", lite3::sqlite_version(), names.len());
    Ok(())
}
"#;

pub fn run(args: Vec<String>) -> Result<(), String> {
    let installer = Installer {
        allowed: cmd::only_flag("package-check", &args, "--install")?,
    };
    let root = cmd::workspace_root();
    let work = root.join("target/package-check");
    // A fresh start: a stale directory source would hide a packaging mistake.
    let _ = fs::remove_dir_all(&work);
    let registry = work.join("registry");

    let crate_version = cmd::workspace_field(&root, "version")?;
    forget_earlier_packagings(&crate_version)?;
    let mut package = Command::new(cmd::cargo());
    package.arg("package").arg("--locked").arg("--allow-dirty");
    for krate in CRATES {
        package.args(["-p", krate]);
    }
    cmd::run(package.current_dir(&root))?;
    cmd::run(
        Command::new(cmd::cargo())
            .args(["vendor", "--locked", "--versioned-dirs", "--quiet"])
            .arg(&registry)
            .current_dir(&root),
    )?;
    for krate in CRATES {
        let file = root.join(format!("target/package/{krate}-{crate_version}.crate"));
        let size = fs::metadata(&file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?
            .len();
        println!("packaged {krate} {crate_version}: {size} bytes");
        add_to_directory_source(&file, &registry, &format!("{krate}-{crate_version}"))?;
    }

    let app = work.join("app");
    write_app(&app, &registry, &crate_version)?;
    let app_target = work.join("app-target");
    for features in [None, Some("system")] {
        if features.is_some() {
            installer.apt(&["libsqlite3-dev", "pkg-config"], system_sqlite_present())?;
        }
        let mut build = Command::new(cmd::cargo());
        build
            .args(["run", "--release", "--quiet"])
            .arg("--target-dir")
            .arg(&app_target);
        if let Some(features) = features {
            build.args(["--features", features]);
        }
        cmd::run(build.current_dir(&app))?;
    }

    // `cargo install` reads no project configuration, so the replacement is given on its
    // command line.
    let install_root = work.join("install");
    let mut install = Command::new(cmd::cargo());
    for setting in source_replacement(&registry) {
        install.arg("--config").arg(setting);
    }
    cmd::run(
        install
            .args([
                "install",
                "--locked",
                "--quiet",
                "lite3-cli",
                "--version",
                &crate_version,
            ])
            .arg("--root")
            .arg(&install_root)
            .arg("--target-dir")
            .arg(work.join("install-target"))
            .current_dir(&app),
    )?;
    let lite3 = install_root.join("bin/lite3");
    let version = cmd::output(Command::new(&lite3).arg("--version"))?;
    let db = work.join("smoke.db");
    let answer = cmd::output(Command::new(&lite3).arg("query").arg(&db).args([
        "SELECT ?1 + 1 AS answer",
        "--param",
        "41",
        "-f",
        "csv",
    ]))?;
    if answer != "answer\n42" {
        return Err(format!("the installed lite3 answered {answer:?}"));
    }
    println!("installed {version}: a query answered 42");
    println!("package-check passed");
    Ok(())
}

/// Unpacks a `.crate` into the directory source as `name`, with the checksum file Cargo wants
/// (the archive's SHA-256; no per-file sums, as for a registry download).
/// `cargo package` verifies each crate against the others through a temporary local registry,
/// whose crates cargo unpacks under `$CARGO_HOME/registry/src/-<hash>/` and, like any registry
/// crate, never unpacks again for the same version. An earlier run's unpacked `lite3 0.1.0`
/// would then be what `lite3-cli` is verified against, however the source has changed since.
/// Those directories (only ours, only this version, only local registries: their names start
/// with `-`) are removed first.
fn forget_earlier_packagings(version: &str) -> Result<(), String> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .ok_or("neither CARGO_HOME nor HOME is set")?;
    let Ok(sources) = fs::read_dir(home.join("registry/src")) else {
        return Ok(());
    };
    for source in sources.flatten() {
        if !source.file_name().to_string_lossy().starts_with('-') {
            continue;
        }
        for krate in CRATES {
            let unpacked = source.path().join(format!("{krate}-{version}"));
            if unpacked.exists() {
                fs::remove_dir_all(&unpacked)
                    .map_err(|e| format!("cannot remove {}: {e}", unpacked.display()))?;
            }
        }
    }
    Ok(())
}

fn add_to_directory_source(file: &Path, registry: &Path, name: &str) -> Result<(), String> {
    cmd::run(
        Command::new("tar")
            .arg("xzf")
            .arg(file)
            .arg("-C")
            .arg(registry),
    )?;
    let bytes = fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let sum: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let checksum = format!("{{\"files\":{{}},\"package\":\"{sum}\"}}");
    write(&registry.join(name).join(".cargo-checksum.json"), &checksum)
}

fn write_app(app: &Path, registry: &Path, version: &str) -> Result<(), String> {
    let manifest = format!(
        "[package]\nname = \"registry-user\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\
         publish = false\n\n[dependencies]\nlite3 = \"{version}\"\n\n\
         [features]\nsystem = [\"lite3/system\"]\n\n\
         # Not part of the lite3 workspace around it.\n[workspace]\n"
    );
    write(&app.join("Cargo.toml"), &manifest)?;
    write(&app.join("src/main.rs"), APP_MAIN)?;
    write(
        &app.join(".cargo/config.toml"),
        &(source_replacement(registry).join("\n") + "\n"),
    )
}

/// The settings that make crates.io resolve to the directory source (TOML `key = value` lines,
/// as a config file or as `--config` arguments take them).
fn source_replacement(registry: &Path) -> [String; 2] {
    [
        "source.crates-io.replace-with = \"packaged\"".to_owned(),
        format!(
            "source.packaged.directory = {:?}",
            registry.display().to_string()
        ),
    ]
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn system_sqlite_present() -> bool {
    Command::new("pkg-config")
        .args(["--exists", "sqlite3"])
        .status()
        .is_ok_and(|s| s.success())
}
