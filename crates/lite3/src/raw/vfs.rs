//! Wrapping VFSes (see [`crate::vfs`]): an `sqlite3_vfs` whose files carry the wrapped VFS's
//! file right behind lite3's own header, and trampolines that hand each call to the user's
//! [`Wrapper`] under the callback protocol (panics parked, connections refused while inside).
//!
//! Layout of a file SQLite allocates (`szOsFile` bytes) for a wrapping VFS:
//! `[ WrapperFile | padding to INNER_OFFSET | the base VFS's file (base.szOsFile bytes) ]`.

use super::door::hook_scope::HookScope;
use super::panic::catch;
use crate::sql_text::c_string;
use crate::vfs::{
    Access, FileKind, IoError, IoResult, LockLevel, ShmLockRequest, SyncKind, Wrapper,
};
use crate::{Error, ErrorCode, Result, SqliteError, ffi};
use parking_lot::Mutex;
use std::cell::UnsafeCell;
use std::ffi::{CStr, CString, c_char, c_int, c_void};
use std::marker::PhantomData;
use std::ptr;

/// One registered wrapping VFS, leaked: SQLite keeps pointers to it in every connection opened
/// through it and never says when the last one is gone.
struct Registered {
    /// What SQLite sees. It links this struct into its list (writing `pNext`) under its own
    /// mutex, hence the cell: Rust never reads it after registration.
    vfs: UnsafeCell<ffi::sqlite3_vfs>,
    /// The wrapped VFS, registered with SQLite for the life of the process (lite3 never
    /// unregisters a VFS it did not register).
    base: *mut ffi::sqlite3_vfs,
    wrapper: &'static dyn Wrapper,
    /// `zName` points into it.
    name: CString,
}

// SAFETY: `base` is only passed back to SQLite, which allows any thread to call a VFS; `vfs`
// is only touched by SQLite (under its mutex) once registered; `wrapper` is Send + Sync.
unsafe impl Send for Registered {}
// SAFETY: as for Send.
unsafe impl Sync for Registered {}

/// Every wrapping VFS lite3 registered, in order (unregistered ones included: still in use).
static REGISTERED: Mutex<Vec<(&'static Registered, bool)>> = Mutex::new(Vec::new());

/// lite3's header of a file, first in the memory SQLite allocates for it.
#[repr(C)]
struct WrapperFile {
    /// First, so that SQLite's `sqlite3_file*` is a `WrapperFile*`.
    base: ffi::sqlite3_file,
    registered: &'static Registered,
    /// The base VFS's file, at [`INNER_OFFSET`].
    inner: *mut ffi::sqlite3_file,
    /// The name SQLite opened the file with; valid until `xClose` (SQLite's guarantee), null
    /// for temporary files.
    path: *const c_char,
    kind: FileKind,
}

/// Where the base VFS's file starts: after the header, 16-byte aligned like any allocation.
const INNER_OFFSET: usize = std::mem::size_of::<WrapperFile>().next_multiple_of(16);

/// A file SQLite opened through a wrapping VFS, as a [`Wrapper`](crate::vfs::Wrapper) method
/// sees it: what it is, and the base VFS's operations on it.
pub struct File<'a> {
    file: &'a WrapperFile,
}

impl std::fmt::Debug for File<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("File")
            .field("kind", &self.kind())
            .field("path", &self.path())
            .finish()
    }
}

/// A mapped region of the WAL index, from [`File::shm_map`]; the wrapper passes it on to
/// SQLite unchanged.
#[derive(Debug)]
pub struct ShmRegion<'a> {
    region: *mut c_void,
    _file: PhantomData<&'a ()>,
}

/// A base VFS method's return code as a result.
fn rc(code: c_int) -> IoResult<()> {
    IoError::from_code(code).map_or(Ok(()), Err)
}

