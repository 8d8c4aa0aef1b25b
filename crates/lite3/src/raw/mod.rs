//! The raw tier: the only place in lite3 with `unsafe` code. Each type owns one C object, frees
//! it in `Drop`, and exposes safe methods whose preconditions its own invariants guarantee.
#![allow(
    unsafe_code,
    reason = "the FFI layer; every block carries a SAFETY comment"
)]

pub(crate) mod alloc;
pub(crate) mod callback;
pub(crate) mod connection;
pub(crate) mod error;
pub(crate) mod fault;
pub(crate) mod function;
pub(crate) mod statement;

pub(crate) use connection::{
    InterruptTarget, RawConnection, become_the_sqlite_thread, library_is_single_threaded,
    on_the_sqlite_thread,
};
pub(crate) use statement::RawStatement;

/// The linked library's version string.
pub(crate) fn library_version() -> &'static str {
    // SAFETY: sqlite3_libversion returns a pointer to a static NUL-terminated ASCII string.
    let version = unsafe { std::ffi::CStr::from_ptr(crate::ffi::sqlite3_libversion()) };
    version.to_str().unwrap_or("unknown")
}

/// A byte slice from SQLite's (pointer, length) pair; a zero-length value may come with a null
/// pointer.
///
/// # Safety
/// When `len > 0`, `ptr` points to `len` readable bytes that stay unchanged for `'a`.
#[inline]
pub(crate) unsafe fn bytes<'a>(ptr: *const u8, len: std::ffi::c_int) -> &'a [u8] {
    if ptr.is_null() || len <= 0 {
        &[]
    } else {
        // SAFETY: guaranteed by the caller.
        unsafe { std::slice::from_raw_parts(ptr, len as usize) }
    }
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
