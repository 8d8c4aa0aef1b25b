//! The CLI's error: SQLite's (naming the database file when it concerns the file), I/O, or a
//! message about the input (with file and line).

#[derive(Debug, thiserror::Error)]
pub(crate) enum Error {
    #[error(transparent)]
    Sqlite(#[from] lite3::Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Input(String),
    /// SQLite's failure about the database file itself, naming the file.
    #[error("{path}: {source}")]
    AtFile {
        path: std::path::PathBuf,
        source: lite3::Error,
    },
}
