//! User-defined SQL functions: registration, the trampoline SQLite calls, and the arguments
//! ([`Context`]) a function sees.

use super::RawConnection;
use super::panic::catch;
use crate::types::{FromSqlRef, ToSql, ValueRef};
use crate::{Error, Result, ffi};
use std::ffi::{CStr, c_int, c_void};
use std::marker::PhantomData;

/// The arguments of one call of a user function.
///
/// ```
/// use lite3::{Connection, FunctionFlags};
///
/// let conn = Connection::open_in_memory()?;
/// conn.create_scalar_function("plus", 2, FunctionFlags::DETERMINISTIC, |ctx| {
///     assert_eq!(ctx.len(), 2);
///     Ok(ctx.get::<i64>(0)? + ctx.get::<i64>(1)?)
/// })?;
/// assert_eq!(conn.query_row("SELECT plus(40, 2)", (), |row| row.get::<_, i64>(0))?, 42);
/// # Ok::<(), lite3::Error>(())
/// ```
pub struct Context<'a> {
    args: &'a [*mut ffi::sqlite3_value],
    _not_send: PhantomData<*mut ()>,
}

impl Context<'_> {
    /// Number of arguments.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// conn.create_scalar_function("nargs", -1, Default::default(), |ctx| Ok(ctx.len() as i64))?;
    /// assert_eq!(conn.query_row("SELECT nargs(1, 2)", (), |r| r.get::<_, i64>(0))?, 2);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        self.args.len()
    }

    /// Whether the function was called without arguments.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// conn.create_scalar_function("none", -1, Default::default(), |ctx| Ok(ctx.is_empty()))?;
    /// assert!(conn.query_row("SELECT none()", (), |r| r.get::<_, bool>(0))?);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.args.is_empty()
    }

    /// Argument `i` as SQLite holds it.
    ///
    /// ```
    /// use lite3::types::Type;
    /// let conn = lite3::Connection::open_in_memory()?;
    /// conn.create_scalar_function("kind", 1, Default::default(), |ctx| Ok(ctx.get_ref(0)?.data_type().to_string()))?;
    /// assert_eq!(conn.query_row("SELECT kind(1.5)", (), |r| r.get::<_, String>(0))?, Type::Real.to_string());
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidColumn`] when `i` is out of range; an out-of-memory [`Error::Sqlite`]
    /// when SQLite cannot allocate a TEXT or BLOB argument's buffer.
    pub fn get_ref(&self, i: usize) -> Result<ValueRef<'_>> {
        let what = || format!("argument {i}");
        let Some(&value) = self.args.get(i) else {
            return Err(Error::InvalidColumn(what()));
        };
        // SAFETY: `value` is an argument SQLite passed to this call (a protected value), valid
        // until the call returns; the borrow of `self` ends before that.
        unsafe { super::value_ref(value) }.map_err(|failure| failure.into_error(&what()))
    }

    /// Argument `i` converted to `T`.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// conn.create_scalar_function("len", 1, Default::default(), |ctx| Ok(ctx.get::<&[u8]>(0)?.len() as i64))?;
    /// assert_eq!(conn.query_row("SELECT len('four')", (), |r| r.get::<_, i64>(0))?, 4);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// When `i` is out of range or the value does not convert (see [`FromSqlRef`]).
    pub fn get<'s, T: FromSqlRef<'s>>(&'s self, i: usize) -> Result<T> {
        let value = self.get_ref(i)?;
        T::from_sql_ref(value)
            .map_err(|e| crate::types::conversion_error::<T>(e, value, i, format!("argument {i}")))
    }
}

impl std::fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context").field("len", &self.len()).finish()
    }
}

/// Registers `f` as the SQL function `name`. SQLite owns the boxed closure from here on and
/// frees it (through `destroy`) when the function is replaced or removed, or the connection
/// closes — never while a statement is still using it.
pub(crate) fn create_scalar<F, T>(
    conn: &RawConnection,
    name: &CStr,
    n_arg: c_int,
    flags: c_int,
    f: F,
) -> Result<()>
where
    F: Fn(&Context<'_>) -> Result<T> + Send + 'static,
    T: ToSql,
{
    // The closure is boxed only once the door lets the call in, so a refused call frees it.
    conn.call(|db| {
        let data = Box::into_raw(Box::new(f));
        // SAFETY: the connection is open; `name` is NUL-terminated; `data` is a valid Box<F>
        // that SQLite passes back to `call::<F, T>` and frees with `destroy::<F>`, also when
        // this call fails (documented by sqlite3_create_function_v2).
        unsafe {
            ffi::sqlite3_create_function_v2(
                db,
                name.as_ptr(),
                n_arg,
                flags | ffi::SQLITE_UTF8,
                data.cast(),
                Some(call::<F, T>),
                None,
                None,
                Some(destroy::<F>),
            )
        }
    })
}

/// Removes the function `name` with `n_arg` arguments; SQLite then frees its closure.
pub(crate) fn remove(conn: &RawConnection, name: &CStr, n_arg: c_int) -> Result<()> {
    // SAFETY: the connection is open; null callbacks delete the function.
    conn.call(|db| unsafe {
        ffi::sqlite3_create_function_v2(
            db,
            name.as_ptr(),
            n_arg,
            ffi::SQLITE_UTF8,
            std::ptr::null_mut(),
            None,
            None,
            None,
            None,
        )
    })
}

unsafe extern "C" fn call<F, T>(
    ctx: *mut ffi::sqlite3_context,
    argc: c_int,
    argv: *mut *mut ffi::sqlite3_value,
) where
    F: Fn(&Context<'_>) -> Result<T> + Send + 'static,
    T: ToSql,
{
    // SAFETY: SQLite passes the user data registered in `create_scalar`, a live Box<F>; the
    // arguments array has `argc` entries valid for this call.
    let (f, args) = unsafe {
        let args = if argc <= 0 || argv.is_null() {
            &[][..]
        } else {
            std::slice::from_raw_parts(argv, argc as usize)
        };
        (&*ffi::sqlite3_user_data(ctx).cast::<F>(), args)
    };
    let context = Context {
        args,
        _not_send: PhantomData,
    };
    let outcome = catch(|| {
        f(&context).and_then(|value| value.to_sql().map(|out| set_result(ctx, out.value_ref())))
    });
    match outcome {
        Some(Ok(())) => {}
        Some(Err(error)) => set_error(ctx, &error.to_string()),
        None => set_error(
            ctx,
            "a user function panicked; the panic resumes in the caller",
        ),
    }
}

fn set_result(ctx: *mut ffi::sqlite3_context, value: ValueRef<'_>) {
    // SAFETY: `ctx` is the live context of the current call; SQLITE_TRANSIENT makes SQLite copy
    // text and blobs before this returns, and it reports oversized ones as SQLITE_TOOBIG itself.
    unsafe {
        match value {
            ValueRef::Null => ffi::sqlite3_result_null(ctx),
            ValueRef::Integer(i) => ffi::sqlite3_result_int64(ctx, i),
            ValueRef::Real(r) => ffi::sqlite3_result_double(ctx, r),
            ValueRef::Text(t) => ffi::sqlite3_result_text64(
                ctx,
                t.as_ptr().cast(),
                t.len() as u64,
                ffi::SQLITE_TRANSIENT(),
                ffi::SQLITE_UTF8 as u8,
            ),
            ValueRef::Blob(b) => ffi::sqlite3_result_blob64(
                ctx,
                b.as_ptr().cast(),
                b.len() as u64,
                ffi::SQLITE_TRANSIENT(),
            ),
        }
    }
}

fn set_error(ctx: *mut ffi::sqlite3_context, message: &str) {
    let len = c_int::try_from(message.len()).unwrap_or(c_int::MAX);
    // SAFETY: `ctx` is live; SQLite copies `len` bytes of the message.
    unsafe { ffi::sqlite3_result_error(ctx, message.as_ptr().cast(), len) };
}

unsafe extern "C" fn destroy<F>(data: *mut c_void) {
    // SAFETY: `data` is the Box<F> leaked in `create_scalar`; SQLite calls this exactly once.
    super::panic::drop_quietly(unsafe { Box::from_raw(data.cast::<F>()) });
}