impl<'a> File<'a> {
    fn methods(&self) -> &'a ffi::sqlite3_io_methods {
        // SAFETY: the base VFS's open succeeded with a non-null pMethods (or this file would
        // have no lite3 methods and never reach a trampoline), and SQLite's io_methods live as
        // long as the VFS.
        unsafe { &*(*self.file.inner).pMethods }
    }

    /// What the file is for.
    #[must_use]
    pub fn kind(&self) -> FileKind {
        self.file.kind
    }

    /// The file's path; `None` for a temporary file or a path that is not UTF-8.
    #[must_use]
    pub fn path(&self) -> Option<&'a str> {
        path_of(self.file.path)
    }

    /// Reads `buf.len()` bytes at `offset` from the base VFS.
    ///
    /// # Errors
    /// The base VFS's error; [`IoError::SHORT_READ`] past the end of the file (the rest of
    /// `buf` is zeroed); [`IoError::READ`] for a read SQLite could not express.
    pub fn read(&self, buf: &mut [u8], offset: u64) -> IoResult<()> {
        let (Ok(n), Ok(offset), Some(read)) = (
            c_int::try_from(buf.len()),
            i64::try_from(offset),
            self.methods().xRead,
        ) else {
            return Err(IoError::READ);
        };
        // SAFETY: `inner` is the base VFS's open file; `buf` is valid for `n` bytes.
        rc(unsafe { read(self.file.inner, buf.as_mut_ptr().cast(), n, offset) })
    }

    /// Writes `data` at `offset` through the base VFS.
    ///
    /// # Errors
    /// The base VFS's error; [`IoError::WRITE`] for a write SQLite could not express.
    pub fn write(&self, data: &[u8], offset: u64) -> IoResult<()> {
        let (Ok(n), Ok(offset), Some(write)) = (
            c_int::try_from(data.len()),
            i64::try_from(offset),
            self.methods().xWrite,
        ) else {
            return Err(IoError::WRITE);
        };
        // SAFETY: `inner` is open; `data` is valid for `n` bytes.
        rc(unsafe { write(self.file.inner, data.as_ptr().cast(), n, offset) })
    }

    /// Cuts or extends the file to `size` bytes.
    ///
    /// # Errors
    /// The base VFS's error.
    pub fn truncate(&self, size: u64) -> IoResult<()> {
        let (Ok(size), Some(truncate)) = (i64::try_from(size), self.methods().xTruncate) else {
            return Err(IoError::TRUNCATE);
        };
        // SAFETY: `inner` is open.
        rc(unsafe { truncate(self.file.inner, size) })
    }

    /// Syncs the file.
    ///
    /// # Errors
    /// The base VFS's error.
    pub fn sync(&self, kind: SyncKind) -> IoResult<()> {
        let Some(sync) = self.methods().xSync else {
            return Err(IoError::FSYNC);
        };
        // SAFETY: `inner` is open; the flags are the ones SQLite passed.
        rc(unsafe { sync(self.file.inner, kind.0) })
    }

    /// The file's size in bytes.
    ///
    /// # Errors
    /// The base VFS's error.
    pub fn size(&self) -> IoResult<u64> {
        let Some(file_size) = self.methods().xFileSize else {
            return Err(IoError::FSTAT);
        };
        let mut size = 0;
        // SAFETY: `inner` is open; `size` is a valid out-pointer.
        rc(unsafe { file_size(self.file.inner, &mut size) })?;
        Ok(size.unsigned_abs())
    }

    /// Raises the lock to `level`.
    ///
    /// # Errors
    /// The base VFS's error, [`IoError::BUSY`] when another connection holds the file.
    pub fn lock(&self, level: LockLevel) -> IoResult<()> {
        let Some(lock) = self.methods().xLock else {
            return Err(IoError::LOCK);
        };
        // SAFETY: `inner` is open.
        rc(unsafe { lock(self.file.inner, level.raw()) })
    }

    /// Lowers the lock to `level`.
    ///
    /// # Errors
    /// The base VFS's error.
    pub fn unlock(&self, level: LockLevel) -> IoResult<()> {
        let Some(unlock) = self.methods().xUnlock else {
            return Err(IoError::UNLOCK);
        };
        // SAFETY: `inner` is open.
        rc(unsafe { unlock(self.file.inner, level.raw()) })
    }

    /// Whether any connection holds a RESERVED or higher lock.
    ///
    /// # Errors
    /// The base VFS's error.
    pub fn check_reserved_lock(&self) -> IoResult<bool> {
        let Some(check) = self.methods().xCheckReservedLock else {
            return Err(IoError::CHECK_RESERVED_LOCK);
        };
        let mut reserved = 0;
        // SAFETY: `inner` is open; `reserved` is a valid out-pointer.
        rc(unsafe { check(self.file.inner, &mut reserved) })?;
        Ok(reserved != 0)
    }

    /// Maps region `region` of the WAL index.
    ///
    /// # Errors
    /// The base VFS's error; [`IoError::SHM_MAP`] when it has no shared memory.
    pub fn shm_map(&self, region: usize, size: usize, extend: bool) -> IoResult<ShmRegion<'a>> {
        let methods = self.methods();
        let (Ok(region), Ok(size), true, Some(map)) = (
            c_int::try_from(region),
            c_int::try_from(size),
            methods.iVersion >= 2,
            methods.xShmMap,
        ) else {
            return Err(IoError::SHM_MAP);
        };
        let mut mapped: *mut c_void = ptr::null_mut();
        // SAFETY: `inner` is open and its methods are version 2 or later; `mapped` is a
        // valid out-pointer.
        rc(unsafe {
            map(
                self.file.inner,
                region,
                size,
                c_int::from(extend),
                &mut mapped,
            )
        })?;
        Ok(ShmRegion {
            region: mapped,
            _file: PhantomData,
        })
    }

    /// Takes or releases WAL-index locks.
    ///
    /// # Errors
    /// The base VFS's error, [`IoError::BUSY`] when another connection holds them.
    pub fn shm_lock(&self, request: ShmLockRequest) -> IoResult<()> {
        let methods = self.methods();
        let (true, Some(lock)) = (methods.iVersion >= 2, methods.xShmLock) else {
            return Err(IoError::SHM_LOCK);
        };
        // SAFETY: `inner` is open with version 2 methods; the request is SQLite's own.
        rc(unsafe { lock(self.file.inner, request.offset, request.n, request.flags) })
    }

    /// Unmaps the WAL index, deleting it when `delete`.
    ///
    /// # Errors
    /// The base VFS's error.
    pub fn shm_unmap(&self, delete: bool) -> IoResult<()> {
        let methods = self.methods();
        let (true, Some(unmap)) = (methods.iVersion >= 2, methods.xShmUnmap) else {
            return Err(IoError::IO);
        };
        // SAFETY: `inner` is open with version 2 methods.
        rc(unsafe { unmap(self.file.inner, c_int::from(delete)) })
    }
}

