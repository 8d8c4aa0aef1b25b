//! SQLite's pointer passing (<https://sqlite.org/bindptr.html>): a Rust value handed through SQL
//! to a virtual table or function that knows its type. What SQLite carries is always a
//! `Box<Rc<dyn Any>>` made here, so the reader checks the Rust type as well as SQLite's type
//! name, and SQLite frees the box with [`free`] when the binding or result goes away.

use crate::ffi;
use std::any::Any;
use std::ffi::{CStr, c_int, c_void};
use std::rc::Rc;

/// What SQLite carries for one pointer value.
type Carried = Rc<dyn Any>;

/// The box SQLite is given for `value`, and the destructor that frees it.
fn carry(value: &Carried) -> (*mut c_void, unsafe extern "C" fn(*mut c_void)) {
    (Box::into_raw(Box::new(Rc::clone(value))).cast(), free)
}

unsafe extern "C" fn free(data: *mut c_void) {
    // SAFETY: `data` is a box made by `carry`; SQLite calls its destructor exactly once.
    super::panic::drop_quietly(unsafe { Box::from_raw(data.cast::<Carried>()) });
}

/// Binds `value` to parameter `index` of `stmt` as a pointer of type `kind`.
///
/// # Safety
/// `stmt` is a live statement; `index` is checked by SQLite.
pub(crate) unsafe fn bind(
    stmt: *mut ffi::sqlite3_stmt,
    index: c_int,
    value: &Carried,
    kind: &'static CStr,
) -> c_int {
    let (data, destructor) = carry(value);
    // SAFETY: guaranteed by the caller; `kind` is static, as SQLite requires; SQLite frees
    // `data` with `destructor`, also when the bind fails.
    unsafe { ffi::sqlite3_bind_pointer(stmt, index, data, kind.as_ptr(), Some(destructor)) }
}

/// Makes `value` the result of the call `ctx` belongs to, as a pointer of type `kind`.
///
/// # Safety
/// `ctx` is the live context of the current call.
pub(crate) unsafe fn result(ctx: *mut ffi::sqlite3_context, value: &Carried, kind: &'static CStr) {
    let (data, destructor) = carry(value);
    // SAFETY: guaranteed by the caller; SQLite frees `data` with `destructor`.
    unsafe { ffi::sqlite3_result_pointer(ctx, data, kind.as_ptr(), Some(destructor)) }
}

/// The value a pointer of type `kind` carries in `value`, if it is one.
///
/// # Safety
/// `value` is valid for `'a`. Pointers of type `kind` are only ever made by this module (a C
/// extension using the same type name would break this; lite3's names are its own).
pub(crate) unsafe fn read<'a>(value: *mut ffi::sqlite3_value, kind: &CStr) -> Option<&'a Carried> {
    // SAFETY: guaranteed by the caller: SQLite returns null unless the value is a pointer bound
    // under exactly this type name, which only `bind`/`result` do, with a live `Carried` box
    // that lives as long as the value.
    unsafe {
        ffi::sqlite3_value_pointer(value, kind.as_ptr())
            .cast::<Carried>()
            .as_ref()
    }
}
