//! Encryption at rest with SQLite3 Multiple Ciphers, the vendored SQLite (no OpenSSL).
//!
//! [`Connection::open_encrypted`] opens a database with a [`Key`] and a [`Cipher`] and proves
//! the key right before it returns: a wrong key, a missing key and a key given for a plaintext
//! file are each their own [`EncryptionError`], at open, and a failed attempt changes nothing
//! on disk. A build without a codec (the `system` feature with a stock SQLite) refuses to open
//! with a key instead of silently writing plaintext. [`rekey`](Connection::rekey),
//! [`encrypt`](Connection::encrypt) and [`decrypt`](Connection::decrypt) change a database's
//! key, and [`cipher`](Connection::cipher) says what a connection reads and writes.
//!
//! ```
//! use lite3::Connection;
//! use lite3::encryption::{Cipher, Encryption, Key};
//! # if !lite3::encryption::available() { return Ok(()); }
//!
//! let dir = std::env::temp_dir().join(format!("lite3-doc-encryption-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let path = dir.join("secret.db");
//! let secret = Encryption::new(Key::passphrase("correct horse battery staple"));
//! {
//!     let conn = Connection::open_encrypted(&path, &secret)?;
//!     conn.execute_batch("CREATE TABLE notes(body); INSERT INTO notes VALUES ('hello')")?;
//!     assert_eq!(conn.cipher()?, Some(Cipher::ChaCha20));
//! }
//! // The file is not readable without the key, and the wrong key says so at open.
//! assert!(!std::fs::read(&path).unwrap().starts_with(b"SQLite format 3"));
//! let wrong = Encryption::new(Key::passphrase("guess"));
//! assert!(matches!(
//!     Connection::open_encrypted(&path, &wrong),
//!     Err(lite3::Error::Encryption(lite3::encryption::EncryptionError::WrongKey { .. }))
//! ));
//! let conn = Connection::open_encrypted(&path, &secret)?;
//! let body: String = conn.query_row("SELECT body FROM notes", (), |r| r.get(0))?;
//! assert_eq!(body, "hello");
//! # drop(conn); std::fs::remove_dir_all(&dir).unwrap();
//! # Ok::<(), lite3::Error>(())
//! ```
//!
//! What it protects, and what not: see the README's "Encryption" section.

mod header;

use crate::{Connection, Error, OpenFlags, Result};
use std::ffi::CStr;
use std::fmt;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

pub(crate) use header::{Header, read_header};

/// Whether this build of lite3 can encrypt: the vendored SQLite3 Multiple Ciphers is linked.
///
/// ```
/// // The default build vendors SQLite3 Multiple Ciphers.
/// # #[cfg(not(feature = "system"))]
/// assert!(lite3::encryption::available());
/// ```
#[must_use]
pub fn available() -> bool {
    crate::ffi::codec::AVAILABLE
}

/// Why an encrypted database could not be opened or re-keyed. Nothing on disk was changed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EncryptionError {
    /// The key (or the cipher and its settings) does not decrypt the file.
    #[error(
        "{}: the key does not open this database (a wrong key, or another cipher or cipher \
         settings); nothing was changed",
        path.display()
    )]
    WrongKey {
        /// The database file.
        path: PathBuf,
    },
    /// The file is not a plaintext SQLite database and was opened without a key: it is
    /// encrypted, or not a database at all.
    #[error(
        "{}: file is not a database, or it is encrypted: open it with its key \
         (Connection::open_encrypted; the lite3 command: --key-file or LITE3_KEY)",
        path.display()
    )]
    KeyRequired {
        /// The database file.
        path: PathBuf,
    },
    /// A key was given for a plaintext database.
    #[error(
        "{}: this database is not encrypted, but a key was given; nothing was changed (to \
         encrypt it, open it without a key and call Connection::encrypt, or run lite3 encrypt)",
        path.display()
    )]
    NotEncrypted {
        /// The database file.
        path: PathBuf,
    },
    /// The linked SQLite cannot encrypt.
    #[error(
        "this SQLite cannot encrypt: lite3 was built against a system SQLite (the `system` \
         feature or LITE3_SQLITE_SYSTEM); build with lite3's default `vendored` feature, which \
         has SQLite3 Multiple Ciphers. Nothing was written"
    )]
    Unavailable,
    /// What was asked cannot be done with encryption (an in-memory database, say).
    #[error("{0}")]
    Unsupported(String),
}

