//! Running `lite3` as a process on scratch files, shared by the CLI's test files.
#![allow(dead_code)] // each test file uses its own part

use std::path::PathBuf;
use std::process::{Command, Output};

pub struct Scratch(PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("lite3-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    pub fn file(&self, name: &str, contents: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        path.to_str().unwrap().to_owned()
    }

    pub fn bytes(&self, name: &str, contents: &[u8]) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        path.to_str().unwrap().to_owned()
    }

    pub fn path(&self, name: &str) -> String {
        self.0.join(name).to_str().unwrap().to_owned()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        // Directories a test made read-only must be writable again to be removed.
        use std::os::unix::fs::PermissionsExt as _;
        for entry in std::fs::read_dir(&self.0).into_iter().flatten().flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                let _ =
                    std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(0o755));
            }
        }
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn lite3(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lite3"))
        .args(args)
        .output()
        .unwrap()
}

pub fn ok(args: &[&str]) -> String {
    let out = lite3(args);
    assert!(
        out.status.success(),
        "lite3 {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub fn fails(args: &[&str]) -> String {
    let out = lite3(args);
    assert_eq!(out.status.code(), Some(1), "lite3 {args:?} should fail");
    String::from_utf8(out.stderr).unwrap()
}

/// Runs `lite3` with `input` on its standard input.
pub fn lite3_with_input(args: &[&str], input: &[u8]) -> Output {
    use std::io::Write as _;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_lite3"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // A command that fails early may not read it all: a closed pipe is fine.
    let _ = stdin.write_all(input);
    drop(stdin);
    child.wait_with_output().unwrap()
}

/// The rows of `sql` on `db` as CSV, through `lite3 query`.
pub fn rows(db: &str, sql: &str) -> String {
    ok(&["query", db, sql, "-f", "csv"])
}

/// `args` with every `"DB"` replaced by `db`.
pub fn with_db<'a>(args: &[&'a str], db: &'a str) -> Vec<&'a str> {
    args.iter()
        .map(|a| if *a == "DB" { db } else { a })
        .collect()
}

/// Checks that `lite3 args…` (with `"DB"` standing for the database) refuses a file that is not
/// a database: exit status 1, a message naming the file, and the file left byte for byte.
pub fn refuses_a_non_database(s: &Scratch, args: &[&str]) {
    let junk_bytes: &[u8] = b"not a database: just text, long enough to fill a database header.....................................\n";
    let junk = s.bytes("junk.db", junk_bytes);
    let err = fails(&with_db(args, &junk));
    assert!(
        err.contains(&format!("{junk}: file is not a database")),
        "{args:?}: {err}"
    );
    assert_eq!(
        std::fs::read(&junk).unwrap(),
        junk_bytes,
        "{args:?} changed it"
    );
}

/// Checks that `lite3 args…` refuses a missing database file instead of creating one.
pub fn refuses_a_missing_database(s: &Scratch, args: &[&str]) {
    let missing = s.path("missing.db");
    let err = fails(&with_db(args, &missing));
    assert_eq!(
        err,
        format!("lite3: {missing}: no such database file\n"),
        "{args:?}"
    );
    assert!(
        !std::path::Path::new(&missing).exists(),
        "{args:?} created it"
    );
}

/// Whether file permissions bind this process (they do not for root, who may write anywhere).
pub fn permissions_apply(s: &Scratch) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = s.path("probe");
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    let denied = std::fs::write(format!("{dir}/x"), b"x").is_err();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    denied
}

/// A database that cannot be written: in a read-only directory, the file read-only too, where
/// permissions apply; for root (CI), the same file through a read-only URI, which makes SQLite
/// meet the same SQLITE_READONLY refusal. Returns the name to pass to `lite3`.
pub fn read_only_database(s: &Scratch, setup_sql: &str) -> String {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = s.path("ro");
    std::fs::create_dir(&dir).unwrap();
    let db = format!("{dir}/ro.db");
    let loaded = lite3_with_input(&["sql", &db], setup_sql.as_bytes());
    assert!(loaded.status.success());
    if permissions_apply(s) {
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
        db
    } else {
        format!("file:{db}?mode=ro")
    }
}
