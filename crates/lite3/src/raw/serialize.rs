//! The buffers of `sqlite3_serialize`/`sqlite3_deserialize` (see `crate::serialize`): memory
//! from SQLite's allocator, owned here or lent by the connection.

use super::RawConnection;
use crate::{Result, ffi};
use std::ffi::{CStr, c_uint};
use std::marker::PhantomData;
use std::ptr::NonNull;

/// A serialized database in memory from SQLite's allocator (`sqlite3_malloc64`), owned: freed
/// with `sqlite3_free` when dropped, or handed to SQLite by
/// [`Connection::deserialize`](crate::Connection::deserialize).
pub struct OwnedData {
    ptr: NonNull<u8>,
    sz: usize,
}

// SAFETY: a plain heap block, owned exclusively; SQLite's allocator is thread-safe (and in
// single-threaded builds OwnedData is used where its SQLite is).
unsafe impl Send for OwnedData {}

impl OwnedData {
    /// Takes ownership of `sz` bytes at `ptr`.
    ///
    /// # Safety
    /// `ptr` was returned by `sqlite3_malloc64` (or `sqlite3_serialize` without NOCOPY) for at
    /// least `sz` initialised bytes, and nothing else frees it.
    pub unsafe fn from_raw_nonnull(ptr: NonNull<u8>, sz: usize) -> Self {
        Self { ptr, sz }
    }

    /// Copies `bytes` into a new block from SQLite's allocator.
    ///
    /// ```
    /// let data = lite3::serialize::OwnedData::from_bytes(b"abc")?;
    /// assert_eq!(&*data, b"abc");
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// `NoMem` when SQLite cannot allocate it.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut data = Self::zeroed(bytes.len())?;
        data.copy_from_slice(bytes);
        Ok(data)
    }

    /// A block of `sz` zero bytes from SQLite's allocator.
    pub(crate) fn zeroed(sz: usize) -> Result<Self> {
        super::setup::initialise();
        // At least one byte: sqlite3_malloc64(0) returns null.
        let size = u64::try_from(sz.max(1)).unwrap_or(u64::MAX);
        // SAFETY: a plain allocation; null means out of memory.
        let ptr = unsafe { ffi::sqlite3_malloc64(size) }.cast::<u8>();
        let ptr = NonNull::new(ptr).ok_or_else(|| super::error::from_code(ffi::SQLITE_NOMEM))?;
        // SAFETY: the block holds at least `sz` bytes; zeroing makes them initialised.
        unsafe { ptr.as_ptr().write_bytes(0, sz) };
        Ok(Self { ptr, sz })
    }

    fn into_raw(self) -> (*mut u8, usize) {
        let this = std::mem::ManuallyDrop::new(self);
        (this.ptr.as_ptr(), this.sz)
    }
}

impl Drop for OwnedData {
    fn drop(&mut self) {
        // SAFETY: from SQLite's allocator (the constructors' contract), freed once.
        unsafe { ffi::sqlite3_free(self.ptr.as_ptr().cast()) };
    }
}

impl std::ops::Deref for OwnedData {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        // SAFETY: `sz` initialised bytes, owned by `self`.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.sz) }
    }
}

impl std::ops::DerefMut for OwnedData {
    fn deref_mut(&mut self) -> &mut [u8] {
        // SAFETY: as for `deref`, exclusively borrowed.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.sz) }
    }
}

impl std::fmt::Debug for OwnedData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OwnedData").field("len", &self.sz).finish()
    }
}

/// A serialized database lent by its connection (a deserialized database's own buffer, no copy),
/// valid while the connection is borrowed.
pub struct SharedData<'conn> {
    ptr: NonNull<u8>,
    sz: usize,
    _conn: PhantomData<&'conn mut crate::Connection>,
}

impl std::ops::Deref for SharedData<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        // SAFETY: SQLite's own buffer of `sz` bytes, unchanged while the connection is
        // mutably borrowed by this value's lifetime.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.sz) }
    }
}

impl std::fmt::Debug for SharedData<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedData").field("len", &self.sz).finish()
    }
}

/// What [`serialize`] gives: the connection's own buffer when it has one, else a copy.
pub(crate) enum Serialized<'conn> {
    Shared(SharedData<'conn>),
    Owned(OwnedData),
}

/// `sqlite3_serialize` of `schema`: without a copy when SQLite can lend its buffer.
pub(crate) fn serialize<'conn>(conn: &RawConnection, schema: &CStr) -> Result<Serialized<'conn>> {
    conn.enter()?;
    let mut sz: ffi::sqlite3_int64 = 0;
    // SAFETY: the connection is open; `schema` is NUL-terminated; `sz` receives the size.
    let lent = unsafe {
        ffi::sqlite3_serialize(
            conn.as_ptr(),
            schema.as_ptr(),
            &mut sz,
            ffi::SQLITE_SERIALIZE_NOCOPY as c_uint,
        )
    };
    if let Some(ptr) = NonNull::new(lent) {
        return Ok(Serialized::Shared(SharedData {
            ptr,
            sz: usize::try_from(sz).unwrap_or(0),
            _conn: PhantomData,
        }));
    }
    // SAFETY: as above; without NOCOPY SQLite returns a sqlite3_malloc64 copy (or null).
    let copy = unsafe { ffi::sqlite3_serialize(conn.as_ptr(), schema.as_ptr(), &mut sz, 0) };
    match NonNull::new(copy) {
        Some(ptr) => Ok(Serialized::Owned(OwnedData {
            ptr,
            sz: usize::try_from(sz).unwrap_or(0),
        })),
        // No such schema, or out of memory: SQLite does not say which.
        None => Err(conn.error(ffi::SQLITE_NOMEM)),
    }
}

/// `sqlite3_deserialize` of `data` into `schema`, SQLite taking ownership (freed on close, or at
/// once if it fails). Read-only, or resizable.
pub(crate) fn deserialize(
    conn: &RawConnection,
    schema: &CStr,
    data: OwnedData,
    read_only: bool,
) -> Result<()> {
    // Refused here, before SQLite owns the buffer: a refusal inside `lend` would leak it.
    conn.enter()?;
    let flags = ffi::SQLITE_DESERIALIZE_FREEONCLOSE
        | if read_only {
            ffi::SQLITE_DESERIALIZE_READONLY
        } else {
            ffi::SQLITE_DESERIALIZE_RESIZEABLE
        };
    lend(conn, schema, data.into_raw(), flags as c_uint)
}

/// `sqlite3_deserialize` of a static buffer, read-only (SQLite never writes or frees it).
pub(crate) fn deserialize_static(
    conn: &RawConnection,
    schema: &CStr,
    data: &'static [u8],
) -> Result<()> {
    let raw = (data.as_ptr().cast_mut(), data.len());
    lend(
        conn,
        schema,
        raw,
        ffi::SQLITE_DESERIALIZE_READONLY as c_uint,
    )
}

fn lend(
    conn: &RawConnection,
    schema: &CStr,
    (ptr, sz): (*mut u8, usize),
    flags: c_uint,
) -> Result<()> {
    let sz = ffi::sqlite3_int64::try_from(sz).unwrap_or(ffi::sqlite3_int64::MAX);
    // SAFETY: the connection is open; `ptr` holds `sz` bytes, either SQLite's to free
    // (FREEONCLOSE, also on failure) or static and read-only.
    conn.call(|db| unsafe { ffi::sqlite3_deserialize(db, schema.as_ptr(), ptr, sz, sz, flags) })
}
