//! Loading SQLite extensions (shared libraries), in rusqlite's shapes: off unless asked, and
//! then only through the C API. lite3 enables it with `SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION`,
//! which leaves SQL's `load_extension()` function refused, so SQL text (a stored view, an
//! attacker's query) can never load a library. rusqlite's `sqlite3_enable_load_extension`
//! turns both on.
//!
//! These are `unsafe`: a loaded library is native code that runs in the process with no
//! checks at all. They live in the raw tier, the only place in lite3 with `unsafe`.

use crate::{Connection, Name, Result, ffi};
use std::ffi::{CStr, c_char};
use std::path::Path;

/// Extension loading enabled on a connection for as long as the guard lives (rusqlite's
/// shape). Dropping it disables loading again.
///
/// ```no_run
/// use lite3::{Connection, LoadExtensionGuard};
///
/// let conn = Connection::open_in_memory()?;
/// // SAFETY: the library is trusted code; it runs with the program's rights.
/// unsafe {
///     let _guard = LoadExtensionGuard::new(&conn)?;
///     conn.load_extension("./libspellfix", None::<&str>)?;
/// }
/// # Ok::<(), lite3::Error>(())
/// ```
#[derive(Debug)]
pub struct LoadExtensionGuard<'conn> {
    conn: &'conn Connection,
}

impl LoadExtensionGuard<'_> {
    /// Enables extension loading (C API only) on `conn` until the guard drops.
    ///
    /// # Safety
    /// Whatever is loaded meanwhile runs as native code in this process; load only trusted
    /// libraries.
    ///
    /// # Errors
    /// As [`Connection::load_extension_enable`].
    pub unsafe fn new(conn: &Connection) -> Result<LoadExtensionGuard<'_>> {
        // SAFETY: the caller's contract.
        unsafe { conn.load_extension_enable() }?;
        Ok(LoadExtensionGuard { conn })
    }
}

impl Drop for LoadExtensionGuard<'_> {
    fn drop(&mut self) {
        // Nobody to report to; a refused door (a forked child) leaves it as it was.
        let _ = self.conn.load_extension_disable();
    }
}

impl Connection {
    /// Enables [`load_extension`](Self::load_extension) on this connection (the C API only:
    /// SQL's `load_extension()` stays refused). A [`Pool`](crate::Pool) replaces a connection
    /// whose borrower enabled it.
    ///
    /// # Safety
    /// As [`LoadExtensionGuard::new`].
    ///
    /// # Errors
    /// SQLite's error, or a refusal of the door.
    pub unsafe fn load_extension_enable(&self) -> Result<()> {
        self.callbacks.mark_changed();
        self.raw()
            .db_config_flag(ffi::SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 1)
            .map(drop)
    }

    /// Disables extension loading (always safe).
    ///
    /// # Errors
    /// SQLite's error, or a refusal of the door.
    pub fn load_extension_disable(&self) -> Result<()> {
        self.raw()
            .db_config_flag(ffi::SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0)
            .map(drop)
    }

    /// Loads the extension library at `dylib_path` (SQLite tries the platform's suffix too),
    /// calling `entry_point` (default: SQLite's rule from the file name). Loading must be
    /// enabled ([`LoadExtensionGuard`]).
    ///
    /// # Safety
    /// The library runs as native code in this process; load only trusted libraries.
    ///
    /// # Errors
    /// SQLite's error with the loader's message (not enabled, no such file, no entry point);
    /// [`Error::Nul`](crate::Error::Nul) in the path or name.
    pub unsafe fn load_extension<P: AsRef<Path>, N: Name>(
        &self,
        dylib_path: P,
        entry_point: Option<N>,
    ) -> Result<()> {
        let path = crate::connection::path_to_cstring(dylib_path.as_ref())?;
        let entry = entry_point.as_ref().map(N::as_cstr).transpose()?;
        let entry = entry.as_deref().map_or(std::ptr::null(), CStr::as_ptr);
        self.callbacks.mark_changed();
        let mut message: *mut c_char = std::ptr::null_mut();
        let loaded = self.raw().call(|db| {
            // SAFETY: the connection is open; the strings are NUL-terminated (or null) and
            // outlive the call; `message` receives a sqlite3_malloc'd string or null. What the
            // library does is the caller's contract.
            unsafe { ffi::sqlite3_load_extension(db, path.as_ptr(), entry, &mut message) }
        });
        let detail = if message.is_null() {
            None
        } else {
            // SAFETY: SQLite's NUL-terminated message, read before it is freed below.
            let text = unsafe { CStr::from_ptr(message) }
                .to_string_lossy()
                .into_owned();
            // SAFETY: sqlite3_malloc'd by the loader, freed once.
            unsafe { ffi::sqlite3_free(message.cast()) };
            Some(text)
        };
        loaded.map_err(|error| match (error, detail) {
            (crate::Error::Sqlite(mut sqlite), Some(detail)) => {
                sqlite.message = detail;
                crate::Error::Sqlite(sqlite)
            }
            (error, _) => error,
        })
    }
}