/// The VFS a wrapper wraps, for the calls that are about paths rather than open files.
pub struct Base {
    vfs: *mut ffi::sqlite3_vfs,
    /// The path SQLite passed, so that passing it on unchanged needs no copy.
    path: *const c_char,
}

impl std::fmt::Debug for Base {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Base").finish_non_exhaustive()
    }
}

impl Base {
    /// `path` as C wants it: SQLite's own pointer when it is SQLite's own string.
    fn with_c_path<R>(&self, path: &str, f: impl FnOnce(*const c_char) -> R) -> IoResult<R> {
        if path_of(self.path).is_some_and(|own| ptr::eq(own, path)) {
            return Ok(f(self.path));
        }
        let path = c_string(path, "path").map_err(|_| IoError::CANT_OPEN)?;
        Ok(f(path.as_ptr()))
    }

    /// Deletes the file at `path`.
    ///
    /// # Errors
    /// The base VFS's error ([`IoError::DELETE`] and its relatives).
    pub fn delete(&self, path: &str, sync_dir: bool) -> IoResult<()> {
        // SAFETY: `vfs` is a registered VFS; every VFS has xDelete.
        let Some(delete) = (unsafe { (*self.vfs).xDelete }) else {
            return Err(IoError::DELETE);
        };
        // SAFETY: the path is NUL-terminated and outlives the call.
        rc(self.with_c_path(path, |path| unsafe {
            delete(self.vfs, path, c_int::from(sync_dir))
        })?)
    }

    /// Whether the file at `path` exists, or may be read or written.
    ///
    /// # Errors
    /// The base VFS's error.
    pub fn access(&self, path: &str, access: Access) -> IoResult<bool> {
        // SAFETY: `vfs` is a registered VFS; every VFS has xAccess.
        let Some(check) = (unsafe { (*self.vfs).xAccess }) else {
            return Err(IoError::ACCESS);
        };
        let mut yes = 0;
        // SAFETY: the path is NUL-terminated and outlives the call; `yes` is an out-pointer.
        rc(self.with_c_path(path, |path| unsafe {
            check(self.vfs, path, access.raw(), &mut yes)
        })?)?;
        Ok(yes != 0)
    }
}

fn path_of<'a>(path: *const c_char) -> Option<&'a str> {
    if path.is_null() {
        return None;
    }
    // SAFETY: SQLite's file names are NUL-terminated and outlive the file (or the call).
    unsafe { CStr::from_ptr(path) }.to_str().ok()
}

/// Runs a wrapper method the way every callback runs: no lite3 connection may be used inside
/// (SQLite is half-way through a file operation), and a panic is parked for the caller of the
/// SQLite call while SQLite sees a plain I/O error.
fn guarded(method: impl FnOnce() -> IoResult<()>) -> c_int {
    let _scope = HookScope::enter(ptr::null_mut(), "VFS");
    match catch(method) {
        Some(Ok(())) => ffi::SQLITE_OK,
        Some(Err(error)) => error.extended_code(),
        None => ffi::SQLITE_IOERR,
    }
}

/// The wrapper and the file view of a file SQLite hands a method.
///
/// # Safety
/// `file` is a file this module's `x_open` initialised and SQLite has not closed.
unsafe fn parts<'a>(file: *mut ffi::sqlite3_file) -> (&'static dyn Wrapper, File<'a>) {
    // SAFETY: the caller's guarantee; WrapperFile is the file's first part (repr(C)).
    let file = unsafe { &*file.cast::<WrapperFile>() };
    (file.registered.wrapper, File { file })
}

/// The registration a VFS pointer belongs to.
///
/// # Safety
/// `vfs` is one of this module's VFSes (SQLite only calls its methods with that pointer).
unsafe fn registered<'a>(vfs: *mut ffi::sqlite3_vfs) -> &'a Registered {
    // SAFETY: pAppData was set to the leaked Registered at registration.
    unsafe { &*(*vfs).pAppData.cast::<Registered>() }
}

unsafe extern "C" fn x_open(
    vfs: *mut ffi::sqlite3_vfs,
    name: ffi::sqlite3_filename,
    file: *mut ffi::sqlite3_file,
    flags: c_int,
    out_flags: *mut c_int,
) -> c_int {
    // SAFETY: SQLite calls xOpen with this VFS and a buffer of szOsFile bytes for `file`.
    let registered = unsafe { registered(vfs) };
    // SAFETY: as above: the buffer is ours to fill. A null pMethods tells SQLite not to call
    // xClose if the open fails before the base VFS's file exists.
    unsafe { (*file).pMethods = ptr::null() };
    let path = path_of(name);
    let kind = FileKind::from_open_flags(flags);
    let rc = guarded(|| registered.wrapper.open(path, kind));
    if rc != ffi::SQLITE_OK {
        return rc;
    }
    // SAFETY: szOsFile = INNER_OFFSET + base.szOsFile, so the base file fits behind the header.
    let inner = unsafe { file.cast::<u8>().add(INNER_OFFSET) }.cast::<ffi::sqlite3_file>();
    // SAFETY: as above; the base VFS may leave pMethods untouched on failure.
    unsafe { (*inner).pMethods = ptr::null() };
    // SAFETY: `base` is registered; its xOpen gets its own buffer and SQLite's own arguments.
    let rc = match unsafe { (*registered.base).xOpen } {
        // SAFETY: the base VFS's xOpen, with its own buffer and SQLite's arguments.
        Some(open) => unsafe { open(registered.base, name, inner, flags, out_flags) },
        None => ffi::SQLITE_CANTOPEN,
    };
    // SAFETY: `inner` was initialised by the base VFS's xOpen (or left null).
    let inner_methods = unsafe { (*inner).pMethods };
    // SAFETY: the header part of the buffer is ours; writing it whole initialises it.
    unsafe {
        file.cast::<WrapperFile>().write(WrapperFile {
            base: ffi::sqlite3_file {
                pMethods: if inner_methods.is_null() {
                    ptr::null()
                } else {
                    methods_for((*inner_methods).iVersion)
                },
            },
            registered,
            inner,
            path: name,
            kind,
        });
    }
    rc
}

