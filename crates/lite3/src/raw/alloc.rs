//! SQLite's allocator, routed through counting hooks (`SQLITE_CONFIG_MALLOC`), installed once
//! before SQLite initialises. The figures are what Rust's own allocator statistics cannot see.

use crate::ffi;
use std::alloc::{self, Layout};
use std::ffi::{c_int, c_void};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};

/// Every block carries its size in front, as SQLite's own allocator does (xSize needs it).
/// 16 bytes keep the user pointer 16-byte aligned, more than the 8 SQLite requires.
const HEADER: usize = 16;
const ALIGN: usize = 16;

pub(crate) static IN_USE: AtomicU64 = AtomicU64::new(0);
pub(crate) static HIGH_WATER: AtomicU64 = AtomicU64::new(0);
pub(crate) static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
pub(crate) static FREES: AtomicU64 = AtomicU64::new(0);
pub(crate) static REALLOCS: AtomicU64 = AtomicU64::new(0);
pub(crate) static FAILED: AtomicU64 = AtomicU64::new(0);

static INSTALL: Once = Once::new();
static INSTALLED: AtomicBool = AtomicBool::new(false);
static OPTED_OUT: AtomicBool = AtomicBool::new(false);

/// Installs the counting hooks unless SQLite was initialised first (a shared system library
/// someone else already used) or counting was switched off. Returns whether they are in place.
pub(crate) fn ensure_installed() -> bool {
    INSTALL.call_once(|| {
        if OPTED_OUT.load(Relaxed) {
            return;
        }
        let _config = super::setup::LOCK.lock();
        let methods = ffi::sqlite3_mem_methods {
            xMalloc: Some(x_malloc),
            xFree: Some(x_free),
            xRealloc: Some(x_realloc),
            xSize: Some(x_size),
            xRoundup: Some(x_roundup),
            xInit: Some(x_init),
            xShutdown: Some(x_shutdown),
            pAppData: std::ptr::null_mut(),
        };
        // SAFETY: `methods` points to a valid struct that SQLite copies; every hook upholds
        // SQLite's allocator contract below. sqlite3_config is not thread-safe, and the setup
        // lock serialises this call; it fails (harmlessly) if SQLite is already initialised.
        let rc = unsafe {
            ffi::sqlite3_config(
                ffi::SQLITE_CONFIG_MALLOC,
                &methods as *const ffi::sqlite3_mem_methods,
            )
        };
        INSTALLED.store(rc == ffi::SQLITE_OK, Relaxed);
    });
    INSTALLED.load(Relaxed)
}

/// Keeps the hooks out, if SQLite's allocator has not been set up yet. Returns whether counting
/// is now off for good.
pub(crate) fn opt_out() -> bool {
    OPTED_OUT.store(true, Relaxed);
    INSTALL.call_once(|| {});
    !INSTALLED.load(Relaxed)
}

fn layout(size: usize) -> Option<Layout> {
    Layout::from_size_align(size.checked_add(HEADER)?, ALIGN).ok()
}

#[inline]
fn counted_alloc(size: u64) {
    ALLOCATIONS.fetch_add(1, Relaxed);
    grow(size);
}

#[inline]
fn grow(size: u64) {
    let now = IN_USE.fetch_add(size, Relaxed) + size;
    if now > HIGH_WATER.load(Relaxed) {
        HIGH_WATER.fetch_max(now, Relaxed);
    }
}

unsafe extern "C" fn x_malloc(n: c_int) -> *mut c_void {
    let Some(layout) = usize::try_from(n).ok().and_then(layout) else {
        return std::ptr::null_mut();
    };
    if super::fault::should_fail() {
        FAILED.fetch_add(1, Relaxed);
        return std::ptr::null_mut();
    }
    // SAFETY: `layout` has a non-zero size (HEADER > 0).
    let base = unsafe { alloc::alloc(layout) };
    if base.is_null() {
        FAILED.fetch_add(1, Relaxed);
        return base.cast();
    }
    // SAFETY: `base` is valid for HEADER + n bytes and 16-byte aligned.
    unsafe { base.cast::<usize>().write(n as usize) };
    counted_alloc(n as u64);
    // SAFETY: HEADER bytes into the same allocation.
    unsafe { base.add(HEADER).cast() }
}

/// The block's base and the size stored there.
///
/// # Safety
/// `p` was returned by `x_malloc` or `x_realloc` and not freed.
unsafe fn block(p: *mut c_void) -> (*mut u8, usize) {
    // SAFETY: guaranteed by the caller: the header sits HEADER bytes before `p`.
    unsafe {
        let base = p.cast::<u8>().sub(HEADER);
        (base, base.cast::<usize>().read())
    }
}

unsafe extern "C" fn x_free(p: *mut c_void) {
    if p.is_null() {
        return;
    }
    // SAFETY: SQLite frees only blocks this allocator handed out, once each.
    let (base, size) = unsafe { block(p) };
    // SAFETY: `base` was allocated with exactly this layout (same size, same alignment).
    unsafe {
        alloc::dealloc(
            base,
            Layout::from_size_align_unchecked(size + HEADER, ALIGN),
        )
    };
    FREES.fetch_add(1, Relaxed);
    IN_USE.fetch_sub(size as u64, Relaxed);
}

unsafe extern "C" fn x_realloc(p: *mut c_void, n: c_int) -> *mut c_void {
    // SQLite never reallocates a null pointer or to size 0 through this hook.
    let Some(new_layout) = usize::try_from(n).ok().and_then(layout) else {
        return std::ptr::null_mut();
    };
    if super::fault::should_fail() {
        FAILED.fetch_add(1, Relaxed);
        return std::ptr::null_mut();
    }
    // SAFETY: `p` is a live block of this allocator.
    let (base, old) = unsafe { block(p) };
    // SAFETY: `base` was allocated with the old layout; the new size is non-zero and, with the
    // header, does not overflow (checked by `layout`).
    let grown = unsafe {
        alloc::realloc(
            base,
            Layout::from_size_align_unchecked(old + HEADER, ALIGN),
            new_layout.size(),
        )
    };
    if grown.is_null() {
        FAILED.fetch_add(1, Relaxed);
        return grown.cast();
    }
    // SAFETY: `grown` is valid for the new layout; write the new size into its header.
    unsafe { grown.cast::<usize>().write(n as usize) };
    REALLOCS.fetch_add(1, Relaxed);
    let n = n as u64;
    if n >= old as u64 {
        grow(n - old as u64);
    } else {
        IN_USE.fetch_sub(old as u64 - n, Relaxed);
    }
    // SAFETY: HEADER bytes into the same allocation.
    unsafe { grown.add(HEADER).cast() }
}

unsafe extern "C" fn x_size(p: *mut c_void) -> c_int {
    if p.is_null() {
        return 0;
    }
    // SAFETY: SQLite asks only about live blocks of this allocator.
    unsafe { block(p) }.1 as c_int
}

unsafe extern "C" fn x_roundup(n: c_int) -> c_int {
    n.saturating_add(7) & !7
}

unsafe extern "C" fn x_init(_: *mut c_void) -> c_int {
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_shutdown(_: *mut c_void) {}
