//! Decoding what lite3's C readers (lite3-sys/csrc/lite3_read.c) return into a
//! [`ValueRef`](crate::types::ValueRef), for column reads and function arguments alike.

use super::error;

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

/// Why a value could not be read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum ReadFailure {
    /// The column index is out of range.
    NoSuchColumn,
    /// SQLite could not allocate the buffer of a TEXT or BLOB.
    OutOfMemory,
}

impl ReadFailure {
    /// The error to report; `what` names the column or argument (`3`, `"name"`, `argument 1`).
    #[cold]
    #[inline(never)]
    pub(crate) fn into_error(self, what: &str) -> crate::Error {
        match self {
            Self::NoSuchColumn => crate::Error::InvalidColumn(what.to_owned()),
            Self::OutOfMemory => error::from_code(crate::ffi::SQLITE_NOMEM).into(),
        }
    }
}

/// A value as SQLite holds it, read by lite3's C reader (lite3-sys/csrc/lite3_read.c), which
/// calls only the accessor of the value's storage class: SQLite never converts it, and earlier
/// borrows of it stay valid.
///
/// # Safety
/// `value` is a live, protected `sqlite3_value` that stays unchanged for `'a`, read only by the
/// thread using its connection.
#[inline]
pub(crate) unsafe fn value_ref<'a>(
    value: *mut crate::ffi::sqlite3_value,
) -> Result<crate::types::ValueRef<'a>, ReadFailure> {
    let mut parts = std::mem::MaybeUninit::uninit();
    // SAFETY: guaranteed by the caller; `parts` is writable.
    let class = unsafe { crate::ffi::lite3_value_read(value, parts.as_mut_ptr()) };
    // SAFETY: `class` and `parts` come from the reader; the caller guarantees the lifetime.
    unsafe { decode(class, &parts, None) }
}

/// Turns what a C reader returned into a [`ValueRef`](crate::types::ValueRef). When the caller
/// `expects` one class (a constant after inlining), that class is tested for and decoded first:
/// one compare instead of a dispatch over all of them.
///
/// # Safety
/// `class` and `parts` were returned together by a C reader for a value that stays unchanged
/// for `'a`.
#[inline(always)]
pub(crate) unsafe fn decode<'a>(
    class: std::ffi::c_int,
    parts: &std::mem::MaybeUninit<crate::ffi::lite3_value_parts>,
    expected: Option<crate::types::Type>,
) -> Result<crate::types::ValueRef<'a>, ReadFailure> {
    match expected.map(storage_class_code) {
        // The constant class lets `decode_class` fold to reading one member.
        // SAFETY: guaranteed by the caller.
        Some(code) if class == code => Ok(unsafe { decode_class(code, parts) }),
        // SAFETY: guaranteed by the caller.
        Some(_) => unsafe { decode_other(class, parts) },
        // SAFETY: guaranteed by the caller.
        None => unsafe { decode_any(class, parts) },
    }
}

/// The value `class` and `parts` describe if it is of storage class `expected`, else `None`
/// (any other class, or a failure of the reader).
///
/// # Safety
/// As for [`decode`].
#[inline(always)]
pub(crate) unsafe fn decode_if<'a>(
    class: std::ffi::c_int,
    parts: &std::mem::MaybeUninit<crate::ffi::lite3_value_parts>,
    expected: crate::types::Type,
) -> Option<crate::types::ValueRef<'a>> {
    let code = storage_class_code(expected);
    // SAFETY: guaranteed by the caller; the constant class folds `decode_class` to one member.
    (class == code).then(|| unsafe { decode_class(code, parts) })
}

/// [`decode_any`] kept out of line, so that the expected class stays a compare, not a jump
/// table the optimiser would otherwise merge it into.
///
/// # Safety
/// As for [`decode`].
#[inline(never)]
unsafe fn decode_other<'a>(
    class: std::ffi::c_int,
    parts: &std::mem::MaybeUninit<crate::ffi::lite3_value_parts>,
) -> Result<crate::types::ValueRef<'a>, ReadFailure> {
    // SAFETY: guaranteed by the caller.
    unsafe { decode_any(class, parts) }
}

/// # Safety
/// As for [`decode`].
#[inline(always)]
unsafe fn decode_any<'a>(
    class: std::ffi::c_int,
    parts: &std::mem::MaybeUninit<crate::ffi::lite3_value_parts>,
) -> Result<crate::types::ValueRef<'a>, ReadFailure> {
    match class {
        crate::ffi::LITE3_NO_SUCH_COLUMN => Err(ReadFailure::NoSuchColumn),
        crate::ffi::LITE3_OUT_OF_MEMORY => Err(ReadFailure::OutOfMemory),
        // SAFETY: guaranteed by the caller.
        _ => Ok(unsafe { decode_class(class, parts) }),
    }
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

/// Reads the member of `parts` that storage class `class` set.
///
/// # Safety
/// As for [`decode`]; `class` is a storage class (`SQLITE_INTEGER` … `SQLITE_NULL`).
#[inline(always)]
unsafe fn decode_class<'a>(
    class: std::ffi::c_int,
    parts: &std::mem::MaybeUninit<crate::ffi::lite3_value_parts>,
) -> crate::types::ValueRef<'a> {
    use crate::ffi;
    use crate::types::ValueRef;
    let parts = parts.as_ptr();
    // SAFETY: the reader set the member (and, for TEXT and BLOB, the length) that `class` names;
    // a non-null buffer holds `len` bytes that stay unchanged for `'a` (caller's guarantee).
    unsafe {
        match class {
            ffi::SQLITE_INTEGER => ValueRef::Integer((*parts).data.integer),
            ffi::SQLITE_FLOAT => ValueRef::Real((*parts).data.real),
            ffi::SQLITE_TEXT => ValueRef::Text(bytes((*parts).data.bytes.cast(), (*parts).len)),
            ffi::SQLITE_BLOB => ValueRef::Blob(bytes((*parts).data.bytes.cast(), (*parts).len)),
            _ => ValueRef::Null,
        }
    }
}