unsafe extern "C" fn x_close(file: *mut ffi::sqlite3_file) -> c_int {
    // SAFETY: SQLite closes a file our x_open initialised, once.
    let (wrapper, view) = unsafe { parts(file) };
    guarded(|| {
        wrapper.close(&view);
        Ok(())
    });
    let inner = view.file.inner;
    // SAFETY: the base VFS's file is open; it is closed exactly once, here.
    match view.methods().xClose {
        // SAFETY: the base file is open; closed exactly once, here.
        Some(close) => unsafe { close(inner) },
        None => ffi::SQLITE_OK,
    }
}

unsafe extern "C" fn x_read(
    file: *mut ffi::sqlite3_file,
    buf: *mut c_void,
    n: c_int,
    offset: ffi::sqlite3_int64,
) -> c_int {
    let len = usize::try_from(n).unwrap_or(0);
    // SAFETY: SQLite passes a buffer of `n` writable bytes. They may be uninitialised, so they
    // are zeroed before Rust sees them as bytes (also the contract of a short read).
    let buf = unsafe {
        ptr::write_bytes(buf.cast::<u8>(), 0, len);
        std::slice::from_raw_parts_mut(buf.cast::<u8>(), len)
    };
    // SAFETY: our file, open.
    let (wrapper, view) = unsafe { parts(file) };
    guarded(|| wrapper.read(&view, buf, offset.unsigned_abs()))
}

unsafe extern "C" fn x_write(
    file: *mut ffi::sqlite3_file,
    data: *const c_void,
    n: c_int,
    offset: ffi::sqlite3_int64,
) -> c_int {
    // SAFETY: SQLite passes `n` initialised bytes.
    let data =
        unsafe { std::slice::from_raw_parts(data.cast::<u8>(), usize::try_from(n).unwrap_or(0)) };
    // SAFETY: our file, open.
    let (wrapper, view) = unsafe { parts(file) };
    guarded(|| wrapper.write(&view, data, offset.unsigned_abs()))
}

unsafe extern "C" fn x_truncate(file: *mut ffi::sqlite3_file, size: ffi::sqlite3_int64) -> c_int {
    // SAFETY: our file, open.
    let (wrapper, view) = unsafe { parts(file) };
    guarded(|| wrapper.truncate(&view, size.unsigned_abs()))
}

unsafe extern "C" fn x_sync(file: *mut ffi::sqlite3_file, flags: c_int) -> c_int {
    // SAFETY: our file, open.
    let (wrapper, view) = unsafe { parts(file) };
    guarded(|| wrapper.sync(&view, SyncKind(flags)))
}

unsafe extern "C" fn x_file_size(
    file: *mut ffi::sqlite3_file,
    size: *mut ffi::sqlite3_int64,
) -> c_int {
    // SAFETY: our file, open.
    let (wrapper, view) = unsafe { parts(file) };
    guarded(|| {
        let bytes = wrapper.file_size(&view)?;
        // SAFETY: SQLite passes a valid out-pointer.
        unsafe { *size = i64::try_from(bytes).map_err(|_| IoError::FSTAT)? };
        Ok(())
    })
}

unsafe extern "C" fn x_lock(file: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    // SAFETY: our file, open.
    let (wrapper, view) = unsafe { parts(file) };
    guarded(|| wrapper.lock(&view, LockLevel::from_raw(level)))
}

unsafe extern "C" fn x_unlock(file: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    // SAFETY: our file, open.
    let (wrapper, view) = unsafe { parts(file) };
    guarded(|| wrapper.unlock(&view, LockLevel::from_raw(level)))
}

unsafe extern "C" fn x_check_reserved_lock(file: *mut ffi::sqlite3_file, out: *mut c_int) -> c_int {
    // SAFETY: our file, open.
    let (wrapper, view) = unsafe { parts(file) };
    guarded(|| {
        let reserved = wrapper.check_reserved_lock(&view)?;
        // SAFETY: SQLite passes a valid out-pointer.
        unsafe { *out = c_int::from(reserved) };
        Ok(())
    })
}

unsafe extern "C" fn x_file_control(
    file: *mut ffi::sqlite3_file,
    op: c_int,
    arg: *mut c_void,
) -> c_int {
    // SAFETY: our file, open. File controls pass straight through: they are the base VFS's
    // private protocol with SQLite.
    let (_, view) = unsafe { parts(file) };
    match view.methods().xFileControl {
        // SAFETY: the base file is open and has this method; SQLite's own arguments.
        Some(control) => unsafe { control(view.file.inner, op, arg) },
        None => ffi::SQLITE_NOTFOUND,
    }
}

unsafe extern "C" fn x_sector_size(file: *mut ffi::sqlite3_file) -> c_int {
    // SAFETY: our file, open.
    let (_, view) = unsafe { parts(file) };
    match view.methods().xSectorSize {
        // SAFETY: the base file is open and has this method; SQLite's own arguments.
        Some(size) => unsafe { size(view.file.inner) },
        None => 4096,
    }
}