/// A database key: a passphrase (stretched by the cipher's key derivation) or 32 raw key bytes.
/// Its bytes are wiped from memory when it is dropped, and `Debug` never shows them.
///
/// ```
/// use lite3::encryption::Key;
/// let typed = Key::passphrase("s3cret");
/// let raw = Key::from_hex(&"ab".repeat(32))?;
/// assert_eq!(format!("{typed:?}"), "Key(passphrase, redacted)");
/// assert_eq!(format!("{raw:?}"), "Key(raw, redacted)");
/// # Ok::<(), lite3::Error>(())
/// ```
#[derive(Clone)]
pub struct Key {
    /// What SQLite3 Multiple Ciphers is given: the passphrase, or `raw:` and the 32 bytes.
    bytes: Zeroizing<Vec<u8>>,
    raw: bool,
}

/// The prefix SQLite3 Multiple Ciphers reads as "these are the key bytes: no derivation".
const RAW_PREFIX: &[u8] = b"raw:";

impl Key {
    /// A passphrase; the cipher derives the key from it (PBKDF2 with the cipher's iterations).
    /// The string is taken over, so its buffer is wiped with the key.
    #[must_use]
    pub fn passphrase(passphrase: impl Into<String>) -> Self {
        Key {
            bytes: Zeroizing::new(passphrase.into().into_bytes()),
            raw: false,
        }
    }

    /// A passphrase of any bytes (e.g. read from a key file).
    #[must_use]
    pub fn passphrase_bytes(passphrase: Vec<u8>) -> Self {
        Key {
            bytes: Zeroizing::new(passphrase),
            raw: false,
        }
    }

    /// 32 raw key bytes, used as they are (no derivation: for keys from a key manager).
    #[must_use]
    pub fn raw(key: [u8; 32]) -> Self {
        let mut key = Zeroizing::new(key);
        let mut bytes = Zeroizing::new(Vec::with_capacity(RAW_PREFIX.len() + 32));
        bytes.extend_from_slice(RAW_PREFIX);
        bytes.extend_from_slice(&key[..]);
        zeroize::Zeroize::zeroize(&mut *key);
        Key { bytes, raw: true }
    }

    /// 32 raw key bytes written as 64 hexadecimal digits.
    ///
    /// # Errors
    /// [`EncryptionError::Unsupported`] for anything but 64 hexadecimal digits.
    pub fn from_hex(hex: &str) -> Result<Self> {
        let digits = hex.trim().as_bytes();
        let bad = || {
            Error::from(EncryptionError::Unsupported(
                "a raw key is 64 hexadecimal digits (32 bytes)".into(),
            ))
        };
        if digits.len() != 64 {
            return Err(bad());
        }
        let mut key = Zeroizing::new([0u8; 32]);
        for (i, pair) in digits.chunks(2).enumerate() {
            let text = std::str::from_utf8(pair).map_err(|_| bad())?;
            key[i] = u8::from_str_radix(text, 16).map_err(|_| bad())?;
        }
        Ok(Key::raw(*key))
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.raw { "raw" } else { "passphrase" };
        write!(f, "Key({kind}, redacted)")
    }
}

/// A cipher of SQLite3 Multiple Ciphers (<https://utelle.github.io/SQLite3MultipleCiphers/>).
/// RC4 is left out: it is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Cipher {
    /// ChaCha20-Poly1305, authenticated (the default; sqleet's format).
    #[default]
    ChaCha20,
    /// SQLCipher's format; `version` 1 to 4 reads and writes files of that SQLCipher major
    /// version (4 is current SQLCipher; 3 is Debian's `sqlcipher` shell).
    SqlCipher {
        /// The SQLCipher major version whose settings to use.
        version: u8,
    },
    /// AES-256 in CBC mode, without authentication (wxSQLite3's format).
    Aes256Cbc,
    /// AES-128 in CBC mode, without authentication (wxSQLite3's format).
    Aes128Cbc,
    /// Ascon-128, authenticated.
    Ascon128,
    /// AEGIS, authenticated.
    Aegis,
}

