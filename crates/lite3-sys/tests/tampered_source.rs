//! The build refuses SQLite sources whose bytes differ from the pins in vendor/sqlite3mc/SHA256SUMS.
//! A modified copy of the amalgamation is handed to a real `cargo build` through the documented
//! LITE3_SQLITE_SOURCE_DIR override; the build must stop before compiling, naming the file and
//! both hashes.

use std::fs;
use std::path::Path;
use std::process::Command;

#[test]
fn build_refuses_a_modified_amalgamation() {
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("tampered-sqlite");
    let _ = fs::remove_dir_all(&scratch);
    let source = scratch.join("src");
    fs::create_dir_all(&source).unwrap();
    let pinned = sqlite3mc_src::source_dir();
    for file in [
        sqlite3mc_src::SOURCE_FILE,
        sqlite3mc_src::HEADER_FILE,
        sqlite3mc_src::EXTENSION_HEADER_FILE,
    ] {
        fs::copy(pinned.join(file), source.join(file)).unwrap();
    }
    let tampered = source.join(sqlite3mc_src::SOURCE_FILE);
    let mut bytes = fs::read(&tampered).unwrap();
    bytes.extend_from_slice(b"\n/* one extra line */\n");
    fs::write(&tampered, bytes).unwrap();

    let sums = Path::new(env!("CARGO_MANIFEST_DIR")).join("vendor/sqlite3mc/SHA256SUMS");
    let sums = fs::read_to_string(sums).unwrap();
    let expected = sums
        .lines()
        .find(|l| l.ends_with(sqlite3mc_src::SOURCE_FILE))
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap();

    let output = Command::new(env!("CARGO"))
        .args([
            "build",
            "--quiet",
            "--locked",
            "--package",
            "lite3-sys",
            "--target-dir",
        ])
        .arg(scratch.join("target"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("LITE3_SQLITE_SOURCE_DIR", &source)
        .env_remove("LITE3_SQLITE_SYSTEM")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "the tampered build succeeded:\n{stderr}"
    );
    assert!(
        stderr.contains(&format!("checksum mismatch for {}", tampered.display())),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("expected sha256 {expected}")),
        "{stderr}"
    );
    assert!(stderr.contains("actual   sha256 "), "{stderr}");
    assert!(
        !stderr.contains("compiling"),
        "the build went on to compile:\n{stderr}"
    );
}