unsafe extern "C" fn x_device_characteristics(file: *mut ffi::sqlite3_file) -> c_int {
    // SAFETY: our file, open.
    let (_, view) = unsafe { parts(file) };
    match view.methods().xDeviceCharacteristics {
        // SAFETY: the base file is open and has this method; SQLite's own arguments.
        Some(characteristics) => unsafe { characteristics(view.file.inner) },
        None => 0,
    }
}

unsafe extern "C" fn x_shm_map(
    file: *mut ffi::sqlite3_file,
    region: c_int,
    size: c_int,
    extend: c_int,
    out: *mut *mut c_void,
) -> c_int {
    // SAFETY: our file, open; SQLite passes a valid out-pointer.
    let (wrapper, view) = unsafe { parts(file) };
    // SAFETY: SQLite passes a valid out-pointer.
    unsafe { *out = ptr::null_mut() };
    guarded(|| {
        let mapped = wrapper.shm_map(
            &view,
            region.unsigned_abs() as usize,
            size.unsigned_abs() as usize,
            extend != 0,
        )?;
        // SAFETY: as above.
        unsafe { *out = mapped.region };
        Ok(())
    })
}

unsafe extern "C" fn x_shm_lock(
    file: *mut ffi::sqlite3_file,
    offset: c_int,
    n: c_int,
    flags: c_int,
) -> c_int {
    // SAFETY: our file, open.
    let (wrapper, view) = unsafe { parts(file) };
    guarded(|| wrapper.shm_lock(&view, ShmLockRequest { offset, n, flags }))
}

unsafe extern "C" fn x_shm_barrier(file: *mut ffi::sqlite3_file) {
    // SAFETY: our file, open with version 2 methods (this trampoline is only in those tables).
    let (_, view) = unsafe { parts(file) };
    if let Some(barrier) = view.methods().xShmBarrier {
        // SAFETY: the base file is open and has this method; SQLite's own arguments.
        unsafe { barrier(view.file.inner) };
    }
}

unsafe extern "C" fn x_shm_unmap(file: *mut ffi::sqlite3_file, delete: c_int) -> c_int {
    // SAFETY: our file, open.
    let (wrapper, view) = unsafe { parts(file) };
    guarded(|| wrapper.shm_unmap(&view, delete != 0))
}

unsafe extern "C" fn x_fetch(
    file: *mut ffi::sqlite3_file,
    offset: ffi::sqlite3_int64,
    n: c_int,
    out: *mut *mut c_void,
) -> c_int {
    // SAFETY: our file, open with version 3 methods; memory mapping passes straight through.
    let (_, view) = unsafe { parts(file) };
    match view.methods().xFetch {
        // SAFETY: the base file is open and has this method; SQLite's own arguments.
        Some(fetch) => unsafe { fetch(view.file.inner, offset, n, out) },
        None => {
            // SAFETY: a valid out-pointer; null means "read it instead".
            unsafe { *out = ptr::null_mut() };
            ffi::SQLITE_OK
        }
    }
}

unsafe extern "C" fn x_unfetch(
    file: *mut ffi::sqlite3_file,
    offset: ffi::sqlite3_int64,
    page: *mut c_void,
) -> c_int {
    // SAFETY: our file, open with version 3 methods.
    let (_, view) = unsafe { parts(file) };
    match view.methods().xUnfetch {
        // SAFETY: the base file is open and has this method; SQLite's own arguments.
        Some(unfetch) => unsafe { unfetch(view.file.inner, offset, page) },
        None => ffi::SQLITE_OK,
    }
}

/// The method table for a base file whose methods are `version`: a wrapper never offers what
/// the file beneath it cannot do (no shared memory on a version 1 file means no WAL).
const fn methods(version: c_int) -> ffi::sqlite3_io_methods {
    let shm = version >= 2;
    let fetch = version >= 3;
    ffi::sqlite3_io_methods {
        iVersion: if version >= 3 { 3 } else { version },
        xClose: Some(x_close),
        xRead: Some(x_read),
        xWrite: Some(x_write),
        xTruncate: Some(x_truncate),
        xSync: Some(x_sync),
        xFileSize: Some(x_file_size),
        xLock: Some(x_lock),
        xUnlock: Some(x_unlock),
        xCheckReservedLock: Some(x_check_reserved_lock),
        xFileControl: Some(x_file_control),
        xSectorSize: Some(x_sector_size),
        xDeviceCharacteristics: Some(x_device_characteristics),
        xShmMap: if shm { Some(x_shm_map) } else { None },
        xShmLock: if shm { Some(x_shm_lock) } else { None },
        xShmBarrier: if shm { Some(x_shm_barrier) } else { None },
        xShmUnmap: if shm { Some(x_shm_unmap) } else { None },
        xFetch: if fetch { Some(x_fetch) } else { None },
        xUnfetch: if fetch { Some(x_unfetch) } else { None },
    }
}

static METHODS: [ffi::sqlite3_io_methods; 3] = [methods(1), methods(2), methods(3)];

fn methods_for(version: c_int) -> *const ffi::sqlite3_io_methods {
    let index = usize::try_from(version.clamp(1, 3) - 1).unwrap_or(0);
    &METHODS[index]
}

