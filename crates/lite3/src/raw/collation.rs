//! User collations: registration and the comparison trampoline SQLite calls.

use super::RawConnection;
use super::panic::{catch, drop_quietly};
use crate::{Result, ffi};
use std::borrow::Cow;
use std::cmp::Ordering;
use std::ffi::{CStr, c_char, c_int, c_void};

/// The comparison with its connection, which a panicking comparison interrupts.
struct Collation<C> {
    db: *mut ffi::sqlite3,
    compare: C,
}

/// Registers `compare` as the collation `name`. SQLite frees it (with `destroy`) when it is
/// replaced or removed or the connection closes; if registering fails SQLite does not, and it
/// is freed here.
pub(crate) fn create<C>(conn: &RawConnection, name: &CStr, compare: C) -> Result<()>
where
    C: Fn(&str, &str) -> Ordering + Send + 'static,
{
    conn.call(|db| {
        let data = Box::into_raw(Box::new(Collation { db, compare }));
        // SAFETY: the connection is open; `name` is NUL-terminated; `data` is a valid box that
        // SQLite passes to `compare_texts` and frees with `destroy` once it has taken it.
        let rc = unsafe {
            ffi::sqlite3_create_collation_v2(
                db,
                name.as_ptr(),
                ffi::SQLITE_UTF8,
                data.cast(),
                Some(compare_texts::<C>),
                Some(destroy::<C>),
            )
        };
        if rc != ffi::SQLITE_OK {
            // SAFETY: SQLite did not take the box (xDestroy is not called on failure).
            drop_quietly(unsafe { Box::from_raw(data) });
        }
        rc
    })
}

/// Removes the collation `name`; SQLite then frees its closure.
pub(crate) fn remove(conn: &RawConnection, name: &CStr) -> Result<()> {
    // SAFETY: the connection is open; a null comparison deletes the collation.
    conn.call(|db| unsafe {
        ffi::sqlite3_create_collation_v2(
            db,
            name.as_ptr(),
            ffi::SQLITE_UTF8,
            std::ptr::null_mut(),
            None,
            None,
        )
    })
}

/// Text SQLite hands a collation: UTF-8 in a UTF-8 database, else replaced where invalid.
///
/// # Safety
/// `text` is valid for `len` bytes during the call.
unsafe fn text<'a>(text: *const c_void, len: c_int) -> Cow<'a, str> {
    let bytes = match usize::try_from(len) {
        // SAFETY: guaranteed by the caller.
        Ok(len) if len > 0 && !text.is_null() => unsafe {
            std::slice::from_raw_parts(text.cast::<u8>(), len)
        },
        _ => &[],
    };
    String::from_utf8_lossy(bytes)
}

unsafe extern "C" fn compare_texts<C: Fn(&str, &str) -> Ordering>(
    data: *mut c_void,
    left_len: c_int,
    left: *const c_void,
    right_len: c_int,
    right: *const c_void,
) -> c_int {
    // SAFETY: `data` is the live Box<Collation<C>> registered in `create`; the texts are valid
    // for their lengths during this call.
    let (collation, left, right) = unsafe {
        (
            &*data.cast::<Collation<C>>(),
            text(left, left_len),
            text(right, right_len),
        )
    };
    match catch(|| (collation.compare)(&left, &right)) {
        Some(order) => order as c_int,
        None => {
            // A comparison cannot fail, so the statement is stopped instead: it fails with
            // SQLITE_INTERRUPT and the parked panic resumes in its caller.
            // SAFETY: `db` is the open connection running this comparison.
            unsafe { ffi::sqlite3_interrupt(collation.db) };
            0
        }
    }
}

unsafe extern "C" fn destroy<C>(data: *mut c_void) {
    // SAFETY: `data` is the Box<Collation<C>> registered in `create`; SQLite calls this once.
    drop_quietly(unsafe { Box::from_raw(data.cast::<Collation<C>>()) });
}

/// The names of collations SQLite looked for and did not find, recorded by the
/// collation-needed callback. The connection creates them after the prepare that needed them
/// has failed, outside any SQLite call, and prepares again (see `crate::collations`).
#[derive(Default)]
pub(crate) struct Wanted(std::cell::RefCell<Vec<String>>);

impl Wanted {
    /// The names recorded since the last call, each once.
    pub(crate) fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.borrow_mut())
    }
}

/// `sqlite3_collation_needed` recording into `wanted`, or (None) no callback.
pub(crate) fn set_collation_needed(conn: &RawConnection, wanted: Option<&Wanted>) -> Result<()> {
    type Needed = unsafe extern "C" fn(*mut c_void, *mut ffi::sqlite3, c_int, *const c_char);
    let (callback, data) = match wanted {
        Some(wanted) => (
            Some(record_wanted as Needed),
            std::ptr::from_ref(wanted).cast_mut().cast(),
        ),
        None => (None, std::ptr::null_mut()),
    };
    // SAFETY: the connection is open; `data` is null or the connection's boxed `Wanted`, which
    // it keeps until SQLite has been given another pointer or the connection is closed.
    conn.call(|db| unsafe { ffi::sqlite3_collation_needed(db, data, callback) })
}

unsafe extern "C" fn record_wanted(
    data: *mut c_void,
    _db: *mut ffi::sqlite3,
    _encoding: c_int,
    name: *const c_char,
) {
    // SAFETY: `data` is the live `Wanted` registered in `set_collation_needed`, used by this
    // thread only; `name` is a NUL-terminated string valid for the call.
    let (wanted, name) = unsafe { (&*data.cast::<Wanted>(), super::optional_str(name)) };
    // No user code runs here (a push can only fail to allocate): nothing can re-enter.
    let _ = catch(|| {
        let mut names = wanted.0.borrow_mut();
        if let Some(name) = name.filter(|name| !names.iter().any(|n| n == name)) {
            names.push(name.to_owned());
        }
    });
}
