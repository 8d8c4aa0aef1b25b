//! vendor/sqlite3mc/compile-options.txt: one `NAME` or `NAME=value` per line, then an optional
//! `# reason`. Read by the build script and by `cargo xtask bench` (for the C baseline), so both
//! compile SQLite the same way.

use std::fs;
use std::path::Path;

pub type Options = Vec<(String, Option<String>)>;

/// One `NAME` or `NAME=value` per line, then an optional `# reason`.
pub fn read(path: &Path) -> Result<Options, String> {
    let text =
        fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut options = Options::new();
    for (number, line) in text.lines().enumerate() {
        let option = line.split('#').next().unwrap_or_default().trim();
        if option.is_empty() {
            continue;
        }
        let (name, value) = match option.split_once('=') {
            Some((name, value)) => (name.trim(), Some(value.trim().to_owned())),
            None => (option, None),
        };
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(format!(
                "{}:{}: {option:?} is not `NAME` or `NAME=value`",
                path.display(),
                number + 1
            ));
        }
        options.push((name.to_owned(), value));
    }
    Ok(options)
}