unsafe extern "C" fn x_delete(
    vfs: *mut ffi::sqlite3_vfs,
    path: *const c_char,
    sync_dir: c_int,
) -> c_int {
    // SAFETY: one of our VFSes.
    let registered = unsafe { registered(vfs) };
    let base = Base {
        vfs: registered.base,
        path,
    };
    match path_of(path) {
        Some(name) => guarded(|| registered.wrapper.delete(&base, name, sync_dir != 0)),
        // A path that is not UTF-8 goes straight to the base VFS.
        // SAFETY: the base VFS is registered for the life of the process.
        None => match unsafe { (*registered.base).xDelete } {
            // SAFETY: SQLite's own arguments, passed on to the base VFS.
            Some(delete) => unsafe { delete(registered.base, path, sync_dir) },
            None => ffi::SQLITE_IOERR_DELETE,
        },
    }
}

unsafe extern "C" fn x_access(
    vfs: *mut ffi::sqlite3_vfs,
    path: *const c_char,
    flags: c_int,
    out: *mut c_int,
) -> c_int {
    // SAFETY: one of our VFSes.
    let registered = unsafe { registered(vfs) };
    let base = Base {
        vfs: registered.base,
        path,
    };
    // SAFETY: SQLite passes a valid out-pointer.
    unsafe { *out = 0 };
    match path_of(path) {
        Some(name) => guarded(|| {
            let yes = registered
                .wrapper
                .access(&base, name, Access::from_raw(flags))?;
            // SAFETY: as above.
            unsafe { *out = c_int::from(yes) };
            Ok(())
        }),
        // SAFETY: the base VFS is registered for the life of the process.
        None => match unsafe { (*registered.base).xAccess } {
            // SAFETY: SQLite's own arguments, passed on to the base VFS.
            Some(access) => unsafe { access(registered.base, path, flags, out) },
            None => ffi::SQLITE_IOERR_ACCESS,
        },
    }
}

/// The VFS methods that are not about files pass straight to the base VFS.
mod pass_through {
    use super::{c_char, c_int, c_void, ffi, registered};

    /// The base VFS of one of our VFSes.
    ///
    /// # Safety
    /// `vfs` is one of this module's VFSes.
    unsafe fn base(vfs: *mut ffi::sqlite3_vfs) -> *mut ffi::sqlite3_vfs {
        // SAFETY: the caller's guarantee.
        unsafe { registered(vfs) }.base
    }

    pub(super) unsafe extern "C" fn full_pathname(
        vfs: *mut ffi::sqlite3_vfs,
        path: *const c_char,
        n: c_int,
        out: *mut c_char,
    ) -> c_int {
        // SAFETY: SQLite's arguments, for the base VFS, which has every version 1 method.
        unsafe {
            let base = base(vfs);
            (*base)
                .xFullPathname
                .map_or(ffi::SQLITE_ERROR, |f| f(base, path, n, out))
        }
    }

    pub(super) unsafe extern "C" fn dl_open(
        vfs: *mut ffi::sqlite3_vfs,
        path: *const c_char,
    ) -> *mut c_void {
        // SAFETY: as above.
        unsafe {
            let base = base(vfs);
            (*base)
                .xDlOpen
                .map_or(std::ptr::null_mut(), |f| f(base, path))
        }
    }

    pub(super) unsafe extern "C" fn dl_error(
        vfs: *mut ffi::sqlite3_vfs,
        n: c_int,
        out: *mut c_char,
    ) {
        // SAFETY: as above.
        unsafe {
            let base = base(vfs);
            if let Some(f) = (*base).xDlError {
                f(base, n, out);
            }
        }
    }

    pub(super) type Symbol =
        Option<unsafe extern "C" fn(*mut ffi::sqlite3_vfs, *mut c_void, *const c_char)>;

    pub(super) unsafe extern "C" fn dl_sym(
        vfs: *mut ffi::sqlite3_vfs,
        handle: *mut c_void,
        symbol: *const c_char,
    ) -> Symbol {
        // SAFETY: as above.
        unsafe {
            let base = base(vfs);
            (*base).xDlSym.and_then(|f| f(base, handle, symbol))
        }
    }

    pub(super) unsafe extern "C" fn dl_close(vfs: *mut ffi::sqlite3_vfs, handle: *mut c_void) {
        // SAFETY: as above.
        unsafe {
            let base = base(vfs);
            if let Some(f) = (*base).xDlClose {
                f(base, handle);
            }
        }
    }

    pub(super) unsafe extern "C" fn randomness(
        vfs: *mut ffi::sqlite3_vfs,
        n: c_int,
        out: *mut c_char,
    ) -> c_int {
        // SAFETY: as above.
        unsafe {
            let base = base(vfs);
            (*base).xRandomness.map_or(0, |f| f(base, n, out))
        }
    }

    pub(super) unsafe extern "C" fn sleep(
        vfs: *mut ffi::sqlite3_vfs,
        microseconds: c_int,
    ) -> c_int {
        // SAFETY: as above.
        unsafe {
            let base = base(vfs);
            (*base).xSleep.map_or(0, |f| f(base, microseconds))
        }
    }

    pub(super) unsafe extern "C" fn current_time(
        vfs: *mut ffi::sqlite3_vfs,
        out: *mut f64,
    ) -> c_int {
        // SAFETY: as above.
        unsafe {
            let base = base(vfs);
            (*base)
                .xCurrentTime
                .map_or(ffi::SQLITE_ERROR, |f| f(base, out))
        }
    }

