//! Opening the user's database the same way in every command: with a busy timeout, so another
//! process's write makes the command wait instead of failing at once, and with the database's
//! path in every error that concerns the file.

use crate::Error;
use lite3::encryption::{Cipher, Encryption, EncryptionError};
use lite3::{Connection, ErrorCode, OpenFlags};
use std::path::Path;
use std::time::Duration;

/// `--timeout`: shared by the commands that open a database.
#[derive(clap::Args)]
pub(crate) struct Wait {
    /// Seconds to wait while another process holds a lock on the database, before giving up
    /// with "database is locked".
    #[arg(long, value_name = "SECONDS", default_value = "5", value_parser = seconds)]
    timeout: Duration,
    #[command(flatten)]
    pub(crate) keys: crate::keys::KeyArgs,
}

fn seconds(text: &str) -> Result<Duration, String> {
    let value: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    Duration::try_from_secs_f64(value).map_err(|_| format!("{text:?} is not a duration"))
}

/// `--read-only` and `--timeout`: how the commands that may write (`query`, `sql`, `shell`)
/// open the database.
#[derive(clap::Args)]
pub(crate) struct Access {
    /// Open the database read-only: any statement that writes fails.
    #[arg(long)]
    pub(crate) read_only: bool,
    #[command(flatten)]
    pub(crate) wait: Wait,
}

impl Access {
    /// Opens `path` (created if missing, unless read-only) and reads it once, so that a file
    /// that is not a database fails here.
    pub(crate) fn open(&self, path: &Path) -> Result<Connection, Error> {
        let flags = if self.read_only {
            OpenFlags::READ_ONLY | OpenFlags::URI
        } else {
            OpenFlags::default()
        };
        open_checked(path, flags, &self.wait)
    }
}

/// Opens `path` with `flags`, the key of `wait` (if one was given) and its busy timeout.
pub(crate) fn open(path: &Path, flags: OpenFlags, wait: &Wait) -> Result<Connection, Error> {
    let conn = match wait.keys.encryption()? {
        Some(encryption) => open_encrypted(path, flags, &encryption, wait.keys.cipher_given()),
        None => Connection::open_with_flags(path, flags),
    }
    .map_err(|e| at(path, e.into()))?;
    conn.busy_timeout(wait.timeout)
        .map_err(|e| at(path, e.into()))?;
    Ok(conn)
}

/// Opens `path` with `encryption`; without `--cipher`, a file the default cipher does not
/// open is tried with each cipher in turn (its cipher is not written anywhere in it).
fn open_encrypted(
    path: &Path,
    flags: OpenFlags,
    encryption: &Encryption,
    cipher_given: bool,
) -> lite3::Result<Connection> {
    match Connection::open_encrypted_with_flags(path, flags, encryption) {
        Err(lite3::Error::Encryption(EncryptionError::WrongKey { path: file }))
            if !cipher_given =>
        {
            match Cipher::detect(path, encryption.key())? {
                Some(cipher) => Connection::open_encrypted_with_flags(
                    path,
                    flags,
                    &encryption.clone().cipher(cipher),
                ),
                None => Err(EncryptionError::WrongKey { path: file }.into()),
            }
        }
        other => other,
    }
}

/// Opens an existing plaintext database without its key, even when one was given (`lite3
/// encrypt` applies that key).
pub(crate) fn open_without_key(path: &Path, wait: &Wait) -> Result<Connection, Error> {
    let conn = Connection::open(path).map_err(|e| at(path, e.into()))?;
    conn.busy_timeout(wait.timeout)
        .map_err(|e| at(path, e.into()))?;
    Ok(conn)
}

/// Opens an existing database read-only, for the commands that only look (`stats`, `tables`,
/// `schema`, `dump`, `check`): a missing file is an error instead of a new empty database, and
/// a file that is not a database fails here, before the command prints anything.
pub(crate) fn open_existing(path: &Path, wait: &Wait) -> Result<Connection, Error> {
    let is_uri = path.to_str().is_some_and(|p| p.starts_with("file:"));
    if !is_uri && !path.exists() {
        return Err(Error::Input(format!(
            "{}: no such database file",
            path.display()
        )));
    }
    open_checked(path, OpenFlags::READ_ONLY | OpenFlags::URI, wait)
}

/// [`open`], then a first read, so that a file that is not a database (or is locked past the
/// timeout) fails here, before the command does anything else.
pub(crate) fn open_checked(
    path: &Path,
    flags: OpenFlags,
    wait: &Wait,
) -> Result<Connection, Error> {
    let conn = open(path, flags, wait)?;
    // SQLite reads the file on first use.
    conn.query_row("SELECT count(*) FROM sqlite_schema", (), |r| {
        r.get::<_, i64>(0)
    })
    .map_err(|e| at(path, e.into()))?;
    Ok(conn)
}

/// `error`, naming `path` when it concerns the database file (it cannot be opened, is locked,
/// read-only, full, corrupt or not a database): the message then says which file.
pub(crate) fn at(path: &Path, error: Error) -> Error {
    let Error::Sqlite(sqlite) = error else {
        return error;
    };
    if let lite3::Error::Encryption(_) = sqlite {
        // Its message names the file already.
        return Error::Sqlite(sqlite);
    }
    let about_the_file = matches!(
        sqlite.sqlite_code(),
        Some(
            ErrorCode::CantOpen
                | ErrorCode::Busy
                | ErrorCode::Locked
                | ErrorCode::ReadOnly
                | ErrorCode::Full
                | ErrorCode::Corrupt
                | ErrorCode::NotADatabase
                | ErrorCode::IoErr
                | ErrorCode::Permission
        )
    );
    if about_the_file {
        Error::AtFile {
            path: path.to_owned(),
            source: sqlite,
        }
    } else {
        Error::Sqlite(sqlite)
    }
}
