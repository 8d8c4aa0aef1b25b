//! Keys for encrypted databases: from `--key-file PATH` or the `LITE3_KEY` environment variable,
//! never from an argument (any user can read another's command line). A key is a passphrase
//! (the file's bytes, without a final newline) or `raw:` followed by 64 hexadecimal digits.
//! `lite3 encrypt`, `decrypt` and `rekey` change a database's key.

use crate::Error;
use crate::database::{self, Wait};
use lite3::encryption::{Cipher, Encryption, Key};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// The environment variable holding the key when there is no `--key-file`.
pub(crate) const KEY_VAR: &str = "LITE3_KEY";
/// The environment variable holding `rekey`'s new key when there is no `--new-key-file`.
const NEW_KEY_VAR: &str = "LITE3_NEW_KEY";

/// `--key-file` and `--cipher`, part of how every command opens its database.
#[derive(clap::Args)]
pub(crate) struct KeyArgs {
    /// File holding the database's key: a passphrase, or `raw:` and 64 hexadecimal digits (a
    /// final newline is ignored). Without it, the LITE3_KEY environment variable is read.
    /// There is deliberately no option taking the key itself.
    #[arg(long, value_name = "PATH")]
    key_file: Option<PathBuf>,
    /// Cipher of the encrypted database: chacha20, sqlcipher (SQLCipher 4), sqlcipher1 to
    /// sqlcipher3, aes256cbc, aes128cbc, ascon128, aegis. Default: chacha20 for a new
    /// database; an existing one is tried with each cipher until the key opens it.
    #[arg(long, value_name = "NAME", value_parser = cipher)]
    cipher: Option<Cipher>,
}

fn cipher(name: &str) -> Result<Cipher, String> {
    Cipher::from_name(name).ok_or_else(|| format!("unknown cipher {name:?}"))
}

impl KeyArgs {
    /// Whether `--cipher` was given (else an existing file's cipher is found by trying).
    pub(crate) fn cipher_given(&self) -> bool {
        self.cipher.is_some()
    }

    /// The key and cipher to open with, if a key was given.
    pub(crate) fn encryption(&self) -> Result<Option<Encryption>, Error> {
        let key = match (&self.key_file, std::env::var_os(KEY_VAR)) {
            (Some(path), _) => Some(key_from_file(path)?),
            (None, Some(value)) => Some(parse_key(value.into_encoded_bytes(), KEY_VAR)?),
            (None, None) => None,
        };
        match (key, self.cipher) {
            (Some(key), cipher) => Ok(Some(
                Encryption::new(key).cipher(cipher.unwrap_or_default()),
            )),
            (None, Some(_)) => Err(Error::Input(format!(
                "--cipher needs a key: --key-file PATH or {KEY_VAR}"
            ))),
            (None, None) => Ok(None),
        }
    }

    /// As [`encryption`](Self::encryption), for commands that cannot work without a key.
    fn required(&self, what: &str) -> Result<Encryption, Error> {
        self.encryption()?.ok_or_else(|| {
            Error::Input(format!("{what} needs a key: --key-file PATH or {KEY_VAR}"))
        })
    }
}

fn key_from_file(path: &Path) -> Result<Key, Error> {
    let bytes = std::fs::read(path)
        .map_err(|e| Error::Input(format!("{}: cannot read the key: {e}", path.display())))?;
    parse_key(bytes, &path.display().to_string())
}

/// A key from `bytes` (a file's or a variable's): `raw:HEX` or a passphrase.
fn parse_key(bytes: Vec<u8>, source: &str) -> Result<Key, Error> {
    let mut bytes = Zeroizing::new(bytes);
    for ending in [&b"\r\n"[..], b"\n"] {
        if bytes.ends_with(ending) {
            let len = bytes.len() - ending.len();
            bytes.truncate(len);
            break;
        }
    }
    if bytes.is_empty() {
        return Err(Error::Input(format!("{source}: the key is empty")));
    }
    if let Some(hex) = bytes.strip_prefix(b"raw:") {
        let hex = std::str::from_utf8(hex).unwrap_or("");
        return Key::from_hex(hex).map_err(|e| Error::Input(format!("{source}: {e}")));
    }
    Ok(Key::passphrase_bytes(std::mem::take(&mut *bytes)))
}

#[derive(clap::Args)]
pub(crate) struct EncryptArgs {
    /// The plaintext database to encrypt in place, with the key of --key-file or LITE3_KEY.
    pub(crate) db: PathBuf,
    #[command(flatten)]
    wait: Wait,
}

#[derive(clap::Args)]
pub(crate) struct DecryptArgs {
    /// The encrypted database to turn into plaintext in place.
    pub(crate) db: PathBuf,
    #[command(flatten)]
    wait: Wait,
}

#[derive(clap::Args)]
pub(crate) struct RekeyArgs {
    /// The encrypted database whose key changes (its current key: --key-file or LITE3_KEY).
    pub(crate) db: PathBuf,
    /// File holding the new key (same form as --key-file); without it, LITE3_NEW_KEY is read.
    #[arg(long, value_name = "PATH")]
    new_key_file: Option<PathBuf>,
    #[command(flatten)]
    wait: Wait,
}

fn must_exist(path: &Path) -> Result<(), Error> {
    if path.exists() {
        Ok(())
    } else {
        Err(Error::Input(format!(
            "{}: no such database file",
            path.display()
        )))
    }
}

pub(crate) fn run_encrypt(args: &EncryptArgs) -> Result<(), Error> {
    must_exist(&args.db)?;
    let encryption = args.wait.keys.required("encrypt")?;
    let conn = database::open_without_key(&args.db, &args.wait)?;
    conn.encrypt(&encryption)?;
    eprintln!(
        "encrypted {} with {}",
        args.db.display(),
        encryption.cipher_used().name()
    );
    Ok(())
}

pub(crate) fn run_decrypt(args: &DecryptArgs) -> Result<(), Error> {
    must_exist(&args.db)?;
    args.wait.keys.required("decrypt")?;
    let conn = database::open_checked(&args.db, lite3::OpenFlags::default(), &args.wait)?;
    conn.decrypt()?;
    eprintln!("decrypted {}: it is plaintext now", args.db.display());
    Ok(())
}

pub(crate) fn run_rekey(args: &RekeyArgs) -> Result<(), Error> {
    must_exist(&args.db)?;
    args.wait.keys.required("rekey")?;
    let new_key = match (&args.new_key_file, std::env::var_os(NEW_KEY_VAR)) {
        (Some(path), _) => key_from_file(path)?,
        (None, Some(value)) => parse_key(value.into_encoded_bytes(), NEW_KEY_VAR)?,
        (None, None) => {
            return Err(Error::Input(format!(
                "rekey needs the new key: --new-key-file PATH or {NEW_KEY_VAR}"
            )));
        }
    };
    let conn = database::open_checked(&args.db, lite3::OpenFlags::default(), &args.wait)?;
    conn.rekey(&new_key)?;
    eprintln!("re-keyed {}", args.db.display());
    Ok(())
}
