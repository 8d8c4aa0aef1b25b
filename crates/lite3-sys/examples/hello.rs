//! Opens a database file, writes a few rows and reads them back through the raw C API.
//!
//! `cargo run -p lite3-sys --example hello [PATH]` (default: hello.db in the system temp dir).
//! Applications should use the safe `lite3` crate; this shows what it wraps.

use lite3_sys as ffi;
use std::ffi::{CStr, CString, c_int};
use std::ptr;

fn main() -> Result<(), String> {
    let path = std::env::args()
        .nth(1)
        .map_or_else(|| std::env::temp_dir().join("hello.db"), Into::into);
    let _ = std::fs::remove_file(&path);
    let c_path = CString::new(path.to_string_lossy().as_bytes()).map_err(|e| e.to_string())?;
    let mut db = ptr::null_mut();
    let flags = ffi::SQLITE_OPEN_READWRITE | ffi::SQLITE_OPEN_CREATE;
    // SAFETY: `c_path` outlives the call; `db` receives a handle even on failure, closed below.
    let rc = unsafe { ffi::sqlite3_open_v2(c_path.as_ptr(), &mut db, flags, ptr::null()) };
    let result = if rc == ffi::SQLITE_OK {
        write_and_read(db)
    } else {
        Err(error(db, rc))
    };
    // SAFETY: every statement was finalised; closing a null or open handle is allowed once.
    unsafe { ffi::sqlite3_close(db) };
    result?;
    println!("database: {}", path.display());
    Ok(())
}

fn write_and_read(db: *mut ffi::sqlite3) -> Result<(), String> {
    // SAFETY: a static NUL-terminated string.
    let version = unsafe { CStr::from_ptr(ffi::sqlite3_libversion()) }.to_string_lossy();
    let source = if ffi::build_info::VENDORED {
        "vendored"
    } else {
        "system"
    };
    println!("SQLite {version} ({source})");
    exec(
        db,
        c"CREATE TABLE greeting(id INTEGER PRIMARY KEY, text TEXT NOT NULL);\
               INSERT INTO greeting(text) VALUES ('hello'), ('from'), ('lite3');",
    )?;

    let mut stmt = ptr::null_mut();
    // SAFETY: `db` is open; the SQL is NUL-terminated; `stmt` is finalised below.
    let rc = unsafe {
        ffi::sqlite3_prepare_v2(
            db,
            c"SELECT id, text FROM greeting ORDER BY id".as_ptr(),
            -1,
            &mut stmt,
            ptr::null_mut(),
        )
    };
    if rc != ffi::SQLITE_OK {
        return Err(error(db, rc));
    }
    let rc = loop {
        // SAFETY: `stmt` is a live statement of `db`.
        match unsafe { ffi::sqlite3_step(stmt) } {
            ffi::SQLITE_ROW => {
                // SAFETY: a row is current, so both columns can be read; the text pointer is
                // valid until the next step and is copied before that.
                let (id, text) = unsafe {
                    (
                        ffi::sqlite3_column_int64(stmt, 0),
                        CStr::from_ptr(ffi::sqlite3_column_text(stmt, 1).cast())
                            .to_string_lossy()
                            .into_owned(),
                    )
                };
                println!("{id}: {text}");
            }
            rc => break rc,
        }
    };
    // SAFETY: `stmt` is finalised exactly once.
    unsafe { ffi::sqlite3_finalize(stmt) };
    if rc == ffi::SQLITE_DONE {
        Ok(())
    } else {
        Err(error(db, rc))
    }
}

fn exec(db: *mut ffi::sqlite3, sql: &CStr) -> Result<(), String> {
    // SAFETY: `db` is open and `sql` is NUL-terminated; no callback, no error buffer.
    let rc = unsafe { ffi::sqlite3_exec(db, sql.as_ptr(), None, ptr::null_mut(), ptr::null_mut()) };
    if rc == ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(error(db, rc))
    }
}

fn error(db: *mut ffi::sqlite3, rc: c_int) -> String {
    // SAFETY: sqlite3_errmsg accepts any handle, null included, and returns a string valid until
    // the next call on `db`; it is copied at once.
    let message = unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(db)) }
        .to_string_lossy()
        .into_owned();
    format!("SQLite error {rc}: {message}")
}
