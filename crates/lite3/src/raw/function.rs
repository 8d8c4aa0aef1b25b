//! User-defined SQL functions: registration, the trampoline SQLite calls, and the arguments
//! ([`Context`]) a function sees.

use super::RawConnection;
use super::panic::catch;
use super::values::Values;
use crate::functions::SqlFnOutput;
use crate::types::{FromSqlRef, ToSqlOutput, ValueRef};
use crate::{Error, Result, ffi};
use std::ffi::{CStr, c_int, c_void};

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
    ctx: *mut ffi::sqlite3_context,
    args: Values<'a>,
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
        self.args.get_ref(i)
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
        self.args.get(i)
    }
}

impl<'a> Context<'a> {
    /// The context of one call: `ctx` and its `argc` arguments at `argv`.
    ///
    /// # Safety
    /// `ctx` is live and `argv` holds `argc` values valid for `'a`, the length of the call.
    pub(crate) unsafe fn new(
        ctx: *mut ffi::sqlite3_context,
        argc: c_int,
        argv: *mut *mut ffi::sqlite3_value,
    ) -> Self {
        Context {
            ctx,
            // SAFETY: guaranteed by the caller.
            args: unsafe { Values::new(argc, argv) },
        }
    }

    /// Argument `i` as SQLite holds it, panicking if there is no such argument or SQLite is
    /// out of memory (rusqlite's `get_raw`; [`get_ref`](Self::get_ref) returns the error).
    ///
    /// ```
    /// use lite3::ValueRef;
    /// let conn = lite3::Connection::open_in_memory()?;
    /// conn.create_scalar_function("is_blob", 1, Default::default(), |ctx| {
    ///     Ok(matches!(ctx.get_raw(0), ValueRef::Blob(_)))
    /// })?;
    /// assert!(conn.query_row("SELECT is_blob(x'00')", (), |r| r.get::<_, bool>(0))?);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Panics
    /// When `i` is out of range, or a TEXT or BLOB cannot be read for lack of memory.
    #[track_caller]
    #[must_use]
    pub fn get_raw(&self, i: usize) -> ValueRef<'_> {
        self.get_ref(i)
            .unwrap_or_else(|e| panic!("Context::get_raw: {e}"))
    }
}

/// What SQLite keeps as auxiliary data: a shared value of any type.
type Aux = std::sync::Arc<dyn std::any::Any + Send + Sync>;

impl Context<'_> {
    /// The subtype of argument `i` (0 when it has none or there is no such argument); needs
    /// [`FunctionFlags::SUBTYPE`](crate::FunctionFlags::SUBTYPE).
    #[must_use]
    pub fn get_subtype(&self, i: usize) -> std::ffi::c_uint {
        self.args.get_subtype(i)
    }

    /// Sets the auxiliary data of argument `arg` (typically a compiled form of a constant
    /// argument, such as a regex) and returns it shared. SQLite keeps it while the argument
    /// stays the same and drops it when it may not.
    ///
    /// # Errors
    /// [`Error::InvalidColumn`] when there is no such argument.
    pub fn set_aux<T: Send + Sync + 'static>(
        &self,
        arg: c_int,
        value: T,
    ) -> Result<std::sync::Arc<T>> {
        let index = usize::try_from(arg).ok().filter(|&i| i < self.args.len());
        if index.is_none() {
            return Err(Error::InvalidColumn(format!("argument {arg}")));
        }
        let shared = std::sync::Arc::new(value);
        let boxed: Box<Aux> = Box::new(shared.clone());
        // SAFETY: `ctx` is live; SQLite owns the box from here and frees it with `free_aux`
        // (at once, if it cannot keep it).
        unsafe {
            ffi::sqlite3_set_auxdata(self.ctx, arg, Box::into_raw(boxed).cast(), Some(free_aux));
        }
        Ok(shared)
    }

    /// The auxiliary data of argument `arg`, if SQLite still has it.
    ///
    /// # Errors
    /// [`Error::GetAuxWrongType`] when it was set with another type.
    pub fn get_aux<T: Send + Sync + 'static>(
        &self,
        arg: c_int,
    ) -> Result<Option<std::sync::Arc<T>>> {
        // SAFETY: `ctx` is live; the pointer is null or a Box<Aux> set by `set_aux`.
        let aux = unsafe {
            ffi::sqlite3_get_auxdata(self.ctx, arg)
                .cast::<Aux>()
                .as_ref()
        };
        match aux {
            None => Ok(None),
            Some(aux) => aux
                .clone()
                .downcast::<T>()
                .map(Some)
                .map_err(|_| Error::GetAuxWrongType),
        }
    }

    /// The auxiliary data of argument `arg`, made by `make` from the argument when SQLite has
    /// none (rusqlite's `get_or_create_aux`).
    ///
    /// ```
    /// use lite3::{Connection, FunctionFlags};
    ///
    /// let conn = Connection::open_in_memory()?;
    /// // `starts(prefix, text)`: the prefix is lower-cased once per statement, not per row.
    /// conn.create_scalar_function("starts", 2, FunctionFlags::DETERMINISTIC, |ctx| {
    ///     let prefix = ctx.get_or_create_aux(0, |v| -> Result<String, lite3::Error> {
    ///         Ok(v.as_str()?.to_lowercase())
    ///     })?;
    ///     Ok(ctx.get::<&str>(1)?.to_lowercase().starts_with(prefix.as_str()))
    /// })?;
    /// let n: i64 = conn.query_row(
    ///     "SELECT count(*) FROM (VALUES ('Apple'), ('apricot'), ('banana')) WHERE starts('AP', column1)",
    ///     (), |r| r.get(0))?;
    /// assert_eq!(n, 2);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::GetAuxWrongType`]; `make`'s error, as [`Error::UserFunction`].
    pub fn get_or_create_aux<T, E, F>(&self, arg: c_int, make: F) -> Result<std::sync::Arc<T>>
    where
        T: Send + Sync + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
        F: FnOnce(ValueRef<'_>) -> std::result::Result<T, E>,
    {
        if let Some(existing) = self.get_aux::<T>(arg)? {
            return Ok(existing);
        }
        let index = usize::try_from(arg).unwrap_or(usize::MAX);
        let value = make(self.get_ref(index)?).map_err(|e| Error::UserFunction(e.into()))?;
        self.set_aux(arg, value)
    }
}

