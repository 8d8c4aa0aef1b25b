//! Encryption at rest: every cipher round-trips; a wrong key, a missing key and a key on a
//! plaintext file are distinct errors at open that leave the file as it was; rekey, encrypt and
//! decrypt work (in WAL mode too); in-memory databases are refused; a Pool and a Worker key
//! every connection they open; backups cross between encrypted and plaintext files; a build
//! without a codec refuses instead of writing plaintext.

mod common;

use common::{TempDir, sqlite_turn};
use lite3::encryption::{Cipher, Encryption, EncryptionError, Key};
use lite3::{Connection, Error};
use std::path::Path;

const MARKER: &str = "plaintext-marker-9f2c";

fn secret() -> Encryption {
    Encryption::new(Key::passphrase("correct horse battery staple"))
}

fn write_marker(conn: &Connection) {
    conn.execute_batch(&format!(
        "CREATE TABLE IF NOT EXISTS notes(body); INSERT INTO notes VALUES ('{MARKER}');"
    ))
    .unwrap();
}

fn count_notes(conn: &Connection) -> i64 {
    conn.query_row("SELECT count(*) FROM notes", (), |r| r.get(0))
        .unwrap()
}

/// The file's bytes, with its -wal and -shm if any, for "nothing was changed" checks.
fn snapshot(path: &Path) -> Vec<Option<Vec<u8>>> {
    ["", "-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| std::fs::read(format!("{}{suffix}", path.display())).ok())
        .collect()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[cfg(not(feature = "system"))]
mod with_codec {
    use super::*;

    #[test]
    fn every_cipher_round_trips_and_no_plaintext_reaches_the_file() {
        let _turn = sqlite_turn();
        let dir = TempDir::new("enc-ciphers");
        let ciphers = [
            Cipher::ChaCha20,
            Cipher::SqlCipher { version: 4 },
            Cipher::SqlCipher { version: 3 },
            Cipher::SqlCipher { version: 2 },
            Cipher::SqlCipher { version: 1 },
            Cipher::Aes256Cbc,
            Cipher::Aes128Cbc,
            Cipher::Ascon128,
            Cipher::Aegis,
        ];
        for (i, cipher) in ciphers.into_iter().enumerate() {
            let path = dir.0.join(format!("c{i}.db"));
            let encryption = secret().cipher(cipher);
            {
                let conn = Connection::open_encrypted(&path, &encryption).unwrap();
                write_marker(&conn);
                assert_eq!(conn.cipher().unwrap(), Some(cipher));
            }
            let bytes = std::fs::read(&path).unwrap();
            assert!(!bytes.starts_with(b"SQLite format 3"), "{cipher:?}");
            assert!(!contains(&bytes, MARKER), "{cipher:?}: the marker leaked");
            let conn = Connection::open_encrypted(&path, &encryption).unwrap();
            assert_eq!(count_notes(&conn), 1, "{cipher:?}");
            drop(conn);
            // The same key under another cipher does not open it.
            let other = if cipher == Cipher::ChaCha20 {
                Cipher::Aes256Cbc
            } else {
                Cipher::ChaCha20
            };
            let err = Connection::open_encrypted(&path, &secret().cipher(other)).unwrap_err();
            assert!(
                matches!(err, Error::Encryption(EncryptionError::WrongKey { .. })),
                "{cipher:?}: {err}"
            );
        }
    }

    #[test]
    fn the_cipher_of_a_file_is_found_with_its_key() {
        let _turn = sqlite_turn();
        let dir = TempDir::new("enc-detect");
        // A passphrase: SQLCipher 2 and 3 differ only in how a passphrase is stretched.
        let key = Key::passphrase("detect me");
        for (i, cipher) in [Cipher::Aegis, Cipher::SqlCipher { version: 2 }]
            .into_iter()
            .enumerate()
        {
            let path = dir.0.join(format!("d{i}.db"));
            write_marker(
                &Connection::open_encrypted(&path, &Encryption::new(key.clone()).cipher(cipher))
                    .unwrap(),
            );
            let before = snapshot(&path);
            assert_eq!(Cipher::detect(&path, &key).unwrap(), Some(cipher));
            assert_eq!(
                Cipher::detect(&path, &Key::passphrase("nope")).unwrap(),
                None
            );
            assert_eq!(snapshot(&path), before, "detection only reads");
        }
        let plain = dir.0.join("plain.db");
        write_marker(&Connection::open(&plain).unwrap());
        assert!(matches!(
            Cipher::detect(&plain, &key),
            Err(Error::Encryption(EncryptionError::NotEncrypted { .. }))
        ));
        assert_eq!(Cipher::detect(dir.0.join("absent.db"), &key).unwrap(), None);
        assert!(!dir.0.join("absent.db").exists());
    }

    #[test]
    fn wrong_missing_and_unneeded_keys_are_distinct_errors_that_change_nothing() {
        let _turn = sqlite_turn();
        let dir = TempDir::new("enc-errors");
        let path = dir.0.join("secret.db");
        write_marker(&Connection::open_encrypted(&path, &secret()).unwrap());
        let before = snapshot(&path);

        let wrong = Encryption::new(Key::passphrase("guess"));
        let err = Connection::open_encrypted(&path, &wrong).unwrap_err();
        assert!(
            matches!(&err, Error::Encryption(EncryptionError::WrongKey { path: p }) if p == &path),
            "{err}"
        );
        assert_eq!(snapshot(&path), before, "a wrong key changed the file");

        let err = Connection::open(&path).unwrap_err();
        assert!(
            matches!(&err, Error::Encryption(EncryptionError::KeyRequired { .. })),
            "{err}"
        );
        assert!(err.to_string().contains("open it with its key"), "{err}");
        assert_eq!(err.sqlite_code(), Some(lite3::ErrorCode::NotADatabase));
        assert_eq!(snapshot(&path), before, "a keyless open changed the file");

        let plain = dir.0.join("plain.db");
        write_marker(&Connection::open(&plain).unwrap());
        let before = snapshot(&plain);
        let err = Connection::open_encrypted(&plain, &secret()).unwrap_err();
        assert!(
            matches!(
                &err,
                Error::Encryption(EncryptionError::NotEncrypted { .. })
            ),
            "{err}"
        );
        assert_eq!(
            snapshot(&plain),
            before,
            "a key on a plaintext file changed it"
        );
        assert_eq!(count_notes(&Connection::open(&plain).unwrap()), 1);
    }

    #[test]
    fn raw_keys_and_passphrases_are_different_keys() {
        let _turn = sqlite_turn();
        let dir = TempDir::new("enc-raw");
        let path = dir.0.join("raw.db");
        let raw = Encryption::new(Key::raw([7; 32]));
        write_marker(&Connection::open_encrypted(&path, &raw).unwrap());
        let hex = Encryption::new(Key::from_hex(&"07".repeat(32)).unwrap());
        assert_eq!(
            count_notes(&Connection::open_encrypted(&path, &hex).unwrap()),
            1
        );
        let as_passphrase = Encryption::new(Key::passphrase_bytes(vec![7; 32]));
        assert!(Connection::open_encrypted(&path, &as_passphrase).is_err());
        assert!(Key::from_hex("07").is_err());
        assert!(Key::from_hex(&"zz".repeat(32)).is_err());
        assert_eq!(
            format!("{:?}", Key::passphrase("hunter2")),
            "Key(passphrase, redacted)"
        );
    }

    #[test]
    fn rekey_encrypt_and_decrypt_in_rollback_and_wal_modes() {
        let _turn = sqlite_turn();
        let dir = TempDir::new("enc-rekey");
        for wal in [false, true] {
            let path = dir.0.join(format!("db-{wal}.db"));
            {
                let conn = Connection::open(&path).unwrap();
                if wal {
                    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
                }
                write_marker(&conn);
                assert_eq!(conn.cipher().unwrap(), None);
                assert!(matches!(
                    conn.rekey(&Key::passphrase("x")),
                    Err(Error::Encryption(EncryptionError::NotEncrypted { .. }))
                ));
                assert!(conn.decrypt().is_err());
                conn.encrypt(&secret().cipher(Cipher::Aegis)).unwrap();
                assert_eq!(conn.cipher().unwrap(), Some(Cipher::Aegis));
                let mode: String = conn
                    .pragma_query_value(None, "journal_mode", |r| r.get(0))
                    .unwrap();
                assert_eq!(mode == "wal", wal, "the journal mode is back");
                assert!(conn.encrypt(&secret()).is_err(), "already encrypted");
                assert_eq!(count_notes(&conn), 1);
            }
            assert!(!contains(&std::fs::read(&path).unwrap(), MARKER));
            assert!(Connection::open(&path).is_err(), "{wal}: needs the key now");
            let aegis = secret().cipher(Cipher::Aegis);
            let next = Key::passphrase("the next key");
            {
                let conn = Connection::open_encrypted(&path, &aegis).unwrap();
                conn.rekey(&next).unwrap();
                assert_eq!(count_notes(&conn), 1);
            }
            assert!(
                Connection::open_encrypted(&path, &aegis).is_err(),
                "old key"
            );
            let reopened = Encryption::new(next).cipher(Cipher::Aegis);
            {
                let conn = Connection::open_encrypted(&path, &reopened).unwrap();
                conn.decrypt().unwrap();
                assert_eq!(conn.cipher().unwrap(), None);
            }
            let conn = Connection::open(&path).unwrap();
            assert_eq!(count_notes(&conn), 1, "{wal}: plaintext again");
            assert!(
                std::fs::read(&path)
                    .unwrap()
                    .starts_with(b"SQLite format 3")
            );
        }
    }

    #[test]
    fn databases_without_a_file_of_their_own_are_refused() {
        let _turn = sqlite_turn();
        for path in [":memory:", ""] {
            let err = Connection::open_encrypted(path, &secret()).unwrap_err();
            assert!(
                matches!(&err, Error::Encryption(EncryptionError::Unsupported(m)) if m.contains("in-memory")),
                "{path:?}: {err}"
            );
        }
        let conn = Connection::open_in_memory().unwrap();
        assert!(conn.encrypt(&secret()).is_err());
    }

    #[test]
    fn temporary_storage_stays_in_memory() {
        let _turn = sqlite_turn();
        let dir = TempDir::new("enc-temp");
        let conn = Connection::open_encrypted(dir.0.join("t.db"), &secret()).unwrap();
        let temp_store: i64 = conn
            .pragma_query_value(None, "temp_store", |r| r.get(0))
            .unwrap();
        assert_eq!(temp_store, 2, "MEMORY");
    }

    #[test]
    fn a_second_connection_may_open_a_new_encrypted_file_before_anything_is_written() {
        let _turn = sqlite_turn();
        let dir = TempDir::new("enc-empty");
        let path = dir.0.join("new.db");
        let first = Connection::open_encrypted(&path, &secret()).unwrap();
        let second = Connection::open_encrypted(&path, &secret()).unwrap();
        write_marker(&second);
        assert_eq!(count_notes(&first), 1);
        // Before the first write any key opens an empty file; once written, only the right one.
        drop((first, second));
        assert!(matches!(
            Connection::open_encrypted(&path, &Encryption::new(Key::passphrase("other"))),
            Err(Error::Encryption(EncryptionError::WrongKey { .. }))
        ));
    }

    #[test]
    fn backups_between_encrypted_and_plaintext_files_say_how_instead() {
        let _turn = sqlite_turn();
        let dir = TempDir::new("enc-backup");
        let encrypted = dir.0.join("enc.db");
        let conn = Connection::open_encrypted(&encrypted, &secret()).unwrap();
        write_marker(&conn);
        let plain_path = dir.0.join("plain.db");
        write_marker(&Connection::open(&plain_path).unwrap());

        // Encrypted to a plaintext file: refused with the way to do it; no file is left.
        let copy = dir.0.join("copy.db");
        let err = conn
            .backup(lite3::MAIN_DB, &copy, lite3::backup::NO_PROGRESS)
            .unwrap_err();
        assert!(
            matches!(&err, Error::Encryption(EncryptionError::Unsupported(m)) if m.contains("decrypt() the copy")),
            "{err}"
        );
        assert!(!copy.exists());
        // The way: an encrypted copy, decrypted.
        let mut keyed_copy = Connection::open_encrypted(&copy, &secret()).unwrap();
        lite3::backup::Backup::new(&conn, &mut keyed_copy)
            .unwrap()
            .run_to_completion(100, std::time::Duration::ZERO, None)
            .unwrap();
        keyed_copy.decrypt().unwrap();
        drop(keyed_copy);
        assert_eq!(count_notes(&Connection::open(&copy).unwrap()), 1);

        // Plaintext into an encrypted database: refused the same way, and the target unchanged.
        let target = dir.0.join("target.db");
        let mut keyed = Connection::open_encrypted(&target, &secret()).unwrap();
        let err = keyed
            .restore(lite3::MAIN_DB, &plain_path, lite3::backup::NO_PROGRESS)
            .unwrap_err();
        assert!(
            matches!(&err, Error::Encryption(EncryptionError::Unsupported(m)) if m.contains("encrypt() the copy")),
            "{err}"
        );
        assert_eq!(keyed.cipher().unwrap(), Some(Cipher::ChaCha20));
        // Encrypted to encrypted works, page for page.
        let mut same = Connection::open_encrypted(dir.0.join("same.db"), &secret()).unwrap();
        lite3::backup::Backup::new(&conn, &mut same)
            .unwrap()
            .run_to_completion(100, std::time::Duration::ZERO, None)
            .unwrap();
        assert_eq!(count_notes(&same), 1);
        drop(keyed);
    }

    #[cfg(not(feature = "single-thread"))]
    #[test]
    fn a_pool_and_a_worker_key_every_connection_they_open() {
        let dir = TempDir::new("enc-pool");
        let path = dir.db();
        let pool = lite3::Pool::builder(&path)
            .readers(2)
            .encryption(secret())
            .build()
            .unwrap();
        write_marker(&pool.write().unwrap());
        let (a, b) = (pool.read().unwrap(), pool.read().unwrap());
        assert_eq!(count_notes(&a) + count_notes(&b), 2);
        drop((a, b));
        drop(pool);
        assert!(!contains(&std::fs::read(&path).unwrap(), MARKER));
        let wrong = lite3::Pool::builder(&path)
            .encryption(Encryption::new(Key::passphrase("guess")))
            .build();
        assert!(matches!(
            wrong,
            Err(Error::Encryption(EncryptionError::WrongKey { .. }))
        ));
        let worker = lite3::Worker::builder(&path)
            .encryption(secret())
            .build()
            .unwrap();
        let n = worker.call(|conn| Ok(count_notes(conn))).unwrap();
        assert_eq!(n, 1);
    }
}

#[cfg(feature = "system")]
#[test]
fn a_build_without_a_codec_refuses_to_encrypt() {
    let _turn = sqlite_turn();
    let dir = TempDir::new("enc-system");
    let path = dir.0.join("never.db");
    let err = Connection::open_encrypted(&path, &secret()).unwrap_err();
    assert!(
        matches!(err, Error::Encryption(EncryptionError::Unavailable)),
        "{err}"
    );
    assert!(err.to_string().contains("`vendored`"), "{err}");
    assert!(!path.exists() || std::fs::read(&path).unwrap().is_empty());
    let conn = Connection::open(&path).unwrap();
    write_marker(&conn);
    assert!(conn.encrypt(&secret()).is_err());
    assert_eq!(conn.cipher().unwrap(), None);
}