impl Cipher {
    /// SQLite3 Multiple Ciphers' name for it (`PRAGMA cipher`).
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Cipher::ChaCha20 => "chacha20",
            Cipher::SqlCipher { .. } => "sqlcipher",
            Cipher::Aes256Cbc => "aes256cbc",
            Cipher::Aes128Cbc => "aes128cbc",
            Cipher::Ascon128 => "ascon128",
            Cipher::Aegis => "aegis",
        }
    }

    /// The cipher called `name` (as [`name`](Self::name) writes it; `sqlcipher` is version 4;
    /// `sqlcipher3` and the like name a version).
    ///
    /// ```
    /// use lite3::encryption::Cipher;
    /// assert_eq!(Cipher::from_name("sqlcipher3"), Some(Cipher::SqlCipher { version: 3 }));
    /// assert_eq!(Cipher::from_name("rc4"), None);
    /// ```
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.trim().to_ascii_lowercase();
        Some(match name.as_str() {
            "chacha20" => Cipher::ChaCha20,
            "sqlcipher" => Cipher::SqlCipher { version: 4 },
            "aes256cbc" => Cipher::Aes256Cbc,
            "aes128cbc" => Cipher::Aes128Cbc,
            "ascon128" => Cipher::Ascon128,
            "aegis" => Cipher::Aegis,
            _ => {
                let version = name.strip_prefix("sqlcipher")?.parse().ok()?;
                if !(1..=4).contains(&version) {
                    return None;
                }
                Cipher::SqlCipher { version }
            }
        })
    }

    /// Every cipher lite3 offers, the default first.
    pub const ALL: [Cipher; 9] = [
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

    /// Which cipher the encrypted database at `path` uses, found by trying `key` with each of
    /// [`ALL`](Self::ALL) (the file itself does not say: it is all ciphertext). `None` when
    /// none opens it: a wrong key, or a file that is not encrypted by any of them. Reads only;
    /// each try with a passphrase costs one key derivation (a fraction of a second). With a
    /// raw key, SQLCipher versions that differ only in how they stretch a passphrase (1 to 3)
    /// look the same, and the newest that opens the file is returned.
    ///
    /// ```
    /// use lite3::encryption::{Cipher, Encryption, Key};
    /// # if !lite3::encryption::available() { return Ok(()); }
    /// let dir = std::env::temp_dir().join(format!("lite3-doc-detect-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let path = dir.join("legacy.db");
    /// let key = Key::raw([9; 32]);
    /// let sqlcipher3 = Encryption::new(key.clone()).cipher(Cipher::SqlCipher { version: 3 });
    /// lite3::Connection::open_encrypted(&path, &sqlcipher3)?.execute_batch("CREATE TABLE t(x)")?;
    /// assert_eq!(Cipher::detect(&path, &key)?, Some(Cipher::SqlCipher { version: 3 }));
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`EncryptionError::NotEncrypted`] for a plaintext file, [`EncryptionError::Unavailable`],
    /// and failures other than a wrong key (the file cannot be opened, say).
    pub fn detect<P: AsRef<Path>>(path: P, key: &Key) -> Result<Option<Cipher>> {
        require_codec()?;
        let path = path.as_ref();
        match read_header(path) {
            Header::Plaintext => {
                return Err(EncryptionError::NotEncrypted {
                    path: path.to_path_buf(),
                }
                .into());
            }
            // A new or missing file has no cipher yet (and trying would create it).
            Header::Empty => return Ok(None),
            Header::Other => {}
        }
        let flags = OpenFlags::READ_ONLY | OpenFlags::URI;
        for cipher in Cipher::ALL {
            let encryption = Encryption::new(key.clone()).cipher(cipher);
            match Connection::open_encrypted_with_flags(path, flags, &encryption) {
                Ok(_) => return Ok(Some(cipher)),
                Err(Error::Encryption(EncryptionError::WrongKey { .. })) => {}
                Err(other) => return Err(other),
            }
        }
        Ok(None)
    }

    /// Selects the cipher and its settings on `conn` for the next key or rekey.
    fn configure(&self, conn: &Connection) -> Result<()> {
        conn.pragma_update(None, "cipher", self.name())?;
        if let Cipher::SqlCipher { version } = self {
            if !(1..=4).contains(version) {
                return Err(EncryptionError::Unsupported(format!(
                    "SQLCipher version {version}: 1 to 4 are supported"
                ))
                .into());
            }
            conn.pragma_update(None, "legacy", i64::from(*version))?;
        }
        Ok(())
    }

    /// The cipher `conn` is configured with.
    fn configured(conn: &Connection) -> Result<Self> {
        let name: String = conn.pragma_query_value(None, "cipher", |r| r.get(0))?;
        let cipher = Cipher::from_name(&name).ok_or_else(|| {
            EncryptionError::Unsupported(format!("the connection uses the cipher {name:?}"))
        })?;
        if let Cipher::SqlCipher { .. } = cipher {
            // SQLite3 Multiple Ciphers answers with text.
            let version: String = conn.pragma_query_value(None, "legacy", |r| r.get(0))?;
            let version: u8 = version.trim().parse().unwrap_or(0);
            // SQLite3 Multiple Ciphers' 0 is "current", SQLCipher 4.
            return Ok(Cipher::SqlCipher {
                version: if version == 0 { 4 } else { version },
            });
        }
        Ok(cipher)
    }
}