    pub(super) unsafe extern "C" fn get_last_error(
        vfs: *mut ffi::sqlite3_vfs,
        n: c_int,
        out: *mut c_char,
    ) -> c_int {
        // SAFETY: as above.
        unsafe {
            let base = base(vfs);
            (*base).xGetLastError.map_or(0, |f| f(base, n, out))
        }
    }

    pub(super) unsafe extern "C" fn current_time_int64(
        vfs: *mut ffi::sqlite3_vfs,
        out: *mut ffi::sqlite3_int64,
    ) -> c_int {
        // SAFETY: as above; only in our VFS when the base is version 2 or later.
        unsafe {
            let base = base(vfs);
            (*base)
                .xCurrentTimeInt64
                .map_or(ffi::SQLITE_ERROR, |f| f(base, out))
        }
    }
}

/// Registers `wrapper` as VFS `name` over `base` (the default VFS when `None`).
pub(crate) fn register<W: Wrapper>(
    name: &str,
    wrapper: W,
    base: Option<&str>,
    make_default: bool,
) -> Result<&'static W> {
    let c_name = c_string(name, "VFS name")?;
    let c_base = base.map(|base| c_string(base, "VFS name")).transpose()?;
    super::door::global(|| {
        let mut registered_list = REGISTERED.lock();
        // SAFETY: sqlite3_vfs_find takes a NUL-terminated name (or null for the default) and
        // SQLite is initialised (door::global).
        if !unsafe { ffi::sqlite3_vfs_find(c_name.as_ptr()) }.is_null() {
            return Err(refusal(
                ffi::SQLITE_MISUSE,
                format!("a VFS named {name:?} is already registered"),
            ));
        }
        if cipher_layer_name(&c_name).is_some_and(|top| find(&top).is_some()) {
            return Err(refusal(
                ffi::SQLITE_MISUSE,
                format!("a VFS named {name:?} is already registered (with a cipher layer)"),
            ));
        }
        let base_vfs = find_base(c_base.as_deref()).ok_or_else(|| {
            refusal(
                ffi::SQLITE_ERROR,
                format!("no VFS named {:?} to wrap", base.unwrap_or("(default)")),
            )
        })?;
        // SAFETY: a registered VFS, never freed while registered.
        let base_ref = unsafe { &*base_vfs };
        let Some(size) = usize::try_from(base_ref.szOsFile)
            .ok()
            .and_then(|size| c_int::try_from(INNER_OFFSET + size).ok())
        else {
            return Err(refusal(
                ffi::SQLITE_ERROR,
                "the base VFS's file size is out of range".into(),
            ));
        };
        let wrapper: &'static W = Box::leak(Box::new(wrapper));
        let registered: &'static Registered = Box::leak(Box::new(Registered {
            vfs: UnsafeCell::new(ffi::sqlite3_vfs {
                iVersion: base_ref.iVersion.min(3),
                szOsFile: size,
                mxPathname: base_ref.mxPathname,
                pNext: ptr::null_mut(),
                zName: c_name.as_ptr(),
                pAppData: ptr::null_mut(),
                xOpen: Some(x_open),
                xDelete: Some(x_delete),
                xAccess: Some(x_access),
                xFullPathname: Some(pass_through::full_pathname),
                xDlOpen: Some(pass_through::dl_open),
                xDlError: Some(pass_through::dl_error),
                xDlSym: Some(pass_through::dl_sym),
                xDlClose: Some(pass_through::dl_close),
                xRandomness: Some(pass_through::randomness),
                xSleep: Some(pass_through::sleep),
                xCurrentTime: Some(pass_through::current_time),
                xGetLastError: Some(pass_through::get_last_error),
                xCurrentTimeInt64: if base_ref.iVersion >= 2 {
                    Some(pass_through::current_time_int64)
                } else {
                    None
                },
                // System-call overrides are the base VFS's business; not offered.
                xSetSystemCall: None,
                xGetSystemCall: None,
                xNextSystemCall: None,
            }),
            base: base_vfs,
            wrapper,
            name: c_name,
        }));
        let vfs = registered.vfs.get();
        // SAFETY: the struct is not registered yet, so nothing else reads it.
        unsafe { (*vfs).pAppData = ptr::from_ref(registered).cast_mut().cast() };
        // With a cipher layer, it (not the wrapper) becomes the default.
        let wrapper_default = make_default && !ffi::codec::AVAILABLE;
        // SAFETY: `vfs` lives for the rest of the process (leaked), as SQLite requires.
        let rc = unsafe { ffi::sqlite3_vfs_register(vfs, c_int::from(wrapper_default)) };
        if rc != ffi::SQLITE_OK {
            return Err(super::error::from_code(rc).into());
        }
        if ffi::codec::AVAILABLE {
            // SAFETY: the wrapper is registered under `c_name`, which outlives the call;
            // SQLite3 Multiple Ciphers copies the name and keeps a pointer to our VFS, which
            // is never freed.
            let rc = unsafe {
                ffi::codec::sqlite3mc_vfs_create(
                    registered.name.as_ptr(),
                    c_int::from(make_default),
                )
            };
            if rc != ffi::SQLITE_OK {
                // SAFETY: registered just above; no connection can have found it yet through
                // lite3, which opens it only through the cipher layer.
                unsafe { ffi::sqlite3_vfs_unregister(vfs) };
                return Err(super::error::from_code(rc).into());
            }
        }
        registered_list.push((registered, true));
        Ok(wrapper)
    })
}

