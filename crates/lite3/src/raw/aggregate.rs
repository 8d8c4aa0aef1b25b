//! User-defined aggregate and window functions: registration and the trampolines SQLite calls
//! (step, final, value, inverse). The accumulator lives in a `Box<A>` whose pointer SQLite keeps
//! in the aggregate context it allocates per group; the final call takes it back, and SQLite
//! calls the final for every group whose step ran, also when the statement fails or is reset,
//! so no accumulator outlives its query.

use super::RawConnection;
use super::function::{Context, report, set_error};
use super::panic::catch;
use crate::functions::SqlFnOutput;
use crate::functions::{Aggregate, WindowAggregate};
use crate::{Result, ffi};
use std::ffi::{CStr, c_int, c_void};
use std::marker::PhantomData;

/// The registered implementation `D` with its accumulator and result types fixed.
struct Registered<A, T, D> {
    aggregate: D,
    _types: PhantomData<fn(A) -> T>,
}

/// Registers `aggregate` as the SQL aggregate `name` (and, with `window`, as a window function
/// too). SQLite owns the box from here on and frees it with `destroy`, also if this fails.
pub(crate) fn create<A, T, D>(
    conn: &RawConnection,
    name: &CStr,
    n_arg: c_int,
    flags: c_int,
    aggregate: D,
    window: Option<Window<A, T, D>>,
) -> Result<()>
where
    A: 'static,
    T: SqlFnOutput + 'static,
    D: Aggregate<A, T> + Send + 'static,
{
    type Fn3 = unsafe extern "C" fn(*mut ffi::sqlite3_context, c_int, *mut *mut ffi::sqlite3_value);
    type Fn1 = unsafe extern "C" fn(*mut ffi::sqlite3_context);
    let (value, inverse): (Option<Fn1>, Option<Fn3>) = match window {
        Some(window) => (Some(window.value), Some(window.inverse)),
        None => (None, None),
    };
    conn.call(|db| {
        let data = Box::into_raw(Box::new(Registered {
            aggregate,
            _types: PhantomData::<fn(A) -> T>,
        }));
        // SAFETY: the connection is open; `name` is NUL-terminated; `data` is a valid box that
        // SQLite passes back to the trampolines and frees with `destroy`, also when this call
        // fails (sqlite3_create_window_function's documented contract). Null value/inverse
        // make a plain aggregate.
        unsafe {
            ffi::sqlite3_create_window_function(
                db,
                name.as_ptr(),
                n_arg,
                flags | ffi::SQLITE_UTF8,
                data.cast(),
                Some(step::<A, T, D>),
                Some(finalize::<A, T, D>),
                value,
                inverse,
                Some(destroy::<A, T, D>),
            )
        }
    })
}

/// The two extra trampolines of a window function, made where `D: WindowAggregate` is known.
pub(crate) struct Window<A, T, D> {
    value: unsafe extern "C" fn(*mut ffi::sqlite3_context),
    inverse: unsafe extern "C" fn(*mut ffi::sqlite3_context, c_int, *mut *mut ffi::sqlite3_value),
    _types: PhantomData<fn(A, D) -> T>,
}

impl<A: 'static, T: SqlFnOutput + 'static, D: WindowAggregate<A, T> + Send + 'static>
    Window<A, T, D>
{
    pub(crate) fn new() -> Self {
        Window {
            value: value::<A, T, D>,
            inverse: inverse::<A, T, D>,
            _types: PhantomData,
        }
    }
}

/// The registered implementation of the call `ctx` belongs to.
///
/// # Safety
/// `ctx` is a live context of a function registered by [`create`] with these types.
unsafe fn registered<'a, A, T, D>(ctx: *mut ffi::sqlite3_context) -> &'a D {
    // SAFETY: guaranteed by the caller: the user data is the live Box<Registered<A, T, D>>.
    unsafe { &(*ffi::sqlite3_user_data(ctx).cast::<Registered<A, T, D>>()).aggregate }
}

/// The slot holding this group's accumulator pointer: allocated (zeroed, so null) on the first
/// step when `create` is set, else only looked up (null slot pointer: no step ran).
///
/// # Safety
/// `ctx` is a live context of an aggregate call.
unsafe fn slot(ctx: *mut ffi::sqlite3_context, create: bool) -> *mut *mut c_void {
    let size = if create {
        std::mem::size_of::<*mut c_void>() as c_int
    } else {
        0
    };
    // SAFETY: guaranteed by the caller.
    unsafe { ffi::sqlite3_aggregate_context(ctx, size).cast() }
}

