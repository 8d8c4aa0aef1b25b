//! Encrypted databases from the command line: keys only from a file or LITE3_KEY, every
//! command opening with the key, `encrypt`/`decrypt`/`rekey`, `stats` naming the cipher,
//! encrypted backups, and each wrong-key case refused with the file named and nothing changed.
#![cfg(not(feature = "system"))]

mod common;

use common::{Scratch, fails, lite3_with_input, ok};
use std::process::Command;

const MARKER: &str = "cli-secret-marker";

fn holds_marker(path: &str) -> bool {
    let bytes = std::fs::read(path).unwrap();
    bytes.windows(MARKER.len()).any(|w| w == MARKER.as_bytes())
}

fn plaintext_database(s: &Scratch) -> String {
    let db = s.path("notes.db");
    let sql = format!("CREATE TABLE notes(body); INSERT INTO notes VALUES ('{MARKER}');");
    let out = lite3_with_input(&["sql", &db], sql.as_bytes());
    assert!(out.status.success());
    db
}

#[test]
fn encrypt_use_rekey_back_up_and_decrypt_with_key_files() {
    let s = Scratch::new("cli-encryption");
    let db = plaintext_database(&s);
    let key = s.file("key", "correct horse\n");
    let next = s.file("next", &format!("raw:{}\n", "5a".repeat(32)));

    ok(&["encrypt", &db, "--key-file", &key]);
    assert!(!holds_marker(&db));
    let query = ["query", &db, "SELECT body FROM notes", "--key-file", &key];
    assert!(ok(&query).contains(MARKER));

    let before = std::fs::read(&db).unwrap();
    let err = fails(&["query", &db, "SELECT 1"]);
    assert!(
        err.contains(&db) && err.contains("--key-file or LITE3_KEY"),
        "{err}"
    );
    let wrong = s.file("wrong", "guess");
    let err = fails(&["query", &db, "SELECT 1", "--key-file", &wrong]);
    assert!(err.contains("the key does not open this database"), "{err}");
    let err = fails(&[
        "query",
        &db,
        "SELECT 1",
        "--key-file",
        &key,
        "--cipher",
        "aegis",
    ]);
    assert!(err.contains("the key does not open this database"), "{err}");
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "failed opens changed nothing"
    );

    let stats = ok(&["stats", &db, "--key-file", &key]);
    assert!(stats.contains("cipher             chacha20"), "{stats}");

    ok(&["rekey", &db, "--key-file", &key, "--new-key-file", &next]);
    fails(&["query", &db, "SELECT 1", "--key-file", &key]);
    let copy = s.path("copy.db");
    ok(&["backup", &db, &copy, "--key-file", &next]);
    assert!(!holds_marker(&copy));
    let restored = s.path("restored.db");
    ok(&["restore", &copy, &restored, "--key-file", &next]);
    assert!(!holds_marker(&restored));
    assert!(
        ok(&[
            "query",
            &restored,
            "SELECT body FROM notes",
            "--key-file",
            &next
        ])
        .contains(MARKER)
    );

    ok(&["decrypt", &db, "--key-file", &next]);
    assert!(holds_marker(&db));
    assert!(ok(&["query", &db, "SELECT body FROM notes"]).contains(MARKER));
    let err = fails(&["query", &db, "SELECT 1", "--key-file", &next]);
    assert!(
        err.contains("is not encrypted, but a key was given"),
        "{err}"
    );
}

#[test]
fn the_key_comes_from_the_environment_and_never_from_an_argument() {
    let s = Scratch::new("cli-encryption-env");
    let db = s.path("env.db");
    let run = |args: &[&str], key: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_lite3"));
        cmd.args(args).env_remove("LITE3_KEY");
        if let Some(key) = key {
            cmd.env("LITE3_KEY", key);
        }
        cmd.output().unwrap()
    };
    let create = format!("CREATE TABLE notes AS SELECT '{MARKER}' AS body");
    assert!(
        run(
            &["query", &db, &create, "--cipher", "sqlcipher"],
            Some("from-env")
        )
        .status
        .success()
    );
    assert!(!holds_marker(&db));
    let out = run(
        &[
            "query",
            &db,
            "SELECT body FROM notes",
            "--cipher",
            "sqlcipher",
        ],
        Some("from-env"),
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains(MARKER));
    let out = run(&["stats", &db, "--cipher", "sqlcipher4"], Some("from-env"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("sqlcipher4"));
    // Without --cipher, the file's cipher is found by trying the key with each.
    let out = run(&["stats", &db], Some("from-env"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("cipher             sqlcipher4"));
    let out = run(&["stats", &db], Some("wrong key"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the key does not open this database"));
    assert!(!run(&["query", &db, "SELECT 1"], None).status.success());

    let help = String::from_utf8_lossy(&run(&["query", "--help"], None).stdout).into_owned();
    assert!(help.contains("--key-file <PATH>"), "{help}");
    assert!(
        !help.contains("--key <"),
        "no option takes the key itself: {help}"
    );
    let empty = s.file("empty", "\n");
    let err = fails(&["query", &db, "SELECT 1", "--key-file", &empty]);
    assert!(err.contains("the key is empty"), "{err}");
    let bad_raw = s.file("bad", "raw:1234");
    let err = fails(&["query", &db, "SELECT 1", "--key-file", &bad_raw]);
    assert!(err.contains("64 hexadecimal digits"), "{err}");
    let err = fails(&["encrypt", &db]);
    assert!(err.contains("encrypt needs a key"), "{err}");
}
