//! User-defined SQL functions.

use crate::raw::{aggregate, function};
use crate::types::{ToSql, ToSqlOutput};
use crate::{Connection, Name, Result, ffi};
use std::ffi::{c_int, c_uint};

pub use crate::raw::function::Context;

/// The subtype a function gives its result (`None`: none), as rusqlite has it. Only the low
/// 8 bits are kept by SQLite, and the function must be registered with
/// [`FunctionFlags::RESULT_SUBTYPE`] (lite3's SQLite enforces that).
pub type SubType = Option<c_uint>;

/// What a user function (or an aggregate's `finalize`/`value`) may return: any [`ToSql`]
/// value, or a `(value, SubType)` pair to give the result a subtype.
///
/// ```
/// use lite3::functions::{FunctionFlags, SubType};
///
/// let conn = lite3::Connection::open_in_memory()?;
/// let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_RESULT_SUBTYPE;
/// conn.create_scalar_function("tagged", 1, flags, |ctx| {
///     let tag: SubType = Some(74);
///     Ok((ctx.get::<i64>(0)?, tag))
/// })?;
/// conn.create_scalar_function("tag_of", 1, FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_SUBTYPE, |ctx| {
///     Ok(ctx.get_subtype(0))
/// })?;
/// assert_eq!(conn.query_row("SELECT tag_of(tagged(5))", (), |r| r.get::<_, u32>(0))?, 74);
/// # Ok::<(), lite3::Error>(())
/// ```
pub trait SqlFnOutput {
    /// The value to return and its subtype.
    ///
    /// # Errors
    /// The value's conversion error, which becomes the statement's error.
    fn to_sql(&self) -> Result<(ToSqlOutput<'_>, SubType)>;
}

impl<T: ToSql> SqlFnOutput for T {
    #[inline]
    fn to_sql(&self) -> Result<(ToSqlOutput<'_>, SubType)> {
        ToSql::to_sql(self).map(|out| (out, None))
    }
}

impl<T: ToSql> SqlFnOutput for (T, SubType) {
    #[inline]
    fn to_sql(&self) -> Result<(ToSqlOutput<'_>, SubType)> {
        ToSql::to_sql(&self.0).map(|out| (out, self.1))
    }
}

bitflags::bitflags! {
    /// Properties of a user function, telling SQLite where it may be used and optimised. Both
    /// lite3's short names and rusqlite's `SQLITE_*` names are here; text is always UTF-8.
    ///
    /// ```
    /// use lite3::FunctionFlags;
    ///
    /// let pure = FunctionFlags::DETERMINISTIC | FunctionFlags::INNOCUOUS;
    /// assert!(pure.contains(FunctionFlags::SQLITE_DETERMINISTIC));
    /// assert_eq!(FunctionFlags::default(), FunctionFlags::SQLITE_UTF8);
    /// ```
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct FunctionFlags: i32 {
        /// Same inputs, same output: SQLite may factor calls out and use it in indexes.
        const DETERMINISTIC = ffi::SQLITE_DETERMINISTIC;
        /// No side effects and no information leaks: usable from schema code and triggers even
        /// with `trusted_schema` off.
        const INNOCUOUS = ffi::SQLITE_INNOCUOUS;
        /// Only callable from top-level SQL, never from views, triggers or schema.
        const DIRECT_ONLY = ffi::SQLITE_DIRECTONLY;
        /// The function may read its arguments' subtypes.
        const SUBTYPE = ffi::SQLITE_SUBTYPE;
        /// The function may set a subtype on its result (SQLite 3.45+; a literal, as older
        /// headers lack it, and older libraries ignore it).
        const RESULT_SUBTYPE = 0x0100_0000;
        /// rusqlite's name: text arguments and results are UTF-8 (always so in lite3).
        const SQLITE_UTF8 = ffi::SQLITE_UTF8;
        /// rusqlite's name for [`DETERMINISTIC`](Self::DETERMINISTIC).
        const SQLITE_DETERMINISTIC = ffi::SQLITE_DETERMINISTIC;
        /// rusqlite's name for [`DIRECT_ONLY`](Self::DIRECT_ONLY).
        const SQLITE_DIRECTONLY = ffi::SQLITE_DIRECTONLY;
        /// rusqlite's name for [`SUBTYPE`](Self::SUBTYPE).
        const SQLITE_SUBTYPE = ffi::SQLITE_SUBTYPE;
        /// rusqlite's name for [`INNOCUOUS`](Self::INNOCUOUS).
        const SQLITE_INNOCUOUS = ffi::SQLITE_INNOCUOUS;
        /// rusqlite's name for [`RESULT_SUBTYPE`](Self::RESULT_SUBTYPE).
        const SQLITE_RESULT_SUBTYPE = 0x0100_0000;
    }
}

/// `SQLITE_UTF8` alone, as in rusqlite: not deterministic unless asked.
impl Default for FunctionFlags {
    fn default() -> Self {
        FunctionFlags::SQLITE_UTF8
    }
}

/// A user-defined aggregate function (rusqlite's trait): `A` is the per-group accumulator, `T`
/// the result. The implementation itself is shared by every group and should hold no
/// per-group state.
///
/// ```
/// use lite3::{Connection, Context, FunctionFlags, Result, functions::Aggregate};
///
/// struct Product;
/// impl Aggregate<i64, Option<i64>> for Product {
///     fn init(&self, _: &mut Context<'_>) -> Result<i64> {
///         Ok(1)
///     }
///     fn step(&self, ctx: &mut Context<'_>, acc: &mut i64) -> Result<()> {
///         *acc *= ctx.get::<i64>(0)?;
///         Ok(())
///     }
///     fn finalize(&self, _: &mut Context<'_>, acc: Option<i64>) -> Result<Option<i64>> {
///         Ok(acc) // None: no rows
///     }
/// }
///
/// let conn = Connection::open_in_memory()?;
/// conn.create_aggregate_function("product", 1, FunctionFlags::DETERMINISTIC, Product)?;
/// let p: i64 = conn.query_row("SELECT product(column1) FROM (VALUES (1), (2), (3), (4), (5))", (), |r| r.get(0))?;
/// assert_eq!(p, 120);
/// let none: Option<i64> = conn.query_row("SELECT product(1) WHERE 0", (), |r| r.get(0))?;
/// assert_eq!(none, None);
/// # Ok::<(), lite3::Error>(())
/// ```
pub trait Aggregate<A, T> {
    /// A new accumulator, before a group's first row (not called for an empty group).
    ///
    /// # Errors
    /// Any: it becomes the statement's error.
    fn init(&self, ctx: &mut Context<'_>) -> Result<A>;

    /// Adds one row (its arguments are in `ctx`).
    ///
    /// # Errors
    /// Any: it becomes the statement's error.
    fn step(&self, ctx: &mut Context<'_>, acc: &mut A) -> Result<()>;

    /// The group's result; `acc` is `None` when the group had no rows. Called once per group,
    /// also when the statement fails or is reset part-way (its result is then discarded), so
    /// the accumulator is always freed.
    ///
    /// # Errors
    /// Any: it becomes the statement's error.
    fn finalize(&self, ctx: &mut Context<'_>, acc: Option<A>) -> Result<T>;
}

/// An aggregate usable as a window function (rusqlite's trait): rows also leave the window.
///
/// ```
/// use lite3::{Connection, Context, FunctionFlags, Result};
/// use lite3::functions::{Aggregate, WindowAggregate};
///
/// struct Sum;
/// impl Aggregate<i64, i64> for Sum {
///     fn init(&self, _: &mut Context<'_>) -> Result<i64> { Ok(0) }
///     fn step(&self, ctx: &mut Context<'_>, acc: &mut i64) -> Result<()> {
///         *acc += ctx.get::<i64>(0)?;
///         Ok(())
///     }
///     fn finalize(&self, _: &mut Context<'_>, acc: Option<i64>) -> Result<i64> {
///         Ok(acc.unwrap_or(0))
///     }
/// }
/// impl WindowAggregate<i64, i64> for Sum {
///     fn value(&self, acc: Option<&mut i64>) -> Result<i64> { Ok(acc.map_or(0, |a| *a)) }
///     fn inverse(&self, ctx: &mut Context<'_>, acc: &mut i64) -> Result<()> {
///         *acc -= ctx.get::<i64>(0)?;
///         Ok(())
///     }
/// }
///
/// let conn = Connection::open_in_memory()?;
/// conn.create_window_function("sum2", 1, FunctionFlags::DETERMINISTIC, Sum)?;
/// let sums: Vec<i64> = conn
///     .prepare("SELECT sum2(column1) OVER (ROWS 1 PRECEDING) FROM (VALUES (1), (2), (3), (4))")?
///     .query_map((), |r| r.get(0))?
///     .collect::<Result<_>>()?;
/// assert_eq!(sums, [1, 3, 5, 7]);
/// # Ok::<(), lite3::Error>(())
/// ```
pub trait WindowAggregate<A, T>: Aggregate<A, T> {
    /// The current result, without ending the group (`None`: no rows yet).
    ///
    /// # Errors
    /// Any: it becomes the statement's error.
    fn value(&self, acc: Option<&mut A>) -> Result<T>;

    /// Removes a row (its arguments are in `ctx`) that has left the window.
    ///
    /// # Errors
    /// Any: it becomes the statement's error.
    fn inverse(&self, ctx: &mut Context<'_>, acc: &mut A) -> Result<()>;
}

impl Connection {
    /// Registers (or replaces) the scalar SQL function `name` taking `n_arg` arguments (-1 for
    /// any number).
    ///
    /// The closure must be `Send + 'static` because SQLite keeps it for as long as the function
    /// is registered and calls it on whichever thread uses the connection. An `Err` it returns
    /// becomes the statement's error; a panic stops the statement and then resumes in the
    /// caller, after SQLite has unwound. The replaced closure is freed only once SQLite has let
    /// go of it.
    ///
    /// ```
    /// use lite3::{Connection, FunctionFlags};
    ///
    /// let conn = Connection::open_in_memory()?;
    /// conn.create_scalar_function("shout", 1, FunctionFlags::DETERMINISTIC, |ctx| {
    ///     Ok(ctx.get::<&str>(0)?.to_uppercase())
    /// })?;
    /// let s: String = conn.query_row("SELECT shout('hi')", (), |row| row.get(0))?;
    /// assert_eq!(s, "HI");
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// A closure that is not `Send` is refused at compile time:
    ///
    /// ```compile_fail,E0277
    /// let conn = lite3::Connection::open_in_memory().unwrap();
    /// let counter = std::rc::Rc::new(std::cell::Cell::new(0));
    /// conn.create_scalar_function("count", 0, Default::default(), move |_| {
    ///     counter.set(counter.get() + 1);
    ///     Ok(counter.get())
    /// });
    /// ```
    ///
    /// # Errors
    /// [`Error::Nul`](crate::Error::Nul) in the name; SQLite's error (e.g. `Busy` while a statement uses the
    /// function being replaced, or a bad name or argument count).
    pub fn create_scalar_function<F, N: Name, T>(
        &self,
        name: N,
        n_arg: i32,
        flags: FunctionFlags,
        f: F,
    ) -> Result<()>
    where
        F: Fn(&mut Context<'_>) -> Result<T> + Send + 'static,
        T: SqlFnOutput,
    {
        let name = name.as_cstr()?;
        self.callbacks.mark_changed();
        function::create_scalar(self.raw(), &name, n_arg as c_int, flags.bits(), f)
    }

    /// Registers (or replaces) the aggregate SQL function `name` taking `n_arg` arguments,
    /// implemented by `aggregate` (see [`Aggregate`]). The callback rules are those of
    /// [`create_scalar_function`](Self::create_scalar_function): an `Err` from `init`, `step`
    /// or `finalize` reaches the caller as that very error, a panic resumes in the caller, and
    /// every group's accumulator is freed exactly once.
    ///
    /// # Errors
    /// As [`create_scalar_function`](Self::create_scalar_function).
    pub fn create_aggregate_function<A, D, N: Name, T>(
        &self,
        name: N,
        n_arg: i32,
        flags: FunctionFlags,
        aggregate: D,
    ) -> Result<()>
    where
        A: 'static,
        D: Aggregate<A, T> + Send + 'static,
        T: SqlFnOutput + 'static,
    {
        let name = name.as_cstr()?;
        self.callbacks.mark_changed();
        aggregate::create::<A, T, D>(
            self.raw(),
            &name,
            n_arg as c_int,
            flags.bits(),
            aggregate,
            None,
        )
    }

    /// Registers (or replaces) the window function `name`, usable with `OVER (…)` and as a
    /// plain aggregate (see [`WindowAggregate`]); otherwise as
    /// [`create_aggregate_function`](Self::create_aggregate_function).
    ///
    /// # Errors
    /// As [`create_scalar_function`](Self::create_scalar_function).
    pub fn create_window_function<A, N: Name, W, T>(
        &self,
        name: N,
        n_arg: i32,
        flags: FunctionFlags,
        aggregate: W,
    ) -> Result<()>
    where
        A: 'static,
        W: WindowAggregate<A, T> + Send + 'static,
        T: SqlFnOutput + 'static,
    {
        let name = name.as_cstr()?;
        self.callbacks.mark_changed();
        aggregate::create::<A, T, W>(
            self.raw(),
            &name,
            n_arg as c_int,
            flags.bits(),
            aggregate,
            Some(aggregate::Window::new()),
        )
    }

    /// Removes the function `name` with `n_arg` arguments; SQLite frees its closure.
    ///
    /// ```
    /// use lite3::{Connection, FunctionFlags};
    ///
    /// let conn = Connection::open_in_memory()?;
    /// conn.create_scalar_function("one", 0, FunctionFlags::empty(), |_| Ok(1))?;
    /// conn.remove_function("one", 0)?;
    /// assert!(conn.query_row("SELECT one()", (), |row| row.get::<_, i64>(0)).is_err());
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`create_scalar_function`](Self::create_scalar_function).
    pub fn remove_function<N: Name>(&self, name: N, n_arg: i32) -> Result<()> {
        let name = name.as_cstr()?;
        self.callbacks.mark_changed();
        function::remove(self.raw(), &name, n_arg as c_int)
    }
}