unsafe extern "C" fn step<A, T, D>(
    ctx: *mut ffi::sqlite3_context,
    argc: c_int,
    argv: *mut *mut ffi::sqlite3_value,
) where
    D: Aggregate<A, T>,
    T: SqlFnOutput,
{
    // SAFETY: SQLite calls this for a function registered by `create`, with `argc` arguments
    // valid for the call.
    let (aggregate, mut context, slot) = unsafe {
        (
            registered::<A, T, D>(ctx),
            Context::new(ctx, argc, argv),
            slot(ctx, true),
        )
    };
    if slot.is_null() {
        // SAFETY: `ctx` is live; SQLite could not allocate the group's state.
        unsafe { ffi::sqlite3_result_error_nomem(ctx) };
        return;
    }
    let outcome = catch(|| -> Result<()> {
        // SAFETY: `slot` is this group's pointer-sized slot, null until `init` filled it with a
        // Box<A> that only `finalize` takes back.
        let acc = unsafe { &mut *slot.cast::<*mut A>() };
        if acc.is_null() {
            *acc = Box::into_raw(Box::new(aggregate.init(&mut context)?));
        }
        // SAFETY: `*acc` is the live Box<A> of this group, used by one call at a time.
        aggregate.step(&mut context, unsafe { &mut **acc })
    });
    if !matches!(outcome, Some(Ok(()))) {
        report::<crate::Null>(ctx, outcome.map(|r| r.map(|()| crate::Null)));
    }
}

unsafe extern "C" fn finalize<A, T, D>(ctx: *mut ffi::sqlite3_context)
where
    D: Aggregate<A, T>,
    T: SqlFnOutput,
{
    // SAFETY: as in `step`; the final has no arguments.
    let (aggregate, mut context, slot) = unsafe {
        (
            registered::<A, T, D>(ctx),
            Context::new(ctx, 0, std::ptr::null_mut()),
            slot(ctx, false),
        )
    };
    // Take the accumulator out of the slot first: whatever happens next, it is freed once.
    let acc = if slot.is_null() {
        None
    } else {
        // SAFETY: the slot holds null or the group's Box<A>; it is nulled as it is taken.
        let raw = unsafe { std::mem::replace(&mut *slot.cast::<*mut A>(), std::ptr::null_mut()) };
        // SAFETY: a non-null pointer is the Box<A> `step` made.
        (!raw.is_null()).then(|| *unsafe { Box::from_raw(raw) })
    };
    report(ctx, catch(|| aggregate.finalize(&mut context, acc)));
}

unsafe extern "C" fn value<A, T, D>(ctx: *mut ffi::sqlite3_context)
where
    D: WindowAggregate<A, T>,
    T: SqlFnOutput,
{
    // SAFETY: as in `finalize`.
    let (aggregate, slot) = unsafe { (registered::<A, T, D>(ctx), slot(ctx, false)) };
    let acc = if slot.is_null() {
        None
    } else {
        // SAFETY: the slot holds null or the group's live Box<A>, which stays in place.
        unsafe { (*slot.cast::<*mut A>()).as_mut() }
    };
    report(ctx, catch(|| aggregate.value(acc)));
}

unsafe extern "C" fn inverse<A, T, D>(
    ctx: *mut ffi::sqlite3_context,
    argc: c_int,
    argv: *mut *mut ffi::sqlite3_value,
) where
    D: WindowAggregate<A, T>,
    T: SqlFnOutput,
{
    // SAFETY: as in `step`.
    let (aggregate, mut context, slot) = unsafe {
        (
            registered::<A, T, D>(ctx),
            Context::new(ctx, argc, argv),
            slot(ctx, false),
        )
    };
    // SAFETY: the slot holds null or the group's live Box<A> (SQLite only removes rows it added).
    let Some(acc) = (unsafe { slot.as_mut().and_then(|p| p.cast::<A>().as_mut()) }) else {
        set_error(ctx, "a window function's inverse ran before any step");
        return;
    };
    let outcome = catch(|| aggregate.inverse(&mut context, acc));
    if !matches!(outcome, Some(Ok(()))) {
        report::<crate::Null>(ctx, outcome.map(|r| r.map(|()| crate::Null)));
    }
}

unsafe extern "C" fn destroy<A, T, D>(data: *mut c_void) {
    // SAFETY: `data` is the Box<Registered<A, T, D>> leaked in `create`; SQLite calls this once.
    super::panic::drop_quietly(unsafe { Box::from_raw(data.cast::<Registered<A, T, D>>()) });
}
