//! Verifies the amalgamation's bytes against the SHA-256 pins in vendor/sqlite3mc/SHA256SUMS
//! before anything is compiled, so a swapped or modified source never reaches the compiler.

use sha2::{Digest, Sha256};
use std::fs;
use std::io::Read;
use std::path::Path;

/// Checks every file named in `sums` (`sha256sum` format) inside `dir`, and that each file in
/// `required` is pinned there at all.
pub fn verify(dir: &Path, sums: &Path, required: &[&str]) -> Result<(), String> {
    println!("cargo:rerun-if-changed={}", sums.display());
    let text = fs::read_to_string(sums)
        .map_err(|e| format!("cannot read the pins {}: {e}", sums.display()))?;
    let pins = parse(&text).map_err(|e| format!("{}: {e}", sums.display()))?;
    if let Some(missing) = required
        .iter()
        .find(|name| !pins.iter().any(|(_, pinned)| pinned == *name))
    {
        return Err(format!(
            "{} pins no checksum for {missing}, which the build uses",
            sums.display()
        ));
    }
    for (expected, name) in &pins {
        let path = dir.join(name);
        let actual = sha256_hex(&path)?;
        if actual != *expected {
            return Err(format!(
                "checksum mismatch for {}\n  expected sha256 {expected} (pinned in {})\n  actual   sha256 {actual}\n\
                 The vendored SQLite source is not the pinned release; refusing to compile it.\n\
                 If you upgraded sqlite3mc-src on purpose, follow vendor/README.md to update the pins.",
                path.display(),
                sums.display()
            ));
        }
    }
    Ok(())
}

/// Parses `<64 hex digits>  <file name>` lines.
fn parse(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut pins = Vec::new();
    for (number, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let (hash, name) = line
            .split_once(char::is_whitespace)
            .ok_or_else(|| format!("line {}: expected `<sha256>  <file>`", number + 1))?;
        let name = name.trim().trim_start_matches('*');
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) || name.is_empty() {
            return Err(format!(
                "line {}: expected `<sha256>  <file>`, found {line:?}",
                number + 1
            ));
        }
        pins.push((hash.to_ascii_lowercase(), name.to_owned()));
    }
    Ok(pins)
}

fn sha256_hex(path: &Path) -> Result<String, String> {
    let mut file =
        fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 1 << 16];
    loop {
        let n = file
            .read(&mut buffer)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}