/// Unregisters the VFS `name`, which lite3 registered.
pub(crate) fn unregister(name: &str) -> Result<()> {
    super::door::global(|| {
        let mut registered_list = REGISTERED.lock();
        let Some(entry) = registered_list
            .iter_mut()
            .find(|(registered, live)| *live && registered.name.to_bytes() == name.as_bytes())
        else {
            return Err(refusal(
                ffi::SQLITE_ERROR,
                format!("lite3 registered no VFS named {name:?}"),
            ));
        };
        if let Some(top) = cipher_layer_name(&entry.0.name).and_then(|top| find(&top)) {
            // SAFETY: the cipher layer SQLite3 Multiple Ciphers created over this wrapper; like
            // the wrapper it stays allocated for the connections that use it.
            unsafe { ffi::sqlite3_vfs_unregister(top) };
        }
        // SAFETY: a VFS registered by lite3 and still registered.
        let rc = unsafe { ffi::sqlite3_vfs_unregister(entry.0.vfs.get()) };
        if rc != ffi::SQLITE_OK {
            return Err(super::error::from_code(rc).into());
        }
        entry.1 = false;
        Ok(())
    })
}

/// The name of SQLite3 Multiple Ciphers' cipher layer over the VFS `name`, in a build that has
/// it.
fn cipher_layer_name(name: &CStr) -> Option<CString> {
    ffi::codec::AVAILABLE.then(|| {
        let mut top = ffi::codec::VFS_PREFIX.as_bytes().to_vec();
        top.extend_from_slice(name.to_bytes());
        CString::new(top).expect("neither part has a NUL byte")
    })
}

/// The registered VFS named `name`.
fn find(name: &CStr) -> Option<*mut ffi::sqlite3_vfs> {
    // SAFETY: a NUL-terminated name; SQLite is initialised (every caller is behind the door).
    let vfs = unsafe { ffi::sqlite3_vfs_find(name.as_ptr()) };
    (!vfs.is_null()).then_some(vfs)
}

/// The VFS a new wrapper wraps: `base`, or the default, and beneath a cipher layer when that
/// is what it names. SQLite3 Multiple Ciphers encrypts WAL frames only when its VFS is the
/// topmost one of the connection (it recognises its own file by its methods), so lite3 keeps
/// the cipher layer on top and wrappers beneath it, where they see what reaches the disk.
fn find_base(base: Option<&CStr>) -> Option<*mut ffi::sqlite3_vfs> {
    // SAFETY: a NUL-terminated name or null for the default; SQLite is initialised.
    let vfs = unsafe { ffi::sqlite3_vfs_find(base.map_or(ptr::null(), CStr::as_ptr)) };
    if vfs.is_null() || !ffi::codec::AVAILABLE {
        return (!vfs.is_null()).then_some(vfs);
    }
    // SAFETY: a registered VFS has a NUL-terminated name.
    let name = unsafe { CStr::from_ptr((*vfs).zName) };
    match name
        .to_bytes()
        .strip_prefix(ffi::codec::VFS_PREFIX.as_bytes())
    {
        Some(real) => find(&CString::new(real).expect("part of a C string")),
        None => Some(vfs),
    }
}

/// The VFS name a connection opens with when asked for `vfs`: a wrapper lite3 registered is
/// opened through the cipher layer above it (see [`find_base`]), any other name as it is.
pub(crate) fn open_name(vfs: &CStr) -> Option<CString> {
    let live = REGISTERED
        .lock()
        .iter()
        .any(|(registered, live)| *live && registered.name.as_c_str() == vfs);
    if live { cipher_layer_name(vfs) } else { None }
}

/// The VFS name an encrypted connection opens with when asked for `vfs`: always the cipher
/// layer over it, which SQLite3 Multiple Ciphers creates when a connection first names it
/// (keying through any other VFS fails with "Encryption is not supported by the VFS"). A name
/// that already is a cipher layer, a VFS SQLite does not know (whose error then names it as
/// the caller did) and every name in a build without the codec, as it is.
pub(crate) fn keyed_open_name(vfs: &CStr) -> CString {
    let already_layer = vfs
        .to_bytes()
        .starts_with(ffi::codec::VFS_PREFIX.as_bytes());
    let known = || super::door::global(|| Ok(find(vfs).is_some())).unwrap_or(false);
    match cipher_layer_name(vfs) {
        Some(layer) if !already_layer && known() => layer,
        _ => vfs.to_owned(),
    }
}

/// The registered VFS names, the default first.
pub(crate) fn names() -> Vec<String> {
    super::door::global(|| {
        let _list = REGISTERED.lock();
        let mut names = Vec::new();
        // SAFETY: null finds the default VFS; the list is walked under REGISTERED, the only
        // place lite3 changes it (another library changing it meanwhile is SQLite's own race).
        let mut vfs = unsafe { ffi::sqlite3_vfs_find(ptr::null()) };
        while !vfs.is_null() {
            // SAFETY: a registered VFS with a NUL-terminated name.
            unsafe {
                names.push(CStr::from_ptr((*vfs).zName).to_string_lossy().into_owned());
                vfs = (*vfs).pNext;
            }
        }
        Ok(names)
    })
    .unwrap_or_default()
}

fn refusal(code: c_int, message: String) -> Error {
    Error::Sqlite(SqliteError {
        code: ErrorCode::from_primary(code & 0xff),
        extended_code: code,
        message,
        offset: None,
    })
}
