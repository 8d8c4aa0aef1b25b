//! The raw tier: the only place in lite3 with `unsafe` code. Each type owns one C object, frees
//! it in `Drop`, and exposes safe methods whose preconditions its own invariants guarantee.
#![allow(
    unsafe_code,
    reason = "the FFI layer; every block carries a SAFETY comment"
)]

pub(crate) mod aggregate;
pub(crate) mod alloc;
pub(crate) mod backup;
pub(crate) mod blob;
pub(crate) mod callback;
pub(crate) mod codec;
pub(crate) mod collation;
pub(crate) mod connection;
mod door;
pub(crate) mod error;
pub(crate) mod fault;
mod fork;
pub(crate) mod function;
pub(crate) mod hooks;
#[cfg(feature = "load_extension")]
pub(crate) mod load_extension;
pub(crate) mod lossy_names;
mod panic;
pub(crate) mod pointer;
#[cfg(feature = "preupdate_hook")]
pub(crate) mod preupdate;
pub(crate) mod serialize;
#[cfg(feature = "session")]
pub(crate) mod session;
pub(crate) mod setup;
mod sqlite_thread;
pub(crate) mod statement;
mod text;
pub(crate) mod trace;
mod value;
pub(crate) mod values;
pub(crate) mod vfs;
pub(crate) mod vtab;
mod vtab_args;
mod vtab_index;
pub(crate) mod wal;

pub(crate) use connection::{InterruptTarget, RawConnection};
pub(crate) use fork::current as process_generation;
pub(crate) use panic::in_callback;
pub(crate) use sqlite_thread::{
    become_the_worker_thread, library_is_single_threaded, on_the_worker_thread,
};
pub(crate) use statement::RawStatement;
pub(crate) use text::utf8;
pub(crate) use value::{ReadFailure, decode, decode_if, value_ref};

/// The linked library's version string.
pub(crate) fn library_version() -> &'static str {
    // SAFETY: sqlite3_libversion returns a pointer to a static NUL-terminated ASCII string.
    let version = unsafe { std::ffi::CStr::from_ptr(crate::ffi::sqlite3_libversion()) };
    version.to_str().unwrap_or("unknown")
}

/// Whether `sql` ends with a complete statement, by SQLite's tokenizer (`sqlite3_complete`).
/// It reads the text only: no connection and no global state of SQLite's, so any thread may
/// call it, also in a single-threaded build.
pub(crate) fn is_complete(sql: &std::ffi::CStr) -> bool {
    // SAFETY: `sql` is a NUL-terminated string that outlives the call; sqlite3_complete only
    // reads it (it does not initialise SQLite, unlike sqlite3_complete16).
    unsafe { crate::ffi::sqlite3_complete(sql.as_ptr()) != 0 }
}

/// An optional NUL-terminated UTF-8 string from SQLite (names, declared types).
///
/// # Safety
/// `ptr` is null or points to a NUL-terminated string that stays unchanged for `'a`.
pub(crate) unsafe fn optional_str<'a>(ptr: *const std::ffi::c_char) -> Option<&'a str> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: guaranteed by the caller.
    unsafe { std::ffi::CStr::from_ptr(ptr) }.to_str().ok()
}