unsafe extern "C" fn free_aux(data: *mut c_void) {
    // SAFETY: `data` is the Box<Aux> leaked in `set_aux`; SQLite frees it exactly once.
    super::panic::drop_quietly(unsafe { Box::from_raw(data.cast::<Aux>()) });
}

/// Reports `outcome`, a user callback's result for the SQLite call `ctx` belongs to: the value
/// becomes the call's result; an error is parked for the caller (SQLite sees its message); a
/// panic (None) was parked by `catch` already.
pub(crate) fn report<T: SqlFnOutput>(ctx: *mut ffi::sqlite3_context, outcome: Option<Result<T>>) {
    let failure = match outcome {
        Some(Ok(value)) => match SqlFnOutput::to_sql(&value) {
            Ok((out, subtype)) => {
                set_output(ctx, &out);
                if let Some(subtype) = subtype {
                    // SAFETY: `ctx` is the live context of the current call.
                    unsafe { ffi::sqlite3_result_subtype(ctx, subtype) };
                }
                return;
            }
            Err(error) => error,
        },
        Some(Err(error)) => error,
        None => {
            set_error(
                ctx,
                "a user function panicked; the panic resumes in the caller",
            );
            return;
        }
    };
    set_error(ctx, &failure.to_string());
    // SAFETY: `ctx` is live; its connection is the one running this call.
    let db = unsafe { ffi::sqlite3_context_db_handle(ctx) };
    super::panic::park_error(db, failure);
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
    F: Fn(&mut Context<'_>) -> Result<T> + Send + 'static,
    T: SqlFnOutput,
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
    F: Fn(&mut Context<'_>) -> Result<T> + Send + 'static,
    T: SqlFnOutput,
{
    // SAFETY: SQLite passes the user data registered in `create_scalar`, a live Box<F>, and
    // `argc` arguments valid for this call.
    let (f, mut context) = unsafe {
        (
            &*ffi::sqlite3_user_data(ctx).cast::<F>(),
            Context::new(ctx, argc, argv),
        )
    };
    report(ctx, catch(|| f(&mut context)));
}

/// Makes `out` the result of the call `ctx` belongs to.
pub(crate) fn set_output(ctx: *mut ffi::sqlite3_context, out: &ToSqlOutput<'_>) {
    match out {
        ToSqlOutput::Borrowed(value) => set_result(ctx, *value),
        ToSqlOutput::Owned(value) => set_result(ctx, value.as_ref()),
        // SAFETY: `ctx` is the live context of the current call; SQLite reports a length over
        // its limit as SQLITE_TOOBIG itself.
        ToSqlOutput::ZeroBlob(len) => unsafe {
            ffi::sqlite3_result_zeroblob64(ctx, *len);
        },
        // SAFETY: `ctx` is the live context of the current call.
        ToSqlOutput::Pointer(pointer) => unsafe {
            super::pointer::result(ctx, &pointer.value, pointer.kind)
        },
    }
}

pub(crate) fn set_result(ctx: *mut ffi::sqlite3_context, value: ValueRef<'_>) {
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

pub(crate) fn set_error(ctx: *mut ffi::sqlite3_context, message: &str) {
    let len = c_int::try_from(message.len()).unwrap_or(c_int::MAX);
    // SAFETY: `ctx` is live; SQLite copies `len` bytes of the message.
    unsafe { ffi::sqlite3_result_error(ctx, message.as_ptr().cast(), len) };
}

unsafe extern "C" fn destroy<F>(data: *mut c_void) {
    // SAFETY: `data` is the Box<F> leaked in `create_scalar`; SQLite calls this exactly once.
    super::panic::drop_quietly(unsafe { Box::from_raw(data.cast::<F>()) });
}
