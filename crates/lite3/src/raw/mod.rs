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
mod text;

pub(crate) use connection::{
    InterruptTarget, RawConnection, become_the_sqlite_thread, library_is_single_threaded,
    on_the_sqlite_thread,
};
pub(crate) use statement::RawStatement;
pub(crate) use text::utf8;

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

/// A value as SQLite holds it, read through the `sqlite3_value_*` accessors. Only the accessor
/// matching the value's storage class is called, so SQLite never converts it, and earlier borrows
/// of it stay valid. When the caller `expects` one class (a constant after inlining), that class
/// is tested for and read first: one compare instead of a dispatch over all five.
///
/// # Safety
/// `value` is a live `sqlite3_value` that stays unchanged for `'a`, read only by the thread using
/// its connection (for a result column, lite3's connections are opened with
/// `SQLITE_OPEN_NOMUTEX` and used by one thread at a time, so no mutex guards it either way).
#[inline(always)]
pub(crate) unsafe fn value_ref<'a>(
    value: *mut crate::ffi::sqlite3_value,
    expected: Option<crate::types::Type>,
) -> crate::types::ValueRef<'a> {
    // SAFETY: guaranteed by the caller.
    let class = unsafe { crate::ffi::sqlite3_value_type(value) };
    match expected.map(storage_class_code) {
        // The constant class lets `read` fold to the one accessor.
        // SAFETY: guaranteed by the caller.
        Some(code) if class == code => unsafe { read(value, code) },
        // SAFETY: guaranteed by the caller.
        Some(_) => unsafe { read_other(value, class) },
        // SAFETY: guaranteed by the caller.
        None => unsafe { read(value, class) },
    }
}

/// [`read`] kept out of line, so that the expected class stays a compare and a call, not a
/// jump table the optimiser would otherwise merge it into.
///
/// # Safety
/// As for [`read`].
#[inline(never)]
unsafe fn read_other<'a>(
    value: *mut crate::ffi::sqlite3_value,
    class: std::ffi::c_int,
) -> crate::types::ValueRef<'a> {
    // SAFETY: guaranteed by the caller.
    unsafe { read(value, class) }
}

const fn storage_class_code(class: crate::types::Type) -> std::ffi::c_int {
    use crate::ffi;
    use crate::types::Type;
    match class {
        Type::Null => ffi::SQLITE_NULL,
        Type::Integer => ffi::SQLITE_INTEGER,
        Type::Real => ffi::SQLITE_FLOAT,
        Type::Text => ffi::SQLITE_TEXT,
        Type::Blob => ffi::SQLITE_BLOB,
    }
}

/// Reads `value`, whose storage class is `class`.
///
/// # Safety
/// As for [`value_ref`]; `class` is `sqlite3_value_type(value)`.
#[inline(always)]
unsafe fn read<'a>(
    value: *mut crate::ffi::sqlite3_value,
    class: std::ffi::c_int,
) -> crate::types::ValueRef<'a> {
    use crate::ffi;
    use crate::types::ValueRef;
    // SAFETY: guaranteed by the caller.
    unsafe {
        match class {
            ffi::SQLITE_INTEGER => ValueRef::Integer(ffi::sqlite3_value_int64(value)),
            ffi::SQLITE_FLOAT => ValueRef::Real(ffi::sqlite3_value_double(value)),
            ffi::SQLITE_TEXT => ValueRef::Text(bytes(
                ffi::sqlite3_value_text(value),
                ffi::sqlite3_value_bytes(value),
            )),
            ffi::SQLITE_BLOB => ValueRef::Blob(bytes(
                ffi::sqlite3_value_blob(value).cast(),
                ffi::sqlite3_value_bytes(value),
            )),
            _ => ValueRef::Null,
        }
    }
}