/// A key with its cipher: what [`Connection::open_encrypted`], a
/// [`PoolBuilder`](crate::PoolBuilder) and a [`WorkerBuilder`](crate::WorkerBuilder) open
/// encrypted databases with.
#[derive(Clone, Debug)]
pub struct Encryption {
    key: Key,
    cipher: Cipher,
}

impl Encryption {
    /// `key` with the default cipher, ChaCha20-Poly1305.
    #[must_use]
    pub fn new(key: Key) -> Self {
        Encryption {
            key,
            cipher: Cipher::default(),
        }
    }

    /// Uses `cipher` instead.
    #[must_use]
    pub fn cipher(mut self, cipher: Cipher) -> Self {
        self.cipher = cipher;
        self
    }

    /// The cipher.
    #[must_use]
    pub fn cipher_used(&self) -> Cipher {
        self.cipher
    }

    /// The key.
    #[must_use]
    pub fn key(&self) -> &Key {
        &self.key
    }
}

/// Writes page 1 of a new, empty database (setting `user_version` to its value makes SQLite
/// write the header), under a write lock; a database that has pages already is left alone.
fn write_first_page(conn: &Connection) -> Result<()> {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let written = (|| {
        let pages: i64 = conn.pragma_query_value(None, "page_count", |r| r.get(0))?;
        if pages == 0 {
            conn.pragma_update(None, "user_version", 0)?;
        }
        Ok(())
    })();
    match written {
        Ok(()) => conn.execute_batch("COMMIT"),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

/// Opens `path` with `encryption`'s key, or plainly without one (for a Pool or a Worker).
pub(crate) fn open_maybe_encrypted(
    path: &Path,
    flags: OpenFlags,
    vfs: Option<&CStr>,
    encryption: Option<&Encryption>,
) -> Result<Connection> {
    match encryption {
        Some(encryption) => {
            require_codec()?;
            Connection::open_keyed(path, flags, vfs, encryption, true)
        }
        None => Connection::open_with(path, flags, vfs),
    }
}

/// A backup copies pages as they are: SQLite3 Multiple Ciphers allows one only between two
/// plaintext databases or two encrypted ones. Says what to do instead of SQLite's bare refusal.
pub(crate) fn check_backup(from: &Connection, to: &Connection) -> Result<()> {
    if !available() {
        return Ok(());
    }
    let (from_encrypted, to_encrypted) = (from.cipher()?.is_some(), to.cipher()?.is_some());
    if from_encrypted == to_encrypted {
        return Ok(());
    }
    let (what, instead) = if from_encrypted {
        (
            "an encrypted database to a plaintext one",
            "back it up to an encrypted copy (Connection::open_encrypted) and decrypt() the copy",
        )
    } else {
        (
            "a plaintext database to an encrypted one",
            "back it up to a plaintext copy and encrypt() the copy",
        )
    };
    Err(EncryptionError::Unsupported(format!(
        "a backup copies pages as they are, so it cannot copy {what}: {instead}"
    ))
    .into())
}

/// The library itself must say it has a codec (SQLite3 Multiple Ciphers answers `PRAGMA
/// cipher`; a stock SQLite ignores the pragma, as it would ignore a key).
fn require_codec_on(conn: &Connection) -> Result<()> {
    match conn.pragma_query_value(None, "cipher", |r| r.get::<_, String>(0)) {
        Ok(_) => Ok(()),
        Err(Error::QueryReturnedNoRows) => Err(EncryptionError::Unavailable.into()),
        Err(e) => Err(e),
    }
}

fn require_codec() -> Result<()> {
    if available() {
        Ok(())
    } else {
        Err(EncryptionError::Unavailable.into())
    }
}

/// The main database file of `conn`, or an error for a database with no file.
fn file_of(conn: &Connection) -> Result<PathBuf> {
    match conn.path() {
        Some(path) if !path.is_empty() => Ok(PathBuf::from(path)),
        _ => Err(EncryptionError::Unsupported(
            "an in-memory or temporary database is never written to a file of its own: there \
             is nothing to encrypt (encrypt the file you back it up or serialize it to)"
                .into(),
        )
        .into()),
    }
}

impl Connection {
    /// Opens (creating if needed) the encrypted database at `path` with `encryption`'s key and
    /// cipher, and reads its header before returning, so that a wrong key is an error here.
    /// Temporary tables and indexes of the connection are kept in memory (`temp_store =
    /// MEMORY`), since SQLite would write them to unencrypted temporary files.
    ///
    /// See the [module](crate::encryption) for an example.
    ///
    /// # Errors
    /// [`EncryptionError::WrongKey`], [`EncryptionError::NotEncrypted`] (the file is plaintext),
    /// [`EncryptionError::Unavailable`] (a build without a codec),
    /// [`EncryptionError::Unsupported`] (an in-memory database); as [`Connection::open`].
    pub fn open_encrypted<P: AsRef<Path>>(path: P, encryption: &Encryption) -> Result<Self> {
        Self::open_encrypted_with_flags(path, OpenFlags::default(), encryption)
    }

    /// [`open_encrypted`](Self::open_encrypted) with explicit [`OpenFlags`].
    ///
    /// # Errors
    /// As [`open_encrypted`](Self::open_encrypted).
    pub fn open_encrypted_with_flags<P: AsRef<Path>>(
        path: P,
        flags: OpenFlags,
        encryption: &Encryption,
    ) -> Result<Self> {
        require_codec()?;
        Self::open_keyed(path.as_ref(), flags, None, encryption, true)
    }

    /// [`open_encrypted_with_flags`](Self::open_encrypted_with_flags) through the VFS named
    /// `vfs`: SQLite's own (`"unix"`, `"unix-excl"`, …) or a [wrapper](crate::vfs) lite3
    /// registered, which then sees the encrypted bytes that reach the disk (the cipher layer
    /// stays above it).
    ///
    /// ```
    /// use lite3::encryption::{Encryption, Key};
    /// use lite3::{Connection, OpenFlags};
    ///
    /// # if !lite3::encryption::available() { return Ok(()); }
    /// let dir = std::env::temp_dir().join(format!("lite3-doc-enc-vfs-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// let secret = Encryption::new(Key::passphrase("s3cret"));
    /// let flags = OpenFlags::READ_WRITE | OpenFlags::CREATE;
    /// let conn = Connection::open_encrypted_with_flags_and_vfs(dir.join("a.db"), flags, "unix-excl", &secret)?;
    /// conn.execute("CREATE TABLE t(x)", ())?;
    /// # drop(conn);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`open_encrypted`](Self::open_encrypted); [`Error::Nul`](crate::Error::Nul) in the
    /// VFS name; SQLite's error for a VFS it does not know.
    pub fn open_encrypted_with_flags_and_vfs<P: AsRef<Path>, V: crate::Name>(
        path: P,
        flags: OpenFlags,
        vfs: V,
        encryption: &Encryption,
    ) -> Result<Self> {
        require_codec()?;
        Self::open_keyed(
            path.as_ref(),
            flags,
            Some(&vfs.as_cstr()?),
            encryption,
            true,
        )
    }

    fn open_keyed(
        path: &Path,
        flags: OpenFlags,
        vfs: Option<&CStr>,
        encryption: &Encryption,
        may_retry: bool,
    ) -> Result<Self> {
        let layer = vfs.map(crate::raw::vfs::keyed_open_name);
        let conn = Self::open_unchecked(path, flags, layer.as_deref())?;
        require_codec_on(&conn)?;
        let file = file_of(&conn)?;
        let header = read_header(&file);
        if header == Header::Plaintext {
            return Err(EncryptionError::NotEncrypted { path: file }.into());
        }
        encryption.cipher.configure(&conn)?;
        crate::raw::codec::key(conn.raw(), encryption.key.as_bytes())?;
        // The first read of page 1: the key either decrypts it or this is the wrong key. An
        // empty file (a new database) has nothing to read yet and any key is right.
        match conn.query_row("SELECT count(*) FROM sqlite_schema", (), |_| Ok(())) {
            Err(e) if e.sqlite_code() == Some(crate::ErrorCode::NotADatabase) => {
                // Or an I/O error: SQLite3 Multiple Ciphers reads the file's salt while keying
                // and takes a failed read for a file without one, which then reads as a wrong
                // key. So a key is wrong only when a second try agrees; an I/O error that
                // persists fails that try's first read instead, with its own code.
                drop(conn);
                if may_retry {
                    return Self::open_keyed(path, flags, vfs, encryption, false);
                }
                return Err(EncryptionError::WrongKey { path: file }.into());
            }
            other => other?,
        }
        if header == Header::Empty && !flags.contains(OpenFlags::READ_ONLY) {
            // A new file: write its first page now. Each connection keying an empty file makes
            // its own salt, so two connections that both waited for a first write would each
            // encrypt with their own and one would find the file unreadable later.
            match write_first_page(&conn) {
                Err(e) if e.sqlite_code() == Some(crate::ErrorCode::NotADatabase) => {
                    // Another connection wrote it first, with its salt: key again, now that
                    // the file holds one (once; a second failure is a wrong key).
                    drop(conn);
                    if may_retry {
                        return Self::open_keyed(path, flags, vfs, encryption, false);
                    }
                    return Err(EncryptionError::WrongKey { path: file }.into());
                }
                other => other?,
            }
        }
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        Ok(conn)
    }

    /// The cipher this connection reads and writes its main database with, or `None` when the
    /// database is not encrypted.
    ///
    /// # Errors
    /// SQLite's error.
    pub fn cipher(&self) -> Result<Option<Cipher>> {
        if !available() {
            return Ok(None);
        }
        let Some(file) = self.path().filter(|p| !p.is_empty()) else {
            return Ok(None);
        };
        // The file says it (this connection reads it, so a non-SQLite header is encrypted);
        // a file with no page yet asks the codec whether it holds a salt for it.
        let encrypted = match read_header(Path::new(file)) {
            Header::Plaintext => false,
            Header::Other => true,
            Header::Empty => self
                .query_row("SELECT sqlite3mc_codec_data('cipher_salt')", (), |r| {
                    r.get::<_, Option<String>>(0)
                })?
                .is_some(),
        };
        if encrypted {
            Cipher::configured(self).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Changes the key of this encrypted database to `key` (same cipher), re-encrypting every
    /// page in one transaction. Works in WAL mode too.
    ///
    /// # Errors
    /// [`EncryptionError::NotEncrypted`] when the database is plaintext (use
    /// [`encrypt`](Self::encrypt)); SQLite's error (e.g. `Busy` while another connection
    /// reads).
    pub fn rekey(&self, key: &Key) -> Result<()> {
        require_codec()?;
        let file = file_of(self)?;
        if self.cipher()?.is_none() {
            return Err(EncryptionError::NotEncrypted { path: file }.into());
        }
        crate::raw::codec::rekey(self.raw(), Some(key.as_bytes()))
    }

    /// Encrypts this plaintext database in place with `encryption`. SQLite3 Multiple Ciphers
    /// cannot do this in WAL mode, so a WAL database is switched to rollback journaling for
    /// the rewrite and back to WAL after (which needs the database to itself).
    ///
    /// # Errors
    /// [`EncryptionError::Unsupported`] for a database that is already encrypted (use
    /// [`rekey`](Self::rekey)) or has no file; [`EncryptionError::Unavailable`]; SQLite's
    /// error (e.g. `Busy` when another connection keeps it from leaving WAL mode).
    pub fn encrypt(&self, encryption: &Encryption) -> Result<()> {
        require_codec()?;
        require_codec_on(self)?;
        file_of(self)?;
        if self.cipher()?.is_some() {
            return Err(EncryptionError::Unsupported(
                "the database is already encrypted: use rekey to change its key".into(),
            )
            .into());
        }
        encryption.cipher.configure(self)?;
        self.outside_wal(|| crate::raw::codec::rekey(self.raw(), Some(encryption.key.as_bytes())))?;
        self.pragma_update(None, "temp_store", "MEMORY")
    }

    /// Decrypts this encrypted database in place, leaving a plaintext file.
    ///
    /// # Errors
    /// [`EncryptionError::NotEncrypted`] when it is plaintext already; SQLite's error.
    pub fn decrypt(&self) -> Result<()> {
        require_codec()?;
        let file = file_of(self)?;
        if self.cipher()?.is_none() {
            return Err(EncryptionError::NotEncrypted { path: file }.into());
        }
        self.outside_wal(|| crate::raw::codec::rekey(self.raw(), None))
    }

    /// Runs `f` with the journal out of WAL mode, and puts WAL back after, also when `f` fails.
    fn outside_wal(&self, f: impl FnOnce() -> Result<()>) -> Result<()> {
        let mode: String = self.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return f();
        }
        self.pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get::<_, String>(0))?;
        let outcome = f();
        let back = self
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0))
            .map(drop);
        outcome.and(back)
    }
}
