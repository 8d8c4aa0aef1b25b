//! The encryption half of `cargo xtask interop`: files lite3 encrypts open in real tools, and
//! theirs open in lite3. Real SQLCipher 4 (PyPI `sqlcipher3-binary`) and SQLCipher 3 (Debian's
//! `sqlcipher` shell) for lite3's SQLCipher modes; another SQLite3 Multiple Ciphers build
//! (PyPI `apsw-sqlite3mc`) for every cipher. lite3's side is the `lite3` command with
//! `--key-file` and `--cipher`, as a user would run it.

use crate::cmd;
use crate::tools::Installer;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

/// lite3's cipher names, all of which SQLite3 Multiple Ciphers reads and writes.
const CIPHERS: &[&str] = &[
    "chacha20",
    "aes256cbc",
    "aes128cbc",
    "ascon128",
    "aegis",
    "sqlcipher",
    "sqlcipher3",
    "sqlcipher2",
    "sqlcipher1",
];
const PASSPHRASE: &str = "interop passphrase";

pub fn run(installer: Installer) -> Result<(), String> {
    installer.apt(&["sqlcipher"], cmd::exists("sqlcipher"))?;
    let sqlcipher = installer.pip("sqlcipher3-binary", "sqlcipher3")?;
    let apsw = installer.pip("apsw-sqlite3mc", "apsw")?;
    let python = std::env::join_paths([sqlcipher, apsw]).map_err(|e| e.to_string())?;
    let root = cmd::workspace_root();
    cmd::run(
        Command::new(cmd::cargo())
            .args(["build", "--locked", "-p", "lite3-cli"])
            .current_dir(&root),
    )?;
    let lite3 = root.join("target/debug/lite3");
    let dir = root.join("target/interop/encryption");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let key = dir.join("key");
    fs::write(&key, PASSPHRASE).map_err(|e| e.to_string())?;
    let query = |db: &str, cipher: &str, sql: &str| -> Result<String, String> {
        cmd::output(
            Command::new(&lite3)
                .arg("query")
                .arg(dir.join(db))
                .arg(sql)
                .arg("--key-file")
                .arg(&key)
                .args(["--cipher", cipher, "--format", "csv"])
                .env_remove("LITE3_KEY"),
        )
    };

    for cipher in CIPHERS {
        query(
            &format!("lite3-{cipher}.db"),
            cipher,
            "CREATE TABLE t AS SELECT 'from lite3' AS who, 42 AS n",
        )?;
        let bytes = fs::read(dir.join(format!("lite3-{cipher}.db"))).map_err(|e| e.to_string())?;
        if bytes.starts_with(b"SQLite format 3") || contains(&bytes, b"from lite3") {
            return Err(format!("lite3's {cipher} file holds plaintext"));
        }
    }

    // SQLCipher 4 and SQLite3 Multiple Ciphers (Python) read lite3's files and write theirs.
    let script = root.join("xtask/py/encryption_interop.py");
    let said = cmd::output(
        Command::new("python3")
            .arg(&script)
            .arg(&dir)
            .arg(PASSPHRASE)
            .args(CIPHERS)
            .env("PYTHONPATH", &python),
    )?;
    println!("{said}");

    // SQLCipher 3, Debian's shell, both ways.
    let read = sqlcipher_shell(&dir.join("lite3-sqlcipher3.db"), "SELECT who, n FROM t;")?;
    if read != "from lite3|42" {
        return Err(format!("SQLCipher 3 read {read:?} from lite3's file"));
    }
    sqlcipher_shell(
        &dir.join("sqlcipher3.db"),
        "CREATE TABLE t AS SELECT 'from sqlcipher3' AS who, 3 AS n;",
    )?;
    let shell = cmd::output(Command::new("sqlcipher").arg("-version"))?;
    println!("SQLCipher 3 ({shell}) read lite3's sqlcipher3 file");

    // lite3 reads what they wrote.
    let expect = |db: &str, cipher: &str, row: &str| -> Result<(), String> {
        let found = query(db, cipher, "SELECT who, n FROM t")?;
        if found.lines().nth(1) != Some(row) {
            return Err(format!("lite3 read {found:?} from {db} ({cipher})"));
        }
        Ok(())
    };
    expect("sqlcipher4.db", "sqlcipher", "from sqlcipher4,4")?;
    expect("sqlcipher3.db", "sqlcipher3", "from sqlcipher3,3")?;
    for cipher in CIPHERS {
        expect(&format!("apsw-{cipher}.db"), cipher, "from apsw,7")?;
    }
    println!(
        "lite3 read the files of SQLCipher 4, SQLCipher 3 and apsw-sqlite3mc ({})",
        CIPHERS.join(" ")
    );
    Ok(())
}

/// Runs `sql` after `PRAGMA key` in Debian's `sqlcipher` shell on `db`; its output.
fn sqlcipher_shell(db: &Path, sql: &str) -> Result<String, String> {
    use std::io::Write as _;
    let mut child = Command::new("sqlcipher")
        .arg(db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start sqlcipher: {e}"))?;
    let input = format!("PRAGMA key = '{PASSPHRASE}';\n{sql}\n");
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(input.as_bytes())
        .map_err(|e| e.to_string())?;
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() || !stderr.trim().is_empty() {
        return Err(format!("sqlcipher {}: {}", db.display(), stderr.trim()));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
